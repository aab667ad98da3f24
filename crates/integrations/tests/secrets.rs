//! No secret — client secrets, access tokens, sensitive parameter values — reaches `Debug`,
//! `Display` or tracing output, over a full session against the fake servers.

mod common;

use integrations::{
    Error, IntegrationPatch, IntegrationProvider, ListFilter, LookerConfig, ParamChange,
};
use integrations_fake::FakeServers;

#[tokio::test]
async fn no_secret_in_debug_display_or_traces() {
    let (captured, _guard) = common::capture(tracing::Level::TRACE);

    let fake = FakeServers::start().await.unwrap();
    let secret_value = "param-value-that-is-secret-1234";
    let mut seen = String::new();

    let looker_config = common::looker_config(&fake.looker);
    let torq_config = common::torq_config(&fake.torq);
    seen += &format!("{looker_config:?}{torq_config:?}");
    let looker = looker_config.build().unwrap();
    let torq = torq_config.build().unwrap();

    let all = looker.list(&ListFilter::all()).await.unwrap().integrations;
    let target = all
        .iter()
        .find(|i| i.parameters.iter().any(|p| p.sensitive))
        .unwrap();
    let param = target
        .parameters
        .iter()
        .find(|p| p.sensitive)
        .unwrap()
        .name
        .clone();
    let patch = IntegrationPatch::new().param(param, ParamChange::set(secret_value));
    seen += &format!("{patch:?}");
    let updated = looker.update(&target.id, &patch).await.unwrap();
    seen += &format!("{updated:?}{}", serde_json::to_string(&updated).unwrap());
    seen += &format!("{:?}", looker.test(&target.id).await);
    seen += &format!("{:?}", torq.list(&ListFilter::all()).await);
    fake.looker.control().expire_all_tokens();
    fake.torq.control().expire_all_tokens();
    seen += &format!("{:?}", looker.get(&target.id).await);
    seen += &format!("{:?}", torq.list(&ListFilter::all()).await);
    seen += &format!("{looker:?}{torq:?}{all:?}");

    // Errors, including a refused login and a validation failure.
    let wrong = LookerConfig::new()
        .with_base_url(fake.looker.base_url())
        .with_client_id(fake.looker.client_id())
        .with_client_secret(format!("{}-wrong", fake.looker.client_secret()))
        .build()
        .unwrap();
    let errors: Vec<Error> = vec![
        wrong.list(&ListFilter::all()).await.unwrap_err(),
        looker
            .update(
                &target.id,
                &IntegrationPatch::new().param("nope", ParamChange::set(secret_value)),
            )
            .await
            .unwrap_err(),
    ];
    for e in &errors {
        seen += &format!("{e}{e:?}");
    }

    let traces = captured.text();
    assert!(traces.contains("integrations.call"), "tracing was captured");
    let tokens = fake
        .looker
        .control()
        .issued_tokens()
        .into_iter()
        .chain(fake.torq.control().issued_tokens());
    let mut secrets = vec![
        fake.looker.client_secret().to_owned(),
        fake.torq.client_secret().to_owned(),
        secret_value.to_owned(),
    ];
    secrets.extend(tokens);
    assert!(secrets.len() >= 6, "tokens were issued: {secrets:?}");
    for secret in &secrets {
        assert!(
            !seen.contains(secret.as_str()),
            "secret {secret:?} in Debug/Display output"
        );
        assert!(
            !traces.contains(secret.as_str()),
            "secret {secret:?} in tracing output"
        );
    }
}
