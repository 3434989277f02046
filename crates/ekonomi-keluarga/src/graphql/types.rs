//! GraphQL object types of the ekonomi-keluarga domain. Each wraps an entity model.

use async_graphql::{Context, ID, Object, SimpleObject};
use keluarga_core::entity::{family, organisation, person, programme};
use keluarga_core::graphql::loaders::ById;
use keluarga_core::graphql::types::{Organisation, Person, Programme, many, one, region};
use keluarga_core::stats::{Rate, Sex};
use keluarga_core::{RegionType, Rupiah};
use uuid::Uuid;

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::kinds::*;
use crate::priority::{Candidate, PriorityRule};
use crate::stats::{self, Figures};

keluarga_core::model_wrapper!(
    /// A family's PEKKA (perempuan kepala keluarga) status: a family headed by a woman, with the
    /// reason, the source of the record and its dates. Personal data: record access (ANALYST
    /// de-identified), reads audited.
    Pekka,
    pekka::Model
);
keluarga_core::model_wrapper!(
    /// A family's welfare decile from one source (DTKS, P3KE, DTSEN) as of a day; deciles are
    /// recomputed, so every ranking is kept.
    WelfareRanking,
    welfare_ranking::Model
);
keluarga_core::model_wrapper!(
    /// A UP2K group (Usaha Peningkatan Pendapatan Keluarga) under TP PKK Pokja II.
    Up2kGroup,
    up2k_group::Model
);
keluarga_core::model_wrapper!(
    /// A person's membership of a UP2K group, with its role and dates (a member who leaves stays
    /// as history).
    Up2kMember,
    up2k_member::Model
);
keluarga_core::model_wrapper!(
    /// Assistance given to a UP2K group or one member, in whole rupiah.
    Assistance,
    assistance::Model
);
keluarga_core::model_wrapper!(
    /// A month's revenue and profit of a UP2K group or of one member's business.
    IncomeReport,
    income_report::Model
);

fn gid(t: &str, id: Uuid) -> ID {
    keluarga_core::id::encode(t, &id.to_string())
}

async fn family_of<R: RegionType>(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<R::Family>> {
    let Some(id) = id else { return Ok(None) };
    Ok(one::<Uuid, ById<family::Entity>>(ctx, id)
        .await?
        .map(R::Family::from))
}

async fn group_of<R: RegionType>(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<Up2kGroup<R>>> {
    Ok(one::<Uuid, ById<up2k_group::Entity>>(ctx, id)
        .await?
        .map(Up2kGroup::new))
}

async fn member_of<R: RegionType>(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<Up2kMember<R>>> {
    let Some(id) = id else { return Ok(None) };
    Ok(one::<Uuid, ById<up2k_member::Entity>>(ctx, id)
        .await?
        .map(Up2kMember::new))
}

#[Object(name = "Pekka", use_type_description)]
impl<R: RegionType> Pekka<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Pekka", self.model.id))
    }
    /// Version, for optimistic concurrency (`endPekka` takes it).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// The family.
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        family_of::<R>(ctx, Some(self.model.family_id)).await
    }
    /// The family's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The woman who heads the family (recorded as female in the registry).
    async fn head(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(
            one::<Uuid, ById<person::Entity>>(ctx, self.model.head_person_id)
                .await?
                .map(Person::new),
        )
    }
    /// Why she heads the family.
    async fn category(&self) -> async_graphql::Result<PekkaCategory> {
        PekkaCategory::stored(&self.model.category)
    }
    /// Where the record comes from.
    async fn source(&self) -> &str {
        &self.model.source
    }
    /// The day of the record.
    async fn recorded_on(&self) -> keluarga_core::Date {
        self.model.recorded_on.into()
    }
    /// The last day of the status, when it has ended.
    async fn ended_on(&self) -> Option<keluarga_core::Date> {
        self.model.ended_on.map(Into::into)
    }
    /// Why it ended.
    async fn end_reason(&self) -> Option<&str> {
        self.model.end_reason.as_deref()
    }
    /// True while the status holds (not ended).
    async fn current(&self) -> bool {
        self.model.ended_on.is_none()
    }
    /// A note.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }
}

#[Object(name = "WelfareRanking", use_type_description)]
impl<R: RegionType> WelfareRanking<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("WelfareRanking", self.model.id))
    }
    /// The family ranked.
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        family_of::<R>(ctx, Some(self.model.family_id)).await
    }
    /// The family's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The source of the ranking.
    async fn source(&self) -> async_graphql::Result<WelfareSource> {
        WelfareSource::stored(&self.model.source)
    }
    /// The decile, 1 (poorest tenth) to 10.
    async fn decile(&self) -> i32 {
        self.model.decile
    }
    /// The day the ranking holds for.
    async fn as_of(&self) -> keluarga_core::Date {
        self.model.as_of.into()
    }
}

#[Object(name = "Up2kGroup", use_type_description)]
impl<R: RegionType> Up2kGroup<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Up2kGroup", self.model.id))
    }
    /// Version, for optimistic concurrency (`updateUp2kGroup` takes it).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// The group's name.
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// Its desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// Its RW.
    async fn rw(&self) -> Option<&str> {
        self.model.rw.as_deref()
    }
    /// Its RT.
    async fn rt(&self) -> Option<&str> {
        self.model.rt.as_deref()
    }
    /// What it makes or sells.
    async fn business_type(&self) -> async_graphql::Result<BusinessType> {
        BusinessType::stored(&self.model.business_type)
    }
    /// Its maturity class.
    async fn level(&self) -> async_graphql::Result<Up2kLevel> {
        Up2kLevel::stored(&self.model.level)
    }
    /// The day it was formed.
    async fn formed_on(&self) -> keluarga_core::Date {
        self.model.formed_on.into()
    }
    /// The organisation it belongs to (TP PKK).
    async fn organisation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organisation<R>>> {
        let Some(id) = self.model.organisation_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<organisation::Entity>>(ctx, id)
            .await?
            .map(Organisation::new))
    }
    /// The programme it is part of.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        let Some(id) = self.model.programme_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<programme::Entity>>(ctx, id)
            .await?
            .map(Programme::new))
    }
    /// Its memberships, current and past, by joining day (personal data: empty for roles
    /// without record access; reads audited).
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only memberships current on this day.")] active_on: Option<
            keluarga_core::Date,
        >,
    ) -> async_graphql::Result<Vec<Up2kMember<R>>> {
        let mut rows = many::<up2k_member::Entity>(ctx, self.model.id).await?;
        if let Some(d) = active_on {
            rows.retain(|m| m.joined_on <= d && m.left_on.is_none_or(|l| l > d));
        }
        rows.sort_by_key(|m| (m.joined_on, m.id));
        Ok(rows.into_iter().map(Up2kMember::new).collect())
    }
    /// The assistance it (and its members) received, by day (personal data; reads audited).
    async fn assistance(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Assistance<R>>> {
        let mut rows = many::<assistance::Entity>(ctx, self.model.id).await?;
        rows.sort_by_key(|a| (a.given_on, a.id));
        Ok(rows.into_iter().map(Assistance::new).collect())
    }
    /// Its income reports and its members', by month (personal data; reads audited).
    async fn income_reports(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<IncomeReport<R>>> {
        let mut rows = many::<income_report::Entity>(ctx, self.model.id).await?;
        rows.sort_by_key(|r| (r.month, r.id));
        Ok(rows.into_iter().map(IncomeReport::new).collect())
    }
}

#[Object(name = "Up2kMember", use_type_description)]
impl<R: RegionType> Up2kMember<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Up2kMember", self.model.id))
    }
    /// Version, for optimistic concurrency (`updateUp2kMember` takes it).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// The group.
    async fn group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Up2kGroup<R>>> {
        group_of::<R>(ctx, self.model.group_id).await
    }
    /// The member.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
    /// The member's family (when they joined).
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        family_of::<R>(ctx, self.model.family_id).await
    }
    /// The member's sex.
    async fn sex(&self) -> async_graphql::Result<Sex> {
        Sex::stored(&self.model.sex)
    }
    /// Member or officer.
    async fn role(&self) -> async_graphql::Result<Up2kRole> {
        Up2kRole::stored(&self.model.role)
    }
    /// True for officers (chair, secretary, treasurer).
    async fn officer(&self) -> bool {
        self.model.role != Up2kRole::Member.as_str()
    }
    /// The day they joined.
    async fn joined_on(&self) -> keluarga_core::Date {
        self.model.joined_on.into()
    }
    /// The day they left, when they have.
    async fn left_on(&self) -> Option<keluarga_core::Date> {
        self.model.left_on.map(Into::into)
    }
}

#[Object(name = "Assistance", use_type_description)]
impl<R: RegionType> Assistance<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Assistance", self.model.id))
    }
    /// The group that received it (or whose member did).
    async fn group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Up2kGroup<R>>> {
        group_of::<R>(ctx, self.model.group_id).await
    }
    /// The member who received it; null when it went to the group.
    async fn member(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Up2kMember<R>>> {
        member_of::<R>(ctx, self.model.member_id).await
    }
    /// The group's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The organisation that gave it.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation<R>>> {
        Ok(
            one::<Uuid, ById<organisation::Entity>>(ctx, self.model.provider_id)
                .await?
                .map(Organisation::new),
        )
    }
    /// What kind of assistance.
    async fn kind(&self) -> async_graphql::Result<AssistanceKind> {
        AssistanceKind::stored(&self.model.kind)
    }
    /// Its value, in whole rupiah.
    async fn amount(&self) -> Rupiah {
        Rupiah(self.model.amount)
    }
    /// The day it was given.
    async fn given_on(&self) -> keluarga_core::Date {
        self.model.given_on.into()
    }
    /// The programme it belongs to.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        let Some(id) = self.model.programme_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<programme::Entity>>(ctx, id)
            .await?
            .map(Programme::new))
    }
    /// A note.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }
}

#[Object(name = "IncomeReport", use_type_description)]
impl<R: RegionType> IncomeReport<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("IncomeReport", self.model.id))
    }
    /// The group.
    async fn group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Up2kGroup<R>>> {
        group_of::<R>(ctx, self.model.group_id).await
    }
    /// The member whose business it is; null for the group's own.
    async fn member(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Up2kMember<R>>> {
        member_of::<R>(ctx, self.model.member_id).await
    }
    /// The month (`2026-08`).
    async fn month(&self) -> String {
        self.model.month.format("%Y-%m").to_string()
    }
    /// Revenue (omzet), in whole rupiah.
    async fn revenue(&self) -> Rupiah {
        Rupiah(self.model.revenue)
    }
    /// Profit, in whole rupiah (negative for a loss).
    async fn profit(&self) -> Rupiah {
        Rupiah(self.model.profit)
    }
}

/// One rule a priority-list row meets, with the fact behind it.
#[derive(SimpleObject)]
pub struct PriorityReason {
    /// The rule.
    pub rule: PriorityRule,
    /// The fact that meets it (`PEKKA (DIVORCED_ABANDONED_OR_WIDOWED) with 2 children under 18`).
    pub explanation: String,
}

/// One family of the priority list.
#[derive(async_graphql::Description)]
pub struct PriorityEntry<R> {
    /// The candidate.
    pub candidate: Candidate,
    /// The configured rules, in order.
    pub rules: Vec<PriorityRule>,
    _r: std::marker::PhantomData<fn() -> R>,
}

impl<R> PriorityEntry<R> {
    /// A row under `rules`.
    pub fn new(candidate: Candidate, rules: Vec<PriorityRule>) -> Self {
        PriorityEntry {
            candidate,
            rules,
            _r: std::marker::PhantomData,
        }
    }
}

#[Object(name = "PriorityEntry", use_type_description)]
impl<R: RegionType> PriorityEntry<R> {
    /// The 1-based position of the family in the whole list (on a page after a cursor it costs
    /// one count over the families before it: leave it out of deep pages you do not number).
    async fn rank(&self) -> i64 {
        self.candidate.rank
    }
    /// The family.
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        family_of::<R>(ctx, Some(self.candidate.family_id)).await
    }
    /// The family's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.candidate.region_code)
    }
    /// Its current PEKKA record, if any.
    async fn pekka(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Pekka<R>>> {
        let Some(id) = self.candidate.pekka_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<pekka::Entity>>(ctx, id)
            .await?
            .map(Pekka::new))
    }
    /// Children under 18 in the family.
    async fn children(&self) -> i64 {
        self.candidate.children
    }
    /// The lowest of its latest decile per source; null when unranked.
    async fn decile(&self) -> Option<i32> {
        self.candidate.decile
    }
    /// True when somebody in the family is in a UP2K group now.
    #[graphql(name = "inUp2k")]
    async fn in_up2k(&self) -> bool {
        self.candidate.memberships > 0
    }
    /// True when the family has received assistance (to a member, or to a group while a member
    /// was in it).
    async fn assisted(&self) -> bool {
        self.candidate.assisted > 0
    }
    /// Why it ranks where it does: the rules it meets, in the configured order.
    async fn reasons(&self) -> Vec<PriorityReason> {
        self.candidate
            .reasons(&self.rules)
            .into_iter()
            .map(|(rule, explanation)| PriorityReason { rule, explanation })
            .collect()
    }
}

/// PEKKA figures of a statistics row.
#[derive(SimpleObject)]
pub struct PekkaStatistics {
    /// PEKKA families current at the period's end; null when suppressed.
    pub count: Option<i64>,
    /// PEKKA per 1,000 population of the row's region (Kota Mojokerto 2025: 170 of 142,000 =
    /// 1.2); null when the population is not recorded or suppressed.
    pub per_1000: Option<f64>,
    /// The population divided by.
    pub population: Option<i64>,
    /// PEKKA families with a member in a UP2K group.
    #[graphql(name = "inUp2k")]
    pub in_up2k: Option<Rate>,
    /// PEKKA families with children under 18.
    pub with_children: Option<i64>,
    /// True when withheld for a small count.
    pub suppressed: bool,
}

/// UP2K member figures of a statistics row.
#[derive(SimpleObject)]
pub struct MemberStatistics {
    /// Members current at the period's end (persons); null when suppressed.
    pub members: Option<i64>,
    /// Of them, in PEKKA families.
    pub pekka_members: Option<i64>,
    /// True when withheld for a small count.
    pub suppressed: bool,
}

/// Assistance figures of a statistics row.
#[derive(SimpleObject)]
pub struct AssistanceStatistics {
    /// Assistance records given in the period; null when suppressed.
    pub count: Option<i64>,
    /// Their total, in rupiah.
    pub total: Option<Rupiah>,
    /// Distinct recipients (groups or members).
    pub recipients: Option<i64>,
    /// True when withheld for a small count.
    pub suppressed: bool,
}

/// Income figures of a statistics row.
#[derive(SimpleObject)]
pub struct IncomeStatistics {
    /// Monthly reports in the period; null when suppressed.
    pub reports: Option<i64>,
    /// Distinct reporters (groups or members).
    pub reporters: Option<i64>,
    /// Total revenue, in rupiah.
    pub total_revenue: Option<Rupiah>,
    /// Median monthly revenue of a report, in rupiah (the mean of the middle two for an even
    /// number).
    pub median_revenue: Option<f64>,
    /// Total profit, in rupiah.
    pub total_profit: Option<Rupiah>,
    /// Median monthly profit of a report, in rupiah.
    pub median_profit: Option<f64>,
    /// True when withheld for a small count.
    pub suppressed: bool,
}

/// Revenue in the six calendar months after the month of each assistance against the six
/// before it, over the recipients who reported on both sides.
#[derive(SimpleObject)]
pub struct IncomeChangeStatistics {
    /// Assistance records whose recipient reported in both windows; null when suppressed.
    pub recipients: Option<i64>,
    /// Their mean monthly revenue before, in rupiah (2 decimals).
    pub mean_revenue_before: Option<f64>,
    /// Their mean monthly revenue after.
    pub mean_revenue_after: Option<f64>,
    /// After minus before.
    pub change: Option<f64>,
    /// The change as a percentage of before (1 decimal).
    pub change_percent: Option<f64>,
    /// True when withheld for a small count.
    pub suppressed: bool,
}

/// One row of `ekonomiStatistics`: its group and one section per source (null when the source
/// cannot be split by every dimension asked for).
#[derive(async_graphql::Description)]
pub struct EkonomiStatisticsRow<R> {
    /// The row.
    pub row: stats::Row,
    /// Its region handle.
    pub region: Option<R>,
    /// The organisation handle of its provider, when grouped by PROVIDER.
    pub provider: Option<Organisation<R>>,
}

fn shown<T: Clone>(f: &Figures<T>) -> Option<T> {
    match f {
        Figures::Shown(t) => Some(t.clone()),
        Figures::Withheld => None,
    }
}

fn withheld<T>(f: &Figures<T>) -> bool {
    matches!(f, Figures::Withheld)
}

#[Object(name = "EkonomiStatisticsRow", use_type_description)]
impl<R: RegionType> EkonomiStatisticsRow<R> {
    /// The region, when grouped by a region level.
    async fn region(&self) -> Option<&R> {
        self.region.as_ref()
    }
    /// The period label, when grouped by a grain.
    async fn period(&self) -> Option<&str> {
        self.row.period.as_deref()
    }
    /// The sex, when grouped by SEX.
    async fn sex(&self) -> Option<Sex> {
        self.row.sex.as_deref().and_then(Sex::from_letter)
    }
    /// The decile, when grouped by DECILE (null also for unranked families).
    async fn decile(&self) -> Option<i32> {
        self.row
            .dims
            .get("decile")
            .and_then(|d| d.as_deref())
            .and_then(|d| d.parse().ok())
    }
    /// The PEKKA category, when grouped by PEKKA_CATEGORY.
    async fn pekka_category(&self) -> Option<PekkaCategory> {
        self.row
            .dims
            .get("pekka_category")
            .and_then(|d| d.as_deref())
            .and_then(PekkaCategory::parse)
    }
    /// The business type, when grouped by BUSINESS_TYPE.
    async fn business_type(&self) -> Option<BusinessType> {
        self.row
            .dims
            .get("business_type")
            .and_then(|d| d.as_deref())
            .and_then(BusinessType::parse)
    }
    /// The group level, when grouped by GROUP_LEVEL.
    async fn group_level(&self) -> Option<Up2kLevel> {
        self.row
            .dims
            .get("group_level")
            .and_then(|d| d.as_deref())
            .and_then(Up2kLevel::parse)
    }
    /// The provider, when grouped by PROVIDER.
    async fn provider(&self) -> Option<&Organisation<R>> {
        self.provider.as_ref()
    }
    /// The kind of assistance, when grouped by ASSISTANCE_KIND.
    async fn assistance_kind(&self) -> Option<AssistanceKind> {
        self.row
            .dims
            .get("assistance_kind")
            .and_then(|d| d.as_deref())
            .and_then(AssistanceKind::parse)
    }
    /// PEKKA families current at the period's end.
    async fn pekka(&self) -> Option<PekkaStatistics> {
        self.row.pekka.as_ref().map(|f| {
            let p = shown(f);
            PekkaStatistics {
                count: p.as_ref().map(|p| p.count),
                per_1000: p.as_ref().and_then(|p| p.per_1000),
                population: p.as_ref().and_then(|p| p.population),
                in_up2k: p.as_ref().map(|p| p.in_up2k),
                with_children: p.as_ref().map(|p| p.with_children),
                suppressed: withheld(f),
            }
        })
    }
    /// UP2K groups formed by the period's end (reference data, never withheld).
    async fn groups(&self) -> Option<i64> {
        self.row.groups
    }
    /// UP2K members current at the period's end.
    async fn members(&self) -> Option<MemberStatistics> {
        self.row.members.as_ref().map(|f| {
            let m = shown(f);
            MemberStatistics {
                members: m.map(|m| m.members),
                pekka_members: m.map(|m| m.pekka_members),
                suppressed: withheld(f),
            }
        })
    }
    /// Assistance given in the period.
    async fn assistance(&self) -> Option<AssistanceStatistics> {
        self.row.assistance.as_ref().map(|f| {
            let a = shown(f);
            AssistanceStatistics {
                count: a.map(|a| a.count),
                total: a.map(|a| Rupiah(a.total)),
                recipients: a.map(|a| a.recipients),
                suppressed: withheld(f),
            }
        })
    }
    /// Income reports of the months in the period.
    async fn income(&self) -> Option<IncomeStatistics> {
        self.row.income.as_ref().map(|f| {
            let i = shown(f);
            IncomeStatistics {
                reports: i.map(|i| i.reports),
                reporters: i.map(|i| i.reporters),
                total_revenue: i.map(|i| Rupiah(i.revenue)),
                median_revenue: i.and_then(|i| i.median_revenue),
                total_profit: i.map(|i| Rupiah(i.profit)),
                median_profit: i.and_then(|i| i.median_profit),
                suppressed: withheld(f),
            }
        })
    }
    /// Revenue before and after the assistance given in the period.
    async fn income_change(&self) -> Option<IncomeChangeStatistics> {
        self.row.change.as_ref().map(|f| {
            let c = shown(f);
            let change = c.and_then(|c| Some(keluarga_core::stats::round(c.after? - c.before?, 2)));
            IncomeChangeStatistics {
                recipients: c.map(|c| c.recipients),
                mean_revenue_before: c.and_then(|c| c.before),
                mean_revenue_after: c.and_then(|c| c.after),
                change,
                change_percent: c.and_then(|c| {
                    let b = c.before.filter(|b| *b != 0.0)?;
                    Some(keluarga_core::stats::round(100.0 * (c.after? - b) / b, 1))
                }),
                suppressed: withheld(f),
            }
        })
    }
}
