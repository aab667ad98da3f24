//! Which providers a command talks to: from the demo servers, a configuration file, or the
//! vendors' environment variables, with the command line's overrides; and which one of them an
//! id goes to.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use integrations::{
    IntegrationId, IntegrationProvider, LookerConfig, LookerConfigKey, TorqConfig, TorqConfigKey,
    TorqRegion, Vendor,
};

use crate::config::ConfigFile;
use crate::demo::{self, Endpoints};
use crate::error::CliError;

/// The process environment, valid UTF-8 entries only (others are not settings of ours).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: Vec<(String, String)>,
}

impl Environment {
    /// The environment of this process.
    pub fn current() -> Self {
        Self::from_pairs(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// An environment of `pairs`.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            vars: pairs.into_iter().collect(),
        }
    }

    /// The value of `name`, if set.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_any(&self, names: impl IntoIterator<Item = impl AsRef<str>>) -> bool {
        names
            .into_iter()
            .any(|n| self.var(n.as_ref()).is_some_and(|v| !v.trim().is_empty()))
    }

    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A provider not built yet. `name` is known for demo and file providers; the environment's
/// take the facade's default (`looker@<host>`, `torq@<host>`).
#[derive(Debug)]
pub enum Spec {
    /// A Looker instance.
    Looker {
        /// Its name, if given.
        name: Option<String>,
        /// Its settings.
        config: LookerConfig,
    },
    /// A Torq workspace.
    Torq {
        /// Its name, if given.
        name: Option<String>,
        /// Its settings.
        config: TorqConfig,
    },
}

impl Spec {
    /// The vendor.
    pub fn vendor(&self) -> Vendor {
        match self {
            Spec::Looker { .. } => Vendor::Looker,
            Spec::Torq { .. } => Vendor::Torq,
        }
    }

    /// The name, when known before building.
    pub fn name(&self) -> Option<&str> {
        match self {
            Spec::Looker { name, .. } | Spec::Torq { name, .. } => name.as_deref(),
        }
    }

    fn apply(self, overrides: &Overrides) -> Self {
        match self {
            Spec::Looker { name, mut config } => {
                // Errors about a flag's value name the flag.
                if let Some(url) = &overrides.looker_base_url {
                    config = config
                        .with_base_url(url)
                        .with_origin(LookerConfigKey::BaseUrl, "--looker-base-url");
                }
                if let Some(id) = &overrides.looker_client_id {
                    config = config
                        .with_client_id(id)
                        .with_origin(LookerConfigKey::ClientId, "--looker-client-id");
                }
                if let Some(timeout) = overrides.timeout {
                    config = config.with_timeout(timeout);
                }
                Spec::Looker { name, config }
            }
            Spec::Torq { name, mut config } => {
                if let Some(region) = overrides.torq_region {
                    config = config.with_region(region);
                }
                if let Some(url) = &overrides.torq_base_url {
                    config = config
                        .with_base_url(url)
                        .with_origin(TorqConfigKey::BaseUrl, "--torq-base-url");
                }
                if let Some(url) = &overrides.torq_auth_url {
                    config = config
                        .with_auth_url(url)
                        .with_origin(TorqConfigKey::AuthUrl, "--torq-auth-url");
                }
                if let Some(id) = &overrides.torq_client_id {
                    config = config
                        .with_client_id(id)
                        .with_origin(TorqConfigKey::ClientId, "--torq-client-id");
                }
                if let Some(timeout) = overrides.timeout {
                    config = config.with_timeout(timeout);
                }
                Spec::Torq { name, config }
            }
        }
    }

    fn build(self) -> Result<Arc<dyn IntegrationProvider>, CliError> {
        let named = |name: Option<String>, e: integrations::Error| match name {
            Some(name) => CliError::Provider {
                provider: name,
                source: e,
            },
            None => CliError::Facade(e),
        };
        Ok(match self {
            Spec::Looker { name, config } => Arc::new(config.build().map_err(|e| named(name, e))?),
            Spec::Torq { name, config } => Arc::new(config.build().map_err(|e| named(name, e))?),
        })
    }
}

/// Settings given on the command line; they override the environment, `looker.ini` and the
/// configuration file. No secret can be given this way (it would stay in the shell's history).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--looker-base-url`
    pub looker_base_url: Option<String>,
    /// `--looker-client-id`
    pub looker_client_id: Option<String>,
    /// `--torq-region`
    pub torq_region: Option<TorqRegion>,
    /// `--torq-base-url`
    pub torq_base_url: Option<String>,
    /// `--torq-auth-url`
    pub torq_auth_url: Option<String>,
    /// `--torq-client-id`
    pub torq_client_id: Option<String>,
    /// `--timeout`, for every provider.
    pub timeout: Option<Duration>,
}

impl Overrides {
    /// The vendor flags given for `vendor` (`--timeout` applies to all and is not one).
    fn flags_of(&self, vendor: Vendor) -> Vec<&'static str> {
        let given = |set: bool, flag: &'static str| set.then_some(flag);
        match vendor {
            Vendor::Looker => [
                given(self.looker_base_url.is_some(), "--looker-base-url"),
                given(self.looker_client_id.is_some(), "--looker-client-id"),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Vendor::Torq => [
                given(self.torq_region.is_some(), "--torq-region"),
                given(self.torq_base_url.is_some(), "--torq-base-url"),
                given(self.torq_auth_url.is_some(), "--torq-auth-url"),
                given(self.torq_client_id.is_some(), "--torq-client-id"),
            ]
            .into_iter()
            .flatten()
            .collect(),
            _ => Vec::new(),
        }
    }
}

/// Where the providers come from.
#[derive(Debug)]
pub enum Source {
    /// The in-process fake servers (`--demo`).
    Demo(Endpoints),
    /// A configuration file (`--config`).
    File(PathBuf),
    /// `LOOKERSDK_*` / `./looker.ini` and `TORQ_*`.
    Environment,
}

/// The providers of a command, in the configured order (Looker ones first in the environment).
#[derive(Debug, Clone)]
pub struct Providers {
    all: Vec<Arc<dyn IntegrationProvider>>,
    /// Whether `--provider` narrowed them (for messages).
    narrowed: bool,
}

impl Providers {
    /// Builds the providers of `source` with `overrides`, keeping those named in `selected`
    /// (all when empty). Builds send no request.
    pub fn resolve(
        source: &Source,
        overrides: &Overrides,
        selected: &[String],
        env: &Environment,
    ) -> Result<Self, CliError> {
        let mut specs = match source {
            Source::Demo(endpoints) => demo_specs(endpoints),
            Source::File(path) => {
                let dir = path.parent().unwrap_or(Path::new("."));
                ConfigFile::load(path)?.specs(dir, env)?
            }
            Source::Environment => env_specs(env, overrides)?,
        };
        let known: Vec<String> = specs
            .iter()
            .filter_map(|s| s.name().map(str::to_owned))
            .collect();
        if !selected.is_empty() {
            specs.retain(|s| s.name().is_none_or(|n| selected.iter().any(|x| x == n)));
        }
        for vendor in [Vendor::Looker, Vendor::Torq] {
            let flags = overrides.flags_of(vendor);
            if flags.is_empty() {
                continue;
            }
            let count = specs.iter().filter(|s| s.vendor() == vendor).count();
            if count == 0 {
                return Err(CliError::Usage(format!(
                    "{} given, but no {vendor} provider is configured",
                    flags.join(", ")
                )));
            }
            if count > 1 {
                return Err(CliError::Usage(format!(
                    "{} would apply to {count} {vendor} providers; choose one with --provider",
                    flags.join(", ")
                )));
            }
        }
        let mut all = Vec::with_capacity(specs.len());
        for spec in specs {
            let spec = spec.apply(overrides);
            let provider = spec.build()?;
            tracing::debug!(target: "integrations_cli", provider = provider.name(), vendor = %provider.vendor(), "provider configured");
            all.push(provider);
        }
        for (i, p) in all.iter().enumerate() {
            if all[..i].iter().any(|q| q.name() == p.name()) {
                return Err(CliError::Config(format!(
                    "two providers are named `{}`; give them names in a config file",
                    p.name()
                )));
            }
        }
        if !selected.is_empty() {
            let mut names = known;
            for p in &all {
                if !names.iter().any(|n| n == p.name()) {
                    names.push(p.name().to_owned());
                }
            }
            if let Some(unknown) = selected.iter().find(|s| !names.contains(s)) {
                return Err(CliError::Usage(format!(
                    "no provider is named `{unknown}` (configured: {})",
                    names.join(", ")
                )));
            }
            all.retain(|p| selected.iter().any(|s| s == p.name()));
        }
        Ok(Self {
            all,
            narrowed: !selected.is_empty(),
        })
    }

    /// Every provider.
    pub fn all(&self) -> &[Arc<dyn IntegrationProvider>] {
        &self.all
    }

    /// The one provider `id` goes to: the only provider of its vendor. With several (a config
    /// file with two Looker instances), `--provider` must choose: Looker ids such as `1::slack`
    /// exist on every instance, so the CLI never guesses.
    pub fn for_id(&self, id: &IntegrationId) -> Result<&Arc<dyn IntegrationProvider>, CliError> {
        let vendor = id.vendor();
        let mut candidates = self.all.iter().filter(|p| p.vendor() == vendor);
        match (candidates.next(), candidates.next()) {
            (Some(only), None) => Ok(only),
            (None, _) if self.narrowed => Err(CliError::Usage(format!(
                "`{id}` is a {vendor} id, but --provider names no {vendor} provider"
            ))),
            (None, _) => Err(no_provider(vendor)),
            (Some(_), Some(_)) => {
                let names: Vec<&str> = self
                    .all
                    .iter()
                    .filter(|p| p.vendor() == vendor)
                    .map(|p| p.name())
                    .collect();
                Err(CliError::Usage(format!(
                    "{} {vendor} providers are configured ({}); choose one with --provider",
                    names.len(),
                    names.join(", ")
                )))
            }
        }
    }
}

/// The error for a vendor with no provider configured.
pub fn no_provider(vendor: Vendor) -> CliError {
    let how = match vendor {
        Vendor::Looker => {
            "set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET (or write ./looker.ini), or add a [[looker]] table to the --config file"
        }
        Vendor::Torq => {
            "set TORQ_CLIENT_ID and TORQ_CLIENT_SECRET (and TORQ_REGION), or add a [[torq]] table to the --config file"
        }
        _ => "add it to the --config file",
    };
    CliError::Config(format!("no {vendor} provider is configured: {how}"))
}

fn demo_specs(e: &Endpoints) -> Vec<Spec> {
    vec![
        Spec::Looker {
            name: Some(demo::LOOKER_NAME.into()),
            config: LookerConfig::new()
                .with_name(demo::LOOKER_NAME)
                .with_base_url(&e.looker_base_url)
                .with_client_id(&e.looker_client_id)
                .with_client_secret(&e.looker_client_secret),
        },
        Spec::Torq {
            name: Some(demo::TORQ_NAME.into()),
            config: TorqConfig::new()
                .with_name(demo::TORQ_NAME)
                .with_base_url(&e.torq_base_url)
                .with_auth_url(&e.torq_auth_url)
                .with_client_id(&e.torq_client_id)
                .with_client_secret(&e.torq_client_secret),
        },
    ]
}

/// Looker when a `LOOKERSDK_*` variable is set or `./looker.ini` exists (read as Looker's SDKs
/// do: the file, then the variables over it); Torq when a `TORQ_*` variable is set; either
/// when one of its flags is given.
fn env_specs(env: &Environment, overrides: &Overrides) -> Result<Vec<Spec>, CliError> {
    let mut specs = Vec::new();
    let ini = Path::new("looker.ini");
    let looker_present = env.has_any(LookerConfigKey::ALL)
        || ini.is_file()
        || !overrides.flags_of(Vendor::Looker).is_empty();
    if looker_present {
        let mut config = LookerConfig::new();
        if ini.is_file() {
            config = config.with_ini_file(ini, "Looker")?;
        }
        specs.push(Spec::Looker {
            name: None,
            config: config.with_vars(env.pairs()),
        });
    }
    let torq_present =
        env.has_any(TorqConfigKey::ALL) || !overrides.flags_of(Vendor::Torq).is_empty();
    if torq_present {
        specs.push(Spec::Torq {
            name: None,
            config: TorqConfig::new().with_vars(env.pairs()),
        });
    }
    if specs.is_empty() {
        return Err(CliError::Config(
            "no provider is configured: set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET (or write ./looker.ini) and/or TORQ_CLIENT_ID and TORQ_CLIENT_SECRET, pass --config FILE, or try --demo".into(),
        ));
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment::from_pairs(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    fn demo() -> Source {
        Source::Demo(Endpoints {
            looker_base_url: "http://127.0.0.1:1".into(),
            looker_client_id: "i".into(),
            looker_client_secret: "s".into(),
            torq_base_url: "http://127.0.0.1:2".into(),
            torq_auth_url: "http://127.0.0.1:2".into(),
            torq_client_id: "i".into(),
            torq_client_secret: "s".into(),
        })
    }

    fn names(p: &Providers) -> Vec<&str> {
        p.all().iter().map(|p| p.name()).collect()
    }

    #[test]
    fn the_environment_configures_each_vendor_whose_variables_are_present() {
        let torq_only = env(&[("TORQ_CLIENT_ID", "i"), ("TORQ_CLIENT_SECRET", "s")]);
        let p = Providers::resolve(&Source::Environment, &Overrides::default(), &[], &torq_only)
            .unwrap();
        assert_eq!(names(&p), ["torq@api.torq.io"]);
        let e = p.for_id(&"looker:1::slack".parse().unwrap()).unwrap_err();
        assert_eq!(e.kind().exit_code(), 8);
        assert!(
            e.to_string()
                .starts_with("no looker provider is configured: set LOOKERSDK_BASE_URL")
        );

        let e = Providers::resolve(&Source::Environment, &Overrides::default(), &[], &env(&[]))
            .unwrap_err();
        assert!(e.to_string().contains("or try --demo"), "{e}");
    }

    #[test]
    fn flags_override_the_environment_and_make_a_vendor_present() {
        let vars = env(&[
            ("TORQ_CLIENT_ID", "i"),
            ("TORQ_CLIENT_SECRET", "s"),
            ("TORQ_REGION", "us"),
        ]);
        let overrides = Overrides {
            torq_region: Some(TorqRegion::Eu),
            ..Overrides::default()
        };
        let p = Providers::resolve(&Source::Environment, &overrides, &[], &vars).unwrap();
        assert_eq!(names(&p), ["torq@api.eu.torq.io"]);

        let overrides = Overrides {
            looker_base_url: Some("https://acme.cloud.looker.com".into()),
            ..Overrides::default()
        };
        let e = Providers::resolve(&Source::Environment, &overrides, &[], &vars).unwrap_err();
        assert_eq!(
            e.to_string(),
            "looker configuration: LOOKERSDK_CLIENT_ID: not set (set LOOKERSDK_CLIENT_ID or `client_id` in looker.ini [Looker])"
        );
        assert_eq!(e.kind().exit_code(), 8);
    }

    #[test]
    fn provider_selection_narrows_and_unknown_names_are_usage_errors() {
        let p = Providers::resolve(
            &demo(),
            &Overrides::default(),
            &["demo-torq".into()],
            &env(&[]),
        )
        .unwrap();
        assert_eq!(names(&p), ["demo-torq"]);
        let e = p.for_id(&"looker:1::slack".parse().unwrap()).unwrap_err();
        assert_eq!(e.kind().exit_code(), 2);
        let e = Providers::resolve(&demo(), &Overrides::default(), &["prod".into()], &env(&[]))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "no provider is named `prod` (configured: demo-looker, demo-torq)"
        );
    }

    #[test]
    fn ids_with_several_providers_of_their_vendor_need_provider() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("integrations.toml");
        std::fs::write(
            &path,
            "[[looker]]\nname = \"prod\"\nbase_url = \"https://a.cloud.looker.com\"\nclient_id = \"i\"\nclient_secret_env = \"S\"\n\
             [[looker]]\nname = \"staging\"\nbase_url = \"https://b.cloud.looker.com\"\nclient_id = \"i\"\nclient_secret_env = \"S\"\n",
        )
        .unwrap();
        let vars = env(&[("S", "s")]);
        let source = Source::File(path);
        let p = Providers::resolve(&source, &Overrides::default(), &[], &vars).unwrap();
        let e = p.for_id(&"looker:1::slack".parse().unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2 looker providers are configured (prod, staging); choose one with --provider"
        );
        let overrides = Overrides {
            looker_client_id: Some("other".into()),
            ..Overrides::default()
        };
        let e = Providers::resolve(&source, &overrides, &[], &vars).unwrap_err();
        assert_eq!(e.kind().exit_code(), 2);
        let p = Providers::resolve(&source, &overrides, &["staging".into()], &vars).unwrap();
        assert_eq!(
            p.for_id(&"looker:1::slack".parse().unwrap())
                .unwrap()
                .name(),
            "staging"
        );
        let e = Providers::resolve(
            &source,
            &Overrides::default(),
            &["staging".into(), "nope".into()],
            &vars,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "no provider is named `nope` (configured: prod, staging)"
        );
    }
}
