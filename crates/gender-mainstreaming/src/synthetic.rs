//! The gender-mainstreaming part of a synthetic province (`seed --synthetic`): in every
//! regency/city, its local government with the strategic posts APE looks at (head and deputy head
//! of region, Sekda, assistants, heads of dinas and badan) and their holders over the last five
//! years, about a quarter of them women; holders are adults of the regency's villages in the batch
//! that holds its first village.

use chrono::{Datelike, NaiveDate, Utc};
use keluarga_core::entity::organisation;
use keluarga_core::error::Error as CoreError;
use keluarga_core::kinds::OrganisationKind;
use keluarga_core::synthetic::{Batch, Member, id_on, insert_all, plus_days};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::entity::{post_holding, strategic_post};
use crate::kinds::{Echelon, PostKind};

/// The posts of one regency/city: kind, title, echelon.
const POSTS: [(PostKind, &str, Option<Echelon>); 16] = [
    (PostKind::HeadOfRegion, "Kepala Daerah", None),
    (PostKind::DeputyHeadOfRegion, "Wakil Kepala Daerah", None),
    (PostKind::Sekda, "Sekretaris Daerah", Some(Echelon::IIa)),
    (
        PostKind::Asisten,
        "Asisten Pemerintahan",
        Some(Echelon::IIb),
    ),
    (
        PostKind::Asisten,
        "Asisten Perekonomian",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Pendidikan",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Kesehatan",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Sosial",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas PPPA",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Pekerjaan Umum",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Koperasi dan UKM",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        Some(Echelon::IIb),
    ),
    (
        PostKind::KepalaDinas,
        "Kepala Dinas Perhubungan",
        Some(Echelon::IIb),
    ),
    (PostKind::KepalaBadan, "Kepala Bappeda", Some(Echelon::IIb)),
    (PostKind::KepalaBadan, "Kepala BPKAD", Some(Echelon::IIb)),
    (PostKind::KepalaBadan, "Kepala BKPSDM", Some(Echelon::IIb)),
];

/// Writes the posts and holdings of the regencies whose first village is in the batch.
pub async fn write<C: ConnectionTrait>(db: &C, batch: &Batch) -> Result<(), CoreError> {
    let now = Utc::now();
    let today = batch.plan.today;
    let mut rng = batch.rng(0x4745_4E44);
    let since = NaiveDate::from_ymd_opt(today.year() - 5, 1, 1).unwrap_or(today);
    let (mut orgs, mut posts, mut holdings) = (vec![], vec![], vec![]);
    for (i, village) in batch.villages.iter().enumerate() {
        if !batch.first_of_regency.get(i).copied().unwrap_or(false) {
            continue;
        }
        let regency = village.get(..5).unwrap_or(village).to_owned();
        let adults: Vec<_> = batch
            .families
            .iter()
            .filter(|f| f.region_code.starts_with(&format!("{regency}.")))
            .flat_map(|f| f.members.iter())
            .filter(|m| today.years_since(m.birth).unwrap_or(0) >= 35)
            .collect();
        let (women, men): (Vec<&Member>, Vec<&Member>) =
            adults.iter().copied().partition(|m| m.sex == "P");
        if women.is_empty() || men.is_empty() {
            continue;
        }
        let org = id_on(&mut rng, since);
        orgs.push(organisation::ActiveModel {
            id: Set(org),
            name: Set(format!("Pemerintah Daerah {regency}")),
            acronym: Set(None),
            kind: Set(OrganisationKind::LocalGovernment.as_str().to_owned()),
            region_code: Set(regency.clone()),
            parent_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for (kind, title, echelon) in POSTS {
            let post = id_on(&mut rng, since);
            posts.push(strategic_post::ActiveModel {
                id: Set(post),
                organisation_id: Set(org),
                region_code: Set(regency.clone()),
                title: Set(title.to_owned()),
                kind: Set(kind.as_str().to_owned()),
                echelon: Set(echelon.map(|e| e.as_str().to_owned())),
                established_on: Set(since),
                abolished_on: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            // Terms of two to four years, back to back, from `since` to today.
            let mut start = since;
            while start < today {
                let end = plus_days(start, 730 + rng.below(730));
                let woman = rng.below(100) < 25;
                let pool = if woman { &women } else { &men };
                let holder = pool[rng.below(pool.len() as u64) as usize];
                let ended = (end < today).then_some(end);
                holdings.push(post_holding::ActiveModel {
                    id: Set(id_on(&mut rng, start)),
                    post_id: Set(post),
                    region_code: Set(regency.clone()),
                    person_id: Set(holder.id),
                    started_on: Set(start),
                    ended_on: Set(ended),
                    end_reason: Set(ended.map(|_| "Rotasi".to_owned())),
                    decree: Set(None),
                    recorded_by: Set("synthetic".to_owned()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                start = plus_days(end, 1);
            }
        }
    }
    insert_all(db, orgs, 1_000).await?;
    insert_all(db, posts, 1_000).await?;
    insert_all(db, holdings, 1_000).await?;
    Ok(())
}
