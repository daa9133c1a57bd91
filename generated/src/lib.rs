//! Async Rust client for the [Cloudflare RealtimeKit API](https://developers.cloudflare.com/realtime/realtimekit/).
//!
//! The operations and models are generated from the OpenAPI description; the runtime
//! (authentication, retries, timeouts, pagination and errors) is written by hand.
//!
//! # Quick start
//!
//! Set `CLOUDFLARE_API_TOKEN` (and optionally `CLOUDFLARE_BASE_URL`), then:
//!
//! ```no_run
//! # async fn run() -> Result<(), cloudflare_realtimekit::Error> {
//! let client = cloudflare_realtimekit::Client::from_env()?;
//! let page = client
//!     .sessions()
//!     .list_session_participants("account", "app", "session")
//!     .include_peer_events(true)
//!     .per_page(50)
//!     .send()
//!     .await?;
//! println!("HTTP {}", page.status());
//! # Ok(())
//! # }
//! ```
//!
//! # Errors, retries and timeouts
//!
//! Every call returns [`Error`] on failure; its helpers ([`Error::is_not_found`],
//! [`Error::is_rate_limited`], [`Error::code`], ...) cover the common decisions.
//! Connection failures, timeouts, HTTP 408, 429 and 5xx are retried twice by default
//! (see [`RetryPolicy`]); each attempt is bounded by [`ClientBuilder::timeout`].

#![warn(missing_docs)]

mod client;
mod enums;
mod error;
pub mod multipart;
mod paging;
mod request;
mod response;
mod retry;

#[rustfmt::skip]
pub mod models;
#[rustfmt::skip]
pub mod operations;

pub use client::{Client, ClientBuilder};
pub use enums::UnknownValue;
pub use error::{ApiError, DecodeError, Error, ErrorDetail, TimeoutError, TransportError, TransportKind};
pub use operations::DEFAULT_BASE_URL;
pub use paging::ItemStream;
pub use response::Response;
pub use retry::{Jitter, RetryPolicy};

/// The examples of the repository's README, compiled as doc tests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
