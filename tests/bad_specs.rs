//! Broken specs: every file under `tests/bad_specs/` holds one fault. `cargo xtask codegen` must
//! fail on each, report every problem with its JSON pointer (the messages are snapshots), and
//! leave `generated/` byte-for-byte untouched.

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

#[test]
fn broken_specs_are_reported_and_nothing_is_written() {
    let root = tests::workspace_root();
    let out = root.join(xtask::DEFAULT_OUT);
    let before = contents(&out);
    insta::glob!("bad_specs/*.yaml", |path| {
        let message = match xtask::codegen(path, &out, xtask::Mode::Write) {
            Ok(report) => panic!("{} generated: {report:?}", path.display()),
            Err(message) => message,
        };
        assert!(message.contains("error: #"), "every error names a JSON pointer:\n{message}");
        insta::assert_snapshot!(message);
    });
    assert!(contents(&out) == before, "a failed run changed generated/");
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
