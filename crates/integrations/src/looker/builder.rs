//! Configuration of a Looker provider, as Looker's official SDKs read it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::LookerProvider;
use crate::client::call::DEFAULT_MAX_RESPONSE_BYTES;
use crate::client::http::{HttpSettings, parse_url};
use crate::client::limit::DEFAULT_MAX_IN_FLIGHT;
use crate::client::retry::RetryConfig;
use crate::client::{required_id, required_secret, utf8_vars};
use crate::error::{Error, Result};
use crate::model::Vendor;

/// The settings a Looker provider reads, named as Looker's SDKs name them.
///
/// `as_ref()` gives the environment variable; [`LookerConfigKey::ini_key`] the `looker.ini` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookerConfigKey {
    /// `LOOKERSDK_BASE_URL` / `base_url`: the instance URL, without `/api/4.0`.
    BaseUrl,
    /// `LOOKERSDK_CLIENT_ID` / `client_id`.
    ClientId,
    /// `LOOKERSDK_CLIENT_SECRET` / `client_secret`.
    ClientSecret,
    /// `LOOKERSDK_VERIFY_SSL` / `verify_ssl`: `true` (default) or `false`.
    VerifySsl,
    /// `LOOKERSDK_TIMEOUT` / `timeout`: seconds per request (default 120).
    Timeout,
}

impl LookerConfigKey {
    /// Every key.
    pub const ALL: [LookerConfigKey; 5] = [
        Self::BaseUrl,
        Self::ClientId,
        Self::ClientSecret,
        Self::VerifySsl,
        Self::Timeout,
    ];

    /// The key's name in the `[Looker]` section of `looker.ini`.
    pub fn ini_key(self) -> &'static str {
        match self {
            Self::BaseUrl => "base_url",
            Self::ClientId => "client_id",
            Self::ClientSecret => "client_secret",
            Self::VerifySsl => "verify_ssl",
            Self::Timeout => "timeout",
        }
    }
}

impl AsRef<str> for LookerConfigKey {
    fn as_ref(&self) -> &str {
        match self {
            Self::BaseUrl => "LOOKERSDK_BASE_URL",
            Self::ClientId => "LOOKERSDK_CLIENT_ID",
            Self::ClientSecret => "LOOKERSDK_CLIENT_SECRET",
            Self::VerifySsl => "LOOKERSDK_VERIFY_SSL",
            Self::Timeout => "LOOKERSDK_TIMEOUT",
        }
    }
}

/// How to reach and log in to one Looker instance. Build the provider with [`build`](Self::build).
///
/// ```
/// use integrations::LookerConfig;
///
/// let looker = LookerConfig::new()
///     .with_base_url("https://acme.cloud.looker.com")
///     .with_client_id("abc")
///     .with_client_secret("shh")
///     .build()?;
/// assert!(!format!("{looker:?}").contains("shh"));
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LookerConfig {
    name: Option<String>,
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Arc<SecretString>>,
    verify_ssl: bool,
    timeout: Duration,
    connect_timeout: Duration,
    max_in_flight: usize,
    max_response_bytes: u64,
    retry: RetryConfig,
    refresh_margin: Duration,
    /// Where each setting came from, for errors: `LOOKERSDK_BASE_URL` or `looker.ini [Looker] base_url`.
    origin: [Option<String>; LookerConfigKey::ALL.len()],
}

impl Default for LookerConfig {
    fn default() -> Self {
        Self {
            name: None,
            base_url: None,
            client_id: None,
            client_secret: None,
            verify_ssl: true,
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::default(),
            refresh_margin: Duration::from_secs(10),
            origin: Default::default(),
        }
    }
}

impl LookerConfig {
    /// Nothing set: Looker's defaults (verify TLS, 120 s timeout).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `./looker.ini` if it exists, then the `LOOKERSDK_*` environment variables over it,
    /// as Looker's SDKs do.
    pub fn from_env() -> Result<Self> {
        let mut config = Self::new();
        let ini = Path::new("looker.ini");
        if ini.is_file() {
            config = config.with_ini_file(ini, "Looker")?;
        }
        config.with_vars(utf8_vars())
    }

    /// Applies the settings of `section` (Looker's SDKs use `Looker`) of an ini file.
    pub fn with_ini_file(self, path: &Path, section: &str) -> Result<Self> {
        let ini = ini::Ini::load_from_file(path).map_err(|e| Error::Config {
            vendor: Vendor::Looker,
            setting: path.display().to_string(),
            message: e.to_string(),
        })?;
        let Some(props) = ini.section(Some(section)) else {
            return Err(Error::Config {
                vendor: Vendor::Looker,
                setting: path.display().to_string(),
                message: format!("no [{section}] section"),
            });
        };
        let mut config = self;
        for key in LookerConfigKey::ALL {
            if let Some(value) = props.get(key.ini_key()) {
                let origin = format!("{} [{section}] {}", path.display(), key.ini_key());
                config = config.with_setting(key, value, origin)?;
            }
        }
        Ok(config)
    }

    /// Applies the `LOOKERSDK_*` variables among `vars` (the others are ignored).
    pub fn with_vars<K: AsRef<str>, V: Into<String>>(
        self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self> {
        let mut config = self;
        for (name, value) in vars {
            if let Some(key) = LookerConfigKey::ALL
                .into_iter()
                .find(|k| k.as_ref() == name.as_ref())
            {
                config = config.with_setting(key, &value.into(), key.as_ref().to_owned())?;
            }
        }
        Ok(config)
    }

    fn with_setting(mut self, key: LookerConfigKey, value: &str, origin: String) -> Result<Self> {
        let value = value.trim().trim_matches('"');
        let bad = |message: String| Error::Config {
            vendor: Vendor::Looker,
            setting: origin.clone(),
            message,
        };
        match key {
            LookerConfigKey::BaseUrl => self.base_url = Some(value.to_owned()),
            LookerConfigKey::ClientId => self.client_id = Some(value.to_owned()),
            LookerConfigKey::ClientSecret => {
                self.client_secret = Some(Arc::new(SecretString::from(value.to_owned())))
            }
            LookerConfigKey::VerifySsl => {
                self.verify_ssl = parse_bool(value)
                    .ok_or_else(|| bad(format!("`{value}` is not true or false")))?;
            }
            LookerConfigKey::Timeout => {
                let secs: u64 =
                    value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        bad(format!("`{value}` is not a positive number of seconds"))
                    })?;
                self.timeout = Duration::from_secs(secs);
            }
        }
        self.origin[key as usize] = Some(origin);
        Ok(self)
    }

    /// The instance URL (`https://acme.cloud.looker.com`, without `/api/4.0`).
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.origin[LookerConfigKey::BaseUrl as usize] = None;
        self
    }

    /// Whether to verify the server's TLS certificate (default `true`).
    pub fn with_verify_ssl(mut self, verify: bool) -> Self {
        self.verify_ssl = verify;
        self.origin[LookerConfigKey::VerifySsl as usize] = None;
        self
    }

    /// Names where the value of `key` came from, for error messages, when that is not its
    /// environment variable or `looker.ini` (which are named without this): a tool that reads
    /// its own configuration file says so. Call it after the setter: a setter makes the value
    /// its own again.
    ///
    /// ```
    /// use integrations::{Error, LookerConfig, LookerConfigKey};
    ///
    /// let error = LookerConfig::new()
    ///     .with_base_url("http://looker.example.com")
    ///     .with_origin(LookerConfigKey::BaseUrl, "integrations.toml [[looker]] base_url")
    ///     .with_client_id("id")
    ///     .with_client_secret("secret")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(error.to_string().contains("integrations.toml [[looker]] base_url"));
    /// ```
    pub fn with_origin(mut self, key: LookerConfigKey, origin: impl Into<String>) -> Self {
        self.origin[key as usize] = Some(origin.into());
        self
    }

    crate::client::builder_setters!(
        key = LookerConfigKey,
        timeout = "120 s, as Looker's SDKs",
        refresh_margin = "10 s, as Looker's SDKs",
        name = "`looker@<host>`"
    );

    /// Checks the settings and makes the provider. No request is sent until the first call.
    pub fn build(self) -> Result<LookerProvider> {
        let missing = |key: LookerConfigKey| Error::Config {
            vendor: Vendor::Looker,
            setting: self.setting_name(key),
            message: format!(
                "not set (set {} or `{}` in looker.ini [Looker])",
                key.as_ref(),
                key.ini_key()
            ),
        };
        let base_url = self
            .base_url
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| missing(LookerConfigKey::BaseUrl))?;
        let url = parse_url(
            Vendor::Looker,
            &self.setting_name(LookerConfigKey::BaseUrl),
            base_url,
        )?;
        let client_id = required_id(
            Vendor::Looker,
            self.client_id.as_deref(),
            self.setting_name(LookerConfigKey::ClientId),
            || missing(LookerConfigKey::ClientId),
        )?;
        let client_secret = required_secret(
            Vendor::Looker,
            self.client_secret.as_ref(),
            self.setting_name(LookerConfigKey::ClientSecret),
            || missing(LookerConfigKey::ClientSecret),
        )?;
        let http = HttpSettings {
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_in_flight: self.max_in_flight,
            max_response_bytes: self.max_response_bytes,
            verify_tls: self.verify_ssl,
        };
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| format!("looker@{}", url.host_str().unwrap_or("?")));
        LookerProvider::new(
            name,
            url,
            client_id,
            client_secret,
            &http,
            self.retry,
            self.refresh_margin,
        )
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(config: Result<LookerConfig>) -> String {
        match config.and_then(LookerConfig::build) {
            Ok(p) => panic!("expected an error, got {p:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn environment_variables_configure_a_provider() {
        let config = LookerConfig::new()
            .with_vars([
                ("LOOKERSDK_BASE_URL", "https://acme.cloud.looker.com"),
                ("LOOKERSDK_CLIENT_ID", "id"),
                ("LOOKERSDK_CLIENT_SECRET", "top-secret"),
                ("LOOKERSDK_VERIFY_SSL", "False"),
                ("LOOKERSDK_TIMEOUT", "30"),
                ("PATH", "/bin"),
            ])
            .unwrap();
        assert!(!config.verify_ssl);
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert!(!format!("{config:?}").contains("top-secret"));
        let provider = config.build().unwrap();
        assert_eq!(
            crate::IntegrationProvider::name(&provider),
            "looker@acme.cloud.looker.com"
        );
    }

    #[test]
    fn missing_and_malformed_settings_name_the_setting() {
        assert_eq!(
            err(Ok(LookerConfig::new())),
            "looker configuration: LOOKERSDK_BASE_URL: not set (set LOOKERSDK_BASE_URL or `base_url` in looker.ini [Looker])"
        );
        assert!(
            err(LookerConfig::new().with_vars([("LOOKERSDK_BASE_URL", "https://x.io")]))
                .contains("LOOKERSDK_CLIENT_ID: not set")
        );
        assert_eq!(
            err(LookerConfig::new().with_vars([("LOOKERSDK_VERIFY_SSL", "maybe")])),
            "looker configuration: LOOKERSDK_VERIFY_SSL: `maybe` is not true or false"
        );
        assert!(
            err(LookerConfig::new().with_vars([("LOOKERSDK_TIMEOUT", "-1")]))
                .contains("LOOKERSDK_TIMEOUT")
        );
        assert!(
            err(LookerConfig::new().with_vars([
                ("LOOKERSDK_BASE_URL", "http://acme.cloud.looker.com"),
                ("LOOKERSDK_CLIENT_ID", "i"),
                ("LOOKERSDK_CLIENT_SECRET", "s")
            ]))
            .contains("LOOKERSDK_BASE_URL: `http://acme.cloud.looker.com` uses plain http")
        );
    }

    #[test]
    fn looker_ini_is_read_and_the_environment_wins() {
        let dir = std::env::temp_dir().join(format!("looker-ini-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("looker.ini");
        std::fs::write(
            &path,
            "[Looker]\nbase_url=https://ini.cloud.looker.com\nclient_id=ini-id\nclient_secret=ini-secret\nverify_ssl=True\ntimeout=31\n",
        )
        .unwrap();
        let config = LookerConfig::new()
            .with_ini_file(&path, "Looker")
            .unwrap()
            .with_vars([("LOOKERSDK_CLIENT_ID", "env-id")])
            .unwrap();
        assert_eq!(
            config.base_url.as_deref(),
            Some("https://ini.cloud.looker.com")
        );
        assert_eq!(config.client_id.as_deref(), Some("env-id"));
        assert_eq!(config.timeout, Duration::from_secs(31));

        std::fs::write(&path, "[Looker]\nbase_url=https://ini.io\ntimeout=soon\n").unwrap();
        let e = LookerConfig::new()
            .with_ini_file(&path, "Looker")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("looker.ini [Looker] timeout: `soon` is not a positive number of seconds"),
            "{e}"
        );
        let e = LookerConfig::new()
            .with_ini_file(&path, "Other")
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("no [Other] section"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
