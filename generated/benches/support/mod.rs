//! Shared by the benches of the generated client: deterministic response bodies, a minimal
//! HTTP/1.1 server on 127.0.0.1, smoke-mode detection and extra figures for `cargo xtask bench`.

#![allow(dead_code, reason = "each bench uses a part")]

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};

/// Whether this is a smoke run (CI): not started by `cargo bench`, or with `--test`.
/// Smoke runs use the smallest inputs and run each benchmark once.
pub fn smoke() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

/// Registers peers in reverse order when `BENCH_ORDER=reverse`, so that `cargo xtask bench`
/// can alternate which peer runs first from one round to the next.
pub fn ordered<T>(mut peers: Vec<T>) -> Vec<T> {
    if std::env::var("BENCH_ORDER").is_ok_and(|order| order == "reverse") {
        peers.reverse();
    }
    peers
}

/// Records an extra figure (`key value`) for `cargo xtask bench` in `$BENCH_REPORT_DIR/<bench>.txt`,
/// and prints it.
pub fn report(bench: &str, key: &str, value: &str) {
    println!("{bench}: {key} = {value}");
    if let Some(dir) = std::env::var_os("BENCH_REPORT_DIR") {
        let path = std::path::Path::new(&dir).join(format!("{bench}.txt"));
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        let _ = writeln!(text, "{key} {value}");
        std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, text)).expect("write the bench report");
    }
}

/// A fake but well-formed UUID derived from `n`.
pub fn uuid(kind: u32, n: u64) -> String {
    format!("{kind:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", (n >> 32) & 0xffff, (n >> 20) & 0xfff, (n >> 8) & 0xfff, n)
}

/// A timestamp `seconds` after 2024-08-06T10:00:00Z (within one day).
pub fn timestamp(seconds: u64) -> String {
    let s = seconds % 86_400;
    format!("2024-08-06T{:02}:{:02}:{:02}.{:03}Z", s / 3600, s / 60 % 60, s % 60, seconds % 1000)
}

/// The JSON of one meeting participant (`MeetingParticipant`).
pub fn meeting_participant(out: &mut String, n: u64) {
    let _ = write!(
        out,
        r#"{{"id":"{}","created_at":"{}","custom_participant_id":"user-{n}","preset_name":"group_call_host","updated_at":"{}","name":"Participant {n}","picture":"https://example.com/avatars/{n}.png"}}"#,
        uuid(1, n),
        timestamp(n),
        timestamp(n + 60),
    );
}

/// `{"success":true,"data":[...],"paging":{...}}` (`MeetingParticipantsResponse`) with the
/// participants `first..first + count` of `total`.
pub fn meeting_participants_page(first: u64, count: u64, total: u64) -> String {
    let mut out = String::from(r#"{"success":true,"data":["#);
    for n in first..first + count {
        if n > first {
            out.push(',');
        }
        meeting_participant(&mut out, n);
    }
    let end = if count == 0 { first.saturating_sub(1) } else { first + count - 1 };
    let _ = write!(out, r#"],"paging":{{"end_offset":{end},"start_offset":{first},"total_count":{total}}}}}"#);
    out
}

/// A page of session participants (`SessionParticipantsResponse`): `participants` of them, each
/// with `n % 3` peer events (one on average). Deterministic.
pub fn session_participants_page(participants: u64) -> String {
    const EVENTS: [&str; 3] = ["PEER_CREATED", "PEER_JOINING", "PEER_LEAVING"];
    const VIEWS: [&str; 5] = ["GROUP_CALL", "WEBINAR", "AUDIO_ROOM", "LIVESTREAM", "CHAT"];
    let mut out = String::with_capacity(usize::try_from(participants).unwrap_or(0) * 1_200 + 200);
    let _ = write!(
        out,
        r#"{{"success":true,"data":{{"paging":{{"end_offset":{participants},"start_offset":1,"total_count":{participants}}},"participants":["#
    );
    for n in 0..participants {
        if n > 0 {
            out.push(',');
        }
        let id = uuid(2, n);
        let _ = write!(
            out,
            r#"{{"id":"{id}","created_at":"{}","custom_participant_id":"user-{n}","display_name":"Participant {n}","duration":{}.{},"joined_at":"{}","left_at":"{}","peer_events":["#,
            timestamp(n),
            n % 240,
            n % 100,
            timestamp(n + 5),
            timestamp(n + 3600),
        );
        for e in 0..n % 3 {
            if e > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"id":"{}","created_at":"{}","event_name":"{}","minutes_consumed":{}.5,"participant_id":"{id}","peer_id":"{}","preset_view_type":"{}","session_id":"{}","socket_session_id":"{}","updated_at":"{}"}}"#,
                uuid(3, n * 3 + e),
                timestamp(n + e),
                EVENTS[usize::try_from(e).unwrap_or(0) % 3],
                e * 7,
                uuid(4, n),
                VIEWS[usize::try_from(n).unwrap_or(0) % 5],
                uuid(5, n / 100),
                uuid(6, n * 3 + e),
                timestamp(n + e + 1),
            );
        }
        let _ = write!(
            out,
            r#"],"preset_name":"webinar_viewer","updated_at":"{}","user_id":"{}"}}"#,
            timestamp(n + 3601),
            uuid(7, n),
        );
    }
    out.push_str("]}}");
    out
}

/// What the server answers for a request URI (path and query).
pub type Handler = dyn Fn(&str) -> Bytes + Send + Sync;

/// A running [`serve`]r.
pub struct Server {
    /// Where it listens.
    pub address: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Server {
    /// How many connections it has accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

/// A minimal HTTP/1.1 server (hyper, keep-alive) on 127.0.0.1 with its own single-threaded
/// runtime on its own thread, so that it does not share the client's. Answers every request with
/// `200 application/json` and the handler's body. Lives until the process ends.
pub fn serve(handler: Arc<Handler>) -> Server {
    let (sender, receiver) = std::sync::mpsc::channel();
    let connections = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::clone(&connections);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
            sender.send(listener.local_addr().expect("local address")).expect("report the address");
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                accepted.fetch_add(1, Ordering::Relaxed);
                let _ = stream.set_nodelay(true);
                let handler = Arc::clone(&handler);
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                        let uri = request.uri().path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_default();
                        let body = handler(&uri);
                        async move {
                            Ok::<_, Infallible>(
                                Response::builder()
                                    .header("content-type", "application/json")
                                    .body(Full::new(body))
                                    .expect("a response"),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    Server { address: receiver.recv().expect("the server's address"), connections }
}

/// The value of query parameter `name` in `uri`.
pub fn query_param<'u>(uri: &'u str, name: &str) -> Option<&'u str> {
    let query = uri.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The resident set size of this process in KiB (`VmRSS`), where /proc is readable.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Times `ours` and `peer` in `pairs` interleaved pairs, alternating which of the two runs first,
/// and records for `cargo xtask bench` the median of the per-pair ratios ours ÷ peer as
/// `paired_<name>`, with both medians in nanoseconds (`paired_<name>_ours`, `paired_<name>_peer`).
///
/// Criterion measures one peer for seconds, then the other; on a shared machine a neighbour that
/// takes a core for a while lands on one of them. Pairs a few milliseconds apart see the same
/// machine, so their ratios keep the difference between the peers and little of the drift.
pub fn paired(bench: &str, name: &str, pairs: usize, mut ours: impl FnMut(), mut peer: impl FnMut()) {
    let time = |run: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        run();
        start.elapsed().as_secs_f64()
    };
    let (mut ratios, mut ours_times, mut peer_times) = (Vec::new(), Vec::new(), Vec::new());
    for pair in 0..pairs {
        let (a, b) = if pair % 2 == 0 {
            let a = time(&mut ours);
            (a, time(&mut peer))
        } else {
            let b = time(&mut peer);
            (time(&mut ours), b)
        };
        ratios.push(a / b);
        ours_times.push(a);
        peer_times.push(b);
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    report(bench, &format!("paired_{name}"), &format!("{:.4}", median(&mut ratios)));
    report(bench, &format!("paired_{name}_ours"), &format!("{:.0}", median(&mut ours_times) * 1e9));
    report(bench, &format!("paired_{name}_peer"), &format!("{:.0}", median(&mut peer_times) * 1e9));
}
