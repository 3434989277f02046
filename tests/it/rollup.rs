//! The rollups are exact at every moment (`keluarga_core::rollup`): random sequences of writes
//! (record and correct measurements and assessments, move a child to another city, record
//! assistance and income reports) through the
//! API, and after each write, statistics read through the rollups equal the same statistics
//! computed from the records, over scopes, region levels, windows, grains, sex and every
//! declared dimension set; on SQLite and PostgreSQL.

use chrono::{Days, NaiveDate};
use ekonomi_keluarga::stats::{ASSISTANCE, CHANGE, INCOME_TOTALS};
use keluarga_core::Role;
use keluarga_core::actor::Scope;
use keluarga_core::region_code::RegionLevel;
use keluarga_core::stats::{self, Dimension, GroupPlan, Sex, Spec, StatsDimension};
use ketahanan_keluarga::stats::{ANSWERS, ASSESSMENTS, CATEGORY, DIMENSION, DIMENSIONS, INDICATOR};
use serde_json::{Value, json};
use stunting::stats::{AGE_GROUP, SPEC};
use stunting::who;

use crate::helpers::{As, TestApp};
use crate::ketahanan::{cadre, family};

/// Two villages of Kota Pekalongan (two districts), one of Kota Salatiga, one of Jakarta.
const VILLAGES: [&str; 4] = [
    "33.75.01.1012",
    "33.75.02.1002",
    "33.74.01.1001",
    "31.71.01.1001",
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn gid(t: &str, id: uuid::Uuid) -> String {
    keluarga_core::id::encode(t, &id.to_string()).to_string()
}

/// A seeded random source (SplitMix64): the same seed, the same sequence.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Dice {
        Dice(seed)
    }
    fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 32) as u32
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u32() as usize) % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn unit(&mut self) -> f64 {
        f64::from(self.next_u32()) / f64::from(u32::MAX)
    }
    /// A day from `from` to `to`.
    fn day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as usize;
        from + Days::new(self.below(span + 1) as u64)
    }
}

struct Child {
    id: String,
    person: String,
    person_version: i64,
    birth: NaiveDate,
    sex: who::Sex,
}

struct Family {
    id: String,
    village: usize,
}

/// Length and weight of a child of `age` days at height-for-age `z` and weight-for-height `w`.
fn body(sex: who::Sex, age: i64, z: f64, w: f64) -> (f64, f64) {
    let t = who::tables();
    let lms = t.lhfa.get(sex, age).unwrap();
    let cm = (lms.m * (1.0 + lms.s * z) * 10.0).round() / 10.0;
    let table = if age < 731 { &t.wfl } else { &t.wfh };
    let kg = table
        .get(sex, (cm * 10.0).round() as i64)
        .map_or(10.0, |l| (l.sd(w) * 10.0).round() / 10.0);
    (cm, kg)
}

fn measurement(dice: &mut Dice, c: &Child) -> Value {
    let from = (c.birth + Days::new(20)).max(d(2025, 1, 1));
    let on = dice.day(from, crate::helpers::TODAY);
    let age = (on - c.birth).num_days();
    let (cm, kg) = body(
        c.sex,
        age,
        -4.0 + 5.5 * dice.unit(),
        -3.5 + 5.5 * dice.unit(),
    );
    json!({ "measuredOn": on.to_string(), "lengthCm": cm, "weightKg": kg })
}

fn answers(dice: &mut Dice) -> Value {
    let mut out = Vec::new();
    for n in 1..=24 {
        out.push(match n {
            8 => json!({ "indicator": n, "value": 1 + dice.below(4) }),
            13 => json!({ "indicator": n, "value": 60 + dice.below(140) }),
            16 => json!({ "indicator": n, "value": 50 + dice.below(51) }),
            3 | 22 if dice.below(3) == 0 => json!({ "indicator": n, "answer": "NOT_APPLICABLE" }),
            _ => json!({ "indicator": n, "answer": if dice.below(3) == 0 { "NOT_MET" } else { "MET" } }),
        });
    }
    Value::Array(out)
}

/// One statistic with a rollup and the dimension sets it declares.
struct Stat {
    name: &'static str,
    spec: Spec<'static>,
    sets: Vec<Vec<Dimension>>,
}

fn stats_with_rollups() -> Vec<Stat> {
    vec![
        Stat {
            name: "stunting",
            spec: SPEC,
            sets: vec![vec![], vec![AGE_GROUP]],
        },
        Stat {
            name: "assessments",
            spec: ASSESSMENTS,
            sets: vec![vec![], vec![CATEGORY]],
        },
        Stat {
            name: "answers",
            spec: ANSWERS,
            // In another order than declared: the rollup maps each to its column.
            sets: vec![vec![INDICATOR], vec![INDICATOR, CATEGORY]],
        },
        Stat {
            name: "dimensions",
            spec: DIMENSIONS,
            sets: vec![vec![DIMENSION], vec![CATEGORY, DIMENSION]],
        },
        Stat {
            name: "assistance",
            spec: ASSISTANCE,
            sets: vec![vec![]],
        },
        Stat {
            name: "income",
            spec: INCOME_TOTALS,
            sets: vec![vec![]],
        },
        Stat {
            name: "income change",
            spec: CHANGE,
            sets: vec![vec![]],
        },
    ]
}

type Window = (Option<NaiveDate>, Option<NaiveDate>, Option<StatsDimension>);

fn windows() -> Vec<Window> {
    use StatsDimension::{Month, Quarter, Year};
    let p = |s: &str| stats::parse_period(s).unwrap();
    let (y26, q25, m26, y25) = (p("2026"), p("2025-Q3"), p("2026-03"), p("2025"));
    vec![
        (None, None, None),
        (None, None, Some(Year)),
        (None, None, Some(Quarter)),
        (None, None, Some(Month)),
        (Some(y26.0), Some(y26.1), None),
        (Some(y26.0), Some(y26.1), Some(Quarter)),
        (Some(y26.0), Some(y26.1), Some(Month)),
        (Some(q25.0), Some(q25.1), None),
        (Some(q25.0), Some(q25.1), Some(Month)),
        (Some(m26.0), Some(m26.1), None),
        (Some(y25.0), Some(y25.1), Some(Year)),
    ]
}

const SCOPES: [&str; 6] = ["", "33", "33.75", "33.75.01", "33.75.01.1012", "31"];
const LEVELS: [Option<RegionLevel>; 5] = [
    None,
    Some(RegionLevel::Province),
    Some(RegionLevel::Regency),
    Some(RegionLevel::District),
    Some(RegionLevel::Village),
];

/// A random plan among every scope, level, window, sex split and dimension set, or a region
/// facet's (listed regions, or their siblings).
fn plan(dice: &mut Dice, sets: &[Vec<Dimension>], sex: bool) -> GroupPlan {
    let scope = if dice.below(2) == 0 {
        Scope::all()
    } else {
        Scope::new(SCOPES[dice.below(SCOPES.len())]).unwrap()
    };
    let (from, to, grain) = *dice.pick(&windows());
    let dims = dice.pick(sets).clone();
    let facet = |p: GroupPlan| GroupPlan {
        dims: dims.clone(),
        ..p
    };
    match dice.below(8) {
        0 => facet(GroupPlan::siblings(
            scope,
            &["33.75".into(), "33.74".into()],
            from,
            to,
        )),
        1 => facet(GroupPlan::regions(
            scope,
            vec!["33.75".into(), "31.71".into()],
            from,
            to,
        )),
        2 => facet(GroupPlan::siblings(scope, &["33.75.01".into()], from, to)),
        _ => GroupPlan {
            scope,
            from,
            to,
            level: *dice.pick(&LEVELS),
            grain,
            by_sex: sex && dice.below(2) == 0,
            dims,
            regions: None,
            under: None,
        },
    }
}

/// Every sampled plan of every statistic: through the rollup (which must answer it) and from
/// the records, equal.
async fn check(t: &TestApp, dice: &mut Dice, plans: usize, after: &str) {
    let db = &t.db.db;
    let backend = sea_orm::ConnectionTrait::get_database_backend(db);
    for s in stats_with_rollups() {
        for _ in 0..plans {
            let p = plan(dice, &s.sets, s.spec.source.sex.is_some());
            assert!(
                stats::route(&s.spec, &p, backend).is_some(),
                "{}: the rollup answers {p:?}",
                s.name
            );
            let rolled = stats::cells(db, &s.spec, &p).await.unwrap();
            let records = stats::records_cells(db, &s.spec, &p).await.unwrap();
            if rolled != records {
                let first = rolled.iter().zip(&records).position(|(a, b)| a != b);
                panic!(
                    "{} after {after}: {p:?}: {} cells through the rollup, {} from the records; \
                     first difference: {:?} against {:?}",
                    s.name,
                    rolled.len(),
                    records.len(),
                    first.map(|i| &rolled[i]),
                    first.map(|i| &records[i]),
                );
            }
        }
    }
}

async fn gql(t: &TestApp, who: &As, q: &str, vars: Value) -> Value {
    let body = t.gql(who, q, vars).await;
    assert!(body.get("errors").is_none(), "{q}: {body:#}");
    body["data"].clone()
}

const RECORD_MEASUREMENT: &str =
    "mutation($i: RecordMeasurementInput!) { recordMeasurement(input: $i) { id version } }";
const CORRECT_MEASUREMENT: &str =
    "mutation($i: CorrectMeasurementInput!) { correctMeasurement(input: $i) { id version } }";
const RECORD_ASSESSMENT: &str =
    "mutation($i: RecordAssessmentInput!) { recordAssessment(input: $i) { id version } }";
const CORRECT_ASSESSMENT: &str =
    "mutation($i: CorrectAssessmentInput!) { correctAssessment(input: $i) { id version } }";
const GROUP: &str =
    "mutation($i: CreateUp2kGroupInput!) { createUp2kGroup(input: $i) { id version } }";
const AID: &str = "mutation($i: RecordAssistanceInput!) { recordAssistance(input: $i) { id } }";
const INCOME: &str =
    "mutation($i: RecordIncomeReportInput!) { recordIncomeReport(input: $i) { id } }";
const MOVE: &str = "mutation($i: UpdatePersonInput!) { updatePerson(input: $i) { id version } }";

async fn random_writes(seed: u64, steps: usize) {
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    let mut dice = Dice::new(seed);
    let mut children = Vec::new();
    for i in 0..8 {
        let village = VILLAGES[i % VILLAGES.len()];
        let sex = if i % 2 == 0 { Sex::Female } else { Sex::Male };
        let birth = d(2022 + (i as i32 % 4), 1 + (i as u32 * 5) % 12, 10);
        let id = crate::stunting::child(&t, village, sex, birth).await;
        let data = gql(
            &t,
            &admin,
            "query($id: ID!) { node(id: $id) { ... on Child { person { id version } } } }",
            json!({ "id": id }),
        )
        .await;
        children.push(Child {
            id,
            person: data["node"]["person"]["id"].as_str().unwrap().to_owned(),
            person_version: data["node"]["person"]["version"].as_i64().unwrap(),
            birth,
            sex: if sex == Sex::Female {
                who::Sex::Female
            } else {
                who::Sex::Male
            },
        });
    }
    let mut cadres = Vec::new();
    for v in VILLAGES {
        cadres.push(cadre(&t, v).await);
    }
    let mut families = Vec::new();
    for i in 0..6 {
        let head = if i % 3 == 0 { Sex::Female } else { Sex::Male };
        families.push(Family {
            id: family(&t, VILLAGES[i % VILLAGES.len()], head).await,
            village: i % VILLAGES.len(),
        });
    }
    let mut groups = Vec::new();
    for v in VILLAGES {
        let g = gql(
            &t,
            &admin,
            GROUP,
            json!({ "i": { "name": format!("UP2K {v}"),
            "regionCode": v, "businessType": "FOOD", "level": "PEMULA",
            "formedOn": "2024-01-01" } }),
        )
        .await;
        groups.push(g["createUp2kGroup"]["id"].as_str().unwrap().to_owned());
    }
    let provider =
        keluarga_test_support::fixtures::organisation(&t.app(), "Dinas Koperasi", "33").await;
    let provider = gid("Organisation", provider.id);
    // One report per group and month: the months not yet reported, per group.
    let mut months: Vec<Vec<NaiveDate>> = vec![
        (0..22)
            .map(|k| d(2025, 1, 1)
                .checked_add_months(chrono::Months::new(k))
                .unwrap())
            .collect();
        groups.len()
    ];
    let mut flows = 0;
    let mut measurements: Vec<(String, i64, usize)> = Vec::new();
    let mut assessments: Vec<(String, i64)> = Vec::new();
    for step in 0..steps {
        let op = match dice.below(13) {
            0..=3 => {
                let c = dice.below(children.len());
                let mut i = measurement(&mut dice, &children[c]);
                i["childId"] = json!(children[c].id);
                let m = gql(&t, &admin, RECORD_MEASUREMENT, json!({ "i": i })).await;
                let m = &m["recordMeasurement"];
                measurements.push((m["id"].as_str().unwrap().to_owned(), 1, c));
                "a new measurement"
            }
            4 if !measurements.is_empty() => {
                let k = dice.below(measurements.len());
                let (id, version, c) = measurements[k].clone();
                let mut i = measurement(&mut dice, &children[c]);
                i["id"] = json!(id);
                i["version"] = json!(version);
                i["reason"] = json!("salah ukur");
                gql(&t, &admin, CORRECT_MEASUREMENT, json!({ "i": i })).await;
                measurements[k].1 += 1;
                "a corrected measurement"
            }
            5 => {
                let c = dice.below(children.len());
                let to = *dice.pick(&VILLAGES);
                let i = json!({ "id": children[c].person, "version": children[c].person_version,
                                "regionCode": to });
                let data = gql(&t, &admin, MOVE, json!({ "i": i })).await;
                children[c].person_version = data["updatePerson"]["version"].as_i64().unwrap();
                "a child moved to another city"
            }
            6..=8 => {
                let f = dice.below(families.len());
                let on = dice.day(d(2025, 1, 1), crate::helpers::TODAY);
                let i = json!({ "familyId": families[f].id,
                                "assessorId": cadres[families[f].village],
                                "assessedOn": on.to_string(), "answers": answers(&mut dice) });
                let a = gql(&t, &admin, RECORD_ASSESSMENT, json!({ "i": i })).await;
                let a = &a["recordAssessment"];
                assessments.push((a["id"].as_str().unwrap().to_owned(), 1));
                "a new assessment"
            }
            10 => {
                let g = dice.below(groups.len());
                let on = dice.day(d(2025, 1, 1), crate::helpers::TODAY);
                let i = json!({ "groupId": groups[g], "providerId": provider, "kind": "CAPITAL",
                                "amount": 1_000_000 + 50_000 * dice.below(40),
                                "givenOn": on.to_string() });
                gql(&t, &admin, AID, json!({ "i": i })).await;
                flows += 1;
                "assistance"
            }
            11 | 12 => {
                let g = dice.below(groups.len());
                if months[g].is_empty() {
                    continue;
                }
                let k = dice.below(months[g].len());
                let m = months[g].remove(k);
                let revenue = 500_000 + 10_000 * dice.below(300);
                let i = json!({ "groupId": groups[g], "month": m.format("%Y-%m").to_string(),
                                "revenue": revenue, "profit": revenue / 10 });
                gql(&t, &admin, INCOME, json!({ "i": i })).await;
                flows += 1;
                "an income report"
            }
            _ if !assessments.is_empty() => {
                let k = dice.below(assessments.len());
                let (id, version) = assessments[k].clone();
                let on = dice.day(d(2025, 1, 1), crate::helpers::TODAY);
                let i = json!({ "id": id, "version": version, "reason": "salah isi",
                                "assessedOn": on.to_string(), "answers": answers(&mut dice) });
                gql(&t, &admin, CORRECT_ASSESSMENT, json!({ "i": i })).await;
                assessments[k].1 += 1;
                "a corrected assessment"
            }
            _ => continue,
        };
        check(&t, &mut dice, 6, &format!("step {step}, {op}")).await;
    }
    assert!(
        measurements.len() >= 5 && assessments.len() >= 5 && flows >= 5,
        "the sequence wrote enough to compare: {} measurements, {} assessments, {flows} flows",
        measurements.len(),
        assessments.len()
    );
    check(&t, &mut dice, 60, "the whole sequence").await;
    // A rebuild from the records gives the same answers as the rows kept write by write.
    for r in keluarga_gateway::domains::rollups() {
        keluarga_core::rollup::rebuild(&t.db.db, r, &Scope::all())
            .await
            .unwrap();
    }
    check(&t, &mut dice, 30, "a rebuild").await;
}

#[tokio::test]
async fn rollups_equal_the_records_after_every_write() {
    random_writes(1, 45).await;
}

#[tokio::test]
async fn rollups_equal_the_records_after_every_write_another_sequence() {
    random_writes(7, 45).await;
}

/// The demo data is loaded in bulk and its rollups rebuilt: the same figures either way.
#[tokio::test]
async fn rollups_equal_the_records_on_the_demo_data() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let mut dice = Dice::new(3);
    check(&t, &mut dice, 40, "the demo seed").await;
    // Not vacuous: the demo data has children measured and families assessed in 2026.
    let p = GroupPlan {
        scope: Scope::all(),
        from: None,
        to: None,
        level: None,
        grain: None,
        by_sex: false,
        dims: Vec::new(),
        regions: None,
        under: None,
    };
    let all = stats::cells(&t.db.db, &SPEC, &p).await.unwrap();
    assert!(all[0].int("measured").unwrap() > 100, "{all:?}");
    let all = stats::cells(&t.db.db, &ASSESSMENTS, &p).await.unwrap();
    assert!(all[0].int("families").unwrap() > 100, "{all:?}");
}
