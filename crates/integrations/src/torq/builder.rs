//! Configuration of a Torq provider.

use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::TorqProvider;
use crate::client::options::{ClientConfigKey, VendorDefaults};
use crate::client::utf8_vars;
use crate::config::{Common, common_setters};
use crate::error::{Error, Result};
use crate::model::{Vendor, by_name};

/// A Torq region: where its API and its token endpoint live. Parses from (and serializes as)
/// `us` or `eu`.
///
/// ```
/// use integrations::TorqRegion;
///
/// assert_eq!("EU".parse::<TorqRegion>()?, TorqRegion::Eu);
/// assert_eq!(TorqRegion::Us.to_string(), "us");
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TorqRegion {
    /// `https://api.torq.io`, tokens from `https://auth.torq.io`.
    #[default]
    Us,
    /// `https://api.eu.torq.io`, tokens from `https://auth.eu.torq.io`.
    Eu,
}

impl TorqRegion {
    /// Every region.
    pub const ALL: [TorqRegion; 2] = [TorqRegion::Us, TorqRegion::Eu];

    /// The region's name (`us`, `eu`).
    pub fn as_str(self) -> &'static str {
        match self {
            TorqRegion::Us => "us",
            TorqRegion::Eu => "eu",
        }
    }

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

crate::model::display_as!(TorqRegion, as_str);

impl FromStr for TorqRegion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        by_name(&Self::ALL, Self::as_str, s).ok_or_else(|| Error::Config {
            vendor: Vendor::Torq,
            setting: "region".into(),
            message: format!("`{s}` is not a region: expected `us` or `eu`"),
        })
    }
}

/// The settings a Torq provider reads; `as_ref()` is the environment variable, and `FromStr`
/// takes it or the short name (`region`), or a [`ClientConfigKey`]'s short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TorqConfigKey {
    /// `TORQ_CLIENT_ID` / `client_id`: the API key's client id.
    ClientId,
    /// `TORQ_CLIENT_SECRET` / `client_secret`: the API key's client secret.
    ClientSecret,
    /// `TORQ_REGION` / `region`: `us` (default) or `eu`.
    Region,
    /// `TORQ_BASE_URL` / `base_url`: the API base URL (overrides the region's).
    BaseUrl,
    /// `TORQ_AUTH_URL` / `auth_url`: the token endpoint's base URL (overrides the region's).
    AuthUrl,
    /// A client option (`timeout`, `max_in_flight`, …).
    Client(ClientConfigKey),
}

impl TorqConfigKey {
    /// The keys read from the environment.
    pub const ALL: [TorqConfigKey; 5] = [
        Self::ClientId,
        Self::ClientSecret,
        Self::Region,
        Self::BaseUrl,
        Self::AuthUrl,
    ];
}

crate::config::config_keys!(TorqConfigKey, Vendor::Torq,
    own: [
        ClientId => "TORQ_CLIENT_ID", "client_id";
        ClientSecret => "TORQ_CLIENT_SECRET", "client_secret";
        Region => "TORQ_REGION", "region";
        BaseUrl => "TORQ_BASE_URL", "base_url";
        AuthUrl => "TORQ_AUTH_URL", "auth_url";
    ]
    client_vars: []
);

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
#[derive(Debug, Clone, Default)]
pub struct TorqConfig {
    common: Common<TorqConfigKey>,
}

impl TorqConfig {
    /// Nothing set: US region, 60 s timeout, at most 45 requests per second.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `TORQ_*` environment variables.
    pub fn from_env() -> Self {
        Self::new().with_vars(utf8_vars())
    }

    /// The region (default US).
    pub fn with_region(mut self, region: TorqRegion) -> Self {
        self.common
            .set(TorqConfigKey::Region, region.as_str().to_owned(), None);
        self
    }

    /// The API base URL, instead of the region's.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.common.set(TorqConfigKey::BaseUrl, url.into(), None);
        self
    }

    /// The token endpoint's base URL, instead of the region's.
    pub fn with_auth_url(mut self, url: impl Into<String>) -> Self {
        self.common.set(TorqConfigKey::AuthUrl, url.into(), None);
        self
    }

    /// Most requests started per second (default 45, under Torq's 50 per workspace).
    pub fn with_requests_per_second(mut self, limit: u32) -> Self {
        self.common.client = self.common.client.with_requests_per_second(limit);
        self
    }

    common_setters!(TorqConfigKey);

    /// Checks the settings and makes the provider. No request is sent until the first call.
    pub fn build(self) -> Result<TorqProvider> {
        let c = &self.common;
        let region = match c.text(TorqConfigKey::Region) {
            Some(setting) => setting.parse(Vendor::Torq, "TORQ_REGION", |s| {
                s.parse::<TorqRegion>().map_err(|e| match e {
                    Error::Config { message, .. } => message,
                    other => other.to_string(),
                })
            })?,
            None => TorqRegion::default(),
        };
        let given_base = c.value(TorqConfigKey::BaseUrl)?;
        let base = given_base
            .clone()
            .unwrap_or_else(|| region.api_url().to_owned());
        let base_url = crate::client::http::parse_url(
            Vendor::Torq,
            &c.name_of(TorqConfigKey::BaseUrl),
            &base,
        )?;
        let auth = match c.value(TorqConfigKey::AuthUrl)? {
            Some(auth) => auth,
            None => match TorqRegion::ALL
                .into_iter()
                .find(|r| base.trim_end_matches('/') == r.api_url())
            {
                Some(region) => region.auth_url().to_owned(),
                None if given_base.is_none() => region.auth_url().to_owned(),
                None => {
                    return Err(c.error(
                        TorqConfigKey::AuthUrl,
                        format!(
                            "required when {} is not a Torq region's API URL",
                            c.name_of(TorqConfigKey::BaseUrl)
                        ),
                    ));
                }
            },
        };
        let auth_url = crate::client::http::parse_url(
            Vendor::Torq,
            &c.name_of(TorqConfigKey::AuthUrl),
            &auth,
        )?;
        let client_id = c.client_id("not set")?;
        let client_secret = c.client_secret("not set")?;
        let options = c.resolve_client(VendorDefaults {
            timeout: Duration::from_secs(60),
            refresh_margin: Duration::from_secs(30),
            requests_per_second: Some(45),
        })?;
        let name = c
            .name
            .clone()
            .unwrap_or_else(|| format!("torq@{}", base_url.host_str().unwrap_or("?")));
        TorqProvider::new(name, base_url, auth_url, client_id, client_secret, &options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(config: TorqConfig) -> String {
        config.build().unwrap_err().to_string()
    }

    #[test]
    fn regions_give_both_urls_and_custom_hosts_need_an_auth_url() {
        let ok = TorqConfig::new()
            .with_vars([
                ("TORQ_CLIENT_ID", "i"),
                ("TORQ_CLIENT_SECRET", "s"),
                ("TORQ_BASE_URL", "https://api.eu.torq.io"),
            ])
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
            err(TorqConfig::new()),
            "torq configuration: TORQ_CLIENT_ID: not set"
        );
        assert!(
            err(TorqConfig::new()
                .with_base_url("http://torq.example.com")
                .with_auth_url("https://a.io"))
            .contains("TORQ_BASE_URL")
        );
    }

    #[test]
    fn every_setting_can_be_given_as_text_by_key_and_errors_name_its_origin() {
        let config = |pairs: &[(&str, &str)]| {
            pairs.iter().fold(TorqConfig::new(), |c, (k, v)| {
                c.with_config(k.parse().unwrap(), *v)
            })
        };
        let provider = config(&[
            ("region", "EU"),
            ("client_id", "i"),
            ("TORQ_CLIENT_SECRET", "s"),
            ("max_in_flight", "4"),
            ("timeout", "2s"),
        ])
        .build()
        .unwrap();
        assert_eq!(
            crate::IntegrationProvider::name(&provider),
            "torq@api.eu.torq.io"
        );
        let e = err(config(&[
            ("client_id", "i"),
            ("client_secret", "s"),
            ("requests_per_second", "0"),
        ])
        .with_origin(
            TorqConfigKey::Client(ClientConfigKey::RequestsPerSecond),
            "soc.toml requests_per_second",
        ));
        assert_eq!(
            e,
            "torq configuration: soc.toml requests_per_second: `0` is not a whole number of at least 1"
        );
        let e = err(config(&[("client_id", " "), ("client_secret", "s")]));
        assert_eq!(e, "torq configuration: TORQ_CLIENT_ID: is empty");
    }

    #[test]
    fn regions_parse_print_and_deserialize() {
        for region in TorqRegion::ALL {
            assert_eq!(region.to_string().parse::<TorqRegion>().unwrap(), region);
            let json = serde_json::to_string(&region).unwrap();
            assert_eq!(serde_json::from_str::<TorqRegion>(&json).unwrap(), region);
        }
        assert!("mars".parse::<TorqRegion>().is_err());
    }
}
