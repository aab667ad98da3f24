//! Each record of a listing decoded on its own, as the listing's body arrives.
//!
//! [`Elements`](super::elements::Elements) finds each record of a listing in the body; [`read`]
//! decodes it into the generated type: a record of an unexpected shape costs only itself. It is
//! reported with its position, its id when that much is readable, and the decoding error with
//! its quoted values masked.

use serde::de::DeserializeOwned;

use super::call::Call;
use super::elements::{Read, skip_value};
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

/// Reads the record at `position` of a listing from `bytes` (its start, and whatever follows
/// it): decoded into `T` and converted to the model by `convert`, or reported as skipped when it
/// is JSON of another shape; malformed when it is not JSON.
pub(crate) fn read<T: DeserializeOwned>(
    call: &Call<'_>,
    position: usize,
    bytes: &[u8],
    convert: Convert<T>,
) -> Read<ListItem> {
    let mut records = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    let error = match records.next() {
        Some(Ok(record)) => {
            let item = match convert(record) {
                Ok(integration) => ListItem::Integration(integration),
                Err(u) => ListItem::Skipped(SkippedRecord::new(position, u.id, u.reason)),
            };
            return Read::Record(item, records.byte_offset());
        }
        Some(Err(e)) if !e.is_eof() => e,
        _ => return Read::Incomplete,
    };
    // Not a `T`: the record is passed over, if it is JSON at all.
    match skip_value(bytes, &format!("record {position}")) {
        Read::Record((), len) => {
            let id = readable_id(&bytes[..len], call);
            let report = SkippedRecord::new(position, id, call.decoding_error(&error));
            Read::Record(ListItem::Skipped(report), len)
        }
        Read::Malformed(reason) => Read::Malformed(reason),
        Read::Incomplete => Read::Incomplete,
    }
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
        let reader = |position, bytes: &[u8]| read::<Rec>(&call, position, bytes, model);
        elements.feed(body, reader, &mut items).unwrap();
        elements.finish(reader, &mut items).unwrap();
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

    #[test]
    fn bytes_cut_inside_a_token_are_incomplete_not_malformed() {
        let calls = Calls::for_tests(Vendor::Looker);
        let call = calls.call(Operation::List, None);
        for cut in [
            &b"[1, -"[..],
            b"{\"a\":\n [tr",
            b"{\"a\": 1.",
            b"{\"a\":\n\n\"\\u00",
        ] {
            let read = read::<serde_json::Value>(&call, 0, cut, |_| unreachable!("incomplete"));
            assert!(matches!(read, Read::Incomplete), "{cut:?}: {read:?}");
        }
    }

    #[test]
    fn a_record_that_is_not_json_ends_the_listing_without_quoting_it() {
        let calls = Calls::for_tests(Vendor::Looker);
        let call = calls.call(Operation::List, None);
        let read = read::<serde_json::Value>(&call, 3, br#"{"token": "PLANTED" oops}, 1]"#, |_| {
            unreachable!("nothing decodes")
        });
        match read {
            Read::Malformed(reason) => {
                assert!(reason.starts_with("record 3 is not valid JSON"), "{reason}");
                assert!(!reason.contains("PLANTED"), "{reason}");
            }
            other => panic!("expected a malformed record, got {other:?}"),
        }
    }
}
