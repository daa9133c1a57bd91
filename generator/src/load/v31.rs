//! OpenAPI 3.1 documents read as 3.0 ones: openapiv3 reads only 3.0, so a 3.1 document is
//! rewritten on the generic value before it is typed. Each construct of 3.1 is given its 3.0 form
//! where there is one, or left out with a warning at the place it is written (the mapping is the
//! table in ARCHITECTURE.md). Nodes that move are recorded (`Diagnostics::moved`), so that every
//! later diagnostic, and the lines found for it, point at what the author wrote.

mod hoist;
mod schema;

use super::shape::{self, Kind};
use crate::error::Diagnostics;
use crate::pointer::Pointer;
use serde_json::{Map, Value};

/// The dialect OpenAPI 3.1 schemas use unless a document says otherwise.
const OAS_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Whether `version` (the `openapi` field) is 3.1.x.
pub(super) fn is_31(version: &str) -> bool {
    version == "3.1" || version.starts_with("3.1.")
}

/// How deeply the rewritten document may nest. The rewriting nests deeper than what was written
/// (an `allOf` around a `$ref`, a `oneOf` for a list of types); the reading that follows
/// (openapiv3, lowering) recurses, and this bound keeps it within a main thread's stack.
const MAX_DEPTH: usize = 256;

/// Rewrites the 3.1 document `json` as a 3.0 one; fails with the pointer of a node nested too
/// deeply once rewritten.
pub(super) fn normalise(json: &mut Value, diagnostics: &mut Diagnostics) -> Result<(), Pointer> {
    rewrite(json, diagnostics);
    match too_deep(json) {
        Some(pointer) => Err(pointer),
        None => Ok(()),
    }
}

/// The first node nested deeper than [`MAX_DEPTH`], found without recursion.
fn too_deep(json: &Value) -> Option<Pointer> {
    let mut stack: Vec<(&Value, Pointer, usize)> = vec![(json, Pointer::root(), 1)];
    while let Some((value, at, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = (String, &Value)>> = match value {
            Value::Object(map) => Box::new(map.iter().map(|(key, child)| (key.clone(), child))),
            Value::Array(items) => Box::new(items.iter().enumerate().map(|(index, child)| (index.to_string(), child))),
            _ => continue,
        };
        if depth > MAX_DEPTH {
            return Some(at);
        }
        for (token, child) in children {
            stack.push((child, at.push(token), depth + 1));
        }
    }
    None
}

fn rewrite(json: &mut Value, diagnostics: &mut Diagnostics) {
    let Value::Object(root) = json else { return };
    root.insert("openapi".to_owned(), "3.0.3".into());
    root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    if let Some(dialect) = root.remove("jsonSchemaDialect")
        && dialect.as_str() != Some(OAS_DIALECT)
    {
        diagnostics.warning(
            &Pointer::root().push("jsonSchemaDialect"),
            format!(
                "schemas are read as OpenAPI's dialect of JSON Schema, not as `{}`",
                dialect.as_str().map_or_else(|| dialect.to_string(), str::to_owned)
            ),
        );
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        info_fields(info);
    }
    if let Some(Value::Object(webhooks)) = root.get("webhooks")
        && !webhooks.is_empty()
    {
        let names: Vec<&str> = webhooks.keys().map(String::as_str).filter(|n| !n.starts_with("x-")).collect();
        diagnostics.warning(
            &Pointer::root().push("webhooks"),
            format!(
                "webhooks are requests the API sends, not ones a client makes: no methods are generated for {}",
                names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    path_item_references(json, diagnostics);
    hoist::hoist(json, diagnostics);
    let mut removed = Vec::new();
    for (at, kind) in shape::nodes(json, false) {
        let Some(node) = json.pointer_mut(at.as_json_pointer()) else { continue };
        match kind {
            Kind::Schema => schema::normalise(node, &at, diagnostics),
            Kind::Operation => {
                // `responses` may be left out in 3.1.
                if let Value::Object(operation) = node {
                    operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
                }
            }
            Kind::SecurityScheme => removed.extend(security_scheme(json, &at, diagnostics)),
            _ => {}
        }
    }
    if !removed.is_empty() {
        without_schemes(json, &removed);
    }
    // Moved into `paths` where they are used; the webhooks generate nothing.
    if let Some(Value::Object(components)) = json.get_mut("components") {
        components.remove("pathItems");
    }
}

/// `info.summary` becomes the first paragraph of the description; `license.identifier` (an SPDX
/// expression) becomes the license's URL when it has none.
fn info_fields(info: &mut Map<String, Value>) {
    if let Some(Value::String(summary)) = info.remove("summary") {
        let description = match info.get("description").and_then(Value::as_str) {
            Some(description) if !description.trim().is_empty() => format!("{summary}\n\n{description}"),
            _ => summary,
        };
        info.insert("description".to_owned(), description.into());
    }
    if let Some(Value::Object(license)) = info.get_mut("license")
        && let Some(identifier) = license.remove("identifier")
        && let Some(identifier) = identifier.as_str()
        && !license.contains_key("url")
    {
        license.insert("url".to_owned(), format!("https://spdx.org/licenses/{identifier}.html").into());
    }
}

/// `mutualTLS` security schemes (3.1) have no 3.0 form: they are left out with a warning, and
/// their name is returned.
fn security_scheme(json: &mut Value, at: &Pointer, diagnostics: &mut Diagnostics) -> Option<String> {
    let scheme = json.pointer(at.as_json_pointer())?;
    if scheme.get("type").and_then(Value::as_str) != Some("mutualTLS") {
        return None;
    }
    diagnostics.warning(
        &at.push("type"),
        "mutual TLS has no OpenAPI 3.0 form: the scheme is left out (configure the client's TLS identity yourself)",
    );
    let name = at.tokens().last();
    if let (Some(Value::Object(schemes)), Some(name)) = (json.pointer_mut("/components/securitySchemes"), &name) {
        schemes.remove(name);
    }
    name
}

/// Security requirements no longer name the schemes left out: mutual TLS happens below HTTP, so
/// an alternative that needed only it needs nothing the client sends (`{}`), and one that also
/// needed another scheme still needs that one.
fn without_schemes(json: &mut Value, removed: &[String]) {
    let mut requirements = vec![Pointer::root().push("security")];
    requirements.extend(
        shape::nodes(json, false)
            .into_iter()
            .filter(|(_, kind)| *kind == Kind::Operation)
            .map(|(at, _)| at.push("security")),
    );
    for at in requirements {
        if let Some(Value::Array(alternatives)) = json.pointer_mut(at.as_json_pointer()) {
            for alternative in alternatives.iter_mut().filter_map(Value::as_object_mut) {
                alternative.retain(|name, _| !removed.contains(name));
            }
        }
    }
}

/// Path items that are `$ref`s to `#/components/pathItems/...` (3.1), in `paths`, `webhooks`
/// and callbacks, are replaced with what they refer to, and the move recorded. Fields written
/// beside the reference (`summary`, `description`) win over the referred item's.
fn path_item_references(json: &mut Value, diagnostics: &mut Diagnostics) {
    let items: Vec<Pointer> = shape::nodes(json, false)
        .into_iter()
        .filter(|(at, kind)| *kind == Kind::PathItem && !at.as_json_pointer().starts_with("/components/pathItems/"))
        .map(|(at, _)| at)
        .collect();
    for at in items {
        let mut seen = Vec::new();
        // Follow a chain of references, which ends at a cycle or at the depth of the document.
        while let Some(Value::Object(item)) = json.pointer(at.as_json_pointer()) {
            let Some(Value::String(reference)) = item.get("$ref") else { break };
            let Some(target) = Pointer::from_ref(reference) else { break };
            if !target.as_json_pointer().starts_with("/components/pathItems/") || seen.contains(&target) {
                break;
            }
            let Some(Value::Object(referred)) = json.pointer(target.as_json_pointer()).cloned() else { break };
            let mut merged = referred;
            for (key, value) in item.iter().filter(|(key, _)| key.as_str() != "$ref") {
                merged.insert(key.clone(), value.clone());
            }
            if let Some(slot) = json.pointer_mut(at.as_json_pointer()) {
                *slot = Value::Object(merged);
            }
            diagnostics.moved(&at, &target);
            seen.push(target);
        }
    }
}

#[cfg(test)]
mod tests;
