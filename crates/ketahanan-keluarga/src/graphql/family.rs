//! The ketahanan part of the composed `Family` type: `assessments` and `latestAssessment`.

use std::marker::PhantomData;

use async_graphql::{Context, Object};
use keluarga_core::RegionType;
use keluarga_core::entity::family;
use keluarga_core::graphql::types::{RecordAccess, many, one, record_access};

use crate::entity::ketahanan_assessment;
use crate::graphql::loaders::LatestAssessment;
use crate::graphql::types::FamilyAssessment;

/// The ketahanan-keluarga domain's fields of `Family`.
pub struct FamilyKetahananPart<R> {
    id: uuid::Uuid,
    _r: PhantomData<fn() -> R>,
}

impl<R> From<family::Model> for FamilyKetahananPart<R> {
    fn from(m: family::Model) -> Self {
        FamilyKetahananPart {
            id: m.id,
            _r: PhantomData,
        }
    }
}

#[Object]
impl<R: RegionType> FamilyKetahananPart<R> {
    /// The family's resilience assessments, oldest first (record access; audited).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn assessments(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FamilyAssessment<R>>> {
        let mut rows = many::<ketahanan_assessment::Entity>(ctx, self.id).await?;
        rows.sort_by_key(|a| (a.assessed_on, a.id));
        Ok(rows.into_iter().map(FamilyAssessment::new).collect())
    }
    /// The family's latest assessment (record access; audited).
    #[graphql(visible = "record_access", guard = "RecordAccess")]
    async fn latest_assessment(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<FamilyAssessment<R>>> {
        Ok(one::<uuid::Uuid, LatestAssessment>(ctx, self.id)
            .await?
            .map(FamilyAssessment::new))
    }
}
