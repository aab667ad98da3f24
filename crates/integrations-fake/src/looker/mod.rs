//! The Looker fake: [`LookerFake`] serves API 4.0 under `/api/4.0` like a Looker instance.

mod check;
mod routes;
mod seed;
mod update;
mod wire;

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};

use looker_api::types::Integration;
use serde_json::Value;

pub use seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, LookerSeed};
pub use wire::DOCUMENTATION_URL;

use crate::control::Control;
use crate::server::Server;

/// The lifetime Looker gives an API token: `expires_in` of a login.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3599;

/// The integrations of the fake, in listing order, with an index by id.
#[derive(Debug)]
struct Store {
    integrations: Vec<Integration>,
    index: HashMap<String, usize>,
}

/// Everything the Looker routes share.
#[derive(Debug)]
pub(crate) struct LookerState {
    pub(crate) control: Arc<Control>,
    client_id: String,
    client_secret: String,
    store: RwLock<Store>,
    bodies: Mutex<HashMap<String, Value>>,
}

impl LookerState {
    fn new(seed: LookerSeed) -> Self {
        let mut integrations = seed.integrations;
        for integration in &mut integrations {
            for param in &mut integration.params {
                if param.value.as_deref() == Some("") {
                    param.value = None;
                }
                param.has_value = Some(param.value.is_some());
            }
        }
        let mut index = HashMap::with_capacity(integrations.len());
        for (position, integration) in integrations.iter().enumerate() {
            if let Some(id) = &integration.id {
                index.entry(id.clone()).or_insert(position);
            }
        }
        Self {
            control: Arc::new(Control::new(DEFAULT_TOKEN_LIFETIME_SECS)),
            client_id: seed.client_id,
            client_secret: seed.client_secret,
            store: RwLock::new(Store {
                integrations,
                index,
            }),
            bodies: Mutex::new(HashMap::new()),
        }
    }

    fn store(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` over every integration, in listing order.
    pub(crate) fn with_integrations<T>(&self, f: impl FnOnce(&[Integration]) -> T) -> T {
        f(&self.store().integrations)
    }

    /// The stored integration `id`, secrets included.
    pub(crate) fn integration(&self, id: &str) -> Option<Integration> {
        let store = self.store();
        let position = *store.index.get(id)?;
        store.integrations.get(position).cloned()
    }

    /// Replaces integration `id` by what `change` makes of it, if `change` succeeds; `None` when
    /// there is no such integration.
    pub(crate) fn update<E>(
        &self,
        id: &str,
        change: impl FnOnce(&Integration) -> Result<Integration, E>,
    ) -> Option<Result<Integration, E>> {
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        let position = *store.index.get(id)?;
        let stored = store.integrations.get_mut(position)?;
        let outcome = change(stored);
        if let Ok(updated) = &outcome {
            *stored = updated.clone();
        }
        Some(outcome)
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
    state: Arc<LookerState>,
}

/// A running fake Looker instance, bound to loopback. Cheap to clone; the server stops when the
/// last clone is dropped, or on [`LookerFake::shutdown`].
///
/// It serves `POST /api/4.0/login` (form fields `client_id`, `client_secret`; wrong ones answer
/// 404 as Looker does), `DELETE /api/4.0/logout` (and `/api/logout`, where Looker's SDKs log out), and, with `Authorization: token …` or
/// `Bearer …`, `GET /api/4.0/integrations` (`integration_hub_id`, `fields`),
/// `GET`/`PATCH /api/4.0/integrations/{id}` and `POST /api/4.0/integrations/{id}/test`.
#[derive(Clone)]
pub struct LookerFake {
    inner: Arc<Inner>,
}

impl fmt::Debug for LookerFake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LookerFake")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl LookerFake {
    /// Starts a fake on `127.0.0.1` with an ephemeral port.
    pub async fn start(seed: LookerSeed) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), seed).await
    }

    /// Starts a fake listening on `addr` (port 0: an ephemeral port).
    pub async fn start_on(addr: SocketAddr, seed: LookerSeed) -> std::io::Result<Self> {
        let state = Arc::new(LookerState::new(seed));
        let router = routes::router(state.clone());
        let server = Server::start(addr, router, state.control.clone()).await?;
        tracing::info!(base_url = %format!("http://{}", server.addr()), "Looker fake listening");
        Ok(Self {
            inner: Arc::new(Inner { server, state }),
        })
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.server.addr()
    }

    /// The instance URL, `http://127.0.0.1:PORT`, without `/api/4.0`: what
    /// `LOOKERSDK_BASE_URL` holds (Looker's SDKs append the API path).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The API URL, [`base_url`](Self::base_url) + `/api/4.0`: the base URL of
    /// `looker_api::Client`.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.base_url(), routes::API_PREFIX)
    }

    /// The client id that logs in.
    pub fn client_id(&self) -> &str {
        &self.inner.state.client_id
    }

    /// The client secret that logs in.
    pub fn client_secret(&self) -> &str {
        &self.inner.state.client_secret
    }

    /// Fault injection and counters of this fake.
    pub fn control(&self) -> &Control {
        &self.inner.state.control
    }

    /// The stored integration `id`, secret values included (the wire never shows them).
    pub fn integration(&self, id: &str) -> Option<Integration> {
        self.inner.state.integration(id)
    }

    /// Every stored integration, in listing order, secret values included.
    pub fn integrations(&self) -> Vec<Integration> {
        self.inner.state.with_integrations(<[Integration]>::to_vec)
    }

    /// The last body received by `operation_id` as it came: the JSON of `update_integration`;
    /// for the form of `login`, an object of its fields (strings).
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

    /// Stops the server: no new connections, open ones closed. Every clone of the handle is
    /// stopped; returns once the port is released.
    pub async fn shutdown(&self) {
        self.inner.server.shutdown().await;
    }
}
