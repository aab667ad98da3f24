//! Looker's PATCH semantics for an integration: which fields a body may change, how a param's
//! `value` of null ("leave") differs from `""` ("clear"), and the validation errors (one per
//! field) for a body that names an unknown param or gives a field the wrong type.
//!
//! Writable fields are those of the generated write models (`looker_api::types::IntegrationWrite`
//! and `IntegrationParamWrite`, made from the spec's `readOnly` flags); their types are checked
//! against those models one field at a time, so every wrong field is reported and a change of
//! the spec reaches this check. Any other member of the body (read-only or unknown) is ignored.

use looker_api::types::{
    Integration, IntegrationParamWrite, IntegrationWrite, ValidationErrorDetail,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::wire::field_error;

/// Applies the PATCH `body` to `stored` and returns the updated integration, or every problem
/// found in the body (nothing is changed then). Read-only and unknown members are ignored.
pub(crate) fn apply_update(
    stored: &Integration,
    body: &Map<String, Value>,
) -> Result<Integration, Vec<ValidationErrorDetail>> {
    let mut errors = Vec::new();
    for (key, value) in body {
        if key == "params" && value.is_array() {
            continue; // checked param by param below
        }
        if let Some(problem) = type_problem::<IntegrationWrite>(key, value) {
            errors.push(field_error(key, "invalid", problem));
        }
    }
    if let Some(Value::Array(params)) = body.get("params") {
        for (index, param) in params.iter().enumerate() {
            check_param(stored, index, param, &mut errors);
        }
    }
    if let Some(Value::Array(targets)) = body.get("installed_delegate_oauth_targets")
        && !targets.is_empty()
        && stored.delegate_oauth != Some(true)
    {
        errors.push(field_error(
            "installed_delegate_oauth_targets",
            "invalid",
            "This integration does not use delegate OAuth.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut updated = stored.clone();
    if let Some(Value::Bool(enabled)) = body.get("enabled") {
        updated.enabled = Some(*enabled);
    }
    if let Some(Value::Array(targets)) = body.get("installed_delegate_oauth_targets") {
        updated.installed_delegate_oauth_targets = targets
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
    }
    if let Some(Value::Array(params)) = body.get("params") {
        for param in params.iter().filter_map(Value::as_object) {
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                continue;
            };
            let Some(target) = updated
                .params
                .iter_mut()
                .find(|p| p.name.as_deref() == Some(name))
            else {
                continue;
            };
            match param.get("value") {
                None | Some(Value::Null) => {} // null: leave the value as it is
                Some(Value::String(value)) if value.is_empty() => target.value = None,
                Some(Value::String(value)) => target.value = Some(value.clone()),
                Some(_) => {} // refused above
            }
            match param.get("user_attribute_name") {
                None => {}
                Some(Value::String(name)) if !name.is_empty() => {
                    target.user_attribute_name = Some(name.clone());
                }
                Some(_) => target.user_attribute_name = None, // null or "": use `value`
            }
            target.has_value = Some(target.value.is_some());
        }
    }
    Ok(updated)
}

fn check_param(
    stored: &Integration,
    index: usize,
    param: &Value,
    errors: &mut Vec<ValidationErrorDetail>,
) {
    let at = format!("params[{index}]");
    let Value::Object(param) = param else {
        errors.push(field_error(
            &at,
            "invalid",
            "A param must be a JSON object.",
        ));
        return;
    };
    for (key, value) in param {
        if let Some(problem) = type_problem::<IntegrationParamWrite>(key, value) {
            errors.push(field_error(&format!("{at}.{key}"), "invalid", problem));
        }
    }
    match param.get("name") {
        None | Some(Value::Null) => errors.push(field_error(
            &format!("{at}.name"),
            "missing",
            "A param in an update needs its name.",
        )),
        Some(Value::String(name)) => {
            if !stored
                .params
                .iter()
                .any(|p| p.name.as_deref() == Some(name))
            {
                errors.push(field_error(
                    &format!("{at}.name"),
                    "not_found",
                    format!("This integration has no param named '{name}'."),
                ));
            }
        }
        Some(_) => {} // a wrong type, reported above
    }
}

/// Why `value` cannot be the field `key` of a `T`, if it cannot: the field alone is
/// deserialized into `T` (every field of the write models is optional, and members they do not
/// have are ignored, so only writable fields are checked).
pub(crate) fn type_problem<T: DeserializeOwned>(key: &str, value: &Value) -> Option<String> {
    let mut single = Map::new();
    single.insert(key.to_owned(), value.clone());
    serde_json::from_value::<T>(Value::Object(single))
        .err()
        .map(|e| format!("{key} has the wrong type: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::looker::seed::{blank_integration, blank_param};
    use looker_api::types::IntegrationParam;
    use serde_json::json;

    fn stored() -> Integration {
        Integration {
            id: Some("1::x".into()),
            label: Some("X".into()),
            enabled: Some(false),
            delegate_oauth: Some(false),
            params: vec![
                IntegrationParam {
                    name: Some("api_key".into()),
                    sensitive: Some(true),
                    value: Some("old".into()),
                    has_value: Some(true),
                    ..blank_param()
                },
                IntegrationParam {
                    name: Some("region".into()),
                    sensitive: Some(false),
                    value: Some("eu".into()),
                    user_attribute_name: Some("region_attr".into()),
                    has_value: Some(true),
                    ..blank_param()
                },
            ],
            ..blank_integration()
        }
    }

    fn apply(body: Value) -> Result<Integration, Vec<ValidationErrorDetail>> {
        let Value::Object(body) = body else {
            panic!("test bodies are objects")
        };
        apply_update(&stored(), &body)
    }

    /// The fields in error, sorted (the order of keys in a JSON object is not significant).
    fn fields(errors: &[ValidationErrorDetail]) -> Vec<&str> {
        let mut fields: Vec<&str> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
        fields.sort_unstable();
        fields
    }

    fn code_of<'a>(errors: &'a [ValidationErrorDetail], field: &str) -> Option<&'a str> {
        errors
            .iter()
            .find(|e| e.field.as_deref() == Some(field))
            .and_then(|e| e.code.as_deref())
    }

    #[test]
    fn null_leaves_a_value_empty_string_clears_it_and_a_string_sets_it() {
        let updated = apply(json!({"params": [
            {"name": "api_key", "value": null},
            {"name": "region", "value": ""}
        ]}))
        .expect("valid");
        assert_eq!(updated.params[0].value.as_deref(), Some("old"));
        assert_eq!(updated.params[0].has_value, Some(true));
        assert_eq!(updated.params[1].value, None);
        assert_eq!(updated.params[1].has_value, Some(false));

        let updated =
            apply(json!({"params": [{"name": "api_key", "value": "new"}]})).expect("valid");
        assert_eq!(updated.params[0].value.as_deref(), Some("new"));
        // A param left out of the body is left alone.
        assert_eq!(updated.params[1].value.as_deref(), Some("eu"));
    }

    #[test]
    fn user_attribute_name_is_set_and_cleared() {
        let updated = apply(json!({"params": [
            {"name": "api_key", "user_attribute_name": "key_attr"},
            {"name": "region", "user_attribute_name": null}
        ]}))
        .expect("valid");
        assert_eq!(
            updated.params[0].user_attribute_name.as_deref(),
            Some("key_attr")
        );
        assert_eq!(updated.params[1].user_attribute_name, None);
    }

    #[test]
    fn enabled_changes_and_read_only_fields_are_ignored() {
        let updated = apply(json!({
            "enabled": true,
            "label": "Renamed",
            "id": "other",
            "delegate_oauth": true,
            "params": [{"name": "region", "sensitive": true, "label": "L", "value": "us"}]
        }))
        .expect("valid");
        assert_eq!(updated.enabled, Some(true));
        assert_eq!(updated.label.as_deref(), Some("X"));
        assert_eq!(updated.id.as_deref(), Some("1::x"));
        assert_eq!(updated.delegate_oauth, Some(false));
        assert_eq!(updated.params[1].sensitive, Some(false));
        assert_eq!(updated.params[1].label, None);
        assert_eq!(updated.params[1].value.as_deref(), Some("us"));
    }

    #[test]
    fn every_wrong_writable_field_is_listed_and_read_only_ones_are_ignored() {
        let errors = apply(json!({
            "enabled": "yes",
            "label": 5,
            "can": "everything",
            "params": [
                {"name": "nope", "value": "x"},
                {"value": "x"},
                {"name": "region", "value": 3, "user_attribute_name": [], "required": "x"},
                "not an object"
            ]
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec![
                "enabled",
                "params[0].name",
                "params[1].name",
                "params[2].user_attribute_name",
                "params[2].value",
                "params[3]",
            ]
        );
        assert_eq!(code_of(&errors, "params[0].name"), Some("not_found"));
        assert_eq!(code_of(&errors, "params[1].name"), Some("missing"));
        assert_eq!(code_of(&errors, "enabled"), Some("invalid"));
        assert!(errors.iter().all(|e| e.documentation_url.is_some()));
    }

    #[test]
    fn params_must_be_an_array_and_targets_need_delegate_oauth() {
        let errors = apply(json!({"params": {"name": "api_key"}})).expect_err("invalid");
        assert_eq!(fields(&errors), vec!["params"]);
        let errors =
            apply(json!({"installed_delegate_oauth_targets": ["T1"]})).expect_err("invalid");
        assert_eq!(fields(&errors), vec!["installed_delegate_oauth_targets"]);
        let errors = apply(json!({"installed_delegate_oauth_targets": [1]})).expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec![
                "installed_delegate_oauth_targets",
                "installed_delegate_oauth_targets"
            ]
        );
    }
}
