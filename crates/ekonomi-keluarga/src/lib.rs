//! ekonomi-keluarga: the family-economy (ekonomi keluarga) domain of Keluarga Gateway.
//!
//! PEKKA (perempuan kepala keluarga) status of families, welfare deciles from DTKS, P3KE and
//! DTSEN, UP2K groups under TP PKK Pokja II with their members and officers, assistance to groups
//! and members (in whole rupiah, [`keluarga_core::Rupiah`]), monthly income reports, and the
//! priority list of seed 003 (who to reach first), whose ordering rules are configuration. It
//! plugs into the gateway through [`keluarga_core::Domain`].

pub mod cli;
pub mod entity;
pub mod facts;
pub mod graphql;
pub mod import;
pub mod input;
pub mod kinds;
pub mod migration;
pub mod nodes;
pub mod priority;
pub mod seed;
pub mod service;
pub mod stats;
pub mod store;
pub mod synthetic;

use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};
use keluarga_core::{Actor, AppContext, Domain, RegionType};

pub use priority::PriorityRule;

/// Configuration of `[domains.ekonomi_keluarga]`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EkonomiConfig {
    /// The largest CSV file `importWelfareRankings` accepts, in bytes (default 20 MiB).
    pub upload_limit_bytes: usize,
    /// The priority list's ordering rules, most important first (default: PEKKA_WITH_CHILDREN,
    /// LOWEST_DECILE, NOT_IN_UP2K, NOT_ASSISTED, as seed 003 asks).
    pub priority_rules: Vec<PriorityRule>,
    /// Families whose lowest latest decile is at most this are candidates of the priority list
    /// besides PEKKA families (default 5: Mojokerto's "desil 1–5").
    pub priority_max_decile: i32,
}

impl Default for EkonomiConfig {
    fn default() -> Self {
        EkonomiConfig {
            upload_limit_bytes: 20 * 1024 * 1024,
            priority_rules: priority::DEFAULT_RULES.to_vec(),
            priority_max_decile: 5,
        }
    }
}

/// The ekonomi-keluarga domain plugin.
pub struct EkonomiKeluarga;

impl Domain for EkonomiKeluarga {
    const NAME: &'static str = "ekonomi_keluarga";
    const ROLLUPS: &'static [&'static keluarga_core::rollup::Rollup] = stats::ROLLUPS;
    const SEX_MEASURES: &'static [keluarga_core::stats::SexMeasure] = &[
        keluarga_core::stats::SexMeasure {
            domain: "ekonomi_keluarga",
            key: "pekka",
            description: "Families headed by a woman (PEKKA) current at the period's end (always female: the split shows it).",
            statistic: "ekonomiStatistics",
            stock: true,
            spec: stats::pekka_spec,
            measure: "pekka",
        },
        keluarga_core::stats::SexMeasure {
            domain: "ekonomi_keluarga",
            key: "up2k_members",
            description: "Members of UP2K groups current at the period's end.",
            statistic: "ekonomiStatistics",
            stock: true,
            spec: stats::members_spec,
            measure: "members",
        },
    ];
    type Config = EkonomiConfig;
    type Query<R: RegionType> = graphql::query::EkonomiQuery<R>;
    type Mutation<R: RegionType> = graphql::mutation::EkonomiMutation<R>;
    type RegionPart<R: RegionType> = graphql::region::RegionEkonomiPart<R>;
    type FamilyPart<R: RegionType> = graphql::family::FamilyEkonomiPart<R>;
    type Node<R: RegionType> = nodes::Node<R>;

    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }

    fn records() -> Vec<keluarga_core::records::RecordInfo> {
        entity::records()
    }

    fn upload_limit(cfg: &EkonomiConfig) -> usize {
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
        builder.data(graphql::EkonomiSettings(cfg.clone()))
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
        _cfg: &EkonomiConfig,
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
