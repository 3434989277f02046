//! Building the application from configuration: connect, migrate, seed, and assemble the state.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use keluarga_core::pii::PiiKey;
use keluarga_core::{AppContext, CoreSettings};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use sea_orm_migration::MigratorTrait;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::http::AppState;
use crate::schema::{self, Limits};

/// Connects to the configured database; creates the SQLite file's folder if needed.
pub async fn connect(cfg: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = &cfg.database.url;
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or("");
        if let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)?;
        }
    }
    let mut opts = ConnectOptions::new(url.clone());
    opts.max_connections(cfg.database.max_connections)
        .connect_timeout(Duration::from_secs(10))
        // While the database is down a request fails after this wait (UNAVAILABLE) instead of
        // holding its client until the request timeout; the pool reconnects by itself.
        .acquire_timeout(Duration::from_millis(cfg.database.acquire_timeout_ms))
        // A connection is pinged before use only when it has been idle for 30 s (dropped by
        // the server, a proxy or a firewall): pinging every checkout added a round trip to
        // every statement (bench/README.md, "Read path"). A hot connection broken by a
        // database restart fails its statement once and is then discarded by the pool.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    let timeout = cfg.database.statement_timeout_ms;
    // JIT compilation off: it costs a query estimated as large (a city's priority list, a
    // national statistic) hundreds of milliseconds of compiling before it runs, more than an API
    // query's whole run.
    opts.map_sqlx_postgres_opts(move |o| {
        o.options([
            ("statement_timeout", format!("{timeout}")),
            ("jit", "off".to_owned()),
        ])
    });
    // SQLite in write-ahead-log mode: readers are not blocked by the audit log's writes (in the
    // default rollback-journal mode every audit batch locked the whole file, and the list page
    // at one connection took 4 times PostgreSQL's time); `synchronous = FULL` keeps every
    // commit durable.
    opts.map_sqlx_sqlite_opts(|o| {
        use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
    });
    let mut db = Database::connect(opts)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    count_statements(&mut db);
    Ok(db)
}

/// Counts every statement sent through `db` against the operation that sent it
/// (`graphql_operation_statements`) and traces it ([`keluarga_core::store::statement_sent`]).
pub fn count_statements(db: &mut DatabaseConnection) {
    db.set_metric_callback(keluarga_core::store::statement_sent);
}

/// A pool like `db`'s (same server, TLS, size and timeouts) whose connections run with a
/// statement timeout of `ms` milliseconds (0: none), for the roles that have their own
/// (`graphql.roles.<ROLE>.statement_timeout_ms`); `None` on SQLite, which has no statement
/// timeout. It opens its connections when first used, so a role that sends nothing costs nothing.
///
/// A pool per timeout rather than `SET statement_timeout` around each operation: an operation's
/// statements run on whichever connections its loaders take, so the setting would cost a round
/// trip on every checkout and could be left behind on a connection by a cancelled request.
pub fn with_statement_timeout(db: &DatabaseConnection, ms: u64) -> Option<DatabaseConnection> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return None;
    }
    let pool = db.get_postgres_connection_pool();
    // A later `-c statement_timeout` in the startup options overrides an earlier one.
    let connect = (*pool.connect_options())
        .clone()
        .options([("statement_timeout", ms.to_string())]);
    let pool = pool.options().clone().connect_lazy_with(connect);
    let mut own = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    count_statements(&mut own);
    Some(own)
}

/// Applies every pending migration, then builds every rollup not yet built
/// (`keluarga_core::rollup::ensure`).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    crate::Migrator::up(db, None).await?;
    keluarga_core::rollup::ensure(db, &crate::domains::rollups()).await?;
    Ok(())
}

/// Rebuilds every rollup in `scope` from the records, after a bulk load.
pub async fn rebuild_rollups(
    db: &DatabaseConnection,
    scope: &keluarga_core::Scope,
) -> anyhow::Result<()> {
    for r in crate::domains::rollups() {
        let started = std::time::Instant::now();
        keluarga_core::rollup::rebuild_whole(db, r, scope).await?;
        tracing::info!(
            rollup = r.name,
            seconds = started.elapsed().as_secs_f64(),
            "rollup rebuilt from the records"
        );
    }
    Ok(())
}

/// The shared context from configuration and a connection.
///
/// Starts the audit writer on the current tokio runtime.
pub fn app_context(cfg: &Config, db: DatabaseConnection) -> AppContext {
    keluarga_core::stats::read_rollups(cfg.statistics.read_rollups);
    AppContext {
        db: db.clone(),
        pii: PiiKey::new(cfg.pii_key().as_bytes().to_vec()),
        settings: CoreSettings {
            max_page_size: cfg.graphql.max_page_size,
            default_page_size: cfg.graphql.default_page_size,
            disclosure: keluarga_core::stats::Disclosure {
                threshold: cfg.statistics.suppression_threshold,
                rounding: cfg.statistics.rounding_base,
            },
            max_page_size_by_role: crate::limits::page_sizes(&cfg.graphql),
        },
        person_region_tables: crate::domains::person_region_tables(),
        sex_measures: crate::domains::sex_measures(),
        audit: keluarga_core::audit::AuditSink::spawn(db.clone()),
        clock: keluarga_core::Clock::System,
    }
}

/// Seeds the demo data of core and every domain (each does nothing if its data is there).
pub async fn seed_demo(app: &AppContext) -> anyhow::Result<bool> {
    let wrote = keluarga_core::seed::demo(app).await?;
    crate::domains::seed_demo(app).await?;
    if wrote {
        rebuild_rollups(&app.db, &keluarga_core::Scope::all()).await?;
        // Planner statistics for the tables just filled: without them PostgreSQL planned the
        // list page badly until autovacuum came round (p50 37 ms instead of 8 ms at one
        // connection), and SQLite keeps none unless asked.
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, "ANALYZE").await?;
    }
    Ok(wrote)
}

/// What `seed --synthetic` wrote.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticSummary {
    /// Villages filled.
    pub villages: usize,
    /// Families written.
    pub families: usize,
    /// Persons written.
    pub persons: usize,
    /// Batches (transactions).
    pub batches: usize,
}

/// Writes a synthetic province (`seed --synthetic`, `keluarga_core::synthetic`): its villages in
/// batches of about 5,000 families, each batch in one transaction (core's registry, then every
/// domain's part), with a progress bar on stderr when `progress`. Refused when the province
/// already has families: synthetic data goes into an empty province, so a run never mixes with
/// real records.
pub async fn seed_synthetic(
    app: &AppContext,
    plan: keluarga_core::synthetic::Plan,
    progress: bool,
) -> anyhow::Result<SyntheticSummary> {
    use keluarga_core::synthetic;
    let db = &app.db;
    let villages = synthetic::villages(db, &plan.province).await?;
    let scope = keluarga_core::Scope::new(&plan.province)?;
    let existing = keluarga_core::store::families_count(db, &scope).await?;
    if existing > 0 {
        anyhow::bail!(
            "province {} already has {existing} families: a synthetic population is written into an empty province",
            plan.province
        );
    }
    let per_village = synthetic::families_per_village(plan.families, villages.len());
    let mut seen = std::collections::HashSet::new();
    let first: std::collections::HashMap<&str, bool> = villages
        .iter()
        .map(|v| (v.as_str(), seen.insert(v.get(..5).unwrap_or("").to_owned())))
        .collect();
    let bar = if progress {
        indicatif::ProgressBar::new(plan.families as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} families ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut summary = SyntheticSummary {
        villages: villages.len(),
        families: 0,
        persons: 0,
        batches: 0,
    };
    for (number, (vs, ns)) in synthetic::batches(&villages, &per_village, 5_000)
        .into_iter()
        .enumerate()
    {
        let mut families = Vec::new();
        for (v, n) in vs.iter().zip(&ns) {
            let mut rng = synthetic::village_rng(plan.seed, v);
            families.extend(synthetic::village_families(&mut rng, v, *n, plan.today));
        }
        let mut batch = synthetic::Batch {
            plan: plan.clone(),
            number,
            first_of_regency: vs
                .iter()
                .map(|v| first.get(v.as_str()).copied().unwrap_or(false))
                .collect(),
            villages: vs,
            families,
            cadres: Vec::new(),
        };
        let t0 = std::time::Instant::now();
        let txn = keluarga_core::store::begin_write(db).await?;
        if sea_orm::ConnectionTrait::get_database_backend(db) == sea_orm::DbBackend::Sqlite {
            // A 1 GiB page cache on the connection writing: with SQLite's default 2 MB the
            // growing indexes were read from disk again and again, and a batch went from 3.9 s
            // to 25.8 s by the 25th of a million families. Per connection, so set on each
            // batch's (whichever the pool hands out); the gateway itself keeps the default.
            sea_orm::ConnectionTrait::execute_unprepared(&txn, "PRAGMA cache_size = -1048576")
                .await?;
        }
        synthetic::write_registry(&txn, &mut batch).await?;
        let t1 = std::time::Instant::now();
        crate::domains::seed_synthetic(app, &txn, &batch).await?;
        let t2 = std::time::Instant::now();
        txn.commit().await?;
        tracing::debug!(
            batch = number,
            registry_ms = (t1 - t0).as_secs_f64() * 1000.0,
            domains_ms = (t2 - t1).as_secs_f64() * 1000.0,
            commit_ms = t2.elapsed().as_secs_f64() * 1000.0,
            "synthetic batch written"
        );
        summary.families += batch.families.len();
        summary.persons += batch
            .families
            .iter()
            .map(|f| f.members.len())
            .sum::<usize>();
        summary.batches += 1;
        bar.inc(batch.families.len() as u64);
        // Planner statistics as the tables grow (after 1, 2, 4, 8... batches): without them
        // PostgreSQL keeps the plans of empty tables, and the domains' look-ups in later batches
        // (ekonomi's facts) scanned whole tables, a batch taking 15 s instead of 1.
        if summary.batches.is_power_of_two() {
            sea_orm::ConnectionTrait::execute_unprepared(db, "ANALYZE").await?;
        }
    }
    bar.finish_and_clear();
    sea_orm::ConnectionTrait::execute_unprepared(db, "ANALYZE").await?;
    let t = std::time::Instant::now();
    rebuild_rollups(db, &scope).await?;
    tracing::debug!(ms = t.elapsed().as_secs_f64() * 1000.0, "rollups rebuilt");
    sea_orm::ConnectionTrait::execute_unprepared(db, "ANALYZE").await?;
    Ok(summary)
}

fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (several apps in one test process).
            let _ = metrics::set_global_recorder(recorder);
            // A recorder built by hand has no upkeep task: without one, every histogram sample
            // is kept until `/metrics` is scraped, and an unscraped gateway grew by about 65
            // bytes a request (the 20-minute soak in bench/README.md, "Fault drills").
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new()
                .name("metrics-upkeep".to_owned())
                .spawn(move || {
                    loop {
                        std::thread::sleep(Duration::from_secs(5));
                        upkeep.run_upkeep();
                    }
                });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "metrics upkeep thread not started");
            }
            handle
        })
        .clone()
}

/// The request-handling state from configuration and a migrated database.
pub fn state(cfg: &Config, db: DatabaseConnection) -> anyhow::Result<AppState> {
    state_at(cfg, db, keluarga_core::Clock::System)
}

/// [`state`] with a given clock (tests fix "today").
pub fn state_at(
    cfg: &Config,
    db: DatabaseConnection,
    clock: keluarga_core::Clock,
) -> anyhow::Result<AppState> {
    let app = AppContext {
        clock,
        ..app_context(cfg, db)
    };
    if cfg.statistics.rounding_base < 0 || cfg.statistics.suppression_threshold < 0 {
        anyhow::bail!(
            "statistics.suppression_threshold and statistics.rounding_base must be 0 or more"
        );
    }
    let roles =
        crate::limits::RoleTable::from_config(&cfg.graphql, cfg.database.statement_timeout_ms)?;
    let limits = Limits {
        max_depth: cfg.graphql.max_depth,
        max_complexity: cfg.graphql.max_complexity,
        introspection: cfg.introspection(),
        suggestions: cfg.suggestions(),
        trace_resolvers: cfg.observability.trace_resolvers,
    };
    let domains = schema::DomainConfigs::from_sections(&cfg.domains)?;
    let mut pools = std::collections::HashMap::new();
    for l in roles.iter() {
        let ms = l.statement_timeout_ms;
        if ms != cfg.database.statement_timeout_ms
            && !pools.contains_key(&ms)
            && let Some(db) = with_statement_timeout(&app.db, ms)
        {
            pools.insert(ms, db);
        }
    }
    let health = crate::health::DbHealth::of(&app.db);
    crate::health::DbHealth::spawn(&health);
    Ok(AppState {
        health,
        schemas: Arc::new(schema::Schemas::build(
            &app, &domains, &limits, &roles, &pools,
        )),
        upload_limit: domains.upload_limit(),
        app,
        auth: Arc::new(Authenticator::new(cfg)?),
        metrics: metrics_handle(),
        limits: Arc::new(roles),
        body_limit: cfg.server.body_limit_bytes,
        timeout: Duration::from_secs(cfg.server.request_timeout_secs),
        cors_allowed_origins: cfg.server.cors_allowed_origins.clone(),
        documents: Arc::new(crate::documents::DocumentCache::new(
            cfg.graphql.document_cache,
            crate::shape::DocumentLimits::of(&cfg.graphql),
        )),
        operations: Arc::default(),
        persisted: Arc::new(crate::persisted::Persisted::from_config(
            &cfg.graphql.trusted_documents,
            cfg.graphql.apq_cache,
        )?),
        rate_limits: Arc::new(crate::ratelimit::RateLimiter::from_config(
            &cfg.rate_limits,
        )?),
    })
}

/// Warnings about development defaults and unsafe settings still in force.
pub fn warnings(cfg: &Config) -> Vec<&'static str> {
    let mut w = Vec::new();
    if cfg.auth.jwt_secret.is_none() && cfg.auth.jwt_algorithm.eq_ignore_ascii_case("HS256") {
        w.push("auth.jwt_secret is not set: using the development secret (set KELUARGA__AUTH__JWT_SECRET in production)");
    }
    if cfg.security.pii_key.is_none() {
        w.push("security.pii_key is not set: using the development PII key (set KELUARGA__SECURITY__PII_KEY in production)");
    }
    if cfg.database.url.starts_with("sqlite:")
        && cfg
            .graphql
            .roles
            .values()
            .any(|r| r.statement_timeout_ms.is_some())
    {
        w.push("graphql.roles.<ROLE>.statement_timeout_ms has no effect on SQLite, which has no statement timeout (graphql.roles.<ROLE>.operation_timeout_ms bounds an operation on either backend)");
    }
    if unverified_remote_postgres(&cfg.database.url) {
        w.push("database.url names a PostgreSQL server on another host without sslmode=verify-full (or verify-ca): its TLS certificate is not checked, so the connection can be read or redirected on the way (add ?sslmode=verify-full&sslrootcert=/path/to/ca.pem)");
    }
    w
}

/// Whether `url` is a PostgreSQL server on another host whose certificate is not verified
/// (`sslmode` absent, `disable`, `allow`, `prefer` or `require`).
pub fn unverified_remote_postgres(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return false;
    };
    let (authority, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q),
        None => (rest, ""),
    };
    let authority = authority.split('/').next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let local = matches!(host, "" | "localhost" | "127.0.0.1" | "::1")
        || query.split('&').any(|kv| kv.starts_with("host=/"));
    let verified = query.split('&').any(|kv| {
        matches!(
            kv.split_once('='),
            Some(("sslmode" | "ssl-mode", "verify-full" | "verify-ca"))
        )
    });
    !local && !verified
}

#[cfg(test)]
mod tests {
    use super::unverified_remote_postgres as unverified;

    #[test]
    fn a_role_statement_timeout_on_sqlite_is_flagged() {
        let flagged = |cfg: &crate::config::Config| {
            super::warnings(cfg)
                .iter()
                .any(|w| w.contains("statement_timeout_ms has no effect on SQLite"))
        };
        let mut cfg = crate::config::Config::default();
        assert!(!flagged(&cfg));
        cfg.graphql.roles.insert(
            "DASHBOARD".to_owned(),
            crate::config::RoleLimits {
                statement_timeout_ms: Some(500),
                ..Default::default()
            },
        );
        assert!(flagged(&cfg));
        cfg.database.url = "postgres://postgres@localhost/keluarga".to_owned();
        assert!(!flagged(&cfg));
    }

    #[test]
    fn a_remote_postgres_without_certificate_checks_is_flagged() {
        assert!(unverified("postgres://app:pw@db.internal:5432/keluarga"));
        assert!(unverified(
            "postgres://app@10.0.0.5/keluarga?sslmode=require"
        ));
        assert!(unverified("postgresql://db.internal/k?sslmode=prefer"));
        assert!(!unverified(
            "postgres://app@db.internal/k?sslmode=verify-full&sslrootcert=/ca.pem"
        ));
        assert!(!unverified(
            "postgres://app@db.internal/k?sslmode=verify-ca"
        ));
        assert!(!unverified("postgres://postgres@127.0.0.1:5432/postgres"));
        assert!(!unverified("postgres://postgres@localhost/postgres"));
        assert!(!unverified("postgres://u@[::1]:5432/k"));
        assert!(!unverified("postgres:///k?host=/var/run/postgresql"));
        assert!(!unverified("sqlite://data/keluarga.sqlite?mode=rwc"));
    }
}
