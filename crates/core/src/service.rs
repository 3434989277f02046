//! Use cases of the shared registry: authorisation against the actor, validation, transactions.
//! Every mutation validates all of its input before it writes, and writes in one transaction.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::actor::{Actor, Role, Scope};
use crate::context::AppContext;
use crate::entity::{
    activity, activity_organiser, activity_participant, activity_participant_count, api_key,
    cadre_role, commitment, family, family_member, household, organisation, person, programme,
    programme_target,
};
use crate::error::{Error, Result};
use crate::id::decode_uuid;
use crate::input::*;
use crate::kinds::Relationship;
use crate::region_code::RegionLevel;
use crate::store;

const VILLAGE: &[RegionLevel] = &[RegionLevel::Village];
const ANY_LEVEL: &[RegionLevel] = &[
    RegionLevel::Province,
    RegionLevel::Regency,
    RegionLevel::District,
    RegionLevel::Village,
];

/// `d`, unless it is after `today` (BAD_USER_INPUT on `field`).
pub fn not_future(today: NaiveDate, d: NaiveDate, field: &str) -> Result<NaiveDate> {
    if d > today {
        Err(Error::bad(field, "must not be in the future"))
    } else {
        Ok(d)
    }
}

/// BAD_USER_INPUT on `field` when `t` holds a control character other than a line break or a
/// tab (a NUL cuts text short in some drivers and tools; nothing typed in a form is one).
pub fn no_control(t: &str, field: &str) -> Result<()> {
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::bad(field, "must not contain control characters"));
    }
    Ok(())
}

/// `s` trimmed: BAD_USER_INPUT on `field` when empty, over 300 characters or holding a control
/// character.
pub fn required_text(s: &str, field: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::bad(field, "must not be empty"));
    }
    if t.chars().count() > 300 {
        return Err(Error::bad(field, "must be at most 300 characters"));
    }
    no_control(t, field)?;
    Ok(t.to_owned())
}

pub fn optional_text(s: Option<&str>, field: &str) -> Result<Option<String>> {
    match s.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => required_text(t, field).map(Some),
    }
}

/// RW/RT numbers are 1–3 digits, stored zero-padded to 3 (`003`).
pub fn rt_rw(s: Option<&str>, field: &str) -> Result<Option<String>> {
    match s.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) => {
            let n: u32 = t.parse().unwrap_or(0);
            if n == 0 {
                return Err(Error::bad(field, "must be 001 or more"));
            }
            Ok(Some(format!("{n:03}")))
        }
        Some(_) => Err(Error::bad(field, "must be a number of 1–3 digits")),
    }
}

fn non_negative(n: i32, field: &str) -> Result<i32> {
    if n < 0 {
        Err(Error::bad(field, "must not be negative"))
    } else {
        Ok(n)
    }
}

/// Loads a row by global id that must exist inside the actor's scope.
pub async fn in_scope_row<C, E>(
    db: &C,
    actor: &Actor,
    id: Uuid,
    region_col: E::Column,
    what: &str,
) -> Result<E::Model>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = Uuid>,
{
    store::by_id_in::<_, E>(db, id, region_col, &actor.scope)
        .await?
        .ok_or_else(|| Error::NotFound(what.to_owned()))
}

/// The family with global id `id` inside the actor's scope (NOT_FOUND otherwise, the same for
/// an unknown family and one elsewhere): what a domain's write about a family starts from.
pub async fn family_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<family::Model> {
    let id = decode_uuid(id, "Family", field)?;
    store::by_id_in::<_, family::Entity>(db, id, family::Column::RegionCode, &actor.scope)
        .await?
        .ok_or_else(|| Error::NotFound("family".into()))
}

/// Organisations are reference data: one outside the actor's scope may be named (a provincial
/// body organising a city activity), but it must exist.
pub async fn organisation_ref<C: ConnectionTrait>(
    db: &C,
    id: &async_graphql::ID,
    field: &str,
) -> Result<Uuid> {
    let id = decode_uuid(id, "Organisation", field)?;
    store::by_id::<_, organisation::Entity>(db, id)
        .await?
        .ok_or_else(|| Error::bad(field, "no such organisation"))?;
    Ok(id)
}

pub async fn person_ref<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<Uuid> {
    Ok(person_in_scope(db, actor, id, field).await?.id)
}

/// The person with global id `id` inside the actor's scope, or BAD_USER_INPUT on `field`.
pub async fn person_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &async_graphql::ID,
    field: &str,
) -> Result<person::Model> {
    let id = decode_uuid(id, "Person", field)?;
    store::by_id_in::<_, person::Entity>(db, id, person::Column::RegionCode, &actor.scope)
        .await?
        .ok_or_else(|| Error::bad(field, "no such person in your scope"))
}

/// The programme with global id `id`, or BAD_USER_INPUT on `field` (programmes are reference
/// data: one of another region may be named).
pub async fn programme_ref<C: ConnectionTrait>(
    db: &C,
    id: &async_graphql::ID,
    field: &str,
) -> Result<programme::Model> {
    let id = decode_uuid(id, "Programme", field)?;
    store::by_id::<_, programme::Entity>(db, id)
        .await?
        .ok_or_else(|| Error::bad(field, "no such programme"))
}

pub fn stamp() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// Creates an organisation.
pub async fn create_organisation(
    app: &AppContext,
    actor: &Actor,
    input: CreateOrganisationInput,
) -> Result<organisation::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let txn = crate::store::begin_write(&app.db).await?;
    store::require_region(&txn, &input.region_code, ANY_LEVEL, "input.regionCode").await?;
    let parent_id = match &input.parent_id {
        Some(p) => Some(organisation_ref(&txn, p, "input.parentId").await?),
        None => None,
    };
    let now = stamp();
    let model = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(required_text(&input.name, "input.name")?),
        acronym: Set(optional_text(input.acronym.as_deref(), "input.acronym")?),
        kind: Set(input.kind.as_str().to_owned()),
        region_code: Set(input.region_code),
        parent_id: Set(parent_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Updates an organisation if `version` is still current.
pub async fn update_organisation(
    app: &AppContext,
    actor: &Actor,
    input: UpdateOrganisationInput,
) -> Result<organisation::Model> {
    actor.require_registry_writer("change registry records")?;
    let id = decode_uuid(&input.id, "Organisation", "input.id")?;
    let txn = crate::store::begin_write(&app.db).await?;
    let current = in_scope_row::<_, organisation::Entity>(
        &txn,
        actor,
        id,
        organisation::Column::RegionCode,
        "organisation",
    )
    .await?;
    let mut am: organisation::ActiveModel = current.clone().into();
    if let Some(name) = &input.name {
        am.name = Set(required_text(name, "input.name")?);
    }
    if input.acronym.is_some() {
        am.acronym = Set(optional_text(input.acronym.as_deref(), "input.acronym")?);
    }
    if let Some(kind) = input.kind {
        am.kind = Set(kind.as_str().to_owned());
    }
    am.updated_at = Set(stamp());
    let updated = bump::<_, organisation::Entity, _>(&txn, am, id, input.version).await?;
    txn.commit().await?;
    Ok(updated)
}

/// `version` as a client sent it (`input.version`): BAD_USER_INPUT when negative, since no
/// record has such a version, or at the largest version, which cannot be incremented.
pub fn check_version(version: i32) -> Result<i32> {
    if version < 0 {
        return Err(Error::bad("input.version", "must not be negative"));
    }
    if version == i32::MAX {
        return Err(Error::bad(
            "input.version",
            "is not a version a record can have",
        ));
    }
    Ok(version)
}

/// Writes `am` only if the stored version is `version` (`input.version`, checked by
/// [`check_version`]), and increments it.
pub async fn bump_version<C, E, A>(
    db: &C,
    am: A,
    id: Uuid,
    version: i32,
    id_col: E::Column,
    version_col: E::Column,
) -> Result<E::Model>
where
    C: ConnectionTrait,
    E: EntityTrait<ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + Send,
    E::Model: sea_orm::IntoActiveModel<A>,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = Uuid>,
{
    use sea_orm::sea_query::Expr;
    let version = check_version(version)?;
    let res = E::update_many()
        .set(am)
        .col_expr(version_col, Expr::value(version + 1))
        .filter(id_col.eq(id))
        .filter(version_col.eq(version))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::Conflict(format!(
            "the record was changed by someone else (your version {version} is stale); read it again"
        )));
    }
    store::by_id::<_, E>(db, id)
        .await?
        .ok_or_else(|| Error::NotFound("record".to_owned()))
}

/// [`bump_version`] of a record by its own columns: its primary key and its `version` column.
pub async fn bump<C, E, A>(db: &C, am: A, id: Uuid, version: i32) -> Result<E::Model>
where
    C: ConnectionTrait,
    E: crate::records::Record + EntityTrait<ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + Send,
    E::Model: sea_orm::IntoActiveModel<A>,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = Uuid>,
    E::Column: std::str::FromStr,
{
    let version_col = <E::Column as std::str::FromStr>::from_str("version").map_err(|_| {
        Error::Db(sea_orm::DbErr::Custom(format!(
            "{} has no version column",
            E::TYPE
        )))
    })?;
    bump_version::<C, E, A>(db, am, id, version, E::id_col(), version_col).await
}

/// The version rule of a "set" mutation, which names its row by a natural key (a region, a year,
/// an indicator) and creates or updates it: a client that updates passes the version it read
/// (`input.version`), one that creates passes none. `existing` is the stored row's version.
pub fn check_set_version(existing: Option<i32>, given: Option<i32>, what: &str) -> Result<()> {
    if let Some(g) = given {
        check_version(g)?;
    }
    match (existing, given) {
        (None, Some(_)) => Err(Error::NotFound(what.to_owned())),
        (Some(v), None) => Err(Error::bad(
            "input.version",
            format!(
                "required: the {what} is already recorded (version {v}); read it and pass its version"
            ),
        )),
        (Some(v), Some(g)) if v != g => Err(Error::Conflict(format!(
            "the record was changed by someone else (your version {g} is stale); read it again"
        ))),
        _ => Ok(()),
    }
}

/// The write of a "set" mutation: `changes` on the `existing` row (its id and stored version; the
/// version is bumped, and a concurrent change is `CONFLICT`), or else `create()` inserted.
pub async fn upsert<C, E, A>(
    db: &C,
    existing: Option<(Uuid, i32)>,
    changes: A,
    create: impl FnOnce() -> A,
) -> Result<E::Model>
where
    C: ConnectionTrait,
    E: crate::records::Record + EntityTrait<ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
    E::Model: sea_orm::IntoActiveModel<A>,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = Uuid>,
    E::Column: std::str::FromStr,
{
    match existing {
        Some((id, version)) => bump::<C, E, A>(db, changes, id, version).await,
        None => Ok(create().insert(db).await?),
    }
}

/// Creates a programme with its targets.
pub async fn create_programme(
    app: &AppContext,
    actor: &Actor,
    input: CreateProgrammeInput,
) -> Result<programme::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let txn = crate::store::begin_write(&app.db).await?;
    store::require_region(&txn, &input.region_code, ANY_LEVEL, "input.regionCode").await?;
    let owner_id = match &input.owner_id {
        Some(o) => Some(organisation_ref(&txn, o, "input.ownerId").await?),
        None => None,
    };
    let launched_on = input
        .launched_on
        .map(|d| not_future(app.clock.today(), d.into(), "input.launchedOn"))
        .transpose()?;
    let id = Uuid::now_v7();
    let mut targets = Vec::new();
    for (i, t) in input.targets.iter().enumerate() {
        let f = |name: &str| format!("input.targets[{i}].{name}");
        let target_value = non_negative(t.target_value, &f("targetValue"))?;
        let achieved_value = t
            .achieved_value
            .map(|a| non_negative(a, &f("achievedValue")))
            .transpose()?;
        if let (Some(due), Some(launch)) = (t.due_on, launched_on)
            && due < launch
        {
            return Err(Error::bad(f("dueOn"), "must not be before the launch"));
        }
        if let Some(asof) = t.achieved_as_of {
            not_future(app.clock.today(), asof.into(), &f("achievedAsOf"))?;
        }
        targets.push(programme_target::ActiveModel {
            id: Set(Uuid::now_v7()),
            programme_id: Set(id),
            measure: Set(required_text(&t.measure, &f("measure"))?),
            target_value: Set(target_value),
            due_on: Set(t.due_on.map(Into::into)),
            achieved_value: Set(achieved_value),
            achieved_as_of: Set(t.achieved_as_of.map(Into::into)),
        });
    }
    let now = stamp();
    let model = programme::ActiveModel {
        id: Set(id),
        name: Set(required_text(&input.name, "input.name")?),
        description: Set(optional_text(
            input.description.as_deref(),
            "input.description",
        )?),
        domain: Set(input.domain.as_str().to_owned()),
        owner_id: Set(owner_id),
        region_code: Set(input.region_code),
        launched_on: Set(launched_on),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if !targets.is_empty() {
        programme_target::Entity::insert_many(targets)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// Creates an activity with organisers, participant counts, named participants and commitments.
pub async fn create_activity(
    app: &AppContext,
    actor: &Actor,
    input: CreateActivityInput,
) -> Result<activity::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let txn = crate::store::begin_write(&app.db).await?;
    store::require_region(&txn, &input.region_code, ANY_LEVEL, "input.regionCode").await?;
    let programme = match &input.programme_id {
        Some(p) => Some(programme_ref(&txn, p, "input.programmeId").await?),
        None => None,
    };
    if let Some(launch) = programme.as_ref().and_then(|p| p.launched_on)
        && input.held_on < launch
    {
        return Err(Error::bad(
            "input.heldOn",
            format!("must not be before the programme's launch on {launch}"),
        ));
    }
    if let Some(stage) = input.stage
        && stage < 1
    {
        return Err(Error::bad("input.stage", "must be 1 or more"));
    }
    let total = input
        .total_participants
        .map(|t| non_negative(t, "input.totalParticipants"))
        .transpose()?;
    let mut sum: i64 = 0;
    for (i, c) in input.participant_counts.iter().enumerate() {
        sum += i64::from(non_negative(
            c.count,
            &format!("input.participantCounts[{i}].count"),
        )?);
    }
    if let Some(t) = total
        && !input.participant_counts.is_empty()
        && sum != i64::from(t)
    {
        return Err(Error::bad(
            "input.participantCounts",
            format!("counts add up to {sum}, but totalParticipants is {t}"),
        ));
    }
    let id = Uuid::now_v7();
    let mut organisers = Vec::new();
    for (i, o) in input.organisers.iter().enumerate() {
        let oid = organisation_ref(
            &txn,
            &o.organisation_id,
            &format!("input.organisers[{i}].organisationId"),
        )
        .await?;
        organisers.push(activity_organiser::ActiveModel {
            id: Set(Uuid::now_v7()),
            activity_id: Set(id),
            organisation_id: Set(oid),
            role: Set(o.role.as_str().to_owned()),
        });
    }
    let mut participants = Vec::new();
    let mut seen = HashSet::new();
    for (i, p) in input.participants.iter().enumerate() {
        let field = format!("input.participants[{i}].personId");
        let pid = person_ref(&txn, actor, &p.person_id, &field).await?;
        if !seen.insert(pid) {
            return Err(Error::bad(field, "the same person is listed twice"));
        }
        participants.push(activity_participant::ActiveModel {
            id: Set(Uuid::now_v7()),
            activity_id: Set(id),
            person_id: Set(pid),
            participant_group: Set(p.group.as_str().to_owned()),
        });
    }
    let mut commitments = Vec::new();
    for (i, c) in input.commitments.iter().enumerate() {
        let oid = match &c.organisation_id {
            Some(o) => Some(
                organisation_ref(&txn, o, &format!("input.commitments[{i}].organisationId"))
                    .await?,
            ),
            None => None,
        };
        commitments.push(commitment::ActiveModel {
            id: Set(Uuid::now_v7()),
            activity_id: Set(id),
            organisation_id: Set(oid),
            signatory_name: Set(required_text(
                &c.signatory_name,
                &format!("input.commitments[{i}].signatoryName"),
            )?),
            signatory_title: Set(optional_text(
                c.signatory_title.as_deref(),
                &format!("input.commitments[{i}].signatoryTitle"),
            )?),
            statement: Set(optional_text(
                c.statement.as_deref(),
                &format!("input.commitments[{i}].statement"),
            )?),
        });
    }
    let counts: Vec<_> = input
        .participant_counts
        .iter()
        .map(|c| activity_participant_count::ActiveModel {
            id: Set(Uuid::now_v7()),
            activity_id: Set(id),
            participant_group: Set(c.group.as_str().to_owned()),
            sex: Set(c.sex.map(|s| s.letter().to_owned())),
            count: Set(c.count),
            note: Set(c.note.clone()),
        })
        .collect();
    let now = stamp();
    let model = activity::ActiveModel {
        id: Set(id),
        title: Set(required_text(&input.title, "input.title")?),
        kind: Set(input.kind.as_str().to_owned()),
        held_on: Set(input.held_on.into()),
        venue: Set(optional_text(input.venue.as_deref(), "input.venue")?),
        region_code: Set(input.region_code),
        programme_id: Set(programme.map(|p| p.id)),
        stage: Set(input.stage),
        total_participants: Set(total),
        description: Set(optional_text(
            input.description.as_deref(),
            "input.description",
        )?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if !organisers.is_empty() {
        activity_organiser::Entity::insert_many(organisers)
            .exec(&txn)
            .await?;
    }
    if !participants.is_empty() {
        activity_participant::Entity::insert_many(participants)
            .exec(&txn)
            .await?;
    }
    if !counts.is_empty() {
        activity_participant_count::Entity::insert_many(counts)
            .exec(&txn)
            .await?;
    }
    if !commitments.is_empty() {
        commitment::Entity::insert_many(commitments)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// Creates a household.
pub async fn create_household(
    app: &AppContext,
    actor: &Actor,
    input: CreateHouseholdInput,
) -> Result<household::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let txn = crate::store::begin_write(&app.db).await?;
    store::require_region(&txn, &input.region_code, VILLAGE, "input.regionCode").await?;
    let now = stamp();
    let model = household::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_code: Set(input.region_code),
        rw: Set(rt_rw(input.rw.as_deref(), "input.rw")?),
        rt: Set(rt_rw(input.rt.as_deref(), "input.rt")?),
        dasawisma: Set(optional_text(
            input.dasawisma.as_deref(),
            "input.dasawisma",
        )?),
        address: Set(optional_text(input.address.as_deref(), "input.address")?),
        registered_on: Set(not_future(
            app.clock.today(),
            input
                .registered_on
                .map_or_else(|| app.clock.today(), Into::into),
            "input.registeredOn",
        )?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::records::audit_write::<household::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Creates a family with its members.
pub async fn create_family(
    app: &AppContext,
    actor: &Actor,
    input: CreateFamilyInput,
) -> Result<family::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let txn = crate::store::begin_write(&app.db).await?;
    store::require_region(&txn, &input.region_code, VILLAGE, "input.regionCode").await?;
    let household_id = match &input.household_id {
        Some(h) => {
            let id = decode_uuid(h, "Household", "input.householdId")?;
            store::by_id_in::<_, household::Entity>(
                &txn,
                id,
                household::Column::RegionCode,
                &actor.scope,
            )
            .await?
            .ok_or_else(|| Error::bad("input.householdId", "no such household in your scope"))?;
            Some(id)
        }
        None => None,
    };
    let kk = input
        .kk_number
        .as_deref()
        .map(|k| app.pii.kk(k, "input.kkNumber"))
        .transpose()?;
    if let Some(kk) = &kk {
        let taken = store::family_by_kk(&txn, &kk.hash).await?;
        if taken.is_some() {
            return Err(Error::Conflict(
                "input.kkNumber: a family with this KK number is already registered".to_owned(),
            ));
        }
    }
    let id = Uuid::now_v7();
    let members = member_rows(&txn, actor, id, &input.members).await?;
    let now = stamp();
    let model = family::ActiveModel {
        id: Set(id),
        household_id: Set(household_id),
        region_code: Set(input.region_code),
        kk_hash: Set(kk.as_ref().map(|k| k.hash.clone())),
        kk_last4: Set(kk.map(|k| k.last4)),
        registered_on: Set(not_future(
            app.clock.today(),
            input
                .registered_on
                .map_or_else(|| app.clock.today(), Into::into),
            "input.registeredOn",
        )?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if !members.is_empty() {
        family_member::Entity::insert_many(members)
            .exec(&txn)
            .await?;
    }
    crate::records::audit_write::<family::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    txn.commit().await?;
    Ok(model)
}

async fn member_rows<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    family_id: Uuid,
    members: &[FamilyMemberInput],
) -> Result<Vec<family_member::ActiveModel>> {
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    let mut heads = 0;
    for (i, m) in members.iter().enumerate() {
        let field = format!("input.members[{i}].personId");
        let pid = person_ref(db, actor, &m.person_id, &field).await?;
        if !seen.insert(pid) {
            return Err(Error::bad(field, "the same person is listed twice"));
        }
        if m.relationship == Relationship::Head {
            heads += 1;
            if heads > 1 {
                return Err(Error::bad(
                    format!("input.members[{i}].relationship"),
                    "a family has one head",
                ));
            }
        }
        rows.push(family_member::ActiveModel {
            id: Set(Uuid::now_v7()),
            family_id: Set(family_id),
            person_id: Set(pid),
            relationship: Set(m.relationship.as_str().to_owned()),
        });
    }
    Ok(rows)
}

/// Adds a person to a family.
pub async fn add_family_member(
    app: &AppContext,
    actor: &Actor,
    input: AddFamilyMemberInput,
) -> Result<family_member::Model> {
    actor.require_registry_writer("change registry records")?;
    let family_id = decode_uuid(&input.family_id, "Family", "input.familyId")?;
    let txn = crate::store::begin_write(&app.db).await?;
    in_scope_row::<_, family::Entity>(&txn, actor, family_id, family::Column::RegionCode, "family")
        .await?;
    let members = store::members_of(&txn, family_id).await?;
    let pid = person_ref(&txn, actor, &input.person_id, "input.personId").await?;
    if members.iter().any(|m| m.person_id == pid) {
        return Err(Error::bad(
            "input.personId",
            "already a member of this family",
        ));
    }
    if input.relationship == Relationship::Head
        && members
            .iter()
            .any(|m| m.relationship == Relationship::Head.as_str())
    {
        return Err(Error::bad(
            "input.relationship",
            "the family already has a head",
        ));
    }
    let model = family_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family_id),
        person_id: Set(pid),
        relationship: Set(input.relationship.as_str().to_owned()),
    }
    .insert(&txn)
    .await?;
    crate::records::audit_write::<family_member::Entity, _>(&txn, actor, "CREATE", [model.id])
        .await?;
    txn.commit().await?;
    Ok(model)
}

/// Creates a person; the NIK is kept only as a keyed hash and its last four digits.
pub async fn create_person(
    app: &AppContext,
    actor: &Actor,
    input: CreatePersonInput,
) -> Result<person::Model> {
    let txn = crate::store::begin_write(&app.db).await?;
    let model = insert_person(&txn, app, actor, input, "input.").await?;
    txn.commit().await?;
    Ok(model)
}

/// Registers a person inside the caller's transaction (a domain registering a child together with
/// the person); errors name fields under `prefix` (`input.person.`).
pub async fn insert_person<C: ConnectionTrait>(
    txn: &C,
    app: &AppContext,
    actor: &Actor,
    input: CreatePersonInput,
    prefix: &str,
) -> Result<person::Model> {
    let f = |name: &str| format!("{prefix}{name}");
    actor.require_write_in(&input.region_code, &f("regionCode"))?;
    store::require_region(txn, &input.region_code, VILLAGE, &f("regionCode")).await?;
    let nik = input
        .nik
        .as_deref()
        .map(|n| app.pii.nik(n, &f("nik")))
        .transpose()?;
    let birth_date = input
        .birth_date
        .map(|d| not_future(app.clock.today(), d.into(), &f("birthDate")))
        .transpose()?;
    if let Some(b) = birth_date
        && b < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(b)
    {
        return Err(Error::bad(f("birthDate"), "must be in 1900 or later"));
    }
    if let Some(nik) = &nik {
        let taken = store::person_by_nik(txn, &nik.hash).await?;
        if taken.is_some() {
            return Err(Error::Conflict(format!(
                "{}: a person with this NIK is already registered",
                f("nik")
            )));
        }
    }
    let now = stamp();
    let model = person::ActiveModel {
        id: Set(Uuid::now_v7()),
        full_name: Set(required_text(&input.full_name, &f("fullName"))?),
        sex: Set(input.sex.letter().to_owned()),
        birth_date: Set(birth_date),
        region_code: Set(input.region_code),
        rw: Set(rt_rw(input.rw.as_deref(), &f("rw"))?),
        rt: Set(rt_rw(input.rt.as_deref(), &f("rt"))?),
        dasawisma: Set(optional_text(input.dasawisma.as_deref(), &f("dasawisma"))?),
        nik_hash: Set(nik.as_ref().map(|n| n.hash.clone())),
        nik_last4: Set(nik.map(|n| n.last4)),
        registered_on: Set(not_future(
            app.clock.today(),
            input
                .registered_on
                .map_or_else(|| app.clock.today(), Into::into),
            &f("registeredOn"),
        )?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    crate::records::audit_write::<person::Entity, _>(txn, actor, "CREATE", [model.id]).await?;
    Ok(model)
}

/// Updates a person if `version` is still current.
pub async fn update_person(
    app: &AppContext,
    actor: &Actor,
    input: UpdatePersonInput,
) -> Result<person::Model> {
    actor.require_registry_writer("change registry records")?;
    let id = decode_uuid(&input.id, "Person", "input.id")?;
    let txn = crate::store::begin_write(&app.db).await?;
    let current =
        in_scope_row::<_, person::Entity>(&txn, actor, id, person::Column::RegionCode, "person")
            .await?;
    let mut am: person::ActiveModel = current.into();
    if let Some(name) = &input.full_name {
        am.full_name = Set(required_text(name, "input.fullName")?);
    }
    if let Some(code) = &input.region_code {
        actor.require_write_in(code, "input.regionCode")?;
        store::require_region(&txn, code, VILLAGE, "input.regionCode").await?;
        am.region_code = Set(code.clone());
        // Domain rows that are seen where the person lives (a child's stunting record) move too.
        for table in &app.person_region_tables {
            let mut b = store::Binder::new(txn.get_database_backend());
            // Like every update, the move bumps the rows' version (a client holding the old one
            // gets CONFLICT) and their updated_at.
            let sql = format!(
                "UPDATE {table} SET region_code = {}, version = version + 1, updated_at = {} \
                 WHERE person_id = {} AND region_code <> {}",
                b.bind(code.clone()),
                b.bind(stamp()),
                b.bind(id),
                b.bind(code.clone())
            );
            txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                b.backend, sql, b.values,
            ))
            .await?;
        }
    }
    if input.rw.is_some() {
        am.rw = Set(rt_rw(input.rw.as_deref(), "input.rw")?);
    }
    if input.rt.is_some() {
        am.rt = Set(rt_rw(input.rt.as_deref(), "input.rt")?);
    }
    if input.dasawisma.is_some() {
        am.dasawisma = Set(optional_text(
            input.dasawisma.as_deref(),
            "input.dasawisma",
        )?);
    }
    am.updated_at = Set(stamp());
    let updated = bump::<_, person::Entity, _>(&txn, am, id, input.version).await?;
    crate::records::audit_write::<person::Entity, _>(&txn, actor, "UPDATE", [updated.id]).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Gives a person a cadre role.
pub async fn assign_cadre_role(
    app: &AppContext,
    actor: &Actor,
    input: AssignCadreRoleInput,
) -> Result<cadre_role::Model> {
    actor.require_write_in(&input.region_code, "input.regionCode")?;
    let txn = crate::store::begin_write(&app.db).await?;
    store::require_region(
        &txn,
        &input.region_code,
        &[RegionLevel::District, RegionLevel::Village],
        "input.regionCode",
    )
    .await?;
    let pid = person_ref(&txn, actor, &input.person_id, "input.personId").await?;
    let programme_id = match &input.programme_id {
        Some(p) => Some(programme_ref(&txn, p, "input.programmeId").await?.id),
        None => None,
    };
    let started_on = not_future(
        app.clock.today(),
        input.started_on.into(),
        "input.startedOn",
    )?;
    if let Some(end) = input.ended_on
        && end < started_on
    {
        return Err(Error::bad("input.endedOn", "must not be before startedOn"));
    }
    let now = stamp();
    let model = cadre_role::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(pid),
        role: Set(input.role.as_str().to_owned()),
        region_code: Set(input.region_code),
        programme_id: Set(programme_id),
        started_on: Set(started_on),
        ended_on: Set(input.ended_on.map(Into::into)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::records::audit_write::<cadre_role::Entity, _>(&txn, actor, "CREATE", [model.id]).await?;
    txn.commit().await?;
    Ok(model)
}

/// Ends a cadre role if `version` is still current.
pub async fn end_cadre_role(
    app: &AppContext,
    actor: &Actor,
    input: EndCadreRoleInput,
) -> Result<cadre_role::Model> {
    actor.require_registry_writer("change registry records")?;
    let id = decode_uuid(&input.id, "CadreRole", "input.id")?;
    let txn = crate::store::begin_write(&app.db).await?;
    let current = in_scope_row::<_, cadre_role::Entity>(
        &txn,
        actor,
        id,
        cadre_role::Column::RegionCode,
        "cadre role",
    )
    .await?;
    if input.ended_on < current.started_on {
        return Err(Error::bad("input.endedOn", "must not be before startedOn"));
    }
    let mut am: cadre_role::ActiveModel = current.into();
    am.ended_on = Set(Some(input.ended_on.into()));
    am.updated_at = Set(stamp());
    let updated = bump::<_, cadre_role::Entity, _>(&txn, am, id, input.version).await?;
    crate::records::audit_write::<cadre_role::Entity, _>(&txn, actor, "UPDATE", [updated.id])
        .await?;
    txn.commit().await?;
    Ok(updated)
}

/// A new API key: the row and the secret, which is shown once and stored only as a SHA-256 hash.
pub struct NewApiKey {
    /// The stored row.
    pub model: api_key::Model,
    /// The secret to send as `X-Api-Key`.
    pub secret: String,
}

/// The stored hash of an API key secret. Secrets are 256 random bits, so an unsalted hash is
/// enough to make a leaked table useless.
pub fn api_key_hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// Creates an API key (ADMIN only). Keys cannot carry the ADMIN role.
pub async fn create_api_key(
    app: &AppContext,
    actor: &Actor,
    name: &str,
    role: Role,
    scope: &str,
) -> Result<NewApiKey> {
    if !actor.is_admin() {
        return Err(Error::forbidden("manage API keys"));
    }
    if role == Role::Admin {
        return Err(Error::bad(
            "input.role",
            "API keys cannot have the ADMIN role",
        ));
    }
    let scope = Scope::new(scope).map_err(|_| Error::bad("input.scope", "not a region code"))?;
    if !scope.code().is_empty() {
        store::require_region(&app.db, scope.code(), ANY_LEVEL, "input.scope").await?;
    }
    let secret = format!("kg_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let model = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(required_text(name, "input.name")?),
        prefix: Set(secret[..10].to_owned()),
        key_hash: Set(api_key_hash(&secret)),
        role: Set(role.as_str().to_owned()),
        scope_code: Set(scope.code().to_owned()),
        created_by: Set(actor.subject.clone()),
        created_at: Set(stamp()),
        revoked_at: Set(None),
    }
    .insert(&app.db)
    .await?;
    Ok(NewApiKey { model, secret })
}

/// Revokes an API key (ADMIN only); revoking twice is harmless.
pub async fn revoke_api_key(app: &AppContext, actor: &Actor, id: Uuid) -> Result<api_key::Model> {
    if !actor.is_admin() {
        return Err(Error::forbidden("manage API keys"));
    }
    let key = store::by_id::<_, api_key::Entity>(&app.db, id)
        .await?
        .ok_or_else(|| Error::NotFound("API key".to_owned()))?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let mut am: api_key::ActiveModel = key.into();
    am.revoked_at = Set(Some(stamp()));
    Ok(am.update(&app.db).await?)
}

/// The actor an API key stands for, if the key exists and is not revoked.
pub async fn actor_for_api_key<C: ConnectionTrait>(db: &C, secret: &str) -> Result<Option<Actor>> {
    let key = store::active_api_key(db, &api_key_hash(secret)).await?;
    Ok(key.and_then(|k| {
        let role = Role::parse(&k.role)?;
        let scope = Scope::new(&k.scope_code).ok()?;
        Some(Actor::new(
            format!("apikey:{}", k.id),
            role,
            scope,
            crate::actor::Credential::ApiKey(k.id),
        ))
    }))
}
