//! Integration hubs: the servers a Looker instance takes its integrations from (Looker's own
//! Action Hub, and private hubs a team runs), and the forms its integrations ask users to fill.
//!
//! Only Looker has hubs, so they are not part of [`IntegrationProvider`](crate::IntegrationProvider)'s
//! operations: a provider that has them returns this trait from
//! [`hubs`](crate::IntegrationProvider::hubs) (and says so in
//! [`Capabilities::hubs`](crate::Capabilities::hubs)); the others return `None`.
//!
//! ```no_run
//! use integrations::{IntegrationProvider, LookerConfig};
//!
//! # async fn demo() -> integrations::Result<()> {
//! let looker = LookerConfig::from_env().build()?;
//! if let Some(hubs) = looker.hubs() {
//!     for hub in hubs.list_hubs().await? {
//!         let health = hubs.hub_health(&hub.id).await?;
//!         println!("{} {:?} healthy: {}", hub.id, hub.label, health.healthy);
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use async_trait::async_trait;
use schemars::JsonSchema;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::IntegrationId;

/// The hub operations of a provider whose vendor has hubs (Looker).
#[async_trait]
pub trait IntegrationHubs: Send + Sync + fmt::Debug {
    /// Every hub of the instance.
    async fn list_hubs(&self) -> Result<Vec<IntegrationHub>>;

    /// One hub.
    async fn hub(&self, id: &str) -> Result<IntegrationHub>;

    /// Adds a hub; the instance fetches its integrations from the hub's URL.
    async fn create_hub(&self, hub: &NewHub) -> Result<IntegrationHub>;

    /// Changes a hub's URL or authorization token.
    async fn update_hub(&self, id: &str, patch: &HubPatch) -> Result<IntegrationHub>;

    /// Removes a hub and its integrations.
    async fn delete_hub(&self, id: &str) -> Result<()>;

    /// Whether the instance can reach the hub.
    async fn hub_health(&self, id: &str) -> Result<HubHealth>;

    /// Accepts the hub's legal agreement, which its integrations need before they can be used.
    async fn accept_hub_agreement(&self, id: &str) -> Result<IntegrationHub>;

    /// The form an integration asks its users to fill, given the values chosen so far (the
    /// values are treated as secrets: no error quotes them).
    async fn integration_form(
        &self,
        id: &IntegrationId,
        values: &BTreeMap<String, String>,
    ) -> Result<IntegrationForm>;
}

/// A hub, as the instance describes it. Its authorization token is never returned:
/// `has_authorization_token` tells whether one is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct IntegrationHub {
    /// The hub's id (`1` is Looker's own Action Hub).
    pub id: String,
    /// Its name for people.
    pub label: Option<String>,
    /// Where the instance reaches it.
    pub url: Option<String>,
    /// Whether it is Looker's own Action Hub.
    pub official: bool,
    /// Whether an authorization token is set (the token itself is never returned).
    pub has_authorization_token: bool,
    /// Why the instance could not fetch the hub's integrations, if it could not.
    pub fetch_error_message: Option<String>,
    /// Whether its integrations need a legal agreement accepted.
    pub legal_agreement_required: bool,
    /// Whether that agreement was accepted.
    pub legal_agreement_signed: bool,
    /// The agreement's text.
    pub legal_agreement_text: Option<String>,
}

impl IntegrationHub {
    /// A hub with `id`, nothing else known.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            label: None,
            url: None,
            official: false,
            has_authorization_token: false,
            fetch_error_message: None,
            legal_agreement_required: false,
            legal_agreement_signed: false,
            legal_agreement_text: None,
        }
    }

    /// Whether a required legal agreement is still to be accepted.
    pub fn agreement_pending(&self) -> bool {
        self.legal_agreement_required && !self.legal_agreement_signed
    }
}

/// A hub to add.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewHub {
    /// Its URL.
    pub url: String,
    /// The token the instance presents to it (a private hub's), kept secret.
    pub authorization_token: Option<SecretString>,
}

impl NewHub {
    /// A hub at `url`, without a token.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            authorization_token: None,
        }
    }

    /// With an authorization token.
    pub fn with_authorization_token(mut self, token: impl Into<String>) -> Self {
        self.authorization_token = Some(SecretString::from(token.into()));
        self
    }
}

/// A change to a hub. Only what is set here is sent.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct HubPatch {
    /// A new URL; `None` leaves it.
    pub url: Option<String>,
    /// What to do with the authorization token.
    pub authorization_token: TokenChange,
}

impl HubPatch {
    /// A patch that changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the hub to `url`.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets a new authorization token.
    pub fn authorization_token(mut self, token: impl Into<String>) -> Self {
        self.authorization_token = TokenChange::Set(SecretString::from(token.into()));
        self
    }

    /// Removes the authorization token.
    pub fn remove_authorization_token(mut self) -> Self {
        self.authorization_token = TokenChange::Remove;
        self
    }
}

/// What to do with a hub's authorization token.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum TokenChange {
    /// Keep it.
    #[default]
    Leave,
    /// Replace it (kept secret).
    Set(SecretString),
    /// Remove it.
    Remove,
}

/// Whether an instance can reach a hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct HubHealth {
    /// Whether the hub answered as it should.
    pub healthy: bool,
    /// What went wrong, when something did.
    pub message: Option<String>,
}

impl HubHealth {
    /// A health report.
    pub fn new(healthy: bool, message: Option<String>) -> Self {
        Self { healthy, message }
    }
}

/// The form an integration asks its users to fill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct IntegrationForm {
    /// Its fields, in order.
    pub fields: Vec<FormField>,
}

/// One field of an integration's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FormField {
    /// The field's name (the key of its value).
    pub name: String,
    /// Its name for people.
    pub label: Option<String>,
    /// Whether it must be filled.
    pub required: bool,
    /// What it is for.
    pub description: Option<String>,
    /// Its kind: `text`, `password`, `select`, `oauth_link`, …
    pub kind: Option<String>,
    /// Its value so far (never for a `password` field).
    pub default: Option<String>,
    /// The choices of a `select` field: value and label.
    pub options: Vec<(String, Option<String>)>,
}
