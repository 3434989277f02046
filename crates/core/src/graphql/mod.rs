//! GraphQL surface of the shared registry: core's `Region` part, query and mutation parts, types,
//! inputs and per-request loaders.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod region;
pub mod types;
