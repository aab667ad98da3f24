//! The KIND column of `list`'s table for Looker: a Looker integration's kind is the id of its
//! integration hub (`1`), which says little; the table shows the hub's label instead (`Looker
//! Action Hub`). The hubs are looked up once per Looker provider that listed something. Only the
//! table changes: `--json` and `--json-lines` keep the id (`--kind` takes the id too; `hubs list`
//! shows both). A provider whose hubs cannot be listed keeps its ids (logged with `-v`).

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use integrations::IntegrationProvider;

/// How many providers are asked at once.
const CONCURRENCY: usize = 8;

/// Hub labels by provider name and hub id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HubLabels {
    labels: HashMap<(String, String), String>,
}

impl HubLabels {
    /// Looks up the hubs of each of `providers` that has hubs, at most [`CONCURRENCY`] at once.
    pub async fn fetch(providers: &[Arc<dyn IntegrationProvider>]) -> Self {
        let looked_up: Vec<_> =
            futures::stream::iter(providers.iter().filter(|p| p.hubs().is_some()))
                .map(|p| async move {
                    let hubs = match p.hubs() {
                        Some(hubs) => hubs.list_hubs().await,
                        None => Ok(Vec::new()),
                    };
                    (p.name().to_owned(), hubs)
                })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
        let mut labels = HashMap::new();
        for (provider, hubs) in looked_up {
            match hubs {
                Ok(hubs) => {
                    for hub in hubs {
                        if let Some(label) = hub.label.filter(|l| !l.trim().is_empty()) {
                            labels.insert((provider.clone(), hub.id), label);
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!(target: "integrations_cli", provider, error = %e, "hub labels unavailable; KIND shows hub ids");
                }
            }
        }
        Self { labels }
    }

    /// The label of hub `kind` of `provider`, when known.
    pub fn label(&self, provider: &str, kind: &str) -> Option<&str> {
        self.labels
            .get(&(provider.to_owned(), kind.to_owned()))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_per_provider_and_hub() {
        let mut labels = HubLabels::default();
        labels
            .labels
            .insert(("prod".into(), "1".into()), "Looker Action Hub".into());
        assert_eq!(labels.label("prod", "1"), Some("Looker Action Hub"));
        assert_eq!(labels.label("prod", "2"), None);
        assert_eq!(labels.label("staging", "1"), None);
    }
}
