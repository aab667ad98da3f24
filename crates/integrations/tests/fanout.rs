//! Listing across many providers: one down loses nothing from the others.

mod common;

use std::sync::Arc;

use futures::StreamExt;
use integrations::{Error, IntegrationProvider, ListFilter, LookerConfig, Vendor, list_all};
use integrations_fake::FakeServers;

#[tokio::test]
async fn every_provider_reports_its_own_result() {
    let fake = FakeServers::start().await.unwrap();
    let other = FakeServers::start().await.unwrap();
    // A Looker instance nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dead = LookerConfig::new()
        .with_base_url(dead_url)
        .with_client_id("x")
        .with_client_secret("y")
        .with_retry(common::fast_retry(2))
        .with_name("looker@down")
        .build()
        .unwrap();

    let providers: Vec<Arc<dyn IntegrationProvider>> = vec![
        Arc::new(common::looker_with(&fake.looker, |c| {
            c.with_name("looker@one")
        })),
        Arc::new(dead),
        Arc::new(common::torq(&fake.torq)),
        Arc::new(common::looker_with(&other.looker, |c| {
            c.with_name("looker@two")
        })),
    ];
    let mut listings: Vec<_> = list_all(&providers, &ListFilter::all(), 2).collect().await;
    listings.sort_by_key(|l| l.index);
    let names: Vec<&str> = listings.iter().map(|l| l.provider.as_str()).collect();
    assert_eq!(names[..2], ["looker@one", "looker@down"]);
    assert_eq!(listings[1].vendor, Vendor::Looker);
    assert!(
        matches!(listings[1].result, Err(Error::Transport { .. })),
        "{:?}",
        listings[1].result
    );
    for i in [0, 2, 3] {
        assert!(
            !listings[i].result.as_ref().unwrap().integrations.is_empty(),
            "{}",
            listings[i].provider
        );
    }
    assert_eq!(listings[2].vendor, Vendor::Torq);
}

/// Results arrive as providers finish: a slow provider holds back no other.
#[tokio::test]
async fn results_stream_in_as_providers_finish() {
    let fake = FakeServers::start().await.unwrap();
    let slow = FakeServers::start().await.unwrap();
    slow.looker
        .control()
        .delay("all_integrations", std::time::Duration::from_millis(600));
    let providers: Vec<Arc<dyn IntegrationProvider>> = vec![
        Arc::new(common::looker_with(&slow.looker, |c| c.with_name("slow"))),
        Arc::new(common::looker_with(&fake.looker, |c| c.with_name("fast"))),
    ];
    let filter = ListFilter::all();
    let mut stream = list_all(&providers, &filter, 2);
    let first = stream.next().await.unwrap();
    assert_eq!((first.provider.as_str(), first.index), ("fast", 1));
    let second = stream.next().await.unwrap();
    assert_eq!((second.provider.as_str(), second.index), ("slow", 0));
    assert!(second.result.is_ok());
    assert!(stream.next().await.is_none());
}
