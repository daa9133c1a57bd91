//! In-process cost of each generator pass on the three documents of the repository:
//! `load` (text → openapiv3), `lower` (→ model), `emit` (→ token streams), `render`
//! (→ formatted files), and `generate` (all of them, plus diagnostics and their lines).
//!
//! `cargo xtask bench` runs this with `cargo bench` and reads criterion's estimates; the peak
//! memory and the comparison with cargo-progenitor come from child processes (see
//! `xtask/src/bench.rs`). Run without `--bench` (`cargo test --benches`, or `cargo bench --
//! --test`) it times each pass once on the smallest document, so that CI keeps it compiling.

use std::hint::black_box;

/// The allocator `cargo xtask codegen` runs on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use generator::error::Diagnostics;

/// (name in reports, path from the workspace root).
const DOCUMENTS: [(&str, &str); 3] = [
    ("realtimekit-3", "spec/realtimekit.yaml"),
    ("realtimekit-61", "tests/conformance/realtimekit-official-all.json"),
    ("cloudflare-1533", "tests/conformance/cloudflare-openapi-2024-08-06.json"),
];

/// Whether this is a smoke run (CI): criterion's test mode, i.e. not started by `cargo bench`.
fn smoke() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

fn full(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn read(path: &str) -> String {
    let full = full(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("cannot read {}: {error}", full.display()))
}

/// The files the specs' `$ref`s name (`spec/realtimekit.yaml` is in several), read from the disk
/// as `cargo xtask codegen` reads them.
struct Disk;

impl generator::load::files::SpecFiles for Disk {
    fn canonical(&self, path: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

fn load(text: &str, path: &str) -> Result<generator::load::Document, generator::Errors> {
    generator::load::load_from(text, &full(path), path, &Disk)
}

fn generate(text: &str, path: &str) -> Result<generator::Output, generator::Errors> {
    generator::generate_from(text, path, &full(path), &Disk)
}

fn passes(c: &mut Criterion) {
    let documents = if smoke() { &DOCUMENTS[..1] } else { &DOCUMENTS[..] };
    for &(name, path) in documents {
        let text = read(path);
        // Inputs of each pass, computed once, and a check that the document generates.
        let document = load(&text, path).unwrap_or_else(|errors| panic!("{path} does not load: {errors}"));
        let api = generator::lower::lower(&document.api, &mut Diagnostics::default());
        let emitted = generator::emit::emit(&api);
        if let Err(errors) = generate(&text, path) {
            panic!("{path} does not generate: {errors}");
        }

        let mut group = c.benchmark_group(format!("gen-{name}"));
        if text.len() > 1_000_000 {
            // Seconds per iteration: a few flat samples are enough.
            group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(20));
        } else {
            group.sample_size(20).measurement_time(Duration::from_secs(4));
        }
        group.bench_function("load", |b| b.iter(|| load(black_box(&text), path)));
        group.bench_function("lower", |b| {
            b.iter(|| generator::lower::lower(black_box(&document.api), &mut Diagnostics::default()));
        });
        group.bench_function("emit", |b| b.iter(|| generator::emit::emit(black_box(&api))));
        group.bench_function("render", |b| {
            b.iter_batched(|| emitted.clone(), |files| generator::render::render(files, path), BatchSize::PerIteration);
        });
        group.bench_function("generate", |b| b.iter(|| generate(black_box(&text), path)));
        let (old, new) = listings_with_one_change(&text, path);
        group.bench_function("report", |b| {
            b.iter(|| {
                let old = generator::listing::parse(black_box(&old)).expect("the listing reads back");
                let new = generator::listing::parse(black_box(&new)).expect("the changed listing reads back");
                let changes = generator::listing::diff::diff(&old, &new);
                assert_eq!(changes.len(), 1, "one change: {changes:?}");
                changes
            });
        });
        group.finish();
    }
}

/// The public-API listing of `text`, and the same listing with its first optional query parameter
/// made required.
fn listings_with_one_change(text: &str, path: &str) -> (String, String) {
    let output = generate(text, path).unwrap_or_else(|errors| panic!("{path} does not generate: {errors}"));
    let listing = output.files.into_iter().find(|file| file.path == generator::listing::PATH).expect("a listing");
    let old = listing.contents;
    let line = old.lines().find(|line| line.contains(": optional query ")).expect("an optional query parameter");
    let new = old.replacen(line, &line.replacen(": optional query ", ": required query ", 1), 1);
    (old, new)
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).noise_threshold(0.03);
    targets = passes
}
criterion_main!(benches);
