//! A crate generated with `--out` for an API other than Cloudflare's says nothing about
//! Cloudflare — its runtime copy included — and its doc tests, which authenticate with the API's
//! own schemes and environment variables, pass; the identity flags reach its `lib.rs`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the crate and its build directory (shared with `real_specs.rs`) live.
fn scratch() -> PathBuf {
    tests::workspace_root().join("target/generated-crates")
}

fn spec() -> PathBuf {
    tests::workspace_root().join("tests/neutral/pets.yaml")
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn a_crate_for_another_api_names_no_cloudflare_and_its_doc_tests_pass() {
    let out = scratch().join("neutral-pets");
    let _ = fs::remove_dir_all(&out);
    xtask::codegen(&spec(), &out, xtask::Mode::Write).unwrap_or_else(|message| panic!("{message}"));
    let written = files(&out);
    assert!(written.iter().any(|p| p.ends_with("runtime/src/auth.rs")), "the runtime is copied: {written:?}");
    for path in &written {
        let text = fs::read_to_string(path).expect("text");
        assert!(!text.to_lowercase().contains("cloudflare"), "{} names Cloudflare", path.display());
        assert!(!text.contains("realtimekit"), "{} names RealtimeKit", path.display());
    }
    let lib = fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs");
    for expected in [
        "//! A client of the Pets API (version 2.1.0).",
        "use pets_api_runtime as runtime;",
        r#"operations::API.user_agent(concat!("pets-api/", env!("CARGO_PKG_VERSION"))).env_prefix("PETS")"#,
        r#"Client::builder().api_token("token").basic_auth("user", "password").api_key("key", "key")"#,
        r#"///     "PETS_API_KEY" => Some("key".to_owned()),"#,
        "//! - `key`, an API key in the query parameter `api_key`",
    ] {
        assert!(lib.contains(expected), "lib.rs lacks {expected}:\n{lib}");
    }
    // The doc tests of the crate and of its runtime copy, built in the shared directory.
    let output = Command::new(env!("CARGO"))
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .args(["test", "--quiet", "--doc", "--workspace"])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "doc tests fail:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    // The crate's three examples ran (the spec's code block is prose, not a fourth).
    assert!(stdout.contains("test result: ok. 3 passed"), "{stdout}");
}

#[test]
fn a_published_security_example_generates_without_cloudflare() {
    let spec = tests::workspace_root().join("tests/neutral/3.0-security-multiple.yaml");
    let out = tempfile::tempdir().expect("temporary directory");
    xtask::codegen(&spec, out.path(), xtask::Mode::Write).unwrap_or_else(|message| panic!("{message}"));
    for path in files(out.path()) {
        let text = fs::read_to_string(&path).expect("text");
        assert!(!text.to_lowercase().contains("cloudflare"), "{} names Cloudflare", path.display());
    }
    let operations = fs::read_to_string(out.path().join("src/operations/general.rs")).expect("operations");
    for requirement in [
        r#"request.set_security(&[&["apiKey_header", "basic", "oauth2"]]);"#,
        r#"request.set_security(&[&["oauth2"], &["apiKey_header"]]);"#,
        r#"request.set_security(&[&["oauth2", "apiKey_header"], &["oauth2_alternate"]]);"#,
    ] {
        assert!(operations.contains(requirement), "{requirement} missing:\n{operations}");
    }
}

#[test]
fn the_identity_flags_reach_lib_rs() {
    let out = tempfile::tempdir().expect("temporary directory");
    let options = xtask::Options {
        name: Some("zoo".to_owned()),
        env_prefix: Some("ZOO_V2".to_owned()),
        user_agent: Some("zoo-client (+https://zoo.example)".to_owned()),
        description: Some("Animals, by keeper.".to_owned()),
        ..xtask::Options::default()
    };
    xtask::codegen_with(&spec(), out.path(), xtask::Mode::Write, &options)
        .unwrap_or_else(|message| panic!("{message}"));
    let lib = fs::read_to_string(out.path().join("src/lib.rs")).expect("lib.rs");
    for expected in [
        "//! A client of the Pets API (version 2.1.0).\n//!\n//! Animals, by keeper.\n",
        r#"operations::API.user_agent("zoo-client (+https://zoo.example)").env_prefix("ZOO_V2")"#,
        "ZOO_V2_API_TOKEN",
        "use zoo_runtime as runtime;",
    ] {
        assert!(lib.contains(expected), "lib.rs lacks {expected}:\n{lib}");
    }
    let manifest = fs::read_to_string(out.path().join("runtime/Cargo.toml")).expect("manifest");
    assert!(manifest.contains("name = \"zoo-runtime\""), "{manifest}");
    for (flag, value) in [("env_prefix", "zoo"), ("user_agent", "bad\nagent")] {
        let mut options = xtask::Options::default();
        match flag {
            "env_prefix" => options.env_prefix = Some(value.to_owned()),
            _ => options.user_agent = Some(value.to_owned()),
        }
        let error = xtask::codegen_with(&spec(), out.path(), xtask::Mode::Write, &options).expect_err(flag);
        assert!(error.contains(&format!("--{}", flag.replace('_', "-"))), "{error}");
    }
}
