//! One call of a generated client, from the provider's side: run in an in-flight slot with a
//! record of its own, its answer checked, its error in the facade's terms with every excerpt
//! scrubbed.

use std::future::Future;

use progenitor_client::{Error as ApiError, ResponseValue};
use secrecy::SecretString;

use super::errors::{ErrorBody, map_error};
use super::limit::InFlight;
use super::records::{self, Unusable};
use super::scope::{self, CallRecord};
use super::scrub::Secrets;
use crate::error::{Error, Operation, Result};
use crate::listing::Listing;
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

impl Call<'_> {
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

    /// Runs a listing `request` and returns its records in the facade's model: decoded whole
    /// (the fast path) and taken out of the answer by `records_of`, or, when the whole does not
    /// decode, record by record from the array at `member` of the body (`None`: the body is
    /// the array) so that one record of an unexpected shape does not cost the others.
    pub(crate) async fn listing<A, T, E>(
        &self,
        request: impl Future<Output = std::result::Result<ResponseValue<A>, ApiError<E>>>,
        records_of: impl FnOnce(A) -> Vec<T>,
        member: Option<&str>,
        convert: impl FnMut(T) -> std::result::Result<crate::model::Integration, Unusable>,
    ) -> Result<Listing>
    where
        T: serde::de::DeserializeOwned,
        E: ErrorBody,
    {
        let (outcome, record) = self.exchange(request).await;
        match outcome {
            Ok(answer) => {
                self.check_content_type(&record)?;
                let whole = records_of(answer.into_inner());
                Ok(records::listing(whole.into_iter().map(Ok), convert))
            }
            Err(ApiError::InvalidResponsePayload(body, e))
                if record.failure.is_none()
                    && record.response.as_ref().is_some_and(|r| r.is_success()) =>
            {
                self.check_content_type(&record)?;
                match records::split(&body, member) {
                    Some(items) => Ok(records::listing(
                        records::decode_each(&items, self),
                        convert,
                    )),
                    None => Err(self
                        .error(record, ApiError::<E>::InvalidResponsePayload(body, e))
                        .await),
                }
            }
            Err(e) => Err(self.error(record, e).await),
        }
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
