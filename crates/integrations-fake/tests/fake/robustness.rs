//! Bad input never panics the servers: malformed JSON, wrong content types, huge bodies,
//! unknown routes, odd ids and raw bytes get a clear 4xx (in the vendor's error shape whenever
//! the request reaches the router), and the servers keep serving.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use integrations_fake::{BODY_LIMIT, FakeServers};
use looker_api::types::Error as LookerError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use torq_api::types::{OAuthError, RpcStatus};

use crate::support::*;

/// Sends `request` as raw bytes and returns the status and body of the answer (the connection
/// is closed by the request's `Connection: close`).
async fn raw(what: &str, addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "{what}: the server neither answers nor closes"
    );
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A raw HTTP/1.1 request for `target` with `headers` (each ending in CRLF) and `body`, its
/// `Content-Length` computed, closing the connection after the answer.
fn request(method: &str, target: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: h\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

/// A refusal of the client's request: a 4xx status and a body that parses as `E` and passes
/// `complete` (named `shape` in failures).
fn assert_refusal<E: DeserializeOwned>(
    what: &str,
    status: u16,
    body: &str,
    shape: &str,
    complete: impl FnOnce(E) -> bool,
) {
    assert!((400..500).contains(&status), "{what}: status {status}");
    let parsed: Result<E, _> = serde_json::from_str(body);
    assert!(parsed.is_ok_and(complete), "{what}: not {shape}: {body}");
}

/// Looker's refusal: a 4xx with Looker's error body (a message and a documentation link).
fn assert_looker_error(what: &str, status: u16, body: &str) {
    assert_refusal(
        what,
        status,
        body,
        "Looker's error shape",
        |e: LookerError| e.message.is_some() && e.documentation_url.is_some(),
    );
}

/// Torq's refusal: a 4xx with an rpcStatus body (a code and a message).
fn assert_torq_error(what: &str, status: u16, body: &str) {
    assert_refusal(what, status, body, "an rpcStatus", |e: RpcStatus| {
        e.code.is_some() && e.message.is_some()
    });
}

/// Sends each of `cases` (what it is, the raw request) to `addr` and checks its answer with `check`
/// (what, status, body).
async fn assert_each_answer(
    addr: SocketAddr,
    cases: &[(&str, Vec<u8>)],
    check: fn(&str, u16, &str),
) {
    for (what, request) in cases {
        let (status, body) = raw(what, addr, request).await;
        check(what, status, &body);
    }
}

/// The token endpoint's refusal: `status` with an OAuth 2.0 error body whose code is `error`.
fn assert_oauth_error(what: &str, expected: (u16, &str), status: u16, body: &str) {
    assert_eq!(status, expected.0, "{what}: {body}");
    let parsed: Result<OAuthError, _> = serde_json::from_str(body);
    assert!(
        parsed.is_ok_and(|e| e.error == expected.1 && e.error_description.is_some()),
        "{what}: not the OAuth error {}: {body}",
        expected.1
    );
}

#[tokio::test]
async fn looker_answers_bad_requests_with_its_error_shape_and_keeps_serving() {
    let fakes = FakeServers::start().await.expect("started");
    let looker = &fakes.looker;
    let token = looker_token(looker).await;
    let addr = looker.addr();
    let auth = format!("Authorization: token {token}\r\n");

    let too_big = "x".repeat(BODY_LIMIT + 1);
    let deep = "[".repeat(100_000);
    let not_utf8: &[u8] = b"{\"enabled\": \"\xff\xfe\"}";
    let json = format!("{auth}Content-Type: application/json\r\n");
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let slack = "/api/4.0/integrations/1::slack";
    let get = |path: &str| request("GET", path, &auth, b"");
    let patch = |body: &[u8]| request("PATCH", slack, &json, body);
    let hubs = "/api/4.0/integration_hubs";
    let integrations = "/api/4.0/integrations";
    let non_ascii = "Authorization: token \u{e9}\r\n";
    let send_json = |method: &str, path: &str, body: &[u8]| request(method, path, &json, body);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "dot-dot path",
            get("/api/4.0/integrations/../integrations/x"),
        ),
        ("encoded dot-dot", get("/api/4.0/integrations/%2e%2e")),
        ("encoded slash", get("/api/4.0/integrations/1%2F..%2Fslack")),
        (
            "encoded space and query",
            get("/api/4.0/integrations/a%20b%3Fc"),
        ),
        ("invalid utf-8 id", get("/api/4.0/integrations/%FF%FE")),
        ("trailing slash", get("/api/4.0/integrations/1::slack/")),
        (
            "unknown route",
            request("GET", "/api/3.1/integrations", "", b""),
        ),
        ("odd fields", get("/api/4.0/integrations?fields=((((")),
        ("wrong method", request("PUT", "/api/4.0/login", "", b"")),
        (
            "huge login",
            request("POST", "/api/4.0/login", form, too_big.as_bytes()),
        ),
        ("deeply nested json", patch(deep.as_bytes())),
        ("not utf-8 json", patch(not_utf8)),
        ("empty patch", patch(b"")),
        (
            "form patch",
            request("PATCH", slack, &format!("{auth}{form}"), b"enabled=1"),
        ),
        ("null patch", patch(b"null")),
        ("params of nulls", patch(br#"{"params": [null, 1, []]}"#)),
        (
            "deeply nested hub json",
            send_json("POST", hubs, deep.as_bytes()),
        ),
        (
            "not utf-8 hub json",
            send_json("PATCH", &format!("{hubs}/2"), not_utf8),
        ),
        (
            "huge form request",
            send_json("POST", &format!("{slack}/form"), too_big.as_bytes()),
        ),
        (
            "hub url of garbage",
            send_json("POST", hubs, br#"{"url": "http://[::1"}"#),
        ),
        (
            "non-ascii token",
            request("GET", integrations, non_ascii, b""),
        ),
    ];
    assert_each_answer(addr, &cases, assert_looker_error).await;

    // Below the router, hyper refuses what is not HTTP at all; the server lives on.
    for garbage in [
        &b"\x00\x01\x02 nonsense\r\n\r\n"[..],
        b"GET /a b c d HTTP/1.1\r\n\r\n",
    ] {
        let (status, _) = raw("garbage", addr, garbage).await;
        assert_eq!(status, 400);
    }
    // A client that connects and leaves without a word.
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.shutdown().await.expect("shutdown");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
    assert!(
        closed.is_ok_and(|read| read.is_ok()),
        "the server closes its side too"
    );
    // A body cut short.
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(format!("PATCH /api/4.0/integrations/1::slack HTTP/1.1\r\nHost: h\r\n{auth}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"ena").as_bytes())
        .await
        .expect("write");
    drop(stream);

    // Still serving, and nothing was changed by the bad requests.
    let answer = looker_get(looker, "/integrations/1::slack", &format!("token {token}")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["enabled"], Value::Bool(true));
    assert_eq!(
        fakes.looker.integration("1::slack"),
        Some(looker_demo_slack())
    );
    assert_eq!(
        fakes.looker.integration_hubs(),
        integrations_fake::LookerSeed::demo()
            .hubs
            .into_iter()
            .map(|seeded| looker_api::types::IntegrationHub {
                has_authorization_token: Some(seeded.authorization_token.is_some()),
                ..seeded.hub
            })
            .collect::<Vec<_>>(),
        "no hub changed"
    );
}

fn looker_demo_slack() -> looker_api::types::Integration {
    integrations_fake::LookerSeed::demo()
        .integrations
        .into_iter()
        .find(|i| i.id.as_deref() == Some("1::slack"))
        .expect("slack in the demo")
}

#[tokio::test]
async fn torq_answers_bad_requests_in_its_error_shapes_and_keeps_serving() {
    let fakes = FakeServers::start().await.expect("started");
    let torq = &fakes.torq;
    let addr = torq.addr();
    let too_big = "grant_type=client_credentials&".repeat(BODY_LIMIT / 20);
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let grant = b"grant_type=client_credentials";
    let basic = format!(
        "Authorization: Basic {}\r\n{form}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            torq.client_id(),
            torq.client_secret()
        ))
    );
    let token_request =
        |headers: &str, body: &[u8]| request("POST", "/v1/auth/token", headers, body);
    let bad_base64 = format!("Authorization: Basic %%%not-base64\r\n{form}");
    let token_cases: Vec<(&str, (u16, &str), Vec<u8>)> = vec![
        (
            "huge token request",
            (400, "invalid_request"),
            token_request(&basic, too_big.as_bytes()),
        ),
        (
            "bad base64",
            (401, "invalid_client"),
            token_request(&bad_base64, grant),
        ),
        (
            "json token request",
            (400, "invalid_request"),
            token_request("Content-Type: application/json\r\n", b"{}"),
        ),
    ];
    for (what, expected, request) in &token_cases {
        let (status, body) = raw(what, addr, request).await;
        assert_oauth_error(what, *expected, status, &body);
    }
    let anonymous = |method: &str, path: &str| request(method, path, "", b"");
    let odd_type = "/v1alpha/integrations?type_id=%FF";
    let non_ascii = "Authorization: Bearer \u{e9}\u{fe}\r\n";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("unknown route", anonymous("GET", "/v1alpha/integrations/x")),
        (
            "dot-dot",
            anonymous("GET", "/v1alpha/../v1alpha/integrations"),
        ),
        ("wrong method", anonymous("POST", "/v1alpha/integrations")),
        ("non-ascii bearer", request("GET", odd_type, non_ascii, b"")),
    ];
    assert_each_answer(addr, &cases, assert_torq_error).await;
    let token = torq_token(torq).await;
    let answer = Answer::to(
        client()
            .get(format!(
                "{}/v1alpha/integrations?type_id=%FF%00",
                torq.base_url()
            ))
            .header("authorization", format!("Bearer {token}")),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["integrations"], serde_json::json!([]));
}
