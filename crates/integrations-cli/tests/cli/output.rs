//! How `list` writes what it gets: tables aligned by display width, and documents written
//! provider by provider in the configured order.

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
        .servers
        .torq
        .control()
        .answer_once(
            "list_integrations",
            RawAnswer::new(200)
                .header("Content-Type", "application/json")
                .body(WIDE),
        )
        .unwrap();
    let run = cli(&["list"]).envs(fakes.torq_env()).run().ok();
    assert_eq!(
        run.stdout,
        "\
ID                                         NAME              KIND     ENABLED  PROVIDER
torq:d7639fb8-8037-4ce2-80e9-c50bc3345c5a  東京チーム通知    slack    -        torq@127.0.0.1
torq:0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9  🚀 Launch alerts  webhook  -        torq@127.0.0.1
"
    );
}

#[test]
fn rust_log_says_what_is_logged_and_the_verbose_flags_are_its_fallback() {
    let quiet = cli(&["--demo", "list", "-q", "--vendor", "torq"])
        .run()
        .ok();
    assert_eq!(quiet.stdout.lines().count(), 13);

    let asked = cli(&["--demo", "list", "-q", "--vendor", "torq"])
        .env("RUST_LOG", "integrations=debug")
        .run()
        .code(0);
    assert!(
        asked.stderr.contains("integrations.call"),
        "{}",
        asked.stderr
    );
    assert!(!asked.stderr.contains("hyper_util"), "{}", asked.stderr);

    // RUST_LOG wins over -v.
    let run = cli(&["--demo", "-v", "list", "-q", "--vendor", "torq"])
        .env("RUST_LOG", "warn")
        .run()
        .ok();
    assert_eq!(run.stdout.lines().count(), 13);

    // A filter that does not parse: a warning, then -v's logs.
    let run = cli(&["--demo", "-v", "list", "-q", "--vendor", "torq"])
        .env("RUST_LOG", "integrations=loud")
        .run()
        .code(0);
    assert!(
        run.stderr.contains("RUST_LOG is not a filter"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("integrations.call"), "{}", run.stderr);
}
