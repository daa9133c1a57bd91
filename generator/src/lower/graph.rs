//! Questions about the lowered types as a whole: which fields need a `Box`, which aliases form
//! a cycle (both from one strongly-connected-components pass over the types, in linear time), which types are scalars or objects, and what an alias stands for.

use super::Lowerer;
use super::scc::Components;
use crate::error::Pointer;
use crate::model::{StructDef, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeSet, HashMap};

impl Lowerer<'_> {
    /// Settles the component schemas that are names for each other. A cycle of aliases that
    /// passes through a list or a map (`L: {items: {$ref: L}}`) makes those aliases newtypes,
    /// which Rust can name recursively; a cycle of bare `$ref`s never defines a value and is
    /// reported.
    pub(super) fn resolve_alias_cycles(&mut self) {
        let indices = indices(&self.types);
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|def| match &def.kind {
                TypeKind::Alias(alias) => {
                    let mut names = Vec::new();
                    named_in(&alias.target, &mut names);
                    let aliases = names.into_iter().filter_map(|name| indices.get(name).copied());
                    aliases
                        .filter(|&index| matches!(self.types.get(index).map(|def| &def.kind), Some(TypeKind::Alias(_))))
                        .collect()
                }
                _ => Vec::new(),
            })
            .collect();
        let graph = Components::find(edges.len(), |node| edges.get(node).map(Vec::as_slice).unwrap_or(&[]));
        let wrapping =
            |def: &TypeDef| matches!(&def.kind, TypeKind::Alias(alias) if !matches!(alias.target, TypeRef::Named(_)));
        let broken: BTreeSet<usize> = self
            .types
            .iter()
            .enumerate()
            .filter(|(index, def)| graph.is_cyclic(*index) && wrapping(def))
            .filter_map(|(index, _)| graph.of(index))
            .collect();
        let mut cyclic = Vec::new();
        for (index, def) in self.types.iter_mut().enumerate() {
            let (TypeKind::Alias(alias), true) = (&mut def.kind, graph.is_cyclic(index)) else { continue };
            if !matches!(alias.target, TypeRef::Named(_)) {
                alias.newtype = true;
            } else if !graph.of(index).is_some_and(|component| broken.contains(&component)) {
                cyclic.push(def.name.clone());
            }
        }
        for name in cyclic {
            let key = self.component_names.iter().find(|(_, rust)| **rust == name).map(|(key, _)| key.clone());
            let pointer = Pointer::root().push("components").push("schemas").push(key.unwrap_or(name));
            self.diagnostics.error(
                &pointer,
                "$ref cycle with no way to box it: these schemas only refer to each other and never define a value",
            );
        }
    }

    /// Boxes the fields and union variants through which a type contains itself, which Rust
    /// cannot size otherwise: those whose type is in the same strongly connected component of the
    /// contains-by-value graph as their owner.
    pub(super) fn box_recursive_fields(&mut self) {
        let indices = indices(&self.types);
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|def| direct_uses(def).iter().filter_map(|name| indices.get(name.as_str()).copied()).collect())
            .collect();
        let graph = Components::find(edges.len(), |node| edges.get(node).map(Vec::as_slice).unwrap_or(&[]));
        let recursive = |owner: usize, ty: &TypeRef| match ty {
            TypeRef::Named(target) => indices.get(target.as_str()).is_some_and(|&target| graph.on_cycle(owner, target)),
            _ => false,
        };
        let boxed: Vec<(usize, usize)> = self
            .types
            .iter()
            .enumerate()
            .filter(|(owner, _)| graph.is_cyclic(*owner))
            .flat_map(|(owner, def)| {
                let types: Vec<&TypeRef> = match &def.kind {
                    TypeKind::Struct(def) => def.fields.iter().map(|field| &field.ty).collect(),
                    TypeKind::Union(def) => def.variants.iter().map(|variant| &variant.ty).collect(),
                    TypeKind::Alias(_) | TypeKind::Enum(_) => Vec::new(),
                };
                let positions = types.into_iter().enumerate().filter(|(_, ty)| recursive(owner, ty));
                positions.map(|(position, _)| (owner, position)).collect::<Vec<_>>()
            })
            .collect();
        drop(indices);
        for (owner, position) in boxed {
            let ty = match self.types.get_mut(owner).map(|def| &mut def.kind) {
                Some(TypeKind::Struct(def)) => def.fields.get_mut(position).map(|field| &mut field.ty),
                Some(TypeKind::Union(def)) => def.variants.get_mut(position).map(|variant| &mut variant.ty),
                _ => None,
            };
            if let Some(ty) = ty {
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
        }
    }

    /// Whether values of `ty` are scalars (numbers, booleans, strings, string enums, and unions
    /// of those), which have a text form for URLs and headers.
    pub(super) fn is_scalar(&self, ty: &TypeRef) -> bool {
        let mut seen = BTreeSet::new();
        self.is_scalar_inner(ty, &mut seen)
    }

    pub(super) fn is_scalar_inner(&self, ty: &TypeRef, seen: &mut BTreeSet<String>) -> bool {
        match ty {
            TypeRef::Json | TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Boxed(_) => false,
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    return false;
                }
                match self.find_type(name).map(|def| &def.kind) {
                    Some(TypeKind::Enum(_)) => true,
                    Some(TypeKind::Alias(alias)) => !alias.newtype && self.is_scalar_inner(&alias.target.clone(), seen),
                    Some(TypeKind::Union(union)) => {
                        union.tag.is_none() && union.variants.iter().all(|v| self.is_scalar_inner(&v.ty, seen))
                    }
                    Some(TypeKind::Struct(_)) | None => false,
                }
            }
            _ => true,
        }
    }

    /// Marks the unions whose shapes are all scalars.
    pub(super) fn mark_scalar_unions(&mut self) {
        let scalar: Vec<bool> = self
            .types
            .iter()
            .map(|def| match &def.kind {
                TypeKind::Union(_) => self.is_scalar(&TypeRef::Named(def.name.clone())),
                _ => false,
            })
            .collect();
        for (def, scalar) in self.types.iter_mut().zip(scalar) {
            if let TypeKind::Union(union) = &mut def.kind {
                union.scalar = scalar;
            }
        }
    }

    /// Follows aliases to the type a name stands for.
    pub(super) fn unalias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..super::MAX_REF_DEPTH {
            let TypeRef::Named(name) = &current else { break };
            match self.find_type(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(alias)) if !alias.newtype => current = alias.target.clone(),
                _ => break,
            }
        }
        current
    }

    /// The struct a type stands for, following aliases.
    pub(super) fn struct_def(&self, ty: &TypeRef) -> Option<&StructDef> {
        match self.unalias(ty) {
            TypeRef::Named(name) => match self.find_type(&name).map(|def| &def.kind) {
                Some(TypeKind::Struct(def)) => Some(def),
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|def| def.name == name)
    }
}

/// The position of every type in `types`, by name.
fn indices(types: &[TypeDef]) -> HashMap<&str, usize> {
    types.iter().enumerate().map(|(index, def)| (def.name.as_str(), index)).collect()
}

/// Every named type that `ty` mentions, also inside lists, maps and boxes.
fn named_in<'t>(ty: &'t TypeRef, names: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => names.push(name),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => named_in(inner, names),
        _ => {}
    }
}

/// Types a definition contains by value (not behind a `Vec`, map or `Box`; a newtype holds a
/// list or a map).
pub(super) fn direct_uses(def: &TypeDef) -> Vec<String> {
    let named = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    };
    match &def.kind {
        TypeKind::Struct(def) => def.fields.iter().filter_map(|field| named(&field.ty)).collect(),
        TypeKind::Union(def) => def.variants.iter().filter_map(|variant| named(&variant.ty)).collect(),
        TypeKind::Alias(def) if def.newtype => Vec::new(),
        TypeKind::Alias(def) => named(&def.target).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}
