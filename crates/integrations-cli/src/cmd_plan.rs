//! `integrations plan -f FILE [--rotate-secrets]`: how the live state of the providers differs
//! from a state file (`export` writes one), field by field, as `old → new`.
//!
//! The exit code follows `terraform plan -detailed-exitcode`, so that a CI job can check for
//! drift: 0 when nothing differs, 2 when anything does (an update, an integration missing or
//! unexpected, Torq drift). No other error of `plan` exits with 2: its usage errors (clap's
//! included) exit with 1; a state file that cannot be read as one is a configuration error (8),
//! naming the file and the line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use integrations::state::{self, Plan, PlanOptions, StateDocument};
use integrations::{IntegrationProvider, Result as FacadeResult};

use crate::context::Context;
use crate::document_state::PlanDocument;
use crate::error::{CliError, ErrorKind, ProviderFailure};
use crate::progress::Progress;
use crate::providers::Providers;

/// The options of `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The state file (TOML, as `export` writes it).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Count every referenced secret as a change, so that apply sends them all (a secret cannot
    /// be read back to compare; otherwise one counts as set when the vendor says it has a value).
    #[arg(long)]
    pub rotate_secrets: bool,
}

/// Runs the command: prints the plan, and returns [`CliError::Differences`] (exit code 2) when
/// there are differences.
pub async fn run(ctx: &mut Context<'_>, args: &PlanArgs) -> Result<(), CliError> {
    let desired = read_state(&args.file, &ctx.providers).await?;
    if desired.providers.is_empty() {
        ctx.out.warning(&format!(
            "{} names no provider{}: there is nothing to compare",
            args.file.display(),
            if ctx.providers.selected().is_empty() {
                ""
            } else {
                " that --provider selects"
            }
        ))?;
    }
    let providers = ctx.providers.all().to_vec();
    let plan = live_plan(ctx, &providers, &desired, args.rotate_secrets).await?;
    let doc = PlanDocument::new(&plan);
    ctx.out.plan(&doc)?;
    if plan.has_differences() {
        return Err(CliError::Differences {
            summary: doc.summary,
        });
    }
    Ok(())
}

/// `plan`'s exit code for an error of kind `kind`: 2 only for differences, so a usage error
/// exits with 1.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Usage => ErrorKind::Other.exit_code(),
        kind => kind.exit_code(),
    }
}

/// Whether the command line `args` (the program's name first) is a `plan` command, even when it
/// cannot be parsed: then its usage error must exit with 1, not clap's 2.
pub fn invokes_plan<T: Into<std::ffi::OsString> + Clone>(
    args: impl IntoIterator<Item = T>,
) -> bool {
    crate::cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args)
        .is_ok_and(|m| m.subcommand_name() == Some("plan"))
}

/// Reads the state file at `path` off the runtime's threads, keeps the providers `--provider`
/// selected (all when none), and checks that each is configured with the file's vendor. Every
/// error names the file, and the line when it is known.
pub async fn read_state(path: &Path, providers: &Providers) -> Result<StateDocument, CliError> {
    let owned = path.to_owned();
    let text = tokio::task::spawn_blocking(move || std::fs::read_to_string(owned))
        .await
        .map_err(|e| CliError::io("reading the state file", std::io::Error::other(e)))?
        .map_err(|e| CliError::io(format!("reading {}", path.display()), e))?;
    parse_state(path, &text, providers.all(), providers.selected())
}

/// The state document `text` (read from `path`), checked as [`read_state`] says.
pub fn parse_state(
    path: &Path,
    text: &str,
    providers: &[Arc<dyn IntegrationProvider>],
    selected: &[String],
) -> Result<StateDocument, CliError> {
    let file = path.display();
    let mut doc = StateDocument::from_toml(text).map_err(|e| {
        CliError::Config(format!(
            "{file}: line {}, column {}: {}",
            e.line, e.column, e.message
        ))
    })?;
    if !selected.is_empty() {
        doc.providers.retain(|name, _| selected.contains(name));
    }
    for (name, state) in &doc.providers {
        let at = provider_line(text, name)
            .map(|line| format!("line {line}: "))
            .unwrap_or_default();
        match providers.iter().find(|p| p.name() == name) {
            None => {
                let configured: Vec<&str> = providers.iter().map(|p| p.name()).collect();
                return Err(CliError::Config(format!(
                    "{file}: {at}no configured provider is named `{name}` (configured: {})",
                    if configured.is_empty() {
                        "none".to_owned()
                    } else {
                        configured.join(", ")
                    }
                )));
            }
            Some(p) if p.vendor() != state.vendor => {
                return Err(CliError::Config(format!(
                    "{file}: {at}provider `{name}` is a {} provider, the file says {}",
                    p.vendor(),
                    state.vendor
                )));
            }
            Some(_) => {}
        }
    }
    Ok(doc)
}

/// The line of provider `name`'s table: `[provider.NAME]` as export writes it, else the first
/// table header naming it.
fn provider_line(text: &str, name: &str) -> Option<usize> {
    StateDocument::line_of_provider(text, name).or_else(|| {
        text.lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with("[provider.") && l.contains(name)
            })
            .map(|n| n + 1)
    })
}

/// The plan of `desired` against the live state of `providers` (those the document names), each
/// provider planned at once; a provider that cannot be read fails the plan with its own error
/// line, as `list` reports it.
pub async fn live_plan(
    ctx: &Context<'_>,
    providers: &[Arc<dyn IntegrationProvider>],
    desired: &StateDocument,
    rotate_secrets: bool,
) -> Result<Plan, CliError> {
    let options = PlanOptions::default().rotate_secrets(rotate_secrets);
    let named: Vec<&Arc<dyn IntegrationProvider>> = providers
        .iter()
        .filter(|p| desired.providers.contains_key(p.name()))
        .collect();
    let progress = Progress::start("planning", named.len(), ctx.interactive);
    let results = futures::future::join_all(named.iter().map(|provider| {
        let progress = &progress;
        async move {
            let mut one = desired.clone();
            one.providers.retain(|name, _| name == provider.name());
            let result = state::plan_with(std::slice::from_ref(*provider), &one, options).await;
            progress.done("planning", provider.name());
            result
        }
    }))
    .await;
    progress.finish();
    merge(&named, results, |plan: &mut Plan, one: Plan| {
        plan.integrations.extend(one.integrations);
    })
}

/// Merges each provider's result into one, in the providers' order; the failures, if any, are
/// the error.
pub fn merge<T: Default>(
    providers: &[&Arc<dyn IntegrationProvider>],
    results: Vec<FacadeResult<T>>,
    mut add: impl FnMut(&mut T, T),
) -> Result<T, CliError> {
    let mut all = T::default();
    let mut failures = Vec::new();
    for (provider, result) in providers.iter().zip(results) {
        match result {
            Ok(one) => add(&mut all, one),
            Err(error) => failures.push(ProviderFailure {
                provider: provider.name().to_owned(),
                vendor: provider.vendor(),
                error,
            }),
        }
    }
    if failures.is_empty() {
        Ok(all)
    } else {
        Err(CliError::List {
            failures,
            total: providers.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_usage_errors_exit_with_1_and_differences_with_2() {
        for (kind, code) in [
            (ErrorKind::Usage, 1),
            (ErrorKind::Differences, 2),
            (ErrorKind::Config, 8),
        ] {
            assert_eq!(exit_code(kind), code, "{kind:?}");
        }
    }

    #[test]
    fn a_plan_command_line_is_recognised_even_when_it_is_wrong() {
        for args in [
            &["integrations", "plan"][..],
            &["integrations", "plan", "-f"],
            &["integrations", "plan", "--bogus", "-f", "x"],
            &["integrations", "--json", "--quiet", "plan", "-f", "x"],
            &[
                "integrations",
                "--provider",
                "p",
                "plan",
                "-f",
                "x",
                "extra",
            ],
        ] {
            assert!(invokes_plan(args), "{args:?}");
        }
        for args in [
            &["integrations", "list", "--bogus"][..],
            &["integrations", "apply"],
            &["integrations", "--provider", "plan", "list"],
            &["integrations"],
        ] {
            assert!(!invokes_plan(args), "{args:?}");
        }
    }

    #[test]
    fn a_provider_found_by_its_header_or_by_a_quoted_header() {
        let text = "[provider.prod]\nvendor = \"looker\"\n[provider.\"looker@h:1\"]\nvendor = \"looker\"\n";
        assert_eq!(provider_line(text, "prod"), Some(1));
        assert_eq!(provider_line(text, "looker@h:1"), Some(3));
        assert_eq!(provider_line(text, "nobody"), None);
    }
}
