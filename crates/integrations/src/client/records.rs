//! Each record of a listing decoded on its own, as the listing's body arrives.
//!
//! A listing's records are cut out of the body by [`Elements`](super::elements::Elements) and
//! decoded one by one into the generated types: a record of an unexpected shape costs only
//! itself. It is reported with its position, its id when that much is readable, and the
//! decoding error with its quoted values masked, and logged (scrubbed).

use serde::de::DeserializeOwned;

use super::call::Call;
use super::scrub;
use crate::listing::{ListItem, SkippedRecord};
use crate::model::Integration;

/// Longest id kept in a report.
const ID_CHARS: usize = 100;

/// Why a decoded record cannot be used by the model.
#[derive(Debug)]
pub(crate) struct Unusable {
    /// Its vendor id, when it has a readable one.
    pub id: Option<String>,
    /// Why.
    pub reason: String,
}

/// Turns a vendor's record into the model, or says why it cannot.
pub(crate) type Convert<T> = fn(T) -> Result<Integration, Unusable>;

/// The record at `position` of a listing, whose JSON text is `text`: decoded into `T` and
/// converted to the model by `convert`, or reported as skipped.
pub(crate) fn record<T: DeserializeOwned>(
    call: &Call<'_>,
    position: usize,
    text: &[u8],
    convert: Convert<T>,
) -> ListItem {
    let report = match serde_json::from_slice::<T>(text) {
        Ok(record) => match convert(record) {
            Ok(integration) => return ListItem::Integration(integration),
            Err(u) => SkippedRecord::new(position, u.id, u.reason),
        },
        Err(e) => SkippedRecord::new(position, readable_id(text, call), call.decoding_error(&e)),
    };
    tracing::warn!(
        position = report.position,
        id = report.id.as_deref().unwrap_or("-"),
        reason = %report.reason,
        "skipping a record the model cannot read"
    );
    ListItem::Skipped(report)
}

/// The `id` member of a record that did not decode, when it is a string or a number; bounded,
/// on one line, scrubbed of the session's secrets.
fn readable_id(text: &[u8], call: &Call<'_>) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        id: Option<serde_json::Value>,
    }
    let id = match serde_json::from_slice::<WithId>(text).ok()?.id? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let clean: String = id.chars().filter(|c| !c.is_control()).collect();
    Some(scrub::one_line(&call.scrub_message(&clean), ID_CHARS)).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::call::Calls;
    use crate::client::elements::Elements;
    use crate::error::Operation;
    use crate::model::{IntegrationId, Vendor};

    #[derive(Debug, serde::Deserialize)]
    struct Rec {
        id: String,
        n: u32,
    }

    fn model(r: Rec) -> Result<Integration, Unusable> {
        if r.n == 0 {
            return Err(Unusable {
                id: Some(r.id),
                reason: "n is zero".into(),
            });
        }
        let id = IntegrationId::new(Vendor::Looker, r.id).map_err(|e| Unusable {
            id: None,
            reason: e.to_string(),
        })?;
        let name = id.vendor_id().to_owned();
        Ok(Integration::new(id, name))
    }

    #[test]
    fn good_records_survive_and_bad_ones_are_reported_with_position_and_id() {
        let calls = Calls::for_tests(Vendor::Looker);
        let call = calls.call(Operation::List, None);
        let body = br#"[{"id":"a","n":1},{"id":"b","n":"PLANTED-string"},7,{"id":12,"n":1},{"id":"c","n":0},{"id":"d","n":2}]"#;
        let mut items = Vec::new();
        let mut elements = Elements::new(None);
        elements
            .feed(body, |text| {
                items.push(record::<Rec>(&call, items.len(), text, model));
            })
            .unwrap();
        elements.finish().unwrap();
        let ids: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                ListItem::Integration(i) => Some(i.id.vendor_id().to_owned()),
                ListItem::Skipped(_) => None,
            })
            .collect();
        assert_eq!(ids, ["a", "d"]);
        let skipped: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                ListItem::Skipped(s) => Some(s),
                ListItem::Integration(_) => None,
            })
            .collect();
        let reports: Vec<_> = skipped.iter().map(|s| (s.position, s.id.clone())).collect();
        assert_eq!(
            reports,
            [
                (1, Some("b".into())),
                (2, None),
                (3, Some("12".into())),
                (4, Some("c".into()))
            ]
        );
        let text = format!("{items:?}");
        assert!(
            !text.contains("PLANTED"),
            "decoding errors mask values: {text}"
        );
        assert!(skipped[0].reason.contains("invalid type"));
    }
}
