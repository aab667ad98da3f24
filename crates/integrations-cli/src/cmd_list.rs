//! `integrations list`: every configured provider at once. What the working providers return
//! is printed; each failing provider is then reported (by `main`, on stderr) and the exit code
//! is not 0.

use std::sync::Arc;

use futures::StreamExt;
use integrations::{IntegrationProvider, ListFilter, Vendor};

use crate::cli::ListArgs;
use crate::context::Context;
use crate::document::{FailureDocument, IntegrationDocument, ListDocument, SkippedDocument};
use crate::error::{CliError, ProviderFailure};
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

    let progress = Progress::start("listing", providers.len(), ctx.interactive);
    let mut stream = integrations::list_all(&providers, &filter, CONCURRENCY);
    let mut listings = Vec::with_capacity(providers.len());
    while let Some(listing) = stream.next().await {
        progress.done("listing", &listing.provider);
        listings.push(listing);
    }
    progress.finish();
    // Providers finish in any order; print them in the configured one.
    listings.sort_by_key(|l| l.index);

    let total = listings.len();
    let mut integrations = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for listing in listings {
        match listing.result {
            Ok(items) => {
                integrations.extend(items.integrations.into_iter().map(|integration| {
                    IntegrationDocument {
                        provider: listing.provider.clone(),
                        integration,
                    }
                }));
                skipped.extend(items.skipped.into_iter().map(|record| SkippedDocument {
                    provider: listing.provider.clone(),
                    vendor: listing.vendor,
                    record,
                }));
            }
            Err(error) => failures.push(ProviderFailure {
                provider: listing.provider,
                vendor: listing.vendor,
                error,
            }),
        }
    }
    let doc = ListDocument {
        integrations,
        failures: failures.iter().map(FailureDocument::from).collect(),
        skipped,
    };
    ctx.out.list(&doc)?;
    if !failures.is_empty() {
        Err(CliError::List { failures, total })
    } else if !doc.skipped.is_empty() {
        Err(CliError::Skipped {
            count: doc.skipped.len(),
        })
    } else {
        Ok(())
    }
}
