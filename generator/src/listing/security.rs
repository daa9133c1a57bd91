//! The listing's lines about credentials: one `scheme` line per security scheme the client can
//! hold a credential for, and one `security` line per operation saying which credentials it sends,
//! and the rule that tells whether a changed requirement breaks a user's client configuration.
//!
//! `scheme "api_key": api key; header "X-API-Key"` and `security pets.list_pets: "bearer" or
//! "api_key" and "session"` (alternatives joined with `or`, the schemes sent together with `and`,
//! `none` for an alternative that sends nothing). Scheme names are quoted with Rust's escapes, so
//! no name can split a line or be mistaken for a keyword.

use super::{Entry, quoted};
use crate::model::{Api, Operation, SchemeKind};

/// The `scheme` lines of the API, in spec order.
pub(super) fn schemes(api: &Api) -> impl Iterator<Item = Entry> + '_ {
    api.security_schemes.iter().map(|scheme| {
        let (kind, place) = match &scheme.kind {
            SchemeKind::Bearer => ("bearer", None),
            SchemeKind::Basic => ("basic", None),
            SchemeKind::Header(name) => ("api key", Some(format!("header {}", quoted(name)))),
            SchemeKind::Query(name) => ("api key", Some(format!("query {}", quoted(name)))),
            SchemeKind::Cookie(name) => ("api key", Some(format!("cookie {}", quoted(name)))),
        };
        Entry::Scheme { name: quoted(&scheme.name), kind: kind.to_owned(), place }
    })
}

/// The `security` line of an operation named `name`.
pub(super) fn requirement(name: &str, op: &Operation) -> Entry {
    let alternatives: Vec<Vec<String>> =
        op.security.iter().map(|alternative| alternative.iter().map(|scheme| quoted(scheme)).collect()).collect();
    // No alternative at all sends nothing, as an empty one does.
    let alternatives = if alternatives.is_empty() { vec![Vec::new()] } else { alternatives };
    Entry::Security { operation: name.to_owned(), alternatives }
}

/// The requirement as the line writes it.
pub(super) fn written(alternatives: &[Vec<String>]) -> String {
    alternatives
        .iter()
        .map(|alternative| if alternative.is_empty() { "none".to_owned() } else { alternative.join(" and ") })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Reads a requirement back: quoted names, `and`, `or` and `none`.
pub(super) fn read(text: &str) -> Option<Vec<Vec<String>>> {
    let mut alternatives = vec![Vec::new()];
    let mut rest = text.trim_start();
    let mut expect_name = true;
    while !rest.is_empty() {
        if expect_name {
            if let Some(after) = rest.strip_prefix("none") {
                rest = after;
            } else {
                let (name, after) = quoted_prefix(rest)?;
                alternatives.last_mut()?.push(name.to_owned());
                rest = after;
            }
        } else if let Some(after) = rest.strip_prefix("and ") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("or ") {
            alternatives.push(Vec::new());
            rest = after;
        } else {
            return None;
        }
        expect_name = !expect_name;
        rest = rest.trim_start();
    }
    (!expect_name).then_some(alternatives)
}

/// A quoted string at the start of `text` (with its quotes and escapes) and what follows it.
pub(super) fn quoted_prefix(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('"') {
        return None;
    }
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(text.split_at(at + 1)),
            _ => {}
        }
    }
    None
}

/// Whether every client that could send the `old` requirement can send the `new` one: each old
/// alternative (the credentials a client may hold) contains every scheme of some new alternative.
pub(super) fn still_met(old: &[Vec<String>], new: &[Vec<String>]) -> bool {
    old.iter().all(|held| new.iter().any(|needed| needed.iter().all(|scheme| held.contains(scheme))))
}

#[cfg(test)]
mod tests {
    use super::{read, still_met, written};

    fn alternatives(text: &str) -> Vec<Vec<String>> {
        read(text).unwrap_or_else(|| panic!("not a requirement: {text}"))
    }

    #[test]
    fn requirements_read_back_as_written() {
        for text in ["none", r#""bearer""#, r#""a" and "b" or "c""#, r#""a \" or b" or none"#, r#""x" or "y" and "z""#]
        {
            assert_eq!(written(&alternatives(text)), text);
        }
        for bad in ["", "bearer", r#""a" and"#, r#""a" "b""#, r#""a" xor "b""#, r#""open"#] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_requirement_is_still_met_when_every_old_alternative_covers_a_new_one() {
        let met = |old: &str, new: &str| still_met(&alternatives(old), &alternatives(new));
        assert!(met(r#""a""#, r#""a" or "b""#));
        assert!(met(r#""a" and "b""#, r#""a""#));
        assert!(met(r#""a""#, "none"));
        assert!(!met("none", r#""a""#));
        assert!(!met(r#""a""#, r#""b""#));
        assert!(!met(r#""a""#, r#""a" and "b""#));
        assert!(!met(r#""a" or "b""#, r#""a""#));
    }
}
