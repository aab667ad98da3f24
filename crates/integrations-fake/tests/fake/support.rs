//! Helpers shared by the tests: an HTTP client that shows every answer as it came, logins, and
//! reading a body.

use std::time::Duration;

use integrations_fake::{LookerFake, LookerSeed, TorqFake, TorqSeed};
use serde_json::Value;

/// A client that follows no redirect (Torq's 302 means "token expired") and gives up quickly.
pub fn client() -> reqwest::Client {
    builder().build().expect("a client")
}

/// [`client`], sending `authorization` with every request.
pub fn client_with(authorization: &str) -> reqwest::Client {
    let value = reqwest::header::HeaderValue::from_str(authorization).expect("a header value");
    let headers = reqwest::header::HeaderMap::from_iter([(reqwest::header::AUTHORIZATION, value)]);
    builder()
        .default_headers(headers)
        .build()
        .expect("a client")
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
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

/// A Looker fake with the demo data.
pub async fn looker_demo() -> LookerFake {
    LookerFake::start(LookerSeed::demo())
        .await
        .expect("started")
}

/// A Looker fake with the demo data, and a token it granted.
pub async fn looker_with_token() -> (LookerFake, String) {
    let looker = looker_demo().await;
    let token = looker_token(&looker).await;
    (looker, token)
}

/// A Looker fake with the demo data, and the `Authorization` of a login to it.
pub async fn looker_with_auth() -> (LookerFake, String) {
    let looker = looker_demo().await;
    let auth = looker_auth(&looker).await;
    (looker, auth)
}

/// A Torq fake with the demo data.
pub async fn torq_demo() -> TorqFake {
    TorqFake::start(TorqSeed::demo()).await.expect("started")
}

/// The answer to `GET` `path` (under the API URL) of the Looker fake, with `auth`.
pub async fn looker_get(looker: &LookerFake, path: &str, auth: &str) -> Answer {
    Answer::to(
        client()
            .get(format!("{}{path}", looker.api_url()))
            .header("authorization", auth),
    )
    .await
}

/// The answer to `list_integrations` of the Torq fake, with `query` and `auth`.
pub async fn torq_list(torq: &TorqFake, query: &str, auth: &str) -> Answer {
    let url = format!("{}/v1alpha/integrations{query}", torq.base_url());
    Answer::to(client().get(url).header("authorization", auth)).await
}

/// The `Authorization` of a fresh login to the Looker fake: `token …`.
pub async fn looker_auth(looker: &LookerFake) -> String {
    format!("token {}", looker_token(looker).await)
}

/// The `Authorization` of a fresh token of the Torq fake: `Bearer …`.
pub async fn torq_auth(torq: &TorqFake) -> String {
    format!("Bearer {}", torq_token(torq).await)
}

/// What a call of a generated client gives, when it must succeed.
pub async fn ok<T, E: std::fmt::Debug>(
    call: impl Future<Output = Result<looker_api::ResponseValue<T>, E>>,
) -> T {
    call.await.expect("the call succeeds").into_inner()
}
