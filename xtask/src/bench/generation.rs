//! Generation: `xtask codegen --out` (release) against `cargo-progenitor`, one child process per
//! run, interleaved, wall time and peak RSS; and the split into passes, from the criterion bench
//! `generator/benches/generation.rs`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::DOCUMENTS;
use super::criterion::{criterion, estimate};
use super::figures::{indent, kib, median, seconds, shorten};
use super::process::{GNU_TIME, Invocation, ProcessRun, measure};
use super::report::{Results, Status};
use super::tools::PROGENITOR_VERSION;

/// A document measured in the generation section.
pub(super) struct Measured {
    key: String,
    path: PathBuf,
    operations: u32,
}

/// The documents of the generation section: the three of the repository, and the
/// progenitor-compatible variant of the 61-operation one.
pub(super) fn generation_documents(root: &Path, compatible: &Path) -> Vec<Measured> {
    let mut documents: Vec<Measured> = DOCUMENTS
        .iter()
        .map(|d| Measured { key: d.key.to_owned(), path: root.join(d.path), operations: d.operations })
        .collect();
    documents.insert(
        2,
        Measured { key: "realtimekit-61-compatible".to_owned(), path: compatible.to_path_buf(), operations: 61 },
    );
    documents
}

/// `cargo progenitor` writing a crate named `name` for `spec` into `out`.
pub(super) fn progenitor_invocation(progenitor: &Path, root: &Path, spec: &Path, out: &Path, name: &str) -> Invocation {
    Invocation::new(progenitor, root)
        .arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .arg("-n")
        .arg(name)
        .arg("-v")
        .arg("0.1.0")
}

/// `spec` as one file, for a generator that reads no other: the spec itself, or, when its `$ref`s
/// name other files, a copy with them bundled in, under `target/bench/out/`.
fn single_file(root: &Path, spec: &Path) -> Result<PathBuf, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let bundled = generator::load::bundled(&text, spec, &xtask::spec_files::Disk).map_err(|e| e.to_string())?;
    let Some(value) = bundled else { return Ok(spec.to_owned()) };
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let path = root.join("target/bench/out").join(format!("{stem}-bundled.json"));
    let json = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    fs::create_dir_all(root.join("target/bench/out")).map_err(|e| format!("cannot create target/bench/out: {e}"))?;
    fs::write(&path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The gist of a failed run's stderr: a panic's location (within its crate) and message.
fn failure_summary(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.iter().position(|line| line.contains("panicked at")) {
        Some(index) => {
            let location = lines[index].rsplit("panicked at ").next().unwrap_or_default().trim_end_matches(':');
            let location = location
                .rsplit_once("/index.crates.io-")
                .map_or(location, |(_, rest)| rest.split_once('/').map_or(rest, |(_, r)| r));
            let message = lines.get(index + 1).copied().unwrap_or_default();
            format!("panics at {location}: {message}")
        }
        None => lines.first().copied().unwrap_or("no message").to_owned(),
    }
}

/// `xtask codegen --out` (release) against `cargo progenitor` on every document, one child process
/// per run, alternating which goes first.
pub(super) fn generation_processes(
    root: &Path,
    progenitor: &Path,
    documents: &[Measured],
    rounds: usize,
    results: &mut Results,
) -> Result<(), String> {
    let xtask = root.join("target/bench/bin/xtask");
    let out_dir = root.join("target/bench/out");
    let _ = writeln!(
        results.details,
        "### Generation: child processes\n\nWall time from spawn to exit and peak RSS ({}) of `xtask codegen --spec DOC --out DIR` (release build) \
         (reads the document, generates, writes a standalone crate) and of `cargo progenitor -i DOC -o DIR -n NAME -v 0.1.0` \
         (cargo-progenitor {PROGENITOR_VERSION}, release build from crates.io, default options), {rounds} runs each, alternating \
         which runs first, into a fresh directory each time. Medians of the wall times, maxima of the peaks.\n\n\
         | document | ours: runs (s) | ours: peak RSS | progenitor: runs (s) | progenitor: peak RSS |\n| --- | --- | --- | --- | --- |",
        if Path::new(GNU_TIME).exists() { "GNU time `%M`" } else { "sampled `VmHWM`" },
    );
    let mut failures = String::new();
    for document in documents {
        let ours_out = out_dir.join(format!("{}-ours", document.key));
        let theirs_out = out_dir.join(format!("{}-progenitor", document.key));
        let ours =
            Invocation::new(&xtask, root).arg("codegen").arg("--spec").arg(&document.path).arg("--out").arg(&ours_out);
        let their_spec = single_file(root, &document.path)?;
        let theirs =
            progenitor_invocation(progenitor, root, &their_spec, &theirs_out, &format!("{}-progenitor", document.key));
        let mut our_runs = Vec::new();
        let mut their_runs = Vec::new();
        for round in 0..rounds {
            let order: [bool; 2] = if round % 2 == 0 { [true, false] } else { [false, true] };
            for is_ours in order {
                let (invocation, out, runs) =
                    if is_ours { (&ours, &ours_out, &mut our_runs) } else { (&theirs, &theirs_out, &mut their_runs) };
                let _ = fs::remove_dir_all(out);
                let log = root.join("target/bench/logs").join(format!(
                    "gen-{}-{}-{round}.log",
                    document.key,
                    if is_ours { "ours" } else { "progenitor" }
                ));
                runs.push(measure(invocation, &log)?);
            }
        }
        if let Some(failed) = our_runs.iter().find(|run| !run.success) {
            return Err(format!("xtask codegen failed on {}:\n{}", document.path.display(), failed.stderr_head));
        }
        let ours_wall = median(&our_runs.iter().map(|r| r.wall.as_secs_f64()).collect::<Vec<_>>());
        let ours_rss = our_runs.iter().filter_map(|r| r.max_rss_kib).max();
        let runs_text = |runs: &[ProcessRun]| {
            runs.iter().map(|r| format!("{:.3}", r.wall.as_secs_f64())).collect::<Vec<_>>().join(", ")
        };
        let theirs_ok = their_runs.iter().all(|r| r.success);
        let theirs_wall = median(&their_runs.iter().map(|r| r.wall.as_secs_f64()).collect::<Vec<_>>());
        let theirs_rss = their_runs.iter().filter_map(|r| r.max_rss_kib).max();
        let _ = writeln!(
            results.details,
            "| {} | {} | {} | {} | {} |",
            document.key,
            runs_text(&our_runs),
            kib(ours_rss),
            if theirs_ok { runs_text(&their_runs) } else { format!("fails ({})", runs_text(&their_runs)) },
            kib(theirs_rss),
        );
        let benchmark = format!("generate {} ({} ops): wall, peak RSS", document.key, document.operations);
        let ours_cell = format!("{}, {}", seconds(ours_wall), kib(ours_rss));
        let cloudflare = document.operations > 1000;
        if theirs_ok {
            let r = ours_wall / theirs_wall;
            let (target, status) = if cloudflare {
                ("< 2 s and < 1.00x".to_owned(), if ours_wall < 2.0 && r < 1.0 { Status::Met } else { Status::Missed })
            } else {
                ("< 1.00x".to_owned(), if r < 1.0 { Status::Met } else { Status::Missed })
            };
            let rss_ratio = match (ours_rss, theirs_rss) {
                (Some(a), Some(b)) => format!("; RSS {:.2}x", a as f64 / b as f64),
                _ => String::new(),
            };
            results.row(
                benchmark,
                ours_cell,
                format!("{}, {}", seconds(theirs_wall), kib(theirs_rss)),
                format!("{r:.2}x{rss_ratio}"),
                target,
                status,
            );
        } else {
            let message = their_runs.iter().find(|r| !r.success).map(|r| r.stderr_head.clone()).unwrap_or_default();
            let _ = writeln!(
                failures,
                "- **{}**: progenitor exits with status 101 after {}:\n\n  ```text\n{}\n  ```",
                document.key,
                seconds(theirs_wall),
                indent(&message, "  ")
            );
            let (target, status) = if cloudflare {
                ("< 2 s".to_owned(), if ours_wall < 2.0 { Status::Met } else { Status::Missed })
            } else {
                ("(no peer)".to_owned(), Status::Info)
            };
            results.row(
                benchmark,
                ours_cell,
                format!("fails: {}", shorten(&failure_summary(&message), 110)),
                "—",
                target,
                status,
            );
        }
    }
    if !failures.is_empty() {
        let _ = writeln!(
            results.details,
            "\nWhere progenitor fails (the start of its stderr, `RUST_BACKTRACE=0`):\n\n{failures}"
        );
    }
    results.details.push('\n');
    Ok(())
}

/// The split into passes, in process (criterion medians).
pub(super) fn generation_passes(root: &Path, results: &mut Results) -> Result<(), String> {
    criterion(root, "generator", "generation", false, "generation")?;
    let _ = writeln!(
        results.details,
        "### Generation: passes, in process\n\nCriterion medians (`generator/benches/generation.rs`, release, on mimalloc as \
         `xtask` is). Each pass alone on one thread; `sum` is theirs. `generate` is the whole `generator::generate`: \
         load and lower, then emit and render part by part on all cores, plus de-duplicating diagnostics and \
         finding their lines.\n\n\
         | document | load | lower | emit | render | sum | generate |\n| --- | --- | --- | --- | --- | --- | --- |"
    );
    for document in &DOCUMENTS {
        let group = format!("gen-{}", document.key);
        let mut passes = Vec::new();
        for pass in ["load", "lower", "emit", "render", "generate"] {
            passes.push(estimate(root, &group, pass)? / 1e9);
        }
        let sum: f64 = passes[..4].iter().sum();
        let cells: Vec<String> = passes[..4].iter().map(|&x| seconds(x)).collect();
        let _ = writeln!(
            results.details,
            "| {} | {} | {} | {} |",
            document.key,
            cells.join(" | "),
            seconds(sum),
            seconds(passes[4])
        );
        let share = |x: f64| format!("{:.0}%", 100.0 * x / sum);
        let (target, status) = if document.operations > 1000 {
            ("< 2 s", if passes[4] < 2.0 { Status::Met } else { Status::Missed })
        } else {
            ("", Status::Info)
        };
        results.row(
            format!("  in process: load / lower / emit / render, one thread; generate, all cores ({})", document.key),
            format!("{}; {}", cells.join(" / "), seconds(passes[4])),
            "",
            format!(
                "{}; {:.2}x the sum",
                passes[..4].iter().map(|&x| share(x)).collect::<Vec<_>>().join(" / "),
                passes[4] / sum
            ),
            target,
            status,
        );
    }
    results.details.push('\n');
    // The breaking-change report of `cargo xtask codegen` and `cargo xtask api-diff`, on the
    // largest document's listing with one parameter made required.
    let largest = &DOCUMENTS[2];
    let report = estimate(root, &format!("gen-{}", largest.key), "report")? / 1e9;
    results.row(
        format!("  breaking-change report: {} listing against itself with one change (in process)", largest.key),
        seconds(report),
        "",
        "",
        "< 1 s",
        if report < 1.0 { Status::Met } else { Status::Missed },
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_panics() {
        let stderr = "\nthread 'main' (1) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/typify-impl-0.8.0/src/convert.rs:788:36:\nnot yet implemented: invalid schema\n";
        assert_eq!(
            failure_summary(stderr),
            "panics at typify-impl-0.8.0/src/convert.rs:788:36: not yet implemented: invalid schema"
        );
        assert_eq!(failure_summary("error: no such file\n"), "error: no such file");
    }
}
