//! The conformance suite, run by every provider on the fake servers and by the in-memory
//! provider of each vendor: directly, and through `Arc<dyn IntegrationProvider>` and
//! `Box<dyn IntegrationProvider>`.
//!
//! The suite is behind the `conformance` feature; this target requires it (`Cargo.toml`), and
//! `cargo test --workspace` enables it through another member's dev-dependency.

mod common;

use std::sync::Arc;

use integrations::IntegrationProvider;
use integrations::Vendor;
use integrations::conformance::run_all;
use integrations::memory::InMemoryProvider;
use integrations_fake::FakeServers;

#[tokio::test]
async fn looker_conforms() {
    let (_fake, looker) = common::start_looker().await;
    run_all(&looker).await;
    integrations::conformance::hub_lifecycle(
        &looker,
        integrations_fake::looker::EXAMPLE_HUB_URL,
        "conformance-hub-token",
    )
    .await;
}

#[tokio::test]
async fn torq_conforms() {
    let fake = FakeServers::start().await.unwrap();
    run_all(&common::torq(&fake.torq)).await;
}

#[tokio::test]
async fn providers_conform_behind_arc_and_box() {
    let fake = FakeServers::start().await.unwrap();
    let providers: Vec<Arc<dyn IntegrationProvider>> = vec![
        Arc::new(common::looker(&fake.looker)),
        Arc::new(common::torq(&fake.torq)),
    ];
    for provider in &providers {
        run_all(provider.as_ref()).await;
        run_all(&provider.clone()).await;
    }
    let boxed: Box<dyn IntegrationProvider> = Box::new(common::looker(&fake.looker));
    run_all(&boxed).await;
}

fn memory(vendor: Vendor) -> InMemoryProvider {
    let seed = match vendor {
        Vendor::Torq => include_str!("data/memory_torq.json"),
        _ => include_str!("data/memory_looker.json"),
    };
    InMemoryProvider::from_json(vendor, seed).unwrap()
}

#[tokio::test]
async fn in_memory_providers_conform() {
    for vendor in [Vendor::Looker, Vendor::Torq] {
        run_all(&memory(vendor)).await;
        let shared: Arc<dyn IntegrationProvider> = Arc::new(memory(vendor));
        run_all(shared.as_ref()).await;
        run_all(&shared.clone()).await;
        let boxed: Box<dyn IntegrationProvider> = Box::new(memory(vendor));
        run_all(&boxed).await;
    }
}
