//! `allOf` over scalars: members that are not objects (`{type: string}` with `{maxLength: 5}`,
//! `{type: integer}` with `{minimum: 0}`, `{type: string}` with `{enum: [a, b]}`) are merged into
//! one schema, so that each member's constraints count (a minimum of 0 makes the integer
//! unsigned, an enum makes the string an enum) instead of all but one member being dropped.
//!
//! The merge is the intersection the members describe: bounds take the tighter value, enum
//! values those every member allows, and a format, pattern or length the first member that
//! gives one. Members of different types cannot all hold; the first type wins, with a warning.

use super::Lowerer;
use crate::pointer::Pointer;
use openapiv3::{AnySchema, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

impl Lowerer<'_> {
    /// The merge of flattened inline `allOf` members none of which is an object, if one of them
    /// says the value's type.
    pub(super) fn merge_scalar_members(&mut self, members: &[(&Schema, Pointer)]) -> Option<Schema> {
        let (base_index, (base, _)) =
            members.iter().enumerate().find(|(_, (schema, _))| matches!(schema.schema_kind, SchemaKind::Type(_)))?;
        let mut merged = (*base).clone();
        for (index, (member, at)) in members.iter().enumerate() {
            if index == base_index {
                continue;
            }
            match (&mut merged.schema_kind, &member.schema_kind) {
                (SchemaKind::Type(base), SchemaKind::Any(any)) => narrow_by_any(base, any),
                (SchemaKind::Type(base), SchemaKind::Type(other)) => {
                    let kept = narrow_by_type(base, other);
                    if !kept {
                        self.diagnostics.warning(
                            at,
                            "this allOf member's type differs from an earlier member's; no value can be both, \
                             and the earlier type is kept",
                        );
                    }
                }
                _ => {}
            }
            // Annotations of later members fill what earlier ones leave open.
            let data = &mut merged.schema_data;
            data.nullable |= member.schema_data.nullable;
            if data.description.is_none() {
                data.description.clone_from(&member.schema_data.description);
            }
            if data.default.is_none() {
                data.default.clone_from(&member.schema_data.default);
            }
        }
        Some(merged)
    }
}

/// Narrows a typed schema by a member without a type (`{minimum: 0}`, `{enum: [...]}`).
fn narrow_by_any(base: &mut Type, any: &AnySchema) {
    match base {
        Type::String(string) => {
            let values: Vec<Option<String>> =
                any.enumeration.iter().filter_map(|value| value.as_str().map(|v| Some(v.to_owned()))).collect();
            intersect(&mut string.enumeration, values);
            string.pattern = string.pattern.take().or_else(|| any.pattern.clone());
            string.min_length = tighter(string.min_length, any.min_length, usize::max);
            string.max_length = tighter(string.max_length, any.max_length, usize::min);
            if matches!(string.format, VariantOrUnknownOrEmpty::Empty)
                && let Some(format) = &any.format
            {
                string.format = VariantOrUnknownOrEmpty::Unknown(format.clone());
            }
        }
        Type::Integer(integer) => {
            // Bounds in a member without a type are floats: the tighter whole bound is kept.
            integer.minimum = tighter(integer.minimum, any.minimum.map(|m| m.ceil() as i64), i64::max);
            integer.maximum = tighter(integer.maximum, any.maximum.map(|m| m.floor() as i64), i64::min);
            integer.exclusive_minimum |= any.exclusive_minimum.unwrap_or(false);
            integer.exclusive_maximum |= any.exclusive_maximum.unwrap_or(false);
            let values: Vec<Option<i64>> = any.enumeration.iter().filter_map(|v| v.as_i64().map(Some)).collect();
            intersect(&mut integer.enumeration, values);
        }
        Type::Number(number) => {
            number.minimum = tighter(number.minimum, any.minimum, f64::max);
            number.maximum = tighter(number.maximum, any.maximum, f64::min);
            number.exclusive_minimum |= any.exclusive_minimum.unwrap_or(false);
            number.exclusive_maximum |= any.exclusive_maximum.unwrap_or(false);
        }
        Type::Array(array) => {
            array.min_items = tighter(array.min_items, any.min_items, usize::max);
            array.max_items = tighter(array.max_items, any.max_items, usize::min);
        }
        Type::Boolean(_) | Type::Object(_) => {}
    }
}

/// Narrows a typed schema by another of the same type; `false` when the types differ.
fn narrow_by_type(base: &mut Type, other: &Type) -> bool {
    match (base, other) {
        (Type::String(base), Type::String(other)) => {
            intersect(&mut base.enumeration, other.enumeration.clone());
            base.pattern = base.pattern.take().or_else(|| other.pattern.clone());
            base.min_length = tighter(base.min_length, other.min_length, usize::max);
            base.max_length = tighter(base.max_length, other.max_length, usize::min);
            if matches!(base.format, VariantOrUnknownOrEmpty::Empty) {
                base.format = other.format.clone();
            }
            true
        }
        (Type::Integer(base), Type::Integer(other)) => {
            base.minimum = tighter(base.minimum, other.minimum, i64::max);
            base.maximum = tighter(base.maximum, other.maximum, i64::min);
            base.exclusive_minimum |= other.exclusive_minimum;
            base.exclusive_maximum |= other.exclusive_maximum;
            intersect(&mut base.enumeration, other.enumeration.clone());
            if matches!(base.format, VariantOrUnknownOrEmpty::Empty) {
                base.format = other.format.clone();
            }
            true
        }
        (Type::Number(base), Type::Number(other)) => {
            base.minimum = tighter(base.minimum, other.minimum, f64::max);
            base.maximum = tighter(base.maximum, other.maximum, f64::min);
            base.exclusive_minimum |= other.exclusive_minimum;
            base.exclusive_maximum |= other.exclusive_maximum;
            true
        }
        (Type::Boolean(_), Type::Boolean(_)) | (Type::Array(_), Type::Array(_)) => true,
        _ => false,
    }
}

/// Both bounds combined with `pick` (max for lower bounds, min for upper), or the one given.
fn tighter<T>(a: Option<T>, b: Option<T>, pick: fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// The enum values both lists allow; an empty list allows every value.
fn intersect<T: PartialEq>(values: &mut Vec<T>, other: Vec<T>) {
    if values.is_empty() {
        *values = other;
    } else if !other.is_empty() {
        values.retain(|value| other.contains(value));
    }
}
