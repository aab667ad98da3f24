//! Spacing requests so a vendor's rate limit is never reached (Torq: 50 requests/s per workspace).

use std::time::Duration;

use tokio::time::Instant;

/// Hands out start times at least `interval` apart.
#[derive(Debug)]
pub(crate) struct Pacer {
    interval: Duration,
    next: std::sync::Mutex<Option<Instant>>,
}

impl Pacer {
    /// At most `per_second` starts per second (at least 1).
    pub fn per_second(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: std::sync::Mutex::new(None),
        }
    }

    /// Waits for this caller's slot.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        // A slot that is now goes at once: tokio's timer would round even a past deadline up
        // to its next millisecond tick.
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_start_within_the_budget_does_not_wait_for_the_timer() {
        use std::future::Future;
        use std::task::{Context, Poll, Waker};

        // Mid-tick, where a deadline of "now" would be rounded up to the next millisecond.
        tokio::time::advance(Duration::from_micros(500)).await;
        let pacer = Pacer::per_second(50);
        let mut cx = Context::from_waker(Waker::noop());
        let mut first = std::pin::pin!(pacer.wait());
        assert_eq!(first.as_mut().poll(&mut cx), Poll::Ready(()));
        let mut second = std::pin::pin!(pacer.wait());
        assert_eq!(second.as_mut().poll(&mut cx), Poll::Pending, "20 ms later");
    }

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_by_the_interval() {
        let pacer = Pacer::per_second(50);
        let start = Instant::now();
        for _ in 0..11 {
            pacer.wait().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(200),
            "10 intervals of 20 ms"
        );
    }
}
