//! The ketahanan facet of the composed `Region` type: `Region.ketahananKeluarga(period)`.

use async_graphql::{Context, Object};
use chrono::NaiveDate;
use keluarga_core::RegionType;
use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::app_actor;
use keluarga_core::graphql::types::one;

use crate::graphql::loaders::{FacetFigures, FacetKey, FacetLoader};

keluarga_core::region_part!(
    /// The ketahanan-keluarga domain's part of `Region`: one namespaced field.
    pub RegionKetahananPart
);

#[Object]
impl<R: RegionType> RegionKetahananPart<R> {
    /// Headline family-resilience figures of this region for a period (`2026`, `2026-Q3`,
    /// `2026-08`; the current year by default), counted inside your scope. Batched: a page of
    /// regions costs a fixed number of statements, not some per region.
    async fn ketahanan_keluarga(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
        )]
        period: Option<String>,
    ) -> async_graphql::Result<RegionKetahanan> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let (label, from, to) = keluarga_core::stats::period(period, app.clock.today()).gql()?;
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
        let suppressed = figures.withheld
            || keluarga_core::stats::suppressed(
                actor.has_record_access(),
                app.settings.disclosure.threshold,
                figures.families,
            );
        Ok(RegionKetahanan {
            period: label,
            from,
            to,
            figures,
            suppressed,
        })
    }
}

/// The ketahanan facet of one region for one period.
#[derive(async_graphql::Description)]
pub struct RegionKetahanan {
    #[graphql(
        desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
    )]
    period: String,
    from: NaiveDate,
    to: NaiveDate,
    figures: FacetFigures,
    suppressed: bool,
}

#[Object(use_type_description)]
impl RegionKetahanan {
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
    /// Families assessed in the period (each once); null when suppressed.
    async fn families_assessed(&self) -> Option<i64> {
        (!self.suppressed).then_some(self.figures.families)
    }
    /// The headline index: the mean index of each family's latest assessment; null when
    /// suppressed or none.
    async fn mean_index(&self) -> Option<f64> {
        self.figures.mean_index.filter(|_| !self.suppressed)
    }
    /// The R-IKK: per-indicator shares combined by the current framework's weights.
    async fn r_ikk(&self) -> Option<f64> {
        self.figures.r_ikk.filter(|_| !self.suppressed)
    }
    /// Active family-resilience cadres at the period's end.
    async fn cadres_active(&self) -> i64 {
        self.figures.cadres_active
    }
    /// The cadre target of the programmes owned by this region (Kota Pekalongan: 1001).
    async fn cadre_target(&self) -> Option<i64> {
        self.figures.cadre_target
    }
    /// KRPPA indicators met (of 10) in the period's last year; null above village level.
    async fn krppa_indicators_met(&self) -> Option<i64> {
        self.figures.krppa_met
    }
    /// True when all 10 KRPPA indicators are met (villages only).
    async fn krppa_designated(&self) -> Option<bool> {
        self.figures.krppa_met.map(|n| n == 10)
    }
    /// Villages designated as lokus in the period's last year.
    async fn lokus_villages(&self) -> i64 {
        self.figures.lokus
    }
    /// True when fewer families than the disclosure threshold were assessed and the family
    /// figures are withheld.
    async fn suppressed(&self) -> bool {
        self.suppressed
    }
}
