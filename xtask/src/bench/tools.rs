//! Building and installing what the measurements run: cargo invocations, the release builds of
//! the criterion benches, and cargo-progenitor.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::step;

/// The cargo-progenitor release compared against (installed into `target/bench-tools`).
pub(super) const PROGENITOR_VERSION: &str = "0.15.1";

/// The cargo that runs this task, so that every build uses the same toolchain.
pub(super) fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs cargo in `dir`; on failure returns the end of its output.
pub(super) fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut command = Command::new(cargo_bin());
    command.current_dir(dir).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    Err(format!(
        "`cargo {}` failed in {}:\n{}",
        args.join(" "),
        dir.display(),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

pub(super) fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to).map(drop).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// The parts of one line of `cargo --message-format=json` that name a built executable.
#[derive(Deserialize)]
struct Artifact {
    target: Option<ArtifactTarget>,
    executable: Option<PathBuf>,
}

#[derive(Deserialize)]
struct ArtifactTarget {
    kind: Vec<String>,
    name: String,
}

/// The executables of the bench targets in cargo's JSON messages, as (bench name, path).
fn bench_executables(messages: &str) -> Vec<(String, PathBuf)> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Artifact>(line).ok())
        .filter_map(|artifact| match (artifact.target, artifact.executable) {
            (Some(target), Some(executable)) if target.kind.iter().any(|kind| kind == "bench") => {
                Some((target.name, executable))
            }
            _ => None,
        })
        .collect()
}

/// Builds the criterion benches (release, as `cargo bench` does) and copies each executable to
/// `bin/<bench name>`.
pub(super) fn build_benches(root: &Path, bin: &Path) -> Result<(), String> {
    let out = Command::new(cargo_bin())
        .current_dir(root)
        .args(["bench", "--no-run", "--message-format=json", "-p", "generator", "-p", "cloudflare-realtimekit"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err("the benches do not build".to_owned());
    }
    let mut copied = Vec::new();
    for (name, executable) in bench_executables(&String::from_utf8_lossy(&out.stdout)) {
        copy(&executable, &bin.join(&name))?;
        copied.push(name);
    }
    for wanted in ["generation", "decode", "client", "paging"] {
        if !copied.iter().any(|name| name == wanted) {
            return Err(format!("cargo built no bench named `{wanted}`"));
        }
    }
    Ok(())
}

/// `cargo-progenitor`, installed into `target/bench-tools` when missing (never by `cargo bench`).
pub(super) fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/bench-tools");
    let bin = tools.join("bin/cargo-progenitor");
    let installed = fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    if bin.exists() && installed.contains(&format!("cargo-progenitor {PROGENITOR_VERSION}")) {
        return Ok(bin);
    }
    step(&format!("installing cargo-progenitor {PROGENITOR_VERSION} into {} (once)", tools.display()));
    let root_arg = tools.display().to_string();
    cargo(
        root,
        &["install", "--quiet", "--locked", "--root", &root_arg, "--version", PROGENITOR_VERSION, "cargo-progenitor"],
        &[],
    )?;
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bench_executables_in_cargo_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/generated#0.1.0","target":{"kind":["lib"],"crate_types":["lib"],"name":"cloudflare_realtimekit","src_path":"/w/generated/src/lib.rs"},"executable":null,"fresh":true}"#,
            "\n",
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/generated#0.1.0","target":{"kind":["bench"],"crate_types":["bin"],"name":"decode","src_path":"/w/generated/benches/decode.rs"},"executable":"/w/target/release/deps/decode-1a2b","fresh":false}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
            "\nnot json\n"
        );
        assert_eq!(
            bench_executables(messages),
            [("decode".to_owned(), PathBuf::from("/w/target/release/deps/decode-1a2b"))]
        );
    }
}
