//! The Torq fake's routes: `create_token` (`POST /v1/auth/token`, the auth host's, whose
//! refusals are OAuth 2.0 errors) and `list_integrations` (`GET /v1alpha/integrations`), and the
//! `rpcStatus` answers to anything else.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use torq_api::types::TokenResponse;

use super::state::Torq;
use super::wire::{OAuthCode, error, list_to_wire, oauth_error, token_error};
use crate::gate::{Gate, RenderError};
use crate::request::{
    BODY_LIMIT, BodyError, MediaType, authorization, form_as_json, form_field, media_type,
    read_body,
};
use crate::tokens::TokenStatus;

/// The path of the token endpoint on the auth host.
pub(crate) const TOKEN_PATH: &str = "/v1/auth/token";

type Shared = State<Arc<Torq>>;

/// The router of the Torq fake (API and auth host in one).
pub(crate) fn router(state: Arc<Torq>) -> Router {
    let gate = |operation: &'static str, render: RenderError| Gate {
        control: state.common.control.clone(),
        operation,
        render,
    };
    Router::new()
        .route(
            TOKEN_PATH,
            gate("create_token", token_error).guard(post(create_token)),
        )
        .route(
            "/v1alpha/integrations",
            gate("list_integrations", error).guard(get(list_integrations)),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Not Found") })
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        })
        .with_state(state)
}

/// The client id and secret from HTTP Basic authentication.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let (scheme, encoded) = authorization(headers)?;
    if scheme != "basic" {
        return None;
    }
    let decoded = STANDARD
        .decode(&encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(&encoded))
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// `POST /v1/auth/token`. Refusals are OAuth 2.0 errors (RFC 6749 §5.2), as `spec/torq.json`
/// documents them: 401 `invalid_client` for missing or wrong client credentials, 400
/// `invalid_request` for a body that is not a form, cannot be read or is larger than
/// [`BODY_LIMIT`] or lacks `grant_type`, and 400 `unsupported_grant_type` for another grant.
async fn create_token(State(state): Shared, headers: HeaderMap, body: Body) -> Response {
    let bytes = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            return oauth_error(
                OAuthCode::InvalidRequest,
                &format!("the request body is too large: more than {BODY_LIMIT} bytes"),
            );
        }
        Err(BodyError::Unreadable) => {
            return oauth_error(
                OAuthCode::InvalidRequest,
                "the request body could not be read",
            );
        }
    };
    match media_type(&headers) {
        MediaType::Form | MediaType::Missing => {}
        _ if bytes.is_empty() => {}
        _ => {
            return oauth_error(
                OAuthCode::InvalidRequest,
                "the token request is a form (application/x-www-form-urlencoded)",
            );
        }
    }
    if !bytes.is_empty() {
        state
            .common
            .record_body("create_token", form_as_json(&bytes));
    }
    // HTTP Basic, as Torq documents; a client_secret_post form (RFC 6749 §2.3.1) also works.
    let credentials = basic_credentials(&headers).or_else(|| {
        Some((
            form_field(&bytes, "client_id")?,
            form_field(&bytes, "client_secret")?,
        ))
    });
    let Some((client_id, client_secret)) = credentials else {
        return oauth_error(OAuthCode::InvalidClient, "client credentials are required");
    };
    if !state.common.accepts(&client_id, &client_secret) {
        return oauth_error(OAuthCode::InvalidClient, "invalid client credentials");
    }
    match form_field(&bytes, "grant_type").as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                OAuthCode::UnsupportedGrantType,
                "only the client_credentials grant is supported",
            );
        }
        None => return oauth_error(OAuthCode::InvalidRequest, "grant_type is required"),
    }
    let (token, lifetime) = state.common.log_in();
    Json(TokenResponse {
        access_token: token,
        expires_in: Some(lifetime),
        token_type: Some("Bearer".to_owned()),
        extra: serde_json::Map::new(),
    })
    .into_response()
}

async fn list_integrations(
    State(state): Shared,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let status = match authorization(&headers) {
        Some((scheme, token)) if scheme == "bearer" => state.common.control.tokens.check(&token),
        _ => TokenStatus::Unknown,
    };
    match status {
        TokenStatus::Live => {}
        // Torq answers an expired token with 302 (see its errors page), an invalid one with 401.
        TokenStatus::Expired => return error(StatusCode::FOUND, "token expired"),
        TokenStatus::Unknown => return error(StatusCode::UNAUTHORIZED, "invalid token"),
    }
    if !state.rate_limit.admit() {
        return error(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded");
    }
    let query = match query {
        Ok(Query(query)) => query,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("invalid query string: {}", e.body_text()),
            );
        }
    };
    let type_id = query.get("type_id").filter(|t| !t.is_empty());
    let listed = state.with_integrations(|all| {
        all.iter()
            .filter(|i| type_id.is_none() || i.type_id.as_ref() == type_id)
            .cloned()
            .collect()
    });
    Json(list_to_wire(listed)).into_response()
}
