//! `integrations-fake`: runs a fake Looker and a fake Torq on loopback until interrupted, and
//! prints on stdout the shell assignments that point clients at them. Logs go to stderr.

use std::io::{IsTerminal, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use clap::Parser;
use integrations_fake::{FakeServers, LookerFake, LookerSeed, TorqFake, TorqSeed};

/// Fake Looker (API 4.0) and Torq (API v1alpha) servers on loopback.
///
/// Prints `LOOKERSDK_*` and `TORQ_*` assignments on stdout, one per line, then serves until
/// Ctrl-C. Example: `integrations-fake > fake.env & set -a; . ./fake.env; set +a`.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port of the Looker fake (0: any free port).
    #[arg(long, default_value_t = 0)]
    looker_port: u16,
    /// Port of the Torq fake (0: any free port).
    #[arg(long, default_value_t = 0)]
    torq_port: u16,
    /// Seed Looker with this many generated integrations instead of the demo instance.
    #[arg(long, value_name = "N")]
    looker_synthetic: Option<usize>,
    /// Seed Torq with this many generated integrations instead of the demo workspace.
    #[arg(long, value_name = "N")]
    torq_synthetic: Option<usize>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("integrations-fake: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    let looker_seed = args
        .looker_synthetic
        .map_or_else(LookerSeed::demo, LookerSeed::synthetic);
    let torq_seed = args
        .torq_synthetic
        .map_or_else(TorqSeed::demo, TorqSeed::synthetic);
    let fakes = FakeServers {
        looker: LookerFake::start_on(loopback(args.looker_port), looker_seed).await?,
        torq: TorqFake::start_on(loopback(args.torq_port), torq_seed).await?,
    };
    let mut stdout = std::io::stdout().lock();
    for (name, value) in fakes.environment() {
        writeln!(stdout, "{name}={}", shell_quote(&value))?;
    }
    stdout.flush()?;
    drop(stdout);
    tracing::info!("serving; Ctrl-C to stop");
    interrupted().await;
    tracing::info!("stopping");
    fakes.shutdown().await;
    Ok(())
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// `value` as one shell word: as it is when it holds only safe characters, else single-quoted.
fn shell_quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_leaves_safe_words_and_quotes_the_rest() {
        assert_eq!(
            shell_quote("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }

    #[test]
    fn flags_parse_with_ephemeral_defaults() {
        let args = Args::try_parse_from(["integrations-fake"]).expect("no flags");
        assert_eq!((args.looker_port, args.torq_port), (0, 0));
        let args = Args::try_parse_from([
            "integrations-fake",
            "--looker-port",
            "8081",
            "--torq-synthetic",
            "10000",
        ])
        .expect("flags");
        assert_eq!(args.looker_port, 8081);
        assert_eq!(args.torq_synthetic, Some(10000));
        assert!(Args::try_parse_from(["integrations-fake", "--looker-port", "70000"]).is_err());
    }
}
