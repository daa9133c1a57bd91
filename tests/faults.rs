//! Fault injection against real local servers: every error body shape, malformed and tolerant
//! decoding of 2xx bodies, hostile path parameters and token redaction. Retries, connection
//! faults and timeouts are in `retries.rs`.

use cloudflare_realtimekit::models::{PeerEventName, PresetViewType};
use cloudflare_realtimekit::{Client, ClientBuilder, Error};
use tests::support::faults::{
    EMPTY_MEETING_PAGE, list, list_against, ms, ok_page, outcome, serve, serve_json, status, with_body,
};
use tests::support::{
    self, RawServer, Reply, TOKEN, client, client_with, decode_error, get_participant, json_200, list_meetings,
    list_sessions,
};

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
async fn unknown_fields_are_kept_everywhere() {
    let sessions = r#"{"success":true,"result_info":{"x":1},"errors":[],"data":{"cursor":"abc",
        "paging":{"end_offset":1,"start_offset":1,"total_count":1,"next":null},
        "participants":[{"id":"a","display_name":"Ann","is_host":true,"meta":{"k":[1,2,{"z":null}]},
        "peer_events":[{"id":"e","event_name":"PEER_JOINING","region":"eu","extra":[]}]}]}}"#;
    let meetings = r#"{"success":true,"messages":["hi"],"data":[{"id":"m1","created_at":"c",
        "custom_participant_id":"cp","preset_name":"p","updated_at":"u","role":{"a":1},"tags":[]}],
        "paging":{"end_offset":1,"start_offset":1,"total_count":1,"cursor":"z"},"extra":1.5e3}"#;
    let server = RawServer::start(move |n| json_200(if n == 0 { sessions } else { meetings })).await;
    let (client, _) = client(&server.uri());
    let page = list_sessions(&client).send().await.expect("extra fields are kept");
    let data = page.data.as_ref().expect("data");
    assert_eq!(data.paging.as_ref().map(|p| p.total_count), Some(1));
    assert_eq!(data.unknown_fields.get("cursor"), Some(&serde_json::json!("abc")));
    assert_eq!(page.unknown_fields.get("result_info"), Some(&serde_json::json!({"x": 1})));
    let participant = &data.participants.as_deref().expect("participants")[0];
    assert_eq!(participant.display_name.as_deref(), Some("Ann"));
    assert_eq!(participant.unknown_fields.get("meta"), Some(&serde_json::json!({"k": [1, 2, {"z": null}]})));
    let events = participant.peer_events.as_deref().expect("peer events");
    assert_eq!(events[0].event_name, Some(PeerEventName::PeerJoining));
    assert_eq!(events[0].unknown_fields.get("extra"), Some(&serde_json::json!([])));

    let page = list_meetings(&client).send().await.expect("extra fields are kept");
    assert_eq!(page.data[0].id, "m1");
    assert_eq!(page.data[0].name, None);
    assert_eq!(page.data[0].created_at.as_str(), "c");
    assert_eq!(page.paging.end_offset, 1);
    assert_eq!(page.paging.unknown_fields.get("cursor"), Some(&serde_json::json!("z")));
    assert_eq!(page.unknown_fields.get("extra"), Some(&serde_json::json!(1500.0)));
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
    let first = first.map(|item| item.map_err(Error::from));
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
    errors.push(too_many.map(|_| ()).expect_err("max_pages 0").into());
    let (c, _) = support::client(&timeout.uri());
    errors.push(
        c.sessions().list_session_participants("acc", "app", "").send().await.map(|_| ()).expect_err("empty id").into(),
    );
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
