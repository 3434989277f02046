//! Schema composition: the merged query and mutation roots, the one `Region` type built from core's
//! part (and, as domains are added, one facet per domain), and the Relay `Node` interface.

use async_graphql::dataloader::DataLoader;
use async_graphql::{
    Context, EmptySubscription, ID, Interface, MergedObject, Object, SDLExportOptions, Schema,
};
use keluarga_core::entity::{
    activity, cadre_role, family, household, organisation, person, programme,
};
use keluarga_core::error::{Error, GqlResultExt, internal};
use keluarga_core::graphql::loaders::{ById, RegionLoader};
use keluarga_core::graphql::mutation::{ApiKeyMutation, RegistryMutation};
use keluarga_core::graphql::query::RegistryQuery;
use keluarga_core::graphql::region::{RegionCore, RegionQuery};
use keluarga_core::graphql::types::{
    Activity, CadreRole, Family, Household, Organisation, Person, Programme,
};
use keluarga_core::{Actor, AppContext, RegionRef, RegionType};
use uuid::Uuid;

/// The one `Region` type: core's fields plus one facet per domain.
#[derive(MergedObject)]
#[graphql(name = "Region")]
pub struct Region(
    RegionCore<Region>,
    #[cfg(feature = "stunting")] keluarga_stunting::graphql::region::RegionStuntingPart<Region>,
);

impl From<RegionRef> for Region {
    fn from(r: RegionRef) -> Self {
        Region(
            RegionCore::from(r.clone()),
            #[cfg(feature = "stunting")]
            r.into(),
        )
    }
}

impl RegionType for Region {}

impl Region {
    /// The global id (for the `Node` interface).
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(keluarga_core::id::encode(
            "Region",
            &self.0.region_ref().code,
        ))
    }
}

/// The Relay `Node` interface: every object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
#[cfg_attr(
    feature = "stunting",
    expect(
        clippy::large_enum_variant,
        reason = "a Node lives for one field resolution; boxing every row would cost more"
    )
)]
pub enum Node {
    /// A region.
    Region(Region),
    /// An organisation.
    Organisation(Organisation<Region>),
    /// A programme.
    Programme(Programme<Region>),
    /// An activity.
    Activity(Activity<Region>),
    /// A person.
    Person(Person<Region>),
    /// A family.
    Family(Family<Region>),
    /// A household.
    Household(Household<Region>),
    /// A cadre role.
    CadreRole(CadreRole<Region>),
    /// A posyandu.
    #[cfg(feature = "stunting")]
    Posyandu(st::Posyandu<Region>),
    /// A child under five with stunting data.
    #[cfg(feature = "stunting")]
    Child(st::Child<Region>),
    /// A growth measurement.
    #[cfg(feature = "stunting")]
    Measurement(st::Measurement<Region>),
    /// A TPK team.
    #[cfg(feature = "stunting")]
    TpkTeam(st::TpkTeam<Region>),
    /// A foster parent (orang tua asuh).
    #[cfg(feature = "stunting")]
    FosterParent(st::FosterParent<Region>),
}

#[cfg(feature = "stunting")]
use keluarga_stunting::graphql::types as st;

/// `node` and `nodes`: any object by its global id, within the actor's scope.
#[derive(Default)]
pub struct NodeQuery;

const MAX_NODES: usize = 100;

#[Object]
impl NodeQuery {
    /// The object with this global id; null when it does not exist or is outside the actor's scope.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        load_node(ctx, &id).await
    }

    /// The objects with these global ids, in order (at most 100); null where not found.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(Error::bad("ids", format!("at most {MAX_NODES} ids"))).gql();
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(load_node(ctx, id).await?);
        }
        Ok(out)
    }
}

async fn by_id<E>(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<E::Model>>
where
    E: sea_orm::EntityTrait + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    ctx.data_unchecked::<DataLoader<ById<E>>>()
        .load_one(id)
        .await
        .map_err(|e| internal(&e))
}

async fn load_node(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let actor = ctx.data_unchecked::<Actor>();
    actor.require_read().gql()?;
    let Some((kind, key)) = keluarga_core::id::decode(id) else {
        return Err(Error::bad("id", "not a valid global id")).gql();
    };
    if kind == "Region" {
        let found = ctx
            .data_unchecked::<DataLoader<RegionLoader>>()
            .load_one(key)
            .await
            .map_err(|e| internal(&e))?;
        return Ok(found.map(|m| Node::Region(Region::from(RegionRef::loaded(m)))));
    }
    let Ok(uuid) = Uuid::parse_str(&key) else {
        return Err(Error::bad("id", "not a valid global id")).gql();
    };
    let records = actor.can_list_records();
    Ok(match kind.as_str() {
        "Organisation" => by_id::<organisation::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Organisation(Organisation::new(m))),
        "Programme" => by_id::<programme::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Programme(Programme::new(m))),
        "Activity" => by_id::<activity::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Activity(Activity::new(m))),
        "Person" if records => by_id::<person::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Person(Person::new(m))),
        "Family" if records => by_id::<family::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Family(Family::new(m))),
        "Household" if records => by_id::<household::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Household(Household::new(m))),
        "CadreRole" if records => by_id::<cadre_role::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::CadreRole(CadreRole::new(m))),
        "Person" | "Family" | "Household" | "CadreRole" => {
            return Err(Error::forbidden("read individual records")).gql();
        }
        #[cfg(feature = "stunting")]
        "Posyandu" => by_id::<keluarga_stunting::entity::posyandu::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Posyandu(st::Posyandu::new(m))),
        #[cfg(feature = "stunting")]
        "TpkTeam" => by_id::<keluarga_stunting::entity::tpk_team::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::TpkTeam(st::TpkTeam::new(m))),
        #[cfg(feature = "stunting")]
        "FosterParent" => by_id::<keluarga_stunting::entity::foster_parent::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::FosterParent(st::FosterParent::new(m))),
        #[cfg(feature = "stunting")]
        "Child" | "Measurement" if !actor.has_record_access() => {
            return Err(Error::forbidden("read children's or health records")).gql();
        }
        #[cfg(feature = "stunting")]
        "Child" => {
            let found = by_id::<keluarga_stunting::entity::child::Entity>(ctx, uuid).await?;
            if let Some(m) = &found {
                audit(ctx, "child", m.id).await?;
            }
            found.map(|m| Node::Child(st::Child::new(m)))
        }
        #[cfg(feature = "stunting")]
        "Measurement" => {
            let found = by_id::<keluarga_stunting::entity::measurement::Entity>(ctx, uuid).await?;
            if let Some(m) = &found {
                audit(ctx, "measurement", m.id).await?;
            }
            found.map(|m| Node::Measurement(st::Measurement::new(m)))
        }
        _ => return Err(Error::bad("id", "not a valid global id")).gql(),
    })
}

#[cfg(feature = "stunting")]
async fn audit(ctx: &Context<'_>, entity: &str, id: Uuid) -> async_graphql::Result<()> {
    let (app, actor) = (
        ctx.data_unchecked::<AppContext>(),
        ctx.data_unchecked::<Actor>(),
    );
    keluarga_core::service::audit_read(&app.db, actor, entity, &[id])
        .await
        .gql()
}

/// The query root: core's parts, then each domain's part.
#[derive(MergedObject, Default)]
pub struct Query(
    RegionQuery<Region>,
    RegistryQuery<Region>,
    NodeQuery,
    #[cfg(feature = "stunting")] keluarga_stunting::graphql::query::StuntingQuery<Region>,
);

/// The mutation root: core's parts, then each domain's part.
#[derive(MergedObject, Default)]
pub struct Mutation(
    RegistryMutation<Region>,
    ApiKeyMutation,
    #[cfg(feature = "stunting")] keluarga_stunting::graphql::mutation::StuntingMutation<Region>,
);

/// The names of the domains this build has (its `[domains.<name>]` sections).
pub const DOMAINS: &[&str] = &[
    #[cfg(feature = "stunting")]
    <keluarga_stunting::Stunting as keluarga_core::Domain>::NAME,
];

/// The domain tables whose rows follow a person's region (core keeps them in step).
pub fn person_region_tables() -> Vec<&'static str> {
    #[cfg_attr(
        not(feature = "stunting"),
        expect(unused_mut, reason = "no domain tables to add")
    )]
    let mut tables = Vec::new();
    #[cfg(feature = "stunting")]
    tables.extend_from_slice(
        <keluarga_stunting::Stunting as keluarga_core::Domain>::PERSON_REGION_TABLES,
    );
    tables
}

/// The configuration sections of the domains this build has.
#[derive(Debug, Clone, Default)]
pub struct DomainConfigs {
    /// `[domains.stunting]`.
    #[cfg(feature = "stunting")]
    pub stunting: keluarga_stunting::StuntingConfig,
}

impl DomainConfigs {
    /// The largest file upload any domain accepts (0 when none takes uploads).
    pub fn upload_limit(&self) -> usize {
        #[cfg(feature = "stunting")]
        return self.stunting.upload_limit_bytes;
        #[cfg(not(feature = "stunting"))]
        0
    }

    /// Reads every `[domains.<name>]` section; an unknown domain or key is an error.
    pub fn from_sections(
        sections: &std::collections::BTreeMap<String, serde_json::Value>,
    ) -> anyhow::Result<Self> {
        if let Some(name) = sections.keys().find(|n| !DOMAINS.contains(&n.as_str())) {
            anyhow::bail!("[domains.{name}]: no such domain in this build");
        }
        #[cfg_attr(
            not(feature = "stunting"),
            expect(unused_mut, reason = "no domain section to read")
        )]
        let mut out = DomainConfigs::default();
        #[cfg(feature = "stunting")]
        if let Some(value) =
            sections.get(<keluarga_stunting::Stunting as keluarga_core::Domain>::NAME)
        {
            out.stunting = serde_json::from_value(value.clone())
                .map_err(|e| anyhow::anyhow!("[domains.stunting]: {e}"))?;
        }
        Ok(out)
    }
}

/// The served schema type.
pub type GatewaySchema = Schema<Query, Mutation, EmptySubscription>;

/// Limits applied to every request.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Maximum depth.
    pub max_depth: usize,
    /// Maximum complexity.
    pub max_complexity: usize,
    /// Allow introspection.
    pub introspection: bool,
    /// Suggest field names.
    pub suggestions: bool,
}

/// Builds the schema with its global data, the domains' installs and the limits.
pub fn build(app: Option<AppContext>, domains: &DomainConfigs, limits: &Limits) -> GatewaySchema {
    let mut b = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .register_output_type::<Node>()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity);
    if !limits.introspection {
        b = b.disable_introspection();
    }
    if !limits.suggestions {
        b = b.disable_suggestions();
    }
    if let Some(app) = app {
        #[cfg(feature = "stunting")]
        {
            b = <keluarga_stunting::Stunting as keluarga_core::Domain>::install(
                &app,
                &domains.stunting,
                b,
            );
        }
        b = b.data(app);
    }
    let _ = domains;
    b.finish()
}

/// The SDL of the served schema, sorted so that merge order does not churn diffs.
pub fn sdl() -> String {
    let limits = Limits {
        max_depth: usize::MAX,
        max_complexity: usize::MAX,
        introspection: true,
        suggestions: true,
    };
    build(None, &DomainConfigs::default(), &limits).sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// Adds the per-request data of every part: the actor and the DataLoaders scoped to it.
pub fn per_request(
    app: &AppContext,
    actor: &Actor,
    req: async_graphql::Request,
) -> async_graphql::Request {
    let req = keluarga_core::graphql::loaders::CoreLoaders::attach(&app.db, actor, req);
    #[cfg(feature = "stunting")]
    let req = <keluarga_stunting::Stunting as keluarga_core::Domain>::per_request(app, actor, req);
    req.data(actor.clone())
}
