//! The plugin contract every domain crate implements (`docs/architecture.md`, "The domain
//! contract"). The types it names are re-exported here: the context from `context`, the `Region`
//! handle from `graphql::region`, `NoFields` from `graphql::types`.

use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};
use serde::de::DeserializeOwned;

use crate::actor::Actor;
use crate::records::RecordInfo;

pub use crate::context::{AppContext, Clock, CoreSettings};
pub use crate::graphql::region::{RegionHandle, RegionRef, RegionType};
pub use crate::graphql::types::NoFields;

/// A domain plugin: a bounded context with its own tables (migrations), query and mutation parts,
/// a `Region` facet, node types, record-access rules, CLI subcommands and demo data. The gateway
/// lists the domains it is built with once (`crates/gateway/src/domains.rs`) and drives every
/// hook from that list; see `docs/architecture.md`, "Adding a domain".
pub trait Domain {
    /// The domain's name, also its config section `[domains.<name>]`.
    const NAME: &'static str;
    /// Tables of this domain whose rows follow a person's region (see
    /// [`AppContext::person_region_tables`]); each has `person_id`, `region_code` and `version`.
    const PERSON_REGION_TABLES: &'static [&'static str] = &[];
    /// The counts of this domain that can be split by sex (data terpilah, docs/domain.md §5): every
    /// statistic whose source carries a sex column should be declared here, so that views of
    /// sex-disaggregated data across programmes (the gender module's `disaggregation`) find it
    /// without importing this crate.
    const SEX_MEASURES: &'static [crate::stats::SexMeasure] = &[];
    /// The rollups of this domain's statistics (`crate::rollup`): the gateway builds each one
    /// not yet built after migrating, and after bulk loads.
    const ROLLUPS: &'static [&'static crate::rollup::Rollup] = &[];
    /// The domain's configuration section.
    type Config: DeserializeOwned + Default + Send + Sync + 'static;
    /// The domain's part of the query root.
    type Query<R: RegionType>: ObjectType + Default + 'static;
    /// The domain's part of the mutation root.
    type Mutation<R: RegionType>: ObjectType + Default + 'static;
    /// The domain's part of the composed `Region` type (usually one namespaced field).
    type RegionPart<R: RegionType>: ObjectType + From<RegionRef> + 'static;
    /// The domain's fields of the composed `Family` type (a family's assessments, say);
    /// [`NoFields`] when it adds none.
    type FamilyPart<R: RegionType>: ObjectType + From<crate::entity::family::Model> + 'static;
    /// The domain's node types: an enum made by [`crate::domain_nodes!`], one variant per
    /// GraphQL type, named after it (the gateway's `Node` interface takes them over, and
    /// `node(id:)` reads them through it); [`crate::graphql::types::NoNodes`] for none.
    type Node<R: RegionType>: crate::graphql::types::NodeSet<R>;

    /// The domain's migrations, applied after core's, in order. Never rename one once released.
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>>;

    /// The record types the domain declares (each a [`crate::records::Record`]).
    fn records() -> Vec<RecordInfo>;

    /// The largest file upload the domain accepts, in bytes (0: none).
    fn upload_limit(_cfg: &Self::Config) -> usize {
        0
    }

    /// Registers schema-global data (services, configuration); by default none.
    fn install<Q, M, S>(
        _ctx: &AppContext,
        _cfg: &Self::Config,
        builder: SchemaBuilder<Q, M, S>,
    ) -> SchemaBuilder<Q, M, S>
    where
        Q: ObjectType + 'static,
        M: ObjectType + 'static,
        S: SubscriptionType + 'static,
    {
        builder
    }

    /// Adds per-request data (DataLoaders built on the request's [`crate::records::Reader`]): a
    /// loader must never be shared across actors.
    fn per_request(
        ctx: &AppContext,
        actor: &Actor,
        request: async_graphql::Request,
    ) -> async_graphql::Request;

    /// Top-level CLI subcommands the domain adds. Commands of the same name from several domains
    /// (`import`) are merged: each domain adds its own subcommands under it.
    fn commands() -> Vec<clap::Command> {
        Vec::new()
    }

    /// Runs the domain's subcommand `name` (one it returned from [`Domain::commands`]) on a
    /// migrated database.
    fn run_command(
        _ctx: &AppContext,
        _cfg: &Self::Config,
        name: &str,
        _args: &clap::ArgMatches,
    ) -> impl std::future::Future<Output = anyhow::Result<()>> + Send {
        let name = name.to_owned();
        async move { anyhow::bail!("{name}: not a command of this domain") }
    }

    /// Writes the domain's demo data (idempotent: does nothing if it is already there).
    fn seed_demo(
        ctx: &AppContext,
    ) -> impl std::future::Future<Output = Result<(), crate::error::Error>> + Send;

    /// Writes the domain's part of one batch of a synthetic province (`seed --synthetic`): inside
    /// the batch's transaction, after core wrote the batch's families, persons and cadres;
    /// deterministic in `batch.rng(..)`. Nothing by default.
    fn seed_synthetic(
        _ctx: &AppContext,
        _txn: &sea_orm::DatabaseTransaction,
        _batch: &crate::synthetic::Batch,
    ) -> impl std::future::Future<Output = Result<(), crate::error::Error>> + Send {
        async { Ok(()) }
    }
}
