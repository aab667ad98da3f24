//! `integrations form <id> [--value NAME=VALUE]...`: the form an integration asks its users to
//! fill (Looker), given the values chosen so far. `NAME=-` reads that value from stdin, for a
//! secret (a `password` field's value given on the command line gets a warning). No value given
//! is ever printed back: a `password` field has no default.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use clap::Args;
use integrations::{IntegrationId, Operation};

use crate::cmd_hubs::hubs_of;
use crate::cmd_set_param::read_value;
use crate::context::Context;
use crate::document_hubs::FormDocument;
use crate::error::CliError;

/// The options of `form`.
#[derive(Debug, Args)]
pub struct FormArgs {
    /// `looker:<id>`.
    pub id: IntegrationId,
    /// A value chosen so far, `NAME=VALUE` (repeatable); `NAME=-` reads it from stdin (one at
    /// most). The form may change with them (a `select` that shows other fields).
    #[arg(long = "value", value_name = "NAME=VALUE")]
    pub values: Vec<String>,
}

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, args: &FormArgs) -> Result<(), CliError> {
    let provider = ctx.providers.for_id(&args.id)?.clone();
    let hubs = hubs_of(provider.as_ref(), Operation::Form)?;
    let mut stdin_used = false;
    let mut values = BTreeMap::new();
    let mut on_command_line = Vec::new();
    for pair in &args.values {
        let (name, value) = split_value(pair)?;
        let value = if value == "-" {
            if stdin_used {
                return Err(CliError::Usage(
                    "only one --value can be read from stdin (`NAME=-`)".into(),
                ));
            }
            stdin_used = true;
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                ctx.out.note(&format!(
                    "reading the value of `{name}` from stdin (it is not echoed back); end with Ctrl-D"
                ))?;
            }
            read_value(stdin.lock())?
        } else {
            on_command_line.push(name.to_owned());
            value.to_owned()
        };
        if values.insert(name.to_owned(), value).is_some() {
            return Err(CliError::Usage(format!("--value `{name}` is given twice")));
        }
    }
    let form = hubs
        .integration_form(&args.id, &values)
        .await
        .map_err(|e| CliError::provider(provider.as_ref(), e))?;
    let doc = FormDocument {
        id: args.id.clone(),
        provider: provider.name().to_owned(),
        form,
    };
    ctx.out.form(&doc)?;
    for field in &doc.form.fields {
        if field.kind.as_deref() == Some("password") && on_command_line.contains(&field.name) {
            ctx.out.warning(&format!(
                "`{}` is a password field and its value was on the command line, where the shell's history keeps it; give `--value {}=-` to read it from stdin",
                field.name, field.name
            ))?;
        }
    }
    Ok(())
}

/// `NAME=VALUE` split at the first `=`. The error never repeats the text: it may be a secret.
fn split_value(pair: &str) -> Result<(&str, &str), CliError> {
    match pair.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name, value)),
        _ => Err(CliError::Usage(
            "--value takes NAME=VALUE (or NAME=- to read the value from stdin); the text given is not repeated here".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_the_first_equals_sign_and_errors_do_not_echo() {
        assert_eq!(split_value("channel=#ops").unwrap(), ("channel", "#ops"));
        assert_eq!(split_value("q=a=b").unwrap(), ("q", "a=b"));
        assert_eq!(split_value("empty=").unwrap(), ("empty", ""));
        for bad in ["no-equals-s3cret", "=s3cret"] {
            let e = split_value(bad).unwrap_err();
            assert_eq!(e.kind().exit_code(), 2);
            assert!(!e.to_string().contains("s3cret"), "{e}");
        }
    }
}
