//! Checks of the generic value before it is typed: every `$ref` must lead somewhere, integers
//! beyond 64 bits are read as the nearest 64-bit integer, and keys that the typed reading would
//! drop without a word are reported.

use crate::error::{self, Diagnostics};
use crate::pointer::Pointer;
use serde_json::Value;

/// One step from a node to a child.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer_of(path: &[Step<'_>]) -> Pointer {
    path.iter().fold(Pointer::root(), |pointer, step| match step {
        Step::Key(key) => pointer.push(key),
        Step::Index(index) => pointer.push(index),
    })
}

/// Mappings whose keys are names the spec's author chose (a schema called `default`, a property
/// called `enum`), not keywords.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "content",
    "encoding",
    "variables",
    "mapping",
    "scopes",
];

/// Keywords whose values are data (an example, a default, the allowed values), in which a `$ref`
/// key is a value like any other.
const DATA: &[&str] = &["example", "default", "enum", "value", "const"];

/// The state of one walk: references are checked as they are met (a pointer is built only for
/// one that fails), integers beyond 64 bits are collected to be replaced afterwards.
struct Found<'a, 'd> {
    root: &'a Value,
    /// The pointers of `$ref`s already reported (files that could not be read).
    reported: &'a std::collections::HashSet<String>,
    diagnostics: &'d mut Diagnostics,
    /// Integers that did not fit 64 bits (read as floats), by pointer, and whether they are
    /// bounds or allowed values, which an integer schema holds as `i64`.
    beyond_64_bits: Vec<(Pointer, f64, bool)>,
}

impl Found<'_, '_> {
    /// Checks the `$ref` at `path`, or a discriminator mapping's target (a reference or the name
    /// of a component schema) when `mapping`.
    fn reference(&mut self, path: &[Step<'_>], reference: &str, mapping: bool) {
        if mapping && !reference.contains(['#', '/']) {
            let schema = Pointer::root().push("components").push("schemas").push(reference);
            if self.root.pointer(schema.as_json_pointer()).is_none() {
                let message =
                    format!("the mapping names the schema `{reference}`, which is not in `#/components/schemas`");
                self.diagnostics.error(&pointer_of(path), message);
            }
            return;
        }
        let message = match reference.strip_prefix('#') {
            Some(local) if self.root.pointer(local).is_some() => return,
            Some(_) => error::unresolved_ref(reference),
            None => error::external_ref(reference),
        };
        let pointer = pointer_of(path);
        if !self.reported.contains(pointer.as_json_pointer()) {
            self.diagnostics.error(&pointer, message);
        }
    }
}

/// Reports references that lead nowhere and integers beyond 64 bits. Those that are bounds
/// (`minimum`, `maximum`, `multipleOf`) or allowed values (`enum`) are replaced with the nearest
/// 64-bit integer, which is how openapiv3 reads them in an integer schema; others stay floats.
/// `$ref`s at the pointers in `reported` are not checked again.
pub(super) fn check_values(
    json: &mut Value,
    diagnostics: &mut Diagnostics,
    reported: &std::collections::HashSet<String>,
) {
    let mut found = Found { root: json, reported, diagnostics, beyond_64_bits: Vec::new() };
    walk(json, &mut Vec::new(), Context::Keywords, &mut found);
    let Found { diagnostics, beyond_64_bits, .. } = found;
    for (pointer, value, bound) in beyond_64_bits {
        let message = if bound {
            // `as` saturates: the nearest 64-bit integer.
            #[allow(clippy::cast_possible_truncation)]
            let nearest = value as i64;
            if let Some(slot) = json.pointer_mut(pointer.as_json_pointer()) {
                *slot = Value::from(nearest);
            }
            format!("this integer does not fit in 64 bits and is read as {nearest}: precision is lost")
        } else {
            format!(
                "this integer does not fit in 64 bits and is read as the floating-point number {value:e}: precision is lost"
            )
        };
        diagnostics.warning(&pointer, message);
    }
}

/// How the keys of a mapping are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// An OpenAPI or schema object: keys are keywords.
    Keywords,
    /// A mapping from names to objects (`properties`, `paths`, ...).
    Names,
    /// An example, default or other value: nothing in it is a keyword.
    Data,
}

/// Integers of ±2^63 and beyond: a float this large that is whole came from an integer literal
/// that does not fit 64 bits (or from a float literal that stands for one).
const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;

/// The keywords whose values an integer schema holds as `i64`.
const BOUNDS: &[&str] = &["minimum", "maximum", "multipleOf"];

fn walk<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, context: Context, found: &mut Found<'_, '_>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_context = match context {
                    Context::Data => Context::Data,
                    Context::Names => Context::Keywords,
                    Context::Keywords => {
                        if key == "$ref"
                            && let Value::String(reference) = child
                        {
                            path.push(Step::Key(key));
                            found.reference(path, reference, false);
                            path.pop();
                            continue;
                        }
                        if key == "mapping"
                            && let Value::Object(mapping) = child
                        {
                            // A discriminator's mapping: each value is a reference or a schema name.
                            path.push(Step::Key(key));
                            for (value, target) in mapping {
                                if let Value::String(target) = target {
                                    path.push(Step::Key(value));
                                    found.reference(path, target, true);
                                    path.pop();
                                }
                            }
                            path.pop();
                            continue;
                        }
                        if DATA.contains(&key.as_str())
                            || key.starts_with("x-")
                            || (key == "examples" && child.is_array())
                        {
                            Context::Data
                        } else if NAME_MAPS.contains(&key.as_str()) {
                            Context::Names
                        } else {
                            Context::Keywords
                        }
                    }
                };
                path.push(Step::Key(key));
                walk(child, path, child_context, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            // `parameters` names a mapping in `components` and a list in an operation: the items
            // of a list are objects of their own.
            let context = if context == Context::Names { Context::Keywords } else { context };
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                walk(item, path, context, found);
                path.pop();
            }
        }
        Value::Number(number) => {
            if let Some(float) = number.as_f64()
                && number.is_f64()
                && float.fract() == 0.0
                && float.abs() >= TWO_TO_63
            {
                let bound = match path.as_slice() {
                    [.., Step::Key(key)] => BOUNDS.contains(key),
                    [.., Step::Key("enum"), Step::Index(_)] => true,
                    _ => false,
                };
                found.beyond_64_bits.push((pointer_of(path), float, bound));
            }
        }
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// The fields of a path item besides the operations.
const PATH_ITEM_FIELDS: &[&str] = &["$ref", "summary", "description", "servers", "parameters"];
/// The operations of a path item.
pub(super) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/// The fields of an operation.
const OPERATION_FIELDS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

/// Warns about the keys of `paths`, path items and operations that openapiv3 would drop without a
/// word: a path without its leading `/`, an upper-case method (`GET:`), a misspelt field.
pub(super) fn unread_keys(paths: &serde_json::Map<String, Value>, diagnostics: &mut Diagnostics) {
    let at = Pointer::root().push("paths");
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        if !path.starts_with('/') {
            diagnostics.warning(
                &at.push(path),
                format!("the path `{path}` does not start with `/` and is left out (did you mean `/{path}`?)"),
            );
            continue;
        }
        let Some(item) = item.as_object() else { continue };
        for (key, operation) in item {
            let pointer = at.push(path).push(key);
            if key.starts_with("x-") || PATH_ITEM_FIELDS.contains(&key.as_str()) {
                continue;
            }
            if !METHODS.contains(&key.as_str()) {
                let lower = key.to_lowercase();
                if METHODS.contains(&lower.as_str()) {
                    diagnostics.operation_left_out(
                        &pointer,
                        format!("`{key}` is left out: HTTP methods are lower case in OpenAPI (`{lower}`)"),
                    );
                } else {
                    diagnostics.warning(&pointer, format!("`{key}` is not a field of a path item and is ignored"));
                }
                continue;
            }
            let Some(operation) = operation.as_object() else { continue };
            for field in operation.keys() {
                if !field.starts_with("x-") && !OPERATION_FIELDS.contains(&field.as_str()) {
                    diagnostics.warning(
                        &pointer.push(field),
                        format!("`{field}` is not a field of an operation and is ignored"),
                    );
                }
            }
        }
    }
}
