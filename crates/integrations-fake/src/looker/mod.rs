//! The Looker fake: [`LookerFake`] serves API 4.0 under `/api/4.0` like a Looker instance.

mod check;
mod form;
mod hubs;
mod routes;
mod seed;
mod update;
mod wire;

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};

use looker_api::types::{Integration, IntegrationHub};
use serde_json::Value;

pub use hubs::{ACME_HUB_URL, EXAMPLE_HUB_URL, OFFICIAL_HUB_URL, OPS_HUB_URL, PARTNER_HUB_URL};
pub use seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, HubSeed, LookerSeed};
pub use wire::DOCUMENTATION_URL;

use hubs::StoredHub;

use crate::control::Control;
use crate::server::Server;

/// The lifetime Looker gives an API token: `expires_in` of a login.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3599;

/// The integration hubs and integrations of the fake, in listing order, with an index of the
/// integrations by id.
#[derive(Debug)]
pub(crate) struct Store {
    hubs: Vec<StoredHub>,
    /// The id of the next hub created.
    next_hub_id: u64,
    integrations: Vec<Integration>,
    index: HashMap<String, usize>,
}

impl Store {
    /// Rebuilds the index after integrations were added or removed.
    fn reindex(&mut self) {
        self.index.clear();
        for (position, integration) in self.integrations.iter().enumerate() {
            if let Some(id) = &integration.id {
                self.index.entry(id.clone()).or_insert(position);
            }
        }
    }
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
        let hubs: Vec<StoredHub> = seed
            .hubs
            .into_iter()
            .map(|seeded| StoredHub::new(seeded.hub, seeded.authorization_token))
            .collect();
        let next_hub_id = hubs
            .iter()
            .filter_map(|h| h.id()?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let mut store = Store {
            hubs,
            next_hub_id,
            integrations,
            index: HashMap::new(),
        };
        store.reindex();
        Self {
            control: Arc::new(Control::new(DEFAULT_TOKEN_LIFETIME_SECS)),
            client_id: seed.client_id,
            client_secret: seed.client_secret,
            store: RwLock::new(store),
            bodies: Mutex::new(HashMap::new()),
        }
    }

    fn store(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn store_mut(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` over every hub, in listing order.
    pub(crate) fn with_hubs<T>(&self, f: impl FnOnce(&[StoredHub]) -> T) -> T {
        f(&self.store().hubs)
    }

    /// The stored hub `id`.
    pub(crate) fn hub(&self, id: &str) -> Option<StoredHub> {
        self.store().hub(id).cloned()
    }

    /// Runs `f` on the store, to change it.
    pub(crate) fn with_store_mut<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.store_mut())
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
        let mut store = self.store_mut();
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
/// 404 as Looker does), `DELETE /api/4.0/logout` (and `/api/logout`, where Looker's SDKs log
/// out), and, with `Authorization: token …` or `Bearer …`:
///
/// - integrations: `GET /api/4.0/integrations` (`integration_hub_id`, `fields`),
///   `GET`/`PATCH /api/4.0/integrations/{id}`, `POST /api/4.0/integrations/{id}/test` and
///   `POST /api/4.0/integrations/{id}/form` (a form of the integration's params; 422 while its
///   hub's legal agreement is not accepted);
/// - integration hubs: `GET`/`POST /api/4.0/integration_hubs`,
///   `GET`/`PATCH`/`DELETE /api/4.0/integration_hubs/{id}`,
///   `GET /api/4.0/integration_hubs/{id}/health` and
///   `POST /api/4.0/integration_hubs/{id}/accept_legal_agreement`.
///
/// A hub's `authorization_token` is write-only: stored, never returned. Creating a hub, or
/// changing its `url`, "fetches" it from a built-in catalogue (the fake never calls out; see
/// [`EXAMPLE_HUB_URL`] and its neighbours): any other address gives a hub whose
/// `fetch_error_message` says the fetch failed. A second hub at an address already registered
/// is a 409; the official hub cannot be deleted (400) nor moved (422); deleting a hub removes
/// its integrations.
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

    /// The last body received by `operation_id` as it came: the JSON of `update_integration`,
    /// `fetch_integration_form`, and of `create_integration_hub` and `update_integration_hub`
    /// with the value of `authorization_token` replaced by `"[redacted]"`; for the form of
    /// `login`, an object of its fields (strings).
    pub fn last_request_body(&self, operation_id: &str) -> Option<Value> {
        self.inner
            .state
            .bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(operation_id)
            .cloned()
    }

    /// The integration hub `id` as the fake keeps it (without its authorization token;
    /// `has_authorization_token` tells whether there is one).
    pub fn integration_hub(&self, id: &str) -> Option<IntegrationHub> {
        self.inner.state.hub(id).map(|h| h.hub)
    }

    /// Every integration hub, in listing order, without their authorization tokens.
    pub fn integration_hubs(&self) -> Vec<IntegrationHub> {
        self.inner
            .state
            .with_hubs(|hubs| hubs.iter().map(|h| h.hub.clone()).collect())
    }

    /// The authorization token stored for hub `id` (the wire never shows it); `None` when the
    /// hub has none or there is no such hub.
    pub fn integration_hub_authorization_token(&self, id: &str) -> Option<String> {
        self.inner
            .state
            .hub(id)
            .and_then(|h| h.authorization_token().map(str::to_owned))
    }

    /// Sets what `get_integration_hub_health` answers for hub `id` from now on: `Ok(())` gives
    /// `{"success": true}`, `Err(message)` `{"success": false, "message": message}`. Until set,
    /// a hub is healthy unless fetching it failed (then the message is its
    /// `fetch_error_message`). Returns whether there is such a hub.
    pub fn set_hub_health(&self, id: &str, health: Result<(), String>) -> bool {
        self.inner
            .state
            .with_store_mut(|store| match store.hub_mut(id) {
                Some(hub) => {
                    hub.set_health(health);
                    true
                }
                None => false,
            })
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
