//! Fetches one participant of a session with its peer events and selected sections.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... cargo run -p cloudflare-realtimekit --example get_participant -- ACCOUNT_ID APP_ID SESSION_ID PARTICIPANT_ID
//! ```
//!
//! `CLOUDFLARE_BASE_URL` points it at another server (a proxy, say). Without a token, with the
//! `mock` feature, it talks to a mock server that serves the spec's examples:
//! `cargo run -p cloudflare-realtimekit --example get_participant --features mock`.

use cloudflare_realtimekit::Client;
use cloudflare_realtimekit::models::ParticipantFilter;

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut next = |default: &str| args.next().unwrap_or_else(|| default.to_owned());
    let (account, app, session, participant) =
        (next("account-id"), next("app-id"), next("session-id"), next("participant-id"));
    let connection = common::connect(Client::builder()).await?;
    let client = connection.client;
    // The account and app, given once for every request of the scope.
    let scope = client.scope(account, app);
    let response = scope
        .sessions()
        .get_session_participant(session, participant)
        .include_peer_events(true)
        .filters([ParticipantFilter::DeviceInfo, ParticipantFilter::Events])
        .send()
        .await?;
    println!("HTTP {}", response.status());
    let Some(participant) = response.into_inner().data.and_then(|data| data.participant) else {
        println!("the answer holds no participant");
        return Ok(());
    };
    println!("{}", participant.display_name.as_deref().unwrap_or("(no name)"));
    for event in participant.peer_events.iter().flatten() {
        println!("  {} {:?}", event.created_at.as_ref().map_or("?", |t| t.as_str()), event.event_name);
    }
    Ok(())
}
