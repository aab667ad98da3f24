//! One span per call, with vendor, operation, status, attempts and latency.

mod common;

use integrations::{IntegrationProvider, ListFilter};

#[tokio::test]
async fn each_call_has_a_span_with_its_outcome() {
    let (captured, _guard) = common::capture(tracing::Level::INFO);

    let (fake, looker) = common::start_looker().await;
    fake.looker
        .control()
        .fail_next("all_integrations", 1, 503, None);
    looker.list(&ListFilter::all()).await.unwrap();

    let traces = captured.text();
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
