//! Helpers shared by the test files of this package, in one place: the workspace's paths and
//! snapshot text here, and in [`support`] what the tests of the generated client against local
//! HTTP servers share.

use std::path::{Path, PathBuf};

pub mod support;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// All generated files of one run as one text, each under a `=== path` line: what a snapshot
/// stores.
pub fn concatenate(files: &[generator::GeneratedFile]) -> String {
    files.iter().map(|file| format!("=== {}\n{}", file.path, file.contents)).collect::<Vec<_>>().join("\n")
}
