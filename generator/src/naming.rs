//! Every identifier rule of the generator: case conversion, keyword escaping, and how names that
//! collide after conversion are told apart.
//!
//! The rules, in one place:
//! - Types and enum variants are `UpperCamelCase`; fields, parameters, methods and modules are
//!   `snake_case` (heck's word splitting, so `peerId`, `peer-id` and `peer_id` agree).
//! - Identifiers are ASCII. Non-ASCII letters are transliterated with the `deunicode` crate
//!   (`größe` → `grosse`, `Привет` → `privet`, `你好` → `ni_hao`, `🦀` → `crab`), which gives every
//!   name readable words, emoji included. Unicode identifiers were the alternative: Rust accepts
//!   letters (XID), but not emoji, and rustc's `uncommon_codepoints` and confusable-script lints
//!   warn on many of them, so a crate that must pass `clippy -D warnings` could not keep them all.
//!   The words depend only on the name and the pinned `deunicode` version: they are stable.
//! - Characters other than ASCII letters and digits (after transliteration) separate words; a
//!   name that would start with a digit gets a leading `_` (snake case) or `N` (camel case); a
//!   name with no letters or digits at all becomes `value`/`Value`.
//! - Rust keywords become raw identifiers (`r#type`), except those that cannot be raw
//!   (`self`, `Self`, `super`, `crate`), which get a trailing `_` (`self_`, `Self_`).
//! - When two names collide after conversion, the first in spec order keeps the name and the
//!   later ones get `_2`, `_3`, ... (snake case) or `2`, `3`, ... (camel case), added to the
//!   converted words before any escaping: `self_2` and `Self2`, never `self__2` or `Self_2`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

/// A `snake_case` identifier decided by these rules: its bare name, and whether it must be
/// written raw (`r#type`). It dereferences to the bare name (for file names, features, docs and
/// comparisons with wire names) and displays as it is written in code, so that nothing outside
/// this module adds or strips `r#`. (Type and variant names are `UpperCamelCase`, which no
/// keyword but `Self` is, and `Self` becomes `Self_`: they are never raw and stay strings.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ident {
    name: String,
    raw: bool,
}

impl Ident {
    /// The bare name, without `r#`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the identifier is a keyword that must be written `r#name`.
    pub fn is_raw(&self) -> bool {
        self.raw
    }
}

impl std::ops::Deref for Ident {
    type Target = str;

    fn deref(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

/// Keywords of Rust 2024 (strict and reserved), which need escaping as identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The name of the field of every struct that keeps the properties the spec does not list (a
/// property of that name keeps it, and the field gets a suffix: `unknown_fields_2`).
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

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

/// The words of a spec name, separated by spaces: non-ASCII text is transliterated first, then
/// apostrophes are dropped and every other character that is not an ASCII letter or digit
/// becomes a word break.
fn words(name: &str) -> String {
    let ascii =
        if name.is_ascii() { Cow::Borrowed(name) } else { Cow::Owned(deunicode::deunicode_with_tofu(name, " ")) };
    // An apostrophe joins (`user's` is one word, and so is the soft sign of `пользователь`).
    ascii.chars().filter(|c| *c != '\'').map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// Whether `name` has any letter or digit to make an identifier of (after transliteration);
/// a name without one converts to the placeholder `value`/`Value`.
pub fn has_words(name: &str) -> bool {
    words(name).chars().any(|c| c != ' ')
}

/// Escapes a Rust keyword: `r#type`, or `self_` where a raw identifier is not allowed.
fn escape(words: String) -> Ident {
    if NOT_RAW.contains(&words.as_str()) {
        Ident { name: format!("{words}_"), raw: false }
    } else {
        let raw = KEYWORDS.contains(&words.as_str());
        Ident { name: words, raw }
    }
}

/// The `snake_case` words of a name, before keyword escaping.
fn snake_words(name: &str) -> String {
    let converted = words(name).to_snake_case();
    match converted.chars().next() {
        None => "value".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{converted}"),
        Some(_) => converted,
    }
}

/// The `UpperCamelCase` words of a name, before keyword escaping.
fn camel_words(name: &str) -> String {
    let converted = words(name).to_upper_camel_case();
    match converted.chars().next() {
        None => "Value".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("N{converted}"),
        Some(_) => converted,
    }
}

/// The `snake_case` identifier for a field, parameter, method or module name from the spec.
pub fn snake(name: &str) -> Ident {
    escape(snake_words(name))
}

/// The `UpperCamelCase` identifier for a type or enum variant name from the spec.
pub fn camel(name: &str) -> String {
    escape(camel_words(name)).to_string()
}

/// The name of an operation that has no usable operationId: the HTTP method and the path's
/// literal segments and parameters, e.g. `get /apps/{app_id}/users` becomes `get_apps_app_id_users`.
pub fn operation_from_path(method: &str, path: &str) -> Ident {
    snake(&path_words(method, path))
}

fn path_words(method: &str, path: &str) -> String {
    format!("{method} {path}")
}

/// The name of the method that borrows a list response's items: `items`, unless one of the
/// type's fields (`fields`, identifiers as written) has that name, then `items_2`, ...
pub fn items_accessor(fields: &[String]) -> Ident {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    Scope::with_reserved(&fields).snake("items")
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

    /// Claims the identifier of `words`, or of the first free `words{sep}2`, `words{sep}3`, ...
    /// when it is taken; the number is added before escaping (`self_2`, not `self__2`). The
    /// scope holds identifiers as written (`r#mod`).
    fn claim(&mut self, words: String, sep: &str) -> Ident {
        let first = escape(words.clone());
        if self.taken.insert(first.to_string()) {
            return first;
        }
        (2..)
            .map(|n| escape(format!("{words}{sep}{n}")))
            .find(|candidate| self.taken.insert(candidate.to_string()))
            .unwrap_or(first)
    }

    /// Takes `ident` out of the names this scope hands out.
    pub fn reserve(&mut self, ident: &Ident) {
        self.taken.insert(ident.to_string());
    }

    /// Takes a name already decided (a type name, as written) out of the names this scope hands out.
    pub fn reserve_name(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// A unique `snake_case` identifier for `name`.
    pub fn snake(&mut self, name: &str) -> Ident {
        self.claim(snake_words(name), "_")
    }

    /// A unique `UpperCamelCase` identifier for `name`.
    pub fn camel(&mut self, name: &str) -> String {
        self.claim(camel_words(name), "").to_string()
    }

    /// A unique method name for an operation without an operationId (see
    /// [`operation_from_path`]).
    pub fn operation_from_path(&mut self, method: &str, path: &str) -> Ident {
        self.snake(&path_words(method, path))
    }

    /// Claims the `snake_case` identifier of `name` only if it is free: `None` when another name
    /// of this scope (or a reserved one) has it.
    pub fn snake_exactly(&mut self, name: &str) -> Option<Ident> {
        let ident = snake(name);
        self.taken.insert(ident.to_string()).then_some(ident)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_accessor_avoids_the_fields() {
        let fields = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>();
        assert_eq!(items_accessor(&fields(&["data", "paging"])).to_string(), "items");
        assert_eq!(items_accessor(&fields(&["items", "paging"])).to_string(), "items_2");
        assert_eq!(items_accessor(&fields(&["items", "items_2"])).to_string(), "items_3");
    }

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
            ("user's name", "users_name"),
            ("größe", "grosse"),
            ("X²", "x2"),
            ("Привет", "privet"),
            ("имя пользователя", "imia_polzovatelia"),
            ("你好", "ni_hao"),
            ("🦀", "crab"),
            ("\u{202e}id\u{202c}", "id"),
        ];
        for (input, expected) in table {
            assert_eq!(snake(input).to_string(), expected, "snake({input:?})");
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
            ("Self", "Self_"),
            ("crate", "Crate"),
            ("Статус", "Status"),
            ("状态", "ZhuangTai"),
            ("😀", "Grinning"),
        ];
        for (input, expected) in table {
            assert_eq!(camel(input), expected, "camel({input:?})");
        }
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.snake("fooBar").to_string(), "foo_bar");
        assert_eq!(scope.snake("foo_bar").to_string(), "foo_bar_2");
        assert_eq!(scope.snake("foo-bar").to_string(), "foo_bar_3");
        assert_eq!(scope.snake("type").to_string(), "r#type");
        assert_eq!(scope.snake("Type").to_string(), "type_2");
        let mut types = Scope::with_reserved(&["Client"]);
        assert_eq!(types.camel("client"), "Client2");
        assert_eq!(types.camel("ACTIVE"), "Active");
        assert_eq!(types.camel("active"), "Active2");
    }

    #[test]
    fn collision_suffixes_are_added_before_escaping() {
        let mut fields = Scope::default();
        assert_eq!(fields.snake("self").to_string(), "self_");
        assert_eq!(fields.snake("Self").to_string(), "self_2");
        assert_eq!(fields.snake("SELF").to_string(), "self_3");
        assert_eq!(fields.snake("crate").to_string(), "crate_");
        assert_eq!(fields.snake("CRATE").to_string(), "crate_2");
        assert_eq!(fields.snake("mod").to_string(), "r#mod");
        assert_eq!(fields.snake("Mod").to_string(), "mod_2");
        assert_eq!(fields.snake("").to_string(), "value");
        assert_eq!(fields.snake("@").to_string(), "value_2");
        let mut types = Scope::with_reserved(PRELUDE);
        assert_eq!(types.camel("self"), "Self_");
        assert_eq!(types.camel("SELF"), "Self2");
        assert_eq!(types.camel("option"), "Option2");
        assert_eq!(types.camel("Привет"), "Privet");
        assert_eq!(types.camel("привет"), "Privet2");
        let mut reserved = Scope::with_reserved(&["clone"]);
        reserved.reserve(&snake("mod"));
        assert_eq!(reserved.snake("mod").to_string(), "mod_2");
        assert_eq!(reserved.snake_exactly("clone"), None);
        assert_eq!(reserved.snake_exactly("getThing").map(|ident| ident.to_string()).as_deref(), Some("get_thing"));
        assert_eq!(reserved.snake_exactly("get_thing"), None);
    }

    #[test]
    fn names_without_letters_are_told_apart() {
        assert!(has_words("values"));
        assert!(has_words("Привет"));
        assert!(!has_words(""));
        assert!(!has_words("@@ --"));
    }

    #[test]
    fn operation_names_from_paths() {
        assert_eq!(operation_from_path("get", "/apps/{app_id}/users").to_string(), "get_apps_app_id_users");
        assert_eq!(operation_from_path("DELETE", "/").to_string(), "delete");
        assert_eq!(operation_from_path("get", "/значения").to_string(), "get_znacheniia");
    }

    #[test]
    fn raw_identifiers_keep_their_bare_name() {
        let ident = snake("type");
        assert!(ident.is_raw());
        assert_eq!((ident.name(), ident.to_string().as_str()), ("type", "r#type"));
        let ident = snake("self");
        assert!(!ident.is_raw());
        assert_eq!((ident.name(), ident.to_string().as_str()), ("self_", "self_"));
    }
}
