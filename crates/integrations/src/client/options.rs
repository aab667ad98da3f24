//! [`ClientOptions`]: what every vendor's client shares (timeouts, retries, the in-flight bound,
//! pacing, user agent, body cap), and the machinery of settings given as text (environment,
//! files, [`with_config`](ClientOptions::with_config)) that are parsed at `build()` and name
//! where they came from when they are wrong.

use std::str::FromStr;
use std::time::Duration;

use super::call::DEFAULT_MAX_RESPONSE_BYTES;
use super::limit::DEFAULT_MAX_IN_FLIGHT;
use super::retry::RetryConfig;
use crate::error::{Error, Result};
use crate::model::{Vendor, by_name};

/// A setting: a typed value from a setter, or text to parse at `build()`; with where it came
/// from, for errors.
#[derive(Debug, Clone)]
pub(crate) struct Setting<T> {
    given: Given<T>,
    origin: Option<String>,
}

#[derive(Debug, Clone)]
enum Given<T> {
    Typed(T),
    Text(String),
}

impl<T: Clone> Setting<T> {
    /// A value from a typed setter.
    pub(crate) fn typed(value: T) -> Self {
        Self {
            given: Given::Typed(value),
            origin: None,
        }
    }

    /// Text from `origin` (a variable, a file's key), parsed at `build()`.
    pub(crate) fn text(value: impl Into<String>, origin: Option<String>) -> Self {
        Self {
            given: Given::Text(value.into()),
            origin,
        }
    }

    /// Where the value came from, if said.
    pub(crate) fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// Says where the value came from.
    pub(crate) fn set_origin(&mut self, origin: String) {
        self.origin = Some(origin);
    }

    /// The value, parsing text with `parse`; a failure is a Config error naming the origin, or
    /// `key` when none was said.
    pub(crate) fn resolve(
        &self,
        vendor: Vendor,
        key: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Result<T> {
        match &self.given {
            Given::Typed(value) => Ok(value.clone()),
            Given::Text(text) => {
                parse(text.trim().trim_matches('"')).map_err(|message| Error::Config {
                    vendor,
                    setting: self.name(key),
                    message,
                })
            }
        }
    }

    /// The origin, or `key`.
    pub(crate) fn name(&self, key: &str) -> String {
        self.origin.clone().unwrap_or_else(|| key.to_owned())
    }
}

impl Setting<String> {
    /// The text parsed as a `U`; a failure is a Config error naming the origin, or `key`.
    pub(crate) fn parse<U>(
        &self,
        vendor: Vendor,
        key: &str,
        parse: impl FnOnce(&str) -> std::result::Result<U, String>,
    ) -> Result<U> {
        let text = self.resolve(vendor, key, |s| Ok(s.to_owned()))?;
        parse(&text).map_err(|message| Error::Config {
            vendor,
            setting: self.name(key),
            message,
        })
    }
}

/// A value from a typed setter, as a [`ClientOptions`] field holds it.
fn typed<T: Clone>(value: T) -> Option<Setting<T>> {
    Some(Setting::typed(value))
}

/// A duration: a number of seconds (`30`, `1.5`) or a number with a unit (`500ms`, `2m`).
pub(crate) fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let parsed = match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 && secs <= u32::MAX as f64 => {
            Ok(Duration::from_secs_f64(secs))
        }
        Ok(_) => Err(()),
        Err(_) => humantime::parse_duration(text).map_err(|_| ()),
    };
    match parsed {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!(
            "`{text}` is not a positive duration (seconds, or a number with a unit: 500ms, 2m)"
        )),
    }
}

/// A count of at least 1.
fn parse_count<T: FromStr + PartialOrd + From<u8>>(text: &str) -> std::result::Result<T, String> {
    match text.parse::<T>() {
        Ok(n) if n >= T::from(1) => Ok(n),
        _ => Err(format!("`{text}` is not a whole number of at least 1")),
    }
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`).
pub(crate) fn parse_bool(text: &str) -> std::result::Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("`{text}` is not true or false")),
    }
}

/// The options every vendor's client shares. Give them to a builder with `with_client_options`,
/// or key by key with its `with_config`.
///
/// ```
/// use std::time::Duration;
/// use integrations::{ClientConfigKey, ClientOptions};
///
/// let options = ClientOptions::new()
///     .with_timeout(Duration::from_secs(30))
///     .with_config(ClientConfigKey::MaxInFlight, "8")
///     .with_config("user_agent".parse()?, "acme-sync/1.0");
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    timeout: Option<Setting<Duration>>,
    connect_timeout: Option<Setting<Duration>>,
    max_in_flight: Option<Setting<usize>>,
    max_response_bytes: Option<Setting<u64>>,
    requests_per_second: Option<Setting<u32>>,
    user_agent: Option<Setting<String>>,
    refresh_margin: Option<Setting<Duration>>,
    retry: RetryConfig,
    retry_max_attempts: Option<Setting<usize>>,
    retry_deadline: Option<Setting<Duration>>,
}

/// The keys of [`ClientOptions`]; `as_ref()` and `FromStr` use the short name (`timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ClientConfigKey {
    /// `timeout`: time allowed for each request (vendor default: Looker 120 s, Torq 60 s).
    Timeout,
    /// `connect_timeout`: time allowed to connect (default 10 s).
    ConnectTimeout,
    /// `max_in_flight`: requests sent at once per provider (default 32).
    MaxInFlight,
    /// `max_response_bytes`: the most bytes of one response body read (default 512 MiB).
    MaxResponseBytes,
    /// `requests_per_second`: pace calls under this rate (vendor default: Torq 50, Looker none).
    RequestsPerSecond,
    /// `user_agent`: the `User-Agent` header (default `integrations-rs/<version>`).
    UserAgent,
    /// `refresh_margin`: how long before expiry a token is renewed (vendor default: Looker
    /// 10 s, Torq 30 s).
    RefreshMargin,
    /// `retry_max_attempts`: attempts per call, the first included (default 4).
    RetryMaxAttempts,
    /// `retry_deadline`: time budget for all attempts of one call (default 60 s).
    RetryDeadline,
}

impl ClientConfigKey {
    /// Every key.
    pub const ALL: [ClientConfigKey; 9] = [
        Self::Timeout,
        Self::ConnectTimeout,
        Self::MaxInFlight,
        Self::MaxResponseBytes,
        Self::RequestsPerSecond,
        Self::UserAgent,
        Self::RefreshMargin,
        Self::RetryMaxAttempts,
        Self::RetryDeadline,
    ];
}

impl ClientConfigKey {
    /// The short name (`timeout`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::ConnectTimeout => "connect_timeout",
            Self::MaxInFlight => "max_in_flight",
            Self::MaxResponseBytes => "max_response_bytes",
            Self::RequestsPerSecond => "requests_per_second",
            Self::UserAgent => "user_agent",
            Self::RefreshMargin => "refresh_margin",
            Self::RetryMaxAttempts => "retry_max_attempts",
            Self::RetryDeadline => "retry_deadline",
        }
    }
}

impl AsRef<str> for ClientConfigKey {
    fn as_ref(&self) -> &str {
        self.name()
    }
}

crate::model::display_as!(ClientConfigKey, name);

impl FromStr for ClientConfigKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        by_name(&Self::ALL, Self::name, s).ok_or_else(|| Error::UnknownKey {
            key: s.to_owned(),
            expected: Self::ALL.iter().map(|k| k.as_ref().to_owned()).collect(),
        })
    }
}

/// [`ClientOptions`] with every value parsed and checked: what a provider is built from.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_in_flight: usize,
    pub max_response_bytes: u64,
    pub requests_per_second: Option<u32>,
    pub user_agent: String,
    pub refresh_margin: Duration,
    pub retry: RetryConfig,
}

/// A vendor's defaults for the options that differ between vendors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VendorDefaults {
    pub timeout: Duration,
    pub refresh_margin: Duration,
    pub requests_per_second: Option<u32>,
}

impl ClientOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` from text, parsed when the provider is built (an error there names the key,
    /// or the origin given with [`with_origin`](Self::with_origin)).
    pub fn with_config(mut self, key: ClientConfigKey, value: impl Into<String>) -> Self {
        self.set_text(key, value.into(), None);
        self
    }

    /// Names where the value of `key` came from, for errors (`integrations.toml [[provider]]
    /// `prod` timeout`). Call it after the value is set.
    pub fn with_origin(mut self, key: ClientConfigKey, origin: impl Into<String>) -> Self {
        self.set_origin(key, origin.into());
        self
    }

    crate::setters::setters! {
        /// Time allowed for each request, from the moment it is sent (waiting for an in-flight
        /// slot or a login comes on top).
        pub fn with_timeout(timeout: Duration) => timeout = typed(timeout);

        /// Time allowed to connect (default 10 s).
        pub fn with_connect_timeout(timeout: Duration) => connect_timeout = typed(timeout);

        /// How many requests a provider sends at once (default 32); more callers wait for a
        /// slot, without a time limit of their own. A slot is held for the whole call, retries
        /// and their back-off included. Each request in flight holds one connection, so this also
        /// keeps the connections opened to the vendor near the bound. Zero is refused by `build`.
        pub fn with_max_in_flight(max: usize) => max_in_flight = typed(max);

        /// The most bytes of one response body read (default 512 MiB, room for a listing of
        /// 100,000 integrations); a longer body ends the call with
        /// [`Error::ResponseTooLarge`] instead of taking memory without bound. Zero is refused.
        pub fn with_max_response_bytes(max: u64) => max_response_bytes = typed(max);

        /// Paces calls under `rate` per second (Torq allows 50 per workspace and is paced so by
        /// default; Looker is not paced). Zero is refused.
        pub fn with_requests_per_second(rate: u32) => requests_per_second = typed(rate);

        /// The `User-Agent` header (default `integrations-rs/<version>`).
        pub fn with_user_agent(agent: impl Into<String>) => user_agent = typed(agent.into());

        /// How long before expiry a token is renewed.
        pub fn with_refresh_margin(margin: Duration) => refresh_margin = typed(margin);
    }

    /// The retry policy (see [`RetryConfig`]); `retry_max_attempts` and `retry_deadline` given
    /// as text override its fields.
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self.retry_max_attempts = None;
        self.retry_deadline = None;
        self
    }

    pub(crate) fn set_text(&mut self, key: ClientConfigKey, value: String, origin: Option<String>) {
        fn text<T>(value: String, origin: Option<String>) -> Option<Setting<T>>
        where
            T: Clone,
        {
            Some(Setting::text(value, origin))
        }
        match key {
            ClientConfigKey::Timeout => self.timeout = text(value, origin),
            ClientConfigKey::ConnectTimeout => self.connect_timeout = text(value, origin),
            ClientConfigKey::MaxInFlight => self.max_in_flight = text(value, origin),
            ClientConfigKey::MaxResponseBytes => self.max_response_bytes = text(value, origin),
            ClientConfigKey::RequestsPerSecond => self.requests_per_second = text(value, origin),
            ClientConfigKey::UserAgent => self.user_agent = text(value, origin),
            ClientConfigKey::RefreshMargin => self.refresh_margin = text(value, origin),
            ClientConfigKey::RetryMaxAttempts => self.retry_max_attempts = text(value, origin),
            ClientConfigKey::RetryDeadline => self.retry_deadline = text(value, origin),
        }
    }

    pub(crate) fn set_origin(&mut self, key: ClientConfigKey, origin: String) {
        fn set<T: Clone>(setting: &mut Option<Setting<T>>, origin: String) {
            if let Some(s) = setting {
                s.set_origin(origin);
            }
        }
        match key {
            ClientConfigKey::Timeout => set(&mut self.timeout, origin),
            ClientConfigKey::ConnectTimeout => set(&mut self.connect_timeout, origin),
            ClientConfigKey::MaxInFlight => set(&mut self.max_in_flight, origin),
            ClientConfigKey::MaxResponseBytes => set(&mut self.max_response_bytes, origin),
            ClientConfigKey::RequestsPerSecond => set(&mut self.requests_per_second, origin),
            ClientConfigKey::UserAgent => set(&mut self.user_agent, origin),
            ClientConfigKey::RefreshMargin => set(&mut self.refresh_margin, origin),
            ClientConfigKey::RetryMaxAttempts => set(&mut self.retry_max_attempts, origin),
            ClientConfigKey::RetryDeadline => set(&mut self.retry_deadline, origin),
        }
    }

    /// Every value parsed and checked, `name` giving each key's name for errors.
    pub(crate) fn resolve(
        &self,
        vendor: Vendor,
        defaults: VendorDefaults,
        name: impl Fn(ClientConfigKey) -> String,
    ) -> Result<Resolved> {
        use ClientConfigKey as K;
        let read = Read {
            vendor,
            name: &name,
        };
        let timeout = read.get(&self.timeout, K::Timeout, parse_duration)?;
        let connect_timeout = read.get(&self.connect_timeout, K::ConnectTimeout, parse_duration)?;
        let refresh_margin = read.get(&self.refresh_margin, K::RefreshMargin, parse_duration)?;
        let max_in_flight = read
            .get(&self.max_in_flight, K::MaxInFlight, parse_count)?
            .unwrap_or(DEFAULT_MAX_IN_FLIGHT);
        let max_response_bytes = read
            .get(&self.max_response_bytes, K::MaxResponseBytes, parse_count)?
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        let requests_per_second = read
            .get(&self.requests_per_second, K::RequestsPerSecond, parse_count)?
            .or(defaults.requests_per_second);
        let user_agent = read
            .get(&self.user_agent, K::UserAgent, |s| Ok(s.to_owned()))?
            .unwrap_or_else(|| concat!("integrations-rs/", env!("CARGO_PKG_VERSION")).to_owned());
        let mut retry = self.retry.clone();
        if let Some(attempts) =
            read.get(&self.retry_max_attempts, K::RetryMaxAttempts, parse_count)?
        {
            retry.max_attempts = attempts;
        }
        if let Some(deadline) = read.get(&self.retry_deadline, K::RetryDeadline, parse_duration)? {
            retry.deadline = deadline;
        }
        let zero = |key: K| Error::Config {
            vendor,
            setting: name(key),
            message: "must be at least 1".into(),
        };
        if max_in_flight == 0 {
            return Err(zero(K::MaxInFlight));
        }
        if max_response_bytes == 0 {
            return Err(zero(K::MaxResponseBytes));
        }
        if requests_per_second == Some(0) {
            return Err(zero(K::RequestsPerSecond));
        }
        if reqwest::header::HeaderValue::from_str(&user_agent).is_err() {
            return Err(Error::Config {
                vendor,
                setting: name(K::UserAgent),
                message: "is not a valid header value".into(),
            });
        }
        Ok(Resolved {
            timeout: timeout.unwrap_or(defaults.timeout),
            connect_timeout: connect_timeout.unwrap_or(Duration::from_secs(10)),
            max_in_flight,
            max_response_bytes,
            requests_per_second,
            user_agent,
            refresh_margin: refresh_margin.unwrap_or(defaults.refresh_margin),
            retry,
        })
    }

    /// Where the value of `key` came from, if said.
    pub(crate) fn origin(&self, key: ClientConfigKey) -> Option<&str> {
        fn of<T: Clone>(setting: &Option<Setting<T>>) -> Option<&str> {
            setting.as_ref().and_then(Setting::origin)
        }
        match key {
            ClientConfigKey::Timeout => of(&self.timeout),
            ClientConfigKey::ConnectTimeout => of(&self.connect_timeout),
            ClientConfigKey::MaxInFlight => of(&self.max_in_flight),
            ClientConfigKey::MaxResponseBytes => of(&self.max_response_bytes),
            ClientConfigKey::RequestsPerSecond => of(&self.requests_per_second),
            ClientConfigKey::UserAgent => of(&self.user_agent),
            ClientConfigKey::RefreshMargin => of(&self.refresh_margin),
            ClientConfigKey::RetryMaxAttempts => of(&self.retry_max_attempts),
            ClientConfigKey::RetryDeadline => of(&self.retry_deadline),
        }
    }
}

/// Reads the settings of one [`ClientOptions::resolve`], naming each key with `name`.
struct Read<'a, N> {
    vendor: Vendor,
    name: &'a N,
}

impl<N: Fn(ClientConfigKey) -> String> Read<'_, N> {
    /// The value of `setting`, when given, parsed with `parse` if it is text.
    fn get<T: Clone>(
        &self,
        setting: &Option<Setting<T>>,
        key: ClientConfigKey,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Result<Option<T>> {
        setting
            .as_ref()
            .map(|s| s.resolve(self.vendor, &(self.name)(key), parse))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: VendorDefaults = VendorDefaults {
        timeout: Duration::from_secs(120),
        refresh_margin: Duration::from_secs(10),
        requests_per_second: None,
    };

    fn resolve(options: &ClientOptions) -> Result<Resolved> {
        options.resolve(Vendor::Looker, DEFAULTS, |k| k.as_ref().to_owned())
    }

    #[test]
    fn keys_parse_from_their_short_names_in_any_case() {
        for key in ClientConfigKey::ALL {
            assert_eq!(key.as_ref().parse::<ClientConfigKey>().unwrap(), key);
            assert_eq!(
                key.as_ref()
                    .to_ascii_uppercase()
                    .parse::<ClientConfigKey>()
                    .unwrap(),
                key
            );
        }
        let e = "timeuot"
            .parse::<ClientConfigKey>()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("timeuot") && e.contains("connect_timeout"),
            "{e}"
        );
    }

    #[test]
    fn text_is_parsed_at_resolve_and_errors_name_the_origin() {
        let r = resolve(
            &ClientOptions::new()
                .with_config(ClientConfigKey::Timeout, "1.5")
                .with_config(ClientConfigKey::ConnectTimeout, "500ms")
                .with_config(ClientConfigKey::MaxInFlight, "8")
                .with_config(ClientConfigKey::RetryMaxAttempts, "2"),
        )
        .unwrap();
        assert_eq!(r.timeout, Duration::from_millis(1500));
        assert_eq!(r.connect_timeout, Duration::from_millis(500));
        assert_eq!(r.max_in_flight, 8);
        assert_eq!(r.retry.max_attempts, 2);
        assert_eq!(r.refresh_margin, DEFAULTS.refresh_margin);

        let e = resolve(
            &ClientOptions::new()
                .with_config(ClientConfigKey::MaxInFlight, "zero")
                .with_origin(ClientConfigKey::MaxInFlight, "file.toml max_in_flight"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "looker configuration: file.toml max_in_flight: `zero` is not a whole number of at least 1"
        );
        for (key, bad) in [
            (ClientConfigKey::Timeout, "-1"),
            (ClientConfigKey::Timeout, "0"),
            (ClientConfigKey::Timeout, "NaN"),
            (ClientConfigKey::MaxResponseBytes, "0"),
            (ClientConfigKey::UserAgent, "bad\nagent"),
        ] {
            let e = resolve(&ClientOptions::new().with_config(key, bad)).unwrap_err();
            assert!(e.to_string().contains(key.as_ref()), "{key}={bad:?}: {e}");
        }
        assert!(resolve(&ClientOptions::new().with_max_in_flight(0)).is_err());
    }
}
