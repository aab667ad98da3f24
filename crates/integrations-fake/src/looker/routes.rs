//! The Looker fake's routes, under `/api/4.0`: `login`, `logout`, `all_integrations`,
//! `integration`, `update_integration`, `test_integration`, `fetch_integration_form`,
//! `all_integration_hubs`, `create_integration_hub`, `integration_hub`,
//! `update_integration_hub`, `delete_integration_hub`, `get_integration_hub_health`,
//! `accept_integration_hub_legal_agreement`, and the vendor-shaped answers to anything else.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use looker_api::types::{AccessToken, ValidationErrorDetail};
use serde_json::{Map, Value};

use super::check::test_integration as run_test;
use super::form::{form_values, integration_form};
use super::hubs::{HubRefusal, parse_hub_body, redact_token};
use super::state::Looker;
use super::update::apply_update;
use super::wire::{
    NOT_FOUND, REQUIRES_AUTHENTICATION, error, field_error, form_to_wire, health_to_wire,
    hub_to_wire, integration_to_wire, not_found, test_result_to_wire, validation_failed,
};
use crate::fake::Serve;
use crate::fields::FieldSelection;
use crate::gate::{Gate, Operation};
use crate::request::{
    BODY_LIMIT, BodyError, MediaType, authorization, form_as_json, form_field, media_type,
    read_body,
};
use crate::tokens::TokenStatus;

/// Why a request is refused, rendered as Looker renders it.
#[derive(Debug)]
enum Refusal {
    /// An `Error` body with this status and message.
    Error(StatusCode, String),
    /// 422 with a `ValidationError` listing these fields.
    Invalid(Vec<ValidationErrorDetail>),
}

impl Refusal {
    fn bad_request(message: impl Into<String>) -> Self {
        Self::Error(StatusCode::BAD_REQUEST, message.into())
    }

    fn unauthorized() -> Self {
        Self::Error(StatusCode::UNAUTHORIZED, REQUIRES_AUTHENTICATION.into())
    }

    fn not_found() -> Self {
        Self::Error(StatusCode::NOT_FOUND, NOT_FOUND.into())
    }
}

impl From<HubRefusal> for Refusal {
    fn from(refusal: HubRefusal) -> Self {
        match refusal {
            HubRefusal::NotFound => Self::not_found(),
            HubRefusal::BadRequest(message) => Self::bad_request(message),
            HubRefusal::Conflict(message) => Self::Error(StatusCode::CONFLICT, message),
            HubRefusal::Invalid(errors) => Self::Invalid(errors),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Error(status, message) => error(status, &message),
            Self::Invalid(errors) => validation_failed(errors),
        }
    }
}

type Answer = Result<Response, Refusal>;

/// Where Looker serves API 4.0 on an instance.
pub(crate) const API_PREFIX: &str = "/api/4.0";

/// The state every route shares.
type Shared = Arc<Looker>;

/// The router of the Looker fake.
pub(crate) fn router(state: Arc<Looker>) -> Router {
    let gate = |operation: &'static str| Gate {
        control: state.common.control.clone(),
        operation,
        render: error,
    };
    let at = |path: &str| format!("{API_PREFIX}{path}");
    Router::new()
        .route(&at("/login"), gate("login").guard(post(login)))
        .route(&at("/logout"), gate("logout").guard(delete(logout)))
        // Looker's official SDKs log out at the version-less path.
        .route("/api/logout", gate("logout").guard(delete(logout)))
        .route(
            &at("/integrations"),
            gate("all_integrations").guard(get(all_integrations)),
        )
        .route(
            &at("/integrations/{integration_id}"),
            gate("integration").guard(get(integration)),
        )
        .route(
            &at("/integrations/{integration_id}"),
            gate("update_integration").guard(patch(update_integration)),
        )
        .route(
            &at("/integrations/{integration_id}/test"),
            gate("test_integration").guard(post(test_integration)),
        )
        .route(
            &at("/integrations/{integration_id}/form"),
            gate("fetch_integration_form").guard(post(fetch_integration_form)),
        )
        .route(
            &at("/integration_hubs"),
            gate("all_integration_hubs").guard(get(all_integration_hubs)),
        )
        .route(
            &at("/integration_hubs"),
            gate("create_integration_hub").guard(post(create_integration_hub)),
        )
        .route(
            &at("/integration_hubs/{integration_hub_id}"),
            gate("integration_hub").guard(get(integration_hub)),
        )
        .route(
            &at("/integration_hubs/{integration_hub_id}"),
            gate("update_integration_hub").guard(patch(update_integration_hub)),
        )
        .route(
            &at("/integration_hubs/{integration_hub_id}"),
            gate("delete_integration_hub").guard(delete(delete_integration_hub)),
        )
        .route(
            &at("/integration_hubs/{integration_hub_id}/health"),
            gate("get_integration_hub_health").guard(get(get_integration_hub_health)),
        )
        .route(
            &at("/integration_hubs/{integration_hub_id}/accept_legal_agreement"),
            gate("accept_integration_hub_legal_agreement")
                .guard(post(accept_integration_hub_legal_agreement)),
        )
        .fallback(|| async { not_found() })
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        })
        .with_state(state)
}

/// An authorized call: the request has a live `Authorization: token …` (or `Bearer …`). The
/// state and the token.
struct Api(Arc<Looker>, String);

impl FromRequestParts<Shared> for Api {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Refusal> {
        match authorization(&parts.headers) {
            Some((scheme, token))
                if (scheme == "token" || scheme == "bearer")
                    && state.common.control.tokens.check(&token) == TokenStatus::Live =>
            {
                Ok(Self(state.clone(), token))
            }
            _ => Err(Refusal::unauthorized()),
        }
    }
}

/// An authorized call about the object whose id is in the path (an integration, a hub): the
/// state and the id.
struct ApiOn(Arc<Looker>, String);

impl FromRequestParts<Shared> for ApiOn {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Refusal> {
        let Api(state, _) = Api::from_request_parts(parts, state).await?;
        match Path::<String>::from_request_parts(parts, &state).await {
            Ok(Path(id)) => Ok(Self(state, id)),
            Err(e) => Err(Refusal::bad_request(format!(
                "Invalid id in the path: {}",
                e.body_text()
            ))),
        }
    }
}

/// The query parameters, and the `fields` selection among them.
struct Params {
    query: HashMap<String, String>,
    fields: Option<FieldSelection>,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| {
                Refusal::bad_request(format!("Invalid query string: {}", e.body_text()))
            })?;
        let fields = match query.get("fields") {
            None => None,
            Some(spec) => FieldSelection::parse(spec)
                .map_err(|e| Refusal::bad_request(format!("Invalid fields parameter: {}.", e.0)))?,
        };
        Ok(Self { query, fields })
    }
}

impl Params {
    /// `value` with only the fields asked for.
    fn project(&self, value: Value) -> Value {
        match &self.fields {
            Some(selection) => selection.project(&value),
            None => value,
        }
    }

    /// 200 with `value`, only the fields asked for.
    fn answer(&self, value: Value) -> Answer {
        Ok(Json(self.project(value)).into_response())
    }
}

/// The request body, at most [`BODY_LIMIT`] bytes. A longer one is a bad request (400), the
/// status Looker documents for a request it cannot take (it documents no 413).
async fn body_bytes(body: Body) -> Result<Bytes, Refusal> {
    read_body(body).await.map_err(|e| match e {
        BodyError::TooLarge => Refusal::bad_request(format!(
            "The request body is too large: more than {BODY_LIMIT} bytes."
        )),
        BodyError::Unreadable => Refusal::bad_request("The request body could not be read."),
    })
}

/// The JSON body of a request (`Content-Type: application/json`, or none), at most
/// [`BODY_LIMIT`] bytes; `None` when it is empty (or only white space). It is kept as the last
/// body of its operation, any `authorization_token` in it redacted.
struct JsonBody(Option<Value>);

impl FromRequest<Shared> for JsonBody {
    type Rejection = Refusal;

    async fn from_request(request: Request, state: &Shared) -> Result<Self, Refusal> {
        let operation = request.extensions().get::<Operation>().map_or("", |o| o.0);
        if let MediaType::Form | MediaType::Other(_) = media_type(request.headers()) {
            return Err(Refusal::bad_request(format!(
                "{operation} takes a JSON body (Content-Type: application/json)."
            )));
        }
        let bytes = body_bytes(request.into_body()).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Refusal::bad_request(format!("Looker could not parse the JSON body: {e}."))
        })?;
        state.common.record_body(operation, redact_token(&value));
        Ok(Self(Some(value)))
    }
}

impl JsonBody {
    /// The members of the body, which must be a JSON object (`{}` when `empty_is_object` and
    /// the body is empty).
    fn object(self, empty_is_object: bool) -> Result<Map<String, Value>, Refusal> {
        match self.0 {
            Some(Value::Object(members)) => Ok(members),
            None if empty_is_object => Ok(Map::new()),
            None => Err(Refusal::bad_request(
                "Looker could not parse the JSON body: it is empty.",
            )),
            Some(_) => Err(Refusal::bad_request(
                "The request body must be a JSON object.",
            )),
        }
    }
}

async fn login(
    State(state): State<Shared>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
    body: Body,
) -> Answer {
    let bytes = body_bytes(body).await?;
    let form_body = match media_type(&headers) {
        MediaType::Form | MediaType::Missing => true,
        _ if bytes.is_empty() => false,
        _ => {
            return Err(Refusal::bad_request(
                "login takes its credentials as a form (application/x-www-form-urlencoded).",
            ));
        }
    };
    let form: &[u8] = if form_body { &bytes } else { &[] };
    if !form.is_empty() {
        state.common.record_body("login", form_as_json(form));
    }
    let raw_query = raw_query.unwrap_or_default();
    // The form body, or the deprecated query parameters.
    let field = |name| form_field(form, name).or_else(|| form_field(raw_query.as_bytes(), name));
    let (Some(client_id), Some(client_secret)) = (field("client_id"), field("client_secret"))
    else {
        return Err(Refusal::bad_request(
            "client_id and client_secret are required.",
        ));
    };
    if !state.common.accepts(&client_id, &client_secret) {
        // Looker answers wrong credentials with 404, not 401.
        return Err(Refusal::not_found());
    }
    let (token, lifetime) = state.common.log_in();
    let body = AccessToken {
        access_token: Some(token),
        token_type: Some("Bearer".to_owned()),
        expires_in: Some(lifetime),
        refresh_token: None,
        extra: serde_json::Map::new(),
    };
    Ok(Json(body).into_response())
}

async fn logout(Api(state, token): Api) -> Answer {
    state.common.control.tokens.revoke(&token);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn all_integrations(Api(state, _): Api, params: Params) -> Answer {
    let hub = params.query.get("integration_hub_id");
    let listed: Vec<Value> = state.with_integrations(|all| {
        all.iter()
            .filter(|i| hub.is_none() || i.integration_hub_id.as_ref() == hub)
            .map(|i| params.project(integration_to_wire(i)))
            .collect()
    });
    Ok(Json(listed).into_response())
}

async fn integration(ApiOn(state, id): ApiOn, params: Params) -> Answer {
    let found = state.integration(&id).ok_or_else(Refusal::not_found)?;
    params.answer(integration_to_wire(&found))
}

async fn update_integration(ApiOn(state, id): ApiOn, params: Params, body: JsonBody) -> Answer {
    let changes = body.object(false)?;
    match state.update(&id, |stored| apply_update(stored, &changes)) {
        Some(Ok(updated)) => params.answer(integration_to_wire(&updated)),
        Some(Err(errors)) => Err(Refusal::Invalid(errors)),
        None => Err(Refusal::not_found()),
    }
}

async fn test_integration(ApiOn(state, id): ApiOn) -> Answer {
    let found = state.integration(&id).ok_or_else(Refusal::not_found)?;
    Ok(Json(test_result_to_wire(&run_test(&found))).into_response())
}

async fn fetch_integration_form(ApiOn(state, id): ApiOn, body: JsonBody) -> Answer {
    let members = body.object(true)?;
    let found = state.integration(&id).ok_or_else(Refusal::not_found)?;
    let mut errors = Vec::new();
    let values = form_values(&members).unwrap_or_else(|wrong| {
        errors.extend(
            wrong
                .iter()
                .map(|name| field_error(name, "invalid", format!("{name} must be a string."))),
        );
        BTreeMap::new()
    });
    let awaits_agreement = found
        .integration_hub_id
        .as_deref()
        .and_then(|hub| state.hub(hub))
        .is_some_and(|hub| hub.awaits_agreement());
    if awaits_agreement {
        errors.push(field_error(
            "integration_hub_id",
            "legal_agreement_required",
            "The legal agreement of this integration's hub must be accepted first \
             (accept_integration_hub_legal_agreement).",
        ));
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    Ok(Json(form_to_wire(&integration_form(&found, &values))).into_response())
}

async fn all_integration_hubs(Api(state, _): Api, params: Params) -> Answer {
    let listed: Vec<Value> = state.with_hubs(|hubs| {
        hubs.iter()
            .map(|h| params.project(hub_to_wire(&h.hub)))
            .collect()
    });
    Ok(Json(listed).into_response())
}

async fn create_integration_hub(Api(state, _): Api, params: Params, body: JsonBody) -> Answer {
    let changes = parse_hub_body(&body.object(false)?, true).map_err(Refusal::Invalid)?;
    let hub = state.with_store_mut(|store| store.create_hub(changes))?;
    params.answer(hub_to_wire(&hub))
}

async fn integration_hub(ApiOn(state, id): ApiOn, params: Params) -> Answer {
    let found = state.hub(&id).ok_or_else(Refusal::not_found)?;
    params.answer(hub_to_wire(&found.hub))
}

async fn update_integration_hub(ApiOn(state, id): ApiOn, params: Params, body: JsonBody) -> Answer {
    let changes = body.object(false)?;
    let hub = state.with_store_mut(|store| store.update_hub(&id, &changes))?;
    params.answer(hub_to_wire(&hub))
}

async fn delete_integration_hub(ApiOn(state, id): ApiOn) -> Answer {
    state.with_store_mut(|store| store.delete_hub(&id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn get_integration_hub_health(ApiOn(state, id): ApiOn, params: Params) -> Answer {
    let found = state.hub(&id).ok_or_else(Refusal::not_found)?;
    params.answer(health_to_wire(&found.health_check()))
}

async fn accept_integration_hub_legal_agreement(ApiOn(state, id): ApiOn) -> Answer {
    let hub = state.with_store_mut(|store| store.accept_legal_agreement(&id))?;
    Ok(Json(hub_to_wire(&hub)).into_response())
}
