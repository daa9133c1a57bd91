{{header}}
{{docs}}
//!
//! The operations and models are generated from the OpenAPI description; the runtime
//! (authentication, retries, timeouts, pagination and errors) is the crate `{{runtime}}`.
//!
//! # Quick start
//!
//! {{env_docs}}
//!
//! ```no_run
//! # async fn run() -> Result<(), {{crate}}::Error> {
//! let client = {{crate}}::Client::from_env()?;
//! println!("sending to {}", client.base_url());
//! # Ok(())
//! # }
//! ```
//!
//! Or configure the client in code:
//!
//! ```
//! let client = {{crate}}::Client::builder(){{setters}}.base_url("http://localhost:8080").build()?;
//! assert_eq!(client.base_url(), "http://localhost:8080");
//! # Ok::<(), {{crate}}::Error>(())
//! ```
//!
//! # Authentication
//!
{{auth_docs}}
//!
//! # Errors, retries and timeouts
//!
//! Every call returns [`Error`] on failure; its helpers ([`Error::is_not_found`],
//! [`Error::is_rate_limited`], [`Error::code`], ...) cover the common decisions. Connection
//! failures, timeouts, HTTP 408, 429 and 5xx are retried twice by default (see [`RetryPolicy`]);
//! a POST or PATCH only when it certainly did not reach the server or the server asked for a
//! retry. Each attempt is bounded by [`ClientBuilder::timeout`], and a success body by
//! [`ClientBuilder::max_body_size`] (32 MiB by default).

#![warn(missing_docs)]

#[rustfmt::skip]
pub mod models;
#[rustfmt::skip]
pub mod operations;
#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;

use {{runtime}} as runtime;
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
/// Cheap to clone (the configuration and connection pool are shared). Every request carries the
/// credentials its operation asks for, is retried according to the [`RetryPolicy`] and each
/// attempt (connecting, waiting and reading the body) is bounded by the timeout. The operations
/// are its methods, by group (see [`operations`]); sending is the runtime's
/// ([`{{runtime}}::Client`], which it dereferences to).
#[derive(Clone, Debug)]
pub struct Client(runtime::Client);

/// Configures a [`Client`]; see each method for its default.
pub type ClientBuilder = runtime::ClientBuilder<Client>;

/// What the runtime is told about the API: the spec's part (base URL, security schemes, error
/// bodies: `operations::API`), and this crate's user agent and environment variables.
const CONFIG: runtime::ClientConfig = operations::API.user_agent({{user_agent}}).env_prefix({{env_prefix}});

impl Client {
    /// A builder to configure a client, with [`DEFAULT_BASE_URL`] as its base URL.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::with_config(CONFIG)
    }

    /// A client configured from the process environment (see the crate's documentation for
    /// the variables).
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().build_from_env()
    }

    /// Like [`Client::from_env`], reading variables through `var` instead of the process environment.
    ///
    /// ```
    /// let client = {{crate}}::Client::from_env_with(|name| match name {
{{env_example}}    ///     _ => None,
    /// })?;
    /// assert_eq!(client.base_url(), "http://localhost:8080");
    /// # Ok::<(), {{crate}}::Error>(())
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
