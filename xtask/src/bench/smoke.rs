//! `cargo xtask bench --smoke` (CI): every bench compiled and run once on its smallest input, so
//! that neither the benches nor this task can rot; it writes nothing but `target/bench/`.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::DOCUMENTS;
use super::figures::{duration, kib};
use super::process::{Invocation, measure};
use super::report::{Results, Status, table};
use super::step;
use super::tools::cargo_bin;

/// Every bench once on its smallest input (criterion's test mode, debug build), then one
/// generation timed in a child process.
pub(super) fn smoke(root: &Path) -> Result<(), String> {
    step("running every bench once on its smallest input (cargo test --bench '*')");
    let started = Instant::now();
    let status = Command::new(cargo_bin())
        .current_dir(root)
        .args(["test", "-p", "generator", "-p", "cloudflare-realtimekit", "--bench", "*"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("a bench failed its smoke run".to_owned());
    }
    let document = &DOCUMENTS[0];
    let out = root.join("target/bench/out/smoke");
    let _ = fs::remove_dir_all(&out);
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let invocation =
        Invocation::new(exe, root).arg("codegen").arg("--spec").arg(root.join(document.path)).arg("--out").arg(&out);
    let run = measure(&invocation, &root.join("target/bench/logs/smoke-codegen.log"))?;
    if !run.success {
        return Err(format!("xtask codegen failed on {}: {}", document.path, run.stderr_head));
    }
    let mut results = Results::default();
    results.row(
        format!("smoke: generate {} ({} ops, debug xtask)", document.key, document.operations),
        format!("{}, {}", duration(run.wall), kib(run.max_rss_kib)),
        "",
        "",
        "",
        Status::Info,
    );
    println!("\n{}", table(&results.rows));
    println!("smoke run passed in {:.1?} (benches compiled and run once; nothing written)", started.elapsed());
    Ok(())
}
