//! stunting: the stunting domain of Keluarga Gateway.
//!
//! Children under five with their growth measurements scored against the WHO 2006 Child Growth
//! Standards (`who`, a pure module), posyandu, Tim Pendamping Keluarga and their visits, KPM,
//! the 8 convergence actions of each regency/city, and foster parents (orang tua asuh). It plugs
//! into the gateway through [`keluarga_core::Domain`].

pub mod cli;
pub mod entity;
pub mod error;
pub mod graphql;
pub mod import;
pub mod input;
pub mod kinds;
pub mod migration;
pub mod nodes;
pub mod seed;
pub mod service;
pub mod stats;
pub mod store;
pub mod synthetic;
pub mod who;

use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};
use keluarga_core::{Actor, AppContext, Domain, RegionType};

/// Configuration of `[domains.stunting]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StuntingConfig {
    /// The largest CSV file `importMeasurements` accepts, in bytes (default 20 MiB).
    pub upload_limit_bytes: usize,
}

impl Default for StuntingConfig {
    fn default() -> Self {
        StuntingConfig {
            upload_limit_bytes: 20 * 1024 * 1024,
        }
    }
}

/// The stunting domain plugin.
pub struct Stunting;

impl Domain for Stunting {
    const NAME: &'static str = "stunting";
    /// A child is seen where the child lives; measurements keep the village they were taken in.
    const PERSON_REGION_TABLES: &'static [&'static str] = &["child"];
    const ROLLUPS: &'static [&'static keluarga_core::rollup::Rollup] = &[&stats::ROLLUP];
    const SEX_MEASURES: &'static [keluarga_core::stats::SexMeasure] = &[
        keluarga_core::stats::SexMeasure {
            domain: "stunting",
            key: "children_measured",
            description: "Children under five measured in the period (each once, by the latest measurement).",
            statistic: "stuntingStatistics",
            stock: false,
            spec: stats::spec,
            measure: "measured",
        },
        keluarga_core::stats::SexMeasure {
            domain: "stunting",
            key: "children_stunted",
            description: "Children under five stunted (HAZ < -2) at their latest measurement in the period.",
            statistic: "stuntingStatistics",
            stock: false,
            spec: stats::spec,
            measure: "stunting",
        },
    ];
    type Config = StuntingConfig;
    type Query<R: RegionType> = graphql::query::StuntingQuery<R>;
    type Mutation<R: RegionType> = graphql::mutation::StuntingMutation<R>;
    type RegionPart<R: RegionType> = graphql::region::RegionStuntingPart<R>;
    type FamilyPart<R: RegionType> = keluarga_core::NoFields;
    type Node<R: RegionType> = nodes::Node<R>;

    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }

    fn records() -> Vec<keluarga_core::records::RecordInfo> {
        entity::records()
    }

    fn upload_limit(cfg: &StuntingConfig) -> usize {
        cfg.upload_limit_bytes
    }

    fn install<Q, M, S>(
        _ctx: &AppContext,
        cfg: &Self::Config,
        builder: SchemaBuilder<Q, M, S>,
    ) -> SchemaBuilder<Q, M, S>
    where
        Q: ObjectType + 'static,
        M: ObjectType + 'static,
        S: SubscriptionType + 'static,
    {
        // Parse the embedded WHO tables once, at start-up rather than on the first request.
        let _ = who::tables();
        builder.data(graphql::mutation::UploadLimit(cfg.upload_limit_bytes))
    }

    fn per_request(
        ctx: &AppContext,
        actor: &Actor,
        request: async_graphql::Request,
    ) -> async_graphql::Request {
        graphql::loaders::attach(ctx, actor, request)
    }

    fn commands() -> Vec<clap::Command> {
        vec![cli::import_command()]
    }

    async fn run_command(
        ctx: &AppContext,
        _cfg: &StuntingConfig,
        name: &str,
        args: &clap::ArgMatches,
    ) -> anyhow::Result<()> {
        cli::run(ctx, name, args).await
    }

    async fn seed_demo(ctx: &AppContext) -> Result<(), keluarga_core::error::Error> {
        seed::demo(ctx).await.map(|_| ())
    }

    async fn seed_synthetic(
        _ctx: &AppContext,
        txn: &sea_orm::DatabaseTransaction,
        batch: &keluarga_core::synthetic::Batch,
    ) -> Result<(), keluarga_core::error::Error> {
        synthetic::write(txn, batch).await
    }
}
