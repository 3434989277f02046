//! Token failures give UNAUTHENTICATED; API keys are created, used and revoked.

use axum::http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use keluarga_core::Role;
use keluarga_gateway::auth::Claims;
use serde_json::json;

use crate::helpers::{As, SECRET, TestApp, code};

fn token(secret: &str, aud: &str, exp_offset: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: "x".into(),
        role: "ADMIN".into(),
        scope: String::new(),
        aud: aud.into(),
        iss: "keluarga-gateway".into(),
        exp: (now + exp_offset) as u64,
        iat: now as u64,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn unsigned() -> String {
    use base64::Engine;
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let now = chrono::Utc::now().timestamp();
    let header = e.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = e.encode(json!({ "sub": "x", "role": "ADMIN", "scope": "", "aud": "keluarga-gateway", "iss": "keluarga-gateway", "exp": now + 3600, "iat": now }).to_string());
    format!("{header}.{payload}.")
}

#[tokio::test]
async fn bad_tokens_are_unauthenticated() {
    let t = TestApp::new().await;
    let good = token(SECRET, "keluarga-gateway", 3600);
    let data = t.ok(&As::Token(good), "{ me { role } }", json!({})).await;
    assert_eq!(data["me"]["role"], "ADMIN");
    for (why, tok) in [
        ("expired", token(SECRET, "keluarga-gateway", -3600)),
        (
            "bad signature",
            token("another-secret", "keluarga-gateway", 3600),
        ),
        ("alg none", unsigned()),
        ("wrong audience", token(SECRET, "someone-else", 3600)),
        ("garbage", "not.a.jwt".to_owned()),
    ] {
        let (status, body, _) = t
            .send(TestApp::post(
                &As::Token(tok),
                &json!({ "query": "{ me { role } }" }),
            ))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}");
        assert_eq!(code(&body), "UNAUTHENTICATED", "{why}: {body}");
        assert!(body.get("data").is_none(), "{why}");
    }
}

#[tokio::test]
async fn api_keys_are_created_used_and_revoked() {
    let t = TestApp::new().await;
    let admin = t.token(Role::Admin, "");
    let data = t.ok(&admin, r#"mutation { createApiKey(input: { name: "Dashboard Jateng", role: DASHBOARD, scope: "33" }) { secret apiKey { id prefix role scope } } }"#, json!({})).await;
    let secret = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    let id = data["createApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with(data["createApiKey"]["apiKey"]["prefix"].as_str().unwrap()));

    // The key works, with its role and scope; the secret is not stored in clear.
    let key = As::Key(secret.clone());
    let data = t
        .ok(&key, "{ me { role scope recordAccess } }", json!({}))
        .await;
    assert_eq!(
        data["me"],
        json!({ "role": "DASHBOARD", "scope": "33", "recordAccess": false })
    );
    use sea_orm::EntityTrait;
    let rows = keluarga_core::entity::api_key::Entity::find()
        .all(&t.db.db)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.key_hash != secret && !r.key_hash.contains(&secret))
    );

    // Only ADMIN manages keys, and keys cannot be ADMIN.
    let body = t.gql(&key, "{ apiKeys { id } }", json!({})).await;
    assert_eq!(code(&body), "FORBIDDEN");
    let body = t
        .gql(
            &admin,
            r#"mutation { createApiKey(input: { name: "x", role: ADMIN, scope: "" }) { secret } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");

    // Revoked keys fail.
    let data = t
        .ok(
            &admin,
            "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(data["revokeApiKey"]["revokedAt"].is_string());
    let (status, body, _) = t
        .send(TestApp::post(&key, &json!({ "query": "{ me { role } }" })))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "UNAUTHENTICATED");
    let (status, _, _) = t
        .send(TestApp::post(
            &As::Key("kg_unknown".into()),
            &json!({ "query": "{ me { role } }" }),
        ))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_api_key_over_its_rate_is_refused_with_retry_after() {
    let mut cfg = crate::helpers::config();
    cfg.rate_limits.per_api_key = keluarga_gateway::config::Bucket {
        per_minute: 2,
        burst: 0,
    };
    let t = TestApp::with(cfg).await;
    let admin = t.token(Role::Admin, "");
    let data = t
        .ok(
            &admin,
            r#"mutation { createApiKey(input: { name: "Dasbor", role: DASHBOARD, scope: "33" }) { secret } }"#,
            json!({}),
        )
        .await;
    let key = As::Key(data["createApiKey"]["secret"].as_str().unwrap().to_owned());
    // A bucket of two, refilled at two a minute: two requests pass, the third is refused.
    let mut refused = None;
    for _ in 0..3 {
        let req = crate::helpers::TestApp::post(&key, &json!({ "query": "{ me { role } }" }));
        let resp = tower::ServiceExt::oneshot(keluarga_gateway::router(t.state.clone()), req)
            .await
            .unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(resp);
            break;
        }
    }
    let resp = refused.expect("a request over the rate is refused");
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "one request every 30 s: {retry}");
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(code(&body), "RATE_LIMITED", "{body:#}");
}
