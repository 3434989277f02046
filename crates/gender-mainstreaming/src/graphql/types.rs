//! GraphQL object types of the gender-mainstreaming domain. Each wraps an entity model.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use keluarga_core::RegionType;
use keluarga_core::entity::{organisation, person, programme};
use keluarga_core::graphql::app_actor;
use keluarga_core::graphql::loaders::ById;
use keluarga_core::graphql::types::{Organisation, Person, Programme, many, one, region};
use keluarga_core::kinds::OrganisationKind;
use keluarga_core::stats::{Rate, Sex};
use uuid::Uuid;

use crate::entity::{
    advocacy_target, award, gender_analysis, post_holding, pug_prerequisite, strategic_post,
};
use crate::graphql::loaders::{AdvocacyKey, AdvocacyLoader, HolderSexLoader};
use crate::kinds::*;
use crate::stats::{AdvocacyFigures, PostFigures};

keluarga_core::model_wrapper!(
    /// A strategic post (jabatan strategis) of an organisation: Sekda, asisten, kepala dinas,
    /// camat, lurah, DPRD chair... with the full history of who held it. Public-office
    /// information: every role may read it in scope.
    StrategicPost,
    strategic_post::Model,
    preload {
        /// Its holdings, earliest first.
        history: Vec<PostHolding<R>>,
    }
);
keluarga_core::model_wrapper!(
    /// One holding of a strategic post: who held it from which day until which day.
    PostHolding,
    post_holding::Model,
    preload {
        /// The holder's record (`None` inside: not visible to the actor).
        holder: Option<person::Model>,
    }
);

/// Holdings earliest first (ties by id): the order of `StrategicPost.history`.
fn earliest_first<R>(rows: &mut [PostHolding<R>]) {
    rows.sort_by_key(|h| (h.model.started_on, h.model.id));
}

/// Preloads the history of a page's posts (and their holders, when selected and the actor may
/// read them) in one statement, when the page's nodes select `history`: without it every post
/// would wait on the holdings loader, and every holding on the holders loader.
pub async fn preload_history<R: RegionType>(
    ctx: &Context<'_>,
    posts: &mut [async_graphql::connection::Edge<
        String,
        StrategicPost<R>,
        async_graphql::connection::EmptyFields,
    >],
) -> async_graphql::Result<()> {
    use keluarga_core::error::GqlResultExt;
    use keluarga_core::graphql::{nodes_select, reader};
    if posts.is_empty() || !nodes_select(ctx, &["history"]) {
        return Ok(());
    }
    let ids: Vec<Uuid> = posts.iter().map(|e| e.node.model.id).collect();
    let (_, actor) = app_actor(ctx);
    let post_id = post_holding::Column::PostId;
    let rows: Vec<PostHolding<R>> =
        if actor.can_list_records() && nodes_select(ctx, &["history", "holder"]) {
            reader(ctx)
                .by_parent_with::<post_holding::Entity, person::Entity>(
                    post_id,
                    post_holding::Column::PersonId,
                    &ids,
                )
                .await
                .gql()?
                .into_iter()
                .map(|(h, p)| {
                    let mut h = PostHolding::new(h);
                    h.holder.set(p);
                    h
                })
                .collect()
        } else {
            reader(ctx)
                .by_parent::<post_holding::Entity>(post_id, &ids)
                .await
                .gql()?
                .into_iter()
                .map(PostHolding::new)
                .collect()
        };
    let mut by_post: std::collections::HashMap<Uuid, Vec<PostHolding<R>>> =
        std::collections::HashMap::new();
    for h in rows {
        by_post.entry(h.model.post_id).or_default().push(h);
    }
    for e in posts {
        let mut rows = by_post.remove(&e.node.model.id).unwrap_or_default();
        earliest_first(&mut rows);
        e.node.history.set(rows);
    }
    Ok(())
}
keluarga_core::model_wrapper!(
    /// An award given to a region for a year (APE, KLA), with the women's share of its strategic
    /// posts on the day it was given, computed and kept.
    Award,
    award::Model
);
keluarga_core::model_wrapper!(
    /// The status of one of the 7 PUG prerequisites in a region for a year, with its evidence.
    PugPrerequisite,
    pug_prerequisite::Model
);
keluarga_core::model_wrapper!(
    /// A PUG advocacy target: an audience of a region to reach over a span of years, and what
    /// core's advocacy activities reached of it.
    AdvocacyTarget,
    advocacy_target::Model
);
keluarga_core::model_wrapper!(
    /// A gender analysis (Gender Analysis Pathway) of a programme: the gaps found in access,
    /// participation, control and benefit, their causes, and the actions planned (PPRG).
    GenderAnalysis,
    gender_analysis::Model
);

fn gid(t: &str, id: Uuid) -> ID {
    keluarga_core::id::encode(t, &id.to_string())
}

async fn organisation_of<R: RegionType>(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<Organisation<R>>> {
    Ok(one::<Uuid, ById<organisation::Entity>>(ctx, id)
        .await?
        .map(Organisation::new))
}

async fn programme_of<R: RegionType>(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<Programme<R>>> {
    let Some(id) = id else { return Ok(None) };
    Ok(one::<Uuid, ById<programme::Entity>>(ctx, id)
        .await?
        .map(Programme::new))
}

#[Object(name = "StrategicPost", use_type_description)]
impl<R: RegionType> StrategicPost<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("StrategicPost", self.model.id))
    }
    /// Version, for optimistic concurrency (`appointToPost` and `vacatePost` take it).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// The post's title (`Kepala Dinas Kesehatan`).
    async fn title(&self) -> &str {
        &self.model.title
    }
    /// What kind of post it is.
    async fn kind(&self) -> async_graphql::Result<PostKind> {
        PostKind::stored(&self.model.kind)
    }
    /// Its echelon; null for elected posts.
    async fn echelon(&self) -> async_graphql::Result<Option<Echelon>> {
        self.model
            .echelon
            .as_deref()
            .map(Echelon::stored)
            .transpose()
    }
    /// The organisation it belongs to.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organisation<R>>> {
        organisation_of::<R>(ctx, self.model.organisation_id).await
    }
    /// The region it serves.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The day it was established.
    async fn established_on(&self) -> keluarga_core::Date {
        self.model.established_on.into()
    }
    /// The day it was abolished, if it was.
    async fn abolished_on(&self) -> Option<keluarga_core::Date> {
        self.model.abolished_on.map(Into::into)
    }
    /// Its holding on a day (today by default); null when vacant that day.
    async fn holding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day (today by default).")] on: Option<keluarga_core::Date>,
    ) -> async_graphql::Result<Option<PostHolding<R>>> {
        let (app, _) = app_actor(ctx);
        let on = on.map_or_else(|| app.clock.today(), Into::into);
        Ok(many::<post_holding::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .find(|h| crate::service::holds_on(h, on))
            .map(PostHolding::new))
    }
    /// True when nobody holds it on a day (today by default).
    async fn vacant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day (today by default).")] on: Option<keluarga_core::Date>,
    ) -> async_graphql::Result<bool> {
        let (app, _) = app_actor(ctx);
        let on = on.map_or_else(|| app.clock.today(), Into::into);
        Ok(!many::<post_holding::Entity>(ctx, self.model.id)
            .await?
            .iter()
            .any(|h| crate::service::holds_on(h, on)))
    }
    /// Every holding, earliest first: who held the post on any day.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PostHolding<R>>> {
        if let Some(rows) = self.history.take() {
            return Ok(rows);
        }
        let mut rows: Vec<PostHolding<R>> = many::<post_holding::Entity>(ctx, self.model.id)
            .await?
            .into_iter()
            .map(PostHolding::new)
            .collect();
        earliest_first(&mut rows);
        Ok(rows)
    }
}

#[Object(name = "PostHolding", use_type_description)]
impl<R: RegionType> PostHolding<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("PostHolding", self.model.id))
    }
    /// The post held.
    async fn post(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StrategicPost<R>>> {
        Ok(
            one::<Uuid, ById<strategic_post::Entity>>(ctx, self.model.post_id)
                .await?
                .map(StrategicPost::new),
        )
    }
    /// The holder's sex (public-office information, what the women's share counts).
    async fn holder_sex(&self, ctx: &Context<'_>) -> async_graphql::Result<Sex> {
        let s = one::<Uuid, HolderSexLoader>(ctx, self.model.person_id).await?;
        Sex::stored(s.as_deref().unwrap_or(""))
    }
    /// The holder's person record (personal data: for roles with record access, reads audited;
    /// null otherwise).
    async fn holder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        let (_, actor) = app_actor(ctx);
        if !actor.can_list_records() {
            return Ok(None);
        }
        if let Some(p) = self.holder.take() {
            return Ok(p.map(Person::new));
        }
        Ok(one::<Uuid, ById<person::Entity>>(ctx, self.model.person_id)
            .await?
            .map(Person::new))
    }
    /// The first day in office.
    async fn started_on(&self) -> keluarga_core::Date {
        self.model.started_on.into()
    }
    /// The day the holder left (from that day the post was vacant); null while held.
    async fn ended_on(&self) -> Option<keluarga_core::Date> {
        self.model.ended_on.map(Into::into)
    }
    /// Why the holding ended.
    async fn end_reason(&self) -> Option<&str> {
        self.model.end_reason.as_deref()
    }
    /// The decree (SK) number.
    async fn decree(&self) -> Option<&str> {
        self.model.decree.as_deref()
    }
}

#[Object(name = "Award", use_type_description)]
impl<R: RegionType> Award<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Award", self.model.id))
    }
    /// The region awarded.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The award.
    #[graphql(name = "type")]
    async fn award_type(&self) -> async_graphql::Result<AwardType> {
        AwardType::stored(&self.model.award_type)
    }
    /// Its level.
    async fn level(&self) -> async_graphql::Result<AwardLevel> {
        AwardLevel::stored(&self.model.level)
    }
    /// The level's rank within its award, 1 the lowest (APE: Pratama 1 … Mentor 4; KLA:
    /// Pratama 1 … KLA 5).
    async fn level_rank(&self) -> async_graphql::Result<i32> {
        let t = AwardType::stored(&self.model.award_type)?;
        let l = AwardLevel::stored(&self.model.level)?;
        t.rank(l)
            .ok_or_else(|| keluarga_core::error::internal(&"award level of another type"))
    }
    /// The award's year.
    async fn year(&self) -> i32 {
        self.model.year
    }
    /// The day it was given.
    async fn awarded_on(&self) -> keluarga_core::Date {
        self.model.awarded_on.into()
    }
    /// The women's share of the region's filled strategic posts on that day (kept with the
    /// award; the early warning compares today's share with it).
    async fn women_share_of_posts(&self) -> Rate {
        Rate::of(
            i64::from(self.model.women_in_posts),
            i64::from(self.model.filled_posts),
        )
    }
    /// A note.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }
}

#[Object(name = "PugPrerequisite", use_type_description)]
impl<R: RegionType> PugPrerequisite<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("PugPrerequisite", self.model.id))
    }
    /// Version, for optimistic concurrency (`setPugPrerequisite` takes it).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// The region.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The year.
    async fn year(&self) -> i32 {
        self.model.year
    }
    /// Which prerequisite.
    async fn prerequisite(&self) -> async_graphql::Result<Prerequisite> {
        Prerequisite::stored(&self.model.prerequisite)
    }
    /// Its status.
    async fn status(&self) -> async_graphql::Result<PrerequisiteStatus> {
        PrerequisiteStatus::stored(&self.model.status)
    }
    /// The evidence.
    async fn evidence(&self) -> Option<&str> {
        self.model.evidence.as_deref()
    }
}

#[Object(name = "AdvocacyTarget", use_type_description)]
impl<R: RegionType> AdvocacyTarget<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("AdvocacyTarget", self.model.id))
    }
    /// Version, for optimistic concurrency (`setAdvocacyTarget` takes it).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// The region whose audience is to be reached.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// Who is to be reached.
    async fn audience(&self) -> async_graphql::Result<Audience> {
        Audience::stored(&self.model.audience)
    }
    /// The first year.
    async fn from_year(&self) -> i32 {
        self.model.from_year
    }
    /// The last year.
    async fn to_year(&self) -> i32 {
        self.model.to_year
    }
    /// The count stated with the target; null when the target is everyone the registry knows
    /// of.
    async fn target_count(&self) -> Option<i32> {
        self.model.target_count
    }
    /// The programme it belongs to.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        programme_of::<R>(ctx, self.model.programme_id).await
    }
    /// A note.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }
    /// What was reached against the target, counted from core's advocacy activities up to a day
    /// (today by default; the target's last day if earlier). Batched over a page of targets.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Count up to this day (today by default).")] on: Option<
            keluarga_core::Date,
        >,
    ) -> async_graphql::Result<AdvocacyFiguresObject> {
        let (app, _) = app_actor(ctx);
        let on = on.map_or_else(|| app.clock.today(), Into::into);
        let f = one::<AdvocacyKey, AdvocacyLoader>(
            ctx,
            AdvocacyKey {
                id: self.model.id,
                on,
            },
        )
        .await?
        .unwrap_or_default();
        Ok(AdvocacyFiguresObject(f))
    }
}

#[Object(name = "GenderAnalysis", use_type_description)]
impl<R: RegionType> GenderAnalysis<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("GenderAnalysis", self.model.id))
    }
    /// The programme analysed.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        programme_of::<R>(ctx, Some(self.model.programme_id)).await
    }
    /// The programme's region.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The year.
    async fn year(&self) -> i32 {
        self.model.year
    }
    /// Step 2: the sex-disaggregated data used.
    async fn data_pilah(&self) -> Option<&str> {
        self.model.data_pilah.as_deref()
    }
    /// Step 3: the gap in access.
    async fn access_gap(&self) -> Option<&str> {
        self.model.access_gap.as_deref()
    }
    /// Step 3: the gap in participation.
    async fn participation_gap(&self) -> Option<&str> {
        self.model.participation_gap.as_deref()
    }
    /// Step 3: the gap in control.
    async fn control_gap(&self) -> Option<&str> {
        self.model.control_gap.as_deref()
    }
    /// Step 3: the gap in benefit.
    async fn benefit_gap(&self) -> Option<&str> {
        self.model.benefit_gap.as_deref()
    }
    /// Step 4: causes inside the institution.
    async fn internal_causes(&self) -> Option<&str> {
        self.model.internal_causes.as_deref()
    }
    /// Step 5: causes outside it.
    async fn external_causes(&self) -> Option<&str> {
        self.model.external_causes.as_deref()
    }
    /// Step 6: the reformulated objective.
    async fn objective(&self) -> Option<&str> {
        self.model.objective.as_deref()
    }
    /// Step 7: the actions planned.
    async fn actions(&self) -> async_graphql::Result<Vec<String>> {
        serde_json::from_str(&self.model.actions).map_err(|e| keluarga_core::error::internal(&e))
    }
    /// Step 8: the baseline.
    async fn baseline(&self) -> Option<&str> {
        self.model.baseline.as_deref()
    }
    /// Step 9: the gender indicators.
    async fn indicators(&self) -> async_graphql::Result<Vec<String>> {
        serde_json::from_str(&self.model.indicators).map_err(|e| keluarga_core::error::internal(&e))
    }
}

/// Strategic posts of a group.
#[derive(async_graphql::Description)]
pub struct PostFiguresObject(pub PostFigures);

#[Object(name = "PostFigures", use_type_description)]
impl PostFiguresObject {
    /// Posts that exist on the day.
    async fn posts(&self) -> i64 {
        self.0.posts
    }
    /// Posts held.
    async fn filled(&self) -> i64 {
        self.0.filled
    }
    /// Posts nobody holds.
    async fn vacant(&self) -> i64 {
        self.0.vacant()
    }
    /// Posts held by women.
    async fn women(&self) -> i64 {
        self.0.women
    }
    /// Posts held by men.
    async fn men(&self) -> i64 {
        self.0.men
    }
    /// Women among the holders of filled posts.
    async fn women_share(&self) -> Rate {
        self.0.women_share()
    }
}

/// Advocacy reach of a group.
#[derive(async_graphql::Description)]
pub struct AdvocacyFiguresObject(pub AdvocacyFigures);

#[Object(name = "AdvocacyFigures", use_type_description)]
impl AdvocacyFiguresObject {
    /// Targets counted.
    async fn targets(&self) -> i64 {
        self.0.targets
    }
    /// What they aim at, together (stated counts, or everyone the registry knows of).
    async fn target(&self) -> i64 {
        self.0.target
    }
    /// What was reached.
    async fn reached(&self) -> i64 {
        self.0.reached
    }
    /// Reached against target.
    async fn coverage(&self) -> Rate {
        self.0.coverage()
    }
}

/// One group of `genderStatistics`.
#[derive(async_graphql::Description)]
pub struct GenderStatisticsRow<R> {
    /// The group's region, resolved.
    pub region: Option<R>,
    /// The row.
    pub row: crate::stats::Row,
}

#[Object(name = "GenderStatisticsRow", use_type_description)]
impl<R: RegionType> GenderStatisticsRow<R> {
    /// The group's region, when grouped by a region level.
    async fn region(&self) -> Option<&R> {
        self.region.as_ref()
    }
    /// The group's period (`2022`, `2022-Q1`, `2022-01`), when grouped by a grain: the posts on
    /// its last day (or the filter's `to`, if earlier).
    async fn period(&self) -> Option<&str> {
        self.row.period.as_deref()
    }
    /// The holder's sex, when grouped by sex; null for vacant posts.
    async fn sex(&self) -> async_graphql::Result<Option<Sex>> {
        self.row.sex.as_deref().map(Sex::stored).transpose()
    }
    /// The kind of post, when grouped by POST_KIND.
    async fn post_kind(&self) -> async_graphql::Result<Option<PostKind>> {
        self.dim("post_kind").map(PostKind::stored).transpose()
    }
    /// The echelon, when grouped by ECHELON; null for elected posts.
    async fn echelon(&self) -> async_graphql::Result<Option<Echelon>> {
        match self.dim("echelon") {
            None | Some("NONE") => Ok(None),
            Some(e) => Echelon::stored(e).map(Some),
        }
    }
    /// The organisation's kind, when grouped by ORGANISATION_KIND.
    async fn organisation_kind(&self) -> async_graphql::Result<Option<OrganisationKind>> {
        self.dim("organisation_kind")
            .map(OrganisationKind::stored)
            .transpose()
    }
    /// The audience, when grouped by AUDIENCE.
    async fn audience(&self) -> async_graphql::Result<Option<Audience>> {
        self.dim("audience").map(Audience::stored).transpose()
    }
    /// Strategic posts (a stock: on the period's last day); null when grouped by AUDIENCE.
    async fn posts(&self) -> Option<PostFiguresObject> {
        self.row.posts.map(PostFiguresObject)
    }
    /// Advocacy targets running in the period and their reach by its end; null when grouped by
    /// a grain, sex or a post dimension.
    async fn advocacy(&self) -> Option<AdvocacyFiguresObject> {
        self.row.advocacy.map(AdvocacyFiguresObject)
    }
}

impl<R> GenderStatisticsRow<R> {
    fn dim(&self, name: &str) -> Option<&str> {
        self.row.dims.get(name).and_then(|d| d.as_deref())
    }
}

/// The early warning of one region on one day.
#[derive(async_graphql::Description)]
pub struct EarlyWarning<R> {
    /// The region's code.
    pub code: String,
    /// The day.
    pub on: NaiveDate,
    /// The state.
    pub warning: crate::warning::Warning,
    pub(crate) _r: std::marker::PhantomData<fn() -> R>,
}

#[Object(name = "EarlyWarning", use_type_description)]
impl<R: RegionType> EarlyWarning<R> {
    /// The region.
    async fn region(&self) -> R {
        region(&self.code)
    }
    /// The day looked at.
    async fn on(&self) -> keluarga_core::Date {
        self.on.into()
    }
    /// True when the women's share of the region's strategic posts on the day is below the
    /// share kept with its current APE award: the predicate is at risk.
    async fn raised(&self) -> bool {
        self.warning.raised
    }
    /// The current APE award (the latest given by the day).
    async fn award(&self) -> Award<R> {
        Award::new(self.warning.award.clone())
    }
    /// The women's share when the award was given.
    async fn share_at_award(&self) -> Rate {
        self.warning.then()
    }
    /// The women's share on the day.
    async fn share_now(&self) -> Rate {
        self.warning.now.women_share()
    }
    /// The region's strategic posts on the day.
    async fn posts(&self) -> PostFiguresObject {
        PostFiguresObject(self.warning.now)
    }
    /// The changes that lowered the share: men appointed to the region's posts since the award,
    /// by first day.
    async fn appointments(&self) -> Vec<PostHolding<R>> {
        self.warning
            .appointments
            .iter()
            .cloned()
            .map(PostHolding::new)
            .collect()
    }
    /// And women who left a post since the award, by last day.
    async fn departures(&self) -> Vec<PostHolding<R>> {
        self.warning
            .departures
            .iter()
            .cloned()
            .map(PostHolding::new)
            .collect()
    }
}

/// One count of a domain split by sex (data terpilah).
#[derive(SimpleObject)]
pub struct SexDisaggregatedMeasure {
    /// The domain that declares it (`core`, `stunting`, `ketahanan_keluarga`...).
    pub domain: String,
    /// Its key, unique within the domain (`children_measured`).
    pub key: String,
    /// What it counts.
    pub description: String,
    /// The statistics query that gives it in full, with every other dimension (group it by
    /// `SEX` there).
    pub statistic: String,
    /// Women and girls; null when withheld.
    pub female: Option<i64>,
    /// Men and boys; null when withheld.
    pub male: Option<i64>,
    /// Counted without a recorded sex; null when withheld.
    pub unrecorded: Option<i64>,
    /// Everyone counted; null when withheld.
    pub total: Option<i64>,
    /// Women and girls among those with a recorded sex; null when withheld.
    pub female_share: Option<Rate>,
    /// True when a part is withheld from you (small counts, or protecting one).
    pub suppressed: bool,
}

/// Data terpilah of one region and period: every count the enabled domains can split by sex.
#[derive(async_graphql::Description)]
pub struct Disaggregation<R> {
    /// The region's code (`""` for your whole scope).
    pub code: Option<String>,
    /// The period's label.
    pub period: String,
    /// Its first day.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
    /// The measures.
    pub measures: Vec<SexDisaggregatedMeasure>,
    pub(crate) _r: std::marker::PhantomData<fn() -> R>,
}

#[Object(name = "Disaggregation", use_type_description)]
impl<R: RegionType> Disaggregation<R> {
    /// The region; null for your whole scope.
    async fn region(&self) -> Option<R> {
        self.code.as_deref().map(region)
    }
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
    /// Every count that can be split by sex, domain by domain (core's first), as each domain
    /// declares it: stocks as they stand at the period's end, flows within the period.
    async fn measures(&self) -> &[SexDisaggregatedMeasure] {
        &self.measures
    }
}
