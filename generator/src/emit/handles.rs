//! Emits the handles that operations are reached through: each group's handle (a method of the
//! client), the scope that binds the shared leading path parameters, and each group's handle
//! under that scope. Every handle owns a clone of the client (an `Arc`'s), as the request builders
//! do, so that nothing borrows the client.

use super::operations::{argument, body_type, positional, setters, stored_type};
use super::{doc_attrs, ident, type_ident};
use crate::model::{Api, Group, Operation, Param, ScopeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The group's handle, its accessor on the client, and under a scope its scoped handle.
pub(super) fn emit_handles(group: &Group, scope: Option<&ScopeDef>) -> TokenStream {
    let handle = type_ident(&group.type_name);
    let accessor = ident(&group.module);
    let more = group.docs.as_ref().map(|docs| format!("\n{docs}"));
    let group_docs = doc_attrs(more.as_deref(), false);
    let accessor_docs = doc_attrs(Some(&group.summary), false);
    let methods = group.operations.iter().map(|op| emit_method(op, &[]));
    let scoped = scope.zip(group.scoped_type_name.as_ref()).map(|(scope, scoped)| {
        let scoped = type_ident(scoped);
        let scope_type = type_ident(&scope.type_name);
        let names: Vec<_> = scope.params.iter().map(|param| ident(&param.rust_name)).collect();
        let values: Vec<_> = scope.params.iter().map(|param| copied(param, quote!(self))).collect();
        let types = scope.params.iter().map(stored_type);
        let docs =
            format!("The `{}` operations of a [`{}`](super::{}).", group.type_name, scope.type_name, scope.type_name);
        let docs = doc_attrs(Some(&docs), false);
        let methods = group.operations.iter().map(|op| emit_method(op, &scope.params));
        quote! {
            #docs
            #group_docs
            #[derive(Debug, Clone)]
            pub struct #scoped {
                client: crate::Client,
                #(#names: #types,)*
            }

            impl super::#scope_type {
                #accessor_docs
                pub fn #accessor(&self) -> #scoped {
                    #scoped { client: self.client.clone(), #(#names: #values,)* }
                }
            }

            impl #scoped {
                #(#methods)*
            }
        }
    });
    quote! {
        #accessor_docs
        #group_docs
        #[derive(Debug, Clone)]
        pub struct #handle {
            client: crate::Client,
        }

        impl crate::Client {
            #accessor_docs
            pub fn #accessor(&self) -> #handle {
                #handle { client: self.clone() }
            }
        }

        impl #handle {
            #(#methods)*
        }

        #scoped
    }
}

/// The scope's handle and the client's method that makes one (in the operations module).
pub(super) fn emit_scope(api: &Api) -> Option<TokenStream> {
    let scope = api.scope.as_ref()?;
    let name = type_ident(&scope.type_name);
    let method = ident(&scope.method);
    let docs = doc_attrs(Some(&scope.docs), false);
    let names: Vec<_> = scope.params.iter().map(|param| ident(&param.rust_name)).collect();
    let types = scope.params.iter().map(stored_type);
    let (args, inits): (Vec<_>, Vec<_>) = scope.params.iter().map(argument_and_init).unzip();
    // With a feature per group, a build without any group reads none of the fields.
    let unused = api
        .groups
        .iter()
        .any(|group| group.feature.is_some())
        .then(|| quote!(#[allow(dead_code, reason = "read by the groups' handles, which features may leave out")]));
    Some(quote! {
        #docs
        #[derive(Debug, Clone)]
        #unused
        pub struct #name {
            client: crate::Client,
            #(#names: #types,)*
        }

        impl crate::Client {
            #docs
            pub fn #method(&self, #(#args),*) -> #name {
                #name { client: self.clone(), #(#inits,)* }
            }
        }
    })
}

/// The value of `owner`'s field for `param`: copied when its type is a number or `bool`, cloned
/// otherwise.
fn copied(param: &Param, owner: TokenStream) -> TokenStream {
    let field = ident(&param.rust_name);
    match (&param.list, &param.ty) {
        (
            None,
            TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::F32 | TypeRef::F64,
        ) => {
            quote!(#owner.#field)
        }
        _ => quote!(#owner.#field.clone()),
    }
}

/// An argument of a method (`name: impl Into<String>`) and how its value is stored.
fn argument_and_init(param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.rust_name);
    let (ty, store) = argument(param);
    // A value stored as given is written in shorthand (`id` rather than `id: id`).
    let init = if name == store.to_string() { quote!(#name) } else { quote!(#name: #store) };
    (quote!(#name: #ty), init)
}

/// The method of a handle that starts the operation's request; the first `bound.len()` path
/// parameters come from the handle's fields (named as `bound` names them) instead of arguments.
fn emit_method(op: &Operation, bound: &[Param]) -> TokenStream {
    let docs = doc_attrs(Some(&op.docs), false);
    let method = ident(&op.method_name);
    let builder = type_ident(&op.builder_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for (index, param) in positional(op).enumerate() {
        match bound.get(index) {
            Some(from) => {
                let name = ident(&param.rust_name);
                let value = copied(from, quote!(self));
                inits.push(quote!(#name: #value));
            }
            None => {
                let (arg, init) = argument_and_init(param);
                args.push(arg);
                inits.push(init);
            }
        }
    }
    for param in setters(op) {
        let name = ident(&param.rust_name);
        inits.push(quote!(#name: None));
    }
    if let Some(body) = &op.body {
        let ty = body_type(&body.kind);
        if body.required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        } else {
            inits.push(quote!(body: None));
        }
    }
    // Positional arguments are the spec's required parameters, however many there are.
    let many = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #many
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
                options: crate::request::RequestOptions::default(),
            }
        }
    }
}
