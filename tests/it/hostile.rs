//! Hostile input: documents and inputs built so that the gateway's work would grow with what the
//! client sent (a chain of fragments that overflowed a worker's stack, fragments that double at
//! each level, deep nesting, wide documents, long search strings, totals past 2^53 − 1, loose
//! dates, negative versions, an oversized multipart field). Each is answered with a coded error
//! by a bound of the gateway (the refusal names the measure and its limit), nothing is written,
//! and the gateway goes on serving. These run on every CI run, on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use keluarga_core::Role;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, config};

/// A chain of `n` fragments each spreading the next, the last selecting `__typename`.
fn chain(n: usize) -> String {
    let mut doc = String::from("query { ...F0 }");
    for i in 0..n {
        doc.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
    }
    doc.push_str(&format!(" fragment F{n} on Query {{ __typename }}"));
    doc
}

/// Fragments on `Region` each spreading the previous one twice, `n` levels.
fn doubling(n: usize) -> String {
    let mut doc =
        format!(r#"{{ region(code: "33") {{ ...L{n} }} }} fragment L0 on Region {{ code name }}"#);
    for i in 1..=n {
        doc.push_str(&format!(
            " fragment L{i} on Region {{ ...L{p} ...L{p} }}",
            p = i - 1
        ));
    }
    doc
}

/// The refusal's (measure, cost, limit, role) when it is QUERY_TOO_COMPLEX.
fn refusal(body: &Value) -> (String, u64, u64, Option<String>) {
    assert_eq!(code(body), "QUERY_TOO_COMPLEX", "{body:#}");
    let x = &body["errors"][0]["extensions"];
    (
        x["measure"].as_str().unwrap_or("").to_owned(),
        x["cost"].as_u64().unwrap_or(0),
        x["limit"].as_u64().unwrap_or(0),
        x["role"].as_str().map(str::to_owned),
    )
}

/// The gateway still answers.
async fn still_serving(t: &TestApp) {
    let admin = t.token(Role::Admin, "");
    assert_eq!(
        t.ok(&admin, "{ me { role } }", json!({})).await["me"]["role"],
        "ADMIN"
    );
}

#[tokio::test]
async fn a_long_chain_of_fragments_is_refused_before_anything_walks_it() {
    let t = TestApp::new().await;
    // The issue's crash: 15,000 fragments, about 400 KB, no token. Refused on its text.
    let body = t.gql(&As::Anonymous, &chain(15_000), json!({})).await;
    let (measure, cost, limit, role) = refusal(&body);
    assert_eq!((measure.as_str(), limit, role), ("tokens", 10_000, None));
    assert_eq!(
        cost, 10_001,
        "the scan stops at the first token past the limit"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 10000"),
        "{body}"
    );
    // A short chain within the token limit: refused by its spread depth.
    let admin = t.token(Role::Admin, "");
    let body = t.gql(&admin, &chain(20), json!({})).await;
    assert_eq!(
        refusal(&body),
        ("fragmentDepth".to_owned(), 21, 16, None),
        "{body}"
    );
    // Too many fragments, each harmless.
    let mut many = String::from("{ __typename }");
    for i in 0..201 {
        many.push_str(&format!(" fragment f{i} on Query {{ __typename }}"));
    }
    let body = t.gql(&admin, &many, json!({})).await;
    assert_eq!(
        refusal(&body),
        ("fragments".to_owned(), 201, 200, None),
        "{body}"
    );
    // And within the limits, a chain runs.
    assert_eq!(
        t.ok(&admin, &chain(10), json!({})).await["__typename"],
        "Query"
    );
    still_serving(&t).await;

    // With the text limits raised, the 15,000-long chain is still measured without recursion
    // and refused by its depth: nothing recursive walked it.
    let mut cfg = config();
    cfg.graphql.max_tokens = 1_000_000;
    cfg.graphql.max_fragments = 100_000;
    let t = TestApp::with(cfg).await;
    let body = t.gql(&As::Anonymous, &chain(15_000), json!({})).await;
    assert_eq!(
        refusal(&body),
        ("fragmentDepth".to_owned(), 15_001, 16, None),
        "{body}"
    );
    still_serving(&t).await;
}

#[tokio::test]
async fn fragments_that_double_are_measured_once_each_and_refused() {
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    // The issue's 24 levels (2^24 fields once expanded): refused by the spread chain, anonymous
    // or not, before validation.
    for who in [&As::Anonymous, &admin] {
        let body = t.gql(who, &doubling(24), json!({})).await;
        assert_eq!(
            refusal(&body),
            ("fragmentDepth".to_owned(), 25, 16, None),
            "{body}"
        );
    }
    // 12 levels are within the chain limit but expand to 4 * 2^12 selections.
    let body = t.gql(&admin, &doubling(12), json!({})).await;
    let (measure, cost, limit, _) = refusal(&body);
    assert_eq!((measure.as_str(), limit), ("selections", 5_000));
    // L0 is 2, L(i) is 2 + 2 L(i-1): 4 * 2^12 - 2; the operation adds its field and spread.
    assert_eq!(
        cost,
        (4 << 12) - 2 + 2,
        "each fragment expanded once: {body}"
    );
    // 8 levels: 1,024 selections, validated and run.
    let data = t.ok(&admin, &doubling(8), json!({})).await;
    assert_eq!(data["region"]["name"], "Jawa Tengah", "{data}");
    // Raised by configuration, the same document passes this bound and meets the next.
    let mut cfg = config();
    cfg.graphql.max_selections = 100_000;
    let t = TestApp::with(cfg).await;
    let admin = t.token(Role::Admin, "");
    let data = t.ok(&admin, &doubling(12), json!({})).await;
    assert_eq!(data["region"]["code"], "33");
    still_serving(&t).await;
}

#[tokio::test]
async fn deep_and_wide_documents_are_refused_by_their_measures() {
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    let cases: Vec<(String, &str)> = vec![
        // Selections nested 100 deep (the parser's own limit is 64).
        (
            format!(
                "{}{}",
                "{ region(code: \"33\") ".repeat(100),
                "}".repeat(100)
            ),
            "nesting",
        ),
        // A list argument nested 1,000 deep.
        (
            format!(
                r#"{{ regions(filter: {{ search: {}"a"{} }}) {{ totalCount }} }}"#,
                "[".repeat(1000),
                "]".repeat(1000)
            ),
            "nesting",
        ),
        // 5,000 directives on one field.
        (
            format!("{{ __typename {} }}", "@include(if: true) ".repeat(5000)),
            "tokens",
        ),
        // 3,000 variables.
        (
            format!(
                "query({}) {{ __typename }}",
                (0..3000)
                    .map(|i| format!("$v{i}: Int"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "tokens",
        ),
        // 4,000 arguments.
        (
            format!(
                r#"{{ region({}) {{ code }} }}"#,
                (0..4000)
                    .map(|i| format!("a{i}: 1"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            "tokens",
        ),
        // Fields nested deeper than the role's depth through a fragment: measured before
        // validation, with the role named.
        (
            format!(
                "{{ region(code: \"33\") {{ ...D }} }} fragment D on Region {{ {}code{} }}",
                "parent { ".repeat(20),
                " }".repeat(20)
            ),
            "depth",
        ),
        // 31 aliases.
        (
            format!(
                "{{ {} }}",
                (0..31)
                    .map(|i| format!("a{i}: __typename"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            "aliases",
        ),
    ];
    for (doc, want) in &cases {
        let body = t.gql(&admin, doc, json!({})).await;
        let (measure, cost, limit, role) = refusal(&body);
        assert_eq!(&measure, want, "{body:#}");
        assert!(cost > limit, "{body}");
        let role_limit = matches!(*want, "depth" | "aliases");
        assert_eq!(role.is_some(), role_limit, "{body}");
    }
    // A fragment that spreads itself: a validation failure, found without recursion.
    let body = t
        .gql(
            &admin,
            "{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    // Variables nested past the JSON reader's depth: a parse failure, not a crash.
    let deep = format!(
        r#"{{"query":"query($v: String) {{ __typename }}","variables":{{"v":{}1{}}}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let req = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", bearer(&admin))
        .body(Body::from(deep))
        .unwrap();
    let (status, body, _) = t.send(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED", "{body}");
    still_serving(&t).await;
}

fn bearer(who: &As) -> String {
    match who {
        As::Token(t) => format!("Bearer {t}"),
        _ => String::new(),
    }
}

#[tokio::test]
async fn requests_without_credentials_are_refused_on_the_parse() {
    let t = TestApp::new().await;
    for doc in [
        "{ regions { totalCount } }",
        "{ me { role } ...F } fragment F on Query { regions { totalCount } }",
        "{ me { role } ... on Query { region(code: \"33\") { name } } }",
    ] {
        let (status, body, _) = t
            .send(TestApp::post(&As::Anonymous, &json!({ "query": doc })))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{doc}: {body}");
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
        assert!(body.get("data").is_none(), "nothing ran: {body}");
    }
    // Who am I, and the schema, are answered without credentials.
    let data = t
        .ok(
            &As::Anonymous,
            "{ __typename me { role } ...F } fragment F on Query { __type(name: \"Region\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(data["me"]["role"], Value::Null);
    assert_eq!(data["__type"]["name"], "Region");
}

#[tokio::test]
async fn free_text_filters_are_bounded_and_refuse_control_characters() {
    let t = TestApp::new().await;
    let long = "a".repeat(49_999);
    let cases = [
        (
            t.token(Role::Dashboard, "33"),
            "query($s: String) { regions(filter: { search: $s }) { totalCount } }",
        ),
        (
            t.token(Role::Admin, ""),
            "query($s: String) { persons(filter: { search: $s }) { totalCount } }",
        ),
        (
            t.token(Role::Admin, ""),
            "query($s: String) { organisations(filter: { search: $s }) { totalCount } }",
        ),
        (
            t.token(Role::Admin, ""),
            "query($s: String) { up2kGroups(filter: { search: $s }) { totalCount } }",
        ),
    ];
    for (who, q) in &cases {
        for bad in [long.as_str(), "a\u{0}b", "pekalongan\u{1b}[2J"] {
            let body = t.gql(who, q, json!({ "s": bad })).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{q}: {body:#}");
            assert_eq!(body["errors"][0]["extensions"]["field"], "filter.search");
        }
        // At the bound, and with spaces around it, the search runs.
        let body = t
            .gql(who, q, json!({ "s": format!(" {} ", "b".repeat(100)) }))
            .await;
        assert!(body.get("errors").is_none(), "{q}: {body:#}");
    }
    let admin = t.token(Role::Admin, "");
    let body = t
        .gql(
            &admin,
            "query($s: String) { auditLog(filter: { subject: $s }) { totalCount } }",
            json!({ "s": "x".repeat(201) }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "filter.subject");
}

#[tokio::test]
async fn amounts_are_bounded_and_a_total_past_the_safe_range_is_refused_by_name() {
    use sea_orm::ConnectionTrait;
    let t = TestApp::new().await;
    keluarga_gateway::startup::seed_demo(&t.app())
        .await
        .unwrap();
    let admin = t.token(Role::Admin, "");
    let ids = t
        .ok(
            &admin,
            r#"{ up2kGroups(first: 1) { edges { node { id } } }
                 organisations(filter: { search: "Koperasi" }, first: 1) { edges { node { id } } } }"#,
            json!({}),
        )
        .await;
    let group = ids["up2kGroups"]["edges"][0]["node"]["id"].clone();
    let provider = ids["organisations"]["edges"][0]["node"]["id"].clone();
    const AID: &str =
        r#"mutation($i: RecordAssistanceInput!) { recordAssistance(input: $i) { id amount } }"#;
    let total =
        r#"{ ekonomiStatistics(filter: { regionCode: "35.76" }) { assistance { total } } }"#;
    let before = t.ok(&admin, total, json!({})).await;
    for amount in [9_007_199_254_740_991_i64, 1_000_000_000_001] {
        let body = t
            .gql(
                &admin,
                AID,
                json!({ "i": { "groupId": group, "providerId": provider, "kind": "CAPITAL",
                               "amount": amount, "givenOn": "2026-01-05" } }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.amount");
    }
    assert_eq!(
        t.ok(&admin, total, json!({})).await,
        before,
        "nothing written"
    );
    let ok = t
        .ok(
            &admin,
            AID,
            json!({ "i": { "groupId": group, "providerId": provider, "kind": "CAPITAL",
                           "amount": 1_000_000_000_000_i64, "givenOn": "2026-01-05" } }),
        )
        .await;
    assert_eq!(ok["recordAssistance"]["amount"], 1_000_000_000_000_i64);

    // Rows written before the bound (or straight into the database, with the rollups rebuilt
    // after): each at 2^53 − 1, then
    // each past 2^62, whose sum no 64-bit integer holds. The statistic and the Region facet say
    // which figure is out of range, never INTERNAL.
    let facet =
        r#"{ region(code: "35.76") { ekonomiKeluarga(period: "2025") { assistanceTotal } } }"#;
    for sql in [
        "UPDATE assistance SET amount = 9007199254740991",
        "UPDATE assistance SET amount = 4611686018427387904",
    ] {
        t.db.db.execute_unprepared(sql).await.unwrap();
        // Written outside the gateway: the rollups are rebuilt, as `migrate --rebuild-rollups`
        // does after such a change.
        for r in keluarga_gateway::domains::rollups() {
            keluarga_core::rollup::rebuild(&t.db.db, r, &keluarga_core::Scope::all())
                .await
                .unwrap();
        }
        for q in [total, facet] {
            let body = t.gql(&admin, q, json!({})).await;
            assert_eq!(code(&body), "RESULT_OUT_OF_RANGE", "{q}: {body:#}");
            let field = body["errors"][0]["extensions"]["field"].as_str().unwrap();
            assert_eq!(field, "total", "{body:#}");
        }
    }
    still_serving(&t).await;
}

#[tokio::test]
async fn dates_versions_and_multipart_fields_are_checked_by_their_type() {
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    let q = "query($d: Date) { activities(filter: { from: $d }) { totalCount } }";
    for bad in [
        "2023-2-3",
        "0000-01-01",
        "2023-02-30",
        "12023-01-01",
        "2023-01-01T00:00:00Z",
    ] {
        let body = t.gql(&admin, q, json!({ "d": bad })).await;
        assert!(body["data"].is_null(), "{bad}: {body:#}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("not a date")
                || message.contains("not a day")
                || message.contains("out of range"),
            "{bad}: {body:#}"
        );
        assert!(
            ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"].contains(&code(&body)),
            "{body:#}"
        );
    }
    assert!(
        t.gql(&admin, q, json!({ "d": "2023-02-03" }))
            .await
            .get("errors")
            .is_none()
    );

    // A negative version names the field; nothing is written.
    let created = t
        .ok(
            &admin,
            r#"mutation { createOrganisation(input: { name: "Dinas Uji", kind: DINAS, regionCode: "33.75" }) { id version name } }"#,
            json!({}),
        )
        .await;
    let org = &created["createOrganisation"];
    for version in [-618, i64::from(i32::MAX)] {
        let body = t
            .gql(
                &admin,
                "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { name } }",
                json!({ "i": { "id": org["id"], "version": version, "name": "Dinas Lain" } }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.version");
    }

    // A multipart request whose `operations` field is past the body limit, with no file at all:
    // the answer names that field, not a file.
    let boundary = "XkgBoundary42";
    let ops = format!(
        r#"{{"query":"{{ __typename }}","variables":{{"pad":"{}"}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{ops}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n--{boundary}--\r\n"
    );
    let req = Request::post("/graphql")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("authorization", bearer(&admin))
        .body(Body::from(body))
        .unwrap();
    let (status, body, _) = t.send(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "operations",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`operations`"),
        "{body}"
    );
    still_serving(&t).await;
}
