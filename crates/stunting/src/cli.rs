//! The stunting domain's CLI subcommand: `import measurements FILE.csv [--scope CODE]`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Arg, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressStyle};
use keluarga_core::{Actor, AppContext, Credential, Role, Scope};

use crate::import::{self, Phase};

/// `import measurements FILE [--scope CODE]`.
pub fn import_command() -> Command {
    Command::new("import")
        .about("Import records from a file (all or nothing: every bad row is reported, then nothing is written)")
        .subcommand_required(true)
        .subcommand(
            Command::new("measurements")
                .about("Growth measurements from CSV (columns in the README), scored on the way in")
                .arg(
                    Arg::new("file")
                        .value_name("FILE")
                        .help("The CSV file")
                        .required(true)
                        .value_parser(clap::value_parser!(PathBuf)),
                )
                .arg(
                    Arg::new("scope")
                        .long("scope")
                        .value_name("CODE")
                        .help("Only accept children inside this region code (default: the whole country)")
                        .default_value(""),
                ),
        )
}

/// Runs `import measurements`.
pub async fn run(app: &AppContext, name: &str, args: &ArgMatches) -> anyhow::Result<()> {
    match (name, args.subcommand()) {
        ("import", Some(("measurements", m))) => {
            let file = m.get_one::<PathBuf>("file").context("FILE is required")?;
            let scope = m.get_one::<String>("scope").map_or("", String::as_str);
            import_measurements(app, file, scope).await
        }
        _ => anyhow::bail!("{name}: not a stunting command"),
    }
}

async fn import_measurements(
    app: &AppContext,
    file: &std::path::Path,
    scope: &str,
) -> anyhow::Result<()> {
    let scope = Scope::new(scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let actor = Actor::new("cli:import", Role::Admin, scope, Credential::Anonymous);
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
        import::import_measurements(app, &actor, std::io::BufReader::new(reader), &progress).await;
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
        Err(crate::error::Error::Import { rows, total }) => {
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
