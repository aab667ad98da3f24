//! When a request is sent again, and after how long.

use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::{Method, StatusCode};

/// How hard to try a request.
///
/// GET requests are retried on connection errors, timeouts, 429, 502, 503 and 504; other methods
/// (PATCH, the test POST, logins) only on 429, which says the vendor did not process them. Waits
/// grow exponentially with jitter from [`min_backoff`](Self::min_backoff) to
/// [`max_backoff`](Self::max_backoff); a `Retry-After` from the vendor replaces the wait, capped at
/// [`max_retry_after`](Self::max_retry_after). No retry starts after [`deadline`](Self::deadline).
///
/// ```
/// use std::time::Duration;
/// let retry = integrations::RetryConfig::default().with_max_attempts(2);
/// assert_eq!(retry.max_attempts, 2);
/// assert_eq!(retry.deadline, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in all, the first one included (1 = never retry).
    pub max_attempts: usize,
    /// First wait.
    pub min_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
    /// Time budget for all attempts of one call.
    pub deadline: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryConfig {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    crate::setters::setters! {
        /// With `attempts` in all, the first included (1 = never retry).
        pub fn with_max_attempts(attempts: usize) => max_attempts;
    }

    /// With waits from `min` growing to `max`.
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max;
        self
    }

    crate::setters::setters! {
        /// With the longest `Retry-After` honoured.
        pub fn with_max_retry_after(max: Duration) => max_retry_after;

        /// With the time budget for all attempts of one call.
        pub fn with_deadline(deadline: Duration) => deadline;
    }

    /// The waits between attempts: exponential with jitter (backon).
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(self.max_attempts.saturating_sub(1))
            .with_jitter()
            .build()
    }
}

/// Whether an outcome of a `method` request may be retried.
pub(crate) fn is_retryable(method: &Method, outcome: &reqwest::Result<reqwest::Response>) -> bool {
    let idempotent = method == Method::GET || method == Method::HEAD;
    match outcome {
        Ok(response) => match response.status() {
            StatusCode::TOO_MANY_REQUESTS => true,
            StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT => idempotent,
            _ => false,
        },
        Err(e) => idempotent && (e.is_connect() || e.is_timeout() || e.is_request() || e.is_body()),
    }
}

/// The wait a response asks for in `Retry-After` (seconds or an HTTP date), if any.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn response(status: u16) -> reqwest::Result<reqwest::Response> {
        Ok(reqwest::Response::from(
            http::Response::builder()
                .status(status)
                .body(Vec::<u8>::new())
                .unwrap(),
        ))
    }

    #[test]
    fn gets_retry_on_transient_statuses_and_writes_only_on_429() {
        for status in [429, 502, 503, 504] {
            assert!(
                is_retryable(&Method::GET, &response(status)),
                "GET {status}"
            );
        }
        for status in [200, 400, 401, 404, 422, 500] {
            assert!(
                !is_retryable(&Method::GET, &response(status)),
                "GET {status}"
            );
        }
        assert!(is_retryable(&Method::PATCH, &response(429)));
        assert!(is_retryable(&Method::POST, &response(429)));
        for status in [500, 502, 503, 504] {
            assert!(
                !is_retryable(&Method::PATCH, &response(status)),
                "PATCH {status}"
            );
            assert!(
                !is_retryable(&Method::POST, &response(status)),
                "POST {status}"
            );
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        h.insert(RETRY_AFTER, HeaderValue::from_str(&soon).unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_gives_one_wait_per_retry_within_bounds() {
        let config = RetryConfig {
            max_attempts: 4,
            ..Default::default()
        };
        let waits: Vec<Duration> = config.backoff().collect();
        assert_eq!(waits.len(), 3);
        assert!(
            waits
                .iter()
                .all(|w| *w >= config.min_backoff && *w <= config.max_backoff * 2),
            "{waits:?}"
        );
        assert_eq!(RetryConfig::none().backoff().count(), 0);
    }
}
