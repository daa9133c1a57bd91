//! The client-side failures, each a detail type of [`Error`](crate::Error): a 2xx body that does
//! not decode, a request that never got an answer (transport, timeout), a body over the cap, and
//! a listing whose server does not page.

use std::fmt;
use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::error::{TEXT_CHARS, capped, excerpt};
use crate::json_path::{byte_offset, json_path};

/// A 2xx answer whose body did not decode into the expected type.
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) json_path: String,
    pub(crate) message: String,
    pub(crate) excerpt: String,
}

impl DecodeError {
    /// Builds the error from serde_json's failure to decode `json` (the body, or `null` for an
    /// empty body): the JSON path of the failing spot, found from the error's line and column,
    /// and a short excerpt of `body` around it.
    pub(crate) fn from_failure(
        method: Method,
        path_template: &'static str,
        status: StatusCode,
        body: &[u8],
        json: &[u8],
        error: &serde_json::Error,
    ) -> Self {
        // `json` is `body` unless the body is blank, whose excerpt is empty wherever it starts.
        let offset = byte_offset(json, error.line(), error.column());
        DecodeError {
            method,
            path_template,
            status,
            json_path: capped(&json_path(json, offset), TEXT_CHARS).into_owned(),
            message: capped(&error.to_string(), TEXT_CHARS).into_owned(),
            excerpt: excerpt(body, offset),
        }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The JSON path of the field that failed, e.g. `data.participants[3].joined_at` (`.` for the
    /// root); a path longer than 300 characters is cut, the cut marked with `…`.
    pub fn json_path(&self) -> &str {
        &self.json_path
    }

    /// serde's description of the failure (at most 300 characters, a cut marked with `…`: it may
    /// quote the value that did not fit).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A short excerpt of the body around the failing spot.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template of the operation.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} returned HTTP {} with a body that does not match the expected shape at `{}`: {}",
            self.method, self.path_template, self.status, self.json_path, self.message
        )?;
        if !self.excerpt.is_empty() {
            write!(f, " (body excerpt: {})", self.excerpt)?;
        }
        Ok(())
    }
}

/// Which step of an attempt failed at the transport level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be established (refused, DNS, TLS).
    Connect,
    /// The connection broke while sending the request or waiting for the response head.
    Request,
    /// The connection broke while reading the response body.
    Body,
    /// The server's answer is not valid HTTP (e.g. a malformed status line or header).
    Protocol,
}

/// A connection-level failure.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) kind: TransportKind,
    /// The HTTP client's error (its URL removed), or what a test gave [`TransportError::new`].
    pub(crate) source: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl TransportError {
    /// Which step failed.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template of the operation.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Connect => "could not connect",
            TransportKind::Request => "connection failed",
            TransportKind::Body => "connection failed while reading the response body",
            TransportKind::Protocol => "the server's answer is not valid HTTP",
        };
        let source = self.source.to_string();
        write!(f, "{} {}: {what}: {}", self.method, self.path_template, capped(&source, TEXT_CHARS))?;
        // The innermost cause (e.g. "Connection refused (os error 111)") is the actionable part.
        let source: &(dyn std::error::Error + 'static) = &*self.source;
        let mut cause = source;
        while let Some(next) = cause.source() {
            cause = next;
        }
        if !std::ptr::addr_eq(cause, source) {
            write!(f, ": {}", capped(&cause.to_string(), TEXT_CHARS))?;
        }
        Ok(())
    }
}

/// An attempt that did not complete within its timeout.
#[derive(Debug)]
pub struct TimeoutError {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) timeout: Option<Duration>,
    /// `true` when the connection was still being made: the request never reached the server.
    pub(crate) connecting: bool,
}

impl TimeoutError {
    /// The per-attempt timeout that elapsed (`None` when the connect timeout fired inside the HTTP client).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template of the operation.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} timed out", self.method, self.path_template)?;
        if let Some(t) = self.timeout {
            // Duration's Debug is exact ("150ms", "1.5s", "60s"); `{:.1} s` showed 150 ms as "0.1 s".
            write!(f, " after {t:?}")?;
        }
        f.write_str(" (raise ClientBuilder::timeout or the request's timeout if the call is expected to be slow)")
    }
}

/// A 2xx answer whose body is longer than the cap; reading stopped at the cap.
#[derive(Debug)]
pub struct BodyTooLargeError {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) limit: usize,
    pub(crate) content_length: Option<u64>,
}

impl BodyTooLargeError {
    /// The cap that was exceeded, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The length the server announced (`Content-Length`), when it did.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template of the operation.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }
}

impl fmt::Display for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} returned HTTP {} with a body ", self.method, self.path_template, self.status)?;
        match self.content_length {
            Some(length) => write!(f, "of {length} bytes, more than the cap of {} bytes", self.limit)?,
            None => write!(f, "longer than the cap of {} bytes (reading stopped there)", self.limit)?,
        }
        f.write_str("; raise ClientBuilder::max_body_size or the request's max_body_size if such answers are expected")
    }
}

/// Why a listing's page shows that the server is not paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotPagingReason {
    /// The page's body is byte for byte the previous page's: the server ignores the page number.
    Repeated,
    /// The page's `end_offset` does not go past the previous page's.
    NoProgress {
        /// The previous page's `end_offset`.
        previous_end: u64,
        /// This page's `end_offset`.
        end: u64,
    },
}

/// A listing's page that repeats the previous one or makes no progress.
#[derive(Debug)]
pub struct NotPagingError {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) page: u64,
    pub(crate) reason: NotPagingReason,
}

impl NotPagingError {
    /// The page number whose answer showed it (the previous page's items were yielded).
    pub fn page(&self) -> u64 {
        self.page
    }

    /// What the page showed.
    pub fn reason(&self) -> NotPagingReason {
        self.reason
    }

    /// The HTTP method of the listing.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template of the listing.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }
}

impl fmt::Display for NotPagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: the server is not paging: page {} ", self.method, self.path_template, self.page)?;
        match self.reason {
            NotPagingReason::Repeated => f.write_str("is identical to the page before (the page number is ignored)")?,
            NotPagingReason::NoProgress { previous_end, end } => {
                write!(f, "ends at offset {end}, not past the page before's {previous_end}")?
            }
        }
        f.write_str("; the listing stopped so as not to yield the same items twice")
    }
}
