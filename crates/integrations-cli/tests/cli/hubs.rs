//! `hubs` and `form`, and the hub labels of `list`'s KIND column: in `--demo` (outputs as
//! snapshots) and against fakes this test runs (to read back what the vendor stored).

use std::path::Path;

use crate::common::{Fakes, assert_schemas_are_stable, cli, demo, redact_ports, write};
use crate::seeded::{HUB_2_TOKEN, seeded};

const TWILIO: &str = "looker:1::twilio";
const SPLUNK: &str = "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb";
/// A hub address the Looker fake knows: adding it gives "Example Action Hub".
const EXAMPLE_HUB: &str = "https://actions.example.com";
const HUB_TOKEN: &str = "hub-tok-never-printed-7Yq";

#[test]
fn hubs_list_shows_each_hub_without_its_token() {
    let fakes = seeded();
    let run = cli(&["hubs", "list"]).envs(fakes.env()).ok();
    let acme = run
        .stdout
        .lines()
        .find(|l| l.starts_with("2 "))
        .expect("hub 2 is listed");
    assert!(
        acme.contains("ACME actions") && acme.contains(" set "),
        "{acme}"
    );
    snapshot!("hubs_list_table", run.stdout);

    assert!(
        run.stdout
            .contains("could not reach https://broken.example")
    );
    let json = cli(&["hubs", "list", "--json", "-vv"])
        .envs(fakes.env())
        .code(0);
    assert!(!json.all().contains(HUB_2_TOKEN), "the token was printed");
    let doc = json.valid_json("hubs");
    assert_eq!(doc["provider"], "looker@127.0.0.1");
    assert_eq!(doc["hubs"][1]["has_authorization_token"], true);
    for hub in doc["hubs"].as_array().unwrap() {
        assert!(hub.get("authorization_token").is_none(), "{hub}");
    }
    snapshot!("hubs_list_json", json.stdout);

    let quiet = cli(&["hubs", "list", "-q"]).envs(fakes.env()).ok();
    assert_eq!(quiet.stdout, "1\n2\n3\n4\n");
}

#[test]
fn hubs_get_shows_a_pending_agreement_and_how_to_accept_it() {
    let run = demo(&["hubs", "get", "3"])
        .ok()
        .stdout_has("AGREEMENT       pending\n")
        .stdout_has("ACCEPT WITH     integrations hubs accept-agreement 3\n");
    snapshot!("hubs_get_table", run.stdout);

    let json = demo(&["hubs", "get", "3", "--json"]).ok();
    let doc = json.valid_json("hub");
    assert_eq!(doc["legal_agreement_required"], true);
    assert_eq!(doc["legal_agreement_signed"], false);
    snapshot!("hubs_get_json", json.stdout);

    demo(&["hubs", "get", "99"])
        .code(4)
        .stderr_has("looker get hub");
}

#[test]
fn hubs_accept_agreement_signs_it() {
    let run = demo(&["hubs", "accept-agreement", "3"])
        .ok()
        .stdout_has("AGREEMENT       accepted\n");
    assert!(!run.stdout.contains("ACCEPT WITH"));
    snapshot!("hubs_accept_agreement_table", run.stdout);

    let json = demo(&["hubs", "accept-agreement", "3", "--json"]).ok();
    let doc = json.valid_json("hub");
    assert_eq!(doc["legal_agreement_signed"], true);
    snapshot!("hubs_accept_agreement_json", json.stdout);
}

#[test]
fn hubs_health_reports_and_exits_12_when_unhealthy() {
    let run = demo(&["hubs", "health", "1"])
        .ok()
        .stdout_has("HEALTHY   yes\n");
    snapshot!("hubs_health_table", run.stdout);
    let json = demo(&["hubs", "health", "1", "--json"]).ok();
    let doc = json.valid_json("health");
    assert_eq!(doc["healthy"], true);
    snapshot!("hubs_health_json", json.stdout);

    let fakes = Fakes::start();
    assert!(
        fakes
            .servers
            .looker
            .set_hub_health("2", Err("the hub refused the connection".into()))
    );
    let sick = cli(&["hubs", "health", "2"])
        .envs(fakes.looker_env())
        .code(12)
        .stdout_has("HEALTHY   no\n");
    assert_eq!(
        sick.stderr,
        "error: looker@127.0.0.1: hub `2` is unhealthy: the hub refused the connection\n"
    );
    let json = cli(&["hubs", "health", "2", "--json"])
        .envs(fakes.looker_env())
        .code(12);
    let doc = json.valid_json("health");
    assert_eq!(doc["healthy"], false);
    assert_eq!(doc["message"], "the hub refused the connection");
}

#[test]
fn hubs_add_reads_its_token_from_stdin_and_never_prints_it() {
    let run = demo(&["hubs", "add", EXAMPLE_HUB, "--token", "-"])
        .stdin(format!("{HUB_TOKEN}\n"))
        .ok()
        .stdout_has("TOKEN      set\n");
    snapshot!("hubs_add_table", run.stdout);

    let fakes = Fakes::start();
    let json = cli(&["hubs", "add", EXAMPLE_HUB, "--token", "-", "--json", "-vv"])
        .envs(fakes.looker_env())
        .stdin(format!("{HUB_TOKEN}\n"))
        .code(0);
    assert!(!json.all().contains(HUB_TOKEN), "the token was printed");
    assert!(
        json.stderr.contains("integrations.call"),
        "-vv logs the calls"
    );
    let doc = json.valid_json("hub");
    assert_eq!(doc["label"], "Example Action Hub");
    assert_eq!(doc["has_authorization_token"], true);
    let id = doc["id"].as_str().unwrap();
    assert_eq!(
        fakes
            .servers
            .looker
            .integration_hub_authorization_token(id)
            .as_deref(),
        Some(HUB_TOKEN),
        "the token arrives without its line ending"
    );
    let body = fakes
        .servers
        .looker
        .last_request_body("create_integration_hub")
        .unwrap();
    assert_eq!(body["url"], EXAMPLE_HUB);

    let plain = demo(&["hubs", "add", EXAMPLE_HUB, "--json"]).ok();
    assert_eq!(plain.valid_json("hub")["has_authorization_token"], false);
    snapshot!("hubs_add_json", plain.stdout);
}

#[test]
fn a_token_on_the_command_line_is_refused_without_being_repeated() {
    for args in [
        &["--demo", "hubs", "add", EXAMPLE_HUB, "--token", HUB_TOKEN][..],
        &[
            "--demo",
            "hubs",
            "add",
            EXAMPLE_HUB,
            &format!("--token={HUB_TOKEN}"),
        ],
        &["--demo", "hubs", "update", "2", "--token", HUB_TOKEN],
    ] {
        let run = cli(args).code(2);
        assert!(!run.all().contains(HUB_TOKEN), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        snapshot!("hubs_token_on_command_line_stderr", run.stderr);
    }
    let empty = demo(&["hubs", "add", EXAMPLE_HUB, "--token", "-"])
        .stdin("\n")
        .code(2);
    assert!(empty.stderr.contains("the token on stdin is empty"));
}

#[test]
fn hubs_update_changes_the_url_and_the_token() {
    let fakes = Fakes::start();
    let looker = &fakes.servers.looker;
    let run = cli(&["hubs", "update", "2", "--token", "-", "-q"])
        .envs(fakes.looker_env())
        .stdin(HUB_TOKEN)
        .ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        looker.integration_hub_authorization_token("2").as_deref(),
        Some(HUB_TOKEN)
    );
    let removed = cli(&["hubs", "update", "2", "--remove-token", "--json"])
        .envs(fakes.looker_env())
        .ok();
    assert_eq!(removed.valid_json("hub")["has_authorization_token"], false);
    assert_eq!(looker.integration_hub_authorization_token("2"), None);

    cli(&["hubs", "update", "3", "--url", EXAMPLE_HUB])
        .envs(fakes.looker_env())
        .ok()
        .stdout_has(&format!("URL        {EXAMPLE_HUB}\n"));
    assert_eq!(
        looker.integration_hub("3").unwrap().url.as_deref(),
        Some(EXAMPLE_HUB)
    );

    let table = demo(&["hubs", "update", "2", "--remove-token"])
        .ok()
        .stdout_has("TOKEN      -\n");
    snapshot!("hubs_update_table", table.stdout);
    let json = demo(&["hubs", "update", "2", "--remove-token", "--json"]).ok();
    snapshot!("hubs_update_json", json.stdout);

    let nothing = demo(&["hubs", "update", "2"]).code(2);
    assert_eq!(
        nothing.stderr,
        "error: nothing to change: give --url URL, --token - or --remove-token\n"
    );
    demo(&["hubs", "update", "2", "--token", "-", "--remove-token"]).code(2);
}

#[test]
fn hubs_remove_removes_the_hub_and_names_it() {
    let run = demo(&["hubs", "remove", "2"]).ok();
    assert_eq!(
        run.stdout,
        "removed hub 2 (ACME actions) from demo-looker\n"
    );
    let json = demo(&["hubs", "remove", "2", "--json"]).ok();
    assert_eq!(json.valid_json("hub")["label"], "ACME actions");
    snapshot!("hubs_remove_table", run.stdout);
    snapshot!("hubs_remove_json", json.stdout);

    let fakes = Fakes::start();
    cli(&["hubs", "remove", "2", "-q"])
        .envs(fakes.looker_env())
        .ok();
    assert!(fakes.servers.looker.integration_hub("2").is_none());
    cli(&["hubs", "remove", "1"])
        .envs(fakes.looker_env())
        .code(5)
        .stderr_has("looker delete hub");
    assert!(fakes.servers.looker.integration_hub("1").is_some());
}

#[test]
fn hubs_on_a_torq_provider_are_unsupported() {
    let run = demo(&["--provider", "demo-torq", "hubs", "list"]).code(6);
    assert_eq!(
        run.stderr,
        "error: demo-torq: torq does not support list hubs\n"
    );
    let fakes = Fakes::start();
    let torq_only = cli(&["hubs", "health", "1"]).envs(fakes.torq_env()).code(6);
    assert_eq!(
        torq_only.stderr,
        "error: torq@127.0.0.1: torq does not support hub health\n"
    );
    let form = demo(&["form", SPLUNK]).code(6);
    assert_eq!(
        form.stderr,
        "error: demo-torq: torq does not support form\n"
    );
}

/// Two Looker providers (both on the same fake) and a Torq one, in a config file.
fn two_lookers(fakes: &Fakes, dir: &Path) -> String {
    let looker = &fakes.servers.looker;
    let torq = &fakes.servers.torq;
    let text = format!(
        "[[looker]]\nname = \"prod\"\nbase_url = \"{url}\"\nclient_id = \"{id}\"\nclient_secret_env = \"LOOKER_SECRET\"\n\
         [[looker]]\nname = \"staging\"\nbase_url = \"{url}\"\nclient_id = \"{id}\"\nclient_secret_env = \"LOOKER_SECRET\"\n\
         [[torq]]\nname = \"soc\"\nbase_url = \"{torq_url}\"\nauth_url = \"{torq_auth}\"\nclient_id = \"{torq_id}\"\nclient_secret_env = \"TORQ_SECRET\"\n",
        url = looker.base_url(),
        id = looker.client_id(),
        torq_url = torq.base_url(),
        torq_auth = torq.auth_url(),
        torq_id = torq.client_id(),
    );
    write(dir, "integrations.toml", &text)
}

#[test]
fn with_several_looker_providers_provider_chooses_whose_hubs() {
    let fakes = Fakes::start();
    let dir = tempfile::tempdir().unwrap();
    let path = two_lookers(&fakes, dir.path());
    let secrets = [
        (
            "LOOKER_SECRET",
            fakes.servers.looker.client_secret().to_owned(),
        ),
        ("TORQ_SECRET", fakes.servers.torq.client_secret().to_owned()),
    ];
    let ambiguous = cli(&["--config", &path, "hubs", "list"])
        .envs(secrets.clone())
        .code(2);
    assert_eq!(
        ambiguous.stderr,
        "error: 2 providers have integration hubs (prod, staging); choose one with --provider\n"
    );
    let chosen = cli(&[
        "--config",
        &path,
        "--provider",
        "staging",
        "hubs",
        "list",
        "--json",
    ])
    .envs(secrets.clone())
    .ok();
    assert_eq!(chosen.json()["provider"], "staging");
    let torq = cli(&["--config", &path, "--provider", "soc", "hubs", "list"])
        .envs(secrets.clone())
        .code(6);
    assert_eq!(torq.stderr, "error: soc: torq does not support list hubs\n");
    let form = cli(&[
        "--config",
        &path,
        "--provider",
        "prod",
        "form",
        TWILIO,
        "-q",
    ])
    .envs(secrets)
    .ok();
    assert_eq!(form.stdout, "");
}

#[test]
fn form_shows_the_fields_and_never_a_password_value() {
    let run = demo(&["form", TWILIO]).ok();
    let auth = run
        .stdout
        .lines()
        .find(|l| l.starts_with("authToken "))
        .expect("the authToken field");
    assert!(auth.contains("password  yes       -"), "{auth}");
    assert!(!run.stdout.contains("tw_auth_"));
    snapshot!("form_table", run.stdout);

    let json = demo(&["form", TWILIO, "--json"]).ok();
    let doc = json.valid_json("form");
    assert_eq!(doc["id"], TWILIO);
    assert_eq!(doc["fields"][1]["kind"], "password");
    assert_eq!(doc["fields"][1]["default"], serde_json::Value::Null);
    snapshot!("form_json", json.stdout);
}

#[test]
fn form_values_reach_the_vendor_and_a_secret_one_comes_from_stdin() {
    let fakes = Fakes::start();
    let run = cli(&[
        "form",
        TWILIO,
        "--value",
        "from=+15550123",
        "--value",
        "authToken=-",
        "--json",
    ])
    .envs(fakes.looker_env())
    .stdin(format!("{HUB_TOKEN}\n"))
    .ok();
    assert!(!run.all().contains(HUB_TOKEN));
    let doc = run.json();
    assert_eq!(doc["fields"][2]["name"], "from");
    assert_eq!(doc["fields"][2]["default"], "+15550123");
    let body = fakes
        .servers
        .looker
        .last_request_body("fetch_integration_form")
        .unwrap();
    assert_eq!(
        body["authToken"], HUB_TOKEN,
        "the value from stdin was sent"
    );
    assert_eq!(body["from"], "+15550123");

    let warned = demo(&["form", TWILIO, "--value", "authToken=on-the-line"])
        .code(0)
        .stderr_starts("warning: `authToken` is a password field");
    assert!(!warned.all().contains("on-the-line"));

    for bad in [
        &["--demo", "form", TWILIO, "--value", "no-equals-secret"][..],
        &["--demo", "form", TWILIO, "--value", "a=-", "--value", "b=-"],
        &["--demo", "form", TWILIO, "--value", "a=1", "--value", "a=2"],
    ] {
        let run = cli(bad).code(2);
        assert!(!run.stderr.contains("no-equals-secret"), "{}", run.stderr);
    }
}

#[test]
fn list_shows_hub_labels_as_kinds_in_tables_only() {
    let table = demo(&["list", "--vendor", "looker", "--kind", "3"]).ok();
    assert!(
        table
            .stdout
            .lines()
            .skip(1)
            .all(|l| l.contains(" Ops tools ")),
        "{}",
        table.stdout
    );
    let json = demo(&["list", "--json", "--kind", "3"]).ok();
    assert_eq!(json.json()["integrations"][0]["kind"], "3");
    let lines = demo(&["list", "--json-lines", "--kind", "3"]).ok();
    assert!(lines.stdout.contains("\"kind\":\"3\""), "{}", lines.stdout);

    // Hubs that cannot be listed leave the ids, and the listing succeeds.
    let fakes = Fakes::start();
    fakes
        .looker()
        .fail_next("all_integration_hubs", 20, 503, None);
    let run = cli(&["list", "--kind", "3"]).envs(fakes.looker_env()).ok();
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter().all(|l| l.contains("  3  ")),
        "{}",
        redact_ports(&run.stdout)
    );
    assert!(
        fakes.looker().requests("all_integration_hubs") >= 1,
        "the hubs were asked for"
    );
}

#[test]
fn schemas_of_the_hub_form_and_doctor_documents_are_stable() {
    assert_schemas_are_stable(&["hubs", "hub", "health", "form", "doctor"]);
    let hub = cli(&["schema", "hub"]).ok().json();
    assert!(
        hub["properties"].get("authorization_token").is_none(),
        "a hub document has no token"
    );
    assert_eq!(
        hub["properties"]["has_authorization_token"]["type"],
        "boolean"
    );
}
