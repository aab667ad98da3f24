//! One span per call, with vendor, operation, status, attempts and latency.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use integrations::{IntegrationProvider, ListFilter};
use integrations_fake::FakeServers;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_call_has_a_span_with_its_outcome() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    fake.looker
        .control()
        .fail_next("all_integrations", 1, 503, None);
    looker.list(&ListFilter::all()).await.unwrap();

    let traces = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = traces
        .lines()
        .find(|l| {
            l.contains("integrations.call")
                && l.contains("all_integrations")
                && l.contains("status=")
        })
        .unwrap_or_else(|| panic!("no span for the list call in:\n{traces}"));
    for field in [
        "integrations.call",
        "vendor=looker",
        "status=200",
        "attempts=2",
        "latency_ms=",
    ] {
        assert!(line.contains(field), "{field} missing in {line}");
    }
}
