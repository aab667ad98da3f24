//! [`ProviderConfig`]: the configuration of a provider of any vendor, for tools that read
//! providers from their own files (`vendor = "looker"` and the builder's keys) without naming
//! each vendor's builder.

use std::path::Path;
use std::sync::Arc;

use crate::error::Result;
use crate::looker::{LookerConfig, LookerConfigKey};
use crate::model::Vendor;
use crate::provider::IntegrationProvider;
use crate::torq::{TorqConfig, TorqConfigKey};

/// A provider's configuration, whichever its vendor. Keys are strings here, parsed by the
/// vendor's key type (`base_url`, `LOOKERSDK_BASE_URL`, `timeout`, …).
///
/// ```
/// use integrations::{ProviderConfig, Vendor};
///
/// let provider = ProviderConfig::new(Vendor::Torq)
///     .with_name("soc")
///     .with_key("region", "eu", "soc.toml region")?
///     .with_key("client_id", "id", "soc.toml client_id")?
///     .with_key("client_secret", "shh", "SOC_SECRET")?
///     .build()?;
/// assert_eq!(provider.name(), "soc");
/// assert!(ProviderConfig::new(Vendor::Looker).with_key("bsae_url", "x", "f").is_err());
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProviderConfig {
    /// A Looker instance.
    Looker(LookerConfig),
    /// A Torq workspace.
    Torq(TorqConfig),
}

impl ProviderConfig {
    /// Nothing set, for `vendor`.
    pub fn new(vendor: Vendor) -> Self {
        match vendor {
            Vendor::Looker => Self::Looker(LookerConfig::new()),
            Vendor::Torq => Self::Torq(TorqConfig::new()),
        }
    }

    /// The vendor.
    pub fn vendor(&self) -> Vendor {
        match self {
            Self::Looker(_) => Vendor::Looker,
            Self::Torq(_) => Vendor::Torq,
        }
    }

    /// The vendor's variables among `vars` (the others are ignored).
    pub fn with_vars<N: AsRef<str>, V: Into<String>>(
        self,
        vars: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        match self {
            Self::Looker(c) => Self::Looker(c.with_vars(vars)),
            Self::Torq(c) => Self::Torq(c.with_vars(vars)),
        }
    }

    /// Whether any of `vars` names one of the vendor's variables.
    pub fn reads_any<N: AsRef<str>>(vendor: Vendor, mut names: impl Iterator<Item = N>) -> bool {
        match vendor {
            Vendor::Looker => names.any(|n| {
                LookerConfigKey::ALL
                    .iter()
                    .any(|k| k.as_ref() == n.as_ref())
            }),
            Vendor::Torq => {
                names.any(|n| TorqConfigKey::ALL.iter().any(|k| k.as_ref() == n.as_ref()))
            }
        }
    }

    /// Sets the setting named `key` (the vendor's key names: see [`LookerConfigKey`],
    /// [`TorqConfigKey`], [`ClientConfigKey`](crate::ClientConfigKey)) from text that came from
    /// `origin` (named in errors). An unknown key is an error now; a bad value at `build()`.
    pub fn with_key(self, key: &str, value: impl Into<String>, origin: &str) -> Result<Self> {
        Ok(match self {
            Self::Looker(c) => {
                let key: LookerConfigKey = key.parse()?;
                Self::Looker(c.with_config(key, value).with_origin(key, origin))
            }
            Self::Torq(c) => {
                let key: TorqConfigKey = key.parse()?;
                Self::Torq(c.with_config(key, value).with_origin(key, origin))
            }
        })
    }

    /// Reads the vendor's own configuration file, for the vendors that have one (Looker's
    /// `looker.ini`, section `section`); other vendors say so.
    pub fn with_vendor_file(self, path: &Path, section: &str) -> Result<Self> {
        match self {
            Self::Looker(c) => Ok(Self::Looker(c.with_ini_file(path, section)?)),
            Self::Torq(_) => Err(crate::Error::Config {
                vendor: Vendor::Torq,
                setting: path.display().to_string(),
                message: "Torq has no configuration file of its own".into(),
            }),
        }
    }

    /// The provider's name.
    pub fn with_name(self, name: impl Into<String>) -> Self {
        match self {
            Self::Looker(c) => Self::Looker(c.with_name(name)),
            Self::Torq(c) => Self::Torq(c.with_name(name)),
        }
    }

    /// Checks the settings and makes the provider.
    pub fn build(self) -> Result<Arc<dyn IntegrationProvider>> {
        Ok(match self {
            Self::Looker(c) => Arc::new(c.build()?),
            Self::Torq(c) => Arc::new(c.build()?),
        })
    }
}
