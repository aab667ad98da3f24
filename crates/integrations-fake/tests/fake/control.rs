//! `Control`: injected failures, delays and dropped connections, token expiry, counters, and the
//! life of a server (clones, shutdown, drop).

use std::time::{Duration, Instant};

use integrations_fake::{FakeServers, LookerFake, LookerSeed, TorqFake, TorqSeed};

use crate::support::*;

#[tokio::test]
async fn failures_are_served_in_order_then_the_route_answers_normally() {
    let (looker, auth) = looker_with_auth().await;
    let url = format!("{}/integrations", looker.api_url());
    let http = client();
    looker
        .control()
        .fail_next("all_integrations", 2, 429, Some(30));
    looker.control().fail_next("all_integrations", 1, 503, None);
    let mut seen = Vec::new();
    for _ in 0..4 {
        let answer = Answer::to(http.get(&url).header("authorization", &auth)).await;
        let retry_after = answer
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if answer.status != 200 {
            assert!(answer.json["message"].is_string(), "Looker's error shape");
            assert!(answer.json["documentation_url"].is_string());
        }
        seen.push((answer.status, retry_after));
    }
    assert_eq!(
        seen,
        vec![
            (429, Some("30".to_owned())),
            (429, Some("30".to_owned())),
            (503, None),
            (200, None)
        ]
    );
    assert_eq!(looker.control().requests("all_integrations"), 4);
    // Other routes were not affected.
    assert_eq!(looker.control().requests("integration"), 0);
}

#[tokio::test]
async fn failures_come_before_authentication_and_use_the_vendors_shape() {
    let torq = torq_demo().await;
    torq.control().fail_next("list_integrations", 1, 500, None);
    let answer =
        Answer::to(client().get(format!("{}/v1alpha/integrations", torq.base_url()))).await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.json["code"], 13);
    assert_eq!(answer.json["details"], serde_json::json!([]));
    // Then no token: 401.
    let answer =
        Answer::to(client().get(format!("{}/v1alpha/integrations", torq.base_url()))).await;
    assert_eq!(answer.status, 401);
    // A failed token request is not a login.
    torq.control().fail_next("create_token", 1, 503, None);
    let answer = Answer::to(torq_token_request(&torq)).await;
    assert_eq!(answer.status, 503);
    assert_eq!(torq.control().logins(), 0);
    torq_token(&torq).await;
    assert_eq!(torq.control().logins(), 1);
}

#[tokio::test]
async fn a_delay_holds_the_answer_back_until_removed() {
    let looker = looker_demo().await;
    let url = format!("{}/integrations/1::slack", looker.api_url());
    let http = client();
    looker
        .control()
        .delay("integration", Duration::from_millis(400));
    let started = Instant::now();
    let answer = Answer::to(http.get(&url)).await;
    assert_eq!(answer.status, 401);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );

    // A client with a shorter timeout gives up.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    let outcome = impatient.get(&url).send().await;
    assert!(outcome.is_err_and(|e| e.is_timeout()));

    looker.control().delay("integration", Duration::ZERO);
    let started = Instant::now();
    Answer::to(http.get(&url)).await;
    assert!(started.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_and_the_server_keeps_serving() {
    let fakes = FakeServers::start().await.expect("started");
    let http = client();
    let login_url = format!("{}/login", fakes.looker.api_url());
    let form = [
        ("client_id", fakes.looker.client_id()),
        ("client_secret", fakes.looker.client_secret()),
    ];
    fakes.looker.control().drop_next("login", 1);
    let error = http
        .post(&login_url)
        .form(&form)
        .send()
        .await
        .expect_err("the connection is dropped");
    assert!(error.status().is_none(), "{error:?}");
    assert_eq!(
        fakes.looker.control().requests("login"),
        1,
        "no silent retry"
    );
    assert_eq!(fakes.looker.control().logins(), 0);
    let answer = Answer::to(http.post(&login_url).form(&form)).await;
    assert_eq!(answer.status, 200);

    fakes.torq.control().drop_next("list_integrations", 2);
    let list = format!("{}/v1alpha/integrations", fakes.torq.base_url());
    for _ in 0..2 {
        assert!(http.get(&list).send().await.is_err());
    }
    assert_eq!(Answer::to(http.get(&list)).await.status, 401);
}

#[tokio::test]
async fn counters_count_requests_logins_and_connections() {
    let looker = looker_demo().await;
    let http = client();
    let token = looker_token(&looker).await; // its own client: one connection
    for _ in 0..5 {
        let request = http.get(format!("{}/integrations", looker.api_url()));
        let answer = Answer::to(request.header("authorization", format!("token {token}"))).await;
        assert_eq!(answer.status, 200);
    }
    let control = looker.control();
    assert_eq!(control.requests("login"), 1);
    assert_eq!(control.requests("all_integrations"), 5);
    assert_eq!(control.logins(), 1);
    assert_eq!(
        control.connections(),
        2,
        "one per client: keep-alive reuses it"
    );

    control.reset_counters();
    assert_eq!(
        (
            control.requests("all_integrations"),
            control.logins(),
            control.connections()
        ),
        (0, 0, 0)
    );
    // A fresh client opens a fresh connection.
    Answer::to(client().get(format!("{}/integrations", looker.api_url()))).await;
    assert_eq!(control.connections(), 1);
    assert_eq!(control.requests("all_integrations"), 1);
}

#[tokio::test]
async fn handled_counts_only_the_requests_the_handler_processed() {
    let (looker, token) = looker_with_token().await;
    let url = format!("{}/integrations/1::braze", looker.api_url());
    let http = client();
    let control = looker.control();
    control.drop_next("update_integration", 1);
    control.fail_next("update_integration", 1, 503, None);
    let patch = || {
        http.patch(&url)
            .header("authorization", format!("token {token}"))
            .json(&serde_json::json!({"enabled": false}))
    };
    assert!(patch().send().await.is_err(), "dropped");
    assert_eq!(Answer::to(patch()).await.status, 503);
    assert_eq!(
        control.handled("update_integration"),
        0,
        "faults are not handled"
    );
    assert_eq!(Answer::to(patch()).await.status, 200);
    assert_eq!(control.requests("update_integration"), 3);
    assert_eq!(control.handled("update_integration"), 1, "processed once");
    // A refusal of the handler (no token: 401) is still handled.
    assert_eq!(Answer::to(http.get(&url)).await.status, 401);
    let handled = ["integration", "login", "all_integrations"].map(|o| control.handled(o));
    assert_eq!(handled, [1, 1, 0]);
}

#[tokio::test]
async fn many_concurrent_requests_are_all_answered() {
    let (looker, auth) = looker_with_auth().await;
    let http = client();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..64 {
        let request = http
            .get(format!("{}/integrations/1::slack", looker.api_url()))
            .header("authorization", &auth);
        tasks.spawn(async move { (i, Answer::to(request).await.status) });
    }
    let mut ok = 0;
    while let Some(joined) = tasks.join_next().await {
        let (_, status) = joined.expect("task");
        assert_eq!(status, 200);
        ok += 1;
    }
    assert_eq!(ok, 64);
    assert_eq!(looker.control().requests("integration"), 64);
}

async fn refused(addr: std::net::SocketAddr) -> bool {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn shutdown_and_dropping_the_last_handle_stop_the_server() {
    let looker = looker_demo().await;
    let addr = looker.addr();
    let clone = looker.clone();
    drop(looker);
    // The clone keeps it alive.
    assert_eq!(
        Answer::to(client().get(format!("{}/integrations", clone.api_url())))
            .await
            .status,
        401
    );
    drop(clone);
    assert!(
        refused(addr).await,
        "the server stopped with its last handle"
    );

    let torq = torq_demo().await;
    let addr = torq.addr();
    torq.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    // Shutting down twice is harmless.
    torq.shutdown().await;
}

#[tokio::test]
async fn start_on_binds_the_given_address_and_reports_it() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = probe.local_addr().expect("addr");
    drop(probe);
    let looker = LookerFake::start_on(addr, LookerSeed::synthetic(3))
        .await
        .expect("started");
    assert_eq!(looker.base_url(), format!("http://{addr}"));
    assert_eq!(looker.api_url(), format!("http://{addr}/api/4.0"));
    // The port is taken now.
    assert!(TorqFake::start_on(addr, TorqSeed::demo()).await.is_err());

    let fakes = FakeServers::start().await.expect("started");
    let env = fakes.environment();
    let names: Vec<_> = env.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        vec![
            "LOOKERSDK_BASE_URL",
            "LOOKERSDK_CLIENT_ID",
            "LOOKERSDK_CLIENT_SECRET",
            "LOOKERSDK_VERIFY_SSL",
            "TORQ_BASE_URL",
            "TORQ_AUTH_URL",
            "TORQ_CLIENT_ID",
            "TORQ_CLIENT_SECRET"
        ]
    );
    assert!(!env[0].1.ends_with("/api/4.0"));
    assert_eq!(env[0].1, fakes.looker.base_url());
}

#[tokio::test]
async fn ten_thousand_synthetic_integrations_are_listed_in_full() {
    let n = 10_000;
    let seeds = (LookerSeed::synthetic(n), TorqSeed::synthetic(n));
    let FakeServers { looker, torq } = FakeServers::start_with(seeds.0, seeds.1)
        .await
        .expect("started");
    let auth = looker_auth(&looker).await;
    let listed = looker_get(&looker, "/integrations?fields=id", &auth).await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(n));
    let of_hub_3 = "/integrations?integration_hub_id=3&fields=id";
    let listed = looker_get(&looker, of_hub_3, &auth).await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(n / 8));
    // Clones share one server and its counters.
    let clone = looker.clone();
    assert_eq!(clone.base_url(), looker.base_url());
    assert_eq!(clone.control().requests("all_integrations"), 2);

    let listed = torq_list(&torq, "", &torq_auth(&torq).await).await;
    let integrations = listed.json["integrations"].as_array().map(Vec::len);
    assert_eq!(integrations, Some(n));
}
