//! The scoped handle: binding once the leading path parameters that every operation shares.
//!
//! The rule, for every spec: the bound parameters are the longest run of leading path
//! parameters that every operation has, in the same places, with the same wire names and types
//! (RealtimeKit: `account_id`, `app_id`). With at least one, the client gets a method taking
//! them (`client.scope(account_id, app_id)`) that returns a handle whose groups' operations take
//! only the other arguments (`.meetings().get_meeting(meeting_id)`); the per-call form stays.
//! Without one, or without operations, no scope is emitted.

use super::operations::CLIENT_METHODS;
use crate::model::{Group, Param, ScopeDef};
use crate::naming::{self, Scope};

/// Decides the scope of `groups` and names each group's scoped handle.
pub(super) fn bind_shared_params(groups: &mut [Group]) -> Option<ScopeDef> {
    let mut operations = groups.iter().flat_map(|group| &group.operations);
    let first = operations.next()?;
    let same = |a: &Param, b: &Param| a.wire_name == b.wire_name && a.ty == b.ty;
    let shared = operations.fold(first.path_params.len(), |shared, op| {
        let common = first.path_params.iter().zip(&op.path_params).take_while(|(a, b)| same(a, b)).count();
        shared.min(common)
    });
    if shared == 0 {
        return None;
    }
    let params: Vec<Param> = first.path_params.iter().take(shared).cloned().collect();
    // The handle type sits next to the group handles in the operations module, and its method
    // next to the group accessors on the client.
    let mut types = Scope::with_reserved(&[naming::PRELUDE, &["Client", "DEFAULT_BASE_URL"]].concat());
    let mut methods = Scope::with_reserved(CLIENT_METHODS);
    for group in groups.iter() {
        types.reserve_name(&group.type_name);
        methods.reserve(&group.module);
    }
    let type_name = types.camel("scope");
    let method = methods.snake("scope");
    for group in groups.iter_mut() {
        // The group module's own type names: its handle, builders and error enums.
        let mut names = Scope::with_reserved(&[naming::PRELUDE, &[group.type_name.as_str()]].concat());
        for op in &group.operations {
            names.reserve_name(&op.builder_name);
            if let Some(crate::model::ErrorBody::Enum { name, .. }) = op.errors.as_ref().map(|errors| &errors.body) {
                names.reserve_name(name);
            }
        }
        group.scoped_type_name = Some(names.camel(&format!("scoped {}", group.type_name)));
    }
    let bound: Vec<String> = params.iter().map(|param| format!("`{}`", param.wire_name)).collect();
    let docs = format!(
        "The operations with {} given once: every operation takes these path parameters first, \
         and the operations of a scope's groups take only the other arguments.",
        bound.join(", ")
    );
    Some(ScopeDef { type_name, method, params, docs })
}
