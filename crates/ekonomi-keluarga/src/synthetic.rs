//! The family-economy part of a synthetic province (`seed --synthetic`): a DTSEN welfare decile
//! for every family, PEKKA status for most families headed by a woman, and a UP2K group in every
//! village with members drawn mostly from PEKKA (as Kota Mojokerto aims it, seed 003), capital
//! from the regency's cooperatives office to about half the groups in the last year, and monthly
//! income reports of every member for the last year; then the derived facts of the batch's
//! families.

use chrono::{Datelike, NaiveDate, Utc};
use keluarga_core::entity::organisation;
use keluarga_core::error::Error as CoreError;
use keluarga_core::kinds::OrganisationKind;
use keluarga_core::synthetic::{Batch, id_on, insert_all, keyed_id, plus_days};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::entity::{assistance, income_report, pekka, up2k_group, up2k_member, welfare_ranking};
use crate::kinds::{
    AssistanceKind, BusinessType, PekkaCategory, Up2kLevel, Up2kRole, WelfareSource,
};

const BUSINESSES: [BusinessType; 5] = [
    BusinessType::Food,
    BusinessType::Craft,
    BusinessType::Clothing,
    BusinessType::Trade,
    BusinessType::Services,
];

/// Writes the batch's rankings, PEKKA, UP2K groups and members, and refreshes the facts.
pub async fn write<C: ConnectionTrait>(db: &C, batch: &Batch) -> Result<(), CoreError> {
    let now = Utc::now();
    let today = batch.plan.today;
    let mut rng = batch.rng(0x454B_4F4E);
    let as_of = today
        .checked_sub_months(chrono::Months::new(2))
        .unwrap_or(today);
    let formed = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(today);
    let mut groups = std::collections::HashMap::new();
    let mut group_rows = Vec::new();
    let (mut providers, mut aid) = (Vec::new(), Vec::new());
    let year_ago = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    for (i, v) in batch.villages.iter().enumerate() {
        // The regency's cooperatives office gives capital; every batch derives its id alike.
        let regency = v.get(..5).unwrap_or(v);
        let provider = keyed_id(
            batch.plan.seed,
            &format!("ekonomi-provider:{regency}"),
            formed,
        );
        if batch.first_of_regency.get(i).copied().unwrap_or(false) {
            providers.push(organisation::ActiveModel {
                id: Set(provider),
                name: Set(format!("Dinas Koperasi dan UKM {regency}")),
                acronym: Set(None),
                kind: Set(OrganisationKind::LocalGovernment.as_str().to_owned()),
                region_code: Set(regency.to_owned()),
                parent_id: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        let on = plus_days(formed, rng.below(1400));
        let id = id_on(&mut rng, on);
        groups.insert(v.as_str(), (id, on));
        if rng.below(2) == 0 {
            let given = plus_days(year_ago, rng.below(360)).min(today);
            aid.push(assistance::ActiveModel {
                id: Set(id_on(&mut rng, given)),
                group_id: Set(id),
                member_id: Set(None),
                family_id: Set(None),
                region_code: Set(v.clone()),
                provider_id: Set(provider),
                kind: Set(AssistanceKind::Capital.as_str().to_owned()),
                amount: Set(1_000_000 * (1 + rng.below(10) as i64)),
                given_on: Set(given),
                programme_id: Set(None),
                note: Set(None),
                recorded_by: Set("synthetic".to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        group_rows.push(up2k_group::ActiveModel {
            id: Set(id),
            name: Set(format!("UP2K {}", v.rsplit('.').next().unwrap_or(v))),
            region_code: Set(v.clone()),
            rw: Set(None),
            rt: Set(None),
            business_type: Set(BUSINESSES[i % BUSINESSES.len()].as_str().to_owned()),
            level: Set(Up2kLevel::Pemula.as_str().to_owned()),
            formed_on: Set(on),
            organisation_id: Set(None),
            programme_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    let (mut ranks, mut pekkas, mut members, mut ids) = (vec![], vec![], vec![], vec![]);
    let mut reports = Vec::new();
    for f in &batch.families {
        ids.push(f.id);
        let head = f.head();
        let woman = head.sex == "P";
        // Families headed by a woman are poorer on average.
        let decile = if woman {
            1 + rng.below(6).min(rng.below(10))
        } else {
            1 + rng.below(10)
        };
        ranks.push(welfare_ranking::ActiveModel {
            id: Set(id_on(&mut rng, as_of)),
            family_id: Set(f.id),
            region_code: Set(f.region_code.clone()),
            source: Set(WelfareSource::Dtsen.as_str().to_owned()),
            decile: Set(decile as i32),
            as_of: Set(as_of),
            recorded_by: Set("synthetic".to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let is_pekka = woman && rng.below(10) < 7;
        if is_pekka {
            let on = plus_days(f.registered_on, rng.below(365));
            pekkas.push(pekka::ActiveModel {
                id: Set(id_on(&mut rng, on)),
                family_id: Set(f.id),
                region_code: Set(f.region_code.clone()),
                head_person_id: Set(head.id),
                category: Set(match rng.below(4) {
                    0 => PekkaCategory::HusbandAbsent,
                    1 => PekkaCategory::UnmarriedWithDependants,
                    2 => PekkaCategory::HusbandUnable,
                    _ => PekkaCategory::DivorcedAbandonedOrWidowed,
                }
                .as_str()
                .to_owned()),
                source: Set("synthetic".to_owned()),
                recorded_on: Set(on.min(today)),
                ended_on: Set(None),
                end_reason: Set(None),
                note: Set(None),
                recorded_by: Set("synthetic".to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        let joins = if is_pekka {
            rng.below(10) < 3
        } else {
            rng.below(100) < 2
        };
        if let (true, Some((group, formed_on))) = (joins, groups.get(f.region_code.as_str())) {
            let on = plus_days(*formed_on, rng.below(600)).min(today);
            let member = id_on(&mut rng, on);
            // A report for each month of the last year the member belonged to the group.
            let base = 500_000 + rng.below(3_000_000) as i64;
            for k in 1..=12 {
                let Some(month) = today
                    .with_day(1)
                    .and_then(|d| d.checked_sub_months(chrono::Months::new(k)))
                else {
                    continue;
                };
                if month < on {
                    continue;
                }
                let revenue = base + (rng.below(400_000) as i64) - 200_000;
                reports.push(income_report::ActiveModel {
                    id: Set(id_on(&mut rng, month)),
                    group_id: Set(*group),
                    member_id: Set(Some(member)),
                    region_code: Set(f.region_code.clone()),
                    month: Set(month),
                    revenue: Set(revenue),
                    profit: Set(revenue / 4),
                    recorded_by: Set("synthetic".to_owned()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
            members.push(up2k_member::ActiveModel {
                id: Set(member),
                group_id: Set(*group),
                person_id: Set(head.id),
                family_id: Set(Some(f.id)),
                region_code: Set(f.region_code.clone()),
                sex: Set(head.sex.to_owned()),
                role: Set(Up2kRole::Member.as_str().to_owned()),
                joined_on: Set(on),
                left_on: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    insert_all(db, providers, 1_000).await?;
    insert_all(db, group_rows, 2_000).await?;
    insert_all(db, aid, 2_000).await?;
    insert_all(db, ranks, 2_500).await?;
    insert_all(db, pekkas, 2_000).await?;
    insert_all(db, members, 2_000).await?;
    insert_all(db, reports, 2_500).await?;
    for chunk in ids.chunks(1_000) {
        crate::facts::refresh(db, chunk).await?;
    }
    Ok(())
}
