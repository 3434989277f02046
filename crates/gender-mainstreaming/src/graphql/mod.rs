//! The GraphQL layer of the gender-mainstreaming domain.

pub mod loaders;
pub mod mutation;
pub mod query;
pub mod region;
pub mod types;
