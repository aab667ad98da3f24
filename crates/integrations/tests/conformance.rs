//! The conformance suite, run by every provider on the fake servers: directly, and through
//! `Arc<dyn IntegrationProvider>` and `Box<dyn IntegrationProvider>`.

mod common;

use std::sync::Arc;

use integrations::IntegrationProvider;
use integrations::conformance::run_all;
use integrations_fake::FakeServers;

#[tokio::test]
async fn looker_conforms() {
    let fake = FakeServers::start().await.unwrap();
    run_all(&common::looker(&fake.looker)).await;
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
