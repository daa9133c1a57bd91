//! Client overhead: 2,000 requests, one after the other (`sequential`) and with 32 in flight
//! (`concurrent-32`), against a local hyper server on 127.0.0.1 serving a fixed page of 10
//! meeting participants (about 2.7 KB), through
//!
//! - `generated`: `client.meetings().list_meeting_participants(..).send().await`;
//! - `reqwest`: plain reqwest doing the same GET (same headers, same connection pool settings),
//!   then `serde_json::from_slice` into the same model.
//!
//! The client runs on a single-threaded runtime; the server has its own thread. Smoke runs (CI)
//! send 20 requests once.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cloudflare_realtimekit::Client;
use cloudflare_realtimekit::models::MeetingParticipantsResponse;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION};

const PATH: &str = "/accounts/acc/realtime/kit/app/meetings/meeting/participants";
const IN_FLIGHT: usize = 32;

/// Sends `n` requests with at most `in_flight` at once through `fetch`.
async fn run<F, Fut>(n: usize, in_flight: usize, fetch: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let fetched: usize = futures_util::stream::iter(0..n)
        .map(|_| fetch())
        .buffer_unordered(in_flight)
        .fold(0, |sum, items| async move { sum + items })
        .await;
    assert_eq!(fetched, n * 10, "every response decodes to 10 participants");
}

/// `requests` requests through `peer`, as each timed iteration sends them; in a function of its own so that a profiler can count
/// only them.
#[inline(never)]
fn profile_window<G, GF, R, RF>(
    runtime: &tokio::runtime::Runtime,
    peer: &str,
    requests: usize,
    in_flight: usize,
    generated: &G,
    reqwest: &R,
) where
    G: Fn() -> GF,
    GF: Future<Output = usize>,
    R: Fn() -> RF,
    RF: Future<Output = usize>,
{
    runtime.block_on(async {
        if peer == "generated" {
            run(requests, in_flight, generated).await;
        } else {
            run(requests, in_flight, reqwest).await;
        }
    });
}

/// The connections `fetch` opens for one request, 100 sequential ones and 100 with
/// [`IN_FLIGHT`] at once, each checked to decode the page.
fn connections_opened<F, Fut>(runtime: &tokio::runtime::Runtime, server: &support::Server, fetch: F) -> usize
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let before = server.connections();
    runtime.block_on(async {
        assert_eq!(fetch().await, 10);
        run(100, 1, &fetch).await;
        run(100, IN_FLIGHT, &fetch).await;
    });
    server.connections() - before
}

fn client(c: &mut Criterion) {
    let requests = if support::smoke() { 20 } else { 2_000 };
    let body = Bytes::from(support::meeting_participants_page(1, 10, 10));
    let server = support::serve(Arc::new(move |_uri: &str| body.clone()));
    let base_url = format!("http://{}", server.address);
    let url = format!("{base_url}{PATH}");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let generated = Client::builder().api_token("t").base_url(&base_url).build().expect("client");
    // What the generated client configures on its reqwest client, and nothing else.
    let plain = reqwest::Client::builder().connect_timeout(Duration::from_secs(10)).build().expect("reqwest client");

    let via_generated = || async {
        let page = generated
            .meetings()
            .list_meeting_participants("acc", "app", "meeting")
            .send()
            .await
            .expect("generated client request");
        page.into_inner().data.len()
    };
    let via_reqwest = || async {
        let response = plain
            .get(&url)
            .header(AUTHORIZATION, "Bearer t")
            .header(ACCEPT, "application/json")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("reqwest request");
        let bytes = response.bytes().await.expect("body");
        let page: MeetingParticipantsResponse = serde_json::from_slice(&bytes).expect("decodes");
        page.data.len()
    };
    // Both reach the server, decode the same page, and keep their connections: 100 sequential
    // requests then 100 with 32 in flight open about 32 connections for each peer (a few more
    // when a response is read before its connection is back in the pool).
    let generated_connections = connections_opened(&runtime, &server, via_generated);
    let reqwest_connections = connections_opened(&runtime, &server, via_reqwest);
    if let Ok(peer) = std::env::var("BENCH_PROFILE_PEER") {
        // For profilers (`valgrind --tool=callgrind --toggle-collect='*profile_window*'`): the
        // requests of one peer, without criterion.
        let in_flight = std::env::var("BENCH_PROFILE_IN_FLIGHT").ok().and_then(|n| n.parse().ok()).unwrap_or(IN_FLIGHT);
        profile_window(&runtime, &peer, requests, in_flight, &via_generated, &via_reqwest);
        std::process::exit(0);
    }
    support::report("client", "requests", &requests.to_string());
    support::report("client", "connections_generated", &generated_connections.to_string());
    support::report("client", "connections_reqwest", &reqwest_connections.to_string());
    assert!(generated_connections <= 2 * IN_FLIGHT && reqwest_connections <= 2 * IN_FLIGHT, "connections are reused");

    for (group_name, in_flight) in [("sequential", 1), ("concurrent-32", IN_FLIGHT)] {
        // The target's figure: generated against reqwest in interleaved pairs (see `support::paired`).
        let pairs = if support::smoke() {
            1
        } else if in_flight == 1 {
            30
        } else {
            100
        };
        support::paired(
            "client",
            group_name,
            pairs,
            || profile_window(&runtime, "generated", requests, in_flight, &via_generated, &via_reqwest),
            || profile_window(&runtime, "reqwest", requests, in_flight, &via_generated, &via_reqwest),
        );
        let mut group = c.benchmark_group(group_name);
        group
            .throughput(Throughput::Elements(requests as u64))
            .sampling_mode(SamplingMode::Flat)
            .sample_size(15)
            .measurement_time(Duration::from_secs(3));
        for peer in support::ordered(vec!["generated", "reqwest"]) {
            let before = server.connections();
            group.bench_function(peer, |b| {
                b.iter(|| profile_window(&runtime, peer, requests, in_flight, &via_generated, &via_reqwest));
            });
            // Connections opened while criterion ran this peer: about none, if both reuse theirs.
            support::report(
                "client",
                &format!("{group_name}_{peer}_new_connections"),
                &(server.connections() - before).to_string(),
            );
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).noise_threshold(0.03);
    targets = client
}
criterion_main!(benches);
