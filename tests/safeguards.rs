//! What keeps a misbehaving server or a mistaken caller from hurting the client, against real
//! local servers: the cap on success bodies, retries that never send a POST or PATCH twice
//! unless that is safe, error messages of bounded length, checks of the token's shape, and
//! answers that are not HTTP.
//!
//! The spec's operations are all GETs; POST and PATCH requests are built here with the
//! runtime's `Request::build`, exactly as emitted request builders build theirs.

use std::time::{Duration, Instant};

use cloudflare_realtimekit::{BodyTooLargeError, Client, Error, TransportKind};
use cloudflare_realtimekit_runtime::request::{Method, Request, RequestOptions};
use tests::support::{
    self, RawServer, Reply, TOKEN, client_with, decode_error, get_participant, http_response, list_sessions,
    timeout_error, transport_error,
};
use wiremock::ResponseTemplate;

/// The path template of [`get_participant`].
const PARTICIPANT_TEMPLATE: &str =
    "/accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants/{participant_id}";

/// The template of the hand-built requests.
const THINGS_TEMPLATE: &str = "/accounts/{account_id}/things";

/// The cap of a client built without `max_body_size`, as documented.
const DEFAULT_MAX_BODY_SIZE: usize = 32 * 1024 * 1024;

/// Guards every test that could hang on a bug: fail instead.
const HANG_GUARD: Duration = Duration::from_secs(10);

/// A request to `THINGS_TEMPLATE` with `method` and `options`, as an emitted builder makes it.
fn thing(method: Method, options: &RequestOptions) -> Request {
    Request::build(method, THINGS_TEMPLATE, &[("account_id", "acc")], &[], options).expect("valid request")
}

/// Sends `request` (its body decoded as JSON) and returns the outcome, failing if it hangs.
async fn send(client: &Client, request: Request) -> Result<serde_json::Value, Error> {
    let response = tokio::time::timeout(HANG_GUARD, client.send::<serde_json::Value>(request)).await;
    response.expect("bounded").map(|response| response.into_inner())
}

/// The details of a body that was too large; any other outcome fails the test.
#[track_caller]
fn too_large<T: std::fmt::Debug>(outcome: &Result<T, Error>) -> &BodyTooLargeError {
    match outcome {
        Err(Error::BodyTooLarge(error)) => error,
        other => panic!("expected a body that is too large, got {other:?}"),
    }
}

/// A `200 OK` head without a length: the body runs until the connection closes.
fn endless_head() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".to_vec()
}

// ---------------------------------------------------------------------------------------------
// The cap on success bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_endless_success_body_is_cut_at_the_cap() {
    let server = RawServer::start(|_| Reply::Endless(endless_head())).await;
    let (client, delays) = client_with(&server.uri(), |b| b.max_body_size(1024 * 1024));
    let outcome =
        tokio::time::timeout(HANG_GUARD, get_participant(&client).send()).await.expect("bounded").map_err(Error::from);
    let error = too_large(&outcome);
    assert_eq!((error.limit(), error.content_length()), (1024 * 1024, None));
    assert_eq!((error.path_template(), error.status().as_u16()), (PARTICIPANT_TEMPLATE, 200));
    let shown = outcome.as_ref().expect_err("too large").to_string();
    assert!(shown.contains("cap of 1048576 bytes") && shown.contains(PARTICIPANT_TEMPLATE), "{shown}");
    assert!(shown.contains("max_body_size"), "{shown}");
    // Not an error that sending again would mend.
    assert!(!outcome.as_ref().expect_err("too large").is_retryable());
    assert_eq!((server.request_count(), delays.get().len()), (1, 0));

    // The default cap holds as well.
    let (client, _) = support::client(&server.uri());
    let outcome =
        tokio::time::timeout(HANG_GUARD, get_participant(&client).send()).await.expect("bounded").map_err(Error::from);
    assert_eq!(too_large(&outcome).limit(), DEFAULT_MAX_BODY_SIZE);
}

#[tokio::test]
async fn a_body_announced_larger_than_the_cap_is_not_read() {
    // One GiB announced, a few bytes sent, then nothing: reading would wait for the timeout.
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n{\"a\":";
    let server = RawServer::start(move |_| Reply::Stall(head.to_vec())).await;
    let (client, _) = support::client(&server.uri());
    let started = Instant::now();
    let outcome =
        tokio::time::timeout(HANG_GUARD, get_participant(&client).send()).await.expect("bounded").map_err(Error::from);
    let error = too_large(&outcome);
    assert_eq!((error.limit(), error.content_length()), (DEFAULT_MAX_BODY_SIZE, Some(1 << 30)));
    let shown = outcome.as_ref().expect_err("too large").to_string();
    assert!(shown.contains("of 1073741824 bytes, more than the cap of 33554432 bytes"), "{shown}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered at once, not after the timeout");
}

#[tokio::test]
async fn a_request_can_raise_or_lower_the_cap() {
    let body = format!(r#"{{"data":"{}"}}"#, "x".repeat(2_000));
    let server = support::serve_sequence(vec![ResponseTemplate::new(200).set_body_raw(body, "application/json")]).await;
    let (client, _) = client_with(&server.uri(), |b| b.max_body_size(100));
    let outcome = send(&client, thing(Method::GET, &RequestOptions::default())).await;
    assert_eq!(too_large(&outcome).limit(), 100);
    let raised = RequestOptions { max_body_size: Some(10_000), ..RequestOptions::default() };
    let value = send(&client, thing(Method::GET, &raised)).await.expect("under the request's cap");
    assert_eq!(value["data"].as_str().map(str::len), Some(2_000));
    let (client, _) = support::client(&server.uri());
    let lowered = RequestOptions { max_body_size: Some(1_000), ..RequestOptions::default() };
    let outcome = send(&client, thing(Method::GET, &lowered)).await;
    assert_eq!(too_large(&outcome).content_length(), Some(2_011));
}

// ---------------------------------------------------------------------------------------------
// Retries of requests that are not idempotent
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_post_answered_with_500_is_sent_once() {
    for method in [Method::POST, Method::PATCH] {
        let server = support::serve_sequence(vec![ResponseTemplate::new(500)]).await;
        let (client, delays) = support::client(&server.uri());
        let error = send(&client, thing(method.clone(), &RequestOptions::default())).await.expect_err("500");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        assert!(error.is_retryable() && !error.is_safe_to_resend(), "{error}");
        assert_eq!(support::request_count(&server).await, 1, "{method}");
        assert!(delays.get().is_empty());
    }
    // An idempotent method is retried as before.
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let server = support::serve_sequence(vec![ResponseTemplate::new(500)]).await;
        let (client, _) = support::client(&server.uri());
        send(&client, thing(method.clone(), &RequestOptions::default())).await.expect_err("500");
        assert_eq!(support::request_count(&server).await, 3, "{method}");
    }
}

#[tokio::test]
async fn a_post_answered_late_is_sent_once() {
    let server = RawServer::start(|_| Reply::Hang).await;
    let (client, delays) = client_with(&server.uri(), |b| b.timeout(Duration::from_millis(200)));
    let error = send(&client, thing(Method::POST, &RequestOptions::default())).await.expect_err("times out");
    assert_eq!(timeout_error(&error).timeout(), Some(Duration::from_millis(200)));
    assert!(!error.is_safe_to_resend());
    assert_eq!((server.request_count(), delays.get().len()), (1, 0));
    // The same with a broken connection after the request was sent.
    let server = RawServer::start(|_| Reply::Close).await;
    let (client, _) = support::client(&server.uri());
    let error = send(&client, thing(Method::POST, &RequestOptions::default())).await.expect_err("closed");
    assert_eq!(transport_error(&error).kind(), TransportKind::Request);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_post_is_retried_when_the_server_asks() {
    let ok = ResponseTemplate::new(200).set_body_raw(r#"{"ok":true}"#, "application/json");
    let asking = [
        ResponseTemplate::new(429),
        ResponseTemplate::new(503).insert_header("retry-after", "1"),
        ResponseTemplate::new(500).insert_header("x-should-retry", "true"),
    ];
    for first in asking {
        let server = support::serve_sequence(vec![first, ok.clone()]).await;
        let (client, delays) = support::client(&server.uri());
        let value = send(&client, thing(Method::POST, &RequestOptions::default())).await.expect("retried");
        assert_eq!(value["ok"], true);
        assert_eq!((support::request_count(&server).await, delays.get().len()), (2, 1));
    }
}

#[tokio::test]
async fn a_post_that_cannot_connect_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let (client, delays) = support::client(&format!("http://{address}"));
    let error = send(&client, thing(Method::POST, &RequestOptions::default())).await.expect_err("refused");
    assert_eq!(transport_error(&error).kind(), TransportKind::Connect);
    assert!(error.is_safe_to_resend());
    assert_eq!(delays.get().len(), 2, "both retries were made");
}

#[tokio::test]
async fn a_post_that_opts_in_is_retried_like_a_get() {
    let server = support::serve_sequence(vec![ResponseTemplate::new(500)]).await;
    let (client, delays) = support::client(&server.uri());
    let options = RequestOptions { retry_non_idempotent: true, ..RequestOptions::default() };
    send(&client, thing(Method::POST, &options)).await.expect_err("500");
    assert_eq!((support::request_count(&server).await, delays.get().len()), (3, 2));
    // The request's retry count still applies.
    let options = RequestOptions { retry_non_idempotent: true, max_retries: Some(1), ..RequestOptions::default() };
    send(&client, thing(Method::PATCH, &options)).await.expect_err("500");
    assert_eq!(support::request_count(&server).await, 3 + 2);
}

// ---------------------------------------------------------------------------------------------
// Bounded messages
// ---------------------------------------------------------------------------------------------

/// Longer than any message may be.
const MESSAGE_BOUND: usize = 2_000;

#[tokio::test]
async fn a_ten_megabyte_string_in_a_mistyped_field_makes_a_short_message() {
    let huge = "x".repeat(10 * 1024 * 1024);
    let body = format!(r#"{{"success":true,"data":{{"participants":[{{"id":"p1","duration":"{huge}"}}]}}}}"#);
    let server = RawServer::start(move |_| {
        Reply::Send(http_response("200 OK", &[("content-type", "application/json")], body.as_bytes()))
    })
    .await;
    let (client, _) = support::client(&server.uri());
    let error = list_sessions(&client).send().await.expect_err("duration is a number");
    let decode = decode_error(&error);
    assert_eq!(decode.json_path(), "data.participants[0].duration");
    assert!(decode.message().chars().count() <= 301, "{}", decode.message().len());
    let shown = error.to_string();
    assert!(shown.len() < MESSAGE_BOUND, "{} bytes", shown.len());
    assert!(shown.contains("data.participants[0].duration") && shown.contains('…'), "{shown}");
}

#[tokio::test]
async fn many_or_long_server_messages_make_a_short_message() {
    let long = "m".repeat(60_000);
    let one_long = format!(r#"{{"error":{{"code":400,"message":"{long}"}}}}"#);
    let pairs: Vec<String> = (0..1_000).map(|n| format!(r#"{{"code":{n},"message":"problem {n}"}}"#)).collect();
    let many = format!(r#"{{"errors":[{}]}}"#, pairs.join(","));
    for (body, expected) in [(one_long, "mmm…"), (many, "and 995 more")] {
        let server =
            support::serve_sequence(vec![ResponseTemplate::new(400).set_body_raw(body, "application/json")]).await;
        let (client, _) = support::client(&server.uri());
        let error = get_participant(&client).send().await.expect_err("400");
        let shown = error.to_string();
        assert!(shown.len() < MESSAGE_BOUND, "{} bytes", shown.len());
        assert!(shown.contains(expected), "{shown}");
    }
}

#[test]
fn a_huge_configuration_value_makes_a_short_message() {
    let base_url = format!("https://{}.example", "h".repeat(1024 * 1024));
    let error = Client::builder().api_token(TOKEN).base_url(base_url + "/?query").build().expect_err("a query");
    let shown = error.to_string();
    assert!(shown.len() < MESSAGE_BOUND, "{} bytes", shown.len());
    assert!(shown.starts_with("client configuration error: invalid base URL"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// The token's shape
// ---------------------------------------------------------------------------------------------

#[test]
fn a_token_with_the_scheme_or_invisible_characters_is_rejected() {
    let cases = [
        ("Bearer tok-SECRET", "starts with `Bearer `"),
        ("bearer tok-SECRET", "starts with `Bearer `"),
        ("tok SECRET", "whitespace at character 4"),
        ("tok-SECRET\n2", "whitespace at character 11"),
        ("tok\u{7f}SECRET", "a control character at character 4"),
        ("tök-SECRET", "a non-ASCII character at character 2"),
        ("tok\u{a0}SECRET", "whitespace at character 4"),
    ];
    for (token, expected) in cases {
        let error = Client::builder().api_token(token).build().expect_err(token);
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
        let shown = error.to_string();
        assert!(shown.contains(expected), "{token:?}: {shown}");
        assert!(!shown.contains("SECRET") && !format!("{error:?}").contains("SECRET"), "{shown}");
    }
    // Surrounding whitespace (a newline from a file) is not part of the token.
    let client = Client::builder().api_token("  tok-SECRET\n").build().expect("trimmed");
    assert!(!format!("{client:?}").contains("SECRET"));
}

// ---------------------------------------------------------------------------------------------
// Answers that are not HTTP
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_malformed_status_line_is_a_protocol_error() {
    let garbage: [&[u8]; 3] =
        [b"HTTP/1.1 abc Fine\r\n\r\n", b"SSH-2.0-OpenSSH_9.6\r\n\r\n", b"HTTP/1.1 200 OK\r\nbad header line\r\n\r\n"];
    for reply in garbage {
        let server = RawServer::start(move |_| Reply::Send(reply.to_vec())).await;
        let (client, delays) = support::client(&server.uri());
        let error = get_participant(&client).send().await.expect_err("not HTTP");
        let shown = error.to_string();
        assert_eq!(transport_error(&error).kind(), TransportKind::Protocol, "{shown}");
        assert!(shown.contains("not valid HTTP") && shown.contains("invalid HTTP"), "{shown}");
        assert!(!shown.contains("connection failed"), "{shown}");
        // A GET is retried as for any transport failure; a POST reached the server and is not.
        assert_eq!(delays.get().len(), 2);
        let before = server.request_count();
        send(&client, thing(Method::POST, &RequestOptions::default())).await.expect_err("not HTTP");
        assert_eq!(server.request_count(), before + 1);
    }
}
