//! Authentication and error bodies from the spec: `components.securitySchemes` → the model's
//! schemes (how each credential is sent), the global and per-operation `security` → each
//! operation's requirement, and the `x-error-envelope` extension → what the runtime reads from
//! error bodies beyond the common shapes.
//!
//! HTTP `bearer` and `basic` and API keys (header, query, cookie) are sent as the spec says;
//! `oauth2` and `openIdConnect` are sent as bearer tokens (the caller obtains the token). Other
//! HTTP schemes (`digest`, ...) are left out with a warning, and so are the alternatives of a
//! requirement that need them.

use super::Lowerer;
use crate::model::{ErrorEnvelope, SchemeKind, Security, SecurityScheme};
use crate::pointer::Pointer;
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme as Spec};

/// The name of the spec extension that describes the API's error bodies.
const ERROR_ENVELOPE: &str = "x-error-envelope";

impl Lowerer<'_> {
    /// The API's security schemes, in spec order; the unsupported ones are left out with a warning.
    pub(super) fn lower_security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.spec.components else { return Vec::new() };
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let at = Pointer::root().push("components").push("securitySchemes").push(name);
            let scheme = match scheme {
                ReferenceOr::Item(scheme) => scheme,
                ReferenceOr::Reference { reference } => {
                    let target = reference
                        .strip_prefix("#/components/securitySchemes/")
                        .map(crate::pointer::unescape)
                        .and_then(|target| components.security_schemes.get(&target));
                    match target {
                        Some(ReferenceOr::Item(scheme)) => scheme,
                        _ => {
                            self.diagnostics.error(
                                &at.push("$ref"),
                                format!("`{reference}` does not lead to a security scheme defined in place"),
                            );
                            continue;
                        }
                    }
                }
            };
            let kind = match scheme {
                Spec::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => SchemeKind::Bearer,
                Spec::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => SchemeKind::Basic,
                Spec::HTTP { scheme, .. } => {
                    self.diagnostics.warning(
                        &at.push("scheme"),
                        format!(
                            "the HTTP authentication scheme `{scheme}` is not supported (only `bearer` and \
                             `basic`); requirements that need `{name}` are left out"
                        ),
                    );
                    continue;
                }
                Spec::APIKey { location, name: key, .. } => match location {
                    APIKeyLocation::Header => SchemeKind::Header(key.clone()),
                    APIKeyLocation::Query => SchemeKind::Query(key.clone()),
                    APIKeyLocation::Cookie => SchemeKind::Cookie(key.clone()),
                },
                Spec::OAuth2 { .. } | Spec::OpenIDConnect { .. } => SchemeKind::Bearer,
            };
            if let SchemeKind::Header(key) | SchemeKind::Query(key) | SchemeKind::Cookie(key) = &kind
                && !valid_key_name(key, &kind)
            {
                self.diagnostics.error(&at.push("name"), format!("`{key}` cannot name an API key {}", kind.place()));
                continue;
            }
            schemes.push(SecurityScheme { name: name.clone(), kind });
        }
        schemes
    }

    /// A requirement (`security` at `at`) checked against the schemes: a name that is not a
    /// scheme is an error; an alternative that needs an unsupported scheme is left out.
    pub(super) fn lower_security(&mut self, requirement: &[SecurityRequirement], at: &Pointer) -> Security {
        let mut alternatives = Vec::new();
        for (index, alternative) in requirement.iter().enumerate() {
            let mut names = Vec::new();
            let mut usable = true;
            for name in alternative.keys() {
                if self.security_schemes.iter().any(|s| &s.name == name) {
                    names.push(name.clone());
                    continue;
                }
                usable = false;
                let declared = self
                    .spec
                    .components
                    .as_ref()
                    .is_some_and(|components| components.security_schemes.contains_key(name));
                if !declared {
                    self.diagnostics.error(
                        &at.push(index).push(name),
                        format!("`{name}` is not a security scheme of `components.securitySchemes`"),
                    );
                }
            }
            if usable {
                alternatives.push(names);
            }
        }
        if alternatives.is_empty() && !requirement.is_empty() {
            self.diagnostics
                .warning(at, "no alternative of this security requirement is supported; no credentials are sent");
        }
        alternatives
    }

    /// The API's default requirement: the spec's global `security` (none without it).
    pub(super) fn lower_global_security(&mut self) -> Security {
        let requirement = self.spec.security.clone().unwrap_or_default();
        self.lower_security(&requirement, &Pointer::root().push("security"))
    }

    /// An operation's requirement: its own `security` (an empty list sends nothing), else the
    /// API's default.
    pub(super) fn operation_security(&mut self, operation: &openapiv3::Operation, pointer: &Pointer) -> Security {
        match &operation.security {
            Some(requirement) => self.lower_security(requirement, &pointer.push("security")),
            None => self.security.clone(),
        }
    }

    /// The `x-error-envelope` extension: `{details: PROPERTY, auth-hint: TEXT}`, both optional.
    pub(super) fn lower_error_envelope(&mut self) -> ErrorEnvelope {
        let mut envelope = ErrorEnvelope::default();
        let Some(value) = self.spec.extensions.get(ERROR_ENVELOPE) else { return envelope };
        let at = Pointer::root().push(ERROR_ENVELOPE);
        let Some(object) = value.as_object() else {
            self.diagnostics.error(&at, "must be an object with `details` and `auth-hint`, both optional");
            return envelope;
        };
        for (key, value) in object {
            let text = value.as_str().map(str::to_owned);
            match (key.as_str(), text) {
                ("details", Some(text)) => envelope.details = Some(text),
                ("auth-hint", Some(text)) => envelope.auth_hint = Some(text),
                ("details" | "auth-hint", None) => self.diagnostics.error(&at.push(key), "must be a string"),
                _ => self
                    .diagnostics
                    .warning(&at.push(key), format!("`{key}` is not read (only `details` and `auth-hint` are)")),
            }
        }
        envelope
    }
}

/// Whether an API key can be sent under `name`: a header name is an HTTP token, a cookie name
/// too; a query parameter only has to be non-empty (it is percent-encoded).
fn valid_key_name(name: &str, kind: &SchemeKind) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    match kind {
        SchemeKind::Query(_) => !name.is_empty(),
        _ => !name.is_empty() && name.chars().all(token),
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Diagnostics;
    use crate::model::{Api, SchemeKind};

    /// The lowered API of a YAML document, and how many errors it had.
    fn lowered(yaml: &str) -> (Api, usize) {
        let spec: openapiv3::OpenAPI = serde_yaml::from_str(yaml).expect("a valid document");
        let mut diagnostics = Diagnostics::default();
        let api = super::super::lower(&spec, &mut diagnostics);
        let errors = diagnostics.finish(yaml).iter().filter(|d| d.severity == crate::Severity::Error).count();
        (api, errors)
    }

    const SCHEMES: &str = "components:\n  securitySchemes:\n    a: {type: http, scheme: BEARER}\n    b: {type: apiKey, in: cookie, name: sid}\n    d: {type: http, scheme: digest}\n";

    fn requirement_of(global: &str, own: &str) -> Vec<Vec<String>> {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{global}paths:\n  /x:\n    get:\n{own}      responses: {{'204': {{description: ok}}}}\n{SCHEMES}"
        );
        let (api, errors) = lowered(&yaml);
        assert_eq!(errors, 0, "{yaml}");
        api.groups.first().and_then(|g| g.operations.first()).map(|op| op.security.clone()).expect("an operation")
    }

    #[test]
    fn an_operation_takes_its_own_requirement_else_the_global_one() {
        let names = |list: &[&[&str]]| -> Vec<Vec<String>> {
            list.iter().map(|alt| alt.iter().map(|n| (*n).to_owned()).collect()).collect()
        };
        let global = "security: [{a: []}, {b: []}]\n";
        assert_eq!(requirement_of(global, ""), names(&[&["a"], &["b"]]));
        assert_eq!(requirement_of(global, "      security: []\n"), names(&[]));
        assert_eq!(requirement_of(global, "      security: [{a: [], b: []}, {}]\n"), names(&[&["a", "b"], &[]]));
        assert_eq!(requirement_of("", ""), names(&[]));
        // The digest alternative is left out; the bearer one stays.
        assert_eq!(requirement_of("", "      security: [{d: []}, {a: []}]\n"), names(&[&["a"]]));
    }

    #[test]
    fn schemes_say_how_their_credential_is_sent() {
        let yaml = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n{SCHEMES}");
        let (api, errors) = lowered(&yaml);
        assert_eq!(errors, 0);
        let kinds: Vec<(String, SchemeKind)> =
            api.security_schemes.into_iter().map(|scheme| (scheme.name, scheme.kind)).collect();
        assert_eq!(
            kinds,
            vec![("a".to_owned(), SchemeKind::Bearer), ("b".to_owned(), SchemeKind::Cookie("sid".to_owned()))]
        );
    }
}
