//! The transport behind every generated-client request of the facade: pacing, authentication,
//! retries with back-off, one re-login on a rejected token, and one tracing span per call.

use std::sync::Arc;

use api_hooks::{PrepareError, PrepareFuture, ResponseFuture, Transport};
use http_body_util::LengthLimitError;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use tracing::Instrument;

use super::pace::Pacer;
use super::retry::{RetryConfig, is_retryable, retry_after};
use super::scope::{self, ResponseFacts};
use super::scrub;
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

    /// Puts `token` on `request`; `false` when it cannot be a header value (a login refuses
    /// such tokens, so this does not happen; should it, the request must not go without one).
    #[must_use]
    fn authorize(self, request: &mut Request, token: &AccessToken) -> bool {
        match self.header(token) {
            Some(value) => {
                request.headers_mut().insert(AUTHORIZATION, value);
                true
            }
            None => false,
        }
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
    /// With HTTP Basic credentials (Torq's token endpoint): the header, marked sensitive.
    Basic(HeaderValue),
}

impl Auth {
    /// HTTP Basic credentials.
    pub(crate) fn basic(user: &str, password: &SecretString) -> Self {
        use base64::Engine;
        let pair = format!("{user}:{}", password.expose_secret());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        // Base64 is always a valid header value.
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
            .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
        value.set_sensitive(true);
        Auth::Basic(value)
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Token(cache, scheme) => {
                f.debug_tuple("Token").field(cache).field(scheme).finish()
            }
            Auth::Basic(_) => f.write_str("Basic([redacted])"),
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
    /// The most bytes of a response body that are read.
    pub max_response_bytes: u64,
}

impl Transport for VendorTransport {
    fn prepare<'a>(
        &'a self,
        request: &'a mut Request,
        _operation_id: &'static str,
    ) -> PrepareFuture<'a> {
        Box::pin(self.authenticate(request))
    }

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
    /// Puts the credentials on `request`: a token from the cache (logging in if needed) or the
    /// Basic credentials of a token endpoint. A login that fails ends the call here, before
    /// anything is sent; its typed error is recorded for the caller.
    async fn authenticate(&self, request: &mut Request) -> Result<(), PrepareError> {
        match &self.auth {
            Auth::None => Ok(()),
            Auth::Basic(value) => {
                request.headers_mut().insert(AUTHORIZATION, value.clone());
                Ok(())
            }
            Auth::Token(cache, scheme) => match cache.get().await {
                Ok(token) if scheme.authorize(request, &token) => {
                    scope::carried(token);
                    Ok(())
                }
                Ok(_) => {
                    let e = unusable_token(self.vendor);
                    let message = e.to_string();
                    scope::fail(e);
                    Err(PrepareError::new(message))
                }
                Err(e) => {
                    let message = e.to_string();
                    scope::fail(e);
                    Err(PrepareError::new(message))
                }
            },
        }
    }

    async fn call(&self, client: &reqwest::Client, request: Request) -> reqwest::Result<Response> {
        let started = Instant::now();
        let mut attempts = 0;
        let mut token = scope::token();
        let mut request = request;
        let mut relogged = false;
        let outcome = loop {
            let (outcome, kept) = self
                .send_with_retries(client, request, started, &mut attempts)
                .await;
            if let (Ok(response), Auth::Token(cache, scheme), Some(mut again)) =
                (&outcome, &self.auth, kept)
                && scheme.rejects(response.status())
                && !relogged
            {
                relogged = true;
                tracing::debug!(
                    status = response.status().as_u16(),
                    "token refused; logging in again"
                );
                match cache.renew(token.as_deref()).await {
                    Ok(fresh) if !scheme.authorize(&mut again, &fresh) => {
                        scope::fail(unusable_token(self.vendor));
                    }
                    Ok(fresh) => {
                        scope::carried(fresh.clone());
                        token = Some(fresh);
                        request = again;
                        continue;
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "login after a refused token failed");
                        // The caller sees why the fresh login failed, not the refusal.
                        scope::fail(e);
                    }
                }
            }
            break outcome;
        };
        let span = tracing::Span::current();
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match outcome {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                tracing::info!("done");
                scope::answered(ResponseFacts {
                    status: response.status().as_u16(),
                    content_type: response
                        .headers()
                        .get(CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(|v| scrub::one_line(v, 100)),
                    retry_after: retry_after(response.headers()),
                });
                let response = capped(response, self.max_response_bytes);
                if response.status() == StatusCode::OK && scope::keeps_body() {
                    // A streamed listing reads the body itself: the generated method gets the
                    // status and headers with an empty body, which it cannot decode; the
                    // caller expects that and reads the kept answer instead.
                    let mut empty = http::Response::new(reqwest::Body::from(Vec::new()));
                    *empty.status_mut() = response.status();
                    *empty.headers_mut() = response.headers().clone();
                    // Its length is the kept body's, not this one's.
                    empty.headers_mut().remove(CONTENT_LENGTH);
                    scope::keep_body(response);
                    return Ok(Response::from(empty));
                }
                Ok(response)
            }
            Err(e) => {
                tracing::info!(error = %e, "failed");
                Err(e)
            }
        }
    }

    /// Sends `request`, again while the outcome allows a retry and the budget lasts. Returns the
    /// last outcome and, when the request could be copied, a copy to send once more.
    async fn send_with_retries(
        &self,
        client: &reqwest::Client,
        request: Request,
        started: Instant,
        attempts: &mut usize,
    ) -> (reqwest::Result<Response>, Option<Request>) {
        let mut waits = self.retry.backoff();
        loop {
            if let Some(pacer) = &self.pacer {
                pacer.wait().await;
            }
            *attempts += 1;
            let Some(attempt) = request.try_clone() else {
                // A streaming body cannot be sent twice: it goes once, as it is, and whatever
                // the vendor answers is the outcome (never a request without its body).
                tracing::debug!("the request body cannot be replayed; it is sent once");
                return (client.execute(request).await, None);
            };
            let outcome = client.execute(attempt).await;
            if !is_retryable(request.method(), &outcome) {
                return (outcome, Some(request));
            }
            let Some(mut wait) = waits.next() else {
                return (outcome, Some(request));
            };
            if let Ok(response) = &outcome
                && let Some(asked) = retry_after(response.headers())
            {
                if asked > self.retry.max_retry_after {
                    return (outcome, Some(request));
                }
                wait = asked;
            }
            if started.elapsed() + wait > self.retry.deadline {
                return (outcome, Some(request));
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
}

/// The error for a token that cannot be sent in a header.
fn unusable_token(vendor: Vendor) -> crate::error::Error {
    crate::error::Error::BadResponse {
        vendor,
        operation: crate::error::Operation::Login,
        status: None,
        content_type: None,
        reason: "the access token cannot be sent in an Authorization header".into(),
        excerpt: None,
    }
}

/// `response` whose body yields an error (a [`LengthLimitError`] in its source chain) once more
/// than `limit` bytes were read: a body that never ends cannot take the caller's memory.
fn capped(response: Response, limit: u64) -> Response {
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let body = reqwest::Body::wrap(http_body_util::Limited::new(body, limit));
    // Keep the URL reqwest reports in its errors.
    let tagged = reqwest::ResponseBuilderExt::url(http::Response::builder(), url)
        .body(())
        .map(|r| r.into_parts().0.extensions)
        .unwrap_or_default();
    parts.extensions.extend(tagged);
    Response::from(http::Response::from_parts(parts, body))
}

/// Whether `error` (a body error) came from the cap of [`capped`].
pub(crate) fn is_over_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}
