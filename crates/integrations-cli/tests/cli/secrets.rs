//! No secret in any output: not the API keys, not a token the servers granted, not a sensitive
//! parameter's value, in tables, JSON, errors or `--verbose` logs.

use crate::common::{Fakes, cli, demo};

/// Every sensitive value the demo data holds (the fakes never send them; the CLI must not
/// find them anywhere else either).
const SEED_SECRETS: &[&str] = &[
    "wk_live_4Hc2ZpQe9sT0vXb7",
    "SG.fake1234.abcdEFGHijklMNOPqrst",
    "tw_auth_0f1e2d3c4b5a69788796a5b4",
    "b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e",
];

const NEW_SECRET: &str = "pat-na1-never-printed-42";

#[test]
fn no_secret_appears_in_any_output_even_when_verbose() {
    let fakes = Fakes::start();
    let twilio = "looker:1::twilio";
    let splunk = "torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb";
    let commands: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--json"],
        vec!["list", "--json-lines"],
        vec!["get", twilio],
        vec!["get", twilio, "--json"],
        vec!["get", "looker:1::braze", "--json"],
        vec!["get", splunk, "--json"],
        vec!["test", twilio, "--json"],
        vec!["enable", twilio, "--json"],
        vec!["disable", "looker:1::segment_event"],
        vec![
            "set-param",
            "looker:1::hubspot_contacts",
            "hubspot_api_key",
            "-",
        ],
        vec![
            "set-param",
            "looker:1::hubspot_contacts",
            "hubspot_api_key",
            "-",
            "--json",
        ],
        vec!["clear-param", twilio, "from"],
        vec!["capabilities", "--json"],
        vec!["get", "looker:1::nope"],
        vec!["set-param", twilio, "nope", "-"],
        vec!["enable", splunk],
    ];
    let mut everything = String::new();
    // -v, -vv, and RUST_LOG asking for everything every crate traces.
    let verbosities = [
        (None, None),
        (Some("-v"), None),
        (Some("-vv"), None),
        (None, Some("trace")),
    ];
    for (verbosity, rust_log) in verbosities {
        for command in &commands {
            let mut args = command.clone();
            args.extend(verbosity);
            let mut run = cli(&args).envs(fakes.env());
            if let Some(filter) = rust_log {
                run = run.env("RUST_LOG", filter);
            }
            let run = run.stdin(format!("{NEW_SECRET}\n")).run();
            assert!(
                [0, 4, 5, 6, 9].contains(&run.code),
                "{args:?}: exit {}: {}",
                run.code,
                run.stderr
            );
            everything.push_str(&run.all());
        }
    }
    // The verbose runs did log: the absence of secrets below means something.
    assert!(
        everything.contains("integrations.call"),
        "-v logs the facade's calls"
    );
    assert!(
        everything.contains("hyper_util"),
        "RUST_LOG=trace logs the HTTP internals too"
    );

    let mut secrets: Vec<String> = SEED_SECRETS.iter().map(|s| (*s).to_owned()).collect();
    secrets.push(NEW_SECRET.to_owned());
    secrets.push(fakes.servers.looker.client_secret().to_owned());
    secrets.push(fakes.servers.torq.client_secret().to_owned());
    let looker_tokens = fakes.looker().issued_tokens();
    let torq_tokens = fakes.torq().issued_tokens();
    assert!(!looker_tokens.is_empty() && !torq_tokens.is_empty());
    secrets.extend(looker_tokens);
    secrets.extend(torq_tokens);
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a secret was printed: {secret}"
        );
    }
    assert_eq!(
        fakes
            .looker_value("1::hubspot_contacts", "hubspot_api_key")
            .as_deref(),
        Some(NEW_SECRET),
        "the secret was set"
    );
}

#[test]
fn demo_mode_prints_no_credential_of_the_fakes() {
    let run = demo(&["-vv", "list", "--json"]).code(0);
    for secret in [
        integrations_fake::looker::DEMO_CLIENT_SECRET,
        integrations_fake::torq::DEMO_CLIENT_SECRET,
    ]
    .iter()
    .chain(SEED_SECRETS)
    {
        assert!(!run.all().contains(secret), "{secret}");
    }
}
