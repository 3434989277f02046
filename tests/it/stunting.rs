//! The stunting module end to end: scoring on write, bad input, corrections, statistics against a
//! hand count, scope and suppression, batching, the CSV import and the seed-001 demo data.

use std::sync::atomic::Ordering;

use chrono::{Datelike, Days, NaiveDate};
use keluarga_core::stats::Sex;
use keluarga_core::{Actor, Role};
use keluarga_test_support::TestDb;
use keluarga_test_support::fixtures::PersonBuilder;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use stunting::entity::measurement;
use stunting::input::RegisterChildInput;
use stunting::kinds::ConsentMethod;
use stunting::{service, who};

use crate::helpers::{As, TestApp, code, config, multipart};

const PRINGREJO: &str = "33.75.01.1012";
const NOYONTAANSARI: &str = "33.75.02.1002";
const GAMBIR: &str = "31.71.01.1001";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A registered child born on `birth` in `village`; returns its global id.
pub(crate) async fn child(t: &TestApp, village: &str, sex: Sex, birth: NaiveDate) -> String {
    let app = t.app();
    let mut b = PersonBuilder::in_village(village).name("Anak Uji").sex(sex);
    b = b.born(birth);
    let p = b.insert(&app).await;
    let c = service::register_child(
        &app,
        &Actor::system(),
        RegisterChildInput {
            person_id: Some(keluarga_core::id::encode("Person", &p.id.to_string())),
            person: None,
            posyandu_id: None,
            consent_given_by: "Ibu Uji (ibu)".into(),
            consent_given_on: (birth.max(d(2024, 1, 1))).into(),
            consent_method: ConsentMethod::Written,
        },
    )
    .await
    .unwrap();
    keluarga_core::id::encode("Child", &c.id.to_string()).to_string()
}

const RECORD: &str = r#"mutation($i: RecordMeasurementInput!) { recordMeasurement(input: $i) {
    id version ageDays correctedLengthCm
    heightForAge { z flagged } weightForAge { z flagged } weightForHeight { z flagged }
    bmiForAge { z flagged } heightForAgeCategory weightForHeightCategory weightForAgeCategory } }"#;

async fn record(t: &TestApp, who: &As, input: Value) -> Value {
    t.gql(who, RECORD, json!({ "i": input })).await
}

async fn measurement_count(t: &TestApp) -> u64 {
    measurement::Entity::find().count(&t.db.db).await.unwrap()
}

/// Length at `z` for a child of `age` days (L = 1 for length/height: y = M (1 + S z)).
fn length_at(sex: who::Sex, age: i64, z: f64) -> f64 {
    let lms = who::tables().lhfa.get(sex, age).unwrap();
    (lms.m * (1.0 + lms.s * z) * 10.0).round() / 10.0
}

/// Weight at `z` on the weight-for-length/height table at `cm`.
fn weight_for(sex: who::Sex, age: i64, cm: f64, z: f64) -> f64 {
    let t = who::tables();
    let table = if age < 731 { &t.wfl } else { &t.wfh };
    let lms = table.get(sex, (cm * 10.0).round() as i64).unwrap();
    (lms.sd(z) * 10.0).round() / 10.0
}

#[tokio::test]
async fn measurements_are_scored_on_write_like_who_anthro() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let birth = d(2023, 1, 1);
    let c = child(&t, PRINGREJO, Sex::Male, birth).await;
    // WHO anthro's documented example: boy, 1001 days, 18 kg, 120 cm, position not recorded.
    let body = record(
        &t,
        &op,
        json!({ "childId": c, "measuredOn": (birth + Days::new(1001)).to_string(),
                "weightKg": 18.0, "lengthCm": 120.0 }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let m = &body["data"]["recordMeasurement"];
    assert_eq!(m["ageDays"], 1001);
    assert_eq!(m["heightForAge"], json!({ "z": 7.31, "flagged": true }));
    assert_eq!(m["weightForAge"], json!({ "z": 2.2, "flagged": false }));
    assert_eq!(
        m["weightForHeight"],
        json!({ "z": -2.39, "flagged": false })
    );
    assert_eq!(m["bmiForAge"], json!({ "z": -3.01, "flagged": false }));
    // A flagged value is stored, but gets no category.
    assert_eq!(m["heightForAgeCategory"], Value::Null);
    assert_eq!(m["weightForHeightCategory"], "WASTED");
    assert_eq!(m["version"], 1);

    // Lying at 800 days: 0.7 cm comes off before scoring.
    let body = record(
        &t,
        &op,
        json!({ "childId": c, "measuredOn": (birth + Days::new(800)).to_string(),
                "weightKg": 11.0, "lengthCm": 85.0, "position": "LYING" }),
    )
    .await;
    assert_eq!(body["data"]["recordMeasurement"]["correctedLengthCm"], 84.3);
    assert_eq!(measurement_count(&t).await, 2);
}

#[tokio::test]
async fn bad_measurements_are_refused_and_nothing_is_written() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let birth = d(2024, 5, 10);
    let c = child(&t, PRINGREJO, Sex::Female, birth).await;
    let jakarta = child(&t, GAMBIR, Sex::Female, birth).await;
    let ok = json!({ "childId": c, "measuredOn": "2025-05-10", "weightKg": 8.5, "lengthCm": 72.0 });
    let with = |k: &str, v: Value| {
        let mut i = ok.clone();
        i[k] = v;
        i
    };
    for (input, field) in [
        (with("measuredOn", json!("2024-05-09")), "input.measuredOn"),
        (with("measuredOn", json!("2099-01-01")), "input.measuredOn"),
        (with("weightKg", json!(61.0)), "input.weightKg"),
        (with("weightKg", json!(-3.0)), "input.weightKg"),
        (with("lengthCm", json!(151.0)), "input.lengthCm"),
        (with("muacMm", json!(9.0)), "input.muacMm"),
        (
            with(
                "posyanduId",
                json!(keluarga_core::id::encode(
                    "Posyandu",
                    &uuid::Uuid::now_v7().to_string()
                )),
            ),
            "input.posyanduId",
        ),
    ] {
        let body = record(&t, &op, input).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
    }
    // Unknown children and children outside the scope get the same answer: NOT_FOUND.
    let unknown = keluarga_core::id::encode("Child", &uuid::Uuid::now_v7().to_string());
    let a = record(&t, &op, with("childId", json!(unknown))).await;
    let b = record(&t, &op, with("childId", json!(jakarta))).await;
    assert_eq!(code(&a), "NOT_FOUND", "{a:#}");
    assert_eq!(code(&b), "NOT_FOUND", "{b:#}");
    assert_eq!(a["errors"][0]["message"], b["errors"][0]["message"]);
    // Roles that do not record measurements.
    for role in [Role::Dashboard, Role::Analyst] {
        let body = record(&t, &t.token(role, "33.75"), ok.clone()).await;
        assert_eq!(code(&body), "FORBIDDEN", "{body:#}");
    }
    assert_eq!(measurement_count(&t).await, 0);
    // A cadre may record.
    let body = record(&t, &t.token(Role::Cadre, PRINGREJO), ok).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(measurement_count(&t).await, 1);
}

#[tokio::test]
async fn a_correction_rescores_keeps_a_revision_and_checks_the_version() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let birth = d(2024, 1, 15);
    let c = child(&t, PRINGREJO, Sex::Male, birth).await;
    let body = record(
        &t,
        &op,
        json!({ "childId": c, "measuredOn": "2025-01-15", "weightKg": 95.0, "lengthCm": 75.0 }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "a typo of 95 kg is refused");
    let body = record(
        &t,
        &op,
        json!({ "childId": c, "measuredOn": "2025-01-15", "weightKg": 5.9, "lengthCm": 75.0 }),
    )
    .await;
    let id = body["data"]["recordMeasurement"]["id"].clone();
    let before = body["data"]["recordMeasurement"]["weightForAge"]["z"]
        .as_f64()
        .unwrap();
    const CORRECT: &str = r#"mutation($i: CorrectMeasurementInput!) { correctMeasurement(input: $i) {
        version weightKg weightForAge { z } revisions { version reason previous changedBy } } }"#;
    let input = json!({ "id": id, "version": 1, "reason": "berat salah ketik",
                        "measuredOn": "2025-01-15", "weightKg": 9.5, "lengthCm": 75.0 });
    let data = t.ok(&op, CORRECT, json!({ "i": input })).await;
    let m = &data["correctMeasurement"];
    assert_eq!(m["version"], 2);
    assert_eq!(m["weightKg"], 9.5);
    assert!(m["weightForAge"]["z"].as_f64().unwrap() > before);
    assert_eq!(m["revisions"][0]["version"], 1);
    assert_eq!(m["revisions"][0]["reason"], "berat salah ketik");
    assert_eq!(m["revisions"][0]["previous"]["weightKg"], 5.9);
    // The same stale version again: CONFLICT, and nothing changes.
    let body = t.gql(&op, CORRECT, json!({ "i": input })).await;
    assert_eq!(code(&body), "CONFLICT", "{body:#}");
    assert_eq!(measurement_count(&t).await, 1);
}

/// The fixture of the hand count, all measured in August 2026 (plus one earlier measurement).
///
/// | child | village | sex | age (days) | HAZ | WHZ | note |
/// |---|---|---|---|---|---|---|
/// | 1 | Pringrejo | M | 400 | −2.5 (stunted) | 0 | its earlier (June) measurement is normal |
/// | 2 | Pringrejo | F | 300 | 0 | 0 | |
/// | 3 | Pringrejo | M | 1200 | −3.5 (severely stunted) | −2.5 (wasted) | |
/// | 4 | Noyontaansari | F | 900 | −1 | −3.5 (severely wasted) | |
/// | 5 | Noyontaansari | M | 700 | −1 | – | oedema |
/// | 6 | Noyontaansari | F | 1000 | +6.5 (flagged) | 0 | |
/// Village, sex, age in days, HAZ, WHZ (none: a fixed 9 kg) and oedema of one fixture child.
type FixtureChild = (&'static str, Sex, i64, f64, Option<f64>, bool);

async fn hand_count_fixture(t: &TestApp) {
    let op = t.token(Role::Operator, "33.75");
    let day = d(2026, 8, 10);
    let rows: [FixtureChild; 6] = [
        (PRINGREJO, Sex::Male, 400, -2.5, Some(0.0), false),
        (PRINGREJO, Sex::Female, 300, 0.0, Some(0.0), false),
        (PRINGREJO, Sex::Male, 1200, -3.5, Some(-2.5), false),
        (NOYONTAANSARI, Sex::Female, 900, -1.0, Some(-3.5), false),
        (NOYONTAANSARI, Sex::Male, 700, -1.0, None, true),
        (NOYONTAANSARI, Sex::Female, 1000, 6.5, Some(0.0), false),
    ];
    for (i, (village, sex, age, haz, whz, oedema)) in rows.into_iter().enumerate() {
        let birth = day - Days::new(age as u64);
        let c = child(t, village, sex, birth).await;
        let wsex = if sex == Sex::Male {
            who::Sex::Male
        } else {
            who::Sex::Female
        };
        let cm = length_at(wsex, age, haz);
        let kg = whz.map(|z| weight_for(wsex, age, cm, z)).unwrap_or(9.0);
        if i == 0 {
            // An earlier, normal measurement: the statistics must use the latest one.
            let early = age - 60;
            let cm0 = length_at(wsex, early, 0.0);
            let body = record(
                t,
                &op,
                json!({ "childId": c, "measuredOn": (day - Days::new(60)).to_string(),
                        "weightKg": weight_for(wsex, early, cm0, 0.0), "lengthCm": cm0,
                        "position": "LYING" }),
            )
            .await;
            assert!(body.get("errors").is_none(), "{body:#}");
        }
        let body = record(
            t,
            &op,
            json!({ "childId": c, "measuredOn": day.to_string(), "weightKg": kg, "lengthCm": cm,
                    "position": if age < 731 { "LYING" } else { "STANDING" }, "oedema": oedema }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body:#}");
    }
}

const STATS: &str = r#"query($f: StatisticsFilter, $g: [StuntingDimension!]) {
    stuntingStatistics(filter: $f, groupBy: $g) {
        region { code } period sex ageGroup childrenMeasured suppressed
        stunting { numerator denominator percent } severeStunting { numerator denominator }
        wasting { numerator denominator } severeWasting { numerator denominator }
        underweight { numerator denominator } flagged { heightForAge weightForHeight weightForAge } } }"#;

#[tokio::test]
async fn statistics_agree_with_a_hand_count() {
    let t = TestApp::new().await;
    hand_count_fixture(&t).await;
    let op = t.token(Role::Operator, "33.75");
    let f = json!({ "regionCode": "33.75", "from": "2026-01-01", "to": "2026-12-31" });
    let data = t.ok(&op, STATS, json!({ "f": f, "g": ["VILLAGE"] })).await;
    let rows = data["stuntingStatistics"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let (a, b) = (&rows[0], &rows[1]);
    assert_eq!(a["region"]["code"], PRINGREJO);
    // Pringrejo: 3 children; child 1 stunted (latest, not the earlier normal one), child 3
    // severely stunted and wasted.
    assert_eq!(a["childrenMeasured"], 3);
    assert_eq!(
        a["stunting"],
        json!({ "numerator": 2, "denominator": 3, "percent": 66.7 })
    );
    assert_eq!(
        a["severeStunting"],
        json!({ "numerator": 1, "denominator": 3 })
    );
    assert_eq!(a["wasting"], json!({ "numerator": 1, "denominator": 3 }));
    assert_eq!(
        a["severeWasting"],
        json!({ "numerator": 0, "denominator": 3 })
    );
    // Noyontaansari: child 6's HAZ is flagged (left out, counted apart); child 5 has oedema,
    // which counts as severe wasting and severe underweight with no z-score.
    assert_eq!(b["region"]["code"], NOYONTAANSARI);
    assert_eq!(b["childrenMeasured"], 3);
    assert_eq!(
        b["stunting"],
        json!({ "numerator": 0, "denominator": 2, "percent": 0.0 })
    );
    assert_eq!(b["flagged"]["heightForAge"], 1);
    assert_eq!(b["wasting"], json!({ "numerator": 2, "denominator": 3 }));
    assert_eq!(
        b["severeWasting"],
        json!({ "numerator": 2, "denominator": 3 })
    );
    assert!(
        b["underweight"]["numerator"].as_i64().unwrap() >= 1,
        "oedema at least"
    );

    // The whole city, by sex: boys are children 1, 3 and 5.
    let data = t.ok(&op, STATS, json!({ "f": f, "g": ["SEX"] })).await;
    let rows = data["stuntingStatistics"].as_array().unwrap();
    let boys = rows.iter().find(|r| r["sex"] == "MALE").unwrap();
    assert_eq!(boys["childrenMeasured"], 3);
    assert_eq!(boys["stunting"]["numerator"], 2);
    // By age group: 300 and 400 days are 6–11 and 12–23 months.
    let data = t
        .ok(&op, STATS, json!({ "f": f, "g": ["AGE_GROUP"] }))
        .await;
    let groups: Vec<(String, i64)> = data["stuntingStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ageGroup"].as_str().unwrap().to_owned(),
                r["childrenMeasured"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        groups.contains(&("MONTHS_6_TO_11".to_owned(), 1)),
        "{groups:?}"
    );
    assert!(
        groups.contains(&("MONTHS_12_TO_23".to_owned(), 2)),
        "{groups:?}"
    );
    assert!(
        groups.contains(&("MONTHS_24_TO_35".to_owned(), 2)),
        "{groups:?}"
    );
    assert!(
        groups.contains(&("MONTHS_36_TO_47".to_owned(), 1)),
        "{groups:?}"
    );
    // By month: June holds child 1's normal measurement, August everyone's latest.
    let data = t.ok(&op, STATS, json!({ "f": f, "g": ["MONTH"] })).await;
    let months = data["stuntingStatistics"].as_array().unwrap();
    assert_eq!(months[0]["period"], "2026-06");
    assert_eq!(months[0]["childrenMeasured"], 1);
    assert_eq!(months[0]["stunting"]["numerator"], 0);
    assert_eq!(months[1]["period"], "2026-08");
    assert_eq!(months[1]["childrenMeasured"], 6);

    // The region facet gives the same headline figure for the city.
    let data = t
        .ok(
            &op,
            r#"{ region(code: "33.75") { stunting(period: "2026") { childrenMeasured
                 stunting { numerator denominator } suppressed } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["region"]["stunting"],
        json!({ "childrenMeasured": 6, "stunting": { "numerator": 2, "denominator": 5 }, "suppressed": false })
    );
}

#[tokio::test]
async fn statistics_are_scoped_and_small_cells_suppressed() {
    let t = TestApp::new().await;
    hand_count_fixture(&t).await;
    let f = json!({ "from": "2026-01-01", "to": "2026-12-31" });
    // A dashboard of the city: villages of 3 children are below the threshold of 5.
    let dash = t.token(Role::Dashboard, "33.75");
    let data = t
        .ok(&dash, STATS, json!({ "f": f, "g": ["VILLAGE"] }))
        .await;
    let villages = data["stuntingStatistics"].as_array().unwrap();
    assert_eq!(
        villages.len(),
        2,
        "two villages of three children: {data:#}"
    );
    for r in villages {
        assert_eq!(r["suppressed"], true);
        assert_eq!(r["childrenMeasured"], Value::Null);
        assert_eq!(r["stunting"], Value::Null);
    }
    // The whole city (6 children) is shown.
    let data = t
        .ok(&dash, STATS, json!({ "f": f, "g": ["REGENCY"] }))
        .await;
    assert_eq!(data["stuntingStatistics"][0]["childrenMeasured"], 6);
    // Another city's operator counts nothing of Pekalongan, asked or not.
    let jp = t.token(Role::Operator, "31.71");
    let data = t.ok(&jp, STATS, json!({ "f": f, "g": ["REGENCY"] })).await;
    assert_eq!(data["stuntingStatistics"], json!([]));
    let asked = json!({ "regionCode": "33.75", "from": "2026-01-01" });
    let data = t.ok(&jp, STATS, json!({ "f": asked, "g": [] })).await;
    assert_eq!(data["stuntingStatistics"], json!([]));
    // The dashboard is not shown children's or health records, and cannot see them in its schema.
    let body = t
        .gql(
            &dash,
            "{ measurements { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert!(
        code(&body) == "FORBIDDEN" || code(&body) == "GRAPHQL_VALIDATION_FAILED",
        "{body:#}"
    );
    let data = t
        .ok(
            &dash,
            r#"{ __type(name: "Query") { fields { name } } }"#,
            json!({}),
        )
        .await;
    let names = data["__type"]["fields"].to_string();
    assert!(!names.contains("\"measurements\"") && !names.contains("\"children\""));
    assert!(names.contains("stuntingStatistics"));
    // The facet suppresses too.
    let data = t
        .ok(
            &dash,
            r#"{ region(code: "33.75.01") { stunting(period: "2026") { childrenMeasured suppressed } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["region"]["stunting"],
        json!({ "childrenMeasured": null, "suppressed": true })
    );
}

#[tokio::test]
async fn children_measurements_child_costs_the_same_for_more_rows() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    let op = t.token(Role::Operator, "33.75");
    for i in 0..6u64 {
        let birth = d(2024, 1, 1) + Days::new(i * 20);
        let c = child(&t, PRINGREJO, Sex::Female, birth).await;
        for k in 0..2u64 {
            let body = record(
                &t,
                &op,
                json!({ "childId": c, "measuredOn": (birth + Days::new(200 + 30 * k)).to_string(),
                        "weightKg": 8.0, "lengthCm": 70.0 }),
            )
            .await;
            assert!(body.get("errors").is_none(), "{body:#}");
        }
    }
    const Q: &str = r#"query($n: Int) { children(first: $n) { edges { node { id
        person { id } posyandu { name }
        measurements { measuredOn child { id person { id } } }
        latestMeasurement { id } } } } }"#;
    let mut costs = Vec::new();
    for n in [2, 6] {
        count.store(0, Ordering::SeqCst);
        let data = t.ok(&op, Q, json!({ "n": n })).await;
        let edges = data["children"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), n);
        assert_eq!(
            edges[0]["node"]["measurements"].as_array().unwrap().len(),
            2
        );
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "statements: {costs:?}");

    // The region facet over a list of regions is batched too.
    const FACET: &str = r#"query($n: Int) { region(code: "33.75") { children(first: $n) { edges { node {
        stunting(period: "2024") { childrenMeasured activeFosterParents convergenceActionsDone } } } } } }"#;
    let mut costs = Vec::new();
    for n in [1, 4] {
        count.store(0, Ordering::SeqCst);
        t.ok(&op, FACET, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(costs[0], costs[1], "facet statements: {costs:?}");
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_line_numbers() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let birth = d(2024, 3, 1);
    let c = child(&t, PRINGREJO, Sex::Male, birth).await;
    let other = child(&t, GAMBIR, Sex::Male, birth).await;
    const IMPORT: &str = "mutation($file: Upload!) { importMeasurements(file: $file) { rows imported children flagged } }";
    let bad = format!(
        "child_id,measured_on,weight_kg,length_cm,position,oedema\n\
         {c},2025-03-01,9.6,74.5,L,n\n\
         {c},2024-02-01,9.6,74.5,L,n\n\
         {c},2025-04-01,\"9,9\",75.2,,\n\
         {c},2025-05-01,berat,76,L,n\n\
         {other},2025-05-01,10,76,L,n\n\
         {c},2025-06-01,10.5,77,L,n\n"
    );
    let (status, body, _) = t.send(multipart(&op, IMPORT, &bad)).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    let rows = body["errors"][0]["extensions"]["rows"].as_array().unwrap();
    let lines: Vec<i64> = rows.iter().map(|r| r["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, vec![3, 5, 6], "{body:#}");
    assert_eq!(rows[0]["column"], "measured_on");
    assert_eq!(rows[1]["column"], "weight_kg");
    assert_eq!(rows[2]["column"], "child_id");
    assert_eq!(measurement_count(&t).await, 0, "nothing written");

    let good = format!(
        "child_id,measured_on,weight_kg,length_cm,position,oedema\n\
         {c},2025-03-01,9.6,74.5,L,n\n\
         {c},2025-04-01,\"9,9\",75.2,,\n\
         {c},2025-06-01,10.5,77,LYING,ya\n"
    );
    let (_, body, _) = t.send(multipart(&op, IMPORT, &good)).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        body["data"]["importMeasurements"],
        json!({ "rows": 3, "imported": 3, "children": 1, "flagged": 0 })
    );
    assert_eq!(measurement_count(&t).await, 3);
    // An unknown column is refused rather than silently dropped.
    let typo = format!("child_id,measured_on,weight\n{c},2025-03-01,9.6\n");
    let (_, body, _) = t.send(multipart(&op, IMPORT, &typo)).await;
    assert_eq!(
        body["errors"][0]["extensions"]["rows"][0]["column"],
        "weight"
    );
    // A dashboard may not import.
    let (_, body, _) = t
        .send(multipart(&t.token(Role::Dashboard, "33.75"), IMPORT, &good))
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body:#}");
    assert_eq!(measurement_count(&t).await, 3);
}

#[tokio::test]
async fn tpk_teams_convergence_actions_foster_parents_and_kpm() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "31.71");
    let app = t.app();
    let mut ids = Vec::new();
    for name in ["Bidan Rina", "Kader Sri", "Kader Ani"] {
        let p = PersonBuilder::in_village(GAMBIR)
            .name(name)
            .insert(&app)
            .await;
        ids.push(keluarga_core::id::encode("Person", &p.id.to_string()).to_string());
    }
    const TEAM: &str = r#"mutation($i: CreateTpkTeamInput!) { createTpkTeam(input: $i) {
        id name members { role person { fullName } } } }"#;
    let two = json!({ "name": "TPK Gambir 1", "regionCode": GAMBIR, "members": [
        { "personId": ids[0], "role": "BIDAN" }, { "personId": ids[1], "role": "KADER_PKK" } ] });
    let body = t.gql(&op, TEAM, json!({ "i": two })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.members");
    let three = json!({ "name": "TPK Gambir 1", "regionCode": GAMBIR, "members": [
        { "personId": ids[0], "role": "BIDAN" }, { "personId": ids[1], "role": "KADER_PKK" },
        { "personId": ids[2], "role": "KADER_KB" } ] });
    let data = t.ok(&op, TEAM, json!({ "i": three })).await;
    assert_eq!(
        data["createTpkTeam"]["members"].as_array().unwrap().len(),
        3
    );
    // The members now hold the registry's TPK_MEMBER role in the team's village.
    let roles = t
        .ok(
            &op,
            r#"{ cadreRoles(filter: { regionCode: "31.71.01.1001", role: TPK_MEMBER }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(roles["cadreRoles"]["totalCount"], 3);
    let team = data["createTpkTeam"]["id"].clone();
    let data = t
        .ok(
            &t.token(Role::Cadre, GAMBIR),
            r#"mutation($t: ID!) { recordPendampingan(input: { teamId: $t, visitedOn: "2026-10-01",
                targetType: BADUTA, activity: "penyuluhan gizi", referral: "Puskesmas Gambir" }) {
                id team { name } targetType referral } }"#,
            json!({ "t": team }),
        )
        .await;
    assert_eq!(data["recordPendampingan"]["team"]["name"], "TPK Gambir 1");
    // Through node(id:) too (the domain's node types are declared once, `domain_nodes!`; the
    // type was missing from the hand-written list before, and its id read as null).
    let visit = data["recordPendampingan"]["id"].clone();
    let node = t
        .ok(
            &t.token(Role::Cadre, GAMBIR),
            r#"query($v: ID!) { node(id: $v) { id ... on Pendampingan { referral } } }"#,
            json!({ "v": visit }),
        )
        .await;
    assert_eq!(node["node"]["id"], visit);
    assert_eq!(node["node"]["referral"], "Puskesmas Gambir");

    // Aksi 5 done; the scorecard lists all eight.
    const AKSI: &str = r#"mutation($i: SetConvergenceActionInput!) { setConvergenceAction(input: $i) { number status } }"#;
    let body = t
        .gql(&op, AKSI, json!({ "i": { "regionCode": "31.71", "year": 2023, "aksi": "PEMBINAAN_KPM", "status": "DONE" } }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.doneOn");
    let data = t
        .ok(
            &op,
            AKSI,
            json!({ "i": { "regionCode": "31.71", "year": 2023, "aksi": "PEMBINAAN_KPM",
            "status": "DONE", "doneOn": "2023-10-05", "evidence": "Pembinaan KPM dan TPK" } }),
        )
        .await;
    assert_eq!(
        data["setConvergenceAction"],
        json!({ "number": 5, "status": "DONE" })
    );
    let body = t
        .gql(&op, AKSI, json!({ "i": { "regionCode": "31.71.01", "year": 2023, "aksi": "REMBUK_STUNTING", "status": "IN_PROGRESS" } }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.regionCode");
    let data = t
        .ok(&op, r#"{ convergenceScorecard(regionCode: "31.71", year: 2023) { done actions { number status } } }"#, json!({}))
        .await;
    assert_eq!(data["convergenceScorecard"]["done"], 1);
    assert_eq!(
        data["convergenceScorecard"]["actions"]
            .as_array()
            .unwrap()
            .len(),
        8
    );

    // A KPM at kecamatan level, as in Jakarta Pusat.
    let data = t
        .ok(&op, r#"mutation($p: ID!) { assignKpm(input: { personId: $p, regionCode: "31.71.01", startedOn: "2023-01-16" }) { role region { code } } }"#, json!({ "p": ids[1] }))
        .await;
    assert_eq!(
        data["assignKpm"],
        json!({ "role": "KPM", "region": { "code": "31.71.01" } })
    );

    // A foster parent with a named child.
    let org = keluarga_test_support::fixtures::organisation(&app, "Perumda PAM Jaya", "31").await;
    let c = child(&t, "31.71.07.1002", Sex::Female, d(2024, 6, 1)).await;
    let data = t
        .ok(&op, r#"mutation($o: ID!, $c: ID!) { createFosterParent(input: { organisationId: $o,
            regionCode: "31.71.07.1002", startedOn: "2023-01-01", support: NUTRITION, childIds: [$c] }) {
            organisation { name } region { name } childCount children { id } } }"#,
            json!({ "o": keluarga_core::id::encode("Organisation", &org.id.to_string()), "c": c }))
        .await;
    assert_eq!(
        data["createFosterParent"]["organisation"]["name"],
        "Perumda PAM Jaya"
    );
    assert_eq!(
        data["createFosterParent"]["region"]["name"],
        "Bendungan Hilir"
    );
    assert_eq!(data["createFosterParent"]["childCount"], 1);
    let data = t
        .ok(&op, r#"{ region(code: "31.71.07.1002") { stunting(period: "2026") { activeFosterParents } } }"#, json!({}))
        .await;
    assert_eq!(data["region"]["stunting"]["activeFosterParents"], 1);
    // Another city's operator cannot name this child.
    let body = t
        .gql(&t.token(Role::Operator, "33.75"), r#"mutation($o: ID!, $c: ID!) { createFosterParent(input: { organisationId: $o,
            regionCode: "33.75.01.1012", startedOn: "2023-01-01", support: CASH, childIds: [$c] }) { id } }"#,
            json!({ "o": keluarga_core::id::encode("Organisation", &org.id.to_string()), "c": c }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body:#}");
}

#[tokio::test]
async fn demo_data_holds_seed_001_and_realistic_prevalence() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let admin = t.token(Role::Admin, "");
    let data = t
        .ok(
            &admin,
            r#"{ tpkTeams(filter: { regionCode: "31.71" }, first: 20) { totalCount edges { node { members { role } } } }
                 kpm: cadreRoles(filter: { regionCode: "31.71", role: KPM }, first: 20) { edges { node { region { code level } } } }
                 fosterParents(filter: { regionCode: "31.71" }) { edges { node { organisation { name } region { code } } } }
                 convergenceScorecard(regionCode: "31.71", year: 2023) { done actions { number status doneOn } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["tpkTeams"]["totalCount"], 12);
    // Foster parents active on a day, and visits in a date range.
    let dates = t
        .ok(
            &admin,
            r#"{ before: fosterParents(filter: { regionCode: "31.71", activeOn: "2022-12-31" }) { totalCount }
                 after: fosterParents(filter: { regionCode: "31.71", activeOn: "2023-06-01" }) { totalCount }
                 october: pendampingan(filter: { regionCode: "31.71", from: "2023-10-01", to: "2023-10-31" }) { totalCount }
                 all: pendampingan(filter: { regionCode: "31.71" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(dates["before"]["totalCount"], 0);
    assert_eq!(dates["after"]["totalCount"], 4);
    assert_eq!(
        dates["october"]["totalCount"], 12,
        "one visit of each of the 12 teams"
    );
    assert_eq!(dates["all"]["totalCount"], 36);
    for team in data["tpkTeams"]["edges"].as_array().unwrap() {
        assert_eq!(team["node"]["members"].as_array().unwrap().len(), 3);
    }
    let kpm = data["kpm"]["edges"].as_array().unwrap();
    assert_eq!(kpm.len(), 8);
    assert!(
        kpm.iter()
            .all(|k| k["node"]["region"]["level"] == "DISTRICT")
    );
    let fosters: Vec<(String, String)> = data["fosterParents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["organisation"]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                e["node"]["region"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (org, village) in [
        ("Perumda PAM Jaya", "31.71.07.1002"),
        ("PT Jakarta Propertindo (Perseroda)", "31.71.07.1007"),
        ("PT Green Pramuka", "31.71.08.1004"),
        ("Kejaksaan Negeri Jakarta Pusat", "31.71.03.1004"),
    ] {
        assert!(
            fosters.contains(&(org.to_owned(), village.to_owned())),
            "{fosters:?}"
        );
    }
    assert_eq!(data["convergenceScorecard"]["done"], 1);
    assert_eq!(data["convergenceScorecard"]["actions"][4]["status"], "DONE");
    assert_eq!(
        data["convergenceScorecard"]["actions"][4]["doneOn"],
        "2023-10-05"
    );

    let data = t
        .ok(
            &admin,
            STATS,
            json!({ "f": { "from": "2026-01-01", "to": "2026-12-31" }, "g": ["REGENCY"] }),
        )
        .await;
    let rows = data["stuntingStatistics"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "the four seed cities");
    for r in rows {
        let p = r["stunting"]["percent"].as_f64().unwrap();
        assert!((15.0..=25.0).contains(&p), "{r:#}");
        assert!(r["childrenMeasured"].as_i64().unwrap() > 100);
    }
    // Seeding again writes nothing.
    let before = measurement_count(&t).await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    assert_eq!(measurement_count(&t).await, before);
}

#[tokio::test]
async fn the_z_score_calculator_stores_nothing() {
    let t = TestApp::new().await;
    let data = t
        .ok(
            &t.token(Role::Dashboard, "33.75"),
            r#"{ calculateZScores(input: { sex: FEMALE, ageDays: 1000, weightKg: 15, lengthCm: 80 }) {
                heightForAge { z } weightForAge { z } weightForHeight { z flagged } bmiForAge { z }
                heightForAgeCategory } }"#,
            json!({}),
        )
        .await;
    let z = &data["calculateZScores"];
    assert_eq!(z["heightForAge"]["z"], -3.5);
    assert_eq!(z["weightForAge"]["z"], 0.95);
    assert_eq!(z["weightForHeight"], json!({ "z": 4.13, "flagged": false }));
    assert_eq!(z["bmiForAge"]["z"], 4.66);
    assert_eq!(z["heightForAgeCategory"], "SEVERELY_STUNTED");
    assert_eq!(measurement_count(&t).await, 0);
}

#[tokio::test]
async fn children_filters_and_node_reads() {
    let t = TestApp::new().await;
    hand_count_fixture(&t).await;
    let op = t.token(Role::Operator, "33.75");
    const Q: &str = r#"query($f: ChildFilter) { children(filter: $f, first: 50) { totalCount
        edges { node { id person { sex } latestMeasurement { id ageDays heightForAgeCategory } } } } }"#;
    let count = |data: &Value| data["children"]["totalCount"].as_i64().unwrap();
    let all = t.ok(&op, Q, json!({ "f": {} })).await;
    assert_eq!(count(&all), 6);
    let girls = t.ok(&op, Q, json!({ "f": { "sex": "FEMALE" } })).await;
    assert_eq!(count(&girls), 3);
    let village = t
        .ok(&op, Q, json!({ "f": { "regionCode": NOYONTAANSARI } }))
        .await;
    assert_eq!(count(&village), 3);
    // Latest status: child 1 is stunted by its latest measurement, not its earlier normal one.
    let stunted = t
        .ok(&op, Q, json!({ "f": { "latestHeightForAge": "STUNTED" } }))
        .await;
    assert_eq!(count(&stunted), 1);
    let normal = t
        .ok(&op, Q, json!({ "f": { "latestHeightForAge": "NORMAL" } }))
        .await;
    assert_eq!(
        count(&normal),
        3,
        "children 2, 4 and 5 (child 6 is flagged)"
    );
    // Age today in completed months: the fixture children were 300–1200 days old on 2026-08-10.
    let today = chrono::Utc::now().date_naive();
    let months = |age_then: i64| {
        let birth = d(2026, 8, 10) - Days::new(age_then as u64);
        let mut m =
            (today.year() - birth.year()) * 12 + today.month() as i32 - birth.month() as i32;
        if today.day() < birth.day() {
            m -= 1;
        }
        m
    };
    let youngest = months(300);
    let young = t
        .ok(&op, Q, json!({ "f": { "maxAgeMonths": youngest } }))
        .await;
    assert_eq!(count(&young), 1);
    let old = t
        .ok(&op, Q, json!({ "f": { "minAgeMonths": months(1000) } }))
        .await;
    assert_eq!(count(&old), 2, "children of 1000 and 1200 days");
    let bad = t.gql(&op, Q, json!({ "f": { "minAgeMonths": 99 } })).await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "filter.minAgeMonths"
    );

    // Measurements by sex and age at measurement: the 300- and 400-day-old (9 and 13 months).
    const M: &str =
        r#"query($f: MeasurementFilter) { measurements(filter: $f, first: 50) { totalCount } }"#;
    let n = |data: Value| data["measurements"]["totalCount"].as_i64().unwrap();
    let f = json!({ "f": { "minAgeMonths": 9, "maxAgeMonths": 13, "from": "2026-08-01" } });
    assert_eq!(n(t.ok(&op, M, f).await), 2);
    let f = json!({ "f": { "maxAgeMonths": 9, "sex": "FEMALE" } });
    assert_eq!(n(t.ok(&op, M, f).await), 1);
    let f = json!({ "f": { "sex": "MALE" } });
    assert_eq!(n(t.ok(&op, M, f).await), 4, "children 1 (twice), 3 and 5");
    // Flagged or not: the fixture has one measurement with an implausible HAZ; the two
    // answers split the whole list.
    let every = n(t.ok(&op, M, json!({ "f": {} })).await);
    let flagged = n(t.ok(&op, M, json!({ "f": { "flagged": true } })).await);
    let clean = n(t.ok(&op, M, json!({ "f": { "flagged": false } })).await);
    assert!(flagged >= 1, "the fixture has a flagged measurement");
    assert_eq!(flagged + clean, every);

    // node(id) of a child and a measurement: record access in scope only, and audit-logged.
    let child_id = all["children"]["edges"][0]["node"]["id"].clone();
    let m_id = all["children"]["edges"][0]["node"]["latestMeasurement"]["id"].clone();
    const NODE: &str = r#"query($c: ID!, $m: ID!) { c: node(id: $c) { id ... on Child { consentMethod } }
        m: node(id: $m) { ... on Measurement { ageDays child { id } } } }"#;
    let data = t.ok(&op, NODE, json!({ "c": child_id, "m": m_id })).await;
    assert_eq!(data["c"]["consentMethod"], "WRITTEN");
    assert_eq!(data["m"]["child"]["id"], child_id);
    let other = t
        .ok(
            &t.token(Role::Operator, "31.71"),
            NODE,
            json!({ "c": child_id, "m": m_id }),
        )
        .await;
    assert_eq!(other["c"], Value::Null);
    assert_eq!(other["m"], Value::Null);
    let body = t
        .gql(
            &t.token(Role::Analyst, "33"),
            r#"query($c: ID!) { node(id: $c) { id } }"#,
            json!({ "c": child_id }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body:#}");
    // The two node reads were audited with the records they returned, and nothing else was:
    // the other city's operator (nothing returned) and the refused analyst left no entry.
    let log = t.audit_log().await;
    let after_nodes: Vec<_> = log
        .iter()
        .filter(|(e, _, ids)| {
            (e == "child" && ids.contains(&child_uuid(child_id.as_str().unwrap())))
                || (e == "measurement" && ids.contains(&child_uuid(m_id.as_str().unwrap())))
        })
        .collect();
    assert!(
        after_nodes
            .iter()
            .any(|(e, r, _)| e == "child" && r == "OPERATOR")
            && after_nodes
                .iter()
                .any(|(e, r, _)| e == "measurement" && r == "OPERATOR"),
        "{log:?}"
    );
    assert!(log.iter().all(|(_, r, _)| r != "ANALYST"), "{log:?}");
}

/// The UUID inside a global id.
fn child_uuid(global: &str) -> String {
    keluarga_core::id::decode(&async_graphql::ID::from(global))
        .unwrap()
        .1
}

#[tokio::test]
async fn a_child_who_moves_is_seen_in_the_new_region_only() {
    let t = TestApp::new().await;
    let c = child(&t, PRINGREJO, Sex::Male, d(2024, 2, 1)).await;
    let pkl = t.token(Role::Operator, "33.75");
    let body = record(
        &t,
        &pkl,
        json!({ "childId": c, "measuredOn": "2025-02-01", "weightKg": 9.0, "lengthCm": 74.0 }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    const Q: &str = r#"query($c: ID!) { node(id: $c) { ... on Child { region { code } version
        person { id version } measurements { id } latestMeasurement { id } } } }"#;
    let data = t.ok(&pkl, Q, json!({ "c": c })).await;
    let person = data["node"]["person"].clone();
    let child_version = data["node"]["version"].as_i64().unwrap();
    assert_eq!(data["node"]["measurements"].as_array().unwrap().len(), 1);
    // The family moves to Jakarta Pusat (an ADMIN updates the person).
    t.ok(
        &t.token(Role::Admin, ""),
        r#"mutation($p: ID!, $v: Int!) { updatePerson(input: { id: $p, version: $v, regionCode: "31.71.01.1001" }) { version } }"#,
        json!({ "p": person["id"], "v": person["version"] }),
    )
    .await;
    let jp = t.token(Role::Operator, "31.71");
    let data = t.ok(&jp, Q, json!({ "c": c })).await;
    assert_eq!(data["node"]["region"]["code"], GAMBIR);
    // The move is an update of the child's row: its version goes up.
    assert_eq!(data["node"]["version"], child_version + 1);
    // Its measurement was taken in Pekalongan: Jakarta's operator sees the child but not the
    // measurement, through the relation as through the root list.
    assert_eq!(data["node"]["measurements"], json!([]), "{data:#}");
    assert_eq!(data["node"]["latestMeasurement"], Value::Null);
    const LIST: &str = r#"query($c: ID!) { measurements(filter: { childId: $c }) { totalCount } }"#;
    let n = |d: Value| d["measurements"]["totalCount"].as_i64().unwrap();
    assert_eq!(n(t.ok(&jp, LIST, json!({ "c": c })).await), 0);
    assert_eq!(n(t.ok(&pkl, LIST, json!({ "c": c })).await), 1);
    let data = t.ok(&pkl, Q, json!({ "c": c })).await;
    assert_eq!(
        data["node"],
        Value::Null,
        "Pekalongan no longer sees the child"
    );
    // The measurement stays where it was taken: Pekalongan's statistics keep it.
    let data = t
        .ok(
            &pkl,
            STATS,
            json!({ "f": { "from": "2025-01-01", "to": "2025-12-31" }, "g": [] }),
        )
        .await;
    assert_eq!(data["stuntingStatistics"][0]["childrenMeasured"], 1);
    // New measurements are recorded in the new village.
    let body = record(
        &t,
        &jp,
        json!({ "childId": c, "measuredOn": "2025-06-01", "weightKg": 10.0, "lengthCm": 79.0 }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

#[tokio::test]
async fn uploads_larger_than_the_limit_are_refused() {
    let mut cfg = config();
    // The HTTP layer refuses files above the largest domain limit with 413; each domain's own
    // limit is checked again by its import (BAD_USER_INPUT on `file`).
    // Every domain that takes uploads (the others have no such setting).
    for domain in keluarga_gateway::schema::DOMAINS
        .iter()
        .filter(|d| ["stunting", "ketahanan_keluarga", "ekonomi_keluarga"].contains(d))
    {
        cfg.domains
            .insert((*domain).into(), json!({ "upload_limit_bytes": 200 }));
    }
    let t = TestApp::with(cfg).await;
    let op = t.token(Role::Operator, "33.75");
    let big = format!(
        "child_id,measured_on,weight_kg\n{}",
        "x,2025-01-01,9\n".repeat(40)
    );
    const IMPORT: &str =
        "mutation($file: Upload!) { importMeasurements(file: $file) { imported } }";
    let (status, body, _) = t.send(multipart(&op, IMPORT, &big)).await;
    assert_eq!(status, 413, "{body:#}");
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("200 bytes"),
        "{body:#}"
    );
    // An unknown domain section is a configuration error, not silently ignored.
    let mut cfg = config();
    cfg.domains.insert("stuntin".into(), json!({}));
    let db = TestDb::new().await;
    let err = keluarga_gateway::startup::state(&cfg, db.db.clone())
        .err()
        .unwrap();
    assert!(err.to_string().contains("[domains.stuntin]"), "{err}");
}

#[tokio::test]
async fn a_newborn_is_registered_with_its_person_in_one_mutation() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    const REG: &str = r#"mutation($i: RegisterChildInput!) { registerChild(input: $i) {
        id region { code } person { fullName birthDate sex } consentMethod } }"#;
    let person = json!({ "fullName": "Bayi Aisyah", "sex": "FEMALE", "birthDate": "2026-10-01",
                         "regionCode": PRINGREJO });
    let consent = |mut i: Value| {
        i["consentGivenBy"] = json!("Siti (ibu)");
        i["consentGivenOn"] = json!("2026-10-02");
        i["consentMethod"] = json!("ELECTRONIC");
        i
    };
    let persons = async || {
        keluarga_core::entity::person::Entity::find()
            .count(&t.db.db)
            .await
            .unwrap()
    };
    let before = persons().await;
    // Neither, a new person without a birth date, out of scope, bad consent: nothing written.
    let body = t.gql(&op, REG, json!({ "i": consent(json!({})) })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.personId",
        "{body:#}"
    );
    let mut no_birth = person.clone();
    no_birth["birthDate"] = Value::Null;
    let body = t
        .gql(
            &op,
            REG,
            json!({ "i": consent(json!({ "person": no_birth })) }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.person.birthDate",
        "{body:#}"
    );
    let mut elsewhere = person.clone();
    elsewhere["regionCode"] = json!(GAMBIR);
    let body = t
        .gql(
            &op,
            REG,
            json!({ "i": consent(json!({ "person": elsewhere })) }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body:#}");
    let mut bad_consent = consent(json!({ "person": person }));
    bad_consent["consentGivenBy"] = json!("  ");
    let body = t.gql(&op, REG, json!({ "i": bad_consent })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.consentGivenBy",
        "{body:#}"
    );
    assert_eq!(
        persons().await,
        before,
        "a failed registration leaves no person behind"
    );
    let data = t
        .ok(
            &op,
            REG,
            json!({ "i": consent(json!({ "person": person })) }),
        )
        .await;
    let c = &data["registerChild"];
    assert_eq!(c["region"]["code"], PRINGREJO);
    assert_eq!(c["person"]["fullName"], "Bayi Aisyah");
    assert_eq!(c["consentMethod"], "ELECTRONIC");
    assert_eq!(persons().await, before + 1);
}

/// `latestMeasurement` reads one row per child, and its audit entry names that row only (not the
/// child's whole history); a second measurement on the same day wins over the first.
#[tokio::test]
async fn the_latest_measurement_is_read_and_audited_alone() {
    let t = TestApp::new().await;
    let c = child(&t, PRINGREJO, Sex::Female, d(2024, 2, 1)).await;
    let op = t.token(Role::Operator, "33.75");
    let mut ids = Vec::new();
    for day in ["2025-01-10", "2025-03-10", "2025-03-10"] {
        let body = record(
            &t,
            &op,
            json!({ "childId": c, "measuredOn": day, "weightKg": 9.0, "lengthCm": 75.0 }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body:#}");
        ids.push(
            body["data"]["recordMeasurement"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let before = t.audit_log().await.len();
    let data = t
        .ok(
            &op,
            r#"query($c: ID!) { node(id: $c) { ... on Child { latestMeasurement { id measuredOn } } } }"#,
            json!({ "c": c }),
        )
        .await;
    assert_eq!(data["node"]["latestMeasurement"]["id"], ids[2].as_str());
    let log = t.audit_log().await;
    let measurements: Vec<&Vec<String>> = log[before..]
        .iter()
        .filter(|(e, _, _)| e == "measurement")
        .map(|(_, _, ids)| ids)
        .collect();
    assert_eq!(measurements, [&vec![child_uuid(&ids[2])]], "{log:?}");
}

/// Creates a trigger on `table` that makes the database fail the insert of its third row (a disk
/// full, a constraint added by hand, a server killed mid-write), on either backend.
async fn fail_third_insert(t: &TestApp, table: &str) {
    use sea_orm::ConnectionTrait;
    let db = &t.db.db;
    let statements = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION fault_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF (SELECT count(*) FROM {table}) >= 2 THEN RAISE EXCEPTION 'injected fault'; \
                 END IF; RETURN NEW; END $$"
            ),
            format!(
                "CREATE TRIGGER fault_{table} BEFORE INSERT ON {table} FOR EACH ROW \
                 EXECUTE FUNCTION fault_{table}()"
            ),
        ],
        _ => vec![format!(
            "CREATE TRIGGER fault_{table} BEFORE INSERT ON {table} \
             WHEN (SELECT count(*) FROM {table}) >= 2 \
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        )],
    };
    for s in statements {
        db.execute_unprepared(&s).await.unwrap();
    }
}

/// The database fails in the middle of an import, and of a mutation that writes several records:
/// the client gets INTERNAL with a correlation id (no SQL, no fault text), and nothing of either
/// is written.
#[tokio::test]
async fn a_database_failure_halfway_through_writes_nothing() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let c = child(&t, PRINGREJO, Sex::Male, d(2024, 3, 1)).await;
    fail_third_insert(&t, "measurement").await;
    const IMPORT: &str =
        "mutation($file: Upload!) { importMeasurements(file: $file) { rows imported } }";
    let csv = format!(
        "child_id,measured_on,weight_kg,length_cm,position,oedema\n\
         {c},2025-03-01,9.6,74.5,L,n\n\
         {c},2025-04-01,9.9,75.2,L,n\n\
         {c},2025-05-01,10.1,76.0,L,n\n\
         {c},2025-06-01,10.5,77.0,L,n\n"
    );
    let (status, body, _) = t.send(multipart(&op, IMPORT, &csv)).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(code(&body), "INTERNAL", "{body:#}");
    let text = body.to_string();
    assert!(
        !text.contains("injected") && !text.to_lowercase().contains("insert"),
        "{text}"
    );
    assert_eq!(measurement_count(&t).await, 0, "nothing of the import");

    // A team of three members: the team row, then its members, in one transaction.
    fail_third_insert(&t, "tpk_member").await;
    let mut ids = Vec::new();
    for name in ["Bidan Rina", "Kader Sri", "Kader Ani"] {
        let p = PersonBuilder::in_village(PRINGREJO)
            .name(name)
            .insert(&t.app())
            .await;
        ids.push(keluarga_core::id::encode("Person", &p.id.to_string()).to_string());
    }
    let team = json!({ "name": "TPK Pringrejo", "regionCode": PRINGREJO, "members": [
        { "personId": ids[0], "role": "BIDAN" }, { "personId": ids[1], "role": "KADER_PKK" },
        { "personId": ids[2], "role": "KADER_KB" } ] });
    let body = t
        .gql(
            &op,
            "mutation($i: CreateTpkTeamInput!) { createTpkTeam(input: $i) { id } }",
            json!({ "i": team }),
        )
        .await;
    assert_eq!(code(&body), "INTERNAL", "{body:#}");
    let teams = stunting::entity::tpk_team::Entity::find()
        .count(&t.db.db)
        .await
        .unwrap();
    let members = stunting::entity::tpk_member::Entity::find()
        .count(&t.db.db)
        .await
        .unwrap();
    assert_eq!((teams, members), (0, 0), "nothing of the team");
}
