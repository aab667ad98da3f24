//! In-process fake Looker and Torq servers (axum), for tests, demos and benchmarks.
//!
//! [`LookerFake`] behaves like a Looker instance's API 4.0 and [`TorqFake`] like Torq's public
//! API (v1alpha) and its auth host, as the committed specs (`spec/looker.json`,
//! `spec/torq.json`) and the vendors' pages say, including what users see on the wire. Both are
//! one [`FakeServer`] type, with the vendor as its parameter (`FakeServer<Looker>`,
//! `FakeServer<Torq>`): starting, addresses, credentials, [`Control`], the bodies received and
//! shutdown are the same for both; what differs is the vendor's routes and data:
//!
//! - Looker: `POST /api/4.0/login` takes form fields `client_id` and `client_secret` and answers
//!   `{"access_token", "token_type": "Bearer", "expires_in": 3599}` (no `refresh_token`); wrong
//!   credentials answer **404**; a call without a live `Authorization: token …` (or `Bearer …`)
//!   answers 401 `Requires authentication.`; `fields=` is honoured (`id,params(name,value)`);
//!   sensitive values are never returned (`has_value` tells); PATCH changes only writable
//!   fields, with a param `value` of null meaning "leave" and `""` "clear", and answers 422 with
//!   every wrong field; `test` answers from the integration's state; `form` derives a form from
//!   the integration's params. Integration hubs are listed, created (their integrations
//!   "fetched" from a built-in catalogue of addresses: the fake never calls out), updated,
//!   deleted with their integrations, health-checked (settable with
//!   [`LookerFake::set_hub_health`]) and can require a legal agreement; a hub's
//!   `authorization_token` is write-only (stored, never returned, never logged).
//! - Torq: `POST /v1/auth/token` with HTTP Basic client credentials and
//!   `grant_type=client_credentials` gives a bearer token of one hour; its refusals are OAuth 2.0
//!   errors (RFC 6749 §5.2: 401 `invalid_client` for wrong credentials, 400 `invalid_request` or
//!   `unsupported_grant_type`); `GET /v1alpha/integrations` (`type_id`) answers 401 for an
//!   unknown token and **302** for an expired one; the API's errors are `rpcStatus` bodies.
//! - Both: request bodies are limited to [`BODY_LIMIT`] (a longer one is a 400, the status each
//!   spec documents for a bad request); anything malformed gets a 4xx in the vendor's error
//!   shape.
//!
//! Their wire types are the generated clients' (`looker_api::types`, `torq_api::types`), so a
//! change of a spec reaches the fakes too. Each fake has a [`Control`] to inject failures
//! (429 with `Retry-After`, 500, 503…), delays, dropped connections and raw answers
//! ([`RawAnswer`]: any status, any headers, a body that is not JSON, not UTF-8, endless or cut
//! short), to expire every token, and to count requests per route (by operationId) and how many
//! of them its handler processed, logins and TCP connections.
//!
//! # The demo
//!
//! [`LookerSeed::demo`] and [`TorqSeed::demo`] (what [`FakeServers::start`] and the
//! standalone binary serve) are read from JSON fixtures compiled into the crate, each record a
//! value of the generated types, so a spec change that breaks one fails a test (they are also
//! checked against the spec's schemas): `fixtures/looker_demo.json` (eighteen Looker
//! `Integration`s, sensitive values included: the fake never returns them),
//! `fixtures/looker_hubs.json` (three `IntegrationHub`s, with the write-only
//! `authorization_token` they were registered with and the health each answers),
//! `fixtures/looker_catalogue.json` (what creating a hub at [`looker::EXAMPLE_HUB_URL`] or
//! [`looker::PARTNER_HUB_URL`] "fetches") and `fixtures/torq_demo.json` (thirteen Torq
//! `V1alphaIntegration`s). [`LookerSeed::synthetic`] and [`TorqSeed::synthetic`] generate any
//! number of integrations in code instead, for benchmarks.
//!
//! ## The demo's deliberate problems
//!
//! The demo instance is not all well, so that a health check such as `integrations doctor` has
//! something to find (none of it shows in a listing: ids, names, kinds and enabled are those of a
//! sound instance):
//!
//! - **An enabled integration missing a required parameter**: `1::marketo` (Marketo) is enabled,
//!   and its required, sensitive `clientSecret` has no value and no user attribute to take one
//!   from (`has_value: false`). So is the disabled `1::hubspot_contacts` (`hubspot_api_key`).
//! - **Tests that fail**: `test_integration` of `1::marketo` answers `success: false`,
//!   `Missing required parameter(s): Client Secret.`; of `1::hubspot_contacts`,
//!   `Missing required parameter(s): HubSpot API Key.`; of the disabled `2::acme_teams_bot`, a
//!   delegate-OAuth integration with no installed target, `No delegate OAuth target is
//!   installed for this integration.`
//! - **An unhealthy hub**: hub `2` (ACME actions) answers its health check with
//!   `{"success": false, "message": "Couldn't connect to action service"}` until
//!   [`LookerFake::set_hub_health`] says otherwise; its integrations
//!   (`2::acme_pagerduty_alert`, `2::acme_data_webhook`, `2::acme_jira_ticket`,
//!   `2::acme_teams_bot`) depend on it.
//! - **A legal agreement not accepted**: hub `3` (Ops tools) requires one and it is not signed,
//!   so the forms of `3::datadog_event` and `3::amazon_s3_export` are refused (422) until
//!   `accept_integration_hub_legal_agreement`.
//! - Torq: `6546cdc0-7e5e-480a-b8e2-a80d9545c296` (Webhook - staging test) was never used (no
//!   `last_used_at`).
//!
//! # Example
//!
//! ```no_run
//! use integrations_fake::FakeServers;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let fakes = FakeServers::start().await?;
//! let looker = looker_api::Client::new(&fakes.looker.api_url(), Default::default());
//! let login = looker_api::types::LoginRequest {
//!     client_id: fakes.looker.client_id().into(),
//!     client_secret: fakes.looker.client_secret().into(),
//! };
//! let token = looker.login(&login).await?.into_inner();
//! assert_eq!(token.expires_in, Some(3599));
//!
//! // The next list call is rate limited; the one after succeeds.
//! fakes.looker.control().fail_next("all_integrations", 1, 429, Some(2));
//! assert_eq!(fakes.looker.control().logins(), 1);
//! # Ok(()) }
//! ```
//!
//! # Standalone
//!
//! `cargo run -p integrations-fake` starts both fakes on loopback and prints, one per
//! line, the shell assignments that point Looker's SDKs and a Torq client at them
//! (`LOOKERSDK_BASE_URL`, `LOOKERSDK_CLIENT_ID`, `LOOKERSDK_CLIENT_SECRET`,
//! `LOOKERSDK_VERIFY_SSL`, `TORQ_BASE_URL`, `TORQ_AUTH_URL`, `TORQ_CLIENT_ID`,
//! `TORQ_CLIENT_SECRET`), logs to stderr, and serves until Ctrl-C:
//!
//! ```text
//! $ cargo run -q -p integrations-fake > fake.env &
//! $ set -a; . ./fake.env; set +a
//! $ curl -s -d "client_id=$LOOKERSDK_CLIENT_ID&client_secret=$LOOKERSDK_CLIENT_SECRET" \
//!       "$LOOKERSDK_BASE_URL/api/4.0/login"
//! ```

#![warn(missing_docs)]

mod answer;
mod control;
mod fake;
mod fields;
mod fixtures;
mod gate;
pub mod looker;
mod request;
mod server;
mod tokens;
pub mod torq;

pub use answer::{InvalidAnswer, RawAnswer};
pub use control::Control;
pub use fake::{FakeServer, Vendor};
pub use looker::{HubSeed, Looker, LookerFake, LookerSeed};
pub use request::BODY_LIMIT;
pub use torq::{Torq, TorqFake, TorqSeed};

/// A Looker fake and a Torq fake, both on loopback.
#[derive(Clone, Debug)]
pub struct FakeServers {
    /// The Looker fake.
    pub looker: LookerFake,
    /// The Torq fake.
    pub torq: TorqFake,
}

impl FakeServers {
    /// Starts both fakes on ephemeral loopback ports, with the demo data.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(LookerSeed::demo(), TorqSeed::demo()).await
    }

    /// Starts both fakes on ephemeral loopback ports, with the given data.
    pub async fn start_with(looker: LookerSeed, torq: TorqSeed) -> std::io::Result<Self> {
        Ok(Self {
            looker: LookerFake::start(looker).await?,
            torq: TorqFake::start(torq).await?,
        })
    }

    /// The shell assignments that point Looker's SDKs and a Torq client at these fakes, in the
    /// order the standalone binary prints them.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        vec![
            ("LOOKERSDK_BASE_URL", self.looker.base_url()),
            ("LOOKERSDK_CLIENT_ID", self.looker.client_id().to_owned()),
            (
                "LOOKERSDK_CLIENT_SECRET",
                self.looker.client_secret().to_owned(),
            ),
            ("LOOKERSDK_VERIFY_SSL", "false".to_owned()),
            ("TORQ_BASE_URL", self.torq.base_url()),
            ("TORQ_AUTH_URL", self.torq.auth_url()),
            ("TORQ_CLIENT_ID", self.torq.client_id().to_owned()),
            ("TORQ_CLIENT_SECRET", self.torq.client_secret().to_owned()),
        ]
    }

    /// Stops both fakes.
    pub async fn shutdown(&self) {
        self.looker.shutdown().await;
        self.torq.shutdown().await;
    }
}
