//! Child processes measured from spawn to exit: wall time and peak resident memory.

use std::ffi::OsString;
use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A program, its arguments and its working directory.
#[derive(Clone)]
pub(super) struct Invocation {
    pub(super) program: PathBuf,
    args: Vec<OsString>,
    dir: PathBuf,
}

impl Invocation {
    pub(super) fn new(program: impl Into<PathBuf>, dir: &Path) -> Self {
        Invocation { program: program.into(), args: Vec::new(), dir: dir.to_path_buf() }
    }

    pub(super) fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub(super) fn command(&self, wrapper: Option<&[OsString]>) -> Command {
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
pub(super) struct ProcessRun {
    pub(super) wall: Duration,
    pub(super) max_rss_kib: Option<u64>,
    pub(super) success: bool,
    /// Whether it was stopped for running longer than its limit (see [`measure_within`]).
    pub(super) timed_out: bool,
    /// The first lines of its stderr, for failures.
    pub(super) stderr_head: String,
}

/// GNU time, which reports the peak RSS of the child it waits for.
pub(super) const GNU_TIME: &str = "/usr/bin/time";

/// Runs `invocation` to the end with stdout discarded and stderr in `log`; the wall time spans
/// spawn to exit. Peak RSS comes from GNU time when installed, else from sampling `VmHWM` in
/// /proc every millisecond (which can miss a peak in the last millisecond).
pub(super) fn measure(invocation: &Invocation, log: &Path) -> Result<ProcessRun, String> {
    measure_within(invocation, log, None)
}

/// [`measure`], but a run still going after `limit` is killed (with GNU time, which waits for
/// it: the child runs in a process group of its own, and the whole group is killed) and reported
/// as timed out.
pub(super) fn measure_within(
    invocation: &Invocation,
    log: &Path,
    limit: Option<Duration>,
) -> Result<ProcessRun, String> {
    let stderr = fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let rss_file = log.with_extension("rss");
    let gnu_time = Path::new(GNU_TIME).exists();
    let wrapper: Vec<OsString> = vec![GNU_TIME.into(), "-f".into(), "%M".into(), "-o".into(), rss_file.clone().into()];
    let mut command = invocation.command(gnu_time.then_some(&wrapper[..]));
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(stderr);
    if limit.is_some() {
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot run {}: {e}", invocation.program.display()))?;
    let mut sampled = None;
    let mut timed_out = false;
    let status = if gnu_time && limit.is_none() {
        child.wait().map_err(|e| format!("cannot wait for {}: {e}", invocation.program.display()))?
    } else {
        loop {
            if !gnu_time && let Some(hwm) = vm_hwm_kib(child.id()) {
                sampled = Some(hwm);
            }
            if let Some(status) = child.try_wait().map_err(|e| format!("cannot wait: {e}"))? {
                break status;
            }
            if limit.is_some_and(|limit| started.elapsed() > limit) && !timed_out {
                timed_out = true;
                // The group's id is the child's (`process_group(0)`); `kill -- -ID` signals them all.
                let group = format!("-{}", child.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                let _ = child.kill();
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
    Ok(ProcessRun { wall, max_rss_kib, success: status.success() && !timed_out, timed_out, stderr_head })
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_over_its_limit_is_stopped_and_reported() {
        let log = std::env::temp_dir().join(format!("xtask-bench-limit-{}.log", std::process::id()));
        let sleep = Invocation::new("sleep", &std::env::temp_dir()).arg("30");
        let run = measure_within(&sleep, &log, Some(Duration::from_millis(300))).expect("runs");
        assert!(run.timed_out && !run.success);
        assert!(run.wall < Duration::from_secs(10), "stopped after {:?}", run.wall);
        let quick = Invocation::new("true", &std::env::temp_dir());
        let run = measure_within(&quick, &log, Some(Duration::from_secs(30))).expect("runs");
        assert!(run.success && !run.timed_out);
        let _ = fs::remove_file(&log);
        let _ = fs::remove_file(log.with_extension("rss"));
    }
}
