//! The committed `generated/` crate is exactly what the generator produces from `spec/`.

#[test]
fn generated_crate_is_up_to_date() {
    let root = tests::workspace_root();
    let result = xtask::codegen(&root.join(xtask::DEFAULT_SPEC), &root.join(xtask::DEFAULT_OUT), xtask::Mode::Check);
    if let Err(message) = result {
        panic!("{message}");
    }
}

/// The listing (`generated/API.md`) is checked like the code: one that differs from what the spec
/// produces is named as stale, and nothing else is.
#[test]
fn a_stale_listing_is_reported() {
    let root = tests::workspace_root();
    let spec = root.join(xtask::DEFAULT_SPEC);
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("freshness-listing");
    let _ = std::fs::remove_dir_all(&out);
    xtask::codegen(&spec, &out, xtask::Mode::Write).expect("the spec generates");
    xtask::codegen(&spec, &out, xtask::Mode::Check).expect("up to date right after writing");
    let listing = out.join("API.md");
    let text = std::fs::read_to_string(&listing).expect("a listing was written");
    std::fs::write(&listing, text.replace("field Paging.total_count", "field Paging.count")).expect("edited");
    let message = xtask::codegen(&spec, &out, xtask::Mode::Check).expect_err("a stale listing");
    let stale: Vec<&str> = message.lines().filter(|line| line.contains("stale or missing")).collect();
    assert_eq!(stale, ["  stale or missing: API.md"], "{message}");
}

/// `--check` reads every file of a multi-file spec: a change in a file that only a `$ref` names
/// makes the crate stale.
#[test]
fn a_change_in_any_file_of_a_multi_file_spec_is_noticed() {
    let root = tests::workspace_root();
    let scratch = tempfile::tempdir().expect("temporary directory");
    copy_dir(&root.join("tests/multi_file"), scratch.path());
    let spec = scratch.path().join("spec/api.yaml");
    let out = scratch.path().join("crate");
    xtask::codegen(&spec, &out, xtask::Mode::Write).expect("the spec generates");
    xtask::codegen(&spec, &out, xtask::Mode::Check).expect("up to date right after writing");
    let kind = scratch.path().join("spec/schemas/kind.json");
    let text = std::fs::read_to_string(&kind).expect("readable");
    std::fs::write(&kind, text.replace("\"dog\"", "\"dog\", \"fish\"")).expect("edited");
    let message = xtask::codegen(&spec, &out, xtask::Mode::Check).expect_err("a stale crate");
    assert!(message.contains("stale or missing: src/models.rs"), "{message}");
    assert!(message.contains("stale or missing: API.md"), "{message}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).expect("readable directory").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("directory created");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("file copied");
        }
    }
}
