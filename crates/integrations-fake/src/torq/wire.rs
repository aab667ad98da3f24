//! What the Torq fake puts on the wire: errors of the API as grpc-gateway's `rpcStatus`
//! (`code`, `message`, `details`), errors of the token endpoint as OAuth 2.0's (RFC 6749 §5.2:
//! `error`, `error_description`), and the list answer.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use torq_api::types::{OAuthError, RpcStatus, V1alphaIntegration, V1alphaListIntegrationsResponse};

/// The `WWW-Authenticate` challenge of the token endpoint's 401: HTTP Basic, the scheme Torq
/// documents for the client id and secret.
pub(crate) const TOKEN_CHALLENGE: &str = "Basic realm=\"torq\"";

/// An OAuth 2.0 error code of the token endpoint (RFC 6749 §5.2), those the fake answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OAuthCode {
    /// A parameter is missing or malformed, or the request is otherwise malformed: 400.
    InvalidRequest,
    /// Client authentication failed: 401, with a `WWW-Authenticate` challenge.
    InvalidClient,
    /// A grant type other than `client_credentials`: 400.
    UnsupportedGrantType,
}

impl OAuthCode {
    /// The code as it goes on the wire.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    /// The status RFC 6749 §5.2 gives the code.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::InvalidRequest | Self::UnsupportedGrantType => StatusCode::BAD_REQUEST,
        }
    }
}

/// A refusal of the token endpoint: the status of `code` with the OAuth 2.0 error body
/// `{"error", "error_description"}`, and for 401 the `WWW-Authenticate` challenge HTTP requires.
pub(crate) fn oauth_error(code: OAuthCode, description: &str) -> Response {
    let body = OAuthError {
        error: code.as_str().to_owned(),
        error_description: Some(description.to_owned()),
        error_uri: None,
        extra: serde_json::Map::new(),
    };
    let mut response = (code.status(), Json(body)).into_response();
    if code.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(TOKEN_CHALLENGE),
        );
    }
    response
}

/// The token endpoint's answer to a failure a test injects: the statuses the spec documents for
/// it (400, 401) in their OAuth 2.0 shape, any other in Torq's `rpcStatus`.
pub(crate) fn token_error(status: StatusCode, message: &str) -> Response {
    match status {
        StatusCode::BAD_REQUEST => oauth_error(OAuthCode::InvalidRequest, message),
        StatusCode::UNAUTHORIZED => oauth_error(OAuthCode::InvalidClient, message),
        _ => error(status, message),
    }
}

/// The gRPC status code grpc-gateway pairs with an HTTP status.
pub(crate) fn grpc_code(status: StatusCode) -> i32 {
    match status.as_u16() {
        200 => 0,        // OK
        400 | 413 => 3,  // INVALID_ARGUMENT
        401 | 302 => 16, // UNAUTHENTICATED
        403 => 7,        // PERMISSION_DENIED
        404 => 5,        // NOT_FOUND
        405 | 501 => 12, // UNIMPLEMENTED
        408 | 504 => 4,  // DEADLINE_EXCEEDED
        409 => 6,        // ALREADY_EXISTS
        429 => 8,        // RESOURCE_EXHAUSTED
        499 => 1,        // CANCELLED
        500 => 13,       // INTERNAL
        502 | 503 => 14, // UNAVAILABLE
        _ => 2,          // UNKNOWN
    }
}

/// A Torq error: `status` with an `rpcStatus` body carrying `message` (and `details: []`, as
/// grpc-gateway emits it).
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let status_body = RpcStatus {
        code: Some(grpc_code(status)),
        message: Some(message.to_owned()),
        details: Vec::new(),
        extra: serde_json::Map::new(),
    };
    let body = with_list_member(status_body, "details");
    (status, Json(body)).into_response()
}

/// The body of `list_integrations`; `integrations` is present even when empty, as
/// grpc-gateway emits unpopulated fields.
pub(crate) fn list_to_wire(integrations: Vec<V1alphaIntegration>) -> Value {
    let body = V1alphaListIntegrationsResponse {
        integrations,
        extra: serde_json::Map::new(),
    };
    with_list_member(body, "integrations")
}

/// `body` as JSON with its list `member` present even when empty (the generated types skip an
/// empty list; grpc-gateway emits it).
fn with_list_member(body: impl serde::Serialize, member: &str) -> Value {
    let mut body = serde_json::to_value(body).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut body {
        object
            .entry(member)
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_grpc_codes() {
        for (status, code) in [
            (StatusCode::UNAUTHORIZED, 16),
            (StatusCode::FOUND, 16),
            (StatusCode::NOT_FOUND, 5),
            (StatusCode::TOO_MANY_REQUESTS, 8),
            (StatusCode::SERVICE_UNAVAILABLE, 14),
            (StatusCode::IM_A_TEAPOT, 2),
        ] {
            assert_eq!(grpc_code(status), code, "{status}");
        }
    }

    async fn body_of(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    #[tokio::test]
    async fn token_refusals_are_oauth_errors_with_the_status_of_their_code() {
        let refused = oauth_error(OAuthCode::InvalidClient, "no");
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(refused.headers()[header::WWW_AUTHENTICATE], TOKEN_CHALLENGE);
        assert_eq!(
            body_of(refused).await,
            serde_json::json!({"error": "invalid_client", "error_description": "no"})
        );
        for (code, wire) in [
            (OAuthCode::InvalidRequest, "invalid_request"),
            (OAuthCode::UnsupportedGrantType, "unsupported_grant_type"),
        ] {
            let response = oauth_error(code, "bad");
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            assert!(response.headers().get(header::WWW_AUTHENTICATE).is_none());
            assert_eq!(body_of(response).await["error"], wire);
        }
    }

    #[tokio::test]
    async fn injected_token_failures_take_the_shape_the_spec_gives_their_status() {
        let bad = token_error(StatusCode::BAD_REQUEST, "Bad Request");
        assert_eq!(body_of(bad).await["error"], "invalid_request");
        let unauthorized = token_error(StatusCode::UNAUTHORIZED, "Unauthorized");
        assert_eq!(body_of(unauthorized).await["error"], "invalid_client");
        let unavailable = token_error(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body_of(unavailable).await["code"], 14);
    }

    #[test]
    fn an_empty_list_still_has_its_integrations_key() {
        assert_eq!(
            list_to_wire(Vec::new()),
            serde_json::json!({"integrations": []})
        );
    }
}
