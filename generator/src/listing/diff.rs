//! Compares two listings and says, item by item, what changed and whether it breaks the crate's
//! users, by Rust's semver rules applied to the code the generator emits (ARCHITECTURE.md,
//! "Semver policy"):
//!
//! - Removing or renaming anything, changing a type, and making a parameter, body or field
//!   required or optional (an argument moves between the method and a setter; `Option<T>` and
//!   `T` differ) are breaking.
//! - Enums are open and `#[non_exhaustive]`: a new value is compatible. Unions are plain enums, so
//!   a new variant breaks exhaustive matches.
//! - Structs are exhaustive so that callers can write them as literals: a new field breaks a
//!   struct that requests use (`request` in the listing). A struct that only responses use is
//!   read, not built, and may gain fields in a compatible release.
//! - What changes only on the wire (wire names, paths, HTTP methods, query styles, media types)
//!   is compatible for the Rust code; the report still names it.
//! - Credentials: a removed security scheme, or one of another kind, breaks the client
//!   configuration that sets its credential; an operation's requirement breaks unless every old
//!   alternative still covers a new one (a client configured for the old requirement can send the
//!   new), so a new alternative or a dropped requirement is compatible.
//!
//! Items inside an added or removed parent (the parameters of a new operation, the fields of a
//! removed struct) are covered by the parent's line and not listed again.

use super::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One reported change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether it breaks code written against the old crate.
    pub breaking: bool,
    /// What changed, naming the item, e.g. `field Meeting.title removed`.
    pub text: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.text, if self.breaking { "breaking" } else { "compatible" })
    }
}

/// What identifies an entry across listings: its kind (types of every kind share one, so that a
/// struct that became an enum is one changed type), the name of its parent (or its own name) and
/// its own name within the parent. Borrowed, so that comparing large listings allocates little.
type Identity<'a> = (&'static str, &'a str, &'a str);

fn identity(entry: &Entry) -> Identity<'_> {
    match entry {
        Entry::Scheme { name, .. } => ("scheme", name, ""),
        Entry::Security { operation, .. } => ("security", operation, ""),
        Entry::Scope { method, .. } => ("scope", method, ""),
        Entry::Group { module, .. } => ("group", module, ""),
        Entry::Operation { name, .. } => ("operation", name, ""),
        Entry::ErrorBody { operation, status, .. } => ("error", operation, status),
        Entry::Parameter { operation, name, .. } => ("parameter", operation, name),
        Entry::Body { operation, .. } => ("body", operation, ""),
        Entry::Struct { name, .. }
        | Entry::Enum { name, .. }
        | Entry::Union { name, .. }
        | Entry::Alias { name, .. } => ("type", name, ""),
        Entry::Field { parent, name, .. } => ("field", parent, name),
        Entry::Value { parent, name, .. } => ("value", parent, name),
        Entry::Variant { parent, name, .. } => ("variant", parent, name),
    }
}

/// The identity of the entry an entry belongs to.
fn parent(entry: &Entry) -> Option<Identity<'_>> {
    match entry {
        Entry::Operation { name, .. } => name.split_once('.').map(|(group, _)| ("group", group, "")),
        Entry::Parameter { operation, .. }
        | Entry::Body { operation, .. }
        | Entry::ErrorBody { operation, .. }
        | Entry::Security { operation, .. } => Some(("operation", operation, "")),
        Entry::Field { parent, .. } | Entry::Value { parent, .. } | Entry::Variant { parent, .. } => {
            Some(("type", parent, ""))
        }
        _ => None,
    }
}

/// The item's name as a report writes it: `meetings.list_meetings.page_no`, `Meeting.title`,
/// `MeetingStatus::Active`.
fn name(entry: &Entry) -> String {
    match entry {
        Entry::Parameter { operation: parent, name, .. }
        | Entry::Field { parent, name, .. }
        | Entry::ErrorBody { operation: parent, status: name, .. } => format!("{parent}.{name}"),
        Entry::Value { parent, name, .. } | Entry::Variant { parent, name, .. } => format!("{parent}::{name}"),
        _ => identity(entry).1.to_owned(),
    }
}

/// The word a report uses for an entry's kind.
fn kind(entry: &Entry) -> &'static str {
    match entry {
        Entry::Scheme { .. } => "security scheme",
        Entry::Security { .. } => "security requirement of",
        Entry::Scope { .. } => "scope",
        Entry::Group { .. } => "group",
        Entry::Operation { .. } => "operation",
        Entry::ErrorBody { .. } => "error body",
        Entry::Parameter { .. } => "parameter",
        Entry::Body { .. } => "body",
        Entry::Struct { .. } => "struct",
        Entry::Enum { .. } => "enum",
        Entry::Union { .. } => "union",
        Entry::Alias { newtype: false, .. } => "alias",
        Entry::Alias { newtype: true, .. } => "newtype",
        Entry::Field { .. } => "field",
        Entry::Value { .. } => "enum value",
        Entry::Variant { .. } => "union variant",
    }
}

/// The changes from `old` to `new`, in the listing's order (a removed item where it was).
pub fn diff(old: &[Entry], new: &[Entry]) -> Vec<Change> {
    let old_index: HashMap<Identity<'_>, usize> = old.iter().enumerate().map(|(i, e)| (identity(e), i)).collect();
    let new_index: HashMap<Identity<'_>, usize> = new.iter().enumerate().map(|(i, e)| (identity(e), i)).collect();
    let old_to_new: Vec<Option<usize>> = old.iter().map(|e| new_index.get(&identity(e)).copied()).collect();
    let new_to_old: Vec<Option<usize>> = new.iter().map(|e| old_index.get(&identity(e)).copied()).collect();
    // Entries whose members are covered by their own line: added, removed, or of another kind.
    let mut covered: HashSet<Identity<'_>> = HashSet::new();
    for (entry, there) in old.iter().zip(&old_to_new) {
        if there.is_none() {
            covered.insert(identity(entry));
        }
    }
    for (entry, there) in new.iter().zip(&new_to_old) {
        match there.and_then(|i| old.get(i)) {
            Some(before) if kind(before) == kind(entry) => {}
            _ => {
                covered.insert(identity(entry));
            }
        }
    }
    let (old_arguments, new_arguments) = (positional(old), positional(new));
    let reported = |entry: &Entry| parent(entry).is_none_or(|parent| !covered.contains(&parent));

    // Each change gets a position in the new listing; a removed entry goes before the first entry
    // after it that is still there.
    let mut changes: Vec<((usize, u8, usize), Change)> = Vec::new();
    let mut anchor = new.len();
    for (i, (entry, there)) in old.iter().zip(&old_to_new).enumerate().rev() {
        match there {
            Some(j) => anchor = *j,
            None if reported(entry) => changes.push(((anchor, 0, i), removed(entry))),
            None => {}
        }
    }
    for (j, (entry, there)) in new.iter().zip(&new_to_old).enumerate() {
        let Some(before) = there.and_then(|i| old.get(i)) else {
            if reported(entry) {
                changes.push(((j, 1, 0), added(entry, old, &old_index)));
            }
            continue;
        };
        // Most entries are unchanged: compare before wording anything.
        let mut found = if before == entry { Vec::new() } else { changed(before, entry) };
        if let Entry::Operation { name, .. } = entry {
            found.extend(reordered(name, &old_arguments, &new_arguments));
        }
        changes.extend(found.into_iter().map(|change| ((j, 1, 0), change)));
    }
    changes.sort_by_key(|(position, _)| *position);
    changes.into_iter().map(|(_, change)| change).collect()
}

fn breaking(text: String) -> Change {
    Change { breaking: true, text }
}

fn compatible(text: String) -> Change {
    Change { breaking: false, text }
}

fn removed(entry: &Entry) -> Change {
    breaking(format!("{} {} removed", kind(entry), name(entry)))
}

fn added(entry: &Entry, old: &[Entry], old_index: &HashMap<Identity<'_>, usize>) -> Change {
    let text = format!("{} {} added", kind(entry), name(entry));
    match entry {
        Entry::Parameter { required: true, .. } | Entry::Body { required: true, .. } => {
            breaking(format!("{text}, required"))
        }
        Entry::Parameter { required: false, .. } | Entry::Body { required: false, .. } => {
            compatible(format!("{text}, optional"))
        }
        Entry::Field { parent, required, .. } => {
            let text = format!("{text}, {}", if *required { "required" } else { "optional" });
            let built_by_callers = old_index
                .get(&("type", parent.as_str(), ""))
                .and_then(|&i| old.get(i))
                .is_some_and(|parent| matches!(parent, Entry::Struct { request: true, .. }));
            if built_by_callers { breaking(format!("{text}, to a request type")) } else { compatible(text) }
        }
        // Union variants break exhaustive matches.
        Entry::Variant { .. } => breaking(text),
        _ => compatible(text),
    }
}

/// The changes of one entry present in both listings.
fn changed(old: &Entry, new: &Entry) -> Vec<Change> {
    let name = name(new);
    let mut found = Found { kind: kind(new), name: &name, changes: Vec::new() };
    match (old, new) {
        (Entry::Scheme { kind: k1, place: p1, .. }, Entry::Scheme { kind: k2, place: p2, .. }) => {
            // The setter that takes its credential changes with the kind.
            found.differs("kind", k1, k2, true);
            found.differs("place", or_none(p1), or_none(p2), false);
        }
        (Entry::Security { alternatives: a1, .. }, Entry::Security { alternatives: a2, .. }) => {
            let (before, after) = (super::security::written(a1), super::security::written(a2));
            if super::security::still_met(a1, a2) {
                found.push(false, format!("changed from {before} to {after}"));
            } else {
                found.push(
                    true,
                    format!("changed from {before} to {after}: a client with the old credentials may lack the new"),
                );
            }
        }
        (Entry::Scope { handle: h1, binds: b1, .. }, Entry::Scope { handle: h2, binds: b2, .. }) => {
            found.differs("handle type", h1, h2, true);
            found.differs("bound parameters", b1, b2, true);
        }
        (
            Entry::Group { handle: h1, scoped: c1, feature: f1, .. },
            Entry::Group { handle: h2, scoped: c2, feature: f2, .. },
        ) => {
            found.differs("handle type", h1, h2, true);
            match (c1, c2) {
                (None, Some(scoped)) => found.push(false, format!("gained the scoped handle {scoped}")),
                (Some(_), None) => found.push(true, "lost its scoped handle".to_owned()),
                (Some(a), Some(b)) => found.differs("scoped handle type", a, b, true),
                (None, None) => {}
            }
            // Users name the feature in their manifests: any change breaks them.
            found.differs("cargo feature", or_none(f1), or_none(f2), true);
        }
        (
            Entry::Operation { http_method: m1, path: p1, response: r1, builder: b1, stream: s1, errors: e1, .. },
            Entry::Operation { http_method: m2, path: p2, response: r2, builder: b2, stream: s2, errors: e2, .. },
        ) => {
            // The error type of `send()` and `stream()` changes with it: code that names or
            // matches it breaks.
            found.differs("error body type", or_none(e1), or_none(e2), true);
            found.differs("HTTP method", m1, m2, false);
            found.differs("path", p1, p2, false);
            found.differs("response type", r1, r2, true);
            found.differs("builder type", b1, b2, true);
            match (s1, s2) {
                (None, Some(item)) => found.push(false, format!("gained stream() of {item}")),
                (Some(_), None) => found.push(true, "lost stream()".to_owned()),
                (Some(a), Some(b)) => found.differs("stream() item type", a, b, true),
                (None, None) => {}
            }
        }
        (
            Entry::Parameter { required: q1, location: l1, ty: t1, style: s1, wire: w1, .. },
            Entry::Parameter { required: q2, location: l2, ty: t2, style: s2, wire: w2, .. },
        ) => {
            found.requirement(*q1, *q2);
            found.differs("type", t1, t2, true);
            found.differs("location", l1, l2, false);
            found.differs("style", or_none(s1), or_none(s2), false);
            found.differs("wire name", w1, w2, false);
        }
        (
            Entry::Body { required: q1, ty: t1, media: m1, encoding: e1, .. },
            Entry::Body { required: q2, ty: t2, media: m2, encoding: e2, .. },
        ) => {
            found.requirement(*q1, *q2);
            found.differs("type", t1, t2, true);
            found.differs("media type", m1, m2, false);
            found.differs("encoding", or_none(e1), or_none(e2), false);
        }
        (Entry::ErrorBody { ty: t1, variant: v1, .. }, Entry::ErrorBody { ty: t2, variant: v2, .. }) => {
            found.differs("type", t1, t2, true);
            found.differs("variant", or_none(v1), or_none(v2), true);
        }
        (
            Entry::Struct { request: r1, default: d1, items: i1, .. },
            Entry::Struct { request: r2, default: d2, items: i2, .. },
        ) => {
            match (i1, i2) {
                (None, Some(method)) => found.push(false, format!("gained {method}")),
                (Some(method), None) => found.push(true, format!("lost {method}")),
                (Some(a), Some(b)) => found.differs("items method", a, b, true),
                (None, None) => {}
            }
            match (d1, d2) {
                (true, false) => found.push(true, "no longer implements Default".to_owned()),
                (false, true) => found.push(false, "now implements Default".to_owned()),
                _ => {}
            }
            // Nothing changes in the code, but from now on a new field breaks callers (or no
            // longer does).
            match (r1, r2) {
                (false, true) => found.push(false, "is now used in requests".to_owned()),
                (true, false) => found.push(false, "is no longer used in requests".to_owned()),
                _ => {}
            }
        }
        (Entry::Field { required: q1, ty: t1, wire: w1, .. }, Entry::Field { required: q2, ty: t2, wire: w2, .. }) => {
            found.requirement(*q1, *q2);
            found.differs("type", t1, t2, true);
            let wire = |wire: &Option<String>| wire.clone().unwrap_or_else(|| super::OTHER_PROPERTIES.to_owned());
            found.differs("wire name", &wire(w1), &wire(w2), false);
        }
        (Entry::Enum { catch_all: c1, .. }, Entry::Enum { catch_all: c2, .. }) => {
            found.differs("catch-all variant", c1, c2, true);
        }
        (Entry::Value { wire: w1, .. }, Entry::Value { wire: w2, .. }) => found.differs("wire value", w1, w2, false),
        (
            Entry::Union { catch_all: c1, display: d1, tag: t1, .. },
            Entry::Union { catch_all: c2, display: d2, tag: t2, .. },
        ) => {
            found.differs("catch-all variant", or_none(c1), or_none(c2), true);
            match (d1, d2) {
                (true, false) => found.push(true, "no longer implements Display".to_owned()),
                (false, true) => found.push(false, "now implements Display".to_owned()),
                _ => {}
            }
            found.differs("tag property", or_none(t1), or_none(t2), false);
        }
        (Entry::Variant { ty: t1, tags: g1, .. }, Entry::Variant { ty: t2, tags: g2, .. }) => {
            found.differs("type", t1, t2, true);
            found.differs("tag values", or_none(g1), or_none(g2), false);
        }
        (Entry::Alias { target: t1, newtype: n1, .. }, Entry::Alias { target: t2, newtype: n2, .. }) if n1 == n2 => {
            found.differs("target", t1, t2, true);
        }
        // The same name is now a type of another kind.
        (old, new) => {
            found.changes.push(breaking(format!("type {name} changed from {} to {}", kind(old), kind(new))));
        }
    }
    found.changes
}

/// The changes found on one entry, worded with its kind and name.
struct Found<'a> {
    kind: &'static str,
    name: &'a str,
    changes: Vec<Change>,
}

impl Found<'_> {
    fn push(&mut self, breaking: bool, what: String) {
        self.changes.push(Change { breaking, text: format!("{} {} {what}", self.kind, self.name) });
    }

    /// `what changed from before to after`, if they differ.
    fn differs(&mut self, what: &str, before: &str, after: &str, breaking: bool) {
        if before != after {
            self.push(breaking, format!("{what} changed from {before} to {after}"));
        }
    }

    /// A parameter, body or field that became required or optional: an argument moves between
    /// the method and a setter, or a field between `T` and `Option<T>`.
    fn requirement(&mut self, before: bool, after: bool) {
        match (before, after) {
            (false, true) => self.push(true, "became required".to_owned()),
            (true, false) => self.push(true, "became optional".to_owned()),
            _ => {}
        }
    }
}

fn or_none(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("none")
}

/// The positional arguments of every operation's method, in order: its required parameters,
/// then a required body.
fn positional(entries: &[Entry]) -> HashMap<&str, Vec<&str>> {
    let mut arguments: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut bodies: Vec<&str> = Vec::new();
    for entry in entries {
        match entry {
            Entry::Parameter { operation, name, required: true, .. } => {
                arguments.entry(operation).or_default().push(name);
            }
            Entry::Body { operation, required: true, .. } => bodies.push(operation),
            _ => {}
        }
    }
    for operation in bodies {
        arguments.entry(operation).or_default().push("body");
    }
    arguments
}

/// The arguments that both versions of an operation take, if their order changed (which moves
/// values between arguments, often without a compile error).
fn reordered(operation: &str, old: &HashMap<&str, Vec<&str>>, new: &HashMap<&str, Vec<&str>>) -> Option<Change> {
    let (before, after) = (old.get(operation)?, new.get(operation)?);
    let before: Vec<&str> = before.iter().copied().filter(|name| after.contains(name)).collect();
    let after: Vec<&str> = after.iter().copied().filter(|name| before.contains(name)).collect();
    (before != after).then(|| {
        breaking(format!(
            "operation {operation} arguments reordered from ({}) to ({})",
            before.join(", "),
            after.join(", ")
        ))
    })
}
