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
mod tests {
    use std::sync::Mutex;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use wiremock::matchers::{header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::Jitter;
    use crate::request::{Method, RequestOptions, expand_path};

    const TOKEN: &str = "sekrit-token-123";
    const TEMPLATE: &str = "/accounts/{account_id}/apps/{app_id}/meetings";

    /// A policy without jitter whose sleeper records the delays and returns at once.
    fn recording_policy() -> (RetryPolicy, Arc<Mutex<Vec<Duration>>>) {
        let delays = Arc::new(Mutex::new(Vec::new()));
        let recorded = delays.clone();
        let policy = RetryPolicy::default().with_jitter(Jitter::None).with_sleeper(move |d| {
            recorded.lock().expect("not poisoned").push(d);
            async {}
        });
        (policy, delays)
    }

    fn client_for(base_url: &str, policy: RetryPolicy) -> Client {
        Client::builder().api_token(TOKEN).base_url(base_url).retry_policy(policy).build().expect("valid client")
    }

    fn meetings_request() -> Request {
        let path = expand_path(TEMPLATE, &[("account_id", "acc 1"), ("app_id", "app")]).expect("valid path");
        let mut request = Request::new(Method::GET, TEMPLATE, path, &RequestOptions::default());
        request.query.push("search", &"secret-query-value");
        request
    }

    fn recorded(delays: &Arc<Mutex<Vec<Duration>>>) -> Vec<Duration> {
        delays.lock().expect("not poisoned").clone()
    }

    async fn request_count(server: &MockServer) -> usize {
        server.received_requests().await.map_or(0, |r| r.len())
    }

    #[test]
    fn client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        let client = Client::builder().api_token(TOKEN).build().expect("valid client");
        let copy = client.clone();
        assert!(Arc::ptr_eq(&client.inner, &copy.inner));
    }

    #[tokio::test]
    async fn sends_headers_path_and_query_and_decodes() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/client/v4/accounts/acc%201/apps/app/meetings"))
            .and(query_param("search", "secret-query-value"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("accept", "application/json"))
            .and(header("user-agent", concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-request-id", "r1")
                    .set_body_json(serde_json::json!({"success": true, "data": [1, 2]})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let (policy, _) = recording_policy();
        let client = client_for(&format!("{}/client/v4/", server.uri()), policy);
        let response = client.send::<serde_json::Value>(meetings_request()).await.expect("success");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().get("x-request-id").map(|v| v.as_bytes()), Some(&b"r1"[..]));
        assert_eq!(response["data"][1], 2);
    }

    #[tokio::test]
    async fn sends_json_body_and_accepts_empty_success_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(header("content-type", "application/json"))
            .and(wiremock::matchers::body_json(serde_json::json!({"title": "standup"})))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = client_for(&server.uri(), RetryPolicy::never());
        let mut request = Request::new(Method::POST, "/meetings", "/meetings".to_owned(), &RequestOptions::default());
        request.json_body(&serde_json::json!({"title": "standup"})).expect("serializable");
        let response = client.send::<()>(request).await.expect("empty body decodes as ()");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    #[tokio::test]
    async fn send_empty_and_send_bytes_skip_decoding() {
        let server = MockServer::start().await;
        Mock::given(path("/empty"))
            .and(header("accept", "application/json"))
            .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
            .mount(&server)
            .await;
        Mock::given(path("/raw"))
            .and(header("accept", "*/*"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0u8, 159, 146, 150]))
            .mount(&server)
            .await;
        let client = client_for(&server.uri(), RetryPolicy::never());
        let get = |p: &'static str| Request::new(Method::GET, p, p.to_owned(), &RequestOptions::default());
        let empty = client.send_empty(get("/empty")).await.expect("body ignored");
        assert_eq!(empty.status(), StatusCode::OK);
        let raw = client.send_bytes(get("/raw")).await.expect("raw body");
        assert_eq!(&raw[..], &[0u8, 159, 146, 150]);
        let error = client.send_bytes(get("/missing")).await.expect_err("404");
        assert!(error.is_not_found());
    }

    #[tokio::test]
    async fn retries_429_honouring_retry_after() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
            .mount(&server)
            .await;
        let (policy, delays) = recording_policy();
        let client = client_for(&server.uri(), policy);
        let response = client.send::<serde_json::Value>(meetings_request()).await.expect("retried to success");
        assert_eq!(response["ok"], true);
        assert_eq!(recorded(&delays), vec![Duration::from_secs(3)]);
        assert_eq!(request_count(&server).await, 2);
    }

    #[tokio::test]
    async fn gives_up_on_503_after_max_retries() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).set_body_string("<html><body>upstream down</body></html>"))
            .mount(&server)
            .await;
        let (policy, delays) = recording_policy();
        let client = client_for(&server.uri(), policy);
        let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("always 503");
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(error.is_retryable());
        assert_eq!(request_count(&server).await, 3);
        assert_eq!(recorded(&delays), vec![Duration::from_millis(500), Duration::from_millis(1000)]);
        let shown = error.to_string();
        assert!(shown.contains("GET /accounts/{account_id}/apps/{app_id}/meetings"), "{shown}");
        assert!(shown.contains("upstream down"), "{shown}");
        assert!(!shown.contains(TOKEN) && !shown.contains("secret-query-value"), "{shown}");

        // A per-request override disables the retries.
        let mut request = meetings_request();
        request.options.max_retries = Some(0);
        let _ = client.send::<serde_json::Value>(request).await.expect_err("always 503");
        assert_eq!(request_count(&server).await, 4);
    }

    #[tokio::test]
    async fn x_should_retry_overrides_the_status() {
        let server = MockServer::start().await;
        Mock::given(path("/no"))
            .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
            .mount(&server)
            .await;
        Mock::given(path("/yes"))
            .respond_with(ResponseTemplate::new(400).insert_header("x-should-retry", "true"))
            .mount(&server)
            .await;
        let (policy, _) = recording_policy();
        let client = client_for(&server.uri(), policy.with_max_retries(1));
        let send = |p: &'static str| {
            client.send::<serde_json::Value>(Request::new(Method::GET, p, p.to_owned(), &RequestOptions::default()))
        };
        assert!(send("/no").await.is_err());
        assert_eq!(request_count(&server).await, 1);
        assert!(send("/yes").await.is_err());
        assert_eq!(request_count(&server).await, 3);
    }

    #[tokio::test]
    async fn not_found_is_parsed_and_not_retried() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_json(
                serde_json::json!({"success": false, "error": {"code": 404, "message": "Meeting not found"}}),
            ))
            .mount(&server)
            .await;
        let (policy, delays) = recording_policy();
        let client = client_for(&server.uri(), policy);
        let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("404");
        assert!(error.is_not_found());
        assert_eq!(error.code(), Some(404));
        assert_eq!(error.message(), Some("Meeting not found"));
        assert_eq!(request_count(&server).await, 1);
        assert!(recorded(&delays).is_empty());
        assert!(!error.to_string().contains(TOKEN));
    }

    #[tokio::test]
    async fn decode_error_reports_the_field() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":{"count":"many"}}"#))
            .mount(&server)
            .await;
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Data {
            count: u64,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            data: Data,
        }
        let client = client_for(&server.uri(), RetryPolicy::never());
        match client.send::<Body>(meetings_request()).await {
            Err(Error::Decode(e)) => {
                assert_eq!(e.json_path(), "data.count");
                assert_eq!(e.status(), StatusCode::OK);
                assert!(e.excerpt().contains("many"), "{}", e.excerpt());
            }
            other => panic!("{other:?}"),
        }
        match client.send::<serde_json::Value>(meetings_request()).await {
            Ok(v) => assert_eq!(v["data"]["count"], "many"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn slow_server_times_out() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
            .mount(&server)
            .await;
        let (policy, delays) = recording_policy();
        let client = Client::builder()
            .api_token(TOKEN)
            .base_url(server.uri())
            .retry_policy(policy)
            .max_retries(1)
            .timeout(Duration::from_millis(100))
            .build()
            .expect("valid client");
        let started = Instant::now();
        let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("times out");
        assert!(error.is_timeout(), "{error:?}");
        assert!(error.is_retryable());
        assert!(matches!(&error, Error::Timeout(t) if t.timeout() == Some(Duration::from_millis(100))));
        assert_eq!(recorded(&delays).len(), 1);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(error.to_string().contains("timed out"), "{error}");
    }

    /// A server that sends the response head and then never sends the promised body.
    #[tokio::test]
    async fn stalled_body_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"a\":").await;
            tokio::time::sleep(Duration::from_secs(10)).await;
        });
        let client = Client::builder()
            .api_token(TOKEN)
            .base_url(format!("http://{addr}"))
            .retry_policy(RetryPolicy::never())
            .timeout(Duration::from_millis(200))
            .build()
            .expect("valid client");
        let mut request = meetings_request();
        request.options.timeout = Some(Duration::from_millis(150));
        let error = client.send::<serde_json::Value>(request).await.expect_err("times out");
        assert!(matches!(&error, Error::Timeout(t) if t.timeout() == Some(Duration::from_millis(150))), "{error:?}");
        server.abort();
    }

    /// A server that accepts and closes every connection without answering.
    #[tokio::test]
    async fn dropped_connection_is_a_transport_error() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let accepted = Arc::new(Mutex::new(0usize));
        let counter = accepted.clone();
        let server = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                *counter.lock().expect("not poisoned") += 1;
                drop(socket);
            }
        });
        let (policy, delays) = recording_policy();
        let client = client_for(&format!("http://{addr}"), policy);
        let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("dropped");
        match &error {
            Error::Transport(e) => assert_eq!(e.kind(), TransportKind::Request, "{error}"),
            other => panic!("{other:?}"),
        }
        assert!(!error.is_timeout());
        assert!(error.is_retryable());
        assert_eq!(*accepted.lock().expect("not poisoned"), 3);
        assert_eq!(recorded(&delays).len(), 2);
        let shown = error.to_string();
        assert!(!shown.contains("secret-query-value") && !shown.contains(TOKEN), "{shown}");
        server.abort();
    }

    #[tokio::test]
    async fn refused_connection_is_a_connect_error() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        drop(listener);
        let client = client_for(&format!("http://{addr}"), RetryPolicy::never());
        let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("refused");
        match &error {
            Error::Transport(e) => assert_eq!(e.kind(), TransportKind::Connect, "{error}"),
            other => panic!("{other:?}"),
        }
        assert!(error.to_string().contains("could not connect"), "{error}");
    }

    #[tokio::test]
    async fn large_error_body_is_bounded() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(MAX_ERROR_BODY * 3)))
            .mount(&server)
            .await;
        let client = client_for(&server.uri(), RetryPolicy::never());
        let error = client.send::<serde_json::Value>(meetings_request()).await.expect_err("500");
        let api = error.api_error().expect("an API error");
        assert_eq!(api.body().len(), MAX_ERROR_BODY);
        assert!(api.body_truncated());
        assert!(error.to_string().len() < 1_000);
    }

    thread_local! {
        /// Where [`Capture`] records the events of the current test thread, if anywhere.
        static SINK: std::cell::RefCell<Option<Arc<Mutex<Vec<String>>>>> =
            const { std::cell::RefCell::new(None) };
    }

    /// A global subscriber recording this crate's events into the thread's [`SINK`].
    ///
    /// Global rather than scoped: with a single scoped dispatcher, tracing computes the
    /// interest of callsites first hit on other test threads from *their* (empty) default
    /// and caches them as disabled, which would make the test flaky.
    struct Capture;

    struct Fields<'a>(&'a mut String);

    impl tracing::field::Visit for Fields<'_> {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
            self.0.push_str(&format!("{}={:?} ", field.name(), value));
        }
    }

    impl tracing::Subscriber for Capture {
        fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
            tracing::subscriber::Interest::sometimes()
        }
        fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
            metadata.target().starts_with(env!("CARGO_CRATE_NAME"))
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            SINK.with_borrow(|sink| {
                if let Some(sink) = sink {
                    let mut line = String::new();
                    event.record(&mut Fields(&mut line));
                    sink.lock().expect("not poisoned").push(line);
                }
            });
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    /// Runs on a current-thread runtime, so every event of the request lands in this thread's sink.
    #[tokio::test(flavor = "current_thread")]
    async fn tracing_logs_the_template_not_secrets() {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(Capture).expect("no other global subscriber");
        });
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&server).await;
        let events = Arc::new(Mutex::new(Vec::new()));
        SINK.set(Some(events.clone()));
        let (policy, _) = recording_policy();
        let client = client_for(&server.uri(), policy);
        client.send::<serde_json::Value>(meetings_request()).await.expect("retried to success");
        SINK.set(None);
        let events = events.lock().expect("not poisoned").clone();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[0].contains("status=500") && events[0].contains("attempt=1"), "{events:?}");
        assert!(events[1].contains("status=200") && events[1].contains("attempt=2"), "{events:?}");
        for event in &events {
            assert!(event.contains(TEMPLATE), "{event}");
            assert!(
                !event.contains(TOKEN) && !event.contains("secret-query-value") && !event.contains("acc%201"),
                "{event}"
            );
        }
    }
}
