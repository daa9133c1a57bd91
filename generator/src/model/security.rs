//! How the API authenticates: its security schemes, requirements and error envelope.

/// A security scheme: its name in the spec and how its credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`.
    pub name: String,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer` (HTTP bearer, and the tokens of oauth2 and openIdConnect).
    Bearer,
    /// `Authorization: Basic` (HTTP basic).
    Basic,
    /// An API key in the header of this name.
    Header(String),
    /// An API key in the query parameter of this name.
    Query(String),
    /// An API key in the cookie of this name.
    Cookie(String),
}

impl SchemeKind {
    /// Where an API key of this kind goes, for messages.
    pub fn place(&self) -> &'static str {
        match self {
            SchemeKind::Bearer | SchemeKind::Basic => "in `Authorization`",
            SchemeKind::Header(_) => "header",
            SchemeKind::Query(_) => "query parameter",
            SchemeKind::Cookie(_) => "cookie",
        }
    }
}

/// A security requirement: alternatives (any one is enough), each the names of the schemes sent
/// together. Empty: no credentials.
pub type Security = Vec<Vec<String>>;

/// The `x-error-envelope` extension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorEnvelope {
    /// The property of an error body that holds a list of `{code, message}` objects.
    pub details: Option<String>,
    /// Added to the message of a 401 or 403 error.
    pub auth_hint: Option<String>,
}
