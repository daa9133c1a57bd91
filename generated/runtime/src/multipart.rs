//! `multipart/form-data` request bodies: a form built part by part and encoded once, so that a
//! retried request sends the same bytes, and [`FilePart`], the value of a binary field of a typed
//! multipart body.
//!
//! Encoded here rather than with reqwest's `multipart` feature because reqwest's form is a
//! stream that is consumed by sending it: a retry would need the form built again, and the
//! hooks and tests could not see the bytes sent.

use crate::Error;
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

    /// Adds a file part from a [`FilePart`]; `default_type` is its content type when the part sets
    /// none (the spec's `encoding.contentType`, else `application/octet-stream`).
    pub fn file_part(mut self, name: impl Into<String>, part: &FilePart, default_type: &str) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(part.file_name.clone().unwrap_or_else(|| "file".to_owned())),
            content_type: Some(part.content_type.clone().unwrap_or_else(|| default_type.to_owned())),
            data: part.data.clone(),
        });
        self
    }

    /// Adds a part holding `value` as JSON, with the content type `content_type`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the part when the value does not serialize.
    pub fn json<T: serde::Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        content_type: &str,
    ) -> Result<Self, Error> {
        let data = serde_json::to_vec(value)
            .map_err(|e| Error::invalid_argument(name, format!("could not be serialized as JSON: {e}")))?;
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type: Some(content_type.to_owned()),
            data: data.into(),
        });
        Ok(self)
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

/// The value of a binary field (`format: binary`) of a multipart body: the bytes, and the file
/// name and content type sent with them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    data: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A part holding `data`, sent with the file name `file` and the field's content type
    /// (`application/octet-stream` unless the spec names one) until set otherwise.
    pub fn new(data: impl Into<Bytes>) -> Self {
        FilePart { data: data.into(), file_name: None, content_type: None }
    }

    /// Reads the file at `path`; its file name is sent with it.
    ///
    /// # Errors
    ///
    /// The file could not be read.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let data = std::fs::read(path)?;
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned());
        Ok(FilePart { data: data.into(), file_name, content_type: None })
    }

    /// Sets the file name sent in the part's `Content-Disposition`.
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes sent.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}

impl std::fmt::Debug for FilePart {
    /// The file name, content type and size; not the bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

impl From<Bytes> for FilePart {
    fn from(data: Bytes) -> Self {
        FilePart::new(data)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(data: Vec<u8>) -> Self {
        FilePart::new(data)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(data: &'static [u8]) -> Self {
        FilePart::new(data)
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

    #[test]
    fn file_and_json_parts() {
        let file = FilePart::new(&b"abc"[..]).file_name("a.txt");
        let form = Form::new()
            .file_part("doc", &file, "text/plain")
            .file_part("raw", &FilePart::from(vec![1u8]).content_type("image/png"), "application/octet-stream")
            .json("meta", &serde_json::json!({"k": 1}), "application/json")
            .expect("serializable");
        let (boundary, bytes) = form.encode();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"file\"\r\nContent-Type: image/png\r\n\r\n\u{1}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8_lossy(&bytes), expected);
        assert!(!format!("{file:?}").contains("abc"));
    }
}
