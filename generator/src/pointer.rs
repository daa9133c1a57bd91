//! JSON pointers (RFC 6901) into the spec: the only place where reference tokens are escaped
//! (`~` as `~0`, `/` as `~1`) and unescaped.

use std::fmt;

/// A JSON pointer (RFC 6901) into the spec, e.g. `#/paths/~1accounts~1{account_id}/get`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the document root.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses a local `$ref` such as `#/components/schemas/Foo`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference.strip_prefix('#').map(|rest| Pointer(rest.to_owned()))
    }

    /// A pointer already in RFC 6901 form (`/a/b~1c`, or `""` for the root).
    pub fn from_json_pointer(pointer: &str) -> Self {
        Pointer(pointer.to_owned())
    }

    /// The pointer to the child `token` of this node (escaping `~` and `/`).
    pub fn push(&self, token: impl fmt::Display) -> Self {
        let mut pointer = self.0.clone();
        push_token(&mut pointer, &token.to_string());
        Pointer(pointer)
    }

    /// The pointer in RFC 6901 form, without the leading `#` (what `serde_json::Value::pointer`
    /// takes).
    pub fn as_json_pointer(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens, from the root down.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(unescape)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Appends `/` and the escaped `token` to a pointer written out as text.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Unescapes one reference token (`~1` is `/`, `~0` is `~`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_and_unescape_tokens() {
        let pointer = Pointer::root().push("paths").push("/a/{b}~c").push("get");
        assert_eq!(pointer.to_string(), "#/paths/~1a~1{b}~0c/get");
        assert_eq!(pointer.tokens().collect::<Vec<_>>(), ["paths", "/a/{b}~c", "get"]);
        assert_eq!(unescape("~01~1"), "~1/");
        let parsed = Pointer::from_ref("#/components/schemas/Foo").map(|p| p.to_string());
        assert_eq!(parsed.as_deref(), Some("#/components/schemas/Foo"));
        assert_eq!(Pointer::from_ref("other.yaml#/Foo"), None);
    }
}
