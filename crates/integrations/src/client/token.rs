//! A single-flight access-token cache.
//!
//! Readers take the current token without waiting. When it is missing or about to expire, one
//! caller logs in while the others wait on the same lock, then find the new token when they get
//! the lock (they look again before logging in). A token rejected by the server is renewed the
//! same way, and only once however many calls saw it rejected.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;
use tokio::time::Instant;

use super::scrub::Secrets;
use crate::error::{Error, Operation, Result};
use crate::model::Vendor;

/// Longest lifetime believed from a server (a day): a larger or absurd `expires_in` is clamped.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Lifetime assumed when the server does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// What a login returns.
pub(crate) struct Grant {
    /// The token.
    pub token: SecretString,
    /// Seconds until it expires, as the server said.
    pub expires_in: Option<i64>,
}

impl Grant {
    /// The grant of a `vendor` login answer, refused (never quoted) when the token is empty or
    /// cannot travel in an `Authorization` header (a space, a control character, non-ASCII).
    pub(crate) fn new(vendor: Vendor, token: String, expires_in: Option<i64>) -> Result<Self> {
        let usable = !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic());
        if !usable {
            return Err(Error::BadResponse {
                vendor,
                operation: Operation::Login,
                status: None,
                content_type: None,
                reason: "the login answer's access token is empty or cannot be sent in a header"
                    .into(),
                excerpt: None,
            });
        }
        Ok(Self {
            token: SecretString::from(token),
            expires_in,
        })
    }
}

/// Obtains a fresh token from the vendor.
#[async_trait]
pub(crate) trait Login: Send + Sync + fmt::Debug + 'static {
    /// Logs in.
    async fn login(&self) -> Result<Grant>;
}

/// A token and when to stop using it.
pub(crate) struct AccessToken {
    pub value: SecretString,
    usable_until: Instant,
    serial: u64,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[REDACTED]")
            .field("serial", &self.serial)
            .finish()
    }
}

/// The cache. See the module docs.
pub(crate) struct TokenCache {
    current: RwLock<Option<Arc<AccessToken>>>,
    refresh: tokio::sync::Mutex<()>,
    login: Box<dyn Login>,
    margin: Duration,
    logins: AtomicU64,
    secrets: Secrets,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("login", &self.login)
            .field("margin", &self.margin)
            .field("logins", &self.logins())
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache that logs in with `login`, renews `margin` before a token expires, and tells
    /// `secrets` every token it obtains (so that no error can quote one).
    pub fn new(login: impl Login, margin: Duration, secrets: Secrets) -> Self {
        Self {
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            login: Box::new(login),
            margin,
            logins: AtomicU64::new(0),
            secrets,
        }
    }

    /// How many logins this cache performed.
    pub fn logins(&self) -> u64 {
        self.logins.load(Ordering::Relaxed)
    }

    /// The current token, if it is still usable.
    pub fn fresh(&self) -> Option<Arc<AccessToken>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|t| Instant::now() < t.usable_until)
            .cloned()
    }

    /// A usable token, logging in (once for all waiting callers) if needed.
    pub async fn get(&self) -> Result<Arc<AccessToken>> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _single_flight = self.refresh.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        self.login_now().await
    }

    /// A token other than `rejected` (which the server refused), logging in once for all the
    /// callers that saw it refused.
    pub async fn renew(&self, rejected: Option<&AccessToken>) -> Result<Arc<AccessToken>> {
        let _single_flight = self.refresh.lock().await;
        if let Some(token) = self.fresh()
            && rejected.is_none_or(|r| r.serial != token.serial)
        {
            return Ok(token);
        }
        self.login_now().await
    }

    /// Forgets the current token and returns it (to log out with).
    pub fn take(&self) -> Option<Arc<AccessToken>> {
        self.current
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    async fn login_now(&self) -> Result<Arc<AccessToken>> {
        let grant = self.login.login().await?;
        self.secrets.remember(&grant.token);
        let serial = self.logins.fetch_add(1, Ordering::Relaxed) + 1;
        let lifetime = lifetime(grant.expires_in);
        let margin = self.margin.min(lifetime / 2);
        let token = Arc::new(AccessToken {
            value: grant.token,
            usable_until: Instant::now() + lifetime - margin,
            serial,
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        tracing::debug!(serial, lifetime_s = lifetime.as_secs(), "logged in");
        Ok(token)
    }
}

/// A server's `expires_in`, clamped to what is plausible: negative → 0, absent → 5 minutes,
/// more than a day → a day.
fn lifetime(expires_in: Option<i64>) -> Duration {
    match expires_in {
        None => DEFAULT_LIFETIME,
        Some(s) => Duration::from_secs(u64::try_from(s).unwrap_or(0)).min(MAX_LIFETIME),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::sync::atomic::AtomicUsize;

    #[derive(Debug, Default)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        expires_in: Option<i64>,
    }

    #[async_trait]
    impl Login for Counting {
        async fn login(&self) -> Result<Grant> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(Grant {
                token: SecretString::from(format!("token-{n}")),
                expires_in: self.expires_in,
            })
        }
    }

    /// A cache renewing 10 s early, whose logins give tokens of `expires_in` seconds; and how
    /// many logins it made.
    fn counting(expires_in: i64, secrets: Secrets) -> (TokenCache, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let login = Counting {
            calls: calls.clone(),
            expires_in: Some(expires_in),
        };
        let cache = TokenCache::new(login, Duration::from_secs(10), secrets);
        (cache, calls)
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_login() {
        let (cache, calls) = counting(3600, Secrets::default());
        let cache = Arc::new(cache);
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let c = cache.clone();
                tokio::spawn(async move { c.get().await.map(|t| t.serial) })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_rejected_token_is_renewed_once_for_all_who_saw_it() {
        let (cache, calls) = counting(3600, Secrets::default());
        let cache = Arc::new(cache);
        let first = cache.get().await.unwrap();
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (c, f) = (cache.clone(), first.clone());
                tokio::spawn(async move {
                    c.renew(Some(&f))
                        .await
                        .map(|t| t.value.expose_secret().to_owned())
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), "token-2");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_are_renewed_a_margin_before_they_expire() {
        let secrets = Secrets::default();
        let (cache, calls) = counting(60, secrets.clone());
        cache.get().await.unwrap();
        assert_eq!(
            secrets.scrub("token-1", &[]),
            crate::client::scrub::MASK,
            "every token obtained is a known secret"
        );
        tokio::time::advance(Duration::from_secs(45)).await;
        assert!(cache.fresh().is_some());
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(
            cache.fresh().is_none(),
            "within the margin the token counts as expired"
        );
        cache.get().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn grants_refuse_tokens_that_cannot_be_sent_without_quoting_them() {
        for bad in ["", "two words", "line\nbreak", "caf\u{e9}"] {
            let Err(e) = Grant::new(Vendor::Looker, bad.to_owned(), None) else {
                panic!("{bad:?} was accepted")
            };
            assert!(matches!(e, Error::BadResponse { .. }), "{bad:?}");
            if !bad.is_empty() {
                assert!(!format!("{e}{e:?}").contains(bad), "{bad:?}");
            }
        }
        assert!(Grant::new(Vendor::Torq, "eyJ.abc-_~+/=".into(), Some(3600)).is_ok());
    }

    #[test]
    fn lifetimes_from_the_server_are_clamped() {
        assert_eq!(lifetime(Some(-5)), Duration::ZERO);
        assert_eq!(lifetime(Some(i64::MAX)), MAX_LIFETIME);
        assert_eq!(lifetime(None), DEFAULT_LIFETIME);
        assert_eq!(lifetime(Some(3599)), Duration::from_secs(3599));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let token = AccessToken {
            value: SecretString::from("s3cr3t".to_owned()),
            usable_until: Instant::now(),
            serial: 1,
        };
        assert!(!format!("{token:?}").contains("s3cr3t"));
    }
}
