//! GraphQL surface of the shared registry: core's `Region` part, query and mutation parts, types,
//! inputs and per-request loaders.

pub mod loaders;
pub mod mutation;
pub mod query;
pub mod region;
pub mod types;

/// The schema-global context and the request's actor, which every resolver needs.
pub fn app_actor<'a>(
    ctx: &'a async_graphql::Context<'_>,
) -> (&'a crate::AppContext, &'a crate::Actor) {
    (
        ctx.data_unchecked::<crate::AppContext>(),
        ctx.data_unchecked::<crate::Actor>(),
    )
}

/// The request's [`Reader`](crate::records::Reader): the only way resolvers reach rows.
pub fn reader<'a>(ctx: &'a async_graphql::Context<'_>) -> &'a crate::records::Reader {
    ctx.data_unchecked::<crate::records::Reader>()
}
