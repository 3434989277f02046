//! The `keluarga-gateway` binary: `serve` (the default), `migrate`, `seed`, `token`, `schema`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use keluarga_core::{Role, Scope};
use keluarga_gateway::config::Config;
use keluarga_gateway::{auth, router, schema, startup};
use sea_orm_migration::MigratorTrait;

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
        #[arg(long)]
        down: bool,
    },
    /// Write demo data.
    Seed {
        /// The demo data of the seed articles plus a small synthetic population.
        #[arg(long, required = true)]
        demo: bool,
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
    /// Import records from a file (all or nothing: every bad row is reported, then nothing is
    /// written).
    #[cfg(feature = "stunting")]
    Import {
        #[command(subcommand)]
        what: Import,
    },
}

#[cfg(feature = "stunting")]
#[derive(Subcommand)]
enum Import {
    /// Growth measurements from CSV (columns in the README), scored on the way in.
    Measurements {
        /// The CSV file.
        file: PathBuf,
        /// Only accept children inside this region code (default: the whole country).
        #[arg(long, default_value = "")]
        scope: String,
    },
}

fn main() -> std::process::ExitCode {
    match start(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain on one line; no backtrace, whatever RUST_BACKTRACE says.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn start(cli: Cli) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut cfg = Config::load(&cli.config).context("configuration")?;
    if let Some(url) = cli.database {
        cfg.database.url = url;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(
        cfg,
        cli.command.unwrap_or(Command::Serve { listen: None }),
    ))
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
        Command::Migrate { down } => {
            let db = startup::connect(&cfg).await?;
            if down {
                migration::Migrator::down(&db, None).await?;
                tracing::info!("rolled back every migration");
            } else {
                startup::migrate(&db).await?;
                tracing::info!("database is migrated");
            }
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
        }
        #[cfg(feature = "stunting")]
        Command::Import {
            what: Import::Measurements { file, scope },
        } => {
            import_measurements(&cfg, &file, &scope).await?;
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
    if cfg.database.seed_demo_on_first_start && startup::seed_demo(&state.app).await? {
        tracing::info!("first start: demo data written");
    }
    let listener = tokio::net::TcpListener::bind(&cfg.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.server.listen))?;
    let addr = listener.local_addr()?;
    eprintln!("Keluarga Gateway listening on http://{addr}");
    eprintln!("  GraphiQL:  http://{addr}/graphql (open in a browser)");
    eprintln!("  database:  {}", redact(&cfg.database.url));
    eprintln!("  dev token: cargo run -- token --role ADMIN   (or --role OPERATOR --scope 33.75)");
    eprintln!("             send it as the header  Authorization: Bearer <token>");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

#[cfg(feature = "stunting")]
async fn import_measurements(
    cfg: &Config,
    file: &std::path::Path,
    scope: &str,
) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    use keluarga_stunting::import::{self, Phase};
    let scope = Scope::new(scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let db = startup::connect(cfg).await?;
    startup::migrate(&db).await?;
    let app = startup::app_context(cfg, db);
    let actor = keluarga_core::Actor::new(
        "cli:import",
        Role::Admin,
        scope,
        keluarga_core::Credential::Anonymous,
    );
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos}/{len} rows [{elapsed}] {wide_bar}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message("checking");
    let progress = |phase: Phase, done: u64, total: u64| {
        match phase {
            Phase::Checking => bar.set_message("checking"),
            Phase::Writing => bar.set_message("writing"),
        }
        if total > 0 {
            bar.set_length(total);
        }
        bar.set_position(done);
    };
    let started = std::time::Instant::now();
    let result =
        import::import_measurements(&app, &actor, std::io::BufReader::new(reader), &progress).await;
    bar.finish_and_clear();
    match result {
        Ok(s) => {
            let mut out = std::io::stdout();
            writeln!(
                out,
                "imported {} measurements of {} children from {} rows in {:.2} s ({} stored with a WHO flag)",
                s.imported,
                s.children,
                s.rows,
                started.elapsed().as_secs_f64(),
                s.flagged
            )?;
            Ok(())
        }
        Err(keluarga_stunting::error::Error::Import { rows, total }) => {
            let mut err = std::io::stderr();
            for r in &rows {
                writeln!(err, "{}: {r}", file.display())?;
            }
            anyhow::bail!(
                "{} of {total} rows are invalid; nothing was imported",
                rows.len()
            )
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
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
