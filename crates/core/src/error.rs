//! The error catalogue: every error a client sees carries one [`ErrorCode`] in `extensions.code`.

use async_graphql::ErrorExtensions;

/// The public catalogue of error codes, written SCREAMING_SNAKE in `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The request is well formed but an argument or input field is invalid; `extensions.field` names it.
    BadUserInput,
    /// No valid credentials: bad, expired or unsigned token, unknown or revoked API key.
    Unauthenticated,
    /// The actor's role or scope does not allow this.
    Forbidden,
    /// The record does not exist, or is outside the actor's scope.
    NotFound,
    /// The record was changed by someone else (stale `version`), or a unique value is taken.
    Conflict,
    /// Too many requests for this API key or client.
    RateLimited,
    /// The query exceeds its role's depth, complexity, alias, root-field or page-size limit, its
    /// operation timeout, or (on PostgreSQL) its statement timeout; `extensions.measure` says which.
    QueryTooComplex,
    /// The request body or the GraphQL document could not be parsed.
    GraphqlParseFailed,
    /// The GraphQL document is not valid against the schema.
    GraphqlValidationFailed,
    /// A persisted document's hash is unknown: send the document once with its hash (APQ).
    PersistedQueryNotFound,
    /// The caller may run only the operations of the trusted-documents manifest.
    OperationNotTrusted,
    /// The database cannot be reached just now (restarting, or no connection free within
    /// `database.acquire_timeout_ms`): retry after a short wait. Nothing was written.
    Unavailable,
    /// A figure the operation would return is beyond 2^53 − 1 (a total of rupiah), the largest
    /// integer every JSON reader holds exactly; `extensions.field` names the figure. Ask for a
    /// smaller region or period, or correct the records that make it so large.
    ResultOutOfRange,
    /// Something failed on the server; the message carries only a correlation id.
    Internal,
}

impl ErrorCode {
    /// Every code, in catalogue order.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::BadUserInput,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::RateLimited,
        ErrorCode::QueryTooComplex,
        ErrorCode::GraphqlParseFailed,
        ErrorCode::GraphqlValidationFailed,
        ErrorCode::PersistedQueryNotFound,
        ErrorCode::OperationNotTrusted,
        ErrorCode::Unavailable,
        ErrorCode::ResultOutOfRange,
        ErrorCode::Internal,
    ];

    /// The code as written in `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::OperationNotTrusted => "OPERATION_NOT_TRUSTED",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::ResultOutOfRange => "RESULT_OUT_OF_RANGE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// Implemented by every crate's error enum.
pub trait HasCode: std::error::Error {
    /// The catalogue code of this error.
    fn code(&self) -> ErrorCode;
    /// The input field the error is about, if any (`extensions.field`).
    fn field(&self) -> Option<&str> {
        None
    }
    /// The message clients see (never a database message).
    fn public_message(&self) -> String {
        self.to_string()
    }
    /// Adds error-specific extensions beyond `code` and `field` (a domain's row-by-row report).
    fn extend(&self, _ext: &mut async_graphql::ErrorExtensionValues) {}
    /// The database error inside, if this is one (a loader keeps it, so that its field's error
    /// is as precise as a resolver's: `UNAVAILABLE`, or a cancelled statement).
    fn into_db(self) -> std::result::Result<sea_orm::DbErr, Self>
    where
        Self: Sized,
    {
        Err(self)
    }
}

/// One bad row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// The line number in the file (the header is line 1).
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}: {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// How many bad rows an import error lists in `extensions.rows`.
pub const MAX_REPORTED_ROWS: usize = 1000;

/// `extensions.measure` of a statement the database cancelled at its statement timeout.
pub const STATEMENT_TIMEOUT_MEASURE: &str = "statementTimeoutMs";

/// The errors of the core registry; domain crates define their own enum the same way.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An invalid input field.
    #[error("{field}: {message}")]
    BadInput {
        /// The input path, e.g. `input.regionCode`.
        field: String,
        /// What is wrong, in lowercase.
        message: String,
    },
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Role or scope forbids it.
    #[error("{0}")]
    Forbidden(String),
    /// Missing or out of scope.
    #[error("{0} not found")]
    NotFound(String),
    /// Stale version or duplicate value.
    #[error("{0}")]
    Conflict(String),
    /// An import file with bad rows: every one is listed (`extensions.rows`), and nothing was
    /// written.
    #[error("{} of {total} rows are invalid; nothing was imported", rows.len())]
    Import {
        /// The bad rows, in file order.
        rows: Vec<RowError>,
        /// The number of data rows in the file.
        total: u64,
    },
    /// A figure too large to return exactly (a total past 2^53 − 1).
    #[error("{field}: {message}")]
    OutOfRange {
        /// The figure, e.g. `total`.
        field: String,
        /// Why, with what to do.
        message: String,
    },
    /// A database error: logged, never shown.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

impl Error {
    /// Shorthand for [`Error::BadInput`].
    pub fn bad(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The standard refusal for a role that may not do something.
    pub fn forbidden(what: &str) -> Self {
        Error::Forbidden(format!("your role may not {what}"))
    }
}

impl HasCode for Error {
    fn code(&self) -> ErrorCode {
        match self {
            Error::BadInput { .. } => ErrorCode::BadUserInput,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Import { .. } => ErrorCode::BadUserInput,
            Error::OutOfRange { .. } => ErrorCode::ResultOutOfRange,
            Error::Db(e) if unavailable(e) => ErrorCode::Unavailable,
            Error::Db(e) if statement_cancelled(e) => ErrorCode::QueryTooComplex,
            Error::Db(e) => match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ErrorCode::Conflict,
                _ => ErrorCode::Internal,
            },
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Error::BadInput { field, .. } | Error::OutOfRange { field, .. } => Some(field),
            Error::Import { .. } => Some("file"),
            _ => None,
        }
    }

    fn into_db(self) -> std::result::Result<sea_orm::DbErr, Self> {
        match self {
            Error::Db(d) => Ok(d),
            other => Err(other),
        }
    }

    /// An import error lists its bad rows (line, column, message) in `extensions.rows`; a
    /// cancelled statement says so in `extensions.measure` (the gateway adds the limit and role).
    fn extend(&self, ext: &mut async_graphql::ErrorExtensionValues) {
        if let Error::Db(e) = self
            && statement_cancelled(e)
        {
            ext.set("measure", STATEMENT_TIMEOUT_MEASURE);
        }
        let Error::Import { rows, .. } = self else {
            return;
        };
        let listed: Vec<async_graphql::Value> = rows
            .iter()
            .take(MAX_REPORTED_ROWS)
            .map(|r| {
                let mut m = async_graphql::indexmap::IndexMap::new();
                m.insert(async_graphql::Name::new("line"), r.line.into());
                m.insert(
                    async_graphql::Name::new("column"),
                    r.column.clone().map(Into::into).unwrap_or_default(),
                );
                m.insert(
                    async_graphql::Name::new("message"),
                    r.message.clone().into(),
                );
                async_graphql::Value::Object(m)
            })
            .collect();
        ext.set("rows", async_graphql::Value::List(listed));
    }

    fn public_message(&self) -> String {
        match self {
            Error::Db(e) if unavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                "the database cannot be reached just now; retry shortly".to_owned()
            }
            Error::Db(e) if statement_cancelled(e) => STATEMENT_TIMEOUT_MESSAGE.to_owned(),
            Error::Db(_) => "a record with the same unique value already exists".to_owned(),
            e => e.to_string(),
        }
    }
}

/// Whether `e` says the database could not be reached (no connection, none free in time), as
/// opposed to a statement that failed.
pub fn unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        // The connection broke under a statement (the server stopped or restarted).
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // PostgreSQL's "connection exception" and "operator intervention" classes: the
                // server is shutting down, restarting or not yet accepting connections.
                sqlx::Error::Database(d) => d
                    .code()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether `e` is a statement the database cancelled (PostgreSQL's `query_canceled`, 57014:
/// its statement timeout passed, or an administrator cancelled it). Nothing of it was written.
pub fn statement_cancelled(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(&**e, sqlx::Error::Database(d) if d.code().as_deref() == Some("57014"))
        }
        _ => false,
    }
}

const STATEMENT_TIMEOUT_MESSAGE: &str = "a statement of this operation ran past the statement timeout of your role and was cancelled; nothing of it was written";

/// The error of DataLoaders (cloneable, as async-graphql requires): a database error kept as it
/// is, so that the field's error is as precise as a resolver's ([`internal`]), or any other
/// error as the GraphQL error its resolver would have returned ([`to_gql`]: code, field and
/// message).
#[derive(Debug, Clone)]
pub enum LoadError {
    /// The database failed.
    Db(std::sync::Arc<sea_orm::DbErr>),
    /// A catalogued error, as its client sees it.
    Coded(async_graphql::Error),
}

impl From<sea_orm::DbErr> for LoadError {
    fn from(e: sea_orm::DbErr) -> Self {
        LoadError::Db(std::sync::Arc::new(e))
    }
}

/// The result type of core services and stores.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns any catalogued error into a GraphQL error with `extensions.code`.
///
/// `INTERNAL` errors are logged with a fresh correlation id; the client gets the id and nothing else.
pub fn to_gql<E: HasCode>(e: E) -> async_graphql::Error {
    let code = e.code();
    if code == ErrorCode::Internal {
        return logged(&e);
    }
    let message = e.public_message();
    let field = e.field().map(str::to_owned);
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", code.as_str());
        if let Some(field) = &field {
            ext.set("field", field.as_str());
        }
        e.extend(ext);
    })
}

/// Logs an unexpected error with a new correlation id and returns the client-safe error (a
/// loader's [`LoadError::Coded`] is returned as it is); a database that could not be reached
/// ([`unavailable`], also inside a loader's error) is
/// `UNAVAILABLE` instead, and a cancelled statement ([`statement_cancelled`]) is
/// `QUERY_TOO_COMPLEX` with `extensions.measure = "statementTimeoutMs"`.
pub fn internal<E: std::fmt::Debug + std::any::Any>(e: &E) -> async_graphql::Error {
    let any = e as &dyn std::any::Any;
    if let Some(LoadError::Coded(g)) = any.downcast_ref::<LoadError>() {
        return g.clone();
    }
    let db = any
        .downcast_ref::<sea_orm::DbErr>()
        .or_else(|| {
            any.downcast_ref::<std::sync::Arc<sea_orm::DbErr>>()
                .map(|a| &**a)
        })
        .or_else(|| match any.downcast_ref::<LoadError>() {
            Some(LoadError::Db(d)) => Some(&**d),
            _ => None,
        })
        .or_else(|| match any.downcast_ref::<Error>() {
            Some(Error::Db(d)) => Some(d),
            _ => None,
        });
    if let Some(d) = db
        && unavailable(d)
    {
        tracing::warn!(error = %d, "database unavailable");
        return coded(
            ErrorCode::Unavailable,
            "the database cannot be reached just now; retry shortly",
        );
    }
    if let Some(d) = db
        && statement_cancelled(d)
    {
        return coded(ErrorCode::QueryTooComplex, STATEMENT_TIMEOUT_MESSAGE)
            .extend_with(|_, ext| ext.set("measure", STATEMENT_TIMEOUT_MEASURE));
    }
    logged(e)
}

/// Logs `e` with a new correlation id and returns the client-safe `INTERNAL` error.
fn logged<E: std::fmt::Debug + ?Sized>(e: &E) -> async_graphql::Error {
    let correlation_id = uuid::Uuid::new_v4().to_string();
    tracing::error!(correlation_id = %correlation_id, error = ?e, "internal error");
    async_graphql::Error::new(format!("internal error (correlation id {correlation_id})"))
        .extend_with(|_, ext| {
            ext.set("code", ErrorCode::Internal.as_str());
            ext.set("correlationId", correlation_id.as_str());
        })
}

/// A plain GraphQL error with a catalogue code.
pub fn coded(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message.into()).extend_with(|_, ext| ext.set("code", code.as_str()))
}

/// Converts `Result<T, E: HasCode>` into an async-graphql result.
pub trait GqlResultExt<T> {
    /// Maps the error through [`to_gql`].
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: HasCode> GqlResultExt<T> for std::result::Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_gql)
    }
}
