//! `integrations unbind-param <id> <name>`: the parameter's own value applies again (Looker
//! receives `user_attribute_name: null`).

use integrations::{IntegrationId, IntegrationPatch, ParamChange};

use crate::context::Context;
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, id: &IntegrationId, name: &str) -> Result<(), CliError> {
    let patch = IntegrationPatch::new().param(name, ParamChange::unbind_user_attribute());
    crate::patch::apply(ctx, id, patch).await?;
    Ok(())
}
