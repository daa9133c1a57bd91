//! [`Response`]: a decoded 2xx body together with its status and headers.

use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A successful answer: the decoded body plus the HTTP status and headers.
///
/// Derefs to the body, so fields can be read directly; [`Response::into_inner`] takes it out.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// A response with this status, headers and decoded body, e.g. to test code that takes one.
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{HeaderMap, HeaderValue, Response, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("cf-ray", HeaderValue::from_static("8a1b2c3d4e5f-AMS"));
    /// let response = Response::new(StatusCode::CREATED, headers, vec!["participant-1"]);
    /// assert_eq!(response.status(), StatusCode::CREATED);
    /// assert_eq!(response.headers()["cf-ray"], "8a1b2c3d4e5f-AMS");
    /// assert_eq!(response.len(), 1); // The body's own methods, through `Deref`.
    /// assert_eq!(response.into_inner(), ["participant-1"]);
    /// ```
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_and_deref() {
        let mut headers = HeaderMap::new();
        headers.insert("x-id", "7".parse().expect("valid header"));
        let r = Response::new(StatusCode::CREATED, headers, vec![1, 2, 3]);
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.headers().get("x-id").map(|v| v.as_bytes()), Some(&b"7"[..]));
        assert_eq!(r.len(), 3);
        assert_eq!(r.into_inner(), vec![1, 2, 3]);
    }
}
