//! [`LookerSeed`]: the API key, the integration hubs and the integrations a Looker fake starts
//! with, either a realistic instance ([`LookerSeed::demo`]) or any number of generated ones
//! ([`LookerSeed::synthetic`]).

use std::collections::BTreeMap;
use std::fmt;

use looker_api::types::{Integration, IntegrationHub, IntegrationParam, IntegrationRequiredField};
use serde_json::Map;

use super::hubs::{ACME_HUB_URL, OFFICIAL_HUB_URL, OPS_HUB_URL, OPS_LEGAL_AGREEMENT};

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
}

impl fmt::Debug for HubSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubSeed")
            .field("hub", &self.hub)
            .field(
                "authorization_token",
                &self.authorization_token.as_ref().map(|_| "[redacted]"),
            )
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
    /// authorization token; `3`, the Ops team's hub, whose legal agreement is required and not
    /// accepted yet.
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
            integrations: (0..n).map(synthetic_integration).collect(),
        }
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

/// A usable hub (fetched, no legal agreement) with no token.
pub(crate) fn hub(id: &str, label: &str, url: &str, official: bool) -> IntegrationHub {
    IntegrationHub {
        can: hub_can(official),
        id: Some(id.to_owned()),
        label: Some(label.to_owned()),
        url: Some(url.to_owned()),
        official: Some(official),
        has_authorization_token: Some(false),
        legal_agreement_required: Some(false),
        legal_agreement_signed: Some(false),
        ..blank_hub()
    }
}

fn demo_hubs() -> Vec<HubSeed> {
    let mut ops = hub("3", "Ops tools", OPS_HUB_URL, false);
    ops.legal_agreement_required = Some(true);
    ops.legal_agreement_text = Some(OPS_LEGAL_AGREEMENT.to_owned());
    vec![
        HubSeed {
            hub: hub("1", "Looker Action Hub", OFFICIAL_HUB_URL, true),
            authorization_token: None,
        },
        HubSeed {
            hub: hub("2", "ACME actions", ACME_HUB_URL, false),
            authorization_token: Some("acme-hub-7Qx2Lp9VzR4mT8sKd3Wf".to_owned()),
        },
        HubSeed {
            hub: ops,
            authorization_token: None,
        },
    ]
}

fn synthetic_hubs() -> Vec<HubSeed> {
    let mut hubs = vec![HubSeed {
        hub: hub("1", "Looker Action Hub", OFFICIAL_HUB_URL, true),
        authorization_token: None,
    }];
    hubs.extend((2..=8).map(|n| HubSeed {
        hub: hub(
            &n.to_string(),
            &format!("Synthetic hub {n}"),
            &format!("https://hub{n}.example.com"),
            false,
        ),
        authorization_token: (n % 2 == 0).then(|| format!("synthetic-hub-token-{n}")),
    }));
    hubs
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

fn required_field(tag: Option<&str>, any_tag: Option<&[&str]>) -> IntegrationRequiredField {
    IntegrationRequiredField {
        all_tags: None,
        any_tag: any_tag.map(strings),
        tag: tag.map(str::to_owned),
        extra: Map::new(),
    }
}

/// A param under construction.
pub(crate) struct Param(IntegrationParam);

impl Param {
    pub(crate) fn new(name: &str, label: &str, description: &str) -> Self {
        Self(IntegrationParam {
            name: Some(name.to_owned()),
            label: Some(label.to_owned()),
            description: Some(description.to_owned()),
            required: Some(false),
            sensitive: Some(false),
            per_user: Some(false),
            has_value: Some(false),
            ..blank_param()
        })
    }
    pub(crate) fn required(mut self) -> Self {
        self.0.required = Some(true);
        self
    }
    pub(crate) fn sensitive(mut self) -> Self {
        self.0.sensitive = Some(true);
        self
    }
    fn per_user(mut self, attribute: &str) -> Self {
        self.0.per_user = Some(true);
        self.0.user_attribute_name = Some(attribute.to_owned());
        self
    }
    fn value(mut self, value: &str) -> Self {
        self.0.value = Some(value.to_owned());
        self.0.has_value = Some(true);
        self
    }
    fn delegate_oauth_url(mut self, url: &str) -> Self {
        self.0.delegate_oauth_url = Some(url.to_owned());
        self
    }
}

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

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn can() -> BTreeMap<String, bool> {
    ["show", "index", "update", "test"]
        .into_iter()
        .map(|op| (op.to_owned(), true))
        .collect()
}

/// An enabled integration of `hub` with Looker's usual capabilities and no params.
pub(crate) fn integration(hub: &str, name: &str, label: &str, description: &str) -> Integration {
    let icon_url = (hub == "1").then(|| format!("https://actions.looker.com/actions/{name}/icon"));
    Integration {
        can: can(),
        id: Some(format!("{hub}::{name}")),
        integration_hub_id: Some(hub.to_owned()),
        label: Some(label.to_owned()),
        description: Some(description.to_owned()),
        enabled: Some(true),
        supported_formats: strings(QUERY_FORMATS),
        supported_action_types: strings(&["query", "dashboard"]),
        supported_formattings: strings(&["formatted", "unformatted"]),
        supported_visualization_formattings: strings(&["apply", "noapply"]),
        supported_download_settings: strings(&["push", "url"]),
        icon_url,
        uses_oauth: Some(false),
        delegate_oauth: Some(false),
        ..blank_integration()
    }
}

pub(crate) fn with_params(mut integration: Integration, params: Vec<Param>) -> Integration {
    integration.params = params.into_iter().map(|p| p.0).collect();
    integration
}

fn tag(tag: &str) -> IntegrationRequiredField {
    required_field(Some(tag), None)
}

pub(crate) fn demo_integrations() -> Vec<Integration> {
    let mut all = Vec::new();

    let mut slack = with_params(
        integration(
            "1",
            "slack",
            "Slack",
            "Send data to Slack channels and direct messages with the Looker app.",
        ),
        vec![
            Param::new(
                "install",
                "Slack workspace",
                "Install the Looker app in a Slack workspace.",
            )
            .delegate_oauth_url("https://actions.looker.com/actions/slack/oauth"),
        ],
    );
    slack.delegate_oauth = Some(true);
    slack.installed_delegate_oauth_targets = strings(&["T04ACME0001"]);
    slack.privacy_link = Some("https://slack.com/trust/privacy/privacy-policy".into());
    all.push(slack);

    let mut sheets = with_params(
        integration(
            "1",
            "google_sheets",
            "Google Sheets",
            "Write query results to a Google Sheets spreadsheet.",
        ),
        vec![
            Param::new(
                "google_oauth_state",
                "Google account",
                "OAuth state of the user's Google account.",
            )
            .sensitive()
            .per_user("google_sheets_state"),
        ],
    );
    sheets.uses_oauth = Some(true);
    sheets.supported_action_types = strings(&["query"]);
    sheets.supported_formats = strings(&["csv"]);
    sheets.supported_download_settings = strings(&["url"]);
    all.push(sheets);

    all.push(with_params(
        integration(
            "1",
            "segment_event",
            "Segment",
            "Add traits to Segment users via identify calls.",
        ),
        vec![
            Param::new(
                "segment_write_key",
                "Segment Write Key",
                "A write key for Segment.",
            )
            .required()
            .sensitive()
            .value("wk_live_4Hc2ZpQe9sT0vXb7"),
        ],
    ));

    all.push(with_params(
        integration(
            "1",
            "sendgrid",
            "SendGrid",
            "Send data files to an email address via SendGrid.",
        ),
        vec![
            Param::new(
                "sendgrid_api_key",
                "SendGrid API Key",
                "An API key for SendGrid with Mail Send access.",
            )
            .required()
            .sensitive()
            .value("SG.fake1234.abcdEFGHijklMNOPqrst"),
        ],
    ));

    let mut twilio = with_params(
        integration(
            "1",
            "twilio",
            "Twilio",
            "Send a message to phone numbers with Twilio.",
        ),
        vec![
            Param::new(
                "accountSid",
                "Account SID",
                "The SID of the Twilio account.",
            )
            .required()
            .value("AC5f0e3f6a2b7c4d1e8f9a0b1c2d3e4f5a"),
            Param::new(
                "authToken",
                "Auth Token",
                "The auth token of the Twilio account.",
            )
            .required()
            .sensitive()
            .value("tw_auth_0f1e2d3c4b5a69788796a5b4"),
            Param::new(
                "from",
                "Twilio Phone Number",
                "The number messages are sent from.",
            )
            .required()
            .value("+15005550006"),
        ],
    );
    twilio.supported_action_types = strings(&["cell", "query"]);
    twilio.required_fields = vec![tag("phone")];
    all.push(twilio);

    all.push(with_params(
        integration(
            "1",
            "airtable",
            "Airtable",
            "Add records to an Airtable table.",
        ),
        vec![
            Param::new(
                "airtable_api_key",
                "Airtable API Key",
                "Each user's Airtable API key, from their user attribute.",
            )
            .required()
            .sensitive()
            .per_user("airtable_api_key"),
        ],
    ));

    let mut dropbox = with_params(
        integration(
            "1",
            "dropbox",
            "Dropbox",
            "Send query results and dashboards to Dropbox.",
        ),
        vec![
            Param::new(
                "state",
                "Dropbox account",
                "OAuth state of the user's Dropbox account.",
            )
            .sensitive()
            .per_user("dropbox_state"),
        ],
    );
    dropbox.uses_oauth = Some(true);
    dropbox.enabled = Some(false);
    all.push(dropbox);

    let mut teams_webhook = integration(
        "1",
        "teams_incomingwebhook",
        "Microsoft Teams - Incoming Webhook",
        "Send a link to the data to a Microsoft Teams channel.",
    );
    teams_webhook.supported_formats = strings(&["txt"]);
    teams_webhook.enabled = Some(false);
    all.push(teams_webhook);

    let mut hubspot = with_params(
        integration(
            "1",
            "hubspot_contacts",
            "HubSpot Contacts",
            "Update properties of HubSpot contacts.",
        ),
        vec![
            Param::new(
                "hubspot_api_key",
                "HubSpot API Key",
                "A private app access token for HubSpot.",
            )
            .required()
            .sensitive(),
        ],
    );
    hubspot.enabled = Some(false);
    hubspot.supported_action_types = strings(&["query"]);
    hubspot.required_fields = vec![tag("hubspot_contact_id")];
    all.push(hubspot);

    let mut braze = with_params(
        integration(
            "1",
            "braze",
            "Braze",
            "Flag Braze users from query results.",
        ),
        vec![
            Param::new(
                "braze_api_key",
                "Braze API Key",
                "A REST API key for Braze.",
            )
            .required()
            .sensitive()
            .value("b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e"),
            Param::new(
                "braze_api_endpoint",
                "Braze REST Endpoint",
                "The REST endpoint of the Braze instance.",
            )
            .required()
            .value("https://rest.iad-01.braze.com"),
        ],
    );
    braze.supported_action_types = strings(&["query"]);
    braze.required_fields = vec![required_field(None, Some(&["braze_id", "external_id"]))];
    all.push(braze);

    let mut marketo = with_params(
        integration("1", "marketo", "Marketo", "Add leads to Marketo campaigns."),
        vec![
            Param::new(
                "url",
                "Munchkin Account URL",
                "The REST endpoint of the account.",
            )
            .required()
            .value("https://123-ABC-456.mktorest.com"),
            Param::new("clientID", "Client ID", "Client ID of a Marketo API user.")
                .required()
                .value("4d5e6f70-8192-4a3b-9c4d-5e6f70819203"),
            Param::new(
                "clientSecret",
                "Client Secret",
                "Client secret of that API user.",
            )
            .required()
            .sensitive(),
        ],
    );
    marketo.supported_action_types = strings(&["query"]);
    marketo.required_fields = vec![tag("marketo:lead_id")];
    all.push(marketo);

    let mut google_ads = with_params(
        integration(
            "1",
            "google_ads_customer_match",
            "Google Ads Customer Match",
            "Upload audiences to Google Ads Customer Match.",
        ),
        vec![
            Param::new(
                "doHashing",
                "Hash data",
                "Whether to hash personal data before upload.",
            )
            .value("yes"),
            Param::new(
                "ads_state",
                "Google Ads account",
                "OAuth state of the user's Google Ads account.",
            )
            .sensitive()
            .per_user("google_ads_state"),
        ],
    );
    google_ads.uses_oauth = Some(true);
    google_ads.supported_action_types = strings(&["query"]);
    all.push(google_ads);

    all.push(with_params(
        integration(
            "2",
            "acme_pagerduty_alert",
            "PagerDuty alert (ACME)",
            "Open a PagerDuty incident when a schedule's condition is met.",
        ),
        vec![
            Param::new(
                "routing_key",
                "Routing key",
                "Integration key of the PagerDuty service.",
            )
            .required()
            .sensitive()
            .value("R0UT1NGK3Y0123456789ABCDEFGHIJ"),
            Param::new("severity", "Severity", "critical, error, warning or info.")
                .value("critical"),
        ],
    ));

    let mut webhook = with_params(
        integration(
            "2",
            "acme_data_webhook",
            "ACME data webhook",
            "POST query results to ACME's ingestion service.",
        ),
        vec![
            Param::new(
                "endpoint_url",
                "Endpoint URL",
                "Where the results are posted.",
            )
            .required()
            .value("https://ingest.acme.example/looker"),
            Param::new(
                "shared_secret",
                "Shared secret",
                "Signs each request (HMAC-SHA256).",
            )
            .sensitive(),
        ],
    );
    webhook.supported_formats = strings(&["json", "json_detail", "csv"]);
    webhook.supported_download_settings = strings(&["push"]);
    all.push(webhook);

    let mut jira = with_params(
        integration(
            "2",
            "acme_jira_ticket",
            "Create Jira ticket (ACME)",
            "Open a Jira ticket with a link to the data.",
        ),
        vec![
            Param::new(
                "project_key",
                "Project key",
                "The Jira project tickets go to.",
            )
            .required()
            .value("DATA"),
            Param::new(
                "jira_api_token",
                "Jira API token",
                "Each user's own Jira token.",
            )
            .required()
            .sensitive()
            .per_user("jira_api_token"),
        ],
    );
    jira.supported_action_types = strings(&["query", "dashboard", "cell"]);
    all.push(jira);

    let mut teams_bot = with_params(
        integration(
            "2",
            "acme_teams_bot",
            "Teams bot (ACME)",
            "Post dashboards to Microsoft Teams through ACME's bot.",
        ),
        vec![
            Param::new(
                "install",
                "Teams tenant",
                "Install the bot in a Teams tenant.",
            )
            .delegate_oauth_url("https://looker-actions.acme.example/teams/oauth"),
        ],
    );
    teams_bot.delegate_oauth = Some(true);
    teams_bot.enabled = Some(false);
    all.push(teams_bot);

    let mut datadog = with_params(
        integration(
            "3",
            "datadog_event",
            "Datadog event",
            "Send an event to Datadog for each row.",
        ),
        vec![
            Param::new("api_key", "API key", "A Datadog API key.")
                .required()
                .sensitive()
                .value("dd0123456789abcdef0123456789abcd"),
            Param::new("site", "Site", "The Datadog site, e.g. datadoghq.eu.")
                .required()
                .value("datadoghq.eu"),
        ],
    );
    datadog.supported_action_types = strings(&["query"]);
    datadog.supported_formats = strings(&["json"]);
    all.push(datadog);

    let mut s3 = with_params(
        integration(
            "3",
            "amazon_s3_export",
            "Amazon S3 export",
            "Write results to an Amazon S3 bucket.",
        ),
        vec![
            Param::new("access_key_id", "Access Key ID", "ID of an IAM access key.")
                .required()
                .value("AKIAIOSFODNN7EXAMPLE"),
            Param::new(
                "secret_access_key",
                "Secret Access Key",
                "Secret of that access key.",
            )
            .required()
            .sensitive()
            .value("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            Param::new("region", "Region", "The bucket's AWS region.")
                .required()
                .value("eu-west-1"),
        ],
    );
    s3.supported_action_types = strings(&["query", "dashboard"]);
    all.push(s3);

    all
}

fn synthetic_integration(i: usize) -> Integration {
    let hub = (i % 8 + 1).to_string();
    let name = format!("synthetic_{i:06}");
    let mut secret = Param::new("api_key", "API key", "A generated secret.")
        .required()
        .sensitive();
    if !i.is_multiple_of(5) {
        secret = secret.value(&format!("secret-{i:06}"));
    }
    let mut generated = with_params(
        integration(
            &hub,
            &name,
            &format!("Synthetic integration {i}"),
            &format!("Generated integration number {i} of hub {hub}."),
        ),
        vec![
            secret,
            Param::new("endpoint", "Endpoint", "Where data goes.")
                .value(&format!("https://hub{hub}.example.com/{i}")),
            Param::new("user_token", "User token", "Each user's token.")
                .sensitive()
                .per_user("synthetic_token"),
        ],
    );
    generated.enabled = Some(!i.is_multiple_of(3));
    if i.is_multiple_of(10) {
        generated.delegate_oauth = Some(true);
        generated.installed_delegate_oauth_targets = vec![format!("T{i:08}")];
    }
    generated
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
