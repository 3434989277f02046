//! The HTTP surface: GraphQL over HTTP (`POST`/`GET /graphql`), GraphiQL, health, readiness and
//! Prometheus metrics.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query as UrlQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use keluarga_core::ErrorCode;
use sea_orm::ConnectionTrait;
use sea_orm_migration::MigratorTrait;

use crate::pipeline::{Body, Call, GQL_RESPONSE, JSON, Media, error_body, finish, respond};
pub use crate::state::{AppState, OperationLabels};

/// The TCP peer, when the server was started with connection info (`serve` is; the tests'
/// routers are not).
type Peer = Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>;

/// The client address the per-address limit counts: the configured header's last entry behind a
/// proxy, else the TCP peer's address.
fn client_address(s: &AppState, headers: &HeaderMap, peer: Peer) -> Option<String> {
    match &s.rate_limits.address_header {
        Some(h) => headers
            .get(h)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        None => peer.map(|p| p.0.0.ip().to_string()),
    }
}

/// A request for the pipeline: its state, headers, client address and answer's media type.
fn call<'a>(s: &'a AppState, headers: &'a HeaderMap, peer: Peer, media: Media) -> Call<'a> {
    Call {
        s,
        headers,
        client: client_address(s, headers, peer),
        media,
    }
}

/// The router of the gateway (used by `serve` and driven directly by the tests).
pub fn router(state: AppState) -> Router {
    let body_limit = state.body_limit.max(state.upload_limit + 64 * 1024);
    let timeout = state.timeout;
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphiql", get(crate::graphiql::page))
        .route("/graphiql/{file}", get(crate::graphiql::asset))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        // The body limit is enforced by the `Bytes` extractor, so that the refusal is a GraphQL
        // error with a code rather than a plain-text 413.
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(cors(&state.cors_allowed_origins))
        .layer(axum::middleware::map_response(security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

/// CORS for the configured origins only (none: no CORS headers, same-origin only).
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            axum::http::HeaderName::from_static("x-api-key"),
        ])
        .expose_headers([axum::http::HeaderName::from_static(REQUEST_ID)])
        .max_age(Duration::from_secs(3600))
}

const REQUEST_ID: &str = "x-request-id";

/// Every request gets an id: the caller's `X-Request-Id` when it is a short token of safe
/// characters, else a fresh UUID. It is in the span of every log line of the request and in the
/// response's `X-Request-Id`.
async fn request_id(mut req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use tracing::Instrument;
    let given = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut().insert(REQUEST_ID, value.clone());
    let span = tracing::info_span!("request", request_id = %id);
    let mut resp = next.run(req).instrument(span).await;
    resp.headers_mut().insert(REQUEST_ID, value);
    resp
}

/// Security headers on every response: no MIME sniffing, no framing, no referrer, no caching of
/// answers that may hold personal data; a content policy allowing nothing (the GraphiQL page:
/// nothing but the gateway itself).
async fn security_headers(mut resp: Response) -> Response {
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if html {
            crate::graphiql::PAGE_CSP
        } else {
            "default-src 'none'; frame-ancestors 'none'"
        }),
    );
    resp
}

/// No `Accept`, or one that takes anything (`*/*`, `application/*`), is answered as
/// `application/json`, as the spec advises for clients that predate
/// `application/graphql-response+json`; a client that names the new type gets it.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let mut best: Option<(Media, f32)> = None;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let mt = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match mt.as_str() {
            GQL_RESPONSE => Media::GraphqlResponse,
            JSON | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        // On equal q the named new type wins over a wildcard.
        let better = |bm: Media, bq: f32| {
            q > bq || (q >= bq && media == Media::GraphqlResponse && bm == Media::Json)
        };
        if q > 0.0 && best.is_none_or(|(bm, bq)| better(bm, bq)) {
            best = Some((media, q));
        }
    }
    best.map(|(m, _)| m)
}

fn not_acceptable() -> Response {
    respond(
        StatusCode::NOT_ACCEPTABLE,
        Media::Json,
        &error_body(
            ErrorCode::BadUserInput,
            "Accept must allow application/graphql-response+json or application/json",
        ),
    )
}

async fn graphql_post(
    State(s): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return finish(Instant::now(), not_acceptable());
    };
    crate::pipeline::execute(call(&s, &headers, peer, media), Body::Post(body)).await
}

async fn graphql_get(
    State(s): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    params: Result<
        UrlQuery<std::collections::HashMap<String, String>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let params = params.map(|p| p.0).unwrap_or_default();
    if wants_html && !params.contains_key("query") {
        return Html(crate::graphiql::PAGE).into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return finish(Instant::now(), not_acceptable());
    };
    crate::pipeline::execute(call(&s, &headers, peer, media), Body::Get(params)).await
}

/// Ready when the database answers and no migration is pending, decided within about a second
/// whatever the request pools' state: on PostgreSQL the check runs on the health probe's own
/// connection ([`crate::health`]), and it is 503 at once while the probe sees the database gone.
async fn readyz(State(s): State<AppState>) -> Response {
    let unreachable = || (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    if s.health.is_down() || crate::health::closed(&s.app.db) {
        return unreachable();
    }
    let db = s.health.connection().unwrap_or(&s.app.db);
    let check = async {
        db.execute_unprepared("SELECT 1")
            .await
            .map_err(|e| e.to_string())?;
        crate::Migrator::get_pending_migrations(db)
            .await
            .map(|p| p.len())
            .map_err(|e| e.to_string())
    };
    match tokio::time::timeout(crate::health::PROBE_TIMEOUT, check).await {
        Ok(Ok(0)) => (StatusCode::OK, "ready").into_response(),
        Ok(Ok(n)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{n} migrations pending"),
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            unreachable()
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            unreachable()
        }
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    // Pool use, read when scraped.
    let db = &s.app.db;
    let (open, idle) = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (p.size(), p.num_idle())
        }
        sea_orm::DbBackend::Sqlite => {
            let p = db.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        }
        _ => (0, 0),
    };
    metrics::gauge!("db_pool_connections", "state" => "open").set(f64::from(open));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle as f64);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        s.metrics.render(),
    )
        .into_response()
}
