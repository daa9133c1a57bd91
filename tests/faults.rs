//! Fault injection against real local servers: rate limits and retries, dropped and silent
//! connections, timeouts, truncated and malformed bodies, every error body shape, tolerant
//! decoding, hostile path parameters and token redaction.
//!
//! No test sleeps for a backoff: the retry policy's sleeper records the requested delays and
//! returns at once (see `support::recording_policy`).

use std::time::{Duration, Instant, SystemTime};

use cloudflare_realtimekit::models::{PeerEventName, PresetViewType};
use cloudflare_realtimekit::{Client, ClientBuilder, Error, Jitter, Response, RetryPolicy, TransportKind};
use tests::support::{
    self, Delays, RawServer, Reply, TOKEN, client, client_with, client_with_policy, decode_error, get_participant,
    json_200, list_meetings, list_sessions, timeout_error, transport_error,
};
use wiremock::{MockServer, ResponseTemplate};

/// A valid, empty page of meeting participants.
const EMPTY_MEETING_PAGE: &str =
    r#"{"success":true,"data":[],"paging":{"end_offset":0,"start_offset":0,"total_count":0}}"#;

/// Guards every test that could hang on a bug: fail instead.
const HANG_GUARD: Duration = Duration::from_secs(5);

fn ok_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(EMPTY_MEETING_PAGE, "application/json")
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

/// A response with status `code` and `body` as `content_type`.
fn with_body(code: u16, body: impl Into<Vec<u8>>, content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_raw(body, content_type)
}

/// A wiremock server answering request `n` with `templates[n]` (the last one repeats), and a
/// client of it with the recording policy.
async fn serve(templates: Vec<ResponseTemplate>) -> (MockServer, Client, Delays) {
    let server = support::serve_sequence(templates).await;
    let (client, delays) = client(&server.uri());
    (server, client, delays)
}

/// Lists meeting `m` with a recording client against a server answering with `templates` in
/// turn (the last one repeats): the outcome, the delays before the retries, and how many
/// requests the server received.
async fn list_against(templates: Vec<ResponseTemplate>) -> (Result<(), Error>, Vec<Duration>, usize) {
    list_against_with(templates, |policy| policy).await
}

/// [`list_against`] with the client's recording policy changed by `adjust`.
async fn list_against_with(
    templates: Vec<ResponseTemplate>,
    adjust: impl FnOnce(RetryPolicy) -> RetryPolicy,
) -> (Result<(), Error>, Vec<Duration>, usize) {
    let server = support::serve_sequence(templates).await;
    let (client, delays) = client_with_policy(&server.uri(), adjust);
    let outcome = list(&client).await;
    (outcome, delays.get(), support::request_count(&server).await)
}

/// A raw server answering every request with `body` as JSON, and a client of it.
async fn serve_json(body: &'static str) -> (RawServer, Client) {
    let server = RawServer::start(move |_| json_200(body)).await;
    let (client, _) = client(&server.uri());
    (server, client)
}

/// Lists the participants of meeting `m` (the simplest operation) and returns the outcome.
async fn list(client: &Client) -> Result<(), Error> {
    outcome(list_meetings(client).send()).await
}

/// Awaits `future`, failing the test if it outlives [`HANG_GUARD`].
async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG_GUARD, future).await.expect("bounded by the timeout")
}

/// Awaits a request, dropping the body of its response but keeping the error.
async fn outcome<T>(request: impl Future<Output = Result<Response<T>, Error>>) -> Result<(), Error> {
    request.await.map(|_| ())
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

// ---------------------------------------------------------------------------------------------
// Retries and server-requested delays
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_with_retry_after_seconds_waits_as_asked() {
    let (outcome, delays, requests) =
        list_against(vec![status(429).insert_header("retry-after", "7"), ok_page()]).await;
    outcome.expect("the retry succeeds");
    assert_eq!(delays, [secs(7)]);
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn retry_after_ms_takes_precedence_over_retry_after() {
    let (outcome, delays, requests) = list_against(vec![
        status(429).insert_header("retry-after-ms", "1500").insert_header("retry-after", "9"),
        status(503).insert_header("retry-after-ms", "250.5"),
        ok_page(),
    ])
    .await;
    outcome.expect("the retries succeed");
    assert_eq!(delays, [ms(1500), Duration::from_micros(250_500)]);
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn retry_after_http_date_is_relative_to_now() {
    let future = httpdate::fmt_http_date(SystemTime::now() + secs(30));
    let past = httpdate::fmt_http_date(SystemTime::now() - secs(3600));
    let (outcome, delays, requests) = list_against(vec![
        status(503).insert_header("retry-after", future.as_str()),
        status(429).insert_header("retry-after", past.as_str()),
        ok_page(),
    ])
    .await;
    outcome.expect("the retries succeed");
    assert_eq!(delays.len(), 2, "{delays:?}");
    // The date has whole seconds and a little time passes before the retry.
    assert!(delays[0] > secs(27) && delays[0] <= secs(30), "a date 30 s ahead gives about 30 s: {delays:?}");
    assert_eq!(delays[1], Duration::ZERO, "a past date means no wait");
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn server_requested_delays_are_capped() {
    let (outcome, delays, _) = list_against(vec![
        status(429).insert_header("retry-after", "3600"),
        status(429).insert_header("retry-after-ms", "99999999"),
        ok_page(),
    ])
    .await;
    outcome.expect("the retries succeed");
    assert_eq!(delays, [secs(60), secs(60)], "the default cap is 60 s");

    let (outcome, delays, _) =
        list_against_with(vec![status(429).insert_header("retry-after", "30"), ok_page()], |policy| {
            policy.with_max_retry_after(secs(2))
        })
        .await;
    outcome.expect("the retry succeeds");
    assert_eq!(delays, [secs(2)]);
}

#[tokio::test]
async fn unparsable_retry_after_falls_back_to_backoff() {
    let (outcome, delays, _) = list_against(vec![
        status(429).insert_header("retry-after", "soon"),
        status(429).insert_header("retry-after", "-3"),
        ok_page(),
    ])
    .await;
    outcome.expect("the retries succeed");
    assert_eq!(delays, [ms(500), ms(1000)]);
}

#[tokio::test]
async fn service_unavailable_then_success_uses_the_backoff() {
    let (server, client, delays) = serve(vec![status(503), ok_page()]).await;
    let response = list_meetings(&client).send().await.expect("the retry succeeds");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(delays.get(), [ms(500)]);
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn jitter_applies_to_the_backoff_but_not_to_retry_after() {
    let responses = vec![status(503), status(429).insert_header("retry-after", "7"), status(502), ok_page()];
    let (outcome, delays, requests) = list_against_with(responses, |policy| {
        policy.with_max_retries(3).with_initial_backoff(ms(100)).with_jitter(Jitter::Custom(|d| d * 3))
    })
    .await;
    outcome.expect("the retries succeed");
    // Retry 0: 100 ms * 3; retry 1: the server's 7 s as is; retry 2: 400 ms * 3.
    assert_eq!(delays, [ms(300), secs(7), ms(1200)]);
    assert_eq!(requests, 4);
}

#[tokio::test]
async fn internal_server_error_is_given_up_after_the_retries() {
    let (outcome, delays, requests) = list_against(vec![with_body(
        500,
        r#"{"success":false,"error":{"code":500,"message":"Internal error"}}"#,
        "application/json",
    )])
    .await;
    let error = outcome.expect_err("500 every time");
    assert_eq!(requests, 3, "1 + 2 retries");
    assert_eq!(delays, [ms(500), ms(1000)]);
    assert!(error.is_retryable());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.code(), Some(500));
    assert_eq!(error.message(), Some("Internal error"));
    assert!(!error.is_not_found() && !error.is_timeout() && !error.is_rate_limited());
    let shown = error.to_string();
    assert!(
        shown.contains("HTTP 500 Internal Server Error")
            && shown.contains("Internal error (code 500)")
            && shown.contains("/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants"),
        "{shown}"
    );
}

#[tokio::test]
async fn x_should_retry_false_stops_a_retryable_status() {
    let (outcome, delays, requests) =
        list_against(vec![status(503).insert_header("x-should-retry", "false"), ok_page()]).await;
    let error = outcome.expect_err("not retried");
    assert_eq!(requests, 1);
    assert!(delays.is_empty());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn x_should_retry_true_retries_a_client_error() {
    let (outcome, delays, requests) =
        list_against(vec![status(400).insert_header("x-should-retry", "true"), ok_page()]).await;
    outcome.expect("the retry succeeds");
    assert_eq!(requests, 2);
    assert_eq!(delays, [ms(500)]);

    let (outcome, _, requests) = list_against(vec![status(400).insert_header("x-should-retry", "true")]).await;
    let error = outcome.expect_err("400 every time");
    assert_eq!(requests, 3);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(error.is_retryable());

    // Without the header a 400 is final.
    let (outcome, _, requests) = list_against(vec![status(400), ok_page()]).await;
    let error = outcome.expect_err("not retried");
    assert!(!error.is_retryable());
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn per_request_max_retries_overrides_the_client() {
    let (server, client, delays) = serve(vec![status(503)]).await;
    let error = list_meetings(&client).max_retries(0).send().await.expect_err("not retried");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable(), "retryable, but the request said no");
    assert_eq!(support::request_count(&server).await, 1);
    assert!(delays.get().is_empty());

    // The other way round: a client that never retries, a request that retries 3 times.
    let server = support::serve_sequence(vec![status(503)]).await;
    let (client, delays) = client_with(&server.uri(), |b| b.max_retries(0));
    list(&client).await.expect_err("503");
    assert_eq!(support::request_count(&server).await, 1);
    list_sessions(&client).max_retries(3).send().await.expect_err("503");
    assert_eq!(support::request_count(&server).await, 1 + 4);
    assert_eq!(delays.get(), [ms(500), ms(1000), ms(2000)]);
}

#[tokio::test]
async fn never_policy_sends_once() {
    let (outcome, _, requests) =
        list_against_with(vec![status(429).insert_header("retry-after", "1")], |_| RetryPolicy::never()).await;
    let error = outcome.expect_err("429");
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(secs(1)));
    assert_eq!(requests, 1);
}

// ---------------------------------------------------------------------------------------------
// Connection faults and timeouts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dropped_connection_is_retried() {
    let server = RawServer::start(|n| if n == 0 { Reply::Close } else { json_200(EMPTY_MEETING_PAGE) }).await;
    let (client, delays) = client(&server.uri());
    list(&client).await.expect("the retry succeeds");
    assert_eq!(server.request_count(), 2);
    assert_eq!(delays.get(), [ms(500)]);
}

#[tokio::test]
async fn dropped_connection_every_time_is_a_transport_error() {
    let server = RawServer::start(|_| Reply::Close).await;
    let (client, delays) = client(&server.uri());
    let error = list(&client).await.expect_err("never answered");
    assert_eq!(server.request_count(), 3, "1 + 2 retries");
    assert_eq!(delays.get(), [ms(500), ms(1000)]);
    let transport = transport_error(&error);
    assert_eq!(transport.kind(), TransportKind::Request);
    assert_eq!(transport.method().as_str(), "GET");
    assert!(error.is_retryable());
    assert!(!error.is_timeout());
    assert_eq!(error.status(), None);
    assert!(std::error::Error::source(&error).is_some());
    let shown = error.to_string();
    assert!(shown.contains("connection failed"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let (client, delays) = client(&format!("http://{address}"));
    let error = list(&client).await.expect_err("nobody listens");
    assert_eq!(transport_error(&error).kind(), TransportKind::Connect);
    assert_eq!(delays.get().len(), 2, "connect failures are retried");
    assert!(error.to_string().contains("could not connect"), "{error}");
}

#[tokio::test]
async fn slow_response_times_out() {
    let server = support::serve_sequence(vec![ok_page().set_delay(secs(10))]).await;
    let (client, _) = client_with(&server.uri(), |b| b.timeout(ms(200)).max_retries(0));
    let started = Instant::now();
    let error = bounded(list(&client)).await.expect_err("too slow");
    let elapsed = started.elapsed();
    assert!(elapsed >= ms(200) && elapsed < secs(3), "took {elapsed:?}");
    assert_eq!(timeout_error(&error).timeout(), Some(ms(200)));
    assert!(error.is_timeout());
    assert!(error.is_retryable());
    assert!(!matches!(error, Error::Transport(_)));
    assert_eq!(error.status(), None);
    let shown = error.to_string();
    assert!(shown.contains("timed out after 200ms"), "{shown}");
    assert_eq!(support::request_count(&server).await, 1);
}

#[tokio::test]
async fn server_that_never_answers_is_bounded_by_the_timeout() {
    let server = RawServer::start(|_| Reply::Hang).await;
    let (client, delays) = client_with(&server.uri(), |b| b.timeout(ms(200)));
    let started = Instant::now();
    let error = bounded(list(&client)).await.expect_err("no answer");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(server.request_count(), 3, "timeouts are retried");
    assert_eq!(delays.get(), [ms(500), ms(1000)]);
    assert!(elapsed >= ms(600) && elapsed < secs(3), "three attempts of 200 ms: {elapsed:?}");
}

#[tokio::test]
async fn server_that_accepts_but_never_reads_is_bounded_by_the_timeout() {
    let server = RawServer::silent().await;
    let (client, _) = client_with(&server.uri(), |b| b.timeout(ms(150)).max_retries(1));
    let error = bounded(list(&client)).await.expect_err("no answer");
    assert_eq!(timeout_error(&error).timeout(), Some(ms(150)));
    assert!(server.connections() >= 1);
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client() {
    let server = RawServer::start(|_| Reply::Hang).await;
    let (client, _) = client(&server.uri());
    let request = get_participant(&client).timeout(ms(150)).max_retries(0);
    let error = bounded(request.send()).await.expect_err("no answer");
    assert_eq!(timeout_error(&error).timeout(), Some(ms(150)));
    // The message states the timeout that elapsed, not a rounded 0.1 s.
    let shown = error.to_string();
    assert!(shown.contains("timed out after 150ms"), "{shown}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn stalled_body_is_bounded_by_the_timeout() {
    // The head and part of the body arrive at once, the rest never does: the timeout covers
    // reading the body too.
    let server = RawServer::start(|_| {
        Reply::Stall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"success\":true,"
                .to_vec(),
        )
    })
    .await;
    let (client, _) = client_with(&server.uri(), |b| b.timeout(ms(200)).max_retries(0));
    let started = Instant::now();
    let error = bounded(list(&client)).await.expect_err("incomplete body");
    assert!(started.elapsed() < secs(3), "{:?}", started.elapsed());
    assert_eq!(timeout_error(&error).timeout(), Some(ms(200)));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn truncated_body_with_a_longer_content_length_is_a_body_transport_error() {
    let body = &EMPTY_MEETING_PAGE.as_bytes()[..40];
    let server = RawServer::start(move |_| {
        let mut bytes = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            EMPTY_MEETING_PAGE.len() + 100
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        Reply::Send(bytes)
    })
    .await;
    let (client, delays) = client(&server.uri());
    let error = list(&client).await.expect_err("the body is cut short");
    assert_eq!(transport_error(&error).kind(), TransportKind::Body);
    assert!(error.is_retryable());
    assert_eq!(server.request_count(), 3, "a broken body is retried");
    assert_eq!(delays.get().len(), 2);
    let shown = error.to_string();
    assert!(shown.contains("connection failed while reading the response body"), "{shown}");
}

#[tokio::test]
async fn truncated_json_with_a_matching_content_length_is_a_decode_error() {
    let truncated =
        r#"{"success":true,"data":[{"id":"182bd5e5","created_at":"2019-12-27T18:11:19.117Z","custom_partic"#;
    let server = RawServer::start(move |_| json_200(truncated)).await;
    let (client, delays) = client(&server.uri());
    let error = list(&client).await.expect_err("truncated JSON");
    assert_eq!(server.request_count(), 1, "a decode error is not retried");
    assert!(delays.get().is_empty());
    let decode = decode_error(&error);
    assert_eq!(decode.status().as_u16(), 200);
    // The cut falls inside a key, which serde_path_to_error reports as `data[0].?`.
    assert!(decode.json_path().starts_with("data[0]"), "{}", decode.json_path());
    assert!(decode.message().contains("EOF"), "{}", decode.message());
    assert!(decode.excerpt().contains("custom_partic"), "{}", decode.excerpt());
    assert!(!error.is_retryable());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let shown = error.to_string();
    assert!(
        shown.contains("HTTP 200 OK")
            && shown.contains(&format!("`{}`", decode.json_path()))
            && shown.contains("custom_partic"),
        "{shown}"
    );
}

#[tokio::test]
async fn empty_and_trailing_garbage_success_bodies_are_decode_errors() {
    for body in ["", "   ", r#"{"success":true} trailing"#, "not json"] {
        let (server, client) = serve_json(body).await;
        let error = list_sessions(&client).send().await.expect_err(body);
        assert!(matches!(error, Error::Decode(_)), "{body:?}: {error:?}");
        assert_eq!(server.request_count(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

/// Cloudflare's error body for a bad token.
const AUTHENTICATION_ERROR: &str = r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#;

#[tokio::test]
async fn html_bad_gateway_has_no_message_but_an_excerpt() {
    let html = "<!DOCTYPE html>\n<html>\n  <head><title>502 Bad Gateway</title></head>\n  <body>\n    <center><h1>502 Bad Gateway</h1></center>\n    <hr><center>cloudflare</center>\n  </body>\n</html>\n";
    let (outcome, _, requests) = list_against(vec![with_body(502, html, "text/html")]).await;
    let error = outcome.expect_err("502");
    assert_eq!(requests, 3, "502 is retried");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.message(), None);
    assert_eq!(error.code(), None);
    assert!(error.details().is_empty());
    let api = error.api_error().expect("an API error");
    assert_eq!(api.body(), html.as_bytes());
    assert!(!api.body_truncated());
    let shown = error.to_string();
    assert!(shown.contains("HTTP 502 Bad Gateway"), "{shown}");
    assert!(
        shown.contains("<!DOCTYPE html> <html> <head><title>502 Bad Gateway</title></head>"),
        "whitespace collapsed excerpt: {shown}"
    );
    assert!(!shown.contains('\n'), "one line: {shown}");
}

#[tokio::test]
async fn not_found_in_every_error_shape() {
    let cases: [(&str, &str, Option<i64>, Option<&str>); 4] = [
        (
            "application/json",
            r#"{"success":false,"error":{"code":404,"message":"Meeting not found"}}"#,
            Some(404),
            Some("Meeting not found"),
        ),
        (
            "application/json",
            r#"{"success":false,"errors":[{"code":7003,"message":"Could not route"}],"messages":[]}"#,
            Some(7003),
            Some("Could not route"),
        ),
        ("application/json", r#"{"message":"nope"}"#, None, Some("nope")),
        ("text/plain", "404 page not found", None, None),
    ];
    for (content_type, body, code, message) in cases {
        let (outcome, delays, requests) = list_against(vec![with_body(404, body, content_type)]).await;
        let error = outcome.expect_err(body);
        assert!(error.is_not_found(), "{body}: {error:?}");
        assert!(!error.is_retryable(), "{body}");
        assert_eq!(error.code(), code, "{body}");
        assert_eq!(error.message(), message, "{body}");
        assert_eq!(requests, 1, "{body}");
        assert!(delays.is_empty());
        let shown = error.to_string();
        assert!(shown.contains("HTTP 404 Not Found"), "{shown}");
        match (code, message) {
            (Some(code), Some(message)) => {
                assert!(shown.contains(&format!("{message} (code {code})")), "{shown}")
            }
            (None, Some(message)) => assert!(shown.ends_with(&format!(": {message}")), "{shown}"),
            _ => assert!(shown.ends_with(": 404 page not found"), "{shown}"),
        }
        assert_eq!(error.api_error().map(|e| e.body().to_vec()), Some(body.as_bytes().to_vec()));
    }
}

#[tokio::test]
async fn unauthorized_points_at_the_token_without_showing_it() {
    let (outcome, _, requests) = list_against(vec![with_body(401, AUTHENTICATION_ERROR, "application/json")]).await;
    let error = outcome.expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.code(), Some(10000));
    let shown = error.to_string();
    assert!(shown.contains("CLOUDFLARE_API_TOKEN"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert_eq!(requests, 1);
}

// ---------------------------------------------------------------------------------------------
// Decoding of 2xx bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn wrong_type_in_a_nested_field_names_the_field() {
    let (server, client) = serve_json(
        r#"{"success":true,"data":{"paging":{"end_offset":2,"start_offset":1,"total_count":2},"participants":[{"id":"a","duration":1.5},{"id":"b","duration":"five minutes"}]}}"#,
    )
    .await;
    let error = list_sessions(&client).send().await.expect_err("a string where a number belongs");
    let decode = decode_error(&error);
    assert_eq!(decode.json_path(), "data.participants[1].duration");
    assert!(decode.message().contains("invalid type"), "{}", decode.message());
    assert!(decode.excerpt().contains("five minutes"), "{}", decode.excerpt());
    assert_eq!(
        decode.path_template(),
        "/accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants"
    );
    let shown = error.to_string();
    assert!(shown.contains("`data.participants[1].duration`"), "{shown}");
    assert!(shown.contains("five minutes"), "{shown}");
    assert_eq!(server.request_count(), 1);

    // A required field of the meeting listing with the wrong type.
    let (_server, client) =
        serve_json(r#"{"success":true,"data":[],"paging":{"end_offset":0,"start_offset":0,"total_count":"many"}}"#)
            .await;
    let error = list(&client).await.expect_err("a count that is not a number");
    assert_eq!(decode_error(&error).json_path(), "paging.total_count");
}

#[tokio::test]
async fn unknown_enum_values_decode_into_the_catch_all() {
    let (_server, client) = serve_json(
        r#"{"success":true,"data":{"participant":{"id":"p","peer_events":[
        {"id":"1","event_name":"PEER_CREATED","preset_view_type":"WEBINAR"},
        {"id":"2","event_name":"PEER_TELEPORTED","preset_view_type":"HOLOGRAM"},
        {"id":"3","event_name":"PEER_LEAVING","preset_view_type":"AUDIO_ROOM"}
    ]}}}"#,
    )
    .await;
    let response = get_participant(&client).send().await.expect("unknown values are tolerated");
    let events =
        response.into_inner().data.and_then(|d| d.participant).and_then(|p| p.peer_events).expect("peer events");
    let seen: Vec<_> =
        events.iter().map(|e| (e.id.as_deref(), e.event_name.clone(), e.preset_view_type.clone())).collect();
    assert_eq!(
        seen,
        [
            (Some("1"), Some(PeerEventName::PeerCreated), Some(PresetViewType::Webinar)),
            (
                Some("2"),
                Some(PeerEventName::Unknown("PEER_TELEPORTED".into())),
                Some(PresetViewType::Unknown("HOLOGRAM".into()))
            ),
            (Some("3"), Some(PeerEventName::PeerLeaving), Some(PresetViewType::AudioRoom)),
        ]
    );
    let unknown = events[1].event_name.as_ref().expect("event name");
    assert_eq!(unknown.as_str(), "PEER_TELEPORTED");
    assert_eq!(unknown.to_string(), "PEER_TELEPORTED");
}

#[tokio::test]
async fn unknown_enum_value_of_the_wrong_type_is_a_decode_error() {
    let (_server, client) = serve_json(r#"{"data":{"participant":{"peer_events":[{"event_name":7}]}}}"#).await;
    let error = get_participant(&client).send().await.expect_err("a number is not an enum value");
    assert_eq!(decode_error(&error).json_path(), "data.participant.peer_events[0].event_name");
}

#[tokio::test]
async fn unknown_fields_are_tolerated_everywhere() {
    let sessions = r#"{"success":true,"result_info":{"x":1},"errors":[],"data":{"cursor":"abc",
        "paging":{"end_offset":1,"start_offset":1,"total_count":1,"next":null},
        "participants":[{"id":"a","display_name":"Ann","is_host":true,"meta":{"k":[1,2,{"z":null}]},
        "peer_events":[{"id":"e","event_name":"PEER_JOINING","region":"eu","extra":[]}]}]}}"#;
    let meetings = r#"{"success":true,"messages":["hi"],"data":[{"id":"m1","created_at":"c",
        "custom_participant_id":"cp","preset_name":"p","updated_at":"u","role":{"a":1},"tags":[]}],
        "paging":{"end_offset":1,"start_offset":1,"total_count":1,"cursor":"z"},"extra":1.5e3}"#;
    let server = RawServer::start(move |n| json_200(if n == 0 { sessions } else { meetings })).await;
    let (client, _) = client(&server.uri());
    let page = list_sessions(&client).send().await.expect("extra fields are ignored");
    let data = page.data.as_ref().expect("data");
    assert_eq!(data.paging.as_ref().map(|p| p.total_count), Some(1.0));
    let participant = &data.participants.as_deref().expect("participants")[0];
    assert_eq!(participant.display_name.as_deref(), Some("Ann"));
    let events = participant.peer_events.as_deref().expect("peer events");
    assert_eq!(events[0].event_name, Some(PeerEventName::PeerJoining));

    let page = list_meetings(&client).send().await.expect("extra fields are ignored");
    assert_eq!(page.data[0].id, "m1");
    assert_eq!(page.data[0].name, None);
    assert_eq!(page.paging.end_offset, 1.0);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn null_in_optional_fields_decodes_to_none() {
    let sessions = r#"{"success":null,"data":{"paging":null,"participants":[{"id":"a",
        "created_at":null,"custom_participant_id":null,"display_name":null,"duration":null,
        "joined_at":null,"left_at":null,"peer_events":null,"preset_name":null,"updated_at":null,
        "user_id":null},{"id":"b","peer_events":[{"id":null,"event_name":null,
        "preset_view_type":null,"minutes_consumed":null}]}]}}"#;
    let details = r#"{"success":true,"data":{"participant":null}}"#;
    let no_data = r#"{"success":true,"data":null}"#;
    let meetings = r#"{"success":true,"data":[{"id":"m1","created_at":"c",
        "custom_participant_id":"cp","preset_name":"p","updated_at":"u","name":null,"picture":null}],
        "paging":{"end_offset":1,"start_offset":1,"total_count":1}}"#;
    let bodies = [sessions, details, no_data, meetings];
    let server = RawServer::start(move |n| json_200(bodies[n.min(3)])).await;
    let (client, _) = client(&server.uri());

    let page = list_sessions(&client).send().await.expect("nulls are absent values").into_inner();
    assert_eq!(page.success, None);
    let data = page.data.expect("data");
    assert_eq!(data.paging, None);
    let participants = data.participants.expect("participants");
    let a = &participants[0];
    assert_eq!(a.id.as_deref(), Some("a"));
    assert!(
        a.created_at.is_none()
            && a.custom_participant_id.is_none()
            && a.display_name.is_none()
            && a.duration.is_none()
            && a.joined_at.is_none()
            && a.left_at.is_none()
            && a.peer_events.is_none()
            && a.preset_name.is_none()
            && a.updated_at.is_none()
            && a.user_id.is_none(),
        "{a:?}"
    );
    let event = &participants[1].peer_events.as_deref().expect("events")[0];
    assert_eq!(
        (&event.id, &event.event_name, &event.preset_view_type, event.minutes_consumed),
        (&None, &None, &None, None)
    );

    let details = get_participant(&client).send().await.expect("null participant");
    assert_eq!(details.data.as_ref().map(|d| d.participant.is_none()), Some(true));
    let details = get_participant(&client).send().await.expect("null data");
    assert_eq!(details.data, None);

    let meetings = list_meetings(&client).send().await.expect("null optional fields");
    assert_eq!(meetings.data[0].name, None);
    assert_eq!(meetings.data[0].picture, None);
}

#[tokio::test]
async fn null_in_a_required_field_is_a_decode_error() {
    let (_server, client) = serve_json(
        r#"{"success":true,"data":[{"id":null,"created_at":"c","custom_participant_id":"cp","preset_name":"p","updated_at":"u"}],"paging":{"end_offset":1,"start_offset":1,"total_count":1}}"#,
    )
    .await;
    let error = list(&client).await.expect_err("id is required");
    assert_eq!(decode_error(&error).json_path(), "data[0].id");
}

// ---------------------------------------------------------------------------------------------
// Hostile path parameters
// ---------------------------------------------------------------------------------------------

/// Values that must be percent-encoded into a single path segment, with their encoding.
const HOSTILE: [(&str, &str); 10] = [
    ("../x", "..%2Fx"),
    ("a/b", "a%2Fb"),
    ("a?b#c", "a%3Fb%23c"),
    ("%2F", "%252F"),
    ("a b", "a%20b"),
    ("é", "%C3%A9"),
    ("...", "..."),
    ("a;b=c&d", "a%3Bb%3Dc%26d"),
    ("\\..\\", "%5C..%5C"),
    ("x\r\nHost: evil", "x%0D%0AHost%3A%20evil"),
];

#[tokio::test]
async fn hostile_path_values_stay_inside_their_segment() {
    let server = RawServer::start(|_| json_200(EMPTY_MEETING_PAGE)).await;
    let (client, _) = client(&server.uri());
    let (sessions, meetings) = (client.sessions(), client.meetings());
    let mut expected = Vec::new();
    for (value, encoded) in HOSTILE {
        let details = sessions.get_session_participant("acc", "app", value, value);
        let listing = meetings.list_meeting_participants(value, value, value);
        let search = sessions.list_session_participants("acc", "app", value).search(value);
        details.send().await.expect(value);
        listing.send().await.expect(value);
        search.send().await.expect(value);
        expected.extend([
            format!("/accounts/acc/realtime/kit/app/sessions/{encoded}/participants/{encoded}"),
            format!("/accounts/{encoded}/realtime/kit/{encoded}/meetings/{encoded}/participants"),
            format!("/accounts/acc/realtime/kit/app/sessions/{encoded}/participants?search={encoded}"),
        ]);
    }
    assert_eq!(server.targets(), expected);
    // The request line and headers were not split by the CR LF value.
    for head in server.heads() {
        assert!(!head.to_ascii_lowercase().contains("host: evil"), "{head}");
    }
}

#[tokio::test]
async fn empty_and_dot_segments_are_rejected_before_sending() {
    let server = RawServer::start(|_| json_200("{}")).await;
    let (client, _) = client(&server.uri());
    // Each operation, sent with the given path parameters.
    let (s, m) = (client.sessions(), client.meetings());
    let list_sessions_at =
        async |account: &str, app: &str, id: &str| outcome(s.list_session_participants(account, app, id).send()).await;
    let get_participant_at =
        async |session: &str, id: &str| outcome(s.get_session_participant("acc", "app", session, id).send()).await;
    let list_meetings_at =
        async |account: &str, app: &str, id: &str| outcome(m.list_meeting_participants(account, app, id).send()).await;
    for bad in ["", ".", ".."] {
        let outcomes = [
            ("account_id", list_sessions_at(bad, "app", "s").await),
            ("app_id", list_sessions_at("acc", bad, "s").await),
            ("session_id", list_sessions_at("acc", "app", bad).await),
            ("session_id", get_participant_at(bad, "p").await),
            ("participant_id", get_participant_at("s", bad).await),
            ("meeting_id", list_meetings_at("acc", "app", bad).await),
            ("account_id", list_meetings_at(bad, "app", "m").await),
        ];
        for (expected, result) in outcomes {
            let error = result.expect_err(expected);
            match &error {
                Error::InvalidArgument { name, reason } => {
                    assert_eq!(name, expected, "{bad:?}");
                    assert!(!reason.is_empty());
                }
                other => panic!("{bad:?} as {expected}: {other:?}"),
            }
            assert!(!error.is_retryable());
            assert_eq!(error.status(), None);
            assert!(error.to_string().starts_with(&format!("invalid argument `{expected}`")), "{error}");
        }
    }
    // A stream reports the same error as its first item.
    let first =
        futures_util::StreamExt::next(&mut client.meetings().list_meeting_participants("acc", "..", "m").stream())
            .await;
    assert!(matches!(first, Some(Err(Error::InvalidArgument { ref name, .. })) if name == "app_id"), "{first:?}");
    tokio::task::yield_now().await;
    assert_eq!(server.connections(), 0, "nothing was sent");
    assert_eq!(server.request_count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Token redaction
// ---------------------------------------------------------------------------------------------

fn assert_no_token(what: &str, shown: &str) {
    assert!(!shown.contains(TOKEN), "{what} shows the token: {shown}");
    assert!(!shown.contains("SECRET"), "{what} shows part of the token: {shown}");
}

/// The error of listing meeting `m` without retries with a client of `base_url` configured
/// further by `configure` (the error is returned, never unwrapped with the token).
async fn list_error(base_url: &str, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Error {
    let (client, _) = client_with(base_url, |b| configure(b.max_retries(0)));
    list(&client).await.expect_err("an error")
}

#[tokio::test]
async fn the_token_never_appears_in_debug_or_errors() {
    // Client, builders and request builders.
    let builder = Client::builder().api_token(TOKEN).base_url("http://127.0.0.1:9");
    assert_no_token("ClientBuilder", &format!("{builder:?} {builder:#?}"));
    let client = builder.build().expect("valid client");
    assert_no_token("Client", &format!("{client:?} {client:#?}"));
    let list = list_sessions(&client).search("q");
    assert_no_token("ListSessionParticipants", &format!("{list:?} {list:#?}"));
    let get = get_participant(&client);
    assert_no_token("GetSessionParticipant", &format!("{get:?} {get:#?}"));
    let meetings = list_meetings(&client);
    assert_no_token("ListMeetingParticipants", &format!("{meetings:?} {meetings:#?}"));
    assert_no_token("Sessions", &format!("{:?}", client.sessions()));
    assert_no_token("Meetings", &format!("{:?}", client.meetings()));

    // A token that is not a valid header value is a configuration error that does not quote it.
    let bad_token = format!("{TOKEN}\nx");
    let error = Client::builder().api_token(bad_token).build().expect_err("a newline is not allowed");
    assert!(matches!(error, Error::Config { .. }));
    assert_no_token("Config error", &format!("{error} {error:?}"));

    // Every error kind the client can return.
    let api = support::serve_sequence(vec![with_body(403, AUTHENTICATION_ERROR, "application/json")]).await;
    let decode = RawServer::start(|_| json_200(r#"{"data":5}"#)).await;
    let transport = RawServer::start(|_| Reply::Close).await;
    let timeout = RawServer::start(|_| Reply::Hang).await;
    let mut errors = vec![
        list_error(&api.uri(), |b| b).await,
        list_error(&decode.uri(), |b| b).await,
        list_error(&transport.uri(), |b| b).await,
        list_error(&timeout.uri(), |b| b.timeout(ms(100))).await,
    ];
    let (c, _) = client_with(&timeout.uri(), |b| b.max_pages(0));
    let too_many = futures_util::StreamExt::next(&mut list_meetings(&c).stream()).await.expect("one item");
    errors.push(too_many.map(|_| ()).expect_err("max_pages 0"));
    let (c, _) = support::client(&timeout.uri());
    errors
        .push(c.sessions().list_session_participants("acc", "app", "").send().await.map(|_| ()).expect_err("empty id"));
    let kinds: Vec<_> = errors
        .iter()
        .map(|e| match e {
            Error::Api(_) => "api",
            Error::Decode(_) => "decode",
            Error::Transport(_) => "transport",
            Error::Timeout(_) => "timeout",
            Error::TooManyPages { .. } => "too_many_pages",
            Error::InvalidArgument { .. } => "invalid_argument",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["api", "decode", "transport", "timeout", "too_many_pages", "invalid_argument"]);
    for error in &errors {
        assert_no_token("error", &format!("{error} {error:?} {error:#?}"));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            assert_no_token("error source", &format!("{cause} {cause:?}"));
            source = cause.source();
        }
    }
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_carry_the_token() {
    let elsewhere = support::serve_sequence(vec![ok_page()]).await;
    let location = format!("{}/accounts/acc/realtime/kit/app/meetings/m/participants", elsewhere.uri());
    let (origin, client, _) = serve(vec![status(307).insert_header("location", location.as_str())]).await;
    list(&client).await.expect("the redirect is followed");
    let origin_requests = origin.received_requests().await.expect("recording");
    assert_eq!(origin_requests.len(), 1);
    assert!(origin_requests[0].headers.get("authorization").is_some());
    let redirected = elsewhere.received_requests().await.expect("recording");
    assert_eq!(redirected.len(), 1);
    assert!(
        redirected[0].headers.get("authorization").is_none(),
        "the token was sent to another origin: {:?}",
        redirected[0].headers
    );
}

#[tokio::test]
async fn large_and_binary_error_bodies_are_bounded_and_shown_safely() {
    // A 64 KiB+ JSON error body: only its start is kept, so it is not parsed.
    let mut big = String::from(r#"{"success":false,"error":{"code":404,"message":""#);
    big.push_str(&"x".repeat(100 * 1024));
    big.push_str(r#""}}"#);
    let (outcome, _, _) = list_against(vec![with_body(404, big.clone(), "application/json")]).await;
    let error = outcome.expect_err("404");
    let api = error.api_error().expect("an API error");
    assert!(api.body_truncated());
    assert_eq!(api.body().len(), 64 * 1024);
    assert_eq!(api.body(), &big.as_bytes()[..64 * 1024]);
    assert!(error.is_not_found());
    assert_eq!(error.message(), None);
    let shown = error.to_string();
    assert!(shown.len() < 2048, "the Display is an excerpt: {} bytes", shown.len());
    assert!(shown.contains(r#"{"success":false"#), "{shown}");

    // Bytes that are not UTF-8.
    let binary: Vec<u8> = vec![0xff, 0xfe, b'o', b'k', 0x00, 0xc3];
    let (outcome, _, _) = list_against(vec![with_body(404, binary.clone(), "application/octet-stream")]).await;
    let error = outcome.expect_err("404");
    assert_eq!(error.api_error().map(|e| e.body().to_vec()), Some(binary));
    let shown = error.to_string();
    assert!(shown.contains("HTTP 404 Not Found") && shown.contains("ok"), "{shown}");
}
