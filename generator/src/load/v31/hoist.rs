//! Schemas referenced where the generator does not look for them — `$defs` (JSON Schema's place
//! for definitions, which 3.1 documents use), or any schema inside another — are moved into
//! `#/components/schemas` and every `$ref` to them is rewritten, because the generator names a
//! type only for a component schema. The moves are recorded, so that what is said about a moved
//! schema points where it was written.

use crate::error::Diagnostics;
use crate::pointer::Pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// Keywords whose values are data, in which a `$ref` key is not a reference.
const DATA: &[&str] = &["example", "examples", "default", "enum", "const", "value"];

/// Keywords whose values map names the author chose to objects: their keys are not keywords.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "webhooks",
    "pathItems",
    "content",
    "encoding",
];

/// Tokens that say where a subschema sits rather than what it is; a moved schema is named after
/// the tokens of its pointer that are names.
const STRUCTURAL: &[&str] = &[
    "components",
    "schemas",
    "$defs",
    "definitions",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "prefixItems",
    "additionalProperties",
    "paths",
    "content",
    "schema",
    "responses",
    "requestBody",
    "parameters",
    "headers",
];

/// Moves every schema that a `$ref` leads to and that is not a component schema into
/// `#/components/schemas`, under a new name, leaving a `$ref` to it in its place.
pub(super) fn hoist(json: &mut Value, diagnostics: &mut Diagnostics) {
    let mut references = Vec::new();
    find_references(json, &mut String::new(), false, &mut references);
    // Most documents refer only to components: then there is nothing to move.
    let deep =
        |reference: &String| reference.strip_prefix("#/components/").is_none_or(|rest| rest.matches('/').count() > 1);
    if !references.iter().any(|(_, reference)| deep(reference)) {
        return;
    }
    let schemas: HashSet<String> = super::super::shape::nodes(json, true)
        .into_iter()
        .filter(|(_, kind)| *kind == super::super::shape::Kind::Schema)
        .map(|(pointer, _)| pointer.as_json_pointer().to_owned())
        .collect();
    // The targets to move: schemas that are not `#/components/schemas/<name>`, deepest first, so
    // that a schema is moved before the schema it is in.
    let mut targets: Vec<String> = references
        .iter()
        .filter_map(|(_, reference)| reference.strip_prefix('#'))
        .filter(|target| schemas.contains(*target) && !is_component(target))
        .map(str::to_owned)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if targets.is_empty() {
        return;
    }
    targets.sort_by(|a, b| depth(b).cmp(&depth(a)).then_with(|| a.cmp(b)));
    let mut taken: HashSet<String> = json
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for target in targets {
        let name = fresh_name(&target, &mut taken);
        let new = Pointer::root().push("components").push("schemas").push(&name);
        let reference = format!("#{}", new.as_json_pointer());
        let Some(slot) = json.pointer_mut(&target) else { continue };
        let schema =
            std::mem::replace(slot, Value::Object(Map::from_iter([("$ref".to_owned(), reference.clone().into())])));
        let Some(components) = ensure_object(json, "components") else { continue };
        let Some(section) = ensure_object(components, "schemas") else { continue };
        if let Value::Object(section) = section {
            section.insert(name, schema);
        }
        if let Some(written) = Pointer::from_ref(&format!("#{target}")) {
            diagnostics.moved(&new, &written);
        }
        renamed.insert(format!("#{target}"), reference);
    }
    for (at, reference) in references {
        let Some(new) = renamed.get(&reference) else { continue };
        // The node may have moved with a schema it is in.
        let at = moved_pointer(&at, &renamed).unwrap_or(at);
        if let Some(Value::Object(node)) = json.pointer_mut(&at) {
            node.insert("$ref".to_owned(), new.clone().into());
        }
    }
}

/// Where the node written at `at` is after the moves in `renamed`.
fn moved_pointer(at: &str, renamed: &BTreeMap<String, String>) -> Option<String> {
    let mut current = at.to_owned();
    let mut changed = false;
    // Deepest targets were moved first; a node is inside at most one chain of them.
    let mut moves: Vec<(&String, &String)> = renamed.iter().collect();
    moves.sort_by_key(|(from, _)| std::cmp::Reverse(depth(from)));
    for (from, to) in moves {
        let from = from.trim_start_matches('#');
        if let Some(rest) = current.strip_prefix(from)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            current = format!("{}{rest}", to.trim_start_matches('#'));
            changed = true;
        }
    }
    changed.then_some(current)
}

/// The object at `key` of `value`, made if it is missing.
fn ensure_object<'v>(value: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    let Value::Object(map) = value else { return None };
    let entry = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    entry.is_object().then_some(entry)
}

/// Whether `pointer` (without `#`) is `/components/schemas/<name>`.
fn is_component(pointer: &str) -> bool {
    pointer.strip_prefix("/components/schemas/").is_some_and(|name| !name.contains('/'))
}

fn depth(pointer: &str) -> usize {
    pointer.matches('/').count()
}

/// A component name for the schema at `pointer` that is not in `taken` (which it joins): the
/// names in its pointer (`Pet/$defs/Tag` gives `Tag`, `Pet/properties/owner` gives `Pet_owner`),
/// numbered when taken.
fn fresh_name(pointer: &str, taken: &mut HashSet<String>) -> String {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(crate::pointer::unescape).collect();
    let definition = tokens.len() >= 2
        && tokens.get(tokens.len() - 2).is_some_and(|parent| parent == "$defs" || parent == "definitions");
    let names: Vec<&String> = tokens.iter().filter(|token| !STRUCTURAL.contains(&token.as_str())).collect();
    let base = match (definition, names.as_slice()) {
        (true, [.., last]) => (*last).clone(),
        (_, [.., parent, last]) => format!("{parent}_{last}"),
        (_, [last]) => (*last).clone(),
        (_, []) => "Schema".to_owned(),
    };
    let mut name = base.clone();
    let mut number = 2;
    while taken.contains(&name) {
        name = format!("{base}_{number}");
        number += 1;
    }
    taken.insert(name.clone());
    name
}

/// Every local `$ref` of the document outside data, with the pointer (without `#`) of the
/// object that holds it; `names` when the keys of `value` are names rather than keywords.
fn find_references(value: &Value, at: &mut String, names: bool, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if !names
                && let Some(Value::String(reference)) = map.get("$ref")
                && reference.starts_with('#')
            {
                found.push((at.clone(), reference.clone()));
            }
            for (key, child) in map {
                if !names && (DATA.contains(&key.as_str()) || key.starts_with("x-")) {
                    continue;
                }
                let length = at.len();
                crate::pointer::push_token(at, key);
                find_references(child, at, !names && NAME_MAPS.contains(&key.as_str()), found);
                at.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let length = at.len();
                crate::pointer::push_token(at, &index.to_string());
                find_references(child, at, false, found);
                at.truncate(length);
            }
        }
        _ => {}
    }
}
