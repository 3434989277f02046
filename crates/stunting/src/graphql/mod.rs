//! The stunting domain's GraphQL layer: thin resolvers over the services and stores.

pub mod loaders;
pub mod mutation;
pub mod query;
pub mod region;
pub mod types;
