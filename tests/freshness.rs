//! The committed `generated/` crate is exactly what the generator produces from `spec/`.

#[test]
fn generated_crate_is_up_to_date() {
    let root = tests::workspace_root();
    let result = xtask::codegen(&root.join(xtask::DEFAULT_SPEC), &root.join(xtask::DEFAULT_OUT), xtask::Mode::Check);
    if let Err(message) = result {
        panic!("{message}");
    }
}
