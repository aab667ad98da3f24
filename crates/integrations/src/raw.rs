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
/// serializes as the vendor's JSON object, and [`RawRecord::to_value`] gives that object as a
/// `serde_json::Value`. In a record a provider of this crate returns, a sensitive parameter
/// value (or a secret-bearing member a server slipped in) is never kept, whatever a server
/// sends.
///
/// # Stability
///
/// The JSON form is the stable interface: it is what the vendor sent, and it changes only when
/// the vendor does. The generated types behind it follow `spec/` and change whenever the spec
/// is regenerated, so typed access (`RawRecord::looker`, `RawRecord::torq`, and the
/// re-exported `looker_api` / `torq_api` crates) is behind the opt-in cargo feature
/// `generated-types`: a user who enables it accepts that a regeneration may change those
/// types in any release; everyone else only sees JSON. Without the feature, none of it is
/// reachable:
///
/// ```compile_fail
/// # fn typed(raw: &integrations::RawRecord) {
/// let _ = raw.looker(); // only with `features = ["generated-types"]`
/// # }
/// ```
///
/// ```
/// use integrations::RawRecord;
///
/// let raw = RawRecord::from(serde_json::json!({"id": "1::slack", "new_member": true}));
/// assert_eq!(raw.to_value()["new_member"], true);
/// assert_eq!(raw.vendor(), None);
/// ```
#[derive(Debug, Clone)]
pub struct RawRecord(Repr);

/// How a record is kept: private, so that the generated types are not part of the type's
/// public shape.
#[derive(Debug, Clone)]
enum Repr {
    /// A Looker integration, as `looker-api` decoded it.
    Looker(Box<looker_api::types::Integration>),
    /// A Torq integration, as `torq-api` decoded it.
    Torq(Box<torq_api::types::V1alphaIntegration>),
    /// A record read back from JSON (a saved `--json` document, say), kept as it was.
    Json(serde_json::Value),
}

impl RawRecord {
    /// A Looker record as decoded.
    pub(crate) fn from_looker(record: looker_api::types::Integration) -> Self {
        Self(Repr::Looker(Box::new(record)))
    }

    /// A Torq record as decoded.
    pub(crate) fn from_torq(record: torq_api::types::V1alphaIntegration) -> Self {
        Self(Repr::Torq(Box::new(record)))
    }

    /// `value` kept the way this record is: typed while it decodes as this record's type, as
    /// JSON otherwise.
    pub(crate) fn same_kind(&self, value: serde_json::Value) -> Self {
        match &self.0 {
            Repr::Looker(_) => serde_json::from_value(value.clone())
                .map(Self::from_looker)
                .unwrap_or_else(|_| Self::from(value)),
            Repr::Torq(_) => serde_json::from_value(value.clone())
                .map(Self::from_torq)
                .unwrap_or_else(|_| Self::from(value)),
            Repr::Json(_) => Self::from(value),
        }
    }

    /// The vendor whose generated client decoded the record; `None` for a record read from JSON.
    pub fn vendor(&self) -> Option<Vendor> {
        match &self.0 {
            Repr::Looker(_) => Some(Vendor::Looker),
            Repr::Torq(_) => Some(Vendor::Torq),
            Repr::Json(_) => None,
        }
    }

    /// The record as the JSON object the vendor sent (members without a value left out).
    pub fn to_value(&self) -> serde_json::Value {
        match &self.0 {
            Repr::Json(value) => value.clone(),
            // Serializing a generated type (string keys, finite values) into a `Value` cannot
            // fail; should it ever, an empty object is the honest "nothing to show".
            _ => serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({})),
        }
    }

    /// The Looker record as `looker-api` decoded it, when this is one (feature
    /// `generated-types`; see [Stability](Self#stability)).
    #[cfg(any(test, feature = "generated-types"))]
    pub fn looker(&self) -> Option<&looker_api::types::Integration> {
        match &self.0 {
            Repr::Looker(record) => Some(record),
            _ => None,
        }
    }

    /// The Torq record as `torq-api` decoded it, when this is one (feature `generated-types`;
    /// see [Stability](Self#stability)).
    #[cfg(any(test, feature = "generated-types"))]
    pub fn torq(&self) -> Option<&torq_api::types::V1alphaIntegration> {
        match &self.0 {
            Repr::Torq(record) => Some(record),
            _ => None,
        }
    }
}

impl From<serde_json::Value> for RawRecord {
    fn from(value: serde_json::Value) -> Self {
        Self(Repr::Json(value))
    }
}

/// Records are equal when they hold the same JSON, whichever form each is kept in.
impl PartialEq for RawRecord {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Looker(a), Repr::Looker(b)) => a == b,
            (Repr::Torq(a), Repr::Torq(b)) => a == b,
            (Repr::Json(a), Repr::Json(b)) => a == b,
            _ => self.to_value() == other.to_value(),
        }
    }
}

impl Serialize for RawRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Looker(record) => record.serialize(serializer),
            Repr::Torq(record) => record.serialize(serializer),
            Repr::Json(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Self::from)
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
        let raw = RawRecord::from_looker(looker_record());
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
        let raw = RawRecord::from_looker(looker_record());
        let back: RawRecord = serde_json::from_str(&serde_json::to_string(&raw).unwrap()).unwrap();
        assert_eq!(back.vendor(), None, "kept as JSON");
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
