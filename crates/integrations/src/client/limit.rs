//! A bound on the requests one provider has in flight: a burst of callers queues for a slot
//! instead of opening a connection each, and each connection is given the chance to go back to
//! the pool before its slot passes on.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many requests a provider sends at once when not told otherwise.
pub(crate) const DEFAULT_MAX_IN_FLIGHT: usize = 32;

/// The in-flight bound of one provider; clones share it.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    slots: Arc<Semaphore>,
}

impl InFlight {
    /// At most `max` requests at once (at least one).
    pub(crate) fn new(max: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
        }
    }

    /// Runs one exchange (request sent, answer read) in a slot.
    pub(crate) async fn run<F: Future>(&self, exchange: F) -> F::Output {
        let slot = self.slot().await;
        let output = exchange.await;
        slot.release().await;
        output
    }

    /// A slot, held until [`Slot::release`] (or dropped), for an exchange whose answer is read
    /// after the call that sent it returns (a streamed listing).
    pub(crate) async fn slot(&self) -> Slot {
        // The semaphore is never closed, so acquiring cannot fail; were it closed, running
        // unbounded is better than failing the call.
        Slot {
            _permit: self.slots.clone().acquire_owned().await.ok(),
        }
    }
}

/// One of the slots of an [`InFlight`].
#[derive(Debug)]
pub(crate) struct Slot {
    /// Held, not read: dropping it frees the slot.
    _permit: Option<OwnedSemaphorePermit>,
}

impl Slot {
    /// Gives the slot back once the exchange's answer has been read.
    pub(crate) async fn release(self) {
        // hyper hands an HTTP/1 connection back to its pool from another task once the answer
        // has been read. Yielding lets that task run first (on tokio's scheduler it usually
        // does), so the next request, this caller's or the next slot holder's, reuses the
        // connection instead of racing to open a new one (BENCHMARKS.md: without the bound and
        // this yield, 256 callers opened 503 connections; with them, 32–33).
        tokio::task::yield_now().await;
        drop(self);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_max_run_at_once_and_all_of_them_run() {
        let limit = InFlight::new(3);
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let (limit, now, most) = (limit.clone(), now.clone(), most.clone());
                tokio::spawn(async move {
                    limit
                        .run(async {
                            let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(running, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(2)).await;
                            now.fetch_sub(1, Ordering::SeqCst);
                            i
                        })
                        .await
                })
            })
            .collect();
        let mut done = Vec::new();
        for task in tasks {
            done.push(task.await.unwrap());
        }
        assert_eq!(done, (0..40).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    /// A semaphore of zero permits would never let a call through, and one of more than
    /// `Semaphore::MAX_PERMITS` panics: both ends are clamped. A hang fails within a second.
    #[tokio::test]
    async fn bounds_out_of_range_still_let_calls_through() {
        for max in [0, usize::MAX] {
            let limit = InFlight::new(max);
            let outcome =
                tokio::time::timeout(Duration::from_secs(1), limit.run(async { 7 })).await;
            assert_eq!(outcome, Ok(7), "max_in_flight = {max}");
        }
    }
}
