//! Typed timestamps and dates (`format: date-time` and `format: date`) that never fail a
//! response: the text the server sent is kept, read as a point in time when it is one, and
//! written back unchanged.
//!
//! The text is parsed when a value is asked for, not while decoding: decoding costs what a
//! `String` does (a page of thousands of participants has many timestamps nobody reads), and the
//! type is one boxed `str` wide. Parsing is jiff's (see ARCHITECTURE.md for why jiff rather than
//! time or chrono); jiff's types stay private, so the public API is ours and the crate under it
//! can change.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

/// Nanoseconds in a second.
const NANOS: i128 = 1_000_000_000;

/// An RFC 3339 timestamp (`format: date-time`) as the server sent it.
///
/// Decoding never fails on a string: a malformed value (say `"2023-02-01T10:50:36.846Z\""`) is
/// kept as text, [`is_valid`](Self::is_valid) is false and the accessors return `None`. It is
/// written back exactly as it was read, valid or not (the offset the server wrote is kept).
/// Equality and hashing compare that text. It deliberately does not deref to `str`: a value
/// written into a URL goes through `Display`, and clippy would ask emitted code to borrow instead.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: Box<str>,
}

impl Timestamp {
    /// The timestamp as the server sent it (or as it was built).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text is an RFC 3339 timestamp.
    pub fn is_valid(&self) -> bool {
        self.instant().is_some()
    }

    /// The text read as a point in time.
    fn instant(&self) -> Option<jiff::Timestamp> {
        jiff::Timestamp::from_str(&self.text).ok()
    }

    /// The point in time, for a valid timestamp.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let nanos = self.instant()?.as_nanosecond();
        let offset = std::time::Duration::from_nanos(u64::try_from(nanos.unsigned_abs()).ok()?);
        if nanos < 0 { SystemTime::UNIX_EPOCH.checked_sub(offset) } else { SystemTime::UNIX_EPOCH.checked_add(offset) }
    }

    /// Whole seconds since the Unix epoch (rounded down, so negative before it), for a valid
    /// timestamp.
    pub fn unix_seconds(&self) -> Option<i64> {
        self.instant().and_then(|instant| i64::try_from(instant.as_nanosecond().div_euclid(NANOS)).ok())
    }

    /// Milliseconds since the Unix epoch (rounded down), for a valid timestamp.
    pub fn unix_millis(&self) -> Option<i64> {
        self.instant().and_then(|instant| i64::try_from(instant.as_nanosecond().div_euclid(1_000_000)).ok())
    }

    /// The nanoseconds past [`unix_seconds`](Self::unix_seconds) (0 to 999,999,999), for a valid
    /// timestamp.
    pub fn subsec_nanos(&self) -> Option<u32> {
        self.instant().and_then(|instant| u32::try_from(instant.as_nanosecond().rem_euclid(NANOS)).ok())
    }

    /// Keeps `text` as it is, read as a timestamp when it is one (what decoding does).
    pub fn from_text(text: impl Into<String>) -> Self {
        Timestamp { text: text.into().into_boxed_str() }
    }
}

impl From<SystemTime> for Timestamp {
    /// The timestamp in UTC, with as many fractional digits as it needs (`...T10:51:08.039Z`).
    /// A time beyond the years -9999 to 9999 is clamped to them.
    fn from(time: SystemTime) -> Self {
        let instant = jiff::Timestamp::try_from(time).unwrap_or_else(|_| {
            if time < SystemTime::UNIX_EPOCH { jiff::Timestamp::MIN } else { jiff::Timestamp::MAX }
        });
        Timestamp { text: instant.to_string().into_boxed_str() }
    }
}

impl FromStr for Timestamp {
    type Err = FormatError;

    /// Parses an RFC 3339 timestamp, keeping the text as it is; malformed text is an error here
    /// (use [`Timestamp::from_text`] to keep it anyway).
    fn from_str(text: &str) -> Result<Self, FormatError> {
        let timestamp = Timestamp::from_text(text);
        if timestamp.is_valid() { Ok(timestamp) } else { Err(FormatError::new("an RFC 3339 timestamp", text)) }
    }
}

impl fmt::Display for Timestamp {
    /// The text, as sent: what a query or path parameter carries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_valid() {
            write!(f, "Timestamp({:?})", self.text)
        } else {
            write!(f, "Timestamp({:?}, invalid)", self.text)
        }
    }
}

/// A calendar date (`format: date`, `2024-02-29`) as the server sent it.
///
/// Like [`Timestamp`]: decoding never fails on a string, a malformed value is kept as text and
/// the accessors return `None`, and the text is written back unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Date {
    text: Box<str>,
}

impl Date {
    /// A date of the proleptic Gregorian calendar, written `YYYY-MM-DD`; `None` when there is no
    /// such day (or the year is outside -9999 to 9999).
    pub fn new(year: i16, month: u8, day: u8) -> Option<Self> {
        let date = jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
        Some(Date { text: date.to_string().into_boxed_str() })
    }

    /// The date as the server sent it (or as it was built).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text is a date (`YYYY-MM-DD`).
    pub fn is_valid(&self) -> bool {
        self.date().is_some()
    }

    /// The text read as a date: only the date itself (jiff would also read a date out of a
    /// longer date-time).
    fn date(&self) -> Option<jiff::civil::Date> {
        if self.text.len() == 10 { jiff::civil::Date::from_str(&self.text).ok() } else { None }
    }

    /// The year, for a valid date.
    pub fn year(&self) -> Option<i16> {
        self.date().map(|date| date.year())
    }

    /// The month (1 to 12), for a valid date.
    pub fn month(&self) -> Option<u8> {
        self.date().and_then(|date| u8::try_from(date.month()).ok())
    }

    /// The day of the month (1 to 31), for a valid date.
    pub fn day(&self) -> Option<u8> {
        self.date().and_then(|date| u8::try_from(date.day()).ok())
    }

    /// Keeps `text` as it is, read as a date when it is one (what decoding does).
    pub fn from_text(text: impl Into<String>) -> Self {
        Date { text: text.into().into_boxed_str() }
    }
}

impl FromStr for Date {
    type Err = FormatError;

    /// Parses a `YYYY-MM-DD` date; malformed text is an error here (use [`Date::from_text`] to
    /// keep it anyway).
    fn from_str(text: &str) -> Result<Self, FormatError> {
        let date = Date::from_text(text);
        if date.is_valid() { Ok(date) } else { Err(FormatError::new("a date (YYYY-MM-DD)", text)) }
    }
}

impl fmt::Display for Date {
    /// The text, as sent: what a query or path parameter carries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_valid() { write!(f, "Date({:?})", self.text) } else { write!(f, "Date({:?}, invalid)", self.text) }
    }
}

/// Text that is not the timestamp or date it should be (from `str::parse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    expected: &'static str,
    excerpt: String,
}

impl FormatError {
    fn new(expected: &'static str, text: &str) -> Self {
        // Bounded like every message of the crate.
        FormatError { expected, excerpt: text.chars().take(100).collect() }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {:?}", self.expected, self.excerpt)
    }
}

impl std::error::Error for FormatError {}

/// Serde for both types: a string, written and read as it is.
macro_rules! text_serde {
    ($($ty:ident),*) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(TextVisitor).map(|text| $ty { text })
            }
        }
    )*};
}

text_serde!(Timestamp, Date);

/// Reads a string into one exact allocation.
struct TextVisitor;

impl serde::de::Visitor<'_> for TextVisitor {
    type Value = Box<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Box<str>, E> {
        Ok(Box::from(text))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Box<str>, E> {
        Ok(text.into_boxed_str())
    }
}

/// Comparison with text: whether the value was sent (or built) as exactly that text.
macro_rules! text_eq {
    ($($ty:ident),*) => {$(
        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                *self.text == *other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                *self.text == **other
            }
        }
    )*};
}

text_eq!(Timestamp, Date);

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn valid_timestamps_are_read_and_written_back_as_sent() {
        for text in ["2023-02-01T10:51:08.039Z", "2023-02-01T12:51:08.039+02:00", "2023-02-01t10:51:08z"] {
            let timestamp: Timestamp = serde_json::from_value(serde_json::json!(text)).expect("a string");
            assert!(timestamp.is_valid(), "{text}");
            assert_eq!(serde_json::to_value(&timestamp).expect("a string"), serde_json::json!(text));
            assert_eq!(timestamp.to_string(), text);
        }
        let offset: Timestamp = "2023-02-01T12:51:08.039+02:00".parse().expect("valid");
        assert_eq!(offset.unix_seconds(), Some(1_675_248_668));
        assert_eq!(offset.subsec_nanos(), Some(39_000_000));
        assert_eq!(offset.to_system_time(), Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_675_248_668_039)));
    }

    #[test]
    fn malformed_timestamps_are_kept_byte_for_byte() {
        let json = r#""2023-02-01T10:50:36.846Z\"""#;
        let timestamp: Timestamp = serde_json::from_str(json).expect("any string decodes");
        assert!(!timestamp.is_valid());
        assert_eq!(timestamp.as_str(), "2023-02-01T10:50:36.846Z\"");
        assert_eq!(timestamp.unix_seconds(), None);
        assert_eq!(serde_json::to_string(&timestamp).expect("a string"), json);
        assert_eq!(format!("{timestamp:?}"), r#"Timestamp("2023-02-01T10:50:36.846Z\"", invalid)"#);
        let error = "yesterday".parse::<Timestamp>().expect_err("not RFC 3339");
        assert_eq!(error.to_string(), r#"expected an RFC 3339 timestamp, found "yesterday""#);
        assert!(serde_json::from_str::<Timestamp>("12").is_err(), "only strings are timestamps");
    }

    #[test]
    fn timestamps_before_the_epoch_have_positive_fractions() {
        let before: Timestamp = "1969-12-31T23:59:59.250Z".parse().expect("valid");
        assert_eq!(before.unix_seconds(), Some(-1));
        assert_eq!(before.unix_millis(), Some(-750));
        assert_eq!(before.subsec_nanos(), Some(250_000_000));
    }

    #[test]
    fn timestamps_are_built_from_system_time() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_millis(1_675_248_668_039);
        let timestamp = Timestamp::from(time);
        assert_eq!(timestamp.as_str(), "2023-02-01T10:51:08.039Z");
        assert_eq!(timestamp.to_system_time(), Some(time));
    }

    #[test]
    fn both_are_one_boxed_str_wide_and_written_into_urls_as_sent() {
        assert_eq!(size_of::<Timestamp>(), size_of::<Box<str>>());
        assert_eq!(size_of::<Option<Date>>(), size_of::<Box<str>>());
        let since: Timestamp = "2024-01-01T00:00:00+01:00".parse().expect("valid");
        let query = [("since", crate::request::one(Some(&since)))];
        let options = crate::request::RequestOptions::default();
        let request = crate::request::Request::build(reqwest::Method::GET, "/x", &[], &query, &options);
        assert_eq!(request.expect("a request").query.as_str(), "since=2024-01-01T00%3A00%3A00%2B01%3A00");
    }

    #[test]
    fn dates_are_read_and_kept() {
        let date: Date = serde_json::from_str(r#""2024-02-29""#).expect("a string");
        assert_eq!((date.year(), date.month(), date.day()), (Some(2024), Some(2), Some(29)));
        assert_eq!(Date::new(2024, 2, 29), Some(date));
        assert_eq!(Date::new(2023, 2, 29), None);
        for malformed in ["2023-02-29", "2023-02-01T10:00:00Z", "soon", ""] {
            let date: Date = serde_json::from_value(serde_json::json!(malformed)).expect("any string decodes");
            assert!(!date.is_valid(), "{malformed}");
            assert_eq!(serde_json::to_value(&date).expect("a string"), serde_json::json!(malformed));
        }
        assert!("2023-13-01".parse::<Date>().is_err());
    }
}
