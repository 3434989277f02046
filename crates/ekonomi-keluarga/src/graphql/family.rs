//! The ekonomi part of the composed `Family` type: `Family.ekonomi`.

use std::marker::PhantomData;

use async_graphql::{Context, Object};
use keluarga_core::RegionType;
use keluarga_core::entity::family;
use keluarga_core::graphql::app_actor;
use keluarga_core::graphql::types::many;

use crate::entity::{pekka, welfare_ranking};
use crate::graphql::loaders::{AssistanceOfFamily, MembersOfFamily};
use crate::graphql::types::{Assistance, Pekka, Up2kMember, WelfareRanking};
use crate::kinds::WelfareSource;

/// The ekonomi-keluarga domain's fields of `Family`.
pub struct FamilyEkonomiPart<R> {
    id: uuid::Uuid,
    _r: PhantomData<fn() -> R>,
}

impl<R> From<family::Model> for FamilyEkonomiPart<R> {
    fn from(m: family::Model) -> Self {
        FamilyEkonomiPart {
            id: m.id,
            _r: PhantomData,
        }
    }
}

#[Object]
impl<R: RegionType> FamilyEkonomiPart<R> {
    /// The family's economy: PEKKA status, deciles, UP2K memberships and assistance (personal
    /// data: empty for roles that may not read it; reads audited).
    async fn ekonomi(&self) -> FamilyEkonomi<R> {
        FamilyEkonomi {
            id: self.id,
            _r: PhantomData,
        }
    }
}

/// A family's economy.
#[derive(async_graphql::Description)]
pub struct FamilyEkonomi<R> {
    id: uuid::Uuid,
    _r: PhantomData<fn() -> R>,
}

#[Object(use_type_description)]
impl<R: RegionType> FamilyEkonomi<R> {
    /// Its current PEKKA status, if any.
    async fn pekka(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Pekka<R>>> {
        let rows = many::<pekka::Entity>(ctx, self.id).await?;
        Ok(rows
            .into_iter()
            .filter(|p| p.ended_on.is_none())
            .max_by_key(|p| (p.recorded_on, p.id))
            .map(Pekka::new))
    }
    /// Every PEKKA record of the family, oldest first (history included).
    async fn pekka_history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Pekka<R>>> {
        let mut rows = many::<pekka::Entity>(ctx, self.id).await?;
        rows.sort_by_key(|p| (p.recorded_on, p.id));
        Ok(rows.into_iter().map(Pekka::new).collect())
    }
    /// Its latest welfare ranking per source (as of today, or as of `asOf`).
    async fn deciles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day the rankings are read as of (today by default).")] as_of: Option<
            keluarga_core::Date,
        >,
    ) -> async_graphql::Result<Vec<WelfareRanking<R>>> {
        let (app, _) = app_actor(ctx);
        let on = as_of.map_or_else(|| app.clock.today(), Into::into);
        let rows = many::<welfare_ranking::Entity>(ctx, self.id).await?;
        let mut out = Vec::new();
        for s in WelfareSource::ALL {
            if let Some(r) = rows
                .iter()
                .filter(|r| r.source == s.as_str() && r.as_of <= on)
                .max_by_key(|r| (r.as_of, r.id))
            {
                out.push(WelfareRanking::new(r.clone()));
            }
        }
        Ok(out)
    }
    /// Its members' UP2K memberships, current and past, by joining day.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Up2kMember<R>>> {
        let mut rows = ctx
            .data_unchecked::<MembersOfFamily>()
            .0
            .load_one(self.id)
            .await
            .map_err(|e| keluarga_core::error::internal(&e))?
            .unwrap_or_default();
        rows.sort_by_key(|m| (m.joined_on, m.id));
        Ok(rows.into_iter().map(Up2kMember::new).collect())
    }
    /// Assistance its members received, by day (assistance to a whole group is listed on the
    /// group).
    async fn assistance_received(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Assistance<R>>> {
        let mut rows = ctx
            .data_unchecked::<AssistanceOfFamily>()
            .0
            .load_one(self.id)
            .await
            .map_err(|e| keluarga_core::error::internal(&e))?
            .unwrap_or_default();
        rows.sort_by_key(|a| (a.given_on, a.id));
        Ok(rows.into_iter().map(Assistance::new).collect())
    }
}
