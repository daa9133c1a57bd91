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
//!
//! `cargo xtask bench --smoke` compiles every bench and runs each once on its smallest input
//! (debug build, about ten seconds after compiling), then times one generation in a child
//! process; it writes nothing but `target/bench/`.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use xtask::workspace_root;

/// The cargo-progenitor release compared against (installed into `target/bench-tools`).
const PROGENITOR_VERSION: &str = "0.15.1";
/// Where the measured part of BENCHMARKS.md starts and ends; the rest of the file is kept.
const BEGIN: &str = "<!-- bench:begin (written by `cargo xtask bench`; edit outside these markers) -->";
const END: &str = "<!-- bench:end -->";

const USAGE: &str = "usage: cargo xtask bench [--smoke] [--rounds N] [--only SECTIONS] [--max-wait SECONDS]

  (no option)       every benchmark; prints the table and rewrites BENCHMARKS.md (15-25 minutes
                    the first time: installs cargo-progenitor into target/bench-tools, builds both
                    generated crates' dependencies)
  --smoke           compile every bench and run each once on its smallest input (CI); writes nothing
  --rounds N        rounds of the side-by-side measurements (default 3)
  --only SECTIONS   comma-separated subset of generation,compile,decode,client,paging;
                    BENCHMARKS.md is then left alone
  --max-wait SECS   how long to wait for the machine to be quiet before each section (default 600)";

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

const SECTIONS: [&str; 5] = ["generation", "compile", "decode", "client", "paging"];

struct Options {
    smoke: bool,
    rounds: usize,
    only: Vec<String>,
    max_wait: Duration,
}

/// Whether a row's target was reached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Met,
    Missed,
    Info,
}

/// One line of the table.
struct Row {
    benchmark: String,
    ours: String,
    peer: String,
    ratio: String,
    target: String,
    status: Status,
}

/// Everything a run gathered: the table, details for BENCHMARKS.md, and the conditions.
#[derive(Default)]
struct Results {
    rows: Vec<Row>,
    details: String,
    conditions: Vec<String>,
}

impl Results {
    fn row(
        &mut self,
        benchmark: impl Into<String>,
        ours: impl Into<String>,
        peer: impl Into<String>,
        ratio: impl Into<String>,
        target: impl Into<String>,
        status: Status,
    ) {
        self.rows.push(Row {
            benchmark: benchmark.into(),
            ours: ours.into(),
            peer: peer.into(),
            ratio: ratio.into(),
            target: target.into(),
            status,
        });
    }
}

/// Entry point of `cargo xtask bench`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = workspace_root();
    let dir = root.join("target/bench");
    fs::create_dir_all(dir.join("logs")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if options.smoke {
        return smoke(&root);
    }
    let wanted = |section: &str| options.only.is_empty() || options.only.iter().any(|s| s == section);
    let machine = Machine::read();
    eprintln!("bench: {} ({} cores, {} GiB RAM), load {}", machine.cpu, machine.cores, machine.ram_gib, loadavg());

    // Preparation: builds and installs, none of it measured.
    let started = Instant::now();
    let progenitor = if wanted("generation") || wanted("compile") { Some(install_progenitor(&root)?) } else { None };
    // Every binary is built once and copied to target/bench/bin, so that the whole run measures
    // one version of the code even while the work tree changes.
    let bin = root.join("target/bench/bin");
    fs::create_dir_all(&bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
    if wanted("generation") || wanted("compile") {
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
        let documents = generation_documents(&root, &compatible);
        quiet_section(&mut results, "generation (child processes)", options.max_wait, |results| {
            generation_processes(&root, progenitor, &documents, options.rounds, results)
        })?;
        quiet_section(&mut results, "generation passes (criterion)", options.max_wait, |results| {
            generation_passes(&root, results)
        })?;
    }
    if wanted("decode") {
        quiet_section(&mut results, "decode", options.max_wait, |results| decode(&root, options.rounds, results))?;
    }
    if wanted("client") {
        quiet_section(&mut results, "client", options.max_wait, |results| client(&root, options.rounds, results))?;
    }
    if wanted("paging") {
        quiet_section(&mut results, "paging", options.max_wait, |results| paging(&root, options.rounds, results))?;
    }
    if let Some(crates) = &compile_crates {
        quiet_section(&mut results, "compile", options.max_wait, |results| compile(crates, options.rounds, results))?;
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
    let mut options = Options { smoke: false, rounds: 3, only: Vec::new(), max_wait: Duration::from_secs(600) };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => options.smoke = true,
            "--rounds" => {
                let value = args.next().ok_or("--rounds needs a number")?;
                options.rounds = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("--rounds: `{value}` is not a positive number"))?;
            }
            "--only" => {
                let value = args.next().ok_or("--only needs sections")?;
                for section in value.split(',') {
                    if !SECTIONS.contains(&section) {
                        return Err(format!("--only: unknown section `{section}` (known: {})", SECTIONS.join(", ")));
                    }
                    options.only.push(section.to_owned());
                }
            }
            "--max-wait" => {
                let value = args.next().ok_or("--max-wait needs seconds")?;
                options.max_wait = Duration::from_secs(
                    value.parse().map_err(|_| format!("--max-wait: `{value}` is not a number of seconds"))?,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(options)
}

fn step(what: &str) {
    eprintln!("bench: {what}");
}

// ---------------------------------------------------------------------------------------------
// Smoke run (CI)

/// Every bench once on its smallest input (criterion's test mode, debug build), then one
/// generation timed in a child process, so that neither the benches nor this file can rot.
fn smoke(root: &Path) -> Result<(), String> {
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

// ---------------------------------------------------------------------------------------------
// Machine and conditions

struct Machine {
    cpu: String,
    cores: usize,
    ram_gib: String,
    rustc: String,
    commit: String,
}

impl Machine {
    fn read() -> Machine {
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

fn loadavg() -> String {
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
const QUIET: f64 = 0.15;

/// Waits (at most `max_wait`) until the machine is quiet, runs the section, and records the
/// conditions it ran in.
fn quiet_section(
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

// ---------------------------------------------------------------------------------------------
// Child processes: wall time and peak memory

/// A program, its arguments and its working directory.
#[derive(Clone)]
struct Invocation {
    program: PathBuf,
    args: Vec<OsString>,
    dir: PathBuf,
}

impl Invocation {
    fn new(program: impl Into<PathBuf>, dir: &Path) -> Self {
        Invocation { program: program.into(), args: Vec::new(), dir: dir.to_path_buf() }
    }

    fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    fn command(&self, wrapper: Option<&[OsString]>) -> Command {
        let mut command = match wrapper {
            Some(wrapper) => {
                let mut command = Command::new(&wrapper[0]);
                command.args(&wrapper[1..]).arg(&self.program);
                command
            }
            None => Command::new(&self.program),
        };
        command.args(&self.args).current_dir(&self.dir).env("RUST_BACKTRACE", "0");
        command
    }
}

/// What one child process did.
struct ProcessRun {
    wall: Duration,
    max_rss_kib: Option<u64>,
    success: bool,
    /// The first lines of its stderr, for failures.
    stderr_head: String,
}

/// GNU time, which reports the peak RSS of the child it waits for.
const GNU_TIME: &str = "/usr/bin/time";

/// Runs `invocation` to the end with stdout discarded and stderr in `log`; the wall time spans
/// spawn to exit. Peak RSS comes from GNU time when installed, else from sampling `VmHWM` in
/// /proc every millisecond (which can miss a peak in the last millisecond).
fn measure(invocation: &Invocation, log: &Path) -> Result<ProcessRun, String> {
    let stderr = fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let rss_file = log.with_extension("rss");
    let gnu_time = Path::new(GNU_TIME).exists();
    let wrapper: Vec<OsString> = vec![GNU_TIME.into(), "-f".into(), "%M".into(), "-o".into(), rss_file.clone().into()];
    let mut command = invocation.command(gnu_time.then_some(&wrapper[..]));
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(stderr);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot run {}: {e}", invocation.program.display()))?;
    let mut sampled = None;
    let status = if gnu_time {
        child.wait().map_err(|e| format!("cannot wait for {}: {e}", invocation.program.display()))?
    } else {
        loop {
            if let Some(hwm) = vm_hwm_kib(child.id()) {
                sampled = Some(hwm);
            }
            if let Some(status) = child.try_wait().map_err(|e| format!("cannot wait: {e}"))? {
                break status;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    let wall = started.elapsed();
    let max_rss_kib = if gnu_time {
        // GNU time writes "Command exited with non-zero status N" before the figure on failure.
        fs::read_to_string(&rss_file)
            .ok()
            .and_then(|text| text.lines().last().and_then(|line| line.trim().parse().ok()))
    } else {
        sampled
    };
    let stderr_text = fs::read_to_string(log).unwrap_or_default();
    let stderr_head = stderr_text.lines().filter(|line| !line.trim().is_empty()).take(8).collect::<Vec<_>>().join("\n");
    Ok(ProcessRun { wall, max_rss_kib, success: status.success(), stderr_head })
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?.split_whitespace().next()?.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// cargo

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs cargo in `dir`; on failure returns the end of its output.
fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
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

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to).map(drop).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Builds the criterion benches (release, as `cargo bench` does) and copies each executable to
/// `bin/<bench name>`.
fn build_benches(root: &Path, bin: &Path) -> Result<(), String> {
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
    for line in String::from_utf8_lossy(&out.stdout).lines().filter(|line| line.contains(r#""kind":["bench"]"#)) {
        let field = |name: &str| {
            let start = line.find(&format!(r#""{name}":""#))? + name.len() + 4;
            line[start..].split('"').next().map(str::to_owned)
        };
        if let (Some(name), Some(executable)) = (field("name"), field("executable")) {
            copy(Path::new(&executable), &bin.join(&name))?;
            copied.push(name);
        }
    }
    for wanted in ["generation", "decode", "client", "paging"] {
        if !copied.iter().any(|name| name == wanted) {
            return Err(format!("cargo built no bench named `{wanted}`"));
        }
    }
    Ok(())
}

/// `cargo-progenitor`, installed into `target/bench-tools` when missing (never by `cargo bench`).
fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
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

// ---------------------------------------------------------------------------------------------
// Criterion

/// Runs one criterion bench binary (through `cargo bench`) with its estimates under
/// `target/bench/criterion` and its extra figures under `target/bench/report`.
fn criterion(root: &Path, package: &str, bench: &str, reverse: bool, log_name: &str) -> Result<(), String> {
    let home = root.join("target/bench/criterion");
    let report = root.join("target/bench/report");
    let _ = fs::remove_file(report.join(format!("{bench}.txt")));
    let log = root.join("target/bench/logs").join(format!("{log_name}.log"));
    let dir = root.join(if package == "generator" { "generator" } else { "generated" });
    let out = Command::new(root.join("target/bench/bin").join(bench))
        .current_dir(dir)
        .arg("--bench")
        .env("CRITERION_HOME", &home)
        .env("BENCH_REPORT_DIR", &report)
        .env("BENCH_ORDER", if reverse { "reverse" } else { "forward" })
        .output()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    fs::write(&log, &text).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    if !out.status.success() {
        return Err(format!("the bench `{bench}` of {package} failed; see {}", log.display()));
    }
    Ok(())
}

/// Criterion's median estimate (nanoseconds per iteration) of `group/function` from its last run.
fn estimate(root: &Path, group: &str, function: &str) -> Result<f64, String> {
    let path = root.join("target/bench/criterion").join(group).join(function).join("new/estimates.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    median_estimate(&text).ok_or_else(|| format!("no median estimate in {}", path.display()))
}

/// `median.point_estimate` of criterion's estimates.json.
fn median_estimate(json: &str) -> Option<f64> {
    let after = &json[json.find("\"median\"")?..];
    let value = &after[after.find("\"point_estimate\"")? + "\"point_estimate\"".len()..];
    let value = value.trim_start().strip_prefix(':')?.trim_start();
    let end = value.find([',', '}']).unwrap_or(value.len());
    value[..end].trim().parse().ok()
}

/// An extra figure a bench recorded with `support::report`.
fn reported(root: &Path, bench: &str, key: &str) -> Option<String> {
    let text = fs::read_to_string(root.join("target/bench/report").join(format!("{bench}.txt"))).ok()?;
    text.lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
        .next_back()
}

/// What [`rounds_of`] measured: for each (group, function) its criterion median per round, and for
/// each paired comparison (`support::paired`) its figures per round.
struct Rounds {
    criterion: Vec<Vec<f64>>,
    paired: Vec<Vec<Pairs>>,
}

/// One round of a paired comparison: the median per-pair ratio ours ÷ peer, and each side's
/// median time (ns).
struct Pairs {
    ratio: f64,
    ours: f64,
    peer: f64,
}

/// Runs a criterion bench `rounds` times, alternating the peers' order, and returns the
/// per-round figures of `ids` and of the `paired` comparisons, in the order given.
fn rounds_of(root: &Path, bench: &str, rounds: usize, ids: &[(&str, &str)], paired: &[&str]) -> Result<Rounds, String> {
    let mut measured =
        Rounds { criterion: vec![Vec::new(); ids.len()], paired: paired.iter().map(|_| Vec::new()).collect() };
    for round in 0..rounds {
        step(&format!("  {bench}: round {} of {rounds}", round + 1));
        criterion(root, "cloudflare-realtimekit", bench, round % 2 == 1, &format!("{bench}-round{}", round + 1))?;
        for (values, (group, function)) in measured.criterion.iter_mut().zip(ids) {
            values.push(estimate(root, group, function)?);
        }
        for (values, name) in measured.paired.iter_mut().zip(paired) {
            let figure = |suffix: &str| {
                let key = format!("paired_{name}{suffix}");
                let value = reported(root, bench, &key).and_then(|v| v.parse().ok());
                value.ok_or_else(|| format!("the bench `{bench}` reported no `{key}`"))
            };
            values.push(Pairs { ratio: figure("")?, ours: figure("_ours")?, peer: figure("_peer")? });
        }
    }
    Ok(measured)
}

/// A target row measured in interleaved pairs: the pairs' median times and ratio decide it; the
/// criterion medians of the same peers (`ours`, `theirs`, per round) are shown beside them.
fn paired_row(
    results: &mut Results,
    benchmark: String,
    pairs: &[Pairs],
    ours: &[f64],
    theirs: &[f64],
    show: impl Fn(f64) -> String,
    target: f64,
) {
    let field = |get: fn(&Pairs) -> f64| median(&pairs.iter().map(get).collect::<Vec<_>>());
    let r = field(|p| p.ratio);
    let runs = pairs.iter().map(|p| format!("{:.2}", p.ratio)).collect::<Vec<_>>().join(", ");
    results.row(
        benchmark,
        show(field(|p| p.ours)),
        show(field(|p| p.peer)),
        format!(
            "{r:.2}x in pairs (rounds: {runs}); criterion: {} vs {}, {:.2}x",
            millis(median(ours)),
            millis(median(theirs)),
            ratio(ours, theirs)
        ),
        format!("≤ {target:.2}x"),
        if r <= target { Status::Met } else { Status::Missed },
    );
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The median over rounds of `ours[i] / peer[i]`.
fn ratio(ours: &[f64], peer: &[f64]) -> f64 {
    median(&ours.iter().zip(peer).map(|(a, b)| a / b).collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------------------------
// 1. Generation

/// A document measured in the generation section.
struct Measured {
    key: String,
    path: PathBuf,
    operations: u32,
}

/// The documents of the generation section: the three of the repository, and the
/// progenitor-compatible variant of the 61-operation one.
fn generation_documents(root: &Path, compatible: &Path) -> Vec<Measured> {
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
fn progenitor_invocation(progenitor: &Path, root: &Path, spec: &Path, out: &Path, name: &str) -> Invocation {
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
fn generation_processes(
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
        let theirs = progenitor_invocation(
            progenitor,
            root,
            &document.path,
            &theirs_out,
            &format!("{}-progenitor", document.key),
        );
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
fn generation_passes(root: &Path, results: &mut Results) -> Result<(), String> {
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
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Compile cost

struct CompileCrates {
    ours: PathBuf,
    progenitor: PathBuf,
    target_dir: PathBuf,
}

/// Generates both crates for the 61-operation document and builds their dependencies (debug
/// metadata for `check`, release for `build --release`), outside the measurement.
fn prepare_compile(root: &Path, progenitor: &Path, spec: &Path) -> Result<CompileCrates, String> {
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
fn touch(crate_dir: &Path) -> Result<(), String> {
    let lib = crate_dir.join("src/lib.rs");
    let file =
        fs::OpenOptions::new().write(true).open(&lib).map_err(|e| format!("cannot open {}: {e}", lib.display()))?;
    file.set_modified(SystemTime::now()).map_err(|e| format!("cannot touch {}: {e}", lib.display()))
}

fn compile(crates: &CompileCrates, rounds: usize, results: &mut Results) -> Result<(), String> {
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

// ---------------------------------------------------------------------------------------------
// 3. Decoding

fn decode(root: &Path, rounds: usize, results: &mut Results) -> Result<(), String> {
    let ids =
        [("decode", "generated"), ("decode", "handwritten"), ("decode", "value"), ("decode", "generated-tracked")];
    let Rounds { criterion: values, paired } = rounds_of(root, "decode", rounds, &ids, &["generated_handwritten"])?;
    let bytes: f64 = reported(root, "decode", "bytes").and_then(|b| b.parse().ok()).unwrap_or(f64::NAN);
    let participants = reported(root, "decode", "participants").unwrap_or_default();
    let events = reported(root, "decode", "peer_events").unwrap_or_default();
    let mbps = |ns: f64| format!("{:.0} MB/s", bytes / ns * 1e3);
    let (generated, handwritten, value, tracked) = (&values[0], &values[1], &values[2], &values[3]);
    let _ = writeln!(
        results.details,
        "### Decoding\n\n`serde_json::from_slice` of one page of {participants} session participants with {events} peer events \
         ({:.1} MB, built deterministically by `generated/benches/support/mod.rs`). Criterion medians per round (ms), \
         {rounds} rounds, peers' order alternating:\n\n| peer | rounds (ms) | median |\n| --- | --- | --- |",
        bytes / 1e6
    );
    for ((_, name), v) in ids.iter().zip(&values) {
        let runs = v.iter().map(|ns| format!("{:.2}", ns / 1e6)).collect::<Vec<_>>().join(", ");
        let _ = writeln!(results.details, "| {name} | {runs} | {} ({}) |", millis(median(v)), mbps(median(v)));
    }
    results.details.push('\n');
    paired_row(
        results,
        format!("decode {participants} participants ({:.1} MB) vs hand-written struct", bytes / 1e6),
        &paired[0],
        generated,
        handwritten,
        |ns| format!("{} ({})", millis(ns), mbps(ns)),
        1.15,
    );
    results.row(
        "decode, same page, tracking field paths (serde_path_to_error) vs hand-written",
        format!("{} ({})", millis(median(tracked)), mbps(median(tracked))),
        format!("{} ({})", millis(median(handwritten)), mbps(median(handwritten))),
        format!("{:.2}x", ratio(tracked, handwritten)),
        "",
        Status::Info,
    );
    results.row(
        "decode, same page vs serde_json::Value",
        format!("{} ({})", millis(median(generated)), mbps(median(generated))),
        format!("{} ({})", millis(median(value)), mbps(median(value))),
        format!("{:.2}x", ratio(generated, value)),
        "",
        Status::Info,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. Client overhead and auto-pagination

fn client(root: &Path, rounds: usize, results: &mut Results) -> Result<(), String> {
    let ids = [
        ("sequential", "generated"),
        ("sequential", "reqwest"),
        ("concurrent-32", "generated"),
        ("concurrent-32", "reqwest"),
    ];
    let Rounds { criterion: values, paired } =
        rounds_of(root, "client", rounds, &ids, &["sequential", "concurrent-32"])?;
    let requests: f64 = reported(root, "client", "requests").and_then(|r| r.parse().ok()).unwrap_or(f64::NAN);
    let _ = writeln!(
        results.details,
        "### Client overhead\n\n{requests} GET requests per iteration to a hyper server on 127.0.0.1 (own thread) answering a fixed \
         page of 10 meeting participants; client on a single-threaded tokio runtime. Criterion medians per round (ms per \
         {requests} requests), {rounds} rounds, order alternating:\n\n| group / peer | rounds (ms) | median |\n| --- | --- | --- |"
    );
    for ((group, name), v) in ids.iter().zip(&values) {
        let runs = v.iter().map(|ns| format!("{:.1}", ns / 1e6)).collect::<Vec<_>>().join(", ");
        let _ = writeln!(results.details, "| {group} / {name} | {runs} | {} |", millis(median(v)));
    }
    results.details.push('\n');
    let per_request = |ns: f64| format!("{:.1} µs/req", ns / requests / 1e3);
    for (index, label) in [(0, "2,000 sequential requests"), (1, "2,000 requests, 32 in flight")] {
        let (ours, theirs) = (&values[2 * index], &values[2 * index + 1]);
        paired_row(
            results,
            format!("client: {label} vs plain reqwest"),
            &paired[index],
            ours,
            theirs,
            |ns| format!("{} ({})", millis(ns), per_request(ns)),
            1.10,
        );
    }
    Ok(())
}

fn paging(root: &Path, rounds: usize, results: &mut Results) -> Result<(), String> {
    let ids = [("stream", "generated"), ("stream", "reqwest-loop")];
    let values = rounds_of(root, "paging", rounds, &ids, &[])?.criterion;
    let items: f64 = reported(root, "paging", "items").and_then(|r| r.parse().ok()).unwrap_or(f64::NAN);
    let rate = |ns: f64| format!("{:.0}k items/s", items / ns * 1e9 / 1e3);
    let (ours, theirs) = (&values[0], &values[1]);
    results.row(
        format!("stream {items} participants, pages of 100 vs reqwest loop"),
        format!("{} ({})", millis(median(ours)), rate(median(ours))),
        format!("{} ({})", millis(median(theirs)), rate(median(theirs))),
        format!("{:.2}x", ratio(ours, theirs)),
        "",
        Status::Info,
    );
    let checkpoints = reported(root, "paging", "checkpoints").unwrap_or_default();
    let live = reported(root, "paging", "stream_live_kib").unwrap_or_default();
    let rss = reported(root, "paging", "stream_rss_kib").unwrap_or_default();
    let collected: f64 =
        reported(root, "paging", "collected_live_kib").and_then(|c| c.parse().ok()).unwrap_or(f64::NAN);
    let live_values: Vec<f64> = live.split(',').filter_map(|v| v.parse().ok()).collect();
    let peak = live_values.iter().copied().fold(0.0, f64::max);
    let spread = peak - live_values.iter().copied().fold(f64::INFINITY, f64::min);
    // Flat: the live heap varies by less than 1 MiB over the whole stream and stays below a tenth
    // of what holding every item takes.
    let flat = !live_values.is_empty() && spread < 1024.0 && peak < collected / 10.0;
    results.row(
        "stream memory: live heap after 1 / 20k / 40k / 60k / 80k / 100k items",
        format!("{} KiB", live.replace(',', " / ")),
        format!("all items in a Vec: {collected:.0} KiB"),
        "",
        "flat",
        if flat { Status::Met } else { Status::Missed },
    );
    let _ = writeln!(
        results.details,
        "### Auto-pagination\n\n`.per_page(100).stream()` over {items} meeting participants (1,000 pages from a hyper server on \
         127.0.0.1), against a hand-written reqwest loop that fetches, decodes and walks the same pages. Criterion medians per round \
         (ms), {rounds} rounds: generated {}, reqwest loop {}.\n\nMemory, measured once before the timed runs by a counting global \
         allocator (`cap`) and /proc/self/status, after items {checkpoints}:\n\n- live heap growth since the stream was created \
         (KiB): {live}\n- resident set size (KiB): {rss}\n- for contrast, the same items collected into a `Vec`: {collected:.0} KiB\n",
        ours.iter().map(|ns| format!("{:.0}", ns / 1e6)).collect::<Vec<_>>().join(", "),
        theirs.iter().map(|ns| format!("{:.0}", ns / 1e6)).collect::<Vec<_>>().join(", "),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A progenitor-compatible variant of the 61-operation document

/// Just enough JSON to drop members of a document and write it back: strings, numbers and
/// literals are kept as their source text.
#[derive(Debug, PartialEq)]
enum Json<'a> {
    Raw(&'a str),
    Array(Vec<Json<'a>>),
    Object(Vec<(&'a str, Json<'a>)>),
}

impl<'a> Json<'a> {
    fn parse(text: &'a str) -> Result<Json<'a>, String> {
        let mut at = 0;
        let value = Json::value(text, &mut at)?;
        Json::space(text, &mut at);
        if at == text.len() { Ok(value) } else { Err(format!("trailing characters at byte {at}")) }
    }

    fn space(text: &str, at: &mut usize) {
        while text.as_bytes().get(*at).is_some_and(u8::is_ascii_whitespace) {
            *at += 1;
        }
    }

    fn value(text: &'a str, at: &mut usize) -> Result<Json<'a>, String> {
        Json::space(text, at);
        let bytes = text.as_bytes();
        let start = *at;
        match bytes.get(start) {
            Some(b'{') | Some(b'[') => {
                let object = bytes[start] == b'{';
                let close = if object { b'}' } else { b']' };
                *at += 1;
                let mut members = Vec::new();
                let mut items = Vec::new();
                loop {
                    Json::space(text, at);
                    if bytes.get(*at) == Some(&close) {
                        *at += 1;
                        break;
                    }
                    if !(members.is_empty() && items.is_empty()) {
                        if bytes.get(*at) != Some(&b',') {
                            return Err(format!("expected `,` at byte {at}"));
                        }
                        *at += 1;
                    }
                    if object {
                        let key = match Json::value(text, at)? {
                            Json::Raw(key) if key.starts_with('"') => key,
                            _ => return Err(format!("expected a key before byte {at}")),
                        };
                        Json::space(text, at);
                        if bytes.get(*at) != Some(&b':') {
                            return Err(format!("expected `:` at byte {at}"));
                        }
                        *at += 1;
                        members.push((key, Json::value(text, at)?));
                    } else {
                        items.push(Json::value(text, at)?);
                    }
                }
                Ok(if object { Json::Object(members) } else { Json::Array(items) })
            }
            Some(b'"') => {
                *at += 1;
                while let Some(&byte) = bytes.get(*at) {
                    *at += 1;
                    match byte {
                        b'\\' => *at += 1,
                        b'"' => return Ok(Json::Raw(&text[start..*at])),
                        _ => {}
                    }
                }
                Err("unterminated string".to_owned())
            }
            Some(_) => {
                while bytes.get(*at).is_some_and(|b| !b",]} \t\r\n".contains(b)) {
                    *at += 1;
                }
                if *at == start {
                    Err(format!("unexpected character at byte {start}"))
                } else {
                    Ok(Json::Raw(&text[start..*at]))
                }
            }
            None => Err("unexpected end".to_owned()),
        }
    }

    fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k.trim_matches('"') == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Raw(raw) => out.push_str(raw),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

/// `text` without the responses that have a media type without a schema, which progenitor
/// cannot read (it panics: "media type encoding, no schema", and with a schema-less body
/// added, "response_types.len() <= 1"); also the list of what was dropped.
fn without_schemaless_responses(text: &str) -> Result<(String, Vec<String>), String> {
    let mut document = Json::parse(text)?;
    let mut dropped = Vec::new();
    if let Json::Object(members) = &mut document {
        for (key, paths) in members.iter_mut() {
            let (true, Json::Object(paths)) = (key.trim_matches('"') == "paths", paths) else { continue };
            for (path, item) in paths.iter_mut() {
                let Json::Object(operations) = item else { continue };
                for (method, operation) in operations.iter_mut() {
                    let method = method.trim_matches('"');
                    if !METHODS.contains(&method) {
                        continue;
                    }
                    let Json::Object(fields) = operation else { continue };
                    for (field, responses) in fields.iter_mut() {
                        let (true, Json::Object(responses)) = (field.trim_matches('"') == "responses", responses)
                        else {
                            continue;
                        };
                        responses.retain(|(status, response)| {
                            let schemaless = match response.get("content") {
                                Some(Json::Object(media_types)) => {
                                    media_types.iter().any(|(_, media)| media.get("schema").is_none())
                                }
                                _ => false,
                            };
                            if schemaless {
                                dropped.push(format!(
                                    "{} {} {}",
                                    method.to_uppercase(),
                                    path.trim_matches('"'),
                                    status.trim_matches('"')
                                ));
                            }
                            !schemaless
                        });
                    }
                }
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    document.write(&mut out);
    Ok((out, dropped))
}

/// Writes the progenitor-compatible variant of the 61-operation document under `target/bench/`.
fn compatible_document(root: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let source = root.join(DOCUMENTS[1].path);
    let text = fs::read_to_string(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let (compatible, dropped) =
        without_schemaless_responses(&text).map_err(|e| format!("{}: {e}", source.display()))?;
    let path = root.join("target/bench/realtimekit-61-compatible.json");
    fs::write(&path, compatible).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((path, dropped))
}

// ---------------------------------------------------------------------------------------------
// Output

fn seconds(s: f64) -> String {
    if !s.is_finite() {
        "?".to_owned()
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        millis(s * 1e9)
    }
}

/// Nanoseconds as milliseconds with three significant digits.
fn millis(ns: f64) -> String {
    let ms = ns / 1e6;
    if !ms.is_finite() {
        "?".to_owned()
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn duration(d: Duration) -> String {
    seconds(d.as_secs_f64())
}

fn kib(value: Option<u64>) -> String {
    match value {
        Some(kib) if kib >= 1024 => format!("{:.0} MiB", kib as f64 / 1024.0),
        Some(kib) => format!("{kib} KiB"),
        None => "? MiB".to_owned(),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|line| format!("{prefix}{line}")).collect::<Vec<_>>().join("\n")
}

/// The headline table, in Markdown.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| benchmark | cloudflare-realtimekit | peer | ratio | target | |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for row in rows {
        let status = match row.status {
            Status::Met => "met",
            Status::Missed => "**missed**",
            Status::Info => "",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {status} |",
            row.benchmark.replace('|', "\\|"),
            row.ours.replace('|', "\\|"),
            row.peer.replace('|', "\\|"),
            row.ratio,
            row.target
        );
    }
    out
}

/// The measured part of BENCHMARKS.md.
fn report(machine: &Machine, options: &Options, results: &Results, table: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN}\n");
    let _ = writeln!(
        out,
        "Measured on {} by `cargo xtask bench` (commit {}).\n\n\
         - Machine: {}, {} cores, {} GiB RAM; {}; peer: cargo-progenitor {PROGENITOR_VERSION}.\n\
         - Peers ran side by side in the same run, {} rounds, alternating which went first; ratios are ours ÷ peer (time: lower \
         is better), medians of the per-round ratios.\n\
         - Each section started once less than {:.0}% of the CPU was busy (waiting at most {:.0?}):\n",
        today(),
        machine.commit,
        machine.cpu,
        machine.cores,
        machine.ram_gib,
        machine.rustc,
        options.rounds,
        QUIET * 100.0,
        options.max_wait,
    );
    for condition in &results.conditions {
        let _ = writeln!(out, "  - {condition}");
    }
    let _ = writeln!(out, "\n{table}\n## Details\n\n{}{END}", results.details);
    out
}

/// `existing` with its measured part replaced by `measured` (or `measured` followed by a stub
/// when the file has no markers yet).
fn splice(existing: &str, measured: &str) -> String {
    match (existing.find(BEGIN), existing.find(END)) {
        (Some(begin), Some(end)) if begin < end => {
            format!("{}{measured}{}", &existing[..begin], &existing[end + END.len()..])
        }
        _ => format!("# Benchmarks\n\n{measured}\n\n## Analysis\n\n(Written by hand; kept by `cargo xtask bench`.)\n"),
    }
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let days = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_medians() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":4.0,"upper_bound":6.0},"point_estimate":5.5e3,"standard_error":0.2}}"#;
        assert_eq!(median_estimate(json), Some(5500.0));
        assert_eq!(median_estimate("{}"), None);
    }

    #[test]
    fn dates_and_medians() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_941), (2024, 8, 6));
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(ratio(&[2.0, 3.0, 4.0], &[1.0, 3.0, 2.0]), 2.0);
    }

    #[test]
    fn splices_only_the_measured_part() {
        let existing = format!("# B\n\nintro\n{BEGIN}\nold\n{END}\n\n## Analysis\nkept\n");
        let measured = format!("{BEGIN}\nnew\n{END}");
        assert_eq!(splice(&existing, &measured), format!("# B\n\nintro\n{BEGIN}\nnew\n{END}\n\n## Analysis\nkept\n"));
        assert!(splice("", &measured).contains("## Analysis"));
    }

    #[test]
    fn drops_responses_without_schema_and_keeps_the_rest() {
        let text = r#"{"openapi": "3.0.3", "paths": {"/a": {"parameters": [], "get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "string", "pattern": "\\d+\"x"}}}},
            "401": {"description": "no", "content": {"application/json": {"examples": {}}}},
            "404": {"description": "none"}}}}}, "n": [1.5e3, true, null, -2]}"#;
        let (out, dropped) = without_schemaless_responses(text).expect("parses");
        assert_eq!(dropped, ["GET /a 401"]);
        assert_eq!(
            out,
            r#"{"openapi":"3.0.3","paths":{"/a":{"parameters":[],"get":{"responses":{"200":{"content":{"application/json":{"schema":{"type":"string","pattern":"\\d+\"x"}}}},"404":{"description":"none"}}}}},"n":[1.5e3,true,null,-2]}"#
        );
        assert!(Json::parse("{\"a\": [1,}").is_err());
        assert!(Json::parse("[1] x").is_err());
    }

    #[test]
    fn summarises_panics() {
        let stderr = "\nthread 'main' (1) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/typify-impl-0.8.0/src/convert.rs:788:36:\nnot yet implemented: invalid schema\n";
        assert_eq!(
            failure_summary(stderr),
            "panics at typify-impl-0.8.0/src/convert.rs:788:36: not yet implemented: invalid schema"
        );
        assert_eq!(failure_summary("error: no such file\n"), "error: no such file");
    }

    #[test]
    fn pairs_decide_a_paired_target_and_criterion_is_shown_beside_them() {
        let pairs = |ratios: &[f64]| -> Vec<Pairs> {
            ratios.iter().map(|&ratio| Pairs { ratio, ours: 1e6 * ratio, peer: 1e6 }).collect()
        };
        let mut results = Results::default();
        let show = |ns: f64| millis(ns);
        paired_row(&mut results, "a".into(), &pairs(&[1.05, 1.20, 1.07]), &[13e6], &[10e6], show, 1.10);
        paired_row(&mut results, "b".into(), &pairs(&[1.12, 1.02, 1.15]), &[10e6], &[10e6], show, 1.10);
        let (a, b) = (&results.rows[0], &results.rows[1]);
        assert!(a.status == Status::Met && b.status == Status::Missed);
        assert_eq!(a.ratio, "1.07x in pairs (rounds: 1.05, 1.20, 1.07); criterion: 13.0 ms vs 10.0 ms, 1.30x");
        assert_eq!((a.ours.as_str(), a.peer.as_str(), a.target.as_str()), ("1.07 ms", "1.00 ms", "≤ 1.10x"));
    }

    #[test]
    fn formats_figures() {
        assert_eq!(seconds(1.234), "1.23 s");
        assert_eq!(seconds(0.1234), "123 ms");
        assert_eq!(millis(1_234_000.0), "1.23 ms");
        assert_eq!(kib(Some(2048)), "2 MiB");
        assert!(table(&[]).starts_with("| benchmark"));
    }
}
