//! The breaking-change report: what a spec change does to the generated crate's public API,
//! printed by `cargo xtask codegen` when the listing (`generated/API.md`) changes and by
//! `cargo xtask api-diff [--base REV]` between the working tree and a git revision.
//!
//! The old API is read back from the listing committed at the revision, not generated again
//! from the spec at that revision: the listing is what the crate at that revision really was,
//! made by the generator of that revision (a naming rule changed since then shows up as the
//! rename it is for users), and reading it takes milliseconds where generating a large spec takes
//! seconds. Comparing and classifying are pure (`generator::listing::diff`); this module owns the
//! files and git.

use crate::{DEFAULT_OUT, DEFAULT_SPEC, Report};
use generator::listing::{self, diff::Change};
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};

/// The changes from the listing `old` to the listing `new`, in the listing's order, each marked
/// breaking or compatible.
pub fn report(old: &str, new: &str) -> Result<Vec<Change>, String> {
    let old = listing::parse(old).map_err(|error| format!("the old {}: {error}", listing::PATH))?;
    let new = listing::parse(new).map_err(|error| format!("the new {}: {error}", listing::PATH))?;
    Ok(listing::diff::diff(&old, &new))
}

/// What the exit code of `api-diff` tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No change to the public API: exit code 0.
    Unchanged,
    /// Only compatible changes: exit code 2.
    Compatible,
    /// At least one breaking change: exit code 3. (Exit code 1 means the comparison failed.)
    Breaking,
}

impl Verdict {
    /// The verdict on a list of changes.
    pub fn of(changes: &[Change]) -> Verdict {
        if changes.iter().any(|change| change.breaking) {
            Verdict::Breaking
        } else if changes.is_empty() {
            Verdict::Unchanged
        } else {
            Verdict::Compatible
        }
    }

    /// The process exit code.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Verdict::Unchanged => 0,
            Verdict::Compatible => 2,
            Verdict::Breaking => 3,
        })
    }
}

/// The report as printed: a summary line, then one indented line per change.
pub fn summary(changes: &[Change]) -> String {
    let breaking = changes.iter().filter(|change| change.breaking).count();
    let mut text = match changes.len() {
        0 => "public API unchanged\n".to_owned(),
        count => format!("public API: {breaking} breaking, {} compatible change(s)\n", count - breaking),
    };
    for change in changes {
        text.push_str(&format!("  {change}\n"));
    }
    text
}

/// Records in the report of a `codegen` run what `codegen` is about to change in the public API: the listing on disk
/// under `out` against the new one in `files`, when both exist and differ. A listing on disk that
/// cannot be read back becomes a warning; it never stops code generation.
pub(crate) fn record(out: &Path, files: &[(String, String)], run: &mut Report) {
    if !run.changed.iter().any(|path| path == listing::PATH) {
        return;
    }
    let Some((_, new)) = files.iter().find(|(path, _)| path == listing::PATH) else { return };
    let Ok(old) = fs::read_to_string(out.join(listing::PATH)) else { return };
    match report(&old, new) {
        Ok(changes) => run.api_changes = changes,
        Err(error) => run.warnings.push(format!("no API change report: {error}")),
    }
}

/// The changes from the listing committed at the git revision `base` to the listing that the
/// working tree's spec produces, for the workspace at `root`.
pub fn against_revision(root: &Path, base: &str) -> Result<Vec<Change>, String> {
    let committed = format!("{DEFAULT_OUT}/{}", listing::PATH);
    let output = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("{base}:{committed}")])
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "cannot read {committed} at {base} (revisions from before the listing have none): {}",
            stderr.trim()
        ));
    }
    let old = String::from_utf8(output.stdout).map_err(|_| format!("{committed} at {base} is not UTF-8"))?;
    let spec = root.join(DEFAULT_SPEC);
    let text = fs::read_to_string(&spec).map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let new = listing_of(&text, DEFAULT_SPEC, &spec)?;
    report(&old, &new).map_err(|error| format!("{error} (at {base})"))
}

/// The listing that the spec `text`, at `path`, produces; `source` names the spec in its header
/// and errors. The files its `$ref`s name are read from the disk.
pub fn listing_of(text: &str, source: &str, path: &std::path::Path) -> Result<String, String> {
    let generated = generator::generate_from(text, source, path, &crate::spec_files::Disk)
        .map_err(|errors| format!("{source} does not generate:\n{errors}"))?;
    let listing = generated.files.into_iter().find(|file| file.path == listing::PATH);
    listing.map(|file| file.contents).ok_or_else(|| format!("the generator wrote no {}", listing::PATH))
}

/// `cargo xtask api-diff [--base REV]`: prints the report between `REV` (default `HEAD`) and the
/// working tree, and tells the verdict by the exit code.
pub fn run(options: &[String], usage: &str) -> Result<ExitCode, String> {
    let base = match options {
        [] => "HEAD",
        [flag, base] if flag == "--base" => base.as_str(),
        _ => return Err(usage.to_owned()),
    };
    let changes = against_revision(&crate::workspace_root(), base)?;
    print!("{}", summary(&changes));
    Ok(Verdict::of(&changes).exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_follows_the_worst_change() {
        let change = |breaking| Change { breaking, text: String::new() };
        assert_eq!(Verdict::of(&[]), Verdict::Unchanged);
        assert_eq!(Verdict::of(&[change(false)]), Verdict::Compatible);
        assert_eq!(Verdict::of(&[change(false), change(true)]), Verdict::Breaking);
        // The documented exit codes (1 is any failure, as for every other task).
        assert_eq!(Verdict::Unchanged.exit_code(), ExitCode::from(0));
        assert_eq!(Verdict::Compatible.exit_code(), ExitCode::from(2));
        assert_eq!(Verdict::Breaking.exit_code(), ExitCode::from(3));
    }

    #[test]
    fn the_summary_counts_and_lists_the_changes() {
        let changes = [
            Change { breaking: true, text: "field A.b removed".to_owned() },
            Change { breaking: false, text: "struct C added".to_owned() },
        ];
        assert_eq!(
            summary(&changes),
            "public API: 1 breaking, 1 compatible change(s)\n  field A.b removed (breaking)\n  struct C added (compatible)\n"
        );
        assert_eq!(summary(&[]), "public API unchanged\n");
    }
}
