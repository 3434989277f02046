//! The plugin contract every domain crate implements (ARCHITECTURE §2), and the shared `Region` handle.

use async_graphql::{ObjectType, OutputType, SchemaBuilder, SubscriptionType};
use sea_orm::DatabaseConnection;
use serde::de::DeserializeOwned;

use crate::actor::Actor;
use crate::pii::PiiKey;
use crate::records::RecordInfo;

/// Settings every domain reads.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// The largest `first` a connection accepts.
    pub max_page_size: usize,
    /// The `first` a connection uses when none is given.
    pub default_page_size: usize,
    /// How statistics are published to roles without record access: the small-count threshold
    /// and the rounding of counts.
    pub disclosure: crate::stats::Disclosure,
    /// A smaller (or larger) largest `first` for some roles, by role name (`ANONYMOUS` for
    /// requests without a token); other roles use `max_page_size`.
    pub max_page_size_by_role: std::collections::HashMap<String, usize>,
}

impl CoreSettings {
    /// The largest `first` a connection accepts from `actor`.
    pub fn max_page_size_for(&self, actor: &Actor) -> usize {
        let role = actor.role.map_or("ANONYMOUS", crate::actor::Role::as_str);
        self.max_page_size_by_role
            .get(role)
            .copied()
            .unwrap_or(self.max_page_size)
    }
}

impl Default for CoreSettings {
    fn default() -> Self {
        CoreSettings {
            max_page_size: 100,
            default_page_size: 20,
            disclosure: crate::stats::Disclosure::default(),
            max_page_size_by_role: Default::default(),
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
    /// The counts core and the domains built in can split by sex (data terpilah): core's
    /// [`crate::graphql::query::CORE_SEX_MEASURES`] and each domain's
    /// [`Domain::SEX_MEASURES`], collected by the gateway.
    pub sex_measures: Vec<crate::stats::SexMeasure>,
    /// The audit queue of reads of personal records.
    pub audit: crate::audit::AuditSink,
    /// Today's date, fixed in tests.
    pub clock: Clock,
}

/// Where "today" comes from: the system clock, or a fixed date (tests, reproducible imports).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock (UTC).
    #[default]
    System,
    /// A fixed day.
    Fixed(chrono::NaiveDate),
}

impl Clock {
    /// Today's date.
    pub fn today(self) -> chrono::NaiveDate {
        match self {
            Clock::System => chrono::Utc::now().date_naive(),
            Clock::Fixed(d) => d,
        }
    }
}

/// A cheap handle on one region: its code, and its row when already loaded. The gateway's composed
/// `Region` type is built from it, and every part of that type (core's and each domain's) holds a
/// clone: the handle is shared (`Arc`), so a clone is a reference count, not a copy of the code.
#[derive(Debug, Clone)]
pub struct RegionRef(std::sync::Arc<RegionHandle>);

/// What a [`RegionRef`] shares (reached through `Deref`: `r.code`, `r.model`).
#[derive(Debug)]
pub struct RegionHandle {
    /// The Kemendagri code.
    pub code: String,
    /// The region row, when the query that produced the handle already had it.
    pub model: Option<crate::entity::region::Model>,
    /// The region's `children` page, when the page this region came from preloaded it for the
    /// `children` its nodes select (`docs/architecture.md`, "Preloading").
    pub(crate) children: crate::graphql::types::Preloaded<crate::graphql::region::ChildrenPreload>,
}

impl std::ops::Deref for RegionRef {
    type Target = RegionHandle;

    fn deref(&self) -> &RegionHandle {
        &self.0
    }
}

impl RegionRef {
    /// A handle on `code`; its row is loaded (batched) when a field needs it.
    pub fn new(code: impl Into<String>) -> Self {
        RegionRef(std::sync::Arc::new(RegionHandle {
            code: code.into(),
            model: None,
            children: Default::default(),
        }))
    }

    /// A handle on an already loaded row.
    pub fn loaded(model: crate::entity::region::Model) -> Self {
        RegionRef::with_children(model, None)
    }

    /// A handle on an already loaded row and, when its page preloaded it, its children page.
    pub(crate) fn with_children(
        model: crate::entity::region::Model,
        children: Option<crate::graphql::region::ChildrenPreload>,
    ) -> Self {
        let mut slot = crate::graphql::types::Preloaded::default();
        if let Some(c) = children {
            slot.set(c);
        }
        RegionRef(std::sync::Arc::new(RegionHandle {
            code: model.code.clone(),
            model: Some(model),
            children: slot,
        }))
    }
}

/// Implemented by the gateway's composed `Region`; domains name it only through this trait. It
/// also carries the other composed type, `Family` (core's fields plus each domain's family part),
/// so that core and domains can return it.
pub trait RegionType: OutputType + From<RegionRef> + Send + Sync + 'static {
    /// The composed `Family` type.
    type Family: OutputType + From<crate::entity::family::Model> + Send + Sync + 'static;
}

/// A part that adds no fields: the `FamilyPart` of a domain with nothing to add to `Family`.
pub struct NoFields;

impl From<crate::entity::family::Model> for NoFields {
    fn from(_: crate::entity::family::Model) -> Self {
        NoFields
    }
}

impl async_graphql::ContainerType for NoFields {
    fn is_empty() -> bool {
        true
    }

    async fn resolve_field(
        &self,
        _ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::ServerResult<Option<async_graphql::Value>> {
        Ok(None)
    }
}

impl OutputType for NoFields {
    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("NoFields")
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        registry.create_output_type::<Self, _>(async_graphql::registry::MetaTypeId::Object, |_| {
            async_graphql::registry::MetaType::Object {
                name: "NoFields".to_owned(),
                description: None,
                fields: Default::default(),
                cache_control: Default::default(),
                extends: false,
                shareable: false,
                resolvable: true,
                keys: None,
                visible: None,
                inaccessible: false,
                interface_object: false,
                tags: Default::default(),
                is_subscription: false,
                rust_typename: Some(std::any::type_name::<Self>()),
                directive_invocations: Default::default(),
                requires_scopes: Default::default(),
            }
        })
    }

    async fn resolve(
        &self,
        _ctx: &async_graphql::ContextSelectionSet<'_>,
        _field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
    ) -> async_graphql::ServerResult<async_graphql::Value> {
        Ok(async_graphql::Value::Null)
    }
}

impl ObjectType for NoFields {}

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
    /// The counts of this domain that can be split by sex (data terpilah, DOMAIN.md §5): every
    /// statistic whose source carries a sex column should be declared here, so that views of
    /// sex-disaggregated data across programmes (the gender module's `disaggregation`) find it
    /// without importing this crate.
    const SEX_MEASURES: &'static [crate::stats::SexMeasure] = &[];
    /// The GraphQL type names this domain resolves through `node(id:)`.
    const NODE_TYPES: &'static [&'static str] = &[];
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
    /// The domain's node types: an enum with one variant per name in [`Domain::NODE_TYPES`],
    /// each variant named after its type (the gateway's `Node` interface takes them over).
    type Node<R: RegionType>: Send;

    /// The domain's migrations, applied after core's, in order. Never rename one once released.
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>>;

    /// The record types the domain declares (each a [`crate::records::Record`]).
    fn records() -> Vec<RecordInfo>;

    /// The largest file upload the domain accepts, in bytes (0: none).
    fn upload_limit(_cfg: &Self::Config) -> usize {
        0
    }

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

    /// Adds per-request data (DataLoaders built on the request's [`crate::records::Reader`]): a
    /// loader must never be shared across actors.
    fn per_request(
        ctx: &AppContext,
        actor: &Actor,
        request: async_graphql::Request,
    ) -> async_graphql::Request;

    /// The node of type `kind` (one of [`Domain::NODE_TYPES`]) with primary key `id`, read
    /// through the request's `Reader` (scope, access rule, audit): `None` when it does not exist
    /// or is outside the actor's scope.
    fn node<R: RegionType>(
        ctx: &async_graphql::Context<'_>,
        kind: &str,
        id: uuid::Uuid,
    ) -> impl std::future::Future<Output = async_graphql::Result<Option<Self::Node<R>>>> + Send;

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
}
