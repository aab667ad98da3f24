//! Updates: leave, clear and set are distinct on the wire; only writable fields are sent;
//! validation errors list every field.

mod common;

use integrations::{
    Error, IntegrationId, IntegrationPatch, IntegrationProvider, ListFilter, Operation, ParamChange,
};
use serde_json::json;

/// A seeded Looker integration with a sensitive parameter and a plain one, both with values.
async fn target(provider: &dyn IntegrationProvider) -> (IntegrationId, String, String) {
    let all = provider
        .list(&ListFilter::all())
        .await
        .unwrap()
        .integrations;
    all.iter()
        .find_map(|i| {
            let secret = i.parameters.iter().find(|p| p.sensitive && p.has_value)?;
            let plain = i
                .parameters
                .iter()
                .find(|p| !p.sensitive && p.has_value && !p.per_user)?;
            Some((i.id.clone(), secret.name.clone(), plain.name.clone()))
        })
        .expect("the seed has an integration with a sensitive and a plain parameter, both set")
}

#[tokio::test]
async fn set_clear_and_leave_reach_the_wire_as_looker_expects() {
    let (fake, looker) = common::start_looker().await;
    let (id, secret, plain) = target(&looker).await;
    let before = fake.looker.integration(id.vendor_id()).unwrap();

    let patch = IntegrationPatch::new()
        .enabled(false)
        .param(secret.clone(), ParamChange::set("new-s3cret-value"))
        .param(plain.clone(), ParamChange::clear());
    let updated = looker.update(&id, &patch).await.unwrap();

    let sent = fake.looker.last_request_body("update_integration").unwrap();
    let mut expected_params = vec![
        json!({"name": secret, "value": "new-s3cret-value"}),
        json!({"name": plain, "value": ""}),
    ];
    expected_params.sort_by_key(|p| p["name"].as_str().unwrap().to_owned());
    assert_eq!(
        sent,
        json!({"enabled": false, "params": expected_params}),
        "only writable fields are sent"
    );

    let stored = fake.looker.integration(id.vendor_id()).unwrap();
    let value = |i: &looker_api::types::Integration, name: &str| {
        i.params
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
            .and_then(|p| p.value.clone())
    };
    assert_eq!(value(&stored, &secret).as_deref(), Some("new-s3cret-value"));
    assert!(
        value(&stored, &plain).is_none_or(|v| v.is_empty()),
        "cleared"
    );
    let untouched: Vec<_> = before
        .params
        .iter()
        .filter(|p| p.name.as_deref() != Some(&secret) && p.name.as_deref() != Some(&plain))
        .collect();
    for p in untouched {
        assert_eq!(
            value(&stored, p.name.as_deref().unwrap()),
            p.value,
            "left alone: {:?}",
            p.name
        );
    }

    assert_eq!(updated.enabled, Some(false));
    let returned = updated
        .parameters
        .iter()
        .find(|p| p.name == secret)
        .unwrap();
    assert_eq!(returned.value, None, "a sensitive value never comes back");
    assert!(returned.has_value);
    assert!(
        !updated
            .raw
            .to_value()
            .to_string()
            .contains("new-s3cret-value")
    );
}

#[tokio::test]
async fn binding_a_user_attribute_sends_only_the_binding() {
    let (fake, looker) = common::start_looker().await;
    let (id, _, plain) = target(&looker).await;
    let updated = looker
        .update(
            &id,
            &IntegrationPatch::new()
                .param(plain.clone(), ParamChange::bind_user_attribute("email")),
        )
        .await
        .unwrap();
    assert_eq!(
        fake.looker.last_request_body("update_integration").unwrap(),
        json!({"params": [{"name": plain, "user_attribute_name": "email"}]})
    );
    let param = updated.parameters.iter().find(|p| p.name == plain).unwrap();
    assert_eq!(param.user_attribute.as_deref(), Some("email"));
}

#[tokio::test]
async fn an_unknown_parameter_is_a_validation_error_listing_the_field() {
    let (_fake, looker) = common::start_looker().await;
    let (id, _, _) = target(&looker).await;
    let patch = IntegrationPatch::new().param("no_such_param", ParamChange::set("x"));
    match looker.update(&id, &patch).await {
        Err(Error::Validation {
            operation: Operation::Update,
            errors,
            ..
        }) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].field.contains("params"), "{errors:?}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn updating_or_testing_a_missing_integration_is_not_found() {
    let (_fake, looker) = common::start_looker().await;
    let id: IntegrationId = "looker:nope/../x".parse().unwrap();
    for (operation, outcome) in common::each_call_on(&looker, &id).await {
        common::assert_matches!(outcome, Err(Error::NotFound { .. }), "{operation}");
    }
}

#[tokio::test]
async fn a_test_reports_what_the_vendor_found() {
    let (_fake, looker) = common::start_looker().await;
    let all = looker.list(&ListFilter::all()).await.unwrap().integrations;
    let missing = all
        .iter()
        .find(|i| {
            i.parameters
                .iter()
                .any(|p| p.required && !p.has_value && !p.per_user)
        })
        .expect("the seed has an integration missing a required value");
    let outcome = looker.test(&missing.id).await.unwrap();
    assert!(!outcome.success);
    assert!(outcome.message.is_some());
    let ready = all
        .iter()
        .find(|i| i.parameters.iter().all(|p| !p.required || p.has_value))
        .expect("the seed has a ready integration");
    assert!(looker.test(&ready.id).await.unwrap().success);
}

/// Every write Looker accepts can be expressed: an empty list of delegate OAuth targets removes
/// them, and an explicit null unbinds a user attribute (the fake applies what reached the wire).
#[tokio::test]
async fn targets_can_be_cleared_and_user_attributes_unbound() {
    let (fake, looker) = common::start_looker().await;
    let slack: IntegrationId = "looker:1::slack".parse().unwrap();
    assert!(
        !fake
            .looker
            .integration("1::slack")
            .unwrap()
            .installed_delegate_oauth_targets
            .is_empty(),
        "the seed installs a target on Slack"
    );

    let slack_param = looker.get(&slack).await.unwrap().parameters[0].name.clone();
    looker
        .update(
            &slack,
            &IntegrationPatch::new().param(
                slack_param.clone(),
                ParamChange::bind_user_attribute("email"),
            ),
        )
        .await
        .unwrap();
    let stored = fake.looker.integration("1::slack").unwrap();
    let param = |stored: &looker_api::types::Integration| {
        stored
            .params
            .iter()
            .find(|p| p.name.as_deref() == Some(slack_param.as_str()))
            .unwrap()
            .user_attribute_name
            .clone()
    };
    assert_eq!(param(&stored).as_deref(), Some("email"));

    let updated = looker
        .update(
            &slack,
            &IntegrationPatch::new()
                .param(slack_param.clone(), ParamChange::unbind_user_attribute())
                .clear_delegate_oauth_targets(),
        )
        .await
        .unwrap();
    let stored = fake.looker.integration("1::slack").unwrap();
    assert_eq!(param(&stored), None, "null reached the wire and unbound it");
    assert!(stored.installed_delegate_oauth_targets.is_empty());
    let targets = updated.raw.to_value()["installed_delegate_oauth_targets"].clone();
    assert!(targets.is_null() || targets == json!([]), "{targets}");
}
