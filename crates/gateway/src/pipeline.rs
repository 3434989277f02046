//! One GraphQL request, stage by stage (docs/architecture.md §7 gives the order and why).
//!
//! [`execute`] is the list of the stages. Each stage is a function that either hands the next
//! one what it needs or refuses the request with a [`Refusal`]: one type, answered one way
//! (its status, a coded error body, the headers that say when to retry), and counted once as an
//! operation with its code.

use std::collections::HashMap;
use std::time::Instant;

use async_graphql::ServerError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keluarga_core::{Actor, ErrorCode};

use crate::auth::AuthError;
use crate::documents::Prepared;
use crate::limits::OperationLimits;
use crate::schema::per_request;
use crate::state::AppState;

/// Counts an operation by its name and outcome (`ok`, or the code of its first error) and records
/// its duration; returns the operation's label.
pub(crate) fn observe(
    s: &AppState,
    operation: Option<&str>,
    outcome: &str,
    started: Instant,
) -> String {
    let op = s.operations.label(operation);
    metrics::histogram!("graphql_operation_duration_seconds", "operation" => op.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("graphql_operations_total", "operation" => op.clone(), "outcome" => outcome.to_owned())
        .increment(1);
    op
}

pub(crate) const GQL_RESPONSE: &str = "application/graphql-response+json";
pub(crate) const JSON: &str = "application/json";

/// The media type to answer with, from `Accept` (GraphQL over HTTP §Accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Media {
    GraphqlResponse,
    Json,
}

pub(crate) fn error_body(code: ErrorCode, message: &str) -> serde_json::Value {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
}

pub(crate) fn respond(status: StatusCode, media: Media, body: &impl serde::Serialize) -> Response {
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

/// Counts a request by its status and records its duration.
pub(crate) fn finish(started: Instant, resp: Response) -> Response {
    let status = resp.status().as_u16().to_string();
    metrics::counter!("graphql_requests_total", "status" => status).increment(1);
    metrics::histogram!("graphql_request_duration_seconds").record(started.elapsed().as_secs_f64());
    resp
}

/// A request as it arrived, before its body is read.
pub(crate) struct Call<'a> {
    pub s: &'a AppState,
    pub headers: &'a HeaderMap,
    /// The address the per-address rate limit counts.
    pub client: Option<String>,
    /// The media type the answer is written in.
    pub media: Media,
}

/// What the client sent: a `POST` body, or a `GET`'s query parameters.
pub(crate) enum Body {
    Post(Result<Bytes, BytesRejection>),
    Get(HashMap<String, String>),
}

/// A request answered without running its operation: why, in a coded error body.
pub(crate) struct Refusal {
    media: Media,
    status: StatusCode,
    /// The catalogue code, also the operation's outcome in the metrics.
    code: ErrorCode,
    body: serde_json::Value,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Refusal {
    /// A refusal with one error of `code` saying `message`.
    fn new(call: &Call<'_>, status: StatusCode, code: ErrorCode, message: &str) -> Self {
        Self::with_body(call, status, code, error_body(code, message))
    }

    fn with_body(
        call: &Call<'_>,
        status: StatusCode,
        code: ErrorCode,
        body: serde_json::Value,
    ) -> Self {
        Refusal {
            media: call.media,
            status,
            code,
            body,
            headers: Vec::new(),
        }
    }

    /// A document that does not parse, validate or fit the limits: 400 with
    /// `application/graphql-response+json`, 200 with `application/json` (GraphQL over HTTP).
    fn document(call: &Call<'_>, code: ErrorCode, body: serde_json::Value) -> Self {
        Self::with_body(call, document_error_status(call.media), code, body)
    }

    /// The same, from async-graphql's errors.
    fn document_errors(call: &Call<'_>, code: ErrorCode, errors: Vec<ServerError>) -> Self {
        Self::errors(call, document_error_status(call.media), code, errors)
    }

    /// A refusal whose body is async-graphql's response of `errors`.
    fn errors(
        call: &Call<'_>,
        status: StatusCode,
        code: ErrorCode,
        errors: Vec<ServerError>,
    ) -> Self {
        let body = async_graphql::Response::from_errors(errors);
        Self::with_body(
            call,
            status,
            code,
            serde_json::to_value(&body).unwrap_or_default(),
        )
    }

    fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// `UNAVAILABLE`, 503, retry in a second.
    fn unavailable(call: &Call<'_>, err: async_graphql::Error) -> Self {
        Self::errors(
            call,
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            vec![err.into_server_error(Default::default())],
        )
        .header(header::RETRY_AFTER, HeaderValue::from_static("1"))
    }

    /// 401 `UNAUTHENTICATED` with `WWW-Authenticate`.
    fn unauthenticated(call: &Call<'_>, message: &str) -> Self {
        Self::new(
            call,
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            message,
        )
        .header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"keluarga-gateway\""),
        )
    }

    /// 429 `RATE_LIMITED`, naming the limit, with `Retry-After`.
    fn rate_limited(call: &Call<'_>, refused: &crate::ratelimit::Refused) -> Self {
        let mut body = error_body(ErrorCode::RateLimited, &refused.to_string());
        body["errors"][0]["extensions"]["limit"] = serde_json::Value::from(refused.limit.as_str());
        body["errors"][0]["extensions"]["retryAfter"] =
            serde_json::Value::from(refused.retry_after_secs);
        let r = Self::with_body(
            call,
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            body,
        );
        match HeaderValue::from_str(&refused.retry_after_secs.to_string()) {
            Ok(v) => r.header(header::RETRY_AFTER, v),
            Err(_) => r,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut resp = respond(self.status, self.media, &self.body);
        for (name, value) in self.headers {
            resp.headers_mut().insert(name, value);
        }
        resp
    }
}

/// The request as read from the body: the operation, the persisted document it may name, and
/// whether it came by GET (queries only).
struct Operation {
    req: async_graphql::Request,
    document_id: Option<String>,
    is_get: bool,
}

/// An operation run: the response and the statements it sent.
struct Executed {
    resp: async_graphql::Response,
    statements: u32,
    /// Refused by validation or a limit before any resolver ran.
    pre_execution: bool,
}

/// Runs one GraphQL request through its stages, in order, and answers it.
pub(crate) async fn execute(call: Call<'_>, body: Body) -> Response {
    let started = Instant::now();
    // The operation's name as far as it is known: the client's, then the document's only one.
    let mut name: Option<String> = None;
    let resp = match stages(&call, body, &mut name).await {
        Ok(executed) => measure(&call, executed, name.as_deref(), started),
        Err(refusal) => {
            observe(call.s, name.as_deref(), refusal.code.as_str(), started);
            refusal.into_response()
        }
    };
    finish(started, resp)
}

async fn stages(
    call: &Call<'_>,
    body: Body,
    name: &mut Option<String>,
) -> Result<Executed, Refusal> {
    let mut op = read_body(call, body).await?;
    name.clone_from(&op.req.operation_name);
    address_limit(call).await?;
    database_reachable(call)?;
    let register = persisted_document(call, &mut op)?;
    let prepared = parse_and_measure(call, &mut op.req)?;
    if name.is_none() {
        *name = prepared.shape.only_operation_name().map(str::to_owned);
    }
    method_allows(call, &op, &prepared)?;
    let actor = authenticate(call).await?;
    anonymous_may(call, &actor, &op, &prepared)?;
    actor_limit(call, &actor).await?;
    trusted_document(call, &actor, &op, register)?;
    let limits = role_limits(call, &actor, &op, &prepared)?;
    let mutation = prepared.shape.is_mutation(op.req.operation_name.as_deref());
    let mut executed = run(call, limits, &actor, op.req, mutation).await?;
    put_in_order(&mut executed, &prepared, name.as_deref(), limits);
    Ok(executed)
}

/// Reads the request: a JSON body, a multipart upload, or a GET's parameters.
async fn read_body(call: &Call<'_>, body: Body) -> Result<Operation, Refusal> {
    match body {
        Body::Get(params) => read_params(call, params),
        Body::Post(body) => read_post(call, body).await,
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

async fn read_post(
    call: &Call<'_>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Operation, Refusal> {
    let s = call.s;
    let body = match body {
        Ok(b) => b,
        Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(Refusal::new(
                call,
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadUserInput,
                &format!(
                    "the request body is larger than {} bytes (uploads: {} bytes)",
                    s.body_limit, s.upload_limit
                ),
            ));
        }
        Err(rej) => {
            return Err(Refusal::new(
                call,
                StatusCode::BAD_REQUEST,
                ErrorCode::GraphqlParseFailed,
                &format!("cannot read the request body: {rej}"),
            ));
        }
    };
    let ct = call
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return read_multipart(call, ct, body).await;
    }
    if body.len() > s.body_limit {
        return Err(Refusal::new(
            call,
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadUserInput,
            &format!("the request body is larger than {} bytes", s.body_limit),
        ));
    }
    if !ct.to_ascii_lowercase().starts_with(JSON) {
        return Err(Refusal::new(
            call,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::GraphqlParseFailed,
            "Content-Type must be application/json",
        ));
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(Refusal::new(
            call,
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            "batched requests (a JSON array) are not supported: send one operation per request",
        ));
    }
    let body: JsonRequest = serde_json::from_slice(&body).map_err(|e| {
        Refusal::new(
            call,
            StatusCode::BAD_REQUEST,
            ErrorCode::GraphqlParseFailed,
            &format!("request body is not a GraphQL request in JSON: {e}"),
        )
    })?;
    let mut req = async_graphql::Request::new(body.query.unwrap_or_default());
    req.operation_name = body.operation_name.filter(|n| !n.is_empty());
    req.variables = body.variables.unwrap_or_default();
    req.extensions = body.extensions.unwrap_or_default();
    Ok(Operation {
        req,
        document_id: body.document_id,
        is_get: false,
    })
}

/// The GraphQL multipart request spec (file uploads): at most one file, of at most
/// `upload_limit` bytes.
async fn read_multipart(call: &Call<'_>, ct: &str, body: Bytes) -> Result<Operation, Refusal> {
    let s = call.s;
    if let Err(refused) = multipart_sizes(s, ct, &body).await {
        return Err(Refusal::with_body(
            call,
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadUserInput,
            refused,
        ));
    }
    let opts = async_graphql::http::MultipartOptions::default()
        .max_num_files(1)
        .max_file_size(s.upload_limit);
    match async_graphql::http::receive_body(Some(ct), body.as_ref(), opts).await {
        Ok(req) => Ok(Operation {
            req,
            document_id: None,
            is_get: false,
        }),
        Err(async_graphql::ParseRequestError::PayloadTooLarge) => Err(Refusal::with_body(
            call,
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadUserInput,
            serde_json::json!({ "errors": [{
                "message": format!("the uploaded file is larger than {} bytes", s.upload_limit),
                "extensions": { "code": ErrorCode::BadUserInput.as_str(), "field": "file" },
            }] }),
        )),
        Err(e) => Err(Refusal::new(
            call,
            StatusCode::BAD_REQUEST,
            ErrorCode::GraphqlParseFailed,
            &format!("not a valid GraphQL multipart request: {e}"),
        )),
    }
}

/// A GET's `query`, `operationName`, `variables`, `extensions` and `documentId`.
fn read_params(call: &Call<'_>, params: HashMap<String, String>) -> Result<Operation, Refusal> {
    let mut req = async_graphql::Request::new(params.get("query").cloned().unwrap_or_default());
    if let Some(name) = params.get("operationName").filter(|n| !n.is_empty()) {
        req = req.operation_name(name.clone());
    }
    let not_object = |what: &str| {
        Refusal::new(
            call,
            StatusCode::BAD_REQUEST,
            ErrorCode::GraphqlParseFailed,
            &format!("`{what}` must be a JSON object"),
        )
    };
    if let Some(vars) = params.get("variables").filter(|v| !v.is_empty()) {
        req.variables = serde_json::from_str(vars).map_err(|_| not_object("variables"))?;
    }
    if let Some(ext) = params.get("extensions").filter(|v| !v.is_empty()) {
        req.extensions = serde_json::from_str(ext).map_err(|_| not_object("extensions"))?;
    }
    Ok(Operation {
        req,
        document_id: params.get("documentId").cloned(),
        is_get: true,
    })
}

/// The per-address rate limit, before anything costs more than a counter.
async fn address_limit(call: &Call<'_>) -> Result<(), Refusal> {
    let Some(addr) = call.client.as_deref() else {
        return Ok(());
    };
    call.s
        .rate_limits
        .check(crate::ratelimit::Limit::Address, addr)
        .await
        .map_err(|refused| Refusal::rate_limited(call, &refused))
}

/// While the probe sees the database gone, every request is answered `UNAVAILABLE` at once
/// rather than after the pool's acquire timeout ([`crate::health`]).
fn database_reachable(call: &Call<'_>) -> Result<(), Refusal> {
    if !call.s.health.is_down() {
        return Ok(());
    }
    Err(Refusal::unavailable(
        call,
        keluarga_core::error::coded(
            ErrorCode::Unavailable,
            "the database cannot be reached just now; retry shortly",
        ),
    ))
}

/// A persisted document named by its hash (APQ, or a trusted-documents id) gets its text; the
/// hash to register the text under, for an APQ registration, is returned.
fn persisted_document(call: &Call<'_>, op: &mut Operation) -> Result<Option<String>, Refusal> {
    let query = std::mem::take(&mut op.req.query);
    let query = (!query.is_empty()).then_some(query);
    let resolved = call
        .s
        .persisted
        .resolve(query, &op.req.extensions.0, op.document_id.as_deref())
        .map_err(|r| Refusal::document(call, r.code, r.body()))?;
    op.req.query = resolved.query;
    Ok(resolved.register)
}

/// The text scanned, parsed and measured ([`crate::shape`]) before anything else walks it;
/// async-graphql keeps the parse for execution.
fn parse_and_measure(
    call: &Call<'_>,
    req: &mut async_graphql::Request,
) -> Result<Prepared, Refusal> {
    use crate::documents::Unfit;
    use crate::shape::Refusal as Shape;
    call.s.documents.prepare(req).map_err(|unfit| {
        let (code, err) = match unfit {
            Unfit::Parse(mut e) => {
                e.extensions
                    .get_or_insert_with(Default::default)
                    .set("code", ErrorCode::GraphqlParseFailed.as_str());
                (ErrorCode::GraphqlParseFailed, e)
            }
            Unfit::Shape(Shape::Over(over)) => (ErrorCode::QueryTooComplex, over.error()),
            Unfit::Shape(Shape::Cycle(name)) => {
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
        Refusal::document_errors(call, code, vec![err])
    })
}

/// GET runs queries only (GraphQL over HTTP): a document that could run a mutation is 405.
fn method_allows(call: &Call<'_>, op: &Operation, prepared: &Prepared) -> Result<(), Refusal> {
    if !(op.is_get && prepared.shape.is_mutation(op.req.operation_name.as_deref())) {
        return Ok(());
    }
    Err(Refusal::new(
        call,
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::BadUserInput,
        "mutations are not allowed over GET; use POST",
    )
    .header(header::ALLOW, HeaderValue::from_static("POST")))
}

/// The caller, from its token or API key; anonymous without either.
async fn authenticate(call: &Call<'_>) -> Result<Actor, Refusal> {
    match call.s.auth.actor(&call.s.app.db, call.headers).await {
        Ok(actor) => Ok(actor),
        Err(AuthError::Unauthenticated(m)) => Err(Refusal::unauthenticated(call, &m)),
        // The key store out of reach is UNAVAILABLE (503, retry shortly); anything else an
        // internal error with a correlation id.
        Err(AuthError::Internal(e)) => {
            if keluarga_core::error::HasCode::code(&e) == ErrorCode::Unavailable {
                return Err(Refusal::unavailable(call, keluarga_core::error::to_gql(e)));
            }
            let err = keluarga_core::error::to_gql(e).into_server_error(Default::default());
            Err(Refusal::errors(
                call,
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                vec![err],
            ))
        }
    }
}

/// The root fields a caller without credentials may select (when `auth.anonymous` gives it no
/// role): who am I, and the schema.
const PUBLIC_ROOT_FIELDS: [&str; 4] = ["me", "__typename", "__schema", "__type"];

/// A caller without a role may ask only [`PUBLIC_ROOT_FIELDS`]: refused on the parse alone, so it
/// costs no validation.
fn anonymous_may(
    call: &Call<'_>,
    actor: &Actor,
    op: &Operation,
    prepared: &Prepared,
) -> Result<(), Refusal> {
    let public = |f: &String| PUBLIC_ROOT_FIELDS.contains(&f.as_str());
    let root_fields = prepared.shape.root_fields(op.req.operation_name.as_deref());
    if actor.role.is_some() || root_fields.iter().all(public) {
        return Ok(());
    }
    Err(Refusal::unauthenticated(
        call,
        "this operation needs a token (Authorization: Bearer) or an API key (X-Api-Key); \
         without one only `me`, `__typename` and introspection are answered",
    ))
}

/// The per-key or per-actor rate limit.
async fn actor_limit(call: &Call<'_>, actor: &Actor) -> Result<(), Refusal> {
    use crate::ratelimit::Limit;
    let (limit, who) = match &actor.credential {
        keluarga_core::Credential::ApiKey(id) => (Limit::ApiKey, id.to_string()),
        keluarga_core::Credential::Token(sub) => (Limit::Actor, sub.clone()),
        keluarga_core::Credential::Anonymous => return Ok(()),
    };
    call.s
        .rate_limits
        .check(limit, &who)
        .await
        .map_err(|refused| Refusal::rate_limited(call, &refused))
}

/// The trusted-documents rule for this caller; then an APQ registration is kept, for an
/// authenticated caller only, once the document parsed.
fn trusted_document(
    call: &Call<'_>,
    actor: &Actor,
    op: &Operation,
    register: Option<String>,
) -> Result<(), Refusal> {
    let persisted = &call.s.persisted;
    persisted
        .check_trusted(actor, &op.req.query)
        .map_err(|r| Refusal::document(call, r.code, r.body()))?;
    if let Some(hash) = register.filter(|_| actor.role.is_some()) {
        persisted.register(hash, &op.req.query);
    }
    Ok(())
}

/// The role's limits on the document's shape: depth, aliases, root fields.
fn role_limits<'s>(
    call: &'s Call<'_>,
    actor: &Actor,
    op: &Operation,
    prepared: &Prepared,
) -> Result<&'s OperationLimits, Refusal> {
    let limits = call.s.limits.of(actor);
    prepared
        .shape
        .within(limits, op.req.operation_name.as_deref())
        .map_err(|over| {
            Refusal::document_errors(call, ErrorCode::QueryTooComplex, vec![over.error()])
        })?;
    Ok(limits)
}

/// Validation and execution on the role's schema, inside the request's DataLoaders and the
/// role's operation timeout, counting the statements sent. A query still running when the
/// health probe sees the database gone is answered `UNAVAILABLE` then, rather than after the
/// pool's acquire timeout; a mutation runs to its own end (it may have committed).
async fn run(
    call: &Call<'_>,
    limits: &OperationLimits,
    actor: &Actor,
    req: async_graphql::Request,
    mutation: bool,
) -> Result<Executed, Refusal> {
    // Kept to measure the operation if its depth or complexity is refused.
    let retry = (
        req.query.clone(),
        req.variables.clone(),
        req.operation_name.clone(),
    );
    let served = call.s.schemas.of(limits);
    let req = per_request(&served.app, actor, req);
    let run = keluarga_core::graphql::loaders::drive(served.schema.execute(req));
    let work = keluarga_core::store::counting_statements(async {
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
    });
    let (mut resp, statements) = if mutation {
        work.await
    } else {
        tokio::select! {
            biased;
            done = work => done,
            () = call.s.health.gone() => return Err(Refusal::unavailable(
                call,
                keluarga_core::error::coded(
                    ErrorCode::Unavailable,
                    "the database stopped answering while this query ran; retry shortly",
                ),
            )),
        }
    };
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
    Ok(Executed {
        resp,
        statements,
        pre_execution,
    })
}

/// The answer in selection order ([`crate::order`]), every error with its catalogue code.
fn put_in_order(
    executed: &mut Executed,
    prepared: &Prepared,
    name: Option<&str>,
    limits: &OperationLimits,
) {
    crate::order::in_selection_order(&mut executed.resp.data, &prepared.doc, name);
    for e in &mut executed.resp.errors {
        classify(e, executed.pre_execution);
        statement_timeout_limit(e, limits);
    }
}

/// Counts the operation by its outcome and statements, and writes the answer.
fn measure(call: &Call<'_>, executed: Executed, name: Option<&str>, started: Instant) -> Response {
    let Executed {
        resp,
        statements,
        pre_execution,
    } = executed;
    let outcome = resp
        .errors
        .first()
        .and_then(|e| e.extensions.as_ref())
        .and_then(|x| match x.get("code") {
            Some(async_graphql::Value::String(c)) => Some(c.clone()),
            _ => None,
        });
    let outcome = outcome.as_deref().unwrap_or("ok");
    let label = observe(call.s, name, outcome, started);
    // SQL statements the operation sent (DataLoader batches included, audit writes not).
    metrics::histogram!("graphql_operation_statements", "operation" => label)
        .record(f64::from(statements));
    tracing::debug!(
        operation = name.unwrap_or(""),
        outcome,
        statements,
        "operation executed"
    );
    let status = if pre_execution {
        document_error_status(call.media)
    } else {
        StatusCode::OK
    };
    respond(status, call.media, &resp)
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
fn statement_timeout_limit(e: &mut ServerError, limits: &OperationLimits) {
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
