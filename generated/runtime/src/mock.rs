//! The mock server behind the generated crates' `mock` feature: a real HTTP server on 127.0.0.1
//! (wiremock's), typed expectations per operation (emitted in the generated crate's `mock`
//! module, built on [`Expectation`] here), and a record of every request that matched none.
//!
//! wiremock rather than httpmock: it is async and tokio-native like the client, the workspace's
//! tests already use it, its request matchers compose (an expectation is one custom matcher),
//! and a server verifies its expectations (`expect(n)`) when it is dropped.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use percent_encoding::percent_decode_str;
pub use wiremock;
use wiremock::{Mock, Respond, ResponseTemplate, Times};

use crate::Method;
use crate::request::{QueryValue, Request, RequestOptions, expand_path};

/// An operation of the spec as the mock server knows it: emitted, one constant per operation.
#[derive(Debug)]
pub struct Operation {
    /// `group.method`, e.g. `sessions.get_session_participant`.
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template exactly as in the spec.
    pub path: &'static str,
    /// The spec's example of a successful response body, as JSON text.
    pub example: Option<&'static str>,
}

/// The status of the answer to a request that matched no expectation.
const UNMATCHED_STATUS: u16 = 404;

/// A mock server of an API: wiremock's server, plus the requests that matched no expectation.
#[derive(Debug)]
pub struct MockServer {
    server: wiremock::MockServer,
    unmatched: Arc<Mutex<Vec<String>>>,
}

impl MockServer {
    /// Starts a server on 127.0.0.1 that knows `operations`: a request of one of them (by
    /// method and path template) that no expectation matches is recorded with the operation's
    /// name and the parameters it got, and so is any other request.
    pub async fn start(operations: &'static [Operation]) -> Self {
        let server = wiremock::MockServer::start().await;
        let unmatched = Arc::new(Mutex::new(Vec::new()));
        for operation in operations {
            Mock::given(Route(operation))
                .respond_with(Unmatched { operation: Some(operation), log: unmatched.clone() })
                .with_priority(u8::MAX - 1)
                .named(format!("{} (no expectation matched)", operation.name))
                .mount(&server)
                .await;
        }
        Mock::given(wiremock::matchers::any())
            .respond_with(Unmatched { operation: None, log: unmatched.clone() })
            .with_priority(u8::MAX)
            .named("a request of no operation")
            .mount(&server)
            .await;
        MockServer { server, unmatched }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// wiremock's server, for mocks beyond the typed expectations.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// The requests that matched no expectation so far, each described in one line.
    pub fn unmatched(&self) -> Vec<String> {
        self.unmatched.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The requests that matched no expectation so far, which the server then no longer reports
    /// (for a test that expects them).
    pub fn take_unmatched(&self) -> Vec<String> {
        std::mem::take(&mut *self.unmatched.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Panics if a request matched no expectation (listing them) or an expectation was not
    /// met as many times as it expects.
    pub async fn verify(&self) {
        let unmatched = self.unmatched();
        assert!(unmatched.is_empty(), "{}", describe_unmatched(&unmatched));
        self.server.verify().await;
    }
}

impl Drop for MockServer {
    /// Like [`MockServer::verify`] for the requests that matched nothing (wiremock's own server,
    /// dropped next, checks the expectations).
    fn drop(&mut self) {
        let unmatched = self.unmatched();
        if !unmatched.is_empty() && !std::thread::panicking() {
            panic!("{}", describe_unmatched(&unmatched));
        }
    }
}

fn describe_unmatched(unmatched: &[String]) -> String {
    let mut text = format!("the mock server received {} request(s) that matched no expectation:", unmatched.len());
    for line in unmatched {
        let _ = write!(text, "\n- {line}");
    }
    text
}

/// The placeholders of a path template and the text around them.
enum Piece<'t> {
    Text(&'t str),
    Param(&'t str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else { break };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Param(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The raw (percent-encoded) values of the template's placeholders in `path`, if `path` is an
/// instance of the template. A value is never empty and never crosses a `/`.
fn path_values<'p>(template: &'static str, path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
    let pieces = pieces(template);
    let mut values = Vec::new();
    let mut rest = path;
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(text) => rest = rest.strip_prefix(text)?,
            Piece::Param(name) => {
                let segment_end = rest.find('/').unwrap_or(rest.len());
                let end = match pieces.get(index + 1) {
                    Some(Piece::Text(next)) if !next.starts_with('/') => rest[..segment_end].find(next)?,
                    _ => segment_end,
                };
                if end == 0 {
                    return None;
                }
                values.push((*name, &rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(values)
}

/// Matches the requests of one operation, whatever their parameters.
struct Route(&'static Operation);

impl wiremock::Match for Route {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.method.as_str() == self.0.method && path_values(self.0.path, request.url.path()).is_some()
    }
}

/// Records a request that matched no expectation and answers it with a 404 that says so.
struct Unmatched {
    operation: Option<&'static Operation>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Respond for Unmatched {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut line = match self.operation {
            Some(operation) => {
                let mut line = format!("operation {} ({} {}):", operation.name, operation.method, operation.path);
                let values = path_values(operation.path, request.url.path()).unwrap_or_default();
                let values: Vec<String> = values
                    .iter()
                    .map(|(name, raw)| format!("{name} = {:?}", percent_decode_str(raw).decode_utf8_lossy()))
                    .collect();
                let _ = write!(line, " path {}", if values.is_empty() { "-".to_owned() } else { values.join(", ") });
                line
            }
            None => format!("no operation of the spec: {} {}", request.method, request.url.path()),
        };
        let query: Vec<String> = request.url.query_pairs().map(|(name, value)| format!("{name} = {value:?}")).collect();
        let _ = write!(line, "; query {}", if query.is_empty() { "-".to_owned() } else { query.join(", ") });
        self.log.lock().unwrap_or_else(PoisonError::into_inner).push(line.clone());
        let body = serde_json::json!({
            "success": false,
            "errors": [{ "code": UNMATCHED_STATUS, "message": format!("mock server: no expectation matched {line}") }],
        });
        ResponseTemplate::new(UNMATCHED_STATUS).set_body_json(body)
    }
}

/// Matches one expectation's requests: the operation's method and path template, the path
/// values it names (percent-encoded as the client encodes them, compared as sent), and for each
/// query parameter it names, exactly the pieces the client would send for that value.
#[derive(Debug, Clone)]
struct Matcher {
    operation: &'static Operation,
    path: Vec<(&'static str, String)>,
    query: Vec<Vec<String>>,
}

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        if request.method.as_str() != self.operation.method {
            return false;
        }
        let Some(values) = path_values(self.operation.path, request.url.path()) else { return false };
        let path_matches =
            self.path.iter().all(|(name, expected)| values.iter().any(|(found, raw)| found == name && raw == expected));
        let sent: Vec<&str> = request.url.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()).collect();
        path_matches && self.query.iter().all(|expected| query_matches(expected, &sent))
    }
}

/// Whether the request's query pieces hold exactly `expected` for the names `expected` uses.
fn query_matches(expected: &[String], sent: &[&str]) -> bool {
    let key = |piece: &str| piece.split_once('=').map_or(piece, |(key, _)| key).to_owned();
    let keys: Vec<String> = expected.iter().map(|piece| key(piece)).collect();
    let mut found: Vec<&str> = sent.iter().copied().filter(|piece| keys.contains(&key(piece))).collect();
    let mut wanted: Vec<&str> = expected.iter().map(String::as_str).collect();
    found.sort_unstable();
    wanted.sort_unstable();
    found == wanted
}

/// One expectation of an operation, filled by the emitted typed expectation of the operation,
/// and mounted on its server.
#[derive(Debug)]
pub struct Expectation<'a> {
    server: &'a MockServer,
    matcher: Matcher,
    status: u16,
    body: Option<(Vec<u8>, &'static str)>,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
    times: Option<Times>,
    problem: Option<String>,
}

impl<'a> Expectation<'a> {
    /// An expectation of any request of `operation`, answered with status 200 and the spec's
    /// example (or no body when the spec has none).
    pub fn new(server: &'a MockServer, operation: &'static Operation) -> Self {
        Expectation {
            server,
            matcher: Matcher { operation, path: Vec::new(), query: Vec::new() },
            status: 200,
            body: None,
            headers: Vec::new(),
            delay: None,
            times: None,
            problem: None,
        }
    }

    /// Matches only requests whose path parameter `name` is `value`, encoded as the client
    /// encodes it.
    pub fn path_param(&mut self, name: &'static str, value: &str) {
        let template = self.matcher.operation.path;
        match expand_path("{value}", &[("value", value)]) {
            Ok(encoded) => {
                self.matcher.path.retain(|(other, _)| *other != name);
                self.matcher.path.push((name, encoded));
            }
            Err(error) => self.note(format!("path parameter `{name}` of `{template}`: {error}")),
        }
    }

    /// Matches only requests whose path parameter `name` is written as `written` (by
    /// [`path_styled`](crate::path::path_styled), as the client writes it), or notes why the
    /// value could not be written.
    pub fn path_param_styled(&mut self, name: &'static str, written: Result<String, crate::Error>) {
        match written {
            Ok(written) => {
                self.matcher.path.retain(|(other, _)| *other != name);
                self.matcher.path.push((name, written));
            }
            Err(error) => {
                let template = self.matcher.operation.path;
                self.note(format!("path parameter `{name}` of `{template}`: {error}"));
            }
        }
    }

    /// Matches only requests whose query parameter `name` is `value`, written as the client
    /// writes it (the same pieces, in any order among the others).
    pub fn query_param(&mut self, name: &'static str, value: QueryValue<'_>) {
        match Request::build(Method::GET, "/", &[], &[(name, value)], &RequestOptions::default()) {
            Ok(request) => {
                let pieces = request.query.as_str().split('&').filter(|p| !p.is_empty()).map(str::to_owned).collect();
                self.matcher.query.push(pieces);
            }
            Err(error) => self.note(format!("query parameter `{name}`: {error}")),
        }
    }

    /// Answers with `body` serialized as JSON.
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((bytes, "application/json")),
            Err(error) => self.note(format!("the response body does not serialize: {error}")),
        }
    }

    /// Answers with `body` as it is, with the given content type.
    pub fn raw_body(&mut self, body: impl Into<Vec<u8>>, content_type: &'static str) {
        self.body = Some((body.into(), content_type));
    }

    /// Answers with `status` (200 unless set).
    pub fn status(&mut self, status: u16) {
        self.status = status;
    }

    /// Adds a header to the answer.
    pub fn header(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// Answers after `delay`.
    pub fn delay(&mut self, delay: Duration) {
        self.delay = Some(delay);
    }

    /// Expects this many matching requests (a number or a range), checked by `verify()` and
    /// when the server is dropped.
    pub fn expect(&mut self, times: impl Into<Times>) {
        self.times = Some(times.into());
    }

    fn note(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Mounts the expectation on its server.
    ///
    /// # Panics
    ///
    /// When a value given to the expectation cannot be sent by the client either (an empty path
    /// value, a query object that is not an object, a body that does not serialize): the test
    /// is wrong, and says where.
    pub async fn mount(self) {
        let operation = self.matcher.operation;
        if let Some(problem) = &self.problem {
            panic!("mock expectation of operation {}: {problem}", operation.name);
        }
        let mut answer = ResponseTemplate::new(self.status);
        match (&self.body, operation.example) {
            (Some((bytes, content_type)), _) => answer = answer.set_body_raw(bytes.clone(), content_type),
            (None, Some(example)) if (200..300).contains(&self.status) => {
                answer = answer.set_body_raw(example, "application/json");
            }
            (None, _) => {}
        }
        for (name, value) in &self.headers {
            answer = answer.insert_header(name.as_str(), value.as_str());
        }
        if let Some(delay) = self.delay {
            answer = answer.set_delay(delay);
        }
        let mut mock = Mock::given(self.matcher).respond_with(answer).named(format!("operation {}", operation.name));
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        mock.mount(&self.server.server).await;
    }
}

#[cfg(test)]
mod tests {
    use super::path_values;

    #[test]
    fn path_values_follow_the_template() {
        let template = "/accounts/{account_id}/things/{id}.{format}";
        assert_eq!(
            path_values(template, "/accounts/a%2Fb/things/7.json"),
            Some(vec![("account_id", "a%2Fb"), ("id", "7"), ("format", "json")])
        );
        assert_eq!(path_values(template, "/accounts//things/7.json"), None);
        assert_eq!(path_values(template, "/accounts/a/things/7.json/more"), None);
        assert_eq!(path_values("/plain", "/plain"), Some(vec![]));
    }
}
