//! `application/x-www-form-urlencoded` request bodies and `Cookie` headers: both are written in
//! the `name=value` form of a query string (see the `query` module), property by property in the
//! style its `encoding` says, or parameter by parameter.

use reqwest::header::{COOKIE, HeaderValue};
use serde_json::Value;

use crate::Error;
use crate::query::{ObjectStyle, Query, QueryValue};
use crate::request::{Body, Request};

/// How one property of a form body is written (the `encoding` entry of its media type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldEncoding {
    /// In a style, as a query parameter of that style is (`style` and `explode`; without an
    /// `encoding` entry, `form` exploded).
    Style(ObjectStyle),
    /// As JSON text (`contentType: application/json`).
    Json,
}

impl Request {
    /// Serializes `body` (an object) as the `application/x-www-form-urlencoded` request body,
    /// properties in sorted order: each property in the encoding `encodings` gives it, `form` exploded otherwise; `null`
    /// properties are left out.
    pub fn form_body<B: serde::Serialize>(
        &mut self,
        body: &B,
        encodings: &[(&'static str, FieldEncoding)],
    ) -> Result<(), Error> {
        let invalid = |reason: String| Error::invalid_argument("body", reason);
        let value = serde_json::to_value(body).map_err(|e| invalid(format!("could not be serialized: {e}")))?;
        let Value::Object(properties) = value else {
            return Err(invalid("is not an object, so it has no form-urlencoded form".to_owned()));
        };
        let mut form = Query::default();
        // Properties in sorted order, whatever map type serde_json was built with.
        let mut properties: Vec<(&String, &Value)> = properties.iter().collect();
        properties.sort_by(|a, b| a.0.cmp(b.0));
        for (name, value) in properties {
            let encoding = encodings.iter().find(|(property, _)| property == name).map(|(_, encoding)| *encoding);
            match encoding.unwrap_or(FieldEncoding::Style(ObjectStyle::Form)) {
                FieldEncoding::Style(style) => form.push_json(name, value, style),
                FieldEncoding::Json if value.is_null() => {}
                FieldEncoding::Json => form.push_pair(name, &value.to_string()),
            }
        }
        self.body = Some(Body {
            content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
            bytes: form.as_str().to_owned().into(),
        });
        Ok(())
    }

    /// Sends the cookie parameters that are set as one `Cookie` header (`a=1; b=2`), each in the
    /// `form` style of its parameter, names and values percent-encoded (so that no value can hold
    /// a `;` or a control character). Nothing is sent when none is set.
    pub fn cookies(&mut self, cookies: &[(&'static str, QueryValue<'_>)]) -> Result<(), Error> {
        let mut pairs = Query::default();
        for (name, value) in cookies {
            pairs
                .push_value(name, value)
                .map_err(|reason| Error::invalid_argument(*name, format!("cannot be written as a cookie: {reason}")))?;
        }
        if pairs.is_empty() {
            return Ok(());
        }
        // `&` only separates pairs: inside a name or value it is percent-encoded.
        let header = pairs.as_str().replace('&', "; ");
        let value = HeaderValue::from_str(&header)
            .map_err(|_| Error::invalid_argument("Cookie", "could not be written as a header"))?;
        self.headers.insert(COOKIE, value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{ListStyle, RequestOptions, list, one};
    use reqwest::Method;

    fn request() -> Request {
        Request::new(Method::POST, "/x", "/x".to_owned(), &RequestOptions::default())
    }

    #[test]
    fn form_bodies_follow_each_property_encoding() {
        let body = serde_json::json!({
            "name": "Zoë & co", "ids": [1, 2], "tags": ["a", "b"], "meta": {"k": "v"}, "address": {"city": "X"},
            "json": {"a": [1]}, "none": null
        });
        let mut r = request();
        let encodings = [
            ("tags", FieldEncoding::Style(ObjectStyle::PipeDelimited)),
            ("meta", FieldEncoding::Style(ObjectStyle::Deep)),
            ("json", FieldEncoding::Json),
        ];
        r.form_body(&body, &encodings).expect("an object");
        let body = r.body.expect("a body");
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            std::str::from_utf8(&body.bytes).expect("text"),
            "city=X&ids=1&ids=2&json=%7B%22a%22%3A%5B1%5D%7D&meta%5Bk%5D=v&name=Zo%C3%AB%20%26%20co&tags=a|b"
        );
        assert!(matches!(request().form_body(&[1, 2], &[]), Err(Error::InvalidArgument { .. })));
    }

    #[test]
    fn cookies_are_one_header() {
        let (ids, session) = (vec![3, 4], "a;b c");
        let mut r = request();
        r.cookies(&[
            ("session", one(Some(&session))),
            ("absent", one::<u8>(None)),
            ("ids", list(Some(&ids), ListStyle::CommaSeparated)),
        ])
        .expect("writable");
        assert_eq!(r.headers.get(COOKIE).map(|v| v.as_bytes()), Some(&b"session=a%3Bb%20c; ids=3,4"[..]));
        let mut none = request();
        none.cookies(&[("absent", one::<u8>(None))]).expect("nothing to write");
        assert!(none.headers.get(COOKIE).is_none());
    }
}
