//! The ketahanan-keluarga domain's `Node` types, resolved by `node(id:)` through the `Reader`.

use async_graphql::Context;
use keluarga_core::RegionType;
use keluarga_core::graphql::loaders::node;
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

/// The node of type `kind` with key `id` (scope, access rule, restriction and audit applied by
/// the loader).
pub async fn load<R: RegionType>(
    ctx: &Context<'_>,
    kind: &str,
    id: Uuid,
) -> async_graphql::Result<Option<Node<R>>> {
    Ok(match kind {
        "ResilienceFramework" => node::<ketahanan_framework::Entity>(ctx, id)
            .await?
            .map(|m| Node::ResilienceFramework(ResilienceFramework::new(m))),
        "FamilyAssessment" => node::<ketahanan_assessment::Entity>(ctx, id)
            .await?
            .map(|m| Node::FamilyAssessment(FamilyAssessment::new(m))),
        "FamilyVisit" => node::<family_visit::Entity>(ctx, id)
            .await?
            .map(|m| Node::FamilyVisit(FamilyVisit::new(m))),
        "KrppaIndicator" => node::<krppa_indicator::Entity>(ctx, id)
            .await?
            .map(|m| Node::KrppaIndicator(KrppaIndicator::new(m))),
        "Lokus" => node::<lokus::Entity>(ctx, id)
            .await?
            .map(|m| Node::Lokus(Lokus::new(m))),
        _ => None,
    })
}
