//! The `keluarga-gateway` binary: `serve` (the default), `migrate`, `seed`, `token`, `schema`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use keluarga_core::{Role, Scope};
use keluarga_gateway::config::Config;
use keluarga_gateway::{auth, domains, router, schema, startup};
use sea_orm_migration::MigratorTrait;

/// mimalloc instead of the system allocator: a request allocates and frees many small values
/// (parsed document, rows, response tree), and glibc's malloc spent a third of the gateway's CPU
/// on the list page (`bench/README.md`, "Read path").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keluarga Gateway: one GraphQL API over Indonesian local-government family programmes.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Folder holding default.toml and local.toml.
    #[arg(long, global = true, default_value = "config")]
    config: PathBuf,
    /// Database URL (overrides configuration and DATABASE_URL).
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve {
        /// Address to listen on (default 127.0.0.1:8000).
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply pending migrations (or roll all back with --down).
    Migrate {
        /// Roll back every migration instead.
        #[arg(long, conflicts_with = "rebuild_rollups")]
        down: bool,
        /// Then rebuild every statistics rollup from the records (after records were changed
        /// outside the gateway, or a bulk load was interrupted).
        #[arg(long)]
        rebuild_rollups: bool,
    },
    /// Write demo data (`--demo`), or a synthetic province for measurements (`--synthetic`).
    #[command(group(clap::ArgGroup::new("what").required(true).args(["demo", "synthetic"])))]
    Seed {
        /// The demo data of the seed articles plus a small synthetic population.
        #[arg(long)]
        demo: bool,
        /// A deterministic synthetic population over the real villages of one province, across
        /// every domain of this build (docs: bench/README.md, "Province scale").
        #[arg(long, requires_all = ["province", "families"])]
        synthetic: bool,
        /// The province of `--synthetic` (two digits: 33 is Jawa Tengah).
        #[arg(long)]
        province: Option<String>,
        /// How many families `--synthetic` writes.
        #[arg(long)]
        families: Option<usize>,
        /// The generator's seed: the same seed writes the same population.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print a signed development JWT.
    Token {
        /// ADMIN, OPERATOR, CADRE, ANALYST or DASHBOARD.
        #[arg(long)]
        role: String,
        /// Region code the token is scoped to ("" for the whole country).
        #[arg(long, default_value = "")]
        scope: String,
        /// Subject.
        #[arg(long, default_value = "dev")]
        sub: String,
        /// Validity in hours.
        #[arg(long, default_value_t = 12)]
        hours: u64,
    },
    /// Print the GraphQL SDL.
    Schema,
}

fn main() -> std::process::ExitCode {
    // The built-in commands, plus those the domains contribute (e.g. `import measurements`).
    let mut matches = Cli::command()
        .subcommands(domains::commands())
        .get_matches();
    let domain_command = match matches.subcommand_name() {
        Some(name) if domains::commands().iter().any(|c| c.get_name() == name) => {
            matches.remove_subcommand()
        }
        _ => None,
    };
    let parsed = Cli::from_arg_matches(&matches);
    let result = parsed
        .map_err(|e| e.exit())
        .and_then(|cli| start(cli, domain_command));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain on one line; no backtrace, whatever RUST_BACKTRACE says.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn start(cli: Cli, domain_command: Option<(String, ArgMatches)>) -> anyhow::Result<()> {
    let mut cfg = Config::load(&cli.config).context("configuration")?;
    let telemetry = keluarga_gateway::telemetry::init(&cfg)?;
    if let Some(url) = cli.database {
        cfg.database.url = url;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = match domain_command {
        Some((name, args)) => rt.block_on(run_domain_command(&cfg, &name, &args)),
        None => rt.block_on(run(
            cfg,
            cli.command.unwrap_or(Command::Serve { listen: None }),
        )),
    };
    // The spans of the last requests are exported before the process ends.
    telemetry.shutdown();
    // A task still running (a request cut at the end of the shutdown grace) is not waited for.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

async fn run(mut cfg: Config, command: Command) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    match command {
        Command::Schema => {
            out.write_all(schema::sdl().as_bytes())?;
        }
        Command::Token {
            role,
            scope,
            sub,
            hours,
        } => {
            let role = Role::parse(&role).with_context(|| {
                format!("--role {role:?}: expected ADMIN, OPERATOR, CADRE, ANALYST or DASHBOARD")
            })?;
            let scope = Scope::new(&scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
            let token = auth::sign_token(&cfg, &sub, role, &scope, hours * 3600)?;
            writeln!(out, "{token}")?;
        }
        Command::Migrate {
            down,
            rebuild_rollups,
        } => {
            let db = startup::connect(&cfg).await?;
            if down {
                keluarga_gateway::Migrator::down(&db, None).await?;
                tracing::info!("rolled back every migration");
            } else {
                startup::migrate(&db).await?;
                tracing::info!("database is migrated");
                if rebuild_rollups {
                    startup::rebuild_rollups(&db, &keluarga_core::Scope::all()).await?;
                }
            }
        }
        Command::Seed {
            synthetic: true,
            province,
            families,
            seed,
            ..
        } => {
            let db = startup::connect(&cfg).await?;
            startup::migrate(&db).await?;
            let app = startup::app_context(&cfg, db);
            let plan = keluarga_core::synthetic::Plan {
                province: province.unwrap_or_default(),
                families: families.unwrap_or_default(),
                seed,
                today: app.clock.today(),
            };
            let started = std::time::Instant::now();
            let s = startup::seed_synthetic(
                &app,
                plan,
                std::io::IsTerminal::is_terminal(&std::io::stderr()),
            )
            .await?;
            tracing::info!(
                villages = s.villages,
                families = s.families,
                persons = s.persons,
                batches = s.batches,
                seconds = started.elapsed().as_secs_f64(),
                "synthetic province written"
            );
            app.audit.flush().await?;
        }
        Command::Seed { .. } => {
            let db = startup::connect(&cfg).await?;
            startup::migrate(&db).await?;
            let app = startup::app_context(&cfg, db);
            if startup::seed_demo(&app).await? {
                tracing::info!("demo data written");
            } else {
                tracing::info!("demo data already present; nothing written");
            }
            app.audit.flush().await?;
        }
        Command::Serve { listen } => {
            if let Some(l) = listen {
                cfg.server.listen = l;
            }
            serve(cfg).await?;
        }
    }
    Ok(())
}

async fn serve(cfg: Config) -> anyhow::Result<()> {
    for w in startup::warnings(&cfg) {
        tracing::warn!("{w}");
    }
    let db = startup::connect(&cfg).await?;
    if cfg.database.migrate_on_start {
        startup::migrate(&db).await?;
    }
    let state = startup::state(&cfg, db)?;
    if cfg.seed_demo_on_first_start() && startup::seed_demo(&state.app).await? {
        tracing::info!("first start: demo data written");
    }
    let listener = tokio::net::TcpListener::bind(&cfg.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.server.listen))?;
    let addr = listener.local_addr()?;
    eprintln!("Keluarga Gateway listening on http://{addr}");
    eprintln!("  GraphiQL:  http://{addr}/graphiql (served from the binary; no CDN)");
    eprintln!("  database:  {}", redact(&cfg.database.url));
    eprintln!("  dev token: cargo run -- token --role ADMIN   (or --role OPERATOR --scope 33.75)");
    eprintln!("             send it as the header  Authorization: Bearer <token>");
    let audit = state.app.audit.clone();
    if cfg.audit.retention_days > 0 {
        tokio::spawn(prune_audit(state.app.db.clone(), cfg.audit.retention_days));
    }
    let signalled = std::sync::Arc::new(tokio::sync::Notify::new());
    let on_signal = signalled.clone();
    let server = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown().await;
        on_signal.notify_one();
    });
    let grace = std::time::Duration::from_secs(cfg.server.shutdown_grace_secs);
    tokio::select! {
        served = server.into_future() => served?,
        () = async {
            signalled.notified().await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!(
                grace_secs = grace.as_secs(),
                "requests still in flight after the shutdown grace were cut"
            );
        }
    }
    // Every audit entry queued, by the requests that finished and by those cut, is written
    // before the process ends (bounded too: a database out of reach does not hold the exit).
    match tokio::time::timeout(grace.max(std::time::Duration::from_secs(5)), audit.flush()).await {
        Ok(flushed) => flushed?,
        Err(_) => tracing::error!("the audit queue could not be written before exit"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// A subcommand a domain contributed, on a migrated database.
async fn run_domain_command(cfg: &Config, name: &str, args: &ArgMatches) -> anyhow::Result<()> {
    let db = startup::connect(cfg).await?;
    startup::migrate(&db).await?;
    let app = startup::app_context(cfg, db);
    let domain_cfgs = domains::DomainConfigs::from_sections(&cfg.domains)?;
    let result = domains::run_command(&app, &domain_cfgs, name, args)
        .await
        .unwrap_or_else(|| Err(anyhow::anyhow!("{name}: no domain of this build runs it")));
    app.audit.flush().await?;
    result
}

/// Deletes audit entries older than the retention, at start and then hourly.
async fn prune_audit(db: sea_orm::DatabaseConnection, days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        let before = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
        match keluarga_core::audit::prune(&db, before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deleted = n,
                days,
                "audit entries past their retention deleted"
            ),
            Err(e) => tracing::warn!(error = %e, "audit pruning failed; retrying in an hour"),
        }
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_owned(),
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
