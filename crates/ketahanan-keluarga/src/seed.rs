//! Demo data of the ketahanan-keluarga domain.
//!
//! Facts (seeds 000, 002, 004): the 150 cadres of the 1001 programme trained through SAFE4C
//! before the launch of 26 Jan 2022 (core holds the programme, its 1001 target and the cadre
//! roles; here each of the 150 gets training stage 1), the four KRPPA pilot kelurahan of Kota
//! Pekalongan, and Kelurahan Guntung Manggis as the 2022 lokus of Banjarbaru's family-quality
//! programme, tied to the TPK2D meeting of 9 Jun 2022 whose commitments core holds.
//!
//! Synthetic (deterministic): a few family-resilience cadres in Banjarbaru and Mojokerto (the
//! articles name none there), KRPPA progress of the pilots in 2026, an assessment in 2025 of every
//! family of the demo registry and a second in 2026 for most, and visits in the four seed cities.
//! Answers are drawn from a latent resilience per family, so that most families land in the middle
//! band with a tail of low resilience.

use std::collections::HashMap;

use chrono::NaiveDate;
use keluarga_core::AppContext;
use keluarga_core::entity::{
    activity, cadre_role, family, family_member, organisation, person, programme,
};
use keluarga_core::error::Result;
use keluarga_core::kinds::{CadreRoleKind, Relationship};
use keluarga_core::seed::{PROGRAMME_1001, Rng, SEED_CITIES};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entity::{cadre_training, family_visit, ketahanan_assessment, krppa_indicator, lokus};
use crate::framework::{Answer, AnswerType, Framework, Given};
use crate::kinds::{AssessmentSource, VisitOutcome};
use crate::service;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// Kota Pekalongan's KRPPA pilots, one per kecamatan (seed 000 follow-up in core's programme).
pub const KRPPA_PILOTS: [&str; 4] = [
    "33.75.01.1012",
    "33.75.02.1002",
    "33.75.03.1002",
    "33.75.04.1004",
];
/// Kelurahan Guntung Manggis, Kecamatan Landasan Ulin (seed 002).
pub const GUNTUNG_MANGGIS: &str = "63.72.02.1005";

/// Base chance (in %) that a family of average resilience meets each indicator 1–24.
const BASE: [f64; 24] = [
    88.0, 82.0, 92.0, 80.0, 70.0, 72.0, 76.0, 90.0, 85.0, 78.0, 60.0, 75.0, 70.0, 62.0, 74.0, 90.0,
    45.0, 72.0, 93.0, 88.0, 95.0, 90.0, 82.0, 86.0,
];

struct Member {
    relationship: String,
    birth: Option<NaiveDate>,
}

/// Writes the demo data unless it is there already (or core's is missing). True when it wrote.
pub async fn demo(app: &AppContext) -> Result<bool> {
    if ketahanan_assessment::Entity::find().count(&app.db).await? > 0 {
        return Ok(false);
    }
    let Some(p1001) = programme::Entity::find()
        .filter(programme::Column::Name.eq(PROGRAMME_1001))
        .one(&app.db)
        .await?
    else {
        return Ok(false);
    };
    let now = keluarga_core::service::stamp();
    let mut rng = Rng(0x4B45_5441_4841_4E41);
    let fw = service::current_framework(&app.db).await?;

    // Cadres: the 150 trained through SAFE4C (the first 150 roles of the programme).
    let roles = cadre_role::Entity::find()
        .filter(cadre_role::Column::ProgrammeId.eq(p1001.id))
        .filter(cadre_role::Column::StartedOn.eq(d(2022, 1, 26)))
        .order_by_asc(cadre_role::Column::Id)
        .all(&app.db)
        .await?;
    let trainings: Vec<cadre_training::ActiveModel> = roles
        .iter()
        .take(150)
        .map(|r| cadre_training::ActiveModel {
            id: Set(Uuid::now_v7()),
            cadre_role_id: Set(r.id),
            region_code: Set(r.region_code.clone()),
            stage: Set(1),
            trained_on: Set(d(2022, 1, 26)),
            course: Set(Some("SAFE4C (DPMPPA); pembekalan tahap pertama".to_owned())),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();

    // Families with their members, in the four seed cities.
    let mut families = Vec::new();
    for city in SEED_CITIES {
        families.extend(
            family::Entity::find()
                .filter(family::Column::RegionCode.starts_with(format!("{city}.")))
                .order_by_asc(family::Column::Id)
                .all(&app.db)
                .await?,
        );
    }
    let mut members: HashMap<Uuid, Vec<Member>> = HashMap::new();
    for chunk in families.chunks(2_000) {
        let rows = family_member::Entity::find()
            .filter(family_member::Column::FamilyId.is_in(chunk.iter().map(|f| f.id)))
            .all(&app.db)
            .await?;
        let persons: HashMap<Uuid, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|m| m.person_id)))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for m in rows {
            members.entry(m.family_id).or_default().push(Member {
                relationship: m.relationship,
                birth: persons.get(&m.person_id).and_then(|p| p.birth_date),
            });
        }
    }
    let heads =
        service::head_sexes(&app.db, &families.iter().map(|f| f.id).collect::<Vec<_>>()).await?;

    // Assessors per city: the city's current cadres; Banjarbaru and Mojokerto get a few
    // synthetic family-resilience cadres (adults of the registry).
    let mut new_roles = Vec::new();
    let mut assessors: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for city in SEED_CITIES {
        let mut ids: Vec<Uuid> = cadre_role::Entity::find()
            .filter(cadre_role::Column::RegionCode.starts_with(format!("{city}.")))
            .order_by_asc(cadre_role::Column::Id)
            .all(&app.db)
            .await?
            .into_iter()
            .filter(|r| r.started_on <= d(2025, 1, 1) && r.ended_on.is_none())
            .map(|r| r.person_id)
            .collect();
        ids.dedup();
        if ids.is_empty() {
            let adults = person::Entity::find()
                .filter(person::Column::RegionCode.starts_with(format!("{city}.")))
                .filter(person::Column::Sex.eq("P"))
                .filter(person::Column::BirthDate.lt(d(1995, 1, 1)))
                .order_by_asc(person::Column::Id)
                .all(&app.db)
                .await?;
            for p in adults.iter().take(10) {
                new_roles.push(cadre_role::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    person_id: Set(p.id),
                    role: Set(CadreRoleKind::PendampingKetahananKeluarga
                        .as_str()
                        .to_owned()),
                    region_code: Set(p.region_code.clone()),
                    programme_id: Set(None),
                    started_on: Set(d(2024, 7, 1)),
                    ended_on: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                ids.push(p.id);
            }
        }
        assessors.insert(city, ids);
    }

    // Assessments and visits.
    let referral: HashMap<String, Uuid> = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq("DINAS"))
        .order_by_asc(organisation::Column::Id)
        .all(&app.db)
        .await?
        .into_iter()
        .filter_map(|o| Some((o.region_code.get(..5)?.to_owned(), o.id)))
        .collect();
    let mut assessments = Vec::new();
    let mut answers = Vec::new();
    let mut scores = Vec::new();
    let mut visits = Vec::new();
    for f in &families {
        let city = f.region_code.get(..5).unwrap_or("");
        let pool = assessors.get(city).map(Vec::as_slice).unwrap_or(&[]);
        if pool.is_empty() {
            continue;
        }
        let ms = members.get(&f.id).map(Vec::as_slice).unwrap_or(&[]);
        let age = |m: &Member, on: NaiveDate| {
            m.birth
                .map(|b| on.years_since(b).unwrap_or(0))
                .unwrap_or(30)
        };
        let resilience = rng.normal();
        let dates = [
            d(2025, 3, 1) + chrono::Days::new(rng.below(270)),
            d(2026, 1, 5) + chrono::Days::new(rng.below(290)),
        ];
        let second = rng.below(10) < 6;
        for (k, on) in dates.iter().enumerate() {
            if k == 1 && !second {
                continue;
            }
            let spouse = ms
                .iter()
                .any(|m| m.relationship == Relationship::Spouse.as_str());
            let children: Vec<u32> = ms
                .iter()
                .filter(|m| m.relationship == Relationship::Child.as_str())
                .map(|m| age(m, *on))
                .collect();
            let school_age = children.iter().any(|a| (7..=18).contains(a));
            let elderly = ms.iter().any(|m| age(m, *on) >= 60);
            let drift = if k == 1 { 0.15 } else { 0.0 };
            let given = synthetic_answers(
                &fw.framework,
                &mut rng,
                Household {
                    spouse,
                    children: !children.is_empty(),
                    school_age,
                    elderly,
                },
                resilience + drift,
            );
            let s = fw
                .framework
                .score(&given)
                .map_err(|(f, m)| keluarga_core::error::Error::bad(format!("seed{f}"), m))?;
            let id = Uuid::now_v7();
            let assessor = pool[rng.below(pool.len() as u64) as usize];
            assessments.push(ketahanan_assessment::ActiveModel {
                id: Set(id),
                family_id: Set(f.id),
                region_code: Set(f.region_code.clone()),
                assessed_on: Set(*on),
                assessor_id: Set(assessor),
                framework_version: Set(fw.version),
                index_score: Set(Some(s.index)),
                category: Set(s.category.clone()),
                head_sex: Set(heads.get(&f.id).cloned()),
                source: Set(AssessmentSource::Form.as_str().to_owned()),
                recorded_by: Set("demo-seed".to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let (a, sc) = service::score_rows(id, &s);
            answers.extend(a);
            scores.extend(sc);
        }
        // A visit to about a third of the families.
        if rng.below(3) == 0 {
            let on = d(2025, 6, 1) + chrono::Days::new(rng.below(500));
            let mut flag = |pct: u64| rng.below(100) < pct;
            let low = resilience < -0.8;
            let vaw = flag(if low { 12 } else { 2 });
            let vac = flag(if low { 8 } else { 1 });
            let stunting = flag(15);
            let economic = flag(if low { 55 } else { 20 });
            let marriage = flag(1);
            let labour = flag(2);
            let other = flag(5);
            let violence = vaw || vac;
            let refer = violence || rng.below(10) == 0;
            let outcome = match rng.below(10) {
                0..=3 => VisitOutcome::Resolved,
                4..=5 => VisitOutcome::InProgress,
                6 => VisitOutcome::Unreachable,
                _ if refer => VisitOutcome::Referred,
                _ => VisitOutcome::Pending,
            };
            let followed = (outcome != VisitOutcome::Pending).then(|| on + chrono::Days::new(14));
            visits.push(family_visit::ActiveModel {
                id: Set(Uuid::now_v7()),
                family_id: Set(f.id),
                region_code: Set(f.region_code.clone()),
                visited_on: Set(on),
                visitor_id: Set(pool[rng.below(pool.len() as u64) as usize]),
                recorded_by: Set("demo-seed".to_owned()),
                head_sex: Set(heads.get(&f.id).cloned()),
                violence_against_women: Set(vaw),
                violence_against_children: Set(vac),
                stunting_risk: Set(stunting),
                economic_hardship: Set(economic),
                child_marriage: Set(marriage),
                child_labour: Set(labour),
                other_issue: Set(other),
                violence: Set(violence),
                issue_note: Set(None),
                action_taken: Set(Some(
                    if violence {
                        "Pendampingan dan rujukan ke layanan perlindungan"
                    } else {
                        "Konseling keluarga"
                    }
                    .to_owned(),
                )),
                referral_organisation_id: Set(if refer {
                    referral.get(city).copied()
                } else {
                    None
                }),
                follow_up_on: Set(Some(on + chrono::Days::new(14))),
                outcome: Set(outcome.as_str().to_owned()),
                outcome_note: Set(None),
                followed_up_on: Set(followed.filter(|d| *d <= d_today())),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }

    // KRPPA: the pilots' progress in 2026 (synthetic): 10, 8, 6 and 4 indicators met.
    let mut krppa = Vec::new();
    for (i, code) in KRPPA_PILOTS.iter().enumerate() {
        let met_count = 10 - 2 * i as i32;
        for n in 1..=10 {
            let met = n <= met_count;
            krppa.push(krppa_indicator::ActiveModel {
                id: Set(Uuid::now_v7()),
                region_code: Set((*code).to_owned()),
                year: Set(2026),
                indicator: Set(n),
                status: Set(if met { "MET" } else { "NOT_MET" }.to_owned()),
                evidence: Set(met.then(|| "Laporan monev KRPPA DPMPPA 2026".to_owned())),
                assessed_on: Set(Some(d(2026, 9, 30))),
                assessed_by: Set("demo-seed".to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }

    // Lokus: Guntung Manggis 2022, tied to the TPK2D meeting.
    let rakor = activity::Entity::find()
        .filter(activity::Column::Title.starts_with("Rapat Koordinasi TPK2D Kota Banjarbaru"))
        .one(&app.db)
        .await?;
    let lokus_row = rakor.as_ref().and_then(|r| r.programme_id).map(|programme_id| {
        lokus::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_code: Set(GUNTUNG_MANGGIS.to_owned()),
            programme_id: Set(programme_id),
            year: Set(2022),
            designated_on: Set(Some(d(2022, 6, 9))),
            activity_id: Set(rakor.as_ref().map(|r| r.id)),
            note: Set(Some(
                "Lokus kegiatan peningkatan kualitas keluarga 2022 (DP3A Kalimantan Selatan); commitments signed at the TPK2D meeting".to_owned(),
            )),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
    });

    let txn = keluarga_core::store::begin_write(&app.db).await?;
    for chunk in new_roles.chunks(500) {
        cadre_role::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in trainings.chunks(500) {
        cadre_training::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in assessments.chunks(500) {
        ketahanan_assessment::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in answers.chunks(2_000) {
        crate::entity::ketahanan_answer::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in scores.chunks(2_000) {
        crate::entity::ketahanan_score::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in visits.chunks(500) {
        family_visit::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    krppa_indicator::Entity::insert_many(krppa)
        .exec(&txn)
        .await?;
    if let Some(l) = lokus_row {
        lokus::Entity::insert(l).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// The day the demo data is fixed at (follow-ups after it are not recorded as done).
fn d_today() -> NaiveDate {
    d(2026, 11, 25)
}

/// Who is in a household, as the indicators that may not apply ask.
#[derive(Debug, Clone, Copy)]
pub struct Household {
    /// The head has a spouse in the family.
    pub spouse: bool,
    /// The family has children.
    pub children: bool,
    /// A child is 7–18.
    pub school_age: bool,
    /// A member is 60 or older.
    pub elderly: bool,
}

/// Plausible answers of one family to every indicator of `fw`: `resilience` (a standard normal
/// level) raises the chance that each indicator is met; indicators that cannot apply to the
/// household are NOT_APPLICABLE. Used by the demo data and the synthetic province.
pub fn synthetic_answers(
    fw: &Framework,
    rng: &mut Rng,
    h: Household,
    resilience: f64,
) -> Vec<Given> {
    let mut given = Vec::new();
    for ind in fw.indicators() {
        let n = ind.number;
        let not_applicable = match n {
            1 | 3 | 5 | 11 => !h.spouse,
            2 | 20 => !h.children,
            15 | 16 => !h.school_age,
            22 => !h.elderly,
            _ => false,
        };
        let base = BASE.get((n - 1) as usize).copied().unwrap_or(75.0) / 100.0;
        // Tuned so that about half land in MEDIUM, a sixth in LOW.
        let logit = (base / (1.0 - base)).ln() - 0.5 + 0.6 * resilience;
        let p = 1.0 / (1.0 + (-logit).exp());
        let met = rng.unit() < p;
        let g = if not_applicable {
            Given {
                indicator: n,
                answer: Some(Answer::NotApplicable),
                value: None,
            }
        } else if ind.answer == AnswerType::Number {
            let value = match n {
                8 => {
                    if met {
                        2.0 + rng.below(2) as f64
                    } else {
                        1.0
                    }
                }
                13 => {
                    if met {
                        100.0 + rng.below(300) as f64
                    } else {
                        45.0 + rng.below(55) as f64
                    }
                }
                _ => {
                    if met {
                        100.0
                    } else {
                        50.0
                    }
                }
            };
            Given {
                indicator: n,
                answer: None,
                value: Some(value),
            }
        } else {
            Given {
                indicator: n,
                answer: Some(if met { Answer::Met } else { Answer::NotMet }),
                value: None,
            }
        };
        given.push(g);
    }
    given
}
