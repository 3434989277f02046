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
pub struct Region(RegionCore<Region>);

impl From<RegionRef> for Region {
    fn from(r: RegionRef) -> Self {
        Region(RegionCore::from(r))
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
}

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
        _ => return Err(Error::bad("id", "not a valid global id")).gql(),
    })
}

/// The query root: core's parts, then each domain's part.
#[derive(MergedObject, Default)]
pub struct Query(RegionQuery<Region>, RegistryQuery<Region>, NodeQuery);

/// The mutation root: core's parts, then each domain's part.
#[derive(MergedObject, Default)]
pub struct Mutation(RegistryMutation<Region>, ApiKeyMutation);

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

/// Builds the schema with its global data and limits.
pub fn build(app: Option<AppContext>, limits: &Limits) -> GatewaySchema {
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
        b = b.data(app);
    }
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
    build(None, &limits).sdl_with_options(
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
    req.data(actor.clone())
}
