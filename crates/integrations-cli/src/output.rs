//! Everything the CLI writes: tables for people, JSON documents for scripts, ids or nothing
//! with `--quiet`, and warnings and errors on stderr. The only module that writes to stdout.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use integrations::{Capabilities, Parameter};
use schemars::schema::RootSchema;
use serde::Serialize;

use crate::document::{CapabilitiesDocument, IntegrationDocument, ListDocument, TestDocument};
use crate::error::{CliError, ErrorKind};

/// How a sensitive value that is set is shown: never the value itself.
pub const MASK: &str = "••••";

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned tables (the default).
    Table,
    /// One pretty-printed JSON document (`--json`).
    Json,
    /// One compact JSON document per line (`list --json-lines`).
    JsonLines,
    /// Nothing but errors; `list` prints ids, one per line (`--quiet`).
    Quiet,
}

/// Where and how to write.
pub struct Output {
    format: Format,
    stdout: Box<dyn Write>,
    stderr: Box<dyn Write>,
}

type Result = std::result::Result<(), CliError>;

fn written(e: io::Error) -> CliError {
    CliError::io("writing the output", e)
}

impl Output {
    /// Writes to this process's stdout and stderr.
    pub fn stdio(format: Format) -> Self {
        Self::new(format, Box::new(io::stdout()), Box::new(io::stderr()))
    }

    /// Writes to the given streams.
    pub fn new(format: Format, stdout: Box<dyn Write>, stderr: Box<dyn Write>) -> Self {
        Self {
            format,
            stdout,
            stderr,
        }
    }

    /// Uses `format` from now on (`list --json-lines`).
    pub fn set_format(&mut self, format: Format) {
        self.format = format;
    }

    fn out(&mut self, text: &str) -> Result {
        self.stdout.write_all(text.as_bytes()).map_err(written)?;
        self.stdout.flush().map_err(written)
    }

    fn json(&mut self, value: &impl Serialize) -> Result {
        let mut text = match self.format {
            Format::JsonLines => serde_json::to_string(value),
            _ => serde_json::to_string_pretty(value),
        }
        .map_err(|e| written(e.into()))?;
        text.push('\n');
        self.out(&text)
    }

    /// `list`: the integrations (failures are errors, reported by `main`), and a warning on
    /// stderr for each skipped record (`--json` holds them in the document instead).
    pub fn list(&mut self, doc: &ListDocument) -> Result {
        self.list_integrations(doc)?;
        if self.format != Format::Json {
            for s in &doc.skipped {
                self.warning(&format!("{}: {}", s.provider, s.record))?;
            }
        }
        Ok(())
    }

    fn list_integrations(&mut self, doc: &ListDocument) -> Result {
        match self.format {
            Format::Json => self.json(doc),
            Format::JsonLines => {
                for item in &doc.integrations {
                    self.json(item)?;
                }
                Ok(())
            }
            Format::Quiet => {
                let ids: String = doc
                    .integrations
                    .iter()
                    .map(|i| format!("{}\n", i.integration.id))
                    .collect();
                self.out(&ids)
            }
            Format::Table if doc.integrations.is_empty() => {
                if doc.failures.is_empty() {
                    self.note("no integrations")?;
                }
                Ok(())
            }
            Format::Table => {
                let rows: Vec<Vec<String>> = doc
                    .integrations
                    .iter()
                    .map(|i| {
                        let it = &i.integration;
                        vec![
                            it.id.to_string(),
                            it.name.clone(),
                            it.kind.clone().unwrap_or_else(|| "-".into()),
                            yes_no_dash(it.enabled),
                            i.provider.clone(),
                        ]
                    })
                    .collect();
                self.out(&table(
                    &["ID", "NAME", "KIND", "ENABLED", "PROVIDER"],
                    &rows,
                ))
            }
        }
    }

    /// `get` and the commands that change an integration: the integration.
    pub fn integration(&mut self, doc: &IntegrationDocument) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => self.json(doc),
            Format::Quiet => Ok(()),
            Format::Table => {
                let it = &doc.integration;
                let mut fields = vec![
                    ("ID", it.id.to_string()),
                    ("NAME", it.name.clone()),
                    ("PROVIDER", doc.provider.clone()),
                    ("KIND", it.kind.clone().unwrap_or_else(|| "-".into())),
                    ("ENABLED", yes_no_dash(it.enabled)),
                ];
                if let Some(d) = &it.description {
                    fields.push(("DESCRIPTION", d.clone()));
                }
                if let Some(t) = it.created_at {
                    fields.push(("CREATED", timestamp(t)));
                }
                if let Some(t) = it.last_used_at {
                    fields.push(("LAST USED", timestamp(t)));
                }
                let mut text = key_values(&fields);
                if !it.parameters.is_empty() {
                    let rows: Vec<Vec<String>> = it.parameters.iter().map(parameter_row).collect();
                    text.push('\n');
                    text.push_str(&table(
                        &[
                            "PARAMETER",
                            "SET",
                            "VALUE",
                            "REQUIRED",
                            "USER ATTRIBUTE",
                            "LABEL",
                        ],
                        &rows,
                    ));
                }
                self.out(&text)
            }
        }
    }

    /// `test`: the outcome.
    pub fn test(&mut self, doc: &TestDocument) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => self.json(doc),
            Format::Quiet => Ok(()),
            Format::Table => {
                let mut fields = vec![
                    ("ID", doc.id.to_string()),
                    ("PROVIDER", doc.provider.clone()),
                    (
                        "RESULT",
                        if doc.outcome.success {
                            "passed"
                        } else {
                            "failed"
                        }
                        .into(),
                    ),
                ];
                if let Some(m) = &doc.outcome.message {
                    fields.push(("MESSAGE", m.clone()));
                }
                self.out(&key_values(&fields))
            }
        }
    }

    /// `capabilities`: what each provider can do.
    pub fn capabilities(&mut self, doc: &CapabilitiesDocument) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => self.json(doc),
            Format::Quiet => Ok(()),
            Format::Table => {
                let rows: Vec<Vec<String>> = doc
                    .providers
                    .iter()
                    .map(|p| {
                        let Capabilities {
                            list,
                            get,
                            get_by_listing,
                            update,
                            test,
                            logout,
                            ..
                        } = p.capabilities;
                        let get = match (get, get_by_listing) {
                            (true, true) => "yes (by listing)".to_owned(),
                            (get, _) => yes_no(get),
                        };
                        vec![
                            p.provider.clone(),
                            p.vendor.to_string(),
                            yes_no(list),
                            get,
                            yes_no(update),
                            yes_no(test),
                            yes_no(logout),
                        ]
                    })
                    .collect();
                self.out(&table(
                    &[
                        "PROVIDER", "VENDOR", "LIST", "GET", "UPDATE", "TEST", "LOGOUT",
                    ],
                    &rows,
                ))
            }
        }
    }

    /// `schema`: a JSON Schema, whatever the format.
    pub fn schema(&mut self, schema: &RootSchema) -> Result {
        let format = self.format;
        self.format = Format::Json;
        let done = self.json(schema);
        self.format = format;
        done
    }

    /// A note for people on stderr (tables only).
    pub fn note(&mut self, message: &str) -> Result {
        if self.format == Format::Table {
            writeln!(self.stderr, "{}", clean(message)).map_err(written)?;
        }
        Ok(())
    }

    /// A warning on stderr (not with `--quiet`).
    pub fn warning(&mut self, message: &str) -> Result {
        if self.format != Format::Quiet {
            writeln!(self.stderr, "warning: {}", clean(message)).map_err(written)?;
        }
        Ok(())
    }

    /// Prints `error` once, one line per failure, on stderr; returns its exit code.
    pub fn error(&mut self, error: &CliError) -> ErrorKind {
        for line in error.lines() {
            // Nothing more can be done if stderr is gone.
            let _ = writeln!(self.stderr, "error: {}", clean(&line));
        }
        let _ = self.stderr.flush();
        error.kind()
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn yes_no_dash(b: Option<bool>) -> String {
    b.map_or_else(|| "-".into(), yes_no)
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A parameter as a row: a sensitive value is never shown, only whether it is set.
fn parameter_row(p: &Parameter) -> Vec<String> {
    let value = match (&p.value, p.sensitive, p.has_value) {
        (_, true, true) => MASK.to_owned(),
        (_, true, false) | (None, false, _) => "-".to_owned(),
        (Some(v), false, _) => v.clone(),
    };
    vec![
        p.name.clone(),
        yes_no(p.has_value),
        value,
        yes_no(p.required),
        p.user_attribute.clone().unwrap_or_else(|| "-".into()),
        p.label.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// `text` with control characters (newlines, terminal escapes from a vendor's data) made visible
/// instead of acted upon.
fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Columns separated by two spaces, each as wide as its widest cell in the terminal (by display
/// width: a CJK character or an emoji takes two columns); no borders, no trailing spaces.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .set_header(headers.to_vec());
    for row in rows {
        t.add_row(row.iter().map(|c| clean(c)).collect::<Vec<_>>());
    }
    let last = headers.len().saturating_sub(1);
    for (i, column) in t.column_iter_mut().enumerate() {
        column.set_padding((0, if i == last { 0 } else { 2 }));
    }
    let mut text = String::new();
    for line in t.lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// `KEY  value` lines, keys aligned.
fn key_values(fields: &[(&str, String)]) -> String {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    fields
        .iter()
        .map(|(k, v)| format!("{k:<width$}  {}\n", clean(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_without_trailing_spaces() {
        let t = table(
            &["ID", "NAME"],
            &[
                vec!["a".into(), "Long name".into()],
                vec!["bbbb".into(), "x".into()],
            ],
        );
        assert_eq!(t, "ID    NAME\na     Long name\nbbbb  x\n");
    }

    #[test]
    fn wide_characters_are_aligned_by_display_width() {
        let t = table(
            &["NAME", "KIND"],
            &[
                vec!["東京チーム".into(), "slack".into()],
                vec!["🚀 launch".into(), "-".into()],
                vec!["ascii".into(), "x".into()],
            ],
        );
        // 東京チーム is 5 characters but 10 columns wide; 🚀 takes 2 columns.
        assert_eq!(
            t,
            "NAME        KIND\n東京チーム  slack\n🚀 launch   -\nascii       x\n"
        );
    }

    #[test]
    fn control_characters_from_vendors_are_escaped() {
        assert_eq!(clean("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(clean("plain"), "plain");
    }

    #[test]
    fn sensitive_values_show_only_whether_they_are_set() {
        let mut p = Parameter {
            name: "token".into(),
            label: None,
            required: true,
            sensitive: true,
            has_value: true,
            value: Some("leaked-by-a-broken-server".into()),
            user_attribute: None,
            per_user: false,
        };
        assert_eq!(parameter_row(&p)[1..3], ["yes", MASK]);
        p.has_value = false;
        assert_eq!(parameter_row(&p)[1..3], ["no", "-"]);
        p.sensitive = false;
        p.has_value = true;
        assert_eq!(parameter_row(&p)[2], "leaked-by-a-broken-server");
    }
}
