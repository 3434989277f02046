//! The stunting domain's CLI subcommand: `import measurements FILE.csv [--scope CODE]`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Arg, ArgMatches, Command};
use keluarga_core::{Actor, AppContext, Credential, Role, Scope};

use crate::import;

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
    let actor = Actor::new("cli:import", Role::Admin, scope, Credential::Anonymous);
    let (cli, reader) = keluarga_core::import::CliImport::open(file)?;
    let progress = |phase, done, total| cli.progress(phase, done, total);
    let result = import::import_measurements(app, &actor, reader, &progress)
        .await
        .map_err(|crate::error::Error::Core(e)| e);
    cli.finish(result, |s, secs| {
        format!(
            "imported {} measurements of {} children from {} rows in {secs:.2} s ({} stored with a WHO flag)",
            s.imported, s.children, s.rows, s.flagged
        )
    })
}
