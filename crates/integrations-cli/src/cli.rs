//! The command line.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use integrations::{IntegrationId, Vendor};

use crate::document::DocumentKind;
use crate::output::Format;
use crate::providers::Overrides;
use crate::vendors::{self, EVERY_PROVIDER, VENDORS};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  other failure (writing output, reading stdin, starting the demo servers, apply declined)
  2  usage: bad arguments, invalid id, unknown or missing --provider
  3  authentication: credentials refused, or not allowed
  4  not found: no such integration
  5  validation: the vendor rejected the change
  6  unsupported: the vendor has no such operation (Torq: update, test)
  7  transport: unreachable, timed out, rate limited, the vendor failed (5xx)
  8  configuration: missing or wrong settings
  9  test: the integration's test ran and failed
 10  bad response: an answer the vendor's API document does not describe
 11  incomplete: list skipped records it could not read (each one reported)
 12  problems: doctor found something that stops an integration from working (a
     failing provider's code comes first, as for list), or hubs health: the hub is unhealthy
 13  apply incomplete: apply did not apply everything it planned (each outcome printed)
plan: 0 no differences, 2 differences (updates, missing, unexpected, drift); its own usage
     errors exit with 1, so that 2 always means differences (a state file's error is 8)
`list` prints what the working providers returned, then one error line per failing provider,
and exits with their code (7 when they failed for different reasons).";

/// The long help's account of the configuration, with each vendor's variables.
fn configuration() -> String {
    let variables: Vec<&str> = VENDORS.iter().map(|v| v.variables).collect();
    format!(
        "\
Providers come from, in order of precedence:
  1. flags (--looker-base-url, --torq-region, --timeout, ...; never a secret)
  2. --config FILE (or INTEGRATIONS_CONFIG): TOML, several named providers
  3. otherwise the vendors' variables: {}.
     Each vendor is used only when one of its variables is set.
Config file (any key of the vendor; `<key>_env` reads a key from a variable):
  [[provider]]
  vendor = \"looker\"
  name = \"prod\"
  base_url = \"https://acme.cloud.looker.com\"
  client_id = \"AbCdEf123\"
  client_secret_env = \"PROD_LOOKER_SECRET\"
  timeout = \"30s\"                            # max_in_flight, user_agent, verify_ssl, ini_file...
  [[provider]]
  vendor = \"torq\"
  name = \"soc\"
  region = \"eu\"                              # or base_url + auth_url
  client_id = \"0b8e...\"
  client_secret_env = \"SOC_TORQ_SECRET\"
An id goes to the provider of its vendor; with several, choose one with --provider NAME.",
        variables.join(";\n     ")
    )
}

/// See and change the integrations of Looker instances and Torq workspaces.
///
/// Ids are vendor-qualified: `looker:1::slack`, `torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb`.
/// Try it with no account and no network: `integrations --demo list`.
#[derive(Debug, Parser)]
#[command(
    name = "integrations",
    version,
    after_help = EXIT_CODES,
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options of every command.
    #[command(flatten)]
    pub global: Global,
}

/// The options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Run against fake Looker and Torq servers started in this process, with demo data (no
    /// account, no network; changes last as long as the command). Ignores --config.
    #[arg(long, global = true, help_heading = "Providers")]
    pub demo: bool,

    /// Read the providers from this TOML file instead of the environment.
    #[arg(
        long,
        global = true,
        env = "INTEGRATIONS_CONFIG",
        value_name = "FILE",
        help_heading = "Providers"
    )]
    pub config: Option<PathBuf>,

    /// Use only the provider of this name (repeatable). Needed for an id when several providers
    /// of its vendor are configured.
    #[arg(long, global = true, value_name = "NAME", help_heading = "Providers")]
    pub provider: Vec<String>,

    /// Print one JSON document (see `integrations schema`).
    #[arg(long, global = true, conflicts_with = "quiet", help_heading = "Output")]
    pub json: bool,

    /// Print nothing but errors; `list` prints only ids, one per line.
    #[arg(short, long, global = true, help_heading = "Output")]
    pub quiet: bool,

    /// Log what happens on stderr (-vv: more). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
}

impl Global {
    /// The output format.
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else if self.quiet {
            Format::Quiet
        } else {
            Format::Table
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the integrations of every configured provider at once.
    List(ListArgs),
    /// Show one integration and its parameters (secrets show as ••••).
    Get {
        /// `looker:<id>` or `torq:<uuid>`.
        id: IntegrationId,
    },
    /// Enable an integration (Looker).
    Enable {
        /// `looker:<id>`.
        id: IntegrationId,
    },
    /// Disable an integration (Looker).
    Disable {
        /// `looker:<id>`.
        id: IntegrationId,
    },
    /// Set a parameter's value (Looker). Give `-` to read it from stdin, so that a secret stays
    /// out of the shell's history; one trailing newline is dropped.
    SetParam {
        /// `looker:<id>`.
        id: IntegrationId,
        /// The parameter's name (see `get`).
        name: String,
        /// The value, or `-` for stdin.
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Clear a parameter's value (Looker).
    ClearParam {
        /// `looker:<id>`.
        id: IntegrationId,
        /// The parameter's name.
        name: String,
    },
    /// Take a parameter's value from a user attribute (Looker).
    BindParam(crate::cmd_bind_param::BindParamArgs),
    /// Stop taking a parameter's value from a user attribute; its own value applies again
    /// (Looker).
    UnbindParam {
        /// `looker:<id>`.
        id: IntegrationId,
        /// The parameter's name.
        name: String,
    },
    /// Replace the installed delegate OAuth targets (Looker); with no target, remove them all.
    SetOauthTargets {
        /// `looker:<id>`.
        id: IntegrationId,
        /// The targets to install (none: remove every target).
        targets: Vec<String>,
    },
    /// Ask the vendor to test an integration's settings (Looker); exit code 9 when it fails.
    Test {
        /// `looker:<id>`.
        id: IntegrationId,
    },
    /// Show what each configured provider can do.
    Capabilities,
    /// Print the JSON Schema of a `--json` document.
    Schema {
        /// Which document.
        document: DocumentKind,
    },
    /// Manage a Looker instance's integration hubs: list, show, add, change, remove, check their
    /// health, accept their legal agreement.
    #[command(subcommand)]
    Hubs(crate::cmd_hubs::HubsCommand),
    /// Show the form an integration asks its users to fill (Looker).
    Form(crate::cmd_form::FormArgs),
    /// Report what stops integrations from working, across every provider; exit code 12 when
    /// something does.
    Doctor(crate::cmd_doctor::DoctorArgs),
    /// Write the providers' state as a TOML file for `plan` and `apply` (secrets as references).
    ///
    /// Every configured provider, or those `--provider` names. A sensitive value is never
    /// written, only a reference (`{ env = "NAME" }`) to the variable apply reads it from.
    Export(crate::cmd_export::ExportArgs),
    /// Show how the live state differs from a state file; exit code 2 when it does.
    ///
    /// Exit code 0 when nothing differs, 2 when anything does (an update, an integration missing
    /// or unexpected, Torq drift); plan's other errors never exit with 2 (its usage errors exit
    /// with 1), so that a CI job can fail on drift.
    Plan(crate::cmd_plan::PlanArgs),
    /// Make the providers match a state file (asks unless --yes); exit code 13 when incomplete.
    ///
    /// Shows the plan, checks that every reference it sends resolves (exit code 8 otherwise,
    /// before anything is sent), asks on the terminal (refuses without one unless `--yes`), then
    /// updates each integration with only its changed fields and reports each outcome.
    Apply(crate::cmd_apply::ApplyArgs),
}

/// The options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this vendor's providers.
    #[arg(long, value_parser = vendors::vendor_parser())]
    pub vendor: Option<Vendor>,
    /// Only integrations of this kind: Looker's integration hub id (`1`), Torq's type (`webhook`).
    #[arg(long)]
    pub kind: Option<String>,
    /// Print one JSON document per integration, one per line.
    #[arg(long, conflicts_with_all = ["json", "quiet"])]
    pub json_lines: bool,
}

/// The command line: [`Cli`] with the flags of [`crate::vendors`] (each vendor's, and those of
/// every provider such as `--timeout`), which set configuration keys and conflict with `--demo`.
pub fn command() -> clap::Command {
    let vendor_flags = vendors::vendor_flags().map(|(_, flag)| flag.arg().conflicts_with("demo"));
    let every = EVERY_PROVIDER.iter().map(vendors::Flag::arg);
    Cli::command()
        .args(vendor_flags.chain(every))
        .after_long_help(format!("{}\n\n{EXIT_CODES}", configuration()))
}

/// Parses `args` (the program's name first): the command, and the settings its flags give.
pub fn parse_from<T: Into<std::ffi::OsString> + Clone>(
    args: impl IntoIterator<Item = T>,
) -> Result<(Cli, Overrides), clap::Error> {
    let matches = command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let given = vendors::vendor_flags()
        .map(|(_, flag)| flag)
        .chain(EVERY_PROVIDER)
        .filter_map(|flag| {
            let value = matches.get_one::<String>(flag.long)?;
            Some((flag.long, value.clone()))
        });
    Ok((cli, Overrides::from_flags(given)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let (cli, _) = parse_from(["integrations", "list", "--demo", "--json"]).unwrap();
        assert!(cli.global.demo && cli.global.json);
        let (cli, _) = parse_from(["integrations", "--quiet", "get", "looker:1::slack"]).unwrap();
        assert_eq!(cli.global.format(), Format::Quiet);
        let before = parse_from(["integrations", "--torq-region", "eu", "list"]).unwrap();
        let after = parse_from(["integrations", "list", "--torq-region", "eu"]).unwrap();
        assert_eq!(before.1, after.1);
        assert_eq!(
            before.1,
            Overrides::from_flags([("torq-region", "eu".to_owned())])
        );
        assert_ne!(before.1, Overrides::default());
    }

    #[test]
    fn vendors_and_regions_parse_with_the_facade() {
        let (cli, overrides) = parse_from([
            "integrations",
            "--torq-region",
            "eu",
            "--timeout",
            "30s",
            "list",
            "--vendor",
            "torq",
        ])
        .unwrap();
        let Command::List(args) = cli.command else {
            panic!("list")
        };
        assert_eq!(args.vendor, Some(Vendor::Torq));
        assert_eq!(
            overrides,
            Overrides::from_flags([
                ("torq-region", "eu".to_owned()),
                ("timeout", "30s".to_owned())
            ])
        );
    }

    #[test]
    fn misuse_is_refused_at_parse_time() {
        for bad in [
            &["integrations", "get", "slack"][..],
            &[
                "integrations",
                "--demo",
                "--looker-base-url",
                "https://x.io",
                "list",
            ],
            &["integrations", "--json", "--quiet", "list"],
            &["integrations", "list", "--json-lines", "--json"],
            &["integrations", "--timeout", "", "list"],
            &["integrations", "--torq-region", "mars", "list"],
            &["integrations", "list", "--vendor", "okta"],
            &["integrations", "set-param", "looker:1::x", "name"],
        ] {
            assert!(parse_from(bad).is_err(), "{bad:?}");
        }
    }
}
