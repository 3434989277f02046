//! The stunting domain's `Node` types, resolved by `node(id:)` through the request's `Reader`.

use async_graphql::Context;
use keluarga_core::RegionType;
use keluarga_core::graphql::loaders::node;
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

/// The node of type `kind` with key `id` (scope, access rule and audit applied by the loader).
pub async fn load<R: RegionType>(
    ctx: &Context<'_>,
    kind: &str,
    id: Uuid,
) -> async_graphql::Result<Option<Node<R>>> {
    Ok(match kind {
        "Posyandu" => node::<posyandu::Entity>(ctx, id)
            .await?
            .map(|m| Node::Posyandu(Posyandu::new(m))),
        "Child" => node::<child::Entity>(ctx, id)
            .await?
            .map(|m| Node::Child(Child::new(m))),
        "Measurement" => node::<measurement::Entity>(ctx, id)
            .await?
            .map(|m| Node::Measurement(Measurement::new(m))),
        "TpkTeam" => node::<tpk_team::Entity>(ctx, id)
            .await?
            .map(|m| Node::TpkTeam(TpkTeam::new(m))),
        "FosterParent" => node::<foster_parent::Entity>(ctx, id)
            .await?
            .map(|m| Node::FosterParent(FosterParent::new(m))),
        "Pendampingan" => node::<pendampingan::Entity>(ctx, id)
            .await?
            .map(|m| Node::Pendampingan(Pendampingan::new(m))),
        _ => None,
    })
}
