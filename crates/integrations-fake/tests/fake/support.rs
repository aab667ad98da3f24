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

/// The login request of the Looker fake, with its API key as a form.
pub fn looker_login(looker: &LookerFake) -> reqwest::RequestBuilder {
    client().post(format!("{}/login", looker.api_url())).form(&[
        ("client_id", looker.client_id()),
        ("client_secret", looker.client_secret()),
    ])
}

/// A request to the Torq fake's token endpoint with its API key in HTTP Basic, no body yet.
pub fn torq_basic(torq: &TorqFake) -> reqwest::RequestBuilder {
    client()
        .post(torq.token_url())
        .basic_auth(torq.client_id(), Some(torq.client_secret()))
}

/// The token request of the Torq fake: [`torq_basic`] with the client-credentials grant.
pub fn torq_token_request(torq: &TorqFake) -> reqwest::RequestBuilder {
    torq_basic(torq).form(&[("grant_type", "client_credentials")])
}

/// The access token the answer to `login` carries; fails unless it is a 200.
async fn access_token(login: reqwest::RequestBuilder) -> String {
    let answer = Answer::to(login).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

/// Logs in to the Looker fake; returns the access token.
pub async fn looker_token(looker: &LookerFake) -> String {
    access_token(looker_login(looker)).await
}

/// Gets a bearer token from the Torq fake.
pub async fn torq_token(torq: &TorqFake) -> String {
    access_token(torq_token_request(torq)).await
}
