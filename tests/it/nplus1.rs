//! The number of SQL statements of a nested query does not grow with the number of rows.

use std::sync::atomic::Ordering;

use keluarga_core::Role;
use keluarga_test_support::TestDb;
use serde_json::json;

use crate::helpers::{TestApp, config};

const NESTED: &str = r#"query($n: Int) { region(code: "33") { name children(first: $n) { edges { node { code name
    children(first: $n) { edges { node { code name children(first: $n) { edges { node { code name } } } } } } } } } } }"#;

#[tokio::test]
async fn nested_region_query_costs_the_same_for_more_rows() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    let tok = t.token(Role::Admin, "");
    let mut costs = Vec::new();
    let mut rows = Vec::new();
    for n in [2, 8, 20] {
        count.store(0, Ordering::SeqCst);
        let data = t.ok(&tok, NESTED, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
        let regencies = data["region"]["children"]["edges"].as_array().unwrap();
        let villages: usize = regencies
            .iter()
            .flat_map(|r| r["node"]["children"]["edges"].as_array().unwrap())
            .map(|d| d["node"]["children"]["edges"].as_array().unwrap().len())
            .sum();
        rows.push(villages);
    }
    assert!(
        rows[0] < rows[1] && rows[1] < rows[2],
        "more rows each time: {rows:?}"
    );
    assert_eq!(
        costs[0], costs[1],
        "statements: {costs:?} for villages {rows:?}"
    );
    assert_eq!(
        costs[1], costs[2],
        "statements: {costs:?} for villages {rows:?}"
    );
    assert!(costs[0] <= 6, "one query per level: {costs:?}");
}
