//! The parts of a standalone client crate that the generator does not emit: `Cargo.toml`, a
//! `lib.rs`, and a copy of the runtime crate (`generated/runtime`) in `runtime/`, which it
//! depends on by path. Used when `cargo xtask codegen --out DIR` writes a crate for another spec.

use std::fs;
use std::path::Path;

/// The runtime's package, as the generated crates depend on it.
const RUNTIME: &str = "cloudflare-realtimekit-runtime";

/// Every file of the scaffold for a crate named `name`, as (path relative to the crate, contents).
/// The manifest, the root module and the runtime are read from the `generated/` crate at `template`.
pub fn files(template: &Path, name: &str, source: &str, features: &[String]) -> Result<Vec<(String, String)>, String> {
    let read =
        |path: &Path| fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()));
    let workspace = read(&template.join("../Cargo.toml"))?;
    let runtime = template.join("runtime");
    let mut files = vec![
        ("Cargo.toml".to_owned(), manifest(&read(&template.join("Cargo.toml"))?, &workspace, name, features, true)),
        ("src/lib.rs".to_owned(), library_root(&read(&template.join("src/lib.rs"))?, source)),
        (
            "runtime/Cargo.toml".to_owned(),
            manifest(&read(&runtime.join("Cargo.toml"))?, &workspace, RUNTIME, &[], false),
        ),
    ];
    let mut entries: Vec<_> = fs::read_dir(runtime.join("src"))
        .map_err(|error| format!("cannot read {}: {error}", runtime.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    entries.sort();
    for path in entries {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        files.push((format!("runtime/src/{file}"), read(&path)?));
    }
    Ok(files)
}

/// A manifest for package `name`: the template's dependencies with the workspace's versions filled
/// in (path dependencies kept as they are), and, for the crate itself (`root`), its features and
/// an empty `[workspace]` so that it builds on its own wherever it is written, with the runtime
/// in `runtime/` as a member.
fn manifest(template: &str, workspace: &str, name: &str, features: &[String], root: bool) -> String {
    let versions = section(workspace, "[workspace.dependencies]");
    let dependencies: Vec<String> = section(template, "[dependencies]")
        .into_iter()
        .filter_map(|line| {
            if line.contains("path = ") {
                return Some(line);
            }
            let dep = line.split(['.', ' ', '=']).next()?;
            let version = versions.iter().find(|version| version.split([' ', '=']).next() == Some(dep))?;
            // An optional dependency (the runtime's wiremock, for its `mock` feature) stays optional.
            if !line.contains("optional = true") {
                return Some(version.clone());
            }
            let (_, value) = version.split_once('=')?;
            let value = value.trim();
            Some(match value.strip_prefix('{') {
                Some(table) => format!("{dep} = {{ optional = true,{table}"),
                None => format!("{dep} = {{ version = {value}, optional = true }}"),
            })
        })
        .collect();
    // The template's own features (TLS, compression, `mock`), which name only dependencies the
    // manifest has.
    let own = section(template, "[features]");
    // One feature per group, all on by default: `default-features = false, features = [...]`
    // compiles only the groups a user names.
    let mut lines = Vec::new();
    if !features.is_empty() {
        let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
        lines.push("default = [\"full\"]".to_owned());
        lines.push(format!("full = [{}]", quoted.join(", ")));
        lines.extend(features.iter().map(|f| format!("{f} = []")));
    }
    lines.extend(own);
    let features = if lines.is_empty() { String::new() } else { format!("\n[features]\n{}\n", lines.join("\n")) };
    let workspace = if root { "\n[workspace]\n" } else { "" };
    format!(
        "# {}. Do not edit.\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n{features}{workspace}",
        generator::render::GENERATED_BY,
        dependencies.join("\n")
    )
}

/// The non-empty, non-comment lines of one `[section]` of a TOML file.
fn section(toml: &str, header: &str) -> Vec<String> {
    toml.lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The template's `lib.rs` with its crate docs (which describe RealtimeKit) replaced.
fn library_root(template: &str, source: &str) -> String {
    let body: Vec<&str> =
        template.lines().skip_while(|line| line.starts_with("//!") || line.trim().is_empty()).collect();
    format!(
        "{}\n//! An API client generated from {source}; see the `operations` module.\n\n{}\n",
        generator::render::header(source),
        body.join("\n")
    )
}
