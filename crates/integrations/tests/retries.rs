//! Retries: which failures are retried for which method, how often, and how long.

mod common;

use std::time::{Duration, Instant};

use integrations::{Error, IntegrationPatch, IntegrationProvider, ListFilter, Operation};

#[tokio::test]
async fn gets_are_retried_on_transient_failures() {
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    for status in [429, 502, 503, 504] {
        control.reset_counters();
        control.fail_next("all_integrations", 2, status, None);
        looker
            .list(&ListFilter::all())
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(control.requests("all_integrations"), 3, "{status}");
    }
    control.reset_counters();
    control.fail_next("all_integrations", 1, 500, None);
    common::assert_matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::Server { status: 500, .. })
    );
    assert_eq!(control.requests("all_integrations"), 1, "500: not retried");
}

#[tokio::test]
async fn dropped_connections_are_retried_for_gets_only() {
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    let id = common::list_ids(&looker).await.remove(0);
    control.reset_counters();
    control.drop_next("integration", 1);
    looker.get(&id).await.unwrap();
    assert_eq!(control.requests("integration"), 2);

    control.drop_next("update_integration", 1);
    common::assert_matches!(
        looker
            .update(&id, &IntegrationPatch::new().enabled(true))
            .await,
        Err(Error::Transport {
            operation: Operation::Update,
            ..
        })
    );
    let sent = control.requests("update_integration");
    assert_eq!(sent, 1, "a PATCH that may have arrived is not sent again");
}

#[tokio::test]
async fn writes_are_retried_on_429_only() {
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    let id = &common::list_ids(&looker).await[0];
    let looker = &looker;
    let write = |route| async move {
        match route {
            "update_integration" => looker
                .update(id, &IntegrationPatch::new().enabled(true))
                .await
                .map(drop),
            _ => looker.test(id).await.map(drop),
        }
    };
    for route in ["update_integration", "test_integration"] {
        for status in [502, 503, 504] {
            control.reset_counters();
            control.fail_next(route, 1, status, None);
            let outcome = write(route).await;
            assert!(
                matches!(outcome, Err(Error::Server { status: s, .. }) if s == status),
                "{route} {status}: {outcome:?}"
            );
            assert_eq!(control.requests(route), 1, "{route} {status}");
        }
        control.reset_counters();
        control.fail_next(route, 2, 429, Some(0));
        write(route)
            .await
            .unwrap_or_else(|e| panic!("{route}: {e}"));
        assert_eq!(control.requests(route), 3, "{route} after two 429s");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (fake, looker) = common::start_looker().await;
    looker.list(&ListFilter::all()).await.unwrap();
    fake.looker
        .control()
        .fail_next("all_integrations", 1, 429, Some(1));
    let started = Instant::now();
    looker.list(&ListFilter::all()).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");
}

#[tokio::test]
async fn a_spent_budget_reports_the_last_failure() {
    let (fake, looker, _) = common::start_retrying(3).await;
    let control = fake.looker.control();
    looker.list(&ListFilter::all()).await.unwrap();
    control.reset_counters();
    control.fail_next("all_integrations", 10, 429, Some(2));
    common::assert_matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::RateLimited {
            retry_after: Some(wait),
            ..
        }) if wait == Duration::from_secs(2)
    );
    assert_eq!(control.requests("all_integrations"), 3);

    // A Retry-After longer than the cap ends the retries at once.
    control.clear_faults();
    control.reset_counters();
    control.fail_next("all_integrations", 10, 503, Some(3600));
    common::assert_matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::Server { status: 503, .. })
    );
    assert_eq!(control.requests("all_integrations"), 1);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let fake = integrations_fake::FakeServers::start().await.unwrap();
    let looker = common::looker_with(&fake.looker, |c| {
        c.with_timeout(Duration::from_millis(300))
            .with_retry(common::fast_retry(2))
    });
    let control = fake.looker.control();
    looker.list(&ListFilter::all()).await.unwrap();
    control.reset_counters();
    control.delay("all_integrations", Duration::from_secs(3));
    let started = Instant::now();
    common::assert_matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::Timeout {
            operation: Operation::List,
            ..
        })
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(
        control.requests("all_integrations"),
        2,
        "a timed-out GET is retried once within the budget"
    );
}
