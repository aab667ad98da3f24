//! The Torq provider: one Torq workspace, through the generated `torq-api` client.
//!
//! Auth: the API key is exchanged for a bearer token at the region's auth host
//! (`POST /v1/auth/token`, HTTP Basic, `grant_type=client_credentials`); the token is renewed
//! before it expires and once when Torq answers 302 (its way of saying "expired") or 401.
//! Requests are paced under Torq's 50 per second. Torq documents listing only: `get` lists and
//! picks one out; `update` and `test` are [`Error::Unsupported`].

mod builder;
mod convert;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Url;
use secrecy::SecretString;
use torq_api::types;

pub use builder::{TorqConfig, TorqConfigKey, TorqRegion};

use crate::client::errors::Call;
use crate::client::http::{self, HttpSettings};
use crate::client::limit::InFlight;
use crate::client::pace::Pacer;
use crate::client::retry::RetryConfig;
use crate::client::token::{Grant, Login, TokenCache};
use crate::client::transport::{Auth, Scheme, VendorTransport};
use crate::error::{Error, Operation, Result};
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter, TestOutcome, Vendor};
use crate::provider::{Capabilities, IntegrationProvider, own_id};

/// One Torq workspace. Make it with [`TorqConfig`].
#[derive(Debug)]
pub struct TorqProvider {
    name: String,
    api: torq_api::Client,
    auth: Arc<TokenCache>,
    in_flight: InFlight,
}

/// Exchanges the API key for a bearer token.
#[derive(Debug)]
struct TorqLogin {
    client: torq_api::Client,
    /// Logins are single-flight already; the slot hands the connection back to the pool
    /// before the calls that waited for the token go.
    slot: InFlight,
}

#[async_trait]
impl Login for TorqLogin {
    async fn login(&self) -> Result<Grant> {
        let body = types::TokenRequest {
            grant_type: types::TokenRequestGrantType::ClientCredentials,
        };
        let call = Call {
            vendor: Vendor::Torq,
            operation: Operation::Login,
            id: None,
        };
        let token = self
            .slot
            .call(call, self.client.create_token(&body))
            .await?;
        Ok(Grant {
            token: SecretString::from(token.access_token),
            expires_in: token.expires_in,
        })
    }
}

impl TorqProvider {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        name: String,
        base_url: Url,
        auth_url: Url,
        client_id: String,
        client_secret: Arc<SecretString>,
        settings: &HttpSettings,
        retry: RetryConfig,
        refresh_margin: Duration,
        requests_per_second: u32,
    ) -> Result<Self> {
        let http = http::client(Vendor::Torq, settings)?;
        let login_transport = VendorTransport {
            vendor: Vendor::Torq,
            auth: Auth::Basic {
                user: client_id,
                password: SecretString::from(
                    secrecy::ExposeSecret::expose_secret(&*client_secret).to_owned(),
                ),
            },
            retry: retry.clone(),
            pacer: None,
        };
        let login = TorqLogin {
            client: torq_api::Client::new_with_client(
                &http::base(&auth_url),
                http.clone(),
                torq_api::Hooks::new(Arc::new(login_transport)),
            ),
            slot: InFlight::new(1),
        };
        let auth = Arc::new(TokenCache::new(login, refresh_margin));
        let transport = VendorTransport {
            vendor: Vendor::Torq,
            auth: Auth::Token(auth.clone(), Scheme::Bearer),
            retry,
            pacer: Some(Pacer::per_second(requests_per_second)),
        };
        let api = torq_api::Client::new_with_client(
            &http::base(&base_url),
            http,
            torq_api::Hooks::new(Arc::new(transport)),
        );
        Ok(Self {
            name,
            api,
            auth,
            in_flight: InFlight::new(settings.max_in_flight),
        })
    }

    /// How many tokens this provider obtained (for tests and benchmarks).
    pub fn logins(&self) -> u64 {
        self.auth.logins()
    }

    async fn list_records(
        &self,
        operation: Operation,
        kind: Option<&str>,
    ) -> Result<Vec<Integration>> {
        self.auth.get().await?;
        let call = Call {
            vendor: Vendor::Torq,
            operation,
            id: None,
        };
        let records = self
            .in_flight
            .call(call, self.api.list_integrations(kind))
            .await?
            .integrations;
        let total = records.len();
        let out: Vec<Integration> = records
            .into_iter()
            .filter_map(convert::integration)
            .collect();
        if out.len() < total {
            tracing::warn!(
                skipped = total - out.len(),
                "skipping Torq integrations without id or name"
            );
        }
        Ok(out)
    }
}

#[async_trait]
impl IntegrationProvider for TorqProvider {
    fn vendor(&self) -> Vendor {
        Vendor::Torq
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            list: true,
            get: true,
            get_by_listing: true,
            update: false,
            test: false,
        }
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<Integration>> {
        self.list_records(Operation::List, filter.kind.as_deref())
            .await
    }

    /// Torq has no route for one integration: this lists them all and picks `id` out.
    async fn get(&self, id: &IntegrationId) -> Result<Integration> {
        let vendor_id = own_id(Vendor::Torq, id)?;
        self.list_records(Operation::Get, None)
            .await?
            .into_iter()
            .find(|i| i.id.vendor_id() == vendor_id)
            .ok_or_else(|| Error::NotFound {
                vendor: Vendor::Torq,
                operation: Operation::Get,
                id: vendor_id.to_owned(),
            })
    }

    async fn update(&self, _id: &IntegrationId, _patch: &IntegrationPatch) -> Result<Integration> {
        Err(Error::Unsupported {
            vendor: Vendor::Torq,
            operation: Operation::Update,
        })
    }

    async fn test(&self, _id: &IntegrationId) -> Result<TestOutcome> {
        Err(Error::Unsupported {
            vendor: Vendor::Torq,
            operation: Operation::Test,
        })
    }
}
