//! [`ClientConfig`]: what a generated crate tells the runtime about its API — default base URL,
//! user agent, environment variables, security schemes and the shape of its error bodies — so
//! that the runtime itself names no API.

use serde_json::Value;

use crate::ApiError;
use crate::auth::{Scheme, SchemeKind, Security};
use crate::error::{ApiErrorDetail, detail_from};

/// What a generated crate tells the runtime about its API; built in a `const` with the `const`
/// setters below and handed to [`ClientBuilder::with_config`](crate::ClientBuilder::with_config).
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig {
    pub(crate) default_base_url: &'static str,
    pub(crate) user_agent: &'static str,
    pub(crate) env_prefix: &'static str,
    pub(crate) schemes: &'static [Scheme],
    pub(crate) security: Security,
    pub(crate) error_envelope: ErrorEnvelope,
}

/// What an API's error bodies hold beyond the shapes every client reads (RFC 7807 problem
/// details, `{"error": ..}`, `{"message": ..}`), and what its authentication errors should say;
/// from the spec's `x-error-envelope` extension.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorEnvelope {
    pub(crate) details: Option<&'static str>,
    pub(crate) auth_hint: Option<&'static str>,
}

impl ErrorEnvelope {
    /// Reads nothing beyond the common shapes, and gives no hint.
    pub const fn new() -> Self {
        ErrorEnvelope { details: None, auth_hint: None }
    }

    /// The property of an error body holding a list of `{"code", "message"}` objects (or strings).
    pub const fn details(mut self, property: &'static str) -> Self {
        self.details = Some(property);
        self
    }

    /// Added to the message of an HTTP 401 or 403 error.
    pub const fn auth_hint(mut self, hint: &'static str) -> Self {
        self.auth_hint = Some(hint);
        self
    }
}

/// The one scheme of a client configured with [`ClientConfig::new`] alone: a bearer token.
const BEARER: &[Scheme] = &[Scheme { name: "bearer", kind: SchemeKind::Bearer }];

impl ClientConfig {
    /// An API at `default_base_url` that takes a bearer token ([`ClientBuilder::api_token`](crate::ClientBuilder::api_token))
    /// on every request, read from `OPENAPI_API_TOKEN` by `from_env`, with the runtime's name as
    /// its user agent; the other setters change each of these.
    pub const fn new(default_base_url: &'static str) -> Self {
        ClientConfig {
            default_base_url,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            env_prefix: "OPENAPI",
            schemes: BEARER,
            security: &[&["bearer"]],
            error_envelope: ErrorEnvelope::new(),
        }
    }

    /// The `User-Agent` of every request, e.g. `"museum-api/0.1.0"`.
    pub const fn user_agent(mut self, user_agent: &'static str) -> Self {
        self.user_agent = user_agent;
        self
    }

    /// The prefix of the environment variables `from_env` reads: `PREFIX_API_TOKEN`,
    /// `PREFIX_USERNAME` and `PREFIX_PASSWORD`, `PREFIX_API_KEY` and `PREFIX_BASE_URL`.
    pub const fn env_prefix(mut self, prefix: &'static str) -> Self {
        self.env_prefix = prefix;
        self
    }

    /// The API's security schemes and its default requirement (the spec's global `security`),
    /// which requests without one of their own and [`Client::raw`](crate::Client::raw) use.
    pub const fn security(mut self, schemes: &'static [Scheme], security: Security) -> Self {
        self.schemes = schemes;
        self.security = security;
        self
    }

    /// The shape of the API's error bodies (see [`ErrorEnvelope`]).
    pub const fn error_envelope(mut self, envelope: ErrorEnvelope) -> Self {
        self.error_envelope = envelope;
        self
    }

    /// The name of the environment variable `PREFIX_SUFFIX`.
    pub(crate) fn var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.env_prefix)
    }

    /// How a caller provides the credentials of one alternative, for error messages.
    pub(crate) fn describe(&self, alternative: &[&str]) -> String {
        let parts: Vec<String> = alternative
            .iter()
            .map(|name| match self.schemes.iter().find(|s| s.name == *name).map(|s| s.kind) {
                Some(SchemeKind::Bearer) => {
                    format!("an API token (ClientBuilder::api_token, or {})", self.var("API_TOKEN"))
                }
                Some(SchemeKind::Basic) => format!(
                    "a user name and password (ClientBuilder::basic_auth, or {} and {})",
                    self.var("USERNAME"),
                    self.var("PASSWORD")
                ),
                Some(_) => format!("the API key `{name}` (ClientBuilder::api_key, or {})", self.var("API_KEY")),
                None => format!("`{name}`, which is not a scheme of this API"),
            })
            .collect();
        parts.join(" and ")
    }
}

impl ApiError {
    /// Adds what the API's error envelope says: the details of its list property, and its hint.
    pub(crate) fn with_envelope(mut self, envelope: &ErrorEnvelope) -> Self {
        self.auth_hint = envelope.auth_hint;
        if let Some(property) = envelope.details
            && !self.body_truncated
            && let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(&self.body)
            && let Some(Value::Array(items)) = root.get(property)
        {
            let listed: Vec<ApiErrorDetail> = items.iter().filter_map(detail_from).collect();
            // The list comes first; a top-level message that repeats one of it is dropped.
            self.details.retain(|d| !listed.contains(d));
            self.details.splice(0..0, listed);
        }
        self
    }
}
