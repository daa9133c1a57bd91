//! [`Hook`]: one place to observe or change every request before it is sent and every response
//! after it arrives (signing, metrics, logging), installed with
//! [`ClientBuilder::hook`](crate::ClientBuilder::hook).
//!
//! A small trait of the runtime's own rather than reqwest-middleware or tower: see
//! ARCHITECTURE.md ("Hooks"). In short, the client already owns retries, timeouts and the body
//! cap, so a middleware stack would add a second place for them and dependencies to compile
//! (async-trait, anyhow, http, task-local machinery; or tower's Service/Layer) for what two
//! synchronous callbacks on the request and the answer do.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

/// Observes or changes every attempt of every request, and every answer.
///
/// Both methods do nothing by default. They are called on the task that sends the request, for
/// every attempt (a retried request is seen once per attempt), in the order the hooks were
/// installed. They are synchronous: keep them short (record, sign, log), and hand slow work to a
/// task of your own.
///
/// **The API token is never visible to a hook**: `Authorization` is added after
/// [`Hook::on_request`] has run (replacing any `Authorization` a hook set), and a response
/// carries no token. The values of headers that you set are visible, as they are yours.
///
/// A connection failure or a timeout has no answer, so [`Hook::on_response`] is not called for it.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use cloudflare_realtimekit_runtime::{Hook, HookRequest, HookResponse};
///
/// /// Counts the server errors and tags every request.
/// #[derive(Debug, Default)]
/// struct Metrics { server_errors: AtomicU64 }
///
/// impl Hook for Metrics {
///     fn on_request(&self, request: &mut HookRequest<'_>) {
///         assert!(!request.headers().contains_key("authorization"));
///         request.headers_mut().insert("x-client", "billing".parse().unwrap());
///     }
///     fn on_response(&self, response: &mut HookResponse<'_>) {
///         if response.status().is_server_error() {
///             self.server_errors.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let client = cloudflare_realtimekit_runtime::ClientBuilder::<cloudflare_realtimekit_runtime::Client>::new("https://api.example.com")
///     .api_token("token")
///     .hook(Metrics::default())
///     .build()?;
/// # Ok::<(), cloudflare_realtimekit_runtime::Error>(())
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent, with everything but `Authorization`; may change the
    /// headers (e.g. add a signature of the method, URL and body).
    fn on_request(&self, request: &mut HookRequest<'_>) {
        let _ = request;
    }

    /// Called when an answer has arrived and its body has been read (up to the cap), before the
    /// client decides whether it is a success, an error or worth a retry: a changed status or
    /// body is what the client goes on with.
    fn on_response(&self, response: &mut HookResponse<'_>) {
        let _ = response;
    }
}

/// An attempt about to be sent, as a [`Hook`] sees it: everything but `Authorization`.
pub struct HookRequest<'a> {
    pub(crate) request: &'a mut reqwest::Request,
    pub(crate) path_template: &'static str,
    pub(crate) attempt: u32,
}

impl HookRequest<'_> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The full URL, with the path parameters and query encoded.
    pub fn url(&self) -> &Url {
        self.request.url()
    }

    /// The operation's OpenAPI path template (or the template given to [`Client::raw`](crate::Client::raw)).
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Which attempt this is: 1 for the first, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The headers to be sent, without `Authorization`.
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// The headers to be sent, to change; an `Authorization` set here is replaced by the client's.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.request.headers_mut()
    }

    /// The body, if the request has one.
    pub fn body(&self) -> Option<&[u8]> {
        self.request.body().and_then(reqwest::Body::as_bytes)
    }
}

impl fmt::Debug for HookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookRequest")
            .field("method", self.method())
            .field("path_template", &self.path_template)
            .field("attempt", &self.attempt)
            .field("headers", self.headers())
            .finish_non_exhaustive()
    }
}

/// An answer that has arrived, as a [`Hook`] sees it.
pub struct HookResponse<'a> {
    pub(crate) method: &'a Method,
    pub(crate) url: &'a Url,
    pub(crate) path_template: &'static str,
    pub(crate) attempt: u32,
    pub(crate) elapsed: Duration,
    pub(crate) status: &'a mut StatusCode,
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) body: &'a mut Bytes,
}

impl HookResponse<'_> {
    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The URL the request was sent to.
    pub fn url(&self) -> &Url {
        self.url
    }

    /// The operation's OpenAPI path template (or the template given to [`Client::raw`](crate::Client::raw)).
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Which attempt this answers: 1 for the first, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// How long the attempt took, from sending to the end of the body.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        *self.status
    }

    /// Changes the status the client goes on with (e.g. to treat an answer as a success).
    pub fn set_status(&mut self, status: StatusCode) {
        *self.status = status;
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The response headers, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }

    /// The body as read: a 2xx body up to the cap, another up to 64 KiB.
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// Replaces the body the client goes on to decode.
    pub fn set_body(&mut self, body: impl Into<Bytes>) {
        *self.body = body.into();
    }
}

impl fmt::Debug for HookResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookResponse")
            .field("method", self.method)
            .field("path_template", &self.path_template)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("elapsed", &self.elapsed)
            .finish_non_exhaustive()
    }
}
