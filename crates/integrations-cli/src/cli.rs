//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use integrations::{IntegrationId, TorqRegion, Vendor};

use crate::document::DocumentKind;
use crate::output::Format;
use crate::providers::Overrides;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  other failure (writing output, reading stdin, starting the demo servers)
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
`list` prints what the working providers returned, then one error line per failing provider,
and exits with their code (7 when they failed for different reasons).";

const CONFIGURATION: &str = "\
Providers come from, in order of precedence:
  1. flags (--looker-base-url, --torq-region, --timeout, ...; never a secret)
  2. --config FILE (or INTEGRATIONS_CONFIG): TOML, several named providers
  3. otherwise the vendors' variables: LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID,
     LOOKERSDK_CLIENT_SECRET, LOOKERSDK_VERIFY_SSL, LOOKERSDK_TIMEOUT over ./looker.ini [Looker];
     TORQ_CLIENT_ID, TORQ_CLIENT_SECRET, TORQ_REGION (us|eu), TORQ_BASE_URL, TORQ_AUTH_URL.
     Each vendor is used only when one of its variables is set.
Config file:
  [[looker]]
  name = \"prod\"
  base_url = \"https://acme.cloud.looker.com\"
  client_id = \"AbCdEf123\"
  client_secret_env = \"PROD_LOOKER_SECRET\"   # verify_ssl, timeout, ini_file, ini_section
  [[torq]]
  name = \"soc\"
  region = \"eu\"                              # or base_url + auth_url
  client_id = \"0b8e...\"
  client_secret_env = \"SOC_TORQ_SECRET\"      # timeout
An id goes to the provider of its vendor; with several, choose one with --provider NAME.";

/// See and change the integrations of Looker instances and Torq workspaces.
///
/// Ids are vendor-qualified: `looker:1::slack`, `torq:4ffba8fa-4d3f-48b2-9ef9-adf1a7d00dbb`.
/// Try it with no account and no network: `integrations --demo list`.
#[derive(Debug, Parser)]
#[command(
    name = "integrations",
    version,
    after_help = EXIT_CODES,
    after_long_help = format!("{CONFIGURATION}\n\n{EXIT_CODES}"),
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
    #[arg(long, global = true, conflicts_with_all = ["looker_base_url", "looker_client_id", "torq_region", "torq_base_url", "torq_auth_url", "torq_client_id"], help_heading = "Providers")]
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

    /// Looker instance URL (overrides LOOKERSDK_BASE_URL, looker.ini, the config file).
    #[arg(long, global = true, value_name = "URL", help_heading = "Overrides")]
    pub looker_base_url: Option<String>,

    /// Looker API client id.
    #[arg(long, global = true, value_name = "ID", help_heading = "Overrides")]
    pub looker_client_id: Option<String>,

    /// Torq region.
    #[arg(long, global = true, value_name = "REGION", help_heading = "Overrides")]
    pub torq_region: Option<RegionArg>,

    /// Torq API URL (with --torq-auth-url unless it is a region's).
    #[arg(long, global = true, value_name = "URL", help_heading = "Overrides")]
    pub torq_base_url: Option<String>,

    /// Torq token endpoint's base URL.
    #[arg(long, global = true, value_name = "URL", help_heading = "Overrides")]
    pub torq_auth_url: Option<String>,

    /// Torq API client id.
    #[arg(long, global = true, value_name = "ID", help_heading = "Overrides")]
    pub torq_client_id: Option<String>,

    /// Seconds allowed for each request, for every provider.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Overrides")]
    pub timeout: Option<u64>,
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

    /// The settings the flags override.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            looker_base_url: self.looker_base_url.clone(),
            looker_client_id: self.looker_client_id.clone(),
            torq_region: self.torq_region.map(Into::into),
            torq_base_url: self.torq_base_url.clone(),
            torq_auth_url: self.torq_auth_url.clone(),
            torq_client_id: self.torq_client_id.clone(),
            timeout: self.timeout.map(Duration::from_secs),
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
    BindParam {
        /// `looker:<id>`.
        id: IntegrationId,
        /// The parameter's name.
        name: String,
        /// The user attribute (e.g. `email`).
        attribute: String,
    },
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
}

/// The options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this vendor's providers.
    #[arg(long)]
    pub vendor: Option<VendorArg>,
    /// Only integrations of this kind: Looker's integration hub id (`1`), Torq's type (`webhook`).
    #[arg(long)]
    pub kind: Option<String>,
    /// Print one JSON document per integration, one per line.
    #[arg(long, conflicts_with_all = ["json", "quiet"])]
    pub json_lines: bool,
}

/// A vendor, as `--vendor` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VendorArg {
    /// Looker instances.
    Looker,
    /// Torq workspaces.
    Torq,
}

impl From<VendorArg> for Vendor {
    fn from(v: VendorArg) -> Self {
        match v {
            VendorArg::Looker => Vendor::Looker,
            VendorArg::Torq => Vendor::Torq,
        }
    }
}

/// A Torq region, as `--torq-region` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegionArg {
    /// api.torq.io
    Us,
    /// api.eu.torq.io
    Eu,
}

impl From<RegionArg> for TorqRegion {
    fn from(r: RegionArg) -> Self {
        match r {
            RegionArg::Us => TorqRegion::Us,
            RegionArg::Eu => TorqRegion::Eu,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let cli = Cli::try_parse_from(["integrations", "list", "--demo", "--json"]).unwrap();
        assert!(cli.global.demo && cli.global.json);
        let cli =
            Cli::try_parse_from(["integrations", "--quiet", "get", "looker:1::slack"]).unwrap();
        assert_eq!(cli.global.format(), Format::Quiet);
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
            &["integrations", "--timeout", "0", "list"],
            &["integrations", "set-param", "looker:1::x", "name"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }
}
