//! The Looker fake behaves like a Looker instance: login and tokens, listing and filtering,
//! masking, PATCH semantics, validation errors, tests, and the generated client against it.

use integrations_fake::looker::DOCUMENTATION_URL;
use integrations_fake::{LookerFake, LookerSeed};
use looker_api::types::{IntegrationParamWrite, IntegrationWrite, LoginRequest};
use serde_json::{Value, json};

use crate::support::*;

/// The status `all_integrations` answers with `token`.
async fn list_status(looker: &LookerFake, token: &str) -> u16 {
    looker_get(looker, "/integrations", &format!("token {token}"))
        .await
        .status
}

async fn patch(looker: &LookerFake, id: &str, token: &str, body: Value) -> Answer {
    Answer::to(
        client()
            .patch(format!("{}/integrations/{id}", looker.api_url()))
            .header("authorization", format!("token {token}"))
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn login_takes_form_or_query_credentials_and_answers_wrong_ones_with_404() {
    let looker = looker_demo().await;
    let http = client();
    let answer = Answer::to(looker_login(&looker)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["token_type"], "Bearer");
    assert_eq!(answer.json["expires_in"], 3599);
    assert!(answer.json.get("refresh_token").is_none());
    assert_eq!(
        looker.last_request_body("login"),
        Some(json!({"client_id": looker.client_id(), "client_secret": looker.client_secret()}))
    );

    // The deprecated query-parameter form still works.
    let answer = Answer::to(http.post(format!(
        "{}/login?client_id={}&client_secret={}",
        looker.api_url(),
        looker.client_id(),
        looker.client_secret()
    )))
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    let answer = Answer::to(http.post(format!("{}/login", looker.api_url())).form(&[
        ("client_id", looker.client_id()),
        ("client_secret", "wrong"),
    ]))
    .await;
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.json,
        json!({"message": "Not found", "documentation_url": DOCUMENTATION_URL})
    );
    let control = looker.control();
    assert_eq!((control.logins(), control.requests("login")), (2, 3));
}

#[tokio::test]
async fn integration_routes_need_a_live_token_in_either_scheme() {
    let (looker, token) = looker_with_token().await;
    for scheme in ["token", "Bearer", "bearer"] {
        let auth = format!("{scheme} {token}");
        let answer = looker_get(&looker, "/integrations", &auth).await;
        assert_eq!(answer.status, 200, "{auth}");
    }
    let requires =
        json!({"message": "Requires authentication.", "documentation_url": DOCUMENTATION_URL});
    for auth in [
        String::new(),
        "token".to_owned(),
        format!("Basic {token}"),
        format!("token {token}x"),
    ] {
        let answer = looker_get(&looker, "/integrations/1::slack", &auth).await;
        assert_eq!(answer.status, 401, "{auth}");
        assert_eq!(answer.json, requires);
    }

    // Logout ends the token, at `/api/4.0/logout` and at `/api/logout`, where Looker's SDKs log
    // out (without the version).
    for (logout, scheme) in [
        (format!("{}/logout", looker.api_url()), "token"),
        (format!("{}/api/logout", looker.base_url()), "Bearer"),
    ] {
        let token = looker_token(&looker).await;
        let auth = format!("{scheme} {token}");
        let answer = Answer::to(client().delete(logout).header("authorization", auth)).await;
        assert_eq!(answer.status, 204);
        assert_eq!(list_status(&looker, &token).await, 401);
    }
    assert_eq!(looker.control().requests("logout"), 2);

    // A token past its lifetime is refused too.
    looker.set_token_lifetime(0);
    let answer = Answer::to(looker_login(&looker)).await;
    assert_eq!(answer.json["expires_in"], 0);
    let short = answer.json["access_token"].as_str().expect("token");
    assert_eq!(list_status(&looker, short).await, 401);

    // And so is every token after expire_all_tokens.
    looker.set_token_lifetime(3599);
    let fresh = looker_token(&looker).await;
    assert_eq!(list_status(&looker, &fresh).await, 200);
    looker.control().expire_all_tokens();
    assert_eq!(list_status(&looker, &fresh).await, 401);
}

#[tokio::test]
async fn lists_filter_by_hub_and_honour_fields() {
    let (looker, auth) = looker_with_auth().await;
    let all = looker_get(&looker, "/integrations", &auth).await.json;
    let all = all.as_array().expect("a list");
    assert_eq!(all.len(), LookerSeed::demo().integrations.len());

    let hub = looker_get(&looker, "/integrations?integration_hub_id=2", &auth)
        .await
        .json;
    let hub = hub.as_array().expect("a list");
    assert!(!hub.is_empty() && hub.len() < all.len());
    assert!(hub.iter().all(|i| i["integration_hub_id"] == "2"));

    let slim = looker_get(&looker, "/integrations?fields=id,label", &auth)
        .await
        .json;
    for item in slim.as_array().expect("a list") {
        let keys: Vec<_> = item.as_object().expect("an object").keys().collect();
        assert_eq!(keys.len(), 2, "{item}");
        assert!(item["id"].is_string() && item["label"].is_string());
    }
    let nested = looker_get(
        &looker,
        "/integrations/1::twilio?fields=id,params(name)",
        &auth,
    )
    .await
    .json;
    assert_eq!(
        nested,
        json!({"id": "1::twilio", "params": [{"name": "accountSid"}, {"name": "authToken"}, {"name": "from"}]})
    );
}

#[tokio::test]
async fn sensitive_values_never_leave_the_server_but_has_value_tells() {
    let (looker, auth) = looker_with_auth().await;
    let answer = looker_get(&looker, "/integrations", &auth).await;
    let mut secrets = 0;
    for stored in looker.integrations() {
        for param in &stored.params {
            if param.sensitive == Some(true)
                && let Some(value) = &param.value
            {
                secrets += 1;
                assert!(!answer.text.contains(value.as_str()), "{value} leaked");
            }
        }
    }
    assert!(secrets >= 5, "the demo has secrets to hide");
    for integration in answer.json.as_array().expect("a list") {
        for param in integration["params"].as_array().expect("params") {
            if param["sensitive"] == true {
                assert_eq!(param["value"], Value::Null, "{param}");
            }
            let stored = looker
                .integration(integration["id"].as_str().expect("id"))
                .expect("stored");
            let stored_param = stored
                .params
                .iter()
                .find(|p| p.name.as_deref() == param["name"].as_str())
                .expect("stored param");
            assert_eq!(param["has_value"], stored_param.value.is_some(), "{param}");
        }
    }
}

#[tokio::test]
async fn patch_changes_writable_fields_leaves_on_null_and_clears_on_empty() {
    let (looker, token) = looker_with_token().await;
    let before = looker.integration("1::braze").expect("braze");
    let body = json!({
        "enabled": false,
        "label": "Renamed",
        "integration_hub_id": "9",
        "params": [
            {"name": "braze_api_key", "value": null, "sensitive": false},
            {"name": "braze_api_endpoint", "value": "", "user_attribute_name": "braze_endpoint"}
        ]
    });
    let answer = patch(&looker, "1::braze", &token, body.clone()).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(looker.last_request_body("update_integration"), Some(body));

    let after = looker.integration("1::braze").expect("braze");
    assert_eq!(after.enabled, Some(false));
    assert_eq!(after.label, before.label);
    assert_eq!(after.integration_hub_id, before.integration_hub_id);
    assert_eq!(after.params[0].value, before.params[0].value, "null leaves");
    assert_eq!(after.params[0].sensitive, Some(true), "read-only");
    assert_eq!(after.params[1].value, None, "empty string clears");
    assert_eq!(
        after.params[1].user_attribute_name.as_deref(),
        Some("braze_endpoint")
    );
    assert_eq!(answer.json["params"][1]["has_value"], false);
    assert_eq!(answer.json["params"][0]["has_value"], true);
    assert_eq!(answer.json["label"], "Braze");

    // Setting a secret stores it but never shows it.
    let body = json!({"params": [{"name": "braze_api_key", "value": "new-secret-value"}]});
    let answer = patch(&looker, "1::braze", &token, body).await;
    assert_eq!(answer.status, 200);
    assert!(!answer.text.contains("new-secret-value"));
    assert_eq!(
        looker.integration("1::braze").expect("braze").params[0]
            .value
            .as_deref(),
        Some("new-secret-value")
    );

    // Delegate OAuth targets are writable where delegate OAuth is used.
    let body = json!({"installed_delegate_oauth_targets": ["T1", "T2"]});
    let answer = patch(&looker, "1::slack", &token, body).await;
    assert_eq!(
        answer.json["installed_delegate_oauth_targets"],
        json!(["T1", "T2"])
    );
}

#[tokio::test]
async fn patch_refuses_unknown_params_and_wrong_types_listing_each_and_changes_nothing() {
    let (looker, token) = looker_with_token().await;
    let before = looker.integration("1::twilio").expect("twilio");
    let body = json!({
        "enabled": 1,
        "params": [
            {"name": "accountSid", "value": "changed"},
            {"name": "no_such_param", "value": "x"},
            {"name": "from", "value": false}
        ]
    });
    let answer = patch(&looker, "1::twilio", &token, body).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.json["message"], "Validation Failed");
    let mut fields: Vec<&str> = answer.json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["enabled", "params[1].name", "params[2].value"]);
    assert_eq!(looker.integration("1::twilio"), Some(before));
}

#[tokio::test]
async fn test_answers_from_the_integrations_state() {
    let (looker, token) = looker_with_token().await;
    let test = || async {
        Answer::to(
            client()
                .post(format!("{}/integrations/1::marketo/test", looker.api_url()))
                .header("authorization", format!("token {token}")),
        )
        .await
        .json
    };
    let failed = test().await;
    assert_eq!(failed["success"], false);
    assert_eq!(
        failed["message"],
        "Missing required parameter(s): Client Secret."
    );
    let body = json!({"params": [{"name": "clientSecret", "value": "s"}]});
    let answer = patch(&looker, "1::marketo", &token, body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(test().await["success"], true);
    // Clearing a required value makes it fail again.
    patch(
        &looker,
        "1::marketo",
        &token,
        json!({"params": [{"name": "url", "value": ""}]}),
    )
    .await;
    assert_eq!(test().await["success"], false);
}

#[tokio::test]
async fn the_generated_client_works_against_the_fake() {
    let looker = looker_demo().await;
    let anonymous = looker_api::Client::new(&looker.api_url(), looker_api::Hooks::default());
    let token = ok(anonymous.login(&LoginRequest {
        client_id: looker.client_id().to_owned(),
        client_secret: looker.client_secret().to_owned(),
    }))
    .await;
    assert_eq!(token.expires_in, Some(3599));
    let wrong = anonymous
        .login(&LoginRequest {
            client_id: "x".into(),
            client_secret: "y".into(),
        })
        .await;
    match wrong {
        Err(looker_api::Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 404);
            assert_eq!(e.message.as_deref(), Some("Not found"));
        }
        other => panic!("expected a 404, got {other:?}"),
    }

    let auth = format!("token {}", token.access_token.unwrap_or_default());
    let http = client_with(&auth);
    let api =
        looker_api::Client::new_with_client(&looker.api_url(), http, looker_api::Hooks::default());

    let all = ok(api.all_integrations(None, Some("1"))).await;
    assert!(all.len() >= 10);
    assert!(
        all.iter()
            .all(|i| i.integration_hub_id.as_deref() == Some("1"))
    );
    let slack = ok(api.integration("1::slack", None)).await;
    assert_eq!(slack.delegate_oauth, Some(true));

    let update = IntegrationWrite {
        enabled: Some(false),
        params: vec![IntegrationParamWrite {
            name: Some("install".into()),
            value: Some("T9".into()),
            user_attribute_name: None,
        }],
        ..IntegrationWrite::default()
    };
    let updated = ok(api.update_integration("1::slack", None, &update)).await;
    assert_eq!(updated.enabled, Some(false));
    let result = ok(api.test_integration("1::slack")).await;
    assert_eq!(result.success, Some(true));
    assert_eq!(
        result.delegate_oauth_result.unwrap_or_default()[0]
            .installation_target_id
            .as_deref(),
        Some("T04ACME0001")
    );

    let bad = IntegrationWrite {
        params: vec![IntegrationParamWrite {
            name: Some("nope".into()),
            value: None,
            user_attribute_name: None,
        }],
        ..IntegrationWrite::default()
    };
    match api.update_integration("1::slack", None, &bad).await {
        Err(looker_api::Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 422);
            assert_eq!(e.errors.as_ref().map(Vec::len), Some(1));
        }
        other => panic!("expected a 422, got {other:?}"),
    }
    match api.integration("a/b", None).await {
        Err(looker_api::Error::ErrorResponse(e)) => assert_eq!(e.status().as_u16(), 404),
        other => panic!("expected a 404, got {other:?}"),
    }
    api.logout().await.expect("logout");
    assert!(api.all_integrations(None, None).await.is_err());
}
