//! Maintainer tasks behind `cargo xtask`. `codegen` regenerates the `cloudflare-realtimekit`
//! crate from `spec/realtimekit.yaml`; `codegen --check` verifies that the committed files are
//! what the generator produces, without writing anything.

pub mod api_diff;
mod check;
mod crate_name;
mod scaffold;
pub mod spec_files;
mod template;
mod write;

pub use check::{Alone, build_features_alone, check_spec};

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The spec that `cargo xtask codegen` reads by default, relative to the workspace root.
pub const DEFAULT_SPEC: &str = "spec/realtimekit.yaml";
/// The crate it writes into by default, relative to the workspace root.
pub const DEFAULT_OUT: &str = "generated";

/// Whether to write files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the files whose bytes changed and remove stale emitted files.
    Write,
    /// Write nothing; fail if anything would change.
    Check,
}

/// What a run did (or, in check mode, would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files written (or out of date, in check mode), relative to the output directory.
    pub changed: Vec<String>,
    /// Emitted files removed (or to remove) because the spec no longer produces them.
    pub removed: Vec<String>,
    /// Warnings about tolerated deviations in the spec, one line each.
    pub warnings: Vec<String>,
    /// What changed in the public API, when the listing changed (see [`api_diff`]).
    pub api_changes: Vec<generator::listing::diff::Change>,
    /// How many of the warnings say that an operation is not generated.
    pub operations_left_out: usize,
    /// The crate's cargo features, one per group (empty for small APIs).
    pub features: Vec<String>,
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Choices of `cargo xtask codegen` beyond the spec, the output directory and the mode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The package name of a crate written with `--out`; by default made from the spec's title.
    pub name: Option<String>,
    /// Overwrite files in the output directory that do not carry the do-not-edit header.
    pub force: bool,
    /// The prefix of the environment variables of a crate written with `--out` (`PREFIX_API_TOKEN`,
    /// `PREFIX_BASE_URL`, ...); by default made from the package name.
    pub env_prefix: Option<String>,
    /// The `User-Agent` of a crate written with `--out`; by default `<name>/<version>`.
    pub user_agent: Option<String>,
    /// The description in the docs of a crate written with `--out`; by default the spec's.
    pub description: Option<String>,
}

/// Generates the client for `spec` into the crate at `out`. Nothing is written unless the whole
/// spec generates; in [`Mode::Check`] nothing is written at all and any difference is an error.
pub fn codegen(spec: &Path, out: &Path, mode: Mode) -> Result<Report, String> {
    codegen_with(spec, out, mode, &Options::default())
}

/// [`codegen`] with [`Options`]. Files are written all or nothing (see `write.rs`), and a file
/// that does not start with the do-not-edit header is never overwritten or removed unless
/// `options.force` says so: the run fails naming it.
pub fn codegen_with(spec: &Path, out: &Path, mode: Mode, options: &Options) -> Result<Report, String> {
    if out.as_os_str().is_empty() {
        return Err("the output directory is empty: name a directory for the crate".to_owned());
    }
    let root = workspace_root();
    let source = spec.strip_prefix(&root).unwrap_or(spec).display().to_string().replace('\\', "/");
    let bytes = fs::read(spec).map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let text = String::from_utf8(bytes).map_err(|error| not_utf8(&source, error.as_bytes(), error.utf8_error()))?;
    let output = generator::generate_from(&text, &source, spec, &spec_files::Disk).map_err(|errors| {
        let mut message = String::new();
        for diagnostic in &errors.diagnostics {
            let _ = writeln!(message, "{}", located(&source, diagnostic));
        }
        let count = errors.diagnostics.iter().filter(|d| d.severity == generator::Severity::Error).count();
        let _ = write!(message, "{count} error(s) in {source}; nothing was written");
        message
    })?;
    let mut report = Report {
        warnings: output.warnings.iter().map(|warning| located(&source, warning)).collect(),
        operations_left_out: output.warnings.iter().filter(|w| w.kind == generator::Kind::OperationLeftOut).count(),
        features: output.features.clone(),
        ..Report::default()
    };
    let mut files: Vec<(String, String)> =
        output.files.iter().map(|file| (file.path.clone(), file.contents.clone())).collect();
    if !same_dir(out, &root.join(DEFAULT_OUT)) {
        // A crate of its own: add a manifest, a root module and the runtime.
        let name = match &options.name {
            Some(name) => crate_name::checked(name)?,
            None => crate_name::from_title(&output.title),
        };
        let identity = template::Identity::new(name, &output, options)?;
        files.extend(scaffold::files(&root.join(DEFAULT_OUT), &identity, &source, &report.features, &output.security)?);
    }
    let wanted: HashSet<PathBuf> = files.iter().map(|(path, _)| out.join(path)).collect();
    let mut not_ours = Vec::new();
    for (path, contents) in &files {
        let full = out.join(path);
        let existing = fs::read(&full).ok();
        if existing.as_deref() == Some(contents.as_bytes()) {
            continue;
        }
        if fs::symlink_metadata(&full).is_ok() && !existing.as_deref().is_some_and(is_generated) {
            not_ours.push(full.display().to_string());
        }
        report.changed.push(path.clone());
    }
    for dir in ["src", "runtime"] {
        for stale in emitted_files(&out.join(dir)).into_iter().filter(|path| !wanted.contains(path)) {
            report.removed.push(stale.strip_prefix(out).unwrap_or(&stale).display().to_string());
        }
    }
    api_diff::record(out, &files, &mut report);
    if mode == Mode::Check {
        if report.changed.is_empty() && report.removed.is_empty() {
            return Ok(report);
        }
        let mut message = format!("{} is out of date with {source}:\n", out.display());
        for path in &report.changed {
            let _ = writeln!(message, "  stale or missing: {path}");
        }
        for path in &report.removed {
            let _ = writeln!(message, "  no longer generated: {path}");
        }
        message.push_str("run `cargo xtask codegen` and commit the result");
        return Err(message);
    }
    if !not_ours.is_empty() && !options.force {
        let mut message =
            String::from("these files were not written by `cargo xtask codegen` (no do-not-edit header):\n");
        for path in &not_ours {
            let _ = writeln!(message, "  {path}");
        }
        message.push_str("nothing was written; move them away, or pass --force to overwrite them");
        return Err(message);
    }
    let changed: HashSet<&String> = report.changed.iter().collect();
    let mut changes: Vec<write::Change<'_>> = files
        .iter()
        .filter(|(path, _)| changed.contains(path))
        .map(|(path, contents)| write::Change { path: out.join(path), contents: Some(contents.as_bytes()) })
        .collect();
    changes.extend(report.removed.iter().map(|path| write::Change { path: out.join(path), contents: None }));
    write::apply(&changes)?;
    Ok(report)
}

/// A diagnostic as one line that starts with the file it is about: the spec (`source`), or the
/// other file a `$ref` led to, which the diagnostic names itself.
fn located(source: &str, diagnostic: &generator::Diagnostic) -> String {
    match diagnostic.file {
        Some(_) => diagnostic.to_string(),
        None => format!("{source}: {diagnostic}"),
    }
}

/// Whether a file starts with the do-not-edit header (after `//` in Rust sources, `#` in
/// manifests, `<!--` in Markdown).
fn is_generated(contents: &[u8]) -> bool {
    std::str::from_utf8(contents).is_ok_and(generator::render::is_generated)
}

/// The error for a spec that is not UTF-8: the offset (and line) of the first byte that is not.
fn not_utf8(source: &str, bytes: &[u8], error: std::str::Utf8Error) -> String {
    let offset = error.valid_up_to();
    let line = bytes.iter().take(offset).filter(|b| **b == b'\n').count() + 1;
    let byte = bytes.get(offset).copied().unwrap_or_default();
    let hint = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        " (it starts with a UTF-16 byte-order mark: save it as UTF-8)"
    } else {
        ""
    };
    format!(
        "{source}: error: # (line {line}): the spec is not UTF-8: the byte 0x{byte:02X} at offset {offset} is not valid UTF-8{hint}\n1 error(s) in {source}; nothing was written"
    )
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Files under `dir` (recursively) that start with the do-not-edit header.
fn emitted_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return found };
    let mut entries: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(emitted_files(&path));
        } else if fs::read(&path).is_ok_and(|bytes| is_generated(&bytes)) {
            found.push(path);
        }
    }
    found
}
