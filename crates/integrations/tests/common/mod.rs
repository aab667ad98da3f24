//! Providers on the fake servers, for the facade's end-to-end tests.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use integrations::{LookerConfig, LookerProvider, RetryConfig, TorqConfig, TorqProvider};
use integrations_fake::{LookerFake, TorqFake};

/// A retry budget with short waits, so that tests run fast.
pub fn fast_retry(max_attempts: usize) -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(10))
        .with_max_retry_after(Duration::from_secs(3))
        .with_deadline(Duration::from_secs(20))
}

pub fn looker_config(fake: &LookerFake) -> LookerConfig {
    LookerConfig::new()
        .with_base_url(fake.base_url())
        .with_client_id(fake.client_id())
        .with_client_secret(fake.client_secret())
        .with_retry(fast_retry(4))
}

pub fn looker(fake: &LookerFake) -> LookerProvider {
    looker_config(fake).build().expect("looker provider")
}

pub fn torq_config(fake: &TorqFake) -> TorqConfig {
    TorqConfig::new()
        .with_base_url(fake.base_url())
        .with_auth_url(fake.auth_url())
        .with_client_id(fake.client_id())
        .with_client_secret(fake.client_secret())
        .with_retry(fast_retry(4))
        .with_requests_per_second(10_000)
}

pub fn torq(fake: &TorqFake) -> TorqProvider {
    torq_config(fake).build().expect("torq provider")
}

/// Everything a tracing subscriber writes, captured for assertions.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Captures every event at `level` and above of the current thread until the guard drops.
    pub fn install(&self, level: tracing::Level) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// What a fake sent on the wire for one request: status, `Content-Type` and body bytes.
#[derive(Clone, Debug)]
pub struct Wire {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

async fn wire(response: reqwest::Response) -> Wire {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.expect("a body").to_vec();
    Wire {
        status,
        content_type,
        body,
    }
}

/// The Looker fake's own answer to `POST /login` with its API key (this grants a token).
pub async fn looker_login_wire(fake: &LookerFake) -> Wire {
    let form = [
        ("client_id", fake.client_id()),
        ("client_secret", fake.client_secret()),
    ];
    let response = reqwest::Client::new()
        .post(format!("{}/login", fake.api_url()))
        .form(&form)
        .send()
        .await
        .expect("login");
    wire(response).await
}

/// The Looker fake's own answer to `method path` (e.g. `GET /integrations`), with a token of
/// its own and `body` as JSON when given: bytes as the facade would read them.
pub async fn looker_wire(
    fake: &LookerFake,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Wire {
    let login: serde_json::Value =
        serde_json::from_slice(&looker_login_wire(fake).await.body).expect("a login answer");
    let token = login["access_token"].as_str().expect("a token").to_owned();
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.api_url()))
        .header("Authorization", format!("token {token}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    wire(request.send().await.expect("a request")).await
}

/// The Torq fake's own answer to its token request (this grants a token).
pub async fn torq_token_wire(fake: &TorqFake) -> Wire {
    let response = reqwest::Client::new()
        .post(fake.token_url())
        .basic_auth(fake.client_id(), Some(fake.client_secret()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token");
    wire(response).await
}

/// The Torq fake's own answer to `GET /v1alpha/integrations`, with a token of its own.
pub async fn torq_list_wire(fake: &TorqFake) -> Wire {
    let token: serde_json::Value =
        serde_json::from_slice(&torq_token_wire(fake).await.body).expect("a token answer");
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let response = reqwest::Client::new()
        .get(format!("{}/v1alpha/integrations", fake.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("a list");
    wire(response).await
}
