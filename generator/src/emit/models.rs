//! Emits `src/models.rs`: a struct, open enum, union or alias per model type.

use super::{doc_attrs, ident, type_ident, type_tokens};
use crate::model::{AliasDef, Api, EnumDef, StructDef, TypeDef, TypeKind, UnionDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

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
                #[serde(skip_serializing_if = "Option::is_none")]
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
    let unknown = def.unknown.as_ref().map(|unknown| {
        let rust = ident(unknown);
        quote! {
            /// Properties the spec does not list, kept as they were sent (and sent back when the
            /// value is serialized).
            #[serde(flatten)]
            pub #rust: crate::UnknownFields,
        }
    });
    let deserialize = emit_deserialize(common, def);
    quote! {
        #cfg #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize)]
        pub struct #name {
            #(#fields)*
            #additional
            #unknown
        }

        #deserialize
    }
}

/// The `Deserialize` of a struct: the runtime's object decoder (`crate::object`) with a visit
/// that matches the known keys as serde's derive does and keeps every other property, in the
/// typed map of additional properties or as JSON, instead of buffering the whole object as
/// `#[serde(flatten)]` would.
fn emit_deserialize(common: &Common, def: &StructDef) -> TokenStream {
    let Common { name, cfg, .. } = common;
    let none = TokenStream::new();
    let expecting = format!("an object ({name})");
    let locals: Vec<_> = (0..def.fields.len()).map(|index| format_ident!("f{}", index)).collect();
    let indices: Vec<_> = (0..def.fields.len()).map(proc_macro2::Literal::usize_unsuffixed).collect();
    let wires: Vec<&str> = def.fields.iter().map(|field| field.wire_name.as_str()).collect();
    let declarations = def.fields.iter().zip(&locals).map(|(field, local)| {
        let ty = type_tokens(&field.ty, &none);
        let ty = if field.optional { quote!(Option<#ty>) } else { ty };
        quote!(let mut #local: Option<#ty> = None;)
    });
    let arms = def.fields.iter().zip(&locals).zip(&indices).map(|((field, local), index)| {
        let wire = &field.wire_name;
        let ty = type_tokens(&field.ty, &none);
        let ty = if field.optional { quote!(Option<#ty>) } else { ty };
        let value = if field.lenient {
            quote!(map.next_value::<crate::numbers::Lenient<#ty>>()?.0)
        } else {
            quote!(map.next_value::<#ty>()?)
        };
        quote! {
            #index => crate::object::put(&mut #local, #value, #wire)?,
        }
    });
    let values = def.fields.iter().zip(&locals).map(|(field, local)| {
        let rust = ident(&field.rust_name);
        let wire = &field.wire_name;
        if field.optional {
            quote!(#rust: #local.flatten(),)
        } else {
            quote!(#rust: #local.ok_or_else(|| crate::object::missing(#wire))?,)
        }
    });
    let matcher = if def.fields.is_empty() {
        quote!(|_: &str| None)
    } else {
        quote!(|key: &str| match key { #(#wires => Some(#indices),)* _ => None })
    };
    // Other properties go to the typed map of additional properties, or are kept as JSON.
    let (rest, keep, rest_field) = match (&def.additional, &def.unknown) {
        (Some(extra), _) => {
            let value = type_tokens(&extra.value, &none);
            let rust = ident(&extra.rust_name);
            let decode = if extra.lenient {
                quote!(map.next_value::<crate::numbers::Lenient<#value>>()?.0)
            } else {
                quote!(map.next_value::<#value>()?)
            };
            let keep = quote!(rest.insert(std::mem::take(&mut name), #decode););
            (quote!(let mut rest = std::collections::BTreeMap::new();), keep, quote!(#rust: rest,))
        }
        (None, Some(unknown)) => {
            let rust = ident(unknown);
            let keep = quote!(rest.insert(std::mem::take(&mut name), map.next_value()?););
            (quote!(let mut rest = crate::UnknownFields::default();), keep, quote!(#rust: rest,))
        }
        (None, None) => (TokenStream::new(), quote!(map.next_value::<serde::de::IgnoredAny>()?;), TokenStream::new()),
    };
    // Without known properties every key is another one (a `match` would have one arm).
    let entries = if def.fields.is_empty() {
        quote! {
            while map.next_key_seed(crate::object::Keys(#matcher, &mut name))?.is_some() {
                #keep
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key_seed(crate::object::Keys(#matcher, &mut name))? {
                match key {
                    #(#arms)*
                    _ => {
                        #keep
                    }
                }
            }
        }
    };
    quote! {
        #cfg impl crate::object::Object for #name {
            const EXPECTING: &'static str = #expecting;

            fn visit<'de, __A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                #(#declarations)*
                #rest
                // The text of the last unknown key (allocated only when there is one).
                let mut name = String::new();
                #entries
                Ok(Self { #(#values)* #rest_field })
            }
        }

        #cfg impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                crate::object::deserialize(deserializer)
            }
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
        let lenient = def
            .variants
            .iter()
            .map(|variant| variant.lenient.then(|| quote!(#[serde(deserialize_with = "crate::numbers::deserialize")])));
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
                #(#variant_docs #lenient #variants(#types),)*
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
