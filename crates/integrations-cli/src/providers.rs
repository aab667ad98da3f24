//! Which providers a command talks to: from the demo servers, a configuration file, or the
//! vendors' environment variables, with the command line's overrides; and which one of them an
//! id goes to. Vendor-agnostic: what differs between vendors is in [`crate::vendors`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use integrations::{IntegrationId, IntegrationProvider, ProviderConfig, Vendor};

use crate::config::ConfigFile;
use crate::error::CliError;
use crate::vendors::{self, EVERY_PROVIDER, VENDORS};

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

    /// The names of the variables set to something other than blanks.
    fn names_set(&self) -> impl Iterator<Item = &str> {
        self.vars
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, _)| k.as_str())
    }

    /// Every variable, as `(name, value)`.
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A provider not built yet. `name` is known for demo and file providers; the environment's
/// take the facade's default (`looker@<host>`, `torq@<host>`).
#[derive(Debug)]
pub struct Unbuilt {
    /// Its name, if given.
    pub name: Option<String>,
    /// Its settings.
    pub config: ProviderConfig,
}

impl Unbuilt {
    /// Its vendor.
    fn vendor(&self) -> Vendor {
        self.config.vendor()
    }

    /// Checks the settings and makes the provider (no request is sent). Errors of a named
    /// provider name it.
    fn build(self) -> Result<Arc<dyn IntegrationProvider>, CliError> {
        self.config.build().map_err(|source| match self.name {
            Some(provider) => CliError::Provider { provider, source },
            None => CliError::Facade(source),
        })
    }
}

/// A setting given on the command line: a key of the one provider of a vendor
/// (`--looker-base-url`), or of every provider (`--timeout`). No flag takes a secret (it would
/// stay in the shell's history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The vendor whose provider it configures; `None`: every provider.
    pub vendor: Option<Vendor>,
    /// The key it sets.
    pub key: &'static str,
    /// The value, as given.
    pub value: String,
    /// The flag, as errors name it (`--looker-base-url`).
    pub flag: String,
}

/// The settings given on the command line; they override the environment, the vendor's file
/// and the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides(Vec<Override>);

impl Overrides {
    /// The flags of [`crate::vendors`] among `given` (long name without `--`, value); others
    /// are ignored.
    pub fn from_flags<'a>(given: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let all = vendors::vendor_flags()
            .map(|(vendor, flag)| (Some(vendor), flag))
            .chain(EVERY_PROVIDER.iter().map(|flag| (None, flag)));
        let given: Vec<(&str, String)> = given.into_iter().collect();
        Self(
            all.filter_map(|(vendor, flag)| {
                let (_, value) = given.iter().find(|(long, _)| *long == flag.long)?;
                Some(Override {
                    vendor,
                    key: flag.key,
                    value: value.clone(),
                    flag: format!("--{}", flag.long),
                })
            })
            .collect(),
        )
    }

    /// The flags given for `vendor` (those for every provider are not counted).
    fn flags_of(&self, vendor: Vendor) -> Vec<&str> {
        self.0
            .iter()
            .filter(|o| o.vendor == Some(vendor))
            .map(|o| o.flag.as_str())
            .collect()
    }

    /// `unbuilt` with the flags that concern it; errors about their values name the flag.
    fn apply(&self, unbuilt: Unbuilt) -> Result<Unbuilt, CliError> {
        let vendor = unbuilt.vendor();
        let mut config = unbuilt.config;
        for o in self
            .0
            .iter()
            .filter(|o| o.vendor.is_none_or(|v| v == vendor))
        {
            config = config.with_key(o.key, o.value.as_str(), &o.flag)?;
        }
        Ok(Unbuilt {
            name: unbuilt.name,
            config,
        })
    }
}

/// Where the providers come from.
#[derive(Debug)]
pub enum Source {
    /// The in-process fake servers (`--demo`): their variables, as `integrations-fake` prints
    /// them.
    Demo(Vec<(&'static str, String)>),
    /// A configuration file (`--config`).
    File(PathBuf),
    /// The vendors' variables (and the files their SDKs read from the working directory).
    Environment,
}

/// The providers of a command, in the configured order (the environment's in [`VENDORS`]'
/// order).
#[derive(Debug, Clone)]
pub struct Providers {
    all: Vec<Arc<dyn IntegrationProvider>>,
    /// The names `--provider` kept them to (none: every provider).
    selected: Vec<String>,
}

impl Providers {
    /// Builds the providers of `source` with `overrides`, keeping those named in `selected`
    /// (all when empty). Builds send no request, but read files: call it off the async
    /// runtime's threads.
    pub fn resolve(
        source: &Source,
        overrides: &Overrides,
        selected: &[String],
        env: &Environment,
    ) -> Result<Self, CliError> {
        let mut unbuilt = match source {
            Source::Demo(vars) => from_demo(vars),
            Source::File(path) => ConfigFile::load(path)?.providers(env)?,
            Source::Environment => from_environment(env, overrides)?,
        };
        let known: Vec<String> = unbuilt.iter().filter_map(|u| u.name.clone()).collect();
        if !selected.is_empty() {
            unbuilt.retain(|u| u.name.as_ref().is_none_or(|n| selected.contains(n)));
        }
        for v in VENDORS {
            let flags = overrides.flags_of(v.vendor);
            if flags.is_empty() {
                continue;
            }
            let vendor = v.vendor;
            match unbuilt.iter().filter(|u| u.vendor() == vendor).count() {
                0 => {
                    return Err(CliError::Usage(format!(
                        "{} given, but no {vendor} provider is configured",
                        flags.join(", ")
                    )));
                }
                1 => {}
                count => {
                    return Err(CliError::Usage(format!(
                        "{} would apply to {count} {vendor} providers; choose one with --provider",
                        flags.join(", ")
                    )));
                }
            }
        }
        let mut all = Vec::with_capacity(unbuilt.len());
        for u in unbuilt {
            let provider = overrides.apply(u)?.build()?;
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
            selected: selected.to_vec(),
        })
    }

    /// Every provider.
    pub fn all(&self) -> &[Arc<dyn IntegrationProvider>] {
        &self.all
    }

    /// The names `--provider` kept the providers to (none: every provider).
    pub fn selected(&self) -> &[String] {
        &self.selected
    }

    /// The one provider `id` goes to: the only provider of its vendor. With several (a config
    /// file with two Looker instances), `--provider` must choose: Looker ids such as `1::slack`
    /// exist on every instance, so the CLI never guesses.
    pub fn for_id(&self, id: &IntegrationId) -> Result<&Arc<dyn IntegrationProvider>, CliError> {
        let vendor = id.vendor();
        let mut candidates = self.all.iter().filter(|p| p.vendor() == vendor);
        match (candidates.next(), candidates.next()) {
            (Some(only), None) => Ok(only),
            (None, _) if !self.selected.is_empty() => Err(CliError::Usage(format!(
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
    let how = vendors::of(vendor).map_or("", |v| v.configure);
    let sep = if how.is_empty() { "" } else { ", or " };
    CliError::Config(format!(
        "no {vendor} provider is configured: {how}{sep}add a [[provider]] table with vendor = \"{vendor}\" to the --config file"
    ))
}

/// The name of the demo provider of `vendor`.
pub fn demo_name(vendor: Vendor) -> String {
    format!("demo-{vendor}")
}

/// One provider per vendor, named `demo-<vendor>`, from the fakes' variables.
fn from_demo(vars: &[(&'static str, String)]) -> Vec<Unbuilt> {
    VENDORS
        .iter()
        .map(|v| {
            let name = demo_name(v.vendor);
            Unbuilt {
                config: ProviderConfig::new(v.vendor)
                    .with_name(&name)
                    .with_vars(vars.iter().map(|(k, v)| (*k, v.as_str()))),
                name: Some(name),
            }
        })
        .collect()
}

/// A provider for each vendor one of whose variables is set, whose own file is in the working
/// directory (Looker's SDKs read `./looker.ini`, then the variables over it), or whose flags are
/// given.
fn from_environment(env: &Environment, overrides: &Overrides) -> Result<Vec<Unbuilt>, CliError> {
    let mut found = Vec::new();
    for v in VENDORS {
        let file = v
            .file
            .map(|f| (Path::new(f.in_working_dir), f.section))
            .filter(|(path, _)| path.is_file());
        let present = ProviderConfig::reads_any(v.vendor, env.names_set())
            || file.is_some()
            || !overrides.flags_of(v.vendor).is_empty();
        if !present {
            continue;
        }
        let mut config = ProviderConfig::new(v.vendor);
        if let Some((path, section)) = file {
            config = config.with_vendor_file(path, section)?;
        }
        found.push(Unbuilt {
            name: None,
            config: config.with_vars(env.pairs()),
        });
    }
    if found.is_empty() {
        let how: Vec<&str> = VENDORS.iter().map(|v| v.configure).collect();
        return Err(CliError::Config(format!(
            "no provider is configured: {}, pass --config FILE, or try --demo",
            how.join(" and/or ")
        )));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment::from_pairs(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    fn flags(given: &[(&'static str, &str)]) -> Overrides {
        Overrides::from_flags(given.iter().map(|(k, v)| (*k, (*v).to_owned())))
    }

    fn demo() -> Source {
        Source::Demo(vec![
            ("LOOKERSDK_BASE_URL", "http://127.0.0.1:1".into()),
            ("LOOKERSDK_CLIENT_ID", "i".into()),
            ("LOOKERSDK_CLIENT_SECRET", "s".into()),
            ("TORQ_BASE_URL", "http://127.0.0.1:2".into()),
            ("TORQ_AUTH_URL", "http://127.0.0.1:2".into()),
            ("TORQ_CLIENT_ID", "i".into()),
            ("TORQ_CLIENT_SECRET", "s".into()),
        ])
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
                .starts_with("no looker provider is configured: set LOOKERSDK_BASE_URL"),
            "{e}"
        );
        assert!(
            e.to_string()
                .ends_with("with vendor = \"looker\" to the --config file")
        );

        let e = Providers::resolve(&Source::Environment, &Overrides::default(), &[], &env(&[]))
            .unwrap_err();
        assert!(e.to_string().contains("or try --demo"), "{e}");
        assert!(e.to_string().contains("and/or set TORQ_CLIENT_ID"), "{e}");
    }

    #[test]
    fn flags_override_the_environment_and_make_a_vendor_present() {
        let vars = env(&[
            ("TORQ_CLIENT_ID", "i"),
            ("TORQ_CLIENT_SECRET", "s"),
            ("TORQ_REGION", "us"),
        ]);
        let eu = flags(&[("torq-region", "eu")]);
        let p = Providers::resolve(&Source::Environment, &eu, &[], &vars).unwrap();
        assert_eq!(names(&p), ["torq@api.eu.torq.io"]);

        let looker = flags(&[("looker-base-url", "https://acme.cloud.looker.com")]);
        let e = Providers::resolve(&Source::Environment, &looker, &[], &vars).unwrap_err();
        assert_eq!(
            e.to_string(),
            "looker configuration: LOOKERSDK_CLIENT_ID: not set (set LOOKERSDK_CLIENT_ID or `client_id` in looker.ini [Looker])"
        );
        assert_eq!(e.kind().exit_code(), 8);
    }

    #[test]
    fn a_bad_flag_value_is_named_by_its_flag_and_is_a_usage_error() {
        let e =
            Providers::resolve(&demo(), &flags(&[("timeout", "0")]), &[], &env(&[])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("demo-looker: looker configuration: --timeout: `0` is not"),
            "{e}"
        );
        assert_eq!(e.kind().exit_code(), 2);
        let p = Providers::resolve(&demo(), &flags(&[("timeout", "2m")]), &[], &env(&[]));
        assert_eq!(names(&p.unwrap()), ["demo-looker", "demo-torq"]);
    }

    #[test]
    fn only_known_flags_become_overrides() {
        let o = flags(&[("looker-client-id", "x"), ("demo", ""), ("timeout", "5")]);
        assert_eq!(
            o.0,
            [
                Override {
                    vendor: Some(Vendor::Looker),
                    key: "client_id",
                    value: "x".into(),
                    flag: "--looker-client-id".into(),
                },
                Override {
                    vendor: None,
                    key: "timeout",
                    value: "5".into(),
                    flag: "--timeout".into(),
                },
            ]
        );
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
            "[[provider]]\nvendor = \"looker\"\nname = \"prod\"\nbase_url = \"https://a.cloud.looker.com\"\nclient_id = \"i\"\nclient_secret_env = \"S\"\n\
             [[provider]]\nvendor = \"looker\"\nname = \"staging\"\nbase_url = \"https://b.cloud.looker.com\"\nclient_id = \"i\"\nclient_secret_env = \"S\"\n",
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
        let other = flags(&[("looker-client-id", "other")]);
        let e = Providers::resolve(&source, &other, &[], &vars).unwrap_err();
        assert_eq!(e.kind().exit_code(), 2);
        let p = Providers::resolve(&source, &other, &["staging".into()], &vars).unwrap();
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
