//! How `hubs`, `form` and `doctor` print: the same tables, JSON and quiet rules as the rest of
//! [`Output`](super::Output). A hub's authorization token is never shown (the facade never has
//! it): only whether one is set.

use integrations::hubs::{FormField, IntegrationHub};

use super::{Format, Output, Result, key_values, key_values_and_message, table, yes_no};
use crate::document_hubs::{
    DoctorDocument, FormDocument, HealthDocument, HubDocument, HubsDocument, ProblemDocument,
};

impl Output {
    /// `hubs list`: every hub of one instance.
    pub fn hubs(&mut self, doc: &HubsDocument) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => self.json(doc),
            Format::Quiet => {
                let ids: String = doc.hubs.iter().map(|h| format!("{}\n", h.id)).collect();
                self.out(&ids)
            }
            Format::Table if doc.hubs.is_empty() => self.note("no hubs"),
            Format::Table => {
                let rows: Vec<Vec<String>> = doc.hubs.iter().map(hub_row).collect();
                self.out(&table(
                    &[
                        "ID",
                        "LABEL",
                        "URL",
                        "OFFICIAL",
                        "TOKEN",
                        "AGREEMENT",
                        "FETCH ERROR",
                    ],
                    &rows,
                ))
            }
        }
    }

    /// `hubs get|add|update|accept-agreement`: one hub.
    pub fn hub(&mut self, doc: &HubDocument) -> Result {
        self.document(doc, hub_table)
    }

    /// `hubs remove`: the hub that was removed.
    pub fn removed_hub(&mut self, doc: &HubDocument) -> Result {
        self.document(doc, |doc| {
            let label = doc
                .hub
                .label
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            format!(
                "removed hub {}{label} from {}\n",
                super::clean(&doc.hub.id),
                super::clean(&doc.provider)
            )
        })
    }

    /// `hubs health`: whether the instance reaches the hub.
    pub fn hub_health(&mut self, doc: &HealthDocument) -> Result {
        self.document(doc, |doc| {
            let fields = vec![
                ("HUB", doc.hub.clone()),
                ("PROVIDER", doc.provider.clone()),
                ("HEALTHY", yes_no(doc.health.healthy)),
            ];
            key_values_and_message(fields, doc.health.message.as_ref())
        })
    }

    /// `form`: the fields of an integration's form.
    pub fn form(&mut self, doc: &FormDocument) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => self.json(doc),
            Format::Quiet => Ok(()),
            Format::Table => {
                let mut text = key_values(&[
                    ("ID", doc.id.to_string()),
                    ("PROVIDER", doc.provider.clone()),
                ]);
                text.push('\n');
                if doc.form.fields.is_empty() {
                    self.out(&text)?;
                    return self.note("the form has no fields");
                }
                let rows: Vec<Vec<String>> = doc.form.fields.iter().map(field_row).collect();
                text.push_str(&table(
                    &["FIELD", "TYPE", "REQUIRED", "DEFAULT", "LABEL", "OPTIONS"],
                    &rows,
                ));
                self.out(&text)
            }
        }
    }

    /// `doctor`: the problems found (the summary is printed by the command: a note, or the
    /// error `main` prints), and a warning for each record a listing skipped.
    pub fn doctor(&mut self, doc: &DoctorDocument) -> Result {
        match self.format {
            Format::Json | Format::JsonLines => return self.json(doc),
            Format::Quiet => {}
            Format::Table if doc.problems.is_empty() => {}
            Format::Table => {
                let rows: Vec<Vec<String>> = doc.problems.iter().map(problem_row).collect();
                self.out(&table(
                    &["PROVIDER", "INTEGRATION", "PROBLEM", "DETAIL"],
                    &rows,
                ))?;
            }
        }
        for s in &doc.skipped {
            self.warning(&format!("{}: {}", s.provider, s.record))?;
        }
        Ok(())
    }
}

/// A hub as a row of `hubs list`'s table.
fn hub_row(h: &IntegrationHub) -> Vec<String> {
    vec![
        h.id.clone(),
        or_dash(h.label.as_deref()),
        or_dash(h.url.as_deref()),
        yes_no(h.official),
        token(h).into(),
        agreement(h).into(),
        or_dash(h.fetch_error_message.as_deref()),
    ]
}

/// A problem as a row of `doctor`'s table.
fn problem_row(p: &ProblemDocument) -> Vec<String> {
    vec![
        p.provider.clone(),
        p.id.to_string(),
        p.problem.label().to_owned(),
        p.detail.clone(),
    ]
}

/// One hub for people, with how to accept its agreement when that is pending.
fn hub_table(doc: &HubDocument) -> String {
    let h = &doc.hub;
    let mut fields = vec![
        ("ID", h.id.clone()),
        ("LABEL", or_dash(h.label.as_deref())),
        ("URL", or_dash(h.url.as_deref())),
        ("PROVIDER", doc.provider.clone()),
        ("OFFICIAL", yes_no(h.official)),
        ("TOKEN", token(h).into()),
        ("AGREEMENT", agreement(h).into()),
    ];
    if h.agreement_pending() {
        fields.push((
            "ACCEPT WITH",
            format!("integrations hubs accept-agreement {}", h.id),
        ));
    }
    if let Some(text) = &h.legal_agreement_text {
        fields.push(("AGREEMENT TEXT", text.clone()));
    }
    if let Some(e) = &h.fetch_error_message {
        fields.push(("FETCH ERROR", e.clone()));
    }
    key_values(&fields)
}

fn or_dash(text: Option<&str>) -> String {
    text.unwrap_or("-").to_owned()
}

/// Whether a token is set: never the token.
fn token(hub: &IntegrationHub) -> &'static str {
    if hub.has_authorization_token {
        "set"
    } else {
        "-"
    }
}

fn agreement(hub: &IntegrationHub) -> &'static str {
    match (hub.legal_agreement_required, hub.legal_agreement_signed) {
        (false, _) => "-",
        (true, true) => "accepted",
        (true, false) => "pending",
    }
}

/// A form field as a row: a `password` field never shows a default (the facade drops it).
fn field_row(f: &FormField) -> Vec<String> {
    let default = match (f.kind.as_deref(), &f.default) {
        (Some("password"), _) | (_, None) => "-".to_owned(),
        (_, Some(d)) => d.clone(),
    };
    let options = if f.options.is_empty() {
        "-".to_owned()
    } else {
        f.options
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        f.name.clone(),
        or_dash(f.kind.as_deref()),
        yes_no(f.required),
        default,
        or_dash(f.label.as_deref()),
        options,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_shows_whether_it_has_a_token_and_a_pending_agreement() {
        let mut hub = IntegrationHub::new("3");
        assert_eq!((token(&hub), agreement(&hub)), ("-", "-"));
        hub.has_authorization_token = true;
        hub.legal_agreement_required = true;
        assert_eq!((token(&hub), agreement(&hub)), ("set", "pending"));
        hub.legal_agreement_signed = true;
        assert_eq!(agreement(&hub), "accepted");
    }

    #[test]
    fn doctor_tables_hold_nothing_when_all_is_well() {
        let stdout = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
        impl std::io::Write for Shared {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().write(buf)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = Output::new(
            Format::Table,
            Box::new(Shared(stdout.clone())),
            Box::new(Vec::new()),
        );
        let doc = DoctorDocument {
            problems: Vec::new(),
            providers: Vec::new(),
            failures: Vec::new(),
            skipped: Vec::new(),
            summary: "no problems".into(),
        };
        out.doctor(&doc).unwrap();
        assert!(stdout.borrow().is_empty());
    }
}
