//! The example a mock server serves for an operation: the first success response's JSON example,
//! taken from its media type (`example`, else the first of `examples`) or else from its schema's
//! `example`, as JSON text.

use crate::pointer::Pointer;
use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

/// Follows `$ref`s into `components.<section>` without reporting anything: the references
/// themselves are checked, with diagnostics, where the response is lowered.
fn follow<'s, T>(
    spec: &'s OpenAPI,
    item: &'s ReferenceOr<T>,
    section: &str,
    pick: fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<&'s T> {
    super::follow(spec, item, section, pick, &Pointer::root()).ok().map(|(found, _)| found)
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

#[cfg(test)]
mod tests {
    use super::response_example;

    /// The example of the spec's only operation, from a YAML document.
    fn example_of(yaml: &str) -> Option<String> {
        let spec: openapiv3::OpenAPI = serde_yaml::from_str(yaml).expect("a valid document");
        let operation =
            spec.paths.paths.values().next().and_then(|item| item.as_item()).and_then(|item| item.get.clone());
        response_example(&spec, &operation.expect("a GET"))
    }

    const HEAD: &str =
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    get:\n      responses:\n";

    #[test]
    fn the_media_types_example_comes_first_then_its_examples_then_the_schemas() {
        let media = format!(
            "{HEAD}        '404': {{description: no, content: {{application/json: {{example: {{lost: true}}}}}}}}\n        '200':\n          description: ok\n          content:\n            application/json:\n              example: {{id: 1}}\n              examples: {{a: {{value: {{id: 2}}}}}}\n              schema: {{type: object, example: {{id: 3}}}}\n"
        );
        assert_eq!(example_of(&media).as_deref(), Some(r#"{"id":1}"#));
        let examples = format!(
            "{HEAD}        '200':\n          description: ok\n          content:\n            application/json:\n              examples: {{a: {{$ref: '#/components/examples/A'}}}}\ncomponents:\n  examples:\n    A: {{value: {{id: 2}}}}\n"
        );
        assert_eq!(example_of(&examples).as_deref(), Some(r#"{"id":2}"#));
        let schema = format!(
            "{HEAD}        '200':\n          $ref: '#/components/responses/Ok'\ncomponents:\n  responses:\n    Ok: {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/T'}}}}}}}}\n  schemas:\n    T: {{type: object, example: {{id: 3}}}}\n"
        );
        assert_eq!(example_of(&schema).as_deref(), Some(r#"{"id":3}"#));
    }

    #[test]
    fn no_example_or_a_dangling_reference_gives_none() {
        let none = format!(
            "{HEAD}        '200': {{description: ok, content: {{application/json: {{schema: {{type: object}}}}}}}}\n"
        );
        assert_eq!(example_of(&none), None);
        let dangling = format!("{HEAD}        '200': {{$ref: '#/components/responses/Missing'}}\n");
        assert_eq!(example_of(&dangling), None);
    }
}
