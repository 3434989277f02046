//! Persisted documents: automatic persisted queries (APQ, a hash instead of the text once the
//! text was sent with it) and trusted documents (a manifest the callers it is required for may
//! not step outside).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use keluarga_core::Role;
use keluarga_gateway::persisted::sha256_hex;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, code, config};

const ME: &str = "query Me { me { role scope } }";
const REGIONS: &str = "{ regions(first: 2) { totalCount } }";

fn apq(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// A manifest file in Apollo's format holding `ME` only.
fn manifest() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("kg-manifest-{}.json", uuid::Uuid::new_v4()));
    let m = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{ "id": sha256_hex(ME), "name": "Me", "type": "query", "body": ME }],
    });
    std::fs::write(&path, m.to_string()).unwrap();
    path
}

#[tokio::test]
async fn apq_serves_a_registered_hash_and_refuses_an_unknown_or_wrong_one() {
    let t = TestApp::new().await;
    let op = t.token(Role::Operator, "33.75");
    let hash = sha256_hex(ME);

    // Unknown hash: PERSISTED_QUERY_NOT_FOUND, the signal for an APQ client to send the text.
    let (status, body, _) = t
        .send(TestApp::post(&op, &json!({ "extensions": apq(&hash) })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");

    // An anonymous caller's text does not register it.
    let (_, anon, _) = t
        .send(TestApp::post(
            &As::Anonymous,
            &json!({ "query": ME, "extensions": apq(&hash) }),
        ))
        .await;
    assert_eq!(anon["data"]["me"]["role"], Value::Null, "{anon}");
    let (_, body, _) = t
        .send(TestApp::post(&op, &json!({ "extensions": apq(&hash) })))
        .await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");

    // Text and hash register it; then the hash alone runs it, over POST, GET and as documentId.
    let (_, body, _) = t
        .send(TestApp::post(
            &op,
            &json!({ "query": ME, "extensions": apq(&hash) }),
        ))
        .await;
    assert_eq!(body["data"]["me"]["role"], "OPERATOR", "{body}");
    let (_, body, _) = t
        .send(TestApp::post(&op, &json!({ "extensions": apq(&hash) })))
        .await;
    assert_eq!(body["data"]["me"]["scope"], "33.75", "{body}");
    let As::Token(token) = &op else {
        unreachable!()
    };
    let ext = apq(&hash).to_string();
    let get = Request::get(format!(
        "/graphql?extensions={}",
        ext.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
    ))
    .header("authorization", format!("Bearer {token}"))
    .body(Body::empty())
    .unwrap();
    let (status, body, _) = t.send(get).await;
    assert_eq!(
        (status, &body["data"]["me"]["role"]),
        (StatusCode::OK, &json!("OPERATOR")),
        "{body}"
    );
    let (_, body, _) = t
        .send(TestApp::post(
            &op,
            &json!({ "documentId": format!("sha256:{hash}") }),
        ))
        .await;
    assert_eq!(body["data"]["me"]["role"], "OPERATOR", "{body}");

    // A text that does not hash to the value sent is refused, naming the field; nothing runs.
    let (_, body, _) = t
        .send(TestApp::post(
            &op,
            &json!({ "query": REGIONS, "extensions": apq(&hash) }),
        ))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "extensions.persistedQuery.sha256Hash"
    );
    assert!(body.get("data").is_none());
    // With application/graphql-response+json a refusal before execution is a 400.
    let mut req = TestApp::post(&op, &json!({ "extensions": apq(&sha256_hex(REGIONS)) }));
    req.headers_mut().insert(
        "accept",
        "application/graphql-response+json".parse().unwrap(),
    );
    let (status, body, _) = t.send(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND");
}

#[tokio::test]
async fn apq_off_serves_no_registered_hash() {
    let mut cfg = config();
    cfg.graphql.apq_cache = 0;
    let t = TestApp::with(cfg).await;
    let op = t.token(Role::Operator, "33.75");
    let hash = sha256_hex(ME);
    let with_text = json!({ "query": ME, "extensions": apq(&hash) });
    assert_eq!(
        t.send(TestApp::post(&op, &with_text)).await.1["data"]["me"]["role"],
        "OPERATOR"
    );
    let (_, body, _) = t
        .send(TestApp::post(&op, &json!({ "extensions": apq(&hash) })))
        .await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
}

#[tokio::test]
async fn callers_held_to_trusted_documents_run_only_the_manifest() {
    let mut cfg = config();
    cfg.graphql.trusted_documents.manifest = Some(manifest());
    cfg.graphql.trusted_documents.required_for_roles = vec!["DASHBOARD".to_owned()];
    cfg.graphql.trusted_documents.required_for_api_keys = true;
    let t = TestApp::with(cfg).await;
    let dash = t.token(Role::Dashboard, "33");
    let admin = t.token(Role::Admin, "");

    // Outside the manifest: refused before anything runs.
    let body = t.gql(&dash, REGIONS, json!({})).await;
    assert_eq!(code(&body), "OPERATION_NOT_TRUSTED", "{body}");
    assert!(body.get("data").is_none());
    // The manifest's operation, in full or by its id (never registered: the manifest has it).
    assert_eq!(t.ok(&dash, ME, json!({})).await["me"]["role"], "DASHBOARD");
    let (_, body, _) = t
        .send(TestApp::post(
            &dash,
            &json!({ "extensions": apq(&sha256_hex(ME)) }),
        ))
        .await;
    assert_eq!(body["data"]["me"]["role"], "DASHBOARD", "{body}");
    // Registering a document by APQ does not make it trusted.
    let hash = sha256_hex(REGIONS);
    let reg = json!({ "query": REGIONS, "extensions": apq(&hash) });
    assert!(
        t.send(TestApp::post(&admin, &reg))
            .await
            .1
            .get("errors")
            .is_none()
    );
    let (_, body, _) = t
        .send(TestApp::post(&dash, &json!({ "extensions": apq(&hash) })))
        .await;
    assert_eq!(code(&body), "OPERATION_NOT_TRUSTED", "{body}");
    // Other roles are not held to it.
    assert!(
        t.gql(&admin, REGIONS, json!({}))
            .await
            .get("errors")
            .is_none()
    );

    // Every API key is, whatever its role.
    let data = t
        .ok(
            &admin,
            r#"mutation { createApiKey(input: { name: "Analis", role: ANALYST, scope: "33" }) { secret } }"#,
            json!({}),
        )
        .await;
    let key = As::Key(data["createApiKey"]["secret"].as_str().unwrap().to_owned());
    assert_eq!(
        code(&t.gql(&key, REGIONS, json!({})).await),
        "OPERATION_NOT_TRUSTED"
    );
    assert_eq!(t.ok(&key, ME, json!({})).await["me"]["role"], "ANALYST");
}

#[test]
fn a_manifest_that_does_not_match_its_hashes_or_roles_is_a_start_up_error() {
    let path = std::env::temp_dir().join(format!("kg-manifest-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, json!({ sha256_hex(ME): REGIONS }).to_string()).unwrap();
    let t = keluarga_gateway::config::TrustedDocuments {
        manifest: Some(path),
        ..Default::default()
    };
    let err = keluarga_gateway::persisted::Persisted::from_config(&t, 10).unwrap_err();
    assert!(err.to_string().contains("is not the SHA-256"), "{err}");
    let t = keluarga_gateway::config::TrustedDocuments {
        required_for_roles: vec!["DASHBOARD".to_owned()],
        ..Default::default()
    };
    let err = keluarga_gateway::persisted::Persisted::from_config(&t, 10).unwrap_err();
    assert!(err.to_string().contains("needs a manifest"), "{err}");
    let t = keluarga_gateway::config::TrustedDocuments {
        manifest: Some(manifest()),
        required_for_roles: vec!["GUEST".to_owned()],
        ..Default::default()
    };
    let err = keluarga_gateway::persisted::Persisted::from_config(&t, 10).unwrap_err();
    assert!(err.to_string().contains("not a role"), "{err}");
    let flat = std::env::temp_dir().join(format!("kg-manifest-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(
        &flat,
        json!({ format!("sha256:{}", sha256_hex(ME)): ME }).to_string(),
    )
    .unwrap();
    let ok = keluarga_gateway::persisted::Persisted::from_config(
        &keluarga_gateway::config::TrustedDocuments {
            manifest: Some(flat),
            ..Default::default()
        },
        10,
    )
    .unwrap();
    assert_eq!(ok.manifest_len(), 1);
}
