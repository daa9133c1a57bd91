//! The files a multi-file spec was read from, and where each node of the bundled document came
//! from, so that a diagnostic about the bundled document names the file, the pointer within it
//! and the line.
//!
//! Bundling (`load/bundle.rs`) copies what another file's `$ref` names into the spec's own
//! document; every copy is recorded here by the pointer it was put at. A pointer of the bundled
//! document belongs to the deepest copy that holds it, and its place in the original file is the
//! rest of the pointer below that copy's origin. A pointer in no copy is in the spec itself.

use crate::pointer::Pointer;
use std::collections::HashMap;

/// Files besides the spec itself, and the origins of the copies of their nodes.
#[derive(Debug, Default)]
pub struct Sources {
    /// The files read, index 1 onwards (0 is the spec itself, whose text the caller holds).
    files: Vec<File>,
    /// By the pointer (RFC 6901 form) a copy was put at in the bundled document: the file it came
    /// from and its pointer there.
    origins: HashMap<String, (usize, String)>,
}

#[derive(Debug)]
struct File {
    label: String,
    text: String,
}

impl Sources {
    /// Records a file read; returns its index (the spec itself is 0).
    pub(crate) fn add_file(&mut self, label: String, text: String) -> usize {
        self.files.push(File { label, text });
        self.files.len()
    }

    /// Records that the node at `at` in the bundled document is a copy of the node at `pointer` in
    /// file `file`.
    pub(crate) fn add_origin(&mut self, at: String, file: usize, pointer: String) {
        if file != 0 || at != pointer {
            self.origins.insert(at, (file, pointer));
        }
    }

    /// Whether anything was read besides the spec itself.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty() && self.files.is_empty()
    }

    /// How the file `index` is named in messages (`None` for the spec itself).
    pub fn label(&self, index: usize) -> Option<&str> {
        index.checked_sub(1).and_then(|i| self.files.get(i)).map(|file| file.label.as_str())
    }

    /// The text of file `index`, the spec's own being `spec_text`.
    pub(crate) fn text<'a>(&'a self, index: usize, spec_text: &'a str) -> &'a str {
        match index.checked_sub(1) {
            None => spec_text,
            Some(i) => self.files.get(i).map_or("", |file| file.text.as_str()),
        }
    }

    /// The file and pointer that the node at `pointer` of the bundled document came from.
    pub fn origin(&self, pointer: &Pointer) -> (usize, Pointer) {
        if self.origins.is_empty() {
            return (0, pointer.clone());
        }
        let full = pointer.as_json_pointer();
        let mut cut = full.len();
        loop {
            let prefix = full.get(..cut).unwrap_or_default();
            if let Some((file, origin)) = self.origins.get(prefix) {
                let rest = full.get(cut..).unwrap_or_default();
                return (*file, Pointer::from_json_pointer(&format!("{origin}{rest}")));
            }
            match prefix.rfind('/') {
                Some(slash) => cut = slash,
                None => return (0, pointer.clone()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_traced_to_the_deepest_copy() {
        let mut sources = Sources::default();
        let b = sources.add_file("spec/b.yaml".to_owned(), String::new());
        let c = sources.add_file("spec/c.yaml".to_owned(), String::new());
        sources.add_origin("/components/schemas/B".to_owned(), b, String::new());
        sources.add_origin("/paths/~1x".to_owned(), b, "/paths/~1y".to_owned());
        sources.add_origin("/paths/~1x/get".to_owned(), c, "/ops/get".to_owned());
        let origin = |text: &str| {
            let (file, pointer) = sources.origin(&Pointer::from_json_pointer(text));
            (file, pointer.to_string())
        };
        assert_eq!(origin("/components/schemas/B/properties/a"), (b, "#/properties/a".to_owned()));
        assert_eq!(origin("/components/schemas/B"), (b, "#".to_owned()));
        assert_eq!(origin("/components/schemas/Bee"), (0, "#/components/schemas/Bee".to_owned()));
        assert_eq!(origin("/paths/~1x/parameters/0"), (b, "#/paths/~1y/parameters/0".to_owned()));
        assert_eq!(origin("/paths/~1x/get/responses"), (c, "#/ops/get/responses".to_owned()));
        assert_eq!(sources.label(c), Some("spec/c.yaml"));
        assert_eq!(sources.label(0), None);
    }
}
