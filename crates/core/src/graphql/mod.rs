//! GraphQL surface of the shared registry: core's `Region` part, query and mutation parts, types,
//! inputs and per-request loaders.

pub mod loaders;
pub mod mutation;
pub mod preload;
pub mod query;
pub mod region;
pub mod types;

/// The schema-global context and the request's actor, which every resolver needs.
pub fn app_actor<'a>(
    ctx: &'a async_graphql::Context<'_>,
) -> (&'a crate::context::AppContext, &'a crate::actor::Actor) {
    (
        ctx.data_unchecked::<crate::context::AppContext>(),
        ctx.data_unchecked::<crate::actor::Actor>(),
    )
}

/// The request's [`Reader`](crate::records::Reader): the only way resolvers reach rows.
pub fn reader<'a>(ctx: &'a async_graphql::Context<'_>) -> &'a crate::records::Reader {
    ctx.data_unchecked::<crate::records::Reader>()
}

/// True when the connection field being resolved selects `path` under its nodes (in
/// `edges { node { … } }` or in `nodes { … }`, through fragments): what a page resolver asks
/// before preloading a relation that every node of the page would otherwise load through a
/// DataLoader, one `load_one` per node (`docs/architecture.md`, "Preloading").
pub fn nodes_select(ctx: &async_graphql::Context<'_>, path: &[&str]) -> bool {
    !nodes_fields(ctx, path).is_empty()
}

/// Every selection of `path` under the nodes of the connection being resolved (one per alias,
/// fragments included), with their arguments (`SelectionField::arguments`, variables filled
/// in): what a page asks before preloading a nested connection, whose page shape it needs.
pub fn nodes_fields<'a>(
    ctx: &'a async_graphql::Context<'_>,
    path: &[&str],
) -> Vec<async_graphql::SelectionField<'a>> {
    let look = ctx.look_ahead();
    [look.field("edges").field("node"), look.field("nodes")]
        .into_iter()
        .flat_map(|mut f| {
            for p in path {
                f = f.field(p);
            }
            f.selection_fields()
        })
        .collect()
}
