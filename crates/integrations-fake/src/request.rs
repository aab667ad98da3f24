//! Reading what a client sent, defensively: bodies with a size limit, media types, form fields,
//! the `Authorization` header.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;

/// The largest request body a fake server reads: 1 MiB. A longer body is answered 400 in the
/// vendor's error shape (neither vendor documents 413).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How much of an over-long body is read and thrown away before refusing it (a 400 in the
/// vendor's error shape), so that the client gets to read the answer instead of a reset
/// connection.
const DRAIN_LIMIT: usize = 64 * BODY_LIMIT;

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Longer than [`BODY_LIMIT`].
    TooLarge,
    /// The connection failed while the body was being read.
    Unreadable,
}

/// Reads the whole body, at most [`BODY_LIMIT`] bytes of it.
pub(crate) async fn read_body(mut body: Body) -> Result<Bytes, BodyError> {
    let mut buffer = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen > DRAIN_LIMIT {
            return Err(BodyError::TooLarge);
        }
        if seen <= BODY_LIMIT {
            buffer.extend_from_slice(&data);
        }
    }
    if seen > BODY_LIMIT {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(buffer))
}

/// The media type of a request body, from its `Content-Type`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum MediaType {
    /// `application/json` or any `…+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// No `Content-Type` header.
    Missing,
    /// Anything else (lower-cased, without parameters).
    Other(String),
}

/// The media type named by the `Content-Type` header.
pub(crate) fn media_type(headers: &HeaderMap) -> MediaType {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return MediaType::Missing;
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => MediaType::Json,
        "application/x-www-form-urlencoded" => MediaType::Form,
        other if other.starts_with("application/") && other.ends_with("+json") => MediaType::Json,
        _ => MediaType::Other(essence),
    }
}

/// The first value of the field `name` in a form-encoded body or query string.
pub(crate) fn form_field(encoded: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(encoded)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The fields of a form-encoded body, as a JSON object of strings (the first value of each).
pub(crate) fn form_as_json(encoded: &[u8]) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for (key, value) in form_urlencoded::parse(encoded) {
        object
            .entry(key.into_owned())
            .or_insert_with(|| serde_json::Value::String(value.into_owned()));
    }
    serde_json::Value::Object(object)
}

/// The `Authorization` header split into its scheme (lower case) and credentials.
pub(crate) fn authorization(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    let credentials = credentials.trim();
    if credentials.is_empty() {
        return None;
    }
    Some((scheme.to_ascii_lowercase(), credentials.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).expect("valid header"));
        map
    }

    #[tokio::test]
    async fn a_body_up_to_the_limit_is_read_and_a_longer_one_refused() {
        let exact = vec![b'a'; BODY_LIMIT];
        assert_eq!(
            read_body(Body::from(exact.clone())).await.map(|b| b.len()),
            Ok(BODY_LIMIT)
        );
        let longer = vec![b'a'; BODY_LIMIT + 1];
        assert_eq!(
            read_body(Body::from(longer)).await,
            Err(BodyError::TooLarge)
        );
    }

    #[test]
    fn media_types_are_recognised_with_parameters_and_any_case() {
        assert_eq!(
            media_type(&headers(
                header::CONTENT_TYPE,
                "Application/JSON; charset=utf-8"
            )),
            MediaType::Json
        );
        assert_eq!(
            media_type(&headers(
                header::CONTENT_TYPE,
                "application/merge-patch+json"
            )),
            MediaType::Json
        );
        assert_eq!(
            media_type(&headers(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded"
            )),
            MediaType::Form
        );
        assert_eq!(
            media_type(&headers(header::CONTENT_TYPE, "text/plain")),
            MediaType::Other("text/plain".into())
        );
        assert_eq!(media_type(&HeaderMap::new()), MediaType::Missing);
    }

    #[test]
    fn form_fields_are_decoded_and_the_first_value_wins() {
        let body = b"client_id=a%2Bb&client_secret=c+d&client_id=other";
        assert_eq!(form_field(body, "client_id").as_deref(), Some("a+b"));
        assert_eq!(form_field(body, "client_secret").as_deref(), Some("c d"));
        assert_eq!(form_field(body, "missing"), None);
        assert_eq!(
            form_as_json(body),
            serde_json::json!({"client_id": "a+b", "client_secret": "c d"})
        );
    }

    #[test]
    fn authorization_is_split_into_scheme_and_credentials() {
        assert_eq!(
            authorization(&headers(header::AUTHORIZATION, "Bearer abc")),
            Some(("bearer".into(), "abc".into()))
        );
        assert_eq!(
            authorization(&headers(header::AUTHORIZATION, "token   abc ")),
            Some(("token".into(), "abc".into()))
        );
        assert_eq!(
            authorization(&headers(header::AUTHORIZATION, "Bearer")),
            None
        );
        assert_eq!(
            authorization(&headers(header::AUTHORIZATION, "Bearer  ")),
            None
        );
        assert_eq!(authorization(&HeaderMap::new()), None);
    }
}
