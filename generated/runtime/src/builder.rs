//! [`ClientBuilder`]: the configuration of a [`Client`], its defaults, the environment
//! variables it reads and the checks of the credentials and base URL.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::auth::{Credentials, Given, SchemeKind, Secret};
use crate::client::Inner;
use crate::config::ClientConfig;
use crate::error::{TEXT_CHARS, capped};
use crate::request::parse_extra_header;
use crate::{Client, Error, Hook, RetryPolicy};

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
#[derive(Clone)]
struct Config {
    api: ClientConfig,
    credentials: Given,
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
            .field("credentials", &config.credentials)
            .field("base_url", &config.base_url.as_deref().unwrap_or(config.api.default_base_url))
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
    /// A builder whose base URL is `default_base_url` unless [`ClientBuilder::base_url`] sets one,
    /// for an API that takes a bearer token on every request (see [`ClientConfig::new`]).
    pub fn new(default_base_url: &'static str) -> Self {
        Self::with_config(ClientConfig::new(default_base_url))
    }

    /// A builder for the API that `config` describes: what a generated crate's
    /// `Client::builder()` starts with.
    pub fn with_config(api: ClientConfig) -> Self {
        let config = Config {
            api,
            credentials: Given::default(),
            base_url: None,
            max_retries: None,
            timeout: None,
            connect_timeout: None,
            retry_policy: None,
            max_pages: None,
            max_body_size: None,
            http_client: None,
            default_headers: Vec::new(),
            hooks: Vec::new(),
        };
        ClientBuilder { config, client: PhantomData }
    }

    /// The API token sent as `Authorization: Bearer <token>` by the operations that use a bearer
    /// scheme (HTTP `bearer`, and the access token of `oauth2` and `openIdConnect` schemes,
    /// which the client does not obtain itself). The same as [`ClientBuilder::bearer_token`].
    pub fn api_token(self, token: impl Into<String>) -> Self {
        self.bearer_token(token)
    }

    /// The bearer token of every bearer scheme of the API (see [`ClientBuilder::api_token`]).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.config.credentials.bearer = Some(Secret(token.into()));
        self
    }

    /// The bearer token of the scheme called `scheme` in the spec alone, for an API whose bearer
    /// schemes take different tokens; it takes precedence over [`ClientBuilder::bearer_token`]
    /// for that scheme. A name that is not a bearer scheme of the API makes
    /// [`ClientBuilder::build`] fail.
    pub fn bearer_token_for(mut self, scheme: impl Into<String>, token: impl Into<String>) -> Self {
        self.config.credentials.tokens.push((scheme.into(), Secret(token.into())));
        self
    }

    /// The user name and password of every HTTP `basic` scheme of the API, sent as
    /// `Authorization: Basic <base64 of user:password>`.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.config.credentials.basic = Some((Secret(user.into()), Secret(password.into())));
        self
    }

    /// The API key of the `apiKey` scheme called `scheme` in the spec, sent in the header, query
    /// parameter or cookie the scheme names. A name that is not an API key scheme of the API
    /// makes [`ClientBuilder::build`] fail.
    pub fn api_key(mut self, scheme: impl Into<String>, key: impl Into<String>) -> Self {
        self.config.credentials.keys.push((scheme.into(), Secret(key.into())));
        self
    }

    /// Placeholder credentials for every scheme of the API (`value` as the token, the user name,
    /// the password and every key): what a mock server's client sends.
    #[doc(hidden)]
    pub fn placeholder_credentials(mut self, value: &str) -> Self {
        let credentials = &mut self.config.credentials;
        credentials.bearer = Some(Secret(value.to_owned()));
        credentials.basic = Some((Secret(value.to_owned()), Secret(value.to_owned())));
        for scheme in self.config.api.schemes {
            if !matches!(scheme.kind, SchemeKind::Bearer | SchemeKind::Basic) {
                credentials.keys.push((scheme.name.to_owned(), Secret(value.to_owned())));
            }
        }
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

    /// Builds the client. Credentials the API's default requirement (the spec's global
    /// `security`) needs but that were not given, a token that starts with `Bearer ` or holds
    /// anything but visible ASCII (surrounding whitespace aside), an API key for a scheme the API
    /// does not have, an invalid base URL or an invalid default header is an [`Error::Config`],
    /// which never shows a credential.
    pub fn build(self) -> Result<C, Error> {
        self.config.build(false).map(C::from)
    }

    /// Builds a client configured from the process environment, whose variables override what
    /// was set on the builder: with the prefix of the API (see [`ClientConfig::env_prefix`]),
    /// `PREFIX_API_TOKEN` (bearer schemes), `PREFIX_USERNAME` and
    /// `PREFIX_PASSWORD` (basic schemes), `PREFIX_API_KEY` (every API key scheme) and
    /// `PREFIX_BASE_URL`. Those the API's default requirement needs must be set.
    pub fn build_from_env(self) -> Result<C, Error> {
        self.build_from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::build_from_env`], reading variables through `var` instead of the
    /// process environment.
    pub fn build_from_env_with(mut self, mut var: impl FnMut(&str) -> Option<String>) -> Result<C, Error> {
        self.config.read_env(&mut var)?;
        self.config.build(true).map(C::from)
    }
}

impl Config {
    /// Takes the credentials and, if set, the base URL from the variables `var` reads; a variable
    /// that is set but empty is an error.
    fn read_env(&mut self, var: &mut dyn FnMut(&str) -> Option<String>) -> Result<(), Error> {
        let api = self.api;
        let mut read = |suffix: &str| -> Result<Option<String>, Error> {
            let name = api.var(suffix);
            match var(&name) {
                Some(value) if value.trim().is_empty() => {
                    Err(Error::config(format!("environment variable {name} is empty; set it or unset it")))
                }
                other => Ok(other),
            }
        };
        let kinds = || api.schemes.iter().map(|s| s.kind);
        if kinds().any(|k| k == SchemeKind::Bearer)
            && let Some(token) = read("API_TOKEN")?
        {
            self.credentials.bearer = Some(Secret(token));
        }
        if kinds().any(|k| k == SchemeKind::Basic)
            && let (Some(user), Some(password)) = (read("USERNAME")?, read("PASSWORD")?)
        {
            self.credentials.basic = Some((Secret(user), Secret(password)));
        }
        if kinds().any(|k| matches!(k, SchemeKind::Header(_) | SchemeKind::Query(_) | SchemeKind::Cookie(_)))
            && let Some(key) = read("API_KEY")?
        {
            for scheme in api.schemes {
                if !matches!(scheme.kind, SchemeKind::Bearer | SchemeKind::Basic) {
                    self.credentials.keys.push((scheme.name.to_owned(), Secret(key.clone())));
                }
            }
        }
        let base_url_var = api.var("BASE_URL");
        if let Some(base_url) = var(&base_url_var).filter(|v| !v.trim().is_empty()) {
            parse_base_url(&base_url)
                .map_err(|reason| Error::config(format!("environment variable {base_url_var}: {reason}")))?;
            self.base_url = Some(base_url);
        }
        Ok(())
    }

    /// Builds the client; `from_env` says whether the credentials were looked for in the
    /// environment, which the error for missing ones then names.
    fn build(self, from_env: bool) -> Result<Client, Error> {
        let api = self.api;
        let credentials = Credentials::new(api.schemes, api.security, &self.credentials).map_err(Error::config)?;
        if !credentials.satisfies(api.security) {
            let needs: Vec<String> = api.security.iter().map(|alternative| api.describe(alternative)).collect();
            let needs = needs.join(", or ");
            return Err(Error::config(if from_env {
                format!("environment variables not set: this API needs {needs}")
            } else {
                format!("no credentials: this API needs {needs} (or set the variables and use Client::from_env)")
            }));
        }
        let user_agent = HeaderValue::from_str(api.user_agent)
            .map_err(|_| Error::config("the user agent contains characters not allowed in an HTTP header"))?;
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(api.default_base_url))
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
            credentials,
            user_agent,
            config: api,
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
        ClientBuilder::with_config(ClientConfig::new(crate::DEFAULT_BASE_URL).env_prefix("EXAMPLE"))
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
        assert!(shown.contains("api.example.com"), "{shown}");
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
                assert!(reason.contains("EXAMPLE_API_TOKEN") && reason.contains("not set"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        match Client::from_env_with(|_| Some(String::new())) {
            Err(Error::Config { reason }) => {
                assert!(reason.contains("EXAMPLE_API_TOKEN") && reason.contains("empty"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let env = |bad_url: &'static str| {
            move |name: &str| match name {
                "EXAMPLE_API_TOKEN" => Some(TOKEN.to_owned()),
                "EXAMPLE_BASE_URL" => Some(bad_url.to_owned()),
                _ => None,
            }
        };
        match Client::from_env_with(env("nope")) {
            Err(e @ Error::Config { .. }) => {
                let shown = e.to_string();
                assert!(shown.contains("EXAMPLE_BASE_URL"), "{shown}");
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
