//! Lists the integrations of a Looker instance and a Torq workspace side by side.
//!
//! Runs against the fake servers of `integrations-fake`, started in-process, so it needs no
//! account and no network:
//!
//! ```sh
//! cargo run -p integrations --example list_everything
//! ```
//!
//! Against real vendors, build the providers with `LookerConfig::from_env()` and
//! `TorqConfig::from_env()` instead.

use std::sync::Arc;

use futures::StreamExt;
use integrations::{IntegrationProvider, ListFilter, LookerConfig, TorqConfig, list_all};
use integrations_fake::FakeServers;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServers::start().await?;
    let providers: Vec<Arc<dyn IntegrationProvider>> = vec![
        Arc::new(
            LookerConfig::new()
                .with_base_url(fake.looker.base_url())
                .with_client_id(fake.looker.client_id())
                .with_client_secret(fake.looker.client_secret())
                .build()?,
        ),
        Arc::new(
            TorqConfig::new()
                .with_base_url(fake.torq.base_url())
                .with_auth_url(fake.torq.auth_url())
                .with_client_id(fake.torq.client_id())
                .with_client_secret(fake.torq.client_secret())
                .build()?,
        ),
    ];
    // Results arrive as providers finish; print them in the order given.
    let mut listings: Vec<_> = list_all(&providers, &ListFilter::all(), 4).collect().await;
    listings.sort_by_key(|l| l.index);
    for listing in listings {
        println!("== {} ({})", listing.provider, listing.vendor);
        match listing.result {
            Ok(items) => {
                for skipped in &items.skipped {
                    eprintln!("warning: {skipped}");
                }
                for i in items.integrations {
                    let enabled = match i.enabled {
                        Some(true) => "enabled",
                        Some(false) => "disabled",
                        None => "-",
                    };
                    println!(
                        "{:<48} {:<9} {:<10} {}",
                        i.id.to_string(),
                        enabled,
                        i.kind.unwrap_or_default(),
                        i.name
                    );
                }
            }
            Err(e) => println!("failed: {e}"),
        }
    }
    Ok(())
}
