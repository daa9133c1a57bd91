//! The error bodies an operation documents and how an answer's status chooses one.

use super::TypeRef;

/// The documented error bodies of an operation and how an answer's status chooses one.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBodies {
    /// The type of the decoded body.
    pub body: ErrorBody,
    /// Which status decodes into which type, in the order they are tried: exact statuses (in
    /// spec order), then classes (`4XX`), then `default`.
    pub rules: Vec<ErrorRule>,
}

/// The type of an operation's decoded error body.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorBody {
    /// Every documented error body has this type.
    Model(TypeRef),
    /// The bodies have several types: an enum of the operation's module with a variant per type.
    Enum {
        /// The enum's name, in the group's module.
        name: String,
        /// Rustdoc: which status decodes into which variant.
        docs: String,
        /// One variant per type, in the order of the rules that first name it.
        variants: Vec<ErrorVariant>,
    },
}

/// A variant of an operation's error body enum.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The body's type.
    pub ty: TypeRef,
}

/// One documented error response: the statuses it covers and what its body decodes to.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRule {
    /// The statuses.
    pub status: ErrorStatus,
    /// The body's type.
    pub ty: TypeRef,
    /// The variant of [`ErrorBody::Enum`] that holds it (`None` for [`ErrorBody::Model`]).
    pub variant: Option<String>,
}

/// The statuses an error response of the spec covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStatus {
    /// One status, e.g. `404`.
    Code(u16),
    /// A class, e.g. `4XX` (held as 4).
    Class(u16),
    /// `default`: any other status that is not 2xx.
    Default,
}

impl ErrorStatus {
    /// As the spec writes it: `404`, `4XX`, `default`.
    pub fn spec_text(self) -> String {
        match self {
            ErrorStatus::Code(code) => code.to_string(),
            ErrorStatus::Class(class) => format!("{class}XX"),
            ErrorStatus::Default => "default".to_owned(),
        }
    }
}
