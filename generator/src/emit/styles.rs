//! The runtime calls that write a value in its wire style: a query or cookie parameter's
//! `QueryValue`, a path parameter in a style, a form body's property encodings. The client and
//! the mock server both use these, so that the mock matches exactly what the client sends.

use crate::model::{FieldEncoding, ListStyle, ObjectStyle, Param, PathStyle};
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
                    let style = object_style(*style);
                    quote!(crate::request::FieldEncoding::Style(#style))
                }
            };
            quote!((#property, #encoding))
        })
        .collect()
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

/// The runtime's query value of `param` from `value` (an `Option<&T>` expression), in the
/// parameter's style: what the client sends, and what the mock server expects.
pub(super) fn query_value(param: &Param, value: TokenStream) -> TokenStream {
    let written = match (param.list, param.object) {
        (_, Some(style)) => {
            let style = object_style(style);
            quote!(crate::request::object(#value, #style))
        }
        (None, None) => quote!(crate::request::one(#value)),
        (Some(style), None) => {
            let style = match style {
                ListStyle::Repeated => quote!(Repeated),
                ListStyle::CommaSeparated => quote!(CommaSeparated),
                ListStyle::SpaceDelimited => quote!(SpaceDelimited),
                ListStyle::PipeDelimited => quote!(PipeDelimited),
            };
            quote!(crate::request::list(#value, crate::request::ListStyle::#style))
        }
    };
    if param.allow_reserved { quote!(crate::request::reserved(#written)) } else { written }
}

/// The runtime's `ObjectStyle` value of `style`.
fn object_style(style: ObjectStyle) -> TokenStream {
    let variant = match style {
        ObjectStyle::Form => quote!(Form),
        ObjectStyle::CommaSeparated => quote!(CommaSeparated),
        ObjectStyle::SpaceDelimited => quote!(SpaceDelimited),
        ObjectStyle::PipeDelimited => quote!(PipeDelimited),
        ObjectStyle::Deep => quote!(Deep),
    };
    quote!(crate::request::ObjectStyle::#variant)
}
