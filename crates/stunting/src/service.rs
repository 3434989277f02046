//! Use cases of the stunting domain: authorisation against the actor, validation, transactions.
//! Every mutation validates all of its input before it writes, and writes in one transaction.

use std::collections::HashSet;

use chrono::NaiveDate;
use keluarga_core::entity::{cadre_role, organisation};
use keluarga_core::error::Error as CoreError;
use keluarga_core::id::decode_uuid;
use keluarga_core::input::AssignCadreRoleInput;
use keluarga_core::kinds::CadreRoleKind;
use keluarga_core::region_code::RegionLevel;
use keluarga_core::service::{
    bump, not_future, optional_text, person_in_scope, person_ref, required_text, stamp,
};
use keluarga_core::{Actor, AppContext, store as core_store};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::entity::{
    child, convergence_action, foster_parent, foster_parent_child, measurement,
    measurement_revision, pendampingan, posyandu, tpk_member, tpk_team,
};
use crate::error::Result;
use crate::input::*;
use crate::kinds::*;
use crate::store::{self, ChildInfo};
use crate::who;

const VILLAGE: &[RegionLevel] = &[RegionLevel::Village];

/// Heaviest weight accepted for a child under five, in kg.
pub const MAX_WEIGHT_KG: f64 = 60.0;
/// Lightest weight accepted, in kg.
pub const MIN_WEIGHT_KG: f64 = 0.5;
/// Longest length/height accepted for a child under five, in cm.
pub const MAX_LENGTH_CM: f64 = 150.0;
/// Shortest length/height accepted, in cm.
pub const MIN_LENGTH_CM: f64 = 30.0;
/// Accepted mid-upper-arm circumference, in mm.
pub const MUAC_RANGE_MM: (f64, f64) = (50.0, 300.0);

fn bad(field: &str, message: impl Into<String>) -> crate::error::Error {
    CoreError::bad(field, message).into()
}

/// The measured values of one measurement, before scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// Day of measurement.
    pub measured_on: NaiveDate,
    /// Weight in kg.
    pub weight_kg: Option<f64>,
    /// Length/height in cm, as measured.
    pub length_cm: Option<f64>,
    /// Position.
    pub position: MeasurePosition,
    /// Oedema.
    pub oedema: bool,
    /// MUAC in mm.
    pub muac_mm: Option<f64>,
}

/// Checks measured values against the child's birth date and physical limits. The error names
/// the field (`<prefix>measuredOn`, `<prefix>weightKg`...); plausible values WHO would flag pass.
pub fn check_values(
    v: &Values,
    birth: NaiveDate,
    today: NaiveDate,
    prefix: &str,
) -> std::result::Result<i64, (String, String)> {
    let f = |name: &str| format!("{prefix}{name}");
    if v.measured_on > today {
        return Err((f("measuredOn"), "must not be in the future".into()));
    }
    if v.measured_on < birth {
        return Err((
            f("measuredOn"),
            format!("is before the child's birth ({birth})"),
        ));
    }
    let age = (v.measured_on - birth).num_days();
    if age > who::MAX_AGE_DAYS {
        return Err((
            f("measuredOn"),
            format!(
                "the child is {age} days old then; measurements cover 0–1826 days (under five)"
            ),
        ));
    }
    if v.weight_kg.is_none() && v.length_cm.is_none() && v.muac_mm.is_none() {
        return Err((
            f("weightKg"),
            "give at least one of weight, length/height or MUAC".into(),
        ));
    }
    if let Some(w) = v.weight_kg
        && !(w.is_finite() && (MIN_WEIGHT_KG..=MAX_WEIGHT_KG).contains(&w))
    {
        return Err((
            f("weightKg"),
            format!(
                "{w} kg is not possible for a child under five ({MIN_WEIGHT_KG}–{MAX_WEIGHT_KG} kg)"
            ),
        ));
    }
    if let Some(h) = v.length_cm
        && !(h.is_finite() && (MIN_LENGTH_CM..=MAX_LENGTH_CM).contains(&h))
    {
        return Err((
            f("lengthCm"),
            format!(
                "{h} cm is not possible for a child under five ({MIN_LENGTH_CM}–{MAX_LENGTH_CM} cm)"
            ),
        ));
    }
    if let Some(m) = v.muac_mm
        && !(m.is_finite() && (MUAC_RANGE_MM.0..=MUAC_RANGE_MM.1).contains(&m))
    {
        return Err((
            f("muacMm"),
            format!(
                "{m} mm is not possible ({}–{} mm)",
                MUAC_RANGE_MM.0, MUAC_RANGE_MM.1
            ),
        ));
    }
    Ok(age)
}

/// Who measured, where, and how it came in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Provenance {
    /// The person who measured.
    pub measured_by: Option<Uuid>,
    /// The posyandu.
    pub posyandu_id: Option<Uuid>,
    /// The source.
    pub source: MeasurementSource,
}

/// A scored measurement row, ready to insert (z-scores, flags and categories computed here).
pub fn measurement_row(
    id: Uuid,
    child: &ChildInfo,
    v: &Values,
    age_days: i64,
    p: Provenance,
    now: chrono::DateTime<chrono::Utc>,
) -> measurement::ActiveModel {
    let s = who::tables().score(&who::Input {
        sex: child.who_sex(),
        age_days: Some(age_days),
        weight_kg: v.weight_kg,
        lenhei_cm: v.length_cm,
        position: v.position.who(),
        oedema: v.oedema,
        muac_mm: v.muac_mm,
    });
    let c = s.categories(v.oedema);
    let z = |x: Option<who::Score>| x.map(|x| x.z);
    let flag = |x: Option<who::Score>| x.is_some_and(|x| x.flagged);
    measurement::ActiveModel {
        id: Set(id),
        child_id: Set(child.id),
        region_code: Set(child.region_code.clone()),
        posyandu_id: Set(p.posyandu_id.or(child.posyandu_id)),
        measured_on: Set(v.measured_on),
        age_days: Set(age_days as i32),
        sex: Set(child.sex.clone()),
        weight_kg: Set(v.weight_kg),
        lenhei_cm: Set(v.length_cm),
        position: Set(v.position.as_str().to_owned()),
        position_used: Set(s
            .position_used
            .map(|p| MeasurePosition::from_who(p).as_str().to_owned())),
        clenhei_cm: Set(s.clenhei.map(|h| (h * 100.0).round() / 100.0)),
        oedema: Set(v.oedema),
        muac_mm: Set(v.muac_mm),
        bmi: Set(s.bmi.map(|b| (b * 100.0).round() / 100.0)),
        haz: Set(z(s.haz)),
        haz_flag: Set(flag(s.haz)),
        waz: Set(z(s.waz)),
        waz_flag: Set(flag(s.waz)),
        whz: Set(z(s.whz)),
        whz_flag: Set(flag(s.whz)),
        baz: Set(z(s.baz)),
        baz_flag: Set(flag(s.baz)),
        acz: Set(z(s.acz)),
        acz_flag: Set(flag(s.acz)),
        c9mo_flag: Set(s.c9mo_flag),
        haz_category: Set(c
            .height_for_age
            .map(|c| HeightForAgeCategory::from(c).as_str().to_owned())),
        waz_category: Set(c
            .weight_for_age
            .map(|c| WeightForAgeCategory::from(c).as_str().to_owned())),
        whz_category: Set(c
            .weight_for_height
            .map(|c| NutritionCategory::from(c).as_str().to_owned())),
        baz_category: Set(c
            .bmi_for_age
            .map(|c| NutritionCategory::from(c).as_str().to_owned())),
        measured_by: Set(p.measured_by),
        source: Set(p.source.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// A child in the actor's scope, or NOT_FOUND naming `field`. Unknown children and children
/// outside the scope get the same answer, so it never tells whether a child exists elsewhere.
async fn child_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<ChildInfo> {
    let id = decode_uuid(id, "Child", field)?;
    store::child_infos(db, &actor.scope, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| CoreError::NotFound(format!("{field}: child")).into())
}

async fn posyandu_ref<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<posyandu::Model> {
    let id = decode_uuid(id, "Posyandu", field)?;
    store::posyandu_in_scope(db, &actor.scope, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| bad(field, "no such posyandu in your scope"))
}

/// RW numbers, 1–3 digits, stored zero-padded and comma-separated (`003,004`).
fn rw_list(rws: &[String], field: &str) -> Result<Option<String>> {
    let mut out = Vec::new();
    for (i, rw) in rws.iter().enumerate() {
        let t = rw.trim();
        let n: u32 = t
            .parse()
            .ok()
            .filter(|n| *n > 0 && t.len() <= 3)
            .ok_or_else(|| bad(&format!("{field}[{i}]"), "must be a number of 1–3 digits"))?;
        let padded = format!("{n:03}");
        if !out.contains(&padded) {
            out.push(padded);
        }
    }
    Ok((!out.is_empty()).then(|| out.join(",")))
}

/// Registers a posyandu (ADMIN, OPERATOR in scope).
pub async fn create_posyandu(
    app: &AppContext,
    actor: &Actor,
    input: CreatePosyanduInput,
) -> Result<posyandu::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let name = required_text(&input.name, "input.name")?;
    let rws = rw_list(&input.rws, "input.rws")?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    core_store::require_region(&txn, &input.region_code, VILLAGE, "input.regionCode").await?;
    let now = stamp();
    let model = posyandu::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        region_code: Set(input.region_code),
        rws: Set(rws),
        strata: Set(input.strata.map(|s| s.as_str().to_owned())),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Registers a person of the registry as a child under five (ADMIN, OPERATOR in scope).
pub async fn register_child(
    app: &AppContext,
    actor: &Actor,
    input: RegisterChildInput,
) -> Result<child::Model> {
    actor.require_registry_writer("register children")?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let person = match (&input.person_id, input.person) {
        (Some(id), None) => person_in_scope(&txn, actor, id, "input.personId").await?,
        (None, Some(p)) => {
            if p.birth_date.is_none() {
                return Err(bad("input.person.birthDate", "is required for a child"));
            }
            keluarga_core::service::insert_person(&txn, app, actor, p, "input.person.").await?
        }
        _ => {
            return Err(bad(
                "input.personId",
                "give either personId (an existing person) or person (a new one)",
            ));
        }
    };
    let Some(birth) = person.birth_date else {
        return Err(bad(
            "input.personId",
            "the person has no birth date; record it first",
        ));
    };
    let age = (app.clock.today() - birth).num_days();
    if age > who::MAX_AGE_DAYS {
        return Err(bad(
            "input.personId",
            format!("the person is {age} days old; only children under five are registered"),
        ));
    }
    let posyandu_id = match &input.posyandu_id {
        Some(p) => Some(posyandu_ref(&txn, actor, p, "input.posyanduId").await?.id),
        None => None,
    };
    let given_by = required_text(&input.consent_given_by, "input.consentGivenBy")?;
    let given_on = not_future(
        app.clock.today(),
        input.consent_given_on.into(),
        "input.consentGivenOn",
    )?;
    if store::child_of_person(&txn, person.id).await?.is_some() {
        return Err(
            CoreError::Conflict("this person is already registered as a child".into()).into(),
        );
    }
    let now = stamp();
    let model = child::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.id),
        region_code: Set(person.region_code.clone()),
        posyandu_id: Set(posyandu_id),
        consent_given_by: Set(given_by),
        consent_given_on: Set(given_on),
        consent_method: Set(input.consent_method.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    keluarga_core::records::audit_write::<child::Entity, _>(&txn, actor, "CREATE", [model.id])
        .await?;
    txn.commit().await?;
    Ok(model)
}

/// Records one measurement (ADMIN, OPERATOR, CADRE in scope), scored on write.
pub async fn record_measurement(
    app: &AppContext,
    actor: &Actor,
    input: RecordMeasurementInput,
) -> Result<measurement::Model> {
    actor.require_field_writer("record measurements")?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let child = child_in_scope(&txn, actor, &input.child_id, "input.childId").await?;
    let values = Values {
        measured_on: input.measured_on.into(),
        weight_kg: input.weight_kg,
        length_cm: input.length_cm,
        position: input.position,
        oedema: input.oedema,
        muac_mm: input.muac_mm,
    };
    let age = check_values(&values, child.birth_date, app.clock.today(), "input.")
        .map_err(|(f, m)| bad(&f, m))?;
    let measured_by = match &input.measured_by_id {
        Some(p) => Some(person_ref(&txn, actor, p, "input.measuredById").await?),
        None => None,
    };
    let posyandu_id = match &input.posyandu_id {
        Some(p) => Some(posyandu_ref(&txn, actor, p, "input.posyanduId").await?.id),
        None => None,
    };
    let row = measurement_row(
        Uuid::now_v7(),
        &child,
        &values,
        age,
        Provenance {
            measured_by,
            posyandu_id,
            source: input.source,
        },
        stamp(),
    );
    let model = row.insert(&txn).await?;
    keluarga_core::records::audit_write::<measurement::Entity, _>(
        &txn,
        actor,
        "CREATE",
        [model.id],
    )
    .await?;
    refresh_rollup(&txn, &[model.child_id], &[model.measured_on]).await?;
    txn.commit().await?;
    Ok(model)
}

/// The values of a stored measurement, as kept in a revision (JSON).
fn snapshot(m: &measurement::Model) -> String {
    serde_json::json!({
        "version": m.version,
        "measuredOn": m.measured_on,
        "ageDays": m.age_days,
        "weightKg": m.weight_kg,
        "lengthCm": m.lenhei_cm,
        "position": m.position,
        "oedema": m.oedema,
        "muacMm": m.muac_mm,
        "haz": m.haz,
        "waz": m.waz,
        "whz": m.whz,
        "baz": m.baz,
        "acz": m.acz,
        "heightForAge": m.haz_category,
        "weightForAge": m.waz_category,
        "weightForHeight": m.whz_category,
    })
    .to_string()
}

/// Corrects a measurement: re-scores it, keeps the previous values as a revision and bumps the
/// version; a stale `version` fails with CONFLICT.
pub async fn correct_measurement(
    app: &AppContext,
    actor: &Actor,
    input: CorrectMeasurementInput,
) -> Result<measurement::Model> {
    actor.require_field_writer("correct measurements")?;
    let id = decode_uuid(&input.id, "Measurement", "input.id")?;
    let reason = required_text(&input.reason, "input.reason")?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let current = store::measurement_in_scope(&txn, &actor.scope, id)
        .await?
        .ok_or_else(|| CoreError::NotFound("measurement".into()))?;
    let child = store::child_infos(&txn, &actor.scope, &[current.child_id])
        .await?
        .remove(&current.child_id)
        .ok_or_else(|| CoreError::NotFound("measurement".into()))?;
    let values = Values {
        measured_on: input.measured_on.into(),
        weight_kg: input.weight_kg,
        length_cm: input.length_cm,
        position: input.position,
        oedema: input.oedema,
        muac_mm: input.muac_mm,
    };
    let age = check_values(&values, child.birth_date, app.clock.today(), "input.")
        .map_err(|(f, m)| bad(&f, m))?;
    let now = stamp();
    let mut am = measurement_row(
        id,
        &child,
        &values,
        age,
        Provenance {
            measured_by: current.measured_by,
            posyandu_id: current.posyandu_id,
            source: MeasurementSource::parse(&current.source)
                .unwrap_or(MeasurementSource::PosyanduSession),
        },
        now,
    );
    am.created_at = Set(current.created_at);
    am.region_code = Set(current.region_code.clone());
    am.version = sea_orm::ActiveValue::NotSet;
    am.id = sea_orm::ActiveValue::NotSet;
    measurement_revision::ActiveModel {
        id: Set(Uuid::now_v7()),
        measurement_id: Set(id),
        version: Set(current.version),
        previous: Set(snapshot(&current)),
        reason: Set(reason),
        changed_by: Set(actor.subject.clone()),
        changed_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let updated = bump::<_, measurement::Entity, _>(&txn, am, id, input.version).await?;
    keluarga_core::records::audit_write::<measurement::Entity, _>(
        &txn,
        actor,
        "UPDATE",
        [updated.id],
    )
    .await?;
    refresh_rollup(
        &txn,
        &[updated.child_id],
        &[current.measured_on, updated.measured_on],
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Keeps the stunting rollup exact after a write of `children`'s measurements dated `dates`
/// (old and new): every village where those children have measurements is recomputed for the
/// periods of those dates, in the write's transaction.
pub(crate) async fn refresh_rollup<C: sea_orm::ConnectionTrait>(
    txn: &C,
    children: &[Uuid],
    dates: &[chrono::NaiveDate],
) -> Result<()> {
    let villages = store::measurement_villages(txn, children).await?;
    keluarga_core::rollup::refresh(txn, &crate::stats::ROLLUP, &villages, dates).await?;
    Ok(())
}

/// Forms a TPK team of exactly one bidan, one kader PKK and one kader KB (ADMIN, OPERATOR).
pub async fn create_tpk_team(
    app: &AppContext,
    actor: &Actor,
    input: CreateTpkTeamInput,
) -> Result<tpk_team::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let name = required_text(&input.name, "input.name")?;
    if input.members.len() != 3 {
        return Err(bad(
            "input.members",
            "a TPK team has exactly three members: a BIDAN, a KADER_PKK and a KADER_KB",
        ));
    }
    let roles: HashSet<TpkRole> = input.members.iter().map(|m| m.role).collect();
    if roles.len() != 3 {
        return Err(bad(
            "input.members",
            "each role (BIDAN, KADER_PKK, KADER_KB) must appear once",
        ));
    }
    if let Some(d) = input.formed_on {
        not_future(app.clock.today(), d.into(), "input.formedOn")?;
    }
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    core_store::require_region(&txn, &input.region_code, VILLAGE, "input.regionCode").await?;
    let mut people = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        let field = format!("input.members[{i}].personId");
        let p = person_ref(&txn, actor, &m.person_id, &field).await?;
        if people.iter().any(|(id, _)| *id == p) {
            return Err(bad(&field, "a person can hold only one place in a team"));
        }
        people.push((p, m.role));
    }
    let now = stamp();
    let team = tpk_team::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        region_code: Set(input.region_code),
        formed_on: Set(input.formed_on.map(Into::into)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // Members hold the registry's TPK_MEMBER cadre role in the team's village (given here unless
    // they already hold a current one), so cadre lists and statistics count them.
    let holders: HashSet<Uuid> = core_store::current_role_holders(
        &txn,
        people.iter().map(|(p, _)| *p),
        CadreRoleKind::TpkMember,
    )
    .await?;
    let started_on = team.formed_on.unwrap_or_else(|| app.clock.today());
    let roles: Vec<cadre_role::ActiveModel> = people
        .iter()
        .filter(|(p, _)| !holders.contains(p))
        .map(|(p, _)| cadre_role::ActiveModel {
            id: Set(Uuid::now_v7()),
            person_id: Set(*p),
            role: Set(CadreRoleKind::TpkMember.as_str().to_owned()),
            region_code: Set(team.region_code.clone()),
            programme_id: Set(None),
            started_on: Set(started_on),
            ended_on: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    if !roles.is_empty() {
        cadre_role::Entity::insert_many(roles).exec(&txn).await?;
    }
    tpk_member::Entity::insert_many(people.into_iter().map(|(pid, role)| {
        tpk_member::ActiveModel {
            id: Set(Uuid::now_v7()),
            team_id: Set(team.id),
            person_id: Set(pid),
            role: Set(role.as_str().to_owned()),
        }
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(team)
}

/// Records a pendampingan visit of a TPK team (ADMIN, OPERATOR, CADRE in scope).
pub async fn record_pendampingan(
    app: &AppContext,
    actor: &Actor,
    input: RecordPendampinganInput,
) -> Result<pendampingan::Model> {
    actor.require_field_writer("record visits")?;
    let team_id = decode_uuid(&input.team_id, "TpkTeam", "input.teamId")?;
    let activity = required_text(&input.activity, "input.activity")?;
    let referral = optional_text(input.referral.as_deref(), "input.referral")?;
    let visited_on = not_future(
        app.clock.today(),
        input.visited_on.into(),
        "input.visitedOn",
    )?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    let team = store::team_in_scope(&txn, &actor.scope, team_id)
        .await?
        .ok_or_else(|| bad("input.teamId", "no such TPK team in your scope"))?;
    let target = match &input.target_person_id {
        Some(p) => Some(person_ref(&txn, actor, p, "input.targetPersonId").await?),
        None => None,
    };
    let now = stamp();
    let model = pendampingan::ActiveModel {
        id: Set(Uuid::now_v7()),
        team_id: Set(team.id),
        region_code: Set(team.region_code),
        visited_on: Set(visited_on),
        target_type: Set(input.target_type.as_str().to_owned()),
        target_person_id: Set(target),
        activity: Set(activity),
        referral: Set(referral),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    keluarga_core::records::audit_write::<pendampingan::Entity, _>(
        &txn,
        actor,
        "CREATE",
        [model.id],
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Assigns a KPM: a KPM cadre role in a village or (as in Jakarta Pusat) a district.
pub async fn assign_kpm(
    app: &AppContext,
    actor: &Actor,
    input: AssignKpmInput,
) -> Result<cadre_role::Model> {
    Ok(keluarga_core::service::assign_cadre_role(
        app,
        actor,
        AssignCadreRoleInput {
            person_id: input.person_id,
            role: CadreRoleKind::Kpm,
            region_code: input.region_code,
            programme_id: None,
            started_on: input.started_on,
            ended_on: input.ended_on,
        },
    )
    .await?)
}

/// Sets the state of one convergence action of a regency/city for a year (created or replaced).
pub async fn set_convergence_action(
    app: &AppContext,
    actor: &Actor,
    input: SetConvergenceActionInput,
) -> Result<convergence_action::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let next_year = chrono::Datelike::year(&app.clock.today()) + 1;
    if !(2018..=next_year).contains(&input.year) {
        return Err(bad("input.year", format!("must be 2018–{next_year}")));
    }
    let done_on = match (input.status, input.done_on) {
        (ActionStatus::Done, None) => {
            return Err(bad("input.doneOn", "is required when the status is DONE"));
        }
        (_, Some(d)) => Some(not_future(app.clock.today(), d.into(), "input.doneOn")?),
        (_, None) => None,
    };
    if let Some(s) = input.score
        && !(s.is_finite() && (0.0..=100.0).contains(&s))
    {
        return Err(bad("input.score", "must be 0–100"));
    }
    let evidence = optional_text(input.evidence.as_deref(), "input.evidence")?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    core_store::require_region(
        &txn,
        &input.region_code,
        &[RegionLevel::Regency],
        "input.regionCode",
    )
    .await?;
    let existing =
        store::convergence_action(&txn, &input.region_code, input.year, input.aksi.number())
            .await?;
    let now = stamp();
    let model = keluarga_core::service::upsert::<_, convergence_action::Entity, _>(
        &txn,
        existing.map(|e| (e.id, e.version)),
        convergence_action::ActiveModel {
            status: Set(input.status.as_str().to_owned()),
            done_on: Set(done_on),
            evidence: Set(evidence.clone()),
            score: Set(input.score),
            updated_at: Set(now),
            ..Default::default()
        },
        || convergence_action::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_code: Set(input.region_code),
            year: Set(input.year),
            aksi: Set(input.aksi.number()),
            status: Set(input.status.as_str().to_owned()),
            done_on: Set(done_on),
            evidence: Set(evidence),
            score: Set(input.score),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Registers a foster parent (orang tua asuh) with the children it supports (ADMIN, OPERATOR).
pub async fn create_foster_parent(
    app: &AppContext,
    actor: &Actor,
    input: CreateFosterParentInput,
) -> Result<foster_parent::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    if let Some(end) = input.ended_on
        && end < input.started_on
    {
        return Err(bad("input.endedOn", "must not be before startedOn"));
    }
    let note = optional_text(input.note.as_deref(), "input.note")?;
    let org_id = decode_uuid(
        &input.organisation_id,
        "Organisation",
        "input.organisationId",
    )?;
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    core_store::require_region(&txn, &input.region_code, VILLAGE, "input.regionCode").await?;
    core_store::by_id::<_, organisation::Entity>(&txn, org_id)
        .await?
        .ok_or_else(|| bad("input.organisationId", "no such organisation"))?;
    let mut children = Vec::new();
    for (i, c) in input.child_ids.iter().enumerate() {
        let field = format!("input.childIds[{i}]");
        let child = child_in_scope(&txn, actor, c, &field).await?;
        if !children.contains(&child.id) {
            children.push(child.id);
        }
    }
    let now = stamp();
    let model = foster_parent::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(org_id),
        region_code: Set(input.region_code),
        started_on: Set(input.started_on.into()),
        ended_on: Set(input.ended_on.map(Into::into)),
        support: Set(input.support.as_str().to_owned()),
        note: Set(note),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if !children.is_empty() {
        foster_parent_child::Entity::insert_many(children.into_iter().map(|cid| {
            foster_parent_child::ActiveModel {
                id: Set(Uuid::now_v7()),
                foster_parent_id: Set(model.id),
                child_id: Set(cid),
            }
        }))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(model)
}
