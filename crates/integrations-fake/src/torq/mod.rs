//! The Torq fake: [`TorqFake`] serves the token endpoint of Torq's auth host and the
//! integrations method of its API (v1alpha), both on one loopback port.

mod rate_limit;
mod routes;
mod seed;
mod wire;

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;
use torq_api::types::V1alphaIntegration;

pub use rate_limit::TORQ_RATE_LIMIT_PER_SECOND;
pub use seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, TorqSeed};

use crate::control::Control;
use crate::server::Server;
use rate_limit::RateLimit;

/// The lifetime Torq gives a bearer token: one hour.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

/// Everything the Torq routes share.
#[derive(Debug)]
pub(crate) struct TorqState {
    pub(crate) control: Arc<Control>,
    client_id: String,
    client_secret: String,
    integrations: RwLock<Vec<V1alphaIntegration>>,
    bodies: Mutex<HashMap<String, Value>>,
    pub(crate) rate_limit: RateLimit,
}

impl TorqState {
    /// Runs `f` over every integration, in listing order.
    pub(crate) fn with_integrations<T>(&self, f: impl FnOnce(&[V1alphaIntegration]) -> T) -> T {
        f(&self.integrations.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps `body` as the last body received by `operation_id`.
    pub(crate) fn record_body(&self, operation_id: &str, body: Value) {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(operation_id.to_owned(), body);
    }
}

struct Inner {
    server: Server,
    state: Arc<TorqState>,
}

/// A running fake Torq workspace, bound to loopback. Cheap to clone; the server stops when the
/// last clone is dropped, or on [`TorqFake::shutdown`].
///
/// It serves `POST /v1/auth/token` (HTTP Basic client id and secret, form
/// `grant_type=client_credentials`; refusals are OAuth 2.0 errors, RFC 6749 §5.2: 401
/// `invalid_client` for wrong credentials, 400 `invalid_request` or `unsupported_grant_type`)
/// and, with `Authorization: Bearer …`, `GET /v1alpha/integrations` (`type_id`). A call with an
/// expired token answers 302, an unknown token 401, both with an `rpcStatus` body.
#[derive(Clone)]
pub struct TorqFake {
    inner: Arc<Inner>,
}

impl fmt::Debug for TorqFake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TorqFake")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl TorqFake {
    /// Starts a fake on `127.0.0.1` with an ephemeral port.
    pub async fn start(seed: TorqSeed) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), seed).await
    }

    /// Starts a fake listening on `addr` (port 0: an ephemeral port).
    pub async fn start_on(addr: SocketAddr, seed: TorqSeed) -> std::io::Result<Self> {
        let state = Arc::new(TorqState {
            control: Arc::new(Control::new(DEFAULT_TOKEN_LIFETIME_SECS)),
            client_id: seed.client_id,
            client_secret: seed.client_secret,
            integrations: RwLock::new(seed.integrations),
            bodies: Mutex::new(HashMap::new()),
            rate_limit: RateLimit::default(),
        });
        let router = routes::router(state.clone());
        let server = Server::start(addr, router, state.control.clone()).await?;
        tracing::info!(base_url = %format!("http://{}", server.addr()), "Torq fake listening");
        Ok(Self {
            inner: Arc::new(Inner { server, state }),
        })
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.server.addr()
    }

    /// The API base URL, `http://127.0.0.1:PORT` (Torq's is `https://api.torq.io`); the list
    /// is at `/v1alpha/integrations` under it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

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

    /// The client id that gets tokens.
    pub fn client_id(&self) -> &str {
        &self.inner.state.client_id
    }

    /// The client secret that gets tokens.
    pub fn client_secret(&self) -> &str {
        &self.inner.state.client_secret
    }

    /// Fault injection and counters of this fake.
    pub fn control(&self) -> &Control {
        &self.inner.state.control
    }

    /// The stored integration whose id is `id` (a UUID, any case).
    pub fn integration(&self, id: &str) -> Option<V1alphaIntegration> {
        let id = uuid::Uuid::parse_str(id).ok()?;
        self.inner
            .state
            .with_integrations(|all| all.iter().find(|i| i.id == Some(id)).cloned())
    }

    /// Every stored integration, in listing order.
    pub fn integrations(&self) -> Vec<V1alphaIntegration> {
        self.inner
            .state
            .with_integrations(<[V1alphaIntegration]>::to_vec)
    }

    /// The last body received by `operation_id` as it came; for the form of `create_token`, an
    /// object of its fields (strings).
    pub fn last_request_body(&self, operation_id: &str) -> Option<Value> {
        self.inner
            .state
            .bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(operation_id)
            .cloned()
    }

    /// Sets the lifetime (`expires_in`, seconds) of tokens granted from now on; zero or less
    /// grants tokens that are already expired. Default: [`DEFAULT_TOKEN_LIFETIME_SECS`].
    pub fn set_token_lifetime(&self, secs: i64) {
        self.inner.state.control.tokens.set_lifetime_secs(secs);
    }

    /// Enforces Torq's rate limit on `list_integrations`: at most `per_second` requests in any
    /// one second, the others answered 429 (no `Retry-After`: Torq documents none). `None`
    /// (the default) enforces nothing; Torq's own limit is [`TORQ_RATE_LIMIT_PER_SECOND`].
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.inner.state.rate_limit.set(per_second);
    }

    /// Stops the server: no new connections, open ones closed. Every clone of the handle is
    /// stopped; returns once the port is released.
    pub async fn shutdown(&self) {
        self.inner.server.shutdown().await;
    }
}
