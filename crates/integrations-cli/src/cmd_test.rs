//! `integrations test <id>`: the vendor tests the integration's settings. A failed test is
//! printed like a passed one, then reported as an error (exit code 9).

use integrations::IntegrationId;

use crate::context::Context;
use crate::document::TestDocument;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId) -> Result<(), CliError> {
    let provider = ctx.providers.for_id(id)?.clone();
    let outcome = provider
        .test(id)
        .await
        .map_err(|e| CliError::provider(provider.as_ref(), e))?;
    let doc = TestDocument {
        id: id.clone(),
        provider: provider.name().to_owned(),
        outcome,
    };
    ctx.out.test(&doc)?;
    if doc.outcome.success {
        Ok(())
    } else {
        Err(CliError::TestFailed {
            provider: doc.provider,
            id: doc.id,
            message: doc.outcome.message,
        })
    }
}
