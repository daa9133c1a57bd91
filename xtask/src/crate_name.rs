//! The package name of a crate written with `--out`: made from the spec's title, or given with
//! `--name` and then checked, so that the manifest always names a package cargo accepts.

/// Names cargo refuses or that would shadow a crate every Rust program sees, and those of the
/// generated crate's dependencies (the runtime among them), with `-` for `_`.
const RESERVED: &[&str] = &[
    "alloc",
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "core",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "proc-macro",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "std",
    "struct",
    "super",
    "test",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "cloudflare-realtimekit-runtime",
    "serde",
    "serde-json",
    "futures-core",
    "bytes",
];

/// A package name made from `title`: lower-case ASCII letters and digits, every other run of
/// characters a `-`; `api-client` when nothing is left, `api-` before a leading digit, `-client`
/// after a reserved name.
pub(crate) fn from_title(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name: String = name.trim_end_matches('-').chars().take(64).collect();
    name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        return "api-client".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    if RESERVED.contains(&name.as_str()) {
        name.push_str("-client");
    }
    name
}

/// `name` if cargo accepts it as a package name (ASCII letters, digits, `-` and `_`, starting
/// with a letter, not reserved), or an error saying why not.
pub(crate) fn checked(name: &str) -> Result<String, String> {
    let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_alphabetic());
    if !valid_chars || !starts_with_letter || name.len() > 64 {
        return Err(format!(
            "--name `{name}` is not a valid package name: use ASCII letters, digits, `-` and `_`, starting with a letter (for example `{}`)",
            from_title(name)
        ));
    }
    if RESERVED.contains(&name.to_ascii_lowercase().replace('_', "-").as_str()) {
        return Err(format!("--name `{name}` is reserved: choose another package name"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{checked, from_title};

    #[test]
    fn titles_become_valid_package_names() {
        for (title, name) in [
            ("Cloudflare API", "cloudflare-api"),
            ("21_x", "api-21-x"),
            (".", "api-client"),
            ("", "api-client"),
            ("Пример API", "api"),
            ("  My  API (v2)!  ", "my-api-v2"),
            ("core", "core-client"),
            ("Self", "self-client"),
            ("cloudflare realtimekit runtime", "cloudflare-realtimekit-runtime-client"),
            ("Serde JSON", "serde-json-client"),
        ] {
            assert_eq!(from_title(title), name, "{title:?}");
            assert_eq!(checked(&from_title(title)).as_deref(), Ok(name), "{title:?}");
        }
    }

    #[test]
    fn invalid_names_are_refused() {
        for name in ["", "21-x", ".", "a b", "std", "fn", "é", "-x", "serde_json"] {
            assert!(checked(name).is_err(), "{name:?}");
        }
        assert_eq!(checked("my_api").as_deref(), Ok("my_api"));
    }
}
