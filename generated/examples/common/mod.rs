//! How the examples get their client: from the environment (`CLOUDFLARE_API_TOKEN`, and
//! `CLOUDFLARE_BASE_URL` if set) when a token is set; otherwise, with the `mock` feature, from a
//! mock server on 127.0.0.1 that serves the spec's example of every operation.

use cloudflare_realtimekit::{Client, ClientBuilder, Error};

/// The client, and the mock server it talks to when there is one (running while it is kept).
pub struct Connection {
    pub client: Client,
    #[cfg(feature = "mock")]
    _mock: Option<cloudflare_realtimekit::mock::MockServer>,
}

/// Connects `builder` to the real API when `CLOUDFLARE_API_TOKEN` is set, else (with the `mock`
/// feature) to a mock server.
pub async fn connect(builder: ClientBuilder) -> Result<Connection, Error> {
    #[cfg(feature = "mock")]
    if std::env::var_os("CLOUDFLARE_API_TOKEN").is_none() {
        let mock = mock_server().await;
        eprintln!("CLOUDFLARE_API_TOKEN is not set: using a mock server at {} (the spec's examples)", mock.uri());
        let client = builder.api_token("mock-token").base_url(mock.uri()).build()?;
        return Ok(Connection { client, _mock: Some(mock) });
    }
    Ok(Connection {
        client: builder.build_from_env()?,
        #[cfg(feature = "mock")]
        _mock: None,
    })
}

/// A mock server answering every operation with the spec's example, except the participant
/// `no-such-participant`, which is not found.
#[cfg(feature = "mock")]
async fn mock_server() -> cloudflare_realtimekit::mock::MockServer {
    let mock = cloudflare_realtimekit::mock::MockServer::start().await;
    let not_found = serde_json::json!({
        "success": false,
        "errors": [{ "code": 404, "message": "Participant not found" }],
    });
    // Mounted first, so that it wins over the catch-all expectation of the same operation.
    mock.sessions()
        .get_session_participant()
        .participant_id("no-such-participant")
        .respond_error(404, not_found)
        .mount()
        .await;
    mock.sessions().get_session_participant().mount().await;
    mock.sessions().list_session_participants().mount().await;
    mock.meetings().list_meeting_participants().mount().await;
    mock
}
