//! The Looker fake's integration hubs and integration forms, through the generated client: the
//! write-only authorization token, the built-in catalogue, updates, health, the legal agreement,
//! deletion with the hub's integrations, and forms made from an integration's params.

use std::collections::BTreeMap;

use integrations_fake::LookerFake;
use integrations_fake::looker::{ACME_HUB_URL, EXAMPLE_HUB_URL, OFFICIAL_HUB_URL, PARTNER_HUB_URL};
use looker_api::types::{IntegrationHub, IntegrationHubWrite};
use serde_json::json;

use crate::support::*;

/// The generated client, logged in to `looker`.
async fn api(looker: &LookerFake) -> looker_api::Client {
    let http = client_with(&looker_auth(looker).await);
    looker_api::Client::new_with_client(&looker.api_url(), http, looker_api::Hooks::default())
}

/// The status of a refused call.
fn status_of<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, looker_api::Error<E>>,
) -> u16 {
    match result {
        Err(looker_api::Error::ErrorResponse(e)) => e.status().as_u16(),
        other => panic!("expected an error status, got {other:?}"),
    }
}

/// The (field, code) of each error of a 422 refusal; fails on anything else.
fn unprocessable<T: std::fmt::Debug>(
    result: Result<T, looker_api::Error<looker_api::types::ErrorOrValidationError>>,
) -> Vec<(String, String)> {
    match result {
        Err(looker_api::Error::ErrorResponse(e)) if e.status().as_u16() == 422 => e
            .errors
            .iter()
            .flatten()
            .map(|e| {
                (
                    e.field.clone().unwrap_or_default(),
                    e.code.clone().unwrap_or_default(),
                )
            })
            .collect(),
        other => panic!("expected a 422, got {other:?}"),
    }
}

fn write(url: Option<&str>, token: Option<&str>) -> IntegrationHubWrite {
    IntegrationHubWrite {
        url: url.map(str::to_owned),
        authorization_token: token.map(str::to_owned),
    }
}

fn ids(hubs: &[IntegrationHub]) -> Vec<String> {
    hubs.iter().filter_map(|h| h.id.clone()).collect()
}

#[tokio::test]
async fn the_demo_has_the_official_hub_and_two_custom_ones() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let hubs = ok(api.all_integration_hubs(None)).await;
    assert_eq!(ids(&hubs), ["1", "2", "3"]);
    assert_eq!(hubs[0].official, Some(true));
    assert_eq!(hubs[0].url.as_deref(), Some(OFFICIAL_HUB_URL));
    assert_eq!(hubs[0].label.as_deref(), Some("Looker Action Hub"));
    assert_eq!(hubs[1].url.as_deref(), Some(ACME_HUB_URL));
    assert_eq!(hubs[1].has_authorization_token, Some(true));
    assert_eq!(hubs[2].legal_agreement_required, Some(true));
    assert_eq!(hubs[2].legal_agreement_signed, Some(false));
    assert!(hubs[2].legal_agreement_text.is_some());
    // Every hub the demo's integrations name is listed.
    let integrations = ok(api.all_integrations(Some("integration_hub_id"), None)).await;
    assert!(integrations.iter().all(|i| {
        i.integration_hub_id
            .as_ref()
            .is_some_and(|hub| ids(&hubs).contains(hub))
    }));
    let selected = ok(api.integration_hub("2", Some("id,has_authorization_token"))).await;
    assert_eq!(selected.has_authorization_token, Some(true));
    assert_eq!(selected.url, None, "fields= leaves the url out");
    assert_eq!(status_of(api.integration_hub("42", None).await), 404);
}

#[tokio::test]
async fn a_created_hub_keeps_its_token_secret_and_lists_what_its_address_offers() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let created =
        ok(api.create_integration_hub(None, &write(Some(EXAMPLE_HUB_URL), Some("hub-t0ken-1"))))
            .await;
    let id = created.id.clone().expect("an id");
    assert_eq!(id, "4", "ids follow the seeded ones");
    assert_eq!(created.label.as_deref(), Some("Example Action Hub"));
    assert_eq!(created.official, Some(false));
    assert_eq!(created.fetch_error_message, None);
    assert_eq!(created.has_authorization_token, Some(true));
    assert!(created.extra.is_empty(), "{:?}", created.extra);

    // The list shows it, with has_authorization_token and no token anywhere on the wire.
    let token = looker_token(&looker).await;
    let listed = looker_get(&looker, "/integration_hubs", &format!("token {token}")).await;
    assert_eq!(listed.status, 200);
    assert!(!listed.text.contains("hub-t0ken-1"), "{}", listed.text);
    assert!(
        !listed.text.contains("\"authorization_token\""),
        "{}",
        listed.text
    );
    let hubs: Vec<IntegrationHub> = serde_json::from_value(listed.json).expect("hubs");
    assert_eq!(ids(&hubs), ["1", "2", "3", "4"]);
    assert_eq!(hubs[3].has_authorization_token, Some(true));
    // The fake kept it, and keeps it out of what a test can print.
    assert_eq!(
        looker.integration_hub_authorization_token(&id).as_deref(),
        Some("hub-t0ken-1")
    );
    assert_eq!(
        looker.last_request_body("create_integration_hub"),
        Some(json!({"url": EXAMPLE_HUB_URL, "authorization_token": "[redacted]"}))
    );
    assert!(!format!("{:?}", looker.integration_hubs()).contains("hub-t0ken-1"));

    // Its integrations were "fetched": disabled, without values.
    let offered = ok(api.all_integrations(None, Some(&id))).await;
    let names: Vec<_> = offered.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(names, ["4::webhook_post", "4::email_digest"]);
    assert!(offered.iter().all(|i| i.enabled == Some(false)));

    // One hub per address; an address Looker cannot fetch still makes a hub, unusable.
    let again = api
        .create_integration_hub(None, &write(Some("https://Actions.Example.com/"), None))
        .await;
    assert_eq!(status_of(again), 409);
    let unreachable =
        ok(api.create_integration_hub(None, &write(Some("https://hub.nowhere.example"), None)))
            .await;
    assert_eq!(unreachable.has_authorization_token, Some(false));
    assert!(
        unreachable
            .fetch_error_message
            .as_deref()
            .is_some_and(|m| m.contains("hub.nowhere.example"))
    );
    let health =
        ok(api.get_integration_hub_health(unreachable.id.as_deref().unwrap_or_default(), None))
            .await;
    assert_eq!(health.success, Some(false));
    assert_eq!(health.message, unreachable.fetch_error_message);
}

#[tokio::test]
async fn a_create_without_a_proper_url_lists_each_wrong_field() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    for (body, field) in [
        (write(None, None), "url"),
        (write(Some("actions.example.com"), None), "url"),
        (write(Some("mailto:hub@example.com"), None), "url"),
        (write(Some("https://me:pw@example.com"), Some("t")), "url"),
    ] {
        let refused = unprocessable(api.create_integration_hub(None, &body).await);
        let fields: Vec<_> = refused.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(fields, [field], "{:?}", body.url);
    }
    // Both wrong fields at once, the token never quoted.
    let token = looker_token(&looker).await;
    let answer = Answer::to(
        client()
            .post(format!("{}/integration_hubs", looker.api_url()))
            .header("authorization", format!("token {token}"))
            .json(&json!({"url": 12, "authorization_token": 987654321})),
    )
    .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.json["errors"].as_array().map(Vec::len), Some(2));
    assert!(!answer.text.contains("987654321"), "{}", answer.text);
    assert_eq!(looker.integration_hubs().len(), 3, "nothing was created");
}

#[tokio::test]
async fn an_update_rotates_or_removes_the_token_and_a_new_url_is_fetched_again() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let updated =
        ok(api.update_integration_hub("2", None, &write(None, Some("rotated-t0ken")))).await;
    assert_eq!(updated.has_authorization_token, Some(true));
    assert_eq!(updated.url.as_deref(), Some(ACME_HUB_URL), "left as it was");
    assert_eq!(
        looker.integration_hub_authorization_token("2").as_deref(),
        Some("rotated-t0ken")
    );
    let cleared = ok(api.update_integration_hub("2", None, &write(None, Some("")))).await;
    assert_eq!(cleared.has_authorization_token, Some(false));
    assert_eq!(looker.integration_hub_authorization_token("2"), None);
    // ACME's integrations were not touched by token changes.
    assert_eq!(
        looker
            .integration("2::acme_pagerduty_alert")
            .and_then(|i| i.enabled),
        Some(true)
    );

    // A new address: the hub becomes what that address offers, agreement and all.
    let moved = ok(api.update_integration_hub(
        "2",
        Some("id,label,legal_agreement_required"),
        &write(Some(PARTNER_HUB_URL), None),
    ))
    .await;
    assert_eq!(moved.label.as_deref(), Some("Partner actions"));
    assert_eq!(moved.legal_agreement_required, Some(true));
    let offered: Vec<_> = ok(api.all_integrations(Some("id"), Some("2")))
        .await
        .into_iter()
        .filter_map(|i| i.id)
        .collect();
    assert_eq!(offered, ["2::crm_sync"]);
    assert_eq!(looker.integration("2::acme_pagerduty_alert"), None);

    // The official hub stays where it is; two hubs cannot share an address.
    let official = api
        .update_integration_hub(
            "1",
            None,
            &write(Some("https://elsewhere.example.com"), None),
        )
        .await;
    assert_eq!(status_of(official), 422);
    let taken = api
        .update_integration_hub("2", None, &write(Some(OFFICIAL_HUB_URL), None))
        .await;
    assert_eq!(status_of(taken), 422);
    let unknown = api
        .update_integration_hub("9", None, &write(None, None))
        .await;
    assert_eq!(status_of(unknown), 404);
}

#[tokio::test]
async fn health_is_what_a_test_sets() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let health = |id: &'static str| {
        let api = api.clone();
        async move { ok(api.get_integration_hub_health(id, None)).await }
    };
    // The demo's hub 2 starts unhealthy (one of the demo's deliberate problems).
    let seeded = health("2").await;
    assert_eq!(
        (seeded.success, seeded.message.as_deref()),
        (Some(false), Some("Couldn't connect to action service"))
    );
    assert!(looker.set_hub_health("2", Ok(())));
    let healthy = health("2").await;
    assert_eq!((healthy.success, healthy.message), (Some(true), None));
    assert!(looker.set_hub_health("2", Err("TLS handshake failed".to_owned())));
    let sick = health("2").await;
    assert_eq!(sick.success, Some(false));
    assert_eq!(sick.message.as_deref(), Some("TLS handshake failed"));
    assert_eq!(
        health("1").await.success,
        Some(true),
        "other hubs unchanged"
    );
    assert!(looker.set_hub_health("2", Ok(())));
    assert_eq!(health("2").await.success, Some(true));
    assert!(!looker.set_hub_health("77", Ok(())), "no such hub");
    assert_eq!(
        status_of(api.get_integration_hub_health("77", None).await),
        404
    );
}

#[tokio::test]
async fn a_hub_awaiting_its_legal_agreement_gives_no_form_until_accepted() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let no_values = BTreeMap::new();
    let refused = api.fetch_integration_form("3::datadog_event", &no_values);
    let refused = unprocessable(refused.await);
    let codes: Vec<_> = refused.iter().map(|(_, code)| code.as_str()).collect();
    assert_eq!(codes, ["legal_agreement_required"]);
    let signed = ok(api.accept_integration_hub_legal_agreement("3")).await;
    assert_eq!(signed.legal_agreement_signed, Some(true));
    assert_eq!(
        looker
            .integration_hub("3")
            .and_then(|h| h.legal_agreement_signed),
        Some(true)
    );
    let form = ok(api.fetch_integration_form("3::datadog_event", &no_values)).await;
    assert_eq!(form.fields.map(|f| f.len()), Some(2));
    // Nothing left to accept, here or on a hub without an agreement.
    for id in ["3", "1"] {
        assert_eq!(
            status_of(api.accept_integration_hub_legal_agreement(id).await),
            422,
            "{id}"
        );
    }
    assert_eq!(
        status_of(api.accept_integration_hub_legal_agreement("8").await),
        404
    );
}

#[tokio::test]
async fn deleting_a_hub_removes_its_integrations_but_the_official_hub_stays() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let before = looker.integrations().len();
    let acme = looker
        .integrations()
        .iter()
        .filter(|i| i.integration_hub_id.as_deref() == Some("2"))
        .count();
    assert!(acme > 0);
    api.delete_integration_hub("2").await.expect("delete");
    assert_eq!(ids(&looker.integration_hubs()), ["1", "3"]);
    assert_eq!(looker.integrations().len(), before - acme);
    let listed = ok(api.all_integrations(None, Some("2"))).await;
    assert!(listed.is_empty());
    assert_eq!(
        status_of(api.integration("2::acme_jira_ticket", None).await),
        404
    );
    // The remaining integrations are still found by id.
    let datadog = ok(api.integration("3::datadog_event", None)).await;
    assert_eq!(datadog.integration_hub_id.as_deref(), Some("3"));
    assert_eq!(status_of(api.delete_integration_hub("2").await), 404);
    assert_eq!(status_of(api.delete_integration_hub("1").await), 400);
    assert_eq!(looker.integration_hubs().len(), 2);
    assert_eq!(looker.control().requests("delete_integration_hub"), 3);
    assert_eq!(looker.control().handled("delete_integration_hub"), 3);
}

#[tokio::test]
async fn a_form_has_a_field_per_param_and_no_secret() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let values = BTreeMap::from([("from".to_owned(), "+15551234567".to_owned())]);
    let form = ok(api.fetch_integration_form("1::twilio", &values)).await;
    let fields = form.fields.unwrap_or_default();
    let summary: Vec<_> = fields
        .iter()
        .map(|f| {
            (
                f.name.as_deref().unwrap_or_default(),
                f.type_.as_deref().unwrap_or_default(),
                f.required,
                f.default.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "accountSid",
                "text",
                Some(true),
                Some("AC5f0e3f6a2b7c4d1e8f9a0b1c2d3e4f5a")
            ),
            ("authToken", "password", Some(true), None),
            ("from", "text", Some(true), Some("+15551234567")),
        ]
    );
    assert_eq!(fields[1].label.as_deref(), Some("Auth Token"));
    assert!(fields[1].description.is_some());
    assert_eq!(
        looker.last_request_body("fetch_integration_form"),
        Some(json!({"from": "+15551234567"}))
    );

    // Slack's workspace is an OAuth link.
    let slack = ok(api.fetch_integration_form("1::slack", &BTreeMap::new())).await;
    let install = &slack.fields.unwrap_or_default()[0];
    assert_eq!(install.type_.as_deref(), Some("oauth_link"));
    assert!(install.oauth_url.is_some());

    assert_eq!(
        status_of(
            api.fetch_integration_form("1::nope", &BTreeMap::new())
                .await
        ),
        404
    );
}

#[tokio::test]
async fn hub_routes_sit_behind_the_gate_like_the_others() {
    let looker = looker_demo().await;
    let api = api(&looker).await;
    let anonymous = looker_api::Client::new(&looker.api_url(), looker_api::Hooks::default());
    assert_eq!(status_of(anonymous.all_integration_hubs(None).await), 401);
    assert_eq!(
        status_of(
            anonymous
                .create_integration_hub(None, &write(Some(EXAMPLE_HUB_URL), None))
                .await
        ),
        401
    );
    assert_eq!(status_of(anonymous.delete_integration_hub("2").await), 401);
    assert_eq!(looker.integration_hubs().len(), 3, "nothing changed");

    looker
        .control()
        .fail_next("create_integration_hub", 1, 503, Some(4));
    let failed = api
        .create_integration_hub(None, &write(Some(EXAMPLE_HUB_URL), None))
        .await;
    match failed {
        Err(looker_api::Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status().as_u16(), 503);
            assert_eq!(response.headers()["retry-after"], "4");
        }
        other => panic!("expected a 503, got {other:?}"),
    }
    assert_eq!(
        looker.integration_hubs().len(),
        3,
        "a failed call changes nothing"
    );
    api.create_integration_hub(None, &write(Some(EXAMPLE_HUB_URL), None))
        .await
        .expect("create");
    let control = looker.control();
    let create = "create_integration_hub";
    let counts = (control.requests(create), control.handled(create));
    assert_eq!(counts, (3, 2));
    assert_eq!(control.requests("all_integration_hubs"), 1);
}

#[tokio::test]
async fn no_secret_of_the_demo_reaches_the_wire() {
    let (looker, auth) = looker_with_auth().await;
    let integrations = looker.integrations();
    let hubs = looker.integration_hubs();
    let params = integrations.iter().flat_map(|i| &i.params);
    let mut secrets: Vec<String> = params
        .filter(|p| p.sensitive != Some(false))
        .filter_map(|p| p.value.clone())
        .collect();
    let tokens = hubs.iter().filter_map(|h| h.id.as_deref());
    secrets.extend(tokens.filter_map(|id| looker.integration_hub_authorization_token(id)));
    assert!(
        secrets.len() >= 8,
        "the demo has secrets to keep: {}",
        secrets.len()
    );
    let mut paths = vec!["/integrations".to_owned(), "/integration_hubs".to_owned()];
    let integration_ids = integrations.iter().filter_map(|i| i.id.as_deref());
    paths.extend(integration_ids.map(|id| format!("/integrations/{id}")));
    let hub_ids = hubs.iter().filter_map(|h| h.id.as_deref());
    paths.extend(hub_ids.map(|id| format!("/integration_hubs/{id}")));
    for path in paths {
        let answer = looker_get(&looker, &path, &auth).await;
        assert_eq!(answer.status, 200, "{path}");
        let leaked = secrets.iter().find(|s| answer.text.contains(s.as_str()));
        assert!(leaked.is_none(), "{path} shows a secret");
    }
}
