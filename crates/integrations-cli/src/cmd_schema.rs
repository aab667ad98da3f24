//! `integrations schema <document>`: the JSON Schema of a `--json` document (needs no provider).

use crate::document::DocumentKind;
use crate::error::CliError;
use crate::output::Output;

/// Runs the command.
pub fn run(out: &mut Output, document: DocumentKind) -> Result<(), CliError> {
    out.schema(&document.schema())
}
