//! Emits `src/mock.rs`, the mock server of the cargo feature `mock`: a `MockServer` whose group
//! handles mirror the client's, and per operation a typed expectation (its parameters as
//! matchers, a typed answer) over the runtime's `mock::Expectation`.

use super::{doc_attrs, ident, type_ident, type_tokens};
use crate::model::{Api, ErrorBody, Group, Operation, Param, Response, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

fn models() -> TokenStream {
    quote!(crate::models::)
}

pub(super) fn emit_mock(api: &Api) -> TokenStream {
    let header = doc_attrs(
        Some(&format!(
            "A mock server of the {} {} for tests (cargo feature `mock`): a real HTTP server on\n\
             127.0.0.1, with a typed expectation per operation.\n\n\
             `MockServer::start()` starts it and `client()` gives a client pointed at it.\n\
             `mock.<group>().<operation>()` is an expectation of that operation: its setters match path\n\
             and query parameters (written exactly as the client writes them; a parameter not set\n\
             matches any value), `respond_with` answers with a value of the models (else the spec's\n\
             example of the operation's response, or an empty body when it has none), and\n\
             `respond_status`, `respond_header`, `respond_error` and `respond_delay` shape the answer;\n\
             `expect(n)` is checked by `verify()` and when the server is dropped. `mount().await`\n\
             installs it. A request that no expectation matches is answered 404 and recorded with its\n\
             operation and parameters: `verify()`, or dropping the server, fails the test with the list.",
            api.title, api.version
        )),
        true,
    );
    let mut index = 0usize;
    let mut operations = Vec::new();
    let mut groups = Vec::new();
    let mut accessors = Vec::new();
    for group in &api.groups {
        let first = index;
        for op in &group.operations {
            let name = format!("{}.{}", group.module.name(), op.method_name.name());
            let method = op.http_method.as_str();
            let path = &op.path;
            let example = match &op.response_example {
                Some(text) => quote!(Some(#text)),
                None => quote!(None),
            };
            operations.push(quote! {
                crate::mock_support::Operation { name: #name, method: #method, path: #path, example: #example }
            });
            index += 1;
        }
        let (group_tokens, accessor) = emit_group(group, first);
        groups.push(group_tokens);
        accessors.push(accessor);
    }
    quote! {
        #header

        /// A mock server of the API on 127.0.0.1 (see the module documentation).
        #[derive(Debug)]
        pub struct MockServer {
            server: crate::mock_support::MockServer,
        }

        impl MockServer {
            /// Starts a server on 127.0.0.1, on a port of its own, with no expectations.
            pub async fn start() -> Self {
                MockServer { server: crate::mock_support::MockServer::start(OPERATIONS).await }
            }

            /// The server's base URL, `http://127.0.0.1:PORT`, for `Client::builder().base_url(...)`.
            pub fn uri(&self) -> String {
                self.server.uri()
            }

            /// A client with default settings pointed at the server, with placeholder credentials for every security scheme.
            ///
            /// # Panics
            ///
            /// Never in practice: the server's URL and the token are valid.
            pub fn client(&self) -> crate::Client {
                crate::Client::builder()
                    .placeholder_credentials("mock-token")
                    .base_url(self.uri())
                    .build()
                    .unwrap_or_else(|error| panic!("a client of the mock server: {error}"))
            }

            /// The requests that matched no expectation so far, one line each: the operation
            /// (method and path template) and the parameters it got.
            pub fn unmatched(&self) -> Vec<String> {
                self.server.unmatched()
            }

            /// Like `unmatched`, and the server then no longer reports them: for a test that
            /// expects requests to match nothing.
            pub fn take_unmatched(&self) -> Vec<String> {
                self.server.take_unmatched()
            }

            /// Panics if a request matched no expectation, listing them, or an expectation was
            /// not met as many times as it expects (dropping the server checks the same).
            pub async fn verify(&self) {
                self.server.verify().await;
            }

            /// wiremock's server, for mocks beyond the typed expectations.
            pub fn wiremock(&self) -> &crate::mock_support::wiremock::MockServer {
                self.server.wiremock()
            }

            #(#accessors)*
        }

        /// Every operation of the spec, by method and path template.
        const OPERATIONS: &[crate::mock_support::Operation] = &[#(#operations),*];

        #(#groups)*
    }
}

fn emit_group(group: &Group, first: usize) -> (TokenStream, TokenStream) {
    let module = ident(&group.module);
    let handle = type_ident(&group.type_name);
    let cfg = group.feature.as_ref().map(|feature| quote!(#[cfg(feature = #feature)]));
    let docs = format!(" Expectations of the `{}` operations.", group.type_name);
    let module_docs = format!(" The expectations of the `{}` operations.", group.type_name);
    let methods = group.operations.iter().enumerate().map(|(offset, op)| {
        let method = ident(&op.method_name);
        let builder = type_ident(&op.builder_name);
        let index = proc_macro2::Literal::usize_unsuffixed(first + offset);
        let docs = format!(
            " An expectation of [`{handle}::{name}`](crate::operations::{handle}::{name}) (`{} {}`).",
            op.http_method.as_str(),
            op.path,
            handle = group.type_name,
            name = op.method_name.name(),
        );
        quote! {
            #[doc = #docs]
            pub fn #method(&self) -> #builder<'a> {
                #builder {
                    expectation: crate::mock_support::Expectation::new(&self.server.server, &super::OPERATIONS[#index]),
                }
            }
        }
    });
    let builders = group.operations.iter().map(|op| emit_expectation(group, op));
    let tokens = quote! {
        #[doc = #module_docs]
        #cfg
        pub mod #module {
            #[doc = #docs]
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'a> {
                pub(super) server: &'a super::MockServer,
            }

            impl<'a> #handle<'a> {
                #(#methods)*
            }

            #(#builders)*
        }
    };
    let accessor = quote! {
        #[doc = #docs]
        #cfg
        pub fn #module(&self) -> #module::#handle<'_> {
            #module::#handle { server: self }
        }
    };
    (tokens, accessor)
}

fn emit_expectation(group: &Group, op: &Operation) -> TokenStream {
    let builder = type_ident(&op.builder_name);
    let docs = format!(
        " An expectation of [`{}::{}`](crate::operations::{}::{}): set what it matches and answers, then `mount().await`.",
        group.type_name,
        op.method_name.name(),
        group.type_name,
        op.method_name.name(),
    );
    let path_setters = op.path_params.iter().map(path_setter);
    let query_setters = op.query_params.iter().map(query_setter);
    let respond_with = match &op.response {
        Response::Json { ty, .. } => {
            let ty = type_tokens(ty, &models());
            Some(quote! {
                /// Answers with `body`, serialized as JSON (with status 200 unless set).
                pub fn respond_with(mut self, body: #ty) -> Self {
                    self.expectation.json_body(&body);
                    self
                }
            })
        }
        Response::Bytes => Some(quote! {
            /// Answers with `body` as `application/octet-stream` (with status 200 unless set).
            pub fn respond_with(mut self, body: impl Into<Vec<u8>>) -> Self {
                self.expectation.raw_body(body, "application/octet-stream");
                self
            }
        }),
        Response::Empty => None,
    };
    let respond_error_with = respond_error_with(group, op);
    quote! {
        #[doc = #docs]
        #[derive(Debug)]
        #[must_use = "an expectation does nothing until it is mounted"]
        pub struct #builder<'a> {
            expectation: crate::mock_support::Expectation<'a>,
        }

        impl #builder<'_> {
            #(#path_setters)*
            #(#query_setters)*
            #respond_with

            /// Answers with `status` and `body` as JSON, the shape of the API's errors.
            pub fn respond_error(mut self, status: u16, body: serde_json::Value) -> Self {
                self.expectation.status(status);
                self.expectation.json_body(&body);
                self
            }

            #respond_error_with

            /// Answers with `status` (200 unless set; the spec's example is served only with a 2xx).
            pub fn respond_status(mut self, status: u16) -> Self {
                self.expectation.status(status);
                self
            }

            /// Adds a header to the answer.
            pub fn respond_header(mut self, name: &str, value: &str) -> Self {
                self.expectation.header(name, value);
                self
            }

            /// Answers after `delay`.
            pub fn respond_delay(mut self, delay: std::time::Duration) -> Self {
                self.expectation.delay(delay);
                self
            }

            /// Expects this many matching requests (a number or a range), checked by
            /// `MockServer::verify` and when the server is dropped.
            pub fn expect(mut self, times: impl Into<crate::mock_support::wiremock::Times>) -> Self {
                self.expectation.expect(times);
                self
            }

            /// Installs the expectation on its server.
            ///
            /// # Panics
            ///
            /// When a value given to it could not be sent by the client either (an empty path
            /// value, say): the message names the operation and the parameter.
            pub async fn mount(self) {
                self.expectation.mount().await;
            }
        }
    }
}

/// A setter matching a path parameter, taking what the client's method takes.
/// `respond_error_with(status, body)`, for an operation that documents its error bodies: the
/// answer's body is a value of the type `OperationError::body()` has (for an enum of several
/// types, the variant's value), so that the client decodes it back when the status is one the
/// spec documents that type for.
fn respond_error_with(group: &Group, op: &Operation) -> Option<TokenStream> {
    let errors = op.errors.as_ref()?;
    let docs = "Answers with `status` and `body` as JSON: a documented error body, which the \
                client's `OperationError::body()` gives back for a status the spec documents it for.";
    let (ty, write) = match &errors.body {
        ErrorBody::Model(ty) => (type_tokens(ty, &models()), quote!(self.expectation.json_body(&body);)),
        ErrorBody::Enum { name, variants, .. } => {
            let module = ident(&group.module);
            let name = type_ident(name);
            let arms = variants.iter().map(|variant| {
                let variant = type_ident(&variant.rust_name);
                quote!(crate::operations::#module::#name::#variant(value) => self.expectation.json_body(&value),)
            });
            (quote!(crate::operations::#module::#name), quote!(match body { #(#arms)* }))
        }
    };
    let docs = doc_attrs(Some(docs), false);
    Some(quote! {
        #docs
        pub fn respond_error_with(mut self, status: u16, body: #ty) -> Self {
            self.expectation.status(status);
            #write
            self
        }
    })
}

fn path_setter(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    let wire = &param.wire_name;
    let docs = doc_attrs(Some(&format!("Matches only requests whose path parameter `{wire}` is this value.")), false);
    if param.path_style.is_some() {
        // Written by the same runtime call as the client's (see `bodies::path_styled`).
        let models = models();
        let (ty, stored) = match (&param.list, &param.ty) {
            (Some(_), item) => {
                let item = type_tokens(item, &models);
                (quote!(impl IntoIterator<Item = #item>), quote!(let #name: Vec<#item> = #name.into_iter().collect();))
            }
            (None, ty) => (type_tokens(ty, &models), TokenStream::new()),
        };
        let value = super::styles::path_styled(param, quote!(&#name));
        return quote! {
            #docs
            pub fn #name(mut self, #name: #ty) -> Self {
                #stored
                self.expectation.path_param_styled(#wire, #value);
                self
            }
        };
    }
    let (ty, value) = match &param.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(&#name.into())),
        ty => (type_tokens(ty, &models()), quote!(&#name.to_string())),
    };
    quote! {
        #docs
        pub fn #name(mut self, #name: #ty) -> Self {
            self.expectation.path_param(#wire, #value);
            self
        }
    }
}

/// A setter matching a query parameter, taking what the client's setter takes and writing it
/// with the same runtime function as the client.
fn query_setter(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    let wire = &param.wire_name;
    let docs = doc_attrs(
        Some(&format!(
            "Matches only requests whose query parameter `{wire}` is written as the client writes this value."
        )),
        false,
    );
    let models = models();
    let (ty, stored) = match (&param.list, &param.ty) {
        (Some(_), TypeRef::String) => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(let #name: Vec<String> = #name.into_iter().map(Into::into).collect();),
        ),
        (Some(_), item) => {
            let item = type_tokens(item, &models);
            (quote!(impl IntoIterator<Item = #item>), quote!(let #name: Vec<#item> = #name.into_iter().collect();))
        }
        (None, TypeRef::String) => (quote!(impl Into<String>), quote!(let #name: String = #name.into();)),
        (None, ty) => (type_tokens(ty, &models), TokenStream::new()),
    };
    let value = super::styles::query_value(param, quote!(Some(&#name)));
    quote! {
        #docs
        pub fn #name(mut self, #name: #ty) -> Self {
            #stored
            self.expectation.query_param(#wire, #value);
            self
        }
    }
}
