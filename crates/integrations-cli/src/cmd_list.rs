//! `integrations list`: every configured provider at once. What the working providers return
//! is printed as it arrives, provider by provider in the configured order; each failing provider
//! is then reported (by `main`, on stderr) and the exit code is not 0.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::StreamExt;
use integrations::{IntegrationProvider, ListFilter, ProviderListing, Vendor};

use crate::cli::ListArgs;
use crate::context::Context;
use crate::document::FailureDocument;
use crate::error::{CliError, ProviderFailure};
use crate::hub_labels::HubLabels;
use crate::output::Format;
use crate::progress::Progress;
use crate::providers::no_provider;

/// How many providers are asked at once.
pub const CONCURRENCY: usize = 8;

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, args: &ListArgs) -> Result<(), CliError> {
    if args.json_lines {
        ctx.out.set_format(Format::JsonLines);
    }
    let vendor: Option<Vendor> = args.vendor;
    let providers: Vec<Arc<dyn IntegrationProvider>> = ctx
        .providers
        .all()
        .iter()
        .filter(|p| vendor.is_none_or(|v| p.vendor() == v))
        .cloned()
        .collect();
    if providers.is_empty() {
        return Err(match vendor {
            Some(vendor) => no_provider(vendor),
            None => CliError::Usage("--provider leaves no provider to list".into()),
        });
    }
    let filter = args
        .kind
        .as_ref()
        .map_or_else(ListFilter::all, ListFilter::kind);

    // Providers finish in any order; their integrations are written in the configured one, each
    // provider's as soon as those before it are written. Only a provider that finishes before
    // one configured ahead of it waits, in `early`, for its turn.
    let progress = Progress::start("listing", providers.len(), ctx.interactive);
    let mut writer = ctx.out.list()?;
    let mut stream = integrations::list_all(&providers, &filter, CONCURRENCY);
    let mut early: BTreeMap<usize, ProviderListing> = BTreeMap::new();
    let mut next = 0;
    let mut failures = Vec::new();
    while let Some(listing) = stream.next().await {
        progress.done("listing", &listing.provider);
        early.insert(listing.index, listing);
        while let Some(listing) = early.remove(&next) {
            next += 1;
            match listing.result {
                Ok(items) => {
                    progress
                        .suspend(|| writer.integrations(&listing.provider, items.integrations))?;
                    writer.skipped(&listing.provider, listing.vendor, items.skipped);
                }
                Err(error) => failures.push(ProviderFailure {
                    provider: listing.provider,
                    vendor: listing.vendor,
                    error,
                }),
            }
        }
    }
    progress.finish();
    // The table shows a Looker integration's hub label as its kind (hubs looked up once per
    // provider that listed something); other formats keep the id and ask nothing more.
    if writer.is_table() {
        let listed: Vec<Arc<dyn IntegrationProvider>> = providers
            .iter()
            .filter(|p| p.hubs().is_some() && writer.has_rows_of(p.name()))
            .cloned()
            .collect();
        if !listed.is_empty() {
            let labels = HubLabels::fetch(&listed).await;
            writer.relabel_kinds(|provider, kind| labels.label(provider, kind));
        }
    }
    let documents: Vec<FailureDocument> = failures.iter().map(FailureDocument::from).collect();
    let skipped = writer.finish(&documents)?;
    if !failures.is_empty() {
        Err(CliError::List {
            failures,
            total: providers.len(),
        })
    } else if skipped > 0 {
        Err(CliError::Skipped { count: skipped })
    } else {
        Ok(())
    }
}
