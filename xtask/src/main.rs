//! `cargo xtask <task>`: maintainer tasks of integrations-rs.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::files::Outcome;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks of integrations-rs")]
struct Cli {
    /// Workspace to work on (default: the one this xtask belongs to).
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<std::path::PathBuf>,
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the vendor clients in crates/*-api from the specs in spec/.
    Codegen {
        /// Write nothing; fail with a diff when a committed generated file is stale.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
        Task::Codegen { check } => {
            let root = cli.workspace.clone().unwrap_or_else(xtask::workspace_root);
            let result = xtask::run(&root, check, |file, diff| {
                eprintln!("{file} is stale:\n{diff}");
            });
            match result {
                Ok(reports) => {
                    for report in reports {
                        let what = match report.outcome {
                            Outcome::Written => "wrote",
                            Outcome::Unchanged | Outcome::Stale(_) => "up to date",
                        };
                        eprintln!("{what}: {}", report.file);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
