//! Configuration of a Torq provider.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::TorqProvider;
use crate::client::call::DEFAULT_MAX_RESPONSE_BYTES;
use crate::client::http::{HttpSettings, parse_url};
use crate::client::limit::DEFAULT_MAX_IN_FLIGHT;
use crate::client::retry::RetryConfig;
use crate::client::{required_id, required_secret, utf8_vars};
use crate::error::{Error, Result};
use crate::model::Vendor;

/// A Torq region: where its API and its token endpoint live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TorqRegion {
    /// `https://api.torq.io`, tokens from `https://auth.torq.io`.
    #[default]
    Us,
    /// `https://api.eu.torq.io`, tokens from `https://auth.eu.torq.io`.
    Eu,
}

impl TorqRegion {
    /// The API base URL.
    pub fn api_url(self) -> &'static str {
        match self {
            TorqRegion::Us => "https://api.torq.io",
            TorqRegion::Eu => "https://api.eu.torq.io",
        }
    }

    /// The token endpoint's base URL.
    pub fn auth_url(self) -> &'static str {
        match self {
            TorqRegion::Us => "https://auth.torq.io",
            TorqRegion::Eu => "https://auth.eu.torq.io",
        }
    }
}

/// The settings a Torq provider reads; `as_ref()` is the environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TorqConfigKey {
    /// `TORQ_CLIENT_ID`: the API key's client id.
    ClientId,
    /// `TORQ_CLIENT_SECRET`: the API key's client secret.
    ClientSecret,
    /// `TORQ_REGION`: `us` (default) or `eu`.
    Region,
    /// `TORQ_BASE_URL`: the API base URL (overrides the region's).
    BaseUrl,
    /// `TORQ_AUTH_URL`: the token endpoint's base URL (overrides the region's).
    AuthUrl,
}

impl TorqConfigKey {
    /// Every key.
    pub const ALL: [TorqConfigKey; 5] = [
        Self::ClientId,
        Self::ClientSecret,
        Self::Region,
        Self::BaseUrl,
        Self::AuthUrl,
    ];
}

impl AsRef<str> for TorqConfigKey {
    fn as_ref(&self) -> &str {
        match self {
            Self::ClientId => "TORQ_CLIENT_ID",
            Self::ClientSecret => "TORQ_CLIENT_SECRET",
            Self::Region => "TORQ_REGION",
            Self::BaseUrl => "TORQ_BASE_URL",
            Self::AuthUrl => "TORQ_AUTH_URL",
        }
    }
}

/// How to reach and authenticate to one Torq workspace (an API key belongs to one workspace).
///
/// ```
/// use integrations::{TorqConfig, TorqRegion};
///
/// let torq = TorqConfig::new()
///     .with_region(TorqRegion::Eu)
///     .with_client_id("id")
///     .with_client_secret("shh")
///     .build()?;
/// assert!(!format!("{torq:?}").contains("shh"));
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TorqConfig {
    name: Option<String>,
    region: TorqRegion,
    base_url: Option<String>,
    auth_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Arc<SecretString>>,
    timeout: Duration,
    connect_timeout: Duration,
    max_in_flight: usize,
    max_response_bytes: u64,
    retry: RetryConfig,
    refresh_margin: Duration,
    requests_per_second: u32,
    /// Where each setting came from, for errors, when not its environment variable.
    origin: [Option<String>; TorqConfigKey::ALL.len()],
}

impl Default for TorqConfig {
    fn default() -> Self {
        Self {
            name: None,
            region: TorqRegion::Us,
            base_url: None,
            auth_url: None,
            client_id: None,
            client_secret: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::default(),
            refresh_margin: Duration::from_secs(30),
            requests_per_second: 45,
            origin: Default::default(),
        }
    }
}

impl TorqConfig {
    /// Nothing set: US region, 60 s timeout, at most 45 requests per second.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the `TORQ_*` environment variables.
    pub fn from_env() -> Result<Self> {
        Self::new().with_vars(utf8_vars())
    }

    /// Applies the `TORQ_*` variables among `vars` (the others are ignored).
    pub fn with_vars<K: AsRef<str>, V: Into<String>>(
        self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self> {
        let mut config = self;
        for (name, value) in vars {
            let Some(key) = TorqConfigKey::ALL
                .into_iter()
                .find(|k| k.as_ref() == name.as_ref())
            else {
                continue;
            };
            let value: String = value.into();
            let value = value.trim().to_owned();
            // The variable now holds the value: errors name it.
            config.origin[key as usize] = None;
            match key {
                TorqConfigKey::ClientId => config.client_id = Some(value),
                TorqConfigKey::ClientSecret => {
                    config.client_secret = Some(Arc::new(SecretString::from(value)))
                }
                TorqConfigKey::BaseUrl => config.base_url = Some(value),
                TorqConfigKey::AuthUrl => config.auth_url = Some(value),
                TorqConfigKey::Region => {
                    config.region = match value.to_ascii_lowercase().as_str() {
                        "us" => TorqRegion::Us,
                        "eu" => TorqRegion::Eu,
                        _ => {
                            return Err(Error::Config {
                                vendor: Vendor::Torq,
                                setting: key.as_ref().to_owned(),
                                message: format!(
                                    "`{value}` is not a region: expected `us` or `eu`"
                                ),
                            });
                        }
                    }
                }
            }
        }
        Ok(config)
    }

    /// The region (default US).
    pub fn with_region(mut self, region: TorqRegion) -> Self {
        self.region = region;
        self
    }

    /// The API base URL, instead of the region's.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.origin[TorqConfigKey::BaseUrl as usize] = None;
        self
    }

    /// The token endpoint's base URL, instead of the region's.
    pub fn with_auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = Some(url.into());
        self.origin[TorqConfigKey::AuthUrl as usize] = None;
        self
    }

    /// Most requests started per second (default 45, under Torq's 50 per workspace).
    pub fn with_requests_per_second(mut self, limit: u32) -> Self {
        self.requests_per_second = limit;
        self
    }

    crate::client::builder_setters!(
        key = TorqConfigKey,
        timeout = "60 s",
        refresh_margin = "30 s",
        name = "`torq@<host>`"
    );

    /// Names where the value of `key` came from, for error messages, when that is not its
    /// environment variable: a tool that reads its own configuration file says so. Call it
    /// after the setter: a setter, or a `TORQ_*` variable, makes the value its own again.
    /// (`Region` is typed, so no error names it.)
    ///
    /// ```
    /// use integrations::{Error, TorqConfig, TorqConfigKey};
    ///
    /// let error = TorqConfig::new()
    ///     .with_base_url("http://torq.example.com")
    ///     .with_origin(TorqConfigKey::BaseUrl, "integrations.toml [[torq]] base_url")
    ///     .with_client_id("id")
    ///     .with_client_secret("secret")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(error.to_string().contains("integrations.toml [[torq]] base_url"));
    /// ```
    pub fn with_origin(mut self, key: TorqConfigKey, origin: impl Into<String>) -> Self {
        self.origin[key as usize] = Some(origin.into());
        self
    }

    /// Checks the settings and makes the provider. No request is sent until the first call.
    pub fn build(self) -> Result<TorqProvider> {
        let missing = |key: TorqConfigKey| Error::Config {
            vendor: Vendor::Torq,
            setting: self.setting_name(key),
            message: "not set".into(),
        };
        let base = self
            .base_url
            .clone()
            .unwrap_or_else(|| self.region.api_url().to_owned());
        let base_url = parse_url(
            Vendor::Torq,
            &self.setting_name(TorqConfigKey::BaseUrl),
            &base,
        )?;
        let auth = match &self.auth_url {
            Some(auth) => auth.clone(),
            None => match [TorqRegion::Us, TorqRegion::Eu]
                .into_iter()
                .find(|r| base.trim_end_matches('/') == r.api_url())
            {
                Some(region) => region.auth_url().to_owned(),
                None if self.base_url.is_none() => self.region.auth_url().to_owned(),
                None => {
                    return Err(Error::Config {
                        vendor: Vendor::Torq,
                        setting: self.setting_name(TorqConfigKey::AuthUrl),
                        message: format!(
                            "required when {} is not a Torq region's API URL",
                            self.setting_name(TorqConfigKey::BaseUrl)
                        ),
                    });
                }
            },
        };
        let auth_url = parse_url(
            Vendor::Torq,
            &self.setting_name(TorqConfigKey::AuthUrl),
            &auth,
        )?;
        let client_id = required_id(
            Vendor::Torq,
            self.client_id.as_deref(),
            self.setting_name(TorqConfigKey::ClientId),
            || missing(TorqConfigKey::ClientId),
        )?;
        let client_secret = required_secret(
            Vendor::Torq,
            self.client_secret.as_ref(),
            self.setting_name(TorqConfigKey::ClientSecret),
            || missing(TorqConfigKey::ClientSecret),
        )?;
        let http = HttpSettings {
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_in_flight: self.max_in_flight,
            max_response_bytes: self.max_response_bytes,
            verify_tls: true,
        };
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| format!("torq@{}", base_url.host_str().unwrap_or("?")));
        TorqProvider::new(
            name,
            base_url,
            auth_url,
            client_id,
            client_secret,
            &http,
            self.retry,
            self.refresh_margin,
            self.requests_per_second,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(config: Result<TorqConfig>) -> String {
        config.and_then(TorqConfig::build).unwrap_err().to_string()
    }

    #[test]
    fn regions_give_both_urls_and_custom_hosts_need_an_auth_url() {
        let ok = TorqConfig::new()
            .with_vars([
                ("TORQ_CLIENT_ID", "i"),
                ("TORQ_CLIENT_SECRET", "s"),
                ("TORQ_BASE_URL", "https://api.eu.torq.io"),
            ])
            .unwrap()
            .build();
        assert!(ok.is_ok());
        assert_eq!(
            err(TorqConfig::new().with_vars([
                ("TORQ_CLIENT_ID", "i"),
                ("TORQ_CLIENT_SECRET", "s"),
                ("TORQ_BASE_URL", "https://torq.internal")
            ])),
            "torq configuration: TORQ_AUTH_URL: required when TORQ_BASE_URL is not a Torq region's API URL"
        );
        assert_eq!(
            err(TorqConfig::new().with_vars([("TORQ_REGION", "mars")])),
            "torq configuration: TORQ_REGION: `mars` is not a region: expected `us` or `eu`"
        );
        assert_eq!(
            err(Ok(TorqConfig::new())),
            "torq configuration: TORQ_CLIENT_ID: not set"
        );
        assert!(
            err(Ok(TorqConfig::new()
                .with_base_url("http://torq.example.com")
                .with_auth_url("https://a.io")))
            .contains("TORQ_BASE_URL")
        );
    }
}
