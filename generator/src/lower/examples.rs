//! The example a mock server serves for an operation: the first success response's JSON example,
//! taken from its media type (`example`, else the first of `examples`) or else from its schema's
//! `example`, as JSON text.

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

/// The longest `$ref` chain followed; a longer one (a cycle) has no example. The references
/// themselves are checked, with diagnostics, where the response is lowered.
const MAX_DEPTH: usize = 32;

/// Follows `$ref`s into `components.<section>` without reporting anything.
fn follow<'s, T>(
    spec: &'s OpenAPI,
    mut item: &'s ReferenceOr<T>,
    section: &str,
    pick: fn(&'s openapiv3::Components) -> &'s indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<&'s T> {
    let prefix = format!("#/components/{section}/");
    for _ in 0..MAX_DEPTH {
        match item {
            ReferenceOr::Item(found) => return Some(found),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix(&prefix)?;
                item = pick(spec.components.as_ref()?).get(name)?;
            }
        }
    }
    None
}

/// The example of the operation's first 2xx JSON response, as compact JSON text, if it has one.
pub(super) fn response_example(spec: &OpenAPI, operation: &openapiv3::Operation) -> Option<String> {
    operation.responses.responses.iter().find_map(|(status, response)| {
        let success = match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        };
        if !success {
            return None;
        }
        let response = follow(spec, response, "responses", |c| &c.responses)?;
        let (_, content) = response.content.iter().find(|(media, _)| super::operations::is_json(media))?;
        let value = content
            .example
            .clone()
            .or_else(|| {
                content
                    .examples
                    .values()
                    .find_map(|example| follow(spec, example, "examples", |c| &c.examples)?.value.clone())
            })
            .or_else(|| {
                let schema = follow(spec, content.schema.as_ref()?, "schemas", |c| &c.schemas)?;
                schema.schema_data.example.clone()
            })?;
        serde_json::to_string(&value).ok()
    })
}
