//! `.stream()` on the two listings against local servers: page walking, the starting page and
//! filters carried into every page request, the stop rules (last page, empty page, short page),
//! servers that are not paging (a repeated page, end_offset not advancing: an error, never a
//! duplicate), lying servers, the `max_pages` guard and errors mid-stream.

use cloudflare_realtimekit::models::{ParticipantSortBy, ParticipantView, SortOrder};
use cloudflare_realtimekit::operations::meetings::ListMeetingParticipants;
use cloudflare_realtimekit::operations::sessions::ListSessionParticipants;
use cloudflare_realtimekit::{Client, Error, NotPagingError, NotPagingReason};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tests::support::{self, list_meetings, list_sessions};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SESSION_PATH: &str = "/accounts/acc/realtime/kit/app/sessions/s/participants";
const MEETING_PATH: &str = "/accounts/acc/realtime/kit/app/meetings/m/participants";

/// The docs' example page (total_count 123, end_offset 2), served verbatim.
const DOCS_SESSION_PAGE: &[u8] = include_bytes!("data/session_participants.json");

/// A server whose answer depends on the requested `page_no`, which every page request sends.
async fn serve_pages(respond: impl Fn(u64) -> ResponseTemplate + Send + Sync + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(move |request: &wiremock::Request| {
            let page = request
                .url
                .query_pairs()
                .find(|(name, _)| name == "page_no")
                .map(|(_, value)| value.parse().expect("numeric page_no"));
            respond(page.expect("page_no is sent"))
        })
        .mount(&server)
        .await;
    server
}

/// A server listing `total` session participants, `per_page` on a page, with a paging object.
async fn serve_session_list(per_page: u64, total: u64) -> MockServer {
    serve_pages(move |page| {
        let (ids, paging) = slice(page, per_page, total);
        ok(session_page(&ids, Some(paging)))
    })
    .await
}

/// A server listing `total` meeting participants, `per_page` on a page.
async fn serve_meeting_list(per_page: u64, total: u64) -> MockServer {
    serve_pages(move |page| {
        let (ids, paging) = slice(page, per_page, total);
        ok(meeting_page(&ids, paging))
    })
    .await
}

/// A meeting list of 6 whose first page arrives and every later request gets a 503.
async fn serve_failing_second_page() -> MockServer {
    serve_pages(|page| match page {
        1 => ok(meeting_page(&ids(1, 2), (1, 2, 6))),
        _ => ResponseTemplate::new(503),
    })
    .await
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A page of session participants named by `ids`, with `paging` when given
/// as `(start_offset, end_offset, total_count)`.
fn session_page(ids: &[String], paging: Option<(i64, i64, u64)>) -> Value {
    let participants: Vec<_> =
        ids.iter().map(|id| json!({"id": id, "display_name": format!("name {id}"), "duration": 1.0})).collect();
    let mut data = json!({ "participants": participants });
    if let Some((start, end, total)) = paging {
        data["paging"] = json!({"start_offset": start, "end_offset": end, "total_count": total});
    }
    json!({"success": true, "data": data})
}

/// A page of meeting participants named by `ids`.
fn meeting_page(ids: &[String], (start, end, total): (i64, i64, u64)) -> Value {
    let data: Vec<_> = ids
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "created_at": "2019-12-27T18:11:19.117Z",
                "custom_participant_id": format!("custom-{id}"),
                "preset_name": "group_call_host",
                "updated_at": "2019-12-27T18:11:19.117Z"
            })
        })
        .collect();
    json!({
        "success": true,
        "data": data,
        "paging": {"start_offset": start, "end_offset": end, "total_count": total}
    })
}

/// Items `first..=last` of a list, named `p<n>`.
fn ids(first: u64, last: u64) -> Vec<String> {
    (first..=last).map(|n| format!("p{n}")).collect()
}

/// The page of a list of `total` items with `per_page` items per page: ids and paging.
fn slice(page: u64, per_page: u64, total: u64) -> (Vec<String>, (i64, i64, u64)) {
    let first = (page - 1) * per_page + 1;
    let last = (page * per_page).min(total);
    let as_i64 = |n: u64| i64::try_from(n).expect("small");
    if first > total {
        (Vec::new(), (as_i64(first), as_i64(total), total))
    } else {
        (ids(first, last), (as_i64(first), as_i64(last), total))
    }
}

fn client_for(server: &MockServer) -> Client {
    support::client(&server.uri()).0
}

/// The ids of the items `request` streams, or the error that ended the stream.
async fn stream_sessions(request: ListSessionParticipants) -> Vec<Result<String, Error>> {
    request.stream().map(|item| item.map(|p| p.id.expect("id")).map_err(Error::from)).collect().await
}

/// The ids of the items `request` streams, or the error that ended the stream.
async fn stream_meetings(request: ListMeetingParticipants) -> Vec<Result<String, Error>> {
    request.stream().map(|item| item.map(|p| p.id).map_err(Error::from)).collect().await
}

/// The ids of the items `request` streams, none of which may be an error.
async fn session_ids(request: ListSessionParticipants) -> Vec<String> {
    unwrap_all(stream_sessions(request).await)
}

/// The ids of the items `request` streams, none of which may be an error.
async fn meeting_ids(request: ListMeetingParticipants) -> Vec<String> {
    unwrap_all(stream_meetings(request).await)
}

fn unwrap_all(items: Vec<Result<String, Error>>) -> Vec<String> {
    items.into_iter().map(|item| item.expect("no error")).collect()
}

async fn paths(server: &MockServer) -> Vec<String> {
    server.received_requests().await.expect("recording").iter().map(|r| r.url.path().to_owned()).collect()
}

/// Raw query strings as [`support::queries`] gives them, each present.
fn some<Q: Into<String>>(queries: impl IntoIterator<Item = Q>) -> Vec<Option<String>> {
    queries.into_iter().map(|query| Some(query.into())).collect()
}

#[tokio::test]
async fn session_stream_walks_every_page_keeping_the_filters() {
    let server = serve_session_list(2, 5).await;
    let client = client_for(&server);
    let request = list_sessions(&client)
        .include_peer_events(true)
        .per_page(2)
        .search("a b")
        .sort_by(ParticipantSortBy::Duration)
        .sort_order(SortOrder::Asc)
        .view(ParticipantView::Raw);
    assert_eq!(session_ids(request).await, ids(1, 5));
    let expected = (1..=3).map(|n| {
        format!("include_peer_events=true&page_no={n}&per_page=2&search=a%20b&sort_by=duration&sort_order=ASC&view=raw")
    });
    assert_eq!(support::queries(&server).await, some(expected));
    assert_eq!(paths(&server).await, [SESSION_PATH; 3]);
}

#[tokio::test]
async fn session_stream_starts_at_the_builders_page() {
    let server = serve_session_list(2, 10).await;
    let client = client_for(&server);
    let request = list_sessions(&client).page_no(3).per_page(2).view(ParticipantView::Consolidated);
    assert_eq!(session_ids(request).await, ids(5, 10));
    assert_eq!(
        support::queries(&server).await,
        some([
            "page_no=3&per_page=2&view=consolidated",
            "page_no=4&per_page=2&view=consolidated",
            "page_no=5&per_page=2&view=consolidated",
        ])
    );
}

#[tokio::test]
async fn meeting_stream_walks_every_page() {
    let server = serve_meeting_list(2, 5).await;
    let client = client_for(&server);
    assert_eq!(meeting_ids(list_meetings(&client).per_page(2)).await, ids(1, 5));
    assert_eq!(
        support::queries(&server).await,
        some(["page_no=1&per_page=2", "page_no=2&per_page=2", "page_no=3&per_page=2"])
    );
    assert_eq!(paths(&server).await, [MEETING_PATH; 3]);
}

#[tokio::test]
async fn meeting_stream_starts_at_the_builders_page() {
    let server = serve_meeting_list(3, 7).await;
    let client = client_for(&server);
    let request = list_meetings(&client).per_page(3).page_no(2);
    assert_eq!(meeting_ids(request).await, ids(4, 7));
    assert_eq!(support::queries(&server).await, some(["page_no=2&per_page=3", "page_no=3&per_page=3"]));
}

#[tokio::test]
async fn a_full_last_page_that_reaches_total_count_ends_the_stream() {
    let server = serve_meeting_list(2, 4).await;
    let client = client_for(&server);
    assert_eq!(meeting_ids(list_meetings(&client).per_page(2)).await, ids(1, 4));
    assert_eq!(support::request_count(&server).await, 2, "no page 3 request");
}

#[tokio::test]
async fn without_paging_or_per_page_the_stream_stops_on_an_empty_page() {
    // No `paging` in the body and no per_page: only an empty page tells the end.
    let server = serve_pages(|page| match page {
        1 => ok(session_page(&ids(1, 3), None)),
        2 => ok(session_page(&ids(4, 5), None)),
        _ => ok(session_page(&[], None)),
    })
    .await;
    let client = client_for(&server);
    assert_eq!(session_ids(list_sessions(&client)).await, ids(1, 5));
    assert_eq!(support::queries(&server).await, some(["page_no=1", "page_no=2", "page_no=3"]));
}

#[tokio::test]
async fn an_empty_page_ends_the_stream_even_if_total_count_claims_more() {
    let server = serve_pages(|page| match page {
        1 => ok(meeting_page(&ids(1, 2), (1, 2, 1000))),
        // Lies: end_offset advances and total_count promises more, but nothing is sent.
        _ => ok(meeting_page(&[], (3, 4, 1000))),
    })
    .await;
    let client = client_for(&server);
    assert_eq!(meeting_ids(list_meetings(&client).per_page(2)).await, ids(1, 2));
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn a_short_page_does_not_end_the_stream_while_total_count_says_more_follow() {
    // The server caps the page size at 2 although 3 were asked for: the paging object still
    // says where the list ends, so nothing is lost.
    let server = serve_pages(|page| match page {
        1 => ok(session_page(&ids(1, 2), Some((1, 2, 5)))),
        2 => ok(session_page(&ids(3, 4), Some((3, 4, 5)))),
        3 => ok(session_page(&ids(5, 5), Some((5, 5, 5)))),
        _ => ok(session_page(&ids(90, 92), Some((90, 92, 5)))),
    })
    .await;
    let client = client_for(&server);
    assert_eq!(session_ids(list_sessions(&client).per_page(3)).await, ids(1, 5));
    assert_eq!(support::request_count(&server).await, 3);
}

#[tokio::test]
async fn a_short_page_ends_the_stream_when_the_page_has_no_paging_object() {
    let server = serve_pages(|page| match page {
        1 => ok(session_page(&ids(1, 3), None)),
        2 => ok(session_page(&ids(4, 4), None)),
        _ => ok(session_page(&ids(90, 92), None)),
    })
    .await;
    let client = client_for(&server);
    assert_eq!(session_ids(list_sessions(&client).per_page(3)).await, ids(1, 4));
    assert_eq!(support::queries(&server).await, some(["page_no=1&per_page=3", "page_no=2&per_page=3"]));
}

/// The items before the error that ends `items`, and that error, which must say that the
/// server is not paging.
#[track_caller]
fn ended_by_not_paging(mut items: Vec<Result<String, Error>>) -> (Vec<String>, NotPagingError) {
    match items.pop() {
        Some(Err(Error::NotPaging(error))) => {
            let shown = error.to_string();
            assert!(shown.contains("the server is not paging"), "{shown}");
            (unwrap_all(items), error)
        }
        other => panic!("expected the stream to end with NotPaging, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_repeating_the_docs_page_ends_the_stream_without_duplicates() {
    // The docs' example claims 123 participants with end_offset 2; a server that sends it for
    // every page number is not paging: page 2 repeats page 1 and ends the stream with an error.
    let server = serve_pages(|_| ResponseTemplate::new(200).set_body_raw(DOCS_SESSION_PAGE, "application/json")).await;
    let client = client_for(&server);
    let items: Vec<_> = list_sessions(&client).per_page(2).stream().collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    let names: Vec<_> = items[..2].iter().map(|item| item.as_ref().expect("no error").display_name.clone()).collect();
    assert_eq!(names, [Some("Mark".to_owned()), Some("Henry".to_owned())]);
    assert!(
        matches!(items[2].as_ref().map_err(|e| &**e), Err(Error::NotPaging(e)) if e.reason() == NotPagingReason::Repeated),
        "{items:?}"
    );
    assert_eq!(support::queries(&server).await, some(["page_no=1&per_page=2", "page_no=2&per_page=2"]));
}

#[tokio::test]
async fn a_server_ignoring_page_no_without_a_paging_object_ends_the_stream() {
    // No paging object and no per_page: only the repeat tells that the server is not paging.
    let server = serve_pages(|_| ok(session_page(&ids(1, 3), None))).await;
    let client = client_for(&server);
    let (items, error) = ended_by_not_paging(stream_sessions(list_sessions(&client)).await);
    assert_eq!(items, ids(1, 3), "no item twice");
    assert_eq!((error.page(), error.reason()), (2, NotPagingReason::Repeated));
    assert_eq!(
        error.path_template(),
        "/accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants"
    );
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn a_meeting_server_ignoring_page_no_ends_the_stream() {
    // total_count says 1000 and every page is full, but end_offset never moves past 2.
    let server = serve_pages(|_| ok(meeting_page(&ids(1, 2), (1, 2, 1000)))).await;
    let client = client_for(&server);
    let (items, _) = ended_by_not_paging(stream_meetings(list_meetings(&client).per_page(2)).await);
    assert_eq!(items, ids(1, 2));
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn a_page_whose_end_offset_does_not_advance_ends_the_stream() {
    // New items each time, but the paging object says the list did not move on.
    let server = serve_pages(|page| {
        let (ids, _) = slice(page, 2, 100);
        ok(meeting_page(&ids, (1, 2, 100)))
    })
    .await;
    let client = client_for(&server);
    let (items, error) = ended_by_not_paging(stream_meetings(list_meetings(&client).per_page(2)).await);
    assert_eq!(items, ids(1, 2), "the page that makes no progress is not yielded");
    assert_eq!(error.reason(), NotPagingReason::NoProgress { previous_end: 2, end: 2 });
    assert!(error.to_string().contains("ends at offset 2"), "{error}");
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn a_server_that_never_stops_is_cut_off_by_max_pages() {
    // Every page is full, new, and advances end_offset towards a total that is never reached.
    let server = serve_pages(|page| {
        let (ids, _) = slice(page, 2, u64::MAX / 4);
        let end = i64::try_from(page * 2).expect("small");
        ok(meeting_page(&ids, (end - 1, end, 1_000_000_000)))
    })
    .await;
    let (client, _) = support::client_with(&server.uri(), |b| b.max_pages(3));
    let mut stream = list_meetings(&client).per_page(2).stream();
    let mut items = Vec::new();
    let error = loop {
        match stream.next().await.expect("the stream ends with an error") {
            Ok(item) => items.push(item.id),
            Err(error) => break error,
        }
    };
    assert_eq!(items, ids(1, 6));
    assert!(matches!(*error, Error::TooManyPages { max_pages: 3 }), "{error:?}");
    let shown = error.to_string();
    assert!(shown.contains("3 pages") && shown.contains("max_pages"), "{shown}");
    assert!(stream.next().await.is_none(), "the error ends the stream");
    assert_eq!(support::request_count(&server).await, 3);
}

#[tokio::test]
async fn max_pages_is_not_an_error_when_the_last_page_fits() {
    let server = serve_meeting_list(2, 6).await;
    let (client, _) = support::client_with(&server.uri(), |b| b.max_pages(3));
    assert_eq!(meeting_ids(list_meetings(&client).per_page(2)).await, ids(1, 6));
    assert_eq!(support::request_count(&server).await, 3);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_and_ends_the_stream() {
    let server = serve_pages(|page| match page {
        1 => ok(session_page(&ids(1, 2), Some((1, 2, 6)))),
        2 => ResponseTemplate::new(404)
            .set_body_json(json!({"success": false, "error": {"code": 404, "message": "Session not found"}})),
        _ => ok(session_page(&ids(5, 6), Some((5, 6, 6)))),
    })
    .await;
    let client = client_for(&server);
    let items = stream_sessions(list_sessions(&client).per_page(2)).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_deref().ok(), Some("p1"));
    assert_eq!(items[1].as_deref().ok(), Some("p2"));
    let error = items[2].as_ref().expect_err("page 2 fails");
    assert!(error.is_not_found());
    assert_eq!(error.message(), Some("Session not found"));
    assert_eq!(support::request_count(&server).await, 2, "no page 3 request");
}

#[tokio::test]
async fn a_retryable_error_on_page_two_is_retried_then_ends_the_stream() {
    let server = serve_failing_second_page().await;
    let (client, delays) = support::client(&server.uri());
    let items = stream_meetings(list_meetings(&client).per_page(2)).await;
    assert_eq!(items.len(), 3, "{items:?}");
    let error = items[2].as_ref().expect_err("page 2 fails");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        support::queries(&server).await,
        some(["page_no=1&per_page=2", "page_no=2&per_page=2", "page_no=2&per_page=2", "page_no=2&per_page=2",])
    );
    assert_eq!(delays.get().len(), 2);
}

#[tokio::test]
async fn a_malformed_page_two_is_a_decode_error_that_ends_the_stream() {
    let server = serve_pages(|page| match page {
        1 => ok(session_page(&ids(1, 2), Some((1, 2, 6)))),
        _ => ok(json!({"data": {"participants": [{"id": "p3", "duration": "long"}]}})),
    })
    .await;
    let client = client_for(&server);
    let items = stream_sessions(list_sessions(&client).per_page(2)).await;
    assert_eq!(items.len(), 3, "{items:?}");
    let error = items[2].as_ref().expect_err("page 2 fails");
    assert_eq!(support::decode_error(error).json_path(), "data.participants[0].duration");
    assert_eq!(support::request_count(&server).await, 2);
}

#[tokio::test]
async fn streams_are_lazy() {
    let server = serve_meeting_list(2, 100).await;
    let client = client_for(&server);
    let stream = list_meetings(&client).per_page(2).stream();
    assert_eq!(support::request_count(&server).await, 0, "nothing before polling");
    let first: Vec<_> = stream.take(3).map(|item| item.expect("ok").id).collect().await;
    assert_eq!(first, ids(1, 3));
    assert_eq!(support::request_count(&server).await, 2, "only the pages needed for 3 items");
}

#[tokio::test]
async fn request_options_apply_to_every_page_request() {
    let server = serve_failing_second_page().await;
    let (client, delays) = support::client(&server.uri());
    let items = stream_meetings(list_meetings(&client).per_page(2).max_retries(0)).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[2].is_err());
    assert_eq!(
        support::queries(&server).await,
        some(["page_no=1&per_page=2", "page_no=2&per_page=2"]),
        "page 2 is not retried"
    );
    assert!(delays.get().is_empty());
}
