//! Where the typed nodes of an OpenAPI document are: the path items, operations, parameters,
//! bodies, responses, media types and schemas of the generic value, found by walking it as the
//! OpenAPI object model nests them (3.0 and 3.1 alike).

use crate::pointer::Pointer;
use serde_json::Value;

/// What a node of the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Info,
    Server,
    Tag,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Example,
    Link,
    SecurityScheme,
    Schema,
}

/// The HTTP methods a path item holds.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every typed node of `root`, parents before children. Schemas nested in schemas (properties,
/// items, members of `allOf`, `$defs`, ...) are listed only when `nested`.
pub(super) fn nodes(root: &Value, nested: bool) -> Vec<(Pointer, Kind)> {
    let mut walk = Walk { nested, found: Vec::new() };
    walk.document(root);
    walk.found
}

struct Walk {
    nested: bool,
    found: Vec<(Pointer, Kind)>,
}

/// The entries of the mapping at `key` of `value`, extensions left out.
fn entries<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = (&'v String, &'v Value)> {
    value.get(key).and_then(Value::as_object).into_iter().flatten().filter(|(name, _)| !name.starts_with("x-"))
}

/// The items of the list at `key` of `value`.
fn items<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = (usize, &'v Value)> {
    value.get(key).and_then(Value::as_array).into_iter().flatten().enumerate()
}

/// Whether `value` is a reference, whose other fields are not read.
fn is_ref(value: &Value) -> bool {
    value.get("$ref").is_some_and(Value::is_string)
}

impl Walk {
    fn document(&mut self, root: &Value) {
        let at = Pointer::root();
        if root.get("info").is_some() {
            self.found.push((at.push("info"), Kind::Info));
        }
        self.servers(root, &at);
        for (index, _) in items(root, "tags") {
            self.found.push((at.push("tags").push(index), Kind::Tag));
        }
        for section in ["paths", "webhooks"] {
            for (name, item) in entries(root, section) {
                self.path_item(item, &at.push(section).push(name));
            }
        }
        // `$defs` at the top of the document are not OpenAPI, but a `$ref` may lead there.
        for (name, schema) in entries(root, "$defs") {
            self.schema(schema, &at.push("$defs").push(name));
        }
        let Some(components) = root.get("components") else { return };
        let at = at.push("components");
        for (name, schema) in entries(components, "schemas") {
            self.schema(schema, &at.push("schemas").push(name));
        }
        for (name, response) in entries(components, "responses") {
            self.response(response, &at.push("responses").push(name));
        }
        for (name, parameter) in entries(components, "parameters") {
            self.parameter(parameter, &at.push("parameters").push(name), Kind::Parameter);
        }
        for (name, _) in entries(components, "examples") {
            self.found.push((at.push("examples").push(name), Kind::Example));
        }
        for (name, body) in entries(components, "requestBodies") {
            self.request_body(body, &at.push("requestBodies").push(name));
        }
        for (name, header) in entries(components, "headers") {
            self.parameter(header, &at.push("headers").push(name), Kind::Header);
        }
        for (name, _) in entries(components, "securitySchemes") {
            self.found.push((at.push("securitySchemes").push(name), Kind::SecurityScheme));
        }
        for (name, _) in entries(components, "links") {
            self.found.push((at.push("links").push(name), Kind::Link));
        }
        for (name, callback) in entries(components, "callbacks") {
            self.callback(callback, &at.push("callbacks").push(name));
        }
        for (name, item) in entries(components, "pathItems") {
            self.path_item(item, &at.push("pathItems").push(name));
        }
    }

    fn servers(&mut self, value: &Value, at: &Pointer) {
        for (index, _) in items(value, "servers") {
            self.found.push((at.push("servers").push(index), Kind::Server));
        }
    }

    fn path_item(&mut self, item: &Value, at: &Pointer) {
        self.found.push((at.clone(), Kind::PathItem));
        if is_ref(item) {
            return;
        }
        self.servers(item, at);
        for (index, parameter) in items(item, "parameters") {
            self.parameter(parameter, &at.push("parameters").push(index), Kind::Parameter);
        }
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                self.operation(operation, &at.push(method));
            }
        }
    }

    fn operation(&mut self, operation: &Value, at: &Pointer) {
        self.found.push((at.clone(), Kind::Operation));
        self.servers(operation, at);
        for (index, parameter) in items(operation, "parameters") {
            self.parameter(parameter, &at.push("parameters").push(index), Kind::Parameter);
        }
        if let Some(body) = operation.get("requestBody") {
            self.request_body(body, &at.push("requestBody"));
        }
        for (status, response) in entries(operation, "responses") {
            self.response(response, &at.push("responses").push(status));
        }
        for (name, callback) in entries(operation, "callbacks") {
            self.callback(callback, &at.push("callbacks").push(name));
        }
    }

    fn callback(&mut self, callback: &Value, at: &Pointer) {
        if is_ref(callback) {
            return;
        }
        if let Some(expressions) = callback.as_object() {
            for (expression, item) in expressions.iter().filter(|(key, _)| !key.starts_with("x-")) {
                self.path_item(item, &at.push(expression));
            }
        }
    }

    /// A parameter or a header (`kind`), which have the same shape.
    fn parameter(&mut self, parameter: &Value, at: &Pointer, kind: Kind) {
        self.found.push((at.clone(), kind));
        if is_ref(parameter) {
            return;
        }
        if let Some(schema) = parameter.get("schema") {
            self.schema(schema, &at.push("schema"));
        }
        self.content(parameter, at);
        for (name, _) in entries(parameter, "examples") {
            self.found.push((at.push("examples").push(name), Kind::Example));
        }
    }

    fn request_body(&mut self, body: &Value, at: &Pointer) {
        self.found.push((at.clone(), Kind::RequestBody));
        if !is_ref(body) {
            self.content(body, at);
        }
    }

    fn response(&mut self, response: &Value, at: &Pointer) {
        self.found.push((at.clone(), Kind::Response));
        if is_ref(response) {
            return;
        }
        for (name, header) in entries(response, "headers") {
            self.parameter(header, &at.push("headers").push(name), Kind::Header);
        }
        self.content(response, at);
        for (name, _) in entries(response, "links") {
            self.found.push((at.push("links").push(name), Kind::Link));
        }
    }

    fn content(&mut self, holder: &Value, at: &Pointer) {
        for (media_type, content) in entries(holder, "content") {
            let at = at.push("content").push(media_type);
            self.found.push((at.clone(), Kind::MediaType));
            if let Some(schema) = content.get("schema") {
                self.schema(schema, &at.push("schema"));
            }
            for (name, _) in entries(content, "examples") {
                self.found.push((at.push("examples").push(name), Kind::Example));
            }
            for (property, encoding) in entries(content, "encoding") {
                for (name, header) in entries(encoding, "headers") {
                    let at = at.push("encoding").push(property).push("headers").push(name);
                    self.parameter(header, &at, Kind::Header);
                }
            }
        }
    }

    fn schema(&mut self, schema: &Value, at: &Pointer) {
        self.found.push((at.clone(), Kind::Schema));
        if !self.nested {
            return;
        }
        for (key, child) in schema_children(schema) {
            self.schema(child, &key.below(at));
        }
    }
}

/// Where a subschema sits in its parent.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot<'a> {
    /// The value of a keyword (`items`, `not`, ...).
    Keyword(&'a str),
    /// An entry of a mapping of schemas (`properties`, `$defs`, ...).
    Entry(&'a str, &'a str),
    /// An item of a list of schemas (`allOf`, `prefixItems`, ...).
    Item(&'a str, usize),
}

impl Slot<'_> {
    /// The pointer of the subschema, below its parent's `at`.
    pub(super) fn below(&self, at: &Pointer) -> Pointer {
        match self {
            Slot::Keyword(key) => at.push(key),
            Slot::Entry(key, name) => at.push(key).push(name),
            Slot::Item(key, index) => at.push(key).push(index),
        }
    }
}

/// Keywords whose value is one schema.
pub(super) const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value is a mapping of schemas.
pub(super) const SCHEMA_MAPS: &[&str] =
    &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/// Keywords whose value is a list of schemas.
pub(super) const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];

/// The subschemas of `schema` that are objects, with where they sit.
pub(super) fn schema_children(schema: &Value) -> Vec<(Slot<'_>, &Value)> {
    let mut children = Vec::new();
    let Some(map) = schema.as_object() else { return children };
    for (key, value) in map {
        let key = key.as_str();
        if SCHEMA_KEYWORDS.contains(&key) && value.is_object() {
            children.push((Slot::Keyword(key), value));
        } else if SCHEMA_MAPS.contains(&key) {
            for (name, child) in value.as_object().into_iter().flatten() {
                children.push((Slot::Entry(key, name), child));
            }
        } else if SCHEMA_LISTS.contains(&key) {
            for (index, child) in value.as_array().into_iter().flatten().enumerate() {
                children.push((Slot::Item(key, index), child));
            }
        }
    }
    children
}
