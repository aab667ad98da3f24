//! `integrations export [--provider NAME]... [-o FILE]`: the state of every configured provider
//! (or of those `--provider` names) as the TOML document `plan` and `apply` read, on stdout or in
//! FILE. The output is deterministic (providers, integrations and parameters sorted), so that it
//! diffs well; with `--json` it is the same document as JSON (`integrations schema state`).
//!
//! A sensitive value is never written: each is a reference, `{ env = "GENERATED_NAME" }`, to the
//! variable apply reads it from when it sends it (the vendors never return such values anyway).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use integrations::IntegrationProvider;
use integrations::state::{self, ParamState, StateDocument};

use crate::cmd_plan::merge;
use crate::context::Context;
use crate::error::CliError;
use crate::progress::Progress;

/// The options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write the document to FILE (replacing it) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, args: &ExportArgs) -> Result<(), CliError> {
    let providers = ctx.providers.all().to_vec();
    if providers.is_empty() {
        return Err(CliError::Usage(
            "--provider leaves no provider to export".into(),
        ));
    }
    let doc = export(ctx, &providers).await?;
    let text = if ctx.out.is_json() {
        serde_json::to_string_pretty(&doc)
            .map(|json| json + "\n")
            .map_err(|e| CliError::io("writing the output", e.into()))?
    } else {
        doc.to_toml()
    };
    let Some(path) = &args.output else {
        return ctx.out.state_document(&text);
    };
    let owned = path.clone();
    tokio::task::spawn_blocking(move || std::fs::write(owned, text))
        .await
        .map_err(|e| CliError::io("writing the state file", std::io::Error::other(e)))?
        .map_err(|e| CliError::io(format!("writing {}", path.display()), e))?;
    let integrations: usize = doc.providers.values().map(|p| p.integrations.len()).sum();
    let references = doc
        .providers
        .values()
        .flat_map(|p| p.integrations.values())
        .flat_map(|i| i.params.values())
        .filter(|p| matches!(p, ParamState::Secret(_)))
        .count();
    ctx.out.note(&format!(
        "wrote {}: {} provider(s), {integrations} integration(s)",
        path.display(),
        doc.providers.len()
    ))?;
    if references > 0 {
        ctx.out.note(&format!(
            "{references} sensitive value(s) written as references ({{ env = \"NAME\" }}): apply reads a variable only when it sends its value"
        ))?;
    }
    Ok(())
}

/// The state of `providers`, each read at once; a provider that cannot list fails the export
/// with its own error line.
async fn export(
    ctx: &Context<'_>,
    providers: &[Arc<dyn IntegrationProvider>],
) -> Result<StateDocument, CliError> {
    let progress = Progress::start("exporting", providers.len(), ctx.interactive);
    let results = futures::future::join_all(providers.iter().map(|provider| {
        let progress = &progress;
        async move {
            let result = state::export(std::slice::from_ref(provider)).await;
            progress.done("exporting", provider.name());
            result
        }
    }))
    .await;
    progress.finish();
    let named: Vec<&Arc<dyn IntegrationProvider>> = providers.iter().collect();
    merge(&named, results, |doc: &mut StateDocument, one| {
        doc.providers.extend(one.providers);
    })
}
