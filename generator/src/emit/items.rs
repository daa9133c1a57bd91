//! Emits the method of a list response type that borrows a page's items (`page.items()`).

use super::operations::walk_ref;
use super::{ident, type_tokens};
use crate::model::{Paging, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// `impl Response { pub fn items(&self) -> &[Item] }`, when lowering gave this operation the
/// method of its response type.
pub(super) fn emit_items(response: &TypeRef, paging: &Paging) -> Option<TokenStream> {
    let method = ident(paging.items_accessor.as_ref()?);
    let models = quote!(models::);
    let response = type_tokens(response, &models);
    let item = type_tokens(&paging.item, &models);
    let walk = walk_ref(&paging.items);
    Some(quote! {
        impl #response {
            /// The items of this page (those `stream()` yields), empty when the page has none.
            pub fn #method(&self) -> &[#item] {
                fn items(body: &#response) -> Option<&[#item]> {
                    #walk
                    Some(value.as_slice())
                }
                items(self).unwrap_or_default()
            }
        }
    })
}
