//! Input types and filters of the gender-mainstreaming API.

use async_graphql::{ID, InputObject};
use keluarga_core::Date;

use crate::kinds::*;

/// A new strategic post.
#[derive(Debug, Clone, InputObject)]
pub struct CreateStrategicPostInput {
    /// The organisation the post belongs to (Pemkot, a dinas, the DPRD).
    pub organisation_id: ID,
    /// The post's title (`Kepala Dinas Kesehatan`).
    pub title: String,
    /// What kind of post it is.
    pub kind: PostKind,
    /// Its echelon; none for elected posts.
    pub echelon: Option<Echelon>,
    /// The region it serves (in your scope, inside the organisation's region); the
    /// organisation's region by default. A camat's post serves its kecamatan.
    pub region_code: Option<String>,
    /// The day the post was established (not in the future; 2000-01-01 by default, for posts
    /// older than the records).
    pub established_on: Option<Date>,
}

/// An appointment of a person to a post.
#[derive(Debug, Clone, InputObject)]
pub struct AppointToPostInput {
    /// The post (in your scope).
    pub post_id: ID,
    /// The post's version you read (a stale one is CONFLICT): appointments and vacancies of one
    /// post are serialised by it.
    pub version: i32,
    /// The person appointed: registered in the post's regency or city (or its province, for a
    /// provincial post).
    pub person_id: ID,
    /// The first day in office (not in the future, not before the post was established, and
    /// the post must be vacant from that day).
    pub started_on: Date,
    /// The decree (SK) number.
    pub decree: Option<String>,
}

/// The end of the current holding of a post.
#[derive(Debug, Clone, InputObject)]
pub struct VacatePostInput {
    /// The post (in your scope), which must be held.
    pub post_id: ID,
    /// The post's version you read (a stale one is CONFLICT).
    pub version: i32,
    /// The day the holder left (after the appointment, not in the future): from that day the
    /// post is vacant.
    pub ended_on: Date,
    /// Why (retired, transferred, term ended).
    pub reason: Option<String>,
}

/// An award given to a region.
#[derive(Debug, Clone, InputObject)]
pub struct RecordAwardInput {
    /// The region awarded (a province, regency or city in your scope).
    pub region_code: String,
    /// The award.
    #[graphql(name = "type")]
    pub award_type: AwardType,
    /// Its level, one of the levels of `type`.
    pub level: AwardLevel,
    /// The award's year (`APE 2020`).
    pub year: i32,
    /// The day it was given (not in the future): the women's share of the region's strategic
    /// posts on that day is computed and kept with the award.
    pub awarded_on: Date,
    /// A note (source, evaluation remarks).
    pub note: Option<String>,
}

/// The status of one PUG prerequisite in a region for a year (created, or updated in place).
#[derive(Debug, Clone, InputObject)]
pub struct SetPugPrerequisiteInput {
    /// The region (in your scope).
    pub region_code: String,
    /// The year.
    pub year: i32,
    /// Which prerequisite.
    pub prerequisite: Prerequisite,
    /// Its status.
    pub status: PrerequisiteStatus,
    /// The evidence (the regulation, the Pokja decree, the data system).
    pub evidence: Option<String>,
    /// The version you read, when it is already recorded (required then; a stale one is
    /// CONFLICT); leave it out for a new one.
    pub version: Option<i32>,
}

/// A PUG advocacy target (created, or updated in place).
#[derive(Debug, Clone, InputObject)]
pub struct SetAdvocacyTargetInput {
    /// The region (in your scope) whose audience is to be reached.
    pub region_code: String,
    /// Who is to be reached.
    pub audience: Audience,
    /// The first year of the target.
    pub from_year: i32,
    /// The last year (at least `fromYear`, at most 10 years later).
    pub to_year: i32,
    /// How many are to be reached; by default every one the registry knows of in the region
    /// (its women's organisations, villages, or the RTs/RWs its residents live in).
    pub target_count: Option<i32>,
    /// The programme the advocacy belongs to.
    pub programme_id: Option<ID>,
    /// A note.
    pub note: Option<String>,
    /// The version you read, when the target (region, audience, first year) is already
    /// recorded (required then; a stale one is CONFLICT); leave it out for a new one.
    pub version: Option<i32>,
}

/// A gender analysis (Gender Analysis Pathway) of a programme: the gaps found and the actions
/// planned (PPRG).
#[derive(Debug, Clone, InputObject)]
pub struct RecordGenderAnalysisInput {
    /// The programme analysed (in your scope).
    pub programme_id: ID,
    /// The year of the analysis (the budget year it plans for).
    pub year: i32,
    /// Step 2: the sex-disaggregated data the analysis rests on.
    pub data_pilah: Option<String>,
    /// Step 3: the gap in access (akses).
    pub access_gap: Option<String>,
    /// Step 3: the gap in participation (partisipasi).
    pub participation_gap: Option<String>,
    /// Step 3: the gap in control (kontrol).
    pub control_gap: Option<String>,
    /// Step 3: the gap in benefit (manfaat).
    pub benefit_gap: Option<String>,
    /// Step 4: causes inside the institution.
    pub internal_causes: Option<String>,
    /// Step 5: causes outside it.
    pub external_causes: Option<String>,
    /// Step 6: the reformulated objective.
    pub objective: Option<String>,
    /// Step 7: the actions planned (at least one).
    pub actions: Vec<String>,
    /// Step 8: the baseline.
    pub baseline: Option<String>,
    /// Step 9: the gender indicators.
    #[graphql(default)]
    pub indicators: Vec<String>,
}

/// Which strategic posts to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct StrategicPostFilter {
    /// Only posts in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only posts of this kind.
    pub kind: Option<PostKind>,
    /// Only posts of this echelon.
    pub echelon: Option<Echelon>,
    /// Only posts of this organisation.
    pub organisation_id: Option<ID>,
    /// The day `vacantOnly` and `heldBy` look at (today by default); only posts existing then.
    pub on: Option<Date>,
    /// Only posts vacant on `on`.
    #[graphql(default)]
    pub vacant_only: bool,
    /// Only posts this person holds on `on`.
    pub held_by: Option<ID>,
}

/// Which awards to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AwardFilter {
    /// Only awards of regions in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only awards of this type.
    #[graphql(name = "type")]
    pub award_type: Option<AwardType>,
    /// Only awards of this year.
    pub year: Option<i32>,
}

/// Which prerequisite statuses to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PugPrerequisiteFilter {
    /// Only regions in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only this year.
    pub year: Option<i32>,
    /// Only this status.
    pub status: Option<PrerequisiteStatus>,
}

/// Which advocacy targets to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AdvocacyTargetFilter {
    /// Only targets of regions in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only this audience.
    pub audience: Option<Audience>,
    /// Only targets that run in this year.
    pub active_in: Option<i32>,
}

/// Which gender analyses to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct GenderAnalysisFilter {
    /// Only analyses of programmes in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only analyses of this programme.
    pub programme_id: Option<ID>,
    /// Only this year.
    pub year: Option<i32>,
}
