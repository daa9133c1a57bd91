//! Every identifier rule of the generator: case conversion, keyword escaping, and how names that
//! collide after conversion are told apart.
//!
//! The rules, in one place:
//! - Types and enum variants are `UpperCamelCase`; fields, parameters, methods and modules are
//!   `snake_case` (heck's word splitting, so `peerId`, `peer-id` and `peer_id` agree).
//! - Characters other than ASCII letters and digits separate words; a name that would start with
//!   a digit gets a leading `_` (snake case) or `N` (camel case); an empty name becomes
//!   `value`/`Value`.
//! - Rust keywords become raw identifiers (`r#type`), except those that cannot be raw
//!   (`self`, `Self`, `super`, `crate`), which get a trailing `_`.
//! - When two names collide after conversion, the first in spec order keeps the name and the
//!   later ones get `_2`, `_3`, ... (snake case) or `2`, `3`, ... (camel case).

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Keywords of Rust 2024 (strict and reserved), which need escaping as identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of the standard prelude (and of types the emitted code names without a path), which a
/// type of the generated crate must not shadow.
pub const PRELUDE: &[&str] = &[
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Unpin",
    "Vec",
    "Self",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Replaces every character that is not an ASCII letter or digit with a word break: identifiers
/// stay ASCII, which every Rust toolchain and lint accepts.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// Escapes a Rust keyword: `r#type`, or `self_` where a raw identifier is not allowed.
fn escape(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The `snake_case` identifier for a field, parameter, method or module name from the spec.
pub fn snake(name: &str) -> String {
    let converted = words(name).to_snake_case();
    let ident = match converted.chars().next() {
        None => "value".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{converted}"),
        Some(_) => converted,
    };
    escape(ident)
}

/// The `UpperCamelCase` identifier for a type or enum variant name from the spec.
pub fn camel(name: &str) -> String {
    let converted = words(name).to_upper_camel_case();
    let ident = match converted.chars().next() {
        None => "Value".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("N{converted}"),
        Some(_) => converted,
    };
    escape(ident)
}

/// The name of an operation that has no usable operationId: the HTTP method and the path's
/// literal segments and parameters, e.g. `get /apps/{app_id}/users` becomes `get_apps_app_id_users`.
pub fn operation_from_path(method: &str, path: &str) -> String {
    snake(&format!("{method} {path}"))
}

/// Hands out names that are unique within one scope (a struct's fields, a module's types).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    /// Claims `ident`, or the first free `ident{sep}2`, `ident{sep}3`, ... when it is taken.
    fn claim(&mut self, ident: String, sep: &str) -> String {
        if self.taken.insert(ident.clone()) {
            return ident;
        }
        let base = ident.strip_prefix("r#").unwrap_or(&ident).to_owned();
        (2..).map(|n| format!("{base}{sep}{n}")).find(|candidate| self.taken.insert(candidate.clone())).unwrap_or(base)
    }

    /// A unique `snake_case` identifier for `name`.
    pub fn snake(&mut self, name: &str) -> String {
        self.claim(snake(name), "_")
    }

    /// A unique `UpperCamelCase` identifier for `name`.
    pub fn camel(&mut self, name: &str) -> String {
        self.claim(camel(name), "")
    }

    /// Claims an identifier that was converted already.
    pub fn exact(&mut self, ident: &str) -> String {
        self.claim(ident.to_owned(), "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_table() {
        let table = [
            ("session_id", "session_id"),
            ("sessionId", "session_id"),
            ("livestream-session-id", "livestream_session_id"),
            ("GetSessionParticipants", "get_session_participants"),
            ("get-v2-livestreams-livestream-session-id", "get_v2_livestreams_livestream_session_id"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "self_"),
            ("crate", "crate_"),
            ("async", "r#async"),
            ("2fa", "_2fa"),
            ("$ref", "r#ref"),
            ("", "value"),
            ("@@", "value"),
            ("x.y/z", "x_y_z"),
            ("größe", "gr_e"),
            ("X²", "x"),
        ];
        for (input, expected) in table {
            assert_eq!(snake(input), expected, "snake({input:?})");
        }
    }

    #[test]
    fn camel_case_table() {
        let table = [
            ("PEER_JOINING", "PeerJoining"),
            ("realtimekit_PeerEvent", "RealtimekitPeerEvent"),
            ("joinedAt", "JoinedAt"),
            ("ASC", "Asc"),
            ("self", "Self_"),
            ("2xx", "N2xx"),
            ("", "Value"),
            ("a b-c", "ABC"),
        ];
        for (input, expected) in table {
            assert_eq!(camel(input), expected, "camel({input:?})");
        }
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.snake("fooBar"), "foo_bar");
        assert_eq!(scope.snake("foo_bar"), "foo_bar_2");
        assert_eq!(scope.snake("foo-bar"), "foo_bar_3");
        assert_eq!(scope.snake("type"), "r#type");
        assert_eq!(scope.snake("Type"), "type_2");
        let mut types = Scope::with_reserved(&["Client"]);
        assert_eq!(types.camel("client"), "Client2");
        assert_eq!(types.camel("ACTIVE"), "Active");
        assert_eq!(types.camel("active"), "Active2");
    }

    #[test]
    fn operation_names_from_paths() {
        assert_eq!(operation_from_path("get", "/apps/{app_id}/users"), "get_apps_app_id_users");
        assert_eq!(operation_from_path("DELETE", "/"), "delete");
    }
}
