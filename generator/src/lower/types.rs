//! Lowering of schemas: component schemas and the inline schemas of properties, items,
//! parameters and bodies become model types.

use super::{Lowerer, components, docs, unescape};
use crate::error::Pointer;
use crate::model::{AliasDef, EnumDef, Extra, Field, StructDef, Tag, TypeDef, TypeRef, UnionDef, UnionVariant, Variant};
use crate::naming::Scope;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

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
            if lowered.ty != TypeRef::Named(name.clone()) {
                let docs = lowered.docs.or_else(|| Some(format!("The `{key}` schema.")));
                self.types.push(TypeDef::Alias(AliasDef { name, docs, target: lowered.ty }));
            }
        }
        self.check_alias_cycles();
    }

    /// Lowers a schema or a reference at `pointer`.
    pub(super) fn lower_node(&mut self, node: Node<'_>, naming: Naming<'_>, pointer: &Pointer) -> Lowered {
        match node {
            Node::Ref(reference) => self.lower_ref(reference, pointer),
            Node::Schema(schema) => self.lower_schema(schema, naming, pointer),
        }
    }

    /// The schema a `#/components/schemas/...` reference names, if it exists.
    fn component_schema(&self, reference: &str) -> Option<(String, &ReferenceOr<Schema>)> {
        component_schema(self.spec, reference)
    }

    fn lower_ref(&mut self, reference: &str, pointer: &Pointer) -> Lowered {
        let Some((key, target)) = self.component_schema(reference) else {
            let message = if reference.starts_with(SCHEMAS) {
                format!("unresolved $ref `{reference}`: no such schema in components")
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

    fn claim(&mut self, naming: Naming<'_>) -> String {
        match naming {
            Naming::Exact(name) => name.to_owned(),
            Naming::Hint(hint) => self.type_names.camel(hint),
        }
    }

    fn lower_schema(&mut self, schema: &Schema, naming: Naming<'_>, pointer: &Pointer) -> Lowered {
        let data = &schema.schema_data;
        let mut nullable = data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                nullable |= string.enumeration.iter().any(Option::is_none);
                let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() { TypeRef::String } else { self.define_enum(naming, data, values) }
            }
            SchemaKind::Type(Type::Number(number)) => match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Integer(integer)) => {
                let unsigned = integer.minimum.is_some_and(|minimum| minimum >= 0);
                integer_type(matches!(integer.format, VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)), unsigned)
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Object(object)) => self.lower_object(
                &object.properties,
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
        let docs = docs(&[data.title.as_deref(), data.description.as_deref(), format_note.as_deref(), default_note(data).as_deref()]);
        Lowered { ty, nullable, docs, default: default_note(data) }
    }

    /// A schema without a `type` keyword openapiv3 could use (or with an unknown one): the type
    /// is inferred from the keywords present.
    fn lower_any(&mut self, any: &AnySchema, naming: Naming<'_>, data: &SchemaData, pointer: &Pointer) -> (TypeRef, bool) {
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
                .lower_object(&any.properties, &any.required, any.additional_properties.as_ref(), naming, data, pointer),
            Some("array") | None if any.items.is_some() => self.lower_items(any.items.as_ref(), naming, pointer),
            Some("string") => TypeRef::String,
            Some("boolean") => TypeRef::Bool,
            Some("integer") => integer_type(any.format.as_deref() == Some("int32"), any.minimum.is_some_and(|m| m >= 0.0)),
            Some("number") if any.format.as_deref() == Some("float") => TypeRef::F32,
            Some("number") => TypeRef::F64,
            None if numeric && integral => integer_type(false, any.minimum.is_some_and(|m| m >= 0.0)),
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

    fn lower_items(
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

    fn lower_object(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
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
                let value = self.lower_node((&**schema).into(), Naming::Hint(&hint), &pointer.push("additionalProperties"));
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
                let lowered = self.lower_node(node.into(), Naming::Hint(&hint), &field_pointer);
                Field {
                    rust_name: scope.snake(wire),
                    wire_name: wire.clone(),
                    ty: lowered.ty,
                    optional: lowered.nullable || !required.contains(wire),
                    docs: lowered.docs.or_else(|| Some(format!("The `{wire}` property."))),
                }
            })
            .collect();
        let all_optional = fields.iter().all(|field| field.optional);
        let additional = additional.map(|value| Extra { rust_name: scope.snake("additional_properties"), value });
        let docs = type_docs(data, &name);
        self.fill_slot(slot, TypeDef::Struct(StructDef { name: name.clone(), docs, fields, all_optional, additional }));
        TypeRef::Named(name)
    }

    /// `allOf`: a single member is that member; several are merged into one struct.
    fn lower_all_of(
        &mut self,
        members: &[ReferenceOr<Schema>],
        naming: Naming<'_>,
        data: &SchemaData,
        pointer: &Pointer,
    ) -> (TypeRef, bool) {
        if let [only] = members {
            let lowered = self.lower_node(only.into(), naming, &pointer.push("allOf").push(0));
            return (lowered.ty, lowered.nullable);
        }
        let mut flattened = Vec::new();
        for (index, member) in members.iter().enumerate() {
            flatten_all_of(self.spec, member.into(), &pointer.push("allOf").push(index), &mut flattened, 0);
        }
        if !flattened.iter().any(|(schema, _)| object_parts(schema).is_some()) {
            // Not a merge of objects: an allOf that only adds annotations (description, nullable)
            // to one real schema. Lower the first member that says what the value is.
            let substantive = members.iter().enumerate().find(|(_, member)| match member {
                ReferenceOr::Reference { .. } => true,
                ReferenceOr::Item(schema) => !is_annotation_only(schema),
            });
            if let Some((index, member)) = substantive {
                let lowered = self.lower_node(member.into(), naming, &pointer.push("allOf").push(index));
                return (lowered.ty, lowered.nullable);
            }
            return (TypeRef::Json, false);
        }
        let mut properties: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut origins: BTreeMap<String, Pointer> = BTreeMap::new();
        for (index, member) in members.iter().enumerate() {
            let member_pointer = pointer.push("allOf").push(index);
            let mut flattened = Vec::new();
            flatten_all_of(self.spec, member.into(), &member_pointer, &mut flattened, 0);
            for (schema, at) in flattened {
                let Some((member_properties, member_required)) = object_parts(schema) else {
                    if !is_annotation_only(schema) && !matches!(schema.schema_kind, SchemaKind::Type(Type::Object(_))) {
                        self.diagnostics.warning(&at, "this allOf member is not an object and is left out of the merged struct");
                    }
                    continue;
                };
                for (key, property) in member_properties {
                    if let Some(previous) = properties.get(key)
                        && let (Some(old), Some(new)) = (self.kind_of(previous.into()), self.kind_of(property.into()))
                        && !compatible(old, new)
                    {
                        let first = origins.get(key).map(ToString::to_string).unwrap_or_default();
                        self.diagnostics.warning(
                            &at.push("properties").push(key),
                            format!("allOf members disagree on property `{key}`: {new} here, {old} at {first}; the later member wins"),
                        );
                    }
                    properties.insert(key.clone(), property.clone());
                    origins.insert(key.clone(), at.push("properties").push(key));
                }
                required.extend(member_required.iter().filter(|r| !required.contains(r)).cloned().collect::<Vec<_>>());
            }
        }
        (self.lower_object(&properties, &required, None, naming, data, pointer), false)
    }

    /// The JSON type a schema describes, following references, if it says.
    fn kind_of(&self, node: Node<'_>) -> Option<&'static str> {
        let mut node = node;
        for _ in 0..super::MAX_REF_DEPTH {
            match node {
                Node::Ref(reference) => node = self.component_schema(reference)?.1.into(),
                Node::Schema(schema) => {
                    return match &schema.schema_kind {
                        SchemaKind::Type(Type::String(_)) => Some("string"),
                        SchemaKind::Type(Type::Number(_)) => Some("number"),
                        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
                        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
                        SchemaKind::Type(Type::Object(_)) => Some("object"),
                        SchemaKind::Type(Type::Array(_)) => Some("array"),
                        _ => None,
                    };
                }
            }
        }
        None
    }

    /// `oneOf`/`anyOf`: an enum of the member types, tried in order.
    fn lower_union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        naming: Naming<'_>,
        data: &SchemaData,
        pointer: &Pointer,
    ) -> (TypeRef, bool) {
        let is_null = |member: &ReferenceOr<Schema>| {
            matches!(member, ReferenceOr::Item(schema) if matches!(&schema.schema_kind, SchemaKind::Any(any) if any.typ.as_deref() == Some("null")))
        };
        let nullable = members.iter().any(is_null);
        let real: Vec<(usize, &ReferenceOr<Schema>)> = members.iter().enumerate().filter(|(_, m)| !is_null(m)).collect();
        if let [(index, only)] = real.as_slice() {
            let lowered = self.lower_node((*only).into(), naming, &pointer.push(index));
            return (lowered.ty, nullable || lowered.nullable);
        }
        let name = self.claim(naming);
        let slot = self.reserve_slot(&name);
        let members: Vec<&ReferenceOr<Schema>> = real.iter().map(|(_, member)| *member).collect();
        let tagging = self.union_tag(&members, data.discriminator.as_ref());
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for (position, (index, member)) in real.into_iter().enumerate() {
            let hint = format!("{name} variant {index}");
            let lowered = self.lower_node(member.into(), Naming::Hint(&hint), &pointer.push(index));
            let variant_name = match (&lowered.ty, member) {
                (_, ReferenceOr::Reference { reference }) => reference.rsplit('/').next().unwrap_or("Variant").to_owned(),
                (TypeRef::Named(named), _) => named.clone(),
                (other, _) => type_word(other).to_owned(),
            };
            let tag_values = tagging.as_ref().and_then(|(_, values)| values.get(position).cloned()).unwrap_or_default();
            variants.push(UnionVariant { rust_name: scope.camel(&variant_name), tag_values, ty: lowered.ty });
        }
        let tag = tagging.map(|(property, _)| Tag { property, unknown_variant: scope.camel("Unknown") });
        self.fill_slot(slot, TypeDef::Union(UnionDef { name: name.clone(), docs: type_docs(data, &name), tag, variants, scalar: false }));
        (TypeRef::Named(name), nullable)
    }

    /// The property that tells a union's members apart, with each member's values: the
    /// discriminator when there is one, else a property that every member fixes to its own
    /// constant (`type: {enum: [dog]}`). `None` when the members cannot be told apart that way.
    fn union_tag(
        &self,
        members: &[&ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
    ) -> Option<(String, Vec<Vec<String>>)> {
        let constants: Vec<BTreeMap<String, String>> = members.iter().map(|member| self.constants(member)).collect();
        if let Some(discriminator) = discriminator {
            let property = discriminator.property_name.clone();
            let mut values = Vec::new();
            for (member, constant) in members.iter().zip(&constants) {
                let mut member_values: Vec<String> = match member {
                    ReferenceOr::Reference { reference } => {
                        let key = reference.rsplit('/').next().unwrap_or_default();
                        let mapped: Vec<String> = discriminator
                            .mapping
                            .iter()
                            .filter(|(_, target)| *target == reference || target.as_str() == key)
                            .map(|(value, _)| value.clone())
                            .collect();
                        if mapped.is_empty() { vec![key.to_owned()] } else { mapped }
                    }
                    ReferenceOr::Item(_) => Vec::new(),
                };
                if member_values.is_empty() {
                    member_values.extend(constant.get(&property).cloned());
                }
                if member_values.is_empty() {
                    return None;
                }
                values.push(member_values);
            }
            return Some((property, values));
        }
        let first = constants.first()?;
        first.keys().find_map(|property| {
            let values: Vec<String> = constants.iter().map(|c| c.get(property).cloned()).collect::<Option<_>>()?;
            let distinct: BTreeSet<&String> = values.iter().collect();
            (distinct.len() == values.len()).then(|| (property.clone(), values.into_iter().map(|v| vec![v]).collect()))
        })
    }

    /// The required properties a member schema fixes to a single string value.
    fn constants(&self, member: &ReferenceOr<Schema>) -> BTreeMap<String, String> {
        let mut flattened = Vec::new();
        flatten_all_of(self.spec, member.into(), &Pointer::root(), &mut flattened, 0);
        let mut constants = BTreeMap::new();
        for (schema, _) in flattened {
            let Some((properties, required)) = object_parts(schema) else { continue };
            for (key, property) in properties.iter().filter(|(key, _)| required.contains(key)) {
                let node: Node<'_> = property.into();
                let schema = match node {
                    Node::Schema(schema) => Some(schema),
                    Node::Ref(reference) => match component_schema(self.spec, reference) {
                        Some((_, ReferenceOr::Item(schema))) => Some(schema),
                        _ => None,
                    },
                };
                if let Some(SchemaKind::Type(Type::String(string))) = schema.map(|s| &s.schema_kind)
                    && let [Some(value)] = string.enumeration.as_slice()
                {
                    constants.insert(key.clone(), value.clone());
                }
            }
        }
        constants
    }

    fn define_enum(&mut self, naming: Naming<'_>, data: &SchemaData, values: Vec<String>) -> TypeRef {
        let name = self.claim(naming);
        let mut scope = Scope::default();
        let mut seen = BTreeSet::new();
        let variants = values
            .into_iter()
            .filter(|value| seen.insert(value.clone()))
            .map(|value| Variant { rust_name: scope.camel(&value), wire_value: value })
            .collect();
        let unknown_variant = scope.camel("Unknown");
        self.types.push(TypeDef::Enum(EnumDef { name: name.clone(), docs: type_docs(data, &name), variants, unknown_variant }));
        TypeRef::Named(name)
    }

    /// Keeps a place in the output for a type whose members are lowered first, so that a type
    /// comes before the inline types named after it.
    fn reserve_slot(&mut self, name: &str) -> usize {
        self.types.push(TypeDef::Alias(AliasDef { name: name.to_owned(), docs: None, target: TypeRef::Json }));
        self.types.len() - 1
    }

    fn fill_slot(&mut self, slot: usize, def: TypeDef) {
        if let Some(place) = self.types.get_mut(slot) {
            *place = def;
        }
    }

    /// Reports component schemas that are only names for each other, which no type can express.
    fn check_alias_cycles(&mut self) {
        let aliases: BTreeMap<&str, &TypeRef> = self
            .types
            .iter()
            .filter_map(|def| match def {
                TypeDef::Alias(alias) => Some((alias.name.as_str(), &alias.target)),
                _ => None,
            })
            .collect();
        let mut cyclic = Vec::new();
        for start in aliases.keys() {
            let mut current = *start;
            for _ in 0..=aliases.len() {
                match aliases.get(current) {
                    Some(TypeRef::Named(next)) if next == start => {
                        cyclic.push((*start).to_owned());
                        break;
                    }
                    Some(TypeRef::Named(next)) => current = next,
                    _ => break,
                }
            }
        }
        for name in cyclic {
            let key = self.component_names.iter().find(|(_, rust)| **rust == name).map(|(key, _)| key.clone());
            let pointer = Pointer::root().push("components").push("schemas").push(key.unwrap_or(name));
            self.diagnostics.error(&pointer, "$ref cycle with no way to box it: these schemas only refer to each other and never define a value");
        }
    }

    /// Boxes the fields through which a struct contains itself, which Rust cannot size otherwise.
    pub(super) fn box_recursive_fields(&mut self) {
        let edges: BTreeMap<String, Vec<String>> = self.types.iter().map(|def| (type_name(def).to_owned(), direct_uses(def))).collect();
        let reaches = |from: &str, to: &str| {
            let mut stack = vec![from.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(current) = stack.pop() {
                if current == to {
                    return true;
                }
                if seen.insert(current.clone()) {
                    stack.extend(edges.get(&current).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut boxed = Vec::new();
        for def in &self.types {
            if let TypeDef::Struct(def) = def {
                for (index, field) in def.fields.iter().enumerate() {
                    if let TypeRef::Named(target) = &field.ty
                        && reaches(target, &def.name)
                    {
                        boxed.push((def.name.clone(), index));
                    }
                }
            }
        }
        for def in &mut self.types {
            if let TypeDef::Struct(def) = def {
                for (name, index) in &boxed {
                    if *name == def.name
                        && let Some(field) = def.fields.get_mut(*index)
                    {
                        field.ty = TypeRef::Boxed(Box::new(field.ty.clone()));
                    }
                }
            }
        }
    }

    /// An untagged union of already lowered types (the bodies of several success responses).
    pub(super) fn union_of(&mut self, hint: &str, docs: String, types: Vec<TypeRef>) -> TypeRef {
        let name = self.type_names.camel(hint);
        let mut scope = Scope::default();
        let variants = types
            .into_iter()
            .map(|ty| {
                let word = match &ty {
                    TypeRef::Named(named) => named.clone(),
                    other => type_word(other).to_owned(),
                };
                UnionVariant { rust_name: scope.camel(&word), tag_values: Vec::new(), ty }
            })
            .collect();
        self.types.push(TypeDef::Union(UnionDef { name: name.clone(), docs: Some(docs), tag: None, variants, scalar: false }));
        TypeRef::Named(name)
    }

    /// Whether values of `ty` are scalars (numbers, booleans, strings, string enums, and unions
    /// of those), which have a text form for URLs and headers.
    pub(super) fn is_scalar(&self, ty: &TypeRef) -> bool {
        let mut seen = BTreeSet::new();
        self.is_scalar_inner(ty, &mut seen)
    }

    fn is_scalar_inner(&self, ty: &TypeRef, seen: &mut BTreeSet<String>) -> bool {
        match ty {
            TypeRef::Json | TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Boxed(_) => false,
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    return false;
                }
                match self.find_type(name) {
                    Some(TypeDef::Enum(_)) => true,
                    Some(TypeDef::Alias(alias)) => self.is_scalar_inner(&alias.target.clone(), seen),
                    Some(TypeDef::Union(union)) => {
                        union.tag.is_none() && union.variants.iter().all(|v| self.is_scalar_inner(&v.ty, seen))
                    }
                    Some(TypeDef::Struct(_)) | None => false,
                }
            }
            _ => true,
        }
    }

    /// Whether values of `ty` are JSON objects (structs and maps), which a query string can carry
    /// property by property.
    pub(super) fn is_object(&self, ty: &TypeRef) -> bool {
        self.struct_def(ty).is_some() || matches!(self.unalias(ty), TypeRef::Map(_))
    }

    /// Marks the unions whose shapes are all scalars.
    pub(super) fn mark_scalar_unions(&mut self) {
        let scalar: Vec<bool> = self
            .types
            .iter()
            .map(|def| match def {
                TypeDef::Union(union) => self.is_scalar(&TypeRef::Named(union.name.clone())),
                _ => false,
            })
            .collect();
        for (def, scalar) in self.types.iter_mut().zip(scalar) {
            if let TypeDef::Union(union) = def {
                union.scalar = scalar;
            }
        }
    }

    /// Follows aliases to the type a name stands for.
    pub(super) fn unalias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..super::MAX_REF_DEPTH {
            let TypeRef::Named(name) = &current else { break };
            match self.find_type(name) {
                Some(TypeDef::Alias(alias)) => current = alias.target.clone(),
                _ => break,
            }
        }
        current
    }

    /// The struct a type stands for, following aliases.
    pub(super) fn struct_def(&self, ty: &TypeRef) -> Option<&StructDef> {
        match self.unalias(ty) {
            TypeRef::Named(name) => match self.find_type(&name) {
                Some(TypeDef::Struct(def)) => Some(def),
                _ => None,
            },
            _ => None,
        }
    }

    fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|def| type_name(def) == name)
    }
}

/// The schema a `#/components/schemas/...` reference names, if it exists.
fn component_schema<'s>(spec: &'s openapiv3::OpenAPI, reference: &str) -> Option<(String, &'s ReferenceOr<Schema>)> {
    let key = unescape(reference.strip_prefix(SCHEMAS)?);
    let schema = components(spec)?.schemas.get(&key)?;
    Some((key, schema))
}

/// Collects the schemas an `allOf` member stands for, following references and nested `allOf`.
fn flatten_all_of<'s>(
    spec: &'s openapiv3::OpenAPI,
    node: Node<'s>,
    pointer: &Pointer,
    out: &mut Vec<(&'s Schema, Pointer)>,
    depth: usize,
) {
    if depth > super::MAX_REF_DEPTH {
        return;
    }
    match node {
        Node::Ref(reference) => {
            if let Some((key, target)) = component_schema(spec, reference) {
                let at = Pointer::root().push("components").push("schemas").push(key);
                flatten_all_of(spec, target.into(), &at, out, depth + 1);
            }
        }
        Node::Schema(schema) => {
            let all_of = match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => all_of,
                SchemaKind::Any(any) if !any.all_of.is_empty() => {
                    // `type: object` next to `allOf`, possibly with properties of its own.
                    if !any.properties.is_empty() {
                        out.push((schema, pointer.clone()));
                    }
                    &any.all_of
                }
                _ => return out.push((schema, pointer.clone())),
            };
            for (index, member) in all_of.iter().enumerate() {
                flatten_all_of(spec, member.into(), &pointer.push("allOf").push(index), out, depth + 1);
            }
        }
    }
}

fn integer_type(int32: bool, unsigned: bool) -> TypeRef {
    match (int32, unsigned) {
        (true, true) => TypeRef::U32,
        (true, false) => TypeRef::I32,
        (false, true) => TypeRef::U64,
        (false, false) => TypeRef::I64,
    }
}

/// The properties of an object schema, by name.
type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// The properties and required list of an object schema.
fn object_parts(schema: &Schema) -> Option<(&Properties, &Vec<String>)> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some((&object.properties, &object.required)),
        SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") && !any.properties.is_empty() => {
            Some((&any.properties, &any.required))
        }
        _ => None,
    }
}

/// Whether a schema only annotates (description, nullable, example, ...) and says nothing about
/// the value's type or shape.
fn is_annotation_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.additional_properties.is_none()
                && any.one_of.is_empty()
                && any.all_of.is_empty()
                && any.any_of.is_empty()
        }
        _ => false,
    }
}

/// Whether a property typed `old` by one allOf member may be typed `new` by another.
fn compatible(old: &str, new: &str) -> bool {
    old == new || matches!((old, new), ("number", "integer") | ("integer", "number"))
}

/// Docs for a schema: title, description, and the default value.
fn describe(data: &SchemaData) -> Option<String> {
    docs(&[data.title.as_deref(), data.description.as_deref(), default_note(data).as_deref()])
}

/// Docs for a named type: the schema's, or a line naming the type when the spec has none.
fn type_docs(data: &SchemaData, name: &str) -> Option<String> {
    describe(data).or_else(|| Some(format!("The `{name}` type.")))
}

/// The default value as a sentence for docs (the server applies it when the value is left out).
fn default_note(data: &SchemaData) -> Option<String> {
    data.default.as_ref().map(|value| format!("Defaults to `{value}`."))
}

/// A variant name for a union member that has no name of its own.
fn type_word(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Bool => "Bool",
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::String => "String",
        TypeRef::List(_) => "List",
        TypeRef::Map(_) => "Map",
        TypeRef::Json | TypeRef::Named(_) | TypeRef::Boxed(_) => "Value",
    }
}

pub(super) fn type_name(def: &TypeDef) -> &str {
    match def {
        TypeDef::Struct(def) => &def.name,
        TypeDef::Enum(def) => &def.name,
        TypeDef::Union(def) => &def.name,
        TypeDef::Alias(def) => &def.name,
    }
}

/// Types a definition contains by value (not behind a `Vec`, map or `Box`).
fn direct_uses(def: &TypeDef) -> Vec<String> {
    let named = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    };
    match def {
        TypeDef::Struct(def) => def.fields.iter().filter_map(|field| named(&field.ty)).collect(),
        TypeDef::Union(def) => def.variants.iter().filter_map(|variant| named(&variant.ty)).collect(),
        TypeDef::Alias(def) => named(&def.target).into_iter().collect(),
        TypeDef::Enum(_) => Vec::new(),
    }
}
