//! One async trait over the integrations of Looker instances and Torq workspaces.
//!
//! Users depend on this crate only. It wraps the clients that `cargo xtask codegen` generates
//! from the vendors' OpenAPI documents (`looker-api`, `torq-api`) and adds what a caller should not
//! have to write: logins and token renewal (one login in flight however many calls wait),
//! retries with back-off that respect what each method allows, a bound on the requests in
//! flight (so a burst of callers shares a few pooled connections), one error type, configuration as
//! the vendors' own SDKs read it, secrets that never reach `Debug` or logs, and a tracing span
//! per call (`integrations.call`: vendor, operation, status, attempts, latency).
//!
//! ```no_run
//! use std::sync::Arc;
//! use futures::StreamExt;
//! use integrations::{IntegrationPatch, IntegrationProvider, ListFilter, LookerConfig, ParamChange, TorqConfig};
//!
//! # async fn demo() -> integrations::Result<()> {
//! // LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID, LOOKERSDK_CLIENT_SECRET (a looker.ini with_ini_file),
//! // TORQ_CLIENT_ID, TORQ_CLIENT_SECRET, TORQ_REGION …
//! let providers: Vec<Arc<dyn IntegrationProvider>> = vec![
//!     Arc::new(LookerConfig::from_env().build()?),
//!     Arc::new(TorqConfig::from_env().build()?),
//! ];
//! let filter = ListFilter::all();
//! let mut listings = integrations::list_all(&providers, &filter, 4);
//! while let Some(listing) = listings.next().await {
//!     for integration in listing.result?.integrations {
//!         println!("{:<50} {}", integration.id, integration.name);
//!     }
//! }
//!
//! let slack = "looker:1::slack".parse()?;
//! let patch = IntegrationPatch::new().enabled(true).param("token", ParamChange::set("xoxb-…"));
//! providers[0].update(&slack, &patch).await?;
//! # Ok(()) }
//! ```
//!
//! The `examples/` directory runs the same against the fake servers of `integrations-fake`.

#![warn(missing_docs)]

mod client;
mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod fanout;
pub mod hubs;
mod listing;
mod looker;
pub mod memory;
mod model;
mod provider;
mod provider_config;
mod raw;
mod setters;
pub mod state;
mod torq;

pub use client::options::{ClientConfigKey, ClientOptions};
pub use client::retry::RetryConfig;
pub use error::{Error, FieldError, Operation, Result};
pub use fanout::{ProviderListing, list_all};
pub use listing::{ListItem, ListStream, Listing, SkippedRecord};
pub use looker::{LookerConfig, LookerConfigKey, LookerProvider};
pub use model::{
    BindingChange, Integration, IntegrationId, IntegrationPatch, ListFilter, ParamChange,
    Parameter, TestOutcome, ValueChange, Vendor,
};
pub use provider::{Capabilities, IntegrationProvider};
pub use provider_config::ProviderConfig;
pub use raw::RawRecord;
pub use torq::{TorqConfig, TorqConfigKey, TorqProvider, TorqRegion};

/// The generated Looker client, whose types [`RawRecord::looker`] gives (feature
/// `generated-types`: these types follow the spec and may change in any release).
#[cfg(feature = "generated-types")]
pub use looker_api;
/// The generated Torq client, whose types [`RawRecord::torq`] gives (feature
/// `generated-types`: these types follow the spec and may change in any release).
#[cfg(feature = "generated-types")]
pub use torq_api;
