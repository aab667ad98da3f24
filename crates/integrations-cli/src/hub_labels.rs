//! The KIND column of `list`'s table for Looker: a Looker integration's kind is the id of its
//! integration hub (`1`), which says little; the table shows the hub's label instead (`Looker
//! Action Hub`). The hubs are looked up once per Looker provider that listed something. Only the
//! table changes: `--json` and `--json-lines` keep the id (`--kind` takes the id too; `hubs list`
//! shows both). A provider whose hubs cannot be listed keeps its ids (logged with `-v`).

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use integrations::IntegrationProvider;

use crate::context::Context;
use crate::document::ListDocument;
use crate::output::Format;

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

    /// `doc` with each kind whose label is known replaced by that label: for display only.
    pub fn relabel(&self, mut doc: ListDocument) -> ListDocument {
        for item in &mut doc.integrations {
            let label = item
                .integration
                .kind
                .as_deref()
                .and_then(|kind| self.label(&item.provider, kind));
            if let Some(label) = label {
                item.integration.kind = Some(label.to_owned());
            }
        }
        doc
    }
}

/// `doc` as `list`'s table shows it: hub labels for kinds, looked up on the providers among
/// `providers` that listed some integration. Any other format gets `doc` unchanged, with no
/// request made.
pub async fn for_table(
    ctx: &Context<'_>,
    providers: &[Arc<dyn IntegrationProvider>],
    doc: ListDocument,
) -> ListDocument {
    if ctx.out.format() != Format::Table {
        return doc;
    }
    let listed: Vec<Arc<dyn IntegrationProvider>> = providers
        .iter()
        .filter(|p| p.hubs().is_some() && doc.integrations.iter().any(|i| i.provider == p.name()))
        .cloned()
        .collect();
    if listed.is_empty() {
        return doc;
    }
    HubLabels::fetch(&listed).await.relabel(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::IntegrationDocument;
    use integrations::Integration;

    #[test]
    fn only_known_kinds_of_the_same_provider_are_relabelled() {
        let mut labels = HubLabels::default();
        labels
            .labels
            .insert(("prod".into(), "1".into()), "Looker Action Hub".into());
        let item = |provider: &str, kind: &str| {
            let mut integration = Integration::new("looker:1::slack".parse().unwrap(), "Slack");
            integration.kind = Some(kind.into());
            IntegrationDocument {
                provider: provider.into(),
                integration,
            }
        };
        let doc = ListDocument {
            integrations: vec![item("prod", "1"), item("prod", "2"), item("staging", "1")],
            failures: Vec::new(),
            skipped: Vec::new(),
        };
        let kinds: Vec<Option<String>> = labels
            .relabel(doc)
            .integrations
            .into_iter()
            .map(|i| i.integration.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                Some("Looker Action Hub".into()),
                Some("2".into()),
                Some("1".into())
            ]
        );
    }
}
