//! The domain's CLI subcommands: `import assessments FILE.csv [--scope CODE]` and
//! `framework import FILE.toml|json`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Arg, ArgMatches, Command};
use keluarga_core::{Actor, AppContext, Credential, Role, Scope};

use crate::{import, service};

fn file_arg(help: &'static str) -> Arg {
    Arg::new("file")
        .value_name("FILE")
        .help(help)
        .required(true)
        .value_parser(clap::value_parser!(PathBuf))
}

/// `import assessments FILE [--scope CODE]` (merged into the gateway's `import` command).
pub fn import_command() -> Command {
    Command::new("import")
        .about("Import records from a file (all or nothing: every bad row is reported, then nothing is written)")
        .subcommand_required(true)
        .subcommand(
            Command::new("assessments")
                .about("Family-resilience assessments from CSV (one row per family, one column per indicator; columns in the README), scored on the way in")
                .arg(file_arg("The CSV file"))
                .arg(
                    Arg::new("scope")
                        .long("scope")
                        .value_name("CODE")
                        .help("Only accept families inside this region code (default: the whole country)")
                        .default_value(""),
                ),
        )
}

/// `framework import FILE`.
pub fn framework_command() -> Command {
    Command::new("framework")
        .about("The family-resilience indicator framework")
        .subcommand_required(true)
        .subcommand(
            Command::new("import")
                .about("Publish a new framework version from TOML or JSON (the shape of data/framework-v1.toml); older assessments keep their version")
                .arg(file_arg("The TOML or JSON file")),
        )
}

/// Runs the domain's commands.
pub async fn run(app: &AppContext, name: &str, args: &ArgMatches) -> anyhow::Result<()> {
    match (name, args.subcommand()) {
        ("import", Some(("assessments", m))) => {
            let file = m.get_one::<PathBuf>("file").context("FILE is required")?;
            let scope = m.get_one::<String>("scope").map_or("", String::as_str);
            let scope = Scope::new(scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
            let actor = Actor::new("cli:import", Role::Admin, scope, Credential::Anonymous);
            let (cli, reader) = keluarga_core::import::CliImport::open(file)?;
            let progress = |phase, done, total| cli.progress(phase, done, total);
            let result = import::import_assessments(app, &actor, reader, &progress).await;
            cli.finish(result, |s, secs| {
                format!(
                    "imported {} assessments of {} families from {} rows in {secs:.2} s",
                    s.imported, s.families, s.rows
                )
            })
        }
        ("framework", Some(("import", m))) => {
            let file = m.get_one::<PathBuf>("file").context("FILE is required")?;
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let actor = Actor::new(
                "cli:framework",
                Role::Admin,
                Scope::all(),
                Credential::Anonymous,
            );
            let row = service::publish_framework(app, &actor, &text)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            use std::io::Write as _;
            writeln!(
                std::io::stdout(),
                "published framework version {}: {}",
                row.version,
                row.name
            )?;
            Ok(())
        }
        _ => anyhow::bail!("{name}: not a ketahanan-keluarga command"),
    }
}
