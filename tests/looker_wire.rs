//! The generated Looker client on the wire: every operation's request as a server sees it, and a
//! realistic answer (nulls, an unknown field, an unknown enum value) decoding.

use std::fmt::Debug;

use integrations_tests::{ODD_IDS, Seen, answering, error_body, only_request, without_nulls};
use looker_api::{Client, Error, Hooks, ResponseValue, types};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every request with `status` and `body` (none: an empty body), and a client
/// of it.
async fn serve(status: u16, body: Option<serde_json::Value>) -> (MockServer, Client) {
    let mut response = ResponseTemplate::new(status);
    if let Some(body) = body {
        response = response.set_body_json(body);
    }
    let server = answering(response).await;
    let client = Client::new(&format!("{}/api/4.0", server.uri()), Hooks::default());
    (server, client)
}

/// What `call` made of a server's answer, `status` and `body` (none: an empty body), and the only
/// request it sent; the test fails unless the answer was a success and the request the only one.
async fn exchange<T, E: Debug>(
    status: u16,
    body: Option<serde_json::Value>,
    call: impl AsyncFnOnce(&Client) -> Result<ResponseValue<T>, Error<E>>,
) -> (ResponseValue<T>, Seen) {
    let (server, client) = serve(status, body).await;
    let answer = call(&client).await.expect("a successful answer");
    (answer, only_request(&server).await)
}

/// The typed error body that `call` must get (the test fails otherwise) from a server answering
/// `status` and `body`.
async fn refusal<T: Debug, E: Debug>(
    status: u16,
    body: serde_json::Value,
    call: impl AsyncFnOnce(&Client) -> Result<ResponseValue<T>, Error<E>>,
) -> E {
    let (_server, client) = serve(status, Some(body)).await;
    error_body(call(&client).await, status)
}

/// What `key` says of each item of a list a server may leave out (none: nothing), in order,
/// passing over the items where it says nothing.
fn listed<'a, T>(
    items: &'a Option<Vec<T>>,
    key: impl Fn(&'a T) -> Option<&'a str>,
) -> Vec<&'a str> {
    items.iter().flatten().filter_map(key).collect()
}

/// An error body as Looker sends it, saying `message`.
fn looker_error(message: &str) -> serde_json::Value {
    json!({"message": message, "documentation_url": "https://cloud.google.com/looker/docs/"})
}

/// An integration as Looker sends it: every documented field, nulls where Looker sends null, a
/// format Looker added after our spec, and a field our spec does not know.
fn slack() -> serde_json::Value {
    json!({
        "can": {"show": true, "update": true},
        "id": "1::slack",
        "integration_hub_id": "1",
        "label": "Slack",
        "description": null,
        "enabled": true,
        "params": [
            {"name": "token", "label": "Bot token", "description": null, "required": true,
             "has_value": true, "value": null, "user_attribute_name": null, "sensitive": true,
             "per_user": false, "delegate_oauth_url": null},
            {"name": "channel", "label": "Channel", "description": "Where to post", "required": false,
             "has_value": true, "value": "#alerts", "user_attribute_name": "slack_channel",
             "sensitive": false, "per_user": true, "delegate_oauth_url": "https://slack.com/oauth"}
        ],
        "supported_formats": ["csv", "wysiwyg_pdf", "parquet_v2"],
        "supported_action_types": ["query", "dashboard"],
        "supported_formattings": ["formatted"],
        "supported_visualization_formattings": ["noapply"],
        "supported_download_settings": ["push", "url"],
        "icon_url": null,
        "uses_oauth": null,
        "required_fields": [{"tag": null, "any_tag": ["email"], "all_tags": null}],
        "privacy_link": "https://slack.com/privacy",
        "delegate_oauth": true,
        "installed_delegate_oauth_targets": ["T0123"],
        "added_in_a_later_release": {"x": 1}
    })
}

#[tokio::test]
async fn all_integrations_sends_its_filters_and_decodes_a_realistic_list() {
    let (list, seen) = exchange(200, Some(json!([slack()])), async |client| {
        client
            .all_integrations(Some("id,label,params"), Some("1"))
            .await
    })
    .await;
    let query = "fields=id%2Clabel%2Cparams&integration_hub_id=1";
    seen.sent("GET", "/api/4.0/integrations", Some(query));
    assert_eq!(list.len(), 1);
    let slack = &list[0];
    assert_eq!(slack.id.as_deref(), Some("1::slack"));
    assert_eq!(slack.description, None);
    assert_eq!(
        slack.supported_formats,
        ["csv", "wysiwyg_pdf", "parquet_v2"]
    );
    assert_eq!(
        slack.params[0].value, None,
        "sensitive values come back null"
    );
    assert_eq!(slack.params[0].has_value, Some(true));
    assert_eq!(
        slack.params[1].user_attribute_name.as_deref(),
        Some("slack_channel")
    );
    assert_eq!(
        slack.required_fields[0].any_tag,
        Some(vec!["email".to_owned()])
    );
    assert_eq!(slack.can.get("update"), Some(&true));
    assert_eq!(
        slack.extra.get("added_in_a_later_release"),
        Some(&json!({"x": 1})),
        "unknown members are kept"
    );
    let round_trip = serde_json::to_value(slack).unwrap();
    assert_eq!(
        round_trip,
        without_nulls(self::slack()),
        "serializing gives back everything Looker sent"
    );
}

#[tokio::test]
async fn all_integrations_without_filters_sends_no_query() {
    let (list, seen) = exchange(200, Some(json!([])), async |client| {
        client.all_integrations(None, None).await
    })
    .await;
    assert!(list.is_empty());
    seen.sent("GET", "/api/4.0/integrations", None);
}

#[tokio::test]
async fn integration_and_integration_hub_percent_encode_odd_ids() {
    for (id, encoded) in ODD_IDS {
        let (integration, seen) = exchange(200, Some(slack()), async |client| {
            client.integration(id, Some("id")).await
        })
        .await;
        let path = format!("/api/4.0/integrations/{encoded}");
        seen.sent("GET", &path, Some("fields=id"));
        let (hub, seen) = exchange(200, Some(acme_hub()), async |client| {
            client.integration_hub(id, Some("id,url")).await
        })
        .await;
        let path = format!("/api/4.0/integration_hubs/{encoded}");
        seen.sent("GET", &path, Some("fields=id%2Curl"));
        assert_eq!(
            (integration.label.as_deref(), hub.label.as_deref()),
            (Some("Slack"), Some("ACME actions")),
            "id {id:?}"
        );
    }
}

/// progenitor encodes path parameters, but a whole `..` segment is still resolved by URL parsing
/// (WHATWG treats `%2e%2e` like `..`), so the request reaches another route. Callers must refuse
/// such ids before they reach the generated client; the facade does.
#[tokio::test]
async fn dot_segment_ids_cannot_be_sent() {
    for (id, lands_on) in [("..", "/api/4.0/"), (".", "/api/4.0/integrations/")] {
        let (server, client) = serve(200, Some(json!([]))).await;
        let _ = client.integration(id, None).await;
        assert_eq!(only_request(&server).await.raw_path, lands_on, "id {id:?}");
    }
}

#[tokio::test]
async fn an_unknown_integration_or_hub_is_a_typed_404_error_body() {
    let (_server, client) = serve(404, Some(looker_error("Not found"))).await;
    let integration = error_body(client.integration("nope", None).await, 404);
    assert_eq!(integration.message.as_deref(), Some("Not found"));
    let hub = error_body(client.integration_hub("99", None).await, 404);
    assert_eq!(hub.message.as_deref(), Some("Not found"));
}

/// `client.method(args)` called, and the `message` of the typed 401 error body it must answer (the
/// test fails otherwise, on the caller's line), named after the method. A macro because the
/// operations' error types differ.
macro_rules! unauthorized {
    ($client:ident.$method:ident($($arg:expr),*)) => {
        (
            stringify!($method),
            error_body($client.$method($($arg),*).await, 401).message,
        )
    };
}

#[tokio::test]
async fn a_missing_or_expired_token_is_a_typed_401_on_every_operation_but_login() {
    let (_server, client) = serve(401, Some(looker_error("Requires authentication."))).await;
    let write = types::IntegrationWrite::default();
    let hub = types::IntegrationHubWrite::default();
    let form = Default::default();
    let messages = [
        unauthorized!(client.all_integrations(None, None)),
        unauthorized!(client.integration("1::slack", None)),
        unauthorized!(client.update_integration("1::slack", None, &write)),
        unauthorized!(client.test_integration("1::slack")),
        unauthorized!(client.logout()),
        unauthorized!(client.all_integration_hubs(None)),
        unauthorized!(client.create_integration_hub(None, &hub)),
        unauthorized!(client.integration_hub("1", None)),
        unauthorized!(client.update_integration_hub("1", None, &hub)),
        unauthorized!(client.delete_integration_hub("1")),
        unauthorized!(client.get_integration_hub_health("1", None)),
        unauthorized!(client.accept_integration_hub_legal_agreement("1")),
        unauthorized!(client.fetch_integration_form("1::slack", &form)),
    ];
    for (operation, message) in messages {
        assert_eq!(
            message.as_deref(),
            Some("Requires authentication."),
            "{operation}"
        );
    }
}

#[tokio::test]
async fn update_integration_sends_json_and_decodes_the_result() {
    let body = types::IntegrationWrite {
        enabled: Some(false),
        params: vec![types::IntegrationParamWrite {
            name: Some("channel".into()),
            value: Some(String::new()),
            ..Default::default()
        }],
        ..Default::default()
    };
    let (updated, seen) = exchange(200, Some(slack()), async |client| {
        client
            .update_integration("a/b", Some("id,enabled"), &body)
            .await
    })
    .await;
    assert_eq!(updated.enabled, Some(true));
    let path = "/api/4.0/integrations/a%2Fb";
    let seen = seen.sent("PATCH", path, Some("fields=id%2Cenabled"));
    assert_eq!(
        seen.json_body(),
        json!({"enabled": false, "params": [{"name": "channel", "value": ""}]})
    );
}

/// The JSON body `update_integration` sends for `body`.
async fn sent_update(body: &types::IntegrationWrite) -> serde_json::Value {
    let (_, seen) = exchange(200, Some(slack()), async |client| {
        client.update_integration("1::slack", None, body).await
    })
    .await;
    seen.json_body()
}

#[tokio::test]
async fn installed_delegate_oauth_targets_can_be_emptied_left_out_or_set() {
    let with_targets = |targets: Option<Vec<String>>| types::IntegrationWrite {
        installed_delegate_oauth_targets: targets,
        ..Default::default()
    };
    assert_eq!(
        sent_update(&with_targets(Some(vec![]))).await,
        json!({"installed_delegate_oauth_targets": []}),
        "an empty list clears the targets"
    );
    assert_eq!(
        sent_update(&with_targets(None)).await,
        json!({}),
        "no list leaves them"
    );
    assert_eq!(
        sent_update(&with_targets(Some(vec!["T0123".into()]))).await,
        json!({"installed_delegate_oauth_targets": ["T0123"]})
    );
}

#[tokio::test]
async fn user_attribute_name_can_be_null_left_out_or_set() {
    let with_attribute = |attribute: Option<types::IntegrationParamWriteUserAttributeName>| {
        types::IntegrationWrite {
            params: vec![types::IntegrationParamWrite {
                name: Some("channel".into()),
                user_attribute_name: attribute,
                ..Default::default()
            }],
            ..Default::default()
        }
    };
    assert_eq!(
        sent_update(&with_attribute(Some(
            types::IntegrationParamWriteUserAttributeName(None)
        )))
        .await,
        json!({"params": [{"name": "channel", "user_attribute_name": null}]}),
        "null unbinds the user attribute"
    );
    assert_eq!(
        sent_update(&with_attribute(None)).await,
        json!({"params": [{"name": "channel"}]}),
        "absent leaves the binding"
    );
    assert_eq!(
        sent_update(&with_attribute(Some(
            Some("slack_channel".to_owned()).into()
        )))
        .await,
        json!({"params": [{"name": "channel", "user_attribute_name": "slack_channel"}]})
    );
    // The value keeps its type: a write model refuses anything but a string or null.
    let wrong = serde_json::from_value::<types::IntegrationParamWrite>(
        json!({"name": "channel", "user_attribute_name": 7}),
    );
    assert!(wrong.is_err(), "{wrong:?}");
}

#[tokio::test]
async fn update_integration_validation_error_lists_each_field() {
    let body = json!({
        "message": "Validation Failed",
        "errors": [
            {"field": "params[0].name", "code": "invalid", "message": "unknown param", "documentation_url": null},
            {"field": "enabled", "code": "invalid", "message": "must be a boolean", "documentation_url": null}
        ],
        "documentation_url": "https://cloud.google.com/looker/docs/"
    });
    let write = types::IntegrationWrite::default();
    let error = refusal(422, body, async |client| {
        client.update_integration("slack", None, &write).await
    })
    .await;
    let fields = listed(&error.errors, |e| e.field.as_deref());
    assert_eq!(fields, ["params[0].name", "enabled"]);
}

#[tokio::test]
async fn test_integration_posts_and_decodes_delegate_results() {
    let body = json!({
        "success": false,
        "message": "Param token has no value",
        "delegate_oauth_result": [
            {"name": "Acme workspace", "installation_target_id": "T0123", "installation_id": "I9", "success": true}
        ]
    });
    let (result, seen) = exchange(200, Some(body), async |client| {
        client.test_integration("1::slack").await
    })
    .await;
    assert_eq!(result.success, Some(false));
    assert_eq!(
        result.delegate_oauth_result.as_ref().unwrap()[0]
            .installation_target_id
            .as_deref(),
        Some("T0123")
    );
    seen.sent_nothing("POST", "/api/4.0/integrations/1::slack/test");
}

#[tokio::test]
async fn login_posts_a_form_and_decodes_a_token_without_refresh_token() {
    let answer = json!({"access_token": "tok-123", "token_type": "Bearer", "expires_in": 3599});
    let body = types::LoginRequest {
        client_id: "id 1".into(),
        client_secret: "s&cret=".into(),
    };
    let (token, seen) = exchange(200, Some(answer), async |client| client.login(&body).await).await;
    assert_eq!(token.expires_in, Some(3599));
    assert_eq!(token.refresh_token, None);
    assert_eq!(seen.query, None, "credentials never travel in the URL");
    let seen = seen.sent("POST", "/api/4.0/login", None);
    assert_eq!(
        seen.body_as("application/x-www-form-urlencoded"),
        "client_id=id+1&client_secret=s%26cret%3D"
    );
}

#[tokio::test]
async fn logout_accepts_an_empty_204() {
    let (rv, seen) = exchange(204, None, async |client| client.logout().await).await;
    assert_eq!(rv.status().as_u16(), 204);
    seen.sent("DELETE", "/api/4.0/logout", None);
}

#[tokio::test]
async fn a_transport_prepares_and_sees_every_request_with_its_operation() {
    #[derive(Debug, Default)]
    struct Recorder {
        seen: std::sync::Mutex<Vec<&'static str>>,
        refuse: std::sync::atomic::AtomicBool,
    }
    impl api_hooks::Transport for Recorder {
        fn prepare<'a>(
            &'a self,
            request: &'a mut reqwest::Request,
            _operation_id: &'static str,
        ) -> api_hooks::PrepareFuture<'a> {
            Box::pin(async move {
                if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
                    return Err(api_hooks::PrepareError::new("no credentials"));
                }
                request.headers_mut().insert(
                    "authorization",
                    reqwest::header::HeaderValue::from_static("token t"),
                );
                Ok(())
            })
        }

        fn execute<'a>(
            &'a self,
            client: &'a reqwest::Client,
            request: reqwest::Request,
            operation_id: &'static str,
        ) -> api_hooks::ResponseFuture<'a> {
            self.seen.lock().unwrap().push(operation_id);
            Box::pin(client.execute(request))
        }
    }
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::header("authorization", "token t"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let recorder = std::sync::Arc::new(Recorder::default());
    let client = Client::new(&server.uri(), Hooks::new(recorder.clone()));
    client.all_integrations(None, None).await.unwrap();
    assert_eq!(*recorder.seen.lock().unwrap(), ["all_integrations"]);

    // A failed preparation ends the call before anything is sent.
    recorder
        .refuse
        .store(true, std::sync::atomic::Ordering::SeqCst);
    match client.all_integrations(None, None).await {
        Err(looker_api::Error::Custom(message)) => assert_eq!(message, "no credentials"),
        other => panic!("expected the preparation's error, got {other:?}"),
    }
    assert_eq!(*recorder.seen.lock().unwrap(), ["all_integrations"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// An integration hub as Looker sends it: every documented field but the write-only
/// `authorization_token` (Looker never returns it; `has_authorization_token` says one is set),
/// nulls where Looker sends null, and a field our spec does not know.
fn acme_hub() -> serde_json::Value {
    json!({
        "can": {"show": true, "update": true, "destroy": true},
        "id": "2",
        "url": "https://actions.acme.example/",
        "label": "ACME actions",
        "official": false,
        "fetch_error_message": null,
        "has_authorization_token": true,
        "legal_agreement_signed": false,
        "legal_agreement_required": true,
        "legal_agreement_text": "Use at your own risk.",
        "added_in_a_later_release": [1]
    })
}

#[tokio::test]
async fn all_integration_hubs_sends_fields_and_decodes_hubs_without_their_token() {
    let official = json!({"id": "1", "url": "https://actions.looker.com/", "label": "Looker Action Hub",
        "official": true, "fetch_error_message": null, "has_authorization_token": false,
        "legal_agreement_signed": true, "legal_agreement_required": false, "legal_agreement_text": null});
    let (hubs, seen) = exchange(200, Some(json!([official, acme_hub()])), async |client| {
        client
            .all_integration_hubs(Some("id,label,has_authorization_token"))
            .await
    })
    .await;
    let query = "fields=id%2Clabel%2Chas_authorization_token";
    seen.sent("GET", "/api/4.0/integration_hubs", Some(query));
    assert_eq!(hubs.len(), 2);
    assert_eq!(hubs[0].official, Some(true));
    assert_eq!(hubs[0].has_authorization_token, Some(false));
    assert!(hubs[0].can.is_empty(), "`can` may be left out");
    let acme = &hubs[1];
    assert_eq!(acme.id.as_deref(), Some("2"));
    assert_eq!(acme.label.as_deref(), Some("ACME actions"));
    assert_eq!(acme.url.as_deref(), Some("https://actions.acme.example/"));
    assert_eq!(acme.has_authorization_token, Some(true));
    assert_eq!(acme.fetch_error_message, None);
    assert_eq!(acme.legal_agreement_required, Some(true));
    assert_eq!(acme.can.get("destroy"), Some(&true));
    assert_eq!(
        acme.extra.get("added_in_a_later_release"),
        Some(&json!([1])),
        "unknown members are kept"
    );
    let round_trip = serde_json::to_value(acme).unwrap();
    assert_eq!(round_trip, without_nulls(acme_hub()));
    assert!(
        round_trip.get("authorization_token").is_none(),
        "{round_trip}"
    );
}

/// The read model has no `authorization_token` field: a server that sends one anyway (a proxy, a
/// mock) leaves it in `extra`, where the facade scrubs secret-bearing members, never in a typed
/// field.
#[tokio::test]
async fn a_hub_token_a_server_slips_in_is_not_a_field_of_the_read_model() {
    let mut hub = acme_hub();
    hub["authorization_token"] = json!("leaked");
    let (got, _) = exchange(200, Some(hub), async |client| {
        client.integration_hub("2", None).await
    })
    .await;
    assert_eq!(got.has_authorization_token, Some(true));
    assert_eq!(got.extra.get("authorization_token"), Some(&json!("leaked")));
}

#[tokio::test]
async fn create_integration_hub_sends_the_write_model_as_json() {
    let body = types::IntegrationHubWrite {
        url: Some("https://actions.acme.example/".into()),
        authorization_token: Some("s3cret".into()),
    };
    let (created, seen) = exchange(200, Some(acme_hub()), async |client| {
        let fields = Some("id,has_authorization_token");
        client.create_integration_hub(fields, &body).await
    })
    .await;
    assert_eq!(created.id.as_deref(), Some("2"));
    assert_eq!(created.has_authorization_token, Some(true));
    let query = "fields=id%2Chas_authorization_token";
    let seen = seen.sent("POST", "/api/4.0/integration_hubs", Some(query));
    assert_eq!(
        seen.json_body(),
        json!({"url": "https://actions.acme.example/", "authorization_token": "s3cret"}),
        "the write-only token is sent; nothing read-only can be"
    );
}

#[tokio::test]
async fn create_integration_hub_conflict_and_validation_errors_are_typed() {
    let body = types::IntegrationHubWrite {
        url: Some("https://actions.acme.example/".into()),
        ..Default::default()
    };
    let create = async |client: &Client| client.create_integration_hub(None, &body).await;
    let conflict = json!({"message": "Integration Hub already exists", "documentation_url": null});
    let error = refusal(409, conflict, create).await;
    assert_eq!(
        error.message.as_deref(),
        Some("Integration Hub already exists")
    );
    let invalid = json!({"message": "Validation Failed", "documentation_url": null,
        "errors": [{"field": "url", "code": "invalid", "message": "is not a URL", "documentation_url": null}]});
    let error = refusal(422, invalid, create).await;
    assert_eq!(error.errors.unwrap()[0].field.as_deref(), Some("url"));
}

#[tokio::test]
async fn update_integration_hub_patches_only_what_is_set() {
    let body = types::IntegrationHubWrite {
        authorization_token: Some("rotated".into()),
        ..Default::default()
    };
    let (updated, seen) = exchange(200, Some(acme_hub()), async |client| {
        let fields = Some("has_authorization_token");
        client.update_integration_hub("a/b", fields, &body).await
    })
    .await;
    let path = "/api/4.0/integration_hubs/a%2Fb";
    let seen = seen.sent("PATCH", path, Some("fields=has_authorization_token"));
    assert_eq!(seen.json_body(), json!({"authorization_token": "rotated"}));
    assert_eq!(updated.has_authorization_token, Some(true));
}

#[tokio::test]
async fn delete_integration_hub_accepts_an_empty_204() {
    let (rv, seen) = exchange(204, None, async |client| {
        client.delete_integration_hub("50% off é").await
    })
    .await;
    assert_eq!(rv.status().as_u16(), 204);
    let path = "/api/4.0/integration_hubs/50%25%20off%20%C3%A9";
    seen.sent_nothing("DELETE", path);
}

#[tokio::test]
async fn get_integration_hub_health_sends_fields_and_decodes_the_result() {
    let answer = json!({"success": false, "message": "Connection refused", "checked_from": "eu"});
    let (health, seen) = exchange(200, Some(answer), async |client| {
        client
            .get_integration_hub_health("a b", Some("success,message"))
            .await
    })
    .await;
    assert_eq!(health.success, Some(false));
    assert_eq!(health.message.as_deref(), Some("Connection refused"));
    assert_eq!(health.extra.get("checked_from"), Some(&json!("eu")));
    let path = "/api/4.0/integration_hubs/a%20b/health";
    seen.sent("GET", path, Some("fields=success%2Cmessage"));
}

#[tokio::test]
async fn accept_integration_hub_legal_agreement_posts_no_body_and_decodes_the_hub() {
    let mut signed = acme_hub();
    signed["legal_agreement_signed"] = json!(true);
    let (hub, seen) = exchange(200, Some(signed), async |client| {
        client.accept_integration_hub_legal_agreement("a/b").await
    })
    .await;
    assert_eq!(hub.legal_agreement_signed, Some(true));
    let path = "/api/4.0/integration_hubs/a%2Fb/accept_legal_agreement";
    seen.sent_nothing("POST", path);
}

#[tokio::test]
async fn accept_integration_hub_legal_agreement_validation_error_is_typed() {
    let body = json!({"message": "No legal agreement to accept", "documentation_url": null, "errors": null});
    let error = refusal(422, body, async |client| {
        client.accept_integration_hub_legal_agreement("1").await
    })
    .await;
    assert_eq!(
        error.message.as_deref(),
        Some("No legal agreement to accept")
    );
    assert_eq!(error.errors, None);
}

/// A form as an integration's hub answers it: a select with options, an OAuth link, nulls, and
/// members our spec does not know.
fn slack_form() -> serde_json::Value {
    json!({
        "state": {"data": "{\"token\":\"opaque\"}", "refresh_time": 3600},
        "fields": [
            {"name": "channel", "label": "Channel", "description": null, "type": "select",
             "default": "#alerts", "oauth_url": null, "interactive": true, "required": true,
             "options": [{"name": "#alerts", "label": "alerts"}, {"name": "#ops", "label": "ops"}]},
            {"name": "login", "label": "Sign in to Slack", "description": "Connect your account",
             "type": "oauth_link", "default": null, "oauth_url": "https://slack.com/oauth/v2/authorize",
             "interactive": false, "required": false, "options": null, "sensitive_hint": "none"}
        ],
        "submit_label": "Send"
    })
}

#[tokio::test]
async fn fetch_integration_form_posts_a_json_map_and_decodes_the_form() {
    let values = [
        ("channel".to_owned(), "#alerts".to_owned()),
        ("note".to_owned(), "a \"quoted\" é".to_owned()),
    ]
    .into_iter()
    .collect();
    let (form, seen) = exchange(200, Some(slack_form()), async |client| {
        client.fetch_integration_form("1::slack/x", &values).await
    })
    .await;
    let path = "/api/4.0/integrations/1::slack%2Fx/form";
    let seen = seen.sent("POST", path, None);
    assert_eq!(
        seen.json_body(),
        json!({"channel": "#alerts", "note": "a \"quoted\" é"})
    );

    let state = form.state.as_ref().unwrap();
    assert_eq!(state.refresh_time, Some(3600));
    assert_eq!(state.data.as_deref(), Some("{\"token\":\"opaque\"}"));
    let fields = form.fields.as_ref().unwrap();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].type_.as_deref(), Some("select"));
    assert_eq!(fields[0].interactive, Some(true));
    let options = listed(&fields[0].options, |o| o.name.as_deref());
    assert_eq!(options, ["#alerts", "#ops"]);
    assert_eq!(
        fields[1].oauth_url.as_deref(),
        Some("https://slack.com/oauth/v2/authorize")
    );
    assert_eq!(fields[1].options, None);
    assert_eq!(
        fields[1].extra.get("sensitive_hint"),
        Some(&json!("none")),
        "unknown members are kept"
    );
    assert_eq!(
        serde_json::to_value(form.into_inner()).unwrap(),
        without_nulls(slack_form()),
        "serializing gives back everything the hub sent"
    );
}

/// Looker does not require a body here, but the generated method always sends one: an empty map
/// sends `{}`.
#[tokio::test]
async fn fetch_integration_form_with_no_values_sends_an_empty_object() {
    let (form, seen) = exchange(200, Some(json!({"fields": []})), async |client| {
        client
            .fetch_integration_form("1::slack", &Default::default())
            .await
    })
    .await;
    assert_eq!(form.fields, Some(vec![]));
    assert_eq!(form.state, None);
    assert_eq!(seen.body_as("application/json"), "{}");
}

#[tokio::test]
async fn fetch_integration_form_validation_error_is_typed() {
    let body = json!({"message": "Validation Failed", "documentation_url": null,
        "errors": [{"field": "channel", "code": "missing", "message": "required", "documentation_url": null}]});
    let error = refusal(422, body, async |client| {
        client
            .fetch_integration_form("1::slack", &Default::default())
            .await
    })
    .await;
    assert_eq!(error.errors.unwrap()[0].code.as_deref(), Some("missing"));
}
