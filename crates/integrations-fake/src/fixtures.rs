//! The demo data, as JSON fixtures compiled into the crate (`fixtures/*.json`) and read into the
//! generated types of the vendors' clients, so that a spec change that breaks one fails the
//! tests of this module (and the conformance tests check them against the spec's schemas).

use serde::de::DeserializeOwned;

/// A JSON fixture: its file name under `fixtures/` and its text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixture {
    pub(crate) name: &'static str,
    pub(crate) json: &'static str,
}

/// The fixture `fixtures/$name`.
macro_rules! fixture {
    ($name:literal) => {
        Fixture {
            name: $name,
            json: include_str!(concat!("../fixtures/", $name)),
        }
    };
}

/// The demo instance's integrations: an array of Looker `Integration`s as the fake stores them,
/// sensitive values included (`has_value` is worked out from `value`).
pub(crate) const LOOKER_DEMO: Fixture = fixture!("looker_demo.json");

/// The demo instance's integration hubs: for each, the `IntegrationHub` (`hub`), the token it
/// was registered with (`authorization_token`, write-only) and what its health check answers
/// (`health`, an `IntegrationHubHealthResult`; absent: healthy).
pub(crate) const LOOKER_HUBS: Fixture = fixture!("looker_hubs.json");

/// The hubs no seed registers, that creating a hub at their `url` "fetches": their `label`,
/// `legal_agreement_text` if any, and `integrations` (Looker `Integration`s named without a hub).
pub(crate) const LOOKER_CATALOGUE: Fixture = fixture!("looker_catalogue.json");

/// The demo workspace's integrations: an array of Torq `V1alphaIntegration`s.
pub(crate) const TORQ_DEMO: Fixture = fixture!("torq_demo.json");

impl Fixture {
    /// The fixture read into `T`. Panics when it does not fit, which a test of this module
    /// finds first.
    pub(crate) fn read<T: DeserializeOwned>(self) -> T {
        serde_json::from_str(self.json)
            .unwrap_or_else(|e| panic!("fixtures/{} does not fit its types: {e}", self.name))
    }
}

#[cfg(test)]
mod tests {
    use looker_api::types::Integration;
    use serde_json::{Map, Value};
    use torq_api::types::V1alphaIntegration;

    use super::{LOOKER_CATALOGUE, LOOKER_DEMO, LOOKER_HUBS, TORQ_DEMO};
    use crate::looker::{catalogue, demo_hub_fixtures};

    /// Fails when a record left members in `extra`: a field the generated type does not know,
    /// so the spec renamed or dropped it.
    fn assert_known(fixture: &str, record: &str, extra: &Map<String, Value>) {
        assert!(
            extra.is_empty(),
            "fixtures/{fixture}: {record} has members the generated type does not know: {:?}",
            extra.keys().collect::<Vec<_>>()
        );
    }

    fn assert_looker_known(fixture: &str, integrations: &[Integration]) {
        for integration in integrations {
            let id = integration.id.as_deref().unwrap_or("an integration");
            assert_known(fixture, id, &integration.extra);
            for param in &integration.params {
                assert_known(fixture, id, &param.extra);
            }
            for field in &integration.required_fields {
                assert_known(fixture, id, &field.extra);
            }
        }
    }

    #[test]
    fn every_fixture_reads_into_the_generated_types_with_nothing_unknown() {
        assert_looker_known(LOOKER_DEMO.name, &LOOKER_DEMO.read::<Vec<Integration>>());
        for hub in demo_hub_fixtures() {
            assert_known(LOOKER_HUBS.name, "a hub", &hub.hub.extra);
        }
        for offered in catalogue() {
            assert_looker_known(LOOKER_CATALOGUE.name, &offered.integrations);
        }
        for integration in TORQ_DEMO.read::<Vec<V1alphaIntegration>>() {
            let id = integration.id.map(|id| id.to_string()).unwrap_or_default();
            assert_known(TORQ_DEMO.name, &id, &integration.extra);
            if let Some(details) = &integration.details {
                assert_known(TORQ_DEMO.name, &id, &details.extra);
                if let Some(trigger) = &details.trigger {
                    assert_known(TORQ_DEMO.name, &id, &trigger.extra);
                }
            }
            if let Some(sharing) = &integration.sharing_data {
                assert_known(TORQ_DEMO.name, &id, &sharing.extra);
            }
        }
    }
}
