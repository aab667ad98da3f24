//! The configuration file (`--config FILE`, or `INTEGRATIONS_CONFIG`): several providers, each
//! with a vendor, a name and the vendor builder's own keys.
//!
//! ```toml
//! [[provider]]
//! vendor = "looker"
//! name = "prod"                                   # required, unique: `--provider prod`
//! base_url = "https://acme.cloud.looker.com"      # without /api/4.0
//! client_id = "AbCdEf123"
//! client_secret_env = "PROD_LOOKER_SECRET"        # any key: `<key>_env` reads it from a variable
//! timeout = "30s"                                 # and any client option: max_in_flight, user_agent, …
//! # ini_file = "looker.ini"                       # Looker's own file, read first (relative to
//! # ini_section = "Looker"                        # this file); the keys above override it
//!
//! [[provider]]
//! vendor = "torq"
//! name = "soc"
//! region = "eu"                                   # or base_url + auth_url
//! client_id = "0b8e…"
//! client_secret_env = "SOC_TORQ_SECRET"
//! ```
//!
//! Every key but `vendor`, `name`, `<key>_env` and the vendor's file keys goes to the facade's
//! [`ProviderConfig::with_key`], which knows the vendor's keys and parses their values when the
//! provider is built; an error names the table and key the value came from (``config
//! [[provider]] `prod` timeout``), or the variable of a `<key>_env`. Errors the file itself
//! causes (an unknown key, a value of the wrong type, a missing variable) name its line.
//!
//! The older shape, one array of tables per vendor (`[[looker]]`, `[[torq]]`, with the same keys
//! and no `vendor`), still loads. `client_secret = "…"` inline is accepted (never printed, not
//! even in errors) but a variable is better: the file can then be shared and committed.

use std::fmt;
use std::path::{Path, PathBuf};

use integrations::{ProviderConfig, Vendor};
use toml::de::{DeTable, DeValue};

use crate::error::CliError;
use crate::providers::{Environment, Unbuilt};
use crate::vendors;

/// The table of the file's shape: `[[provider]]`, each with its `vendor`.
const PROVIDER_TABLE: &str = "provider";
/// The key that names an entry's vendor.
const VENDOR_KEY: &str = "vendor";
/// The key that names an entry.
const NAME_KEY: &str = "name";
/// The suffix of a key whose value is read from the variable it names.
const ENV_SUFFIX: &str = "_env";
/// The keys whose value is a secret: the "missing" message suggests a variable first.
const SECRET_KEYS: &[&str] = &["client_secret"];

/// A place in the file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    column: usize,
}

impl Pos {
    /// The place of byte `offset` of `text`.
    fn of(text: &str, offset: usize) -> Self {
        let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
        Self {
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A key of a provider's table and its value as text. `Debug` never shows the value: it may
/// be a secret.
struct Setting {
    key: String,
    value: String,
    key_at: Pos,
    value_at: Pos,
}

impl fmt::Debug for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Setting {{ key: {:?}, .. }}", self.key)
    }
}

/// One provider of the file.
#[derive(Debug)]
struct Entry {
    /// The table it was written in: `provider`, or a vendor's name in the older shape.
    table: String,
    /// Where the table is.
    at: Pos,
    vendor: Vendor,
    name: String,
    /// Every other key, in the file's order.
    settings: Vec<Setting>,
}

/// The file, read and checked: its providers, not built yet.
#[derive(Debug)]
pub struct ConfigFile {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl ConfigFile {
    /// Reads and checks `path` (a blocking read: call it off the async runtime's threads).
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Config(format!("config file {}: {e}", path.display())))?;
        Self::parse(&text, path)
    }

    /// Checks the text of the file at `path` (named in errors). An error is one line and
    /// quotes no value of the file.
    pub fn parse(text: &str, path: &Path) -> Result<Self, CliError> {
        let entries = entries(text).map_err(|message| fail(path, message))?;
        Ok(Self {
            path: path.to_owned(),
            entries,
        })
    }

    /// The providers of the file, with the variables their `<key>_env` keys name read from
    /// `env` and vendor files read relative to the file.
    pub fn providers(self, env: &Environment) -> Result<Vec<Unbuilt>, CliError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        self.entries
            .into_iter()
            .map(|entry| entry.unbuilt(dir, env))
            .collect::<Result<_, _>>()
            .map_err(|message| fail(&self.path, message))
    }
}

/// A configuration error about the file at `path`.
fn fail(path: &Path, message: String) -> CliError {
    CliError::Config(format!("config file {}: {message}", path.display()))
}

/// The entries of the file's text, checked for shape; errors start with their place.
fn entries(text: &str) -> Result<Vec<Entry>, String> {
    let root = DeTable::parse(text).map_err(|e| {
        let at = e
            .span()
            .map(|span| format!("{}: ", Pos::of(text, span.start)))
            .unwrap_or_default();
        format!("{at}{}", without_quoted_values(e.message()))
    })?;
    let pos = |offset: usize| Pos::of(text, offset);
    let mut tables: Vec<_> = root.get_ref().iter().collect();
    tables.sort_by_key(|(key, _)| key.span().start);
    let mut entries: Vec<Entry> = Vec::new();
    for (key, value) in tables {
        let table = key.get_ref().as_ref();
        let at = pos(key.span().start);
        let vendor = match table {
            PROVIDER_TABLE => None,
            other => match other.parse::<Vendor>() {
                Ok(vendor) if vendors::of(vendor).is_some() => Some(vendor),
                _ => {
                    return Err(format!(
                        "{at}: unknown table `{table}`: providers are [[{PROVIDER_TABLE}]] tables"
                    ));
                }
            },
        };
        let not_tables = || format!("{at}: `{table}` must be tables: write [[{table}]]");
        let array = value.get_ref().as_array().ok_or_else(not_tables)?;
        for item in array.iter() {
            let fields = item.get_ref().as_table().ok_or_else(not_tables)?;
            let entry = Entry::parse(table, vendor, pos(item.span().start), fields, text)?;
            if entries.iter().any(|e| e.name == entry.name) {
                return Err(format!(
                    "{}: two providers are named `{}`; names must be unique",
                    entry.at, entry.name
                ));
            }
            entries.push(entry);
        }
    }
    if entries.is_empty() {
        return Err(format!("no [[{PROVIDER_TABLE}]] table: no provider to use"));
    }
    Ok(entries)
}

impl Entry {
    /// Reads one table: `vendor` (unless the table's name implies it), `name`, and the rest.
    fn parse(
        table: &str,
        implied: Option<Vendor>,
        at: Pos,
        fields: &DeTable<'_>,
        text: &str,
    ) -> Result<Self, String> {
        let mut fields: Vec<_> = fields.iter().collect();
        fields.sort_by_key(|(key, _)| key.span().start);
        let string = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k.get_ref() == key)
                .map(|(k, v)| match v.get_ref() {
                    DeValue::String(s) => Ok(s.to_string()),
                    _ => Err(format!(
                        "{}: [[{table}]]: `{key}` must be a string",
                        Pos::of(text, k.span().start)
                    )),
                })
                .transpose()
        };
        let Some(name) = string(NAME_KEY)? else {
            return Err(format!("{at}: a [[{table}]] table has no `{NAME_KEY}`"));
        };
        if name.trim().is_empty() {
            return Err(format!("{at}: a [[{table}]] table has an empty name"));
        }
        let label = format!("[[{table}]] `{name}`");
        let expected = || {
            let names: Vec<&str> = vendors::VENDORS.iter().map(|v| v.vendor.as_str()).collect();
            names.join(", ")
        };
        let vendor = match (string(VENDOR_KEY)?, implied) {
            (None, Some(vendor)) => vendor,
            (Some(given), Some(vendor)) if given.eq_ignore_ascii_case(vendor.as_str()) => vendor,
            (Some(_), Some(_)) => {
                return Err(format!(
                    "{at}: {label}: `{VENDOR_KEY}` differs from the table's vendor; use a [[{PROVIDER_TABLE}]] table"
                ));
            }
            (None, None) => {
                return Err(format!(
                    "{at}: {label}: `{VENDOR_KEY}` is missing (one of {})",
                    expected()
                ));
            }
            (Some(given), None) => match given.parse::<Vendor>() {
                Ok(vendor) if vendors::of(vendor).is_some() => vendor,
                _ => {
                    return Err(format!(
                        "{at}: {label}: `{VENDOR_KEY}`: unknown vendor `{given}` (one of {})",
                        expected()
                    ));
                }
            },
        };
        let mut settings = Vec::new();
        for (key, value) in fields {
            let key_at = Pos::of(text, key.span().start);
            let value_at = Pos::of(text, value.span().start);
            let key = key.get_ref().as_ref();
            if key == NAME_KEY || key == VENDOR_KEY {
                continue;
            }
            if key.chars().any(|c| c.is_ascii_uppercase()) {
                return Err(format!(
                    "{key_at}: {label}: `{key}`: keys are short names in lower case (`base_url`, `timeout`)"
                ));
            }
            let text_only = key.ends_with(ENV_SUFFIX) || is_file_key(vendor, key);
            let value = match (value.get_ref(), text_only) {
                (DeValue::String(s), _) => s.to_string(),
                (_, true) => return Err(format!("{value_at}: {label}: `{key}` must be a string")),
                (other, false) => scalar(other).ok_or_else(|| {
                    format!("{value_at}: {label}: `{key}` must be a string, a number or a boolean")
                })?,
            };
            settings.push(Setting {
                key: key.to_owned(),
                value,
                key_at,
                value_at,
            });
        }
        Ok(Self {
            table: table.to_owned(),
            at,
            vendor,
            name,
            settings,
        })
    }

    /// The setting of `key`, if the table has one.
    fn get(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.key == key)
    }

    /// The provider's configuration: the vendor's own file first (its keys are overridden by
    /// the table's), then every key in the file's order through the facade's `with_key`.
    fn unbuilt(self, dir: &Path, env: &Environment) -> Result<Unbuilt, String> {
        let label = format!("[[{}]] `{}`", self.table, self.name);
        let fail = |at: Pos, message: String| format!("{at}: {label}: {message}");
        let vendor = vendors::of(self.vendor);
        let mut config = ProviderConfig::new(self.vendor).with_name(&self.name);
        let file = vendor.and_then(|v| v.file);
        let file_path = file.and_then(|f| self.get(&f.path_key()));
        match (file, file_path) {
            (Some(f), Some(path)) => {
                let section = self.get(&f.section_key()).map_or(f.section, |s| &s.value);
                config = config
                    .with_vendor_file(&dir.join(&path.value), section)
                    .map_err(|e| fail(path.value_at, e.to_string()))?;
            }
            (Some(f), None) => {
                if let Some(section) = self.get(&f.section_key()) {
                    return Err(fail(
                        section.key_at,
                        format!("`{}` needs `{}`", f.section_key(), f.path_key()),
                    ));
                }
            }
            (None, _) => {}
        }
        for s in &self.settings {
            if is_file_key(self.vendor, &s.key) {
                continue;
            }
            let (key, value, origin) = match s.key.strip_suffix(ENV_SUFFIX) {
                Some(key) => {
                    if self.get(key).is_some() {
                        return Err(fail(
                            s.key_at,
                            format!("set `{}` or `{key}`, not both", s.key),
                        ));
                    }
                    match env.var(&s.value) {
                        Some(value) if !value.is_empty() => {
                            (key, value.to_owned(), s.value.clone())
                        }
                        _ => {
                            return Err(fail(
                                s.value_at,
                                format!("`{}`: the variable {} is not set", s.key, s.value),
                            ));
                        }
                    }
                }
                None => (
                    s.key.as_str(),
                    s.value.clone(),
                    format!("config {label} {}", s.key),
                ),
            };
            config = config
                .with_key(key, value, &origin)
                .map_err(|e| fail(s.key_at, e.to_string()))?;
        }
        // Checked last: an unknown key (a misspelt required one) says more.
        if file_path.is_none() {
            for key in vendor.map_or(&[][..], |v| v.required) {
                let env_key = format!("{key}{ENV_SUFFIX}");
                if self.get(key).is_none() && self.get(&env_key).is_none() {
                    let message = if SECRET_KEYS.contains(key) {
                        format!("`{env_key}` (or `{key}`) is missing")
                    } else {
                        format!("`{key}` is missing")
                    };
                    return Err(fail(self.at, message));
                }
            }
        }
        Ok(Unbuilt {
            name: Some(self.name),
            config,
        })
    }
}

/// Whether `key` names `vendor`'s own file or its section.
fn is_file_key(vendor: Vendor, key: &str) -> bool {
    vendors::of(vendor)
        .and_then(|v| v.file)
        .is_some_and(|f| key == f.path_key() || key == f.section_key())
}

/// A number or a boolean as the text the facade parses; `None` for arrays, tables, dates.
fn scalar(value: &DeValue<'_>) -> Option<String> {
    match value {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n.to_string()),
        DeValue::Float(f) => Some(f.as_str().to_owned()),
        DeValue::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A parser's message without the string values it quotes (`invalid type: string "…"`): a
/// value may be a secret written in the wrong place.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('"', false) => {
                quoted = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                quoted = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) if c == '\n' || c == '\r' => out.push(' '),
            (c, false) => out.push(c),
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment::from_pairs(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    fn parse(text: &str) -> Result<ConfigFile, String> {
        ConfigFile::parse(text, Path::new("t.toml")).map_err(|e| e.to_string())
    }

    fn providers(text: &str, vars: &[(&str, &str)]) -> Result<Vec<Unbuilt>, String> {
        parse(text)?
            .providers(&env(vars))
            .map_err(|e| e.to_string())
    }

    fn names(unbuilt: &[Unbuilt]) -> Vec<(&str, Vendor)> {
        unbuilt
            .iter()
            .map(|u| (u.name.as_deref().unwrap(), u.config.vendor()))
            .collect()
    }

    const TWO: &str = r#"
[[provider]]
vendor = "looker"
name = "prod"
base_url = "https://acme.cloud.looker.com"
client_id = "id"
client_secret_env = "PROD_LOOKER_SECRET"
timeout = "30s"
max_in_flight = 8

[[provider]]
vendor = "torq"
name = "soc"
region = "eu"
client_id = "tid"
client_secret = "inline-torq-secret"
"#;

    /// [`TWO`] in the older shape: one array per vendor, without `vendor`.
    fn two_old() -> String {
        TWO.replace("[[provider]]\nvendor = \"looker\"", "[[looker]]")
            .replace("[[provider]]\nvendor = \"torq\"", "[[torq]]")
    }

    #[test]
    fn both_shapes_give_the_same_named_providers_and_build() {
        let old = two_old();
        assert!(!old.contains("vendor"));
        for text in [TWO, &old] {
            let file = parse(text).unwrap();
            assert!(!format!("{file:?}").contains("inline-torq-secret"));
            let unbuilt = file
                .providers(&env(&[("PROD_LOOKER_SECRET", "s3cret")]))
                .unwrap();
            assert_eq!(
                names(&unbuilt),
                [("prod", Vendor::Looker), ("soc", Vendor::Torq)]
            );
            for u in unbuilt {
                assert!(u.config.build().is_ok());
            }
        }
    }

    #[test]
    fn values_are_named_by_their_table_and_key_or_their_variable() {
        let text = "[[provider]]\nvendor = \"looker\"\nname = \"p\"\nbase_url = \"https://a.io\"\nclient_id = \"i\"\nclient_secret = \"s\"\ntimeout = \"soon\"\n";
        let u = providers(text, &[]).unwrap().pop().unwrap();
        let e = u.config.build().unwrap_err().to_string();
        assert!(
            e.starts_with("looker configuration: config [[provider]] `p` timeout: `soon` is not"),
            "{e}"
        );
        let text = text.replace("timeout = \"soon\"", "timeout_env = \"P_TIMEOUT\"");
        let u = providers(&text, &[("P_TIMEOUT", "-3")])
            .unwrap()
            .pop()
            .unwrap();
        let e = u.config.build().unwrap_err().to_string();
        assert!(
            e.starts_with("looker configuration: P_TIMEOUT: `-3` is not"),
            "{e}"
        );
        let old = "[[torq]]\nname = \"t\"\nbase_url = \"http://torq.example.com\"\nauth_url = \"https://a.io\"\nclient_id = \"i\"\nclient_secret = \"s\"\n";
        let e = providers(old, &[]).unwrap().pop().unwrap().config.build();
        assert!(
            e.unwrap_err().to_string().contains(
                "config [[torq]] `t` base_url: `http://torq.example.com` uses plain http"
            )
        );
    }

    #[test]
    fn every_error_of_the_file_names_its_place_and_quotes_no_value() {
        const LOOKER: &str = "[[provider]]\nvendor = \"looker\"\nname = \"a\"\n";
        let looker = |rest: &str| format!("{LOOKER}{rest}");
        let complete =
            "base_url = \"https://a.io\"\nclient_id = \"i\"\nclient_secret = \"hunter2\"\n";
        let cases: Vec<(String, &str)> = vec![
            // What the file is made of.
            ("".into(), "no [[provider]] table: no provider to use"),
            ("[[okta]]\nname = \"x\"\n".into(), "line 1, column 3: unknown table `okta`: providers are [[provider]] tables"),
            ("[provider]\nname = \"x\"\n".into(), "line 1, column 2: `provider` must be tables: write [[provider]]"),
            ("[[provider]]\nname = \"a\"\nclient_secret = \"hunter2\n".into(), "line 3, column 25: invalid basic string"),
            // Each table's vendor and name.
            ("[[provider]]\nname = \"a\"\n".into(), "line 1, column 1: [[provider]] `a`: `vendor` is missing (one of looker, torq)"),
            ("[[provider]]\nvendor = \"okta\"\nname = \"a\"\n".into(), "line 1, column 1: [[provider]] `a`: `vendor`: unknown vendor `okta` (one of looker, torq)"),
            ("[[looker]]\nvendor = \"torq\"\nname = \"x\"\n".into(), "line 1, column 1: [[looker]] `x`: `vendor` differs from the table's vendor; use a [[provider]] table"),
            ("[[torq]]\nclient_id = \"x\"\n".into(), "line 1, column 1: a [[torq]] table has no `name`"),
            ("[[looker]]\nname = \"x\"\n[[torq]]\nname = \"x\"\n".into(), "line 3, column 1: two providers are named `x`; names must be unique"),
            // Keys and their types.
            (looker("verify_ssl = [\"hunter2\"]\n"), "line 4, column 14: [[provider]] `a`: `verify_ssl` must be a string, a number or a boolean"),
            (looker("client_secret_env = 3\n"), "line 4, column 21: [[provider]] `a`: `client_secret_env` must be a string"),
            (looker("LOOKERSDK_BASE_URL = \"x\"\n"), "line 4, column 1: [[provider]] `a`: `LOOKERSDK_BASE_URL`: keys are short names in lower case (`base_url`, `timeout`)"),
            (looker(&format!("{complete}client_secrte = \"hunter2\"\n")), "line 7, column 1: [[provider]] `a`: unknown configuration key `client_secrte`: expected one of base_url, client_id, client_secret, verify_ssl, timeout,"),
            // Variables, and what a provider needs to log in.
            (TWO.into(), "line 7, column 21: [[provider]] `prod`: `client_secret_env`: the variable PROD_LOOKER_SECRET is not set"),
            ("[[provider]]\nvendor = \"torq\"\nname = \"t\"\nclient_id = \"i\"\n".into(), "line 1, column 1: [[provider]] `t`: `client_secret_env` (or `client_secret`) is missing"),
            ("[[looker]]\nname = \"l\"\nclient_id = \"i\"\n".into(), "line 1, column 1: [[looker]] `l`: `base_url` is missing"),
            ("[[torq]]\nname = \"t\"\nclient_id = \"i\"\nclient_secret = \"hunter2\"\nclient_secret_env = \"B\"\n".into(), "line 5, column 1: [[torq]] `t`: set `client_secret_env` or `client_secret`, not both"),
            (looker("ini_section = \"S\"\n"), "line 4, column 1: [[provider]] `a`: `ini_section` needs `ini_file`"),
            ("[[provider]]\nvendor = \"torq\"\nname = \"t\"\nclient_id = \"i\"\nclient_secret = \"s\"\nini_file = \"x.ini\"\n".into(), "line 6, column 1: [[provider]] `t`: unknown configuration key `ini_file`"),
        ];
        for (text, error) in cases {
            let e = providers(&text, &[("B", "b")]).unwrap_err();
            assert!(
                e.starts_with(&format!("config file t.toml: {error}")),
                "{text}\n{e}"
            );
            assert!(!e.contains("hunter2") && !e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn looker_ini_files_are_read_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("staging.ini"),
            "[Staging]\nbase_url=https://staging.cloud.looker.com\nclient_id=i\nclient_secret=ini-secret\n",
        )
        .unwrap();
        let path = dir.path().join("integrations.toml");
        std::fs::write(
            &path,
            "[[provider]]\nvendor = \"looker\"\nname = \"staging\"\nini_file = \"staging.ini\"\nini_section = \"Staging\"\nclient_id = \"over\"\n",
        )
        .unwrap();
        let u = ConfigFile::load(&path)
            .unwrap()
            .providers(&env(&[]))
            .unwrap();
        assert_eq!(u[0].name.as_deref(), Some("staging"));
        assert!(u.into_iter().next().unwrap().config.build().is_ok());
    }

    #[test]
    fn quoted_values_are_dropped_from_messages() {
        assert_eq!(
            without_quoted_values("invalid type: string \"s3cret\", expected a boolean"),
            "invalid type: string \"…\", expected a boolean"
        );
        assert_eq!(Pos::of("a\nbc\nd", 4), Pos { line: 2, column: 3 });
    }
}
