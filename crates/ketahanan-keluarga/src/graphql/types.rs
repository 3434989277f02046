//! GraphQL object types of the ketahanan-keluarga domain. Each wraps an entity model.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use keluarga_core::RegionType;
use keluarga_core::entity::{activity, family, organisation, person, programme};
use keluarga_core::graphql::loaders::ById;
use keluarga_core::graphql::types::{Activity, Organisation, Person, Programme, many, one, region};
use keluarga_core::stats::{Rate, Sex};
use uuid::Uuid;

use crate::entity::{
    family_visit, ketahanan_answer, ketahanan_assessment, ketahanan_assessment_revision,
    ketahanan_framework, ketahanan_score, krppa_indicator, lokus,
};
use crate::framework::{Answer, Band, Dimension};
use crate::graphql::loaders::FrameworkLoader;
use crate::kinds::*;

keluarga_core::model_wrapper!(
    /// A published version of the family-resilience indicator framework.
    ResilienceFramework,
    ketahanan_framework::Model
);
keluarga_core::model_wrapper!(
    /// One family-resilience assessment (24 indicators), scored on write with the framework
    /// version of its day; health and violence answers: record access only, reads audited.
    FamilyAssessment,
    ketahanan_assessment::Model
);
keluarga_core::model_wrapper!(
    /// A family visit (pendampingan keluarga) by a cadre. Visits that record violence are read
    /// only by ADMIN, OPERATOR and the cadre who recorded them.
    FamilyVisit,
    family_visit::Model
);
keluarga_core::model_wrapper!(
    /// The status of one KRPPA indicator of a kelurahan/desa in a year.
    KrppaIndicator,
    krppa_indicator::Model
);
keluarga_core::model_wrapper!(
    /// A kelurahan/desa designated as a locus (lokus) of a programme for a year.
    Lokus,
    lokus::Model
);

fn gid(t: &str, id: Uuid) -> ID {
    keluarga_core::id::encode(t, &id.to_string())
}

fn sex(s: Option<&str>) -> Option<Sex> {
    s.and_then(Sex::from_letter)
}

#[Object(name = "ResilienceFramework", use_type_description)]
impl<R: RegionType> ResilienceFramework<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("ResilienceFramework", self.model.id))
    }
    /// Version number (1 = KemenPPPA's 24 indicators with equal weights).
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// The day it was published.
    async fn published_on(&self) -> keluarga_core::Date {
        self.model.published_on.into()
    }
    /// Dimensions → variables → indicators, with weights and rules.
    async fn dimensions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Dimension>> {
        Ok(one::<i32, FrameworkLoader>(ctx, self.model.version)
            .await?
            .map(|f| f.dimensions.clone())
            .unwrap_or_default())
    }
    /// The category bands of the index, lowest first.
    async fn bands(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Band>> {
        Ok(one::<i32, FrameworkLoader>(ctx, self.model.version)
            .await?
            .map(|f| f.bands.clone())
            .unwrap_or_default())
    }
}

/// One indicator's answer in an assessment.
#[derive(SimpleObject)]
pub struct AssessmentAnswer {
    /// The indicator number.
    pub indicator: i32,
    /// MET, NOT_MET or NOT_APPLICABLE.
    pub answer: Answer,
    /// The raw value of a NUMBER indicator.
    pub value: Option<f64>,
}

/// A variable's or dimension's score in an assessment.
#[derive(SimpleObject)]
pub struct AssessmentScore {
    /// The code (`D1`, `V3`).
    pub code: String,
    /// 0–100; null when none of its indicators applies to the family.
    pub score: Option<f64>,
}

/// The previous values of a corrected assessment.
#[derive(SimpleObject)]
pub struct AssessmentRevision {
    /// The version these values had.
    pub version: i32,
    /// The previous values (assessedOn, index, category, answers) as JSON.
    pub previous: String,
    /// Why it was corrected.
    pub reason: String,
    /// Who corrected it.
    pub changed_by: String,
    /// When.
    pub changed_at: chrono::DateTime<chrono::Utc>,
}

impl From<ketahanan_assessment_revision::Model> for AssessmentRevision {
    fn from(m: ketahanan_assessment_revision::Model) -> Self {
        AssessmentRevision {
            version: m.version,
            previous: m.previous,
            reason: m.reason,
            changed_by: m.changed_by,
            changed_at: m.changed_at,
        }
    }
}

fn scores(rows: Vec<ketahanan_score::Model>, level: &str) -> Vec<AssessmentScore> {
    rows.into_iter()
        .filter(|s| s.level == level)
        .map(|s| AssessmentScore {
            code: s.code,
            score: s.score,
        })
        .collect()
}

#[Object(name = "FamilyAssessment", use_type_description)]
impl<R: RegionType> FamilyAssessment<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("FamilyAssessment", self.model.id))
    }
    /// The family assessed.
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        Ok(one::<Uuid, ById<family::Entity>>(ctx, self.model.family_id)
            .await?
            .map(R::Family::from))
    }
    /// The family's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The day of the assessment.
    async fn assessed_on(&self) -> keluarga_core::Date {
        self.model.assessed_on.into()
    }
    /// The assessor (a cadre).
    async fn assessor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(
            one::<Uuid, ById<person::Entity>>(ctx, self.model.assessor_id)
                .await?
                .map(Person::new),
        )
    }
    /// The framework version it was scored with (its scores never change with a later one).
    async fn framework_version(&self) -> i32 {
        self.model.framework_version
    }
    /// The index, 0–100.
    async fn index(&self) -> Option<f64> {
        self.model.index_score
    }
    /// The category of the index under its framework version (`LOW`, `MEDIUM`, `HIGH`).
    async fn category(&self) -> &str {
        &self.model.category
    }
    /// The sex of the head of family when assessed.
    async fn head_sex(&self) -> Option<Sex> {
        sex(self.model.head_sex.as_deref())
    }
    /// Every indicator's answer, by indicator number.
    async fn answers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AssessmentAnswer>> {
        let mut rows = many::<ketahanan_answer::Entity>(ctx, self.model.id).await?;
        rows.sort_by_key(|a| a.indicator);
        rows.into_iter()
            .map(|a| {
                Ok(AssessmentAnswer {
                    indicator: a.indicator,
                    answer: Answer::parse(&a.answer).ok_or_else(|| {
                        keluarga_core::error::internal(&format!(
                            "answer column holds {:?}",
                            a.answer
                        ))
                    })?,
                    value: a.value,
                })
            })
            .collect()
    }
    /// Dimension scores (D1–D5), 0–100.
    async fn dimensions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AssessmentScore>> {
        Ok(scores(
            many::<ketahanan_score::Entity>(ctx, self.model.id).await?,
            "DIMENSION",
        ))
    }
    /// Variable scores (V1–V15), 0–100.
    async fn variables(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AssessmentScore>> {
        Ok(scores(
            many::<ketahanan_score::Entity>(ctx, self.model.id).await?,
            "VARIABLE",
        ))
    }
    /// Earlier values, oldest first.
    async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AssessmentRevision>> {
        let mut rows = many::<ketahanan_assessment_revision::Entity>(ctx, self.model.id).await?;
        rows.sort_by_key(|r| r.version);
        Ok(rows.into_iter().map(Into::into).collect())
    }
    /// How it reached the system.
    async fn source(&self) -> async_graphql::Result<AssessmentSource> {
        AssessmentSource::stored(&self.model.source)
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "FamilyVisit", use_type_description)]
impl<R: RegionType> FamilyVisit<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("FamilyVisit", self.model.id))
    }
    /// The family visited.
    async fn family(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<R::Family>> {
        Ok(one::<Uuid, ById<family::Entity>>(ctx, self.model.family_id)
            .await?
            .map(R::Family::from))
    }
    /// The family's desa/kelurahan.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The day of the visit.
    async fn visited_on(&self) -> keluarga_core::Date {
        self.model.visited_on.into()
    }
    /// The visiting cadre.
    async fn visitor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person<R>>> {
        Ok(
            one::<Uuid, ById<person::Entity>>(ctx, self.model.visitor_id)
                .await?
                .map(Person::new),
        )
    }
    /// What the visit found.
    async fn issues(&self) -> Vec<VisitIssue> {
        let m = &self.model;
        let flags = [
            m.violence_against_women,
            m.violence_against_children,
            m.stunting_risk,
            m.economic_hardship,
            m.child_marriage,
            m.child_labour,
            m.other_issue,
        ];
        VisitIssue::ALL
            .iter()
            .zip(flags)
            .filter(|(_, on)| *on)
            .map(|(i, _)| *i)
            .collect()
    }
    /// A note on the issues.
    async fn issue_note(&self) -> Option<&str> {
        self.model.issue_note.as_deref()
    }
    /// What was done.
    async fn action_taken(&self) -> Option<&str> {
        self.model.action_taken.as_deref()
    }
    /// The organisation the family was referred to.
    async fn referral_organisation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organisation<R>>> {
        let Some(id) = self.model.referral_organisation_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<organisation::Entity>>(ctx, id)
            .await?
            .map(Organisation::new))
    }
    /// When to follow up.
    async fn follow_up_on(&self) -> Option<keluarga_core::Date> {
        self.model.follow_up_on.map(Into::into)
    }
    /// The day of the last follow-up.
    async fn followed_up_on(&self) -> Option<keluarga_core::Date> {
        self.model.followed_up_on.map(Into::into)
    }
    /// Where the case stands.
    async fn outcome(&self) -> async_graphql::Result<VisitOutcome> {
        VisitOutcome::stored(&self.model.outcome)
    }
    /// A note on the outcome.
    async fn outcome_note(&self) -> Option<&str> {
        self.model.outcome_note.as_deref()
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

#[Object(name = "KrppaIndicator", use_type_description)]
impl<R: RegionType> KrppaIndicator<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("KrppaIndicator", self.model.id))
    }
    /// The kelurahan/desa.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The year.
    async fn year(&self) -> i32 {
        self.model.year
    }
    /// The indicator (1–10).
    async fn indicator(&self) -> i32 {
        self.model.indicator
    }
    /// What the indicator asks.
    async fn name(&self) -> &'static str {
        krppa_name(self.model.indicator).1
    }
    /// INSTITUTIONAL (1–5) or THEMATIC (6–10).
    async fn group(&self) -> &'static str {
        krppa_name(self.model.indicator).0
    }
    /// MET or NOT_MET.
    async fn status(&self) -> async_graphql::Result<KrppaStatus> {
        KrppaStatus::stored(&self.model.status)
    }
    /// The evidence kept.
    async fn evidence(&self) -> Option<&str> {
        self.model.evidence.as_deref()
    }
    /// The day it was assessed.
    async fn assessed_on(&self) -> Option<keluarga_core::Date> {
        self.model.assessed_on.map(Into::into)
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// The group and name of KRPPA indicator `n`.
pub fn krppa_name(n: i32) -> (&'static str, &'static str) {
    KRPPA_INDICATORS
        .iter()
        .find(|k| k.0 == n)
        .map_or(("", ""), |k| (k.1, k.2))
}

#[Object(name = "Lokus", use_type_description)]
impl<R: RegionType> Lokus<R> {
    /// Opaque global id.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(gid("Lokus", self.model.id))
    }
    /// The kelurahan/desa.
    async fn region(&self) -> R {
        region(&self.model.region_code)
    }
    /// The programme.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme<R>>> {
        Ok(
            one::<Uuid, ById<programme::Entity>>(ctx, self.model.programme_id)
                .await?
                .map(Programme::new),
        )
    }
    /// The year.
    async fn year(&self) -> i32 {
        self.model.year
    }
    /// The day of the designation.
    async fn designated_on(&self) -> Option<keluarga_core::Date> {
        self.model.designated_on.map(Into::into)
    }
    /// The meeting whose signed commitments apply (its `commitments` field lists them).
    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Activity<R>>> {
        let Some(id) = self.model.activity_id else {
            return Ok(None);
        };
        Ok(one::<Uuid, ById<activity::Entity>>(ctx, id)
            .await?
            .map(Activity::new))
    }
    /// A note.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }
}

/// One KRPPA indicator's state in a year (NOT_MET where nothing was recorded).
#[derive(SimpleObject)]
pub struct KrppaIndicatorState {
    /// The indicator (1–10).
    pub indicator: i32,
    /// INSTITUTIONAL or THEMATIC.
    pub group: &'static str,
    /// What it asks.
    pub name: &'static str,
    /// MET or NOT_MET.
    pub status: KrppaStatus,
    /// The evidence kept.
    pub evidence: Option<String>,
}

/// The KRPPA state of a kelurahan/desa in a year.
#[derive(SimpleObject)]
pub struct KrppaSummary {
    /// The kelurahan/desa code.
    pub region_code: String,
    /// The year.
    pub year: i32,
    /// The 10 indicators.
    pub indicators: Vec<KrppaIndicatorState>,
    /// How many are met.
    pub met: i32,
    /// True when all 10 are met (the kelurahan can be dikukuhkan as KRPPA).
    pub designated: bool,
}

/// Visits of one issue.
#[derive(SimpleObject)]
pub struct IssueCount {
    /// The issue.
    pub issue: VisitIssue,
    /// Visits that found it.
    pub visits: i64,
}

/// Visits with one outcome.
#[derive(SimpleObject)]
pub struct OutcomeCount {
    /// The outcome.
    pub outcome: VisitOutcome,
    /// Visits.
    pub visits: i64,
}

/// Family visits of a group.
#[derive(SimpleObject)]
pub struct VisitStatistics {
    /// Families visited.
    pub families: i64,
    /// Visits.
    pub visits: i64,
    /// Visits per issue found.
    pub by_issue: Vec<IssueCount>,
    /// Visits per outcome.
    pub by_outcome: Vec<OutcomeCount>,
}

impl From<crate::stats::VisitCounts> for VisitStatistics {
    fn from(v: crate::stats::VisitCounts) -> Self {
        VisitStatistics {
            families: v.families,
            visits: v.visits,
            by_issue: v
                .by_issue
                .into_iter()
                .map(|(issue, visits)| IssueCount { issue, visits })
                .collect(),
            by_outcome: v
                .by_outcome
                .into_iter()
                .map(|(outcome, visits)| OutcomeCount { outcome, visits })
                .collect(),
        }
    }
}

/// Cadres who completed a training stage.
#[derive(SimpleObject)]
pub struct StageCount {
    /// The stage (1 = the first pembekalan).
    pub stage: i32,
    /// Cadres who completed it (or a later one).
    pub cadres: i64,
}

/// Family-resilience cadres of a group.
#[derive(SimpleObject)]
pub struct CadreStatistics {
    /// Cadre roles started by the period's end.
    pub recruited: i64,
    /// Of those, active at the period's end.
    pub active: i64,
    /// Completed training per stage.
    pub trained: Vec<StageCount>,
    /// The cadre target of the programmes of this region (the programme's own region only;
    /// null when grouped otherwise).
    pub target: Option<i64>,
}

impl CadreStatistics {
    /// From counts and a target.
    pub fn new(c: crate::stats::CadreCounts, target: Option<i64>) -> Self {
        CadreStatistics {
            recruited: c.recruited,
            active: c.active,
            trained: c
                .trained
                .iter()
                .enumerate()
                .map(|(i, n)| StageCount {
                    stage: i as i32 + 1,
                    cadres: *n,
                })
                .collect(),
            target,
        }
    }
}

/// One group of ketahanan statistics. Suppressed groups carry only their keys.
#[derive(async_graphql::Description)]
pub struct KetahananStatisticsRow<R> {
    /// The row.
    pub row: crate::stats::Row,
    /// Its region handle.
    pub region: Option<R>,
    /// The cadre target of its region, when grouped by a region level alone.
    pub target: Option<i64>,
}

#[Object(name = "KetahananStatisticsRow", use_type_description)]
impl<R: RegionType> KetahananStatisticsRow<R> {
    /// The region, when grouped by a region level.
    async fn region(&self) -> Option<&R> {
        self.region.as_ref()
    }
    /// The period label, when grouped by a grain.
    async fn period(&self) -> Option<&str> {
        self.row.period.as_deref()
    }
    /// The sex of the head of family, when grouped by SEX.
    async fn sex(&self) -> Option<Sex> {
        sex(self.row.sex.as_deref())
    }
    /// The framework dimension (D1–D5), when grouped by DIMENSION.
    async fn dimension(&self) -> Option<&str> {
        self.row.dimension.as_deref()
    }
    /// The indicator (1–24), when grouped by INDICATOR.
    async fn indicator(&self) -> Option<i32> {
        self.row.indicator
    }
    /// The category, when grouped by CATEGORY.
    async fn category(&self) -> Option<&str> {
        self.row.category.as_deref()
    }
    /// Families assessed (each once, by its latest assessment in the period); null when
    /// suppressed.
    async fn families_assessed(&self) -> Option<i64> {
        self.row.families
    }
    /// The mean index of their latest assessments (the mean dimension score when grouped by
    /// DIMENSION).
    async fn mean_index(&self) -> Option<f64> {
        self.row.mean
    }
    /// The R-IKK: the share of families meeting each indicator, combined by the current
    /// framework's weights (the dimension's, when grouped by DIMENSION).
    async fn r_ikk(&self) -> Option<f64> {
        self.row.r_ikk
    }
    /// Families meeting the indicator among those it applies to, when grouped by INDICATOR.
    async fn indicator_met(&self) -> Option<Rate> {
        self.row.met
    }
    /// Family visits in the period, by issue and outcome (not when grouped by DIMENSION,
    /// INDICATOR or CATEGORY).
    async fn visits(&self) -> Option<VisitStatistics> {
        self.row.visits.clone().map(Into::into)
    }
    /// Family-resilience cadres recruited by the period's end, against the target of the
    /// region's programmes (not when grouped by a grain, DIMENSION, INDICATOR or CATEGORY).
    async fn cadres(&self) -> Option<CadreStatistics> {
        self.row
            .cadres
            .map(|c| CadreStatistics::new(c, self.target))
    }
    /// True when fewer families than the disclosure threshold are counted and the figures are
    /// withheld.
    async fn suppressed(&self) -> bool {
        self.row.suppressed
    }
}

/// The progress of a cadre programme against its target.
#[derive(async_graphql::Description)]
pub struct CadreProgress<R> {
    /// The programme, when one was asked for.
    pub programme: Option<programme::Model>,
    /// Its cadre target.
    pub target: Option<i64>,
    /// The day counted at.
    pub as_of: NaiveDate,
    /// Per group.
    pub rows: Vec<CadreProgressRow<R>>,
}

#[Object(name = "CadreProgress", use_type_description)]
impl<R: RegionType> CadreProgress<R> {
    /// The programme, when one was asked for.
    async fn programme(&self) -> Option<Programme<R>> {
        self.programme.clone().map(Programme::new)
    }
    /// Its cadre target (the sum of its targets whose measure names cadres).
    async fn target(&self) -> Option<i64> {
        self.target
    }
    /// The day counted at.
    async fn as_of(&self) -> keluarga_core::Date {
        self.as_of.into()
    }
    /// Per group (one row when not grouped).
    async fn rows(&self) -> &[CadreProgressRow<R>] {
        &self.rows
    }
}

/// One group of a cadre programme's progress.
#[derive(async_graphql::Description)]
pub struct CadreProgressRow<R> {
    /// The region, when grouped by a region level.
    pub region: Option<R>,
    /// The sex letter, when grouped by SEX.
    pub sex: Option<String>,
    /// The counts; `None` when suppressed.
    pub cadres: Option<crate::stats::CadreCounts>,
}

#[Object(name = "CadreProgressRow", use_type_description)]
impl<R: RegionType> CadreProgressRow<R> {
    /// The region, when grouped by a region level.
    async fn region(&self) -> Option<&R> {
        self.region.as_ref()
    }
    /// The sex of the cadres, when grouped by SEX.
    async fn sex(&self) -> Option<Sex> {
        sex(self.sex.as_deref())
    }
    /// The cadres (null when suppressed).
    async fn cadres(&self) -> Option<CadreStatistics> {
        self.cadres.map(|c| CadreStatistics::new(c, None))
    }
    /// True when withheld for a small count.
    async fn suppressed(&self) -> bool {
        self.cadres.is_none()
    }
}
