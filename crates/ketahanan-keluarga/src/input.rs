//! Input types and filters of the ketahanan-keluarga API.

use async_graphql::{ID, InputObject};
use keluarga_core::Date;

use crate::framework::Answer;
use crate::kinds::{KrppaStatus, VisitIssue, VisitOutcome};

/// One indicator's answer.
#[derive(Debug, Clone, InputObject)]
pub struct AnswerInput {
    /// The indicator number (1–24 in framework version 1).
    pub indicator: i32,
    /// MET, NOT_MET or NOT_APPLICABLE; for a NUMBER indicator it may be left out (the value
    /// decides), and if given it must agree with the indicator's rule.
    pub answer: Option<Answer>,
    /// The raw value of a NUMBER indicator (meals a day, % of the poverty line, % of children
    /// 7–18 in school).
    pub value: Option<f64>,
}

/// A new assessment of a family, scored on write with the current framework version.
#[derive(Debug, Clone, InputObject)]
pub struct RecordAssessmentInput {
    /// The family (in your scope).
    pub family_id: ID,
    /// The day of the assessment (not in the future).
    pub assessed_on: Date,
    /// The assessor: a person with a current cadre role in your scope.
    pub assessor_id: ID,
    /// One answer per indicator of the framework.
    pub answers: Vec<AnswerInput>,
}

/// A correction of an assessment: the answers again, re-scored with the assessment's own
/// framework version; the previous answers are kept as a revision.
#[derive(Debug, Clone, InputObject)]
pub struct CorrectAssessmentInput {
    /// The assessment.
    pub id: ID,
    /// The version you read (a stale one is CONFLICT).
    pub version: i32,
    /// Why it is corrected.
    pub reason: String,
    /// The day of the assessment.
    pub assessed_on: Date,
    /// Every answer, corrected.
    pub answers: Vec<AnswerInput>,
}

/// A family visit (pendampingan keluarga) by a cadre.
#[derive(Debug, Clone, InputObject)]
pub struct RecordVisitInput {
    /// The family (in your scope).
    pub family_id: ID,
    /// The day of the visit (not in the future).
    pub visited_on: Date,
    /// The visiting cadre: a person with a current cadre role in your scope.
    pub visitor_id: ID,
    /// What the visit found (may be empty).
    #[graphql(default)]
    pub issues: Vec<VisitIssue>,
    /// A note on the issues.
    pub issue_note: Option<String>,
    /// What was done.
    pub action_taken: Option<String>,
    /// The organisation the family was referred to.
    pub referral_organisation_id: Option<ID>,
    /// When to follow up (not before the visit).
    pub follow_up_on: Option<Date>,
}

/// The follow-up of a visit.
#[derive(Debug, Clone, InputObject)]
pub struct FollowUpVisitInput {
    /// The visit.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// The day of the follow-up (not before the visit, not in the future).
    pub followed_up_on: Date,
    /// Where the case stands now.
    pub outcome: VisitOutcome,
    /// A note.
    pub outcome_note: Option<String>,
    /// The next follow-up, if any.
    pub follow_up_on: Option<Date>,
}

/// The status of one KRPPA indicator of a kelurahan/desa in a year.
#[derive(Debug, Clone, InputObject)]
pub struct SetKrppaIndicatorInput {
    /// The kelurahan/desa code (NN.NN.NN.NNNN, in your scope).
    pub region_code: String,
    /// The year.
    pub year: i32,
    /// The indicator (1–10).
    pub indicator: i32,
    /// MET or NOT_MET.
    pub status: KrppaStatus,
    /// The evidence kept (SK, budget line, profile data...).
    pub evidence: Option<String>,
    /// The day it was assessed.
    pub assessed_on: Option<Date>,
}

/// A village designated as a locus (lokus) of a programme for a year.
#[derive(Debug, Clone, InputObject)]
pub struct DesignateLokusInput {
    /// The kelurahan/desa code (in your scope).
    pub region_code: String,
    /// The programme.
    pub programme_id: ID,
    /// The year.
    pub year: i32,
    /// The day of the designation.
    pub designated_on: Option<Date>,
    /// The meeting (activity) whose signed commitments apply to the locus.
    pub activity_id: Option<ID>,
    /// A note.
    pub note: Option<String>,
}

/// A training stage completed by a cadre.
#[derive(Debug, Clone, InputObject)]
pub struct RecordCadreTrainingInput {
    /// The cadre role (in your scope).
    pub cadre_role_id: ID,
    /// The stage (1 = the first pembekalan).
    pub stage: i32,
    /// The day.
    pub trained_on: Date,
    /// The course (`SAFE4C`).
    pub course: Option<String>,
}

/// A new framework version (ADMIN).
#[derive(Debug, Clone, InputObject)]
pub struct PublishFrameworkInput {
    /// The framework as TOML or JSON (the shape of `data/framework-v1.toml`).
    pub definition: String,
}

/// Filter of assessments.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AssessmentFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Assessed on or after.
    pub from: Option<Date>,
    /// Assessed on or before.
    pub to: Option<Date>,
    /// Only this category (`LOW`...).
    pub category: Option<String>,
    /// Only by this assessor.
    pub assessor_id: Option<ID>,
    /// Only assessments that meet this indicator (with `indicatorMet`).
    pub indicator: Option<i32>,
    /// With `indicator`: true for MET, false for NOT_MET.
    pub indicator_met: Option<bool>,
}

/// Filter of family visits.
#[derive(Debug, Clone, Default, InputObject)]
pub struct FamilyVisitFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Visited on or after.
    pub from: Option<Date>,
    /// Visited on or before.
    pub to: Option<Date>,
    /// Only visits that found this issue.
    pub issue: Option<VisitIssue>,
    /// Only visits with this outcome.
    pub outcome: Option<VisitOutcome>,
    /// Only by this visitor.
    pub visitor_id: Option<ID>,
}

/// Filter of KRPPA indicator records.
#[derive(Debug, Clone, Default, InputObject)]
pub struct KrppaFilter {
    /// Only in this region.
    pub region_code: Option<String>,
    /// Only this year.
    pub year: Option<i32>,
    /// Only this status.
    pub status: Option<KrppaStatus>,
}

/// Filter of lokus designations.
#[derive(Debug, Clone, Default, InputObject)]
pub struct LokusFilter {
    /// Only in this region.
    pub region_code: Option<String>,
    /// Only this year.
    pub year: Option<i32>,
    /// Only of this programme.
    pub programme_id: Option<ID>,
}
