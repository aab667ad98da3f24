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
