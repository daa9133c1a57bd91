//! Helpers of the fault-injection tests (`faults.rs`, `retries.rs`): canned answers, a wiremock
//! server with a client of it, listing meeting `m` against a script of answers, and a guard
//! against hangs.

use std::time::Duration;

use cloudflare_realtimekit::{Client, Error, Response, RetryPolicy};
use wiremock::{MockServer, ResponseTemplate};

use super::{Delays, RawServer, client, client_with_policy, json_200, list_meetings, serve_sequence};

/// A valid, empty page of meeting participants.
pub const EMPTY_MEETING_PAGE: &str =
    r#"{"success":true,"data":[],"paging":{"end_offset":0,"start_offset":0,"total_count":0}}"#;

/// Guards every test that could hang on a bug: fail instead.
pub const HANG_GUARD: Duration = Duration::from_secs(5);

/// [`EMPTY_MEETING_PAGE`] as a `200 OK`.
pub fn ok_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(EMPTY_MEETING_PAGE, "application/json")
}

/// An answer with status `code` and no body.
pub fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

/// A response with status `code` and `body` as `content_type`.
pub fn with_body(code: u16, body: impl Into<Vec<u8>>, content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_raw(body, content_type)
}

/// A wiremock server answering request `n` with `templates[n]` (the last one repeats), and a
/// client of it with the recording policy.
pub async fn serve(templates: Vec<ResponseTemplate>) -> (MockServer, Client, Delays) {
    let server = serve_sequence(templates).await;
    let (client, delays) = client(&server.uri());
    (server, client, delays)
}

/// Lists meeting `m` with a recording client against a server answering with `templates` in
/// turn (the last one repeats): the outcome, the delays before the retries, and how many
/// requests the server received.
pub async fn list_against(templates: Vec<ResponseTemplate>) -> (Result<(), Error>, Vec<Duration>, usize) {
    list_against_with(templates, |policy| policy).await
}

/// [`list_against`] with the client's recording policy changed by `adjust`.
pub async fn list_against_with(
    templates: Vec<ResponseTemplate>,
    adjust: impl FnOnce(RetryPolicy) -> RetryPolicy,
) -> (Result<(), Error>, Vec<Duration>, usize) {
    let server = serve_sequence(templates).await;
    let (client, delays) = client_with_policy(&server.uri(), adjust);
    let outcome = list(&client).await;
    (outcome, delays.get(), super::request_count(&server).await)
}

/// A raw server answering every request with `body` as JSON, and a client of it.
pub async fn serve_json(body: &'static str) -> (RawServer, Client) {
    let server = RawServer::start(move |_| json_200(body)).await;
    let (client, _) = client(&server.uri());
    (server, client)
}

/// Lists the participants of meeting `m` (the simplest operation) and returns the outcome.
pub async fn list(client: &Client) -> Result<(), Error> {
    outcome(list_meetings(client).send()).await
}

/// Awaits `future`, failing the test if it outlives [`HANG_GUARD`].
pub async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG_GUARD, future).await.expect("bounded by the timeout")
}

/// Awaits a request, dropping the body of its response but keeping the error (as an [`Error`],
/// without an operation's typed error body).
pub async fn outcome<T, E: Into<Error>>(request: impl Future<Output = Result<Response<T>, E>>) -> Result<(), Error> {
    request.await.map(|_| ()).map_err(Into::into)
}

/// `s` seconds.
pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// `m` milliseconds.
pub fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}
