//! Property: whatever a server answers (any status, any headers, a body of the right shape with
//! the wrong types, huge numbers, deep nesting, invalid UTF-8, cut short, secrets where none
//! belong, random bytes, nothing), the facade neither panics nor hangs, answers `Ok` or an
//! `integrations::Error`, keeps the good records of a listing, and shows no secret.
//!
//! One Looker and one Torq provider on the fakes serve every case; each case scripts one raw
//! answer on one route. `PROPTEST_CASES` sets the number of cases (128 when unset).

mod common;

use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;

use integrations::{
    ClientOptions, Error, IntegrationId, IntegrationPatch, IntegrationProvider, ListFilter,
    LookerProvider, ParamChange, RetryConfig, TorqProvider, Vendor,
};
use integrations_fake::{Control, FakeServers, RawAnswer};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::value::RawValue;
use serde_json::{Value, json};

/// The routes a case answers on, by operationId.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    LookerLogin,
    LookerList,
    LookerGet,
    LookerUpdate,
    LookerTest,
    TorqToken,
    TorqList,
    /// Torq's `get`: a listing, searched.
    TorqGet,
}

impl Route {
    const ALL: [Route; 8] = [
        Route::LookerLogin,
        Route::LookerList,
        Route::LookerGet,
        Route::LookerUpdate,
        Route::LookerTest,
        Route::TorqToken,
        Route::TorqList,
        Route::TorqGet,
    ];

    fn operation_id(self) -> &'static str {
        match self {
            Route::LookerLogin => "login",
            Route::LookerList => "all_integrations",
            Route::LookerGet => "integration",
            Route::LookerUpdate => "update_integration",
            Route::LookerTest => "test_integration",
            Route::TorqToken => "create_token",
            Route::TorqList | Route::TorqGet => "list_integrations",
        }
    }

    fn vendor(self) -> Vendor {
        match self {
            Route::TorqToken | Route::TorqList | Route::TorqGet => Vendor::Torq,
            _ => Vendor::Looker,
        }
    }

    /// Whether the route's request is a login.
    fn is_login(self) -> bool {
        matches!(self, Route::LookerLogin | Route::TorqToken)
    }

    /// Whether this status refuses the token of the route's request (which the facade answers
    /// with one fresh login and one resend): Looker 401, Torq 302 and 401, never on a login.
    fn refuses_token(self, status: u16) -> bool {
        match self {
            Route::LookerLogin | Route::TorqToken => false,
            Route::TorqList | Route::TorqGet => matches!(status, 302 | 401),
            _ => status == 401,
        }
    }

    /// Whether the facade sends the request again after this answer, as `retry.rs` and
    /// `transport.rs` document it (so that the fake's own handler answers it): GETs on 429, 502,
    /// 503, 504 and transport errors (an informational 1xx ends in one: HTTP skips it and waits
    /// for a final answer that never comes; 101 is a final answer, not retried), other methods
    /// (PATCH, POST, logins) only on 429, unless the answer's `Retry-After` asks for a wait
    /// longer than `max_retry_after` (0 here: any wait the facade can read that is not zero);
    /// and once with a fresh token after a refused one. With `quick_retry`'s two attempts, the
    /// request is sent at most twice.
    fn sent_again(self, status: u16, retry_after: Option<&str>) -> bool {
        let get = matches!(
            self,
            Route::LookerList | Route::LookerGet | Route::TorqList | Route::TorqGet
        );
        // A wait the facade reads (seconds, an HTTP date) that is not zero ends the retries.
        let waits = matches!(
            retry_after,
            Some("1" | "3600" | "18446744073709551615" | "Fri, 31 Dec 9999 23:59:59 GMT")
        );
        match status {
            101 => false,
            100..=199 => get,
            429 => !waits,
            502..=504 => get && !waits,
            _ => self.refuses_token(status),
        }
    }
}

/// A raw fragment spliced into a JSON text (what `serde_json::Value` cannot hold).
#[derive(Debug, Clone)]
enum Raw {
    HugeNumber(&'static str),
    Deep(usize),
}

impl Raw {
    fn text(&self) -> String {
        match self {
            Raw::HugeNumber(n) => (*n).to_owned(),
            Raw::Deep(depth) => format!("{}1{}", "[".repeat(*depth), "]".repeat(*depth)),
        }
    }
}

/// A change to a record of the route's valid answer.
#[derive(Debug, Clone)]
enum Mutation {
    /// A member of a record gets a value of another type.
    WrongType(Index, Index, u8),
    /// A member of a record gets a number no type holds.
    Huge(Index, Index, &'static str),
    /// A member of a record gets an array nested `depth` deep.
    Deep(Index, Index, usize),
    /// A member of a record is removed.
    Remove(Index, Index),
    /// A secret-bearing member is added to a record, holding a planted secret.
    PlantMember(Index, &'static str),
    /// A sensitive parameter of a record holds a planted secret value.
    PlantParam(Index, Index),
    /// A secret-bearing member of a record holds a secret of the session (client secret,
    /// current token, the patch's value).
    EchoSession(Index, &'static str, u8),
    /// A record is replaced by something that is not an object.
    NotARecord(Index, u8),
}

/// How the bytes of a body are spoiled after serialization.
#[derive(Debug, Clone)]
enum Spoil {
    None,
    /// The body is cut at a byte (and sent as a whole, shorter body).
    Cut(Index),
    /// The body is cut at a byte, with the full length promised.
    Truncated(Index),
    /// Bytes that are not UTF-8 are put before a quote (so that they change no member's name
    /// into one that no longer says it holds a secret).
    NotUtf8(Index, u8),
}

#[derive(Debug, Clone)]
enum Body {
    /// The route's valid answer, changed.
    Valid(Vec<Mutation>, Spoil),
    /// The vendor's error shape whose message echoes the session's secrets, with a planted
    /// secret in a secret-bearing member; with members of the wrong type when `true`.
    ErrorEcho(u8, bool),
    /// An HTML page with a planted token in a link and the client secret in its text.
    Html,
    Empty,
    Bytes(Vec<u8>),
    Endless(u8),
}

#[derive(Debug, Clone)]
struct Case {
    route: Route,
    status: u16,
    content_type: Option<&'static str>,
    retry_after: Option<&'static str>,
    body: Body,
    /// Makes this case's planted secrets unique.
    seed: u64,
}

const SECRET_KEYS: [&str; 7] = [
    "access_token",
    "authorization_token",
    "password",
    "client_secret",
    "refresh_token",
    "token",
    "api_key",
];

const JSON_TYPES: [&str; 3] = [
    "application/json",
    "application/json; charset=utf-8",
    "application/problem+json",
];

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        4 => prop::sample::select(vec![
            200u16, 201, 204, 302, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504,
        ]),
        1 => 100u16..=999,
    ]
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        6 => prop::sample::select(JSON_TYPES.to_vec()).prop_map(Some),
        1 => Just(None),
        1 => prop::sample::select(vec![
            "text/html", "text/plain", "application/xml", "json", "application/jsonx", "*/*", "",
        ])
        .prop_map(Some),
    ]
}

fn retry_after() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        2 => Just(None),
        1 => prop::sample::select(vec![
            "0",
            "1",
            "3600",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999999",
            "-1",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "1.5",
        ])
        .prop_map(Some),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let huge = prop::sample::select(vec![
        "1e400",
        "-1e400",
        "18446744073709551616",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "1.7976931348623157e309",
    ]);
    prop_oneof![
        3 => (any::<Index>(), any::<Index>(), any::<u8>()).prop_map(|(r, m, k)| Mutation::WrongType(r, m, k)),
        2 => (any::<Index>(), any::<Index>(), huge).prop_map(|(r, m, h)| Mutation::Huge(r, m, h)),
        1 => (any::<Index>(), any::<Index>(), 200usize..400).prop_map(|(r, m, d)| Mutation::Deep(r, m, d)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(r, m)| Mutation::Remove(r, m)),
        3 => (any::<Index>(), prop::sample::select(SECRET_KEYS.to_vec())).prop_map(|(r, k)| Mutation::PlantMember(r, k)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(r, p)| Mutation::PlantParam(r, p)),
        2 => (any::<Index>(), prop::sample::select(SECRET_KEYS.to_vec()), any::<u8>()).prop_map(|(r, k, w)| Mutation::EchoSession(r, k, w)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(r, k)| Mutation::NotARecord(r, k)),
    ]
}

fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        6 => Just(Spoil::None),
        1 => any::<Index>().prop_map(Spoil::Cut),
        1 => any::<Index>().prop_map(Spoil::Truncated),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Spoil::NotUtf8(i, b)),
    ]
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        3 => Just(Body::Valid(Vec::new(), Spoil::None)),
        10 => (prop::collection::vec(mutation(), 1..4), spoil()).prop_map(|(m, s)| Body::Valid(m, s)),
        3 => (any::<u8>(), prop::bool::weighted(0.3)).prop_map(|(w, t)| Body::ErrorEcho(w, t)),
        1 => Just(Body::Html),
        1 => Just(Body::Empty),
        1 => prop::collection::vec(any::<u8>(), 0..512).prop_map(Body::Bytes),
        1 => any::<u8>().prop_map(Body::Endless),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(Route::ALL.to_vec()),
        status(),
        content_type(),
        retry_after(),
        body(),
        any::<u64>(),
    )
        .prop_map(
            |(route, status, content_type, retry_after, body, seed)| Case {
                route,
                status,
                content_type,
                retry_after,
                body,
                seed,
            },
        )
}

/// Everything the cases share: the fakes, one provider per vendor, the fakes' own answers.
struct World {
    runtime: tokio::runtime::Runtime,
    fakes: FakeServers,
    looker: LookerProvider,
    torq: TorqProvider,
    looker_list: Value,
    looker_record: Value,
    looker_test: Value,
    torq_list: Value,
    looker_id: IntegrationId,
    torq_id: IntegrationId,
    /// Tokens the fakes issued, as of `seen_logins` logins.
    tokens: RefCell<(usize, HashSet<String>)>,
    /// How each route's call ends when the fake's own handlers answer it: `Ok`, but for the
    /// update, whose patch names a parameter the record does not have, so that the fake refuses
    /// it (`Validation`) and its state never changes from one case to the next.
    own: std::collections::HashMap<&'static str, String>,
    /// How the cases ended, for the report: `Ok`, each error variant, listings counted.
    outcomes: RefCell<std::collections::BTreeMap<String, usize>>,
}

/// A retry budget that keeps cases short: one retry, no wait, no `Retry-After` honoured but 0.
fn quick_retry() -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(2)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .with_max_retry_after(Duration::ZERO)
        .with_deadline(Duration::from_secs(10))
}

const MAX_RESPONSE_BYTES: u64 = 1 << 20;

impl World {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (fakes, looker, torq, looker_list, looker_test, torq_list) = runtime.block_on(async {
            let fakes = FakeServers::start().await.unwrap();
            // Both providers: one quick retry, a short timeout, bounded reads; Torq unpaced, as
            // `common::torq_config` has it.
            let options = ClientOptions::new()
                .with_retry(quick_retry())
                .with_timeout(Duration::from_secs(5))
                .with_max_response_bytes(MAX_RESPONSE_BYTES);
            let looker =
                common::looker_with(&fakes.looker, |c| c.with_client_options(options.clone()));
            let torq = common::torq_with(&fakes.torq, |c| {
                c.with_client_options(options.clone())
                    .with_requests_per_second(10_000)
            });
            let list =
                common::looker_wire(&fakes.looker, reqwest::Method::GET, "/integrations", None)
                    .await;
            let list: Value = serde_json::from_slice(&list.body).unwrap();
            let id = list[0]["id"].as_str().unwrap().to_owned();
            let test = common::looker_wire(
                &fakes.looker,
                reqwest::Method::POST,
                &format!("/integrations/{id}/test"),
                None,
            )
            .await;
            let test: Value = serde_json::from_slice(&test.body).unwrap();
            let torq_list = common::torq_list_wire(&fakes.torq).await;
            let torq_list: Value = serde_json::from_slice(&torq_list.body).unwrap();
            // The providers' own sessions are the last the fakes opened: their tokens are the
            // ones a case echoes.
            looker.list(&ListFilter::all()).await.unwrap();
            torq.list(&ListFilter::all()).await.unwrap();
            (fakes, looker, torq, list, test, torq_list)
        });
        let looker_record = looker_list[0].clone();
        let looker_id =
            IntegrationId::new(Vendor::Looker, looker_record["id"].as_str().unwrap()).unwrap();
        let torq_id = IntegrationId::new(
            Vendor::Torq,
            torq_list["integrations"][0]["id"].as_str().unwrap(),
        )
        .unwrap();
        let mut world = Self {
            runtime,
            fakes,
            looker,
            torq,
            looker_list,
            looker_record,
            looker_test,
            torq_list,
            looker_id,
            torq_id,
            tokens: RefCell::new((usize::MAX, HashSet::new())),
            own: Default::default(),
            outcomes: RefCell::default(),
        };
        for route in Route::ALL {
            let case = Case {
                route,
                status: 200,
                content_type: None,
                retry_after: None,
                body: Body::Empty,
                seed: 0,
            };
            let (shown, _) = world
                .runtime
                .block_on(run(&world, &case))
                .expect("the fakes answer within 30 s");
            world.own.insert(route.operation_id(), kind(&shown));
        }
        assert_eq!(
            world.own["update_integration"], "Validation",
            "{:?}",
            world.own
        );
        world
    }

    fn control(&self, vendor: Vendor) -> &Control {
        match vendor {
            Vendor::Torq => self.fakes.torq.control(),
            _ => self.fakes.looker.control(),
        }
    }

    fn client_secret(&self, vendor: Vendor) -> &str {
        match vendor {
            Vendor::Torq => self.fakes.torq.client_secret(),
            _ => self.fakes.looker.client_secret(),
        }
    }

    /// Empties every route's queue of both fakes: no answer scripted for one case is left for
    /// another.
    fn clear_queues(&self) {
        self.fakes.looker.control().clear_faults();
        self.fakes.torq.control().clear_faults();
    }

    /// Waits (at most 10 s) until no raw answer of `route` is being written any more: the
    /// facade hung up on an endless body, and no writer of this case runs into the next one.
    fn hung_up(&self, vendor: Vendor, route: &str) -> bool {
        let control = self.control(vendor);
        self.runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), async {
                while control.raw_answers_in_flight(route) > 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            })
            .await
            .is_ok()
        })
    }

    /// Lists on `vendor`'s provider with nothing scripted: the fake's own handlers answer, and
    /// the call must succeed whatever the case before answered (a planted, unusable or expired
    /// token is replaced by one fresh login). Leaves the provider holding the token the fake
    /// issued last, which the next case echoes.
    fn recover(&self, vendor: Vendor) -> Result<(), String> {
        let outcome = self.runtime.block_on(async {
            let call = async {
                match vendor {
                    Vendor::Torq => self.torq.list(&ListFilter::all()).await,
                    _ => self.looker.list(&ListFilter::all()).await,
                }
            };
            tokio::time::timeout(Duration::from_secs(30), call).await
        });
        match outcome {
            Ok(Ok(listing)) if listing.skipped.is_empty() => Ok(()),
            Ok(Ok(listing)) => Err(format!("skipped {:?}", listing.skipped)),
            Ok(Err(e)) => Err(format!("{e:?}")),
            Err(_) => Err("no answer within 30 s".into()),
        }
    }

    /// The token the fake issued last, which the provider holds (see `recover`).
    fn session_token(&self, vendor: Vendor) -> String {
        self.control(vendor)
            .issued_tokens()
            .last()
            .cloned()
            .unwrap_or_else(|| "no-token-yet".into())
    }

    /// Every token the fakes issued.
    fn issued(&self) -> std::cell::Ref<'_, (usize, HashSet<String>)> {
        let logins = self.fakes.looker.control().logins() + self.fakes.torq.control().logins();
        if self.tokens.borrow().0 != logins {
            let mut tokens = self.tokens.borrow_mut();
            tokens.1.extend(self.fakes.looker.control().issued_tokens());
            tokens.1.extend(self.fakes.torq.control().issued_tokens());
            tokens.0 = logins;
        }
        self.tokens.borrow()
    }

    /// The route's valid answer.
    fn valid(&self, route: Route, planted_token: &str) -> Value {
        match route {
            Route::LookerLogin => {
                json!({"access_token": planted_token, "token_type": "Bearer", "expires_in": 3599})
            }
            Route::TorqToken => {
                json!({"access_token": planted_token, "token_type": "Bearer", "expires_in": 3600})
            }
            Route::LookerList => self.looker_list.clone(),
            Route::LookerGet | Route::LookerUpdate => self.looker_record.clone(),
            Route::LookerTest => self.looker_test.clone(),
            Route::TorqList | Route::TorqGet => self.torq_list.clone(),
        }
    }
}

/// The counters of a case's route and fake, to tell what the facade sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    /// Requests of the route, scripted answers included.
    requests: usize,
    /// Requests of the route its handler processed (no scripted answer took them).
    handled: usize,
    /// Tokens the fake granted.
    logins: usize,
}

impl Counts {
    fn of(control: &Control, route: &str) -> Self {
        Self {
            requests: control.requests(route),
            handled: control.handled(route),
            logins: control.logins(),
        }
    }
}

/// The secrets of one case.
struct Secrets {
    /// Planted by the case: never to be shown, in an error or in a value.
    planted: Vec<String>,
    /// The session's (client secrets, the patch's value).
    session: Vec<String>,
}

/// The records of a body: the array's items, Torq's `integrations`, or the body itself.
fn records(route: Route, body: &mut Value) -> Vec<&mut Value> {
    match route {
        Route::LookerList => body.as_array_mut().map(|a| a.iter_mut().collect()),
        Route::TorqList | Route::TorqGet => body
            .get_mut("integrations")
            .and_then(Value::as_array_mut)
            .map(|a| a.iter_mut().collect()),
        _ => Some(vec![body]),
    }
    .unwrap_or_default()
}

/// Applies `mutation` to `body`; raw fragments are left as placeholders in `raws`.
/// The members of `record` and the name of the one `m` picks, when `record` is an object with
/// members.
fn picked_member<'a>(
    record: &'a mut Value,
    m: &Index,
) -> Option<(&'a mut serde_json::Map<String, Value>, String)> {
    let map = record.as_object_mut()?;
    if map.is_empty() {
        return None;
    }
    let key = map.keys().nth(m.index(map.len()))?.clone();
    Some((map, key))
}

fn mutate(
    route: Route,
    body: &mut Value,
    mutation: &Mutation,
    raws: &mut Vec<Raw>,
    secrets: &mut Secrets,
    session: &[String],
    seed: u64,
) {
    let mut records = records(route, body);
    if records.is_empty() {
        return;
    }
    let pick = |i: &Index, n: usize| i.index(n);
    let placeholder = |raws: &mut Vec<Raw>, raw: Raw| {
        raws.push(raw);
        Value::String(format!("\u{1}RAW{}\u{1}", raws.len() - 1))
    };
    let n = records.len();
    match mutation {
        Mutation::WrongType(r, m, kind) => {
            let Some((map, key)) = picked_member(&mut *records[pick(r, n)], m) else {
                return;
            };
            let old = &map[&key];
            let candidates = [
                json!("wrong-type"),
                json!(42),
                json!(-1.5),
                json!(true),
                json!([1, "two"]),
                json!({"x": 1}),
                Value::Null,
            ];
            let mut new = candidates[*kind as usize % candidates.len()].clone();
            if std::mem::discriminant(&new) == std::mem::discriminant(old) {
                new = if old.is_string() {
                    json!(7)
                } else {
                    json!("wrong-type")
                };
            }
            map.insert(key, new);
        }
        Mutation::Huge(r, m, huge) => {
            if let Some((map, key)) = picked_member(&mut *records[pick(r, n)], m) {
                map.insert(key, placeholder(raws, Raw::HugeNumber(huge)));
            }
        }
        Mutation::Deep(r, m, depth) => {
            if let Some((map, key)) = picked_member(&mut *records[pick(r, n)], m) {
                map.insert(key, placeholder(raws, Raw::Deep(*depth)));
            }
        }
        Mutation::Remove(r, m) => {
            if let Some((map, key)) = picked_member(&mut *records[pick(r, n)], m) {
                map.remove(&key);
            }
        }
        Mutation::PlantMember(r, key) => {
            let planted = format!("PLANTED-MEMBER-{seed:016x}-{}", secrets.planted.len());
            if let Some(map) = records[pick(r, n)].as_object_mut() {
                map.insert((*key).to_owned(), json!(planted));
                secrets.planted.push(planted);
            }
        }
        Mutation::PlantParam(r, p) => {
            let planted = format!("PLANTED-PARAM-{seed:016x}-{}", secrets.planted.len());
            let record = &mut *records[pick(r, n)];
            if let Some(params) = record.get_mut("params").and_then(Value::as_array_mut)
                && !params.is_empty()
            {
                let len = params.len();
                if let Some(param) = params[pick(p, len)].as_object_mut() {
                    param.insert("value".into(), json!(planted));
                    param.insert("sensitive".into(), json!(true));
                    secrets.planted.push(planted);
                }
            }
        }
        Mutation::EchoSession(r, key, which) => {
            let echoed = &session[*which as usize % session.len()];
            if let Some(map) = records[pick(r, n)].as_object_mut() {
                map.insert((*key).to_owned(), json!(echoed));
            }
        }
        Mutation::NotARecord(r, kind) => {
            if matches!(route, Route::LookerList | Route::TorqList | Route::TorqGet) {
                let replacement = [json!(7), json!("a string"), Value::Null, json!([{}])];
                *records[pick(r, n)] = replacement[*kind as usize % replacement.len()].clone();
            }
        }
    }
}

/// The body's bytes, raw fragments spliced in.
fn serialize(body: &Value, raws: &[Raw]) -> Vec<u8> {
    let mut text = body.to_string();
    for (i, raw) in raws.iter().enumerate() {
        text = text.replace(&format!("\"\\u0001RAW{i}\\u0001\""), &raw.text());
    }
    text.into_bytes()
}

/// What a case sends, and what it planted.
struct Scripted {
    answer: RawAnswer,
    /// The whole body, when it is sent whole.
    whole: Option<Vec<u8>>,
    secrets: Secrets,
}

fn script(world: &World, case: &Case) -> Scripted {
    let vendor = case.route.vendor();
    let planted_token = format!("PLANTED-AT-{:016x}", case.seed);
    let patch_value = patch_value(case.seed);
    // What the session knows, to be echoed: the patch's value only by the call that sends it.
    let mut session = vec![
        world.client_secret(vendor).to_owned(),
        world.session_token(vendor),
    ];
    if case.route == Route::LookerUpdate {
        session.push(patch_value.clone());
    }
    let mut secrets = Secrets {
        planted: vec![planted_token.clone()],
        session: vec![
            world.client_secret(Vendor::Looker).to_owned(),
            world.client_secret(Vendor::Torq).to_owned(),
            patch_value,
        ],
    };
    let mut whole = None;
    let answer = with_headers(case, RawAnswer::new(case.status));
    let answer = match &case.body {
        Body::Valid(mutations, spoil) => {
            let mut body = world.valid(case.route, &planted_token);
            let mut raws = Vec::new();
            for m in mutations {
                mutate(
                    case.route,
                    &mut body,
                    m,
                    &mut raws,
                    &mut secrets,
                    &session,
                    case.seed,
                );
            }
            let mut bytes = serialize(&body, &raws);
            match spoil {
                Spoil::None => {
                    whole = Some(bytes.clone());
                    answer.body(bytes)
                }
                Spoil::Cut(at) => {
                    bytes.truncate(at.index(bytes.len()));
                    whole = Some(bytes.clone());
                    answer.body(bytes)
                }
                Spoil::Truncated(at) => {
                    let promised = bytes.len() as u64 + 1;
                    bytes.truncate(at.index(bytes.len()));
                    with_headers(case, RawAnswer::truncated(case.status, bytes, promised))
                }
                Spoil::NotUtf8(at, which) => {
                    let bad: &[u8] = [
                        b"\xff".as_slice(),
                        b"\xc3\x28",
                        b"\xed\xa0\x80",
                        b"\xfe\xfe",
                    ][*which as usize % 4];
                    let quotes: Vec<usize> =
                        (0..bytes.len()).filter(|&i| bytes[i] == b'"').collect();
                    let at = if quotes.is_empty() {
                        at.index(bytes.len() + 1)
                    } else {
                        quotes[at.index(quotes.len())]
                    };
                    bytes.splice(at..at, bad.iter().copied());
                    whole = Some(bytes.clone());
                    answer.body(bytes)
                }
            }
        }
        Body::ErrorEcho(which, wrong_types) => {
            let echoed = &session[*which as usize % session.len()];
            let planted = format!("PLANTED-ERR-{:016x}", case.seed);
            secrets.planted.push(planted.clone());
            // A success is the vendor's answer, whose message the caller may see as it is: the
            // session's secrets are echoed only where the vendor says something failed.
            let message = if (200..300).contains(&case.status) {
                "refused".to_owned()
            } else {
                format!("refused: {echoed}")
            };
            let body = match (vendor, case.status) {
                (Vendor::Looker, 422) => json!({
                    "message": message,
                    "errors": [{"field": "params[0].value", "code": "invalid",
                                "message": format!("{echoed} is invalid"), "documentation_url": "x"}],
                    "documentation_url": "x",
                    "password": planted,
                }),
                (Vendor::Looker, _) => json!({
                    "message": message, "documentation_url": "x", "access_token": planted,
                }),
                (_, _) => json!({
                    "code": 16, "message": message,
                    "details": [{"@type": "x", "authorization_token": planted}],
                }),
            };
            let mut body = body;
            if *wrong_types {
                // As gateways write them: a code that is a name, a message that is not text.
                body["code"] = json!("UNAVAILABLE");
                body["message"] = json!({"text": body["message"].clone()});
            }
            let bytes = body.to_string().into_bytes();
            whole = Some(bytes.clone());
            answer.body(bytes)
        }
        Body::Html => {
            let html = format!(
                "<html><body><a href=\"/cb?state=1&access_token={planted_token}&x=2\">go</a> {}</body></html>",
                session[0]
            );
            answer.body(html)
        }
        Body::Empty => {
            whole = Some(Vec::new());
            answer
        }
        Body::Bytes(bytes) => {
            whole = Some(bytes.clone());
            answer.body(bytes.clone())
        }
        Body::Endless(which) => {
            let chunks: [&[u8]; 4] = [b"[", b"{\"id\":\"x\"},", b" ", b"\xff\x00"];
            with_headers(
                case,
                RawAnswer::endless(case.status, chunks[*which as usize % 4]),
            )
        }
    };
    Scripted {
        answer,
        whole,
        secrets,
    }
}

/// `answer` with the case's headers: every kind of body (whole, cut short, endless) goes out
/// with the case's `Content-Type` and `Retry-After`, which decide what the facade does with it.
fn with_headers(case: &Case, mut answer: RawAnswer) -> RawAnswer {
    if let Some(content_type) = case.content_type {
        answer = answer.header("Content-Type", content_type);
    }
    if let Some(retry_after) = case.retry_after {
        answer = answer.header("Retry-After", retry_after);
    }
    answer
}

fn patch_value(seed: u64) -> String {
    format!("PATCH-VALUE-{seed:016x}")
}

/// How an outcome ended: `Ok`, or the error's variant.
fn kind(shown: &Shown) -> String {
    match shown {
        Shown::Ok(_) => "Ok".to_owned(),
        Shown::Err(e) => format!("{e:?}")
            .split([' ', '{'])
            .next()
            .unwrap_or("?")
            .to_owned(),
    }
}

/// A successful outcome, as a caller can show it.
enum Shown {
    Ok(String),
    Err(Error),
}

/// An outcome as a caller can show it (a success's Debug and JSON), with no record count.
fn shown<T: std::fmt::Debug + serde::Serialize>(r: Result<T, Error>) -> (Shown, Option<usize>) {
    match r {
        Ok(v) => {
            let text = format!("{v:?}\n{}", serde_json::to_string(&v).unwrap());
            (Shown::Ok(text), None)
        }
        Err(e) => (Shown::Err(e), None),
    }
}

/// A listing's outcome as [`shown`] has it, with how many records it held, read or skipped.
fn listed(r: Result<integrations::Listing, Error>) -> (Shown, Option<usize>) {
    let n = r
        .as_ref()
        .ok()
        .map(|l| l.integrations.len() + l.skipped.len());
    (shown(r).0, n)
}

async fn run(world: &World, case: &Case) -> Option<(Shown, Option<usize>)> {
    let patch = IntegrationPatch::new()
        .enabled(true)
        .param("token", ParamChange::set(patch_value(case.seed)));
    let (looker, torq, all) = (&world.looker, &world.torq, ListFilter::all());
    let call = async {
        match case.route {
            Route::LookerLogin => {
                // Whatever the session was, the next call logs in.
                let _ = looker.logout().await;
                shown(looker.list(&all).await)
            }
            Route::LookerList => listed(looker.list(&all).await),
            Route::LookerGet => shown(looker.get(&world.looker_id).await),
            Route::LookerUpdate => shown(looker.update(&world.looker_id, &patch).await),
            Route::LookerTest => shown(looker.test(&world.looker_id).await),
            Route::TorqToken => {
                world.fakes.torq.control().expire_all_tokens();
                shown(torq.list(&all).await)
            }
            Route::TorqList => listed(torq.list(&all).await),
            Route::TorqGet => shown(torq.get(&world.torq_id).await),
        }
    };
    tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .ok()
}

/// How many records a listing body holds, when the facade must read it as a listing: a 200
/// with a JSON content type, sent whole, whose records can be told apart.
fn records_in(route: Route, case: &Case, whole: Option<&[u8]>) -> Option<usize> {
    let body = whole?;
    if case.status != 200 || !case.content_type.is_some_and(|t| JSON_TYPES.contains(&t)) {
        return None;
    }
    match route {
        Route::LookerList => serde_json::from_slice::<Vec<Box<RawValue>>>(body)
            .ok()
            .map(|r| r.len()),
        Route::TorqList => {
            let object: std::collections::HashMap<String, Box<RawValue>> =
                serde_json::from_slice(body).ok()?;
            match object.get("integrations") {
                None => Some(0),
                Some(array) => serde_json::from_str::<Vec<Box<RawValue>>>(array.get())
                    .ok()
                    .map(|r| r.len()),
            }
        }
        _ => None,
    }
}

/// A token of `tokens` that appears in `text` (the fakes' tokens are 64 hex digits).
fn issued_token_in(text: &str, tokens: &HashSet<String>) -> Option<String> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if !matches!(bytes[start], b'0'..=b'9' | b'a'..=b'f') {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && matches!(bytes[end], b'0'..=b'9' | b'a'..=b'f') {
            end += 1;
        }
        for from in start..=end.saturating_sub(64) {
            if end - from >= 64 && tokens.contains(&text[from..from + 64]) {
                return Some(text[from..from + 64].to_owned());
            }
        }
        start = end;
    }
    None
}

fn check(world: &World, case: &Case) -> Result<(), TestCaseError> {
    let vendor = case.route.vendor();
    let control = world.control(vendor);
    let route = case.route.operation_id();
    // Each case starts alone: nothing queued on any route of either fake, and (see `recover`)
    // the provider holding the token its fake issued last.
    world.clear_queues();
    let scripted = script(world, case);
    let before = Counts::of(control, route);
    control
        .answer_once(route, scripted.answer.clone())
        .map_err(|e| TestCaseError::fail(format!("the fake refused the answer: {e}")))?;
    let outcome = world.runtime.block_on(run(world, case));
    // Nothing the case queued is left for a later case, whatever the case's outcome.
    world.clear_queues();
    let after = Counts::of(control, route);
    let hung_up = world.hung_up(vendor, route);
    let recovered = world.recover(vendor);
    let Some((shown, listed)) = outcome else {
        return Err(TestCaseError::fail("the call did not end within 30 s"));
    };
    prop_assert!(
        after.requests > before.requests,
        "the scripted answer was not asked for"
    );

    *world.outcomes.borrow_mut().entry(kind(&shown)).or_default() += 1;
    let text = match &shown {
        Shown::Ok(text) => text.clone(),
        Shown::Err(e) => {
            prop_assert_eq!(e.vendor(), Some(vendor), "{:?}", e);
            prop_assert!(
                !matches!(
                    e,
                    Error::Config { .. } | Error::InvalidId { .. } | Error::Unsupported { .. }
                ),
                "{:?}",
                e
            );
            common::shown(e)
        }
    };

    // No secret: planted ones nowhere, the session's nowhere either.
    for secret in scripted
        .secrets
        .planted
        .iter()
        .chain(&scripted.secrets.session)
    {
        prop_assert!(
            !text.contains(secret.as_str()),
            "secret {:?} shown:\n{}",
            secret,
            text
        );
    }
    if let Some(token) = issued_token_in(&text, &world.issued().1) {
        return Err(TestCaseError::fail(format!(
            "issued token {token:?} shown:\n{text}"
        )));
    }

    // A status the facade does not retry decides the outcome: only 200 is a success.
    let again = case.route.sent_again(case.status, case.retry_after);
    if case.status != 200 && !again {
        prop_assert!(
            matches!(shown, Shown::Err(_)),
            "HTTP {} on {} gave Ok:\n{}",
            case.status,
            route,
            text
        );
    }

    // A 200 JSON listing of N records gives N records, read or reported.
    if let Some(n) = records_in(case.route, case, scripted.whole.as_deref())
        && (scripted.whole.as_ref().map_or(0, Vec::len) as u64) <= MAX_RESPONSE_BYTES
    {
        *world
            .outcomes
            .borrow_mut()
            .entry("(200 listings checked)".into())
            .or_default() += 1;
        match &shown {
            Shown::Ok(_) => prop_assert_eq!(listed, Some(n), "{}", text),
            Shown::Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "a 200 listing of {n} records failed: {e:?}"
                )));
            }
        }
    }

    // The case's answer was taken by this case, and once: every other request of the route
    // went to the fake's own handler.
    let sent = after.requests - before.requests;
    prop_assert_eq!(
        sent - (after.handled - before.handled),
        1,
        "scripted answers taken by the {} requests of {}",
        sent,
        route
    );
    // How often the facade sent the route's request, and logged in, as the retry rules say.
    let ok = matches!(shown, Shown::Ok(_));
    let logins = after.logins - before.logins;
    match case.route {
        // A login answered 200 holds a token the fake never issued (or, echoed, one the logout
        // ended): the list refuses it, one fresh login from the fake follows, and the list
        // succeeds; unless the facade refused the answer (or its token) itself.
        Route::LookerLogin if !again && case.status == 200 => {
            prop_assert_eq!(sent, 1 + usize::from(ok), "logins sent");
            prop_assert_eq!(logins, usize::from(ok), "tokens granted");
        }
        // The scripted login is the one fresh login after the refused (expired) token: whatever
        // token it holds, the fake refuses it on the resend, and no second login follows.
        Route::TorqToken if !again => {
            prop_assert_eq!(sent, 1, "logins sent");
            prop_assert_eq!(logins, 0, "tokens granted");
            prop_assert!(!ok, "HTTP {} on {} gave Ok:\n{}", case.status, route, text);
        }
        _ => {
            prop_assert_eq!(sent, 1 + usize::from(again), "requests of {} sent", route);
            let fresh = (case.route.is_login() && again) || case.route.refuses_token(case.status);
            prop_assert_eq!(logins, usize::from(fresh), "tokens granted");
        }
    }
    // Sent again, the request is answered by the fake's own handler: the call ends as it does
    // with nothing scripted. The route's own answer, untouched, succeeds (but for a Torq token,
    // refused as said above).
    let untouched = case.status == 200
        && case.content_type.is_some_and(|t| JSON_TYPES.contains(&t))
        && matches!(&case.body, Body::Valid(m, Spoil::None) if m.is_empty());
    let expected = if again {
        Some(world.own[route].as_str())
    } else if untouched && case.route != Route::TorqToken {
        Some("Ok")
    } else {
        None
    };
    if let Some(expected) = expected {
        prop_assert_eq!(
            kind(&shown),
            expected,
            "HTTP {} on {} ({}):\n{}",
            case.status,
            route,
            if again {
                "sent again"
            } else {
                "the route's own answer"
            },
            text
        );
    }

    // Whatever it answered, the fake's writer of the answer is done (the facade hung up on an
    // endless body), and the provider's next call, answered by the fake itself, succeeds.
    prop_assert!(
        hung_up,
        "the answer of {} was still being written 10 s after the call",
        route
    );
    if let Err(e) = recovered {
        return Err(TestCaseError::fail(format!(
            "after this case, a call the fake answers itself failed: {e}"
        )));
    }
    Ok(())
}

#[test]
fn whatever_a_server_answers_no_panic_no_hang_no_lost_record_no_secret() {
    let world = World::start();
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 128;
    }
    config.failure_persistence = None;
    config.max_shrink_iters = 512;
    let cases = config.cases;
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |case| check(&world, &case));
    eprintln!(
        "{cases} cases in {:.1} s: {:?}",
        started.elapsed().as_secs_f64(),
        world.outcomes.borrow()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
