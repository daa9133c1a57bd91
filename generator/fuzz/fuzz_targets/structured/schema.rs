//! Schemas of the `structured` target: their shapes, `$ref`s, and their rendering to JSON by the
//! rendering context `Ctx` (which knows what the `$ref`s of a document can point to).

use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

use crate::names::{Name, Scalar, Text};

/// A `$ref` to a component.
#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Ref {
    /// A component that exists (by index into its section; a missing one if the section is empty).
    Existing(u8),
    /// A component of this section that does not exist.
    Missing(Name),
    /// An existing component, its name not escaped as a JSON pointer token (`a/b` stays `a/b`).
    Unescaped(u8),
    /// A component of another section (`#/components/parameters/x` used as a schema).
    OtherSection(u8),
    /// Not a local reference.
    External,
    /// `#`, `#/`, `#/components/schemas/`: references that name no component.
    Degenerate(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum StrFormat {
    DateTime,
    Date,
    Password,
    Byte,
    Binary,
    Uuid,
    Email,
    Uri,
    Datetime,
    Custom,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum IntFormat {
    Int32,
    Int64,
    Unknown,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum NumFormat {
    Float,
    Double,
    Unknown,
}

/// An entry of `required`.
#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Required {
    /// One of the object's own properties (by index).
    Property(u8),
    /// Any name (possibly not a property).
    Name(Name),
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Additional {
    Bool(bool),
    Schema(Box<Schema>),
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Discriminator {
    pub(crate) property: Required,
    pub(crate) mapping: Vec<(Name, Ref)>,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) enum Kind {
    Ref(Ref),
    String {
        format: Option<StrFormat>,
        values: Option<Vec<Option<Name>>>,
        pattern: bool,
        min_length: Option<u8>,
    },
    Integer {
        format: Option<IntFormat>,
        minimum: Option<i16>,
        maximum: Option<i16>,
    },
    Number {
        format: Option<NumFormat>,
        minimum: Option<i16>,
    },
    Boolean,
    Object {
        typed: bool,
        properties: Vec<(Name, Schema)>,
        required: Vec<Required>,
        additional: Option<Additional>,
    },
    Array {
        typed: bool,
        items: Option<Box<Schema>>,
    },
    AllOf {
        typed_object: bool,
        members: Vec<Schema>,
        properties: Vec<(Name, Schema)>,
    },
    OneOf {
        members: Vec<Schema>,
        discriminator: Option<Discriminator>,
    },
    AnyOf {
        members: Vec<Schema>,
        discriminator: Option<Discriminator>,
    },
    /// `enum` of a single string, the constant that tags union members.
    Constant(Name),
    /// `enum` without `type`, of mixed values.
    UntypedEnum(Vec<Scalar>),
    /// Keywords without `type`, from which the generator infers one.
    Untyped {
        minimum: Option<i16>,
        maximum: Option<Scalar>,
        pattern: bool,
        items: Option<Box<Schema>>,
    },
    Not(Box<Schema>),
    /// `{}`: any value.
    Empty,
    /// `type: null` (OpenAPI 3.1 style, seen in 3.0 documents).
    Null,
    /// An unknown `type`.
    UnknownType(Name),
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Schema {
    pub(crate) kind: Kind,
    pub(crate) nullable: Option<bool>,
    pub(crate) title: Option<Name>,
    pub(crate) description: Option<Text>,
    pub(crate) default: Option<Scalar>,
    pub(crate) example: Option<Scalar>,
    pub(crate) read_only: bool,
    pub(crate) deprecated: bool,
}

/// Inline schemas deeper than this are rendered as `{type: string}`, to keep documents (and the
/// stack) small.
const MAX_DEPTH: usize = 6;

/// What a rendered document's `$ref`s can point to.
pub(crate) struct Ctx {
    pub(crate) schemas: Vec<String>,
    pub(crate) parameters: Vec<String>,
    pub(crate) request_bodies: Vec<String>,
    pub(crate) responses: Vec<String>,
}

/// Escapes a JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn pick<T: Clone>(items: &[T], index: u8) -> Option<T> {
    if items.is_empty() { None } else { items.get(index as usize % items.len()).cloned() }
}

impl Ctx {
    pub(crate) fn reference(&self, r: &Ref, section: &str, names: &[String]) -> Value {
        let target = match r {
            Ref::Existing(i) => match pick(names, *i) {
                Some(name) => format!("#/components/{section}/{}", escape(&name)),
                None => format!("#/components/{section}/Missing"),
            },
            Ref::Missing(name) => format!("#/components/{section}/{}-missing", escape(&name.0)),
            Ref::Unescaped(i) => format!("#/components/{section}/{}", pick(names, *i).unwrap_or_default()),
            Ref::OtherSection(i) => {
                let others = [&self.schemas, &self.parameters, &self.request_bodies, &self.responses];
                let sections = ["schemas", "parameters", "requestBodies", "responses"];
                let which = *i as usize % 4;
                let name = pick(others[which], *i / 4).unwrap_or_else(|| "x".to_owned());
                format!("#/components/{}/{}", sections[(which + 1) % 4], escape(&name))
            }
            Ref::External => "other.yaml#/components/schemas/Foo".to_owned(),
            Ref::Degenerate(i) => {
                ["#", "#/", "", "#/components/schemas/", "#/components", "#/paths"][*i as usize % 6].to_owned()
            }
        };
        json!({ "$ref": target })
    }

    fn schema_ref(&self, r: &Ref) -> Value {
        self.reference(r, "schemas", &self.schemas)
    }

    pub(crate) fn schema(&self, schema: &Schema, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return json!({ "type": "string" });
        }
        let mut out = Map::new();
        let d = depth + 1;
        match &schema.kind {
            // A reference with siblings is still a reference (the siblings are ignored).
            Kind::Ref(r) => {
                let mut value = self.schema_ref(r);
                if let (Some(description), Value::Object(map)) = (&schema.description, &mut value) {
                    map.insert("description".into(), Value::String(description.0.clone()));
                }
                return value;
            }
            Kind::String { format, values, pattern, min_length } => {
                out.insert("type".into(), json!("string"));
                if let Some(format) = format {
                    let format = match format {
                        StrFormat::DateTime => "date-time",
                        StrFormat::Date => "date",
                        StrFormat::Password => "password",
                        StrFormat::Byte => "byte",
                        StrFormat::Binary => "binary",
                        StrFormat::Uuid => "uuid",
                        StrFormat::Email => "email",
                        StrFormat::Uri => "uri",
                        StrFormat::Datetime => "datetime",
                        StrFormat::Custom => "x-custom`format",
                    };
                    out.insert("format".into(), json!(format));
                }
                if let Some(values) = values {
                    let values: Vec<Value> =
                        values.iter().map(|v| v.as_ref().map_or(Value::Null, |n| Value::String(n.0.clone()))).collect();
                    out.insert("enum".into(), Value::Array(values));
                }
                if *pattern {
                    out.insert("pattern".into(), json!("^[a-z]+$"));
                }
                if let Some(min) = min_length {
                    out.insert("minLength".into(), json!(min));
                }
            }
            Kind::Integer { format, minimum, maximum } => {
                out.insert("type".into(), json!("integer"));
                if let Some(format) = format {
                    let format = match format {
                        IntFormat::Int32 => "int32",
                        IntFormat::Int64 => "int64",
                        IntFormat::Unknown => "uint8",
                    };
                    out.insert("format".into(), json!(format));
                }
                if let Some(min) = minimum {
                    out.insert("minimum".into(), json!(min));
                }
                if let Some(max) = maximum {
                    out.insert("maximum".into(), json!(max));
                }
            }
            Kind::Number { format, minimum } => {
                out.insert("type".into(), json!("number"));
                if let Some(format) = format {
                    let format = match format {
                        NumFormat::Float => "float",
                        NumFormat::Double => "double",
                        NumFormat::Unknown => "decimal",
                    };
                    out.insert("format".into(), json!(format));
                }
                if let Some(min) = minimum {
                    out.insert("minimum".into(), json!(f64::from(*min) / 2.0));
                }
            }
            Kind::Boolean => {
                out.insert("type".into(), json!("boolean"));
            }
            Kind::Object { typed, properties, required, additional } => {
                if *typed {
                    out.insert("type".into(), json!("object"));
                }
                self.properties(&mut out, properties, required, d);
                match additional {
                    None => {}
                    Some(Additional::Bool(b)) => {
                        out.insert("additionalProperties".into(), json!(b));
                    }
                    Some(Additional::Schema(schema)) => {
                        out.insert("additionalProperties".into(), self.schema(schema, d));
                    }
                }
            }
            Kind::Array { typed, items } => {
                if *typed {
                    out.insert("type".into(), json!("array"));
                }
                if let Some(items) = items {
                    out.insert("items".into(), self.schema(items, d));
                } else if !typed {
                    out.insert("type".into(), json!("array"));
                }
            }
            Kind::AllOf { typed_object, members, properties } => {
                if *typed_object {
                    out.insert("type".into(), json!("object"));
                    self.properties(&mut out, properties, &[], d);
                }
                out.insert("allOf".into(), Value::Array(members.iter().map(|m| self.schema(m, d)).collect()));
            }
            Kind::OneOf { members, discriminator } | Kind::AnyOf { members, discriminator } => {
                let key = if matches!(schema.kind, Kind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                out.insert(key.into(), Value::Array(members.iter().map(|m| self.schema(m, d)).collect()));
                if let Some(discriminator) = discriminator {
                    let property = match &discriminator.property {
                        Required::Property(_) => "type".to_owned(),
                        Required::Name(name) => name.0.clone(),
                    };
                    let mapping: Map<String, Value> = discriminator
                        .mapping
                        .iter()
                        .map(|(value, r)| (value.0.clone(), self.schema_ref(r)["$ref"].clone()))
                        .collect();
                    let mut disc = Map::new();
                    disc.insert("propertyName".into(), Value::String(property));
                    if !mapping.is_empty() {
                        disc.insert("mapping".into(), Value::Object(mapping));
                    }
                    out.insert("discriminator".into(), Value::Object(disc));
                }
            }
            Kind::Constant(name) => {
                out.insert("type".into(), json!("string"));
                out.insert("enum".into(), json!([name.0]));
            }
            Kind::UntypedEnum(values) => {
                out.insert("enum".into(), Value::Array(values.iter().map(Scalar::render).collect()));
            }
            Kind::Untyped { minimum, maximum, pattern, items } => {
                if let Some(min) = minimum {
                    out.insert("minimum".into(), json!(min));
                }
                if let Some(max) = maximum {
                    out.insert("maximum".into(), max.render());
                }
                if *pattern {
                    out.insert("pattern".into(), json!("."));
                }
                if let Some(items) = items {
                    out.insert("items".into(), self.schema(items, d));
                }
            }
            Kind::Not(inner) => {
                out.insert("not".into(), self.schema(inner, d));
            }
            Kind::Empty => {}
            Kind::Null => {
                out.insert("type".into(), json!("null"));
            }
            Kind::UnknownType(name) => {
                out.insert("type".into(), Value::String(name.0.clone()));
            }
        }
        if let Some(nullable) = schema.nullable {
            out.insert("nullable".into(), json!(nullable));
        }
        if let Some(title) = &schema.title {
            out.insert("title".into(), Value::String(title.0.clone()));
        }
        if let Some(description) = &schema.description {
            out.insert("description".into(), Value::String(description.0.clone()));
        }
        if let Some(default) = &schema.default {
            out.insert("default".into(), default.render());
        }
        if let Some(example) = &schema.example {
            out.insert("example".into(), example.render());
        }
        if schema.read_only {
            out.insert("readOnly".into(), json!(true));
        }
        if schema.deprecated {
            out.insert("deprecated".into(), json!(true));
        }
        Value::Object(out)
    }

    fn properties(
        &self,
        out: &mut Map<String, Value>,
        properties: &[(Name, Schema)],
        required: &[Required],
        depth: usize,
    ) {
        if properties.is_empty() && required.is_empty() {
            return;
        }
        let map: Map<String, Value> =
            properties.iter().map(|(name, schema)| (name.0.clone(), self.schema(schema, depth))).collect();
        let names: Vec<String> = properties.iter().map(|(name, _)| name.0.clone()).collect();
        out.insert("properties".into(), Value::Object(map));
        if !required.is_empty() {
            let required: Vec<Value> = required
                .iter()
                .filter_map(|r| match r {
                    Required::Property(i) => pick(&names, *i),
                    Required::Name(name) => Some(name.0.clone()),
                })
                .map(Value::String)
                .collect();
            out.insert("required".into(), Value::Array(required));
        }
    }
}
