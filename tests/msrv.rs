//! The published crates' `rust-version` holds for their dependencies: every package that
//! `cloudflare-realtimekit` and `cloudflare-realtimekit-runtime` depend on (normal dependencies,
//! with every feature of ours on), as `Cargo.lock` pins them, declares a `rust-version` no newer
//! than ours, or none. Only the current toolchain can be installed where CI runs, so this and
//! clippy's `incompatible_msrv` lint (standard library items newer than `rust-version`, denied
//! with the other warnings) are how the promise is checked without building with that toolchain.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// The published packages.
const PUBLISHED: [&str; 2] = ["cloudflare-realtimekit", "cloudflare-realtimekit-runtime"];

/// `1.88` or `1.88.0` as comparable numbers.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn every_dependency_of_the_published_crates_supports_their_rust_version() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--all-features"])
        .current_dir(tests::workspace_root())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().unwrap_or(""), p))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("a resolve graph")
        .iter()
        .map(|n| (n["id"].as_str().unwrap_or(""), n))
        .collect();
    let ours: Vec<&Value> = PUBLISHED
        .iter()
        .map(|name| *packages.values().find(|p| p["name"] == *name).expect("a published package"))
        .collect();
    let msrv = ours[0]["rust_version"].as_str().expect("rust-version set").to_owned();
    assert!(ours.iter().all(|p| p["rust_version"] == msrv.as_str()), "both crates declare the same rust-version");

    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = ours.iter().filter_map(|p| p["id"].as_str()).collect();
    let mut too_new = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let package = packages[id];
        if let Some(theirs) = package["rust_version"].as_str()
            && version(theirs) > version(&msrv)
        {
            too_new.push(format!("{} {} needs Rust {theirs}", package["name"], package["version"]));
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            // Normal dependencies only (`kind` null); build dependencies run on the host.
            let normal =
                dep["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null() || k["kind"] == "build");
            if normal && let Some(dep_id) = dep["pkg"].as_str() {
                stack.push(dep_id);
            }
        }
    }
    assert!(seen.len() > 50, "the walk reached the dependencies ({} packages)", seen.len());
    assert!(too_new.is_empty(), "dependencies newer than rust-version {msrv}:\n{}", too_new.join("\n"));
}
