//! Lowering of composed schemas: `allOf` (merged into one struct) and `oneOf`/`anyOf` (unions,
//! tagged when a discriminator or a distinguishing constant tells the members apart).

use super::Lowerer;
use super::types::{Naming, Node, component_schema, type_docs};
use crate::model::{Tag, TypeDef, TypeKind, TypeRef, UnionDef, UnionVariant};
use crate::naming::Scope;
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaData, SchemaKind, Type};
use std::collections::{BTreeMap, BTreeSet};

impl Lowerer<'_> {
    /// `allOf`: a single member is that member; several are merged into one struct.
    pub(super) fn lower_all_of(
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
        // An allOf reached again while it is being merged (through a property that refers back
        // to the component it is in) is the type being built: a recursive type, not a new one.
        let key = members.as_ptr() as usize;
        if let Some(name) = self.merged.get(&key) {
            return (TypeRef::Named(name.clone()), false);
        }
        let mut flattened = Vec::new();
        for (index, member) in members.iter().enumerate() {
            flatten_all_of(
                self.spec,
                member.into(),
                &pointer.push("allOf").push(index),
                &mut flattened,
                &mut Vec::new(),
            );
        }
        if !flattened.iter().any(|(schema, _)| object_parts(schema).is_some()) {
            // Inline scalar members are merged, each one's constraints counting (see
            // `compose_scalar.rs`); a member that is a reference (an enum, say) names the type.
            let inline = members.iter().all(|member| matches!(member, ReferenceOr::Item(_)));
            if inline && let Some(merged) = self.merge_scalar_members(&flattened) {
                let lowered = self.lower_node(Node::Schema(&merged), naming, pointer);
                return (lowered.ty, lowered.nullable);
            }
            // Otherwise an allOf that only adds annotations (description, nullable) to one real
            // schema: lower the first member that says what the value is.
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
        // The spec's own property nodes (not copies), so that an allOf met again is recognised.
        let mut properties: IndexMap<&String, &ReferenceOr<Box<Schema>>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut origins: BTreeMap<String, Pointer> = BTreeMap::new();
        for (index, member) in members.iter().enumerate() {
            let member_pointer = pointer.push("allOf").push(index);
            let mut flattened = Vec::new();
            flatten_all_of(self.spec, member.into(), &member_pointer, &mut flattened, &mut Vec::new());
            for (schema, at) in flattened {
                let Some((member_properties, member_required)) = object_parts(schema) else {
                    if !is_annotation_only(schema) && !matches!(schema.schema_kind, SchemaKind::Type(Type::Object(_))) {
                        self.diagnostics
                            .warning(&at, "this allOf member is not an object and is left out of the merged struct");
                    }
                    continue;
                };
                for (key, property) in member_properties {
                    if let Some(previous) = properties.get(key)
                        && let (Some(old), Some(new)) =
                            (self.kind_of((*previous).into()), self.kind_of(property.into()))
                        && !compatible(old, new)
                    {
                        let first = origins.get(key).map(ToString::to_string).unwrap_or_default();
                        self.diagnostics.warning(
                            &at.push("properties").push(key),
                            format!("allOf members disagree on property `{key}`: {new} here, {old} at {first}; the later member wins"),
                        );
                    }
                    properties.insert(key, property);
                    origins.insert(key.clone(), at.push("properties").push(key));
                }
                required.extend(member_required.iter().filter(|r| !required.contains(r)).cloned().collect::<Vec<_>>());
            }
        }
        let name = self.claim(naming);
        self.merged.insert(key, name.clone());
        let properties: Vec<_> = properties.into_iter().collect();
        (self.lower_object(&properties, &required, None, Naming::Exact(&name), data, pointer), false)
    }

    /// The JSON type a schema describes, following references, if it says.
    pub(super) fn kind_of(&self, node: Node<'_>) -> Option<&'static str> {
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
    pub(super) fn lower_union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        naming: Naming<'_>,
        data: &SchemaData,
        pointer: &Pointer,
    ) -> (TypeRef, bool) {
        let is_null = |member: &ReferenceOr<Schema>| matches!(member, ReferenceOr::Item(schema) if matches!(&schema.schema_kind, SchemaKind::Any(any) if any.typ.as_deref() == Some("null")));
        let nullable = members.iter().any(is_null);
        let real: Vec<(usize, &ReferenceOr<Schema>)> =
            members.iter().enumerate().filter(|(_, m)| !is_null(m)).collect();
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
                (_, ReferenceOr::Reference { reference }) => {
                    reference.rsplit('/').next().unwrap_or("Variant").to_owned()
                }
                (TypeRef::Named(named), _) => named.clone(),
                (other, _) => type_word(other).to_owned(),
            };
            let tag_values = tagging.as_ref().and_then(|(_, values)| values.get(position).cloned()).unwrap_or_default();
            let rust_name = scope.camel(&variant_name);
            let docs = variant_docs(&rust_name, &tag_values);
            variants.push(UnionVariant { rust_name, tag_values, ty: lowered.ty, lenient: false, docs });
        }
        let tag = tagging.map(|(property, _)| Tag {
            docs: format!(
                "The `{property}` property tells the variants apart; a value with an unknown `{property}` is kept as JSON."
            ),
            property,
            unknown_variant: scope.camel("Unknown"),
        });
        let kind = TypeKind::Union(UnionDef { tag, variants, scalar: false });
        self.fill_slot(slot, TypeDef::new(name.clone(), type_docs(data, &name), kind));
        (TypeRef::Named(name), nullable)
    }

    /// The property that tells a union's members apart, with each member's values: the
    /// discriminator when there is one, else a property that every member fixes to its own
    /// constant (`type: {enum: [dog]}`). `None` when the members cannot be told apart that way.
    pub(super) fn union_tag(
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
    pub(super) fn constants(&self, member: &ReferenceOr<Schema>) -> BTreeMap<String, String> {
        let mut flattened = Vec::new();
        flatten_all_of(self.spec, member.into(), &Pointer::root(), &mut flattened, &mut Vec::new());
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
                let rust_name = scope.camel(&word);
                UnionVariant {
                    docs: variant_docs(&rust_name, &[]),
                    rust_name,
                    tag_values: Vec::new(),
                    ty,
                    lenient: false,
                }
            })
            .collect();
        let kind = TypeKind::Union(UnionDef { tag: None, variants, scalar: false });
        self.types.push(TypeDef::new(name.clone(), Some(docs), kind));
        TypeRef::Named(name)
    }
}

/// Collects the schemas an `allOf` member stands for, following references and nested `allOf`.
pub(super) fn flatten_all_of<'s>(
    spec: &'s openapiv3::OpenAPI,
    node: Node<'s>,
    pointer: &Pointer,
    out: &mut Vec<(&'s Schema, Pointer)>,
    path: &mut Vec<String>,
) {
    match node {
        Node::Ref(reference) => {
            // A component already being flattened on this path is a cycle: it adds nothing new.
            if let Some((key, target)) = component_schema(spec, reference)
                && !path.contains(&key)
            {
                let at = Pointer::root().push("components").push("schemas").push(&key);
                path.push(key);
                flatten_all_of(spec, target.into(), &at, out, path);
                path.pop();
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
                flatten_all_of(spec, member.into(), &pointer.push("allOf").push(index), out, path);
            }
        }
    }
}

/// The properties of an object schema, by name.
pub(super) type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// The properties and required list of an object schema.
pub(super) fn object_parts(schema: &Schema) -> Option<(&Properties, &Vec<String>)> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some((&object.properties, &object.required)),
        SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") && !any.properties.is_empty() => {
            Some((&any.properties, &any.required))
        }
        _ => None,
    }
}

/// The first description among an allOf's inline members (`allOf: [{$ref: Status},
/// {description: ...}]` describes the use of `Status` here).
pub(super) fn members_description(members: &[ReferenceOr<Schema>]) -> Option<&str> {
    members.iter().find_map(|member| match member {
        ReferenceOr::Item(schema) => schema.schema_data.description.as_deref(),
        ReferenceOr::Reference { .. } => None,
    })
}

/// Whether a schema only annotates (description, nullable, example, ...) and says nothing about
/// the value's type or shape.
pub(super) fn is_annotation_only(schema: &Schema) -> bool {
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
pub(super) fn compatible(old: &str, new: &str) -> bool {
    old == new || matches!((old, new), ("number", "integer") | ("integer", "number"))
}

/// The rustdoc of a union variant: the tag values that select it, or its name when untagged.
fn variant_docs(rust_name: &str, tag_values: &[String]) -> String {
    match tag_values {
        [] => format!("A `{rust_name}`."),
        values => format!("Tagged {}.", values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" or ")),
    }
}

/// A variant name for a union member that has no name of its own.
pub(super) fn type_word(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Bool => "Bool",
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::String => "String",
        TypeRef::Timestamp => "Timestamp",
        TypeRef::Date => "Date",
        TypeRef::List(_) => "List",
        TypeRef::Map(_) => "Map",
        TypeRef::Json | TypeRef::Named(_) | TypeRef::Boxed(_) => "Value",
    }
}
