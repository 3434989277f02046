//! Rate limits per actor and per client address (token buckets), in memory and shared by two
//! gateway copies through Redis (`TEST_REDIS_URL`, default the local server at 127.0.0.1:6379).

use axum::http::StatusCode;
use keluarga_core::Role;
use keluarga_gateway::AppState;
use keluarga_gateway::config::{Bucket, Config};
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, config};

const ME: &str = "{ me { role } }";

/// Sends `ME` as `who` from `address` (the `x-forwarded-for` header): status, Retry-After, body.
async fn call(s: &AppState, who: &As, address: &str) -> (StatusCode, Option<u64>, Value) {
    let mut req = TestApp::post(who, &json!({ "query": ME }));
    req.headers_mut().insert(
        "x-forwarded-for",
        format!("203.0.113.9, {address}").parse().unwrap(),
    );
    let resp = tower::ServiceExt::oneshot(keluarga_gateway::router(s.clone()), req)
        .await
        .unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, retry, serde_json::from_slice(&bytes).unwrap())
}

fn limited(actor: u32, address: u32) -> Config {
    let mut cfg = config();
    cfg.rate_limits.per_actor = Bucket {
        per_minute: actor,
        burst: 0,
    };
    cfg.rate_limits.per_address = Bucket {
        per_minute: address,
        burst: 0,
    };
    cfg.rate_limits.client_address_header = Some("x-forwarded-for".to_owned());
    cfg
}

#[tokio::test]
async fn each_actor_and_each_address_has_its_own_bucket() {
    let t = TestApp::with(limited(2, 3)).await;
    let ani = t.token_as("ani", Role::Operator, "33.75");
    let budi = t.token_as("budi", Role::Operator, "33.75");

    // Ani has two requests; the third is refused with the limit named and Retry-After.
    assert_eq!(call(&t.state, &ani, "10.0.0.1").await.0, StatusCode::OK);
    assert_eq!(call(&t.state, &ani, "10.0.0.2").await.0, StatusCode::OK);
    let (status, retry, body) = call(&t.state, &ani, "10.0.0.3").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(code(&body), "RATE_LIMITED");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "actor");
    assert!(retry.is_some_and(|r| (1..=30).contains(&r)), "{retry:?}");
    assert!(body.get("data").is_none());
    // Budi, another subject, still has his own.
    assert_eq!(call(&t.state, &budi, "10.0.0.4").await.0, StatusCode::OK);

    // An address has three requests whoever sends them, anonymous ones included; the
    // address is the header's last entry (the proxy's), not the first (the client's claim).
    let (a, b) = (
        t.token_as("citra", Role::Operator, "33.75"),
        t.token_as("dewi", Role::Operator, "33.75"),
    );
    assert_eq!(call(&t.state, &a, "10.0.0.9").await.0, StatusCode::OK);
    assert_eq!(call(&t.state, &b, "10.0.0.9").await.0, StatusCode::OK);
    assert_eq!(
        call(&t.state, &As::Anonymous, "10.0.0.9").await.0,
        StatusCode::OK
    );
    let (status, _, body) = call(&t.state, &As::Anonymous, "10.0.0.9").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "address");
}

#[tokio::test]
async fn two_gateway_copies_share_their_buckets_through_redis() {
    let url =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".to_owned());
    let mut cfg = limited(3, 0);
    cfg.rate_limits.redis_url = Some(url.clone());
    // A prefix of this run only: runs and backends never share a bucket.
    cfg.rate_limits.key_prefix = format!("keluarga-test:{}:", uuid::Uuid::new_v4());
    let one = TestApp::with(cfg.clone()).await;
    let copy = |cfg: &Config| {
        keluarga_gateway::startup::state_at(
            cfg,
            one.db.db.clone(),
            keluarga_core::Clock::Fixed(crate::helpers::TODAY),
        )
        .unwrap()
    };
    let two = copy(&cfg);
    assert!(one.state.rate_limits.is_shared());
    let ani = one.token_as("ani", Role::Operator, "33.75");

    // Three requests between the two copies, then each copy refuses: one bucket, not two.
    assert_eq!(call(&one.state, &ani, "10.0.1.1").await.0, StatusCode::OK);
    assert_eq!(call(&two, &ani, "10.0.1.1").await.0, StatusCode::OK);
    assert_eq!(call(&one.state, &ani, "10.0.1.1").await.0, StatusCode::OK);
    let (status, retry, body) = call(&two, &ani, "10.0.1.1").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "Redis at {url} must be running for this test: {body}"
    );
    assert!(retry.is_some_and(|r| (1..=20).contains(&r)), "{retry:?}");
    assert_eq!(
        call(&one.state, &ani, "10.0.1.1").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A copy whose Redis is unreachable falls back to its own bucket: limited, not refused.
    let mut down = cfg;
    down.rate_limits.redis_url = Some("redis://127.0.0.1:1/0".to_owned());
    let three = copy(&down);
    for _ in 0..3 {
        assert_eq!(call(&three, &ani, "10.0.1.1").await.0, StatusCode::OK);
    }
    assert_eq!(
        call(&three, &ani, "10.0.1.1").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}
