//! `integrations set-oauth-targets <id> [target]...`: replaces the installed delegate OAuth
//! targets; with none, removes them all (Looker receives an empty list).

use integrations::{IntegrationId, IntegrationPatch};

use crate::context::Context;
use crate::error::CliError;

/// Runs the command.
pub async fn run(
    ctx: &mut Context<'_>,
    id: &IntegrationId,
    targets: &[String],
) -> Result<(), CliError> {
    if let Some(blank) = targets.iter().position(|t| t.trim().is_empty()) {
        return Err(CliError::Usage(format!(
            "target {} is empty; give none at all to remove every target",
            blank + 1
        )));
    }
    let patch = IntegrationPatch::new().delegate_oauth_targets(targets.to_vec());
    crate::patch::apply(ctx, id, patch).await?;
    Ok(())
}
