//! The generated Torq client on the wire: the token exchange and the list, as a server sees them,
//! and realistic answers (nanosecond timestamps, an unknown sharing direction, unknown fields,
//! gRPC-status errors) decoding.

use integrations_tests::only_request;
use serde_json::json;
use torq_api::{Client, Error, Hooks, types};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(status: u16, body: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Hooks::default());
    (server, client)
}

#[tokio::test]
async fn create_token_posts_the_client_credentials_grant() {
    let (server, client) = serve(
        200,
        json!({"access_token": "eyJ.abc", "expires_in": 3600, "token_type": "Bearer"}),
    )
    .await;
    let body = types::TokenRequest {
        grant_type: types::TokenRequestGrantType::ClientCredentials,
    };
    let token = client.create_token(&body).await.unwrap();
    assert_eq!(token.access_token, "eyJ.abc");
    assert_eq!(token.expires_in, Some(3600));
    let seen = only_request(&server).await;
    assert_eq!(seen.method.as_str(), "POST");
    assert_eq!(seen.raw_path, "/v1/auth/token");
    assert_eq!(
        seen.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen.body, "grant_type=client_credentials");
}

#[tokio::test]
async fn list_integrations_filters_by_type_and_decodes_everything_torq_sends() {
    let body = json!({"integrations": [
        {
            "id": "d7639fb8-8037-4ce2-80e9-c50bc3345c5a",
            "name": "my_integration",
            "display_name": "My Integration",
            "type_id": "webhook",
            "created_at": "2022-03-09T08:40:18.490771179Z",
            "created_by": "user@torq.io",
            "last_used_at": "2022-03-09T08:40:18Z",
            "details": {"trigger": {"webhook_url": "https://hooks.torq.io/v1/webhooks/d7639fb8"}},
            "sharing_data": {"direction": "bidirectional", "workspace_ids": ["ws-1", "ws-2"]},
            "labels": ["added later"]
        },
        {"id": "0b0e9a59-4d8e-4a43-a1b4-1b6d29a3b8a2", "type_id": "webhook", "sharing_data": {}}
    ]});
    let (server, client) = serve(200, body).await;
    let list = client
        .list_integrations(Some("webhook"))
        .await
        .unwrap()
        .into_inner();
    let seen = only_request(&server).await;
    assert_eq!(seen.method.as_str(), "GET");
    assert_eq!(seen.raw_path, "/v1alpha/integrations");
    assert_eq!(seen.query.as_deref(), Some("type_id=webhook"));

    let first = &list.integrations[0];
    assert_eq!(
        first.id.unwrap().to_string(),
        "d7639fb8-8037-4ce2-80e9-c50bc3345c5a"
    );
    assert_eq!(
        first.created_at.unwrap().timestamp_subsec_nanos(),
        490_771_179
    );
    let sharing = first.sharing_data.as_ref().unwrap();
    assert_eq!(
        sharing.direction, "bidirectional",
        "an unknown direction is kept as sent"
    );
    assert_eq!(sharing.workspace_ids, ["ws-1", "ws-2"]);
    assert_eq!(
        first
            .details
            .as_ref()
            .unwrap()
            .trigger
            .as_ref()
            .unwrap()
            .webhook_url
            .as_deref(),
        Some("https://hooks.torq.io/v1/webhooks/d7639fb8")
    );
    assert_eq!(
        first.extra.get("labels"),
        Some(&json!(["added later"])),
        "unknown members are kept"
    );
    let second = &list.integrations[1];
    assert_eq!(
        second.sharing_data.as_ref().unwrap().direction,
        "not_shared",
        "the documented default"
    );
    assert_eq!(second.name, None);
}

#[tokio::test]
async fn list_integrations_without_filter_sends_no_query() {
    let (server, client) = serve(200, json!({})).await;
    assert!(
        client
            .list_integrations(None)
            .await
            .unwrap()
            .integrations
            .is_empty()
    );
    assert_eq!(only_request(&server).await.query, None);
}

#[tokio::test]
async fn errors_decode_as_grpc_status_with_any_details() {
    for status in [401, 403, 404, 500, 502] {
        let body = json!({
            "code": 16,
            "message": "invalid token",
            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "EXPIRED", "metadata": {"a": "b"}}]
        });
        let (_server, client) = serve(status, body).await;
        match client.list_integrations(None).await {
            Err(Error::ErrorResponse(rv)) => {
                assert_eq!(rv.status().as_u16(), status);
                assert_eq!(rv.code, Some(16));
                let any = &rv.details[0];
                assert_eq!(
                    any.type_.as_deref(),
                    Some("type.googleapis.com/google.rpc.ErrorInfo")
                );
                assert_eq!(any.extra.get("reason"), Some(&json!("EXPIRED")));
            }
            other => panic!("{status}: expected an rpcStatus body, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_expired_token_redirect_is_not_an_error_body() {
    // Torq answers an expired token with 302. The spec lists it, but progenitor generates match
    // arms only for 2xx, 4xx and 5xx responses, so it reaches the caller as an unexpected response
    // whose status the caller can act on.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", "https://torq.io/login"))
        .mount(&server)
        .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::new_with_client(&server.uri(), http, Hooks::default());
    match client.list_integrations(None).await {
        Err(Error::UnexpectedResponse(r)) => assert_eq!(r.status().as_u16(), 302),
        other => panic!("expected the 302 itself, got {other:?}"),
    }
}
