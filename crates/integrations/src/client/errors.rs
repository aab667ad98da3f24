//! From a generated client's error to the facade's [`Error`]: the one place where statuses
//! become variants.

use progenitor_client::Error as ApiError;
use reqwest::StatusCode;

use super::call::Call;
use super::retry::retry_after;
use super::scope::CallRecord;
use super::transport;
use crate::error::{Error, FieldError, Operation};
use crate::model::Vendor;

/// What the facade reads from a vendor's error body.
pub(crate) trait ErrorBody {
    /// The vendor's message.
    fn message(&self) -> Option<String>;
    /// Per-field errors, for validation failures.
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

impl ErrorBody for () {
    fn message(&self) -> Option<String> {
        None
    }
}

/// Most of an undocumented answer's body read for an error excerpt.
const EXCERPT_READ: usize = 4096;

/// Maps any error of a generated call, with what the transport recorded about it.
pub(crate) async fn map_error<E: ErrorBody>(
    call: &Call<'_>,
    record: CallRecord,
    error: ApiError<E>,
) -> Error {
    if let Some(failure) = record.failure {
        return failure;
    }
    let facts = record.response.unwrap_or_default();
    let status = (facts.status != 0).then_some(facts.status);
    match error {
        ApiError::ErrorResponse(rv) => {
            let status = rv.status();
            let retry = retry_after(rv.headers());
            let body = rv.into_inner();
            // A login's answer is never quoted, not even its message.
            let quote = call.operation != Operation::Login;
            let message = body
                .message()
                .filter(|_| quote)
                .map(|m| call.scrub_message(&m));
            let mut errors = body.field_errors();
            for e in &mut errors {
                e.message = e
                    .message
                    .as_deref()
                    .filter(|_| quote)
                    .map(|m| call.scrub_message(m));
            }
            from_status(call, status, retry, message, errors, None, true)
        }
        ApiError::UnexpectedResponse(response) => {
            let status = response.status();
            let retry = retry_after(response.headers());
            let content_type = facts.content_type;
            let body = read_start(response).await;
            let excerpt = call.excerpt(&body);
            if status.is_success() {
                return Error::BadResponse {
                    vendor: call.vendor(),
                    operation: call.operation,
                    status: Some(status.as_u16()),
                    content_type,
                    reason: "a success status the API document does not list".into(),
                    excerpt,
                };
            }
            let mut mapped = from_status(call, status, retry, None, Vec::new(), excerpt, false);
            if let Error::BadResponse {
                content_type: ct, ..
            } = &mut mapped
            {
                *ct = content_type;
            }
            mapped
        }
        ApiError::CommunicationError(e) | ApiError::InvalidUpgrade(e) => transport(call, e),
        ApiError::ResponseBodyError(e) => {
            if transport::is_over_limit(&e) {
                Error::ResponseTooLarge {
                    vendor: call.vendor(),
                    operation: call.operation,
                    limit: call.max_response_bytes(),
                }
            } else if e.is_timeout() {
                transport(call, e)
            } else {
                Error::BadResponse {
                    vendor: call.vendor(),
                    operation: call.operation,
                    status,
                    content_type: facts.content_type,
                    reason: format!("the body could not be read to its end ({})", innermost(&e)),
                    excerpt: None,
                }
            }
        }
        // A documented error status whose body is not the vendor's error shape (a proxy's
        // page, an empty body): the status still says what happened.
        ApiError::InvalidResponsePayload(bytes, _) if status.is_some() && !facts.is_success() => {
            let code = StatusCode::from_u16(facts.status).unwrap_or(StatusCode::BAD_GATEWAY);
            let mut mapped = from_status(
                call,
                code,
                facts.retry_after,
                None,
                Vec::new(),
                call.excerpt(&bytes),
                true,
            );
            if let Error::BadResponse {
                content_type: ct, ..
            } = &mut mapped
            {
                *ct = facts.content_type;
            }
            mapped
        }
        ApiError::InvalidResponsePayload(bytes, e) => Error::BadResponse {
            vendor: call.vendor(),
            operation: call.operation,
            status,
            content_type: facts.content_type,
            reason: format!(
                "the body does not match the API document: {}",
                call.decoding_error(&e)
            ),
            excerpt: call.excerpt(&bytes),
        },
        ApiError::InvalidRequest(message) | ApiError::Custom(message) => Error::Transport {
            vendor: call.vendor(),
            operation: call.operation,
            source: call.scrub_message(&message).into(),
        },
    }
}

/// The message of the last cause in `e`'s chain (hyper's "end of file before message length
/// reached", say), which holds no body.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// Maps a transport-level failure.
pub(crate) fn transport(call: &Call<'_>, e: reqwest::Error) -> Error {
    // reqwest errors carry the URL, which holds no secret (credentials travel in headers/bodies).
    if e.is_timeout() {
        Error::Timeout {
            vendor: call.vendor(),
            operation: call.operation,
            source: Box::new(e),
        }
    } else {
        Error::Transport {
            vendor: call.vendor(),
            operation: call.operation,
            source: Box::new(e),
        }
    }
}

fn from_status(
    call: &Call<'_>,
    status: StatusCode,
    retry_after: Option<std::time::Duration>,
    message: Option<String>,
    field_errors: Vec<FieldError>,
    excerpt: Option<String>,
    documented: bool,
) -> Error {
    let vendor = call.vendor();
    let operation = call.operation;
    let said = || {
        message
            .clone()
            .or_else(|| excerpt.clone().filter(|e| !e.is_empty()))
            .unwrap_or_else(|| status.to_string())
    };
    match status.as_u16() {
        // Looker answers a refused login with 404.
        404 if operation == Operation::Login => Error::Unauthorized {
            vendor,
            operation,
            message: "the client id or client secret was refused".into(),
        },
        404 => match call.id {
            Some(id) => Error::NotFound {
                vendor,
                operation,
                id: id.to_owned(),
            },
            None => Error::BadResponse {
                vendor,
                operation,
                status: Some(404),
                content_type: None,
                reason: said(),
                excerpt: None,
            },
        },
        401 => Error::Unauthorized {
            vendor,
            operation,
            message: said(),
        },
        // Torq: an expired token; the transport already logged in again once.
        302 if vendor == Vendor::Torq => Error::Unauthorized {
            vendor,
            operation,
            message: "the token expired and a fresh one was refused too".into(),
        },
        403 => Error::Forbidden {
            vendor,
            operation,
            message: said(),
        },
        422 => Error::Validation {
            vendor,
            operation,
            message: message.unwrap_or_else(|| "validation failed".into()),
            errors: field_errors,
        },
        429 => Error::RateLimited {
            vendor,
            operation,
            retry_after,
        },
        code @ 500..=599 => Error::Server {
            vendor,
            operation,
            status: code,
            message: message.or(excerpt).filter(|m| !m.is_empty()),
        },
        code @ 400..=499 if documented => Error::Rejected {
            vendor,
            operation,
            status: code,
            message: message.or(excerpt).filter(|m| !m.is_empty()),
        },
        code => Error::BadResponse {
            vendor,
            operation,
            status: Some(code),
            content_type: None,
            reason: match message {
                Some(m) => format!("a status the API document does not list: {m}"),
                None => "a status the API document does not list".into(),
            },
            excerpt,
        },
    }
}

/// The start of a response body, at most [`EXCERPT_READ`] bytes.
async fn read_start(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = EXCERPT_READ - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= EXCERPT_READ {
            break;
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::call::Calls;

    #[test]
    fn statuses_map_to_variants() {
        let looker = Calls::for_tests(Vendor::Looker);
        let torq = Calls::for_tests(Vendor::Torq);
        let e = |calls: &Calls, op, id: Option<&str>, status: u16| {
            from_status(
                &calls.call(op, id),
                StatusCode::from_u16(status).unwrap(),
                None,
                None,
                Vec::new(),
                None,
                false,
            )
        };
        assert!(
            matches!(e(&looker, Operation::Get, Some("x"), 404), Error::NotFound { ref id, .. } if id == "x")
        );
        type Expected = fn(&Error) -> bool;
        let cases: [(&Calls, Operation, Option<&str>, u16, Expected); 8] = [
            (&looker, Operation::Login, None, 404, |e| {
                matches!(e, Error::Unauthorized { .. })
            }),
            (&looker, Operation::List, None, 401, |e| {
                matches!(e, Error::Unauthorized { .. })
            }),
            (&looker, Operation::List, None, 403, |e| {
                matches!(e, Error::Forbidden { .. })
            }),
            (&looker, Operation::Update, Some("x"), 422, |e| {
                matches!(e, Error::Validation { .. })
            }),
            (&looker, Operation::List, None, 429, |e| {
                matches!(e, Error::RateLimited { .. })
            }),
            (&looker, Operation::List, None, 503, |e| {
                matches!(e, Error::Server { status: 503, .. })
            }),
            (&looker, Operation::List, None, 418, |e| {
                matches!(
                    e,
                    Error::BadResponse {
                        status: Some(418),
                        ..
                    }
                )
            }),
            (&torq, Operation::List, None, 302, |e| {
                matches!(e, Error::Unauthorized { .. })
            }),
        ];
        for (calls, operation, id, status, expected) in cases {
            let error = e(calls, operation, id, status);
            assert!(expected(&error), "{operation} {status}: {error:?}");
        }
        let documented_400 = from_status(
            &looker.call(Operation::List, None),
            StatusCode::BAD_REQUEST,
            None,
            Some("bad fields".into()),
            Vec::new(),
            None,
            true,
        );
        assert!(matches!(
            documented_400,
            Error::Rejected { status: 400, .. }
        ));
        assert_eq!(
            documented_400.to_string(),
            "looker list: refused (HTTP 400): bad fields"
        );
    }
}
