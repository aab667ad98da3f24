//! Retries: which failures are retried for which method, how often, and how long.

mod common;

use std::time::{Duration, Instant};

use integrations::{Error, IntegrationPatch, IntegrationProvider, ListFilter, Operation};
use integrations_fake::FakeServers;

async fn first_id(provider: &dyn IntegrationProvider) -> integrations::IntegrationId {
    provider
        .list(&ListFilter::all())
        .await
        .unwrap()
        .integrations[0]
        .id
        .clone()
}

#[tokio::test]
async fn gets_are_retried_on_transient_failures() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    for status in [429, 502, 503, 504] {
        fake.looker.control().reset_counters();
        fake.looker
            .control()
            .fail_next("all_integrations", 2, status, None);
        looker
            .list(&ListFilter::all())
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(
            fake.looker.control().requests("all_integrations"),
            3,
            "{status}"
        );
    }
    fake.looker.control().reset_counters();
    fake.looker
        .control()
        .fail_next("all_integrations", 1, 500, None);
    assert!(matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::Server { status: 500, .. })
    ));
    assert_eq!(
        fake.looker.control().requests("all_integrations"),
        1,
        "500 is not retried"
    );
}

#[tokio::test]
async fn dropped_connections_are_retried_for_gets_only() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    let id = first_id(&looker).await;
    fake.looker.control().reset_counters();
    fake.looker.control().drop_next("integration", 1);
    looker.get(&id).await.unwrap();
    assert_eq!(fake.looker.control().requests("integration"), 2);

    fake.looker.control().drop_next("update_integration", 1);
    match looker
        .update(&id, &IntegrationPatch::new().enabled(true))
        .await
    {
        Err(Error::Transport {
            operation: Operation::Update,
            ..
        }) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(
        fake.looker.control().requests("update_integration"),
        1,
        "a PATCH that may have arrived is not sent again"
    );
}

#[tokio::test]
async fn writes_are_retried_on_429_only() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    let id = first_id(&looker).await;
    for (operation, route) in [
        ("update", "update_integration"),
        ("test", "test_integration"),
    ] {
        for status in [502, 503, 504] {
            fake.looker.control().reset_counters();
            fake.looker.control().fail_next(route, 1, status, None);
            let outcome = match operation {
                "update" => looker
                    .update(&id, &IntegrationPatch::new().enabled(true))
                    .await
                    .map(drop),
                _ => looker.test(&id).await.map(drop),
            };
            assert!(
                matches!(outcome, Err(Error::Server { status: s, .. }) if s == status),
                "{route} {status}: {outcome:?}"
            );
            assert_eq!(fake.looker.control().requests(route), 1, "{route} {status}");
        }
        fake.looker.control().reset_counters();
        fake.looker.control().fail_next(route, 2, 429, Some(0));
        let outcome = match operation {
            "update" => looker
                .update(&id, &IntegrationPatch::new().enabled(true))
                .await
                .map(drop),
            _ => looker.test(&id).await.map(drop),
        };
        outcome.unwrap_or_else(|e| panic!("{route}: {e}"));
        assert_eq!(
            fake.looker.control().requests(route),
            3,
            "{route} after two 429s"
        );
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    looker.list(&ListFilter::all()).await.unwrap();
    fake.looker
        .control()
        .fail_next("all_integrations", 1, 429, Some(1));
    let started = Instant::now();
    looker.list(&ListFilter::all()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_spent_budget_reports_the_last_failure() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_config(&fake.looker)
        .with_retry(common::fast_retry(3))
        .build()
        .unwrap();
    looker.list(&ListFilter::all()).await.unwrap();
    fake.looker.control().reset_counters();
    fake.looker
        .control()
        .fail_next("all_integrations", 10, 429, Some(2));
    match looker.list(&ListFilter::all()).await {
        Err(Error::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(2)))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(fake.looker.control().requests("all_integrations"), 3);

    // A Retry-After longer than the cap ends the retries at once.
    fake.looker.control().clear_faults();
    fake.looker.control().reset_counters();
    fake.looker
        .control()
        .fail_next("all_integrations", 10, 503, Some(3600));
    assert!(matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::Server { status: 503, .. })
    ));
    assert_eq!(fake.looker.control().requests("all_integrations"), 1);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_config(&fake.looker)
        .with_timeout(Duration::from_millis(300))
        .with_retry(common::fast_retry(2))
        .build()
        .unwrap();
    looker.list(&ListFilter::all()).await.unwrap();
    fake.looker.control().reset_counters();
    fake.looker
        .control()
        .delay("all_integrations", Duration::from_secs(3));
    let started = Instant::now();
    match looker.list(&ListFilter::all()).await {
        Err(Error::Timeout {
            operation: Operation::List,
            ..
        }) => {}
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        fake.looker.control().requests("all_integrations"),
        2,
        "a timed-out GET is retried once within the budget"
    );
}
