//! Table tests of the change report: pairs of listings and the report lines they give.

use super::{diff::diff, parse};

/// The report lines from the listing `old` to the listing `new` (given as their entry lines).
fn report(old: &str, new: &str) -> Vec<String> {
    let block = |lines: &str| format!("# API\n\n```text\n{lines}\n```\n");
    let old = parse(&block(old)).unwrap_or_else(|error| panic!("old: {error}"));
    let new = parse(&block(new)).unwrap_or_else(|error| panic!("new: {error}"));
    diff(&old, &new).iter().map(ToString::to_string).collect()
}

const OPERATION: &str = "\
group meetings: Meetings
operation meetings.list_meetings: GET /meetings -> MeetingsPage; builder ListMeetings
parameter meetings.list_meetings.account_id: required path String; wire \"account_id\"
parameter meetings.list_meetings.page_no: optional query u64; wire \"page_no\"";

#[test]
fn an_unchanged_listing_reports_nothing() {
    assert_eq!(report(OPERATION, OPERATION), Vec::<String>::new());
}

#[test]
fn parameters() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "optional query u64; wire \"page_no\"",
            "required query u64; wire \"page_no\"",
            &["parameter meetings.list_meetings.page_no became required (breaking)"],
        ),
        (
            "required path String; wire \"account_id\"",
            "optional path String; wire \"account_id\"",
            &["parameter meetings.list_meetings.account_id became optional (breaking)"],
        ),
        (
            "optional query u64; wire \"page_no\"",
            "optional query i64; wire \"page_no\"",
            &["parameter meetings.list_meetings.page_no type changed from u64 to i64 (breaking)"],
        ),
        (
            "optional query u64; wire \"page_no\"",
            "optional header u64; wire \"page\"",
            &[
                "parameter meetings.list_meetings.page_no location changed from query to header (compatible)",
                "parameter meetings.list_meetings.page_no wire name changed from \"page_no\" to \"page\" (compatible)",
            ],
        ),
        (
            "optional query u64; wire \"page_no\"",
            "optional query u64; wire \"page_no\"\n\
             parameter meetings.list_meetings.search: optional query String; wire \"search\"",
            &["parameter meetings.list_meetings.search added, optional (compatible)"],
        ),
        (
            "optional query u64; wire \"page_no\"",
            "optional query u64; wire \"page_no\"\n\
             parameter meetings.list_meetings.app_id: required query String; wire \"app_id\"",
            &["parameter meetings.list_meetings.app_id added, required (breaking)"],
        ),
    ];
    for (before, after, expected) in cases {
        assert_eq!(report(OPERATION, &OPERATION.replace(before, after)), *expected, "{before} -> {after}");
    }
    let without_page = OPERATION.lines().take(3).collect::<Vec<_>>().join("\n");
    assert_eq!(report(OPERATION, &without_page), ["parameter meetings.list_meetings.page_no removed (breaking)"]);
}

#[test]
fn reordered_arguments_are_breaking() {
    let old = "operation a.get: GET /x/{a}/{b} -> (); builder Get
parameter a.get.a: required path String; wire \"a\"
parameter a.get.b: required path String; wire \"b\"
parameter a.get.c: optional query String; wire \"c\"";
    let new = "operation a.get: GET /x/{b}/{a} -> (); builder Get
parameter a.get.b: required path String; wire \"b\"
parameter a.get.a: required path String; wire \"a\"
parameter a.get.c: optional query String; wire \"c\"";
    assert_eq!(
        report(old, new),
        [
            "operation a.get path changed from /x/{a}/{b} to /x/{b}/{a} (compatible)",
            "operation a.get arguments reordered from (a, b) to (b, a) (breaking)",
        ]
    );
}

#[test]
fn operations_and_groups() {
    let more = format!(
        "{OPERATION}\noperation meetings.get_meeting: GET /meetings/{{id}} -> Meeting; builder GetMeeting\n\
         parameter meetings.get_meeting.id: required path String; wire \"id\""
    );
    // The parameters of a new or removed operation are covered by its line.
    assert_eq!(report(OPERATION, &more), ["operation meetings.get_meeting added (compatible)"]);
    assert_eq!(report(&more, OPERATION), ["operation meetings.get_meeting removed (breaking)"]);
    let changed = OPERATION.replace(
        "GET /meetings -> MeetingsPage; builder ListMeetings",
        "POST /meetings/list -> MeetingList; builder ListMeetings2; stream() yields Meeting",
    );
    assert_eq!(
        report(OPERATION, &changed),
        [
            "operation meetings.list_meetings HTTP method changed from GET to POST (compatible)",
            "operation meetings.list_meetings path changed from /meetings to /meetings/list (compatible)",
            "operation meetings.list_meetings response type changed from MeetingsPage to MeetingList (breaking)",
            "operation meetings.list_meetings builder type changed from ListMeetings to ListMeetings2 (breaking)",
            "operation meetings.list_meetings gained stream() of Meeting (compatible)",
        ]
    );
    let streams = OPERATION.replace("builder ListMeetings", "builder ListMeetings; stream() yields Meeting");
    assert_eq!(report(&streams, OPERATION), ["operation meetings.list_meetings lost stream() (breaking)"]);
    assert_eq!(
        report(&streams, &streams.replace("yields Meeting", "yields Participant")),
        ["operation meetings.list_meetings stream() item type changed from Meeting to Participant (breaking)"]
    );
    let other_group = "group sessions: Sessions\noperation sessions.get: GET /s -> (); builder Get";
    assert_eq!(report(OPERATION, &format!("{OPERATION}\n{other_group}")), ["group sessions added (compatible)"]);
    assert_eq!(report(&format!("{other_group}\n{OPERATION}"), OPERATION), ["group sessions removed (breaking)"]);
    let gated = OPERATION.replace("group meetings: Meetings", "group meetings: MeetingsApi; feature \"meetings\"");
    assert_eq!(
        report(OPERATION, &gated),
        [
            "group meetings handle type changed from Meetings to MeetingsApi (breaking)",
            "group meetings cargo feature changed from none to \"meetings\" (breaking)",
        ]
    );
}

#[test]
fn bodies() {
    let without = "operation a.create: POST /a -> (); builder Create";
    let required = format!("{without}\nbody a.create: required NewA; \"application/json\"");
    let optional = format!("{without}\nbody a.create: optional NewA; \"application/json\"");
    assert_eq!(report(without, &required), ["body a.create added, required (breaking)"]);
    assert_eq!(report(without, &optional), ["body a.create added, optional (compatible)"]);
    assert_eq!(report(&optional, without), ["body a.create removed (breaking)"]);
    assert_eq!(report(&required, &optional), ["body a.create became optional (breaking)"]);
    assert_eq!(
        report(&required, &required.replace("NewA; \"application/json\"", "NewB; \"application/merge-patch+json\"")),
        [
            "body a.create type changed from NewA to NewB (breaking)",
            "body a.create media type changed from \"application/json\" to \"application/merge-patch+json\" (compatible)",
        ]
    );
}

#[test]
fn body_encodings() {
    let operation = "operation a.create: POST /a -> (); builder Create";
    let plain = format!("{operation}\nbody a.create: required NewA; \"application/x-www-form-urlencoded\"");
    let deep = format!("{plain}; encoding \"meta\" deepObject");
    let piped = format!("{plain}; encoding \"meta\" pipeDelimited");
    assert_eq!(
        report(&plain, &deep),
        ["body a.create encoding changed from none to encoding \"meta\" deepObject (compatible)"]
    );
    assert_eq!(
        report(&deep, &piped),
        [
            "body a.create encoding changed from encoding \"meta\" deepObject to encoding \"meta\" pipeDelimited (compatible)"
        ]
    );
    assert_eq!(report(&deep, &deep), Vec::<String>::new());
}

const STRUCTS: &str = "\
struct CreateMeeting: request, Default
field CreateMeeting.title: optional String; wire \"title\"
struct Meeting
field Meeting.id: required String; wire \"id\"
field Meeting.title: optional String; wire \"title\"";

#[test]
fn fields() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("field Meeting.title: optional String; wire \"title\"", "", &["field Meeting.title removed (breaking)"]),
        (
            "field Meeting.title: optional String",
            "field Meeting.title: required String",
            &["field Meeting.title became required (breaking)"],
        ),
        (
            "field Meeting.id: required String",
            "field Meeting.id: required Uuid",
            &["field Meeting.id type changed from String to Uuid (breaking)"],
        ),
        (
            "field Meeting.id: required String; wire \"id\"",
            "field Meeting.id: required String; wire \"ID\"",
            &["field Meeting.id wire name changed from \"id\" to \"ID\" (compatible)"],
        ),
        // A struct only responses use is read, not built: new fields are compatible.
        (
            "wire \"id\"",
            "wire \"id\"\nfield Meeting.status: optional Status; wire \"status\"",
            &["field Meeting.status added, optional (compatible)"],
        ),
        (
            "wire \"id\"",
            "wire \"id\"\nfield Meeting.host: required String; wire \"host\"",
            &["field Meeting.host added, required (compatible)"],
        ),
        // Callers write request structs as literals: any new field breaks them.
        (
            "struct Meeting\n",
            "field CreateMeeting.status: optional Status; wire \"status\"\nstruct Meeting\n",
            &["field CreateMeeting.status added, optional, to a request type (breaking)"],
        ),
        (
            "struct CreateMeeting: request, Default",
            "struct CreateMeeting: request",
            &["struct CreateMeeting no longer implements Default (breaking)"],
        ),
        ("struct Meeting\n", "struct Meeting: request\n", &["struct Meeting is now used in requests (compatible)"]),
        // The map of unknown properties is a field like any other: it breaks request literals.
        (
            "struct Meeting\n",
            "field CreateMeeting.unknown_fields: required crate::UnknownFields; other properties\nstruct Meeting\n",
            &["field CreateMeeting.unknown_fields added, required, to a request type (breaking)"],
        ),
        (
            "field Meeting.title: optional String; wire \"title\"",
            "field Meeting.title: optional String; wire \"title\"\n\
             field Meeting.unknown_fields: required crate::UnknownFields; other properties",
            &["field Meeting.unknown_fields added, required (compatible)"],
        ),
        (
            "field Meeting.title: optional String",
            "field Meeting.title: optional crate::Timestamp",
            &["field Meeting.title type changed from String to crate::Timestamp (breaking)"],
        ),
    ];
    for (before, after, expected) in cases {
        let new = STRUCTS.replace(before, after);
        assert_ne!(new, STRUCTS, "{before} is in the listing");
        let new: String = new.lines().filter(|line| !line.is_empty()).map(|line| format!("{line}\n")).collect();
        assert_eq!(report(STRUCTS, new.trim_end()), *expected, "{before} -> {after}");
    }
}

#[test]
fn types() {
    let meeting = "struct Meeting\nfield Meeting.id: required String; wire \"id\"";
    // The members of a new, removed or changed type are covered by its line.
    assert_eq!(report(STRUCTS, &format!("{STRUCTS}\nalias Ids: Vec<String>")), ["alias Ids added (compatible)"]);
    assert_eq!(report(meeting, ""), ["struct Meeting removed (breaking)"]);
    assert_eq!(
        report(meeting, "alias Meeting: serde_json::Value"),
        ["type Meeting changed from struct to alias (breaking)"]
    );
    assert_eq!(
        report("alias Ids: Vec<String>", "alias Ids: Vec<i64>"),
        ["alias Ids target changed from Vec<String> to Vec<i64> (breaking)"]
    );
    // A newtype is built and matched as `Tree(..)`, an alias as its target: the kind changed.
    assert_eq!(
        report("alias Tree: Vec<Tree>", "newtype Tree: Vec<Tree>"),
        ["type Tree changed from alias to newtype (breaking)"]
    );
    assert_eq!(
        report("newtype Tree: Vec<Tree>", "newtype Tree: BTreeMap<String, Tree>"),
        ["newtype Tree target changed from Vec<Tree> to BTreeMap<String, Tree> (breaking)"]
    );
}

const ENUM: &str = "\
enum MeetingStatus: catch-all Unknown
value MeetingStatus::Active: \"ACTIVE\"
value MeetingStatus::Inactive: \"INACTIVE\"";

#[test]
fn enum_values() {
    let added = format!("{ENUM}\nvalue MeetingStatus::Archived: \"ARCHIVED\"");
    assert_eq!(report(ENUM, &added), ["enum value MeetingStatus::Archived added (compatible)"]);
    assert_eq!(report(&added, ENUM), ["enum value MeetingStatus::Archived removed (breaking)"]);
    assert_eq!(
        report(ENUM, &ENUM.replace("\"ACTIVE\"", "\"active\"")),
        ["enum value MeetingStatus::Active wire value changed from \"ACTIVE\" to \"active\" (compatible)"]
    );
    assert_eq!(
        report(ENUM, &ENUM.replace("catch-all Unknown", "catch-all Unknown2")),
        ["enum MeetingStatus catch-all variant changed from Unknown to Unknown2 (breaking)"]
    );
}

#[test]
fn union_variants() {
    let union = "union Pet: catch-all Unknown; tag \"kind\"\nvariant Pet::Dog: Dog; tags \"dog\"";
    let more = format!("{union}\nvariant Pet::Cat: Cat; tags \"cat\"");
    // Unions are exhaustive enums: a new variant breaks a `match`.
    assert_eq!(report(union, &more), ["union variant Pet::Cat added (breaking)"]);
    assert_eq!(report(&more, union), ["union variant Pet::Cat removed (breaking)"]);
    assert_eq!(
        report(union, &union.replace("Dog; tags \"dog\"", "Hound; tags \"dog\", \"hound\"")),
        [
            "union variant Pet::Dog type changed from Dog to Hound (breaking)",
            "union variant Pet::Dog tag values changed from \"dog\" to \"dog\", \"hound\" (compatible)",
        ]
    );
    assert_eq!(
        report("union Id: untagged; Display\nvariant Id::I64: i64", "union Id: untagged\nvariant Id::I64: i64"),
        ["union Id no longer implements Display (breaking)"]
    );
}

#[test]
fn a_removed_item_is_reported_where_it_was() {
    let old = "struct A\nfield A.x: required String; wire \"x\"\nstruct B\nfield B.y: required String; wire \"y\"";
    let new = "struct A\nstruct B\nfield B.y: required i64; wire \"y\"\nfield B.z: optional String; wire \"z\"";
    assert_eq!(
        report(old, new),
        [
            "field A.x removed (breaking)",
            "field B.y type changed from String to i64 (breaking)",
            "field B.z added, optional (compatible)",
        ]
    );
}

#[test]
fn error_bodies_scopes_and_items() {
    let old = "\
group meetings: Meetings
operation meetings.get_meeting: GET /meetings/{id} -> Meeting; builder GetMeeting
struct MeetingsPage";
    let new = "\
scope scope: Scope; binds account_id String
group meetings: Meetings; scoped ScopedMeetings
operation meetings.get_meeting: GET /meetings/{id} -> Meeting; builder GetMeeting; errors GetMeetingError
error meetings.get_meeting.404: NotFound; variant NotFound
error meetings.get_meeting.default: Problem; variant Problem
struct MeetingsPage: items()";
    assert_eq!(
        report(old, new),
        [
            "scope scope added (compatible)",
            "group meetings gained the scoped handle ScopedMeetings (compatible)",
            "operation meetings.get_meeting error body type changed from none to GetMeetingError (breaking)",
            "error body meetings.get_meeting.404 added (compatible)",
            "error body meetings.get_meeting.default added (compatible)",
            "struct MeetingsPage gained items() (compatible)",
        ]
    );
    let changed = new.replace("404: NotFound; variant NotFound", "404: Gone; variant Gone");
    assert_eq!(
        report(new, &changed),
        [
            "error body meetings.get_meeting.404 type changed from NotFound to Gone (breaking)",
            "error body meetings.get_meeting.404 variant changed from NotFound to Gone (breaking)",
        ]
    );
    let lost = new.replace("scope scope: Scope; binds account_id String\n", "").replace("; scoped ScopedMeetings", "");
    assert_eq!(
        report(new, &lost),
        ["scope scope removed (breaking)", "group meetings lost its scoped handle (breaking)"]
    );
}

#[test]
fn security_schemes_and_requirements() {
    let base = "scheme \"bearer\": bearer\nscheme \"key: 1\": api key; header \"X-Key\"\n\
                group pets: Pets\noperation pets.list: GET /pets -> (); builder List\nsecurity pets.list: \"bearer\"";
    assert_eq!(report(base, base), Vec::<String>::new());
    // An alternative more is compatible; a scheme needed besides, or instead, is not.
    let either = base.replace("security pets.list: \"bearer\"", "security pets.list: \"bearer\" or \"key: 1\"");
    assert_eq!(
        report(base, &either),
        ["security requirement of pets.list changed from \"bearer\" to \"bearer\" or \"key: 1\" (compatible)"]
    );
    assert_eq!(
        report(&either, base),
        ["security requirement of pets.list changed from \"bearer\" or \"key: 1\" to \"bearer\": a client with the \
             old credentials may lack the new (breaking)"]
    );
    let both = base.replace("security pets.list: \"bearer\"", "security pets.list: \"bearer\" and \"key: 1\"");
    assert_eq!(report(base, &both).len(), 1);
    assert!(report(base, &both)[0].ends_with("(breaking)"));
    let open = base.replace("security pets.list: \"bearer\"", "security pets.list: none");
    assert!(report(base, &open)[0].ends_with("(compatible)"));
    assert!(report(&open, base)[0].ends_with("(breaking)"));
    // Schemes: a removed one (its credential is refused by `build()`) and a changed kind break;
    // a key sent elsewhere does not.
    let without = base.replace("scheme \"key: 1\": api key; header \"X-Key\"\n", "");
    assert_eq!(report(base, &without), ["security scheme \"key: 1\" removed (breaking)"]);
    assert_eq!(report(&without, base), ["security scheme \"key: 1\" added (compatible)"]);
    let moved = base.replace("header \"X-Key\"", "query \"key\"");
    assert_eq!(
        report(base, &moved),
        ["security scheme \"key: 1\" place changed from header \"X-Key\" to query \"key\" (compatible)"]
    );
    let basic = base.replace("scheme \"bearer\": bearer", "scheme \"bearer\": basic");
    assert_eq!(report(base, &basic), ["security scheme \"bearer\" kind changed from bearer to basic (breaking)"]);
}
