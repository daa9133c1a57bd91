//! The pools of names and texts the `structured` target draws from, and scalar JSON values.

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Value, json};

/// Names that stress naming: keywords (raw-able or not), collisions after case conversion,
/// digit-leading, empty or symbol-only, prelude types, builder and client members, paging words,
/// characters that need escaping in JSON pointers, Markdown and Rust comment syntax, non-ASCII.
// Kept as a dense block: rustfmt would put each of these short names on a line of its own.
#[rustfmt::skip]
const NAMES: &[&str] = &[
    "id", "name", "type", "Type", "TYPE", "self", "Self", "super", "crate", "_", "__", "r#type",
    "async", "await", "gen", "try", "dyn", "union", "macro_rules", "static", "match", "fn", "impl",
    "mod", "use", "where", "loop", "box", "final", "yield", "abstract", "true", "false", "null",
    "fooBar", "foo_bar", "foo-bar", "FooBar", "foo bar", "FOO_BAR", "foo.bar", "foo_bar_2", "FooBar2",
    "2fa", "123", "1", "0x", "2xx", "", " ", "@@", "$ref", "~", "~0", "~1", "/", "a/b", "{x}", "x.y/z",
    "value", "Value", "value_2", "Value2", "Unknown", "unknown", "Variant", "String", "Option", "Result",
    "Box", "Vec", "Some", "None", "Ok", "Err", "Default", "Clone", "Self_", "self_", "Client", "client",
    "builder", "from_env", "clone", "fmt", "send", "stream", "request", "options", "max_retries",
    "timeout", "general", "models", "operations", "Error", "error", "serde", "std", "core",
    "serde_json", "additional_properties", "additionalProperties", "page", "page_no", "per_page",
    "page_size", "paging", "total_count", "end_offset", "data", "items", "body", "response",
    "Response", "KNOWN", "as_str", "from", "new", "default", "é", "ünïcödé", "Ärger", "日本語",
    "ǅemo", "straße", "İstanbul", "µ", "x\u{301}", "\u{200b}", "emoji😀", "a\"b", "a\\b", "*/",
    "/*", "//", "#", "```", "`", "'", "\n", "\t", "%20", "a+b", "x-ext", "x²", "½", "①", "२fa", "٣",
    "Ⅻ", "ⅰd",
];

#[derive(Debug, Clone)]
pub(crate) struct Name(pub(crate) String);

impl<'a> Arbitrary<'a> for Name {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        if u.ratio(7, 8)? {
            Ok(Name((*u.choose(NAMES)?).to_owned()))
        } else {
            let s: String = u.arbitrary()?;
            Ok(Name(s.chars().take(16).collect()))
        }
    }
}

/// Descriptions, titles, summaries: prose with Markdown, code fences, doc-test lookalikes,
/// comment terminators and control characters.
const TEXTS: &[&str] = &[
    "A thing.",
    "",
    "  ",
    "Line one.\n\nLine two.",
    "    indented code\n    block",
    "```\nlet x = 1;\nassert!(false);\n```",
    "```rust\nfn main() {}\n```",
    "```json\n{\"a\": 1}",
    "``` text\nunclosed",
    "*/ /* // //! /// #![doc] #[test]",
    "quote \" backslash \\ hash # braces {} {{}}",
    "carriage\rreturn",
    "crlf\r\nline",
    "nul \u{0} char",
    "bell \u{7} del \u{7f}",
    "tab\tand\u{b}vt\u{c}ff",
    "unicode ünïcödé 日本語 😀 \u{202e}rtl",
    "[link](https://example.com) <b>html</b> <!-- comment -->",
    "# Heading\n- item\n- item",
    "r#\"raw\"#",
    "\u{2028}line separator\u{2029}",
];

#[derive(Debug, Clone)]
pub(crate) struct Text(pub(crate) String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        if u.ratio(7, 8)? {
            Ok(Text((*u.choose(TEXTS)?).to_owned()))
        } else {
            let s: String = u.arbitrary()?;
            Ok(Text(s.chars().take(40).collect()))
        }
    }
}

/// A scalar JSON value (for enums, defaults and examples).
#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Scalar {
    Str(Name),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    EmptyArray,
    EmptyObject,
}

impl Scalar {
    pub(crate) fn render(&self) -> Value {
        match self {
            Scalar::Str(name) => Value::String(name.0.clone()),
            Scalar::Int(i) => json!(i),
            // NaN and infinities have no JSON form: they become null.
            Scalar::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Null => Value::Null,
            Scalar::EmptyArray => json!([]),
            Scalar::EmptyObject => json!({}),
        }
    }
}
