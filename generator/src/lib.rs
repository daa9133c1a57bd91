//! Turns an OpenAPI 3.0 document into the Rust sources of an async API client.
//!
//! The pipeline, one module per pass:
//!
//! 1. [`load`]: spec text → `openapiv3::OpenAPI` (YAML or JSON; only OpenAPI 3.0.x).
//! 2. [`lower`]: openapiv3 → [`model::Api`], plain data in which every name, type and order is decided.
//! 3. [`emit`]: the model → token streams, one per file.
//! 4. [`render`]: token streams → formatted sources with the do-not-edit header.
//!
//! The generator is pure: it reads a string and returns files. Writing them is the caller's job
//! (`cargo xtask codegen`). It never panics on spec content: every problem is reported with the
//! JSON pointer of the spec node it is about, all problems of a run at once.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod emit;
pub mod error;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod render;
pub mod source_map;

pub use error::{Diagnostic, Errors, Severity};
pub use render::GeneratedFile;

/// What a successful run produced: the files, and warnings about tolerated deviations.
#[derive(Debug)]
pub struct Output {
    /// The emitted files, paths relative to the crate root.
    pub files: Vec<GeneratedFile>,
    /// Tolerated deviations from OpenAPI, with their locations.
    pub warnings: Vec<Diagnostic>,
    /// The cargo features the emitted code uses, one per group; empty for small APIs.
    pub features: Vec<String>,
}

/// Generates the client sources for `spec_text`; `source` names the spec in the file headers
/// (e.g. `spec/realtimekit.yaml`).
pub fn generate(spec_text: &str, source: &str) -> Result<Output, Errors> {
    let document = load::load(spec_text)?;
    let mut diagnostics = document.diagnostics;
    let api = lower::lower(&document.api, &mut diagnostics);
    let diagnostics = diagnostics.finish(spec_text);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Errors { diagnostics });
    }
    let features = api.groups.iter().filter_map(|group| group.feature.clone()).collect();
    let files = render::render(emit::emit(&api), source)?;
    Ok(Output { files, warnings: diagnostics, features })
}
