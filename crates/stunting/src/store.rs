//! sea-orm queries of the stunting tables. Each applies the actor's scope itself; all are generic
//! over `ConnectionTrait` so they run inside a transaction too.

use std::collections::HashMap;

use chrono::NaiveDate;
use keluarga_core::Scope;
use keluarga_core::entity::person;
use keluarga_core::store::in_scope;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
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
