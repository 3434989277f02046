//! Whether PostgreSQL can be reached, known without waiting on the pool.
//!
//! While PostgreSQL is down, a request waits for a pooled connection until
//! `database.acquire_timeout_ms` (3 s) before it is `UNAVAILABLE`, and `/readyz` waited as long.
//! A load balancer polling every second, and clients with 1–2 s timeouts, saw hangs. [`DbHealth`]
//! keeps a probe of its own: one connection with short timeouts, checked every second while the
//! database is up and every 250 ms while it is down, so that from the probe's first failure every
//! request is answered `UNAVAILABLE` (503, `Retry-After: 1`) at once, and from its first success
//! requests run again. A query already waiting (for a pooled connection, or on a statement) when
//! the probe first fails is answered `UNAVAILABLE` then too ([`DbHealth::gone`]); a mutation is
//! left to finish or fail on its own, so that nothing committed is reported as not done. The
//! probe's pool is apart from the request pools, so a pool exhausted by load is never taken for
//! an outage; every pool (the per-role ones too) reaches the same server, so one probe speaks
//! for them all. SQLite has no server to lose: no probe, never down.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};

/// How long one probe may take before it counts as a failure.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(700);
/// The probe's period while the database answers.
const UP_EVERY: Duration = Duration::from_secs(1);
/// The probe's period while it does not: recovery is seen within this.
const DOWN_EVERY: Duration = Duration::from_millis(250);

/// The database's reachability as the last probe saw it.
#[derive(Debug)]
pub struct DbHealth {
    /// Whether the last probe failed; waiting requests watch it.
    down: tokio::sync::watch::Sender<bool>,
    /// One connection of its own with short timeouts (PostgreSQL only).
    probe: Option<DatabaseConnection>,
}

impl DbHealth {
    /// A health for `db`'s server: on PostgreSQL a one-connection probe pool with the same
    /// connect options (opened on first use); on SQLite none.
    pub fn of(db: &DatabaseConnection) -> Arc<DbHealth> {
        if db.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Arc::new(DbHealth {
                down: tokio::sync::watch::Sender::new(false),
                probe: None,
            });
        }
        DbHealth::with_probe((*db.get_postgres_connection_pool().connect_options()).clone())
    }

    /// A health that probes the PostgreSQL server at `url` (tests: an address nobody listens on).
    pub fn probing(url: &str) -> anyhow::Result<Arc<DbHealth>> {
        Ok(DbHealth::with_probe(url.parse()?))
    }

    /// A health whose probe is one lazily opened connection with `opts`.
    fn with_probe(opts: sea_orm::sqlx::postgres::PgConnectOptions) -> Arc<DbHealth> {
        let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .acquire_timeout(PROBE_TIMEOUT)
            .connect_lazy_with(opts);
        Arc::new(DbHealth {
            down: tokio::sync::watch::Sender::new(false),
            probe: Some(sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(
                pool,
            )),
        })
    }

    /// Whether the last probe failed.
    pub fn is_down(&self) -> bool {
        *self.down.borrow()
    }

    /// Resolves when the probe next sees the database gone (at once if it is down now); never
    /// without a probe. What a query in flight is raced against.
    pub async fn gone(&self) {
        if self.probe.is_none() {
            return std::future::pending().await;
        }
        let mut down = self.down.subscribe();
        if down.wait_for(|d| *d).await.is_err() {
            // The health is being dropped: nothing will say the database is gone.
            std::future::pending::<()>().await;
        }
    }

    /// The probe's connection, for `/readyz`'s own checks (`None` on SQLite).
    pub fn connection(&self) -> Option<&DatabaseConnection> {
        self.probe.as_ref()
    }

    /// Probes once (`SELECT 1` within [`PROBE_TIMEOUT`]), records and returns whether the
    /// database answered. Always true without a probe.
    pub async fn check(&self) -> bool {
        let Some(db) = &self.probe else {
            return true;
        };
        let up = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, db.execute_unprepared("SELECT 1")).await,
            Ok(Ok(_))
        );
        let was_down = self.down.send_replace(!up);
        if was_down == up {
            if up {
                tracing::info!("database reachable again");
            } else {
                tracing::warn!("database unreachable: requests are answered UNAVAILABLE");
            }
        }
        up
    }

    /// Probes in the background for as long as `health` is held elsewhere (a task on the current
    /// runtime; it ends with the last other holder or with the runtime).
    pub fn spawn(health: &Arc<DbHealth>) {
        if health.probe.is_none() {
            return;
        }
        let weak = Arc::downgrade(health);
        tokio::spawn(async move {
            loop {
                let Some(h) = weak.upgrade() else { break };
                let up = h.check().await;
                drop(h);
                tokio::time::sleep(if up { UP_EVERY } else { DOWN_EVERY }).await;
            }
        });
    }
}

/// Whether `db`'s pool was closed (shutting down): it never serves again, whatever the probe says.
pub fn closed(db: &DatabaseConnection) -> bool {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db.get_postgres_connection_pool().is_closed(),
        _ => db.get_sqlite_connection_pool().is_closed(),
    }
}
