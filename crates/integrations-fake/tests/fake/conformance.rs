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

use integrations_fake::Control;
use integrations_fake::looker::{EXAMPLE_HUB_URL, OPS_HUB_URL, PARTNER_HUB_URL};
use reqwest::{Method, RequestBuilder};
use serde_json::{Map, Value, json};

use crate::support::*;

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

    /// Sends `request` and checks the answer the fake gives on its own: the expected status,
    /// and a content type and a body that the spec documents for that status. A status the
    /// operation does not document is recorded (see [`Spec::finish`]) and its body
    /// checked against the vendor's error schema. Returns the answer.
    async fn expect(&mut self, operation_id: &str, status: u16, request: RequestBuilder) -> Answer {
        let answer = Answer::to(request).await;
        self.check_answer(operation_id, status, &answer, true);
        answer
    }

    /// Queues each of `statuses` in turn on `operation_id` (`fail_next`) and checks what
    /// `request` then gets like [`Spec::expect`] does, but a status the operation does not
    /// document is the test's doing, not the fake's, and is not recorded.
    async fn forced(
        &mut self,
        control: &Control,
        operation_id: &str,
        statuses: &[u16],
        request: impl Fn() -> RequestBuilder,
    ) {
        for &status in statuses {
            control.fail_next(operation_id, 1, status, None);
            let answer = Answer::to(request()).await;
            self.check_answer(operation_id, status, &answer, false);
        }
    }

    /// Checks that the next answer to `request`, forced with a `Retry-After` of `retry_after`,
    /// matches the spec and carries that header.
    async fn forced_retry_after(
        &mut self,
        control: &Control,
        operation_id: &str,
        retry_after: u64,
        request: RequestBuilder,
    ) {
        control.fail_next(operation_id, 1, 429, Some(retry_after));
        let answer = Answer::to(request).await;
        self.check_answer(operation_id, 429, &answer, false);
        assert_eq!(answer.headers["retry-after"], retry_after.to_string());
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

    /// Checks the answers to `outside`, requests outside any operation (what each is, the
    /// status it must get), against the vendor's error schema; then fails unless every
    /// documented (operation, status) was exercised, and unless no natural answer had a status
    /// its operation does not document.
    async fn finish(self, outside: Vec<(&str, u16, RequestBuilder)>) {
        for (what, status, request) in outside {
            let answer = Answer::to(request).await;
            assert_eq!(answer.status, status, "{what}: {}", answer.text);
            let context = format!("{} {what}", self.name);
            self.validate(&context, &self.vendor_error_response(), &answer);
        }
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
        assert!(
            self.undocumented.is_empty(),
            "{}: natural answers whose status the spec does not document: {:?}",
            self.name,
            self.undocumented
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

/// The records of the fixture `name` (an array).
fn fixture(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixtures/{name}: {e}"))
}

/// Every record of the fixtures the demo is read from, with the schema of the spec it must fit.
fn fixture_records() -> Vec<(&'static str, &'static str, Value)> {
    let mut records = Vec::new();
    let each = |name, schema| fixture(name).into_iter().map(move |r| (name, schema, r));
    records.extend(each("looker_demo.json", "Integration"));
    records.extend(each("torq_demo.json", "v1alphaIntegration"));
    for mut seeded in fixture("looker_hubs.json") {
        let hub = seeded["hub"].take();
        records.push(("looker_hubs.json", "IntegrationHub", hub));
        if let Some(health) = seeded.get("health") {
            let health = health.clone();
            records.push(("looker_hubs.json", "IntegrationHubHealthResult", health));
        }
    }
    for mut offered in fixture("looker_catalogue.json") {
        let integrations = offered["integrations"].take();
        for integration in integrations.as_array().into_iter().flatten() {
            records.push(("looker_catalogue.json", "Integration", integration.clone()));
        }
        // What is left (url, label, legal_agreement_text) describes a hub.
        if let Some(entry) = offered.as_object_mut() {
            entry.remove("integrations");
        }
        records.push(("looker_catalogue.json", "IntegrationHub", offered));
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

/// Every Looker operation but login answers 401 to a request with `authorization`.
async fn assert_all_refuse(
    spec: &mut Spec,
    http: &reqwest::Client,
    api: &str,
    authorization: Option<&str>,
) {
    for operation in LOOKER_AUTHORIZED {
        let request = looker_request(http, api, operation, authorization);
        let answer = spec.expect(operation, 401, request).await;
        assert_requires_authentication(operation, &answer);
    }
}

#[tokio::test]
async fn looker_answers_match_the_spec() {
    let mut spec = Spec::load("looker.json", "looker", "Error");
    let looker = looker_demo().await;
    let control = looker.control();
    let http = client();
    let api = looker.api_url();

    // login: the form, the deprecated query parameters, refusals.
    let login = || http.post(format!("{api}/login"));
    let answer = spec.expect("login", 200, looker_login(&looker)).await;
    assert!(
        answer.json.get("refresh_token").is_none(),
        "no refresh_token key"
    );
    let (id, secret) = (looker.client_id(), looker.client_secret());
    let query = format!("{api}/login?client_id={id}&client_secret={secret}");
    spec.expect("login", 200, http.post(query)).await;
    let wrong = [("client_id", "nobody"), ("client_secret", "wrong")];
    spec.expect("login", 404, login().form(&wrong)).await;
    for form in [&[("client_id", "x")][..], &[]] {
        spec.expect("login", 400, login().form(form)).await;
    }
    let as_json = json!({"client_id": id, "client_secret": secret});
    let as_text = login().header("content-type", "text/plain");
    for request in [
        login().json(&as_json),
        as_text.body("client_id=x&client_secret=y"),
    ] {
        spec.expect("login", 400, request).await;
    }
    let huge = format!("client_id=x&pad={}", "x".repeat(2 * 1024 * 1024));
    let as_form = login().header("content-type", "application/x-www-form-urlencoded");
    let answer = spec.expect("login", 400, as_form.body(huge)).await;
    assert_too_large(&answer.json["message"]);
    let request = looker_login(&looker);
    spec.forced_retry_after(control, "login", 3, request).await;

    // Every operation but login: no token, a token Looker never gave, the wrong scheme, an
    // expired token, a logged-out token.
    let token = looker_token(&looker).await;
    for authorization in [
        None,
        Some("token not-a-token".to_owned()),
        Some("token".to_owned()),
        Some(format!("Basic {token}")),
    ] {
        assert_all_refuse(&mut spec, &http, &api, authorization.as_deref()).await;
    }
    control.expire_all_tokens();
    assert_all_refuse(&mut spec, &http, &api, Some(&format!("token {token}"))).await;
    let bearer = format!("Bearer {}", looker_token(&looker).await);
    let logout = looker_request(&http, &api, "logout", Some(&bearer));
    spec.expect("logout", 204, logout).await;
    assert_all_refuse(&mut spec, &http, &api, Some(&bearer)).await;
    // The version-less logout of Looker's SDKs answers as `logout` does.
    let version_less = || http.delete(format!("{}/api/logout", looker.base_url()));
    let answer = spec.expect("logout", 401, version_less()).await;
    assert_requires_authentication("/api/logout", &answer);
    let auth = looker_auth(&looker).await;
    let logout = version_less().header("authorization", auth);
    spec.expect("logout", 204, logout).await;

    let auth = looker_auth(&looker).await;
    let call = |method: Method, path: &str| {
        http.request(method, format!("{api}{path}"))
            .header("authorization", &auth)
    };

    // all_integrations
    let list = |query: &str| call(Method::GET, &format!("/integrations{query}"));
    let answer = spec.expect("all_integrations", 200, list("")).await;
    assert!(answer.json.as_array().is_some_and(|a| a.len() >= 12));
    for (query, status) in [
        ("?integration_hub_id=2", 200),
        ("?fields=id,label,params(name,has_value)", 200),
        ("?integration_hub_id=nope", 200),
        ("?fields=params(name", 400),
        ("?fields=a)", 400),
    ] {
        spec.expect("all_integrations", status, list(query)).await;
    }
    let statuses = [404, 429, 500, 503];
    spec.forced(control, "all_integrations", &statuses, || list(""))
        .await;

    // integration
    let integration = |path: &str| call(Method::GET, &format!("/integrations/{path}"));
    for (path, status) in [
        ("1::twilio", 200),
        ("1::slack?fields=id,installed_delegate_oauth_targets", 200),
        ("1::nope", 404),
        ("a%2Fb", 404),
        ("50%25%20off%20%C3%A9", 404),
        ("what%3Fx=1", 404),
        // A query that selects nothing sensible, and an id that is not UTF-8 once decoded.
        ("1::slack?fields=a)", 400),
        ("%FF%FE", 400),
    ] {
        spec.expect("integration", status, integration(path)).await;
    }
    let slack = || integration("1::slack");
    spec.forced_retry_after(control, "integration", 1, slack())
        .await;
    spec.forced(control, "integration", &[400, 404], slack)
        .await;

    // update_integration
    let patch = |path: &str| call(Method::PATCH, &format!("/integrations/{path}"));
    let key = json!([{"name": "hubspot_api_key", "value": "pat-na1-123"}]);
    for (path, body) in [
        (
            "1::hubspot_contacts",
            json!({"enabled": true, "params": key}),
        ),
        ("1::braze?fields=id,enabled", json!({"enabled": false})),
        ("1::braze", json!({})),
        ("1::slack", json!({"installed_delegate_oauth_targets": []})),
        (
            "1::braze",
            json!({"label": "read-only fields are ignored", "unknown": 1}),
        ),
    ] {
        spec.expect("update_integration", 200, patch(path).json(&body))
            .await;
    }
    let unknown = patch("1::nope").json(&json!({"enabled": true}));
    spec.expect("update_integration", 404, unknown).await;
    for (content_type, body) in [
        ("application/json", "{\"enabled\": tru"),
        ("application/json", ""),
        ("text/plain", "{}"),
        ("application/x-www-form-urlencoded", "enabled=true"),
        ("application/json", "[1, 2]"),
        ("application/json", "null"),
    ] {
        let request = patch("1::braze").header("content-type", content_type);
        spec.expect("update_integration", 400, request.body(body))
            .await;
    }
    let bad_fields = patch("1::braze?fields=(").json(&json!({}));
    spec.expect("update_integration", 400, bad_fields).await;
    for body in [
        json!({
            "enabled": "yes",
            "params": [{"name": "nope", "value": "x"}, {"name": "braze_api_key", "value": 7}]
        }),
        json!({"params": [{"value": "x"}]}),
        json!({"params": "not a list"}),
        json!({"installed_delegate_oauth_targets": ["T1"]}),
    ] {
        let request = patch("1::braze").json(&body);
        let answer = spec.expect("update_integration", 422, request).await;
        let errors = answer.json["errors"].as_array();
        assert!(errors.is_some_and(|e| !e.is_empty()), "{}", answer.text);
    }
    let huge = format!(
        "{{\"enabled\": true, \"pad\": \"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let request = patch("1::braze").header("content-type", "application/json");
    let answer = spec
        .expect("update_integration", 400, request.body(huge))
        .await;
    assert_too_large(&answer.json["message"]);
    let braze = || patch("1::braze").json(&json!({}));
    spec.forced(control, "update_integration", &[429, 400, 404], braze)
        .await;

    // test_integration
    let test = |id: &str| call(Method::POST, &format!("/integrations/{id}/test"));
    for (id, status) in [
        ("1::slack", 200),
        ("1::marketo", 200),
        ("2::acme_teams_bot", 200),
        ("1::segment_event", 200),
        ("1::nope", 404),
        ("%FF", 400),
    ] {
        spec.expect("test_integration", status, test(id)).await;
    }
    spec.forced(control, "test_integration", &[422, 429], || {
        test("1::slack")
    })
    .await;

    // fetch_integration_form
    let form = |id: &str| call(Method::POST, &format!("/integrations/{id}/form"));
    for request in [
        form("1::twilio").json(&json!({"from": "+15005550006"})),
        form("2::acme_data_webhook").json(&json!({})),
        form("1::slack"),
    ] {
        let answer = spec.expect("fetch_integration_form", 200, request).await;
        let fields = answer.json["fields"].as_array();
        assert!(fields.is_some_and(|f| !f.is_empty()), "{}", answer.text);
        assert!(!answer.text.contains("tw_auth_"), "no secret in a form");
    }
    let unknown = form("1::nope").json(&json!({}));
    spec.expect("fetch_integration_form", 404, unknown).await;
    let twilio = |content_type: &str| form("1::twilio").header("content-type", content_type);
    for request in [
        twilio("application/json").body("{\"a\": "),
        twilio("application/json").body("[\"a\"]"),
        twilio("text/plain").body("{}"),
        form("%FF").json(&json!({})),
    ] {
        spec.expect("fetch_integration_form", 400, request).await;
    }
    // A value that is not a string, and an integration whose hub awaits its legal agreement.
    for (id, body) in [
        ("1::twilio", json!({"from": 15005550006_u64})),
        ("3::datadog_event", json!({})),
    ] {
        spec.expect("fetch_integration_form", 422, form(id).json(&body))
            .await;
    }
    let twilio = form("1::twilio").json(&json!({}));
    spec.forced_retry_after(control, "fetch_integration_form", 1, twilio)
        .await;

    // all_integration_hubs
    let hubs = |query: &str| call(Method::GET, &format!("/integration_hubs{query}"));
    for query in ["", "?fields=id,label,has_authorization_token"] {
        let answer = spec.expect("all_integration_hubs", 200, hubs(query)).await;
        let listed = answer.json.as_array().cloned().unwrap_or_default();
        assert_eq!(listed.len(), 3, "{}", answer.text);
        let tokens = listed
            .iter()
            .filter(|h| h.get("authorization_token").is_some());
        assert_eq!(tokens.count(), 0);
        assert_eq!(listed[1]["has_authorization_token"], true);
    }
    spec.expect("all_integration_hubs", 400, hubs("?fields=a)"))
        .await;
    spec.forced(control, "all_integration_hubs", &[404, 429], || hubs(""))
        .await;

    // create_integration_hub
    let create = |query: &str| call(Method::POST, &format!("/integration_hubs{query}"));
    let body = json!({"url": EXAMPLE_HUB_URL, "authorization_token": "hub-s3cret"});
    let answer = spec
        .expect("create_integration_hub", 200, create("").json(&body))
        .await;
    assert_eq!(answer.json["has_authorization_token"], true);
    assert!(!answer.text.contains("hub-s3cret"), "{}", answer.text);
    let example = answer.json["id"].as_str().expect("an id").to_owned();
    let request = create("?fields=id,fetch_error_message");
    let request = request.json(&json!({"url": "https://nowhere.example.org"}));
    let answer = spec.expect("create_integration_hub", 200, request).await;
    let message = &answer.json["fetch_error_message"];
    assert!(message.is_string(), "{}", answer.text);
    let unreachable = answer.json["id"].as_str().expect("an id").to_owned();
    for url in [EXAMPLE_HUB_URL, "https://ACTIONS.example.com/"] {
        let request = create("").json(&json!({"url": url}));
        spec.expect("create_integration_hub", 409, request).await;
    }
    for body in [
        json!({}),
        json!({"url": "not a url"}),
        json!({"url": 5, "authorization_token": 7}),
        json!({"url": "https://user:pw@hub.example.com"}),
    ] {
        let request = create("").json(&body);
        let answer = spec.expect("create_integration_hub", 422, request).await;
        assert!(!answer.text.contains(":pw@"), "{}", answer.text);
    }
    let partner = json!({"url": PARTNER_HUB_URL});
    let as_json = || create("").header("content-type", "application/json");
    for request in [
        as_json().body("{\"url\""),
        as_json().body(""),
        as_json().body("[]"),
        create("").form(&[("url", "https://x.example.com")]),
        create("?fields=(").json(&partner),
    ] {
        spec.expect("create_integration_hub", 400, request).await;
    }
    let partner = || create("").json(&partner);
    spec.forced(control, "create_integration_hub", &[404, 429], partner)
        .await;

    // integration_hub
    let hub = |path: &str| call(Method::GET, &format!("/integration_hubs/{path}"));
    for (path, status) in [
        ("1", 200),
        ("2?fields=id,has_authorization_token", 200),
        (example.as_str(), 200),
        ("99", 404),
        ("nope", 404),
        ("1%2F2", 404),
        ("%FF", 400),
        ("1?fields=a)", 400),
    ] {
        spec.expect("integration_hub", status, hub(path)).await;
    }
    spec.forced_retry_after(control, "integration_hub", 2, hub("1"))
        .await;

    // update_integration_hub
    let update = |path: &str| call(Method::PATCH, &format!("/integration_hubs/{path}"));
    for (path, body) in [
        ("2", json!({"authorization_token": "rotated-s3cret"})),
        ("2?fields=id,url", json!({})),
        (unreachable.as_str(), json!({"url": PARTNER_HUB_URL})),
        (
            "1",
            json!({"url": "https://actions.looker.com/", "label": "ignored"}),
        ),
    ] {
        let request = update(path).json(&body);
        let answer = spec.expect("update_integration_hub", 200, request).await;
        assert!(!answer.text.contains("s3cret"), "{}", answer.text);
    }
    let unknown = update("99").json(&json!({}));
    spec.expect("update_integration_hub", 404, unknown).await;
    for (path, body) in [
        ("1", json!({"url": "https://elsewhere.example.com"})),
        ("2", json!({"url": OPS_HUB_URL})),
        ("2", json!({"url": null})),
        ("2", json!({"authorization_token": ["rotated"]})),
    ] {
        spec.expect("update_integration_hub", 422, update(path).json(&body))
            .await;
    }
    for (path, body) in [("2", "{"), ("2", "null"), ("%FF", "{}")] {
        let request = update(path).header("content-type", "application/json");
        spec.expect("update_integration_hub", 400, request.body(body))
            .await;
    }
    let acme = || update("2").json(&json!({}));
    spec.forced(control, "update_integration_hub", &[429], acme)
        .await;

    // get_integration_hub_health
    let answer = spec
        .expect("get_integration_hub_health", 200, hub("1/health"))
        .await;
    assert_eq!(answer.json["success"], true);
    looker.set_hub_health("2", Err("The hub answered 503.".to_owned()));
    let request = hub("2/health?fields=success,message");
    let answer = spec
        .expect("get_integration_hub_health", 200, request)
        .await;
    assert_eq!(answer.json["success"], false);
    assert_eq!(answer.json["message"], "The hub answered 503.");
    for (path, status) in [
        ("99/health", 404),
        ("%FF/health", 400),
        ("1/health?fields=(", 400),
    ] {
        spec.expect("get_integration_hub_health", status, hub(path))
            .await;
    }
    let official = || hub("1/health");
    spec.forced(control, "get_integration_hub_health", &[422, 429], official)
        .await;

    // accept_integration_hub_legal_agreement
    let accept = |id: &str| {
        call(
            Method::POST,
            &format!("/integration_hubs/{id}/accept_legal_agreement"),
        )
    };
    let operation = "accept_integration_hub_legal_agreement";
    let answer = spec.expect(operation, 200, accept("3")).await;
    assert_eq!(answer.json["legal_agreement_signed"], true);
    // Accepted already, a hub without an agreement, no such hub, an id that is not UTF-8.
    for (id, status) in [("3", 422), ("1", 422), ("99", 404), ("%FF", 400)] {
        spec.expect(operation, status, accept(id)).await;
    }
    spec.forced(control, operation, &[429], || accept("3"))
        .await;

    // delete_integration_hub
    let delete = |id: &str| call(Method::DELETE, &format!("/integration_hubs/{id}"));
    // Gone once deleted; no such hub; the official hub cannot be deleted; an id that is not
    // UTF-8.
    for (id, status) in [
        (example.as_str(), 204),
        (example.as_str(), 404),
        ("99", 404),
        ("1", 400),
        ("%FF", 400),
    ] {
        spec.expect("delete_integration_hub", status, delete(id))
            .await;
    }
    spec.forced_retry_after(control, "delete_integration_hub", 5, delete("2"))
        .await;

    // logout: what the fake never answers on its own.
    let logout = || looker_request(&http, &api, "logout", Some(&auth));
    spec.forced(control, "logout", &[400, 404, 429], logout)
        .await;

    spec.finish(vec![
        ("unknown route", 404, http.get(format!("{api}/nope"))),
        ("root", 404, http.get(format!("{}/", looker.base_url()))),
        ("wrong method", 405, http.put(format!("{api}/integrations"))),
        (
            "wrong method on a hub",
            405,
            http.put(format!("{api}/integration_hubs/1")),
        ),
    ])
    .await;
}

#[tokio::test]
async fn torq_answers_match_the_spec() {
    let mut spec = Spec::load("torq.json", "torq", "rpcStatus");
    let torq = torq_demo().await;
    let http = client();
    let list = format!("{}/v1alpha/integrations", torq.base_url());

    // create_token: HTTP Basic as Torq documents, the client_secret_post form, refusals.
    let endpoint = || http.post(torq.token_url());
    let answer = spec
        .expect("create_token", 200, torq_token_request(&torq))
        .await;
    assert_eq!(answer.json["expires_in"], 3600);
    let grant = ("grant_type", "client_credentials");
    let id = ("client_id", torq.client_id());
    let secret_post = [grant, id, ("client_secret", torq.client_secret())];
    spec.expect("create_token", 200, endpoint().form(&secret_post))
        .await;
    // Refusals are OAuth 2.0 errors (RFC 6749 §5.2) with the code the standard gives each case.
    let wrong_secret = [grant, id, ("client_secret", "wrong")];
    for request in [
        endpoint()
            .basic_auth(torq.client_id(), Some("wrong"))
            .form(&[grant]),
        endpoint().form(&[grant]),
        endpoint().form(&wrong_secret),
    ] {
        let answer = spec.expect("create_token", 401, request).await;
        assert_eq!(answer.json["error"], "invalid_client", "{}", answer.text);
    }
    let basic = || torq_basic(&torq);
    let huge = format!(
        "grant_type=client_credentials&pad={}",
        "x".repeat(2 * 1024 * 1024)
    );
    let as_form = basic().header("content-type", "application/x-www-form-urlencoded");
    let answer = spec.expect("create_token", 400, as_form.body(huge)).await;
    assert_eq!(answer.json["error"], "invalid_request");
    assert_too_large(&answer.json["error_description"]);
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
        let answer = spec.expect("create_token", 400, request).await;
        assert_eq!(answer.json["error"], code, "{}", answer.text);
    }
    // Injected failures: the documented statuses in their documented shape, others as rpcStatus.
    let token = || torq_token_request(&torq);
    spec.forced(torq.control(), "create_token", &[400, 401, 503], token)
        .await;

    // list_integrations
    let token = torq_token(&torq).await;
    let bearer = format!("Bearer {token}");
    let listing = |query: &str| {
        http.get(format!("{list}{query}"))
            .header("authorization", &bearer)
    };
    for query in [
        "",
        "?type_id=webhook",
        "?type_id=nothing-of-this-type",
        "?type_id=",
    ] {
        spec.expect("list_integrations", 200, listing(query)).await;
    }
    for request in [
        http.get(&list),
        http.get(&list).header("authorization", "Bearer invented"),
        http.get(&list)
            .header("authorization", format!("token {token}")),
    ] {
        let answer = spec.expect("list_integrations", 401, request).await;
        assert_eq!(answer.json["code"], 16);
    }
    let statuses = [403, 500, 502, 503];
    spec.forced(torq.control(), "list_integrations", &statuses, || {
        listing("")
    })
    .await;
    torq.set_rate_limit(Some(1));
    spec.expect("list_integrations", 200, listing("")).await;
    spec.expect("list_integrations", 429, listing("")).await;
    torq.set_rate_limit(None);
    torq.control().expire_all_tokens();
    let answer = spec.expect("list_integrations", 302, listing("")).await;
    assert!(
        answer.headers.get("location").is_none(),
        "Torq's 302 is no redirect"
    );

    spec.finish(vec![
        (
            "unknown route",
            404,
            http.get(format!("{}/v1alpha/nope", torq.base_url())),
        ),
        ("wrong method", 405, http.delete(&list)),
    ])
    .await;
}
