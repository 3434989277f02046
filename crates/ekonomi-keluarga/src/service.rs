//! Use cases of the ekonomi-keluarga domain: authorisation, validation, one transaction per
//! write. Every mutation checks all of its input before it writes anything.

use chrono::NaiveDate;
use keluarga_core::entity::family;
use keluarga_core::error::{Error, Result};
use keluarga_core::id::decode_uuid;
use keluarga_core::records::audit_write;
use keluarga_core::region_code::{RegionLevel, level_of};
use keluarga_core::service::{
    bump, in_scope_row, not_future, optional_text, organisation_ref, programme_ref, required_text,
    rt_rw, stamp,
};
use keluarga_core::store::begin_write;
use keluarga_core::{Actor, AppContext};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::input::*;
use crate::kinds::*;

pub use keluarga_core::service::family_in_scope;

pub use crate::store::{current_on, decile, month};
pub use keluarga_core::store::head_of;

/// Registers a family as PEKKA: its head must be recorded as a woman, and the family must not
/// hold a current PEKKA status already.
pub async fn register_pekka(
    app: &AppContext,
    actor: &Actor,
    input: RegisterPekkaInput,
) -> Result<pekka::Model> {
    actor.require_registry_writer("register PEKKA families")?;
    not_future(
        app.clock.today(),
        input.recorded_on.into(),
        "input.recordedOn",
    )?;
    let source = required_text(&input.source, "input.source")?;
    let note = optional_text(input.note.as_deref(), "input.note")?;
    let txn = begin_write(&app.db).await?;
    let fam = family_in_scope(&txn, actor, &input.family_id, "input.familyId").await?;
    let head = head_of(&txn, fam.id)
        .await?
        .ok_or_else(|| Error::bad("input.familyId", "the family has no recorded head"))?;
    if head.sex != "P" {
        return Err(Error::bad(
            "input.familyId",
            "the family's head is recorded as male: a PEKKA family is headed by a woman",
        ));
    }
    let current = crate::store::current_pekka(&txn, fam.id).await?;
    if current.is_some() {
        return Err(Error::Conflict(
            "the family already holds a current PEKKA status; end it first".into(),
        ));
    }
    let now = stamp();
    let model = pekka::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(fam.id),
        region_code: Set(fam.region_code.clone()),
        head_person_id: Set(head.id),
        category: Set(input.category.as_str().to_owned()),
        source: Set(source),
        recorded_on: Set(input.recorded_on.into()),
        ended_on: Set(None),
        end_reason: Set(None),
        note: Set(note),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_write::<pekka::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    crate::facts::refresh(&txn, &[fam.id]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Ends a PEKKA status (the record stays as history).
pub async fn end_pekka(
    app: &AppContext,
    actor: &Actor,
    input: EndPekkaInput,
) -> Result<pekka::Model> {
    actor.require_registry_writer("end PEKKA status")?;
    let id = decode_uuid(&input.id, "Pekka", "input.id")?;
    not_future(app.clock.today(), input.ended_on.into(), "input.endedOn")?;
    let reason = required_text(&input.reason, "input.reason")?;
    let txn = begin_write(&app.db).await?;
    let current = in_scope_row::<_, pekka::Entity>(
        &txn,
        actor,
        id,
        pekka::Column::RegionCode,
        "PEKKA record",
    )
    .await?;
    if current.ended_on.is_some() {
        return Err(Error::bad(
            "input.id",
            "this PEKKA status has already ended",
        ));
    }
    if input.ended_on < current.recorded_on {
        return Err(Error::bad("input.endedOn", "must not be before the record"));
    }
    let am = pekka::ActiveModel {
        ended_on: Set(Some(input.ended_on.into())),
        end_reason: Set(Some(reason)),
        updated_at: Set(stamp()),
        ..Default::default()
    };
    let updated = bump::<_, pekka::Entity, _>(&txn, am, id, input.version).await?;
    audit_write::<pekka::Entity, _>(&txn, actor, "UPDATE", [id]).await?;
    crate::facts::refresh(&txn, &[current.family_id]).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The welfare ranking row of a family (checked values).
pub fn ranking_row(
    actor: &Actor,
    fam: &family::Model,
    source: WelfareSource,
    decile: i32,
    as_of: NaiveDate,
) -> welfare_ranking::ActiveModel {
    let now = stamp();
    welfare_ranking::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(fam.id),
        region_code: Set(fam.region_code.clone()),
        source: Set(source.as_str().to_owned()),
        decile: Set(decile),
        as_of: Set(as_of),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Records a family's welfare decile from one source as of a day (one per family, source and
/// day: CONFLICT on a second).
pub async fn record_welfare_ranking(
    app: &AppContext,
    actor: &Actor,
    input: RecordWelfareRankingInput,
) -> Result<welfare_ranking::Model> {
    actor.require_registry_writer("record welfare rankings")?;
    let d = decile(input.decile, "input.decile")?;
    not_future(app.clock.today(), input.as_of.into(), "input.asOf")?;
    let txn = begin_write(&app.db).await?;
    let fam = family_in_scope(&txn, actor, &input.family_id, "input.familyId").await?;
    let model = ranking_row(actor, &fam, input.source, d, input.as_of.into())
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Error::Conflict(
                "the family already has a ranking from this source as of that day".into(),
            ),
            _ => e.into(),
        })?;
    audit_write::<welfare_ranking::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    crate::facts::refresh(&txn, &[fam.id]).await?;
    txn.commit().await?;
    Ok(model)
}

fn village(actor: &Actor, code: &str, field: &str) -> Result<()> {
    if level_of(code) != RegionLevel::Village {
        return Err(Error::bad(
            field,
            "must be a desa/kelurahan code (NN.NN.NN.NNNN)",
        ));
    }
    actor.require_write_in(code, field)
}

/// Creates a UP2K group in a village of the actor's scope.
pub async fn create_group(
    app: &AppContext,
    actor: &Actor,
    input: CreateUp2kGroupInput,
) -> Result<up2k_group::Model> {
    village(actor, &input.region_code, "input.regionCode")?;
    let name = required_text(&input.name, "input.name")?;
    let rw = rt_rw(input.rw.as_deref(), "input.rw")?;
    let rt = rt_rw(input.rt.as_deref(), "input.rt")?;
    not_future(app.clock.today(), input.formed_on.into(), "input.formedOn")?;
    let txn = begin_write(&app.db).await?;
    keluarga_core::store::require_region(
        &txn,
        &input.region_code,
        &[RegionLevel::Village],
        "input.regionCode",
    )
    .await?;
    let organisation_id = match &input.organisation_id {
        Some(o) => Some(organisation_ref(&txn, o, "input.organisationId").await?),
        None => None,
    };
    let programme_id = match &input.programme_id {
        Some(p) => Some(programme_ref(&txn, p, "input.programmeId").await?.id),
        None => None,
    };
    let now = stamp();
    let model = up2k_group::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        region_code: Set(input.region_code.clone()),
        rw: Set(rw),
        rt: Set(rt),
        business_type: Set(input.business_type.as_str().to_owned()),
        level: Set(input.level.as_str().to_owned()),
        formed_on: Set(input.formed_on.into()),
        organisation_id: Set(organisation_id),
        programme_id: Set(programme_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

async fn group_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<up2k_group::Model> {
    let id = decode_uuid(id, "Up2kGroup", field)?;
    in_scope_row::<_, up2k_group::Entity>(
        db,
        actor,
        id,
        up2k_group::Column::RegionCode,
        "UP2K group",
    )
    .await
}

/// Updates a UP2K group (name, RW/RT, business type, level).
pub async fn update_group(
    app: &AppContext,
    actor: &Actor,
    input: UpdateUp2kGroupInput,
) -> Result<up2k_group::Model> {
    actor.require_registry_writer("change UP2K groups")?;
    let mut am = up2k_group::ActiveModel {
        updated_at: Set(stamp()),
        ..Default::default()
    };
    if let Some(n) = &input.name {
        am.name = Set(required_text(n, "input.name")?);
    }
    if input.rw.is_some() {
        am.rw = Set(rt_rw(input.rw.as_deref(), "input.rw")?);
    }
    if input.rt.is_some() {
        am.rt = Set(rt_rw(input.rt.as_deref(), "input.rt")?);
    }
    if let Some(b) = input.business_type {
        am.business_type = Set(b.as_str().to_owned());
    }
    if let Some(l) = input.level {
        am.level = Set(l.as_str().to_owned());
    }
    let txn = begin_write(&app.db).await?;
    let g = group_in_scope(&txn, actor, &input.id, "input.id").await?;
    let updated = bump::<_, up2k_group::Entity, _>(&txn, am, g.id, input.version).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Adds a person to a UP2K group: the person must be in the actor's scope and live in the
/// group's kabupaten/kota, and must not be a current member already.
pub async fn add_member(
    app: &AppContext,
    actor: &Actor,
    input: AddUp2kMemberInput,
) -> Result<up2k_member::Model> {
    actor.require_registry_writer("add UP2K members")?;
    not_future(app.clock.today(), input.joined_on.into(), "input.joinedOn")?;
    let txn = begin_write(&app.db).await?;
    let g = group_in_scope(&txn, actor, &input.group_id, "input.groupId").await?;
    let p =
        keluarga_core::service::person_in_scope(&txn, actor, &input.person_id, "input.personId")
            .await?;
    if p.region_code.get(..5) != g.region_code.get(..5) {
        return Err(Error::bad(
            "input.personId",
            "the person lives outside the group's kabupaten/kota",
        ));
    }
    if input.joined_on < g.formed_on {
        return Err(Error::bad(
            "input.joinedOn",
            "must not be before the group was formed",
        ));
    }
    let current = crate::store::current_membership(&txn, g.id, p.id).await?;
    if current.is_some() {
        return Err(Error::bad(
            "input.personId",
            "already a current member of the group",
        ));
    }
    let now = stamp();
    let model = up2k_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        group_id: Set(g.id),
        person_id: Set(p.id),
        family_id: Set(keluarga_core::store::family_of(&txn, p.id).await?),
        region_code: Set(g.region_code.clone()),
        sex: Set(p.sex.clone()),
        role: Set(input.role.as_str().to_owned()),
        joined_on: Set(input.joined_on.into()),
        left_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_write::<up2k_member::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    if let Some(f) = model.family_id {
        crate::facts::refresh(&txn, &[f]).await?;
    }
    txn.commit().await?;
    Ok(model)
}

async fn member_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<up2k_member::Model> {
    let id = decode_uuid(id, "Up2kMember", field)?;
    in_scope_row::<_, up2k_member::Entity>(
        db,
        actor,
        id,
        up2k_member::Column::RegionCode,
        "UP2K membership",
    )
    .await
}

/// Changes a membership's role, or records that the member left.
pub async fn update_member(
    app: &AppContext,
    actor: &Actor,
    input: UpdateUp2kMemberInput,
) -> Result<up2k_member::Model> {
    actor.require_registry_writer("change UP2K members")?;
    if let Some(d) = input.left_on {
        not_future(app.clock.today(), d.into(), "input.leftOn")?;
    }
    let txn = begin_write(&app.db).await?;
    let m = member_in_scope(&txn, actor, &input.id, "input.id").await?;
    let mut am = up2k_member::ActiveModel {
        updated_at: Set(stamp()),
        ..Default::default()
    };
    if let Some(r) = input.role {
        am.role = Set(r.as_str().to_owned());
    }
    if let Some(d) = input.left_on {
        if m.left_on.is_some() {
            return Err(Error::bad("input.leftOn", "the member has already left"));
        }
        if d < m.joined_on {
            return Err(Error::bad("input.leftOn", "must not be before they joined"));
        }
        am.left_on = Set(Some(d.into()));
    }
    let updated = bump::<_, up2k_member::Entity, _>(&txn, am, m.id, input.version).await?;
    audit_write::<up2k_member::Entity, _>(&txn, actor, "UPDATE", [m.id]).await?;
    if let Some(f) = m.family_id {
        crate::facts::refresh(&txn, &[f]).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

/// A group in scope and, when named, one of its memberships.
async fn recipient<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    group: &async_graphql::ID,
    member: Option<&async_graphql::ID>,
) -> Result<(up2k_group::Model, Option<up2k_member::Model>)> {
    let g = group_in_scope(db, actor, group, "input.groupId").await?;
    let m = match member {
        Some(id) => {
            let m = member_in_scope(db, actor, id, "input.memberId").await?;
            if m.group_id != g.id {
                return Err(Error::bad("input.memberId", "not a member of this group"));
            }
            Some(m)
        }
        None => None,
    };
    Ok((g, m))
}

/// Records assistance to a group or one of its members.
pub async fn record_assistance(
    app: &AppContext,
    actor: &Actor,
    input: RecordAssistanceInput,
) -> Result<assistance::Model> {
    actor.require_registry_writer("record assistance")?;
    let amount = input.amount.checked("input.amount", false)?;
    not_future(app.clock.today(), input.given_on.into(), "input.givenOn")?;
    let note = optional_text(input.note.as_deref(), "input.note")?;
    let txn = begin_write(&app.db).await?;
    let (g, m) = recipient(&txn, actor, &input.group_id, input.member_id.as_ref()).await?;
    let provider = organisation_ref(&txn, &input.provider_id, "input.providerId").await?;
    let programme_id = match &input.programme_id {
        Some(p) => Some(programme_ref(&txn, p, "input.programmeId").await?.id),
        None => None,
    };
    let now = stamp();
    let model = assistance::ActiveModel {
        id: Set(Uuid::now_v7()),
        group_id: Set(g.id),
        member_id: Set(m.as_ref().map(|m| m.id)),
        family_id: Set(m.as_ref().and_then(|m| m.family_id)),
        region_code: Set(g.region_code.clone()),
        provider_id: Set(provider),
        kind: Set(input.kind.as_str().to_owned()),
        amount: Set(amount),
        given_on: Set(input.given_on.into()),
        programme_id: Set(programme_id),
        note: Set(note),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_write::<assistance::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    let reached = match model.family_id {
        Some(f) => vec![f],
        None if model.member_id.is_none() => crate::store::families_of_group(&txn, g.id).await?,
        None => Vec::new(),
    };
    crate::facts::refresh(&txn, &reached).await?;
    let village = [model.region_code.clone()];
    for r in [
        &crate::stats::ASSISTANCE_ROLLUP,
        &crate::stats::CHANGE_ROLLUP,
    ] {
        keluarga_core::rollup::refresh(&txn, r, &village, &[model.given_on]).await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// Checks that the month starting `first` has ended by `today`.
pub fn ended(first: NaiveDate, today: NaiveDate, field: &str) -> Result<()> {
    let last = keluarga_core::stats::parse_period(&first.format("%Y-%m").to_string())
        .map(|p| p.1)
        .unwrap_or(first);
    if last >= today {
        return Err(Error::bad(field, "the month has not ended yet"));
    }
    Ok(())
}

/// Records a month's revenue and profit of a group or a member (one report per recipient and
/// month: CONFLICT on a second).
pub async fn record_income_report(
    app: &AppContext,
    actor: &Actor,
    input: RecordIncomeReportInput,
) -> Result<income_report::Model> {
    actor.require_field_writer("record income reports")?;
    let first = month(&input.month, "input.month")?;
    ended(first, app.clock.today(), "input.month")?;
    let revenue = input.revenue.checked("input.revenue", false)?;
    let profit = input.profit.checked("input.profit", true)?;
    if profit > revenue {
        return Err(Error::bad("input.profit", "must not exceed the revenue"));
    }
    let txn = begin_write(&app.db).await?;
    let (g, m) = recipient(&txn, actor, &input.group_id, input.member_id.as_ref()).await?;
    if crate::store::income_report(&txn, g.id, m.as_ref().map(|m| m.id), first)
        .await?
        .is_some()
    {
        return Err(Error::Conflict(
            "a report for this recipient and month already exists".into(),
        ));
    }
    let now = stamp();
    let model = income_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        group_id: Set(g.id),
        member_id: Set(m.as_ref().map(|m| m.id)),
        region_code: Set(g.region_code.clone()),
        month: Set(first),
        revenue: Set(revenue),
        profit: Set(profit),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_write::<income_report::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    let village = [model.region_code.clone()];
    keluarga_core::rollup::refresh(&txn, &crate::stats::INCOME_ROLLUP, &village, &[model.month])
        .await?;
    // The revenue change of assistance given in the six months either side of this month.
    let around: Vec<NaiveDate> = (-7..=7)
        .filter_map(|k: i32| {
            let m = chrono::Months::new(k.unsigned_abs());
            if k < 0 {
                first.checked_sub_months(m)
            } else {
                first.checked_add_months(m)
            }
        })
        .collect();
    keluarga_core::rollup::refresh(&txn, &crate::stats::CHANGE_ROLLUP, &village, &around).await?;
    txn.commit().await?;
    Ok(model)
}
