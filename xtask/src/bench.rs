//! `cargo xtask bench`: measures the generator and the generated client side by side with their
//! peers, prints one table and rewrites the measured part of BENCHMARKS.md.
//!
//! - Generation: `xtask codegen --out` (release) against `cargo-progenitor` on the three documents,
//!   one child process per run, interleaved, wall time and peak RSS; the split into passes comes
//!   from the criterion bench `generator/benches/generation.rs`.
//! - Compile cost: `cargo check` and `cargo build --release` of both generated crates for the
//!   61-operation document, dependencies built beforehand, the crate itself rebuilt from scratch
//!   (`CARGO_INCREMENTAL=0`, as when it is a dependency), interleaved.
//! - Decoding, client overhead, auto-pagination: the criterion benches of `generated/benches/`,
//!   several rounds with the peers' order alternating; ratios are medians of per-round ratios.
//! - Scale: synthetic specs of many schemas linked into one cycle against unlinked ones, and a
//!   large linked spec.
//! - Per-tag features: `cargo check` of the Cloudflare API crate with one tag's feature against
//!   every feature.
//!
//! `cargo xtask bench --smoke` compiles every bench and runs each once on its smallest input
//! (debug build, about ten seconds after compiling), then times one generation in a child
//! process, the scale specs at 200 schemas and a one-tag build of a fixture's crate; it writes
//! nothing but `target/bench/` and `target/generated-crates/`.
//!
//! This module reads the options and runs the sections in order; its children, by concern:
//! `generation`, `compile`, `client` (decoding, client overhead, paging), `scale` and `features`
//! measure; `compatible` prepares the document progenitor can read; `process` times child
//! processes, `criterion` runs the criterion benches and reads their estimates, `tools` builds
//! and installs, `machine` reads /proc and waits for a quiet machine; `figures` and `report`
//! write the results; `smoke` is the CI run.

mod client;
mod compatible;
mod compile;
mod criterion;
mod features;
mod figures;
mod generation;
mod machine;
mod process;
mod report;
mod scale;
mod smoke;
mod tools;

use std::fmt::Write as _;
use std::fs;
use std::time::{Duration, Instant};

use xtask::workspace_root;

use compatible::compatible_document;
use compile::prepare_compile;
use machine::{Machine, loadavg, quiet_section};
use report::{Results, report, splice, table};
use tools::{build_benches, cargo, copy, install_progenitor};

const USAGE: &str = "usage: cargo xtask bench [--smoke] [--rounds N] [--only SECTIONS] [--max-wait SECONDS]
                         [--schemas N] [--spec-mb MB]

  (no option)       every benchmark; prints the table and rewrites BENCHMARKS.md (15-25 minutes
                    the first time: installs cargo-progenitor into target/bench-tools, builds both
                    generated crates' dependencies)
  --smoke           compile every bench and run each once on its smallest input (CI); writes nothing
                    (with --only, the smoke variants of those sections)
  --rounds N        rounds of the side-by-side measurements (default 3)
  --only SECTIONS   comma-separated subset of generation,compile,decode,client,paging,scale,features;
                    BENCHMARKS.md is then left alone
  --max-wait SECS   how long to wait for the machine to be quiet before each section (default 600)
  --schemas N       schemas of the linked and unlinked specs of `scale` (default 8000)
  --spec-mb MB      size of the large linked spec of `scale` (default 50)";

/// A document of the repository.
struct Document {
    key: &'static str,
    path: &'static str,
    operations: u32,
}

const DOCUMENTS: [Document; 3] = [
    Document { key: "realtimekit-3", path: "spec/realtimekit.yaml", operations: 3 },
    Document { key: "realtimekit-61", path: "tests/conformance/realtimekit-official-all.json", operations: 61 },
    Document { key: "cloudflare-1533", path: "tests/conformance/cloudflare-openapi-2024-08-06.json", operations: 1533 },
];

const SECTIONS: [&str; 7] = ["generation", "compile", "decode", "client", "paging", "scale", "features"];

struct Options {
    smoke: bool,
    rounds: usize,
    only: Vec<String>,
    max_wait: Duration,
    scale: scale::Sizes,
}

impl Options {
    /// Whether a section runs: every one, or those named by `--only`.
    fn wanted(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

/// Entry point of `cargo xtask bench`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = workspace_root();
    let dir = root.join("target/bench");
    fs::create_dir_all(dir.join("logs")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if options.smoke {
        return smoke::smoke(&root, &options);
    }
    let wanted = |section: &str| options.wanted(section);
    let machine = Machine::read();
    eprintln!("bench: {} ({} cores, {} GiB RAM), load {}", machine.cpu, machine.cores, machine.ram_gib, loadavg());

    // Preparation: builds and installs, none of it measured.
    let started = Instant::now();
    let progenitor = if wanted("generation") || wanted("compile") { Some(install_progenitor(&root)?) } else { None };
    // Every binary is built once and copied to target/bench/bin, so that the whole run measures
    // one version of the code even while the work tree changes.
    let bin = root.join("target/bench/bin");
    fs::create_dir_all(&bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
    if wanted("generation") || wanted("compile") || wanted("scale") {
        step("building xtask (release)");
        cargo(&root, &["build", "--release", "--quiet", "-p", "xtask"], &[])?;
        copy(&root.join("target/release/xtask"), &bin.join("xtask"))?;
    }
    if wanted("generation") || wanted("decode") || wanted("client") || wanted("paging") {
        step("building the benches (release)");
        build_benches(&root, &bin)?;
    }
    let (compatible, dropped) = compatible_document(&root)?;
    let compile_crates = match (&progenitor, wanted("compile")) {
        (Some(progenitor), true) => Some(prepare_compile(&root, progenitor, &compatible)?),
        _ => None,
    };
    let feature_crate = if wanted("features") { Some(features::prepare(&root, features::FULL)?) } else { None };
    eprintln!("bench: prepared in {:.0?}", started.elapsed());

    let mut results = Results::default();
    let _ = writeln!(
        results.details,
        "`realtimekit-61-compatible` is `{}` without the {} responses that have a media type without a schema, which \
         cargo-progenitor cannot read: {}. Both generators read it in the rows that name it, and the compile-cost rows \
         use it.\n",
        DOCUMENTS[1].path,
        dropped.len(),
        dropped.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
    );
    if let (true, Some(progenitor)) = (wanted("generation"), &progenitor) {
        let documents = generation::generation_documents(&root, &compatible);
        quiet_section(&mut results, "generation (child processes)", options.max_wait, |results| {
            generation::generation_processes(&root, progenitor, &documents, options.rounds, results)
        })?;
        quiet_section(&mut results, "generation passes (criterion)", options.max_wait, |results| {
            generation::generation_passes(&root, results)
        })?;
    }
    if wanted("decode") {
        quiet_section(&mut results, "decode", options.max_wait, |results| {
            client::decode(&root, options.rounds, results)
        })?;
    }
    if wanted("client") {
        quiet_section(&mut results, "client", options.max_wait, |results| {
            client::client(&root, options.rounds, results)
        })?;
    }
    if wanted("paging") {
        quiet_section(&mut results, "paging", options.max_wait, |results| {
            client::paging(&root, options.rounds, results)
        })?;
    }
    if let Some(crates) = &compile_crates {
        quiet_section(&mut results, "compile", options.max_wait, |results| {
            compile::compile(crates, options.rounds, results)
        })?;
    }
    if wanted("scale") {
        quiet_section(&mut results, "scale", options.max_wait, |results| {
            scale::scale(&root, &bin.join("xtask"), options.scale, options.rounds, results)
        })?;
    }
    if let Some(krate) = &feature_crate {
        quiet_section(&mut results, "features", options.max_wait, |results| {
            features::features(krate, options.rounds, results)
        })?;
    }

    let table = table(&results.rows);
    println!("\n{table}");
    if options.only.is_empty() {
        let path = root.join("BENCHMARKS.md");
        let existing = fs::read_to_string(&path).unwrap_or_default();
        let measured = report(&machine, &options, &results, &table);
        fs::write(&path, splice(&existing, &measured)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    } else {
        println!("(--only: BENCHMARKS.md left alone)");
    }
    Ok(())
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options =
        Options { smoke: false, rounds: 3, only: Vec::new(), max_wait: Duration::from_secs(600), scale: scale::FULL };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "--smoke" => options.smoke = true,
            "--rounds" => options.rounds = number(arg, value("a number")?, "a positive number", |&n| n > 0)?,
            "--only" => {
                for section in value("sections")?.split(',') {
                    if !SECTIONS.contains(&section) {
                        return Err(format!("--only: unknown section `{section}` (known: {})", SECTIONS.join(", ")));
                    }
                    options.only.push(section.to_owned());
                }
            }
            "--max-wait" => {
                options.max_wait =
                    Duration::from_secs(number(arg, value("seconds")?, "a number of seconds", |_| true)?);
            }
            "--schemas" => {
                options.scale.schemas = number(arg, value("a number")?, "a number above 1", |&n| n > 1)?;
            }
            "--spec-mb" => {
                options.scale.megabytes = number(arg, value("a size in MB")?, "a positive size", |&mb| mb > 0.0)?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The value of `option`, a number for which `valid` holds.
fn number<T: std::str::FromStr>(
    option: &str,
    value: &str,
    what: &str,
    valid: impl Fn(&T) -> bool,
) -> Result<T, String> {
    value.parse().ok().filter(valid).ok_or(format!("{option}: `{value}` is not {what}"))
}

/// A line of progress on stderr.
fn step(what: &str) {
    eprintln!("bench: {what}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn reads_options_and_names_the_bad_one() {
        let options = parse(&args("--rounds 5 --only scale,features --schemas 2000 --spec-mb 2.5 --max-wait 0"))
            .expect("valid options");
        assert_eq!((options.rounds, options.only.as_slice()), (5, &["scale".to_owned(), "features".to_owned()][..]));
        assert_eq!((options.scale.schemas, options.scale.megabytes, options.max_wait), (2000, 2.5, Duration::ZERO));
        assert!(options.wanted("scale") && !options.wanted("decode"));
        assert_eq!(parse(&args("--rounds 0")).err().as_deref(), Some("--rounds: `0` is not a positive number"));
        assert_eq!(parse(&args("--schemas")).err().as_deref(), Some("--schemas needs a number"));
        assert!(parse(&args("--only nothing")).is_err_and(|e| e.contains("unknown section `nothing`")));
    }
}
