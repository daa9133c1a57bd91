//! Emits the struct of a typed multipart body, with the function that turns it into the runtime's
//! form, part by part.

use super::{doc_attrs, ident, type_ident, type_tokens};
use crate::model::{BodyKind, Operation, PartKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

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
