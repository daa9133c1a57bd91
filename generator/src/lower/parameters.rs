//! Lowering of one parameter: its type, and how its value is written on the wire, from its
//! location, `style`, `explode` and `allowReserved` (the OpenAPI 3.0 style table).
//!
//! Query and cookie parameters: a scalar is `name=value` in every style; a list of scalars is
//! written by `Display` in its list style; anything else (an object, a map, a union of objects,
//! a list in `deepObject`, a list of non-scalars) goes through JSON in its object style, so that
//! no operation is left out for the shape or style of a query parameter. Header parameters are
//! `simple`: lists comma-separated, objects `key,value` or, exploded, `key=value` pairs. Path
//! parameters beyond a plain scalar (`simple` lists and objects, `label`, `matrix`) are written
//! by the runtime's `path_styled`.

use super::Lowerer;
use super::types::{Naming, Node};
use crate::model::{ListStyle, ObjectStyle, Param, PathStyle, StyledPath, TypeRef};
use crate::naming::Scope;
use crate::pointer::Pointer;
use openapiv3::{Parameter, ParameterSchemaOrContent, PathStyle as SpecPathStyle, QueryStyle};

/// The style of a query or cookie parameter, location aside.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl Lowerer<'_> {
    pub(super) fn lower_param(
        &mut self,
        parameter: &Parameter,
        at: &Pointer,
        builder_name: &str,
        scope: &mut Scope,
    ) -> Param {
        let data = parameter.parameter_data_ref();
        let hint = format!("{builder_name} {}", data.name);
        let lowered = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                Some(self.lower_node(Node::from(schema), Naming::Hint(&hint), &at.push("schema")))
            }
            ParameterSchemaOrContent::Content(_) => None,
        };
        let (ty, schema_docs, default) = match lowered {
            Some(lowered) => (self.unalias(&lowered.ty), lowered.docs, lowered.default),
            None => (TypeRef::String, None, None),
        };
        // A parameter value is text on the wire: a schema that does not say what it is becomes a string.
        let ty = match ty {
            TypeRef::Json => TypeRef::String,
            TypeRef::List(item) if *item == TypeRef::Json => TypeRef::List(Box::new(TypeRef::String)),
            other => other,
        };
        let (style, allow_reserved) = match parameter {
            Parameter::Query { style, allow_reserved, .. } => (
                match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                },
                *allow_reserved,
            ),
            // Cookies are `form`; headers and paths `simple`, which writes lists as `form`
            // unexploded does (`a,b`) and objects below.
            _ => (Style::Form, false),
        };
        // `explode` defaults to true for `form` only (query and cookie parameters).
        let form_located = matches!(parameter, Parameter::Query { .. } | Parameter::Cookie { .. });
        let explode = data.explode.unwrap_or(form_located && style == Style::Form);
        let object_style = match (style, explode) {
            (Style::DeepObject, _) => ObjectStyle::Deep,
            (_, true) => ObjectStyle::Form,
            (Style::Form, false) => ObjectStyle::CommaSeparated,
            (Style::SpaceDelimited, false) => ObjectStyle::SpaceDelimited,
            (Style::PipeDelimited, false) => ObjectStyle::PipeDelimited,
        };
        let list_style = match (style, explode) {
            (_, true) | (Style::DeepObject, _) => ListStyle::Repeated,
            (Style::Form, false) => ListStyle::CommaSeparated,
            (Style::SpaceDelimited, false) => ListStyle::SpaceDelimited,
            (Style::PipeDelimited, false) => ListStyle::PipeDelimited,
        };
        let (ty, list, object) = match ty {
            TypeRef::List(item) => {
                let item = self.unalias(&item);
                // Lists of scalars are written by `Display`; in `deepObject` (indexed) and when
                // their items are not scalars, through JSON.
                let object = if form_located {
                    (style == Style::DeepObject || !self.is_scalar(&item)).then_some(object_style)
                } else {
                    // In a header or path, a list of objects is `simple` too: comma-separated JSON.
                    (!self.is_scalar(&item)).then_some(ObjectStyle::CommaSeparated)
                };
                (item, Some(list_style), object)
            }
            other if form_located && !self.is_scalar(&other) => (other, None, Some(object_style)),
            // A header object is `simple`: `key,value` or, exploded, `key=value` pairs.
            other if !self.is_scalar(&other) => {
                let style = if explode { ObjectStyle::Form } else { ObjectStyle::CommaSeparated };
                (other, None, Some(style))
            }
            other => (other, None, None),
        };
        let path_style = match parameter {
            Parameter::Path { style, .. } => {
                let style = match style {
                    SpecPathStyle::Simple => PathStyle::Simple,
                    SpecPathStyle::Label => PathStyle::Label,
                    SpecPathStyle::Matrix => PathStyle::Matrix,
                };
                // A scalar in `simple` is a plain segment, encoded by the request itself.
                let plain = style == PathStyle::Simple && list.is_none() && object.is_none();
                (!plain).then_some(StyledPath { style, explode })
            }
            _ => None,
        };
        Param {
            path_style,
            rust_name: scope.snake(&data.name),
            wire_name: data.name.clone(),
            ty,
            required: data.required,
            list,
            object,
            allow_reserved,
            docs: match data.description.as_deref() {
                Some(description) => super::docs(&[Some(description), default.as_deref()]),
                None => schema_docs.or_else(|| Some(format!("Sets the `{}` parameter.", data.name))),
            },
        }
    }
}
