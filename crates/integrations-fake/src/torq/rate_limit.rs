//! Torq's rate limit (at most 50 requests per second per workspace), as an optional sliding
//! window over the last second.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Torq's documented limit: requests per second per workspace.
pub const TORQ_RATE_LIMIT_PER_SECOND: u32 = 50;

const WINDOW: Duration = Duration::from_secs(1);

/// Admits at most `limit` requests in any one second, when a limit is set.
#[derive(Debug, Default)]
pub(crate) struct RateLimit {
    state: Mutex<(Option<u32>, VecDeque<Instant>)>,
}

impl RateLimit {
    /// Sets the limit (`None`: no limit) and forgets past requests.
    pub(crate) fn set(&self, per_second: Option<u32>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = (per_second, VecDeque::new());
    }

    /// Whether one more request may go through now; counts it if so.
    pub(crate) fn admit(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (limit, recent) = &mut *state;
        let Some(limit) = *limit else {
            return true;
        };
        let now = Instant::now();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() >= limit as usize {
            return false;
        }
        recent.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn admits_the_limit_per_second_then_refuses_until_the_window_moves() {
        let limit = RateLimit::default();
        assert!((0..1000).all(|_| limit.admit()), "no limit by default");
        limit.set(Some(3));
        assert!(limit.admit() && limit.admit() && limit.admit());
        assert!(!limit.admit());
        tokio::time::advance(Duration::from_millis(1001)).await;
        assert!(limit.admit());
        limit.set(Some(0));
        assert!(!limit.admit());
    }
}
