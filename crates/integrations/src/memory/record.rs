//! The raw record an in-memory integration keeps: in step with its model, and without secrets.

use serde_json::{Map, Value};

use crate::client::scrub::mask_extra;
use crate::model::{Integration, Parameter};
use crate::raw::RawRecord;

/// `raw` with `edit` applied to its JSON object, then stripped of every secret: the value of
/// each sensitive parameter (as `parameters` says, or the record's own `sensitive` member for a
/// parameter the model lacks) and every secret-bearing member (a `token`, a `password`…). A
/// typed record stays typed while it still decodes as its type.
pub(super) fn rewrite(
    raw: &RawRecord,
    parameters: &[Parameter],
    edit: impl FnOnce(&mut Map<String, Value>),
) -> RawRecord {
    let mut value = raw.to_value();
    if let Value::Object(record) = &mut value {
        edit(record);
        scrub(record, parameters);
    }
    raw.same_kind(value)
}

fn scrub(record: &mut Map<String, Value>, parameters: &[Parameter]) {
    let params = record.remove("params");
    mask_extra(record);
    match params {
        Some(Value::Array(mut items)) => {
            for item in &mut items {
                match item.as_object_mut() {
                    Some(param) => scrub_param(param, parameters),
                    None => mask(item),
                }
            }
            record.insert("params".into(), Value::Array(items));
        }
        Some(mut other) => {
            mask(&mut other);
            record.insert("params".into(), other);
        }
        None => {}
    }
}

/// A Looker param: its value dropped when sensitive, its secret-bearing members masked.
fn scrub_param(param: &mut Map<String, Value>, parameters: &[Parameter]) {
    let name = param.get("name").and_then(Value::as_str);
    let sensitive = match parameters.iter().find(|p| Some(p.name.as_str()) == name) {
        Some(model) => model.sensitive,
        None => !matches!(param.get("sensitive"), Some(Value::Bool(false))),
    };
    let value = param.remove("value");
    mask_extra(param);
    if let Some(value) = value {
        let kept = if sensitive { Value::Null } else { value };
        param.insert("value".into(), kept);
    }
}

/// Masks the secret-bearing members inside `value`.
fn mask(value: &mut Value) {
    let mut wrapper = Map::new();
    wrapper.insert("wrapped".into(), value.take());
    mask_extra(&mut wrapper);
    *value = wrapper.remove("wrapped").unwrap_or(Value::Null);
}

/// Puts what an update changed into a Looker record: `enabled`, the `value` (null when
/// sensitive), `has_value` and `user_attribute_name` of each of its params the model has, and
/// the installed delegate OAuth targets when the update replaced them.
pub(super) fn sync_looker(
    record: &mut Map<String, Value>,
    integration: &Integration,
    targets: Option<&[String]>,
) {
    if let Some(enabled) = integration.enabled {
        record.insert("enabled".into(), Value::Bool(enabled));
    }
    if let Some(targets) = targets {
        let targets = targets.iter().cloned().map(Value::String).collect();
        record.insert(
            "installed_delegate_oauth_targets".into(),
            Value::Array(targets),
        );
    }
    let Some(Value::Array(params)) = record.get_mut("params") else {
        return;
    };
    for param in params.iter_mut().filter_map(Value::as_object_mut) {
        let name = param.get("name").and_then(Value::as_str);
        let Some(model) = integration
            .parameters
            .iter()
            .find(|p| Some(p.name.as_str()) == name)
        else {
            continue;
        };
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        param.insert("value".into(), text(&model.value));
        param.insert("has_value".into(), Value::Bool(model.has_value));
        param.insert("user_attribute_name".into(), text(&model.user_attribute));
    }
}

/// Whether the integration uses delegate OAuth, and its installed targets, as its raw record
/// says (`delegate_oauth`, `installed_delegate_oauth_targets`).
pub(super) fn delegate_oauth(raw: &RawRecord) -> (bool, Vec<String>) {
    let value = raw.to_value();
    let targets = value
        .get("installed_delegate_oauth_targets")
        .and_then(Value::as_array)
        .map(|targets| {
            targets
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (
        value.get("delegate_oauth") == Some(&Value::Bool(true)),
        targets,
    )
}
