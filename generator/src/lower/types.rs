//! Lowering of schemas: component schemas and the inline schemas of properties, items,
//! parameters and bodies become model types.

use super::{Lowerer, components, docs};
use crate::model::{AliasDef, EnumDef, Extra, Field, StructDef, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming::Scope;
use crate::pointer::{Pointer, unescape};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::BTreeSet;

/// A schema, or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
pub(super) enum Node<'s> {
    Ref(&'s str),
    Schema(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for Node<'s> {
    fn from(item: &'s ReferenceOr<Schema>) -> Self {
        match item {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Schema(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for Node<'s> {
    fn from(item: &'s ReferenceOr<Box<Schema>>) -> Self {
        match item {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Schema(schema),
        }
    }
}

/// The name a schema's type gets if it defines one.
#[derive(Clone, Copy)]
pub(super) enum Naming<'n> {
    /// A component schema: its name was decided up front.
    Exact(&'n str),
    /// An inline schema: named after where it is used, made unique.
    Hint(&'n str),
}

/// A lowered use of a schema.
pub(super) struct Lowered {
    pub(super) ty: TypeRef,
    /// Whether `null` is a valid value (`nullable: true`, or `null` among the enum values).
    pub(super) nullable: bool,
    /// The schema's description, for the field or parameter that uses it.
    pub(super) docs: Option<String>,
    /// The schema's default value, as a sentence for docs.
    pub(super) default: Option<String>,
}

const SCHEMAS: &str = "#/components/schemas/";

impl Lowerer<'_> {
    /// Lowers every component schema, in spec order.
    pub(super) fn lower_components(&mut self) {
        let Some(schemas) = components(self.spec).map(|c| &c.schemas) else { return };
        for (key, schema) in schemas {
            let Some(name) = self.component_names.get(key).cloned() else { continue };
            let pointer = Pointer::root().push("components").push("schemas").push(key);
            let lowered = self.lower_node(schema.into(), Naming::Exact(&name), &pointer);
            // A schema that is only a `$ref` to itself still becomes an alias, which the cycle
            // check then reports.
            if lowered.ty != TypeRef::Named(name.clone()) || matches!(schema, ReferenceOr::Reference { .. }) {
                let docs = lowered.docs.or_else(|| Some(format!("The `{key}` schema.")));
                let kind = TypeKind::Alias(AliasDef { target: lowered.ty, newtype: false });
                self.types.push(TypeDef::new(name, docs, kind));
            }
        }
        self.resolve_alias_cycles();
    }

    /// Lowers a schema or a reference at `pointer`.
    pub(super) fn lower_node(&mut self, node: Node<'_>, naming: Naming<'_>, pointer: &Pointer) -> Lowered {
        match node {
            Node::Ref(reference) => self.lower_ref(reference, pointer),
            Node::Schema(schema) => self.lower_schema(schema, naming, pointer),
        }
    }

    /// The schema a `#/components/schemas/...` reference names, if it exists.
    pub(super) fn component_schema(&self, reference: &str) -> Option<(String, &ReferenceOr<Schema>)> {
        component_schema(self.spec, reference)
    }

    pub(super) fn lower_ref(&mut self, reference: &str, pointer: &Pointer) -> Lowered {
        let Some((key, target)) = self.component_schema(reference) else {
            // The same messages as the document-wide check of references, which reports dangling
            // and external ones everywhere (reported once: diagnostics are deduplicated).
            let message = if reference.starts_with(SCHEMAS) {
                crate::error::unresolved_ref(reference)
            } else if !reference.starts_with('#') {
                crate::error::external_ref(reference)
            } else {
                format!("unsupported $ref `{reference}`: schemas must be referenced as `{SCHEMAS}<name>`")
            };
            self.diagnostics.error(&pointer.push("$ref"), message);
            return Lowered { ty: TypeRef::Json, nullable: false, docs: None, default: None };
        };
        let (nullable, docs, default) = match target {
            ReferenceOr::Item(schema) => {
                (schema.schema_data.nullable, describe(&schema.schema_data), default_note(&schema.schema_data))
            }
            ReferenceOr::Reference { .. } => (false, None, None),
        };
        let name = self.component_names.get(&key).cloned().unwrap_or(key);
        Lowered { ty: TypeRef::Named(name), nullable, docs, default }
    }

    pub(super) fn claim(&mut self, naming: Naming<'_>) -> String {
        match naming {
            Naming::Exact(name) => name.to_owned(),
            Naming::Hint(hint) => self.type_names.camel(hint),
        }
    }

    pub(super) fn lower_schema(&mut self, schema: &Schema, naming: Naming<'_>, pointer: &Pointer) -> Lowered {
        let data = &schema.schema_data;
        let mut nullable = data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                nullable |= string.enumeration.iter().any(Option::is_none);
                let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    self.define_enum(naming, data, values)
                } else {
                    match &string.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::Timestamp,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                        _ => TypeRef::String,
                    }
                }
            }
            SchemaKind::Type(Type::Number(number)) => match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Integer(integer)) => {
                let format = match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                    VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                integer_type(format, integer.minimum.is_some_and(|minimum| minimum >= 0))
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Object(object)) => self.lower_object(
                &object.properties.iter().collect::<Vec<_>>(),
                &object.required,
                object.additional_properties.as_ref(),
                naming,
                data,
                pointer,
            ),
            SchemaKind::Type(Type::Array(array)) => self.lower_items(array.items.as_ref(), naming, pointer),
            SchemaKind::AllOf { all_of } => {
                let (ty, inner_nullable) = self.lower_all_of(all_of, naming, data, pointer);
                nullable |= inner_nullable;
                ty
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                let (ty, inner_nullable) = self.lower_union(members, naming, data, &pointer.push(key));
                nullable |= inner_nullable;
                ty
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => {
                nullable |= any.enumeration.iter().any(serde_json::Value::is_null);
                let (ty, inner) = self.lower_any(any, naming, data, pointer);
                nullable |= inner;
                ty
            }
        };
        let format = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(format) => Some(format!("{format:?}").to_lowercase()),
                VariantOrUnknownOrEmpty::Unknown(format) => Some(format.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            },
            _ => None,
        };
        let format_note = format.map(|format| match format.as_str() {
            "datetime" => "Format: `date-time`.".to_owned(),
            other => format!("Format: `{other}`."),
        });
        // An allOf without a description of its own is described by its inline members.
        let description = data.description.as_deref().or_else(|| match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => super::compose::members_description(all_of),
            _ => None,
        });
        let docs = docs(&[data.title.as_deref(), description, format_note.as_deref(), default_note(data).as_deref()]);
        Lowered { ty, nullable, docs, default: default_note(data) }
    }

    /// A schema without a `type` keyword openapiv3 could use (or with an unknown one): the type
    /// is inferred from the keywords present.
    pub(super) fn lower_any(
        &mut self,
        any: &AnySchema,
        naming: Naming<'_>,
        data: &SchemaData,
        pointer: &Pointer,
    ) -> (TypeRef, bool) {
        let values: Vec<&serde_json::Value> = any.enumeration.iter().filter(|v| !v.is_null()).collect();
        let numeric = any.minimum.is_some() || any.maximum.is_some() || any.multiple_of.is_some();
        let integral = [any.minimum, any.maximum].iter().flatten().all(|v| v.fract() == 0.0)
            && data.default.as_ref().is_none_or(serde_json::Value::is_i64);
        let ty = match any.typ.as_deref() {
            _ if !any.all_of.is_empty() => return self.lower_all_of(&any.all_of, naming, data, pointer),
            _ if !any.one_of.is_empty() => return self.lower_union(&any.one_of, naming, data, &pointer.push("oneOf")),
            _ if !any.any_of.is_empty() => return self.lower_union(&any.any_of, naming, data, &pointer.push("anyOf")),
            Some("string") | None if !values.is_empty() && values.iter().all(|v| v.is_string()) => {
                let names = values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                self.define_enum(naming, data, names)
            }
            Some("boolean") | None if !values.is_empty() && values.iter().all(|v| v.is_boolean()) => TypeRef::Bool,
            Some("integer") | None if !values.is_empty() && values.iter().all(|v| v.is_i64()) => TypeRef::I64,
            Some("number") | None if !values.is_empty() && values.iter().all(|v| v.is_number()) => TypeRef::F64,
            Some("object") | None if !any.properties.is_empty() || any.additional_properties.is_some() => self
                .lower_object(
                    &any.properties.iter().collect::<Vec<_>>(),
                    &any.required,
                    any.additional_properties.as_ref(),
                    naming,
                    data,
                    pointer,
                ),
            Some("array") | None if any.items.is_some() => self.lower_items(any.items.as_ref(), naming, pointer),
            Some("string") => string_type(any.format.as_deref()),
            Some("boolean") => TypeRef::Bool,
            Some("integer") => integer_type(any.format.as_deref(), any.minimum.is_some_and(|m| m >= 0.0)),
            Some("number") if any.format.as_deref() == Some("float") => TypeRef::F32,
            Some("number") => TypeRef::F64,
            None if numeric && integral => integer_type(any.format.as_deref(), any.minimum.is_some_and(|m| m >= 0.0)),
            None if numeric => TypeRef::F64,
            None if any.pattern.is_some() || any.min_length.is_some() || any.max_length.is_some() => TypeRef::String,
            Some("object" | "array") | None => TypeRef::Json,
            Some("null") => return (TypeRef::Json, true),
            Some(other) => {
                self.diagnostics.error(
                    &pointer.push("type"),
                    format!("unknown type `{other}`: expected one of string, number, integer, boolean, array, object"),
                );
                TypeRef::Json
            }
        };
        (ty, false)
    }

    pub(super) fn lower_items(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        naming: Naming<'_>,
        pointer: &Pointer,
    ) -> TypeRef {
        let Some(items) = items else { return TypeRef::List(Box::new(TypeRef::Json)) };
        let hint = match naming {
            Naming::Exact(name) | Naming::Hint(name) => format!("{name} item"),
        };
        let item = self.lower_node(items.into(), Naming::Hint(&hint), &pointer.push("items"));
        TypeRef::List(Box::new(item.ty))
    }

    pub(super) fn lower_object(
        &mut self,
        properties: &[(&String, &ReferenceOr<Box<Schema>>)],
        required: &[String],
        additional: Option<&AdditionalProperties>,
        naming: Naming<'_>,
        data: &SchemaData,
        pointer: &Pointer,
    ) -> TypeRef {
        let additional = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let hint = match naming {
                    Naming::Exact(name) | Naming::Hint(name) => format!("{name} value"),
                };
                let value =
                    self.lower_node((&**schema).into(), Naming::Hint(&hint), &pointer.push("additionalProperties"));
                Some(value.ty)
            }
            _ => None,
        };
        if properties.is_empty() {
            return match additional {
                Some(value) => TypeRef::Map(Box::new(value)),
                None => TypeRef::Json,
            };
        }
        let name = self.claim(naming);
        let slot = self.reserve_slot(&name);
        let mut scope = Scope::default();
        let fields: Vec<Field> = properties
            .iter()
            .map(|(wire, node)| {
                let field_pointer = pointer.push("properties").push(wire);
                let hint = format!("{name} {wire}");
                let lowered = self.lower_node((*node).into(), Naming::Hint(&hint), &field_pointer);
                Field {
                    rust_name: scope.snake(wire),
                    wire_name: (*wire).clone(),
                    ty: lowered.ty,
                    optional: lowered.nullable || !required.contains(wire),
                    // Decided once every type is lowered (aliases may come later).
                    lenient: false,
                    docs: lowered.docs.or_else(|| Some(format!("The `{wire}` property."))),
                }
            })
            .collect();
        let all_optional = fields.iter().all(|field| field.optional);
        let additional =
            additional.map(|value| Extra { rust_name: scope.snake("additional_properties"), value, lenient: false });
        // Claimed last, so that a property of that name keeps it and the map gets a suffix.
        let unknown = additional.is_none().then(|| scope.snake(crate::naming::UNKNOWN_FIELDS));
        let docs = type_docs(data, &name);
        let kind = TypeKind::Struct(StructDef { fields, all_optional, additional, unknown });
        self.fill_slot(slot, TypeDef::new(name.clone(), docs, kind));
        TypeRef::Named(name)
    }

    pub(super) fn define_enum(&mut self, naming: Naming<'_>, data: &SchemaData, values: Vec<String>) -> TypeRef {
        let name = self.claim(naming);
        let mut scope = Scope::default();
        let mut seen = BTreeSet::new();
        let variants = values
            .into_iter()
            .filter(|value| seen.insert(value.clone()))
            .map(|value| Variant { rust_name: scope.camel(&value), docs: format!("`{value}`"), wire_value: value })
            .collect();
        let unknown_variant = scope.camel("Unknown");
        let kind = TypeKind::Enum(EnumDef { variants, unknown_variant });
        self.types.push(TypeDef::new(name.clone(), type_docs(data, &name), kind));
        TypeRef::Named(name)
    }

    /// Keeps a place in the output for a type whose members are lowered first, so that a type
    /// comes before the inline types named after it.
    pub(super) fn reserve_slot(&mut self, name: &str) -> usize {
        let kind = TypeKind::Alias(AliasDef { target: TypeRef::Json, newtype: false });
        self.types.push(TypeDef::new(name.to_owned(), None, kind));
        self.types.len() - 1
    }

    pub(super) fn fill_slot(&mut self, slot: usize, def: TypeDef) {
        if let Some(place) = self.types.get_mut(slot) {
            *place = def;
        }
    }
}

/// The schema a `#/components/schemas/...` reference names, if it exists.
pub(super) fn component_schema<'s>(
    spec: &'s openapiv3::OpenAPI,
    reference: &str,
) -> Option<(String, &'s ReferenceOr<Schema>)> {
    let key = unescape(reference.strip_prefix(SCHEMAS)?);
    let schema = components(spec)?.schemas.get(&key)?;
    Some((key, schema))
}

/// The Rust integer for an integer schema's `format` (`int32`, `uint64`, ...; 64 bits when it
/// says nothing known); unsigned for an unsigned format or a `minimum` of 0 or more. Formats of
/// fewer than 32 bits get 32: the runtime reads and writes counts of 32 and 64 bits.
pub(super) fn integer_type(format: Option<&str>, non_negative: bool) -> TypeRef {
    match format {
        Some("uint8" | "uint16" | "uint32") => TypeRef::U32,
        Some("uint64") => TypeRef::U64,
        Some("int8" | "int16" | "int32") if non_negative => TypeRef::U32,
        Some("int8" | "int16" | "int32") => TypeRef::I32,
        _ if non_negative => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// The Rust type of a string schema's `format` when it is not an enum: timestamps and dates are
/// typed (they keep the text sent, so a malformed one fails nothing); `uuid`, `uri` and the rest
/// stay strings (see ARCHITECTURE.md).
pub(super) fn string_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::Timestamp,
        Some("date") => TypeRef::Date,
        _ => TypeRef::String,
    }
}

/// Docs for a schema: title, description, and the default value.
pub(super) fn describe(data: &SchemaData) -> Option<String> {
    docs(&[data.title.as_deref(), data.description.as_deref(), default_note(data).as_deref()])
}

/// Docs for a named type: the schema's, or a line naming the type when the spec has none.
pub(super) fn type_docs(data: &SchemaData, name: &str) -> Option<String> {
    describe(data).or_else(|| Some(format!("The `{name}` type.")))
}

/// The default value as a sentence for docs (the server applies it when the value is left out).
pub(super) fn default_note(data: &SchemaData) -> Option<String> {
    data.default.as_ref().map(|value| format!("Defaults to `{value}`."))
}
