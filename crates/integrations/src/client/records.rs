//! A listing decoded record by record, when the whole answer did not decode.
//!
//! The fast path decodes a listing into the generated types in one go. Only when that fails is
//! the answer split into its records (kept as raw JSON text, not parsed into trees) and each
//! decoded on its own: the good ones come back, each bad one is reported with its position, its
//! id when that much is readable, and the decoding error with its quoted values masked. The
//! happy path pays nothing for this.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::call::Call;
use super::scrub;
use crate::listing::{Listing, SkippedRecord};
use crate::model::Integration;

/// Longest id kept in a report.
const ID_CHARS: usize = 100;

/// A record as decoded, or the report of why it could not be.
pub(crate) type Decoded<T> = Result<T, SkippedRecord>;

/// Why a decoded record cannot be used by the model.
#[derive(Debug)]
pub(crate) struct Unusable {
    /// Its vendor id, when it has a readable one.
    pub id: Option<String>,
    /// Why.
    pub reason: String,
}

/// The records of a listing `body`: the body itself when `member` is `None`, or the array in
/// that member of the body's object. `None` when the body is not such a JSON document.
pub(crate) fn split(body: &[u8], member: Option<&str>) -> Option<Vec<Box<RawValue>>> {
    match member {
        None => serde_json::from_slice(body).ok(),
        Some(member) => {
            let mut object: HashMap<String, Box<RawValue>> = serde_json::from_slice(body).ok()?;
            match object.remove(member) {
                Some(array) => serde_json::from_str(array.get()).ok(),
                // An absent array is an empty listing, as the generated types read it.
                None => Some(Vec::new()),
            }
        }
    }
}

/// Decodes each record on its own.
pub(crate) fn decode_each<'a, T: DeserializeOwned>(
    items: &'a [Box<RawValue>],
    call: &'a Call<'_>,
) -> impl Iterator<Item = Decoded<T>> + 'a {
    items.iter().enumerate().map(move |(position, item)| {
        serde_json::from_str::<T>(item.get()).map_err(|e| {
            SkippedRecord::new(position, readable_id(item, call), call.decoding_error(&e))
        })
    })
}

/// The listing of `records`, converted to the model by `convert`; records that did not decode
/// or cannot be used are reported (and logged, scrubbed), never fatal.
pub(crate) fn listing<T>(
    records: impl IntoIterator<Item = Decoded<T>>,
    mut convert: impl FnMut(T) -> Result<Integration, Unusable>,
) -> Listing {
    let mut integrations = Vec::new();
    let mut skipped = Vec::new();
    for (position, record) in records.into_iter().enumerate() {
        let converted = record
            .and_then(|r| convert(r).map_err(|u| SkippedRecord::new(position, u.id, u.reason)));
        match converted {
            Ok(integration) => integrations.push(integration),
            Err(report) => {
                tracing::warn!(
                    position = report.position,
                    id = report.id.as_deref().unwrap_or("-"),
                    reason = %report.reason,
                    "skipping a record the model cannot read"
                );
                skipped.push(report);
            }
        }
    }
    Listing::new(integrations, skipped)
}

/// The `id` member of a record that did not decode, when it is a string or a number; bounded,
/// on one line, scrubbed of the session's secrets.
fn readable_id(item: &RawValue, call: &Call<'_>) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        id: Option<serde_json::Value>,
    }
    let id = match serde_json::from_str::<WithId>(item.get()).ok()?.id? {
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
        let items = split(body, None).unwrap();
        let listing = listing(decode_each::<Rec>(&items, &call), model);
        let ids: Vec<_> = listing
            .integrations
            .iter()
            .map(|i| i.id.vendor_id().to_owned())
            .collect();
        assert_eq!(ids, ["a", "d"]);
        let reports: Vec<_> = listing
            .skipped
            .iter()
            .map(|s| (s.position, s.id.clone()))
            .collect();
        assert_eq!(
            reports,
            [
                (1, Some("b".into())),
                (2, None),
                (3, Some("12".into())),
                (4, Some("c".into()))
            ]
        );
        let text = format!("{listing:?}");
        assert!(
            !text.contains("PLANTED"),
            "decoding errors mask values: {text}"
        );
        assert!(listing.skipped[0].reason.contains("invalid type"));
    }

    #[test]
    fn records_are_found_in_an_envelope_or_not_at_all() {
        let items = split(
            br#"{"integrations":[{"x":1},2],"next":"t"}"#,
            Some("integrations"),
        );
        assert_eq!(items.map(|i| i.len()), Some(2));
        assert_eq!(
            split(br#"{"other":1}"#, Some("integrations")).map(|i| i.len()),
            Some(0)
        );
        assert!(split(b"<html>", None).is_none());
        assert!(split(br#"{"integrations":"no"}"#, Some("integrations")).is_none());
        assert!(split(br#"[{"id":1},"#, None).is_none(), "a cut answer");
    }
}
