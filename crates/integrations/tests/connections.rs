//! A burst of callers on one provider queues for its in-flight slots and reuses connections.

mod common;

use std::sync::Arc;

use integrations::IntegrationProvider;
use integrations_fake::FakeServers;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_callers_opens_no_more_connections_than_the_bound_allows() {
    let fake = FakeServers::start().await.unwrap();
    let provider = Arc::new(common::looker_with(&fake.looker, |c| {
        c.with_max_in_flight(4)
    }));
    let ids = common::list_ids(provider.as_ref()).await;
    fake.looker.control().reset_counters();
    let callers: Vec<_> = (0..64)
        .map(|c| {
            let (provider, ids) = (provider.clone(), ids.clone());
            tokio::spawn(async move {
                for k in 0..10 {
                    provider.get(&ids[(c + k) % ids.len()]).await.unwrap();
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap();
    }
    // 640 calls by 64 callers through 4 slots. hyper may open a spare connection when one is
    // asked for just before another comes back (how often depends on scheduling), so allow
    // three times the bound; unbounded, the burst opens one per caller or more.
    let opened = fake.looker.control().connections();
    assert!(opened <= 12, "{opened} connections for 4 slots");
}
