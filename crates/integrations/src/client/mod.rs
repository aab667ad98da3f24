//! What both vendor adapters share: the HTTP client, the token cache, the retry policy and the
//! transport that applies them to every request of a generated client.

pub(crate) mod errors;
pub(crate) mod http;
pub(crate) mod pace;
pub mod retry;
pub(crate) mod token;
pub(crate) mod transport;
