//! GraphQL over HTTP: Accept negotiation, status codes, GET rules, malformed bodies, health.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use keluarga_core::Role;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, urlencode};

fn post(token: &As, accept: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::post("/graphql").header("content-type", "application/json");
    if let Some(a) = accept {
        b = b.header("accept", a);
    }
    if let As::Token(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn accept_header_is_negotiated() {
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    let q = r#"{"query":"{ me { role } }"}"#;
    // No Accept, or one that takes anything, is answered as application/json (the spec's advice
    // for clients that predate application/graphql-response+json).
    let (s, body, ct) = t.send(post(&tok, None, q)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("application/json"), "{ct}");
    assert_eq!(body["data"]["me"]["role"], "ADMIN");
    let (_, _, ct) = t.send(post(&tok, Some("*/*"), q)).await;
    assert!(ct.starts_with("application/json"), "{ct}");
    let (_, _, ct) = t
        .send(post(&tok, Some("application/graphql-response+json"), q))
        .await;
    assert!(ct.starts_with("application/graphql-response+json"), "{ct}");
    let (_, _, ct) = t
        .send(post(
            &tok,
            Some("*/*, application/graphql-response+json"),
            q,
        ))
        .await;
    assert!(ct.starts_with("application/graphql-response+json"), "{ct}");
    let (_, _, ct) = t.send(post(&tok, Some("application/json"), q)).await;
    assert!(ct.starts_with("application/json"), "{ct}");
    let (_, _, ct) = t
        .send(post(
            &tok,
            Some("application/json;q=0.5, application/graphql-response+json"),
            q,
        ))
        .await;
    assert!(ct.starts_with("application/graphql-response+json"), "{ct}");
    let (s, _, _) = t.send(post(&tok, Some("text/plain"), q)).await;
    assert_eq!(s, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn parse_and_validation_errors_are_400_with_graphql_response_json() {
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    const GQL: Option<&str> = Some("application/graphql-response+json");
    let (s, body, _) = t.send(post(&tok, GQL, r#"{"query":"{ me { role "}"#)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED");
    let (s, body, _) = t
        .send(post(&tok, GQL, r#"{"query":"{ noSuchField }"}"#))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
    // With application/json (or no Accept), a document that does not parse is 200 too.
    let (s, body, _) = t
        .send(post(&tok, None, r#"{"query":"{ me { role "}"#))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED");
    // With the legacy application/json the spec asks for 200 and the errors in the body.
    let (s, body, _) = t
        .send(post(
            &tok,
            Some("application/json"),
            r#"{"query":"{ noSuchField }"}"#,
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
    // Malformed JSON gets a GraphQL-shaped error body.
    let (s, body, _) = t.send(post(&tok, None, "{not json")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED");
    assert!(body["errors"][0]["message"].is_string());
    // Field errors during execution are 200 with data.
    let (s, body, _) = t
        .send(post(
            &tok,
            None,
            r#"{"query":"{ region(code: \"33.7\") { name } }"}"#,
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "code");
}

#[tokio::test]
async fn get_serves_queries_but_not_mutations() {
    let t = TestApp::new().await;
    let tok = t.bearer(Role::Admin, "");
    let get = |q: &str| {
        Request::get(format!("/graphql?query={}", urlencode(q)))
            .header("authorization", format!("Bearer {tok}"))
            .body(Body::empty())
            .unwrap()
    };
    let (s, body, _) = t.send(get("{ region(code: \"33.75\") { name } }")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["data"]["region"]["name"], "Kota Pekalongan");
    let (s, _, _) = t
        .send(get("mutation { revokeApiKey(id: \"x\") { id } }"))
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    // GraphiQL for browsers.
    let (s, body, _) = t
        .send(
            Request::get("/graphql")
                .header("accept", "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.as_str().unwrap().contains("graphiql"));
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_with_no_other_host() {
    let t = TestApp::new().await;
    let send = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let (s, body, _) = t.send(send("/graphiql")).await;
    assert_eq!(s, StatusCode::OK);
    let page = body.as_str().unwrap().to_owned();
    // Every script and stylesheet is the gateway's own.
    let refs: Vec<&str> = page
        .split(['"', '\''])
        .filter(|p| p.ends_with(".js") || p.ends_with(".css"))
        .collect();
    assert_eq!(refs.len(), 6, "{refs:?}");
    assert!(refs.iter().all(|r| r.starts_with("/graphiql/")), "{refs:?}");
    assert!(!page.contains("unpkg") && !page.contains("cdn"), "{page}");
    // The dev-token hint.
    assert!(page.contains("keluarga-gateway token --role ADMIN"));
    for r in refs {
        let (s, body, ct) = t.send(send(r)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert!(
            ct.starts_with(if r.ends_with(".js") {
                "text/javascript"
            } else {
                "text/css"
            }),
            "{r}: {ct}"
        );
        assert!(body.as_str().unwrap().len() > 100, "{r}");
    }
    use tower::ServiceExt;
    let resp = keluarga_gateway::http::router(t.state.clone())
        .oneshot(send("/graphiql"))
        .await
        .unwrap();
    let csp = resp.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    let (s, _, _) = t.send(send("/graphiql/nothing.js")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let t = TestApp::new().await;
    for (path, want) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let (s, body, _) = t
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_eq!(body, json!(want));
    }
    let tok = t.token(Role::Admin, "");
    t.ok(&tok, "{ me { role } }", json!({})).await;
    t.ok(&tok, "query MetricsProbeOk { me { role } }", json!({}))
        .await;
    let dashboard = t.token(Role::Dashboard, "33.75");
    let refused = t
        .gql(
            &dashboard,
            "query MetricsProbeRefused { children(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    let refused_code = code(&refused);
    let (s, body, _) = t
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(s, StatusCode::OK);
    let text = body.as_str().unwrap();
    for line in [
        "graphql_requests_total".to_owned(),
        r#"graphql_operations_total{operation="MetricsProbeOk",outcome="ok"}"#.to_owned(),
        format!(
            r#"graphql_operations_total{{operation="MetricsProbeRefused",outcome="{refused_code}"}}"#
        ),
        r#"graphql_operation_duration_seconds_count{operation="MetricsProbeOk"}"#.to_owned(),
        r#"db_pool_connections{state="open"}"#.to_owned(),
        r#"db_pool_connections{state="idle"}"#.to_owned(),
    ] {
        assert!(text.contains(&line), "{line} missing from {text}");
    }
}

/// Every refusal, whichever stage refuses, is counted once as an operation with its code: a
/// mutation over GET and a token that does not verify, each under its own operation name.
#[tokio::test]
async fn every_refusal_is_counted_with_its_code() {
    let t = TestApp::new().await;
    let tok = t.bearer(Role::Admin, "");
    let q = "mutation CountedGetMutation { revokeApiKey(id: \"x\") { id } }";
    let (s, body, _) = t
        .send(
            Request::get(format!("/graphql?query={}", urlencode(q)))
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(code(&body), "BAD_USER_INPUT");
    let (s, body, _) = t
        .send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", "Bearer not.a.token")
                .body(Body::from(
                    json!({ "query": "query CountedBadToken { me { role } }" }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "UNAUTHENTICATED");
    let (_, metrics, _) = t
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    let metrics = metrics.as_str().unwrap();
    for line in [
        r#"graphql_operations_total{operation="CountedGetMutation",outcome="BAD_USER_INPUT"} 1"#,
        r#"graphql_operations_total{operation="CountedBadToken",outcome="UNAUTHENTICATED"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} missing from {metrics}");
    }
}

#[test]
fn operation_labels_are_bounded() {
    use keluarga_gateway::http::OperationLabels;
    let labels = OperationLabels::default();
    assert_eq!(labels.label(None), "anonymous");
    assert_eq!(labels.label(Some("ListPage")), "ListPage");
    assert_eq!(labels.label(Some("bad name\n")), "other");
    assert_eq!(labels.label(Some(&"x".repeat(65))), "other");
    for i in 1..OperationLabels::CAPACITY {
        assert_eq!(labels.label(Some(&format!("Op{i}"))), format!("Op{i}"));
    }
    assert_eq!(
        labels.label(Some("OneTooMany")),
        "other",
        "capacity reached"
    );
    assert_eq!(
        labels.label(Some("ListPage")),
        "ListPage",
        "a known name stays"
    );
}

#[tokio::test]
async fn limits_refuse_expensive_queries() {
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    let body = t
        .gql(&tok, "{ regions(first: 1000) { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
    let aliases: String = (0..40).map(|i| format!("a{i}: me {{ role }} ")).collect();
    let body = t.gql(&tok, &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
    let deep = "{ regions(first: 100) { edges { node { children(first: 100) { edges { node { children(first: 100) { edges { node { children(first: 100) { edges { node { code } } } } } } } } } } } } }";
    let body = t.gql(&tok, deep, json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
}

#[tokio::test]
async fn batches_large_bodies_and_field_order_answer_as_graphql() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    // A batch (JSON array) is refused with a GraphQL error, not a parser message.
    let (s, body, _) = t
        .send(post(&tok, None, r#"[{"query":"{ me { role } }"}]"#))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("batched")
    );
    // A body over the limit is a GraphQL error with a code (413), not plain text.
    let big = format!(
        r#"{{"query":"{{ me {{ role }} }}","variables":{{"x":"{}"}}}}"#,
        "a".repeat(30 * 1024 * 1024)
    );
    let (s, body, ct) = t.send(post(&tok, None, &big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(ct.starts_with("application/json"), "{ct}");
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body:#}");
    // Fields come back in the order the query selected them.
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(post(&tok, None, r#"{"query":"{ me { scope role } }"}"#))
        .await
        .unwrap();
    let raw = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let (scope, role) = (
        raw.find("\"scope\"").unwrap(),
        raw.find("\"role\"").unwrap(),
    );
    assert!(scope < role, "{raw}");
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(post(&tok, None, r#"{"query":"{ me { role scope } }"}"#))
        .await
        .unwrap();
    let raw = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        raw.find("\"role\"").unwrap() < raw.find("\"scope\"").unwrap(),
        "{raw}"
    );
}

#[tokio::test]
async fn every_response_has_security_headers_and_a_request_id() {
    use tower::ServiceExt;
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    for req in [
        post(&tok, None, r#"{"query":"{ me { role } }"}"#),
        Request::get("/healthz").body(Body::empty()).unwrap(),
        post(&tok, None, "{not json"),
    ] {
        let resp = keluarga_gateway::router(t.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cache-control"], "no-store");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
        let id = h["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
    // A caller's own id is kept when it is a safe token, replaced when not.
    let mut req = post(&tok, None, r#"{"query":"{ me { role } }"}"#);
    req.headers_mut()
        .insert("x-request-id", "dash-42_a".parse().unwrap());
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "dash-42_a");
    let mut req = post(&tok, None, r#"{"query":"{ me { role } }"}"#);
    req.headers_mut()
        .insert("x-request-id", "<script>".parse().unwrap());
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    assert_ne!(resp.headers()["x-request-id"], "<script>");
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins() {
    use tower::ServiceExt;
    let mut cfg = crate::helpers::config();
    cfg.server.cors_allowed_origins = vec!["https://dasbor.example.go.id".into()];
    let t = TestApp::with(cfg).await;
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .body(Body::empty())
            .unwrap()
    };
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(preflight("https://dasbor.example.go.id"))
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://dasbor.example.go.id"
    );
    let allowed = resp.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(preflight("https://evil.example.com"))
        .await
        .unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    // Without configured origins (the default), no CORS headers at all.
    let t = TestApp::new().await;
    let resp = keluarga_gateway::router(t.state.clone())
        .oneshot(preflight("https://dasbor.example.go.id"))
        .await
        .unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_production_profile_closes_introspection_and_suggestions() {
    let mut cfg = crate::helpers::config();
    cfg.server.profile = keluarga_gateway::config::Profile::Production;
    cfg.check_profile().unwrap();
    let t = TestApp::with(cfg).await;
    let admin = t.token(Role::Admin, "");
    let body = t
        .gql(&admin, "{ __schema { types { name } } }", json!({}))
        .await;
    // async-graphql answers a closed introspection with null.
    assert_eq!(body["data"]["__schema"], Value::Null, "{body:#}");
    let body = t.gql(&admin, "{ me { rol } }", json!({})).await;
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(!msg.contains("Did you mean"), "{msg}");
    // The development profile answers both.
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    t.ok(&admin, "{ __schema { types { name } } }", json!({}))
        .await;
    let body = t.gql(&admin, "{ me { rol } }", json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{body:#}"
    );
}

/// With the database out of reach (here its pool closed), a request fails at once with
/// UNAVAILABLE, not INTERNAL, and `/readyz` says 503.
#[tokio::test]
async fn a_database_out_of_reach_is_unavailable_and_not_ready() {
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    t.ok(&tok, "{ regions(first: 1) { totalCount } }", json!({}))
        .await;
    let made = t
        .ok(
            &tok,
            r#"mutation { createApiKey(input: { name: "Dasbor", role: DASHBOARD, scope: "33" }) { secret } }"#,
            json!({}),
        )
        .await;
    let key = As::Key(made["createApiKey"]["secret"].as_str().unwrap().to_owned());
    t.db.db.clone().close().await.unwrap();
    // An API key is looked up in the database: out of reach, the request is refused as
    // UNAVAILABLE with 503 and Retry-After, not as an internal error.
    let (status, body, _) = t
        .send(TestApp::post(&key, &json!({ "query": "{ me { role } }" })))
        .await;
    assert_eq!(code(&body), "UNAVAILABLE", "{body}");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let body = t
        .gql(&tok, "{ regions(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&body), "UNAVAILABLE", "{body}");
    assert!(
        !body.to_string().contains("pool"),
        "no driver detail: {body}"
    );
    let (status, _, _) = t
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

/// The keys of every object of `v` in the order they came, by path (`region.code`), objects in
/// lists under their list's path.
fn key_orders(v: &async_graphql::Value) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), v)];
    while let Some((path, v)) = stack.pop() {
        match v {
            async_graphql::Value::Object(m) => {
                out.push((path.clone(), m.keys().map(|k| k.to_string()).collect()));
                for (k, child) in m {
                    stack.push((format!("{path}.{k}"), child));
                }
            }
            async_graphql::Value::List(items) => {
                stack.extend(items.iter().map(|i| (path.clone(), i)));
            }
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn fields_answer_in_selection_order_across_domains_at_every_depth() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    const FACETS: &str = r#"stunting(period: "2026") { childrenMeasured suppressed }
        ketahananKeluarga { suppressed familiesAssessed } ekonomiKeluarga { pekka up2kGroups }
        gender { prerequisitesMet }"#;
    // Root fields of core and of every domain, aliased and through fragments, in several orders;
    // each expected order is by path.
    // Per document: (path, its keys in order) for each object checked.
    type Expected<'a> = Vec<(&'a str, Vec<&'a str>)>;
    let cases: Vec<(String, Expected<'_>)> = vec![
        (
            r#"{ region(code: "33.75") { name code level } cadreProgress(regionCode: "33.75") { asOf } me { role } }"#.to_owned(),
            vec![("", vec!["region", "cadreProgress", "me"]), (".region", vec!["name", "code", "level"])],
        ),
        (
            r#"{ me { role } cadreProgress(regionCode: "33.75") { asOf } region(code: "33.75") { level code name } }"#.to_owned(),
            vec![("", vec!["me", "cadreProgress", "region"]), (".region", vec!["level", "code", "name"])],
        ),
        (
            r#"query Q { s: stuntingStatistics { suppressed } me { scope role } ...F g: genderStatistics { period } }
               fragment F on Query { k: ketahananStatistics { suppressed } e: ekonomiStatistics { period } }"#.to_owned(),
            vec![("", vec!["s", "me", "k", "e", "g"]), (".me", vec!["scope", "role"])],
        ),
        (
            format!(r#"{{ region(code: "33") {{ code {FACETS} children(first: 3) {{ nodes {{ {FACETS} code }} }} }} }}"#),
            vec![
                (".region", vec!["code", "stunting", "ketahananKeluarga", "ekonomiKeluarga", "gender", "children"]),
                (".region.ketahananKeluarga", vec!["suppressed", "familiesAssessed"]),
                (".region.children.nodes", vec!["stunting", "ketahananKeluarga", "ekonomiKeluarga", "gender", "code"]),
            ],
        ),
        (
            r#"{ b: me { role } region(code: "33") { gender { prerequisitesMet } ... on Region { stunting { suppressed } } name } a: me { scope } }"#.to_owned(),
            vec![("", vec!["b", "region", "a"]), (".region", vec!["gender", "stunting", "name"])],
        ),
    ];
    for (query, want) in &cases {
        for _ in 0..12 {
            let resp = keluarga_gateway::router(t.state.clone())
                .oneshot(post(&tok, None, &json!({ "query": query }).to_string()))
                .await
                .unwrap();
            let raw = resp.into_body().collect().await.unwrap().to_bytes();
            let body: async_graphql::Value = serde_json::from_slice(&raw).unwrap();
            let async_graphql::Value::Object(top) = &body else {
                panic!("{body}")
            };
            assert!(!top.contains_key("errors"), "{body}");
            let orders = key_orders(&top["data"]);
            for (path, keys) in want {
                let seen: Vec<&Vec<String>> = orders
                    .iter()
                    .filter(|(p, _)| p == path)
                    .map(|(_, k)| k)
                    .collect();
                assert!(!seen.is_empty(), "{path} answered: {body}");
                for k in seen {
                    assert_eq!(k, keys, "{path} of {query}");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_database_the_probe_cannot_reach_is_unavailable_at_once_until_it_answers() {
    use http_body_util::BodyExt;
    use keluarga_gateway::health::DbHealth;
    use tower::ServiceExt;
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    // Nobody listens on port 1: the probe fails, as it does when PostgreSQL is stopped.
    let gone = DbHealth::probing("postgres://postgres@127.0.0.1:1/keluarga").unwrap();
    assert!(!gone.check().await, "the probe sees nothing there");
    assert!(gone.is_down());
    let mut state = t.state.clone();
    state.health = gone;
    let q = r#"{"query":"{ me { role } }"}"#;
    for accept in [None, Some("application/graphql-response+json")] {
        let resp = keluarga_gateway::router(state.clone())
            .oneshot(post(&tok, accept, q))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()["retry-after"], "1");
        let raw = resp.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(code(&body), "UNAVAILABLE", "{body:#}");
        assert!(body["data"].is_null(), "{body:#}");
    }
    let ready = keluarga_gateway::router(state.clone())
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    // The test's own database, probed (PostgreSQL) or without a probe (SQLite): served again.
    let back = DbHealth::of(&t.app().db);
    assert!(back.check().await);
    state.health = back;
    let (s, body, _) = {
        let resp = keluarga_gateway::router(state.clone())
            .oneshot(post(&tok, None, q))
            .await
            .unwrap();
        let s = resp.status();
        let raw = resp.into_body().collect().await.unwrap().to_bytes();
        (s, serde_json::from_slice::<Value>(&raw).unwrap(), ())
    };
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["data"]["me"]["role"], "ADMIN");
    let ready = keluarga_gateway::router(state)
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
}

/// A query already waiting for a connection when the probe first sees the database gone is
/// answered `UNAVAILABLE` then, not after the pool's acquire timeout.
#[tokio::test]
async fn a_query_waiting_when_the_database_goes_is_unavailable_then() {
    use http_body_util::BodyExt;
    use keluarga_gateway::health::DbHealth;
    use tower::ServiceExt;
    let t = TestApp::new().await;
    let tok = t.token(Role::Admin, "");
    // Nobody listens on port 1; not probed yet, so the database counts as up.
    let health = DbHealth::probing("postgres://postgres@127.0.0.1:1/keluarga").unwrap();
    assert!(!health.is_down());
    let mut state = t.state.clone();
    state.health = health.clone();
    // Every connection of the pool ADMIN's operations run on is taken: the query waits for one.
    let limits = state
        .limits
        .iter()
        .find(|l| l.role == "ADMIN")
        .expect("ADMIN limits");
    let db = state.schemas.of(limits).app.db.clone();
    let (mut held_pg, mut held_lite) = (Vec::new(), Vec::new());
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            for _ in 0..pool.options().get_max_connections() {
                held_pg.push(pool.acquire().await.unwrap());
            }
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            for _ in 0..pool.options().get_max_connections() {
                held_lite.push(pool.acquire().await.unwrap());
            }
        }
    }
    let q = r#"{"query":"{ children(first: 1) { totalCount } }"}"#;
    let waiting = tokio::spawn(keluarga_gateway::router(state).oneshot(post(&tok, None, q)));
    // Not a timing under test: time for the request to reach the pool before the probe fails.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!health.check().await, "the probe sees nothing there");
    let resp = waiting.await.unwrap().unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()["retry-after"], "1");
    let raw = resp.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(code(&body), "UNAVAILABLE", "{body:#}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("while this query ran"), "{body:#}");
    drop((held_pg, held_lite));
}
