//! Which values hold integers, so that they are decoded leniently (an integral float such as
//! `30.0` read as `30`): decided once every type is lowered, because an alias may be defined
//! after the fields that use it.

use super::Lowerer;
use crate::model::{TypeDef, TypeKind, TypeRef};
use std::collections::HashMap;

impl Lowerer<'_> {
    /// Marks every struct field, additional-properties map and union variant whose type holds
    /// integers.
    pub(super) fn mark_lenient_integers(&mut self) {
        let aliases: HashMap<String, TypeRef> = self
            .types
            .iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Alias(alias) if !alias.newtype => Some((def.name.clone(), alias.target.clone())),
                _ => None,
            })
            .collect();
        for def in &mut self.types {
            mark(def, &aliases);
        }
    }
}

fn mark(def: &mut TypeDef, aliases: &HashMap<String, TypeRef>) {
    match &mut def.kind {
        TypeKind::Struct(def) => {
            for field in &mut def.fields {
                field.lenient = holds_integers(&field.ty, aliases);
            }
            if let Some(extra) = &mut def.additional {
                extra.lenient = holds_integers(&extra.value, aliases);
            }
        }
        TypeKind::Union(def) => {
            for variant in &mut def.variants {
                variant.lenient = holds_integers(&variant.ty, aliases);
            }
        }
        TypeKind::Enum(_) | TypeKind::Alias(_) => {}
    }
}

/// Whether `ty` is an integer, or holds one through lists, maps, boxes and aliases. Another named
/// type (a struct, a union, a newtype) decodes its own integers. An alias chain is followed at
/// most as far as there are aliases, so a cycle of them (reported elsewhere) ends.
fn holds_integers(ty: &TypeRef, aliases: &HashMap<String, TypeRef>) -> bool {
    let mut current = ty;
    let mut followed = 0;
    loop {
        match current {
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => return true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => current = inner,
            TypeRef::Named(name) => match aliases.get(name) {
                Some(target) if followed < aliases.len() => {
                    followed += 1;
                    current = target;
                }
                _ => return false,
            },
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_found_through_containers_and_aliases() {
        let aliases = HashMap::from([
            ("Count".to_owned(), TypeRef::U64),
            ("Counts".to_owned(), TypeRef::List(Box::new(TypeRef::Named("Count".to_owned())))),
            ("Loop".to_owned(), TypeRef::Named("Loop".to_owned())),
        ]);
        let holds = |ty: TypeRef| holds_integers(&ty, &aliases);
        assert!(holds(TypeRef::I32));
        assert!(holds(TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::U32))))));
        assert!(holds(TypeRef::Named("Counts".to_owned())));
        let deep = TypeRef::List(Box::new(TypeRef::List(Box::new(TypeRef::Named("Count".to_owned())))));
        assert!(holds(deep));
        assert!(holds(TypeRef::Boxed(Box::new(TypeRef::Named("Count".to_owned())))));
        assert!(!holds(TypeRef::F64));
        assert!(!holds(TypeRef::List(Box::new(TypeRef::String))));
        assert!(!holds(TypeRef::Named("Struct".to_owned())));
        assert!(!holds(TypeRef::Named("Loop".to_owned())));
    }
}
