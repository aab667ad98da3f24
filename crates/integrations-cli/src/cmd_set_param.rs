//! `integrations set-param <id> <name> <value|->`: `-` reads the value from stdin, so that a
//! secret never appears in the shell's history or in the process list.

use std::io::{IsTerminal, Read};

use integrations::{IntegrationId, IntegrationPatch, ParamChange};

use crate::context::Context;
use crate::error::CliError;

/// The longest value read from stdin.
pub const STDIN_LIMIT: u64 = 64 * 1024;

/// Runs the command.
pub async fn run(
    ctx: &mut Context<'_>,
    id: &IntegrationId,
    name: &str,
    value: &str,
) -> Result<(), CliError> {
    let from_stdin = value == "-";
    let value = if from_stdin {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            ctx.out
                .note("reading the value from stdin (it is not echoed back); end with Ctrl-D")?;
        }
        // A blocking read, off the runtime's threads.
        tokio::task::spawn_blocking(move || read_value(stdin.lock()))
            .await
            .map_err(|e| CliError::io("reading the value from stdin", std::io::Error::other(e)))??
    } else {
        value.to_owned()
    };
    if value.is_empty() {
        return Err(CliError::Usage(format!(
            "the value of `{name}` is empty; to remove a value use `clear-param`"
        )));
    }
    let patch = IntegrationPatch::new().param(name, ParamChange::set(value));
    let doc = crate::patch::apply(ctx, id, patch).await?;
    let sensitive = doc
        .integration
        .parameters
        .iter()
        .any(|p| p.name == name && p.sensitive);
    if sensitive && !from_stdin {
        ctx.out.warning(&format!(
            "`{name}` is sensitive and its value was on the command line, where the shell's history keeps it; pass `-` to read it from stdin"
        ))?;
    }
    Ok(())
}

/// The value on `input`: at most [`STDIN_LIMIT`] bytes of UTF-8, without one trailing newline.
pub fn read_value(input: impl Read) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    input
        .take(STDIN_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io("reading the value from stdin", e))?;
    if bytes.len() as u64 > STDIN_LIMIT {
        return Err(CliError::Usage(format!(
            "the value on stdin is longer than {STDIN_LIMIT} bytes"
        )));
    }
    let mut value = String::from_utf8(bytes)
        .map_err(|_| CliError::Usage("the value on stdin is not UTF-8".into()))?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(read_value(&b"s3cret\n"[..]).unwrap(), "s3cret");
        assert_eq!(read_value(&b"s3cret\r\n"[..]).unwrap(), "s3cret");
        assert_eq!(read_value(&b"two\n\n"[..]).unwrap(), "two\n");
        assert_eq!(read_value(&b" spaces kept "[..]).unwrap(), " spaces kept ");
    }

    #[test]
    fn oversized_and_binary_values_are_refused_without_echo() {
        let big = vec![b'x'; STDIN_LIMIT as usize + 1];
        assert_eq!(read_value(&big[..]).unwrap_err().kind().exit_code(), 2);
        let e = read_value(&[0xff, 0xfe][..]).unwrap_err();
        assert_eq!(e.to_string(), "the value on stdin is not UTF-8");
    }
}
