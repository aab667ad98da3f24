//! Looker's integration hubs and forms through the facade, against the fake: every operation,
//! the authorization token kept secret, and hubs offered only where the vendor has them.

mod common;

use std::collections::BTreeMap;

use integrations::hubs::{HubPatch, NewHub};
use integrations::{Error, IntegrationProvider, Operation};
use integrations_fake::FakeServers;
use integrations_fake::looker::EXAMPLE_HUB_URL;

#[tokio::test]
async fn every_hub_operation_works_and_the_token_never_comes_back() {
    let (fake, looker) = common::start_looker().await;
    let hubs = looker.hubs().expect("Looker has hubs");
    assert!(looker.capabilities().hubs);

    let listed = hubs.list_hubs().await.unwrap();
    let official = listed.iter().find(|h| h.id == "1").unwrap();
    assert!(official.official);
    assert_eq!(listed.len(), fake.looker.integration_hubs().len());

    let token = "hub-token-that-is-secret-42";
    let created = hubs
        .create_hub(&NewHub::new(EXAMPLE_HUB_URL).with_authorization_token(token))
        .await
        .unwrap();
    assert!(created.has_authorization_token);
    let stored = || fake.looker.integration_hub_authorization_token(&created.id);
    let reached = "the token reached the instance";
    assert_eq!(stored().as_deref(), Some(token), "{reached}");
    let shown = format!("{created:?}{}", serde_json::to_string(&created).unwrap());
    assert!(!shown.contains(token));

    let rotated = hubs
        .update_hub(
            &created.id,
            &HubPatch::new().authorization_token("rotated-token-77"),
        )
        .await
        .unwrap();
    assert!(rotated.has_authorization_token);
    assert_eq!(stored().as_deref(), Some("rotated-token-77"), "{reached}");
    let removed = hubs
        .update_hub(&created.id, &HubPatch::new().remove_authorization_token())
        .await
        .unwrap();
    assert!(!removed.has_authorization_token);

    assert!(fake.looker.set_hub_health(
        &created.id,
        Err("Couldn't connect to action service".into())
    ));
    let sick = hubs.hub_health(&created.id).await.unwrap();
    assert!(!sick.healthy);
    assert_eq!(
        sick.message.as_deref(),
        Some("Couldn't connect to action service")
    );
    assert!(fake.looker.set_hub_health(&created.id, Ok(())));
    assert!(hubs.hub_health(&created.id).await.unwrap().healthy);

    hubs.delete_hub(&created.id).await.unwrap();
    common::assert_matches!(
        hubs.hub(&created.id).await,
        Err(Error::NotFound {
            operation: Operation::GetHub,
            ..
        })
    );
}

#[tokio::test]
async fn an_agreement_is_pending_until_accepted() {
    let (_fake, looker) = common::start_looker().await;
    let hubs = looker.hubs().unwrap();
    let pending = hubs
        .list_hubs()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.agreement_pending())
        .expect("the demo has a hub whose agreement is pending");
    let accepted = hubs.accept_hub_agreement(&pending.id).await.unwrap();
    assert!(!accepted.agreement_pending());
    assert!(!hubs.hub(&pending.id).await.unwrap().agreement_pending());
}

#[tokio::test]
async fn forms_list_the_fields_and_never_quote_the_values_sent() {
    let (_fake, looker) = common::start_looker().await;
    let hubs = looker.hubs().unwrap();
    let twilio = "looker:1::twilio".parse().unwrap();
    let form = hubs
        .integration_form(&twilio, &BTreeMap::new())
        .await
        .unwrap();
    let names: Vec<_> = form.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["accountSid", "authToken", "from"]);
    let auth = form.fields.iter().find(|f| f.name == "authToken").unwrap();
    assert_eq!(auth.kind.as_deref(), Some("password"));
    assert_eq!(auth.default, None);

    let secret = "form-value-that-is-secret-9";
    let mut values = BTreeMap::new();
    values.insert("authToken".to_owned(), secret.to_owned());
    let unknown = "looker:1::nope".parse().unwrap();
    let e = hubs.integration_form(&unknown, &values).await.unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    assert!(!format!("{e}{e:?}").contains(secret));
}

#[tokio::test]
async fn hubs_are_offered_only_by_vendors_that_have_them() {
    let fake = FakeServers::start().await.unwrap();
    let torq = common::torq(&fake.torq);
    assert!(torq.hubs().is_none());
    assert!(!torq.capabilities().hubs);
    assert!(!torq.capabilities().supports(Operation::ListHubs));
}

#[tokio::test]
async fn a_hub_fetch_error_never_quotes_a_secret() {
    let (fake, looker) = common::start_looker().await;
    let secret = fake.looker.client_secret().to_owned();
    let body = serde_json::json!([{
        "id": "9", "label": "Leaky",
        "fetch_error_message": format!("refused with client_secret={secret} and token=PLANTED-HUB-TOKEN")
    }]);
    fake.looker
        .control()
        .answer_once(
            "all_integration_hubs",
            integrations_fake::RawAnswer::new(200)
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .unwrap();
    let hubs = looker.hubs().unwrap().list_hubs().await.unwrap();
    let message = hubs[0].fetch_error_message.clone().unwrap();
    assert!(message.starts_with("refused with"), "{message}");
    assert!(
        !message.contains(&secret) && !message.contains("PLANTED"),
        "{message}"
    );
}
