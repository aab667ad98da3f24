//! The Looker provider: one Looker instance, through the generated `looker-api` client.
//!
//! Auth: `POST /api/4.0/login` with the API key's client id and secret (form body), then
//! `Authorization: token …` on every call; the token is renewed 10 s before it expires and once
//! when Looker answers 401. Update and test are Looker's own operations.

mod builder;
mod convert;
mod hubs;

use std::sync::Arc;

use async_trait::async_trait;
use looker_api::types;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

pub use builder::{LookerConfig, LookerConfigKey};

use crate::client::call::{Call, Calls};
use crate::client::http;
use crate::client::options::Resolved;
use crate::client::records::Unusable;
use crate::client::token::{Grant, Login};
use crate::client::transport::{Auth, Scheme};
use crate::client::{Session, Setup};
use crate::error::{Error, Operation, Result};
use crate::listing::{ListStream, Listing};
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter, TestOutcome, Vendor};
use crate::provider::{IntegrationProvider, identity, own_id};

/// One Looker instance. Make it with [`LookerConfig`].
#[derive(Debug)]
pub struct LookerProvider {
    api: looker_api::Client,
    session: Session,
}

/// Logs in with the API key.
#[derive(Debug)]
struct LookerLogin {
    client: looker_api::Client,
    /// Logins are single-flight already; their own slot hands the connection back to the pool
    /// before the calls that waited for the token go.
    calls: Calls,
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
        let call = self.calls.call(Operation::Login, None);
        let token = call.send(self.client.login(&body)).await?;
        let Some(access_token) = token.access_token else {
            return Err(Error::BadResponse {
                vendor: Vendor::Looker,
                operation: Operation::Login,
                status: Some(200),
                content_type: None,
                reason: "the login answer has no access_token".into(),
                excerpt: None,
            });
        };
        Grant::new(Vendor::Looker, access_token, token.expires_in)
    }
}

impl LookerProvider {
    pub(crate) fn new(
        name: String,
        base_url: Url,
        client_id: String,
        client_secret: Arc<SecretString>,
        options: &Resolved,
        verify_tls: bool,
    ) -> Result<Self> {
        let setup = Setup::new(Vendor::Looker, options, verify_tls, &client_secret)?;
        let api_url = format!("{}/api/4.0", http::base(&base_url));
        let new = looker_api::Client::new_with_client;
        let login = LookerLogin {
            client: setup.client(new, &api_url, Auth::None, false),
            calls: setup.login_calls(),
            client_id,
            client_secret,
        };
        let session = setup.session(name, login);
        let token = Auth::Token(session.auth.clone(), Scheme::LookerToken);
        let api = setup.client(new, &api_url, token, true);
        Ok(Self { api, session })
    }

    /// How many times this provider logged in (for tests and benchmarks).
    pub fn logins(&self) -> u64 {
        self.session.logins()
    }
}

#[async_trait]
impl IntegrationProvider for LookerProvider {
    identity!(Vendor::Looker);

    fn list_stream<'a>(&'a self, filter: &'a ListFilter) -> ListStream<'a> {
        self.session.call(Operation::List, None).stream_listing(
            self.api.all_integrations(None, filter.kind.as_deref()),
            None,
            convert::integration,
        )
    }

    async fn list(&self, filter: &ListFilter) -> Result<Listing> {
        Listing::from_stream(self.list_stream(filter)).await
    }

    async fn get(&self, id: &IntegrationId) -> Result<Integration> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        let call = self.session.call(Operation::Get, Some(vendor_id));
        let record = call.send(self.api.integration(vendor_id, None)).await?;
        convert::integration(record).map_err(|u| unusable(&call, u))
    }

    async fn update(&self, id: &IntegrationId, patch: &IntegrationPatch) -> Result<Integration> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        let call = self
            .session
            .call(Operation::Update, Some(vendor_id))
            .sending(patch.secret_values());
        let body = convert::write_model(patch);
        let record = call
            .send(self.api.update_integration(vendor_id, None, &body))
            .await?;
        convert::integration(record).map_err(|u| unusable(&call, u))
    }

    /// Ends the session: Looker invalidates the current token. The next call logs in again.
    async fn logout(&self) -> Result<()> {
        if self.session.auth.fresh().is_none() {
            return Ok(());
        }
        let call = self.session.call(Operation::Logout, None);
        let outcome = call.send(self.api.logout()).await;
        self.session.auth.take();
        match outcome {
            Ok(_) => Ok(()),
            // A token that is already dead is as logged out as it gets.
            Err(Error::Unauthorized { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn hubs(&self) -> Option<&dyn crate::hubs::IntegrationHubs> {
        Some(self)
    }

    async fn test(&self, id: &IntegrationId) -> Result<TestOutcome> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        let call = self.session.call(Operation::Test, Some(vendor_id));
        let result = call.send(self.api.test_integration(vendor_id)).await?;
        Ok(convert::test_outcome(result))
    }
}

/// A record that decoded but that the model cannot use, as the call's error.
fn unusable(call: &Call<'_>, u: Unusable) -> Error {
    Error::BadResponse {
        vendor: call.vendor(),
        operation: call.operation,
        status: None,
        content_type: None,
        reason: u.reason,
        excerpt: None,
    }
}
