//! End-to-end tests: every operation of the generated client against a local wiremock server
//! that serves the API reference's response examples verbatim (tests/data/, copied byte for byte
//! from the documentation, including the malformed `joined_at` of the session examples).
//!
//! Each test checks what reached the server (exact path with percent-encoded parameters, exact
//! raw query string, authentication and content negotiation headers) and what was decoded.

use cloudflare_realtimekit::models::{
    ParticipantFilter, ParticipantSortBy, ParticipantView, PeerEventName, PresetViewType, SortOrder,
};
use cloudflare_realtimekit::{Client, Response};
use tests::support::{self, TOKEN, client, list_meetings};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `GET .../sessions/{session_id}/participants` without peer events (docs page 000).
const SESSION_PARTICIPANTS: &[u8] = include_bytes!("data/session_participants.json");
/// The same endpoint with `include_peer_events=true` (docs page 002, second example).
const SESSION_PARTICIPANTS_WITH_EVENTS: &[u8] = include_bytes!("data/session_participants_with_peer_events.json");
/// `GET .../sessions/{session_id}/participants/{participant_id}` (docs page 003).
const PARTICIPANT_DETAILS: &[u8] = include_bytes!("data/session_participant_details.json");
/// `GET .../meetings/{meeting_id}/participants` (docs page 004).
const MEETING_PARTICIPANTS: &[u8] = include_bytes!("data/meeting_participants.json");

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const APP: &str = "app_id";

/// A server answering every GET with `body` (and a `cf-ray` header to read back).
async fn serve(body: &'static [u8]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("cf-ray", "8f1e2d3c4b5a6978-SJC")
                .set_body_raw(body, "application/json"),
        )
        .mount(&server)
        .await;
    server
}

/// A client whose base URL has the real API's `/client/v4` prefix.
fn client_for(server: &MockServer) -> Client {
    client(&format!("{}/client/v4", server.uri())).0
}

/// The one request the server received, once its method, its headers, its empty body and its
/// exact (percent-encoded) `path` are checked.
async fn only_request(server: &MockServer, path: &str) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    let request = requests.remove(0);
    assert_common_headers(&request);
    assert_eq!(request.url.path(), path);
    request
}

/// Asserts the method, the headers every request carries, and that a GET has no body.
fn assert_common_headers(request: &wiremock::Request) {
    assert_eq!(request.method.as_str(), "GET");
    let header = |name: &str| {
        let values: Vec<_> = request.headers.get_all(name).iter().collect();
        assert_eq!(values.len(), 1, "exactly one {name} header");
        values[0].to_str().expect("ASCII header").to_owned()
    };
    assert_eq!(header("authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header("accept"), "application/json");
    let agent = header("user-agent");
    let version =
        agent.strip_prefix("cloudflare-realtimekit/").unwrap_or_else(|| panic!("User-Agent names the crate: {agent}"));
    assert!(
        !version.is_empty()
            && version.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit())),
        "User-Agent carries the crate version: {agent}"
    );
    assert!(request.headers.get("content-type").is_none());
    assert!(request.body.is_empty());
}

#[test]
fn fixtures_are_the_documentation_examples() {
    // The docs' malformed timestamp is kept as is: a `\"` right before the closing quote.
    for body in [SESSION_PARTICIPANTS, SESSION_PARTICIPANTS_WITH_EVENTS] {
        let text = std::str::from_utf8(body).expect("UTF-8");
        assert_eq!(text.matches(r#""joined_at": "2023-02-01T10:50:36.846Z\"""#).count(), 1);
    }
    // Page 000 prints its example on one line; page 002 pretty-prints the same document.
    let one_line = std::str::from_utf8(SESSION_PARTICIPANTS).expect("UTF-8");
    assert!(one_line.starts_with(r#"{ "data": { "paging": { "end_offset": 2,"#));
    let parsed: serde_json::Value = serde_json::from_slice(SESSION_PARTICIPANTS).expect("JSON");
    let with_events: serde_json::Value = serde_json::from_slice(SESSION_PARTICIPANTS_WITH_EVENTS).expect("JSON");
    assert_eq!(parsed["data"]["paging"], with_events["data"]["paging"]);
    for body in [PARTICIPANT_DETAILS, MEETING_PARTICIPANTS] {
        serde_json::from_slice::<serde_json::Value>(body).expect("JSON");
    }
}

#[tokio::test]
async fn list_session_participants_without_options() {
    let server = serve(SESSION_PARTICIPANTS).await;
    let client = client_for(&server);
    let page = client
        .sessions()
        .list_session_participants(ACCOUNT, APP, "standup 2024/02")
        .send()
        .await
        .expect("the docs example decodes");

    let request = only_request(
        &server,
        "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/app_id/sessions/standup%202024%2F02/participants",
    )
    .await;
    assert_eq!(request.url.query(), None, "no optional parameter, no query");
    assert!(!request.url.as_str().contains('?'));

    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.success, Some(true));
    let data = page.data.as_ref().expect("data");
    let paging = data.paging.as_ref().expect("paging, although undocumented");
    assert_eq!((paging.start_offset, paging.end_offset, paging.total_count), (1, 2, 123));
    let participants = data.participants.as_deref().expect("participants");
    assert_eq!(participants.len(), 2);
    support::assert_mark_and_henry(participants);

    let mark = &participants[0];
    assert_eq!(mark.id.as_deref(), Some("005f4e0c-4d08-4d4e-a391-a76be75cd296"));
    assert_eq!(mark.custom_participant_id.as_deref(), Some("83qi0i"));
    assert_eq!(mark.duration, Some(5.8097));
    assert_eq!(mark.created_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:51:08.039Z"));
    assert_eq!(mark.joined_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:51:08.030Z"));
    assert_eq!(mark.left_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:56:56.612Z"));
    assert_eq!(mark.updated_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:56:56.618Z"));
    assert_eq!(mark.preset_name.as_deref(), Some("webinar_participant"));
    assert_eq!(mark.user_id.as_deref(), Some("0a08343d-a9dc-45f0-9feb-6a64afcc4f81"));
    assert_eq!(mark.peer_events, None, "not asked for");

    let henry = &participants[1];
    assert_eq!(henry.duration, Some(6.9263));
    assert_eq!(henry.custom_participant_id.as_deref(), Some("3uggr"));
    assert_eq!(henry.user_id.as_deref(), Some("85e7f0fd-7c16-45e9-9d68-f17ef007c4eb"));
}

#[tokio::test]
async fn list_session_participants_with_every_option_and_peer_events() {
    let server = serve(SESSION_PARTICIPANTS_WITH_EVENTS).await;
    let client = client_for(&server);
    let page = client
        .sessions()
        .list_session_participants(ACCOUNT, APP, "9c8b7a65-4321-4fed-cba9-876543210fed")
        .include_peer_events(true)
        .page_no(2)
        .per_page(50)
        .search("Mark & Henry=1+1/é")
        .sort_by(ParticipantSortBy::JoinedAt)
        .sort_order(SortOrder::Desc)
        .view(ParticipantView::Consolidated)
        .send()
        .await
        .expect("the docs example decodes");

    let request = only_request(
        &server,
        "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/app_id/sessions/9c8b7a65-4321-4fed-cba9-876543210fed/participants",
    )
    .await;
    assert_eq!(
        request.url.query(),
        Some(
            "include_peer_events=true&page_no=2&per_page=50&search=Mark%20%26%20Henry%3D1%2B1%2F%C3%A9&sort_by=joinedAt&sort_order=DESC&view=consolidated"
        )
    );

    let data = page.data.as_ref().expect("data");
    let participants = data.participants.as_deref().expect("participants");
    support::assert_mark_and_henry(participants);
    support::assert_joining_then_leaving(participants);
    let first = &participants[0].peer_events.as_deref().expect("peer events")[0];
    assert_eq!(first.id.as_deref(), Some("94af3bac-f30b-40b9-ab45-4b9e6eff191a"));
    assert_eq!(first.peer_id.as_deref(), Some("79d87ca5-7e47-452a-b3c1-b6842ad84bf5"));
    assert_eq!(first.created_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:51:50.786Z"));
    assert_eq!(first.updated_at.as_ref().map(|t| t.as_str()), Some("2023-02-01T10:51:50.792Z"));
    assert_eq!(first.minutes_consumed, None);
    let henry_leaving = &participants[1].peer_events.as_deref().expect("peer events")[1];
    assert_eq!(henry_leaving.event_name, Some(PeerEventName::PeerLeaving));
    assert_eq!(henry_leaving.peer_id.as_deref(), Some("51fdf95f-d893-471a-922b-7db7adb14453"));
}

#[tokio::test]
async fn list_session_participants_query_subsets_keep_order() {
    let server = serve(SESSION_PARTICIPANTS).await;
    let client = client_for(&server);
    let list = || client.sessions().list_session_participants(ACCOUNT, APP, "s");
    let requests = [
        list().view(ParticipantView::Raw).per_page(10),
        list().sort_order(SortOrder::Asc).include_peer_events(false).sort_by(ParticipantSortBy::Duration).search(""),
        // A value the crate does not know is sent as given.
        list().sort_by(ParticipantSortBy::Unknown("leftAt".into())),
    ];
    for request in requests {
        request.send().await.expect("success");
    }
    assert_eq!(
        support::queries(&server).await,
        [
            Some("per_page=10&view=raw".to_owned()),
            Some("include_peer_events=false&search=&sort_by=duration&sort_order=ASC".to_owned()),
            Some("sort_by=leftAt".to_owned()),
        ]
    );
}

#[tokio::test]
async fn get_session_participant_with_filters_and_peer_events() {
    let server = serve(PARTICIPANT_DETAILS).await;
    let client = client_for(&server);
    let response = client
        .sessions()
        .get_session_participant(ACCOUNT, APP, "session 1", "participant/é")
        .filters([ParticipantFilter::DeviceInfo, ParticipantFilter::Events])
        .include_peer_events(true)
        .send()
        .await
        .expect("the docs example decodes");

    let request = only_request(
        &server,
        "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/app_id/sessions/session%201/participants/participant%2F%C3%A9",
    )
    .await;
    assert_eq!(request.url.query(), Some("filters=device_info,events&include_peer_events=true"));

    assert_eq!(response.status().as_u16(), 200);
    let body = response.into_inner();
    assert_eq!(body.success, Some(true));
    let participant = body.data.expect("data").participant.expect("participant");
    assert_eq!(participant.id.as_deref(), Some("id"));
    assert_eq!(participant.display_name.as_deref(), Some("display_name"));
    assert_eq!(participant.duration, Some(0.0));
    assert_eq!(participant.joined_at.as_ref().map(|t| t.as_str()), Some("joined_at"));
    assert_eq!(participant.left_at.as_ref().map(|t| t.as_str()), Some("left_at"));
    assert_eq!(participant.preset_name.as_deref(), Some("preset_name"));
    assert_eq!(participant.user_id.as_deref(), Some("user_id"));
    let events = participant.peer_events.expect("peer events");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.event_name, Some(PeerEventName::PeerCreated));
    assert_eq!(event.preset_view_type, Some(PresetViewType::GroupCall));
    assert_eq!(event.minutes_consumed, Some(0.0));
    assert_eq!(event.participant_id.as_deref(), Some("participant_id"));
    assert_eq!(event.peer_id.as_deref(), Some("peer_id"));
    assert_eq!(event.session_id.as_deref(), Some("session_id"));
    assert_eq!(event.socket_session_id.as_deref(), Some("socket_session_id"));
    assert_eq!(event.created_at.as_ref().map(|t| t.as_str()), Some("created_at"));
    assert_eq!(event.updated_at.as_ref().map(|t| t.as_str()), Some("updated_at"));
}

#[tokio::test]
async fn get_session_participant_filter_lists() {
    let server = serve(PARTICIPANT_DETAILS).await;
    let client = client_for(&server);
    let get = || client.sessions().get_session_participant(ACCOUNT, APP, "s", "p");
    let requests = [
        get(),
        get().filters([ParticipantFilter::QualityStats]),
        get().filters(ParticipantFilter::KNOWN.iter().cloned()).include_peer_events(false),
        get().filters([ParticipantFilter::IpInformation, ParticipantFilter::Unknown("a,b".into())]),
        get().filters(Vec::new()),
    ];
    for request in requests {
        request.send().await.expect("success");
    }
    assert_eq!(
        support::queries(&server).await,
        [
            None,
            Some("filters=quality_stats".to_owned()),
            Some(
                "filters=device_info,ip_information,precall_network_information,events,quality_stats&include_peer_events=false"
                    .to_owned()
            ),
            // A comma inside one value is escaped so it cannot split the list.
            Some("filters=ip_information,a%2Cb".to_owned()),
            // An empty list sends nothing.
            None,
        ]
    );
    let requests = server.received_requests().await.expect("recording");
    assert!(requests.iter().all(|r| r.url.path()
        == "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/app_id/sessions/s/participants/p"));
}

#[tokio::test]
async fn list_meeting_participants_with_paging_parameters() {
    let server = serve(MEETING_PARTICIPANTS).await;
    let client = client_for(&server);
    let response: Response<_> = client
        .meetings()
        .list_meeting_participants(ACCOUNT, APP, "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e")
        .page_no(3)
        .per_page(25)
        .send()
        .await
        .expect("the docs example decodes");

    let request = only_request(
        &server,
        "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/app_id/meetings/182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e/participants",
    )
    .await;
    assert_eq!(request.url.query(), Some("page_no=3&per_page=25"));

    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("cf-ray"), Some("8f1e2d3c4b5a6978-SJC"));
    assert_eq!(header("content-type"), Some("application/json"));
    // Deref reaches the body's fields.
    assert!(response.success);
    assert_eq!((response.paging.start_offset, response.paging.end_offset, response.paging.total_count), (1, 30, 30));
    let body = response.into_inner();
    assert_eq!(body.data.len(), 1);
    let participant = &body.data[0];
    assert_eq!(participant.id, "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e");
    assert_eq!(participant.created_at, "2019-12-27T18:11:19.117Z");
    assert_eq!(participant.updated_at, "2019-12-27T18:11:19.117Z");
    assert_eq!(participant.custom_participant_id, "custom_participant_id");
    assert_eq!(participant.preset_name, "preset_name");
    assert_eq!(participant.name.as_deref(), Some("name"));
    assert_eq!(participant.picture.as_deref(), Some("https://example.com"));
}

#[tokio::test]
async fn list_meeting_participants_without_options_has_no_query() {
    let server = serve(MEETING_PARTICIPANTS).await;
    // The base URL exactly as the server gives it (no prefix, no trailing slash)...
    let (client, _) = client(&server.uri());
    list_meetings(&client).send().await.expect("success");
    // ...and with a trailing slash, which must not double the `/`.
    let (client, _) = support::client(&format!("{}/", server.uri()));
    list_meetings(&client).page_no(0).send().await.expect("success");
    let requests = server.received_requests().await.expect("recording");
    let seen: Vec<_> = requests.iter().map(|r| (r.url.path().to_owned(), r.url.query().map(str::to_owned))).collect();
    let path = "/accounts/acc/realtime/kit/app/meetings/m/participants".to_owned();
    assert_eq!(seen, [(path.clone(), None), (path, Some("page_no=0".to_owned()))]);
}

#[tokio::test]
async fn client_from_env_reaches_the_configured_base_url() {
    let server = serve(MEETING_PARTICIPANTS).await;
    let base = format!("{}/client/v4", server.uri());
    let client = Client::from_env_with(|name| match name {
        "CLOUDFLARE_API_TOKEN" => Some(TOKEN.to_owned()),
        "CLOUDFLARE_BASE_URL" => Some(base.clone()),
        _ => None,
    })
    .expect("valid environment");
    assert_eq!(client.base_url(), base);
    let response = list_meetings(&client).send().await.expect("success");
    assert_eq!(response.data.len(), 1);
    only_request(&server, "/client/v4/accounts/acc/realtime/kit/app/meetings/m/participants").await;
}
