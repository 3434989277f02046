//! Gender queries: connections of strategic posts, awards, PUG prerequisites, advocacy targets
//! and gender analyses; grouped statistics; the early warning; data terpilah.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use async_graphql::{Context, Object};
use keluarga_core::RegionType;
use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::region::region_handles;
use keluarga_core::graphql::{app_actor, reader};
use keluarga_core::pagination::{Page, PageArgs, SortDirection};
use keluarga_core::stats::{Rate, StatisticsFilter};

use crate::entity::{advocacy_target, award, gender_analysis, pug_prerequisite, strategic_post};
use crate::graphql::types::*;
use crate::input::*;
use crate::stats::{self, GenderDimension};
use crate::{store, warning};

/// The gender-mainstreaming domain's part of the query root.
pub struct GenderQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for GenderQuery<R> {
    fn default() -> Self {
        GenderQuery(PhantomData)
    }
}

#[Object]
impl<R: RegionType> GenderQuery<R> {
    /// Strategic posts in your scope existing on `filter.on` (today by default), by title.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn strategic_posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<StrategicPostFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<StrategicPost<R>>> {
        let (app, _) = app_actor(ctx);
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::posts(reader(ctx), &filter.unwrap_or_default(), app.clock.today()).gql()?;
        let mut page = reader(ctx)
            .page(
                q,
                strategic_post::Column::Title,
                SortDirection::Asc,
                &args,
                |m| (m.title.clone(), m.id.to_string()),
                StrategicPost::new,
            )
            .await
            .gql()?;
        preload_history(ctx, &mut page.edges).await?;
        Ok(page)
    }

    /// Awards of regions in your scope, newest first.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn awards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<AwardFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Award<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::awards(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                award::Column::AwardedOn,
                SortDirection::Desc,
                &args,
                |m| (m.awarded_on.to_string(), m.id.to_string()),
                Award::new,
            )
            .await
            .gql()
    }

    /// PUG prerequisite statuses of regions in your scope, newest year first.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn pug_prerequisites(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<PugPrerequisiteFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<PugPrerequisite<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::prerequisites(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                pug_prerequisite::Column::Year,
                SortDirection::Desc,
                &args,
                |m| (format!("{:04}", m.year), m.id.to_string()),
                PugPrerequisite::new,
            )
            .await
            .gql()
    }

    /// PUG advocacy targets of regions in your scope, latest first year first, each with its
    /// coverage.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn advocacy_targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<AdvocacyTargetFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<AdvocacyTarget<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::targets(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                advocacy_target::Column::StartsOn,
                SortDirection::Desc,
                &args,
                |m| (m.starts_on.to_string(), m.id.to_string()),
                AdvocacyTarget::new,
            )
            .await
            .gql()
    }

    /// Gender analyses (GAP) of programmes in your scope, newest year first.
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn gender_analyses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<GenderAnalysisFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<GenderAnalysis<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::analyses(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                gender_analysis::Column::Year,
                SortDirection::Desc,
                &args,
                |m| (format!("{:04}", m.year), m.id.to_string()),
                GenderAnalysis::new,
            )
            .await
            .gql()
    }

    /// Grouped gender statistics, in core's convention: the women's share of strategic posts on
    /// the period's last day (`filter.to`, today by default), or grouped by YEAR, QUARTER or
    /// MONTH as a time series on the last day of each (from `filter.from`, five years back by
    /// default); and PUG advocacy coverage against target (targets running in the period, reach
    /// counted by its end). Posts split by SEX (of the holder), POST_KIND, ECHELON and
    /// ORGANISATION_KIND; advocacy by AUDIENCE; both by region level. Public-office figures:
    /// never withheld.
    async fn gender_statistics(
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
        group_by: Vec<GenderDimension>,
    ) -> async_graphql::Result<Vec<GenderStatisticsRow<R>>> {
        let (app, actor) = app_actor(ctx);
        let rows = stats::grouped(
            &app.db,
            actor,
            app.clock.today(),
            &filter.unwrap_or_default(),
            &group_by,
        )
        .await
        .gql()?;
        let codes: Vec<String> = rows.iter().filter_map(|r| r.region.clone()).collect();
        let region = region_handles::<R>(ctx, codes).await?;
        Ok(rows
            .into_iter()
            .map(|row| GenderStatisticsRow {
                region: row.region.clone().map(&region),
                row,
            })
            .collect())
    }

    /// The APE early warning for every region in your scope (or in `regionCode`) with
    /// an APE award by `on` (today by default): whether filling or vacating posts has lowered
    /// its women's share of strategic posts below the share it had when the award was given,
    /// with the appointments and departures since. Regions where it is raised come first.
    async fn early_warnings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only regions in this region (narrowed to your scope).")]
        region_code: Option<String>,
        #[graphql(desc = "The day looked at (today by default).")] on: Option<keluarga_core::Date>,
        #[graphql(desc = "Only regions where the warning is raised.", default)] raised_only: bool,
    ) -> async_graphql::Result<Vec<EarlyWarning<R>>> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let on = on.map_or_else(|| app.clock.today(), Into::into);
        let Some(scope) = actor
            .scope_for(region_code.as_deref(), "regionCode")
            .gql()?
        else {
            return Ok(Vec::new());
        };
        let codes = crate::store::ape_regions(&app.db, &scope).await.gql()?;
        let mut by_level: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for c in codes {
            by_level.entry(c.len()).or_default().push(c);
        }
        let mut out = Vec::new();
        for codes in by_level.into_values() {
            let posts = stats::posts_by_region(&app.db, &scope, &codes, on)
                .await
                .gql()?;
            let warnings: HashMap<_, _> =
                warning::warnings(&app.db, &codes, &posts, on).await.gql()?;
            for (code, w) in warnings {
                if raised_only && !w.raised {
                    continue;
                }
                out.push(EarlyWarning {
                    code,
                    on,
                    warning: w,
                    _r: PhantomData,
                });
            }
        }
        out.sort_by(|a, b| {
            b.warning
                .raised
                .cmp(&a.warning.raised)
                .then_with(|| a.code.cmp(&b.code))
        });
        Ok(out)
    }

    /// Data terpilah: every count core and the enabled domains can split by sex (each domain
    /// declares them), in a region (your scope by default) for a period (`2026`, `2026-Q3`,
    /// `2026-08`; the current year by default). Stocks count what stands at the period's end,
    /// flows what happened in it. Disclosure-controlled like every statistic: for roles without
    /// record access a small sex cell is withheld together with another, so that it cannot be
    /// recovered from the total.
    async fn disaggregation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region (narrowed to your scope; your scope by default).")]
        region_code: Option<String>,
        #[graphql(desc = "The period (the current year by default).")] period: Option<String>,
    ) -> async_graphql::Result<Disaggregation<R>> {
        let (app, actor) = app_actor(ctx);
        actor.require_read().gql()?;
        let (label, from, to) = keluarga_core::stats::period(period, app.clock.today()).gql()?;
        let scope = actor
            .scope_for(region_code.as_deref(), "regionCode")
            .gql()?;
        // The measures are independent statements: asked together, they take the time of the
        // slowest rather than the sum (22 statements for a city of the synthetic province).
        let splits = match &scope {
            Some(s) => futures_util::future::try_join_all(app.sex_measures.iter().map(|m| {
                keluarga_core::stats::disaggregate(
                    &app.db,
                    actor,
                    app.settings.disclosure,
                    m,
                    s.clone(),
                    Some(from),
                    Some(to),
                )
            }))
            .await
            .gql()?,
            None => vec![keluarga_core::stats::SexSplit::empty(); app.sex_measures.len()],
        };
        let mut measures = Vec::with_capacity(app.sex_measures.len());
        for (m, split) in app.sex_measures.iter().zip(splits) {
            let female_share = match (split.female, split.male) {
                (Some(f), Some(m)) => Some(Rate::of(f, f + m)),
                _ => None,
            };
            measures.push(SexDisaggregatedMeasure {
                domain: m.domain.to_owned(),
                key: m.key.to_owned(),
                description: m.description.to_owned(),
                statistic: m.statistic.to_owned(),
                female: split.female,
                male: split.male,
                unrecorded: split.unrecorded,
                total: split.total,
                female_share,
                suppressed: split.suppressed,
            });
        }
        Ok(Disaggregation {
            code: region_code,
            period: label,
            from,
            to,
            measures,
            _r: PhantomData,
        })
    }
}
