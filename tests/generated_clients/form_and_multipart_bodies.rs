//! Sends the bodies of `tests/fixtures/form_and_multipart_bodies.yaml` through its generated
//! client to wiremock and prints what arrived (run by `tests/styles_and_bodies.rs`).

use form_and_multipart_bodies::models::{CustomerForm, CustomerFormAddress, Meta};
use form_and_multipart_bodies::multipart::FilePart;
use form_and_multipart_bodies::operations::forms::UploadForm;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client =
        form_and_multipart_bodies::Client::builder().api_token("token").base_url(server.uri()).build().expect("client");
    let customer = CustomerForm {
        name: "Zoë & co".into(),
        tags: Some(vec!["a".into(), "b|c".into()]),
        metadata: Some([("order".to_owned(), "7".to_owned())].into()),
        address: Some(CustomerFormAddress { city: Some("Paris".into()), ..Default::default() }),
        unknown_fields: Default::default(),
    };
    client.forms().create_customer(customer).send().await.expect("sent");
    let upload = UploadForm {
        file: FilePart::new(b"PNG".to_vec()).file_name("cat.png"),
        attachments: Some(vec![FilePart::new(&b"one"[..]), FilePart::new(&b"two"[..]).content_type("text/plain")]),
        caption: Some("a \"cat\"".into()),
        count: Some(3),
        labels: Some(vec!["x".into(), "y".into()]),
        meta: Some(Meta { kind: Some("photo".into()), ..Default::default() }),
        raw_json: Some("text".into()),
    };
    client.forms().upload(upload).send().await.expect("sent");
    for request in server.received_requests().await.expect("recorded") {
        let content_type = request.headers.get("content-type").map(|v| v.to_str().expect("ASCII")).unwrap_or_default();
        println!("{} {} {}", request.method, request.url.path(), content_type.split(';').next().unwrap_or_default());
        let body = String::from_utf8_lossy(&request.body).into_owned();
        // The multipart boundary is random: it is printed as `BOUNDARY`.
        let body = match content_type.split_once("boundary=") {
            Some((_, boundary)) => body.replace(boundary, "BOUNDARY"),
            None => body,
        };
        println!("{body}");
    }
}
