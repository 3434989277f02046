//! Input types and filters of the ekonomi-keluarga API.

use async_graphql::{ID, InputObject};
use keluarga_core::Date;
use keluarga_core::Rupiah;

use crate::kinds::*;

/// A family registered as PEKKA (perempuan kepala keluarga).
#[derive(Debug, Clone, InputObject)]
pub struct RegisterPekkaInput {
    /// The family (in your scope); its head must be recorded as a woman.
    pub family_id: ID,
    /// Why she heads the family.
    pub category: PekkaCategory,
    /// Where the record comes from (`DP3AKB Kota Mojokerto`, `Serikat PEKKA`): definitions differ
    /// between sources, so it is kept.
    pub source: String,
    /// The day of the record (not in the future).
    pub recorded_on: Date,
    /// A note.
    pub note: Option<String>,
}

/// The end of a family's PEKKA status (the record stays, as history).
#[derive(Debug, Clone, InputObject)]
pub struct EndPekkaInput {
    /// The PEKKA record.
    pub id: ID,
    /// The version you read (a stale one is CONFLICT).
    pub version: i32,
    /// The last day of the status (not before the record, not in the future).
    pub ended_on: Date,
    /// Why it ended (remarried, the husband returned...).
    pub reason: String,
}

/// A family's welfare decile from one source.
#[derive(Debug, Clone, InputObject)]
pub struct RecordWelfareRankingInput {
    /// The family (in your scope).
    pub family_id: ID,
    /// The source of the ranking.
    pub source: WelfareSource,
    /// The decile, 1 (poorest tenth) to 10.
    pub decile: i32,
    /// The day the ranking holds for (not in the future).
    pub as_of: Date,
}

/// A new UP2K group (under TP PKK Pokja II).
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "CreateUp2kGroupInput")]
pub struct CreateUp2kGroupInput {
    /// The group's name.
    pub name: String,
    /// Its desa/kelurahan (NN.NN.NN.NNNN, in your scope).
    pub region_code: String,
    /// Its RW, if it belongs to one.
    pub rw: Option<String>,
    /// Its RT, if it belongs to one.
    pub rt: Option<String>,
    /// What it makes or sells.
    pub business_type: BusinessType,
    /// Its maturity class.
    pub level: Up2kLevel,
    /// The day it was formed (not in the future).
    pub formed_on: Date,
    /// The organisation it belongs to (the TP PKK of its region).
    pub organisation_id: Option<ID>,
    /// The programme it is part of.
    pub programme_id: Option<ID>,
}

/// Changes to a UP2K group; fields left out stay as they are.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "UpdateUp2kGroupInput")]
pub struct UpdateUp2kGroupInput {
    /// The group.
    pub id: ID,
    /// The version you read (a stale one is CONFLICT).
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new RW.
    pub rw: Option<String>,
    /// A new RT.
    pub rt: Option<String>,
    /// A new business type.
    pub business_type: Option<BusinessType>,
    /// A new maturity class (a group that grew from Pemula to Madya).
    pub level: Option<Up2kLevel>,
}

/// A person joining a UP2K group.
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "AddUp2kMemberInput")]
pub struct AddUp2kMemberInput {
    /// The group (in your scope).
    pub group_id: ID,
    /// The person (in your scope and living in the group's kabupaten/kota); not already a
    /// current member of the group.
    pub person_id: ID,
    /// Member or officer.
    #[graphql(default_with = "Up2kRole::Member")]
    pub role: Up2kRole,
    /// The day they joined (not before the group was formed, not in the future).
    pub joined_on: Date,
}

/// A change to a membership: a new role, or the day the member left (kept as history).
#[derive(Debug, Clone, InputObject)]
#[graphql(name = "UpdateUp2kMemberInput")]
pub struct UpdateUp2kMemberInput {
    /// The membership.
    pub id: ID,
    /// The version you read (a stale one is CONFLICT).
    pub version: i32,
    /// A new role.
    pub role: Option<Up2kRole>,
    /// The day the member left (not before they joined, not in the future).
    pub left_on: Option<Date>,
}

/// Assistance given to a UP2K group or to one member.
#[derive(Debug, Clone, InputObject)]
pub struct RecordAssistanceInput {
    /// The group that received it (or whose member did).
    pub group_id: ID,
    /// The member who received it; the group when left out.
    pub member_id: Option<ID>,
    /// The organisation that gave it (Dinas Koperasi, UKM, Perindustrian dan Perdagangan...).
    pub provider_id: ID,
    /// What kind of assistance.
    pub kind: AssistanceKind,
    /// Its value in whole rupiah (0 for training without a money value; never negative).
    pub amount: Rupiah,
    /// The day it was given (not in the future).
    pub given_on: Date,
    /// The programme it belongs to.
    pub programme_id: Option<ID>,
    /// A note.
    pub note: Option<String>,
}

/// A month's revenue and profit of a group or of one member's business.
#[derive(Debug, Clone, InputObject)]
pub struct RecordIncomeReportInput {
    /// The group.
    pub group_id: ID,
    /// The member whose business it is; the group's when left out.
    pub member_id: Option<ID>,
    /// The month (`2026-08`); it must have ended.
    pub month: String,
    /// Revenue (omzet) in whole rupiah, not negative.
    pub revenue: Rupiah,
    /// Profit in whole rupiah (negative for a loss).
    pub profit: Rupiah,
}

/// Filter of PEKKA records.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PekkaFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only this category.
    pub category: Option<PekkaCategory>,
    /// Only records whose status holds on this day (recorded by then, not ended before).
    pub active_on: Option<Date>,
    /// Only from this source (exact).
    pub source: Option<String>,
}

/// Filter of welfare rankings.
#[derive(Debug, Clone, Default, InputObject)]
pub struct WelfareRankingFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only from this source.
    pub source: Option<WelfareSource>,
    /// Only deciles at most this (5 for Mojokerto's "desil 1–5").
    pub max_decile: Option<i32>,
    /// Only as of this day or later.
    pub from: Option<Date>,
    /// Only as of this day or earlier.
    pub to: Option<Date>,
}

/// Filter of UP2K groups.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "Up2kGroupFilter")]
pub struct Up2kGroupFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only of this maturity class.
    pub level: Option<Up2kLevel>,
    /// Only of this business type.
    pub business_type: Option<BusinessType>,
    /// Case-insensitive part of the name.
    pub search: Option<String>,
}

/// Filter of UP2K memberships.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "Up2kMemberFilter")]
pub struct Up2kMemberFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only of this group.
    pub group_id: Option<ID>,
    /// Only memberships current on this day.
    pub active_on: Option<Date>,
    /// Only with this role.
    pub role: Option<Up2kRole>,
}

/// Filter of assistance.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AssistanceFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only to this group (or its members).
    pub group_id: Option<ID>,
    /// Only from this organisation.
    pub provider_id: Option<ID>,
    /// Only of this kind.
    pub kind: Option<AssistanceKind>,
    /// Given on or after.
    pub from: Option<Date>,
    /// Given on or before.
    pub to: Option<Date>,
}

/// Filter of income reports.
#[derive(Debug, Clone, Default, InputObject)]
pub struct IncomeReportFilter {
    /// Only in this region (narrowed to your scope).
    pub region_code: Option<String>,
    /// Only of this group (and its members).
    pub group_id: Option<ID>,
    /// Only of this member.
    pub member_id: Option<ID>,
    /// From this month (`2026-01`).
    pub from: Option<String>,
    /// To this month (`2026-06`).
    pub to: Option<String>,
}
