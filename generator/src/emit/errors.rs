//! Emits an operation's typed error bodies: the enum of several documented bodies, and the
//! `error_body` function that decodes a failed answer's body by its status.

use super::{doc_attrs, type_ident, type_tokens};
use crate::model::{ErrorBodies, ErrorBody, ErrorRule, ErrorStatus, Operation};
use proc_macro2::TokenStream;
use quote::quote;

/// The type `body()` returns: a model type, or the operation's enum (in the same module).
fn body_type(errors: &ErrorBodies) -> TokenStream {
    match &errors.body {
        ErrorBody::Model(ty) => type_tokens(ty, &quote!(models::)),
        ErrorBody::Enum { name, .. } => {
            let name = type_ident(name);
            quote!(#name)
        }
    }
}

/// The error type of the operation's `send()` and `stream()`.
pub(super) fn error_type(op: &Operation) -> TokenStream {
    match &op.errors {
        Some(errors) => {
            let body = body_type(errors);
            quote!(crate::OperationError<#body>)
        }
        None => quote!(crate::Error),
    }
}

/// `result` (of `send()`) or `stream` (of `stream()`) with the operation's typed errors.
pub(super) fn typed_result(op: &Operation, result: TokenStream) -> TokenStream {
    match &op.errors {
        Some(_) => quote!(#result.map_err(|error| crate::error_body::typed(error, Self::error_body))),
        None => result,
    }
}

/// See [`typed_result`].
pub(super) fn typed_stream(op: &Operation, stream: TokenStream) -> TokenStream {
    match &op.errors {
        Some(_) => quote!(crate::error_body::typed_stream(#stream, Self::error_body)),
        None => stream,
    }
}

/// The enum of an operation whose documented error bodies have several types.
pub(super) fn emit_enum(op: &Operation) -> Option<TokenStream> {
    let ErrorBody::Enum { name, docs, variants } = &op.errors.as_ref()?.body else { return None };
    let name = type_ident(name);
    let docs = doc_attrs(Some(docs), false);
    let variants = variants.iter().map(|variant| {
        let variant_name = type_ident(&variant.rust_name);
        let ty = type_tokens(&variant.ty, &quote!(models::));
        let docs = format!(" A body of type `{}`.", variant.rust_name);
        quote! {
            #[doc = #docs]
            #variant_name(#ty)
        }
    });
    Some(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants,)*
        }
    })
}

/// The builder's `error_body`: statuses matched exactly, then by class, then `default`.
pub(super) fn emit_error_body(op: &Operation) -> Option<TokenStream> {
    let errors = op.errors.as_ref()?;
    let body = body_type(errors);
    let enum_name = match &errors.body {
        ErrorBody::Enum { name, .. } => Some(type_ident(name)),
        ErrorBody::Model(_) => None,
    };
    let decode = |rule: &ErrorRule| match (&enum_name, &rule.variant) {
        (Some(name), Some(variant)) => {
            let variant = type_ident(variant);
            quote!(crate::error_body::json(body).map(#name::#variant))
        }
        _ => quote!(crate::error_body::json(body)),
    };
    let arms = |pick: fn(ErrorStatus) -> Option<u16>| -> Vec<TokenStream> {
        errors
            .rules
            .iter()
            .filter_map(|rule| {
                let value = proc_macro2::Literal::u16_unsuffixed(pick(rule.status)?);
                let decode = decode(rule);
                Some(quote!(#value => #decode,))
            })
            .collect()
    };
    let fallback = match errors.rules.iter().find(|rule| rule.status == ErrorStatus::Default) {
        Some(rule) => decode(rule),
        None => quote!(None),
    };
    let classes = arms(|status| if let ErrorStatus::Class(class) = status { Some(class) } else { None });
    let by_class =
        if classes.is_empty() { fallback } else { quote!(match status / 100 { #(#classes)* _ => #fallback, }) };
    let codes = arms(|status| if let ErrorStatus::Code(code) = status { Some(code) } else { None });
    let by_code = if codes.is_empty() { by_class } else { quote!(match status { #(#codes)* _ => #by_class, }) };
    let all_statuses = errors.rules.iter().all(|rule| rule.status == ErrorStatus::Default);
    let status = if all_statuses { quote!(_status) } else { quote!(status) };
    Some(quote! {
        /// The documented error body of a failed answer with this status, if it has that shape.
        #[inline]
        fn error_body(#status: u16, body: &[u8]) -> Option<#body> {
            #by_code
        }
    })
}
