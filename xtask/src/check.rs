//! `cargo xtask check-spec PATH`: generates a spec into a standalone crate and proves that it
//! compiles under clippy, as a whole and, on request, with one group's feature at a time.

use crate::{Mode, Options, codegen_with, workspace_root};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Which of a generated crate's features `check-spec` also builds alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alone {
    /// None: only the whole crate is built.
    Nothing,
    /// This many, spread evenly over the features in spec order (all of them if there are fewer).
    Sample(usize),
    /// These, by name.
    Listed(Vec<String>),
}

impl Alone {
    /// Reads the value of `--features-alone`: a number, or features separated by commas.
    pub fn parse(value: &str) -> Result<Alone, String> {
        if let Ok(count) = value.parse() {
            return Ok(Alone::Sample(count));
        }
        let listed: Vec<String> =
            value.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect();
        if listed.is_empty() {
            return Err("--features-alone needs a number or a list of features".to_owned());
        }
        Ok(Alone::Listed(listed))
    }

    /// The features to build, picked from all of the crate's `features`.
    fn pick(&self, features: &[String]) -> Result<Vec<String>, String> {
        match self {
            Alone::Nothing => Ok(Vec::new()),
            Alone::Sample(count) if *count >= features.len() => Ok(features.to_vec()),
            Alone::Sample(count) => {
                Ok((0..*count).filter_map(|index| features.get(index * features.len() / count).cloned()).collect())
            }
            Alone::Listed(listed) => match listed.iter().find(|feature| !features.contains(feature)) {
                Some(unknown) => Err(format!("the generated crate has no feature `{unknown}`")),
                None => Ok(listed.clone()),
            },
        }
    }
}

/// Generates `spec` into a standalone crate under `target/generated-crates/` and runs
/// `cargo clippy -- -D warnings` on it, printing the warnings of generation (among them every
/// operation left out, with the reason); then builds the features `alone` asks for one at a time.
pub fn check_spec(spec: &Path, alone: &Alone) -> Result<(), String> {
    let root = workspace_root();
    let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out = root.join("target/generated-crates").join(&name);
    let target = root.join("target/generated-crates/target");
    let started = Instant::now();
    // The directory belongs to this command: files of an older layout may be overwritten.
    let options = Options { name: Some(crate::crate_name::from_title(&name)), force: true, ..Options::default() };
    let report = codegen_with(spec, &out, Mode::Write, &options)?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    let left_out = report.operations_left_out;
    println!("generated {} in {:.1?}; {left_out} operation(s) left out", out.display(), started.elapsed());
    let started = Instant::now();
    clippy(&out, &target, &[])?;
    println!("{} passes clippy ({:.0?})", out.display(), started.elapsed());
    build_features_alone(&out, &target, &alone.pick(&report.features)?)
}

/// Runs `cargo clippy -- -D warnings` on the crate at `dir` with each of `features` alone (and
/// no default features), reporting every feature that does not build.
pub fn build_features_alone(dir: &Path, target: &Path, features: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let mut failed = Vec::new();
    for feature in features {
        let one = Instant::now();
        let args = ["--no-default-features", "--features", feature.as_str()];
        match clippy(dir, target, &args) {
            Ok(()) => println!("  feature {feature} builds alone ({:.0?})", one.elapsed()),
            Err(message) => failed.push(message),
        }
    }
    if !failed.is_empty() {
        return Err(failed.join("\n"));
    }
    if !features.is_empty() {
        println!("{} feature(s) build alone ({:.0?})", features.len(), started.elapsed());
    }
    Ok(())
}

/// `cargo clippy ARGS -- -D warnings` in `dir`, with its build directory at `target`.
fn clippy(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["clippy", "--quiet"])
        .args(args)
        .args(["--", "-D", "warnings"])
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let excerpt: Vec<&str> = stderr.lines().take(40).collect();
    Err(format!(
        "{} does not pass `cargo clippy {}-- -D warnings`:\n{}",
        dir.display(),
        args.iter().map(|arg| format!("{arg} ")).collect::<String>(),
        excerpt.join("\n")
    ))
}
