//! Providers on the fake servers, for the facade's end-to-end tests.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use integrations::{
    Error, IntegrationId, IntegrationPatch, IntegrationProvider, ListFilter, Listing, LookerConfig,
    LookerProvider, Operation, RetryConfig, TorqConfig, TorqProvider, Vendor,
};
use integrations_fake::{Control, FakeServers, LookerFake, RawAnswer, TorqFake};

/// Fails unless `outcome` matches the pattern (and its guard), showing what it was instead.
/// Anything after the pattern is a format string and its arguments naming the case, e.g.
/// `assert_matches!(list().await, Err(Error::Server { status: 503, .. }), "looker {what}")`.
#[allow(unused_macros)]
macro_rules! assert_matches {
    ($outcome:expr, $pattern:pat $(if $guard:expr)? $(,)?) => {
        match $outcome {
            $pattern $(if $guard)? => {}
            other => panic!(
                "expected {}, got {other:?}",
                stringify!($pattern $(if $guard)?)
            ),
        }
    };
    ($outcome:expr, $pattern:pat $(if $guard:expr)?, $($case:tt)+) => {
        match $outcome {
            $pattern $(if $guard)? => {}
            other => panic!(
                "{}: expected {}, got {other:?}",
                format_args!($($case)+),
                stringify!($pattern $(if $guard)?)
            ),
        }
    };
}
#[allow(unused_imports)]
pub(crate) use assert_matches;

/// A retry budget with short waits, so that tests run fast.
pub fn fast_retry(max_attempts: usize) -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(10))
        .with_max_retry_after(Duration::from_secs(3))
        .with_deadline(Duration::from_secs(20))
}

/// The configuration of a Looker provider on `fake`, with [`fast_retry`]`(4)`.
pub fn looker_config(fake: &LookerFake) -> LookerConfig {
    LookerConfig::new()
        .with_base_url(fake.base_url())
        .with_client_id(fake.client_id())
        .with_client_secret(fake.client_secret())
        .with_retry(fast_retry(4))
}

/// A Looker provider on `fake`, as [`looker_config`] has it.
pub fn looker(fake: &LookerFake) -> LookerProvider {
    looker_with(fake, |config| config)
}

/// A Looker provider on `fake`, [`looker_config`] changed by `adjust` (e.g.
/// `|c| c.with_name("prod")`).
pub fn looker_with(
    fake: &LookerFake,
    adjust: impl FnOnce(LookerConfig) -> LookerConfig,
) -> LookerProvider {
    adjust(looker_config(fake))
        .build()
        .expect("looker provider")
}

/// The configuration of a Torq provider on `fake`, with [`fast_retry`]`(4)` and no pacing to
/// speak of.
pub fn torq_config(fake: &TorqFake) -> TorqConfig {
    TorqConfig::new()
        .with_base_url(fake.base_url())
        .with_auth_url(fake.auth_url())
        .with_client_id(fake.client_id())
        .with_client_secret(fake.client_secret())
        .with_retry(fast_retry(4))
        .with_requests_per_second(10_000)
}

/// A Torq provider on `fake`, as [`torq_config`] has it.
pub fn torq(fake: &TorqFake) -> TorqProvider {
    torq_with(fake, |config| config)
}

/// A Torq provider on `fake`, [`torq_config`] changed by `adjust`.
pub fn torq_with(fake: &TorqFake, adjust: impl FnOnce(TorqConfig) -> TorqConfig) -> TorqProvider {
    adjust(torq_config(fake)).build().expect("torq provider")
}

/// Fresh fake servers, and a Looker provider on them as [`looker`] has it.
pub async fn start_looker() -> (FakeServers, LookerProvider) {
    let fake = FakeServers::start().await.expect("fake servers");
    let looker = looker(&fake.looker);
    (fake, looker)
}

/// Fresh fake servers, and a Looker and a Torq provider on them, each with a retry budget of
/// `max_attempts`.
pub async fn start_retrying(max_attempts: usize) -> (FakeServers, LookerProvider, TorqProvider) {
    let fake = FakeServers::start().await.expect("fake servers");
    let looker = looker_with(&fake.looker, |c| c.with_retry(fast_retry(max_attempts)));
    let torq = torq_with(&fake.torq, |c| c.with_retry(fast_retry(max_attempts)));
    (fake, looker, torq)
}

/// The control of the fake serving `vendor`.
pub fn control(fake: &FakeServers, vendor: Vendor) -> &Control {
    match vendor {
        Vendor::Looker => fake.looker.control(),
        Vendor::Torq => fake.torq.control(),
        other => panic!("no fake serves {other:?}"),
    }
}

/// The operationId of `vendor`'s list route.
pub fn list_route(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Looker => "all_integrations",
        Vendor::Torq => "list_integrations",
        other => panic!("no list route for {other:?}"),
    }
}

/// The operationId of `vendor`'s login (Looker's `POST /login`, Torq's token request).
pub fn login_route(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Looker => "login",
        Vendor::Torq => "create_token",
        other => panic!("no login route for {other:?}"),
    }
}

/// A provider of `vendor` on its fake in `fake`, as [`looker`] or [`torq`] has it.
pub fn provider(fake: &FakeServers, vendor: Vendor) -> Box<dyn IntegrationProvider> {
    match vendor {
        Vendor::Looker => Box::new(looker(&fake.looker)),
        Vendor::Torq => Box::new(torq(&fake.torq)),
        other => panic!("no fake serves {other:?}"),
    }
}

/// How many integrations `provider` lists, all of them; the listing must succeed.
pub async fn list_len(provider: &dyn IntegrationProvider) -> usize {
    let listing = provider.list(&ListFilter::all()).await;
    listing.expect("a listing").integrations.len()
}

/// The ids of everything `provider` lists, in order; the listing must succeed.
pub async fn list_ids(provider: &dyn IntegrationProvider) -> Vec<IntegrationId> {
    let listing = provider.list(&ListFilter::all()).await.expect("a listing");
    listing.integrations.into_iter().map(|i| i.id).collect()
}

/// What `provider`'s get, update (enabling it) and test of `id` end in, each with its operation.
pub async fn each_call_on(
    provider: &dyn IntegrationProvider,
    id: &IntegrationId,
) -> [(Operation, Result<(), Error>); 3] {
    let enable = IntegrationPatch::new().enabled(true);
    [
        (Operation::Get, provider.get(id).await.map(drop)),
        (
            Operation::Update,
            provider.update(id, &enable).await.map(drop),
        ),
        (Operation::Test, provider.test(id).await.map(drop)),
    ]
}

/// What `provider` lists when its vendor's list route on `fake` answers `answer`, once.
pub async fn list_answered(
    fake: &FakeServers,
    provider: &dyn IntegrationProvider,
    answer: RawAnswer,
) -> Result<Listing, Error> {
    let vendor = provider.vendor();
    control(fake, vendor)
        .answer_once(list_route(vendor), answer)
        .expect("a raw answer the fake takes");
    provider.list(&ListFilter::all()).await
}

/// Everything an error shows: its Display, its Debug and every source's Display.
pub fn shown(e: &Error) -> String {
    let mut text = format!("{e}\n{e:?}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text += &format!("\n{s}");
        source = s.source();
    }
    text
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

/// A capture of every tracing event at `level` and above of the current thread, and the guard
/// that ends it when dropped.
pub fn capture(level: tracing::Level) -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let guard = captured.install(level);
    (captured, guard)
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
