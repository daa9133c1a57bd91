//! Emits the API's description for the runtime (`operations::API`: default base URL, security
//! schemes, default requirement, error envelope) and each operation's security requirement.

use crate::model::{Api, SchemeKind, Security};
use proc_macro2::TokenStream;
use quote::quote;

/// `API`, a `crate::config::ClientConfig` that the crate's `lib.rs` completes with its name, user
/// agent and environment prefix.
pub(super) fn emit_config(api: &Api) -> TokenStream {
    let schemes = api.security_schemes.iter().map(|scheme| {
        let name = &scheme.name;
        let kind = match &scheme.kind {
            SchemeKind::Bearer => quote!(Bearer),
            SchemeKind::Basic => quote!(Basic),
            SchemeKind::Header(key) => quote!(Header(#key)),
            SchemeKind::Query(key) => quote!(Query(#key)),
            SchemeKind::Cookie(key) => quote!(Cookie(#key)),
        };
        quote!(crate::auth::Scheme { name: #name, kind: crate::auth::SchemeKind::#kind })
    });
    let security = requirement(&api.security);
    let details = api.error_envelope.details.as_ref().map(|property| quote!(.details(#property)));
    let hint = api.error_envelope.auth_hint.as_ref().map(|hint| quote!(.auth_hint(#hint)));
    quote! {
        /// What the runtime is told about the API: its default base URL, its security schemes
        /// (`components.securitySchemes`) with the default requirement (the global `security`),
        /// and its error bodies (`x-error-envelope`).
        pub(crate) const API: crate::config::ClientConfig = crate::config::ClientConfig::new(DEFAULT_BASE_URL)
            .security(&[#(#schemes),*], #security)
            .error_envelope(crate::config::ErrorEnvelope::new() #details #hint);
    }
}

/// A requirement as `&[&["a", "b"], &["c"]]`.
pub(super) fn requirement(security: &Security) -> TokenStream {
    let alternatives = security.iter().map(|names| quote!(&[#(#names),*]));
    quote!(&[#(#alternatives),*])
}
