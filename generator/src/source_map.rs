//! Finds the lines of JSON pointers in the spec text, so that diagnostics can say where to look.
//!
//! Built only when there is something to report: it re-reads the text with a YAML event parser
//! (which knows positions) and records the line at which each wanted node, or its nearest
//! ancestor, starts. Subtrees that hold no wanted node are read without building their pointers.

use crate::pointer::{self, Pointer};
use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Lines of some nodes of one spec text.
#[derive(Debug, Default)]
pub struct SourceMap {
    lines: HashMap<String, usize>,
}

/// A container being read. `end` is the length of its pointer in `Builder::path`, or `None` when
/// no wanted node lies inside it.
enum Frame {
    Mapping { end: Option<usize>, key: Option<String> },
    Sequence { end: Option<usize>, index: usize },
}

struct Builder {
    /// The wanted pointers and all their ancestors, as displayed (`#/paths/~1a`).
    wanted: HashSet<String>,
    stack: Vec<Frame>,
    /// The pointer of the node being read, as displayed.
    path: String,
    lines: HashMap<String, usize>,
}

impl Builder {
    /// Sets `path` to the child `token` of the container whose pointer ends at `end`, and says
    /// whether that child is wanted.
    fn enter(&mut self, end: usize, token: &str) -> bool {
        self.path.truncate(end);
        pointer::push_token(&mut self.path, token);
        self.wanted.contains(&self.path)
    }

    fn record(&mut self, line: usize) {
        self.lines.entry(self.path.clone()).or_insert(line);
    }

    /// Moves to the node that starts now and returns whether it is wanted; `None` if it is a
    /// mapping key (whose line is recorded as that of the entry).
    fn next_node(&mut self, scalar: Option<&str>, line: usize) -> Option<bool> {
        let (end, token) = match self.stack.last_mut() {
            None => {
                self.path = "#".to_owned();
                return Some(true);
            }
            Some(Frame::Mapping { end, key }) => match key.take() {
                Some(key) => (*end, key),
                None => {
                    let key_text = scalar.unwrap_or_default().to_owned();
                    let end = *end;
                    if let Some(end) = end
                        && self.enter(end, &key_text)
                    {
                        self.record(line);
                    }
                    if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                        *key = Some(key_text);
                    }
                    return None;
                }
            },
            Some(Frame::Sequence { end, index }) => {
                *index += 1;
                (*end, (*index - 1).to_string())
            }
        };
        Some(end.is_some_and(|end| self.enter(end, &token)))
    }

    fn open(&mut self, mapping: bool, line: usize) {
        let wanted = self.next_node(None, line).unwrap_or(false);
        if wanted {
            self.record(line);
        }
        let end = wanted.then_some(self.path.len());
        self.stack.push(if mapping { Frame::Mapping { end, key: None } } else { Frame::Sequence { end, index: 0 } });
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(value, ..) => {
                let wanted = self.next_node(Some(&value), line) == Some(true);
                if wanted {
                    self.record(line);
                }
            }
            Event::MappingStart(..) => self.open(true, line),
            Event::SequenceStart(..) => self.open(false, line),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                self.next_node(None, line);
            }
            _ => {}
        }
    }
}

impl SourceMap {
    /// Reads the positions in `text` of the `wanted` pointers and their ancestors; a text that
    /// does not parse keeps the positions read before the failure.
    pub fn new<'a>(text: &str, wanted: impl IntoIterator<Item = &'a Pointer>) -> Self {
        let mut ancestors = HashSet::new();
        for pointer in wanted {
            let mut current = pointer.to_string();
            while ancestors.insert(current.clone()) {
                match current.rfind('/') {
                    Some(cut) => current.truncate(cut),
                    None => break,
                }
            }
        }
        let mut builder = Builder { wanted: ancestors, stack: Vec::new(), path: String::new(), lines: HashMap::new() };
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut builder, false);
        SourceMap { lines: builder.lines }
    }

    /// The 1-based line of the node at `pointer`, or of its nearest ancestor that is in the text.
    /// `pointer` must be one of the wanted pointers the map was built for, or an ancestor of one.
    pub fn line(&self, pointer: &Pointer) -> Option<usize> {
        let mut current = pointer.to_string();
        loop {
            if let Some(line) = self.lines.get(&current) {
                return Some(*line);
            }
            let cut = current.rfind('/')?;
            current.truncate(cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_of_yaml_and_json_nodes() {
        let yaml =
            "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      parameters:\n        - name: b\n        - name: c\n";
        let get = Pointer::root().push("paths").push("/a/{b}").push("get");
        let name = get.push("parameters").push(1).push("name");
        let missing = get.push("responses").push("200");
        let map = SourceMap::new(yaml, [&name, &missing]);
        assert_eq!(map.line(&get), Some(4));
        assert_eq!(map.line(&name), Some(7));
        assert_eq!(map.line(&get.push("parameters").push(0)), Some(5), "not wanted: its parent's line");
        assert_eq!(map.line(&missing), Some(4), "falls back to the parent");
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/x\": {}\n  }\n}\n";
        let x = Pointer::root().push("paths").push("/x");
        assert_eq!(SourceMap::new(json, [&x]).line(&x), Some(4));
    }
}
