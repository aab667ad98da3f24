//! `--demo`: the fake Looker and Torq servers of `integrations-fake`, started in this process
//! with their seed data, so that every command works with no account and no network.

use integrations_fake::FakeServers;

use crate::error::CliError;

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

    /// The variables that point each vendor's client at its fake, as `integrations-fake`
    /// prints them (the fakes' own credentials, not a customer's: still never printed).
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        self.servers.environment()
    }

    /// Stops both fakes.
    pub async fn stop(self) {
        self.servers.shutdown().await;
    }
}
