//! The Looker provider: one Looker instance, through the generated `looker-api` client.
//!
//! Auth: `POST /api/4.0/login` with the API key's client id and secret (form body), then
//! `Authorization: token …` on every call; the token is renewed 10 s before it expires and once
//! when Looker answers 401. Update and test are Looker's own operations.

mod builder;
mod convert;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use looker_api::types;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

pub use builder::{LookerConfig, LookerConfigKey};

use crate::client::errors::{Call, map_error};
use crate::client::http::{self, HttpSettings};
use crate::client::limit::InFlight;
use crate::client::retry::RetryConfig;
use crate::client::token::{Grant, Login, TokenCache};
use crate::client::transport::{Auth, Scheme, VendorTransport};
use crate::error::{Error, Operation, Result};
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter, TestOutcome, Vendor};
use crate::provider::{Capabilities, IntegrationProvider, own_id};

/// One Looker instance. Make it with [`LookerConfig`].
#[derive(Debug)]
pub struct LookerProvider {
    name: String,
    api: looker_api::Client,
    auth: Arc<TokenCache>,
    in_flight: InFlight,
}

/// Logs in with the API key.
#[derive(Debug)]
struct LookerLogin {
    client: looker_api::Client,
    /// Logins are single-flight already; the slot hands the connection back to the pool
    /// before the calls that waited for the token go.
    slot: InFlight,
    client_id: String,
    client_secret: Arc<SecretString>,
}

#[async_trait]
impl Login for LookerLogin {
    async fn login(&self) -> Result<Grant> {
        let body = types::LoginRequest {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.expose_secret().to_owned(),
        };
        let call = Call {
            vendor: Vendor::Looker,
            operation: Operation::Login,
            id: None,
        };
        let token = self.slot.call(call, self.client.login(&body)).await?;
        let Some(access_token) = token.access_token else {
            return Err(Error::BadResponse {
                vendor: Vendor::Looker,
                operation: Operation::Login,
                status: Some(200),
                snippet: "the login answer has no access_token".into(),
            });
        };
        Ok(Grant {
            token: SecretString::from(access_token),
            expires_in: token.expires_in,
        })
    }
}

impl LookerProvider {
    pub(crate) fn new(
        name: String,
        base_url: Url,
        client_id: String,
        client_secret: Arc<SecretString>,
        settings: &HttpSettings,
        retry: RetryConfig,
        refresh_margin: Duration,
    ) -> Result<Self> {
        let http = http::client(Vendor::Looker, settings)?;
        let api_url = format!("{}/api/4.0", http::base(&base_url));
        let login_transport = VendorTransport {
            vendor: Vendor::Looker,
            auth: Auth::None,
            retry: retry.clone(),
            pacer: None,
        };
        let login = LookerLogin {
            client: looker_api::Client::new_with_client(
                &api_url,
                http.clone(),
                looker_api::Hooks::new(Arc::new(login_transport)),
            ),
            slot: InFlight::new(1),
            client_id,
            client_secret,
        };
        let auth = Arc::new(TokenCache::new(login, refresh_margin));
        let transport = VendorTransport {
            vendor: Vendor::Looker,
            auth: Auth::Token(auth.clone(), Scheme::LookerToken),
            retry,
            pacer: None,
        };
        let api = looker_api::Client::new_with_client(
            &api_url,
            http,
            looker_api::Hooks::new(Arc::new(transport)),
        );
        Ok(Self {
            name,
            api,
            auth,
            in_flight: InFlight::new(settings.max_in_flight),
        })
    }

    /// Ends the session: Looker invalidates the current token. The next call logs in again.
    pub async fn logout(&self) -> Result<()> {
        if self.auth.fresh().is_none() {
            return Ok(());
        }
        let call = Call {
            vendor: Vendor::Looker,
            operation: Operation::Logout,
            id: None,
        };
        let outcome = self.api.logout().await;
        self.auth.take();
        match outcome {
            Ok(_) => Ok(()),
            // A token that is already dead is as logged out as it gets.
            Err(e) if e.status() == Some(reqwest::StatusCode::UNAUTHORIZED) => Ok(()),
            Err(e) => Err(map_error(call, e).await),
        }
    }

    /// How many times this provider logged in (for tests and benchmarks).
    pub fn logins(&self) -> u64 {
        self.auth.logins()
    }

    fn call<'a>(operation: Operation, id: Option<&'a str>) -> Call<'a> {
        Call {
            vendor: Vendor::Looker,
            operation,
            id,
        }
    }
}

#[async_trait]
impl IntegrationProvider for LookerProvider {
    fn vendor(&self) -> Vendor {
        Vendor::Looker
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            list: true,
            get: true,
            get_by_listing: false,
            update: true,
            test: true,
        }
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<Integration>> {
        self.auth.get().await?;
        let records = self
            .in_flight
            .call(
                Self::call(Operation::List, None),
                self.api.all_integrations(None, filter.kind.as_deref()),
            )
            .await?;
        let mut out = Vec::with_capacity(records.len());
        for record in records {
            match convert::integration(record) {
                Ok(integration) => out.push(integration),
                Err(e) => {
                    tracing::warn!(error = %e, "skipping a Looker integration without a usable id")
                }
            }
        }
        Ok(out)
    }

    async fn get(&self, id: &IntegrationId) -> Result<Integration> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        self.auth.get().await?;
        let record = self
            .in_flight
            .call(
                Self::call(Operation::Get, Some(vendor_id)),
                self.api.integration(vendor_id, None),
            )
            .await?;
        convert::integration(record)
    }

    async fn update(&self, id: &IntegrationId, patch: &IntegrationPatch) -> Result<Integration> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        self.auth.get().await?;
        let body = convert::write_model(patch);
        let record = self
            .in_flight
            .call(
                Self::call(Operation::Update, Some(vendor_id)),
                self.api.update_integration(vendor_id, None, &body),
            )
            .await?;
        convert::integration(record)
    }

    async fn test(&self, id: &IntegrationId) -> Result<TestOutcome> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        self.auth.get().await?;
        let result = self
            .in_flight
            .call(
                Self::call(Operation::Test, Some(vendor_id)),
                self.api.test_integration(vendor_id),
            )
            .await?;
        Ok(convert::test_outcome(result))
    }
}
