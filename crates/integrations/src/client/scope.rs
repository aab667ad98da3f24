//! What the transport learns during one call, for the code that turns the call's outcome into
//! the facade's error.
//!
//! A generated method reports only what progenitor knows: a body that did not decode, a body it
//! could not read, a `Custom` message from a failed `pre` hook. The facade needs more to name the
//! cause: the status and content type of the answer, the typed error of a login that failed in
//! the hook, the token a request carried (to renew exactly that one when it is refused). The
//! transport writes them here; [`run`] gives each call its own record in a task-local, so
//! concurrent calls (and a login nested in a call) never see each other's.

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::Error;

use super::token::AccessToken;

tokio::task_local! {
    static CALL: Arc<Mutex<CallRecord>>;
}

/// What one call left behind.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    /// A typed failure the transport met (a failed login, a body that cannot be replayed); the
    /// first one wins.
    pub failure: Option<Error>,
    /// The last answer's status and content type.
    pub response: Option<ResponseFacts>,
    /// The token the request carried.
    pub token: Option<Arc<AccessToken>>,
    /// The call reads its success body itself, as it arrives (a streamed listing): the
    /// transport leaves a 200 answer here and gives the generated method an empty body.
    pub keeps_body: bool,
    /// The 200 answer kept for a call that [`keeps_body`](Self::keeps_body).
    pub body: Option<reqwest::Response>,
}

/// The facts of an answer that errors carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResponseFacts {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, when present and readable.
    pub content_type: Option<String>,
    /// The wait `Retry-After` asked for, if any.
    pub retry_after: Option<std::time::Duration>,
}

impl ResponseFacts {
    /// Whether the status is a success (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Runs `call` with a record of its own, and returns its output with the record.
pub(crate) async fn run<F: Future>(call: F) -> (F::Output, CallRecord) {
    run_with(CallRecord::default(), call).await
}

/// Runs `call` as [`run`] does, its 200 answer kept in the record for the caller to read.
pub(crate) async fn run_keeping_body<F: Future>(call: F) -> (F::Output, CallRecord) {
    let record = CallRecord {
        keeps_body: true,
        ..CallRecord::default()
    };
    run_with(record, call).await
}

async fn run_with<F: Future>(record: CallRecord, call: F) -> (F::Output, CallRecord) {
    let record = Arc::new(Mutex::new(record));
    let output = CALL.scope(record.clone(), call).await;
    let record = std::mem::take(&mut *record.lock().unwrap_or_else(|e| e.into_inner()));
    (output, record)
}

fn with(f: impl FnOnce(&mut CallRecord)) {
    // Outside a call (a generated client used directly) there is nothing to record.
    let _ = CALL.try_with(|record| f(&mut record.lock().unwrap_or_else(|e| e.into_inner())));
}

/// Records a typed failure of the current call (the first one is kept).
pub(crate) fn fail(error: Error) {
    with(|r| {
        if r.failure.is_none() {
            r.failure = Some(error);
        }
    });
}

/// Records the answer the current call got.
pub(crate) fn answered(facts: ResponseFacts) {
    with(|r| r.response = Some(facts));
}

/// Records the token the current call's request carries.
pub(crate) fn carried(token: Arc<AccessToken>) {
    with(|r| r.token = Some(token));
}

/// Whether the current call reads its success body itself.
pub(crate) fn keeps_body() -> bool {
    CALL.try_with(|record| record.lock().unwrap_or_else(|e| e.into_inner()).keeps_body)
        .unwrap_or(false)
}

/// Keeps `response` for the current call to read.
pub(crate) fn keep_body(response: reqwest::Response) {
    with(|r| r.body = Some(response));
}

/// The token the current call's request carries, if known.
pub(crate) fn token() -> Option<Arc<AccessToken>> {
    CALL.try_with(|record| {
        record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .token
            .clone()
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Operation;
    use crate::model::Vendor;

    fn unsupported() -> Error {
        Error::Unsupported {
            vendor: Vendor::Looker,
            operation: Operation::Test,
        }
    }

    #[tokio::test]
    async fn each_call_and_each_nested_call_has_its_own_record() {
        let ((), outer) = run(async {
            answered(ResponseFacts {
                status: 200,
                ..ResponseFacts::default()
            });
            let ((), inner) = run(async { fail(unsupported()) }).await;
            assert!(inner.failure.is_some());
            assert_eq!(
                inner.response, None,
                "the outer answer is not the inner call's"
            );
        })
        .await;
        assert_eq!(outer.response.map(|r| r.status), Some(200));
        assert!(outer.failure.is_none(), "the inner failure stays inside");
        // Outside a call, recording is a no-op rather than a panic.
        fail(unsupported());
        assert!(token().is_none());
    }

    #[tokio::test]
    async fn concurrent_calls_do_not_share_a_record() {
        let a = run(async {
            tokio::task::yield_now().await;
            fail(unsupported());
        });
        let b = run(async {
            tokio::task::yield_now().await;
        });
        let ((((), a), ((), b)),) = (futures::join!(a, b),);
        assert!(a.failure.is_some());
        assert!(b.failure.is_none());
    }
}
