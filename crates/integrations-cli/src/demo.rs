//! `--demo`: the fake Looker and Torq servers of `integrations-fake`, started in this process
//! with their seed data, so that every command works with no account and no network.

use std::fmt;

use integrations_fake::FakeServers;

use crate::error::CliError;

/// The name of the demo Looker provider.
pub const LOOKER_NAME: &str = "demo-looker";
/// The name of the demo Torq provider.
pub const TORQ_NAME: &str = "demo-torq";

/// Where the demo servers listen and the credentials they accept (the fakes' own, not a
/// customer's: still never printed).
#[derive(Clone)]
pub struct Endpoints {
    /// Looker instance URL.
    pub looker_base_url: String,
    /// Looker client id.
    pub looker_client_id: String,
    /// Looker client secret.
    pub looker_client_secret: String,
    /// Torq API URL.
    pub torq_base_url: String,
    /// Torq auth URL.
    pub torq_auth_url: String,
    /// Torq client id.
    pub torq_client_id: String,
    /// Torq client secret.
    pub torq_client_secret: String,
}

impl fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoints")
            .field("looker_base_url", &self.looker_base_url)
            .field("torq_base_url", &self.torq_base_url)
            .finish_non_exhaustive()
    }
}

/// The running demo servers. Changes made by a command live as long as the command.
#[derive(Debug)]
pub struct Demo {
    servers: FakeServers,
}

impl Demo {
    /// Starts both fakes on loopback with the demo data.
    pub async fn start() -> Result<Self, CliError> {
        let servers = FakeServers::start()
            .await
            .map_err(|e| CliError::io("starting the demo servers", e))?;
        Ok(Self { servers })
    }

    /// Their addresses and credentials.
    pub fn endpoints(&self) -> Endpoints {
        let FakeServers { looker, torq } = &self.servers;
        Endpoints {
            looker_base_url: looker.base_url(),
            looker_client_id: looker.client_id().to_owned(),
            looker_client_secret: looker.client_secret().to_owned(),
            torq_base_url: torq.base_url(),
            torq_auth_url: torq.auth_url(),
            torq_client_id: torq.client_id().to_owned(),
            torq_client_secret: torq.client_secret().to_owned(),
        }
    }

    /// Stops both fakes.
    pub async fn stop(self) {
        self.servers.shutdown().await;
    }
}
