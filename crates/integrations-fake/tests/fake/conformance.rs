//! Conformance: every answer the fakes give on their own (no token, an expired or logged-out
//! token, an unknown id, a malformed body, a validation error, a refused login…) is documented by
//! the committed spec: its status (the code, its range or `default`), its content type, and a body
//! that validates against the schema given for that status and content type. Answers forced by
//! the tests (`fail_next`) are checked the same way when the spec lists their status, and against
//! the vendor's error schema otherwise. A header the spec documents as required must be there.
//! Every status each operation documents is exercised at least once, and no natural answer may
//! have a status its operation does not document: the list of such answers is empty, so that a
//! new one fails the test.

use std::collections::BTreeSet;
use std::path::PathBuf;

use integrations_fake::looker::{EXAMPLE_HUB_URL, OPS_HUB_URL, PARTNER_HUB_URL};
use integrations_fake::{LookerFake, LookerSeed, TorqFake, TorqSeed};
use serde_json::{Map, Value, json};

use crate::support::{Answer, client, looker_token, torq_token};

/// One vendor's committed spec and what the tests saw of it.
struct Spec {
    name: &'static str,
    document: Value,
    components: Value,
    vendor_error: &'static str,
    /// Every (operationId, response key) an answer matched.
    exercised: BTreeSet<(String, String)>,
    /// Natural answers (not forced by a test) whose status the operation does not document.
    undocumented: BTreeSet<(String, u16)>,
}

/// The media type of an answer: its `Content-Type` without parameters, lower case; empty when
/// there is none.
fn media_type(answer: &Answer) -> String {
    answer
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema: `null` added to `type` (and to `enum`), or,
/// for a schema without a `type`, `anyOf` the schema or null. Everything else is kept.
fn to_json_schema(node: &Value) -> Value {
    match node {
        Value::Object(object) => {
            let mut converted: Map<String, Value> = object
                .iter()
                .filter(|(key, _)| key.as_str() != "nullable")
                .map(|(key, value)| (key.clone(), to_json_schema(value)))
                .collect();
            if object.get("nullable") != Some(&Value::Bool(true)) {
                return Value::Object(converted);
            }
            if let Some(Value::Array(values)) = converted.get_mut("enum") {
                values.push(Value::Null);
            }
            match converted.get("type").cloned() {
                Some(Value::String(kind)) => {
                    converted.insert("type".into(), json!([kind, "null"]));
                    Value::Object(converted)
                }
                Some(Value::Array(mut kinds)) => {
                    kinds.push(json!("null"));
                    converted.insert("type".into(), Value::Array(kinds));
                    Value::Object(converted)
                }
                _ => json!({"anyOf": [Value::Object(converted), {"type": "null"}]}),
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// `schema` with `additionalProperties: false` wherever it lists `properties` and says nothing
/// of other members.
fn closed(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut closed: Map<String, Value> =
                object.iter().map(|(k, v)| (k.clone(), closed(v))).collect();
            if closed.contains_key("properties") && !closed.contains_key("additionalProperties") {
                closed.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(closed)
        }
        Value::Array(items) => Value::Array(items.iter().map(closed).collect()),
        other => other.clone(),
    }
}

/// What is wrong with `instance` with respect to `schema` (a fragment of a spec, whose refs
/// point into `components`); nothing when it matches.
fn instance_problems(schema: &Value, components: &Value, instance: &Value) -> Vec<String> {
    let mut root = to_json_schema(schema);
    let Value::Object(object) = &mut root else {
        return vec![format!("the schema is not an object: {schema}")];
    };
    object.insert("components".into(), components.clone());
    let validator = match jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
    {
        Ok(validator) => validator,
        Err(e) => return vec![format!("the schema does not build: {e}")],
    };
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect()
}

impl Spec {
    fn load(file: &str, name: &'static str, vendor_error: &'static str) -> Self {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../spec")
            .join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let document: Value = serde_json::from_str(&text).expect("the spec is JSON");
        let components = to_json_schema(&document["components"]);
        Self {
            name,
            document,
            components,
            vendor_error,
            exercised: BTreeSet::new(),
            undocumented: BTreeSet::new(),
        }
    }

    fn operation(&self, operation_id: &str) -> &Value {
        self.document["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|methods| methods.values())
            .find(|operation| operation["operationId"] == operation_id)
            .unwrap_or_else(|| panic!("{}: no operation {operation_id}", self.name))
    }

    /// Every (operationId, response key) the spec documents.
    fn documented(&self) -> BTreeSet<(String, String)> {
        let mut documented = BTreeSet::new();
        for methods in self.document["paths"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
        {
            for operation in methods.as_object().into_iter().flat_map(|m| m.values()) {
                let Some(id) = operation["operationId"].as_str() else {
                    continue;
                };
                for key in operation["responses"]
                    .as_object()
                    .into_iter()
                    .flat_map(|r| r.keys())
                {
                    documented.insert((id.to_owned(), key.clone()));
                }
            }
        }
        documented
    }

    /// The response `operation_id` documents for `status`, with its key: the status itself, else
    /// its range (`4XX`), else `default`.
    fn documented_response(&self, operation_id: &str, status: u16) -> Option<(String, Value)> {
        let responses = &self.operation(operation_id)["responses"];
        [
            status.to_string(),
            format!("{}XX", status / 100),
            "default".to_owned(),
        ]
        .into_iter()
        .find_map(|key| Some((key.clone(), responses.get(&key)?.clone())))
    }

    /// The vendor's error body as a response, for answers the spec does not document.
    fn vendor_error_response(&self) -> Value {
        let schema = json!({"$ref": format!("#/components/schemas/{}", self.vendor_error)});
        json!({"content": {"application/json": {"schema": schema}}})
    }

    /// What is wrong with the answer's body with respect to `schema` (a fragment of the spec,
    /// whose refs point into its components); nothing when it matches.
    fn problems(&self, schema: &Value, answer: &Answer) -> Vec<String> {
        match serde_json::from_str(&answer.text) {
            Ok(body) => instance_problems(schema, &self.components, &body),
            Err(e) => vec![format!("the body is not JSON: {e}")],
        }
    }

    /// What is wrong with `value` as an instance of the component schema `name`, every object
    /// of the spec closed to members it does not document: what seed data must be.
    fn strict_problems(&self, name: &str, value: &Value) -> Vec<String> {
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        instance_problems(&schema, &closed(&self.components), value)
    }

    /// What is wrong with the answer as the documented `response`: every header the response
    /// documents as required is present; a 204 has no body; any other answer has a content type
    /// the response documents, and a body that matches that media type's schema.
    fn answer_problems(&self, response: &Value, answer: &Answer) -> Vec<String> {
        let mut problems: Vec<String> = response["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, header)| header["required"] == true)
            .filter(|(name, _)| !answer.headers.contains_key(name.as_str()))
            .map(|(name, _)| format!("the required header {name} is missing"))
            .collect();
        problems.extend(self.body_problems(response, answer));
        problems
    }

    /// What is wrong with the answer's content type and body as the documented `response`.
    fn body_problems(&self, response: &Value, answer: &Answer) -> Vec<String> {
        if answer.status == 204 {
            return match answer.text.is_empty() {
                true => Vec::new(),
                false => vec!["a 204 has a body".to_owned()],
            };
        }
        let media_type = media_type(answer);
        let documented: Vec<&String> = response["content"]
            .as_object()
            .map(|content| content.keys().collect())
            .unwrap_or_default();
        let Some(media) = response["content"].get(&media_type) else {
            return vec![format!(
                "content type {media_type:?} is not documented (documented: {documented:?})"
            )];
        };
        match media.get("schema") {
            Some(schema) => self.problems(schema, answer),
            None => vec![format!("{media_type} has no schema in the spec")],
        }
    }

    /// Fails unless the answer matches `response`.
    fn validate(&self, context: &str, response: &Value, answer: &Answer) {
        let problems = self.answer_problems(response, answer);
        assert!(
            problems.is_empty(),
            "{context}: the answer does not match the spec: {problems:#?}\n{}",
            answer.text
        );
    }

    /// Checks one answer the fake gave on its own: the expected status, and a content type and a
    /// body that the spec documents for that status. A status the operation does not document
    /// is recorded (see [`Spec::assert_undocumented`]) and its body checked against the vendor's
    /// error schema.
    fn check(&mut self, operation_id: &str, expected_status: u16, answer: &Answer) {
        self.check_answer(operation_id, expected_status, answer, true);
    }

    /// Checks an answer a test forced with `fail_next`: like [`Spec::check`], but a status the
    /// operation does not document is the test's doing, not the fake's, and is not recorded.
    fn check_forced(&mut self, operation_id: &str, expected_status: u16, answer: &Answer) {
        self.check_answer(operation_id, expected_status, answer, false);
    }

    fn check_answer(
        &mut self,
        operation_id: &str,
        expected_status: u16,
        answer: &Answer,
        natural: bool,
    ) {
        let context = format!("{} {operation_id} {}", self.name, answer.status);
        assert_eq!(answer.status, expected_status, "{context}: {}", answer.text);
        let response = match self.documented_response(operation_id, answer.status) {
            Some((key, response)) => {
                self.exercised.insert((operation_id.to_owned(), key));
                response
            }
            None => {
                if natural {
                    self.undocumented
                        .insert((operation_id.to_owned(), answer.status));
                }
                self.vendor_error_response()
            }
        };
        self.validate(&context, &response, answer);
    }

    /// Checks an answer outside any operation (an unknown route): the vendor's error schema.
    fn check_error(&self, what: &str, expected_status: u16, answer: &Answer) {
        assert_eq!(answer.status, expected_status, "{what}: {}", answer.text);
        let context = format!("{} {what}", self.name);
        self.validate(&context, &self.vendor_error_response(), answer);
    }

    /// Fails unless every documented (operation, status) was exercised.
    fn assert_all_exercised(&self) {
        let missing: Vec<_> = self
            .documented()
            .difference(&self.exercised)
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "{}: documented but never exercised: {missing:?}",
            self.name
        );
    }

    /// Fails unless the natural answers the spec does not document are exactly `expected`.
    fn assert_undocumented(&self, expected: &[(&str, u16)]) {
        let expected: BTreeSet<(String, u16)> = expected
            .iter()
            .map(|(operation, status)| ((*operation).to_owned(), *status))
            .collect();
        assert_eq!(
            self.undocumented, expected,
            "{}: natural answers whose status the spec does not document",
            self.name
        );
    }
}

#[test]
fn nullable_becomes_a_type_union() {
    assert_eq!(
        to_json_schema(&json!({"type": "string", "nullable": true})),
        json!({"type": ["string", "null"]})
    );
    assert_eq!(
        to_json_schema(&json!({"type": "string", "enum": ["a"], "nullable": true})),
        json!({"type": ["string", "null"], "enum": ["a", null]})
    );
    assert_eq!(
        to_json_schema(&json!({"$ref": "#/x", "nullable": true})),
        json!({"anyOf": [{"$ref": "#/x"}, {"type": "null"}]})
    );
    assert_eq!(
        to_json_schema(&json!({"properties": {"a": {"type": "integer", "nullable": false}}})),
        json!({"properties": {"a": {"type": "integer"}}})
    );
}

#[test]
fn the_spec_validator_rejects_bodies_that_break_the_schema() {
    // Guard against a validator that accepts everything.
    let spec = Spec::load("looker.json", "looker", "Error");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    let answer = |text: &str| Answer {
        status: 200,
        headers: headers.clone(),
        text: text.to_owned(),
        json: Value::Null,
    };
    let integration = json!({"$ref": "#/components/schemas/Integration"});
    let problems = spec.problems(
        &integration,
        &answer(r#"{"id": 5, "enabled": null, "params": [{"has_value": "yes", "value": null}]}"#),
    );
    assert_eq!(problems.len(), 3, "{problems:#?}");
    // A nullable field may be null; a required one may not be missing.
    assert!(
        spec.problems(&integration, &answer(r#"{"description": null}"#))
            .is_empty()
    );
    let error = json!({"$ref": "#/components/schemas/Error"});
    assert_eq!(
        spec.problems(&error, &answer(r#"{"message": "x"}"#)).len(),
        1
    );
    assert_eq!(spec.problems(&error, &answer("not json")).len(), 1);
}

/// Every record of the fixtures the demo is read from, with the schema of the spec it must fit.
fn fixture_records() -> Vec<(&'static str, &'static str, Value)> {
    let read = |name: &str, text: &str| -> Vec<Value> {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("fixtures/{name}: {e}"))
    };
    let mut records = Vec::new();
    for integration in read(
        "looker_demo.json",
        include_str!("../../fixtures/looker_demo.json"),
    ) {
        records.push(("looker_demo.json", "Integration", integration));
    }
    for mut seeded in read(
        "looker_hubs.json",
        include_str!("../../fixtures/looker_hubs.json"),
    ) {
        let object = seeded
            .as_object_mut()
            .expect("a hub of the seed is an object");
        records.push(("looker_hubs.json", "IntegrationHub", object["hub"].take()));
        if let Some(health) = object.remove("health") {
            records.push(("looker_hubs.json", "IntegrationHubHealthResult", health));
        }
    }
    for mut offered in read(
        "looker_catalogue.json",
        include_str!("../../fixtures/looker_catalogue.json"),
    ) {
        let object = offered
            .as_object_mut()
            .expect("a catalogue entry is an object");
        let integrations = object.remove("integrations").unwrap_or_default();
        for integration in integrations.as_array().into_iter().flatten() {
            records.push(("looker_catalogue.json", "Integration", integration.clone()));
        }
        // What is left (url, label, legal_agreement_text) describes a hub.
        records.push(("looker_catalogue.json", "IntegrationHub", offered));
    }
    for integration in read(
        "torq_demo.json",
        include_str!("../../fixtures/torq_demo.json"),
    ) {
        records.push(("torq_demo.json", "v1alphaIntegration", integration));
    }
    records
}

#[test]
fn the_fixtures_fit_the_spec_with_no_member_it_does_not_document() {
    let looker = Spec::load("looker.json", "looker", "Error");
    let torq = Spec::load("torq.json", "torq", "rpcStatus");
    let records = fixture_records();
    assert!(records.len() > 30, "{} records", records.len());
    for (file, schema, record) in records {
        let spec = if file.starts_with("torq") {
            &torq
        } else {
            &looker
        };
        let problems = spec.strict_problems(schema, &record);
        assert!(
            problems.is_empty(),
            "fixtures/{file}: a record is no {schema}: {problems:#?}\n{record:#}"
        );
    }
    // Guard against a check that accepts everything.
    let renamed = json!({"id": "1::x", "enabeld": true});
    assert_eq!(looker.strict_problems("Integration", &renamed).len(), 1);
    let mistyped = json!({"id": "1", "url": 5});
    assert_eq!(looker.strict_problems("IntegrationHub", &mistyped).len(), 1);
}

#[test]
fn an_undocumented_content_type_or_a_body_on_204_is_a_problem() {
    // Guard against a content-type check that accepts everything.
    let spec = Spec::load("looker.json", "looker", "Error");
    let answer = |status: u16, content_type: &'static str, text: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static(content_type),
        );
        Answer {
            status,
            headers,
            text: text.to_owned(),
            json: Value::Null,
        }
    };
    let error = spec.vendor_error_response();
    let body = r#"{"message": "x", "documentation_url": null}"#;
    assert!(
        spec.answer_problems(
            &error,
            &answer(401, "application/json; charset=utf-8", body)
        )
        .is_empty()
    );
    let problems = spec.answer_problems(&error, &answer(401, "text/html", body));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("text/html"), "{problems:#?}");
    let (key, logout) = spec.documented_response("logout", 204).expect("documented");
    assert_eq!(key, "204");
    assert!(
        spec.answer_problems(&logout, &answer(204, "application/json", ""))
            .is_empty()
    );
    assert_eq!(
        spec.answer_problems(&logout, &answer(204, "application/json", "\"bye\""))
            .len(),
        1
    );
    // A status is looked up as itself, then its range, then `default`.
    let torq = Spec::load("torq.json", "torq", "rpcStatus");
    assert_eq!(
        torq.documented_response("list_integrations", 302)
            .map(|(key, _)| key),
        Some("302".to_owned())
    );
    assert_eq!(
        torq.documented_response("list_integrations", 429)
            .map(|(key, _)| key),
        Some("default".to_owned())
    );
    assert_eq!(spec.documented_response("login", 401), None);
}

#[test]
fn a_missing_required_header_or_an_unknown_oauth_code_is_a_problem() {
    // Guard against a header check, or an OAuth error schema, that accepts everything.
    let torq = Spec::load("torq.json", "torq", "rpcStatus");
    let (key, refused) = torq
        .documented_response("create_token", 401)
        .expect("documented");
    assert_eq!(key, "401");
    let answer = |challenge: Option<&'static str>, text: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        if let Some(challenge) = challenge {
            headers.insert(
                reqwest::header::WWW_AUTHENTICATE,
                reqwest::header::HeaderValue::from_static(challenge),
            );
        }
        Answer {
            status: 401,
            headers,
            text: text.to_owned(),
            json: Value::Null,
        }
    };
    let body = r#"{"error": "invalid_client", "error_description": "no"}"#;
    assert!(
        torq.answer_problems(&refused, &answer(Some("Basic"), body))
            .is_empty()
    );
    let problems = torq.answer_problems(&refused, &answer(None, body));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("WWW-Authenticate"), "{problems:#?}");
    // An rpcStatus, or a code RFC 6749 §5.2 does not list, is not the documented body.
    for wrong in [
        r#"{"code": 16, "message": "no", "details": []}"#,
        r#"{"error": "access_denied"}"#,
    ] {
        assert_eq!(
            torq.answer_problems(&refused, &answer(Some("Basic"), wrong))
                .len(),
            1,
            "{wrong}"
        );
    }
}

/// The Looker operations that need a token, each with a request the fake would answer 200 (or
/// 204) with a live token.
const LOOKER_AUTHORIZED: [&str; 13] = [
    "all_integrations",
    "integration",
    "update_integration",
    "test_integration",
    "fetch_integration_form",
    "all_integration_hubs",
    "create_integration_hub",
    "integration_hub",
    "update_integration_hub",
    "delete_integration_hub",
    "get_integration_hub_health",
    "accept_integration_hub_legal_agreement",
    "logout",
];

/// A request to the Looker operation `operation_id`, with `authorization` when given.
fn looker_request(
    http: &reqwest::Client,
    api: &str,
    operation_id: &str,
    authorization: Option<&str>,
) -> reqwest::RequestBuilder {
    let request = match operation_id {
        "all_integrations" => http.get(format!("{api}/integrations")),
        "integration" => http.get(format!("{api}/integrations/1::slack")),
        "update_integration" => http
            .patch(format!("{api}/integrations/1::braze"))
            .json(&json!({"enabled": true})),
        "test_integration" => http.post(format!("{api}/integrations/1::slack/test")),
        "fetch_integration_form" => http
            .post(format!("{api}/integrations/1::twilio/form"))
            .json(&json!({})),
        "all_integration_hubs" => http.get(format!("{api}/integration_hubs")),
        "create_integration_hub" => http
            .post(format!("{api}/integration_hubs"))
            .json(&json!({"url": EXAMPLE_HUB_URL})),
        "integration_hub" => http.get(format!("{api}/integration_hubs/1")),
        "update_integration_hub" => http
            .patch(format!("{api}/integration_hubs/2"))
            .json(&json!({"authorization_token": "rotated"})),
        "delete_integration_hub" => http.delete(format!("{api}/integration_hubs/2")),
        "get_integration_hub_health" => http.get(format!("{api}/integration_hubs/1/health")),
        "accept_integration_hub_legal_agreement" => {
            http.post(format!("{api}/integration_hubs/3/accept_legal_agreement"))
        }
        "logout" => http.delete(format!("{api}/logout")),
        other => panic!("no request for {other}"),
    };
    match authorization {
        Some(value) => request.header("authorization", value),
        None => request,
    }
}

/// The message of a refusal of a body over the fakes' limit says why.
fn assert_too_large(message: &Value) {
    assert!(
        message.as_str().is_some_and(|m| m.contains("too large")),
        "{message}"
    );
}

/// Looker's 401 body, as the spec's description of the 401 gives it.
fn assert_requires_authentication(context: &str, answer: &Answer) {
    assert_eq!(
        answer.json["message"], "Requires authentication.",
        "{context}: {}",
        answer.text
    );
}

#[tokio::test]
async fn looker_answers_match_the_spec() {
    let mut spec = Spec::load("looker.json", "looker", "Error");
    let looker = LookerFake::start(LookerSeed::demo())
        .await
        .expect("started");
    let control = looker.control();
    let http = client();
    let api = looker.api_url();
    let login_form = [
        ("client_id", looker.client_id().to_owned()),
        ("client_secret", looker.client_secret().to_owned()),
    ];

    // login: the form, the deprecated query parameters, refusals.
    let answer = Answer::to(http.post(format!("{api}/login")).form(&login_form)).await;
    spec.check("login", 200, &answer);
    assert!(
        answer.json.get("refresh_token").is_none(),
        "no refresh_token key"
    );
    let answer = Answer::to(http.post(format!(
        "{api}/login?client_id={}&client_secret={}",
        looker.client_id(),
        looker.client_secret()
    )))
    .await;
    spec.check("login", 200, &answer);
    let answer = Answer::to(
        http.post(format!("{api}/login"))
            .form(&[("client_id", "nobody"), ("client_secret", "wrong")]),
    )
    .await;
    spec.check("login", 404, &answer);
    for form in [&[("client_id", "x")][..], &[]] {
        let answer = Answer::to(http.post(format!("{api}/login")).form(form)).await;
        spec.check("login", 400, &answer);
    }
    let answer =
        Answer::to(http.post(format!("{api}/login")).json(
            &json!({"client_id": looker.client_id(), "client_secret": looker.client_secret()}),
        ))
        .await;
    spec.check("login", 400, &answer);
    let answer = Answer::to(
        http.post(format!("{api}/login"))
            .header("content-type", "text/plain")
            .body("client_id=x&client_secret=y"),
    )
    .await;
    spec.check("login", 400, &answer);
    let answer = Answer::to(
        http.post(format!("{api}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("client_id=x&pad={}", "x".repeat(2 * 1024 * 1024))),
    )
    .await;
    spec.check("login", 400, &answer);
    assert_too_large(&answer.json["message"]);
    control.fail_next("login", 1, 429, Some(3));
    let answer = Answer::to(http.post(format!("{api}/login")).form(&login_form)).await;
    spec.check_forced("login", 429, &answer);
    assert_eq!(answer.headers["retry-after"], "3");

    // Every operation but login: no token, a token Looker never gave, the wrong scheme, an
    // expired token, a logged-out token.
    let token = looker_token(&looker).await;
    for operation in LOOKER_AUTHORIZED {
        for authorization in [
            None,
            Some("token not-a-token".to_owned()),
            Some("token".to_owned()),
            Some(format!("Basic {token}")),
        ] {
            let answer = Answer::to(looker_request(
                &http,
                &api,
                operation,
                authorization.as_deref(),
            ))
            .await;
            spec.check(operation, 401, &answer);
            assert_requires_authentication(operation, &answer);
        }
    }
    control.expire_all_tokens();
    for operation in LOOKER_AUTHORIZED {
        let auth = format!("token {token}");
        let answer = Answer::to(looker_request(&http, &api, operation, Some(&auth))).await;
        spec.check(operation, 401, &answer);
        assert_requires_authentication(operation, &answer);
    }
    let token = looker_token(&looker).await;
    let answer = Answer::to(looker_request(
        &http,
        &api,
        "logout",
        Some(&format!("Bearer {token}")),
    ))
    .await;
    spec.check("logout", 204, &answer);
    for operation in LOOKER_AUTHORIZED {
        let auth = format!("Bearer {token}");
        let answer = Answer::to(looker_request(&http, &api, operation, Some(&auth))).await;
        spec.check(operation, 401, &answer);
        assert_requires_authentication(operation, &answer);
    }
    // The version-less logout of Looker's SDKs answers as `logout` does.
    let version_less = format!("{}/api/logout", looker.base_url());
    let answer = Answer::to(http.delete(&version_less)).await;
    spec.check("logout", 401, &answer);
    assert_requires_authentication("/api/logout", &answer);
    let token = looker_token(&looker).await;
    let answer = Answer::to(
        http.delete(&version_less)
            .header("authorization", format!("token {token}")),
    )
    .await;
    spec.check("logout", 204, &answer);

    let token = looker_token(&looker).await;
    let auth = format!("token {token}");

    // all_integrations
    for query in [
        "",
        "?integration_hub_id=2",
        "?fields=id,label,params(name,has_value)",
        "?integration_hub_id=nope",
    ] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations{query}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("all_integrations", 200, &answer);
        if query.is_empty() {
            assert!(answer.json.as_array().is_some_and(|a| a.len() >= 12));
        }
    }
    for query in ["fields=params(name", "fields=a)"] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations?{query}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("all_integrations", 400, &answer);
    }
    for status in [404, 429, 500, 503] {
        control.fail_next("all_integrations", 1, status, None);
        let answer = Answer::to(
            http.get(format!("{api}/integrations"))
                .header("authorization", &auth),
        )
        .await;
        spec.check_forced("all_integrations", status, &answer);
    }

    // integration
    for path in [
        "1::twilio",
        "1::slack?fields=id,installed_delegate_oauth_targets",
    ] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations/{path}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("integration", 200, &answer);
    }
    for id in ["1::nope", "a%2Fb", "50%25%20off%20%C3%A9", "what%3Fx=1"] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations/{id}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("integration", 404, &answer);
    }
    // A query that selects nothing sensible, and an id that is not UTF-8 once decoded.
    for path in ["1::slack?fields=a)", "%FF%FE"] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations/{path}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("integration", 400, &answer);
    }
    control.fail_next("integration", 1, 429, Some(1));
    control.fail_next("integration", 1, 400, None);
    control.fail_next("integration", 1, 404, None);
    for status in [429, 400, 404] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations/1::slack"))
                .header("authorization", &auth),
        )
        .await;
        spec.check_forced("integration", status, &answer);
    }

    // update_integration
    let patch = |path: &str| {
        http.patch(format!("{api}/integrations/{path}"))
            .header("authorization", &auth)
    };
    for (path, body) in [
        (
            "1::hubspot_contacts",
            json!({"enabled": true, "params": [{"name": "hubspot_api_key", "value": "pat-na1-123"}]}),
        ),
        ("1::braze?fields=id,enabled", json!({"enabled": false})),
        ("1::braze", json!({})),
        ("1::slack", json!({"installed_delegate_oauth_targets": []})),
        (
            "1::braze",
            json!({"label": "read-only fields are ignored", "unknown": 1}),
        ),
    ] {
        let answer = Answer::to(patch(path).json(&body)).await;
        spec.check("update_integration", 200, &answer);
    }
    let answer = Answer::to(patch("1::nope").json(&json!({"enabled": true}))).await;
    spec.check("update_integration", 404, &answer);
    for (content_type, body) in [
        ("application/json", "{\"enabled\": tru"),
        ("application/json", ""),
        ("text/plain", "{}"),
        ("application/x-www-form-urlencoded", "enabled=true"),
        ("application/json", "[1, 2]"),
        ("application/json", "null"),
    ] {
        let answer = Answer::to(
            patch("1::braze")
                .header("content-type", content_type)
                .body(body),
        )
        .await;
        spec.check("update_integration", 400, &answer);
    }
    let answer = Answer::to(patch("1::braze?fields=(").json(&json!({}))).await;
    spec.check("update_integration", 400, &answer);
    for body in [
        json!({
            "enabled": "yes",
            "params": [{"name": "nope", "value": "x"}, {"name": "braze_api_key", "value": 7}]
        }),
        json!({"params": [{"value": "x"}]}),
        json!({"params": "not a list"}),
        json!({"installed_delegate_oauth_targets": ["T1"]}),
    ] {
        let answer = Answer::to(patch("1::braze").json(&body)).await;
        spec.check("update_integration", 422, &answer);
        assert!(
            answer.json["errors"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
            "{}",
            answer.text
        );
    }
    let huge = format!(
        "{{\"enabled\": true, \"pad\": \"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let answer = Answer::to(
        patch("1::braze")
            .header("content-type", "application/json")
            .body(huge),
    )
    .await;
    spec.check("update_integration", 400, &answer);
    assert_too_large(&answer.json["message"]);
    for status in [429, 400, 404] {
        control.fail_next("update_integration", 1, status, None);
        let answer = Answer::to(patch("1::braze").json(&json!({}))).await;
        spec.check_forced("update_integration", status, &answer);
    }

    // test_integration
    let test = |id: &str| {
        http.post(format!("{api}/integrations/{id}/test"))
            .header("authorization", &auth)
    };
    for id in [
        "1::slack",
        "1::marketo",
        "2::acme_teams_bot",
        "1::segment_event",
    ] {
        let answer = Answer::to(test(id)).await;
        spec.check("test_integration", 200, &answer);
    }
    let answer = Answer::to(test("1::nope")).await;
    spec.check("test_integration", 404, &answer);
    let answer = Answer::to(test("%FF")).await;
    spec.check("test_integration", 400, &answer);
    for status in [422, 429] {
        control.fail_next("test_integration", 1, status, None);
        let answer = Answer::to(test("1::slack")).await;
        spec.check_forced("test_integration", status, &answer);
    }

    // fetch_integration_form
    let form = |id: &str| {
        http.post(format!("{api}/integrations/{id}/form"))
            .header("authorization", &auth)
    };
    for (id, body) in [
        ("1::twilio", Some(json!({"from": "+15005550006"}))),
        ("2::acme_data_webhook", Some(json!({}))),
        ("1::slack", None),
    ] {
        let request = match body {
            Some(body) => form(id).json(&body),
            None => form(id),
        };
        let answer = Answer::to(request).await;
        spec.check("fetch_integration_form", 200, &answer);
        assert!(
            answer.json["fields"]
                .as_array()
                .is_some_and(|f| !f.is_empty()),
            "{}",
            answer.text
        );
        assert!(!answer.text.contains("tw_auth_"), "no secret in a form");
    }
    let answer = Answer::to(form("1::nope").json(&json!({}))).await;
    spec.check("fetch_integration_form", 404, &answer);
    for (content_type, body) in [
        ("application/json", "{\"a\": "),
        ("application/json", "[\"a\"]"),
        ("text/plain", "{}"),
    ] {
        let answer = Answer::to(
            form("1::twilio")
                .header("content-type", content_type)
                .body(body),
        )
        .await;
        spec.check("fetch_integration_form", 400, &answer);
    }
    let answer = Answer::to(form("%FF").json(&json!({}))).await;
    spec.check("fetch_integration_form", 400, &answer);
    // A value that is not a string, and an integration whose hub awaits its legal agreement.
    for (id, body) in [
        ("1::twilio", json!({"from": 15005550006_u64})),
        ("3::datadog_event", json!({})),
    ] {
        let answer = Answer::to(form(id).json(&body)).await;
        spec.check("fetch_integration_form", 422, &answer);
    }
    control.fail_next("fetch_integration_form", 1, 429, Some(1));
    let answer = Answer::to(form("1::twilio").json(&json!({}))).await;
    spec.check_forced("fetch_integration_form", 429, &answer);

    // all_integration_hubs
    let hubs = |query: &str| {
        http.get(format!("{api}/integration_hubs{query}"))
            .header("authorization", &auth)
    };
    for query in ["", "?fields=id,label,has_authorization_token"] {
        let answer = Answer::to(hubs(query)).await;
        spec.check("all_integration_hubs", 200, &answer);
        let listed = answer.json.as_array().cloned().unwrap_or_default();
        assert_eq!(listed.len(), 3, "{}", answer.text);
        assert!(
            listed
                .iter()
                .all(|h| h.get("authorization_token").is_none())
        );
        assert_eq!(listed[1]["has_authorization_token"], true);
    }
    let answer = Answer::to(hubs("?fields=a)")).await;
    spec.check("all_integration_hubs", 400, &answer);
    for status in [404, 429] {
        control.fail_next("all_integration_hubs", 1, status, None);
        let answer = Answer::to(hubs("")).await;
        spec.check_forced("all_integration_hubs", status, &answer);
    }

    // create_integration_hub
    let create = |query: &str| {
        http.post(format!("{api}/integration_hubs{query}"))
            .header("authorization", &auth)
    };
    let answer = Answer::to(
        create("").json(&json!({"url": EXAMPLE_HUB_URL, "authorization_token": "hub-s3cret"})),
    )
    .await;
    spec.check("create_integration_hub", 200, &answer);
    assert_eq!(answer.json["has_authorization_token"], true);
    assert!(!answer.text.contains("hub-s3cret"), "{}", answer.text);
    let example = answer.json["id"].as_str().expect("an id").to_owned();
    let answer = Answer::to(
        create("?fields=id,fetch_error_message")
            .json(&json!({"url": "https://nowhere.example.org"})),
    )
    .await;
    spec.check("create_integration_hub", 200, &answer);
    assert!(
        answer.json["fetch_error_message"].is_string(),
        "{}",
        answer.text
    );
    let unreachable = answer.json["id"].as_str().expect("an id").to_owned();
    for url in [EXAMPLE_HUB_URL, "https://ACTIONS.example.com/"] {
        let answer = Answer::to(create("").json(&json!({"url": url}))).await;
        spec.check("create_integration_hub", 409, &answer);
    }
    for body in [
        json!({}),
        json!({"url": "not a url"}),
        json!({"url": 5, "authorization_token": 7}),
        json!({"url": "https://user:pw@hub.example.com"}),
    ] {
        let answer = Answer::to(create("").json(&body)).await;
        spec.check("create_integration_hub", 422, &answer);
        assert!(!answer.text.contains(":pw@"), "{}", answer.text);
    }
    for (content_type, body) in [
        ("application/json", "{\"url\""),
        ("application/json", ""),
        ("application/json", "[]"),
        (
            "application/x-www-form-urlencoded",
            "url=https://x.example.com",
        ),
    ] {
        let answer = Answer::to(create("").header("content-type", content_type).body(body)).await;
        spec.check("create_integration_hub", 400, &answer);
    }
    let answer = Answer::to(create("?fields=(").json(&json!({"url": PARTNER_HUB_URL}))).await;
    spec.check("create_integration_hub", 400, &answer);
    for status in [404, 429] {
        control.fail_next("create_integration_hub", 1, status, None);
        let answer = Answer::to(create("").json(&json!({"url": PARTNER_HUB_URL}))).await;
        spec.check_forced("create_integration_hub", status, &answer);
    }

    // integration_hub
    let hub = |path: &str| {
        http.get(format!("{api}/integration_hubs/{path}"))
            .header("authorization", &auth)
    };
    for path in ["1", "2?fields=id,has_authorization_token", example.as_str()] {
        let answer = Answer::to(hub(path)).await;
        spec.check("integration_hub", 200, &answer);
    }
    for path in ["99", "nope", "1%2F2"] {
        let answer = Answer::to(hub(path)).await;
        spec.check("integration_hub", 404, &answer);
    }
    for path in ["%FF", "1?fields=a)"] {
        let answer = Answer::to(hub(path)).await;
        spec.check("integration_hub", 400, &answer);
    }
    control.fail_next("integration_hub", 1, 429, Some(2));
    let answer = Answer::to(hub("1")).await;
    spec.check_forced("integration_hub", 429, &answer);

    // update_integration_hub
    let update = |path: &str| {
        http.patch(format!("{api}/integration_hubs/{path}"))
            .header("authorization", &auth)
    };
    for (path, body) in [
        ("2", json!({"authorization_token": "rotated-s3cret"})),
        ("2?fields=id,url", json!({})),
        (unreachable.as_str(), json!({"url": PARTNER_HUB_URL})),
        (
            "1",
            json!({"url": "https://actions.looker.com/", "label": "ignored"}),
        ),
    ] {
        let answer = Answer::to(update(path).json(&body)).await;
        spec.check("update_integration_hub", 200, &answer);
        assert!(!answer.text.contains("s3cret"), "{}", answer.text);
    }
    let answer = Answer::to(update("99").json(&json!({}))).await;
    spec.check("update_integration_hub", 404, &answer);
    for (path, body) in [
        ("1", json!({"url": "https://elsewhere.example.com"})),
        ("2", json!({"url": OPS_HUB_URL})),
        ("2", json!({"url": null})),
        ("2", json!({"authorization_token": ["rotated"]})),
    ] {
        let answer = Answer::to(update(path).json(&body)).await;
        spec.check("update_integration_hub", 422, &answer);
    }
    for (path, body) in [("2", "{"), ("2", "null"), ("%FF", "{}")] {
        let answer = Answer::to(
            update(path)
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        spec.check("update_integration_hub", 400, &answer);
    }
    control.fail_next("update_integration_hub", 1, 429, None);
    let answer = Answer::to(update("2").json(&json!({}))).await;
    spec.check_forced("update_integration_hub", 429, &answer);

    // get_integration_hub_health
    let health = |path: &str| {
        http.get(format!("{api}/integration_hubs/{path}"))
            .header("authorization", &auth)
    };
    let answer = Answer::to(health("1/health")).await;
    spec.check("get_integration_hub_health", 200, &answer);
    assert_eq!(answer.json["success"], true);
    looker.set_hub_health("2", Err("The hub answered 503.".to_owned()));
    let answer = Answer::to(health("2/health?fields=success,message")).await;
    spec.check("get_integration_hub_health", 200, &answer);
    assert_eq!(answer.json["success"], false);
    assert_eq!(answer.json["message"], "The hub answered 503.");
    let answer = Answer::to(health("99/health")).await;
    spec.check("get_integration_hub_health", 404, &answer);
    for path in ["%FF/health", "1/health?fields=("] {
        let answer = Answer::to(health(path)).await;
        spec.check("get_integration_hub_health", 400, &answer);
    }
    for status in [422, 429] {
        control.fail_next("get_integration_hub_health", 1, status, None);
        let answer = Answer::to(health("1/health")).await;
        spec.check_forced("get_integration_hub_health", status, &answer);
    }

    // accept_integration_hub_legal_agreement
    let accept = |id: &str| {
        http.post(format!(
            "{api}/integration_hubs/{id}/accept_legal_agreement"
        ))
        .header("authorization", &auth)
    };
    let answer = Answer::to(accept("3")).await;
    spec.check("accept_integration_hub_legal_agreement", 200, &answer);
    assert_eq!(answer.json["legal_agreement_signed"], true);
    // Accepted already, and a hub without an agreement.
    for id in ["3", "1"] {
        let answer = Answer::to(accept(id)).await;
        spec.check("accept_integration_hub_legal_agreement", 422, &answer);
    }
    let answer = Answer::to(accept("99")).await;
    spec.check("accept_integration_hub_legal_agreement", 404, &answer);
    let answer = Answer::to(accept("%FF")).await;
    spec.check("accept_integration_hub_legal_agreement", 400, &answer);
    control.fail_next("accept_integration_hub_legal_agreement", 1, 429, None);
    let answer = Answer::to(accept("3")).await;
    spec.check_forced("accept_integration_hub_legal_agreement", 429, &answer);

    // delete_integration_hub
    let delete = |id: &str| {
        http.delete(format!("{api}/integration_hubs/{id}"))
            .header("authorization", &auth)
    };
    let answer = Answer::to(delete(&example)).await;
    spec.check("delete_integration_hub", 204, &answer);
    for id in [example.as_str(), "99"] {
        let answer = Answer::to(delete(id)).await;
        spec.check("delete_integration_hub", 404, &answer);
    }
    // The official hub cannot be deleted; an id that is not UTF-8.
    for id in ["1", "%FF"] {
        let answer = Answer::to(delete(id)).await;
        spec.check("delete_integration_hub", 400, &answer);
    }
    control.fail_next("delete_integration_hub", 1, 429, Some(5));
    let answer = Answer::to(delete("2")).await;
    spec.check_forced("delete_integration_hub", 429, &answer);

    // logout: what the fake never answers on its own.
    for status in [400, 404, 429] {
        control.fail_next("logout", 1, status, None);
        let answer = Answer::to(looker_request(&http, &api, "logout", Some(&auth))).await;
        spec.check_forced("logout", status, &answer);
    }

    // Outside any operation.
    let answer = Answer::to(http.get(format!("{api}/nope"))).await;
    spec.check_error("unknown route", 404, &answer);
    let answer = Answer::to(http.get(format!("{}/", looker.base_url()))).await;
    spec.check_error("root", 404, &answer);
    let answer = Answer::to(http.put(format!("{api}/integrations"))).await;
    spec.check_error("wrong method", 405, &answer);
    let answer = Answer::to(http.put(format!("{api}/integration_hubs/1"))).await;
    spec.check_error("wrong method on a hub", 405, &answer);

    spec.assert_all_exercised();
    spec.assert_undocumented(&[]);
}

#[tokio::test]
async fn torq_answers_match_the_spec() {
    let mut spec = Spec::load("torq.json", "torq", "rpcStatus");
    let torq = TorqFake::start(TorqSeed::demo()).await.expect("started");
    let control = torq.control();
    let http = client();
    let list = format!("{}/v1alpha/integrations", torq.base_url());

    // create_token: HTTP Basic as Torq documents, the client_secret_post form, refusals.
    let answer = Answer::to(
        http.post(torq.token_url())
            .basic_auth(torq.client_id(), Some(torq.client_secret()))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    spec.check("create_token", 200, &answer);
    assert_eq!(answer.json["expires_in"], 3600);
    let answer = Answer::to(http.post(torq.token_url()).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", torq.client_id()),
        ("client_secret", torq.client_secret()),
    ]))
    .await;
    spec.check("create_token", 200, &answer);
    // Refusals are OAuth 2.0 errors (RFC 6749 §5.2) with the code the standard gives each case.
    for request in [
        http.post(torq.token_url())
            .basic_auth(torq.client_id(), Some("wrong"))
            .form(&[("grant_type", "client_credentials")]),
        http.post(torq.token_url())
            .form(&[("grant_type", "client_credentials")]),
        http.post(torq.token_url()).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", torq.client_id()),
            ("client_secret", "wrong"),
        ]),
    ] {
        let answer = Answer::to(request).await;
        spec.check("create_token", 401, &answer);
        assert_eq!(answer.json["error"], "invalid_client", "{}", answer.text);
    }
    let basic = || {
        http.post(torq.token_url())
            .basic_auth(torq.client_id(), Some(torq.client_secret()))
    };
    for (request, code) in [
        (
            basic().form(&[("grant_type", "password")]),
            "unsupported_grant_type",
        ),
        (basic().form(&[("scope", "all")]), "invalid_request"),
        (
            basic().json(&json!({"grant_type": "client_credentials"})),
            "invalid_request",
        ),
    ] {
        let answer = Answer::to(request).await;
        spec.check("create_token", 400, &answer);
        assert_eq!(answer.json["error"], code, "{}", answer.text);
    }
    let answer = Answer::to(
        basic()
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&pad={}",
                "x".repeat(2 * 1024 * 1024)
            )),
    )
    .await;
    spec.check("create_token", 400, &answer);
    assert_eq!(answer.json["error"], "invalid_request");
    assert_too_large(&answer.json["error_description"]);
    // Injected failures: the documented statuses in their documented shape, others as rpcStatus.
    for status in [400, 401, 503] {
        control.fail_next("create_token", 1, status, None);
        let answer = Answer::to(basic().form(&[("grant_type", "client_credentials")])).await;
        spec.check_forced("create_token", status, &answer);
    }

    // list_integrations
    let token = torq_token(&torq).await;
    let bearer = format!("Bearer {token}");
    for query in [
        "",
        "?type_id=webhook",
        "?type_id=nothing-of-this-type",
        "?type_id=",
    ] {
        let answer = Answer::to(
            http.get(format!("{list}{query}"))
                .header("authorization", &bearer),
        )
        .await;
        spec.check("list_integrations", 200, &answer);
    }
    for request in [
        http.get(&list),
        http.get(&list).header("authorization", "Bearer invented"),
        http.get(&list)
            .header("authorization", format!("token {token}")),
    ] {
        let answer = Answer::to(request).await;
        spec.check("list_integrations", 401, &answer);
        assert_eq!(answer.json["code"], 16);
    }
    control.fail_next("list_integrations", 1, 403, None);
    let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
    spec.check_forced("list_integrations", 403, &answer);
    for status in [500, 502, 503] {
        control.fail_next("list_integrations", 1, status, None);
        let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
        spec.check_forced("list_integrations", status, &answer);
    }
    torq.set_rate_limit(Some(1));
    let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
    spec.check("list_integrations", 200, &answer);
    let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
    spec.check("list_integrations", 429, &answer);
    torq.set_rate_limit(None);
    control.expire_all_tokens();
    let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
    spec.check("list_integrations", 302, &answer);
    assert!(
        answer.headers.get("location").is_none(),
        "Torq's 302 is no redirect"
    );

    let answer = Answer::to(http.get(format!("{}/v1alpha/nope", torq.base_url()))).await;
    spec.check_error("unknown route", 404, &answer);
    let answer = Answer::to(http.delete(&list)).await;
    spec.check_error("wrong method", 405, &answer);

    spec.assert_all_exercised();
    spec.assert_undocumented(&[]);
}
