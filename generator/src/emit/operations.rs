//! Emits `src/operations/`: an index module, and per group a handle reached from the client and
//! a request builder per operation.

use super::{doc_attrs, errors, handles, ident, items, type_ident, type_tokens};
use crate::model::{
    Api, BodyKind, Group, HttpMethod, ObjectStyle, Operation, Paging, Param, Response, ScopeDef, Step, TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;

/// The path prefix of model types in an operations file, which imports the models module once.
fn models() -> TokenStream {
    quote!(models::)
}

/// Whether any operation of the group names a model type (and the file imports `crate::models`).
fn names_models(group: &Group) -> bool {
    fn named(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(_) => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => named(inner),
            _ => false,
        }
    }
    group.operations.iter().any(|op| {
        let params = op.params();
        let body = op.body.iter().flat_map(|body| body.kind.types());
        let (response, item) = match &op.response {
            Response::Json { ty, paging } => (Some(ty), paging.as_ref().map(|paging| &paging.item)),
            Response::Empty | Response::Bytes => (None, None),
        };
        let errors = op.errors.iter().flat_map(|errors| errors.rules.iter().map(|rule| &rule.ty));
        params.map(|param| &param.ty).chain(body).chain(response).chain(item).chain(errors).any(named)
    })
}

pub(super) fn emit_index(api: &Api) -> TokenStream {
    let header = doc_attrs(Some(&api.operations_docs), true);
    let modules = api.groups.iter().map(|group| {
        let module = ident(&group.module);
        let handle = type_ident(&group.type_name);
        let docs = doc_attrs(Some(&group.summary), false);
        let cfg = group.feature.as_ref().map(|feature| quote!(#[cfg(feature = #feature)]));
        quote! {
            #docs
            #cfg
            pub mod #module;
            #cfg
            pub use #module::#handle;
        }
    });
    let base_url = &api.base_url;
    let config = super::security::emit_config(api);
    let scope = handles::emit_scope(api);
    quote! {
        #header
        #(#modules)*

        #scope

        /// The base URL requests go to unless the client is given another: the spec's first server.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #config
    }
}

pub(super) fn emit_group(group: &Group, scope: Option<&ScopeDef>) -> TokenStream {
    let header = doc_attrs(Some(&group.summary), true);
    let more = group.docs.as_ref().map(|docs| format!("\n{docs}"));
    let group_docs_inner = doc_attrs(more.as_deref(), true);
    let forms = group.operations.iter().filter_map(super::bodies::emit_multipart_struct);
    let handles = handles::emit_handles(group, scope);
    let builders = group.operations.iter().map(emit_builder);
    let import = names_models(group).then(|| {
        quote!(
            use crate::models;
        )
    });
    quote! {
        #header
        #group_docs_inner
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        #import

        #handles

        #(#builders)*

        #(#forms)*
    }
}

/// The positional arguments of an operation: path parameters, then required query and header
/// parameters, then a required body.
pub(super) fn positional(op: &Operation) -> impl Iterator<Item = &Param> {
    let others = op.query_params.iter().chain(&op.header_params).chain(&op.cookie_params);
    op.path_params.iter().chain(others.filter(|p| p.required))
}

pub(super) fn setters(op: &Operation) -> impl Iterator<Item = &Param> {
    op.query_params.iter().chain(&op.header_params).chain(&op.cookie_params).filter(|p| !p.required)
}

/// The type of an argument or setter value, and how to store it.
pub(super) fn argument(param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.rust_name);
    let models = models();
    match (&param.list, &param.ty) {
        (Some(_), TypeRef::String) => {
            (quote!(impl IntoIterator<Item = impl Into<String>>), quote!(#name.into_iter().map(Into::into).collect()))
        }
        (Some(_), item) => {
            let item = type_tokens(item, &models);
            (quote!(impl IntoIterator<Item = #item>), quote!(#name.into_iter().collect()))
        }
        (None, TypeRef::String) => (quote!(impl Into<String>), quote!(#name.into())),
        (None, ty) => (type_tokens(ty, &models), quote!(#name)),
    }
}

pub(super) fn stored_type(param: &Param) -> TokenStream {
    let ty = type_tokens(&param.ty, &models());
    if param.list.is_some() { quote!(Vec<#ty>) } else { ty }
}

pub(super) fn body_type(kind: &BodyKind) -> TokenStream {
    match kind {
        BodyKind::Json(ty) | BodyKind::Form { ty, .. } => type_tokens(ty, &models()),
        BodyKind::MultipartForm(def) => {
            let name = type_ident(&def.name);
            quote!(#name)
        }
        BodyKind::Multipart => quote!(crate::multipart::Form),
        BodyKind::Bytes => quote!(bytes::Bytes),
    }
}

fn response_type(response: &Response) -> TokenStream {
    match response {
        Response::Json { ty, .. } => type_tokens(ty, &models()),
        Response::Empty => quote!(()),
        Response::Bytes => quote!(bytes::Bytes),
    }
}

fn emit_builder(op: &Operation) -> TokenStream {
    let builder = type_ident(&op.builder_name);
    let builder_docs = doc_attrs(Some(&op.builder_docs), false);
    let mut fields = Vec::new();
    for param in positional(op) {
        let name = ident(&param.rust_name);
        let ty = stored_type(param);
        fields.push(quote!(#name: #ty));
    }
    for param in setters(op) {
        let name = ident(&param.rust_name);
        let ty = stored_type(param);
        fields.push(quote!(#name: Option<#ty>));
    }
    if let Some(body) = &op.body {
        let ty = body_type(&body.kind);
        fields.push(if body.required { quote!(body: #ty) } else { quote!(body: Option<#ty>) });
    }
    let setter_fns = setters(op).map(emit_setter);
    let body_setter = op.body.as_ref().filter(|body| !body.required).map(|body| {
        let ty = body_type(&body.kind);
        let docs = doc_attrs(Some(&body.docs), false);
        quote! {
            #docs
            pub fn body(mut self, body: #ty) -> Self {
                self.body = Some(body);
                self
            }
        }
    });
    let request_fn = emit_request_fn(op);
    let response = response_type(&op.response);
    let (send_call, stream) = match &op.response {
        Response::Json { ty, paging } => (quote!(send), paging.as_ref().map(|paging| emit_stream(op, ty, paging))),
        Response::Empty => (quote!(send_empty), None),
        Response::Bytes => (quote!(send_bytes), None),
    };
    let json_body = attach_json_body(op, &quote!(self));
    let mutable = json_body.is_some().then(|| quote!(mut));
    let error = errors::error_type(op);
    let send_body = match &op.errors {
        None => quote! {
            let #mutable request = self.request()?;
            #json_body
            self.client.#send_call(request).await
        },
        Some(_) => {
            let sent = quote! {
                async move {
                    let #mutable request = self.request()?;
                    #json_body
                    self.client.#send_call(request).await
                }
                .await
            };
            errors::typed_result(op, sent)
        }
    };
    let error_docs = op.errors.as_ref().map(|_| {
        quote! {
            ///
            /// The error's [`body()`](crate::OperationError::body) is the error body the spec
            /// documents for the answer's status, decoded.
        }
    });
    let error_body = errors::emit_error_body(op);
    let error_enum = errors::emit_enum(op);
    let items = match &op.response {
        Response::Json { ty, paging: Some(paging) } => items::emit_items(ty, paging),
        _ => None,
    };
    let retry_non_idempotent = op.non_idempotent.then(|| {
        quote! {
            /// Retries this request after any retryable failure, as if it were idempotent (by
            /// default a POST or PATCH is retried only when it certainly did not reach the server
            /// or the server asked for it). Only for requests that are safe to send twice.
            pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
                self.options.retry_non_idempotent = retry;
                self
            }
        }
    });
    quote! {
        #builder_docs
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: crate::Client,
            #(#fields,)*
            options: crate::request::RequestOptions,
        }

        impl #builder {
            #(#setter_fns)*
            #body_setter

            /// How many times to retry this request after a retryable failure (overrides the client's setting).
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.options.max_retries = Some(max_retries);
                self
            }

            /// How long one attempt of this request may take (overrides the client's setting).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Adds a header to this request, replacing one of the same name the client would
            /// send otherwise (a default header, an operation's header parameter). An invalid
            /// name or value, or `Authorization`, makes `send` return
            /// [`crate::Error::InvalidArgument`] before anything is sent.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.options.header(name, value);
                self
            }

            /// The largest 2xx body this request reads, in bytes (overrides the client's setting).
            pub fn max_body_size(mut self, bytes: usize) -> Self {
                self.options.max_body_size = Some(bytes);
                self
            }

            #retry_non_idempotent

            /// Sends the request and decodes the response.
            ///
            /// # Errors
            ///
            /// An invalid argument, a transport failure or timeout, a non-2xx status, or a body
            /// that does not decode: see [`crate::Error`].
            #error_docs
            pub async fn send(self) -> Result<crate::Response<#response>, #error> {
                #send_body
            }

            #stream

            #request_fn

            #error_body
        }

        #error_enum

        #items
    }
}

/// Serializes the JSON body of `owner` (a builder) into `request`. Not part of `request()`, so
/// that the serializer of the body's type is compiled only where the operation is used.
fn attach_json_body(op: &Operation, owner: &TokenStream) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let attach = |body: TokenStream| match &body_encoding(&op.body) {
        None => quote!(request.json_body(#body)?),
        Some(encodings) => quote!(request.form_body(#body, &[#(#encodings),*])?),
    };
    if !matches!(body.kind, BodyKind::Json(_) | BodyKind::Form { .. }) {
        return None;
    }
    Some(if body.required {
        let attach = attach(quote!(&#owner.body));
        quote! { #attach; }
    } else {
        let attach = attach(quote!(body));
        quote! { if let Some(body) = &#owner.body { #attach; } }
    })
}

/// The property encodings of a form body (`None` for any other body).
fn body_encoding(body: &Option<crate::model::Body>) -> Option<Vec<TokenStream>> {
    match body.as_ref().map(|body| &body.kind) {
        Some(BodyKind::Form { encodings, .. }) => Some(super::styles::field_encodings(encodings)),
        _ => None,
    }
}

fn emit_setter(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    let docs = doc_attrs(param.docs.as_deref(), false);
    let (ty, store) = argument(param);
    quote! {
        #docs
        pub fn #name(mut self, #name: #ty) -> Self {
            self.#name = Some(#store);
            self
        }
    }
}

fn emit_request_fn(op: &Operation) -> TokenStream {
    let template = &op.path;
    let method = match op.http_method {
        HttpMethod::Get => quote!(GET),
        HttpMethod::Put => quote!(PUT),
        HttpMethod::Post => quote!(POST),
        HttpMethod::Delete => quote!(DELETE),
        HttpMethod::Options => quote!(OPTIONS),
        HttpMethod::Head => quote!(HEAD),
        HttpMethod::Patch => quote!(PATCH),
        HttpMethod::Trace => quote!(TRACE),
    };
    let path_args = op.path_params.iter().filter(|param| param.path_style.is_none()).map(|param| {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        match param.ty {
            TypeRef::String => quote!((#wire, &self.#name)),
            _ => quote!((#wire, &self.#name.to_string())),
        }
    });
    // Query parameters are handed to the runtime as data, in order, each one set or absent.
    let query = op.query_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        let value = if param.required { quote!(Some(&self.#name)) } else { quote!(self.#name.as_ref()) };
        let value = super::styles::query_value(param, value);
        quote!((#wire, #value))
    });
    let headers = op.header_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        let value = match (&param.list, &param.ty) {
            _ if param.object.is_some() => {
                let explode = param.object == Some(ObjectStyle::Form);
                quote!(&crate::request::simple(#wire, value, #explode)?)
            }
            (Some(_), _) => quote!(&value.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
            (None, TypeRef::String) => quote!(value),
            (None, _) => quote!(&value.to_string()),
        };
        if param.required {
            quote! { let value = &self.#name; request.header(#wire, #value)?; }
        } else {
            quote! { if let Some(value) = &self.#name { request.header(#wire, #value)?; } }
        }
    });
    let body = op.body.as_ref().and_then(|body| {
        let media_type = &body.media_type;
        let attach = match body.kind {
            // Serialized by `send()` (see `attach_json_body`).
            BodyKind::Json(_) | BodyKind::Form { .. } => return None,
            BodyKind::MultipartForm(_) => quote!(request.multipart_body(&body.to_form()?)),
            BodyKind::Multipart => quote!(request.multipart_body(body)),
            BodyKind::Bytes => quote!(request.bytes_body(#media_type, body.clone())),
        };
        Some(if body.required {
            quote! { let body = &self.body; #attach; }
        } else {
            quote! { if let Some(body) = &self.body { #attach; } }
        })
    });
    let styled: Vec<&Param> = op.path_params.iter().filter(|param| param.path_style.is_some()).collect();
    let build = if styled.is_empty() {
        quote! {
            crate::request::Request::build(
                crate::request::Method::#method,
                #template,
                &[#(#path_args),*],
                &[#(#query),*],
                &self.options,
            )
        }
    } else {
        // Path parameters in a style are written first, each failure reported in order.
        let written = styled.iter().map(|param| {
            let name = ident(&param.rust_name);
            let wire = &param.wire_name;
            let value = super::styles::path_styled(param, quote!(&self.#name));
            quote!((#wire, &#value?))
        });
        quote! {
            crate::request::Request::build_styled(
                crate::request::Method::#method,
                #template,
                &[#(#path_args),*],
                &[#(#written),*],
                &[#(#query),*],
                &self.options,
            )
        }
    };
    // The operation's security requirement, which the runtime meets with the client's credentials.
    let security = super::security::requirement(&op.security);
    let mut headers: Vec<TokenStream> = headers.collect();
    if !op.cookie_params.is_empty() {
        let cookies = op.cookie_params.iter().map(|param| {
            let name = ident(&param.rust_name);
            let wire = &param.wire_name;
            let value = if param.required { quote!(Some(&self.#name)) } else { quote!(self.#name.as_ref()) };
            let value = super::styles::query_value(param, value);
            quote!((#wire, #value))
        });
        headers.push(quote! { request.cookies(&[#(#cookies),*])?; });
    }
    let build = quote! {
        let mut request = #build?;
        request.set_security(#security);
        #(#headers)*
        #body
        Ok(request)
    };
    // `#[inline]` here and on the paging glue: like the body of `send()`, an operation's request
    // building is compiled in the crate that calls the operation, and only for the operations it
    // calls, instead of for all of them when the generated crate is built.
    quote! {
        #[inline]
        fn request(&self) -> Result<crate::request::Request, crate::Error> {
            #build
        }
    }
}

/// A borrowing walk along `steps` from `body` to `value`, in a function returning `Option`.
pub(super) fn walk_ref(steps: &[Step]) -> TokenStream {
    walk(steps, |from, step| {
        let field = ident(&step.field);
        if step.optional { quote!(let value = #from.#field.as_ref()?;) } else { quote!(let value = &#from.#field;) }
    })
}

/// A walk along `steps` from `body` to `value` that moves the fields out.
fn walk_owned(steps: &[Step]) -> TokenStream {
    walk(steps, |from, step| {
        let field = ident(&step.field);
        if step.optional { quote!(let value = #from.#field?;) } else { quote!(let value = #from.#field;) }
    })
}

/// `let value = ...;` for each step, the first from `body`, the others from the `value` before.
fn walk(steps: &[Step], hop: impl Fn(&TokenStream, &Step) -> TokenStream) -> TokenStream {
    if steps.is_empty() {
        return quote!(let value = body;);
    }
    let hops = steps.iter().enumerate().map(|(index, step)| {
        let from = if index == 0 { quote!(body) } else { quote!(value) };
        hop(&from, step)
    });
    quote!(#(#hops)*)
}

/// `stream()` and its paging glue, for an operation whose JSON response of type `response` pages.
fn emit_stream(op: &Operation, response: &TypeRef, paging: &Paging) -> TokenStream {
    let response = type_tokens(response, &models());
    let item = type_tokens(&paging.item, &models());
    let page = ident(&paging.page_param);
    let per_page = match &paging.per_page_param {
        Some(name) => {
            let name = ident(name);
            quote!(crate::paging::count(self.#name))
        }
        None => quote!(None),
    };
    let count = |step: &Option<Step>| match step {
        Some(step) => {
            let field = ident(&step.field);
            quote!(crate::paging::count(value.#field))
        }
        None => quote!(None),
    };
    let total_count = count(&paging.total_count);
    let end_offset = count(&paging.end_offset);
    let to_paging = walk_ref(&paging.paging);
    let error = errors::error_type(op);
    let pages = errors::typed_stream(
        op,
        quote!(crate::paging::paginate(client, self, first_page, per_page, Self::page_request, Self::page_parts)),
    );
    let to_items = walk_owned(&paging.items);
    let page_request = match attach_json_body(op, &quote!(builder)) {
        Some(json_body) => quote! {
            let mut request = builder.request()?;
            #json_body
            Ok(request)
        },
        None => quote!(builder.request()),
    };
    quote! {
        /// Every item of every page, fetched one page at a time as the stream is polled.
        ///
        /// Starts at the page set with the page number setter (or the first page) and keeps the
        /// other parameters. Stops after the last page, on an empty or short page, or on a page
        /// that brings nothing new; a server that never stops is cut off by the client's page limit.
        /// An error is yielded once and ends the stream. The stream is `Unpin`; box it
        /// ([`crate::ItemStream`]) to store it under a name.
        #[inline]
        pub fn stream(self) -> impl futures_core::Stream<Item = Result<#item, #error>> + Send + Unpin + 'static {
            let first_page = crate::paging::count(self.#page).unwrap_or(1);
            let per_page = #per_page;
            let client = (*self.client).clone();
            #pages
        }

        #[inline]
        fn page_request(&self, page: u64) -> Result<crate::request::Request, crate::Error> {
            let mut builder = self.clone();
            builder.#page = Some(crate::paging::FromPage::from_page(page));
            #page_request
        }

        #[inline]
        fn page_parts(body: #response) -> crate::paging::PageParts<#item> {
            fn counts(body: &#response) -> Option<(Option<u64>, Option<u64>)> {
                #to_paging
                Some((#total_count, #end_offset))
            }
            fn items(body: #response) -> Option<Vec<#item>> {
                #to_items
                Some(value)
            }
            let (total_count, end_offset) = counts(&body).unwrap_or_default();
            crate::paging::PageParts { items: items(body).unwrap_or_default(), total_count, end_offset }
        }
    }
}
