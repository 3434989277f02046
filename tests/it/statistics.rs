//! Statistics on the demo data stay what they were when core's statistics convention replaced
//! each domain's hand-written SQL: the answers below were recorded from the previous code
//! (`tests/it/snapshots/statistics.json`), on SQLite, and must match on both backends.

use keluarga_core::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const RATE: &str = "{ numerator denominator percent }";

fn stunting_query(group_by: &str, filter: &str) -> String {
    format!(
        "{{ stuntingStatistics(filter: {filter}, groupBy: [{group_by}]) {{ region {{ code }} period sex ageGroup \
         childrenMeasured stunting {RATE} severeStunting {RATE} wasting {RATE} severeWasting {RATE} \
         underweight {RATE} severeUnderweight {RATE} overweight {RATE} \
         flagged {{ heightForAge weightForAge weightForHeight }} suppressed }} }}"
    )
}

fn registry_query(measure: &str, group_by: &str) -> String {
    format!(
        "{{ registryStatistics(measure: {measure}, groupBy: [{group_by}]) {{ region {{ code }} period sex count suppressed }} }}"
    )
}

const FACET: &str = r#"{ region(code: "33.75") { children(first: 10) { edges { node { code
    stunting(period: "2026") { childrenMeasured stunting { numerator denominator percent }
      severeStunting { numerator denominator percent } wasting { numerator denominator percent }
      underweight { numerator denominator percent } convergenceActionsDone activeFosterParents suppressed } } } } } }"#;

/// (name, role, scope, query) of every recorded answer.
fn cases() -> Vec<(String, Role, &'static str, String)> {
    let year = r#"{ from: "2026-01-01", to: "2026-12-31" }"#;
    let mut out = vec![
        (
            "stunting by regency".into(),
            Role::Admin,
            "",
            stunting_query("REGENCY", year),
        ),
        (
            "stunting by regency, sex and age group".into(),
            Role::Admin,
            "",
            stunting_query("REGENCY, SEX, AGE_GROUP", year),
        ),
        (
            "stunting by district and quarter in Jakarta Pusat".into(),
            Role::Admin,
            "",
            stunting_query("DISTRICT, QUARTER", r#"{ regionCode: "31.71" }"#),
        ),
        (
            "stunting by province and month".into(),
            Role::Admin,
            "",
            stunting_query("PROVINCE, MONTH", "{}"),
        ),
        (
            "stunting by village and sex for a dashboard of Pekalongan".into(),
            Role::Dashboard,
            "33.75",
            stunting_query("VILLAGE, SEX", year),
        ),
        (
            "Region.stunting of Pekalongan's districts".into(),
            Role::Operator,
            "33.75",
            FACET.to_owned(),
        ),
    ];
    for (measure, groups) in [
        ("PERSONS", "REGENCY, YEAR, SEX"),
        ("FAMILIES", "DISTRICT"),
        ("CADRES", "REGENCY, SEX"),
        ("ACTIVITY_PARTICIPANTS", "REGENCY, YEAR"),
    ] {
        out.push((
            format!("registry {measure} by {groups} for a dashboard of Jawa Tengah"),
            Role::Dashboard,
            "33",
            registry_query(measure, groups),
        ));
    }
    out
}

async fn answers(t: &TestApp) -> Value {
    let mut out = serde_json::Map::new();
    for (name, role, scope, query) in cases() {
        let data = t.ok(&t.token(role, scope), &query, json!({})).await;
        out.insert(name, data);
    }
    Value::Object(out)
}

#[tokio::test]
async fn statistics_on_the_demo_data_are_unchanged() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let got = answers(&t).await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/it/snapshots/statistics.json");
    if std::env::var("RECORD_STATISTICS").is_ok() {
        std::fs::write(path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
        return;
    }
    let want: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (Value::Object(got), Value::Object(want)) = (&got, &want) else {
        panic!("answers are objects");
    };
    assert_eq!(got.len(), want.len());
    for (name, w) in want {
        // Percentages are compared to 1e-9: the two backends may round the last bit differently.
        assert!(
            same(&got[name], w),
            "{name}:\n got {:#}\nwant {w:#}",
            got[name]
        );
    }
    // The snapshot is not empty: it holds the four seed cities and suppressed cells.
    let regencies = want["stunting by regency"]["stuntingStatistics"]
        .as_array()
        .unwrap();
    assert_eq!(regencies.len(), 4);
    let dash =
        want["stunting by village and sex for a dashboard of Pekalongan"]["stuntingStatistics"]
            .as_array()
            .unwrap();
    assert!(dash.iter().any(|r| r["suppressed"] == true));
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
