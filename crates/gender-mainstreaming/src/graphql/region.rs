//! The gender facet of the composed `Region` type: `Region.gender(period)`.

use std::marker::PhantomData;

use async_graphql::{Context, Object};
use chrono::NaiveDate;
use keluarga_core::RegionType;
use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::app_actor;
use keluarga_core::graphql::types::one;
use keluarga_core::stats::Rate;

use crate::graphql::loaders::{Facet, FacetKey, FacetLoader};
use crate::graphql::types::{AdvocacyFiguresObject, Award, EarlyWarning, PostFiguresObject};

keluarga_core::region_part!(
    /// The gender-mainstreaming domain's part of `Region`: one namespaced field.
    pub RegionGenderPart
);

#[Object]
impl<R: RegionType> RegionGenderPart<R> {
    /// Gender mainstreaming in this region for a period (`2022`, `2022-Q2`, `2022-04`; the
    /// current year by default), counted inside your scope: the current APE award, the women's
    /// share of strategic posts on the period's last day, the PUG prerequisites met in its
    /// year, advocacy coverage and the early warning. Batched: a page of regions costs a fixed
    /// number of statements, not some per region.
    async fn gender(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
        )]
        period: Option<String>,
    ) -> async_graphql::Result<RegionGender<R>> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let (label, from, to) = keluarga_core::stats::period(period, app.clock.today()).gql()?;
        let facet = one::<FacetKey, FacetLoader>(
            ctx,
            FacetKey {
                code: self.r.code.clone(),
                from,
                to,
            },
        )
        .await?
        .unwrap_or_default();
        Ok(RegionGender {
            code: self.r.code.clone(),
            period: label,
            from,
            to,
            facet,
            _r: PhantomData,
        })
    }
}

/// The gender facet of one region for one period.
#[derive(async_graphql::Description)]
pub struct RegionGender<R> {
    code: String,
    #[graphql(
        desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
    )]
    period: String,
    from: NaiveDate,
    to: NaiveDate,
    facet: Facet,
    _r: PhantomData<fn() -> R>,
}

#[Object(use_type_description)]
impl<R: RegionType> RegionGender<R> {
    /// The period asked for.
    async fn period(&self) -> &str {
        &self.period
    }
    /// Its first day.
    async fn from(&self) -> keluarga_core::Date {
        self.from.into()
    }
    /// Its last day (the day posts are counted on).
    async fn to(&self) -> keluarga_core::Date {
        self.to.into()
    }
    /// The region's current APE award (the latest given by the period's end).
    async fn current_award(&self) -> Option<Award<R>> {
        self.facet
            .warning
            .as_ref()
            .map(|w| Award::new(w.award.clone()))
    }
    /// The region's strategic posts on the period's last day.
    async fn posts(&self) -> PostFiguresObject {
        PostFiguresObject(self.facet.posts)
    }
    /// Women among the holders of its filled strategic posts on the period's last day.
    async fn women_share_of_posts(&self) -> Rate {
        self.facet.posts.women_share()
    }
    /// PUG prerequisites recorded as met for the region in the period's year (of 7).
    async fn prerequisites_met(&self) -> i64 {
        self.facet.prerequisites_met
    }
    /// Advocacy targets of the region (and below) running in the period, and their reach by its
    /// end.
    async fn advocacy(&self) -> AdvocacyFiguresObject {
        AdvocacyFiguresObject(self.facet.advocacy)
    }
    /// The early warning against the current APE award; null without one.
    async fn early_warning(&self) -> Option<EarlyWarning<R>> {
        self.facet.warning.clone().map(|warning| EarlyWarning {
            code: self.code.clone(),
            on: self.to,
            warning,
            _r: PhantomData,
        })
    }
}
