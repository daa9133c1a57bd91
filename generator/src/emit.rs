//! Pass 3: the model → token streams, one per emitted file.
//!
//! Emitting transcribes the model and decides nothing: names, optionality, boxing and order come
//! from lowering. `emit/models.rs` writes types, `emit/operations.rs` writes request builders.

mod models;
mod operations;

use crate::model::{Api, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// An emitted file before formatting: its path inside the crate and its items.
#[derive(Debug)]
pub struct EmittedFile {
    /// Path relative to the crate root, e.g. `src/models.rs`.
    pub path: String,
    /// The file's items.
    pub tokens: TokenStream,
}

/// Emits every file of the API.
pub fn emit(api: &Api) -> Vec<EmittedFile> {
    let mut files = vec![EmittedFile { path: "src/models.rs".to_owned(), tokens: models::emit_models(api) }];
    files.push(EmittedFile { path: "src/operations/mod.rs".to_owned(), tokens: operations::emit_index(api) });
    for group in &api.groups {
        files.push(EmittedFile {
            path: format!("src/operations/{}.rs", group.module.trim_start_matches("r#")),
            tokens: operations::emit_group(group),
        });
    }
    files
}

/// An identifier, raw (`r#type`) when the model says so.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// Text that may appear in a doc comment: Rust rejects bare carriage returns and other control
/// characters there, which spec strings can contain.
fn doc_text(text: &str) -> String {
    text.replace("\r\n", "\n").chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { ' ' } else { c }).collect()
}

/// `#[doc = ...]` attributes, one per line (`#![doc]` when `inner`).
fn doc_attrs(docs: Option<&str>, inner: bool) -> TokenStream {
    let text = docs.map(doc_text);
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
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
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
