//! The configuration file (`--config FILE`, or `INTEGRATIONS_CONFIG`): several providers, each
//! with a name.
//!
//! ```toml
//! [[looker]]
//! name = "prod"                                   # required, unique: `--provider prod`
//! base_url = "https://acme.cloud.looker.com"      # without /api/4.0
//! client_id = "AbCdEf123"
//! client_secret_env = "PROD_LOOKER_SECRET"        # the secret is read from this variable
//! # verify_ssl = true
//! # timeout = 120                                 # seconds
//! # ini_file = "looker.ini"                       # read first (relative to this file);
//! # ini_section = "Looker"                        # the keys above override it
//!
//! [[torq]]
//! name = "soc"
//! region = "eu"                                   # or base_url + auth_url
//! client_id = "0b8e…"
//! client_secret_env = "SOC_TORQ_SECRET"
//! ```
//!
//! `client_secret = "…"` inline is accepted (never printed, not even in errors) but a variable is
//! better: the file can then be shared and committed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use integrations::{LookerConfig, LookerConfigKey, TorqConfig, TorqConfigKey, TorqRegion};
use serde::Deserialize;

use crate::error::CliError;
use crate::providers::{Environment, Spec};

/// The file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Looker instances.
    #[serde(default)]
    pub looker: Vec<LookerEntry>,
    /// Torq workspaces.
    #[serde(default)]
    pub torq: Vec<TorqEntry>,
}

/// One `[[looker]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookerEntry {
    name: String,
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<InlineSecret>,
    client_secret_env: Option<String>,
    verify_ssl: Option<bool>,
    timeout: Option<u64>,
    ini_file: Option<PathBuf>,
    ini_section: Option<String>,
}

/// One `[[torq]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TorqEntry {
    name: String,
    region: Option<RegionName>,
    base_url: Option<String>,
    auth_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<InlineSecret>,
    client_secret_env: Option<String>,
    timeout: Option<u64>,
}

/// A Torq region as written in the file.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionName {
    /// `us`
    Us,
    /// `eu`
    Eu,
}

impl From<RegionName> for TorqRegion {
    fn from(region: RegionName) -> Self {
        match region {
            RegionName::Us => TorqRegion::Us,
            RegionName::Eu => TorqRegion::Eu,
        }
    }
}

/// A secret written in the file: never shown by `Debug`.
#[derive(Deserialize)]
#[serde(transparent)]
struct InlineSecret(String);

impl fmt::Debug for InlineSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InlineSecret(..)")
    }
}

impl ConfigFile {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Config(format!("config file {}: {e}", path.display())))?;
        Self::parse(&text)
            .map_err(|e| CliError::Config(format!("config file {}: {e}", path.display())))
    }

    /// Parses and checks the text of a file. The error is one line and never quotes the file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let (line, column) = line_column(text, span.start);
                    format!("line {line}, column {column}: ")
                })
                .unwrap_or_default();
            format!("{at}{}", without_quoted_values(e.message()))
        })?;
        let mut names: Vec<&str> = Vec::new();
        let entries = file
            .looker
            .iter()
            .map(|l| ("looker", l.name.as_str()))
            .chain(file.torq.iter().map(|t| ("torq", t.name.as_str())));
        for (table, name) in entries {
            if name.trim().is_empty() {
                return Err(format!("a [[{table}]] table has an empty name"));
            }
            if names.contains(&name) {
                return Err(format!(
                    "two providers are named `{name}`; names must be unique"
                ));
            }
            names.push(name);
        }
        if names.is_empty() {
            return Err("no [[looker]] or [[torq]] table: no provider to use".into());
        }
        Ok(file)
    }

    /// The providers of the file, as unbuilt specs. `dir` is where relative paths start.
    pub fn specs(self, dir: &Path, env: &Environment) -> Result<Vec<Spec>, CliError> {
        let mut specs = Vec::new();
        for entry in self.looker {
            specs.push(entry.spec(dir, env)?);
        }
        for entry in self.torq {
            specs.push(entry.spec(env)?);
        }
        Ok(specs)
    }
}

impl LookerEntry {
    fn spec(self, dir: &Path, env: &Environment) -> Result<Spec, CliError> {
        let err = |message: String| {
            CliError::Config(format!("config: [[looker]] `{}`: {message}", self.name))
        };
        let mut config = LookerConfig::new().with_name(&self.name);
        if let Some(ini) = &self.ini_file {
            let path = dir.join(ini);
            let section = self.ini_section.as_deref().unwrap_or("Looker");
            config = config
                .with_ini_file(&path, section)
                .map_err(|e| err(e.to_string()))?;
        } else {
            for (key, value) in [("base_url", &self.base_url), ("client_id", &self.client_id)] {
                if value.is_none() {
                    return Err(err(format!("`{key}` is missing")));
                }
            }
        }
        // Errors about a value of this table name the table's key, not LOOKERSDK_*.
        let origin = |key: &str| format!("config [[looker]] `{}` {key}", self.name);
        if let Some(url) = &self.base_url {
            config = config
                .with_base_url(url)
                .with_origin(LookerConfigKey::BaseUrl, origin("base_url"));
        }
        if let Some(id) = &self.client_id {
            config = config
                .with_client_id(id)
                .with_origin(LookerConfigKey::ClientId, origin("client_id"));
        }
        match secret(&self.client_secret, &self.client_secret_env, env).map_err(err)? {
            Some(secret) => {
                config = config
                    .with_client_secret(secret)
                    .with_origin(LookerConfigKey::ClientSecret, origin("client_secret"))
            }
            None if self.ini_file.is_none() => {
                return Err(err(
                    "`client_secret_env` (or `client_secret`) is missing".into()
                ));
            }
            None => {}
        }
        if let Some(verify) = self.verify_ssl {
            config = config.with_verify_ssl(verify);
        }
        if let Some(secs) = self.timeout {
            config = config.with_timeout(seconds(secs).map_err(err)?);
        }
        Ok(Spec::Looker {
            name: Some(self.name),
            config,
        })
    }
}

impl TorqEntry {
    fn spec(self, env: &Environment) -> Result<Spec, CliError> {
        let err = |message: String| {
            CliError::Config(format!("config: [[torq]] `{}`: {message}", self.name))
        };
        // Errors about a value of this table name the table's key, not TORQ_*.
        let origin = |key: &str| format!("config [[torq]] `{}` {key}", self.name);
        let mut config = TorqConfig::new().with_name(&self.name);
        if let Some(region) = self.region {
            config = config.with_region(region.into());
        }
        if let Some(url) = &self.base_url {
            config = config
                .with_base_url(url)
                .with_origin(TorqConfigKey::BaseUrl, origin("base_url"));
        }
        if let Some(url) = &self.auth_url {
            config = config
                .with_auth_url(url)
                .with_origin(TorqConfigKey::AuthUrl, origin("auth_url"));
        }
        match &self.client_id {
            Some(id) => {
                config = config
                    .with_client_id(id)
                    .with_origin(TorqConfigKey::ClientId, origin("client_id"))
            }
            None => return Err(err("`client_id` is missing".into())),
        }
        match secret(&self.client_secret, &self.client_secret_env, env).map_err(err)? {
            Some(secret) => {
                config = config
                    .with_client_secret(secret)
                    .with_origin(TorqConfigKey::ClientSecret, origin("client_secret"))
            }
            None => {
                return Err(err(
                    "`client_secret_env` (or `client_secret`) is missing".into()
                ));
            }
        }
        if let Some(secs) = self.timeout {
            config = config.with_timeout(seconds(secs).map_err(err)?);
        }
        Ok(Spec::Torq {
            name: Some(self.name),
            config,
        })
    }
}

/// The secret of an entry: inline, or from the variable it names. Errors name the variable,
/// never a value.
fn secret(
    inline: &Option<InlineSecret>,
    from_env: &Option<String>,
    env: &Environment,
) -> Result<Option<String>, String> {
    match (inline, from_env) {
        (Some(_), Some(_)) => Err("set `client_secret_env` or `client_secret`, not both".into()),
        (Some(InlineSecret(secret)), None) => Ok(Some(secret.clone())),
        (None, Some(var)) => match env.var(var) {
            Some(value) if !value.is_empty() => Ok(Some(value.to_owned())),
            _ => Err(format!(
                "`client_secret_env`: the variable {var} is not set"
            )),
        },
        (None, None) => Ok(None),
    }
}

fn seconds(secs: u64) -> Result<Duration, String> {
    if secs == 0 {
        Err("`timeout` must be a positive number of seconds".into())
    } else {
        Ok(Duration::from_secs(secs))
    }
}

/// The 1-based line and column of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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

    const TWO: &str = r#"
[[looker]]
name = "prod"
base_url = "https://acme.cloud.looker.com"
client_id = "id"
client_secret_env = "PROD_LOOKER_SECRET"

[[torq]]
name = "soc"
region = "eu"
client_id = "tid"
client_secret = "inline-torq-secret"
"#;

    #[test]
    fn a_file_gives_named_specs_with_secrets_from_the_environment() {
        let file = ConfigFile::parse(TWO).unwrap();
        assert!(!format!("{file:?}").contains("inline-torq-secret"));
        let specs = file
            .specs(Path::new("."), &env(&[("PROD_LOOKER_SECRET", "s3cret")]))
            .unwrap();
        let names: Vec<_> = specs.iter().map(|s| s.name().unwrap().to_owned()).collect();
        assert_eq!(names, ["prod", "soc"]);
        assert_eq!(specs[1].vendor(), integrations::Vendor::Torq);
    }

    #[test]
    fn a_missing_secret_variable_is_named_and_no_value_is_shown() {
        let file = ConfigFile::parse(TWO).unwrap();
        let e = file
            .specs(Path::new("."), &env(&[]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "config: [[looker]] `prod`: `client_secret_env`: the variable PROD_LOOKER_SECRET is not set"
        );
    }

    #[test]
    fn parse_errors_are_one_line_with_a_position_and_no_value() {
        let e =
            ConfigFile::parse("[[looker]]\nname = \"a\"\nverify_ssl = \"hunter2\"\n").unwrap_err();
        assert!(e.starts_with("line 3, column 14: "), "{e}");
        assert!(!e.contains("hunter2") && !e.contains('\n'), "{e}");
        let e = ConfigFile::parse("[[looker]]\nname = \"a\"\nclient_secrte = \"x\"\n").unwrap_err();
        assert!(e.contains("unknown field `client_secrte`"), "{e}");
        let e =
            ConfigFile::parse("[[looker]]\nname = \"a\"\nclient_secret = \"hunter2\n").unwrap_err();
        assert!(!e.contains("hunter2") && !e.contains('\n'), "{e}");
    }

    #[test]
    fn names_are_required_unique_and_a_file_needs_a_provider() {
        assert!(
            ConfigFile::parse("[[torq]]\nclient_id = \"x\"\n")
                .unwrap_err()
                .contains("`name`")
        );
        let dup = "[[looker]]\nname = \"x\"\n[[torq]]\nname = \"x\"\n";
        assert_eq!(
            ConfigFile::parse(dup).unwrap_err(),
            "two providers are named `x`; names must be unique"
        );
        assert!(
            ConfigFile::parse("")
                .unwrap_err()
                .starts_with("no [[looker]] or [[torq]]")
        );
    }

    #[test]
    fn entries_must_say_how_to_log_in() {
        let e = ConfigFile::parse("[[torq]]\nname = \"t\"\nclient_id = \"i\"\n")
            .unwrap()
            .specs(Path::new("."), &env(&[]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "config: [[torq]] `t`: `client_secret_env` (or `client_secret`) is missing"
        );
        let e = ConfigFile::parse("[[looker]]\nname = \"l\"\nclient_id = \"i\"\n")
            .unwrap()
            .specs(Path::new("."), &env(&[]))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "config: [[looker]] `l`: `base_url` is missing");
        let both = "[[torq]]\nname = \"t\"\nclient_id = \"i\"\nclient_secret = \"a\"\nclient_secret_env = \"B\"\n";
        let e = ConfigFile::parse(both)
            .unwrap()
            .specs(Path::new("."), &env(&[("B", "b")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("set `client_secret_env` or `client_secret`, not both"),
            "{e}"
        );
    }

    #[test]
    fn looker_ini_files_are_read_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("staging.ini"),
            "[Staging]\nbase_url=https://staging.cloud.looker.com\nclient_id=i\nclient_secret=ini-secret\n",
        )
        .unwrap();
        let file = ConfigFile::parse(
            "[[looker]]\nname = \"staging\"\nini_file = \"staging.ini\"\nini_section = \"Staging\"\n",
        )
        .unwrap();
        let specs = file.specs(dir.path(), &env(&[])).unwrap();
        assert_eq!(specs[0].name(), Some("staging"));
    }

    #[test]
    fn quoted_values_are_dropped_from_messages() {
        assert_eq!(
            without_quoted_values("invalid type: string \"s3cret\", expected a boolean"),
            "invalid type: string \"…\", expected a boolean"
        );
        assert_eq!(line_column("a\nbc\nd", 4), (2, 3));
    }
}
