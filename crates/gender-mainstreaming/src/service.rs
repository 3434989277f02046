//! Use cases of the gender-mainstreaming domain: authorisation, validation, one transaction per
//! write. Every mutation checks all of its input before it writes anything.

use chrono::{Datelike, NaiveDate};
use keluarga_core::entity::{organisation, person};
use keluarga_core::error::{Error, Result};
use keluarga_core::id::decode_uuid;
use keluarga_core::region_code::{RegionLevel, level_of};
use keluarga_core::service::{
    bump, in_scope_row, not_future, optional_text, programme_ref, required_text, stamp,
};
use keluarga_core::store::{begin_write, require_region};
use keluarga_core::{Actor, AppContext, Scope};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::entity::{
    advocacy_target, award, gender_analysis, post_holding, pug_prerequisite, strategic_post,
};
use crate::input::*;

/// The day posts older than the records are taken to exist from.
pub fn default_established() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// A long free text (a gap, a cause): trimmed, at most 4,000 characters; empty is none.
fn long_text(s: Option<&str>, field: &str) -> Result<Option<String>> {
    match s.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.chars().count() > 4000 => {
            Err(Error::bad(field, "must be at most 4000 characters"))
        }
        Some(t) => {
            keluarga_core::service::no_control(t, field)?;
            Ok(Some(t.to_owned()))
        }
    }
}

/// A year between 2000 and next year.
fn year(y: i32, today: NaiveDate, field: &str) -> Result<i32> {
    if (2000..=today.year() + 1).contains(&y) {
        Ok(y)
    } else {
        Err(Error::bad(
            field,
            format!("must be a year from 2000 to {}", today.year() + 1),
        ))
    }
}

/// The region a post's holder must be registered in: the post's regency or city (its province
/// for a provincial post).
pub fn holder_region(post_region: &str) -> String {
    match level_of(post_region) {
        RegionLevel::Province => post_region.to_owned(),
        _ => post_region.get(..5).unwrap_or(post_region).to_owned(),
    }
}

/// Creates a strategic post (ADMIN, OPERATOR in scope).
pub async fn create_post(
    app: &AppContext,
    actor: &Actor,
    input: CreateStrategicPostInput,
) -> Result<strategic_post::Model> {
    actor.require_registry_writer("create strategic posts")?;
    let title = required_text(&input.title, "input.title")?;
    let established = match input.established_on {
        Some(d) => not_future(app.clock.today(), d.into(), "input.establishedOn")?,
        None => default_established(),
    };
    let org_id = decode_uuid(
        &input.organisation_id,
        "Organisation",
        "input.organisationId",
    )?;
    let txn = begin_write(&app.db).await?;
    let org = keluarga_core::store::by_id::<_, organisation::Entity>(&txn, org_id)
        .await?
        .ok_or_else(|| Error::bad("input.organisationId", "no such organisation"))?;
    let region = match input.region_code.as_deref() {
        Some(code) => {
            require_region(
                &txn,
                code,
                &[
                    RegionLevel::Province,
                    RegionLevel::Regency,
                    RegionLevel::District,
                    RegionLevel::Village,
                ],
                "input.regionCode",
            )
            .await?;
            if !Scope::new(&org.region_code)?.contains(code) {
                return Err(Error::bad(
                    "input.regionCode",
                    format!(
                        "must be inside the organisation's region {}",
                        org.region_code
                    ),
                ));
            }
            code.to_owned()
        }
        None => org.region_code.clone(),
    };
    actor.require_write_in(&region, "input.regionCode")?;
    let now = stamp();
    let model = strategic_post::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(org.id),
        region_code: Set(region),
        title: Set(title),
        kind: Set(input.kind.as_str().to_owned()),
        echelon: Set(input.echelon.map(|e| e.as_str().to_owned())),
        established_on: Set(established),
        abolished_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Whether holding `h` is in force on `day` (from its first day until the day before it ended).
pub fn holds_on(h: &post_holding::Model, day: NaiveDate) -> bool {
    h.started_on <= day && h.ended_on.is_none_or(|e| e > day)
}

/// Bumps the post's version (the lock every appointment and vacancy of one post takes).
async fn lock_post<C: ConnectionTrait>(
    db: &C,
    post: &strategic_post::Model,
    version: i32,
) -> Result<()> {
    let am = strategic_post::ActiveModel {
        updated_at: Set(stamp()),
        ..Default::default()
    };
    bump::<_, strategic_post::Entity, _>(db, am, post.id, version).await?;
    Ok(())
}

/// Appoints a person to a post from a day (ADMIN, OPERATOR in scope): the post must be vacant
/// from that day on, and the person registered in the post's regency or city.
pub async fn appoint(
    app: &AppContext,
    actor: &Actor,
    input: AppointToPostInput,
) -> Result<post_holding::Model> {
    actor.require_registry_writer("appoint to strategic posts")?;
    let post_id = decode_uuid(&input.post_id, "StrategicPost", "input.postId")?;
    let person_id = decode_uuid(&input.person_id, "Person", "input.personId")?;
    not_future(
        app.clock.today(),
        input.started_on.into(),
        "input.startedOn",
    )?;
    let decree = optional_text(input.decree.as_deref(), "input.decree")?;
    let txn = begin_write(&app.db).await?;
    let post = in_scope_row::<_, strategic_post::Entity>(
        &txn,
        actor,
        post_id,
        strategic_post::Column::RegionCode,
        "strategic post",
    )
    .await?;
    if input.started_on < post.established_on {
        return Err(Error::bad(
            "input.startedOn",
            format!("the post was established on {}", post.established_on),
        ));
    }
    if post.abolished_on.is_some_and(|a| a <= input.started_on) {
        return Err(Error::bad(
            "input.startedOn",
            "the post was abolished by then",
        ));
    }
    let holders = Scope::new(&holder_region(&post.region_code))?;
    let holder = keluarga_core::store::by_id_in::<_, person::Entity>(
        &txn,
        person_id,
        person::Column::RegionCode,
        &actor.scope,
    )
    .await?
    .ok_or_else(|| Error::bad("input.personId", "no such person in your scope"))?;
    if !holders.contains(&holder.region_code) {
        return Err(Error::bad(
            "input.personId",
            format!(
                "the person is registered in {}, outside the post's region {}",
                holder.region_code,
                holders.code()
            ),
        ));
    }
    // Two holders at once: any holding that has not ended by the first day.
    let overlapping = crate::store::holding_after(&txn, post.id, input.started_on.into()).await?;
    if let Some(h) = overlapping {
        let until = h
            .ended_on
            .map_or("now".to_owned(), |e| format!("until {e}"));
        return Err(Error::bad(
            "input.startedOn",
            format!(
                "the post is held from {} {until}: vacate it first (a post has one holder at a time)",
                h.started_on
            ),
        ));
    }
    lock_post(&txn, &post, input.version).await?;
    let now = stamp();
    let model = post_holding::ActiveModel {
        id: Set(Uuid::now_v7()),
        post_id: Set(post.id),
        region_code: Set(post.region_code.clone()),
        person_id: Set(holder.id),
        started_on: Set(input.started_on.into()),
        ended_on: Set(None),
        end_reason: Set(None),
        decree: Set(decree),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Ends the current holding of a post (ADMIN, OPERATOR in scope).
pub async fn vacate(
    app: &AppContext,
    actor: &Actor,
    input: VacatePostInput,
) -> Result<post_holding::Model> {
    actor.require_registry_writer("vacate strategic posts")?;
    let post_id = decode_uuid(&input.post_id, "StrategicPost", "input.postId")?;
    not_future(app.clock.today(), input.ended_on.into(), "input.endedOn")?;
    let reason = optional_text(input.reason.as_deref(), "input.reason")?;
    let txn = begin_write(&app.db).await?;
    let post = in_scope_row::<_, strategic_post::Entity>(
        &txn,
        actor,
        post_id,
        strategic_post::Column::RegionCode,
        "strategic post",
    )
    .await?;
    let current = crate::store::current_holding(&txn, post.id)
        .await?
        .ok_or_else(|| Error::bad("input.postId", "the post is vacant"))?;
    if input.ended_on <= current.started_on {
        return Err(Error::bad(
            "input.endedOn",
            format!(
                "must be after the appointment ({}): a vacancy cannot come before it",
                current.started_on
            ),
        ));
    }
    lock_post(&txn, &post, input.version).await?;
    let am = post_holding::ActiveModel {
        ended_on: Set(Some(input.ended_on.into())),
        end_reason: Set(reason),
        updated_at: Set(stamp()),
        ..Default::default()
    };
    let updated = bump::<_, post_holding::Entity, _>(&txn, am, current.id, current.version).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Records an award of a region (ADMIN, OPERATOR in scope), keeping the women's share of the
/// region's strategic posts on the day it was given.
pub async fn record_award(
    app: &AppContext,
    actor: &Actor,
    input: RecordAwardInput,
) -> Result<award::Model> {
    actor.require_registry_writer("record awards")?;
    let today = app.clock.today();
    if input.award_type.rank(input.level).is_none() {
        let names: Vec<&str> = input
            .award_type
            .levels()
            .iter()
            .map(|l| l.as_str())
            .collect();
        return Err(Error::bad(
            "input.level",
            format!(
                "{} is not a level of {}: its levels are {}",
                input.level.as_str(),
                input.award_type.as_str(),
                names.join(", ")
            ),
        ));
    }
    let y = year(input.year, today, "input.year")?;
    not_future(today, input.awarded_on.into(), "input.awardedOn")?;
    if input.awarded_on.year() < y {
        return Err(Error::bad(
            "input.awardedOn",
            "must not be before the award's year",
        ));
    }
    let note = optional_text(input.note.as_deref(), "input.note")?;
    let txn = begin_write(&app.db).await?;
    require_region(
        &txn,
        &input.region_code,
        &[RegionLevel::Province, RegionLevel::Regency],
        "input.regionCode",
    )
    .await?;
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let taken = crate::store::award(&txn, &input.region_code, input.award_type, y).await?;
    if taken.is_some() {
        return Err(Error::Conflict(format!(
            "{} {y} of {} is already recorded",
            input.award_type.as_str(),
            input.region_code
        )));
    }
    let share = crate::stats::posts_on(
        &txn,
        Scope::new(&input.region_code)?,
        input.awarded_on.into(),
    )
    .await?;
    let now = stamp();
    let model = award::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_code: Set(input.region_code.clone()),
        award_type: Set(input.award_type.as_str().to_owned()),
        level: Set(input.level.as_str().to_owned()),
        year: Set(y),
        awarded_on: Set(input.awarded_on.into()),
        women_in_posts: Set(i32::try_from(share.women).unwrap_or(i32::MAX)),
        filled_posts: Set(i32::try_from(share.filled).unwrap_or(i32::MAX)),
        note: Set(note),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Sets the status of one PUG prerequisite of a region for a year (ADMIN, OPERATOR in scope).
pub async fn set_prerequisite(
    app: &AppContext,
    actor: &Actor,
    input: SetPugPrerequisiteInput,
) -> Result<pug_prerequisite::Model> {
    actor.require_registry_writer("set PUG prerequisites")?;
    let y = year(input.year, app.clock.today(), "input.year")?;
    let evidence = long_text(input.evidence.as_deref(), "input.evidence")?;
    let txn = begin_write(&app.db).await?;
    require_region(
        &txn,
        &input.region_code,
        &[RegionLevel::Province, RegionLevel::Regency],
        "input.regionCode",
    )
    .await?;
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let existing =
        crate::store::prerequisite(&txn, &input.region_code, y, input.prerequisite.as_str())
            .await?;
    keluarga_core::service::check_set_version(
        existing.as_ref().map(|e| e.version),
        input.version,
        "prerequisite",
    )?;
    let now = stamp();
    let model = keluarga_core::service::upsert::<_, pug_prerequisite::Entity, _>(
        &txn,
        existing.map(|e| (e.id, e.version)),
        pug_prerequisite::ActiveModel {
            status: Set(input.status.as_str().to_owned()),
            evidence: Set(evidence.clone()),
            updated_at: Set(now),
            ..Default::default()
        },
        || pug_prerequisite::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_code: Set(input.region_code.clone()),
            year: Set(y),
            prerequisite: Set(input.prerequisite.as_str().to_owned()),
            status: Set(input.status.as_str().to_owned()),
            evidence: Set(evidence),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Sets an advocacy target (ADMIN, OPERATOR in scope).
pub async fn set_advocacy_target(
    app: &AppContext,
    actor: &Actor,
    input: SetAdvocacyTargetInput,
) -> Result<advocacy_target::Model> {
    actor.require_registry_writer("set advocacy targets")?;
    let today = app.clock.today();
    let from = year(input.from_year, today, "input.fromYear")?;
    if input.to_year < from || input.to_year > from + 10 {
        return Err(Error::bad(
            "input.toYear",
            "must be from fromYear to ten years after it",
        ));
    }
    if input.target_count.is_some_and(|c| c < 1) {
        return Err(Error::bad("input.targetCount", "must be at least 1"));
    }
    let note = optional_text(input.note.as_deref(), "input.note")?;
    let (starts, ends) = (
        NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(input.to_year, 12, 31).unwrap_or_default(),
    );
    let txn = begin_write(&app.db).await?;
    require_region(
        &txn,
        &input.region_code,
        &[
            RegionLevel::Province,
            RegionLevel::Regency,
            RegionLevel::District,
            RegionLevel::Village,
        ],
        "input.regionCode",
    )
    .await?;
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let programme = match &input.programme_id {
        Some(id) => Some(programme_ref(&txn, id, "input.programmeId").await?.id),
        None => None,
    };
    let existing =
        crate::store::advocacy_target(&txn, &input.region_code, input.audience.as_str(), from)
            .await?;
    keluarga_core::service::check_set_version(
        existing.as_ref().map(|e| e.version),
        input.version,
        "advocacy target",
    )?;
    let now = stamp();
    let model = keluarga_core::service::upsert::<_, advocacy_target::Entity, _>(
        &txn,
        existing.map(|e| (e.id, e.version)),
        advocacy_target::ActiveModel {
            to_year: Set(input.to_year),
            ends_on: Set(ends),
            target_count: Set(input.target_count),
            programme_id: Set(programme),
            note: Set(note.clone()),
            updated_at: Set(now),
            ..Default::default()
        },
        || advocacy_target::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_code: Set(input.region_code.clone()),
            audience: Set(input.audience.as_str().to_owned()),
            from_year: Set(from),
            to_year: Set(input.to_year),
            starts_on: Set(starts),
            ends_on: Set(ends),
            target_count: Set(input.target_count),
            programme_id: Set(programme),
            note: Set(note),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Records a gender analysis of a programme (ADMIN, OPERATOR in scope): at least one gap and
/// one planned action.
pub async fn record_gender_analysis(
    app: &AppContext,
    actor: &Actor,
    input: RecordGenderAnalysisInput,
) -> Result<gender_analysis::Model> {
    actor.require_registry_writer("record gender analyses")?;
    let y = year(input.year, app.clock.today(), "input.year")?;
    let text = |s: &Option<String>, f: &str| long_text(s.as_deref(), f);
    let gaps = [
        text(&input.access_gap, "input.accessGap")?,
        text(&input.participation_gap, "input.participationGap")?,
        text(&input.control_gap, "input.controlGap")?,
        text(&input.benefit_gap, "input.benefitGap")?,
    ];
    if gaps.iter().all(Option::is_none) {
        return Err(Error::bad(
            "input.accessGap",
            "name at least one gap (access, participation, control or benefit)",
        ));
    }
    let list = |items: &[String], field: &str| -> Result<Vec<String>> {
        items
            .iter()
            .enumerate()
            .map(|(i, a)| required_text(a, &format!("{field}[{i}]")))
            .collect()
    };
    let actions = list(&input.actions, "input.actions")?;
    if actions.is_empty() {
        return Err(Error::bad("input.actions", "plan at least one action"));
    }
    let indicators = list(&input.indicators, "input.indicators")?;
    let [access, participation, control, benefit] = gaps;
    let data_pilah = text(&input.data_pilah, "input.dataPilah")?;
    let internal = text(&input.internal_causes, "input.internalCauses")?;
    let external = text(&input.external_causes, "input.externalCauses")?;
    let objective = text(&input.objective, "input.objective")?;
    let baseline = text(&input.baseline, "input.baseline")?;
    let txn = begin_write(&app.db).await?;
    let programme = programme_ref(&txn, &input.programme_id, "input.programmeId").await?;
    actor.require_write_in(&programme.region_code, "input.programmeId")?;
    let now = stamp();
    let model = gender_analysis::ActiveModel {
        id: Set(Uuid::now_v7()),
        programme_id: Set(programme.id),
        region_code: Set(programme.region_code.clone()),
        year: Set(y),
        data_pilah: Set(data_pilah),
        access_gap: Set(access),
        participation_gap: Set(participation),
        control_gap: Set(control),
        benefit_gap: Set(benefit),
        internal_causes: Set(internal),
        external_causes: Set(external),
        objective: Set(objective),
        actions: Set(serde_json::to_string(&actions).unwrap_or_default()),
        baseline: Set(baseline),
        indicators: Set(serde_json::to_string(&indicators).unwrap_or_default()),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}
