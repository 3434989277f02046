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

const LIST_PAGE: &str = r#"query($n: Int) { children(first: $n) { edges { node { id person { fullName }
    latestMeasurement { measuredOn heightForAge { z } } } } } }"#;

/// The OPERATOR list page (children with their names and latest measurement) runs the same
/// statements for 5, 20 and 50 children, and each child's latest measurement is the newest of
/// its measurements as `Child.measurements` lists them.
#[tokio::test]
async fn the_list_page_costs_the_same_for_more_children() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let tok = t.token(Role::Operator, "31.71");
    let mut costs = Vec::new();
    for n in [5, 20, 50] {
        count.store(0, Ordering::SeqCst);
        let data = t.ok(&tok, LIST_PAGE, json!({ "n": n })).await;
        costs.push(count.load(Ordering::SeqCst));
        let edges = data["children"]["edges"].as_array().unwrap();
        assert_eq!(
            edges.len(),
            n as usize,
            "the demo city has more than 50 children"
        );
        assert!(
            edges
                .iter()
                .all(|e| e["node"]["person"]["fullName"].is_string()),
            "every child has its name"
        );
    }
    // Equal for 50 too: a batch starts only once the request has asked for every key of its
    // level (`loaders::drive`), so a page of more than 30 nodes, resolved through
    // FuturesOrdered (which yields part-way), costs what a page of 5 does.
    assert_eq!(costs[0], costs[1], "statements for 5, 20, 50: {costs:?}");
    assert_eq!(costs[1], costs[2], "statements for 5, 20, 50: {costs:?}");
    // children, persons, latest measurements (the audit entries are written apart).
    assert!(costs[0] <= 3, "one statement per level: {costs:?}");
    let data = t
        .ok(
            &tok,
            r#"{ children(first: 50) { edges { node { latestMeasurement { measuredOn }
                measurements { measuredOn } } } } }"#,
            json!({}),
        )
        .await;
    let mut with = 0;
    for e in data["children"]["edges"].as_array().unwrap() {
        let all: Vec<&str> = e["node"]["measurements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["measuredOn"].as_str().unwrap())
            .collect();
        let latest = e["node"]["latestMeasurement"]["measuredOn"].as_str();
        assert_eq!(latest, all.iter().copied().max(), "{e}");
        with += usize::from(latest.is_some());
    }
    assert!(with > 40, "most demo children are measured: {with}");
    // Preloaded by the page (`stunting::preload_children`) or loaded child by child through
    // the DataLoaders (`nodes`): the same names and latest measurements.
    let page = t.ok(&tok, LIST_PAGE, json!({ "n": 50 })).await;
    let nodes: Vec<serde_json::Value> = page["children"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let ids: Vec<serde_json::Value> = nodes.iter().map(|n| n["id"].clone()).collect();
    let alone = t
        .ok(
            &tok,
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { ... on Child { id person { fullName }
                latestMeasurement { measuredOn heightForAge { z } } } } }"#,
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(serde_json::Value::Array(nodes), alone["nodes"]);
}

/// `/metrics` reports the statements each operation sent (`graphql_operation_statements`): the
/// same number the database saw, for the nested region query.
#[tokio::test]
async fn statements_per_operation_are_a_metric() {
    let (db, count) = TestDb::counting().await;
    let t = TestApp::on(db, config());
    let tok = t.token(Role::Admin, "");
    let named = NESTED.replacen("query(", "query StatementsProbe(", 1);
    count.store(0, Ordering::SeqCst);
    t.ok(&tok, &named, json!({ "n": 8 })).await;
    let sent = count.load(Ordering::SeqCst);
    assert!(sent >= 3, "a query per level at least: {sent}");
    let (status, body, _) = t
        .send(
            axum::http::Request::get("/metrics")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let text = body.as_str().unwrap();
    let sum = text
        .lines()
        .find_map(|l| {
            l.strip_prefix(r#"graphql_operation_statements_sum{operation="StatementsProbe"} "#)
        })
        .unwrap_or_else(|| panic!("no statements of StatementsProbe in {text}"));
    assert_eq!(sum.trim().parse::<f64>().unwrap(), sent as f64, "{text}");
}

/// The `children` page a region answers on its own (`region(code:)`), for comparison with the
/// page its parent's page preloaded for it.
async fn children_alone(
    t: &TestApp,
    tok: &crate::helpers::As,
    code: &str,
    first: i64,
    after: Option<&str>,
) -> serde_json::Value {
    let data = t
        .ok(
            tok,
            r#"query($code: String!, $first: Int, $after: String) { region(code: $code) {
                children(first: $first, after: $after) { edges { cursor node { code name } }
                pageInfo { hasNextPage } } } }"#,
            json!({ "code": code, "first": first, "after": after }),
        )
        .await;
    data["region"]["children"].clone()
}

/// A nested `children` selection: its alias, its `first`, and whether it passes `after`.
type Nested = (&'static str, i64, bool);

/// A page of regions reads its regions' `children` pages in one batch when its nodes select
/// `children` with one shape (`docs/architecture.md`, "Preloading"), and falls back to each
/// region's loader when the aliases ask for different shapes. Either way every region answers
/// what it answers on its own: for cursors and `after`, variables, aliases, and a scope that
/// shows only the way down to it.
#[tokio::test]
async fn preloaded_children_pages_are_what_each_region_answers() {
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    // A cursor inside the first regency's districts: `after` applies to every regency's page.
    let first_regency = t
        .ok(
            &admin,
            r#"{ region(code: "33") { children(first: 1) { edges { node { code
                children(first: 1) { edges { cursor } } } } } } }"#,
            json!({}),
        )
        .await;
    let regency = &first_regency["region"]["children"]["edges"][0]["node"];
    // The rows are decoded as sea-orm's derived decoder reads them.
    {
        use keluarga_core::entity::region;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
        let code = regency["code"].as_str().unwrap();
        let stored: Vec<(String, String)> = region::Entity::find()
            .filter(region::Column::ParentCode.eq(code))
            .order_by_asc(region::Column::Code)
            .limit(3)
            .all(&t.db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect();
        let alone = children_alone(&t, &admin, code, 3, None).await;
        let served: Vec<(String, String)> = alone["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let n = &e["node"];
                (
                    n["code"].as_str().unwrap().into(),
                    n["name"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(served, stored);
        assert_eq!(stored.len(), 3);
    }
    let cursor = regency["children"]["edges"][0]["cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let shapes: [(&str, &[Nested]); 3] = [
        // One shape, with variables and `after`: preloaded.
        (
            r#"a: children(first: $three, after: $after) { edges { cursor node { code name } } pageInfo { hasNextPage } }"#,
            &[("a", 3, true)],
        ),
        // Two aliases of one shape: the first takes the preloaded page, the second loads.
        (
            r#"a: children(first: 2) { edges { cursor node { code name } } pageInfo { hasNextPage } }
               b: children(first: 2) { edges { cursor node { code name } } pageInfo { hasNextPage } }"#,
            &[("a", 2, false), ("b", 2, false)],
        ),
        // Two shapes: nothing preloaded, both load.
        (
            r#"a: children(first: 2) { edges { cursor node { code name } } pageInfo { hasNextPage } }
               b: children(first: 5) { edges { cursor node { code name } } pageInfo { hasNextPage } }"#,
            &[("a", 2, false), ("b", 5, false)],
        ),
    ];
    for (role, scope) in [
        (Role::Admin, ""),
        (Role::Analyst, "33"),
        (Role::Operator, "33.75.01"),
    ] {
        let tok = t.token(role, scope);
        for (selection, fields) in &shapes {
            let defs = match selection.contains("$after") {
                true => "($three: Int, $after: String)",
                false => "",
            };
            let q = format!(
                r#"query{defs} {{ region(code: "33") {{ children(first: 4) {{
                    edges {{ node {{ code {selection} }} }} }} }} }}"#
            );
            let vars = match defs.is_empty() {
                true => json!({}),
                false => json!({ "three": 3, "after": cursor }),
            };
            let data = t.ok(&tok, &q, vars).await;
            let regencies = data["region"]["children"]["edges"].as_array().unwrap();
            assert!(!regencies.is_empty(), "{role:?} {scope}: {data}");
            if scope == "33.75.01" {
                assert_eq!(regencies.len(), 1, "only the way down: {data}");
            }
            let mut districts = 0;
            for r in regencies {
                let code = r["node"]["code"].as_str().unwrap();
                for (alias, first, with_after) in fields.iter() {
                    let after = with_after.then_some(cursor.as_str());
                    let alone = children_alone(&t, &tok, code, *first, after).await;
                    assert_eq!(r["node"][alias], alone, "{role:?} {scope} {code} {alias}");
                    districts += alone["edges"].as_array().unwrap().len();
                }
            }
            assert!(districts > 0, "{role:?} {scope}: {data}");
        }
    }
}
