//! The breaking-change report end to end: `cargo xtask codegen` runs on one spec and then on a
//! changed copy of it, and the report it gives is compared line by line; `api-diff` reads the
//! listing committed in a git repository.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec every case starts from: a response-only struct, a request body, an enum and a union.
const SPEC: &str = r##"openapi: 3.0.3
info: {title: Meetings, version: '1'}
paths:
  /meetings:
    get:
      operationId: list_meetings
      tags: [Meetings]
      parameters:
        - {name: page_no, in: query, schema: {type: integer, minimum: 0}}
      responses:
        '200':
          description: The meetings.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Meeting'}}
    post:
      operationId: create_meeting
      tags: [Meetings]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewMeeting'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Meeting'}
components:
  schemas:
    Meeting:
      type: object
      required: [id]
      properties:
        id: {type: string}
        title: {type: string}
        status: {$ref: '#/components/schemas/MeetingStatus'}
        host: {$ref: '#/components/schemas/Host'}
    NewMeeting:
      type: object
      properties:
        title: {type: string}
    MeetingStatus:
      type: string
      enum: [ACTIVE, INACTIVE]
    Host:
      oneOf:
        - {type: string}
        - {type: integer}
"##;

/// Runs `codegen` on `SPEC`, then on `SPEC` with `find` replaced by `replace`, into a crate of
/// its own, and returns the report lines of the second run.
fn report(case: &str, find: &str, replace: &str) -> Vec<String> {
    report_edits(case, &[(find, replace)])
}

/// [`report`] with several edits of the spec.
fn report_edits(case: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let mut changed = SPEC.to_owned();
    for (find, replace) in edits {
        assert!(changed.contains(find), "{case}: the spec has no {find:?}");
        changed = changed.replacen(find, replace, 1);
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-diff").join(case);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch directory");
    let spec = dir.join("spec.yaml");
    let out = dir.join("crate");
    fs::write(&spec, SPEC).expect("spec written");
    let first = xtask::codegen(&spec, &out, xtask::Mode::Write).expect("the spec generates");
    assert!(first.api_changes.is_empty(), "{case}: no report without a listing before");
    fs::write(&spec, changed).expect("spec written");
    let second = xtask::codegen(&spec, &out, xtask::Mode::Write).expect("the changed spec generates");
    assert!(second.changed.iter().any(|path| path == "API.md"), "{case}: the listing changed");
    second.api_changes.iter().map(ToString::to_string).collect()
}

#[test]
fn a_removed_field_is_breaking() {
    assert_eq!(
        report("field_removed", "        title: {type: string}\n        status", "        status"),
        ["field Meeting.title removed (breaking)"]
    );
}

#[test]
fn a_parameter_made_required_is_breaking() {
    assert_eq!(
        report("parameter_required", "{name: page_no, in: query,", "{name: page_no, in: query, required: true,"),
        ["parameter meetings.list_meetings.page_no became required (breaking)"]
    );
}

#[test]
fn a_changed_type_is_breaking() {
    assert_eq!(
        report("type_changed", "id: {type: string}", "id: {type: integer}"),
        ["field Meeting.id type changed from String to i64 (breaking)"]
    );
    assert_eq!(
        report("field_required", "required: [id]", "required: [id, title]"),
        ["field Meeting.title became required (breaking)"]
    );
}

#[test]
fn an_added_enum_value_is_compatible_and_a_removed_one_breaking() {
    assert_eq!(
        report("enum_value_added", "enum: [ACTIVE, INACTIVE]", "enum: [ACTIVE, INACTIVE, ARCHIVED]"),
        ["enum value MeetingStatus::Archived added (compatible)"]
    );
    assert_eq!(
        report("enum_value_removed", "enum: [ACTIVE, INACTIVE]", "enum: [ACTIVE]"),
        ["enum value MeetingStatus::Inactive removed (breaking)"]
    );
}

#[test]
fn an_added_operation_is_compatible() {
    let added = "  /meetings/{meeting_id}:
    get:
      operationId: get_meeting
      tags: [Meetings]
      parameters:
        - {name: meeting_id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The meeting.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Meeting'}
components:";
    assert_eq!(report("operation_added", "components:", added), ["operation meetings.get_meeting added (compatible)"]);
}

#[test]
fn added_parameters_break_only_when_required() {
    let optional = "- {name: search, in: query, schema: {type: string}}\n        - {name: page_no";
    assert_eq!(
        report("optional_parameter_added", "- {name: page_no", optional),
        ["parameter meetings.list_meetings.search added, optional (compatible)"]
    );
    let required = "- {name: X-Account, in: header, required: true, schema: {type: string}}\n        - {name: page_no";
    assert_eq!(
        report("required_parameter_added", "- {name: page_no", required),
        ["parameter meetings.list_meetings.x_account added, required (breaking)"]
    );
}

#[test]
fn new_fields_break_request_types_only() {
    // `Meeting` comes only in responses: callers read it and do not build it.
    assert_eq!(
        report("response_field_added", "        host:", "        started_at: {type: string}\n        host:"),
        ["field Meeting.started_at added, optional (compatible)"]
    );
    // `NewMeeting` is a request body that callers write as a struct literal.
    assert_eq!(
        report(
            "request_field_added",
            "        title: {type: string}\n    MeetingStatus",
            "        title: {type: string}\n        private: {type: boolean}\n    MeetingStatus"
        ),
        ["field NewMeeting.private added, optional, to a request type (breaking)"]
    );
}

#[test]
fn union_variants_and_types() {
    assert_eq!(
        report(
            "union_variant_added",
            "        - {type: integer}\n",
            "        - {type: integer}\n        - {type: boolean}\n"
        ),
        ["union variant Host::Bool added (breaking)"]
    );
    // The variants of a removed type are covered by its line.
    let host_field = "        host: {$ref: '#/components/schemas/Host'}\n";
    let host_schema = "    Host:\n      oneOf:\n        - {type: string}\n        - {type: integer}\n";
    assert_eq!(
        report_edits("type_removed", &[(host_field, ""), (host_schema, "")]),
        ["field Meeting.host removed (breaking)", "union Host removed (breaking)"]
    );
    assert_eq!(
        report(
            "type_kind_changed",
            "      oneOf:\n        - {type: string}\n        - {type: integer}\n",
            "      type: string\n"
        ),
        ["type Host changed from union to alias (breaking)"]
    );
}

#[test]
fn several_changes_come_in_listing_order() {
    let changed = SPEC
        .replace("{name: page_no, in: query,", "{name: page_no, in: query, required: true,")
        .replace("enum: [ACTIVE, INACTIVE]", "enum: [ACTIVE, INACTIVE, ARCHIVED]");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-diff/several");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch directory");
    let spec = dir.join("spec.yaml");
    fs::write(&spec, SPEC).expect("spec written");
    xtask::codegen(&spec, &dir.join("crate"), xtask::Mode::Write).expect("the spec generates");
    fs::write(&spec, changed).expect("spec written");
    let run = xtask::codegen(&spec, &dir.join("crate"), xtask::Mode::Write).expect("the changed spec generates");
    let lines: Vec<String> = run.api_changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "parameter meetings.list_meetings.page_no became required (breaking)",
            "enum value MeetingStatus::Archived added (compatible)",
        ]
    );
    assert_eq!(xtask::api_diff::Verdict::of(&run.api_changes), xtask::api_diff::Verdict::Breaking);
    let again = xtask::codegen(&spec, &dir.join("crate"), xtask::Mode::Write).expect("generates");
    assert!(again.api_changes.is_empty(), "nothing to report when nothing changed");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// A git repository laid out like this workspace, with `SPEC` and its listing committed.
fn repository(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-diff-git").join(name);
    let _ = fs::remove_dir_all(&root);
    let spec = root.join(xtask::DEFAULT_SPEC);
    fs::create_dir_all(spec.parent().expect("spec/")).expect("a scratch repository");
    fs::write(&spec, SPEC).expect("spec written");
    let output = generator::generate(SPEC, xtask::DEFAULT_SPEC).expect("the spec generates");
    let listing = output.files.iter().find(|file| file.path == generator::listing::PATH).expect("a listing");
    fs::create_dir_all(root.join(xtask::DEFAULT_OUT)).expect("generated/");
    fs::write(root.join(xtask::DEFAULT_OUT).join("API.md"), &listing.contents).expect("listing written");
    git(&root, &["init", "--quiet"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "--quiet", "-m", "base"]);
    root
}

#[test]
fn api_diff_compares_the_working_tree_with_the_listing_at_a_revision() {
    let root = repository("working_tree");
    let changes = xtask::api_diff::against_revision(&root, "HEAD").expect("compares");
    assert_eq!(xtask::api_diff::Verdict::of(&changes), xtask::api_diff::Verdict::Unchanged);
    fs::write(
        root.join(xtask::DEFAULT_SPEC),
        SPEC.replace("enum: [ACTIVE, INACTIVE]", "enum: [ACTIVE, INACTIVE, ARCHIVED]"),
    )
    .expect("spec written");
    let changes = xtask::api_diff::against_revision(&root, "HEAD").expect("compares");
    let lines: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert_eq!(lines, ["enum value MeetingStatus::Archived added (compatible)"]);
    assert_eq!(xtask::api_diff::Verdict::of(&changes), xtask::api_diff::Verdict::Compatible);
    let error = xtask::api_diff::against_revision(&root, "no-such-revision").expect_err("an unknown revision");
    assert!(error.starts_with("cannot read generated/API.md at no-such-revision"), "{error}");
}
