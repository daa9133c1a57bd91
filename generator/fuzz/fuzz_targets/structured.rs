//! A structurally valid OpenAPI 3.0 document, described by an `arbitrary`-derived value and
//! rendered to JSON, fed to `generator::generate`. Besides "never panics", it checks what a
//! successful run promises:
//!
//! - every generated file parses as Rust (`syn::parse_file`), and a failed run never blames the
//!   generator itself (`internal error: ... does not parse`);
//! - no two generated files have the same path (one would overwrite the other);
//! - generating twice from the same text gives the same result (files, warnings, or errors).
//!
//! Names are drawn mostly from a pool of awkward ones (keywords, names that collide after case
//! conversion, digit-leading, empty, non-ASCII, names of prelude types and builder members) and
//! sometimes are arbitrary strings.
//!
//! The document and its rendering live in `structured/`: `names.rs` (the pools of names and texts),
//! `schema.rs` (schemas), `operation.rs` (parameters, bodies, responses, paths and operations) and
//! `document.rs` (the document); this file holds the target and its checks.
#![no_main]

#[path = "structured/document.rs"]
mod document;
#[path = "structured/names.rs"]
mod names;
#[path = "structured/operation.rs"]
mod operation;
#[path = "structured/schema.rs"]
mod schema;

use document::Document;
use libfuzzer_sys::fuzz_target;

const SOURCE: &str = "spec/fuzz.json";

fuzz_target!(|document: Document| {
    let Ok(text) = serde_json::to_string_pretty(&document.render()) else { return };
    if std::env::var_os("FUZZ_PRINT").is_some() {
        // The document as JSON, to reproduce a crash outside the fuzzer.
        println!("{text}");
    }
    let first = generator::generate(&text, SOURCE);
    if std::env::var_os("FUZZ_DEBUG").is_some() {
        // One line per input, to see how many documents get through (`ok`) and what stops the others.
        match &first {
            Ok(output) => eprintln!("FUZZ_DEBUG ok {} files", output.files.len()),
            Err(errors) => {
                eprintln!("FUZZ_DEBUG err {}", errors.diagnostics.first().map(|d| d.message.as_str()).unwrap_or(""))
            }
        }
    }
    match &first {
        Ok(output) => {
            let mut paths = std::collections::BTreeSet::new();
            for file in &output.files {
                assert!(
                    paths.insert(file.path.as_str()),
                    "two generated files have the path {}\n--- spec:\n{text}",
                    file.path
                );
                if file.path == generator::listing::PATH {
                    // The public-API listing is Markdown, and must read back as it was written.
                    if let Err(error) = generator::listing::parse(&file.contents) {
                        panic!(
                            "the listing does not read back: {error}\n--- spec:\n{text}\n--- listing:\n{}",
                            file.contents
                        );
                    }
                    continue;
                }
                if let Err(error) = syn::parse_file(&file.contents) {
                    panic!(
                        "generated {} does not parse as Rust: {error}\n--- spec:\n{text}\n--- {}:\n{}",
                        file.path, file.path, file.contents
                    );
                }
            }
        }
        Err(errors) => {
            for diagnostic in &errors.diagnostics {
                assert!(
                    !diagnostic.message.contains("internal error"),
                    "the generator reported a bug of its own: {diagnostic}\n--- spec:\n{text}"
                );
            }
        }
    }
    let second = generator::generate(&text, SOURCE);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert!(a.files == b.files, "two runs on the same spec gave different files\n--- spec:\n{text}");
            assert!(a.warnings == b.warnings, "two runs on the same spec gave different warnings\n--- spec:\n{text}");
        }
        (Err(a), Err(b)) => assert!(a == b, "two runs on the same spec gave different errors\n--- spec:\n{text}"),
        _ => panic!("two runs on the same spec disagree on success\n--- spec:\n{text}"),
    }
});
