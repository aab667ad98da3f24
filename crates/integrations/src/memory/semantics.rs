//! What Looker does to an integration: apply a PATCH, and test it. The same rules as Looker's
//! API and the fake Looker of `integrations-fake` (`looker/update.rs`, `looker/check.rs`).

use looker_api::types::{DelegateOauthTest, IntegrationTestResult};
use secrecy::ExposeSecret;
use serde_json::Map;

use super::{Entry, record};
use crate::error::FieldError;
use crate::model::{BindingChange, Integration, IntegrationPatch, TestOutcome, ValueChange};

/// Looker's summary of a 422.
pub(super) const VALIDATION_FAILED: &str = "Validation Failed";

/// `entry` with `patch` applied, or one error per field Looker would refuse (nothing changes
/// then): a parameter the integration does not have (`params[i].name`, `i` counting the patch's
/// parameters in the order they are sent, by name), delegate OAuth targets for an integration
/// without delegate OAuth.
pub(super) fn update(entry: &Entry, patch: &IntegrationPatch) -> Result<Entry, Vec<FieldError>> {
    let stored = &entry.integration;
    let mut errors = Vec::new();
    for (index, name) in patch.params.keys().enumerate() {
        if !stored.parameters.iter().any(|p| &p.name == name) {
            errors.push(field_error(
                &format!("params[{index}].name"),
                "not_found",
                format!("This integration has no param named '{name}'."),
            ));
        }
    }
    let installs_targets = patch
        .delegate_oauth_targets
        .as_ref()
        .is_some_and(|targets| !targets.is_empty());
    if installs_targets && !record::delegate_oauth(&stored.raw).0 {
        errors.push(field_error(
            "installed_delegate_oauth_targets",
            "invalid",
            "This integration does not use delegate OAuth.".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut updated = entry.clone();
    if let Some(enabled) = patch.enabled {
        updated.integration.enabled = Some(enabled);
    }
    for (name, change) in &patch.params {
        let Some(param) = updated
            .integration
            .parameters
            .iter_mut()
            .find(|p| &p.name == name)
        else {
            continue; // refused above
        };
        match &change.value {
            ValueChange::Leave => {}
            ValueChange::Set(value) if !value.expose_secret().is_empty() => {
                if param.sensitive {
                    updated.secrets.insert(name.clone(), value.clone());
                } else {
                    param.value = Some(value.expose_secret().to_owned());
                }
                param.has_value = true;
            }
            // Looker: an empty string clears the value.
            ValueChange::Set(_) | ValueChange::Clear => {
                updated.secrets.remove(name);
                param.value = None;
                param.has_value = false;
            }
        }
        match &change.user_attribute {
            BindingChange::Leave => {}
            BindingChange::Bind(attribute) if !attribute.is_empty() => {
                param.user_attribute = Some(attribute.clone());
            }
            // Looker: null or "" unbinds.
            BindingChange::Bind(_) | BindingChange::Unbind => param.user_attribute = None,
        }
    }
    let model = &updated.integration;
    let raw = record::rewrite(&model.raw, &model.parameters, |raw| {
        record::sync_looker(raw, model, patch.delegate_oauth_targets.as_deref());
    });
    updated.integration.raw = raw;
    Ok(updated)
}

fn field_error(field: &str, code: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: Some(code.to_owned()),
        message: Some(message),
    }
}

/// Tests `integration` as Looker's hub would: a required parameter with neither a value nor a
/// user attribute to take it from fails the test, and so does a delegate-OAuth integration
/// with no installed target.
pub(super) fn test(integration: &Integration) -> TestOutcome {
    let missing: Vec<&str> = integration
        .parameters
        .iter()
        .filter(|p| p.required && !p.has_value)
        .filter(|p| p.user_attribute.as_deref().is_none_or(str::is_empty))
        .map(|p| p.label.as_deref().unwrap_or(&p.name))
        .collect();
    let (delegate_oauth, targets) = record::delegate_oauth(&integration.raw);
    let result = if !missing.is_empty() {
        failure(format!(
            "Missing required parameter(s): {}.",
            missing.join(", ")
        ))
    } else if !delegate_oauth {
        success(None)
    } else if targets.is_empty() {
        failure("No delegate OAuth target is installed for this integration.".into())
    } else {
        let results = targets
            .into_iter()
            .enumerate()
            .map(|(index, target)| DelegateOauthTest {
                name: Some(integration.name.clone()),
                installation_target_id: Some(target),
                installation_id: Some((index + 1).to_string()),
                success: Some(true),
                extra: Map::new(),
            })
            .collect();
        success(Some(results))
    };
    TestOutcome {
        success: result.success == Some(true),
        message: result.message.clone(),
        raw: serde_json::to_value(&result).unwrap_or_default(),
    }
}

fn success(delegate_oauth_result: Option<Vec<DelegateOauthTest>>) -> IntegrationTestResult {
    IntegrationTestResult {
        success: Some(true),
        message: Some("Integration test succeeded.".into()),
        delegate_oauth_result,
        extra: Map::new(),
    }
}

fn failure(message: String) -> IntegrationTestResult {
    IntegrationTestResult {
        success: Some(false),
        message: Some(message),
        delegate_oauth_result: None,
        extra: Map::new(),
    }
}
