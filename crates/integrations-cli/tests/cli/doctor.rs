//! `doctor`: against fakes this test seeds itself (so that every problem is known and the
//! outputs are snapshots), and in `--demo` for what main's demo data is known to hold.

use serde_json::json;

use crate::common::{cli, demo, redact_ports};
use crate::seeded::seeded;

/// The kind of each problem of a `doctor --json` document, in its order.
fn problem_kinds(doc: &serde_json::Value) -> Vec<&str> {
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["problem"].as_str().unwrap())
        .collect()
}

#[test]
fn doctor_reports_each_problem_of_enabled_integrations_and_exits_12() {
    let fakes = seeded();
    let run = cli(&["doctor"]).envs(fakes.env()).code(12);
    assert_eq!(
        run.stderr,
        "error: 4 problems in 4 integrations across 1 provider (no checks for torq)\n"
    );
    for id in [
        "looker:1::keyless",
        "looker:2::alert",
        "looker:2::ticket",
        "looker:3::export",
    ] {
        assert!(run.stdout.contains(id), "{id} is reported:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("_off") && !run.stdout.contains("::off"));
    assert!(!run.stdout.contains("from_attribute") && !run.stdout.contains("::fine"));
    snapshot!("doctor_table", run.stdout);
    assert_eq!(
        fakes.looker().requests("get_integration_hub_health"),
        3,
        "one health check per hub in use, not per integration"
    );
    assert_eq!(fakes.looker().requests("test_integration"), 0);
}

#[test]
fn doctor_json_matches_its_schema() {
    let fakes = seeded();
    let run = cli(&["doctor", "--json"]).envs(fakes.env()).code(12);
    let doc = run.valid_json("doctor");
    assert_eq!(
        problem_kinds(&doc),
        [
            "required_parameter_unset",
            "hub_unhealthy",
            "hub_unhealthy",
            "agreement_pending"
        ]
    );
    assert_eq!(doc["problems"][0]["parameter"], "key");
    assert_eq!(doc["problems"][1]["hub"], "2");
    assert_eq!(doc["providers"][0]["checked"], 6);
    assert_eq!(doc["providers"][1]["checks"], json!([]));
    snapshot!("doctor_json", run.stdout);
}

#[test]
fn doctor_test_runs_the_vendors_test_of_each_enabled_integration() {
    let fakes = seeded();
    let run = cli(&["doctor", "--test"]).envs(fakes.env()).code(12);
    assert_eq!(
        run.stderr,
        "error: 5 problems in 4 integrations across 1 provider (no checks for torq)\n"
    );
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("test failed"))
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert!(failed[0].contains("looker:1::keyless"), "{}", failed[0]);
    assert_eq!(
        fakes.looker().requests("test_integration"),
        6,
        "the enabled ones only"
    );
}

#[test]
fn fixing_every_problem_makes_doctor_pass() {
    let fakes = seeded();
    let looker = &fakes.servers.looker;
    cli(&["hubs", "accept-agreement", "3", "-q"])
        .envs(fakes.env())
        .ok();
    assert!(looker.set_hub_health("2", Ok(())));
    cli(&["set-param", "looker:1::keyless", "key", "-", "-q"])
        .envs(fakes.env())
        .stdin("k-6\n")
        .ok();
    let run = cli(&["doctor", "--test"]).envs(fakes.env()).code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "no problems found: checked 6 integrations of 2 providers (no checks for torq)\n"
    );
    let json = cli(&["doctor", "--json"]).envs(fakes.env()).ok();
    assert_eq!(json.json()["problems"], json!([]));
}

#[test]
fn a_provider_that_cannot_list_is_reported_as_list_does() {
    let fakes = seeded();
    let run = fakes.run_without_torq_listing(&["doctor"]);
    assert_eq!(
        run.stdout.lines().count(),
        1 + 4,
        "the Looker problems are printed"
    );
    let stderr = redact_ports(&run.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert_eq!(lines[0], "4 problems in 4 integrations across 1 provider");
    assert!(
        lines[1].starts_with("error: torq@127.0.0.1: torq list: "),
        "{stderr}"
    );

    let json = fakes.run_without_torq_listing(&["doctor", "--json"]);
    let doc = json.valid_json("doctor");
    assert_eq!(doc["failures"][0]["provider"], "torq@127.0.0.1");
    assert_eq!(doc["failures"][0]["error"]["exit_code"], 7);
    assert_eq!(doc["problems"].as_array().unwrap().len(), 4);

    // Hubs that cannot be listed: a failure too; the other checks still run.
    fakes
        .looker()
        .fail_next("all_integration_hubs", 20, 503, None);
    let run = cli(&["doctor", "--json"]).envs(fakes.env()).code(7);
    let doc = run.json();
    assert!(
        doc["failures"][0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("looker list hubs"),
        "{doc}"
    );
    assert_eq!(
        problem_kinds(&doc),
        ["required_parameter_unset", "hub_unhealthy", "hub_unhealthy"],
        "no agreement is known without the hubs"
    );
}

#[test]
fn a_check_that_cannot_be_made_is_a_problem_of_its_own() {
    let fakes = seeded();
    fakes
        .looker()
        .fail_next("get_integration_hub_health", 20, 503, None);
    let run = cli(&["doctor", "--json"]).envs(fakes.env()).code(12);
    let doc = run.json();
    let failed: Vec<&serde_json::Value> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["problem"] == "check_failed")
        .collect();
    assert!(!failed.is_empty(), "{doc}");
    assert!(
        failed
            .iter()
            .all(|p| p["detail"].as_str().unwrap().contains("looker hub health")),
        "{doc}"
    );
}

#[test]
fn doctor_in_demo_finds_the_pending_agreement_and_skips_disabled_integrations() {
    let run = demo(&["doctor", "--json"]).code(12);
    let doc = run.valid_json("doctor");
    let problems = doc["problems"].as_array().unwrap();
    for id in ["looker:3::datadog_event", "looker:3::amazon_s3_export"] {
        assert!(
            problems
                .iter()
                .any(|p| p["id"] == id && p["problem"] == "agreement_pending"),
            "{id}: {doc}"
        );
    }
    assert!(
        problems
            .iter()
            .all(|p| p["id"] != "looker:1::hubspot_contacts"),
        "a disabled integration is no problem"
    );
    let table = demo(&["doctor"]).code(12);
    assert!(table.stdout.starts_with("PROVIDER "), "{}", table.stdout);
    assert!(
        table.stderr.ends_with(" (no checks for torq)\n"),
        "{}",
        table.stderr
    );
    let torq = demo(&["--provider", "demo-torq", "doctor"]).code(0);
    assert_eq!(
        torq.stderr,
        "no problems found: checked 0 integrations of 1 provider (no checks for torq)\n"
    );
}
