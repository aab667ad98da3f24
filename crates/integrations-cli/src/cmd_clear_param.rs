//! `integrations clear-param <id> <name>`.

use integrations::{IntegrationId, IntegrationPatch, ParamChange};

use crate::context::Context;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId, name: &str) -> Result<(), CliError> {
    let patch = IntegrationPatch::new().param(name, ParamChange::clear());
    crate::patch::apply(ctx, id, patch).await?;
    Ok(())
}
