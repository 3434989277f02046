//! The one ordered migration history of Keluarga Gateway.
//!
//! Every crate's tables are created here, in order, so a database is always at one known version.
//! The first migration also loads the full Kemendagri region list shipped in `data/wilayah/`.
//! Every `down()` works: a test runs up, down, up on SQLite and PostgreSQL.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signatures take `&SchemaManager` without a lifetime"
)]

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_region;
mod m20261123_000002_create_registry;
mod m20261123_000003_create_access;
mod m20261123_000004_create_stunting;
mod util;

/// The migrator of the whole workspace.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_region::Migration),
            Box::new(m20261123_000002_create_registry::Migration),
            Box::new(m20261123_000003_create_access::Migration),
            Box::new(m20261123_000004_create_stunting::Migration),
        ]
    }
}

/// The number of regions the shipped Kemendagri list holds (all four levels).
pub const REGION_COUNT: usize = 91_599;
