//! The stunting domain's input types: what its services take (mutation inputs and list filters).
//! They are plain Rust structs the GraphQL layer exposes as input objects; the services decode ids
//! and validate every field, naming it in errors.

use async_graphql::{ID, InputObject};
use keluarga_core::Date;
use keluarga_core::stats::Sex;

use crate::kinds::*;

/// A posyandu to register.
#[derive(Debug, InputObject)]
pub struct CreatePosyanduInput {
    /// Name (`Posyandu Melati 3`).
    pub name: String,
    /// The desa/kelurahan it belongs to.
    pub region_code: String,
    /// The RWs it serves (`["003", "004"]`), 1–3 digits each.
    #[graphql(default)]
    pub rws: Vec<String>,
    /// Development stratum.
    pub strata: Option<PosyanduStrata>,
}

/// A child under five to register, with the consent for their data: an existing registry person
/// (`personId`) or a new one (`person`, registered in the same transaction), not both.
#[derive(Debug, InputObject)]
pub struct RegisterChildInput {
    /// An existing person (must have a birth date, be under five and in your scope).
    pub person_id: Option<ID>,
    /// A new person to register with the child (its `birthDate` is required).
    pub person: Option<keluarga_core::input::CreatePersonInput>,
    /// The posyandu the child attends.
    pub posyandu_id: Option<ID>,
    /// Who gave consent (name and relationship, e.g. `Siti Rahayu (ibu)`).
    pub consent_given_by: String,
    /// When consent was given (not in the future).
    pub consent_given_on: Date,
    /// How consent was given.
    pub consent_method: ConsentMethod,
}

/// A measurement to record. Z-scores, flags and categories are computed on write.
#[derive(Debug, Clone, InputObject)]
pub struct RecordMeasurementInput {
    /// The child.
    pub child_id: ID,
    /// Day of measurement: not before birth, not in the future, and under 60 months of age.
    pub measured_on: Date,
    /// Weight in kg (0.5–60).
    pub weight_kg: Option<f64>,
    /// Length or height in cm (30–150), as measured.
    pub length_cm: Option<f64>,
    /// How length/height was measured.
    #[graphql(default_with = "MeasurePosition::Unknown")]
    pub position: MeasurePosition,
    /// Bilateral pitting oedema.
    #[graphql(default)]
    pub oedema: bool,
    /// Mid-upper-arm circumference (LiLA) in mm (50–300).
    pub muac_mm: Option<f64>,
    /// The person who measured (a cadre or health worker in your scope).
    pub measured_by_id: Option<ID>,
    /// Where the measurement was taken.
    #[graphql(default_with = "MeasurementSource::PosyanduSession")]
    pub source: MeasurementSource,
    /// The posyandu session it was taken at.
    pub posyandu_id: Option<ID>,
}

/// A correction of a measurement: the new values replace the old ones, which are kept as a revision.
#[derive(Debug, InputObject)]
pub struct CorrectMeasurementInput {
    /// The measurement.
    pub id: ID,
    /// The version the client read; a stale version fails with CONFLICT.
    pub version: i32,
    /// Why it is corrected (`berat salah ketik`).
    pub reason: String,
    /// Day of measurement.
    pub measured_on: Date,
    /// Weight in kg.
    pub weight_kg: Option<f64>,
    /// Length or height in cm.
    pub length_cm: Option<f64>,
    /// How length/height was measured.
    #[graphql(default_with = "MeasurePosition::Unknown")]
    pub position: MeasurePosition,
    /// Bilateral pitting oedema.
    #[graphql(default)]
    pub oedema: bool,
    /// Mid-upper-arm circumference in mm.
    pub muac_mm: Option<f64>,
}

/// One member of a TPK team.
#[derive(Debug, InputObject)]
pub struct TpkMemberInput {
    /// The person.
    pub person_id: ID,
    /// Their place in the team.
    pub role: TpkRole,
}

/// A Tim Pendamping Keluarga: a bidan, a kader PKK and a kader KB in one village.
#[derive(Debug, InputObject)]
pub struct CreateTpkTeamInput {
    /// Team name (`TPK Kebon Kacang 1`).
    pub name: String,
    /// The desa/kelurahan it serves.
    pub region_code: String,
    /// When it was formed.
    pub formed_on: Option<Date>,
    /// Exactly three members: one BIDAN, one KADER_PKK, one KADER_KB.
    pub members: Vec<TpkMemberInput>,
}

/// A pendampingan (family assistance) visit by a TPK team.
#[derive(Debug, InputObject)]
pub struct RecordPendampinganInput {
    /// The team.
    pub team_id: ID,
    /// Day of the visit (not in the future).
    pub visited_on: Date,
    /// Who the visit was for.
    pub target_type: PendampinganTarget,
    /// The person visited, if registered.
    pub target_person_id: Option<ID>,
    /// What was done (penyuluhan, fasilitasi rujukan, bantuan sosial, surveilans).
    pub activity: String,
    /// Where the person was referred, if anywhere (`Puskesmas Tanah Abang`).
    pub referral: Option<String>,
}

/// A KPM (Kader Pembangunan Manusia) assignment: a KPM cadre role in a village or district.
#[derive(Debug, InputObject)]
pub struct AssignKpmInput {
    /// The person.
    pub person_id: ID,
    /// A desa/kelurahan, or a kecamatan (as in Jakarta Pusat).
    pub region_code: String,
    /// First day (not in the future).
    pub started_on: Date,
    /// Last day, if known.
    pub ended_on: Option<Date>,
}

/// The state of one of the 8 convergence actions of a regency/city for a year (created or replaced).
#[derive(Debug, InputObject)]
pub struct SetConvergenceActionInput {
    /// The kabupaten/kota.
    pub region_code: String,
    /// The year (2018 onwards, not after next year).
    pub year: i32,
    /// Which aksi.
    pub aksi: ConvergenceAksi,
    /// Its state.
    pub status: ActionStatus,
    /// The day it was done (required when DONE, not in the future).
    pub done_on: Option<Date>,
    /// A reference to the evidence (document number, URL on aksi.bangda.kemendagri.go.id).
    pub evidence: Option<String>,
    /// The annual assessment score, 0–100.
    pub score: Option<f64>,
}

/// A foster parent (orang tua asuh, BAAS): an organisation sponsoring stunted children in a village.
#[derive(Debug, InputObject)]
pub struct CreateFosterParentInput {
    /// The sponsoring organisation.
    pub organisation_id: ID,
    /// The desa/kelurahan supported.
    pub region_code: String,
    /// First day of support.
    pub started_on: Date,
    /// Last day, if known.
    pub ended_on: Option<Date>,
    /// What is given.
    pub support: FosterSupport,
    /// Free note.
    pub note: Option<String>,
    /// Named children supported (in your scope).
    #[graphql(default)]
    pub child_ids: Vec<ID>,
}

/// Filters of the children list.
#[derive(Debug, Default, InputObject)]
pub struct ChildFilter {
    /// Only children in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only children of this posyandu.
    pub posyandu_id: Option<ID>,
    /// Only this sex.
    pub sex: Option<Sex>,
    /// Only children at least this old today, in completed months.
    pub min_age_months: Option<i32>,
    /// Only children at most this old today, in completed months.
    pub max_age_months: Option<i32>,
    /// Only children whose latest measurement has this length/height-for-age category.
    pub latest_height_for_age: Option<HeightForAgeCategory>,
}

/// Filters of the measurement list.
#[derive(Debug, Default, InputObject)]
pub struct MeasurementFilter {
    /// Only measurements in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only this child's.
    pub child_id: Option<ID>,
    /// Only those taken at this posyandu.
    pub posyandu_id: Option<ID>,
    /// From this day.
    pub from: Option<Date>,
    /// Up to this day.
    pub to: Option<Date>,
    /// Only those with this length/height-for-age category.
    pub height_for_age: Option<HeightForAgeCategory>,
    /// Only children of this sex.
    pub sex: Option<Sex>,
    /// Only measurements taken at this age or older, in completed months (0–59).
    pub min_age_months: Option<i32>,
    /// Only measurements taken at this age or younger, in completed months (0–59).
    pub max_age_months: Option<i32>,
    /// Only measurements with (true) or without (false) any WHO implausibility flag.
    pub flagged: Option<bool>,
}

/// Filters of region-bound lists (posyandu, TPK teams).
#[derive(Debug, Default, InputObject)]
pub struct PlaceFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
}

/// Filters of the foster-parent list.
#[derive(Debug, Default, InputObject)]
pub struct FosterParentFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only those active on this day (started on or before it, not ended before it).
    pub active_on: Option<Date>,
}

/// Filters of the pendampingan (visit) list.
#[derive(Debug, Default, InputObject)]
pub struct VisitFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Visits on or after this day.
    pub from: Option<Date>,
    /// Visits on or before this day.
    pub to: Option<Date>,
}
