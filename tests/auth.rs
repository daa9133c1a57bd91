//! Authentication from the spec, end to end: a runtime client configured with the schemes of
//! `tests/fixtures/security_schemes.yaml` (as its emitted `operations::API` says) sends requests
//! built as emitted code builds them (`Request::build`, then `set_security` with the operation's
//! requirement) to a raw TCP server, and the test reads the request heads byte for byte: each
//! scheme, several schemes together, alternatives, `security: []`, an operation's own
//! requirement over the API's; and no credential in `Debug`, errors or hooks.

use std::sync::{Arc, Mutex};

use cloudflare_realtimekit_runtime::auth::{Scheme, SchemeKind, Security};
use cloudflare_realtimekit_runtime::request::{self, Method, Request, RequestOptions};
use cloudflare_realtimekit_runtime::{Client, ClientBuilder, ClientConfig, Error, Hook, HookRequest};
use tests::support::{RawServer, Reply, http_response};

/// The schemes of `tests/fixtures/security_schemes.yaml`, as its `operations::API` lists them.
const SCHEMES: &[Scheme] = &[
    Scheme { name: "bearer", kind: SchemeKind::Bearer },
    Scheme { name: "basic", kind: SchemeKind::Basic },
    Scheme { name: "header_key", kind: SchemeKind::Header("X-API-Key") },
    Scheme { name: "query_key", kind: SchemeKind::Query("client id") },
    Scheme { name: "cookie_key", kind: SchemeKind::Cookie("session") },
    Scheme { name: "oauth", kind: SchemeKind::Bearer },
    Scheme { name: "oidc", kind: SchemeKind::Bearer },
];
/// The fixture's global `security`: a bearer token, or a header key and a query key together.
const DEFAULT: Security = &[&["bearer"], &["header_key", "query_key"]];

const TOKEN: &str = "tok-SECRET-1";
const USER: &str = "Aladdin";
const PASSWORD: &str = "open sesame";
const HEADER_KEY: &str = "hk-SECRET-2";
/// Needs percent-encoding in a query.
const QUERY_KEY: &str = "qk/SECRET 3&x";
const COOKIE: &str = "ck-SECRET-4";
const SECRETS: &[&str] =
    &[TOKEN, PASSWORD, HEADER_KEY, "qk/SECRET", "SECRET%203", COOKIE, "QWxhZGRpbjpvcGVuIHNlc2FtZQ"];

fn builder(server: &RawServer) -> ClientBuilder<Client> {
    let config = ClientConfig::new("http://localhost")
        .env_prefix("PETS")
        .user_agent("pets-client/1.0")
        .security(SCHEMES, DEFAULT);
    ClientBuilder::with_config(config).base_url(server.uri()).max_retries(0)
}

async fn server() -> RawServer {
    RawServer::start(|_| Reply::Send(http_response("204 No Content", &[], b""))).await
}

/// `GET /things?page=2` with the operation's requirement, or the API's when `None`.
fn things(security: Option<Security>, options: &RequestOptions) -> Request {
    let page = 2;
    let query = [("page", request::one(Some(&page)))];
    let mut request = Request::build(Method::GET, "/things", &[], &query, options).expect("valid request");
    if let Some(security) = security {
        request.set_security(security);
    }
    request
}

/// Sends one request and returns its head as received, lines without the `host` line (its port
/// changes) and reqwest's `accept-encoding` (which depends on the features the workspace build
/// turns on: `gzip`, `br`), in order.
async fn sent(client: &Client, request: Request, server: &RawServer) -> Vec<String> {
    client.send_empty(request).await.expect("answered 204");
    let heads = server.heads();
    let head = heads.last().expect("a request arrived");
    head.lines()
        .filter(|line| !line.is_empty() && !line.starts_with("host:") && !line.starts_with("accept-encoding:"))
        .map(str::to_owned)
        .collect()
}

/// The head the client sends for `GET target` with these credential lines (after its own).
fn expected(target: &str, credentials: &[&str]) -> Vec<String> {
    let mut lines = vec![
        format!("GET {target} HTTP/1.1"),
        "accept: application/json".to_owned(),
        "user-agent: pets-client/1.0".to_owned(),
    ];
    lines.extend(credentials.iter().map(|line| (*line).to_owned()));
    lines
}

#[tokio::test]
async fn bearer_token() {
    let server = server().await;
    let client = builder(&server).bearer_token(TOKEN).build().expect("valid");
    let head = sent(&client, things(Some(&[&["bearer"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["authorization: Bearer tok-SECRET-1"]));
}

#[tokio::test]
async fn oauth2_and_openid_connect_send_the_bearer_token() {
    let server = server().await;
    let client = builder(&server).api_token(TOKEN).build().expect("valid");
    let head = sent(&client, things(Some(&[&["oauth"], &["oidc"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["authorization: Bearer tok-SECRET-1"]));
}

#[tokio::test]
async fn a_bearer_scheme_may_have_a_token_of_its_own() {
    let server = server().await;
    let client = builder(&server).api_token(TOKEN).bearer_token_for("oidc", "id-token").build().expect("valid");
    let head = sent(&client, things(Some(&[&["oidc"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["authorization: Bearer id-token"]));
    let head = sent(&client, things(Some(&[&["oauth"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["authorization: Bearer tok-SECRET-1"]));
    let error = builder(&server).bearer_token_for("basic", TOKEN).build().expect_err("not a bearer scheme");
    let shown = error.to_string();
    assert!(shown.contains("its bearer schemes: `bearer`, `oauth`, `oidc`"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn basic_auth_is_base64_of_user_and_password() {
    let server = server().await;
    let client = builder(&server).basic_auth(USER, PASSWORD).bearer_token(TOKEN).build().expect("valid");
    // The operation's own requirement (basic) replaces the API's (bearer first).
    let head = sent(&client, things(Some(&[&["basic"]]), &RequestOptions::default()), &server).await;
    // RFC 7617's example: base64("Aladdin:open sesame").
    assert_eq!(head, expected("/things?page=2", &["authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]));
}

#[tokio::test]
async fn api_key_in_a_header() {
    let server = server().await;
    let client = builder(&server).api_key("header_key", HEADER_KEY).bearer_token(TOKEN).build().expect("valid");
    let head = sent(&client, things(Some(&[&["header_key"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["x-api-key: hk-SECRET-2"]));
}

#[tokio::test]
async fn api_key_in_the_query_is_percent_encoded_after_the_parameters() {
    let server = server().await;
    let client = builder(&server).api_key("query_key", QUERY_KEY).bearer_token(TOKEN).build().expect("valid");
    let head = sent(&client, things(Some(&[&["query_key"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2&client%20id=qk%2FSECRET%203%26x", &[]));
}

#[tokio::test]
async fn api_key_in_a_cookie_joins_the_request_cookies() {
    let server = server().await;
    let client = builder(&server).api_key("cookie_key", COOKIE).bearer_token(TOKEN).build().expect("valid");
    let head = sent(&client, things(Some(&[&["cookie_key"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["cookie: session=ck-SECRET-4"]));
    // A cookie the request sets itself is kept, the key's added after it.
    let mut options = RequestOptions::default();
    options.header("Cookie", "theme=dark");
    let head = sent(&client, things(Some(&[&["cookie_key"]]), &options), &server).await;
    assert_eq!(head, expected("/things?page=2", &["cookie: theme=dark; session=ck-SECRET-4"]));
}

#[tokio::test]
async fn two_schemes_of_one_alternative_are_sent_together() {
    let server = server().await;
    let client =
        builder(&server).api_key("header_key", HEADER_KEY).api_key("query_key", QUERY_KEY).build().expect("valid");
    // The API's default: bearer (not held), else the header key and the query key together.
    let head = sent(&client, things(None, &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2&client%20id=qk%2FSECRET%203%26x", &["x-api-key: hk-SECRET-2"]));
}

#[tokio::test]
async fn the_first_alternative_held_is_sent_and_only_it() {
    let server = server().await;
    let client = builder(&server)
        .bearer_token(TOKEN)
        .api_key("header_key", HEADER_KEY)
        .api_key("query_key", QUERY_KEY)
        .build()
        .expect("valid");
    let head = sent(&client, things(Some(DEFAULT), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["authorization: Bearer tok-SECRET-1"]));
    // An alternative with a credential missing is skipped for the next.
    let head = sent(&client, things(Some(&[&["basic"], &["header_key"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["x-api-key: hk-SECRET-2"]));
    // An empty alternative (`{}`) sends nothing when nothing before it is held.
    let head = sent(&client, things(Some(&[&["cookie_key"], &[]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &[]));
}

#[tokio::test]
async fn security_none_sends_no_credentials() {
    let server = server().await;
    let client = builder(&server)
        .bearer_token(TOKEN)
        .basic_auth(USER, PASSWORD)
        .api_key("header_key", HEADER_KEY)
        .api_key("query_key", QUERY_KEY)
        .api_key("cookie_key", COOKIE)
        .build()
        .expect("valid");
    let head = sent(&client, things(Some(&[]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &[]));
}

#[tokio::test]
async fn a_credential_the_operation_needs_but_the_client_lacks_fails_before_sending() {
    let server = server().await;
    let client = builder(&server).bearer_token(TOKEN).build().expect("valid");
    let error = client.send_empty(things(Some(&[&["basic"], &["cookie_key"]]), &RequestOptions::default())).await;
    let Err(Error::Config { reason }) = error else { panic!("{error:?}") };
    assert_eq!(
        reason,
        "this operation needs credentials the client was not given: a user name and password \
         (ClientBuilder::basic_auth, or PETS_USERNAME and PETS_PASSWORD), or the API key `cookie_key` \
         (ClientBuilder::api_key, or PETS_API_KEY)"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn build_checks_the_credentials_against_the_schemes() {
    let server = server().await;
    let missing = builder(&server).build().expect_err("the API's default needs credentials");
    assert!(missing.to_string().contains("no credentials: this API needs an API token"), "{missing}");
    let unknown = builder(&server).api_key("bearer", HEADER_KEY).build().expect_err("not an API key scheme");
    let shown = unknown.to_string();
    assert!(shown.contains("`bearer`, which is not an API key scheme"), "{shown}");
    assert!(shown.contains("`header_key`, `query_key`, `cookie_key`"), "{shown}");
    assert!(!shown.contains(HEADER_KEY), "{shown}");
    let colon = builder(&server).bearer_token(TOKEN).basic_auth("a:b", PASSWORD).build().expect_err("a colon");
    assert!(colon.to_string().contains("contains `:`"), "{colon}");
    let cookie = builder(&server).bearer_token(TOKEN).api_key("cookie_key", "a;b").build().expect_err("`;`");
    assert!(cookie.to_string().contains("which a cookie cannot hold"), "{cookie}");
    assert!(!cookie.to_string().contains("a;b"), "{cookie}");
}

#[tokio::test]
async fn from_env_reads_every_kind_of_credential() {
    let server = server().await;
    let env = |name: &str| match name {
        "PETS_USERNAME" => Some(USER.to_owned()),
        "PETS_PASSWORD" => Some(PASSWORD.to_owned()),
        "PETS_API_KEY" => Some(HEADER_KEY.to_owned()),
        _ => None,
    };
    let client = builder(&server).build_from_env_with(env).expect("the header and query keys");
    let head = sent(&client, things(Some(&[&["basic"]]), &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2", &["authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]));
    let head = sent(&client, things(None, &RequestOptions::default()), &server).await;
    assert_eq!(head, expected("/things?page=2&client%20id=hk-SECRET-2", &["x-api-key: hk-SECRET-2"]));
    let missing = builder(&server).build_from_env_with(|_| None).expect_err("nothing set");
    assert_eq!(
        missing.to_string(),
        "client configuration error: environment variables not set: this API needs an API token \
         (ClientBuilder::api_token, or PETS_API_TOKEN), or the API key `header_key` (ClientBuilder::api_key, \
         or PETS_API_KEY) and the API key `query_key` (ClientBuilder::api_key, or PETS_API_KEY)"
    );
}

/// Records what each hook call is shown.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Hook for Seen {
    fn on_request(&self, request: &mut HookRequest<'_>) {
        let shown = format!("{} {:?}", request.url(), request.headers());
        self.0.lock().expect("not poisoned").push(shown);
    }
}

#[tokio::test]
async fn no_credential_shows_in_debug_errors_or_hooks() {
    let server = RawServer::start(|_| {
        Reply::Send(http_response("401 Unauthorized", &[("content-type", "application/json")], br#"{"message":"no"}"#))
    })
    .await;
    let seen = Seen::default();
    let builder = builder(&server)
        .bearer_token(TOKEN)
        .basic_auth(USER, PASSWORD)
        .api_key("header_key", HEADER_KEY)
        .api_key("query_key", QUERY_KEY)
        .api_key("cookie_key", COOKIE)
        .hook(seen.clone());
    let mut shown = vec![format!("{builder:?}")];
    let client = builder.build().expect("valid");
    shown.push(format!("{client:?}"));
    assert!(shown[1].contains(r#""bearer": "<redacted>""#), "{}", shown[1]);
    for security in [DEFAULT, &[&["basic"]], &[&["cookie_key"]], &[&["header_key", "query_key"]]] {
        let error = client.send_empty(things(Some(security), &RequestOptions::default())).await.expect_err("401");
        shown.push(error.to_string());
        shown.push(format!("{error:?}"));
    }
    assert_eq!(server.request_count(), 4);
    let heads = server.heads();
    assert!(heads[3].contains("client%20id=qk%2FSECRET%203%26x"), "the key was sent: {}", heads[3]);
    shown.extend(seen.0.lock().expect("not poisoned").iter().cloned());
    assert_eq!(shown.len(), 2 + 8 + 4);
    for text in &shown {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} shown in {text}");
        }
    }
}

#[tokio::test]
async fn raw_requests_use_the_api_default_requirement() {
    let server = server().await;
    let client =
        builder(&server).api_key("header_key", HEADER_KEY).api_key("query_key", QUERY_KEY).build().expect("valid");
    let response = client.raw(Method::GET, "/things/{id}").path_param("id", "7").query("page", 2).send_bytes().await;
    response.expect("answered 204");
    let heads = server.heads();
    let head: Vec<&str> = heads[0]
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with("host:") && !line.starts_with("accept-encoding:"))
        .collect();
    let wanted = expected("/things/7?page=2&client%20id=qk%2FSECRET%203%26x", &["x-api-key: hk-SECRET-2"]);
    // `send_bytes` accepts any media type.
    let wanted: Vec<String> = wanted.into_iter().map(|line| line.replace("application/json", "*/*")).collect();
    assert_eq!(head, wanted);
}
