//! Access tokens a fake server has granted: which are live, which have expired, and how long a
//! new one lives.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The longest lifetime a token can be given (ten years); longer values are clamped so that a
/// deadline never overflows.
const MAX_LIFETIME_SECS: i64 = 10 * 365 * 24 * 3600;

/// How many expired tokens are remembered; past that the oldest knowledge is dropped (those
/// tokens then count as unknown), so a long-running standalone server does not grow without bound.
const MAX_REMEMBERED_EXPIRED: usize = 100_000;

/// What a server knows about a token presented to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenStatus {
    /// Granted and not yet expired.
    Live,
    /// Granted, but its lifetime is over (or it was expired on purpose).
    Expired,
    /// Never granted, or ended by a logout.
    Unknown,
}

/// How many granted tokens are remembered for [`TokenStore::granted`] (tests read them to check
/// that no client leaks one); older ones are forgotten.
const MAX_REMEMBERED_GRANTED: usize = 10_000;

#[derive(Debug, Default)]
struct Tokens {
    live: HashMap<String, Instant>,
    expired: HashSet<String>,
    granted: std::collections::VecDeque<String>,
}

/// The tokens of one server and the lifetime of new ones.
#[derive(Debug)]
pub(crate) struct TokenStore {
    tokens: Mutex<Tokens>,
    lifetime_secs: Mutex<i64>,
}

impl TokenStore {
    /// A store whose new tokens live `lifetime_secs` seconds.
    pub(crate) fn new(lifetime_secs: i64) -> Self {
        Self {
            tokens: Mutex::new(Tokens::default()),
            lifetime_secs: Mutex::new(lifetime_secs),
        }
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lifetime, in seconds, of tokens granted from now on.
    pub(crate) fn lifetime_secs(&self) -> i64 {
        *self.lifetime_secs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the lifetime of tokens granted from now on; zero or less grants tokens that are
    /// already expired.
    pub(crate) fn set_lifetime_secs(&self, secs: i64) {
        *self.lifetime_secs.lock().unwrap_or_else(|e| e.into_inner()) = secs;
    }

    /// Grants a new token and returns it with its lifetime in seconds.
    pub(crate) fn grant(&self, prefix: &str) -> (String, i64) {
        let lifetime = self.lifetime_secs();
        let token = format!(
            "{prefix}{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let clamped = u64::try_from(lifetime.clamp(0, MAX_LIFETIME_SECS)).unwrap_or(0);
        let deadline = Instant::now() + Duration::from_secs(clamped);
        let mut tokens = self.tokens();
        tokens.live.insert(token.clone(), deadline);
        if tokens.granted.len() == MAX_REMEMBERED_GRANTED {
            tokens.granted.pop_front();
        }
        tokens.granted.push_back(token.clone());
        (token, lifetime)
    }

    /// The tokens granted so far (the latest [`MAX_REMEMBERED_GRANTED`]), oldest first.
    pub(crate) fn granted(&self) -> Vec<String> {
        self.tokens().granted.iter().cloned().collect()
    }

    /// What is known about `token`; a live token whose deadline has passed becomes expired.
    pub(crate) fn check(&self, token: &str) -> TokenStatus {
        let mut tokens = self.tokens();
        match tokens.live.get(token) {
            Some(deadline) if *deadline > Instant::now() => TokenStatus::Live,
            Some(_) => {
                tokens.live.remove(token);
                remember_expired(&mut tokens, token.to_owned());
                TokenStatus::Expired
            }
            None if tokens.expired.contains(token) => TokenStatus::Expired,
            None => TokenStatus::Unknown,
        }
    }

    /// Ends `token` (a logout): it becomes unknown. Returns whether it was live.
    pub(crate) fn revoke(&self, token: &str) -> bool {
        let mut tokens = self.tokens();
        tokens.expired.remove(token);
        tokens.live.remove(token).is_some()
    }

    /// Expires every live token now.
    pub(crate) fn expire_all(&self) {
        let mut tokens = self.tokens();
        let live: Vec<String> = tokens.live.drain().map(|(token, _)| token).collect();
        for token in live {
            remember_expired(&mut tokens, token);
        }
    }
}

fn remember_expired(tokens: &mut Tokens, token: String) {
    if tokens.expired.len() >= MAX_REMEMBERED_EXPIRED {
        tokens.expired.clear();
    }
    tokens.expired.insert(token);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_granted_token_is_live_and_an_invented_one_unknown() {
        let store = TokenStore::new(3600);
        let (token, lifetime) = store.grant("t_");
        assert_eq!(lifetime, 3600);
        assert!(token.starts_with("t_"));
        assert_eq!(store.check(&token), TokenStatus::Live);
        assert_eq!(store.check("t_nope"), TokenStatus::Unknown);
    }

    #[test]
    fn expire_all_turns_live_tokens_into_expired_ones() {
        let store = TokenStore::new(3600);
        let (a, _) = store.grant("");
        let (b, _) = store.grant("");
        store.expire_all();
        assert_eq!(store.check(&a), TokenStatus::Expired);
        assert_eq!(store.check(&b), TokenStatus::Expired);
        // A token granted afterwards is unaffected.
        let (c, _) = store.grant("");
        assert_eq!(store.check(&c), TokenStatus::Live);
    }

    #[test]
    fn a_zero_or_negative_lifetime_grants_expired_tokens_and_huge_ones_do_not_overflow() {
        let store = TokenStore::new(0);
        let (token, lifetime) = store.grant("");
        assert_eq!(lifetime, 0);
        assert_eq!(store.check(&token), TokenStatus::Expired);
        store.set_lifetime_secs(-5);
        let (token, _) = store.grant("");
        assert_eq!(store.check(&token), TokenStatus::Expired);
        store.set_lifetime_secs(i64::MAX);
        let (token, lifetime) = store.grant("");
        assert_eq!(lifetime, i64::MAX);
        assert_eq!(store.check(&token), TokenStatus::Live);
    }

    #[test]
    fn revoke_makes_a_token_unknown() {
        let store = TokenStore::new(3600);
        let (token, _) = store.grant("");
        assert!(store.revoke(&token));
        assert!(!store.revoke(&token));
        assert_eq!(store.check(&token), TokenStatus::Unknown);
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_expires_when_its_lifetime_is_over() {
        let store = TokenStore::new(2);
        let (token, _) = store.grant("");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(store.check(&token), TokenStatus::Live);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(store.check(&token), TokenStatus::Expired);
        // And it stays known as expired.
        assert_eq!(store.check(&token), TokenStatus::Expired);
    }
}
