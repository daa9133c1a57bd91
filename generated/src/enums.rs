//! Deserialization support for the generated open enums (known values plus a catch-all).

use std::fmt;
use std::marker::PhantomData;

/// Deserializes a string into an open enum `T` via `T: From<&str>`.
///
/// Borrowed and owned strings are both accepted without copying, so known values do not allocate.
#[allow(dead_code, reason = "called by the generated models")]
pub(crate) fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
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
