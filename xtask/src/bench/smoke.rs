//! `cargo xtask bench --smoke` (CI): every bench compiled and run once on its smallest input, and
//! every section's own code run on a small input, so that neither the benches nor this task can
//! rot; it writes nothing but `target/bench/` and `target/generated-crates/`.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::figures::{duration, kib};
use super::process::{Invocation, measure};
use super::report::{Results, Status, table};
use super::tools::cargo_bin;
use super::{DOCUMENTS, Options, features, scale, step};

/// Every bench once on its smallest input (criterion's test mode, debug build), one generation
/// timed in a child process, the scale section at its smoke sizes and the features section on a
/// fixture; with `--only`, the parts of the sections named.
pub(super) fn smoke(root: &Path, options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let mut results = Results::default();
    let wanted = |sections: &[&str]| sections.iter().any(|section| options.wanted(section));
    if wanted(&["generation", "compile", "decode", "client", "paging"]) {
        step("running every bench once on its smallest input (cargo test --bench '*')");
        let status = Command::new(cargo_bin())
            .current_dir(root)
            .args(["test", "-p", "generator", "-p", "cloudflare-realtimekit", "--bench", "*"])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err("a bench failed its smoke run".to_owned());
        }
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    if wanted(&["generation"]) {
        let document = &DOCUMENTS[0];
        let out = root.join("target/bench/out/smoke");
        let _ = fs::remove_dir_all(&out);
        let invocation = Invocation::new(&exe, root)
            .arg("codegen")
            .arg("--spec")
            .arg(root.join(document.path))
            .arg("--out")
            .arg(&out);
        let run = measure(&invocation, &root.join("target/bench/logs/smoke-codegen.log"))?;
        if !run.success {
            return Err(format!("xtask codegen failed on {}: {}", document.path, run.stderr_head));
        }
        results.row(
            format!("smoke: generate {} ({} ops, debug xtask)", document.key, document.operations),
            format!("{}, {}", duration(run.wall), kib(run.max_rss_kib)),
            "",
            "",
            "",
            Status::Info,
        );
    }
    if wanted(&["scale"]) {
        step("scale: the synthetic specs at their smoke sizes (debug xtask)");
        scale::scale(root, &exe, scale::SMOKE, 1, &mut results)?;
    }
    if wanted(&["features"]) {
        let krate = features::prepare(root, features::SMOKE)?;
        step("features: one-tag build of a fixture's crate");
        features::features(&krate, 1, &mut results)?;
    }
    println!("\n{}", table(&results.rows));
    println!(
        "smoke run passed in {:.1?} (sections run once on small inputs; BENCHMARKS.md left alone)",
        started.elapsed()
    );
    Ok(())
}
