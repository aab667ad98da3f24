//! Raw answers (`RawAnswer`): what a hostile server sends, observed on the wire as scripted,
//! their place in a route's queue, and the counters a client's tests read.

use std::net::SocketAddr;
use std::time::Duration;

use integrations_fake::{Control, InvalidAnswer, LookerFake, RawAnswer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

/// A GET of `target` without credentials, as raw bytes.
fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: fake\r\n\r\n").into_bytes()
}

/// Sends `request` and reads everything until the server closes the connection.
async fn wire(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok_and(|r| r.is_ok()),
        "the server neither answers nor closes"
    );
    answer
}

/// Waits until `done` holds, for at most 10 seconds.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: not within 10 s");
}

/// Queues `answer` as the next answer of `operation_id`.
fn script(control: &Control, operation_id: &str, answer: RawAnswer) {
    control
        .answer_once(operation_id, answer)
        .expect("a valid answer");
}

/// The head of the answer to `GET` `path` under the Looker fake's API URL, without a token.
async fn looker_head(looker: &LookerFake, path: &str) -> reqwest::Response {
    let url = format!("{}{path}", looker.api_url());
    client().get(url).send().await.expect("the head arrives")
}

#[tokio::test]
async fn a_raw_answer_goes_on_the_wire_byte_for_byte() {
    let looker = looker_demo().await;
    let body: &[u8] = b"{\"id\": \"\xff\xfe\"}\x00";
    looker
        .control()
        .answer_once(
            "all_integrations",
            RawAnswer::new(203)
                .header("Content-Type", "text/plain; charset=latin1")
                .header("X-Twice", "1")
                .header("x-twice", b"caf\xe9".as_slice())
                .body(body),
        )
        .expect("a valid answer");
    let got = wire(looker.addr(), &get("/api/4.0/integrations")).await;
    let expected = [
        b"HTTP/1.1 203 Non Authoritative Information\r\n".as_slice(),
        b"Content-Type: text/plain; charset=latin1\r\n",
        b"X-Twice: 1\r\n",
        b"x-twice: caf\xe9\r\n",
        format!("content-length: {}\r\n", body.len()).as_bytes(),
        b"connection: close\r\n",
        b"\r\n",
        body,
    ]
    .concat();
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(got, expected, "no Date, no JSON content type, nothing else");

    // Statuses hyper would not send as they are: 1xx, and one without a reason.
    for (status, line) in [
        (103, "HTTP/1.1 103 Early Hints\r\n"),
        (999, "HTTP/1.1 999 \r\n"),
    ] {
        script(looker.control(), "all_integrations", RawAnswer::new(status));
        let got = wire(looker.addr(), &get("/api/4.0/integrations")).await;
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with(line), "{text}");
    }
}

#[tokio::test]
async fn a_client_sees_the_scripted_status_headers_and_body_without_a_content_type() {
    let looker = looker_demo().await;
    let body = vec![0xff, 0xfe, b'[', 0x80, b']'];
    script(
        looker.control(),
        "integration",
        RawAnswer::new(200).header("X-Odd", "1").body(body.clone()),
    );
    let response = looker_head(&looker, "/integrations/1::slack").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-type"), None);
    assert_eq!(response.headers()["x-odd"], "1");
    assert_eq!(response.bytes().await.expect("a body").as_ref(), body);

    // An empty body and a wrong content type on an error status.
    script(
        looker.control(),
        "integration",
        RawAnswer::new(500).header("Content-Type", "text/html"),
    );
    let answer =
        Answer::to(client().get(format!("{}/integrations/1::slack", looker.api_url()))).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.headers["content-type"], "text/html");
    assert_eq!(answer.headers["content-length"], "0");
    assert_eq!(answer.text, "");
}

#[tokio::test]
async fn raw_answers_come_before_authentication_count_as_requests_and_are_not_handled() {
    let torq = torq_demo().await;
    let control = torq.control();
    script(
        control,
        "create_token",
        RawAnswer::new(200)
            .header("Content-Type", "application/json")
            .body(r#"{"access_token":"not-from-the-fake","expires_in":3600}"#),
    );
    // No credentials at all, yet the scripted token comes back.
    let answer = Answer::to(client().post(torq.token_url())).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["access_token"], "not-from-the-fake");
    assert_eq!(control.logins(), 0, "a raw answer is not a login");
    assert_eq!(control.requests("create_token"), 1);
    assert_eq!(control.handled("create_token"), 0);
    // Then the route answers normally.
    torq_token(&torq).await;
    let counts = (
        control.requests("create_token"),
        control.handled("create_token"),
    );
    assert_eq!((control.logins(), counts), (1, (2, 1)));
}

#[tokio::test]
async fn raw_answers_share_the_queue_with_failures_in_order() {
    let (looker, auth) = looker_with_auth().await;
    let control = looker.control();
    control.fail_next("all_integrations", 1, 503, None);
    script(control, "all_integrations", RawAnswer::new(200).body("one"));
    control.drop_next("all_integrations", 1);
    control
        .answer_next("all_integrations", 2, RawAnswer::new(202).body("two"))
        .expect("valid");
    script(control, "all_integrations", RawAnswer::hang_up());
    // A route's queue leaves the others alone.
    script(control, "integration", RawAnswer::new(500));

    let http = client();
    let url = format!("{}/integrations", looker.api_url());
    let mut seen = Vec::new();
    for _ in 0..7 {
        let outcome = http.get(&url).header("authorization", &auth).send().await;
        seen.push(match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.expect("a body");
                let text = if status == 200 && text.starts_with('[') {
                    "the list".to_owned()
                } else if status == 503 {
                    serde_json::from_str::<serde_json::Value>(&text).expect("Looker's shape")
                        ["message"]
                        .as_str()
                        .expect("a message")
                        .to_owned()
                } else {
                    text
                };
                format!("{status} {text}")
            }
            Err(error) => {
                assert!(error.status().is_none(), "{error:?}");
                "dropped".to_owned()
            }
        });
    }
    assert_eq!(
        seen,
        vec![
            "503 Service Unavailable",
            "200 one",
            "dropped",
            "202 two",
            "202 two",
            "dropped",
            "200 the list",
        ]
    );
    assert_eq!(control.requests("all_integrations"), 7);
    assert_eq!(control.handled("all_integrations"), 1);
    assert_eq!(control.requests("integration"), 0);
    // Raw answers close their connection: every one came on a fresh one, and the client's
    // next request did not fail on a closed pooled connection.
    assert!(control.connections() >= 6, "{}", control.connections());

    // clear_faults removes queued raw answers too.
    control
        .answer_next("all_integrations", 3, RawAnswer::new(500))
        .expect("valid");
    control.clear_faults();
    let answer = Answer::to(http.get(&url).header("authorization", &auth)).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn a_truncated_body_is_cut_where_scripted_and_a_body_error_for_the_client() {
    let looker = looker_demo().await;
    let sent: &[u8] = br#"[{"id":"1::slack","na"#;
    script(
        looker.control(),
        "all_integrations",
        RawAnswer::truncated(200, sent, 10_000).header("Content-Type", "application/json"),
    );
    let got = wire(looker.addr(), &get("/api/4.0/integrations")).await;
    let expected = [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 10000\r\nconnection: close\r\n\r\n"
            .as_slice(),
        sent,
    ]
    .concat();
    assert_eq!(got, expected, "the promise, then fewer bytes, then the end");

    script(
        looker.control(),
        "all_integrations",
        RawAnswer::truncated(200, sent, 10_000),
    );
    let response = looker_head(&looker, "/integrations").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(10_000));
    let error = response.bytes().await.expect_err("the body is cut short");
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    let without_content_type = expected.len() - "Content-Type: application/json\r\n".len();
    assert_eq!(
        looker.control().raw_bytes_sent("all_integrations"),
        (expected.len() + without_content_type) as u64
    );
}

#[tokio::test]
async fn an_endless_body_goes_on_until_the_client_leaves_and_the_server_keeps_serving() {
    let looker = looker_demo().await;
    let control = looker.control();
    let fragment = r#"[{"id":"x"},"#;
    script(
        control,
        "all_integrations",
        RawAnswer::endless(200, fragment).header("Content-Type", "application/json"),
    );
    let mut response = looker_head(&looker, "/integrations").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    const TEN_MIB: usize = 10 << 20;
    let mut read = 0;
    let mut tail = Vec::new();
    while read < TEN_MIB {
        let chunk = response
            .chunk()
            .await
            .expect("no error")
            .expect("never ends");
        // The body is the fragment again and again, whatever the chunk boundaries.
        tail.extend_from_slice(&chunk);
        let whole = tail.len() / fragment.len() * fragment.len();
        assert!(
            tail[..whole]
                .chunks(fragment.len())
                .all(|c| c == fragment.as_bytes()),
            "at byte {read}"
        );
        tail.drain(..whole);
        read += chunk.len();
    }
    assert_eq!(control.raw_answers_in_flight("all_integrations"), 1);
    drop(response);
    eventually("the server stops writing once the client is gone", || {
        control.raw_answers_in_flight("all_integrations") == 0
    })
    .await;
    let sent = control.raw_bytes_sent("all_integrations");
    assert!(sent >= TEN_MIB as u64, "{sent}");
    let answer = Answer::to(client().get(format!("{}/integrations", looker.api_url()))).await;
    assert_eq!(answer.status, 401, "served normally afterwards");
}

#[tokio::test]
async fn an_endless_body_is_written_only_as_fast_as_the_client_reads() {
    let looker = looker_demo().await;
    let control = looker.control();
    control
        .answer_once(
            "all_integrations",
            RawAnswer::endless(200, vec![b'z'; 1000]),
        )
        .expect("valid");
    let mut stream = TcpStream::connect(looker.addr()).await.expect("connect");
    stream
        .write_all(&get("/api/4.0/integrations"))
        .await
        .expect("write");
    let mut buffer = vec![0; 1 << 20];
    stream.read_exact(&mut buffer).await.expect("1 MiB");
    let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    assert!(buffer.starts_with(head));
    // The client stops reading: the server stops writing once the sockets' buffers are full,
    // instead of producing (and keeping) more.
    let mut last = u64::MAX;
    for _ in 0..50 {
        let now = control.raw_bytes_sent("all_integrations");
        if now == last {
            break;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stalled = control.raw_bytes_sent("all_integrations");
    assert_eq!(stalled, last, "nothing written while nobody reads");
    // What was read, plus what the kernel buffers hold (a few MiB on loopback; their caps,
    // net.ipv4.tcp_rmem and tcp_wmem, are some tens of MiB at most).
    assert!(stalled < (1 << 20) + (64 << 20), "{stalled}");
    assert_eq!(control.raw_answers_in_flight("all_integrations"), 1);
    // Reading again makes it go on.
    for _ in 0..8 {
        stream.read_exact(&mut buffer).await.expect("more");
    }
    assert!(control.raw_bytes_sent("all_integrations") > stalled);
    drop(stream);
    eventually("the answer ends with the connection", || {
        control.raw_answers_in_flight("all_integrations") == 0
    })
    .await;
}

#[tokio::test]
async fn invalid_raw_answers_are_refused_and_queue_nothing() {
    let looker = looker_demo().await;
    let control = looker.control();
    let refused = [
        (RawAnswer::new(42), InvalidAnswer::Status(42)),
        (RawAnswer::new(1000), InvalidAnswer::Status(1000)),
        (
            RawAnswer::new(200).header("not a token", "x"),
            InvalidAnswer::HeaderName("not a token".into()),
        ),
        (
            RawAnswer::new(200).header("x-split", "a\r\nx-injected: b"),
            InvalidAnswer::HeaderValue {
                name: "x-split".into(),
            },
        ),
        (RawAnswer::endless(200, ""), InvalidAnswer::EmptyChunk),
        (
            RawAnswer::truncated(200, "abcd", 2),
            InvalidAnswer::NotTruncated {
                sent: 4,
                promised: 2,
            },
        ),
    ];
    for (answer, expected) in refused {
        let error = control
            .answer_next("all_integrations", 3, answer)
            .expect_err("refused");
        assert_eq!(error, expected);
        assert!(!error.to_string().is_empty());
    }
    let answer = Answer::to(client().get(format!("{}/integrations", looker.api_url()))).await;
    assert_eq!(answer.status, 401, "nothing was queued");
    assert_eq!(control.handled("all_integrations"), 1);
}

#[tokio::test]
async fn a_raw_answer_to_a_patch_leaves_the_integration_alone() {
    let (looker, token) = looker_with_token().await;
    let before = looker.integration("1::braze").expect("braze");
    script(
        looker.control(),
        "update_integration",
        RawAnswer::new(200)
            .header("Content-Type", "application/json")
            .body(r#"{"id":"1::braze","enabled":false}"#),
    );
    let answer = Answer::to(
        client()
            .patch(format!("{}/integrations/1::braze", looker.api_url()))
            .header("authorization", format!("token {token}"))
            .json(&serde_json::json!({"enabled": false, "padding": "x".repeat(200_000)})),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["enabled"], false, "the scripted answer, whole");
    assert_eq!(
        looker.integration("1::braze"),
        Some(before),
        "not processed"
    );
    assert_eq!(looker.control().requests("update_integration"), 1);
    assert_eq!(looker.control().handled("update_integration"), 0);
}
