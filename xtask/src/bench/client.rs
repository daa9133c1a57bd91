//! The generated client at run time: decoding, client overhead and auto-pagination, from the
//! criterion benches of `generated/benches/`, several rounds with the peers' order alternating;
//! ratios are medians of per-round ratios.

use std::fmt::Write as _;
use std::path::Path;

use super::criterion::{Pairs, Rounds, paired_row, reported, rounds_of};
use super::figures::{median, millis, ratio};
use super::report::{Results, Status};

/// Decoding one large page against a hand-written struct and `serde_json::Value`.
pub(super) fn decode(root: &Path, rounds: usize, results: &mut Results) -> Result<(), String> {
    let ids =
        [("decode", "generated"), ("decode", "handwritten"), ("decode", "value"), ("decode", "generated-tracked")];
    let Rounds { criterion: values, paired } =
        rounds_of(root, "decode", rounds, &ids, &["generated_handwritten", "unknown_kept_skipped"])?;
    let bytes: f64 = reported(root, "decode", "bytes").and_then(|b| b.parse().ok()).unwrap_or(f64::NAN);
    let participants = reported(root, "decode", "participants").unwrap_or_default();
    let events = reported(root, "decode", "peer_events").unwrap_or_default();
    let mbps = |ns: f64| format!("{:.0} MB/s", bytes / ns * 1e3);
    let (generated, handwritten, value, tracked) = (&values[0], &values[1], &values[2], &values[3]);
    let _ = writeln!(
        results.details,
        "### Decoding\n\n`serde_json::from_slice` of one page of {participants} session participants with {events} peer events \
         ({:.1} MB, built deterministically by `generated/benches/support/mod.rs`). Criterion medians per round (ms), \
         {rounds} rounds, peers' order alternating:\n\n| peer | rounds (ms) | median |\n| --- | --- | --- |",
        bytes / 1e6
    );
    for ((_, name), v) in ids.iter().zip(&values) {
        let runs = v.iter().map(|ns| format!("{:.2}", ns / 1e6)).collect::<Vec<_>>().join(", ");
        let _ = writeln!(results.details, "| {name} | {runs} | {} ({}) |", millis(median(v)), mbps(median(v)));
    }
    results.details.push('\n');
    paired_row(
        results,
        format!("decode {participants} participants ({:.1} MB) vs hand-written struct", bytes / 1e6),
        &paired[0],
        generated,
        handwritten,
        |ns| format!("{} ({})", millis(ns), mbps(ns)),
        1.10,
    );
    // Two unknown properties per participant: kept by the model, skipped by the hand-written struct.
    let unknown = &paired[1];
    let field = |get: fn(&Pairs) -> f64| median(&unknown.iter().map(get).collect::<Vec<_>>());
    let runs = unknown.iter().map(|p| format!("{:.2}", p.ratio)).collect::<Vec<_>>().join(", ");
    results.row(
        "decode, same page with 2 unknown properties per participant: kept vs skipped by the hand-written struct",
        millis(field(|p| p.ours)),
        millis(field(|p| p.peer)),
        format!("{:.2}x in pairs (rounds: {runs})", field(|p| p.ratio)),
        "",
        Status::Info,
    );
    results.row(
        "decode, same page, tracking field paths (serde_path_to_error) vs hand-written",
        format!("{} ({})", millis(median(tracked)), mbps(median(tracked))),
        format!("{} ({})", millis(median(handwritten)), mbps(median(handwritten))),
        format!("{:.2}x", ratio(tracked, handwritten)),
        "",
        Status::Info,
    );
    results.row(
        "decode, same page vs serde_json::Value",
        format!("{} ({})", millis(median(generated)), mbps(median(generated))),
        format!("{} ({})", millis(median(value)), mbps(median(value))),
        format!("{:.2}x", ratio(generated, value)),
        "",
        Status::Info,
    );
    Ok(())
}

/// Client overhead: sequential and concurrent requests against plain reqwest.
pub(super) fn client(root: &Path, rounds: usize, results: &mut Results) -> Result<(), String> {
    let ids = [
        ("sequential", "generated"),
        ("sequential", "reqwest"),
        ("concurrent-32", "generated"),
        ("concurrent-32", "reqwest"),
    ];
    let Rounds { criterion: values, paired } =
        rounds_of(root, "client", rounds, &ids, &["sequential", "concurrent-32"])?;
    let requests: f64 = reported(root, "client", "requests").and_then(|r| r.parse().ok()).unwrap_or(f64::NAN);
    let _ = writeln!(
        results.details,
        "### Client overhead\n\n{requests} GET requests per iteration to a hyper server on 127.0.0.1 (own thread) answering a fixed \
         page of 10 meeting participants; client on a single-threaded tokio runtime. Criterion medians per round (ms per \
         {requests} requests), {rounds} rounds, order alternating:\n\n| group / peer | rounds (ms) | median |\n| --- | --- | --- |"
    );
    for ((group, name), v) in ids.iter().zip(&values) {
        let runs = v.iter().map(|ns| format!("{:.1}", ns / 1e6)).collect::<Vec<_>>().join(", ");
        let _ = writeln!(results.details, "| {group} / {name} | {runs} | {} |", millis(median(v)));
    }
    results.details.push('\n');
    let per_request = |ns: f64| format!("{:.1} µs/req", ns / requests / 1e3);
    for (index, label) in [(0, "2,000 sequential requests"), (1, "2,000 requests, 32 in flight")] {
        let (ours, theirs) = (&values[2 * index], &values[2 * index + 1]);
        paired_row(
            results,
            format!("client: {label} vs plain reqwest"),
            &paired[index],
            ours,
            theirs,
            |ns| format!("{} ({})", millis(ns), per_request(ns)),
            1.10,
        );
    }
    Ok(())
}

/// Auto-pagination against a hand-written loop, and the stream's memory.
pub(super) fn paging(root: &Path, rounds: usize, results: &mut Results) -> Result<(), String> {
    let ids = [("stream", "generated"), ("stream", "reqwest-loop")];
    let values = rounds_of(root, "paging", rounds, &ids, &[])?.criterion;
    let items: f64 = reported(root, "paging", "items").and_then(|r| r.parse().ok()).unwrap_or(f64::NAN);
    let rate = |ns: f64| format!("{:.0}k items/s", items / ns * 1e9 / 1e3);
    let (ours, theirs) = (&values[0], &values[1]);
    results.row(
        format!("stream {items} participants, pages of 100 vs reqwest loop"),
        format!("{} ({})", millis(median(ours)), rate(median(ours))),
        format!("{} ({})", millis(median(theirs)), rate(median(theirs))),
        format!("{:.2}x", ratio(ours, theirs)),
        "",
        Status::Info,
    );
    let checkpoints = reported(root, "paging", "checkpoints").unwrap_or_default();
    let live = reported(root, "paging", "stream_live_kib").unwrap_or_default();
    let rss = reported(root, "paging", "stream_rss_kib").unwrap_or_default();
    let collected: f64 =
        reported(root, "paging", "collected_live_kib").and_then(|c| c.parse().ok()).unwrap_or(f64::NAN);
    let live_values: Vec<f64> = live.split(',').filter_map(|v| v.parse().ok()).collect();
    let peak = live_values.iter().copied().fold(0.0, f64::max);
    let spread = peak - live_values.iter().copied().fold(f64::INFINITY, f64::min);
    // Flat: the live heap varies by less than 1 MiB over the whole stream and stays below a tenth
    // of what holding every item takes.
    let flat = !live_values.is_empty() && spread < 1024.0 && peak < collected / 10.0;
    results.row(
        "stream memory: live heap after 1 / 20k / 40k / 60k / 80k / 100k items",
        format!("{} KiB", live.replace(',', " / ")),
        format!("all items in a Vec: {collected:.0} KiB"),
        "",
        "flat",
        if flat { Status::Met } else { Status::Missed },
    );
    let _ = writeln!(
        results.details,
        "### Auto-pagination\n\n`.per_page(100).stream()` over {items} meeting participants (1,000 pages from a hyper server on \
         127.0.0.1), against a hand-written reqwest loop that fetches, decodes and walks the same pages. Criterion medians per round \
         (ms), {rounds} rounds: generated {}, reqwest loop {}.\n\nMemory, measured once before the timed runs by a counting global \
         allocator (`cap`) and /proc/self/status, after items {checkpoints}:\n\n- live heap growth since the stream was created \
         (KiB): {live}\n- resident set size (KiB): {rss}\n- for contrast, the same items collected into a `Vec`: {collected:.0} KiB\n",
        ours.iter().map(|ns| format!("{:.0}", ns / 1e6)).collect::<Vec<_>>().join(", "),
        theirs.iter().map(|ns| format!("{:.0}", ns / 1e6)).collect::<Vec<_>>().join(", "),
    );
    Ok(())
}
