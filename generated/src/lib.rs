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
//! [`Error::is_rate_limited`], [`Error::code`], ...) cover the common decisions. An operation
//! whose spec documents its error bodies returns an [`OperationError`] instead, whose
//! [`body()`](OperationError::body) is that body decoded (e.g. a [`models::ErrorResponse`]); it
//! dereferences to [`Error`] and `?` converts it into one.
//!
//! # Handles
//!
//! Group handles and request builders own a clone of the client (cheap: it is shared), so a
//! request can be spawned on a task of its own. `client.scope(account_id, app_id)` binds the ids
//! every operation takes first; list responses have `items()`, and every [`Response`] keeps the
//! bytes it was decoded from ([`Response::bytes`]).
//! Connection failures, timeouts, HTTP 408, 429 and 5xx are retried twice by default
//! (see [`RetryPolicy`]); a POST or PATCH only when it certainly did not reach the server or the
//! server asked for a retry. Each attempt is bounded by [`ClientBuilder::timeout`], and a
//! success body by [`ClientBuilder::max_body_size`] (32 MiB by default).
//!
//! # Beyond the spec
//!
//! Headers on every request ([`ClientBuilder::default_header`]), [`Hook`]s that observe or change
//! every request and answer without seeing the token ([`ClientBuilder::hook`]), and
//! [`Client::raw`](runtime::Client::raw) for an endpoint the spec does not describe, sent through
//! the same client. For tests of code that uses the client, [`Response::new`] and a `new` for each
//! error type ([`ApiError::new`], [`DecodeError::new`], [`TimeoutError::new`], ...) build what the
//! client returns. The HTTP types of the API ([`StatusCode`], [`HeaderMap`], [`Method`], ...)
//! and [`reqwest`] are re-exported.

#![warn(missing_docs)]

#[rustfmt::skip]
pub mod models;
#[rustfmt::skip]
pub mod operations;
#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;

use cloudflare_realtimekit_runtime as runtime;
// The runtime's interface for the emitted code, as `crate::request`, `crate::paging`,
// `crate::enums`, `crate::numbers`, `crate::object`, `crate::error_body`, `crate::auth` and
// `crate::config`.
#[cfg(feature = "mock")]
use runtime::mock as mock_support;
#[allow(unused_imports, reason = "a spec without operations, listings, enums or error bodies uses less of it")]
use runtime::{auth, config, enums, error_body, numbers, object, paging, request};

pub use operations::DEFAULT_BASE_URL;
pub use runtime::OperationError;
pub use runtime::multipart;
pub use runtime::{
    ApiError, ApiErrorDetail, BodyTooLargeError, DecodeError, Error, NotPagingError, NotPagingReason, TimeoutError,
    TransportError, TransportKind,
};
pub use runtime::{
    Hook, HookRequest, HookResponse, ItemStream, Jitter, RawRequest, Response, RetryPolicy, UnknownValue,
};
// The types of the models' timestamps, dates and unknown properties.
pub use runtime::{Date, FormatError, Timestamp, UnknownFields};
// The HTTP types of the public API and the HTTP client itself, at the runtime's versions.
pub use runtime::{Bytes, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Url, reqwest};

/// A client of the API.
///
/// Cheap to clone (the configuration and connection pool are shared). Every request carries
/// `Authorization: Bearer <token>`, is retried according to the [`RetryPolicy`] and each attempt
/// (connecting, waiting and reading the body) is bounded by the timeout. The operations are its
/// methods, by group (see [`operations`]); sending is the runtime's
/// ([`cloudflare_realtimekit_runtime::Client`], which it dereferences to).
#[derive(Clone, Debug)]
pub struct Client(runtime::Client);

/// Configures a [`Client`]; see each method for its default.
pub type ClientBuilder = runtime::ClientBuilder<Client>;

/// What the runtime is told about the API: the spec's part (base URL, security schemes, error
/// bodies: `operations::API`), and this crate's user agent and environment variables
/// (`CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_BASE_URL`).
const CONFIG: runtime::ClientConfig =
    operations::API.user_agent(concat!("cloudflare-realtimekit/", env!("CARGO_PKG_VERSION"))).env_prefix("CLOUDFLARE");

impl Client {
    /// A builder to configure a client, with [`DEFAULT_BASE_URL`] as its base URL.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::with_config(CONFIG)
    }

    /// A client configured from the process environment: `CLOUDFLARE_API_TOKEN` (required)
    /// and `CLOUDFLARE_BASE_URL` (optional).
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().build_from_env()
    }

    /// Like [`Client::from_env`], reading variables through `var` instead of the process environment.
    ///
    /// ```
    /// let client = cloudflare_realtimekit::Client::from_env_with(|name| match name {
    ///     "CLOUDFLARE_API_TOKEN" => Some("token".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(client.base_url(), cloudflare_realtimekit::DEFAULT_BASE_URL);
    /// # Ok::<(), cloudflare_realtimekit::Error>(())
    /// ```
    pub fn from_env_with(var: impl FnMut(&str) -> Option<String>) -> Result<Client, Error> {
        Client::builder().build_from_env_with(var)
    }
}

impl From<runtime::Client> for Client {
    fn from(client: runtime::Client) -> Self {
        Client(client)
    }
}

impl std::ops::Deref for Client {
    type Target = runtime::Client;

    fn deref(&self) -> &runtime::Client {
        &self.0
    }
}

/// The examples of the repository's README, compiled as doc tests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// The example of the crate's own README (the one crates.io shows), compiled the same way.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
