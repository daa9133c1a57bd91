//! The machine a run measures on, read from /proc, and waiting for it to be quiet before each
//! section.

use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use xtask::workspace_root;

use super::report::Results;
use super::step;

/// What BENCHMARKS.md says about where it was measured.
pub(super) struct Machine {
    pub(super) cpu: String,
    pub(super) cores: usize,
    pub(super) ram_gib: String,
    pub(super) rustc: String,
    pub(super) commit: String,
}

impl Machine {
    pub(super) fn read() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| {
                line.strip_prefix("model name").and_then(|rest| rest.split_once(':')).map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let cores = cpuinfo.lines().filter(|line| line.starts_with("processor")).count();
        let cores = if cores == 0 { std::thread::available_parallelism().map_or(1, usize::from) } else { cores };
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let ram_kib: Option<u64> = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok());
        let ram_gib = ram_kib.map_or_else(|| "?".to_owned(), |kib| format!("{:.1}", kib as f64 / 1024.0 / 1024.0));
        let rustc = output("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".to_owned());
        let commit = output("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "?".to_owned());
        let dirty = output("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
        let commit = if dirty { format!("{commit} + uncommitted changes") } else { commit };
        Machine { cpu, cores, ram_gib, rustc, commit }
    }
}

/// The trimmed stdout of a command, if it succeeds.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).current_dir(workspace_root()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The load averages over 1, 5 and 15 minutes.
pub(super) fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "?".to_owned(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// The fraction of the machine's CPU time spent busy over `window` (all processes, 0.0 to 1.0).
fn busy(window: Duration) -> Option<f64> {
    fn sample() -> Option<(u64, u64)> {
        let stat = fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        let total: u64 = fields.iter().take(8).sum();
        let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
        Some((total, idle))
    }
    let (total_a, idle_a) = sample()?;
    std::thread::sleep(window);
    let (total_b, idle_b) = sample()?;
    let total = total_b.saturating_sub(total_a);
    (total > 0).then(|| 1.0 - idle_b.saturating_sub(idle_a) as f64 / total as f64)
}

/// Below this share of the machine busy with other work, a section starts.
pub(super) const QUIET: f64 = 0.15;

/// Waits (at most `max_wait`) until the machine is quiet, runs the section, and records the
/// conditions it ran in.
pub(super) fn quiet_section(
    results: &mut Results,
    name: &str,
    max_wait: Duration,
    section: impl FnOnce(&mut Results) -> Result<(), String>,
) -> Result<(), String> {
    let waited = Instant::now();
    let mut share = busy(Duration::from_secs(2));
    while share.is_some_and(|s| s > QUIET) && waited.elapsed() < max_wait {
        eprintln!(
            "bench: waiting for a quiet machine before `{name}`: {:.0}% busy, load {}",
            share.unwrap_or(0.0) * 100.0,
            loadavg()
        );
        std::thread::sleep(Duration::from_secs(10));
        share = busy(Duration::from_secs(2));
    }
    let load_before = loadavg();
    step(&format!("measuring {name}"));
    let started = Instant::now();
    section(results)?;
    results.conditions.push(format!(
        "{name}: CPU {} busy before it started (after waiting {:.0?}); load average {load_before} before, {} after; took {:.0?}",
        share.map_or_else(|| "?".to_owned(), |s| format!("{:.0}%", s * 100.0)),
        waited.elapsed().saturating_sub(started.elapsed()),
        loadavg(),
        started.elapsed(),
    ));
    Ok(())
}
