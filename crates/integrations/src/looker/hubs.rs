//! Looker's integration hubs and integration forms, through the generated client.

use std::collections::BTreeMap;

use async_trait::async_trait;
use looker_api::types;
use secrecy::{ExposeSecret, SecretString};

use super::LookerProvider;
use crate::client::call::Call;
use crate::error::{Operation, Result};
use crate::hubs::{
    FormField, HubHealth, HubPatch, IntegrationForm, IntegrationHub, IntegrationHubs, NewHub,
    TokenChange,
};
use crate::model::{IntegrationId, Vendor};
use crate::provider::own_id;

#[async_trait]
impl IntegrationHubs for LookerProvider {
    async fn list_hubs(&self) -> Result<Vec<IntegrationHub>> {
        let call = self.session.call(Operation::ListHubs, None);
        let hubs = call.send(self.api.all_integration_hubs(None)).await?;
        Ok(hubs.into_iter().map(|h| hub(&call, h)).collect())
    }

    async fn hub(&self, id: &str) -> Result<IntegrationHub> {
        let call = self.session.call(Operation::GetHub, Some(id));
        call.send(self.api.integration_hub(id, None))
            .await
            .map(|h| hub(&call, h))
    }

    async fn create_hub(&self, new: &NewHub) -> Result<IntegrationHub> {
        let body = types::IntegrationHubWrite {
            url: Some(new.url.clone()),
            authorization_token: new
                .authorization_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
        };
        let call = self
            .session
            .call(Operation::CreateHub, None)
            .sending(new.authorization_token.clone());
        call.send(self.api.create_integration_hub(None, &body))
            .await
            .map(|h| hub(&call, h))
    }

    async fn update_hub(&self, id: &str, patch: &HubPatch) -> Result<IntegrationHub> {
        let (token, secret) = match &patch.authorization_token {
            TokenChange::Set(token) => {
                (Some(token.expose_secret().to_owned()), Some(token.clone()))
            }
            // Looker removes the token on an empty one.
            TokenChange::Remove => (Some(String::new()), None),
            TokenChange::Leave => (None, None),
        };
        let body = types::IntegrationHubWrite {
            url: patch.url.clone(),
            authorization_token: token,
        };
        let call = self
            .session
            .call(Operation::UpdateHub, Some(id))
            .sending(secret);
        call.send(self.api.update_integration_hub(id, None, &body))
            .await
            .map(|h| hub(&call, h))
    }

    async fn delete_hub(&self, id: &str) -> Result<()> {
        let call = self.session.call(Operation::DeleteHub, Some(id));
        call.send(self.api.delete_integration_hub(id)).await
    }

    async fn hub_health(&self, id: &str) -> Result<HubHealth> {
        let call = self.session.call(Operation::HubHealth, Some(id));
        let health = call
            .send(self.api.get_integration_hub_health(id, None))
            .await?;
        Ok(HubHealth::new(
            health.success.unwrap_or(false),
            health.message.map(|m| call.scrub_message(&m)),
        ))
    }

    async fn accept_hub_agreement(&self, id: &str) -> Result<IntegrationHub> {
        let call = self.session.call(Operation::AcceptHubAgreement, Some(id));
        call.send(self.api.accept_integration_hub_legal_agreement(id))
            .await
            .map(|h| hub(&call, h))
    }

    async fn integration_form(
        &self,
        id: &IntegrationId,
        values: &BTreeMap<String, String>,
    ) -> Result<IntegrationForm> {
        let vendor_id = own_id(Vendor::Looker, id)?;
        let call = self
            .session
            .call(Operation::Form, Some(vendor_id))
            .sending(values.values().map(|v| SecretString::from(v.clone())));
        let form = call
            .send(self.api.fetch_integration_form(vendor_id, values))
            .await?;
        Ok(IntegrationForm {
            fields: form
                .fields
                .unwrap_or_default()
                .into_iter()
                .map(field)
                .collect(),
        })
    }
}

/// A hub in the facade's model (the generated read model has no token to drop). The text a
/// server writes freely about a failed fetch is scrubbed like any message.
fn hub(call: &Call<'_>, record: types::IntegrationHub) -> IntegrationHub {
    let mut hub = IntegrationHub::new(record.id.unwrap_or_default());
    hub.label = record.label;
    hub.url = record.url;
    hub.official = record.official.unwrap_or(false);
    hub.has_authorization_token = record.has_authorization_token.unwrap_or(false);
    hub.legal_agreement_required = record.legal_agreement_required.unwrap_or(false);
    hub.legal_agreement_signed = record.legal_agreement_signed.unwrap_or(false);
    hub.legal_agreement_text = record.legal_agreement_text;
    hub.fetch_error_message = record.fetch_error_message.map(|m| call.scrub_message(&m));
    hub
}

/// A form field in the facade's model; a `password` field's value is never kept.
fn field(f: types::DataActionFormField) -> FormField {
    let secret = f.type_.as_deref() == Some("password");
    FormField {
        name: f.name.unwrap_or_default(),
        label: f.label,
        description: f.description,
        required: f.required.unwrap_or(false),
        default: f.default.filter(|_| !secret),
        options: f
            .options
            .unwrap_or_default()
            .into_iter()
            .map(|o| (o.name.unwrap_or_default(), o.label))
            .collect(),
        kind: f.type_,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_fields_never_keep_a_value() {
        let f: types::DataActionFormField = serde_json::from_value(serde_json::json!({
            "name": "api_key", "type": "password", "default": "leaked", "required": true
        }))
        .unwrap();
        let f = field(f);
        assert_eq!(f.default, None);
        assert!(f.required);
        let plain: types::DataActionFormField = serde_json::from_value(serde_json::json!({
            "name": "channel", "type": "select", "default": "#ops",
            "options": [{"name": "#ops", "label": "Ops"}]
        }))
        .unwrap();
        let plain = field(plain);
        assert_eq!(plain.default.as_deref(), Some("#ops"));
        assert_eq!(plain.options, vec![("#ops".into(), Some("Ops".into()))]);
    }
}
