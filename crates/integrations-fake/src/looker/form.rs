//! The form of `fetch_integration_form`, worked out from the integration's params: one field per
//! param, in order. A param with a delegate OAuth address is an `oauth_link` field, a sensitive
//! one a `password` field, any other a `text` field. A field starts with the value the request
//! gave for its name, else the param's stored value, never a sensitive one.

use std::collections::BTreeMap;

use looker_api::types::{DataActionForm, DataActionFormField, Integration};
use serde_json::{Map, Value};

use super::wire::is_sensitive;

/// The form `integration` asks a user to fill in, given the request's `values` by name.
pub(crate) fn integration_form(
    integration: &Integration,
    values: &BTreeMap<String, String>,
) -> DataActionForm {
    let fields = integration
        .params
        .iter()
        .map(|param| {
            let name = param.name.clone();
            let sensitive = is_sensitive(param);
            let kind = if param.delegate_oauth_url.is_some() {
                "oauth_link"
            } else if sensitive {
                "password"
            } else {
                "text"
            };
            let default = if sensitive {
                None
            } else {
                name.as_ref()
                    .and_then(|n| values.get(n).cloned())
                    .or_else(|| param.value.clone())
            };
            DataActionFormField {
                default,
                description: param.description.clone(),
                interactive: Some(false),
                label: param.label.clone().or_else(|| name.clone()),
                name,
                oauth_url: param.delegate_oauth_url.clone(),
                options: None,
                required: Some(param.required == Some(true)),
                type_: Some(kind.to_owned()),
                extra: Map::new(),
            }
        })
        .collect();
    DataActionForm {
        fields: Some(fields),
        state: None,
        extra: Map::new(),
    }
}

/// The values of a form request: a JSON object of strings. Every member that is not a string
/// is named in the error.
pub(crate) fn form_values(
    body: &Map<String, Value>,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut values = BTreeMap::new();
    let mut wrong = Vec::new();
    for (name, value) in body {
        match value {
            Value::String(value) => {
                values.insert(name.clone(), value.clone());
            }
            _ => wrong.push(name.clone()),
        }
    }
    if wrong.is_empty() {
        Ok(values)
    } else {
        Err(wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::looker::seed::{blank_integration, blank_param};
    use looker_api::types::IntegrationParam;
    use serde_json::json;

    fn param(name: &str, sensitive: bool, value: Option<&str>) -> IntegrationParam {
        IntegrationParam {
            name: Some(name.into()),
            label: Some(name.to_uppercase()),
            sensitive: Some(sensitive),
            required: Some(true),
            value: value.map(Into::into),
            ..blank_param()
        }
    }

    #[test]
    fn fields_follow_the_params_and_never_show_a_secret() {
        let mut oauth = param("install", false, None);
        oauth.delegate_oauth_url = Some("https://hub.example/oauth".into());
        oauth.required = None;
        let integration = Integration {
            params: vec![
                param("api_key", true, Some("s3cr3t")),
                param("region", false, Some("eu")),
                param("channel", false, None),
                oauth,
            ],
            ..blank_integration()
        };
        let values = BTreeMap::from([
            ("channel".to_owned(), "#data".to_owned()),
            ("api_key".to_owned(), "typed".to_owned()),
        ]);
        let form = integration_form(&integration, &values);
        let fields = form.fields.expect("fields");
        let kinds: Vec<_> = fields.iter().filter_map(|f| f.type_.as_deref()).collect();
        assert_eq!(kinds, ["password", "text", "text", "oauth_link"]);
        let defaults: Vec<_> = fields.iter().map(|f| f.default.as_deref()).collect();
        assert_eq!(defaults, [None, Some("eu"), Some("#data"), None]);
        assert_eq!(fields[0].label.as_deref(), Some("API_KEY"));
        assert_eq!(fields[3].required, Some(false));
        assert_eq!(
            fields[3].oauth_url.as_deref(),
            Some("https://hub.example/oauth")
        );
        let text = serde_json::to_string(&fields).expect("json");
        assert!(
            !text.contains("s3cr3t") && !text.contains("typed"),
            "{text}"
        );
    }

    #[test]
    fn form_values_must_be_strings() {
        let Value::Object(body) = json!({"a": "x", "b": 1, "c": null}) else {
            unreachable!()
        };
        assert_eq!(
            form_values(&body),
            Err(vec!["b".to_owned(), "c".to_owned()])
        );
        let Value::Object(body) = json!({"a": "x"}) else {
            unreachable!()
        };
        assert_eq!(form_values(&body).map(|v| v.len()), Ok(1));
    }
}
