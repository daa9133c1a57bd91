//! What lets users reach past the spec, against real local servers (wiremock): client-wide
//! default headers, per-request headers (the runtime's side, `RequestOptions::header`, which the
//! request builders' `.header(name, value)` forwards to), hooks on every request and response,
//! the `Client::raw` escape hatch, and the constructors of responses and errors for users' tests.

use cloudflare_realtimekit::{Client, Error, Method};
use cloudflare_realtimekit_runtime::request::{Request, RequestOptions};
use tests::support::{self, TOKEN, client_with};
use wiremock::{MockServer, ResponseTemplate};

/// The template of the hand-built requests.
const THINGS_TEMPLATE: &str = "/accounts/{account_id}/things";

/// A GET of `THINGS_TEMPLATE` with `options`, as an emitted builder makes it.
fn thing(options: &RequestOptions) -> Result<Request, Error> {
    Request::build(Method::GET, THINGS_TEMPLATE, &[("account_id", "acc")], &[], options)
}

/// A server answering every request with `{}`.
async fn ok_server() -> MockServer {
    support::serve_sequence(vec![ResponseTemplate::new(200).set_body_raw("{}", "application/json")]).await
}

/// The headers of every request the server received, in order, as (name, value) text.
async fn received_headers(server: &MockServer, name: &str) -> Vec<Vec<String>> {
    let requests = server.received_requests().await.expect("recording");
    requests
        .iter()
        .map(|r| r.headers.get_all(name).iter().map(|v| v.to_str().unwrap_or("<binary>").to_owned()).collect())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Default and per-request headers
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn default_headers_are_sent_with_every_request_and_can_replace_the_user_agent() {
    let server = ok_server().await;
    let (client, _) = client_with(&server.uri(), |b| {
        b.default_header("X-Team", "video").default_header("x-team", "audio").default_header("User-Agent", "my-app/1.0")
    });
    support::list_sessions(&client).send().await.expect("200");
    support::get_participant(&client).send().await.expect("200");
    assert_eq!(received_headers(&server, "x-team").await, [["video", "audio"], ["video", "audio"]]);
    assert_eq!(received_headers(&server, "user-agent").await, [["my-app/1.0"], ["my-app/1.0"]]);
    assert_eq!(received_headers(&server, "authorization").await[0], [format!("Bearer {TOKEN}")]);
}

#[test]
fn an_invalid_default_header_fails_build_with_its_name() {
    for (name, value) in [("X Bad", "1"), ("X-Sig", "line\r\nInjected: yes"), ("Authorization", "Bearer other-token")] {
        let error = Client::builder().api_token(TOKEN).default_header(name, value).build().expect_err(name);
        let shown = error.to_string();
        assert!(matches!(error, Error::Config { .. }) && shown.contains(name), "{shown}");
        assert!(!shown.contains(value) && !shown.contains(TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn a_request_header_is_sent_and_replaces_a_default_one() {
    let server = ok_server().await;
    let (client, _) =
        client_with(&server.uri(), |b| b.default_header("X-Trace", "client").default_header("X-Team", "video"));
    let mut options = RequestOptions::default();
    options.header("X-Trace", "request-1");
    options.header("Idempotency-Key", "k-42");
    client.send::<serde_json::Value>(thing(&options).expect("valid")).await.expect("200");
    assert_eq!(received_headers(&server, "x-trace").await, [["request-1"]]);
    assert_eq!(received_headers(&server, "x-team").await, [["video"]]);
    assert_eq!(received_headers(&server, "idempotency-key").await, [["k-42"]]);
}

#[test]
fn an_invalid_request_header_fails_when_the_request_is_built() {
    for (name, value, expected) in [
        ("X Bad", "1", "not a valid HTTP header name"),
        ("X-Sig", "a\nb", "not allowed in an HTTP header"),
        ("authorization", "Bearer other-token", "cannot be set per request"),
    ] {
        let mut options = RequestOptions::default();
        options.header("X-Fine", "1");
        options.header(name, value);
        options.header("X Also Bad", "2");
        match thing(&options) {
            Err(Error::InvalidArgument { name: rejected, reason }) => {
                assert_eq!(rejected, name);
                assert!(reason.contains(expected) && !reason.contains(value), "{reason}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn header_values_never_show_in_debug_output() {
    let mut options = RequestOptions::default();
    options.header("X-Api-Secret", "hunter2-value");
    let shown = format!("{options:?}");
    assert!(shown.contains("x-api-secret") && !shown.contains("hunter2-value"), "{shown}");
}
