//! The Looker fake: [`LookerFake`] serves API 4.0 under `/api/4.0` like a Looker instance.

mod check;
mod form;
mod hubs;
mod routes;
mod seed;
mod state;
mod update;
mod wire;

use looker_api::types::{Integration, IntegrationHub};

pub use hubs::{ACME_HUB_URL, EXAMPLE_HUB_URL, OFFICIAL_HUB_URL, OPS_HUB_URL, PARTNER_HUB_URL};
pub use seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, HubSeed, LookerSeed};
pub use wire::DOCUMENTATION_URL;

pub use state::Looker;

#[cfg(test)]
pub(crate) use {hubs::catalogue, seed::demo_hub_fixtures};

use crate::fake::{FakeServer, Vendor};

/// The lifetime Looker gives an API token: `expires_in` of a login.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3599;

/// A running fake Looker instance: a [`FakeServer`] playing [`Looker`]. Cheap to clone; the
/// server stops when the last clone is dropped, or on [`shutdown`](FakeServer::shutdown).
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
pub type LookerFake = FakeServer<Looker>;

/// What only a Looker fake has.
impl FakeServer<Looker> {
    /// The API URL, [`base_url`](Self::base_url) + `/api/4.0`: the base URL of
    /// `looker_api::Client`.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.base_url(), routes::API_PREFIX)
    }

    /// The integration hub `id` as the fake keeps it (without its authorization token;
    /// `has_authorization_token` tells whether there is one).
    pub fn integration_hub(&self, id: &str) -> Option<IntegrationHub> {
        self.state().hub(id).map(|h| h.hub)
    }

    /// Every integration hub, in listing order, without their authorization tokens.
    pub fn integration_hubs(&self) -> Vec<IntegrationHub> {
        self.state()
            .with_hubs(|hubs| hubs.iter().map(|h| h.hub.clone()).collect())
    }

    /// The authorization token stored for hub `id` (the wire never shows it); `None` when the
    /// hub has none or there is no such hub.
    pub fn integration_hub_authorization_token(&self, id: &str) -> Option<String> {
        self.state().hub(id).and_then(|h| h.authorization_token)
    }

    /// Sets what `get_integration_hub_health` answers for hub `id` from now on: `Ok(())` gives
    /// `{"success": true}`, `Err(message)` `{"success": false, "message": message}`. Until set,
    /// a hub answers what its seed says ([`HubSeed::health`]; the demo's hub `2` is unhealthy),
    /// else it is healthy unless fetching it failed (then the message is its
    /// `fetch_error_message`). Returns whether there is such a hub.
    pub fn set_hub_health(&self, id: &str, health: Result<(), String>) -> bool {
        self.state()
            .with_store_mut(|store| match store.hub_mut(id) {
                Some(hub) => {
                    hub.set_health(health);
                    true
                }
                None => false,
            })
    }
}

impl Vendor for Looker {
    type Seed = LookerSeed;
    type Integration = Integration;
}
