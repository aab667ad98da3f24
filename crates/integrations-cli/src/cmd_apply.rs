//! `integrations apply -f FILE [--yes] [--rotate-secrets]`: makes the providers match a state
//! file, as Terraform's `apply` does:
//!
//! 1. plans (as `plan`) and prints the plan;
//! 2. resolves every reference the plan sends (`{ env = "NAME" }`, `{ file = "PATH" }`): one that
//!    cannot be resolved is a configuration error (exit code 8) and nothing is sent;
//! 3. asks for confirmation on the terminal (only `yes` applies), or refuses when there is no
//!    terminal, unless `--yes`;
//! 4. sends one update per integration to change, with only its changed fields, reads each back,
//!    and prints each one's outcome: applied, failed, not attempted, or unsupported (Torq, whose
//!    integrations cannot be changed).
//!
//! The exit code is 0 when everything planned was applied, 13 otherwise. Integrations missing
//! from a provider are not created and unexpected ones not deleted: the plan shows them.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use integrations::state::{self, IntegrationPlan, ParamState, Plan, SecretSource, StateDocument};

use crate::cmd_plan::{live_plan, read_state};
use crate::context::Context;
use crate::document_state::{ApplyDocument, PlanDocument};
use crate::error::CliError;

/// The options of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The state file (TOML, as `export` writes it).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Apply without asking (needed when there is no terminal to ask on, as in CI).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Send every referenced secret, even those the vendor says are set (their values cannot be
    /// read back to compare).
    #[arg(long)]
    pub rotate_secrets: bool,
}

/// The only answer that applies.
const YES: &str = "yes";

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, args: &ApplyArgs) -> Result<(), CliError> {
    let desired = read_state(&args.file, &ctx.providers).await?;
    let providers = ctx.providers.all().to_vec();
    let plan = live_plan(ctx, &providers, &desired, args.rotate_secrets).await?;
    let plan_doc = PlanDocument::new(&plan);
    if !ctx.out.is_json() {
        ctx.out.plan(&plan_doc)?;
    }
    let secrets = SecretSource::environment();
    check_references(&args.file, &plan, &desired, &secrets)?;
    let updates = plan.updates().count();
    if updates > 0 && !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(format!(
                "apply would update {updates} integration(s) and there is no terminal to confirm on: pass --yes to apply without asking"
            )));
        }
        ctx.out.prompt(&format!(
            "Apply {updates} update(s)? Only `{YES}` applies: "
        ))?;
        let answer = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|_| line)
        })
        .await
        .map_err(|e| CliError::io("reading the answer", std::io::Error::other(e)))?
        .map_err(|e| CliError::io("reading the answer", e))?;
        if !confirms(&answer) {
            return Err(CliError::Cancelled);
        }
    }
    let report = state::apply(&providers, &plan, &secrets).await?;
    let doc = ApplyDocument::new(plan_doc, report);
    ctx.out.apply_report(&doc)?;
    if doc.complete {
        Ok(())
    } else {
        Err(CliError::ApplyIncomplete {
            summary: doc.summary,
        })
    }
}

/// Whether `answer` (a line read from the terminal) confirms: `yes` and nothing else, as
/// Terraform asks.
fn confirms(answer: &str) -> bool {
    answer.trim() == YES
}

/// Resolves each reference the plan's updates send (only those: a reference to a secret that
/// does not change is never read), so that one that cannot be resolved stops apply before
/// it asks or sends anything. The error names the file, provider, integration and parameter,
/// and the reference; never a value.
fn check_references(
    file: &std::path::Path,
    plan: &Plan,
    desired: &StateDocument,
    secrets: &SecretSource,
) -> Result<(), CliError> {
    for planned in plan.updates() {
        let IntegrationPlan::Update { changes } = &planned.plan else {
            continue;
        };
        let Some(state) = desired
            .providers
            .get(&planned.provider)
            .and_then(|p| p.integrations.get(planned.id.vendor_id()))
        else {
            continue;
        };
        for change in changes {
            let Some(name) = change.field.strip_prefix("params.") else {
                continue;
            };
            if let Some(ParamState::Secret(secret)) = state.params.get(name) {
                secrets.resolve(secret).map_err(|e| {
                    CliError::Config(format!(
                        "{}: {}: {}: `{name}`: {e}; nothing was sent",
                        file.display(),
                        planned.provider,
                        planned.id
                    ))
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_confirms() {
        assert!(confirms("yes\n"));
        assert!(confirms("  yes\r\n"));
        for answer in ["", "\n", "y\n", "YES\n", "no\n", "yes please\n"] {
            assert!(!confirms(answer), "{answer:?}");
        }
    }
}
