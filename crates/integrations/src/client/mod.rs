//! What both vendor adapters share: the HTTP client, the token cache, the retry policy and the
//! transport that applies them to every request of a generated client.

pub(crate) mod call;
pub(crate) mod errors;
pub(crate) mod http;
pub(crate) mod limit;
pub(crate) mod pace;
pub(crate) mod records;
pub mod retry;
pub(crate) mod scope;
pub(crate) mod scrub;
pub(crate) mod token;
pub(crate) mod transport;

/// The process environment, without the variables whose name or value is not UTF-8 (which
/// `std::env::vars` would panic on); none of the settings read from it can be such.
pub(crate) fn utf8_vars() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
}

/// The client id `build` needs, trimmed: `missing` when none was given, a Config error naming
/// `setting` when it is blank.
pub(crate) fn required_id(
    vendor: crate::model::Vendor,
    id: Option<&str>,
    setting: String,
    missing: impl FnOnce() -> crate::error::Error,
) -> crate::error::Result<String> {
    match id.map(str::trim) {
        None => Err(missing()),
        Some("") => Err(empty(vendor, setting)),
        Some(id) => Ok(id.to_owned()),
    }
}

/// The client secret `build` needs: `missing` when none was given, a Config error naming
/// `setting` when it is blank.
pub(crate) fn required_secret(
    vendor: crate::model::Vendor,
    secret: Option<&std::sync::Arc<secrecy::SecretString>>,
    setting: String,
    missing: impl FnOnce() -> crate::error::Error,
) -> crate::error::Result<std::sync::Arc<secrecy::SecretString>> {
    use secrecy::ExposeSecret;
    match secret {
        None => Err(missing()),
        Some(secret) if secret.expose_secret().trim().is_empty() => Err(empty(vendor, setting)),
        Some(secret) => Ok(secret.clone()),
    }
}

fn empty(vendor: crate::model::Vendor, setting: String) -> crate::error::Error {
    crate::error::Error::Config {
        vendor,
        setting,
        message: "is empty".into(),
    }
}

/// The setters both vendors' configurations share: credentials, timeouts, retries, token
/// renewal and the provider's name. Expands inside `impl <Config>`; the struct has fields
/// `client_id`, `client_secret`, `timeout`, `connect_timeout`, `max_in_flight`,
/// `max_response_bytes`, `retry`,
/// `refresh_margin`, `name`, and `origin` indexed by `$key` (a setter makes the value its own:
/// errors name the setting again, not where an earlier value came from).
macro_rules! builder_setters {
    (key = $key:ident, timeout = $timeout:literal, refresh_margin = $margin:literal, name = $name:literal) => {
        /// The API key's client id.
        pub fn with_client_id(mut self, id: impl Into<String>) -> Self {
            self.client_id = Some(id.into());
            self.origin[$key::ClientId as usize] = None;
            self
        }

        /// The API key's client secret (kept in a `secrecy` box: never in `Debug` output).
        pub fn with_client_secret(mut self, secret: impl Into<String>) -> Self {
            self.client_secret = Some(std::sync::Arc::new(secrecy::SecretString::from(
                secret.into(),
            )));
            self.origin[$key::ClientSecret as usize] = None;
            self
        }

        #[doc = concat!("Time allowed for each request (default ", $timeout, ").")]
        ///
        /// It counts from the moment the request is sent: a call that waits for one of the
        /// provider's in-flight slots (see `with_max_in_flight`) or for a login waits longer.
        pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.timeout = timeout;
            self
        }

        /// Time allowed to connect (default 10 s).
        pub fn with_connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.connect_timeout = timeout;
            self
        }

        /// How many requests the provider sends at once (default 32); more callers wait for a
        /// slot, without a time limit of their own. A slot is held for the whole call, retries
        /// and their back-off included. Each request in flight holds one connection, so this
        /// also keeps the connections opened to the vendor near the bound (logins, and a spare
        /// connection hyper may open in a burst, come on top). Zero is refused by `build`.
        pub fn with_max_in_flight(mut self, max: usize) -> Self {
            self.max_in_flight = max;
            self
        }

        /// The most bytes of one response body the provider reads (default 512 MiB, room for a
        /// listing of 100,000 integrations); a longer body ends the call with
        /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) instead of taking memory
        /// without bound. Zero is refused by `build`.
        pub fn with_max_response_bytes(mut self, max: u64) -> Self {
            self.max_response_bytes = max;
            self
        }

        /// Retry policy (see [`RetryConfig`](crate::RetryConfig)).
        pub fn with_retry(mut self, retry: crate::RetryConfig) -> Self {
            self.retry = retry;
            self
        }

        #[doc = concat!("How long before expiry a token is renewed (default ", $margin, ").")]
        pub fn with_refresh_margin(mut self, margin: std::time::Duration) -> Self {
            self.refresh_margin = margin;
            self
        }

        /// Where the value of `key` came from (see `with_origin`), or else its variable.
        fn setting_name(&self, key: $key) -> String {
            self.origin[key as usize]
                .clone()
                .unwrap_or_else(|| key.as_ref().to_owned())
        }

        #[doc = concat!("The provider's name (default ", $name, ").")]
        pub fn with_name(mut self, name: impl Into<String>) -> Self {
            self.name = Some(name.into());
            self
        }
    };
}

pub(crate) use builder_setters;
