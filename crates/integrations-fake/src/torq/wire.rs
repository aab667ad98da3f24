//! What the Torq fake puts on the wire: errors as grpc-gateway's `rpcStatus`
//! (`code`, `message`, `details`), and the list answer.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use torq_api::types::{RpcStatus, V1alphaIntegration, V1alphaListIntegrationsResponse};

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
    let mut body = serde_json::to_value(status_body).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut body {
        object
            .entry("details")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    (status, Json(body)).into_response()
}

/// The body of `list_integrations`; `integrations` is present even when empty, as
/// grpc-gateway emits unpopulated fields.
pub(crate) fn list_to_wire(integrations: Vec<V1alphaIntegration>) -> Value {
    let mut body = serde_json::to_value(V1alphaListIntegrationsResponse {
        integrations,
        extra: serde_json::Map::new(),
    })
    .unwrap_or(Value::Null);
    if let Value::Object(object) = &mut body {
        object
            .entry("integrations")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_grpc_codes() {
        assert_eq!(grpc_code(StatusCode::UNAUTHORIZED), 16);
        assert_eq!(grpc_code(StatusCode::FOUND), 16);
        assert_eq!(grpc_code(StatusCode::NOT_FOUND), 5);
        assert_eq!(grpc_code(StatusCode::TOO_MANY_REQUESTS), 8);
        assert_eq!(grpc_code(StatusCode::SERVICE_UNAVAILABLE), 14);
        assert_eq!(grpc_code(StatusCode::IM_A_TEAPOT), 2);
    }

    #[test]
    fn an_empty_list_still_has_its_integrations_key() {
        assert_eq!(
            list_to_wire(Vec::new()),
            serde_json::json!({"integrations": []})
        );
    }
}
