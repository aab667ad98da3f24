//! [`Control`]: what a test can do to a fake server (inject failures, delays and dropped
//! connections, expire tokens) and what it can read back (requests per route, logins,
//! connections).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::tokens::TokenStore;

/// What the gate of a route does to one request instead of answering it normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer with this status (in the vendor's error shape), with `Retry-After` when given.
    Status {
        /// The HTTP status.
        status: u16,
        /// Seconds for the `Retry-After` header.
        retry_after: Option<u64>,
    },
    /// Close the connection without answering.
    Drop,
}

#[derive(Debug, Default)]
struct Route {
    requests: usize,
    handled: usize,
    faults: VecDeque<(Fault, usize)>,
    delay: Option<Duration>,
}

/// Fault injection and counters of one fake server, shared by every clone of its handle.
///
/// Routes are named by the spec's operationIds: Looker `login`, `logout`, `all_integrations`,
/// `integration`, `update_integration`, `test_integration`; Torq `create_token`,
/// `list_integrations`. Faults queue up per route in the order they were asked for:
/// `fail_next("x", 2, 503, None)` then `drop_next("x", 1)` answers the next two requests of `x`
/// with 503 and drops the connection of the third.
#[derive(Debug)]
pub struct Control {
    routes: Mutex<HashMap<String, Route>>,
    logins: AtomicUsize,
    connections: AtomicUsize,
    pub(crate) tokens: TokenStore,
}

impl Control {
    pub(crate) fn new(token_lifetime_secs: i64) -> Self {
        Self {
            routes: Mutex::new(HashMap::new()),
            logins: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            tokens: TokenStore::new(token_lifetime_secs),
        }
    }

    fn routes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Route>> {
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers the next `n` requests of `operation_id` with `status` in the vendor's error shape
    /// (for example 429 with `Retry-After: retry_after`, 500, 503), before authentication is
    /// checked. A status outside 200..=599 is answered as 500.
    pub fn fail_next(&self, operation_id: &str, n: usize, status: u16, retry_after: Option<u64>) {
        let status = if (200..=599).contains(&status) {
            status
        } else {
            500
        };
        self.push_fault(
            operation_id,
            Fault::Status {
                status,
                retry_after,
            },
            n,
        );
    }

    /// Closes the connection of the next `n` requests of `operation_id` without answering: the
    /// client sees a transport error, not an HTTP status.
    pub fn drop_next(&self, operation_id: &str, n: usize) {
        self.push_fault(operation_id, Fault::Drop, n);
    }

    fn push_fault(&self, operation_id: &str, fault: Fault, n: usize) {
        if n == 0 {
            return;
        }
        self.routes()
            .entry(operation_id.to_owned())
            .or_default()
            .faults
            .push_back((fault, n));
    }

    /// Delays every request of `operation_id` by `d` before it is answered (or failed);
    /// `Duration::ZERO` removes the delay.
    pub fn delay(&self, operation_id: &str, d: Duration) {
        let mut routes = self.routes();
        let route = routes.entry(operation_id.to_owned()).or_default();
        route.delay = (!d.is_zero()).then_some(d);
    }

    /// Removes every queued failure, dropped connection and delay.
    pub fn clear_faults(&self) {
        for route in self.routes().values_mut() {
            route.faults.clear();
            route.delay = None;
        }
    }

    /// Expires every token granted so far: Looker then answers 401, Torq 302.
    pub fn expire_all_tokens(&self) {
        self.tokens.expire_all();
    }

    /// How many requests reached the route `operation_id`, failed ones included.
    pub fn requests(&self, operation_id: &str) -> usize {
        self.routes().get(operation_id).map_or(0, |r| r.requests)
    }

    /// How many requests of `operation_id` its handler processed: those no queued failure,
    /// dropped connection or scripted answer took, whatever the handler answered (401, 404 and
    /// 422 included). With [`requests`](Self::requests) it proves what a client replayed: after
    /// a dropped PATCH and a retry, `requests` is 2 and `handled` 1.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let looker = integrations_fake::LookerFake::start(Default::default()).await?;
    /// looker.control().drop_next("update_integration", 1);
    /// // … a client updates an integration and retries once …
    /// assert_eq!(looker.control().requests("update_integration"), 2);
    /// assert_eq!(looker.control().handled("update_integration"), 1, "processed once");
    /// # Ok(()) }
    /// ```
    pub fn handled(&self, operation_id: &str) -> usize {
        self.routes().get(operation_id).map_or(0, |r| r.handled)
    }

    /// How many tokens were granted (successful logins).
    pub fn logins(&self) -> usize {
        self.logins.load(Ordering::SeqCst)
    }

    /// Every token the server granted (the latest 10,000), so that a test can check none of
    /// them appears in a client's output.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.tokens.granted()
    }

    /// How many TCP connections the server accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Sets the request (and handled), login and connection counters back to zero (faults stay
    /// queued).
    pub fn reset_counters(&self) {
        for route in self.routes().values_mut() {
            route.requests = 0;
            route.handled = 0;
        }
        self.logins.store(0, Ordering::SeqCst);
        self.connections.store(0, Ordering::SeqCst);
    }

    /// Counts a request of `operation_id` and returns its delay and the fault to apply, if any.
    pub(crate) fn enter(&self, operation_id: &str) -> (Option<Duration>, Option<Fault>) {
        let mut routes = self.routes();
        let route = routes.entry(operation_id.to_owned()).or_default();
        route.requests += 1;
        let fault = match route.faults.front_mut() {
            Some((fault, remaining)) => {
                let fault = *fault;
                *remaining -= 1;
                if *remaining == 0 {
                    route.faults.pop_front();
                }
                Some(fault)
            }
            None => None,
        };
        (route.delay, fault)
    }

    /// Counts a request of `operation_id` that its handler is about to process.
    pub(crate) fn count_handled(&self, operation_id: &str) {
        self.routes()
            .entry(operation_id.to_owned())
            .or_default()
            .handled += 1;
    }

    pub(crate) fn count_login(&self) {
        self.logins.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn count_connection(&self) {
        self.connections.fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_applied_in_the_order_they_were_queued_then_stop() {
        let control = Control::new(60);
        control.fail_next("x", 2, 503, None);
        control.drop_next("x", 1);
        control.fail_next("x", 1, 429, Some(7));
        let faults: Vec<_> = (0..5).map(|_| control.enter("x").1).collect();
        assert_eq!(
            faults,
            vec![
                Some(Fault::Status {
                    status: 503,
                    retry_after: None
                }),
                Some(Fault::Status {
                    status: 503,
                    retry_after: None
                }),
                Some(Fault::Drop),
                Some(Fault::Status {
                    status: 429,
                    retry_after: Some(7)
                }),
                None,
            ]
        );
        assert_eq!(control.requests("x"), 5);
        assert_eq!(control.requests("y"), 0);
    }

    #[test]
    fn faults_of_one_route_leave_others_alone_and_bad_statuses_become_500() {
        let control = Control::new(60);
        control.fail_next("x", 1, 42, None);
        control.fail_next("x", 0, 503, None);
        assert_eq!(control.enter("y").1, None);
        assert_eq!(
            control.enter("x").1,
            Some(Fault::Status {
                status: 500,
                retry_after: None
            })
        );
        assert_eq!(control.enter("x").1, None);
    }

    #[test]
    fn delays_are_set_and_cleared() {
        let control = Control::new(60);
        control.delay("x", Duration::from_millis(30));
        assert_eq!(control.enter("x").0, Some(Duration::from_millis(30)));
        control.delay("x", Duration::ZERO);
        assert_eq!(control.enter("x").0, None);
        control.delay("x", Duration::from_millis(30));
        control.fail_next("x", 3, 500, None);
        control.clear_faults();
        assert_eq!(control.enter("x"), (None, None));
    }

    #[test]
    fn reset_counters_zeroes_every_counter_but_keeps_faults() {
        let control = Control::new(60);
        control.enter("x");
        control.count_handled("x");
        control.count_login();
        control.count_connection();
        control.fail_next("x", 1, 503, None);
        control.reset_counters();
        assert_eq!(
            (
                control.requests("x"),
                control.handled("x"),
                control.logins(),
                control.connections()
            ),
            (0, 0, 0, 0)
        );
        assert!(control.enter("x").1.is_some());
    }
}
