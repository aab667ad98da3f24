//! Integrations as code: a desired-state document, the plan that shows what would change, and
//! the apply that changes only that.
//!
//! A [`StateDocument`] holds, per provider (named as the providers are) and per integration
//! (by vendor id), only what can be written: `enabled`, each parameter's value or user
//! attribute, and the delegate OAuth targets. A sensitive value is never written into it: it is
//! a reference ([`Secret::Env`], [`Secret::File`]) that apply resolves right before sending.
//! Torq integrations cannot be changed through Torq's API: they are listed with their display
//! facts so that a plan reports drift, and apply refuses to change them.
//!
//! ```no_run
//! use std::sync::Arc;
//! use integrations::state::{self, SecretSource};
//! use integrations::{IntegrationProvider, LookerConfig};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let providers: Vec<Arc<dyn IntegrationProvider>> =
//!     vec![Arc::new(LookerConfig::from_env().build()?)];
//! let desired = state::export(&providers).await?;          // what is there now
//! let text = desired.to_toml();                             // commit it, review changes to it
//! let desired = state::StateDocument::from_toml(&text)?;
//! let plan = state::plan(&providers, &desired).await?;     // what apply would change
//! println!("{}", plan.summary());
//! let report = state::apply(&providers, &plan, &SecretSource::environment()).await?;
//! println!("{:?} applied, failed, not attempted", report.counts());
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{
    BindingChange, Integration, IntegrationId, IntegrationPatch, ListFilter, ParamChange,
    ValueChange, Vendor,
};
use crate::provider::IntegrationProvider;

/// The desired state of every provider: provider name → its state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StateDocument {
    /// Per provider, by its name.
    #[serde(default, rename = "provider")]
    pub providers: BTreeMap<String, ProviderState>,
}

/// The desired state of one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ProviderState {
    /// Its vendor.
    pub vendor: Vendor,
    /// Per integration, by vendor id (`1::slack`, a Torq uuid).
    #[serde(default, rename = "integration")]
    pub integrations: BTreeMap<String, IntegrationState>,
}

/// The desired state of one integration: only writable fields (Looker), or the display facts a
/// plan compares (Torq, which cannot be changed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct IntegrationState {
    /// Whether it is enabled (Looker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Each parameter's value, reference or user attribute (Looker).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ParamState>,
    /// The installed delegate OAuth targets (Looker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegate_oauth_targets: Option<Vec<String>>,
    /// Its name (Torq: compared, never changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its kind (Torq: compared, never changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// What a parameter should hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum ParamState {
    /// A plain (not sensitive) value; `""` means no value.
    Value(String),
    /// A sensitive value, read from where the reference says when apply sends it.
    Secret(Secret),
    /// The value comes from this user attribute.
    UserAttribute {
        /// The user attribute.
        user_attribute: String,
    },
}

/// Where a sensitive value is read from; the value itself is never in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum Secret {
    /// An environment variable.
    Env {
        /// Its name.
        env: String,
    },
    /// A file (its content, one trailing newline dropped).
    File {
        /// Its path.
        file: PathBuf,
    },
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Env { env } => write!(f, "env {env}"),
            Secret::File { file } => write!(f, "file {}", file.display()),
        }
    }
}

/// A document that could not be read: what and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}line {line}, column {column}: {message}", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
#[non_exhaustive]
pub struct DocumentError {
    /// The file, when known.
    pub path: Option<PathBuf>,
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// What is wrong (an unknown key, a wrong type, an unknown provider).
    pub message: String,
}

impl StateDocument {
    /// Reads a TOML document; an unknown key or a wrong type is an error naming the line.
    pub fn from_toml(text: &str) -> std::result::Result<Self, DocumentError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(text, span.start))
                .unwrap_or((1, 1));
            DocumentError {
                path: None,
                line,
                column,
                message: e.message().to_owned(),
            }
        })
    }

    /// Reads the TOML document at `path`.
    pub fn read(path: &Path) -> std::result::Result<Self, DocumentError> {
        let text = std::fs::read_to_string(path).map_err(|e| DocumentError {
            path: Some(path.to_owned()),
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        Self::from_toml(&text).map_err(|e| DocumentError {
            path: Some(path.to_owned()),
            ..e
        })
    }

    /// The document as TOML: stable order and formatting, so that it diffs well.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The line (1-based) of provider `name`'s table in `text`, for errors about it.
    pub fn line_of_provider(text: &str, name: &str) -> Option<usize> {
        let needle = format!("[provider.{}]", toml_key(name));
        text.lines().position(|l| l.trim() == needle).map(|n| n + 1)
    }
}

fn toml_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |n| before.len() - n - 1)
        + 1;
    (line, column)
}

/// The variable name export suggests for a sensitive parameter: upper case, `_` between words
/// (`PROD_1_SLACK_TOKEN`).
pub fn variable_name(provider: &str, vendor_id: &str, param: &str) -> String {
    let raw = format!("{provider}_{vendor_id}_{param}");
    let mut name = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_matches('_').to_owned()
}

/// The current state of every provider, as a document apply would reproduce: per Looker
/// integration its `enabled`, each writable parameter (a sensitive one as a reference to a
/// generated variable, never its value) and its delegate OAuth targets; per Torq integration
/// its name and kind.
pub async fn export(providers: &[Arc<dyn IntegrationProvider>]) -> Result<StateDocument> {
    let mut doc = StateDocument::default();
    for provider in providers {
        let listing = provider.list(&ListFilter::all()).await?;
        let mut state = ProviderState {
            vendor: provider.vendor(),
            integrations: BTreeMap::new(),
        };
        for integration in listing.integrations {
            let id = integration.id.vendor_id().to_owned();
            let entry = current_state(provider.name(), &integration);
            state.integrations.insert(id, entry);
        }
        doc.providers.insert(provider.name().to_owned(), state);
    }
    Ok(doc)
}

fn current_state(provider: &str, integration: &Integration) -> IntegrationState {
    let id = integration.id.vendor_id();
    if integration.id.vendor() != Vendor::Looker {
        return IntegrationState {
            name: Some(integration.name.clone()),
            kind: integration.kind.clone(),
            ..IntegrationState::default()
        };
    }
    let mut params = BTreeMap::new();
    for p in &integration.parameters {
        if p.per_user && p.user_attribute.is_none() {
            continue;
        }
        let state = match (&p.user_attribute, p.sensitive, &p.value) {
            (Some(attribute), _, _) => ParamState::UserAttribute {
                user_attribute: attribute.clone(),
            },
            (None, true, _) if p.has_value => ParamState::Secret(Secret::Env {
                env: variable_name(provider, id, &p.name),
            }),
            (None, true, _) => continue,
            (None, false, Some(value)) => ParamState::Value(value.clone()),
            (None, false, None) => ParamState::Value(String::new()),
        };
        params.insert(p.name.clone(), state);
    }
    let targets = integration
        .raw
        .to_value()
        .get("installed_delegate_oauth_targets")
        .and_then(|t| t.as_array().cloned())
        .map(|t| {
            t.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty());
    IntegrationState {
        enabled: integration.enabled,
        params,
        delegate_oauth_targets: targets,
        ..IntegrationState::default()
    }
}

/// One field a plan would change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field: `enabled`, `params.<name>`, `delegate_oauth_targets`, `name`, `kind`.
    pub field: String,
    /// What it is now, for people (a secret shows as `(sensitive)`).
    pub old: String,
    /// What it will be (a secret shows as `(sensitive, will be set)`).
    pub new: String,
}

/// What a plan says about one integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "action")]
#[non_exhaustive]
pub enum IntegrationPlan {
    /// Apply sends one update with these fields.
    Update {
        /// The changes.
        changes: Vec<FieldChange>,
    },
    /// The file names it, the provider does not have it (Looker integrations come from hubs:
    /// apply does not create them).
    Missing,
    /// The provider has it, the file does not name it (apply does not delete it).
    Unexpected,
    /// Different from the file, but the vendor cannot change it (Torq): reported, not applied.
    Drift {
        /// The differences.
        changes: Vec<FieldChange>,
    },
}

/// The plan of one integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PlannedIntegration {
    /// The provider's name.
    pub provider: String,
    /// The integration.
    pub id: IntegrationId,
    /// What would happen.
    #[serde(flatten)]
    pub plan: IntegrationPlan,
    /// The desired state, for apply (references unresolved).
    #[serde(skip)]
    desired: Option<IntegrationState>,
}

/// What apply would do, computed from live reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Plan {
    /// Every integration with something to report, by provider then id.
    pub integrations: Vec<PlannedIntegration>,
}

impl Plan {
    /// Whether apply would send anything.
    pub fn has_changes(&self) -> bool {
        self.updates().next().is_some()
    }

    /// The integrations apply would update.
    pub fn updates(&self) -> impl Iterator<Item = &PlannedIntegration> {
        self.integrations
            .iter()
            .filter(|i| matches!(i.plan, IntegrationPlan::Update { .. }))
    }

    /// Whether the live state differs from the document in any way (updates, missing,
    /// unexpected, drift).
    pub fn has_differences(&self) -> bool {
        !self.integrations.is_empty()
    }

    /// `2 to update, 1 missing, 0 unexpected, 1 drifted (cannot be changed)`.
    pub fn summary(&self) -> String {
        let count = |f: fn(&IntegrationPlan) -> bool| {
            self.integrations.iter().filter(|i| f(&i.plan)).count()
        };
        format!(
            "{} to update, {} missing, {} unexpected, {} drifted (cannot be changed)",
            count(|p| matches!(p, IntegrationPlan::Update { .. })),
            count(|p| matches!(p, IntegrationPlan::Missing)),
            count(|p| matches!(p, IntegrationPlan::Unexpected)),
            count(|p| matches!(p, IntegrationPlan::Drift { .. })),
        )
    }
}

/// How to plan.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Send every referenced secret, even those the vendor says are set (their values cannot
    /// be read back to compare).
    pub rotate_secrets: bool,
}

impl PlanOptions {
    /// With `rotate_secrets`.
    pub fn rotate_secrets(mut self, yes: bool) -> Self {
        self.rotate_secrets = yes;
        self
    }
}

/// The plan of `desired` against the live state of `providers`. A provider the document names
/// that is not among `providers` is an error naming it. A referenced secret counts as satisfied
/// when the live parameter has a value (see [`plan_with`] to send them all).
pub async fn plan(
    providers: &[Arc<dyn IntegrationProvider>],
    desired: &StateDocument,
) -> Result<Plan> {
    plan_with(providers, desired, PlanOptions::default()).await
}

/// [`plan`] with options.
pub async fn plan_with(
    providers: &[Arc<dyn IntegrationProvider>],
    desired: &StateDocument,
    options: PlanOptions,
) -> Result<Plan> {
    for (name, state) in &desired.providers {
        if !providers.iter().any(|p| p.name() == name) {
            return Err(Error::Config {
                vendor: state.vendor,
                setting: format!("state [provider.{}]", toml_key(name)),
                message: "no configured provider has this name".into(),
            });
        }
    }
    let mut plan = Plan::default();
    for provider in providers {
        let Some(wanted) = desired.providers.get(provider.name()) else {
            continue;
        };
        let live = provider.list(&ListFilter::all()).await?.integrations;
        let mut seen = std::collections::BTreeSet::new();
        for integration in &live {
            let id = integration.id.vendor_id();
            seen.insert(id.to_owned());
            let Some(want) = wanted.integrations.get(id) else {
                plan.integrations.push(PlannedIntegration {
                    provider: provider.name().to_owned(),
                    id: integration.id.clone(),
                    plan: IntegrationPlan::Unexpected,
                    desired: None,
                });
                continue;
            };
            let changes = differences(integration, want, options.rotate_secrets);
            if changes.is_empty() {
                continue;
            }
            let entry = if provider.capabilities().update {
                IntegrationPlan::Update { changes }
            } else {
                IntegrationPlan::Drift { changes }
            };
            plan.integrations.push(PlannedIntegration {
                provider: provider.name().to_owned(),
                id: integration.id.clone(),
                plan: entry,
                desired: Some(want.clone()),
            });
        }
        for id in wanted.integrations.keys().filter(|id| !seen.contains(*id)) {
            plan.integrations.push(PlannedIntegration {
                provider: provider.name().to_owned(),
                id: IntegrationId::new(provider.vendor(), id.clone())?,
                plan: IntegrationPlan::Missing,
                desired: None,
            });
        }
    }
    Ok(plan)
}

const SENSITIVE: &str = "(sensitive)";
const WILL_BE_SET: &str = "(sensitive, will be set)";

fn bound_to(attribute: &str) -> String {
    format!("user attribute {attribute:?}")
}

fn show(value: Option<&str>) -> String {
    match value {
        None => "(none)".into(),
        Some("") => "(empty)".into(),
        Some(v) => format!("{v:?}"),
    }
}

/// The fields where `live` differs from `want`.
fn differences(live: &Integration, want: &IntegrationState, rotate: bool) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut change = |field: String, old: String, new: String| {
        out.push(FieldChange { field, old, new });
    };
    if let Some(enabled) = want.enabled
        && live.enabled != Some(enabled)
    {
        change(
            "enabled".into(),
            live.enabled.map_or("(unknown)".into(), |e| e.to_string()),
            enabled.to_string(),
        );
    }
    for (name, state) in &want.params {
        let current = live.parameters.iter().find(|p| &p.name == name);
        let field = format!("params.{name}");
        let bound = current.and_then(|p| p.user_attribute.as_deref());
        match state {
            ParamState::UserAttribute { user_attribute } => {
                if bound != Some(user_attribute.as_str()) {
                    change(
                        field,
                        bound.map_or_else(|| "(no user attribute)".into(), bound_to),
                        format!("user attribute {user_attribute:?}"),
                    );
                }
            }
            // A secret cannot be read back: satisfied when the parameter has a value.
            ParamState::Secret(_) => {
                if let Some(b) = bound {
                    change(field, bound_to(b), WILL_BE_SET.into());
                } else if rotate || !current.is_some_and(|p| p.has_value) {
                    change(field, SENSITIVE.into(), WILL_BE_SET.into());
                }
            }
            ParamState::Value(value) => {
                let now = current.and_then(|p| p.value.as_deref());
                let same = match now {
                    Some(now) => now == value,
                    None => value.is_empty() && !current.is_some_and(|p| p.has_value),
                };
                if let Some(b) = bound {
                    change(field, bound_to(b), show(Some(value)));
                } else if !same {
                    change(field, show(now), show(Some(value)));
                }
            }
        }
    }
    if let Some(targets) = &want.delegate_oauth_targets {
        let now: Vec<String> = live
            .raw
            .to_value()
            .get("installed_delegate_oauth_targets")
            .and_then(|t| t.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if &now != targets {
            change(
                "delegate_oauth_targets".into(),
                format!("{now:?}"),
                format!("{targets:?}"),
            );
        }
    }
    if let Some(name) = &want.name
        && &live.name != name
    {
        change("name".into(), show(Some(&live.name)), show(Some(name)));
    }
    if let Some(kind) = &want.kind
        && live.kind.as_ref() != Some(kind)
    {
        change("kind".into(), show(live.kind.as_deref()), show(Some(kind)));
    }
    out
}

/// Where apply reads the values that references name.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SecretSource {
    vars: Option<BTreeMap<String, String>>,
}

impl SecretSource {
    /// The process environment and the file system.
    pub fn environment() -> Self {
        Self { vars: None }
    }

    /// These variables (instead of the environment) and the file system.
    pub fn with_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            vars: Some(vars.into_iter().collect()),
        }
    }

    /// The value `secret` names, or an error saying which reference is unset or unreadable
    /// (never a value).
    pub fn resolve(&self, secret: &Secret) -> Result<SecretString> {
        let missing = |message: String| Error::Config {
            vendor: Vendor::Looker,
            setting: format!("state reference {secret}"),
            message,
        };
        match secret {
            Secret::Env { env } => {
                let value = match &self.vars {
                    Some(vars) => vars.get(env).cloned(),
                    None => std::env::var(env).ok(),
                };
                value
                    .filter(|v| !v.is_empty())
                    .map(SecretString::from)
                    .ok_or_else(|| missing("is not set".into()))
            }
            Secret::File { file } => {
                let mut text = std::fs::read_to_string(file)
                    .map_err(|e| missing(format!("cannot be read: {e}")))?;
                if text.ends_with('\n') {
                    text.pop();
                }
                Ok(SecretString::from(text))
            }
        }
    }
}

/// How one planned update ended.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "outcome")]
#[non_exhaustive]
pub enum ApplyOutcome {
    /// Sent, read back, and the read-back state matches.
    Applied,
    /// Sent (or attempted) and failed; the message names the cause (no secret).
    Failed {
        /// What went wrong.
        message: String,
    },
    /// Not attempted: an earlier failure, or references that cannot be resolved.
    NotAttempted {
        /// Why.
        reason: String,
    },
    /// The vendor cannot change it (Torq): the difference stays, and apply says so rather than
    /// pretend.
    Unsupported {
        /// The error, naming the vendor and the operation.
        message: String,
    },
}

/// What apply did, per integration it meant to update.
#[derive(Debug, Default, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ApplyReport {
    /// Per integration: provider, id, outcome.
    pub results: Vec<(String, IntegrationId, ApplyOutcome)>,
}

impl ApplyReport {
    /// How many were applied, failed, and not attempted (unsupported changes included).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for (_, _, outcome) in &self.results {
            match outcome {
                ApplyOutcome::Applied => counts.0 += 1,
                ApplyOutcome::Failed { .. } => counts.1 += 1,
                ApplyOutcome::NotAttempted { .. } | ApplyOutcome::Unsupported { .. } => {
                    counts.2 += 1
                }
            }
        }
        counts
    }

    /// Whether everything planned was applied.
    pub fn is_complete(&self) -> bool {
        let (_, failed, skipped) = self.counts();
        failed == 0 && skipped == 0
    }
}

/// Sends one update per planned change with only the changed writable fields, reads each back to
/// confirm, and reports applied / failed / not attempted. Every reference is resolved before the
/// first update: an unset variable or unreadable file stops apply before anything is sent. After
/// a failure the remaining updates of that provider are still attempted (each is independent);
/// running apply again converges.
pub async fn apply(
    providers: &[Arc<dyn IntegrationProvider>],
    plan: &Plan,
    secrets: &SecretSource,
) -> std::result::Result<ApplyReport, Error> {
    // Resolve every reference first.
    let mut patches = Vec::new();
    for planned in plan.updates() {
        let (Some(desired), IntegrationPlan::Update { changes }) =
            (&planned.desired, &planned.plan)
        else {
            continue;
        };
        let patch = patch_for(desired, changes, secrets)?;
        patches.push((planned, patch));
    }
    let mut report = ApplyReport::default();
    for planned in &plan.integrations {
        if let IntegrationPlan::Drift { .. } = planned.plan {
            let vendor = planned.id.vendor();
            report.results.push((
                planned.provider.clone(),
                planned.id.clone(),
                ApplyOutcome::Unsupported {
                    message: Error::Unsupported {
                        vendor,
                        operation: crate::error::Operation::Update,
                    }
                    .to_string(),
                },
            ));
        }
    }
    for (planned, patch) in patches {
        let Some(provider) = providers.iter().find(|p| p.name() == planned.provider) else {
            report.results.push((
                planned.provider.clone(),
                planned.id.clone(),
                ApplyOutcome::NotAttempted {
                    reason: "no configured provider has this name".into(),
                },
            ));
            continue;
        };
        let outcome = match provider.update(&planned.id, &patch).await {
            Err(e) => ApplyOutcome::Failed {
                message: e.to_string(),
            },
            Ok(_) => match provider.get(&planned.id).await {
                Ok(now) => match &planned.desired {
                    Some(desired)
                        if differences(&now, desired, false)
                            .iter()
                            .any(|c| c.new != WILL_BE_SET) =>
                    {
                        ApplyOutcome::Failed {
                            message: "sent, but reading it back shows other values".into(),
                        }
                    }
                    _ => ApplyOutcome::Applied,
                },
                Err(e) => ApplyOutcome::Failed {
                    message: format!("sent, but it could not be read back: {e}"),
                },
            },
        };
        report
            .results
            .push((planned.provider.clone(), planned.id.clone(), outcome));
    }
    Ok(report)
}

/// The patch that makes an integration what `desired` says, for the fields in `changes` only.
fn patch_for(
    desired: &IntegrationState,
    changes: &[FieldChange],
    secrets: &SecretSource,
) -> Result<IntegrationPatch> {
    let mut patch = IntegrationPatch::new();
    for change in changes {
        match change.field.as_str() {
            "enabled" => {
                if let Some(enabled) = desired.enabled {
                    patch = patch.enabled(enabled);
                }
            }
            "delegate_oauth_targets" => {
                if let Some(targets) = &desired.delegate_oauth_targets {
                    patch = patch.delegate_oauth_targets(targets.clone());
                }
            }
            field => {
                let Some(name) = field.strip_prefix("params.") else {
                    continue;
                };
                let Some(state) = desired.params.get(name) else {
                    continue;
                };
                // Unbind only what is bound now: nothing else is sent.
                let binding = if change.old.starts_with("user attribute ") {
                    BindingChange::Unbind
                } else {
                    BindingChange::Leave
                };
                let param = match state {
                    ParamState::Value(value) if value.is_empty() => ParamChange {
                        value: ValueChange::Clear,
                        user_attribute: binding,
                    },
                    ParamState::Value(value) => ParamChange {
                        value: ValueChange::Set(SecretString::from(value.clone())),
                        user_attribute: binding,
                    },
                    ParamState::Secret(secret) => ParamChange {
                        value: ValueChange::Set(secrets.resolve(secret)?),
                        user_attribute: binding,
                    },
                    ParamState::UserAttribute { user_attribute } => {
                        ParamChange::bind_user_attribute(user_attribute.clone())
                    }
                };
                patch = patch.param(name, param);
            }
        }
    }
    Ok(patch)
}

impl SecretSource {
    /// Whether every reference apply would send for `plan` can be resolved (for a check before
    /// prompting): only the references of changed parameters, as apply resolves them; the first
    /// that cannot is the error.
    pub fn check(&self, plan: &Plan) -> Result<()> {
        for planned in plan.updates() {
            let (Some(desired), IntegrationPlan::Update { changes }) =
                (&planned.desired, &planned.plan)
            else {
                continue;
            };
            for change in changes {
                let param = change.field.strip_prefix("params.");
                if let Some(ParamState::Secret(secret)) = param.and_then(|p| desired.params.get(p))
                {
                    self.resolve(secret)?;
                }
            }
        }
        Ok(())
    }
}
