//! `integrations test <id>`: the vendor tests the integration's settings. A failed test is
//! printed like a passed one, then reported as an error (exit code 9).

use integrations::IntegrationId;

use crate::context::Context;
use crate::document::TestDocument;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId) -> Result<(), CliError> {
    let (provider, outcome) = ctx.call(id, async |p| p.test(id).await).await?;
    let doc = TestDocument::new(provider.as_ref(), id.clone(), outcome);
    ctx.out.test(&doc)?;
    if doc.outcome.success {
        Ok(())
    } else {
        Err(CliError::TestFailed(doc))
    }
}
