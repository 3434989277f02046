//! Ekonomi queries: connections of PEKKA records, rankings, UP2K groups and members, assistance
//! and income reports; the priority list; grouped statistics.

use std::marker::PhantomData;

use async_graphql::connection::Edge;
use async_graphql::{Context, Object};
use keluarga_core::RegionType;
use keluarga_core::entity::{family, organisation};
use keluarga_core::error::GqlResultExt;
use keluarga_core::graphql::loaders::ById;
use keluarga_core::graphql::region::region_handles;
use keluarga_core::graphql::types::{Organisation, RecordAccess, record_access};
use keluarga_core::graphql::{app_actor, reader};
use keluarga_core::pagination::{Page, PageArgs, SortDirection, TotalCount};
use keluarga_core::stats::StatisticsFilter;

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::graphql::EkonomiSettings;
use crate::graphql::types::*;
use crate::input::*;
use crate::stats::{self, EkonomiDimension};
use crate::{priority, store};

/// The ekonomi-keluarga domain's part of the query root.
pub struct EkonomiQuery<R>(PhantomData<fn() -> R>);

impl<R> Default for EkonomiQuery<R> {
    fn default() -> Self {
        EkonomiQuery(PhantomData)
    }
}

#[Object]
impl<R: RegionType> EkonomiQuery<R> {
    /// PEKKA records in your scope, newest first (personal data; reads audited).
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn pekka_families(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<PekkaFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Pekka<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::pekka(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                pekka::Column::RecordedOn,
                SortDirection::Desc,
                &args,
                |m| (m.recorded_on.to_string(), m.id.to_string()),
                Pekka::new,
            )
            .await
            .gql()
    }

    /// Welfare rankings in your scope, newest first (personal data; reads audited).
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn welfare_rankings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<WelfareRankingFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<WelfareRanking<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::rankings(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                welfare_ranking::Column::AsOf,
                SortDirection::Desc,
                &args,
                |m| (m.as_of.to_string(), m.id.to_string()),
                WelfareRanking::new,
            )
            .await
            .gql()
    }

    /// UP2K groups in your scope, by name.
    #[graphql(
        name = "up2kGroups",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn up2k_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<Up2kGroupFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Up2kGroup<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::groups(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                up2k_group::Column::Name,
                SortDirection::Asc,
                &args,
                |m| (m.name.clone(), m.id.to_string()),
                Up2kGroup::new,
            )
            .await
            .gql()
    }

    /// UP2K memberships in your scope, newest first (personal data; reads audited).
    #[graphql(
        name = "up2kMembers",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn up2k_members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<Up2kMemberFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Up2kMember<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::members(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                up2k_member::Column::JoinedOn,
                SortDirection::Desc,
                &args,
                |m| (m.joined_on.to_string(), m.id.to_string()),
                Up2kMember::new,
            )
            .await
            .gql()
    }

    /// Assistance in your scope, newest first (personal data; reads audited).
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn assistance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<AssistanceFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<Assistance<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::assistance(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                assistance::Column::GivenOn,
                SortDirection::Desc,
                &args,
                |m| (m.given_on.to_string(), m.id.to_string()),
                Assistance::new,
            )
            .await
            .gql()
    }

    /// Income reports in your scope, newest month first (personal data; reads audited).
    #[graphql(complexity = "keluarga_core::pagination::cost(first, child_complexity)")]
    async fn income_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which nodes to return; every node in your scope when omitted.")]
        filter: Option<IncomeReportFilter>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<IncomeReport<R>>> {
        let args = PageArgs::of(ctx, first, after).gql()?;
        let q = store::income(reader(ctx), &filter.unwrap_or_default()).gql()?;
        reader(ctx)
            .page(
                q,
                income_report::Column::Month,
                SortDirection::Desc,
                &args,
                |m| (m.month.to_string(), m.id.to_string()),
                IncomeReport::new,
            )
            .await
            .gql()
    }

    /// Who to reach first, within your scope: families with a current PEKKA status,
    /// or whose lowest latest decile is at most the configured `priority_max_decile`, ordered
    /// by the configured `priority_rules` (by default PEKKA with children first, lowest decile
    /// first, not yet in a UP2K group, not yet assisted), then by family. Each row says which
    /// rules it meets. Record access only (never DASHBOARD or ANALYST); reads audited.
    #[graphql(
        visible = "record_access",
        guard = "RecordAccess",
        complexity = "keluarga_core::pagination::cost(first, child_complexity)"
    )]
    async fn priority_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only families in this region (narrowed to your scope).")]
        region_code: Option<String>,
        #[graphql(
            desc = "How many nodes to return: the default page size when omitted, at most the configured maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the nodes after this cursor (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<Page<PriorityEntry<R>>> {
        let (app, actor) = app_actor(ctx);
        let cfg = &ctx.data_unchecked::<EkonomiSettings>().0;
        let args = PageArgs::of(ctx, first, after).gql()?;
        let Some(scope) = actor
            .scope_for(region_code.as_deref(), "regionCode")
            .gql()?
        else {
            return Ok(Page::with_additional_fields(
                false,
                false,
                TotalCount::lazy(|| async { Ok(0) }),
            ));
        };
        let today = app.clock.today();
        let rules = cfg.priority_rules.clone();
        let (rows, more) = priority::page(
            &app.db,
            &scope,
            today,
            (&rules, cfg.priority_max_decile),
            args.first,
            (
                args.after.as_ref(),
                ctx.look_ahead()
                    .field("edges")
                    .field("node")
                    .field("rank")
                    .exists(),
            ),
        )
        .await
        .gql()?;
        let r = reader(ctx);
        r.audit::<family::Entity>(rows.iter().map(|c| c.family_id))
            .await
            .gql()?;
        r.audit::<pekka::Entity>(rows.iter().filter_map(|c| c.pekka_id))
            .await
            .gql()?;
        let db = app.db.clone();
        let max = cfg.priority_max_decile;
        let total = TotalCount::lazy(move || {
            let (db, scope) = (db.clone(), scope.clone());
            async move { priority::count(&db, &scope, today, max).await }
        });
        let mut page = Page::with_additional_fields(args.after.is_some(), more, total);
        for c in rows {
            page.edges
                .push(Edge::new(c.cursor(), PriorityEntry::new(c, rules.clone())));
        }
        Ok(page)
    }

    /// Grouped family-economy statistics, in core's convention: PEKKA (count, per 1,000
    /// population, share in UP2K), UP2K groups and members, assistance totals, income (total and
    /// median) and the revenue change in the six months after assistance against the six
    /// before. Stocks (PEKKA, groups, members) count what stands at the period's end; flows
    /// (assistance, income) what happened in the period. A section is null when its source
    /// cannot be split by every dimension asked for. Groups with fewer people than the
    /// disclosure threshold are withheld for roles without record access, with complementary
    /// suppression so that no withheld cell can be recovered from visible ones.
    async fn ekonomi_statistics(
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
        group_by: Vec<EkonomiDimension>,
    ) -> async_graphql::Result<Vec<EkonomiStatisticsRow<R>>> {
        let (app, actor) = app_actor(ctx);
        let filter = filter.unwrap_or_default();
        // Medians are computed from the records (they do not add up into a rollup): only when
        // a row's `income { medianRevenue medianProfit }` is selected.
        let income = ctx.look_ahead().field("income");
        let medians =
            income.field("medianRevenue").exists() || income.field("medianProfit").exists();
        let rows = stats::grouped(
            &app.db,
            actor,
            app.settings.disclosure,
            &filter,
            &group_by,
            medians,
        )
        .await
        .gql()?;
        let codes: Vec<String> = rows.iter().filter_map(|r| r.region.clone()).collect();
        let region = region_handles::<R>(ctx, codes).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let provider = match row
                .dims
                .get("provider")
                .and_then(|p| p.as_deref())
                .and_then(|p| uuid::Uuid::parse_str(p).ok())
            {
                Some(id) => keluarga_core::graphql::types::one::<
                    uuid::Uuid,
                    ById<organisation::Entity>,
                >(ctx, id)
                .await?
                .map(Organisation::new),
                None => None,
            };
            out.push(EkonomiStatisticsRow {
                region: row.region.clone().map(&region),
                provider,
                row,
            });
        }
        Ok(out)
    }
}
