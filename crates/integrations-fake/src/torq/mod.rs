//! The Torq fake: [`TorqFake`] serves the token endpoint of Torq's auth host and the
//! integrations method of its API (v1alpha), both on one loopback port.

mod rate_limit;
mod routes;
mod seed;
mod state;
mod wire;

pub use rate_limit::TORQ_RATE_LIMIT_PER_SECOND;
pub use seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, TorqSeed};

pub use state::Torq;

use torq_api::types::V1alphaIntegration;

use crate::fake::{FakeServer, Vendor};

/// The lifetime Torq gives a bearer token: one hour.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

/// A running fake Torq workspace: a [`FakeServer`] playing [`Torq`]. Cheap to clone; the server
/// stops when the last clone is dropped, or on [`shutdown`](FakeServer::shutdown).
///
/// It serves `POST /v1/auth/token` (HTTP Basic client id and secret, form
/// `grant_type=client_credentials`; refusals are OAuth 2.0 errors, RFC 6749 §5.2: 401
/// `invalid_client` for wrong credentials, 400 `invalid_request` or `unsupported_grant_type`)
/// and, with `Authorization: Bearer …`, `GET /v1alpha/integrations` (`type_id`). A call with an
/// expired token answers 302, an unknown token 401, both with an `rpcStatus` body.
pub type TorqFake = FakeServer<Torq>;

/// What only a Torq fake has.
impl FakeServer<Torq> {
    /// The auth host's base URL (Torq's is `https://auth.torq.io`); the token endpoint is
    /// `/v1/auth/token` under it. The fake serves both hosts on one port, so this equals
    /// [`base_url`](Self::base_url).
    pub fn auth_url(&self) -> String {
        self.base_url()
    }

    /// The full URL of the token endpoint: [`auth_url`](Self::auth_url) + `/v1/auth/token`.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.auth_url(), routes::TOKEN_PATH)
    }

    /// Enforces Torq's rate limit on `list_integrations`: at most `per_second` requests in any
    /// one second, the others answered 429 (no `Retry-After`: Torq documents none). `None`
    /// (the default) enforces nothing; Torq's own limit is [`TORQ_RATE_LIMIT_PER_SECOND`].
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.state().rate_limit.set(per_second);
    }
}

impl Vendor for Torq {
    type Seed = TorqSeed;
    type Integration = V1alphaIntegration;
}
