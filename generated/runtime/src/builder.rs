//! [`ClientBuilder`]: the configuration of a [`Client`], its defaults, the environment
//! variables it reads and the checks of the token and base URL.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::client::Inner;
use crate::error::{TEXT_CHARS, capped};
use crate::request::parse_extra_header;
use crate::{Client, Error, Hook, RetryPolicy};

/// The environment variable holding the API token.
const TOKEN_VAR: &str = "CLOUDFLARE_API_TOKEN";
/// The environment variable that may override the base URL.
const BASE_URL_VAR: &str = "CLOUDFLARE_BASE_URL";
/// Default per-attempt timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default page-count guard of listings.
const DEFAULT_MAX_PAGES: u64 = 10_000;
/// Default cap on the size of a 2xx body: 32 MiB. The API's largest answers are pages of
/// participants with their peer events, about 250 bytes an event and a few hundred bytes a
/// participant; a page of 1,000 participants with 50 events each is about 13 MB, so the cap
/// leaves more than twice that while keeping a runaway body from exhausting memory.
pub(crate) const DEFAULT_MAX_BODY_SIZE: usize = 32 * 1024 * 1024;

/// The API token; its `Debug` never shows the value.
#[derive(Clone)]
pub(crate) struct ApiToken(pub(crate) String);

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt("<redacted>", f)
    }
}

/// Checks the shape of a token (already trimmed) without ever quoting it: a token is visible
/// ASCII, and the `Bearer` scheme is the client's to add.
fn check_token(token: &str) -> Result<(), String> {
    if token.get(..7).is_some_and(|start| start.eq_ignore_ascii_case("bearer ")) {
        return Err("the API token starts with `Bearer `: give the token alone, the client sends \
                    `Authorization: Bearer <token>` itself"
            .to_owned());
    }
    if let Some((at, c)) = token.chars().enumerate().find(|(_, c)| !c.is_ascii_graphic()) {
        let what = if c.is_whitespace() {
            "whitespace"
        } else if c.is_control() {
            "a control character"
        } else {
            "a non-ASCII character"
        };
        return Err(format!(
            "the API token contains {what} at character {}; a token is visible ASCII only \
             (check for a stray quote, line break or copy-paste artefact)",
            at + 1
        ));
    }
    Ok(())
}

/// Validates a base URL (absolute http(s), with a host, no query or fragment) and trims the trailing `/`.
fn parse_base_url(base_url: &str) -> Result<String, String> {
    let url = Url::parse(base_url.trim()).map_err(|e| format!("`{base_url}` is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{base_url}` must start with https:// or http://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{base_url}` has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{base_url}` must not contain a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Configures a client; see each method for its default.
///
/// `C` is the type it builds: a generated crate's own client, which wraps [`Client`] (its
/// `Client::builder()` starts here with the API's default base URL).
pub struct ClientBuilder<C = Client> {
    config: Config,
    client: PhantomData<fn() -> C>,
}

/// What a [`ClientBuilder`] has been told; building it and reading the environment are not
/// generic, so that they are compiled here once.
#[derive(Clone, Default)]
struct Config {
    default_base_url: &'static str,
    api_token: Option<ApiToken>,
    base_url: Option<String>,
    max_retries: Option<u32>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
    max_pages: Option<u64>,
    max_body_size: Option<usize>,
    http_client: Option<reqwest::Client>,
    /// The default headers as given, checked by `build`.
    default_headers: Vec<(String, String)>,
    hooks: Vec<Arc<dyn Hook>>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder { config: self.config.clone(), client: PhantomData }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.config;
        f.debug_struct("ClientBuilder")
            .field("api_token", &config.api_token)
            .field("base_url", &config.base_url.as_deref().unwrap_or(config.default_base_url))
            .field("max_retries", &config.max_retries)
            .field("timeout", &config.timeout)
            .field("connect_timeout", &config.connect_timeout)
            .field("retry_policy", &config.retry_policy)
            .field("max_pages", &config.max_pages)
            .field("max_body_size", &config.max_body_size)
            .field("http_client", &config.http_client.as_ref().map(|_| "custom"))
            // Names only: a value may be a secret.
            .field("default_headers", &config.default_headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("hooks", &config.hooks.len())
            .finish()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder whose base URL is `default_base_url` unless [`ClientBuilder::base_url`] sets one.
    pub fn new(default_base_url: &'static str) -> Self {
        ClientBuilder { config: Config { default_base_url, ..Config::default() }, client: PhantomData }
    }

    /// The API token sent as `Authorization: Bearer <token>` (required).
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.config.api_token = Some(ApiToken(token.into()));
        self
    }

    /// The base URL (default: the API's, given to [`ClientBuilder::new`]); a trailing `/` is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.base_url = Some(base_url.into());
        self
    }

    /// How many times a failed request is retried (default 2); takes precedence over [`ClientBuilder::retry_policy`].
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.config.max_retries = Some(max_retries);
        self
    }

    /// The timeout of one attempt, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// The timeout to establish a connection (default 10 s); ignored with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry_policy = Some(policy);
        self
    }

    /// How many pages a listing stream fetches at most before yielding [`Error::TooManyPages`] (default 10 000).
    pub fn max_pages(mut self, max_pages: u64) -> Self {
        self.config.max_pages = Some(max_pages);
        self
    }

    /// The largest 2xx body accepted, in bytes (default 32 MiB, twice the API's largest pages);
    /// a longer one is [`Error::BodyTooLarge`], read no further than the cap. Error bodies are
    /// kept up to 64 KiB whatever the cap.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config.max_body_size = Some(bytes);
        self
    }

    /// A preconfigured HTTP client (proxies, TLS roots, ...); its own timeouts still apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http_client = Some(client);
        self
    }

    /// A header sent with every request (default: none besides the client's own). Added twice,
    /// a name is sent with both values. It replaces the client's `User-Agent`, `Accept` or
    /// `Content-Type` of the same name, and is itself replaced by an operation's header parameter
    /// or a request's own header of the same name. `Authorization` cannot be set: it is the
    /// client's, from [`ClientBuilder::api_token`].
    ///
    /// An invalid name or value (a control character such as a newline, a non-ASCII
    /// character), or `Authorization`, makes [`ClientBuilder::build`] fail with
    /// [`Error::Config`] naming the header (never quoting the value).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.default_headers.push((name.into(), value.into()));
        self
    }

    /// Installs a [`Hook`], called on every attempt of every request before it is sent and on
    /// every answer when it arrives (default: none). Hooks run in the order they were installed;
    /// they never see the API token (see [`Hook`]).
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.config.hooks.push(Arc::new(hook));
        self
    }

    /// Builds the client; a missing or empty token, a token that starts with `Bearer ` or holds
    /// anything but visible ASCII (surrounding whitespace aside), an invalid base URL or an
    /// invalid default header is an [`Error::Config`], which never shows the token.
    pub fn build(self) -> Result<C, Error> {
        self.config.build().map(C::from)
    }

    /// Builds a client configured from the process environment: `CLOUDFLARE_API_TOKEN` (required)
    /// and `CLOUDFLARE_BASE_URL` (optional) override what was set on the builder.
    pub fn build_from_env(self) -> Result<C, Error> {
        self.build_from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::build_from_env`], reading variables through `var` instead of the
    /// process environment.
    pub fn build_from_env_with(mut self, mut var: impl FnMut(&str) -> Option<String>) -> Result<C, Error> {
        self.config.read_env(&mut var)?;
        self.build()
    }
}

impl Config {
    /// Takes the token and, if set, the base URL from the variables `var` reads.
    fn read_env(&mut self, var: &mut dyn FnMut(&str) -> Option<String>) -> Result<(), Error> {
        let token = match var(TOKEN_VAR) {
            None => {
                return Err(Error::config(format!(
                    "environment variable {TOKEN_VAR} is not set; set it to a Cloudflare API token with Realtime permissions"
                )));
            }
            Some(token) if token.trim().is_empty() => {
                return Err(Error::config(format!(
                    "environment variable {TOKEN_VAR} is empty; set it to a Cloudflare API token with Realtime permissions"
                )));
            }
            Some(token) => token,
        };
        self.api_token = Some(ApiToken(token));
        if let Some(base_url) = var(BASE_URL_VAR).filter(|v| !v.trim().is_empty()) {
            parse_base_url(&base_url)
                .map_err(|reason| Error::config(format!("environment variable {BASE_URL_VAR}: {reason}")))?;
            self.base_url = Some(base_url);
        }
        Ok(())
    }

    fn build(self) -> Result<Client, Error> {
        let token = match &self.api_token {
            Some(ApiToken(token)) if !token.trim().is_empty() => token,
            _ => {
                return Err(Error::config(format!(
                    "no API token: call ClientBuilder::api_token or set {TOKEN_VAR} and use Client::from_env"
                )));
            }
        };
        let token = token.trim();
        check_token(token).map_err(Error::config)?;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| Error::config("the API token contains characters not allowed in an HTTP header"))?;
        authorization.set_sensitive(true);
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(self.default_base_url))
            .map_err(|reason| Error::config(format!("invalid base URL: {reason}")))?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (name, value) = parse_extra_header(name, value, "as a default header")
                .map_err(|reason| Error::config(format!("default header `{}` {reason}", capped(name, TEXT_CHARS))))?;
            default_headers.append(name, value);
        }
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| Error::config(format!("could not create the HTTP client: {e}")))?,
        };
        let mut retry = self.retry_policy.unwrap_or_default();
        if let Some(max_retries) = self.max_retries {
            retry = retry.with_max_retries(max_retries);
        }
        Ok(Client::new(Inner {
            http,
            base_url,
            authorization,
            retry,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            max_pages: self.max_pages.unwrap_or(DEFAULT_MAX_PAGES),
            max_body_size: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            default_headers,
            hooks: self.hooks,
        }))
    }
}

/// What a generated crate's `Client::builder()` and `Client::from_env_with` do, for the tests
/// of the runtime.
#[cfg(test)]
impl Client {
    pub(crate) fn builder() -> ClientBuilder {
        ClientBuilder::new(crate::DEFAULT_BASE_URL)
    }

    pub(crate) fn from_env_with(var: impl FnMut(&str) -> Option<String>) -> Result<Client, Error> {
        Client::builder().build_from_env_with(var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "sekrit-token-123";

    #[test]
    fn debug_redacts_the_token() {
        let builder = Client::builder().api_token(TOKEN);
        let shown = format!("{builder:?}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let client = builder.build().expect("valid client");
        let shown = format!("{client:?}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(shown.contains("api.cloudflare.com"), "{shown}");
    }

    #[test]
    fn default_headers_are_checked_by_build() {
        let bad = [
            ("bad name", "x", "not a valid HTTP header name"),
            ("X-Sig", "a\nb", "not allowed"),
            ("authorization", "Bearer other", "cannot be set as a default header"),
        ];
        for (name, value, expected) in bad {
            match Client::builder().api_token(TOKEN).default_header("X-Ok", "1").default_header(name, value).build() {
                Err(Error::Config { reason }) => {
                    assert!(reason.contains(name) && reason.contains(expected), "{reason}");
                    assert!(!reason.contains(value), "{reason}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let client = Client::builder().api_token(TOKEN).default_header("X-Team", "secret-ish").build().expect("valid");
        let shown = format!("{client:?}");
        assert!(shown.contains("x-team") && !shown.contains("secret-ish"), "{shown}");
    }

    #[test]
    fn build_requires_a_token() {
        for builder in [Client::builder(), Client::builder().api_token(""), Client::builder().api_token("  ")] {
            match builder.build() {
                Err(Error::Config { reason }) => assert!(reason.contains("API token"), "{reason}"),
                other => panic!("{other:?}"),
            }
        }
        match Client::builder().api_token("bad\ntoken-value").build() {
            Err(e @ Error::Config { .. }) => assert!(!e.to_string().contains("token-value"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn base_url_is_validated_and_trimmed() {
        for bad in ["not a url", "ftp://example.com", "https://example.com/v4?x=1", "/relative", "mailto:a@b.c"] {
            match Client::builder().api_token(TOKEN).base_url(bad).build() {
                Err(Error::Config { reason }) => {
                    assert!(reason.contains("base URL"), "{bad}: {reason}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        let client =
            Client::builder().api_token(TOKEN).base_url("http://127.0.0.1:9/client/v4/").build().expect("valid");
        assert_eq!(client.base_url(), "http://127.0.0.1:9/client/v4");
        let client = Client::builder().api_token(TOKEN).build().expect("valid");
        assert_eq!(client.base_url(), crate::DEFAULT_BASE_URL);
    }

    #[test]
    fn from_env_errors_name_the_variable() {
        match Client::from_env_with(|_| None) {
            Err(Error::Config { reason }) => {
                assert!(reason.contains("CLOUDFLARE_API_TOKEN") && reason.contains("not set"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        match Client::from_env_with(|_| Some(String::new())) {
            Err(Error::Config { reason }) => {
                assert!(reason.contains("CLOUDFLARE_API_TOKEN") && reason.contains("empty"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let env = |bad_url: &'static str| {
            move |name: &str| match name {
                "CLOUDFLARE_API_TOKEN" => Some(TOKEN.to_owned()),
                "CLOUDFLARE_BASE_URL" => Some(bad_url.to_owned()),
                _ => None,
            }
        };
        match Client::from_env_with(env("nope")) {
            Err(e @ Error::Config { .. }) => {
                let shown = e.to_string();
                assert!(shown.contains("CLOUDFLARE_BASE_URL"), "{shown}");
                assert!(!shown.contains(TOKEN), "{shown}");
            }
            other => panic!("{other:?}"),
        }
        let client = Client::from_env_with(env("http://localhost:8080/")).expect("valid env");
        assert_eq!(client.base_url(), "http://localhost:8080");
        let client = Client::from_env_with(env("")).expect("empty base URL means default");
        assert_eq!(client.base_url(), crate::DEFAULT_BASE_URL);
    }
}
