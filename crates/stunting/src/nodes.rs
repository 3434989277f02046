//! The stunting domain's `Node` types, resolved by `node(id:)` through the request's `Reader`.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use keluarga_core::RegionType;
use keluarga_core::error::{GqlResultExt, internal};
use keluarga_core::graphql::loaders::ById;
use keluarga_core::records::Record;
use uuid::Uuid;

use crate::entity::{child, foster_parent, measurement, pendampingan, posyandu, tpk_team};
pub use crate::graphql::types::{
    Child, FosterParent, Measurement, Pendampingan, Posyandu, TpkTeam,
};

/// One stunting node; the gateway's `Node` interface takes each variant over.
#[expect(
    clippy::large_enum_variant,
    reason = "a node lives for one field resolution; boxing every row would cost more"
)]
pub enum Node<R> {
    /// A posyandu.
    Posyandu(Posyandu<R>),
    /// A child under five with stunting data.
    Child(Child<R>),
    /// A growth measurement.
    Measurement(Measurement<R>),
    /// A TPK team.
    TpkTeam(TpkTeam<R>),
    /// A foster parent (orang tua asuh).
    FosterParent(FosterParent<R>),
    /// A pendampingan visit.
    Pendampingan(Pendampingan<R>),
}

async fn by_id<E: Record>(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<E::Model>> {
    keluarga_core::graphql::reader(ctx).allow::<E>().gql()?;
    ctx.data_unchecked::<DataLoader<ById<E>>>()
        .load_one(id)
        .await
        .map_err(|e| internal(&e))
}

/// The node of type `kind` with key `id` (scope, access rule and audit applied by the loader).
pub async fn load<R: RegionType>(
    ctx: &Context<'_>,
    kind: &str,
    id: Uuid,
) -> async_graphql::Result<Option<Node<R>>> {
    Ok(match kind {
        "Posyandu" => by_id::<posyandu::Entity>(ctx, id)
            .await?
            .map(|m| Node::Posyandu(Posyandu::new(m))),
        "Child" => by_id::<child::Entity>(ctx, id)
            .await?
            .map(|m| Node::Child(Child::new(m))),
        "Measurement" => by_id::<measurement::Entity>(ctx, id)
            .await?
            .map(|m| Node::Measurement(Measurement::new(m))),
        "TpkTeam" => by_id::<tpk_team::Entity>(ctx, id)
            .await?
            .map(|m| Node::TpkTeam(TpkTeam::new(m))),
        "FosterParent" => by_id::<foster_parent::Entity>(ctx, id)
            .await?
            .map(|m| Node::FosterParent(FosterParent::new(m))),
        "Pendampingan" => by_id::<pendampingan::Entity>(ctx, id)
            .await?
            .map(|m| Node::Pendampingan(Pendampingan::new(m))),
        _ => None,
    })
}
