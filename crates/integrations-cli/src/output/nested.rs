//! serde_json's pretty layout for a value written in pieces: a part of a larger document that
//! starts some levels deep, so that `list --json` can write its document record by record and
//! print exactly what `serde_json::to_string_pretty` of the whole document prints.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// A newline and the indentation of the deepest level written in one piece (deeper levels take
/// more than one write).
const NEWLINE_AND_SPACES: &[u8; 65] =
    b"\n                                                                ";

/// How many spaces an indentation level is (serde_json's default).
const INDENT: usize = 2;

/// Writes `value` into `out` as `to_string_pretty` lays it out when it stands `depth` levels deep
/// in a document, from its first byte (placed by the caller) to its last.
pub fn write_nested<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    depth: usize,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Nested::at(depth));
    value.serialize(&mut ser)
}

/// serde_json's `PrettyFormatter` with two changes: it starts `depth` levels deep, and it writes
/// a newline and its indentation at once (serde_json writes each level's indentation on its own,
/// a call per level for every key and element: the most expensive part of a deep document).
#[derive(Debug)]
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Self {
        Self {
            depth,
            has_value: false,
        }
    }

    /// Starts a new line at the current depth.
    fn newline<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        let mut spaces = self.depth * INDENT;
        let first = spaces.min(NEWLINE_AND_SPACES.len() - 1);
        writer.write_all(&NEWLINE_AND_SPACES[..=first])?;
        spaces -= first;
        while spaces > 0 {
            let more = spaces.min(NEWLINE_AND_SPACES.len() - 1);
            writer.write_all(&NEWLINE_AND_SPACES[1..=more])?;
            spaces -= more;
        }
        Ok(())
    }

    fn begin<W: ?Sized + io::Write>(&mut self, writer: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(open)
    }

    fn end<W: ?Sized + io::Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(writer)?;
        }
        writer.write_all(close)
    }

    fn item<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.newline(writer)
    }
}

/// The four methods of a container (array or object): open, close, before each item (an
/// array's element, an object's key), after each item's value.
macro_rules! container {
    ($begin:ident, $end:ident, $item:ident, $after:ident, $open:literal, $close:literal) => {
        fn $begin<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
            self.begin(writer, $open)
        }

        fn $end<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
            self.end(writer, $close)
        }

        fn $item<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
            self.item(writer, first)
        }

        fn $after<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
            self.has_value = true;
            Ok(())
        }
    };
}

impl Formatter for Nested {
    container!(
        begin_array,
        end_array,
        begin_array_value,
        end_array_value,
        b"[",
        b"]"
    );
    container!(
        begin_object,
        end_object,
        begin_object_key,
        end_object_value,
        b"{",
        b"}"
    );

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// What `to_string_pretty` prints for `value` as the only element of `depth` nested arrays,
    /// without the arrays' own lines.
    fn pretty_at(depth: usize, value: &Value) -> Vec<u8> {
        let mut document = value.clone();
        for _ in 0..depth {
            document = Value::Array(vec![document]);
        }
        let text = serde_json::to_string_pretty(&document).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let inner = &lines[depth..lines.len() - depth];
        let mut inner = inner.join("\n");
        // The first line is placed by the caller: its indentation is not the value's.
        inner.replace_range(..depth * INDENT, "");
        inner.into_bytes()
    }

    fn nested(depth: usize, value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        write_nested(&mut out, depth, value).unwrap();
        out
    }

    #[test]
    fn a_value_is_laid_out_as_serde_json_lays_it_out_at_its_depth() {
        let value = json!({
            "id": "1::slack",
            "empty_list": [],
            "empty_map": {},
            "params": [{"name": "channel", "value": null, "tags": ["a", "b"]}, {"name": "token"}],
            "nested": {"list": [[], [1, [2, {}]]]},
            "text": "quote \" and newline \n"
        });
        for depth in [0, 1, 2, 5] {
            assert_eq!(
                String::from_utf8(nested(depth, &value)).unwrap(),
                String::from_utf8(pretty_at(depth, &value)).unwrap(),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn indentation_deeper_than_one_write_is_whole() {
        let mut value = json!({"leaf": [1]});
        for _ in 0..40 {
            value = json!({ "down": value });
        }
        for depth in [0, 31, 32, 33] {
            assert_eq!(nested(depth, &value), pretty_at(depth, &value), "{depth}");
        }
    }

    #[test]
    fn scalars_and_empty_containers_are_one_token() {
        for value in [json!(null), json!(1.5), json!("x"), json!([]), json!({})] {
            assert_eq!(nested(3, &value), serde_json::to_vec(&value).unwrap());
        }
    }
}
