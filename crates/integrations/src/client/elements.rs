//! The records of a JSON listing, cut out of its body while the body arrives.
//!
//! A listing is one JSON array: the whole body (Looker's `[ … ]`) or one member of the body's
//! object (Torq's `{"integrations": [ … ]}`). [`Elements`] reads the body chunk by chunk, walks
//! the structure around the records itself (brackets, commas, the envelope's keys; the
//! envelope's other members are read as JSON and passed over) and hands each record's start to
//! a [reader](Read) that decodes one record and says how long it was, so each record is parsed
//! once, as soon as it is complete, and neither the whole body nor every decoded record is ever
//! held at once. Only the record that straddles two chunks is kept
//! between them; it is tried again once at least twice as many of its bytes have arrived, so a
//! record of any size costs at most about twice its parsing.

use memchr::memchr2;
use serde::de::IgnoredAny;

/// How much of the start of a body is kept, for an error's excerpt.
const HEAD_BYTES: usize = 4096;

/// What a reader made of the bytes at the start of a record.
#[derive(Debug)]
pub(crate) enum Read<I> {
    /// A record, what it read as, and how many bytes it took.
    Record(I, usize),
    /// The bytes end before the record does.
    Incomplete,
    /// The record is not JSON: the listing cannot go on.
    Malformed(String),
}

/// Why a body is not a listing; the records handed out before it was found stay good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed {
    /// What is wrong, in words (no text of the body).
    pub reason: String,
}

impl Malformed {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

/// Where the scanner stands in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the document's first byte.
    Start,
    /// In the root object, before a member's key or the object's end.
    Key,
    /// In a key's string.
    KeyText,
    /// After a key, before its colon.
    Colon,
    /// After a colon, before the member's value.
    Value,
    /// At the first byte of a member's value that is not the listing (read and passed over).
    Other,
    /// After a member's value: `,` or the object's end.
    Member,
    /// Just inside the listing's `[`: a record or `]`.
    Open,
    /// After a record: `,` or `]`.
    Next,
    /// After a comma: a record.
    Comma,
    /// At a record's first byte, waiting for enough of it to read it.
    Record,
    /// After the document: white space only.
    Done,
}

/// See the module docs. Feed it the body's chunks in order, then call [`finish`](Self::finish).
#[derive(Debug)]
pub(crate) struct Elements {
    /// The member of the root object that holds the listing; `None`: the root is the listing.
    member: Option<&'static str>,
    phase: Phase,
    /// The scanner is in a string.
    string: bool,
    /// The previous byte was a backslash in a string.
    escaped: bool,
    /// The listing's array was read (a second member of the same name is skipped).
    found: bool,
    /// The bytes from the current record's start, when it did not fit in its chunk.
    partial: Vec<u8>,
    /// How many bytes from the current record's start must have arrived before it is read
    /// again (twice what the last try had).
    need: usize,
    /// Records read so far.
    records: usize,
    /// The current key's text, escapes undone later if it has any.
    key: Vec<u8>,
    /// The start of the body.
    head: Vec<u8>,
}

impl Elements {
    /// A scanner for a listing at `member` of the body's object (`None`: the body is the array).
    pub(crate) fn new(member: Option<&'static str>) -> Self {
        Self {
            member,
            phase: Phase::Start,
            string: false,
            escaped: false,
            found: false,
            partial: Vec::new(),
            need: 0,
            records: 0,
            key: Vec::new(),
            head: Vec::new(),
        }
    }

    /// Whether the document has ended (only white space may follow).
    pub(crate) fn is_complete(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The first bytes of the body (at most 4 KiB), for an excerpt.
    pub(crate) fn head(&self) -> &[u8] {
        &self.head
    }

    /// Reads the next `chunk` of the body. For each record it reaches, `read` gets the record's
    /// position and the bytes from its start on, and reads one record from them; what it read
    /// goes to `out`, in order.
    pub(crate) fn feed<I>(
        &mut self,
        chunk: &[u8],
        mut read: impl FnMut(usize, &[u8]) -> Read<I>,
        out: &mut impl Extend<I>,
    ) -> Result<(), Malformed> {
        if self.head.len() < HEAD_BYTES {
            let room = HEAD_BYTES - self.head.len();
            self.head.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if self.partial.is_empty() {
            let kept = self.walk(chunk, &mut read, out)?;
            self.partial.extend_from_slice(&chunk[kept..]);
        } else {
            let mut data = std::mem::take(&mut self.partial);
            data.extend_from_slice(chunk);
            let kept = self.walk(&data, &mut read, out)?;
            data.drain(..kept);
            self.partial = data;
        }
        Ok(())
    }

    /// Walks `data`; returns where the bytes to keep for the next chunk start (`data.len()`
    /// when there are none).
    fn walk<I>(
        &mut self,
        data: &[u8],
        read: &mut impl FnMut(usize, &[u8]) -> Read<I>,
        out: &mut impl Extend<I>,
    ) -> Result<usize, Malformed> {
        let mut i = 0;
        while i < data.len() {
            if self.string {
                i = self.in_string(data, i);
                continue;
            }
            let byte = data[i];
            match self.phase {
                Phase::Start => match byte {
                    b'[' if self.member.is_none() => self.phase = Phase::Open,
                    b'{' if self.member.is_some() => self.phase = Phase::Key,
                    _ if is_space(byte) => {}
                    _ => {
                        return Err(Malformed::new(match self.member {
                            None => "the answer is not a JSON array".to_owned(),
                            Some(member) => {
                                format!("the answer is not a JSON object with a `{member}` array")
                            }
                        }));
                    }
                },
                Phase::Key => match byte {
                    b'"' => {
                        self.key.clear();
                        self.string = true;
                        self.phase = Phase::KeyText;
                    }
                    b'}' => self.phase = Phase::Done,
                    _ if is_space(byte) => {}
                    _ => return Err(Malformed::new("the answer's object is not valid JSON")),
                },
                Phase::Colon => match byte {
                    b':' => self.phase = Phase::Value,
                    _ if is_space(byte) => {}
                    _ => return Err(Malformed::new("the answer's object is not valid JSON")),
                },
                Phase::Value if is_space(byte) => {}
                Phase::Value if !self.found && self.key_is_member() => {
                    if byte != b'[' {
                        return Err(Malformed::new(format!(
                            "the answer's `{}` is not an array",
                            self.member.unwrap_or_default()
                        )));
                    }
                    self.found = true;
                    self.phase = Phase::Open;
                }
                Phase::Value => {
                    // Another member: its value is read (it must be JSON) and passed over.
                    self.phase = Phase::Other;
                    continue;
                }
                Phase::Other => {
                    // A member's value that is not the listing: read (it must be JSON), not kept.
                    let Some(((), len)) = self.value(&data[i..], |rest| {
                        skip_value(rest, "a member of the answer's object")
                    })?
                    else {
                        return Ok(i);
                    };
                    self.phase = Phase::Member;
                    i += len;
                    continue;
                }
                Phase::Member => match byte {
                    b',' => self.phase = Phase::Key,
                    b'}' => self.phase = Phase::Done,
                    _ if is_space(byte) => {}
                    _ => return Err(Malformed::new("the answer's object is not valid JSON")),
                },
                Phase::Open | Phase::Comma => match byte {
                    b']' if self.phase == Phase::Open => self.close_list(),
                    b']' | b',' => {
                        return Err(Malformed::new("the answer's array has an empty record"));
                    }
                    _ if is_space(byte) => {}
                    _ => {
                        // A record starts here.
                        self.phase = Phase::Record;
                        continue;
                    }
                },
                Phase::Record => {
                    let position = self.records;
                    let Some((item, len)) = self.value(&data[i..], |rest| read(position, rest))?
                    else {
                        return Ok(i);
                    };
                    out.extend(Some(item));
                    self.records += 1;
                    self.phase = Phase::Next;
                    i += len;
                    continue;
                }
                Phase::Next => match byte {
                    b',' => self.phase = Phase::Comma,
                    b']' => self.close_list(),
                    _ if is_space(byte) => {}
                    _ => return Err(Malformed::new("the answer's records are not separated")),
                },
                Phase::Done => {
                    if !is_space(byte) {
                        return Err(Malformed::new("the answer goes on after its end"));
                    }
                }
                // A key is read in its string, by `in_string`.
                Phase::KeyText => {}
            }
            i += 1;
        }
        Ok(data.len())
    }

    /// The body has ended: the record kept from the last chunk, if any, is read (with `read`,
    /// into `out`, as [`feed`](Self::feed) does); fine when the document ended too.
    pub(crate) fn finish<I>(
        &mut self,
        mut read: impl FnMut(usize, &[u8]) -> Read<I>,
        out: &mut impl Extend<I>,
    ) -> Result<(), Malformed> {
        if !self.partial.is_empty() {
            self.need = 0;
            let data = std::mem::take(&mut self.partial);
            self.walk(&data, &mut read, out)?;
        }
        match self.phase {
            Phase::Done => Ok(()),
            Phase::Start => Err(Malformed::new("the answer is empty")),
            _ => Err(Malformed::new("the answer ends before its end")),
        }
    }

    /// Reads string bytes from `chunk[i..]` up to and including the closing quote, or to the
    /// chunk's end; returns where reading stopped.
    fn in_string(&mut self, chunk: &[u8], i: usize) -> usize {
        let in_key = self.phase == Phase::KeyText;
        if self.escaped {
            self.escaped = false;
            if in_key {
                self.key.push(chunk[i]);
            }
            return i + 1;
        }
        let Some(offset) = memchr2(b'"', b'\\', &chunk[i..]) else {
            if in_key {
                self.key.extend_from_slice(&chunk[i..]);
            }
            return chunk.len();
        };
        let at = i + offset;
        if in_key {
            self.key.extend_from_slice(&chunk[i..at]);
        }
        if chunk[at] == b'\\' {
            self.escaped = true;
            if in_key {
                self.key.push(b'\\');
            }
        } else {
            self.string = false;
            if in_key {
                self.phase = Phase::Colon;
            }
        }
        at + 1
    }

    /// The value at the start of `rest`, read by `read`, with its length once it is complete;
    /// `None` to wait for more bytes.
    ///
    /// A value is complete only once a byte after it is there: a number at the end of the
    /// bytes may go on in the next chunk. A value cut short is read again once twice its bytes
    /// are there; a whole one, at the next byte.
    fn value<I>(
        &mut self,
        rest: &[u8],
        read: impl FnOnce(&[u8]) -> Read<I>,
    ) -> Result<Option<(I, usize)>, Malformed> {
        if rest.len() < self.need {
            return Ok(None);
        }
        match read(rest) {
            Read::Record(item, len) if len < rest.len() => {
                self.need = 0;
                Ok(Some((item, len)))
            }
            Read::Record(..) => {
                self.need = rest.len() + 1;
                Ok(None)
            }
            Read::Incomplete => {
                self.need = rest.len().saturating_mul(2).max(rest.len() + 1);
                Ok(None)
            }
            Read::Malformed(reason) => Err(Malformed::new(reason)),
        }
    }

    /// The listing's `]`: the end of the document, or back among the root object's members.
    fn close_list(&mut self) {
        self.phase = if self.member.is_none() {
            Phase::Done
        } else {
            Phase::Member
        };
    }

    /// Whether the key just read names the listing's member.
    fn key_is_member(&self) -> bool {
        let Some(member) = self.member else {
            return false;
        };
        if !self.key.contains(&b'\\') {
            return self.key == member.as_bytes();
        }
        let mut quoted = Vec::with_capacity(self.key.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&self.key);
        quoted.push(b'"');
        serde_json::from_slice::<String>(&quoted).is_ok_and(|key| key == member)
    }
}

/// Whether `error`, of serde_json reading a value from `bytes`, may come from the bytes ending
/// before the value does: an end-of-input error, or one at the last byte or past it (bytes that
/// end inside a token, like the `-` of a number to come, are reported as invalid, not cut short).
pub(crate) fn cut_short(bytes: &[u8], error: &serde_json::Error) -> bool {
    if error.is_eof() {
        return true;
    }
    let line_start = match error.line() {
        0 | 1 => 0,
        line => match memchr::memchr_iter(b'\n', bytes).nth(line - 2) {
            Some(newline) => newline + 1,
            None => return true,
        },
    };
    line_start + error.column() + 1 >= bytes.len()
}

/// Reads one JSON value of any shape from the start of `bytes`, to pass it over: its length,
/// or why `what` is not JSON (a position, never the text).
pub(crate) fn skip_value(bytes: &[u8], what: &str) -> Read<()> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => Read::Record((), values.byte_offset()),
        Some(Err(e)) if !cut_short(bytes, &e) => Read::Malformed(format!(
            "{what} is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )),
        _ => Read::Incomplete,
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    /// Reads one JSON value of any kind: its text.
    fn any_value(_position: usize, bytes: &[u8]) -> Read<String> {
        match skip_value(bytes, "a record") {
            Read::Record((), len) => {
                Read::Record(String::from_utf8_lossy(&bytes[..len]).into(), len)
            }
            Read::Malformed(reason) => Read::Malformed(reason),
            Read::Incomplete => Read::Incomplete,
        }
    }

    /// The records of `body` fed in chunks of `size` bytes, and how it ended.
    fn records(
        body: &[u8],
        member: Option<&'static str>,
        size: usize,
    ) -> (Vec<String>, Result<(), Malformed>) {
        let mut elements = Elements::new(member);
        let mut out = Vec::new();
        for chunk in body.chunks(size.max(1)) {
            if let Err(e) = elements.feed(chunk, any_value, &mut out) {
                return (out, Err(e));
            }
        }
        let end = elements.finish(any_value, &mut out);
        (out, end)
    }

    /// Every chunking of `body` gives the same records and the same end.
    fn same_for_every_chunking(
        body: &str,
        member: Option<&'static str>,
    ) -> (Vec<String>, Result<(), Malformed>) {
        let whole = records(body.as_bytes(), member, body.len());
        for size in 1..body.len() {
            assert_eq!(
                records(body.as_bytes(), member, size),
                whole,
                "{body} in chunks of {size}"
            );
        }
        whole
    }

    #[test]
    fn records_of_an_array_are_read_as_written() {
        let body = r#" [ {"id":"a","n":[1,{"x":"]"}]} , "s\"\\,]" ,7, null,[[]] ,{"q":"}"} ] "#;
        let (got, end) = same_for_every_chunking(body, None);
        assert_eq!(end, Ok(()));
        assert_eq!(
            got,
            [
                r#"{"id":"a","n":[1,{"x":"]"}]}"#,
                r#""s\"\\,]""#,
                "7",
                "null",
                "[[]]",
                r#"{"q":"}"}"#
            ]
        );
        assert_eq!(same_for_every_chunking("[]", None), (vec![], Ok(())));
        assert_eq!(
            same_for_every_chunking("[12345678]", None),
            (vec!["12345678".into()], Ok(())),
            "a number cut by a chunk is read whole"
        );
    }

    #[test]
    fn records_of_a_member_are_found_among_other_members() {
        let body = r#"{"next":{"a":[1,"}"]},"n\u0061me":"x","integrations":[{"id":1},2],"integrations":[3],"more":"]"}"#;
        let (got, end) = same_for_every_chunking(body, Some("integrations"));
        assert_eq!(end, Ok(()));
        assert_eq!(
            got,
            [r#"{"id":1}"#, "2"],
            "a second member of that name is passed over"
        );

        let escaped = r#"{"int\u0065grations":[true]}"#;
        assert_eq!(
            same_for_every_chunking(escaped, Some("integrations")),
            (vec!["true".into()], Ok(()))
        );
        // An absent member is an empty listing, as the generated types read it.
        assert_eq!(
            same_for_every_chunking(r#"{"other":[1]}"#, Some("integrations")),
            (vec![], Ok(()))
        );
        assert_eq!(
            same_for_every_chunking("{}", Some("integrations")),
            (vec![], Ok(()))
        );
    }

    #[test]
    fn what_is_not_a_listing_is_malformed_after_the_records_before_it() {
        for (body, member, good, reason) in [
            ("<html>", None, 0, "not a JSON array"),
            ("", None, 0, "is empty"),
            (r#"[{"id":1},{"id":"#, None, 1, "ends before"),
            ("[1,2", None, 1, "ends before"),
            ("[1,,2]", None, 1, "empty record"),
            ("[1,]", None, 1, "empty record"),
            ("[1 2]", None, 1, "not separated"),
            ("[1}", None, 1, "not separated"),
            ("[{]", None, 0, "ends before"),
            ("[{] , 1]", None, 0, "not valid JSON"),
            ("[1] [2]", None, 1, "goes on after"),
            (r#"[1]"#, Some("integrations"), 0, "not a JSON object"),
            (
                r#"{"integrations":{}}"#,
                Some("integrations"),
                0,
                "not an array",
            ),
            (
                r#"{"integrations":null}"#,
                Some("integrations"),
                0,
                "not an array",
            ),
            (r#"{"a" 1}"#, Some("integrations"), 0, "not valid JSON"),
            (
                r#"{"integrations":[1],"#,
                Some("integrations"),
                1,
                "ends before",
            ),
            (
                r#"{"x":1 "integrations":[1]}"#,
                Some("integrations"),
                0,
                "not valid JSON",
            ),
            (
                r#"{"a":[}, "integrations":[1]}"#,
                Some("integrations"),
                0,
                "not valid JSON",
            ),
            (
                r#"{"integrations":[1],"x":}"#,
                Some("integrations"),
                1,
                "ends before",
            ),
            (
                r#"{"integrations":[1],"x":}, "y": 2}"#,
                Some("integrations"),
                1,
                "not valid JSON",
            ),
            (
                r#"{"integrations":[1]]"#,
                Some("integrations"),
                1,
                "not valid JSON",
            ),
        ] {
            let (got, end) = same_for_every_chunking(body, member);
            assert_eq!(got.len(), good, "{body}");
            let reason_given = end.expect_err(body).reason;
            assert!(reason_given.contains(reason), "{body}: {reason_given}");
        }
    }

    /// The records of a body fed as `chunks`, and how many times a record was read.
    fn reads<'c>(chunks: impl IntoIterator<Item = &'c [u8]>) -> (Vec<String>, usize) {
        let mut elements = Elements::new(None);
        let mut tries = 0;
        let mut out = Vec::new();
        let mut read = |position, bytes: &[u8]| {
            tries += 1;
            any_value(position, bytes)
        };
        for chunk in chunks {
            elements.feed(chunk, &mut read, &mut out).unwrap();
        }
        elements.finish(&mut read, &mut out).unwrap();
        (out, tries)
    }

    #[test]
    fn a_record_across_chunks_is_read_again_only_when_it_has_doubled() {
        let record = format!(r#"{{"s":"{}"}}"#, "x".repeat(100_000));
        let body = format!("[{record}]");
        let (out, tries) = reads(body.as_bytes().chunks(100));
        assert_eq!(out, [record]);
        assert!(tries <= 12, "{tries} tries for 1,000 chunks");
    }

    #[test]
    fn white_space_after_a_record_ends_it() {
        let spaces = [b' '; 100];
        let chunks = std::iter::once(&br#"[{"id":"a"}"#[..])
            .chain(std::iter::repeat_n(&spaces[..], 1000))
            .chain([&b"]"[..]]);
        let (out, tries) = reads(chunks);
        assert_eq!(out, [r#"{"id":"a"}"#]);
        assert_eq!(tries, 2, "read once cut short, once whole");
    }

    #[test]
    fn the_head_of_the_body_is_kept_for_excerpts() {
        let mut elements = Elements::new(None);
        let body = format!("[{}]", "1,".repeat(5000) + "1");
        let mut out = Vec::new();
        for chunk in body.as_bytes().chunks(1000) {
            elements.feed(chunk, any_value, &mut out).unwrap();
        }
        assert_eq!(out.len(), 5001);
        assert_eq!(elements.head(), &body.as_bytes()[..HEAD_BYTES]);
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[ -~\\\\\"\u{e9}\u{1F600}]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z\\]\"{]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever the records and however the body is cut, the records come out as they
        /// went in, from a compact or a pretty body, bare or in an envelope.
        #[test]
        fn any_listing_in_any_chunks_gives_back_its_records(
            items in prop::collection::vec(json(), 0..6),
            pretty in any::<bool>(),
            envelope in any::<bool>(),
            size in 1usize..40,
        ) {
            let array = Value::Array(items.clone());
            let (doc, member) = if envelope {
                (serde_json::json!({"a": [1, "]"], "integrations": array, "z": {}}), Some("integrations"))
            } else {
                (array, None)
            };
            let body = if pretty {
                serde_json::to_vec_pretty(&doc).unwrap()
            } else {
                serde_json::to_vec(&doc).unwrap()
            };
            let (got, end) = records(&body, member, size);
            prop_assert_eq!(end, Ok(()));
            let got: Vec<Value> = got.iter().map(|r| serde_json::from_str(r).unwrap()).collect();
            prop_assert_eq!(got, items);
        }
    }
}
