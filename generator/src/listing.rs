//! The public-API listing (`API.md`): every group, operation, parameter, type, field and enum value
//! of the generated crate, one per line in the spec's order, written from the model and read back.
//!
//! The listing is committed next to the code so that a pull request's diff of it shows what a spec
//! change does to the crate's users; [`diff`] compares two listings and marks each change
//! breaking or compatible. Each line is `<kind> <name>[: <attribute>(; <attribute>)*]`, where the
//! name is the item's Rust path (`meetings.list_meetings.page_no`, `Meeting.title`,
//! `MeetingStatus::Active`) and free text from the spec (wire names, media types, tag values) is
//! quoted with Rust's string escapes, so a line is never split and reads back unambiguously.
//! Writing and reading live together here (and [`Entry`] is both), so the two cannot disagree.

pub mod diff;
mod parse;
mod security;
#[cfg(test)]
mod tests;

pub use parse::parse;

use crate::model::{
    Api, Body, BodyKind, ErrorBody, FieldEncoding, ListStyle, ObjectStyle, Operation, Param, PartKind, PathStyle,
    Response, TypeDef, TypeKind, TypeRef,
};
use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

/// What a field line says instead of a wire name for the map of a struct's other properties.
const OTHER_PROPERTIES: &str = "other properties";

/// The listing's path inside the generated crate.
pub const PATH: &str = "API.md";

/// One line of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `scheme "api_key": api key; header "X-API-Key"`: a security scheme the client holds a
    /// credential for (`bearer`, `basic` or `api key`, and where an API key is sent).
    Scheme {
        /// The scheme's name in the spec, quoted.
        name: String,
        /// `bearer`, `basic` or `api key`.
        kind: String,
        /// Where an API key goes: `header "X-API-Key"`, `query "key"`, `cookie "session"`.
        place: Option<String>,
    },
    /// `scope scope: Scope; binds account_id String, app_id String`: the handle of
    /// `client.scope(account_id, app_id)`, which binds the leading path parameters.
    Scope {
        /// The client's method.
        method: String,
        /// The handle's type name.
        handle: String,
        /// The bound parameters and their types, joined with `, `.
        binds: String,
    },
    /// `group meetings: Meetings; scoped ScopedMeetings; feature "meetings"`: a handle reached
    /// through `client.meetings()` (and through a scope's `.meetings()`).
    Group {
        /// The module and accessor name.
        module: String,
        /// The handle's type name.
        handle: String,
        /// The type name of the handle under the scope, if there is a scope.
        scoped: Option<String>,
        /// The cargo feature that compiles the group, quoted.
        feature: Option<String>,
    },
    /// `operation meetings.get_meeting: GET /path -> Response; builder GetMeeting; stream() yields Item`.
    Operation {
        /// `group.method`.
        name: String,
        /// The HTTP method.
        http_method: String,
        /// The path template, with spaces, quotes and control characters percent-encoded.
        path: String,
        /// What `send()` returns.
        response: String,
        /// The request builder's type name.
        builder: String,
        /// The item type of `stream()`, for operations that page.
        stream: Option<String>,
        /// The type of the typed error body (`OperationError<T>`), when the operation documents one.
        errors: Option<String>,
    },
    /// `security pets.list_pets: "bearer" or "api_key"`: the credentials an operation sends.
    Security {
        /// The operation, as its line names it.
        operation: String,
        /// Alternatives (any one is enough), each the quoted names of the schemes sent together;
        /// an empty one sends nothing.
        alternatives: Vec<Vec<String>>,
    },
    /// `error meetings.get_meeting.404: NotFound; variant NotFound`: a documented error response
    /// (`404`, `4XX` or `default`) and the type its body decodes into (and the variant of the
    /// operation's error enum that holds it, when there is one).
    ErrorBody {
        /// `group.method` of the operation.
        operation: String,
        /// The status as the spec writes it.
        status: String,
        /// The body's type.
        ty: String,
        /// The variant of the operation's error enum.
        variant: Option<String>,
    },
    /// `parameter meetings.list_meetings.page_no: optional query u32; wire "page_no"`.
    Parameter {
        /// `group.method` of the operation.
        operation: String,
        /// The Rust name of the argument or setter.
        name: String,
        /// Whether it is a positional argument (`required`) or a setter (`optional`).
        required: bool,
        /// `path`, `query` or `header`.
        location: String,
        /// The value's type (`Vec<T>` for lists).
        ty: String,
        /// How a list or object is written into the query string.
        style: Option<String>,
        /// The name on the wire, quoted.
        wire: String,
    },
    /// `body meetings.create_meeting: required CreateMeetingBody; "application/json"`.
    Body {
        /// `group.method` of the operation.
        operation: String,
        /// Whether it is a positional argument (`required`) or a setter (`optional`).
        required: bool,
        /// The body's type.
        ty: String,
        /// The media type sent, quoted.
        media: String,
        /// How a form's properties or a multipart body's parts are written, when any says:
        /// `encoding "tags" pipeDelimited, "meta" JSON` or `parts "file" "image/png"`.
        encoding: Option<String>,
    },
    /// `struct Name: request, Default`.
    Struct {
        /// The type name.
        name: String,
        /// Whether a request (a parameter or a body) uses it, so that callers build it.
        request: bool,
        /// Whether it implements `Default` (every field is optional).
        default: bool,
        /// The method that borrows a list page's items (`items()`), when it has one.
        items: Option<String>,
    },
    /// `field Struct.title: optional String; wire "title"` (or `; other properties` for the map
    /// that keeps additional properties).
    Field {
        /// The struct's name.
        parent: String,
        /// The Rust field name.
        name: String,
        /// Whether the field is an `Option`.
        required: bool,
        /// The field's type, without the `Option`.
        ty: String,
        /// The property's name on the wire, quoted; `None` for the map of other properties.
        wire: Option<String>,
    },
    /// `enum Name: catch-all Unknown`: an open, `#[non_exhaustive]` string enum.
    Enum {
        /// The type name.
        name: String,
        /// The variant that keeps unknown values.
        catch_all: String,
    },
    /// `value Enum::Variant: "wire"`.
    Value {
        /// The enum's name.
        parent: String,
        /// The Rust variant name.
        name: String,
        /// The value on the wire, quoted.
        wire: String,
    },
    /// `union Name: untagged; Display` or `union Name: catch-all Unknown; tag "type"`.
    Union {
        /// The type name.
        name: String,
        /// The variant that keeps a value with an unknown tag (tagged unions only).
        catch_all: Option<String>,
        /// Whether it implements `Display`.
        display: bool,
        /// The tag property, quoted (tagged unions only).
        tag: Option<String>,
    },
    /// `variant Union::Name: Type; tags "a", "b"`.
    Variant {
        /// The union's name.
        parent: String,
        /// The Rust variant name.
        name: String,
        /// The variant's type.
        ty: String,
        /// The tag values that select it, quoted and joined with `, ` (tagged unions only).
        tags: Option<String>,
    },
    /// `alias Name: Target`, or `newtype Name: Target` for a tuple struct around the target (an
    /// alias that names itself through a list or map).
    Alias {
        /// The type name.
        name: String,
        /// The aliased (or wrapped) type.
        target: String,
        /// Whether it is a newtype `struct Name(pub Target)` rather than `type Name = Target`.
        newtype: bool,
    },
}

/// The listing of `api`; `source` names the spec in the do-not-edit line.
pub fn listing(api: &Api, source: &str) -> String {
    let mut text = format!(
        "<!-- @generated by `cargo xtask codegen` from {source}. Do not edit. -->\n\
         # Public API of the {} {} client\n\n\
         Every operation, parameter, type, field and enum value of the generated crate, one per line in the\n\
         spec's order. `cargo xtask api-diff` compares two versions of this file and says which changes break\n\
         the crate's users; `request` marks the structs that requests use, which callers build themselves.\n\n\
         ## Operations\n\n```text\n",
        one_line(&api.title),
        one_line(&api.version),
    );
    for entry in operations(api) {
        let _ = writeln!(text, "{entry}");
    }
    text.push_str("```\n\n## Types\n\n```text\n");
    for entry in types(api) {
        let _ = writeln!(text, "{entry}");
    }
    text.push_str("```\n");
    text
}

/// The entries of every group and operation, in order.
fn operations(api: &Api) -> Vec<Entry> {
    let mut entries: Vec<Entry> = security::schemes(api).collect();
    entries.extend(api.scope.iter().map(|scope| {
        Entry::Scope {
            method: scope.method.to_string(),
            handle: scope.type_name.clone(),
            binds: scope
                .params
                .iter()
                .map(|param| format!("{} {}", param.rust_name, type_name(&param.ty)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }));
    for group in &api.groups {
        entries.push(Entry::Group {
            module: group.module.to_string(),
            handle: group.type_name.clone(),
            scoped: group.scoped_type_name.clone(),
            feature: group.feature.as_deref().map(quoted),
        });
        for op in &group.operations {
            let name = format!("{}.{}", group.module, op.method_name);
            entries.push(operation(&name, op));
            entries.push(security::requirement(&name, op));
            entries.extend(op.errors.iter().flat_map(|errors| &errors.rules).map(|rule| Entry::ErrorBody {
                operation: name.clone(),
                status: rule.status.spec_text(),
                ty: type_name(&rule.ty),
                variant: rule.variant.clone(),
            }));
            let params = [
                ("path", &op.path_params),
                ("query", &op.query_params),
                ("header", &op.header_params),
                ("cookie", &op.cookie_params),
            ];
            for (location, params) in params {
                entries.extend(params.iter().map(|param| parameter(&name, location, param)));
            }
            if let Some(body) = &op.body {
                entries.extend(body_entries(&name, body));
            }
        }
    }
    entries
}

/// The body line of an operation, and for a typed multipart body its struct and fields.
fn body_entries(operation: &str, body: &Body) -> Vec<Entry> {
    let (ty, encoding) = match &body.kind {
        BodyKind::Json(ty) => (type_name(ty), None),
        BodyKind::Form { ty, encodings } => {
            let encodings: Vec<String> = encodings
                .iter()
                .map(|(property, encoding)| {
                    let style = match encoding {
                        FieldEncoding::Style(style) => object_style(*style),
                        FieldEncoding::Json => "JSON",
                    };
                    format!("{} {style}", quoted(property))
                })
                .collect();
            (type_name(ty), (!encodings.is_empty()).then(|| format!("encoding {}", encodings.join(", "))))
        }
        BodyKind::MultipartForm(def) => {
            let parts = def.fields.iter().filter_map(|field| {
                let content_type = field.content_type.as_deref()?;
                Some(format!("{} {}", quoted(&field.wire_name), quoted(content_type)))
            });
            (def.name.clone(), Some(format!("parts {}", parts.collect::<Vec<_>>().join(", "))))
        }
        BodyKind::Multipart => ("multipart::Form".to_owned(), None),
        BodyKind::Bytes => ("Bytes".to_owned(), None),
    };
    let mut entries = vec![Entry::Body {
        operation: operation.to_owned(),
        required: body.required,
        ty,
        media: quoted(&body.media_type),
        encoding,
    }];
    if let BodyKind::MultipartForm(def) = &body.kind {
        entries.push(Entry::Struct { name: def.name.clone(), request: true, default: def.all_optional, items: None });
        entries.extend(def.fields.iter().map(|field| {
            let ty = match &field.kind {
                PartKind::File => "FilePart".to_owned(),
                PartKind::Text(ty) => type_name(ty),
                PartKind::Json(ty) => type_name(ty),
            };
            Entry::Field {
                parent: def.name.clone(),
                name: field.rust_name.to_string(),
                required: !field.optional,
                ty: if field.list { format!("Vec<{ty}>") } else { ty },
                wire: Some(quoted(&field.wire_name)),
            }
        }));
    }
    entries
}

/// How the listing names an object style.
fn object_style(style: ObjectStyle) -> &'static str {
    match style {
        ObjectStyle::Form => "form",
        ObjectStyle::CommaSeparated => "form unexploded",
        ObjectStyle::SpaceDelimited => "spaceDelimited",
        ObjectStyle::PipeDelimited => "pipeDelimited",
        ObjectStyle::Deep => "deepObject",
    }
}

fn operation(name: &str, op: &Operation) -> Entry {
    Entry::Operation {
        name: name.to_owned(),
        http_method: op.http_method.as_str().to_owned(),
        path: op.path.chars().map(path_char).collect(),
        response: match &op.response {
            Response::Json { ty, .. } => type_name(ty),
            Response::Empty => "()".to_owned(),
            Response::Bytes => "Bytes".to_owned(),
        },
        builder: op.builder_name.clone(),
        stream: match &op.response {
            Response::Json { paging: Some(paging), .. } => Some(type_name(&paging.item)),
            Response::Json { paging: None, .. } | Response::Empty | Response::Bytes => None,
        },
        errors: op.errors.as_ref().map(|errors| match &errors.body {
            ErrorBody::Model(ty) => type_name(ty),
            ErrorBody::Enum { name, .. } => name.clone(),
        }),
    }
}

fn parameter(operation: &str, location: &str, param: &Param) -> Entry {
    let ty = type_name(&param.ty);
    let style = match (param.list, param.object) {
        (_, Some(style)) => Some(object_style(style)),
        (Some(ListStyle::Repeated), None) => Some("repeated"),
        (Some(ListStyle::CommaSeparated), None) => Some("comma-separated"),
        (Some(ListStyle::SpaceDelimited), None) => Some("space-delimited"),
        (Some(ListStyle::PipeDelimited), None) => Some("pipe-delimited"),
        (None, None) => None,
    };
    let style = match param.path_style {
        Some(styled) => Some(match (styled.style, styled.explode) {
            (PathStyle::Simple, false) => "simple",
            (PathStyle::Simple, true) => "simple exploded",
            (PathStyle::Label, false) => "label",
            (PathStyle::Label, true) => "label exploded",
            (PathStyle::Matrix, false) => "matrix",
            (PathStyle::Matrix, true) => "matrix exploded",
        }),
        None => style,
    };
    let style = match (style, param.allow_reserved) {
        (Some(style), true) => Some(format!("{style}, allowReserved")),
        (None, true) => Some("allowReserved".to_owned()),
        (style, false) => style.map(str::to_owned),
    };
    Entry::Parameter {
        operation: operation.to_owned(),
        name: param.rust_name.to_string(),
        required: param.required,
        location: location.to_owned(),
        ty: if param.list.is_some() { format!("Vec<{ty}>") } else { ty },
        style,
        wire: quoted(&param.wire_name),
    }
}

/// The entries of every type and its members, in order.
fn types(api: &Api) -> Vec<Entry> {
    let request = request_types(api);
    // The list responses' `items()` methods, by the name of the type that has one.
    let items: HashMap<String, String> = api
        .groups
        .iter()
        .flat_map(|group| &group.operations)
        .filter_map(|op| match &op.response {
            Response::Json { ty: TypeRef::Named(ty), paging: Some(paging) } => {
                paging.items_accessor.as_ref().map(|method| (ty.clone(), format!("{method}()")))
            }
            _ => None,
        })
        .collect();
    let mut entries = Vec::new();
    for def in &api.types {
        let name = &def.name;
        match &def.kind {
            TypeKind::Struct(def) => {
                entries.push(Entry::Struct {
                    name: name.clone(),
                    request: request.contains(name.as_str()),
                    default: def.all_optional,
                    items: items.get(name).cloned(),
                });
                entries.extend(def.fields.iter().map(|field| Entry::Field {
                    parent: name.clone(),
                    name: field.rust_name.to_string(),
                    required: !field.optional,
                    ty: type_name(&field.ty),
                    wire: Some(quoted(&field.wire_name)),
                }));
                entries.extend(def.additional.iter().map(|extra| Entry::Field {
                    parent: name.clone(),
                    name: extra.rust_name.to_string(),
                    required: true,
                    ty: format!("BTreeMap<String, {}>", type_name(&extra.value)),
                    wire: None,
                }));
                entries.extend(def.unknown.iter().map(|unknown| Entry::Field {
                    parent: name.clone(),
                    name: unknown.to_string(),
                    required: true,
                    ty: "crate::UnknownFields".to_owned(),
                    wire: None,
                }));
            }
            TypeKind::Enum(def) => {
                entries.push(Entry::Enum { name: name.clone(), catch_all: def.unknown_variant.clone() });
                entries.extend(def.variants.iter().map(|variant| Entry::Value {
                    parent: name.clone(),
                    name: variant.rust_name.clone(),
                    wire: quoted(&variant.wire_value),
                }));
            }
            TypeKind::Union(def) => {
                entries.push(Entry::Union {
                    name: name.clone(),
                    catch_all: def.tag.as_ref().map(|tag| tag.unknown_variant.clone()),
                    display: def.scalar,
                    tag: def.tag.as_ref().map(|tag| quoted(&tag.property)),
                });
                entries.extend(def.variants.iter().map(|variant| Entry::Variant {
                    parent: name.clone(),
                    name: variant.rust_name.clone(),
                    ty: type_name(&variant.ty),
                    tags:
                        def.tag.is_some().then(|| {
                            variant.tag_values.iter().map(|value| quoted(value)).collect::<Vec<_>>().join(", ")
                        }),
                }));
            }
            TypeKind::Alias(def) => {
                entries.push(Entry::Alias { name: name.clone(), target: type_name(&def.target), newtype: def.newtype });
            }
        }
    }
    entries
}

/// The names of the types that requests use (through parameters and bodies, and then through
/// fields, aliases, union variants, lists and maps): callers build these themselves.
fn request_types(api: &Api) -> HashSet<&str> {
    let by_name: HashMap<&str, &TypeDef> = api.types.iter().map(|def| (def.name.as_str(), def)).collect();
    let mut pending: Vec<&TypeRef> = Vec::new();
    for op in api.groups.iter().flat_map(|group| &group.operations) {
        pending.extend(op.params().map(|param| &param.ty));
        pending.extend(op.body.iter().flat_map(|body| body.kind.types()));
    }
    let mut found = HashSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Named(name) => {
                let Some(def) = by_name.get(name.as_str()) else { continue };
                if !found.insert(def.name.as_str()) {
                    continue;
                }
                match &def.kind {
                    TypeKind::Struct(def) => {
                        pending.extend(def.fields.iter().map(|field| &field.ty));
                        pending.extend(def.additional.iter().map(|extra| &extra.value));
                    }
                    TypeKind::Union(def) => pending.extend(def.variants.iter().map(|variant| &variant.ty)),
                    TypeKind::Alias(def) => pending.push(&def.target),
                    TypeKind::Enum(_) => {}
                }
            }
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => pending.push(inner),
            _ => {}
        }
    }
    found
}

/// The Rust type of a type reference, as the generated crate spells it (models unqualified).
pub fn type_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U32 => "u32".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Timestamp => "crate::Timestamp".to_owned(),
        TypeRef::Date => "crate::Date".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::List(item) => format!("Vec<{}>", type_name(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_name(value)),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_name(inner)),
    }
}

/// Spec text as a quoted Rust string literal: on one line, and exact.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// Spec text on one line, for the title.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A character of a path template as the listing writes it: whitespace, quotes, `;` and control
/// characters percent-encoded, so that a path never splits a line or its attributes.
fn path_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || c == '"' || c == ';' {
        let mut bytes = [0; 4];
        c.encode_utf8(&mut bytes).bytes().map(|byte| format!("%{byte:02X}")).collect()
    } else {
        c.to_string()
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = |required: bool| if required { "required" } else { "optional" };
        match self {
            Entry::Scheme { name, kind, place } => {
                write!(f, "scheme {name}: {kind}")?;
                if let Some(place) = place {
                    write!(f, "; {place}")?;
                }
                Ok(())
            }
            Entry::Security { operation, alternatives } => {
                write!(f, "security {operation}: {}", security::written(alternatives))
            }
            Entry::Scope { method, handle, binds } => write!(f, "scope {method}: {handle}; binds {binds}"),
            Entry::Group { module, handle, scoped, feature } => {
                write!(f, "group {module}: {handle}")?;
                if let Some(scoped) = scoped {
                    write!(f, "; scoped {scoped}")?;
                }
                if let Some(feature) = feature {
                    write!(f, "; feature {feature}")?;
                }
                Ok(())
            }
            Entry::Operation { name, http_method, path, response, builder, stream, errors } => {
                write!(f, "operation {name}: {http_method} {path} -> {response}; builder {builder}")?;
                if let Some(item) = stream {
                    write!(f, "; stream() yields {item}")?;
                }
                if let Some(body) = errors {
                    write!(f, "; errors {body}")?;
                }
                Ok(())
            }
            Entry::ErrorBody { operation, status, ty, variant } => {
                write!(f, "error {operation}.{status}: {ty}")?;
                if let Some(variant) = variant {
                    write!(f, "; variant {variant}")?;
                }
                Ok(())
            }
            Entry::Parameter { operation, name, required: is_required, location, ty, style, wire } => {
                write!(f, "parameter {operation}.{name}: {} {location} {ty}", required(*is_required))?;
                if let Some(style) = style {
                    write!(f, "; {style}")?;
                }
                write!(f, "; wire {wire}")
            }
            Entry::Body { operation, required: is_required, ty, media, encoding } => {
                write!(f, "body {operation}: {} {ty}; {media}", required(*is_required))?;
                if let Some(encoding) = encoding {
                    write!(f, "; {encoding}")?;
                }
                Ok(())
            }
            Entry::Struct { name, request, default, items } => {
                let flags: Vec<&str> = [(*request, "request"), (*default, "Default")]
                    .into_iter()
                    .filter_map(|(set, flag)| set.then_some(flag))
                    .chain(items.as_deref())
                    .collect();
                write!(f, "struct {name}")?;
                if !flags.is_empty() {
                    write!(f, ": {}", flags.join(", "))?;
                }
                Ok(())
            }
            Entry::Field { parent, name, required: is_required, ty, wire } => {
                write!(f, "field {parent}.{name}: {} {ty}; ", required(*is_required))?;
                match wire {
                    Some(wire) => write!(f, "wire {wire}"),
                    None => f.write_str(OTHER_PROPERTIES),
                }
            }
            Entry::Enum { name, catch_all } => write!(f, "enum {name}: catch-all {catch_all}"),
            Entry::Value { parent, name, wire } => write!(f, "value {parent}::{name}: {wire}"),
            Entry::Union { name, catch_all, display, tag } => {
                let mut attributes = Vec::new();
                match catch_all {
                    Some(catch_all) => attributes.push(format!("catch-all {catch_all}")),
                    None => attributes.push("untagged".to_owned()),
                }
                if *display {
                    attributes.push("Display".to_owned());
                }
                if let Some(tag) = tag {
                    attributes.push(format!("tag {tag}"));
                }
                write!(f, "union {name}: {}", attributes.join("; "))
            }
            Entry::Variant { parent, name, ty, tags } => {
                write!(f, "variant {parent}::{name}: {ty}")?;
                if let Some(tags) = tags {
                    write!(f, "; tags {tags}")?;
                }
                Ok(())
            }
            Entry::Alias { name, target, newtype } => {
                write!(f, "{} {name}: {target}", if *newtype { "newtype" } else { "alias" })
            }
        }
    }
}
