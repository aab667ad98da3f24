//! The transport behind every generated-client request of the facade: pacing, authentication,
//! retries with back-off, one re-login on a rejected token, and one tracing span per call.

use std::sync::Arc;

use api_hooks::{ResponseFuture, Transport};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use tracing::Instrument;

use super::pace::Pacer;
use super::retry::{RetryConfig, is_retryable, retry_after};
use super::token::{AccessToken, TokenCache};
use crate::model::Vendor;

/// How a vendor wants its token presented, and how it says a token is no longer good.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scheme {
    /// Looker: `Authorization: token …`; a dead token gets 401.
    LookerToken,
    /// Torq: `Authorization: Bearer …`; an expired token gets 302, an invalid one 401.
    Bearer,
}

impl Scheme {
    fn header(self, token: &AccessToken) -> Option<HeaderValue> {
        let prefix = match self {
            Scheme::LookerToken => "token",
            Scheme::Bearer => "Bearer",
        };
        let mut value =
            HeaderValue::from_str(&format!("{prefix} {}", token.value.expose_secret())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    fn rejects(self, status: StatusCode) -> bool {
        match self {
            Scheme::LookerToken => status == StatusCode::UNAUTHORIZED,
            Scheme::Bearer => status == StatusCode::UNAUTHORIZED || status == StatusCode::FOUND,
        }
    }
}

/// How requests are authenticated.
pub(crate) enum Auth {
    /// Not at all (Looker's login).
    None,
    /// With a token from the cache.
    Token(Arc<TokenCache>, Scheme),
    /// With HTTP Basic credentials (Torq's token endpoint).
    Basic {
        user: String,
        password: SecretString,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Token(cache, scheme) => {
                f.debug_tuple("Token").field(cache).field(scheme).finish()
            }
            Auth::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"[REDACTED]")
                .finish(),
        }
    }
}

/// See the module docs.
#[derive(Debug)]
pub(crate) struct VendorTransport {
    pub vendor: Vendor,
    pub auth: Auth,
    pub retry: RetryConfig,
    pub pacer: Option<Pacer>,
}

impl Transport for VendorTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation_id: &'static str,
    ) -> ResponseFuture<'a> {
        let span = tracing::info_span!(
            "integrations.call",
            vendor = %self.vendor,
            operation = operation_id,
            method = %request.method(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        Box::pin(self.call(client, request).instrument(span))
    }
}

impl VendorTransport {
    async fn call(&self, client: &reqwest::Client, request: Request) -> reqwest::Result<Response> {
        let started = Instant::now();
        let mut attempts = 0;
        let mut token = match &self.auth {
            // A failed login surfaces from the adapter, which logs in before calling; here the
            // request then simply goes without a token and the vendor refuses it.
            Auth::Token(cache, _) => cache.get().await.ok(),
            Auth::None | Auth::Basic { .. } => None,
        };
        let mut relogged = false;
        let outcome = loop {
            let outcome = self
                .send_with_retries(client, &request, token.as_deref(), started, &mut attempts)
                .await;
            if let (Ok(response), Auth::Token(cache, scheme)) = (&outcome, &self.auth)
                && scheme.rejects(response.status())
                && !relogged
            {
                relogged = true;
                tracing::debug!(
                    status = response.status().as_u16(),
                    "token refused; logging in again"
                );
                match cache.renew(token.as_deref()).await {
                    Ok(fresh) => {
                        token = Some(fresh);
                        continue;
                    }
                    Err(e) => tracing::debug!(error = %e, "login after a refused token failed"),
                }
            }
            break outcome;
        };
        let span = tracing::Span::current();
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                tracing::info!("done");
            }
            Err(e) => tracing::info!(error = %e, "failed"),
        }
        outcome
    }

    async fn send_with_retries(
        &self,
        client: &reqwest::Client,
        request: &Request,
        token: Option<&AccessToken>,
        started: Instant,
        attempts: &mut usize,
    ) -> reqwest::Result<Response> {
        let mut waits = self.retry.backoff();
        loop {
            let Some(mut attempt) = request.try_clone() else {
                // A streaming body cannot be sent twice.
                return client
                    .execute(self.prepare(client, request_clone_failed(request), token)?)
                    .await;
            };
            attempt = self.prepare(client, attempt, token)?;
            if let Some(pacer) = &self.pacer {
                pacer.wait().await;
            }
            *attempts += 1;
            let outcome = client.execute(attempt).await;
            if !is_retryable(request.method(), &outcome) {
                return outcome;
            }
            let Some(mut wait) = waits.next() else {
                return outcome;
            };
            if let Ok(response) = &outcome
                && let Some(asked) = retry_after(response.headers())
            {
                if asked > self.retry.max_retry_after {
                    return outcome;
                }
                wait = asked;
            }
            if started.elapsed() + wait > self.retry.deadline {
                return outcome;
            }
            let status = outcome.as_ref().map(|r| r.status().as_u16()).ok();
            tracing::debug!(
                attempt = *attempts,
                ?status,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            drop(outcome);
            tokio::time::sleep(wait).await;
        }
    }

    fn prepare(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        token: Option<&AccessToken>,
    ) -> reqwest::Result<Request> {
        match (&self.auth, token) {
            (Auth::Token(_, scheme), Some(token)) => {
                if let Some(value) = scheme.header(token) {
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                Ok(request)
            }
            (Auth::Basic { user, password }, _) => {
                reqwest::RequestBuilder::from_parts(client.clone(), request)
                    .basic_auth(user, Some(password.expose_secret()))
                    .build()
            }
            _ => Ok(request),
        }
    }
}

/// The generated clients only send bodies that can be cloned; should that change, the request is
/// rebuilt without a body so the vendor answers with a clear error instead of the call hanging.
fn request_clone_failed(request: &Request) -> Request {
    let mut copy = Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.timeout_mut() = request.timeout().copied();
    copy
}
