//! Helpers shared by the HTTP test files: a retry policy that records its delays instead of
//! sleeping, client constructors, the requests most tests send, checks of the documentation's
//! example, accessors for the error kinds, and a raw TCP server for faults wiremock cannot
//! produce.

pub mod faults;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_realtimekit::models::{PeerEventName, SessionParticipant};
use cloudflare_realtimekit::operations::meetings::ListMeetingParticipants;
use cloudflare_realtimekit::operations::sessions::{GetSessionParticipant, ListSessionParticipants};
use cloudflare_realtimekit::{
    Client, ClientBuilder, DecodeError, Error, Jitter, RetryPolicy, TimeoutError, TransportError,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The API token of every test client; no output may ever contain it.
pub const TOKEN: &str = "tok-SECRET-8c1f0a7e5d2b";

/// The malformed timestamp of the docs' second participant, exactly as the docs print it.
pub const MALFORMED_JOINED_AT: &str = "2023-02-01T10:50:36.846Z\"";

/// The delays a [`recording_policy`] was asked to sleep, in order.
#[derive(Debug, Clone, Default)]
pub struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Delays {
    /// Every delay requested so far.
    pub fn get(&self) -> Vec<Duration> {
        self.0.lock().expect("not poisoned").clone()
    }
}

/// The default policy (2 retries, 0.5 s initial backoff) without jitter, whose sleeper records
/// the delay and returns at once: no test waits for a real backoff.
pub fn recording_policy() -> (RetryPolicy, Delays) {
    let delays = Delays::default();
    let recorded = delays.clone();
    let policy = RetryPolicy::default().with_jitter(Jitter::None).with_sleeper(move |d| {
        recorded.0.lock().expect("not poisoned").push(d);
        async {}
    });
    (policy, delays)
}

/// A client for `base_url` with the recording policy changed by `adjust`, configured further by
/// `configure`.
fn recording_client(
    base_url: &str,
    adjust: impl FnOnce(RetryPolicy) -> RetryPolicy,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Client, Delays) {
    let (policy, delays) = recording_policy();
    let builder = Client::builder().api_token(TOKEN).base_url(base_url).retry_policy(adjust(policy));
    let client = configure(builder).build().expect("valid client");
    (client, delays)
}

/// A client for `base_url` with the recording policy, configured further by `configure`.
pub fn client_with(base_url: &str, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> (Client, Delays) {
    recording_client(base_url, |policy| policy, configure)
}

/// A client for `base_url` whose retry policy is the recording policy changed by `adjust`.
pub fn client_with_policy(base_url: &str, adjust: impl FnOnce(RetryPolicy) -> RetryPolicy) -> (Client, Delays) {
    recording_client(base_url, adjust, |builder| builder)
}

/// A client for `base_url` with the recording policy and otherwise default settings.
pub fn client(base_url: &str) -> (Client, Delays) {
    client_with(base_url, |b| b)
}

/// The participants of session `s` of app `app` of account `acc`: a request to configure and send.
pub fn list_sessions(client: &Client) -> ListSessionParticipants {
    client.sessions().list_session_participants("acc", "app", "s")
}

/// Participant `p` of session `s` of app `app` of account `acc`: a request to configure and send.
pub fn get_participant(client: &Client) -> GetSessionParticipant {
    client.sessions().get_session_participant("acc", "app", "s", "p")
}

/// The participants of meeting `m` of app `app` of account `acc`: a request to configure and send.
pub fn list_meetings(client: &Client) -> ListMeetingParticipants {
    client.meetings().list_meeting_participants("acc", "app", "m")
}

/// Asserts the two participants of the documentation's session example (which the official
/// document has too): Mark, then Henry with the example's malformed `joined_at` kept as sent.
#[track_caller]
pub fn assert_mark_and_henry(participants: &[SessionParticipant]) {
    let names: Vec<_> = participants.iter().map(|p| p.display_name.as_deref()).collect();
    assert_eq!(names, [Some("Mark"), Some("Henry")]);
    assert_eq!(participants[1].joined_at.as_ref().map(|t| t.as_str()), Some(MALFORMED_JOINED_AT));
}

/// Asserts the peer events of every participant of the documentation's session example with
/// peer events: one joining, then one leaving, neither with a preset view type.
#[track_caller]
pub fn assert_joining_then_leaving(participants: &[SessionParticipant]) {
    for participant in participants {
        let events = participant.peer_events.as_deref().expect("peer events");
        let kinds: Vec<_> = events.iter().map(|e| e.event_name.clone()).collect();
        assert_eq!(kinds, [Some(PeerEventName::PeerJoining), Some(PeerEventName::PeerLeaving)]);
        assert!(events.iter().all(|e| e.preset_view_type.is_none()));
    }
}

/// The details of a decode error; any other error fails the test.
#[track_caller]
pub fn decode_error(error: &Error) -> &DecodeError {
    match error {
        Error::Decode(decode) => decode,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// The details of a transport error; any other error fails the test.
#[track_caller]
pub fn transport_error(error: &Error) -> &TransportError {
    match error {
        Error::Transport(transport) => transport,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// The details of a timeout; any other error fails the test.
#[track_caller]
pub fn timeout_error(error: &Error) -> &TimeoutError {
    match error {
        Error::Timeout(timeout) => timeout,
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// How the [`RawServer`] answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Write these bytes (a whole or partial HTTP response) and close the connection.
    Send(Vec<u8>),
    /// Read the request, then close the connection without answering.
    Close,
    /// Read the request and never answer, keeping the connection open.
    Hang,
    /// Write these bytes (e.g. a head and part of a body), then keep the connection open.
    Stall(Vec<u8>),
    /// Write these bytes (a head), then spaces without end, until the client stops reading.
    Endless(Vec<u8>),
}

/// A complete HTTP/1.1 response with `Content-Length` and `Connection: close`.
pub fn http_response(status_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status_line}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON 200 response.
pub fn json_200(body: &str) -> Reply {
    Reply::Send(http_response("200 OK", &[("content-type", "application/json")], body.as_bytes()))
}

/// A tiny HTTP server on 127.0.0.1 that reads each request head verbatim and answers as a
/// script says (by 0-based request index). Dropping it stops it and closes its connections.
#[derive(Debug)]
pub struct RawServer {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

impl RawServer {
    /// Starts a server answering request `n` with `script(n)`.
    pub async fn start(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let heads = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(script);
        let task = {
            let heads = heads.clone();
            let connections = connections.clone();
            tokio::spawn(async move {
                let mut tasks = JoinSet::new();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let heads = heads.clone();
                    let script = script.clone();
                    tasks.spawn(async move { serve_connection(stream, &heads, &*script).await });
                }
            })
        };
        RawServer { addr, heads, connections, task }
    }

    /// Starts a server that accepts connections and never reads from or writes to them.
    pub async fn silent() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let task = {
            let connections = connections.clone();
            tokio::spawn(async move {
                let mut open = Vec::new();
                while let Ok((stream, _)) = listener.accept().await {
                    connections.fetch_add(1, Ordering::SeqCst);
                    open.push(stream);
                }
            })
        };
        RawServer { addr, heads: Arc::default(), connections, task }
    }

    /// `http://127.0.0.1:port`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request heads received so far, verbatim.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("not poisoned").clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.heads.lock().expect("not poisoned").len()
    }

    /// The raw request targets (path and query, exactly as sent) of the requests received.
    pub fn targets(&self) -> Vec<String> {
        self.heads()
            .iter()
            .map(|head| {
                let line = head.lines().next().unwrap_or_default();
                line.split(' ').nth(1).unwrap_or_default().to_owned()
            })
            .collect()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Serves one connection: one request, one reply (every reply closes or hangs).
async fn serve_connection(
    mut stream: TcpStream,
    heads: &Mutex<Vec<String>>,
    script: &(dyn Fn(usize) -> Reply + Send + Sync),
) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let index = {
        let mut heads = heads.lock().expect("not poisoned");
        heads.push(String::from_utf8_lossy(&buffer).into_owned());
        heads.len() - 1
    };
    match script(index) {
        Reply::Send(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            let _ = stream.shutdown().await;
        }
        Reply::Close => drop(stream),
        Reply::Hang => {
            std::future::pending::<()>().await;
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            std::future::pending::<()>().await;
        }
        Reply::Endless(head) => {
            let chunk = vec![b' '; 64 * 1024];
            let mut written = stream.write_all(&head).await;
            while written.is_ok() {
                written = stream.write_all(&chunk).await;
            }
        }
    }
}

/// The raw query strings of wiremock's received requests (`None` when there was no `?`).
pub async fn queries(server: &wiremock::MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect()
}

/// How many requests wiremock received.
pub async fn request_count(server: &wiremock::MockServer) -> usize {
    server.received_requests().await.expect("request recording is on").len()
}

/// A wiremock server answering request `n` with `templates[n]` (the last one repeats).
pub async fn serve_sequence(templates: Vec<wiremock::ResponseTemplate>) -> wiremock::MockServer {
    assert!(!templates.is_empty());
    let server = wiremock::MockServer::start().await;
    let next = AtomicUsize::new(0);
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(move |_: &wiremock::Request| {
            let n = next.fetch_add(1, Ordering::SeqCst);
            templates[n.min(templates.len() - 1)].clone()
        })
        .mount(&server)
        .await;
    server
}
