//! gender-mainstreaming: the gender-mainstreaming (pengarusutamaan gender, PUG) domain of Keluarga
//! Gateway.
//!
//! Strategic posts with the full history of their holders (so the women's share on any day can
//! be asked for), APE and KLA awards with the women's share kept on the day they were given,
//! the 7 PUG prerequisites per region and year, advocacy targets whose reach is read from core's
//! advocacy activities, gender analyses (GAP) of programmes, `genderStatistics`, data terpilah
//! across every enabled domain (through core's sex-measure declarations) and the early warning
//! of seed 004. It plugs into the gateway through [`keluarga_core::Domain`].

pub mod entity;
pub mod graphql;
pub mod input;
pub mod kinds;
pub mod migration;
pub mod nodes;
pub mod seed;
pub mod service;
pub mod stats;
pub mod store;
pub mod synthetic;
pub mod warning;

use keluarga_core::{Actor, AppContext, Domain, NoFields, RegionType};

/// Configuration of `[domains.gender_mainstreaming]` (none yet).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenderConfig {}

/// The gender-mainstreaming domain plugin.
pub struct GenderMainstreaming;

impl Domain for GenderMainstreaming {
    const NAME: &'static str = "gender_mainstreaming";
    const SEX_MEASURES: &'static [keluarga_core::stats::SexMeasure] =
        &[keluarga_core::stats::SexMeasure {
            domain: "gender_mainstreaming",
            key: "strategic_post_holders",
            description: "Holders of strategic posts on the period's last day.",
            statistic: "genderStatistics",
            stock: true,
            spec: stats::posts_spec,
            measure: "filled",
        }];
    type Config = GenderConfig;
    type Query<R: RegionType> = graphql::query::GenderQuery<R>;
    type Mutation<R: RegionType> = graphql::mutation::GenderMutation<R>;
    type RegionPart<R: RegionType> = graphql::region::RegionGenderPart<R>;
    type FamilyPart<R: RegionType> = NoFields;
    type Node<R: RegionType> = nodes::Node<R>;

    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        vec![Box::new(migration::Migration)]
    }

    fn records() -> Vec<keluarga_core::records::RecordInfo> {
        entity::records()
    }

    fn per_request(
        ctx: &AppContext,
        actor: &Actor,
        request: async_graphql::Request,
    ) -> async_graphql::Request {
        graphql::loaders::attach(ctx, actor, request)
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
