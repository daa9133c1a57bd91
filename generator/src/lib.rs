//! Turns an OpenAPI 3.0 or 3.1 document into the Rust sources of an async API client.
//!
//! The pipeline, one module per pass:
//!
//! 1. [`load`]: spec text → `openapiv3::OpenAPI` (YAML or JSON; OpenAPI 3.0.x, and 3.1.x rewritten
//!    as 3.0; what `$ref`s name in other files is copied in first, see `load/bundle.rs`).
//! 2. [`lower`]: openapiv3 → [`model::Api`], plain data in which every name, type and order is decided.
//! 3. [`emit`]: the model → token streams, one per part of a file.
//! 4. [`render`]: token streams → formatted parts → files with the do-not-edit header.
//!
//! Next to the code, [`listing`] writes `API.md` from the model: the crate's public API, one item
//! per line, which [`listing::diff`] compares across versions to tell breaking changes apart.
//!
//! Emitting and formatting take most of the time on large specs; each part goes through both on
//! one of several threads (token streams cannot move between threads), and the parts are then
//! assembled in order, so the output does not depend on the number of threads.
//!
//! The generator is pure: it reads a string and returns files. The other files of a multi-file
//! spec come through the [`load::files::SpecFiles`] the caller passes to [`generate_from`];
//! reading and writing files is the caller's job (`cargo xtask codegen`). It never panics on spec content: every problem is reported with the
//! JSON pointer of the spec node it is about, all problems of a run at once.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod emit;
pub mod error;
pub mod listing;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod pointer;
pub mod render;
pub mod rustdoc;
pub mod source_map;
pub mod sources;

pub use error::{Diagnostic, Errors, Kind, Severity};
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
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.version`.
    pub version: String,
    /// The spec's `info.description`, as rustdoc text (see [`rustdoc::doc_text`]).
    pub description: Option<String>,
    /// The API's security schemes and default requirement, for a crate's documentation.
    pub security: (Vec<model::SecurityScheme>, model::Security),
}

/// Generates the client sources for `spec_text`; `source` names the spec in the file headers
/// (e.g. `spec/realtimekit.yaml`).
pub fn generate(spec_text: &str, source: &str) -> Result<Output, Errors> {
    generate_from(spec_text, source, std::path::Path::new(source), &load::files::NoFiles)
}

/// [`generate`] for the spec at `path`, whose `$ref`s may name other files, read from `files`
/// (relative to the file that holds the `$ref`); diagnostics about those files name them.
pub fn generate_from(
    spec_text: &str,
    source: &str,
    path: &std::path::Path,
    files: &dyn load::files::SpecFiles,
) -> Result<Output, Errors> {
    let load::Document { api: document, diagnostics: mut found, sources } =
        load::load_from(spec_text, path, source, files)?;
    let api = lower::lower(&document, &mut found);
    // The model holds everything the later passes need; free the document before they allocate.
    drop(document);
    let diagnostics = found.finish_in(load::without_bom(spec_text), &sources);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Errors { diagnostics });
    }
    let features = api.groups.iter().filter_map(|group| group.feature.clone()).collect();
    let parts = emit::parts(&api);
    let formatted = in_parallel(&parts, |part| render::format(emit::emit_part(part)));
    let mut files = render::assemble(formatted.into_iter().collect::<Result<_, _>>()?, source);
    files.push(GeneratedFile { path: listing::PATH.to_owned(), contents: listing::listing(&api, source) });
    let description = api.description.as_deref().map(rustdoc::doc_text).filter(|text| !text.is_empty());
    Ok(Output {
        files,
        warnings: diagnostics,
        features,
        title: api.title.clone(),
        version: api.version.clone(),
        description,
        security: (api.security_schemes.clone(), api.security.clone()),
    })
}

/// `work` applied to every item, on as many threads as the machine has cores, results in the
/// order of `items`.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(index) else { break };
            done.push((index, work(item)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        workers
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}
