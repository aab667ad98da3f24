//! Configuration from the vendors' variables, `looker.ini`, a config file and flags, against
//! fakes this test runs (so that it can inspect and script them).

use std::time::Duration;

use crate::common::{Fakes, cli, write};

/// How long the Looker fake takes to test an integration in the timeout tests: longer than
/// any timeout they give.
const SLOW_TEST: Duration = Duration::from_secs(3);

#[test]
fn the_vendors_variables_configure_each_vendor_present() {
    let fakes = Fakes::start();
    let both = cli(&["capabilities"]).envs(fakes.env()).ok();
    snapshot!("environment_capabilities", both.stdout);

    let looker_only = cli(&["list", "-q"]).envs(fakes.looker_env()).ok();
    assert_eq!(looker_only.stdout.lines().count(), 18);
    assert!(looker_only.stdout.lines().all(|l| l.starts_with("looker:")));

    let torq_only = cli(&["list", "-q"]).envs(fakes.torq_env()).ok();
    assert_eq!(torq_only.stdout.lines().count(), 13);
}

#[test]
fn looker_ini_in_the_working_directory_is_read_and_variables_win() {
    let fakes = Fakes::start();
    let dir = tempfile::tempdir().unwrap();
    let looker = &fakes.servers.looker;
    std::fs::write(
        dir.path().join("looker.ini"),
        format!(
            "[Looker]\nbase_url={}\nclient_id={}\nclient_secret=wrong-secret\nverify_ssl=False\n",
            looker.base_url(),
            looker.client_id()
        ),
    )
    .unwrap();
    cli(&["get", "looker:1::slack", "-q"])
        .dir(dir.path())
        .code(3)
        .stderr_has("looker login: unauthorized");
    cli(&["get", "looker:1::slack", "-q"])
        .dir(dir.path())
        .env("LOOKERSDK_CLIENT_SECRET", looker.client_secret())
        .ok();
}

#[test]
fn flags_override_the_variables() {
    let fakes = Fakes::start();
    let run = cli(&[
        "--looker-base-url",
        &fakes.servers.looker.base_url(),
        "get",
        "looker:1::slack",
        "-q",
    ])
    .envs(fakes.looker_env())
    .env("LOOKERSDK_BASE_URL", "http://127.0.0.1:9")
    .run();
    run.ok();
    cli(&[
        "--looker-client-id",
        "someone-else",
        "get",
        "looker:1::slack",
    ])
    .envs(fakes.looker_env())
    .code(3)
    .stderr_has("looker login: unauthorized");
}

/// The shapes of the config file: one `[[provider]]` array naming each vendor, and the older
/// one array per vendor.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Providers,
    PerVendor,
}

fn config_file(fakes: &Fakes, shape: Shape) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let looker = &fakes.servers.looker;
    let torq = &fakes.servers.torq;
    let header = |vendor: &str| match shape {
        Shape::Providers => format!("[[provider]]\nvendor = \"{vendor}\""),
        Shape::PerVendor => format!("[[{vendor}]]"),
    };
    let text = format!(
        r#"
{looker_header}
name = "prod"
base_url = "{looker_url}"
client_id = "{looker_id}"
client_secret_env = "PROD_LOOKER_SECRET"

{looker_header}
name = "staging"
base_url = "{looker_url}"
client_id = "{looker_id}"
client_secret_env = "PROD_LOOKER_SECRET"
timeout = 30

{torq_header}
name = "soc"
base_url = "{torq_url}"
auth_url = "{torq_auth}"
client_id = "{torq_id}"
client_secret_env = "SOC_TORQ_SECRET"
"#,
        looker_header = header("looker"),
        torq_header = header("torq"),
        looker_url = looker.base_url(),
        looker_id = looker.client_id(),
        torq_url = torq.base_url(),
        torq_auth = torq.auth_url(),
        torq_id = torq.client_id(),
    );
    let path = write(dir.path(), "integrations.toml", &text);
    (dir, path)
}

/// The secrets the config files of [`config_file`] name by variable.
fn secrets(fakes: &Fakes) -> [(&'static str, String); 2] {
    [
        (
            "PROD_LOOKER_SECRET",
            fakes.servers.looker.client_secret().to_owned(),
        ),
        (
            "SOC_TORQ_SECRET",
            fakes.servers.torq.client_secret().to_owned(),
        ),
    ]
}

#[test]
fn both_shapes_of_the_config_file_give_the_same_providers() {
    let fakes = Fakes::start();
    // The shape, and where it says the Torq provider's variable is missing.
    for (shape, place) in [
        (Shape::Providers, "line 23, column 21: [[provider]] `soc`"),
        (Shape::PerVendor, "line 20, column 21: [[torq]] `soc`"),
    ] {
        let (_dir, path) = config_file(&fakes, shape);
        let caps = cli(&["--config", &path, "capabilities"])
            .envs(secrets(&fakes))
            .ok();
        snapshot!("config_file_capabilities", caps.stdout);
        let list = cli(&["--config", &path, "list", "--kind", "3"])
            .envs(secrets(&fakes))
            .ok();
        snapshot!("config_file_list_kind_3", list.stdout);
        let missing = cli(&["--config", &path, "list"])
            .env("PROD_LOOKER_SECRET", "x")
            .code(8);
        assert_eq!(
            missing.stderr,
            format!(
                "error: config file {path}: {place}: `client_secret_env`: the variable SOC_TORQ_SECRET is not set\n"
            )
        );
    }
}

#[test]
fn a_config_file_names_several_providers_and_provider_chooses_one() {
    let fakes = Fakes::start();
    let (_dir, path) = config_file(&fakes, Shape::Providers);
    let ambiguous = cli(&["--config", &path, "get", "looker:1::slack"])
        .envs(secrets(&fakes))
        .code(2);
    assert_eq!(
        ambiguous.stderr,
        "error: 2 looker providers are configured (prod, staging); choose one with --provider\n"
    );
    let chosen = cli(&[
        "--config",
        &path,
        "--provider",
        "staging",
        "get",
        "looker:1::slack",
        "--json",
    ])
    .envs(secrets(&fakes))
    .ok();
    assert_eq!(chosen.json()["provider"], "staging");

    let from_env = cli(&["list", "-q"])
        .env("INTEGRATIONS_CONFIG", &path)
        .envs(secrets(&fakes))
        .ok();
    assert_eq!(from_env.stdout.lines().count(), 18 + 18 + 13);
}

#[test]
fn any_client_option_and_any_key_from_a_variable_reach_the_provider() {
    let fakes = Fakes::start();
    let dir = tempfile::tempdir().unwrap();
    // A timeout of 1 s and a single attempt, against a test that takes 3 s.
    fakes.looker().delay("test_integration", SLOW_TEST);
    let text = format!(
        "[[provider]]\nvendor = \"looker\"\nname = \"prod\"\nbase_url_env = \"PROD_URL\"\nclient_id = \"{}\"\nclient_secret_env = \"PROD_SECRET\"\ntimeout = \"1s\"\nretry_max_attempts = 1\n",
        fakes.servers.looker.client_id()
    );
    let path = write(dir.path(), "integrations.toml", &text);
    cli(&["--config", &path, "test", "looker:1::slack"])
        .env("PROD_URL", fakes.servers.looker.base_url())
        .env("PROD_SECRET", fakes.servers.looker.client_secret())
        .code(7)
        .stderr_has("prod: looker test: timed out");

    write(
        dir.path(),
        "integrations.toml",
        "[[provider]]\nvendor = \"looker\"\nname = \"prod\"\nbase_url = \"https://a.io\"\nclient_id = \"i\"\nclient_secret = \"s\"\nmax_in_flihgt = 8\n",
    );
    cli(&["--config", &path, "list"])
        .code(8)
        .stderr_has("line 7, column 1: [[provider]] `prod`: unknown configuration key `max_in_flihgt`: expected one of")
        .stderr_has("max_in_flight");
}

#[test]
fn a_broken_config_file_is_one_line_without_its_values() {
    let dir = tempfile::tempdir().unwrap();
    for (text, at) in [
        (
            "[[provider]]\nvendor = \"looker\"\nname = \"prod\"\nclient_secret = \"inline-s3cret\"\nverify_ssl = [\"inline-s3cret\"]\n",
            "line 5, column 14: [[provider]] `prod`: `verify_ssl` must be a string, a number or a boolean",
        ),
        (
            "[[provider]]\nvendor = \"looker\"\nname = \"prod\"\nclient_secret = \"inline-s3cret\nverify_ssl = true\n",
            "line 4, column ",
        ),
        (
            "[[looker]]\nname = \"prod\"\nbase_url = \"https://a.io\"\nclient_id = \"i\"\nclient_secrte = \"inline-s3cret\"\n",
            "line 5, column 1: [[looker]] `prod`: unknown configuration key `client_secrte`",
        ),
    ] {
        let path = write(dir.path(), "broken.toml", text);
        let run = cli(&["--config", &path, "list"]).code(8).stderr_has(at);
        assert!(!run.all().contains("inline-s3cret"), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1);
    }
}

#[test]
fn a_refused_value_of_the_config_file_is_named_by_its_key_not_an_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "plain.toml",
        "[[provider]]\nvendor = \"torq\"\nname = \"soc\"\nbase_url = \"http://torq.example.com\"\nauth_url = \"https://auth.example.com\"\nclient_id = \"id\"\nclient_secret_env = \"SOC_SECRET\"\n",
    );
    let run = cli(&["--config", &path, "list"])
        .env("SOC_SECRET", "s3cret")
        .code(8);
    assert_eq!(
        run.stderr,
        "error: soc: torq configuration: config [[provider]] `soc` base_url: `http://torq.example.com` uses plain http to a non-loopback host; use https\n",
    );

    // A flag over the file's value: the error is the flag's, and the command line's (exit 2).
    let run = cli(&[
        "--config",
        &path,
        "--torq-base-url",
        "http://10.0.0.1",
        "list",
    ])
    .env("SOC_SECRET", "s3cret")
    .code(2)
    .stderr_has("--torq-base-url: `http://10.0.0.1` uses plain http");
    assert!(!run.stderr.contains("[[provider]]"), "{}", run.stderr);
}

#[test]
fn set_param_from_stdin_reaches_the_vendor_and_the_test_then_passes() {
    let fakes = Fakes::start();
    let hubspot = "looker:1::hubspot_contacts";
    cli(&["test", hubspot, "-q"])
        .envs(fakes.looker_env())
        .code(9);
    cli(&["set-param", hubspot, "hubspot_api_key", "-", "-q"])
        .envs(fakes.looker_env())
        .stdin("pat-na1-from-stdin\r\n")
        .ok();
    assert_eq!(
        fakes
            .looker_value("1::hubspot_contacts", "hubspot_api_key")
            .as_deref(),
        Some("pat-na1-from-stdin"),
        "the value arrives without its line ending"
    );
    cli(&["test", hubspot, "-q"]).envs(fakes.looker_env()).ok();
    cli(&["clear-param", hubspot, "hubspot_api_key", "-q"])
        .envs(fakes.looker_env())
        .ok();
    assert_eq!(
        fakes.looker_value("1::hubspot_contacts", "hubspot_api_key"),
        None
    );
}

#[test]
fn enable_and_disable_change_the_vendor_state() {
    let fakes = Fakes::start();
    for (command, enabled) in [("disable", false), ("enable", true)] {
        cli(&[command, "looker:1::slack", "-q"])
            .envs(fakes.looker_env())
            .ok();
        let stored = fakes.servers.looker.integration("1::slack").unwrap();
        assert_eq!(stored.enabled, Some(enabled), "{command}");
    }
}

#[test]
fn a_slow_fan_out_off_a_terminal_prints_no_progress() {
    let fakes = Fakes::start();
    let slow = Duration::from_millis(800);
    fakes.torq().delay("list_integrations", slow);
    let run = cli(&["list"]).envs(fakes.env()).ok();
    assert_eq!(run.stdout.lines().count(), 1 + 18 + 13);
}

#[test]
fn timeout_applies_to_every_provider() {
    let fakes = Fakes::start();
    fakes.looker().delay("test_integration", SLOW_TEST);
    for timeout in ["1", "800ms"] {
        cli(&["--timeout", timeout, "test", "looker:1::slack"])
            .envs(fakes.looker_env())
            .code(7)
            .stderr_has("looker test: timed out");
    }
    let run = cli(&["--timeout", "0", "test", "looker:1::slack"])
        .envs(fakes.looker_env())
        .code(2);
    assert_eq!(
        run.stderr,
        "error: looker configuration: --timeout: `0` is not a positive duration (seconds, or a number with a unit: 500ms, 2m)\n"
    );
}

/// On a terminal (a pseudo-terminal from `script`), a slow `list` shows its progress on stderr
/// and clears it before the table. Skipped where `script` (util-linux) is missing.
#[test]
fn a_slow_fan_out_on_a_terminal_shows_progress_then_the_rows() {
    let Some(script) = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        eprintln!("skipped: no `script` to run the binary on a terminal");
        return;
    };
    let fakes = Fakes::start();
    let slow = Duration::from_millis(1500);
    fakes.torq().delay("list_integrations", slow);
    let command = format!(
        "{} list --vendor torq --kind webhook",
        env!("CARGO_BIN_EXE_integrations")
    );
    let output = std::process::Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .envs(fakes.env())
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{screen}");
    assert!(
        screen.contains("listing 0/1 providers"),
        "no progress shown: {screen:?}"
    );
    let table = screen.rfind("ID ").expect("the table follows");
    assert!(screen[table..].contains("Splunk alerts"), "{screen:?}");
    assert!(
        !screen[table..].contains("listing"),
        "the spinner is cleared before the rows"
    );
}
