//! Support for the generated integer fields: integers decoded leniently, so that a server that
//! writes a count as `30.0` is understood, while `30.5` or a value out of range is still an error
//! (at the value's JSON path, like any other decode error).
//!
//! The emitted code decodes every value whose type holds an integer (`u64`, `Option<i32>`,
//! `Vec<u64>`, `BTreeMap<String, Vec<i64>>`, ...) through [`Lenient`], or through
//! [`deserialize`] where serde's `deserialize_with` is the only way in (a variant of a union).

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A type that holds integers and decodes them leniently: an integral float is accepted as the
/// integer it equals.
pub trait Integers: Sized {
    /// Decodes `Self`, reading every integer in it leniently.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// A value of `T` decoded leniently (see [`Integers`]); `.0` is the value.
#[derive(Debug)]
pub struct Lenient<T>(pub T);

impl<'de, T: Integers> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(deserializer).map(Lenient)
    }
}

/// Decodes a `T` leniently, for `#[serde(deserialize_with = "...")]`.
pub fn deserialize<'de, D: Deserializer<'de>, T: Integers>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_lenient(deserializer)
}

/// Implements [`Integers`] for a primitive integer: JSON integers in range, and floats that are
/// whole numbers in range.
macro_rules! integer {
    ($($ty:ty),*) => {$(
        impl Integers for $ty {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntegerVisitor::<$ty>(PhantomData))
            }
        }

        impl Visitor<'_> for IntegerVisitor<$ty> {
            type Value = $ty;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!("an integer (", stringify!($ty), ")"))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                <$ty>::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                <$ty>::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<$ty, E> {
                // A whole number within the type's range converts exactly: the bounds are powers
                // of two (minus one for the maximum, which `<` against the next power excludes).
                let whole = v.fract() == 0.0;
                #[allow(clippy::cast_precision_loss, reason = "the bounds are powers of two, exact as floats")]
                let in_range = v >= <$ty>::MIN as f64 && v < (<$ty>::MAX as f64) + 1.0;
                if whole && in_range {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "checked just above")]
                    Ok(v as $ty)
                } else {
                    Err(E::invalid_value(Unexpected::Float(v), &self))
                }
            }
        }
    )*};
}

/// Visits a JSON number as the integer type `T`.
struct IntegerVisitor<T>(PhantomData<T>);

integer!(i32, i64, u32, u64);

impl<T: Integers> Integers for Option<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<Lenient<T>>::deserialize(deserializer)?.map(|value| value.0))
    }
}

impl<T: Integers> Integers for Box<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(deserializer).map(Box::new)
    }
}

impl<T: Integers> Integers for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `Lenient<T>` has `T`'s layout, so the standard library collects in place.
        Ok(Vec::<Lenient<T>>::deserialize(deserializer)?.into_iter().map(|value| value.0).collect())
    }
}

impl<T: Integers> Integers for BTreeMap<String, T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, Lenient<T>>::deserialize(deserializer)?.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode<T: Integers>(json: &str) -> Result<T, String> {
        serde_json::from_str::<Lenient<T>>(json).map(|value| value.0).map_err(|e| e.to_string())
    }

    #[test]
    fn integral_floats_decode_as_integers() {
        assert_eq!(decode::<u64>("30.0"), Ok(30));
        assert_eq!(decode::<u64>("30"), Ok(30));
        assert_eq!(decode::<i32>("-7.0"), Ok(-7));
        assert_eq!(decode::<i64>("1e3"), Ok(1000));
        assert_eq!(decode::<u32>("0.0"), Ok(0));
        assert_eq!(decode::<i64>("-0.0"), Ok(0));
    }

    #[test]
    fn fractions_and_out_of_range_values_are_errors() {
        let fraction = decode::<u64>("30.5").expect_err("a fraction");
        assert!(fraction.contains("floating point `30.5`, expected an integer (u64)"), "{fraction}");
        let negative = decode::<u64>("-1").expect_err("negative");
        assert!(negative.contains("integer `-1`, expected an integer (u64)"), "{negative}");
        assert!(decode::<i32>("2147483648").is_err());
        assert_eq!(decode::<i32>("2147483647"), Ok(i32::MAX));
        assert!(decode::<i32>("2147483648.0").is_err());
        assert_eq!(decode::<i32>("-2147483648.0"), Ok(i32::MIN));
        assert!(decode::<u64>("18446744073709551616.0").is_err());
        assert!(decode::<i64>("9223372036854775808.0").is_err());
        assert!(decode::<u32>("\"30\"").is_err());
        assert!(decode::<u32>("NaN").is_err());
    }

    #[test]
    fn containers_decode_their_integers_leniently() {
        assert_eq!(decode::<Option<u64>>("null"), Ok(None));
        assert_eq!(decode::<Option<u64>>("2.0"), Ok(Some(2)));
        assert_eq!(decode::<Vec<i64>>("[1, 2.0, -3.0]"), Ok(vec![1, 2, -3]));
        assert_eq!(decode::<Box<u32>>("4.0"), Ok(Box::new(4)));
        let map = decode::<BTreeMap<String, Vec<Option<u32>>>>(r#"{"a": [1.0, null]}"#);
        assert_eq!(map, Ok(BTreeMap::from([("a".to_owned(), vec![Some(1), None])])));
        let nested = decode::<Vec<Vec<u32>>>("[[1.0], [2.5]]").expect_err("a fraction deep inside");
        assert!(nested.contains("30.5") || nested.contains("2.5"), "{nested}");
    }

    #[test]
    fn deserialize_with_decodes_leniently() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(untagged)]
        enum Either {
            #[serde(deserialize_with = "super::deserialize")]
            Count(u64),
            Text(String),
        }
        assert_eq!(serde_json::from_str::<Either>("5.0").ok(), Some(Either::Count(5)));
        assert_eq!(serde_json::from_str::<Either>("\"x\"").ok(), Some(Either::Text("x".to_owned())));
    }
}
