//! Helpers shared by the end-to-end tests of integrations-rs.

use std::fmt::Debug;

use wiremock::http::Method;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Identifiers that must survive the trip into a URL path: a slash, a question mark, dots, a
/// space, a percent sign and a non-ASCII letter.
///
/// A whole segment of `.` or `..` cannot survive: URL parsing resolves it, even percent-encoded
/// (see `dot_segment_ids_cannot_be_sent` in `looker_wire.rs`); the facade refuses such ids.
pub const ODD_IDS: [(&str, &str); 5] = [
    ("a/b", "a%2Fb"),
    ("what?x=1", "what%3Fx=1"),
    ("../x", "..%2Fx"),
    ("...", "..."),
    ("50% off é", "50%25%20off%20%C3%A9"),
];

/// One request as the server saw it.
#[derive(Debug)]
pub struct Seen {
    /// HTTP method.
    pub method: Method,
    /// Path exactly as sent (still percent-encoded).
    pub raw_path: String,
    /// Query string exactly as sent, if any.
    pub query: Option<String>,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as text.
    pub body: String,
}

/// A server that answers every request with `response`.
pub async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// The body of the typed error response that `outcome` must be, with `status` (the test fails
/// otherwise, at the caller's line). Both generated clients' `Error` is progenitor's, so this
/// serves either.
#[track_caller]
pub fn error_body<T: Debug, E: Debug>(outcome: Result<T, looker_api::Error<E>>, status: u16) -> E {
    match outcome {
        Err(looker_api::Error::ErrorResponse(rv)) => {
            assert_eq!(rv.status().as_u16(), status, "{rv:?}");
            rv.into_inner()
        }
        other => panic!("expected a typed {status} error body, got {other:?}"),
    }
}

/// The status of the response that `outcome` must be, one the operation does not document (the
/// test fails otherwise, at the caller's line).
#[track_caller]
pub fn unexpected_status<T: Debug, E: Debug>(outcome: Result<T, looker_api::Error<E>>) -> u16 {
    match outcome {
        Err(looker_api::Error::UnexpectedResponse(response)) => response.status().as_u16(),
        other => panic!("expected an undocumented response, got {other:?}"),
    }
}

/// The only request `server` received (fails the test if there were others).
pub async fn only_request(server: &MockServer) -> Seen {
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
    let r = &requests[0];
    Seen {
        method: r.method.clone(),
        raw_path: r.url.path().to_owned(),
        query: r.url.query().map(str::to_owned),
        content_type: r
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: String::from_utf8_lossy(&r.body).into_owned(),
    }
}

impl Seen {
    /// This request, after failing the test unless it is `method` on `raw_path` (as sent, still
    /// percent-encoded) with `query` (`None`: no query string).
    #[track_caller]
    pub fn sent(self, method: &str, raw_path: &str, query: Option<&str>) -> Self {
        assert_eq!(
            (
                self.method.as_str(),
                self.raw_path.as_str(),
                self.query.as_deref()
            ),
            (method, raw_path, query),
            "method, path and query of {self:#?}"
        );
        self
    }

    /// Fails the test unless this request is `method` on `raw_path` with neither a query string
    /// nor a body.
    #[track_caller]
    pub fn sent_nothing(self, method: &str, raw_path: &str) {
        let seen = self.sent(method, raw_path, None);
        assert_eq!(seen.body, "", "{seen:#?}");
    }

    /// The body as text, after failing the test unless it was sent as `content_type`.
    #[track_caller]
    pub fn body_as(&self, content_type: &str) -> &str {
        assert_eq!(
            self.content_type.as_deref(),
            Some(content_type),
            "{self:#?}"
        );
        &self.body
    }

    /// The body parsed as JSON, after failing the test unless it was sent as `application/json`.
    #[track_caller]
    pub fn json_body(&self) -> serde_json::Value {
        let body = self.body_as("application/json");
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"))
    }
}

/// `value` with every `null` member removed: generated types write an absent optional field
/// where the vendor wrote `null`, which means the same.
pub fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, without_nulls(v)))
            .collect(),
        serde_json::Value::Array(items) => items.into_iter().map(without_nulls).collect(),
        other => other,
    }
}
