//! A prepared API request (path, query, headers, body, per-request options), built by the generated operations.

use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;
use crate::error::{TEXT_CHARS, capped};

pub use crate::form::FieldEncoding;
pub use crate::path::{PathStyle, path_styled};
pub use crate::query::{DisplayList, ListStyle, ObjectStyle, Query, QueryValue, list, object, one, reserved, simple};
pub use reqwest::Method;

/// Every byte outside RFC 3986 `unreserved` (ALPHA DIGIT `-` `.` `_` `~`) is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Per-request overrides, held by each emitted request builder as a field `options`.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Overrides the client's retry count for this request.
    pub max_retries: Option<u32>,
    /// Overrides the client's per-attempt timeout for this request.
    pub timeout: Option<Duration>,
    /// Overrides the client's cap on the size of a 2xx body for this request.
    pub max_body_size: Option<usize>,
    /// Retries a POST or PATCH after any retryable failure, as if it were idempotent (by default
    /// it is retried only when it certainly did not reach the server or the server asked for it).
    pub retry_non_idempotent: bool,
    /// Extra headers of this request, set with [`RequestOptions::header`].
    pub headers: ExtraHeaders,
}

impl RequestOptions {
    /// Adds a header to this request (a second value of the same name is added, not replacing
    /// the first). It replaces a header of the same name that the client would send otherwise
    /// (its default headers, `User-Agent`, `Accept`, `Content-Type`, the operation's header
    /// parameters), except `Authorization`, which is the client's alone.
    ///
    /// An invalid name or value, or `Authorization`, is not sent: it is recorded, and sending
    /// the request returns it as [`Error::InvalidArgument`] before anything is sent (the first
    /// such header is reported).
    pub fn header(&mut self, name: &str, value: &str) {
        if self.headers.invalid.is_some() {
            return;
        }
        match parse_extra_header(name, value, "per request") {
            Ok((name, value)) => {
                self.headers.map.append(name, value);
            }
            Err(reason) => self.headers.invalid = Some((capped(name, TEXT_CHARS).into_owned(), reason)),
        }
    }
}

/// The extra headers of one request (see [`RequestOptions::header`]): the valid ones, and the
/// first rejected one, reported when the request is built.
#[derive(Debug, Clone, Default)]
pub struct ExtraHeaders {
    map: HeaderMap,
    invalid: Option<(String, String)>,
}

impl ExtraHeaders {
    /// The headers, or the first header that was rejected.
    pub(crate) fn checked(&self) -> Result<&HeaderMap, Error> {
        match &self.invalid {
            None => Ok(&self.map),
            Some((name, reason)) => Err(Error::invalid_argument(name.clone(), reason.clone())),
        }
    }
}

/// Checks a header that a user adds (per request, `where_` said in the reason, or client-wide):
/// a valid name, a value without control characters, and not `Authorization`, which the client
/// sets from its token. The value is marked sensitive, so that `Debug` never shows it.
pub(crate) fn parse_extra_header(name: &str, value: &str, where_: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| "is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)".to_owned())?;
    if header_name == reqwest::header::AUTHORIZATION {
        return Err(format!(
            "`Authorization` cannot be set {where_}: the client sends `Authorization` from its credentials \
             (ClientBuilder::api_token, ClientBuilder::basic_auth); use a client built with other credentials instead"
        ));
    }
    // The value is never quoted: it may be a secret.
    let mut header_value = HeaderValue::from_str(value).map_err(|_| {
        "has a value with characters not allowed in an HTTP header (a control character such as a newline, \
         or a non-ASCII character)"
            .to_owned()
    })?;
    header_value.set_sensitive(true);
    Ok((header_name, header_value))
}

/// Expands `{name}` placeholders of an OpenAPI path template with percent-encoded values.
///
/// Every byte outside RFC 3986 unreserved is encoded (`/`, `?`, `#`, `%`, space, non-ASCII).
/// An empty value, `.` or `..` is rejected, and so is a placeholder missing from `params`.
#[cfg_attr(not(feature = "mock"), allow(dead_code, reason = "the mock server's and the tests' entry point"))]
pub(crate) fn expand_path(template: &'static str, params: &[(&'static str, &str)]) -> Result<String, Error> {
    expand_path_with(template, params, &[])
}

/// [`expand_path`], with `styled` values already written and percent-encoded by
/// [`path_styled`](crate::path::path_styled), inserted as they are.
pub(crate) fn expand_path_with(
    template: &'static str,
    params: &[(&'static str, &str)],
    styled: &[(&'static str, &str)],
) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(Error::invalid_argument(
                "path",
                format!("unterminated placeholder in path template `{template}`"),
            ));
        };
        let name = &after[..close];
        if let Some((_, written)) = styled.iter().find(|(n, _)| *n == name) {
            out.push_str(written);
            rest = &after[close + 1..];
            continue;
        }
        let Some((_, value)) = params.iter().find(|(n, _)| *n == name) else {
            return Err(Error::invalid_argument(name, format!("no value given for path template `{template}`")));
        };
        match *value {
            "" => return Err(Error::invalid_argument(name, "must not be empty")),
            "." | ".." => {
                return Err(Error::invalid_argument(name, format!("must not be `{value}` (a path segment)")));
            }
            _ => {}
        }
        out.extend(utf8_percent_encode(value, ENCODE));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A request body and its content type.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) content_type: HeaderValue,
    pub(crate) bytes: Bytes,
}

/// One API call, ready to be sent (and re-sent on retry) by `Client::send`.
#[derive(Debug, Clone)]
pub struct Request {
    /// The query string.
    pub(crate) query: Query,
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) options: RequestOptions,
    /// The operation's security requirement; `None` for the API's default (see [`Request::set_security`]).
    pub(crate) security: Option<crate::auth::Security>,
}

impl Request {
    /// A request for `path` (already expanded from `path_template`, see [`expand_path`]).
    pub(crate) fn new(method: Method, path_template: &'static str, path: String, options: &RequestOptions) -> Self {
        Request {
            query: Query::default(),
            method,
            path_template,
            path,
            headers: HeaderMap::new(),
            body: None,
            options: options.clone(),
            security: None,
        }
    }

    /// A request for `path_template` with its `{name}` placeholders filled from `path_params`
    /// (see [`expand_path`]) and the query parameters that are set, in order: what every
    /// operation's `request()` hands over, so that the work is compiled once, here.
    pub fn build(
        method: Method,
        path_template: &'static str,
        path_params: &[(&'static str, &str)],
        query: &[(&'static str, QueryValue<'_>)],
        options: &RequestOptions,
    ) -> Result<Self, Error> {
        Self::build_styled(method, path_template, path_params, &[], query, options)
    }

    /// [`Request::build`] for an operation with path parameters in a style
    /// ([`path_styled`](crate::path::path_styled)): `styled` holds their written values.
    pub fn build_styled(
        method: Method,
        path_template: &'static str,
        path_params: &[(&'static str, &str)],
        styled: &[(&'static str, &str)],
        query: &[(&'static str, QueryValue<'_>)],
        options: &RequestOptions,
    ) -> Result<Self, Error> {
        let path = expand_path_with(path_template, path_params, styled)?;
        options.headers.checked()?;
        let mut request = Request::new(method, path_template, path, options);
        for (name, value) in query {
            request
                .query
                .push_value(name, value)
                .map_err(|reason| Error::invalid_argument(*name, format!("cannot be written as a query: {reason}")))?;
        }
        Ok(request)
    }

    /// The operation's security requirement (see [`crate::auth`]): what every operation's
    /// `request()` says after [`Request::build`]. Without it, the API's default requirement applies.
    pub fn set_security(&mut self, security: crate::auth::Security) {
        self.security = Some(security);
    }

    /// Sets a header parameter; an invalid name or value is an `InvalidArgument`.
    pub fn header(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_argument(name, "is not a valid HTTP header name"))?;
        let header_value = HeaderValue::from_str(value).map_err(|_| {
            Error::invalid_argument(name, "contains characters not allowed in an HTTP header value (e.g. a newline)")
        })?;
        self.headers.insert(header_name, header_value);
        Ok(())
    }

    /// Serializes `body` as the JSON request body.
    pub fn json_body<B: serde::Serialize>(&mut self, body: &B) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_argument("body", format!("could not be serialized as JSON: {e}")))?;
        self.body = Some(Body { content_type: HeaderValue::from_static("application/json"), bytes: bytes.into() });
        Ok(())
    }

    /// Uses `body` as the raw request body with the given content type.
    pub fn bytes_body(&mut self, content_type: &'static str, body: Bytes) {
        let content_type = HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
        self.body = Some(Body { content_type, bytes: body });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn object_parameters_explode_or_nest() {
        let value = serde_json::json!({"since": "2024-01-01T00:00:00Z", "limit": 5, "tags": ["a b", "c"], "none": null, "range": {"from": 1}});
        let build = |name: &'static str, style: ObjectStyle| {
            let query = [(name, object(Some(&value), style))];
            Request::build(Method::GET, "/x", &[], &query, &RequestOptions::default()).expect("valid request").query
        };
        let form = build("query", ObjectStyle::Form);
        assert_eq!(
            form.as_str(),
            "limit=5&range=%7B%22from%22%3A1%7D&since=2024-01-01T00%3A00%3A00Z&tags=a%20b&tags=c"
        );
        let deep = build("filter", ObjectStyle::Deep);
        assert_eq!(
            deep.as_str(),
            "filter%5Blimit%5D=5&filter%5Brange%5D%5Bfrom%5D=1&filter%5Bsince%5D=2024-01-01T00%3A00%3A00Z&filter%5Btags%5D%5B0%5D=a%20b&filter%5Btags%5D%5B1%5D=c"
        );
    }

    use super::*;

    const T: &str = "/accounts/{account_id}/apps/{app_id}/meetings/{meeting_id}";

    fn expand(value: &str) -> Result<String, Error> {
        expand_path(T, &[("account_id", "acc"), ("app_id", "app"), ("meeting_id", value)])
    }

    #[test]
    fn path_encoding_table() {
        let table = [
            ("abc-DEF_0.9~", "abc-DEF_0.9~"),
            ("a/b", "a%2Fb"),
            ("a?b", "a%3Fb"),
            ("a#b", "a%23b"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("a+b", "a%2Bb"),
            ("...", "..."),
            ("../x", "..%2Fx"),
        ];
        for (value, encoded) in table {
            let path = expand(value).expect("valid value");
            assert_eq!(path, format!("/accounts/acc/apps/app/meetings/{encoded}"), "value {value:?}");
        }
    }

    #[test]
    fn rejects_empty_dot_and_dotdot() {
        for bad in ["", ".", ".."] {
            match expand(bad) {
                Err(Error::InvalidArgument { name, .. }) => {
                    assert_eq!(name, "meeting_id", "value {bad:?}")
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn missing_placeholder_and_bad_template_are_errors() {
        match expand_path(T, &[("account_id", "a"), ("app_id", "b")]) {
            Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "meeting_id"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(expand_path("/a/{b", &[("b", "x")]), Err(Error::InvalidArgument { .. })));
        assert_eq!(expand_path("/static", &[]).expect("no placeholders"), "/static");
    }

    #[test]
    fn query_encoding_and_order() {
        let mut q = Query::default();
        assert!(q.is_empty());
        q.push("search", &"a b&c=d");
        q.push("include_peer_events", &true);
        q.push("per_page", &50);
        vec!["x", "y"].push_to(&mut q, "ids", ListStyle::Repeated);
        vec!["a,b", "c"].push_to(&mut q, "tags", ListStyle::CommaSeparated);
        Vec::<String>::new().push_to(&mut q, "empty", ListStyle::CommaSeparated);
        Vec::<String>::new().push_to(&mut q, "empty2", ListStyle::Repeated);
        q.push("name", &"Zoë");
        assert_eq!(
            q.as_str(),
            "search=a%20b%26c%3Dd&include_peer_events=true&per_page=50&ids=x&ids=y&tags=a%2Cb,c&name=Zo%C3%AB"
        );
    }

    #[test]
    fn build_keeps_the_order_of_the_parameters_that_are_set() {
        let (page, view, filters, none): (u64, &str, Vec<&str>, Option<&u64>) = (2, "raw", vec!["a", "b c"], None);
        let object_value = serde_json::json!({"b": 1, "a": "x"});
        let query = [
            ("filters", list(Some(&filters), ListStyle::CommaSeparated)),
            ("page_no", one(Some(&page))),
            ("absent", one(none)),
            ("q", object(Some(&object_value), ObjectStyle::Deep)),
            ("ids", list(Some(&filters), ListStyle::Repeated)),
            ("view", one(Some(&view))),
        ];
        let request = Request::build(Method::GET, "/m/{id}", &[("id", "x y")], &query, &RequestOptions::default())
            .expect("valid request");
        assert_eq!(request.path, "/m/x%20y");
        assert_eq!(request.query.as_str(), "filters=a,b%20c&page_no=2&q%5Ba%5D=x&q%5Bb%5D=1&ids=a&ids=b%20c&view=raw");
        let error = Request::build(Method::GET, "/m/{id}", &[("id", "..")], &query, &RequestOptions::default());
        assert!(matches!(error, Err(Error::InvalidArgument { .. })));
    }

    #[test]
    fn arguments_are_checked_path_first_then_query_in_order() {
        /// A value that cannot be serialized.
        struct Unwritable;
        impl serde::Serialize for Unwritable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no JSON for this value"))
            }
        }
        let argument = |path_id: &str, query: &[(&'static str, QueryValue<'_>)]| match Request::build(
            Method::GET,
            "/m/{id}",
            &[("id", path_id)],
            query,
            &RequestOptions::default(),
        ) {
            Err(Error::InvalidArgument { name, reason }) => (name, reason),
            other => panic!("expected an invalid argument, got {other:?}"),
        };
        let bad_object = [
            ("window", object(Some(&Unwritable), ObjectStyle::Form)),
            ("deep", object(Some(&Unwritable), ObjectStyle::Deep)),
        ];
        assert_eq!(argument("", &bad_object).0, "id");
        let (name, reason) = argument("x", &bad_object);
        assert_eq!(name, "window");
        assert!(
            reason.contains("cannot be written as a query") && reason.contains("no JSON for this value"),
            "{reason}"
        );
        assert!(matches!(object::<Unwritable>(None, ObjectStyle::Form), QueryValue::Absent));
    }

    #[test]
    fn headers_and_bodies() {
        let mut r = Request::new(Method::POST, "/x", "/x".to_owned(), &RequestOptions::default());
        r.header("X-Request-Id", "abc").expect("valid header");
        assert_eq!(r.headers.get("x-request-id").map(|v| v.as_bytes()), Some(&b"abc"[..]));
        match r.header("X-Bad", "a\nb") {
            Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "X-Bad"),
            other => panic!("{other:?}"),
        }
        assert!(r.header("bad name", "x").is_err());
        r.json_body(&serde_json::json!({"title": "standup"})).expect("serializable");
        let body = r.body.as_ref().expect("body set");
        assert_eq!(body.content_type, "application/json");
        assert_eq!(&body.bytes[..], br#"{"title":"standup"}"#);
        r.bytes_body("text/csv", Bytes::from_static(b"a,b"));
        let body = r.body.as_ref().expect("body set");
        assert_eq!(body.content_type, "text/csv");
        assert_eq!(&body.bytes[..], b"a,b");
    }

    #[test]
    fn json_body_error_is_invalid_argument() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1u8], 1);
        let mut r = Request::new(Method::POST, "/x", "/x".to_owned(), &RequestOptions::default());
        match r.json_body(&map) {
            Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "body"),
            other => panic!("{other:?}"),
        }
    }
}
