//! Operations of the `structured` target: parameters, request bodies, responses, paths and
//! operations, and their rendering to JSON.

use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

use crate::names::{Name, Text};
use crate::schema::{Ctx, Ref, Schema, pick};

// ---------------------------------------------------------------------------------------------
// Parameters, bodies, responses
// ---------------------------------------------------------------------------------------------

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum Style {
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Matrix,
    Label,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum ParamName {
    /// One of the path template's parameters (by index).
    Template(u8),
    /// A paging word (`page`, `page_no`, `per_page`, `page_size`).
    Paging(u8),
    Name(Name),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum MediaType {
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
    pub(crate) fn as_str(self) -> &'static str {
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
pub(crate) enum ParamFormat {
    Schema(Schema),
    Content(MediaType, Option<Schema>),
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: ParamName,
    pub(crate) location: Location,
    pub(crate) required: Option<bool>,
    pub(crate) format: ParamFormat,
    pub(crate) style: Option<Style>,
    pub(crate) explode: Option<bool>,
    pub(crate) description: Option<Text>,
    pub(crate) deprecated: bool,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Or<T> {
    Item(T),
    Ref(Ref),
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Body {
    pub(crate) description: Option<Text>,
    pub(crate) content: Vec<(MediaType, Option<Schema>)>,
    pub(crate) required: Option<bool>,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Response {
    pub(crate) description: Text,
    /// `description` is required by OpenAPI; 0 leaves it out.
    pub(crate) omit_description: u8,
    pub(crate) content: Vec<(MediaType, Option<Schema>)>,
    pub(crate) headers: Vec<(Name, Schema)>,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Status {
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

const STATUSES: &[u16] =
    &[200, 201, 202, 204, 206, 299, 300, 301, 304, 400, 401, 404, 409, 422, 429, 500, 503, 100, 199, 600, 0, 999];

impl Status {
    pub(crate) fn key(&self) -> String {
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

    pub(crate) fn param(&self, param: &Param, template: &[String]) -> Value {
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

    pub(crate) fn body(&self, body: &Body) -> Value {
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

    pub(crate) fn response(&self, response: &Response) -> Value {
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
pub(crate) enum Method {
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
pub(crate) enum Segment {
    Literal(Name),
    Param(Name),
    /// `v{version}` or `{a}.{b}`: a template parameter inside a segment.
    Mixed(Name, Name),
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) operation_id: Option<Name>,
    pub(crate) tags: Vec<Name>,
    pub(crate) summary: Option<Text>,
    pub(crate) description: Option<Text>,
    pub(crate) parameters: Vec<Or<Param>>,
    pub(crate) request_body: Option<Or<Body>>,
    pub(crate) responses: Vec<(Status, Or<Response>)>,
    pub(crate) deprecated: bool,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct PathItem {
    pub(crate) segments: Vec<Segment>,
    pub(crate) trailing_slash: bool,
    pub(crate) summary: Option<Text>,
    pub(crate) parameters: Vec<Or<Param>>,
    pub(crate) operations: Vec<(Method, Operation)>,
    /// A path item that is a `$ref` (not supported: must be reported).
    pub(crate) is_ref: bool,
}

impl Ctx {
    pub(crate) fn path_item(&self, item: &PathItem) -> (String, Value) {
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
        let responses: Map<String, Value> = operation
            .responses
            .iter()
            .map(|(status, response)| (status.key(), self.response_or_ref(response)))
            .collect();
        out.insert("responses".into(), Value::Object(responses));
        if operation.deprecated {
            out.insert("deprecated".into(), json!(true));
        }
        Value::Object(out)
    }
}
