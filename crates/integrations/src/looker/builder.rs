//! Configuration of a Looker provider, as Looker's official SDKs read it.

use std::path::Path;
use std::time::Duration;

use super::LookerProvider;
use crate::client::options::{ClientConfigKey, VendorDefaults, parse_bool};
use crate::client::utf8_vars;
use crate::config::{Common, ConfigKey, common_setters};
use crate::error::{Error, Result};
use crate::model::Vendor;

/// The settings a Looker provider reads, named as Looker's SDKs name them.
///
/// `as_ref()` gives the environment variable; [`LookerConfigKey::ini_key`] the `looker.ini` key;
/// `FromStr` takes either (any case), or a [`ClientConfigKey`]'s short name.
///
/// ```
/// use integrations::{ClientConfigKey, LookerConfigKey};
///
/// assert_eq!("base_url".parse::<LookerConfigKey>()?, LookerConfigKey::BaseUrl);
/// assert_eq!(
///     "LOOKERSDK_TIMEOUT".parse::<LookerConfigKey>()?,
///     LookerConfigKey::Client(ClientConfigKey::Timeout)
/// );
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// A client option; `LOOKERSDK_TIMEOUT` / `timeout` is [`ClientConfigKey::Timeout`]
    /// (seconds per request, default 120).
    Client(ClientConfigKey),
}

impl LookerConfigKey {
    /// The keys Looker's SDKs read from the environment and `looker.ini`.
    pub const ALL: [LookerConfigKey; 5] = [
        Self::BaseUrl,
        Self::ClientId,
        Self::ClientSecret,
        Self::VerifySsl,
        Self::Client(ClientConfigKey::Timeout),
    ];

    /// The key's name in the `[Looker]` section of `looker.ini` (and its short name).
    pub fn ini_key(self) -> &'static str {
        self.short_name()
    }
}

crate::config::config_keys!(LookerConfigKey, Vendor::Looker,
    own: [
        BaseUrl => "LOOKERSDK_BASE_URL", "base_url";
        ClientId => "LOOKERSDK_CLIENT_ID", "client_id";
        ClientSecret => "LOOKERSDK_CLIENT_SECRET", "client_secret";
        VerifySsl => "LOOKERSDK_VERIFY_SSL", "verify_ssl";
    ]
    client_vars: [
        Timeout => "LOOKERSDK_TIMEOUT";
    ]
);

/// How to reach and log in to one Looker instance. Build the provider with [`build`](Self::build).
///
/// Settings come from typed setters, from text ([`with_config`](Self::with_config), the
/// environment with [`from_env`](Self::from_env), a `looker.ini` with
/// [`with_ini_file`](Self::with_ini_file)), parsed at `build()`; an error names the setting as
/// it was given (`LOOKERSDK_TIMEOUT`, `looker.ini [Looker] timeout`).
///
/// ```
/// use integrations::{LookerConfig, LookerConfigKey};
///
/// let looker = LookerConfig::new()
///     .with_config(LookerConfigKey::BaseUrl, "https://acme.cloud.looker.com")
///     .with_client_id("abc")
///     .with_client_secret("shh")
///     .build()?;
/// assert!(!format!("{looker:?}").contains("shh"));
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LookerConfig {
    common: Common<LookerConfigKey>,
}

impl LookerConfig {
    /// Nothing set: Looker's defaults (verify TLS, 120 s timeout).
    pub fn new() -> Self {
        Self::default()
    }

    /// The `LOOKERSDK_*` environment variables (and nothing else: a `looker.ini` is read only
    /// when asked, with [`with_ini_file`](Self::with_ini_file), so that a service's working
    /// directory never changes its configuration silently).
    pub fn from_env() -> Self {
        Self::new().with_vars(utf8_vars())
    }

    /// Applies the settings of `section` (Looker's SDKs use `Looker`) of an ini file, each
    /// named `<path> [<section>] <key>` in errors. Call it before `with_vars` for the
    /// environment to win, as in Looker's SDKs.
    pub fn with_ini_file(mut self, path: &Path, section: &str) -> Result<Self> {
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
        for key in LookerConfigKey::ALL {
            if let Some(value) = props.get(key.ini_key()) {
                let origin = format!("{} [{section}] {}", path.display(), key.ini_key());
                self.common.set(key, value.to_owned(), Some(origin));
            }
        }
        Ok(self)
    }

    /// The instance URL (`https://acme.cloud.looker.com`, without `/api/4.0`).
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.common.set(LookerConfigKey::BaseUrl, url.into(), None);
        self
    }

    /// Whether to verify the server's TLS certificate (default `true`).
    pub fn with_verify_ssl(mut self, verify: bool) -> Self {
        self.common
            .set(LookerConfigKey::VerifySsl, verify.to_string(), None);
        self
    }

    common_setters!(LookerConfigKey);

    /// Checks the settings and makes the provider. No request is sent until the first call.
    pub fn build(self) -> Result<LookerProvider> {
        let c = &self.common;
        let how = |key: LookerConfigKey| {
            format!(
                "not set (set {} or `{}` in looker.ini [Looker])",
                key.as_ref(),
                key.ini_key()
            )
        };
        let base_url = c
            .value(LookerConfigKey::BaseUrl)?
            .ok_or_else(|| c.error(LookerConfigKey::BaseUrl, how(LookerConfigKey::BaseUrl)))?;
        let url = crate::client::http::parse_url(
            Vendor::Looker,
            &c.name_of(LookerConfigKey::BaseUrl),
            &base_url,
        )?;
        let client_id = c.client_id(&how(LookerConfigKey::ClientId))?;
        let client_secret = c.client_secret(&how(LookerConfigKey::ClientSecret))?;
        let verify_tls = match c.text(LookerConfigKey::VerifySsl) {
            Some(setting) => setting.parse(Vendor::Looker, "LOOKERSDK_VERIFY_SSL", parse_bool)?,
            None => true,
        };
        let options = c.resolve_client(VendorDefaults {
            timeout: Duration::from_secs(120),
            refresh_margin: Duration::from_secs(10),
            requests_per_second: None,
        })?;
        let name = c
            .name
            .clone()
            .unwrap_or_else(|| format!("looker@{}", url.host_str().unwrap_or("?")));
        LookerProvider::new(name, url, client_id, client_secret, &options, verify_tls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(config: LookerConfig) -> String {
        match config.build() {
            Ok(p) => panic!("expected an error, got {p:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn environment_variables_configure_a_provider() {
        let config = LookerConfig::new().with_vars([
            ("LOOKERSDK_BASE_URL", "https://acme.cloud.looker.com"),
            ("LOOKERSDK_CLIENT_ID", "id"),
            ("LOOKERSDK_CLIENT_SECRET", "top-secret"),
            ("LOOKERSDK_VERIFY_SSL", "False"),
            ("LOOKERSDK_TIMEOUT", "30"),
            ("PATH", "/bin"),
        ]);
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
            err(LookerConfig::new()),
            "looker configuration: LOOKERSDK_BASE_URL: not set (set LOOKERSDK_BASE_URL or `base_url` in looker.ini [Looker])"
        );
        assert!(
            err(LookerConfig::new().with_vars([("LOOKERSDK_BASE_URL", "https://x.io")]))
                .contains("LOOKERSDK_CLIENT_ID: not set")
        );
        assert_eq!(
            err(LookerConfig::new().with_vars([
                ("LOOKERSDK_BASE_URL", "https://x.io"),
                ("LOOKERSDK_CLIENT_ID", "i"),
                ("LOOKERSDK_CLIENT_SECRET", "s"),
                ("LOOKERSDK_VERIFY_SSL", "maybe")
            ])),
            "looker configuration: LOOKERSDK_VERIFY_SSL: `maybe` is not true or false"
        );
        assert!(
            err(LookerConfig::new().with_vars([
                ("LOOKERSDK_BASE_URL", "https://x.io"),
                ("LOOKERSDK_CLIENT_ID", "i"),
                ("LOOKERSDK_CLIENT_SECRET", "s"),
                ("LOOKERSDK_TIMEOUT", "-1")
            ]))
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
            .with_vars([("LOOKERSDK_CLIENT_ID", "env-id")]);
        let c = &config.common;
        assert_eq!(
            c.value(LookerConfigKey::BaseUrl).unwrap().as_deref(),
            Some("https://ini.cloud.looker.com")
        );
        assert_eq!(
            c.value(LookerConfigKey::ClientId).unwrap().as_deref(),
            Some("env-id")
        );
        assert!(config.clone().build().is_ok());

        std::fs::write(
            &path,
            "[Looker]\nbase_url=https://ini.io\nclient_id=i\nclient_secret=s\ntimeout=soon\n",
        )
        .unwrap();
        let e = err(LookerConfig::new().with_ini_file(&path, "Looker").unwrap());
        assert!(
            e.contains("looker.ini [Looker] timeout: `soon` is not a positive duration"),
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
