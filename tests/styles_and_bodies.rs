//! Every parameter style and body kind sent to a real local server (wiremock), with the exact
//! bytes asserted: query strings, header values, the `Cookie` header, form-urlencoded bodies and
//! multipart parts.
//!
//! Most tests build requests with the runtime's functions exactly as the emitted `request()` of
//! the fixtures `parameter_styles.yaml` and `form_and_multipart_bodies.yaml` builds them (see
//! their snapshots), then send them with the client. The last one generates those fixtures'
//! crates and runs a program against each (`tests/generated_clients/*.rs`), which sends every
//! style and body through the generated builders to wiremock and prints what arrived; the output
//! must be exactly the reviewed `*.out` file.

use std::fs;
use std::path::Path;
use std::process::Command;

use cloudflare_realtimekit::Client;
use cloudflare_realtimekit_runtime::multipart::{FilePart, Form};
use cloudflare_realtimekit_runtime::request::{
    FieldEncoding, ListStyle, Method, ObjectStyle, QueryValue, Request, RequestOptions, list, object, one, reserved,
    simple,
};
use serde_json::json;
use tests::support;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every request with `{}`, and a client for it.
async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&server).await;
    let (client, _) = support::client(&server.uri());
    (server, client)
}

/// Sends `request` and returns what the server received.
async fn exchange(server: &MockServer, client: &Client, request: Request) -> wiremock::Request {
    client.send::<serde_json::Value>(request).await.expect("the server answers 200");
    let mut received = server.received_requests().await.expect("recording is on");
    received.pop().expect("one request")
}

/// The query string the server received for one query parameter.
async fn query_of(name: &'static str, value: QueryValue<'_>) -> String {
    let (server, client) = server().await;
    let request = Request::build(Method::GET, "/query", &[], &[(name, value)], &RequestOptions::default())
        .expect("valid request");
    let received = exchange(&server, &client, request).await;
    received.url.query().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_query_style_and_explode_arrives_as_the_openapi_table_writes_it() {
    let (blue, colors) = ("blue", vec!["blue", "black", "brown"]);
    let rgb = json!({"R": 100, "G": 200, "B": 150});
    let table: Vec<(QueryValue<'_>, &str)> = vec![
        (one(Some(&blue)), "color=blue"),
        (list(Some(&colors), ListStyle::Repeated), "color=blue&color=black&color=brown"),
        (list(Some(&colors), ListStyle::CommaSeparated), "color=blue,black,brown"),
        (list(Some(&colors), ListStyle::SpaceDelimited), "color=blue%20black%20brown"),
        (list(Some(&colors), ListStyle::PipeDelimited), "color=blue|black|brown"),
        (object(Some(&rgb), ObjectStyle::Form), "B=150&G=200&R=100"),
        (object(Some(&rgb), ObjectStyle::CommaSeparated), "color=B,150,G,200,R,100"),
        (object(Some(&rgb), ObjectStyle::SpaceDelimited), "color=B%20150%20G%20200%20R%20100"),
        (object(Some(&rgb), ObjectStyle::PipeDelimited), "color=B|150|G|200|R|100"),
        (object(Some(&rgb), ObjectStyle::Deep), "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100"),
        // A list in deepObject (Stripe's `expand`) is indexed; a union's scalar shape is plain.
        (object(Some(&colors), ObjectStyle::Deep), "color%5B0%5D=blue&color%5B1%5D=black&color%5B2%5D=brown"),
        (object(Some(&json!(1700000000)), ObjectStyle::Deep), "color=1700000000"),
        (object(Some(&json!({"gt": 1, "lt": 2})), ObjectStyle::Deep), "color%5Bgt%5D=1&color%5Blt%5D=2"),
        (one(Some(&"a b&c")), "color=a%20b%26c"),
        (reserved(one(Some(&"https://x.test/a?b=c#d"))), "color=https://x.test/a?b%3Dc%23d"),
    ];
    for (value, expected) in table {
        assert_eq!(query_of("color", value).await, expected);
    }
}

#[tokio::test]
async fn header_and_cookie_parameters_arrive_in_the_simple_and_form_styles() {
    let (server, client) = server().await;
    let mut request = Request::build(Method::GET, "/headers", &[], &[], &RequestOptions::default()).expect("valid");
    let (ids, rgb, session) = (vec![3, 4, 5], json!({"R": 100, "G": 200}), "a;b c");
    request.header("X-Ids", &ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")).expect("valid");
    request.header("X-Color", &simple("X-Color", &rgb, false).expect("serializable")).expect("valid");
    request.header("X-Color-Exploded", &simple("X-Color-Exploded", &rgb, true).expect("serializable")).expect("valid");
    request
        .cookies(&[
            ("session", one(Some(&session))),
            ("ids", list(Some(&ids), ListStyle::CommaSeparated)),
            ("prefs", object(Some(&rgb), ObjectStyle::CommaSeparated)),
            ("absent", one::<u8>(None)),
        ])
        .expect("valid cookies");
    let received = exchange(&server, &client, request).await;
    let header = |name: &str| received.headers.get(name).map(|value| value.to_str().expect("ASCII").to_owned());
    assert_eq!(header("x-ids").as_deref(), Some("3,4,5"));
    assert_eq!(header("x-color").as_deref(), Some("G,200,R,100"));
    assert_eq!(header("x-color-exploded").as_deref(), Some("G=200,R=100"));
    assert_eq!(header("cookie").as_deref(), Some("session=a%3Bb%20c; ids=3,4,5; prefs=G,200,R,100"));
}

#[tokio::test]
async fn form_bodies_arrive_with_each_property_encoded_as_its_encoding_says() {
    let (server, client) = server().await;
    let mut request = Request::build(Method::POST, "/customers", &[], &[], &RequestOptions::default()).expect("valid");
    let body = json!({
        "name": "Zoë & co",
        "tags": ["a", "b|c"],
        "metadata": {"order": "7", "note": "x y"},
        "address": {"city": "Paris"},
    });
    let encodings = [
        ("metadata", FieldEncoding::Style(ObjectStyle::Deep)),
        ("tags", FieldEncoding::Style(ObjectStyle::PipeDelimited)),
        ("address", FieldEncoding::Json),
    ];
    request.form_body(&body, &encodings).expect("an object");
    let received = exchange(&server, &client, request).await;
    assert_eq!(
        received.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/x-www-form-urlencoded"[..])
    );
    assert_eq!(
        std::str::from_utf8(&received.body).expect("text"),
        "address=%7B%22city%22%3A%22Paris%22%7D&metadata%5Bnote%5D=x%20y&metadata%5Border%5D=7\
         &name=Zo%C3%AB%20%26%20co&tags=a|b%7Cc"
    );
}

#[tokio::test]
async fn multipart_bodies_arrive_as_file_text_and_json_parts() {
    let (server, client) = server().await;
    let mut request = Request::build(Method::POST, "/uploads", &[], &[], &RequestOptions::default()).expect("valid");
    // What the emitted `UploadForm::to_form` does for a file, a list of files, text and JSON.
    let file = FilePart::new(&b"\x89PNG"[..]).file_name("cat.png");
    let attachments = [FilePart::new(b"one".to_vec()), FilePart::new(&b"two"[..]).file_name("2.txt")];
    let mut form = Form::new().file_part("file", &file, "image/png");
    for value in &attachments {
        form = form.file_part("attachments", value, "application/octet-stream");
    }
    let form = form
        .text("caption", "a \"cat\"")
        .text("count", 3.to_string())
        .json("meta", &json!({"kind": "photo"}), "application/json")
        .expect("serializable");
    request.multipart_body(&form);
    let received = exchange(&server, &client, request).await;
    let content_type = received.headers.get("content-type").expect("a content type").to_str().expect("ASCII");
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart type");
    let expected = [
        "Content-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG",
        "Content-Disposition: form-data; name=\"attachments\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\none",
        "Content-Disposition: form-data; name=\"attachments\"; filename=\"2.txt\"\r\nContent-Type: application/octet-stream\r\n\r\ntwo",
        "Content-Disposition: form-data; name=\"caption\"\r\n\r\na \"cat\"",
        "Content-Disposition: form-data; name=\"count\"\r\n\r\n3",
        "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"kind\":\"photo\"}",
    ];
    let mut whole = String::new();
    for part in expected {
        whole.push_str(&format!("--{boundary}\r\n{part}\r\n"));
    }
    whole.push_str(&format!("--{boundary}--\r\n"));
    assert_eq!(String::from_utf8_lossy(&received.body), whole);
}

/// Generates the crate of `fixture` under `target/generated-crates/`, adds `program` as an
/// example (with tokio and wiremock as dev-dependencies), runs it (with the crate's mock server)
/// and returns what it printed.
fn run_generated_client(fixture: &str) -> String {
    let root = tests::workspace_root();
    let scratch = root.join("target/generated-crates");
    let dir = scratch.join(format!("e2e-{fixture}"));
    let _ = fs::remove_dir_all(&dir);
    let spec = root.join(format!("tests/fixtures/{fixture}.yaml"));
    xtask::codegen(&spec, &dir, xtask::Mode::Write).unwrap_or_else(|message| panic!("{message}"));
    let manifest = dir.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).expect("manifest");
    text.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\n",
    );
    fs::write(&manifest, text).expect("manifest written");
    fs::create_dir_all(dir.join("examples")).expect("examples directory");
    let program = root.join(format!("tests/generated_clients/{fixture}.rs"));
    fs::copy(&program, dir.join("examples/e2e.rs")).expect("program copied");
    // The workspace's lock file, so that the program builds offline with the versions the
    // workspace already has.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file copied");
    let output = Command::new(env!("CARGO"))
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .args(["run", "--quiet", "--offline", "--features", "mock", "--example", "e2e"])
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "the client of {fixture} fails:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The reviewed output of a fixture's program.
fn expected(fixture: &str, root: &Path) -> String {
    fs::read_to_string(root.join(format!("tests/generated_clients/{fixture}.out"))).expect("reviewed output")
}

#[test]
fn generated_clients_send_every_style_and_body_as_reviewed() {
    let root = tests::workspace_root();
    for fixture in ["parameter_styles", "form_and_multipart_bodies"] {
        assert_eq!(run_generated_client(fixture), expected(fixture, &root), "{fixture}");
    }
}
