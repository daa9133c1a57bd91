//! Generated crates compile: each fixture, and Cloudflare's own definition of all 61 RealtimeKit
//! operations (`tests/conformance/realtimekit-official-all.json`), are generated into standalone
//! crates under `target/` that must pass `cargo clippy -- -D warnings`; for the RealtimeKit
//! definition every operation must be present as a method.
//!
//! A spec split over several files (`tests/multi_file/`) is built the same way.
//! Published documents (`tests/specs/`: ReadMe's OpenAPI 3.0 and 3.1 examples and Redocly's
//! Museum API, see `tests/specs/SOURCE.md`) are generated and checked the same way.
//!
//! A crate with a cargo feature per group (`many_groups.yaml`) is also built with each feature
//! alone. The whole 2024 Cloudflare API is checked by `cargo xtask check-spec PATH`, which
//! `.ci/run` calls (with a sample of its features alone), because it takes minutes rather than
//! seconds. The `error_bodies.yaml` crate also runs a test of its typed error bodies against its
//! own mock server.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the generated crates and their shared build directory live.
fn scratch() -> PathBuf {
    tests::workspace_root().join("target/generated-crates")
}

/// Generates `spec` into a fresh crate directory named `name`; returns it and the report.
fn generate(spec: &Path, name: &str) -> (PathBuf, xtask::Report) {
    let out = scratch().join(name);
    let _ = fs::remove_dir_all(&out);
    let report = xtask::codegen(spec, &out, xtask::Mode::Write).unwrap_or_else(|message| panic!("{message}"));
    (out, report)
}

/// Runs clippy with warnings denied on a generated crate, its mock server included.
fn clippy(dir: &Path) {
    cargo(dir, &["clippy", "--quiet", "--features", "mock", "--", "-D", "warnings"]);
}

/// Runs a cargo command in a generated crate, which must succeed.
fn cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` fails in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_fixture_generates_a_crate_that_compiles_cleanly() {
    let fixtures = tests::workspace_root().join("tests/fixtures");
    let mut paths: Vec<PathBuf> = fs::read_dir(&fixtures).expect("fixtures").flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let (dir, report) = generate(path, &format!("fixture-{stem}"));
        clippy(&dir);
        // A crate with a feature per group also builds with each of them alone.
        xtask::build_features_alone(&dir, &scratch().join("target"), &report.features)
            .unwrap_or_else(|message| panic!("{message}"));
        if stem == "many_groups" {
            assert_eq!(report.features.len(), 18, "{:?}", report.features);
            assert!(report.features.contains(&"default_group".to_owned()), "{:?}", report.features);
        }
    }
    // The mock server of such a crate builds with one group's feature too.
    let dir = scratch().join("fixture-many_groups");
    cargo(&dir, &["check", "--quiet", "--no-default-features", "--features", "group_b,mock"]);
}

/// A spec split over several files (`tests/multi_file/`) builds with `--spec PATH --out DIR`.
#[test]
fn a_spec_in_several_files_generates_a_crate_that_compiles_cleanly() {
    let spec = tests::workspace_root().join("tests/multi_file/spec/api.yaml");
    let (dir, report) = generate(&spec, "multi-file");
    assert_eq!(report.warnings.len(), 5, "{:#?}", report.warnings);
    let models = fs::read_to_string(dir.join("src/models.rs")).expect("models");
    for name in ["Pet", "Owner", "Kind", "Tag", "Address", "NewOwner"] {
        assert!(models.contains(&format!(" {name} ")), "{name} is missing");
    }
    clippy(&dir);
}

#[test]
fn all_61_realtimekit_operations_generate_and_compile() {
    let spec = tests::workspace_root().join("tests/conformance/realtimekit-official-all.json");
    let (dir, report) = generate(&spec, "realtimekit-official-all");
    let warnings = &report.warnings;
    assert!(warnings.is_empty(), "the RealtimeKit definition needs no workaround: {warnings:#?}");

    let text = fs::read_to_string(&spec).expect("spec");
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut operations = Vec::new();
    for item in document["paths"].as_object().expect("paths").values() {
        for (method, operation) in item.as_object().expect("path item") {
            if ["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&method.as_str()) {
                operations.push(operation["operationId"].as_str().expect("operationId").to_owned());
            }
        }
    }
    assert_eq!(operations.len(), 61);
    let mut sources = String::new();
    for entry in fs::read_dir(dir.join("src/operations")).expect("operations").flatten() {
        sources.push_str(&fs::read_to_string(entry.path()).expect("source"));
    }
    for id in &operations {
        let method = format!("pub fn {}(", generator::naming::snake(id));
        assert!(sources.contains(&method), "operation {id} has no method `{method}`");
    }
    clippy(&dir);
}

#[test]
fn published_documents_generate_crates_that_compile_cleanly() {
    let specs = tests::workspace_root().join("tests/specs");
    let mut paths = Vec::new();
    for folder in fs::read_dir(&specs).expect("tests/specs").flatten().filter(|e| e.path().is_dir()) {
        let files = fs::read_dir(folder.path()).expect("a folder of specs").flatten().map(|e| e.path());
        paths.extend(files.filter(|p| p.extension().is_some_and(|e| e == "yaml")));
    }
    paths.sort();
    assert!(paths.len() >= 18, "{paths:?}");
    for path in &paths {
        let relative = path.strip_prefix(&specs).expect("under tests/specs").to_string_lossy().replace('\\', "/");
        let name = format!("published-{}", relative.trim_end_matches(".yaml").replace(['/', '.'], "-"));
        let (dir, report) = generate(path, &name);
        assert_eq!(report.operations_left_out, 0, "{relative}: {:#?}", report.warnings);
        clippy(&dir);
    }
}

/// A test of the `error_bodies.yaml` crate against its own mock server (a real local HTTP
/// server): each status decodes into the body documented for it.
const ERROR_BODIES_TEST: &str = r#"
use error_bodies::mock::MockServer;
use error_bodies::operations::things::GetThingError;
use serde_json::json;

#[tokio::test]
async fn each_status_decodes_into_the_body_documented_for_it() {
    let mock = MockServer::start().await;
    let not_found = json!({ "id": "t-1" });
    mock.things().get_thing().id("exact").respond_error(404, not_found).mount().await;
    mock.things().get_thing().id("class").respond_error(409, json!({ "message": "taken" })).mount().await;
    mock.things().get_thing().id("default").respond_error(503, json!({ "reason": "down" })).mount().await;
    mock.things().get_thing().id("shape").respond_error(404, json!({ "message": "no id" })).mount().await;
    let typed = GetThingError::NotFound(error_bodies::models::NotFound { id: "t-2".to_owned(), unknown_fields: Default::default() });
    mock.things().get_thing().id("typed").respond_error_with(404, typed.clone()).mount().await;
    mock.things().delete_thing().id("class").respond_error(502, json!({ "message": "bad gateway" })).mount().await;
    mock.things().list_things().respond_error(400, json!({ "message": "bad page" })).mount().await;
    let client = mock.client();
    let get = |id: &str| client.things().get_thing(id).max_retries(0).send();

    let error = get("exact").await.expect_err("a 404");
    assert!(matches!(error.body(), Some(GetThingError::NotFound(body)) if body.id == "t-1"), "{error:?}");
    let error = get("class").await.expect_err("a 409");
    assert!(matches!(error.body(), Some(GetThingError::Problem(body)) if body.message == "taken"), "{error:?}");
    let error = get("default").await.expect_err("a 503");
    let reason = match error.body() {
        Some(GetThingError::GetThingErrorDefault(body)) => body.reason.as_deref(),
        other => panic!("{other:?}"),
    };
    assert_eq!(reason, Some("down"));
    // A 404 body of another shape than the one documented for 404: no typed body.
    let error = get("shape").await.expect_err("a 404");
    assert!(error.body().is_none() && error.is_not_found(), "{error:?}");
    assert_eq!(error.message(), Some("no id"), "the generic parsing still applies");
    assert_eq!(get("typed").await.expect_err("a 404").into_body(), Some(typed));

    let error = client.things().delete_thing("class").max_retries(0).send().await.expect_err("a 502");
    assert_eq!(error.body().map(|body| body.message.as_str()), Some("bad gateway"));
    let error = client.things().list_things().send().await.expect_err("a 400");
    assert_eq!(error.body().map(|body| body.message.as_str()), Some("bad page"));
}

/// No JSON error body documented: the plain `Error` (checked by the compiler).
#[allow(dead_code)]
fn plain(
    client: &error_bodies::Client,
) -> impl std::future::Future<Output = Result<error_bodies::Response<error_bodies::models::Thing>, error_bodies::Error>> {
    client.things().create_thing().send()
}
"#;

#[test]
fn a_generated_crate_decodes_error_bodies_by_status() {
    let spec = tests::workspace_root().join("tests/fixtures/error_bodies.yaml");
    let (dir, _) = generate(&spec, "error-bodies-run");
    let manifest = dir.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).expect("manifest");
    text.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n");
    fs::write(&manifest, text).expect("manifest written");
    fs::create_dir_all(dir.join("tests")).expect("tests directory");
    fs::write(dir.join("tests/error_bodies.rs"), ERROR_BODIES_TEST).expect("test written");
    cargo(&dir, &["test", "--quiet", "--features", "mock", "--test", "error_bodies"]);
}
