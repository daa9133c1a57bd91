//! [`Client`]: sending requests with retries and timeouts, reading and decoding the answers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::auth::{Credentials, Selected};
use crate::config::ClientConfig;
use crate::error::{
    ApiError, BodyTooLargeError, DecodeError, MAX_ERROR_BODY, TimeoutError, TransportError, TransportKind,
};
use crate::hooks::{Hook, HookRequest, HookResponse};
use crate::request::Request;
use crate::{Error, Response, RetryPolicy};

/// The `Accept` header of JSON operations.
const ACCEPT_JSON: &str = "application/json";

/// The sending half of a generated crate's client, which wraps it and dereferences to it.
///
/// Cheap to clone (the configuration and connection pool are shared). Every request carries the
/// credentials its operation's security requirement asks for, is retried according to the [`RetryPolicy`] and each attempt
/// (connecting, waiting and reading the body) is bounded by the timeout.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// The shared state of a [`Client`], as [`ClientBuilder`](crate::ClientBuilder) configured it.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// What the generated crate said about its API.
    pub(crate) config: ClientConfig,
    /// The credentials, by security scheme.
    pub(crate) credentials: Credentials,
    /// `config.user_agent`, checked.
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_pages: u64,
    pub(crate) max_body_size: usize,
    /// Sent with every request, under the operation's and the request's own headers.
    pub(crate) default_headers: HeaderMap,
    /// Called on every attempt and every answer, in this order.
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry_policy", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("max_pages", &self.inner.max_pages)
            .field("max_body_size", &self.inner.max_body_size)
            .field("default_headers", &self.inner.default_headers.keys().collect::<Vec<_>>())
            .field("hooks", &self.inner.hooks.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with this configuration.
    pub(crate) fn new(inner: Inner) -> Self {
        Client { inner: Arc::new(inner) }
    }

    /// The base URL requests are sent to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The page-count guard of listings.
    pub(crate) fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    /// Sends the request with retries, decodes a 2xx body as `T`.
    ///
    /// An empty 2xx body decodes as JSON `null` (so `()`, `Option<_>` and `serde_json::Value` accept it).
    #[doc(hidden)]
    pub async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<Response<T>, Error> {
        self.fetch(request).await?.decode()
    }

    /// Sends the request with retries like [`Client::send`], leaving the body to be decoded by
    /// [`RawResponse::decode`]: what a listing keeps in flight between polls of its stream.
    /// The future owns a clone of the client, so that a listing's stream borrows nothing.
    pub(crate) fn fetch_json(&self, request: Request) -> Fetch {
        let client = self.clone();
        Box::pin(async move { client.fetch(request).await })
    }

    /// Sends a request that expects JSON, with retries; the same code for every response type.
    async fn fetch(&self, request: Request) -> Result<RawResponse, Error> {
        let (status, headers, body) = self.execute(&request, ACCEPT_JSON).await?;
        Ok(RawResponse { request, status, headers, body })
    }

    /// Sends the request with retries and ignores the 2xx body (operations without a response body).
    #[doc(hidden)]
    pub async fn send_empty(&self, request: Request) -> Result<Response<()>, Error> {
        let (status, headers, body) = self.execute(&request, ACCEPT_JSON).await?;
        Ok(Response::new(status, headers, ()).with_bytes(body))
    }

    /// Sends the request with retries and returns the raw 2xx body (binary downloads).
    #[doc(hidden)]
    pub async fn send_bytes(&self, request: Request) -> Result<Response<Bytes>, Error> {
        let (status, headers, body) = self.execute(&request, "*/*").await?;
        Ok(Response::new(status, headers, body.clone()).with_bytes(body))
    }

    /// Sends the request, retrying per the policy; returns the first 2xx answer or the last error.
    async fn execute(&self, request: &Request, accept: &'static str) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
        let inner = &*self.inner;
        let url = self.url(request)?;
        // A header rejected by `RequestOptions::header` fails the request before anything is sent.
        request.options.headers.checked()?;
        // The credentials are chosen once, before anything is sent: missing ones fail here.
        let security = request.security.unwrap_or(inner.credentials.default_security());
        let credentials = inner.credentials.select(security, &|alternative| inner.config.describe(alternative))?;
        let max_retries = request.options.max_retries.unwrap_or(inner.retry.max_retries());
        let timeout = request.options.timeout.unwrap_or(inner.timeout);
        let max_body_size = request.options.max_body_size.unwrap_or(inner.max_body_size);
        let idempotent = request.options.retry_non_idempotent || crate::retry::is_idempotent(&request.method);
        let mut retry = 0;
        loop {
            let started = Instant::now();
            let outcome = self.attempt(request, &url, &credentials, accept, timeout, max_body_size, retry + 1).await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let error = match outcome {
                Ok((status, headers, body)) => {
                    tracing::debug!(
                        method = %request.method,
                        path = request.path_template,
                        attempt = retry + 1,
                        status = status.as_u16(),
                        elapsed_ms,
                        "request succeeded"
                    );
                    return Ok((status, headers, body));
                }
                Err(error) => error,
            };
            // A POST or PATCH that may have reached the server is not sent twice unless the
            // server asked for it or the caller opted in.
            let will_retry = retry < max_retries && error.is_retryable() && (idempotent || error.is_safe_to_resend());
            tracing::debug!(
                method = %request.method,
                path = request.path_template,
                attempt = retry + 1,
                status = error.status().map(|s| s.as_u16()),
                error = error_kind(&error),
                elapsed_ms,
                will_retry,
                "request failed"
            );
            if !will_retry {
                return Err(error);
            }
            let delay = inner.retry.delay(retry, error.response_headers(), SystemTime::now());
            inner.retry.sleep(delay).await;
            retry += 1;
        }
    }

    /// The full URL: base URL + expanded path + `?query`.
    fn url(&self, request: &Request) -> Result<Url, Error> {
        let mut url =
            String::with_capacity(self.inner.base_url.len() + request.path.len() + request.query.as_str().len() + 1);
        url.push_str(&self.inner.base_url);
        url.push_str(&request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(request.query.as_str());
        }
        Url::parse(&url).map_err(|e| Error::invalid_argument("path", format!("does not form a valid URL: {e}")))
    }

    /// One attempt: send, then read the whole body, all within `timeout`.
    /// A non-2xx answer is returned as [`Error::Api`] (its body cut at [`MAX_ERROR_BODY`]); a 2xx
    /// body longer than `max_body_size` is [`Error::BodyTooLarge`], and is read no further.
    #[allow(clippy::too_many_arguments, reason = "one private call site; each is a plain value of the request")]
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        credentials: &Selected<'_>,
        accept: &'static str,
        timeout: Duration,
        max_body_size: usize,
        attempt: u32,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
        let started = Instant::now();
        let mut http_request = reqwest::Request::new(request.method.clone(), url.clone());
        // Layered: the client's own headers, the default headers, the operation's header
        // parameters, the request's extra headers; each layer replaces a name the ones below set.
        if let Some(body) = &request.body {
            *http_request.body_mut() = Some(body.bytes.clone().into());
        }
        let headers = http_request.headers_mut();
        headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
        headers.insert(header::USER_AGENT, self.inner.user_agent.clone());
        if let Some(body) = &request.body {
            headers.insert(header::CONTENT_TYPE, body.content_type.clone());
        }
        overlay(headers, &self.inner.default_headers);
        overlay(headers, &request.headers);
        overlay(headers, request.options.headers.checked()?);
        if !self.inner.hooks.is_empty() {
            let mut view = HookRequest { request: &mut http_request, path_template: request.path_template, attempt };
            for hook in &self.inner.hooks {
                hook.on_request(&mut view);
            }
        }
        // After the hooks, which never see the credentials, and last, so that nothing replaces them.
        credentials.apply(&mut http_request);
        let exchange = async {
            let mut response =
                self.inner.http.execute(http_request).await.map_err(|e| transport_error(request, e, false))?;
            let mut status = response.status();
            let too_large = |status, content_length| {
                Error::BodyTooLarge(BodyTooLargeError {
                    method: request.method.clone(),
                    path_template: request.path_template,
                    status,
                    limit: max_body_size,
                    content_length,
                })
            };
            let limit = if status.is_success() { max_body_size } else { MAX_ERROR_BODY };
            // A body announced as too long is not read at all.
            if status.is_success()
                && let Some(length) =
                    response.content_length().filter(|n| usize::try_from(*n).map_or(true, |n| n > limit))
            {
                return Err(too_large(status, Some(length)));
            }
            let (mut body, truncated) =
                read_body(&mut response, limit).await.map_err(|e| transport_error(request, e, true))?;
            let mut headers = std::mem::take(response.headers_mut());
            if !self.inner.hooks.is_empty() {
                let mut view = HookResponse {
                    method: &request.method,
                    url,
                    path_template: request.path_template,
                    attempt,
                    elapsed: started.elapsed(),
                    status: &mut status,
                    headers: &mut headers,
                    body: &mut body,
                };
                for hook in &self.inner.hooks {
                    hook.on_response(&mut view);
                }
            }
            if status.is_success() {
                if truncated {
                    return Err(too_large(status, None));
                }
                Ok((status, headers, body))
            } else {
                let error = ApiError::from_response(
                    request.method.clone(),
                    request.path_template,
                    status,
                    headers,
                    body,
                    truncated,
                );
                Err(Error::Api(Box::new(error.with_envelope(&self.inner.config.error_envelope))))
            }
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout(TimeoutError {
                method: request.method.clone(),
                path_template: request.path_template,
                timeout: Some(timeout),
                connecting: false,
            })),
        }
    }
}

/// Sets every header of `layer` on `headers`, replacing the values `headers` had for its names.
fn overlay(headers: &mut HeaderMap, layer: &HeaderMap) {
    for name in layer.keys() {
        headers.remove(name);
    }
    for (name, value) in layer {
        headers.append(name.clone(), value.clone());
    }
}

/// Reads the body chunk by chunk, keeping at most `limit` bytes; the flag tells whether more
/// was sent (reading stops there, whatever the length of the rest).
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<(Bytes, bool), reqwest::Error> {
    // The announced length sizes the buffer once, but never beyond the limit.
    let expected = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let mut buffer = BytesMut::with_capacity(expected.min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - buffer.len();
        if chunk.len() > room {
            buffer.extend_from_slice(&chunk[..room]);
            return Ok((buffer.freeze(), true));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok((buffer.freeze(), false))
}

/// Classifies a reqwest failure; the URL (with its query values) is dropped from the error.
fn transport_error(request: &Request, error: reqwest::Error, reading_body: bool) -> Error {
    if error.is_timeout() {
        return Error::Timeout(TimeoutError {
            method: request.method.clone(),
            path_template: request.path_template,
            timeout: None,
            connecting: error.is_connect(),
        });
    }
    let kind = if is_protocol_error(&error) {
        TransportKind::Protocol
    } else if reading_body {
        TransportKind::Body
    } else if error.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Request
    };
    Error::Transport(TransportError {
        method: request.method.clone(),
        path_template: request.path_template,
        kind,
        source: Box::new(error.without_url()),
    })
}

/// Whether hyper, under reqwest, could not parse the server's answer as HTTP (a malformed
/// status line or header); reqwest has no predicate of its own for it.
fn is_protocol_error(error: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
            return hyper.is_parse() || hyper.is_parse_status();
        }
        cause = error.source();
    }
    false
}

/// Decodes a 2xx body as `T`; only this small function is compiled for each response type.
fn decode<T: DeserializeOwned>(
    request: &Request,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<T>, Error> {
    let json = json_text(&body);
    match serde_json::from_slice::<T>(json) {
        Ok(value) => Ok(Response::new(status, headers, value).with_bytes(body)),
        Err(error) => Err(decode_error(request, status, &body, json, &error)),
    }
}

/// The JSON text of a body: an empty body reads as `null` (so `()`, `Option<_>` and
/// `serde_json::Value` accept it).
fn json_text(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) { b"null" } else { body }
}

/// The error of a body that did not decode, with the JSON path of the failing spot (found from
/// serde_json's line and column, so that no path-tracking decoder is compiled per type).
#[cold]
fn decode_error(request: &Request, status: StatusCode, body: &[u8], json: &[u8], error: &serde_json::Error) -> Error {
    Error::Decode(Box::new(DecodeError::from_failure(
        request.method.clone(),
        request.path_template,
        status,
        body,
        json,
        error,
    )))
}

/// A 2xx answer whose body is not decoded yet, with the request it answers.
pub(crate) struct RawResponse {
    request: Request,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// The request this answers.
    pub(crate) fn request(&self) -> &Request {
        &self.request
    }

    /// The body, not decoded.
    pub(crate) fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the body as `T` (see [`Client::send`]).
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        decode(&self.request, self.status, self.headers, self.body)
    }
}

/// A request being sent by [`Client::fetch_json`]: the same future for every response type.
pub(crate) type Fetch = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'static>>;

/// A short name of the error for tracing (never the error text, which may quote the body).
fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::Api(_) => "http_status",
        Error::Decode(_) => "decode",
        Error::Transport(_) => "transport",
        Error::Timeout(_) => "timeout",
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::Config { .. } => "config",
        Error::TooManyPages { .. } => "too_many_pages",
        Error::BodyTooLarge(_) => "body_too_large",
        Error::NotPaging(_) => "not_paging",
    }
}

#[cfg(test)]
mod tests;
