//! Demo data of the stunting domain, from seed article 001 (Jakarta Pusat, 5 Oct 2023) plus a
//! deterministic synthetic population of children with monthly measurements in the four seed
//! cities, drawn so that stunting prevalence lands near the real figures (15–25 %).
//!
//! Seed 001: the 8 KPM (one per kecamatan) and the 36 TPK members are core's cadre roles; here they
//! form 12 TPK teams of three, the KPM coaching is recorded as aksi 5 of Jakarta Pusat's 2023
//! convergence actions, and the four named foster parents support their kelurahan.

use chrono::NaiveDate;
use keluarga_core::AppContext;
use keluarga_core::entity::{cadre_role, organisation, person, region};
use keluarga_core::error::{Error, Result};
use keluarga_core::kinds::CadreRoleKind;
use keluarga_core::seed::{Rng, SEED_CITIES};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entity::{
    child, convergence_action, foster_parent, measurement, pendampingan, posyandu, tpk_member,
    tpk_team,
};
use crate::kinds::*;
use crate::service::{Provenance, Values, check_values, measurement_row};
use crate::store::ChildInfo;
use crate::who;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// The last month of synthetic measurements (fixed, so the demo is the same every day).
pub const LAST_MEASURED: (i32, u32) = (2026, 10);
/// Children per village in the synthetic population.
pub const CHILDREN_PER_VILLAGE: u64 = 10;

const GIVEN_F: [&str; 10] = [
    "Aisyah",
    "Nayla",
    "Zahra",
    "Salsabila",
    "Keisha",
    "Alya",
    "Naura",
    "Kirana",
    "Azzahra",
    "Syifa",
];
const GIVEN_M: [&str; 10] = [
    "Muhammad", "Arkan", "Rafa", "Fathan", "Alfarizi", "Zidan", "Abiyu", "Raffi", "Kenzo", "Athar",
];
const SURNAME: [&str; 8] = [
    "Pratama", "Saputra", "Ramadhan", "Wijaya", "Hidayat", "Nugroho", "Permata", "Lestari",
];

/// Writes the demo data unless it is already there (or core's demo data is missing). Returns
/// true when it wrote.
pub async fn demo(app: &AppContext) -> Result<bool> {
    if posyandu::Entity::find().count(&app.db).await? > 0 {
        return Ok(false);
    }
    let now = keluarga_core::service::stamp();
    let tables = who::tables();
    let mut rng = Rng(0x5354_554E_5449_4E47);
    let (last_y, last_m) = LAST_MEASURED;
    let last_day = d(last_y, last_m, 15);

    let mut posyandus = Vec::new();
    let mut persons = Vec::new();
    let mut children = Vec::new();
    let mut measurements = Vec::new();
    let mut children_of: std::collections::HashMap<String, Vec<Uuid>> = Default::default();
    for city in SEED_CITIES {
        let villages = region::Entity::find()
            .filter(region::Column::Code.starts_with(format!("{city}.")))
            .filter(region::Column::Level.eq(4))
            .order_by_asc(region::Column::Code)
            .all(&app.db)
            .await?;
        for v in villages {
            let pid = Uuid::now_v7();
            let rw_a = 1 + rng.below(5);
            posyandus.push(posyandu::ActiveModel {
                id: Set(pid),
                name: Set(format!("Posyandu {} {}", v.name, 1 + rng.below(9))),
                region_code: Set(v.code.clone()),
                rws: Set(Some(format!("{:03},{:03}", rw_a, rw_a + 1))),
                strata: Set(Some(
                    ["PRATAMA", "MADYA", "PURNAMA", "MANDIRI"][rng.below(4) as usize].to_owned(),
                )),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            for _ in 0..CHILDREN_PER_VILLAGE {
                let female = rng.below(2) == 0;
                // Born between Dec 2021 and Sep 2026.
                let birth = d(2021, 12, 1) + chrono::Days::new(rng.below(1765));
                let person_id = Uuid::now_v7();
                let given = if female { GIVEN_F } else { GIVEN_M }[rng.below(10) as usize];
                let surname = SURNAME[rng.below(8) as usize];
                persons.push(person::ActiveModel {
                    id: Set(person_id),
                    full_name: Set(format!("{given} {surname}")),
                    sex: Set(if female { "P" } else { "L" }.to_owned()),
                    birth_date: Set(Some(birth)),
                    region_code: Set(v.code.clone()),
                    rw: Set(Some(format!("{:03}", rw_a + rng.below(2)))),
                    rt: Set(Some(format!("{:03}", 1 + rng.below(10)))),
                    dasawisma: Set(None),
                    nik_hash: Set(None),
                    nik_last4: Set(None),
                    registered_on: Set(birth.max(d(2022, 1, 1))),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                let child_id = Uuid::now_v7();
                children.push(child::ActiveModel {
                    id: Set(child_id),
                    person_id: Set(person_id),
                    region_code: Set(v.code.clone()),
                    posyandu_id: Set(Some(pid)),
                    consent_given_by: Set(format!("Ibu {}", GIVEN_F[rng.below(10) as usize])),
                    consent_given_on: Set(birth.max(d(2022, 1, 1))),
                    consent_method: Set(ConsentMethod::Written.as_str().to_owned()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                children_of
                    .entry(v.code.clone())
                    .or_default()
                    .push(child_id);
                let info = ChildInfo {
                    id: child_id,
                    region_code: v.code.clone(),
                    posyandu_id: Some(pid),
                    sex: if female { "P" } else { "L" }.to_owned(),
                    birth_date: birth,
                };
                let sex = info.who_sex();
                // Each child's own growth track: HAZ ~ N(−1.05, 1.05) gives about 18 % stunted.
                let haz = -1.05 + 1.05 * rng.normal();
                let whz = -0.3 + 0.95 * rng.normal();
                // Monthly weighing, Nov 2025 – Oct 2026, from the first month after birth.
                for k in 0..12u32 {
                    let (y, m) = if k < 2 { (2025, 11 + k) } else { (2026, k - 1) };
                    let day = d(y, m, 5 + (rng.below(20) as u32));
                    if day < birth + chrono::Days::new(7) || day > last_day {
                        continue;
                    }
                    let age = (day - birth).num_days();
                    if age > who::MAX_AGE_DAYS {
                        continue;
                    }
                    let Some(h_lms) = tables.lhfa.get(sex, age) else {
                        continue;
                    };
                    let length = h_lms.sd(haz + 0.08 * rng.normal());
                    let length = (length * 10.0).round() / 10.0;
                    let table = if age < who::HEIGHT_FROM_DAYS {
                        &tables.wfl
                    } else {
                        &tables.wfh
                    };
                    let tenths = (length * 10.0).round() as i64;
                    let weight = table
                        .get(sex, tenths)
                        .map(|lms| lms.sd(whz + 0.1 * rng.normal()))
                        .or_else(|| {
                            tables
                                .wfa
                                .get(sex, age)
                                .map(|lms| lms.sd((haz + whz) / 2.0))
                        })
                        .map(|w| (w * 10.0).round() / 10.0);
                    let values = Values {
                        measured_on: day,
                        weight_kg: weight,
                        length_cm: Some(length),
                        position: if age < who::HEIGHT_FROM_DAYS {
                            MeasurePosition::Lying
                        } else {
                            MeasurePosition::Standing
                        },
                        oedema: false,
                        muac_mm: (age >= 182).then(|| {
                            tables
                                .acfa
                                .get(sex, age)
                                .map(|lms| (lms.sd(whz) * 10.0).round())
                                .unwrap_or(140.0)
                        }),
                    };
                    let Ok(age) = check_values(&values, birth, day, "") else {
                        continue;
                    };
                    measurements.push(measurement_row(
                        Uuid::now_v7(),
                        &info,
                        &values,
                        age,
                        Provenance {
                            measured_by: None,
                            posyandu_id: Some(pid),
                            source: MeasurementSource::PosyanduSession,
                        },
                        now,
                    ));
                }
            }
        }
    }

    // Seed 001: 12 TPK teams of three from Jakarta Pusat's 36 TPK members.
    let tpk: Vec<cadre_role::Model> = cadre_role::Entity::find()
        .filter(cadre_role::Column::Role.eq(CadreRoleKind::TpkMember.as_str()))
        .filter(cadre_role::Column::RegionCode.starts_with("31.71."))
        .order_by_asc(cadre_role::Column::Id)
        .all(&app.db)
        .await?;
    let mut teams = Vec::new();
    let mut members = Vec::new();
    let mut visits = Vec::new();
    for (i, trio) in tpk.chunks(3).filter(|c| c.len() == 3).enumerate() {
        let team_id = Uuid::now_v7();
        let village = trio[0].region_code.clone();
        teams.push(tpk_team::ActiveModel {
            id: Set(team_id),
            name: Set(format!("TPK Jakarta Pusat {:02}", i + 1)),
            region_code: Set(village.clone()),
            formed_on: Set(Some(trio[0].started_on)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for (m, role) in trio
            .iter()
            .zip([TpkRole::Bidan, TpkRole::KaderPkk, TpkRole::KaderKb])
        {
            members.push(tpk_member::ActiveModel {
                id: Set(Uuid::now_v7()),
                team_id: Set(team_id),
                person_id: Set(m.person_id),
                role: Set(role.as_str().to_owned()),
            });
        }
        for (k, target) in [
            PendampinganTarget::CalonPengantin,
            PendampinganTarget::IbuHamil,
            PendampinganTarget::Baduta,
        ]
        .into_iter()
        .enumerate()
        {
            visits.push(pendampingan::ActiveModel {
                id: Set(Uuid::now_v7()),
                team_id: Set(team_id),
                region_code: Set(village.clone()),
                visited_on: Set(d(2023, 10 + k as u32, 10 + i as u32)),
                target_type: Set(target.as_str().to_owned()),
                target_person_id: Set(None),
                activity: Set([
                    "penyuluhan gizi dan pola asuh",
                    "fasilitasi rujukan",
                    "surveilans risiko stunting",
                ][k]
                    .to_owned()),
                referral: Set((k == 1).then(|| "Puskesmas kecamatan".to_owned())),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }

    // Seed 001: KPM coaching on Thu 5 Oct 2023 is aksi 5 of Jakarta Pusat's convergence actions.
    let aksi5 = convergence_action::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_code: Set("31.71".to_owned()),
        year: Set(2023),
        aksi: Set(ConvergenceAksi::PembinaanKpm.number()),
        status: Set(ActionStatus::Done.as_str().to_owned()),
        done_on: Set(Some(d(2023, 10, 5))),
        evidence: Set(Some(
            "Pembinaan KPM dan peningkatan kapasitas TPK tingkat Kota Jakarta Pusat, 120 peserta (36 TPK, 8 KPM, 76 TP PKK)".to_owned(),
        )),
        score: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };

    // Seed 001: the four named foster parents (of the eight collaborators).
    let mut fosters = Vec::new();
    let mut foster_links = Vec::new();
    for (org_name, village) in [
        ("Perumda PAM Jaya", "31.71.07.1002"),
        ("PT Jakarta Propertindo (Perseroda)", "31.71.07.1007"),
        ("PT Green Pramuka", "31.71.08.1004"),
        ("Kejaksaan Negeri Jakarta Pusat", "31.71.03.1004"),
    ] {
        let Some(org) = organisation::Entity::find()
            .filter(organisation::Column::Name.eq(org_name))
            .one(&app.db)
            .await?
        else {
            return Err(Error::NotFound(format!(
                "organisation {org_name} (seed core demo data first)"
            )));
        };
        let fid = Uuid::now_v7();
        fosters.push(foster_parent::ActiveModel {
            id: Set(fid),
            organisation_id: Set(org.id),
            region_code: Set(village.to_owned()),
            started_on: Set(d(2023, 1, 1)),
            ended_on: Set(None),
            support: Set(FosterSupport::Nutrition.as_str().to_owned()),
            note: Set(Some("Orang tua asuh balita stunting (seed 001)".to_owned())),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for cid in children_of.get(village).into_iter().flatten().take(2) {
            foster_links.push(crate::entity::foster_parent_child::ActiveModel {
                id: Set(Uuid::now_v7()),
                foster_parent_id: Set(fid),
                child_id: Set(*cid),
            });
        }
    }

    let txn = keluarga_core::store::begin_write(&app.db).await?;
    for c in posyandus.chunks(500) {
        posyandu::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for c in persons.chunks(500) {
        person::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for c in children.chunks(500) {
        child::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for c in measurements.chunks(800) {
        measurement::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await?;
    }
    if !teams.is_empty() {
        tpk_team::Entity::insert_many(teams).exec(&txn).await?;
        tpk_member::Entity::insert_many(members).exec(&txn).await?;
        pendampingan::Entity::insert_many(visits).exec(&txn).await?;
    }
    convergence_action::Entity::insert(aksi5).exec(&txn).await?;
    foster_parent::Entity::insert_many(fosters)
        .exec(&txn)
        .await?;
    if !foster_links.is_empty() {
        crate::entity::foster_parent_child::Entity::insert_many(foster_links)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(true)
}
