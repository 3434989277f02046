//! keluarga-gateway: configuration, schema composition, the axum router and the CLI.
//!
//! It composes the schema from keluarga-core's parts and the domain plugins it is built with,
//! serves it over HTTP, and owns nothing of the domain: no SQL and no business rules live here.

#[macro_use]
mod compose;

pub mod auth;
pub mod config;
pub mod documents;
pub mod domains;
pub mod graphiql;
pub mod health;
pub mod http;
pub mod limits;
pub mod order;
pub mod persisted;
mod pipeline;
pub mod ratelimit;
pub mod schema;
pub mod shape;
pub mod startup;
mod state;
pub mod telemetry;

pub use http::{AppState, router};

/// Core's migrations, then each domain's in the order of the domain list (`domains.rs`).
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl sea_orm_migration::MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        let mut all = migration::core_migrations();
        all.extend(domains::migrations());
        all
    }
}
