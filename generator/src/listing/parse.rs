//! Reads a listing back into entries: the inverse of the listing's `Display`, so that the listing
//! committed at an older revision gives back the model's public surface at that revision.

use super::Entry;

/// The entries of a listing, in order. Only the lines of its ```` ```text ```` blocks are
/// entries; headings and prose are skipped. An unreadable line is an error naming its number.
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    let mut in_block = false;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            in_block = !in_block && line == "```text";
            continue;
        }
        if !in_block || line.is_empty() {
            continue;
        }
        let entry = entry(line).ok_or_else(|| format!("line {}: not a listing entry: {line}", index + 1))?;
        entries.push(entry);
    }
    Ok(entries)
}

/// One line, or `None` when it does not have the shape of its kind.
fn entry(line: &str) -> Option<Entry> {
    let (kind, rest) = line.split_once(' ')?;
    // A quoted name (a security scheme's) may hold `: ` itself.
    let (name, attributes) = match super::security::quoted_prefix(rest) {
        Some((name, after)) => (name, after.strip_prefix(": ").unwrap_or(after)),
        None => rest.split_once(": ").unwrap_or((rest, "")),
    };
    if kind == "security" {
        return Some(Entry::Security { operation: name.to_owned(), alternatives: super::security::read(attributes)? });
    }
    let attributes = split(attributes);
    let mut attributes = attributes.into_iter();
    let name = name.to_owned();
    let entry = match kind {
        "scheme" => {
            Entry::Scheme { name, kind: attributes.next()?.to_owned(), place: attributes.next().map(str::to_owned) }
        }
        "scope" => Entry::Scope {
            method: name,
            handle: attributes.next()?.to_owned(),
            binds: attributes.next()?.strip_prefix("binds ")?.to_owned(),
        },
        "group" => {
            let handle = attributes.next()?.to_owned();
            let mut next = attributes.next();
            let scoped = match next.and_then(|attribute| attribute.strip_prefix("scoped ")) {
                Some(scoped) => {
                    next = attributes.next();
                    Some(scoped.to_owned())
                }
                None => None,
            };
            Entry::Group { module: name, handle, scoped, feature: prefixed(next, "feature ")? }
        }
        "operation" => {
            let (http_method, rest) = attributes.next()?.split_once(' ')?;
            let (path, response) = rest.split_once(" -> ")?;
            let builder = attributes.next()?.strip_prefix("builder ")?.to_owned();
            let (mut stream, mut errors) = (None, None);
            for attribute in attributes.by_ref() {
                if let Some(item) = attribute.strip_prefix("stream() yields ") {
                    stream = Some(item.to_owned());
                } else if let Some(body) = attribute.strip_prefix("errors ") {
                    errors = Some(body.to_owned());
                } else {
                    return None;
                }
            }
            Entry::Operation {
                name,
                http_method: http_method.to_owned(),
                path: path.to_owned(),
                response: response.to_owned(),
                builder,
                stream,
                errors,
            }
        }
        "error" => {
            let (operation, status) = name.rsplit_once('.')?;
            Entry::ErrorBody {
                operation: operation.to_owned(),
                status: status.to_owned(),
                ty: attributes.next()?.to_owned(),
                variant: prefixed(attributes.next(), "variant ")?,
            }
        }
        "parameter" => {
            let (operation, param) = name.rsplit_once('.')?;
            let mut words = attributes.next()?.splitn(3, ' ');
            let required = required(words.next()?)?;
            let location = words.next()?.to_owned();
            let ty = words.next()?.to_owned();
            let (style, wire) = match (attributes.next()?, attributes.next()) {
                (wire, None) => (None, wire),
                (style, Some(wire)) => (Some(style.to_owned()), wire),
            };
            Entry::Parameter {
                operation: operation.to_owned(),
                name: param.to_owned(),
                required,
                location,
                ty,
                style,
                wire: wire.strip_prefix("wire ")?.to_owned(),
            }
        }
        "body" => {
            let (required_word, ty) = attributes.next()?.split_once(' ')?;
            Entry::Body {
                operation: name,
                required: required(required_word)?,
                ty: ty.to_owned(),
                media: attributes.next()?.to_owned(),
                encoding: attributes.next().map(str::to_owned),
            }
        }
        "struct" => {
            let flags: Vec<&str> = attributes.next().map(|flags| flags.split(", ").collect()).unwrap_or_default();
            let items = flags.iter().find(|flag| flag.ends_with("()")).map(|flag| (*flag).to_owned());
            Entry::Struct { name, request: flags.contains(&"request"), default: flags.contains(&"Default"), items }
        }
        "field" => {
            let (parent, field) = name.split_once('.')?;
            let (required_word, ty) = attributes.next()?.split_once(' ')?;
            Entry::Field {
                parent: parent.to_owned(),
                name: field.to_owned(),
                required: required(required_word)?,
                ty: ty.to_owned(),
                wire: match attributes.next()? {
                    super::OTHER_PROPERTIES => None,
                    wire => Some(wire.strip_prefix("wire ")?.to_owned()),
                },
            }
        }
        "enum" => Entry::Enum { name, catch_all: attributes.next()?.strip_prefix("catch-all ")?.to_owned() },
        "value" => {
            let (parent, variant) = name.split_once("::")?;
            Entry::Value { parent: parent.to_owned(), name: variant.to_owned(), wire: attributes.next()?.to_owned() }
        }
        "union" => {
            let (mut catch_all, mut display, mut tag) = (None, false, None);
            for attribute in attributes.by_ref() {
                if let Some(variant) = attribute.strip_prefix("catch-all ") {
                    catch_all = Some(variant.to_owned());
                } else if let Some(property) = attribute.strip_prefix("tag ") {
                    tag = Some(property.to_owned());
                } else if attribute == "Display" {
                    display = true;
                } else if attribute != "untagged" {
                    return None;
                }
            }
            Entry::Union { name, catch_all, display, tag }
        }
        "variant" => {
            let (parent, variant) = name.split_once("::")?;
            Entry::Variant {
                parent: parent.to_owned(),
                name: variant.to_owned(),
                ty: attributes.next()?.to_owned(),
                tags: prefixed(attributes.next(), "tags ")?,
            }
        }
        "alias" | "newtype" => Entry::Alias { name, target: attributes.next()?.to_owned(), newtype: kind == "newtype" },
        _ => return None,
    };
    // Every attribute must have been read: anything left over is a line of another shape.
    attributes.next().is_none().then_some(entry)
}

/// An optional attribute: `Some(None)` when absent, `None` when present without `prefix`.
fn prefixed(attribute: Option<&str>, prefix: &str) -> Option<Option<String>> {
    match attribute {
        None => Some(None),
        Some(attribute) => attribute.strip_prefix(prefix).map(|rest| Some(rest.to_owned())),
    }
}

fn required(word: &str) -> Option<bool> {
    match word {
        "required" => Some(true),
        "optional" => Some(false),
        _ => None,
    }
}

/// The attributes of a line, split at `; ` outside quoted strings (which keep Rust's escapes).
fn split(text: &str) -> Vec<&str> {
    let mut attributes = Vec::new();
    if text.is_empty() {
        return attributes;
    }
    let bytes = text.as_bytes();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (at, &byte) in bytes.iter().enumerate() {
        if quoted {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                quoted = false;
            }
        } else if byte == b'"' {
            quoted = true;
        } else if byte == b';' && bytes.get(at + 1) == Some(&b' ') {
            // `;` and ` ` are ASCII, so both ends of the slice are character boundaries.
            attributes.push(text.get(start..at).unwrap_or_default());
            start = at + 2;
        }
    }
    attributes.push(text.get(start..).unwrap_or_default());
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_split_outside_quotes_only() {
        assert_eq!(split(r#"a; wire "x; \"y\"; z"; b"#), ["a", r#"wire "x; \"y\"; z""#, "b"]);
        assert_eq!(split(""), Vec::<&str>::new());
        assert_eq!(split("a;b; ; c"), ["a;b", "", "c"]);
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        let lines = [
            "group meetings: Meetings",
            r#"group meetings: Meetings; feature "meetings""#,
            "operation meetings.get_meeting: GET /a/{id} -> GetMeetingResponse; builder GetMeeting",
            "operation meetings.list: GET /a -> Page; builder List; stream() yields Meeting",
            r#"parameter meetings.list.page_no: optional query u32; wire "page_no""#,
            r#"parameter meetings.list.ids: required query Vec<String>; comma-separated; wire "ids; x""#,
            r#"body meetings.create: required CreateBody; "application/json""#,
            "struct Meeting",
            "struct CreateBody: request, Default",
            r#"field Meeting.tags: optional BTreeMap<String, Vec<Tag>>; wire "tags""#,
            "field Meeting.extra: required BTreeMap<String, serde_json::Value>; other properties",
            "enum Status: catch-all Unknown",
            r#"value Status::Active: "ACTIVE""#,
            "union Shape: untagged; Display",
            r#"union Event: catch-all Other; tag "type""#,
            r#"variant Event::Joined: Joined; tags "joined", "join""#,
            "variant Shape::I64: i64",
            "alias Ids: Vec<String>",
        ];
        for line in lines {
            let entry = entry(line).unwrap_or_else(|| panic!("cannot read {line}"));
            assert_eq!(entry.to_string(), line);
        }
    }

    #[test]
    fn lines_of_another_shape_are_errors_with_their_number() {
        let text = "# title\n\n```text\nstruct Meeting\nfield Meeting.id: sometimes String; wire \"id\"\n```\n";
        assert_eq!(
            parse(text),
            Err("line 5: not a listing entry: field Meeting.id: sometimes String; wire \"id\"".into())
        );
        assert!(parse("```text\nalias A: B; C\n```\n").is_err(), "an attribute too many");
        assert!(parse("```text\nwidget A\n```\n").is_err(), "an unknown kind");
    }

    #[test]
    fn prose_outside_the_blocks_is_not_read() {
        let text = "struct NotAnEntry\n```text\nstruct Meeting\n```\nstruct AlsoNot\n";
        assert_eq!(
            parse(text),
            Ok(vec![Entry::Struct { name: "Meeting".into(), request: false, default: false, items: None }])
        );
    }
}
