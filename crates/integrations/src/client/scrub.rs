//! Scrubbing what a server sent before any of it reaches an error, a log line or the terminal.
//!
//! A server, a proxy in front of it or a mock may put a secret anywhere: an access token in a
//! malformed login answer, a parameter value in an error body, the caller's own client secret in
//! an echo. Every excerpt of a body goes through [`Secrets::excerpt`]:
//!
//! 1. parsed as JSON when it is JSON, and every secret-bearing member replaced (a key naming a
//!    token, secret, password, credential or authorization, and the `value` of any object that
//!    does not say `"sensitive": false`); when it is not JSON (HTML, truncated JSON, a form), the
//!    same members are found lexically (`"key": "…"`, `key=…`) and replaced;
//! 2. every secret the session knows (client secret, every token it was issued, the values of
//!    the call's own request) replaced by value, raw, JSON-escaped and percent-encoded;
//! 3. put on one line and cut to [`EXCERPT_CHARS`] characters.
//!
//! A decoding error quotes the value it choked on; [`Secrets::decoding_error`] masks every
//! quoted string of it first.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, RwLock};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// What replaces a secret.
pub(crate) const MASK: &str = "[redacted]";
/// Longest excerpt of a body an error keeps, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;
/// How many issued tokens are remembered for scrubbing (the client secret is always kept).
const REMEMBERED: usize = 16;

/// The secrets one provider's session knows, shared by its token cache and its error mapping.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    known: Arc<RwLock<VecDeque<SecretString>>>,
    pinned: Arc<RwLock<Vec<SecretString>>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secrets([redacted])")
    }
}

impl Secrets {
    /// Secrets that start with `pinned` (the client secret), never forgotten.
    pub(crate) fn new(pinned: impl IntoIterator<Item = SecretString>) -> Self {
        Self {
            known: Arc::default(),
            pinned: Arc::new(RwLock::new(pinned.into_iter().collect())),
        }
    }

    /// Remembers `secret` (an issued token), forgetting the oldest beyond the last 16.
    pub(crate) fn remember(&self, secret: &SecretString) {
        if secret.expose_secret().is_empty() {
            return;
        }
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        if known.len() == REMEMBERED {
            known.pop_front();
        }
        known.push_back(secret.clone());
    }

    /// `text` with every known secret, and each of `also`, replaced by [`MASK`].
    pub(crate) fn scrub(&self, text: &str, also: &[SecretString]) -> String {
        let pinned = self.pinned.read().unwrap_or_else(|e| e.into_inner());
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_owned();
        for secret in pinned.iter().chain(known.iter()).chain(also) {
            out = replace_forms(&out, secret.expose_secret());
        }
        out
    }

    /// A bounded, scrubbed, one-line excerpt of `body` (see the module docs).
    pub(crate) fn excerpt(&self, body: &[u8], also: &[SecretString]) -> String {
        let text = String::from_utf8_lossy(body);
        let masked = match serde_json::from_str::<Value>(&text) {
            Ok(mut value) => {
                mask_members(&mut value);
                value.to_string()
            }
            // Not JSON, or JSON cut short: a known secret may be cut short at the end too.
            Err(_) => {
                return one_line(&self.scrub_cut(&mask_lexically(&text), also), EXCERPT_CHARS);
            }
        };
        one_line(&self.scrub(&masked, also), EXCERPT_CHARS)
    }

    /// [`scrub`](Self::scrub) for text that may end inside a secret (the start of a body read
    /// only so far): an end that is the start of a known secret (four characters or more, in
    /// any of the forms `scrub` replaces) is replaced as well.
    fn scrub_cut(&self, text: &str, also: &[SecretString]) -> String {
        let mut out = self.scrub(text, also);
        let pinned = self.pinned.read().unwrap_or_else(|e| e.into_inner());
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        for secret in pinned.iter().chain(known.iter()).chain(also) {
            for form in forms(secret.expose_secret()) {
                let start = (4..form.len())
                    .rev()
                    .filter(|&n| form.is_char_boundary(n))
                    .find(|&n| out.ends_with(&form[..n]))
                    .map(|n| out.len() - n);
                if let Some(start) = start {
                    out.truncate(start);
                    out.push_str(MASK);
                }
            }
        }
        out
    }

    /// A decoding error's message with every quoted string masked and every known secret
    /// replaced, bounded.
    pub(crate) fn decoding_error(
        &self,
        error: &serde_json::Error,
        also: &[SecretString],
    ) -> String {
        let masked = mask_quoted(&error.to_string());
        one_line(&self.scrub(&masked, also), EXCERPT_CHARS)
    }

    /// A message the vendor sent (an error's `message`), scrubbed and bounded.
    pub(crate) fn message(&self, message: &str, also: &[SecretString]) -> String {
        one_line(&self.scrub(&mask_lexically(message), also), EXCERPT_CHARS)
    }
}

/// Replaces `secret` in `text` as sent raw, JSON-escaped and percent-encoded.
fn replace_forms(text: &str, secret: &str) -> String {
    let mut out = text.to_owned();
    for form in forms(secret) {
        out = out.replace(&form, MASK);
    }
    out
}

/// The forms a secret may take in a body: raw, JSON-escaped, percent-encoded (each once; none
/// for an empty secret).
fn forms(secret: &str) -> Vec<String> {
    let mut forms = Vec::new();
    if secret.is_empty() {
        return forms;
    }
    forms.push(secret.to_owned());
    let escaped = serde_json::to_string(secret).unwrap_or_default();
    let escaped = escaped.trim_matches('"');
    if escaped != secret && !escaped.is_empty() {
        forms.push(escaped.to_owned());
    }
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    if !forms.contains(&encoded) {
        forms.push(encoded);
    }
    forms
}

/// Whether a member named `key` holds a secret.
pub(crate) fn is_secret_key(key: &str) -> bool {
    const WORDS: [&str; 8] = [
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "credential",
        "api_key",
        "apikey",
    ];
    let key = key.to_ascii_lowercase();
    WORDS.iter().any(|w| key.contains(w))
}

/// Masks the secret-bearing members of a generated type's `extra` map (members the API document
/// does not know), so that a record kept for the caller holds no secret a server slipped in.
/// Costs nothing when the map is empty, as it is for a vendor that sends what it documents.
pub(crate) fn mask_extra(extra: &mut serde_json::Map<String, Value>) {
    for (key, value) in extra.iter_mut() {
        if is_secret_key(key) && !matches!(value, Value::Null | Value::Bool(_)) {
            *value = Value::String(MASK.into());
        } else {
            mask_members(value);
        }
    }
}

/// Masks the secret-bearing members of a JSON value, at any depth.
pub(crate) fn mask_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // Looker: a parameter is sensitive unless it says otherwise.
            let sensitive = !matches!(map.get("sensitive"), Some(Value::Bool(false)));
            for (key, child) in map.iter_mut() {
                let secret = is_secret_key(key) || (key == "value" && sensitive);
                if secret && !matches!(child, Value::Null | Value::Bool(_)) {
                    *child = Value::String(MASK.into());
                } else {
                    mask_members(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_members),
        _ => {}
    }
}

/// Masks secret-bearing members in text that is not JSON: `"key": "…"` (or a bare value up to
/// the next delimiter) and `key=…`.
fn mask_lexically(text: &str) -> String {
    mask_pairs(&mask_json_members(text))
}

/// `"key": value` pairs of JSON-like text whose key is secret-bearing (or `value`).
fn mask_json_members(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            let next = text[i..].find('"').map_or(bytes.len(), |n| i + n);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let end = string_end(bytes, i + 1);
        let key = &text[i + 1..end.min(bytes.len())];
        out.push_str(&text[i..(end + 1).min(bytes.len())]);
        i = (end + 1).min(bytes.len());
        let after = skip_spaces(bytes, i);
        if bytes.get(after) != Some(&b':') || !(is_secret_key(key) || key == "value") {
            continue;
        }
        let start = skip_spaces(bytes, after + 1);
        out.push_str(&text[i..start]);
        let value_end = match bytes.get(start) {
            Some(b'"') => (string_end(bytes, start + 1) + 1).min(bytes.len()),
            Some(b'n' | b't' | b'f') if is_literal(&text[start..]) => {
                // null / true / false: nothing secret.
                i = start;
                continue;
            }
            Some(_) => text[start..]
                .find([',', '}', ']', '\n'])
                .map_or(bytes.len(), |n| start + n),
            None => bytes.len(),
        };
        if value_end > start {
            out.push('"');
            out.push_str(MASK);
            out.push('"');
        }
        i = value_end;
    }
    out
}

fn is_literal(rest: &str) -> bool {
    ["null", "true", "false"]
        .iter()
        .any(|l| rest.starts_with(l))
}

/// The index of the closing quote of a JSON string whose content starts at `from` (or the end of
/// the text when it is cut short).
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// `key=value` pairs (forms, query strings, HTML) whose key is secret-bearing.
fn mask_pairs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(eq) = rest.find('=') {
        let (before, after) = rest.split_at(eq);
        out.push_str(before);
        out.push('=');
        let key_start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .map_or(0, |(n, c)| n + c.len_utf8());
        let after = &after[1..];
        let value_len = after
            .find(|c: char| c.is_whitespace() || "&;,\"'<>".contains(c))
            .unwrap_or(after.len());
        if is_secret_key(&before[key_start..]) && value_len > 0 {
            out.push_str(MASK);
            rest = &after[value_len..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Masks the content of every `"…"` of a message.
fn mask_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (n, part) in parts.enumerate() {
        out.push('"');
        out.push_str(if n % 2 == 0 { "…" } else { part });
    }
    out
}

/// `text` on one line, at most `limit` characters (an ellipsis tells it was cut).
pub(crate) fn one_line(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > limit * 4 {
            break;
        }
    }
    match out.char_indices().nth(limit) {
        Some((i, _)) => format!("{}…", &out[..i]),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        let s = Secrets::new([SecretString::from("client-secret-1")]);
        s.remember(&SecretString::from("tok/en\"2"));
        s
    }

    #[test]
    fn secret_members_of_json_are_masked_at_any_depth() {
        let body = br#"{"access_token":"AT","nested":{"refresh_token":"RT","list":[{"authorization_token":"HT","password":"PW","ok":"kept"}]},"token_type":"Bearer","expires_in":3599}"#;
        let e = secrets().excerpt(body, &[]);
        for leaked in ["AT", "RT", "HT", "PW", "Bearer"] {
            assert!(!e.contains(&format!("\"{leaked}\"")), "{leaked} in {e}");
        }
        assert!(e.contains("kept") && e.contains("3599"), "{e}");
    }

    #[test]
    fn parameter_values_are_masked_unless_the_parameter_says_it_is_not_sensitive() {
        let body = br#"[{"params":[{"name":"a","value":"SECRET-A"},{"name":"b","sensitive":true,"value":"SECRET-B"},{"name":"c","sensitive":false,"value":"public-c"}]}]"#;
        let e = secrets().excerpt(body, &[]);
        assert!(!e.contains("SECRET-A") && !e.contains("SECRET-B"), "{e}");
        assert!(e.contains("public-c"), "{e}");
    }

    #[test]
    fn text_that_is_not_json_is_masked_lexically() {
        let truncated = br#"{"token_type":"Bearer","access_token":"AT-123","expires_in":35"#;
        let e = secrets().excerpt(truncated, &[]);
        assert!(!e.contains("AT-123"), "{e}");
        let cut_mid_secret = br#"[{"id":"x","params":[{"name":"t","value":"SECRET-VAL"#;
        assert!(!secrets().excerpt(cut_mid_secret, &[]).contains("SECRET"));
        let html = b"<html><a href=\"/login?next=/&access_token=AT-456&x=1\">sign in</a> password=hunter2 </html>";
        let e = secrets().excerpt(html, &[]);
        assert!(!e.contains("AT-456") && !e.contains("hunter2"), "{e}");
        assert!(e.contains("sign in") && e.contains("x=1"), "{e}");
        let bare = br#"{"secret": 12345678, "value": SECRET-BARE, "ok": 1"#;
        let e = secrets().excerpt(bare, &[]);
        assert!(!e.contains("12345678") && !e.contains("SECRET-BARE"), "{e}");
    }

    #[test]
    fn known_secrets_are_replaced_in_every_form() {
        let s = secrets();
        let also = [SecretString::from("patch value")];
        let body =
            br#"{"message":"bad client-secret-1 and tok/en\"2 and patch+value and patch value"}"#;
        let e = s.excerpt(body, &also);
        assert!(
            !e.contains("client-secret-1") && !e.contains("tok/en") && !e.contains("patch"),
            "{e}"
        );
        let raw = s.scrub("x tok%2Fen%222 y", &[]);
        assert_eq!(raw, format!("x {MASK} y"));
    }

    #[test]
    fn a_known_secret_cut_short_at_the_end_of_a_body_is_replaced() {
        let s = secrets();
        for cut in [&b"[{\"note\":\"see client-sec"[..], b"<p>token: tok%2Fe"] {
            let e = s.excerpt(cut, &[]);
            assert!(!e.contains("client-sec") && !e.contains("tok%2Fe"), "{e}");
            assert!(e.ends_with(MASK), "{e}");
        }
        // Three characters are not enough to tell.
        assert!(s.excerpt(b"[\"cli", &[]).ends_with("cli"));
    }

    #[test]
    fn excerpts_are_bounded_one_line_and_survive_invalid_utf8() {
        let long = "x ".repeat(10_000);
        let e = secrets().excerpt(long.as_bytes(), &[]);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(!e.contains('\n'));
        assert_eq!(
            secrets().excerpt(&[0xff, b'a', b'\n', b'b'], &[]),
            "\u{fffd}a b"
        );
    }

    #[test]
    fn unknown_members_lose_their_secrets() {
        let mut extra: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"api_token":"T1","note":"kept","has_token":true,"deep":{"password":"P1","list":[{"client_secret":"S1"}]}}"#,
        )
        .unwrap();
        mask_extra(&mut extra);
        let text = Value::Object(extra).to_string();
        assert!(
            !text.contains("T1") && !text.contains("P1") && !text.contains("S1"),
            "{text}"
        );
        assert!(
            text.contains("kept") && text.contains("\"has_token\":true"),
            "{text}"
        );
    }

    #[test]
    fn decoding_errors_lose_their_quoted_values() {
        let e = serde_json::from_str::<u32>("\"client-secret-1-and-more\"").unwrap_err();
        let d = secrets().decoding_error(&e, &[]);
        assert!(!d.contains("client-secret"), "{d}");
        assert!(d.starts_with("invalid type: string \"…\""), "{d}");
    }
}
