//! The plugin contract every domain crate implements (ARCHITECTURE §2), and the shared `Region` handle.

use async_graphql::{ObjectType, OutputType, SchemaBuilder, SubscriptionType};
use sea_orm::DatabaseConnection;
use serde::de::DeserializeOwned;

use crate::actor::Actor;
use crate::pii::PiiKey;

/// Settings every domain reads.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// The largest `first` a connection accepts.
    pub max_page_size: usize,
    /// The `first` a connection uses when none is given.
    pub default_page_size: usize,
    /// Statistics cells counting fewer people than this are suppressed for roles without record access.
    pub suppression_threshold: i64,
}

impl Default for CoreSettings {
    fn default() -> Self {
        CoreSettings {
            max_page_size: 100,
            default_page_size: 20,
            suppression_threshold: 5,
        }
    }
}

/// What the gateway hands to every domain: the database, the PII key and the shared settings.
/// It is schema-global data; nothing in it is per user.
#[derive(Debug, Clone)]
pub struct AppContext {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The HMAC key for NIK and KK numbers.
    pub pii: PiiKey,
    /// Shared settings.
    pub settings: CoreSettings,
    /// Tables of the domains built in whose rows carry a `person_id` and that person's
    /// `region_code` (the scope they are seen in): when a person moves, core moves those rows too,
    /// in the same transaction. The gateway collects them from [`Domain::PERSON_REGION_TABLES`].
    pub person_region_tables: Vec<&'static str>,
}

/// A cheap handle on one region: its code, and its row when already loaded. The gateway's composed
/// `Region` type is built from it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRef {
    /// The Kemendagri code.
    pub code: String,
    /// The region row, when the query that produced the handle already had it.
    pub model: Option<std::sync::Arc<crate::entity::region::Model>>,
}

impl RegionRef {
    /// A handle on `code`; its row is loaded (batched) when a field needs it.
    pub fn new(code: impl Into<String>) -> Self {
        RegionRef {
            code: code.into(),
            model: None,
        }
    }

    /// A handle on an already loaded row.
    pub fn loaded(model: crate::entity::region::Model) -> Self {
        RegionRef {
            code: model.code.clone(),
            model: Some(std::sync::Arc::new(model)),
        }
    }
}

/// Implemented by the gateway's composed `Region`; domains name it only through this trait.
pub trait RegionType: OutputType + From<RegionRef> + Send + Sync + 'static {}

/// A domain plugin: a bounded context with its own query and mutation parts, a `Region` facet,
/// services and per-request loaders. The gateway lists the domains it is built with.
pub trait Domain {
    /// The domain's name, also its config section `[domains.<name>]`.
    const NAME: &'static str;
    /// Tables of this domain whose rows follow a person's region (see
    /// [`AppContext::person_region_tables`]); each has `person_id` and `region_code` columns.
    const PERSON_REGION_TABLES: &'static [&'static str] = &[];
    /// The domain's configuration section.
    type Config: DeserializeOwned + Default + Send + Sync + 'static;
    /// The domain's part of the query root.
    type Query<R: RegionType>: ObjectType + Default + 'static;
    /// The domain's part of the mutation root.
    type Mutation<R: RegionType>: ObjectType + Default + 'static;
    /// The domain's part of the composed `Region` type (usually one namespaced field).
    type RegionPart<R: RegionType>: ObjectType + From<RegionRef> + 'static;

    /// Registers schema-global data (services, configuration).
    fn install<Q, M, S>(
        ctx: &AppContext,
        cfg: &Self::Config,
        builder: SchemaBuilder<Q, M, S>,
    ) -> SchemaBuilder<Q, M, S>
    where
        Q: ObjectType + 'static,
        M: ObjectType + 'static,
        S: SubscriptionType + 'static;

    /// Adds per-request data (DataLoaders): a loader must never be shared across actors.
    fn per_request(
        ctx: &AppContext,
        actor: &Actor,
        request: async_graphql::Request,
    ) -> async_graphql::Request;

    /// Writes the domain's demo data (idempotent: does nothing if it is already there).
    fn seed_demo(
        ctx: &AppContext,
    ) -> impl std::future::Future<Output = Result<(), crate::error::Error>> + Send;
}
