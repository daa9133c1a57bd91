//! The conveniences of the generated client against a local wiremock server: error bodies typed
//! per operation, requests and streams that outlive the client's borrow (spawned), `items()`,
//! the scope that binds the account and app once, and the raw bytes of a successful answer.

use cloudflare_realtimekit::models::{ErrorResponse, MeetingParticipant};
use cloudflare_realtimekit::{Client, Error};
use futures_util::TryStreamExt;
use tests::support::{self, client};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `GET .../sessions/{session_id}/participants` without peer events (docs page 000).
const SESSION_PARTICIPANTS: &[u8] = include_bytes!("data/session_participants.json");
/// `GET .../meetings/{meeting_id}/participants` (docs page 004).
const MEETING_PARTICIPANTS: &[u8] = include_bytes!("data/meeting_participants.json");

const MEETING_PATH: &str = "/accounts/acc/realtime/kit/app/meetings/m/participants";

/// A server answering GET `at` with `status` and the raw JSON `body`.
async fn answer(server: &MockServer, at: &str, status: u16, body: &'static [u8]) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .mount(server)
        .await;
}

fn no_retries(server: &MockServer) -> Client {
    support::client_with(&server.uri(), |builder| builder.max_retries(0)).0
}

#[tokio::test]
async fn a_documented_error_body_decodes_into_its_model_by_status() {
    let server = MockServer::start().await;
    let documented = br#"{"success":false,"error":{"code":404,"message":"Meeting not found"}}"#;
    answer(&server, "/accounts/acc/realtime/kit/app/meetings/gone/participants", 404, documented).await;
    let down = br#"{"success":false,"error":{"code":503,"message":"Try later"}}"#;
    answer(&server, "/accounts/acc/realtime/kit/app/meetings/down/participants", 503, down).await;
    // A shape the spec does not document, which only the generic parsing understands.
    let other = br#"{"success":false,"errors":[{"code":9109,"message":"Unauthorized"}]}"#;
    answer(&server, "/accounts/acc/realtime/kit/app/meetings/other/participants", 403, other).await;
    let client = no_retries(&server);
    let list = |meeting: &str| client.meetings().list_meeting_participants("acc", "app", meeting);

    // `4XX` documents an `ErrorResponse`.
    let error = list("gone").send().await.expect_err("a 404");
    match error.body() {
        Some(ErrorResponse { success: false, error: detail, .. }) => assert_eq!(detail.message, "Meeting not found"),
        other => panic!("the documented body, decoded: {other:?}"),
    }
    assert!(error.is_not_found(), "the error's helpers through Deref");
    assert_eq!(error.to_string(), error.error().to_string());
    // `5XX` documents it too.
    let error = list("down").send().await.expect_err("a 503");
    assert_eq!(error.body().map(|body| body.error.message.as_str()), Some("Try later"));
    // An undocumented shape: no typed body, the generic parsing as before.
    let error = list("other").send().await.expect_err("a 403");
    assert_eq!(error.body(), None);
    assert_eq!((error.code(), error.message()), (Some(9109), Some("Unauthorized")));

    // A stream's error carries the typed body as well.
    let streamed = list("gone").stream().try_collect::<Vec<_>>().await.expect_err("a 404");
    assert_eq!(streamed.body().map(|body| body.error.message.as_str()), Some("Meeting not found"));

    // `?` turns it into the crate's `Error`.
    async fn plain(client: &Client) -> Result<(), Error> {
        client.meetings().list_meeting_participants("acc", "app", "gone").send().await?;
        Ok(())
    }
    assert!(plain(&client).await.expect_err("a 404").is_not_found());
}

/// Compile-time: what `send()` and `stream()` return may move to another task.
fn assert_send_static<T: Send + 'static>(value: T) -> T {
    value
}

#[tokio::test]
async fn requests_and_streams_outlive_the_borrow_of_the_client() {
    let server = MockServer::start().await;
    answer(&server, MEETING_PATH, 200, MEETING_PARTICIPANTS).await;
    let (client, _) = client(&server.uri());
    // Built from a client that is dropped before the request runs on another task.
    let (send, stream) = {
        let scoped = client.clone();
        let send = assert_send_static(scoped.meetings().list_meeting_participants("acc", "app", "m").send());
        let stream = assert_send_static(scoped.meetings().list_meeting_participants("acc", "app", "m").stream());
        (send, stream)
    };
    drop(client);
    let page = tokio::spawn(send).await.expect("the task ends").expect("the page");
    assert_eq!(page.data.len(), 1);
    let items: Vec<MeetingParticipant> =
        tokio::spawn(stream.try_collect()).await.expect("the task ends").expect("every item");
    assert_eq!(items.len(), 1);
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn items_borrows_a_pages_items() {
    let server = MockServer::start().await;
    answer(&server, MEETING_PATH, 200, MEETING_PARTICIPANTS).await;
    answer(&server, "/accounts/acc/realtime/kit/app/sessions/s/participants", 200, SESSION_PARTICIPANTS).await;
    let (client, _) = client(&server.uri());
    let page = client.sessions().list_session_participants("acc", "app", "s").send().await.expect("the page");
    support::assert_mark_and_henry(page.items());
    let page = support::list_meetings(&client).send().await.expect("the page");
    let ids: Vec<_> = page.items().iter().map(|participant| participant.id.as_str()).collect();
    assert_eq!(ids, ["182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"]);
}

#[tokio::test]
async fn a_scope_sends_the_bound_parameters_in_their_places() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc%201/realtime/kit/app/meetings/m/participants"))
        .and(query_param("per_page", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(MEETING_PARTICIPANTS, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, "/accounts/acc%201/realtime/kit/app/sessions/s/participants/p", 404, b"{}").await;
    let (client, _) = client(&server.uri());
    let scope = client.scope("acc 1", "app");
    let page = scope.meetings().list_meeting_participants("m").per_page(5).send().await.expect("the page");
    assert_eq!(page.items().len(), 1);
    let error = scope.sessions().get_session_participant("s", "p").send().await.expect_err("a 404");
    assert!(error.is_not_found(), "{error}");
    server.verify().await;
}

#[tokio::test]
async fn a_successful_response_keeps_the_bytes_it_was_decoded_from() {
    let server = MockServer::start().await;
    answer(&server, MEETING_PATH, 200, MEETING_PARTICIPANTS).await;
    let (client, _) = client(&server.uri());
    let page = support::list_meetings(&client).send().await.expect("the page");
    assert_eq!(page.bytes(), MEETING_PARTICIPANTS, "byte for byte, as sent");
    let (body, bytes) = page.into_parts();
    assert_eq!(body.data.len(), 1);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&bytes).expect("JSON")["success"], true);
}
