//! Rewrites a vendor's document into one progenitor 0.15 can take, without changing what it means
//! on the wire.
//!
//! The committed spec stays as the vendor describes its API; these rules run on the in-memory copy
//! only, and the result is kept as a snapshot (`xtask/tests/snapshots/`) so every rewrite can be
//! reviewed. Each rule is one function that names the progenitor limit it works around.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Components, MediaType, ObjectType, OpenAPI, Operation, ReferenceOr,
    Response, Schema, SchemaKind, StatusCode, Type,
};

use crate::error::{CodegenError, escape_token};

/// Media type whose schema progenitor decodes.
const JSON: &str = "application/json";

/// Applies every rule, in order, to `doc` (read from `file`, named in errors).
pub fn normalize(file: &str, mut doc: OpenAPI) -> Result<OpenAPI, CodegenError> {
    let in_file = |(pointer, message): (String, String)| CodegenError::spec(file, pointer, message);
    drop_no_content_bodies(&mut doc);
    default_to_error_ranges(&mut doc);
    merge_error_schemas(&mut doc).map_err(in_file)?;
    fold_codes_into_ranges(&mut doc);
    open_response_enums(&mut doc);
    write_models_for_request_bodies(&mut doc);
    drop_write_only_from_read_models(&mut doc).map_err(in_file)?;
    let_writes_send_empty_lists(&mut doc).map_err(in_file)?;
    let_writes_send_null(&mut doc).map_err(in_file)?;
    keep_unknown_members(&mut doc);
    Ok(doc)
}

/// Removes the body schema of `204 No Content`, `205 Reset Content` and `304 Not Modified`
/// responses.
///
/// **progenitor limit:** a response with a JSON schema is decoded as JSON, so Looker's
/// `logout` (documented as `204` with a `string` schema) would fail on the empty body the server
/// actually sends. HTTP forbids a body on these statuses, so dropping the schema loses nothing.
pub fn drop_no_content_bodies(doc: &mut OpenAPI) {
    for op in operations_mut(doc) {
        for (status, response) in op.responses.responses.iter_mut() {
            if matches!(status, StatusCode::Code(204 | 205 | 304))
                && let ReferenceOr::Item(response) = response
            {
                response.content.clear();
            }
        }
    }
}

/// Replaces a `default` response by `4XX` and `5XX` responses (where not already present) when
/// the operation also documents a success response.
///
/// **progenitor limit:** progenitor counts `default` as a possible *success* too; when its schema
/// differs from the `2xx` one (Torq's `default` is `rpcStatus`, its `200` the list), generation
/// panics on `assert!(response_types.len() <= 1)` (progenitor issues #344, #950). With a
/// documented success, `default` can only describe errors, so the ranges say the same thing.
pub fn default_to_error_ranges(doc: &mut OpenAPI) {
    for op in operations_mut(doc) {
        let has_success = op.responses.responses.keys().any(|s| match s {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        });
        if !has_success {
            continue;
        }
        let Some(default) = op.responses.default.take() else {
            continue;
        };
        for range in [4, 5] {
            op.responses
                .responses
                .entry(StatusCode::Range(range))
                .or_insert_with(|| default.clone());
        }
        op.responses
            .responses
            .sort_by(|a, _, b, _| status_order(a).cmp(&status_order(b)));
    }
}

/// Sorts explicit codes before ranges so that the document reads in the order progenitor matches.
fn status_order(status: &StatusCode) -> (u16, u16) {
    match status {
        StatusCode::Code(c) => (c / 100, *c),
        StatusCode::Range(r) => (*r, 1000),
    }
}

/// Gives all error responses of an operation one schema: the union of the object schemas the
/// vendor documents for them.
///
/// **progenitor limit:** one error *type* per operation; Looker's `update_integration` and
/// `test_integration` answer `Error` for 400/404/429 but `ValidationError` for 422, which panics
/// progenitor (`assert!(response_types.len() <= 1)`). The merged schema (`ErrorOrValidationError`)
/// has every property of both, required only where both require it, so every documented body
/// still decodes. Inline schemas without properties (Torq's 401 and 403 say only "object") add
/// nothing; when a single schema remains, the operation simply uses it.
///
/// Fails, with the JSON pointer of the operation, when an error schema is not an object or two
/// schemas give one property different types.
pub fn merge_error_schemas(doc: &mut OpenAPI) -> Result<(), (String, String)> {
    let components = doc.components.get_or_insert_with(Components::default);
    let mut schemas = std::mem::take(&mut components.schemas);
    let mut result = Ok(());
    for (path, method, op) in operations_with_place(&mut doc.paths) {
        let here = format!("/paths/{}/{method}/responses", escape_token(&path));
        if let Err(message) = merge_operation_errors(op, &mut schemas) {
            result = Err((here, message));
            break;
        }
    }
    doc.components
        .get_or_insert_with(Components::default)
        .schemas = schemas;
    result
}

fn merge_operation_errors(
    op: &mut Operation,
    schemas: &mut IndexMap<String, ReferenceOr<Schema>>,
) -> Result<(), String> {
    let is_error = |s: &StatusCode| match s {
        StatusCode::Code(c) => (400..600).contains(c),
        StatusCode::Range(r) => *r == 4 || *r == 5,
    };
    // The distinct error schemas, in the order the document gives them.
    let mut distinct: Vec<ReferenceOr<Schema>> = Vec::new();
    for (status, response) in &op.responses.responses {
        if !is_error(status) {
            continue;
        }
        if let Some(schema) = json_schema(response)
            && !distinct.contains(schema)
        {
            distinct.push(schema.clone());
        }
    }
    if distinct.len() <= 1 {
        return Ok(());
    }
    // Resolve each one to (component name, object type); drop the ones that document nothing.
    let mut parts: Vec<(Option<String>, ObjectType)> = Vec::new();
    for schema in &distinct {
        let (name, resolved) = match schema {
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .trim_start_matches("#/components/schemas/")
                    .to_owned();
                match schemas.get(&name) {
                    Some(ReferenceOr::Item(s)) => (Some(name), s.clone()),
                    _ => return Err(format!("error schema `{reference}` is not a schema object")),
                }
            }
            ReferenceOr::Item(s) => (None, s.clone()),
        };
        let SchemaKind::Type(Type::Object(object)) = resolved.schema_kind else {
            return Err(format!(
                "error schema {} is not an object; cannot merge it with the other error bodies",
                name.as_deref().unwrap_or("(inline)")
            ));
        };
        if object.properties.is_empty() && object.additional_properties.is_none() {
            continue;
        }
        parts.push((name, object));
    }
    let merged_ref = match parts.as_slice() {
        [] => distinct[0].clone(),
        [(Some(name), _)] => ReferenceOr::ref_(&format!("#/components/schemas/{name}")),
        [(None, object)] => ReferenceOr::Item(object_schema(object.clone(), None)),
        _ => {
            let name = parts
                .iter()
                .map(|(n, _)| n.clone().unwrap_or_else(|| "Inline".to_owned()))
                .collect::<Vec<_>>()
                .join("Or");
            let object = union_objects(parts.iter().map(|(_, o)| o))?;
            let names = parts
                .iter()
                .filter_map(|(n, _)| n.as_deref().map(|n| format!("`{n}`")))
                .collect::<Vec<_>>()
                .join(" or ");
            let description = format!(
                "Any error body of the operations that answer {names}: every property of each, \
                 required only where all require it. Made by `cargo xtask codegen` \
                 (normalize::merge_error_schemas) because progenitor takes one error type per operation."
            );
            let schema = ReferenceOr::Item(object_schema(object, Some(description)));
            match schemas.get(&name) {
                Some(existing) if *existing != schema => {
                    return Err(format!(
                        "merged error schema `{name}` already exists and differs"
                    ));
                }
                Some(_) => {}
                None => {
                    schemas.insert(name.clone(), schema);
                }
            }
            ReferenceOr::ref_(&format!("#/components/schemas/{name}"))
        }
    };
    for (status, response) in op.responses.responses.iter_mut() {
        if !is_error(status) {
            continue;
        }
        if let ReferenceOr::Item(response) = response
            && let Some(media) = response.content.get_mut(JSON)
            && media.schema.is_some()
        {
            media.schema = Some(merged_ref.clone());
        }
    }
    Ok(())
}

/// The union of object schemas: all properties (first description wins), required where all
/// require, additional properties if any allows them.
fn union_objects<'a>(objects: impl Iterator<Item = &'a ObjectType>) -> Result<ObjectType, String> {
    let objects: Vec<&ObjectType> = objects.collect();
    let mut out = ObjectType::default();
    for object in &objects {
        for (name, schema) in &object.properties {
            match out.properties.get(name) {
                None => {
                    out.properties.insert(name.clone(), schema.clone());
                }
                Some(seen) if same_shape(seen, schema) => {}
                Some(_) => {
                    return Err(format!(
                        "property `{name}` has different types in the error bodies"
                    ));
                }
            }
        }
        if out.additional_properties.is_none() {
            out.additional_properties
                .clone_from(&object.additional_properties);
        }
    }
    out.required = objects[0]
        .required
        .iter()
        .filter(|r| objects.iter().all(|o| o.required.contains(r)))
        .cloned()
        .collect();
    Ok(out)
}

/// Two property schemas are the same shape when they differ at most in their prose.
fn same_shape(a: &ReferenceOr<Box<Schema>>, b: &ReferenceOr<Box<Schema>>) -> bool {
    match (a, b) {
        (ReferenceOr::Item(a), ReferenceOr::Item(b)) => {
            a.schema_kind == b.schema_kind && a.schema_data.nullable == b.schema_data.nullable
        }
        _ => a == b,
    }
}

fn object_schema(object: ObjectType, description: Option<String>) -> Schema {
    Schema {
        schema_data: openapiv3::SchemaData {
            description,
            ..Default::default()
        },
        schema_kind: SchemaKind::Type(Type::Object(object)),
    }
}

/// Folds an explicit error code (`401`) into the range that covers it (`4XX`) when both have the
/// same body schema, keeping the code's description in the range's.
///
/// **progenitor limit:** progenitor sorts a range by its lowest code (`4XX` as 400), so its match
/// arm comes before `401` and makes the code's arm unreachable — rustc warns, and CI denies
/// warnings. Once [`merge_error_schemas`] gave every error response one schema, the range says
/// everything the code said.
pub fn fold_codes_into_ranges(doc: &mut OpenAPI) {
    for op in operations_mut(doc) {
        let responses = &mut op.responses.responses;
        let codes: Vec<u16> = responses
            .keys()
            .filter_map(|s| match s {
                StatusCode::Code(c) => Some(*c),
                StatusCode::Range(_) => None,
            })
            .collect();
        for code in codes {
            let range = StatusCode::Range(code / 100);
            let (Some(ReferenceOr::Item(by_code)), Some(ReferenceOr::Item(by_range))) = (
                responses.get(&StatusCode::Code(code)),
                responses.get(&range),
            ) else {
                continue;
            };
            if by_code.content != by_range.content || !by_code.headers.is_empty() {
                continue;
            }
            let note = format!("{code}: {}", by_code.description.trim());
            if let Some(ReferenceOr::Item(by_range)) = responses.get_mut(&range) {
                by_range.description = format!("{}\n\n{note}", by_range.description.trim_end());
            }
            responses.shift_remove(&StatusCode::Code(code));
        }
    }
}

/// Turns closed string enums reachable from a response into open strings, and lists the known
/// values in the description instead.
///
/// **progenitor limit:** a string enum becomes a closed Rust enum, so one value the vendor adds
/// later (a new Torq sharing `direction`, a new Looker format) would fail the decoding of a whole
/// list. Request-only schemas keep their enums: what we send must be a value the vendor knows.
pub fn open_response_enums(doc: &mut OpenAPI) {
    for (_, schema) in received_components_mut(doc) {
        visit_inline_schemas(schema, &mut open_enum);
    }
    for op in operations_mut(doc) {
        for schema in inline_schemas_mut(op.responses.responses.values_mut()) {
            visit_inline_schemas(schema, &mut open_enum);
        }
    }
}

/// Opens `schema` if it is a string enum: no `enum`, the known values in the description.
fn open_enum(schema: &mut Schema) {
    let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind else {
        return;
    };
    if string.enumeration.is_empty() {
        return;
    }
    let known: Vec<String> = string
        .enumeration
        .drain(..)
        .flatten()
        .map(|v| format!("`{v}`"))
        .collect();
    append_note(
        &mut schema.schema_data.description,
        &format!(
            "Known values: {}. Other values are kept as they come.",
            known.join(", ")
        ),
    );
}

/// Lets every object schema reachable from a response keep the members it does not document
/// (`additionalProperties: {}`), except the write models made for request bodies.
///
/// **progenitor limit:** generated structs drop unknown JSON members, so a field a vendor adds
/// would be lost between the wire and the caller. With additional properties allowed, typify
/// gives each struct an `extra` map (`#[serde(flatten)]`) that keeps them, and serializing the
/// struct gives back everything the vendor sent.
pub fn keep_unknown_members(doc: &mut OpenAPI) {
    for (_, schema) in received_components_mut(doc) {
        if let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind
            && object.additional_properties.is_none()
        {
            // `{}` rather than `true`: typify reads `true` as the JSON Schema default and adds no map.
            object.additional_properties = Some(AdditionalProperties::Schema(Box::new(
                ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: SchemaKind::Any(Default::default()),
                }),
            )));
        }
    }
}

/// Points each JSON request body at a *write model* of its schema: the same object without its
/// `readOnly` properties (`Integration` → `IntegrationWrite`, and nested `IntegrationParam` →
/// `IntegrationParamWrite`). A schema that a response uses too and that has write-only properties
/// gets a write model as well, even without read-only ones: [`drop_write_only_from_read_models`]
/// takes those properties out of the read model, and the request must still be able to send them.
///
/// **progenitor limit:** `readOnly` is ignored, so a request body reuses the read model and a
/// caller could send fields the vendor does not let it write. With a write model, the generated
/// method cannot put a read-only field on the wire. Responses keep the full read model.
pub fn write_models_for_request_bodies(doc: &mut OpenAPI) {
    let received = schemas_reachable_from_responses(doc);
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let schemas = &mut components.schemas;
    for op in operations_with_place(&mut doc.paths).map(|(_, _, op)| op) {
        let Some(ReferenceOr::Item(body)) = op.request_body.as_mut() else {
            continue;
        };
        let Some(media) = body.content.get_mut(JSON) else {
            continue;
        };
        if let Some(ReferenceOr::Reference { reference }) = media.schema.as_ref()
            && let Some(name) = reference.strip_prefix("#/components/schemas/")
            && let Some(write) = write_model(schemas, name, &received)
        {
            media.schema = Some(ReferenceOr::ref_(&format!("#/components/schemas/{write}")));
        }
    }
}

/// Makes (once) the write model of component `name`; `None` when it has no read-only part and
/// no write-only part that a response would lose (`received`: the schemas responses use).
fn write_model(
    schemas: &mut IndexMap<String, ReferenceOr<Schema>>,
    name: &str,
    received: &std::collections::BTreeSet<String>,
) -> Option<String> {
    let write_name = format!("{name}Write");
    if schemas.contains_key(&write_name) {
        return Some(write_name);
    }
    let Some(ReferenceOr::Item(schema)) = schemas.get(name) else {
        return None;
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let mut object = object.clone();
    object.additional_properties = None;
    let mut changed = received.contains(name) && !write_only_properties(schema).is_empty();
    let read_only: Vec<String> = object
        .properties
        .iter()
        .filter(|(_, p)| matches!(p, ReferenceOr::Item(p) if p.schema_data.read_only))
        .map(|(n, _)| n.clone())
        .collect();
    for prop in &read_only {
        object.properties.shift_remove(prop);
        object.required.retain(|r| r != prop);
        changed = true;
    }
    for prop in object.properties.values_mut() {
        // A property that is (an array of) another component with read-only parts.
        let target = match prop {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(item) => match &mut item.schema_kind {
                SchemaKind::Type(Type::Array(array)) => match array.items.as_mut() {
                    Some(ReferenceOr::Reference { reference }) => Some(reference),
                    _ => None,
                },
                _ => None,
            },
        };
        if let Some(reference) = target
            && let Some(inner) = reference
                .strip_prefix("#/components/schemas/")
                .map(str::to_owned)
            && inner != name
            && let Some(inner_write) = write_model(schemas, &inner, received)
        {
            *reference = format!("#/components/schemas/{inner_write}");
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    let description = format!(
        "The fields of `{name}` a caller may write (its read-only fields left out). Made by \
         `cargo xtask codegen` (normalize::write_models_for_request_bodies)."
    );
    schemas.insert(
        write_name.clone(),
        ReferenceOr::Item(object_schema(object, Some(description))),
    );
    Some(write_name)
}

/// Whether `schema` is write-only: OpenAPI's `writeOnly: true`, or Looker's own marker for the same
/// thing, `x-looker-write-only: true` (Looker's published document uses only its own marker).
fn is_write_only(schema: &Schema) -> bool {
    schema.schema_data.write_only
        || schema.schema_data.extensions.get("x-looker-write-only")
            == Some(&serde_json::Value::Bool(true))
}

/// Calls `f` on `schema`, then on every schema written inline in it: what its properties, array
/// items, map values and `allOf`/`oneOf`/`anyOf` members hold inline (never through a `$ref`),
/// each before what it holds in turn.
fn visit_inline_schemas(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
    f(schema);
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for prop in object.properties.values_mut() {
                if let ReferenceOr::Item(prop) = prop {
                    visit_inline_schemas(prop, f);
                }
            }
            if let Some(AdditionalProperties::Schema(extra)) = object.additional_properties.as_mut()
                && let ReferenceOr::Item(extra) = extra.as_mut()
            {
                visit_inline_schemas(extra, f);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(ReferenceOr::Item(items)) = array.items.as_mut() {
                visit_inline_schemas(items, f);
            }
        }
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            for s in list.iter_mut() {
                if let ReferenceOr::Item(s) = s {
                    visit_inline_schemas(s, f);
                }
            }
        }
        _ => {}
    }
}

/// Calls `f` on every object schema written inline in `schema` (see [`visit_inline_schemas`]).
fn visit_inline_objects(schema: &mut Schema, f: &mut dyn FnMut(&mut ObjectType)) {
    visit_inline_schemas(schema, &mut |s| {
        if let SchemaKind::Type(Type::Object(object)) = &mut s.schema_kind {
            f(object);
        }
    });
}

/// The names of the write-only properties of `object` itself (not of the objects inside it).
fn write_only_names(object: &ObjectType) -> Vec<String> {
    object
        .properties
        .iter()
        .filter(|(_, p)| matches!(p, ReferenceOr::Item(p) if is_write_only(p)))
        .map(|(n, _)| n.clone())
        .collect()
}

/// The names of the write-only properties of every object written inline in `schema` (see
/// [`visit_inline_schemas`]), in document order.
fn write_only_properties(schema: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    visit_inline_objects(&mut schema.clone(), &mut |object| {
        found.extend(write_only_names(object));
    });
    found
}

/// Removes write-only properties (`writeOnly: true`, or Looker's `x-looker-write-only: true`) from
/// every schema a response uses: `IntegrationHub` loses `authorization_token`, which stays in its
/// write model `IntegrationHubWrite` (made by [`write_models_for_request_bodies`], which runs
/// first) and in request-only schemas.
///
/// **progenitor limit:** `writeOnly` (and any `x-` marker) is ignored, so the read model gets a
/// field the vendor never sends: a decoded hub would always say `authorization_token: None`, which
/// reads as "no token" (`has_authorization_token` is what says that), and a secret a server did
/// send would sit in a typed field, printed by `Debug` and sent back by serialization. Without the
/// field, such a member lands in the `extra` map ([`keep_unknown_members`]), where the facade
/// scrubs secret-bearing members.
///
/// Fails, with the JSON pointer of the schema, when a schema a response uses is also sent as is
/// by a request body (no write model: a form body, or an inline one): removing the property would
/// stop the request sending it.
pub fn drop_write_only_from_read_models(doc: &mut OpenAPI) -> Result<(), (String, String)> {
    let sent = schemas_reachable_from_any_request_body(doc);
    for (name, schema) in received_components_mut(doc) {
        if sent.contains(name)
            && let Some(property) = write_only_properties(schema).first()
        {
            return Err((
                format!("/components/schemas/{}", escape_token(name)),
                format!(
                    "`{name}.{property}` is write-only and `{name}` is both answered and sent as is \
                     (no write model): cannot drop the property from the read model"
                ),
            ));
        }
        drop_write_only(schema);
    }
    for op in operations_mut(doc) {
        let responses = op.responses.responses.values_mut();
        for schema in inline_schemas_mut(responses.chain(op.responses.default.as_mut())) {
            drop_write_only(schema);
        }
    }
    Ok(())
}

/// Removes the write-only properties of every object written inline in `schema`, and their names
/// from `required`.
fn drop_write_only(schema: &mut Schema) {
    visit_inline_objects(schema, &mut |object| {
        for prop in write_only_names(object) {
            object.properties.shift_remove(&prop);
            object.required.retain(|r| *r != prop);
        }
    });
}

/// Writable list properties whose empty list is a write of its own: the vendor replaces the stored
/// list with the one sent, so `[]` clears it, while leaving the property out keeps it. Each entry
/// is (vendor schema, property); the rule changes the property in the schema's write model.
///
/// - `Integration.installed_delegate_oauth_targets`: Looker sets the installed targets to the
///   list sent; `[]` uninstalls them all.
///
/// Lists the vendor merges instead (Looker's `params`, matched by name) are left out: for them
/// `[]` and absent are the same write.
pub const EMPTY_LIST_WRITES: &[(&str, &str)] =
    &[("Integration", "installed_delegate_oauth_targets")];

/// Makes each list of [`EMPTY_LIST_WRITES`] nullable in its write model, so that it becomes an
/// `Option<Vec<T>>`: `None` leaves the property out, `Some(vec![])` sends `[]`.
///
/// **typify limit:** an optional array becomes a `Vec<T>` with `skip_serializing_if =
/// "Vec::is_empty"`, so an empty list never reaches the wire and a write model cannot clear the
/// list. typify gives `Option<Vec<T>>` only to a nullable array; `None` is skipped, so the
/// generated client still never sends the `null` this copy allows. Read models and the committed
/// spec are unchanged.
///
/// Fails, with the JSON pointer of the property, when a listed schema has a write model without
/// that property as an array (the list is stale).
pub fn let_writes_send_empty_lists(doc: &mut OpenAPI) -> Result<(), (String, String)> {
    empty_lists_from(doc, EMPTY_LIST_WRITES)
}

/// [`let_writes_send_empty_lists`] for the (schema, property) pairs of `list`.
fn empty_lists_from(doc: &mut OpenAPI, list: &[(&str, &str)]) -> Result<(), (String, String)> {
    each_listed_write(doc, "EMPTY_LIST_WRITES", list, |schemas, listed| {
        let ReferenceOr::Item(prop) = listed.property(schemas)? else {
            return Err(listed.stale("is not a writable property"));
        };
        if !matches!(prop.schema_kind, SchemaKind::Type(Type::Array(_))) {
            return Err(listed.stale("is not an array"));
        }
        prop.schema_data.nullable = true;
        append_note(
            &mut prop.schema_data.description,
            "In a write, absent leaves the list as it is and `[]` empties it. Nullable in this copy \
             only so that the generated field is an `Option<Vec<_>>` (normalize::let_writes_send_empty_lists); \
             `None` is left out, never sent as null.",
        );
        Ok(())
    })
}

/// Writable nullable properties whose `null` is a write of its own, distinct from leaving the
/// property out. Each entry is (vendor schema, property); the rule changes the property in the
/// schema's write model.
///
/// - `IntegrationParam.user_attribute_name`: Looker documents null as "use `value`", i.e. unbind
///   the user attribute; absent leaves the binding as it is.
///
/// Nulls the vendor ignores are left out (`IntegrationParam.value`: null leaves the value as it is,
/// the same as absent).
pub const NULL_WRITES: &[(&str, &str)] = &[("IntegrationParam", "user_attribute_name")];

/// Moves each property of [`NULL_WRITES`] in its write model into a schema of its own (named
/// after the write model and the property, e.g. `IntegrationParamWriteUserAttributeName`), so
/// that the generated field is `Option<Newtype>` around the property's `Option<T>`: `None` leaves
/// the property out, `Some(Newtype(None))` sends `null`, `Some(Newtype(Some(v)))` sends `v`.
///
/// **typify limit:** an optional nullable property becomes one `Option<T>` with
/// `skip_serializing_if = "Option::is_none"`, so `null` can never be sent: absent and null are
/// the same value. typify wraps an optional reference to a named schema in `Option`, and makes a
/// nullable named schema a newtype around `Option<T>` (`#[serde(transparent)]`), which gives the
/// two levels. The property becomes `allOf` of that one reference, which typify reads as the
/// reference itself but which keeps a description for the field's doc. The value keeps its type
/// (a string or null; anything else still fails to deserialize), unlike an untyped schema
/// (`serde_json::Value`) would. Read models and the committed spec are unchanged.
///
/// Fails, with the JSON pointer of the property, when a listed schema has a write model without
/// that property as an inline nullable schema (the list is stale), or when the new schema's name
/// is taken.
pub fn let_writes_send_null(doc: &mut OpenAPI) -> Result<(), (String, String)> {
    nulls_from(doc, NULL_WRITES)
}

/// [`let_writes_send_null`] for the (schema, property) pairs of `list`.
fn nulls_from(doc: &mut OpenAPI, list: &[(&str, &str)]) -> Result<(), (String, String)> {
    each_listed_write(doc, "NULL_WRITES", list, |schemas, listed| {
        let Listed {
            schema,
            property,
            write,
            ..
        } = listed;
        let name = format!("{write}{}", pascal_case(property));
        if schemas.contains_key(&name) {
            return Err(format!(
                "cannot name the schema of `{schema}.{property}` `{name}`: the name is taken"
            ));
        }
        let slot = listed.property(schemas)?;
        let ReferenceOr::Item(prop) = slot else {
            return Err(listed.stale("is a $ref, not an inline nullable schema"));
        };
        if !prop.schema_data.nullable {
            return Err(listed.stale("is not nullable"));
        }
        let mut moved = (**prop).clone();
        let mut field_doc = moved.schema_data.description.clone();
        append_note(
            &mut field_doc,
            &format!(
                "In a write: `None` leaves it as it is, `Some({name}(None))` sends null, \
                 `Some({name}(Some(v)))` sends `v` (normalize::let_writes_send_null)."
            ),
        );
        append_note(
            &mut moved.schema_data.description,
            "A schema of its own only so that a write can tell absent from null \
             (normalize::let_writes_send_null).",
        );
        // `allOf` of the one reference keeps a description on the property, for the field's doc.
        *slot = ReferenceOr::Item(Box::new(Schema {
            schema_data: openapiv3::SchemaData {
                description: field_doc,
                ..Default::default()
            },
            schema_kind: SchemaKind::AllOf {
                all_of: vec![ReferenceOr::ref_(&format!("#/components/schemas/{name}"))],
            },
        }));
        schemas.insert(name, ReferenceOr::Item(moved));
        Ok(())
    })
}

/// One entry of a vendor list of write rules ([`EMPTY_LIST_WRITES`], [`NULL_WRITES`]), with the
/// write model it changes.
struct Listed<'a> {
    /// The name of the vendor list, for errors.
    list: &'a str,
    /// The vendor schema.
    schema: &'a str,
    /// The property.
    property: &'a str,
    /// The write model of `schema`.
    write: &'a str,
}

impl Listed<'_> {
    /// The error saying the entry is stale: the property `is` something the rule cannot change.
    fn stale(&self, is: &str) -> String {
        let Listed {
            list,
            schema,
            property,
            ..
        } = self;
        format!("`{schema}.{property}` is listed in normalize::{list} but {is}")
    }

    /// The property in the write model, mutably; a stale-entry error when the model has none.
    fn property<'s>(
        &self,
        schemas: &'s mut IndexMap<String, ReferenceOr<Schema>>,
    ) -> Result<&'s mut ReferenceOr<Box<Schema>>, String> {
        write_property(schemas, self.write, self.property)
            .ok_or_else(|| self.stale("is not a writable property"))
    }
}

/// Calls `rule` on each (schema, property) entry of `list` (the vendor list named `list_name`)
/// whose schema a request body sends, with the component schemas; entries for schemas this
/// document does not send are skipped. Fails, with the JSON pointer of the property in the write
/// model, with the first message `rule` fails with.
fn each_listed_write(
    doc: &mut OpenAPI,
    list_name: &str,
    list: &[(&str, &str)],
    mut rule: impl FnMut(&mut IndexMap<String, ReferenceOr<Schema>>, &Listed) -> Result<(), String>,
) -> Result<(), (String, String)> {
    let write_models = write_models(doc);
    let Some(components) = doc.components.as_mut() else {
        return Ok(());
    };
    for (schema, property) in list {
        let Some(write) = write_models.get(*schema) else {
            continue;
        };
        let listed = Listed {
            list: list_name,
            schema,
            property,
            write,
        };
        rule(&mut components.schemas, &listed).map_err(|message| {
            (
                format!("/components/schemas/{write}/properties/{property}"),
                message,
            )
        })?;
    }
    Ok(())
}

/// For each component schema a JSON request body uses, the schema the body actually sends: its
/// write model (`IntegrationWrite` for `Integration`, made by
/// [`write_models_for_request_bodies`]), or the schema itself when no response uses it.
fn write_models(doc: &OpenAPI) -> std::collections::BTreeMap<String, String> {
    let sent = schemas_reachable_from_request_bodies(doc);
    let received = schemas_reachable_from_responses(doc);
    let mut out = std::collections::BTreeMap::new();
    for name in &sent {
        if let Some(read) = name.strip_suffix("Write")
            && !sent.contains(read)
        {
            out.insert(read.to_owned(), name.clone());
        } else if !received.contains(name) {
            out.entry(name.clone()).or_insert_with(|| name.clone());
        }
    }
    out
}

/// The property `property` of the object schema `schema`, mutably.
fn write_property<'a>(
    schemas: &'a mut IndexMap<String, ReferenceOr<Schema>>,
    schema: &str,
    property: &str,
) -> Option<&'a mut ReferenceOr<Box<Schema>>> {
    match schemas.get_mut(schema)? {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) => object.properties.get_mut(property),
        _ => None,
    }
}

/// Appends a paragraph to a description.
fn append_note(description: &mut Option<String>, note: &str) {
    *description = Some(match description.take() {
        Some(d) => format!("{}\n\n{note}", d.trim_end()),
        None => note.to_owned(),
    });
}

/// `user_attribute_name` → `UserAttributeName`.
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Names of the component schemas that a JSON request body uses, directly or through other
/// schemas.
fn schemas_reachable_from_request_bodies(doc: &OpenAPI) -> std::collections::BTreeSet<String> {
    schemas_reachable(doc, |op| {
        body_media(op)
            .filter(|(media_type, _)| *media_type == JSON)
            .filter_map(|(_, media)| media.schema.as_ref())
    })
}

/// Names of the component schemas that a request body of any media type (JSON, a form) uses,
/// directly or through other schemas.
fn schemas_reachable_from_any_request_body(doc: &OpenAPI) -> std::collections::BTreeSet<String> {
    schemas_reachable(doc, |op| {
        body_media(op).filter_map(|(_, media)| media.schema.as_ref())
    })
}

/// Names of the component schemas that a response body uses, directly or through other schemas.
fn schemas_reachable_from_responses(doc: &OpenAPI) -> std::collections::BTreeSet<String> {
    schemas_reachable(doc, |op| {
        op.responses
            .responses
            .values()
            .chain(op.responses.default.as_ref())
            .filter_map(|response| match response {
                ReferenceOr::Item(response) => Some(response.content.values()),
                ReferenceOr::Reference { .. } => None,
            })
            .flatten()
            .filter_map(|media| media.schema.as_ref())
    })
}

/// Names of the component schemas that the schemas `picked` from each operation use, directly or
/// through other schemas.
fn schemas_reachable<'a, I>(
    doc: &'a OpenAPI,
    picked: impl Fn(&'a Operation) -> I,
) -> std::collections::BTreeSet<String>
where
    I: Iterator<Item = &'a ReferenceOr<Schema>>,
{
    let mut todo: Vec<String> = Vec::new();
    for (_, item) in doc.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            for schema in picked(op) {
                collect_refs(&serde_json::to_value(schema).unwrap_or_default(), &mut todo);
            }
        }
    }
    close_over_refs(doc, todo)
}

/// The media types of an operation's inline request body, with their names.
fn body_media(op: &Operation) -> impl Iterator<Item = (&String, &MediaType)> {
    op.request_body
        .iter()
        .filter_map(|body| match body {
            ReferenceOr::Item(body) => Some(body.content.iter()),
            ReferenceOr::Reference { .. } => None,
        })
        .flatten()
}

/// `todo` and every component schema they use, directly or through other schemas.
fn close_over_refs(doc: &OpenAPI, mut todo: Vec<String>) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = doc.components.as_ref().and_then(|c| c.schemas.get(&name)) {
            collect_refs(&serde_json::to_value(schema).unwrap_or_default(), &mut todo);
        }
    }
    seen
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(|r| r.as_str())
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The JSON schema of a response, if it has one inline.
fn json_schema(response: &ReferenceOr<Response>) -> Option<&ReferenceOr<Schema>> {
    match response {
        ReferenceOr::Item(r) => r.content.get(JSON)?.schema.as_ref(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The component schemas a response uses (directly or through other schemas), with their names,
/// mutably.
fn received_components_mut(doc: &mut OpenAPI) -> impl Iterator<Item = (&String, &mut Schema)> {
    let received = schemas_reachable_from_responses(doc);
    doc.components
        .iter_mut()
        .flat_map(|components| components.schemas.iter_mut())
        .filter(move |(name, _)| received.contains(*name))
        .filter_map(|(name, schema)| match schema {
            ReferenceOr::Item(schema) => Some((name, schema)),
            ReferenceOr::Reference { .. } => None,
        })
}

/// The body schemas written inline in `responses` (not through a `$ref`), mutably.
fn inline_schemas_mut<'a>(
    responses: impl Iterator<Item = &'a mut ReferenceOr<Response>>,
) -> impl Iterator<Item = &'a mut Schema> {
    responses
        .filter_map(|response| match response {
            ReferenceOr::Item(response) => Some(response.content.values_mut()),
            ReferenceOr::Reference { .. } => None,
        })
        .flatten()
        .filter_map(|media| match media.schema.as_mut() {
            Some(ReferenceOr::Item(schema)) => Some(schema),
            _ => None,
        })
}

/// Every operation of the document, mutably.
fn operations_mut(doc: &mut OpenAPI) -> impl Iterator<Item = &mut Operation> {
    operations_with_place(&mut doc.paths).map(|(_, _, op)| op)
}

/// Every operation with its path and method, mutably.
fn operations_with_place(
    paths: &mut openapiv3::Paths,
) -> impl Iterator<Item = (String, &'static str, &mut Operation)> {
    paths.paths.iter_mut().flat_map(|(path, item)| {
        let ops: Vec<(String, &'static str, &mut Operation)> = match item {
            ReferenceOr::Item(item) => [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("options", &mut item.options),
                ("head", &mut item.head),
                ("patch", &mut item.patch),
                ("trace", &mut item.trace),
            ]
            .into_iter()
            .filter_map(|(m, op)| op.as_mut().map(|op| (path.clone(), m, op)))
            .collect(),
            ReferenceOr::Reference { .. } => Vec::new(),
        };
        ops
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(value: serde_json::Value) -> OpenAPI {
        serde_json::from_value(value).unwrap()
    }

    fn op_responses(doc: &OpenAPI, path: &str) -> serde_json::Value {
        let ReferenceOr::Item(item) = &doc.paths.paths[path] else {
            panic!()
        };
        let op = item.iter().next().unwrap().1;
        serde_json::to_value(&op.responses).unwrap()
    }

    fn base(responses: serde_json::Value, schemas: serde_json::Value) -> OpenAPI {
        doc(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "x", "responses": responses}}},
            "components": {"schemas": schemas}
        }))
    }

    /// A document whose one operation, `method /x`, sends a body of component `body` as `media`
    /// and answers `responses`; `schemas` are its components.
    fn sending(
        method: &str,
        media: &str,
        body: &str,
        responses: serde_json::Value,
        schemas: serde_json::Value,
    ) -> OpenAPI {
        let body = json!({"content": {media: {"schema": {"$ref": format!("#/components/schemas/{body}")}}}});
        doc(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {method: {"operationId": "x", "requestBody": body, "responses": responses}}},
            "components": {"schemas": schemas}
        }))
    }

    /// [`sending`] a PATCH whose JSON body is `Thing`, answered by `Thing` too.
    fn patching_thing(schemas: serde_json::Value) -> OpenAPI {
        sending(
            "patch",
            JSON,
            "Thing",
            json!({"200": json_ref("Thing")}),
            schemas,
        )
    }

    /// [`sending`] a POST whose JSON body is `Req`.
    fn posting_req(responses: serde_json::Value, schemas: serde_json::Value) -> OpenAPI {
        sending("post", JSON, "Req", responses, schemas)
    }

    /// The `$ref` of the JSON request body of the one operation at `path`.
    fn body_ref(doc: &OpenAPI, path: &str) -> serde_json::Value {
        let ReferenceOr::Item(item) = &doc.paths.paths[path] else {
            panic!()
        };
        let op = item.iter().next().unwrap().1;
        let body = serde_json::to_value(op.request_body.as_ref().unwrap()).unwrap();
        body["content"][JSON]["schema"]["$ref"].clone()
    }

    /// The member names of the JSON object `value`, in order.
    fn keys(value: &serde_json::Value) -> Vec<&String> {
        value.as_object().unwrap().keys().collect()
    }

    /// [`posting_req`] answered by `Res`, whose one property `inner` is `Inner`; `schemas` give
    /// `Req`, `Inner` and any other component.
    fn posting_req_answered_by_res(mut schemas: serde_json::Value) -> OpenAPI {
        schemas["Res"] = json!({"type": "object", "properties": {
            "inner": {"$ref": "#/components/schemas/Inner"}}});
        posting_req(json!({"200": json_ref("Res")}), schemas)
    }

    fn json_ref(name: &str) -> serde_json::Value {
        json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}, "description": "d"})
    }

    #[test]
    fn no_content_responses_lose_their_body_schema() {
        let mut d = base(
            json!({"204": {"description": "gone", "content": {"application/json": {"schema": {"type": "string"}}}}}),
            json!({}),
        );
        drop_no_content_bodies(&mut d);
        assert_eq!(
            op_responses(&d, "/x")["204"],
            json!({"description": "gone"})
        );
    }

    #[test]
    fn default_becomes_error_ranges_next_to_a_success() {
        let mut d = base(
            json!({"200": json_ref("List"), "401": {"description": "no"}, "default": json_ref("Status")}),
            json!({"List": {"type": "object"}, "Status": {"type": "object"}}),
        );
        default_to_error_ranges(&mut d);
        let r = op_responses(&d, "/x");
        assert!(r.get("default").is_none());
        assert_eq!(r["4XX"], json_ref("Status"));
        assert_eq!(r["5XX"], json_ref("Status"));
        assert_eq!(
            r["401"],
            json!({"description": "no"}),
            "explicit codes are kept"
        );
        let order = keys(&r);
        assert_eq!(order, ["200", "401", "4XX", "5XX"]);
    }

    #[test]
    fn default_alone_is_left_alone() {
        let mut d = base(
            json!({"default": json_ref("Status")}),
            json!({"Status": {"type": "object"}}),
        );
        default_to_error_ranges(&mut d);
        assert_eq!(op_responses(&d, "/x")["default"], json_ref("Status"));
    }

    #[test]
    fn two_error_schemas_merge_into_their_union() {
        let mut d = base(
            json!({"200": json_ref("Ok"), "404": json_ref("Error"), "422": json_ref("ValidationError")}),
            json!({
                "Ok": {"type": "object"},
                "Error": {"type": "object", "required": ["message"],
                    "properties": {"message": {"type": "string"}, "documentation_url": {"type": "string"}}},
                "ValidationError": {"type": "object", "required": ["message", "errors"],
                    "properties": {"message": {"type": "string"}, "errors": {"type": "array", "items": {"type": "string"}}}}
            }),
        );
        merge_error_schemas(&mut d).unwrap();
        let r = op_responses(&d, "/x");
        assert_eq!(r["404"], json_ref("ErrorOrValidationError"));
        assert_eq!(r["422"], json_ref("ErrorOrValidationError"));
        assert_eq!(r["200"], json_ref("Ok"), "success responses are untouched");
        let merged =
            serde_json::to_value(&d.components.as_ref().unwrap().schemas["ErrorOrValidationError"])
                .unwrap();
        let props = keys(&merged["properties"]);
        assert_eq!(props, ["documentation_url", "errors", "message"]);
        assert_eq!(merged["required"], json!(["message"]));
    }

    #[test]
    fn undocumented_error_objects_defer_to_the_documented_one() {
        let mut d = base(
            json!({"200": json_ref("Ok"), "401": {"description": "d", "content": {"application/json": {"schema": {"type": "object"}}}},
                   "4XX": json_ref("rpcStatus")}),
            json!({"Ok": {"type": "object"}, "rpcStatus": {"type": "object", "properties": {"code": {"type": "integer"}}}}),
        );
        merge_error_schemas(&mut d).unwrap();
        let r = op_responses(&d, "/x");
        assert_eq!(r["401"], json_ref("rpcStatus"));
        assert_eq!(d.components.unwrap().schemas.len(), 2, "no new schema");
    }

    #[test]
    fn conflicting_error_properties_are_an_error_with_a_pointer() {
        let mut d = base(
            json!({"400": json_ref("A"), "422": json_ref("B")}),
            json!({"A": {"type": "object", "properties": {"code": {"type": "integer"}}},
                   "B": {"type": "object", "properties": {"code": {"type": "string"}}}}),
        );
        let (pointer, message) = merge_error_schemas(&mut d).unwrap_err();
        assert_eq!(pointer, "/paths/~1x/get/responses");
        assert!(message.contains("`code`"), "{message}");
    }

    #[test]
    fn codes_fold_into_a_range_with_the_same_body() {
        let mut d = base(
            json!({"200": json_ref("Ok"), "401": {"description": "Bad token.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}},
                   "404": {"description": "Other body.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ok"}}}},
                   "4XX": {"description": "Any other error.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}),
            json!({"Ok": {"type": "object"}, "S": {"type": "object"}}),
        );
        fold_codes_into_ranges(&mut d);
        let r = op_responses(&d, "/x");
        assert!(r.get("401").is_none());
        assert_eq!(
            r["4XX"]["description"],
            "Any other error.\n\n401: Bad token."
        );
        assert_eq!(
            r["404"]["description"], "Other body.",
            "a code with another body stays"
        );
    }

    #[test]
    fn request_bodies_get_write_models_without_read_only_fields() {
        let mut d = patching_thing(json!({
            "Thing": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string", "readOnly": true},
                "enabled": {"type": "boolean"},
                "params": {"type": "array", "items": {"$ref": "#/components/schemas/Param"}}}},
            "Param": {"type": "object", "properties": {
                "name": {"type": "string"}, "label": {"type": "string", "readOnly": true}}}
        }));
        write_models_for_request_bodies(&mut d);
        assert_eq!(body_ref(&d, "/x"), "#/components/schemas/ThingWrite");
        assert_eq!(
            op_responses(&d, "/x")["200"],
            json_ref("Thing"),
            "responses keep the read model"
        );
        let schemas = schemas_of(&d);
        let write = &schemas["ThingWrite"];
        let props = keys(&write["properties"]);
        assert_eq!(props, ["enabled", "params"]);
        assert!(write.get("required").is_none());
        assert_eq!(
            write["properties"]["params"]["items"]["$ref"],
            "#/components/schemas/ParamWrite"
        );
        let param_props = keys(&schemas["ParamWrite"]["properties"]);
        assert_eq!(param_props, ["name"]);
        assert!(
            schemas["Thing"]["properties"].get("id").is_some(),
            "the read model is untouched"
        );
    }

    #[test]
    fn response_objects_keep_unknown_members_and_request_only_ones_do_not() {
        let mut d = posting_req_answered_by_res(json!({
            "Req": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Inner": {"type": "object", "properties": {"b": {"type": "string"}}},
            "Map": {"type": "object", "additionalProperties": {"type": "boolean"}}
        }));
        keep_unknown_members(&mut d);
        let schemas = schemas_of(&d);
        assert_eq!(schemas["Res"]["additionalProperties"], json!({}));
        assert_eq!(schemas["Inner"]["additionalProperties"], json!({}));
        assert!(schemas["Req"].get("additionalProperties").is_none());
        assert_eq!(
            schemas["Map"]["additionalProperties"],
            json!({"type": "boolean"}),
            "kept as written"
        );
    }

    #[test]
    fn response_enums_open_and_request_enums_stay_closed() {
        let mut d = posting_req_answered_by_res(json!({
            "Req": {"type": "object", "properties": {"grant": {"type": "string", "enum": ["a"]}}},
            "Inner": {"type": "object", "properties": {
                "direction": {"type": "string", "enum": ["in", "out"], "default": "in", "description": "Where."},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}}}}
        }));
        open_response_enums(&mut d);
        let schemas = schemas_of(&d);
        let direction = &schemas["Inner"]["properties"]["direction"];
        assert!(direction.get("enum").is_none());
        assert_eq!(direction["default"], "in");
        assert_eq!(
            direction["description"],
            "Where.\n\nKnown values: `in`, `out`. Other values are kept as they come."
        );
        assert!(
            schemas["Inner"]["properties"]["tags"]["items"]
                .get("enum")
                .is_none()
        );
        assert_eq!(schemas["Req"]["properties"]["grant"]["enum"], json!(["a"]));
    }

    /// A document whose PATCH body is `Thing` (read-only `id`, writable `targets`, `params` and
    /// `Param.binding`, nullable) and whose answer is `Thing` too.
    fn writable_doc(extra_thing_props: serde_json::Value) -> OpenAPI {
        let mut thing_props = json!({
            "id": {"type": "string", "readOnly": true},
            "targets": {"type": "array", "items": {"type": "string"}, "description": "Installed."},
            "params": {"type": "array", "items": {"$ref": "#/components/schemas/Param"}}
        });
        for (k, v) in extra_thing_props.as_object().unwrap() {
            thing_props[k] = v.clone();
        }
        patching_thing(json!({
            "Thing": {"type": "object", "properties": thing_props},
            "Param": {"type": "object", "properties": {
                "name": {"type": "string"},
                "label": {"type": "string", "readOnly": true},
                "binding": {"type": "string", "nullable": true, "description": "Null unbinds."}}}
        }))
    }

    /// The components of `d`, as JSON.
    fn schemas_of(d: &OpenAPI) -> serde_json::Value {
        serde_json::to_value(&d.components.as_ref().unwrap().schemas).unwrap()
    }

    /// A write rule run on a list of (schema, property) pairs of the test's choosing.
    type ListRule = fn(&mut OpenAPI, &[(&str, &str)]) -> Result<(), (String, String)>;

    /// Makes the write models, then applies `rule` with `list` in place of the vendor's list.
    fn with_list(
        d: &mut OpenAPI,
        list: &[(&str, &str)],
        rule: ListRule,
    ) -> Result<(), (String, String)> {
        write_models_for_request_bodies(d);
        rule(d, list)
    }

    /// The components of [`writable_doc`] once `rule` ran with `list`.
    fn writable_schemas_with(list: &[(&str, &str)], rule: ListRule) -> serde_json::Value {
        let mut d = writable_doc(json!({}));
        with_list(&mut d, list, rule).unwrap();
        schemas_of(&d)
    }

    #[test]
    fn listed_write_lists_become_nullable_in_the_write_model_only() {
        let schemas = writable_schemas_with(&[("Thing", "targets")], empty_lists_from);
        let targets = &schemas["ThingWrite"]["properties"]["targets"];
        assert_eq!(targets["nullable"], true);
        assert_eq!(targets["items"], json!({"type": "string"}));
        let description = targets["description"].as_str().unwrap();
        assert!(
            description.starts_with("Installed.\n\nIn a write, absent leaves the list"),
            "{targets}"
        );
        assert!(
            schemas["ThingWrite"]["properties"]["params"]
                .get("nullable")
                .is_none(),
            "an unlisted list is left alone"
        );
        assert!(
            schemas["Thing"]["properties"]["targets"]
                .get("nullable")
                .is_none(),
            "the read model is untouched"
        );
    }

    #[test]
    fn listed_nulls_get_a_schema_of_their_own_in_the_write_model_only() {
        let schemas = writable_schemas_with(&[("Param", "binding")], nulls_from);
        let binding = &schemas["ParamWrite"]["properties"]["binding"];
        assert_eq!(
            binding["allOf"],
            json!([{"$ref": "#/components/schemas/ParamWriteBinding"}])
        );
        let description = binding["description"].as_str().unwrap();
        assert!(
            description.starts_with("Null unbinds.\n\nIn a write: `None` leaves it"),
            "{binding}"
        );
        let own = &schemas["ParamWriteBinding"];
        assert_eq!(own["type"], "string");
        assert_eq!(own["nullable"], true);
        assert_eq!(
            schemas["Param"]["properties"]["binding"],
            json!({"type": "string", "nullable": true, "description": "Null unbinds."}),
            "the read model is untouched"
        );
    }

    #[test]
    fn a_schema_shared_by_requests_and_responses_without_a_write_model_is_left_alone() {
        // No read-only field: the body uses `Thing` itself, which answers too.
        let mut d = patching_thing(json!({"Thing": {"type": "object", "properties": {
                "targets": {"type": "array", "items": {"type": "string"}}}}}));
        let before = schemas_of(&d);
        with_list(&mut d, &[("Thing", "targets")], empty_lists_from).unwrap();
        assert_eq!(schemas_of(&d), before);
        // A request-only schema is its own write model.
        let mut d = posting_req(
            json!({"204": {"description": "done"}}),
            json!({"Req": {"type": "object", "properties": {
                "targets": {"type": "array", "items": {"type": "string"}}}}}),
        );
        with_list(&mut d, &[("Req", "targets")], empty_lists_from).unwrap();
        assert_eq!(
            schemas_of(&d)["Req"]["properties"]["targets"]["nullable"],
            true
        );
    }

    #[test]
    fn stale_list_entries_are_errors_with_a_pointer() {
        let mut d = writable_doc(
            json!({"targets": {"type": "array", "items": {"type": "string"}, "readOnly": true}}),
        );
        let (pointer, message) =
            with_list(&mut d, &[("Thing", "targets")], empty_lists_from).unwrap_err();
        assert_eq!(pointer, "/components/schemas/ThingWrite/properties/targets");
        assert!(message.contains("not a writable property"), "{message}");

        let mut d = writable_doc(json!({}));
        let (pointer, message) =
            with_list(&mut d, &[("Param", "name")], empty_lists_from).unwrap_err();
        assert_eq!(pointer, "/components/schemas/ParamWrite/properties/name");
        assert!(message.contains("not an array"), "{message}");

        let mut d = writable_doc(json!({}));
        let (pointer, message) = with_list(&mut d, &[("Param", "name")], nulls_from).unwrap_err();
        assert_eq!(pointer, "/components/schemas/ParamWrite/properties/name");
        assert!(message.contains("not nullable"), "{message}");

        let mut d = writable_doc(json!({}));
        assert!(
            with_list(&mut d, &[("Absent", "x")], nulls_from).is_ok(),
            "a schema another vendor's document has is skipped"
        );
    }

    /// A document whose `Hub` is both created (JSON body) and answered, with a read-only `id`, a
    /// writable `url`, a token marked the Looker way and a pin marked the OpenAPI way (nested
    /// inline), and a login form whose `secret` is write-only too.
    fn write_only_doc() -> OpenAPI {
        doc(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/hubs": {"post": {"operationId": "create",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Hub"}}}},
                    "responses": {"200": json_ref("Hub")}}},
                "/login": {"post": {"operationId": "login",
                    "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Login"}}}},
                    "responses": {"200": {"description": "d", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {
                            "token": {"type": "string"},
                            "echo": {"type": "string", "writeOnly": true}}}}}}}}}
            },
            "components": {"schemas": {
                "Hub": {"type": "object", "required": ["url", "authorization_token"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "url": {"type": "string"},
                    "authorization_token": {"type": "string", "nullable": true, "x-looker-write-only": true},
                    "has_authorization_token": {"type": "boolean", "readOnly": true},
                    "lock": {"type": "object", "properties": {
                        "pin": {"type": "string", "writeOnly": true},
                        "label": {"type": "string"},
                        "hint": {"type": "string", "x-looker-write-only": false}}}}},
                "Login": {"type": "object", "properties": {
                    "client_id": {"type": "string"},
                    "secret": {"type": "string", "writeOnly": true}}}
            }}
        }))
    }

    #[test]
    fn write_only_fields_leave_read_models_and_stay_in_write_models() {
        let mut d = write_only_doc();
        write_models_for_request_bodies(&mut d);
        drop_write_only_from_read_models(&mut d).unwrap();
        let schemas = schemas_of(&d);

        let read = keys(&schemas["Hub"]["properties"]);
        assert_eq!(read, ["has_authorization_token", "id", "lock", "url"]);
        assert_eq!(
            schemas["Hub"]["required"],
            json!(["url"]),
            "a dropped field is not required either"
        );
        let lock = keys(&schemas["Hub"]["properties"]["lock"]["properties"]);
        assert_eq!(
            lock,
            ["hint", "label"],
            "`writeOnly` counts inside inline objects; `x-looker-write-only: false` does not"
        );

        let write = &schemas["HubWrite"];
        let written = keys(&write["properties"]);
        assert_eq!(written, ["authorization_token", "lock", "url"]);
        assert_eq!(write["properties"]["authorization_token"]["nullable"], true);
        let written_lock = &write["properties"]["lock"]["properties"];
        assert!(written_lock.get("pin").is_some(), "{write}");
        assert_eq!(
            schemas["Login"]["properties"]["secret"]["writeOnly"], true,
            "a request-only schema keeps its write-only fields"
        );
        let answer = &op_responses(&d, "/login")["200"]["content"]["application/json"]["schema"];
        assert!(
            answer["properties"].get("echo").is_none(),
            "inline response schemas lose them too: {answer}"
        );
        assert!(answer["properties"].get("token").is_some());
    }

    #[test]
    fn a_shared_schema_with_only_write_only_fields_to_hide_gets_a_write_model() {
        let mut d = patching_thing(json!({"Thing": {"type": "object", "properties": {
                "url": {"type": "string"},
                "token": {"type": "string", "writeOnly": true}}}}));
        write_models_for_request_bodies(&mut d);
        drop_write_only_from_read_models(&mut d).unwrap();
        assert_eq!(body_ref(&d, "/x"), "#/components/schemas/ThingWrite");
        let schemas = schemas_of(&d);
        assert!(schemas["Thing"]["properties"].get("token").is_none());
        assert!(schemas["ThingWrite"]["properties"].get("token").is_some());

        // Without a response using it, a body schema stays its own write model.
        let mut d = posting_req(
            json!({"204": {"description": "done"}}),
            json!({"Req": {"type": "object", "properties": {
                "token": {"type": "string", "writeOnly": true}}}}),
        );
        write_models_for_request_bodies(&mut d);
        drop_write_only_from_read_models(&mut d).unwrap();
        let schemas = schemas_of(&d);
        assert!(schemas.get("ReqWrite").is_none());
        assert!(schemas["Req"]["properties"].get("token").is_some());
    }

    #[test]
    fn a_write_only_field_of_a_schema_sent_and_answered_as_is_is_an_error_with_a_pointer() {
        // A form body has no write model: dropping the token would stop the request sending it.
        let mut d = sending(
            "post",
            "application/x-www-form-urlencoded",
            "Thing",
            json!({"200": json_ref("Thing")}),
            json!({"Thing": {"type": "object", "properties": {
                "id": {"type": "string", "readOnly": true},
                "token": {"type": "string", "x-looker-write-only": true}}}}),
        );
        write_models_for_request_bodies(&mut d);
        let (pointer, message) = drop_write_only_from_read_models(&mut d).unwrap_err();
        assert_eq!(pointer, "/components/schemas/Thing");
        assert!(message.contains("`Thing.token` is write-only"), "{message}");
    }

    #[test]
    fn the_vendor_lists_name_looker_fields() {
        assert_eq!(
            EMPTY_LIST_WRITES,
            [("Integration", "installed_delegate_oauth_targets")]
        );
        assert_eq!(NULL_WRITES, [("IntegrationParam", "user_attribute_name")]);
        assert_eq!(pascal_case("user_attribute_name"), "UserAttributeName");
        assert_eq!(pascal_case("a-b c"), "ABC");
    }
}
