//! Looker's records in the facade's model, and the facade's patch as Looker's write model.

use looker_api::types;

use crate::client::errors::ErrorBody;
use crate::client::records::Unusable;
use crate::client::scrub::mask_extra;
use crate::error::FieldError;
use crate::model::{
    BindingChange, Integration, IntegrationId, IntegrationPatch, Parameter, TestOutcome, Vendor,
};
use crate::raw::RawRecord;

/// A Looker integration in the facade's model, or why it cannot be one (no usable id). Looker's
/// full record is kept in `raw`, as decoded: no second pass over it (BENCHMARKS.md).
pub(crate) fn integration(mut record: types::Integration) -> Result<Integration, Unusable> {
    let Some(vendor_id) = record.id.clone() else {
        return Err(Unusable {
            id: None,
            reason: "the record has no id".into(),
        });
    };
    let id = IntegrationId::new(Vendor::Looker, vendor_id.clone()).map_err(|e| Unusable {
        id: None,
        reason: match e {
            crate::Error::InvalidId { reason, .. } => format!("its id cannot be used: {reason}"),
            other => other.to_string(),
        },
    })?;
    let parameters = record.params.iter().map(parameter).collect();
    scrub_sensitive_values(&mut record);
    Ok(Integration {
        id,
        name: record.label.clone().unwrap_or(vendor_id),
        description: record.description.clone(),
        enabled: record.enabled,
        kind: record.integration_hub_id.clone(),
        created_at: None,
        last_used_at: None,
        parameters,
        raw: RawRecord::from_looker(record),
    })
}

/// Looker never sends a sensitive value; should a server do so anyway, it is dropped here so it
/// cannot reach `Debug` output, logs or `--json` through the raw record. So are secret-bearing
/// members the document does not know (a token slipped into a record's `extra` map).
fn scrub_sensitive_values(record: &mut types::Integration) {
    for param in &mut record.params {
        if param.sensitive.unwrap_or(true) {
            param.value = None;
        }
        mask_extra(&mut param.extra);
    }
    for field in &mut record.required_fields {
        mask_extra(&mut field.extra);
    }
    mask_extra(&mut record.extra);
}

fn parameter(p: &types::IntegrationParam) -> Parameter {
    // Looker: `sensitive` defaults to true and `required` to false when absent.
    let sensitive = p.sensitive.unwrap_or(true);
    Parameter {
        name: p.name.clone().unwrap_or_default(),
        label: p.label.clone(),
        required: p.required.unwrap_or(false),
        sensitive,
        has_value: p.has_value.unwrap_or(p.value.is_some()),
        value: if sensitive { None } else { p.value.clone() },
        user_attribute: p.user_attribute_name.clone(),
        per_user: p.per_user.unwrap_or(false),
    }
}

/// The body of `update_integration`: only the fields the patch sets, all of them writable.
pub(crate) fn write_model(patch: &IntegrationPatch) -> types::IntegrationWrite {
    types::IntegrationWrite {
        enabled: patch.enabled,
        params: patch
            .params
            .iter()
            .map(|(name, change)| types::IntegrationParamWrite {
                name: Some(name.clone()),
                value: change.value.wire(),
                user_attribute_name: match &change.user_attribute {
                    BindingChange::Leave => None,
                    BindingChange::Bind(name) => Some(Some(name.clone()).into()),
                    // Looker: an explicit null unbinds.
                    BindingChange::Unbind => Some(None.into()),
                },
            })
            .collect(),
        // An empty list is sent: it removes every target.
        installed_delegate_oauth_targets: patch.delegate_oauth_targets.clone(),
    }
}

/// Looker's test result in the facade's model.
pub(crate) fn test_outcome(result: types::IntegrationTestResult) -> TestOutcome {
    TestOutcome {
        success: result.success.unwrap_or(false),
        message: result.message.clone(),
        raw: {
            let mut raw = serde_json::to_value(&result).unwrap_or_default();
            // Secret-bearing members a server slipped into the answer are not kept.
            crate::client::scrub::mask_members(&mut raw);
            raw
        },
    }
}

impl ErrorBody for types::Error {
    fn message(&self) -> Option<String> {
        self.message.clone()
    }
}

impl ErrorBody for types::ErrorOrValidationError {
    fn message(&self) -> Option<String> {
        self.message.clone()
    }

    fn field_errors(&self) -> Vec<FieldError> {
        self.errors
            .iter()
            .flatten()
            .map(|e| FieldError {
                field: e.field.clone().unwrap_or_default(),
                code: e.code.clone(),
                message: e.message.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParamChange;

    #[test]
    fn the_write_model_holds_only_what_the_patch_sets() {
        let patch = IntegrationPatch::new()
            .enabled(false)
            .param("token", ParamChange::set("s3cret"))
            .param("channel", ParamChange::clear())
            .param("owner", ParamChange::bind_user_attribute("email"))
            .param("region", ParamChange::unbind_user_attribute())
            .clear_delegate_oauth_targets();
        let body = serde_json::to_value(write_model(&patch)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "enabled": false,
                "installed_delegate_oauth_targets": [],
                "params": [
                    {"name": "channel", "value": ""},
                    {"name": "owner", "user_attribute_name": "email"},
                    {"name": "region", "user_attribute_name": null},
                    {"name": "token", "value": "s3cret"}
                ]
            })
        );
        assert_eq!(
            serde_json::to_value(write_model(&IntegrationPatch::new())).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn sensitive_values_never_reach_the_model() {
        let p: types::IntegrationParam = serde_json::from_value(serde_json::json!({
            "name": "token", "value": "leaked-by-a-buggy-server", "has_value": true,
            "refresh_token": "leaked-in-an-unknown-member"
        }))
        .unwrap();
        let record: types::Integration = serde_json::from_value(serde_json::json!({
            "id": "x", "params": [serde_json::to_value(&p).unwrap()],
            "access_token": "leaked-at-the-top", "required_fields": [{"tag": "t", "secret": "leaked-deep"}]
        }))
        .unwrap();
        let model = integration(record).unwrap();
        let raw = model.raw.to_value().to_string();
        assert!(!raw.contains("leaked"), "{raw}");
        assert!(!format!("{:?}", model.raw).contains("leaked"));
        let p = parameter(&p);
        assert!(p.sensitive, "absent `sensitive` means sensitive");
        assert_eq!(p.value, None);
        assert!(p.has_value);
    }
}
