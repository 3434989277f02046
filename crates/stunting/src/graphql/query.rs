//! Stunting queries: connections of children, measurements, posyandu, TPK teams, visits and
//! foster parents; the convergence scorecard; grouped statistics; a z-score calculator.

use std::marker::PhantomData;

use async_graphql::{Context, InputObject, Object};
use keluarga_core::error::{Error as CoreError, GqlResultExt};
use keluarga_core::graphql::region::region_handles;
use keluarga_core::graphql::{app_actor as ctx2, reader};
use keluarga_core::pagination::{Page, PageArgs, SortDirection};

use keluarga_core::stats::{Sex, StatisticsFilter};
use keluarga_core::{Actor, RegionType};

use crate::entity::{child, foster_parent, measurement, pendampingan, posyandu, tpk_team};
use crate::graphql::types::*;
use crate::input::*;
use crate::kinds::*;
use crate::stats::{self, StuntingDimension};
use crate::store;
use crate::who;
use keluarga_core::graphql::types::{RecordAccess, record_access};

/// The stunting domain's part of the query root.
pub struct StuntingQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for StuntingQuery<R> {
    fn default() -> Self {
        StuntingQuery(PhantomData)
    }
}

/// Children's and health data: roles with record access only.
fn require_health_access(actor: &Actor) -> async_graphql::Result<()> {
    actor.require_read().gql()?;
    if !actor.has_record_access() {
        return Err(CoreError::forbidden("read children's or health records")).gql();
    }
    Ok(())
}

/// Input of the z-score calculator.
#[derive(Debug, InputObject)]
pub struct ZScoreInput {
    /// Sex.
    pub sex: Sex,
    /// Age in days (0–1826); null when unknown (only weight-for-length/height is then computed).
    pub age_days: Option<i32>,
    /// Weight in kg.
    pub weight_kg: Option<f64>,
    /// Length/height in cm, as measured.
    pub length_cm: Option<f64>,
    /// How it was measured.
    #[graphql(default_with = "MeasurePosition::Unknown")]
    pub position: MeasurePosition,
    /// Bilateral pitting oedema.
    #[graphql(default)]
    pub oedema: bool,
    /// Mid-upper-arm circumference in mm.
    pub muac_mm: Option<f64>,
}

#[Object]
impl<R: RegionType> StuntingQuery<R> {
    /// Children under five in your scope (roles with record access; reads are audit-logged),
    /// in registration order.
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<ChildFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Child<R>>> {
        let (app, actor) = ctx2(ctx);
        require_health_access(actor)?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::children(reader(ctx), &f, app.clock.today()).gql()?;
        let mut page = reader(ctx)
            .page(
                q,
                child::Column::Id,
                SortDirection::Asc,
                &args,
                |m| (m.id.to_string(), m.id.to_string()),
                Child::new,
            )
            .await
            .gql()?;
        preload_children(ctx, &mut page.edges).await?;
        Ok(page)
    }

    /// Measurements in your scope, newest first by default (roles with record access; reads are
    /// audit-logged).
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn measurements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<MeasurementFilter>,
        #[graphql(
            default_with = "SortDirection::Desc",
            desc = "The order by measurement day: newest first by default."
        )]
        direction: SortDirection,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Measurement<R>>> {
        let (_, actor) = ctx2(ctx);
        require_health_access(actor)?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::measurements(reader(ctx), &f).gql()?;
        let page = reader(ctx)
            .page(
                q,
                measurement::Column::MeasuredOn,
                direction,
                &args,
                |m| (m.measured_on.to_string(), m.id.to_string()),
                Measurement::new,
            )
            .await
            .gql()?;
        Ok(page)
    }

    /// Posyandu in your scope, by name.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn posyandus(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<PlaceFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Posyandu<R>>> {
        let (_, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = reader(ctx)
            .select::<posyandu::Entity>(f.region_code.as_deref())
            .gql()?;
        reader(ctx)
            .page(
                q,
                posyandu::Column::Name,
                SortDirection::Asc,
                &args,
                |m| (m.name.clone(), m.id.to_string()),
                Posyandu::new,
            )
            .await
            .gql()
    }

    /// TPK teams in your scope, by name.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn tpk_teams(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<PlaceFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<TpkTeam<R>>> {
        let (_, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = reader(ctx)
            .select::<tpk_team::Entity>(f.region_code.as_deref())
            .gql()?;
        reader(ctx)
            .page(
                q,
                tpk_team::Column::Name,
                SortDirection::Asc,
                &args,
                |m| (m.name.clone(), m.id.to_string()),
                TpkTeam::new,
            )
            .await
            .gql()
    }

    /// Pendampingan visits in your scope, newest first (roles with record access).
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn pendampingan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<VisitFilter>,
        #[graphql(desc = "Only visits of this TPK team.")] team_id: Option<async_graphql::ID>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Pendampingan<R>>> {
        let (_, actor) = ctx2(ctx);
        require_health_access(actor)?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::visits(reader(ctx), &f, team_id.as_ref()).gql()?;
        reader(ctx)
            .page(
                q,
                pendampingan::Column::VisitedOn,
                SortDirection::Desc,
                &args,
                |m| (m.visited_on.to_string(), m.id.to_string()),
                Pendampingan::new,
            )
            .await
            .gql()
    }

    /// Foster parents (orang tua asuh) in your scope; with `filter.activeOn`, only those active
    /// that day.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn foster_parents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<FosterParentFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<FosterParent<R>>> {
        let (_, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let q = store::foster_parents(reader(ctx), &f).gql()?;
        reader(ctx)
            .page(
                q,
                foster_parent::Column::Id,
                SortDirection::Asc,
                &args,
                |m| (m.id.to_string(), m.id.to_string()),
                FosterParent::new,
            )
            .await
            .gql()
    }

    /// The 8 convergence actions of a regency/city for a year (NOT_STARTED where nothing was
    /// recorded).
    async fn convergence_scorecard(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The regency or city (NN.NN, in your scope).")] region_code: String,
        #[graphql(desc = "The year scored.")] year: i32,
    ) -> async_graphql::Result<ConvergenceScorecard<R>> {
        let (_app, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        if keluarga_core::region_code::level_of(&region_code)
            != keluarga_core::region_code::RegionLevel::Regency
        {
            return Err(CoreError::bad(
                "regionCode",
                "must be a kabupaten/kota code (NN.NN)",
            ))
            .gql();
        }
        if actor
            .scope_for(Some(&region_code), "regionCode")
            .gql()?
            .is_none()
        {
            return Err(CoreError::NotFound(format!("region {region_code}"))).gql();
        }
        let rows = store::convergence_actions(reader(ctx), &region_code, year)
            .await
            .gql()?;
        let actions = ConvergenceAksi::ALL
            .iter()
            .map(|a| ConvergenceActionState::new(*a, rows.iter().find(|r| r.aksi == a.number())))
            .collect();
        Ok(ConvergenceScorecard {
            region_code,
            year,
            actions,
            _r: PhantomData,
        })
    }

    /// Grouped stunting statistics from each child's latest measurement in the period (per period
    /// bucket when grouped by a grain): children measured, stunted, severely stunted, wasted,
    /// underweight, overweight, each a rate with numerator and denominator. Flagged values are
    /// excluded and counted apart. Groups with fewer children measured than the disclosure
    /// threshold are suppressed for roles without record access.
    async fn stunting_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The region (narrowed to your scope) and the period (`from`, `to`) counted."
        )]
        filter: Option<StatisticsFilter>,
        #[graphql(
            default,
            desc = "The dimensions to group by; none gives one row for the whole filter."
        )]
        group_by: Vec<StuntingDimension>,
    ) -> async_graphql::Result<Vec<StuntingStatisticsRow<R>>> {
        let (app, actor) = ctx2(ctx);
        let filter = filter.unwrap_or_default();
        let cells = stats::grouped(&app.db, actor, app.settings.disclosure, &filter, &group_by)
            .await
            .gql()?;
        let region =
            region_handles::<R>(ctx, cells.iter().filter_map(|c| c.region.clone()).collect())
                .await?;
        Ok(cells
            .into_iter()
            .map(|c| StuntingStatisticsRow {
                counts: stats::Counts::of(&c),
                age_group: c.dim(0).and_then(stats::AgeGroup::parse),
                region: c.region.map(&region),
                period: c.period,
                sex: c.sex.as_deref().and_then(Sex::from_letter),
                suppressed: c.suppressed,
            })
            .collect())
    }

    /// WHO 2006 z-scores and Permenkes 2/2020 categories of one measurement, computed without
    /// storing anything (any authenticated role).
    async fn calculate_z_scores(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to write; every one is checked before anything is written.")]
        input: ZScoreInput,
    ) -> async_graphql::Result<ZScoreCalculation> {
        let (_, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let s = who::tables().score(&who::Input {
            sex: match input.sex {
                Sex::Male => who::Sex::Male,
                Sex::Female => who::Sex::Female,
            },
            age_days: input.age_days.map(i64::from),
            weight_kg: input.weight_kg,
            lenhei_cm: input.length_cm,
            position: input.position.who(),
            oedema: input.oedema,
            muac_mm: input.muac_mm,
        });
        Ok(ZScoreCalculation::from_scores(&s, input.oedema))
    }
}
