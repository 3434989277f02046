//! Test support: a fresh, migrated database per test, on SQLite by default or on PostgreSQL when
//! `TEST_DATABASE_URL` names a server (`postgres://postgres@127.0.0.1:5432/postgres`), plus fixture
//! builders. Each test's database is a copy of a template migrated once per test process (the region
//! list included), and is dropped when the `TestDb` is.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use keluarga_gateway::Migrator;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use tokio::sync::OnceCell;

pub mod fixtures;

/// A fresh database for one test.
pub struct TestDb {
    /// The connection pool.
    pub db: DatabaseConnection,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin: String, name: String },
}

static SQLITE_TEMPLATE: OnceCell<PathBuf> = OnceCell::const_new();
static PG_TEMPLATE: OnceCell<String> = OnceCell::const_new();
static PG_CREATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn tmp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("keluarga-test-{}", std::process::id()))
}

async fn connect(url: &str, count: Option<Arc<AtomicUsize>>) -> DatabaseConnection {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(4).sqlx_logging(false);
    let mut db = Database::connect(opts)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    // Every statement counts against its operation, as on the gateway's own connections
    // (`graphql_operation_statements`); a counting database also counts them all here. Audit
    // entries are written off the read path, in batches whose timing is not the request's: they
    // are not counted.
    db.set_metric_callback(move |info| {
        keluarga_core::store::statement_sent(info);
        if let Some(count) = &count
            && !info.statement.sql.contains("\"audit_log\"")
        {
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    db
}

impl TestDb {
    /// A fresh, migrated database.
    pub async fn new() -> TestDb {
        Self::build(None).await
    }

    /// A fresh database whose every SQL statement (but the audit log's) increments the returned
    /// counter.
    pub async fn counting() -> (TestDb, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        (Self::build(Some(count.clone())).await, count)
    }

    async fn build(count: Option<Arc<AtomicUsize>>) -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => Self::postgres(admin, count).await,
            _ => Self::sqlite(count).await,
        }
    }

    async fn sqlite(count: Option<Arc<AtomicUsize>>) -> TestDb {
        let template = SQLITE_TEMPLATE
            .get_or_init(|| async {
                let dir = tmp_dir();
                std::fs::create_dir_all(&dir).expect("temp dir");
                let path = dir.join("template.sqlite");
                let _ = std::fs::remove_file(&path);
                let db = connect(&format!("sqlite://{}?mode=rwc", path.display()), None).await;
                Migrator::up(&db, None).await.expect("migrate template");
                // Fold any write-ahead log into the file before it is copied.
                db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .expect("checkpoint template");
                db.close().await.expect("close template");
                path
            })
            .await;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = tmp_dir().join(format!("db-{n}.sqlite"));
        std::fs::copy(template, &path).expect("copy template");
        let db = connect(&format!("sqlite://{}?mode=rw", path.display()), count).await;
        TestDb {
            db,
            cleanup: Cleanup::File(path),
        }
    }

    async fn postgres(admin: String, count: Option<Arc<AtomicUsize>>) -> TestDb {
        let pid = std::process::id();
        let template = PG_TEMPLATE
            .get_or_init(|| async {
                let admin_db = connect(&admin, None).await;
                drop_stale(&admin_db).await;
                let name = format!("kg_tpl_{pid}");
                admin_db
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("drop old template");
                admin_db
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create template");
                let tpl = connect(&with_db(&admin, &name), None).await;
                Migrator::up(&tpl, None).await.expect("migrate template");
                tpl.close().await.expect("close template");
                admin_db.close().await.expect("close admin");
                name
            })
            .await;
        let name = format!("kg_t_{pid}_{}", COUNTER.fetch_add(1, Ordering::SeqCst));
        {
            let _guard = PG_CREATE.lock().await;
            let admin_db = connect(&admin, None).await;
            admin_db
                .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .await
                .expect("create test database");
            admin_db.close().await.expect("close admin");
        }
        let db = connect(&with_db(&admin, &name), count).await;
        TestDb {
            db,
            cleanup: Cleanup::Postgres { admin, name },
        }
    }
}

/// The admin URL with its database name replaced.
fn with_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > base.find("//").map_or(0, |j| j + 1) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Drops test databases left behind by test processes that no longer run.
async fn drop_stale(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'kg\\_%'".to_owned(),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                let _ = std::fs::remove_file(path);
            }
            Cleanup::Postgres { admin, name } => {
                let (admin, name) = (admin.clone(), name.clone());
                // Drop runs inside the test's runtime; a fresh thread with its own runtime may block.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(db) = Database::connect(admin.as_str()).await {
                            let _ = db
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = db.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
