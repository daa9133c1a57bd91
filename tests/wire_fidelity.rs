//! End-to-end tests of what the generated types keep of what the server sends, against a local
//! wiremock server: counts written as integral floats, fractions rejected at their JSON path,
//! malformed timestamps kept byte for byte, and unknown properties (top-level and nested) that
//! survive a decode → serialize round trip.

use cloudflare_realtimekit::models::{MeetingParticipantsResponse, SessionParticipantsResponse};
use cloudflare_realtimekit::{Error, Timestamp};
use std::time::{Duration, SystemTime};
use tests::support::{client, decode_error, list_meetings, list_sessions};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every GET with `body` as JSON, and a client of it.
async fn serve(body: &str) -> (MockServer, cloudflare_realtimekit::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "application/json"))
        .mount(&server)
        .await;
    let client = client(&server.uri()).0;
    (server, client)
}

/// A page of meeting participants with `paging` as given and one participant whose timestamps
/// are `created_at` and `updated_at`.
fn meeting_page(paging: &str, created_at: &str, updated_at: &str) -> String {
    format!(
        r#"{{"success":true,"data":[{{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":{created_at},
        "custom_participant_id":"c","preset_name":"p","updated_at":{updated_at}}}],"paging":{paging}}}"#
    )
}

const VALID: &str = r#""2019-12-27T18:11:19.117Z""#;

#[tokio::test]
async fn counts_sent_as_integral_floats_decode_as_integers() {
    let body = meeting_page(r#"{"end_offset":30.0,"start_offset":1.0,"total_count":3e1}"#, VALID, VALID);
    let (_server, client) = serve(&body).await;
    let page = list_meetings(&client).send().await.expect("30.0 is a count");
    let paging = &page.paging;
    assert_eq!((paging.start_offset, paging.end_offset, paging.total_count), (1, 30, 30));
    // Written back as the integers they are.
    let written = serde_json::to_value(paging).expect("serializes");
    assert_eq!(written, serde_json::json!({"end_offset": 30, "start_offset": 1, "total_count": 30}));
}

#[tokio::test]
async fn a_fractional_count_is_a_decode_error_naming_its_json_path() {
    let body = meeting_page(r#"{"end_offset":30,"start_offset":1,"total_count":30.5}"#, VALID, VALID);
    let (_server, client) = serve(&body).await;
    let error = list_meetings(&client).send().await.expect_err("30.5 is not a count");
    let decode = decode_error(&error);
    assert_eq!(decode.json_path(), "paging.total_count");
    assert!(decode.to_string().contains("30.5"), "{decode}");

    let nested = r#"{"data":{"paging":{"end_offset":2,"start_offset":1.5,"total_count":2},"participants":[]}}"#;
    let (_server, client) = serve(nested).await;
    let error = list_sessions(&client).send().await.expect_err("1.5 is not an offset");
    assert_eq!(decode_error(&error).json_path(), "data.paging.start_offset");
}

#[tokio::test]
async fn a_count_out_of_range_is_a_decode_error_naming_its_json_path() {
    // `total_count` has `minimum: 0`, so it is a `u64`: a negative count is out of its range.
    let body = meeting_page(r#"{"end_offset":30,"start_offset":1,"total_count":-1}"#, VALID, VALID);
    let (_server, client) = serve(&body).await;
    let error = list_meetings(&client).send().await.expect_err("a negative count");
    assert_eq!(decode_error(&error).json_path(), "paging.total_count");
    let body = meeting_page(r#"{"end_offset":1e300,"start_offset":1,"total_count":1}"#, VALID, VALID);
    let (_server, client) = serve(&body).await;
    let error = list_meetings(&client).send().await.expect_err("beyond i64");
    assert!(matches!(error.error(), Error::Decode(_)));
    assert_eq!(decode_error(&error).json_path(), "paging.end_offset");
}

#[tokio::test]
async fn a_malformed_timestamp_does_not_fail_the_response_and_is_written_back_unchanged() {
    // The session example of the API reference has this very value in `joined_at`.
    let malformed = r#""2023-02-01T10:50:36.846Z\"""#;
    let body = meeting_page(r#"{"end_offset":1,"start_offset":1,"total_count":1}"#, malformed, VALID);
    let (_server, client) = serve(&body).await;
    let page = list_meetings(&client).send().await.expect("a malformed timestamp fails nothing");
    let participant = &page.data[0];
    assert!(!participant.created_at.is_valid());
    assert_eq!(participant.created_at.as_str(), "2023-02-01T10:50:36.846Z\"");
    assert_eq!(participant.created_at.unix_seconds(), None);
    let written = serde_json::to_string(participant).expect("serializes");
    assert!(written.contains(&format!(r#""created_at":{malformed}"#)), "{written}");

    let updated = &participant.updated_at;
    assert!(updated.is_valid());
    assert_eq!(updated.unix_millis(), Some(1_577_470_279_117));
    assert_eq!(updated.to_system_time(), Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_577_470_279_117)));
    assert_eq!(*updated, Timestamp::from(SystemTime::UNIX_EPOCH + Duration::from_millis(1_577_470_279_117)));
    // The whole page reads back as it was sent, byte for byte in the timestamps.
    let reread: MeetingParticipantsResponse =
        serde_json::from_str(&serde_json::to_string(&*page).expect("serializes")).expect("reads back");
    assert_eq!(reread, *page);
}

#[tokio::test]
async fn the_documented_malformed_joined_at_is_kept_and_every_other_timestamp_is_read() {
    let body = include_str!("data/session_participants.json");
    let (_server, client) = serve(body).await;
    let page = list_sessions(&client).send().await.expect("the documentation's example decodes");
    let participants = page.data.as_ref().and_then(|d| d.participants.as_deref()).expect("participants");
    let henry = &participants[1];
    let joined = henry.joined_at.as_ref().expect("joined_at");
    assert!(!joined.is_valid());
    assert_eq!(joined.as_str(), "2023-02-01T10:50:36.846Z\"");
    let left = henry.left_at.as_ref().expect("left_at");
    assert_eq!(left.unix_millis(), Some(1_675_249_052_424));
}

#[tokio::test]
async fn unknown_fields_survive_a_round_trip_at_every_level() {
    let sent = serde_json::json!({
        "success": true,
        "result_info": {"page": 1, "cursor": null},
        "data": {
            "paging": {"end_offset": 1, "start_offset": 1, "total_count": 1, "next_cursor": "abc"},
            "participants": [{
                "id": "a",
                "display_name": "Ann",
                "is_host": true,
                "meta": {"k": [1, 2.5, {"z": null}]},
                "peer_events": [{"id": "e", "event_name": "PEER_JOINING", "region": "eu", "tags": []}]
            }],
            "cursor": {"next": "abc"}
        }
    });
    let (_server, client) = serve(&sent.to_string()).await;
    let page = list_sessions(&client).send().await.expect("unknown fields are kept");
    let body: &SessionParticipantsResponse = &page;
    assert_eq!(body.unknown_fields.get("result_info"), Some(&serde_json::json!({"page": 1, "cursor": null})));
    let data = body.data.as_ref().expect("data");
    assert_eq!(data.unknown_fields.get("cursor"), Some(&serde_json::json!({"next": "abc"})));
    let paging = data.paging.as_ref().expect("paging");
    assert_eq!(paging.unknown_fields.get("next_cursor"), Some(&serde_json::json!("abc")));
    let participant = &data.participants.as_deref().expect("participants")[0];
    assert_eq!(participant.unknown_fields.get("is_host"), Some(&serde_json::json!(true)));
    assert_eq!(participant.unknown_fields.len(), 2);
    let event = &participant.peer_events.as_deref().expect("events")[0];
    assert_eq!(event.unknown_fields.get("tags"), Some(&serde_json::json!([])));
    assert_eq!(event.unknown_fields.get("id"), None, "known properties are fields, not unknown ones");

    let written = serde_json::to_value(body).expect("serializes");
    assert_eq!(written, sent, "decode then serialize gives back what was sent");
}
