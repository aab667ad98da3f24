//! Listing across many providers at once, keeping every provider's result.

use std::sync::Arc;

use futures::StreamExt;

use crate::error::Result;
use crate::listing::Listing;
use crate::model::{ListFilter, Vendor};
use crate::provider::IntegrationProvider;

/// One provider's share of a [`list_all`].
#[derive(Debug)]
pub struct ProviderListing {
    /// The provider's [`name`](IntegrationProvider::name).
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// What it listed (with the records it skipped), or why it could not.
    pub result: Result<Listing>,
}

/// Lists `filter` on every provider, at most `concurrency` at a time, and returns one entry per
/// provider in the order given: a provider that fails loses nothing from the others.
///
/// ```no_run
/// # async fn demo(providers: Vec<std::sync::Arc<dyn integrations::IntegrationProvider>>) {
/// let listings = integrations::list_all(&providers, &integrations::ListFilter::all(), 8).await;
/// for listing in listings {
///     match listing.result {
///         Ok(items) => println!("{}: {} integrations", listing.provider, items.integrations.len()),
///         Err(e) => eprintln!("{}: {e}", listing.provider),
///     }
/// }
/// # }
/// ```
pub async fn list_all(
    providers: &[Arc<dyn IntegrationProvider>],
    filter: &ListFilter,
    concurrency: usize,
) -> Vec<ProviderListing> {
    futures::stream::iter(providers.iter().cloned())
        .map(|provider| async move {
            let result = provider.list(filter).await;
            ProviderListing {
                provider: provider.name().to_owned(),
                vendor: provider.vendor(),
                result,
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await
}
