//! `integrations list`: every configured provider at once. What the working providers return
//! is printed as it arrives, provider by provider in the configured order; each failing provider
//! is then reported (by `main`, on stderr) and the exit code is not 0.

use std::sync::Arc;

use futures::{FutureExt, StreamExt};
use integrations::{Error, IntegrationProvider, ListFilter, ListItem, Vendor};

use crate::cli::ListArgs;
use crate::context::Context;
use crate::document::FailureDocument;
use crate::error::{CliError, ProviderFailure};
use crate::hub_labels::HubLabels;
use crate::output::{Format, ListWriter};
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

    // Providers are asked at once and their records arrive interleaved; they are written in the
    // configured order, record by record: the provider whose turn it is streams straight to the
    // output, and only a provider ahead of its turn keeps what it sent, in `shares`, until then.
    // A provider that fails keeps the records it sent before failing (they are good ones).
    let progress = Progress::start("listing", providers.len(), ctx.interactive);
    let mut writer = ctx.out.list()?;
    let mut events = futures::stream::iter(providers.iter().enumerate())
        .map(|(index, provider)| {
            let end = futures::stream::iter([(index, None)]);
            provider
                .list_stream(&filter)
                .map(move |item| (index, Some(item)))
                .chain(end)
        })
        .flatten_unordered(CONCURRENCY);
    let mut shares: Vec<Share> = providers.iter().map(|_| Share::default()).collect();
    let mut next = 0;
    let mut failures = Vec::new();
    loop {
        // The output is flushed whenever nothing more is ready, not after every record.
        let event = match events.next().now_or_never() {
            Some(event) => event,
            None => {
                progress.suspend(|| writer.flush())?;
                events.next().await
            }
        };
        let Some((index, event)) = event else {
            break;
        };
        let provider = &providers[index];
        match event {
            Some(Ok(item)) if index == next => {
                progress.suspend(|| write(&mut writer, provider.as_ref(), item))?;
            }
            Some(Ok(item)) => shares[index].items.push(item),
            Some(Err(error)) => shares[index].error = Some(error),
            None => {
                progress.done("listing", provider.name());
                shares[index].done = true;
            }
        }
        // The turn passes on past every provider that is done; the next one's records so far
        // are written at once.
        while next < providers.len() && shares[next].done {
            if let Some(error) = shares[next].error.take() {
                failures.push(ProviderFailure {
                    provider: providers[next].name().to_owned(),
                    vendor: providers[next].vendor(),
                    error,
                });
            }
            next += 1;
            if let Some(share) = shares.get_mut(next) {
                let provider = providers[next].as_ref();
                for item in std::mem::take(&mut share.items) {
                    progress.suspend(|| write(&mut writer, provider, item))?;
                }
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

/// What a provider sent before its turn to be written, and how it ended.
#[derive(Default)]
struct Share {
    /// Its records so far, kept until its turn.
    items: Vec<ListItem>,
    /// Why it failed, if it did.
    error: Option<Error>,
    /// Its stream has ended.
    done: bool,
}

/// Writes one record `provider` listed.
fn write(
    writer: &mut ListWriter<'_>,
    provider: &dyn IntegrationProvider,
    item: ListItem,
) -> Result<(), CliError> {
    match item {
        ListItem::Integration(integration) => writer.integration(provider.name(), integration),
        ListItem::Skipped(record) => {
            writer.skipped(provider.name(), provider.vendor(), record);
            Ok(())
        }
        // A kind of item this version does not know is not an integration to print.
        _ => Ok(()),
    }
}
