//! One call of a generated client, from the provider's side: run in an in-flight slot with a
//! record of its own, its answer checked, its error in the facade's terms with every excerpt
//! scrubbed.

use std::collections::VecDeque;
use std::future::Future;

use futures::StreamExt;

use progenitor_client::{Error as ApiError, ResponseValue};
use secrecy::SecretString;

use super::elements::Elements;
use super::errors::{ErrorBody, map_error};
use super::limit::InFlight;
use super::limit::Slot;
use super::records::{self, Convert};
use super::scope::{self, CallRecord, ResponseFacts};
use super::scrub::Secrets;
use crate::error::{Error, Operation, Result};
use crate::listing::{ListItem, ListStream};
use crate::model::Vendor;

/// Default cap on a response body: 512 MiB, about five times a listing of 100,000 Looker
/// integrations of the size the demo data has (BENCHMARKS.md).
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 512 * 1024 * 1024;

/// What every call of one provider shares.
#[derive(Debug, Clone)]
pub(crate) struct Calls {
    vendor: Vendor,
    in_flight: InFlight,
    secrets: Secrets,
    max_response_bytes: u64,
}

impl Calls {
    /// The calls of a `vendor` provider.
    pub(crate) fn new(
        vendor: Vendor,
        in_flight: InFlight,
        secrets: Secrets,
        max_response_bytes: u64,
    ) -> Self {
        Self {
            vendor,
            in_flight,
            secrets,
            max_response_bytes,
        }
    }

    /// A provider's calls with the defaults, for unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests(vendor: Vendor) -> Self {
        Self::new(
            vendor,
            InFlight::new(1),
            Secrets::default(),
            DEFAULT_MAX_RESPONSE_BYTES,
        )
    }

    /// A call of `operation`, about the vendor id `id` when there is one.
    pub(crate) fn call<'a>(&'a self, operation: Operation, id: Option<&'a str>) -> Call<'a> {
        Call {
            calls: self,
            operation,
            id,
            also: Vec::new(),
        }
    }
}

/// One call: where it goes, and what must never be quoted back from it.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    calls: &'a Calls,
    /// The operation.
    pub operation: Operation,
    /// The vendor id the call is about, if any.
    pub id: Option<&'a str>,
    /// Secrets of this call's own request (the values a patch sets).
    also: Vec<SecretString>,
}

impl<'a> Call<'a> {
    /// The same call, with `secrets` (values its request sends) scrubbed from its errors too.
    pub(crate) fn sending(mut self, secrets: impl IntoIterator<Item = SecretString>) -> Self {
        self.also.extend(secrets);
        self
    }

    /// The vendor.
    pub(crate) fn vendor(&self) -> Vendor {
        self.calls.vendor
    }

    /// The provider's cap on a response body.
    pub(crate) fn max_response_bytes(&self) -> u64 {
        self.calls.max_response_bytes
    }

    /// Runs `request` in a slot and returns its value, or its error in the facade's terms.
    pub(crate) async fn send<T, E: ErrorBody>(
        &self,
        request: impl Future<Output = std::result::Result<ResponseValue<T>, ApiError<E>>>,
    ) -> Result<T> {
        let (outcome, record) = self.exchange(request).await;
        match outcome {
            Ok(value) => {
                self.check_content_type(&record)?;
                Ok(value.into_inner())
            }
            Err(e) => Err(self.error(record, e).await),
        }
    }

    /// Runs `request` in a slot and returns its raw outcome with what the transport recorded,
    /// for a caller that handles some errors itself (a listing decoded record by record).
    pub(crate) async fn exchange<T, E>(
        &self,
        request: impl Future<Output = std::result::Result<ResponseValue<T>, ApiError<E>>>,
    ) -> (
        std::result::Result<ResponseValue<T>, ApiError<E>>,
        CallRecord,
    ) {
        self.calls.in_flight.run(scope::run(request)).await
    }

    /// Runs a listing `request` and yields its records in the facade's model as the body
    /// arrives: the array at `member` of the body (`None`: the body is the array) is cut into
    /// records, each decoded into `T` and converted by `convert` on its own, so that one record
    /// of an unexpected shape costs only itself and neither the body nor the whole listing is
    /// ever held. The call keeps its in-flight slot until the body is read.
    ///
    /// The request goes through the generated method as every call does (auth, retries, error
    /// statuses); only a 200 answer's body is read here instead of by the generated method
    /// (see [`scope::run_keeping_body`]).
    pub(crate) fn stream_listing<'s, A, T, E>(
        self,
        request: impl Future<Output = std::result::Result<ResponseValue<A>, ApiError<E>>> + Send + 's,
        member: Option<&'static str>,
        convert: Convert<T>,
    ) -> ListStream<'s>
    where
        'a: 's,
        A: Send + 's,
        T: serde::de::DeserializeOwned + Send + 's,
        E: ErrorBody + Send + 's,
    {
        let start = async move {
            let slot = self.calls.in_flight.slot().await;
            let (outcome, mut record) = scope::run_keeping_body(request).await;
            let started = match (record.body.take(), outcome) {
                (Some(response), _) => match self.check_content_type(&record) {
                    Ok(()) => {
                        return Ok(Box::new(Reading {
                            facts: record.response.unwrap_or_default(),
                            call: self,
                            slot: Some(slot),
                            response,
                            elements: Elements::new(member),
                            ready: VecDeque::new(),
                            failed: None,
                            convert,
                            ended: false,
                        }));
                    }
                    Err(e) => Err(e),
                },
                (None, Err(e)) => Err(self.error(record, e).await),
                // The transport keeps every 200 answer of this call; one the generated method
                // decoded itself did not go through it.
                (None, Ok(_)) => Err(Error::BadResponse {
                    vendor: self.vendor(),
                    operation: self.operation,
                    status: record.response.map(|facts| facts.status),
                    content_type: None,
                    reason: "the listing was not sent through the provider's transport".into(),
                    excerpt: None,
                }),
            };
            slot.release().await;
            started
        };
        Box::pin(futures::stream::once(start).flat_map(|started| {
            match started {
                Ok(reading) => futures::stream::unfold(reading, |mut reading| async move {
                    let item = reading.next().await?;
                    Some((item, reading))
                })
                .left_stream(),
                Err(e) => futures::stream::iter([Err(e)]).right_stream(),
            }
        }))
    }

    /// The facade's error for an error of the generated call.
    pub(crate) async fn error<E: ErrorBody>(
        &self,
        record: CallRecord,
        error: ApiError<E>,
    ) -> Error {
        map_error(self, record, error).await
    }

    /// Fails when the answer said it is not JSON: a proxy's page or a misconfigured server
    /// that happens to decode is still not the vendor's answer.
    pub(crate) fn check_content_type(&self, record: &CallRecord) -> Result<()> {
        let Some(facts) = &record.response else {
            return Ok(());
        };
        match &facts.content_type {
            Some(content_type) if facts.status != 204 && !is_json(content_type) => {
                Err(Error::BadResponse {
                    vendor: self.vendor(),
                    operation: self.operation,
                    status: Some(facts.status),
                    content_type: Some(content_type.clone()),
                    reason: "the answer is not JSON, as the API document says it is".into(),
                    excerpt: None,
                })
            }
            _ => Ok(()),
        }
    }

    /// A scrubbed excerpt of `body`; `None` for a login answer, which is never quoted.
    pub(crate) fn excerpt(&self, body: &[u8]) -> Option<String> {
        if self.operation == Operation::Login || body.is_empty() {
            return None;
        }
        Some(self.calls.secrets.excerpt(body, &self.also))
    }

    /// A decoding error, its quoted values masked.
    pub(crate) fn decoding_error(&self, error: &serde_json::Error) -> String {
        self.calls.secrets.decoding_error(error, &self.also)
    }

    /// A message the vendor sent, scrubbed.
    pub(crate) fn scrub_message(&self, message: &str) -> String {
        self.calls.secrets.message(message, &self.also)
    }
}

/// A streamed listing's body, being read.
struct Reading<'a, T> {
    call: Call<'a>,
    /// The call's in-flight slot, given back once the body is read.
    slot: Option<Slot>,
    response: reqwest::Response,
    facts: ResponseFacts,
    elements: Elements,
    /// Records read and not yet yielded.
    ready: VecDeque<ListItem>,
    /// Why the listing cannot go on, yielded after the records before it.
    failed: Option<Error>,
    convert: Convert<T>,
    /// The body is read (or failed): no more chunks.
    ended: bool,
}

impl<T: serde::de::DeserializeOwned> Reading<'_, T> {
    /// The next item: from the records read, or from the next chunks of the body.
    async fn next(&mut self) -> Option<Result<ListItem>> {
        loop {
            // Once the document is complete, the body's end is read before anything is handed
            // out, so that the slot is free while the caller works through the records.
            let read_to_end = self.elements.is_complete() && !self.ended;
            if !read_to_end && let Some(item) = self.ready.pop_front() {
                if let ListItem::Skipped(report) = &item {
                    tracing::warn!(
                        position = report.position,
                        id = report.id.as_deref().unwrap_or("-"),
                        reason = %report.reason,
                        "skipping a record the model cannot read"
                    );
                }
                return Some(Ok(item));
            }
            if let Some(error) = self.failed.take() {
                return Some(Err(error));
            }
            if self.ended {
                return None;
            }
            let chunk = self.response.chunk().await;
            let (call, convert) = (&self.call, self.convert);
            let reader = |position, bytes: &[u8]| records::read(call, position, bytes, convert);
            let read = match chunk {
                Ok(Some(chunk)) => self.elements.feed(&chunk, reader, &mut self.ready),
                Ok(None) => {
                    self.ended = true;
                    self.elements.finish(reader, &mut self.ready)
                }
                Err(e) => {
                    self.ended = true;
                    let record = CallRecord {
                        response: Some(self.facts.clone()),
                        ..CallRecord::default()
                    };
                    let error = self
                        .call
                        .error(record, ApiError::<()>::ResponseBodyError(e))
                        .await;
                    self.failed = Some(error);
                    Ok(())
                }
            };
            if let Err(malformed) = read {
                self.ended = true;
                self.failed = Some(Error::BadResponse {
                    vendor: self.call.vendor(),
                    operation: self.call.operation,
                    status: Some(self.facts.status),
                    content_type: self.facts.content_type.clone(),
                    reason: malformed.reason,
                    excerpt: self.call.excerpt(self.elements.head()),
                });
            }
            // The body is read (or given up): its slot is free for the provider's next call,
            // even before the caller has taken every record read.
            if self.ended
                && let Some(slot) = self.slot.take()
            {
                slot.release().await;
            }
        }
    }
}

/// Whether a `Content-Type` names JSON (`application/json`, `application/problem+json`, …).
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_are_recognised() {
        for yes in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/problem+json",
        ] {
            assert!(is_json(yes), "{yes}");
        }
        for no in ["text/html", "text/plain", "application/xml", "", "json"] {
            assert!(!is_json(no), "{no}");
        }
    }
}
