//! Pass 2: `openapiv3::OpenAPI` → the model.
//!
//! Lowering makes every decision about the output: it resolves `$ref`s, names every type,
//! field, parameter and method (through [`crate::naming`]), decides optionality and boxing, and
//! keeps the spec's order. Problems are collected with their JSON pointers and reported together.
//! Schemas are lowered in `lower/types.rs` (composed ones in `lower/compose.rs`), operations in
//! `lower/operations.rs`; `lower/graph.rs` answers questions about the lowered types,
//! `lower/integers.rs` marks the values that hold integers and `lower/features.rs` gates large
//! APIs by cargo features.

mod accessors;
mod bodies;
mod compose;
mod compose_scalar;
mod errors;
mod examples;
mod features;
mod graph;
mod integers;
mod operations;
mod parameters;
mod scc;
mod scope;
mod security;
mod types;

use crate::error::Diagnostics;
use crate::model::{Api, TypeDef};
use crate::naming::Scope;
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr};

/// Lowers a loaded document; diagnostics (errors and warnings) are added to `diagnostics`.
pub fn lower(spec: &OpenAPI, diagnostics: &mut Diagnostics) -> Api {
    let mut cx = Lowerer::new(spec, diagnostics);
    cx.security_schemes = cx.lower_security_schemes();
    cx.security = cx.lower_global_security();
    let error_envelope = cx.lower_error_envelope();
    cx.lower_components();
    let mut groups = cx.lower_operations();
    cx.items_accessors(&mut groups);
    let scope = scope::bind_shared_params(&mut groups);
    cx.box_recursive_fields();
    cx.mark_scalar_unions();
    cx.mark_lenient_integers();
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        // Without a server, requests go to the local machine unless the client is given a URL.
        base_url: spec.servers.first().map_or_else(
            || "http://localhost".to_owned(),
            |server| {
                let mut url = server.url.clone();
                for (name, variable) in server.variables.iter().flatten() {
                    url = url.replace(&format!("{{{name}}}"), &variable.default);
                }
                url
            },
        ),
        models_docs: format!("Request and response types of the {} {}.", spec.info.title, spec.info.version),
        operations_docs: format!("The operations of the {} {}, grouped by tag.", spec.info.title, spec.info.version),
        types: cx.types,
        groups,
        security_schemes: cx.security_schemes,
        security: cx.security,
        error_envelope,
        scope,
    };
    features::gate(&mut api);
    api
}

/// The state of one lowering run.
struct Lowerer<'a> {
    spec: &'a OpenAPI,
    diagnostics: &'a mut Diagnostics,
    /// Rust names of the component schemas, decided before anything refers to them.
    component_names: IndexMap<String, String>,
    /// Names of the models module.
    type_names: Scope,
    /// Lowered types, in the order they were finished.
    types: Vec<TypeDef>,
    /// The struct each merged `allOf` became, by the address of its member list in the spec.
    merged: std::collections::HashMap<usize, String>,
    /// The supported security schemes, lowered first.
    security_schemes: Vec<crate::model::SecurityScheme>,
    /// The API's default security requirement.
    security: crate::model::Security,
}

/// The longest `$ref` chain followed before it is called a cycle.
const MAX_REF_DEPTH: usize = 32;

impl<'a> Lowerer<'a> {
    fn new(spec: &'a OpenAPI, diagnostics: &'a mut Diagnostics) -> Self {
        let mut type_names = Scope::with_reserved(crate::naming::PRELUDE);
        let component_names = components(spec)
            .map(|c| c.schemas.keys().map(|key| (key.clone(), type_names.camel(key))).collect())
            .unwrap_or_default();
        Lowerer {
            spec,
            diagnostics,
            component_names,
            type_names,
            types: Vec::new(),
            merged: Default::default(),
            security_schemes: Vec::new(),
            security: Vec::new(),
        }
    }

    /// Follows a chain of `$ref`s into a section of `components` (`parameters`, `responses`,
    /// `requestBodies`), returning the item and its pointer. Errors are reported at `pointer`.
    fn resolve<'s, T>(
        &mut self,
        item: &'s ReferenceOr<T>,
        section: &str,
        pick: fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
        pointer: &Pointer,
    ) -> Option<(&'s T, Pointer)>
    where
        'a: 's,
    {
        let spec: &'s OpenAPI = self.spec;
        match follow(spec, item, section, pick, pointer) {
            Ok(found) => Some(found),
            Err((at, message)) => {
                self.diagnostics.error(&at, message);
                None
            }
        }
    }
}

/// Follows a chain of `$ref`s into `components.<section>`, returning the item and its pointer, or
/// where and why the chain breaks (the caller decides whether that is reported).
fn follow<'s, T>(
    spec: &'s OpenAPI,
    item: &'s ReferenceOr<T>,
    section: &str,
    pick: fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
    pointer: &Pointer,
) -> Result<(&'s T, Pointer), (Pointer, String)> {
    let prefix = format!("#/components/{section}/");
    let mut current = item;
    let mut at = pointer.clone();
    for _ in 0..MAX_REF_DEPTH {
        let reference = match current {
            ReferenceOr::Item(found) => return Ok((found, at)),
            ReferenceOr::Reference { reference } => reference,
        };
        let Some(name) = reference.strip_prefix(&prefix) else {
            let message = if reference.starts_with('#') {
                format!("unsupported $ref `{reference}`: expected a reference into `{prefix}`")
            } else {
                crate::error::external_ref(reference)
            };
            return Err((at.push("$ref"), message));
        };
        let name = crate::pointer::unescape(name);
        match components(spec).and_then(|c| pick(c).get(&name)) {
            Some(next) => {
                current = next;
                at = Pointer::root().push("components").push(section).push(&name);
            }
            None => return Err((at.push("$ref"), crate::error::unresolved_ref(reference))),
        }
    }
    Err((pointer.clone(), "$ref cycle: these references never reach a definition".to_owned()))
}

fn components(spec: &OpenAPI) -> Option<&Components> {
    spec.components.as_ref()
}

/// Joins paragraphs (title, description, notes) into rustdoc, or nothing if all are empty. Each
/// paragraph is made safe on its own, so that a code fence one leaves open ends with it.
fn docs(parts: &[Option<&str>]) -> Option<String> {
    let text: Vec<String> = parts
        .iter()
        .flatten()
        .map(|part| crate::rustdoc::doc_text(part.trim()))
        .filter(|part| !part.is_empty())
        .collect();
    (!text.is_empty()).then(|| text.join("\n\n"))
}
