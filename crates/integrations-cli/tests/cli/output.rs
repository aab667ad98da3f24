//! How `list` writes what it gets: tables aligned by display width, and documents written
//! provider by provider in the configured order.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use integrations_fake::RawAnswer;

use crate::common::{Fakes, cli};

/// A Torq listing of two integrations with wide names.
const WIDE: &str = r#"{"integrations": [
  {"id": "d7639fb8-8037-4ce2-80e9-c50bc3345c5a", "display_name": "東京チーム通知", "type_id": "slack"},
  {"id": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "display_name": "🚀 Launch alerts", "type_id": "webhook"}
]}"#;

#[test]
fn tables_align_wide_names_by_their_display_width() {
    let fakes = Fakes::start();
    fakes
        .torq()
        .answer_once(
            "list_integrations",
            RawAnswer::new(200)
                .header("Content-Type", "application/json")
                .body(WIDE),
        )
        .unwrap();
    let run = cli(&["list"]).envs(fakes.torq_env()).ok();
    assert_eq!(
        run.stdout,
        "\
ID                                         NAME              KIND     ENABLED  PROVIDER
torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a  東京チーム通知    slack    -        torq@127.0.0.1
torq:0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9  🚀 Launch alerts  webhook  -        torq@127.0.0.1
"
    );
}

/// A `list` run with logs asked for by flags or `RUST_LOG`, and what stderr must hold or not.
struct Logs {
    flags: &'static [&'static str],
    rust_log: Option<&'static str>,
    present: &'static [&'static str],
    absent: &'static [&'static str],
}

#[test]
fn rust_log_says_what_is_logged_and_the_verbose_flags_are_its_fallback() {
    let cases = [
        Logs {
            flags: &[],
            rust_log: None,
            present: &[],
            absent: &["integrations.call"],
        },
        Logs {
            flags: &[],
            rust_log: Some("integrations=debug"),
            present: &["integrations.call"],
            absent: &["hyper_util"],
        },
        // RUST_LOG wins over -v.
        Logs {
            flags: &["-v"],
            rust_log: Some("warn"),
            present: &[],
            absent: &["integrations.call"],
        },
        // A filter that does not parse: a warning, then -v's logs.
        Logs {
            flags: &["-v"],
            rust_log: Some("integrations=loud"),
            present: &["RUST_LOG is not a filter", "integrations.call"],
            absent: &[],
        },
    ];
    for Logs {
        flags,
        rust_log,
        present,
        absent,
    } in cases
    {
        let mut args = vec!["--demo", "list", "-q", "--vendor", "torq"];
        args.extend(flags);
        let mut command = cli(&args);
        if let Some(filter) = rust_log {
            command = command.env("RUST_LOG", filter);
        }
        let mut run = command.code(0);
        assert_eq!(run.stdout.lines().count(), 13, "{rust_log:?}");
        for text in present {
            run = run.stderr_has(text);
        }
        for text in absent {
            assert!(!run.stderr.contains(text), "{rust_log:?}: {}", run.stderr);
        }
    }
}

#[test]
fn providers_are_written_in_the_configured_order_whichever_finishes_first() {
    let fakes = Fakes::start();
    // Looker, configured first, answers last.
    let late = Duration::from_millis(700);
    fakes.looker().delay("all_integrations", late);
    let run = cli(&["list", "--json-lines"]).envs(fakes.env()).ok();
    let providers: Vec<String> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["provider"].to_string())
        .collect();
    assert_eq!(providers.len(), 18 + 13);
    assert!(providers[..18].iter().all(|p| p.contains("looker@")));
    assert!(providers[18..].iter().all(|p| p.contains("torq@")));
}

#[test]
fn a_providers_integrations_are_written_before_a_slower_one_answers() {
    let fakes = Fakes::start();
    let slow = Duration::from_secs(3);
    fakes.torq().delay("list_integrations", slow);
    for format in ["--json-lines", "--json"] {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_integrations"))
            .args(["list", format])
            .env_clear()
            .envs(fakes.env())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        // Lines of the Looker provider's records (JSON: 10 per record is well within them),
        // read before Torq answers.
        let mut lines = 0;
        while lines < 18 * if format == "--json" { 10 } else { 1 } {
            first.clear();
            stdout.read_line(&mut first).unwrap();
            lines += 1;
        }
        let written = started.elapsed();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        assert!(child.wait().unwrap().success());
        let ended = started.elapsed();
        assert!(
            written + Duration::from_secs(1) < ended && ended >= slow,
            "{format}: Looker's records at {written:?}, the end at {ended:?}"
        );
        assert!(
            rest.contains("torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb"),
            "{format}"
        );
    }
}

/// An answer cut in the middle: the records that came whole are printed, in the document, and
/// the provider's failure is reported beside them (exit 10, a bad response).
#[test]
fn records_before_a_cut_answer_are_printed_with_its_failure() {
    let fakes = Fakes::start();
    let body = format!(
        r#"{{"integrations": [{}, {}"#,
        r#"{"id": "d7639fb8-8037-4ce2-80e9-c50bc3345c5a", "display_name": "Alerts"}"#,
        r#"{"id": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "display_na"#
    );
    fakes
        .torq()
        .answer_once(
            "list_integrations",
            RawAnswer::truncated(200, body, 4096).header("Content-Type", "application/json"),
        )
        .unwrap();
    let run = cli(&["list", "--json"]).envs(fakes.torq_env()).code(10);
    let document = run.json();
    let ids: Vec<&str> = document["integrations"]
        .as_array()
        .expect("integrations")
        .iter()
        .map(|i| i["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a"]);
    let failures = document["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 1, "{document}");
    assert_eq!(failures[0]["error"]["exit_code"], 10, "{document}");
}
