//! Path parameters in the styles of the OpenAPI 3.0 table beyond a plain scalar: `simple` lists
//! and objects, `label` and `matrix`, each exploded or not. For a value `blue`, `[blue, black]`
//! or `{R: 100, G: 200}` named `color`:
//!
//! | style | explode | scalar | list | object |
//! | --- | --- | --- | --- | --- |
//! | simple | false | `blue` | `blue,black` | `R,100,G,200` |
//! | simple | true | `blue` | `blue,black` | `R=100,G=200` |
//! | label | false | `.blue` | `.blue.black` | `.R.100.G.200` |
//! | label | true | `.blue` | `.blue.black` | `.R=100.G=200` |
//! | matrix | false | `;color=blue` | `;color=blue,black` | `;color=R,100,G,200` |
//! | matrix | true | `;color=blue` | `;color=blue;color=black` | `;R=100;G=200` |
//!
//! Each name and value is percent-encoded (every byte outside RFC 3986 unreserved), so the
//! delimiters are the only `.`-less punctuation the segment holds; object keys are sorted.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::Error;

const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The style of a path parameter written by [`path_styled`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `style: simple` (lists and objects; a scalar in `simple` is written as it is).
    Simple,
    /// `style: label`.
    Label,
    /// `style: matrix`.
    Matrix,
}

/// The text of path parameter `name` in `style`, already percent-encoded (the request inserts it
/// as it is).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the parameter when the value does not serialize, or when
/// it is empty, `.` or `..` (not a path segment of its own).
pub fn path_styled<T: serde::Serialize>(
    name: &'static str,
    value: &T,
    style: PathStyle,
    explode: bool,
) -> Result<String, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::invalid_argument(name, format!("could not be serialized: {e}")))?;
    let encode = |text: &str| utf8_percent_encode(text, ENCODE).to_string();
    let text = |value: &Value| match value {
        Value::String(text) => encode(text),
        other => encode(&other.to_string()),
    };
    // Each item as written: a scalar, or `key,value` / `key=value` pairs of an object.
    let (items, pairs): (Vec<String>, bool) = match &value {
        Value::Array(values) => (values.iter().filter(|v| !v.is_null()).map(text).collect(), false),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let items = entries.into_iter().flat_map(|(key, value)| [encode(key), text(value)]);
            (items.collect(), true)
        }
        Value::Null => (Vec::new(), false),
        scalar => (vec![text(scalar)], false),
    };
    let joined = |separator: &str, pair: &str| -> String {
        if pairs {
            items.chunks(2).map(|pair_items| pair_items.join(pair)).collect::<Vec<_>>().join(separator)
        } else {
            items.join(separator)
        }
    };
    let name_encoded = encode(name);
    let written = match (style, explode) {
        (PathStyle::Simple, false) => joined(",", ","),
        (PathStyle::Simple, true) => joined(",", "="),
        (PathStyle::Label, false) => format!(".{}", joined(".", ".")),
        (PathStyle::Label, true) => format!(".{}", joined(".", "=")),
        (PathStyle::Matrix, false) => format!(";{name_encoded}={}", joined(",", ",")),
        (PathStyle::Matrix, true) if pairs => format!(";{}", joined(";", "=")),
        (PathStyle::Matrix, true) => {
            items.iter().map(|item| format!(";{name_encoded}={item}")).collect::<Vec<_>>().join("")
        }
    };
    match written.as_str() {
        "" | "." | ".." => Err(Error::invalid_argument(name, format!("must not be `{written}` (a path segment)"))),
        _ => Ok(written),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_table() {
        let (blue, list, rgb) =
            (serde_json::json!("blue"), serde_json::json!(["blue", "black"]), serde_json::json!({"R": 100, "G": 200}));
        let table = [
            (&blue, PathStyle::Simple, false, "blue"),
            (&list, PathStyle::Simple, false, "blue,black"),
            (&rgb, PathStyle::Simple, false, "G,200,R,100"),
            (&rgb, PathStyle::Simple, true, "G=200,R=100"),
            (&blue, PathStyle::Label, false, ".blue"),
            (&list, PathStyle::Label, true, ".blue.black"),
            (&rgb, PathStyle::Label, false, ".G.200.R.100"),
            (&rgb, PathStyle::Label, true, ".G=200.R=100"),
            (&blue, PathStyle::Matrix, false, ";color=blue"),
            (&list, PathStyle::Matrix, false, ";color=blue,black"),
            (&list, PathStyle::Matrix, true, ";color=blue;color=black"),
            (&rgb, PathStyle::Matrix, false, ";color=G,200,R,100"),
            (&rgb, PathStyle::Matrix, true, ";G=200;R=100"),
        ];
        for (value, style, explode, expected) in table {
            assert_eq!(path_styled("color", value, style, explode).expect("writable"), expected, "{style:?} {explode}");
        }
        assert_eq!(path_styled("c", &"a/b;c", PathStyle::Label, false).expect("writable"), ".a%2Fb%3Bc");
        assert!(path_styled("c", &Vec::<u8>::new(), PathStyle::Simple, false).is_err());
    }
}
