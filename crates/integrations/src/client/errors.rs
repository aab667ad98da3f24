//! From a generated client's error to the facade's [`Error`]: the one place where statuses
//! become variants.

use progenitor_client::Error as ApiError;
use reqwest::StatusCode;

use super::retry::retry_after;
use crate::error::{Error, FieldError, Operation, snippet};
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

/// Where the call was going, for the error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    pub vendor: Vendor,
    pub operation: Operation,
    /// The vendor id the call was about, if any.
    pub id: Option<&'a str>,
}

/// Most of a body kept for an error snippet.
const BODY_LIMIT: usize = 4096;

/// Maps any error of a generated call.
pub(crate) async fn map_error<E: ErrorBody>(call: Call<'_>, error: ApiError<E>) -> Error {
    match error {
        ApiError::ErrorResponse(rv) => {
            let status = rv.status();
            let retry = retry_after(rv.headers());
            let body = rv.into_inner();
            from_status(
                call,
                status,
                retry,
                body.message(),
                body.field_errors(),
                String::new(),
            )
        }
        ApiError::UnexpectedResponse(response) => {
            let status = response.status();
            let retry = retry_after(response.headers());
            let body = read_bounded(response).await;
            from_status(call, status, retry, None, Vec::new(), snippet(&body))
        }
        ApiError::CommunicationError(e)
        | ApiError::ResponseBodyError(e)
        | ApiError::InvalidUpgrade(e) => transport(call, e),
        ApiError::InvalidResponsePayload(bytes, e) => Error::BadResponse {
            vendor: call.vendor,
            operation: call.operation,
            status: None,
            snippet: format!("{e}; body: {}", snippet(&bytes)),
        },
        ApiError::InvalidRequest(message) | ApiError::Custom(message) => Error::Transport {
            vendor: call.vendor,
            operation: call.operation,
            source: message.into(),
        },
    }
}

/// Maps a transport-level failure.
pub(crate) fn transport(call: Call<'_>, e: reqwest::Error) -> Error {
    // reqwest errors carry the URL, which holds no secret (credentials travel in headers/bodies).
    if e.is_timeout() {
        Error::Timeout {
            vendor: call.vendor,
            operation: call.operation,
            source: Box::new(e),
        }
    } else {
        Error::Transport {
            vendor: call.vendor,
            operation: call.operation,
            source: Box::new(e),
        }
    }
}

fn from_status(
    call: Call<'_>,
    status: StatusCode,
    retry_after: Option<std::time::Duration>,
    message: Option<String>,
    field_errors: Vec<FieldError>,
    body: String,
) -> Error {
    let Call {
        vendor,
        operation,
        id,
    } = call;
    let said = || {
        message.clone().unwrap_or_else(|| {
            if body.is_empty() {
                status.to_string()
            } else {
                body.clone()
            }
        })
    };
    match status.as_u16() {
        // Looker answers a refused login with 404.
        404 if operation == Operation::Login => Error::Unauthorized {
            vendor,
            operation,
            message: "the client id or client secret was refused".into(),
        },
        404 => match id {
            Some(id) => Error::NotFound {
                vendor,
                operation,
                id: id.to_owned(),
            },
            None => Error::BadResponse {
                vendor,
                operation,
                status: Some(404),
                snippet: said(),
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
        code => Error::BadResponse {
            vendor,
            operation,
            status: Some(code),
            snippet: said(),
        },
    }
}

/// The start of a response body, at most [`BODY_LIMIT`] bytes.
async fn read_bounded(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = BODY_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= BODY_LIMIT {
            break;
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(operation: Operation, id: Option<&str>) -> Call<'_> {
        Call {
            vendor: Vendor::Looker,
            operation,
            id,
        }
    }

    #[test]
    fn statuses_map_to_variants() {
        let e = |op, id, status: u16| {
            from_status(
                call(op, id),
                StatusCode::from_u16(status).unwrap(),
                None,
                None,
                Vec::new(),
                String::new(),
            )
        };
        assert!(
            matches!(e(Operation::Get, Some("x"), 404), Error::NotFound { ref id, .. } if id == "x")
        );
        assert!(matches!(
            e(Operation::Login, None, 404),
            Error::Unauthorized { .. }
        ));
        assert!(matches!(
            e(Operation::List, None, 401),
            Error::Unauthorized { .. }
        ));
        assert!(matches!(
            e(Operation::List, None, 403),
            Error::Forbidden { .. }
        ));
        assert!(matches!(
            e(Operation::Update, Some("x"), 422),
            Error::Validation { .. }
        ));
        assert!(matches!(
            e(Operation::List, None, 429),
            Error::RateLimited { .. }
        ));
        assert!(matches!(
            e(Operation::List, None, 500),
            Error::BadResponse {
                status: Some(500),
                ..
            }
        ));
        let torq = from_status(
            Call {
                vendor: Vendor::Torq,
                operation: Operation::List,
                id: None,
            },
            StatusCode::FOUND,
            None,
            None,
            Vec::new(),
            String::new(),
        );
        assert!(matches!(torq, Error::Unauthorized { .. }));
    }
}
