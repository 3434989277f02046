//! Stunting queries: connections of children, measurements, posyandu, TPK teams, visits and
//! foster parents; the convergence scorecard; grouped statistics; a z-score calculator.

use std::marker::PhantomData;

use async_graphql::{Context, InputObject, Object};
use chrono::{Months, NaiveDate};
use keluarga_core::entity::person;
use keluarga_core::error::{Error as CoreError, GqlResultExt, internal};
use keluarga_core::graphql::region::region_handles;
use keluarga_core::graphql::{app_actor as ctx2, reader};
use keluarga_core::id::decode_uuid;
use keluarga_core::pagination::{Page, PageArgs, SortDirection};

use keluarga_core::stats::{Sex, StatisticsFilter};
use keluarga_core::{Actor, RegionType};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::{
    child, convergence_action, foster_parent, measurement, pendampingan, posyandu, tpk_team,
};
use crate::graphql::inputs::*;
use crate::graphql::types::*;
use crate::kinds::*;
use crate::stats::{self, StuntingDimension};
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
        complexity = "first.unwrap_or(20).max(1) as usize * child_complexity"
    )]
    async fn children(
        &self,
        ctx: &Context<'_>,
        filter: Option<ChildFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<Child<R>>> {
        let (app, actor) = ctx2(ctx);
        require_health_access(actor)?;
        let args = PageArgs::new(app, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let mut q = reader(ctx)
            .select::<child::Entity>(f.region_code.as_deref())
            .gql()?;
        if let Some(p) = &f.posyandu_id {
            q = q.filter(
                child::Column::PosyanduId
                    .eq(decode_uuid(p, "Posyandu", "filter.posyanduId").gql()?),
            );
        }
        let mut persons = Query::select();
        persons.column(person::Column::Id).from(person::Entity);
        let mut by_person = false;
        if let Some(sex) = f.sex {
            persons.and_where(person::Column::Sex.eq(sex.letter()));
            by_person = true;
        }
        let today = app.clock.today();
        let months_ago = |m: i32, field: &str| -> async_graphql::Result<NaiveDate> {
            if !(0..=60).contains(&m) {
                return Err(CoreError::bad(field, "must be 0–60")).gql();
            }
            today
                .checked_sub_months(Months::new(m as u32))
                .ok_or_else(|| CoreError::bad(field, "out of range"))
                .gql()
        };
        if let Some(m) = f.min_age_months {
            persons.and_where(person::Column::BirthDate.lte(months_ago(m, "filter.minAgeMonths")?));
            by_person = true;
        }
        if let Some(m) = f.max_age_months {
            let born_after = months_ago(m + 1, "filter.maxAgeMonths")?;
            persons.and_where(person::Column::BirthDate.gt(born_after));
            by_person = true;
        }
        if by_person {
            q = q.filter(child::Column::PersonId.in_subquery(persons.to_owned()));
        }
        if let Some(cat) = f.latest_height_for_age {
            // The child's latest measurement has this category.
            // sea-query's custom-SQL placeholder is `$1` on PostgreSQL and `?` elsewhere.
            let p = if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
                "$1"
            } else {
                "?"
            };
            q = q.filter(Expr::cust_with_values(
                format!(
                    "child.id IN (SELECT m.child_id FROM measurement m WHERE m.haz_category = {p} \
                     AND NOT EXISTS (SELECT 1 FROM measurement n WHERE n.child_id = m.child_id \
                     AND (n.measured_on > m.measured_on OR (n.measured_on = m.measured_on AND n.id > m.id))))"
                ),
                [cat.as_str()],
            ));
        }
        let page = reader(ctx)
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
        Ok(page)
    }

    /// Measurements in your scope, newest first by default (roles with record access; reads are
    /// audit-logged).
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "first.unwrap_or(20).max(1) as usize * child_complexity"
    )]
    async fn measurements(
        &self,
        ctx: &Context<'_>,
        filter: Option<MeasurementFilter>,
        #[graphql(default_with = "SortDirection::Desc")] direction: SortDirection,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<Measurement<R>>> {
        let (app, actor) = ctx2(ctx);
        require_health_access(actor)?;
        let args = PageArgs::new(app, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let mut q = reader(ctx)
            .select::<measurement::Entity>(f.region_code.as_deref())
            .gql()?;
        if let Some(c) = &f.child_id {
            q = q.filter(
                measurement::Column::ChildId.eq(decode_uuid(c, "Child", "filter.childId").gql()?),
            );
        }
        if let Some(p) = &f.posyandu_id {
            q = q.filter(
                measurement::Column::PosyanduId
                    .eq(decode_uuid(p, "Posyandu", "filter.posyanduId").gql()?),
            );
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err(CoreError::bad(
                "filter.to",
                "must not be before filter.from",
            ))
            .gql();
        }
        if let Some(d) = f.from {
            q = q.filter(measurement::Column::MeasuredOn.gte(d));
        }
        if let Some(d) = f.to {
            q = q.filter(measurement::Column::MeasuredOn.lte(d));
        }
        if let Some(c) = f.height_for_age {
            q = q.filter(measurement::Column::HazCategory.eq(c.as_str()));
        }
        if let Some(sex) = f.sex {
            q = q.filter(measurement::Column::Sex.eq(sex.letter()));
        }
        // Completed months m ⇔ ⌈m × 30.4375⌉ ≤ days < ⌈(m + 1) × 30.4375⌉.
        let first_day = |m: i32| (f64::from(m) * who::DAYS_PER_MONTH).ceil() as i32;
        for (months, field) in [
            (f.min_age_months, "filter.minAgeMonths"),
            (f.max_age_months, "filter.maxAgeMonths"),
        ] {
            if months.is_some_and(|m| !(0..=59).contains(&m)) {
                return Err(CoreError::bad(field, "must be 0–59")).gql();
            }
        }
        if let Some(m) = f.min_age_months {
            q = q.filter(measurement::Column::AgeDays.gte(first_day(m)));
        }
        if let Some(m) = f.max_age_months {
            q = q.filter(measurement::Column::AgeDays.lt(first_day(m + 1)));
        }
        if let Some(flagged) = f.flagged {
            use measurement::Column as M;
            let any = sea_orm::Condition::any()
                .add(M::HazFlag.eq(true))
                .add(M::WazFlag.eq(true))
                .add(M::WhzFlag.eq(true))
                .add(M::BazFlag.eq(true))
                .add(M::AczFlag.eq(true))
                .add(M::C9moFlag.eq(true));
            q = q.filter(if flagged { any } else { any.not() });
        }
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
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn posyandus(
        &self,
        ctx: &Context<'_>,
        filter: Option<PlaceFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<Posyandu<R>>> {
        let (app, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::new(app, first, after).gql()?;
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
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn tpk_teams(
        &self,
        ctx: &Context<'_>,
        filter: Option<PlaceFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<TpkTeam<R>>> {
        let (app, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::new(app, first, after).gql()?;
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
        complexity = "first.unwrap_or(20).max(1) as usize * child_complexity"
    )]
    async fn pendampingan(
        &self,
        ctx: &Context<'_>,
        filter: Option<VisitFilter>,
        team_id: Option<async_graphql::ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<Pendampingan<R>>> {
        let (app, actor) = ctx2(ctx);
        require_health_access(actor)?;
        let args = PageArgs::new(app, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let mut q = reader(ctx)
            .select::<pendampingan::Entity>(f.region_code.as_deref())
            .gql()?;
        if let Some(t) = &team_id {
            q = q.filter(
                pendampingan::Column::TeamId.eq(decode_uuid(t, "TpkTeam", "teamId").gql()?),
            );
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err(CoreError::bad(
                "filter.to",
                "must not be before filter.from",
            ))
            .gql();
        }
        if let Some(d) = f.from {
            q = q.filter(pendampingan::Column::VisitedOn.gte(d));
        }
        if let Some(d) = f.to {
            q = q.filter(pendampingan::Column::VisitedOn.lte(d));
        }
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
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn foster_parents(
        &self,
        ctx: &Context<'_>,
        filter: Option<FosterParentFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<FosterParent<R>>> {
        let (app, actor) = ctx2(ctx);
        actor.require_read().gql()?;
        let args = PageArgs::new(app, first, after).gql()?;
        let f = filter.unwrap_or_default();
        let mut q = reader(ctx)
            .select::<foster_parent::Entity>(f.region_code.as_deref())
            .gql()?;
        if let Some(d) = f.active_on {
            q = q.filter(foster_parent::Column::StartedOn.lte(d)).filter(
                sea_orm::Condition::any()
                    .add(foster_parent::Column::EndedOn.is_null())
                    .add(foster_parent::Column::EndedOn.gte(d)),
            );
        }
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
        region_code: String,
        year: i32,
    ) -> async_graphql::Result<ConvergenceScorecard<R>> {
        let (app, actor) = ctx2(ctx);
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
        let rows = convergence_action::Entity::find()
            .filter(convergence_action::Column::RegionCode.eq(&region_code))
            .filter(convergence_action::Column::Year.eq(year))
            .all(&app.db)
            .await
            .map_err(|e| internal(&e))?;
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
        filter: Option<StatisticsFilter>,
        #[graphql(default)] group_by: Vec<StuntingDimension>,
    ) -> async_graphql::Result<Vec<StuntingStatisticsRow<R>>> {
        let (app, actor) = ctx2(ctx);
        let filter = filter.unwrap_or_default();
        let cells = stats::grouped(
            &app.db,
            actor,
            app.settings.suppression_threshold,
            &filter,
            &group_by,
        )
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
