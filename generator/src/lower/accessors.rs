//! The conveniences lowering adds on top of the spec's operations: the method that borrows a
//! list response's items (`page.items()`).

use super::Lowerer;
use crate::model::{Group, Response, TypeRef};
use crate::naming;
use std::collections::BTreeSet;

impl Lowerer<'_> {
    /// Gives the first list operation of each response type (in spec order) the `items()`
    /// method of that type: the type's fields are where `stream()` finds a page's items, so the
    /// method borrows them without the `Option`s on the way. A type that is not a struct of its
    /// own (an alias of a list, say) gets none; a type gets one method however many operations
    /// return it.
    pub(super) fn items_accessors(&self, groups: &mut [Group]) {
        let mut done = BTreeSet::new();
        for op in groups.iter_mut().flat_map(|group| group.operations.iter_mut()) {
            let Response::Json { ty, paging: Some(paging) } = &mut op.response else { continue };
            let TypeRef::Named(name) = self.unalias(ty) else { continue };
            let Some(def) = self.struct_def(ty) else { continue };
            if !done.insert(name) {
                continue;
            }
            let fields: Vec<String> = def.fields.iter().map(|field| field.rust_name.to_string()).collect();
            paging.items_accessor = Some(naming::items_accessor(&fields));
        }
    }
}
