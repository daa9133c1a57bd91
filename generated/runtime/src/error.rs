//! The crate's single [`Error`] type, the API error and its parsing from every error body shape,
//! and the bounded excerpts every message uses; the client-side failures are in `failures`.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub use crate::failures::{
    BodyTooLargeError, DecodeError, NotPagingError, NotPagingReason, TimeoutError, TransportError, TransportKind,
};

/// How many bytes of a non-2xx response body are kept in an [`ApiError`].
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;
/// How many characters of a body are shown in a `Display` excerpt.
const EXCERPT_CHARS: usize = 200;
/// How many characters of any other text (a server's message, serde's description, a JSON
/// path, a reason) are kept for `Display`: whatever the server sends, a message stays short.
pub(crate) const TEXT_CHARS: usize = 300;
/// How many of the server's `(code, message)` pairs an [`ApiError`]'s `Display` lists.
const SHOWN_DETAILS: usize = 5;

/// Everything that can go wrong when calling the API.
///
/// Use the helpers ([`Error::status`], [`Error::is_not_found`], [`Error::is_retryable`], ...)
/// for common decisions, or match on the variant for details.
/// The `Display` output never contains the API token.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-2xx status.
    Api(Box<ApiError>),
    /// The server answered 2xx but the body did not have the expected shape.
    Decode(Box<DecodeError>),
    /// The connection could not be made, broke, or the body could not be read.
    Transport(TransportError),
    /// An attempt took longer than the configured timeout (connecting, waiting or reading the body).
    Timeout(TimeoutError),
    /// An argument was rejected before anything was sent.
    InvalidArgument {
        /// The parameter (or `body`, `header`, `url`) that was rejected.
        name: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The client could not be configured (missing token, bad base URL, environment variable).
    Config {
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A paginated listing fetched `max_pages` pages and the server still reported more.
    TooManyPages {
        /// The page-count guard that was reached (see `ClientBuilder::max_pages`).
        max_pages: u64,
    },
    /// The server answered 2xx with a body longer than the cap (see `ClientBuilder::max_body_size`);
    /// reading stopped at the cap.
    BodyTooLarge(BodyTooLargeError),
    /// A paginated listing got a page that repeats the previous one or makes no progress: the
    /// server is not paging, and the stream ends before yielding any item twice.
    NotPaging(NotPagingError),
}

impl Error {
    /// An [`Error::InvalidArgument`]: `name` was rejected before anything was sent.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::Error;
    ///
    /// let error = Error::invalid_argument("meeting_id", "must not be empty");
    /// assert_eq!(error.to_string(), "invalid argument `meeting_id`: must not be empty");
    /// ```
    pub fn invalid_argument(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidArgument { name: name.into(), reason: reason.into() }
    }

    /// An [`Error::Config`]: the client could not be configured.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::Error;
    ///
    /// let error = Error::config("no API token");
    /// assert!(matches!(&error, Error::Config { reason } if reason == "no API token"));
    /// ```
    pub fn config(reason: impl Into<String>) -> Self {
        Error::Config { reason: reason.into() }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The details of a non-2xx answer, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The first error code the server sent, if any.
    pub fn code(&self) -> Option<i64> {
        self.api_error().and_then(ApiError::code)
    }

    /// The first error message the server sent, if any.
    pub fn message(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::message)
    }

    /// Every `(code, message)` pair the server sent (empty for other errors).
    pub fn details(&self) -> &[ApiErrorDetail] {
        self.api_error().map_or(&[], ApiError::details)
    }

    /// `true` for an HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// `true` for an HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// `true` when an attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// `true` when sending the same request again may succeed: transport failures, timeouts,
    /// HTTP 408, 429 and 5xx, unless the server said otherwise with `x-should-retry`. A POST or
    /// PATCH is retried only when [`Error::is_safe_to_resend`] too (or when the request opts in).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
            Error::Api(e) => crate::retry::should_retry_status(e.status, &e.headers),
            _ => false,
        }
    }

    /// How long the server asked to wait (`retry-after-ms` or `Retry-After`), uncapped.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(ApiError::retry_after)
    }

    /// `true` when a request that is not idempotent (POST, PATCH) may be sent again after this
    /// failure: it certainly did not reach the server (the connection was never made), or the
    /// server asked for a retry (HTTP 429, `Retry-After`, `retry-after-ms` or `x-should-retry: true`).
    pub fn is_safe_to_resend(&self) -> bool {
        match self {
            Error::Transport(e) => e.kind == TransportKind::Connect,
            Error::Timeout(e) => e.connecting,
            Error::Api(e) => crate::retry::server_asked_to_retry(e.status, &e.headers),
            _ => false,
        }
    }

    /// The response headers, when the server answered with an error status.
    pub(crate) fn response_headers(&self) -> Option<&HeaderMap> {
        self.api_error().map(|e| &e.headers)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{}`: {}", capped(name, TEXT_CHARS), capped(reason, TEXT_CHARS))
            }
            Error::Config { reason } => write!(f, "client configuration error: {}", capped(reason, TEXT_CHARS)),
            Error::TooManyPages { max_pages } => write!(
                f,
                "pagination stopped after {max_pages} pages although the server reported more; \
                 raise ClientBuilder::max_pages or narrow the listing"
            ),
            Error::BodyTooLarge(e) => e.fmt(f),
            Error::NotPaging(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&*e.source),
            _ => None,
        }
    }
}

/// One `(code, message)` pair parsed from an API error body by the client's generic parsing
/// (whatever the body's shape); not a type of the spec, whose error models are in `models`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiErrorDetail {
    code: Option<i64>,
    message: String,
}

impl ApiErrorDetail {
    /// The numeric error code, when the server sent one.
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The human-readable message (may be empty when only a code was sent).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A non-2xx answer: status, headers, the (bounded) raw body and the parsed error details.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) body_truncated: bool,
    pub(crate) details: Vec<ApiErrorDetail>,
    /// Added to the message of a 401 or 403 (the API's `x-error-envelope` hint).
    pub(crate) auth_hint: Option<&'static str>,
}

impl ApiError {
    /// Builds the error from a response; `body` holds at most [`MAX_ERROR_BODY`] bytes.
    pub(crate) fn from_response(
        method: Method,
        path_template: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        body_truncated: bool,
    ) -> Self {
        let details = if body_truncated { Vec::new() } else { parse_error_details(&body) };
        ApiError { method, path_template, status, headers, body, body_truncated, details, auth_hint: None }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw response body, at most 64 KiB of it (see [`ApiError::body_truncated`]).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the body as one of the documented error types, e.g. a generated crate's
    /// `models::ErrorResponse`.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape (or was truncated).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// `true` when the body was longer than 64 KiB and only its start was kept.
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template of the operation, e.g. `/pets/{pet_id}/photos`.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Every `(code, message)` pair parsed from the body, in the order the server sent them.
    pub fn details(&self) -> &[ApiErrorDetail] {
        &self.details
    }

    /// The first error code, if any.
    pub fn code(&self) -> Option<i64> {
        self.details.iter().find_map(|d| d.code)
    }

    /// The first non-empty error message, if any.
    pub fn message(&self) -> Option<&str> {
        self.details.iter().map(|d| d.message.as_str()).find(|m| !m.is_empty())
    }

    /// How long the server asked to wait (`retry-after-ms` or `Retry-After`), uncapped.
    pub fn retry_after(&self) -> Option<Duration> {
        crate::retry::parse_retry_after(&self.headers, SystemTime::now())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} failed with HTTP {}", self.method, self.path_template, self.status)?;
        if self.details.is_empty() {
            let excerpt = excerpt(&self.body, 0);
            if excerpt.is_empty() {
                f.write_str(" (empty body)")?;
            } else {
                write!(f, ": {excerpt}")?;
            }
        } else {
            for (i, d) in self.details.iter().take(SHOWN_DETAILS).enumerate() {
                f.write_str(if i == 0 { ": " } else { "; " })?;
                let message = capped(&d.message, TEXT_CHARS);
                match d.code {
                    Some(code) if d.message.is_empty() => write!(f, "code {code}")?,
                    Some(code) => write!(f, "{message} (code {code})")?,
                    None => f.write_str(&message)?,
                }
            }
            if let Some(more) = self.details.len().checked_sub(SHOWN_DETAILS).filter(|n| *n > 0) {
                write!(f, "; and {more} more")?;
            }
        }
        match self.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                let hint =
                    self.auth_hint.unwrap_or("check that the client's credentials are valid and allowed to do this");
                write!(f, " — {hint}")
            }
            StatusCode::TOO_MANY_REQUESTS => match self.retry_after() {
                Some(d) => write!(f, " — rate limited, retry after {} s", d.as_secs_f64().ceil()),
                None => f.write_str(" — rate limited, retry later"),
            },
            _ => Ok(()),
        }
    }
}

/// Parses the error shapes common to APIs into `(code, message)` pairs: `{"error":{"code","message"}}`
/// (or `{"error":".."}`), a bare `{"message":".."}` (with a `code` beside it), and RFC 7807
/// problem details `{"title","detail","status"}`. Anything else (HTML, plain text, truncated
/// JSON) yields no details; the body is then shown as an excerpt. An API's own list of errors
/// is read by [`ApiError::with_envelope`].
pub(crate) fn parse_error_details(body: &[u8]) -> Vec<ApiErrorDetail> {
    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut details = Vec::new();
    if let Some(error) = root.get("error") {
        details.extend(detail_from(error));
    }
    if let Some(Value::String(message)) = root.get("message")
        && !message.is_empty()
        && !details.iter().any(|d| &d.message == message)
    {
        let code = root.get("code").and_then(parse_code);
        details.push(ApiErrorDetail { code, message: message.clone() });
    }
    // RFC 7807: `detail` says what happened this time, `title` what kind of problem it is.
    if details.is_empty()
        && let Some(Value::String(message)) =
            root.get("detail").filter(|d| d.as_str().is_some_and(|d| !d.is_empty())).or_else(|| root.get("title"))
        && !message.is_empty()
    {
        let code = root.get("status").and_then(parse_code);
        details.push(ApiErrorDetail { code, message: message.clone() });
    }
    details
}

/// One detail from `{"code":..,"message":..}` or a bare string.
pub(crate) fn detail_from(value: &Value) -> Option<ApiErrorDetail> {
    match value {
        Value::String(message) if !message.is_empty() => Some(ApiErrorDetail { code: None, message: message.clone() }),
        Value::Object(obj) => {
            let code = obj.get("code").and_then(parse_code);
            let message = match obj.get("message") {
                Some(Value::String(m)) => m.clone(),
                _ => String::new(),
            };
            (code.is_some() || !message.is_empty()).then_some(ApiErrorDetail { code, message })
        }
        _ => None,
    }
}

/// An error code as i64: an integer, an integral float (`404.0`), or a numeric string.
fn parse_code(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64().filter(|f| f.fract() == 0.0 && *f >= -(2f64.powi(63)) && *f < 2f64.powi(63)).map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `text` cut to at most `max_chars` characters, the cut marked with `…`.
pub(crate) fn capped(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// A single-line excerpt of at most [`EXCERPT_CHARS`] characters starting a little before
/// byte `around`; whitespace runs are collapsed and cuts are marked with `…`.
pub(crate) fn excerpt(body: &[u8], around: usize) -> String {
    let start = around.saturating_sub(EXCERPT_CHARS / 2).min(body.len());
    // Look at a bounded window only; a partial UTF-8 sequence at either end becomes U+FFFD
    // and is dropped, so the excerpt always ends on a character boundary.
    let end = start.saturating_add(EXCERPT_CHARS * 4).min(body.len());
    let text: Cow<'_, str> = String::from_utf8_lossy(&body[start..end]);
    let text = text.trim_matches('\u{FFFD}');
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut chars = 0;
    let mut pending_space = false;
    let mut cut = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty() && !out.ends_with('…');
            continue;
        }
        if chars >= EXCERPT_CHARS {
            cut = true;
            break;
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        out.push(c);
        chars += 1;
    }
    if cut || end < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
