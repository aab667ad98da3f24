//! Loading a committed spec: text → JSON → checks progenitor does not make → `openapiv3::OpenAPI`.
//!
//! progenitor 0.15 panics (or fails with a message that names no place) on several kinds of bad
//! document. Each check here runs first and reports a one-line [`CodegenError`] naming the file and
//! the JSON pointer of the node at fault.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{CodegenError, escape_token, pointer};

/// HTTP methods an OpenAPI 3.0 path item may hold an operation under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses and checks the text of the spec `file` (a path relative to the workspace, for messages).
pub fn parse(file: &str, text: &str) -> Result<OpenAPI, CodegenError> {
    let value: Value = serde_json::from_str(text).map_err(|e| CodegenError::Json {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    check_version(file, &value)?;
    check_refs(file, &value)?;
    check_operation_ids(file, &value)?;
    locate_shape_error(file, &value)?;
    deserialize_at::<OpenAPI>(file, &[], &value)
}

/// openapiv3 flattens several of its types, and serde loses track of where it is inside a
/// flattened map; so the parts a maintainer edits (each path item, each component) are first
/// deserialized one by one, to name the deepest pointer we can.
fn locate_shape_error(file: &str, doc: &Value) -> Result<(), CodegenError> {
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            deserialize_at::<openapiv3::PathItem>(file, &["paths", path], item)?;
        }
    }
    let Some(components) = doc.get("components").and_then(Value::as_object) else {
        return Ok(());
    };
    for (kind, entries) in components {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for (name, entry) in entries {
            let at = ["components", kind.as_str(), name.as_str()];
            match kind.as_str() {
                "schemas" => {
                    deserialize_at::<openapiv3::ReferenceOr<openapiv3::Schema>>(file, &at, entry)
                        .map(drop)?
                }
                "responses" => {
                    deserialize_at::<openapiv3::ReferenceOr<openapiv3::Response>>(file, &at, entry)
                        .map(drop)?
                }
                "parameters" => {
                    deserialize_at::<openapiv3::ReferenceOr<openapiv3::Parameter>>(file, &at, entry)
                        .map(drop)?
                }
                "requestBodies" => {
                    deserialize_at::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(
                        file, &at, entry,
                    )
                    .map(drop)?
                }
                "securitySchemes" => deserialize_at::<
                    openapiv3::ReferenceOr<openapiv3::SecurityScheme>,
                >(file, &at, entry)
                .map(drop)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// Deserializes `value`, found at the pointer made of `at`, naming the failing node's pointer.
fn deserialize_at<T: serde::de::DeserializeOwned>(
    file: &str,
    at: &[&str],
    value: &Value,
) -> Result<T, CodegenError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let below = e.path().iter().filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {
                None
            }
        });
        let tokens: Vec<String> = at.iter().map(|s| (*s).to_owned()).chain(below).collect();
        CodegenError::spec(file, pointer(tokens), e.inner().to_string())
    })
}

/// serde_json appends " at line L column C" to its messages; the error prints the position itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// progenitor takes OpenAPI 3.0.x only.
fn check_version(file: &str, doc: &Value) -> Result<(), CodegenError> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(CodegenError::spec(
            file,
            "/openapi",
            format!("OpenAPI {v} is not supported: progenitor takes OpenAPI 3.0.x"),
        )),
        None => Err(CodegenError::spec(
            file,
            "/openapi",
            "missing `openapi` version string: expected 3.0.x",
        )),
    }
}

/// Every `$ref` must be local (`#/…`) and point at a node of the document.
fn check_refs(file: &str, doc: &Value) -> Result<(), CodegenError> {
    fn walk(
        file: &str,
        doc: &Value,
        node: &Value,
        at: &mut Vec<String>,
    ) -> Result<(), CodegenError> {
        match node {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref") {
                    at.push("$ref".into());
                    let here = pointer(at.iter());
                    let Some(target) = r.as_str() else {
                        return Err(CodegenError::spec(file, here, "`$ref` must be a string"));
                    };
                    let Some(local) = target.strip_prefix('#') else {
                        return Err(CodegenError::spec(
                            file,
                            here,
                            format!(
                                "`{target}` is not a local reference; progenitor resolves only `#/…`"
                            ),
                        ));
                    };
                    if doc.pointer(local).is_none() {
                        return Err(CodegenError::spec(
                            file,
                            here,
                            format!("`{target}` points to nothing"),
                        ));
                    }
                    at.pop();
                }
                for (key, child) in map {
                    at.push(key.clone());
                    walk(file, doc, child, at)?;
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push(i.to_string());
                    walk(file, doc, child, at)?;
                    at.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(file, doc, doc, &mut Vec::new())
}

/// Every operation needs a unique `operationId`: progenitor names the client method after it.
fn check_operation_ids(file: &str, doc: &Value) -> Result<(), CodegenError> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(()); // serde reports a missing `paths` with its pointer.
    };
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let here = format!("/paths/{}/{method}", escape_token(path));
            match op.get("operationId").and_then(Value::as_str) {
                None => {
                    return Err(CodegenError::spec(
                        file,
                        here,
                        "operation has no `operationId`",
                    ));
                }
                Some(id) => {
                    if let Some(first) = seen.insert(id.to_owned(), here.clone()) {
                        return Err(CodegenError::spec(
                            file,
                            here,
                            format!("operationId `{id}` is also used at {first}"),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r##"{
      "openapi": "3.0.3",
      "info": {"title": "t", "version": "1"},
      "paths": {"/things/{id}": {"get": {"operationId": "thing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json":
          {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
      "components": {"schemas": {"Thing": {"type": "object"}}}
    }"##;

    fn err(text: &str) -> String {
        parse("spec/t.json", text).unwrap_err().to_string()
    }

    /// The error for `MINIMAL` with `from` (which it must contain) replaced by `to`.
    fn err_with(from: &str, to: &str) -> String {
        assert!(MINIMAL.contains(from), "{from}");
        err(&MINIMAL.replace(from, to))
    }

    #[test]
    fn a_valid_document_loads() {
        let doc = parse("spec/t.json", MINIMAL).unwrap();
        assert_eq!(doc.paths.paths.len(), 1);
    }

    #[test]
    fn invalid_json_names_file_line_and_column() {
        let e = err("{\n  \"openapi\": \"3.0.3\",\n  oops\n}");
        assert!(
            e.starts_with("spec/t.json: invalid JSON at line 3, column 3: "),
            "{e}"
        );
        assert!(!e.contains('\n'));
    }

    #[test]
    fn openapi_3_1_is_refused_at_its_pointer() {
        assert_eq!(
            err_with("3.0.3", "3.1.0"),
            "spec/t.json: /openapi: OpenAPI 3.1.0 is not supported: progenitor takes OpenAPI 3.0.x"
        );
    }

    #[test]
    fn a_dangling_ref_names_where_it_is() {
        assert_eq!(
            err_with("schemas/Thing\"}", "schemas/Nope\"}"),
            "spec/t.json: /paths/~1things~1{id}/get/responses/200/content/application~1json/schema/$ref: \
             `#/components/schemas/Nope` points to nothing"
        );
    }

    #[test]
    fn a_missing_operation_id_names_the_operation() {
        assert_eq!(
            err_with("\"operationId\": \"thing\",", ""),
            "spec/t.json: /paths/~1things~1{id}/get: operation has no `operationId`"
        );
    }

    #[test]
    fn a_node_of_the_wrong_shape_names_its_pointer() {
        let e = err_with("\"required\": true", "\"required\": \"yes\"");
        assert!(
            e.starts_with("spec/t.json: /paths/~1things~1{id}/get/parameters/0"),
            "{e}"
        );
        assert!(!e.contains('\n'));
    }
}
