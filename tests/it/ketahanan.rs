//! The ketahanan-keluarga module end to end: scoring against a family scored by hand, bad input,
//! framework versions, statistics against a hand computation, who reads violence visits, the
//! cross-scope probe, batching of the facet, the CSV import, the demo data and the README's
//! example queries.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use keluarga_core::input::{AssignCadreRoleInput, CreateFamilyInput, FamilyMemberInput};
use keluarga_core::kinds::{CadreRoleKind, Relationship};
use keluarga_core::stats::Sex;
use keluarga_core::{Actor, Role};
use keluarga_test_support::TestDb;
use keluarga_test_support::fixtures::PersonBuilder;
use ketahanan_keluarga::entity::{family_visit, ketahanan_answer, ketahanan_assessment};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, config, multipart, readme_queries};

const PRINGREJO: &str = "33.75.01.1012";
const NOYONTAANSARI: &str = "33.75.02.1002";
const GAMBIR: &str = "31.71.01.1001";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn gid(t: &str, id: uuid::Uuid) -> String {
    keluarga_core::id::encode(t, &id.to_string()).to_string()
}

/// A family in `village` with a head of `sex` (and a spouse and a child); its global id.
pub(crate) async fn family(t: &TestApp, village: &str, head: Sex) -> String {
    let app = t.app();
    let h = PersonBuilder::in_village(village)
        .name("Kepala Keluarga")
        .sex(head)
        .born(d(1985, 5, 5))
        .insert(&app)
        .await;
    let s = PersonBuilder::in_village(village)
        .name("Pasangan")
        .sex(if head == Sex::Male {
            Sex::Female
        } else {
            Sex::Male
        })
        .born(d(1987, 7, 7))
        .insert(&app)
        .await;
    let c = PersonBuilder::in_village(village)
        .name("Anak")
        .sex(Sex::Female)
        .born(d(2015, 1, 1))
        .insert(&app)
        .await;
    let member = |id: uuid::Uuid, relationship| FamilyMemberInput {
        person_id: gid("Person", id).into(),
        relationship,
    };
    let f = keluarga_core::service::create_family(
        &app,
        &Actor::system(),
        CreateFamilyInput {
            household_id: None,
            region_code: village.into(),
            kk_number: None,
            registered_on: Some(d(2024, 1, 1).into()),
            members: vec![
                member(h.id, Relationship::Head),
                member(s.id, Relationship::Spouse),
                member(c.id, Relationship::Child),
            ],
        },
    )
    .await
    .unwrap();
    gid("Family", f.id)
}

/// A person with a family-resilience cadre role in `village` since 2025; their global id.
pub(crate) async fn cadre(t: &TestApp, village: &str) -> String {
    let app = t.app();
    let p = PersonBuilder::in_village(village)
        .name("Kader Ketahanan")
        .sex(Sex::Female)
        .born(d(1980, 3, 3))
        .insert(&app)
        .await;
    let id = gid("Person", p.id);
    keluarga_core::service::assign_cadre_role(
        &app,
        &Actor::system(),
        AssignCadreRoleInput {
            person_id: id.clone().into(),
            role: CadreRoleKind::PendampingKetahananKeluarga,
            region_code: village.into(),
            programme_id: None,
            started_on: d(2025, 1, 1).into(),
            ended_on: None,
        },
    )
    .await
    .unwrap();
    id
}

/// Answers meeting every indicator, with `changes` (indicator, answer or value) applied.
fn answers(changes: &[(i32, Value)]) -> Value {
    let mut out = Vec::new();
    for n in 1..=24 {
        let mut a = match n {
            8 => json!({ "indicator": n, "value": 3 }),
            13 => json!({ "indicator": n, "value": 150 }),
            16 => json!({ "indicator": n, "value": 100 }),
            _ => json!({ "indicator": n, "answer": "MET" }),
        };
        if let Some((_, c)) = changes.iter().find(|(i, _)| *i == n) {
            a = json!({ "indicator": n });
            for (k, v) in c.as_object().unwrap() {
                a[k] = v.clone();
            }
        }
        out.push(a);
    }
    Value::Array(out)
}

/// The family scored by hand in `framework::tests` (index 62.5, MEDIUM).
fn hand_scored() -> Value {
    answers(&[
        (2, json!({ "answer": "NOT_MET" })),
        (3, json!({ "answer": "NOT_APPLICABLE" })),
        (7, json!({ "answer": "NOT_MET" })),
        (8, json!({ "value": 1 })),
        (11, json!({ "answer": "NOT_MET" })),
        (13, json!({ "value": 80 })),
        (17, json!({ "answer": "NOT_MET" })),
        (20, json!({ "answer": "NOT_MET" })),
        (22, json!({ "answer": "NOT_APPLICABLE" })),
        (24, json!({ "answer": "NOT_MET" })),
    ])
}

const RECORD: &str = r#"mutation($i: RecordAssessmentInput!) { recordAssessment(input: $i) {
    id version index category frameworkVersion headSex
    dimensions { code score } variables { code score } answers { indicator answer value } } }"#;

async fn assess(t: &TestApp, who: &As, family: &str, assessor: &str, on: &str, a: Value) -> Value {
    t.gql(
        who,
        RECORD,
        json!({ "i": { "familyId": family, "assessorId": assessor, "assessedOn": on, "answers": a } }),
    )
    .await
}

async fn assessments(t: &TestApp) -> (u64, u64) {
    (
        ketahanan_assessment::Entity::find()
            .count(&t.db.db)
            .await
            .unwrap(),
        ketahanan_answer::Entity::find()
            .count(&t.db.db)
            .await
            .unwrap(),
    )
}

#[tokio::test]
async fn an_assessment_is_scored_on_write_as_by_hand() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let f = family(&t, PRINGREJO, Sex::Male).await;
    let k = cadre(&t, PRINGREJO).await;
    let body = assess(&t, &op, &f, &k, "2026-06-01", hand_scored()).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let a = &body["data"]["recordAssessment"];
    assert_eq!(a["index"], 62.5);
    assert_eq!(a["category"], "MEDIUM");
    assert_eq!(a["frameworkVersion"], 1);
    assert_eq!(a["headSex"], "MALE");
    let dims: Vec<Value> = a["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["score"].clone())
        .collect();
    assert_eq!(
        dims,
        [
            json!(62.5),
            json!(50.0),
            json!(75.0),
            json!(75.0),
            json!(50.0)
        ]
    );
    let v2 = a["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "V2")
        .unwrap();
    assert_eq!(
        v2["score"],
        Value::Null,
        "V2's only indicator does not apply"
    );
    assert_eq!(
        a["answers"][7],
        json!({ "indicator": 8, "answer": "NOT_MET", "value": 1.0 }),
        "one meal a day does not meet indicator 8"
    );
    assert_eq!(assessments(&t).await, (1, 24));
    // Read back through the family: history and latest, audit-logged.
    let data = t
        .ok(
            &op,
            r#"query($f: ID!) { node(id: $f) { ... on Family { latestAssessment { index assessor { fullName } }
                 assessments { assessedOn category } } } }"#,
            json!({ "f": f }),
        )
        .await;
    assert_eq!(data["node"]["latestAssessment"]["index"], 62.5);
    assert_eq!(
        data["node"]["latestAssessment"]["assessor"]["fullName"],
        "Kader Ketahanan"
    );
    assert_eq!(data["node"]["assessments"].as_array().unwrap().len(), 1);
    let log = t.audit_log().await;
    assert!(
        log.iter()
            .any(|(e, role, _)| e == "ketahanan_assessment" && role == "OPERATOR"),
        "reads and writes of assessments are audit-logged: {log:?}"
    );
}

#[tokio::test]
async fn bad_assessments_are_refused_and_nothing_is_written() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let f = family(&t, PRINGREJO, Sex::Male).await;
    let k = cadre(&t, PRINGREJO).await;
    let outsider = family(&t, GAMBIR, Sex::Male).await;
    let no_role = gid(
        "Person",
        PersonBuilder::in_village(PRINGREJO)
            .name("Bukan Kader")
            .insert(&t.app())
            .await
            .id,
    );
    let mut missing = hand_scored();
    missing.as_array_mut().unwrap().pop();
    let cases: Vec<(&str, &str, &str, Value, &str, &str)> = vec![
        (
            &f,
            &k,
            "2026-06-01",
            missing,
            "BAD_USER_INPUT",
            "input.answers",
        ),
        (
            &f,
            &k,
            "2026-06-01",
            answers(&[(5, json!({ "indicator": 25, "answer": "MET" }))]),
            "BAD_USER_INPUT",
            "input.answers[4].indicator",
        ),
        (
            &f,
            &k,
            "2026-06-01",
            answers(&[(16, json!({ "value": 140 }))]),
            "BAD_USER_INPUT",
            "input.answers[15].value",
        ),
        (
            &f,
            &k,
            "2026-06-01",
            answers(&[(4, json!({ "answer": "NOT_APPLICABLE" }))]),
            "BAD_USER_INPUT",
            "input.answers[3].answer",
        ),
        (&outsider, &k, "2026-06-01", answers(&[]), "NOT_FOUND", ""),
        (
            &f,
            &no_role,
            "2026-06-01",
            answers(&[]),
            "BAD_USER_INPUT",
            "input.assessorId",
        ),
        (
            &f,
            &k,
            "2026-11-26",
            answers(&[]),
            "BAD_USER_INPUT",
            "input.assessedOn",
        ),
        (
            &f,
            &k,
            "2024-06-01",
            answers(&[]),
            "BAD_USER_INPUT",
            "input.assessorId",
        ),
    ];
    for (fam, assessor, on, a, want, field) in cases {
        let body = assess(&t, &op, fam, assessor, on, a).await;
        assert_eq!(code(&body), want, "{body:#}");
        if !field.is_empty() {
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
        }
        assert_eq!(assessments(&t).await, (0, 0), "nothing written: {body:#}");
    }
    // A DASHBOARD may not record; a stale version is CONFLICT and changes nothing.
    let dash = t.token(Role::Dashboard, "33.75");
    let body = assess(&t, &dash, &f, &k, "2026-06-01", answers(&[])).await;
    assert_eq!(code(&body), "FORBIDDEN", "{body:#}");
    let body = assess(&t, &op, &f, &k, "2026-06-01", answers(&[])).await;
    let id = body["data"]["recordAssessment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    const CORRECT: &str = r#"mutation($i: CorrectAssessmentInput!) { correctAssessment(input: $i) {
        version index revisions { version reason } } }"#;
    let input = |version: i32| {
        json!({ "i": { "id": id, "version": version, "reason": "jawaban 2 salah ketik",
                       "assessedOn": "2026-06-01", "answers": answers(&[(2, json!({ "answer": "NOT_MET" }))]) } })
    };
    let data = t.ok(&op, CORRECT, input(1)).await;
    assert_eq!(data["correctAssessment"]["version"], 2);
    assert_eq!(data["correctAssessment"]["revisions"][0]["version"], 1);
    // 2 not met: V1 = 50 → D1 = (50 + 100 + 100) / 3; index = (83.33.. + 400) / 5 = 96.67
    assert_eq!(data["correctAssessment"]["index"], 96.67);
    let body = t.gql(&op, CORRECT, input(1)).await;
    assert_eq!(code(&body), "CONFLICT", "{body:#}");
    assert_eq!(assessments(&t).await, (1, 24));
}

#[tokio::test]
async fn a_new_framework_version_leaves_old_scores_unchanged() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let admin = t.token(Role::Admin, "");
    let f = family(&t, PRINGREJO, Sex::Male).await;
    let k = cadre(&t, PRINGREJO).await;
    let body = assess(&t, &op, &f, &k, "2026-06-01", hand_scored()).await;
    let old = body["data"]["recordAssessment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Version 2: the physical dimension (D2) weighs 3 and the bands move.
    let mut v2 = ketahanan_keluarga::framework::Framework::v1().unwrap();
    v2.name = "Uji bobot".into();
    v2.dimensions[1].weight = 3.0;
    v2.bands[1].min = 65.0;
    let definition = serde_json::to_string(&v2).unwrap();
    const PUBLISH: &str = r#"mutation($d: String!) { publishResilienceFramework(input: { definition: $d }) {
        version name bands { category min } dimensions { code weight } } }"#;
    let body = t.gql(&op, PUBLISH, json!({ "d": definition })).await;
    assert_eq!(code(&body), "FORBIDDEN", "only ADMIN publishes: {body:#}");
    let body = t
        .gql(
            &admin,
            PUBLISH,
            json!({ "d": "name = \"x\"\nbands = []\ndimensions = []" }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.definition");
    let data = t.ok(&admin, PUBLISH, json!({ "d": definition })).await;
    assert_eq!(data["publishResilienceFramework"]["version"], 2);
    assert_eq!(
        data["publishResilienceFramework"]["dimensions"][1]["weight"],
        3.0
    );
    // The old assessment keeps version 1 and its score; a new one is scored with version 2:
    // (62.5 + 3 × 50 + 75 + 75 + 50) / 7 = 58.93 → LOW under the new bands.
    let body = assess(&t, &op, &f, &k, "2026-07-01", hand_scored()).await;
    let new = &body["data"]["recordAssessment"];
    assert_eq!(new["frameworkVersion"], 2, "{body:#}");
    assert_eq!(new["index"], 58.93);
    assert_eq!(new["category"], "LOW");
    let data = t
        .ok(
            &op,
            r#"query($id: ID!) { node(id: $id) { ... on FamilyAssessment { frameworkVersion index category } } }"#,
            json!({ "id": old }),
        )
        .await;
    assert_eq!(
        data["node"],
        json!({ "frameworkVersion": 1, "index": 62.5, "category": "MEDIUM" })
    );
    // A correction of the old one re-scores it with its own version.
    let data = t
        .ok(
            &op,
            r#"mutation($i: CorrectAssessmentInput!) { correctAssessment(input: $i) { frameworkVersion index } }"#,
            json!({ "i": { "id": old, "version": 1, "reason": "cek ulang", "assessedOn": "2026-06-01",
                           "answers": hand_scored() } }),
        )
        .await;
    assert_eq!(
        data["correctAssessment"],
        json!({ "frameworkVersion": 1, "index": 62.5 })
    );
    let data = t
        .ok(
            &op,
            "{ resilienceFrameworks { version } resilienceFramework { version name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["resilienceFrameworks"],
        json!([{ "version": 1 }, { "version": 2 }])
    );
    assert_eq!(data["resilienceFramework"]["name"], "Uji bobot");
}

/// Three families of Kota Pekalongan: F1 (male head, Pringrejo) assessed twice (all met, then the
/// hand-scored set: 62.5), F2 (female head, Pringrejo) with 2 and 24 not met (90.0), F3 (male
/// head, Noyontaansari) with 17 not met (97.5); two visits.
async fn statistics_fixture(t: &TestApp) -> (String, String) {
    let op = t.token(Role::Operator, "33.75");
    let k = cadre(t, PRINGREJO).await;
    let f1 = family(t, PRINGREJO, Sex::Male).await;
    let f2 = family(t, PRINGREJO, Sex::Female).await;
    let f3 = family(t, NOYONTAANSARI, Sex::Male).await;
    for (f, on, a) in [
        (&f1, "2026-02-01", answers(&[])),
        (&f1, "2026-06-01", hand_scored()),
        (
            &f2,
            "2026-03-01",
            answers(&[
                (2, json!({ "answer": "NOT_MET" })),
                (24, json!({ "answer": "NOT_MET" })),
            ]),
        ),
        (
            &f3,
            "2026-04-01",
            answers(&[(17, json!({ "answer": "NOT_MET" }))]),
        ),
    ] {
        let body = assess(t, &op, f, &k, on, a).await;
        assert!(body.get("errors").is_none(), "{body:#}");
    }
    const VISIT: &str =
        r#"mutation($i: RecordVisitInput!) { recordFamilyVisit(input: $i) { id outcome issues } }"#;
    for (f, issues) in [
        (&f1, json!(["VIOLENCE_AGAINST_WOMEN", "ECONOMIC_HARDSHIP"])),
        (&f2, json!(["STUNTING_RISK"])),
    ] {
        t.ok(
            &op,
            VISIT,
            json!({ "i": { "familyId": f, "visitedOn": "2026-07-01", "visitorId": k, "issues": issues } }),
        )
        .await;
    }
    (f1, k)
}

const STATS: &str = r#"query($f: StatisticsFilter, $g: [KetahananDimension!]) {
    ketahananStatistics(filter: $f, groupBy: $g) { region { code } sex dimension indicator category
      familiesAssessed meanIndex rIkk indicatorMet { numerator denominator percent }
      visits { families visits byIssue { issue visits } byOutcome { outcome visits } }
      suppressed } }"#;

#[tokio::test]
async fn statistics_match_a_hand_computation() {
    let t = TestApp::new().await;
    statistics_fixture(&t).await;
    let op = t.token(Role::Operator, "33.75");
    let f = json!({ "from": "2026-01-01", "to": "2026-12-31" });
    let data = t.ok(&op, STATS, json!({ "f": f, "g": ["REGENCY"] })).await;
    let row = &data["ketahananStatistics"][0];
    assert_eq!(row["region"]["code"], "33.75");
    // Each family once, by its latest assessment: 62.5, 90.0, 97.5.
    assert_eq!(row["familiesAssessed"], 3);
    assert_eq!(row["meanIndex"], 83.33);
    // R-IKK by hand: the share meeting each indicator among families it applies to, combined
    // by equal weights within each level.
    let s = |met: f64, of: f64| 100.0 * met / of;
    let share = |n: i32| match n {
        2 | 17 | 24 => s(1.0, 3.0),
        7 | 8 | 11 | 13 | 20 => s(2.0, 3.0),
        _ => 100.0,
    };
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let v = |ns: &[i32]| mean(&ns.iter().map(|n| share(*n)).collect::<Vec<_>>());
    let d1 = mean(&[v(&[1, 2]), v(&[3]), v(&[4, 5, 6, 7])]);
    let d2 = mean(&[v(&[8, 9]), v(&[10]), v(&[11])]);
    let d3 = mean(&[v(&[12]), v(&[13, 14]), v(&[15, 16]), v(&[17, 18])]);
    let d4 = mean(&[v(&[19, 20]), v(&[21])]);
    let d5 = mean(&[v(&[22]), v(&[23]), v(&[24])]);
    let r_ikk = ((mean(&[d1, d2, d3, d4, d5])) * 100.0).round() / 100.0;
    assert_eq!(r_ikk, 85.28);
    assert_eq!(row["rIkk"], r_ikk);
    // Visits: two families, one visit each; one with violence against women.
    assert_eq!(row["visits"]["visits"], 2);
    let issue = |name: &str| {
        row["visits"]["byIssue"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["issue"] == name)
            .unwrap()["visits"]
            .clone()
    };
    assert_eq!(issue("VIOLENCE_AGAINST_WOMEN"), 1);
    assert_eq!(issue("STUNTING_RISK"), 1);
    assert_eq!(issue("CHILD_LABOUR"), 0);
    assert_eq!(
        row["visits"]["byOutcome"][0],
        json!({ "outcome": "PENDING", "visits": 2 })
    );

    // By category and by the head's sex.
    let data = t.ok(&op, STATS, json!({ "f": f, "g": ["CATEGORY"] })).await;
    let cats: Vec<(String, i64)> = data["ketahananStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["category"].as_str().unwrap().to_owned(),
                r["familiesAssessed"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(cats, [("HIGH".to_owned(), 2), ("MEDIUM".to_owned(), 1)]);
    let data = t.ok(&op, STATS, json!({ "f": f, "g": ["SEX"] })).await;
    let sexes: Vec<(Value, Value)> = data["ketahananStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["sex"].clone(), r["familiesAssessed"].clone()))
        .collect();
    assert_eq!(
        sexes,
        [(json!("MALE"), json!(2)), (json!("FEMALE"), json!(1))]
    );
    // By indicator: indicator 2 is met by 1 of 3, indicator 3 by 2 of the 2 it applies to.
    let data = t
        .ok(&op, STATS, json!({ "f": f, "g": ["INDICATOR"] }))
        .await;
    let rows = data["ketahananStatistics"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    let ind = |n: i64| rows.iter().find(|r| r["indicator"] == n).unwrap();
    assert_eq!(
        ind(2)["indicatorMet"],
        json!({ "numerator": 1, "denominator": 3, "percent": 33.3 })
    );
    assert_eq!(
        ind(3)["indicatorMet"],
        json!({ "numerator": 2, "denominator": 2, "percent": 100.0 })
    );
    // By dimension: D1's mean score (62.5 + 83.33 + 100) / 3 and its R-IKK.
    let data = t
        .ok(&op, STATS, json!({ "f": f, "g": ["DIMENSION"] }))
        .await;
    let d1_row = &data["ketahananStatistics"][0];
    assert_eq!(d1_row["dimension"], "D1");
    assert_eq!(d1_row["meanIndex"], 81.94);
    assert_eq!(d1_row["rIkk"], (d1 * 100.0).round() / 100.0);
    // By village and month: the month of each family's latest assessment in it.
    let data = t
        .ok(&op, STATS, json!({ "f": f, "g": ["VILLAGE", "MONTH"] }))
        .await;
    let n: i64 = data["ketahananStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["familiesAssessed"].as_i64())
        .sum();
    assert_eq!(n, 4, "F1 counts in February and in June: {data:#}");
    // Only the first half of the year: F1's all-met assessment is its latest then.
    let data = t
        .ok(
            &op,
            STATS,
            json!({ "f": { "from": "2026-01-01", "to": "2026-05-31" }, "g": [] }),
        )
        .await;
    assert_eq!(data["ketahananStatistics"][0]["meanIndex"], 95.83);
    // DIMENSION and INDICATOR together are refused, naming groupBy.
    let body = t
        .gql(
            &op,
            STATS,
            json!({ "f": f, "g": ["DIMENSION", "INDICATOR"] }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "groupBy");
}

#[tokio::test]
async fn violence_visits_are_read_only_by_admin_operator_and_their_cadre() {
    let t = TestApp::new().await;
    let f = family(&t, PRINGREJO, Sex::Male).await;
    let k = cadre(&t, PRINGREJO).await;
    let kader_a = t.token_as("kader-a", Role::Cadre, "33.75.01.1012");
    let kader_b = t.token_as("kader-b", Role::Cadre, "33.75.01.1012");
    const VISIT: &str =
        r#"mutation($i: RecordVisitInput!) { recordFamilyVisit(input: $i) { id version } }"#;
    let mut ids = Vec::new();
    for issues in [
        json!(["VIOLENCE_AGAINST_CHILDREN"]),
        json!(["ECONOMIC_HARDSHIP"]),
    ] {
        let data = t
            .ok(
                &kader_a,
                VISIT,
                json!({ "i": { "familyId": f, "visitedOn": "2026-10-01", "visitorId": k, "issues": issues,
                               "actionTaken": "Rujuk ke UPTD PPA", "followUpOn": "2026-10-15" } }),
            )
            .await;
        ids.push(data["recordFamilyVisit"]["id"].as_str().unwrap().to_owned());
    }
    let violent = ids[0].clone();
    const LIST: &str = "{ familyVisits { totalCount edges { node { id issues } } } }";
    const NODE: &str = r#"query($id: ID!) { node(id: $id) { ... on FamilyVisit { id issues } } }"#;
    let seen = |data: &Value| data["familyVisits"]["totalCount"].as_i64().unwrap();
    assert_eq!(seen(&t.ok(&kader_a, LIST, json!({})).await), 2);
    assert_eq!(
        seen(&t.ok(&kader_b, LIST, json!({})).await),
        1,
        "another cadre"
    );
    let op = t.token(Role::Operator, "33.75");
    let admin = t.token(Role::Admin, "");
    assert_eq!(seen(&t.ok(&op, LIST, json!({})).await), 2);
    assert_eq!(seen(&t.ok(&admin, LIST, json!({})).await), 2);
    let data = t.ok(&kader_b, NODE, json!({ "id": violent })).await;
    assert_eq!(
        data["node"],
        Value::Null,
        "another cadre gets nothing by id"
    );
    let data = t.ok(&kader_a, NODE, json!({ "id": violent })).await;
    assert_eq!(data["node"]["issues"], json!(["VIOLENCE_AGAINST_CHILDREN"]));
    // Nor through the family's visits filter, nor can another cadre follow it up.
    let data = t
        .ok(
            &kader_b,
            r#"{ familyVisits(filter: { issue: VIOLENCE_AGAINST_CHILDREN }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["familyVisits"]["totalCount"], 0);
    const FOLLOW: &str = r#"mutation($i: FollowUpVisitInput!) { followUpFamilyVisit(input: $i) { outcome version } }"#;
    let follow = json!({ "i": { "id": violent, "version": 1, "followedUpOn": "2026-10-15", "outcome": "REFERRED" } });
    let body = t.gql(&kader_b, FOLLOW, follow.clone()).await;
    assert_eq!(code(&body), "NOT_FOUND", "{body:#}");
    let data = t.ok(&kader_a, FOLLOW, follow).await;
    assert_eq!(data["followUpFamilyVisit"]["outcome"], "REFERRED");
    // ANALYST and DASHBOARD get no visits at all, only statistics, suppressed below 5 families.
    for role in [Role::Analyst, Role::Dashboard] {
        let who = t.token(role, "33.75");
        let body = t.gql(&who, LIST, json!({})).await;
        assert!(
            code(&body) == "FORBIDDEN" || code(&body) == "GRAPHQL_VALIDATION_FAILED",
            "{body:#}"
        );
        let body = t.gql(&who, NODE, json!({ "id": violent })).await;
        assert!(
            body["data"]["node"].is_null() || code(&body) == "FORBIDDEN",
            "{body:#}"
        );
        let data = t
            .ok(
                &who,
                STATS,
                json!({ "f": { "from": "2026-01-01", "to": "2026-12-31" }, "g": [] }),
            )
            .await;
        let row = &data["ketahananStatistics"][0];
        assert_eq!(row["suppressed"], true, "{data:#}");
        assert_eq!(row["visits"], Value::Null);
    }
    let log = t.audit_log().await;
    assert!(
        log.iter()
            .any(|(e, _, ids)| e == "family_visit" && !ids.is_empty()),
        "visit reads are audit-logged"
    );
    assert_eq!(
        family_visit::Entity::find().count(&t.db.db).await.unwrap(),
        2
    );
}

#[tokio::test]
async fn another_city_sees_and_changes_nothing_of_pekalongan() {
    let t = TestApp::new().await;
    let (f1, k) = statistics_fixture(&t).await;
    let op = t.token(Role::Operator, "33.75");
    let admin = t.token(Role::Admin, "");
    let ids = t
        .ok(
            &op,
            "{ familyAssessments(first: 1) { edges { node { id version } } } familyVisits(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let assessment = ids["familyAssessments"]["edges"][0]["node"]["id"].clone();
    let visit = ids["familyVisits"]["edges"][0]["node"]["id"].clone();
    t.ok(
        &admin,
        r#"mutation { setKrppaIndicator(input: { regionCode: "33.75.01.1012", year: 2026, indicator: 1, status: MET }) { id } }"#,
        json!({}),
    )
    .await;
    let krppa = t
        .ok(
            &admin,
            "{ krppaIndicators { edges { node { id } } } }",
            json!({}),
        )
        .await["krppaIndicators"]["edges"][0]["node"]["id"]
        .clone();
    let jp = t.token(Role::Operator, "31.71");
    let data = t
        .ok(
            &jp,
            r#"{ familyAssessments { totalCount } familyVisits { totalCount } krppaIndicators { totalCount }
                 lokus { totalCount }
                 ketahananStatistics(groupBy: [REGENCY]) { familiesAssessed }
                 asked: ketahananStatistics(filter: { regionCode: "33.75" }) { familiesAssessed }
                 cadres: cadreProgress(regionCode: "33.75") { rows { cadres { recruited } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({ "familyAssessments": { "totalCount": 0 }, "familyVisits": { "totalCount": 0 },
                "krppaIndicators": { "totalCount": 0 }, "lokus": { "totalCount": 0 },
                "ketahananStatistics": [], "asked": [], "cadres": { "rows": [] } })
    );
    let data = t
        .ok(
            &jp,
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { id } }"#,
            json!({ "ids": [assessment, visit, krppa, f1] }),
        )
        .await;
    assert_eq!(data["nodes"], json!([null, null, null, null]));
    let body = t
        .gql(
            &jp,
            r#"{ krppa(regionCode: "33.75.01.1012", year: 2026) { met } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body:#}");
    let data = t
        .ok(
            &jp,
            r#"{ region(code: "33.75.01.1012") { ketahananKeluarga(period: "2026") { familiesAssessed cadresActive krppaIndicatorsMet } } }"#,
            json!({}),
        )
        .await;
    let facet = &data["region"]["ketahananKeluarga"];
    assert!(
        data["region"].is_null() || facet["cadresActive"] == 0 && facet["krppaIndicatorsMet"] == 0,
        "{data:#}"
    );
    // Every mutation refuses Pekalongan's records.
    let cases = [
        (
            RECORD,
            json!({ "i": { "familyId": f1, "assessorId": k, "assessedOn": "2026-06-01", "answers": answers(&[]) } }),
            "NOT_FOUND",
        ),
        (
            r#"mutation($i: CorrectAssessmentInput!) { correctAssessment(input: $i) { id } }"#,
            json!({ "i": { "id": assessment, "version": 1, "reason": "x", "assessedOn": "2026-06-01", "answers": answers(&[]) } }),
            "NOT_FOUND",
        ),
        (
            r#"mutation($i: RecordVisitInput!) { recordFamilyVisit(input: $i) { id } }"#,
            json!({ "i": { "familyId": f1, "visitedOn": "2026-06-01", "visitorId": k } }),
            "NOT_FOUND",
        ),
        (
            r#"mutation($i: FollowUpVisitInput!) { followUpFamilyVisit(input: $i) { id } }"#,
            json!({ "i": { "id": visit, "version": 1, "followedUpOn": "2026-07-02", "outcome": "RESOLVED" } }),
            "NOT_FOUND",
        ),
        (
            r#"mutation($i: SetKrppaIndicatorInput!) { setKrppaIndicator(input: $i) { id } }"#,
            json!({ "i": { "regionCode": PRINGREJO, "year": 2026, "indicator": 2, "status": "MET" } }),
            "FORBIDDEN",
        ),
        (
            r#"mutation($i: DesignateLokusInput!) { designateLokus(input: $i) { id } }"#,
            json!({ "i": { "regionCode": PRINGREJO, "programmeId": gid("Programme", uuid::Uuid::nil()), "year": 2026 } }),
            "FORBIDDEN",
        ),
    ];
    for (q, vars, want) in cases {
        let body = t.gql(&jp, q, vars).await;
        assert_eq!(code(&body), want, "{q}: {body:#}");
    }
    let data = t
        .ok(
            &op,
            "{ familyAssessments { totalCount } familyVisits { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({ "familyAssessments": { "totalCount": 4 }, "familyVisits": { "totalCount": 2 } })
    );
}

#[tokio::test]
async fn the_region_facet_costs_the_same_for_more_regions() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    statistics_fixture(&t).await;
    let op = t.token(Role::Operator, "33.75");
    const FACET: &str = r#"query($n: Int) { region(code: "33.75") { children(first: $n) { edges { node {
        ketahananKeluarga(period: "2026") { familiesAssessed meanIndex rIkk cadresActive cadreTarget lokusVillages } } } } } }"#;
    let mut costs = Vec::new();
    for n in [1, 4] {
        count.store(0, Ordering::SeqCst);
        let data = t.ok(&op, FACET, json!({ "n": n })).await;
        assert_eq!(
            data["region"]["children"]["edges"]
                .as_array()
                .unwrap()
                .len(),
            n as usize
        );
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "facet statements: {costs:?}");
    // And the family's assessments through a page of families.
    const FAMILIES: &str = r#"query($n: Int) { families(first: $n) { edges { node { id
        latestAssessment { index } assessments { index answers { indicator } } } } } }"#;
    let mut costs = Vec::new();
    for n in [1, 3] {
        count.store(0, Ordering::SeqCst);
        t.ok(&op, FAMILIES, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "family statements: {costs:?}");
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_line_numbers() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let f = family(&t, PRINGREJO, Sex::Male).await;
    let k = cadre(&t, PRINGREJO).await;
    let other = family(&t, GAMBIR, Sex::Male).await;
    let header = {
        let mut h = "family_id,assessed_on,assessor_id".to_owned();
        for n in 1..=24 {
            h.push_str(&format!(",i{n}"));
        }
        h
    };
    let row = |fam: &str, on: &str, cells: &[(i32, &str)]| {
        let mut r = format!("{fam},{on},{k}");
        for n in 1..=24 {
            let cell = cells
                .iter()
                .find(|c| c.0 == n)
                .map(|c| c.1)
                .unwrap_or(match n {
                    8 => "3",
                    13 => "150",
                    16 => "100",
                    _ => "y",
                });
            r.push(',');
            r.push_str(cell);
        }
        r
    };
    const IMPORT: &str =
        "mutation($file: Upload!) { importAssessments(file: $file) { rows imported families } }";
    let bad = [
        header.clone(),
        row(&f, "2026-05-01", &[]),
        row(&f, "2026-05-01", &[(4, "mungkin")]),
        row(&other, "2026-05-01", &[]),
        row(&f, "2026-05-01", &[(8, "12")]),
        row(&f, "2027-01-01", &[]),
    ]
    .join("\n");
    let (_, body, _) = t.send(multipart(&op, IMPORT, &bad)).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    let rows: Vec<(i64, Value)> = body["errors"][0]["extensions"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_i64().unwrap(), r["column"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (3, json!("i4")),
            (4, json!("family_id")),
            (5, json!("i8")),
            (6, json!("assessed_on"))
        ]
    );
    assert_eq!(assessments(&t).await, (0, 0), "nothing written");
    let good = [
        header.clone(),
        row(&f, "2026-05-01", &[]),
        row(&f, "2026-08-01", &[(2, "n"), (3, "na")]),
    ]
    .join("\n");
    let (_, body, _) = t.send(multipart(&op, IMPORT, &good)).await;
    assert_eq!(
        body["data"]["importAssessments"],
        json!({ "rows": 2, "imported": 2, "families": 1 }),
        "{body:#}"
    );
    assert_eq!(assessments(&t).await, (2, 48));
    let unknown = format!("{header},catatan\n");
    let (_, body, _) = t.send(multipart(&op, IMPORT, &unknown)).await;
    assert_eq!(
        body["errors"][0]["extensions"]["rows"][0]["column"],
        "catatan"
    );
}

#[tokio::test]
async fn demo_data_holds_seeds_000_002_004() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let admin = t.token(Role::Admin, "");
    let p1001 = t
        .ok(
            &admin,
            r#"{ programmes(filter: { search: "1001Kader" }) { edges { node { id } } } }"#,
            json!({}),
        )
        .await["programmes"]["edges"][0]["node"]["id"]
        .clone();
    let data = t
        .ok(
            &admin,
            r#"query($p: ID!) {
                 launch: cadreProgress(programmeId: $p, asOf: "2022-01-26") { target rows { cadres { recruited active trained { stage cadres } } } }
                 sept: cadreProgress(programmeId: $p, asOf: "2022-09-14") { target rows { cadres { recruited } } }
                 bySex: cadreProgress(programmeId: $p, groupBy: [SEX]) { rows { sex cadres { recruited } } }
                 lokus(filter: { regionCode: "63.72" }) { edges { node { region { code name } year designatedOn
                   meeting { heldOn commitments { signatoryName statement } } programme { name } } } }
                 krppa(regionCode: "33.75.01.1012", year: 2026) { met designated indicators { indicator group status } }
                 region(code: "33.75") { ketahananKeluarga(period: "2026") { familiesAssessed meanIndex rIkk cadresActive cadreTarget } }
                 cadres: ketahananStatistics(filter: { regionCode: "33.75" }, groupBy: [REGENCY]) { cadres { recruited active target trained { stage cadres } } }
                 dist: ketahananStatistics(filter: { from: "2026-01-01", to: "2026-12-31" }, groupBy: [CATEGORY]) { category familiesAssessed } }"#,
            json!({ "p": p1001 }),
        )
        .await;
    let launch = &data["launch"];
    assert_eq!(launch["target"], 1001);
    assert_eq!(launch["rows"][0]["cadres"]["recruited"], 150);
    assert_eq!(
        launch["rows"][0]["cadres"]["trained"][0],
        json!({ "stage": 1, "cadres": 150 })
    );
    assert_eq!(data["sept"]["rows"][0]["cadres"]["recruited"], 420);
    assert!(!data["bySex"]["rows"].as_array().unwrap().is_empty());
    let lokus = &data["lokus"]["edges"][0]["node"];
    assert_eq!(lokus["region"]["code"], "63.72.02.1005");
    assert_eq!(lokus["year"], 2022);
    assert_eq!(lokus["meeting"]["heldOn"], "2022-06-09");
    assert!(
        lokus["meeting"]["commitments"]
            .to_string()
            .contains("Guntung Manggis"),
        "{lokus:#}"
    );
    // Statistics without an end date count every cadre and training so far.
    assert_eq!(
        data["cadres"][0]["cadres"],
        json!({ "recruited": 420, "active": 420, "target": 1001,
                "trained": [{ "stage": 1, "cadres": 150 }, { "stage": 2, "cadres": 0 }, { "stage": 3, "cadres": 0 }] })
    );
    assert_eq!(data["krppa"]["met"], 10);
    assert_eq!(data["krppa"]["designated"], true);
    let facet = &data["region"]["ketahananKeluarga"];
    assert_eq!(facet["cadreTarget"], 1001);
    assert_eq!(facet["cadresActive"], 420);
    assert!(
        facet["familiesAssessed"].as_i64().unwrap() > 100,
        "{facet:#}"
    );
    // Most families in the middle band, a tail of low resilience.
    let dist: std::collections::HashMap<String, i64> = data["dist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["category"].as_str().unwrap().to_owned(),
                r["familiesAssessed"].as_i64().unwrap(),
            )
        })
        .collect();
    let total: i64 = dist.values().sum();
    let (low, medium) = (dist["LOW"], dist["MEDIUM"]);
    assert!(
        medium * 10 >= total * 4,
        "the middle band holds most: {dist:?}"
    );
    assert!(
        low * 100 >= total * 5 && low * 100 <= total * 30,
        "a tail: {dist:?}"
    );
}

#[tokio::test]
async fn the_readme_queries_run_on_the_demo_data() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let queries = readme_queries("Ketahanan keluarga");
    assert!(queries.len() >= 4, "{queries:?}");
    let admin = t.token(Role::Admin, "");
    for q in queries {
        let body = t.gql(&admin, &q, json!({})).await;
        assert!(body.get("errors").is_none(), "{q}\n{body:#}");
        assert!(body["data"].to_string().len() > 50, "{q}: {body:#}");
    }
}
