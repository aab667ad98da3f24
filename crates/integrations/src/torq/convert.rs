//! Torq's records in the facade's model.

use torq_api::types;

use crate::client::errors::ErrorBody;
use crate::client::records::Unusable;
use crate::client::scrub::mask_extra;
use crate::model::{Integration, IntegrationId, Vendor};
use crate::raw::RawRecord;

/// A Torq integration in the facade's model, or why it cannot be one (neither id nor name to
/// be addressed by). Torq's full record is kept in `raw`.
pub(crate) fn integration(mut record: types::V1alphaIntegration) -> Result<Integration, Unusable> {
    mask_secret_members(&mut record);
    let Some(vendor_id) = record
        .id
        .map(|id| id.to_string())
        .or_else(|| record.name.clone())
    else {
        return Err(Unusable {
            id: None,
            reason: "the record has neither id nor name".into(),
        });
    };
    let id = IntegrationId::new(Vendor::Torq, vendor_id).map_err(|e| Unusable {
        id: None,
        reason: match e {
            crate::Error::InvalidId { reason, .. } => {
                format!("its name cannot be used as an id: {reason}")
            }
            other => other.to_string(),
        },
    })?;
    Ok(Integration {
        name: record
            .display_name
            .clone()
            .or_else(|| record.name.clone())
            .unwrap_or_else(|| id.vendor_id().to_owned()),
        id,
        description: None,
        enabled: None,
        kind: record.type_id.clone(),
        created_at: record.created_at,
        last_used_at: record.last_used_at,
        parameters: Vec::new(),
        raw: RawRecord::from_torq(record),
    })
}

/// Secret-bearing members Torq's page does not document (a token slipped into a record's `extra`
/// maps) are masked before the record is kept; nothing to do for what Torq documents.
fn mask_secret_members(record: &mut types::V1alphaIntegration) {
    mask_extra(&mut record.extra);
    if let Some(details) = &mut record.details {
        mask_extra(&mut details.extra);
        if let Some(trigger) = &mut details.trigger {
            mask_extra(&mut trigger.extra);
        }
    }
    if let Some(sharing) = &mut record.sharing_data {
        mask_extra(&mut sharing.extra);
    }
}

impl ErrorBody for types::RpcStatus {
    fn message(&self) -> Option<String> {
        self.message.clone()
    }
}

/// A refusal of the token endpoint (OAuth 2.0, RFC 6749 §5.2): its description, else its code.
impl ErrorBody for types::OAuthError {
    fn message(&self) -> Option<String> {
        self.error_description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .or_else(|| Some(self.error.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_map_to_the_model_with_everything_kept_raw() {
        let record: types::V1alphaIntegration = serde_json::from_value(serde_json::json!({
            "id": "d7639fb8-8037-4ce2-80e9-c50bc3345c5a", "name": "my_integration", "display_name": "My Integration",
            "type_id": "webhook", "created_at": "2022-03-09T08:40:18.490771179Z",
            "sharing_data": {"direction": "incoming", "workspace_ids": ["w1"]}, "labels": ["new"]
        }))
        .unwrap();
        let model = integration(record).unwrap();
        assert_eq!(
            model.id.to_string(),
            "torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a"
        );
        assert_eq!(model.name, "My Integration");
        assert_eq!(model.kind.as_deref(), Some("webhook"));
        assert_eq!(model.enabled, None);
        let raw = model.raw.to_value();
        assert_eq!(raw["labels"], serde_json::json!(["new"]));
        assert_eq!(raw["sharing_data"]["direction"], "incoming");
        assert_eq!(
            model.raw.torq().unwrap().type_id.as_deref(),
            Some("webhook")
        );
    }

    #[test]
    fn a_record_without_id_falls_back_to_its_name_or_is_skipped() {
        let named: types::V1alphaIntegration =
            serde_json::from_value(serde_json::json!({"name": "n"})).unwrap();
        assert_eq!(integration(named).unwrap().id.vendor_id(), "n");
        let anonymous: types::V1alphaIntegration =
            serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(integration(anonymous).is_err());
    }

    #[test]
    fn a_token_refusal_says_its_description_or_else_its_code() {
        let described: types::OAuthError = serde_json::from_value(serde_json::json!({
            "error": "invalid_client", "error_description": "invalid client credentials"
        }))
        .unwrap();
        assert_eq!(
            described.message().as_deref(),
            Some("invalid client credentials")
        );
        for body in [
            serde_json::json!({"error": "invalid_client"}),
            serde_json::json!({"error": "invalid_client", "error_description": " "}),
        ] {
            let bare: types::OAuthError = serde_json::from_value(body).unwrap();
            assert_eq!(bare.message().as_deref(), Some("invalid_client"));
        }
    }

    #[test]
    fn secret_members_a_server_slips_in_are_masked() {
        let record: types::V1alphaIntegration = serde_json::from_value(serde_json::json!({
            "id": "d7639fb8-8037-4ce2-80e9-c50bc3345c5a", "client_secret": "leak-1",
            "details": {"trigger": {"webhook": {"token": "leak-2"}}, "password": "leak-3"},
            "sharing_data": {"direction": "incoming", "api_key": "leak-4"}
        }))
        .unwrap();
        let model = integration(record).unwrap();
        let seen = format!("{model:?}{}", serde_json::to_string(&model).unwrap());
        for leak in ["leak-1", "leak-2", "leak-3", "leak-4"] {
            assert!(!seen.contains(leak), "{leak}: {seen}");
        }
        assert!(seen.contains("incoming"));
    }
}
