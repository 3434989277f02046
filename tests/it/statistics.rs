//! Statistics on the demo data stay what they were when core's statistics convention replaced
//! each domain's hand-written SQL: the answers below were recorded from the previous code
//! (`tests/it/snapshots/statistics.json`), on SQLite, and must match on both backends.

use keluarga_core::Role;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp};

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

/// Every aggregate of the convention against a hand count: counts, distinct counts, sums, means,
/// medians (odd and even groups) and rates, grouped by village and sex, with suppression.
#[tokio::test]
async fn every_aggregate_matches_a_hand_count() {
    use keluarga_core::entity::{activity, activity_participant_count};
    use keluarga_core::stats::{
        Aggregate, Disclosure, GroupPlan, Measure, Rate, Source, Spec, StatisticsFilter,
        StatsDimension, grouped,
    };
    use keluarga_core::{Actor, Credential, Scope};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let t = TestApp::new().await;
    let db = &t.db.db;
    let now = chrono::Utc::now();
    // Two villages of Pekalongan (one activity each, two in the first) and one in Jakarta.
    let villages = [
        ("33.75.01.1012", "2026-03-01"),
        ("33.75.01.1012", "2026-04-01"),
        ("33.75.02.1001", "2026-03-01"),
        ("31.71.01.1001", "2026-03-01"),
    ];
    let mut activities = Vec::new();
    for (code, day) in villages {
        let a = activity::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            title: Set("Pelatihan".into()),
            kind: Set("TRAINING".into()),
            held_on: Set(day.parse().unwrap()),
            venue: Set(None),
            region_code: Set(code.into()),
            programme_id: Set(None),
            stage: Set(None),
            total_participants: Set(None),
            description: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        activities.push(a.id);
    }
    // (activity, sex, count): village 1012 has counts 4, 6, 9 (P) and 7 (L); village 1001 of
    // district 02 has 2 (P); Jakarta has 100 (P), outside the scope asked.
    let rows = [
        (0, "P", 4),
        (0, "P", 6),
        (1, "P", 9),
        (1, "L", 7),
        (2, "P", 2),
        (3, "P", 100),
    ];
    for (a, sex, count) in rows {
        activity_participant_count::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            activity_id: Set(activities[a]),
            participant_group: Set("KADER".into()),
            sex: Set(Some(sex.into())),
            count: Set(count),
            note: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
    }
    const MEASURES: &[Measure] = &[
        Measure {
            name: "rows",
            aggregate: Aggregate::Count,
        },
        Measure {
            name: "activities",
            aggregate: Aggregate::CountDistinct("n.activity_id"),
        },
        Measure {
            name: "people",
            aggregate: Aggregate::Sum("n.count"),
        },
        Measure {
            name: "mean",
            aggregate: Aggregate::Mean("n.count"),
        },
        Measure {
            name: "median",
            aggregate: Aggregate::Median("n.count"),
        },
        Measure {
            name: "women",
            aggregate: Aggregate::Rate {
                numerator: "n.sex = 'P'",
                denominator: "n.sex IS NOT NULL",
            },
        },
    ];
    let spec = Spec {
        source: Source {
            from: &|_, _| {
                "activity_participant_count n JOIN activity a ON a.id = n.activity_id".to_owned()
            },
            region: "a.region_code",
            date: "a.held_on",
            sex: Some("n.sex"),
            filter: "",
        },
        measures: MEASURES,
        people: "people",
        rollup: None,
    };
    let admin = Actor::new(
        "t",
        Role::Admin,
        Scope::new("33.75").unwrap(),
        Credential::Anonymous,
    );
    let filter = StatisticsFilter::default();
    let plan = GroupPlan::new(&admin, &filter, &[StatsDimension::Village], &[])
        .unwrap()
        .unwrap();
    let cells = grouped(db, &admin, Disclosure::default(), &spec, &plan)
        .await
        .unwrap();
    assert_eq!(cells.len(), 2, "{cells:#?}");
    let v1 = &cells[0];
    assert_eq!(v1.region.as_deref(), Some("33.75.01.1012"));
    assert_eq!(v1.int("rows"), Some(4));
    assert_eq!(v1.int("activities"), Some(2));
    assert_eq!(v1.int("people"), Some(26));
    assert_eq!(v1.number("mean"), Some(6.5));
    assert_eq!(
        v1.number("median"),
        Some(6.5),
        "even group: mean of 6 and 7"
    );
    assert_eq!(
        v1.rate("women"),
        Some(Rate {
            numerator: 3,
            denominator: 4,
            percent: Some(75.0)
        })
    );
    let v2 = &cells[1];
    assert_eq!(v2.region.as_deref(), Some("33.75.02.1001"));
    assert_eq!(v2.number("median"), Some(2.0));
    assert_eq!(v2.int("people"), Some(2));

    // By sex and month: the median of an odd group (4, 6, 9 in... March has 4, 6 and 2).
    let plan = GroupPlan::new(
        &admin,
        &filter,
        &[StatsDimension::Sex, StatsDimension::Month],
        &[],
    )
    .unwrap()
    .unwrap();
    let cells = grouped(db, &admin, Disclosure::default(), &spec, &plan)
        .await
        .unwrap();
    let march_women = cells
        .iter()
        .find(|c| c.sex.as_deref() == Some("P") && c.period.as_deref() == Some("2026-03"))
        .unwrap();
    assert_eq!(march_women.int("rows"), Some(3));
    assert_eq!(march_women.number("median"), Some(4.0));
    assert_eq!(march_women.number("mean"), Some(4.0));

    // A dashboard: groups of fewer than 5 people are withheld, once, with every measure.
    let dash = Actor::new(
        "d",
        Role::Dashboard,
        Scope::new("33.75").unwrap(),
        Credential::Anonymous,
    );
    let plan = GroupPlan::new(&dash, &filter, &[StatsDimension::Village], &[])
        .unwrap()
        .unwrap();
    let cells = grouped(db, &dash, Disclosure::default(), &spec, &plan)
        .await
        .unwrap();
    assert_eq!(cells.len(), 2);
    assert!(!cells[0].suppressed && cells[0].int("people") == Some(26));
    assert!(cells[1].suppressed && cells[1].values.is_empty());
}

/// The rows of one statistics answer as (key without the region, region, count, suppressed).
fn rows(data: &Value, field: &str, count: &str) -> Vec<(String, String, Option<i64>)> {
    data[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let key = format!("{}|{}", r["sex"], r["period"]);
            (
                key,
                r["region"]["code"].as_str().unwrap_or("").to_owned(),
                r[count].as_i64(),
            )
        })
        .collect()
}

/// A total grouping, its breakdown, and how a breakdown row's region maps to its total's.
type Pair = (&'static str, &'static str, fn(&str) -> String);

/// Differencing attacks a DASHBOARD could try on the demo data: ask a total (a parent region, or
/// no split by sex) and its breakdown, subtract the visible parts. Wherever the breakdown withholds
/// anything, what the subtraction leaves must be at least two withheld cells counting at least the
/// threshold together, so no single withheld cell is recovered.
#[tokio::test]
async fn a_dashboard_cannot_recover_a_withheld_cell_by_subtraction() {
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let dash = t.token(Role::Dashboard, "33.75");
    let threshold = 5;
    let year = r#"{ from: "2026-01-01", to: "2026-12-31" }"#;
    let stunting = |g: &str| {
        format!(
            "{{ stuntingStatistics(filter: {year}, groupBy: [{g}]) {{ region {{ code }} sex period childrenMeasured suppressed }} }}"
        )
    };
    let ketahanan = |g: &str| {
        format!(
            "{{ ketahananStatistics(filter: {year}, groupBy: [{g}]) {{ region {{ code }} sex period familiesAssessed suppressed }} }}"
        )
    };
    let mut withheld_seen = 0;
    for (field, count, query) in [
        (
            "stuntingStatistics",
            "childrenMeasured",
            &stunting as &dyn Fn(&str) -> String,
        ),
        ("ketahananStatistics", "familiesAssessed", &ketahanan),
    ] {
        let pairs: [Pair; 4] = [
            ("DISTRICT", "VILLAGE", |r| r[..8].to_owned()),
            ("REGENCY", "DISTRICT", |r| r[..5].to_owned()),
            ("DISTRICT, SEX", "VILLAGE, SEX", |r| r[..8].to_owned()),
            ("VILLAGE", "VILLAGE, SEX", |r| r.to_owned()),
        ];
        for (total_g, parts_g, parent) in pairs {
            let totals = rows(&t.ok(&dash, &query(total_g), json!({})).await, field, count);
            let parts = rows(&t.ok(&dash, &query(parts_g), json!({})).await, field, count);
            let by_sex = total_g.contains("SEX") == parts_g.contains("SEX");
            for (tkey, tregion, tcount) in &totals {
                let Some(total) = tcount else { continue };
                let members: Vec<&Option<i64>> = parts
                    .iter()
                    .filter(|(k, r, _)| parent(r) == *tregion && (!by_sex || k == tkey))
                    .map(|(_, _, c)| c)
                    .collect();
                let hidden = members.iter().filter(|c| c.is_none()).count();
                if hidden == 0 {
                    continue;
                }
                withheld_seen += hidden;
                let visible: i64 = members.iter().filter_map(|c| **c).sum();
                assert!(
                    hidden >= 2 && total - visible >= threshold,
                    "{field} {parts_g} under {tregion} {tkey}: total {total}, visible {visible}, {hidden} withheld"
                );
            }
        }
    }
    assert!(
        withheld_seen > 0,
        "the demo data withholds something to attack"
    );
}

/// People registered in one village of Pekalongan in 2026, by month: quarters of 10, 9, 8 and 2.
const REGISTERED: [(u32, usize); 8] = [
    (1, 5),
    (2, 5),
    (4, 6),
    (5, 2),
    (6, 1),
    (7, 8),
    (10, 1),
    (11, 1),
];

async fn registered_people(t: &TestApp) {
    for (month, n) in REGISTERED {
        for i in 0..n {
            let day = chrono::NaiveDate::from_ymd_opt(2026, month, 1 + i as u32).unwrap();
            keluarga_test_support::fixtures::PersonBuilder::in_village("33.75.01.1012")
                .registered(day)
                .insert(&t.app())
                .await;
        }
    }
}

/// The count of people registered in `period` (a label) as `tok` sees it; `None` when withheld.
async fn registered_in(t: &TestApp, tok: &As, period: &str) -> Option<i64> {
    let (from, to) = keluarga_core::stats::parse_period(period).unwrap();
    let q = format!(
        r#"{{ registryStatistics(measure: PERSONS, filter: {{ regionCode: "33.75", from: "{from}", to: "{to}" }}) {{ count suppressed }} }}"#
    );
    let rows = t.ok(tok, &q, json!({})).await["registryStatistics"].clone();
    let row = &rows.as_array().unwrap()[0];
    assert_eq!(row["suppressed"], json!(row["count"].is_null()), "{row}");
    row["count"].as_i64()
}

/// A DASHBOARD asks for the year and for each quarter (or a quarter and each of its months) one
/// at a time, and subtracts: the periods withheld are always at least two and count at least the
/// threshold together. Windows that overlap in part are refused; counts round when configured.
#[tokio::test]
async fn periods_cannot_be_differenced_and_counts_can_be_rounded() {
    let t = TestApp::new().await;
    registered_people(&t).await;
    let dash = t.token(Role::Dashboard, "33.75");
    let admin = t.token(Role::Admin, "");
    assert_eq!(registered_in(&t, &admin, "2026").await, Some(29));
    assert_eq!(registered_in(&t, &admin, "2026-Q4").await, Some(2));

    // The year minus the quarters shown.
    let year = registered_in(&t, &dash, "2026").await.unwrap();
    let mut quarters = Vec::new();
    for q in 1..=4 {
        quarters.push(registered_in(&t, &dash, &format!("2026-Q{q}")).await);
    }
    assert_eq!(quarters[3], None, "2 people is below the threshold");
    let withheld = quarters.iter().filter(|q| q.is_none()).count();
    let visible: i64 = quarters.iter().flatten().sum();
    assert!(
        withheld >= 2 && year - visible >= 5,
        "year {year}, quarters {quarters:?}"
    );
    // A quarter minus its months shown (Q2: 6, 2 and 1).
    let q2 = registered_in(&t, &dash, "2026-Q2").await;
    let mut months = Vec::new();
    for m in [4, 5, 6] {
        months.push(registered_in(&t, &dash, &format!("2026-{m:02}")).await);
    }
    assert_eq!(
        months,
        [None, None, None],
        "April (6) would give away May and June (3)"
    );
    assert!(q2.is_some() || quarters[1].is_none());

    // The same hold when one query groups by month: a month's margin is its quarter.
    let by_month = t
        .ok(
            &dash,
            r#"{ registryStatistics(measure: PERSONS, filter: { regionCode: "33.75", from: "2026-01-01", to: "2026-12-31" }, groupBy: [MONTH]) { period count } }"#,
            json!({}),
        )
        .await;
    let april = by_month["registryStatistics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["period"] == "2026-04")
        .cloned()
        .unwrap();
    assert_eq!(april["count"], json!(null), "{by_month}");

    // Two windows that overlap in part (the year, and the year but its last day) are refused to
    // a role without record access, and answered to one with it.
    let partial = r#"{ registryStatistics(measure: PERSONS, filter: { regionCode: "33.75", from: "2026-01-01", to: "2026-12-30" }) { count } }"#;
    let refused = t.gql(&dash, partial, json!({})).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "filter.from",
        "{refused}"
    );
    let open_ended = r#"{ registryStatistics(measure: PERSONS, filter: { regionCode: "33.75", from: "2026-01-01" }) { count } }"#;
    let refused = t.gql(&dash, open_ended, json!({})).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    let answered = t.ok(&admin, partial, json!({})).await;
    assert_eq!(answered["registryStatistics"][0]["count"], 29);

    // Rounded to 5 for the dashboard, exact for ADMIN.
    let mut cfg = crate::helpers::config();
    cfg.statistics.rounding_base = 5;
    let rounded = TestApp::on(t.db, cfg);
    let dash = rounded.token(Role::Dashboard, "33.75");
    assert_eq!(registered_in(&rounded, &dash, "2026").await, Some(30));
    assert_eq!(registered_in(&rounded, &dash, "2026-Q1").await, Some(10));
    let admin = rounded.token(Role::Admin, "");
    assert_eq!(registered_in(&rounded, &admin, "2026").await, Some(29));
}
