//! `integrations capabilities`: what each configured provider can do (asks no server).

use crate::context::Context;
use crate::document::{CapabilitiesDocument, ProviderDocument};
use crate::error::CliError;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let doc = CapabilitiesDocument {
        providers: ctx
            .providers
            .all()
            .iter()
            .map(|p| ProviderDocument::new(p.as_ref()))
            .collect(),
    };
    ctx.out.capabilities(&doc)
}
