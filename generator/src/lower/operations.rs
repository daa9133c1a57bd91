//! Lowering of paths: every operation becomes a request builder in the group of its first tag,
//! with its parameters, body, response type and, for list operations, how to walk the pages.

use super::types::Naming;
use super::{Lowerer, docs};
use crate::model::{Group, HttpMethod, Operation, Paging, Param, Response, Step, StructDef, TypeRef};
use crate::naming::{self, Ident, Scope};
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{Parameter, ReferenceOr, StatusCode};
use std::collections::BTreeMap;

/// Methods of `Client` that a group accessor must not shadow.
pub(super) const CLIENT_METHODS: &[&str] = &["builder", "from_env", "from_env_with", "clone", "fmt"];
/// Methods every group handle has (it derives `Clone` and `Debug`), which no operation may take.
const HANDLE_MEMBERS: &[&str] = &["clone", "fmt"];
/// Fields and methods every request builder has besides its parameters.
const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "options",
    "send",
    "stream",
    "request",
    "max_retries",
    "timeout",
    "header",
    "max_body_size",
    "retry_non_idempotent",
    "error_body",
    "clone",
    "fmt",
    // The body's field and setter, and the paging glue of a listing's builder.
    "body",
    "page_request",
    "page_parts",
    // The members of the mock server's expectation of the operation, which has the same setters.
    "expectation",
    "respond_with",
    "respond_error",
    "respond_error_with",
    "respond_status",
    "respond_header",
    "respond_delay",
    "expect",
    "mount",
];
/// Query parameters that choose the page of a list operation, and its size.
const PAGE_PARAMS: &[&str] = &["page_no", "page"];
const PER_PAGE_PARAMS: &[&str] = &["per_page", "page_size"];

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

/// A group being filled, with the names already taken in its module.
struct GroupBuilder {
    group: Group,
    /// Method names of the group's handle.
    methods: Scope,
    /// The operationId and location each method name was taken for.
    method_owners: BTreeMap<Ident, (String, Pointer)>,
    types: Scope,
}

impl Lowerer<'_> {
    /// Lowers every operation, in spec order, into groups by first tag.
    ///
    /// Method names are decided first, for all operations: an operationId becomes its method name
    /// unchanged (in snake case) or is reported when that name is taken, and only then do the
    /// operations without an operationId take names from their method and path, numbered when
    /// those collide. Operations are then lowered in spec order.
    pub(super) fn lower_operations(&mut self) -> Vec<Group> {
        let spec = self.spec;
        let mut groups: IndexMap<String, GroupBuilder> = IndexMap::new();
        let mut group_names = Scope::with_reserved(CLIENT_METHODS);
        // A module named `mod` would be the file `operations/mod.rs`; one named `operations` or
        // `mock` would sit in a module of its own name (`operations::operations`), which clippy
        // denies (`module_inception`).
        for taken in ["mod", "operations", "mock"] {
            group_names.reserve(&naming::snake(taken));
        }
        let mut group_types = Scope::with_reserved(&[naming::PRELUDE, &["Client"]].concat());
        let mut operation_ids: BTreeMap<String, Pointer> = BTreeMap::new();
        let mut operations = Vec::new();
        for (path, item) in &spec.paths.paths {
            let path_pointer = Pointer::root().push("paths").push(path);
            if let Err(problem) = check_template(path) {
                self.diagnostics.error(&path_pointer, format!("the path template `{path}` {problem}"));
            }
            let ReferenceOr::Item(item) = item else {
                self.diagnostics.error(&path_pointer, "a path item that is a $ref is not supported");
                continue;
            };
            for (method, operation) in item.iter() {
                let pointer = path_pointer.push(method);
                let mut duplicate = false;
                if let Some(id) = &operation.operation_id {
                    if let Some(first) = operation_ids.get(id) {
                        // Reported, and lowered anyway so that its other problems are found too.
                        self.diagnostics.error(
                            &pointer.push("operationId"),
                            format!("duplicate operationId `{id}`: also used at {first}"),
                        );
                        duplicate = true;
                    } else {
                        operation_ids.insert(id.clone(), pointer.clone());
                    }
                }
                let tag = operation.tags.first().cloned().unwrap_or_else(|| "general".to_owned());
                let builder = groups.entry(tag.clone()).or_insert_with(|| {
                    let type_name = group_types.camel(&tag);
                    let module = group_names.snake(&tag);
                    let description = spec.tags.iter().find(|t| t.name == tag).and_then(|t| t.description.as_deref());
                    GroupBuilder {
                        group: Group {
                            summary: format!("The `{type_name}` operations."),
                            type_name: type_name.clone(),
                            module: module.clone(),
                            file_stem: module.name().to_owned(),
                            docs: docs(&[description]),
                            feature: None,
                            operations: Vec::new(),
                            // Decided once every operation is lowered (`lower/scope.rs`).
                            scoped_type_name: None,
                        },
                        methods: Scope::with_reserved(HANDLE_MEMBERS),
                        method_owners: BTreeMap::new(),
                        types: Scope::with_reserved(&[naming::PRELUDE, &[type_name.as_str()]].concat()),
                    }
                });
                let id = operation.operation_id.as_deref().filter(|id| naming::has_words(id));
                let method_name = id.map(|id| self.operation_id_method(builder, id, &pointer, duplicate));
                operations.push((path, method, item, operation, pointer, tag, method_name));
            }
        }
        for (path, method, item, operation, pointer, tag, method_name) in operations {
            let Some(builder) = groups.get_mut(&tag) else { continue };
            // Operations without an operationId are named once every operationId has its name.
            let method_name = method_name.unwrap_or_else(|| builder.methods.operation_from_path(method, path));
            let builder_name = builder.types.camel(method_name.name());
            let builder_docs = format!(
                "Request builder for [`{handle}::{method_name}`](super::{handle}::{method_name}): \
                 set optional parameters, then call `send`.",
                handle = builder.group.type_name,
                method_name = method_name.name(),
            );
            let names = (method_name, builder_name, builder_docs);
            let lowered = self.lower_operation(path, method, item, operation, &pointer, names, &mut builder.types);
            if let Some(lowered) = lowered
                && let Some(group) = groups.get_mut(&tag)
            {
                group.group.operations.push(lowered);
            }
        }
        groups.into_values().map(|builder| builder.group).filter(|group| !group.operations.is_empty()).collect()
    }

    /// The method name of the operation with the operationId `id`: the id in snake case, never
    /// renamed. An id whose name another operation of the group (or the handle itself) has is an
    /// error, since either rename would surprise; the operation is then named with a number so
    /// that its other problems are found too.
    fn operation_id_method(
        &mut self,
        builder: &mut GroupBuilder,
        id: &str,
        pointer: &Pointer,
        duplicate: bool,
    ) -> Ident {
        if let Some(name) = builder.methods.snake_exactly(id) {
            builder.method_owners.insert(name.clone(), (id.to_owned(), pointer.clone()));
            return name;
        }
        let name = naming::snake(id);
        let taken_by = match builder.method_owners.get(&name) {
            Some((other, at)) => format!("the operationId `{other}` at {at} has that name too"),
            None => format!("every operation group has a method `{name}` of its own"),
        };
        // An id used twice is reported as such.
        if !duplicate {
            let group = &builder.group.type_name;
            self.diagnostics.error(
                &pointer.push("operationId"),
                format!("the operationId `{id}` would be the method `{name}` of `{group}`, but {taken_by}: rename the operationId"),
            );
        }
        builder.methods.snake(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        operation: &openapiv3::Operation,
        pointer: &Pointer,
        (method_name, builder_name, builder_docs): (Ident, String, String),
        types: &mut Scope,
    ) -> Option<Operation> {
        if check_template(path).is_err() {
            // Reported with the path; its placeholders cannot be told apart.
            return None;
        }
        let path_pointer = pointer.clone();
        let item_pointer = Pointer::root().push("paths").push(path);
        // Path-level parameters first; an operation's parameter with the same name and location
        // replaces it in place.
        let mut declared: IndexMap<(String, Location), (&Parameter, Pointer)> = IndexMap::new();
        let sources = [
            (&item.parameters, item_pointer.push("parameters")),
            (&operation.parameters, path_pointer.push("parameters")),
        ];
        for (list, list_pointer) in sources {
            for (index, parameter) in list.iter().enumerate() {
                let at = list_pointer.push(index);
                let Some((parameter, at)) = self.resolve(parameter, "parameters", |c| &c.parameters, &at) else {
                    continue;
                };
                let location = match parameter {
                    Parameter::Path { .. } => Location::Path,
                    Parameter::Query { .. } => Location::Query,
                    Parameter::Header { .. } => Location::Header,
                    Parameter::Cookie { .. } => Location::Cookie,
                };
                declared.insert((parameter.parameter_data_ref().name.clone(), location), (parameter, at));
            }
        }

        let mut scope = Scope::with_reserved(BUILDER_MEMBERS);
        let template = template_params(path);
        let mut path_params = Vec::new();
        for name in &template {
            match declared.get(&(name.clone(), Location::Path)) {
                Some((parameter, at)) => {
                    if !parameter.parameter_data_ref().required {
                        self.diagnostics.error(at, format!("path parameter `{name}` must have `required: true`"));
                    }
                    path_params.push(self.lower_param(parameter, at, &builder_name, &mut scope));
                }
                None => self.diagnostics.error(
                    pointer,
                    format!("the path template parameter `{{{name}}}` is not declared in `parameters`"),
                ),
            }
        }
        let mut query_params = Vec::new();
        let mut header_params = Vec::new();
        let mut cookie_params = Vec::new();
        for ((name, location), (parameter, at)) in &declared {
            match location {
                Location::Path if !template.contains(name) => self
                    .diagnostics
                    .error(at, format!("path parameter `{name}` does not appear in the path template `{path}`")),
                Location::Path => {}
                Location::Query => query_params.push(self.lower_param(parameter, at, &builder_name, &mut scope)),
                Location::Header => header_params.push(self.lower_param(parameter, at, &builder_name, &mut scope)),
                Location::Cookie => cookie_params.push(self.lower_param(parameter, at, &builder_name, &mut scope)),
            }
        }
        let body = operation
            .request_body
            .as_ref()
            .and_then(|body| self.lower_body(body, &path_pointer.push("requestBody"), &builder_name, types));
        let Some(http_method) = http_method(method) else {
            self.diagnostics.error(pointer, format!("the HTTP method `{method}` is not supported"));
            return None;
        };
        let mut response = self.lower_response(operation, &path_pointer.push("responses"), &builder_name);
        if let Response::Json { ty, paging } = &mut response {
            *paging = self.detect_paging(&query_params, ty).map(Box::new);
        }
        let errors = self.lower_errors(operation, &path_pointer.push("responses"), &builder_name, types);
        let location = format!("`{} {path}`", http_method.as_str());
        let response_example = super::examples::response_example(self.spec, operation);
        let security = self.operation_security(operation, pointer);
        Some(Operation {
            method_name,
            builder_name,
            builder_docs,
            http_method,
            path: path.to_owned(),
            docs: docs(&[operation.summary.as_deref(), operation.description.as_deref(), Some(&location)])
                .unwrap_or_default(),
            path_params,
            query_params,
            header_params,
            cookie_params,
            body,
            response,
            // POST and PATCH may not be sent twice safely: only they offer `retry_non_idempotent`.
            non_idempotent: matches!(http_method, HttpMethod::Post | HttpMethod::Patch),
            response_example,
            security,
            errors,
        })
    }

    /// The success response body: the 2xx responses' JSON type, an untagged union when they
    /// document different types, `Empty` when none has content, `Bytes` when it is not JSON.
    fn lower_response(&mut self, operation: &openapiv3::Operation, pointer: &Pointer, builder_name: &str) -> Response {
        let mut bodies: Vec<TypeRef> = Vec::new();
        let mut bytes = false;
        for (status, response) in &operation.responses.responses {
            let success = match status {
                StatusCode::Code(code) => (200..300).contains(code),
                StatusCode::Range(range) => *range == 2,
            };
            // The other responses (and `default`) are error responses: see `lower_errors`.
            if !success {
                continue;
            }
            let resolved = self.resolve(response, "responses", |c| &c.responses, &pointer.push(status));
            let Some((response, at)) = resolved else { continue };
            let Some((media_type, content)) =
                response.content.iter().find(|(media, _)| is_json(media)).or_else(|| response.content.first())
            else {
                continue;
            };
            if !is_json(media_type) {
                bytes = true;
                continue;
            }
            let hint = format!("{builder_name} response");
            let ty = match &content.schema {
                Some(schema) => {
                    let at = at.push("content").push(media_type).push("schema");
                    self.lower_node(schema.into(), Naming::Hint(&hint), &at).ty
                }
                None => TypeRef::Json,
            };
            if !bodies.contains(&ty) {
                bodies.push(ty);
            }
        }
        match bodies.len() {
            0 if bytes => Response::Bytes,
            0 => Response::Empty,
            1 => Response::Json { ty: bodies.remove(0), paging: None },
            _ => {
                let docs =
                    format!("The body of a successful `{builder_name}` response, which has several documented shapes.");
                Response::Json { ty: self.union_of(&format!("{builder_name} response"), docs, bodies), paging: None }
            }
        }
    }

    /// A list operation has a page number parameter and a JSON response (of type `ty`) with an
    /// item list next to a paging object, at the top level or one level down (`data.participants`
    /// next to `data.paging`).
    fn detect_paging(&self, query: &[Param], ty: &TypeRef) -> Option<Paging> {
        let page =
            query.iter().find(|p| PAGE_PARAMS.contains(&p.wire_name.as_str()) && !p.required && is_count(&p.ty))?;
        let per_page = query.iter().find(|p| PER_PAGE_PARAMS.contains(&p.wire_name.as_str()) && is_count(&p.ty));
        let root = self.struct_def(ty)?;
        let (prefix, def) = match self.page_parts(root) {
            Some(_) => (Vec::new(), root),
            None => root.fields.iter().find_map(|field| {
                let inner = self.struct_def(&field.ty)?;
                self.page_parts(inner)?;
                Some((vec![Step { field: field.rust_name.clone(), optional: field.optional }], inner))
            })?,
        };
        let (items, item, paging, paging_def) = self.page_parts(def)?;
        let field_step = |name: &str| {
            paging_def
                .fields
                .iter()
                .find(|f| f.wire_name == name)
                .map(|f| Step { field: f.rust_name.clone(), optional: f.optional })
        };
        let with_prefix = |step: Step| prefix.iter().cloned().chain([step]).collect();
        Some(Paging {
            page_param: page.rust_name.clone(),
            per_page_param: per_page.map(|p| p.rust_name.clone()),
            items: with_prefix(items),
            item,
            paging: with_prefix(paging),
            total_count: field_step("total_count"),
            end_offset: field_step("end_offset"),
            // Decided for the whole API once every operation is lowered (`items_accessors`).
            items_accessor: None,
        })
    }

    /// In one struct: the item list field, its item type, the paging field and the paging struct.
    fn page_parts<'d>(&'d self, def: &'d StructDef) -> Option<(Step, TypeRef, Step, &'d StructDef)> {
        let (paging_field, paging_def) = def.fields.iter().find_map(|field| {
            let inner = self.struct_def(&field.ty)?;
            let counts = inner.fields.iter().any(|f| f.wire_name == "total_count" || f.wire_name == "end_offset");
            (field.wire_name == "paging" && counts).then_some((field, inner))
        })?;
        let (items_field, item) = def.fields.iter().find_map(|field| match self.unalias(&field.ty) {
            TypeRef::List(item) => Some((field, *item)),
            _ => None,
        })?;
        let step = |field: &crate::model::Field| Step { field: field.rust_name.clone(), optional: field.optional };
        Some((step(items_field), item, step(paging_field), paging_def))
    }
}

/// Checks that the braces of a path template pair up around non-empty names; says what is wrong
/// otherwise.
fn check_template(path: &str) -> Result<(), String> {
    let mut open: Option<usize> = None;
    for (at, c) in path.char_indices() {
        match (c, open) {
            ('{', None) => open = Some(at),
            ('{', Some(_)) => return Err(format!("opens a `{{` inside another at byte {at}")),
            ('}', None) => return Err(format!("has a `}}` that closes nothing at byte {at}")),
            ('}', Some(start)) if start + 1 == at => return Err(format!("has an empty `{{}}` at byte {start}")),
            ('}', Some(_)) => open = None,
            _ => {}
        }
    }
    match open {
        Some(start) => Err(format!("has a `{{` at byte {start} that is never closed")),
        None => Ok(()),
    }
}

/// The `{name}` placeholders of a path template, in order.
fn template_params(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

/// The HTTP method of a path item's key (`get`, `post`, ...), if it is one.
fn http_method(key: &str) -> Option<HttpMethod> {
    Some(match key {
        "get" => HttpMethod::Get,
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => return None,
    })
}

pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn is_count(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::U64 | TypeRef::I64 | TypeRef::U32 | TypeRef::I32 | TypeRef::F64 | TypeRef::F32)
}
