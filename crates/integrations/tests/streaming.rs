//! `list_stream`: each record as it is read, from the body as it arrives.

mod common;

use std::time::Duration;

use futures::StreamExt;
use integrations::{
    Error, IntegrationProvider, ListFilter, ListItem, ListStream, Listing, Operation, Vendor,
};
use integrations_fake::{FakeServers, RawAnswer};

const JSON: &str = "application/json";

/// Every item of `items`, to its end.
async fn drain(mut items: ListStream<'_>) -> Vec<integrations::Result<ListItem>> {
    let mut all = Vec::new();
    while let Some(item) = items.next().await {
        all.push(item);
    }
    all
}

#[tokio::test]
async fn a_streamed_listing_is_the_listing_for_both_vendors() {
    let fake = FakeServers::start().await.unwrap();
    let providers: [Box<dyn IntegrationProvider>; 2] = [
        Box::new(common::looker(&fake.looker)),
        Box::new(common::torq(&fake.torq)),
    ];
    for provider in &providers {
        let filter = ListFilter::all();
        let whole = provider.list(&filter).await.unwrap();
        assert!(whole.integrations.len() > 2, "{}", provider.name());
        let streamed = Listing::from_stream(provider.list_stream(&filter))
            .await
            .unwrap();
        assert_eq!(streamed, whole, "{}", provider.name());
    }
}

/// An answer cut in the middle: the records that came whole are yielded, in order, then the
/// error, then nothing; `list` fails as a whole.
#[tokio::test]
async fn records_before_a_cut_are_yielded_then_the_error() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker(&fake.looker);
    let torq = common::torq(&fake.torq);
    let looker_wire =
        common::looker_wire(&fake.looker, reqwest::Method::GET, "/integrations", None).await;
    let torq_wire = common::torq_list_wire(&fake.torq).await;
    let cases: [(&dyn IntegrationProvider, &str, &[u8]); 2] = [
        (&looker, "all_integrations", &looker_wire.body),
        (&torq, "list_integrations", &torq_wire.body),
    ];
    for (provider, route, body) in cases {
        let control = match provider.vendor() {
            Vendor::Looker => fake.looker.control(),
            _ => fake.torq.control(),
        };
        let whole = provider.list(&ListFilter::all()).await.unwrap();
        let cut = || {
            RawAnswer::truncated(200, body[..body.len() / 2].to_vec(), body.len() as u64)
                .header("Content-Type", JSON)
        };

        control.answer_once(route, cut()).unwrap();
        let items = drain(provider.list_stream(&ListFilter::all())).await;
        let (last, read) = items.split_last().expect("items");
        let read: Vec<_> = read
            .iter()
            .map(|item| match item {
                Ok(ListItem::Integration(integration)) => integration.clone(),
                other => panic!("{}: expected a record, got {other:?}", provider.name()),
            })
            .collect();
        assert!(
            !read.is_empty(),
            "{}: half a body holds records",
            provider.name()
        );
        assert!(read.len() < whole.integrations.len());
        assert_eq!(
            read,
            whole.integrations[..read.len()],
            "{}",
            provider.name()
        );
        match last {
            Err(Error::BadResponse {
                operation: Operation::List,
                status: Some(200),
                ..
            }) => {}
            other => panic!(
                "{}: expected a bad response, got {other:?}",
                provider.name()
            ),
        }

        control.answer_once(route, cut()).unwrap();
        assert!(
            matches!(
                provider.list(&ListFilter::all()).await,
                Err(Error::BadResponse { .. })
            ),
            "{}",
            provider.name()
        );
    }
}

/// A body that is not a listing is refused at its first bytes: the client stops reading an
/// endless one long before its cap.
#[tokio::test]
async fn an_answer_that_is_not_a_listing_is_refused_at_its_start() {
    const LIMIT: u64 = 256 << 20;
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_config(&fake.looker)
        .with_max_response_bytes(LIMIT)
        .build()
        .unwrap();
    looker.list(&ListFilter::all()).await.unwrap();
    let control = fake.looker.control();
    control.reset_counters();
    control
        .answer_once(
            "all_integrations",
            RawAnswer::endless(200, r#"{"id":"x","label":"endless"},"#)
                .header("Content-Type", JSON),
        )
        .unwrap();
    match looker.list(&ListFilter::all()).await {
        Err(Error::BadResponse {
            status: Some(200),
            reason,
            excerpt: Some(excerpt),
            ..
        }) => {
            assert!(reason.contains("not a JSON array"), "{reason}");
            assert!(excerpt.starts_with(r#"{"id":"x""#), "{excerpt}");
        }
        other => panic!("expected a bad response, got {other:?}"),
    }
    tokio::time::timeout(Duration::from_secs(10), async {
        while control.raw_answers_in_flight("all_integrations") > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the client hangs up");
    let sent = control.raw_bytes_sent("all_integrations");
    assert!(sent < LIMIT / 8, "{sent} bytes sent");
}

/// A streamed listing keeps its in-flight slot while its body is being read, and frees it once
/// it has read the body's end, even before the caller has taken every record: with one slot,
/// another call waits for an endless body (until the stream is dropped), not for a whole one.
#[tokio::test]
async fn a_stream_holds_its_slot_while_its_body_is_read() {
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_config(&fake.looker)
        .with_max_in_flight(1)
        .build()
        .unwrap();
    let filter = ListFilter::all();
    let first = looker.list(&filter).await.unwrap().integrations[0].clone();
    let get = || tokio::time::timeout(Duration::from_millis(300), looker.get(&first.id));

    // `[{…},[{…},[{…},…`: one record, then one that never ends.
    let endless = format!(r#"[{{"id":"{}"}},"#, first.id.vendor_id());
    fake.looker
        .control()
        .answer_once(
            "all_integrations",
            RawAnswer::endless(200, endless).header("Content-Type", JSON),
        )
        .unwrap();
    let mut items = looker.list_stream(&filter);
    assert!(matches!(
        items.next().await,
        Some(Ok(ListItem::Integration(_)))
    ));
    assert!(
        get().await.is_err(),
        "a call went while the body was being read"
    );
    drop(items);
    assert_eq!(get().await.expect("the slot is free").unwrap().id, first.id);

    // A small answer arrives whole: its end is read before its first record is handed out.
    let two = format!(r#"[{{"id":"{0}"}},{{"id":"{0}"}}]"#, first.id.vendor_id());
    fake.looker
        .control()
        .answer_once(
            "all_integrations",
            RawAnswer::new(200).header("Content-Type", JSON).body(two),
        )
        .unwrap();
    let mut items = looker.list_stream(&filter);
    assert!(matches!(
        items.next().await,
        Some(Ok(ListItem::Integration(_)))
    ));
    let got = get()
        .await
        .expect("the slot is free once the body has ended");
    assert_eq!(got.unwrap().id, first.id);
    assert!(matches!(
        items.next().await,
        Some(Ok(ListItem::Integration(_)))
    ));
    assert!(items.next().await.is_none());
}
