//! Ketahanan queries: connections of assessments, visits, KRPPA records and lokus; the
//! framework; a village's KRPPA state; grouped statistics; cadre programme progress.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::{Context, ID, Object};
use keluarga_core::RegionType;
use keluarga_core::error::{Error as CoreError, GqlResultExt};
use keluarga_core::graphql::region::region_handles;
use keluarga_core::graphql::types::{RecordAccess, record_access};
use keluarga_core::graphql::{app_actor, reader};
use keluarga_core::id::decode_uuid;
use keluarga_core::pagination::{Page, PageArgs, SortDirection};
use keluarga_core::region_code::{RegionLevel, level_of};
use keluarga_core::stats::{GroupPlan, StatisticsFilter, StatsDimension};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

use crate::entity::{
    family_visit, ketahanan_assessment, ketahanan_framework, krppa_indicator, lokus,
};
use crate::graphql::types::*;
use crate::input::*;
use crate::kinds::{KRPPA_INDICATORS, KrppaStatus};
use crate::stats::{self, KetahananDimension};
use crate::{service, store};

/// The ketahanan-keluarga domain's part of the query root.
pub struct KetahananQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for KetahananQuery<R> {
    fn default() -> Self {
        KetahananQuery(PhantomData)
    }
}

/// A cadre-progress grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum CadreProgressDimension {
    /// Group by regency or city.
    Regency,
    /// Group by district (kecamatan).
    District,
    /// Group by village (desa/kelurahan).
    Village,
    /// Group by the cadre's sex.
    Sex,
}

#[Object]
impl<R: RegionType> KetahananQuery<R> {
    /// Family-resilience assessments in your scope, newest first (record access; reads are
    /// audit-logged).
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn family_assessments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<AssessmentFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<FamilyAssessment<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::assessments(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                ketahanan_assessment::Column::AssessedOn,
                SortDirection::Desc,
                &args,
                |m| (m.assessed_on.to_string(), m.id.to_string()),
                FamilyAssessment::new,
            )
            .await
            .gql()
    }

    /// Family visits in your scope, newest first (record access; visits that record violence
    /// only for ADMIN, OPERATOR and the cadre who recorded them; reads are audit-logged).
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn family_visits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<FamilyVisitFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<FamilyVisit<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::visits(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                family_visit::Column::VisitedOn,
                SortDirection::Desc,
                &args,
                |m| (m.visited_on.to_string(), m.id.to_string()),
                FamilyVisit::new,
            )
            .await
            .gql()
    }

    /// KRPPA indicator records in your scope, by village, year and indicator.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn krppa_indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<KrppaFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<KrppaIndicator<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::krppa(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                krppa_indicator::Column::RegionCode,
                SortDirection::Asc,
                &args,
                |m| {
                    (
                        format!("{}/{}/{:02}", m.region_code, m.year, m.indicator),
                        m.id.to_string(),
                    )
                },
                KrppaIndicator::new,
            )
            .await
            .gql()
    }

    /// The KRPPA state of a kelurahan/desa in a year: the 10 indicators (NOT_MET where nothing
    /// was recorded) and whether all are met.
    async fn krppa(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The kelurahan or desa (NN.NN.NN.NNNN, in your scope).")]
        region_code: String,
        #[graphql(desc = "The year assessed.")] year: i32,
    ) -> async_graphql::Result<KrppaSummary> {
        let (_, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        if level_of(&region_code) != RegionLevel::Village {
            return Err(CoreError::bad(
                "regionCode",
                "must be a desa/kelurahan code (NN.NN.NN.NNNN)",
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
        let q = reader(ctx)
            .select::<krppa_indicator::Entity>(Some(&region_code))
            .gql()?
            .filter(krppa_indicator::Column::RegionCode.eq(&region_code))
            .filter(krppa_indicator::Column::Year.eq(year));
        let rows = reader(ctx).all(q).await.gql()?;
        let indicators: Vec<KrppaIndicatorState> = KRPPA_INDICATORS
            .iter()
            .map(|(n, group, name)| {
                let row = rows.iter().find(|r| r.indicator == *n);
                KrppaIndicatorState {
                    indicator: *n,
                    group,
                    name,
                    status: row
                        .and_then(|r| KrppaStatus::parse(&r.status))
                        .unwrap_or(KrppaStatus::NotMet),
                    evidence: row.and_then(|r| r.evidence.clone()),
                }
            })
            .collect();
        let met = indicators
            .iter()
            .filter(|i| i.status == KrppaStatus::Met)
            .count() as i32;
        Ok(KrppaSummary {
            region_code,
            year,
            designated: met == 10,
            indicators,
            met,
        })
    }

    /// Villages designated as lokus of a programme, in your scope.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn lokus(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<LokusFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Lokus<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::lokus(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                lokus::Column::Year,
                SortDirection::Desc,
                &args,
                |m| (format!("{:04}", m.year), m.id.to_string()),
                Lokus::new,
            )
            .await
            .gql()
    }

    /// A version of the indicator framework (the current one by default).
    async fn resilience_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The framework version; the current (latest published) one when omitted."
        )]
        version: Option<i32>,
    ) -> async_graphql::Result<Option<ResilienceFramework<R>>> {
        let r = reader(ctx);
        let mut q = r.select::<ketahanan_framework::Entity>(None).gql()?;
        q = match version {
            Some(v) => q.filter(ketahanan_framework::Column::Version.eq(v)),
            None => q.order_by_desc(ketahanan_framework::Column::Version),
        };
        Ok(r.one(q).await.gql()?.map(ResilienceFramework::new))
    }

    /// Every published framework version, oldest first.
    async fn resilience_frameworks(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ResilienceFramework<R>>> {
        let r = reader(ctx);
        let q = r
            .select::<ketahanan_framework::Entity>(None)
            .gql()?
            .order_by_asc(ketahanan_framework::Column::Version);
        Ok(r.all(q)
            .await
            .gql()?
            .into_iter()
            .map(ResilienceFramework::new)
            .collect())
    }

    /// Grouped family-resilience statistics: families assessed (each once, by its latest
    /// assessment in the period), mean index, the R-IKK from per-indicator shares, the share
    /// meeting each indicator (INDICATOR), dimension scores (DIMENSION), the distribution by
    /// category (CATEGORY), visits by issue and outcome, and cadres against target. Groups with
    /// fewer families than the disclosure threshold are suppressed for roles without record
    /// access.
    async fn ketahanan_statistics(
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
        group_by: Vec<KetahananDimension>,
    ) -> async_graphql::Result<Vec<KetahananStatisticsRow<R>>> {
        let (app, actor) = app_actor(ctx);
        let filter = filter.unwrap_or_default();
        actor.require_read().gql()?;
        let fw = service::current_framework(&app.db).await.gql()?;
        let rows = stats::grouped(
            &app.db,
            actor,
            app.settings.disclosure,
            &fw.framework,
            &filter,
            &group_by,
        )
        .await
        .gql()?;
        let codes: Vec<String> = rows.iter().filter_map(|r| r.region.clone()).collect();
        // Cadre targets belong to the programme's own region: shown when grouped by a region
        // level alone (not split by sex).
        let targets = if group_by.contains(&KetahananDimension::Sex) {
            HashMap::new()
        } else {
            store::cadre_targets(&app.db, &actor.scope, &codes)
                .await
                .gql()?
        };
        let region = region_handles::<R>(ctx, codes).await?;
        Ok(rows
            .into_iter()
            .map(|row| KetahananStatisticsRow {
                target: row.region.as_ref().and_then(|c| targets.get(c).copied()),
                region: row.region.clone().map(&region),
                row,
            })
            .collect())
    }

    /// The progress of a cadre programme (the 1001 pendamping ketahanan keluarga) against its
    /// target on a day (today by default): cadres recruited, active and trained per stage,
    /// optionally by region and sex, counted in your scope (narrowed to `regionCode`). Without
    /// `programmeId`, every family-resilience cadre (PENDAMPING_KETAHANAN_KELUARGA), and no target.
    async fn cadre_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The cadre programme, with its target; every family-resilience cadre, without a target, when omitted."
        )]
        programme_id: Option<ID>,
        #[graphql(desc = "Only cadres in this region (narrowed to your scope).")]
        region_code: Option<String>,
        #[graphql(desc = "The day counted on (today by default).")] as_of: Option<
            keluarga_core::Date,
        >,
        #[graphql(
            default,
            desc = "The dimensions to group by; none gives one row for the whole filter."
        )]
        group_by: Vec<CadreProgressDimension>,
    ) -> async_graphql::Result<CadreProgress<R>> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let prog = match &programme_id {
            Some(id) => {
                let pid = decode_uuid(id, "Programme", "programmeId").gql()?;
                Some(
                    keluarga_core::store::by_id::<_, keluarga_core::entity::programme::Entity>(
                        &app.db, pid,
                    )
                    .await
                    .gql()?
                    .ok_or_else(|| CoreError::NotFound("programme".into()))
                    .gql()?,
                )
            }
            None => None,
        };
        let pid = prog.as_ref().map(|p| p.id);
        let as_of = as_of.unwrap_or_else(|| app.clock.today().into());
        let groups: Vec<StatsDimension> = group_by
            .iter()
            .map(|g| match g {
                CadreProgressDimension::Regency => StatsDimension::Regency,
                CadreProgressDimension::District => StatsDimension::District,
                CadreProgressDimension::Village => StatsDimension::Village,
                CadreProgressDimension::Sex => StatsDimension::Sex,
            })
            .collect();
        let filter = StatisticsFilter {
            region_code,
            from: None,
            to: Some(as_of),
        };
        let cells = match GroupPlan::new(actor, &filter, &groups, &[]).gql()? {
            Some(plan) => {
                let c = stats::Cadres::new(pid);
                keluarga_core::stats::grouped(
                    &app.db,
                    actor,
                    app.settings.disclosure,
                    &c.spec(),
                    &plan,
                )
                .await
                .gql()?
            }
            None => Vec::new(),
        };
        let target = match pid {
            Some(p) => store::programme_target(&app.db, p).await.gql()?,
            None => None,
        };
        let region =
            region_handles::<R>(ctx, cells.iter().filter_map(|c| c.region.clone()).collect())
                .await?;
        Ok(CadreProgress {
            programme: prog,
            target,
            as_of: as_of.into(),
            rows: cells
                .into_iter()
                .map(|c| CadreProgressRow {
                    cadres: stats::CadreCounts::of(&c),
                    sex: c.sex.clone(),
                    region: c.region.map(&region),
                })
                .collect(),
        })
    }
}
