//! What a command runs with.

use std::sync::Arc;

use integrations::{Error as FacadeError, IntegrationId, IntegrationProvider};

use crate::error::CliError;
use crate::output::Output;
use crate::providers::Providers;

/// The providers and the output of one command.
pub struct Context<'a> {
    /// The configured providers.
    pub providers: Providers,
    /// Where results go.
    pub out: &'a mut Output,
    /// Whether a person watches stderr (a terminal, not `--quiet`, not `--verbose`): progress
    /// is shown only then.
    pub interactive: bool,
}

impl Context<'_> {
    /// Makes `call` to the provider `id` goes to (see [`Providers::for_id`]); its failure names
    /// the provider. Returns the provider with the answer.
    pub async fn call<T>(
        &self,
        id: &IntegrationId,
        call: impl AsyncFnOnce(&dyn IntegrationProvider) -> Result<T, FacadeError>,
    ) -> Result<(Arc<dyn IntegrationProvider>, T), CliError> {
        let provider = self.providers.for_id(id)?.clone();
        let answer = call(provider.as_ref())
            .await
            .map_err(|e| CliError::provider(provider.as_ref(), e))?;
        Ok((provider, answer))
    }
}
