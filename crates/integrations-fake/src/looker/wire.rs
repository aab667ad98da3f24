//! What the Looker fake puts on the wire: error bodies (`Error`, `ValidationError`),
//! integrations as Looker returns them (secrets masked, every documented field present), and
//! integration hubs, their health and integration forms (every documented field present).

use std::sync::OnceLock;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use looker_api::types::{
    DataActionForm, DataActionFormField, Error, Integration, IntegrationHub,
    IntegrationHubHealthResult, IntegrationParam, IntegrationTestResult, ValidationError,
    ValidationErrorDetail,
};
use schemars::JsonSchema;
use schemars::schema::{InstanceType, Schema};
use serde::Serialize;
use serde_json::{Map, Value};

/// The `documentation_url` of every Looker error body.
pub const DOCUMENTATION_URL: &str = "https://cloud.google.com/looker/docs/";

/// A Looker error: `status` with the `Error` body `{"message", "documentation_url"}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let body = Error {
        message: Some(message.to_owned()),
        documentation_url: Some(DOCUMENTATION_URL.to_owned()),
        extra: Map::new(),
    };
    (status, Json(body)).into_response()
}

/// The message of Looker's 401 for a call without a live token.
pub(crate) const REQUIRES_AUTHENTICATION: &str = "Requires authentication.";

/// The message of Looker's 404 for an unknown object, an unknown route and a failed login.
pub(crate) const NOT_FOUND: &str = "Not found";

/// Looker's 404.
pub(crate) fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, NOT_FOUND)
}

/// One entry of a `ValidationError`.
pub(crate) fn field_error(
    field: &str,
    code: &str,
    message: impl Into<String>,
) -> ValidationErrorDetail {
    ValidationErrorDetail {
        field: Some(field.to_owned()),
        code: Some(code.to_owned()),
        message: Some(message.into()),
        documentation_url: Some(DOCUMENTATION_URL.to_owned()),
        extra: Map::new(),
    }
}

/// 422 with a `ValidationError` listing `errors`.
pub(crate) fn validation_failed(errors: Vec<ValidationErrorDetail>) -> Response {
    let body = ValidationError {
        message: Some("Validation Failed".to_owned()),
        errors: Some(errors),
        documentation_url: Some(DOCUMENTATION_URL.to_owned()),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// Whether a param holds a secret: `sensitive` is true, or absent (the spec's default).
pub(crate) fn is_sensitive(param: &IntegrationParam) -> bool {
    param.sensitive != Some(false)
}

/// `integration` as Looker returns it: the value of every sensitive param is null, and every
/// field the spec documents is present (null, `[]` or `{}` when it has no value), as a real
/// instance answers.
pub(crate) fn integration_to_wire(integration: &Integration) -> Value {
    let mut masked = integration.clone();
    for param in &mut masked.params {
        if is_sensitive(param) {
            param.value = None;
        }
    }
    let value = with_absent(&masked, &absent().integration);
    with_absent_in_items(value, "params", &absent().param)
}

/// A test result as Looker returns it, every documented field present.
pub(crate) fn test_result_to_wire(result: &IntegrationTestResult) -> Value {
    with_absent(result, &absent().test_result)
}

/// A hub as Looker returns it, every documented field present. The generated `IntegrationHub`
/// has no `authorization_token` (the spec marks it write-only), so none can be sent.
pub(crate) fn hub_to_wire(hub: &IntegrationHub) -> Value {
    with_absent(hub, &absent().hub)
}

/// The outcome of a health check as Looker returns it.
pub(crate) fn health_to_wire(health: &Result<(), String>) -> Value {
    let result = IntegrationHubHealthResult {
        success: Some(health.is_ok()),
        message: health.as_ref().err().cloned(),
        extra: Map::new(),
    };
    with_absent(&result, &absent().health)
}

/// A form as Looker returns it, every documented field of it and of its fields present.
pub(crate) fn form_to_wire(form: &DataActionForm) -> Value {
    let value = with_absent(form, &absent().form);
    with_absent_in_items(value, "fields", &absent().form_field)
}

/// `value` as JSON with `defaults` for the members it leaves out.
fn with_absent<T: Serialize>(value: &T, defaults: &[(String, Value)]) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut value {
        fill_absent(object, defaults);
    }
    value
}

/// `value` with `defaults` for the members each object of its array `key` leaves out.
fn with_absent_in_items(mut value: Value, key: &str, defaults: &[(String, Value)]) -> Value {
    if let Some(Value::Array(items)) = value.get_mut(key) {
        for item in items {
            if let Value::Object(item) = item {
                fill_absent(item, defaults);
            }
        }
    }
    value
}

fn fill_absent(object: &mut Map<String, Value>, defaults: &[(String, Value)]) {
    for (name, default) in defaults {
        if !object.contains_key(name) {
            object.insert(name.clone(), default.clone());
        }
    }
}

/// For each property of `T`'s schema (generated from the spec) that can stand for "no value",
/// that value: null for a nullable property, `[]` for an array, `{}` for a map.
fn absent_values_of<T: JsonSchema>() -> Vec<(String, Value)> {
    let root = schemars::schema_for!(T);
    let Some(object) = root.schema.object else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .filter_map(|(name, schema)| Some((name.clone(), absent_value(schema)?)))
        .collect()
}

/// For each wire type, its members that can stand for "no value" and that value: worked out
/// once from the generated types' schemas.
struct Absent {
    integration: Vec<(String, Value)>,
    param: Vec<(String, Value)>,
    test_result: Vec<(String, Value)>,
    hub: Vec<(String, Value)>,
    health: Vec<(String, Value)>,
    form: Vec<(String, Value)>,
    form_field: Vec<(String, Value)>,
}

fn absent() -> &'static Absent {
    static CELL: OnceLock<Absent> = OnceLock::new();
    CELL.get_or_init(|| Absent {
        integration: absent_values_of::<Integration>(),
        param: absent_values_of::<IntegrationParam>(),
        test_result: absent_values_of::<IntegrationTestResult>(),
        hub: absent_values_of::<IntegrationHub>(),
        health: absent_values_of::<IntegrationHubHealthResult>(),
        form: absent_values_of::<DataActionForm>(),
        form_field: absent_values_of::<DataActionFormField>(),
    })
}

fn absent_value(schema: &Schema) -> Option<Value> {
    let Schema::Object(object) = schema else {
        return None;
    };
    let types = object.instance_type.as_ref()?;
    if types.contains(&InstanceType::Null) {
        Some(Value::Null)
    } else if types.contains(&InstanceType::Array) {
        Some(Value::Array(Vec::new()))
    } else if types.contains(&InstanceType::Object) {
        Some(Value::Object(Map::new()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::looker::seed::{blank_integration, blank_param};

    fn param(name: &str, sensitive: Option<bool>, value: Option<&str>) -> IntegrationParam {
        IntegrationParam {
            name: Some(name.into()),
            sensitive,
            value: value.map(Into::into),
            has_value: Some(value.is_some()),
            ..blank_param()
        }
    }

    #[test]
    fn sensitive_values_are_masked_but_has_value_tells() {
        let integration = Integration {
            id: Some("1::x".into()),
            params: vec![
                param("secret", Some(true), Some("s3cr3t")),
                param("default_sensitive", None, Some("hidden")),
                param("public", Some(false), Some("shown")),
            ],
            ..blank_integration()
        };
        let wire = integration_to_wire(&integration);
        let params = wire["params"].as_array().expect("params");
        assert_eq!(params[0]["value"], Value::Null);
        assert_eq!(params[0]["has_value"], true);
        assert_eq!(params[1]["value"], Value::Null);
        assert_eq!(params[2]["value"], "shown");
        assert!(!wire.to_string().contains("s3cr3t"));
        assert!(!wire.to_string().contains("hidden"));
    }

    #[test]
    fn absent_fields_are_present_as_null_or_empty() {
        let wire = integration_to_wire(&Integration {
            id: Some("1::x".into()),
            params: vec![param("p", Some(false), None)],
            ..blank_integration()
        });
        assert_eq!(wire["description"], Value::Null);
        assert_eq!(
            wire["installed_delegate_oauth_targets"],
            serde_json::json!([])
        );
        assert_eq!(wire["can"], serde_json::json!({}));
        assert_eq!(wire["params"][0]["user_attribute_name"], Value::Null);
        assert_eq!(wire["params"][0]["value"], Value::Null);
        let result = test_result_to_wire(&IntegrationTestResult {
            success: Some(true),
            message: None,
            delegate_oauth_result: None,
            extra: Map::new(),
        });
        assert_eq!(result["delegate_oauth_result"], Value::Null);
        assert_eq!(result["success"], true);
    }

    #[test]
    fn error_bodies_carry_message_and_documentation_url() {
        let response = not_found();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = validation_failed(vec![field_error("enabled", "invalid", "bad")]);
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
