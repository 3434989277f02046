//! The stunting domain's errors: core's catalogue (including the row-by-row report of an import).

use keluarga_core::error::{ErrorCode, HasCode};

pub use keluarga_core::import::RowError;

/// Errors of the stunting services.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Any error of core's catalogue (bad input, forbidden, not found, conflict, database).
    #[error(transparent)]
    Core(#[from] keluarga_core::error::Error),
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
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Error::Core(e) => e.field(),
        }
    }

    fn public_message(&self) -> String {
        match self {
            Error::Core(e) => e.public_message(),
        }
    }

    fn extend(&self, ext: &mut async_graphql::ErrorExtensionValues) {
        match self {
            Error::Core(e) => e.extend(ext),
        }
    }

    fn into_db(self) -> std::result::Result<sea_orm::DbErr, Self> {
        match self {
            Error::Core(e) => e.into_db().map_err(Error::Core),
        }
    }
}

/// The result type of the stunting services.
pub type Result<T, E = Error> = std::result::Result<T, E>;
