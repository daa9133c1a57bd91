//! Retries against real local servers: rate limits and server-requested delays, backoff and
//! jitter, `x-should-retry`, dropped, refused and silent connections, timeouts, and truncated
//! bodies.
//!
//! No test sleeps for a backoff: the retry policy's sleeper records the requested delays and
//! returns at once (see `support::recording_policy`).

use std::time::{Duration, Instant, SystemTime};

use cloudflare_realtimekit::{Error, Jitter, RetryPolicy, TransportKind};
use tests::support::faults::{
    EMPTY_MEETING_PAGE, bounded, list, list_against, list_against_with, ms, ok_page, secs, serve, serve_json, status,
    with_body,
};
use tests::support::{
    self, RawServer, Reply, TOKEN, client, client_with, decode_error, get_participant, json_200, list_meetings,
    list_sessions, timeout_error, transport_error,
};

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
        assert!(matches!(*error, Error::Decode(_)), "{body:?}: {error:?}");
        assert_eq!(server.request_count(), 1);
    }
}
