//! OpenTelemetry traces over OTLP/HTTP: a collector (a plain HTTP server here, standing in for
//! an OpenTelemetry Collector at `/v1/traces`) receives the spans of a request: async-graphql's
//! request and field spans, a span per DataLoader batch and an event per SQL statement.
//!
//! A test binary of its own: tracing decides once per call site, process-wide, whether anyone
//! listens, and the other tests' threads (with no subscriber) reaching the DataLoader's span first
//! made it invisible here when this test ran beside them.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly too"
)]

#[path = "../it/helpers.rs"]
#[expect(dead_code, reason = "this binary uses a few of the shared helpers")]
mod helpers;

use std::sync::{Arc, Mutex};

use axum::routing::post;
use keluarga_core::Role;
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

use crate::helpers::{TestApp, config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_reach_an_otlp_collector_with_loader_spans_and_statements() {
    let received: Arc<Mutex<Vec<u8>>> = Arc::default();
    let sink = received.clone();
    let collector = axum::Router::new().route(
        "/v1/traces",
        post(move |body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().extend_from_slice(&body);
                ""
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, collector).await });

    let (layer, provider) = keluarga_gateway::telemetry::otlp(
        &format!("http://{addr}/v1/traces"),
        "keluarga-test-service",
    )
    .unwrap();
    let subscriber = tracing_subscriber::registry().with(layer);
    let mut cfg = config();
    cfg.observability.trace_resolvers = true;
    {
        // This thread's subscriber while the request runs (the test drives the router here).
        let _guard = tracing::subscriber::set_default(subscriber);
        let t = TestApp::with(cfg).await;
        let tok = t.token(Role::Admin, "");
        t.ok(
            &tok,
            r#"query TracedRegions { region(code: "33") { name children(first: 3) { edges { node { code children(first: 2) { edges { node { name } } } } } } } }"#,
            json!({}),
        )
        .await;
    }
    let flushed = tokio::task::spawn_blocking(move || {
        let r = provider.force_flush();
        let _ = provider.shutdown();
        r
    })
    .await
    .unwrap();
    assert!(flushed.is_ok(), "{flushed:?}");
    let bytes = received.lock().unwrap().clone();
    let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
    let text = String::from_utf8_lossy(&bytes);
    // The `loader` attribute of a batch span: a loader's type name (`RegionLoader`,
    // `ChildrenLoader`, ...), not the module path every span of loaders.rs carries.
    let loaders: Vec<&str> = text
        .match_indices("graphql::loaders::")
        .map(|(i, m)| &text[i + m.len()..(i + m.len() + 16).min(text.len())])
        .filter(|name| !name.starts_with("dataloader"))
        .collect();
    assert!(
        loaders.iter().any(|l| l.contains("Loader")),
        "no loader batch span: {loaders:?}"
    );
    for name in [
        "keluarga-test-service",
        "request",
        "field",
        "loader",
        "statement",
        "SELECT",
    ] {
        assert!(
            has(name),
            "{name} not in the {} bytes exported",
            bytes.len()
        );
    }
}
