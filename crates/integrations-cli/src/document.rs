//! The documents `--json` prints. Their shape is part of the interface: `integrations schema
//! <document>` prints each one's JSON Schema, and a snapshot test guards them.

use clap::ValueEnum;
use integrations::{
    Capabilities, Integration, IntegrationId, IntegrationProvider, SkippedRecord, TestOutcome,
    Vendor,
};
use schemars::JsonSchema;
use schemars::schema::RootSchema;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, ProviderFailure};

/// The documents, by the name `integrations schema` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentKind {
    /// `list --json`: every integration and every provider's failure.
    List,
    /// One integration: `get`, `enable`, `disable`, `set-param`, `clear-param` with `--json`,
    /// and each line of `list --json-lines`.
    Integration,
    /// `test --json`.
    Test,
    /// `capabilities --json`.
    Capabilities,
    /// `hubs list --json`.
    Hubs,
    /// One hub: `hubs get|add|update|remove|accept-agreement --json`.
    Hub,
    /// `hubs health --json`.
    Health,
    /// `form --json`.
    Form,
    /// `doctor --json`.
    Doctor,
    /// `plan --json`.
    Plan,
    /// `apply --json`.
    Apply,
    /// The state file `export` writes and `plan` and `apply` read (TOML; this schema serves
    /// editors that check TOML against a JSON Schema).
    State,
}

impl DocumentKind {
    /// The JSON Schema of the document.
    pub fn schema(self) -> RootSchema {
        match self {
            DocumentKind::List => schemars::schema_for!(ListDocument),
            DocumentKind::Integration => schemars::schema_for!(IntegrationDocument),
            DocumentKind::Test => schemars::schema_for!(TestDocument),
            DocumentKind::Capabilities => schemars::schema_for!(CapabilitiesDocument),
            DocumentKind::Hubs => schemars::schema_for!(crate::document_hubs::HubsDocument),
            DocumentKind::Hub => schemars::schema_for!(crate::document_hubs::HubDocument),
            DocumentKind::Health => schemars::schema_for!(crate::document_hubs::HealthDocument),
            DocumentKind::Form => schemars::schema_for!(crate::document_hubs::FormDocument),
            DocumentKind::Doctor => schemars::schema_for!(crate::document_hubs::DoctorDocument),
            DocumentKind::Plan => schemars::schema_for!(crate::document_state::PlanDocument),
            DocumentKind::Apply => schemars::schema_for!(crate::document_state::ApplyDocument),
            DocumentKind::State => schemars::schema_for!(integrations::state::StateDocument),
        }
    }
}

/// One integration and the provider (as configured) that holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IntegrationDocument {
    /// The name of the provider that holds the integration (pass it to `--provider`).
    pub provider: String,
    /// The integration (the facade's model; `raw` is the vendor's full record).
    #[serde(flatten)]
    pub integration: Integration,
}

impl IntegrationDocument {
    /// `integration` as held by `provider`.
    pub fn new(provider: &dyn IntegrationProvider, integration: Integration) -> Self {
        Self {
            provider: provider.name().to_owned(),
            integration,
        }
    }
}

/// What `list --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListDocument {
    /// Every integration listed, provider by provider in the configured order, each provider's
    /// in the vendor's order.
    pub integrations: Vec<IntegrationDocument>,
    /// The providers that could not list (also reported on stderr; the exit code is not 0).
    pub failures: Vec<FailureDocument>,
    /// The records a provider sent but that could not be read (exit code 11 when there are
    /// some and no provider failed).
    pub skipped: Vec<SkippedDocument>,
}

/// A record of a listing that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SkippedDocument {
    /// The provider that sent it.
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// Where it was, its id when readable, and why it could not be read.
    #[serde(flatten)]
    pub record: SkippedRecord,
}

/// A provider that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailureDocument {
    /// The provider's name.
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// Why it failed.
    pub error: ErrorDocument,
}

impl From<&ProviderFailure> for FailureDocument {
    fn from(failure: &ProviderFailure) -> Self {
        let kind = ErrorKind::of(&failure.error);
        Self {
            provider: failure.provider.clone(),
            vendor: failure.vendor,
            error: ErrorDocument {
                kind,
                exit_code: kind.exit_code(),
                message: failure.line(),
            },
        }
    }
}

/// An error, as a category and a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorDocument {
    /// The category.
    pub kind: ErrorKind,
    /// The exit code that category gives.
    pub exit_code: u8,
    /// The message printed on stderr (without `error: `).
    pub message: String,
}

/// What `test --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestDocument {
    /// The integration tested.
    pub id: IntegrationId,
    /// The provider that holds it.
    pub provider: String,
    /// The outcome (`raw` is the vendor's full answer).
    #[serde(flatten)]
    pub outcome: TestOutcome,
}

impl TestDocument {
    /// The `outcome` of testing `id`, held by `provider`.
    pub fn new(
        provider: &dyn IntegrationProvider,
        id: IntegrationId,
        outcome: TestOutcome,
    ) -> Self {
        Self {
            id,
            provider: provider.name().to_owned(),
            outcome,
        }
    }
}

/// What `capabilities --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CapabilitiesDocument {
    /// One entry per configured provider.
    pub providers: Vec<ProviderDocument>,
}

/// A configured provider and what it can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProviderDocument {
    /// The provider's name.
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// The operations it offers.
    pub capabilities: Capabilities,
}

impl ProviderDocument {
    /// What `provider` can do.
    pub fn new(provider: &dyn IntegrationProvider) -> Self {
        Self {
            provider: provider.name().to_owned(),
            vendor: provider.vendor(),
            capabilities: provider.capabilities(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_described_as_the_strings_they_print_as() {
        for kind in [
            DocumentKind::Integration,
            DocumentKind::Test,
            DocumentKind::List,
        ] {
            let schema = serde_json::to_value(kind.schema()).unwrap();
            let id = &schema["definitions"]["IntegrationId"];
            assert_eq!(id["type"], "string", "{kind:?}");
            assert_eq!(id["pattern"], "^(looker|torq):.+$");
        }
        let integration = serde_json::to_value(DocumentKind::Integration.schema()).unwrap();
        assert!(integration["definitions"].get("Vendor").is_none());
        let list = serde_json::to_value(DocumentKind::List.schema()).unwrap();
        assert!(
            list["definitions"].get("Vendor").is_some(),
            "failures name their vendor"
        );
    }

    #[test]
    fn flattened_documents_keep_the_integration_fields_at_the_top() {
        let doc = IntegrationDocument {
            provider: "prod".into(),
            integration: {
                let mut integration = Integration::new(
                    "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb".parse().unwrap(),
                    "Splunk alerts",
                );
                integration.kind = Some("webhook".into());
                integration
            },
        };
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["provider"], "prod");
        assert_eq!(json["id"], "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb");
        assert_eq!(json["kind"], "webhook");
        let back: IntegrationDocument = serde_json::from_value(json).unwrap();
        assert_eq!(back, doc);
    }
}
