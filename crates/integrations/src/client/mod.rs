//! What both vendor adapters share: the HTTP client, the token cache, the retry policy and the
//! transport that applies them to every request of a generated client.

pub(crate) mod call;
pub(crate) mod elements;
pub(crate) mod errors;
pub(crate) mod http;
pub(crate) mod limit;
pub mod options;
pub(crate) mod pace;
pub(crate) mod records;
pub mod retry;
pub(crate) mod scope;
pub(crate) mod scrub;
pub(crate) mod token;
pub(crate) mod transport;

use crate::error::Operation;

/// The process environment, without the variables whose name or value is not UTF-8 (which
/// `std::env::vars` would panic on); none of the settings read from it can be such.
pub(crate) fn utf8_vars() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
}

/// What a vendor's provider holds besides its generated client: its name, its token cache and
/// the calls it makes.
#[derive(Debug)]
pub(crate) struct Session {
    /// The provider's name.
    pub name: String,
    /// Its tokens.
    pub auth: std::sync::Arc<token::TokenCache>,
    /// Its calls, bounded by its in-flight setting.
    calls: call::Calls,
}

impl Session {
    /// A call of the provider (see [`Calls::call`](call::Calls::call)).
    pub(crate) fn call<'a>(&'a self, operation: Operation, id: Option<&'a str>) -> call::Call<'a> {
        self.calls.call(operation, id)
    }

    /// How many logins the provider made.
    pub(crate) fn logins(&self) -> u64 {
        self.auth.logins()
    }
}

/// What every provider is built from: its HTTP client, the secrets its session knows, and its
/// options, parsed. The one construction path of every vendor's provider.
#[derive(Debug)]
pub(crate) struct Setup {
    vendor: crate::model::Vendor,
    /// The HTTP client every request of the provider goes through.
    pub http: reqwest::Client,
    secrets: scrub::Secrets,
    options: options::Resolved,
}

impl Setup {
    /// The setup of a `vendor` provider whose API key's secret is `client_secret`.
    pub(crate) fn new(
        vendor: crate::model::Vendor,
        options: &options::Resolved,
        verify_tls: bool,
        client_secret: &secrecy::SecretString,
    ) -> crate::error::Result<Self> {
        Ok(Self {
            vendor,
            http: http::client(vendor, options, verify_tls)?,
            secrets: scrub::Secrets::new([client_secret.clone()]),
            options: options.clone(),
        })
    }

    /// A transport that authenticates with `auth`; paced as the options say when `paced`.
    pub(crate) fn transport(
        &self,
        auth: transport::Auth,
        paced: bool,
    ) -> std::sync::Arc<transport::VendorTransport> {
        std::sync::Arc::new(transport::VendorTransport {
            vendor: self.vendor,
            auth,
            retry: self.options.retry.clone(),
            pacer: self
                .options
                .requests_per_second
                .filter(|_| paced)
                .map(pace::Pacer::per_second),
            max_response_bytes: self.options.max_response_bytes,
        })
    }

    /// A generated client at `url` (`new` is its `new_with_client`) whose requests go through
    /// [`transport`](Self::transport)`(auth, paced)`.
    pub(crate) fn client<C>(
        &self,
        new: fn(&str, reqwest::Client, api_hooks::Hooks) -> C,
        url: &str,
        auth: transport::Auth,
        paced: bool,
    ) -> C {
        new(
            url,
            self.http.clone(),
            api_hooks::Hooks::new(self.transport(auth, paced)),
        )
    }

    /// The session of the provider `name`, logging in with `login`.
    pub(crate) fn session(&self, name: String, login: impl token::Login) -> Session {
        Session {
            name,
            auth: std::sync::Arc::new(token::TokenCache::new(
                login,
                self.options.refresh_margin,
                self.secrets.clone(),
            )),
            calls: self.calls_bounded(self.options.max_in_flight),
        }
    }

    /// The calls of its logins: single-flight already, their own slot hands the connection
    /// back to the pool before the calls that waited for the token go.
    pub(crate) fn login_calls(&self) -> call::Calls {
        self.calls_bounded(1)
    }

    fn calls_bounded(&self, max: usize) -> call::Calls {
        call::Calls::new(
            self.vendor,
            limit::InFlight::new(max),
            self.secrets.clone(),
            self.options.max_response_bytes,
        )
    }
}
