//! The facade against hand-written HTTP, on the in-process fake servers, in one run.
//!
//! `cargo bench -p integrations-bench` (full) or `BENCH_QUICK=1 cargo bench -p integrations-bench`
//! (a few iterations, as CI runs it). Prints a Markdown table; figures are recorded in
//! BENCHMARKS.md, not asserted.
//!
//! Words after `--` pick sections by name (`list`, `get`, `login`, `codegen`), for profiling one
//! of them: `cargo bench -p integrations-bench -- list`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use integrations::{
    IntegrationProvider, ListFilter, LookerConfig, LookerProvider, TorqConfig, TorqProvider,
};
use integrations_fake::{FakeServers, LookerSeed, TorqSeed};
use serde::Deserialize;

/// Counts live and peak heap bytes allocated on the bench's own threads (the client side); the
/// fake servers run on a runtime of their own, whose threads are not counted.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && counted() {
            let size = layout.size() as isize;
            let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if counted() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The fake servers, on a runtime of their own so that their work and heap are not the client's.
struct Servers {
    fake: FakeServers,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Servers {
    fn start(looker: LookerSeed, torq: TorqSeed) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fake-server")
            .enable_all()
            .build()
            .expect("server runtime");
        let fake = std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(FakeServers::start_with(looker, torq)))
                .join()
                .expect("server start-up")
                .expect("fakes")
        });
        Self {
            fake,
            runtime: Some(runtime),
        }
    }
}

impl std::ops::Deref for Servers {
    type Target = FakeServers;
    fn deref(&self) -> &FakeServers {
        &self.fake
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The minimal structs a hand-written client would decode into.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalLooker {
    id: Option<String>,
    label: Option<String>,
    enabled: Option<bool>,
}

#[derive(Deserialize)]
struct MinimalTorqList {
    integrations: Vec<MinimalTorq>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalTorq {
    id: Option<String>,
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Warm-up, then the median of `iterations` runs of `f`.
async fn measure<F, Fut>(iterations: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await;
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        f().await;
        samples.push(start.elapsed());
    }
    median(samples)
}

async fn timed(f: impl std::future::Future<Output = ()>) -> Duration {
    let start = Instant::now();
    f.await;
    start.elapsed()
}

fn looker(fake: &FakeServers) -> LookerProvider {
    LookerConfig::new()
        .with_base_url(fake.looker.base_url())
        .with_client_id(fake.looker.client_id())
        .with_client_secret(fake.looker.client_secret())
        .build()
        .expect("looker provider")
}

fn torq(fake: &FakeServers) -> TorqProvider {
    TorqConfig::new()
        .with_base_url(fake.torq.base_url())
        .with_auth_url(fake.torq.auth_url())
        .with_client_id(fake.torq.client_id())
        .with_client_secret(fake.torq.client_secret())
        // Pacing under Torq's 50 requests/s would measure the pacer, not the client.
        .with_requests_per_second(100_000)
        .build()
        .expect("torq provider")
}

/// Sends the hand-written client's login and reads the access token of its answer.
async fn access_token(login: reqwest::RequestBuilder) -> String {
    let answer = login.send().await.expect("login");
    answer.json::<Token>().await.expect("token").access_token
}

/// The hand-written Looker client: logs in with the API key, and returns its list request.
async fn looker_baseline(http: &reqwest::Client, fake: &FakeServers) -> reqwest::RequestBuilder {
    let form = [
        ("client_id", fake.looker.client_id()),
        ("client_secret", fake.looker.client_secret()),
    ];
    let login = http.post(format!("{}/login", fake.looker.api_url()));
    let token = access_token(login.form(&form)).await;
    http.get(format!("{}/integrations", fake.looker.api_url()))
        .header("authorization", format!("token {token}"))
}

/// The hand-written Torq client: asks for a token, and returns its list request.
async fn torq_baseline(http: &reqwest::Client, fake: &FakeServers) -> reqwest::RequestBuilder {
    let login = http
        .post(format!("{}/v1/auth/token", fake.torq.auth_url()))
        .basic_auth(fake.torq.client_id(), Some(fake.torq.client_secret()))
        .form(&[("grant_type", "client_credentials")]);
    let token = access_token(login).await;
    http.get(format!("{}/v1alpha/integrations", fake.torq.base_url()))
        .bearer_auth(&token)
}

fn main() {
    // The client side: this thread and the runtime's workers are the ones whose heap is counted.
    COUNTED.set(true);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .on_thread_start(|| COUNTED.set(true))
        .build()
        .expect("bench runtime")
        .block_on(run());
}

async fn run() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let iterations = if quick { 3 } else { 21 };
    let sizes: &[usize] = if quick {
        &[100, 1_000]
    } else {
        &[1_000, 10_000]
    };
    // cargo passes `--bench`; any other word names a section to run.
    let sections: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |section: &str| sections.is_empty() || sections.iter().any(|s| s == section);
    println!("| measure | value |\n|---|---|");

    for &n in sizes.iter().filter(|_| run("list")) {
        let fake = Servers::start(LookerSeed::synthetic(n), TorqSeed::synthetic(n));
        let http = reqwest::Client::new();

        let (looker, torq) = (looker(&fake), torq(&fake));
        let cases = [
            ListCase {
                vendor: "Looker",
                provider: &looker,
                request: looker_baseline(&http, &fake).await,
                minimal: |body| decode::<Vec<MinimalLooker>>(body).len(),
                typed: |body| decode::<Vec<looker_api::types::Integration>>(body).len(),
            },
            ListCase {
                vendor: "Torq",
                provider: &torq,
                request: torq_baseline(&http, &fake).await,
                minimal: |body| decode::<MinimalTorqList>(body).integrations.len(),
                typed: |body| {
                    decode::<torq_api::types::V1alphaListIntegrationsResponse>(body)
                        .integrations
                        .len()
                },
            },
        ];
        for case in cases {
            case.run(n, iterations).await;
        }
    }

    if run("get") {
        get_throughput(quick).await;
    }
    if run("login") {
        expired_token().await;
    }
    if run("codegen") {
        codegen(quick).await;
    }
}

/// get throughput over one client, and the TCP connections it opened.
async fn get_throughput(quick: bool) {
    let fake = Servers::start(LookerSeed::demo(), TorqSeed::demo());
    let ids: Vec<_> = looker(&fake)
        .list(&ListFilter::all())
        .await
        .expect("list")
        .integrations
        .into_iter()
        .map(|i| i.id)
        .collect();
    let per_caller = if quick { 20 } else { 200 };
    for callers in [1usize, 16, 256] {
        // A new provider each time: its connections, the login's included, are all counted.
        fake.looker.control().reset_counters();
        let provider = Arc::new(looker(&fake));
        provider.list(&ListFilter::all()).await.expect("log in");
        let start = Instant::now();
        let tasks: Vec<_> = (0..callers)
            .map(|c| {
                let (p, ids) = (provider.clone(), ids.clone());
                tokio::spawn(async move {
                    for k in 0..per_caller {
                        p.get(&ids[(c + k) % ids.len()]).await.expect("get");
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
        let elapsed = start.elapsed();
        let calls = callers * per_caller;
        row(
            &format!(
                "get, {callers} concurrent caller{}: requests/s, TCP connections of the provider",
                if callers == 1 { "" } else { "s" }
            ),
            &format!(
                "{:.0}, {}",
                calls as f64 / elapsed.as_secs_f64(),
                fake.looker.control().connections()
            ),
        );
    }
}

/// 1,000 concurrent calls starting with an expired token: logins, and time to all done.
async fn expired_token() {
    for (vendor, calls) in [("Looker", 1_000usize), ("Torq", 1_000)] {
        let fake = Servers::start(LookerSeed::demo(), TorqSeed::demo());
        let provider: Arc<dyn IntegrationProvider> = if vendor == "Looker" {
            Arc::new(looker(&fake))
        } else {
            Arc::new(torq(&fake))
        };
        provider
            .list(&ListFilter::all())
            .await
            .expect("first login");
        let control = if vendor == "Looker" {
            fake.looker.control()
        } else {
            fake.torq.control()
        };
        control.expire_all_tokens();
        control.reset_counters();
        let start = Instant::now();
        let tasks: Vec<_> = (0..calls)
            .map(|_| {
                let p = provider.clone();
                tokio::spawn(async move { p.list(&ListFilter::all()).await.map(drop) })
            })
            .collect();
        for t in tasks {
            t.await.expect("task").expect("list");
        }
        row(
            &format!(
                "{vendor}: {calls} concurrent calls on an expired token: logins, time to all done"
            ),
            &format!("{}, {:.0} ms", control.logins(), ms(start.elapsed())),
        );
    }
}

/// Codegen wall time, with the xtask binary built beside this bench.
async fn codegen(quick: bool) {
    let xtask = std::env::current_exe().ok().and_then(|exe| {
        let profile_dir = exe.parent()?.parent()?.parent()?;
        ["debug", "release"]
            .iter()
            .map(|p| profile_dir.join(p).join("xtask"))
            .find(|p| p.is_file())
    });
    match xtask {
        Some(xtask) => {
            for args in [&["codegen"][..], &["codegen", "--check"][..]] {
                let took = measure(if quick { 1 } else { 5 }, || async {
                    let status = std::process::Command::new(&xtask)
                        .args(args)
                        .output()
                        .expect("xtask")
                        .status;
                    assert!(status.success(), "xtask {args:?} failed");
                })
                .await;
                row(
                    &format!("cargo xtask {} (both specs, median)", args.join(" ")),
                    &format!("{:.0} ms", ms(took)),
                );
            }
        }
        None => row(
            "cargo xtask codegen",
            "skipped: build it first (`cargo build -p xtask`)",
        ),
    }
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_slice(body).expect("decode")
}

/// One vendor's `list` three ways: through the facade; by hand with
/// `reqwest` + `serde_json` into a minimal struct (the baseline); and by hand into the
/// generated types (what decoding the vendor's full record costs by itself).
struct ListCase<'a> {
    vendor: &'a str,
    provider: &'a dyn IntegrationProvider,
    /// The authenticated list request of the hand-written client.
    request: reqwest::RequestBuilder,
    /// Decodes the body into the minimal struct; returns how many integrations.
    minimal: fn(&[u8]) -> usize,
    /// Decodes the body into the generated types; returns how many integrations.
    typed: fn(&[u8]) -> usize,
}

impl ListCase<'_> {
    /// Lists `n` integrations the three ways, `iterations` rounds after one to warm up.
    async fn run(&self, n: usize, iterations: usize) {
        let facade = || async {
            let listed = self.provider.list(&ListFilter::all()).await.expect("list");
            assert_eq!(listed.integrations.len(), n);
        };
        let by_hand = |decode: fn(&[u8]) -> usize| async move {
            let body = self
                .request
                .try_clone()
                .expect("a request without a streamed body")
                .send()
                .await
                .expect("get")
                .bytes()
                .await
                .expect("body");
            assert_eq!(decode(&body), n);
        };
        // The three in turn within each round, so that a drift of the machine (another
        // process, the heap's state) weighs on all three alike.
        let mut samples = [vec![], vec![], vec![]];
        for round in 0..=iterations {
            let took = [
                timed(facade()).await,
                timed(by_hand(self.minimal)).await,
                timed(by_hand(self.typed)).await,
            ];
            // Round 0 warms up.
            if round > 0 {
                for (samples, took) in samples.iter_mut().zip(took) {
                    samples.push(took);
                }
            }
        }
        let [facade, minimal, typed] = samples.map(median);
        row(
            &format!(
                "{} list {n}: facade / baseline / into the generated types (median ms)",
                self.vendor
            ),
            &format!(
                "{:.1} / {:.1} / {:.1}: facade÷baseline **{:.2}**, facade÷typed {:.2}",
                ms(facade),
                ms(minimal),
                ms(typed),
                ratio(facade, minimal),
                ratio(facade, typed)
            ),
        );

        // Peak heap of the client while the facade lists n integrations, and what the returned
        // model keeps.
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let kept = self.provider.list(&ListFilter::all()).await.expect("list");
        let peak = PEAK.load(Ordering::Relaxed) - before;
        let retained = LIVE.load(Ordering::Relaxed) - before;
        row(
            &format!(
                "{} list {n}: client peak heap / kept, bytes per integration",
                self.vendor
            ),
            &format!("{} / {}", peak / n as isize, retained / n as isize),
        );
        drop(kept);
    }
}

fn row(name: &str, value: &str) {
    println!("| {name} | {value} |");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
