//! Listing across many providers at once, each provider's result as soon as it is there.

use std::sync::Arc;

use futures::{Stream, StreamExt};

use crate::error::Result;
use crate::listing::Listing;
use crate::model::{ListFilter, Vendor};
use crate::provider::IntegrationProvider;

/// One provider's share of a [`list_all`].
#[derive(Debug)]
#[non_exhaustive]
pub struct ProviderListing {
    /// The provider's position in the slice given to [`list_all`] (results arrive in the order
    /// providers finish; sort by this to get the given order back).
    pub index: usize,
    /// The provider's [`name`](IntegrationProvider::name).
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// What it listed (with the records it skipped), or why it could not.
    pub result: Result<Listing>,
}

/// Lists `filter` on every provider, at most `concurrency` at a time, and yields each
/// provider's result as soon as it arrives: a slow provider delays no other, and a provider that
/// fails loses nothing from the others.
///
/// ```no_run
/// use futures::StreamExt;
///
/// # async fn demo(providers: Vec<std::sync::Arc<dyn integrations::IntegrationProvider>>) {
/// let filter = integrations::ListFilter::all();
/// let mut listings = integrations::list_all(&providers, &filter, 8);
/// while let Some(listing) = listings.next().await {
///     match listing.result {
///         Ok(items) => println!("{}: {} integrations", listing.provider, items.integrations.len()),
///         Err(e) => eprintln!("{}: {e}", listing.provider),
///     }
/// }
/// # }
/// ```
pub fn list_all<'a>(
    providers: &'a [Arc<dyn IntegrationProvider>],
    filter: &'a ListFilter,
    concurrency: usize,
) -> impl Stream<Item = ProviderListing> + Send + 'a {
    futures::stream::iter(providers.iter().enumerate())
        .map(move |(index, provider)| async move {
            let result = provider.list(filter).await;
            ProviderListing {
                index,
                provider: provider.name().to_owned(),
                vendor: provider.vendor(),
                result,
            }
        })
        .buffer_unordered(concurrency.max(1))
}
