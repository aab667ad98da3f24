//! The changes `enable`, `disable`, `set-param` and `clear-param` share: send a patch to the
//! provider of the id and print the integration as it is now.

use integrations::{IntegrationId, IntegrationPatch};

use crate::context::Context;
use crate::document::IntegrationDocument;
use crate::error::CliError;

/// Applies `patch` to `id` and prints the result; returns it.
pub async fn apply(
    ctx: &mut Context<'_>,
    id: &IntegrationId,
    patch: IntegrationPatch,
) -> Result<IntegrationDocument, CliError> {
    let (provider, updated) = ctx.call(id, async |p| p.update(id, &patch).await).await?;
    let doc = IntegrationDocument::new(provider.as_ref(), updated);
    ctx.out.integration(&doc)?;
    Ok(doc)
}
