//! Operation control per role (`[graphql.roles.<ROLE>]`): each limit refuses with
//! QUERY_TOO_COMPLEX naming what was measured, the operation's value and the role's limit,
//! while a role without overrides keeps the global limits.

use keluarga_core::Role;
use keluarga_gateway::config::RoleLimits;
use serde_json::{Value, json};

use crate::helpers::{TestApp, code, config};

fn limited() -> keluarga_gateway::config::Config {
    let mut cfg = config();
    cfg.graphql.roles.insert(
        "DASHBOARD".to_owned(),
        RoleLimits {
            max_depth: Some(8),
            max_complexity: Some(200),
            max_aliases: Some(2),
            max_root_fields: Some(3),
            max_page_size: Some(10),
            operation_timeout_ms: None,
            statement_timeout_ms: None,
        },
    );
    cfg.graphql.roles.insert(
        "ANALYST".to_owned(),
        RoleLimits {
            operation_timeout_ms: Some(1),
            ..RoleLimits::default()
        },
    );
    cfg
}

fn refusal(body: &Value) -> (&str, u64, u64, &str) {
    let x = &body["errors"][0]["extensions"];
    assert_eq!(code(body), "QUERY_TOO_COMPLEX", "{body}");
    (
        x["measure"].as_str().unwrap_or(""),
        x["cost"].as_u64().unwrap_or(0),
        x["limit"].as_u64().unwrap_or(0),
        x["role"].as_str().unwrap_or(""),
    )
}

#[tokio::test]
async fn each_role_runs_under_its_own_limits() {
    let t = TestApp::with(limited()).await;
    let dash = t.token(Role::Dashboard, "33");
    let admin = t.token(Role::Admin, "");

    // Complexity: 10 regions with 10 children each cost more than DASHBOARD's 200; ADMIN
    // (global limits) runs the same query.
    let wide = "{ regions(first: 10) { edges { node { code name children(first: 10) { edges { node { code name } } } } } } }";
    let body = t.gql(&dash, wide, json!({})).await;
    let (measure, cost, limit, role) = refusal(&body);
    assert_eq!((measure, limit, role), ("complexity", 200, "DASHBOARD"));
    assert!(cost > 200, "the computed cost is shown: {body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&cost.to_string())
    );
    assert!(t.gql(&admin, wide, json!({})).await.get("errors").is_none());

    // Depth: eleven levels for a limit of eight.
    let deep = "{ region(code: \"33\") { children(first: 1) { edges { node { children(first: 1) { edges { node { children(first: 1) { edges { node { code } } } } } } } } } } }";
    let body = t.gql(&dash, deep, json!({})).await;
    let (measure, cost, limit, _) = refusal(&body);
    assert_eq!(measure, "depth");
    assert!(cost > 8 && limit == 8, "depth {cost} against {limit}");
    assert!(t.gql(&admin, deep, json!({})).await.get("errors").is_none());

    // Aliases: three for a limit of two.
    let aliased = "{ a: me { role } b: me { role } c: me { role } }";
    assert_eq!(
        refusal(&t.gql(&dash, aliased, json!({})).await),
        ("aliases", 3, 2, "DASHBOARD")
    );
    // Root fields: four (through a fragment too) for a limit of three.
    let roots = "query { __typename ...more } fragment more on Query { me { role } regions(first: 1) { totalCount } region(code: \"33\") { code } }";
    assert_eq!(
        refusal(&t.gql(&dash, roots, json!({})).await),
        ("rootFields", 4, 3, "DASHBOARD")
    );
    assert!(
        t.gql(&admin, roots, json!({}))
            .await
            .get("errors")
            .is_none()
    );
    // Three root fields are allowed.
    let three = "{ __typename me { role } region(code: \"33\") { code } }";
    assert!(t.gql(&dash, three, json!({})).await.get("errors").is_none());

    // Page size: DASHBOARD's largest page is 10; the global 100 still holds for ADMIN.
    let page = "{ regions(first: 11) { totalCount } }";
    let body = t.gql(&dash, page, json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 10")
    );
    assert!(t.gql(&admin, page, json!({})).await.get("errors").is_none());
}

#[tokio::test]
async fn an_operation_past_its_roles_time_is_cut_off() {
    let t = TestApp::with(limited()).await;
    // ANALYST may run for 1 ms: 40 regions with their children take longer (two statements
    // and some 1,600 objects in a test build).
    let analyst = t.token(Role::Analyst, "");
    let long = "{ regions(first: 40) { edges { node { name children(first: 40) { totalCount edges { node { name } } } } } } }";
    let body = t.gql(&analyst, long, json!({})).await;
    let (measure, _, limit, role) = refusal(&body);
    assert_eq!((measure, limit, role), ("durationMs", 1, "ANALYST"));
    assert!(
        body["data"].is_null(),
        "nothing of the cut-off operation is returned"
    );
    // Other roles are not cut off.
    let admin = t.token(Role::Admin, "");
    assert!(t.gql(&admin, long, json!({})).await.get("errors").is_none());
}

#[test]
fn an_unknown_role_in_the_limits_is_a_configuration_error() {
    let mut cfg = config();
    cfg.graphql
        .roles
        .insert("DASHBORD".to_owned(), RoleLimits::default());
    let err = keluarga_gateway::limits::RoleTable::from_config(&cfg.graphql, 0)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("graphql.roles.DASHBORD"), "{err}");
}

/// A role's statement timeout (`graphql.roles.<ROLE>.statement_timeout_ms`, PostgreSQL): its
/// statements run on a pool of their own and are cancelled when they pass it, at the root, in a
/// loader and in a write (which then writes nothing), while another role's statements wait on.
/// A lock held on a table makes the statements wait as long as the test needs, with no timing.
#[tokio::test]
async fn a_role_statement_timeout_cancels_that_role_statements_only() {
    use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};
    let mut cfg = config();
    cfg.graphql.roles.insert(
        "OPERATOR".to_owned(),
        RoleLimits {
            statement_timeout_ms: Some(300),
            ..RoleLimits::default()
        },
    );
    let t = TestApp::with(cfg).await;
    if t.db.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        eprintln!("skipped: SQLite has no statement timeout");
        return;
    }
    let birth = chrono::NaiveDate::from_ymd_opt(2025, 1, 10).unwrap();
    let c = crate::stunting::child(
        &t,
        "33.75.01.1012",
        keluarga_core::stats::Sex::Female,
        birth,
    )
    .await;
    let op = t.token(Role::Operator, "33.75");
    let admin = t.token(Role::Admin, "");
    let list = "{ children(first: 5) { edges { node { id latestMeasurement { measuredOn } } } } }";
    let measurements = || stunting::entity::measurement::Entity::find().count(&t.db.db);

    let cancelled = |body: &Value| {
        let (measure, cost, limit, role) = refusal(body);
        assert_eq!(
            (measure, cost, limit, role),
            ("statementTimeoutMs", 300, 300, "OPERATOR"),
            "{body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains("statement timeout"), "{body}");
        assert!(
            !message.contains("canceling"),
            "no database message: {body}"
        );
    };

    for (table, query, vars) in [
        // The root field's statement.
        ("child", list, json!({})),
        // A loader's statement (the children are read, their measurements wait).
        ("measurement", list, json!({})),
        // A write: cancelled inside its transaction.
        (
            "measurement",
            "mutation($i: RecordMeasurementInput!) { recordMeasurement(input: $i) { id } }",
            json!({ "i": { "childId": c, "measuredOn": "2026-11-01",
                           "weightKg": 9.5, "lengthCm": 76.0 } }),
        ),
    ] {
        let lock = t.db.db.begin().await.unwrap();
        lock.execute_unprepared(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            .await
            .unwrap();
        // ADMIN has the pool's own timeout (none on the test database): its statement waits
        // for the lock, and is answered once the lock is released after OPERATOR's answer.
        let waiting = t.gql(&admin, list, json!({}));
        let refused = async {
            // Without its own timeout OPERATOR's statement would wait for the lock for ever:
            // the guard turns that into a failure instead of a hung test.
            let body = tokio::time::timeout(
                std::time::Duration::from_secs(60),
                t.gql(&op, query, vars.clone()),
            )
            .await
            .expect("OPERATOR's statement was not cancelled at its timeout");
            lock.rollback().await.unwrap();
            body
        };
        let (served, body) = tokio::join!(waiting, refused);
        cancelled(&body);
        assert!(served.get("errors").is_none(), "{served}");
        assert_eq!(served["data"]["children"]["edges"][0]["node"]["id"], c);
    }
    assert_eq!(
        measurements().await.unwrap(),
        0,
        "the cancelled write wrote nothing"
    );

    // Without the lock OPERATOR's operations run as before, on its own pool.
    let body = t
        .gql(
            &op,
            "mutation($i: RecordMeasurementInput!) { recordMeasurement(input: $i) { id } }",
            json!({ "i": { "childId": c, "measuredOn": "2026-11-01",
                           "weightKg": 9.5, "lengthCm": 76.0 } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(measurements().await.unwrap(), 1);
    let body = t.gql(&op, list, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["children"]["edges"][0]["node"]["latestMeasurement"]["measuredOn"],
        "2026-11-01"
    );
}
