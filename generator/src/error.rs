//! Problems found in a spec, each tied to the JSON pointer of the node it is about, collected so
//! that one run reports all of them.

// Every diagnostic carries a pointer; the type lives in `pointer`, which owns the escaping.
pub use crate::pointer::Pointer;
use crate::sources::Sources;
use std::fmt;

/// The message for a `$ref` that points at nothing in the document.
pub(crate) fn unresolved_ref(reference: &str) -> String {
    format!("unresolved $ref `{reference}`: the document has nothing at that location")
}

/// The message for a `$ref` into another document that was not read: one in a place no `$ref`
/// is read from (see `load/bundle.rs`).
pub(crate) fn external_ref(reference: &str) -> String {
    format!(
        "unsupported $ref `{reference}`: another file is read only where OpenAPI allows a $ref (and for a whole operation, tag, `info`, description or summary)"
    )
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Generation cannot succeed.
    Error,
    /// A deviation from OpenAPI that is tolerated.
    Warning,
}

/// What a diagnostic means for the output, for callers that act on it without reading messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A problem or deviation described by the message alone.
    General,
    /// An operation of the spec is not generated; the message says why.
    OperationLeftOut,
}

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether this stops generation.
    pub severity: Severity,
    /// What it means for the output.
    pub kind: Kind,
    /// The file the pointer is in when it is not the spec itself but a file a `$ref` led to,
    /// named from the spec's own name (`spec/schemas/pet.yaml`); `None` for the spec.
    pub file: Option<String>,
    /// Where in the spec (or in `file`).
    pub pointer: Pointer,
    /// The 1-based line of that node in the spec text, where it could be found.
    pub line: Option<usize>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        write!(f, "{label}: {}", self.pointer)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects diagnostics while a pass runs.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// Each with the index of the file its pointer is in, when it was given (see
    /// [`Sources`]); otherwise the pointer is in the bundled document.
    list: Vec<(Diagnostic, Option<usize>)>,
    /// Where nodes moved by the reading of the document came from, so that every diagnostic
    /// points at the node as written.
    origins: Origins,
}

/// The moves made while a document was rewritten (an OpenAPI 3.1 document read as 3.0): each
/// says that what is now below one pointer was written below another. A pointer is taken back
/// through the moves from the latest to the first; of the moves made together (one rewrite of one
/// node), at most one applies. A diagnostic recorded between two rewrites is only taken back
/// through those made before it.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    /// Groups of `(now, written)` pairs of JSON pointers (without `#`), in the order made.
    moves: Vec<Vec<(String, String)>>,
}

impl Origins {
    /// Records moves made together: each node now at the first pointer was written at the second.
    pub fn moved<'p>(&mut self, moves: impl IntoIterator<Item = (&'p Pointer, &'p Pointer)>) {
        let group: Vec<(String, String)> = moves
            .into_iter()
            .filter(|(now, written)| now != written)
            .map(|(now, written)| (now.as_json_pointer().to_owned(), written.as_json_pointer().to_owned()))
            .collect();
        if !group.is_empty() {
            self.moves.push(group);
        }
    }

    /// Where the node now at `pointer` was written.
    pub fn original(&self, pointer: &Pointer) -> Pointer {
        if self.moves.is_empty() {
            return pointer.clone();
        }
        let mut current = pointer.as_json_pointer().to_owned();
        for group in self.moves.iter().rev() {
            for (now, written) in group {
                if let Some(rest) = current.strip_prefix(now.as_str())
                    && (rest.is_empty() || rest.starts_with('/'))
                {
                    current = format!("{written}{rest}");
                    break;
                }
            }
        }
        Pointer::from_ref(&format!("#{current}")).unwrap_or_else(|| pointer.clone())
    }
}

impl Diagnostics {
    /// Records an error at `pointer`.
    pub fn error(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.add(Severity::Error, Kind::General, pointer, message.into());
    }

    /// Records a tolerated deviation at `pointer`.
    pub fn warning(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.add(Severity::Warning, Kind::General, pointer, message.into());
    }

    /// Records, as a warning, that the operation at `pointer` is not generated and why.
    pub fn operation_left_out(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.add(Severity::Warning, Kind::OperationLeftOut, pointer, message.into());
    }

    /// Records that the node now at `now` was written at `written`: diagnostics recorded from now
    /// on at `now` (or below it) point at `written` (or below it).
    pub fn moved(&mut self, now: &Pointer, written: &Pointer) {
        self.origins.moved([(now, written)]);
    }

    /// Records moves made together, of which at most one applies to any pointer (see [`Origins`]).
    pub fn moved_together(&mut self, moves: &[(Pointer, Pointer)]) {
        self.origins.moved(moves.iter().map(|(now, written)| (now, written)));
    }

    fn add(&mut self, severity: Severity, kind: Kind, pointer: &Pointer, message: String) {
        let pointer = self.origins.original(pointer);
        let diagnostic = Diagnostic { severity, kind, file: None, pointer, line: None, message };
        self.list.push((diagnostic, None));
    }

    /// Records a diagnostic at `pointer` in file `file` of a multi-file spec (0 is the spec
    /// itself), with its line if it is known already.
    pub(crate) fn in_file(
        &mut self,
        severity: Severity,
        file: usize,
        pointer: Pointer,
        line: Option<usize>,
        message: String,
    ) {
        let diagnostic = Diagnostic { severity, kind: Kind::General, file: None, pointer, line, message };
        self.list.push((diagnostic, Some(file)));
    }

    /// Whether an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|(d, _)| d.severity == Severity::Error)
    }

    /// Everything recorded, in the order found, each problem once (a schema used in many places
    /// reports its problem once), with the line of its node in `spec_text`. The positions are
    /// read only when there is something to report.
    pub fn finish(self, spec_text: &str) -> Vec<Diagnostic> {
        self.finish_in(spec_text, &Sources::default())
    }

    /// [`Diagnostics::finish`] for a spec whose `$ref`s read other files: each pointer into the
    /// bundled document becomes the file it came from and the pointer within that file, with the
    /// line there.
    pub fn finish_in(self, spec_text: &str, sources: &Sources) -> Vec<Diagnostic> {
        let mut seen = std::collections::HashSet::new();
        let mut list: Vec<(Diagnostic, usize)> = Vec::new();
        for (mut diagnostic, file) in self.list {
            let file = match file {
                Some(file) => file,
                None => {
                    let (file, pointer) = sources.origin(&diagnostic.pointer);
                    diagnostic.pointer = pointer;
                    file
                }
            };
            if seen.insert((file, diagnostic.pointer.clone(), diagnostic.message.clone())) {
                diagnostic.file = sources.label(file).map(str::to_owned);
                list.push((diagnostic, file));
            }
        }
        let mut files: Vec<usize> = list.iter().map(|(_, file)| *file).collect();
        files.sort_unstable();
        files.dedup();
        for file in files {
            let pointers = list.iter().filter(|(d, f)| *f == file && d.line.is_none()).map(|(d, _)| &d.pointer);
            let map = crate::source_map::SourceMap::new(sources.text(file, spec_text), pointers);
            for (diagnostic, _) in list.iter_mut().filter(|(_, f)| *f == file) {
                diagnostic.line = diagnostic.line.or_else(|| map.line(&diagnostic.pointer));
            }
        }
        list.into_iter().map(|(diagnostic, _)| diagnostic).collect()
    }
}

/// The outcome of a failed generation: every error, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors {
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Errors {
    /// A single error at `pointer`.
    pub fn single(pointer: Pointer, line: Option<usize>, message: impl Into<String>) -> Self {
        let diagnostic = Diagnostic {
            severity: Severity::Error,
            kind: Kind::General,
            file: None,
            pointer,
            line,
            message: message.into(),
        };
        Errors { diagnostics: vec![diagnostic] }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        writeln!(f, "the spec has {count} error{}:", if count == 1 { "" } else { "s" })?;
        for diagnostic in &self.diagnostics {
            writeln!(f, "  {diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
