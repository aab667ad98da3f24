//! The `--json` documents of `plan` and `apply`. Like those of [`crate::document`], their shape
//! is part of the interface: `integrations schema plan|apply` prints each one's JSON Schema (and
//! `integrations schema state` the state file's), and a snapshot test guards them.

use integrations::IntegrationId;
use integrations::state::{ApplyOutcome, ApplyReport, IntegrationPlan, Plan, PlannedIntegration};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What `plan --json` prints (and `apply --json` under `plan`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanDocument {
    /// `1 to update, 0 missing, 0 unexpected, 0 drifted (cannot be changed)`.
    pub summary: String,
    /// How many integrations of each action.
    pub counts: PlanCounts,
    /// Whether apply would send anything (some integration is to `update`).
    pub has_changes: bool,
    /// Whether the live state differs from the file in any way; `plan` exits with 2 then.
    pub has_differences: bool,
    /// Every integration with something to report, provider by provider in the configured
    /// order. A sensitive value is never shown: `(sensitive)` now, `(sensitive, will be set)`.
    pub integrations: Vec<PlannedIntegration>,
}

/// How many integrations of each action a plan holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlanCounts {
    /// To update (apply sends one update each).
    pub update: usize,
    /// Named in the file, absent from the provider (apply does not create integrations).
    pub missing: usize,
    /// On the provider, absent from the file (apply does not delete integrations).
    pub unexpected: usize,
    /// Different from the file, but the vendor cannot change them (Torq).
    pub drift: usize,
}

impl PlanDocument {
    /// The document of `plan`.
    pub fn new(plan: &Plan) -> Self {
        let mut counts = PlanCounts::default();
        for planned in &plan.integrations {
            match planned.plan {
                IntegrationPlan::Update { .. } => counts.update += 1,
                IntegrationPlan::Missing => counts.missing += 1,
                IntegrationPlan::Unexpected => counts.unexpected += 1,
                IntegrationPlan::Drift { .. } => counts.drift += 1,
                // A later kind of difference: a difference all the same.
                _ => {}
            }
        }
        Self {
            summary: plan.summary(),
            counts,
            has_changes: plan.has_changes(),
            has_differences: plan.has_differences(),
            integrations: plan.integrations.clone(),
        }
    }
}

/// What `apply --json` prints.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApplyDocument {
    /// The plan that was applied.
    pub plan: PlanDocument,
    /// Per integration apply meant to change: what happened.
    pub results: Vec<ApplyResult>,
    /// How many of each outcome.
    pub counts: ApplyCounts,
    /// `1 applied, 0 failed, 0 not attempted, 1 unsupported`.
    pub summary: String,
    /// Whether everything planned was applied; `apply` exits with 13 otherwise.
    pub complete: bool,
}

/// What happened to one integration.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApplyResult {
    /// The provider's name.
    pub provider: String,
    /// The integration.
    pub id: IntegrationId,
    /// `applied`, `failed` (with `message`), `not_attempted` (with `reason`) or `unsupported`
    /// (with `message`: the vendor cannot change it).
    #[serde(flatten)]
    pub outcome: ApplyOutcome,
}

/// How many integrations had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApplyCounts {
    /// Sent, read back, as the file says.
    pub applied: usize,
    /// Sent (or attempted) and failed.
    pub failed: usize,
    /// Not attempted.
    pub not_attempted: usize,
    /// Not possible: the vendor cannot change it (Torq drift).
    pub unsupported: usize,
}

impl ApplyDocument {
    /// The document of `report`, made by applying `plan`.
    pub fn new(plan: PlanDocument, report: ApplyReport) -> Self {
        let complete = report.is_complete();
        let mut counts = ApplyCounts::default();
        let results: Vec<ApplyResult> = report
            .results
            .into_iter()
            .map(|(provider, id, outcome)| {
                match outcome {
                    ApplyOutcome::Applied => counts.applied += 1,
                    ApplyOutcome::Failed { .. } => counts.failed += 1,
                    ApplyOutcome::Unsupported { .. } => counts.unsupported += 1,
                    _ => counts.not_attempted += 1,
                }
                ApplyResult {
                    provider,
                    id,
                    outcome,
                }
            })
            .collect();
        Self {
            plan,
            results,
            summary: format!(
                "{} applied, {} failed, {} not attempted, {} unsupported",
                counts.applied, counts.failed, counts.not_attempted, counts.unsupported
            ),
            counts,
            complete,
        }
    }
}
