//! Support for the generated open enums (known values plus a catch-all): the catch-all's
//! [`UnknownValue`] and deserialization.

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// A value of an open enum that this version of the crate does not know, kept as it was sent
/// (the catch-all variant of every generated enum holds one).
///
/// Derefs to `str`. It is one pointer wide, so that an open enum takes 16 bytes (a `String`
/// would make it 24): decoded pages hold many of them, known or not.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<Box<str>>);

impl UnknownValue {
    /// The value as it was sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for UnknownValue {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for UnknownValue {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for UnknownValue {
    fn from(value: &str) -> Self {
        UnknownValue(Box::new(value.into()))
    }
}

impl From<String> for UnknownValue {
    fn from(value: String) -> Self {
        UnknownValue(Box::new(value.into_boxed_str()))
    }
}

impl From<UnknownValue> for String {
    fn from(value: UnknownValue) -> Self {
        (*value.0).into()
    }
}

impl PartialEq<str> for UnknownValue {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for UnknownValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Deserializes a string into an open enum `T` via `T: From<&str>`.
///
/// Borrowed and owned strings are both accepted without copying, so known values do not allocate.
pub fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'s> From<&'s str>,
{
    deserializer.deserialize_str(OpenEnumVisitor(PhantomData))
}

/// Visits a string and converts it with `T::from`.
struct OpenEnumVisitor<T>(PhantomData<fn() -> T>);

impl<T> serde::de::Visitor<'_> for OpenEnumVisitor<T>
where
    T: for<'s> From<&'s str>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Status {
        Live,
        Other(String),
    }

    impl From<&str> for Status {
        fn from(s: &str) -> Self {
            match s {
                "LIVE" => Status::Live,
                other => Status::Other(other.to_owned()),
            }
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Meeting {
        #[serde(deserialize_with = "deserialize_open_enum")]
        status: Status,
    }

    #[test]
    fn unknown_value_is_a_thin_string() {
        #[allow(dead_code)]
        enum Open {
            A,
            B,
            C,
            Unknown(UnknownValue),
        }
        assert_eq!(std::mem::size_of::<Open>(), 16);
        assert_eq!(std::mem::size_of::<Option<Open>>(), 16);
        let value = UnknownValue::from("PEER_TELEPORTED");
        assert_eq!(value, "PEER_TELEPORTED");
        assert_eq!(value.as_str(), "PEER_TELEPORTED");
        assert_eq!(value.len(), 15);
        assert_eq!(value.to_string(), "PEER_TELEPORTED");
        assert_eq!(format!("{value:?}"), "\"PEER_TELEPORTED\"");
        assert_eq!(UnknownValue::from("X".to_owned()), UnknownValue::from("X"));
        assert_eq!(String::from(value), "PEER_TELEPORTED");
        let (a, b) = (UnknownValue::from("a"), UnknownValue::from("b"));
        assert!(a < b);
        let set: std::collections::HashSet<UnknownValue> = [UnknownValue::from("a")].into_iter().collect();
        assert!(set.contains("a"));
    }

    #[test]
    fn known_unknown_and_escaped_values() {
        let m: Meeting = serde_json::from_str(r#"{"status":"LIVE"}"#).expect("known value");
        assert_eq!(m.status, Status::Live);
        let m: Meeting = serde_json::from_str(r#"{"status":"PAUSED"}"#).expect("unknown value");
        assert_eq!(m.status, Status::Other("PAUSED".to_owned()));
        // An escape forces serde_json to hand over a transient (non-borrowed) string.
        let m: Meeting = serde_json::from_str(r#"{"status":"L\u0049VE"}"#).expect("escaped value");
        assert_eq!(m.status, Status::Live);
        // An owned string (from a Value) goes through visit_string.
        let m: Meeting = serde_json::from_value(serde_json::json!({"status": "ENDED"})).expect("owned");
        assert_eq!(m.status, Status::Other("ENDED".to_owned()));
        let err = serde_json::from_str::<Meeting>(r#"{"status":5}"#).expect_err("not a string");
        assert!(err.to_string().contains("a string"), "{err}");
    }
}
