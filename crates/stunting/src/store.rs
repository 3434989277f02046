//! sea-orm queries of the stunting tables. Each applies the actor's scope itself: the list
//! queries start from the request's `Reader`; the others take the scope and are generic over
//! `ConnectionTrait` so they run inside a transaction too.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use keluarga_core::entity::person;
use keluarga_core::error::Error as CoreError;
use keluarga_core::id::decode_uuid;
use keluarga_core::store::{Binder, check_range, in_scope};
use keluarga_core::{Reader, Scope};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select, Statement,
};
use uuid::Uuid;

use crate::entity::{
    child, convergence_action, foster_parent, measurement, pendampingan, posyandu,
};
use crate::error::Result;
use crate::input::{ChildFilter, FosterParentFilter, MeasurementFilter, VisitFilter};
use crate::who;

/// What scoring a child's measurement needs: the child's place, sex and birth date.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildInfo {
    /// The child id.
    pub id: Uuid,
    /// The child's desa/kelurahan.
    pub region_code: String,
    /// The child's posyandu.
    pub posyandu_id: Option<Uuid>,
    /// Sex letter as stored (`L`/`P`).
    pub sex: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
}

impl ChildInfo {
    /// The sex in the z-score module's terms.
    pub fn who_sex(&self) -> who::Sex {
        if self.sex == "P" {
            who::Sex::Female
        } else {
            who::Sex::Male
        }
    }
}

/// The children among `ids` that lie in `scope`, with their sex and birth date (two queries).
pub async fn child_infos<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, ChildInfo>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        let children = child::Entity::find()
            .filter(child::Column::Id.is_in(keluarga_core::store::padded(chunk.iter().copied())))
            .filter(in_scope(child::Column::RegionCode, scope))
            .all(db)
            .await?;
        let persons: HashMap<Uuid, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(keluarga_core::store::padded(
                children.iter().map(|c| c.person_id),
            )))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for c in children {
            let Some(p) = persons.get(&c.person_id) else {
                continue;
            };
            let Some(birth_date) = p.birth_date else {
                continue;
            };
            out.insert(
                c.id,
                ChildInfo {
                    id: c.id,
                    region_code: c.region_code,
                    posyandu_id: c.posyandu_id,
                    sex: p.sex.clone(),
                    birth_date,
                },
            );
        }
    }
    Ok(out)
}

/// Children in `scope` by the keyed hash of their NIK.
pub async fn children_by_nik_hash<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    hashes: &[String],
) -> Result<HashMap<String, Uuid>> {
    let mut out = HashMap::with_capacity(hashes.len());
    for chunk in hashes.chunks(5_000) {
        let persons = person::Entity::find()
            .filter(person::Column::NikHash.is_in(chunk.iter().cloned()))
            .filter(in_scope(person::Column::RegionCode, scope))
            .all(db)
            .await?;
        let by_person: HashMap<Uuid, String> = persons
            .into_iter()
            .filter_map(|p| p.nik_hash.map(|h| (p.id, h)))
            .collect();
        let children = child::Entity::find()
            .filter(child::Column::PersonId.is_in(by_person.keys().copied()))
            .filter(in_scope(child::Column::RegionCode, scope))
            .all(db)
            .await?;
        for c in children {
            if let Some(h) = by_person.get(&c.person_id) {
                out.insert(h.clone(), c.id);
            }
        }
    }
    Ok(out)
}

/// The posyandu among `ids` that lie in `scope`.
pub async fn posyandu_in_scope<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, posyandu::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(posyandu::Entity::find()
        .filter(posyandu::Column::Id.is_in(keluarga_core::store::padded(ids.iter().copied())))
        .filter(in_scope(posyandu::Column::RegionCode, scope))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Runs a `SELECT <key> AS g, <count> AS n ... GROUP BY` and collects it.
async fn counted<C: ConnectionTrait>(
    db: &C,
    b: Binder,
    sql: String,
) -> Result<HashMap<String, i64>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(b.backend, sql, b.values))
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        out.insert(r.try_get::<String>("", "g")?, r.try_get::<i64>("", "n")?);
    }
    Ok(out)
}

/// Convergence actions DONE in `year`, by regency/city code, inside `scope`.
pub async fn actions_done<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    regencies: &[String],
    year: i32,
) -> Result<HashMap<String, i64>> {
    if regencies.is_empty() {
        return Ok(HashMap::new());
    }
    let mut b = Binder::new(db.get_database_backend());
    let list = b.list(regencies.iter().cloned());
    let year = b.bind(year);
    let in_scope = b.in_scope("region_code", scope);
    let sql = format!(
        "SELECT region_code AS g, CAST(COUNT(*) AS BIGINT) AS n FROM convergence_action \
         WHERE region_code IN ({}) AND year = {year} AND status = 'DONE' AND {in_scope} \
         GROUP BY region_code",
        list
    );
    counted(db, b, sql).await
}

/// Foster parents active at some time in `from`..=`to`, by region code (all of one length), inside
/// `scope`.
pub async fn active_foster_parents<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    codes: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<String, i64>> {
    let Some(len) = codes.first().map(String::len) else {
        return Ok(HashMap::new());
    };
    // Placeholders are bound in the order they appear in the SQL (SQLite's `?` are positional).
    let mut b = Binder::new(db.get_database_backend());
    let list = b.list(codes.iter().cloned());
    let (t, f) = (b.bind(to), b.bind(from));
    let in_scope = b.in_scope("region_code", scope);
    let sql = format!(
        "SELECT substr(region_code, 1, {len}) AS g, CAST(COUNT(*) AS BIGINT) AS n \
         FROM foster_parent WHERE substr(region_code, 1, {len}) IN ({}) \
         AND started_on <= {t} AND (ended_on IS NULL OR ended_on >= {f}) AND {in_scope} \
         GROUP BY 1",
        list
    );
    counted(db, b, sql).await
}

// ---- List queries: each starts from the request's `Reader` (access rule and scope applied)
// and adds the list's filters. Resolvers page them with `Reader::page`, which audits.

type CoreResult<T> = keluarga_core::error::Result<T>;

/// Children in the reader's scope matching `f`; ages are counted on `today`.
pub fn children(
    reader: &Reader,
    f: &ChildFilter,
    today: NaiveDate,
) -> CoreResult<Select<child::Entity>> {
    let mut q = reader.select::<child::Entity>(f.region_code.as_deref())?;
    if let Some(p) = &f.posyandu_id {
        q = q.filter(child::Column::PosyanduId.eq(decode_uuid(
            p,
            "Posyandu",
            "filter.posyanduId",
        )?));
    }
    let mut persons = Query::select();
    persons.column(person::Column::Id).from(person::Entity);
    let mut by_person = false;
    if let Some(sex) = f.sex {
        persons.and_where(person::Column::Sex.eq(sex.letter()));
        by_person = true;
    }
    let months_ago = |m: i32, field: &str| -> CoreResult<NaiveDate> {
        if !(0..=60).contains(&m) {
            return Err(CoreError::bad(field, "must be 0–60"));
        }
        today
            .checked_sub_months(Months::new(m.unsigned_abs()))
            .ok_or_else(|| CoreError::bad(field, "out of range"))
    };
    if let Some(m) = f.min_age_months {
        persons.and_where(person::Column::BirthDate.lte(months_ago(m, "filter.minAgeMonths")?));
        by_person = true;
    }
    if let Some(m) = f.max_age_months {
        let born_after = months_ago(m + 1, "filter.maxAgeMonths")?;
        persons.and_where(person::Column::BirthDate.gt(born_after));
        by_person = true;
    }
    if by_person {
        q = q.filter(child::Column::PersonId.in_subquery(persons.to_owned()));
    }
    if let Some(cat) = f.latest_height_for_age {
        // The child's latest measurement has this category: one probe of the (child_id,
        // measured_on) index per child in scope. The uncorrelated form (every measurement of
        // that category in the database, then the children among them) cost SQLite 164 ms for
        // a district of a 100,000-family province (bench/README.md, "Province scale").
        let mut b = Binder::new(reader.db().get_database_backend());
        let p = b.bind(cat.as_str());
        q = q.filter(Expr::cust_with_values(
            format!(
                "(SELECT m.haz_category FROM measurement m WHERE m.child_id = child.id \
                 ORDER BY m.measured_on DESC, m.id DESC LIMIT 1) = {p}"
            ),
            b.values,
        ));
    }
    Ok(q)
}

/// Measurements in the reader's scope matching `f`.
pub fn measurements(
    reader: &Reader,
    f: &MeasurementFilter,
) -> CoreResult<Select<measurement::Entity>> {
    use measurement::Column as M;
    let mut q = reader.select::<measurement::Entity>(f.region_code.as_deref())?;
    if let Some(c) = &f.child_id {
        q = q.filter(M::ChildId.eq(decode_uuid(c, "Child", "filter.childId")?));
    }
    if let Some(p) = &f.posyandu_id {
        q = q.filter(M::PosyanduId.eq(decode_uuid(p, "Posyandu", "filter.posyanduId")?));
    }
    check_range(f.from, f.to)?;
    if let Some(d) = f.from {
        q = q.filter(M::MeasuredOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(M::MeasuredOn.lte(d));
    }
    if let Some(c) = f.height_for_age {
        q = q.filter(M::HazCategory.eq(c.as_str()));
    }
    if let Some(sex) = f.sex {
        q = q.filter(M::Sex.eq(sex.letter()));
    }
    // Completed months m ⇔ ⌈m × 30.4375⌉ ≤ days < ⌈(m + 1) × 30.4375⌉.
    let first_day = |m: i32| (f64::from(m) * who::DAYS_PER_MONTH).ceil() as i32;
    for (months, field) in [
        (f.min_age_months, "filter.minAgeMonths"),
        (f.max_age_months, "filter.maxAgeMonths"),
    ] {
        if months.is_some_and(|m| !(0..=59).contains(&m)) {
            return Err(CoreError::bad(field, "must be 0–59"));
        }
    }
    if let Some(m) = f.min_age_months {
        q = q.filter(M::AgeDays.gte(first_day(m)));
    }
    if let Some(m) = f.max_age_months {
        q = q.filter(M::AgeDays.lt(first_day(m + 1)));
    }
    if let Some(flagged) = f.flagged {
        let any = Condition::any()
            .add(M::HazFlag.eq(true))
            .add(M::WazFlag.eq(true))
            .add(M::WhzFlag.eq(true))
            .add(M::BazFlag.eq(true))
            .add(M::AczFlag.eq(true))
            .add(M::C9moFlag.eq(true));
        q = q.filter(if flagged { any } else { any.not() });
    }
    Ok(q)
}

/// Pendampingan visits in the reader's scope matching `f` (and of one team).
pub fn visits(
    reader: &Reader,
    f: &VisitFilter,
    team: Option<&async_graphql::ID>,
) -> CoreResult<Select<pendampingan::Entity>> {
    let mut q = reader.select::<pendampingan::Entity>(f.region_code.as_deref())?;
    if let Some(t) = team {
        q = q.filter(pendampingan::Column::TeamId.eq(decode_uuid(t, "TpkTeam", "teamId")?));
    }
    check_range(f.from, f.to)?;
    if let Some(d) = f.from {
        q = q.filter(pendampingan::Column::VisitedOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(pendampingan::Column::VisitedOn.lte(d));
    }
    Ok(q)
}

/// Foster parents in the reader's scope matching `f`.
pub fn foster_parents(
    reader: &Reader,
    f: &FosterParentFilter,
) -> CoreResult<Select<foster_parent::Entity>> {
    let mut q = reader.select::<foster_parent::Entity>(f.region_code.as_deref())?;
    if let Some(d) = f.active_on {
        q = q.filter(foster_parent::Column::StartedOn.lte(d)).filter(
            Condition::any()
                .add(foster_parent::Column::EndedOn.is_null())
                .add(foster_parent::Column::EndedOn.gte(d)),
        );
    }
    Ok(q)
}

/// The recorded convergence actions of a regency/city for a year (the caller checked the
/// region against the scope).
pub async fn convergence_actions(
    reader: &Reader,
    regency: &str,
    year: i32,
) -> CoreResult<Vec<convergence_action::Model>> {
    let q = reader
        .select::<convergence_action::Entity>(Some(regency))?
        .filter(convergence_action::Column::RegionCode.eq(regency))
        .filter(convergence_action::Column::Year.eq(year));
    reader.all(q).await
}

/// The cadre roles of `role` current on `today` in the villages `codes`, in id order.
pub async fn current_cadres(
    reader: &Reader,
    codes: &[String],
    role: keluarga_core::kinds::CadreRoleKind,
    today: NaiveDate,
) -> CoreResult<Vec<keluarga_core::entity::cadre_role::Model>> {
    use keluarga_core::entity::cadre_role::{Column, Entity};
    use sea_orm::QueryOrder;
    let q = reader
        .select::<Entity>(None)?
        .filter(Column::RegionCode.is_in(keluarga_core::store::padded(codes.iter().cloned())))
        .filter(Column::Role.eq(role.as_str()))
        .filter(Column::StartedOn.lte(today))
        .filter(
            Condition::any()
                .add(Column::EndedOn.is_null())
                .add(Column::EndedOn.gte(today)),
        )
        .order_by_asc(Column::Id);
    reader.all(q).await
}

/// The latest measurement (by day, then id) of each of `children` among the measurements the
/// reader may see, in one statement; the audit entry names only the rows returned.
pub async fn latest_measurements(
    reader: &Reader,
    children: &[Uuid],
) -> CoreResult<Vec<measurement::Model>> {
    reader
        .latest::<measurement::Entity>("child_id", "measured_on", children)
        .await
}

/// The child record of `person`, if the person is registered as a child.
pub async fn child_of_person<C: ConnectionTrait>(
    db: &C,
    person: Uuid,
) -> Result<Option<child::Model>> {
    Ok(child::Entity::find()
        .filter(child::Column::PersonId.eq(person))
        .one(db)
        .await
        .map_err(CoreError::from)?)
}

/// Every village where `children` have measurements: the villages whose stunting rollup rows a
/// write of their measurements may change (each child counts in the village of its latest).
pub async fn measurement_villages<C: ConnectionTrait>(
    db: &C,
    children: &[Uuid],
) -> Result<Vec<String>> {
    use sea_orm::QuerySelect;
    let mut out = Vec::new();
    for chunk in children.chunks(500) {
        let rows: Vec<String> = measurement::Entity::find()
            .select_only()
            .column(measurement::Column::RegionCode)
            .distinct()
            .filter(measurement::Column::ChildId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(CoreError::from)?;
        out.extend(rows);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A measurement by id, inside `scope`.
pub async fn measurement_in_scope<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> Result<Option<measurement::Model>> {
    Ok(measurement::Entity::find_by_id(id)
        .filter(in_scope(measurement::Column::RegionCode, scope))
        .one(db)
        .await
        .map_err(CoreError::from)?)
}

/// A TPK team by id, inside `scope`.
pub async fn team_in_scope<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> Result<Option<crate::entity::tpk_team::Model>> {
    use crate::entity::tpk_team;
    Ok(tpk_team::Entity::find_by_id(id)
        .filter(in_scope(tpk_team::Column::RegionCode, scope))
        .one(db)
        .await
        .map_err(CoreError::from)?)
}

/// The record of convergence action `aksi` of a regency in `year`, if there is one.
pub async fn convergence_action<C: ConnectionTrait>(
    db: &C,
    region_code: &str,
    year: i32,
    aksi: i32,
) -> Result<Option<crate::entity::convergence_action::Model>> {
    use crate::entity::convergence_action;
    Ok(convergence_action::Entity::find()
        .filter(convergence_action::Column::RegionCode.eq(region_code))
        .filter(convergence_action::Column::Year.eq(year))
        .filter(convergence_action::Column::Aksi.eq(aksi))
        .one(db)
        .await
        .map_err(CoreError::from)?)
}
