//! Looker's `fields` query parameter: a comma-separated list of the fields to return, where a
//! field holding objects can name its own fields in parentheses (`id,params(name,has_value)`).

use serde_json::Value;

/// How deeply parentheses may nest; deeper selections are refused rather than recursed into.
const MAX_DEPTH: usize = 8;

/// A parsed `fields` value: the fields to keep, each with the selection of its own fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldSelection(Vec<(String, Option<FieldSelection>)>);

/// Why a `fields` value could not be parsed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FieldsError(pub(crate) String);

impl FieldSelection {
    /// Parses `spec`; `None` when it selects nothing in particular (empty: every field).
    pub(crate) fn parse(spec: &str) -> Result<Option<Self>, FieldsError> {
        let chars: Vec<char> = spec.chars().collect();
        let mut position = 0;
        let selection = parse_list(&chars, &mut position, 0)?;
        if position < chars.len() {
            return Err(FieldsError(format!(
                "unexpected `{}` at position {position}",
                chars[position]
            )));
        }
        Ok((!selection.0.is_empty()).then_some(selection))
    }

    /// `value` with only the selected fields: objects lose the others, arrays are projected
    /// element by element, anything else is kept as it is.
    pub(crate) fn project(&self, value: &Value) -> Value {
        match value {
            Value::Object(object) => Value::Object(
                self.0
                    .iter()
                    .filter_map(|(name, inner)| {
                        let field = object.get(name)?;
                        let field = match inner {
                            Some(inner) => inner.project(field),
                            None => field.clone(),
                        };
                        Some((name.clone(), field))
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.project(v)).collect()),
            other => other.clone(),
        }
    }
}

fn parse_list(
    chars: &[char],
    position: &mut usize,
    depth: usize,
) -> Result<FieldSelection, FieldsError> {
    if depth > MAX_DEPTH {
        return Err(FieldsError(format!(
            "fields nest deeper than {MAX_DEPTH} levels"
        )));
    }
    let mut fields = Vec::new();
    loop {
        let start = *position;
        while *position < chars.len() && !matches!(chars[*position], ',' | '(' | ')') {
            *position += 1;
        }
        let name: String = chars[start..*position].iter().collect();
        let name = name.trim().to_owned();
        let mut inner = None;
        if chars.get(*position) == Some(&'(') {
            if name.is_empty() {
                return Err(FieldsError(format!(
                    "`(` without a field name at position {position}"
                )));
            }
            *position += 1;
            inner = Some(parse_list(chars, position, depth + 1)?);
            if chars.get(*position) != Some(&')') {
                return Err(FieldsError("unbalanced `(`".into()));
            }
            *position += 1;
        }
        if !name.is_empty() {
            fields.push((name, inner));
        }
        match chars.get(*position) {
            Some(',') => *position += 1,
            _ => return Ok(FieldSelection(fields)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(spec: &str) -> Option<FieldSelection> {
        FieldSelection::parse(spec).expect("valid fields")
    }

    #[test]
    fn flat_fields_keep_only_those_keys() {
        let selection = parse("id, label,missing").expect("a selection");
        let value = json!({"id": "1::slack", "label": "Slack", "enabled": true});
        assert_eq!(
            selection.project(&value),
            json!({"id": "1::slack", "label": "Slack"})
        );
    }

    #[test]
    fn nested_fields_select_inside_arrays_of_objects() {
        let selection = parse("id,params(name,has_value)").expect("a selection");
        let value = json!({
            "id": "x",
            "label": "X",
            "params": [{"name": "a", "has_value": true, "value": "v"}, {"name": "b", "has_value": false}]
        });
        assert_eq!(
            selection.project(&value),
            json!({"id": "x", "params": [{"name": "a", "has_value": true}, {"name": "b", "has_value": false}]})
        );
        // A list is projected item by item.
        assert_eq!(
            selection.project(&json!([value.clone(), value])),
            json!([{"id": "x", "params": [{"name": "a", "has_value": true}, {"name": "b", "has_value": false}]},
                   {"id": "x", "params": [{"name": "a", "has_value": true}, {"name": "b", "has_value": false}]}])
        );
    }

    #[test]
    fn empty_selections_mean_every_field() {
        assert_eq!(parse(""), None);
        assert_eq!(parse(" , ,"), None);
    }

    #[test]
    fn malformed_selections_are_errors_not_panics() {
        for spec in [
            "params(name",
            "id)",
            "(name)",
            "a(b(c(d(e(f(g(h(i(j))))))))))",
        ] {
            assert!(FieldSelection::parse(spec).is_err(), "{spec}");
        }
        let deep = "a(".repeat(100_000);
        assert!(FieldSelection::parse(&deep).is_err());
    }
}
