//! Snapshot tests: every fixture under `tests/fixtures/` (one generator feature each) is
//! generated, and the output is compared with its reviewed snapshot under `tests/snapshots/`.
//! After a deliberate change, review the differences with `cargo insta review`.

use std::fs;

#[test]
fn fixtures_generate_their_reviewed_output() {
    insta::glob!("fixtures/*.yaml", |path| {
        let text = fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let output = generator::generate(&text, &format!("tests/fixtures/{name}"))
            .unwrap_or_else(|errors| panic!("{name} does not generate:\n{errors}"));
        let mut snapshot = tests::concatenate(&output.files);
        if !output.warnings.is_empty() {
            snapshot.push_str("\n=== warnings\n");
            for warning in &output.warnings {
                snapshot.push_str(&format!("{warning}\n"));
            }
        }
        insta::assert_snapshot!(snapshot);
    });
}

#[test]
fn generation_is_deterministic() {
    let text = fs::read_to_string(tests::workspace_root().join("spec/realtimekit.yaml")).expect("spec is readable");
    let first = generator::generate(&text, "spec/realtimekit.yaml").expect("spec generates");
    let second = generator::generate(&text, "spec/realtimekit.yaml").expect("spec generates");
    assert_eq!(first.files, second.files);
}
