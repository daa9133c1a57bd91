//! Lowering of an operation's error responses: which documented body (a non-2xx or `default`
//! response with a JSON schema) an answer's status decodes into, and the type `body()` returns.
//!
//! The rule, for every spec: a status is matched exactly first, then by its class (`4XX`), then
//! by `default`; a status none of them covers has no typed body. When every documented body has
//! the same type, that type is the body; otherwise the operation gets an enum with a variant per
//! type, named in the group's module (`{Builder}Error`). An operation without a documented JSON
//! error body keeps the plain `Error`.

use super::Lowerer;
use super::compose::type_word;
use super::operations::is_json;
use super::types::Naming;
use crate::model::{ErrorBodies, ErrorBody, ErrorRule, ErrorStatus, ErrorVariant, TypeRef};
use crate::naming::Scope;
use crate::pointer::Pointer;
use openapiv3::StatusCode;

impl Lowerer<'_> {
    /// The error bodies of `operation` (its responses are at `pointer`); `types` is the scope of
    /// the group module's type names, where an enum of several bodies is named.
    pub(super) fn lower_errors(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &Pointer,
        builder_name: &str,
        types: &mut Scope,
    ) -> Option<ErrorBodies> {
        let mut codes = Vec::new();
        let mut classes = Vec::new();
        let mut default = Vec::new();
        let responses = operation.responses.responses.iter().map(|(status, response)| (Some(status), response));
        let all = responses.chain(operation.responses.default.iter().map(|response| (None, response)));
        for (status, response) in all {
            let (status, at) = match status {
                Some(StatusCode::Code(code)) if (200..300).contains(code) => continue,
                Some(StatusCode::Range(2)) => continue,
                Some(status @ StatusCode::Code(code)) => (ErrorStatus::Code(*code), pointer.push(status)),
                Some(status @ StatusCode::Range(class)) => (ErrorStatus::Class(*class), pointer.push(status)),
                None => (ErrorStatus::Default, pointer.push("default")),
            };
            let Some((response, at)) = self.resolve(response, "responses", |c| &c.responses, &at) else { continue };
            let Some((media_type, content)) = response.content.iter().find(|(media, _)| is_json(media)) else {
                continue;
            };
            let Some(schema) = &content.schema else { continue };
            let hint = format!("{builder_name} error {}", status.spec_text());
            let at = at.push("content").push(media_type).push("schema");
            let ty = self.lower_node(schema.into(), Naming::Hint(&hint), &at).ty;
            let rule = ErrorRule { status, ty, variant: None };
            match status {
                ErrorStatus::Code(_) => codes.push(rule),
                ErrorStatus::Class(_) => classes.push(rule),
                ErrorStatus::Default => default.push(rule),
            }
        }
        let mut rules: Vec<ErrorRule> = codes.into_iter().chain(classes).chain(default).collect();
        let first = rules.first()?.ty.clone();
        if rules.iter().all(|rule| rule.ty == first) {
            return Some(ErrorBodies { body: ErrorBody::Model(first), rules });
        }
        let mut variants: Vec<ErrorVariant> = Vec::new();
        let mut scope = Scope::default();
        for rule in &mut rules {
            let name = match variants.iter().find(|variant| variant.ty == rule.ty) {
                Some(variant) => variant.rust_name.clone(),
                None => {
                    let word = match &rule.ty {
                        TypeRef::Named(named) => named.clone(),
                        other => type_word(other).to_owned(),
                    };
                    let rust_name = scope.camel(&word);
                    variants.push(ErrorVariant { rust_name: rust_name.clone(), ty: rule.ty.clone() });
                    rust_name
                }
            };
            rule.variant = Some(name);
        }
        let name = types.camel(&format!("{builder_name} error"));
        let statuses: Vec<String> = rules
            .iter()
            .map(|rule| format!("`{}` → `{}`", rule.status.spec_text(), rule.variant.as_deref().unwrap_or_default()))
            .collect();
        let docs = format!(
            "The error body of a failed [`{builder_name}`] request, decoded by the answer's status \
             (exact, then its class, then `default`): {}.",
            statuses.join(", ")
        );
        Some(ErrorBodies { body: ErrorBody::Enum { name, docs, variants }, rules })
    }
}
