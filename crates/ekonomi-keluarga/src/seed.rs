//! Demo data of the ekonomi-keluarga domain: seed 003 as facts (Kota Mojokerto's 170 PEKKA of
//! October 2025, UP2K under TP PKK Pokja II, assistance through the Dinas Koperasi, UKM,
//! Perindustrian dan Perdagangan), plus deterministic synthetic data in the four seed cities:
//! PEKKA for about 15 % of families, DTSEN deciles for every family (P3KE for deciles 1–4), a
//! UP2K group per kelurahan with members and officers, assistance, and monthly income reports.
//!
//! Where the synthetic registry has too few women-headed families, new ones are registered here
//! (a PEKKA must be headed by a woman): they are part of the domain's demo data.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use keluarga_core::AppContext;
use keluarga_core::entity::{family, family_member, organisation, person, programme, region};
use keluarga_core::error::Result;
use keluarga_core::kinds::Relationship;
use keluarga_core::seed::{Rng, SEED_CITIES};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::kinds::*;

/// Kota Mojokerto's PEKKA in seed 003.
pub const MOJOKERTO_PEKKA: usize = 170;
/// The day of seed 003's facilitation (7 October 2025).
pub const FACILITATION: NaiveDate = match NaiveDate::from_ymd_opt(2025, 10, 7) {
    Some(d) => d,
    None => panic!("a valid date"),
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

const GIVEN_F: [&str; 10] = [
    "Siti", "Sri", "Dewi", "Nur", "Endang", "Yuliani", "Rina", "Lestari", "Wahyuni", "Kartini",
];
const GIVEN_C: [&str; 8] = [
    "Adi", "Putri", "Rizky", "Ayu", "Bayu", "Intan", "Dimas", "Nabila",
];
const GROUP_NAMES: [(&str, BusinessType); 7] = [
    ("Kue Basah", BusinessType::Food),
    ("Kerajinan Manik", BusinessType::Craft),
    ("Batik Tulis", BusinessType::Clothing),
    ("Warung Sembako", BusinessType::Trade),
    ("Lele dan Sayur", BusinessType::Agriculture),
    ("Katering Sehat", BusinessType::Services),
    ("Keripik Singkong", BusinessType::Food),
];
const CATEGORIES: [PekkaCategory; 4] = [
    PekkaCategory::DivorcedAbandonedOrWidowed,
    PekkaCategory::UnmarriedWithDependants,
    PekkaCategory::HusbandUnable,
    PekkaCategory::HusbandAbsent,
];

/// A family of the registry as the seed sees it.
struct Fam {
    id: Uuid,
    region: String,
    female_head: Option<Uuid>,
    women: Vec<(Uuid, String)>,
}

async fn families(app: &AppContext, city: &str) -> Result<Vec<Fam>> {
    let fams = family::Entity::find()
        .filter(family::Column::RegionCode.starts_with(format!("{city}.")))
        .order_by_asc(family::Column::Id)
        .all(&app.db)
        .await?;
    let ids: Vec<Uuid> = fams.iter().map(|f| f.id).collect();
    let mut members: HashMap<Uuid, Vec<family_member::Model>> = HashMap::new();
    let mut people: HashMap<Uuid, person::Model> = HashMap::new();
    for chunk in ids.chunks(2_000) {
        let ms = family_member::Entity::find()
            .filter(family_member::Column::FamilyId.is_in(chunk.iter().copied()))
            .all(&app.db)
            .await?;
        let pids: Vec<Uuid> = ms.iter().map(|m| m.person_id).collect();
        for pc in pids.chunks(2_000) {
            for p in person::Entity::find()
                .filter(person::Column::Id.is_in(pc.iter().copied()))
                .all(&app.db)
                .await?
            {
                people.insert(p.id, p);
            }
        }
        for m in ms {
            members.entry(m.family_id).or_default().push(m);
        }
    }
    let adult = d(2006, 1, 1);
    Ok(fams
        .into_iter()
        .map(|f| {
            let ms = members.remove(&f.id).unwrap_or_default();
            let head = ms
                .iter()
                .find(|m| m.relationship == Relationship::Head.as_str())
                .and_then(|m| people.get(&m.person_id));
            let women = ms
                .iter()
                .filter_map(|m| people.get(&m.person_id))
                .filter(|p| p.sex == "P" && p.birth_date.is_some_and(|b| b < adult))
                .map(|p| (p.id, p.region_code.clone()))
                .collect();
            Fam {
                id: f.id,
                region: f.region_code,
                female_head: head.filter(|h| h.sex == "P").map(|h| h.id),
                women,
            }
        })
        .collect())
}

/// Registers `n` new women-headed families (a head and 1–3 children) across `villages`.
async fn new_families(
    app: &AppContext,
    rng: &mut Rng,
    villages: &[String],
    n: usize,
) -> Result<Vec<Fam>> {
    let now = chrono::Utc::now();
    let (mut fams, mut persons, mut members, mut out) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let village = villages[i % villages.len().max(1)].clone();
        let fid = Uuid::now_v7();
        let registered = d(2023, 1, 1) + chrono::Days::new(rng.below(900));
        fams.push(family::ActiveModel {
            id: Set(fid),
            household_id: Set(None),
            region_code: Set(village.clone()),
            kk_hash: Set(None),
            kk_last4: Set(None),
            registered_on: Set(registered),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let head = Uuid::now_v7();
        let mut add = |id: Uuid, name: String, sex: &str, born: NaiveDate, rel: Relationship| {
            persons.push(person::ActiveModel {
                id: Set(id),
                full_name: Set(name),
                sex: Set(sex.to_owned()),
                birth_date: Set(Some(born)),
                region_code: Set(village.clone()),
                rw: Set(None),
                rt: Set(None),
                dasawisma: Set(None),
                nik_hash: Set(None),
                nik_last4: Set(None),
                registered_on: Set(registered),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            members.push(family_member::ActiveModel {
                id: Set(Uuid::now_v7()),
                family_id: Set(fid),
                person_id: Set(id),
                relationship: Set(rel.as_str().to_owned()),
            });
        };
        let given = GIVEN_F[rng.below(GIVEN_F.len() as u64) as usize];
        add(
            head,
            format!("{given} (PEKKA {})", i + 1),
            "P",
            d(
                1975 + rng.below(25) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            ),
            Relationship::Head,
        );
        for _ in 0..1 + rng.below(3) {
            let c = GIVEN_C[rng.below(GIVEN_C.len() as u64) as usize];
            add(
                Uuid::now_v7(),
                format!("{c} bin/binti {given}"),
                if rng.below(2) == 0 { "L" } else { "P" },
                d(
                    2008 + rng.below(17) as i32,
                    1 + rng.below(12) as u32,
                    1 + rng.below(28) as u32,
                ),
                Relationship::Child,
            );
        }
        out.push(Fam {
            id: fid,
            region: village.clone(),
            female_head: Some(head),
            women: vec![(head, village)],
        });
    }
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    for c in fams.chunks(500) {
        family::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for c in persons.chunks(500) {
        person::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for c in members.chunks(500) {
        family_member::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(out)
}

async fn org_in(app: &AppContext, city: &str, name_part: &str) -> Result<Option<Uuid>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::RegionCode.starts_with(city))
        .filter(organisation::Column::Name.contains(name_part))
        .order_by_asc(organisation::Column::Name)
        .one(&app.db)
        .await?
        .map(|o| o.id))
}

/// Writes the demo data unless it is already there. Returns true when it wrote.
pub async fn demo(app: &AppContext) -> Result<bool> {
    if up2k_group::Entity::find().count(&app.db).await? > 0 {
        return Ok(false);
    }
    let mut rng = Rng(0x454B_4F4E_4F4D_4921);
    let now = chrono::Utc::now();
    let system = "seed".to_owned();
    let up2k_programme = programme::Entity::find()
        .filter(programme::Column::Name.contains("UP2K"))
        .one(&app.db)
        .await?
        .map(|p| p.id);
    let (mut pekkas, mut rankings, mut groups, mut members, mut aids, mut reports) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for city in SEED_CITIES {
        let villages: Vec<String> = region::Entity::find()
            .filter(region::Column::Code.starts_with(format!("{city}.")))
            .filter(region::Column::Level.eq(4))
            .order_by_asc(region::Column::Code)
            .all(&app.db)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect();
        if villages.is_empty() {
            continue;
        }
        let mut fams = families(app, city).await?;
        let headed = fams.iter().filter(|f| f.female_head.is_some()).count();
        let mojokerto = city == "35.76";
        // Mojokerto: exactly the article's 170; elsewhere about 15 % of families.
        let wanted = if mojokerto {
            MOJOKERTO_PEKKA
        } else {
            (fams.len() as f64 * 0.15 / 0.85).round() as usize
        };
        let missing = if mojokerto {
            MOJOKERTO_PEKKA.saturating_sub(headed)
        } else {
            wanted.saturating_sub(headed)
        };
        fams.extend(new_families(app, &mut rng, &villages, missing).await?);
        let mut pekka_of: HashMap<Uuid, ()> = HashMap::new();
        let mut n_pekka = 0;
        for f in &fams {
            let Some(head) = f.female_head else { continue };
            if mojokerto && n_pekka >= MOJOKERTO_PEKKA {
                break;
            }
            n_pekka += 1;
            pekka_of.insert(f.id, ());
            let (recorded_on, source) = if mojokerto {
                (
                    d(2025, 10, 1),
                    "DP3AKB Kota Mojokerto (data Oktober 2025, seed 003)",
                )
            } else {
                (
                    d(2024, 1, 1) + chrono::Days::new(rng.below(600)),
                    "Pendataan PKK dasawisma",
                )
            };
            pekkas.push(pekka::ActiveModel {
                id: Set(Uuid::now_v7()),
                family_id: Set(f.id),
                region_code: Set(f.region.clone()),
                head_person_id: Set(head),
                category: Set(CATEGORIES[rng.below(4) as usize].as_str().to_owned()),
                source: Set(source.to_owned()),
                recorded_on: Set(recorded_on),
                ended_on: Set(None),
                end_reason: Set(None),
                note: Set(None),
                recorded_by: Set(system.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        // Deciles: PEKKA families skew poor.
        for f in &fams {
            let base = if pekka_of.contains_key(&f.id) {
                1 + rng.below(6)
            } else {
                1 + rng.below(10)
            };
            let dec = i32::try_from(base).unwrap_or(10);
            let row = |source: WelfareSource, decile: i32, as_of: NaiveDate| {
                welfare_ranking::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    family_id: Set(f.id),
                    region_code: Set(f.region.clone()),
                    source: Set(source.as_str().to_owned()),
                    decile: Set(decile),
                    as_of: Set(as_of),
                    recorded_by: Set(system.clone()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            };
            rankings.push(row(WelfareSource::Dtsen, dec, d(2025, 10, 1)));
            if dec <= 4 {
                let older = (dec + i32::try_from(rng.below(3)).unwrap_or(0) - 1).clamp(1, 4);
                rankings.push(row(WelfareSource::P3ke, older, d(2023, 12, 1)));
            }
        }
        // Providers: the city's dinas of cooperatives where it has one (Mojokerto, seed 003),
        // else its local government.
        let provider = match org_in(app, city, "Koperasi").await? {
            Some(o) => Some(o),
            None => org_in(app, city, "Pemerintah").await?,
        };
        let pkk = org_in(app, city, "PKK").await?;
        // A UP2K group per kelurahan, members from its women (PEKKA heads first).
        let mut women_by_village: HashMap<&str, Vec<(Uuid, Uuid, bool)>> = HashMap::new();
        for f in &fams {
            let is_pekka = pekka_of.contains_key(&f.id);
            for (p, v) in &f.women {
                women_by_village.entry(v.as_str()).or_default().push((
                    *p,
                    f.id,
                    is_pekka && Some(*p) == f.female_head,
                ));
            }
        }
        for (vi, village) in villages.iter().enumerate() {
            let (label, business) = GROUP_NAMES[(vi + city.len()) % GROUP_NAMES.len()];
            let level = [
                Up2kLevel::Pemula,
                Up2kLevel::Madya,
                Up2kLevel::Utama,
                Up2kLevel::Mandiri,
            ][(rng.below(10) as usize).min(9) / 3 % 4];
            let formed = d(2019 + rng.below(5) as i32, 1 + rng.below(12) as u32, 1);
            let gid = Uuid::now_v7();
            groups.push(up2k_group::ActiveModel {
                id: Set(gid),
                name: Set(format!("UP2K {label} {}", vi + 1)),
                region_code: Set(village.clone()),
                rw: Set(Some(format!("{:03}", 1 + rng.below(6)))),
                rt: Set(None),
                business_type: Set(business.as_str().to_owned()),
                level: Set(level.as_str().to_owned()),
                formed_on: Set(formed),
                organisation_id: Set(pkk),
                programme_id: Set(if mojokerto { up2k_programme } else { None }),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let mut pool = women_by_village
                .remove(village.as_str())
                .unwrap_or_default();
            // PEKKA heads first for about a third of them; others after.
            pool.sort_by_key(|(_, _, pekka_head)| !*pekka_head);
            let size = (6 + rng.below(7) as usize).min(pool.len());
            let mut joined_members = Vec::new();
            for (k, (p, fam, pekka_head)) in pool.into_iter().enumerate() {
                if k >= size {
                    break;
                }
                if pekka_head && rng.below(3) != 0 {
                    continue;
                }
                let role = match joined_members.len() {
                    0 => Up2kRole::Chair,
                    1 => Up2kRole::Secretary,
                    2 => Up2kRole::Treasurer,
                    _ => Up2kRole::Member,
                };
                let joined = formed + chrono::Days::new(rng.below(400));
                let left =
                    (rng.below(12) == 0).then(|| joined + chrono::Days::new(200 + rng.below(300)));
                let mid = Uuid::now_v7();
                members.push(up2k_member::ActiveModel {
                    id: Set(mid),
                    group_id: Set(gid),
                    person_id: Set(p),
                    family_id: Set(Some(fam)),
                    region_code: Set(village.clone()),
                    sex: Set("P".to_owned()),
                    role: Set(role.as_str().to_owned()),
                    joined_on: Set(joined),
                    left_on: Set(left),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                if left.is_none() {
                    joined_members.push((mid, fam));
                }
            }
            // Monthly group revenue from April 2025 to October 2026; assistance lifts it.
            let base = 2_000_000 + 500_000 * i64::try_from(rng.below(16)).unwrap_or(0);
            let aid_on = if mojokerto {
                FACILITATION
            } else {
                d(2025, 7 + rng.below(5) as u32, 1 + rng.below(28) as u32)
            };
            let assisted = mojokerto || rng.below(2) == 0;
            if let (true, Some(provider)) = (assisted, provider) {
                let kind = [
                    AssistanceKind::Capital,
                    AssistanceKind::Equipment,
                    AssistanceKind::Training,
                ][rng.below(3) as usize];
                let amount = match kind {
                    AssistanceKind::Training => 0,
                    _ => 2_500_000 + 500_000 * i64::try_from(rng.below(10)).unwrap_or(0),
                };
                aids.push(assistance::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    group_id: Set(gid),
                    member_id: Set(None),
                    family_id: Set(None),
                    region_code: Set(village.clone()),
                    provider_id: Set(provider),
                    kind: Set(kind.as_str().to_owned()),
                    amount: Set(amount),
                    given_on: Set(aid_on),
                    programme_id: Set(if mojokerto { up2k_programme } else { None }),
                    note: Set(mojokerto.then(|| {
                        "Fasilitasi dan asistensi pelaku UP2K, Balai Kota Mojokerto".to_owned()
                    })),
                    recorded_by: Set(system.clone()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                // Capital to one member of the group too.
                if let Some((mid, fam)) = joined_members.get(3).copied() {
                    aids.push(assistance::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        group_id: Set(gid),
                        member_id: Set(Some(mid)),
                        family_id: Set(Some(fam)),
                        region_code: Set(village.clone()),
                        provider_id: Set(provider),
                        kind: Set(AssistanceKind::Capital.as_str().to_owned()),
                        amount: Set(1_000_000 + 250_000 * i64::try_from(rng.below(8)).unwrap_or(0)),
                        given_on: Set(aid_on),
                        programme_id: Set(if mojokerto { up2k_programme } else { None }),
                        note: Set(None),
                        recorded_by: Set(system.clone()),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
            }
            let mut month = d(2025, 4, 1);
            while month <= d(2026, 10, 1) {
                let lift = if assisted && month > aid_on {
                    1.15 + rng.unit() * 0.2
                } else {
                    1.0
                };
                let noise = 0.85 + rng.unit() * 0.3;
                let revenue = (base as f64 * lift * noise).round() as i64 / 1_000 * 1_000;
                let profit =
                    (revenue as f64 * (0.15 + rng.unit() * 0.15)).round() as i64 / 1_000 * 1_000;
                reports.push(income_report::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    group_id: Set(gid),
                    member_id: Set(None),
                    region_code: Set(village.clone()),
                    month: Set(month),
                    revenue: Set(revenue),
                    profit: Set(profit),
                    recorded_by: Set(system.clone()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                month = month
                    .checked_add_months(Months::new(1))
                    .unwrap_or(d(2100, 1, 1));
            }
        }
    }
    let txn = keluarga_core::store::begin_write(&app.db).await?;
    for c in pekkas.chunks(500) {
        pekka::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for c in rankings.chunks(500) {
        welfare_ranking::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    for c in groups.chunks(500) {
        up2k_group::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    for c in members.chunks(500) {
        up2k_member::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    for c in aids.chunks(500) {
        assistance::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    for c in reports.chunks(500) {
        income_report::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    crate::facts::refresh_all(&txn).await?;
    txn.commit().await?;
    Ok(true)
}
