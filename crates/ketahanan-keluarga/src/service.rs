//! Use cases of the ketahanan-keluarga domain: authorisation, validation, one transaction per
//! write. Every mutation checks all of its input before it writes anything.

use chrono::NaiveDate;
use keluarga_core::entity::{activity, cadre_role, programme};
use keluarga_core::error::{Error, Result};
use keluarga_core::id::decode_uuid;
use keluarga_core::region_code::{RegionLevel, level_of};
use keluarga_core::service::{bump, not_future, optional_text, organisation_ref, stamp};
use keluarga_core::store::begin_write;
use keluarga_core::{Actor, AppContext};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::entity::{
    cadre_training, family_visit, ketahanan_answer, ketahanan_assessment,
    ketahanan_assessment_revision, ketahanan_framework, ketahanan_score, krppa_indicator, lokus,
};
use crate::framework::{Framework, Given, Scores};
use crate::input::*;
use crate::kinds::*;

/// A framework version with its parsed content.
#[derive(Debug, Clone)]
pub struct Versioned {
    /// The version number.
    pub version: i32,
    /// The content.
    pub framework: Framework,
    /// The stored row.
    pub row: ketahanan_framework::Model,
}

fn parse_row(row: ketahanan_framework::Model) -> Result<Versioned> {
    let framework = Framework::parse(&row.definition).map_err(|e| {
        Error::Db(sea_orm::DbErr::Custom(format!(
            "stored framework version {}: {e}",
            row.version
        )))
    })?;
    Ok(Versioned {
        version: row.version,
        framework,
        row,
    })
}

/// The current (latest) framework version.
pub async fn current_framework<C: ConnectionTrait>(db: &C) -> Result<Versioned> {
    let row = crate::store::latest_framework(db)
        .await?
        .ok_or_else(|| Error::NotFound("framework".into()))?;
    parse_row(row)
}

/// Framework version `version`.
pub async fn framework<C: ConnectionTrait>(db: &C, version: i32) -> Result<Versioned> {
    let row = crate::store::frameworks(db, &[version])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("framework version {version}")))?;
    parse_row(row)
}

/// Publishes a new framework version (ADMIN): the next number; older assessments keep theirs.
pub async fn publish_framework(
    app: &AppContext,
    actor: &Actor,
    definition: &str,
) -> Result<ketahanan_framework::Model> {
    if !actor.is_admin() {
        return Err(Error::forbidden("publish a framework version"));
    }
    let fw = Framework::parse(definition).map_err(|m| Error::bad("input.definition", m))?;
    let json =
        serde_json::to_string(&fw).map_err(|e| Error::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    let txn = begin_write(&app.db).await?;
    let next = current_framework(&txn).await.map_or(1, |v| v.version + 1);
    let row = ketahanan_framework::ActiveModel {
        id: Set(Uuid::now_v7()),
        version: Set(next),
        name: Set(fw.name.clone()),
        definition: Set(json),
        published_on: Set(app.clock.today()),
        published_by: Set(actor.subject.clone()),
        created_at: Set(stamp()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub use keluarga_core::service::family_in_scope;

/// A person in scope holding a cadre role in scope on `on` (BAD_USER_INPUT on `field`
/// otherwise).
pub async fn cadre_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    on: NaiveDate,
    field: &str,
) -> Result<Uuid> {
    let pid = decode_uuid(id, "Person", field)?;
    let role = keluarga_core::store::cadre_role_on(db, pid, &actor.scope, on).await?;
    if role.is_none() {
        return Err(Error::bad(
            field,
            "not a person with a cadre role in your scope on that day",
        ));
    }
    Ok(pid)
}

/// The sex letter of each family's head, where recorded.
pub async fn head_sexes<C: ConnectionTrait>(
    db: &C,
    families: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>> {
    keluarga_core::store::head_sexes(db, families).await
}

async fn head_sex<C: ConnectionTrait>(db: &C, family_id: Uuid) -> Result<Option<String>> {
    Ok(head_sexes(db, &[family_id]).await?.remove(&family_id))
}

fn givens(answers: &[AnswerInput]) -> Vec<Given> {
    answers
        .iter()
        .map(|a| Given {
            indicator: a.indicator,
            answer: a.answer,
            value: a.value,
        })
        .collect()
}

/// Scores `answers` with `fw`, naming a bad answer's input field.
pub fn score(fw: &Framework, answers: &[AnswerInput], field: &str) -> Result<Scores> {
    fw.score(&givens(answers))
        .map_err(|(f, m)| Error::bad(format!("{field}{f}"), m))
}

/// The answer and score rows of an assessment.
pub fn score_rows(
    assessment_id: Uuid,
    s: &Scores,
) -> (
    Vec<ketahanan_answer::ActiveModel>,
    Vec<ketahanan_score::ActiveModel>,
) {
    let answers = s
        .answers
        .iter()
        .map(|a| ketahanan_answer::ActiveModel {
            id: Set(Uuid::now_v7()),
            assessment_id: Set(assessment_id),
            indicator: Set(a.indicator),
            answer: Set(a.answer.as_str().to_owned()),
            value: Set(a.value),
        })
        .collect();
    let level = |level: &str, rows: &[(String, Option<f64>)]| {
        rows.iter()
            .map(|(code, score)| ketahanan_score::ActiveModel {
                id: Set(Uuid::now_v7()),
                assessment_id: Set(assessment_id),
                level: Set(level.to_owned()),
                code: Set(code.clone()),
                score: Set(*score),
            })
            .collect::<Vec<_>>()
    };
    let mut scores = level("VARIABLE", &s.variables);
    scores.extend(level("DIMENSION", &s.dimensions));
    (answers, scores)
}

async fn insert_scores<C: ConnectionTrait>(db: &C, id: Uuid, s: &Scores) -> Result<()> {
    let (answers, scores) = score_rows(id, s);
    ketahanan_answer::Entity::insert_many(answers)
        .exec(db)
        .await?;
    ketahanan_score::Entity::insert_many(scores)
        .exec(db)
        .await?;
    Ok(())
}

/// Records an assessment of a family, scored with the current framework version.
pub async fn record_assessment(
    app: &AppContext,
    actor: &Actor,
    input: RecordAssessmentInput,
) -> Result<ketahanan_assessment::Model> {
    actor.require_field_writer("record family assessments")?;
    let today = app.clock.today();
    not_future(today, input.assessed_on.into(), "input.assessedOn")?;
    let txn = begin_write(&app.db).await?;
    let fam = family_in_scope(&txn, actor, &input.family_id, "input.familyId").await?;
    let assessor = cadre_in_scope(
        &txn,
        actor,
        &input.assessor_id,
        input.assessed_on.into(),
        "input.assessorId",
    )
    .await?;
    let fw = current_framework(&txn).await?;
    let scores = score(&fw.framework, &input.answers, "input.answers")?;
    let now = stamp();
    let id = Uuid::now_v7();
    let model = ketahanan_assessment::ActiveModel {
        id: Set(id),
        family_id: Set(fam.id),
        region_code: Set(fam.region_code.clone()),
        assessed_on: Set(input.assessed_on.into()),
        assessor_id: Set(assessor),
        framework_version: Set(fw.version),
        index_score: Set(Some(scores.index)),
        category: Set(scores.category.clone()),
        head_sex: Set(head_sex(&txn, fam.id).await?),
        source: Set(AssessmentSource::Form.as_str().to_owned()),
        recorded_by: Set(actor.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    insert_scores(&txn, id, &scores).await?;
    keluarga_core::records::audit_write::<ketahanan_assessment::Entity, _>(
        &txn,
        actor,
        "CREATE",
        [id],
    )
    .await?;
    refresh_rollups(&txn, &[fam.id], &[model.assessed_on]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Corrects an assessment: re-scored with its own framework version, the previous answers kept
/// as a revision; a stale `version` is CONFLICT.
pub async fn correct_assessment(
    app: &AppContext,
    actor: &Actor,
    input: CorrectAssessmentInput,
) -> Result<ketahanan_assessment::Model> {
    actor.require_field_writer("correct family assessments")?;
    let id = decode_uuid(&input.id, "FamilyAssessment", "input.id")?;
    let reason = keluarga_core::service::required_text(&input.reason, "input.reason")?;
    not_future(
        app.clock.today(),
        input.assessed_on.into(),
        "input.assessedOn",
    )?;
    let txn = begin_write(&app.db).await?;
    let current = keluarga_core::store::by_id_in::<_, ketahanan_assessment::Entity>(
        &txn,
        id,
        ketahanan_assessment::Column::RegionCode,
        &actor.scope,
    )
    .await?
    .ok_or_else(|| Error::NotFound("assessment".into()))?;
    let fw = framework(&txn, current.framework_version).await?;
    let scores = score(&fw.framework, &input.answers, "input.answers")?;
    let previous_answers = crate::store::answers_of(&txn, id).await?;
    let previous = serde_json::json!({
        "version": current.version,
        "assessedOn": current.assessed_on,
        "index": current.index_score,
        "category": current.category,
        "answers": previous_answers
            .iter()
            .map(|a| serde_json::json!({"indicator": a.indicator, "answer": a.answer, "value": a.value}))
            .collect::<Vec<_>>(),
    })
    .to_string();
    let now = stamp();
    ketahanan_assessment_revision::ActiveModel {
        id: Set(Uuid::now_v7()),
        assessment_id: Set(id),
        version: Set(current.version),
        previous: Set(previous),
        reason: Set(reason),
        changed_by: Set(actor.subject.clone()),
        changed_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let am = ketahanan_assessment::ActiveModel {
        assessed_on: Set(input.assessed_on.into()),
        index_score: Set(Some(scores.index)),
        category: Set(scores.category.clone()),
        updated_at: Set(now),
        ..Default::default()
    };
    let updated = bump::<_, ketahanan_assessment::Entity, _>(&txn, am, id, input.version).await?;
    ketahanan_answer::Entity::delete_many()
        .filter(ketahanan_answer::Column::AssessmentId.eq(id))
        .exec(&txn)
        .await?;
    ketahanan_score::Entity::delete_many()
        .filter(ketahanan_score::Column::AssessmentId.eq(id))
        .exec(&txn)
        .await?;
    insert_scores(&txn, id, &scores).await?;
    keluarga_core::records::audit_write::<ketahanan_assessment::Entity, _>(
        &txn,
        actor,
        "UPDATE",
        [id],
    )
    .await?;
    refresh_rollups(
        &txn,
        &[current.family_id],
        &[current.assessed_on, updated.assessed_on],
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Keeps the assessment rollups exact after a write of `families`' assessments dated `dates`
/// (old and new): every village where those families have assessments is recomputed for the
/// periods of those dates, in the write's transaction.
pub(crate) async fn refresh_rollups<C: ConnectionTrait>(
    txn: &C,
    families: &[Uuid],
    dates: &[NaiveDate],
) -> Result<()> {
    let villages = crate::store::assessment_villages(txn, families).await?;
    for r in crate::stats::ROLLUPS {
        keluarga_core::rollup::refresh(txn, r, &villages, dates).await?;
    }
    Ok(())
}

fn check_follow_up(visit: NaiveDate, next: Option<NaiveDate>, field: &str) -> Result<()> {
    match next {
        Some(d) if d < visit => Err(Error::bad(field, "must not be before the visit")),
        _ => Ok(()),
    }
}

/// Records a family visit.
pub async fn record_visit(
    app: &AppContext,
    actor: &Actor,
    input: RecordVisitInput,
) -> Result<family_visit::Model> {
    actor.require_field_writer("record family visits")?;
    not_future(
        app.clock.today(),
        input.visited_on.into(),
        "input.visitedOn",
    )?;
    check_follow_up(
        input.visited_on.into(),
        input.follow_up_on.map(Into::into),
        "input.followUpOn",
    )?;
    let issue_note = optional_text(input.issue_note.as_deref(), "input.issueNote")?;
    let action_taken = optional_text(input.action_taken.as_deref(), "input.actionTaken")?;
    let txn = begin_write(&app.db).await?;
    let fam = family_in_scope(&txn, actor, &input.family_id, "input.familyId").await?;
    let visitor = cadre_in_scope(
        &txn,
        actor,
        &input.visitor_id,
        input.visited_on.into(),
        "input.visitorId",
    )
    .await?;
    let referral = match &input.referral_organisation_id {
        Some(o) => Some(organisation_ref(&txn, o, "input.referralOrganisationId").await?),
        None => None,
    };
    let has = |i: VisitIssue| input.issues.contains(&i);
    let now = stamp();
    let model = family_visit::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(fam.id),
        region_code: Set(fam.region_code.clone()),
        visited_on: Set(input.visited_on.into()),
        visitor_id: Set(visitor),
        recorded_by: Set(actor.subject.clone()),
        head_sex: Set(head_sex(&txn, fam.id).await?),
        violence_against_women: Set(has(VisitIssue::ViolenceAgainstWomen)),
        violence_against_children: Set(has(VisitIssue::ViolenceAgainstChildren)),
        stunting_risk: Set(has(VisitIssue::StuntingRisk)),
        economic_hardship: Set(has(VisitIssue::EconomicHardship)),
        child_marriage: Set(has(VisitIssue::ChildMarriage)),
        child_labour: Set(has(VisitIssue::ChildLabour)),
        other_issue: Set(has(VisitIssue::Other)),
        violence: Set(input.issues.iter().any(|i| i.is_violence())),
        issue_note: Set(issue_note),
        action_taken: Set(action_taken),
        referral_organisation_id: Set(referral),
        follow_up_on: Set(input.follow_up_on.map(Into::into)),
        outcome: Set(if referral.is_some() {
            VisitOutcome::Referred
        } else {
            VisitOutcome::Pending
        }
        .as_str()
        .to_owned()),
        outcome_note: Set(None),
        followed_up_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    keluarga_core::records::audit_write::<family_visit::Entity, _>(
        &txn,
        actor,
        "CREATE",
        [model.id],
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Records the follow-up of a visit (only of a visit the actor may read).
pub async fn follow_up_visit(
    app: &AppContext,
    actor: &Actor,
    input: FollowUpVisitInput,
) -> Result<family_visit::Model> {
    actor.require_field_writer("follow up family visits")?;
    let id = decode_uuid(&input.id, "FamilyVisit", "input.id")?;
    not_future(
        app.clock.today(),
        input.followed_up_on.into(),
        "input.followedUpOn",
    )?;
    let note = optional_text(input.outcome_note.as_deref(), "input.outcomeNote")?;
    let txn = begin_write(&app.db).await?;
    let current = crate::store::visit_for(&txn, actor, id)
        .await?
        .ok_or_else(|| Error::NotFound("visit".into()))?;
    check_follow_up(
        current.visited_on,
        Some(input.followed_up_on.into()),
        "input.followedUpOn",
    )?;
    check_follow_up(
        current.visited_on,
        input.follow_up_on.map(Into::into),
        "input.followUpOn",
    )?;
    let am = family_visit::ActiveModel {
        followed_up_on: Set(Some(input.followed_up_on.into())),
        outcome: Set(input.outcome.as_str().to_owned()),
        outcome_note: Set(note),
        follow_up_on: Set(input.follow_up_on.map(Into::into)),
        updated_at: Set(stamp()),
        ..Default::default()
    };
    let updated = bump::<_, family_visit::Entity, _>(&txn, am, id, input.version).await?;
    keluarga_core::records::audit_write::<family_visit::Entity, _>(&txn, actor, "UPDATE", [id])
        .await?;
    txn.commit().await?;
    Ok(updated)
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

fn year(y: i32, field: &str) -> Result<i32> {
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(Error::bad(field, "must be a year between 2000 and 2100"))
    }
}

/// Sets one KRPPA indicator's status for a village and year (OPERATOR/ADMIN in scope).
pub async fn set_krppa_indicator(
    app: &AppContext,
    actor: &Actor,
    input: SetKrppaIndicatorInput,
) -> Result<krppa_indicator::Model> {
    village(actor, &input.region_code, "input.regionCode")?;
    let y = year(input.year, "input.year")?;
    if !(1..=10).contains(&input.indicator) {
        return Err(Error::bad("input.indicator", "KRPPA has indicators 1–10"));
    }
    if let Some(d) = input.assessed_on {
        not_future(app.clock.today(), d.into(), "input.assessedOn")?;
    }
    let evidence = optional_text(input.evidence.as_deref(), "input.evidence")?;
    let txn = begin_write(&app.db).await?;
    let existing =
        crate::store::krppa_indicator(&txn, &input.region_code, y, input.indicator).await?;
    let now = stamp();
    let model = keluarga_core::service::upsert::<_, krppa_indicator::Entity, _>(
        &txn,
        existing.map(|e| (e.id, e.version)),
        krppa_indicator::ActiveModel {
            status: Set(input.status.as_str().to_owned()),
            evidence: Set(evidence.clone()),
            assessed_on: Set(input.assessed_on.map(NaiveDate::from)),
            assessed_by: Set(actor.subject.clone()),
            updated_at: Set(now),
            ..Default::default()
        },
        || krppa_indicator::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_code: Set(input.region_code.clone()),
            year: Set(y),
            indicator: Set(input.indicator),
            status: Set(input.status.as_str().to_owned()),
            evidence: Set(evidence),
            assessed_on: Set(input.assessed_on.map(Into::into)),
            assessed_by: Set(actor.subject.clone()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Designates a village as a locus of a programme for a year (OPERATOR/ADMIN in scope).
pub async fn designate_lokus(
    app: &AppContext,
    actor: &Actor,
    input: DesignateLokusInput,
) -> Result<lokus::Model> {
    village(actor, &input.region_code, "input.regionCode")?;
    let y = year(input.year, "input.year")?;
    if let Some(d) = input.designated_on {
        not_future(app.clock.today(), d.into(), "input.designatedOn")?;
    }
    let note = optional_text(input.note.as_deref(), "input.note")?;
    let programme_id = decode_uuid(&input.programme_id, "Programme", "input.programmeId")?;
    let txn = begin_write(&app.db).await?;
    keluarga_core::store::by_id::<_, programme::Entity>(&txn, programme_id)
        .await?
        .ok_or_else(|| Error::bad("input.programmeId", "no such programme"))?;
    let activity_id = match &input.activity_id {
        Some(a) => {
            let id = decode_uuid(a, "Activity", "input.activityId")?;
            keluarga_core::store::by_id::<_, activity::Entity>(&txn, id)
                .await?
                .ok_or_else(|| Error::bad("input.activityId", "no such activity"))?;
            Some(id)
        }
        None => None,
    };
    let now = stamp();
    let model = lokus::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_code: Set(input.region_code.clone()),
        programme_id: Set(programme_id),
        year: Set(y),
        designated_on: Set(input.designated_on.map(Into::into)),
        activity_id: Set(activity_id),
        note: Set(note),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::Conflict("this village is already a locus of the programme in that year".into())
        }
        _ => e.into(),
    })?;
    txn.commit().await?;
    Ok(model)
}

/// Records a training stage completed by a cadre (OPERATOR/ADMIN in scope).
pub async fn record_cadre_training(
    app: &AppContext,
    actor: &Actor,
    input: RecordCadreTrainingInput,
) -> Result<cadre_training::Model> {
    actor.require_registry_writer("record cadre training")?;
    if !(1..=20).contains(&input.stage) {
        return Err(Error::bad("input.stage", "must be a stage from 1 to 20"));
    }
    not_future(
        app.clock.today(),
        input.trained_on.into(),
        "input.trainedOn",
    )?;
    let course = optional_text(input.course.as_deref(), "input.course")?;
    let role_id = decode_uuid(&input.cadre_role_id, "CadreRole", "input.cadreRoleId")?;
    let txn = begin_write(&app.db).await?;
    let role = keluarga_core::store::by_id_in::<_, cadre_role::Entity>(
        &txn,
        role_id,
        cadre_role::Column::RegionCode,
        &actor.scope,
    )
    .await?
    .ok_or_else(|| Error::bad("input.cadreRoleId", "no such cadre role in your scope"))?;
    let now = stamp();
    let model = cadre_training::ActiveModel {
        id: Set(Uuid::now_v7()),
        cadre_role_id: Set(role.id),
        region_code: Set(role.region_code.clone()),
        stage: Set(input.stage),
        trained_on: Set(input.trained_on.into()),
        course: Set(course),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::Conflict("this cadre's training stage is already recorded".into())
        }
        _ => e.into(),
    })?;
    keluarga_core::records::audit_write::<cadre_training::Entity, _>(
        &txn,
        actor,
        "CREATE",
        [model.id],
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}
