//! Multi-file specs: every `$ref` into another file is resolved on the generic value, before
//! openapiv3 sees it, so that the rest of the generator reads one document.
//!
//! The document is walked knowing what each node is (a schema, a parameter, a path item...),
//! which decides what a `$ref` found there becomes:
//!
//! - Where `components` has a section for it (schemas, parameters, responses, request bodies,
//!   headers, examples, links, security schemes), the target is copied into that
//!   section once, and every `$ref` to it is rewritten to point there. A component of the spec
//!   that is nothing but a `$ref` to another file (`Pet: {$ref: schemas/pet.yaml}`) is replaced
//!   by the target itself, so that it keeps its name and place. Any other target gets the name
//!   it has in its file (the last token of the pointer, or the file's stem), made unique in its
//!   section (`<stem>_<name>`, then `<name>_2`, `_3`...). A target is copied before what it
//!   refers to is read, so cycles across files end at the copy.
//! - A path item's or a callback's `$ref` into another file is replaced by its target (openapiv3
//!   reads no reference to a callback, nor to a path item inside one). A `$ref` where OpenAPI
//!   3.0 allows none but real specs put one (a whole operation, a tag, `info`, a `description`
//!   or `summary`, which may name a Markdown file) is replaced by its target, with a warning.
//! - A `$ref` into the spec's own file becomes a reference within the document.
//!
//! Each file is read once (they are cached by canonical path), and every copy's origin is kept
//! in [`Sources`], so that later diagnostics name the file, the pointer in it and the line.

mod kind;

use super::files::{SpecFiles, normalise, parse_ref};
use crate::error::{Diagnostics, Severity};
use crate::pointer::{Pointer, push_token};
use crate::sources::Sources;
use kind::{Child, Kind};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// How deep copies in place may nest, and how many there may be in all.
const MAX_NESTED_COPIES: usize = 32;
const MAX_COPIES: usize = 10_000;

/// Where a node being walked is: the file and the pointer it came from, and the pointer it has in
/// the bundled document.
#[derive(Debug, Clone)]
struct At {
    file: usize,
    origin: String,
    output: String,
}

impl At {
    fn push(&self, token: &str) -> At {
        let mut at = self.clone();
        push_token(&mut at.origin, token);
        push_token(&mut at.output, token);
        at
    }
}

/// A file read, with its parsed value once a pointer into it was needed.
struct File {
    /// Its canonical path (the spec's own path as given, when there are no files to read).
    path: PathBuf,
    /// How messages name it.
    label: String,
    text: String,
    /// `None` until parsed; `Some(None)` when it does not parse (reported once).
    value: Option<Option<Value>>,
}

/// The state of one bundling run.
struct Bundler<'f> {
    files_on_disk: &'f dyn SpecFiles,
    files: Vec<File>,
    by_path: HashMap<PathBuf, usize>,
    /// The `$ref` each target copied into `components` is now reached by, by file, pointer and
    /// section.
    slots: HashMap<(usize, String, &'static str), String>,
    /// The names taken in each section of `components`.
    taken: HashMap<&'static str, HashSet<String>>,
    /// Targets to copy into `components`: section, name, file and pointer.
    pending: VecDeque<(&'static str, String, usize, String)>,
    /// The targets being copied in place, outermost first, to stop a cycle of them.
    inlining: Vec<(usize, String)>,
    diagnostics: Diagnostics,
    sources: Sources,
    /// The pointers, in the bundled document, of the `$ref`s that could not be read (and were
    /// reported).
    failed: HashSet<String>,
    /// How many targets were copied in place.
    copies: usize,
}

/// What bundling found: where the copies came from, the diagnostics, and the pointers (in the
/// bundled document) of the `$ref`s that could not be read, which are reported already.
pub(super) struct Bundled {
    pub sources: Sources,
    pub diagnostics: Diagnostics,
    pub failed: HashSet<String>,
}

/// Whether `value` has a `$ref` (or a discriminator mapping) that names another file: only then is
/// the document walked, so that a spec in one file costs nothing here.
pub(super) fn has_external_refs(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, child)| match (key.as_str(), child) {
            ("$ref", Value::String(reference)) => !reference.starts_with('#'),
            ("mapping", Value::Object(mapping)) => {
                mapping.values().any(|target| target.as_str().is_some_and(|t| !t.starts_with('#') && is_mapping_ref(t)))
                    || has_external_refs(child)
            }
            _ => has_external_refs(child),
        }),
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// Whether a discriminator mapping's value is a reference (`pets.yaml#/Cat`, `#/components/...`,
/// `cat.json`) rather than the name of one of the spec's component schemas.
fn is_mapping_ref(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    target.contains(['#', '/']) || [".yaml", ".yml", ".json"].iter().any(|end| lower.ends_with(end))
}

/// Copies into `root` (the spec at `path`, named `label`, whose text is `text`) everything its
/// `$ref`s name in other files, read from `files`.
pub(super) fn bundle(root: &mut Value, text: &str, path: &Path, label: &str, files: &dyn SpecFiles) -> Bundled {
    let canonical = files.canonical(path).unwrap_or_else(|_| normalise(path));
    let mut bundler = Bundler {
        files_on_disk: files,
        files: vec![File { path: canonical.clone(), label: label.to_owned(), text: text.to_owned(), value: None }],
        by_path: HashMap::from([(canonical, 0)]),
        slots: HashMap::new(),
        taken: HashMap::new(),
        pending: VecDeque::new(),
        inlining: Vec::new(),
        diagnostics: Diagnostics::default(),
        sources: Sources::default(),
        failed: HashSet::new(),
        copies: 0,
    };
    bundler.claim_components(root);
    let at = At { file: 0, origin: String::new(), output: String::new() };
    bundler.walk(root, Kind::Document, &at);
    while let Some((section, name, file, pointer)) = bundler.pending.pop_front() {
        let Some(mut value) = bundler.value(file).and_then(|v| v.pointer(&pointer)).cloned() else { continue };
        let mut output = String::new();
        for token in ["components", section, &name] {
            push_token(&mut output, token);
        }
        let at = At { file, origin: pointer.clone(), output: output.clone() };
        bundler.sources.add_origin(output, file, pointer);
        let kind = Kind::of_section(section).unwrap_or(Kind::Schema);
        bundler.walk(&mut value, kind, &at);
        bundler.put(root, section, name, value);
    }
    let Bundler { files, mut sources, diagnostics, failed, .. } = bundler;
    for file in files.into_iter().skip(1) {
        sources.add_file(file.label, file.text);
    }
    Bundled { sources, diagnostics, failed }
}

impl Bundler<'_> {
    /// Takes the names of the spec's own components, and gives each that is only a `$ref` to
    /// another file's node that node, to be copied in its place.
    fn claim_components(&mut self, root: &Value) {
        let Some(components) = root.get("components").and_then(Value::as_object) else { return };
        for (section, entries) in components {
            let (Some(kind), Some(entries)) = (Kind::of_section(section), entries.as_object()) else { continue };
            let Some(section) = kind.section() else { continue };
            self.taken.entry(section).or_default().extend(entries.keys().cloned());
            for (name, entry) in entries {
                let Some(reference) = entry.get("$ref").and_then(Value::as_str) else { continue };
                if reference.starts_with('#') {
                    continue;
                }
                let at = At { file: 0, origin: String::new(), output: String::new() }
                    .push("components")
                    .push(section)
                    .push(name)
                    .push("$ref");
                let Some((file, pointer)) = self.resolve(reference, &at) else { continue };
                if file != 0 && !self.slots.contains_key(&(file, pointer.clone(), section)) {
                    let mut slot = String::from("#");
                    for token in ["components", section, name] {
                        push_token(&mut slot, token);
                    }
                    self.slots.insert((file, pointer.clone(), section), slot);
                    self.pending.push_back((section, name.clone(), file, pointer));
                }
            }
        }
    }

    fn walk(&mut self, value: &mut Value, kind: Kind, at: &At) {
        let Value::Object(map) = value else { return };
        if let Some(Value::String(reference)) = map.get("$ref") {
            let reference = reference.clone();
            self.reference(value, &reference, kind, at);
            return;
        }
        if kind == Kind::Text {
            return;
        }
        for (key, child) in map.iter_mut() {
            let Some(how) = kind.child(key) else { continue };
            let at = at.push(key);
            match (how, child) {
                (Child::One(kind), child) => self.walk(child, kind, &at),
                (Child::Text, child) => self.walk(child, Kind::Text, &at),
                (Child::List(kind), Value::Array(items)) => {
                    for (index, item) in items.iter_mut().enumerate() {
                        self.walk(item, kind, &at.push(&index.to_string()));
                    }
                }
                (Child::Map(kind, extensions), Value::Object(entries)) => {
                    for (name, entry) in entries.iter_mut() {
                        if !(extensions && name.starts_with("x-")) {
                            self.walk(entry, kind, &at.push(name));
                        }
                    }
                }
                (Child::Discriminator, Value::Object(discriminator)) => {
                    let Some(Value::Object(mapping)) = discriminator.get_mut("mapping") else { continue };
                    let at = at.push("mapping");
                    for (name, target) in mapping.iter_mut() {
                        let Value::String(reference) = target else { continue };
                        // A bare name is a schema of the spec's own components, as is a local
                        // reference in the spec's own file.
                        if !is_mapping_ref(reference) || (at.file == 0 && reference.starts_with('#')) {
                            continue;
                        }
                        let reference = reference.clone();
                        if let Some(rewritten) = self.slot_reference(&reference, "schemas", &at.push(name)) {
                            *target = Value::String(rewritten);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads the `$ref` of `value`, a node of `kind`, rewriting or replacing it.
    fn reference(&mut self, value: &mut Value, reference: &str, kind: Kind, at: &At) {
        let at_ref = at.push("$ref");
        if let Some(section) = kind.section() {
            // A reference within the spec's own file stays as it is.
            if at.file == 0 && reference.starts_with('#') {
                return;
            }
            if let Some(rewritten) = self.slot_reference(reference, section, &at_ref)
                && let Value::Object(map) = value
            {
                map.insert("$ref".to_owned(), Value::String(rewritten));
            }
            return;
        }
        if matches!(kind, Kind::PathItem | Kind::Callback) {
            if at.file == 0 && reference.starts_with('#') {
                return;
            }
        } else {
            let what = kind.noun();
            self.diagnostics.in_file(
                Severity::Warning,
                at.file,
                Pointer::from_json_pointer(&at_ref.origin),
                None,
                format!("OpenAPI 3.0 allows no $ref in {what}; `{reference}` is read in its place"),
            );
        }
        if kind == Kind::Text {
            if let Some(text) = self.text(reference, &at_ref) {
                *value = Value::String(text);
            }
            return;
        }
        let Some((file, pointer)) = self.resolve(reference, &at_ref) else { return };
        if file == 0 && matches!(kind, Kind::PathItem | Kind::Callback) {
            // Path items and callbacks of the spec's own file are read where they are (and a
            // `$ref` to one is reported where it is read).
            let mut local = String::from("#");
            local.push_str(&pointer);
            if let Value::Object(map) = value {
                map.insert("$ref".to_owned(), Value::String(local));
            }
            return;
        }
        if self.inlining.contains(&(file, pointer.clone())) {
            self.error::<()>(&at_ref, format!("$ref cycle: `{reference}` is part of itself"));
            return;
        }
        // Copies in place may hold copies in place (callbacks of callbacks): a bound keeps a
        // document from growing without end, or the walk from going too deep.
        self.copies += 1;
        if self.inlining.len() >= MAX_NESTED_COPIES || self.copies > MAX_COPIES {
            self.error::<()>(
                &at_ref,
                format!("`{reference}` is not read: the $refs copied in place nest too deep or are too many"),
            );
            return;
        }
        let Some(mut target) = self.value(file).and_then(|v| v.pointer(&pointer)).cloned() else { return };
        // Keys next to the `$ref` are kept, and win over the target's.
        if let (Value::Object(target), Value::Object(map)) = (&mut target, &*value) {
            for (key, sibling) in map.iter().filter(|(key, _)| *key != "$ref") {
                target.insert(key.clone(), sibling.clone());
            }
        }
        self.sources.add_origin(at.output.clone(), file, pointer.clone());
        self.inlining.push((file, pointer.clone()));
        let inner = At { file, origin: pointer, output: at.output.clone() };
        self.walk(&mut target, kind, &inner);
        self.inlining.pop();
        *value = target;
    }

    /// The reference within the bundled document to the node `reference` names, copied into
    /// `components/<section>` if it is in another file than the spec.
    fn slot_reference(&mut self, reference: &str, section: &'static str, at: &At) -> Option<String> {
        let (file, pointer) = self.resolve(reference, at)?;
        if file == 0 {
            return Some(format!("#{pointer}"));
        }
        let key = (file, pointer, section);
        if let Some(slot) = self.slots.get(&key) {
            return Some(slot.clone());
        }
        let name = self.name_for(section, key.0, &key.1);
        let mut slot = String::from("#");
        for token in ["components", section, &name] {
            push_token(&mut slot, token);
        }
        self.pending.push_back((section, name, key.0, key.1.clone()));
        self.slots.insert(key, slot.clone());
        Some(slot)
    }

    /// A name for a copy in `section` that no other entry has: the last token of its pointer (or
    /// its file's stem), else with the stem in front, else numbered.
    fn name_for(&mut self, section: &'static str, file: usize, pointer: &str) -> String {
        let stem = self
            .files
            .get(file)
            .and_then(|f| f.path.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let last = pointer.rsplit('/').next().map(crate::pointer::unescape).filter(|t| !t.is_empty());
        let base = last.unwrap_or_else(|| stem.clone());
        let taken = self.taken.entry(section).or_default();
        let mut candidates = vec![base.clone()];
        if base != stem {
            candidates.push(format!("{stem}_{base}"));
        }
        let name = candidates
            .into_iter()
            .chain((2..).map(|n| format!("{base}_{n}")))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or(base);
        taken.insert(name.clone());
        name
    }

    /// Puts a copied target into `components/<section>/<name>` of the bundled document.
    fn put(&mut self, root: &mut Value, section: &str, name: String, value: Value) {
        let Value::Object(root) = root else { return };
        let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(components) = components else { return };
        let entries = components.entry(section).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(entries) = entries {
            entries.insert(name, value);
        }
    }

    /// The file and pointer `reference`, found at `at`, names, once the file is read and the
    /// pointer found in it; `None` after reporting why not.
    fn resolve(&mut self, reference: &str, at: &At) -> Option<(usize, String)> {
        let resolved = self.resolve_in_file(reference, at);
        if resolved.is_none() {
            self.failed.insert(at.output.clone());
        }
        resolved
    }

    fn resolve_in_file(&mut self, reference: &str, at: &At) -> Option<(usize, String)> {
        let target = match parse_ref(reference) {
            Ok(target) => target,
            Err(message) => return self.error(at, message),
        };
        let file = match &target.path {
            None => at.file,
            Some(path) => self.file(path, reference, at)?,
        };
        if self.value(file)?.pointer(&target.pointer).is_none() {
            let label = self.files.get(file).map(|f| f.label.clone()).unwrap_or_default();
            let message = format!("unresolved $ref `{reference}`: {label} has nothing at `#{}`", target.pointer);
            return self.error(at, message);
        }
        Some((file, target.pointer))
    }

    /// The text a `$ref` in a `description` or `summary` names: a string of a JSON or YAML file,
    /// or the whole of any other file (Markdown, usually).
    fn text(&mut self, reference: &str, at: &At) -> Option<String> {
        let text = self.text_in_file(reference, at);
        if text.is_none() {
            self.failed.insert(at.output.clone());
        }
        text
    }

    fn text_in_file(&mut self, reference: &str, at: &At) -> Option<String> {
        let target = match parse_ref(reference) {
            Ok(target) => target,
            Err(message) => return self.error(at, message),
        };
        if let Some(path) = &target.path
            && target.pointer.is_empty()
            && !path.extension().is_some_and(|e| ["yaml", "yml", "json"].iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            let file = self.file(path, reference, at)?;
            return self.files.get(file).map(|f| super::without_bom(&f.text).to_owned());
        }
        let (file, pointer) = self.resolve(reference, at)?;
        match self.value(file).and_then(|v| v.pointer(&pointer)) {
            Some(Value::String(text)) => Some(text.clone()),
            _ => self.error(at, format!("`{reference}` names no text, but it is read as one")),
        }
    }

    /// The index of the file at `path` (relative to the file of `at`), read if it was not yet.
    fn file(&mut self, path: &Path, reference: &str, at: &At) -> Option<usize> {
        let (base, referrer) = self.files.get(at.file).map(|f| (f.path.clone(), f.label.clone()))?;
        let full = base.parent().unwrap_or(Path::new("")).join(path);
        let label = normalise(&Path::new(&referrer).parent().unwrap_or(Path::new("")).join(path))
            .to_string_lossy()
            .replace('\\', "/");
        // The spec itself may be given without being on disk.
        if let Some(index) = self.by_path.get(&normalise(&full)) {
            return Some(*index);
        }
        let canonical = match self.files_on_disk.canonical(&full) {
            Ok(canonical) => canonical,
            Err(error) => {
                let why = if error.kind() == std::io::ErrorKind::NotFound {
                    "no such file".to_owned()
                } else {
                    error.to_string()
                };
                return self.error(at, format!("$ref `{reference}`: cannot read {label}: {why}"));
            }
        };
        if let Some(index) = self.by_path.get(&canonical) {
            return Some(*index);
        }
        let bytes = match self.files_on_disk.read(&canonical) {
            Ok(bytes) => bytes,
            Err(error) => return self.error(at, format!("$ref `{reference}`: cannot read {label}: {error}")),
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let bytes = error.as_bytes();
                let line = bytes.iter().take(offset).filter(|b| **b == b'\n').count() + 1;
                let byte = bytes.get(offset).copied().unwrap_or_default();
                let message = format!(
                    "{label} is not UTF-8: the byte 0x{byte:02X} at offset {offset} is not valid UTF-8 (read for the $ref `{reference}`)"
                );
                let index = self.add(canonical, label, String::new());
                if let Some(file) = self.files.get_mut(index) {
                    file.value = Some(None);
                }
                self.diagnostics.in_file(Severity::Error, index, Pointer::root(), Some(line), message);
                return None;
            }
        };
        Some(self.add(canonical, label, text))
    }

    fn add(&mut self, path: PathBuf, label: String, text: String) -> usize {
        self.files.push(File { path: path.clone(), label, text, value: None });
        let index = self.files.len() - 1;
        self.by_path.insert(path, index);
        index
    }

    /// The parsed value of file `index`, parsed on first use; a file that does not parse is
    /// reported once, at its own line.
    fn value(&mut self, index: usize) -> Option<&Value> {
        let file = self.files.get_mut(index)?;
        if file.value.is_none() {
            match super::parse(super::without_bom(&file.text)) {
                Ok(value) => file.value = Some(Some(value)),
                Err(errors) => {
                    file.value = Some(None);
                    for diagnostic in errors.diagnostics {
                        self.diagnostics.in_file(
                            Severity::Error,
                            index,
                            diagnostic.pointer,
                            diagnostic.line,
                            diagnostic.message,
                        );
                    }
                }
            }
        }
        self.files.get(index).and_then(|file| file.value.as_ref()).and_then(Option::as_ref)
    }

    /// Reports an error at the `$ref` at `at`; returns `None` for the caller to give up.
    fn error<T>(&mut self, at: &At, message: String) -> Option<T> {
        self.failed.insert(at.output.clone());
        self.diagnostics.in_file(Severity::Error, at.file, Pointer::from_json_pointer(&at.origin), None, message);
        None
    }
}

#[cfg(test)]
mod tests;
