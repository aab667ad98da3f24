//! Helpers shared by the tests: an HTTP client that shows every answer as it came, logins, and
//! reading a body.

use std::time::Duration;

use integrations_fake::{LookerFake, TorqFake};
use serde_json::Value;

/// A client that follows no redirect (Torq's 302 means "token expired") and gives up quickly.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a client")
}

/// A status and the body as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    /// Reads `response` whole.
    pub async fn of(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            text,
            json,
        }
    }

    /// The answer to `request`.
    pub async fn to(request: reqwest::RequestBuilder) -> Self {
        Self::of(request.send().await.expect("an answer")).await
    }
}

/// Logs in to the Looker fake; returns the access token.
pub async fn looker_token(looker: &LookerFake) -> String {
    let answer = Answer::to(client().post(format!("{}/login", looker.api_url())).form(&[
        ("client_id", looker.client_id()),
        ("client_secret", looker.client_secret()),
    ]))
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

/// Gets a bearer token from the Torq fake.
pub async fn torq_token(torq: &TorqFake) -> String {
    let answer = Answer::to(
        client()
            .post(torq.token_url())
            .basic_auth(torq.client_id(), Some(torq.client_secret()))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}
