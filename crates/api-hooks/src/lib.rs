//! The seam between the generated vendor clients (`looker-api`, `torq-api`) and the code that
//! drives them.
//!
//! progenitor generates each client with an inner value of type [`Hooks`] and calls
//! [`ClientHooks::exec`](progenitor_client::ClientHooks::exec) for every request. With
//! [`Hooks::default()`] a request simply goes through the client's `reqwest::Client`; with
//! [`Hooks::new`] it goes through a [`Transport`] of your own, which is where the facade adds
//! authentication, retries and tracing without touching generated code.
//!
//! ```
//! use std::sync::Arc;
//! use api_hooks::{Hooks, ResponseFuture, Transport};
//!
//! /// Adds a header to every request.
//! #[derive(Debug)]
//! struct Tagged;
//!
//! impl Transport for Tagged {
//!     fn execute<'a>(
//!         &'a self,
//!         client: &'a reqwest::Client,
//!         mut request: reqwest::Request,
//!         _operation_id: &'static str,
//!     ) -> ResponseFuture<'a> {
//!         request.headers_mut().insert("x-caller", "docs".parse().unwrap());
//!         Box::pin(client.execute(request))
//!     }
//! }
//!
//! let hooks = Hooks::new(Arc::new(Tagged));
//! assert!(format!("{hooks:?}").contains("Tagged"));
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

#[doc(hidden)]
pub use progenitor_client;

/// The future a [`Transport`] returns.
pub type ResponseFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// Sends the requests of a generated client.
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Sends `request` (built by the generated method for `operation_id`, e.g. `all_integrations`)
    /// and returns the response. `client` is the generated client's `reqwest::Client`.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> ResponseFuture<'a>;
}

/// The inner value of every generated client: how its requests are sent.
#[derive(Clone, Default)]
pub struct Hooks {
    transport: Option<Arc<dyn Transport>>,
}

impl Hooks {
    /// Sends every request through `transport`.
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport: Some(transport),
        }
    }

    /// Sends `request` through the transport, or straight through `client` when there is none.
    pub async fn exec(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.transport {
            Some(transport) => transport.execute(client, request, operation_id).await,
            None => client.execute(request).await,
        }
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.transport {
            Some(t) => f.debug_tuple("Hooks").field(t).finish(),
            None => f.write_str("Hooks(direct)"),
        }
    }
}

/// Implements progenitor's `ClientHooks<Hooks>` for a generated `Client`, routing every request
/// through its [`Hooks`]. Each generated crate invokes it once beside its generated module.
#[macro_export]
macro_rules! impl_client_hooks {
    ($client:ty) => {
        impl $crate::progenitor_client::ClientHooks<$crate::Hooks> for $client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &$crate::progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use $crate::progenitor_client::ClientInfo;
                self.inner()
                    .exec(self.client(), request, info.operation_id)
                    .await
            }
        }
    };
}
