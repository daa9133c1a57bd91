//! The pinned Prism mock server of the conformance test: installs it when missing (`npm ci`),
//! starts `prism mock` on Cloudflare's definition on a free loopback port, waits until it accepts
//! connections, and stops it when the [`Prism`] guard is dropped (also when a test panics).

use std::fs::{self, File};
use std::io::{self, Read as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// How long `npm ci` may take.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);
/// An install lock older than this was left by a process that died; it is taken over.
const STALE_LOCK: Duration = Duration::from_secs(900);
/// How long Prism may take from its start to accepting connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How many free ports are tried when another process takes the chosen one first.
const START_ATTEMPTS: u32 = 3;
/// How many lines of Prism's log a failure message shows.
const LOG_TAIL_LINES: usize = 40;

/// `tests/conformance`: the spec, `package.json`, `package-lock.json` and `node_modules`.
pub fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// Cloudflare's definition of the three endpoints.
pub fn official_spec() -> PathBuf {
    conformance_dir().join("realtimekit-official-3.yaml")
}

/// The properties that Cloudflare's definition types `number` although they are counts and codes,
/// which `spec/realtimekit.yaml` (and so the client) types as integers: the one deliberate
/// difference between the two documents.
const COUNTS: &[&str] = &["start_offset", "end_offset", "total_count", "code"];

/// The document Prism serves: Cloudflare's definition with the counts typed `integer`, written
/// under the target directory (as `name`: one file per Prism). Everything else is the official document unchanged, so every other
/// schema still decides what Prism validates and generates.
fn served_spec(name: &str) -> Result<PathBuf, String> {
    let path = official_spec();
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut document: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{} is not YAML: {e}", path.display()))?;
    let changed = integer_counts(&mut document);
    if changed != 4 {
        return Err(format!("expected the 4 counts typed `number` in {}, found {changed}", path.display()));
    }
    let served = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("realtimekit-official-3-{name}.yaml"));
    let text = serde_yaml::to_string(&document).map_err(|e| format!("cannot write the served document: {e}"))?;
    fs::write(&served, text).map_err(|e| format!("cannot write {}: {e}", served.display()))?;
    Ok(served)
}

/// Types every property named in [`COUNTS`] whose type is `number` as `integer`; how many.
fn integer_counts(value: &mut serde_yaml::Value) -> usize {
    let mut changed = 0;
    match value {
        serde_yaml::Value::Mapping(mapping) => {
            if let Some(serde_yaml::Value::Mapping(properties)) = mapping.get_mut("properties") {
                for (name, schema) in properties.iter_mut() {
                    if name.as_str().is_some_and(|name| COUNTS.contains(&name))
                        && schema.get("type").and_then(serde_yaml::Value::as_str) == Some("number")
                    {
                        schema["type"] = "integer".into();
                        changed += 1;
                    }
                }
            }
            changed += mapping.values_mut().map(integer_counts).sum::<usize>();
        }
        serde_yaml::Value::Sequence(items) => changed += items.iter_mut().map(integer_counts).sum::<usize>(),
        _ => {}
    }
    changed
}

/// How Prism builds its responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Examples from the document: the first one by default, another with `Prefer: example=<name>`.
    Static,
    /// Bodies generated from the response schemas (json-schema-faker), new ones on every request.
    Dynamic,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        }
    }
}

/// A running `prism mock`; dropping it stops the process.
#[derive(Debug)]
pub struct Prism {
    child: Child,
    /// Kept open while Prism runs: `run-prism.js` exits when it closes (see there).
    stdin: Option<ChildStdin>,
    base_url: String,
    log_path: PathBuf,
}

impl Prism {
    /// Installs Prism if needed and starts it on the official spec with request (and response)
    /// validation turned into errors (`--errors`).
    ///
    /// # Panics
    ///
    /// When Prism cannot be installed or does not start in time; the message says why.
    pub fn start(mode: Mode) -> Prism {
        ensure_installed();
        let mut failures = Vec::new();
        for attempt in 1..=START_ATTEMPTS {
            match Prism::try_start(mode) {
                Ok(prism) => return prism,
                Err(failure) => {
                    let retry = failure.contains("EADDRINUSE") && attempt < START_ATTEMPTS;
                    failures.push(failure);
                    if !retry {
                        break;
                    }
                }
            }
        }
        panic!("could not start Prism ({} mode):\n{}", mode.name(), failures.join("\n\n"));
    }

    fn try_start(mode: Mode) -> Result<Prism, String> {
        let port = free_port();
        let log_path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("conformance-prism-{}-{port}.log", mode.name()));
        let log = File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let log_err = log.try_clone().map_err(|e| format!("cannot clone the log file: {e}"))?;
        let mut command = Command::new("node");
        command
            .current_dir(conformance_dir())
            .arg(conformance_dir().join("run-prism.js"))
            .arg("mock")
            .arg(served_spec(&format!("{}-{port}", mode.name()))?)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            // Violations of the request (and of Prism's own response) against the document
            // become error responses instead of being only logged.
            .arg("--errors");
        if mode == Mode::Dynamic {
            command.arg("--dynamic");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| format!("cannot run `node` ({e}): {}", NODE_HINT))?;
        let stdin = child.stdin.take();
        // From here on the guard owns the process: an early return or a panic stops it.
        let mut prism = Prism { child, stdin, base_url: format!("http://127.0.0.1:{port}"), log_path };
        prism.wait_until_ready(port)?;
        Ok(prism)
    }

    /// Polls the port until Prism accepts connections, it exits, or [`START_TIMEOUT`] passes.
    fn wait_until_ready(&mut self, port: u16) -> Result<(), String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited with {status} before accepting connections on port {port}; its log ({}):\n{}",
                    self.log_path.display(),
                    self.log_tail()
                ));
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(250)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "Prism did not accept connections on port {port} within {} s; its log ({}):\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log_path.display(),
                    self.log_tail()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// The URL to give the client as its base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The last lines of Prism's log: every request it received and every violation it found.
    pub fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Err(e) = File::open(&self.log_path).and_then(|mut f| f.read_to_string(&mut text)) {
            return format!("(cannot read {}: {e})", self.log_path.display());
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The log is kept for a failed test (its path is in the failure message), else removed.
        if !thread::panicking() {
            let _ = fs::remove_file(&self.log_path);
        }
    }
}

const NODE_HINT: &str = "the conformance test runs the Prism mock server (tests/conformance/package.json) \
     and needs Node.js >= 18.20.1 with npm on PATH; install them (e.g. `apt-get install nodejs npm`) and run \
     the tests again";

/// A port that was free a moment ago (the OS picks it; Prism binds it right after).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free loopback port");
    listener.local_addr().expect("local address of a bound listener").port()
}

/// The `@stoplight/prism-cli` version that `package.json` pins.
fn pinned_version() -> String {
    let path = conformance_dir().join("package.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    json["dependencies"]["@stoplight/prism-cli"]
        .as_str()
        .unwrap_or_else(|| panic!("{} pins no @stoplight/prism-cli dependency", path.display()))
        .to_owned()
}

/// The installed Prism version, if `node_modules/.bin/prism` exists.
fn installed_version() -> Option<String> {
    let modules = conformance_dir().join("node_modules");
    if !modules.join(".bin").join("prism").exists() {
        return None;
    }
    let text = fs::read_to_string(modules.join("@stoplight/prism-cli/package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["version"].as_str().map(str::to_owned)
}

/// Serialises the installs of the tests of this process.
static INSTALL: Mutex<()> = Mutex::new(());

/// Runs `npm ci --prefix tests/conformance` unless the pinned Prism is already installed.
fn ensure_installed() {
    let _serial = INSTALL.lock().unwrap_or_else(PoisonError::into_inner);
    let pinned = pinned_version();
    if installed_version().as_deref() == Some(pinned.as_str()) {
        return;
    }
    // Other test processes (another `cargo test` in the same checkout) may install at the same time.
    let _lock = DirLock::acquire(&conformance_dir().join(".install-lock"));
    if installed_version().as_deref() == Some(pinned.as_str()) {
        return;
    }
    for tool in ["node", "npm"] {
        if let Err(e) = Command::new(tool).arg("--version").stdout(Stdio::null()).status() {
            panic!("cannot run `{tool} --version` ({e}): {NODE_HINT}");
        }
    }
    let log_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-npm-ci.log");
    let log = File::create(&log_path).expect("create the npm log file");
    let log_err = log.try_clone().expect("clone the npm log file");
    eprintln!("conformance: installing Prism {pinned} with `npm ci --prefix tests/conformance` ...");
    let started = Instant::now();
    let mut npm = Command::new("npm")
        .arg("ci")
        .arg("--prefix")
        .arg(conformance_dir())
        .args(["--no-audit", "--no-fund"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `npm ci` ({e}): {NODE_HINT}"));
    let status = loop {
        match npm.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > INSTALL_TIMEOUT => {
                let _ = npm.kill();
                let _ = npm.wait();
                panic!(
                    "`npm ci --prefix tests/conformance` took more than {} s; its output ({}):\n{}",
                    INSTALL_TIMEOUT.as_secs(),
                    log_path.display(),
                    fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
            Ok(None) => thread::sleep(Duration::from_millis(200)),
            Err(e) => panic!("cannot wait for `npm ci`: {e}"),
        }
    };
    let output = fs::read_to_string(&log_path).unwrap_or_default();
    assert!(
        status.success(),
        "`npm ci --prefix tests/conformance` failed with {status} (the npm registry must be reachable); its output:\n{output}"
    );
    let installed = installed_version();
    assert_eq!(
        installed.as_deref(),
        Some(pinned.as_str()),
        "`npm ci` succeeded but node_modules/.bin/prism is not Prism {pinned}; its output:\n{output}"
    );
    eprintln!("conformance: installed Prism {pinned} in {:.1} s", started.elapsed().as_secs_f64());
}

/// A lock between processes: a directory that exists while it is held.
struct DirLock {
    path: PathBuf,
}

impl DirLock {
    fn acquire(path: &Path) -> DirLock {
        let started = Instant::now();
        loop {
            match fs::create_dir(path) {
                Ok(()) => {
                    return DirLock { path: path.to_owned() };
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|modified| SystemTime::now().duration_since(modified).ok());
                    if age.is_some_and(|age| age > STALE_LOCK) {
                        let _ = fs::remove_dir(path);
                        continue;
                    }
                    assert!(
                        started.elapsed() < INSTALL_TIMEOUT,
                        "{} is still held after {} s: remove it if no other test run is installing Prism",
                        path.display(),
                        INSTALL_TIMEOUT.as_secs()
                    );
                    thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("cannot create the install lock {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_dir(&self.path);
    }
}
