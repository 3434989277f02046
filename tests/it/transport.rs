//! PostgreSQL over TLS (`sslmode` and `sslrootcert` in `database.url`): the connection is
//! encrypted, and `verify-full` refuses a server whose certificate does not name the host.
//!
//! Runs against the PostgreSQL of `TEST_DATABASE_URL` (on SQLite there is no transport to test).
//! The server's certificate is `TEST_PG_SSLROOTCERT` (Debian's self-signed
//! `/etc/ssl/certs/ssl-cert-snakeoil.pem` by default, issued to `localhost`).

use keluarga_gateway::config::Config;
use keluarga_gateway::startup;
use sea_orm::{ConnectionTrait, Statement};

fn server() -> Option<(String, String)> {
    let url = std::env::var("TEST_DATABASE_URL").ok()?;
    if !url.starts_with("postgres") {
        return None;
    }
    let cert = std::env::var("TEST_PG_SSLROOTCERT")
        .unwrap_or_else(|_| "/etc/ssl/certs/ssl-cert-snakeoil.pem".to_owned());
    assert!(
        std::path::Path::new(&cert).exists(),
        "{cert} missing: set TEST_PG_SSLROOTCERT to the CA (or the self-signed certificate) of \
         the test server, whose ssl must be on"
    );
    Some((url, cert))
}

/// `url` with its host replaced and `query` appended.
fn with(url: &str, host: &str, query: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (auth, rest) = match rest.split_once('@') {
        Some((a, r)) => (format!("{a}@"), r),
        None => (String::new(), rest),
    };
    let path = rest.find('/').map_or("/postgres", |i| &rest[i..]);
    let path = path.split('?').next().unwrap();
    let port = rest
        .split('/')
        .next()
        .and_then(|h| h.rsplit_once(':'))
        .map_or("5432", |(_, p)| p);
    format!("{scheme}://{auth}{host}:{port}{path}?{query}")
}

async fn connect(url: String) -> Result<sea_orm::DatabaseConnection, String> {
    let mut cfg = Config::default();
    cfg.database.url = url;
    startup::connect(&cfg).await.map_err(|e| e.to_string())
}

async fn encrypted(db: &sea_orm::DatabaseConnection) -> bool {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<bool>("", "ssl").unwrap()
}

#[tokio::test]
async fn postgres_connections_are_encrypted_and_verified_when_asked() {
    let Some((url, cert)) = server() else {
        eprintln!("skipped: TEST_DATABASE_URL names no PostgreSQL server");
        return;
    };
    let full = connect(with(
        &url,
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={cert}"),
    ))
    .await
    .unwrap();
    assert!(encrypted(&full).await, "verify-full gives TLS");

    let required = connect(with(&url, "localhost", "sslmode=require"))
        .await
        .unwrap();
    assert!(encrypted(&required).await, "require gives TLS");

    let plain = connect(with(&url, "localhost", "sslmode=disable"))
        .await
        .unwrap();
    assert!(!encrypted(&plain).await, "disable gives none");

    // The certificate names `localhost`, not the address: verify-full refuses it, while
    // verify-ca (the chain only) accepts it.
    let wrong_host = connect(with(
        &url,
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={cert}"),
    ))
    .await;
    let Err(err) = wrong_host else {
        panic!("verify-full refuses a certificate for another host");
    };
    assert!(err.contains("cannot connect to the database"), "{err}");
    let ca_only = connect(with(
        &url,
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={cert}"),
    ))
    .await
    .unwrap();
    assert!(encrypted(&ca_only).await);

    // Without the server's CA, the public roots built in do not vouch for a self-signed
    // certificate.
    let unknown_ca = connect(with(&url, "localhost", "sslmode=verify-full")).await;
    assert!(unknown_ca.is_err(), "an unknown CA is refused");
}
