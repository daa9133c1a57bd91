//! Per-tag features: what a build of the whole Cloudflare API crate with one tag's feature costs
//! against the build with every feature (`cargo check --no-default-features --features TAG`
//! against `cargo check`), the crate generated as `cargo xtask check-spec` generates it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::compile::touch;
use super::figures::{median, ratio, seconds, shorten};
use super::report::{Results, Status};
use super::step;
use super::tools::{cargo, cargo_bin};

/// The spec of a full run, and the tags built alone: from different corners of the API (DNS,
/// Workers storage, Zero Trust), each a handful of operations.
pub(super) const FULL: (&str, &[&str]) = (
    "tests/conformance/cloudflare-openapi-2024-08-06.json",
    &["dns_records_for_a_zone", "workers_kv_namespace", "zone_level_access_applications"],
);
/// The spec of the smoke run, a fixture with a feature per group; its first feature is built alone.
pub(super) const SMOKE: (&str, &[&str]) = ("tests/fixtures/many_groups.yaml", &[]);

/// A one-tag build may cost this share of the full build.
const TARGET: f64 = 0.10;

/// A generated crate whose dependencies are built, and the features to build alone.
pub(super) struct FeatureCrate {
    spec: String,
    dir: PathBuf,
    target_dir: PathBuf,
    tags: Vec<String>,
}

/// The `[features]` of a generated manifest, without `default` and `full`.
fn features_of(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim().to_owned()))
        .filter(|name| !name.is_empty() && name != "default" && name != "full")
        .collect()
}

/// Generates the crate for `spec` under `target/generated-crates/` (where `check-spec` writes it,
/// sharing its target directory) and checks it once with every feature, which builds the
/// dependencies outside the measurement.
pub(super) fn prepare(root: &Path, (spec, tags): (&str, &[&str])) -> Result<FeatureCrate, String> {
    let path = root.join(spec);
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = root.join("target/generated-crates").join(&name);
    step(&format!("generating {} for the feature builds", dir.display()));
    xtask::codegen(&path, &dir, xtask::Mode::Write)?;
    let manifest = dir.join("Cargo.toml");
    let features =
        features_of(&fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?);
    let tags: Vec<String> = if tags.is_empty() {
        features.first().cloned().into_iter().collect()
    } else {
        tags.iter().map(|&tag| tag.to_owned()).collect()
    };
    if let Some(missing) = tags.iter().find(|tag| !features.contains(tag)) {
        return Err(format!("{} has no feature `{missing}` (it has {})", manifest.display(), features.len()));
    }
    if tags.is_empty() {
        return Err(format!("{} has no per-tag features", manifest.display()));
    }
    let target_dir = root.join("target/generated-crates/target");
    step(&format!("building {} and its dependencies with every feature (once)", dir.display()));
    cargo(&dir, &["check", "--quiet"], &[("CARGO_TARGET_DIR", &target_dir.display().to_string())])?;
    Ok(FeatureCrate { spec: spec.to_owned(), dir, target_dir, tags })
}

/// A build that failed: how many errors rustc counted, and the first of them.
struct Failure {
    errors: String,
    first: String,
}

/// Runs `cargo check` with `features` (every feature when `None`) on the crate alone (its root
/// touched, `CARGO_INCREMENTAL=0`); its wall time, or why it failed.
fn check(krate: &FeatureCrate, features: Option<&str>) -> Result<Result<f64, Failure>, String> {
    touch(&krate.dir)?;
    let mut command = Command::new(cargo_bin());
    command
        .current_dir(&krate.dir)
        .args(["check", "--quiet", "--offline", "--message-format=short"])
        .env("CARGO_TARGET_DIR", &krate.target_dir)
        .env("CARGO_INCREMENTAL", "0");
    if let Some(features) = features {
        command.args(["--no-default-features", "--features", features]);
    }
    let started = Instant::now();
    let out = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    if out.status.success() {
        return Ok(Ok(elapsed));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Ok(Err(failure(&stderr)))
}

/// The error count and first error of cargo's (short) output.
fn failure(stderr: &str) -> Failure {
    let errors = stderr
        .lines()
        .filter(|line| line.contains("could not compile"))
        .find_map(|line| line.split_once(" due to ")?.1.split_whitespace().next().map(str::to_owned))
        .filter(|count| count.parse::<u64>().is_ok())
        .unwrap_or_else(|| "?".to_owned());
    let first = stderr
        .lines()
        .find(|line| line.starts_with("error") || line.contains(": error"))
        .unwrap_or("no message")
        .trim()
        .to_owned();
    Failure { errors, first }
}

/// Times the full build and each one-tag build `rounds` times (alternating which goes first) and
/// records a row per tag. A one-tag build that fails is reported as such and not run again.
pub(super) fn features(krate: &FeatureCrate, rounds: usize, results: &mut Results) -> Result<(), String> {
    let mut full = Vec::new();
    let mut alone: Vec<Result<Vec<f64>, Failure>> = krate.tags.iter().map(|_| Ok(Vec::new())).collect();
    for round in 0..rounds {
        step(&format!("  features: round {} of {rounds}", round + 1));
        let full_first = round % 2 == 0;
        if full_first {
            full.push(check(krate, None)?.map_err(|f| format!("{} does not build: {}", krate.dir.display(), f.first))?);
        }
        for (tag, times) in krate.tags.iter().zip(&mut alone) {
            let Ok(runs) = times else { continue };
            match check(krate, Some(tag))? {
                Ok(elapsed) => runs.push(elapsed),
                Err(failure) => *times = Err(failure),
            }
        }
        if !full_first {
            full.push(check(krate, None)?.map_err(|f| format!("{} does not build: {}", krate.dir.display(), f.first))?);
        }
    }
    let runs = |v: &[f64]| v.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        results.details,
        "### Per-tag features\n\n`cargo check` of the crate generated from `{}` into `target/generated-crates/` (as `cargo xtask \
         check-spec` does), with every feature (the default) and with one tag's feature alone (`--no-default-features \
         --features TAG`). Dependencies built beforehand; each timed command rebuilds only the crate (its `src/lib.rs` \
         touched, `CARGO_INCREMENTAL=0`). {rounds} rounds, alternating which goes first; medians.\n\n\
         | features | runs (s) |\n| --- | --- |\n| all (default) | {} |",
        krate.spec,
        runs(&full),
    );
    for (tag, times) in krate.tags.iter().zip(&alone) {
        let benchmark =
            format!("features: `cargo check --no-default-features --features {tag}` vs all features ({})", krate.spec);
        let target = format!("< {TARGET:.2}x");
        match times {
            Ok(times) => {
                let _ = writeln!(results.details, "| `{tag}` | {} |", runs(times));
                let r = ratio(times, &full);
                let status = if r < TARGET { Status::Met } else { Status::Missed };
                results.row(
                    benchmark,
                    seconds(median(times)),
                    seconds(median(&full)),
                    format!("{r:.2}x"),
                    target,
                    status,
                );
            }
            Err(failure) => {
                let _ = writeln!(
                    results.details,
                    "| `{tag}` | fails: {} error(s); first: `{}` |",
                    failure.errors,
                    shorten(&failure.first, 200).replace('|', "\\|")
                );
                results.row(
                    benchmark,
                    format!("fails to build: {} error(s); first: {}", failure.errors, shorten(&failure.first, 90)),
                    seconds(median(&full)),
                    "—",
                    target,
                    Status::Missed,
                );
            }
        }
    }
    results.details.push('\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_per_tag_features_of_a_manifest() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"full\"]\nfull = [\"a\", \"b_c\"]\na = []\nb_c = []\n\n[workspace]\n";
        assert_eq!(features_of(manifest), ["a", "b_c"]);
        assert!(features_of("[package]\nname = \"x\"\n").is_empty());
    }

    #[test]
    fn counts_the_errors_of_a_failed_build() {
        let stderr = "src/a.rs:3:5: error[E0412]: cannot find type `Zone` in this scope\nsrc/a.rs:9:5: error[E0412]: cannot find type `Record` in this scope\nerror: could not compile `x` (lib) due to 1351 previous errors\n";
        let failed = failure(stderr);
        assert_eq!(failed.errors, "1351");
        assert_eq!(failed.first, "src/a.rs:3:5: error[E0412]: cannot find type `Zone` in this scope");
        assert_eq!(failure("error: could not compile `x` (lib) due to 1 previous error\n").errors, "1");
    }
}
