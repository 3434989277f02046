//! Core's migrations (regions, the shared registry, access and audit) and the column helpers every
//! domain's migrations use.
//!
//! Each domain crate owns its migrations (`Domain::migrations`); the gateway's `Migrator` runs
//! core's first, then each domain's in the order of its domain list, so a database is always at
//! one known version. The first migration also loads the full Kemendagri region list shipped in
//! `data/wilayah/`. Every `down()` works: a test runs up, down, up on SQLite and PostgreSQL.

#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signatures take `&SchemaManager` without a lifetime"
)]

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_region;
mod m20261123_000002_create_registry;
mod m20261123_000003_create_access;
mod m20261201_000004_create_region_population;
mod m20261205_000005_create_stat_rollup;
pub mod util;

/// The number of value columns of `stat_rollup` (`v0` …): the most additive parts one rollup keeps.
pub const ROLLUP_VALUES: usize = m20261205_000005_create_stat_rollup::VALUES;

/// Core's migrations, in order.
pub fn core_migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261123_000001_create_region::Migration),
        Box::new(m20261123_000002_create_registry::Migration),
        Box::new(m20261123_000003_create_access::Migration),
        Box::new(m20261201_000004_create_region_population::Migration),
        Box::new(m20261205_000005_create_stat_rollup::Migration),
    ]
}

/// The number of regions the shipped Kemendagri list holds (all four levels).
pub const REGION_COUNT: usize = 91_599;
