//! Emits what request bodies other than JSON need: the struct of a typed multipart body (with the
//! function that turns it into the runtime's form, part by part) and the property encodings of a
//! form-urlencoded body; and the call that writes a path parameter in a style, shared by the
//! client and the mock server.

use super::{doc_attrs, ident, type_ident, type_tokens};
use crate::model::{BodyKind, FieldEncoding, ObjectStyle, Operation, Param, PartKind, PathStyle, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// `(property, encoding)` pairs as the runtime's `form_body` takes them.
pub(super) fn field_encodings(encodings: &[(String, FieldEncoding)]) -> Vec<TokenStream> {
    encodings
        .iter()
        .map(|(property, encoding)| {
            let encoding = match encoding {
                FieldEncoding::Json => quote!(crate::request::FieldEncoding::Json),
                FieldEncoding::Style(style) => {
                    let style = match style {
                        ObjectStyle::Form => quote!(Form),
                        ObjectStyle::CommaSeparated => quote!(CommaSeparated),
                        ObjectStyle::SpaceDelimited => quote!(SpaceDelimited),
                        ObjectStyle::PipeDelimited => quote!(PipeDelimited),
                        ObjectStyle::Deep => quote!(Deep),
                    };
                    quote!(crate::request::FieldEncoding::Style(crate::request::ObjectStyle::#style))
                }
            };
            quote!((#property, #encoding))
        })
        .collect()
}

/// The struct of an operation's typed multipart body, if it has one.
pub(super) fn emit_multipart_struct(op: &Operation) -> Option<TokenStream> {
    let Some(BodyKind::MultipartForm(def)) = op.body.as_ref().map(|body| &body.kind) else { return None };
    let name = type_ident(&def.name);
    let docs = doc_attrs(Some(&def.docs), false);
    let models = quote!(models::);
    let default = def.all_optional.then(|| quote!(Default,));
    let fields = def.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let docs = doc_attrs(field.docs.as_deref(), false);
        let ty = match &field.kind {
            PartKind::File => quote!(crate::multipart::FilePart),
            PartKind::Text(ty) | PartKind::Json(ty) => type_tokens(ty, &models),
        };
        let ty = if field.list { quote!(Vec<#ty>) } else { ty };
        let ty = if field.optional { quote!(Option<#ty>) } else { ty };
        quote! { #docs pub #name: #ty }
    });
    let parts = def.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let wire = &field.wire_name;
        let add = match (&field.kind, field.content_type.as_deref()) {
            (PartKind::File, content_type) => {
                let content_type = content_type.unwrap_or("application/octet-stream");
                quote!(form = form.file_part(#wire, value, #content_type);)
            }
            (PartKind::Json(_), content_type) => {
                let content_type = content_type.unwrap_or("application/json");
                quote!(form = form.json(#wire, value, #content_type)?;)
            }
            (PartKind::Text(TypeRef::String), _) => quote!(form = form.text(#wire, value.clone());),
            (PartKind::Text(_), _) => quote!(form = form.text(#wire, value.to_string());),
        };
        match (field.list, field.optional) {
            (false, false) => quote! { let value = &self.#name; #add },
            (false, true) => quote! { if let Some(value) = &self.#name { #add } },
            (true, false) => quote! { for value in &self.#name { #add } },
            (true, true) => quote! { for value in self.#name.iter().flatten() { #add } },
        }
    });
    Some(quote! {
        #docs
        #[derive(Debug, Clone, #default)]
        pub struct #name {
            #(#fields,)*
        }

        impl #name {
            /// The form sent: a part per field that is set (one per item of a list), in order.
            fn to_form(&self) -> Result<crate::multipart::Form, crate::Error> {
                let mut form = crate::multipart::Form::new();
                #(#parts)*
                Ok(form)
            }
        }
    })
}

/// `&crate::request::path_styled(...)?` for a path parameter in a style, from `value` (a
/// reference to the stored value).
pub(super) fn path_styled(param: &Param, value: TokenStream) -> TokenStream {
    let wire = &param.wire_name;
    let Some(styled) = param.path_style else { return quote!(#value) };
    let style = match styled.style {
        PathStyle::Simple => quote!(Simple),
        PathStyle::Label => quote!(Label),
        PathStyle::Matrix => quote!(Matrix),
    };
    let explode = styled.explode;
    quote!(crate::request::path_styled(#wire, #value, crate::request::PathStyle::#style, #explode))
}
