//! Emits `src/models.rs`: a struct, open enum, union or alias per model type.

use super::{doc_attrs, ident, type_ident, type_tokens};
use crate::model::{AliasDef, Api, EnumDef, StructDef, TypeDef, TypeKind, UnionDef};
use proc_macro2::TokenStream;
use quote::quote;

/// The items of `types`, preceded by the module's docs when `with_header`.
pub(super) fn emit_models(api: &Api, types: &[TypeDef], with_header: bool) -> TokenStream {
    let items = types.iter().map(|def| {
        let common = Common {
            name: type_ident(&def.name),
            docs: doc_attrs(def.docs.as_deref(), false),
            cfg: cfg(&def.features),
        };
        match &def.kind {
            TypeKind::Struct(kind) => emit_struct(&common, kind),
            TypeKind::Enum(kind) => emit_enum(&common, kind),
            TypeKind::Union(kind) => emit_union(&common, kind),
            TypeKind::Alias(kind) => emit_alias(&common, kind),
        }
    });
    let header = with_header.then(|| {
        let docs = doc_attrs(Some(&api.models_docs), true);
        quote! {
            #docs
            // The docs are the spec's prose, whose Markdown is not always what rustdoc expects.
            #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
        }
    });
    quote! {
        #header
        #(#items)*
    }
}

/// The tokens of what every type has: its name, its docs and its `#[cfg]`.
struct Common {
    name: proc_macro2::Ident,
    docs: TokenStream,
    cfg: TokenStream,
}

/// The `#[cfg]` attribute that every item of a type carries: the features of the groups that use
/// it (none for a type that is always compiled).
fn cfg(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [only] => quote!(#[cfg(feature = #only)]),
        features => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

fn emit_struct(common: &Common, def: &StructDef) -> TokenStream {
    let Common { name, docs, cfg } = common;
    let default = def.all_optional.then(|| quote!(Default,));
    let none = TokenStream::new();
    let fields = def.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let docs = doc_attrs(field.docs.as_deref(), false);
        let ty = type_tokens(&field.ty, &none);
        let rename = (field.rust_name.name() != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote!(#[serde(rename = #wire)])
        });
        if field.optional {
            quote! {
                #docs
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #rust: Option<#ty>,
            }
        } else {
            quote! { #docs #rename pub #rust: #ty, }
        }
    });
    let additional = def.additional.as_ref().map(|extra| {
        let rust = ident(&extra.rust_name);
        let value = type_tokens(&extra.value, &none);
        quote! {
            /// Properties besides the ones above.
            #[serde(flatten)]
            pub #rust: std::collections::BTreeMap<String, #value>,
        }
    });
    quote! {
        #cfg #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn emit_enum(common: &Common, def: &EnumDef) -> TokenStream {
    let Common { name, docs, cfg } = common;
    let unknown = type_ident(&def.unknown_variant);
    let variants: Vec<_> = def.variants.iter().map(|variant| type_ident(&variant.rust_name)).collect();
    let wires: Vec<&str> = def.variants.iter().map(|variant| variant.wire_value.as_str()).collect();
    let variant_docs = def.variants.iter().map(|variant| doc_attrs(Some(&variant.docs), false));
    quote! {
        #cfg #docs
        ///
        /// Values the server adds later decode into the catch-all variant instead of failing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this version of the crate does not know, kept as it was sent.
            #unknown(crate::UnknownValue),
        }

        #cfg impl #name {
            /// Every documented value, in the spec's order.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }

        #cfg impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::#unknown(other.into()),
                }
            }
        }

        #cfg impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        #cfg impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #cfg impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #cfg impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::enums::deserialize_open_enum(deserializer)
            }
        }
    }
}

fn emit_union(common: &Common, def: &UnionDef) -> TokenStream {
    let Common { name, docs, cfg } = common;
    let none = TokenStream::new();
    let variants: Vec<_> = def.variants.iter().map(|variant| type_ident(&variant.rust_name)).collect();
    let types: Vec<_> = def.variants.iter().map(|variant| type_tokens(&variant.ty, &none)).collect();
    let variant_docs = def.variants.iter().map(|variant| doc_attrs(Some(&variant.docs), false));
    let Some(tag) = &def.tag else {
        let display = def.scalar.then(|| {
            quote! {
                #cfg impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        match self {
                            #(Self::#variants(value) => std::fmt::Display::fmt(value, f),)*
                        }
                    }
                }
            }
        });
        return quote! {
            #cfg #docs
            ///
            /// Decoding tries each variant in order and keeps the first that fits.
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#variant_docs #variants(#types),)*
            }

            #display
        };
    };
    let property = &tag.property;
    let unknown = type_ident(&tag.unknown_variant);
    let note = doc_attrs(Some(&tag.docs), false);
    let arms = def.variants.iter().zip(&variants).map(|(variant, rust)| {
        let values = &variant.tag_values;
        quote! {
            Some(#(#values)|*) => serde_json::from_value(value).map(Self::#rust).map_err(serde::de::Error::custom),
        }
    });
    quote! {
        #cfg #docs
        ///
        #note
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variant_docs #variants(#types),)*
            /// A value whose tag this version of the crate does not know, kept as it was sent.
            #unknown(serde_json::Value),
        }

        #cfg impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => serde::Serialize::serialize(value, serializer),)*
                    Self::#unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #cfg impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #(#arms)*
                    _ => Ok(Self::#unknown(value)),
                }
            }
        }
    }
}

fn emit_alias(common: &Common, def: &AliasDef) -> TokenStream {
    let Common { name, docs, cfg } = common;
    let target = type_tokens(&def.target, &TokenStream::new());
    if def.newtype {
        return quote! {
            #cfg #docs
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub #target);
        };
    }
    quote! {
        #cfg #docs
        pub type #name = #target;
    }
}
