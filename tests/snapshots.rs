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
        // The listing has a snapshot of its own (below).
        let code: Vec<_> = output.files.into_iter().filter(|file| file.path != generator::listing::PATH).collect();
        let mut snapshot = tests::concatenate(&code);
        if !output.warnings.is_empty() {
            snapshot.push_str("\n=== warnings\n");
            for warning in &output.warnings {
                snapshot.push_str(&format!("{warning}\n"));
            }
        }
        insta::assert_snapshot!(snapshot);
    });
}

/// The public-API listing of every fixture, so that a generator change that alters what users
/// see shows there as well as in the code.
#[test]
fn fixtures_list_their_reviewed_public_api() {
    insta::glob!("fixtures/*.yaml", |path| {
        let text = fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let output = generator::generate(&text, &format!("tests/fixtures/{name}"))
            .unwrap_or_else(|errors| panic!("{name} does not generate:\n{errors}"));
        let listing = output.files.iter().find(|file| file.path == generator::listing::PATH).expect("a listing");
        let entries = generator::listing::parse(&listing.contents).unwrap_or_else(|error| panic!("{name}: {error}"));
        // Every line of the text blocks reads back into an entry that is written the same way.
        let mut in_block = false;
        let lines: Vec<&str> = listing
            .contents
            .lines()
            .filter(|line| {
                if line.starts_with("```") {
                    in_block = !in_block;
                    return false;
                }
                in_block
            })
            .collect();
        let reread: Vec<String> = entries.iter().map(ToString::to_string).collect();
        assert_eq!(lines, reread, "{name}: the listing does not read back as written");
        insta::assert_snapshot!(listing.contents);
    });
}

#[test]
fn generation_is_deterministic() {
    let path = tests::workspace_root().join(xtask::DEFAULT_SPEC);
    let text = fs::read_to_string(&path).expect("spec is readable");
    let generate = || generator::generate_from(&text, xtask::DEFAULT_SPEC, &path, &xtask::spec_files::Disk);
    let first = generate().expect("spec generates");
    let second = generate().expect("spec generates");
    assert_eq!(first.files, second.files);
}

/// Parts of files are emitted and formatted on several threads; the files must be exactly those
/// of doing it one part after the other, on a spec whose `models.rs` comes in several parts.
#[test]
fn parallel_generation_matches_part_by_part_generation() {
    let source = "tests/conformance/realtimekit-official-all.json";
    let text = fs::read_to_string(tests::workspace_root().join(source)).expect("definition is readable");
    let output = generator::generate(&text, source).expect("definition generates");
    let document = generator::load::load(&text).expect("definition loads");
    let api = generator::lower::lower(&document.api, &mut generator::error::Diagnostics::default());
    let parts = generator::emit::parts(&api);
    let model_parts = parts.iter().filter(|part| matches!(part, generator::emit::Part::Models { .. })).count();
    assert!(model_parts > 1, "models.rs has {model_parts} parts");
    assert!(parts.len() > model_parts + 2, "several operation files");
    let sequential = generator::render::render(generator::emit::emit(&api), source).expect("renders");
    let listing = output.files.last().expect("files");
    assert_eq!(listing.path, generator::listing::PATH, "the listing comes last");
    assert_eq!(output.files.len(), sequential.len() + 1);
    for (parallel, sequential) in output.files.iter().zip(&sequential) {
        assert_eq!(parallel.path, sequential.path);
        assert!(parallel.contents == sequential.contents, "{} differs", parallel.path);
    }
    let models = output.files.iter().find(|file| file.path == "src/models.rs").expect("models.rs");
    assert_eq!(models.contents.matches("//! Request and response types").count(), 1, "one module header");
}

/// A spec split over several files (`tests/multi_file/`): a `$ref` to another file in every place
/// OpenAPI allows one and in some it does not (warnings), cycles across files, `../`, JSON and
/// YAML files, all read from the disk as `cargo xtask codegen` reads them.
#[test]
fn a_spec_in_several_files_generates_its_reviewed_output() {
    let source = "tests/multi_file/spec/api.yaml";
    let path = tests::workspace_root().join(source);
    let text = fs::read_to_string(&path).expect("spec is readable");
    let output = generator::generate_from(&text, source, &path, &xtask::spec_files::Disk)
        .unwrap_or_else(|errors| panic!("the multi-file spec does not generate:\n{errors}"));
    let mut snapshot = tests::concatenate(&output.files);
    snapshot.push_str("\n=== warnings\n");
    for warning in &output.warnings {
        snapshot.push_str(&format!("{warning}\n"));
    }
    insta::assert_snapshot!(snapshot);
}
