//! How `export`, `plan` and `apply` print: the state document as it is, a plan as each field's
//! `old → new` per provider and integration, apply's outcome per integration; `--json` prints
//! their documents. A sensitive value is never shown: the facade's plan says only
//! `(sensitive)` and `(sensitive, will be set)`.

use std::io::Write;

use integrations::state::{ApplyOutcome, FieldChange, IntegrationPlan, PlannedIntegration};

use super::{Format, Output, Result, clean, table, written};
use crate::document_state::{ApplyDocument, PlanDocument};

impl Output {
    /// Whether the output is one JSON document (`--json`).
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// `export` to stdout: the state document (TOML, or JSON with `--json`), whatever the
    /// format otherwise.
    pub fn state_document(&mut self, text: &str) -> Result {
        self.out(text)
    }

    /// `plan`: the differences, then the summary.
    pub fn plan(&mut self, doc: &PlanDocument) -> Result {
        self.document(doc, plan_text)
    }

    /// `apply`: each integration's outcome, then the summary.
    pub fn apply_report(&mut self, doc: &ApplyDocument) -> Result {
        self.document(doc, apply_text)
    }

    /// Asks `question` on stderr after a blank line, whatever the format (the caller reads the
    /// answer).
    pub fn prompt(&mut self, question: &str) -> Result {
        write!(self.stderr, "\n{}", clean(question)).map_err(written)?;
        self.stderr.flush().map_err(written)
    }
}

/// Apply's outcome for people: a row per integration, then the summary.
fn apply_text(doc: &ApplyDocument) -> String {
    let mut text = String::new();
    if !doc.results.is_empty() {
        let rows: Vec<Vec<String>> = doc
            .results
            .iter()
            .map(|r| {
                let (result, detail) = match &r.outcome {
                    ApplyOutcome::Applied => ("applied", "-".to_owned()),
                    ApplyOutcome::Failed { message } => ("failed", message.clone()),
                    ApplyOutcome::NotAttempted { reason } => ("not attempted", reason.clone()),
                    ApplyOutcome::Unsupported { message } => ("unsupported", message.clone()),
                    _ => ("other", "-".to_owned()),
                };
                vec![
                    result.to_owned(),
                    r.provider.clone(),
                    r.id.to_string(),
                    detail,
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table(
            &["RESULT", "PROVIDER", "INTEGRATION", "DETAIL"],
            &rows,
        ));
    }
    text.push_str(&format!("\nApply: {}\n", doc.summary));
    text
}

/// A plan for people: per provider, each integration's action and its fields' `old → new`.
fn plan_text(doc: &PlanDocument) -> String {
    let mut text = String::new();
    if doc.integrations.is_empty() {
        text.push_str("No differences: the providers match the file.\n");
    }
    let mut provider: Option<&str> = None;
    for planned in &doc.integrations {
        if provider != Some(planned.provider.as_str()) {
            provider = Some(&planned.provider);
            text.push_str(&format!(
                "{} ({})\n",
                clean(&planned.provider),
                planned.id.vendor()
            ));
        }
        text.push_str(&integration_text(planned));
    }
    text.push_str(&format!("\nPlan: {}\n", doc.summary));
    text
}

/// One integration of a plan: `  ~ looker:1::slack: update` and its changes.
fn integration_text(planned: &PlannedIntegration) -> String {
    let id = clean(&planned.id.to_string());
    let (line, changes): (String, &[FieldChange]) = match &planned.plan {
        IntegrationPlan::Update { changes } => (format!("~ {id}: update"), changes),
        IntegrationPlan::Missing => (
            format!(
                "+ {id}: missing (in the file, not on the provider; apply does not create integrations)"
            ),
            &[],
        ),
        IntegrationPlan::Unexpected => (
            format!("? {id}: unexpected (on the provider, not in the file; apply leaves it)"),
            &[],
        ),
        IntegrationPlan::Drift { changes } => (
            format!(
                "! {id}: drift ({} cannot change integrations; apply reports it and leaves it)",
                planned.id.vendor()
            ),
            changes,
        ),
        _ => (format!("* {id}: differs"), &[]),
    };
    let mut text = format!("  {line}\n");
    for change in changes {
        text.push_str(&format!(
            "      {}: {} → {}\n",
            clean(&change.field),
            clean(&change.old),
            clean(&change.new)
        ));
    }
    text
}
