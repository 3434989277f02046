//! keluarga-gateway: configuration, schema composition, the axum router and the CLI.
//!
//! It composes the schema from keluarga-core's parts and the domain plugins it is built with,
//! serves it over HTTP, and owns nothing of the domain: no SQL and no business rules live here.

pub mod auth;
pub mod config;
pub mod http;
pub mod schema;
pub mod startup;

pub use http::{AppState, router};
