//! [`TorqSeed`]: the API key and the integrations a Torq fake starts with, either a realistic
//! workspace ([`TorqSeed::demo`], read from the JSON fixture `fixtures/torq_demo.json`) or any
//! number of generated ones ([`TorqSeed::synthetic`]).

use chrono::{DateTime, Duration, Utc};
use serde_json::Map;
use torq_api::types::{
    V1alphaIntegration, V1alphaIntegrationDetails, V1alphaSharingData, V1alphaTriggerDetails,
};
use uuid::Uuid;

use crate::fixtures::TORQ_DEMO;

/// The client id of the demo API key.
pub const DEMO_CLIENT_ID: &str = "fake-torq-client-id";
/// The client secret of the demo API key.
pub const DEMO_CLIENT_SECRET: &str = "fake-torq-client-secret";

/// The workspace generated integrations are shared with.
const PARTNER_WORKSPACE: &str = "a4a9708a-64e8-47cc-90d0-75f71471e935";

/// What a Torq fake starts with: the API key it accepts and the integrations of its workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct TorqSeed {
    /// Client id of the one API key that gets tokens.
    pub client_id: String,
    /// Client secret of that key.
    pub client_secret: String,
    /// The workspace's integrations, in listing order.
    pub integrations: Vec<V1alphaIntegration>,
}

impl Default for TorqSeed {
    fn default() -> Self {
        Self::demo()
    }
}

impl TorqSeed {
    /// A realistic workspace: thirteen integrations of ten types, webhook-triggered ones with
    /// their webhook URL, shared ones (incoming and outgoing), one never used.
    pub fn demo() -> Self {
        Self {
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
            integrations: demo_integrations(),
        }
    }

    /// `n` generated integrations of six types; every third has a webhook trigger, every fourth
    /// is shared. Deterministic: the same `n` gives the same integrations.
    pub fn synthetic(n: usize) -> Self {
        Self {
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
            integrations: (0..n).map(synthetic_integration).collect(),
        }
    }
}

/// Torq's machine name for a display name: lower case, anything but letters and digits turned
/// into underscores.
pub(crate) fn machine_name(display_name: &str) -> String {
    display_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn timestamp(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn webhook(id: Uuid) -> Option<V1alphaIntegrationDetails> {
    Some(V1alphaIntegrationDetails {
        trigger: Some(V1alphaTriggerDetails {
            webhook_url: Some(format!("https://hooks.torq.io/v1/webhooks/{id}")),
            extra: Map::new(),
        }),
        extra: Map::new(),
    })
}

fn shared(direction: &str, workspaces: &[&str]) -> Option<V1alphaSharingData> {
    Some(V1alphaSharingData {
        direction: direction.to_owned(),
        workspace_ids: workspaces.iter().map(|w| (*w).to_owned()).collect(),
        extra: Map::new(),
    })
}

fn not_shared() -> Option<V1alphaSharingData> {
    shared("not_shared", &[])
}

fn demo_integrations() -> Vec<V1alphaIntegration> {
    TORQ_DEMO.read()
}

/// A deterministic version-4 UUID for the `i`th generated integration (SplitMix64 of `i`).
fn synthetic_uuid(i: usize) -> Uuid {
    let mut state = (i as u64) ^ 0x5EED_7042_0000_0000;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let high = next().to_be_bytes();
    let low = next().to_be_bytes();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high);
    bytes[8..].copy_from_slice(&low);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

const SYNTHETIC_TYPES: [&str; 6] = ["webhook", "slack", "jira", "aws", "okta", "pagerduty"];

fn synthetic_integration(i: usize) -> V1alphaIntegration {
    let id = synthetic_uuid(i);
    let type_id = SYNTHETIC_TYPES[i % SYNTHETIC_TYPES.len()];
    let display_name = format!("Synthetic {type_id} {i}");
    let base = timestamp("2024-01-01T00:00:00Z");
    let minutes = i64::try_from(i).unwrap_or(i64::MAX);
    let created_at = base.and_then(|b| b.checked_add_signed(Duration::try_minutes(minutes)?));
    let sharing = match i % 4 {
        0 => shared("outgoing", &[PARTNER_WORKSPACE]),
        _ => not_shared(),
    };
    V1alphaIntegration {
        id: Some(id),
        name: Some(machine_name(&display_name)),
        display_name: Some(display_name),
        type_id: Some(type_id.to_owned()),
        created_at,
        created_by: Some(format!("user{}@acme.example", i % 17)),
        last_used_at: if i.is_multiple_of(5) {
            None
        } else {
            created_at
        },
        details: if i.is_multiple_of(3) {
            webhook(id)
        } else {
            None
        },
        sharing_data: sharing,
        extra: Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn machine_names_follow_torq_rules() {
        assert_eq!(machine_name("My Integration"), "my_integration");
        assert_eq!(
            machine_name("Slack - SOC workspace"),
            "slack___soc_workspace"
        );
    }

    #[test]
    fn the_demo_looks_like_a_real_workspace() {
        let seed = TorqSeed::demo();
        let all = &seed.integrations;
        assert!(all.len() >= 12);
        assert!(all.iter().all(|i| i.id.is_some() && i.created_at.is_some()));
        let types: HashSet<_> = all.iter().filter_map(|i| i.type_id.clone()).collect();
        assert!(types.len() >= 5);
        let webhooks = all
            .iter()
            .filter_map(|i| i.details.as_ref()?.trigger.as_ref()?.webhook_url.as_ref())
            .count();
        assert!(webhooks >= 3);
        for direction in ["incoming", "outgoing"] {
            assert!(
                all.iter()
                    .filter_map(|i| i.sharing_data.as_ref())
                    .any(|s| s.direction == direction && !s.workspace_ids.is_empty())
            );
        }
        // Nanosecond timestamps survive.
        assert!(
            all.iter()
                .filter_map(|i| i.created_at)
                .any(|t| t.timestamp_subsec_nanos() % 1000 != 0)
        );
    }

    #[test]
    fn synthetic_seeds_are_deterministic_with_unique_v4_ids() {
        let seed = TorqSeed::synthetic(2000);
        assert_eq!(seed.integrations.len(), 2000);
        let ids: HashSet<_> = seed.integrations.iter().filter_map(|i| i.id).collect();
        assert_eq!(ids.len(), 2000);
        assert!(ids.iter().all(|id| id.get_version_num() == 4));
        assert_eq!(TorqSeed::synthetic(5), TorqSeed::synthetic(5));
    }
}
