//! The GraphQL layer of the ekonomi-keluarga domain.

pub mod family;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod region;
pub mod types;

/// The domain's configuration, in the schema's data.
#[derive(Debug, Clone)]
pub struct EkonomiSettings(pub crate::EkonomiConfig);
