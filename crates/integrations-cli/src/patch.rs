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
    let provider = ctx.providers.for_id(id)?.clone();
    let updated = provider
        .update(id, &patch)
        .await
        .map_err(|e| CliError::provider(provider.as_ref(), e))?;
    let doc = IntegrationDocument::new(provider.as_ref(), updated);
    ctx.out.integration(&doc)?;
    Ok(doc)
}
