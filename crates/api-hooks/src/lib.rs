//! The seam between the generated vendor clients (`looker-api`, `torq-api`) and the code that
//! drives them.
//!
//! progenitor generates each client with an inner value of type [`Hooks`] and calls, for every
//! request, [`ClientHooks::pre`](progenitor_client::ClientHooks::pre) once the request is built
//! and [`ClientHooks::exec`](progenitor_client::ClientHooks::exec) to send it. With
//! [`Hooks::default()`] a request simply goes through the client's `reqwest::Client`; with
//! [`Hooks::new`] it goes through a [`Transport`] of your own, which is where the facade adds
//! authentication, retries and tracing without touching generated code.
//!
//! [`Transport::prepare`] runs in `pre` and may fail: a credential that cannot be obtained stops
//! the call before anything is sent, and the generated method returns
//! `progenitor_client::Error::Custom` with the [`PrepareError`]'s message (the transport keeps the
//! typed cause for its caller).
//!
//! ```
//! use std::sync::Arc;
//! use api_hooks::{Hooks, PrepareFuture, ResponseFuture, Transport};
//!
//! /// Adds a header to every request.
//! #[derive(Debug)]
//! struct Tagged;
//!
//! impl Transport for Tagged {
//!     fn prepare<'a>(
//!         &'a self,
//!         request: &'a mut reqwest::Request,
//!         _operation_id: &'static str,
//!     ) -> PrepareFuture<'a> {
//!         request.headers_mut().insert("x-caller", "docs".parse().unwrap());
//!         Box::pin(async { Ok(()) })
//!     }
//!
//!     fn execute<'a>(
//!         &'a self,
//!         client: &'a reqwest::Client,
//!         request: reqwest::Request,
//!         _operation_id: &'static str,
//!     ) -> ResponseFuture<'a> {
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

/// The future [`Transport::prepare`] returns.
pub type PrepareFuture<'a> = Pin<Box<dyn Future<Output = Result<(), PrepareError>> + Send + 'a>>;

/// Why a request could not be prepared (for example: no credential could be obtained). The
/// generated method returns it as `progenitor_client::Error::Custom(message)`; its message must
/// not hold a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareError {
    message: String,
}

impl PrepareError {
    /// A failure described by `message` (no secret in it).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PrepareError {}

/// Prepares and sends the requests of a generated client.
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Completes `request` (built by the generated method for `operation_id`) before it is
    /// sent, e.g. with its credentials; an error ends the call with nothing sent.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> PrepareFuture<'a>;

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

    /// Prepares `request` with the transport; without one there is nothing to do.
    pub async fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation_id: &'static str,
    ) -> Result<(), PrepareError> {
        match &self.transport {
            Some(transport) => transport.prepare(request, operation_id).await,
            None => Ok(()),
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
/// through its [`Hooks`]: `pre` runs [`Transport::prepare`], `exec` [`Transport::execute`]. Each
/// generated crate invokes it once beside its generated module.
#[macro_export]
macro_rules! impl_client_hooks {
    ($client:ty) => {
        impl $crate::progenitor_client::ClientHooks<$crate::Hooks> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &$crate::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::progenitor_client::Error<E>> {
                use $crate::progenitor_client::ClientInfo;
                self.inner()
                    .prepare(request, info.operation_id)
                    .await
                    .map_err(|e| $crate::progenitor_client::Error::Custom(e.to_string()))
            }

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
