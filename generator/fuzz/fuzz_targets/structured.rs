//! A structurally valid OpenAPI 3.0 document, described by an `arbitrary`-derived value and
//! rendered to JSON, fed to `generator::generate`. Besides "never panics", it checks what a
//! successful run promises:
//!
//! - every generated file parses as Rust (`syn::parse_file`), and a failed run never blames the
//!   generator itself (`internal error: ... does not parse`);
//! - no two generated files have the same path (one would overwrite the other);
//! - generating twice from the same text gives the same result (files, warnings, or errors).
//!
//! Names are drawn mostly from a pool of awkward ones (keywords, names that collide after case
//! conversion, digit-leading, empty, non-ASCII, names of prelude types and builder members) and
//! sometimes are arbitrary strings.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------------
// Names and texts
// ---------------------------------------------------------------------------------------------

/// Names that stress naming: keywords (raw-able or not), collisions after case conversion,
/// digit-leading, empty or symbol-only, prelude types, builder and client members, paging words,
/// characters that need escaping in JSON pointers, Markdown and Rust comment syntax, non-ASCII.
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
struct Name(String);

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
struct Text(String);

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
enum Scalar {
    Str(Name),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    EmptyArray,
    EmptyObject,
}

impl Scalar {
    fn render(&self) -> Value {
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

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/// A `$ref` to a component.
#[derive(Arbitrary, Debug, Clone)]
enum Ref {
    /// A component that exists (by index into its section; a missing one if the section is empty).
    Existing(u8),
    /// A component of this section that does not exist.
    Missing(Name),
    /// An existing component, its name not escaped as a JSON pointer token (`a/b` stays `a/b`).
    Unescaped(u8),
    /// A component of another section (`#/components/parameters/x` used as a schema).
    OtherSection(u8),
    /// Not a local reference.
    External,
    /// `#`, `#/`, `#/components/schemas/`: references that name no component.
    Degenerate(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum StrFormat {
    DateTime,
    Date,
    Password,
    Byte,
    Binary,
    Uuid,
    Email,
    Uri,
    Datetime,
    Custom,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum IntFormat {
    Int32,
    Int64,
    Unknown,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum NumFormat {
    Float,
    Double,
    Unknown,
}

/// An entry of `required`.
#[derive(Arbitrary, Debug, Clone)]
enum Required {
    /// One of the object's own properties (by index).
    Property(u8),
    /// Any name (possibly not a property).
    Name(Name),
}

#[derive(Arbitrary, Debug, Clone)]
enum Additional {
    Bool(bool),
    Schema(Box<Schema>),
}

#[derive(Arbitrary, Debug, Clone)]
struct Discriminator {
    property: Required,
    mapping: Vec<(Name, Ref)>,
}

#[derive(Arbitrary, Debug, Clone)]
enum Kind {
    Ref(Ref),
    String { format: Option<StrFormat>, values: Option<Vec<Option<Name>>>, pattern: bool, min_length: Option<u8> },
    Integer { format: Option<IntFormat>, minimum: Option<i16>, maximum: Option<i16> },
    Number { format: Option<NumFormat>, minimum: Option<i16> },
    Boolean,
    Object { typed: bool, properties: Vec<(Name, Schema)>, required: Vec<Required>, additional: Option<Additional> },
    Array { typed: bool, items: Option<Box<Schema>> },
    AllOf { typed_object: bool, members: Vec<Schema>, properties: Vec<(Name, Schema)> },
    OneOf { members: Vec<Schema>, discriminator: Option<Discriminator> },
    AnyOf { members: Vec<Schema>, discriminator: Option<Discriminator> },
    /// `enum` of a single string, the constant that tags union members.
    Constant(Name),
    /// `enum` without `type`, of mixed values.
    UntypedEnum(Vec<Scalar>),
    /// Keywords without `type`, from which the generator infers one.
    Untyped { minimum: Option<i16>, maximum: Option<Scalar>, pattern: bool, items: Option<Box<Schema>> },
    Not(Box<Schema>),
    /// `{}`: any value.
    Empty,
    /// `type: null` (OpenAPI 3.1 style, seen in 3.0 documents).
    Null,
    /// An unknown `type`.
    UnknownType(Name),
}

#[derive(Arbitrary, Debug, Clone)]
struct Schema {
    kind: Kind,
    nullable: Option<bool>,
    title: Option<Name>,
    description: Option<Text>,
    default: Option<Scalar>,
    example: Option<Scalar>,
    read_only: bool,
    deprecated: bool,
}

/// Inline schemas deeper than this are rendered as `{type: string}`, to keep documents (and the
/// stack) small.
const MAX_DEPTH: usize = 6;

/// What a rendered document's `$ref`s can point to.
struct Ctx {
    schemas: Vec<String>,
    parameters: Vec<String>,
    request_bodies: Vec<String>,
    responses: Vec<String>,
}

/// Escapes a JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn pick<T: Clone>(items: &[T], index: u8) -> Option<T> {
    if items.is_empty() { None } else { items.get(index as usize % items.len()).cloned() }
}

impl Ctx {
    fn reference(&self, r: &Ref, section: &str, names: &[String]) -> Value {
        let target = match r {
            Ref::Existing(i) => match pick(names, *i) {
                Some(name) => format!("#/components/{section}/{}", escape(&name)),
                None => format!("#/components/{section}/Missing"),
            },
            Ref::Missing(name) => format!("#/components/{section}/{}-missing", escape(&name.0)),
            Ref::Unescaped(i) => format!("#/components/{section}/{}", pick(names, *i).unwrap_or_default()),
            Ref::OtherSection(i) => {
                let others = [&self.schemas, &self.parameters, &self.request_bodies, &self.responses];
                let sections = ["schemas", "parameters", "requestBodies", "responses"];
                let which = *i as usize % 4;
                let name = pick(others[which], *i / 4).unwrap_or_else(|| "x".to_owned());
                format!("#/components/{}/{}", sections[(which + 1) % 4], escape(&name))
            }
            Ref::External => "other.yaml#/components/schemas/Foo".to_owned(),
            Ref::Degenerate(i) => ["#", "#/", "", "#/components/schemas/", "#/components", "#/paths"][*i as usize % 6].to_owned(),
        };
        json!({ "$ref": target })
    }

    fn schema_ref(&self, r: &Ref) -> Value {
        self.reference(r, "schemas", &self.schemas)
    }

    fn schema(&self, schema: &Schema, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return json!({ "type": "string" });
        }
        let mut out = Map::new();
        let d = depth + 1;
        match &schema.kind {
            // A reference with siblings is still a reference (the siblings are ignored).
            Kind::Ref(r) => {
                let mut value = self.schema_ref(r);
                if let (Some(description), Value::Object(map)) = (&schema.description, &mut value) {
                    map.insert("description".into(), Value::String(description.0.clone()));
                }
                return value;
            }
            Kind::String { format, values, pattern, min_length } => {
                out.insert("type".into(), json!("string"));
                if let Some(format) = format {
                    let format = match format {
                        StrFormat::DateTime => "date-time",
                        StrFormat::Date => "date",
                        StrFormat::Password => "password",
                        StrFormat::Byte => "byte",
                        StrFormat::Binary => "binary",
                        StrFormat::Uuid => "uuid",
                        StrFormat::Email => "email",
                        StrFormat::Uri => "uri",
                        StrFormat::Datetime => "datetime",
                        StrFormat::Custom => "x-custom`format",
                    };
                    out.insert("format".into(), json!(format));
                }
                if let Some(values) = values {
                    let values: Vec<Value> =
                        values.iter().map(|v| v.as_ref().map_or(Value::Null, |n| Value::String(n.0.clone()))).collect();
                    out.insert("enum".into(), Value::Array(values));
                }
                if *pattern {
                    out.insert("pattern".into(), json!("^[a-z]+$"));
                }
                if let Some(min) = min_length {
                    out.insert("minLength".into(), json!(min));
                }
            }
            Kind::Integer { format, minimum, maximum } => {
                out.insert("type".into(), json!("integer"));
                if let Some(format) = format {
                    let format = match format {
                        IntFormat::Int32 => "int32",
                        IntFormat::Int64 => "int64",
                        IntFormat::Unknown => "uint8",
                    };
                    out.insert("format".into(), json!(format));
                }
                if let Some(min) = minimum {
                    out.insert("minimum".into(), json!(min));
                }
                if let Some(max) = maximum {
                    out.insert("maximum".into(), json!(max));
                }
            }
            Kind::Number { format, minimum } => {
                out.insert("type".into(), json!("number"));
                if let Some(format) = format {
                    let format = match format {
                        NumFormat::Float => "float",
                        NumFormat::Double => "double",
                        NumFormat::Unknown => "decimal",
                    };
                    out.insert("format".into(), json!(format));
                }
                if let Some(min) = minimum {
                    out.insert("minimum".into(), json!(f64::from(*min) / 2.0));
                }
            }
            Kind::Boolean => {
                out.insert("type".into(), json!("boolean"));
            }
            Kind::Object { typed, properties, required, additional } => {
                if *typed {
                    out.insert("type".into(), json!("object"));
                }
                self.properties(&mut out, properties, required, d);
                match additional {
                    None => {}
                    Some(Additional::Bool(b)) => {
                        out.insert("additionalProperties".into(), json!(b));
                    }
                    Some(Additional::Schema(schema)) => {
                        out.insert("additionalProperties".into(), self.schema(schema, d));
                    }
                }
            }
            Kind::Array { typed, items } => {
                if *typed {
                    out.insert("type".into(), json!("array"));
                }
                if let Some(items) = items {
                    out.insert("items".into(), self.schema(items, d));
                } else if !typed {
                    out.insert("type".into(), json!("array"));
                }
            }
            Kind::AllOf { typed_object, members, properties } => {
                if *typed_object {
                    out.insert("type".into(), json!("object"));
                    self.properties(&mut out, properties, &[], d);
                }
                out.insert("allOf".into(), Value::Array(members.iter().map(|m| self.schema(m, d)).collect()));
            }
            Kind::OneOf { members, discriminator } | Kind::AnyOf { members, discriminator } => {
                let key = if matches!(schema.kind, Kind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                out.insert(key.into(), Value::Array(members.iter().map(|m| self.schema(m, d)).collect()));
                if let Some(discriminator) = discriminator {
                    let property = match &discriminator.property {
                        Required::Property(_) => "type".to_owned(),
                        Required::Name(name) => name.0.clone(),
                    };
                    let mapping: Map<String, Value> = discriminator
                        .mapping
                        .iter()
                        .map(|(value, r)| (value.0.clone(), self.schema_ref(r)["$ref"].clone()))
                        .collect();
                    let mut disc = Map::new();
                    disc.insert("propertyName".into(), Value::String(property));
                    if !mapping.is_empty() {
                        disc.insert("mapping".into(), Value::Object(mapping));
                    }
                    out.insert("discriminator".into(), Value::Object(disc));
                }
            }
            Kind::Constant(name) => {
                out.insert("type".into(), json!("string"));
                out.insert("enum".into(), json!([name.0]));
            }
            Kind::UntypedEnum(values) => {
                out.insert("enum".into(), Value::Array(values.iter().map(Scalar::render).collect()));
            }
            Kind::Untyped { minimum, maximum, pattern, items } => {
                if let Some(min) = minimum {
                    out.insert("minimum".into(), json!(min));
                }
                if let Some(max) = maximum {
                    out.insert("maximum".into(), max.render());
                }
                if *pattern {
                    out.insert("pattern".into(), json!("."));
                }
                if let Some(items) = items {
                    out.insert("items".into(), self.schema(items, d));
                }
            }
            Kind::Not(inner) => {
                out.insert("not".into(), self.schema(inner, d));
            }
            Kind::Empty => {}
            Kind::Null => {
                out.insert("type".into(), json!("null"));
            }
            Kind::UnknownType(name) => {
                out.insert("type".into(), Value::String(name.0.clone()));
            }
        }
        if let Some(nullable) = schema.nullable {
            out.insert("nullable".into(), json!(nullable));
        }
        if let Some(title) = &schema.title {
            out.insert("title".into(), Value::String(title.0.clone()));
        }
        if let Some(description) = &schema.description {
            out.insert("description".into(), Value::String(description.0.clone()));
        }
        if let Some(default) = &schema.default {
            out.insert("default".into(), default.render());
        }
        if let Some(example) = &schema.example {
            out.insert("example".into(), example.render());
        }
        if schema.read_only {
            out.insert("readOnly".into(), json!(true));
        }
        if schema.deprecated {
            out.insert("deprecated".into(), json!(true));
        }
        Value::Object(out)
    }

    fn properties(&self, out: &mut Map<String, Value>, properties: &[(Name, Schema)], required: &[Required], depth: usize) {
        if properties.is_empty() && required.is_empty() {
            return;
        }
        let map: Map<String, Value> =
            properties.iter().map(|(name, schema)| (name.0.clone(), self.schema(schema, depth))).collect();
        let names: Vec<String> = properties.iter().map(|(name, _)| name.0.clone()).collect();
        out.insert("properties".into(), Value::Object(map));
        if !required.is_empty() {
            let required: Vec<Value> = required
                .iter()
                .filter_map(|r| match r {
                    Required::Property(i) => pick(&names, *i),
                    Required::Name(name) => Some(name.0.clone()),
                })
                .map(Value::String)
                .collect();
            out.insert("required".into(), Value::Array(required));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters, bodies, responses
// ---------------------------------------------------------------------------------------------

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Style {
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Matrix,
    Label,
}

#[derive(Arbitrary, Debug, Clone)]
enum ParamName {
    /// One of the path template's parameters (by index).
    Template(u8),
    /// A paging word (`page`, `page_no`, `per_page`, `page_size`).
    Paging(u8),
    Name(Name),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum MediaType {
    Json,
    JsonCharset,
    ProblemJson,
    Any,
    Text,
    OctetStream,
    Multipart,
    FormUrlEncoded,
    /// `json`: not a media type (a tolerated deviation).
    Bare,
}

impl MediaType {
    fn as_str(self) -> &'static str {
        match self {
            MediaType::Json => "application/json",
            MediaType::JsonCharset => "application/json; charset=utf-8",
            MediaType::ProblemJson => "application/problem+json",
            MediaType::Any => "*/*",
            MediaType::Text => "text/plain",
            MediaType::OctetStream => "application/octet-stream",
            MediaType::Multipart => "multipart/form-data",
            MediaType::FormUrlEncoded => "application/x-www-form-urlencoded",
            MediaType::Bare => "json",
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
enum ParamFormat {
    Schema(Schema),
    Content(MediaType, Option<Schema>),
}

#[derive(Arbitrary, Debug, Clone)]
struct Param {
    name: ParamName,
    location: Location,
    required: Option<bool>,
    format: ParamFormat,
    style: Option<Style>,
    explode: Option<bool>,
    description: Option<Text>,
    deprecated: bool,
}

#[derive(Arbitrary, Debug, Clone)]
enum Or<T> {
    Item(T),
    Ref(Ref),
}

#[derive(Arbitrary, Debug, Clone)]
struct Body {
    description: Option<Text>,
    content: Vec<(MediaType, Option<Schema>)>,
    required: Option<bool>,
}

#[derive(Arbitrary, Debug, Clone)]
struct Response {
    description: Text,
    /// `description` is required by OpenAPI; 0 leaves it out.
    omit_description: u8,
    content: Vec<(MediaType, Option<Schema>)>,
    headers: Vec<(Name, Schema)>,
}

#[derive(Arbitrary, Debug, Clone)]
enum Status {
    /// A common status (by index into a list).
    Common(u8),
    Code(u16),
    /// `1XX` ... `5XX`.
    Range(u8),
    /// `2xx`: lower case (a tolerated deviation).
    LowerRange(u8),
    Default,
    Odd(Name),
}

const STATUSES: &[u16] = &[200, 201, 202, 204, 206, 299, 300, 301, 304, 400, 401, 404, 409, 422, 429, 500, 503, 100, 199, 600, 0, 999];

impl Status {
    fn key(&self) -> String {
        match self {
            Status::Common(i) => STATUSES[*i as usize % STATUSES.len()].to_string(),
            Status::Code(code) => code.to_string(),
            Status::Range(r) => format!("{}XX", 1 + r % 5),
            Status::LowerRange(r) => format!("{}xx", 1 + r % 5),
            Status::Default => "default".to_owned(),
            Status::Odd(name) => name.0.clone(),
        }
    }
}

impl Ctx {
    fn content(&self, content: &[(MediaType, Option<Schema>)]) -> Value {
        let map: Map<String, Value> = content
            .iter()
            .map(|(media, schema)| {
                let mut entry = Map::new();
                if let Some(schema) = schema {
                    entry.insert("schema".into(), self.schema(schema, 1));
                }
                (media.as_str().to_owned(), Value::Object(entry))
            })
            .collect();
        Value::Object(map)
    }

    fn param(&self, param: &Param, template: &[String]) -> Value {
        let name = match &param.name {
            ParamName::Template(i) => pick(template, *i).unwrap_or_else(|| "id".to_owned()),
            ParamName::Paging(i) => ["page", "page_no", "per_page", "page_size"][*i as usize % 4].to_owned(),
            ParamName::Name(name) => name.0.clone(),
        };
        let location = match param.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        };
        let mut out = Map::new();
        out.insert("name".into(), Value::String(name));
        out.insert("in".into(), json!(location));
        if let Some(required) = param.required {
            out.insert("required".into(), json!(required));
        }
        match &param.format {
            ParamFormat::Schema(schema) => {
                out.insert("schema".into(), self.schema(schema, 1));
            }
            ParamFormat::Content(media, schema) => {
                out.insert("content".into(), self.content(&[(*media, schema.clone())]));
            }
        }
        if let Some(style) = param.style {
            let style = match style {
                Style::Form => "form",
                Style::Simple => "simple",
                Style::SpaceDelimited => "spaceDelimited",
                Style::PipeDelimited => "pipeDelimited",
                Style::DeepObject => "deepObject",
                Style::Matrix => "matrix",
                Style::Label => "label",
            };
            out.insert("style".into(), json!(style));
        }
        if let Some(explode) = param.explode {
            out.insert("explode".into(), json!(explode));
        }
        if let Some(description) = &param.description {
            out.insert("description".into(), Value::String(description.0.clone()));
        }
        if param.deprecated {
            out.insert("deprecated".into(), json!(true));
        }
        Value::Object(out)
    }

    fn param_or_ref(&self, param: &Or<Param>, template: &[String]) -> Value {
        match param {
            Or::Item(param) => self.param(param, template),
            Or::Ref(r) => self.reference(r, "parameters", &self.parameters),
        }
    }

    fn body(&self, body: &Body) -> Value {
        let mut out = Map::new();
        if let Some(description) = &body.description {
            out.insert("description".into(), Value::String(description.0.clone()));
        }
        out.insert("content".into(), self.content(&body.content));
        if let Some(required) = body.required {
            out.insert("required".into(), json!(required));
        }
        Value::Object(out)
    }

    fn body_or_ref(&self, body: &Or<Body>) -> Value {
        match body {
            Or::Item(body) => self.body(body),
            Or::Ref(r) => self.reference(r, "requestBodies", &self.request_bodies),
        }
    }

    fn response(&self, response: &Response) -> Value {
        let mut out = Map::new();
        if response.omit_description != 0 {
            out.insert("description".into(), Value::String(response.description.0.clone()));
        }
        if !response.content.is_empty() {
            out.insert("content".into(), self.content(&response.content));
        }
        if !response.headers.is_empty() {
            let headers: Map<String, Value> = response
                .headers
                .iter()
                .map(|(name, schema)| (name.0.clone(), json!({ "schema": self.schema(schema, 1) })))
                .collect();
            out.insert("headers".into(), Value::Object(headers));
        }
        Value::Object(out)
    }

    fn response_or_ref(&self, response: &Or<Response>) -> Value {
        match response {
            Or::Item(response) => self.response(response),
            Or::Ref(r) => self.reference(r, "responses", &self.responses),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paths and operations
// ---------------------------------------------------------------------------------------------

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

#[derive(Arbitrary, Debug, Clone)]
enum Segment {
    Literal(Name),
    Param(Name),
    /// `v{version}` or `{a}.{b}`: a template parameter inside a segment.
    Mixed(Name, Name),
}

#[derive(Arbitrary, Debug, Clone)]
struct Operation {
    operation_id: Option<Name>,
    tags: Vec<Name>,
    summary: Option<Text>,
    description: Option<Text>,
    parameters: Vec<Or<Param>>,
    request_body: Option<Or<Body>>,
    responses: Vec<(Status, Or<Response>)>,
    deprecated: bool,
}

#[derive(Arbitrary, Debug, Clone)]
struct PathItem {
    segments: Vec<Segment>,
    trailing_slash: bool,
    summary: Option<Text>,
    parameters: Vec<Or<Param>>,
    operations: Vec<(Method, Operation)>,
    /// A path item that is a `$ref` (not supported: must be reported).
    is_ref: bool,
}

impl Ctx {
    fn path_item(&self, item: &PathItem) -> (String, Value) {
        let mut template = Vec::new();
        let mut path = String::new();
        for segment in &item.segments {
            path.push('/');
            match segment {
                Segment::Literal(name) => path.push_str(&name.0),
                Segment::Param(name) => {
                    path.push_str(&format!("{{{}}}", name.0));
                    template.push(name.0.clone());
                }
                Segment::Mixed(a, b) => {
                    path.push_str(&format!("{{{}}}.{{{}}}", a.0, b.0));
                    template.push(a.0.clone());
                    template.push(b.0.clone());
                }
            }
        }
        if path.is_empty() || item.trailing_slash {
            path.push('/');
        }
        if item.is_ref {
            return (path, json!({ "$ref": "#/paths/~1other" }));
        }
        let mut out = Map::new();
        if let Some(summary) = &item.summary {
            out.insert("summary".into(), Value::String(summary.0.clone()));
        }
        if !item.parameters.is_empty() {
            let parameters = item.parameters.iter().map(|p| self.param_or_ref(p, &template)).collect();
            out.insert("parameters".into(), Value::Array(parameters));
        }
        for (method, operation) in &item.operations {
            let method = match method {
                Method::Get => "get",
                Method::Put => "put",
                Method::Post => "post",
                Method::Delete => "delete",
                Method::Options => "options",
                Method::Head => "head",
                Method::Patch => "patch",
                Method::Trace => "trace",
            };
            out.insert(method.into(), self.operation(operation, &template));
        }
        (path, Value::Object(out))
    }

    fn operation(&self, operation: &Operation, template: &[String]) -> Value {
        let mut out = Map::new();
        if let Some(id) = &operation.operation_id {
            out.insert("operationId".into(), Value::String(id.0.clone()));
        }
        if !operation.tags.is_empty() {
            let tags = operation.tags.iter().map(|t| Value::String(t.0.clone())).collect();
            out.insert("tags".into(), tags);
        }
        if let Some(summary) = &operation.summary {
            out.insert("summary".into(), Value::String(summary.0.clone()));
        }
        if let Some(description) = &operation.description {
            out.insert("description".into(), Value::String(description.0.clone()));
        }
        if !operation.parameters.is_empty() {
            let parameters = operation.parameters.iter().map(|p| self.param_or_ref(p, template)).collect();
            out.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = &operation.request_body {
            out.insert("requestBody".into(), self.body_or_ref(body));
        }
        let responses: Map<String, Value> =
            operation.responses.iter().map(|(status, response)| (status.key(), self.response_or_ref(response))).collect();
        out.insert("responses".into(), Value::Object(responses));
        if operation.deprecated {
            out.insert("deprecated".into(), json!(true));
        }
        Value::Object(out)
    }
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

#[derive(Arbitrary, Debug, Clone)]
struct Server {
    url: Name,
    variables: Vec<(Name, Name)>,
}

#[derive(Arbitrary, Debug, Clone)]
struct Document {
    /// `openapi: 3.0.3` mostly; a few values pick other (mostly rejected) versions.
    version: u8,
    title: Name,
    api_version: Name,
    description: Option<Text>,
    servers: Vec<Server>,
    tags: Vec<(Name, Option<Text>)>,
    paths: Vec<PathItem>,
    schemas: Vec<(Name, Schema)>,
    parameters: Vec<(Name, Param)>,
    request_bodies: Vec<(Name, Body)>,
    responses: Vec<(Name, Response)>,
}

impl Document {
    fn render(&self) -> Value {
        let ctx = Ctx {
            schemas: self.schemas.iter().map(|(name, _)| name.0.clone()).collect(),
            parameters: self.parameters.iter().map(|(name, _)| name.0.clone()).collect(),
            request_bodies: self.request_bodies.iter().map(|(name, _)| name.0.clone()).collect(),
            responses: self.responses.iter().map(|(name, _)| name.0.clone()).collect(),
        };
        let mut doc = Map::new();
        match self.version {
            1 => doc.insert("openapi".into(), json!("3.0.0")),
            2 => doc.insert("openapi".into(), json!("3.0.1")),
            3 => doc.insert("openapi".into(), json!("3.1.0")),
            4 => doc.insert("openapi".into(), json!(3.0)),
            5 => doc.insert("swagger".into(), json!("2.0")),
            _ => doc.insert("openapi".into(), json!("3.0.3")),
        };
        let mut info = Map::new();
        info.insert("title".into(), Value::String(self.title.0.clone()));
        info.insert("version".into(), Value::String(self.api_version.0.clone()));
        if let Some(description) = &self.description {
            info.insert("description".into(), Value::String(description.0.clone()));
        }
        doc.insert("info".into(), Value::Object(info));
        if !self.servers.is_empty() {
            let servers = self
                .servers
                .iter()
                .map(|server| {
                    let mut out = Map::new();
                    out.insert("url".into(), Value::String(server.url.0.clone()));
                    if !server.variables.is_empty() {
                        let variables: Map<String, Value> = server
                            .variables
                            .iter()
                            .map(|(name, default)| (name.0.clone(), json!({ "default": default.0 })))
                            .collect();
                        out.insert("variables".into(), Value::Object(variables));
                    }
                    Value::Object(out)
                })
                .collect();
            doc.insert("servers".into(), Value::Array(servers));
        }
        if !self.tags.is_empty() {
            let tags = self
                .tags
                .iter()
                .map(|(name, description)| match description {
                    Some(description) => json!({ "name": name.0, "description": description.0 }),
                    None => json!({ "name": name.0 }),
                })
                .collect();
            doc.insert("tags".into(), Value::Array(tags));
        }
        let paths: Map<String, Value> = self.paths.iter().map(|item| ctx.path_item(item)).collect();
        doc.insert("paths".into(), Value::Object(paths));

        let mut components = Map::new();
        let section = |entries: Vec<(String, Value)>| Value::Object(entries.into_iter().collect());
        if !self.schemas.is_empty() {
            let entries = self.schemas.iter().map(|(name, schema)| (name.0.clone(), ctx.schema(schema, 0))).collect();
            components.insert("schemas".into(), section(entries));
        }
        if !self.parameters.is_empty() {
            let entries = self.parameters.iter().map(|(name, param)| (name.0.clone(), ctx.param(param, &[]))).collect();
            components.insert("parameters".into(), section(entries));
        }
        if !self.request_bodies.is_empty() {
            let entries = self.request_bodies.iter().map(|(name, body)| (name.0.clone(), ctx.body(body))).collect();
            components.insert("requestBodies".into(), section(entries));
        }
        if !self.responses.is_empty() {
            let entries =
                self.responses.iter().map(|(name, response)| (name.0.clone(), ctx.response(response))).collect();
            components.insert("responses".into(), section(entries));
        }
        if !components.is_empty() {
            doc.insert("components".into(), Value::Object(components));
        }
        Value::Object(doc)
    }
}

// ---------------------------------------------------------------------------------------------
// The target
// ---------------------------------------------------------------------------------------------

const SOURCE: &str = "spec/fuzz.json";

fuzz_target!(|document: Document| {
    let Ok(text) = serde_json::to_string_pretty(&document.render()) else { return };
    if std::env::var_os("FUZZ_PRINT").is_some() {
        // The document as JSON, to reproduce a crash outside the fuzzer.
        println!("{text}");
    }
    let first = generator::generate(&text, SOURCE);
    if std::env::var_os("FUZZ_DEBUG").is_some() {
        // One line per input, to see how many documents get through (`ok`) and what stops the others.
        match &first {
            Ok(output) => eprintln!("FUZZ_DEBUG ok {} files", output.files.len()),
            Err(errors) => eprintln!("FUZZ_DEBUG err {}", errors.diagnostics.first().map(|d| d.message.as_str()).unwrap_or("")),
        }
    }
    match &first {
        Ok(output) => {
            let mut paths = std::collections::BTreeSet::new();
            for file in &output.files {
                assert!(paths.insert(file.path.as_str()), "two generated files have the path {}\n--- spec:\n{text}", file.path);
                if file.path == generator::listing::PATH {
                    // The public-API listing is Markdown, and must read back as it was written.
                    if let Err(error) = generator::listing::parse(&file.contents) {
                        panic!("the listing does not read back: {error}\n--- spec:\n{text}\n--- listing:\n{}", file.contents);
                    }
                    continue;
                }
                if let Err(error) = syn::parse_file(&file.contents) {
                    panic!(
                        "generated {} does not parse as Rust: {error}\n--- spec:\n{text}\n--- {}:\n{}",
                        file.path,
                        file.path,
                        file.contents
                    );
                }
            }
        }
        Err(errors) => {
            for diagnostic in &errors.diagnostics {
                assert!(
                    !diagnostic.message.contains("internal error"),
                    "the generator reported a bug of its own: {diagnostic}\n--- spec:\n{text}"
                );
            }
        }
    }
    let second = generator::generate(&text, SOURCE);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert!(a.files == b.files, "two runs on the same spec gave different files\n--- spec:\n{text}");
            assert!(a.warnings == b.warnings, "two runs on the same spec gave different warnings\n--- spec:\n{text}");
        }
        (Err(a), Err(b)) => assert!(a == b, "two runs on the same spec gave different errors\n--- spec:\n{text}"),
        _ => panic!("two runs on the same spec disagree on success\n--- spec:\n{text}"),
    }
});
