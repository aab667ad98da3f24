//! Logins: single flight, renewal after the vendor refuses a token, wrong credentials, logout.

mod common;

use std::sync::Arc;

use integrations::{Error, IntegrationProvider, ListFilter, Operation, Vendor};
use integrations_fake::{Control, FakeServers};

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

/// 200 calls at once on a fresh `provider` log in once; after the server forgot every token,
/// 200 more calls each meet the refusal once and log in once between them.
async fn log_in_once_per_session(provider: Arc<dyn IntegrationProvider>, control: &Control) {
    let list = common::list_route(provider.vendor());
    concurrently(provider.clone(), 200).await;
    assert_eq!(control.logins(), 1);
    assert_eq!(control.requests(list), 200);

    control.expire_all_tokens();
    concurrently(provider, 200).await;
    assert_eq!(control.logins(), 2);
    assert_eq!(
        control.requests(list),
        200 + 200 * 2,
        "each call retried once"
    );
}

/// Looker answers an expired token with 401, Torq with 302: either way, refresh once, retry once.
#[tokio::test]
async fn concurrent_calls_log_in_once_and_once_more_after_expiry() {
    let fake = FakeServers::start().await.unwrap();
    // All 200 in flight at once, so that every one of them meets the expired token.
    let looker = Arc::new(common::looker_with(&fake.looker, |c| {
        c.with_max_in_flight(200)
    }));
    let torq = Arc::new(common::torq_with(&fake.torq, |c| c.with_max_in_flight(200)));
    log_in_once_per_session(looker.clone(), fake.looker.control()).await;
    log_in_once_per_session(torq.clone(), fake.torq.control()).await;
    assert_eq!((looker.logins(), torq.logins()), (2, 2));
}

#[tokio::test]
async fn wrong_credentials_are_one_unauthorized_error_without_a_loop() {
    let fake = FakeServers::start().await.unwrap();
    let providers: [Box<dyn IntegrationProvider>; 2] = [
        Box::new(common::looker_with(&fake.looker, |c| {
            c.with_client_secret("wrong")
        })),
        Box::new(common::torq_with(&fake.torq, |c| {
            c.with_client_secret("wrong")
        })),
    ];
    for provider in providers {
        let vendor = provider.vendor();
        common::assert_matches!(
            provider.list(&ListFilter::all()).await,
            Err(Error::Unauthorized {
                vendor: v,
                operation: Operation::Login,
                ..
            }) if v == vendor
        );
        let control = common::control(&fake, vendor);
        assert_eq!(control.requests(common::login_route(vendor)), 1, "{vendor}");
        assert_eq!(control.requests(common::list_route(vendor)), 0, "{vendor}");
    }
}

#[tokio::test]
async fn a_token_the_vendor_keeps_refusing_ends_in_unauthorized_after_one_retry() {
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    looker.list(&ListFilter::all()).await.unwrap();
    control.fail_next("all_integrations", 2, 401, None);
    common::assert_matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::Unauthorized {
            vendor: Vendor::Looker,
            operation: Operation::List,
            ..
        })
    );
    assert_eq!(
        control.requests("all_integrations"),
        3,
        "first call, then the refused one and its single retry"
    );
    assert_eq!(control.logins(), 2, "one fresh login, no loop");
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire() {
    let fake = FakeServers::start().await.unwrap();
    // Tokens that live 2 s, renewed 1 s before: the second call, 1.2 s later, logs in again.
    fake.looker.set_token_lifetime(2);
    let looker = common::looker_with(&fake.looker, |c| {
        c.with_refresh_margin(std::time::Duration::from_secs(1))
    });
    looker.list(&ListFilter::all()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    looker.list(&ListFilter::all()).await.unwrap();
    let control = fake.looker.control();
    let (logins, lists) = (control.logins(), control.requests("all_integrations"));
    assert_eq!(
        (logins, lists),
        (2, 2),
        "logins and lists: no call was refused"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_the_next_call_logs_in() {
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    looker.logout().await.unwrap();
    assert_eq!(control.requests("logout"), 0, "no session, nothing to end");
    looker.list(&ListFilter::all()).await.unwrap();
    looker.logout().await.unwrap();
    assert_eq!(control.requests("logout"), 1);
    looker.list(&ListFilter::all()).await.unwrap();
    assert_eq!(control.logins(), 2);
    assert_eq!(
        control.requests("all_integrations"),
        2,
        "the new session was used straight away"
    );
}
