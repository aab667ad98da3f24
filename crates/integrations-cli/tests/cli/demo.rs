//! `--demo`: every command against the fakes the binary starts itself, outputs as snapshots.

use crate::common::{assert_matches, assert_valid, cli, demo, validator};

const TWILIO: &str = "looker:1::twilio";
const SPLUNK: &str = "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb";

#[test]
fn list_prints_every_provider_in_one_table() {
    let run = demo(&["list"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 18 + 13,
        "header, 18 Looker and 13 Torq integrations"
    );
    assert!(lines[0].starts_with("ID "));
    snapshot!("list_table", run.stdout);
}

#[test]
fn the_readmes_show_the_real_output_of_their_first_command() {
    let run = demo(&["list"]).ok();
    for (name, readme) in [
        (
            "crates/integrations-cli/README.md",
            include_str!("../../README.md"),
        ),
        ("README.md", include_str!("../../../../README.md")),
    ] {
        let (_, after) = readme
            .split_once("$ integrations --demo list\n")
            .unwrap_or_else(|| panic!("{name} shows `integrations --demo list`"));
        let (shown, _) = after.split_once("```").expect("the output block ends");
        assert_eq!(
            shown, run.stdout,
            "{name} is out of date: paste the new output"
        );
    }
}

#[test]
fn list_filters_by_vendor_and_kind() {
    let run = demo(&["list", "--vendor", "looker", "--kind", "2"]).ok();
    assert!(
        run.stdout
            .lines()
            .skip(1)
            .all(|l| l.starts_with("looker:2::"))
    );
    snapshot!("list_looker_kind_2", run.stdout);
    let torq = demo(&["list", "--vendor", "torq", "--kind", "webhook"]).ok();
    assert_eq!(torq.stdout.lines().count(), 3, "{}", torq.stdout);
    let none = demo(&["list", "--kind", "no-such-kind"]).code(0);
    assert_eq!(none.stdout, "");
    assert_eq!(none.stderr, "no integrations\n");
}

#[test]
fn list_json_is_one_document_matching_its_schema() {
    let run = demo(&["list", "--json", "--kind", "3"]).ok();
    let doc = run.json();
    assert_valid("list", &doc);
    assert_eq!(doc["integrations"].as_array().unwrap().len(), 2);
    assert_eq!(doc["failures"], serde_json::json!([]));
    snapshot!("list_json_looker_kind_3", run.stdout);

    let torq = demo(&["--json", "list", "--vendor", "torq", "--kind", "webhook"]).ok();
    assert_valid("list", &torq.json());
    snapshot!("list_json_torq_webhooks", torq.stdout);
}

#[test]
fn list_json_lines_prints_one_integration_document_per_line() {
    let run = demo(&["list", "--json-lines"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 31);
    let schema = validator("integration");
    for line in &lines {
        let doc: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert_matches(&schema, &doc);
    }
    let kind3 = demo(&["list", "--json-lines", "--kind", "3"]).ok();
    snapshot!("list_json_lines_kind_3", kind3.stdout);
}

#[test]
fn list_quiet_prints_only_ids() {
    let run = demo(&["list", "-q", "--vendor", "torq"]).ok();
    snapshot!("list_quiet_torq", run.stdout);
}

#[test]
fn get_shows_parameters_with_secrets_masked() {
    let run = demo(&["get", TWILIO]).ok();
    assert!(
        run.stdout.contains("authToken   yes  ••••"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("tw_auth_"));
    snapshot!("get_looker_table", run.stdout);

    let torq = demo(&["get", SPLUNK]).ok();
    snapshot!("get_torq_table", torq.stdout);
}

#[test]
fn get_json_matches_its_schema() {
    let run = demo(&["get", TWILIO, "--json"]).ok();
    let doc = run.json();
    assert_valid("integration", &doc);
    assert_eq!(doc["parameters"][1]["name"], "authToken");
    assert_eq!(doc["parameters"][1]["has_value"], true);
    assert_eq!(doc["parameters"][1]["value"], serde_json::Value::Null);
    snapshot!("get_looker_json", run.stdout);

    let torq = demo(&["get", SPLUNK, "--json"]).ok();
    assert_valid("integration", &torq.json());
    snapshot!("get_torq_json", torq.stdout);
}

#[test]
fn get_quiet_prints_nothing_and_tells_by_its_exit_code() {
    let run = demo(&["-q", "get", TWILIO]).ok();
    assert_eq!(run.stdout, "");
    let missing = demo(&["-q", "get", "looker:1::nope"]).code(4);
    assert_eq!(missing.stdout, "");
    assert_eq!(
        missing.stderr,
        "error: demo-looker: looker get: integration `1::nope` not found\n"
    );
}

#[test]
fn enable_and_disable_print_the_changed_integration() {
    let run = demo(&["disable", "looker:1::slack"]).ok();
    assert!(run.stdout.contains("ENABLED      no\n"), "{}", run.stdout);
    snapshot!("disable_table", run.stdout);

    let run = demo(&["enable", "looker:1::dropbox", "--json"]).ok();
    let doc = run.json();
    assert_valid("integration", &doc);
    assert_eq!(doc["enabled"], true);
    assert_eq!(doc["raw"]["enabled"], true);

    let quiet = demo(&["enable", "looker:1::dropbox", "-q"]).ok();
    assert_eq!(quiet.stdout, "");
}

#[test]
fn set_param_reads_a_secret_from_stdin_and_shows_it_masked() {
    let run = demo(&[
        "set-param",
        "looker:1::hubspot_contacts",
        "hubspot_api_key",
        "-",
    ])
    .stdin("pat-na1-0123456789abcdef\n")
    .ok();
    assert!(!run.stdout.contains("pat-na1"));
    assert!(
        run.stdout.contains("hubspot_api_key  yes  ••••"),
        "{}",
        run.stdout
    );
    snapshot!("set_param_stdin_table", run.stdout);
}

#[test]
fn set_param_on_the_command_line_sets_plain_values_and_warns_for_secrets() {
    let run = demo(&["set-param", TWILIO, "from", "+15005550009", "--json"]).ok();
    let doc = run.json();
    assert_valid("integration", &doc);
    assert_eq!(doc["parameters"][2]["value"], "+15005550009");

    let run = demo(&["set-param", TWILIO, "authToken", "tw_new_token"]).code(0);
    assert!(!run.all().contains("tw_new_token"));
    snapshot!("set_param_secret_on_command_line_stderr", run.stderr);

    let quiet = demo(&["-q", "set-param", TWILIO, "authToken", "tw_new_token"]).ok();
    assert_eq!(quiet.stdout, "", "--quiet silences the warning too");

    let hyphen = demo(&["set-param", TWILIO, "from", "-15005550006", "--json"]).ok();
    assert_eq!(hyphen.json()["parameters"][2]["value"], "-15005550006");

    let empty = demo(&["set-param", TWILIO, "from", "-"])
        .stdin("\n")
        .code(2);
    assert_eq!(
        empty.stderr,
        "error: the value of `from` is empty; to remove a value use `clear-param`\n"
    );
}

#[test]
fn clear_param_removes_a_value() {
    let run = demo(&["clear-param", TWILIO, "from"]).ok();
    assert!(run.stdout.contains("from        no   -"), "{}", run.stdout);
    snapshot!("clear_param_table", run.stdout);
}

#[test]
fn test_reports_passes_and_failures_with_distinct_exit_codes() {
    let passed = demo(&["test", "looker:1::segment_event"]).ok();
    snapshot!("test_passed_table", passed.stdout);

    let failed = demo(&["test", "looker:1::hubspot_contacts"]).code(9);
    snapshot!("test_failed_table", failed.stdout);
    assert_eq!(
        failed.stderr,
        "error: demo-looker: looker:1::hubspot_contacts: test failed: Missing required parameter(s): HubSpot API Key.\n"
    );

    let json = demo(&["test", "looker:1::slack", "--json"]).ok();
    let doc = json.json();
    assert_valid("test", &doc);
    assert_eq!(doc["success"], true);
    snapshot!("test_json", json.stdout);
}

#[test]
fn capabilities_show_what_each_provider_can_do() {
    let run = demo(&["capabilities"]).ok();
    snapshot!("capabilities_table", run.stdout);
    let json = demo(&["capabilities", "--json"]).ok();
    let doc = json.json();
    assert_valid("capabilities", &doc);
    assert_eq!(doc["providers"][1]["capabilities"]["update"], false);
    snapshot!("capabilities_json", json.stdout);
}

#[test]
fn provider_narrows_a_listing() {
    let run = demo(&["--provider", "demo-torq", "list", "-q"]).ok();
    assert_eq!(run.stdout.lines().count(), 13);
    assert!(run.stdout.lines().all(|l| l.starts_with("torq:")));
}

#[test]
fn schemas_of_every_document_are_stable() {
    for document in ["list", "integration", "test", "capabilities"] {
        let run = cli(&["schema", document]).ok();
        let schema = run.json();
        assert!(jsonschema::validator_for(&schema).is_ok(), "{document}");
        snapshot!(format!("schema_{document}"), run.stdout);
    }
}

#[test]
fn help_documents_the_commands_and_the_exit_codes() {
    let run = cli(&["--help"]).ok();
    for code in [
        "0  success",
        "2  usage",
        "3  authentication",
        "4  not found",
        "5  validation",
        "6  unsupported",
        "7  transport",
        "8  configuration",
        "9  test",
    ] {
        assert!(run.stdout.contains(code), "--help lacks `{code}`");
    }
    snapshot!("help", run.stdout);
    let short = cli(&["-h"]).ok();
    assert!(short.stdout.contains("Exit codes:"));
}

#[test]
fn user_attributes_can_be_bound_and_unbound() {
    let bound = demo(&["bind-param", TWILIO, "from", "sender_number", "--json"]).ok();
    let from = &bound.json()["parameters"][2];
    assert_eq!(from["name"], "from");
    assert_eq!(from["user_attribute"], "sender_number");

    let airtable = "looker:1::airtable";
    let before = demo(&["get", airtable, "--json"]).ok();
    assert_eq!(
        before.json()["parameters"][0]["user_attribute"],
        "airtable_api_key"
    );
    let unbound = demo(&["unbind-param", airtable, "airtable_api_key", "--json"]).ok();
    assert_eq!(
        unbound.json()["parameters"][0]["user_attribute"],
        serde_json::Value::Null,
        "an explicit null reached the fake and unbound it"
    );

    let blank = demo(&["bind-param", TWILIO, "from", " "]).code(2);
    assert!(blank.stderr.contains("unbind-param"), "{}", blank.stderr);
}

#[test]
fn delegate_oauth_targets_can_be_replaced_and_removed() {
    let slack = "looker:1::slack";
    let targets =
        |run: &crate::common::Run| run.json()["raw"]["installed_delegate_oauth_targets"].clone();
    let before = demo(&["get", slack, "--json"]).ok();
    assert_eq!(targets(&before), serde_json::json!(["T04ACME0001"]));
    let replaced = demo(&["set-oauth-targets", slack, "T1", "T2", "--json"]).ok();
    assert_eq!(targets(&replaced), serde_json::json!(["T1", "T2"]));
    let removed = demo(&["set-oauth-targets", slack, "--json"]).ok();
    // The read model leaves an empty list out: either way, no target is left.
    let left = targets(&removed);
    assert!(left.is_null() || left == serde_json::json!([]), "{left}");
}
