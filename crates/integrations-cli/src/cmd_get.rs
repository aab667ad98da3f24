//! `integrations get <id>`: one integration and its parameters.

use integrations::IntegrationId;

use crate::context::Context;
use crate::document::IntegrationDocument;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId) -> Result<(), CliError> {
    let (provider, integration) = ctx.call(id, async |p| p.get(id).await).await?;
    ctx.out
        .integration(&IntegrationDocument::new(provider.as_ref(), integration))
}
