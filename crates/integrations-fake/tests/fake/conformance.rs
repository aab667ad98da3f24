//! Conformance: every route, driven through its success and error cases, answers bodies that
//! validate against the committed spec's schema for that operation and status (or, for a
//! status the spec does not list, its `default` response or the vendor's error schema), and
//! every status each operation documents is exercised at least once.

use std::collections::BTreeSet;
use std::path::PathBuf;

use integrations_fake::{LookerFake, LookerSeed, TorqFake, TorqSeed};
use serde_json::{Map, Value, json};

use crate::support::{Answer, client, looker_token, torq_token};

/// One vendor's committed spec and what the tests saw of it.
struct Spec {
    name: &'static str,
    document: Value,
    components: Value,
    vendor_error: &'static str,
    exercised: BTreeSet<(String, String)>,
    undocumented: BTreeSet<(String, u16)>,
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

    /// What is wrong with the answer's body with respect to `schema` (a fragment of the spec,
    /// whose refs point into its components); nothing when it matches.
    fn problems(&self, schema: &Value, answer: &Answer) -> Vec<String> {
        let mut root = to_json_schema(schema);
        let Value::Object(object) = &mut root else {
            return vec![format!("the schema is not an object: {schema}")];
        };
        object.insert("components".into(), self.components.clone());
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
        {
            Ok(validator) => validator,
            Err(e) => return vec![format!("the schema does not build: {e}")],
        };
        let body: Value = match serde_json::from_str(&answer.text) {
            Ok(body) => body,
            Err(e) => return vec![format!("the body is not JSON: {e}")],
        };
        let mut problems: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{e} (at {})", e.instance_path()))
            .collect();
        let content_type = answer
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !content_type.starts_with("application/json") {
            problems.push(format!("content type {content_type:?}"));
        }
        problems
    }

    /// Fails unless the answer's body matches `schema`.
    fn validate(&self, context: &str, schema: &Value, answer: &Answer) {
        let problems = self.problems(schema, answer);
        assert!(
            problems.is_empty(),
            "{context}: the answer does not match the spec: {problems:#?}\n{}",
            answer.text
        );
    }

    /// Checks one answer of `operation_id`: the expected status, and a body that matches the
    /// spec's schema for it.
    fn check(&mut self, operation_id: &str, expected_status: u16, answer: &Answer) {
        let context = format!("{} {operation_id} {}", self.name, answer.status);
        assert_eq!(answer.status, expected_status, "{context}: {}", answer.text);
        let responses = self.operation(operation_id)["responses"].clone();
        let key = answer.status.to_string();
        let (key, response) = match (responses.get(&key), responses.get("default")) {
            (Some(response), _) => (Some(key), response.clone()),
            (None, Some(default)) => (Some("default".to_owned()), default.clone()),
            (None, None) => {
                self.undocumented
                    .insert((operation_id.to_owned(), answer.status));
                let schema = json!({"$ref": format!("#/components/schemas/{}", self.vendor_error)});
                (
                    None,
                    json!({"content": {"application/json": {"schema": schema}}}),
                )
            }
        };
        if let Some(key) = key {
            self.exercised.insert((operation_id.to_owned(), key));
        }
        if answer.status == 204 {
            assert!(answer.text.is_empty(), "{context}: a 204 has no body");
            return;
        }
        let schema = response
            .pointer("/content/application~1json/schema")
            .unwrap_or_else(|| panic!("{context}: the spec gives no JSON schema"))
            .clone();
        self.validate(&context, &schema, answer);
    }

    /// Checks an answer outside any operation (an unknown route): the vendor's error schema.
    fn check_error(&self, what: &str, expected_status: u16, answer: &Answer) {
        assert_eq!(answer.status, expected_status, "{what}: {}", answer.text);
        let schema = json!({"$ref": format!("#/components/schemas/{}", self.vendor_error)});
        self.validate(&format!("{} {what}", self.name), &schema, answer);
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

    // login
    let answer = Answer::to(http.post(format!("{api}/login")).form(&login_form)).await;
    spec.check("login", 200, &answer);
    assert!(
        answer.json.get("refresh_token").is_none(),
        "no refresh_token key"
    );
    let answer = Answer::to(
        http.post(format!("{api}/login"))
            .form(&[("client_id", "nobody"), ("client_secret", "wrong")]),
    )
    .await;
    spec.check("login", 404, &answer);
    let answer = Answer::to(
        http.post(format!("{api}/login"))
            .form(&[("client_id", "x")]),
    )
    .await;
    spec.check("login", 400, &answer);
    let answer =
        Answer::to(http.post(format!("{api}/login")).json(
            &json!({"client_id": looker.client_id(), "client_secret": looker.client_secret()}),
        ))
        .await;
    spec.check("login", 400, &answer);
    control.fail_next("login", 1, 429, Some(3));
    let answer = Answer::to(http.post(format!("{api}/login")).form(&login_form)).await;
    spec.check("login", 429, &answer);
    assert_eq!(answer.headers["retry-after"], "3");

    let token = looker_token(&looker).await;
    let auth = format!("token {token}");

    // all_integrations
    let answer = Answer::to(
        http.get(format!("{api}/integrations"))
            .header("authorization", &auth),
    )
    .await;
    spec.check("all_integrations", 200, &answer);
    assert!(answer.json.as_array().is_some_and(|a| a.len() >= 12));
    for query in [
        "integration_hub_id=2",
        "fields=id,label,params(name,has_value)",
        "integration_hub_id=nope",
    ] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations?{query}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("all_integrations", 200, &answer);
    }
    let answer = Answer::to(http.get(format!("{api}/integrations"))).await;
    spec.check("all_integrations", 401, &answer);
    let answer = Answer::to(
        http.get(format!("{api}/integrations"))
            .header("authorization", "token not-a-token"),
    )
    .await;
    spec.check("all_integrations", 401, &answer);
    let answer = Answer::to(
        http.get(format!("{api}/integrations?fields=params(name"))
            .header("authorization", &auth),
    )
    .await;
    spec.check("all_integrations", 400, &answer);
    for status in [404, 429, 500, 503] {
        control.fail_next("all_integrations", 1, status, None);
        let answer = Answer::to(
            http.get(format!("{api}/integrations"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("all_integrations", status, &answer);
    }

    // integration
    let answer = Answer::to(
        http.get(format!("{api}/integrations/1::twilio"))
            .header("authorization", &auth),
    )
    .await;
    spec.check("integration", 200, &answer);
    let answer = Answer::to(
        http.get(format!(
            "{api}/integrations/1::slack?fields=id,installed_delegate_oauth_targets"
        ))
        .header("authorization", &auth),
    )
    .await;
    spec.check("integration", 200, &answer);
    for id in ["1::nope", "a%2Fb", "50%25%20off%20%C3%A9", "what%3Fx=1"] {
        let answer = Answer::to(
            http.get(format!("{api}/integrations/{id}"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("integration", 404, &answer);
    }
    let answer = Answer::to(
        http.get(format!("{api}/integrations/1::slack?fields=a)"))
            .header("authorization", &auth),
    )
    .await;
    spec.check("integration", 400, &answer);
    control.fail_next("integration", 1, 429, Some(1));
    let answer = Answer::to(
        http.get(format!("{api}/integrations/1::slack"))
            .header("authorization", &auth),
    )
    .await;
    spec.check("integration", 429, &answer);

    // update_integration
    let patch = |id: &str| {
        http.patch(format!("{api}/integrations/{id}"))
            .header("authorization", &auth)
    };
    let answer = Answer::to(patch("1::hubspot_contacts").json(&json!({
        "enabled": true,
        "params": [{"name": "hubspot_api_key", "value": "pat-na1-123"}]
    })))
    .await;
    spec.check("update_integration", 200, &answer);
    let answer = Answer::to(
        http.patch(format!("{api}/integrations/1::braze?fields=id,enabled"))
            .header("authorization", &auth)
            .json(&json!({"enabled": false})),
    )
    .await;
    spec.check("update_integration", 200, &answer);
    let answer = Answer::to(patch("1::nope").json(&json!({"enabled": true}))).await;
    spec.check("update_integration", 404, &answer);
    let answer = Answer::to(
        patch("1::braze")
            .header("content-type", "application/json")
            .body("{\"enabled\": tru"),
    )
    .await;
    spec.check("update_integration", 400, &answer);
    let answer = Answer::to(
        patch("1::braze")
            .header("content-type", "text/plain")
            .body("{}"),
    )
    .await;
    spec.check("update_integration", 400, &answer);
    let answer = Answer::to(patch("1::braze").json(&json!([1, 2]))).await;
    spec.check("update_integration", 400, &answer);
    let answer = Answer::to(patch("1::braze").json(&json!({
        "enabled": "yes",
        "params": [{"name": "nope", "value": "x"}, {"name": "braze_api_key", "value": 7}]
    })))
    .await;
    spec.check("update_integration", 422, &answer);
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
    spec.check("update_integration", 413, &answer);
    control.fail_next("update_integration", 1, 429, None);
    let answer = Answer::to(patch("1::braze").json(&json!({}))).await;
    spec.check("update_integration", 429, &answer);

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
    for status in [400, 422, 429] {
        control.fail_next("test_integration", 1, status, None);
        let answer = Answer::to(test("1::slack")).await;
        spec.check("test_integration", status, &answer);
    }
    for status in [400, 404] {
        control.fail_next("integration", 1, status, None);
        let answer = Answer::to(
            http.get(format!("{api}/integrations/1::slack"))
                .header("authorization", &auth),
        )
        .await;
        spec.check("integration", status, &answer);
    }
    for status in [400, 404] {
        control.fail_next("update_integration", 1, status, None);
        let answer = Answer::to(patch("1::braze").json(&json!({}))).await;
        spec.check("update_integration", status, &answer);
    }

    // An expired token: 401.
    control.expire_all_tokens();
    let answer = Answer::to(
        http.get(format!("{api}/integrations/1::slack"))
            .header("authorization", &auth),
    )
    .await;
    spec.check("integration", 401, &answer);

    // logout
    let token = looker_token(&looker).await;
    let bearer = format!("Bearer {token}");
    for status in [400, 404, 429] {
        control.fail_next("logout", 1, status, None);
        let answer = Answer::to(
            http.delete(format!("{api}/logout"))
                .header("authorization", &bearer),
        )
        .await;
        spec.check("logout", status, &answer);
    }
    let answer = Answer::to(
        http.delete(format!("{api}/logout"))
            .header("authorization", &bearer),
    )
    .await;
    spec.check("logout", 204, &answer);
    let answer = Answer::to(
        http.delete(format!("{api}/logout"))
            .header("authorization", &bearer),
    )
    .await;
    spec.check("logout", 401, &answer);

    // Outside any operation.
    let answer = Answer::to(http.get(format!("{api}/nope"))).await;
    spec.check_error("unknown route", 404, &answer);
    let answer = Answer::to(http.get(format!("{}/", looker.base_url()))).await;
    spec.check_error("root", 404, &answer);
    let answer = Answer::to(http.put(format!("{api}/integrations"))).await;
    spec.check_error("wrong method", 405, &answer);

    spec.assert_all_exercised();
    // What the spec does not list, answered in the vendor's error shape.
    let undocumented: Vec<_> = spec.undocumented.iter().cloned().collect();
    assert_eq!(
        undocumented,
        vec![
            ("all_integrations".to_owned(), 401),
            ("all_integrations".to_owned(), 500),
            ("all_integrations".to_owned(), 503),
            ("integration".to_owned(), 401),
            ("logout".to_owned(), 401),
            ("update_integration".to_owned(), 413),
        ]
    );
}

#[tokio::test]
async fn torq_answers_match_the_spec() {
    let mut spec = Spec::load("torq.json", "torq", "rpcStatus");
    let torq = TorqFake::start(TorqSeed::demo()).await.expect("started");
    let control = torq.control();
    let http = client();
    let list = format!("{}/v1alpha/integrations", torq.base_url());

    // create_token
    let answer = Answer::to(
        http.post(torq.token_url())
            .basic_auth(torq.client_id(), Some(torq.client_secret()))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    spec.check("create_token", 200, &answer);
    assert_eq!(answer.json["expires_in"], 3600);
    let answer = Answer::to(
        http.post(torq.token_url())
            .basic_auth(torq.client_id(), Some("wrong"))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await;
    spec.check("create_token", 401, &answer);
    let answer = Answer::to(
        http.post(torq.token_url())
            .basic_auth(torq.client_id(), Some(torq.client_secret()))
            .form(&[("grant_type", "password")]),
    )
    .await;
    spec.check("create_token", 400, &answer);

    // list_integrations
    let token = torq_token(&torq).await;
    let bearer = format!("Bearer {token}");
    for query in ["", "?type_id=webhook", "?type_id=nothing-of-this-type"] {
        let answer = Answer::to(
            http.get(format!("{list}{query}"))
                .header("authorization", &bearer),
        )
        .await;
        spec.check("list_integrations", 200, &answer);
    }
    let answer = Answer::to(http.get(&list)).await;
    spec.check("list_integrations", 401, &answer);
    let answer = Answer::to(http.get(&list).header("authorization", "Bearer invented")).await;
    spec.check("list_integrations", 401, &answer);
    assert_eq!(answer.json["code"], 16);
    control.fail_next("list_integrations", 1, 403, None);
    let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
    spec.check("list_integrations", 403, &answer);
    for status in [429, 500, 502, 503] {
        control.fail_next("list_integrations", 1, status, None);
        let answer = Answer::to(http.get(&list).header("authorization", &bearer)).await;
        spec.check("list_integrations", status, &answer);
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

    let answer = Answer::to(http.get(format!("{}/v1alpha/nope", torq.base_url()))).await;
    spec.check_error("unknown route", 404, &answer);
    let answer = Answer::to(http.delete(&list)).await;
    spec.check_error("wrong method", 405, &answer);

    spec.assert_all_exercised();
    let undocumented: Vec<_> = spec.undocumented.iter().cloned().collect();
    assert_eq!(
        undocumented,
        vec![
            ("create_token".to_owned(), 400),
            ("create_token".to_owned(), 401)
        ]
    );
}
