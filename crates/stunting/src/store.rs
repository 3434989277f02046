//! sea-orm queries of the stunting tables. Each applies the actor's scope itself; all are generic
//! over `ConnectionTrait` so they run inside a transaction too.

use std::collections::HashMap;

use chrono::NaiveDate;
use keluarga_core::Scope;
use keluarga_core::entity::person;
use keluarga_core::store::{Binder, in_scope};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use uuid::Uuid;

use crate::entity::{child, posyandu};
use crate::error::Result;
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
            .filter(child::Column::Id.is_in(chunk.iter().copied()))
            .filter(in_scope(child::Column::RegionCode, scope))
            .all(db)
            .await?;
        let persons: HashMap<Uuid, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(children.iter().map(|c| c.person_id)))
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
        .filter(posyandu::Column::Id.is_in(ids.iter().copied()))
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
    let list: Vec<String> = regencies.iter().map(|c| b.bind(c.clone())).collect();
    let year = b.bind(year);
    let in_scope = b.in_scope("region_code", scope);
    let sql = format!(
        "SELECT region_code AS g, CAST(COUNT(*) AS BIGINT) AS n FROM convergence_action \
         WHERE region_code IN ({}) AND year = {year} AND status = 'DONE' AND {in_scope} \
         GROUP BY region_code",
        list.join(", ")
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
    let list: Vec<String> = codes.iter().map(|c| b.bind(c.clone())).collect();
    let (t, f) = (b.bind(to), b.bind(from));
    let in_scope = b.in_scope("region_code", scope);
    let sql = format!(
        "SELECT substr(region_code, 1, {len}) AS g, CAST(COUNT(*) AS BIGINT) AS n \
         FROM foster_parent WHERE substr(region_code, 1, {len}) IN ({}) \
         AND started_on <= {t} AND (ended_on IS NULL OR ended_on >= {f}) AND {in_scope} \
         GROUP BY 1",
        list.join(", ")
    );
    counted(db, b, sql).await
}
