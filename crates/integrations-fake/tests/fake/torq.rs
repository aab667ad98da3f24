//! The Torq fake behaves like Torq: client-credentials tokens, 401 for an unknown token and 302
//! for an expired one, the `type_id` filter, the optional rate limit, and the generated client
//! against it.

use base64::Engine;
use integrations_fake::TorqSeed;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn the_token_endpoint_takes_basic_credentials_and_client_credentials_grant() {
    let torq = torq_demo().await;
    let http = client();
    let answer = Answer::to(
        torq_basic(&torq)
            .header("accept", "application/json")
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["expires_in"], 3600);
    assert_eq!(answer.json["token_type"], "Bearer");
    assert!(
        answer.json["access_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 32)
    );
    assert_eq!(
        torq.last_request_body("create_token"),
        Some(json!({"grant_type": "client_credentials"}))
    );

    // client_secret_post works too.
    let answer = Answer::to(http.post(torq.token_url()).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", torq.client_id()),
        ("client_secret", torq.client_secret()),
    ]))
    .await;
    assert_eq!(answer.status, 200);

    let wrong = Answer::to(
        http.post(torq.token_url())
            .basic_auth("someone", Some("else"))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.json,
        json!({"error": "invalid_client", "error_description": "invalid client credentials"})
    );
    assert_eq!(wrong.headers["www-authenticate"], "Basic realm=\"torq\"");
    // No credentials, no grant type, another grant.
    let grant = [("grant_type", "client_credentials")];
    let password = [("grant_type", "password")];
    for (request, status, error) in [
        (
            http.post(torq.token_url()).form(&grant),
            401,
            "invalid_client",
        ),
        (torq_basic(&torq), 400, "invalid_request"),
        (
            torq_basic(&torq).form(&password),
            400,
            "unsupported_grant_type",
        ),
    ] {
        let answer = Answer::to(request).await;
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (status, Some(error))
        );
    }
    let control = torq.control();
    assert_eq!((control.logins(), control.requests("create_token")), (2, 6));
}

#[tokio::test]
async fn an_unknown_token_gets_401_and_an_expired_one_302() {
    let torq = torq_demo().await;
    let token = torq_token(&torq).await;
    let bearer = format!("Bearer {token}");
    assert_eq!(torq_list(&torq, "", &bearer).await.status, 200);
    for auth in [
        "",
        "Bearer nope",
        &format!("token {token}"),
        &format!("Basic {token}"),
    ] {
        let answer = torq_list(&torq, "", auth).await;
        assert_eq!(answer.status, 401, "{auth}");
        assert_eq!(answer.json["code"], 16);
    }

    torq.control().expire_all_tokens();
    let answer = torq_list(&torq, "", &bearer).await;
    assert_eq!(answer.status, 302);
    assert!(
        answer.headers.get("location").is_none(),
        "nothing to follow"
    );
    assert_eq!(answer.json["message"], "token expired");

    // A new token works; one born expired gets 302 at once.
    for (lifetime, status) in [(3600, 200), (0, 302)] {
        torq.set_token_lifetime(lifetime);
        let auth = torq_auth(&torq).await;
        assert_eq!(torq_list(&torq, "", &auth).await.status, status);
    }
}

#[tokio::test]
async fn the_list_filters_by_type_id() {
    let torq = torq_demo().await;
    let bearer = torq_auth(&torq).await;
    let all = torq_list(&torq, "", &bearer).await.json;
    assert_eq!(
        all["integrations"].as_array().map(Vec::len),
        Some(TorqSeed::demo().integrations.len())
    );
    let webhooks = torq_list(&torq, "?type_id=webhook", &bearer).await.json;
    let webhooks = webhooks["integrations"].as_array().expect("a list");
    assert_eq!(webhooks.len(), 2);
    assert!(webhooks.iter().all(|i| i["type_id"] == "webhook"));
    assert!(
        webhooks
            .iter()
            .all(|i| i["details"]["trigger"]["webhook_url"].as_str().is_some())
    );
    let none = torq_list(&torq, "?type_id=unheard_of", &bearer).await.json;
    assert_eq!(none, json!({"integrations": []}));
}

#[tokio::test]
async fn the_rate_limit_refuses_requests_past_the_limit_when_set() {
    let torq = torq_demo().await;
    let bearer = torq_auth(&torq).await;
    torq.set_rate_limit(Some(5));
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let answer = torq_list(&torq, "", &bearer).await;
        if answer.status == 429 {
            assert_eq!(answer.json["code"], 8);
            assert!(answer.headers.get("retry-after").is_none());
        }
        statuses.push(answer.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        3,
        "{statuses:?}"
    );
    torq.set_rate_limit(None);
    assert_eq!(torq_list(&torq, "", &bearer).await.status, 200);
}

#[tokio::test]
async fn the_generated_client_works_against_the_fake() {
    let torq = torq_demo().await;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        torq.client_id(),
        torq.client_secret()
    ));
    let auth_http = client_with(&format!("Basic {credentials}"));
    let auth =
        torq_api::Client::new_with_client(&torq.auth_url(), auth_http, torq_api::Hooks::default());
    let token = ok(auth.create_token(&torq_api::types::TokenRequest {
        grant_type: torq_api::types::TokenRequestGrantType::ClientCredentials,
    }))
    .await;
    assert_eq!(token.expires_in, Some(3600));
    // Without credentials, the refusal decodes as the OAuth 2.0 error the spec documents.
    let anonymous = torq_api::Client::new(&torq.auth_url(), torq_api::Hooks::default());
    match anonymous
        .create_token(&torq_api::types::TokenRequest {
            grant_type: torq_api::types::TokenRequestGrantType::ClientCredentials,
        })
        .await
    {
        Err(torq_api::Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 401);
            assert_eq!(e.error, "invalid_client");
            assert_eq!(
                e.error_description.as_deref(),
                Some("client credentials are required")
            );
        }
        other => panic!("expected an OAuth error, got {other:?}"),
    }

    let http = client_with(&format!("Bearer {}", token.access_token));
    let api = torq_api::Client::new_with_client(&torq.base_url(), http, torq_api::Hooks::default());
    let listed = ok(api.list_integrations(None)).await;
    assert_eq!(listed.integrations, torq.integrations());
    let typed = ok(api.list_integrations(Some("slack"))).await;
    assert_eq!(typed.integrations.len(), 1);
    let id = typed.integrations[0].id.expect("an id").to_string();
    assert_eq!(
        torq.integration(&id.to_uppercase()),
        Some(typed.integrations[0].clone())
    );

    torq.control().fail_next("list_integrations", 1, 503, None);
    match api.list_integrations(None).await {
        Err(torq_api::Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 503);
            assert_eq!(e.code, Some(14));
        }
        other => panic!("expected a 503, got {other:?}"),
    }
}
