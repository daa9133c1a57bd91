//! Finds the line of a JSON pointer in the spec text, so that diagnostics can say where to look.
//!
//! Built only when there is something to report: it re-reads the text with a YAML event parser
//! (which knows positions) and records the line at which every node starts.

use crate::error::Pointer;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Lines of the nodes of one spec text.
#[derive(Debug, Default)]
pub struct SourceMap {
    lines: HashMap<String, usize>,
}

/// A container being read: a mapping waiting for a key or a value, or a sequence at an index.
enum Frame {
    Mapping { pointer: Pointer, key: Option<String> },
    Sequence { pointer: Pointer, index: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
    started: bool,
}

impl Builder {
    /// The pointer of the node that starts now, or `None` if it is a mapping key.
    fn next_node(&mut self, scalar: Option<&str>, line: usize) -> Option<Pointer> {
        match self.stack.last_mut() {
            None => Some(Pointer::root()),
            Some(Frame::Mapping { pointer, key }) => match key.take() {
                Some(key) => Some(pointer.push(key)),
                None => {
                    let key_text = scalar.unwrap_or_default().to_owned();
                    self.lines.entry(pointer.push(&key_text).to_string()).or_insert(line);
                    *key = Some(key_text);
                    None
                }
            },
            Some(Frame::Sequence { pointer, index }) => {
                let child = pointer.push(*index);
                *index += 1;
                Some(child)
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(value, ..) => {
                if let Some(pointer) = self.next_node(Some(&value), line) {
                    self.lines.entry(pointer.to_string()).or_insert(line);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                let pointer = if self.started || !self.stack.is_empty() {
                    self.next_node(None, line).unwrap_or_default()
                } else {
                    Pointer::root()
                };
                self.started = true;
                self.lines.entry(pointer.to_string()).or_insert(line);
                self.stack.push(if is_mapping {
                    Frame::Mapping { pointer, key: None }
                } else {
                    Frame::Sequence { pointer, index: 0 }
                });
            }
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
    /// Reads the positions of `text`; a text that does not parse gives an empty map.
    pub fn new(text: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        // A text that fails to parse still keeps the lines read before the failure.
        let _ = parser.load(&mut builder, false);
        SourceMap { lines: builder.lines }
    }

    /// The 1-based line of the node at `pointer`, or of its nearest ancestor that is in the text.
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
        let map = SourceMap::new(yaml);
        let get = Pointer::root().push("paths").push("/a/{b}").push("get");
        assert_eq!(map.line(&get), Some(4));
        assert_eq!(map.line(&get.push("parameters").push(1).push("name")), Some(7));
        assert_eq!(map.line(&get.push("responses").push("200")), Some(4), "falls back to the parent");
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/x\": {}\n  }\n}\n";
        let map = SourceMap::new(json);
        assert_eq!(map.line(&Pointer::root().push("paths").push("/x")), Some(4));
    }
}
