//! The in-memory provider: the vendors' semantics without a server, seeding from code and JSON,
//! reading state back, counting calls and failing on demand. Its updates and tests are also
//! checked against the fake Looker, patch by patch.

mod common;

use std::sync::Arc;

use integrations::memory::{InMemoryProvider, SeedError};
use integrations::{
    Error, FieldError, Integration, IntegrationId, IntegrationPatch, IntegrationProvider,
    ListFilter, Operation, ParamChange, Parameter, RawRecord, TestOutcome, Vendor,
};
use integrations_fake::FakeServers;
use secrecy::ExposeSecret;
use serde_json::json;

const LOOKER_SEED: &str = include_str!("data/memory_looker.json");
const TORQ_SEED: &str = include_str!("data/memory_torq.json");

fn looker() -> InMemoryProvider {
    InMemoryProvider::from_json(Vendor::Looker, LOOKER_SEED).expect("the Looker seed reads")
}

fn torq() -> InMemoryProvider {
    InMemoryProvider::from_json(Vendor::Torq, TORQ_SEED).expect("the Torq seed reads")
}

fn id(s: &str) -> IntegrationId {
    s.parse().unwrap()
}

fn param<'a>(integration: &'a Integration, name: &str) -> &'a Parameter {
    integration
        .parameters
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{} has no parameter {name}", integration.id))
}

fn raw_param(integration: &Integration, name: &str) -> serde_json::Value {
    integration.raw.to_value()["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
        .unwrap()
}

/// A patch of the one parameter `name`.
fn param_patch(name: &str, change: ParamChange) -> IntegrationPatch {
    IntegrationPatch::new().param(name, change)
}

/// What `provider` returns for its update of `id` with `patch`, which must succeed.
async fn apply(
    provider: &InMemoryProvider,
    id: &IntegrationId,
    patch: IntegrationPatch,
) -> Integration {
    provider.update(id, &patch).await.unwrap()
}

fn ids(integrations: &[Integration]) -> Vec<String> {
    integrations.iter().map(|i| i.id.to_string()).collect()
}

// ---- capabilities, ids, listing --------------------------------------------------------------

#[tokio::test]
async fn capabilities_follow_the_vendor() {
    let looker = looker().capabilities();
    assert!(looker.list && looker.get && looker.update && looker.test && looker.logout);
    assert!(!looker.get_by_listing);
    let torq = torq().capabilities();
    assert!(torq.list && torq.get && torq.get_by_listing);
    assert!(!torq.update && !torq.test && !torq.logout);
}

#[tokio::test]
async fn torq_refuses_what_torq_lacks_exactly_as_the_torq_provider_does() {
    let torq = torq();
    let alerts = id("torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a");
    let update = torq
        .update(&alerts, &IntegrationPatch::new().enabled(true))
        .await;
    assert!(
        matches!(
            update,
            Err(Error::Unsupported {
                vendor: Vendor::Torq,
                operation: Operation::Update
            })
        ),
        "{update:?}"
    );
    assert!(matches!(
        torq.test(&alerts).await,
        Err(Error::Unsupported {
            vendor: Vendor::Torq,
            operation: Operation::Test
        })
    ));
    assert!(matches!(
        torq.logout().await,
        Err(Error::Unsupported {
            vendor: Vendor::Torq,
            operation: Operation::Logout
        })
    ));
    // As `TorqProvider`: unsupported whatever the id, even another vendor's.
    assert!(matches!(
        torq.test(&id("looker:1::slack")).await,
        Err(Error::Unsupported { .. })
    ));
    assert_eq!(torq.get(&alerts).await.unwrap().name, "Alerts");
    assert_eq!(torq.integrations()[0].enabled, None);
}

#[tokio::test]
async fn looker_logs_out() {
    let looker = looker();
    looker.logout().await.unwrap();
    looker.logout().await.unwrap();
    assert_eq!(looker.calls(Operation::Logout), 2);
    assert_eq!(
        looker
            .list(&ListFilter::all())
            .await
            .unwrap()
            .integrations
            .len(),
        3
    );
}

#[tokio::test]
async fn unknown_ids_are_not_found_for_every_operation() {
    let looker = looker();
    let missing = id("looker:1::nope");
    for (expected, outcome) in common::each_call_on(&looker, &missing).await {
        match outcome {
            Err(Error::NotFound {
                vendor: Vendor::Looker,
                operation,
                id,
            }) => {
                assert_eq!(operation, expected);
                assert_eq!(id, "1::nope");
            }
            other => panic!("{expected}: {other:?}"),
        }
    }
    let torq = torq();
    assert!(matches!(
        torq.get(&id("torq:nope")).await,
        Err(Error::NotFound { vendor: Vendor::Torq, operation: Operation::Get, id }) if id == "nope"
    ));
}

#[tokio::test]
async fn ids_of_the_other_vendor_are_refused() {
    let looker = looker();
    let foreign = id("torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a");
    for (operation, outcome) in common::each_call_on(&looker, &foreign).await {
        common::assert_matches!(outcome, Err(Error::InvalidId { .. }), "{operation}");
    }
    // Even the id of an integration it holds, under the other vendor's name.
    let torq = torq();
    match torq
        .get(&id("looker:d7639fb8-8037-4ce2-80e9-c50bc3345c5a"))
        .await
    {
        Err(Error::InvalidId { reason, .. }) => {
            assert!(reason.contains("torq provider"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn listing_keeps_the_seed_order_and_filters_by_kind() {
    let looker = looker();
    let all = looker.list(&ListFilter::all()).await.unwrap();
    assert!(all.is_complete());
    assert_eq!(
        ids(&all.integrations),
        [
            "looker:1::slack",
            "looker:1::teams_bot",
            "looker:2::webhook"
        ]
    );
    let hub_1 = looker.list(&ListFilter::kind("1")).await.unwrap();
    assert_eq!(
        ids(&hub_1.integrations),
        ["looker:1::slack", "looker:1::teams_bot"]
    );
    let none = looker.list(&ListFilter::kind("9")).await.unwrap();
    assert!(none.integrations.is_empty());

    let torq = torq();
    let webhooks = torq.list(&ListFilter::kind("webhook")).await.unwrap();
    assert_eq!(webhooks.integrations.len(), 2);
    assert!(
        webhooks
            .integrations
            .iter()
            .all(|i| i.kind.as_deref() == Some("webhook"))
    );
}

// ---- updates, as Looker applies them ---------------------------------------------------------

#[tokio::test]
async fn updates_set_clear_and_leave_values_and_toggle_enabled() {
    let looker = looker();
    let webhook = id("looker:2::webhook");
    let patch = IntegrationPatch::new()
        .enabled(false)
        .param("url", ParamChange::set("https://hooks.example.com/y"))
        .param("api_key", ParamChange::set("k-123"));
    let updated = apply(&looker, &webhook, patch).await;
    assert_eq!(updated.enabled, Some(false));
    assert_eq!(
        param(&updated, "url").value.as_deref(),
        Some("https://hooks.example.com/y")
    );
    let api_key = param(&updated, "api_key");
    assert!(api_key.has_value);
    assert_eq!(api_key.value, None, "sensitive");
    // Left alone: the parameter the patch does not name.
    assert_eq!(
        param(&updated, "region").user_attribute.as_deref(),
        Some("region_attr")
    );

    // What `update` returned is what is stored.
    assert_eq!(looker.get(&webhook).await.unwrap(), updated);

    let cleared = apply(&looker, &webhook, param_patch("url", ParamChange::clear())).await;
    let url = param(&cleared, "url");
    assert_eq!((url.value.as_deref(), url.has_value), (None, false));
    assert_eq!(cleared.enabled, Some(false), "left as it was");
    assert!(param(&cleared, "api_key").has_value, "left as it was");

    // Looker: setting "" clears too.
    let emptied = apply(
        &looker,
        &webhook,
        param_patch("api_key", ParamChange::set("")),
    )
    .await;
    assert!(!param(&emptied, "api_key").has_value);
    assert!(looker.param_value(&webhook, "api_key").is_none());
}

#[tokio::test]
async fn updates_bind_and_unbind_user_attributes() {
    let looker = looker();
    let webhook = id("looker:2::webhook");
    let patch = IntegrationPatch::new()
        .param("api_key", ParamChange::bind_user_attribute("key_attr"))
        .param("region", ParamChange::unbind_user_attribute());
    let updated = apply(&looker, &webhook, patch).await;
    assert_eq!(
        param(&updated, "api_key").user_attribute.as_deref(),
        Some("key_attr")
    );
    assert!(
        !param(&updated, "api_key").has_value,
        "binding leaves the value"
    );
    assert_eq!(param(&updated, "region").user_attribute, None);
    // Looker: binding to "" unbinds.
    let updated = apply(
        &looker,
        &webhook,
        param_patch("api_key", ParamChange::bind_user_attribute("")),
    )
    .await;
    assert_eq!(param(&updated, "api_key").user_attribute, None);
}

#[tokio::test]
async fn updates_replace_and_clear_delegate_oauth_targets_in_the_raw_record() {
    let looker = looker();
    let slack = id("looker:1::slack");
    let targets = |i: &Integration| i.raw.to_value()["installed_delegate_oauth_targets"].clone();
    let updated = apply(
        &looker,
        &slack,
        IntegrationPatch::new().delegate_oauth_targets(vec!["T02".into(), "T03".into()]),
    )
    .await;
    assert_eq!(targets(&updated), json!(["T02", "T03"]));
    let updated = apply(
        &looker,
        &slack,
        IntegrationPatch::new().clear_delegate_oauth_targets(),
    )
    .await;
    assert_eq!(targets(&updated), json!([]));
    // An integration without delegate OAuth may have its (no) targets cleared, not set.
    let webhook = id("looker:2::webhook");
    apply(
        &looker,
        &webhook,
        IntegrationPatch::new().clear_delegate_oauth_targets(),
    )
    .await;
    match looker
        .update(
            &webhook,
            &IntegrationPatch::new().delegate_oauth_targets(vec!["T1".into()]),
        )
        .await
    {
        Err(Error::Validation { errors, .. }) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].field, "installed_delegate_oauth_targets");
            assert_eq!(errors[0].code.as_deref(), Some("invalid"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_raw_record_follows_each_update() {
    let looker = looker();
    let slack = id("looker:1::slack");
    let updated = apply(
        &looker,
        &slack,
        IntegrationPatch::new()
            .enabled(false)
            .param("channel", ParamChange::set("#ops"))
            .param("bot_token", ParamChange::bind_user_attribute("slack_token")),
    )
    .await;
    let raw = updated.raw.to_value();
    assert_eq!(raw["enabled"], false);
    assert_eq!(raw_param(&updated, "channel")["value"], "#ops");
    let token = raw_param(&updated, "bot_token");
    assert_eq!(token["user_attribute_name"], "slack_token");
    assert_eq!(token["value"], serde_json::Value::Null);
    assert_eq!(token["has_value"], true);
    // A record a Looker provider returned stays typed through an update.
    let fake = FakeServers::start().await.unwrap();
    let listed = common::looker(&fake.looker)
        .list(&ListFilter::all())
        .await
        .unwrap()
        .integrations;
    let first = listed.into_iter().find(|i| i.enabled.is_some()).unwrap();
    let memory = InMemoryProvider::builder(Vendor::Looker)
        .with_integration(first.clone())
        .build()
        .unwrap();
    let updated = apply(
        &memory,
        &first.id,
        IntegrationPatch::new().enabled(!first.enabled.unwrap()),
    )
    .await;
    assert_eq!(
        updated.raw.to_value()["enabled"],
        json!(!first.enabled.unwrap())
    );
}

#[tokio::test]
async fn unknown_parameters_are_refused_field_by_field_and_nothing_changes() {
    let looker = looker();
    let webhook = id("looker:2::webhook");
    let before = looker.get(&webhook).await.unwrap();
    // Sent in name order: api_key (0), nope (1), url (2), zzz (3).
    let patch = IntegrationPatch::new()
        .enabled(false)
        .param("zzz", ParamChange::set("x"))
        .param("url", ParamChange::set("https://elsewhere"))
        .param("nope", ParamChange::clear())
        .param("api_key", ParamChange::set("k"));
    match looker.update(&webhook, &patch).await {
        Err(Error::Validation {
            vendor: Vendor::Looker,
            operation: Operation::Update,
            message,
            errors,
        }) => {
            assert_eq!(message, "Validation Failed");
            assert_eq!(
                errors,
                vec![
                    FieldError::new(
                        "params[1].name",
                        Some("not_found".into()),
                        Some("This integration has no param named 'nope'.".into()),
                    ),
                    FieldError::new(
                        "params[3].name",
                        Some("not_found".into()),
                        Some("This integration has no param named 'zzz'.".into()),
                    ),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(looker.get(&webhook).await.unwrap(), before);
    assert!(looker.param_value(&webhook, "api_key").is_none());
}

// ---- secrets ---------------------------------------------------------------------------------

#[tokio::test]
async fn sensitive_values_are_never_returned_nor_shown() {
    let looker = looker();
    let slack = id("looker:1::slack");
    let webhook = id("looker:2::webhook");
    apply(
        &looker,
        &webhook,
        param_patch("api_key", ParamChange::set("k-upd4ted-s3cret")),
    )
    .await;
    let listed = looker.list(&ListFilter::all()).await.unwrap();
    let got = looker.get(&slack).await.unwrap();
    let token = param(&got, "bot_token");
    assert_eq!((token.value.as_deref(), token.has_value), (None, true));
    assert_eq!(
        param(&got, "channel").value.as_deref(),
        Some("#alerts"),
        "not sensitive"
    );
    let shown = [
        serde_json::to_string(&listed).unwrap(),
        format!("{listed:?}"),
        format!("{got:?}"),
        format!("{looker:?}"),
        format!("{:?}", looker.integrations()),
    ];
    for text in shown {
        for secret in [
            "xoxb-fixture-s3cret",
            "rt-fixture-s3cret",
            "k-upd4ted-s3cret",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    // A secret-bearing member the vendor does not document is masked, not dropped.
    assert_eq!(got.raw.to_value()["refresh_token"], "[redacted]");
    // Tests read secrets on purpose only.
    assert_eq!(
        looker
            .param_value(&slack, "bot_token")
            .unwrap()
            .expose_secret(),
        "xoxb-fixture-s3cret"
    );
    assert_eq!(
        looker
            .param_value(&webhook, "api_key")
            .unwrap()
            .expose_secret(),
        "k-upd4ted-s3cret"
    );
    assert_eq!(
        looker
            .param_value(&slack, "channel")
            .unwrap()
            .expose_secret(),
        "#alerts"
    );
    assert!(looker.param_value(&slack, "nope").is_none());
}

#[tokio::test]
async fn seeds_given_in_code_lose_their_secrets_too() {
    let mut integration = Integration::new(id("looker:7::x"), "X");
    integration.enabled = Some(true);
    integration.kind = Some("7".into());
    let mut password = Parameter::new("password");
    password.required = true;
    password.sensitive = true;
    password.value = Some("code-s3cret".into());
    integration.parameters = vec![password];
    integration.raw = RawRecord::from(json!({
        "id": "7::x",
        "params": [{"name": "password", "value": "code-s3cret", "sensitive": true}],
        "nested": {"api_key": "code-s3cret"}
    }));
    let memory = InMemoryProvider::builder(Vendor::Looker)
        .with_integration(integration)
        .build()
        .unwrap();
    let [kept] = &memory.integrations()[..] else {
        panic!("one integration")
    };
    assert!(!format!("{kept:?}").contains("code-s3cret"));
    assert!(!format!("{memory:?}").contains("code-s3cret"));
    let password = param(kept, "password");
    assert_eq!(
        (password.value.as_deref(), password.has_value),
        (None, true)
    );
    assert_eq!(
        raw_param(kept, "password")["value"],
        serde_json::Value::Null
    );
    assert!(memory.test(&kept.id).await.unwrap().success);
}

// ---- test ------------------------------------------------------------------------------------

/// Asserts what `provider`'s test of `id` finds: whether it succeeded, and its message.
async fn assert_tested(
    provider: &InMemoryProvider,
    id: &IntegrationId,
    success: bool,
    message: &str,
) -> TestOutcome {
    let outcome = provider.test(id).await.unwrap();
    assert_eq!(outcome.success, success, "{outcome:?}");
    assert_eq!(outcome.message.as_deref(), Some(message));
    outcome
}

#[tokio::test]
async fn tests_fail_on_a_missing_required_value_as_the_fake_does() {
    let looker = looker();
    let webhook = id("looker:2::webhook");
    let missing = "Missing required parameter(s): API key.";
    let outcome = assert_tested(&looker, &webhook, false, missing).await;
    assert_eq!(outcome.raw["success"], false);

    // A user attribute to take the value from is enough…
    apply(
        &looker,
        &webhook,
        IntegrationPatch::new()
            .param("api_key", ParamChange::bind_user_attribute("key_attr"))
            .param("url", ParamChange::clear()),
    )
    .await;
    let missing = "Missing required parameter(s): URL.";
    assert_tested(&looker, &webhook, false, missing).await;
    // …and so is a value.
    apply(
        &looker,
        &webhook,
        param_patch("url", ParamChange::set("https://h.example.com")),
    )
    .await;
    assert_tested(&looker, &webhook, true, "Integration test succeeded.").await;
}

#[tokio::test]
async fn delegate_oauth_integrations_need_an_installed_target() {
    let looker = looker();
    let teams = id("looker:1::teams_bot");
    let none = "No delegate OAuth target is installed for this integration.";
    assert_tested(&looker, &teams, false, none).await;
    apply(
        &looker,
        &teams,
        IntegrationPatch::new().delegate_oauth_targets(vec!["T9".into()]),
    )
    .await;
    let outcome = looker.test(&teams).await.unwrap();
    assert!(outcome.success);
    assert_eq!(
        outcome.raw["delegate_oauth_result"][0]["installation_target_id"],
        "T9"
    );
}

// ---- calls and failures ----------------------------------------------------------------------

#[tokio::test]
async fn calls_are_counted_per_operation_failures_included() {
    let looker = looker();
    assert_eq!(looker.calls(Operation::List), 0);
    looker.list(&ListFilter::all()).await.unwrap();
    looker.list(&ListFilter::kind("1")).await.unwrap();
    let _ = looker.get(&id("looker:nope")).await;
    let _ = looker.get(&id("torq:nope")).await;
    looker.test(&id("looker:1::slack")).await.unwrap();
    assert_eq!(looker.calls(Operation::List), 2);
    assert_eq!(looker.calls(Operation::Get), 2);
    assert_eq!(looker.calls(Operation::Test), 1);
    assert_eq!(looker.calls(Operation::Update), 0);
    assert_eq!(looker.calls(Operation::Login), 0);
    looker.integrations();
    looker.param_value(&id("looker:1::slack"), "channel");
    assert_eq!(
        looker.calls(Operation::List),
        2,
        "reading state back is not a call"
    );
    let torq = torq();
    let _ = torq.update(&id("torq:x"), &IntegrationPatch::new()).await;
    assert_eq!(
        torq.calls(Operation::Update),
        1,
        "unsupported calls count too"
    );
}

#[tokio::test]
async fn queued_failures_fail_the_next_calls_in_turn_and_change_nothing() {
    let looker = looker();
    let slack = id("looker:1::slack");
    looker.fail_next(
        Operation::Update,
        Error::Server {
            vendor: Vendor::Looker,
            operation: Operation::Update,
            status: 503,
            message: Some("down".into()),
        },
    );
    looker.fail_next(
        Operation::Update,
        Error::Forbidden {
            vendor: Vendor::Looker,
            operation: Operation::Update,
            message: "no".into(),
        },
    );
    let patch = IntegrationPatch::new().enabled(false);
    // Other operations are not affected.
    assert!(looker.get(&slack).await.is_ok());
    assert!(matches!(
        looker.update(&slack, &patch).await,
        Err(Error::Server { status: 503, .. })
    ));
    assert!(matches!(
        looker.update(&slack, &patch).await,
        Err(Error::Forbidden { .. })
    ));
    assert_eq!(
        looker.get(&slack).await.unwrap().enabled,
        Some(true),
        "unchanged"
    );
    assert_eq!(
        looker.update(&slack, &patch).await.unwrap().enabled,
        Some(false)
    );
    assert_eq!(looker.calls(Operation::Update), 3);

    // A queued failure wins over what the call would otherwise say.
    let torq = torq();
    torq.fail_next(
        Operation::Get,
        Error::Unauthorized {
            vendor: Vendor::Torq,
            operation: Operation::Get,
            message: "expired".into(),
        },
    );
    assert!(matches!(
        torq.get(&id("looker:x")).await,
        Err(Error::Unauthorized { .. })
    ));
    assert!(matches!(
        torq.get(&id("looker:x")).await,
        Err(Error::InvalidId { .. })
    ));
}

/// What a user's code under test looks like: it takes any provider and handles its errors.
async fn enable_all(provider: &dyn IntegrationProvider) -> Result<usize, String> {
    let listing = provider
        .list(&ListFilter::all())
        .await
        .map_err(|e| format!("cannot list: {e}"))?;
    let mut enabled = 0;
    for integration in listing.integrations {
        if integration.enabled == Some(false) {
            provider
                .update(&integration.id, &IntegrationPatch::new().enabled(true))
                .await
                .map_err(|e| format!("cannot enable {}: {e}", integration.id))?;
            enabled += 1;
        }
    }
    Ok(enabled)
}

#[tokio::test]
async fn user_code_is_tested_through_the_trait_object() {
    let looker = looker();
    let shared: Arc<dyn IntegrationProvider> = Arc::new(looker.clone());
    assert_eq!(enable_all(shared.as_ref()).await, Ok(1));
    assert!(
        looker
            .integrations()
            .iter()
            .all(|i| i.enabled == Some(true))
    );
    assert_eq!(looker.calls(Operation::Update), 1);

    looker.fail_next(
        Operation::List,
        Error::RateLimited {
            vendor: Vendor::Looker,
            operation: Operation::List,
            retry_after: None,
        },
    );
    assert_eq!(
        enable_all(shared.as_ref()).await,
        Err("cannot list: looker list: rate limited".into())
    );
}

#[tokio::test]
async fn concurrent_callers_share_one_state() {
    let looker = Arc::new(looker());
    let webhook = id("looker:2::webhook");
    let tasks: Vec<_> = (0..16)
        .map(|n| {
            let looker = looker.clone();
            let webhook = webhook.clone();
            tokio::spawn(async move {
                let patch = IntegrationPatch::new().enabled(n % 2 == 0);
                looker.update(&webhook, &patch).await.unwrap();
                looker.list(&ListFilter::all()).await.unwrap();
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(looker.calls(Operation::Update), 16);
    assert_eq!(looker.calls(Operation::List), 16);
}

// ---- seeding ---------------------------------------------------------------------------------

#[test]
fn names_default_to_the_vendor_and_can_be_chosen() {
    assert_eq!(
        InMemoryProvider::new(Vendor::Looker).name(),
        "looker@memory"
    );
    assert_eq!(InMemoryProvider::new(Vendor::Torq).name(), "torq@memory");
    let named = InMemoryProvider::builder(Vendor::Torq)
        .with_name("torq@staging")
        .build()
        .unwrap();
    assert_eq!(named.name(), "torq@staging");
    assert_eq!(named.vendor(), Vendor::Torq);
    assert!(named.integrations().is_empty());
}

#[test]
fn code_and_json_seeds_combine_in_order() {
    let code = looker().integrations().remove(2);
    let memory = InMemoryProvider::builder(Vendor::Looker)
        .with_integration(code)
        .with_json(r#"[{"id": "looker:9::a", "name": "A"}]"#)
        .with_integrations(looker().integrations().into_iter().take(1))
        .build()
        .unwrap();
    assert_eq!(
        ids(&memory.integrations()),
        ["looker:2::webhook", "looker:9::a", "looker:1::slack"]
    );
    // A seed re-read from its own listing is the same.
    let again = InMemoryProvider::from_json(
        Vendor::Looker,
        &serde_json::to_string(&memory.integrations()).unwrap(),
    )
    .unwrap();
    assert_eq!(again.integrations(), memory.integrations());
}

#[test]
fn json_seeds_fill_what_hand_written_documents_leave_out() {
    let memory = InMemoryProvider::from_json(
        Vendor::Looker,
        r#"[{"id": "looker:1::x", "name": "X", "parameters": [{"name": "key", "value": "v"}]}]"#,
    )
    .unwrap();
    let x = &memory.integrations()[0];
    assert_eq!(x.raw.to_value(), json!({}));
    let key = param(x, "key");
    assert!(key.sensitive, "Looker's default");
    assert!(key.has_value);
    assert_eq!(key.value, None);
    assert!(!key.required && !key.per_user);
}

fn seed_error(vendor: Vendor, json: &str) -> SeedError {
    InMemoryProvider::from_json(vendor, json).expect_err("the seed is refused")
}

#[test]
fn bad_json_seeds_say_what_is_wrong_without_panicking() {
    match seed_error(Vendor::Looker, "[\n  {\"id\": ") {
        SeedError::Syntax { line, .. } => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        seed_error(Vendor::Looker, r#"{"id": "looker:1"}"#),
        SeedError::NotAnArray { found: "an object" }
    );
    match seed_error(Vendor::Looker, r#"[{"id": "looker:1", "name": "A"}, 5]"#) {
        SeedError::Invalid { position, .. } => assert_eq!(position, 1),
        other => panic!("{other:?}"),
    }
    let missing = seed_error(Vendor::Looker, r#"[{"id": "looker:1"}]"#);
    assert_eq!(
        missing.to_string(),
        "integration 0 (`looker:1`): missing field `name`"
    );
    let wrong = seed_error(
        Vendor::Looker,
        r#"[{"id": "looker:1", "name": "A", "enabled": "hunter2"}]"#,
    );
    match &wrong {
        SeedError::Invalid { field, reason, .. } => {
            assert_eq!(field.as_deref(), Some("enabled"));
            assert!(!reason.contains("hunter2"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let deep = seed_error(
        Vendor::Looker,
        r#"[{"id": "looker:1", "name": "A"},
            {"id": "looker:2", "name": "B", "parameters": [{"name": "a"}, {"name": "b", "required": "yes"}]}]"#,
    );
    assert_eq!(
        deep,
        SeedError::Invalid {
            position: 1,
            id: Some("looker:2".into()),
            field: Some("parameters[1].required".into()),
            reason: "invalid type: string \"…\", expected a boolean".into(),
        }
    );
    match seed_error(Vendor::Looker, r#"[{"id": "slack", "name": "A"}]"#) {
        SeedError::Invalid { field, .. } => assert_eq!(field.as_deref(), Some("id")),
        other => panic!("{other:?}"),
    }
    match seed_error(
        Vendor::Looker,
        r#"[{"id": "looker:1", "name": "A", "raw": [1]}]"#,
    ) {
        SeedError::Invalid { field, .. } => assert_eq!(field.as_deref(), Some("raw")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn seeds_must_belong_to_the_vendor_and_be_unique() {
    assert_eq!(
        seed_error(
            Vendor::Torq,
            r#"[{"id": "torq:a", "name": "A"}, {"id": "looker:1", "name": "B"}]"#
        ),
        SeedError::ForeignId {
            position: 1,
            id: id("looker:1"),
            vendor: Vendor::Torq
        }
    );
    let twice = seed_error(
        Vendor::Torq,
        r#"[{"id": "torq:a", "name": "A"}, {"id": "torq:b", "name": "B"}, {"id": "torq:a", "name": "C"}]"#,
    );
    assert_eq!(
        twice,
        SeedError::DuplicateId {
            position: 2,
            id: id("torq:a"),
            first: 0
        }
    );
    assert_eq!(
        twice.to_string(),
        "integration 2 (`torq:a`): integration 0 has the same id"
    );
    let from_code = InMemoryProvider::builder(Vendor::Looker)
        .with_integrations(torq().integrations())
        .build()
        .unwrap_err();
    assert!(
        matches!(from_code, SeedError::ForeignId { position: 0, .. }),
        "{from_code:?}"
    );
    assert!(matches!(
        seed_error(
            Vendor::Looker,
            r#"[{"id": "looker:1", "name": "A", "parameters": [{"name": "k"}, {"name": "k"}]}]"#
        ),
        SeedError::DuplicateParameter { name, .. } if name == "k"
    ));
}

// ---- the same answers as the fake Looker -----------------------------------------------------

/// Every patch below, applied to each integration of the fake Looker's demo instance through
/// the Looker provider and to an in-memory copy of it, gives the same integration (raw record
/// included) or the same validation errors, and then the same test outcome.
#[tokio::test]
async fn updates_and_tests_answer_as_the_fake_looker_does() {
    let fake = FakeServers::start().await.unwrap();
    let real = common::looker(&fake.looker);
    let listed = real.list(&ListFilter::all()).await.unwrap().integrations;
    let memory = InMemoryProvider::builder(Vendor::Looker)
        .with_integrations(listed.clone())
        .build()
        .unwrap();
    let mut compared = 0;
    for integration in &listed {
        let names: Vec<String> = integration
            .parameters
            .iter()
            .map(|p| p.name.clone())
            .collect();
        let mut patches = vec![
            IntegrationPatch::new().enabled(!integration.enabled.unwrap_or(false)),
            IntegrationPatch::new().param("no_such_param", ParamChange::set("x")),
            IntegrationPatch::new().delegate_oauth_targets(vec!["T7".into()]),
            IntegrationPatch::new().clear_delegate_oauth_targets(),
        ];
        for name in &names {
            patches.push(IntegrationPatch::new().param(name, ParamChange::clear()));
            patches.push(
                IntegrationPatch::new().param(name, ParamChange::bind_user_attribute("attr")),
            );
            patches.push(IntegrationPatch::new().param(name, ParamChange::set("v-1")));
            patches.push(IntegrationPatch::new().param(name, ParamChange::unbind_user_attribute()));
            patches.push(
                IntegrationPatch::new()
                    .param(name, ParamChange::set(""))
                    .param("aaa_unknown", ParamChange::clear()),
            );
        }
        for patch in &patches {
            let expected = real.update(&integration.id, patch).await;
            let got = memory.update(&integration.id, patch).await;
            match (expected, got) {
                (Ok(expected), Ok(got)) => {
                    assert_eq!(
                        got.enabled, expected.enabled,
                        "{} {patch:?}",
                        integration.id
                    );
                    assert_eq!(
                        got.parameters, expected.parameters,
                        "{} {patch:?}",
                        integration.id
                    );
                    assert_eq!(
                        got.raw.to_value(),
                        expected.raw.to_value(),
                        "{} {patch:?}",
                        integration.id
                    );
                }
                (
                    Err(Error::Validation {
                        errors: expected,
                        message: expected_message,
                        ..
                    }),
                    Err(Error::Validation {
                        errors: got,
                        message,
                        ..
                    }),
                ) => {
                    assert_eq!(got, expected, "{} {patch:?}", integration.id);
                    assert_eq!(message, expected_message);
                }
                (expected, got) => panic!("{} {patch:?}: {expected:?} vs {got:?}", integration.id),
            }
            let expected = real.test(&integration.id).await.unwrap();
            let got = memory.test(&integration.id).await.unwrap();
            assert_eq!(got, expected, "{} after {patch:?}", integration.id);
            compared += 1;
        }
    }
    assert!(compared > 50, "{compared} patches compared");
}
