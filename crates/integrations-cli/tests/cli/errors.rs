//! Every exit code, each with its one-line message on stderr.

use crate::common::{Fakes, cli, demo, redact_ports};

#[test]
fn usage_errors_exit_2() {
    cli(&["get", "slack"])
        .code(2)
        .stderr_starts("error: invalid value 'slack' for '<ID>': invalid integration id `slack`");
    cli(&["frobnicate"]).code(2);
    cli(&["--json", "--quiet", "list"]).code(2);
    let run = demo(&["--provider", "prod", "list"]).code(2);
    assert_eq!(
        run.stderr,
        "error: no provider is named `prod` (configured: demo-looker, demo-torq)\n"
    );
    let run = demo(&["--provider", "demo-torq", "get", "looker:1::slack"]).code(2);
    assert_eq!(
        run.stderr,
        "error: `looker:1::slack` is a looker id, but --provider names no looker provider\n"
    );
}

#[test]
fn refused_credentials_exit_3() {
    let fakes = Fakes::start();
    let run = cli(&["get", "looker:1::slack"])
        .envs(fakes.looker_env())
        .env("LOOKERSDK_CLIENT_SECRET", "wrong-secret")
        .code(3);
    assert_eq!(
        run.stderr,
        "error: looker@127.0.0.1: looker login: unauthorized: the client id or client secret was refused\n"
    );
    let run = cli(&["list"])
        .envs(fakes.torq_env())
        .env("TORQ_CLIENT_SECRET", "wrong-secret")
        .code(3)
        .stderr_starts("error: torq@127.0.0.1: torq login: unauthorized");
    assert!(!run.all().contains("wrong-secret"));

    fakes.looker().fail_next("integration", 1, 403, None);
    cli(&["get", "looker:1::slack"])
        .envs(fakes.looker_env())
        .code(3)
        .stderr_has("looker get: forbidden");
}

#[test]
fn missing_integrations_exit_4() {
    let run = demo(&["get", "looker:1::nope"]).code(4);
    assert_eq!(
        run.stderr,
        "error: demo-looker: looker get: integration `1::nope` not found\n"
    );
    let run = demo(&["get", "torq:00000000-0000-4000-8000-000000000000"]).code(4);
    assert_eq!(
        run.stderr,
        "error: demo-torq: torq get: integration `00000000-0000-4000-8000-000000000000` not found\n"
    );
    demo(&["enable", "looker:9::ghost"]).code(4);
}

#[test]
fn rejected_changes_exit_5_with_each_field() {
    let run = demo(&["set-param", "looker:1::twilio", "nope", "x"]).code(5);
    assert_eq!(run.stdout, "");
    snapshot!("validation_stderr", run.stderr);
}

#[test]
fn operations_a_vendor_lacks_exit_6() {
    let splunk = "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb";
    for (command, operation) in [
        (&["enable", splunk][..], "update"),
        (&["disable", splunk], "update"),
        (&["set-param", splunk, "a", "b"], "update"),
        (&["clear-param", splunk, "a"], "update"),
        (&["test", splunk], "test"),
    ] {
        let mut args = vec!["--demo"];
        args.extend_from_slice(command);
        let run = cli(&args).code(6);
        assert_eq!(
            run.stderr,
            format!("error: demo-torq: torq does not support {operation}\n")
        );
    }
}

#[test]
fn unreachable_vendors_exit_7() {
    let fakes = Fakes::start();
    fakes.servers.looker.control().drop_next("integration", 10);
    let run = cli(&["get", "looker:1::slack"])
        .envs(fakes.looker_env())
        .code(7)
        .stderr_starts("error: looker@127.0.0.1: looker get: transport error: ");
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);

    fakes
        .looker()
        .fail_next("test_integration", 10, 429, Some(0));
    cli(&["test", "looker:1::slack"])
        .envs(fakes.looker_env())
        .code(7)
        .stderr_has("looker test: rate limited");

    cli(&["list", "--vendor", "looker"])
        .envs(fakes.looker_env())
        .env("LOOKERSDK_BASE_URL", "http://127.0.0.1:9")
        .code(7)
        .stderr_has("looker login: transport error");
}

#[test]
fn a_partial_listing_prints_the_rows_then_each_failure_and_exits_7() {
    let fakes = Fakes::start();
    let run = fakes.run_without_torq_listing(&["list"]);
    assert_eq!(
        run.stdout.lines().count(),
        1 + 18,
        "the Looker rows are printed"
    );
    assert!(run.stdout.lines().skip(1).all(|l| l.starts_with("looker:")));
    snapshot!("partial_list_stderr", redact_ports(&run.stderr));

    let json = fakes.run_without_torq_listing(&["list", "--json"]);
    let doc = json.valid_json("list");
    assert_eq!(doc["integrations"].as_array().unwrap().len(), 18);
    assert_eq!(doc["failures"][0]["provider"], "torq@127.0.0.1");
    assert_eq!(doc["failures"][0]["error"]["kind"], "transport");
    assert_eq!(doc["failures"][0]["error"]["exit_code"], 7);
}

#[test]
fn failures_of_different_kinds_exit_7_and_of_one_kind_with_its_code() {
    let fakes = Fakes::start();
    let wrong = |k: &str| !k.ends_with("CLIENT_SECRET");
    let env: Vec<_> = fakes.env().into_iter().filter(|(k, _)| wrong(k)).collect();
    let run = cli(&["list"])
        .envs(env.clone())
        .env("LOOKERSDK_CLIENT_SECRET", "bad")
        .env("TORQ_CLIENT_SECRET", "bad")
        .code(3);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");

    fakes.torq().fail_next("list_integrations", 20, 503, None);
    let run = cli(&["list"])
        .envs(fakes.env())
        .env("LOOKERSDK_CLIENT_SECRET", "bad")
        .code(7);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
}

#[test]
fn configuration_errors_exit_8() {
    let run = cli(&["list"]).code(8);
    snapshot!("no_provider_stderr", run.stderr);

    cli(&["get", "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb"])
        .env("LOOKERSDK_BASE_URL", "https://acme.cloud.looker.com")
        .env("LOOKERSDK_CLIENT_ID", "id")
        .env("LOOKERSDK_CLIENT_SECRET", "secret")
        .code(8)
        .stderr_starts("error: no torq provider is configured: set TORQ_CLIENT_ID");

    let run = cli(&["list"])
        .env("LOOKERSDK_BASE_URL", "http://acme.cloud.looker.com")
        .code(8);
    assert_eq!(
        run.stderr,
        "error: looker configuration: LOOKERSDK_BASE_URL: `http://acme.cloud.looker.com` uses plain http to a non-loopback host; use https\n"
    );

    cli(&["--config", "/nonexistent/integrations.toml", "list"])
        .code(8)
        .stderr_starts("error: config file /nonexistent/integrations.toml: ");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_integrations"))
        .args(["--demo", "list", "--json-lines"])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
