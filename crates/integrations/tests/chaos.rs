//! Chaos: 1,000 GETs under about 30 % injected 429s, 503s and dropped connections all succeed,
//! while PATCHes and test POSTs under the same faults are never sent again once the server got
//! them (only a 429, which says the request was not processed, is retried for them).
//!
//! The faults come from a seeded generator (`CHAOS_SEED` overrides the seed), queued per call
//! just before it, so every run sends the same requests and the fake's counters can be
//! predicted exactly: `requests` counts what reached a route, `handled` what its handler
//! processed.

mod common;

use std::time::Duration;

use integrations::{
    Error, IntegrationId, IntegrationPatch, IntegrationProvider, ListFilter, LookerProvider,
    Operation, RetryConfig,
};
use integrations_fake::{Control, FakeServers};

const SEED: u64 = 0x5eed_cafe_f00d_0001;
const GETS: usize = 1000;
const WRITES: usize = 150;
/// The share of requests a fault takes.
const FAULT_RATE: f64 = 0.3;
/// Most faults in a row before a GET goes through; the retry budget allows more.
const MOST_IN_A_ROW: usize = 5;

/// SplitMix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    TooMany,
    Unavailable,
    Dropped,
}

impl Fault {
    fn any(rng: &mut Rng) -> Self {
        [Fault::TooMany, Fault::Unavailable, Fault::Dropped][rng.below(3)]
    }

    fn queue(self, control: &Control, route: &str) {
        match self {
            Fault::TooMany => control.fail_next(route, 1, 429, None),
            Fault::Unavailable => control.fail_next(route, 1, 503, None),
            Fault::Dropped => control.drop_next(route, 1),
        }
    }
}

/// Enough attempts for every run of faults, waits of a millisecond or two.
fn patient_retry() -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(MOST_IN_A_ROW + 3)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .with_max_retry_after(Duration::from_secs(1))
        .with_deadline(Duration::from_secs(30))
}

/// What the fake counted for `route` since the last look.
struct Counts<'a> {
    control: &'a Control,
    route: &'static str,
    requests: usize,
    handled: usize,
}

impl<'a> Counts<'a> {
    fn new(control: &'a Control, route: &'static str) -> Self {
        Self {
            control,
            route,
            requests: control.requests(route),
            handled: control.handled(route),
        }
    }

    /// (requests, handled) since the last call.
    fn delta(&mut self) -> (usize, usize) {
        let (requests, handled) = (
            self.control.requests(self.route),
            self.control.handled(self.route),
        );
        let delta = (requests - self.requests, handled - self.handled);
        (self.requests, self.handled) = (requests, handled);
        delta
    }
}

async fn gets(
    looker: &LookerProvider,
    control: &Control,
    ids: &[IntegrationId],
    seed: u64,
) -> usize {
    let mut rng = Rng(seed);
    let mut lists = Counts::new(control, "all_integrations");
    let mut reads = Counts::new(control, "integration");
    let mut faults = 0;
    let mut requests = 0;
    for call in 0..GETS {
        let list = call % 2 == 0;
        let route = if list {
            "all_integrations"
        } else {
            "integration"
        };
        let mut queued = Vec::new();
        while queued.len() < MOST_IN_A_ROW && rng.chance(FAULT_RATE) {
            queued.push(Fault::any(&mut rng));
        }
        for fault in &queued {
            fault.queue(control, route);
        }
        let outcome = if list {
            looker
                .list(&ListFilter::all())
                .await
                .map(|l| l.integrations.len())
        } else {
            looker.get(&ids[call % ids.len()]).await.map(|_| 1)
        };
        let n = outcome.unwrap_or_else(|e| panic!("GET {call} after {queued:?}: {e}"));
        if list {
            assert_eq!(n, ids.len(), "GET {call}: every record");
        }
        let delta = if list { lists.delta() } else { reads.delta() };
        assert_eq!(
            delta,
            (queued.len() + 1, 1),
            "GET {call} after {queued:?}: (requests, handled)"
        );
        faults += queued.len();
        requests += delta.0;
    }
    eprintln!(
        "{GETS} GETs: {requests} requests, {faults} faulted ({:.0} %)",
        100.0 * faults as f64 / requests as f64
    );
    faults
}

/// How one write ends, as queued: some 429s, then an answer, a 503 or a dropped connection.
fn write_faults(rng: &mut Rng) -> (usize, Option<Fault>) {
    let mut too_many = 0;
    while too_many < MOST_IN_A_ROW && rng.chance(FAULT_RATE / 2.0) {
        too_many += 1;
    }
    let end = rng
        .chance(FAULT_RATE)
        .then(|| [Fault::Unavailable, Fault::Dropped][rng.below(2)]);
    (too_many, end)
}

async fn writes(looker: &LookerProvider, control: &Control, ids: &[IntegrationId], seed: u64) {
    let mut rng = Rng(seed ^ 0xdead_beef);
    let mut updates = Counts::new(control, "update_integration");
    let mut tests = Counts::new(control, "test_integration");
    let mut failed = 0;
    for call in 0..WRITES * 2 {
        let update = call % 2 == 0;
        let route = if update {
            "update_integration"
        } else {
            "test_integration"
        };
        let (too_many, end) = write_faults(&mut rng);
        control.fail_next(route, too_many, 429, None);
        if let Some(end) = end {
            end.queue(control, route);
        }
        let id = &ids[rng.below(ids.len())];
        let outcome = if update {
            let patch = IntegrationPatch::new().enabled(call % 4 == 0);
            looker.update(id, &patch).await.map(drop)
        } else {
            looker.test(id).await.map(drop)
        };
        let operation = if update {
            Operation::Update
        } else {
            Operation::Test
        };
        match (end, &outcome) {
            (None, Ok(())) => {}
            (
                Some(Fault::Unavailable),
                Err(Error::Server {
                    status: 503,
                    operation: o,
                    ..
                }),
            ) if *o == operation => failed += 1,
            (Some(Fault::Dropped), Err(Error::Transport { operation: o, .. }))
                if *o == operation =>
            {
                failed += 1
            }
            _ => panic!("{route} {call} after {too_many} 429s and {end:?}: {outcome:?}"),
        }
        let delta = if update {
            updates.delta()
        } else {
            tests.delta()
        };
        // Every 429 sent again; whatever reached the handler, or may have (a 503, a dropped
        // connection), never.
        assert_eq!(
            delta,
            (too_many + 1, usize::from(end.is_none())),
            "{route} {call} after {too_many} 429s and {end:?}: (requests, handled)"
        );
    }
    eprintln!("{} writes: {failed} failed as injected", WRITES * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gets_survive_chaos_and_writes_are_never_replayed() {
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    eprintln!("CHAOS_SEED={seed}");
    let fake = FakeServers::start().await.unwrap();
    let looker = common::looker_config(&fake.looker)
        .with_retry(patient_retry())
        .build()
        .unwrap();
    let control = fake.looker.control();
    let ids = common::list_ids(&looker).await;
    control.reset_counters();

    let (faults, ()) = tokio::join!(
        gets(&looker, control, &ids, seed),
        writes(&looker, control, &ids, seed)
    );

    // The fault rate was what was asked for, every fault was consumed, and one session served
    // it all.
    let get_requests = control.requests("all_integrations") + control.requests("integration");
    let rate = faults as f64 / get_requests as f64;
    assert!((0.2..0.4).contains(&rate), "fault rate {rate:.2}");
    assert_eq!(
        get_requests - control.handled("all_integrations") - control.handled("integration"),
        faults
    );
    assert_eq!(control.logins(), 0, "no new login was needed");
    for route in [
        "all_integrations",
        "integration",
        "update_integration",
        "test_integration",
    ] {
        let before = control.requests(route);
        match route {
            "all_integrations" => drop(looker.list(&ListFilter::all()).await.unwrap()),
            "integration" => drop(looker.get(&ids[0]).await.unwrap()),
            "update_integration" => drop(
                looker
                    .update(&ids[0], &IntegrationPatch::new().enabled(true))
                    .await
                    .unwrap(),
            ),
            _ => drop(looker.test(&ids[0]).await.unwrap()),
        }
        assert_eq!(
            control.requests(route),
            before + 1,
            "{route}: no fault left queued"
        );
    }
}
