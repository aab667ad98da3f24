//! What a command runs with.

use crate::output::Output;
use crate::providers::Providers;

/// The providers and the output of one command.
pub struct Context<'a> {
    /// The configured providers.
    pub providers: Providers,
    /// Where results go.
    pub out: &'a mut Output,
    /// Whether a person watches stderr (a terminal, not `--quiet`, not `--verbose`): progress
    /// is shown only then.
    pub interactive: bool,
}
