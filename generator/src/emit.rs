//! Pass 3: the model → token streams, one per part of an emitted file.
//!
//! Emitting transcribes the model and decides nothing: names, optionality, boxing and order come
//! from lowering. `emit/models.rs` writes types, `emit/operations.rs` writes request builders.
//! A file is emitted in parts (the models of a large API in runs of types) that are formatted
//! independently and concatenated in order, so that parts can be worked on in parallel.

mod bodies;
mod errors;
mod handles;
mod items;
mod mock;
mod models;
mod operations;
mod security;
mod styles;

use crate::model::{Api, Group, TypeDef, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// An emitted part of a file before formatting: the file's path inside the crate and the items.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    /// Path relative to the crate root, e.g. `src/models.rs`.
    pub path: String,
    /// The items of this part.
    pub tokens: TokenStream,
}

/// A part of an emitted file, to be emitted on its own.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// `src/models.rs`: a run of its types; the first part also has the module docs.
    Models { api: &'a Api, types: &'a [TypeDef], first: bool },
    /// `src/operations/mod.rs`.
    Index(&'a Api),
    /// `src/operations/<group>.rs` (the API for its scope).
    Group(&'a Api, &'a Group),
    /// `src/mock.rs`, the mock server of the cargo feature `mock`.
    Mock(&'a Api),
}

/// How many types one part of `src/models.rs` holds.
const TYPES_PER_PART: usize = 64;

/// The parts of every file of the API, each file's parts in order.
pub fn parts(api: &Api) -> Vec<Part<'_>> {
    let mut runs: Vec<&[TypeDef]> = api.types.chunks(TYPES_PER_PART).collect();
    if runs.is_empty() {
        // The module docs are emitted even when there are no types.
        runs.push(&[]);
    }
    let mut parts: Vec<Part<'_>> =
        runs.into_iter().enumerate().map(|(index, types)| Part::Models { api, types, first: index == 0 }).collect();
    parts.push(Part::Index(api));
    parts.extend(api.groups.iter().map(|group| Part::Group(api, group)));
    parts.push(Part::Mock(api));
    parts
}

/// Emits one part.
pub fn emit_part(part: &Part<'_>) -> EmittedFile {
    match *part {
        Part::Models { api, types, first } => {
            EmittedFile { path: "src/models.rs".to_owned(), tokens: models::emit_models(api, types, first) }
        }
        Part::Index(api) => {
            EmittedFile { path: "src/operations/mod.rs".to_owned(), tokens: operations::emit_index(api) }
        }
        Part::Group(api, group) => EmittedFile {
            path: format!("src/operations/{}.rs", group.file_stem),
            tokens: operations::emit_group(group, api.scope.as_ref()),
        },
        Part::Mock(api) => EmittedFile { path: "src/mock.rs".to_owned(), tokens: mock::emit_mock(api) },
    }
}

/// Emits every part of every file of the API, in order.
pub fn emit(api: &Api) -> Vec<EmittedFile> {
    parts(api).iter().map(emit_part).collect()
}

/// The tokens of a `snake_case` identifier of the model, raw (`r#type`) when naming says so.
fn ident(name: &crate::naming::Ident) -> Ident {
    if name.is_raw() { Ident::new_raw(name.name(), Span::call_site()) } else { format_ident!("{}", name.name()) }
}

/// The tokens of a type or variant name, which are never raw.
fn type_ident(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// `#[doc = ...]` attributes, one per line (`#![doc]` when `inner`), of text made safe for doc
/// comments by [`crate::rustdoc::doc_text`] (string literals need nothing of the kind: they are
/// written with every unusual character escaped).
fn doc_attrs(docs: Option<&str>, inner: bool) -> TokenStream {
    let text = docs.map(crate::rustdoc::doc_text);
    let lines = text.as_deref().into_iter().flat_map(str::lines).map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        if inner { quote!(#![doc = #line]) } else { quote!(#[doc = #line]) }
    });
    quote!(#(#lines)*)
}

/// The Rust type of a type reference; `models` is the path prefix of named types.
fn type_tokens(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::Timestamp => quote!(crate::Timestamp),
        TypeRef::Date => quote!(crate::Date),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = type_ident(name);
            quote!(#models #name)
        }
        TypeRef::List(item) => {
            let item = type_tokens(item, models);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, models);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, models);
            quote!(Box<#inner>)
        }
    }
}
