//! What the Torq routes share: the common part of every fake, the workspace's integrations and
//! the rate limit.

use std::sync::RwLock;

use torq_api::types::V1alphaIntegration;

use super::DEFAULT_TOKEN_LIFETIME_SECS;
use super::rate_limit::RateLimit;
use super::seed::TorqSeed;
use crate::fake::Common;

/// Everything the Torq routes share. Public in a private module: it is the state of
/// [`Torq`](super::Torq), which users cannot reach.
#[derive(Debug)]
pub struct TorqState {
    pub(crate) common: Common,
    integrations: RwLock<Vec<V1alphaIntegration>>,
    pub(crate) rate_limit: RateLimit,
}

impl TorqState {
    pub(crate) fn new(seed: TorqSeed) -> Self {
        Self {
            common: Common::new(
                seed.client_id,
                seed.client_secret,
                DEFAULT_TOKEN_LIFETIME_SECS,
            ),
            integrations: RwLock::new(seed.integrations),
            rate_limit: RateLimit::default(),
        }
    }

    /// Runs `f` over every integration, in listing order.
    pub(crate) fn with_integrations<T>(&self, f: impl FnOnce(&[V1alphaIntegration]) -> T) -> T {
        f(&self.integrations.read().unwrap_or_else(|e| e.into_inner()))
    }
}
