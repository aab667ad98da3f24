//! [`RawAnswer`]: an answer a test scripts byte for byte (status, headers, a body that may be
//! invalid, endless or cut short, or no answer at all), and how it goes on the wire.

use std::fmt;
use std::io;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::header::{CONNECTION, CONTENT_LENGTH, HeaderName, HeaderValue, TRANSFER_ENCODING};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::control::Fault;

/// The least an endless body writes at once: its chunk is repeated up to this size.
const ENDLESS_BLOCK: usize = 64 * 1024;

/// The longest header name an [`InvalidAnswer`] quotes.
const QUOTED_NAME: usize = 64;

/// An answer a test scripts as raw HTTP, for [`Control::answer_next`](crate::Control::answer_next):
/// any status, any headers, and a body of given bytes, an endless body, a body cut short, or
/// no answer at all ([`hang_up`](Self::hang_up)).
///
/// The fake writes it on the connection itself (hyper would turn a 1xx into 500 and add a
/// `Date`), as HTTP/1.1: the status line with the status's canonical reason (none for a status
/// without one), the headers in the order given and spelled as given, and then the body. It
/// adds only what frames the answer, each unless the test set the header itself:
///
/// - `content-length` (the body's length, or the promised length of a
///   [`truncated`](Self::truncated) body) when the answer sets neither `Content-Length` nor
///   `Transfer-Encoding`; an [`endless`](Self::endless) body gets `transfer-encoding: chunked`
///   instead, and goes out chunk-encoded. Set either header yourself and the body goes out as
///   it is, unframed;
/// - `connection: close`, because the connection is closed after a raw answer (a client must
///   not reuse it).
///
/// It never adds a `Content-Type`: an answer without one has none. Invalid input (a status
/// outside 100..=999, a header name or value HTTP cannot carry, an endless body of empty
/// chunks, a truncated body that sends all it promises) is kept until
/// [`Control::answer_next`](crate::Control::answer_next), which refuses it with an
/// [`InvalidAnswer`]; nothing panics.
///
/// ```
/// use integrations_fake::RawAnswer;
///
/// // HTML from a proxy, with a status and a content type Looker never sends.
/// let html = RawAnswer::new(502)
///     .header("Content-Type", "text/html")
///     .body("<html><body>Bad gateway</body></html>");
/// // A list that never ends.
/// let endless = RawAnswer::endless(200, r#"{"id":"x"},"#)
///     .header("Content-Type", "application/json");
/// // 1000 bytes promised, 10 sent, then the connection closes.
/// let truncated = RawAnswer::truncated(200, vec![b'['; 10], 1000);
/// // A body that is not UTF-8.
/// let binary = RawAnswer::new(200).body(vec![0xff, 0xfe, 0x00]);
/// # let _ = (html, endless, truncated, binary);
/// ```
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct RawAnswer {
    status: u16,
    /// Names as given (their spelling goes on the wire), validated.
    headers: Vec<(Bytes, HeaderValue)>,
    body: RawBody,
    /// The first invalid status or header, reported by `Control::answer_next`.
    error: Option<InvalidAnswer>,
}

#[derive(Clone, PartialEq, Eq)]
enum RawBody {
    Full(Bytes),
    Endless(Bytes),
    Truncated { sent: Bytes, promised: u64 },
    HangUp,
}

impl fmt::Debug for RawAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self
            .headers
            .iter()
            .map(|(name, _)| String::from_utf8_lossy(name))
            .collect();
        let mut debug = f.debug_struct("RawAnswer");
        debug.field("status", &self.status).field("headers", &names);
        match &self.body {
            RawBody::Full(body) => debug.field("body_len", &body.len()),
            RawBody::Endless(chunk) => debug.field("endless_chunk_len", &chunk.len()),
            RawBody::Truncated { sent, promised } => debug
                .field("sent_len", &sent.len())
                .field("promised_len", promised),
            RawBody::HangUp => debug.field("hang_up", &true),
        };
        debug.field("error", &self.error).finish()
    }
}

impl RawAnswer {
    /// An answer with `status` (any status HTTP can carry, 100..=999), no header and an empty
    /// body.
    ///
    /// ```
    /// # use integrations_fake::RawAnswer;
    /// let no_content_type = RawAnswer::new(200).body(r#"{"id":"1"}"#);
    /// # let _ = no_content_type;
    /// ```
    pub fn new(status: u16) -> Self {
        let error = StatusCode::from_u16(status)
            .err()
            .map(|_| InvalidAnswer::Status(status));
        Self {
            status,
            headers: Vec::new(),
            body: RawBody::Full(Bytes::new()),
            error,
        }
    }

    /// An answer with `status` whose body never ends: `chunk` again and again (written in
    /// blocks of at least 64 KiB, generated as the client reads, never buffered beyond one
    /// block), until the client disconnects or the server stops. A client must stop reading by
    /// itself. The chunk must not be empty.
    ///
    /// ```
    /// # use integrations_fake::RawAnswer;
    /// let json_forever = RawAnswer::endless(200, r#"[{"id":"x"},"#);
    /// let zeros_forever = RawAnswer::endless(200, vec![0u8; 64 * 1024]);
    /// # let _ = (json_forever, zeros_forever);
    /// ```
    pub fn endless(status: u16, chunk: impl Into<Bytes>) -> Self {
        Self {
            body: RawBody::Endless(chunk.into()),
            ..Self::new(status)
        }
    }

    /// An answer with `status` whose headers promise `Content-Length: promised_len` but that
    /// sends only `body` (shorter than promised) and then closes the connection: the client sees
    /// an error while reading the body.
    ///
    /// ```
    /// # use integrations_fake::RawAnswer;
    /// let cut = RawAnswer::truncated(200, r#"[{"id":"1"},{"i"#, 4096)
    ///     .header("Content-Type", "application/json");
    /// # let _ = cut;
    /// ```
    pub fn truncated(status: u16, body: impl Into<Bytes>, promised_len: u64) -> Self {
        Self {
            body: RawBody::Truncated {
                sent: body.into(),
                promised: promised_len,
            },
            ..Self::new(status)
        }
    }

    /// No answer at all: the connection is closed as soon as the request arrives, like
    /// [`Control::drop_next`](crate::Control::drop_next) (the client sees a transport error).
    ///
    /// ```
    /// # use integrations_fake::RawAnswer;
    /// let silence = RawAnswer::hang_up();
    /// # let _ = silence;
    /// ```
    pub fn hang_up() -> Self {
        Self {
            body: RawBody::HangUp,
            ..Self::new(200)
        }
    }

    /// Adds the header `name: value`, after those added before (a name given twice goes out
    /// twice), spelled as given. Any name and value HTTP can carry: a value may hold any byte
    /// but CR, LF, NUL and other control characters (tab aside). Ignored by
    /// [`hang_up`](Self::hang_up).
    ///
    /// ```
    /// # use integrations_fake::RawAnswer;
    /// let lying = RawAnswer::new(200)
    ///     .header("Content-Type", "text/plain")
    ///     .header("X-Latin-1", b"caf\xe9".as_slice())
    ///     .body(r#"{"id":"1"}"#);
    /// # let _ = lying;
    /// ```
    pub fn header(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        let name = name.as_ref();
        if HeaderName::from_bytes(name).is_err() {
            self.refuse(InvalidAnswer::HeaderName(quote(name)));
            return self;
        }
        match HeaderValue::from_bytes(value.as_ref()) {
            Ok(value) => self.headers.push((Bytes::copy_from_slice(name), value)),
            Err(_) => self.refuse(InvalidAnswer::HeaderValue { name: quote(name) }),
        }
        self
    }

    /// Sets the body to `body`, bytes as they are (empty, huge, not UTF-8…), replacing any
    /// body set before (an endless or truncated one too). Ignored by
    /// [`hang_up`](Self::hang_up).
    ///
    /// ```
    /// # use integrations_fake::RawAnswer;
    /// let not_utf8 = RawAnswer::new(200)
    ///     .header("Content-Type", "application/json")
    ///     .body(b"{\"id\": \"\xff\xfe\"}".as_slice());
    /// # let _ = not_utf8;
    /// ```
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        if self.body != RawBody::HangUp {
            self.body = RawBody::Full(body.into());
        }
        self
    }

    /// Keeps the first invalid status or header.
    fn refuse(&mut self, error: InvalidAnswer) {
        self.error.get_or_insert(error);
    }

    /// The fault that serves this answer, or why it cannot be served.
    pub(crate) fn script(&self) -> Result<Fault, InvalidAnswer> {
        if self.body == RawBody::HangUp {
            return Ok(Fault::Drop);
        }
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let status =
            StatusCode::from_u16(self.status).map_err(|_| InvalidAnswer::Status(self.status))?;
        let sets = |header: &HeaderName| {
            self.headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(header.as_str().as_bytes()))
        };
        let framed = sets(&CONTENT_LENGTH) || sets(&TRANSFER_ENCODING);

        let mut head = Vec::new();
        head.extend_from_slice(format!("HTTP/1.1 {} ", status.as_u16()).as_bytes());
        head.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
        head.extend_from_slice(b"\r\n");
        for (name, value) in &self.headers {
            put_header(&mut head, name, value.as_bytes());
        }
        let body = match &self.body {
            RawBody::Full(body) => {
                if !framed {
                    put_header(&mut head, b"content-length", body.len().to_string());
                }
                ScriptedBody::Once(body.clone())
            }
            RawBody::Truncated { sent, promised } => {
                if u64::try_from(sent.len()).is_ok_and(|len| len >= *promised) {
                    return Err(InvalidAnswer::NotTruncated {
                        sent: sent.len(),
                        promised: *promised,
                    });
                }
                if !framed {
                    put_header(&mut head, b"content-length", promised.to_string());
                }
                ScriptedBody::Once(sent.clone())
            }
            RawBody::Endless(chunk) => {
                if chunk.is_empty() {
                    return Err(InvalidAnswer::EmptyChunk);
                }
                if !framed {
                    put_header(&mut head, b"transfer-encoding", "chunked");
                }
                ScriptedBody::Endless(endless_block(chunk, !framed))
            }
            RawBody::HangUp => return Ok(Fault::Drop),
        };
        if !sets(&CONNECTION) {
            put_header(&mut head, b"connection", "close");
        }
        head.extend_from_slice(b"\r\n");
        Ok(Fault::Raw(Arc::new(Scripted {
            status: status.as_u16(),
            head: Bytes::from(head),
            body,
        })))
    }
}

fn put_header(head: &mut Vec<u8>, name: &[u8], value: impl AsRef<[u8]>) {
    head.extend_from_slice(name);
    head.extend_from_slice(b": ");
    head.extend_from_slice(value.as_ref());
    head.extend_from_slice(b"\r\n");
}

/// `chunk` repeated up to [`ENDLESS_BLOCK`], as one HTTP chunk when `chunked`.
fn endless_block(chunk: &Bytes, chunked: bool) -> Bytes {
    let repeats = ENDLESS_BLOCK.div_ceil(chunk.len().max(1));
    let data = chunk.repeat(repeats);
    if !chunked {
        return Bytes::from(data);
    }
    let mut block = Vec::with_capacity(data.len() + 16);
    block.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    block.extend_from_slice(&data);
    block.extend_from_slice(b"\r\n");
    Bytes::from(block)
}

/// A name for an error message: lossy UTF-8, cut short.
fn quote(name: &[u8]) -> String {
    String::from_utf8_lossy(name)
        .chars()
        .take(QUOTED_NAME)
        .collect()
}

/// Why [`Control::answer_next`](crate::Control::answer_next) refused a [`RawAnswer`].
///
/// ```
/// use integrations_fake::{InvalidAnswer, LookerFake, LookerSeed, RawAnswer};
///
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let looker = LookerFake::start(LookerSeed::demo()).await?;
/// let refused = looker.control().answer_once("login", RawAnswer::new(42));
/// assert_eq!(refused, Err(InvalidAnswer::Status(42)));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidAnswer {
    /// A status HTTP cannot carry (outside 100..=999).
    Status(u16),
    /// A header name HTTP cannot carry (empty, or with a character a token may not hold), as
    /// given (lossy UTF-8, cut short).
    HeaderName(String),
    /// A header value HTTP cannot carry (CR, LF, NUL or another control character); the value
    /// is not quoted.
    HeaderValue {
        /// The header's name.
        name: String,
    },
    /// An endless body whose chunk is empty.
    EmptyChunk,
    /// A truncated body that sends all it promises.
    NotTruncated {
        /// The length of the body sent.
        sent: usize,
        /// The `Content-Length` promised.
        promised: u64,
    },
}

impl fmt::Display for InvalidAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => {
                write!(f, "status {status} is not an HTTP status (100..=999)")
            }
            Self::HeaderName(name) => write!(f, "{name:?} is not an HTTP header name"),
            Self::HeaderValue { name } => {
                write!(
                    f,
                    "the value of header {name:?} is not an HTTP header value"
                )
            }
            Self::EmptyChunk => f.write_str("an endless body needs a chunk that is not empty"),
            Self::NotTruncated { sent, promised } => write!(
                f,
                "a truncated body sends fewer bytes than it promises ({sent} sent, {promised} promised)"
            ),
        }
    }
}

impl std::error::Error for InvalidAnswer {}

/// A raw answer ready for the wire.
#[derive(PartialEq, Eq)]
pub(crate) struct Scripted {
    /// The status, for the log.
    pub(crate) status: u16,
    /// The status line and headers, with the blank line that ends them.
    head: Bytes,
    body: ScriptedBody,
}

#[derive(PartialEq, Eq)]
enum ScriptedBody {
    /// Written once (a whole body, or the part of a truncated one that is sent).
    Once(Bytes),
    /// Written again and again (framed already when chunked).
    Endless(Bytes),
}

impl fmt::Debug for Scripted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, len) = match &self.body {
            ScriptedBody::Once(body) => ("once", body.len()),
            ScriptedBody::Endless(block) => ("endless", block.len()),
        };
        f.debug_struct("Scripted")
            .field("status", &self.status)
            .field("head_len", &self.head.len())
            .field(kind, &len)
            .finish()
    }
}

impl Scripted {
    /// Writes the answer on `writer`, telling `sent` every count of bytes written; returns when
    /// it is written, or with the error that stopped it (an endless body stops only so, e.g.
    /// when the client disconnects).
    pub(crate) async fn write<W: AsyncWrite + Unpin>(
        &self,
        writer: &mut W,
        mut sent: impl FnMut(usize),
    ) -> io::Result<()> {
        send(writer, &self.head, &mut sent).await?;
        match &self.body {
            ScriptedBody::Once(body) => send(writer, body, &mut sent).await?,
            ScriptedBody::Endless(block) => loop {
                send(writer, block, &mut sent).await?;
            },
        }
        writer.flush().await
    }
}

async fn send<W: AsyncWrite + Unpin>(
    writer: &mut W,
    mut bytes: &[u8],
    sent: &mut impl FnMut(usize),
) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = writer.write(bytes).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        sent(n);
        bytes = &bytes[n..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `answer` writes, up to `limit` bytes.
    async fn wire(answer: RawAnswer, limit: usize) -> Vec<u8> {
        let Ok(Fault::Raw(scripted)) = answer.script() else {
            panic!("not a raw answer");
        };
        let (mut client, mut server) = tokio::io::duplex(64 * 1024);
        tokio::spawn(async move { scripted.write(&mut server, |_| {}).await });
        let mut out = vec![0; limit];
        let mut got = 0;
        while got < limit {
            match tokio::io::AsyncReadExt::read(&mut client, &mut out[got..]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        out.truncate(got);
        out
    }

    #[tokio::test]
    async fn the_head_is_the_status_line_the_headers_as_given_and_the_framing() {
        let answer = RawAnswer::new(418)
            .header("X-One", "1")
            .header("x-one", b"\xe9".as_slice())
            .body("abc");
        let bytes = wire(answer, 4096).await;
        assert_eq!(
            bytes,
            b"HTTP/1.1 418 I'm a teapot\r\nX-One: 1\r\nx-one: \xe9\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc"
        );
        let answer = RawAnswer::new(599)
            .header("Content-Length", "99")
            .header("Connection", "keep-alive");
        assert_eq!(
            wire(answer, 4096).await,
            b"HTTP/1.1 599 \r\nContent-Length: 99\r\nConnection: keep-alive\r\n\r\n"
        );
    }

    #[tokio::test]
    async fn endless_bodies_are_chunked_blocks_unless_framed_by_the_test() {
        let bytes = wire(RawAnswer::endless(200, "ab"), 200_000).await;
        let head =
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n10000\r\n";
        assert!(bytes.starts_with(head));
        assert_eq!(bytes.len(), 200_000, "it goes on");
        let block = &bytes[head.len()..head.len() + ENDLESS_BLOCK];
        assert!(block.chunks(2).all(|c| c == b"ab"));
        assert_eq!(&bytes[head.len() + ENDLESS_BLOCK..][..9], b"\r\n10000\r\n");

        let raw = wire(
            RawAnswer::endless(200, "x").header("transfer-encoding", "identity"),
            1000,
        )
        .await;
        let text = String::from_utf8_lossy(&raw);
        let (_, body) = text.split_once("\r\n\r\n").expect("a head");
        assert!(body.bytes().all(|b| b == b'x'), "unframed");
    }

    #[test]
    fn invalid_input_is_refused_not_panicked_on() {
        let refused = |answer: RawAnswer| answer.script().err();
        assert_eq!(refused(RawAnswer::new(99)), Some(InvalidAnswer::Status(99)));
        assert_eq!(
            refused(RawAnswer::new(1000)),
            Some(InvalidAnswer::Status(1000))
        );
        assert_eq!(refused(RawAnswer::new(100)), None);
        assert_eq!(refused(RawAnswer::new(999)), None);
        assert_eq!(
            refused(RawAnswer::new(200).header("bad name", "x")),
            Some(InvalidAnswer::HeaderName("bad name".into()))
        );
        assert_eq!(
            refused(RawAnswer::new(200).header("", "x")),
            Some(InvalidAnswer::HeaderName(String::new()))
        );
        assert_eq!(
            refused(RawAnswer::new(200).header("x-injected", "a\r\nset-cookie: b")),
            Some(InvalidAnswer::HeaderValue {
                name: "x-injected".into()
            })
        );
        assert_eq!(
            refused(RawAnswer::endless(200, "")),
            Some(InvalidAnswer::EmptyChunk)
        );
        assert_eq!(
            refused(RawAnswer::truncated(200, "abc", 3)),
            Some(InvalidAnswer::NotTruncated {
                sent: 3,
                promised: 3
            })
        );
        // The first error is the one reported; a whole body replaces a bad endless one.
        assert_eq!(
            refused(RawAnswer::new(7).header("bad name", "x")),
            Some(InvalidAnswer::Status(7))
        );
        assert_eq!(refused(RawAnswer::endless(200, "").body("ok")), None);
        assert_eq!(refused(RawAnswer::hang_up().header("x", "y")), None);
        assert_eq!(RawAnswer::hang_up().script(), Ok(Fault::Drop));
        let message = InvalidAnswer::HeaderValue {
            name: "x-token".into(),
        }
        .to_string();
        assert!(message.contains("x-token"), "{message}");
    }
}
