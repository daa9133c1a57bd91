//! Broken specs: every file under `tests/bad_specs/` holds one fault. `cargo xtask codegen` must
//! fail on each, report every problem with its JSON pointer (the messages are snapshots), and
//! leave the crate it writes into byte-for-byte untouched (a scratch copy of `generated/`, so
//! that a regression cannot damage the real one).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("readable directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(contents(&path));
        } else {
            found.insert(path.clone(), fs::read(&path).expect("readable file"));
        }
    }
    found
}

/// Copies the files under `from` into `to`.
fn copy(from: &Path, to: &Path) {
    for (path, bytes) in contents(from) {
        let target = to.join(path.strip_prefix(from).expect("under from"));
        fs::create_dir_all(target.parent().expect("a parent")).expect("directory created");
        fs::write(target, bytes).expect("file written");
    }
}

#[test]
fn broken_specs_are_reported_and_nothing_is_written() {
    let root = tests::workspace_root();
    let scratch = tempfile::tempdir().expect("temporary directory");
    let out = scratch.path().join("generated");
    copy(&root.join(xtask::DEFAULT_OUT).join("src"), &out.join("src"));
    let before = contents(&out);
    insta::glob!("bad_specs/*.yaml", |path| {
        let message = match xtask::codegen(path, &out, xtask::Mode::Write) {
            Ok(report) => panic!("{} generated: {report:?}", path.display()),
            Err(message) => message,
        };
        assert!(message.contains("error: #"), "every error names a JSON pointer:\n{message}");
        insta::assert_snapshot!(message);
    });
    assert!(contents(&out) == before, "a failed run changed the crate");
}

#[test]
fn the_command_exits_non_zero_and_prints_every_error() {
    let root = tests::workspace_root();
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "codegen",
            "--check",
            "--spec",
            "tests/bad_specs/several_errors.yaml",
        ])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "exit status {:?}\n{stderr}", output.status);
    assert!(stderr.contains("duplicate operationId `same`"), "{stderr}");
    assert!(stderr.contains("unresolved $ref `#/components/schemas/Gone`"), "{stderr}");
    assert!(stderr.contains("unknown type `decimal`"), "{stderr}");
    assert!(stderr.contains("`{x}` is not declared"), "{stderr}");
}
