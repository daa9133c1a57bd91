//! The document of the `structured` target (info, servers, tags, paths, components), the value
//! the fuzzer derives from its input, and its rendering to JSON.

use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

use crate::names::{Name, Text};
use crate::operation::{Body, Param, PathItem, Response};
use crate::schema::{Ctx, Schema};

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Server {
    pub(crate) url: Name,
    pub(crate) variables: Vec<(Name, Name)>,
}

#[derive(Arbitrary, Debug, Clone)]
pub(crate) struct Document {
    /// `openapi: 3.0.3` mostly; a few values pick other (mostly rejected) versions.
    pub(crate) version: u8,
    pub(crate) title: Name,
    pub(crate) api_version: Name,
    pub(crate) description: Option<Text>,
    pub(crate) servers: Vec<Server>,
    pub(crate) tags: Vec<(Name, Option<Text>)>,
    pub(crate) paths: Vec<PathItem>,
    pub(crate) schemas: Vec<(Name, Schema)>,
    pub(crate) parameters: Vec<(Name, Param)>,
    pub(crate) request_bodies: Vec<(Name, Body)>,
    pub(crate) responses: Vec<(Name, Response)>,
}

impl Document {
    pub(crate) fn render(&self) -> Value {
        let ctx = Ctx {
            schemas: self.schemas.iter().map(|(name, _)| name.0.clone()).collect(),
            parameters: self.parameters.iter().map(|(name, _)| name.0.clone()).collect(),
            request_bodies: self.request_bodies.iter().map(|(name, _)| name.0.clone()).collect(),
            responses: self.responses.iter().map(|(name, _)| name.0.clone()).collect(),
        };
        let mut doc = Map::new();
        match self.version {
            1 => doc.insert("openapi".into(), json!("3.0.0")),
            2 => doc.insert("openapi".into(), json!("3.0.1")),
            3 => doc.insert("openapi".into(), json!("3.1.0")),
            4 => doc.insert("openapi".into(), json!(3.0)),
            5 => doc.insert("swagger".into(), json!("2.0")),
            _ => doc.insert("openapi".into(), json!("3.0.3")),
        };
        let mut info = Map::new();
        info.insert("title".into(), Value::String(self.title.0.clone()));
        info.insert("version".into(), Value::String(self.api_version.0.clone()));
        if let Some(description) = &self.description {
            info.insert("description".into(), Value::String(description.0.clone()));
        }
        doc.insert("info".into(), Value::Object(info));
        if !self.servers.is_empty() {
            let servers = self
                .servers
                .iter()
                .map(|server| {
                    let mut out = Map::new();
                    out.insert("url".into(), Value::String(server.url.0.clone()));
                    if !server.variables.is_empty() {
                        let variables: Map<String, Value> = server
                            .variables
                            .iter()
                            .map(|(name, default)| (name.0.clone(), json!({ "default": default.0 })))
                            .collect();
                        out.insert("variables".into(), Value::Object(variables));
                    }
                    Value::Object(out)
                })
                .collect();
            doc.insert("servers".into(), Value::Array(servers));
        }
        if !self.tags.is_empty() {
            let tags = self
                .tags
                .iter()
                .map(|(name, description)| match description {
                    Some(description) => json!({ "name": name.0, "description": description.0 }),
                    None => json!({ "name": name.0 }),
                })
                .collect();
            doc.insert("tags".into(), Value::Array(tags));
        }
        let paths: Map<String, Value> = self.paths.iter().map(|item| ctx.path_item(item)).collect();
        doc.insert("paths".into(), Value::Object(paths));

        let mut components = Map::new();
        let section = |entries: Vec<(String, Value)>| Value::Object(entries.into_iter().collect());
        if !self.schemas.is_empty() {
            let entries = self.schemas.iter().map(|(name, schema)| (name.0.clone(), ctx.schema(schema, 0))).collect();
            components.insert("schemas".into(), section(entries));
        }
        if !self.parameters.is_empty() {
            let entries = self.parameters.iter().map(|(name, param)| (name.0.clone(), ctx.param(param, &[]))).collect();
            components.insert("parameters".into(), section(entries));
        }
        if !self.request_bodies.is_empty() {
            let entries = self.request_bodies.iter().map(|(name, body)| (name.0.clone(), ctx.body(body))).collect();
            components.insert("requestBodies".into(), section(entries));
        }
        if !self.responses.is_empty() {
            let entries =
                self.responses.iter().map(|(name, response)| (name.0.clone(), ctx.response(response))).collect();
            components.insert("responses".into(), section(entries));
        }
        if !components.is_empty() {
            doc.insert("components".into(), Value::Object(components));
        }
        Value::Object(doc)
    }
}
