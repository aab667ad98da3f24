//! A misbehaving server never leaks a secret, and never costs the good records: one test per
//! rule of ARCHITECTURE.md "Trust", against the fakes scripted with raw answers.

mod common;

use std::time::{Duration, Instant};

use integrations::{
    Error, IntegrationId, IntegrationPatch, IntegrationProvider, ListFilter, Operation,
    ParamChange, Vendor,
};
use integrations_fake::{FakeServers, RawAnswer};
use serde_json::{Value, json};

const JSON: &str = "application/json";

/// `status` with a JSON content type and `body`.
fn json_answer(status: u16, body: impl Into<Vec<u8>>) -> RawAnswer {
    RawAnswer::new(status)
        .header("Content-Type", JSON)
        .body(body.into())
}

/// Fails when any of `secrets` appears in `text`.
fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what}: secret {secret:?} appears in:\n{text}"
        );
    }
}

/// The operation an error names.
fn operation(e: &Error) -> Option<Operation> {
    e.operation()
}

fn looker_id(id: &str) -> IntegrationId {
    IntegrationId::new(Vendor::Looker, id).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Rule 1: no secret in any output.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rule1_no_secret_in_errors_or_traces_whatever_the_server_sends() {
    let (captured, _guard) = common::capture(tracing::Level::TRACE);
    let (fake, looker) = common::start_looker().await;
    let torq = common::torq(&fake.torq);
    let control = fake.looker.control();
    let mut shown_all = String::new();
    let mut planted: Vec<String> = [
        "PLANTED-LOGIN-500",
        "PLANTED-AT-500",
        "PLANTED-LOGIN-400",
        "PLANTED-LOGIN-429",
        "PLANTED-LOGIN-200",
    ]
    .map(String::from)
    .to_vec();

    // A login answer whose field has the wrong type: a bad response of the login, unquoted.
    let at = "PLANTED-AT-login-wrong-type-1";
    planted.push(at.into());
    control
        .answer_once(
            "login",
            json_answer(
                200,
                format!(r#"{{"access_token":"{at}","expires_in":"soon"}}"#),
            ),
        )
        .unwrap();
    let e = looker.list(&ListFilter::all()).await.unwrap_err();
    match &e {
        Error::BadResponse {
            operation: Operation::Login,
            status: Some(200),
            excerpt: None,
            ..
        } => {}
        other => panic!("expected a bad login response without excerpt, got {other:?}"),
    }
    shown_all += &common::shown(&e);

    // A working session: its token and the client secret are secrets the scrubber knows.
    let all = looker.list(&ListFilter::all()).await.unwrap().integrations;
    let session_token = control.issued_tokens().last().cloned().unwrap();
    let client_secret = fake.looker.client_secret().to_owned();

    // An undecodable list body carrying every kind of secret.
    let body = json!({
        "error": "not a list",
        "access_token": "PLANTED-LIST-AT",
        "nested": {"authorization_token": "PLANTED-LIST-HT", "password": "PLANTED-LIST-PW"},
        "params": [{"name": "token", "value": "PLANTED-LIST-PARAM"}],
        "message": format!("echo {client_secret} and {session_token}"),
    })
    .to_string();
    planted.extend(
        ["PLANTED-LIST-AT", "PLANTED-LIST-HT", "PLANTED-LIST-PW"]
            .into_iter()
            .chain(["PLANTED-LIST-PARAM"])
            .map(String::from),
    );
    let cut = &body.as_bytes()[..body.len() - 3];
    let not_json = format!("oops: {body}");
    for (what, answer) in [
        ("object", json_answer(200, body.clone())),
        ("cut JSON", json_answer(200, cut.to_vec())),
        ("not JSON", json_answer(200, not_json.clone())),
        ("500", json_answer(500, body.clone())),
        ("403", json_answer(403, body.clone())),
        ("418", json_answer(418, not_json.clone())),
    ] {
        control.answer_once("all_integrations", answer).unwrap();
        let e = looker.list(&ListFilter::all()).await.unwrap_err();
        let text = common::shown(&e);
        assert_no_secret(
            what,
            &text,
            &[
                "PLANTED-LIST".into(),
                client_secret.clone(),
                session_token.clone(),
            ],
        );
        shown_all += &text;
    }
    // The same on one integration: a record of the wrong type with a secret value.
    let record = json!({
        "id": all[0].id.vendor_id(),
        "enabled": "yes",
        "params": [{"name": "token", "sensitive": true, "value": "PLANTED-GET-PARAM"},
                   {"name": "x", "value": "PLANTED-GET-PARAM2"}],
        "password": "PLANTED-GET-PW",
        "client_secret": client_secret,
    })
    .to_string();
    planted.extend(
        ["PLANTED-GET-PARAM", "PLANTED-GET-PARAM2", "PLANTED-GET-PW"]
            .into_iter()
            .map(String::from),
    );
    control
        .answer_once("integration", json_answer(200, record))
        .unwrap();
    let e = looker.get(&all[0].id).await.unwrap_err();
    assert!(
        matches!(e, Error::BadResponse { .. }),
        "a record of the wrong type: {e:?}"
    );
    assert_no_secret(
        "get",
        &common::shown(&e),
        &["PLANTED-GET".into(), client_secret.clone()],
    );
    shown_all += &common::shown(&e);

    // An HTML page with a token in a link, as a 200 and as a 500.
    let html = format!(
        "<html><body><a href=\"/callback?state=1&access_token=PLANTED-HTML-AT&x=2\">continue</a> \
         password=PLANTED-HTML-PW {client_secret}</body></html>"
    );
    planted.extend(["PLANTED-HTML-AT".into(), "PLANTED-HTML-PW".into()]);
    for status in [200, 500, 403] {
        control
            .answer_next(
                "all_integrations",
                4,
                RawAnswer::new(status)
                    .header("Content-Type", "text/html")
                    .body(html.clone()),
            )
            .unwrap();
        let e = looker.list(&ListFilter::all()).await.unwrap_err();
        control.clear_faults();
        assert_no_secret(
            &format!("html {status}"),
            &common::shown(&e),
            &["PLANTED-HTML".into(), client_secret.clone()],
        );
        shown_all += &common::shown(&e);
    }

    // A 422 whose message echoes the value the patch set, in every form it can take.
    let patch_secret = "PATCH-SECRET-s3cr3t/\"va+lue\"";
    planted.push(patch_secret.into());
    let patch = IntegrationPatch::new().param("token", ParamChange::set(patch_secret));
    let escaped = serde_json::to_string(patch_secret).unwrap();
    let escaped = escaped.trim_matches('"');
    let encoded: String = url::form_urlencoded::byte_serialize(patch_secret.as_bytes()).collect();
    let echo = json!({
        "message": format!("Validation Failed: {patch_secret} is not a token"),
        "errors": [
            {"field": "params[0].value", "code": "invalid",
             "message": format!("'{patch_secret}' rejected"), "documentation_url": "x"},
        ],
        "documentation_url": "x",
    })
    .to_string();
    let echoes = [
        (422, echo.clone()),
        (
            400,
            json!({"message": format!("bad value {patch_secret}")}).to_string(),
        ),
        (500, format!("internal error with value {encoded}")),
        (502, format!("{{\"detail\":\"{escaped}\"}}")),
    ];
    for (status, body) in echoes {
        control
            .answer_once("update_integration", json_answer(status, body))
            .unwrap();
        let e = looker.update(&all[0].id, &patch).await.unwrap_err();
        if status == 422 {
            match &e {
                Error::Validation { errors, .. } => assert_eq!(errors.len(), 1, "{e:?}"),
                other => panic!("expected a validation error, got {other:?}"),
            }
        }
        assert_no_secret(
            &format!("update {status}"),
            &common::shown(&e),
            &[
                patch_secret.into(),
                escaped.into(),
                encoded.clone(),
                "PATCH-SECRET".into(),
            ],
        );
        shown_all += &common::shown(&e);
    }

    // Torq: a token answer of the wrong type, and an error body echoing secrets.
    torq.list(&ListFilter::all()).await.unwrap();
    let torq_token = fake.torq.control().issued_tokens().last().cloned().unwrap();
    fake.torq.control().expire_all_tokens();
    fake.torq
        .control()
        .answer_once(
            "create_token",
            json_answer(
                200,
                r#"{"access_token":"PLANTED-TORQ-AT","expires_in":"an hour"}"#,
            ),
        )
        .unwrap();
    planted.push("PLANTED-TORQ-AT".into());
    let e = torq.list(&ListFilter::all()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::BadResponse {
                operation: Operation::Login,
                excerpt: None,
                ..
            }
        ),
        "{e:?}"
    );
    shown_all += &common::shown(&e);
    torq.list(&ListFilter::all()).await.unwrap();
    let torq_secret = fake.torq.client_secret().to_owned();
    let echo = json!({"code": 13, "message": format!("{torq_secret} {torq_token}"),
                      "details": [{"@type": "x", "access_token": "PLANTED-TORQ-DETAIL"}]})
    .to_string();
    planted.push("PLANTED-TORQ-DETAIL".into());
    for status in [500, 400, 200] {
        fake.torq
            .control()
            .answer_once("list_integrations", json_answer(status, echo.clone()))
            .unwrap();
        let outcome = torq.list(&ListFilter::all()).await;
        let text = match &outcome {
            Ok(listing) => format!("{listing:?}{}", serde_json::to_string(listing).unwrap()),
            Err(e) => common::shown(e),
        };
        assert_no_secret(
            &format!("torq {status}"),
            &text,
            &[
                torq_secret.clone(),
                torq_token.clone(),
                "PLANTED-TORQ".into(),
            ],
        );
        shown_all += &text;
    }

    // Nothing anywhere: errors, nor the TRACE output of the whole session.
    let mut secrets = planted;
    secrets.push(client_secret);
    secrets.push(fake.torq.client_secret().to_owned());
    secrets.extend(control.issued_tokens());
    secrets.extend(fake.torq.control().issued_tokens());
    assert_no_secret("errors", &shown_all, &secrets);
    let traces = captured.text();
    assert!(traces.contains("integrations.call"), "traces were captured");
    assert_no_secret("traces", &traces, &secrets);
}

/// A secret a server puts in a record (a sensitive parameter's value, a member named for a
/// token, a password or a secret) reaches neither the model nor its raw record, so neither
/// `Debug` nor JSON output shows it.
#[tokio::test]
async fn rule1_a_secret_member_of_a_record_never_reaches_a_value() {
    let (fake, looker) = common::start_looker().await;
    let torq = common::torq(&fake.torq);
    let wire = common::looker_wire(&fake.looker, reqwest::Method::GET, "/integrations", None).await;
    let mut records: Vec<Value> = serde_json::from_slice(&wire.body).unwrap();
    let id = looker_id(records[0]["id"].as_str().unwrap());
    let plant = |record: &mut Value, tag: &str| {
        record["access_token"] = json!(format!("PLANTED-{tag}-AT"));
        record["password"] = json!(format!("PLANTED-{tag}-PW"));
        record["details"] = json!({"client_secret": format!("PLANTED-{tag}-CS"), "kept": 1});
        if let Some(param) = record
            .get_mut("params")
            .and_then(Value::as_array_mut)
            .and_then(|p| p.first_mut())
        {
            param["value"] = json!(format!("PLANTED-{tag}-PARAM"));
            param["sensitive"] = json!(true);
        }
    };
    plant(&mut records[0], "LIST");
    let shown = |v: &dyn std::fmt::Debug, json: String| format!("{v:?}\n{json}");

    let control = fake.looker.control();
    control
        .answer_once(
            "all_integrations",
            json_answer(200, serde_json::to_string(&records).unwrap()),
        )
        .unwrap();
    let listing = looker.list(&ListFilter::all()).await.unwrap();
    assert!(listing.is_complete());
    let mut seen = vec![(
        "list",
        shown(&listing, serde_json::to_string(&listing).unwrap()),
    )];
    let mut record = records[0].clone();
    plant(&mut record, "GET");
    control
        .answer_once("integration", json_answer(200, record.to_string()))
        .unwrap();
    let got = looker.get(&id).await.unwrap();
    seen.push(("get", shown(&got, serde_json::to_string(&got).unwrap())));
    control
        .answer_once(
            "test_integration",
            json_answer(
                200,
                r#"{"success":true,"message":"ok","authorization_token":"PLANTED-TEST-AT"}"#,
            ),
        )
        .unwrap();
    let outcome = looker.test(&id).await.unwrap();
    seen.push((
        "test",
        shown(&outcome, serde_json::to_string(&outcome).unwrap()),
    ));

    let torq_wire = common::torq_list_wire(&fake.torq).await;
    let mut answer: Value = serde_json::from_slice(&torq_wire.body).unwrap();
    plant(&mut answer["integrations"][0], "TORQ");
    answer["integrations"][1]["details"]["trigger"]["webhook_token"] = json!("PLANTED-TORQ-WH");
    fake.torq
        .control()
        .answer_once("list_integrations", json_answer(200, answer.to_string()))
        .unwrap();
    let listing = torq.list(&ListFilter::all()).await.unwrap();
    seen.push((
        "torq list",
        shown(&listing, serde_json::to_string(&listing).unwrap()),
    ));

    let planted: Vec<String> = ["LIST", "GET", "TORQ"]
        .iter()
        .flat_map(|tag| ["PARAM", "AT", "PW", "CS"].map(|k| format!("PLANTED-{tag}-{k}")))
        .chain(["PLANTED-TEST-AT".into(), "PLANTED-TORQ-WH".into()])
        .collect();
    for (what, text) in &seen {
        if *what != "test" {
            assert!(text.contains("kept"), "{what}: the other members are kept");
        }
        let leaked: Vec<&String> = planted
            .iter()
            .filter(|p| text.contains(p.as_str()))
            .collect();
        assert!(leaked.is_empty(), "{what}: {leaked:?} appear in:\n{text}");
    }
}

/// A login answer is never quoted, whatever its status and however it is wrong.
#[tokio::test]
async fn rule1_login_answers_are_never_quoted() {
    let (captured, _guard) = common::capture(tracing::Level::TRACE);
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    let mut shown_all = String::new();
    // Login answers are never quoted, whatever their status: a 500 page, a documented 400 whose
    // message carries a token, a 429.
    for (status, body) in [
        (
            500,
            r#"{"message":"PLANTED-LOGIN-500 oops","access_token":"PLANTED-AT-500"}"#,
        ),
        (
            400,
            r#"{"message":"bad login, your token is PLANTED-LOGIN-400","documentation_url":"x"}"#,
        ),
        (429, r#"{"message":"slow down PLANTED-LOGIN-429"}"#),
        (200, r#"{"access_token":17,"note":"PLANTED-LOGIN-200"}"#),
    ] {
        control
            .answer_next("login", 4, json_answer(status, body))
            .unwrap();
        let e = looker.list(&ListFilter::all()).await.unwrap_err();
        control.clear_faults();
        assert!(
            matches!(
                &e,
                Error::Server {
                    operation: Operation::Login,
                    message: None,
                    ..
                } | Error::BadResponse {
                    operation: Operation::Login,
                    excerpt: None,
                    ..
                } | Error::RateLimited {
                    operation: Operation::Login,
                    ..
                } | Error::Rejected {
                    operation: Operation::Login,
                    message: None,
                    ..
                }
            ),
            "login {status}: {e:?}"
        );
        assert_no_secret(
            &format!("login {status}"),
            &common::shown(&e),
            &["PLANTED".into()],
        );
        shown_all += &common::shown(&e);
    }

    // The same for Torq's token request (which documents no error status at all).
    let torq = common::torq(&fake.torq);
    for (status, body) in [
        (
            500,
            r#"{"message":"PLANTED-TORQ-500","access_token":"PLANTED-TORQ-AT"}"#,
        ),
        (
            400,
            r#"{"code":3,"message":"your token is PLANTED-TORQ-400"}"#,
        ),
        (401, r#"{"code":16,"message":"PLANTED-TORQ-401"}"#),
        (200, r#"{"access_token":17,"note":"PLANTED-TORQ-200"}"#),
    ] {
        fake.torq
            .control()
            .answer_next("create_token", 4, json_answer(status, body))
            .unwrap();
        let e = torq.list(&ListFilter::all()).await.unwrap_err();
        fake.torq.control().clear_faults();
        assert_eq!(operation(&e), Some(Operation::Login), "{e:?}");
        assert_no_secret(
            &format!("torq token {status}"),
            &common::shown(&e),
            &["PLANTED".into()],
        );
        shown_all += &common::shown(&e);
    }
    assert_no_secret("errors", &shown_all, &["PLANTED".into()]);
    assert_no_secret("traces", &captured.text(), &["PLANTED".into()]);
}

// ---------------------------------------------------------------------------------------------
// Rule 2: credentials before the request; a failed login is the caller's error.
// ---------------------------------------------------------------------------------------------

/// Whether `e` is a login's own failure: the server failed, or its answer held no usable token.
fn is_login_failure(e: &Error) -> bool {
    matches!(
        e,
        Error::Server {
            operation: Operation::Login,
            ..
        } | Error::BadResponse {
            operation: Operation::Login,
            ..
        }
    )
}

#[tokio::test]
async fn rule2_a_failed_login_is_the_callers_error_and_nothing_leaves_without_a_token() {
    let fake = FakeServers::start().await.unwrap();
    let control = fake.looker.control();
    let id = looker_id("1::slack");
    let patch = IntegrationPatch::new().enabled(true);

    // A fresh provider whose first login fails, for each operation.
    let failing_logins = [
        ("500", json_answer(500, r#"{"message":"boom"}"#)),
        (
            "200 without access_token",
            json_answer(200, r#"{"token_type":"Bearer","expires_in":3599}"#),
        ),
        (
            "200 with an empty token",
            json_answer(200, r#"{"access_token":"","expires_in":3599}"#),
        ),
        (
            "200 with a token that cannot be a header",
            json_answer(200, r#"{"access_token":"two words","expires_in":3599}"#),
        ),
        (
            "text/html",
            RawAnswer::new(200)
                .header("Content-Type", "text/html")
                .body("<html>sign in</html>"),
        ),
    ];
    for (what, answer) in failing_logins {
        for operation in ["list", "get", "update", "test"] {
            let looker = common::looker(&fake.looker);
            control.reset_counters();
            control.answer_once("login", answer.clone()).unwrap();
            let outcome = match operation {
                "list" => looker.list(&ListFilter::all()).await.map(drop),
                "get" => looker.get(&id).await.map(drop),
                "update" => looker.update(&id, &patch).await.map(drop),
                _ => looker.test(&id).await.map(drop),
            };
            let e = outcome.expect_err(what);
            assert_eq!(
                e.vendor(),
                Some(Vendor::Looker),
                "{what} {operation}: {e:?}"
            );
            assert!(
                is_login_failure(&e),
                "{what} {operation}: expected the login's error, got {e:?}"
            );
            assert_eq!(control.requests("login"), 1, "{what} {operation}");
            for route in [
                "all_integrations",
                "integration",
                "update_integration",
                "test_integration",
            ] {
                assert_eq!(
                    control.requests(route),
                    0,
                    "{what} {operation}: {route} was sent without credentials"
                );
            }
        }
    }

    // Wrong credentials: the login's Unauthorized, nothing else sent.
    control.reset_counters();
    let wrong = common::looker_with(&fake.looker, |c| c.with_client_secret("wrong"));
    common::assert_matches!(
        wrong.get(&id).await,
        Err(Error::Unauthorized {
            operation: Operation::Login,
            ..
        }),
        "the login"
    );
    assert_eq!(control.requests("integration"), 0);

    // A failing login, first and after the server forgot the session (Looker's 401, Torq's
    // 302), is what the caller sees, not the vendor's refusal; the refused call is not sent
    // again without a token, and the next call logs in properly.
    let looker_logins = [
        json_answer(503, r#"{"message":"down"}"#),
        json_answer(200, r#"{"expires_in":3599}"#),
    ]
    .map(|answer| (Vendor::Looker, answer));
    let torq_logins = [
        json_answer(500, r#"{"code":13}"#),
        json_answer(200, r#"{"token_type":"Bearer","expires_in":3600}"#),
        json_answer(200, r#"{"access_token":"","expires_in":3600}"#),
    ]
    .map(|answer| (Vendor::Torq, answer));
    for (vendor, answer) in looker_logins.into_iter().chain(torq_logins) {
        let provider = common::provider(&fake, vendor);
        let control = common::control(&fake, vendor);
        let (login, list) = (common::login_route(vendor), common::list_route(vendor));
        for expired in [false, true] {
            if expired {
                provider.list(&ListFilter::all()).await.unwrap();
                control.expire_all_tokens();
            }
            control.reset_counters();
            control.answer_once(login, answer.clone()).unwrap();
            common::assert_matches!(
                provider.list(&ListFilter::all()).await,
                Err(e) if is_login_failure(&e),
                "{vendor} {answer:?}, after an expiry: {expired}"
            );
            assert_eq!(
                control.requests(list),
                usize::from(expired),
                "only the refused call left, with its (expired) token"
            );
            assert_eq!(control.requests(login), 1);
            provider.list(&ListFilter::all()).await.unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 3: tolerant lists.
// ---------------------------------------------------------------------------------------------

/// The ids of a listing, in order.
fn vendor_ids(listing: &integrations::Listing) -> Vec<String> {
    listing
        .integrations
        .iter()
        .map(|i| i.id.vendor_id().to_owned())
        .collect()
}

/// The position and the id of each record a listing skipped, in order.
fn skipped_at(listing: &integrations::Listing) -> Vec<(usize, Option<String>)> {
    let skipped = listing.skipped.iter();
    skipped.map(|s| (s.position, s.id.clone())).collect()
}

/// The `id` member of each of the vendor's `records`.
fn record_ids(records: &[Value]) -> Vec<String> {
    let id = |r: &Value| r["id"].as_str().unwrap().to_owned();
    records.iter().map(id).collect()
}

/// Asserts that `provider`'s list is a bad response when its list route answers `body`, a 200
/// JSON answer that is no list of the vendor's.
async fn assert_not_a_listing(fake: &FakeServers, provider: &dyn IntegrationProvider, body: &str) {
    common::assert_matches!(
        common::list_answered(fake, provider, json_answer(200, body.to_owned())).await,
        Err(Error::BadResponse {
            operation: Operation::List,
            status: Some(200),
            ..
        }),
        "{} {body:.40}",
        provider.vendor()
    );
}

#[tokio::test]
async fn rule3_one_bad_record_costs_only_itself() {
    let (fake, looker) = common::start_looker().await;
    let control = fake.looker.control();
    let wire = common::looker_wire(&fake.looker, reqwest::Method::GET, "/integrations", None).await;
    let records: Vec<Value> = serde_json::from_slice(&wire.body).unwrap();
    let n = records.len();
    assert!(n >= 6, "the demo has records to spare");
    let ids = record_ids(&records);

    // A field of the wrong type in record 3.
    let bad_value = "PLANTED-BAD-VALUE";
    let mut bad = records.clone();
    bad[3]["enabled"] = json!(bad_value);
    control
        .answer_once("all_integrations", json_answer(200, bad_json(&bad)))
        .unwrap();
    let listing = looker.list(&ListFilter::all()).await.unwrap();
    assert_eq!(listing.integrations.len(), n - 1);
    assert_eq!(listing.skipped.len(), 1, "{:?}", listing.skipped);
    let skipped = &listing.skipped[0];
    assert_eq!(skipped.position, 3);
    assert_eq!(skipped.id.as_deref(), Some(ids[3].as_str()));
    assert!(!skipped.reason.is_empty());
    assert!(
        !skipped.reason.contains(bad_value) && !skipped.to_string().contains(bad_value),
        "the reason quotes the bad value: {skipped}"
    );
    let mut expected = ids.clone();
    expected.remove(3);
    assert_eq!(vendor_ids(&listing), expected, "the good ones, in order");
    assert!(!listing.is_complete());

    // A record without an id (the others decode), and a record that is not an object.
    let mut bad = records.clone();
    bad[1].as_object_mut().unwrap().remove("id");
    bad[4] = json!("PLANTED-NOT-A-RECORD");
    control
        .answer_once("all_integrations", json_answer(200, bad_json(&bad)))
        .unwrap();
    let listing = looker.list(&ListFilter::all()).await.unwrap();
    assert_eq!(listing.integrations.len(), n - 2);
    assert_eq!(skipped_at(&listing), [(1, None), (4, None)]);
    assert!(!format!("{listing:?}").contains("PLANTED-NOT-A-RECORD"));

    // A body that is not an array: a bad response.
    for body in [
        r#"{"integrations":[]}"#.to_owned(),
        format!("{{\"items\":{}}}", bad_json(&records)),
        "42".to_owned(),
        "null".to_owned(),
    ] {
        assert_not_a_listing(&fake, &looker, &body).await;
    }

    // Torq: `{"integrations": [...]}`.
    let torq = common::torq(&fake.torq);
    let wire = common::torq_list_wire(&fake.torq).await;
    let answer: Value = serde_json::from_slice(&wire.body).unwrap();
    let records = answer["integrations"].as_array().unwrap().clone();
    let n = records.len();
    let ids = record_ids(&records);
    let mut bad = records.clone();
    bad[2]["sharing_data"] = json!(bad_value);
    bad[5].as_object_mut().unwrap().remove("id");
    bad[5].as_object_mut().unwrap().remove("name");
    bad[7]["created_at"] = json!(12);
    let body = json!({ "integrations": bad }).to_string();
    fake.torq
        .control()
        .answer_once("list_integrations", json_answer(200, body))
        .unwrap();
    let listing = torq.list(&ListFilter::all()).await.unwrap();
    assert_eq!(listing.integrations.len(), n - 3);
    assert_eq!(
        skipped_at(&listing),
        [
            (2, Some(ids[2].clone())),
            (5, None),
            (7, Some(ids[7].clone()))
        ]
    );
    assert!(
        !format!("{listing:?}").contains(bad_value),
        "no reason quotes the bad value: {:?}",
        listing.skipped
    );
    let mut expected = ids.clone();
    for i in [7, 5, 2] {
        expected.remove(i);
    }
    assert_eq!(vendor_ids(&listing), expected);

    for body in [
        "[]",
        r#"{"integrations":"none"}"#,
        r#"{"integrations":{"id":"x"}}"#,
    ] {
        assert_not_a_listing(&fake, &torq, body).await;
    }
}

fn bad_json(records: &[Value]) -> String {
    serde_json::to_string(records).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Rule 4: errors name the cause.
// ---------------------------------------------------------------------------------------------

/// Asserts a bad response with the given status and content type.
fn assert_bad_response(what: &str, outcome: Result<(), Error>, status: u16, content_type: &str) {
    match outcome {
        Err(Error::BadResponse {
            status: Some(s),
            content_type: Some(ct),
            ..
        }) if s == status && ct == content_type => {}
        other => {
            panic!("{what}: expected a bad response ({status}, {content_type}), got {other:?}")
        }
    }
}

/// The first half of `body` with the length of all of it: a body cut short.
fn cut_short(body: &[u8]) -> RawAnswer {
    let whole = body.len();
    RawAnswer::truncated(200, body[..whole / 2].to_vec(), whole as u64).header("Content-Type", JSON)
}

#[tokio::test]
async fn rule4_errors_name_the_cause() {
    let (fake, looker, torq) = common::start_retrying(3).await;
    let control = fake.looker.control();
    let tcontrol = fake.torq.control();
    let wire = common::looker_wire(&fake.looker, reqwest::Method::GET, "/integrations", None).await;
    let records: Vec<Value> = serde_json::from_slice(&wire.body).unwrap();
    let id = looker_id(records[0]["id"].as_str().unwrap());
    let mut wrong_type = records[0].clone();
    wrong_type["params"] = json!("none");
    let torq_wire = common::torq_list_wire(&fake.torq).await;

    let list = || async { looker.list(&ListFilter::all()).await.map(drop) };
    let get = || async { looker.get(&id).await.map(drop) };
    let torq_list = || async { torq.list(&ListFilter::all()).await.map(drop) };

    // The wrong type, not JSON, a sign-in page with 200, a JSON answer with a lying content
    // type (not the vendor's answer either), a body cut short; on Looker's get (`integration`)
    // and list, and on Torq's list.
    let html = "text/html; charset=utf-8";
    let sign_in = RawAnswer::new(200)
        .header("Content-Type", html)
        .body("<html><form action=/login>Sign in</form></html>");
    let lying = RawAnswer::new(200)
        .header("Content-Type", "text/plain")
        .body(wire.body.clone());
    let wrong_type = json_answer(200, wrong_type.to_string());
    let not_json = json_answer(200, "Internal error<br>");
    let (cut, torq_cut) = (cut_short(&wire.body), cut_short(&torq_wire.body));
    for (what, route, answer, content_type) in [
        ("wrong type", "integration", wrong_type, JSON),
        ("not JSON", "integration", not_json, JSON),
        ("sign-in page", "integration", sign_in.clone(), html),
        ("sign-in page", "all_integrations", sign_in.clone(), html),
        ("sign-in page", "list_integrations", sign_in, html),
        ("text/plain", "all_integrations", lying, "text/plain"),
        ("truncated", "all_integrations", cut, JSON),
        ("truncated", "list_integrations", torq_cut, JSON),
    ] {
        let control = if route == "list_integrations" {
            tcontrol
        } else {
            control
        };
        control.answer_once(route, answer).unwrap();
        let outcome = match route {
            "integration" => get().await,
            "all_integrations" => list().await,
            _ => torq_list().await,
        };
        assert_bad_response(what, outcome, 200, content_type);
    }

    // A dropped connection: a transport error, once the GET's retries are spent.
    control.reset_counters();
    control.drop_next("integration", 3);
    common::assert_matches!(
        get().await,
        Err(Error::Transport {
            operation: Operation::Get,
            ..
        })
    );
    assert_eq!(control.requests("integration"), 3, "retried to the budget");
    tcontrol.reset_counters();
    tcontrol
        .answer_next("list_integrations", 3, RawAnswer::hang_up())
        .unwrap();
    common::assert_matches!(
        torq_list().await,
        Err(Error::Transport {
            operation: Operation::List,
            ..
        })
    );
    assert_eq!(tcontrol.requests("list_integrations"), 3);

    // 503, as the vendor's error: the server failed.
    for answer in [
        None,
        Some(json_answer(503, r#"{"message":"down","code":14}"#)),
    ] {
        let what = format!("{answer:?}");
        for provider in [&looker as &dyn IntegrationProvider, &torq] {
            let vendor = provider.vendor();
            let (control, route) = (common::control(&fake, vendor), common::list_route(vendor));
            match &answer {
                None => control.fail_next(route, 3, 503, None),
                Some(a) => control.answer_next(route, 3, a.clone()).unwrap(),
            }
            common::assert_matches!(
                provider.list(&ListFilter::all()).await,
                Err(Error::Server {
                    operation: Operation::List,
                    status: 503,
                    ..
                }),
                "{vendor} {what}"
            );
        }
    }

    // Past the timeout: a timeout, neither transport nor bad response.
    let slow = common::looker_with(&fake.looker, |c| {
        c.with_timeout(Duration::from_millis(200))
            .with_retry(common::fast_retry(2))
    });
    slow.get(&id).await.unwrap();
    control.delay("integration", Duration::from_secs(3));
    let started = Instant::now();
    let outcome = slow.get(&id).await;
    control.delay("integration", Duration::ZERO);
    common::assert_matches!(
        outcome,
        Err(Error::Timeout {
            operation: Operation::Get,
            ..
        })
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// A 503 is the server's failure, also when it is a proxy's page rather than the vendor's
/// error body.
#[tokio::test]
async fn rule4_a_503_page_is_a_server_failure() {
    let (fake, looker, torq) = common::start_retrying(1).await;
    for page in [
        RawAnswer::new(503)
            .header("Content-Type", "text/html")
            .body("<html><h1>503 Service Temporarily Unavailable</h1></html>"),
        RawAnswer::new(503),
        RawAnswer::new(503).body("upstream connect error"),
    ] {
        for provider in [&looker as &dyn IntegrationProvider, &torq] {
            common::assert_matches!(
                common::list_answered(&fake, provider, page.clone()).await,
                Err(Error::Server { status: 503, .. }),
                "{} {page:?}",
                provider.vendor()
            );
        }
    }
}

/// A documented status keeps its meaning when its body is not the vendor's error shape (a
/// CDN's rate-limit page, a proxy's 404): rate limited, not found, not "a bad response".
#[tokio::test]
async fn rule4_a_status_names_the_cause_whatever_its_body() {
    let (fake, looker, torq) = common::start_retrying(1).await;
    let id = looker_id("1::slack");
    let pages = |status: u16| {
        [
            RawAnswer::new(status)
                .header("Content-Type", "text/html")
                .header("Retry-After", "7")
                .body("<html><h1>Error</h1></html>"),
            RawAnswer::new(status).header("Retry-After", "7"),
        ]
    };
    for page in pages(429) {
        let what = format!("{page:?}");
        common::assert_matches!(
            common::list_answered(&fake, &looker, page.clone()).await,
            Err(Error::RateLimited {
                retry_after: Some(wait),
                ..
            }) if wait == Duration::from_secs(7),
            "looker {what}"
        );
        common::assert_matches!(
            common::list_answered(&fake, &torq, page).await,
            Err(Error::RateLimited { .. }),
            "torq {what}"
        );
    }
    for page in pages(404) {
        let what = format!("{page:?}");
        fake.looker
            .control()
            .answer_once("integration", page)
            .unwrap();
        common::assert_matches!(
            looker.get(&id).await,
            Err(Error::NotFound { .. }),
            "looker get {what}"
        );
    }
}

/// A status the vendor uses for failure never reads as a listing, whatever its body holds.
#[tokio::test]
async fn rule4_an_error_status_is_never_a_listing() {
    let (fake, looker, torq) = common::start_retrying(1).await;
    looker.list(&ListFilter::all()).await.unwrap();
    torq.list(&ListFilter::all()).await.unwrap();

    // Torq: an rpcStatus whose `code` is a string (as gateways send) on a 4xx/5xx. Looker: a
    // documented error status (400, 404, 429) whose body is a JSON array.
    let rpc_status = r#"{"code":"INTERNAL","message":"boom"}"#;
    let torq_cases = [400, 403, 404, 429, 500, 503].map(|status| (&torq as _, status, rpc_status));
    let looker_cases = [400, 404, 429].map(|status| (&looker as _, status, "[]"));
    for (provider, status, body) in torq_cases.into_iter().chain(looker_cases) {
        let provider: &dyn IntegrationProvider = provider;
        let outcome = common::list_answered(&fake, provider, json_answer(status, body)).await;
        assert!(
            outcome.is_err(),
            "{} {status} with the body {body} gave {outcome:?}",
            provider.vendor()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 5: bounded reads.
// ---------------------------------------------------------------------------------------------

/// Waits (at most 10 s) until no raw answer of `route` is being written: the client hung up.
async fn hung_up(control: &integrations_fake::Control, route: &str) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while control.raw_answers_in_flight(route) > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the client kept reading the endless body of {route}"));
}

/// A 200 JSON answer that starts with `start` and never ends.
fn endless_json(start: &'static str) -> RawAnswer {
    RawAnswer::endless(200, start).header("Content-Type", JSON)
}

#[tokio::test]
async fn rule5_reads_are_bounded() {
    const LIMIT: u64 = 1 << 20;
    const SENT_BOUND: u64 = 64 << 20;
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_with(&fake.looker, |c| c.with_max_response_bytes(LIMIT));
    let control = fake.looker.control();
    looker.list(&ListFilter::all()).await.unwrap();

    control.reset_counters();
    control
        .answer_once("all_integrations", endless_json("["))
        .unwrap();
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(10), looker.list(&ListFilter::all()))
        .await
        .expect("an endless body is given up on, not read for ever");
    common::assert_matches!(
        outcome,
        Err(Error::ResponseTooLarge {
            vendor: Vendor::Looker,
            operation: Operation::List,
            limit: 1_048_576,
        })
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    hung_up(control, "all_integrations").await;
    let sent = control.raw_bytes_sent("all_integrations");
    assert!(sent > LIMIT && sent < SENT_BOUND, "{sent} bytes sent");

    // Records that never end, a login that never ends, an error page that never ends.
    control.reset_counters();
    // `[{…},[{…},[{…},…`: an array whose second record never ends.
    let records = endless_json(r#"[{"id":"x","label":"endless"},"#);
    common::assert_matches!(
        common::list_answered(&fake, &looker, records).await,
        Err(Error::ResponseTooLarge { limit: LIMIT, .. })
    );
    hung_up(control, "all_integrations").await;
    looker.logout().await.unwrap();
    control
        .answer_once("login", endless_json(r#"{"access_token":"x"#))
        .unwrap();
    common::assert_matches!(
        looker.list(&ListFilter::all()).await,
        Err(Error::ResponseTooLarge {
            operation: Operation::Login,
            limit: LIMIT,
            ..
        }),
        "the login"
    );
    hung_up(control, "login").await;
    assert!(control.raw_bytes_sent("login") < SENT_BOUND);
    for status in [500, 429, 404] {
        control.reset_counters();
        control
            .answer_next(
                "all_integrations",
                4,
                RawAnswer::endless(status, "<html>busy ").header("Content-Type", "text/html"),
            )
            .unwrap();
        let started = Instant::now();
        let e = looker.list(&ListFilter::all()).await.unwrap_err();
        control.clear_faults();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{status}: {:?}",
            started.elapsed()
        );
        hung_up(control, "all_integrations").await;
        assert!(
            control.raw_bytes_sent("all_integrations") < SENT_BOUND,
            "{status}: {e:?}"
        );
    }

    // Torq: its token request and its list.
    let torq = common::torq_with(&fake.torq, |c| c.with_max_response_bytes(LIMIT));
    let tcontrol = fake.torq.control();
    for (route, start, operation) in [
        ("create_token", "          ", Operation::Login),
        ("list_integrations", r#"{"integrations":["#, Operation::List),
    ] {
        tcontrol.answer_once(route, endless_json(start)).unwrap();
        common::assert_matches!(
            torq.list(&ListFilter::all()).await,
            Err(Error::ResponseTooLarge { operation: o, limit: LIMIT, .. }) if o == operation,
            "{route}"
        );
    }
    hung_up(tcontrol, "list_integrations").await;
    assert!(tcontrol.raw_bytes_sent("list_integrations") < SENT_BOUND);
}

#[tokio::test]
async fn rule5_the_limit_is_the_most_bytes_read_and_the_default_fits_the_demo() {
    let fake = FakeServers::start().await.unwrap();
    let wire = common::looker_wire(&fake.looker, reqwest::Method::GET, "/integrations", None).await;
    let len = wire.body.len() as u64;
    let n = serde_json::from_slice::<Vec<Value>>(&wire.body)
        .unwrap()
        .len();

    let default = common::looker(&fake.looker);
    assert_eq!(common::list_len(&default).await, n);
    let torq = common::torq(&fake.torq);
    assert_eq!(
        common::list_len(&torq).await,
        fake.torq.integrations().len()
    );

    let exact = common::looker_with(&fake.looker, |c| c.with_max_response_bytes(len));
    assert_eq!(
        common::list_len(&exact).await,
        n,
        "a body of exactly the limit is read"
    );
    let short = common::looker_with(&fake.looker, |c| c.with_max_response_bytes(len - 1));
    common::assert_matches!(
        short.list(&ListFilter::all()).await,
        Err(Error::ResponseTooLarge { limit, .. }) if limit == len - 1
    );
}
