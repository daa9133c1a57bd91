//! What each node of a document is, and how its children are read: the shape the bundler walks.

/// What a node of the document is, which decides how a `$ref` in it is read and which of its
/// children are nodes of which kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Response,
    Header,
    Example,
    Link,
    Callback,
    Schema,
    SecurityScheme,
    /// `info`, a tag, a server, external docs: nothing in them is a `$ref` in OpenAPI.
    Described,
    /// A `description` or `summary`.
    Text,
}

impl Kind {
    /// The section of `components` that holds this kind.
    pub(super) fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Response => "responses",
            Kind::RequestBody => "requestBodies",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    pub(super) fn of_section(section: &str) -> Option<Kind> {
        [
            Kind::Schema,
            Kind::Parameter,
            Kind::Response,
            Kind::RequestBody,
            Kind::Header,
            Kind::Example,
            Kind::Link,
            Kind::SecurityScheme,
        ]
        .into_iter()
        .find(|kind| kind.section() == Some(section))
    }

    /// How the value under `key` of a node of this kind is read.
    pub(super) fn child(self, key: &str) -> Option<Child> {
        use Child::{List, Map, One};
        let child = match (self, key) {
            (_, "description" | "summary") if self != Kind::Callback => Child::Text,
            (Kind::Document, "paths" | "webhooks") => Map(Kind::PathItem, true),
            (Kind::Document, "components") => One(Kind::Components),
            (Kind::Document, "info" | "externalDocs") => One(Kind::Described),
            (Kind::Document, "tags" | "servers") => List(Kind::Described),
            (Kind::Components, "pathItems") => Map(Kind::PathItem, false),
            (Kind::Components, "callbacks") => Map(Kind::Callback, false),
            (Kind::Components, section) => Map(Kind::of_section(section)?, false),
            (Kind::PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => {
                One(Kind::Operation)
            }
            (Kind::PathItem | Kind::Operation, "parameters") => List(Kind::Parameter),
            (Kind::PathItem | Kind::Operation, "servers") => List(Kind::Described),
            (Kind::Operation, "externalDocs") => One(Kind::Described),
            (Kind::Operation, "requestBody") => One(Kind::RequestBody),
            (Kind::Operation, "responses") => Map(Kind::Response, true),
            (Kind::Operation, "callbacks") => Map(Kind::Callback, false),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => One(Kind::Schema),
            (Kind::Parameter | Kind::Header | Kind::RequestBody | Kind::Response, "content") => {
                Map(Kind::MediaType, false)
            }
            (Kind::Parameter | Kind::Header | Kind::MediaType, "examples") => Map(Kind::Example, false),
            (Kind::MediaType, "encoding") => Map(Kind::Encoding, false),
            (Kind::Encoding | Kind::Response, "headers") => Map(Kind::Header, false),
            (Kind::Response, "links") => Map(Kind::Link, false),
            (Kind::Callback, expression) if !expression.starts_with("x-") => One(Kind::PathItem),
            (
                Kind::Schema,
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "additionalItems"
                | "unevaluatedItems"
                | "unevaluatedProperties",
            ) => One(Kind::Schema),
            (Kind::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Kind::Schema),
            (Kind::Schema, "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas") => {
                Map(Kind::Schema, false)
            }
            (Kind::Schema, "discriminator") => Child::Discriminator,
            _ => return None,
        };
        Some(child)
    }

    /// What the reader is told a node of this kind is, in warnings.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Kind::Document => "the document",
            Kind::Components => "`components`",
            Kind::Operation => "an operation",
            Kind::MediaType => "a media type",
            Kind::Encoding => "an encoding",
            Kind::Described => "`info`, a tag, a server or external docs",
            Kind::Text => "a description or summary",
            _ => "this",
        }
    }
}

/// How a child is read: one node, a list of nodes, a map of names (whose `x-` keys are
/// extensions when the flag says so) to nodes, a text, or a discriminator.
#[derive(Debug, Clone, Copy)]
pub(super) enum Child {
    One(Kind),
    List(Kind),
    Map(Kind, bool),
    Text,
    Discriminator,
}
