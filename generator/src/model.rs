//! The intermediate model: what the generated crate contains, as plain data.
//!
//! Lowering decides everything here (Rust names next to wire names, optionality, boxing, order,
//! documentation); emitting only writes it out. Nothing here refers to openapiv3 or to tokens.
//! Security lives in `model/security.rs`, error bodies in `model/errors.rs`, parameters and
//! bodies in `model/requests.rs`.

mod errors;
mod requests;
mod security;

pub use errors::*;
pub use requests::*;
pub use security::*;

/// The whole generated API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The client's default base URL: the first server URL (`http://localhost` without one).
    pub base_url: String,
    /// Rustdoc of the models module.
    pub models_docs: String,
    /// Rustdoc of the operations module.
    pub operations_docs: String,
    /// Every named type, in spec order (component schemas, then types named after their use).
    pub types: Vec<TypeDef>,
    /// Operations grouped by their first tag, in order of first appearance.
    pub groups: Vec<Group>,
    /// The supported security schemes (`components.securitySchemes`), in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The default security requirement (the spec's global `security`), which `Client::raw` uses.
    pub security: Security,
    /// What the API's error bodies hold beyond the common shapes (`x-error-envelope`).
    pub error_envelope: ErrorEnvelope,
    /// The handle that binds the leading path parameters every operation shares, if they share any.
    pub scope: Option<ScopeDef>,
}

/// A handle reached with `client.<method>(values...)` that binds the leading path parameters
/// every operation shares (the same wire names and types, in the same places), with the
/// operation groups as methods whose operations take only the other arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeDef {
    /// The handle type's name, in the operations module.
    pub type_name: String,
    /// The client's method that makes one.
    pub method: Ident,
    /// The bound parameters, as the first operation declares them; the `n`-th is the `n`-th path
    /// parameter of every operation.
    pub params: Vec<Param>,
    /// Rustdoc of the handle and the method.
    pub docs: String,
}

use crate::naming::Ident;

/// The cargo feature that turns on every group's feature (and is on by default). Types that no
/// operation uses are gated by it alone; no group's feature takes this name (nor `default`).
pub const ALL_GROUPS: &str = "full";

/// A named type of the models module: what every type has, and its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name.
    pub name: String,
    /// Rustdoc, from the schema's title and description (or a line naming the type).
    pub docs: Option<String>,
    /// For large APIs, the cargo features the type needs (any of them): those of the groups whose
    /// operations reach it, directly or through other types, or [`ALL_GROUPS`] for a type no
    /// operation reaches. Empty when the type is always compiled (and for small APIs).
    pub features: Vec<String>,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// The kinds of named types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A JSON object with known properties.
    Struct(StructDef),
    /// A string with a set of known values, open to unknown ones.
    Enum(EnumDef),
    /// One of several shapes.
    Union(UnionDef),
    /// Another name for a type (a component schema that is an array, a map, a primitive, ...).
    Alias(AliasDef),
}

impl TypeDef {
    /// A type that every build compiles (lowering gates types by features last).
    pub fn new(name: String, docs: Option<String>, kind: TypeKind) -> Self {
        TypeDef { name, docs, features: Vec::new(), kind }
    }
}

/// A struct: `pub struct Name { fields }`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Whether every field may be absent, so that `Default` can be derived.
    pub all_optional: bool,
    /// Properties not listed in `properties` (from `additionalProperties`), kept in a map.
    pub additional: Option<Extra>,
    /// The field (`crate::UnknownFields`) that keeps, as JSON, the properties the spec does not
    /// list, so that nothing the server sends is lost; `None` when `additional` keeps them typed.
    pub unknown: Option<Ident>,
}

/// The map field that keeps a struct's additional properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Extra {
    /// The Rust field name.
    pub rust_name: Ident,
    /// The type of each additional property's value.
    pub value: TypeRef,
    /// Whether the values hold integers, decoded leniently (see [`Field::lenient`]).
    pub lenient: bool,
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust identifier (possibly `r#type`).
    pub rust_name: Ident,
    /// The JSON property name.
    pub wire_name: String,
    /// The field's type, without the `Option` that `optional` adds.
    pub ty: TypeRef,
    /// Whether the property may be absent or `null`: the field is an `Option`.
    pub optional: bool,
    /// Whether the type holds integers (itself, or inside lists, maps, boxes and aliases; not
    /// inside other named types, which decode their own): they are decoded leniently, so that an
    /// integral float such as `30.0` is read as `30` (`30.5` is still an error).
    pub lenient: bool,
    /// Rustdoc.
    pub docs: Option<String>,
}

/// An open string enum: one variant per documented value and one that keeps any other value.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Documented values, in spec order.
    pub variants: Vec<Variant>,
    /// The name of the variant that keeps unknown values (`Unknown` unless a value took it).
    pub unknown_variant: String,
}

/// A documented enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub wire_value: String,
    /// Rustdoc.
    pub docs: String,
}

/// A type that is one of several shapes (`oneOf`/`anyOf`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The property whose value tells the variants apart, when there is one; without it,
    /// decoding tries the variants in order.
    pub tag: Option<Tag>,
    /// The possible shapes, in spec order.
    pub variants: Vec<UnionVariant>,
    /// Whether every shape is a scalar, so that the union can be written into a URL or header
    /// (it implements `Display`).
    pub scalar: bool,
}

/// How a tagged union tells its variants apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The JSON property that holds the tag.
    pub property: String,
    /// The variant that keeps a value with an unknown tag (as JSON).
    pub unknown_variant: String,
    /// Rustdoc added to the union's: how the tag tells the variants apart.
    pub docs: String,
}

/// One shape of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The values of the tag property that select this shape (tagged unions only).
    pub tag_values: Vec<String>,
    /// The shape's type.
    pub ty: TypeRef,
    /// Whether the shape holds integers, decoded leniently (see [`Field::lenient`]).
    pub lenient: bool,
    /// Rustdoc.
    pub docs: String,
}

/// `pub type Name = Target;`, or a newtype where an alias would name itself.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasDef {
    /// The aliased type.
    pub target: TypeRef,
    /// Whether the name must be a newtype (`pub struct Name(pub Target);`, transparent to serde)
    /// rather than an alias, because the target mentions the name itself through a list or a map,
    /// which a type alias cannot. Only lists and maps become newtypes, so they derive `Default`.
    pub newtype: bool,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `u32` (an `int32` with a minimum of 0 or more)
    U32,
    /// `u64` (an integer with a minimum of 0 or more)
    U64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `String`
    String,
    /// `crate::Timestamp` (`format: date-time`): the text as sent, read as a point in time when
    /// it is one, so that a malformed value never fails a response.
    Timestamp,
    /// `crate::Date` (`format: date`), kept like a timestamp.
    Date,
    /// Any JSON value: `serde_json::Value`.
    Json,
    /// A named type of the models module.
    Named(String),
    /// `Vec<T>`
    List(Box<TypeRef>),
    /// `BTreeMap<String, T>`
    Map(Box<TypeRef>),
    /// `Box<T>`, to break a cycle of types that contain each other.
    Boxed(Box<TypeRef>),
}

/// The operations of one tag, reached through `client.<accessor>()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The handle type's name, e.g. `Sessions`.
    pub type_name: String,
    /// The module and accessor method name, e.g. `sessions`.
    pub module: Ident,
    /// The module's file name without `.rs` (the module's bare name), e.g. `sessions`, which is
    /// also the name of its cargo feature when the API has features.
    pub file_stem: String,
    /// Rustdoc of the module, the handle and the accessor: a line naming the group.
    pub summary: String,
    /// The tag's description, added to the module's and the handle's rustdoc.
    pub docs: Option<String>,
    /// The cargo feature that compiles this group, for large APIs (see [`TypeDef::features`]).
    pub feature: Option<String>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
    /// The name of the group's handle under the API's [`ScopeDef`], when there is one: the
    /// same operations without the bound parameters.
    pub scoped_type_name: Option<String>,
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The method on the group handle, e.g. `list_session_participants`.
    pub method_name: Ident,
    /// The request builder's type name, e.g. `ListSessionParticipants`.
    pub builder_name: String,
    /// The request builder's rustdoc.
    pub builder_docs: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template exactly as in the spec.
    pub path: String,
    /// Rustdoc: summary, description, and the HTTP method and path.
    pub docs: String,
    /// Path parameters in template order: the method's positional arguments.
    pub path_params: Vec<Param>,
    /// Query parameters, in spec order: one setter each.
    pub query_params: Vec<Param>,
    /// Header parameters, in spec order: one setter each.
    pub header_params: Vec<Param>,
    /// Cookie parameters, in spec order (`style: form`), sent together in one `Cookie` header.
    pub cookie_params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// The type of a successful response body, and for a list operation how to walk its pages.
    pub response: Response,
    /// Whether the method is not idempotent (POST, PATCH): the request builder then has
    /// `retry_non_idempotent`.
    pub non_idempotent: bool,
    /// The spec's example of a successful response body, as JSON text: what the mock server
    /// serves when a test gives no answer.
    pub response_example: Option<String>,
    /// The credentials the operation sends: its own `security`, else the API's.
    pub security: Security,
    /// The error bodies the operation documents (non-2xx and `default` responses with a JSON
    /// schema): `send()` and `stream()` then fail with an `OperationError` whose `body()` is
    /// typed; `None` keeps the plain `Error`.
    pub errors: Option<ErrorBodies>,
}

impl Operation {
    /// Every parameter: path, query, header and cookie, in that order.
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.path_params.iter().chain(&self.query_params).chain(&self.header_params).chain(&self.cookie_params)
    }
}

/// The HTTP method of an operation (the keys of an OpenAPI path item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl HttpMethod {
    /// The method's name, upper case, as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// What a successful response decodes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// A JSON body of type `ty`; `paging` says how to walk the pages of a list operation (only a
    /// JSON response can page).
    Json {
        /// The body's type.
        ty: TypeRef,
        /// How to walk the pages, for a list operation (boxed: most responses do not page).
        paging: Option<Box<Paging>>,
    },
    /// No body is documented: the body is ignored.
    Empty,
    /// A body that is not JSON: kept as bytes.
    Bytes,
}

/// How a list operation's pages are walked: which query parameters choose the page and where the
/// items and the paging information are in the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// The Rust name of the page number parameter.
    pub page_param: Ident,
    /// The Rust name of the page size parameter.
    pub per_page_param: Option<Ident>,
    /// The field path from the response to the item list.
    pub items: Vec<Step>,
    /// The type of one item.
    pub item: TypeRef,
    /// The field path from the response to the paging object.
    pub paging: Vec<Step>,
    /// The Rust name of the paging object's total count field, and whether it is optional.
    pub total_count: Option<Step>,
    /// The Rust name of the paging object's end offset field, and whether it is optional.
    pub end_offset: Option<Step>,
    /// The name of the method of the response type that borrows a page's items (`items`, unless
    /// the type has a field of that name), when this operation is the one that emits it: the
    /// first list operation with that response type (a type has one such method).
    pub items_accessor: Option<Ident>,
}

/// One field access on a path through a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The Rust field name.
    pub field: Ident,
    /// Whether the field is an `Option`.
    pub optional: bool,
}
