//! `integrations hubs …`: the integration hubs of a Looker instance (the servers it takes its
//! integrations from). Only Looker has hubs: on another vendor's provider every subcommand ends
//! with the unsupported exit code (6). With several Looker providers, `--provider` chooses.
//!
//! A hub's authorization token is a secret: `--token -` reads it from stdin (a value on the
//! command line is refused, without being echoed), and it is never printed: hubs show only
//! whether they have one.

use std::io::IsTerminal;
use std::sync::Arc;

use clap::Subcommand;
use integrations::hubs::{HubPatch, IntegrationHubs, NewHub};
use integrations::{Error as FacadeError, IntegrationProvider, Operation, Vendor};

use crate::cmd_set_param::read_value;
use crate::context::Context;
use crate::document_hubs::{HealthDocument, HubDocument, HubsDocument};
use crate::error::CliError;
use crate::output::Output;
use crate::providers::{Providers, no_provider};

/// The subcommands of `hubs`.
#[derive(Debug, Subcommand)]
pub enum HubsCommand {
    /// List the instance's hubs: whether each has a token, needs a legal agreement, failed to be
    /// fetched.
    List,
    /// Show one hub.
    Get {
        /// The hub's id (`1` is Looker's own Action Hub).
        id: String,
    },
    /// Add a hub: the instance fetches its integrations from URL.
    Add {
        /// The hub's URL.
        url: String,
        /// Give the token the instance presents to the hub; only `-` is taken: the token is read
        /// from stdin, so that it stays out of the shell's history.
        #[arg(long, value_name = "-", allow_hyphen_values = true)]
        token: Option<String>,
    },
    /// Change a hub's URL or its authorization token.
    Update {
        /// The hub's id.
        id: String,
        /// Move the hub to this URL.
        #[arg(long)]
        url: Option<String>,
        /// Replace the token; only `-` is taken: the token is read from stdin.
        #[arg(long, value_name = "-", allow_hyphen_values = true)]
        token: Option<String>,
        /// Remove the token.
        #[arg(long, conflicts_with = "token")]
        remove_token: bool,
    },
    /// Remove a hub and its integrations.
    Remove {
        /// The hub's id.
        id: String,
    },
    /// Check whether the instance can reach a hub; exit code 12 when it cannot.
    Health {
        /// The hub's id.
        id: String,
    },
    /// Accept a hub's legal agreement, which its integrations need before they can be used.
    AcceptAgreement {
        /// The hub's id.
        id: String,
    },
}

impl HubsCommand {
    /// The facade's operation, for errors.
    fn operation(&self) -> Operation {
        match self {
            HubsCommand::List => Operation::ListHubs,
            HubsCommand::Get { .. } => Operation::GetHub,
            HubsCommand::Add { .. } => Operation::CreateHub,
            HubsCommand::Update { .. } => Operation::UpdateHub,
            HubsCommand::Remove { .. } => Operation::DeleteHub,
            HubsCommand::Health { .. } => Operation::HubHealth,
            HubsCommand::AcceptAgreement { .. } => Operation::AcceptHubAgreement,
        }
    }
}

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, command: &HubsCommand) -> Result<(), CliError> {
    let operation = command.operation();
    let provider = hub_provider(&ctx.providers, operation)?;
    let hubs = hubs_of(provider.as_ref(), operation)?;
    let failed = |e| CliError::provider(provider.as_ref(), e);
    let name = provider.name().to_owned();
    let hub_doc = |hub| HubDocument {
        provider: name.clone(),
        hub,
    };
    match command {
        HubsCommand::List => {
            let hubs = hubs.list_hubs().await.map_err(failed)?;
            ctx.out.hubs(&HubsDocument {
                provider: name.clone(),
                hubs,
            })
        }
        HubsCommand::Get { id } => {
            let hub = hubs.hub(id).await.map_err(failed)?;
            ctx.out.hub(&hub_doc(hub))
        }
        HubsCommand::Add { url, token } => {
            let mut new = NewHub::new(url);
            if let Some(token) = read_token(ctx.out, token.as_deref())? {
                new = new.with_authorization_token(token);
            }
            let hub = hubs.create_hub(&new).await.map_err(failed)?;
            ctx.out.hub(&hub_doc(hub))
        }
        HubsCommand::Update {
            id,
            url,
            token,
            remove_token,
        } => {
            if url.is_none() && token.is_none() && !remove_token {
                return Err(CliError::Usage(
                    "nothing to change: give --url URL, --token - or --remove-token".into(),
                ));
            }
            let mut patch = HubPatch::new();
            if let Some(url) = url {
                patch = patch.url(url);
            }
            if let Some(token) = read_token(ctx.out, token.as_deref())? {
                patch = patch.authorization_token(token);
            }
            if *remove_token {
                patch = patch.remove_authorization_token();
            }
            let hub = hubs.update_hub(id, &patch).await.map_err(failed)?;
            ctx.out.hub(&hub_doc(hub))
        }
        HubsCommand::Remove { id } => {
            // Read it first: the output names what was removed.
            let hub = hubs.hub(id).await.map_err(failed)?;
            hubs.delete_hub(id).await.map_err(failed)?;
            ctx.out.removed_hub(&hub_doc(hub))
        }
        HubsCommand::Health { id } => {
            let health = hubs.hub_health(id).await.map_err(failed)?;
            let doc = HealthDocument {
                provider: name.clone(),
                hub: id.clone(),
                health,
            };
            ctx.out.hub_health(&doc)?;
            if doc.health.healthy {
                Ok(())
            } else {
                Err(CliError::HubUnhealthy(doc))
            }
        }
        HubsCommand::AcceptAgreement { id } => {
            let hub = hubs.accept_hub_agreement(id).await.map_err(failed)?;
            ctx.out.hub(&hub_doc(hub))
        }
    }
}

/// The one provider with hubs among those configured (and kept by `--provider`). None: the
/// unsupported error of the first provider (a Torq workspace has no hubs). Several: `--provider`
/// must choose, as for an id.
pub fn hub_provider(
    providers: &Providers,
    operation: Operation,
) -> Result<Arc<dyn IntegrationProvider>, CliError> {
    let all = providers.all();
    let with_hubs: Vec<&Arc<dyn IntegrationProvider>> =
        all.iter().filter(|p| p.hubs().is_some()).collect();
    match with_hubs.as_slice() {
        [only] => Ok(Arc::clone(only)),
        [] => match all.first() {
            Some(other) => Err(unsupported(other.as_ref(), operation)),
            None => Err(no_provider(Vendor::Looker)),
        },
        several => {
            let names: Vec<&str> = several.iter().map(|p| p.name()).collect();
            Err(CliError::Usage(format!(
                "{} providers have integration hubs ({}); choose one with --provider",
                names.len(),
                names.join(", ")
            )))
        }
    }
}

/// The hubs of `provider`, or the unsupported error (exit code 6) when its vendor has none.
pub fn hubs_of(
    provider: &dyn IntegrationProvider,
    operation: Operation,
) -> Result<&dyn IntegrationHubs, CliError> {
    provider
        .hubs()
        .ok_or_else(|| unsupported(provider, operation))
}

fn unsupported(provider: &dyn IntegrationProvider, operation: Operation) -> CliError {
    CliError::provider(
        provider,
        FacadeError::Unsupported {
            vendor: provider.vendor(),
            operation,
        },
    )
}

/// The token `--token` asks for: `-` reads it from stdin; any other value is refused without
/// being repeated (it would be a secret on the command line).
fn read_token(out: &mut Output, flag: Option<&str>) -> Result<Option<String>, CliError> {
    match flag {
        None => Ok(None),
        Some("-") => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                out.note(
                    "reading the hub's token from stdin (it is not echoed back); end with Ctrl-D",
                )?;
            }
            let token = read_value(stdin.lock())?;
            if token.is_empty() {
                return Err(CliError::Usage(
                    "the token on stdin is empty; to remove the token use --remove-token".into(),
                ));
            }
            Ok(Some(token))
        }
        Some(_) => Err(CliError::Usage(token_on_command_line())),
    }
}

/// Why a token given on the command line is refused (the value itself is never repeated).
pub fn token_on_command_line() -> String {
    "--token takes only `-`: a hub's token is a secret, read from stdin so that it stays out of the shell's history (the value given was not used)".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;

    #[test]
    fn a_token_on_the_command_line_is_refused_without_echo() {
        let mut out = Output::new(Format::Table, Box::new(Vec::new()), Box::new(Vec::new()));
        let e = read_token(&mut out, Some("hub-s3cret")).unwrap_err();
        assert_eq!(e.kind().exit_code(), 2);
        assert!(!e.to_string().contains("hub-s3cret"), "{e}");
        assert!(read_token(&mut out, None).unwrap().is_none());
    }
}
