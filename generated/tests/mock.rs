//! The mock server of the `mock` feature, against the client it serves: typed matching of path
//! and query parameters, typed answers, the spec's examples, errors, headers and delays, the
//! report of unmatched requests, and `expect(n)`.

use std::time::Duration;

use cloudflare_realtimekit::mock::MockServer;
use cloudflare_realtimekit::models::{
    ErrorResponse, ParticipantFilter, SessionParticipant, SessionParticipantResponse, SessionParticipantResponseData,
};
use cloudflare_realtimekit::{Client, Error};

/// The panic message of a future that is expected to panic.
async fn panic_message(future: impl std::future::Future<Output = ()> + Send + 'static) -> String {
    let payload = tokio::spawn(future).await.expect_err("the future panics").into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

fn participant(name: &str) -> SessionParticipantResponse {
    SessionParticipantResponse {
        success: Some(true),
        data: Some(SessionParticipantResponseData {
            participant: Some(SessionParticipant { display_name: Some(name.to_owned()), ..Default::default() }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_typed_expectation_matches_its_parameters_and_answers_with_a_model_value() {
    let mock = MockServer::start().await;
    mock.sessions()
        .get_session_participant()
        .account_id("acc")
        .session_id("a b/c")
        .participant_id("p-1")
        .filters([ParticipantFilter::DeviceInfo, ParticipantFilter::Events])
        .include_peer_events(true)
        .respond_with(participant("Ada"))
        .respond_header("cf-ray", "8f1e")
        .expect(1)
        .mount()
        .await;
    let client = mock.client();
    let answer = client
        .sessions()
        .get_session_participant("acc", "any-app", "a b/c", "p-1")
        .filters([ParticipantFilter::DeviceInfo, ParticipantFilter::Events])
        .include_peer_events(true)
        .send()
        .await
        .expect("the expectation answers");
    assert_eq!(*answer, participant("Ada"));
    assert_eq!(answer.headers()["cf-ray"], "8f1e");
    mock.verify().await;
}

#[tokio::test]
async fn with_no_answer_given_the_spec_example_is_served() {
    let mock = MockServer::start().await;
    mock.sessions().get_session_participant().mount().await;
    mock.meetings().list_meeting_participants().mount().await;
    // Pointed at the server by hand, as users of `Client::builder()` do.
    let client = Client::builder().api_token("t").base_url(mock.uri()).build().expect("a client");
    let answer = client.sessions().get_session_participant("a", "b", "c", "d").send().await.expect("the example");
    let participant = answer.data.as_ref().and_then(|data| data.participant.as_ref()).expect("a participant");
    assert_eq!(participant.display_name.as_deref(), Some("display_name"));
    let page = client.meetings().list_meeting_participants("a", "b", "m").send().await.expect("the example");
    assert!(page.success);
    mock.verify().await;
}

#[tokio::test]
async fn errors_and_delays_are_answered_as_asked() {
    let mock = MockServer::start().await;
    let body = serde_json::json!({ "success": false, "errors": [{ "code": 404, "message": "Meeting not found" }] });
    mock.meetings().list_meeting_participants().meeting_id("gone").respond_error(404, body).mount().await;
    mock.meetings().list_meeting_participants().meeting_id("slow").respond_delay(Duration::from_secs(5)).mount().await;
    // The shape the spec documents for errors, which the client decodes into its model.
    let documented = serde_json::json!({ "success": false, "error": { "code": 403, "message": "Forbidden" } });
    mock.meetings().list_meeting_participants().meeting_id("secret").respond_error(403, documented).mount().await;
    // The same, typed.
    let typed: ErrorResponse =
        serde_json::from_value(serde_json::json!({ "success": false, "error": { "code": 500, "message": "Broken" } }))
            .expect("an error body");
    mock.meetings()
        .list_meeting_participants()
        .meeting_id("broken")
        .respond_error_with(500, typed.clone())
        .mount()
        .await;
    let client = mock.client();
    let error = client.meetings().list_meeting_participants("a", "b", "gone").send().await.expect_err("a 404");
    assert!(error.is_not_found(), "{error}");
    assert_eq!(error.message(), Some("Meeting not found"));
    assert_eq!(error.body(), None, "a shape the spec does not document has no typed body");
    let error = client.meetings().list_meeting_participants("a", "b", "secret").send().await.expect_err("a 403");
    let body = error.body().expect("the documented error body");
    assert_eq!((body.success, body.error.message.as_str()), (false, "Forbidden"));
    let error =
        client.meetings().list_meeting_participants("a", "b", "broken").max_retries(0).send().await.expect_err("a 500");
    assert_eq!(error.body(), Some(&typed));
    let slow = client
        .meetings()
        .list_meeting_participants("a", "b", "slow")
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .send()
        .await;
    assert!(matches!(slow.map_err(Error::from), Err(Error::Timeout(_))));
}

#[tokio::test]
async fn query_parameters_match_exactly_as_the_client_writes_them() {
    let mock = MockServer::start().await;
    mock.sessions()
        .get_session_participant()
        .filters([ParticipantFilter::DeviceInfo, ParticipantFilter::Events])
        .respond_with(participant("both"))
        .mount()
        .await;
    let client = mock.client();
    let sent = |filters: Vec<ParticipantFilter>| {
        client.sessions().get_session_participant("a", "b", "c", "d").filters(filters).send()
    };
    let both = sent(vec![ParticipantFilter::DeviceInfo, ParticipantFilter::Events]).await.expect("a match");
    assert_eq!(*both, participant("both"));
    // Another order is another query string (`filters=events,device_info`): no match.
    let reordered = sent(vec![ParticipantFilter::Events, ParticipantFilter::DeviceInfo]).await.expect_err("no match");
    assert_eq!(reordered.status().map(|s| s.as_u16()), Some(404));
    let unmatched = mock.take_unmatched();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(unmatched[0].contains("filters = \"events,device_info\""), "{unmatched:?}");
    // Taken, so neither `verify()` nor dropping the server reports it.
    assert!(mock.unmatched().is_empty());
    mock.verify().await;
}

#[tokio::test]
async fn an_unmatched_request_fails_the_test_naming_the_operation_and_its_parameters() {
    let message = panic_message(async {
        let mock = MockServer::start().await;
        mock.sessions().get_session_participant().participant_id("p-1").mount().await;
        let client = mock.client();
        let error = client
            .sessions()
            .get_session_participant("acc", "app", "s/1", "p-2")
            .include_peer_events(true)
            .send()
            .await
            .expect_err("nothing matches");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let _ = client.raw(cloudflare_realtimekit::Method::GET, "/nowhere").send::<serde_json::Value>().await;
        mock.verify().await;
    })
    .await;
    assert!(message.contains("2 request(s) that matched no expectation"), "{message}");
    assert!(
        message.contains(
            "operation sessions.get_session_participant (GET /accounts/{account_id}/realtime/kit/{app_id}/sessions/{session_id}/participants/{participant_id}): \
             path account_id = \"acc\", app_id = \"app\", session_id = \"s/1\", participant_id = \"p-2\"; query include_peer_events = \"true\""
        ),
        "{message}"
    );
    assert!(message.contains("no operation of the spec: GET /nowhere; query -"), "{message}");
}

#[tokio::test]
async fn dropping_the_server_reports_unmatched_requests_too() {
    let message = panic_message(async {
        let mock = MockServer::start().await;
        let _ = mock.client().meetings().list_meeting_participants("a", "b", "m").send().await;
    })
    .await;
    assert!(message.contains("operation meetings.list_meeting_participants"), "{message}");
}

#[tokio::test]
async fn an_expectation_called_fewer_times_than_expected_fails_verify() {
    let message = panic_message(async {
        let mock = MockServer::start().await;
        mock.meetings().list_meeting_participants().expect(2).mount().await;
        mock.client().meetings().list_meeting_participants("a", "b", "m").send().await.expect("the example");
        mock.verify().await;
    })
    .await;
    assert!(message.contains("operation meetings.list_meeting_participants"), "{message}");
    assert!(message.contains("Expected range of matching incoming requests: == 2"), "{message}");
}

#[tokio::test]
async fn an_expectation_the_client_could_not_send_fails_when_mounted() {
    let message = panic_message(async {
        let mock = MockServer::start().await;
        mock.sessions().get_session_participant().participant_id("").mount().await;
    })
    .await;
    assert!(message.contains("operation sessions.get_session_participant"), "{message}");
    assert!(message.contains("participant_id"), "{message}");
}
