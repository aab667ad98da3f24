//! An in-memory provider: a test double with the vendors' semantics, so that code written
//! against [`IntegrationProvider`] can be tested without a server.
//!
//! [`InMemoryProvider`] plays Looker or Torq. It offers what the vendor offers (Torq: listing
//! only), refuses unknown and foreign ids as the real providers do, applies an
//! [`IntegrationPatch`] as Looker does, never returns a sensitive value, and tests an
//! integration as Looker's hub would. Tests read its state back, count its calls and make the
//! next call of an operation fail with an error of their choice.
//!
//! ```
//! use integrations::memory::InMemoryProvider;
//! use integrations::{
//!     Error, IntegrationPatch, IntegrationProvider, ListFilter, Operation, ParamChange, Vendor,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let looker = InMemoryProvider::from_json(
//!     Vendor::Looker,
//!     r#"[{"id": "looker:1::slack", "name": "Slack", "enabled": false, "kind": "1",
//!          "parameters": [{"name": "token", "label": "Token", "required": true}]}]"#,
//! )?;
//! let slack = "looker:1::slack".parse()?;
//! assert!(!looker.test(&slack).await?.success, "the required token has no value yet");
//!
//! let patch = IntegrationPatch::new().enabled(true).param("token", ParamChange::set("xoxb-1"));
//! let updated = looker.update(&slack, &patch).await?;
//! assert_eq!(updated.enabled, Some(true));
//! assert!(updated.parameters[0].has_value);
//! assert_eq!(updated.parameters[0].value, None, "a sensitive value is never returned");
//! assert!(looker.test(&slack).await?.success);
//! assert_eq!(looker.calls(Operation::Test), 2);
//!
//! // The next listing fails, the one after works again.
//! looker.fail_next(
//!     Operation::List,
//!     Error::RateLimited { vendor: Vendor::Looker, operation: Operation::List, retry_after: None },
//! );
//! assert!(matches!(looker.list(&ListFilter::all()).await, Err(Error::RateLimited { .. })));
//! assert_eq!(looker.list(&ListFilter::all()).await?.integrations.len(), 1);
//! # Ok(()) }
//! ```

mod record;
mod seed;
mod semantics;

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use secrecy::SecretString;

use crate::error::{Error, Operation, Result};
use crate::listing::Listing;
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter, TestOutcome, Vendor};
use crate::provider::{Capabilities, IntegrationProvider, own_id};

pub use seed::SeedError;

/// A provider whose integrations live in memory: a stand-in for a Looker instance or a Torq
/// workspace in tests (see the [module documentation](self) for an example).
///
/// Its semantics follow the vendor it plays:
///
/// - **capabilities**: Looker lists, gets, updates, tests and logs out; Torq lists and gets (by
///   listing), and answers [`Error::Unsupported`] to the rest, as [`TorqProvider`] does;
/// - **ids**: an unknown id is [`Error::NotFound`], an id of the other vendor
///   [`Error::InvalidId`];
/// - **listing**: in the order the integrations were seeded, filtered by [`ListFilter::kind`];
/// - **update** (Looker), as Looker applies a PATCH: `enabled` when set; a parameter's value set,
///   cleared ([`ParamChange::clear`], or set to `""`) or left; its user attribute bound or
///   unbound; the delegate OAuth targets replaced or removed. A parameter the integration does
///   not have, or targets for an integration without delegate OAuth
///   (`"delegate_oauth": true` in its raw record), is refused with [`Error::Validation`] naming
///   each field (`params[i].name`, `i` counting the patch's parameters in name order), and
///   nothing changes;
/// - **secrets**: the value of a sensitive parameter is never returned (`value: None`,
///   `has_value: true`), neither in the raw record nor in `Debug` output; tests that must check
///   it read it with [`param_value`](Self::param_value);
/// - **test** (Looker), as Looker's hub would: it fails when a required parameter has neither a
///   value nor a user attribute, or when a delegate-OAuth integration has no target installed;
/// - **logout** (Looker) succeeds: there is no session to end.
///
/// Clones share the same integrations, counters and queued failures (as do `Arc`s of one
/// provider); [`fork`](Self::fork) makes an independent copy.
///
/// [`TorqProvider`]: crate::TorqProvider
/// [`ParamChange::clear`]: crate::ParamChange::clear
#[derive(Debug, Clone)]
pub struct InMemoryProvider {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    vendor: Vendor,
    name: String,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// In the order they were seeded.
    entries: Vec<Entry>,
    calls: BTreeMap<Operation, u64>,
    failures: BTreeMap<Operation, VecDeque<Error>>,
}

/// One integration as kept: its model without secrets, and the secrets beside it.
#[derive(Debug, Clone)]
struct Entry {
    /// As returned: no sensitive value, in the model or in the raw record.
    integration: Integration,
    /// The values of sensitive parameters, by parameter name.
    secrets: BTreeMap<String, SecretString>,
}

impl InMemoryProvider {
    /// A provider of `vendor` without integrations, named `<vendor>@memory`.
    pub fn new(vendor: Vendor) -> Self {
        Self::with_entries(vendor, default_name(vendor), Vec::new())
    }

    /// A builder, to seed integrations from code or JSON and choose a name.
    ///
    /// ```
    /// use integrations::memory::InMemoryProvider;
    /// use integrations::{Integration, IntegrationProvider, Vendor};
    ///
    /// let mut webhook = Integration::new("torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a".parse()?, "Alerts");
    /// webhook.kind = Some("webhook".into());
    /// let torq = InMemoryProvider::builder(Vendor::Torq)
    ///     .with_name("torq@test")
    ///     .with_integration(webhook)
    ///     .build()?;
    /// assert_eq!(torq.name(), "torq@test");
    /// assert_eq!(torq.integrations().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(vendor: Vendor) -> InMemoryBuilder {
        InMemoryBuilder {
            vendor,
            name: None,
            seeds: Vec::new(),
        }
    }

    /// A provider of `vendor` seeded from `json`: an array of integrations in the facade's JSON
    /// shape (what `serde_json` makes of [`Integration`]), named `<vendor>@memory`. See
    /// [`InMemoryBuilder::with_json`] for what may be left out.
    pub fn from_json(vendor: Vendor, json: &str) -> Result<Self, SeedError> {
        Self::builder(vendor).with_json(json).build()
    }

    fn with_entries(vendor: Vendor, name: String, entries: Vec<Entry>) -> Self {
        Self {
            shared: Arc::new(Shared {
                vendor,
                name,
                state: Mutex::new(State {
                    entries,
                    ..State::default()
                }),
            }),
        }
    }

    /// An independent copy: the same integrations, no calls counted, no failures queued.
    pub fn fork(&self) -> Self {
        let entries = self.state().entries.clone();
        Self::with_entries(self.shared.vendor, self.shared.name.clone(), entries)
    }

    /// Every integration, as [`list`](IntegrationProvider::list) would return them (no sensitive
    /// value), without counting a call.
    pub fn integrations(&self) -> Vec<Integration> {
        self.state()
            .entries
            .iter()
            .map(|e| e.integration.clone())
            .collect()
    }

    /// The value of parameter `name` of integration `id`, sensitive or not; `None` when either
    /// does not exist or the parameter has no value (or a value the provider was never told,
    /// such as a secret of an integration seeded with `has_value: true` only).
    pub fn param_value(&self, id: &IntegrationId, name: &str) -> Option<SecretString> {
        let state = self.state();
        let entry = state.entries.iter().find(|e| &e.integration.id == id)?;
        if let Some(secret) = entry.secrets.get(name) {
            return Some(secret.clone());
        }
        let param = entry
            .integration
            .parameters
            .iter()
            .find(|p| p.name == name)?;
        param.value.clone().map(SecretString::from)
    }

    /// How many calls of `operation` the provider received, failed ones included
    /// ([`Operation::Login`] is never called: there is nothing to log in to).
    pub fn calls(&self, operation: Operation) -> u64 {
        self.state().calls.get(&operation).copied().unwrap_or(0)
    }

    /// Makes the next call of `operation` fail with `error`, before it looks at its arguments
    /// and without changing anything. Failures queue: each call takes the oldest.
    pub fn fail_next(&self, operation: Operation, error: Error) {
        self.state()
            .failures
            .entry(operation)
            .or_default()
            .push_back(error);
    }

    /// The state, whatever a panicking thread left it as (no code here panics holding it).
    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts a call of `operation` and returns the state, or the failure queued for it, or
    /// [`Error::Unsupported`] when the vendor lacks the operation.
    fn begin(&self, operation: Operation) -> Result<MutexGuard<'_, State>> {
        let mut state = self.state();
        *state.calls.entry(operation).or_default() += 1;
        if let Some(error) = state
            .failures
            .get_mut(&operation)
            .and_then(VecDeque::pop_front)
        {
            return Err(error);
        }
        if !self.capabilities().supports(operation) {
            return Err(Error::Unsupported {
                vendor: self.shared.vendor,
                operation,
            });
        }
        Ok(state)
    }

    fn not_found(&self, operation: Operation, vendor_id: &str) -> Error {
        Error::NotFound {
            vendor: self.shared.vendor,
            operation,
            id: vendor_id.to_owned(),
        }
    }
}

impl State {
    fn position(&self, id: &IntegrationId) -> Option<usize> {
        self.entries.iter().position(|e| &e.integration.id == id)
    }
}

fn default_name(vendor: Vendor) -> String {
    format!("{vendor}@memory")
}

#[async_trait]
impl IntegrationProvider for InMemoryProvider {
    fn vendor(&self) -> Vendor {
        self.shared.vendor
    }

    fn name(&self) -> &str {
        &self.shared.name
    }

    // The vendor's provider's, without hubs (this provider has none).
    fn capabilities(&self) -> Capabilities {
        Capabilities::of_vendor(self.shared.vendor).with_hubs(false)
    }

    async fn list(&self, filter: &ListFilter) -> Result<Listing> {
        let state = self.begin(Operation::List)?;
        let integrations = state
            .entries
            .iter()
            .filter(|e| {
                filter
                    .kind
                    .as_deref()
                    .is_none_or(|kind| e.integration.kind.as_deref() == Some(kind))
            })
            .map(|e| e.integration.clone())
            .collect();
        Ok(Listing::new(integrations, Vec::new()))
    }

    async fn get(&self, id: &IntegrationId) -> Result<Integration> {
        let state = self.begin(Operation::Get)?;
        let vendor_id = own_id(self.shared.vendor, id)?;
        match state.position(id) {
            Some(at) => Ok(state.entries[at].integration.clone()),
            None => Err(self.not_found(Operation::Get, vendor_id)),
        }
    }

    async fn update(&self, id: &IntegrationId, patch: &IntegrationPatch) -> Result<Integration> {
        let mut state = self.begin(Operation::Update)?;
        let vendor_id = own_id(self.shared.vendor, id)?;
        let Some(at) = state.position(id) else {
            return Err(self.not_found(Operation::Update, vendor_id));
        };
        let updated =
            semantics::update(&state.entries[at], patch).map_err(|errors| Error::Validation {
                vendor: self.shared.vendor,
                operation: Operation::Update,
                message: semantics::VALIDATION_FAILED.into(),
                errors,
            })?;
        let integration = updated.integration.clone();
        state.entries[at] = updated;
        Ok(integration)
    }

    async fn test(&self, id: &IntegrationId) -> Result<TestOutcome> {
        let state = self.begin(Operation::Test)?;
        let vendor_id = own_id(self.shared.vendor, id)?;
        match state.position(id) {
            Some(at) => Ok(semantics::test(&state.entries[at].integration)),
            None => Err(self.not_found(Operation::Test, vendor_id)),
        }
    }

    /// There is no session to end: Looker's succeeds, Torq's is [`Error::Unsupported`].
    async fn logout(&self) -> Result<()> {
        self.begin(Operation::Logout).map(drop)
    }

    /// The in-memory double has no hubs (for either vendor).
    fn hubs(&self) -> Option<&dyn crate::hubs::IntegrationHubs> {
        None
    }
}

/// Seeds an [`InMemoryProvider`]: its name and integrations, given in code or as JSON. Made by
/// [`InMemoryProvider::builder`]; nothing is checked until [`build`](Self::build).
#[derive(Clone)]
pub struct InMemoryBuilder {
    vendor: Vendor,
    name: Option<String>,
    seeds: Vec<Seed>,
}

#[derive(Clone)]
enum Seed {
    Integration(Box<Integration>),
    Json(String),
}

/// Neither seeded integrations nor JSON documents are shown: they may hold secrets.
impl fmt::Debug for InMemoryBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let documents = self
            .seeds
            .iter()
            .filter(|s| matches!(s, Seed::Json(_)))
            .count();
        f.debug_struct("InMemoryBuilder")
            .field("vendor", &self.vendor)
            .field("name", &self.name)
            .field("integrations", &(self.seeds.len() - documents))
            .field("json_documents", &documents)
            .finish()
    }
}

impl InMemoryBuilder {
    /// Names the provider (default: `<vendor>@memory`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds `integration`. The value of a sensitive parameter is kept apart, never returned;
    /// so is every secret-bearing member of its raw record.
    pub fn with_integration(mut self, integration: Integration) -> Self {
        self.seeds.push(Seed::Integration(Box::new(integration)));
        self
    }

    /// Adds each of `integrations`, in order.
    pub fn with_integrations(
        mut self,
        integrations: impl IntoIterator<Item = Integration>,
    ) -> Self {
        self.seeds.extend(
            integrations
                .into_iter()
                .map(|i| Seed::Integration(Box::new(i))),
        );
        self
    }

    /// Adds the integrations of `json`, in order: an array of integrations in the facade's JSON
    /// shape (as `serde_json` writes an [`Integration`]). Left out, `parameters` is empty and
    /// `raw` is `{}`; a parameter's `required` and `per_user` are `false`, its `sensitive` is
    /// `true` (as Looker has it) and its `has_value` says whether it has a `value`.
    pub fn with_json(mut self, json: impl Into<String>) -> Self {
        self.seeds.push(Seed::Json(json.into()));
        self
    }

    /// The provider, or what is wrong with the first faulty integration: not JSON or not of the
    /// facade's shape, an id of another vendor, an id given twice, a parameter name given twice
    /// in one integration, a raw record that is not a JSON object. Integrations are numbered
    /// from 0 in the order they were given, the elements of a JSON document one by one.
    pub fn build(self) -> Result<InMemoryProvider, SeedError> {
        let mut entries = Vec::new();
        for seed in self.seeds {
            let integrations = match seed {
                Seed::Integration(integration) => vec![*integration],
                Seed::Json(json) => seed::parse(&json, entries.len())?,
            };
            for integration in integrations {
                let entry = seed::entry(self.vendor, entries.len(), integration, &entries)?;
                entries.push(entry);
            }
        }
        let name = self.name.unwrap_or_else(|| default_name(self.vendor));
        Ok(InMemoryProvider::with_entries(self.vendor, name, entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_shareable<T: Send + Sync + fmt::Debug + Clone + 'static>() {}

    #[test]
    fn the_provider_is_shareable_and_clones_share_state_while_forks_do_not() {
        assert_shareable::<InMemoryProvider>();
        assert_shareable::<InMemoryBuilder>();
        let provider = InMemoryProvider::from_json(
            Vendor::Torq,
            r#"[{"id": "torq:a", "name": "A", "kind": "webhook"}]"#,
        )
        .unwrap();
        let clone = provider.clone();
        let fork = provider.fork();
        clone.fail_next(
            Operation::List,
            Error::InvalidId {
                input: "x".into(),
                reason: "y".into(),
            },
        );
        assert!(Arc::ptr_eq(&provider.shared, &clone.shared));
        assert_eq!(provider.state().failures[&Operation::List].len(), 1);
        assert!(fork.state().failures.is_empty());
        assert_eq!(fork.integrations(), provider.integrations());
        assert_eq!(fork.name(), "torq@memory");
    }

    #[test]
    fn the_builder_does_not_show_what_it_was_given() {
        let builder = InMemoryProvider::builder(Vendor::Looker)
            .with_json(r#"[{"id": "looker:1", "name": "x", "parameters": [{"name": "t", "value": "hunter2"}]}]"#);
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("json_documents: 1"), "{shown}");
    }
}
