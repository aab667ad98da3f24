//! The vendor's own record, kept beside the model so that nothing the vendor sent is lost.

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::Schema;
use serde::{Deserialize, Serialize};

use crate::model::Vendor;

/// The vendor's full record of an integration, as its generated client decoded it: every
/// documented member, and every member the document does not know in the generated types'
/// `extra` maps.
///
/// It is kept as the generated type rather than as a `serde_json::Value`: building a JSON tree
/// for every record of a listing cost more than decoding the listing (BENCHMARKS.md). It
/// serializes as the vendor's JSON object; [`RawRecord::to_value`] gives that object as a
/// `serde_json::Value`, and [`RawRecord::looker`] / [`RawRecord::torq`] the typed record.
/// In a record a provider of this crate returns, a sensitive parameter value is never kept,
/// whatever a server sends.
///
/// ```
/// use integrations::RawRecord;
///
/// let raw = RawRecord::from(serde_json::json!({"id": "1::slack", "new_member": true}));
/// assert_eq!(raw.to_value()["new_member"], true);
/// assert_eq!(raw.vendor(), None);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RawRecord {
    /// A Looker integration, as `looker-api` decoded it.
    Looker(Box<looker_api::types::Integration>),
    /// A Torq integration, as `torq-api` decoded it.
    Torq(Box<torq_api::types::V1alphaIntegration>),
    /// A record read back from JSON (a saved `--json` document, say), kept as it was.
    Json(serde_json::Value),
}

impl RawRecord {
    /// The vendor whose generated client decoded the record; `None` for a record read from JSON.
    pub fn vendor(&self) -> Option<Vendor> {
        match self {
            Self::Looker(_) => Some(Vendor::Looker),
            Self::Torq(_) => Some(Vendor::Torq),
            Self::Json(_) => None,
        }
    }

    /// The record as the JSON object the vendor sent (members without a value left out).
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Self::Json(value) => value.clone(),
            // Serializing a generated type (string keys, finite values) into a `Value` cannot
            // fail; should it ever, an empty object is the honest "nothing to show".
            typed => serde_json::to_value(typed).unwrap_or_else(|_| serde_json::json!({})),
        }
    }

    /// The Looker record, when this is one.
    pub fn looker(&self) -> Option<&looker_api::types::Integration> {
        match self {
            Self::Looker(record) => Some(record),
            _ => None,
        }
    }

    /// The Torq record, when this is one.
    pub fn torq(&self) -> Option<&torq_api::types::V1alphaIntegration> {
        match self {
            Self::Torq(record) => Some(record),
            _ => None,
        }
    }
}

impl From<serde_json::Value> for RawRecord {
    fn from(value: serde_json::Value) -> Self {
        Self::Json(value)
    }
}

/// Records are equal when they hold the same JSON, whichever form each is kept in.
impl PartialEq for RawRecord {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Looker(a), Self::Looker(b)) => a == b,
            (Self::Torq(a), Self::Torq(b)) => a == b,
            (Self::Json(a), Self::Json(b)) => a == b,
            (a, b) => a.to_value() == b.to_value(),
        }
    }
}

impl Serialize for RawRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Looker(record) => record.serialize(serializer),
            Self::Torq(record) => record.serialize(serializer),
            Self::Json(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Self::Json)
    }
}

/// Any JSON: the schema of a vendor's record is the vendor's document, not ours.
impl JsonSchema for RawRecord {
    fn is_referenceable() -> bool {
        <serde_json::Value as JsonSchema>::is_referenceable()
    }

    fn schema_name() -> String {
        <serde_json::Value as JsonSchema>::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <serde_json::Value as JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn looker_record() -> looker_api::types::Integration {
        serde_json::from_value(serde_json::json!({
            "id": "1::slack", "label": "Slack", "supported_formats": ["json"],
            "a_member_the_document_lacks": {"nested": [1, 2]}
        }))
        .unwrap()
    }

    #[test]
    fn a_typed_record_serializes_as_the_vendor_sent_it() {
        let raw = RawRecord::Looker(Box::new(looker_record()));
        assert_eq!(raw.vendor(), Some(Vendor::Looker));
        assert_eq!(
            raw.to_value(),
            serde_json::json!({
                "id": "1::slack", "label": "Slack", "supported_formats": ["json"],
                "a_member_the_document_lacks": {"nested": [1, 2]}
            })
        );
        assert_eq!(raw.looker().unwrap().label.as_deref(), Some("Slack"));
        assert!(raw.torq().is_none());
    }

    #[test]
    fn a_record_read_back_from_json_equals_the_typed_one() {
        let raw = RawRecord::Looker(Box::new(looker_record()));
        let back: RawRecord = serde_json::from_str(&serde_json::to_string(&raw).unwrap()).unwrap();
        assert!(matches!(back, RawRecord::Json(_)));
        assert_eq!(back, raw);
        assert_ne!(back, RawRecord::from(serde_json::json!({"id": "other"})));
    }

    #[test]
    fn its_schema_is_any_json_like_a_value() {
        let ours = serde_json::to_value(schemars::schema_for!(RawRecord)).unwrap();
        let value = serde_json::to_value(schemars::schema_for!(serde_json::Value)).unwrap();
        assert_eq!(ours, value);
    }
}
