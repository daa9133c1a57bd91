//! Tests of the error types and of the parsing of error bodies.

#[test]
fn error_bodies_decode_into_the_documented_model() {
    // An API's documented `ErrorResponse`, `{"error": {"code", "message"}}`.
    #[derive(serde::Deserialize)]
    struct ErrorResponse {
        error: Detail,
    }
    #[derive(serde::Deserialize)]
    struct Detail {
        code: f64,
        message: String,
    }
    let error = api_error(404, r#"{"success":false,"error":{"code":404,"message":"Meeting not found"}}"#);
    let body: ErrorResponse = error.json().expect("the documented shape");
    assert_eq!(body.error.message, "Meeting not found");
    assert_eq!(body.error.code, 404.0);
    assert!(api_error(502, "<html>").json::<ErrorResponse>().is_err());
}

use super::*;

fn api_error(status: u16, body: &str) -> ApiError {
    ApiError::from_response(
        Method::GET,
        "/accounts/{account_id}/apps/{app_id}/meetings",
        StatusCode::from_u16(status).expect("valid status"),
        HeaderMap::new(),
        Bytes::copy_from_slice(body.as_bytes()),
        false,
    )
}

#[test]
fn parses_an_error_object() {
    let e = api_error(404, r#"{"success":false,"error":{"code":404,"message":"Meeting not found"}}"#);
    assert_eq!(e.code(), Some(404));
    assert_eq!(e.message(), Some("Meeting not found"));
    assert_eq!(e.details().len(), 1);
    let shown = e.to_string();
    assert!(shown.contains("Meeting not found (code 404)"), "{shown}");
    assert!(shown.contains("GET /accounts/{account_id}/apps/{app_id}/meetings"), "{shown}");
}

#[test]
fn an_envelope_names_the_list_of_errors() {
    let body = r#"{"success":false,"errors":[{"code":7003,"message":"No route"},{"code":10000,"message":"Auth"}],"messages":[]}"#;
    // Without the API's envelope, the list is not read.
    assert!(api_error(400, body).details().is_empty());
    let e = api_error(400, body).with_envelope(&crate::ErrorEnvelope::new().details("errors"));
    let pairs: Vec<_> = e.details().iter().map(|d| (d.code(), d.message().to_owned())).collect();
    assert_eq!(pairs, vec![(Some(7003), "No route".to_owned()), (Some(10000), "Auth".to_owned())]);
    assert_eq!(e.code(), Some(7003));
    assert!(e.to_string().contains("No route (code 7003); Auth (code 10000)"));
}

#[test]
fn parses_bare_message_and_string_error() {
    let e = api_error(500, r#"{"message":"Internal failure"}"#);
    assert_eq!(e.message(), Some("Internal failure"));
    assert_eq!(e.code(), None);
    let e = api_error(401, r#"{"error":"Unauthorized"}"#);
    assert_eq!(e.message(), Some("Unauthorized"));
    assert!(e.to_string().contains("check that the client's credentials are valid"), "{e}");
    let hinted = api_error(403, "{}").with_envelope(&crate::ErrorEnvelope::new().auth_hint("use a token of scope X"));
    assert!(hinted.to_string().ends_with(" — use a token of scope X"), "{hinted}");
}

#[test]
fn parses_problem_details() {
    let e = api_error(404, r#"{"type":"about:blank","title":"Not Found","status":404,"detail":"No pet 7"}"#);
    assert_eq!(e.message(), Some("No pet 7"));
    assert_eq!(e.code(), Some(404));
    let e = api_error(409, r#"{"title":"Conflict"}"#);
    assert_eq!(e.message(), Some("Conflict"));
}

#[test]
fn float_and_string_codes() {
    let e = api_error(404, r#"{"error":{"code":404.0,"message":"x"}}"#);
    assert_eq!(e.code(), Some(404));
    let e = api_error(404, r#"{"error":{"code":404.5,"message":"x"}}"#);
    assert_eq!(e.code(), None);
    let e = api_error(404, r#"{"error":{"code":1e300,"message":"x"}}"#);
    assert_eq!(e.code(), None);
    let e = api_error(404, r#"{"errors":[{"code":"1001","message":"x"}]}"#)
        .with_envelope(&crate::ErrorEnvelope::new().details("errors"));
    assert_eq!(e.code(), Some(1001));
}

#[test]
fn html_body_has_no_details_but_an_excerpt() {
    let html = "<html>\n  <head><title>502 Bad Gateway</title></head>\n<body>gateway</body></html>";
    let e = api_error(502, html);
    assert!(e.details().is_empty());
    assert_eq!(e.message(), None);
    let shown = e.to_string();
    assert!(shown.contains("HTTP 502 Bad Gateway"), "{shown}");
    assert!(shown.contains("<html> <head><title>502 Bad Gateway</title></head>"), "{shown}");
}

#[test]
fn truncated_json_has_no_details() {
    let e = api_error(500, r#"{"success":false,"error":{"code":500,"mess"#);
    assert!(e.details().is_empty());
    assert!(e.to_string().contains(r#"{"success":false"#));
}

#[test]
fn empty_body_is_reported() {
    let e = api_error(503, "");
    assert!(e.to_string().ends_with("(empty body)"), "{e}");
}

#[test]
fn excerpt_is_bounded_and_char_safe() {
    let body = "é".repeat(10_000);
    let ex = excerpt(body.as_bytes(), 0);
    assert_eq!(ex.chars().count(), EXCERPT_CHARS + 1);
    assert!(ex.ends_with('…'));
    // Start in the middle of a two-byte character.
    let ex = excerpt(body.as_bytes(), 1001);
    assert!(ex.starts_with('…'));
    assert!(!ex.contains('\u{FFFD}'), "{ex}");
}

#[test]
fn decode_error_points_at_the_field() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }
    let body = br#"{"data":[{"id":1},{"id":"two"}]}"#;
    let err = serde_json::from_slice::<Page>(body).expect_err("must fail");
    let e = DecodeError::from_failure(Method::GET, "/x", StatusCode::OK, body, body, &err);
    assert_eq!(e.json_path(), "data[1].id");
    assert!(e.message().contains("invalid type"), "{}", e.message());
    assert!(e.excerpt().contains("\"two\""), "{}", e.excerpt());
    assert!(e.to_string().contains("`data[1].id`"));
}

#[test]
fn capped_cuts_on_a_character_boundary() {
    assert_eq!(capped("short", 10), "short");
    assert_eq!(capped("ééééé", 3), "ééé…");
    assert_eq!(capped(&"x".repeat(10_000), TEXT_CHARS).chars().count(), TEXT_CHARS + 1);
    let e = Error::invalid_argument("body", "y".repeat(100_000));
    assert!(e.to_string().len() < 1_000);
}

#[test]
fn helpers_on_error() {
    let e = Error::Api(Box::new(api_error(404, r#"{"error":{"code":404,"message":"gone"}}"#)));
    assert!(e.is_not_found());
    assert!(!e.is_rate_limited());
    assert!(!e.is_retryable());
    assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(e.details().len(), 1);
    let e = Error::Api(Box::new(api_error(429, "{}")));
    assert!(e.is_rate_limited());
    assert!(e.is_retryable());
    let e = Error::invalid_argument("meeting_id", "must not be empty");
    assert_eq!(e.to_string(), "invalid argument `meeting_id`: must not be empty");
    assert!(!e.is_retryable());
    assert!(e.details().is_empty());
}
