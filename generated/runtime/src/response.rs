//! [`Response`]: a decoded 2xx body together with its status, headers and the bytes it was
//! decoded from.

use std::ops::Deref;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A successful answer: the decoded body plus the HTTP status, headers and raw body bytes.
///
/// Derefs to the body, so fields can be read directly; [`Response::into_inner`] takes it out, and
/// [`Response::bytes`] gives the body exactly as it was received.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    /// The body as received: `Bytes` is reference-counted, so keeping it next to the decoded
    /// value costs no copy.
    bytes: Bytes,
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
    ///
    /// Its [`Response::bytes`] are empty; [`Response::with_bytes`] sets them.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body, bytes: Bytes::new() }
    }

    /// The same response with these raw body bytes, e.g. to test code that reads
    /// [`Response::bytes`].
    ///
    /// ```
    /// use cloudflare_realtimekit_runtime::{Bytes, HeaderMap, Response, StatusCode};
    ///
    /// let response = Response::new(StatusCode::OK, HeaderMap::new(), 7).with_bytes(Bytes::from_static(b"7"));
    /// assert_eq!(response.bytes(), &b"7"[..]);
    /// ```
    pub fn with_bytes(mut self, bytes: Bytes) -> Self {
        self.bytes = bytes;
        self
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body exactly as the server sent it (after any content decoding such as gzip), before
    /// it was decoded: to keep, forward or hash what was received. Empty for an answer without
    /// a body. Cloning the `Bytes` is cheap (it is reference-counted).
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The decoded body and the bytes it was decoded from.
    pub fn into_parts(self) -> (T, Bytes) {
        (self.body, self.bytes)
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
        assert!(r.bytes().is_empty());
        let r = r.with_bytes(Bytes::from_static(b"[1,2,3]"));
        assert_eq!(r.bytes(), &b"[1,2,3]"[..]);
        assert_eq!(r.into_parts(), (vec![1, 2, 3], Bytes::from_static(b"[1,2,3]")));
    }
}
