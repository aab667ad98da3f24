//! Logins: single flight, renewal after the vendor refuses a token, wrong credentials, logout.

mod common;

use std::sync::Arc;

use integrations::{Error, IntegrationProvider, ListFilter, Operation, Vendor};
use integrations_fake::FakeServers;

async fn concurrently(provider: Arc<dyn IntegrationProvider>, calls: usize) {
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let p = provider.clone();
            tokio::spawn(async move {
                p.list(&ListFilter::all())
                    .await
                    .map(|l| l.integrations.len())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn looker_200_concurrent_calls_log_in_once_and_once_more_after_expiry() {
    let fake = FakeServers::start().await.unwrap();
    // All 200 in flight at once, so that every one of them meets the expired token below.
    let provider = Arc::new(
        common::looker_config(&fake.looker)
            .with_max_in_flight(200)
            .build()
            .unwrap(),
    );
    concurrently(provider.clone(), 200).await;
    assert_eq!(fake.looker.control().logins(), 1);
    assert_eq!(fake.looker.control().requests("all_integrations"), 200);

    // The server forgets every token: 200 calls each get a 401, and log in once between them.
    fake.looker.control().expire_all_tokens();
    concurrently(provider.clone(), 200).await;
    assert_eq!(fake.looker.control().logins(), 2);
    assert_eq!(provider.logins(), 2);
    assert_eq!(
        fake.looker.control().requests("all_integrations"),
        200 + 200 * 2,
        "each call retried once"
    );
}

#[tokio::test]
async fn torq_200_concurrent_calls_log_in_once_and_once_more_after_a_302() {
    let fake = FakeServers::start().await.unwrap();
    let provider = Arc::new(
        common::torq_config(&fake.torq)
            .with_max_in_flight(200)
            .build()
            .unwrap(),
    );
    concurrently(provider.clone(), 200).await;
    assert_eq!(fake.torq.control().logins(), 1);

    // Torq answers an expired token with 302: refresh once, retry once.
    fake.torq.control().expire_all_tokens();
    concurrently(provider.clone(), 200).await;
    assert_eq!(fake.torq.control().logins(), 2);
    assert_eq!(
        fake.torq.control().requests("list_integrations"),
        200 + 200 * 2
    );
}

#[tokio::test]
async fn wrong_credentials_are_one_unauthorized_error_without_a_loop() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_config(&fake.looker)
        .with_client_secret("wrong")
        .build()
        .unwrap();
    match looker.list(&ListFilter::all()).await {
        Err(Error::Unauthorized {
            vendor: Vendor::Looker,
            operation: Operation::Login,
            ..
        }) => {}
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_eq!(fake.looker.control().requests("login"), 1);
    assert_eq!(fake.looker.control().requests("all_integrations"), 0);

    let torq = common::torq_config(&fake.torq)
        .with_client_secret("wrong")
        .build()
        .unwrap();
    match torq.list(&ListFilter::all()).await {
        Err(Error::Unauthorized {
            vendor: Vendor::Torq,
            operation: Operation::Login,
            ..
        }) => {}
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_eq!(fake.torq.control().requests("create_token"), 1);
}

#[tokio::test]
async fn a_token_the_vendor_keeps_refusing_ends_in_unauthorized_after_one_retry() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    looker.list(&ListFilter::all()).await.unwrap();
    fake.looker
        .control()
        .fail_next("all_integrations", 2, 401, None);
    match looker.list(&ListFilter::all()).await {
        Err(Error::Unauthorized {
            vendor: Vendor::Looker,
            operation: Operation::List,
            ..
        }) => {}
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_eq!(
        fake.looker.control().requests("all_integrations"),
        3,
        "first call, then the refused one and its single retry"
    );
    assert_eq!(
        fake.looker.control().logins(),
        2,
        "one fresh login, no loop"
    );
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire() {
    let fake = FakeServers::start().await.unwrap();
    // Tokens that live 2 s, renewed 1 s before: the second call, 1.2 s later, logs in again.
    fake.looker.set_token_lifetime(2);
    let looker = common::looker_config(&fake.looker)
        .with_refresh_margin(std::time::Duration::from_secs(1))
        .build()
        .unwrap();
    looker.list(&ListFilter::all()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    looker.list(&ListFilter::all()).await.unwrap();
    assert_eq!(fake.looker.control().logins(), 2);
    assert_eq!(
        fake.looker.control().requests("all_integrations"),
        2,
        "no call was refused"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_the_next_call_logs_in() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    looker.logout().await.unwrap();
    assert_eq!(
        fake.looker.control().requests("logout"),
        0,
        "no session, nothing to end"
    );
    looker.list(&ListFilter::all()).await.unwrap();
    looker.logout().await.unwrap();
    assert_eq!(fake.looker.control().requests("logout"), 1);
    looker.list(&ListFilter::all()).await.unwrap();
    assert_eq!(fake.looker.control().logins(), 2);
    assert_eq!(
        fake.looker.control().requests("all_integrations"),
        2,
        "the new session was used straight away"
    );
}
