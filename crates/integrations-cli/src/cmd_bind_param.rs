//! `integrations bind-param <id> <name> <attribute>`: the parameter's value comes from a user
//! attribute from now on.

use integrations::{IntegrationId, IntegrationPatch, ParamChange};

use crate::context::Context;
use crate::error::CliError;

/// Runs the command.
pub async fn run(
    ctx: &mut Context<'_>,
    id: &IntegrationId,
    name: &str,
    attribute: &str,
) -> Result<(), CliError> {
    if attribute.trim().is_empty() {
        return Err(CliError::Usage(format!(
            "the user attribute for `{name}` is empty; to stop using one use `unbind-param`"
        )));
    }
    let patch = IntegrationPatch::new().param(name, ParamChange::bind_user_attribute(attribute));
    crate::patch::apply(ctx, id, patch).await?;
    Ok(())
}
