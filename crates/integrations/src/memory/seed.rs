//! Seeding: integrations given in code or as JSON, checked, and stripped of their secrets
//! before they are kept.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::Entry;
use super::record;
use crate::client::scrub::Secrets;
use crate::model::{Integration, IntegrationId, Parameter, Vendor};

/// Why integrations cannot seed an [`InMemoryProvider`](super::InMemoryProvider). Integrations
/// are numbered from 0 in the order they were given. No message quotes a value of the seed
/// other than ids and names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// The document is not JSON.
    #[error("the seed is not JSON: {reason} (line {line}, column {column})")]
    Syntax {
        /// Where the document stops being JSON: its line, from 1.
        line: usize,
        /// Its column, from 1.
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// The document is JSON, but not an array.
    #[error("the seed must be a JSON array of integrations, not {found}")]
    NotAnArray {
        /// What it is instead (`an object`, `a string`, …).
        found: &'static str,
    },
    /// An integration does not have the facade's shape.
    #[error("integration {position}{}{}: {reason}", id.as_deref().map(|id| format!(" (`{id}`)")).unwrap_or_default(), field.as_deref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
    Invalid {
        /// Its position.
        position: usize,
        /// Its id, when it has one that is a string.
        id: Option<String>,
        /// The member in fault (`enabled`, `parameters[1].required`), when one alone is.
        field: Option<String>,
        /// What is wrong (quoted values masked).
        reason: String,
    },
    /// An integration has an id of the other vendor.
    #[error("integration {position} (`{id}`): a {} integration cannot seed a {vendor} provider", id.vendor())]
    ForeignId {
        /// Its position.
        position: usize,
        /// Its id.
        id: IntegrationId,
        /// The provider's vendor.
        vendor: Vendor,
    },
    /// Two integrations have the same id.
    #[error("integration {position} (`{id}`): integration {first} has the same id")]
    DuplicateId {
        /// The position of the second.
        position: usize,
        /// The id.
        id: IntegrationId,
        /// The position of the first.
        first: usize,
    },
    /// Two parameters of one integration have the same name.
    #[error("integration {position} (`{id}`): two parameters are named `{name}`")]
    DuplicateParameter {
        /// The integration's position.
        position: usize,
        /// Its id.
        id: IntegrationId,
        /// The name.
        name: String,
    },
}

/// The integrations of the JSON array `json`, the first at `first_position`.
pub(super) fn parse(json: &str, first_position: usize) -> Result<Vec<Integration>, SeedError> {
    let document: Value = serde_json::from_str(json).map_err(|e| SeedError::Syntax {
        line: e.line(),
        column: e.column(),
        reason: Secrets::default().decoding_error(&e, &[]),
    })?;
    let Value::Array(elements) = document else {
        return Err(SeedError::NotAnArray {
            found: kind_of(&document),
        });
    };
    elements
        .into_iter()
        .enumerate()
        .map(|(index, element)| integration(first_position + index, element))
        .collect()
}

/// One element of a seed document as an integration, with the members it may leave out filled.
fn integration(position: usize, element: Value) -> Result<Integration, SeedError> {
    let Value::Object(mut element) = element else {
        return Err(SeedError::Invalid {
            position,
            id: None,
            field: None,
            reason: format!(
                "expected an integration (a JSON object), found {}",
                kind_of(&element)
            ),
        });
    };
    fill_defaults(&mut element);
    serde_json::from_value(Value::Object(element.clone())).map_err(|e| SeedError::Invalid {
        position,
        id: element.get("id").and_then(Value::as_str).map(str::to_owned),
        field: culprit(&element),
        reason: Secrets::default().decoding_error(&e, &[]),
    })
}

/// What a hand-written seed may leave out.
fn fill_defaults(element: &mut Map<String, Value>) {
    element
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    element.entry("raw").or_insert_with(|| json!({}));
    if let Some(Value::Array(parameters)) = element.get_mut("parameters") {
        for parameter in parameters.iter_mut().filter_map(Value::as_object_mut) {
            for (member, default) in [
                ("required", false),
                ("sensitive", true), // Looker's default
                ("has_value", false),
                ("per_user", false),
            ] {
                parameter.entry(member).or_insert(Value::Bool(default));
            }
        }
    }
}

/// The member of `element` that fails to decode on its own, as a path; `None` when none does
/// alone (a required member is missing, say).
fn culprit(element: &Map<String, Value>) -> Option<String> {
    let valid_integration = json!({"id": "looker:x", "name": "", "parameters": [], "raw": {}});
    let valid_parameter = json!({
        "name": "", "required": false, "sensitive": true, "has_value": false, "per_user": false
    });
    for (key, value) in element {
        if key == "parameters"
            && let Value::Array(parameters) = value
        {
            for (index, parameter) in parameters.iter().enumerate() {
                if serde_json::from_value::<Parameter>(parameter.clone()).is_ok() {
                    continue;
                }
                let at = format!("parameters[{index}]");
                let member = parameter.as_object().and_then(|members| {
                    members
                        .iter()
                        .find(|(k, v)| !decodes_with::<Parameter>(&valid_parameter, k, v))
                });
                return Some(match member {
                    Some((member, _)) => format!("{at}.{member}"),
                    None => at,
                });
            }
        } else if !decodes_with::<Integration>(&valid_integration, key, value) {
            return Some(key.clone());
        }
    }
    None
}

/// Whether `valid` with member `key` set to `value` still decodes as a `T`.
fn decodes_with<T: DeserializeOwned>(valid: &Value, key: &str, value: &Value) -> bool {
    let mut candidate = valid.clone();
    if let Value::Object(members) = &mut candidate {
        members.insert(key.to_owned(), value.clone());
    }
    serde_json::from_value::<T>(candidate).is_ok()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `integration`, seeded at `position` of a `vendor` provider that holds `existing`, as kept:
/// checked, its sensitive values moved beside it, its raw record scrubbed.
pub(super) fn entry(
    vendor: Vendor,
    position: usize,
    mut integration: Integration,
    existing: &[Entry],
) -> Result<Entry, SeedError> {
    let id = integration.id.clone();
    if id.vendor() != vendor {
        return Err(SeedError::ForeignId {
            position,
            id,
            vendor,
        });
    }
    if let Some(first) = existing.iter().position(|e| e.integration.id == id) {
        return Err(SeedError::DuplicateId {
            position,
            id,
            first,
        });
    }
    if !integration.raw.to_value().is_object() {
        return Err(SeedError::Invalid {
            position,
            id: Some(id.to_string()),
            field: Some("raw".into()),
            reason: "the raw record must be a JSON object".into(),
        });
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = integration
        .parameters
        .iter()
        .find(|p| !seen.insert(p.name.as_str()))
    {
        return Err(SeedError::DuplicateParameter {
            position,
            id,
            name: twice.name.clone(),
        });
    }
    let mut secrets = BTreeMap::new();
    for parameter in &mut integration.parameters {
        match parameter.value.take() {
            None => {}
            // Looker: an empty value is no value.
            Some(value) if value.is_empty() => parameter.has_value = false,
            Some(value) => {
                parameter.has_value = true;
                if parameter.sensitive {
                    secrets.insert(parameter.name.clone(), value.into());
                } else {
                    parameter.value = Some(value);
                }
            }
        }
    }
    integration.raw = record::rewrite(&integration.raw, &integration.parameters, |_| {});
    Ok(Entry {
        integration,
        secrets,
    })
}
