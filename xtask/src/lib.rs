//! Maintainer tasks behind `cargo xtask`. `codegen` regenerates the `cloudflare-realtimekit`
//! crate from `spec/realtimekit.yaml`; `codegen --check` verifies that the committed files are
//! what the generator produces, without writing anything.

pub mod api_diff;
mod scaffold;

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
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Generates the client for `spec` into the crate at `out`. Nothing is written unless the whole
/// spec generates; in [`Mode::Check`] nothing is written at all and any difference is an error.
pub fn codegen(spec: &Path, out: &Path, mode: Mode) -> Result<Report, String> {
    let root = workspace_root();
    let source = spec.strip_prefix(&root).unwrap_or(spec).display().to_string().replace('\\', "/");
    let bytes = fs::read(spec).map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let text = String::from_utf8(bytes).map_err(|error| not_utf8(&source, error.as_bytes(), error.utf8_error()))?;
    let output = generator::generate(&text, &source).map_err(|errors| {
        let mut message = String::new();
        for diagnostic in &errors.diagnostics {
            let _ = writeln!(message, "{source}: {diagnostic}");
        }
        let count = errors.diagnostics.iter().filter(|d| d.severity == generator::Severity::Error).count();
        let _ = write!(message, "{count} error(s) in {source}; nothing was written");
        message
    })?;
    let mut report = Report {
        warnings: output.warnings.iter().map(|warning| format!("{source}: {warning}")).collect(),
        operations_left_out: output.warnings.iter().filter(|w| w.kind == generator::Kind::OperationLeftOut).count(),
        ..Report::default()
    };
    let features = output.features;
    let mut files: Vec<(String, String)> = output.files.into_iter().map(|file| (file.path, file.contents)).collect();
    if !same_dir(out, &root.join(DEFAULT_OUT)) {
        // A crate of its own: add a manifest, a root module and the runtime.
        let name = out.file_name().map(|n| n.to_string_lossy().replace(['_', '.', ' '], "-")).unwrap_or_default();
        files.extend(scaffold::files(&root.join(DEFAULT_OUT), &name, &source, &features)?);
    }
    let mut wanted = Vec::new();
    for (path, contents) in &files {
        let full = out.join(path);
        wanted.push(full.clone());
        if fs::read(&full).ok().as_deref() != Some(contents.as_bytes()) {
            report.changed.push(path.clone());
        }
    }
    for stale in emitted_files(&out.join("src")).into_iter().filter(|path| !wanted.contains(path)) {
        report.removed.push(stale.strip_prefix(out).unwrap_or(&stale).display().to_string());
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
    for (path, contents) in files.iter().filter(|(path, _)| report.changed.contains(path)) {
        write_atomically(&out.join(path), contents.as_bytes())?;
    }
    for path in &report.removed {
        fs::remove_file(out.join(path)).map_err(|error| format!("cannot remove {path}: {error}"))?;
    }
    Ok(report)
}

/// Generates `spec` into a standalone crate under `target/generated-crates/` and runs
/// `cargo clippy -- -D warnings` on it, printing the warnings of generation (among them every
/// operation left out, with the reason).
pub fn check_spec(spec: &Path) -> Result<(), String> {
    let root = workspace_root();
    let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out = root.join("target/generated-crates").join(&name);
    let started = std::time::Instant::now();
    let report = codegen(spec, &out, Mode::Write)?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    let left_out = report.operations_left_out;
    println!("generated {} in {:.1?}; {left_out} operation(s) left out", out.display(), started.elapsed());
    let started = std::time::Instant::now();
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/generated-crates/target"))
        .args(["clippy", "--quiet", "--", "-D", "warnings"])
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !status.success() {
        return Err(format!("{} does not pass `cargo clippy -- -D warnings`", out.display()));
    }
    println!("{} passes clippy ({:.0?})", out.display(), started.elapsed());
    Ok(())
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

/// Files under `dir` (recursively) that start with the emitted-file header.
fn emitted_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return found };
    let mut entries: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(emitted_files(&path));
        } else if fs::read_to_string(&path).is_ok_and(|text| generator::render::is_generated(&text)) {
            found.push(path);
        }
    }
    found
}

/// Writes through a temporary file and a rename, so that a reader never sees half a file.
fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    }
    let temporary = path.with_extension("rs.tmp");
    fs::write(&temporary, contents).map_err(|error| format!("cannot write {}: {error}", temporary.display()))?;
    fs::rename(&temporary, path).map_err(|error| format!("cannot write {}: {error}", path.display()))
}
