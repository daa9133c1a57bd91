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
