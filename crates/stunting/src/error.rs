//! The stunting domain's errors: core's catalogue, plus the row-by-row report of a bulk import.

use keluarga_core::error::{ErrorCode, HasCode};

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

/// Errors of the stunting services.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Any error of core's catalogue (bad input, forbidden, not found, conflict, database).
    #[error(transparent)]
    Core(#[from] keluarga_core::error::Error),
    /// An import file with bad rows: every one is listed, and nothing was written.
    #[error("{} of {total} rows are invalid; nothing was imported", rows.len())]
    Import {
        /// The bad rows, in file order.
        rows: Vec<RowError>,
        /// The number of data rows in the file.
        total: u64,
    },
}

impl From<sea_orm::DbErr> for Error {
    fn from(e: sea_orm::DbErr) -> Self {
        Error::Core(e.into())
    }
}

impl HasCode for Error {
    fn code(&self) -> ErrorCode {
        match self {
            Error::Core(e) => e.code(),
            Error::Import { .. } => ErrorCode::BadUserInput,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Error::Core(e) => e.field(),
            Error::Import { .. } => Some("file"),
        }
    }

    fn public_message(&self) -> String {
        match self {
            Error::Core(e) => e.public_message(),
            e => e.to_string(),
        }
    }

    /// An import error lists its bad rows (line, column, message) in `extensions.rows`.
    fn extend(&self, ext: &mut async_graphql::ErrorExtensionValues) {
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
}

/// The result type of the stunting services.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many bad rows an import error lists in `extensions.rows`.
pub const MAX_REPORTED_ROWS: usize = 1000;
