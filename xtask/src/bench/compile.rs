//! Compile cost: `cargo check` and `cargo build --release` of both generated crates for the
//! 61-operation document, dependencies built beforehand, the crate itself rebuilt from scratch
//! (`CARGO_INCREMENTAL=0`, as when it is a dependency), interleaved; and the runtime crates alone.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::figures::{median, ratio, seconds};
use super::generation::progenitor_invocation;
use super::report::{Results, Status};
use super::step;
use super::tools::cargo;

/// The two generated crates of the compile section and the target directory they share.
pub(super) struct CompileCrates {
    ours: PathBuf,
    progenitor: PathBuf,
    target_dir: PathBuf,
}

/// Generates both crates for the 61-operation document and builds their dependencies (debug
/// metadata for `check`, release for `build --release`), outside the measurement.
pub(super) fn prepare_compile(root: &Path, progenitor: &Path, spec: &Path) -> Result<CompileCrates, String> {
    let base = root.join("target/bench/crates");
    let crates = CompileCrates {
        ours: base.join("rtk61-ours"),
        progenitor: base.join("rtk61-progenitor"),
        target_dir: base.join("target"),
    };
    step("generating both crates for the 61-operation document");
    let _ = fs::remove_dir_all(&crates.ours);
    let _ = fs::remove_dir_all(&crates.progenitor);
    xtask::codegen(spec, &crates.ours, xtask::Mode::Write)?;
    let out = progenitor_invocation(progenitor, root, spec, &crates.progenitor, "rtk61-progenitor")
        .command(None)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", progenitor.display()))?;
    if !out.status.success() {
        return Err(format!("cargo progenitor failed on {}: {}", spec.display(), String::from_utf8_lossy(&out.stderr)));
    }
    // Inside this repository, a crate needs its own `[workspace]` to build on its own.
    let manifest = crates.progenitor.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if !text.contains("[workspace]") {
        fs::write(&manifest, format!("{text}\n[workspace]\n"))
            .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    }
    let target = crates.target_dir.display().to_string();
    for dir in [&crates.ours, &crates.progenitor] {
        step(&format!("building the dependencies of {} (once)", dir.display()));
        cargo(dir, &["check", "--quiet"], &[("CARGO_TARGET_DIR", &target)])?;
        cargo(dir, &["build", "--release", "--quiet"], &[("CARGO_TARGET_DIR", &target)])?;
    }
    Ok(crates)
}

/// Makes cargo rebuild the crate (and only it): a newer modification time on its root.
pub(super) fn touch(crate_dir: &Path) -> Result<(), String> {
    let lib = crate_dir.join("src/lib.rs");
    let file =
        fs::OpenOptions::new().write(true).open(&lib).map_err(|e| format!("cannot open {}: {e}", lib.display()))?;
    file.set_modified(SystemTime::now()).map_err(|e| format!("cannot touch {}: {e}", lib.display()))
}

pub(super) fn compile(crates: &CompileCrates, rounds: usize, results: &mut Results) -> Result<(), String> {
    let target = crates.target_dir.display().to_string();
    let env = [("CARGO_TARGET_DIR", target.as_str()), ("CARGO_INCREMENTAL", "0")];
    let mut figures = Vec::new();
    let release = &["build", "--release", "--quiet", "--offline"][..];
    for (label, args, runtime) in [
        ("cargo check", &["check", "--quiet", "--offline"][..], false),
        ("cargo build --release", release, false),
        ("cargo build --release", release, true),
    ] {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for round in 0..rounds {
            let order: [bool; 2] = if round % 2 == 0 { [true, false] } else { [false, true] };
            for is_ours in order {
                let dir = if is_ours { &crates.ours } else { &crates.progenitor };
                // The crate itself (its `lib.rs` touched), or only its runtime crate: ours is a
                // path dependency (touched), progenitor's is from crates.io (cleaned).
                let mut args = args.to_vec();
                if runtime {
                    let package = if is_ours { "cloudflare-realtimekit-runtime" } else { "progenitor-client" };
                    if is_ours {
                        touch(&dir.join("runtime"))?;
                    } else {
                        cargo(dir, &["clean", "--release", "--quiet", "-p", package], &env)?;
                    }
                    args.extend(["-p", package]);
                } else {
                    touch(dir)?;
                }
                let started = Instant::now();
                cargo(dir, &args, &env)?;
                let elapsed = started.elapsed().as_secs_f64();
                if is_ours { ours.push(elapsed) } else { theirs.push(elapsed) }
            }
        }
        figures.push((label, runtime, ours, theirs));
    }
    let ours_lines = line_count(&crates.ours.join("src"));
    let theirs_lines = line_count(&crates.progenitor.join("src"));
    let runtime_lines = line_count(&crates.ours.join("runtime/src"));
    let _ = writeln!(
        results.details,
        "### Compile cost of the generated crates\n\nBoth crates for `realtimekit-61-compatible` (61 operations; see above), generated into `target/bench/crates/`, \
         dependencies built beforehand in one target directory. Each timed command rebuilds only the crate: its `src/lib.rs` \
         is touched and `CARGO_INCREMENTAL=0` (how a dependency is compiled). The runtime crates are dependencies and not \
         in those figures; they are timed on their own too, once each per round (ours touched, `progenitor-client` cleaned \
         with `cargo clean -p`), what a user pays once per dependency build. {rounds} runs each, alternating; medians.\n\n\
         | command | ours: runs (s) | progenitor: runs (s) |\n| --- | --- | --- |"
    );
    let runs = |v: &[f64]| v.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join(", ");
    for (label, runtime, ours, theirs) in &figures {
        let what = if *runtime { " of the runtime crate alone" } else { "" };
        let _ = writeln!(results.details, "| `{label}`{what} | {} | {} |", runs(ours), runs(theirs));
        let r = ratio(ours, theirs);
        let (benchmark, target, status) = if *runtime {
            (
                format!(
                    "compile the runtime crate once: `{label}` (ours: cloudflare-realtimekit-runtime; peer: progenitor-client)"
                ),
                "",
                Status::Info,
            )
        } else {
            (format!("compile 61-op crate: `{label}`"), "≤ 1.00x", if r <= 1.0 { Status::Met } else { Status::Missed })
        };
        results.row(benchmark, seconds(median(ours)), seconds(median(theirs)), format!("{r:.2}x"), target, status);
    }
    // A clean release build of both: the crate and its runtime, round by round.
    let (_, _, crate_ours, crate_theirs) = &figures[1];
    let (_, _, runtime_ours, runtime_theirs) = &figures[2];
    let sum = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x + y).collect::<Vec<_>>();
    let (both_ours, both_theirs) = (sum(crate_ours, runtime_ours), sum(crate_theirs, runtime_theirs));
    results.row(
        "compile 61-op crate and its runtime crate: `cargo build --release`, the two rows above added",
        seconds(median(&both_ours)),
        seconds(median(&both_theirs)),
        format!("{:.2}x", ratio(&both_ours, &both_theirs)),
        "",
        Status::Info,
    );
    let _ = writeln!(
        results.details,
        "\nLines of Rust (`src/**/*.rs`): ours {ours_lines}, progenitor {theirs_lines}. Neither counts its runtime, a \
         dependency built with the others: ours is `runtime/` ({runtime_lines} lines, the `cloudflare-realtimekit-runtime` \
         crate that `--out` writes next to the generated one), progenitor's the `progenitor-client` crate.\n"
    );
    results.row(
        "61-op crate: lines of Rust in src/ (its runtime crate aside)",
        format!("{ours_lines} (runtime/: {runtime_lines})"),
        theirs_lines.to_string(),
        format!("{:.2}x", ours_lines as f64 / theirs_lines.max(1) as f64),
        "",
        Status::Info,
    );
    Ok(())
}

/// Lines of the `.rs` files under `dir`, recursively.
fn line_count(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| entry.path())
        .map(|path| {
            if path.is_dir() {
                line_count(&path)
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                fs::read_to_string(&path).unwrap_or_default().lines().count()
            } else {
                0
            }
        })
        .sum()
}
