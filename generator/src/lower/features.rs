//! Cargo features for large APIs: one per group, and for each type the groups that use it, so
//! that a user who needs a few groups compiles only their operations and types.
//!
//! A type is gated by the groups whose operations reach it, directly or through other types
//! (the transitive closure over fields, extra maps, union variants, alias targets, lists, maps
//! and boxes), so that every type a compiled item names is compiled too and each feature builds
//! alone. A type that no operation reaches is compiled only with [`ALL_GROUPS`] (which turns on
//! every group, so everything it names is there); a type that every group reaches is always
//! compiled, and so is everything it reaches.

use crate::model::{ALL_GROUPS, Api, Response, TypeDef, TypeKind, TypeRef};
use std::collections::BTreeMap;

/// APIs with more groups than this get a cargo feature per group.
pub(super) const MIN_GROUPS: usize = 16;

/// Gives every group a feature and every type the features of the groups that reach it
/// ([`TypeDef::features`]).
pub(super) fn gate(api: &mut Api) {
    if api.groups.len() <= MIN_GROUPS {
        return;
    }
    let uses: BTreeMap<&str, Vec<&str>> = api.types.iter().map(|def| (def.name.as_str(), named_uses(def))).collect();
    let mut gates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for group in &mut api.groups {
        let mut feature = group.file_stem.clone();
        // `full` turns on every group and `default` is cargo's own: a group takes neither name.
        if feature == ALL_GROUPS || feature == "default" {
            feature.push_str("_group");
        }
        let mut stack: Vec<&str> = Vec::new();
        for op in &group.operations {
            let mut roots: Vec<&TypeRef> = op.params().map(|p| &p.ty).collect();
            // Untyped multipart and byte bodies, and empty or byte responses, name no model type.
            roots.extend(op.body.iter().flat_map(|body| body.kind.types()));
            match &op.response {
                Response::Json { ty, paging } => {
                    roots.push(ty);
                    roots.extend(paging.iter().map(|paging| &paging.item));
                }
                Response::Empty | Response::Bytes => {}
            }
            // The error bodies' types are named by the group's module (its error enum and
            // `error_body`).
            roots.extend(op.errors.iter().flat_map(|errors| errors.rules.iter().map(|rule| &rule.ty)));
            roots.iter().for_each(|ty| collect(ty, &mut stack));
        }
        while let Some(name) = stack.pop() {
            let features = gates.entry(name.to_owned()).or_default();
            if features.last() == Some(&feature) {
                continue;
            }
            features.push(feature.clone());
            stack.extend(uses.get(name).into_iter().flatten());
        }
        group.feature = Some(feature);
    }
    let reached_by_all: std::collections::BTreeSet<String> =
        gates.iter().filter(|(_, features)| features.len() == api.groups.len()).map(|(name, _)| name.clone()).collect();
    // A type every group needs is always compiled.
    gates.retain(|_, features| features.len() < api.groups.len());
    for def in &mut api.types {
        def.features = match gates.get(&def.name).cloned() {
            Some(features) => features,
            None if reached_by_all.contains(&def.name) => Vec::new(),
            None => vec![ALL_GROUPS.to_owned()],
        };
    }
}

/// The named types a definition refers to, directly or inside lists, maps and boxes.
fn named_uses(def: &TypeDef) -> Vec<&str> {
    let mut names = Vec::new();
    match &def.kind {
        TypeKind::Struct(def) => {
            def.fields.iter().for_each(|field| collect(&field.ty, &mut names));
            if let Some(extra) = &def.additional {
                collect(&extra.value, &mut names);
            }
        }
        TypeKind::Union(def) => def.variants.iter().for_each(|variant| collect(&variant.ty, &mut names)),
        TypeKind::Alias(def) => collect(&def.target, &mut names),
        TypeKind::Enum(_) => {}
    }
    names
}

fn collect<'a>(ty: &'a TypeRef, names: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => names.push(name),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => collect(inner, names),
        _ => {}
    }
}
