//! Locates a decoding failure in a response body: serde_json's line and column as a byte
//! offset, and the JSON path (`data.participants[3].joined_at`) of the value that holds it.
//!
//! A scan of the text after the fact, so that no path-tracking decoder is compiled for every
//! response type (see `DecodeError`).

use std::fmt::Write as _;

/// The byte offset of serde_json's 1-based line / column, clamped to the body.
pub(crate) fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(body.len(), |(i, _)| i + 1)
    };
    line_start.saturating_add(column.saturating_sub(1)).min(body.len())
}

/// One step of a JSON path: a key, as the span of its quoted text, or an array index.
enum Segment {
    Key(std::ops::Range<usize>),
    Index(usize),
}

/// An object or array opened and not yet closed, while [`json_path`] walks the text.
struct Open {
    /// `true` for an array.
    array: bool,
    /// The elements begun so far (arrays).
    len: usize,
    /// The member being read: from its key (or its first byte) until the next comma.
    member: Option<Segment>,
}

/// The path, in `serde_path_to_error`'s notation (`data.participants[3].joined_at`, `.` for the
/// root), of the innermost value of `json` that holds byte `at`, where serde_json stopped
/// reading when it reported a decoding error.
///
/// serde_json stops just after the last byte it read: the end of a scalar of the wrong type,
/// the closing bracket of an object that lacks a required field (the path is the object's), the
/// byte before an object or array found where a scalar belongs, or the place where the text
/// ends. A member runs from its key to the comma after its value, so a byte between its
/// value and the comma is the member's, and a byte after the comma the container's. An error
/// raised after a whole value was read (an untagged union that fits no variant) is reported at
/// that value, or at the object holding it when it is the object's last member.
///
/// The walk reads the text once up to `at`, keeps one entry per open container, and does not
/// need the text to be valid JSON.
pub(crate) fn json_path(json: &[u8], at: usize) -> String {
    // An object or array found where a scalar belongs is reported just before its bracket
    // (serde_json looked at the bracket without reading it); no value ends right before one.
    let at = if matches!(json.get(at + 1), Some(b'{' | b'[')) { at + 1 } else { at };
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < json.len() {
        let byte = json[i];
        if byte.is_ascii_whitespace() {
            if i >= at {
                break;
            }
            i += 1;
            continue;
        }
        // The first byte of an array's element begins a member.
        if let Some(top) =
            open.last_mut().filter(|top| top.array && top.member.is_none() && !matches!(byte, b']' | b','))
        {
            top.member = Some(Segment::Index(top.len));
            top.len += 1;
        }
        let end = match byte {
            b'{' | b'[' => {
                if i >= at {
                    break;
                }
                open.push(Open { array: byte == b'[', len: 0, member: None });
                i + 1
            }
            b'}' | b']' => {
                // The path of a closing bracket is the container's.
                open.pop();
                if i >= at {
                    break;
                }
                i + 1
            }
            b',' => {
                if let Some(top) = open.last_mut() {
                    top.member = None;
                }
                i + 1
            }
            b':' => i + 1,
            b'"' => {
                let end = string_end(json, i);
                if let Some(top) = open.last_mut().filter(|top| !top.array && top.member.is_none()) {
                    if end > at {
                        // Reading stopped inside a key: the path is the object's.
                        break;
                    }
                    top.member = Some(Segment::Key(i..end));
                }
                end
            }
            // A number, a literal, or bytes that are not JSON: up to the next delimiter.
            _ => json[i..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || b",:[]{}\"".contains(b))
                .map_or(json.len(), |n| i + n.max(1)),
        };
        if end > at {
            break;
        }
        i = end;
    }
    render_path(json, &open)
}

/// The members being read in `open`, as `data.participants[3].joined_at`, or `.` for the root;
/// keys are unescaped from their text in `json`.
fn render_path(json: &[u8], open: &[Open]) -> String {
    let mut out = String::new();
    for member in open.iter().filter_map(|open| open.member.as_ref()) {
        match member {
            Segment::Key(span) => {
                if !out.is_empty() {
                    out.push('.');
                }
                // At least the opening quote; the closing one is missing where the text ends.
                let quoted = &json[span.clone()];
                match serde_json::from_slice::<String>(quoted) {
                    Ok(key) => out.push_str(&key),
                    Err(_) => out.push_str(&String::from_utf8_lossy(&quoted[1..quoted.len().saturating_sub(1).max(1)])),
                }
            }
            Segment::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// The index just past the string starting with the quote at `start` (the text's length when
/// it is not closed).
fn string_end(json: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < json.len() {
        match json[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    json.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path found from serde_json's position, against the one `serde_path_to_error` tracks.
    #[test]
    fn json_path_matches_a_tracking_decoder() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: u64,
            name: Option<String>,
            tags: Option<Vec<String>>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Paging {
            total: u64,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Kind {
            Number(u64),
            Object { x: u64 },
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<Item>,
            paging: Option<Paging>,
            kind: Option<Kind>,
        }
        let cases = [
            (r#"{"data":[{"id":1},{"id":"two"}]}"#, "data[1].id"),
            (r#"{"data":[{"id":1},{"name":"x"}]}"#, "data[1]"),
            (r#"{"data":[{"id":1, "name": {"a":1}}]}"#, "data[0].name"),
            (r#"{"data":[{"id":1, "name": [1]}]}"#, "data[0].name"),
            (r#"{"data":[{"id":1, "tags": ["a", 5]}]}"#, "data[0].tags[1]"),
            (r#"{"data":[{"id":1, "tags": [ {"x":1} ]}]}"#, "data[0].tags[0]"),
            (r#"{"data":[], "paging": {"total": null}}"#, "paging.total"),
            (r#"{"data":[], "paging": {"total": 1.5}}"#, "paging.total"),
            (r#"{"data":[], "paging": {}}"#, "paging"),
            (r#"{"data":[], "paging": {"other": [1, {"a": []}]}, "kind": 1}"#, "paging"),
            ("{}", "."),
            (r#"{"kind": "s", "data":[]}"#, "kind"),
            (r#"{"kind": {"y": 1} , "data":[]}"#, "kind"),
            (r#"{"data":[{"id":-1}]}"#, "data[0].id"),
            ("{\n  \"data\" : [\n    {\"id\" : \"x\" }\n  ]\n}", "data[0].id"),
            ("{\r\n\t\"data\":\t[{}]}", "data[0]"),
            (r#"{"data":[{"id":1}, {"id":2,}]}"#, "data[1]"),
            (r#"{"data": 5}"#, "data"),
            (r#"{"data": "five"}"#, "data"),
            (r#"{"data": [1]}"#, "data[0]"),
            (r#"{"data": [{"id": 1}, 2]}"#, "data[1]"),
            (r#"{"d\u0061ta":[{"id":"x"}]}"#, "data[0].id"),
            (r#"{"skip": {"a": [1, 2, {"b": "}"}]}, "data": [{"id": "\"]"}]}"#, "data[0].id"),
            (r#"{"data":[]} x"#, "."),
            (r#"{"data":[]}}"#, "."),
            ("[", "."),
            ("nope", "."),
            ("null", "."),
            (r#"{"data":[{"id":1,"na"#, "data[0]"),
            (r#"{"data":[{"id":1,"name":"ab"#, "data[0].name"),
            (r#"{"data":[{"id":1,"name":"#, "data[0].name"),
            (r#"{"data":[{"id":12"#, "data[0].id"),
            (r#"{"data":[{"id":1},"#, "data"),
            (r#"{"data":[{"id":1}"#, "data[0]"),
            (r#"{"data":"#, "data"),
        ];
        for (body, expected) in cases {
            let error = serde_json::from_slice::<Page>(body.as_bytes()).expect_err(body);
            let found = json_path(body.as_bytes(), byte_offset(body.as_bytes(), error.line(), error.column()));
            let tracked =
                match serde_path_to_error::deserialize::<_, Page>(&mut serde_json::Deserializer::from_str(body)) {
                    Err(e) => e.path().to_string(),
                    Ok(_) => ".".to_owned(),
                };
            assert_eq!(found, expected, "{body}: {error}; tracked: {tracked}");
            // The tracking decoder names a key it was reading `?`; this walk stops at its object.
            // Where the text ends, it may name the container of the last complete value.
            let tracked = tracked.trim_end_matches(".?");
            let tracked = if tracked.is_empty() { "." } else { tracked };
            if error.is_eof() {
                assert!(tracked == "." || found.starts_with(tracked), "{body}: {error}; tracked: {tracked}");
            } else {
                assert_eq!(found, tracked, "{body}: {error}");
            }
        }
        // The documented difference: a whole value that fits no variant of an untagged union,
        // as the last member of an object, is reported at the object.
        let body = r#"{"data":[],"kind":"s"}"#;
        let error = serde_json::from_slice::<Page>(body.as_bytes()).expect_err(body);
        assert_eq!(json_path(body.as_bytes(), byte_offset(body.as_bytes(), error.line(), error.column())), ".");
    }

    #[test]
    fn byte_offset_handles_lines() {
        assert_eq!(byte_offset(b"ab\ncd", 2, 2), 4);
        assert_eq!(byte_offset(b"ab", 9, 9), 2);
        assert_eq!(byte_offset(b"abc", 1, 0), 0);
    }
}
