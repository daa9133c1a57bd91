//! Conformance of the generated client with Cloudflare's own definition of the three participant
//! endpoints (`tests/conformance/realtimekit-official-3.yaml`; see `tests/conformance/README.md`).
//!
//! Prism, pinned in `tests/conformance/package.json` and installed with `npm ci` when missing,
//! mocks the official document with `--errors` (its counts typed as integers, as our spec types
//! them: see `tests/conformance/README.md`). A request that violates the document gets a
//! non-2xx answer, which the client turns into an error, so every successful call below is a
//! request Prism validated; a body Prism produces that violates the document's response schema
//! becomes an HTTP 500. The negative controls prove that validation is really on.
//!
//! - `static_examples`: Prism's static mode. Every option of every operation, every enum value
//!   the client knows, and every example of the document (the default one and, with
//!   `Prefer: example=<name>`, each named one), each compared field by field with the example.
//! - `dynamic_bodies`: Prism's dynamic mode (`--dynamic`). Each operation is called several times
//!   and the bodies generated from the response schemas must decode.

#[path = "conformance/prism.rs"]
mod prism;

use std::fs;
use std::time::Duration;

use cloudflare_realtimekit::models::{
    ErrorResponse, MeetingParticipant, MeetingParticipantsResponse, Paging, ParticipantFilter, ParticipantSortBy,
    ParticipantView, PeerEvent, PeerEventName, PresetViewType, SessionParticipant, SessionParticipantResponse,
    SessionParticipantsResponse, SortOrder,
};
use cloudflare_realtimekit::operations::meetings::ListMeetingParticipants;
use cloudflare_realtimekit::operations::sessions::{GetSessionParticipant, ListSessionParticipants};
use cloudflare_realtimekit::{Client, Error, Response};
use prism::{Mode, Prism};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tests::support;

const TOKEN: &str = "conformance-test-token";
/// 32 hexadecimal characters like a real account ID: the official `account_id` has maxLength 32.
const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The official `app_id` is a plain string; real app IDs are UUIDs.
const APP_ID: &str = "9a4c3f0e-1b2d-4e5f-8a6b-7c8d9e0f1a2b";
/// `session_id`, `participant_id` and `meeting_id` have format uuid in the official document.
const SESSION_ID: &str = "0b7c5a3e-2f4d-4c1e-9a8b-1d2e3f405162";
const PARTICIPANT_ID: &str = "005f4e0c-4d08-4d4e-a391-a76be75cd296";
const MEETING_ID: &str = "bbbd4a5f-1f4e-4c2b-8f3a-6f0d2a9b8c71";

/// How often each operation is called against the dynamic mock.
const DYNAMIC_ROUNDS: u64 = 10;

const SESSION_PARTICIPANTS: &str = "/accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants";
const SESSION_PARTICIPANT: &str =
    "/accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants/{participant_id}";
const MEETING_PARTICIPANTS: &str = "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants";

// ---------------------------------------------------------------------------------------------
// Static mode: the document's examples
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn static_examples() {
    let prism = Prism::start(Mode::Static);
    validation_rejects_violations(&prism).await;
    let client = mock_client(&prism, None);
    let doc = official_document();

    // --- GET .../sessions/{session_id}/participants --------------------------------------
    let examples = named_examples(&doc, SESSION_PARTICIPANTS);
    let names: Vec<&str> = examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["without_peer_events", "with_peer_events"],
        "the official document's examples of {SESSION_PARTICIPANTS} changed: update the checks below"
    );
    let default_example: SessionParticipantsResponse = from_example(&examples[0].1);

    let page = ok(&prism, "list_session_participants without options", list_sessions(&client).send().await);
    assert_eq!(page, default_example, "the default (first) example, decoded by the client");
    check_without_peer_events(&page);

    // Every combination of the enum values the client knows, with the other options varied.
    let searches = ["Mark", "Henry O'Brien & co/50% +1", "005f4e0c", ""];
    let mut combination = 0_u64;
    for sort_by in ParticipantSortBy::KNOWN {
        for sort_order in SortOrder::KNOWN {
            for view in ParticipantView::KNOWN {
                for include_peer_events in [false, true] {
                    let page = ok(
                        &prism,
                        &format!(
                            "list_session_participants with sort_by={sort_by} sort_order={sort_order} \
                             view={view} include_peer_events={include_peer_events}"
                        ),
                        list_sessions(&client)
                            .include_peer_events(include_peer_events)
                            .page_no(combination % 3)
                            .per_page([1, 25, 200][(combination % 3) as usize])
                            .search(searches[(combination % 4) as usize])
                            .sort_by(sort_by.clone())
                            .sort_order(sort_order.clone())
                            .view(view.clone())
                            .send()
                            .await,
                    );
                    assert_eq!(page, default_example);
                    combination += 1;
                }
            }
        }
    }
    let expected_combinations =
        ParticipantSortBy::KNOWN.len() * SortOrder::KNOWN.len() * ParticipantView::KNOWN.len() * 2;
    assert_eq!(combination, expected_combinations as u64);

    // Each named example, requested with `Prefer: example=<name>`.
    for (name, value) in &examples {
        let expected: SessionParticipantsResponse = from_example(value);
        let page = ok(
            &prism,
            &format!("list_session_participants with Prefer: example={name}"),
            list_sessions(&mock_client(&prism, Some(&format!("example={name}"))))
                .include_peer_events(name == "with_peer_events")
                .send()
                .await,
        );
        assert_eq!(&page, &expected, "example {name}, decoded by the client");
        match name.as_str() {
            "without_peer_events" => check_without_peer_events(&page),
            "with_peer_events" => check_with_peer_events(&page),
            other => unreachable!("example {other}"),
        }
    }

    // --- GET .../sessions/{session_id}/participants/{participant_id} ---------------------
    let expected: SessionParticipantResponse = from_example(&single_example(&doc, SESSION_PARTICIPANT));
    let filter_sets: [&[ParticipantFilter]; 3] = [
        ParticipantFilter::KNOWN,
        &[ParticipantFilter::DeviceInfo],
        &[ParticipantFilter::Events, ParticipantFilter::QualityStats],
    ];
    let mut requests = vec![("get_session_participant without options".to_owned(), get_participant(&client))];
    for include_peer_events in [false, true] {
        requests.push((
            format!("get_session_participant with include_peer_events={include_peer_events}"),
            get_participant(&client).include_peer_events(include_peer_events),
        ));
    }
    for filters in filter_sets {
        requests.push((
            format!("get_session_participant with filters={filters:?}"),
            get_participant(&client).filters(filters.iter().cloned()).include_peer_events(true),
        ));
    }
    for (what, request) in requests {
        let details = ok(&prism, &what, request.send().await);
        assert_eq!(details, expected, "{what}: the example, decoded by the client");
        assert_eq!(details.success, Some(true));
        let participant = details.data.and_then(|d| d.participant).expect("data.participant");
        assert_eq!(participant.id.as_deref(), Some("id"));
        assert_eq!(participant.duration, Some(0.0));
        let events = participant.peer_events.expect("peer_events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event_name, Some(PeerEventName::PeerCreated));
        assert_eq!(events[0].preset_view_type, Some(PresetViewType::GroupCall));
        assert_eq!(events[0].minutes_consumed, Some(0.0));
        assert_eq!(events[0].socket_session_id.as_deref(), Some("socket_session_id"));
    }

    // --- GET .../meetings/{meeting_id}/participants --------------------------------------
    // The document has no example here: Prism builds the body from the schema (its `example`
    // keywords, and placeholders by type and format).
    assert!(named_examples(&doc, MEETING_PARTICIPANTS).is_empty());
    for (page_no, per_page) in [(None, None), (Some(1), Some(10)), (Some(0), Some(0)), (Some(7), Some(200))] {
        let mut request = list_meetings(&client);
        if let Some(page_no) = page_no {
            request = request.page_no(page_no);
        }
        if let Some(per_page) = per_page {
            request = request.per_page(per_page);
        }
        let what = format!("list_meeting_participants with page_no={page_no:?} per_page={per_page:?}");
        let page: MeetingParticipantsResponse = ok(&prism, &what, request.send().await);
        assert!(page.success, "{what}");
        // The `example`s of realtimekit_PagingResponse.paging.
        assert_eq!(
            page.paging,
            Paging { end_offset: 30, start_offset: 1, total_count: 30, unknown_fields: Default::default() },
            "{what}"
        );
        assert!(!page.data.is_empty(), "{what}: no participants");
        for participant in &page.data {
            check_meeting_participant(participant);
            assert!(participant.picture.is_some(), "{what}: picture");
        }
    }

    // The official error response (the 500 of the meetings operation), with `Prefer: code=500`.
    let error = documented_500(&prism).await;
    assert_eq!((error.code(), error.message()), (Some(0), Some("string")), "{error}");
    assert!(error.is_retryable(), "{error}");
    let body = error.api_error().expect("an API error").body();
    let decoded: ErrorResponse = serde_json::from_slice(body).expect("the error body decodes");
    assert!(!decoded.success);
}

/// The negative controls: requests that violate the official document must be rejected, or the
/// successes above would prove nothing.
async fn validation_rejects_violations(prism: &Prism) {
    let base = format!("/accounts/{ACCOUNT_ID}/realtime/kit/{APP_ID}");
    // The control of the controls: the same kind of request, valid, passes.
    let (status, body) =
        raw_get(prism, &format!("{base}/sessions/{SESSION_ID}/participants?sort_order=ASC"), true).await;
    assert_eq!(status, StatusCode::OK, "a valid raw request must pass: {body}");

    let violations = [
        (format!("{base}/sessions/{SESSION_ID}/participants?sort_order=SIDEWAYS"), true, "sort_order"),
        (format!("{base}/sessions/{SESSION_ID}/participants?view=flat"), true, "view"),
        (format!("{base}/sessions/{SESSION_ID}/participants?include_peer_events=maybe"), true, "include_peer_events"),
        (format!("{base}/sessions/not-a-uuid/participants"), true, "session_id"),
        (format!("{base}/sessions/{SESSION_ID}/participants/not-a-uuid"), true, "participant_id"),
        (format!("{base}/meetings/{MEETING_ID}/participants?page_no=-1"), true, "page_no"),
        (format!("{base}/meetings/not-a-uuid/participants"), true, "meeting_id"),
        (
            format!("/accounts/{ACCOUNT_ID}0/realtime/kit/{APP_ID}/meetings/{MEETING_ID}/participants"),
            true,
            "account_id",
        ),
        (format!("{base}/sessions/{SESSION_ID}/participants"), false, "security"),
    ];
    for (path, authorized, violated) in violations {
        let (status, body) = raw_get(prism, &path, authorized).await;
        assert!(
            status.is_client_error(),
            "Prism accepted a request that violates the official document ({violated}): GET {path} -> {status}: {body}\n\
             --- Prism log ---\n{}",
            prism.log_tail()
        );
        if authorized {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "GET {path}: {body}");
            assert!(body.contains(violated), "GET {path}: the violation should name {violated}: {body}");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "GET {path}: {body}");
        }
    }

    // The same rejections reach the caller of the generated client as errors.
    let client = mock_client(prism, None);
    let (sessions, meetings) = (client.sessions(), client.meetings());
    let sideways = list_sessions(&client).sort_order(SortOrder::from("SIDEWAYS"));
    assert_rejected(sideways.send().await);
    let not_a_uuid = sessions.get_session_participant(ACCOUNT_ID, APP_ID, SESSION_ID, "not-a-uuid");
    assert_rejected(not_a_uuid.send().await);
    let long_account = meetings.list_meeting_participants(format!("{ACCOUNT_ID}0"), APP_ID, MEETING_ID);
    assert_rejected(long_account.send().await);
}

/// Asserts that a call of the generated client failed because Prism rejected the request.
#[track_caller]
fn assert_rejected<T, E: Into<Error>>(result: Result<Response<T>, E>) {
    let error = result.map(|_| ()).map_err(Into::into).expect_err("the client must fail on a request Prism rejects");
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY), "{error}");
}

fn check_without_peer_events(page: &SessionParticipantsResponse) {
    assert_eq!(page.success, Some(true));
    let data = page.data.as_ref().expect("data");
    // Not in the official schema, but in both official examples (and what the API returns).
    let paging = data.paging.as_ref().expect("data.paging");
    assert_eq!(
        paging,
        &Paging { end_offset: 2, start_offset: 1, total_count: 123, unknown_fields: Default::default() }
    );
    let participants = data.participants.as_ref().expect("data.participants");
    // The official example's malformed timestamp is kept as sent: timestamps are plain strings.
    support::assert_mark_and_henry(participants);
    assert_eq!(participants[0].id.as_deref(), Some("005f4e0c-4d08-4d4e-a391-a76be75cd296"));
    assert_eq!(participants[0].duration, Some(5.8097));
    assert_eq!(participants[0].preset_name.as_deref(), Some("webinar_participant"));
    assert_eq!(participants[1].user_id.as_deref(), Some("85e7f0fd-7c16-45e9-9d68-f17ef007c4eb"));
    assert!(participants.iter().all(|p| p.peer_events.is_none()));
}

fn check_with_peer_events(page: &SessionParticipantsResponse) {
    let participants = page.data.as_ref().and_then(|d| d.participants.as_ref()).expect("data.participants");
    assert_eq!(participants.len(), 2);
    support::assert_joining_then_leaving(participants);
    for participant in participants {
        let events = participant.peer_events.as_ref().expect("peer_events");
        assert_eq!(events[0].id.as_deref(), Some("94af3bac-f30b-40b9-ab45-4b9e6eff191a"));
        assert_eq!(events[1].created_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:56:50.786Z"));
        // Optional fields the examples leave out (`preset_view_type` is checked above).
        assert!(events.iter().all(|e| e.minutes_consumed.is_none()));
    }
    let peers: Vec<_> = participants.iter().map(|p| p.peer_events.as_ref().unwrap()[0].peer_id.as_deref()).collect();
    assert_eq!(peers, [Some("79d87ca5-7e47-452a-b3c1-b6842ad84bf5"), Some("51fdf95f-d893-471a-922b-7db7adb14453")]);
}

// ---------------------------------------------------------------------------------------------
// Dynamic mode: bodies generated from the response schemas
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dynamic_bodies() {
    let prism = Prism::start(Mode::Dynamic);
    let (status, body) = raw_get(
        &prism,
        &format!("/accounts/{ACCOUNT_ID}/realtime/kit/{APP_ID}/sessions/{SESSION_ID}/participants?sort_order=SIDEWAYS"),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "negative control in dynamic mode: {body}");

    let client = mock_client(&prism, None);
    let mut tally = Tally::default();
    for round in 0..DYNAMIC_ROUNDS {
        let odd = round % 2 == 1;

        let mut request = list_sessions(&client);
        if odd {
            request = request
                .include_peer_events(true)
                .page_no(round)
                .per_page(50)
                .search("Mark")
                .sort_by(ParticipantSortBy::KNOWN[(round / 2 % 2) as usize].clone())
                .sort_order(SortOrder::KNOWN[(round / 2 % 2) as usize].clone())
                .view(ParticipantView::KNOWN[(round / 2 % 2) as usize].clone());
        }
        let what = format!("dynamic round {round}: list_session_participants");
        let page = ok(&prism, &what, request.send().await);
        for participant in page.data.and_then(|d| d.participants).unwrap_or_default() {
            tally.session_participant(&participant);
        }

        let mut request = get_participant(&client);
        if odd {
            request = request.filters(ParticipantFilter::KNOWN.iter().cloned()).include_peer_events(true);
        }
        let what = format!("dynamic round {round}: get_session_participant");
        let details = ok(&prism, &what, request.send().await);
        if let Some(participant) = details.data.and_then(|d| d.participant) {
            tally.session_participant(&participant);
        }

        let mut request = list_meetings(&client);
        if odd {
            request = request.page_no(round).per_page(20);
        }
        match request.send().await {
            Ok(page) => {
                let page = page.into_inner();
                tally.meeting_pages_decoded += 1;
                tally.meeting_participants += page.data.len();
                page.data.iter().for_each(check_meeting_participant);
            }
            Err(error) => panic!(
                "dynamic round {round}: list_meeting_participants: {error}\n  {error:?}\n--- Prism log ---\n{}",
                prism.log_tail()
            ),
        }

        // The same body, fetched raw: everything but the finding must decode with the models.
        let path = format!("/accounts/{ACCOUNT_ID}/realtime/kit/{APP_ID}/meetings/{MEETING_ID}/participants");
        let (status, body) = raw_get(&prism, &path, true).await;
        assert_eq!(status, StatusCode::OK, "dynamic round {round}: raw GET {path}: {body}");
        let body: Value = serde_json::from_str(&body).expect("Prism answers JSON");
        let participants: Vec<MeetingParticipant> = serde_json::from_value(body["data"].clone())
            .unwrap_or_else(|e| panic!("dynamic round {round}: `data` of the meeting participants: {e}\n{body:#}"));
        tally.meeting_participants += participants.len();
        participants.iter().for_each(check_meeting_participant);
        assert!(body["success"].is_boolean(), "{body:#}");
        serde_json::from_value::<MeetingParticipantsResponse>(body.clone())
            .unwrap_or_else(|e| panic!("dynamic round {round}: meeting participants: {e}\n{body:#}"));

        // The documented 500 of the meetings operation, generated from realtimekit_GenericErrorResponse.
        let error = documented_500(&prism).await;
        assert!(error.message().is_some_and(|m| !m.is_empty()), "no error message: {error:?}");
        let body: Value =
            serde_json::from_slice(error.api_error().expect("an API error").body()).expect("Prism answers JSON");
        serde_json::from_value::<ErrorResponse>(body.clone())
            .unwrap_or_else(|e| panic!("dynamic round {round}: error body: {e}\n{body:#}"));
    }

    eprintln!(
        "conformance (dynamic): {} session participants, {} peer events, {} meeting participants; \
         meeting pages decoded by the client: {}",
        tally.session_participants, tally.peer_events, tally.meeting_participants, tally.meeting_pages_decoded,
    );
    assert!(tally.session_participants > 0, "no generated session participant in {DYNAMIC_ROUNDS} rounds: {tally:?}");
    assert!(tally.peer_events > 0, "no generated peer event in {DYNAMIC_ROUNDS} rounds: {tally:?}");
    assert!(tally.meeting_participants > 0, "no generated meeting participant in {DYNAMIC_ROUNDS} rounds: {tally:?}");
}

#[derive(Debug, Default)]
struct Tally {
    session_participants: usize,
    peer_events: usize,
    meeting_participants: usize,
    meeting_pages_decoded: usize,
}

impl Tally {
    fn session_participant(&mut self, participant: &SessionParticipant) {
        self.session_participants += 1;
        for event in participant.peer_events.iter().flatten() {
            self.peer_events += 1;
            check_peer_event(event);
        }
    }
}

/// Values of the official enums decode into the known variants, not the catch-all.
fn check_peer_event(event: &PeerEvent) {
    if let Some(name) = &event.event_name {
        assert!(PeerEventName::KNOWN.contains(name), "event_name {name} decoded as unknown: {event:?}");
    }
    if let Some(view_type) = &event.preset_view_type {
        assert!(
            PresetViewType::KNOWN.contains(view_type),
            "preset_view_type {view_type} decoded as unknown: {event:?}"
        );
    }
}

fn check_meeting_participant(participant: &MeetingParticipant) {
    assert!(is_uuid(&participant.id), "id is not a UUID: {participant:?}");
    assert!(
        !participant.created_at.as_str().is_empty() && !participant.updated_at.as_str().is_empty(),
        "{participant:?}"
    );
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client of the mock. `prefer` is sent as the `Prefer` header, through a preconfigured HTTP
/// client, because the generated client has no per-request headers. No proxy: Prism is local.
fn mock_client(prism: &Prism, prefer: Option<&str>) -> Client {
    let mut headers = HeaderMap::new();
    if let Some(prefer) = prefer {
        headers.insert("prefer", HeaderValue::from_str(prefer).expect("a valid Prefer header"));
    }
    let http = reqwest::Client::builder().no_proxy().default_headers(headers).build().expect("build the HTTP client");
    Client::builder()
        .api_token(TOKEN)
        .base_url(prism.base_url())
        .http_client(http)
        .max_retries(0)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("build the RealtimeKit client")
}

/// The participants of the session: a request to configure and send.
fn list_sessions(client: &Client) -> ListSessionParticipants {
    client.sessions().list_session_participants(ACCOUNT_ID, APP_ID, SESSION_ID)
}

/// The participant of the session: a request to configure and send.
fn get_participant(client: &Client) -> GetSessionParticipant {
    client.sessions().get_session_participant(ACCOUNT_ID, APP_ID, SESSION_ID, PARTICIPANT_ID)
}

/// The participants of the meeting: a request to configure and send.
fn list_meetings(client: &Client) -> ListMeetingParticipants {
    client.meetings().list_meeting_participants(ACCOUNT_ID, APP_ID, MEETING_ID)
}

/// The documented 500 of the meetings operation, which Prism answers with `Prefer: code=500`.
async fn documented_500(prism: &Prism) -> Error {
    let error = list_meetings(&mock_client(prism, Some("code=500")))
        .send()
        .await
        .expect_err("Prism answers the documented 500");
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR), "{error}");
    error.into_error()
}

/// The decoded body of a successful call; on an error, a panic that shows Prism's log, where
/// Prism names the violation.
#[track_caller]
fn ok<T, E: Into<Error>>(prism: &Prism, what: &str, result: Result<Response<T>, E>) -> T {
    match result.map_err(Into::into) {
        Ok(response) => {
            assert!(response.status().is_success(), "{what}: HTTP {}", response.status());
            response.into_inner()
        }
        Err(error) => panic!(
            "{what} failed against Cloudflare's definition: {error}\n  {error:?}\n--- Prism log ---\n{}",
            prism.log_tail()
        ),
    }
}

/// A GET straight to Prism, outside the generated client.
async fn raw_get(prism: &Prism, path_and_query: &str, authorized: bool) -> (StatusCode, String) {
    let http = reqwest::Client::builder().no_proxy().build().expect("build the HTTP client");
    let mut request = http.get(format!("{}{path_and_query}", prism.base_url()));
    if authorized {
        request = request.header(AUTHORIZATION, format!("Bearer {TOKEN}"));
    }
    let response =
        request.timeout(Duration::from_secs(20)).send().await.unwrap_or_else(|e| panic!("GET {path_and_query}: {e}"));
    let status = response.status();
    let body = response.text().await.unwrap_or_else(|e| panic!("GET {path_and_query}: body: {e}"));
    (status, body)
}

/// The official document. `serde_yaml` keeps the order of mappings, so the first example here is
/// the one Prism serves by default.
fn official_document() -> serde_yaml::Value {
    let path = prism::official_spec();
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// The `application/json` content of the 200 response of `GET path`, its `$ref` resolved.
fn ok_content<'a>(doc: &'a serde_yaml::Value, path: &str) -> &'a serde_yaml::Value {
    let mut response = &doc["paths"][path]["get"]["responses"]["200"];
    if let Some(reference) = response["$ref"].as_str() {
        let name = reference.strip_prefix("#/components/responses/").expect("a response reference");
        response = &doc["components"]["responses"][name];
    }
    let content = &response["content"]["application/json"];
    assert!(content.is_mapping(), "no application/json 200 response for GET {path}");
    content
}

/// The named examples (`examples`) of the 200 response of `GET path`, in document order.
fn named_examples(doc: &serde_yaml::Value, path: &str) -> Vec<(String, Value)> {
    let Some(examples) = ok_content(doc, path)["examples"].as_mapping() else {
        return Vec::new();
    };
    examples
        .iter()
        .map(|(name, example)| {
            let name = name.as_str().expect("an example name").to_owned();
            let value = serde_json::to_value(&example["value"]).expect("an example as JSON");
            (name, value)
        })
        .collect()
}

/// The single `example` of the 200 response of `GET path`.
fn single_example(doc: &serde_yaml::Value, path: &str) -> Value {
    let example = &ok_content(doc, path)["example"];
    assert!(!example.is_null(), "no example for GET {path}");
    serde_json::to_value(example).expect("an example as JSON")
}

/// An example of the document, decoded with the client's models.
fn from_example<T: DeserializeOwned>(example: &Value) -> T {
    serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("an official example does not decode into {}: {e}", std::any::type_name::<T>()))
}
