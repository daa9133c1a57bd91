//! `cargo xtask codegen [--check] [--spec PATH] [--out DIR]`: regenerates the client crate.
//! `cargo xtask bench [--smoke]`: benchmarks (see BENCHMARKS.md).
//! `cargo xtask api-diff [--base REV]`: what changed in the public API since a git revision.

mod bench;

/// Generating a large spec allocates millions of small strings and token trees; mimalloc serves
/// them in about three quarters of the time glibc's allocator takes (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;
use xtask::{DEFAULT_OUT, DEFAULT_SPEC, Mode, Options, codegen_with, workspace_root};

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec PATH] [--out DIR [--name NAME] [--env-prefix PREFIX]
                     [--user-agent AGENT] [--description TEXT] [--force]]
       cargo xtask check-spec PATH [--features-alone N|FEATURE,...]
       cargo xtask api-diff [--base REV]
       cargo xtask bench [--smoke] [--rounds N] [--only SECTIONS] [--max-wait SECONDS]

  codegen          regenerate generated/ from spec/realtimekit.yaml (writes only changed files)
  --check          write nothing; fail if generated/ is not what the spec produces
  --spec PATH      read another OpenAPI 3.0 document (its $refs may name other local files,
                   relative to the file that holds them; URLs are refused)
  --out DIR        write a standalone crate into DIR (with a manifest, lib.rs and the runtime);
                   files there without the do-not-edit header are never overwritten or removed:
                   the run fails naming them
  --name NAME      the package name of that crate (default: made from the spec's title)
  --env-prefix PREFIX
                   the prefix of its environment variables, PREFIX_API_TOKEN, PREFIX_BASE_URL, ...
                   (default: the package name in upper case, without a last -api or -client)
  --user-agent AGENT
                   its User-Agent (default: NAME/VERSION)
  --description TEXT
                   the description in its docs (default: the spec's info.description)
  --force          overwrite files without the do-not-edit header
  api-diff         list the changes to the public API (generated/API.md) from a git revision
                   (--base REV, default HEAD) to what the working tree's spec produces, each
                   marked breaking or compatible; exit code 0: no change, 2: compatible changes
                   only, 3: breaking changes, 1: the comparison failed
  check-spec PATH  generate a standalone crate for PATH under target/generated-crates/ and run
                   `cargo clippy -- -D warnings` on it; lists the operations left out
  --features-alone N|FEATURE,...
                   then build the crate with only one group's feature at a time: N features spread
                   over the spec, or those listed
  bench            measure generation, compile cost, decoding and client overhead against their
                   peers; prints the table and rewrites BENCHMARKS.md (`bench --help` for more)
  bench --smoke    compile every benchmark and run each once on its smallest input (CI)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(("api-diff", options)) = args.split_first().map(|(task, options)| (task.as_str(), options)) {
        return xtask::api_diff::run(options, USAGE).unwrap_or_else(|message| {
            eprintln!("{message}");
            ExitCode::FAILURE
        });
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some((task, options)) = args.split_first() else { return Err(USAGE.to_owned()) };
    if task == "check-spec" {
        let alone = match options {
            [_] => xtask::Alone::Nothing,
            [_, flag, value] if flag == "--features-alone" => xtask::Alone::parse(value)?,
            _ => return Err(USAGE.to_owned()),
        };
        let Some(spec) = options.first() else { return Err(USAGE.to_owned()) };
        return xtask::check_spec(std::path::Path::new(spec), &alone);
    }
    if task == "bench" {
        return bench::run(options);
    }
    if task != "codegen" {
        return Err(format!("unknown task `{task}`\n{USAGE}"));
    }
    let root = workspace_root();
    let mut mode = Mode::Write;
    let mut spec = root.join(DEFAULT_SPEC);
    let mut out = root.join(DEFAULT_OUT);
    let mut choices = Options::default();
    let mut options = options.iter();
    while let Some(option) = options.next() {
        match option.as_str() {
            "--check" => mode = Mode::Check,
            "--spec" => spec = PathBuf::from(options.next().ok_or("--spec needs a path")?),
            "--out" => {
                let dir = options.next().ok_or("--out needs a directory")?;
                if dir.is_empty() {
                    return Err("--out needs a directory, not an empty string".to_owned());
                }
                out = PathBuf::from(dir);
            }
            "--name" => choices.name = Some(options.next().ok_or("--name needs a package name")?.clone()),
            "--force" => choices.force = true,
            "--env-prefix" => {
                choices.env_prefix = Some(options.next().ok_or("--env-prefix needs a prefix")?.clone());
            }
            "--user-agent" => {
                choices.user_agent = Some(options.next().ok_or("--user-agent needs a value")?.clone());
            }
            "--description" => {
                choices.description = Some(options.next().ok_or("--description needs a text")?.clone());
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    let report = codegen_with(&spec, &out, mode, &choices)?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    if mode == Mode::Write {
        for path in &report.changed {
            println!("wrote {}", out.join(path).display());
        }
        for path in &report.removed {
            println!("removed {}", out.join(path).display());
        }
        if !report.api_changes.is_empty() {
            print!("{}", xtask::api_diff::summary(&report.api_changes));
        }
    }
    Ok(())
}
