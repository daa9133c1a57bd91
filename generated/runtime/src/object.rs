//! Support for the generated structs: [`UnknownFields`], which keeps the properties a struct does
//! not know, and the decoding machinery of the emitted `Deserialize` impls.
//!
//! An emitted struct implements [`Object`] (a `visit` that reads its known keys and keeps the
//! rest) and its `Deserialize` calls [`deserialize`]. Keys are matched with [`Keys`] as serde's
//! derive matches them (a borrowed `&str`, no allocation for a known key), so decoding costs what
//! a derived impl does until a key is unknown. `#[serde(flatten)]` would instead buffer every
//! value of the object before decoding it.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;

/// The properties of an object that its type does not declare, kept as JSON by name and written
/// back when the value is serialized, so that nothing the server sends is lost.
///
/// One pointer wide and empty (no allocation) until a property is kept.
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Map<String, Value>>>);

impl UnknownFields {
    /// The value of the property `name`, if it was kept.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.as_ref().and_then(|map| map.get(name))
    }

    /// Keeps `value` as the property `name` (sent when the value is serialized); returns the
    /// value it replaces.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.0.get_or_insert_default().insert(name.into(), value)
    }

    /// Removes the property `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.as_mut().and_then(|map| map.remove(name))
    }

    /// The kept properties, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|map| map.iter())
    }

    /// How many properties are kept.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// Whether no property is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kept properties as a JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(map: Map<String, Value>) -> Self {
        UnknownFields((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl PartialEq for UnknownFields {
    /// The same properties with the same values (an emptied map equals one never filled).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(name, value)| other.get(name) == Some(value))
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for UnknownFields {
    /// A map of the properties: flattened into the struct that holds it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for UnknownFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(UnknownFields::from)
    }
}

/// A struct whose emitted `Deserialize` reads a JSON object key by key.
pub trait Object: Sized {
    /// What a value that is not an object was expected to be, for error messages.
    const EXPECTING: &'static str;

    /// Reads the object's entries into `Self`.
    fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes a `T` from a JSON object.
pub fn deserialize<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    // As a struct, like serde's derived impls: serde_json then also offers an array to the visitor.
    deserializer.deserialize_struct(T::EXPECTING, &[], ObjectVisitor(PhantomData))
}

/// Visits an object as `T`.
struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map)
    }

    /// An empty array reads as an empty object, as serde's derived impls read it (a struct whose
    /// fields are all optional decodes, with none set); any other array is an error.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        T::visit(de::value::MapDeserializer::new(std::iter::empty::<((), ())>()))
    }
}

/// The index [`Keys`] gives a key the type does not declare (whose text it writes aside).
pub const UNKNOWN: usize = usize::MAX;

/// Reads a key and matches it with the function (from a key to a known property's index): the
/// index, or [`UNKNOWN`] with the key written into the string. A plain index keeps the loop over
/// the entries as light as derived code's.
#[derive(Debug)]
pub struct Keys<'a, F>(pub F, pub &'a mut String);

impl<'de, F: FnOnce(&str) -> Option<usize>> DeserializeSeed<'de> for Keys<'_, F> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<F: FnOnce(&str) -> Option<usize>> Visitor<'_> for Keys<'_, F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(match (self.0)(key) {
            Some(index) => index,
            None => {
                self.1.clear();
                self.1.push_str(key);
                UNKNOWN
            }
        })
    }
}

/// Stores the value of the property `name`, which is an error if it was given before.
pub fn put<T, E: de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

/// The error of a required property that is missing.
pub fn missing<E: de::Error>(name: &'static str) -> E {
    E::missing_field(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the generator emits for `{a: integer (required), b: string}`.
    #[derive(Debug, PartialEq, serde::Serialize)]
    struct Sample {
        a: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
        #[serde(flatten)]
        unknown_fields: UnknownFields,
    }

    impl Object for Sample {
        const EXPECTING: &'static str = "an object (Sample)";

        fn visit<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut f0: Option<u64> = None;
            let mut f1: Option<Option<String>> = None;
            let mut unknown_fields = UnknownFields::default();
            let mut name = String::new();
            let keys = |key: &str| match key {
                "a" => Some(0),
                "b" => Some(1),
                _ => None,
            };
            while let Some(key) = map.next_key_seed(Keys(keys, &mut name))? {
                match key {
                    0 => put(&mut f0, map.next_value::<crate::numbers::Lenient<u64>>()?.0, "a")?,
                    1 => put(&mut f1, map.next_value()?, "b")?,
                    _ => {
                        unknown_fields.insert(std::mem::take(&mut name), map.next_value()?);
                    }
                }
            }
            Ok(Sample { a: f0.ok_or_else(|| missing("a"))?, b: f1.flatten(), unknown_fields })
        }
    }

    impl<'de> serde::Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    #[test]
    fn unknown_properties_are_kept_and_written_back() {
        let value = json!({"a": 1, "z": {"deep": [1, 2]}, "b": "x", "y": null});
        let sample: Sample = serde_json::from_value(value.clone()).expect("decodes");
        assert_eq!(sample.a, 1);
        assert_eq!(sample.unknown_fields.get("z"), Some(&json!({"deep": [1, 2]})));
        assert_eq!(sample.unknown_fields.get("y"), Some(&Value::Null));
        assert_eq!(sample.unknown_fields.len(), 2);
        assert_eq!(serde_json::to_value(&sample).expect("serializes"), value);
        let text = r#"{"a":2.0,"b":null}"#;
        let sample: Sample = serde_json::from_str(text).expect("decodes");
        assert_eq!((sample.a, sample.b.as_deref(), sample.unknown_fields.is_empty()), (2, None, true));
    }

    #[test]
    fn missing_duplicate_and_wrong_shapes_are_errors() {
        let missing = serde_json::from_str::<Sample>(r#"{"b": "x"}"#).expect_err("a is required");
        assert_eq!(missing.to_string(), "missing field `a` at line 1 column 10");
        let twice = serde_json::from_str::<Sample>(r#"{"a": 1, "a": 2}"#).expect_err("a twice");
        assert!(twice.to_string().starts_with("duplicate field `a`"), "{twice}");
        let array = serde_json::from_str::<Sample>("[1]").expect_err("not an object");
        assert!(array.to_string().contains("expected an object (Sample)"), "{array}");
        let empty = serde_json::from_str::<Sample>("[]").expect_err("a is required");
        assert!(empty.to_string().starts_with("missing field `a`"), "{empty}");
        let number = serde_json::from_str::<Sample>("1").expect_err("not an object");
        assert!(number.to_string().contains("expected an object (Sample)"), "{number}");
        let escaped: Sample = serde_json::from_str(r#"{"\u0061": 3}"#).expect("an escaped known key");
        assert_eq!(escaped.a, 3);
    }

    #[test]
    fn unknown_fields_are_one_pointer_and_build_by_hand() {
        assert_eq!(size_of::<UnknownFields>(), size_of::<usize>());
        let mut fields = UnknownFields::default();
        assert_eq!(format!("{fields:?}"), "{}");
        assert_eq!(fields.insert("k", json!(1)), None);
        assert_eq!(fields.remove("k"), Some(json!(1)));
        assert!(fields.is_empty());
        assert_eq!(UnknownFields::from(Map::new()), UnknownFields::default());
    }
}
