//! The GraphQL layer of the ketahanan-keluarga domain.

pub mod family;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod region;
pub mod types;
