//! The errors of a command, what each one prints, and the exit code it gives.

use std::error::Error as StdError;
use std::io;

use integrations::{Error as FacadeError, IntegrationProvider, Vendor};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::document::TestDocument;
use crate::document_hubs::HealthDocument;

/// What went wrong, as a category with its exit code. The codes are part of the interface: see
/// the crate documentation and `integrations --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 1: anything else (writing the output, reading standard input, starting the demo servers).
    Other,
    /// 2: the command line is wrong (also an invalid id, an unknown `--provider`).
    Usage,
    /// 3: the vendor refused the credentials, or they may not do this.
    Auth,
    /// 4: no such integration.
    NotFound,
    /// 5: the vendor rejected the change (each field's error is in the message) or the request.
    Validation,
    /// 6: the vendor has no such operation (Torq: update, test).
    Unsupported,
    /// 7: the vendor could not be reached, timed out, rate limited us or failed (5xx); also
    /// `list` when providers failed for different reasons.
    Transport,
    /// 8: the configuration is missing or wrong (environment, `looker.ini`, `--config` file).
    Config,
    /// 9: `test` ran and the integration's test failed.
    TestFailed,
    /// 10: the vendor answered something its API document does not describe (a body of the
    /// wrong shape, not JSON, cut short, too large, an unlisted status).
    BadResponse,
    /// 11: `list` printed everything it could read, but skipped records it could not (each is
    /// reported).
    Incomplete,
    /// 12: `doctor` found something that stops an integration from working (each problem is
    /// printed), or `hubs health` found the hub unhealthy.
    Problems,
    /// 2, for `plan` only: the live state differs from the state file (updates, missing,
    /// unexpected or drift), as `terraform plan -detailed-exitcode` says it. `plan` never exits
    /// with 2 for anything else: its usage errors exit with 1.
    Differences,
    /// 13: `apply` did not apply everything it planned (each integration's outcome is printed).
    ApplyIncomplete,
}

impl ErrorKind {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Other => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Auth => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::Validation => 5,
            ErrorKind::Unsupported => 6,
            ErrorKind::Transport => 7,
            ErrorKind::Config => 8,
            ErrorKind::TestFailed => 9,
            ErrorKind::BadResponse => 10,
            ErrorKind::Incomplete => 11,
            ErrorKind::Problems => 12,
            ErrorKind::Differences => 2,
            ErrorKind::ApplyIncomplete => 13,
        }
    }

    /// The category of a facade error.
    pub fn of(error: &FacadeError) -> Self {
        match error {
            FacadeError::NotFound { .. } => ErrorKind::NotFound,
            FacadeError::Unauthorized { .. } | FacadeError::Forbidden { .. } => ErrorKind::Auth,
            FacadeError::Validation { .. } | FacadeError::Rejected { .. } => ErrorKind::Validation,
            FacadeError::Unsupported { .. } => ErrorKind::Unsupported,
            FacadeError::RateLimited { .. }
            | FacadeError::Timeout { .. }
            | FacadeError::Transport { .. }
            | FacadeError::Server { .. } => ErrorKind::Transport,
            FacadeError::BadResponse { .. } | FacadeError::ResponseTooLarge { .. } => {
                ErrorKind::BadResponse
            }
            FacadeError::InvalidId { .. } => ErrorKind::Usage,
            // A wrong value of a flag (`--timeout 0`) is the command line's.
            FacadeError::Config { setting, .. } if setting.starts_with("--") => ErrorKind::Usage,
            FacadeError::Config { .. } => ErrorKind::Config,
            _ => ErrorKind::Other,
        }
    }
}

/// One provider's failure during a fan-out.
#[derive(Debug)]
pub struct ProviderFailure {
    /// The provider's name.
    pub provider: String,
    /// Its vendor.
    pub vendor: Vendor,
    /// Why it failed.
    pub error: FacadeError,
}

impl ProviderFailure {
    /// The failure as one line, without the `error: ` prefix.
    pub fn line(&self) -> String {
        one_line(&format!("{}: ", self.provider), &self.error)
    }
}

/// Why a command failed. `main` prints it once, on stderr, one line per failure, and exits with
/// [`CliError::kind`]'s code. No variant holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is wrong.
    #[error("{0}")]
    Usage(String),
    /// The configuration is missing or wrong.
    #[error("{0}")]
    Config(String),
    /// A provider's call failed.
    #[error("{provider}: {source}")]
    Provider {
        /// The provider's name.
        provider: String,
        /// The facade's error (it names the vendor and the operation).
        #[source]
        source: FacadeError,
    },
    /// The facade refused something that is not a provider's call (building a provider).
    #[error(transparent)]
    Facade(#[from] FacadeError),
    /// Some providers of a `list` failed; the others' rows were printed.
    #[error("{} of {total} providers failed", failures.len())]
    List {
        /// One entry per failed provider, in the providers' order.
        failures: Vec<ProviderFailure>,
        /// How many providers were asked.
        total: usize,
    },
    /// `list` printed everything it could read but skipped records (each one was reported).
    #[error(
        "{count} record(s) could not be read and were skipped (see the warnings, or `skipped` in --json)"
    )]
    Skipped {
        /// How many.
        count: usize,
    },
    /// `test` ran and the integration's test failed: the document printed, with what the vendor
    /// said.
    #[error("{}: {}: test failed{}", .0.provider, .0.id, said(&.0.outcome.message))]
    TestFailed(TestDocument),
    /// `doctor` found problems (each one printed); the message is its summary.
    #[error("{summary}")]
    Problems {
        /// `3 problems in 2 integrations across 2 providers`.
        summary: String,
    },
    /// `hubs health` found the hub unhealthy: the document printed, with what the instance said.
    #[error("{}: hub `{}` is unhealthy{}", .0.provider, .0.hub, said(&.0.health.message))]
    HubUnhealthy(HealthDocument),
    /// `plan` found differences (the plan was printed): nothing more to say, exit code 2.
    #[error("{summary}")]
    Differences {
        /// `1 to update, 0 missing, 0 unexpected, 0 drifted (cannot be changed)`.
        summary: String,
    },
    /// `apply` did not apply everything it planned (each outcome was printed).
    #[error("apply incomplete: {summary}")]
    ApplyIncomplete {
        /// `1 applied, 1 failed, 0 not attempted, 0 unsupported`.
        summary: String,
    },
    /// `apply` was not confirmed at its prompt: nothing was sent.
    #[error("apply cancelled: nothing was changed")]
    Cancelled,
    /// Reading or writing failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// `: message` when the vendor said something, for the end of an error's line.
fn said(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

impl CliError {
    /// A failed call of `provider`.
    pub fn provider(provider: &dyn IntegrationProvider, source: FacadeError) -> Self {
        CliError::Provider {
            provider: provider.name().to_owned(),
            source,
        }
    }

    /// A failed read or write.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        CliError::Io {
            context: context.into(),
            source,
        }
    }

    /// The category, which gives the exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CliError::Usage(_) => ErrorKind::Usage,
            CliError::Config(_) => ErrorKind::Config,
            CliError::Provider { source, .. } | CliError::Facade(source) => ErrorKind::of(source),
            CliError::List { failures, .. } => {
                let mut kinds = failures.iter().map(|f| ErrorKind::of(&f.error));
                match kinds.next() {
                    Some(first) if kinds.all(|k| k == first) => first,
                    _ => ErrorKind::Transport,
                }
            }
            CliError::Skipped { .. } => ErrorKind::Incomplete,
            CliError::TestFailed(_) => ErrorKind::TestFailed,
            CliError::Problems { .. } | CliError::HubUnhealthy(_) => ErrorKind::Problems,
            CliError::Differences { .. } => ErrorKind::Differences,
            CliError::ApplyIncomplete { .. } => ErrorKind::ApplyIncomplete,
            CliError::Io { .. } | CliError::Cancelled => ErrorKind::Other,
        }
    }

    /// Whether this is a write to a closed pipe (`integrations list | head`): not worth a word.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// What to print, one line per failure, without the `error: ` prefix: the message and its
    /// chain of causes, each on the same line.
    pub fn lines(&self) -> Vec<String> {
        match self {
            CliError::List { failures, .. } => failures.iter().map(ProviderFailure::line).collect(),
            // The plan, its summary included, is the output.
            CliError::Differences { .. } => Vec::new(),
            other => vec![one_line("", other)],
        }
    }
}

/// `prefix`, `error` and each of its causes not already said, joined by `: `, on one line.
pub fn one_line(prefix: &str, error: &dyn StdError) -> String {
    let mut text = format!("{prefix}{error}");
    let mut cause = error.source();
    while let Some(e) = cause {
        let said = e.to_string();
        if !said.is_empty() && !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = e.source();
    }
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use integrations::Operation;

    fn not_found() -> FacadeError {
        FacadeError::NotFound {
            vendor: Vendor::Looker,
            operation: Operation::Get,
            id: "1::nope".into(),
        }
    }

    fn transport() -> FacadeError {
        let inner = io::Error::new(io::ErrorKind::ConnectionReset, "connection reset\nby peer");
        FacadeError::Transport {
            vendor: Vendor::Torq,
            operation: Operation::List,
            source: Box::new(io::Error::other(inner)),
        }
    }

    #[test]
    fn every_kind_has_its_own_code() {
        let kinds = [
            ErrorKind::Other,
            ErrorKind::Usage,
            ErrorKind::Auth,
            ErrorKind::NotFound,
            ErrorKind::Validation,
            ErrorKind::Unsupported,
            ErrorKind::Transport,
            ErrorKind::Config,
            ErrorKind::TestFailed,
            ErrorKind::BadResponse,
            ErrorKind::Incomplete,
            ErrorKind::Problems,
        ];
        let codes: Vec<u8> = kinds.iter().map(|k| k.exit_code()).collect();
        assert_eq!(codes, (1..=12).collect::<Vec<u8>>());
        assert_eq!(ErrorKind::ApplyIncomplete.exit_code(), 13);
        // `plan`'s 2, which no other error of `plan` gives (its usage errors exit with 1).
        assert_eq!(ErrorKind::Differences.exit_code(), 2);
    }

    #[test]
    fn provider_errors_name_the_provider_vendor_and_cause_on_one_line() {
        let e = CliError::Provider {
            provider: "prod".into(),
            source: not_found(),
        };
        assert_eq!(
            e.lines(),
            ["prod: looker get: integration `1::nope` not found"]
        );
        assert_eq!(e.kind().exit_code(), 4);
        let e = CliError::Provider {
            provider: "soc".into(),
            source: transport(),
        };
        assert_eq!(
            e.lines(),
            ["soc: torq list: transport error: connection reset by peer"]
        );
    }

    #[test]
    fn a_list_exits_with_the_shared_kind_or_transport() {
        let failure = |error| ProviderFailure {
            provider: "p".into(),
            vendor: Vendor::Looker,
            error,
        };
        let unauthorized = || FacadeError::Unauthorized {
            vendor: Vendor::Looker,
            operation: Operation::Login,
            message: "refused".into(),
        };
        let same = CliError::List {
            failures: vec![failure(unauthorized()), failure(unauthorized())],
            total: 3,
        };
        assert_eq!(same.kind(), ErrorKind::Auth);
        assert_eq!(same.lines().len(), 2);
        let mixed = CliError::List {
            failures: vec![failure(unauthorized()), failure(not_found())],
            total: 2,
        };
        assert_eq!(mixed.kind(), ErrorKind::Transport);
    }

    #[test]
    fn broken_pipes_are_recognised() {
        let e = CliError::io("writing", io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(e.is_broken_pipe());
        assert!(!CliError::Usage("x".into()).is_broken_pipe());
    }
}
