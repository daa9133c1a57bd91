//! `multipart/form-data` request bodies: a form built part by part and encoded once, so that a
//! retried request sends the same bytes.

use crate::request::{Body, Request};
use bytes::Bytes;
use reqwest::header::HeaderValue;

/// A `multipart/form-data` body: text fields and files, sent in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Form::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.parts.push(Part { name: name.into(), file_name: None, content_type: None, data: Bytes::from(value) });
        self
    }

    /// Adds a file: its field name, file name, media type and contents.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    /// Encodes the form with a boundary that occurs in none of its parts.
    fn encode(&self) -> (String, Bytes) {
        let boundary = loop {
            let candidate = format!("----boundary-{:016x}", fastrand::u64(..));
            let needle = candidate.as_bytes();
            if !self.parts.iter().any(|part| part.data.windows(needle.len()).any(|w| w == needle)) {
                break candidate;
            }
        };
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quoted(&part.name)).as_bytes(),
            );
            if let Some(file_name) = &part.file_name {
                out.extend_from_slice(format!("; filename=\"{}\"", quoted(file_name)).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(
                    format!("Content-Type: {}\r\n", content_type.replace(['\r', '\n'], "")).as_bytes(),
                );
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (boundary, out.into())
    }
}

/// Escapes a name for a quoted `Content-Disposition` parameter.
fn quoted(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ")
}

impl Request {
    /// Uses `form` as the `multipart/form-data` request body.
    pub fn multipart_body(&mut self, form: &Form) {
        let (boundary, bytes) = form.encode();
        let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
            .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data"));
        self.body = Some(Body { content_type, bytes });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_and_file_parts_between_boundaries() {
        let form = Form::new().text("caption", "a \"cat\"").file("file", "cat.png", "image/png", &b"\x89PNG"[..]);
        let (boundary, bytes) = form.encode();
        let text = String::from_utf8_lossy(&bytes);
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\na \"cat\"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG\r\n--{boundary}--\r\n"
        );
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert_eq!(text, expected);
    }
}
