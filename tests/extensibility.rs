//! What lets users reach past the spec, against real local servers (wiremock): client-wide
//! default headers, per-request headers (the runtime's side, `RequestOptions::header`, which the
//! request builders' `.header(name, value)` forwards to), hooks on every request and response,
//! the `Client::raw` escape hatch, and the constructors of responses and errors for users' tests.

use std::sync::{Arc, Mutex};

use cloudflare_realtimekit::{Client, Error, Hook, HookRequest, HookResponse, Method, StatusCode};
use cloudflare_realtimekit_runtime::request::{Request, RequestOptions};
use tests::support::{self, TOKEN, client_with};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
async fn headers_are_layered_default_then_operation_then_request() {
    let server = ok_server().await;
    let (client, _) =
        client_with(&server.uri(), |b| b.default_header("X-Trace", "client").default_header("X-Team", "video"));
    let mut options = RequestOptions::default();
    options.header("X-Trace", "request-1");
    options.header("Idempotency-Key", "k-42");
    options.header("X-Operation-Param", "from-the-request");
    let mut request = thing(&options).expect("valid");
    // An operation's header parameter, as emitted code sets one; the request's own header wins.
    request.header("X-Operation-Param", "from-the-operation").expect("valid");
    request.header("X-Team", "from-the-operation").expect("valid");
    client.send::<serde_json::Value>(request).await.expect("200");
    assert_eq!(received_headers(&server, "x-trace").await, [["request-1"]]);
    assert_eq!(received_headers(&server, "x-team").await, [["from-the-operation"]]);
    assert_eq!(received_headers(&server, "x-operation-param").await, [["from-the-request"]]);
    assert_eq!(received_headers(&server, "idempotency-key").await, [["k-42"]]);
}

#[tokio::test]
async fn a_request_builders_header_reaches_the_server_and_a_bad_one_is_refused_before_sending() {
    let server = ok_server().await;
    let (client, _) = client_with(&server.uri(), |b| b.default_header("X-Team", "video"));
    let sent = client
        .sessions()
        .get_session_participant("acc", "app", "session", "peer")
        .header("X-Team", "audio")
        .header("Idempotency-Key", "k-7")
        .send()
        .await;
    assert!(sent.is_ok(), "{sent:?}");
    assert_eq!(received_headers(&server, "x-team").await, [["audio"]]);
    assert_eq!(received_headers(&server, "idempotency-key").await, [["k-7"]]);

    for (name, value) in [("X Bad", "1"), ("X-Sig", "a\nb"), ("Authorization", "Bearer other")] {
        let refused =
            client.sessions().get_session_participant("acc", "app", "session", "peer").header(name, value).send().await;
        match refused.map_err(Error::from) {
            Err(Error::InvalidArgument { name: rejected, .. }) => assert_eq!(rejected, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    // Nothing more was sent.
    assert_eq!(server.received_requests().await.expect("recording").len(), 1);
}

#[tokio::test]
async fn a_request_builders_max_body_size_overrides_the_clients() {
    let server = ok_server().await;
    let (client, _) = client_with(&server.uri(), |b| b);
    let capped =
        client.sessions().get_session_participant("acc", "app", "session", "peer").max_body_size(1).send().await;
    assert!(matches!(capped.as_ref().map_err(|e| &**e), Err(Error::BodyTooLarge(_))), "{capped:?}");
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

// ---------------------------------------------------------------------------------------------
// Hooks
// ---------------------------------------------------------------------------------------------

/// What a [`Recorder`] saw, one line per call.
type Seen = Arc<Mutex<Vec<String>>>;

/// A hook that signs every request (a header computed from the method, path and attempt) and
/// records everything it is shown, in full, with `Debug` too.
struct Recorder(Seen);

impl Hook for Recorder {
    fn on_request(&self, request: &mut HookRequest<'_>) {
        // Every header in clear text (`Debug` would hide values marked sensitive).
        let clear: Vec<String> =
            request.headers().iter().map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v.as_bytes()))).collect();
        assert!(!request.headers().contains_key("authorization"), "{clear:?}");
        let signature = format!("{} {} #{}", request.method(), request.url().path(), request.attempt());
        request.headers_mut().insert("x-signature", signature.parse().expect("valid value"));
        // An Authorization set here is replaced by the client's.
        request.headers_mut().insert("authorization", "Bearer forged".parse().expect("valid value"));
        let line = format!("request {request:?} {clear:?} {} {:?}", request.url(), request.body());
        self.0.lock().expect("not poisoned").push(line);
    }

    fn on_response(&self, response: &mut HookResponse<'_>) {
        let line = format!(
            "response {} #{} {} {:?} {:?} {response:?}",
            response.path_template(),
            response.attempt(),
            response.status().as_u16(),
            response.headers(),
            String::from_utf8_lossy(response.body()),
        );
        self.0.lock().expect("not poisoned").push(line);
    }
}

#[tokio::test]
async fn a_hook_changes_every_attempt_and_observes_every_answer_without_seeing_the_token() {
    let server = support::serve_sequence(vec![
        ResponseTemplate::new(503).set_body_string("upstream busy"),
        ResponseTemplate::new(200).set_body_raw("{}", "application/json"),
    ])
    .await;
    let seen = Seen::default();
    let (client, _) = client_with(&server.uri(), |b| b.default_header("X-Team", "video").hook(Recorder(seen.clone())));
    support::list_sessions(&client).per_page(5).send().await.expect("retried to success");
    let path = "/accounts/acc/realtime/kit/app/sessions/s/participants";
    assert_eq!(
        received_headers(&server, "x-signature").await,
        [[format!("GET {path} #1")], [format!("GET {path} #2")]]
    );
    assert_eq!(
        received_headers(&server, "authorization").await,
        [[format!("Bearer {TOKEN}")], [format!("Bearer {TOKEN}")]]
    );
    let seen = seen.lock().expect("not poisoned").clone();
    assert_eq!(seen.len(), 4, "{seen:#?}");
    assert!(
        seen[0].starts_with("request ") && seen[0].contains("x-team") && seen[0].contains("per_page=5"),
        "{}",
        seen[0]
    );
    assert!(seen[1].contains("#1 503") && seen[1].contains("upstream busy"), "{}", seen[1]);
    assert!(seen[3].contains("#2 200"), "{}", seen[3]);
    for line in &seen {
        assert!(!line.contains(TOKEN), "the hook saw the token: {line}");
    }
}

/// Turns a 404 into an empty success and tags the answer.
struct NotFoundIsEmpty;

impl Hook for NotFoundIsEmpty {
    fn on_response(&self, response: &mut HookResponse<'_>) {
        if response.status() == StatusCode::NOT_FOUND {
            response.set_status(StatusCode::OK);
            response.set_body(r#"{"success":true}"#);
            response.headers_mut().insert("x-rewritten", "yes".parse().expect("valid value"));
        }
    }
}

#[tokio::test]
async fn a_hook_can_change_an_answer_before_the_client_reads_it() {
    let server = support::serve_sequence(vec![ResponseTemplate::new(404).set_body_string("not here")]).await;
    let (client, _) = client_with(&server.uri(), |b| b.hook(NotFoundIsEmpty));
    let response = support::get_participant(&client).send().await.expect("turned into a success");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-rewritten"], "yes");
    assert_eq!(response.success, Some(true));
}

// ---------------------------------------------------------------------------------------------
// The escape hatch: Client::raw
// ---------------------------------------------------------------------------------------------

/// A user's own type for an endpoint the spec does not describe.
#[derive(Debug, serde::Deserialize, PartialEq)]
struct Livestream {
    id: String,
    viewers: u64,
}

/// A user's own envelope.
#[derive(Debug, serde::Deserialize)]
struct Envelope<T> {
    result: T,
}

const LIVESTREAM_TEMPLATE: &str = "/accounts/{account_id}/realtime/kit/{app_id}/livestreams/{livestream_id}";

#[tokio::test]
async fn raw_requests_go_through_the_client_and_decode_into_the_callers_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc/realtime/kit/my%20app/livestreams/a%2Fb"))
        .and(query_param("per_page", "20"))
        .and(query_param("search", "a b&c"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("x-team", "video"))
        .and(header("x-request-id", "7f3a"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"result":{"id":"ls-1","viewers":12}}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let seen = Seen::default();
    let (client, _) = client_with(&server.uri(), |b| b.default_header("X-Team", "video").hook(Recorder(seen.clone())));
    let response = client
        .raw(Method::GET, LIVESTREAM_TEMPLATE)
        .path_param("account_id", "acc")
        .path_param("app_id", "my app")
        .path_param("livestream_id", "a/b")
        .query("per_page", 20)
        .query("search", "a b&c")
        .header("X-Request-Id", "7f3a")
        .send::<Envelope<Livestream>>()
        .await
        .expect("matched");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.result, Livestream { id: "ls-1".to_owned(), viewers: 12 });
    let seen = seen.lock().expect("not poisoned").clone();
    assert!(seen.iter().any(|line| line.contains(LIVESTREAM_TEMPLATE)), "the hooks saw the raw request: {seen:?}");
}

#[tokio::test]
async fn a_raw_post_sends_its_json_body_and_its_errors_are_parsed_and_retried_like_an_operations() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts/acc/things"))
        .and(header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(serde_json::json!({"title": "standup"})))
        .respond_with(ResponseTemplate::new(201).set_body_raw(r#"{"id":"t-1"}"#, "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc/things/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(
                r#"{"success":false,"error":{"code":404,"message":"Thing not found"}}"#,
                "application/json",
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc/things/busy"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (client, delays) = support::client(&server.uri());
    let created = client
        .raw(Method::POST, "/accounts/{account_id}/things")
        .path_param("account_id", "acc")
        .json(&serde_json::json!({"title": "standup"}))
        .send::<serde_json::Value>()
        .await
        .expect("created");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created["id"], "t-1");

    let get = |id: &'static str| {
        client
            .raw(Method::GET, "/accounts/{account_id}/things/{id}")
            .path_param("account_id", "acc")
            .path_param("id", id)
    };
    let error = get("missing").send::<serde_json::Value>().await.expect_err("404");
    assert!(error.is_not_found() && error.message() == Some("Thing not found"), "{error}");
    let shown = error.to_string();
    assert!(
        shown.contains("GET /accounts/{account_id}/things/{id} failed with HTTP 404") && !shown.contains(TOKEN),
        "{shown}"
    );

    let error = get("busy").max_retries(1).send::<()>().await.expect_err("503");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(delays.get().len(), 1, "retried once, as asked");
    let bytes = get("busy").max_retries(0).send_bytes().await.expect_err("503");
    assert!(bytes.is_retryable());
}

#[tokio::test]
async fn a_bad_raw_request_fails_before_anything_is_sent() {
    let server = ok_server().await;
    let (client, _) = support::client(&server.uri());
    let template = "/accounts/{account_id}/things";
    let cases = [
        (client.raw(Method::GET, template), "account_id"),
        (client.raw(Method::GET, template).path_param("account_id", ".."), "account_id"),
        (client.raw(Method::GET, "accounts/x"), "path"),
        (client.raw(Method::GET, "/things?x=1"), "path"),
        (
            client.raw(Method::GET, template).path_param("account_id", "a").header("Authorization", "Bearer x"),
            "Authorization",
        ),
        (client.raw(Method::POST, template).path_param("account_id", "a").body("text/plain\n", "x"), "content_type"),
    ];
    for (request, expected) in cases {
        match request.send::<serde_json::Value>().await {
            Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, expected),
            other => panic!("{expected}: {other:?}"),
        }
    }
    assert_eq!(support::request_count(&server).await, 0);
}

// ---------------------------------------------------------------------------------------------
// Compressed answers (the `gzip` feature, on in this package)
// ---------------------------------------------------------------------------------------------

/// `bytes` compressed with gzip.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

#[tokio::test]
async fn a_gzip_answer_is_decompressed_and_the_cap_applies_to_what_it_expands_to() {
    let page = br#"{"success":true,"data":{"participants":[{"id":"p1","display_name":"Mark"}]}}"#;
    let bomb = format!(r#"{{"data":"{}"}}"#, "0".repeat(2_000_000));
    let server = support::serve_sequence(vec![
        ResponseTemplate::new(200)
            .insert_header("content-encoding", "gzip")
            .set_body_raw(gzip(page), "application/json"),
        ResponseTemplate::new(200)
            .insert_header("content-encoding", "gzip")
            .set_body_raw(gzip(bomb.as_bytes()), "application/json"),
    ])
    .await;
    let (client, _) = client_with(&server.uri(), |b| b.max_body_size(100_000));
    let response = support::list_sessions(&client).send().await.expect("decompressed");
    let names: Vec<_> =
        response.data.iter().flat_map(|d| d.participants.iter().flatten()).map(|p| p.display_name.as_deref()).collect();
    assert_eq!(names, [Some("Mark")]);
    // `gzip`, and `br` too when the brotli feature is on as well (`--all-features`).
    let accepted = received_headers(&server, "accept-encoding").await.remove(0);
    assert!(accepted.iter().flat_map(|v| v.split(',')).any(|e| e.trim() == "gzip"), "{accepted:?}");
    match support::list_sessions(&client).send().await.map_err(Error::from) {
        Err(Error::BodyTooLarge(e)) => assert_eq!(e.limit(), 100_000),
        other => panic!("a body of 2 MB once decompressed: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Constructors for users' tests
// ---------------------------------------------------------------------------------------------

const PARTICIPANT_TEMPLATE: &str =
    "/accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants/{participant_id}";

#[tokio::test]
async fn hand_built_errors_are_the_ones_the_client_returns() {
    use cloudflare_realtimekit::models::SessionParticipantResponse;
    use cloudflare_realtimekit::{ApiError, DecodeError, HeaderMap, HeaderValue, Response};

    let not_found = r#"{"success":false,"error":{"code":404,"message":"Participant not found"}}"#;
    let wrong_shape = r#"{"success":"yes"}"#;
    let server = support::serve_sequence(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "7").set_body_raw(not_found, "application/json"),
        ResponseTemplate::new(200).set_body_raw(wrong_shape, "application/json"),
    ])
    .await;
    let (client, _) = client_with(&server.uri(), |b| b.max_retries(0));

    let real = support::get_participant(&client).send().await.expect_err("429");
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    let built: Error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, not_found)
        .with_headers(headers)
        .with_request(Method::GET, PARTICIPANT_TEMPLATE)
        .into();
    assert_eq!(built.to_string(), real.to_string());
    assert_eq!((built.status(), built.code(), built.message()), (real.status(), real.code(), real.message()));
    assert_eq!((built.is_retryable(), built.retry_after()), (real.is_retryable(), real.retry_after()));

    let real = support::get_participant(&client).send().await.expect_err("not the documented shape");
    let failure = serde_json::from_str::<SessionParticipantResponse>(wrong_shape).expect_err("wrong shape");
    let built: Error = DecodeError::new(StatusCode::OK, wrong_shape.as_bytes(), &failure)
        .with_request(Method::GET, PARTICIPANT_TEMPLATE)
        .into();
    assert_eq!(built.to_string(), real.to_string());

    let response = Response::new(StatusCode::OK, HeaderMap::new(), SessionParticipantResponse::default());
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.success.is_none());
}
