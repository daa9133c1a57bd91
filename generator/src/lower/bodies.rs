//! Lowering of request bodies: JSON (typed), `application/x-www-form-urlencoded` (typed, with the
//! `encoding` of each property), `multipart/form-data` (a struct of parts when the schema is an
//! object with properties: binary fields take files, scalars are text parts, the rest JSON
//! parts), and anything else as raw bytes.

use super::Lowerer;
use super::operations::is_json;
use super::types::{Naming, Node};
use crate::model::{Body, BodyKind, FieldEncoding, MultipartDef, ObjectStyle, PartField, PartKind, TypeRef};
use crate::naming::Scope;
use crate::pointer::Pointer;
use openapiv3::{MediaType, QueryStyle, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// The essence of a media type (`multipart/form-data; boundary=x` is `multipart/form-data`).
fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

impl<'a> Lowerer<'a> {
    /// The request body: its JSON media type if it has one, else a form, else a multipart form,
    /// else its first media type as bytes. `types` is the scope of the group's type names, for
    /// the struct of a typed multipart body.
    pub(super) fn lower_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        pointer: &Pointer,
        builder_name: &str,
        types: &mut Scope,
    ) -> Option<Body> {
        let (body, at) = self.resolve(body, "requestBodies", |c| &c.request_bodies, pointer)?;
        let content = &body.content;
        let (media_type, media) = content
            .iter()
            .find(|(media, _)| is_json(media))
            .or_else(|| content.iter().find(|(media, _)| essence(media) == FORM))
            .or_else(|| content.iter().find(|(media, _)| essence(media) == MULTIPART))
            .or_else(|| content.first())?;
        let at = at.push("content").push(media_type);
        let kind = if is_json(media_type) {
            BodyKind::Json(self.body_type(media, builder_name, &at))
        } else if essence(media_type) == FORM {
            let ty = self.body_type(media, builder_name, &at);
            if self.struct_def(&ty).is_none() && !matches!(self.unalias(&ty), TypeRef::Map(_)) {
                // Only an object has properties to write as `name=value` pairs.
                self.diagnostics.warning(
                    &at.push("schema"),
                    "a form-urlencoded body whose schema is not an object is sent as bytes, encoded by the caller",
                );
                return Some(Body {
                    media_type: media_type.clone(),
                    kind: BodyKind::Bytes,
                    required: body.required,
                    docs: super::docs(&[body.description.as_deref()]).unwrap_or_else(|| "The request body.".to_owned()),
                });
            }
            let encodings = media.encoding.iter().map(|(property, encoding)| {
                let json = encoding.content_type.as_deref().is_some_and(is_json);
                let style = match (encoding.style.as_ref(), encoding.explode) {
                    (Some(QueryStyle::DeepObject), _) => ObjectStyle::Deep,
                    // openapiv3 reads an absent `explode` as false: without a style, the default
                    // (`form`, exploded) is meant.
                    (None, _) | (Some(_), true) => ObjectStyle::Form,
                    (Some(QueryStyle::Form), false) => ObjectStyle::CommaSeparated,
                    (Some(QueryStyle::SpaceDelimited), false) => ObjectStyle::SpaceDelimited,
                    (Some(QueryStyle::PipeDelimited), false) => ObjectStyle::PipeDelimited,
                };
                let encoding = if json { FieldEncoding::Json } else { FieldEncoding::Style(style) };
                (property.clone(), encoding)
            });
            let encodings = encodings.filter(|(_, encoding)| *encoding != FieldEncoding::Style(ObjectStyle::Form));
            BodyKind::Form { ty, encodings: encodings.collect() }
        } else if essence(media_type) == MULTIPART {
            match self.multipart_def(media, builder_name, &at, types) {
                Some(def) => BodyKind::MultipartForm(def),
                None => BodyKind::Multipart,
            }
        } else {
            BodyKind::Bytes
        };
        Some(Body {
            media_type: media_type.clone(),
            kind,
            required: body.required,
            docs: super::docs(&[body.description.as_deref()]).unwrap_or_else(|| "The request body.".to_owned()),
        })
    }

    fn body_type(&mut self, media: &MediaType, builder_name: &str, at: &Pointer) -> TypeRef {
        let hint = format!("{builder_name} body");
        match &media.schema {
            Some(schema) => self.lower_node(schema.into(), Naming::Hint(&hint), &at.push("schema")).ty,
            None => TypeRef::Json,
        }
    }

    /// The schema `schema` stands for, following `$ref`s.
    fn schema_behind<'s>(&mut self, schema: &'s ReferenceOr<Schema>, at: &Pointer) -> Option<&'s Schema>
    where
        'a: 's,
    {
        self.resolve(schema, "schemas", |c| &c.schemas, at).map(|(schema, _)| schema)
    }

    /// The struct of a multipart body whose schema is an object with properties.
    fn multipart_def(
        &mut self,
        media: &MediaType,
        builder_name: &str,
        at: &Pointer,
        types: &mut Scope,
    ) -> Option<MultipartDef> {
        let spec = self.spec;
        let schema_at = at.push("schema");
        let schema = self.schema_behind(media.schema.as_ref()?, &schema_at)?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
        if object.properties.is_empty() {
            return None;
        }
        let name = types.camel(&format!("{builder_name} form"));
        let mut fields = Vec::new();
        let mut scope = Scope::with_reserved(&[]);
        for (property, schema) in &object.properties {
            let property_at = schema_at.push("properties").push(property);
            let encoding = media.encoding.get(property);
            let content_type = encoding.and_then(|encoding| encoding.content_type.clone());
            let node = Node::from(schema);
            let (file, list) = match binary_shape(spec, schema) {
                Some(list) => (true, list),
                None => (false, false),
            };
            let hint = format!("{name} {property}");
            let lowered = (!file).then(|| self.lower_node(node, Naming::Hint(&hint), &property_at));
            let description = local(spec, schema).and_then(|schema| schema.schema_data.description.as_deref());
            let docs = lowered
                .as_ref()
                .and_then(|lowered| lowered.docs.clone())
                .or_else(|| super::docs(&[description]))
                .unwrap_or_else(|| format!("The `{property}` part."));
            let (kind, list) = match lowered.map(|lowered| self.unalias(&lowered.ty)) {
                None => (PartKind::File, list),
                Some(ty) if content_type.as_deref().is_some_and(is_json) => (PartKind::Json(ty), false),
                Some(TypeRef::List(item)) if self.is_scalar(&item) => (PartKind::Text(self.unalias(&item)), true),
                Some(ty) if self.is_scalar(&ty) => (PartKind::Text(ty), false),
                Some(ty) => (PartKind::Json(ty), false),
            };
            let content_type = content_type.or_else(|| match kind {
                PartKind::File => Some("application/octet-stream".to_owned()),
                PartKind::Json(_) => Some("application/json".to_owned()),
                PartKind::Text(_) => None,
            });
            fields.push(PartField {
                rust_name: scope.snake(property),
                wire_name: property.clone(),
                kind,
                list,
                optional: !object.required.contains(property),
                content_type,
                docs: Some(docs),
            });
        }
        Some(MultipartDef {
            docs: format!(
                "The `multipart/form-data` body of [`{builder_name}`], one part per field (a list: one per item)."
            ),
            all_optional: fields.iter().all(|field| field.optional),
            name,
            fields,
        })
    }
}

/// Whether a property is binary (`format: binary`, or a list of such): `Some(true)` for a list.
fn binary_shape(spec: &openapiv3::OpenAPI, schema: &ReferenceOr<Box<Schema>>) -> Option<bool> {
    let schema = local(spec, schema)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            matches!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)).then_some(false)
        }
        SchemaKind::Type(Type::Array(array)) => {
            let item = local(spec, array.items.as_ref()?)?;
            match &item.schema_kind {
                SchemaKind::Type(Type::String(string)) => {
                    matches!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)).then_some(true)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The schema of a property, following one `$ref` to a component (a binary property is rarely
/// more than that away; anything further is not binary here).
fn local<'s>(spec: &'s openapiv3::OpenAPI, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            match spec.components.as_ref()?.schemas.get(name)? {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}
