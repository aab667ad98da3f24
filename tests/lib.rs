//! Helpers shared by the end-to-end tests of integrations-rs.

use wiremock::MockServer;
use wiremock::http::Method;

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
