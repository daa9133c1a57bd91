//! Where a document that does not fit openapiv3's types goes wrong. openapiv3 reads references,
//! schemas and path items through untagged enums, whose errors carry no path below the enum (a
//! schema's mistake would be reported at `#/paths`); so each typed node of the document is read
//! on its own, the deepest first, and the first that fails is the place of the error.

use super::shape::{self, Kind};
use crate::pointer::Pointer;
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The deepest node of `json` that does not fit its type, with the reason; `None` when every
/// node fits on its own (the problem is then in the document's own fields).
pub(super) fn failure(json: &Value) -> Option<(Pointer, String)> {
    let nodes = shape::nodes(json, true);
    // Children come after their parents: backwards, a node is read after everything below it.
    for (at, kind) in nodes.iter().rev() {
        let Some(node) = json.pointer(at.as_json_pointer()) else { continue };
        let failed = match kind {
            Kind::Info => read::<openapiv3::Info>(node),
            Kind::Server => read::<openapiv3::Server>(node),
            Kind::Tag => read::<openapiv3::Tag>(node),
            Kind::PathItem => read::<ReferenceOr<openapiv3::PathItem>>(node),
            Kind::Operation => read::<openapiv3::Operation>(node),
            Kind::Parameter => read::<ReferenceOr<openapiv3::Parameter>>(node),
            Kind::RequestBody => read::<ReferenceOr<openapiv3::RequestBody>>(node),
            Kind::Response => read::<ReferenceOr<openapiv3::Response>>(node),
            Kind::Header => read::<ReferenceOr<openapiv3::Header>>(node),
            Kind::MediaType => read::<openapiv3::MediaType>(node),
            Kind::Example => read::<ReferenceOr<openapiv3::Example>>(node),
            Kind::Link => read::<ReferenceOr<openapiv3::Link>>(node),
            Kind::SecurityScheme => read::<ReferenceOr<openapiv3::SecurityScheme>>(node),
            Kind::Schema => read::<ReferenceOr<openapiv3::Schema>>(node),
        };
        if let Some((path, message)) = failed {
            let pointer = path.tokens().fold(at.clone(), |pointer, token| pointer.push(token));
            return Some((pointer, message));
        }
    }
    None
}

/// Reads `node` as a `T`: the path within it and the reason when it does not fit.
fn read<T: DeserializeOwned>(node: &Value) -> Option<(Pointer, String)> {
    match serde_path_to_error::deserialize::<_, T>(node) {
        Ok(_) => None,
        Err(error) => Some((super::path_to_pointer(error.path()), error.inner().to_string())),
    }
}
