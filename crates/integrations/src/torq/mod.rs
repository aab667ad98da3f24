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

use async_trait::async_trait;
use futures::StreamExt;
use reqwest::Url;
use secrecy::SecretString;
use torq_api::types;

pub use builder::{TorqConfig, TorqConfigKey, TorqRegion};

use crate::client::call::Calls;
use crate::client::http;
use crate::client::options::Resolved;
use crate::client::token::{Grant, Login};
use crate::client::transport::{Auth, Scheme};
use crate::client::{Session, Setup};
use crate::error::{Error, Operation, Result};
use crate::listing::{ListItem, ListStream, Listing};
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter, TestOutcome, Vendor};
use crate::provider::{IntegrationProvider, identity, own_id};

/// One Torq workspace. Make it with [`TorqConfig`].
#[derive(Debug)]
pub struct TorqProvider {
    api: torq_api::Client,
    session: Session,
}

/// Exchanges the API key for a bearer token.
#[derive(Debug)]
struct TorqLogin {
    client: torq_api::Client,
    /// Logins are single-flight already; their own slot hands the connection back to the pool
    /// before the calls that waited for the token go.
    calls: Calls,
}

#[async_trait]
impl Login for TorqLogin {
    async fn login(&self) -> Result<Grant> {
        let body = types::TokenRequest {
            grant_type: types::TokenRequestGrantType::ClientCredentials,
        };
        let call = self.calls.call(Operation::Login, None);
        let token = call.send(self.client.create_token(&body)).await?;
        Grant::new(Vendor::Torq, token.access_token, token.expires_in)
    }
}

impl TorqProvider {
    pub(crate) fn new(
        name: String,
        base_url: Url,
        auth_url: Url,
        client_id: String,
        client_secret: Arc<SecretString>,
        options: &Resolved,
    ) -> Result<Self> {
        let setup = Setup::new(Vendor::Torq, options, true, &client_secret)?;
        let new = torq_api::Client::new_with_client;
        let key = Auth::basic(&client_id, &client_secret);
        let login = TorqLogin {
            client: setup.client(new, &http::base(&auth_url), key, false),
            calls: setup.login_calls(),
        };
        let session = setup.session(name, login);
        let token = Auth::Token(session.auth.clone(), Scheme::Bearer);
        let api = setup.client(new, &http::base(&base_url), token, true);
        Ok(Self { api, session })
    }

    /// How many tokens this provider obtained (for tests and benchmarks).
    pub fn logins(&self) -> u64 {
        self.session.logins()
    }

    /// The workspace's integrations as Torq's answer arrives, for `operation`.
    fn records<'a>(&'a self, operation: Operation, kind: Option<&'a str>) -> ListStream<'a> {
        self.session.call(operation, None).stream_listing(
            self.api.list_integrations(kind),
            Some("integrations"),
            convert::integration,
        )
    }
}

#[async_trait]
impl IntegrationProvider for TorqProvider {
    identity!(Vendor::Torq);

    fn list_stream<'a>(&'a self, filter: &'a ListFilter) -> ListStream<'a> {
        self.records(Operation::List, filter.kind.as_deref())
    }

    async fn list(&self, filter: &ListFilter) -> Result<Listing> {
        Listing::from_stream(self.list_stream(filter)).await
    }

    /// Torq has no route for one integration: this reads the listing until `id` comes by. A
    /// record of that id that cannot be read is an error only when no readable one follows.
    async fn get(&self, id: &IntegrationId) -> Result<Integration> {
        let vendor_id = own_id(Vendor::Torq, id)?;
        let mut records = self.records(Operation::Get, None);
        let mut unreadable = None;
        while let Some(item) = records.next().await {
            match item? {
                ListItem::Integration(found) if found.id.vendor_id() == vendor_id => {
                    return Ok(found);
                }
                ListItem::Skipped(skipped) if skipped.id.as_deref() == Some(vendor_id) => {
                    unreadable.get_or_insert(skipped);
                }
                _ => {}
            }
        }
        Err(match unreadable {
            // The record is there but cannot be read: say so rather than "not found".
            Some(skipped) => Error::BadResponse {
                vendor: Vendor::Torq,
                operation: Operation::Get,
                status: None,
                content_type: None,
                reason: format!(
                    "the record of `{vendor_id}` cannot be read: {}",
                    skipped.reason
                ),
                excerpt: None,
            },
            None => Error::NotFound {
                vendor: Vendor::Torq,
                operation: Operation::Get,
                id: vendor_id.to_owned(),
            },
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

    /// Torq has no integration hubs.
    fn hubs(&self) -> Option<&dyn crate::hubs::IntegrationHubs> {
        None
    }

    /// Torq's tokens cannot be revoked: there is no session to end.
    async fn logout(&self) -> Result<()> {
        Err(Error::Unsupported {
            vendor: Vendor::Torq,
            operation: Operation::Logout,
        })
    }
}
