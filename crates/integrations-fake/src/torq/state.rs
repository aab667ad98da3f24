//! [`Torq`]: what a Torq fake keeps and its routes share (the common part of every fake, the
//! workspace's integrations and the rate limit).

use std::sync::{Arc, RwLock};

use axum::Router;
use torq_api::types::V1alphaIntegration;

use super::DEFAULT_TOKEN_LIFETIME_SECS;
use super::rate_limit::RateLimit;
use super::routes;
use super::seed::TorqSeed;
use crate::fake::{Common, Serve};

/// Torq, as a [`FakeServer`](crate::FakeServer) plays it: what the fake keeps (its API key,
/// control, the workspace's integrations, the rate limit) and serves.
/// [`TorqFake`](super::TorqFake) is `FakeServer<Torq>`; nothing else makes one.
#[derive(Debug)]
pub struct Torq {
    pub(crate) common: Common,
    integrations: RwLock<Vec<V1alphaIntegration>>,
    pub(crate) rate_limit: RateLimit,
}

impl Serve for Torq {
    const NAME: &'static str = "Torq";

    fn new(seed: TorqSeed) -> Self {
        let common = Common::new(
            seed.client_id,
            seed.client_secret,
            DEFAULT_TOKEN_LIFETIME_SECS,
        );
        Self {
            common,
            integrations: RwLock::new(seed.integrations),
            rate_limit: RateLimit::default(),
        }
    }

    fn common(&self) -> &Common {
        &self.common
    }

    fn router(self: Arc<Self>) -> Router {
        routes::router(self)
    }

    /// The stored integration whose id is `id` (a UUID, any case).
    fn integration(&self, id: &str) -> Option<V1alphaIntegration> {
        let id = uuid::Uuid::parse_str(id).ok()?;
        self.with_integrations(|all| all.iter().find(|i| i.id == Some(id)).cloned())
    }

    fn integrations(&self) -> Vec<V1alphaIntegration> {
        self.with_integrations(<[V1alphaIntegration]>::to_vec)
    }
}

impl Torq {
    /// Runs `f` over every integration, in listing order.
    pub(crate) fn with_integrations<T>(&self, f: impl FnOnce(&[V1alphaIntegration]) -> T) -> T {
        f(&self.integrations.read().unwrap_or_else(|e| e.into_inner()))
    }
}
