//! The handwritten runtime of the client crates that `cargo xtask codegen` generates from
//! OpenAPI documents: configuration and authentication, sending requests with retries and
//! timeouts, pagination, errors, open enums. It names no API: each generated crate describes its
//! own (base URL, user agent, environment variables, security schemes, error bodies) in a
//! [`ClientConfig`].
//!
//! A generated crate re-exports what its users need from here and wraps [`Client`] in its own
//! client type, on which the operations are methods. The modules `request`, `paging`, `enums`,
//! `numbers`, `object`, `auth` and `config` are the interface of the emitted code and hidden from the documentation; they are not meant to
//! be called by hand.
//!
//! In a crate of its own so that it is compiled once, with the other dependencies, and not again
//! with every change of the generated code.

#![warn(missing_docs)]

pub mod auth;
mod builder;
mod client;
pub mod config;
mod constructors;
mod datetime;
#[doc(hidden)]
pub mod enums;
mod error;
mod failures;
mod form;
mod hooks;
mod json_path;
#[cfg(feature = "mock")]
pub mod mock;
pub mod multipart;
#[doc(hidden)]
pub mod numbers;
#[doc(hidden)]
pub mod object;
mod operation_error;
#[doc(hidden)]
pub mod paging;
mod path;
mod query;
mod raw;
#[doc(hidden)]
pub mod request;
mod response;
mod retry;

pub use builder::ClientBuilder;
pub use client::Client;
pub use config::{ClientConfig, ErrorEnvelope};
pub use datetime::{Date, FormatError, Timestamp};
pub use enums::UnknownValue;
pub use error::{
    ApiError, ApiErrorDetail, BodyTooLargeError, DecodeError, Error, NotPagingError, NotPagingReason, TimeoutError,
    TransportError, TransportKind,
};
pub use hooks::{Hook, HookRequest, HookResponse};
pub use object::UnknownFields;
pub use operation_error::OperationError;
#[doc(hidden)]
pub use operation_error::glue as error_body;
pub use paging::ItemStream;
pub use raw::RawRequest;
pub use response::Response;
pub use retry::{Jitter, RetryPolicy};

/// The bytes of a binary body ([`Response<Bytes>`](Response)).
pub use bytes::Bytes;
/// The HTTP client under the runtime, for [`ClientBuilder::http_client`]: the same version as the
/// runtime's, so no dependency of one's own has to match it.
pub use reqwest;
/// The HTTP types of the public API, re-exported from [`reqwest`] (which re-exports `http`'s).
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Method, StatusCode, Url};

/// The base URL of the tests' clients, as a generated crate's would be.
#[cfg(test)]
const DEFAULT_BASE_URL: &str = "https://api.example.com/v4";
