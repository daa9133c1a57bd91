//! Query strings (and the other places that use the same `name=value` form: cookies and
//! `application/x-www-form-urlencoded` bodies): each OpenAPI parameter style and `explode`, with
//! RFC 3986 percent-encoding.
//!
//! The styles follow the table of the OpenAPI 3.0 specification ("Style Examples"): for a value
//! `blue,black,brown` or `{R: 100, G: 200}` named `color`,
//!
//! | style | explode | array | object |
//! | --- | --- | --- | --- |
//! | form | true | `color=blue&color=black&color=brown` | `R=100&G=200` |
//! | form | false | `color=blue,black,brown` | `color=R,100,G,200` |
//! | spaceDelimited | false | `color=blue%20black%20brown` | `color=R%20100%20G%20200` |
//! | pipeDelimited | false | `color=blue\|black\|brown` | `color=R\|100\|G\|200` |
//! | deepObject | true | `color[0]=blue&color[1]=black` | `color[R]=100&color[G]=200` |
//!
//! Every byte outside RFC 3986 `unreserved` is percent-encoded in names and values, so a
//! delimiter inside a value (`,` `|` space) never reads as one. With `allowReserved`, the
//! reserved characters that keep their meaning inside a query value (`:/?[]@!$'()*,;`) are sent
//! as they are; `#`, `&`, `=`, `+` and `%` are still encoded, since they would end the query,
//! split it, or be read as a space or an escape. What the table leaves open is decided here and
//! documented on each case: nested objects are sent as JSON text except in `deepObject`, where
//! they nest (`color[a][b]=v`), and arrays inside `deepObject` are indexed (`color[0]=v`), the
//! form that PHP, the `qs` package and Stripe's own client libraries read.

use std::fmt::{self, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

/// Every byte outside RFC 3986 `unreserved` (ALPHA DIGIT `-` `.` `_` `~`) is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// With `allowReserved`: the reserved characters that mean nothing special inside a query value
/// stay as they are.
const RESERVED_ALLOWED: &AsciiSet = &ENCODE
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';');

/// The value of one query parameter, as an operation hands it to [`Request::build`](crate::request::Request::build).
#[allow(missing_debug_implementations, reason = "built and consumed within one call to `Request::build`")]
pub enum QueryValue<'a> {
    /// Not set: nothing is sent.
    Absent,
    /// `name=value`, formatted with `Display`.
    One(&'a dyn fmt::Display),
    /// A list, written as the style says (see [`DisplayList::push_to`]).
    List(&'a dyn DisplayList, ListStyle),
    /// A value written through JSON (an object, a union, a map, a list in `deepObject`), its
    /// properties written as the style says; or why it cannot be written as one, which
    /// `Request::build` reports after the path parameters, in the parameters' order.
    Object(Result<Value, String>, ObjectStyle),
    /// The parameter has `allowReserved: true`: its value keeps RFC 3986's reserved characters
    /// that are harmless in a query value (see the module's documentation).
    Reserved(Box<QueryValue<'a>>),
}

/// How a list query parameter is written, so that a call site says it by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// `name=a&name=b` (`style: form, explode: true`, the OpenAPI default; also
    /// `spaceDelimited` and `pipeDelimited` when exploded).
    Repeated,
    /// `name=a,b` (`style: form, explode: false`).
    CommaSeparated,
    /// `name=a%20b` (`style: spaceDelimited, explode: false`).
    SpaceDelimited,
    /// `name=a|b` (`style: pipeDelimited, explode: false`).
    PipeDelimited,
}

/// How a query parameter written through JSON (an object, a union, a map) is written, so that a
/// call site says it by name. A scalar value is `name=value` in every style, and a list is
/// written as the [`ListStyle`] of the same name (indexed in `Deep`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `key=value` for each property (`style: form, explode: true`, the OpenAPI default).
    Form,
    /// `name=key,value,key,value` (`style: form, explode: false`).
    CommaSeparated,
    /// `name=key%20value%20key%20value` (`style: spaceDelimited, explode: false`).
    SpaceDelimited,
    /// `name=key|value|key|value` (`style: pipeDelimited, explode: false`).
    PipeDelimited,
    /// `name[key]=value` for each property (`style: deepObject`).
    Deep,
}

impl ObjectStyle {
    /// The text between the items of a delimited style (already encoded).
    fn delimiter(self) -> Option<&'static str> {
        match self {
            ObjectStyle::CommaSeparated => Some(","),
            ObjectStyle::SpaceDelimited => Some("%20"),
            ObjectStyle::PipeDelimited => Some("|"),
            ObjectStyle::Form | ObjectStyle::Deep => None,
        }
    }
}

impl ListStyle {
    fn delimiter(self) -> Option<&'static str> {
        match self {
            ListStyle::Repeated => None,
            ListStyle::CommaSeparated => Some(","),
            ListStyle::SpaceDelimited => Some("%20"),
            ListStyle::PipeDelimited => Some("|"),
        }
    }
}

/// A scalar parameter, if set.
pub fn one<T: fmt::Display>(value: Option<&T>) -> QueryValue<'_> {
    match value {
        Some(value) => QueryValue::One(value),
        None => QueryValue::Absent,
    }
}

/// A list parameter, if set.
pub fn list<T: fmt::Display>(values: Option<&Vec<T>>, style: ListStyle) -> QueryValue<'_> {
    match values {
        Some(values) => QueryValue::List(values, style),
        None => QueryValue::Absent,
    }
}

/// A parameter written through JSON, if set (see [`ObjectStyle`]). The encoding is compiled
/// only with an operation that has such a parameter.
pub fn object<T: serde::Serialize>(value: Option<&T>, style: ObjectStyle) -> QueryValue<'static> {
    match value {
        Some(value) => QueryValue::Object(serde_json::to_value(value).map_err(|e| e.to_string()), style),
        None => QueryValue::Absent,
    }
}

/// The same value, with `allowReserved: true`.
pub fn reserved(value: QueryValue<'_>) -> QueryValue<'_> {
    match value {
        QueryValue::Absent => QueryValue::Absent,
        other => QueryValue::Reserved(Box::new(other)),
    }
}

/// A header or path value written through JSON in the `simple` style: a list `a,b`, an object
/// `key,value,key,value` or, exploded, `key=value,key=value`, a scalar as it is. Not
/// percent-encoded: a header value is checked when it is set, a path value encoded as a segment.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming the parameter when the value
/// does not serialize.
pub fn simple<T: serde::Serialize>(name: &'static str, value: &T, explode: bool) -> Result<String, crate::Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| crate::Error::invalid_argument(name, format!("could not be serialized: {e}")))?;
    let items: Vec<String> = match &value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries
                .into_iter()
                .map(|(key, value)| {
                    if explode {
                        format!("{key}={}", scalar_text(value))
                    } else {
                        format!("{key},{}", scalar_text(value))
                    }
                })
                .collect()
        }
        Value::Array(items) => items.iter().filter(|item| !item.is_null()).map(scalar_text).collect(),
        Value::Null => Vec::new(),
        scalar => vec![scalar_text(scalar)],
    };
    Ok(items.join(","))
}

/// The values of a list parameter, whatever their type.
pub trait DisplayList {
    /// Appends the values to `query` in `style` (see [`ListStyle`]; a delimiter inside a value is
    /// percent-encoded). An empty list adds nothing.
    fn push_to(&self, query: &mut Query, name: &str, style: ListStyle);
}

impl<T: fmt::Display> DisplayList for Vec<T> {
    fn push_to(&self, query: &mut Query, name: &str, style: ListStyle) {
        for (i, value) in self.iter().enumerate() {
            match style.delimiter() {
                Some(delimiter) if i > 0 => query.encoded.push_str(delimiter),
                _ => query.start(name),
            }
            query.push_encoded_value(value);
        }
    }
}

/// Query string builder: keeps insertion order, RFC 3986 percent-encoding (space as `%20`).
#[derive(Debug, Clone, Default)]
pub struct Query {
    encoded: String,
    /// Whether values being written keep the reserved characters allowed by `allowReserved`.
    reserved: bool,
}

impl Query {
    /// Appends `name=value`; the value is formatted with `Display` (booleans `true`/`false`, enums their wire value).
    pub(crate) fn push(&mut self, name: &str, value: &dyn fmt::Display) {
        self.start(name);
        self.push_encoded_value(value);
    }

    /// Appends one parameter's value.
    pub(crate) fn push_value(&mut self, name: &'static str, value: &QueryValue<'_>) -> Result<(), String> {
        match value {
            QueryValue::Absent => {}
            QueryValue::One(value) => self.push(name, *value),
            QueryValue::List(values, style) => values.push_to(self, name, *style),
            QueryValue::Object(Ok(value), style) => self.push_json(name, value, *style),
            QueryValue::Object(Err(reason), _) => return Err(reason.clone()),
            QueryValue::Reserved(inner) => {
                self.reserved = true;
                let result = self.push_value(name, inner);
                self.reserved = false;
                result?;
            }
        }
        Ok(())
    }

    /// Appends a value written through JSON in `style` (see [`ObjectStyle`]). Absent and `null`
    /// properties and items are left out; an empty object or list adds nothing.
    pub(crate) fn push_json(&mut self, name: &str, value: &Value, style: ObjectStyle) {
        match value {
            Value::Null => {}
            Value::Object(map) => {
                // Keys in sorted order, whatever map type serde_json was built with.
                let mut entries: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                match style {
                    ObjectStyle::Form => {
                        for (key, value) in entries {
                            match value {
                                // An exploded object's list property repeats its key.
                                Value::Array(_) => self.push_json(key, value, ObjectStyle::Form),
                                // Nested objects have no form in the table: sent as JSON text.
                                other => self.push_pair(key, &scalar_text(other)),
                            }
                        }
                    }
                    ObjectStyle::Deep => {
                        for (key, value) in entries {
                            self.push_json(&format!("{name}[{key}]"), value, ObjectStyle::Deep);
                        }
                    }
                    delimited => {
                        let items =
                            entries.into_iter().flat_map(|(key, value)| [Value::from(key.as_str()), value.clone()]);
                        self.push_delimited(name, items.collect(), delimited);
                    }
                }
            }
            Value::Array(items) => match style {
                ObjectStyle::Form => {
                    for item in items.iter().filter(|item| !item.is_null()) {
                        self.push_pair(name, &scalar_text(item));
                    }
                }
                ObjectStyle::Deep => {
                    for (index, item) in items.iter().filter(|item| !item.is_null()).enumerate() {
                        self.push_json(&format!("{name}[{index}]"), item, ObjectStyle::Deep);
                    }
                }
                delimited => self.push_delimited(name, items.clone(), delimited),
            },
            scalar => self.push_pair(name, &scalar_text(scalar)),
        }
    }

    /// `name=a,b,c` with the style's delimiter between the (encoded) items.
    fn push_delimited(&mut self, name: &str, items: Vec<Value>, style: ObjectStyle) {
        let delimiter = style.delimiter().unwrap_or(",");
        for (i, item) in items.iter().filter(|item| !item.is_null()).enumerate() {
            if i == 0 {
                self.start(name);
            } else {
                self.encoded.push_str(delimiter);
            }
            self.push_encoded(&scalar_text(item));
        }
    }

    /// Appends `name=value`, both percent-encoded.
    pub(crate) fn push_pair(&mut self, name: &str, value: &str) {
        self.start(name);
        self.push_encoded(value);
    }

    /// `true` when nothing was pushed.
    pub(crate) fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }

    /// The encoded query string, without the leading `?`.
    pub(crate) fn as_str(&self) -> &str {
        &self.encoded
    }

    fn start(&mut self, name: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        self.encoded.extend(utf8_percent_encode(name, ENCODE));
        self.encoded.push('=');
    }

    fn push_encoded(&mut self, value: &str) {
        let set = if self.reserved { RESERVED_ALLOWED } else { ENCODE };
        self.encoded.extend(utf8_percent_encode(value, set));
    }

    fn push_encoded_value(&mut self, value: &dyn fmt::Display) {
        let mut raw = String::new();
        // Writing to a String cannot fail unless the Display impl itself errors.
        let _ = write!(raw, "{value}");
        self.push_encoded(&raw);
    }
}

/// The text of a value inside a query: a string as it is, a number or boolean as JSON writes it,
/// and anything else (an object or list where the style has no form for it) as JSON text.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(name: &'static str, value: QueryValue<'_>) -> String {
        let mut query = Query::default();
        query.push_value(name, &value).expect("writable");
        query.encoded
    }

    /// The OpenAPI 3.0 style table, with the values of its examples.
    #[test]
    fn the_style_table() {
        let array = vec!["blue", "black", "brown"];
        let rgb = serde_json::json!({"R": 100, "G": 200, "B": 150});
        let table: [(QueryValue<'_>, &str); 12] = [
            (one(Some(&"blue")), "color=blue"),
            (list(Some(&array), ListStyle::Repeated), "color=blue&color=black&color=brown"),
            (list(Some(&array), ListStyle::CommaSeparated), "color=blue,black,brown"),
            (list(Some(&array), ListStyle::SpaceDelimited), "color=blue%20black%20brown"),
            (list(Some(&array), ListStyle::PipeDelimited), "color=blue|black|brown"),
            (object(Some(&rgb), ObjectStyle::Form), "B=150&G=200&R=100"),
            (object(Some(&rgb), ObjectStyle::CommaSeparated), "color=B,150,G,200,R,100"),
            (object(Some(&rgb), ObjectStyle::SpaceDelimited), "color=B%20150%20G%20200%20R%20100"),
            (object(Some(&rgb), ObjectStyle::PipeDelimited), "color=B|150|G|200|R|100"),
            (object(Some(&rgb), ObjectStyle::Deep), "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100"),
            (object(Some(&array), ObjectStyle::Deep), "color%5B0%5D=blue&color%5B1%5D=black&color%5B2%5D=brown"),
            (object(Some(&5), ObjectStyle::Deep), "color=5"),
        ];
        for (value, expected) in table {
            assert_eq!(written("color", value), expected);
        }
    }

    #[test]
    fn simple_style() {
        let rgb = serde_json::json!({"R": 100, "G": 200, "none": null});
        assert_eq!(simple("color", &rgb, false).expect("serializable"), "G,200,R,100");
        assert_eq!(simple("color", &rgb, true).expect("serializable"), "G=200,R=100");
        assert_eq!(simple("color", &vec![1, 2], false).expect("serializable"), "1,2");
        assert_eq!(simple("color", &"x y", true).expect("serializable"), "x y");
    }

    #[test]
    fn delimiters_inside_values_are_encoded() {
        let values = vec!["a,b", "c|d", "e f"];
        assert_eq!(written("x", list(Some(&values), ListStyle::CommaSeparated)), "x=a%2Cb,c%7Cd,e%20f");
        assert_eq!(written("x", list(Some(&values), ListStyle::PipeDelimited)), "x=a%2Cb|c%7Cd|e%20f");
        assert_eq!(written("x", list(Some(&Vec::<String>::new()), ListStyle::PipeDelimited)), "");
    }

    #[test]
    fn allow_reserved_keeps_only_harmless_reserved_characters() {
        let value = "a/b?c:d@e[f]!$'()*,;#&=+%";
        assert_eq!(written("q", reserved(one(Some(&value)))), "q=a/b?c:d@e[f]!$'()*,;%23%26%3D%2B%25");
        assert_eq!(
            written("q", one(Some(&value))),
            "q=a%2Fb%3Fc%3Ad%40e%5Bf%5D%21%24%27%28%29%2A%2C%3B%23%26%3D%2B%25"
        );
        assert!(matches!(reserved(one::<u8>(None)), QueryValue::Absent));
    }

    #[test]
    fn nested_values_nest_in_deep_objects_and_are_json_elsewhere() {
        let value = serde_json::json!({"a": {"b": [1, {"c": "d"}]}, "n": null, "s": "x y"});
        assert_eq!(
            written("f", object(Some(&value), ObjectStyle::Deep)),
            "f%5Ba%5D%5Bb%5D%5B0%5D=1&f%5Ba%5D%5Bb%5D%5B1%5D%5Bc%5D=d&f%5Bs%5D=x%20y"
        );
        assert_eq!(
            written("f", object(Some(&value), ObjectStyle::Form)),
            "a=%7B%22b%22%3A%5B1%2C%7B%22c%22%3A%22d%22%7D%5D%7D&s=x%20y"
        );
    }
}
