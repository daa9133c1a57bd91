//! The root module of a crate written with `--out`: `xtask/templates/lib.rs` with its
//! `{{placeholders}}` filled from the crate's identity — package name, environment prefix, user
//! agent and docs, each made from the spec unless a flag gives it — and from the spec's security
//! schemes, which its doc examples authenticate with.

use generator::model::{SchemeKind, Security, SecurityScheme};

/// The template, compiled in so that the xtask needs no files besides the runtime's.
const LIB_RS: &str = include_str!("../templates/lib.rs");

/// What a generated crate says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The package name, e.g. `museum-api`.
    pub name: String,
    /// The prefix of its environment variables, e.g. `MUSEUM` for `MUSEUM_API_TOKEN`.
    pub env_prefix: String,
    /// Its `User-Agent`; `None` for `name/version`.
    pub user_agent: Option<String>,
    /// The first paragraph of its docs (rustdoc text).
    pub docs: String,
}

impl Identity {
    /// The identity of a crate named `name` for the spec of `output`, with the overrides given.
    pub fn new(name: String, output: &generator::Output, options: &crate::Options) -> Result<Self, String> {
        let env_prefix = match &options.env_prefix {
            Some(prefix) => checked_prefix(prefix)?,
            None => prefix_from_name(&name),
        };
        if let Some(agent) = &options.user_agent
            && (agent.is_empty() || !agent.chars().all(|c| c == ' ' || c.is_ascii_graphic()))
        {
            return Err(format!("--user-agent `{agent}` must be visible ASCII (spaces allowed), and not empty"));
        }
        let title = generator::rustdoc::doc_text(&output.title);
        let description = match &options.description {
            Some(text) => Some(generator::rustdoc::doc_text(text)),
            None => output.description.clone(),
        };
        let mut docs = format!("A client of the {title} (version {}).", generator::rustdoc::doc_text(&output.version));
        if let Some(description) = description.filter(|d| !d.is_empty()) {
            docs = format!("{docs}\n\n{description}");
        }
        Ok(Identity { name, env_prefix, user_agent: options.user_agent.clone(), docs })
    }

    /// The library name (`museum_api`).
    fn lib(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The package name of the crate's copy of the runtime.
    pub fn runtime_package(&self) -> String {
        format!("{}-runtime", self.name)
    }
}

/// `lib.rs` for the crate, whose spec is at `source`, with these security schemes and default
/// requirement.
pub fn library_root(
    identity: &Identity,
    source: &str,
    (schemes, security): &(Vec<SecurityScheme>, Security),
) -> String {
    let lib = identity.lib();
    let prefix = &identity.env_prefix;
    let user_agent = match &identity.user_agent {
        Some(agent) => format!("{agent:?}"),
        None => format!("concat!({:?}, env!(\"CARGO_PKG_VERSION\"))", format!("{}/", identity.name)),
    };
    // The doc examples authenticate with the first alternative of the API's default requirement.
    let first: Vec<SchemeKind> = security
        .first()
        .map(|names| {
            names.iter().filter_map(|name| schemes.iter().find(|s| &s.name == name)).map(|s| s.kind.clone()).collect()
        })
        .unwrap_or_default();
    let mut setters = String::new();
    let mut env = vec![("BASE_URL", "http://localhost:8080")];
    let mut needs = Vec::new();
    for (kind, name) in first.iter().zip(security.first().into_iter().flatten()) {
        match kind {
            SchemeKind::Bearer => {
                setters.push_str(".api_token(\"token\")");
                env.push(("API_TOKEN", "token"));
                needs.push(format!("`{prefix}_API_TOKEN` (an API token)"));
            }
            SchemeKind::Basic => {
                setters.push_str(".basic_auth(\"user\", \"password\")");
                env.extend([("USERNAME", "user"), ("PASSWORD", "password")]);
                needs.push(format!("`{prefix}_USERNAME` and `{prefix}_PASSWORD`"));
            }
            SchemeKind::Header(_) | SchemeKind::Query(_) | SchemeKind::Cookie(_) => {
                setters.push_str(&format!(".api_key({name:?}, \"key\")"));
                env.push(("API_KEY", "key"));
                needs.push(format!("`{prefix}_API_KEY` (the API key `{name}`)"));
            }
        }
    }
    env.dedup();
    let env_docs = if needs.is_empty() {
        format!("Optionally set `{prefix}_BASE_URL` to send requests elsewhere than the spec's server, then:")
    } else {
        format!("Set {}, and optionally `{prefix}_BASE_URL`, then:", needs.join(" and "))
    };
    let mut auth_docs: Vec<String> = schemes
        .iter()
        .map(|scheme| {
            let name = &inline(&scheme.name);
            let how = match &scheme.kind {
                SchemeKind::Bearer => format!("a bearer token: `ClientBuilder::api_token`, or `{prefix}_API_TOKEN`"),
                SchemeKind::Basic => format!(
                    "a user name and password: `ClientBuilder::basic_auth`, or `{prefix}_USERNAME` and `{prefix}_PASSWORD`"
                ),
                SchemeKind::Header(key) | SchemeKind::Query(key) | SchemeKind::Cookie(key) => format!(
                    "an API key in the {} `{}`: `ClientBuilder::api_key({name:?}, ..)`, or `{prefix}_API_KEY`",
                    scheme.kind.place(),
                    inline(key)
                ),
            };
            format!("//! - `{name}`, {how}")
        })
        .collect();
    if auth_docs.is_empty() {
        auth_docs.push("//! The API declares no security schemes: requests carry no credentials.".to_owned());
    } else {
        auth_docs.insert(0, "//! Each operation sends the credentials its security requirement asks for (the first of its\n//! alternatives the client has them all for); the API's schemes:\n//!".to_owned());
    }
    let auth_docs = auth_docs.join("\n");
    let env_example: String = env
        .iter()
        .map(|(suffix, value)| format!("    ///     \"{prefix}_{suffix}\" => Some({value:?}.to_owned()),\n"))
        .collect();
    let docs: String = identity.docs.lines().map(|line| format!("//! {line}").trim_end().to_owned() + "\n").collect();
    let runtime = format!("{lib}_runtime");
    let env_prefix = format!("{prefix:?}");
    let header = generator::render::header(source);
    fill(
        LIB_RS,
        &[
            ("header", header.trim_end()),
            ("docs", docs.trim_end()),
            ("env_docs", &env_docs),
            ("auth_docs", &auth_docs),
            ("env_example", &env_example),
            ("setters", &setters),
            ("user_agent", &user_agent),
            ("env_prefix", &env_prefix),
            ("runtime", &runtime),
            ("crate", &lib),
        ],
    )
}

/// Spec text for inside a code span of a one-line doc comment: no control characters (a line
/// break would end the comment) and no backticks.
fn inline(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).map(|c| if c == '`' { '\'' } else { c }).collect()
}

/// `template` with each `{{key}}` replaced by its value, in one pass: a value is never read
/// again (spec text in the docs may hold `{{`).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| values.iter().find(|(key, _)| *key == &after[..end]).map(|v| (end, v.1)))
        {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The environment prefix made from a package name: upper case, `_` for `-`, without a last
/// `_API` or `_CLIENT` (`museum-api` reads `MUSEUM_API_TOKEN`, not `MUSEUM_API_API_TOKEN`).
fn prefix_from_name(name: &str) -> String {
    let shouty = name.replace('-', "_").to_ascii_uppercase();
    let trimmed = shouty.strip_suffix("_API").or_else(|| shouty.strip_suffix("_CLIENT")).unwrap_or(&shouty);
    if trimmed.is_empty() { shouty } else { trimmed.to_owned() }
}

/// A prefix given with `--env-prefix`: upper-case ASCII letters, digits and `_`, starting with a letter.
fn checked_prefix(prefix: &str) -> Result<String, String> {
    let valid = prefix.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && prefix.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(prefix.to_owned())
    } else {
        Err(format!("--env-prefix `{prefix}` must be upper-case ASCII letters, digits and `_`, starting with a letter"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_from_names() {
        for (name, prefix) in
            [("museum-api", "MUSEUM"), ("petstore", "PETSTORE"), ("api", "API"), ("my-api-client", "MY_API")]
        {
            assert_eq!(prefix_from_name(name), prefix, "{name}");
        }
        assert!(checked_prefix("PETS_2").is_ok());
        for bad in ["pets", "2PETS", "PE-TS", ""] {
            assert!(checked_prefix(bad).is_err(), "{bad}");
        }
    }
}
