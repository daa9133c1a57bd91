//! Tests of sending, retries, reading and decoding bodies against local servers.

use std::sync::Mutex;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::Jitter;
use crate::request::{Method, RequestOptions, expand_path};

const TOKEN: &str = "sekrit-token-123";
const TEMPLATE: &str = "/accounts/{account_id}/apps/{app_id}/meetings";

/// A policy without jitter whose sleeper records the delays and returns at once.
fn recording_policy() -> (RetryPolicy, Arc<Mutex<Vec<Duration>>>) {
    let delays = Arc::new(Mutex::new(Vec::new()));
    let recorded = delays.clone();
    let policy = RetryPolicy::default().with_jitter(Jitter::None).with_sleeper(move |d| {
        recorded.lock().expect("not poisoned").push(d);
        async {}
    });
    (policy, delays)
}

fn client_for(base_url: &str, policy: RetryPolicy) -> Client {
    Client::builder().api_token(TOKEN).base_url(base_url).retry_policy(policy).build().expect("valid client")
}

fn meetings_request() -> Request {
    let path = expand_path(TEMPLATE, &[("account_id", "acc 1"), ("app_id", "app")]).expect("valid path");
    let mut request = Request::new(Method::GET, TEMPLATE, path, &RequestOptions::default());
    request.query.push("search", &"secret-query-value");
    request
}

fn recorded(delays: &Arc<Mutex<Vec<Duration>>>) -> Vec<Duration> {
    delays.lock().expect("not poisoned").clone()
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[test]
fn client_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Client>();
    let client = Client::builder().api_token(TOKEN).build().expect("valid client");
    let copy = client.clone();
    assert!(Arc::ptr_eq(&client.inner, &copy.inner));
}

#[tokio::test]
async fn sends_headers_path_and_query_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/client/v4/accounts/acc%201/apps/app/meetings"))
        .and(query_param("search", "secret-query-value"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .and(header("user-agent", concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "r1")
                .set_body_json(serde_json::json!({"success": true, "data": [1, 2]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (policy, _) = recording_policy();
    let client = client_for(&format!("{}/client/v4/", server.uri()), policy);
    let response = client.send::<serde_json::Value>(meetings_request()).await.expect("success");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("x-request-id").map(|v| v.as_bytes()), Some(&b"r1"[..]));
    assert_eq!(response["data"][1], 2);
}

#[tokio::test]
async fn sends_json_body_and_accepts_empty_success_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(serde_json::json!({"title": "standup"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server.uri(), RetryPolicy::never());
    let mut request = Request::new(Method::POST, "/meetings", "/meetings".to_owned(), &RequestOptions::default());
    request.json_body(&serde_json::json!({"title": "standup"})).expect("serializable");
    let response = client.send::<()>(request).await.expect("empty body decodes as ()");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn send_empty_and_send_bytes_skip_decoding() {
    let server = MockServer::start().await;
    Mock::given(path("/empty"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&server)
        .await;
    Mock::given(path("/raw"))
        .and(header("accept", "*/*"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0u8, 159, 146, 150]))
        .mount(&server)
        .await;
    let client = client_for(&server.uri(), RetryPolicy::never());
    let get = |p: &'static str| Request::new(Method::GET, p, p.to_owned(), &RequestOptions::default());
    let empty = client.send_empty(get("/empty")).await.expect("body ignored");
    assert_eq!(empty.status(), StatusCode::OK);
    let raw = client.send_bytes(get("/raw")).await.expect("raw body");
    assert_eq!(&raw[..], &[0u8, 159, 146, 150]);
    let error = client.send_bytes(get("/missing")).await.expect_err("404");
    assert!(error.is_not_found());
}

#[tokio::test]
async fn retries_429_honouring_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server.uri(), policy);
    let response = client.send::<serde_json::Value>(meetings_request()).await.expect("retried to success");
    assert_eq!(response["ok"], true);
    assert_eq!(recorded(&delays), vec![Duration::from_secs(3)]);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn gives_up_on_503_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html><body>upstream down</body></html>"))
        .mount(&server)
        .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server.uri(), policy);
    let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("always 503");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.is_retryable());
    assert_eq!(request_count(&server).await, 3);
    assert_eq!(recorded(&delays), vec![Duration::from_millis(500), Duration::from_millis(1000)]);
    let shown = error.to_string();
    assert!(shown.contains("GET /accounts/{account_id}/apps/{app_id}/meetings"), "{shown}");
    assert!(shown.contains("upstream down"), "{shown}");
    assert!(!shown.contains(TOKEN) && !shown.contains("secret-query-value"), "{shown}");

    // A per-request override disables the retries.
    let mut request = meetings_request();
    request.options.max_retries = Some(0);
    let _ = client.send::<serde_json::Value>(request).await.expect_err("always 503");
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = MockServer::start().await;
    Mock::given(path("/no"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .mount(&server)
        .await;
    Mock::given(path("/yes"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-should-retry", "true"))
        .mount(&server)
        .await;
    let (policy, _) = recording_policy();
    let client = client_for(&server.uri(), policy.with_max_retries(1));
    let send = |p: &'static str| {
        client.send::<serde_json::Value>(Request::new(Method::GET, p, p.to_owned(), &RequestOptions::default()))
    };
    assert!(send("/no").await.is_err());
    assert_eq!(request_count(&server).await, 1);
    assert!(send("/yes").await.is_err());
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn not_found_is_parsed_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            serde_json::json!({"success": false, "error": {"code": 404, "message": "Meeting not found"}}),
        ))
        .mount(&server)
        .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server.uri(), policy);
    let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("404");
    assert!(error.is_not_found());
    assert_eq!(error.code(), Some(404));
    assert_eq!(error.message(), Some("Meeting not found"));
    assert_eq!(request_count(&server).await, 1);
    assert!(recorded(&delays).is_empty());
    assert!(!error.to_string().contains(TOKEN));
}

#[tokio::test]
async fn decode_error_reports_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":{"count":"many"}}"#))
        .mount(&server)
        .await;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Data {
        count: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        data: Data,
    }
    let client = client_for(&server.uri(), RetryPolicy::never());
    match client.send::<Body>(meetings_request()).await {
        Err(Error::Decode(e)) => {
            assert_eq!(e.json_path(), "data.count");
            assert_eq!(e.status(), StatusCode::OK);
            assert!(e.excerpt().contains("many"), "{}", e.excerpt());
        }
        other => panic!("{other:?}"),
    }
    match client.send::<serde_json::Value>(meetings_request()).await {
        Ok(v) => assert_eq!(v["data"]["count"], "many"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let (policy, delays) = recording_policy();
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.uri())
        .retry_policy(policy)
        .max_retries(1)
        .timeout(Duration::from_millis(100))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert!(matches!(&error, Error::Timeout(t) if t.timeout() == Some(Duration::from_millis(100))));
    assert_eq!(recorded(&delays).len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(error.to_string().contains("timed out"), "{error}");
}

/// A server that sends the response head and then never sends the promised body.
#[tokio::test]
async fn stalled_body_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"a\":").await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::never())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid client");
    let mut request = meetings_request();
    request.options.timeout = Some(Duration::from_millis(150));
    let error = client.send::<serde_json::Value>(request).await.expect_err("times out");
    assert!(matches!(&error, Error::Timeout(t) if t.timeout() == Some(Duration::from_millis(150))), "{error:?}");
    server.abort();
}

/// A server that accepts and closes every connection without answering.
#[tokio::test]
async fn dropped_connection_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let accepted = Arc::new(Mutex::new(0usize));
    let counter = accepted.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            *counter.lock().expect("not poisoned") += 1;
            drop(socket);
        }
    });
    let (policy, delays) = recording_policy();
    let client = client_for(&format!("http://{addr}"), policy);
    let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("dropped");
    match &error {
        Error::Transport(e) => assert_eq!(e.kind(), TransportKind::Request, "{error}"),
        other => panic!("{other:?}"),
    }
    assert!(!error.is_timeout());
    assert!(error.is_retryable());
    assert_eq!(*accepted.lock().expect("not poisoned"), 3);
    assert_eq!(recorded(&delays).len(), 2);
    let shown = error.to_string();
    assert!(!shown.contains("secret-query-value") && !shown.contains(TOKEN), "{shown}");
    server.abort();
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let client = client_for(&format!("http://{addr}"), RetryPolicy::never());
    let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("refused");
    match &error {
        Error::Transport(e) => assert_eq!(e.kind(), TransportKind::Connect, "{error}"),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("could not connect"), "{error}");
}

#[tokio::test]
async fn large_error_body_is_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(MAX_ERROR_BODY * 3)))
        .mount(&server)
        .await;
    let client = client_for(&server.uri(), RetryPolicy::never());
    let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("500");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.body().len(), MAX_ERROR_BODY);
    assert!(api.body_truncated());
    assert!(error.to_string().len() < 1_000);
}

thread_local! {
    /// Where [`Capture`] records the events of the current test thread, if anywhere.
    static SINK: std::cell::RefCell<Option<Arc<Mutex<Vec<String>>>>> =
        const { std::cell::RefCell::new(None) };
}

/// A global subscriber recording this crate's events into the thread's [`SINK`].
///
/// Global rather than scoped: with a single scoped dispatcher, tracing computes the
/// interest of callsites first hit on other test threads from *their* (empty) default
/// and caches them as disabled, which would make the test flaky.
struct Capture;

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with(env!("CARGO_CRATE_NAME"))
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        SINK.with_borrow(|sink| {
            if let Some(sink) = sink {
                let mut line = String::new();
                event.record(&mut Fields(&mut line));
                sink.lock().expect("not poisoned").push(line);
            }
        });
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs on a current-thread runtime, so every event of the request lands in this thread's sink.
#[tokio::test(flavor = "current_thread")]
async fn tracing_logs_the_template_not_secrets() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(Capture).expect("no other global subscriber");
    });
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&server).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    SINK.set(Some(events.clone()));
    let (policy, _) = recording_policy();
    let client = client_for(&server.uri(), policy);
    client.send::<serde_json::Value>(meetings_request()).await.expect("retried to success");
    SINK.set(None);
    let events = events.lock().expect("not poisoned").clone();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events[0].contains("status=500") && events[0].contains("attempt=1"), "{events:?}");
    assert!(events[1].contains("status=200") && events[1].contains("attempt=2"), "{events:?}");
    for event in &events {
        assert!(event.contains(TEMPLATE), "{event}");
        assert!(
            !event.contains(TOKEN) && !event.contains("secret-query-value") && !event.contains("acc%201"),
            "{event}"
        );
    }
}
