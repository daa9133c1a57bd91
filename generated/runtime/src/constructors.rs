//! Public constructors of every error kind, so that code that handles a client's errors can be
//! unit-tested without a server. The client itself builds its errors with the crate-private
//! constructors next to each type; these give the same values, with the request they belong to
//! set by `with_request` (a `GET /` unless set).

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::Error;
use crate::error::{
    ApiError, BodyTooLargeError, DecodeError, MAX_ERROR_BODY, NotPagingError, NotPagingReason, TimeoutError,
    TransportError, TransportKind,
};

/// The path template of an error built by hand, until `with_request` sets one.
const UNSET_TEMPLATE: &str = "/";

impl ApiError {
    /// A non-2xx answer with this status and body (no headers), as the client would return it:
    /// the error details are parsed from the body, which is kept up to 64 KiB like a real one.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{ApiError, Error, Method, StatusCode};
    ///
    /// let error: Error = ApiError::new(StatusCode::NOT_FOUND, r#"{"error":{"code":404,"message":"Meeting not found"}}"#)
    ///     .with_request(Method::GET, "/accounts/{account_id}/apps/{app_id}/meetings/{meeting_id}")
    ///     .into();
    /// assert!(error.is_not_found());
    /// assert_eq!(error.message(), Some("Meeting not found"));
    /// assert_eq!(error.code(), Some(404));
    /// ```
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        let mut body = body.into();
        let truncated = body.len() > MAX_ERROR_BODY;
        body.truncate(MAX_ERROR_BODY);
        ApiError::from_response(Method::GET, UNSET_TEMPLATE, status, HeaderMap::new(), body, truncated)
    }

    /// The same error with these response headers (e.g. `Retry-After`, `x-should-retry`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use cloudflare_realtimekit_runtime::{ApiError, Error, HeaderMap, HeaderValue, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", HeaderValue::from_static("7"));
    /// let error: Error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "").with_headers(headers).into();
    /// assert!(error.is_rate_limited() && error.is_retryable());
    /// assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    /// ```
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// The same error for a request with this method and OpenAPI path template.
    pub fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        (self.method, self.path_template) = (method, path_template);
        self
    }
}

impl DecodeError {
    /// A 2xx answer whose `body` did not decode, from serde_json's `error` decoding it: the
    /// JSON path and excerpt are found as the client finds them.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{DecodeError, Error, StatusCode};
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Meeting { #[allow(dead_code)] id: String }
    ///
    /// let body = br#"{"id": 42}"#;
    /// let failure = serde_json::from_slice::<Meeting>(body).unwrap_err();
    /// let error: Error = DecodeError::new(StatusCode::OK, body, &failure).into();
    /// match &error {
    ///     Error::Decode(decode) => assert_eq!(decode.json_path(), "id"),
    ///     other => panic!("{other}"),
    /// }
    /// ```
    pub fn new(status: StatusCode, body: &[u8], error: &serde_json::Error) -> Self {
        DecodeError::from_failure(Method::GET, UNSET_TEMPLATE, status, body, body, error)
    }

    /// The same error for a request with this method and OpenAPI path template.
    pub fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        (self.method, self.path_template) = (method, path_template);
        self
    }
}

impl TransportError {
    /// A connection-level failure of this kind, caused by `source` (any error, e.g. an
    /// [`std::io::Error`]).
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{Error, TransportError, TransportKind};
    ///
    /// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    /// let error: Error = TransportError::new(TransportKind::Connect, refused).into();
    /// assert!(error.is_retryable() && error.is_safe_to_resend());
    /// assert!(error.to_string().contains("could not connect"));
    /// ```
    pub fn new(kind: TransportKind, source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        TransportError { method: Method::GET, path_template: UNSET_TEMPLATE, kind, source: source.into() }
    }

    /// The same error for a request with this method and OpenAPI path template.
    pub fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        (self.method, self.path_template) = (method, path_template);
        self
    }
}

impl TimeoutError {
    /// An attempt that did not complete within `timeout`, after the connection was made (so a
    /// POST may have reached the server).
    ///
    /// ```
    /// use std::time::Duration;
    /// use cloudflare_realtimekit_runtime::{Error, TimeoutError};
    ///
    /// let error: Error = TimeoutError::new(Duration::from_secs(60)).into();
    /// assert!(error.is_timeout() && error.is_retryable() && !error.is_safe_to_resend());
    /// ```
    pub fn new(timeout: Duration) -> Self {
        TimeoutError { method: Method::GET, path_template: UNSET_TEMPLATE, timeout: Some(timeout), connecting: false }
    }

    /// The same error for a request with this method and OpenAPI path template.
    pub fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        (self.method, self.path_template) = (method, path_template);
        self
    }
}

impl BodyTooLargeError {
    /// A 2xx answer longer than `limit` bytes; `content_length` is what the server announced.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{BodyTooLargeError, Error, StatusCode};
    ///
    /// let error: Error = BodyTooLargeError::new(StatusCode::OK, 1024, Some(4096)).into();
    /// assert!(matches!(&error, Error::BodyTooLarge(e) if e.limit() == 1024));
    /// ```
    pub fn new(status: StatusCode, limit: usize, content_length: Option<u64>) -> Self {
        BodyTooLargeError { method: Method::GET, path_template: UNSET_TEMPLATE, status, limit, content_length }
    }

    /// The same error for a request with this method and OpenAPI path template.
    pub fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        (self.method, self.path_template) = (method, path_template);
        self
    }
}

impl NotPagingError {
    /// A listing whose page `page` showed that the server is not paging.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{Error, NotPagingError, NotPagingReason};
    ///
    /// let error: Error = NotPagingError::new(2, NotPagingReason::Repeated).into();
    /// assert!(matches!(&error, Error::NotPaging(e) if e.page() == 2));
    /// ```
    pub fn new(page: u64, reason: NotPagingReason) -> Self {
        NotPagingError { method: Method::GET, path_template: UNSET_TEMPLATE, page, reason }
    }

    /// The same error for a request with this method and OpenAPI path template.
    pub fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        (self.method, self.path_template) = (method, path_template);
        self
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Error::Decode(Box::new(error))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Error::Transport(error)
    }
}

impl From<TimeoutError> for Error {
    fn from(error: TimeoutError) -> Self {
        Error::Timeout(error)
    }
}

impl From<BodyTooLargeError> for Error {
    fn from(error: BodyTooLargeError) -> Self {
        Error::BodyTooLarge(error)
    }
}

impl From<NotPagingError> for Error {
    fn from(error: NotPagingError) -> Self {
        Error::NotPaging(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_body_is_cut_like_a_real_one() {
        let error = ApiError::new(StatusCode::BAD_GATEWAY, vec![b'x'; MAX_ERROR_BODY + 10]);
        assert_eq!(error.body().len(), MAX_ERROR_BODY);
        assert!(error.body_truncated());
    }

    #[test]
    fn with_request_names_the_request_in_the_message() {
        let error: Error = TimeoutError::new(Duration::from_millis(150)).with_request(Method::POST, "/meetings").into();
        assert!(error.to_string().starts_with("POST /meetings timed out after 150ms"), "{error}");
        let error: Error = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "").into();
        assert_eq!(error.to_string(), "GET / failed with HTTP 500 Internal Server Error (empty body)");
    }
}
