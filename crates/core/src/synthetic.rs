//! A synthetic province (`keluarga-gateway seed --synthetic`): a deterministic population over the
//! real villages of one province, for measuring the gateway at the scale it is built for.
//!
//! Core writes the registry (families, persons, members, cadres) one batch of villages at a time,
//! each batch in its own transaction; after core's part of a batch, every domain the gateway is
//! built with adds its own (`Domain::seed_synthetic`) in the same transaction, from the same
//! [`Batch`]. Everything is drawn from one seed: the same command on an empty database writes the
//! same rows, ids included (ids are UUIDv7 built from the registration day and the generator).
//!
//! The shape follows Indonesia's: about 15 % of families headed by a woman, about 9 % of people
//! under five, a spouse in most families headed by a man, 0–4 children.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::entity::{cadre_role, family, family_member, person};
use crate::error::{Error, Result};
use crate::kinds::{CadreRoleKind, Relationship};
use crate::seed::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The province (`33`): its villages are read from the region list.
    pub province: String,
    /// How many families in all.
    pub families: usize,
    /// The generator's seed.
    pub seed: u64,
    /// The day the population is generated "as of" (measurements and assessments end here).
    pub today: NaiveDate,
}

/// A person of a generated family.
#[derive(Debug, Clone)]
pub struct Member {
    /// The person's id.
    pub id: Uuid,
    /// `L` or `P`.
    pub sex: &'static str,
    /// Date of birth.
    pub birth: NaiveDate,
    /// Relationship to the head.
    pub relationship: Relationship,
}

/// A generated family; `members[0]` is its head.
#[derive(Debug, Clone)]
pub struct Family {
    /// The family's id.
    pub id: Uuid,
    /// Its village.
    pub region_code: String,
    /// When it was registered.
    pub registered_on: NaiveDate,
    /// Its members, the head first.
    pub members: Vec<Member>,
}

impl Family {
    /// The head of the family.
    pub fn head(&self) -> &Member {
        &self.members[0]
    }
}

/// A cadre generated in a village (a person of the village holding a cadre role).
#[derive(Debug, Clone)]
pub struct Cadre {
    /// The cadre role's id.
    pub role_id: Uuid,
    /// The person's id.
    pub person_id: Uuid,
    /// The role.
    pub role: CadreRoleKind,
    /// The village.
    pub region_code: String,
}

/// One batch of villages with their families, as core wrote them.
#[derive(Debug)]
pub struct Batch {
    /// The plan.
    pub plan: Plan,
    /// The batch's number (0, 1, ...): a domain draws from `rng(domain_salt)`.
    pub number: usize,
    /// The villages of the batch, in code order.
    pub villages: Vec<String>,
    /// True for the first village of each regency/city in the whole plan that is in this batch
    /// (by index into `villages`): where a domain writes per-regency data once.
    pub first_of_regency: Vec<bool>,
    /// The families, village by village.
    pub families: Vec<Family>,
    /// The cadres, village by village.
    pub cadres: Vec<Cadre>,
}

impl Batch {
    /// A generator for one domain's part of this batch: deterministic in the plan's seed, the
    /// batch and the salt (each domain its own, so one domain's draws never shift another's).
    pub fn rng(&self, salt: u64) -> Rng {
        Rng(fnv(self.plan.seed, &self.plan.province)
            ^ salt.rotate_left(17)
            ^ (self.number as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The cadres of one village.
    pub fn cadres_in<'a>(&'a self, village: &'a str) -> impl Iterator<Item = &'a Cadre> + 'a {
        self.cadres.iter().filter(move |c| c.region_code == village)
    }
}

/// A UUIDv7 for a row created on `day`, its random part drawn from `rng`: ordered by day like
/// the ids the API creates, and the same on every run.
pub fn id_on(rng: &mut Rng, day: NaiveDate) -> Uuid {
    let millis = day
        .and_hms_opt(8, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
        .max(0) as u64
        + rng.below(36_000_000);
    let a = rng.bits().to_le_bytes();
    let b = rng.bits().to_le_bytes();
    let random = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]];
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

/// The id of a row that several batches must agree on (a regency's organisation): a UUIDv7 on
/// `day` drawn from the plan's seed and `key` alone.
pub fn keyed_id(seed: u64, key: &str, day: NaiveDate) -> Uuid {
    id_on(&mut Rng(fnv(seed, key)), day)
}

/// The generator of one village's families: drawn from the seed and the village's code alone, so
/// the population does not depend on how villages are batched, and two provinces (or two
/// villages) never draw the same ids.
pub fn village_rng(seed: u64, village: &str) -> Rng {
    Rng(fnv(seed, village))
}

/// FNV-1a of `key`, mixed with `seed`.
fn fnv(seed: u64, key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ h
}

/// A day `days` after `from`.
pub fn plus_days(from: NaiveDate, days: u64) -> NaiveDate {
    from.checked_add_days(chrono::Days::new(days))
        .unwrap_or(from)
}

/// Inserts rows in statements of at most `per_statement` rows (sized so that the bound values
/// stay under SQLite's and PostgreSQL's limits). On PostgreSQL the rows go as one JSON document
/// per statement (`json_populate_recordset`): a multi-row `INSERT` of 18,000 persons took 1.3 s
/// there, most of it binding and planning its 200,000 parameters.
pub async fn insert_all<C, A>(db: &C, rows: Vec<A>, per_statement: usize) -> Result<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    if db.get_database_backend() == sea_orm::DbBackend::Postgres
        && let Some(statements) = as_json::<A>(&rows)
    {
        for st in statements {
            db.execute_raw(st).await?;
        }
        return Ok(());
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement.max(1)).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A value as JSON that `json_populate_recordset` reads back into its column; `None` for a kind
/// this does not carry (the caller then inserts the ordinary way).
fn json_of(v: &sea_orm::Value) -> Option<serde_json::Value> {
    use sea_orm::Value as V;
    use serde_json::Value as J;
    Some(match v {
        V::Bool(b) => b.map_or(J::Null, J::Bool),
        V::SmallInt(n) => n.map_or(J::Null, |n| n.into()),
        V::Int(n) => n.map_or(J::Null, |n| n.into()),
        V::BigInt(n) => n.map_or(J::Null, |n| n.into()),
        V::Double(x) => x.map_or(J::Null, |x| x.into()),
        V::Float(x) => x.map_or(J::Null, |x| x.into()),
        V::String(s) => s.clone().map_or(J::Null, J::String),
        V::Uuid(u) => u.map_or(J::Null, |u| J::String(u.to_string())),
        V::ChronoDate(d) => d.map_or(J::Null, |d| J::String(d.to_string())),
        V::ChronoDateTimeUtc(t) => t.map_or(J::Null, |t| J::String(t.to_rfc3339())),
        V::ChronoDateTimeWithTimeZone(t) => t.map_or(J::Null, |t| J::String(t.to_rfc3339())),
        V::Json(j) => j.as_deref().cloned().unwrap_or(J::Null),
        _ => return None,
    })
}

/// The statements inserting `rows` through one JSON document each (20,000 rows a statement),
/// naming the columns the first row sets; `None` when a value has no JSON form here.
fn as_json<A: ActiveModelTrait>(rows: &[A]) -> Option<Vec<sea_orm::Statement>> {
    use sea_orm::{EntityName, IdenStatic, Iterable};
    let first = rows.first()?;
    let cols: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|c| first.get(*c).is_set())
            .collect();
    let table = <A::Entity as Default>::default().table_name().to_owned();
    let names = cols
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = Vec::new();
    for chunk in rows.chunks(20_000) {
        let mut docs = Vec::with_capacity(chunk.len());
        for r in chunk {
            let mut o = serde_json::Map::new();
            for c in &cols {
                let v = r.get(*c).into_value()?;
                o.insert(c.as_str().to_owned(), json_of(&v)?);
            }
            docs.push(serde_json::Value::Object(o));
        }
        out.push(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            format!(
                "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM \
                 json_populate_recordset(NULL::\"{table}\", $1::json)"
            ),
            [serde_json::Value::Array(docs).to_string().into()],
        ));
    }
    Some(out)
}

const GIVEN_F: [&str; 16] = [
    "Siti", "Sri", "Dewi", "Nur", "Rina", "Ani", "Wati", "Lestari", "Yuni", "Fitri", "Ayu",
    "Indah", "Tri", "Endang", "Sumi", "Ratna",
];
const GIVEN_M: [&str; 16] = [
    "Budi", "Agus", "Slamet", "Eko", "Joko", "Rudi", "Hadi", "Bambang", "Dedi", "Andi", "Yusuf",
    "Rizki", "Sigit", "Wahyu", "Teguh", "Imam",
];

fn name(rng: &mut Rng, sex: &str) -> String {
    let given = if sex == "P" { &GIVEN_F } else { &GIVEN_M };
    let a = given[rng.below(16) as usize];
    let b = GIVEN_M[rng.below(16) as usize];
    format!("{a} {b}")
}

fn born(rng: &mut Rng, today: NaiveDate, min_years: u64, max_years: u64) -> NaiveDate {
    let span = (max_years.saturating_sub(min_years) * 365).max(1);
    let days = min_years * 365 + rng.below(span);
    today
        .checked_sub_days(chrono::Days::new(days))
        .unwrap_or(today)
}

/// How the plan's families spread over `villages` (in order): equal shares, the remainder to
/// the first villages.
pub fn families_per_village(total: usize, villages: usize) -> Vec<usize> {
    if villages == 0 {
        return Vec::new();
    }
    let base = total / villages;
    let extra = total % villages;
    (0..villages)
        .map(|i| base + usize::from(i < extra))
        .collect()
}

/// Generates the families of one village (`n` of them), deterministic in `rng`.
pub fn village_families(rng: &mut Rng, village: &str, n: usize, today: NaiveDate) -> Vec<Family> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let registered_on = plus_days(
            NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or(today),
            rng.below(3650),
        );
        let woman_head = rng.below(100) < 15;
        let head_sex = if woman_head { "P" } else { "L" };
        let head_birth = born(rng, today, 22, 70);
        let mut members = vec![Member {
            id: id_on(rng, registered_on),
            sex: head_sex,
            birth: head_birth,
            relationship: Relationship::Head,
        }];
        if !woman_head && rng.below(100) < 90 {
            let head_age = today.year() - head_birth.year();
            let age = (head_age - 3 + rng.below(5) as i32).max(18) as u64;
            members.push(Member {
                id: id_on(rng, registered_on),
                sex: "P",
                birth: born(rng, today, age, age + 1),
                relationship: Relationship::Spouse,
            });
        }
        let children = match rng.below(100) {
            0..=14 => 0,
            15..=39 => 1,
            40..=69 => 2,
            70..=89 => 3,
            _ => 4,
        };
        let head_age = (today.year() - head_birth.year()).max(20) as u64;
        for _ in 0..children {
            // About one child in six under five: with the shares above, about 9 % of people.
            let birth = if rng.below(100) < 17 {
                born(rng, today, 0, 5)
            } else {
                born(rng, today, 5, (head_age - 17).clamp(6, 30))
            };
            let sex = if rng.below(2) == 0 { "L" } else { "P" };
            members.push(Member {
                id: id_on(rng, registered_on),
                sex,
                birth,
                relationship: Relationship::Child,
            });
        }
        out.push(Family {
            id: id_on(rng, registered_on),
            region_code: village.to_owned(),
            registered_on,
            members,
        });
    }
    out
}

/// Core's part of a batch: the families, their persons and members, and a few cadres per
/// village (adults of the village's families holding a posyandu, PKK or family-resilience role).
pub async fn write_registry<C: ConnectionTrait>(db: &C, batch: &mut Batch) -> Result<()> {
    let now = Utc::now();
    let mut rng = batch.rng(0xC0DE);
    let mut fams = Vec::with_capacity(batch.families.len());
    let mut people = Vec::new();
    let mut links = Vec::new();
    for f in &batch.families {
        fams.push(family::ActiveModel {
            id: Set(f.id),
            household_id: Set(None),
            region_code: Set(f.region_code.clone()),
            kk_hash: Set(None),
            kk_last4: Set(None),
            registered_on: Set(f.registered_on),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for m in &f.members {
            people.push(person::ActiveModel {
                id: Set(m.id),
                full_name: Set(name(&mut rng, m.sex)),
                sex: Set(m.sex.to_owned()),
                birth_date: Set(Some(m.birth)),
                region_code: Set(f.region_code.clone()),
                rw: Set(Some(format!("{:03}", 1 + rng.below(8)))),
                rt: Set(Some(format!("{:03}", 1 + rng.below(10)))),
                dasawisma: Set(None),
                nik_hash: Set(None),
                nik_last4: Set(None),
                registered_on: Set(f.registered_on),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            links.push(family_member::ActiveModel {
                id: Set(id_on(&mut rng, f.registered_on)),
                family_id: Set(f.id),
                person_id: Set(m.id),
                relationship: Set(m.relationship.as_str().to_owned()),
            });
        }
    }
    // Cadres: in each village, about one adult woman in 40 families holds a role.
    let mut cadres = Vec::new();
    let mut roles = Vec::new();
    for village in &batch.villages {
        let adults: Vec<&Member> = batch
            .families
            .iter()
            .filter(|f| &f.region_code == village)
            .flat_map(|f| f.members.iter())
            .filter(|m| m.sex == "P" && batch.plan.today.years_since(m.birth).unwrap_or(0) >= 20)
            .collect();
        let wanted = (adults.len() / 40).clamp(usize::from(!adults.is_empty()), 40);
        for (k, m) in adults
            .iter()
            .step_by((adults.len() / wanted.max(1)).max(1))
            .take(wanted)
            .enumerate()
        {
            let role = match k % 3 {
                0 => CadreRoleKind::KaderPosyandu,
                1 => CadreRoleKind::PendampingKetahananKeluarga,
                _ => CadreRoleKind::KaderPkk,
            };
            let started = plus_days(
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(batch.plan.today),
                rng.below(1500),
            );
            let role_id = id_on(&mut rng, started);
            roles.push(cadre_role::ActiveModel {
                id: Set(role_id),
                person_id: Set(m.id),
                role: Set(role.as_str().to_owned()),
                region_code: Set(village.clone()),
                programme_id: Set(None),
                started_on: Set(started),
                ended_on: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            cadres.push(Cadre {
                role_id,
                person_id: m.id,
                role,
                region_code: village.clone(),
            });
        }
    }
    insert_all(db, fams, 2_000).await?;
    insert_all(db, people, 1_500).await?;
    insert_all(db, links, 5_000).await?;
    insert_all(db, roles, 2_000).await?;
    batch.cadres = cadres;
    Ok(())
}

/// The villages of a province, in code order, from the region list.
pub async fn villages<C: ConnectionTrait>(db: &C, province: &str) -> Result<Vec<String>> {
    let scope = crate::actor::Scope::new(province)?;
    if province.contains('.') {
        return Err(Error::bad(
            "province",
            "must be a province code (two digits)",
        ));
    }
    let codes = crate::store::village_codes(db, &scope).await?;
    if codes.is_empty() {
        return Err(Error::bad("province", "has no villages in the region list"));
    }
    Ok(codes)
}

/// Splits the province's villages into batches of about `families_per_batch` families:
/// (villages, families per village) for each batch.
pub fn batches(
    villages: &[String],
    per_village: &[usize],
    families_per_batch: usize,
) -> Vec<(Vec<String>, Vec<usize>)> {
    let mut out = Vec::new();
    let (mut vs, mut ns, mut sum) = (Vec::new(), Vec::new(), 0usize);
    for (v, n) in villages.iter().zip(per_village) {
        vs.push(v.clone());
        ns.push(*n);
        sum += n;
        if sum >= families_per_batch {
            out.push((std::mem::take(&mut vs), std::mem::take(&mut ns)));
            sum = 0;
        }
    }
    if !vs.is_empty() {
        out.push((vs, ns));
    }
    out
}
