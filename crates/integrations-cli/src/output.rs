//! Everything the CLI writes: tables for people, JSON documents for scripts, ids or nothing
//! with `--quiet`, and warnings and errors on stderr. The only module that writes to stdout.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use integrations::{Capabilities, Integration, Parameter, SkippedRecord, Vendor};
use schemars::schema::RootSchema;
use serde::Serialize;

use crate::document::{
    CapabilitiesDocument, FailureDocument, IntegrationDocument, SkippedDocument, TestDocument,
};
use crate::error::{CliError, ErrorKind};

mod hubs;
mod nested;
mod state;

use nested::write_nested;

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
    /// Writes to this process's stdout (buffered: flushed after each command's output and
    /// each provider's share of a `list`) and stderr.
    pub fn stdio(format: Format) -> Self {
        let stdout = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        Self::new(format, Box::new(stdout), Box::new(io::stderr()))
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

    /// Starts `list`'s output, which is then written provider by provider as listings arrive
    /// (see [`ListWriter`]).
    pub fn list(&mut self) -> std::result::Result<ListWriter<'_>, CliError> {
        if self.format == Format::Json {
            self.stdout
                .write_all(b"{\n  \"integrations\": [")
                .map_err(written)?;
        }
        Ok(ListWriter {
            out: self,
            count: 0,
            rows: Vec::new(),
            skipped: Vec::new(),
            line: Vec::new(),
        })
    }

    /// A command's document: JSON with `--json`, nothing with `--quiet`, otherwise the text
    /// `table` makes of it.
    fn document<D: Serialize>(&mut self, doc: &D, table: impl FnOnce(&D) -> String) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => self.json(doc),
            Format::Quiet => Ok(()),
            Format::Table => self.out(&table(doc)),
        }
    }

    /// `get` and the commands that change an integration: the integration.
    pub fn integration(&mut self, doc: &IntegrationDocument) -> Result {
        self.document(doc, integration_table)
    }

    /// `test`: the outcome.
    pub fn test(&mut self, doc: &TestDocument) -> Result {
        self.document(doc, test_table)
    }

    /// `capabilities`: what each provider can do.
    pub fn capabilities(&mut self, doc: &CapabilitiesDocument) -> Result {
        self.document(doc, capabilities_table)
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

    /// Writes what stdout still holds.
    pub fn flush(&mut self) -> Result {
        self.stdout.flush().map_err(written)
    }

    /// Prints `error` once, one line per failure, on stderr (after what stdout holds); returns
    /// its exit code.
    pub fn error(&mut self, error: &CliError) -> ErrorKind {
        // What was written before the error goes first; a closed stdout is not worth a word.
        let _ = self.stdout.flush();
        for line in error.lines() {
            // Nothing more can be done if stderr is gone.
            let _ = writeln!(self.stderr, "error: {}", clean(&line));
        }
        let _ = self.stderr.flush();
        error.kind()
    }
}

/// `list`'s output, written as each provider's listing arrives, record by record, so that the
/// whole document is never held: `--json` streams the [`ListDocument`](crate::document::ListDocument)
/// (byte for byte what serializing it at once would print), `--json-lines` and `--quiet` a line
/// per record. A table keeps only its rows' cells until [`finish`](Self::finish), to align its
/// columns over every row.
pub struct ListWriter<'a> {
    out: &'a mut Output,
    /// Integrations written so far.
    count: usize,
    /// The table's rows (tables only).
    rows: Vec<Vec<String>>,
    /// The records that could not be read, reported at the end.
    skipped: Vec<SkippedDocument>,
    /// The record being written (reused).
    line: Vec<u8>,
}

/// How deep the `--json` document's integrations stand (`{"integrations": [here]}`).
const ITEM_DEPTH: usize = 2;
/// The indentation of an integration's first line, which the writer places itself.
const ITEM: &[u8] = b"    ";
/// How deep the document's other members' values stand (`{"failures": here}`).
const MEMBER_DEPTH: usize = 1;

impl ListWriter<'_> {
    /// Writes an integration `provider` listed (to the buffered stdout: see
    /// [`flush`](Self::flush)).
    pub fn integration(&mut self, provider: &str, integration: Integration) -> Result {
        let doc = IntegrationDocument {
            provider: provider.to_owned(),
            integration,
        };
        // Each record is serialized into `line` (serde_json writes token by token: cheaper into
        // a `Vec` than through the boxed stdout), then written at once.
        let line = &mut self.line;
        line.clear();
        match self.out.format {
            Format::Json => {
                line.extend_from_slice(if self.count == 0 { b"\n" } else { b",\n" });
                line.extend_from_slice(ITEM);
                write_nested(line, ITEM_DEPTH, &doc).map_err(|e| written(e.into()))?;
            }
            Format::JsonLines => {
                serde_json::to_writer(&mut *line, &doc).map_err(|e| written(e.into()))?;
                line.push(b'\n');
            }
            Format::Quiet => writeln!(line, "{}", doc.integration.id).map_err(written)?,
            Format::Table => self.rows.push(list_row(&doc)),
        }
        self.out.stdout.write_all(line).map_err(written)?;
        self.count += 1;
        Ok(())
    }

    /// Sends what was written so far on its way (stdout is buffered).
    pub fn flush(&mut self) -> Result {
        self.out.stdout.flush().map_err(written)
    }

    /// Whether the output is a table (whose rows are kept until the end).
    pub fn is_table(&self) -> bool {
        self.out.format == Format::Table
    }

    /// Whether the table has a row of `provider`.
    pub fn has_rows_of(&self, provider: &str) -> bool {
        self.rows.iter().any(|row| row[LIST_PROVIDER] == provider)
    }

    /// Replaces each table row's KIND by what `label(provider, kind)` gives, where it gives
    /// something (a Looker hub's label for its id).
    pub fn relabel_kinds<'l>(&mut self, label: impl Fn(&str, &str) -> Option<&'l str>) {
        for row in &mut self.rows {
            if let Some(label) = label(&row[LIST_PROVIDER], &row[LIST_KIND]) {
                row[LIST_KIND] = label.to_owned();
            }
        }
    }

    /// Keeps a record `provider` sent but that could not be read, for the end.
    pub fn skipped(&mut self, provider: &str, vendor: Vendor, record: SkippedRecord) {
        self.skipped.push(SkippedDocument {
            provider: provider.to_owned(),
            vendor,
            record,
        });
    }

    /// Ends the output: the table, or the document's `failures` and `skipped`; for other
    /// formats, a warning on stderr for each skipped record. Returns how many were skipped.
    pub fn finish(self, failures: &[FailureDocument]) -> std::result::Result<usize, CliError> {
        let Self {
            out,
            count,
            rows,
            skipped,
            ..
        } = self;
        match out.format {
            Format::Json => {
                let mut text = Vec::from(if count == 0 { &b"]"[..] } else { b"\n  ]" });
                text.extend_from_slice(b",\n  \"failures\": ");
                write_nested(&mut text, MEMBER_DEPTH, failures).map_err(|e| written(e.into()))?;
                text.extend_from_slice(b",\n  \"skipped\": ");
                write_nested(&mut text, MEMBER_DEPTH, &skipped).map_err(|e| written(e.into()))?;
                text.extend_from_slice(b"\n}\n");
                out.stdout.write_all(&text).map_err(written)?;
            }
            Format::Table if rows.is_empty() => {
                if failures.is_empty() {
                    out.note("no integrations")?;
                }
            }
            Format::Table => {
                let text = table(&["ID", "NAME", "KIND", "ENABLED", "PROVIDER"], &rows);
                out.stdout.write_all(text.as_bytes()).map_err(written)?;
            }
            Format::JsonLines | Format::Quiet => {}
        }
        out.flush()?;
        if out.format != Format::Json {
            for s in &skipped {
                out.warning(&format!("{}: {}", s.provider, s.record))?;
            }
        }
        Ok(skipped.len())
    }
}

/// A row of `list`'s table.
/// The KIND and PROVIDER columns of `list`'s table.
const LIST_KIND: usize = 2;
const LIST_PROVIDER: usize = 4;

fn list_row(doc: &IntegrationDocument) -> Vec<String> {
    let it = &doc.integration;
    vec![
        it.id.to_string(),
        it.name.clone(),
        it.kind.clone().unwrap_or_else(|| "-".into()),
        yes_no_dash(it.enabled),
        doc.provider.clone(),
    ]
}

/// An integration for people: its fields, then its parameters.
fn integration_table(doc: &IntegrationDocument) -> String {
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
    text
}

/// A test's outcome for people.
fn test_table(doc: &TestDocument) -> String {
    let result = if doc.outcome.success {
        "passed"
    } else {
        "failed"
    };
    let fields = vec![
        ("ID", doc.id.to_string()),
        ("PROVIDER", doc.provider.clone()),
        ("RESULT", result.into()),
    ];
    key_values_and_message(fields, doc.outcome.message.as_ref())
}

/// What each provider can do, a row each.
fn capabilities_table(doc: &CapabilitiesDocument) -> String {
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
    table(
        &[
            "PROVIDER", "VENDOR", "LIST", "GET", "UPDATE", "TEST", "LOGOUT",
        ],
        &rows,
    )
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

/// [`key_values`] of `fields`, then of the vendor's `message` when it sent one.
fn key_values_and_message(mut fields: Vec<(&str, String)>, message: Option<&String>) -> String {
    fields.extend(message.map(|m| ("MESSAGE", m.clone())));
    key_values(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Headers, rows of two cells, the table.
    type TableCase<'a> = (&'a [&'a str], &'a [[&'a str; 2]], &'a str);

    #[test]
    fn tables_align_columns_by_display_width_without_trailing_spaces() {
        let cases: [TableCase; 2] = [
            (
                &["ID", "NAME"],
                &[["a", "Long name"], ["bbbb", "x"]],
                "ID    NAME\na     Long name\nbbbb  x\n",
            ),
            // 東京チーム is 5 characters but 10 columns wide; 🚀 takes 2 columns.
            (
                &["NAME", "KIND"],
                &[["東京チーム", "slack"], ["🚀 launch", "-"], ["ascii", "x"]],
                "NAME        KIND\n東京チーム  slack\n🚀 launch   -\nascii       x\n",
            ),
        ];
        for (headers, rows, expected) in cases {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect();
            assert_eq!(table(headers, &rows), expected);
        }
    }

    /// A writer tests read back.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn integration(id: &str, name: &str, description: Option<&str>) -> Integration {
        let mut integration = Integration::new(format!("torq:{id}").parse().unwrap(), name);
        integration.description = description.map(Into::into);
        integration.enabled = Some(true);
        integration.kind = Some("webhook".into());
        let mut url = Parameter::new("url");
        url.label = Some("URL".into());
        url.required = true;
        url.has_value = true;
        url.value = Some("https://x.io/a\nb".into());
        integration.parameters = vec![url];
        integration.raw =
            serde_json::json!({"id": id, "nested": {"list": [1, {"a": []}], "empty": {}}}).into();
        integration
    }

    /// Integrations by provider, failures and skipped records.
    type Case<'a> = (
        Vec<(&'a str, Vec<Integration>)>,
        Vec<FailureDocument>,
        Vec<SkippedRecord>,
    );

    /// What `list` streams for `by_provider`, `failures` and `skipped` in `format`.
    fn streamed(
        format: Format,
        by_provider: &[(&str, Vec<Integration>)],
        failures: &[FailureDocument],
        skipped: Vec<SkippedRecord>,
    ) -> (String, String) {
        let (stdout, stderr) = (Shared::default(), Shared::default());
        let mut out = Output::new(format, Box::new(stdout.clone()), Box::new(stderr.clone()));
        let mut writer = out.list().unwrap();
        for (provider, integrations) in by_provider {
            for integration in integrations {
                writer.integration(provider, integration.clone()).unwrap();
            }
            writer.flush().unwrap();
        }
        for record in skipped {
            writer.skipped("soc", Vendor::Torq, record);
        }
        writer.finish(failures).unwrap();
        (stdout.text(), stderr.text())
    }

    #[test]
    fn the_streamed_json_document_is_the_document_serialized_at_once() {
        use crate::document::{ErrorDocument, ListDocument};
        let failure = FailureDocument {
            provider: "prod".into(),
            vendor: Vendor::Looker,
            error: ErrorDocument {
                kind: ErrorKind::Auth,
                exit_code: 3,
                message: "prod: looker login: unauthorized".into(),
            },
        };
        let skipped = SkippedRecord::new(4, Some("x".into()), "invalid type: \"…\"");
        let a = "4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb";
        let b = "7f64ec71-92da-42d0-bd66-52324a7f796f";
        let cases: Vec<Case> = vec![
            (vec![], vec![], vec![]),
            (
                vec![("soc", vec![])],
                vec![failure.clone()],
                vec![skipped.clone()],
            ),
            (
                vec![
                    (
                        "soc",
                        vec![integration(a, "Splunk \"alerts\"", Some("two\nlines"))],
                    ),
                    ("empty", vec![]),
                    (
                        "eu",
                        vec![integration(b, "東京", None), integration(a, "x", None)],
                    ),
                ],
                vec![failure.clone(), failure],
                vec![skipped.clone(), skipped],
            ),
        ];
        for (by_provider, failures, skipped) in cases {
            let doc = ListDocument {
                integrations: by_provider
                    .iter()
                    .flat_map(|(provider, list)| {
                        list.iter().map(|integration| IntegrationDocument {
                            provider: (*provider).to_owned(),
                            integration: integration.clone(),
                        })
                    })
                    .collect(),
                failures: failures.clone(),
                skipped: skipped
                    .iter()
                    .map(|record| SkippedDocument {
                        provider: "soc".into(),
                        vendor: Vendor::Torq,
                        record: record.clone(),
                    })
                    .collect(),
            };
            let (stdout, stderr) = streamed(Format::Json, &by_provider, &failures, skipped);
            let expected = serde_json::to_string_pretty(&doc).unwrap() + "\n";
            assert_eq!(stdout, expected);
            assert_eq!(stderr, "", "--json holds the skipped records");
        }
    }

    #[test]
    fn lines_and_ids_are_written_record_by_record_and_skips_are_warned() {
        let a = "4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb";
        let by_provider = [
            ("soc", vec![integration(a, "A", None)]),
            ("eu", vec![integration(a, "B", None)]),
        ];
        let skipped = vec![SkippedRecord::new(2, None, "bad")];
        let (stdout, stderr) = streamed(Format::JsonLines, &by_provider, &[], skipped.clone());
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (&lines[0]["provider"], &lines[1]["name"]),
            (&"soc".into(), &"B".into())
        );
        assert_eq!(stderr.lines().count(), 1);
        assert!(stderr.starts_with("warning: soc: "), "{stderr}");
        let (stdout, _) = streamed(Format::Quiet, &by_provider, &[], vec![]);
        assert_eq!(stdout, format!("torq:{a}\ntorq:{a}\n"));
        let (stdout, stderr) = streamed(Format::Table, &[], &[], vec![]);
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            ("", "no integrations\n")
        );
    }

    #[test]
    fn control_characters_from_vendors_are_escaped() {
        assert_eq!(clean("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(clean("plain"), "plain");
    }

    #[test]
    fn sensitive_values_show_only_whether_they_are_set() {
        let mut p = Parameter::new("token");
        p.required = true;
        p.sensitive = true;
        p.has_value = true;
        p.value = Some("leaked-by-a-broken-server".into());
        assert_eq!(parameter_row(&p)[1..3], ["yes", MASK]);
        p.has_value = false;
        assert_eq!(parameter_row(&p)[1..3], ["no", "-"]);
        p.sensitive = false;
        p.has_value = true;
        assert_eq!(parameter_row(&p)[2], "leaked-by-a-broken-server");
    }
}
