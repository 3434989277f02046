//! ketahanan-keluarga: the family-resilience (ketahanan keluarga) domain of Keluarga Gateway.
//!
//! The 24-indicator family-resilience index as data (`framework`, pure: versions, weights, bands
//! and scoring), assessments of families scored on write, the 1001 family-resilience cadres
//! (core's programme targets and cadre roles, plus training stages), KRPPA indicators per
//! kelurahan and year, lokus designations, and family visits, whose violence records are the most
//! sensitive data of the system. It plugs into the gateway through [`keluarga_core::Domain`].

pub mod cli;
pub mod entity;
pub mod framework;
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

use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};
use keluarga_core::{Actor, AppContext, Domain, RegionType};

/// Configuration of `[domains.ketahanan_keluarga]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KetahananConfig {
    /// The largest CSV file `importAssessments` accepts, in bytes (default 20 MiB).
    pub upload_limit_bytes: usize,
}

impl Default for KetahananConfig {
    fn default() -> Self {
        KetahananConfig {
            upload_limit_bytes: 20 * 1024 * 1024,
        }
    }
}

/// The ketahanan-keluarga domain plugin.
pub struct KetahananKeluarga;

impl Domain for KetahananKeluarga {
    const NAME: &'static str = "ketahanan_keluarga";
    const ROLLUPS: &'static [&'static keluarga_core::rollup::Rollup] = stats::ROLLUPS;
    const SEX_MEASURES: &'static [keluarga_core::stats::SexMeasure] = &[
        keluarga_core::stats::SexMeasure {
            domain: "ketahanan_keluarga",
            key: "families_assessed",
            description: "Families assessed on the family-resilience index in the period, by the head of family's sex.",
            statistic: "ketahananStatistics",
            stock: false,
            spec: stats::assessments_spec,
            measure: "families",
        },
        keluarga_core::stats::SexMeasure {
            domain: "ketahanan_keluarga",
            key: "families_visited",
            description: "Families visited by family-resilience cadres in the period, by the head of family's sex.",
            statistic: "ketahananStatistics",
            stock: false,
            spec: stats::visits_spec,
            measure: "families",
        },
    ];
    type Config = KetahananConfig;
    type Query<R: RegionType> = graphql::query::KetahananQuery<R>;
    type Mutation<R: RegionType> = graphql::mutation::KetahananMutation<R>;
    type RegionPart<R: RegionType> = graphql::region::RegionKetahananPart<R>;
    type FamilyPart<R: RegionType> = graphql::family::FamilyKetahananPart<R>;
    type Node<R: RegionType> = nodes::Node<R>;

    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }

    fn records() -> Vec<keluarga_core::records::RecordInfo> {
        entity::records()
    }

    fn upload_limit(cfg: &KetahananConfig) -> usize {
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
        vec![cli::import_command(), cli::framework_command()]
    }

    async fn run_command(
        ctx: &AppContext,
        _cfg: &KetahananConfig,
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
