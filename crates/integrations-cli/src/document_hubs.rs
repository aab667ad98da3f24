//! The `--json` documents of `hubs`, `form` and `doctor`. Like those of [`crate::document`],
//! their shape is part of the interface: `integrations schema hubs|hub|health|form|doctor`
//! prints each one's JSON Schema, and a snapshot test guards them.

use integrations::hubs::{HubHealth, IntegrationForm, IntegrationHub};
use integrations::{IntegrationId, Vendor};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::document::{FailureDocument, SkippedDocument};

/// What `hubs list --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HubsDocument {
    /// The provider (a Looker instance) whose hubs these are.
    pub provider: String,
    /// Every hub, in the instance's order. No authorization token is ever included:
    /// `has_authorization_token` tells whether one is set.
    pub hubs: Vec<IntegrationHub>,
}

/// One hub: what `hubs get|add|update|remove|accept-agreement --json` prints (`remove`: the hub
/// as it was before it was removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HubDocument {
    /// The provider (a Looker instance) that holds the hub.
    pub provider: String,
    /// The hub (never its authorization token).
    #[serde(flatten)]
    pub hub: IntegrationHub,
}

/// What `hubs health --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HealthDocument {
    /// The provider (a Looker instance) that holds the hub.
    pub provider: String,
    /// The hub's id.
    pub hub: String,
    /// Whether the instance can reach the hub, and what went wrong when it cannot.
    #[serde(flatten)]
    pub health: HubHealth,
}

/// What `form --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FormDocument {
    /// The integration whose form this is.
    pub id: IntegrationId,
    /// The provider that holds it.
    pub provider: String,
    /// The form's fields, in order (a `password` field never has a `default`).
    #[serde(flatten)]
    pub form: IntegrationForm,
}

/// What `doctor --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DoctorDocument {
    /// Every problem found, provider by provider in the configured order, each provider's
    /// integrations in the vendor's order (exit code 12 when there is one).
    pub problems: Vec<ProblemDocument>,
    /// What was checked, one entry per provider that could list its integrations.
    pub providers: Vec<CheckedDocument>,
    /// The calls that failed: a provider that could not list its integrations, or its hubs (also
    /// reported on stderr; the exit code is theirs, as for `list`).
    pub failures: Vec<FailureDocument>,
    /// The records a listing sent but that could not be read (so were not checked).
    pub skipped: Vec<SkippedDocument>,
    /// The summary line, as printed on stderr.
    pub summary: String,
}

/// Something that stops an enabled integration from working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProblemDocument {
    /// The provider that holds the integration.
    pub provider: String,
    /// The integration.
    pub id: IntegrationId,
    /// Its name.
    pub name: String,
    /// What is wrong.
    pub problem: Problem,
    /// The details, for people.
    pub detail: String,
    /// The parameter concerned (`required_parameter_unset`).
    pub parameter: Option<String>,
    /// The hub concerned (`hub_unhealthy`, `agreement_pending`, and `check_failed` of a hub).
    pub hub: Option<String>,
}

/// The kinds of problem `doctor` finds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// A required parameter has no value and takes none from a user attribute.
    RequiredParameterUnset,
    /// The integration's hub requires a legal agreement that nobody accepted yet.
    AgreementPending,
    /// The instance cannot reach the integration's hub (`hub_health`).
    HubUnhealthy,
    /// The vendor tested the integration and the test failed (`doctor --test`).
    TestFailed,
    /// A check could not be made: the hub's health or the test call failed (the detail says
    /// why).
    CheckFailed,
}

impl Problem {
    /// How the table names it.
    pub fn label(self) -> &'static str {
        match self {
            Problem::RequiredParameterUnset => "required parameter unset",
            Problem::AgreementPending => "agreement pending",
            Problem::HubUnhealthy => "hub unhealthy",
            Problem::TestFailed => "test failed",
            Problem::CheckFailed => "check failed",
        }
    }
}

/// What `doctor` checked on one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckedDocument {
    /// The provider's name.
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// How many integrations it listed.
    pub integrations: usize,
    /// How many of them were checked: the enabled ones, none when no check applies.
    pub checked: usize,
    /// The checks made (none for Torq: its API has no parameters to set, no hubs and no test).
    pub checks: Vec<Check>,
}

/// A check `doctor` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Every required parameter has a value or a user attribute.
    Parameters,
    /// The integration's hub needs no legal agreement, or it was accepted.
    HubAgreement,
    /// The instance can reach the integration's hub.
    HubHealth,
    /// The vendor's test of the integration passes (`--test`).
    Test,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_document_keeps_the_hub_fields_at_the_top_and_has_no_token() {
        let mut hub = IntegrationHub::new("2");
        hub.label = Some("ACME actions".into());
        hub.has_authorization_token = true;
        let doc = HubDocument {
            provider: "prod".into(),
            hub,
        };
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["provider"], "prod");
        assert_eq!(json["id"], "2");
        assert_eq!(json["has_authorization_token"], true);
        assert!(json.get("authorization_token").is_none());
        let back: HubDocument = serde_json::from_value(json).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn problems_are_named_in_snake_case() {
        let json = serde_json::to_value(Problem::RequiredParameterUnset).unwrap();
        assert_eq!(json, "required_parameter_unset");
        assert_eq!(Problem::HubUnhealthy.label(), "hub unhealthy");
    }
}
