//! `integrations enable <id>`.

use integrations::{IntegrationId, IntegrationPatch};

use crate::context::Context;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId) -> Result<(), CliError> {
    crate::patch::apply(ctx, id, IntegrationPatch::new().enabled(true)).await?;
    Ok(())
}
