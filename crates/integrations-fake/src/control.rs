//! [`Control`]: what a test can do to a fake server (inject failures, delays, dropped
//! connections and raw answers, expire tokens) and what it can read back (requests per route,
//! handled or not, logins, connections, bytes of raw answers).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::answer::{InvalidAnswer, RawAnswer, Scripted};
use crate::tokens::TokenStore;

/// What the gate of a route does to one request instead of answering it normally.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Write this answer on the connection, then close it.
    Raw(Arc<Scripted>),
}

#[derive(Debug, Default)]
struct Route {
    requests: usize,
    handled: usize,
    raw_bytes: u64,
    raw_in_flight: usize,
    faults: VecDeque<(Fault, usize)>,
    delay: Option<Duration>,
}

/// Fault injection and counters of one fake server, shared by every clone of its handle.
///
/// Routes are named by the spec's operationIds: Looker `login`, `logout`, `all_integrations`,
/// `integration`, `update_integration`, `test_integration`, `fetch_integration_form`,
/// `all_integration_hubs`, `create_integration_hub`, `integration_hub`,
/// `update_integration_hub`, `delete_integration_hub`, `get_integration_hub_health`,
/// `accept_integration_hub_legal_agreement`; Torq `create_token`, `list_integrations`. Faults (failures, dropped connections and [raw answers](RawAnswer)) queue
/// up per route in the order they were asked for: `fail_next("x", 2, 503, None)` then
/// `drop_next("x", 1)` then `answer_once("x", RawAnswer::new(200))` answers the next two
/// requests of `x` with 503, drops the connection of the third and answers the fourth raw.
/// Faults are served before authentication is checked, and count as requests of the route.
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

    /// Answers the next `n` requests of `operation_id` with `answer`, byte for byte as scripted
    /// (see [`RawAnswer`] for what goes on the wire), before authentication is checked, then
    /// closes their connection. Refuses an answer that HTTP cannot carry with the first thing
    /// wrong in it, queueing nothing.
    ///
    /// ```
    /// use integrations_fake::{LookerFake, LookerSeed, RawAnswer};
    ///
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let looker = LookerFake::start(LookerSeed::demo()).await?;
    /// let html = RawAnswer::new(200)
    ///     .header("Content-Type", "text/html")
    ///     .body("<html>Sign in</html>");
    /// looker.control().answer_next("all_integrations", 2, html)?;
    ///
    /// let url = format!("{}/integrations", looker.api_url());
    /// let response = reqwest::get(&url).await?;
    /// assert_eq!(response.headers()["content-type"], "text/html");
    /// assert_eq!(response.text().await?, "<html>Sign in</html>");
    /// assert_eq!(looker.control().requests("all_integrations"), 1);
    /// assert_eq!(looker.control().handled("all_integrations"), 0);
    /// # Ok(()) }
    /// ```
    pub fn answer_next(
        &self,
        operation_id: &str,
        n: usize,
        answer: RawAnswer,
    ) -> Result<(), InvalidAnswer> {
        let fault = answer.script()?;
        self.push_fault(operation_id, fault, n);
        Ok(())
    }

    /// Answers the next request of `operation_id` with `answer`: [`answer_next`] with `n` 1.
    ///
    /// ```
    /// use integrations_fake::{LookerFake, LookerSeed, RawAnswer};
    ///
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let looker = LookerFake::start(LookerSeed::demo()).await?;
    /// looker
    ///     .control()
    ///     .answer_once("login", RawAnswer::truncated(200, r#"{"access_to"#, 512))?;
    /// let form = [("client_id", looker.client_id()), ("client_secret", looker.client_secret())];
    /// let response = reqwest::Client::new()
    ///     .post(format!("{}/login", looker.api_url()))
    ///     .form(&form)
    ///     .send()
    ///     .await?;
    /// assert_eq!(response.status(), 200);
    /// assert!(response.bytes().await.is_err(), "cut short");
    /// # Ok(()) }
    /// ```
    ///
    /// [`answer_next`]: Self::answer_next
    pub fn answer_once(&self, operation_id: &str, answer: RawAnswer) -> Result<(), InvalidAnswer> {
        self.answer_next(operation_id, 1, answer)
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

    /// Removes every queued failure, dropped connection, raw answer and delay (raw answers
    /// being written go on).
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

    /// How many bytes the raw answers of `operation_id` wrote on the network so far, heads
    /// included. Bodies are written as the client reads: once a client stops reading an
    /// [endless](RawAnswer::endless) body this stops growing, short of what the sockets' buffers
    /// hold, so a test can bound what a client read before it gave up.
    ///
    /// ```no_run
    /// # use integrations_fake::RawAnswer;
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let looker = integrations_fake::LookerFake::start(Default::default()).await?;
    /// looker
    ///     .control()
    ///     .answer_once("all_integrations", RawAnswer::endless(200, "[{},"))?;
    /// // … a client that reads at most 1 MiB of a body lists the integrations …
    /// assert!(looker.control().raw_bytes_sent("all_integrations") < 16 << 20);
    /// # Ok(()) }
    /// ```
    pub fn raw_bytes_sent(&self, operation_id: &str) -> u64 {
        self.routes().get(operation_id).map_or(0, |r| r.raw_bytes)
    }

    /// How many raw answers of `operation_id` are being written now. An
    /// [endless](RawAnswer::endless) body is written until its client disconnects (or the server
    /// stops), so this going back to 0 proves the client hung up.
    ///
    /// ```no_run
    /// # use integrations_fake::RawAnswer;
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let looker = integrations_fake::LookerFake::start(Default::default()).await?;
    /// looker
    ///     .control()
    ///     .answer_once("all_integrations", RawAnswer::endless(200, "[{},"))?;
    /// // … a client that must give up on endless bodies lists the integrations …
    /// assert_eq!(looker.control().raw_answers_in_flight("all_integrations"), 0);
    /// # Ok(()) }
    /// ```
    pub fn raw_answers_in_flight(&self, operation_id: &str) -> usize {
        self.routes()
            .get(operation_id)
            .map_or(0, |r| r.raw_in_flight)
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

    /// Sets the request (and handled), raw bytes, login and connection counters back to zero
    /// (faults stay queued).
    pub fn reset_counters(&self) {
        for route in self.routes().values_mut() {
            route.requests = 0;
            route.handled = 0;
            route.raw_bytes = 0;
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
                let fault = fault.clone();
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

    /// Counts `n` bytes written by a raw answer of `operation_id`.
    pub(crate) fn count_raw_bytes(&self, operation_id: &str, n: usize) {
        let mut routes = self.routes();
        let route = routes.entry(operation_id.to_owned()).or_default();
        route.raw_bytes = route.raw_bytes.saturating_add(n as u64);
    }

    /// Counts a raw answer of `operation_id` in flight until the guard is dropped.
    pub(crate) fn raw_in_flight<'a>(&'a self, operation_id: &'a str) -> RawInFlight<'a> {
        self.routes()
            .entry(operation_id.to_owned())
            .or_default()
            .raw_in_flight += 1;
        RawInFlight {
            control: self,
            operation_id,
        }
    }

    pub(crate) fn count_login(&self) {
        self.logins.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn count_connection(&self) {
        self.connections.fetch_add(1, Ordering::SeqCst);
    }
}

/// A raw answer being written; see [`Control::raw_answers_in_flight`].
pub(crate) struct RawInFlight<'a> {
    control: &'a Control,
    operation_id: &'a str,
}

impl Drop for RawInFlight<'_> {
    fn drop(&mut self) {
        if let Some(route) = self.control.routes().get_mut(self.operation_id) {
            route.raw_in_flight = route.raw_in_flight.saturating_sub(1);
        }
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
    fn raw_answers_take_their_place_in_the_queue_and_invalid_ones_none() {
        let control = Control::new(60);
        control.fail_next("x", 1, 503, None);
        control
            .answer_next("x", 2, RawAnswer::new(200).body("raw"))
            .expect("valid");
        assert!(
            control
                .answer_once("x", RawAnswer::new(200).header("a b", "c"))
                .is_err()
        );
        control
            .answer_once("x", RawAnswer::hang_up())
            .expect("valid");
        let kinds: Vec<_> = (0..5)
            .map(|_| match control.enter("x").1 {
                Some(Fault::Status { status, .. }) => status.to_string(),
                Some(Fault::Raw(answer)) => format!("raw {}", answer.status),
                Some(Fault::Drop) => "drop".to_owned(),
                None => "none".to_owned(),
            })
            .collect();
        assert_eq!(kinds, ["503", "raw 200", "raw 200", "drop", "none"]);
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
