//! [`Client::raw`]: a request to an endpoint the spec does not describe, sent through the same
//! client as the operations (authentication, default headers, hooks, retries, timeouts, the
//! body cap, error parsing) and decoded into a type of the caller's.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;

use crate::error::{TEXT_CHARS, capped};
use crate::request::{Body, Request, RequestOptions};
use crate::{Client, Error, Response};

impl Client {
    /// A request to `path_template` (under the base URL) that the generated operations do not
    /// cover, sent like theirs: with the token, the default headers and hooks, retried and
    /// bounded in time and size the same way, its errors parsed into [`Error`].
    ///
    /// `{name}` placeholders of the template are filled by [`RawRequest::path_param`] and each
    /// value is percent-encoded into its own segment, as the operations do (`a/b` is sent as
    /// `a%2Fb`; an empty value, `.` or `..` is refused). The template, not the filled path, is
    /// what errors and logs show. Anything wrong (a missing value, a bad header, a body that does
    /// not serialize) is returned by `send` before anything is sent.
    ///
    /// ```no_run
    /// use cloudflare_realtimekit_runtime::{Client, ClientBuilder, Method};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Livestreams { success: bool }
    ///
    /// # async fn run() -> Result<(), cloudflare_realtimekit_runtime::Error> {
    /// let client: Client = ClientBuilder::new("https://api.example.com/v4").api_token("token").build()?;
    /// let response = client
    ///     .raw(Method::GET, "/accounts/{account_id}/apps/{app_id}/livestreams")
    ///     .path_param("account_id", "023e105f4ecef8ad9ca31a8372d0c353")
    ///     .path_param("app_id", "my-app")
    ///     .query("per_page", 20)
    ///     .header("x-request-id", "7f3a")
    ///     .send::<Livestreams>()
    ///     .await?;
    /// assert!(response.success);
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw(&self, method: Method, path_template: &'static str) -> RawRequest<'_> {
        let mut raw = RawRequest {
            client: self,
            method,
            path_template,
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            options: RequestOptions::default(),
            error: None,
        };
        if !path_template.starts_with('/') {
            raw.fail(Error::invalid_argument("path", "the path template must start with `/`"));
        } else if path_template.contains(['?', '#']) {
            raw.fail(Error::invalid_argument(
                "path",
                "the path template must not hold a query or fragment: use `query`",
            ));
        }
        raw
    }
}

/// A request built by [`Client::raw`]: set its parts, then call one of the `send` methods.
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    client: &'a Client,
    method: Method,
    path_template: &'static str,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    body: Option<Body>,
    options: RequestOptions,
    /// The first thing that went wrong while building, returned by `send`.
    error: Option<Error>,
}

impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The template only, as in errors: the values may identify people.
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a> RawRequest<'a> {
    /// Keeps the first error, which `send` returns.
    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// The value of the template's placeholder `{name}`, percent-encoded into its segment.
    pub fn path_param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.path_params.push((name, value.into()));
        self
    }

    /// Adds `name=value` to the query string (percent-encoded, in the order added; a name added
    /// twice is sent twice).
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Adds a header, as a request builder's `header` does (see [`RequestOptions::header`]).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options.header(name, value);
        self
    }

    /// Sends `body` serialized as JSON, with `Content-Type: application/json`.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body =
                    Some(Body { content_type: HeaderValue::from_static("application/json"), bytes: bytes.into() });
            }
            Err(e) => self.fail(Error::invalid_argument("body", format!("could not be serialized as JSON: {e}"))),
        }
        self
    }

    /// Sends `body` as it is, with this content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(content_type) => self.body = Some(Body { content_type, bytes: body.into() }),
            Err(_) => self.fail(Error::invalid_argument(
                "content_type",
                format!("`{}` is not a valid header value", capped(content_type, TEXT_CHARS)),
            )),
        }
        self
    }

    /// How many times to retry this request after a retryable failure (overrides the client's setting).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// How long one attempt of this request may take (overrides the client's setting).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The largest 2xx body accepted for this request, in bytes (overrides the client's setting).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.options.max_body_size = Some(bytes);
        self
    }

    /// Retries a POST or PATCH after any retryable failure, as if it were idempotent (see
    /// [`RequestOptions::retry_non_idempotent`]).
    pub fn retry_non_idempotent(mut self) -> Self {
        self.options.retry_non_idempotent = true;
        self
    }

    /// Sends the request and decodes a 2xx JSON body as `T` (an empty body reads as `null`, so
    /// `()`, `Option<_>` and `serde_json::Value` accept it).
    ///
    /// # Errors
    ///
    /// What building the request recorded, or what an operation's `send` returns.
    pub async fn send<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let (client, request) = self.into_request()?;
        client.send(request).await
    }

    /// Sends the request and returns the raw 2xx body (any content type is accepted).
    ///
    /// # Errors
    ///
    /// What building the request recorded, or what an operation's `send` returns.
    pub async fn send_bytes(self) -> Result<Response<Bytes>, Error> {
        let (client, request) = self.into_request()?;
        client.send_bytes(request).await
    }

    /// The request to send, or the first error recorded while building it.
    fn into_request(self) -> Result<(&'a Client, Request), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let params: Vec<(&'static str, &str)> = self.path_params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let mut request = Request::build(self.method, self.path_template, &params, &[], &self.options)?;
        for (name, value) in &self.query {
            request.query.push_pair(name, value);
        }
        request.body = self.body;
        Ok((self.client, request))
    }
}
