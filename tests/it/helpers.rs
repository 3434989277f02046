//! `TestApp`: a router over a fresh database, with helpers to send GraphQL requests.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use keluarga_core::{Role, Scope};
use keluarga_gateway::config::Config;
use keluarga_gateway::{AppState, auth, router, startup};
use keluarga_test_support::TestDb;
use serde_json::{Value, json};
use tower::ServiceExt;

pub(crate) const SECRET: &str = "integration-test-secret";

/// "Today" in every test: fixtures stay valid whatever the wall clock says.
pub(crate) const TODAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 11, 25) {
    Some(d) => d,
    None => panic!("a valid date"),
};

pub(crate) struct TestApp {
    pub db: TestDb,
    pub cfg: Config,
    pub state: AppState,
}

/// How a request authenticates.
#[derive(Clone)]
pub(crate) enum As {
    Anonymous,
    Token(String),
    Key(String),
}

pub(crate) fn config() -> Config {
    let mut cfg = Config::default();
    cfg.auth.jwt_secret = Some(SECRET.to_owned());
    cfg.security.pii_key = Some("test-pii-key".to_owned());
    cfg
}

impl TestApp {
    pub(crate) async fn new() -> TestApp {
        Self::with(config()).await
    }

    pub(crate) async fn with(cfg: Config) -> TestApp {
        let db = TestDb::new().await;
        Self::on(db, cfg)
    }

    pub(crate) fn on(db: TestDb, cfg: Config) -> TestApp {
        let state = startup::state_at(&cfg, db.db.clone(), keluarga_core::Clock::Fixed(TODAY))
            .expect("state");
        TestApp { db, cfg, state }
    }

    pub(crate) fn app(&self) -> keluarga_core::AppContext {
        self.state.app.clone()
    }

    /// The audit log, after every queued entry is written: (entity, role, record ids).
    pub(crate) async fn audit_log(&self) -> Vec<(String, String, Vec<String>)> {
        use sea_orm::{EntityTrait, QueryOrder};
        self.state.app.audit.flush().await.unwrap();
        keluarga_core::entity::audit_log::Entity::find()
            .order_by_asc(keluarga_core::entity::audit_log::Column::Id)
            .all(&self.db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.entity,
                    r.role,
                    serde_json::from_str(&r.record_ids).unwrap(),
                )
            })
            .collect()
    }

    pub(crate) fn token(&self, role: Role, scope: &str) -> As {
        As::Token(self.bearer(role, scope))
    }

    /// The bare token of `role` in `scope`, for requests built by hand.
    pub(crate) fn bearer(&self, role: Role, scope: &str) -> String {
        auth::sign_token(&self.cfg, "tester", role, &Scope::new(scope).unwrap(), 3600).unwrap()
    }

    /// A token of `subject` (a named cadre, say).
    pub(crate) fn token_as(&self, subject: &str, role: Role, scope: &str) -> As {
        As::Token(
            auth::sign_token(&self.cfg, subject, role, &Scope::new(scope).unwrap(), 3600).unwrap(),
        )
    }

    pub(crate) async fn send(&self, req: Request<Body>) -> (StatusCode, Value, String) {
        let resp = router(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body, ct)
    }

    pub(crate) fn post(who: &As, body: &Value) -> Request<Body> {
        let mut b = Request::post("/graphql").header("content-type", "application/json");
        b = match who {
            As::Anonymous => b,
            As::Token(t) => b.header("authorization", format!("Bearer {t}")),
            As::Key(k) => b.header("x-api-key", k),
        };
        b.body(Body::from(body.to_string())).unwrap()
    }

    /// Sends a query and returns the whole response body.
    pub(crate) async fn gql(&self, who: &As, query: &str, vars: Value) -> Value {
        let (_, body, _) = self
            .send(Self::post(
                who,
                &json!({ "query": query, "variables": vars }),
            ))
            .await;
        body
    }

    /// Sends a query that must succeed and returns `data`.
    pub(crate) async fn ok(&self, who: &As, query: &str, vars: Value) -> Value {
        let body = self.gql(who, query, vars).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }
}

/// The `extensions.code` of the first error.
pub(crate) fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// A GraphQL multipart request uploading `file` as the `$file` variable.
pub(crate) fn multipart(who: &As, query: &str, file: &str) -> Request<Body> {
    let boundary = "XkgBoundary42";
    let ops = json!({ "query": query, "variables": { "file": null } });
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{ops}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"ukur.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    let mut b = Request::post("/graphql").header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let As::Token(t) = who {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::from(body)).unwrap()
}

/// The graphql blocks of the README section headed `## {title}`: each query starts at a comment
/// line; mutations are left out (they need ids).
pub(crate) fn readme_queries(title: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find(&format!("## {title}")).expect("README section");
    let section = &readme[start..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let section = &section[..end];
    let mut out = Vec::new();
    for block in section.split("```graphql").skip(1) {
        let body = block.split("```").next().unwrap();
        for q in body.split("\n# ").map(str::trim).filter(|q| !q.is_empty()) {
            let q = q.split_once('\n').map_or("", |x| x.1).trim();
            if !q.is_empty() && !q.starts_with("mutation") {
                out.push(q.to_owned());
            }
        }
    }
    out
}

/// `s` percent-encoded for a URL query string.
pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
