//! What both vendors' configurations share: settings given as text (environment, `looker.ini`,
//! a tool's own file, [`with_config`](crate::LookerConfig::with_config)) kept with where they
//! came from and parsed at `build()`, the API key, the provider's name, and [`ClientOptions`].
//!
//! Each vendor has a key enum ([`LookerConfigKey`](crate::LookerConfigKey),
//! [`TorqConfigKey`](crate::TorqConfigKey)) whose `as_ref()` is its environment variable and
//! whose `FromStr` takes that name or the short name (`base_url`), and a builder holding a
//! [`Common`] of its keys.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::client::options::{ClientConfigKey, ClientOptions, Resolved, Setting, VendorDefaults};
use crate::error::{Error, Result};
use crate::model::Vendor;

/// A vendor's configuration key.
pub(crate) trait ConfigKey: Copy + Ord + AsRef<str> + fmt::Debug + 'static {
    /// The vendor.
    const VENDOR: Vendor;
    /// The API key's client id.
    const CLIENT_ID: Self;
    /// The API key's client secret.
    const CLIENT_SECRET: Self;
    /// The keys read from the environment, by their `as_ref()` names.
    const FROM_ENV: &'static [Self];
    /// The client option this key sets, if it is one.
    fn client(self) -> Option<ClientConfigKey>;
    /// The short name (`base_url`), as files and `FromStr` take it.
    fn short_name(self) -> &'static str;
    /// The vendor key of a client option.
    fn of_client(key: ClientConfigKey) -> Self;
    /// Every vendor-specific key (the client options come on top).
    fn own() -> &'static [Self];
}

/// Parses `s` as a key of `K`: its variable name or short name (any case), or a client
/// option's short name.
pub(crate) fn parse_key<K: ConfigKey>(s: &str) -> Result<K> {
    let s = s.trim();
    if let Some(key) = K::own()
        .iter()
        .chain(K::FROM_ENV)
        .find(|k| k.as_ref().eq_ignore_ascii_case(s) || k.short_name().eq_ignore_ascii_case(s))
    {
        return Ok(*key);
    }
    match s.parse::<ClientConfigKey>() {
        Ok(client) => Ok(K::of_client(client)),
        Err(_) => Err(Error::UnknownKey {
            key: s.to_owned(),
            expected: K::own()
                .iter()
                .map(|k| k.short_name().to_owned())
                .chain(ClientConfigKey::ALL.iter().map(|k| k.as_ref().to_owned()))
                .collect(),
        }),
    }
}

/// The settings of one provider, before `build()`.
#[derive(Clone)]
pub(crate) struct Common<K: ConfigKey> {
    /// The provider's name, if given.
    pub name: Option<String>,
    values: BTreeMap<K, Setting<String>>,
    secret: Option<(Arc<SecretString>, Option<String>)>,
    /// The client options.
    pub client: ClientOptions,
}

impl<K: ConfigKey> Default for Common<K> {
    fn default() -> Self {
        Self {
            name: None,
            values: BTreeMap::new(),
            secret: None,
            client: ClientOptions::default(),
        }
    }
}

impl<K: ConfigKey> fmt::Debug for Common<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("name", &self.name)
            .field("values", &self.values)
            .field("client_secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("client", &self.client)
            .finish()
    }
}

impl<K: ConfigKey> Common<K> {
    /// Sets `key` from text that came from `origin` (`None`: the key names itself).
    pub fn set(&mut self, key: K, value: String, origin: Option<String>) {
        if let Some(client) = key.client() {
            let origin = origin.or_else(|| Some(key.as_ref().to_owned()));
            self.client.set_text(client, value, origin);
        } else if key == K::CLIENT_SECRET {
            self.secret = Some((Arc::new(SecretString::from(value)), origin));
        } else {
            self.values.insert(key, Setting::text(value, origin));
        }
    }

    /// Names where the value of `key` came from.
    pub fn set_origin(&mut self, key: K, origin: String) {
        if let Some(client) = key.client() {
            self.client.set_origin(client, origin);
        } else if key == K::CLIENT_SECRET {
            if let Some((_, o)) = &mut self.secret {
                *o = Some(origin);
            }
        } else if let Some(setting) = self.values.get_mut(&key) {
            setting.set_origin(origin);
        }
    }

    /// Applies the variables among `vars` that are keys of `K` (the others are ignored).
    pub fn set_vars<N: AsRef<str>, V: Into<String>>(
        &mut self,
        vars: impl IntoIterator<Item = (N, V)>,
    ) {
        for (name, value) in vars {
            if let Some(key) = K::FROM_ENV.iter().find(|k| k.as_ref() == name.as_ref()) {
                self.set(*key, value.into(), Some(key.as_ref().to_owned()));
            }
        }
    }

    /// The text given for `key`, if any.
    pub fn text(&self, key: K) -> Option<&Setting<String>> {
        self.values.get(&key)
    }

    /// Where the value of `key` came from, or its variable name.
    pub fn name_of(&self, key: K) -> String {
        let origin = match key.client() {
            Some(client) => self.client.origin(client).map(str::to_owned),
            None if key == K::CLIENT_SECRET => self.secret.as_ref().and_then(|(_, o)| o.clone()),
            None => self
                .values
                .get(&key)
                .and_then(|s| s.origin().map(str::to_owned)),
        };
        origin.unwrap_or_else(|| key.as_ref().to_owned())
    }

    /// A Config error about `key`.
    pub fn error(&self, key: K, message: impl Into<String>) -> Error {
        Error::Config {
            vendor: K::VENDOR,
            setting: self.name_of(key),
            message: message.into(),
        }
    }

    /// The text of `key`, trimmed, when given and not blank.
    pub fn value(&self, key: K) -> Result<Option<String>> {
        match self.text(key) {
            None => Ok(None),
            Some(setting) => setting
                .resolve(K::VENDOR, key.as_ref(), |s| Ok(s.to_owned()))
                .map(|s| Some(s).filter(|s| !s.is_empty())),
        }
    }

    /// The client id: `missing` explains how to set it when it is not; blank is "empty".
    pub fn client_id(&self, missing: &str) -> Result<String> {
        match self.text(K::CLIENT_ID) {
            None => Err(self.error(K::CLIENT_ID, missing)),
            Some(_) => self
                .value(K::CLIENT_ID)?
                .ok_or_else(|| self.error(K::CLIENT_ID, "is empty")),
        }
    }

    /// The client secret: `missing` explains how to set it when it is not; blank is "empty".
    pub fn client_secret(&self, missing: &str) -> Result<Arc<SecretString>> {
        match &self.secret {
            None => Err(self.error(K::CLIENT_SECRET, missing)),
            Some((secret, _)) if secret.expose_secret().trim().is_empty() => {
                Err(self.error(K::CLIENT_SECRET, "is empty"))
            }
            Some((secret, _)) => Ok(Arc::new(SecretString::from(
                secret.expose_secret().trim().to_owned(),
            ))),
        }
    }

    /// The client options, parsed and checked.
    pub fn resolve_client(&self, defaults: VendorDefaults) -> Result<Resolved> {
        self.client
            .resolve(K::VENDOR, defaults, |key| self.name_of(K::of_client(key)))
    }
}

/// Implements [`ConfigKey`], `AsRef<str>` (the variable's name) and `FromStr` for a vendor's key
/// enum from one table: each own key's variant, variable name and short name, and the client
/// options that have a variable of their own. The enum has `ClientId`, `ClientSecret` and
/// `Client(ClientConfigKey)` variants and an `ALL` constant of the keys read from the
/// environment.
macro_rules! config_keys {
    (
        $key:ident, $vendor:expr,
        own: [$($variant:ident => $env:literal, $short:literal;)*]
        client_vars: [$($client:ident => $client_env:literal;)*]
    ) => {
        impl crate::config::ConfigKey for $key {
            const VENDOR: crate::model::Vendor = $vendor;
            const CLIENT_ID: Self = Self::ClientId;
            const CLIENT_SECRET: Self = Self::ClientSecret;
            const FROM_ENV: &'static [Self] = &Self::ALL;

            fn client(self) -> Option<crate::ClientConfigKey> {
                match self {
                    Self::Client(key) => Some(key),
                    _ => None,
                }
            }

            fn short_name(self) -> &'static str {
                match self {
                    $(Self::$variant => $short,)*
                    Self::Client(key) => key.name(),
                }
            }

            fn of_client(key: crate::ClientConfigKey) -> Self {
                Self::Client(key)
            }

            fn own() -> &'static [Self] {
                &[$(Self::$variant),*]
            }
        }

        impl AsRef<str> for $key {
            fn as_ref(&self) -> &str {
                match self {
                    $(Self::$variant => $env,)*
                    $(Self::Client(crate::ClientConfigKey::$client) => $client_env,)*
                    Self::Client(key) => key.name(),
                }
            }
        }

        impl std::str::FromStr for $key {
            type Err = crate::Error;

            fn from_str(s: &str) -> crate::Result<Self> {
                crate::config::parse_key(s)
            }
        }
    };
}

pub(crate) use config_keys;

/// The setters every vendor's builder offers, delegating to its `common: Common<$key>`.
macro_rules! common_setters {
    ($key:ty) => {
        /// Sets `key` from text (its variable name or short name parse into a key: see the key
        /// type's `FromStr`), parsed when the provider is built; an error there names the key,
        /// or the origin given with `with_origin`.
        pub fn with_config(mut self, key: $key, value: impl Into<String>) -> Self {
            self.common.set(key, value.into(), None);
            self
        }

        /// Names where the value of `key` came from, for errors (a tool that reads its own
        /// file says `integrations.toml [[provider]] `prod` base_url`). Call it after the value
        /// is set: setting it again makes the value its own.
        pub fn with_origin(mut self, key: $key, origin: impl Into<String>) -> Self {
            self.common.set_origin(key, origin.into());
            self
        }

        /// Applies the vendor's variables among `vars` (the others are ignored), each named by
        /// its variable in errors.
        pub fn with_vars<N: AsRef<str>, V: Into<String>>(
            mut self,
            vars: impl IntoIterator<Item = (N, V)>,
        ) -> Self {
            self.common.set_vars(vars);
            self
        }

        /// The API key's client id.
        pub fn with_client_id(mut self, id: impl Into<String>) -> Self {
            self.common.set(
                <$key as crate::config::ConfigKey>::CLIENT_ID,
                id.into(),
                None,
            );
            self
        }

        /// The API key's client secret (kept in a `secrecy` box: never in `Debug` output).
        pub fn with_client_secret(mut self, secret: impl Into<String>) -> Self {
            self.common.set(
                <$key as crate::config::ConfigKey>::CLIENT_SECRET,
                secret.into(),
                None,
            );
            self
        }

        /// The provider's name, unique among a user's providers.
        pub fn with_name(mut self, name: impl Into<String>) -> Self {
            self.common.name = Some(name.into());
            self
        }

        /// The options every vendor's client shares (replacing those set so far).
        pub fn with_client_options(mut self, options: crate::ClientOptions) -> Self {
            self.common.client = options;
            self
        }

        /// Time allowed for each request (see [`ClientOptions::with_timeout`](crate::ClientOptions::with_timeout)).
        pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.common.client = self.common.client.with_timeout(timeout);
            self
        }

        /// The retry policy (see [`RetryConfig`](crate::RetryConfig)).
        pub fn with_retry(mut self, retry: crate::RetryConfig) -> Self {
            self.common.client = self.common.client.with_retry(retry);
            self
        }

        /// Requests sent at once (see [`ClientOptions::with_max_in_flight`](crate::ClientOptions::with_max_in_flight)).
        pub fn with_max_in_flight(mut self, max: usize) -> Self {
            self.common.client = self.common.client.with_max_in_flight(max);
            self
        }

        /// The body cap (see [`ClientOptions::with_max_response_bytes`](crate::ClientOptions::with_max_response_bytes)).
        pub fn with_max_response_bytes(mut self, max: u64) -> Self {
            self.common.client = self.common.client.with_max_response_bytes(max);
            self
        }

        /// How long before expiry a token is renewed.
        pub fn with_refresh_margin(mut self, margin: std::time::Duration) -> Self {
            self.common.client = self.common.client.with_refresh_margin(margin);
            self
        }
    };
}

pub(crate) use common_setters;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LookerConfigKey, TorqConfigKey};

    #[test]
    fn keys_parse_from_variable_and_short_names() {
        let k: LookerConfigKey = "LOOKERSDK_BASE_URL".parse().unwrap();
        assert_eq!(k, LookerConfigKey::BaseUrl);
        assert_eq!("base_url".parse::<LookerConfigKey>().unwrap(), k);
        assert_eq!(
            "lookersdk_timeout".parse::<LookerConfigKey>().unwrap(),
            LookerConfigKey::Client(ClientConfigKey::Timeout)
        );
        assert_eq!(
            "max_in_flight".parse::<TorqConfigKey>().unwrap(),
            TorqConfigKey::Client(ClientConfigKey::MaxInFlight)
        );
        assert_eq!(
            "region".parse::<TorqConfigKey>().unwrap(),
            TorqConfigKey::Region
        );
        let e = "bsae_url".parse::<TorqConfigKey>().unwrap_err().to_string();
        assert!(e.contains("bsae_url") && e.contains("auth_url"), "{e}");
    }
}
