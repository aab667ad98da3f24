//! Integration hubs: how the Looker fake registers, changes and removes them, what it "fetches"
//! from a hub's address, and the write-only `authorization_token`.
//!
//! The fake never calls out. When a hub is created, or its `url` changes, Looker fetches the
//! hub's description and integrations from that address; the fake looks the address up in a
//! small built-in catalogue instead ([`OFFICIAL_HUB_URL`], [`ACME_HUB_URL`], [`OPS_HUB_URL`],
//! [`EXAMPLE_HUB_URL`], [`PARTNER_HUB_URL`]). Any other address gives a hub whose fetch failed,
//! as Looker's reference describes it: the hub is registered, without integrations, and its
//! `fetch_error_message` says why it cannot be used (its health check fails with that message).
//!
//! A body's `url` must be an absolute `http` or `https` address without credentials in it;
//! `authorization_token` is a string, or null or `""` to remove the token (absent: left as it
//! is). The token is stored and never returned: not on the wire (`has_authorization_token`
//! tells), not in `Debug`, not in an error message.

use looker_api::types::{Integration, IntegrationHub, IntegrationHubWrite, ValidationErrorDetail};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use super::seed::{HubSeed, blank_hub, demo_hub_fixtures, demo_integrations, hub_can};
use super::state::Store;
use super::update::type_problem;
use super::wire::field_error;
use crate::fixtures::LOOKER_CATALOGUE;

/// The address of Looker's official integration hub (the "Looker Action Hub", hub `1` of the
/// seeds).
pub const OFFICIAL_HUB_URL: &str = "https://actions.looker.com";
/// The address of ACME's private hub (hub `2` of the demo), which needs an authorization token.
pub const ACME_HUB_URL: &str = "https://looker-actions.acme.example";
/// The address of the Ops team's hub (hub `3` of the demo), which has a legal agreement.
pub const OPS_HUB_URL: &str = "https://actions.opsteam.example";
/// The address of a hub no seed registers: creating a hub with it gives "Example Action Hub",
/// with two integrations (`webhook_post`, `email_digest`).
pub const EXAMPLE_HUB_URL: &str = "https://actions.example.com";
/// The address of a hub no seed registers, whose legal agreement must be accepted before it is
/// used: creating a hub with it gives "Partner actions", with one integration (`crm_sync`).
pub const PARTNER_HUB_URL: &str = "https://partner-actions.example.net";

/// An integration hub as the fake keeps it: a [`HubSeed`] (the token stays out of `Debug`)
/// whose `has_authorization_token` is kept in step with its token; its `health` is what the
/// seed or a test set (`None`: healthy unless the fetch failed).
pub(crate) type StoredHub = HubSeed;

impl StoredHub {
    /// A hub with `token` (an empty one is no token). A token slipped into the hub's unknown
    /// members is taken out of them (it would reach the wire), and used when `token` is `None`.
    pub(crate) fn new(mut hub: IntegrationHub, token: Option<String>) -> Self {
        let slipped = hub.extra.remove("authorization_token");
        let slipped = slipped.and_then(|t| t.as_str().map(str::to_owned));
        let token = token.or(slipped).filter(|t| !t.is_empty());
        hub.has_authorization_token = Some(token.is_some());
        Self {
            hub,
            authorization_token: token,
            health: None,
        }
    }

    /// `seed` as the fake keeps it (see [`StoredHub::new`]), with the health it was seeded with.
    pub(crate) fn stored(seed: HubSeed) -> Self {
        Self {
            health: seed.health,
            ..Self::new(seed.hub, seed.authorization_token)
        }
    }

    pub(crate) fn id(&self) -> Option<&str> {
        self.hub.id.as_deref()
    }

    fn set_token(&mut self, token: Option<String>) {
        self.authorization_token = token.filter(|t| !t.is_empty());
        self.hub.has_authorization_token = Some(self.authorization_token.is_some());
    }

    fn official(&self) -> bool {
        self.hub.official == Some(true)
    }

    /// Whether the hub's legal agreement is required and not accepted yet.
    pub(crate) fn awaits_agreement(&self) -> bool {
        self.hub.legal_agreement_required == Some(true)
            && self.hub.legal_agreement_signed != Some(true)
    }

    /// What a health check finds: what a test set, else a failure when the fetch failed.
    pub(crate) fn health_check(&self) -> Result<(), String> {
        match (&self.health, &self.hub.fetch_error_message) {
            (Some(health), _) => health.clone(),
            (None, Some(message)) => Err(message.clone()),
            (None, None) => Ok(()),
        }
    }

    pub(crate) fn set_health(&mut self, health: Result<(), String>) {
        self.health = Some(health);
    }
}

/// Why a hub operation is refused.
#[derive(Debug)]
pub(crate) enum HubRefusal {
    /// 404: no such hub (or integration).
    NotFound,
    /// 400 with this message.
    BadRequest(String),
    /// 409 with this message.
    Conflict(String),
    /// 422 listing these fields.
    Invalid(Vec<ValidationErrorDetail>),
}

/// What a body does to the token.
enum TokenChange {
    Leave,
    Set(Option<String>),
}

/// The writable fields of a hub body, checked. No `Debug`: it holds the token.
pub(crate) struct HubChanges {
    /// The new `url` as given (trimmed) and its comparison key.
    url: Option<(String, String)>,
    token: TokenChange,
}

/// Checks the members of a create (`creating`) or update body: every writable field of
/// `IntegrationHubWrite` with the wrong type or value is listed; read-only and unknown members
/// are ignored. A create needs a `url`.
pub(crate) fn parse_hub_body(
    body: &Map<String, Value>,
    creating: bool,
) -> Result<HubChanges, Vec<ValidationErrorDetail>> {
    let mut errors = Vec::new();
    let url = match body.get("url") {
        None | Some(Value::Null) if creating => {
            errors.push(field_error(
                "url",
                "missing",
                "url is required: the address of the integration hub.",
            ));
            None
        }
        None => None,
        Some(Value::Null) => {
            errors.push(field_error(
                "url",
                "invalid",
                "url cannot be removed from an integration hub.",
            ));
            None
        }
        Some(Value::String(url)) => match url_key(url) {
            Ok(key) => Some((url.trim().to_owned(), key)),
            Err(problem) => {
                errors.push(problem);
                None
            }
        },
        Some(other) => {
            let problem = type_problem::<IntegrationHubWrite>("url", other)
                .unwrap_or_else(|| "url must be a string.".to_owned());
            errors.push(field_error("url", "invalid", problem));
            None
        }
    };
    let token = match body.get("authorization_token") {
        None => TokenChange::Leave,
        Some(Value::Null) => TokenChange::Set(None),
        Some(Value::String(token)) => TokenChange::Set(Some(token.clone())),
        // Never quote the value: it is meant to be a secret.
        Some(_) => {
            errors.push(field_error(
                "authorization_token",
                "invalid",
                "authorization_token must be a string, or null to remove it.",
            ));
            TokenChange::Leave
        }
    };
    if errors.is_empty() {
        Ok(HubChanges { url, token })
    } else {
        Err(errors)
    }
}

/// The key two addresses of one hub share (scheme and host in lower case, no trailing `/`), or
/// why `url` is no address of a hub. The address is not quoted: it may carry a secret.
fn url_key(url: &str) -> Result<String, ValidationErrorDetail> {
    let url = url.trim();
    if url.is_empty() {
        return Err(field_error(
            "url",
            "missing",
            "url is required: the address of the integration hub.",
        ));
    }
    let invalid = |message: String| field_error("url", "invalid", message);
    let parsed = Url::parse(url).map_err(|e| invalid(format!("url is not a URL: {e}.")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("url must be an http or https address.".to_owned()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("url must name a host.".to_owned()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "url must not carry credentials; send them as authorization_token.".to_owned(),
        ));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// The comparison key of a stored hub's address, if it is one.
fn stored_key(hub: &StoredHub) -> Option<String> {
    hub.hub.url.as_deref().and_then(|url| url_key(url).ok())
}

/// What Looker finds at a hub's address: an entry of `fixtures/looker_catalogue.json`, or a
/// failed fetch.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fetched {
    /// The address.
    url: String,
    label: String,
    #[serde(default)]
    legal_agreement_text: Option<String>,
    /// Integrations with their names as ids (`webhook_post`), not yet of any hub.
    pub(crate) integrations: Vec<Integration>,
    #[serde(skip)]
    fetch_error_message: Option<String>,
}

/// What the built-in catalogue holds: the demo's hubs, with their integrations, and the
/// addresses of `fixtures/looker_catalogue.json`.
pub(crate) fn catalogue() -> Vec<Fetched> {
    let demo_integrations = demo_integrations();
    let demo = demo_hub_fixtures().into_iter().map(|fixture| {
        let hub = fixture.hub;
        Fetched {
            url: hub.url.unwrap_or_default(),
            label: hub.label.unwrap_or_default(),
            legal_agreement_text: hub.legal_agreement_text,
            integrations: demo_integrations
                .iter()
                .filter(|i| i.integration_hub_id.is_some() && i.integration_hub_id == hub.id)
                .cloned()
                .collect(),
            fetch_error_message: None,
        }
    });
    let others: Vec<Fetched> = LOOKER_CATALOGUE.read();
    demo.chain(others).collect()
}

/// What the built-in catalogue holds for the address with `key`, or a failed fetch.
fn fetch(key: &str) -> Fetched {
    if let Some(found) = catalogue()
        .into_iter()
        .find(|entry| url_key(&entry.url).ok().as_deref() == Some(key))
    {
        return found;
    }
    let host = Url::parse(key)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    Fetched {
        url: key.to_owned(),
        label: host.clone(),
        legal_agreement_text: None,
        integrations: Vec::new(),
        fetch_error_message: Some(format!(
            "Could not fetch the integration hub's description from {host}: the connection was \
             refused."
        )),
    }
}

/// `template` as an integration of hub `hub_id`, as Looker lists one it has just fetched:
/// disabled, its params without values, no delegate OAuth target installed.
fn fetched_integration(template: &Integration, hub_id: &str) -> Integration {
    let mut integration = template.clone();
    let name = template
        .id
        .as_deref()
        .map(|id| id.rsplit("::").next().unwrap_or(id))
        .unwrap_or_default()
        .to_owned();
    integration.id = Some(format!("{hub_id}::{name}"));
    integration.integration_hub_id = Some(hub_id.to_owned());
    integration.enabled = Some(false);
    integration.installed_delegate_oauth_targets.clear();
    for param in &mut integration.params {
        param.value = None;
        param.has_value = Some(false);
    }
    integration
}

impl Store {
    fn hub_position(&self, id: &str) -> Option<usize> {
        self.hubs.iter().position(|h| h.id() == Some(id))
    }

    /// The hub `id`.
    pub(crate) fn hub(&self, id: &str) -> Option<&StoredHub> {
        self.hubs.iter().find(|h| h.id() == Some(id))
    }

    /// The hub `id`, to change.
    pub(crate) fn hub_mut(&mut self, id: &str) -> Option<&mut StoredHub> {
        self.hubs.iter_mut().find(|h| h.id() == Some(id))
    }

    /// Whether a hub other than `except` has the address with `key`.
    fn url_taken(&self, key: &str, except: Option<&str>) -> bool {
        self.hubs
            .iter()
            .filter(|h| except.is_none() || h.id() != except)
            .any(|h| stored_key(h).as_deref() == Some(key))
    }

    /// Registers a hub: 409 when a hub has that address already, else the hub with what its
    /// address gave (its integrations are added to the store).
    pub(crate) fn create_hub(&mut self, changes: HubChanges) -> Result<IntegrationHub, HubRefusal> {
        let Some((url, key)) = changes.url else {
            // `parse_hub_body` refuses a create without a url.
            return Err(HubRefusal::Invalid(vec![field_error(
                "url",
                "missing",
                "url is required: the address of the integration hub.",
            )]));
        };
        if self.url_taken(&key, None) {
            return Err(HubRefusal::Conflict(
                "An integration hub with this url already exists.".to_owned(),
            ));
        }
        let id = self.next_hub_id.to_string();
        self.next_hub_id = self.next_hub_id.saturating_add(1);
        let token = match changes.token {
            TokenChange::Leave => None,
            TokenChange::Set(token) => token,
        };
        let mut stored = StoredHub::new(
            IntegrationHub {
                can: hub_can(false),
                id: Some(id.clone()),
                url: Some(url),
                official: Some(false),
                legal_agreement_signed: Some(false),
                ..blank_hub()
            },
            token,
        );
        self.refetch(&mut stored, &key);
        let hub = stored.hub.clone();
        self.hubs.push(stored);
        Ok(hub)
    }

    /// What its address gives `hub` (label, agreement, fetch error) and its integrations:
    /// those the address offers, the ones the hub had already kept with their settings.
    fn refetch(&mut self, hub: &mut StoredHub, key: &str) {
        let id = hub.id().unwrap_or_default().to_owned();
        let fetched = fetch(key);
        hub.hub.label = Some(fetched.label);
        hub.hub.fetch_error_message = fetched.fetch_error_message;
        hub.hub.legal_agreement_required = Some(fetched.legal_agreement_text.is_some());
        hub.hub.legal_agreement_text = fetched.legal_agreement_text;
        hub.hub.legal_agreement_signed = Some(false);
        let offered: Vec<Integration> = fetched
            .integrations
            .iter()
            .map(|template| fetched_integration(template, &id))
            .collect();
        let mut kept: Vec<Integration> = Vec::new();
        self.integrations.retain(|i| {
            if i.integration_hub_id.as_deref() != Some(id.as_str()) {
                return true;
            }
            if offered.iter().any(|o| o.id == i.id) {
                kept.push(i.clone());
            }
            false
        });
        for integration in offered {
            match kept.iter().position(|k| k.id == integration.id) {
                Some(position) => self.integrations.push(kept.swap_remove(position)),
                None => self.integrations.push(integration),
            }
        }
        self.reindex();
    }

    /// Applies an update `body` to hub `id`: 404 for an unknown hub, 422 for a wrong body (the
    /// official hub's address cannot change; an address another hub has is refused). A new
    /// address is fetched again.
    pub(crate) fn update_hub(
        &mut self,
        id: &str,
        body: &Map<String, Value>,
    ) -> Result<IntegrationHub, HubRefusal> {
        let position = self.hub_position(id).ok_or(HubRefusal::NotFound)?;
        let changes = parse_hub_body(body, false).map_err(HubRefusal::Invalid)?;
        let mut stored = self.hubs[position].clone();
        let mut refetch = None;
        if let Some((url, key)) = changes.url {
            if stored_key(&stored).as_deref() != Some(key.as_str()) {
                if stored.official() {
                    return Err(HubRefusal::Invalid(vec![field_error(
                        "url",
                        "invalid",
                        "The url of Looker's official integration hub cannot be changed.",
                    )]));
                }
                if self.url_taken(&key, Some(id)) {
                    return Err(HubRefusal::Invalid(vec![field_error(
                        "url",
                        "already_exists",
                        "Another integration hub has this url.",
                    )]));
                }
                refetch = Some(key);
            }
            stored.hub.url = Some(url);
        }
        if let TokenChange::Set(token) = changes.token {
            stored.set_token(token);
        }
        if let Some(key) = refetch {
            self.refetch(&mut stored, &key);
        }
        let hub = stored.hub.clone();
        self.hubs[position] = stored;
        Ok(hub)
    }

    /// Removes hub `id` and its integrations: 404 for an unknown hub, 400 for the official one.
    pub(crate) fn delete_hub(&mut self, id: &str) -> Result<(), HubRefusal> {
        let position = self.hub_position(id).ok_or(HubRefusal::NotFound)?;
        if self.hubs[position].official() {
            return Err(HubRefusal::BadRequest(
                "Looker's official integration hub cannot be deleted.".to_owned(),
            ));
        }
        self.hubs.remove(position);
        self.integrations
            .retain(|i| i.integration_hub_id.as_deref() != Some(id));
        self.reindex();
        Ok(())
    }

    /// Accepts the legal agreement of hub `id`: 404 for an unknown hub, 422 when it has no
    /// agreement or it was accepted already.
    pub(crate) fn accept_legal_agreement(
        &mut self,
        id: &str,
    ) -> Result<IntegrationHub, HubRefusal> {
        let stored = self.hub_mut(id).ok_or(HubRefusal::NotFound)?;
        let refuse = |message: &str| {
            HubRefusal::Invalid(vec![field_error(
                "legal_agreement_signed",
                "invalid",
                message,
            )])
        };
        if stored.hub.legal_agreement_required != Some(true) {
            return Err(refuse(
                "This integration hub has no legal agreement to accept.",
            ));
        }
        if stored.hub.legal_agreement_signed == Some(true) {
            return Err(refuse(
                "The legal agreement of this integration hub was accepted already.",
            ));
        }
        stored.hub.legal_agreement_signed = Some(true);
        Ok(stored.hub.clone())
    }
}

/// `body` with the value of its `authorization_token`, if any, replaced: what the fake keeps of
/// a hub body for `last_request_body`.
pub(crate) fn redact_token(body: &Value) -> Value {
    let mut redacted = body.clone();
    if let Some(token) = redacted
        .as_object_mut()
        .and_then(|o| o.get_mut("authorization_token"))
        && token.is_string()
    {
        *token = Value::String("[redacted]".to_owned());
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value, creating: bool) -> Result<HubChanges, Vec<ValidationErrorDetail>> {
        let Value::Object(body) = body else {
            panic!("test bodies are objects")
        };
        parse_hub_body(&body, creating)
    }

    fn codes(errors: &[ValidationErrorDetail]) -> Vec<(String, String)> {
        errors
            .iter()
            .map(|e| {
                (
                    e.field.clone().unwrap_or_default(),
                    e.code.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_create_needs_a_url_that_is_an_http_address_without_credentials() {
        for (body, code) in [
            (json!({}), "missing"),
            (json!({"url": null}), "missing"),
            (json!({"url": "  "}), "missing"),
            (json!({"url": "not a url"}), "invalid"),
            (json!({"url": "ftp://hub.example.com"}), "invalid"),
            (json!({"url": "https://user:pw@hub.example.com"}), "invalid"),
            (json!({"url": 5}), "invalid"),
        ] {
            let errors = parse(body.clone(), true).err().expect("refused");
            assert_eq!(codes(&errors), vec![("url".into(), code.into())], "{body}");
        }
        assert!(parse(json!({"url": "https://hub.example.com/"}), true).is_ok());
        // An update may leave the url out, but not remove it.
        assert!(parse(json!({}), false).is_ok());
        assert!(parse(json!({"url": null}), false).is_err());
    }

    #[test]
    fn a_wrong_token_is_refused_without_being_quoted() {
        let errors = parse(
            json!({"url": "https://hub.example.com", "authorization_token": 918273645}),
            true,
        )
        .err()
        .expect("refused");
        assert_eq!(
            codes(&errors),
            vec![("authorization_token".into(), "invalid".into())]
        );
        let text = serde_json::to_string(&errors).expect("json");
        assert!(!text.contains("918273645"), "{text}");
        let errors = parse(json!({"url": "https://user:s3cr3t@hub.example.com"}), true)
            .err()
            .expect("refused");
        assert!(
            !serde_json::to_string(&errors)
                .expect("json")
                .contains("s3cr3t")
        );
    }

    #[test]
    fn addresses_compare_by_scheme_host_and_path_without_a_trailing_slash() {
        let key = |url| url_key(url).ok();
        assert_eq!(key("https://Actions.Looker.com/"), key(OFFICIAL_HUB_URL));
        assert_eq!(
            key(" https://actions.looker.com "),
            Some(OFFICIAL_HUB_URL.into())
        );
        assert_ne!(key("http://actions.looker.com"), key(OFFICIAL_HUB_URL));
    }

    #[test]
    fn stored_hubs_never_show_their_token_in_debug() {
        let hub = StoredHub::new(blank_hub(), Some("tok-5ecret".into()));
        assert_eq!(hub.hub.has_authorization_token, Some(true));
        let debug = format!("{hub:?}");
        assert!(!debug.contains("tok-5ecret"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        assert_eq!(
            StoredHub::new(blank_hub(), Some(String::new()))
                .hub
                .has_authorization_token,
            Some(false)
        );
        // A token among the unknown members never reaches the wire.
        let mut slipped = blank_hub();
        slipped
            .extra
            .insert("authorization_token".into(), json!("tok-extra"));
        let hub = StoredHub::new(slipped, None);
        assert!(hub.hub.extra.is_empty());
        assert_eq!(hub.authorization_token.as_deref(), Some("tok-extra"));
        assert_eq!(hub.hub.has_authorization_token, Some(true));
        assert_eq!(
            redact_token(&json!({"url": "u", "authorization_token": "tok-5ecret"})),
            json!({"url": "u", "authorization_token": "[redacted]"})
        );
    }

    #[test]
    fn known_addresses_give_their_catalogue_and_others_a_failed_fetch() {
        let example = fetch(EXAMPLE_HUB_URL);
        assert_eq!(example.label, "Example Action Hub");
        assert_eq!(example.integrations.len(), 2);
        assert_eq!(example.fetch_error_message, None);
        let partner = fetch(PARTNER_HUB_URL);
        assert!(partner.legal_agreement_text.is_some());
        let ops = fetch(OPS_HUB_URL);
        assert_eq!(ops.integrations.len(), 2);
        assert!(ops.legal_agreement_text.is_some());
        assert_eq!(fetch(ACME_HUB_URL).label, "ACME actions");
        assert_eq!(fetch(OFFICIAL_HUB_URL).label, "Looker Action Hub");
        // Every address of the catalogue answers, and no two share one.
        let keys: std::collections::HashSet<_> =
            catalogue().iter().map(|e| url_key(&e.url).ok()).collect();
        assert_eq!(keys.len(), catalogue().len());
        assert!(!keys.contains(&None));
        let unknown = fetch("https://nowhere.example.org");
        assert!(unknown.integrations.is_empty());
        assert!(
            unknown
                .fetch_error_message
                .is_some_and(|m| m.contains("nowhere.example.org"))
        );
        let fresh = fetched_integration(&ops.integrations[0], "9");
        assert_eq!(fresh.id.as_deref(), Some("9::datadog_event"));
        assert_eq!(fresh.enabled, Some(false));
        assert!(fresh.params.iter().all(|p| p.value.is_none()));
    }
}
