//! Fakes with data a test chooses, so that its outputs do not change with the demo data.

use integrations_fake::{HubSeed, LookerSeed, TorqSeed};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::common::Fakes;

pub fn hub(id: &str, label: &str, url: &str, agreement_pending: bool) -> HubSeed {
    let hub = serde_json::from_value(json!({
        "id": id,
        "label": label,
        "url": url,
        "official": id == "1",
        "has_authorization_token": false,
        "legal_agreement_required": agreement_pending,
        "legal_agreement_signed": false,
        "legal_agreement_text": agreement_pending.then_some("Data leaves the instance."),
        "can": {"show": true, "index": true, "update": true, "destroy": id != "1"},
    }))
    .expect("a hub");
    HubSeed {
        hub,
        authorization_token: None,
        health: None,
    }
}

/// An integration of `hub` with one required parameter `key` (`value`: its value;
/// `attribute`: the user attribute it takes it from), in the fake's (generated) type.
pub fn integration<T: DeserializeOwned>(
    hub: &str,
    name: &str,
    enabled: bool,
    value: Option<&str>,
    attribute: Option<&str>,
) -> T {
    serde_json::from_value(json!({
        "id": format!("{hub}::{name}"),
        "integration_hub_id": hub,
        "label": name,
        "enabled": enabled,
        "can": {"show": true, "index": true, "update": true, "test": true},
        "supported_formats": ["json"],
        "supported_action_types": ["query"],
        "params": [{
            "name": "key",
            "label": "Key",
            "required": true,
            "sensitive": true,
            "per_user": false,
            "has_value": value.is_some(),
            "value": value,
            "user_attribute_name": attribute,
        }],
    }))
    .expect("an integration")
}

/// Hub 2's authorization token.
pub const HUB_2_TOKEN: &str = "seeded-hub-token-4Rt9";

/// Hub `4`, which the instance could not fetch; no integration uses it.
fn broken_hub() -> HubSeed {
    let mut seed = hub("4", "Broken hub", "https://broken.example", false);
    seed.hub.fetch_error_message = Some("could not reach https://broken.example".into());
    seed
}

/// Hubs `1` (healthy), `2` (with a token, made unhealthy), `3` (agreement pending) and `4`
/// (fetch failed, unused);
/// enabled integrations: one fine, one taking its key from a user attribute, one without its
/// key, two of hub 2, one of hub 3; disabled ones with every problem, which are not problems;
/// and an empty Torq workspace.
pub fn seeded() -> Fakes {
    let looker = LookerSeed {
        hubs: vec![
            hub(
                "1",
                "Looker Action Hub",
                "https://actions.looker.com",
                false,
            ),
            HubSeed {
                authorization_token: Some(HUB_2_TOKEN.into()),
                ..hub(
                    "2",
                    "ACME actions",
                    "https://looker-actions.acme.example",
                    false,
                )
            },
            hub("3", "Ops tools", "https://actions.opsteam.example", true),
            broken_hub(),
        ],
        integrations: vec![
            integration("1", "fine", true, Some("k-1"), None),
            integration("1", "from_attribute", true, None, Some("email")),
            integration("1", "keyless", true, None, None),
            integration("1", "keyless_off", false, None, None),
            integration("2", "alert", true, Some("k-2"), None),
            integration("2", "ticket", true, Some("k-3"), None),
            integration("2", "off", false, None, None),
            integration("3", "export", true, Some("k-4"), None),
            integration("3", "off", false, Some("k-5"), None),
        ],
        ..LookerSeed::demo()
    };
    let torq = TorqSeed {
        integrations: Vec::new(),
        ..TorqSeed::demo()
    };
    let fakes = Fakes::start_with(looker, torq);
    assert!(
        fakes
            .servers
            .looker
            .set_hub_health("2", Err("connection refused by the hub".into()))
    );
    fakes
}
