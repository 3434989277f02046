//! The domain's CLI subcommand: `import rankings FILE.csv [--scope CODE]`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Arg, ArgMatches, Command};
use keluarga_core::{Actor, AppContext, Credential, Role, Scope};

use crate::import;

/// `import rankings FILE [--scope CODE]` (merged into the gateway's `import` command).
pub fn import_command() -> Command {
    Command::new("import")
        .about("Import records from a file (all or nothing: every bad row is reported, then nothing is written)")
        .subcommand_required(true)
        .subcommand(
            Command::new("rankings")
                .about("Welfare rankings from CSV (a DTKS/P3KE/DTSEN extract: family_id or kk, source, decile, as_of)")
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
                        .help("Only accept families inside this region code (default: the whole country)")
                        .default_value(""),
                ),
        )
}

/// Runs the domain's commands.
pub async fn run(app: &AppContext, name: &str, args: &ArgMatches) -> anyhow::Result<()> {
    match (name, args.subcommand()) {
        ("import", Some(("rankings", m))) => {
            let file = m.get_one::<PathBuf>("file").context("FILE is required")?;
            let scope = m.get_one::<String>("scope").map_or("", String::as_str);
            let scope = Scope::new(scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
            let actor = Actor::new("cli:import", Role::Admin, scope, Credential::Anonymous);
            let (cli, reader) = keluarga_core::import::CliImport::open(file)?;
            let progress = |phase, done, total| cli.progress(phase, done, total);
            let result = import::import_rankings(app, &actor, reader, &progress).await;
            cli.finish(result, |s, secs| {
                format!(
                    "imported {} rankings of {} families from {} rows in {secs:.2} s",
                    s.imported, s.families, s.rows
                )
            })
        }
        _ => anyhow::bail!("{name}: not an ekonomi-keluarga command"),
    }
}
