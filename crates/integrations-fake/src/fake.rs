//! [`FakeServer`]: what every fake is, whatever the vendor it plays: a server on loopback, the
//! API key it accepts, its [`Control`], the bodies it received, and the vendor's routes and data
//! as the parameter ([`Looker`](crate::Looker) or [`Torq`](crate::Torq)).

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use serde_json::Value;

use crate::control::Control;
use crate::server::Server;

pub(crate) use serve::{Common, Serve};

/// A vendor a [`FakeServer`] can play: [`Looker`](crate::Looker) (API 4.0) or
/// [`Torq`](crate::Torq) (API v1alpha). Sealed: the fakes of this crate are the only ones.
pub trait Vendor: Serve {
    /// What a fake of this vendor starts with: [`LookerSeed`](crate::LookerSeed) or
    /// [`TorqSeed`](crate::TorqSeed).
    type Seed;
    /// An integration as the vendor's generated client types it
    /// (`looker_api::types::Integration`, `torq_api::types::V1alphaIntegration`).
    type Integration;
}

/// The vendor-facing side of a fake, out of users' reach (a public trait in a private module
/// seals [`Vendor`]).
mod serve {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, MutexGuard};

    use axum::Router;
    use serde_json::Value;

    use super::Vendor;
    use crate::control::Control;

    /// What a fake server needs of its vendor: the vendor's state (the type implementing this
    /// trait), made from a seed, and its routes over that state.
    pub trait Serve: Send + Sync + Sized + 'static {
        /// The vendor's name, as logs say it: `Looker`, `Torq`.
        const NAME: &'static str;
        /// The state a fake starts with, from `seed`.
        fn new(seed: Self::Seed) -> Self
        where
            Self: Vendor;
        /// What every vendor's state holds.
        fn common(&self) -> &Common;
        /// The vendor's routes over this state.
        fn router(self: Arc<Self>) -> Router;
        /// The stored integration `id`, as the vendor names it.
        fn integration(&self, id: &str) -> Option<Self::Integration>
        where
            Self: Vendor;
        /// Every stored integration, in listing order.
        fn integrations(&self) -> Vec<Self::Integration>
        where
            Self: Vendor;
    }

    /// What every fake keeps, whatever the vendor: the one API key it accepts, its
    /// [`Control`], and the last body each operation received.
    #[derive(Debug)]
    pub struct Common {
        pub(crate) control: Arc<Control>,
        client_id: String,
        client_secret: String,
        bodies: Mutex<HashMap<String, Value>>,
    }

    impl Common {
        /// Accepts the API key `client_id`/`client_secret`; tokens live `token_lifetime_secs`.
        pub(crate) fn new(
            client_id: String,
            client_secret: String,
            token_lifetime_secs: i64,
        ) -> Self {
            Self {
                control: Arc::new(Control::new(token_lifetime_secs)),
                client_id,
                client_secret,
                bodies: Mutex::new(HashMap::new()),
            }
        }

        pub(crate) fn client_id(&self) -> &str {
            &self.client_id
        }

        pub(crate) fn client_secret(&self) -> &str {
            &self.client_secret
        }

        /// Whether `client_id` and `client_secret` are the API key the fake accepts.
        pub(crate) fn accepts(&self, client_id: &str, client_secret: &str) -> bool {
            client_id == self.client_id && client_secret == self.client_secret
        }

        /// Grants a token for a login that succeeded and counts the login: the token and its
        /// lifetime in seconds.
        pub(crate) fn log_in(&self) -> (String, i64) {
            let granted = self.control.tokens.grant("");
            self.control.count_login();
            granted
        }

        fn bodies(&self) -> MutexGuard<'_, HashMap<String, Value>> {
            self.bodies.lock().unwrap_or_else(|e| e.into_inner())
        }

        /// Keeps `body` as the last body received by `operation_id`.
        pub(crate) fn record_body(&self, operation_id: &str, body: Value) {
            self.bodies().insert(operation_id.to_owned(), body);
        }

        /// The last body received by `operation_id`.
        pub(crate) fn last_body(&self, operation_id: &str) -> Option<Value> {
            self.bodies().get(operation_id).cloned()
        }
    }
}

/// A running fake server of vendor `V`, bound to loopback (or the address it was given):
/// [`LookerFake`](crate::LookerFake) is `FakeServer<Looker>`, [`TorqFake`](crate::TorqFake)
/// `FakeServer<Torq>`. Cheap to clone; the server stops when the last clone is dropped, or on
/// [`shutdown`](Self::shutdown).
pub struct FakeServer<V: Vendor> {
    inner: Arc<Running<V>>,
}

struct Running<V: Vendor> {
    server: Server,
    state: Arc<V>,
}

impl<V: Vendor> Clone for FakeServer<V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<V: Vendor> fmt::Debug for FakeServer<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = format!("{}Fake", V::NAME);
        f.debug_struct(&name)
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl<V: Vendor> FakeServer<V> {
    /// Starts a fake on `127.0.0.1` with an ephemeral port.
    pub async fn start(seed: V::Seed) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), seed).await
    }

    /// Starts a fake listening on `addr` (port 0: an ephemeral port).
    pub async fn start_on(addr: SocketAddr, seed: V::Seed) -> std::io::Result<Self> {
        let state = Arc::new(V::new(seed));
        let control = state.common().control.clone();
        let server = Server::start(addr, state.clone().router(), control).await?;
        tracing::info!(base_url = %format!("http://{}", server.addr()), "{} fake listening", V::NAME);
        Ok(Self {
            inner: Arc::new(Running { server, state }),
        })
    }

    fn common(&self) -> &Common {
        self.inner.state.common()
    }

    pub(crate) fn state(&self) -> &V {
        &self.inner.state
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.server.addr()
    }

    /// `http://127.0.0.1:PORT`. For Looker, the instance URL without `/api/4.0`: what
    /// `LOOKERSDK_BASE_URL` holds (Looker's SDKs append the API path; see
    /// [`LookerFake::api_url`](crate::LookerFake::api_url)). For Torq, the API's base URL
    /// (Torq's is `https://api.torq.io`), the list being at `/v1alpha/integrations` under it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The client id of the API key that logs in (Looker) or gets tokens (Torq).
    pub fn client_id(&self) -> &str {
        self.common().client_id()
    }

    /// The client secret of that API key.
    pub fn client_secret(&self) -> &str {
        self.common().client_secret()
    }

    /// Fault injection and counters of this fake.
    pub fn control(&self) -> &Control {
        &self.common().control
    }

    /// The stored integration `id`, secret values included (the wire never shows them). A
    /// Looker id is `hub::name`; a Torq id a UUID, in any case.
    pub fn integration(&self, id: &str) -> Option<V::Integration> {
        self.state().integration(id)
    }

    /// Every stored integration, in listing order, secret values included.
    pub fn integrations(&self) -> Vec<V::Integration> {
        self.state().integrations()
    }

    /// The last body received by `operation_id` as it came: JSON as JSON (with the value of a
    /// hub's `authorization_token` replaced by `"[redacted]"`), and for the form of a login
    /// (Looker's `login`, Torq's `create_token`) an object of its fields (strings).
    pub fn last_request_body(&self, operation_id: &str) -> Option<Value> {
        self.common().last_body(operation_id)
    }

    /// Sets the lifetime (`expires_in`, seconds) of tokens granted from now on; zero or less
    /// grants tokens that are already expired. Default: the vendor's
    /// ([`looker::DEFAULT_TOKEN_LIFETIME_SECS`](crate::looker::DEFAULT_TOKEN_LIFETIME_SECS),
    /// [`torq::DEFAULT_TOKEN_LIFETIME_SECS`](crate::torq::DEFAULT_TOKEN_LIFETIME_SECS)).
    pub fn set_token_lifetime(&self, secs: i64) {
        self.control().tokens.set_lifetime_secs(secs);
    }

    /// Stops the server: no new connections, open ones closed. Every clone of the handle is
    /// stopped; returns once the port is released.
    pub async fn shutdown(&self) {
        self.inner.server.shutdown().await;
    }
}
