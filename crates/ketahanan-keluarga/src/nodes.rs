//! The ketahanan-keluarga domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use keluarga_core::RegionType;
use keluarga_core::error::{GqlResultExt, internal};
use keluarga_core::graphql::loaders::ById;
use keluarga_core::records::Record;
use uuid::Uuid;

use crate::entity::{
    family_visit, ketahanan_assessment, ketahanan_framework, krppa_indicator, lokus,
};
pub use crate::graphql::types::{
    FamilyAssessment, FamilyVisit, KrppaIndicator, Lokus, ResilienceFramework,
};

/// One ketahanan node; the gateway's `Node` interface takes each variant over.
pub enum Node<R> {
    /// A framework version.
    ResilienceFramework(ResilienceFramework<R>),
    /// An assessment.
    FamilyAssessment(FamilyAssessment<R>),
    /// A family visit.
    FamilyVisit(FamilyVisit<R>),
    /// A KRPPA indicator record.
    KrppaIndicator(KrppaIndicator<R>),
    /// A lokus designation.
    Lokus(Lokus<R>),
}

async fn by_id<E: Record>(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<E::Model>> {
    keluarga_core::graphql::reader(ctx).allow::<E>().gql()?;
    ctx.data_unchecked::<DataLoader<ById<E>>>()
        .load_one(id)
        .await
        .map_err(|e| internal(&e))
}

/// The node of type `kind` with key `id` (scope, access rule, restriction and audit applied by
/// the loader).
pub async fn load<R: RegionType>(
    ctx: &Context<'_>,
    kind: &str,
    id: Uuid,
) -> async_graphql::Result<Option<Node<R>>> {
    Ok(match kind {
        "ResilienceFramework" => by_id::<ketahanan_framework::Entity>(ctx, id)
            .await?
            .map(|m| Node::ResilienceFramework(ResilienceFramework::new(m))),
        "FamilyAssessment" => by_id::<ketahanan_assessment::Entity>(ctx, id)
            .await?
            .map(|m| Node::FamilyAssessment(FamilyAssessment::new(m))),
        "FamilyVisit" => by_id::<family_visit::Entity>(ctx, id)
            .await?
            .map(|m| Node::FamilyVisit(FamilyVisit::new(m))),
        "KrppaIndicator" => by_id::<krppa_indicator::Entity>(ctx, id)
            .await?
            .map(|m| Node::KrppaIndicator(KrppaIndicator::new(m))),
        "Lokus" => by_id::<lokus::Entity>(ctx, id)
            .await?
            .map(|m| Node::Lokus(Lokus::new(m))),
        _ => None,
    })
}
