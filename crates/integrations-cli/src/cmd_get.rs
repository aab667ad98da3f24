//! `integrations get <id>`: one integration and its parameters.

use integrations::IntegrationId;

use crate::context::Context;
use crate::document::IntegrationDocument;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId) -> Result<(), CliError> {
    let provider = ctx.providers.for_id(id)?.clone();
    let integration = provider
        .get(id)
        .await
        .map_err(|e| CliError::provider(provider.as_ref(), e))?;
    ctx.out
        .integration(&IntegrationDocument::new(provider.as_ref(), integration))
}
