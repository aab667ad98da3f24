//! The one model of an integration, whichever vendor it comes from.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::raw::RawRecord;

/// A platform that hosts integrations.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Vendor {
    /// Looker (API 4.0).
    Looker,
    /// Torq (public API v1alpha).
    Torq,
}

impl Vendor {
    /// Every vendor.
    pub const ALL: [Vendor; 2] = [Vendor::Looker, Vendor::Torq];

    /// The vendor's name as used in ids and configuration (`looker`, `torq`).
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Looker => "looker",
            Vendor::Torq => "torq",
        }
    }
}

/// Implements `Display` for a type named by one of its methods (`$ty::$name(self) -> &str`).
macro_rules! display_as {
    ($ty:ty, $name:ident) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$name())
            }
        }
    };
}

pub(crate) use display_as;

display_as!(Vendor, as_str);

/// The one of `all` that `name` calls `s` (in any case, blanks around `s` ignored).
pub(crate) fn by_name<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, s: &str) -> Option<T> {
    let s = s.trim();
    all.iter()
        .copied()
        .find(|t| name(*t).eq_ignore_ascii_case(s))
}

impl FromStr for Vendor {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "looker" => Ok(Vendor::Looker),
            "torq" => Ok(Vendor::Torq),
            _ => Err(Error::InvalidId {
                input: s.to_owned(),
                reason: "unknown vendor: expected `looker` or `torq`".into(),
            }),
        }
    }
}

/// A vendor-qualified integration id: `looker:1::slack`, `torq:d7639fb8-…`.
///
/// The part after the first `:` is the vendor's own id, kept verbatim.
///
/// ```
/// use integrations::{IntegrationId, Vendor};
///
/// let id: IntegrationId = "looker:1::slack".parse()?;
/// assert_eq!(id.vendor(), Vendor::Looker);
/// assert_eq!(id.vendor_id(), "1::slack");
/// assert_eq!(id.to_string(), "looker:1::slack");
/// assert!("slack".parse::<IntegrationId>().is_err());
/// # Ok::<(), integrations::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntegrationId {
    vendor: Vendor,
    id: String,
}

impl IntegrationId {
    /// An id of `vendor` whose own id is `id`. Fails on an id that cannot be sent in a URL path
    /// segment (empty, `.` or `..`, or holding control characters).
    pub fn new(vendor: Vendor, id: impl Into<String>) -> Result<Self, Error> {
        let id = id.into();
        let reason = if id.is_empty() {
            Some("the vendor id is empty")
        } else if id == "." || id == ".." {
            Some("`.` and `..` cannot be sent as a path segment")
        } else if id.chars().any(char::is_control) {
            Some("the vendor id holds control characters")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::InvalidId {
                input: format!("{vendor}:{id}"),
                reason: reason.into(),
            }),
            None => Ok(Self { vendor, id }),
        }
    }

    /// The vendor.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The vendor's own id.
    pub fn vendor_id(&self) -> &str {
        &self.id
    }
}

impl fmt::Display for IntegrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.vendor, self.id)
    }
}

impl FromStr for IntegrationId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((vendor, id)) = s.split_once(':') else {
            return Err(Error::InvalidId {
                input: s.to_owned(),
                reason: "expected `<vendor>:<id>`, e.g. `looker:1::slack` or `torq:<uuid>`".into(),
            });
        };
        let vendor: Vendor = vendor.parse().map_err(|_| Error::InvalidId {
            input: s.to_owned(),
            reason: format!("unknown vendor `{vendor}`: expected `looker` or `torq`"),
        })?;
        IntegrationId::new(vendor, id)
    }
}

/// Described as the string it serializes to.
impl JsonSchema for IntegrationId {
    fn schema_name() -> String {
        "IntegrationId".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, SchemaObject, StringValidation};
        SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "A vendor-qualified integration id: `looker:<id>` (e.g. `looker:1::slack`) or `torq:<uuid>`.".into(),
                ),
                ..Metadata::default()
            })),
            instance_type: Some(InstanceType::String.into()),
            string: Some(Box::new(StringValidation {
                pattern: Some("^(looker|torq):.+$".into()),
                ..StringValidation::default()
            })),
            ..SchemaObject::default()
        }
        .into()
    }
}

impl Serialize for IntegrationId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IntegrationId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An integration, in the same shape for every vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Integration {
    /// Vendor-qualified id.
    pub id: IntegrationId,
    /// Human-readable name (Looker `label`, Torq `display_name`).
    pub name: String,
    /// What it does, when the vendor says.
    pub description: Option<String>,
    /// Whether it is enabled; `None` for vendors without the notion (Torq).
    pub enabled: Option<bool>,
    /// The vendor's grouping: Looker's integration hub id, Torq's integration type (`webhook`).
    pub kind: Option<String>,
    /// When it was created, when the vendor says (Torq).
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last used, when the vendor says (Torq).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Its settings (Looker params); empty for vendors without them.
    pub parameters: Vec<Parameter>,
    /// The vendor's full record, every member it sent included (sensitive values excepted).
    pub raw: RawRecord,
}

impl Integration {
    /// An integration with `id` and `name`, nothing else known: no description, kind,
    /// timestamps or parameters, `enabled` unknown, and a raw record holding only the vendor id.
    /// Set the other fields after (they are public), e.g. for a test double.
    pub fn new(id: IntegrationId, name: impl Into<String>) -> Self {
        let raw = serde_json::json!({ "id": id.vendor_id() }).into();
        Self {
            id,
            name: name.into(),
            description: None,
            enabled: None,
            kind: None,
            created_at: None,
            last_used_at: None,
            parameters: Vec::new(),
            raw,
        }
    }
}

/// One setting of an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Parameter {
    /// Name; identifies it in an update.
    pub name: String,
    /// Human-readable name.
    pub label: Option<String>,
    /// Whether it must have a value for the integration to work.
    pub required: bool,
    /// Whether its value is a secret; a secret's value is never returned.
    pub sensitive: bool,
    /// Whether it has a value (also for secrets, whose value is not shown).
    pub has_value: bool,
    /// Its value, when it has one and is not sensitive.
    pub value: Option<String>,
    /// The user attribute its value comes from, if bound to one.
    pub user_attribute: Option<String>,
    /// Whether each user supplies their own value.
    pub per_user: bool,
}

impl Parameter {
    /// A parameter named `name`: optional, not sensitive, without a value.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            label: None,
            required: false,
            sensitive: false,
            has_value: false,
            value: None,
            user_attribute: None,
            per_user: false,
        }
    }
}

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListFilter {
    /// Only integrations of this kind: Looker's `integration_hub_id`, Torq's `type_id`.
    pub kind: Option<String>,
}

impl ListFilter {
    /// Every integration.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only integrations of `kind`.
    pub fn kind(kind: impl Into<String>) -> Self {
        Self {
            kind: Some(kind.into()),
        }
    }
}

/// A change to an integration. Only what is set here is sent.
///
/// ```
/// use integrations::{IntegrationPatch, ParamChange};
///
/// let patch = IntegrationPatch::new()
///     .enabled(true)
///     .param("token", ParamChange::set("xoxb-secret"))
///     .param("channel", ParamChange::clear())
///     .param("owner", ParamChange::bind_user_attribute("email"));
/// assert!(!format!("{patch:?}").contains("xoxb-secret"));
/// ```
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct IntegrationPatch {
    /// Enable or disable; `None` leaves it.
    pub enabled: Option<bool>,
    /// Changes per parameter name.
    pub params: BTreeMap<String, ParamChange>,
    /// Replace the installed delegate OAuth targets; `None` leaves them, an empty list removes
    /// them all.
    pub delegate_oauth_targets: Option<Vec<String>>,
}

impl IntegrationPatch {
    /// A patch that changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enables (`true`) or disables (`false`).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Changes parameter `name`.
    pub fn param(mut self, name: impl Into<String>, change: ParamChange) -> Self {
        self.params.insert(name.into(), change);
        self
    }

    /// Replaces the installed delegate OAuth targets (an empty list removes them all).
    pub fn delegate_oauth_targets(mut self, targets: Vec<String>) -> Self {
        self.delegate_oauth_targets = Some(targets);
        self
    }

    /// Removes every installed delegate OAuth target (sends an empty list).
    pub fn clear_delegate_oauth_targets(self) -> Self {
        self.delegate_oauth_targets(Vec::new())
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.enabled.is_none() && self.params.is_empty() && self.delegate_oauth_targets.is_none()
    }

    /// The values the patch sets, which no error about it may quote back.
    pub(crate) fn secret_values(&self) -> Vec<SecretString> {
        self.params
            .values()
            .filter_map(|change| match &change.value {
                ValueChange::Set(value) => Some(value.clone()),
                ValueChange::Leave | ValueChange::Clear => None,
            })
            .collect()
    }
}

/// A change to one parameter: its value, its user-attribute binding, or both.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ParamChange {
    /// What to do with the value.
    pub value: ValueChange,
    /// What to do with its binding to a user attribute.
    pub user_attribute: BindingChange,
}

impl ParamChange {
    /// Sets the value (kept secret: it never appears in `Debug` output).
    pub fn set(value: impl Into<String>) -> Self {
        Self {
            value: ValueChange::Set(SecretString::from(value.into())),
            user_attribute: BindingChange::Leave,
        }
    }

    /// Clears the value.
    pub fn clear() -> Self {
        Self {
            value: ValueChange::Clear,
            user_attribute: BindingChange::Leave,
        }
    }

    /// Takes the value from user attribute `name` from now on.
    pub fn bind_user_attribute(name: impl Into<String>) -> Self {
        Self {
            value: ValueChange::Leave,
            user_attribute: BindingChange::Bind(name.into()),
        }
    }

    /// Stops taking the value from a user attribute: the parameter's own value applies again
    /// (Looker: `user_attribute_name: null`).
    pub fn unbind_user_attribute() -> Self {
        Self {
            value: ValueChange::Leave,
            user_attribute: BindingChange::Unbind,
        }
    }
}

/// What to do with a parameter's binding to a user attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindingChange {
    /// Keep it as it is.
    #[default]
    Leave,
    /// Take the value from this user attribute.
    Bind(String),
    /// Use the parameter's own value again.
    Unbind,
}

/// What to do with a parameter's value.
#[derive(Debug, Default)]
#[non_exhaustive]
pub enum ValueChange {
    /// Keep it as it is.
    #[default]
    Leave,
    /// Remove it.
    Clear,
    /// Replace it.
    Set(SecretString),
}

impl ValueChange {
    /// The value to put on the wire: absent (leave), `""` (clear) or the new value.
    pub(crate) fn wire(&self) -> Option<String> {
        match self {
            ValueChange::Leave => None,
            ValueChange::Clear => Some(String::new()),
            ValueChange::Set(v) => Some(v.expose_secret().to_owned()),
        }
    }
}

/// The outcome of testing an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TestOutcome {
    /// Whether the test passed.
    pub success: bool,
    /// What the vendor said.
    pub message: Option<String>,
    /// The vendor's full answer.
    pub raw: serde_json::Value,
}

impl TestOutcome {
    /// An outcome: passed or not, with what the vendor said; `raw` holds the same as JSON.
    pub fn new(success: bool, message: Option<String>) -> Self {
        let raw = serde_json::json!({ "success": success, "message": message });
        Self {
            success,
            message,
            raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_print_and_refuse_what_cannot_be_sent() {
        let id: IntegrationId = "torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a".parse().unwrap();
        assert_eq!(id.vendor(), Vendor::Torq);
        assert_eq!(id.to_string(), "torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a");
        let odd: IntegrationId = "looker:a/b?c d".parse().unwrap();
        assert_eq!(odd.vendor_id(), "a/b?c d");
        for bad in [
            "slack",
            "github:x",
            "looker:",
            "looker:..",
            "looker:.",
            "looker:a\nb",
        ] {
            assert!(
                matches!(bad.parse::<IntegrationId>(), Err(Error::InvalidId { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn ids_round_trip_through_serde_as_strings() {
        let id: IntegrationId = "looker:1::slack".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"looker:1::slack\"");
        assert_eq!(serde_json::from_str::<IntegrationId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IntegrationId>("\"nope\"").is_err());
    }

    #[test]
    fn the_id_schema_is_the_string_it_serializes_to() {
        let schema = serde_json::to_value(schemars::schema_for!(IntegrationId)).unwrap();
        assert_eq!(schema["type"], "string");
        let pattern = schema["pattern"].as_str().unwrap();
        assert_eq!(pattern, "^(looker|torq):.+$");
    }

    #[test]
    fn integrations_round_trip_through_serde() {
        let integration = Integration {
            id: "looker:1::slack".parse().unwrap(),
            name: "Slack".into(),
            description: None,
            enabled: Some(true),
            kind: Some("1".into()),
            created_at: Some("2022-03-09T08:40:18.490771179Z".parse().unwrap()),
            last_used_at: None,
            parameters: vec![Parameter {
                name: "token".into(),
                label: Some("Token".into()),
                required: true,
                sensitive: true,
                has_value: true,
                value: None,
                user_attribute: None,
                per_user: false,
            }],
            raw: serde_json::json!({"id": "1::slack", "new_field": [1, 2]}).into(),
        };
        let json = serde_json::to_string(&integration).unwrap();
        assert_eq!(
            serde_json::from_str::<Integration>(&json).unwrap(),
            integration
        );
    }

    #[test]
    fn value_changes_are_distinct_on_the_wire_and_secret_in_debug() {
        assert_eq!(ValueChange::Leave.wire(), None);
        assert_eq!(ValueChange::Clear.wire(), Some(String::new()));
        let set = ParamChange::set("hunter2");
        assert_eq!(set.value.wire(), Some("hunter2".into()));
        assert!(!format!("{set:?}").contains("hunter2"));
    }
}
