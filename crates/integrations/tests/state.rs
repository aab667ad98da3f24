//! Integrations as code against the fake servers: export, plan, apply, and a second plan that
//! shows nothing to do.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use integrations::state::{self, IntegrationPlan, ParamState, Secret, SecretSource, StateDocument};
use integrations::{IntegrationPatch, IntegrationProvider, ParamChange};
use integrations_fake::FakeServers;

/// A Looker provider named `prod` and a Torq one named `soc`, on `fake`.
fn providers(fake: &FakeServers) -> Vec<Arc<dyn IntegrationProvider>> {
    vec![
        Arc::new(common::looker_with(&fake.looker, |c| c.with_name("prod"))),
        Arc::new(common::torq_with(&fake.torq, |c| c.with_name("soc"))),
    ]
}

/// Fresh fake servers, the [`providers`] on them, and the document they export.
async fn exported() -> (
    FakeServers,
    Vec<Arc<dyn IntegrationProvider>>,
    StateDocument,
) {
    let fake = FakeServers::start().await.unwrap();
    let all = providers(&fake);
    let doc = state::export(&all).await.unwrap();
    (fake, all, doc)
}

/// Every reference of `doc`, with a value each (as a CI job's environment would hold them).
fn secrets_for(doc: &StateDocument) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for provider in doc.providers.values() {
        for integration in provider.integrations.values() {
            for state in integration.params.values() {
                if let ParamState::Secret(Secret::Env { env }) = state {
                    vars.insert(env.clone(), format!("value-of-{env}"));
                }
            }
        }
    }
    vars
}

#[tokio::test]
async fn export_then_apply_elsewhere_converges_to_no_changes() {
    let source = FakeServers::start().await.unwrap();
    let exported = state::export(&providers(&source)).await.unwrap();
    let text = exported.to_toml();
    assert_eq!(
        StateDocument::from_toml(&text).unwrap(),
        exported,
        "round trip"
    );
    assert_eq!(
        state::export(&providers(&source)).await.unwrap().to_toml(),
        text,
        "deterministic"
    );
    assert!(!text.contains("value-of"), "no secret value in an export");

    // Another instance, seeded the same then changed: some integrations disabled, a value changed.
    let target = FakeServers::start().await.unwrap();
    let target_providers = providers(&target);
    let looker = &target_providers[0];
    let twilio = "looker:1::twilio".parse().unwrap();
    looker
        .update(
            &twilio,
            &IntegrationPatch::new()
                .enabled(false)
                .param("from", ParamChange::set("+10000000000")),
        )
        .await
        .unwrap();
    let plan = state::plan(&target_providers, &exported).await.unwrap();
    let update = plan
        .updates()
        .find(|p| p.id == twilio)
        .expect("twilio differs");
    let IntegrationPlan::Update { changes } = &update.plan else {
        unreachable!()
    };
    let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["enabled", "params.from"]);

    let report = state::apply(
        &target_providers,
        &plan,
        &SecretSource::with_vars(secrets_for(&exported)),
    )
    .await
    .unwrap();
    assert!(report.is_complete(), "{report:?}");
    let again = state::plan(&target_providers, &exported).await.unwrap();
    assert!(!again.has_changes(), "{again:?}");
}

#[tokio::test]
async fn one_edited_value_is_one_change_and_one_patch() {
    let (fake, all, mut doc) = exported().await;
    let prod = doc.providers.get_mut("prod").unwrap();
    prod.integrations
        .get_mut("1::twilio")
        .unwrap()
        .params
        .insert("from".into(), ParamState::Value("+15550001111".into()));
    let plan = state::plan(&all, &doc).await.unwrap();
    let updates: Vec<_> = plan.updates().collect();
    assert_eq!(updates.len(), 1, "{plan:?}");
    let IntegrationPlan::Update { changes } = &updates[0].plan else {
        unreachable!()
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, "params.from");
    assert_eq!(changes[0].new, "\"+15550001111\"");

    fake.looker.control().reset_counters();
    let report = state::apply(&all, &plan, &SecretSource::with_vars(secrets_for(&doc)))
        .await
        .unwrap();
    assert_eq!(report.counts(), (1, 0, 0));
    assert_eq!(fake.looker.control().requests("update_integration"), 1);
    assert_eq!(
        fake.looker.last_request_body("update_integration").unwrap(),
        serde_json::json!({"params": [{"name": "from", "value": "+15550001111"}]}),
        "only the changed field is sent"
    );
}

#[tokio::test]
async fn a_secret_from_the_environment_reaches_the_vendor_and_never_the_output() {
    let (fake, all, mut doc) = exported().await;
    // hubspot_contacts has a required sensitive key that is not set.
    let hubspot = doc
        .providers
        .get_mut("prod")
        .unwrap()
        .integrations
        .get_mut("1::hubspot_contacts")
        .unwrap();
    hubspot.params.insert(
        "hubspot_api_key".into(),
        ParamState::Secret(Secret::Env {
            env: "HUBSPOT_KEY".into(),
        }),
    );
    let plan = state::plan(&all, &doc).await.unwrap();
    let shown = format!("{plan:?}{}", serde_json::to_string(&plan).unwrap());
    assert!(shown.contains("(sensitive, will be set)"), "{shown}");

    let secret = "hubspot-secret-value-123";
    let missing = state::apply(&all, &plan, &SecretSource::with_vars(BTreeMap::new())).await;
    let e = missing.unwrap_err().to_string();
    assert!(e.contains("HUBSPOT_KEY") && e.contains("not set"), "{e}");
    assert_eq!(
        fake.looker.control().requests("update_integration"),
        0,
        "nothing is sent before every reference resolves"
    );

    let vars = BTreeMap::from([("HUBSPOT_KEY".to_owned(), secret.to_owned())]);
    let report = state::apply(&all, &plan, &SecretSource::with_vars(vars))
        .await
        .unwrap();
    assert!(report.is_complete(), "{report:?}");
    let stored = fake.looker.integration("1::hubspot_contacts").unwrap();
    let value = stored
        .params
        .iter()
        .find(|p| p.name.as_deref() == Some("hubspot_api_key"))
        .and_then(|p| p.value.clone());
    assert_eq!(value.as_deref(), Some(secret));
    assert!(!format!("{report:?}{plan:?}").contains(secret));
    assert!(!state::plan(&all, &doc).await.unwrap().has_changes());
    let rotating = state::plan_with(
        &all,
        &doc,
        state::PlanOptions::default().rotate_secrets(true),
    )
    .await
    .unwrap();
    assert!(
        rotating
            .updates()
            .any(|p| p.id.vendor_id() == "1::hubspot_contacts"),
        "--rotate-secrets sends a referenced secret that is already set"
    );
}

#[tokio::test]
async fn an_interrupted_apply_says_what_happened_and_a_second_one_converges() {
    let (fake, all, mut doc) = exported().await;
    for id in ["1::twilio", "1::slack", "1::braze"] {
        let entry = doc
            .providers
            .get_mut("prod")
            .unwrap()
            .integrations
            .get_mut(id)
            .unwrap();
        entry.enabled = Some(!entry.enabled.unwrap());
    }
    let vars = SecretSource::with_vars(secrets_for(&doc));
    let plan = state::plan(&all, &doc).await.unwrap();
    assert_eq!(plan.updates().count(), 3);
    // The first PATCH is answered with something that is not an integration: it fails.
    fake.looker
        .control()
        .answer_next(
            "update_integration",
            1,
            integrations_fake::RawAnswer::new(200).body("not the update"),
        )
        .unwrap();
    let report = state::apply(&all, &plan, &vars).await.unwrap();
    let (applied, failed, _) = report.counts();
    assert_eq!((applied, failed), (2, 1), "{report:?}");

    let again = state::plan(&all, &doc).await.unwrap();
    assert_eq!(again.updates().count(), 1, "only the failed one is left");
    let report = state::apply(&all, &again, &vars).await.unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert!(!state::plan(&all, &doc).await.unwrap().has_changes());
}

#[tokio::test]
async fn torq_drift_is_reported_and_never_applied() {
    let (fake, all, mut doc) = exported().await;
    let soc = doc.providers.get_mut("soc").unwrap();
    let (id, entry) = soc.integrations.iter_mut().next().unwrap();
    let id = id.clone();
    entry.name = Some("Renamed in the file".into());
    soc.integrations.insert(
        "00000000-0000-4000-8000-000000000000".into(),
        Default::default(),
    );
    let plan = state::plan(&all, &doc).await.unwrap();
    assert!(!plan.has_changes(), "Torq drift is not an update");
    let drift = plan
        .integrations
        .iter()
        .find(|p| p.id.vendor_id() == id)
        .unwrap();
    assert!(
        matches!(drift.plan, IntegrationPlan::Drift { .. }),
        "{drift:?}"
    );
    assert!(
        plan.integrations
            .iter()
            .any(|p| matches!(p.plan, IntegrationPlan::Missing))
    );
    fake.torq.control().reset_counters();
    let report = state::apply(&all, &plan, &SecretSource::with_vars(BTreeMap::new()))
        .await
        .unwrap();
    assert!(
        matches!(&report.results[..], [(_, rid, state::ApplyOutcome::Unsupported { message })]
            if rid.vendor_id() == id && message.contains("torq does not support update")),
        "{report:?}"
    );
    assert!(!report.is_complete());
}

#[test]
fn a_bad_file_gets_an_error_naming_the_line() {
    let unknown_key = "[provider.prod]\nvendor = \"looker\"\n\n[provider.prod.integration.\"1::slack\"]\nenabeld = true\n";
    let e = StateDocument::from_toml(unknown_key).unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    assert!(e.message.contains("enabeld"), "{e}");

    let wrong_type =
        "[provider.prod]\nvendor = \"looker\"\n[provider.prod.integration.x]\nenabled = \"yes\"\n";
    let e = StateDocument::from_toml(wrong_type).unwrap_err();
    assert_eq!(e.line, 4, "{e}");

    let text = "[provider.nobody]\nvendor = \"looker\"\n";
    let doc = StateDocument::from_toml(text).unwrap();
    assert_eq!(StateDocument::line_of_provider(text, "nobody"), Some(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let e = runtime.block_on(async {
        let fake = FakeServers::start().await.unwrap();
        state::plan(&providers(&fake), &doc).await.unwrap_err()
    });
    assert!(e.to_string().contains("nobody"), "{e}");
}
