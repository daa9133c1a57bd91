//! Questions about the lowered types as a whole: which fields need a `Box`, which aliases form
//! a cycle, which types are scalars or objects, and what an alias stands for.

use super::Lowerer;
use crate::error::Pointer;
use crate::model::{StructDef, TypeDef, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

impl Lowerer<'_> {
    /// Reports component schemas that are only names for each other, which no type can express.
    pub(super) fn check_alias_cycles(&mut self) {
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
            self.diagnostics.error(
                &pointer,
                "$ref cycle with no way to box it: these schemas only refer to each other and never define a value",
            );
        }
    }

    /// Boxes the fields through which a struct contains itself, which Rust cannot size otherwise.
    pub(super) fn box_recursive_fields(&mut self) {
        let edges: BTreeMap<String, Vec<String>> =
            self.types.iter().map(|def| (def.name().to_owned(), direct_uses(def))).collect();
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

    pub(super) fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|def| def.name() == name)
    }
}

/// Types a definition contains by value (not behind a `Vec`, map or `Box`).
pub(super) fn direct_uses(def: &TypeDef) -> Vec<String> {
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
