//! The ekonomi facet of the composed `Region` type: `Region.ekonomiKeluarga(period)`.

use async_graphql::{Context, Object};
use chrono::NaiveDate;
use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::app_actor;
use keluarga_core::graphql::types::one;
use keluarga_core::{RegionType, Rupiah};

use crate::graphql::loaders::{FacetKey, FacetLoader};
use crate::stats::Headline;

keluarga_core::region_part!(
    /// The ekonomi-keluarga domain's part of `Region`: one namespaced field.
    pub RegionEkonomiPart
);

#[Object]
impl<R: RegionType> RegionEkonomiPart<R> {
    /// Headline family-economy figures of this region for a period (`2026`, `2026-Q3`,
    /// `2026-08`; the current year by default), counted inside your scope: PEKKA, UP2K groups and
    /// members as they stand at the period's end, assistance given in the period. Batched: a page
    /// of regions costs a fixed number of statements, not some per region.
    async fn ekonomi_keluarga(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
        )]
        period: Option<String>,
    ) -> async_graphql::Result<RegionEkonomi> {
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
        Ok(RegionEkonomi {
            period: label,
            from,
            to,
            figures,
        })
    }
}

/// The ekonomi facet of one region for one period.
#[derive(async_graphql::Description)]
pub struct RegionEkonomi {
    #[graphql(
        desc = "The period: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-08`); the current year by default."
    )]
    period: String,
    from: NaiveDate,
    to: NaiveDate,
    figures: Headline,
}

impl RegionEkonomi {
    fn shown<T>(&self, v: T) -> Option<T> {
        (!self.figures.withheld).then_some(v)
    }
}

#[Object(use_type_description)]
impl RegionEkonomi {
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
    /// PEKKA families current at the period's end; null when suppressed.
    async fn pekka(&self) -> Option<i64> {
        self.shown(self.figures.pekka)
    }
    /// PEKKA per 1,000 population (1 decimal); null when suppressed or when no population is
    /// recorded for the region.
    async fn pekka_per_1000(&self) -> Option<f64> {
        let pop = self.figures.population.filter(|p| *p > 0)?;
        self.shown(keluarga_core::stats::round(
            self.figures.pekka as f64 * 1000.0 / pop as f64,
            1,
        ))
    }
    /// The region's latest recorded population up to the period's year.
    async fn population(&self) -> Option<i64> {
        self.figures.population
    }
    /// UP2K groups formed by the period's end (reference data, never withheld).
    #[graphql(name = "up2kGroups")]
    async fn up2k_groups(&self) -> i64 {
        self.figures.groups
    }
    /// UP2K members current at the period's end; null when suppressed.
    #[graphql(name = "up2kMembers")]
    async fn up2k_members(&self) -> Option<i64> {
        self.shown(self.figures.members)
    }
    /// Assistance given in the period, in rupiah; null when suppressed.
    async fn assistance_total(&self) -> Option<Rupiah> {
        self.shown(Rupiah(self.figures.assistance_total))
    }
    /// True when the PEKKA, member and assistance figures are withheld from you (small counts,
    /// or protecting a small sibling region).
    async fn suppressed(&self) -> bool {
        self.figures.withheld
    }
}
