//! Tells apart the failures a caller handles differently: not found (with the error body the
//! spec documents, decoded), rate limited (after the client's own retries), timeouts, and the rest.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... cargo run -p cloudflare-realtimekit --example handle_errors -- ACCOUNT_ID APP_ID SESSION_ID PARTICIPANT_ID
//! ```
//!
//! `CLOUDFLARE_BASE_URL` points it at another server (a proxy, say). Without a token, with the
//! `mock` feature, it talks to a mock server that serves the spec's examples:
//! `cargo run -p cloudflare-realtimekit --example handle_errors --features mock`.

use std::time::Duration;

use cloudflare_realtimekit::models::ErrorResponse;
use cloudflare_realtimekit::{Client, Error};

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut next = |default: &str| args.next().unwrap_or_else(|| default.to_owned());
    let (account, app, session, participant) =
        (next("account-id"), next("app-id"), next("session-id"), next("no-such-participant"));
    let connection = common::connect(Client::builder().max_retries(1).timeout(Duration::from_secs(20))).await?;
    let client = connection.client;
    let outcome = client.sessions().get_session_participant(account, app, session, participant).send().await;
    match outcome {
        Ok(response) => println!("found (HTTP {})", response.status()),
        // The operation's error carries the body the spec documents for the status, decoded.
        Err(error) if error.is_not_found() => match error.body() {
            Some(ErrorResponse { error: detail, .. }) => println!("no such participant: {}", detail.message),
            None => println!("no such participant: {}", error.message().unwrap_or("(no message)")),
        },
        Err(error) if error.is_rate_limited() => match error.retry_after() {
            Some(wait) => println!("rate limited; the server asks to wait {wait:?}"),
            None => println!("rate limited; try again later"),
        },
        Err(error) if error.is_timeout() => println!("timed out: {error}"),
        Err(error) => match error.into_error() {
            Error::Api(api) => println!("HTTP {}: {}", api.status(), api),
            other => return Err(other.into()),
        },
    }
    Ok(())
}
