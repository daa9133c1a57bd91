//! Authentication from the spec: the API's security schemes as the generated crate describes
//! them ([`Scheme`]), each operation's requirement ([`Security`]), the credentials a client holds
//! for the schemes, and how the chosen ones are written into a request.
//!
//! A requirement lists alternatives; each alternative names schemes that are all sent together
//! (OpenAPI's `security`: OR between the list's entries, AND within one). The client sends the
//! first alternative for which it holds every credential; an empty alternative (or an empty
//! requirement, `security: []`) sends none. Credentials are written after the hooks have run,
//! so no hook sees them, and every value is marked sensitive or kept out of `Debug`.

use std::fmt;

use base64::Engine as _;
use percent_encoding::utf8_percent_encode;
use reqwest::header::{self, HeaderName, HeaderValue};

use crate::Error;

/// One security scheme of the API (an entry of `components.securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's name in the spec, which requirements and [`ClientBuilder::api_key`](crate::ClientBuilder::api_key) use.
    pub name: &'static str,
    /// How its credential is sent.
    pub kind: SchemeKind,
}

/// How a scheme's credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: HTTP `bearer`, and the access tokens of `oauth2` and
    /// `openIdConnect` schemes (obtaining them is left to the caller).
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`: HTTP `basic`.
    Basic,
    /// An API key in the header of this name.
    Header(&'static str),
    /// An API key in the query parameter of this name.
    Query(&'static str),
    /// An API key in the cookie of this name.
    Cookie(&'static str),
}

/// A security requirement: alternatives, each the names of the schemes sent together.
pub type Security = &'static [&'static [&'static str]];

/// A secret; its `Debug` never shows the value.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt("<redacted>", f)
    }
}

/// What the builder was given: a bearer token and a user name and password for every scheme of
/// those kinds, and tokens and API keys by scheme name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Given {
    pub(crate) bearer: Option<Secret>,
    pub(crate) basic: Option<(Secret, Secret)>,
    pub(crate) keys: Vec<(String, Secret)>,
    /// Bearer tokens of one scheme each, which take precedence over `bearer` for it.
    pub(crate) tokens: Vec<(String, Secret)>,
}

/// `Authorization: Bearer <token>` for a token (trimmed; empty means none), checked without
/// ever quoting it.
fn bearer_value(token: &str) -> Result<Option<HeaderValue>, String> {
    let token = token.trim();
    if token.get(..7).is_some_and(|start| start.eq_ignore_ascii_case("bearer ")) {
        return Err("the API token starts with `Bearer `: give the token alone, the client sends \
                    `Authorization: Bearer <token>` itself"
            .to_owned());
    }
    check_visible("the API token", token)?;
    (!token.is_empty()).then(|| sensitive(&format!("Bearer {token}"), "the API token")).transpose()
}

/// A credential ready to be written into a request.
#[derive(Clone)]
enum Ready {
    /// `Authorization`, or an API key's header.
    Header(HeaderName, HeaderValue),
    /// `name=value`, percent-encoded, appended to the query.
    Query(String),
    /// `name=value`, added to the `Cookie` header.
    Cookie(String),
}

/// The credentials of a built client, one slot per scheme of the API.
#[derive(Clone)]
pub(crate) struct Credentials {
    schemes: &'static [Scheme],
    default: Security,
    ready: Vec<Option<Ready>>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The names of the schemes the client holds a credential for, never the values.
        let mut map = f.debug_map();
        for (scheme, ready) in self.schemes.iter().zip(&self.ready) {
            if ready.is_some() {
                map.entry(&scheme.name, &"<redacted>");
            }
        }
        map.finish()
    }
}

/// The characters an API key sent as a query parameter keeps as they are (RFC 3986 unreserved).
const QUERY: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Checks a credential's shape without ever quoting it: visible ASCII only.
fn check_visible(what: &str, value: &str) -> Result<(), String> {
    if let Some((at, c)) = value.chars().enumerate().find(|(_, c)| !c.is_ascii_graphic()) {
        let kind = if c.is_whitespace() {
            "whitespace"
        } else if c.is_control() {
            "a control character"
        } else {
            "a non-ASCII character"
        };
        return Err(format!(
            "{what} contains {kind} at character {}; it must be visible ASCII only \
             (check for a stray quote, line break or copy-paste artefact)",
            at + 1
        ));
    }
    Ok(())
}

/// A header value marked sensitive, so that `Debug` never shows it.
fn sensitive(value: &str, what: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| format!("{what} contains characters not allowed in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl Credentials {
    /// Checks what was given against the API's schemes and prepares each credential.
    pub(crate) fn new(schemes: &'static [Scheme], default: Security, given: &Given) -> Result<Self, String> {
        for (name, _) in &given.keys {
            if !schemes.iter().any(|s| {
                s.name == name && matches!(s.kind, SchemeKind::Header(_) | SchemeKind::Query(_) | SchemeKind::Cookie(_))
            }) {
                let known: Vec<String> = schemes
                    .iter()
                    .filter(|s| matches!(s.kind, SchemeKind::Header(_) | SchemeKind::Query(_) | SchemeKind::Cookie(_)))
                    .map(|s| format!("`{}`", s.name))
                    .collect();
                let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
                return Err(format!(
                    "an API key was given for `{name}`, which is not an API key scheme of this API (its API key schemes: {known})"
                ));
            }
        }
        for (name, _) in &given.tokens {
            if !schemes.iter().any(|s| s.name == name && s.kind == SchemeKind::Bearer) {
                let known: Vec<String> =
                    schemes.iter().filter(|s| s.kind == SchemeKind::Bearer).map(|s| format!("`{}`", s.name)).collect();
                let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
                return Err(format!(
                    "a bearer token was given for `{name}`, which is not a bearer scheme of this API (its bearer schemes: {known})"
                ));
            }
        }
        let bearer = match &given.bearer {
            Some(Secret(token)) => bearer_value(token)?,
            None => None,
        };
        let basic = match &given.basic {
            Some((Secret(user), Secret(password))) => {
                if user.contains(':') {
                    return Err(
                        "the user name of basic authentication contains `:`, which basic authentication cannot send"
                            .to_owned(),
                    );
                }
                if user.chars().chain(password.chars()).any(char::is_control) {
                    return Err(
                        "the user name or password of basic authentication contains a control character".to_owned()
                    );
                }
                // RFC 7617: base64 of the UTF-8 `user:password`.
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Some(sensitive(&format!("Basic {encoded}"), "the password")?)
            }
            None => None,
        };
        let mut ready = Vec::with_capacity(schemes.len());
        for scheme in schemes {
            let key =
                given.keys.iter().rev().find(|(name, _)| name == scheme.name).map(|(_, Secret(key))| key.as_str());
            let what = format!("the API key `{}`", scheme.name);
            ready.push(match (scheme.kind, key) {
                (SchemeKind::Bearer, _) => {
                    let own = given.tokens.iter().rev().find(|(name, _)| name == scheme.name);
                    let value = match own {
                        Some((_, Secret(token))) => bearer_value(token)?,
                        None => bearer.clone(),
                    };
                    value.map(|value| Ready::Header(header::AUTHORIZATION, value))
                }
                (SchemeKind::Basic, _) => basic.clone().map(|value| Ready::Header(header::AUTHORIZATION, value)),
                (_, None) => None,
                (_, Some("")) => return Err(format!("{what} is empty")),
                (SchemeKind::Header(name), Some(key)) => {
                    check_visible(&what, key)?;
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| format!("the header of {what} is not a valid HTTP header name"))?;
                    Some(Ready::Header(name, sensitive(key, &what)?))
                }
                (SchemeKind::Query(name), Some(key)) => {
                    let pair = format!("{}={}", utf8_percent_encode(name, QUERY), utf8_percent_encode(key, QUERY));
                    Some(Ready::Query(pair))
                }
                (SchemeKind::Cookie(name), Some(key)) => {
                    // RFC 6265 cookie-octets: visible ASCII but `"`, `,`, `;` and `\`.
                    check_visible(&what, key)?;
                    if key.contains(['"', ',', ';', '\\']) {
                        return Err(format!("{what} contains `\"`, `,`, `;` or `\\`, which a cookie cannot hold"));
                    }
                    Some(Ready::Cookie(format!("{name}={key}")))
                }
            });
        }
        Ok(Credentials { schemes, default, ready })
    }

    /// The API's default requirement (its global `security`).
    pub(crate) fn default_security(&self) -> Security {
        self.default
    }

    /// Whether the client holds every credential of some alternative of `security` (always, for
    /// an empty requirement).
    pub(crate) fn satisfies(&self, security: Security) -> bool {
        self.choose(security).is_some()
    }

    /// The slots of the first alternative whose credentials the client holds all of.
    fn choose(&self, security: Security) -> Option<Vec<usize>> {
        if security.is_empty() {
            return Some(Vec::new());
        }
        security.iter().find_map(|alternative| {
            alternative
                .iter()
                .map(|name| {
                    self.schemes
                        .iter()
                        .position(|s| s.name == *name)
                        .filter(|i| self.ready.get(*i).is_some_and(Option::is_some))
                })
                .collect()
        })
    }

    /// The credentials to send for `security`, or an error that says which are missing, before
    /// anything is sent.
    pub(crate) fn select(&self, security: Security, hint: &dyn Fn(&[&str]) -> String) -> Result<Selected<'_>, Error> {
        match self.choose(security) {
            Some(slots) => Ok(Selected { credentials: self, slots }),
            None => {
                let alternatives: Vec<String> = security.iter().map(|alternative| hint(alternative)).collect();
                Err(Error::config(format!(
                    "this operation needs credentials the client was not given: {}",
                    alternatives.join(", or ")
                )))
            }
        }
    }
}

/// The credentials chosen for one request.
pub(crate) struct Selected<'a> {
    credentials: &'a Credentials,
    slots: Vec<usize>,
}

impl Selected<'_> {
    /// Writes the credentials into the request: headers replace any of the same name, query
    /// pairs are appended, cookies added to the `Cookie` header.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        for slot in &self.slots {
            let Some(Some(ready)) = self.credentials.ready.get(*slot) else { continue };
            match ready {
                Ready::Header(name, value) => {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
                Ready::Query(pair) => {
                    let url = request.url_mut();
                    let query = match url.query().filter(|q| !q.is_empty()) {
                        Some(query) => format!("{query}&{pair}"),
                        None => pair.clone(),
                    };
                    url.set_query(Some(&query));
                }
                Ready::Cookie(pair) => {
                    let headers = request.headers_mut();
                    let cookie = match headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                        Some(existing) if !existing.is_empty() => format!("{existing}; {pair}"),
                        _ => pair.clone(),
                    };
                    if let Ok(mut value) = HeaderValue::from_str(&cookie) {
                        value.set_sensitive(true);
                        headers.insert(header::COOKIE, value);
                    }
                }
            }
        }
    }
}
