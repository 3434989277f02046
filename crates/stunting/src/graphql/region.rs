//! The stunting facet of the composed `Region` type: `Region.stunting(period)`.

use async_graphql::{Context, Object};
use chrono::NaiveDate;
use keluarga_core::error::GqlResultExt;
use keluarga_core::{Actor, AppContext, RegionType};

use crate::graphql::loaders::{FacetFigures, FacetKey, FacetLoader};
use keluarga_core::graphql::types::one;

use crate::graphql::types::Rate;

keluarga_core::region_part!(
    /// The stunting domain's part of `Region`: one namespaced field.
    pub RegionStuntingPart
);

#[Object]
impl<R: RegionType> RegionStuntingPart<R> {
    /// Headline stunting figures of this region for a period (`2026`, `2026-Q3`, `2026-08`;
    /// the current year by default), counted inside your scope. Batched: a list of regions costs
    /// one query per facet, not one per region.
    async fn stunting(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
        )]
        period: Option<String>,
    ) -> async_graphql::Result<RegionStunting> {
        let actor = ctx.data_unchecked::<Actor>();
        actor.require_read().gql()?;
        let today = ctx
            .data_unchecked::<keluarga_core::AppContext>()
            .clock
            .today();
        let (label, from, to) = keluarga_core::stats::period(period, today).gql()?;
        let figures = one::<FacetKey, FacetLoader>(
            ctx,
            FacetKey {
                code: self.r.code.clone(),
                from,
                to,
            },
        )
        .await?
        .unwrap_or_default();
        let threshold = ctx
            .data_unchecked::<AppContext>()
            .settings
            .disclosure
            .threshold;
        let suppressed = figures.withheld
            || keluarga_core::stats::suppressed(
                actor.has_record_access(),
                threshold,
                figures.counts.measured,
            );
        Ok(RegionStunting {
            period: label,
            from,
            to,
            figures,
            suppressed,
        })
    }
}

/// The stunting facet of one region for one period.
#[derive(async_graphql::Description)]
pub struct RegionStunting {
    #[graphql(
        desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
    )]
    period: String,
    from: NaiveDate,
    to: NaiveDate,
    figures: FacetFigures,
    suppressed: bool,
}

impl RegionStunting {
    fn counted<T>(&self, f: impl Fn(&FacetFigures) -> T) -> Option<T> {
        (!self.suppressed).then(|| f(&self.figures))
    }
}

#[Object(use_type_description)]
impl RegionStunting {
    /// The period asked for.
    async fn period(&self) -> &str {
        &self.period
    }
    /// Its first day.
    async fn from(&self) -> keluarga_core::Date {
        self.from.into()
    }
    /// Its last day.
    async fn to(&self) -> keluarga_core::Date {
        self.to.into()
    }
    /// Children measured in the period (each once); null when suppressed.
    async fn children_measured(&self) -> Option<i64> {
        self.counted(|f| f.counts.measured)
    }
    /// Stunting prevalence (HAZ < −2) from each child's latest measurement in the period.
    async fn stunting(&self) -> Option<Rate> {
        self.counted(|f| Rate::of(f.counts.stunted, f.counts.haz_valid))
    }
    /// Severe stunting (HAZ < −3).
    async fn severe_stunting(&self) -> Option<Rate> {
        self.counted(|f| Rate::of(f.counts.severely_stunted, f.counts.haz_valid))
    }
    /// Wasting (WHZ < −2 or oedema).
    async fn wasting(&self) -> Option<Rate> {
        self.counted(|f| Rate::of(f.counts.wasted, f.counts.whz_valid))
    }
    /// Underweight (WAZ < −2 or oedema).
    async fn underweight(&self) -> Option<Rate> {
        self.counted(|f| Rate::of(f.counts.underweight, f.counts.waz_valid))
    }
    /// Convergence actions done (of 8) by the region's kabupaten/kota in the period's last year;
    /// null for a province.
    async fn convergence_actions_done(&self) -> Option<i64> {
        self.figures.actions_done
    }
    /// Foster parents (orang tua asuh) active at some time in the period.
    async fn active_foster_parents(&self) -> i64 {
        self.figures.foster_parents
    }
    /// True when fewer children than the disclosure threshold were measured and the child counts
    /// are withheld.
    async fn suppressed(&self) -> bool {
        self.suppressed
    }
}
