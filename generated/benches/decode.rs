//! Decoding a page of 10,000 session participants with peer events (a few MB of JSON, built
//! deterministically) with `serde_json::from_slice` into:
//!
//! - `generated`: the generated model, `cloudflare_realtimekit::models::SessionParticipantsResponse`;
//! - `handwritten`: a minimal hand-written serde struct for the same fields, the practical limit
//!   (required fields, owned strings, enums as derived Rust enums);
//! - `value`: `serde_json::Value`;
//! - `generated-tracked`: the generated model through `serde_path_to_error`, which tracks the
//!   path of every field. The client's runtime no longer does this: it decodes directly and, for
//!   a body that fails, finds the failing field's path from serde_json's error position
//!   (`generated/src/error.rs`, `json_path`); before a539b84 it tracked the path of every body.
//!
//! The generated model is also paired with the hand-written struct on the same page with two
//! properties the spec does not list in every participant, which the model keeps and the
//! hand-written struct skips.
//!
//! Smoke runs (CI) decode 100 participants once.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use cloudflare_realtimekit::models::SessionParticipantsResponse;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// The same fields, written by hand as tightly as serde allows for owned data.
#[allow(dead_code, reason = "decoded, not read")]
mod handwritten {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Response {
        pub success: bool,
        pub data: Page,
    }

    #[derive(Deserialize)]
    pub struct Page {
        pub paging: Paging,
        pub participants: Vec<Participant>,
    }

    #[derive(Deserialize)]
    pub struct Paging {
        pub end_offset: i64,
        pub start_offset: i64,
        pub total_count: u64,
    }

    #[derive(Deserialize)]
    pub struct Participant {
        pub id: String,
        pub created_at: String,
        pub custom_participant_id: String,
        pub display_name: String,
        pub duration: f64,
        pub joined_at: String,
        pub left_at: String,
        pub peer_events: Vec<PeerEvent>,
        pub preset_name: String,
        pub updated_at: String,
        pub user_id: String,
    }

    #[derive(Deserialize)]
    pub struct PeerEvent {
        pub id: String,
        pub created_at: String,
        pub event_name: EventName,
        pub minutes_consumed: f64,
        pub participant_id: String,
        pub peer_id: String,
        pub preset_view_type: ViewType,
        pub session_id: String,
        pub socket_session_id: String,
        pub updated_at: String,
    }

    #[derive(Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum EventName {
        PeerCreated,
        PeerJoining,
        PeerLeaving,
        #[serde(other)]
        Unknown,
    }

    #[derive(Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum ViewType {
        GroupCall,
        Webinar,
        AudioRoom,
        Livestream,
        Chat,
        #[serde(other)]
        Unknown,
    }
}

/// Ten decodes, in a function of its own so that a profiler can count only them.
#[inline(never)]
fn profile_window(run: fn(&[u8]) -> usize, body: &[u8]) {
    for _ in 0..10 {
        black_box(run(black_box(body)));
    }
}

fn decode(c: &mut Criterion) {
    let participants = if support::smoke() { 100 } else { 10_000 };
    let body = support::session_participants_page(participants).into_bytes();

    // All three read the same document, and read all of it.
    let generated: SessionParticipantsResponse = serde_json::from_slice(&body).expect("generated model decodes");
    let handwritten: handwritten::Response = serde_json::from_slice(&body).expect("handwritten struct decodes");
    let page = generated.data.as_ref().expect("data");
    let list = page.participants.as_ref().expect("participants");
    assert_eq!(list.len(), handwritten.data.participants.len());
    let events = |p: &cloudflare_realtimekit::models::SessionParticipant| p.peer_events.as_ref().map_or(0, Vec::len);
    let generated_events: usize = list.iter().map(events).sum();
    let handwritten_events: usize = handwritten.data.participants.iter().map(|p| p.peer_events.len()).sum();
    assert_eq!(generated_events, handwritten_events);
    assert!(handwritten.success && handwritten.data.paging.total_count == participants);
    assert!(handwritten.data.participants.iter().flat_map(|p| &p.peer_events).all(|e| e.event_name
        != handwritten::EventName::Unknown
        && e.preset_view_type != handwritten::ViewType::Unknown));
    assert!(list.iter().flat_map(|p| p.peer_events.iter().flatten()).all(|e| {
        e.event_name.as_ref().is_some_and(|name| cloudflare_realtimekit::models::PeerEventName::KNOWN.contains(name))
    }));
    support::report("decode", "participants", &participants.to_string());
    support::report("decode", "peer_events", &generated_events.to_string());
    support::report("decode", "bytes", &body.len().to_string());

    let mut group = c.benchmark_group("decode");
    group
        .throughput(Throughput::Bytes(body.len() as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    type Peer = (&'static str, fn(&[u8]) -> usize);
    let peers: Vec<Peer> = vec![
        ("generated", |body| {
            let page: SessionParticipantsResponse = serde_json::from_slice(body).expect("decodes");
            page.data.and_then(|d| d.participants).map_or(0, |p| p.len())
        }),
        ("handwritten", |body| {
            let page: handwritten::Response = serde_json::from_slice(body).expect("decodes");
            page.data.participants.len()
        }),
        ("value", |body| {
            let page: serde_json::Value = serde_json::from_slice(body).expect("decodes");
            page["data"]["participants"].as_array().map_or(0, Vec::len)
        }),
        ("generated-tracked", |body| {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            let page: SessionParticipantsResponse =
                serde_path_to_error::deserialize(&mut deserializer).expect("decodes");
            deserializer.end().expect("nothing after the document");
            page.data.and_then(|d| d.participants).map_or(0, |p| p.len())
        }),
    ];
    if let Ok(wanted) = std::env::var("BENCH_PROFILE_PEER") {
        // For profilers (`valgrind --tool=callgrind --toggle-collect='decode::profile_window'`):
        // ten decodes by one peer, without criterion.
        let (_, run) = peers.iter().find(|(name, _)| *name == wanted).expect("BENCH_PROFILE_PEER names a peer");
        profile_window(*run, &body);
        std::process::exit(0);
    }
    // The target's figure: generated against hand-written in interleaved pairs (see `support::paired`).
    let pairs = if support::smoke() { 1 } else { 150 };
    let (generated, handwritten) = (peers[0].1, peers[1].1);
    support::paired(
        "decode",
        "generated_handwritten",
        pairs,
        || {
            black_box(generated(black_box(&body)));
        },
        || {
            black_box(handwritten(black_box(&body)));
        },
    );
    // The same page with two properties the spec does not list in every participant: the
    // generated model keeps them (`unknown_fields`), the hand-written struct skips them.
    let unknown = String::from_utf8(body.clone())
        .expect("the page is UTF-8")
        .replace(r#""custom_participant_id":"#, r#""region":"eu-west-1","flags":[1,2,3],"custom_participant_id":"#);
    let unknown = unknown.into_bytes();
    let kept: SessionParticipantsResponse = serde_json::from_slice(&unknown).expect("generated model decodes");
    let kept = kept.data.and_then(|d| d.participants).expect("participants");
    assert!(kept.iter().all(|p| p.unknown_fields.len() == 2), "both unknown properties are kept");
    support::paired(
        "decode",
        "unknown_kept_skipped",
        pairs,
        || {
            black_box(generated(black_box(&unknown)));
        },
        || {
            black_box(handwritten(black_box(&unknown)));
        },
    );
    for (name, run) in support::ordered(peers) {
        group.bench_function(name, |b| b.iter(|| run(black_box(&body))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).noise_threshold(0.03);
    targets = decode
}
criterion_main!(benches);
