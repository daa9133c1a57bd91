//! The 3.1 → 3.0 mapping, construct by construct, and where its diagnostics point.

use super::normalise;
use crate::error::Diagnostics;
use serde_json::{Value, json};

/// `schema` as component `S` of a 3.1 document, normalised: the schema and the warnings' pointers.
fn schema(schema: Value) -> (Value, Vec<String>) {
    let mut document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "components": {"schemas": {"S": schema, "T": {"type": "string"}}}});
    let mut diagnostics = Diagnostics::default();
    normalise(&mut document, &mut diagnostics).expect("shallow");
    let found = diagnostics.finish("");
    let pointers = found.iter().map(|d| d.pointer.to_string()).collect();
    (document["components"]["schemas"]["S"].clone(), pointers)
}

#[test]
fn schemas_map_to_their_30_forms() {
    let cases = [
        (json!({"type": ["string", "null"]}), json!({"type": "string", "nullable": true})),
        (json!({"type": ["null"]}), json!({"type": "null", "nullable": true})),
        (json!({"type": "null"}), json!({"type": "null"})),
        (json!({"type": ["integer", "number"]}), json!({"type": "number"})),
        (
            json!({"type": ["string", "integer"], "minLength": 1, "minimum": 0, "enum": ["a", 1]}),
            json!({"oneOf": [{"type": "string", "minLength": 1, "enum": ["a"]},
                             {"type": "integer", "minimum": 0, "enum": [1]}]}),
        ),
        (json!({"const": "x"}), json!({"enum": ["x"]})),
        (json!({"type": "integer", "examples": [3, 4]}), json!({"type": "integer", "example": 3})),
        (json!({"type": "integer", "example": 1, "examples": [3]}), json!({"type": "integer", "example": 1})),
        (
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true}),
        ),
        (json!({"type": "number", "minimum": 5, "exclusiveMinimum": 0}), json!({"type": "number", "minimum": 5})),
        (
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 1}),
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 1}),
        ),
        (json!({"type": "string", "contentEncoding": "base64"}), json!({"type": "string", "format": "byte"})),
        (json!({"contentMediaType": "image/png"}), json!({"type": "string", "format": "binary"})),
        (json!({"type": "string", "contentMediaType": "application/json"}), json!({"type": "string"})),
        (
            json!({"$ref": "#/components/schemas/T", "description": "d", "nullable": true}),
            json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}),
        ),
        (
            json!({"$ref": "#/components/schemas/T", "type": "null", "minLength": 2}),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}),
        ),
        (
            json!({"$ref": "#/components/schemas/T", "type": ["object", "null"], "additionalProperties": false}),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}),
        ),
        (
            json!({"$ref": "#/components/schemas/T", "properties": {"a": {"const": 1}}, "allOf": [{"type": "object"}]}),
            json!({"allOf": [{"$ref": "#/components/schemas/T"}, {"type": "object"}, {"properties": {"a": {"enum": [1]}}}]}),
        ),
        (
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}),
        ),
        (
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}]}),
            json!({"type": "array", "items": {"type": "string"}}),
        ),
        (
            json!({"type": "object", "patternProperties": {"^a": {"type": "integer"}}}),
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
        ),
        (json!({"properties": {"a": true, "b": false}}), json!({"properties": {"a": {}, "b": {}}})),
        (
            json!({"not": true, "items": false, "additionalProperties": false}),
            json!({"not": {}, "items": {}, "additionalProperties": false}),
        ),
        (json!({"prefixItems": "x", "items": false}), json!({"items": {}})),
        (
            json!({"type": "string", "minLength": 1.0, "maxLength": 2.5}),
            json!({"type": "string", "minLength": 1, "maxLength": 2.5}),
        ),
        (
            json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false}),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}),
        ),
        (
            json!({"$schema": "x", "$id": "y", "$anchor": "z", "$comment": "c", "type": "string"}),
            json!({"type": "string"}),
        ),
        (
            json!({"type": "object", "if": {}, "then": {}, "else": {}, "unevaluatedProperties": false}),
            json!({"type": "object"}),
        ),
    ];
    for (input, expected) in cases {
        let (output, _) = schema(input.clone());
        assert_eq!(output, expected, "{input}");
    }
}

#[test]
fn what_cannot_be_kept_is_warned_about_where_it_is_written() {
    let (_, pointers) = schema(json!({"properties": {"a": {"$ref": "#/components/schemas/T", "properties": {
        "b": {"type": "object", "unevaluatedProperties": false}}}}}));
    assert_eq!(pointers, ["#/components/schemas/S/properties/a/properties/b/unevaluatedProperties"]);
    let (_, pointers) = schema(json!({"type": ["string", "object"], "properties": {"c": {"dependentRequired": {}}}}));
    assert_eq!(pointers, ["#/components/schemas/S/properties/c/dependentRequired"]);
    let (_, pointers) = schema(json!({"type": "array", "prefixItems": [{"if": {}}, {"type": "string"}]}));
    assert_eq!(pointers, ["#/components/schemas/S/prefixItems/0/if", "#/components/schemas/S/prefixItems"]);
}

#[test]
fn definitions_move_into_the_components_and_references_follow() {
    let mut document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {
        "A": {"properties": {"b": {"$ref": "#/components/schemas/A/$defs/B"}, "c": {"type": "string"}},
              "$defs": {"B": {"properties": {"c": {"$ref": "#/components/schemas/A/$defs/B/$defs/C"}},
                              "$defs": {"C": {"type": "integer"}}}}},
        "B": {"$ref": "#/components/schemas/A/properties/c"}}}});
    let mut diagnostics = Diagnostics::default();
    normalise(&mut document, &mut diagnostics).expect("shallow");
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["A"],
        json!({"properties": {"b": {"$ref": "#/components/schemas/B_2"}, "c": {"$ref": "#/components/schemas/A_c"}}})
    );
    assert_eq!(schemas["B"], json!({"$ref": "#/components/schemas/A_c"}));
    assert_eq!(schemas["B_2"], json!({"properties": {"c": {"$ref": "#/components/schemas/C"}}}));
    assert_eq!(schemas["C"], json!({"type": "integer"}));
    assert_eq!(schemas["A_c"], json!({"type": "string"}));
    // What is said about a moved schema points where it was written.
    diagnostics.error(&crate::pointer::Pointer::root().push("components").push("schemas").push("C").push("type"), "x");
    let found = diagnostics.finish("");
    assert_eq!(found[0].pointer.to_string(), "#/components/schemas/A/$defs/B/$defs/C/type");
}

#[test]
fn document_fields_map_to_their_30_forms() {
    let mut document = json!({"openapi": "3.1.0", "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "t", "version": "1", "summary": "S.", "license": {"name": "MIT", "identifier": "MIT"}},
        "webhooks": {}, "components": {"pathItems": {"P": {"get": {"operationId": "g"}}}}});
    let mut diagnostics = Diagnostics::default();
    normalise(&mut document, &mut diagnostics).expect("shallow");
    assert_eq!(
        document,
        json!({"openapi": "3.0.3", "paths": {},
        "info": {"title": "t", "version": "1", "description": "S.", "license": {"name": "MIT", "url": "https://spdx.org/licenses/MIT.html"}},
        "webhooks": {}, "components": {}})
    );
    assert!(diagnostics.finish("").is_empty());
}

#[test]
fn deep_documents_neither_overflow_nor_panic() {
    // As deep as the parser allows, every level a `$ref` with siblings and a list of types: the
    // rewritten document nests three times as deep, and is refused rather than read. It runs on a
    // thread with a main thread's stack (tests run on smaller ones).
    let mut schema = String::from("{type: [string, 'null']}");
    for _ in 0..120 {
        schema = format!("{{$ref: '#/components/schemas/T', description: d, type: [string, integer], not: {schema}}}");
    }
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\ncomponents:\n  schemas:\n    T: {{type: object}}\n    S: {schema}\n"
    );
    let outcome = std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(move || crate::generate(&text, "deep.yaml").map(|_| ()).map_err(|errors| errors.to_string()))
        .expect("the thread starts")
        .join();
    let message = outcome.expect("no panic").expect_err("too deep");
    assert!(message.contains("#/components/schemas/S/not/not/"), "{message}");
    assert!(message.contains("nested too deeply once read as OpenAPI 3.0"), "{message}");
}

#[test]
fn a_30_document_read_as_31_generates_the_same_code() {
    // The RealtimeKit spec uses nothing that differs between the versions but `nullable`, which
    // is kept; relabelled 3.1, it must give the same files.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/realtimekit.yaml");
    let text = std::fs::read_to_string(path).expect("the spec");
    let relabelled = text.replacen("openapi: 3.0.3", "openapi: 3.1.0", 1);
    assert_ne!(text, relabelled);
    let files = |text: &str| crate::generate(text, "spec").map(|output| output.files).map_err(|e| e.to_string());
    assert_eq!(files(&text), files(&relabelled));
}

#[test]
fn mutual_tls_leaves_the_schemes_and_the_requirements_that_name_it() {
    let mut document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "security": [{"tls": []}, {"key": []}],
        "paths": {"/a": {"post": {"security": [{"tls": [], "key": []}], "responses": {}}}},
        "components": {"securitySchemes": {
            "tls": {"type": "mutualTLS"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}});
    let mut diagnostics = Diagnostics::default();
    normalise(&mut document, &mut diagnostics).expect("shallow");
    let found = diagnostics.finish("");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].pointer.to_string(), "#/components/securitySchemes/tls/type");
    assert_eq!(
        document["components"]["securitySchemes"],
        json!({"key": {"type": "apiKey", "in": "header", "name": "X-Key"}})
    );
    // Only the TLS handshake was needed: that alternative now needs nothing the client sends.
    assert_eq!(document["security"], json!([{}, {"key": []}]));
    assert_eq!(document["paths"]["/a"]["post"]["security"], json!([{"key": []}]));
    let api = crate::generate(&document.to_string(), "t.json");
    assert!(api.is_ok(), "{:?}", api.err());
}
