//! What a request carries: parameters in their styles, and bodies.

use super::{Ident, TypeRef};

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The Rust name of the argument or setter.
    pub rust_name: Ident,
    /// The name on the wire.
    pub wire_name: String,
    /// The value's type (for lists, the element type: see `list`).
    pub ty: TypeRef,
    /// Whether the parameter must be given: required query and header parameters are
    /// positional arguments like path parameters.
    pub required: bool,
    /// Set for array parameters: how the values are sent.
    pub list: Option<ListStyle>,
    /// Set for parameters written through JSON (objects, maps, unions that are not scalars, lists
    /// of those, lists in `deepObject`): how the value is sent. In a header (`simple`), `Form`
    /// means exploded (`k=v,k2=v2`) and `CommaSeparated` not (`k,v,k2,v2`).
    pub object: Option<ObjectStyle>,
    /// `allowReserved: true` (query parameters): RFC 3986's reserved characters that are
    /// harmless in a query value are sent unencoded.
    pub allow_reserved: bool,
    /// Set for path parameters written in a style beyond a plain scalar (`simple` lists and
    /// objects, `label`, `matrix`).
    pub path_style: Option<StyledPath>,
    /// Rustdoc.
    pub docs: Option<String>,
}

/// How an array parameter is written into the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// `name=a&name=b` (`style: form, explode: true`, the OpenAPI default).
    Repeated,
    /// `name=a,b` (`style: form, explode: false`; in a header, `simple`).
    CommaSeparated,
    /// `name=a%20b` (`style: spaceDelimited, explode: false`).
    SpaceDelimited,
    /// `name=a|b` (`style: pipeDelimited, explode: false`).
    PipeDelimited,
}

/// How a value written through JSON (an object, a map, a union) is written into the query
/// string, a cookie or a property of a form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `key=value` for each property (`style: form, explode: true`, the OpenAPI default).
    Form,
    /// `name=key,value` (`style: form, explode: false`).
    CommaSeparated,
    /// `name=key%20value` (`style: spaceDelimited, explode: false`).
    SpaceDelimited,
    /// `name=key|value` (`style: pipeDelimited, explode: false`).
    PipeDelimited,
    /// `name[key]=value` for each property (`style: deepObject`).
    Deep,
}

/// How a path parameter in a style is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StyledPath {
    /// `simple`, `label` or `matrix`.
    pub style: PathStyle,
    /// `explode`.
    pub explode: bool,
}

/// The style of a path parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `blue,black` (lists and objects only: a scalar in `simple` is a plain segment).
    Simple,
    /// `.blue.black`
    Label,
    /// `;color=blue,black`
    Matrix,
}

/// How one property of a form-urlencoded body is written (its `encoding` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldEncoding {
    /// In a style, as a query parameter of that style.
    Style(ObjectStyle),
    /// As JSON text (`contentType: application/json`).
    Json,
}

/// A typed `multipart/form-data` body: a struct emitted next to its operation's builder, one
/// part (or one per item, for a list) per field.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartDef {
    /// The struct's name, e.g. `UploadFileForm`.
    pub name: String,
    /// Rustdoc.
    pub docs: String,
    /// Fields in spec order.
    pub fields: Vec<PartField>,
    /// Whether every field may be absent, so that `Default` can be derived.
    pub all_optional: bool,
}

/// A field of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct PartField {
    /// The Rust field name.
    pub rust_name: Ident,
    /// The part's name on the wire.
    pub wire_name: String,
    /// What the part holds.
    pub kind: PartKind,
    /// Whether it is a list: one part per item, all with the same name.
    pub list: bool,
    /// Whether it may be absent (an `Option`).
    pub optional: bool,
    /// The part's content type (its `encoding.contentType`, else the default for its kind:
    /// `application/octet-stream` for files, `application/json` for JSON, none for text).
    pub content_type: Option<String>,
    /// Rustdoc.
    pub docs: Option<String>,
}

/// What a multipart field holds.
#[derive(Debug, Clone, PartialEq)]
pub enum PartKind {
    /// Bytes with a file name and content type (`format: binary`): the runtime's `FilePart`.
    File,
    /// A scalar sent as text (`Display`).
    Text(TypeRef),
    /// Any value sent as JSON.
    Json(TypeRef),
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The media type sent.
    pub media_type: String,
    /// How the body is encoded.
    pub kind: BodyKind,
    /// Whether the body must be given (a positional argument) or is optional (a setter).
    pub required: bool,
    /// Rustdoc of the setter of an optional body.
    pub docs: String,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// Serialized as JSON from a typed value.
    Json(TypeRef),
    /// A `multipart/form-data` form the caller fills part by part (no object schema).
    Multipart,
    /// A typed `multipart/form-data` body.
    MultipartForm(MultipartDef),
    /// An `application/x-www-form-urlencoded` body serialized from a typed value, with the
    /// encodings of the properties that have one.
    Form {
        /// The body's type.
        ty: TypeRef,
        /// `(property, encoding)` for each property with an `encoding` entry, in spec order.
        encodings: Vec<(String, FieldEncoding)>,
    },
    /// Raw bytes sent as they are with the media type (octet-stream, text, ...).
    Bytes,
}

impl BodyKind {
    /// The types the body names: a JSON or form body's type, a multipart body's fields' types.
    pub fn types(&self) -> Vec<&TypeRef> {
        match self {
            BodyKind::Json(ty) | BodyKind::Form { ty, .. } => vec![ty],
            BodyKind::MultipartForm(def) => def
                .fields
                .iter()
                .filter_map(|field| match &field.kind {
                    PartKind::Text(ty) | PartKind::Json(ty) => Some(ty),
                    PartKind::File => None,
                })
                .collect(),
            BodyKind::Multipart | BodyKind::Bytes => Vec::new(),
        }
    }
}
