//! The one error type of the facade.

use std::time::Duration;

use crate::model::Vendor;

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The boxed cause of an error.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The operations of a provider, as named in errors, spans and capabilities.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    /// List integrations.
    List,
    /// Read one integration.
    Get,
    /// Change an integration.
    Update,
    /// Test an integration.
    Test,
    /// Obtain an access token.
    Login,
    /// End the session.
    Logout,
    /// List integration hubs.
    ListHubs,
    /// Read one integration hub.
    GetHub,
    /// Add an integration hub.
    CreateHub,
    /// Change an integration hub.
    UpdateHub,
    /// Remove an integration hub.
    DeleteHub,
    /// Check an integration hub's health.
    HubHealth,
    /// Accept an integration hub's legal agreement.
    AcceptHubAgreement,
    /// Read an integration's form.
    Form,
}

impl Operation {
    /// Lower-case name (`list`, `get`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::List => "list",
            Operation::Get => "get",
            Operation::Update => "update",
            Operation::Test => "test",
            Operation::Login => "login",
            Operation::Logout => "logout",
            Operation::ListHubs => "list hubs",
            Operation::GetHub => "get hub",
            Operation::CreateHub => "create hub",
            Operation::UpdateHub => "update hub",
            Operation::DeleteHub => "delete hub",
            Operation::HubHealth => "hub health",
            Operation::AcceptHubAgreement => "accept hub agreement",
            Operation::Form => "form",
        }
    }
}

impl Operation {
    /// What the operation is about, for messages: `integration hub` or `integration`.
    fn subject(self) -> &'static str {
        match self {
            Operation::GetHub
            | Operation::UpdateHub
            | Operation::DeleteHub
            | Operation::HubHealth
            | Operation::AcceptHubAgreement => "integration hub",
            _ => "integration",
        }
    }
}

crate::model::display_as!(Operation, as_str);

/// What is wrong with one field of a rejected update.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[non_exhaustive]
pub struct FieldError {
    /// The field, as the vendor names it (e.g. `params[0].name`).
    pub field: String,
    /// The vendor's error code (e.g. `missing`, `invalid`).
    pub code: Option<String>,
    /// What is wrong.
    pub message: Option<String>,
}

impl FieldError {
    /// An error about `field`, with the vendor's `code` and `message` when it gave them.
    pub fn new(field: impl Into<String>, code: Option<String>, message: Option<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message,
        }
    }
}

/// Why a call failed. Every variant from a call names the vendor and the operation; none holds a
/// secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The integration (or, for a hub operation, the hub) does not exist, or the caller may not
    /// see it.
    #[error("{vendor} {operation}: {} `{id}` not found", operation.subject())]
    NotFound {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The vendor id asked for.
        id: String,
    },
    /// The credentials were refused (after one fresh login).
    #[error("{vendor} {operation}: unauthorized: {message}")]
    Unauthorized {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// What the vendor said (never a credential).
        message: String,
    },
    /// The credentials are valid but may not do this.
    #[error("{vendor} {operation}: forbidden: {message}")]
    Forbidden {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// What the vendor said.
        message: String,
    },
    /// The vendor rejected the fields of an update.
    #[error("{vendor} {operation}: validation failed: {message}{}", field_list(.errors))]
    Validation {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The vendor's summary.
        message: String,
        /// One entry per invalid field.
        errors: Vec<FieldError>,
    },
    /// The vendor refused the request as it was sent, with a status its API document lists
    /// (400 bad request, 409 conflict, …) and no more precise meaning.
    #[error("{vendor} {operation}: refused (HTTP {status}){}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Rejected {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The HTTP status.
        status: u16,
        /// What the vendor said, scrubbed of secrets and bounded.
        message: Option<String>,
    },
    /// The vendor is rate limiting and the retry budget is spent.
    #[error("{vendor} {operation}: rate limited{}", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// How long the vendor asked to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// The vendor has no such operation.
    #[error("{vendor} does not support {operation}")]
    Unsupported {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
    },
    /// No answer in time.
    #[error("{vendor} {operation}: timed out")]
    Timeout {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The underlying error.
        #[source]
        source: Source,
    },
    /// The request could not be sent or its answer not received.
    #[error("{vendor} {operation}: transport error: {source}")]
    Transport {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The underlying error.
        #[source]
        source: Source,
    },
    /// The vendor failed (a 5xx status) and retrying did not help.
    #[error("{vendor} {operation}: the server failed (HTTP {status}){}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Server {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The HTTP status (500–599).
        status: u16,
        /// What the vendor said, scrubbed of secrets and bounded.
        message: Option<String>,
    },
    /// The vendor answered something its API document does not describe: a status it does not
    /// list, a body of the wrong shape or type, not JSON, a wrong content type, a body cut
    /// short. The network worked; the answer is wrong.
    #[error("{vendor} {operation}: bad response{}: {reason}{}", response_facts(*status, content_type.as_deref()), excerpt.as_deref().map(|e| format!("; body: {e}")).unwrap_or_default())]
    BadResponse {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// HTTP status, when there was one.
        status: Option<u16>,
        /// The answer's `Content-Type`, when it had one.
        content_type: Option<String>,
        /// What is wrong with it (a decoding error's strings are masked).
        reason: String,
        /// The start of the body, scrubbed of secrets and bounded; never for a login answer.
        excerpt: Option<String>,
    },
    /// The answer's body is larger than the provider's limit (`with_max_response_bytes`); the
    /// rest of it was not read.
    #[error("{vendor} {operation}: the response body exceeds the limit of {limit} bytes")]
    ResponseTooLarge {
        /// Vendor.
        vendor: Vendor,
        /// Operation.
        operation: Operation,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A string is not a valid vendor-qualified id.
    #[error("invalid integration id `{input}`: {reason}")]
    InvalidId {
        /// What was given.
        input: String,
        /// Why it is refused.
        reason: String,
    },
    /// A configuration key that no vendor knows.
    #[error("unknown configuration key `{key}`: expected one of {}", expected.join(", "))]
    UnknownKey {
        /// What was given.
        key: String,
        /// The keys that exist.
        expected: Vec<String>,
    },
    /// A setting is missing or malformed.
    #[error("{vendor} configuration: {setting}: {message}")]
    Config {
        /// Vendor.
        vendor: Vendor,
        /// The setting, as users name it (`LOOKERSDK_BASE_URL`, `looker.ini [Looker] base_url`).
        setting: String,
        /// What is wrong.
        message: String,
    },
}

fn field_list(errors: &[FieldError]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let fields: Vec<String> = errors
        .iter()
        .map(|e| match &e.message {
            Some(m) => format!("{} ({m})", e.field),
            None => e.field.clone(),
        })
        .collect();
    format!(": {}", fields.join(", "))
}

/// ` (HTTP 200, text/html)`, or what of it is known.
fn response_facts(status: Option<u16>, content_type: Option<&str>) -> String {
    match (status, content_type) {
        (Some(s), Some(t)) => format!(" (HTTP {s}, {t})"),
        (Some(s), None) => format!(" (HTTP {s})"),
        (None, Some(t)) => format!(" ({t})"),
        (None, None) => String::new(),
    }
}

impl Error {
    /// The vendor and the operation of an error that comes from a call.
    fn call(&self) -> Option<(Vendor, Operation)> {
        match self {
            Error::NotFound {
                vendor, operation, ..
            }
            | Error::Unauthorized {
                vendor, operation, ..
            }
            | Error::Forbidden {
                vendor, operation, ..
            }
            | Error::Validation {
                vendor, operation, ..
            }
            | Error::Rejected {
                vendor, operation, ..
            }
            | Error::RateLimited {
                vendor, operation, ..
            }
            | Error::Unsupported {
                vendor, operation, ..
            }
            | Error::Timeout {
                vendor, operation, ..
            }
            | Error::Transport {
                vendor, operation, ..
            }
            | Error::Server {
                vendor, operation, ..
            }
            | Error::BadResponse {
                vendor, operation, ..
            }
            | Error::ResponseTooLarge {
                vendor, operation, ..
            } => Some((*vendor, *operation)),
            Error::InvalidId { .. } | Error::UnknownKey { .. } | Error::Config { .. } => None,
        }
    }

    /// The operation that failed, when the error comes from a call.
    pub fn operation(&self) -> Option<Operation> {
        self.call().map(|(_, operation)| operation)
    }

    /// The vendor the error is about, when it is about one.
    pub fn vendor(&self) -> Option<Vendor> {
        match self {
            Error::Config { vendor, .. } => Some(*vendor),
            _ => self.call().map(|(vendor, _)| vendor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_vendor_operation_and_cause() {
        let e = Error::Validation {
            vendor: Vendor::Looker,
            operation: Operation::Update,
            message: "Validation Failed".into(),
            errors: vec![
                FieldError {
                    field: "params[0].name".into(),
                    code: Some("invalid".into()),
                    message: Some("unknown".into()),
                },
                FieldError {
                    field: "enabled".into(),
                    code: None,
                    message: None,
                },
            ],
        };
        assert_eq!(
            e.to_string(),
            "looker update: validation failed: Validation Failed: params[0].name (unknown), enabled"
        );
        let e = Error::RateLimited {
            vendor: Vendor::Torq,
            operation: Operation::List,
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(e.to_string(), "torq list: rate limited (retry after 3 s)");
        assert_eq!(e.vendor(), Some(Vendor::Torq));
    }
}
