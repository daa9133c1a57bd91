//! Sends every parameter style of `tests/fixtures/parameter_styles.yaml` through its generated
//! client to wiremock and prints what arrived (run by `tests/styles_and_bodies.rs`).

use parameter_styles::models::{Color, Filter, FilterRange, RangeOrTime};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = parameter_styles::Client::builder().api_token("token").base_url(server.uri()).build().expect("client");
    let rgb = || Color { r: Some(100), g: Some(200), b: Some(150), ..Default::default() };
    client
        .styles()
        .query_styles()
        .prim("a b")
        .form_exploded(["x", "y"])
        .form_list([1, 2])
        .spaced(["s", "t"])
        .piped(["p", "q"])
        .piped_exploded(["e", "f"])
        .color(rgb())
        .color_list(rgb())
        .color_spaced(rgb())
        .color_piped(rgb())
        .filter(Filter {
            status: Some("open".into()),
            tags: Some(vec!["a".into(), "b".into()]),
            range: Some(FilterRange { gte: Some(1), ..Default::default() }),
            ..Default::default()
        })
        .created(RangeOrTime::Integer(1700000000))
        .expand(["data", "data.items"])
        .redirect("https://x.test/a?b")
        .labels([("k".to_owned(), "v w".to_owned())].into())
        .send()
        .await
        .expect("sent");
    client
        .styles()
        .query_styles()
        .created(RangeOrTime::RangeOrTimeVariant0(Default::default()))
        .send()
        .await
        .expect("sent");
    client
        .styles()
        .header_styles("s;1")
        .x_ids([3, 4])
        .x_color(rgb())
        .x_color_exploded(rgb())
        .ids([5, 6])
        .prefs(rgb())
        .send()
        .await
        .expect("sent");
    client.styles().path_styles([3, 4], rgb(), ["a", "b c"], "m;1", rgb()).send().await.expect("sent");
    print_received(&server).await;

    // The crate's mock server matches each style as the client writes it, and nothing else.
    let mock = parameter_styles::mock::MockServer::start().await;
    let filter = || Filter { status: Some("open".into()), tags: Some(vec!["a".into()]), ..Default::default() };
    mock.styles()
        .query_styles()
        .spaced(["s", "t"])
        .piped(["p", "q"])
        .color_list(rgb())
        .color_piped(rgb())
        .filter(filter())
        .created(RangeOrTime::Integer(1))
        .expand(["data"])
        .redirect("https://x.test/a?b")
        .expect(1)
        .mount()
        .await;
    let mock_client = mock.client();
    let query = || {
        mock_client
            .styles()
            .query_styles()
            .prim("other")
            .spaced(["s", "t"])
            .color_list(rgb())
            .color_piped(rgb())
            .filter(filter())
            .created(RangeOrTime::Integer(1))
            .expand(["data"])
            .redirect("https://x.test/a?b")
    };
    query().piped(["p", "q"]).send().await.expect("matched by the mock");
    query().piped(["p", "r"]).send().await.expect_err("not matched");
    mock.styles()
        .path_styles()
        .label(["a".to_owned(), "b c".to_owned()])
        .matrix_exploded(rgb())
        .expect(1)
        .mount()
        .await;
    let path = |label: &'static str| mock_client.styles().path_styles([1], rgb(), ["a", label], "m", rgb());
    path("b c").send().await.expect("matched by the mock");
    path("b").send().await.expect_err("not matched");
    println!("mock: {} unmatched", mock.take_unmatched().len());
    mock.verify().await;
}

async fn print_received(server: &MockServer) {
    for request in server.received_requests().await.expect("recorded") {
        println!("{} {}?{}", request.method, request.url.path(), request.url.query().unwrap_or_default());
        for name in ["x-ids", "x-color", "x-color-exploded", "cookie"] {
            if let Some(value) = request.headers.get(name) {
                println!("{name}: {}", value.to_str().expect("ASCII"));
            }
        }
    }
}
