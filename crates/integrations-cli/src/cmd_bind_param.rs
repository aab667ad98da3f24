//! `integrations bind-param <id> <name> <attribute>`: the parameter's value comes from a user
//! attribute from now on.

use clap::Args;
use integrations::{IntegrationId, IntegrationPatch, ParamChange};

use crate::context::Context;
use crate::error::CliError;

/// The arguments of `bind-param`.
#[derive(Debug, Args)]
pub struct BindParamArgs {
    /// `looker:<id>`.
    pub id: IntegrationId,
    /// The parameter's name.
    pub name: String,
    /// The user attribute (e.g. `email`).
    pub attribute: String,
}

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, args: &BindParamArgs) -> Result<(), CliError> {
    let BindParamArgs {
        id,
        name,
        attribute,
    } = args;
    if attribute.trim().is_empty() {
        return Err(CliError::Usage(format!(
            "the user attribute for `{name}` is empty; to stop using one use `unbind-param`"
        )));
    }
    let patch = IntegrationPatch::new().param(name, ParamChange::bind_user_attribute(attribute));
    crate::patch::apply(ctx, id, patch).await?;
    Ok(())
}
