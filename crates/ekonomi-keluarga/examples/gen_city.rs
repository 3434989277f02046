//! Fills one city with a synthetic population for the priority-list benchmark
//! (`bench/ekonomi.sh`): `gen_city DATABASE_URL [FAMILIES] [CITY]` registers FAMILIES families
//! (100,000 by default) across the kelurahan of CITY (`35.78`, Kota Surabaya, by default), a
//! quarter headed by women, 60 % of those PEKKA, a DTSEN decile for every family, a UP2K group per
//! kelurahan with members and assistance; then prints the priority list's cursor after the row in
//! the middle, for a page deep in the list.

use chrono::NaiveDate;
use ekonomi_keluarga::entity::{assistance, pekka, up2k_group, up2k_member, welfare_ranking};
use ekonomi_keluarga::priority;
use keluarga_core::Scope;
use keluarga_core::entity::{family, family_member, person, region};
use keluarga_core::seed::Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: gen_city DATABASE_URL [FAMILIES] [CITY]")?;
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let city = args.next().unwrap_or_else(|| "35.78".to_owned());
    let db = Database::connect(url).await?;
    let villages: Vec<String> = region::Entity::find()
        .filter(region::Column::Code.starts_with(format!("{city}.")))
        .filter(region::Column::Level.eq(4))
        .order_by_asc(region::Column::Code)
        .all(&db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();
    if villages.is_empty() {
        return Err(format!("{city} has no kelurahan").into());
    }
    let provider = keluarga_core::entity::organisation::Entity::find()
        .one(&db)
        .await?
        .map(|o| o.id);
    let mut rng = Rng(0x4349_5459);
    let now = chrono::Utc::now();
    let txn = db.begin().await?;
    let mut groups = Vec::new();
    for (i, v) in villages.iter().enumerate() {
        let id = Uuid::now_v7();
        groups.push((id, v.clone()));
        up2k_group::Entity::insert(up2k_group::ActiveModel {
            id: Set(id),
            name: Set(format!("UP2K {}", i + 1)),
            region_code: Set(v.clone()),
            rw: Set(None),
            rt: Set(None),
            business_type: Set("FOOD".into()),
            level: Set("PEMULA".into()),
            formed_on: Set(d(2022, 1, 1)),
            organisation_id: Set(None),
            programme_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&txn)
        .await?;
        if let (Some(p), true) = (provider, i % 2 == 0) {
            assistance::Entity::insert(assistance::ActiveModel {
                id: Set(Uuid::now_v7()),
                group_id: Set(id),
                member_id: Set(None),
                family_id: Set(None),
                region_code: Set(v.clone()),
                provider_id: Set(p),
                kind: Set("CAPITAL".into()),
                amount: Set(5_000_000),
                given_on: Set(d(2025, 6, 1)),
                programme_id: Set(None),
                note: Set(None),
                recorded_by: Set("bench".into()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec(&txn)
            .await?;
        }
    }
    let batch = 1_000;
    let mut done = 0;
    while done < n {
        let (mut fams, mut people, mut members, mut pekkas, mut ranks, mut joins) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for k in done..(done + batch).min(n) {
            let (gid, v) = &groups[k % groups.len()];
            let fid = Uuid::now_v7();
            fams.push(family::ActiveModel {
                id: Set(fid),
                household_id: Set(None),
                region_code: Set(v.clone()),
                kk_hash: Set(None),
                kk_last4: Set(None),
                registered_on: Set(d(2023, 1, 1)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let woman = rng.below(4) == 0;
            let mut add = |sex: &str, born: NaiveDate, rel: &str| {
                let pid = Uuid::now_v7();
                people.push(person::ActiveModel {
                    id: Set(pid),
                    full_name: Set(format!("Warga {k}")),
                    sex: Set(sex.to_owned()),
                    birth_date: Set(Some(born)),
                    region_code: Set(v.clone()),
                    rw: Set(None),
                    rt: Set(None),
                    dasawisma: Set(None),
                    nik_hash: Set(None),
                    nik_last4: Set(None),
                    registered_on: Set(d(2023, 1, 1)),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                members.push(family_member::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    family_id: Set(fid),
                    person_id: Set(pid),
                    relationship: Set(rel.to_owned()),
                });
                pid
            };
            let head = add(if woman { "P" } else { "L" }, d(1980, 1, 1), "HEAD");
            for _ in 0..rng.below(3) {
                add("P", d(2014, 1, 1), "CHILD");
            }
            if woman && rng.below(10) < 6 {
                pekkas.push(pekka::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    family_id: Set(fid),
                    region_code: Set(v.clone()),
                    head_person_id: Set(head),
                    category: Set("HUSBAND_ABSENT".into()),
                    source: Set("bench".into()),
                    recorded_on: Set(d(2025, 1, 1)),
                    ended_on: Set(None),
                    end_reason: Set(None),
                    note: Set(None),
                    recorded_by: Set("bench".into()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
            ranks.push(welfare_ranking::ActiveModel {
                id: Set(Uuid::now_v7()),
                family_id: Set(fid),
                region_code: Set(v.clone()),
                source: Set("DTSEN".into()),
                decile: Set(1 + i32::try_from(rng.below(10)).unwrap_or(0)),
                as_of: Set(d(2025, 10, 1)),
                recorded_by: Set("bench".into()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            if rng.below(20) == 0 {
                joins.push(up2k_member::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    group_id: Set(*gid),
                    person_id: Set(head),
                    family_id: Set(Some(fid)),
                    region_code: Set(v.clone()),
                    sex: Set(if woman { "P" } else { "L" }.into()),
                    role: Set("MEMBER".into()),
                    joined_on: Set(d(2024, 1, 1)),
                    left_on: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
        }
        done = (done + batch).min(n);
        family::Entity::insert_many(fams).exec(&txn).await?;
        for c in people.chunks(500) {
            person::Entity::insert_many(c.to_vec()).exec(&txn).await?;
        }
        for c in members.chunks(500) {
            family_member::Entity::insert_many(c.to_vec())
                .exec(&txn)
                .await?;
        }
        if !pekkas.is_empty() {
            pekka::Entity::insert_many(pekkas).exec(&txn).await?;
        }
        welfare_ranking::Entity::insert_many(ranks)
            .exec(&txn)
            .await?;
        if !joins.is_empty() {
            up2k_member::Entity::insert_many(joins).exec(&txn).await?;
        }
    }
    ekonomi_keluarga::facts::refresh_all(&txn).await?;
    txn.commit().await?;
    // Fresh statistics for the planner, as after any bulk load.
    db.execute_unprepared("ANALYZE").await?;
    let scope = Scope::new(&city)?;
    let today = chrono::Utc::now().date_naive();
    let total = priority::count(&db, &scope, today, 5).await?;
    let (rows, _) = priority::page(
        &db,
        &scope,
        today,
        (&priority::DEFAULT_RULES, 5),
        total / 2,
        (None, false),
    )
    .await?;
    let cursor = rows
        .last()
        .map(priority::Candidate::cursor)
        .unwrap_or_default();
    eprintln!(
        "{n} families in {city}: {total} on the priority list; the cursor is after row {}",
        rows.len()
    );
    use std::io::Write;
    writeln!(std::io::stdout(), "{cursor}")?;
    Ok(())
}
