//! Integrations as code: `export`, `plan` and `apply`, in demo mode and against fakes this test
//! runs (so that it can count what they received and read what they stored).

use tempfile::TempDir;

use crate::common::{Fakes, Run, assert_schemas_are_stable, cli, demo, redact_ports, write};

/// The demo's Twilio sender, and the value the tests give it instead.
const FROM_NOW: &str = "from = \"+15005550006\"";
const FROM_EDITED: &str = "from = \"+15550001111\"";

/// `text` with its one `old` replaced by `new`.
#[track_caller]
fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "one {old:?} in\n{text}");
    text.replace(old, new)
}

/// A new directory holding `text` as `integrations.toml`.
fn state_dir(text: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "integrations.toml", text);
    dir
}

/// Fakes, and a directory holding their export as `integrations.toml` with the Twilio sender
/// edited; the fakes' request counters start from there.
fn fakes_and_an_edited_export() -> (Fakes, TempDir) {
    let fakes = Fakes::start();
    let exported = cli(&["export"]).envs(fakes.env()).ok().stdout;
    let dir = state_dir(&edit(&exported, FROM_NOW, FROM_EDITED));
    fakes.looker().reset_counters();
    fakes.torq().reset_counters();
    (fakes, dir)
}

/// Every sensitive value the Looker fake stores (none may appear in any output).
fn stored_secrets(fakes: &Fakes) -> Vec<String> {
    fakes
        .servers
        .looker
        .integrations()
        .iter()
        .flat_map(|i| i.params.iter())
        .filter(|p| p.sensitive == Some(true))
        .filter_map(|p| p.value.clone())
        .filter(|v| !v.is_empty())
        .collect()
}

#[track_caller]
fn assert_no_secret(run: &Run, secrets: &[String]) {
    let all = run.all();
    for secret in secrets {
        assert!(
            !all.contains(secret.as_str()),
            "a secret was printed:\n{all}"
        );
    }
}

#[test]
fn export_of_the_demo_is_deterministic_and_holds_only_references() {
    let run = demo(&["export"]).ok();
    assert_eq!(
        demo(&["export"]).ok().stdout,
        run.stdout,
        "the same state exports the same document"
    );
    assert!(
        run.stdout
            .contains("[provider.demo-looker]\nvendor = \"looker\"\n")
    );
    assert!(
        run.stdout
            .contains("[provider.demo-torq]\nvendor = \"torq\"\n")
    );
    assert!(
        run.stdout
            .contains("env = \"DEMO_LOOKER_1_TWILIO_AUTHTOKEN\"")
    );
    snapshot!("export_demo", run.stdout);

    // The same document as JSON matches the state file's schema.
    let json = demo(&["export", "--json"]).ok().valid_json("state");
    assert_eq!(json["provider"]["demo-torq"]["vendor"], "torq");

    let torq = demo(&["--provider", "demo-torq", "export"]).ok();
    assert!(torq.stdout.starts_with("[provider.demo-torq]\n"));
    assert!(!torq.stdout.contains("demo-looker"));
}

#[test]
fn export_writes_a_file_and_never_a_stored_secret() {
    let fakes = Fakes::start();
    let secrets = stored_secrets(&fakes);
    assert!(secrets.len() >= 3, "the fake stores secrets: {secrets:?}");
    let dir = tempfile::tempdir().unwrap();
    let run = cli(&["export", "-o", "integrations.toml"])
        .envs(fakes.env())
        .dir(dir.path())
        .code(0);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("wrote integrations.toml: 2 provider(s), 31 integration(s)\n"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(dir.path().join("integrations.toml")).unwrap();
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "{secret} exported");
    }
    assert!(
        text.contains("{ env = ") || text.contains("\nenv = \""),
        "{text}"
    );
    assert_no_secret(&run, &secrets);
}

#[test]
fn plan_of_an_unchanged_export_exits_0() {
    let exported = demo(&["export"]).ok().stdout;
    let dir = state_dir(&exported);
    let run = demo(&["plan", "-f", "integrations.toml"])
        .dir(dir.path())
        .ok();
    assert_eq!(
        run.stdout,
        "No differences: the providers match the file.\n\nPlan: 0 to update, 0 missing, 0 unexpected, 0 drifted (cannot be changed)\n"
    );
    let quiet = demo(&["plan", "-f", "integrations.toml", "-q"])
        .dir(dir.path())
        .ok();
    assert_eq!(quiet.stdout, "");
}

#[test]
fn plan_after_editing_one_value_shows_that_change_and_exits_2() {
    let exported = demo(&["export"]).ok().stdout;
    let dir = state_dir(&edit(&exported, FROM_NOW, FROM_EDITED));
    let run = demo(&["plan", "-f", "integrations.toml"])
        .dir(dir.path())
        .code(2);
    assert_eq!(run.stderr, "", "differences are not an error");
    assert_eq!(
        run.stdout,
        "demo-looker (looker)\n  ~ looker:1::twilio: update\n      params.from: \"+15005550006\" → \"+15550001111\"\n\nPlan: 1 to update, 0 missing, 0 unexpected, 0 drifted (cannot be changed)\n"
    );
    snapshot!("plan_one_change_table", run.stdout);

    let json = demo(&["plan", "-f", "integrations.toml", "--json"])
        .dir(dir.path())
        .code(2);
    let doc = json.valid_json("plan");
    assert_eq!(doc["counts"]["update"], 1);
    assert_eq!(doc["has_changes"], true);
    assert_eq!(
        doc["integrations"][0]["changes"],
        serde_json::json!([{"field": "params.from", "old": "\"+15005550006\"", "new": "\"+15550001111\""}])
    );
    snapshot!("plan_one_change_json", json.stdout);
}

#[test]
fn plan_reports_missing_unexpected_and_torq_drift_and_apply_cannot_change_drift() {
    let exported = demo(&["export"]).ok().stdout;
    let text = edit(
        &exported,
        "name = \"Splunk alerts\"",
        "name = \"Splunk alerts (renamed)\"",
    );
    // One integration the instance does not have, one it has that the file does not name.
    let marketo = "[provider.demo-looker.integration.\"1::marketo\"";
    let mut blocks: Vec<&str> = text
        .split("\n\n")
        .filter(|block| !block.starts_with(marketo))
        .collect();
    assert_eq!(
        text.split("\n\n").count() - blocks.len(),
        2,
        "marketo's tables"
    );
    blocks.push("[provider.demo-looker.integration.\"9::nowhere\"]\nenabled = true\n");
    let dir = state_dir(&blocks.join("\n\n"));
    let run = demo(&["plan", "-f", "integrations.toml"])
        .dir(dir.path())
        .code(2);
    snapshot!("plan_missing_unexpected_drift_table", run.stdout);
    assert!(
        run.stdout.ends_with(
            "Plan: 0 to update, 1 missing, 1 unexpected, 1 drifted (cannot be changed)\n"
        )
    );
    let json = demo(&["plan", "-f", "integrations.toml", "--json"])
        .dir(dir.path())
        .code(2);
    assert_eq!(json.valid_json("plan")["has_changes"], false);

    // Nothing to send, so nothing to confirm; the drift cannot be applied: incomplete, 13.
    let apply = demo(&["apply", "-f", "integrations.toml"])
        .dir(dir.path())
        .code(13);
    assert!(
        apply.stdout.contains(
            "unsupported  demo-torq  torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb  torq does not support update"
        ),
        "{}",
        apply.stdout
    );
    assert_eq!(
        apply.stderr,
        "error: apply incomplete: 0 applied, 0 failed, 0 not attempted, 1 unsupported\n"
    );
    let doc = demo(&["apply", "-f", "integrations.toml", "--json"])
        .dir(dir.path())
        .code(13)
        .valid_json("apply");
    assert_eq!(doc["complete"], false);
    assert_eq!(doc["results"][0]["outcome"], "unsupported");
}

#[test]
fn apply_without_a_terminal_refuses_unless_yes() {
    let (fakes, dir) = fakes_and_an_edited_export();
    let refused = cli(&["apply", "-f", "integrations.toml"])
        .envs(fakes.env())
        .dir(dir.path())
        .code(2);
    assert_eq!(
        refused.stderr,
        "error: apply would update 1 integration(s) and there is no terminal to confirm on: pass --yes to apply without asking\n"
    );
    assert!(refused.stdout.contains("params.from"), "the plan is shown");
    assert_eq!(fakes.looker().requests("update_integration"), 0);
    // An answer on a pipe is no confirmation either.
    cli(&["apply", "-f", "integrations.toml"])
        .envs(fakes.env())
        .dir(dir.path())
        .stdin("yes\n")
        .code(2);
    assert_eq!(fakes.looker().requests("update_integration"), 0);
}

#[test]
fn apply_yes_sends_one_update_and_a_second_plan_finds_nothing() {
    let (fakes, dir) = fakes_and_an_edited_export();
    let run = cli(&["apply", "-f", "integrations.toml", "--yes"])
        .envs(fakes.env())
        .dir(dir.path())
        .code(0);
    assert_eq!(run.stderr, "");
    assert_eq!(fakes.looker().requests("update_integration"), 1);
    assert_eq!(
        fakes
            .servers
            .looker
            .last_request_body("update_integration")
            .unwrap(),
        serde_json::json!({"params": [{"name": "from", "value": "+15550001111"}]}),
        "only the changed field is sent"
    );
    snapshot!("apply_one_change_table", redact_ports(&run.stdout));
    assert!(
        run.stdout
            .ends_with("\nApply: 1 applied, 0 failed, 0 not attempted, 0 unsupported\n")
    );

    let again = cli(&["plan", "-f", "integrations.toml"])
        .envs(fakes.env())
        .dir(dir.path())
        .ok();
    assert!(
        again.stdout.starts_with("No differences"),
        "{}",
        again.stdout
    );
    let nothing = cli(&["apply", "-f", "integrations.toml", "--json"])
        .envs(fakes.env())
        .dir(dir.path())
        .ok()
        .valid_json("apply");
    assert_eq!(nothing["complete"], true);
    assert_eq!(nothing["results"], serde_json::json!([]));
    assert_eq!(
        fakes.looker().requests("update_integration"),
        1,
        "nothing more to send"
    );
}

#[test]
fn a_secret_from_the_environment_reaches_the_vendor_and_never_the_output() {
    let fakes = Fakes::start();
    let exported = cli(&["export"]).envs(fakes.env()).ok().stdout;
    let (hubspot, _) = exported
        .split_once("integration.\"1::hubspot_contacts\"]\n")
        .expect("hubspot is exported");
    let header = format!(
        "{}integration.\"1::hubspot_contacts\"]\n",
        &hubspot[hubspot.rfind('[').unwrap()..]
    );
    // hubspot_contacts has no key yet: the file gives it one, from a variable.
    let text = edit(
        &exported,
        &header,
        &format!("{header}params.hubspot_api_key = {{ env = \"HUBSPOT_KEY\" }}\n"),
    );
    let dir = state_dir(&text);
    let secret = "hubspot-key-never-printed-7Qx";

    let plan = cli(&["plan", "-f", "integrations.toml"])
        .envs(fakes.env())
        .env("HUBSPOT_KEY", secret)
        .dir(dir.path())
        .code(2);
    assert!(
        plan.stdout
            .contains("params.hubspot_api_key: (sensitive) → (sensitive, will be set)"),
        "{}",
        plan.stdout
    );

    // Without the variable: a configuration error naming the reference, before anything is sent.
    fakes.looker().reset_counters();
    let unset = cli(&["apply", "-f", "integrations.toml", "--yes"])
        .envs(fakes.env())
        .dir(dir.path())
        .code(8);
    assert!(
        unset.stderr.contains("`hubspot_api_key`")
            && unset.stderr.contains("env HUBSPOT_KEY: is not set")
            && unset.stderr.contains("nothing was sent"),
        "{}",
        unset.stderr
    );
    assert_eq!(fakes.looker().requests("update_integration"), 0);

    let applied = cli(&["apply", "-f", "integrations.toml", "--yes"])
        .envs(fakes.env())
        .env("HUBSPOT_KEY", secret)
        .dir(dir.path())
        .code(0);
    assert_eq!(fakes.looker().requests("update_integration"), 1);
    assert_eq!(
        fakes
            .looker_value("1::hubspot_contacts", "hubspot_api_key")
            .as_deref(),
        Some(secret),
        "the secret reached the fake"
    );

    // --rotate-secrets sends every referenced secret: each variable the file names is needed.
    let mut vars: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once("env = \"")?.1.split_once('"'))
        .map(|(name, _)| (name.to_owned(), format!("rotated-{name}-9Zk")))
        .collect();
    vars.sort();
    vars.dedup();
    assert!(vars.len() >= 4, "{vars:?}");
    let rotated = cli(&[
        "apply",
        "-f",
        "integrations.toml",
        "--yes",
        "--rotate-secrets",
        "--json",
        "-v",
    ])
    .envs(fakes.env())
    .envs(vars.clone())
    .dir(dir.path())
    .code(0);
    rotated.valid_json("apply");
    let twilio = fakes.looker_value("1::twilio", "authToken").unwrap();
    assert!(
        twilio.starts_with("rotated-") && twilio.ends_with("_1_TWILIO_AUTHTOKEN-9Zk"),
        "a secret already set was sent again"
    );
    let mut secrets = stored_secrets(&fakes);
    secrets.push(secret.to_owned());
    secrets.extend(vars.into_iter().map(|(_, value)| value));
    for run in [&plan, &unset, &applied, &rotated] {
        assert_no_secret(run, &secrets);
    }
}

#[test]
fn a_bad_state_file_gets_an_error_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[provider.demo-looker]\nvendor = \"looker\"\n\n[provider.demo-looker.integration.\"1::slack\"]\nenabeld = true\n",
            "error: bad.toml: line 5, column 1: unknown field `enabeld`, expected one of `enabled`, `params`, `delegate_oauth_targets`, `name`, `kind`\n",
        ),
        (
            "[provider.demo-looker]\nvendor = \"looker\"\n[provider.demo-looker.integration.\"1::slack\"]\nenabled = \"yes\"\n",
            "error: bad.toml: line 4, column 11: invalid type: string \"yes\", expected a boolean\n",
        ),
        (
            "# staging\n\n[provider.staging]\nvendor = \"looker\"\n",
            "error: bad.toml: line 3: no configured provider is named `staging` (configured: demo-looker, demo-torq)\n",
        ),
        (
            "[provider.demo-torq]\nvendor = \"looker\"\n",
            "error: bad.toml: line 1: provider `demo-torq` is a torq provider, the file says looker\n",
        ),
    ];
    for (text, error) in cases {
        write(dir.path(), "bad.toml", text);
        for command in ["plan", "apply"] {
            let mut args = vec!["--demo", command, "-f", "bad.toml"];
            if command == "apply" {
                args.push("--yes");
            }
            let run = cli(&args).dir(dir.path()).code(8);
            assert_eq!(run.stderr, error, "{command}");
            assert_eq!(run.stdout, "");
        }
    }
    demo(&["plan", "-f", "absent.toml"])
        .dir(dir.path())
        .code(1)
        .stderr_starts("error: reading absent.toml: ");
}

#[test]
fn plan_exits_with_2_only_for_differences() {
    // clap's usage errors, and the CLI's own, exit with 1 for plan (2 elsewhere).
    for args in [
        &["plan"][..],
        &["plan", "-f"],
        &["plan", "-f", "x.toml", "--bogus"],
        &["--json", "--quiet", "plan", "-f", "x.toml"],
        &["--demo", "--provider", "nobody", "plan", "-f", "x.toml"],
    ] {
        let run = cli(args).code(1);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
    cli(&["apply"]).code(2);
    cli(&["list", "--bogus"]).code(2);
    let help = cli(&["plan", "--help"]).ok();
    assert!(help.stdout.contains("exit code 2 when it does"));
}

#[test]
fn schemas_of_the_state_documents_are_stable() {
    assert_schemas_are_stable(&["plan", "apply", "state"]);
}

#[test]
fn the_readme_shows_a_real_export_and_plan() {
    let readme = include_str!("../../../../README.md");
    let (_, section) = readme
        .split_once("## Integrations as code\n")
        .expect("the README has the section");
    let exported = demo(&["export"]).ok().stdout;

    // Each table of the excerpt is one of the export's, as it prints it.
    let (_, excerpt) = section.split_once("```toml\n").expect("an example file");
    let (excerpt, _) = excerpt.split_once("```").unwrap();
    for table in excerpt.split("\n\n") {
        let table = table.trim_end();
        assert!(
            exported.contains(&format!("{table}\n\n")) || exported.ends_with(&format!("{table}\n")),
            "the README's example file is out of date at:\n{table}"
        );
    }

    // The plan after the README's edit (`sed` replaces twilio's `from`).
    assert!(section.contains("sed -i 's/^from = .*/from = \"+15550001111\"/' integrations.toml"));
    let dir = state_dir(&edit(&exported, FROM_NOW, FROM_EDITED));
    let plan = demo(&["plan", "-f", "integrations.toml"])
        .dir(dir.path())
        .code(2);
    let (_, shown) = section
        .split_once("$ integrations --demo plan -f integrations.toml\n")
        .expect("the README shows the plan");
    let (shown, _) = shown.split_once("```").unwrap();
    assert_eq!(shown, plan.stdout, "the README's plan is out of date");
}
