//! [`LookerSeed`]: the API key, the integration hubs and the integrations a Looker fake starts
//! with, either a realistic instance ([`LookerSeed::demo`], read from the JSON fixtures
//! `fixtures/looker_demo.json` and `fixtures/looker_hubs.json`) or any number of generated ones
//! ([`LookerSeed::synthetic`], made in code).

use std::collections::BTreeMap;
use std::fmt;

use looker_api::types::{
    Integration, IntegrationHub, IntegrationHubHealthResult, IntegrationParam,
};
use serde::Deserialize;
use serde_json::Map;

use super::hubs::OFFICIAL_HUB_URL;
use crate::fixtures::{LOOKER_DEMO, LOOKER_HUBS};

/// The client id of the demo API key.
pub const DEMO_CLIENT_ID: &str = "fakeLookerClientId01";
/// The client secret of the demo API key.
pub const DEMO_CLIENT_SECRET: &str = "fakeLookerClientSecret0123";

/// What a Looker fake starts with: the API key it accepts, its integration hubs and their
/// integrations (stored with their secret values; the fake masks them on the wire).
#[derive(Clone, Debug, PartialEq)]
pub struct LookerSeed {
    /// Client id of the one API key that may log in.
    pub client_id: String,
    /// Client secret of that key.
    pub client_secret: String,
    /// The integration hubs, in the order `all_integration_hubs` lists them. Ids should be
    /// unique; of two with the same id, only the first can be read, updated or deleted.
    pub hubs: Vec<HubSeed>,
    /// The integrations, in the order `all_integrations` lists them, each naming its hub by
    /// `integration_hub_id`. Ids should be unique; of two with the same id, only the first can
    /// be read or updated.
    pub integrations: Vec<Integration>,
}

/// An integration hub a Looker fake starts with: the hub as Looker describes it, and the
/// authorization token it was registered with. The token is write-only, as on Looker: never on
/// the wire (`has_authorization_token` tells whether there is one), never in `Debug`.
#[derive(Clone, PartialEq)]
pub struct HubSeed {
    /// The hub. Its `has_authorization_token` is set from
    /// [`authorization_token`](Self::authorization_token) when the fake starts.
    pub hub: IntegrationHub,
    /// The secret Looker sends to the hub with every request, if the hub needs one.
    pub authorization_token: Option<String>,
    /// What `get_integration_hub_health` answers until
    /// [`LookerFake::set_hub_health`](super::LookerFake::set_hub_health) changes it:
    /// `Some(Ok(()))` `{"success": true}`, `Some(Err(message))`
    /// `{"success": false, "message": message}`; `None`, healthy unless fetching the hub failed.
    pub health: Option<Result<(), String>>,
}

impl fmt::Debug for HubSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubSeed")
            .field("hub", &self.hub)
            .field(
                "authorization_token",
                &self.authorization_token.as_ref().map(|_| "[redacted]"),
            )
            .field("health", &self.health)
            .finish()
    }
}

impl Default for LookerSeed {
    fn default() -> Self {
        Self::demo()
    }
}

impl LookerSeed {
    /// A realistic instance: eighteen integrations from three integration hubs, enabled and
    /// disabled ones, sensitive and per-user params, delegate OAuth (Slack, installed; a Teams
    /// bot, not installed), required params without a value (their test fails), and query
    /// requirements. The hubs: `1`, Looker's official action hub
    /// (`https://actions.looker.com`); `2`, ACME's private hub, registered with an
    /// authorization token, whose health check fails; `3`, the Ops team's hub, whose legal
    /// agreement is required and not accepted yet. Read from `fixtures/looker_demo.json` and
    /// `fixtures/looker_hubs.json`; see the crate's documentation for the demo's deliberate
    /// problems.
    pub fn demo() -> Self {
        Self {
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
            hubs: demo_hubs(),
            integrations: demo_integrations(),
        }
    }

    /// `n` generated integrations spread over eight hubs (`1`, Looker's official hub, and `2` to
    /// `8`, custom hubs at `https://hubN.example.com`), each with a sensitive, a plain and a
    /// per-user param; one in three disabled, one in five missing its required secret, one in
    /// ten using delegate OAuth. Deterministic: the same `n` gives the same integrations.
    pub fn synthetic(n: usize) -> Self {
        Self {
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: DEMO_CLIENT_SECRET.to_owned(),
            hubs: synthetic_hubs(),
            integrations: synthetic_integrations(n),
        }
    }
}

/// One hub of `fixtures/looker_hubs.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HubFixture {
    pub(crate) hub: IntegrationHub,
    #[serde(default)]
    pub(crate) authorization_token: Option<String>,
    #[serde(default)]
    pub(crate) health: Option<IntegrationHubHealthResult>,
}

impl From<HubFixture> for HubSeed {
    fn from(fixture: HubFixture) -> Self {
        let health = fixture.health.map(|health| match health.success {
            Some(true) => Ok(()),
            _ => Err(health
                .message
                .unwrap_or_else(|| "The integration hub is unhealthy.".to_owned())),
        });
        Self {
            hub: fixture.hub,
            authorization_token: fixture.authorization_token,
            health,
        }
    }
}

/// The hubs of the demo, as their fixture gives them.
pub(crate) fn demo_hub_fixtures() -> Vec<HubFixture> {
    LOOKER_HUBS.read()
}

fn demo_hubs() -> Vec<HubSeed> {
    demo_hub_fixtures().into_iter().map(HubSeed::from).collect()
}

/// The integrations of the demo, as the fake stores them.
pub(crate) fn demo_integrations() -> Vec<Integration> {
    let mut integrations: Vec<Integration> = LOOKER_DEMO.read();
    settle_values(&mut integrations);
    integrations
}

/// Makes every param's `has_value` tell whether it has a value; an empty value is none.
pub(crate) fn settle_values(integrations: &mut [Integration]) {
    for param in integrations.iter_mut().flat_map(|i| &mut i.params) {
        if param.value.as_deref() == Some("") {
            param.value = None;
        }
        param.has_value = Some(param.value.is_some());
    }
}

/// A hub with every field empty: the one place that spells out the generated type's fields.
pub(crate) fn blank_hub() -> IntegrationHub {
    IntegrationHub {
        can: BTreeMap::new(),
        fetch_error_message: None,
        has_authorization_token: None,
        id: None,
        label: None,
        legal_agreement_required: None,
        legal_agreement_signed: None,
        legal_agreement_text: None,
        official: None,
        url: None,
        extra: Map::new(),
    }
}

/// What the calling user may do with a hub: everything, but delete the official one.
pub(crate) fn hub_can(official: bool) -> BTreeMap<String, bool> {
    [
        ("show", true),
        ("index", true),
        ("update", true),
        ("destroy", !official),
    ]
    .into_iter()
    .map(|(op, allowed)| (op.to_owned(), allowed))
    .collect()
}

/// Hub `n` of a synthetic seed: `1` is Looker's official hub, the others custom hubs at
/// `https://hubN.example.com`, every other one with a token.
fn synthetic_hub(n: u32) -> HubSeed {
    let official = n == 1;
    let (label, url) = if official {
        ("Looker Action Hub".to_owned(), OFFICIAL_HUB_URL.to_owned())
    } else {
        (
            format!("Synthetic hub {n}"),
            format!("https://hub{n}.example.com"),
        )
    };
    HubSeed {
        hub: IntegrationHub {
            can: hub_can(official),
            id: Some(n.to_string()),
            label: Some(label),
            url: Some(url),
            official: Some(official),
            legal_agreement_required: Some(false),
            legal_agreement_signed: Some(false),
            ..blank_hub()
        },
        authorization_token: n
            .is_multiple_of(2)
            .then(|| format!("synthetic-hub-token-{n}")),
        health: None,
    }
}

fn synthetic_hubs() -> Vec<HubSeed> {
    (1..=8).map(synthetic_hub).collect()
}

/// An integration with every field empty: the one place that spells out the generated type's
/// fields, so that a change of the spec is met here.
pub(crate) fn blank_integration() -> Integration {
    Integration {
        can: BTreeMap::new(),
        delegate_oauth: None,
        description: None,
        enabled: None,
        icon_url: None,
        id: None,
        installed_delegate_oauth_targets: Vec::new(),
        integration_hub_id: None,
        label: None,
        params: Vec::new(),
        privacy_link: None,
        required_fields: Vec::new(),
        supported_action_types: Vec::new(),
        supported_download_settings: Vec::new(),
        supported_formats: Vec::new(),
        supported_formattings: Vec::new(),
        supported_visualization_formattings: Vec::new(),
        uses_oauth: None,
        extra: Map::new(),
    }
}

/// A param with every field empty.
pub(crate) fn blank_param() -> IntegrationParam {
    IntegrationParam {
        delegate_oauth_url: None,
        description: None,
        has_value: None,
        label: None,
        name: None,
        per_user: None,
        required: None,
        sensitive: None,
        user_attribute_name: None,
        value: None,
        extra: Map::new(),
    }
}

fn synthetic_integrations(n: usize) -> Vec<Integration> {
    let mut integrations: Vec<Integration> = (0..n).map(synthetic_integration).collect();
    settle_values(&mut integrations);
    integrations
}

/// The formats of an integration that takes query results in any form Looker offers.
const QUERY_FORMATS: &[&str] = &[
    "txt",
    "csv",
    "inline_json",
    "json",
    "json_label",
    "json_detail",
    "json_detail_lite_stream",
    "xlsx",
    "html",
    "wysiwyg_pdf",
    "assembled_pdf",
    "wysiwyg_png",
    "csv_zip",
];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A param of a generated integration: optional, not sensitive, not per user, no value.
fn synthetic_param(name: &str, label: &str, description: &str) -> IntegrationParam {
    IntegrationParam {
        name: Some(name.to_owned()),
        label: Some(label.to_owned()),
        description: Some(description.to_owned()),
        required: Some(false),
        sensitive: Some(false),
        per_user: Some(false),
        ..blank_param()
    }
}

/// The `i`th generated integration (its params' `has_value` left to [`settle_values`]).
fn synthetic_integration(i: usize) -> Integration {
    let hub = (i % 8 + 1).to_string();
    let name = format!("synthetic_{i:06}");
    let mut secret = synthetic_param("api_key", "API key", "A generated secret.");
    secret.required = Some(true);
    secret.sensitive = Some(true);
    secret.value = (!i.is_multiple_of(5)).then(|| format!("secret-{i:06}"));
    let mut endpoint = synthetic_param("endpoint", "Endpoint", "Where data goes.");
    endpoint.value = Some(format!("https://hub{hub}.example.com/{i}"));
    let mut user_token = synthetic_param("user_token", "User token", "Each user's token.");
    user_token.sensitive = Some(true);
    user_token.per_user = Some(true);
    user_token.user_attribute_name = Some("synthetic_token".to_owned());
    let delegate_oauth = i.is_multiple_of(10);
    Integration {
        can: ["show", "index", "update", "test"]
            .into_iter()
            .map(|op| (op.to_owned(), true))
            .collect(),
        id: Some(format!("{hub}::{name}")),
        label: Some(format!("Synthetic integration {i}")),
        description: Some(format!("Generated integration number {i} of hub {hub}.")),
        enabled: Some(!i.is_multiple_of(3)),
        params: vec![secret, endpoint, user_token],
        supported_formats: strings(QUERY_FORMATS),
        supported_action_types: strings(&["query", "dashboard"]),
        supported_formattings: strings(&["formatted", "unformatted"]),
        supported_visualization_formattings: strings(&["apply", "noapply"]),
        supported_download_settings: strings(&["push", "url"]),
        uses_oauth: Some(false),
        delegate_oauth: Some(delegate_oauth),
        installed_delegate_oauth_targets: if delegate_oauth {
            vec![format!("T{i:08}")]
        } else {
            Vec::new()
        },
        icon_url: (hub == "1").then(|| format!("https://actions.looker.com/actions/{name}/icon")),
        integration_hub_id: Some(hub),
        ..blank_integration()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_demo_looks_like_a_real_instance() {
        let seed = LookerSeed::demo();
        let all = &seed.integrations;
        assert!(all.len() >= 12);
        let ids: HashSet<_> = all.iter().filter_map(|i| i.id.clone()).collect();
        assert_eq!(ids.len(), all.len(), "ids are unique");
        let hubs: HashSet<_> = all
            .iter()
            .filter_map(|i| i.integration_hub_id.clone())
            .collect();
        assert!(hubs.len() >= 3);
        let params = || all.iter().flat_map(|i| &i.params);
        assert!(params().any(|p| p.sensitive == Some(true) && p.value.is_some()));
        assert!(params().any(|p| p.per_user == Some(true)));
        assert!(
            all.iter().any(|i| i.delegate_oauth == Some(true)
                && !i.installed_delegate_oauth_targets.is_empty())
        );
        assert!(all.iter().any(|i| i.enabled == Some(false)));
        for param in params() {
            let has_value = param.value.is_some();
            assert_eq!(param.has_value, Some(has_value), "{:?}", param.name);
        }
        assert_eq!(LookerSeed::default(), seed);
    }

    #[test]
    fn every_integration_belongs_to_a_seeded_hub_and_tokens_stay_out_of_debug() {
        for seed in [LookerSeed::demo(), LookerSeed::synthetic(40)] {
            let hub_ids: HashSet<_> = seed.hubs.iter().filter_map(|h| h.hub.id.clone()).collect();
            assert_eq!(hub_ids.len(), seed.hubs.len(), "hub ids are unique");
            for integration in &seed.integrations {
                let hub = integration.integration_hub_id.clone().unwrap_or_default();
                assert!(hub_ids.contains(&hub), "{:?} has no hub", integration.id);
            }
            let official: Vec<_> = seed
                .hubs
                .iter()
                .filter(|h| h.hub.official == Some(true))
                .filter_map(|h| h.hub.url.as_deref())
                .collect();
            assert_eq!(official, [OFFICIAL_HUB_URL]);
            let debug = format!("{seed:?}");
            for token in seed
                .hubs
                .iter()
                .filter_map(|h| h.authorization_token.as_deref())
            {
                assert!(!debug.contains(token), "a token in Debug");
            }
        }
        let demo = LookerSeed::demo();
        assert!(demo.hubs[1].authorization_token.is_some());
        assert_eq!(demo.hubs[2].hub.legal_agreement_required, Some(true));
        assert_eq!(demo.hubs[2].hub.legal_agreement_signed, Some(false));
    }

    #[test]
    fn the_demo_has_its_deliberate_problems() {
        let seed = LookerSeed::demo();
        let integration = |id: &str| {
            seed.integrations
                .iter()
                .find(|i| i.id.as_deref() == Some(id))
                .unwrap_or_else(|| panic!("no {id}"))
        };
        let marketo = integration("1::marketo");
        assert_eq!(marketo.enabled, Some(true));
        let unset: Vec<_> = marketo
            .params
            .iter()
            .filter(|p| p.required == Some(true) && p.has_value == Some(false))
            .filter(|p| p.user_attribute_name.is_none())
            .filter_map(|p| p.name.as_deref())
            .collect();
        assert_eq!(unset, ["clientSecret"]);
        for (id, message) in [
            (
                "1::marketo",
                "Missing required parameter(s): Client Secret.",
            ),
            (
                "1::hubspot_contacts",
                "Missing required parameter(s): HubSpot API Key.",
            ),
            (
                "2::acme_teams_bot",
                "No delegate OAuth target is installed for this integration.",
            ),
        ] {
            let result = crate::looker::check::test_integration(integration(id));
            assert_eq!(result.success, Some(false), "{id}");
            assert_eq!(result.message.as_deref(), Some(message), "{id}");
        }
        let health: Vec<_> = seed.hubs.iter().map(|h| h.health.clone()).collect();
        assert_eq!(
            health,
            [
                None,
                Some(Err("Couldn't connect to action service".to_owned())),
                None
            ]
        );
        let ops = &seed.hubs[2].hub;
        assert_eq!(ops.id.as_deref(), Some("3"));
        assert_eq!(
            (ops.legal_agreement_required, ops.legal_agreement_signed),
            (Some(true), Some(false))
        );
    }

    #[test]
    fn synthetic_seeds_have_the_asked_size_and_unique_ids() {
        let seed = LookerSeed::synthetic(1000);
        assert_eq!(seed.integrations.len(), 1000);
        let ids: HashSet<_> = seed
            .integrations
            .iter()
            .filter_map(|i| i.id.clone())
            .collect();
        assert_eq!(ids.len(), 1000);
        assert_eq!(LookerSeed::synthetic(0).integrations.len(), 0);
        assert_eq!(LookerSeed::synthetic(7), LookerSeed::synthetic(7));
    }
}
