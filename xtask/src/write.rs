//! Applies a set of file changes to a directory all or nothing: every new file is written to a
//! temporary file next to its destination first; only then are the replaced and removed files
//! moved aside and the temporary files renamed into place. If any step fails, every step before
//! it is undone and the temporary files and backups are removed, so the directory is exactly as
//! it was (a disk that fills up, a directory that cannot be written, a path component that is a
//! file). Backups are deleted once every rename has succeeded.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One change: write `contents` to `path`, or remove `path` when `contents` is `None`.
pub(crate) struct Change<'a> {
    pub(crate) path: PathBuf,
    pub(crate) contents: Option<&'a [u8]>,
}

/// Applies `changes` all or nothing.
pub(crate) fn apply(changes: &[Change<'_>]) -> Result<(), String> {
    apply_failing_at(changes, usize::MAX)
}

/// What has been done so far, to undo in reverse order.
enum Done {
    /// A directory that did not exist.
    CreatedDir(PathBuf),
    /// A temporary file, not yet renamed.
    Temporary(PathBuf),
    /// A file moved aside to a backup.
    MovedAside { path: PathBuf, backup: PathBuf },
    /// A temporary file renamed to its destination.
    Placed(PathBuf),
}

/// [`apply`], except that the rename numbered `fail_at` (counting from 0) fails, to test the
/// undoing of a commit that breaks part-way on any machine (tests may run as root, for whom
/// permission bits do not stop a rename).
pub(crate) fn apply_failing_at(changes: &[Change<'_>], fail_at: usize) -> Result<(), String> {
    let mut done = Vec::new();
    let mut renames = 0;
    let result = stage(changes, &mut done)
        .and_then(|temporaries| commit(changes, &temporaries, &mut done, &mut renames, fail_at));
    match result {
        Ok(()) => {
            // Every change is in place: drop the backups (a backup that cannot be removed is
            // only a stray file, not a lost one).
            for step in &done {
                if let Done::MovedAside { backup, .. } = step {
                    let _ = fs::remove_file(backup);
                }
            }
            Ok(())
        }
        Err(message) => {
            undo(done);
            Err(format!("{message}; nothing was changed"))
        }
    }
}

/// Writes every new file's temporary file, creating the directories it needs.
fn stage(changes: &[Change<'_>], done: &mut Vec<Done>) -> Result<Vec<Option<PathBuf>>, String> {
    let mut temporaries = Vec::new();
    for change in changes {
        let Some(contents) = change.contents else {
            temporaries.push(None);
            continue;
        };
        if let Some(parent) = change.path.parent() {
            create_dirs(parent, done).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        let temporary = sibling(&change.path, "tmp");
        fs::write(&temporary, contents).map_err(|error| {
            let _ = fs::remove_file(&temporary);
            format!("cannot write {}: {error}", change.path.display())
        })?;
        done.push(Done::Temporary(temporary.clone()));
        temporaries.push(Some(temporary));
    }
    Ok(temporaries)
}

/// Moves replaced and removed files aside and renames the temporary files into place.
fn commit(
    changes: &[Change<'_>],
    temporaries: &[Option<PathBuf>],
    done: &mut Vec<Done>,
    renames: &mut usize,
    fail_at: usize,
) -> Result<(), String> {
    let mut rename = |from: &Path, to: &Path| {
        let attempt = *renames;
        *renames += 1;
        if attempt == fail_at {
            return Err(io::Error::other("injected failure"));
        }
        fs::rename(from, to)
    };
    for (change, temporary) in changes.iter().zip(temporaries) {
        let path = &change.path;
        if fs::symlink_metadata(path).is_ok() {
            let backup = sibling(path, "bak");
            rename(path, &backup).map_err(|error| format!("cannot move {} aside: {error}", path.display()))?;
            done.push(Done::MovedAside { path: path.clone(), backup });
        }
        if let Some(temporary) = temporary {
            rename(temporary, path).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            done.push(Done::Placed(path.clone()));
        }
    }
    Ok(())
}

/// Undoes `done` in reverse order, as far as the file system lets it.
fn undo(done: Vec<Done>) {
    for step in done.into_iter().rev() {
        let _ = match step {
            Done::Placed(path) | Done::Temporary(path) => fs::remove_file(path),
            Done::MovedAside { path, backup } => fs::rename(backup, path),
            Done::CreatedDir(dir) => fs::remove_dir(dir),
        };
    }
}

/// Creates `dir` and its missing ancestors, recording each one created.
fn create_dirs(dir: &Path, done: &mut Vec<Done>) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, done)?;
    }
    fs::create_dir(dir)?;
    done.push(Done::CreatedDir(dir.to_path_buf()));
    Ok(())
}

/// A hidden file next to `path` for its temporary copy or backup.
fn sibling(path: &Path, kind: &str) -> PathBuf {
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.codegen-{kind}"))
}

#[cfg(test)]
mod tests {
    use super::{Change, apply, apply_failing_at};
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::{Path, PathBuf};

    /// Every file under `dir` with its bytes.
    fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut found = BTreeMap::new();
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(contents(&path));
                found.insert(path, Vec::new());
            } else {
                found.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
        found
    }

    #[test]
    fn a_failure_at_any_step_leaves_the_directory_as_it_was() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let root = dir.path();
        fs::write(root.join("kept.rs"), "old").unwrap_or_else(|error| panic!("{error}"));
        fs::write(root.join("stale.rs"), "stale").unwrap_or_else(|error| panic!("{error}"));
        let before = contents(root);
        let changes = [
            Change { path: root.join("kept.rs"), contents: Some(b"new") },
            Change { path: root.join("a/b/new.rs"), contents: Some(b"created") },
            Change { path: root.join("stale.rs"), contents: None },
        ];
        // Three files moved or renamed: four renames in all.
        for fail_at in 0..4 {
            let error = apply_failing_at(&changes, fail_at).err();
            assert!(error.is_some_and(|e| e.contains("injected failure")), "rename {fail_at} fails");
            assert_eq!(contents(root), before, "after a failure at rename {fail_at}");
        }
        apply(&changes).unwrap_or_else(|error| panic!("{error}"));
        let after = contents(root);
        assert_eq!(after.get(&root.join("kept.rs")).map(Vec::as_slice), Some(&b"new"[..]));
        assert_eq!(after.get(&root.join("a/b/new.rs")).map(Vec::as_slice), Some(&b"created"[..]));
        assert!(!after.contains_key(&root.join("stale.rs")));
        assert_eq!(after.len(), 4, "no temporary file or backup is left: {:?}", after.keys());
    }

    #[test]
    fn a_path_that_cannot_be_created_changes_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let root = dir.path();
        fs::write(root.join("kept.rs"), "old").unwrap_or_else(|error| panic!("{error}"));
        // A path component that is a file stops a write even for root.
        fs::write(root.join("blocker"), "a file").unwrap_or_else(|error| panic!("{error}"));
        let before = contents(root);
        let changes = [
            Change { path: root.join("kept.rs"), contents: Some(b"new") },
            Change { path: root.join("fresh/x.rs"), contents: Some(b"x") },
            Change { path: root.join("blocker/y.rs"), contents: Some(b"y") },
        ];
        let error = apply(&changes).err().unwrap_or_default();
        assert!(error.contains("blocker") && error.contains("nothing was changed"), "{error}");
        assert_eq!(contents(root), before);
    }
}
