//! The trait every provider of integrations implements.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Operation, Result};
use crate::hubs::IntegrationHubs;
use crate::listing::{ListItem, ListStream, Listing};
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter, TestOutcome, Vendor};

/// Which operations a provider offers, and how.
///
/// Providers outside this crate build theirs with [`Capabilities::none`] and the `with_*`
/// setters, so that a capability added later does not break them.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[non_exhaustive]
pub struct Capabilities {
    /// `list` is available.
    pub list: bool,
    /// `get` is available.
    pub get: bool,
    /// `get` works by listing and picking one out (the vendor has no route for one integration).
    pub get_by_listing: bool,
    /// `update` is available.
    pub update: bool,
    /// `test` is available.
    pub test: bool,
    /// `logout` ends a session at the vendor (a vendor without sessions to end says `false`).
    #[serde(default)]
    pub logout: bool,
    /// [`hubs`](IntegrationProvider::hubs) gives the vendor's integration hubs and forms.
    #[serde(default)]
    pub hubs: bool,
}

/// ```
/// use integrations::{Capabilities, Operation};
///
/// let read_only = Capabilities::none().with_list(true).with_get(true);
/// assert!(read_only.supports(Operation::Get));
/// assert!(!read_only.supports(Operation::Update));
/// ```
impl Capabilities {
    /// Nothing is available.
    pub fn none() -> Self {
        Self::default()
    }

    crate::setters::setters! {
        /// With `list` available or not.
        pub fn with_list(yes: bool) => list;

        /// With `get` available or not.
        pub fn with_get(yes: bool) => get;

        /// With `get` working by listing (or not).
        pub fn with_get_by_listing(yes: bool) => get_by_listing;

        /// With `update` available or not.
        pub fn with_update(yes: bool) => update;

        /// With `test` available or not.
        pub fn with_test(yes: bool) => test;

        /// With `logout` available or not.
        pub fn with_logout(yes: bool) => logout;

        /// With integration hubs (and forms) or not.
        pub fn with_hubs(yes: bool) => hubs;
    }

    /// What this crate's provider of `vendor` offers ([`LookerProvider`](crate::LookerProvider),
    /// [`TorqProvider`](crate::TorqProvider)).
    pub(crate) fn of_vendor(vendor: Vendor) -> Self {
        match vendor {
            Vendor::Looker => Self::none()
                .with_list(true)
                .with_get(true)
                .with_update(true)
                .with_test(true)
                .with_logout(true)
                .with_hubs(true),
            Vendor::Torq => Self::none()
                .with_list(true)
                .with_get(true)
                .with_get_by_listing(true),
        }
    }

    /// Whether `operation` is available.
    pub fn supports(&self, operation: Operation) -> bool {
        match operation {
            Operation::List => self.list,
            Operation::Get => self.get,
            Operation::Update => self.update,
            Operation::Test => self.test,
            Operation::Logout => self.logout,
            Operation::ListHubs
            | Operation::GetHub
            | Operation::CreateHub
            | Operation::UpdateHub
            | Operation::DeleteHub
            | Operation::HubHealth
            | Operation::AcceptHubAgreement
            | Operation::Form => self.hubs,
            Operation::Login => true,
        }
    }
}

/// A source of integrations: one Looker instance or one Torq workspace.
///
/// Object safe: keep several in a `Vec<Arc<dyn IntegrationProvider>>`. An operation the vendor
/// lacks returns [`Error::Unsupported`]; [`capabilities`](Self::capabilities) tells in advance.
///
/// ```no_run
/// use std::sync::Arc;
/// use integrations::{IntegrationProvider, ListFilter, LookerConfig, TorqConfig};
///
/// # async fn demo() -> integrations::Result<()> {
/// let providers: Vec<Arc<dyn IntegrationProvider>> = vec![
///     Arc::new(LookerConfig::from_env().build()?),
///     Arc::new(TorqConfig::from_env().build()?),
/// ];
/// for provider in &providers {
///     for integration in provider.list(&ListFilter::all()).await?.integrations {
///         println!("{} {}", integration.id, integration.name);
///     }
/// }
/// # Ok(()) }
/// ```
#[async_trait]
pub trait IntegrationProvider: Send + Sync + Debug + 'static {
    /// The vendor behind this provider.
    fn vendor(&self) -> Vendor;

    /// A name for this provider, unique among a user's providers (e.g. `looker@acme.cloud.looker.com`).
    fn name(&self) -> &str;

    /// What this provider can do.
    fn capabilities(&self) -> Capabilities;

    /// Lists integrations, filtered as the vendor can (see [`ListFilter::kind`]). A record the
    /// model cannot read does not fail the listing: it is reported in [`Listing::skipped`].
    async fn list(&self, filter: &ListFilter) -> Result<Listing>;

    /// Lists as [`list`](Self::list) does, each record yielded as soon as it is read: a caller
    /// that handles records one by one never holds the whole listing (nor, with Looker and
    /// Torq, the whole answer). An `Err` item ends the stream; the records before it stay good.
    ///
    /// With Looker and Torq the listing's request holds one of the provider's in-flight slots
    /// ([`ClientOptions::with_max_in_flight`](crate::ClientOptions::with_max_in_flight)) while
    /// its body is being read; the stream reads the body's end as soon as the records it has
    /// make the whole document, so the slot is free while the caller works through the last of
    /// them. Until then, a caller that makes other calls on the same provider while it consumes
    /// the stream needs a slot to spare for them.
    ///
    /// The default lists with [`list`](Self::list) and yields its integrations, then its
    /// skipped records.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use integrations::{IntegrationProvider, ListFilter, ListItem};
    ///
    /// # async fn demo(provider: &dyn IntegrationProvider) -> integrations::Result<()> {
    /// let filter = ListFilter::all();
    /// let mut items = provider.list_stream(&filter);
    /// while let Some(item) = items.next().await {
    ///     match item? {
    ///         ListItem::Integration(integration) => println!("{}", integration.id),
    ///         ListItem::Skipped(record) => eprintln!("{record}"),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    fn list_stream<'a>(&'a self, filter: &'a ListFilter) -> ListStream<'a> {
        Box::pin(
            futures::stream::once(self.list(filter)).flat_map(|listing| {
                let items: Vec<Result<ListItem>> = match listing {
                    Ok(listing) => listing.into_items().map(Ok).collect(),
                    Err(e) => vec![Err(e)],
                };
                futures::stream::iter(items)
            }),
        )
    }

    /// Reads one integration.
    async fn get(&self, id: &IntegrationId) -> Result<Integration>;

    /// Changes an integration; only what `patch` sets is sent.
    async fn update(&self, id: &IntegrationId, patch: &IntegrationPatch) -> Result<Integration>;

    /// Asks the vendor to test an integration's settings.
    async fn test(&self, id: &IntegrationId) -> Result<TestOutcome>;

    /// Ends the provider's session at the vendor (the next call logs in again); succeeds when
    /// there is none. A vendor without sessions to end returns [`Error::Unsupported`].
    async fn logout(&self) -> Result<()>;

    /// The vendor's integration hubs and forms, when it has them (Looker); `None` otherwise.
    fn hubs(&self) -> Option<&dyn IntegrationHubs>;
}

macro_rules! forward_provider {
    ($($wrapper:ty),*) => {$(
        #[async_trait]
        impl<T: IntegrationProvider + ?Sized> IntegrationProvider for $wrapper {
            fn vendor(&self) -> Vendor {
                (**self).vendor()
            }
            fn name(&self) -> &str {
                (**self).name()
            }
            fn capabilities(&self) -> Capabilities {
                (**self).capabilities()
            }
            async fn list(&self, filter: &ListFilter) -> Result<Listing> {
                (**self).list(filter).await
            }
            fn list_stream<'a>(&'a self, filter: &'a ListFilter) -> ListStream<'a> {
                (**self).list_stream(filter)
            }
            async fn get(&self, id: &IntegrationId) -> Result<Integration> {
                (**self).get(id).await
            }
            async fn update(&self, id: &IntegrationId, patch: &IntegrationPatch) -> Result<Integration> {
                (**self).update(id, patch).await
            }
            async fn test(&self, id: &IntegrationId) -> Result<TestOutcome> {
                (**self).test(id).await
            }
            async fn logout(&self) -> Result<()> {
                (**self).logout().await
            }
            fn hubs(&self) -> Option<&dyn IntegrationHubs> {
                (**self).hubs()
            }
        }
    )*};
}

forward_provider!(Arc<T>, Box<T>);

/// The items of a vendor's [`IntegrationProvider`] impl that only say who it is: `vendor`,
/// `name` (its session's) and `capabilities` ([`Capabilities::of_vendor`]).
macro_rules! identity {
    ($vendor:expr) => {
        fn vendor(&self) -> $crate::model::Vendor {
            $vendor
        }

        fn name(&self) -> &str {
            &self.session.name
        }

        fn capabilities(&self) -> $crate::provider::Capabilities {
            $crate::provider::Capabilities::of_vendor($vendor)
        }
    };
}

pub(crate) use identity;

/// Checks that `id` belongs to `vendor` (a provider is asked only about its own integrations).
pub(crate) fn own_id(vendor: Vendor, id: &IntegrationId) -> Result<&str> {
    if id.vendor() == vendor {
        Ok(id.vendor_id())
    } else {
        Err(Error::InvalidId {
            input: id.to_string(),
            reason: format!("a {} id was given to a {vendor} provider", id.vendor()),
        })
    }
}
