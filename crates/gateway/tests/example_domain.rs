//! The example domain of `docs/architecture.md`, built in through its feature, works end to end:
//! its migration runs, its list, node, Region facet and statistic answer, scope holds and small
//! counts are suppressed. Run with
//! `cargo test -p keluarga-gateway --no-default-features --features example-domain --test example_domain`.

#![cfg(feature = "example-domain")]
#![expect(clippy::unwrap_used, reason = "test")]

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use keluarga_core::{Role, Scope};
use keluarga_gateway::config::Config;
use keluarga_gateway::{Migrator, auth, router, startup};
use sea_orm::{ConnectionTrait, Database, Statement};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn gql(
    state: &keluarga_gateway::AppState,
    cfg: &Config,
    role: Role,
    scope: &str,
    query: &str,
) -> Value {
    let token = auth::sign_token(cfg, "t", role, &Scope::new(scope).unwrap(), 60).unwrap();
    let req = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap();
    let resp = router(state.clone()).oneshot(req).await.unwrap();
    serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap()
}

#[tokio::test]
async fn the_example_domain_plugs_in_through_the_list() {
    let dir = std::env::temp_dir().join(format!("kg-example-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/k.sqlite?mode=rwc", dir.display());
    let db = Database::connect(&url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    // Pekalongan: two villages with 7 and 2 visitors; Jakarta Pusat: one with 9.
    for (code, day, n) in [
        ("33.75.01.1012", "2026-03-01", 4),
        ("33.75.01.1012", "2026-04-01", 3),
        ("33.75.02.1001", "2026-03-01", 2),
        ("31.71.01.1001", "2026-03-01", 9),
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO example_visit (id, region_code, visited_on, visitors) VALUES (?, ?, ?, ?)",
            [
                uuid::Uuid::now_v7().into(),
                code.into(),
                day.parse::<chrono::NaiveDate>().unwrap().into(),
                n.into(),
            ],
        ))
        .await
        .unwrap();
    }
    let mut cfg = Config::default();
    cfg.auth.jwt_secret = Some("example".into());
    let state = startup::state(&cfg, db).unwrap();

    // The list, in scope only, and a node.
    let data = gql(
        &state,
        &cfg,
        Role::Operator,
        "33.75",
        "{ exampleVisits { totalCount edges { node { id visitors region { code } } } } }",
    )
    .await;
    assert_eq!(data["data"]["exampleVisits"]["totalCount"], 3, "{data:#}");
    let id = data["data"]["exampleVisits"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = format!("{{ node(id: \"{id}\") {{ ... on ExampleVisit {{ visitors }} }} }}");
    let mine = gql(&state, &cfg, Role::Operator, "33.75", &q).await;
    assert!(mine["data"]["node"]["visitors"].is_number(), "{mine:#}");
    let theirs = gql(&state, &cfg, Role::Operator, "31.71", &q).await;
    assert_eq!(theirs["data"]["node"], Value::Null, "{theirs:#}");

    // The facet over a list of regions, for a dashboard: 2 visitors are below the threshold, and
    // the 7 of the other kecamatan are withheld with them (the city's 9 minus 7 would give 2).
    let data = gql(
        &state,
        &cfg,
        Role::Dashboard,
        "33.75",
        r#"{ region(code: "33.75") { children(first: 5) { edges { node { code example { visitors } } } } } }"#,
    )
    .await;
    let edges = data["data"]["region"]["children"]["edges"]
        .as_array()
        .unwrap();
    let visitors = |code: &str| {
        edges.iter().find(|e| e["node"]["code"] == code).unwrap()["node"]["example"]["visitors"]
            .clone()
    };
    assert_eq!(visitors("33.75.01"), Value::Null, "{data:#}");
    assert_eq!(visitors("33.75.02"), Value::Null);
    let city = gql(
        &state,
        &cfg,
        Role::Dashboard,
        "33.75",
        r#"{ region(code: "33.75") { example { visitors } } }"#,
    )
    .await;
    assert_eq!(city["data"]["region"]["example"]["visitors"], 9, "{city:#}");

    // The statistic in core's convention, by village and month.
    let data = gql(
        &state,
        &cfg,
        Role::Admin,
        "",
        "{ exampleStatistics(groupBy: [VILLAGE]) { regionCode days visitors meanVisitors suppressed } }",
    )
    .await;
    let rows = data["data"]["exampleStatistics"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{data:#}");
    assert_eq!(rows[1]["regionCode"], "33.75.01.1012");
    assert_eq!(rows[1]["days"], 2);
    assert_eq!(rows[1]["meanVisitors"], 3.5);
    let _ = std::fs::remove_dir_all(dir);
}
