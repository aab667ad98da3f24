//! [`TorqSeed`]: the API key and the integrations a Torq fake starts with, either a realistic
//! workspace ([`TorqSeed::demo`]) or any number of generated ones ([`TorqSeed::synthetic`]).

use chrono::{DateTime, Duration, Utc};
use serde_json::Map;
use torq_api::types::{
    V1alphaIntegration, V1alphaIntegrationDetails, V1alphaSharingData, V1alphaTriggerDetails,
};
use uuid::Uuid;

/// The client id of the demo API key.
pub const DEMO_CLIENT_ID: &str = "fake-torq-client-id";
/// The client secret of the demo API key.
pub const DEMO_CLIENT_SECRET: &str = "fake-torq-client-secret";

/// The workspaces that share integrations with the demo workspace.
const PARTNER_WORKSPACES: [&str; 3] = [
    "a4a9708a-64e8-47cc-90d0-75f71471e935",
    "73966c4a-a89e-4889-ac80-70e9bc7e4501",
    "8b25f54a-fe7c-4103-bb9f-538ec5318549",
];

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

/// One demo integration; `trigger` gives it a webhook URL.
struct Demo {
    id: &'static str,
    display_name: &'static str,
    type_id: &'static str,
    created_at: &'static str,
    created_by: &'static str,
    last_used_at: Option<&'static str>,
    trigger: bool,
    sharing: Option<V1alphaSharingData>,
}

impl Demo {
    fn build(self) -> V1alphaIntegration {
        let id = Uuid::parse_str(self.id).ok();
        V1alphaIntegration {
            id,
            name: Some(machine_name(self.display_name)),
            display_name: Some(self.display_name.to_owned()),
            type_id: Some(self.type_id.to_owned()),
            created_at: timestamp(self.created_at),
            created_by: Some(self.created_by.to_owned()),
            last_used_at: self.last_used_at.and_then(timestamp),
            details: if self.trigger {
                id.and_then(webhook)
            } else {
                None
            },
            sharing_data: self.sharing,
            extra: Map::new(),
        }
    }
}

fn demo_integrations() -> Vec<V1alphaIntegration> {
    let ana = "ana.moreau@acme.example";
    let dev = "devon.okafor@acme.example";
    let sam = "sam.lindqvist@acme.example";
    vec![
        Demo {
            id: "4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb",
            display_name: "Splunk alerts",
            type_id: "webhook",
            created_at: "2023-02-14T09:21:44.120349871Z",
            created_by: ana,
            last_used_at: Some("2025-06-02T07:58:12.004519003Z"),
            trigger: true,
            sharing: not_shared(),
        },
        Demo {
            id: "7f64ec71-92da-42d0-bd66-52324a7f796f",
            display_name: "CrowdStrike Falcon detections",
            type_id: "crowdstrike",
            created_at: "2023-03-01T16:05:09.551202114Z",
            created_by: ana,
            last_used_at: Some("2025-06-02T08:01:40.918227650Z"),
            trigger: true,
            sharing: shared("outgoing", &PARTNER_WORKSPACES[..2]),
        },
        Demo {
            id: "38656faf-a9ae-4fc2-a7d6-5b4084bd4793",
            display_name: "Phishing mailbox",
            type_id: "email",
            created_at: "2023-04-19T11:47:30.000000001Z",
            created_by: dev,
            last_used_at: Some("2025-06-01T22:13:55.730001928Z"),
            trigger: false,
            sharing: not_shared(),
        },
        Demo {
            id: "5a900ff5-27b0-47df-aee9-234f31ea7910",
            display_name: "Slack - SOC workspace",
            type_id: "slack",
            created_at: "2023-01-09T08:40:18.490771179Z",
            created_by: "integrations@torq.io",
            last_used_at: Some("2025-06-02T08:03:02.117845320Z"),
            trigger: false,
            sharing: shared("incoming", &PARTNER_WORKSPACES[2..]),
        },
        Demo {
            id: "79f01066-27b6-4265-896a-8afc38378253",
            display_name: "Jira Cloud (SEC project)",
            type_id: "jira",
            created_at: "2023-05-22T13:12:00.338114902Z",
            created_by: sam,
            last_used_at: Some("2025-05-30T17:44:21.601774388Z"),
            trigger: false,
            sharing: not_shared(),
        },
        Demo {
            id: "821948b0-cb96-4842-a1ec-22ee7a7638f1",
            display_name: "AWS production account",
            type_id: "aws",
            created_at: "2023-06-07T10:30:47.829310445Z",
            created_by: dev,
            last_used_at: Some("2025-06-02T06:15:09.998103227Z"),
            trigger: false,
            sharing: not_shared(),
        },
        Demo {
            id: "6037a878-e43d-41d4-9e17-35ecf711075f",
            display_name: "Okta",
            type_id: "okta",
            created_at: "2023-06-30T15:02:11.004417786Z",
            created_by: ana,
            last_used_at: Some("2025-06-01T12:00:00.5Z"),
            trigger: false,
            sharing: shared("outgoing", &PARTNER_WORKSPACES),
        },
        Demo {
            id: "fe8c425b-2668-488d-af11-8fa841c53a42",
            display_name: "PagerDuty on-call",
            type_id: "pagerduty",
            created_at: "2023-08-16T07:25:39.270941561Z",
            created_by: sam,
            last_used_at: Some("2025-05-28T03:19:47.482630019Z"),
            trigger: true,
            sharing: not_shared(),
        },
        Demo {
            id: "8c4d9b94-aa5e-421b-b810-1cc007a25c62",
            display_name: "Microsoft Teams SOC channel",
            type_id: "microsoft_teams",
            created_at: "2023-09-04T18:54:26.913352008Z",
            created_by: dev,
            last_used_at: Some("2025-06-02T07:30:31.067721444Z"),
            trigger: false,
            sharing: not_shared(),
        },
        Demo {
            id: "63b2ecbd-d3bc-4451-9395-35bec2cca835",
            display_name: "SentinelOne threats",
            type_id: "sentinelone",
            created_at: "2024-01-11T09:09:09.090909090Z",
            created_by: ana,
            last_used_at: Some("2025-06-02T05:41:16.355049817Z"),
            trigger: true,
            sharing: not_shared(),
        },
        Demo {
            id: "4d35d991-2276-4683-ae3b-d84f9af0f7fd",
            display_name: "Google Workspace admin",
            type_id: "google_workspace",
            created_at: "2024-03-27T14:36:52.640288913Z",
            created_by: "integrations@torq.io",
            last_used_at: Some("2025-05-31T09:27:38.144902136Z"),
            trigger: false,
            sharing: shared("incoming", &PARTNER_WORKSPACES[..1]),
        },
        Demo {
            id: "6dadc5b4-74de-49d9-b844-56549c65fe4f",
            display_name: "GitHub security alerts",
            type_id: "github",
            created_at: "2024-07-02T11:18:23.781450697Z",
            created_by: sam,
            last_used_at: Some("2025-06-02T08:05:59.001223348Z"),
            trigger: true,
            sharing: not_shared(),
        },
        Demo {
            id: "6546cdc0-7e5e-480a-b8e2-a80d9545c296",
            display_name: "Webhook - staging test",
            type_id: "webhook",
            created_at: "2025-05-20T16:44:03.215508624Z",
            created_by: dev,
            last_used_at: None,
            trigger: true,
            sharing: None,
        },
    ]
    .into_iter()
    .map(Demo::build)
    .collect()
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
        0 => shared("outgoing", &PARTNER_WORKSPACES[..1]),
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
