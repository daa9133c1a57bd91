//! Lists every participant of a meeting, page after page, with `.stream()`.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... cargo run -p cloudflare-realtimekit --example list_participants -- ACCOUNT_ID APP_ID MEETING_ID
//! ```
//!
//! `CLOUDFLARE_BASE_URL` points it at another server (a proxy, say). Without a token, with the
//! `mock` feature, it talks to a mock server that serves the spec's examples:
//! `cargo run -p cloudflare-realtimekit --example list_participants --features mock`.

use cloudflare_realtimekit::Client;
use futures_util::TryStreamExt;

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let [account, app, meeting] = ids(["account-id", "app-id", "meeting-id"]);
    let connection = common::connect(Client::builder()).await?;
    let client = connection.client;
    let mut participants = client.meetings().list_meeting_participants(account, app, meeting).per_page(100).stream();
    let mut count = 0;
    while let Some(participant) = participants.try_next().await? {
        count += 1;
        println!("{} {}", participant.id, participant.name.as_deref().unwrap_or("(no name)"));
    }
    println!("{count} participants");
    Ok(())
}

/// The identifiers given on the command line, or the defaults for those that are not.
fn ids<const N: usize>(defaults: [&str; N]) -> [String; N] {
    let mut args = std::env::args().skip(1);
    defaults.map(|default| args.next().unwrap_or_else(|| default.to_owned()))
}
