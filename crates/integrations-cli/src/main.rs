//! `integrations`: see and change the integrations of Looker instances and Torq workspaces from
//! a shell, through the `integrations` facade.
//!
//! ```text
//! integrations --demo list                      # no account, no network: fake servers in-process
//! integrations list [--vendor looker|torq] [--kind KIND] [--json | --json-lines | --quiet]
//! integrations get <id>
//! integrations enable <id> | disable <id>
//! integrations set-param <id> <name> <value|->  # `-`: read the value from stdin
//! integrations clear-param <id> <name>
//! integrations test <id>
//! integrations capabilities
//! integrations schema list|integration|test|capabilities|hubs|hub|health|form|doctor|plan|apply|state
//! integrations hubs list | get <hub> | add <url> [--token -] | remove <hub>   # Looker
//! integrations hubs update <hub> [--url URL] [--token - | --remove-token]
//! integrations hubs health <hub> | accept-agreement <hub>
//! integrations form <id> [--value NAME=VALUE]...  # `NAME=-`: read that value from stdin
//! integrations doctor [--test]                    # what stops integrations from working
//! integrations export [-o FILE]                   # the providers' state as TOML (no secret)
//! integrations plan -f FILE [--rotate-secrets]    # exit 2 when the live state differs
//! integrations apply -f FILE [--yes] [--rotate-secrets]
//! ```
//!
//! Ids are the facade's vendor-qualified ids: `looker:1::slack`, `torq:<uuid>`.
//!
//! # Providers
//!
//! Without `--config`, providers come from the vendors' own settings, as the facade reads them:
//! Looker from `LOOKERSDK_*` over `./looker.ini`, Torq from `TORQ_*`, each only when one of its
//! variables is set. `--config FILE` (or `INTEGRATIONS_CONFIG`) names several providers in TOML
//! (see [`config`]); secrets are best referenced by variable name (`client_secret_env`). Flags
//! (`--looker-base-url`, `--torq-region`, `--timeout`, …) override both; no flag takes a secret.
//! An id goes to the one provider of its vendor; when several are configured, `--provider NAME`
//! chooses (Looker ids such as `1::slack` exist on every instance, so the CLI never guesses).
//!
//! # Output
//!
//! Tables for people (a sensitive value shows as `••••` when set), `--json` for scripts (one
//! document whose JSON Schema `integrations schema` prints), `list --json-lines`, `--quiet`.
//! Errors go to stderr, one line each, naming the provider, the vendor and the cause. No secret
//! is ever printed, not even with `--verbose`.
//!
//! # Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | other failure: writing the output, reading stdin, starting the demo servers |
//! | 2 | usage: bad arguments, invalid id, unknown or missing `--provider` |
//! | 3 | authentication: credentials refused (Looker's login answers 404 for them), or forbidden |
//! | 4 | not found |
//! | 5 | validation: the vendor rejected the change |
//! | 6 | unsupported: the vendor has no such operation (Torq: update, test) |
//! | 7 | transport: unreachable, timed out, rate limited, the vendor failed (5xx) |
//! | 8 | configuration |
//! | 9 | `test` ran and the integration's test failed |
//! | 10 | bad response: an answer the vendor's API document does not describe |
//! | 11 | incomplete: `list` skipped records it could not read (each reported) |
//! | 12 | problems: `doctor` found something that stops an integration from working, or `hubs health` found the hub unhealthy |
//! | 13 | apply incomplete: `apply` did not apply everything it planned (each outcome printed) |
//!
//! `plan` exits with 0 when the live state matches the file and 2 when it differs (as
//! `terraform plan -detailed-exitcode`); its usage errors exit with 1 instead of 2. `apply`
//! declined at its prompt exits with 1.
//!
//! `list` prints the rows of the providers that answered, then one error line per provider that
//! failed, and exits with their code (7 when they failed for different reasons); when every
//! provider answered but some records could not be read, each is reported and the code is 11.
//! `doctor` prints its problems and exits with 12, unless a provider failed (then as `list`).

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod cmd_apply;
mod cmd_bind_param;
mod cmd_capabilities;
mod cmd_clear_param;
mod cmd_disable;
mod cmd_doctor;
mod cmd_enable;
mod cmd_export;
mod cmd_form;
mod cmd_get;
mod cmd_hubs;
mod cmd_list;
mod cmd_plan;
mod cmd_schema;
mod cmd_set_oauth_targets;
mod cmd_set_param;
mod cmd_test;
mod cmd_unbind_param;
pub mod config;
mod context;
mod demo;
mod document;
mod document_hubs;
mod document_state;
mod error;
mod hub_labels;
mod output;
mod patch;
mod progress;
mod providers;
mod vendors;

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::demo::Demo;
use crate::error::CliError;
use crate::output::Output;
use crate::providers::{Environment, Overrides, Providers, Source};

/// The CLI's allocator. A listing decodes every record into many small strings and frees them
/// once the record is written: with mimalloc that costs about a sixth less CPU than with the
/// system's allocator (BENCHMARKS.md, "The CLI end to end"). Its `no_thp` build keeps it from
/// asking for huge pages, which would add megabytes of resident memory to a short run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let (cli, overrides) = cli::parse_from(std::env::args_os()).unwrap_or_else(|e| {
        // `plan` exits with 2 only for differences: its usage errors exit with 1.
        if e.use_stderr() && cmd_plan::invokes_plan(std::env::args_os()) {
            let _ = e.print();
            std::process::exit(1);
        }
        e.exit()
    });
    let plan = matches!(cli.command, Command::Plan(_));
    let logging = init_tracing(cli.global.verbose);
    let mut out = Output::stdio(cli.global.format());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(cli, overrides, logging, &mut out)),
        Err(e) => Err(CliError::io("starting the async runtime", e)),
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) if plan => ExitCode::from(cmd_plan::exit_code(out.error(&e))),
        Err(e) => ExitCode::from(out.error(&e).exit_code()),
    }
}

async fn run(
    cli: Cli,
    overrides: Overrides,
    logging: bool,
    out: &mut Output,
) -> Result<(), CliError> {
    let Cli { command, global } = cli;
    if let Command::Schema { document } = command {
        return cmd_schema::run(out, document);
    }
    let demo = if global.demo {
        Some(Demo::start().await?)
    } else {
        None
    };
    let source = match (&demo, &global.config) {
        (Some(demo), _) => Source::Demo(demo.environment()),
        (None, Some(path)) => Source::File(path.clone()),
        (None, None) => Source::Environment,
    };
    // Files are read (the config file, looker.ini) and clients built (TLS roots loaded) off the
    // runtime's threads.
    let selected = global.provider.clone();
    let providers = tokio::task::spawn_blocking(move || {
        Providers::resolve(&source, &overrides, &selected, &Environment::current())
    })
    .await
    .map_err(|e| CliError::io("configuring the providers", std::io::Error::other(e)))??;
    let mut ctx = Context {
        providers,
        out,
        interactive: std::io::stderr().is_terminal() && !global.quiet && !logging,
    };
    let result = match &command {
        Command::List(args) => cmd_list::run(&mut ctx, args).await,
        Command::Get { id } => cmd_get::run(&mut ctx, id).await,
        Command::Enable { id } => cmd_enable::run(&mut ctx, id).await,
        Command::Disable { id } => cmd_disable::run(&mut ctx, id).await,
        Command::SetParam { id, name, value } => {
            cmd_set_param::run(&mut ctx, id, name, value).await
        }
        Command::ClearParam { id, name } => cmd_clear_param::run(&mut ctx, id, name).await,
        Command::BindParam(args) => cmd_bind_param::run(&mut ctx, args).await,
        Command::UnbindParam { id, name } => cmd_unbind_param::run(&mut ctx, id, name).await,
        Command::SetOauthTargets { id, targets } => {
            cmd_set_oauth_targets::run(&mut ctx, id, targets).await
        }
        Command::Test { id } => cmd_test::run(&mut ctx, id).await,
        Command::Capabilities => cmd_capabilities::run(&mut ctx).await,
        Command::Schema { .. } => unreachable!("handled above"),
        Command::Hubs(command) => cmd_hubs::run(&mut ctx, command).await,
        Command::Form(args) => cmd_form::run(&mut ctx, args).await,
        Command::Doctor(args) => cmd_doctor::run(&mut ctx, args).await,
        Command::Export(args) => cmd_export::run(&mut ctx, args).await,
        Command::Plan(args) => cmd_plan::run(&mut ctx, args).await,
        Command::Apply(args) => cmd_apply::run(&mut ctx, args).await,
    };
    if let Some(demo) = demo {
        demo.stop().await;
    }
    result
}

/// Logs on stderr. `RUST_LOG`, when set, says what (the usual `tracing` filter, e.g.
/// `RUST_LOG=integrations=debug`); otherwise warnings of this CLI and the facade, with `-v` what
/// each call does (the facade's `integrations.call` spans: vendor, operation, status, attempts,
/// latency), with `-vv` everything they trace. Other crates (HTTP internals) stay at warnings
/// unless `RUST_LOG` asks for them; neither the facade nor this CLI ever logs a secret. Returns
/// whether logs may be written (then no progress is drawn).
fn init_tracing(verbose: u8) -> bool {
    use tracing_subscriber::EnvFilter;
    let level = match verbose {
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    // `integrations` is both the facade and this binary's crate name: one directive covers both.
    let fallback = || {
        EnvFilter::try_new(format!(
            "warn,integrations={level},integrations_fake={level}"
        ))
        .unwrap_or_else(|_| EnvFilter::new("warn"))
    };
    let asked = std::env::var("RUST_LOG").is_ok_and(|v| !v.trim().is_empty());
    let (filter, refused) = match asked.then(EnvFilter::try_from_default_env) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (fallback(), Some(e)),
        None => (fallback(), None),
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .try_init();
    if let Some(e) = refused {
        tracing::warn!(target: "integrations_cli", "RUST_LOG is not a filter ({e}); logging as -v says");
    }
    asked || verbose > 0
}
