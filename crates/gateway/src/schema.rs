//! Schema composition: the roots generated from the domain list (`domains.rs`), `node`/`nodes`,
//! limits, the SDL, and the per-request data.

use std::collections::HashMap;

use async_graphql::{Context, EmptySubscription, ID, Object, ObjectType, SDLExportOptions, Schema};
use keluarga_core::entity::{
    activity, cadre_role, family, household, organisation, person, programme,
};
use keluarga_core::error::{Error, GqlResultExt, internal};
use keluarga_core::graphql::loaders::RegionLoader;
use keluarga_core::graphql::types::{
    Activity, CadreRole, Household, Organisation, Person, Programme,
};
use keluarga_core::{Actor, AppContext, RegionRef};
use uuid::Uuid;

pub use crate::domains::{DOMAINS, DomainConfigs, Family, Mutation, Node, Query, Region};

/// `node` and `nodes`: any object by its global id, within the actor's scope.
#[derive(Default)]
pub struct NodeQuery;

const MAX_NODES: usize = 100;

#[Object]
impl NodeQuery {
    /// The object with this global id; null when it does not exist or is outside the actor's scope.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An opaque global id (the `id` of any node).")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        load_node(ctx, &id).await
    }

    /// The objects with these global ids, in order (at most 100); null where not found. Ids of
    /// one type are loaded together (one statement per type).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Opaque global ids, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(Error::bad("ids", format!("at most {MAX_NODES} ids"))).gql();
        }
        // Resolved concurrently, so the per-type DataLoaders batch them.
        futures_util::future::join_all(ids.iter().map(|id| load_node(ctx, id)))
            .await
            .into_iter()
            .collect()
    }
}

async fn load_node(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let actor = ctx.data_unchecked::<Actor>();
    actor.require_read().gql()?;
    let Some((kind, key)) = keluarga_core::id::decode(id) else {
        return Err(Error::bad("id", "not a valid global id")).gql();
    };
    if kind == "Region" {
        let found = ctx
            .data_unchecked::<keluarga_core::graphql::loaders::DataLoader<RegionLoader>>()
            .load_one(key)
            .await
            .map_err(|e| internal(&e))?;
        return Ok(found.map(|m| Node::Region(Region::from(RegionRef::loaded(m)))));
    }
    let Ok(uuid) = Uuid::parse_str(&key) else {
        return Err(Error::bad("id", "not a valid global id")).gql();
    };
    macro_rules! core_node {
        ($m:ident, $variant:ident) => {{
            keluarga_core::graphql::loaders::node::<$m::Entity>(ctx, uuid)
                .await?
                .map(|m| Node::$variant($variant::new(m)))
        }};
    }
    Ok(match kind.as_str() {
        "Organisation" => core_node!(organisation, Organisation),
        "Programme" => core_node!(programme, Programme),
        "Activity" => core_node!(activity, Activity),
        "Person" => core_node!(person, Person),
        "Family" => keluarga_core::graphql::loaders::node::<family::Entity>(ctx, uuid)
            .await?
            .map(|m| Node::Family(Family::from(m))),
        "Household" => core_node!(household, Household),
        "CadreRole" => core_node!(cadre_role, CadreRole),
        other => match crate::domains::domain_node(ctx, other, uuid).await {
            Some(found) => found?,
            None => return Err(Error::bad("id", "not a valid global id")).gql(),
        },
    })
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
    /// A tracing span per object and list field (`observability.trace_resolvers`).
    pub trace_resolvers: bool,
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
    if limits.trace_resolvers {
        b = b.extension(async_graphql::extensions::Tracing);
    }
    if let Some(app) = app {
        keluarga_core::pagination::set_default_page_size(app.settings.default_page_size);
        b = crate::domains::install(&app, domains, b);
        b = b.data(app);
    }
    b.finish()
}

/// The schemas requests run on: one with `[graphql]`'s depth and complexity, and one for each
/// role whose own (`[graphql.roles.<ROLE>]`) differ. A schema per limit rather than a schema
/// extension that compares each request's measures: async-graphql sends every field of every
/// request through the extension chain once any extension is installed (a registry look-up and a
/// boxed future per field, about a tenth of the CPU of a wide page), so the served schemas have
/// none, and the measures of a refused operation come from [`measure`].
///
/// A role with a statement timeout of its own runs on a connection pool opened with it
/// ([`crate::startup::with_statement_timeout`]): its schema's global data, and the per-request
/// loaders built from [`Served::app`], use that pool.
pub struct Schemas {
    default: Served,
    by_role: HashMap<&'static str, Served>,
}

/// A schema and the context its requests run with.
pub struct Served {
    /// The schema, with `app` as its global data.
    pub schema: GatewaySchema,
    /// The context of its requests' loaders: its `db` is the pool of the role's statement timeout.
    pub app: AppContext,
}

impl Schemas {
    /// The schemas of `roles`, with the global data of `app`, and of a copy of `app` on the pool
    /// of `pools` with its statement timeout for a role whose timeout is there.
    pub fn build(
        app: &AppContext,
        domains: &DomainConfigs,
        limits: &Limits,
        roles: &crate::limits::RoleTable,
        pools: &HashMap<u64, sea_orm::DatabaseConnection>,
    ) -> Schemas {
        let default = Served {
            schema: build(Some(app.clone()), domains, limits),
            app: app.clone(),
        };
        let by_role = roles
            .iter()
            .filter(|l| {
                (l.max_depth, l.max_complexity) != (limits.max_depth, limits.max_complexity)
                    || pools.contains_key(&l.statement_timeout_ms)
            })
            .map(|l| {
                let own = Limits {
                    max_depth: l.max_depth,
                    max_complexity: l.max_complexity,
                    ..limits.clone()
                };
                let app = match pools.get(&l.statement_timeout_ms) {
                    Some(db) => AppContext {
                        db: db.clone(),
                        ..app.clone()
                    },
                    None => app.clone(),
                };
                let schema = build(Some(app.clone()), domains, &own);
                (l.role, Served { schema, app })
            })
            .collect();
        Schemas { default, by_role }
    }

    /// The schema and context of an operation run under `limits`.
    pub fn of(&self, limits: &crate::limits::OperationLimits) -> &Served {
        self.by_role.get(limits.role).unwrap_or(&self.default)
    }
}

/// The depth and complexity of an operation, measured by async-graphql's validation on a schema
/// without limits that never executes (built on first use); `None` when it does not validate.
pub async fn measure(
    query: &str,
    variables: async_graphql::Variables,
    operation_name: Option<&str>,
) -> Option<(usize, usize)> {
    static METER: std::sync::OnceLock<GatewaySchema> = std::sync::OnceLock::new();
    let meter = METER.get_or_init(|| {
        Schema::build(Query::default(), Mutation::default(), EmptySubscription)
            .register_output_type::<Node>()
            .extension(crate::limits::Meter)
            .finish()
    });
    let mut req = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = operation_name {
        req = req.operation_name(name);
    }
    crate::limits::Meter::read(&meter.execute(req).await)
}

/// The SDL of the served schema, sorted so that merge order does not churn diffs.
pub fn sdl() -> String {
    let limits = Limits {
        max_depth: usize::MAX,
        max_complexity: usize::MAX,
        introspection: true,
        suggestions: true,
        trace_resolvers: false,
    };
    build(None, &DomainConfigs::default(), &limits).sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// Adds the per-request data of every part: the actor, its `Reader` and the loaders built on it.
pub fn per_request(
    app: &AppContext,
    actor: &Actor,
    req: async_graphql::Request,
) -> async_graphql::Request {
    let req = keluarga_core::graphql::loaders::CoreLoaders::attach(app, actor, req);
    let req = crate::domains::per_request(app, actor, req);
    req.data(actor.clone())
}

/// The fields one merged part contributes to the query root, the mutation root and `Region`.
#[derive(Debug, Clone)]
pub struct PartFields {
    /// The part's name.
    pub part: String,
    /// Its query-root fields.
    pub query: Vec<String>,
    /// Its mutation-root fields.
    pub mutation: Vec<String>,
    /// Its `Region` fields.
    pub region: Vec<String>,
}

/// A root returning one `Region` part, so the part's fields can be introspected alone.
struct PartRoot<P>(std::marker::PhantomData<fn() -> P>);

#[Object(name = "PartRoot")]
impl<P: ObjectType + From<RegionRef> + 'static> PartRoot<P> {
    async fn part(&self) -> P {
        P::from(RegionRef::new("33"))
    }
}

#[derive(Default)]
struct NoQuery;

#[Object(name = "NoQuery")]
impl NoQuery {
    async fn none(&self) -> bool {
        true
    }
}

async fn introspect<Q: ObjectType + 'static, M: ObjectType + 'static>(
    query: Q,
    mutation: M,
    q: &str,
) -> serde_json::Value {
    Schema::build(query, mutation, EmptySubscription)
        .finish()
        .execute(async_graphql::Request::new(q).data(Actor::system()))
        .await
        .data
        .into_json()
        .unwrap_or_default()
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl PartFields {
    /// Introspects the query part `Q`, the mutation part `M` and the `Region` part `P`, each on
    /// a schema of its own (async-graphql lets a later merged part shadow an earlier field).
    pub async fn of<Q, M, P>(part: &str) -> PartFields
    where
        Q: ObjectType + Default + 'static,
        M: ObjectType + Default + 'static,
        P: ObjectType + From<RegionRef> + 'static,
    {
        let query = names(
            &introspect(
                Q::default(),
                M::default(),
                "{ __schema { queryType { fields { name } } } }",
            )
            .await["__schema"]["queryType"],
        );
        let mutation = names(
            &introspect(
                NoQuery,
                M::default(),
                "{ __schema { mutationType { fields { name } } } }",
            )
            .await["__schema"]["mutationType"],
        );
        let region_type = <P as async_graphql::OutputType>::type_name();
        let region = names(
            &introspect(
                PartRoot::<P>(std::marker::PhantomData),
                async_graphql::EmptyMutation,
                &format!("{{ __type(name: \"{region_type}\") {{ fields {{ name }} }} }}"),
            )
            .await["__type"],
        );
        PartFields {
            part: part.to_owned(),
            query,
            mutation,
            region,
        }
    }
}
