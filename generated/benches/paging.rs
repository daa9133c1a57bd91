//! Auto-pagination: 100,000 meeting participants in pages of 100 from a local hyper server,
//! through `list_meeting_participants(..).per_page(100).stream()` (`generated`), against a
//! hand-written reqwest loop that fetches, decodes and walks the same pages (`reqwest-loop`).
//! Throughput is in items per second.
//!
//! Memory: before the timed runs, one pass over the stream records the live heap bytes (a
//! counting global allocator) and the resident set size after 1, 20,000, 40,000, 60,000, 80,000
//! and 100,000 items; a stream that held every page would grow by tens of MB. For contrast, the
//! same items collected into a `Vec`. Smoke runs (CI) stream 1,000 participants once.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cap::Cap;
use cloudflare_realtimekit::Client;
use cloudflare_realtimekit::models::MeetingParticipantsResponse;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use futures_util::{StreamExt, TryStreamExt};
use reqwest::header::{ACCEPT, AUTHORIZATION};

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

const PER_PAGE: u64 = 100;

/// The page `page_no` of `total` participants, pages of `per_page`.
fn page(uri: &str, total: u64) -> Bytes {
    let page: u64 = support::query_param(uri, "page_no").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let per_page: u64 = support::query_param(uri, "per_page").and_then(|p| p.parse().ok()).unwrap_or(PER_PAGE);
    let first = (page - 1) * per_page + 1;
    let count = per_page.min((total + 1).saturating_sub(first));
    Bytes::from(support::meeting_participants_page(first, count, total))
}

fn paging(c: &mut Criterion) {
    let total: u64 = if support::smoke() { 1_000 } else { 100_000 };
    let server = support::serve(Arc::new(move |uri: &str| page(uri, total)));
    let base_url = format!("http://{}", server.address);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let client = Client::builder().api_token("t").base_url(&base_url).build().expect("client");
    let plain = reqwest::Client::builder().connect_timeout(Duration::from_secs(10)).build().expect("reqwest client");
    let url = format!("{base_url}/accounts/acc/realtime/kit/app/meetings/meeting/participants");

    let stream_all = || async {
        let mut stream =
            client.meetings().list_meeting_participants("acc", "app", "meeting").per_page(PER_PAGE).stream();
        let mut items = 0u64;
        while let Some(item) = stream.next().await {
            std::hint::black_box(item.expect("an item"));
            items += 1;
        }
        assert_eq!(items, total);
    };
    let loop_all = || async {
        let mut items = 0u64;
        for page_no in 1.. {
            let response = plain
                .get(format!("{url}?page_no={page_no}&per_page={PER_PAGE}"))
                .header(AUTHORIZATION, "Bearer t")
                .header(ACCEPT, "application/json")
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .expect("reqwest request");
            let bytes = response.bytes().await.expect("body");
            let page: MeetingParticipantsResponse = serde_json::from_slice(&bytes).expect("decodes");
            // `as f64`: the model's paging numbers are integers or floats depending on the spec.
            #[allow(clippy::cast_lossless, clippy::unnecessary_cast, reason = "whatever the model's number type")]
            let done = page.data.is_empty() || page.paging.end_offset as f64 >= page.paging.total_count as f64;
            for item in page.data {
                std::hint::black_box(item);
                items += 1;
            }
            if done {
                break;
            }
        }
        assert_eq!(items, total);
    };

    // Memory along one pass of the stream.
    runtime.block_on(async {
        let checkpoints: Vec<u64> =
            [1, total / 5, 2 * total / 5, 3 * total / 5, 4 * total / 5, total].into_iter().collect();
        let baseline = ALLOCATOR.allocated();
        let mut live = Vec::new();
        let mut rss = Vec::new();
        let mut stream =
            client.meetings().list_meeting_participants("acc", "app", "meeting").per_page(PER_PAGE).stream();
        let mut items = 0u64;
        while let Some(item) = stream.next().await {
            drop(item.expect("an item"));
            items += 1;
            if checkpoints.contains(&items) {
                live.push((ALLOCATOR.allocated().saturating_sub(baseline) / 1024).to_string());
                rss.push(support::rss_kib().map_or_else(|| "?".to_owned(), |kib| kib.to_string()));
            }
        }
        drop(stream);
        assert_eq!(items, total);
        let before = ALLOCATOR.allocated();
        let all: Vec<_> = client
            .meetings()
            .list_meeting_participants("acc", "app", "meeting")
            .per_page(PER_PAGE)
            .stream()
            .try_collect()
            .await
            .expect("every item");
        let collected = ALLOCATOR.allocated().saturating_sub(before) / 1024;
        assert_eq!(all.len() as u64, total);
        drop(all);
        support::report("paging", "items", &total.to_string());
        support::report("paging", "checkpoints", &checkpoints.iter().map(u64::to_string).collect::<Vec<_>>().join(","));
        support::report("paging", "stream_live_kib", &live.join(","));
        support::report("paging", "stream_rss_kib", &rss.join(","));
        support::report("paging", "collected_live_kib", &collected.to_string());
    });

    let mut group = c.benchmark_group("stream");
    group
        .throughput(Throughput::Elements(total))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for peer in support::ordered(vec!["generated", "reqwest-loop"]) {
        group.bench_function(peer, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    if peer == "generated" {
                        stream_all().await;
                    } else {
                        loop_all().await;
                    }
                });
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).noise_threshold(0.03);
    targets = paging
}
criterion_main!(benches);
