//! One schema of an OpenAPI 3.1 document (JSON Schema 2020-12) rewritten as an OpenAPI 3.0
//! schema, its subschemas first. What has a 3.0 form is given it (`type` lists, `const`,
//! `examples`, numeric exclusive bounds, `contentEncoding`, `prefixItems`, `$ref` beside other
//! keywords); what has none is left out with a warning at the keyword. Every node that moves is
//! recorded with `Diagnostics::moved`, so that later diagnostics point where it was written.

use crate::error::Diagnostics;
use crate::pointer::Pointer;
use serde_json::{Map, Value};

/// How deep subschemas are followed; the parser stops far earlier (128 levels), so this only
/// bounds the recursion should a document ever be built by other means.
const MAX_DEPTH: usize = 512;

/// Keywords that only describe a schema; beside a `$ref` they stay on the schema that wraps it.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "summary",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
    "nullable",
    "externalDocs",
    "$comment",
];

/// Keywords that only constrain values and that the generated types do not carry; beside a
/// `$ref` they are left out.
const CONSTRAINTS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Keywords that shape a type: beside a `$ref`, they make a member of the `allOf` it becomes.
const SHAPING: &[&str] = &[
    "properties",
    "additionalProperties",
    "patternProperties",
    "required",
    "items",
    "prefixItems",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "const",
    "discriminator",
];

/// Keywords of JSON Schema that have no OpenAPI 3.0 form and that are left out with a warning.
const UNSUPPORTED: &[&str] = &[
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
];

/// Keywords that identify or document a schema for JSON Schema tools and change nothing here:
/// left out without a word (`$defs` were moved into the components before, if referenced).
const IGNORED: &[&str] =
    &["$schema", "$id", "$anchor", "$comment", "$vocabulary", "$defs", "definitions", "contentSchema"];

/// The keywords of each type, which go with it when a schema of several types is split.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    ("string", &["minLength", "maxLength", "pattern", "format"]),
    ("number", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"]),
    ("integer", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"]),
    ("object", &["properties", "required", "additionalProperties", "minProperties", "maxProperties", "discriminator"]),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    ("boolean", &[]),
];

/// Rewrites the schema at `at` (and its subschemas) in place.
pub(super) fn normalise(node: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) {
    Schema { diagnostics }.schema(node, at, 0);
}

struct Schema<'d> {
    diagnostics: &'d mut Diagnostics,
}

impl Schema<'_> {
    fn schema(&mut self, node: &mut Value, at: &Pointer, depth: usize) {
        if depth > MAX_DEPTH {
            self.diagnostics.warning(at, "this schema is nested too deeply and is read as any JSON value");
            *node = Value::Object(Map::new());
            return;
        }
        match node {
            Value::Bool(true) => *node = Value::Object(Map::new()),
            Value::Bool(false) => {
                self.diagnostics.warning(
                    at,
                    "the schema `false` (no value is valid) has no OpenAPI 3.0 form; read as any JSON value",
                );
                *node = Value::Object(Map::new());
            }
            Value::Object(map) => {
                if map.contains_key("$ref") && map.keys().any(|key| key != "$ref" && !key.starts_with("x-")) {
                    self.reference_beside_keywords(map, at, depth);
                } else if !map.contains_key("$ref") {
                    self.children(map, at, depth);
                    self.keywords(map, at);
                }
            }
            _ => {}
        }
    }

    /// Normalises the subschemas of `map`.
    fn children(&mut self, map: &mut Map<String, Value>, at: &Pointer, depth: usize) {
        // `items` as a list is the tuple of drafts before 2020-12: read as `prefixItems`.
        if map.get("items").is_some_and(Value::is_array) && !map.contains_key("prefixItems") {
            let mut moves = vec![(at.push("prefixItems"), at.push("items"))];
            if let Some(items) = map.remove("items") {
                map.insert("prefixItems".to_owned(), items);
            }
            if let Some(additional) = map.remove("additionalItems") {
                map.insert("items".to_owned(), additional);
                moves.push((at.push("items"), at.push("additionalItems")));
            }
            self.diagnostics.moved_together(&moves);
        }
        for key in ["items", "not", "additionalProperties"] {
            // `items: false` after `prefixItems` closes the tuple; `prefix_items` reads it.
            let tuple = map.contains_key("prefixItems");
            if let Some(child) = map.get_mut(key)
                && (child.is_object()
                    || (key != "additionalProperties" && child.is_boolean() && !(key == "items" && tuple)))
            {
                self.schema(child, &at.push(key), depth + 1);
            }
        }
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Object(children)) = map.get_mut(key) {
                for (name, child) in children.iter_mut() {
                    self.schema(child, &at.push(key).push(name), depth + 1);
                }
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(children)) = map.get_mut(key) {
                for (index, child) in children.iter_mut().enumerate() {
                    self.schema(child, &at.push(key).push(index), depth + 1);
                }
            }
        }
    }

    /// A `$ref` with other keywords beside it, which JSON Schema applies together and OpenAPI
    /// 3.0 ignores: the reference becomes the first member of an `allOf`, the keywords that shape
    /// a type (properties, items, composition, ...) the next, and the annotations stay on the
    /// wrapper. Constraints (`minLength`, `format`, ...) on a reference are left out.
    fn reference_beside_keywords(&mut self, map: &mut Map<String, Value>, at: &Pointer, depth: usize) {
        let original = std::mem::take(map);
        let mut rest = Map::new();
        let mut all_of = Vec::new();
        for (key, value) in original {
            if key == "$ref" {
                all_of.insert(0, Value::Object(Map::from_iter([(key, value)])));
            } else if ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-") {
                map.insert(key, value);
            } else if key == "type" {
                // The reference says what the type is; `null` among the types beside it makes it
                // nullable (`{$ref: X, type: [object, 'null']}`).
                if allows_null(&value) {
                    map.insert("nullable".to_owned(), Value::Bool(true));
                }
            } else if CONSTRAINTS.contains(&key.as_str()) || IGNORED.contains(&key.as_str()) {
            } else {
                rest.insert(key, value);
            }
        }
        // Keywords that only restate or constrain the referred schema are not a member of their
        // own (which would make a copy of the referred type).
        if !rest.iter().any(|(key, value)| {
            SHAPING.contains(&key.as_str()) && !(key == "additionalProperties" && value.is_boolean())
        }) {
            rest.clear();
        }
        // Members of an `allOf` beside the reference join it after the reference.
        let members = match rest.remove("allOf") {
            Some(Value::Array(members)) => members,
            Some(other) => {
                rest.insert("allOf".to_owned(), other);
                Vec::new()
            }
            None => Vec::new(),
        };
        let mut moves = vec![(at.push("allOf").push(0), at.clone())];
        for (index, member) in members.into_iter().enumerate() {
            moves.push((at.push("allOf").push(index + 1), at.push("allOf").push(index)));
            all_of.push(member);
        }
        if !rest.is_empty() {
            moves.push((at.push("allOf").push(all_of.len()), at.clone()));
            all_of.push(Value::Object(rest));
        }
        self.diagnostics.moved_together(&moves);
        for (index, member) in all_of.iter_mut().enumerate().skip(1) {
            self.schema(member, &at.push("allOf").push(index), depth + 1);
        }
        map.insert("allOf".to_owned(), Value::Array(all_of));
        self.keywords(map, at);
    }

    /// Rewrites the keywords of one schema whose subschemas are done.
    fn keywords(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        for key in IGNORED {
            map.remove(*key);
        }
        for key in UNSUPPORTED {
            if map.remove(*key).is_some() {
                self.diagnostics.warning(
                    &at.push(key),
                    format!("`{key}` (JSON Schema 2020-12) has no OpenAPI 3.0 form and is ignored"),
                );
            }
        }
        if let Some(value) = map.remove("const") {
            map.insert("enum".to_owned(), Value::Array(vec![value]));
        }
        if map.get("examples").is_some_and(Value::is_array)
            && let Some(Value::Array(examples)) = map.remove("examples")
            && !map.contains_key("example")
            && let Some(first) = examples.into_iter().next()
        {
            map.insert("example".to_owned(), first);
        }
        // JSON Schema 2020-12 counts a number with no fraction (`1.0`) as an integer; openapiv3
        // reads counts as integers only.
        for key in ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] {
            if let Some(Value::Number(count)) = map.get(key)
                && count.is_f64()
                && let Some(whole) = count.as_f64().filter(|c| c.fract() == 0.0 && *c >= 0.0 && *c < 9.0e15)
            {
                // Whole, non-negative and below 2^53: the conversion is exact.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                map.insert(key.to_owned(), Value::from(whole as u64));
            }
        }
        exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, minimum| minimum > bound);
        exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, maximum| maximum < bound);
        self.content(map, at);
        self.pattern_properties(map, at);
        self.prefix_items(map, at);
        self.types(map, at);
    }

    /// `contentEncoding: base64` is the 3.0 `format: byte`; a `contentMediaType` that is not
    /// text, the 3.0 `format: binary`.
    fn content(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let encoding = map.remove("contentEncoding");
        let media_type = map.remove("contentMediaType");
        let string = map.get("type").is_none_or(|t| t == "string");
        let format = match (&encoding, &media_type) {
            (Some(Value::String(encoding)), _)
                if encoding.eq_ignore_ascii_case("base64") || encoding.eq_ignore_ascii_case("base64url") =>
            {
                Some("byte")
            }
            (Some(Value::String(encoding)), _) => {
                self.diagnostics.warning(
                    &at.push("contentEncoding"),
                    format!("the content encoding `{encoding}` has no OpenAPI 3.0 form; the value is read as a string"),
                );
                None
            }
            (_, Some(Value::String(media_type))) if !is_text(media_type) => Some("binary"),
            _ => None,
        };
        if let Some(format) = format
            && string
            && !map.contains_key("format")
        {
            map.insert("type".to_owned(), "string".into());
            map.insert("format".to_owned(), format.into());
        }
    }

    /// `patternProperties`: the values of one pattern are the values of the map
    /// (`additionalProperties`); of several, any JSON value.
    fn pattern_properties(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let Some(patterns) = map.remove("patternProperties") else { return };
        let Value::Object(patterns) = patterns else { return };
        if map.get("additionalProperties").is_some_and(|a| a != &Value::Bool(true)) {
            self.diagnostics.warning(
                &at.push("patternProperties"),
                "`patternProperties` beside `additionalProperties` has no OpenAPI 3.0 form and is ignored",
            );
            return;
        }
        let mut patterns = patterns.into_iter();
        match (patterns.next(), patterns.next()) {
            (Some((pattern, schema)), None) => {
                self.diagnostics.moved(&at.push("additionalProperties"), &at.push("patternProperties").push(&pattern));
                map.insert("additionalProperties".to_owned(), schema);
            }
            (Some(_), Some(_)) => {
                self.diagnostics.warning(
                    &at.push("patternProperties"),
                    "several `patternProperties` have no OpenAPI 3.0 form: the map's values are read as any JSON value",
                );
                map.insert("additionalProperties".to_owned(), Value::Bool(true));
            }
            _ => {}
        }
    }

    /// `prefixItems` (a tuple) is read as a list whose items are any of the tuple's schemas (and
    /// of `items`, which then holds the schema of the items after them).
    fn prefix_items(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let prefix = match map.remove("prefixItems") {
            Some(Value::Array(prefix)) => prefix,
            Some(_) => {
                // Not a list: nothing to read, but `items` beside it was left for this to read.
                if map.get("items").is_some_and(Value::is_boolean) {
                    map.insert("items".to_owned(), Value::Object(Map::new()));
                }
                return;
            }
            None => return,
        };
        let mut members = Vec::new();
        let mut moves = Vec::new();
        // Equal schemas are one member; comparing is quadratic, so only short tuples are compared.
        let compare = prefix.len() <= 64;
        for (index, schema) in prefix.into_iter().enumerate() {
            if !(compare && members.contains(&schema)) {
                moves.push((at.push("items").push("anyOf").push(members.len()), at.push("prefixItems").push(index)));
                members.push(schema);
            }
        }
        if let Some(items) = map.remove("items")
            && items.is_object()
            && !members.contains(&items)
        {
            moves.push((at.push("items").push("anyOf").push(members.len()), at.push("items")));
            members.push(items);
        }
        self.diagnostics.moved_together(&moves);
        self.diagnostics.warning(
            &at.push("prefixItems"),
            "`prefixItems` (a tuple) has no OpenAPI 3.0 form: read as a list whose items may be any of its schemas",
        );
        let items = match members.len() {
            0 => Value::Object(Map::new()),
            1 => {
                self.diagnostics.moved(&at.push("items"), &at.push("items").push("anyOf").push(0));
                members.pop().unwrap_or_default()
            }
            _ => Value::Object(Map::from_iter([("anyOf".to_owned(), Value::Array(members))])),
        };
        map.insert("type".to_owned(), "array".into());
        map.insert("items".to_owned(), items);
    }

    /// A list of types: `null` among them makes the schema nullable; one other type is the
    /// schema's type, several make it a union (`oneOf`) of one schema per type, each with the
    /// keywords of its type. `type: 'null'` alone stays as written: it is read as null.
    fn types(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Array(list)) = map.get("type") else { return };
        let mut types: Vec<String> = Vec::new();
        let mut nullable = false;
        for item in list {
            match item.as_str() {
                Some("null") => nullable = true,
                Some(name) if !types.iter().any(|t| t == name) => types.push(name.to_owned()),
                Some(_) => {}
                None => {
                    self.diagnostics.warning(
                        &at.push("type"),
                        "a `type` list holds something that is not a type name; it is ignored",
                    );
                }
            }
        }
        // Every integer is a number.
        if types.iter().any(|t| t == "number") {
            types.retain(|t| t != "integer");
        }
        if nullable {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        match types.as_slice() {
            [] if nullable => {
                map.insert("type".to_owned(), "null".into());
            }
            [] => {
                map.remove("type");
            }
            [one] => {
                map.insert("type".to_owned(), one.as_str().into());
            }
            _ if ["allOf", "oneOf", "anyOf", "not", "$ref"].iter().any(|key| map.contains_key(*key)) => {
                self.diagnostics.warning(
                    &at.push("type"),
                    "a list of types beside `allOf`, `oneOf`, `anyOf` or `not` has no OpenAPI 3.0 form; the types are ignored",
                );
                map.remove("type");
            }
            _ => self.split(map, at, &types),
        }
    }

    /// Makes `map` a `oneOf` of one schema per type in `types`.
    fn split(&mut self, map: &mut Map<String, Value>, at: &Pointer, types: &[String]) {
        map.remove("type");
        let values = map.remove("enum");
        let mut members = Vec::new();
        let mut moves = Vec::new();
        for (index, name) in types.iter().enumerate() {
            let mut member = Map::new();
            member.insert("type".to_owned(), name.as_str().into());
            let keywords = TYPE_KEYWORDS.iter().find(|(t, _)| t == name).map_or(&[][..], |(_, keywords)| *keywords);
            for keyword in keywords {
                if let Some(value) = map.get(*keyword) {
                    member.insert((*keyword).to_owned(), value.clone());
                }
            }
            if let Some(Value::Array(values)) = &values {
                let of_type: Vec<Value> = values.iter().filter(|v| is_of_type(v, name)).cloned().collect();
                if !of_type.is_empty() {
                    member.insert("enum".to_owned(), Value::Array(of_type));
                }
            }
            moves.push((at.push("oneOf").push(index), at.clone()));
            members.push(Value::Object(member));
        }
        self.diagnostics.moved_together(&moves);
        for (_, keywords) in TYPE_KEYWORDS {
            for keyword in *keywords {
                map.remove(*keyword);
            }
        }
        map.insert("oneOf".to_owned(), Value::Array(members));
    }
}

/// Replaces a numeric `exclusive` bound (3.1) with the 3.0 form: the bound in `inclusive` and
/// `exclusive: true`, unless the inclusive bound already there is the stricter (`stricter`).
fn exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, inclusive: &str, stricter: fn(f64, f64) -> bool) {
    let Some(Value::Number(bound)) = map.get(exclusive).cloned() else { return };
    map.remove(exclusive);
    let present = map.get(inclusive).and_then(Value::as_f64);
    if let (Some(present), Some(value)) = (present, bound.as_f64())
        && stricter(value, present)
    {
        return;
    }
    map.insert(inclusive.to_owned(), Value::Number(bound));
    map.insert(exclusive.to_owned(), Value::Bool(true));
}

/// Whether a `type` value allows `null`.
fn allows_null(value: &Value) -> bool {
    match value {
        Value::String(name) => name == "null",
        Value::Array(names) => names.iter().any(|name| name == "null"),
        _ => false,
    }
}

/// Whether `value` is of the JSON type `name`.
fn is_of_type(value: &Value, name: &str) -> bool {
    match name {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => false,
    }
}

/// Whether a media type is text, which a string holds as it is.
fn is_text(media_type: &str) -> bool {
    let media_type = media_type.to_ascii_lowercase();
    media_type.starts_with("text/") || media_type.contains("json") || media_type.contains("xml")
}
