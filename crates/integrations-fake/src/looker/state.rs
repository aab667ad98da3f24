//! [`Looker`]: what a Looker fake keeps and its routes share (the common part of every fake,
//! and the store of integration hubs and integrations).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::Router;
use looker_api::types::Integration;

use super::DEFAULT_TOKEN_LIFETIME_SECS;
use super::hubs::StoredHub;
use super::routes;
use super::seed::{LookerSeed, settle_values};
use crate::fake::{Common, Serve};

/// The integration hubs and integrations of the fake, in listing order, with an index of the
/// integrations by id.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) hubs: Vec<StoredHub>,
    /// The id of the next hub created.
    pub(crate) next_hub_id: u64,
    pub(crate) integrations: Vec<Integration>,
    index: HashMap<String, usize>,
}

impl Store {
    /// Rebuilds the index after integrations were added or removed.
    pub(crate) fn reindex(&mut self) {
        self.index.clear();
        for (position, integration) in self.integrations.iter().enumerate() {
            if let Some(id) = &integration.id {
                self.index.entry(id.clone()).or_insert(position);
            }
        }
    }
}

/// Looker, as a [`FakeServer`](crate::FakeServer) plays it: what the fake keeps (its API key,
/// control, integration hubs and integrations) and serves. [`LookerFake`](super::LookerFake) is
/// `FakeServer<Looker>`; nothing else makes one.
#[derive(Debug)]
pub struct Looker {
    pub(crate) common: Common,
    store: RwLock<Store>,
}

impl Serve for Looker {
    const NAME: &'static str = "Looker";

    fn new(seed: LookerSeed) -> Self {
        let mut integrations = seed.integrations;
        settle_values(&mut integrations);
        let hubs: Vec<StoredHub> = seed.hubs.into_iter().map(StoredHub::stored).collect();
        let next_hub_id = hubs
            .iter()
            .filter_map(|h| h.id()?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let mut store = Store {
            hubs,
            next_hub_id,
            integrations,
            index: HashMap::new(),
        };
        store.reindex();
        Self {
            common: Common::new(
                seed.client_id,
                seed.client_secret,
                DEFAULT_TOKEN_LIFETIME_SECS,
            ),
            store: RwLock::new(store),
        }
    }

    fn common(&self) -> &Common {
        &self.common
    }

    fn router(self: Arc<Self>) -> Router {
        routes::router(self)
    }

    /// The stored integration `id`, secrets included.
    fn integration(&self, id: &str) -> Option<Integration> {
        let store = self.store();
        let position = *store.index.get(id)?;
        store.integrations.get(position).cloned()
    }

    fn integrations(&self) -> Vec<Integration> {
        self.with_integrations(<[Integration]>::to_vec)
    }
}

impl Looker {
    fn store(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` over every hub, in listing order.
    pub(crate) fn with_hubs<T>(&self, f: impl FnOnce(&[StoredHub]) -> T) -> T {
        f(&self.store().hubs)
    }

    /// The stored hub `id`.
    pub(crate) fn hub(&self, id: &str) -> Option<StoredHub> {
        self.store().hub(id).cloned()
    }

    /// Runs `f` on the store, to change it.
    pub(crate) fn with_store_mut<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.store.write().unwrap_or_else(|e| e.into_inner()))
    }

    /// Runs `f` over every integration, in listing order.
    pub(crate) fn with_integrations<T>(&self, f: impl FnOnce(&[Integration]) -> T) -> T {
        f(&self.store().integrations)
    }

    /// Replaces integration `id` by what `change` makes of it, if `change` succeeds; `None` when
    /// there is no such integration.
    pub(crate) fn update<E>(
        &self,
        id: &str,
        change: impl FnOnce(&Integration) -> Result<Integration, E>,
    ) -> Option<Result<Integration, E>> {
        self.with_store_mut(|store| {
            let position = *store.index.get(id)?;
            let stored = store.integrations.get_mut(position)?;
            let outcome = change(stored);
            if let Ok(updated) = &outcome {
                *stored = updated.clone();
            }
            Some(outcome)
        })
    }
}
