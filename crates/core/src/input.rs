//! Core's input types: what the registry services and stores take (mutation inputs and list
//! filters). Plain Rust structs the GraphQL layer exposes as input objects.

use crate::date::Date;
use async_graphql::{ID, InputObject};

use crate::kinds::{
    ActivityKind, CadreRoleKind, OrganisationKind, OrganiserRole, ParticipantGroup,
    ProgrammeDomain, Relationship,
};
use crate::pagination::SortDirection;
use crate::stats::Sex;

/// A new organisation.
#[derive(Debug, InputObject)]
pub struct CreateOrganisationInput {
    /// Full name.
    pub name: String,
    /// Usual abbreviation.
    pub acronym: Option<String>,
    /// What kind of body it is.
    pub kind: OrganisationKind,
    /// The region it works in (any level).
    pub region_code: String,
    /// The parent body, if any.
    pub parent_id: Option<ID>,
}

/// Changes to an organisation; fields left out stay as they are.
#[derive(Debug, InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation.
    pub id: ID,
    /// The version the client read; the update fails with CONFLICT if it changed since.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New abbreviation.
    pub acronym: Option<String>,
    /// New kind.
    pub kind: Option<OrganisationKind>,
}

/// A programme target.
#[derive(Debug, InputObject)]
pub struct ProgrammeTargetInput {
    /// What is counted.
    pub measure: String,
    /// The number to reach (not negative).
    pub target_value: i32,
    /// When it should be reached.
    pub due_on: Option<Date>,
    /// The latest achievement (not negative).
    pub achieved_value: Option<i32>,
    /// When the achievement was recorded.
    pub achieved_as_of: Option<Date>,
}

/// A new programme.
#[derive(Debug, InputObject)]
pub struct CreateProgrammeInput {
    /// Name.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Its domain.
    pub domain: ProgrammeDomain,
    /// The owning organisation.
    pub owner_id: Option<ID>,
    /// The region it runs in.
    pub region_code: String,
    /// Launch date (not in the future).
    pub launched_on: Option<Date>,
    /// Targets.
    #[graphql(default)]
    pub targets: Vec<ProgrammeTargetInput>,
}

/// An organisation's part in a new activity.
#[derive(Debug, InputObject)]
pub struct OrganiserInput {
    /// The organisation.
    pub organisation_id: ID,
    /// Its part.
    #[graphql(default_with = "OrganiserRole::Organiser")]
    pub role: OrganiserRole,
}

/// A participant count of a new activity.
#[derive(Debug, InputObject)]
pub struct ParticipantCountInput {
    /// The group counted.
    pub group: ParticipantGroup,
    /// Sex, when the count is split by sex.
    pub sex: Option<Sex>,
    /// How many (not negative).
    pub count: i32,
    /// A note.
    pub note: Option<String>,
}

/// A named participant of a new activity.
#[derive(Debug, InputObject)]
pub struct ParticipantInput {
    /// The person.
    pub person_id: ID,
    /// The group they take part as.
    pub group: ParticipantGroup,
}

/// A commitment signed at a new activity.
#[derive(Debug, InputObject)]
pub struct CommitmentInput {
    /// Who signed.
    pub signatory_name: String,
    /// Their office.
    pub signatory_title: Option<String>,
    /// The organisation they signed for.
    pub organisation_id: Option<ID>,
    /// What was committed to.
    pub statement: Option<String>,
}

/// A new activity with its organisers, participants and commitments.
#[derive(Debug, InputObject)]
pub struct CreateActivityInput {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// The day it took place (not before its programme's launch).
    pub held_on: Date,
    /// Venue.
    pub venue: Option<String>,
    /// The region it took place in or was for.
    pub region_code: String,
    /// The programme it belongs to.
    pub programme_id: Option<ID>,
    /// Stage of a staged training (1 or more).
    pub stage: Option<i32>,
    /// Total participants; when given with counts, the counts must add up to it.
    pub total_participants: Option<i32>,
    /// Notes.
    pub description: Option<String>,
    /// Organisers.
    #[graphql(default)]
    pub organisers: Vec<OrganiserInput>,
    /// Participant counts by group and sex.
    #[graphql(default)]
    pub participant_counts: Vec<ParticipantCountInput>,
    /// Named participants.
    #[graphql(default)]
    pub participants: Vec<ParticipantInput>,
    /// Commitments signed.
    #[graphql(default)]
    pub commitments: Vec<CommitmentInput>,
}

/// A new household.
#[derive(Debug, InputObject)]
pub struct CreateHouseholdInput {
    /// Its desa/kelurahan (a village-level code).
    pub region_code: String,
    /// RW number (1–3 digits).
    pub rw: Option<String>,
    /// RT number (1–3 digits).
    pub rt: Option<String>,
    /// Dasawisma group.
    pub dasawisma: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Registration day (default today; not in the future).
    pub registered_on: Option<Date>,
}

/// A member of a new family.
#[derive(Debug, InputObject)]
pub struct FamilyMemberInput {
    /// The person.
    pub person_id: ID,
    /// Relationship to the head.
    pub relationship: Relationship,
}

/// A new family (one Kartu Keluarga).
#[derive(Debug, InputObject)]
pub struct CreateFamilyInput {
    /// The household it lives in.
    pub household_id: Option<ID>,
    /// Its desa/kelurahan (a village-level code).
    pub region_code: String,
    /// The 16-digit KK number: stored only as a keyed hash and its last four digits.
    pub kk_number: Option<String>,
    /// Registration day (default today; not in the future).
    pub registered_on: Option<Date>,
    /// Members; at most one HEAD.
    #[graphql(default)]
    pub members: Vec<FamilyMemberInput>,
}

/// A new person.
#[derive(Debug, InputObject)]
pub struct CreatePersonInput {
    /// Full name.
    pub full_name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date (not in the future).
    pub birth_date: Option<Date>,
    /// Desa/kelurahan of domicile (a village-level code).
    pub region_code: String,
    /// RW number (1–3 digits).
    pub rw: Option<String>,
    /// RT number (1–3 digits).
    pub rt: Option<String>,
    /// Dasawisma group.
    pub dasawisma: Option<String>,
    /// The 16-digit NIK: stored only as a keyed hash and its last four digits, never returned.
    pub nik: Option<String>,
    /// Registration day (default today; not in the future).
    pub registered_on: Option<Date>,
}

/// Changes to a person; fields left out stay as they are.
#[derive(Debug, InputObject)]
pub struct UpdatePersonInput {
    /// The person.
    pub id: ID,
    /// The version the client read.
    pub version: i32,
    /// New full name.
    pub full_name: Option<String>,
    /// New desa/kelurahan of domicile.
    pub region_code: Option<String>,
    /// New RW.
    pub rw: Option<String>,
    /// New RT.
    pub rt: Option<String>,
    /// New dasawisma.
    pub dasawisma: Option<String>,
}

/// A new family membership.
#[derive(Debug, InputObject)]
pub struct AddFamilyMemberInput {
    /// The family.
    pub family_id: ID,
    /// The person.
    pub person_id: ID,
    /// Relationship to the head.
    pub relationship: Relationship,
}

/// A cadre role to give a person.
#[derive(Debug, InputObject)]
pub struct AssignCadreRoleInput {
    /// The person.
    pub person_id: ID,
    /// The role.
    pub role: CadreRoleKind,
    /// Where they serve: a village, or a district (kecamatan-level KPM).
    pub region_code: String,
    /// The programme the role is taken up under.
    pub programme_id: Option<ID>,
    /// First day in the role (not in the future).
    pub started_on: Date,
    /// Last day, if already known (not before the first).
    pub ended_on: Option<Date>,
}

/// Ends a cadre role.
#[derive(Debug, InputObject)]
pub struct EndCadreRoleInput {
    /// The cadre role.
    pub id: ID,
    /// The version the client read.
    pub version: i32,
    /// Last day in the role (not before the first).
    pub ended_on: Date,
}

/// Filter of organisation lists.
#[derive(Debug, Default, InputObject)]
pub struct OrganisationFilter {
    /// Only inside this region.
    pub region_code: Option<String>,
    /// Only of this kind.
    pub kind: Option<OrganisationKind>,
    /// Case-insensitive part of the name.
    pub search: Option<String>,
}

/// Filter of programme lists.
#[derive(Debug, Default, InputObject)]
pub struct ProgrammeFilter {
    /// Only inside this region.
    pub region_code: Option<String>,
    /// Only of this domain.
    pub domain: Option<ProgrammeDomain>,
    /// Case-insensitive part of the name.
    pub search: Option<String>,
}

/// Filter of activity lists.
#[derive(Debug, Default, InputObject)]
pub struct ActivityFilter {
    /// Only inside this region.
    pub region_code: Option<String>,
    /// Only of this kind.
    pub kind: Option<ActivityKind>,
    /// Only of this programme.
    pub programme_id: Option<ID>,
    /// Held on or after.
    pub from: Option<Date>,
    /// Held on or before.
    pub to: Option<Date>,
}

/// Filter of person lists.
#[derive(Debug, Default, InputObject)]
pub struct PersonFilter {
    /// Only inside this region.
    pub region_code: Option<String>,
    /// Only of this sex.
    pub sex: Option<Sex>,
    /// Only persons holding this cadre role (at any time).
    pub cadre_role: Option<CadreRoleKind>,
    /// Case-insensitive part of the name (roles with record access only).
    pub search: Option<String>,
}

/// Filter of family and household lists.
#[derive(Debug, Default, InputObject)]
pub struct RegistryFilter {
    /// Only inside this region.
    pub region_code: Option<String>,
    /// Registered on or after.
    pub registered_from: Option<Date>,
    /// Registered on or before.
    pub registered_to: Option<Date>,
}

/// Filter of cadre-role lists.
#[derive(Debug, Default, InputObject)]
pub struct CadreRoleFilter {
    /// Only serving inside this region.
    pub region_code: Option<String>,
    /// Only this role.
    pub role: Option<CadreRoleKind>,
    /// Only roles active on this day.
    pub active_on: Option<Date>,
    /// Only roles taken up under this programme.
    pub programme_id: Option<ID>,
}

/// Sort fields of lists of named things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, async_graphql::Enum)]
pub enum NameOrderField {
    /// By name.
    #[default]
    Name,
    /// By creation (ids are time-ordered UUIDv7).
    Created,
}

/// Ordering of organisation and programme lists.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct NameOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: NameOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Sort fields of activity lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, async_graphql::Enum)]
pub enum ActivityOrderField {
    /// By day held.
    #[default]
    HeldOn,
    /// By title.
    Title,
}

/// Ordering of activity lists.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct ActivityOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: ActivityOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Sort fields of person, family and household lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, async_graphql::Enum)]
pub enum RecordOrderField {
    /// By registration day.
    RegisteredOn,
    /// By creation.
    #[default]
    Created,
}

/// Ordering of record lists.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct RecordOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: RecordOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filters of the audit log (ADMIN).
#[derive(Debug, Default, InputObject)]
pub struct AuditFilter {
    /// Only entries naming this record: its global id (`Child:...` encoded) or its UUID.
    pub record_id: Option<ID>,
    /// Only entries of this table (`child`, `measurement`, `person`...).
    pub entity: Option<String>,
    /// Only entries of this actor (the token's `sub`, or `apikey:<id>`).
    pub subject: Option<String>,
    /// Only this action: `READ`, `CREATE`, `UPDATE` or `IMPORT`.
    pub action: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Up to this instant (inclusive).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}
