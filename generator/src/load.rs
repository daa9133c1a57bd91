//! Pass 1: spec text → `openapiv3::OpenAPI`.
//!
//! The text is parsed into a generic value first and only then into openapiv3's types: duplicate
//! keys and syntax errors are reported with a line and column, and a document that does not fit
//! the OpenAPI schema is reported with the JSON pointer of the node that does not fit. A text that
//! starts with `{` is read as JSON (much faster than the YAML reader on multi-megabyte documents),
//! anything else, or JSON that does not parse but is valid YAML, as YAML. A leading byte-order
//! mark is skipped. OpenAPI 3.0.x is read as it is; 3.1.x is first rewritten as 3.0 (`v31`, which
//! records what it moves so that diagnostics point at what was written). A document that
//! openapiv3 does not read is reported at the deepest node that does not fit (`locate`).
//!
//! When a `$ref` names another file, what it names is copied into the document first
//! (`load/bundle.rs`, with the files read through `load/files.rs`), so that everything after
//! reads one document. The generic value is checked before it is typed: every `$ref` must point at a node of the
//! document (openapiv3 keeps references without looking at them, and drops some), integers
//! beyond 64 bits are read as the nearest 64-bit integer with a warning, and keys that openapiv3
//! would silently drop (an upper-case `GET:`, a path without its leading `/`, a misspelt
//! operation field) are reported as warnings.

mod bundle;
mod check;
pub mod files;
mod locate;
mod shape;
mod v31;

use crate::error::{Diagnostics, Errors};
use crate::pointer::Pointer;
use crate::source_map::SourceMap;
use crate::sources::Sources;
use openapiv3::OpenAPI;
use serde::Deserialize as _;
use serde_json::Value;

/// A loaded spec: the typed document and the diagnostics found while loading (warnings only).
#[derive(Debug)]
pub struct Document {
    /// The spec as openapiv3 types.
    pub api: OpenAPI,
    /// Tolerated deviations seen while loading.
    pub diagnostics: Diagnostics,
    /// The other files its `$ref`s read, and where each of their nodes is in `api` (empty for a
    /// spec in one file): what [`Diagnostics::finish_in`] needs to name files and lines.
    pub sources: Sources,
}

/// Parses and checks `text`, a spec in one file.
pub fn load(text: &str) -> Result<Document, Errors> {
    load_from(text, std::path::Path::new(""), "", &files::NoFiles)
}

/// Parses and checks `text`, the spec at `path` (named `label` in messages), reading the files its
/// `$ref`s name from `files` (see `load/bundle.rs`).
pub fn load_from(
    text: &str,
    path: &std::path::Path,
    label: &str,
    files: &dyn files::SpecFiles,
) -> Result<Document, Errors> {
    let text = without_bom(text);
    let (json, diagnostics, sources) = prepare(text, path, label, files)?;
    // Decoding the value by value moves its strings instead of copying them. Locating a failure
    // costs much more; it runs, on the text read and prepared anew, only when decoding failed.
    match OpenAPI::deserialize(json) {
        Ok(api) => Ok(Document { api, diagnostics, sources }),
        Err(_) => Err(not_openapi(text, path, label, files)?),
    }
}

/// The generic value of `text`, with what its `$ref`s name in other files copied in, checked, and
/// for OpenAPI 3.1 rewritten as 3.0, with what was found on the way.
fn prepare(
    text: &str,
    path: &std::path::Path,
    label: &str,
    files: &dyn files::SpecFiles,
) -> Result<(Value, Diagnostics, Sources), Errors> {
    let mut json = parse(text)?;
    let version = check_version(&json).map_err(|(pointer, message)| located(text, pointer, message))?;
    let mut diagnostics = Diagnostics::default();
    let mut sources = Sources::default();
    let mut unreadable = std::collections::HashSet::new();
    if bundle::has_external_refs(&json) {
        let bundled = bundle::bundle(&mut json, text, path, label, files);
        (sources, diagnostics, unreadable) = (bundled.sources, bundled.diagnostics, bundled.failed);
    }
    check::check_values(&mut json, &mut diagnostics, &unreadable);
    if version == Version::V31
        && let Err(deep) = v31::normalise(&mut json, &mut diagnostics)
    {
        diagnostics.error(&deep, "this schema is nested too deeply once read as OpenAPI 3.0: simplify the document");
        return Err(Errors { diagnostics: diagnostics.finish_in(text, &sources) });
    }
    if let Some(paths) = json.get("paths").and_then(Value::as_object) {
        check::unread_keys(paths, &mut diagnostics);
    }
    lint(&json, &mut diagnostics);
    if !unreadable.is_empty() {
        // What the `$ref`s that could not be read stand for is unknown: lowering would only add
        // errors about them.
        return Err(Errors { diagnostics: diagnostics.finish_in(text, &sources) });
    }
    Ok((json, diagnostics, sources))
}

/// The spec at `path` as one document, for tools that read no other file: what its `$ref`s name
/// in other files copied in (see `load/bundle.rs`); `None` when it refers to no other file.
pub fn bundled(text: &str, path: &std::path::Path, files: &dyn files::SpecFiles) -> Result<Option<Value>, Errors> {
    let text = without_bom(text);
    let mut json = parse(text)?;
    if !bundle::has_external_refs(&json) {
        return Ok(None);
    }
    let bundled = bundle::bundle(&mut json, text, path, &path.display().to_string(), files);
    if bundled.diagnostics.has_errors() {
        return Err(Errors { diagnostics: bundled.diagnostics.finish_in(text, &bundled.sources) });
    }
    Ok(Some(json))
}

/// The error for a document that openapiv3 does not read: at the deepest node that does not
/// fit, as written (in its own file, before any 3.1 rewriting), with its line.
fn not_openapi(
    text: &str,
    path: &std::path::Path,
    label: &str,
    files: &dyn files::SpecFiles,
) -> Result<Errors, Errors> {
    let (json, mut diagnostics, sources) = prepare(text, path, label, files)?;
    let (pointer, reason) = match locate::failure(&json) {
        Some(found) => found,
        None => match serde_path_to_error::deserialize::<_, OpenAPI>(&json) {
            Ok(_) => (Pointer::root(), "the document could not be read".to_owned()),
            Err(error) => (path_to_pointer(error.path()), error.inner().to_string()),
        },
    };
    diagnostics.error(&pointer, format!("this does not fit the OpenAPI 3.0 schema: {reason}"));
    let mut found = diagnostics.finish_in(text, &sources);
    // The error first, then the warnings that came before it.
    found.sort_by_key(|diagnostic| diagnostic.severity != crate::error::Severity::Error);
    Ok(Errors { diagnostics: found })
}

/// `text` without the UTF-8 byte-order mark some editors put first, which is not part of the
/// document in JSON or YAML.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The generic value of `text`: JSON when it looks like JSON and parses as such, YAML otherwise.
fn parse(text: &str) -> Result<Value, Errors> {
    if !text.trim_start().starts_with('{') {
        return parse_yaml(text);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let json = UniqueKeys::deserialize(&mut deserializer).and_then(|UniqueKeys(value)| {
        deserializer.end()?;
        Ok(value)
    });
    match json {
        Ok(value) => Ok(value),
        // A YAML flow mapping (`{openapi: 3.0.3, ...}`) is not JSON but is a spec all the same.
        Err(error) => parse_yaml(text).map_err(|_| {
            let (line, column) = (error.line(), error.column());
            let what = error.to_string();
            let what = what.strip_suffix(&format!(" at line {line} column {column}")).unwrap_or(&what);
            let message = format!("the document is not valid JSON (line {line}, column {column}): {what}");
            Errors::single(Pointer::root(), Some(line), message)
        }),
    }
}

fn parse_yaml(text: &str) -> Result<Value, Errors> {
    serde_yaml::from_str(text).map(|UniqueKeys(value)| value).map_err(|error| {
        let line = error.location().map(|at| at.line());
        let message = match error.location() {
            Some(at) => format!("the document is not valid YAML (line {}, column {}): {error}", at.line(), at.column()),
            None => format!("the document is not valid YAML: {error}"),
        };
        Errors::single(Pointer::root(), line, message)
    })
}

/// The generic value of a JSON or YAML document. It rejects two equal keys in a mapping (which
/// serde_json would resolve by keeping the last), reads mapping keys that are numbers or booleans
/// (`200:`) as strings, ignores YAML tags, and reads integers beyond 64 bits (which serde_json
/// turns into floats and serde_yaml hands over as 128-bit integers) as floats, for
/// `check::check_values` to report.
struct UniqueKeys(Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Value, E> {
        // Precision is lost here on purpose; `check::check_values` says where.
        #[allow(clippy::cast_precision_loss)]
        self.visit_f64(value as f64)
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Value, E> {
        #[allow(clippy::cast_precision_loss)]
        self.visit_f64(value as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {value} cannot be represented in JSON")))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("duplicate entry with key \"{key}\"")));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A YAML tag (`!something value`): the value is kept, the tag is not.
        use serde::de::VariantAccess as _;
        let (_tag, value): (serde::de::IgnoredAny, _) = data.variant()?;
        value.newtype_variant::<UniqueKeys>().map(|UniqueKeys(value)| value)
    }
}

/// A mapping key: a string, or a number, boolean or null written as one (`200:`).
struct Key(String);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor).map(Key)
    }
}

struct KeyVisitor;

impl serde::de::Visitor<'_> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a mapping key that is a scalar")
    }

    fn visit_str<E>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_string<E>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_bool<E>(self, value: bool) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i128<E>(self, value: i128) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u128<E>(self, value: u128) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E>(self, value: f64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

/// Warns about deviations from OpenAPI that real specs contain and that are read anyway.
fn lint(json: &Value, diagnostics: &mut Diagnostics) {
    let Some(paths) = json.get("paths").and_then(Value::as_object) else { return };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item {
            let pointer = Pointer::root().push("paths").push(path).push(method);
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else { continue };
            for (status, response) in responses {
                let at = pointer.push("responses").push(status);
                if status.len() == 3 && status.ends_with("xx") {
                    diagnostics.warning(
                        &at,
                        format!(
                            "status range `{status}` should be upper case (`{}`); read as such",
                            status.to_uppercase()
                        ),
                    );
                }
                let Some(content) = response.get("content").and_then(Value::as_object) else { continue };
                for media_type in content.keys().filter(|media_type| !media_type.contains('/')) {
                    diagnostics.warning(
                        &at.push("content").push(media_type),
                        format!("`{media_type}` is not a media type; the response is read as bytes"),
                    );
                }
            }
        }
    }
}

/// An error at `pointer`, with the line found in `text`.
fn located(text: &str, pointer: Pointer, message: String) -> Errors {
    let line = SourceMap::new(text, [&pointer]).line(&pointer);
    Errors::single(pointer, line, message)
}

/// The versions of OpenAPI read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// 3.0.x, which openapiv3 reads.
    V30,
    /// 3.1.x, rewritten as 3.0 first (`v31`).
    V31,
}

/// Rejects documents that are not OpenAPI 3.0.x or 3.1.x.
fn check_version(json: &Value) -> Result<Version, (Pointer, String)> {
    let pointer = Pointer::root().push("openapi");
    match json.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0.") => Ok(Version::V30),
        Some(Value::String(version)) if v31::is_31(version) => Ok(Version::V31),
        Some(other) => Err((pointer, format!("unsupported OpenAPI version {other}: expected 3.0.x or 3.1.x"))),
        None if json.get("swagger").is_some() => Err((
            Pointer::root().push("swagger"),
            "Swagger 2.0 is not supported: convert the document to OpenAPI 3.0.x or 3.1.x".to_owned(),
        )),
        None => Err((Pointer::root(), "missing `openapi` field: expected `openapi: 3.0.x` or `3.1.x`".to_owned())),
    }
}

/// The JSON pointer of a serde path.
fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.push(index),
        Segment::Map { key } => pointer.push(key),
        Segment::Enum { .. } | Segment::Unknown => pointer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match load(text) {
            Ok(_) => "loaded".to_owned(),
            Err(errors) => errors.to_string(),
        }
    }

    #[test]
    fn reads_openapi_31_and_rejects_other_versions_by_name() {
        assert_eq!(error_of("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"), "loaded");
        let message = error_of("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(message.contains("#/openapi (line 1): unsupported OpenAPI version \"3.2.0\""), "{message}");
    }

    #[test]
    fn reports_syntax_errors_with_line_and_column() {
        let message = error_of("openapi: 3.0.3\ninfo: [unclosed\n");
        assert!(message.contains("not valid YAML (line 3"), "{message}");
    }

    #[test]
    fn reports_duplicate_keys() {
        let message = error_of("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n");
        assert!(message.contains("duplicate entry"), "{message}");
    }

    #[test]
    fn reports_schema_mismatches_with_a_pointer() {
        let message = error_of("openapi: 3.0.3\ninfo:\n  title: t\n  version: [1]\npaths: {}\n");
        assert!(message.contains("#/info/version (line 4)"), "{message}");
    }

    #[test]
    fn reads_json_and_reports_its_errors_with_line_and_column() {
        let spec = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}";
        assert_eq!(error_of(spec), "loaded");
        let message = error_of("{\"openapi\": \"3.0.3\",\n \"info\": [1,}\n");
        assert!(
            message.contains("# (line 2): the document is not valid JSON (line 2, column 13): expected value\n"),
            "{message}"
        );
        let message = error_of("{\"openapi\": \"3.0.3\",\n \"paths\": {},\n \"paths\": {}}");
        assert!(message.contains("not valid JSON (line 3, column 8): duplicate entry with key \"paths\""), "{message}");
        // A control character inside a string is JSON (and not YAML).
        let message = error_of(
            "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"a\u{7f}b\", \"version\": \"1\"}, \"paths\": {}}",
        );
        assert_eq!(message, "loaded");
    }

    #[test]
    fn reads_yaml_flow_mappings_that_are_not_json() {
        assert_eq!(error_of("{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}"), "loaded");
    }

    #[test]
    fn a_byte_order_mark_changes_nothing() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}";
        for text in [yaml, json] {
            let plain = load(text).map(|document| document.api);
            let marked = load(&format!("\u{feff}{text}")).map(|document| document.api);
            assert!(plain.is_ok() && plain == marked, "{text}");
        }
    }

    #[test]
    fn integers_beyond_64_bits_are_read_with_a_warning() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: integer, minimum: -9223372036854776000}\n";
        let json = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {},\n \"components\": {\"schemas\": {\"A\": {\"type\": \"integer\", \"minimum\": -9223372036854776000}}}}";
        for text in [yaml, json] {
            let document = load(text).unwrap_or_else(|errors| panic!("{errors}"));
            let warnings = document.diagnostics.finish(text);
            let [warning] = warnings.as_slice() else { panic!("{warnings:?}") };
            assert_eq!(warning.pointer.to_string(), "#/components/schemas/A/minimum");
            assert!(warning.message.contains("read as -9223372036854775808"), "{}", warning.message);
        }
    }

    #[test]
    fn references_are_checked_everywhere_but_in_data() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      example: {$ref: '#/nowhere'}\n      x-note: {$ref: '#/nowhere'}\n      properties:\n        default: {$ref: '#/components/schemas/Gone'}\n        enum: {$ref: '#/components/schemas/A'}\n";
        let document = load(text).unwrap_or_else(|errors| panic!("{errors}"));
        let found = document.diagnostics.finish(text);
        let pointers: Vec<String> = found.iter().map(|d| d.pointer.to_string()).collect();
        assert_eq!(pointers, ["#/components/schemas/A/properties/default/$ref"]);
    }

    #[test]
    fn accepts_integer_status_keys() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        assert_eq!(error_of(text), "loaded");
    }
}
