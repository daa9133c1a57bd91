//! A variant of the 61-operation document that cargo-progenitor can read: the same document
//! without the responses that have a media type without a schema.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::DOCUMENTS;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

/// `text` without the responses that have a media type without a schema, which progenitor
/// cannot read (it panics: "media type encoding, no schema", and with a schema-less body
/// added, "response_types.len() <= 1"); also the list of what was dropped. The document is read
/// with serde_json, whose `preserve_order` keeps every member in place, and written back compact;
/// numbers are written as serde_json reads them (`1.5e3` becomes `1500.0`, and one example value
/// of the document loses its 17th significant digit, which neither generator reads).
fn without_schemaless_responses(text: &str) -> Result<(String, Vec<String>), String> {
    let mut document: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut dropped = Vec::new();
    let paths = document.get_mut("paths").and_then(Value::as_object_mut).into_iter().flatten();
    for (path, item) in paths {
        let Some(operations) = item.as_object_mut() else { continue };
        for (method, operation) in operations.iter_mut().filter(|(method, _)| METHODS.contains(&method.as_str())) {
            let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            responses.retain(|status, response| {
                let schemaless = response
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|media_types| media_types.values().any(|media| media.get("schema").is_none()));
                if schemaless {
                    dropped.push(format!("{} {path} {status}", method.to_uppercase()));
                }
                !schemaless
            });
        }
    }
    let out = serde_json::to_string(&document).map_err(|e| e.to_string())?;
    Ok((out, dropped))
}

/// Writes the progenitor-compatible variant of the 61-operation document under `target/bench/`.
pub(super) fn compatible_document(root: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let source = root.join(DOCUMENTS[1].path);
    let text = fs::read_to_string(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let (compatible, dropped) =
        without_schemaless_responses(&text).map_err(|e| format!("{}: {e}", source.display()))?;
    let path = root.join("target/bench/realtimekit-61-compatible.json");
    fs::write(&path, compatible).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((path, dropped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_responses_without_schema_and_keeps_the_rest() {
        let text = r#"{"openapi": "3.0.3", "paths": {"/a": {"parameters": [], "get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "string", "pattern": "\\d+\"x"}}}},
            "401": {"description": "no", "content": {"application/json": {"examples": {}}}},
            "404": {"description": "none"}}}}}, "n": [1.5e3, true, null, -2]}"#;
        let (out, dropped) = without_schemaless_responses(text).expect("parses");
        assert_eq!(dropped, ["GET /a 401"]);
        assert_eq!(
            out,
            r#"{"openapi":"3.0.3","paths":{"/a":{"parameters":[],"get":{"responses":{"200":{"content":{"application/json":{"schema":{"type":"string","pattern":"\\d+\"x"}}}},"404":{"description":"none"}}}}},"n":[1500.0,true,null,-2]}"#
        );
        assert!(without_schemaless_responses("{\"a\": [1,}").is_err());
        assert!(without_schemaless_responses("[1] x").is_err());
    }
}
