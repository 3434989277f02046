//! The HTTP surface: GraphQL over HTTP (`POST`/`GET /graphql`), GraphiQL, health, readiness and
//! Prometheus metrics.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::ServerError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query as UrlQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use keluarga_core::{Actor, AppContext, ErrorCode};
use sea_orm::ConnectionTrait;
use sea_orm_migration::MigratorTrait;

use crate::auth::{AuthError, Authenticator};
use crate::schema::per_request;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    /// The schemas (one per distinct depth and complexity limit) with their global data.
    pub schemas: Arc<crate::schema::Schemas>,
    /// Database, PII key and settings.
    pub app: AppContext,
    /// Token and key verification.
    pub auth: Arc<Authenticator>,
    /// Prometheus renderer.
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Operation limits per role.
    pub limits: Arc<crate::limits::RoleTable>,
    /// Largest JSON body accepted.
    pub body_limit: usize,
    /// Largest file upload (multipart request) accepted.
    pub upload_limit: usize,
    /// Request timeout.
    pub timeout: Duration,
    /// Origins allowed cross-origin (CORS); empty for none.
    pub cors_allowed_origins: Vec<String>,
    /// Parsed documents kept between requests.
    pub documents: Arc<crate::documents::DocumentCache>,
    /// The operation names used as metric labels.
    pub operations: Arc<OperationLabels>,
    /// Persisted documents: APQ registrations and the trusted-documents manifest.
    pub persisted: Arc<crate::persisted::Persisted>,
    /// Rate limits per API key, actor and client address.
    pub rate_limits: Arc<crate::ratelimit::RateLimiter>,
    /// Whether the database can be reached, from a probe of its own ([`crate::health`]).
    pub health: Arc<crate::health::DbHealth>,
}

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

/// A GraphQL request in a JSON body: async-graphql's fields, with `query` optional (a persisted
/// document is named by its hash) and the `documentId` of the persisted-documents proposal.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonRequest {
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<async_graphql::Variables>,
    #[serde(default)]
    extensions: Option<async_graphql::Extensions>,
    #[serde(default)]
    document_id: Option<String>,
}

/// Operation names as metric labels, bounded: clients choose the names, and every distinct label
/// is a series kept in memory, so the first [`OperationLabels::CAPACITY`] well-formed names are
/// labels and the rest count as `other`.
#[derive(Debug, Default)]
pub struct OperationLabels {
    names: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl OperationLabels {
    /// How many distinct operation names become labels.
    pub const CAPACITY: usize = 200;

    /// The label of an operation: its name when well formed (a GraphQL name of at most 64
    /// characters) and among the first names seen, `anonymous` without a name, else `other`.
    pub fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".to_owned();
        };
        let well_formed = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !well_formed {
            return "other".to_owned();
        }
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < Self::CAPACITY {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }
}

/// Counts an operation by its name and outcome (`ok`, or the code of its first error) and records
/// its duration; returns the operation's label.
fn observe(s: &AppState, operation: Option<&str>, outcome: &str, started: Instant) -> String {
    let op = s.operations.label(operation);
    metrics::histogram!("graphql_operation_duration_seconds", "operation" => op.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("graphql_operations_total", "operation" => op.clone(), "outcome" => outcome.to_owned())
        .increment(1);
    op
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

const GQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type to answer with, from `Accept` (GraphQL over HTTP §Accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    Json,
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

fn error_body(code: ErrorCode, message: &str) -> serde_json::Value {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
}

fn respond(status: StatusCode, media: Media, body: &impl serde::Serialize) -> Response {
    let ct = match media {
        Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        Media::Json => "application/json; charset=utf-8",
    };
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(ct))],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
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
        return not_acceptable();
    };
    let client = client_address(&s, &headers, peer);
    let body = match body {
        Ok(b) => b,
        Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return respond(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                &error_body(
                    ErrorCode::BadUserInput,
                    &format!(
                        "the request body is larger than {} bytes (uploads: {} bytes)",
                        s.body_limit, s.upload_limit
                    ),
                ),
            );
        }
        Err(rej) => {
            return respond(
                StatusCode::BAD_REQUEST,
                media,
                &error_body(
                    ErrorCode::GraphqlParseFailed,
                    &format!("cannot read the request body: {rej}"),
                ),
            );
        }
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        // The GraphQL multipart request spec (file uploads): at most one file, of at most
        // `upload_limit` bytes.
        if let Err(refused) = multipart_sizes(&s, ct, &body).await {
            return respond(StatusCode::PAYLOAD_TOO_LARGE, media, &refused);
        }
        let opts = async_graphql::http::MultipartOptions::default()
            .max_num_files(1)
            .max_file_size(s.upload_limit);
        return match async_graphql::http::receive_body(Some(ct), body.as_ref(), opts).await {
            Ok(req) => execute(&s, &headers, client.as_deref(), media, req, None, false).await,
            Err(async_graphql::ParseRequestError::PayloadTooLarge) => respond(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                &serde_json::json!({ "errors": [{
                    "message": format!("the uploaded file is larger than {} bytes", s.upload_limit),
                    "extensions": { "code": ErrorCode::BadUserInput.as_str(), "field": "file" },
                }] }),
            ),
            Err(e) => respond(
                StatusCode::BAD_REQUEST,
                media,
                &error_body(
                    ErrorCode::GraphqlParseFailed,
                    &format!("not a valid GraphQL multipart request: {e}"),
                ),
            ),
        };
    }
    if body.len() > s.body_limit {
        return respond(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            &error_body(
                ErrorCode::BadUserInput,
                &format!("the request body is larger than {} bytes", s.body_limit),
            ),
        );
    }
    if !ct.to_ascii_lowercase().starts_with(JSON) {
        return respond(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            &error_body(
                ErrorCode::GraphqlParseFailed,
                "Content-Type must be application/json",
            ),
        );
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return respond(
            StatusCode::BAD_REQUEST,
            media,
            &error_body(
                ErrorCode::BadUserInput,
                "batched requests (a JSON array) are not supported: send one operation per request",
            ),
        );
    }
    let body: JsonRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return respond(
                StatusCode::BAD_REQUEST,
                media,
                &error_body(
                    ErrorCode::GraphqlParseFailed,
                    &format!("request body is not a GraphQL request in JSON: {e}"),
                ),
            );
        }
    };
    let mut req = async_graphql::Request::new(body.query.unwrap_or_default());
    req.operation_name = body.operation_name.filter(|n| !n.is_empty());
    req.variables = body.variables.unwrap_or_default();
    req.extensions = body.extensions.unwrap_or_default();
    execute(
        &s,
        &headers,
        client.as_deref(),
        media,
        req,
        body.document_id,
        false,
    )
    .await
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
        return not_acceptable();
    };
    let client = client_address(&s, &headers, peer);
    let mut req = async_graphql::Request::new(params.get("query").cloned().unwrap_or_default());
    if let Some(name) = params.get("operationName").filter(|n| !n.is_empty()) {
        req = req.operation_name(name.clone());
    }
    if let Some(vars) = params.get("variables").filter(|v| !v.is_empty()) {
        match serde_json::from_str::<async_graphql::Variables>(vars) {
            Ok(v) => req = req.variables(v),
            Err(_) => {
                return respond(
                    StatusCode::BAD_REQUEST,
                    media,
                    &error_body(
                        ErrorCode::GraphqlParseFailed,
                        "`variables` must be a JSON object",
                    ),
                );
            }
        }
    }
    if let Some(ext) = params.get("extensions").filter(|v| !v.is_empty()) {
        match serde_json::from_str::<async_graphql::Extensions>(ext) {
            Ok(x) => req.extensions = x,
            Err(_) => {
                return respond(
                    StatusCode::BAD_REQUEST,
                    media,
                    &error_body(
                        ErrorCode::GraphqlParseFailed,
                        "`extensions` must be a JSON object",
                    ),
                );
            }
        }
    }
    let document_id = params.get("documentId").cloned();
    execute(
        &s,
        &headers,
        client.as_deref(),
        media,
        req,
        document_id,
        true,
    )
    .await
}

async fn execute(
    s: &AppState,
    headers: &HeaderMap,
    client: Option<&str>,
    media: Media,
    mut req: async_graphql::Request,
    document_id: Option<String>,
    is_get: bool,
) -> Response {
    let started = Instant::now();
    if let Some(addr) = client
        && let Err(refused) = s
            .rate_limits
            .check(crate::ratelimit::Limit::Address, addr)
            .await
    {
        return finish(
            started,
            rate_limited(s, req.operation_name.as_deref(), media, &refused, started),
        );
    }
    if s.health.is_down() {
        // The probe saw the database gone: answered at once rather than after the pool's
        // acquire timeout, until the probe sees it back.
        observe(s, req.operation_name.as_deref(), "UNAVAILABLE", started);
        return finish(started, database_unavailable(media));
    }
    // A persisted document named by its hash gets its text first.
    let query = std::mem::take(&mut req.query);
    let query = (!query.is_empty()).then_some(query);
    let resolved = match s
        .persisted
        .resolve(query, &req.extensions.0, document_id.as_deref())
    {
        Ok(r) => r,
        Err(refusal) => {
            observe(
                s,
                req.operation_name.as_deref(),
                refusal.code.as_str(),
                started,
            );
            return finish(
                started,
                respond(document_error_status(media), media, &refusal.body()),
            );
        }
    };
    req.query = resolved.query;
    // The document is scanned, parsed and measured (`crate::shape`) before anything else walks
    // it; async-graphql keeps the parse for execution.
    let operation = req.operation_name.clone();
    let prepared = match s.documents.prepare(&mut req) {
        Ok(prepared) => prepared,
        Err(unfit) => {
            let (code, body) = unfit_body(unfit);
            observe(s, operation.as_deref(), code.as_str(), started);
            return finish(started, respond(document_error_status(media), media, &body));
        }
    };
    let shape = &prepared.shape;
    let mutation = shape.is_mutation(operation.as_deref());
    let operation = operation.or_else(|| shape.only_operation_name().map(str::to_owned));
    let root_fields = shape.root_fields(req.operation_name.as_deref());
    if is_get && mutation {
        let mut resp = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            &error_body(
                ErrorCode::BadUserInput,
                "mutations are not allowed over GET; use POST",
            ),
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return finish(started, resp);
    }
    let actor: Actor = match s.auth.actor(&s.app.db, headers).await {
        Ok(a) => a,
        Err(AuthError::Unauthenticated(m)) => {
            return finish(started, unauthenticated(media, &m));
        }
        Err(AuthError::Internal(e)) => {
            // The key store out of reach is UNAVAILABLE (503, retry shortly); anything else
            // an internal error with a correlation id.
            let unavailable = keluarga_core::error::HasCode::code(&e) == ErrorCode::Unavailable;
            let err = keluarga_core::error::to_gql(e);
            let body = async_graphql::Response::from_errors(vec![
                err.into_server_error(Default::default()),
            ]);
            if !unavailable {
                return finish(
                    started,
                    respond(StatusCode::INTERNAL_SERVER_ERROR, media, &body),
                );
            }
            let mut resp = respond(StatusCode::SERVICE_UNAVAILABLE, media, &body);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return finish(started, resp);
        }
    };
    if actor.role.is_none()
        && !root_fields
            .iter()
            .all(|f| PUBLIC_ROOT_FIELDS.contains(&f.as_str()))
    {
        // Refused on the parse alone: a caller without credentials costs no validation.
        observe(
            s,
            operation.as_deref(),
            ErrorCode::Unauthenticated.as_str(),
            started,
        );
        let resp = unauthenticated(
            media,
            "this operation needs a token (Authorization: Bearer) or an API key (X-Api-Key); \
             without one only `me`, `__typename` and introspection are answered",
        );
        return finish(started, resp);
    }
    let bucket = match &actor.credential {
        keluarga_core::Credential::ApiKey(id) => {
            Some((crate::ratelimit::Limit::ApiKey, id.to_string()))
        }
        keluarga_core::Credential::Token(sub) => {
            Some((crate::ratelimit::Limit::Actor, sub.clone()))
        }
        keluarga_core::Credential::Anonymous => None,
    };
    if let Some((limit, who)) = bucket
        && let Err(refused) = s.rate_limits.check(limit, &who).await
    {
        return finish(
            started,
            rate_limited(s, operation.as_deref(), media, &refused, started),
        );
    }
    if let Err(refusal) = s.persisted.check_trusted(&actor, &req.query) {
        observe(s, operation.as_deref(), refusal.code.as_str(), started);
        return finish(
            started,
            respond(document_error_status(media), media, &refusal.body()),
        );
    }
    if let Some(hash) = resolved.register.filter(|_| actor.role.is_some()) {
        // Registered only for an authenticated caller, once the document parsed.
        s.persisted.register(hash, &req.query);
    }
    let limits = s.limits.of(&actor);
    if let Err(over) = limits.check_document(shape.depth, shape.aliases, root_fields.len()) {
        observe(
            s,
            operation.as_deref(),
            ErrorCode::QueryTooComplex.as_str(),
            started,
        );
        let body = async_graphql::Response::from_errors(vec![over.error()]);
        return finish(started, respond(document_error_status(media), media, &body));
    }
    // Kept to measure the operation if its depth or complexity is refused.
    let retry = (
        req.query.clone(),
        req.variables.clone(),
        req.operation_name.clone(),
    );
    let served = s.schemas.of(limits);
    let req = per_request(&served.app, &actor, req);
    let run = keluarga_core::graphql::loaders::drive(served.schema.execute(req));
    let (mut resp, statements) = keluarga_core::store::counting_statements(async {
        match limits.timeout {
            None => run.await,
            Some(t) => match tokio::time::timeout(t, run).await {
                Ok(resp) => resp,
                Err(_) => async_graphql::Response::from_errors(vec![
                    crate::limits::Exceeded {
                        measure: "durationMs",
                        cost: t.as_millis() as u64,
                        limit: t.as_millis() as u64,
                        role: Some(limits.role),
                    }
                    .error(),
                ]),
            },
        }
    })
    .await;
    let pre_execution = resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty());
    if pre_execution && resp.errors.iter().any(is_limit_error) {
        // async-graphql says only that a limit was passed: measure by how much.
        let (query, variables, name) = retry;
        if let Some(measured) = crate::schema::measure(&query, variables, name.as_deref()).await
            && let Err(over) = crate::limits::RoleTable::over(limits, measured)
        {
            resp.errors = vec![over.error()];
        }
    }
    crate::order::in_selection_order(&mut resp.data, &prepared.doc, operation.as_deref());
    for e in &mut resp.errors {
        classify(e, pre_execution);
        statement_timeout_limit(e, limits);
    }
    let status = if pre_execution {
        document_error_status(media)
    } else {
        StatusCode::OK
    };
    let outcome = resp
        .errors
        .first()
        .and_then(|e| e.extensions.as_ref())
        .and_then(|x| match x.get("code") {
            Some(async_graphql::Value::String(c)) => Some(c.clone()),
            _ => None,
        });
    let outcome = outcome.as_deref().unwrap_or("ok");
    let label = observe(s, operation.as_deref(), outcome, started);
    // SQL statements the operation sent (DataLoader batches included, audit writes not).
    metrics::histogram!("graphql_operation_statements", "operation" => label)
        .record(f64::from(statements));
    tracing::debug!(
        operation = operation.as_deref().unwrap_or(""),
        outcome,
        statements,
        "operation executed"
    );
    finish(started, respond(status, media, &resp))
}

/// The 503 of a request refused while the database is unreachable, with `Retry-After: 1`.
fn database_unavailable(media: Media) -> Response {
    let err = keluarga_core::error::coded(
        ErrorCode::Unavailable,
        "the database cannot be reached just now; retry shortly",
    );
    let body =
        async_graphql::Response::from_errors(vec![err.into_server_error(Default::default())]);
    let mut resp = respond(StatusCode::SERVICE_UNAVAILABLE, media, &body);
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    resp
}

/// The 429 of a refused request, with `Retry-After`; counted as an operation refused.
fn rate_limited(
    s: &AppState,
    operation: Option<&str>,
    media: Media,
    refused: &crate::ratelimit::Refused,
    started: Instant,
) -> Response {
    observe(s, operation, ErrorCode::RateLimited.as_str(), started);
    let mut body = error_body(ErrorCode::RateLimited, &refused.to_string());
    body["errors"][0]["extensions"]["limit"] = serde_json::Value::from(refused.limit.as_str());
    body["errors"][0]["extensions"]["retryAfter"] =
        serde_json::Value::from(refused.retry_after_secs);
    let mut resp = respond(StatusCode::TOO_MANY_REQUESTS, media, &body);
    if let Ok(v) = HeaderValue::from_str(&refused.retry_after_secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// The status of a request whose document does not parse or validate: 400 with
/// `application/graphql-response+json`, 200 with `application/json` (the errors are in the body;
/// legacy clients read them there).
fn document_error_status(media: Media) -> StatusCode {
    match media {
        Media::GraphqlResponse => StatusCode::BAD_REQUEST,
        Media::Json => StatusCode::OK,
    }
}

/// Gives every error a catalogue code: limit errors are QUERY_TOO_COMPLEX, other errors raised
/// before execution are validation failures.
fn classify(e: &mut ServerError, pre_execution: bool) {
    let has_code = e
        .extensions
        .as_ref()
        .is_some_and(|x| x.get("code").is_some());
    if has_code {
        return;
    }
    let code = if is_limit_error(e) {
        ErrorCode::QueryTooComplex
    } else if pre_execution {
        ErrorCode::GraphqlValidationFailed
    } else {
        ErrorCode::BadUserInput
    };
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("code", code.as_str());
}

/// A field whose statement the database cancelled at the role's statement timeout
/// (`extensions.measure = "statementTimeoutMs"`, set by core) gets the limit and the role, as the
/// other refusals have them; the statement ran at least that long (`cost`).
fn statement_timeout_limit(e: &mut ServerError, limits: &crate::limits::OperationLimits) {
    let Some(ext) = e.extensions.as_mut() else {
        return;
    };
    let cancelled = matches!(
        ext.get("measure"),
        Some(async_graphql::Value::String(m)) if m == keluarga_core::error::STATEMENT_TIMEOUT_MEASURE
    );
    if cancelled {
        ext.set("cost", limits.statement_timeout_ms);
        ext.set("limit", limits.statement_timeout_ms);
        ext.set("role", limits.role);
    }
}

/// Whether `e` is async-graphql's refusal of a depth or complexity limit.
fn is_limit_error(e: &ServerError) -> bool {
    e.message.contains("too complex") || e.message.contains("nested too deep")
}

/// Checks the size of each part of a multipart request (GraphQL multipart request spec) and
/// names the one over its limit: `operations` and `map` are JSON held to `server.body_limit_bytes`,
/// a file to the upload limit. (async-graphql's reader holds every part to the file limit and
/// says only that the payload is too large.) A malformed request passes, for async-graphql to
/// refuse with its own message.
async fn multipart_sizes(s: &AppState, ct: &str, body: &Bytes) -> Result<(), serde_json::Value> {
    let Ok(boundary) = multer::parse_boundary(ct) else {
        return Ok(());
    };
    let chunk = body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(chunk) });
    let limits = multer::SizeLimit::new()
        .for_field("operations", s.body_limit as u64)
        .for_field("map", s.body_limit as u64)
        .per_field(s.upload_limit as u64);
    let mut parts = multer::Multipart::with_constraints(
        stream,
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let too_large = |field: &str, limit: u64| {
        let (what, field) = match field {
            "operations" | "map" => (format!("the multipart field `{field}`"), field.to_owned()),
            _ => ("the uploaded file".to_owned(), "file".to_owned()),
        };
        serde_json::json!({ "errors": [{
            "message": format!("{what} is larger than {limit} bytes"),
            "extensions": { "code": ErrorCode::BadUserInput.as_str(), "field": field },
        }] })
    };
    loop {
        match parts.next_field().await {
            Ok(Some(mut field)) => loop {
                match field.chunk().await {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(multer::Error::FieldSizeExceeded { limit, field_name }) => {
                        return Err(too_large(field_name.as_deref().unwrap_or(""), limit));
                    }
                    Err(_) => return Ok(()),
                }
            },
            Ok(None) => return Ok(()),
            Err(multer::Error::FieldSizeExceeded { limit, field_name }) => {
                return Err(too_large(field_name.as_deref().unwrap_or(""), limit));
            }
            Err(_) => return Ok(()),
        }
    }
}

/// 401 `UNAUTHENTICATED` with `WWW-Authenticate`.
fn unauthenticated(media: Media, message: &str) -> Response {
    let mut resp = respond(
        StatusCode::UNAUTHORIZED,
        media,
        &error_body(ErrorCode::Unauthenticated, message),
    );
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"keluarga-gateway\""),
    );
    resp
}

/// The root fields a caller without credentials may select (when `auth.anonymous` gives it no
/// role): who am I, and the schema.
const PUBLIC_ROOT_FIELDS: [&str; 4] = ["me", "__typename", "__schema", "__type"];

/// The error code and body of a document refused before validation.
fn unfit_body(unfit: crate::documents::Unfit) -> (ErrorCode, async_graphql::Response) {
    use crate::documents::Unfit;
    use crate::shape::Refusal;
    let (code, err) = match unfit {
        Unfit::Parse(mut e) => {
            e.extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::GraphqlParseFailed.as_str());
            (ErrorCode::GraphqlParseFailed, e)
        }
        Unfit::Shape(Refusal::Over(over)) => (ErrorCode::QueryTooComplex, over.error()),
        Unfit::Shape(Refusal::Cycle(name)) => {
            let mut e = ServerError::new(
                format!("Cannot spread fragment \"{name}\": it spreads itself"),
                None,
            );
            e.extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::GraphqlValidationFailed.as_str());
            (ErrorCode::GraphqlValidationFailed, e)
        }
    };
    (code, async_graphql::Response::from_errors(vec![err]))
}

fn finish(started: Instant, resp: Response) -> Response {
    let status = resp.status().as_u16().to_string();
    metrics::counter!("graphql_requests_total", "status" => status).increment(1);
    metrics::histogram!("graphql_request_duration_seconds").record(started.elapsed().as_secs_f64());
    resp
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
