//! A PUT or POST of statements as the LRS stores them (Data 2.4, Communication 2.1.2): one
//! statement or a batch, each checked and completed with its `id`, `stored`, `timestamp`,
//! `authority` and `version`, and no id twice.

use super::{
    format_timestamp, validate_statement, voided_statement_id, without_null_timestamp, XapiError,
    XapiVersion,
};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashSet;

/// A batch checked and completed, with what the client sent (which a re-submission is compared
/// with) and the statements its voiding statements void.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// As stored.
    pub statements: Vec<Value>,
    /// As sent (a 2.0.0 `"timestamp": null` taken out).
    pub sent: Vec<Value>,
    /// Lower case, in the order given.
    pub ids: Vec<String>,
    /// The ids (lower case) the voiding statements of the batch void.
    pub targets: Vec<String>,
}

/// The path of a problem in statement `i` of a request (a PUT holds one statement).
pub fn statement_path(single: bool, i: usize, path: &str) -> String {
    if single {
        path.to_owned()
    } else {
        format!("statements[{i}].{path}")
    }
}

/// The `version` property the LRS gives a statement that has none.
fn version_property(version: XapiVersion) -> &'static str {
    match version {
        XapiVersion::V1_0_3 => "1.0.0",
        XapiVersion::V2_0_0 => "2.0.0",
    }
}

/// Check and complete the statements of a request body: a statement object, or (without
/// `put_id`, a POST) an array of them. A statement without an id gets `new_id()`; with `put_id`
/// (a PUT's `statementId`) the statement's id, if any, must be the same. Errors name the path as
/// the client sent it.
pub fn complete_batch(
    body: Value,
    version: XapiVersion,
    put_id: Option<&str>,
    authority: &Value,
    stored: DateTime<Utc>,
    mut new_id: impl FnMut() -> String,
) -> Result<Batch, XapiError> {
    let mut statements = match (body, put_id) {
        (Value::Array(items), None) => items,
        (Value::Object(o), _) => vec![Value::Object(o)],
        (_, Some(_)) => {
            return Err(XapiError::new(
                "statement",
                "PUT takes one statement object",
            ))
        }
        (_, None) => {
            return Err(XapiError::new(
                "statement",
                "send a statement object or an array of statements",
            ))
        }
    };
    if statements.is_empty() {
        return Err(XapiError::new("statements", "the batch is empty"));
    }
    for s in &mut statements {
        without_null_timestamp(s, version);
    }
    let sent = statements.clone();
    let stored = format_timestamp(stored);
    let mut ids = Vec::with_capacity(statements.len());
    for (i, s) in statements.iter_mut().enumerate() {
        let path = |p: &str| statement_path(put_id.is_some(), i, p);
        validate_statement(s, version).map_err(|e| XapiError::new(path(&e.path), e.reason))?;
        let o = s
            .as_object_mut()
            .ok_or_else(|| XapiError::new(path("statement"), "must be an object"))?;
        let id = match (o.get("id").and_then(Value::as_str), put_id) {
            (Some(id), Some(put)) if !id.eq_ignore_ascii_case(put) => {
                return Err(XapiError::new(
                    "statementId",
                    "differs from the id in the statement",
                ))
            }
            (Some(id), _) => id.to_ascii_lowercase(),
            (None, Some(put)) => put.to_ascii_lowercase(),
            (None, None) => new_id(),
        };
        o.insert("id".into(), Value::String(id.clone()));
        o.insert("stored".into(), Value::String(stored.clone()));
        o.entry("timestamp")
            .or_insert_with(|| Value::String(stored.clone()));
        o.entry("authority").or_insert_with(|| authority.clone());
        o.entry("version")
            .or_insert_with(|| Value::String(version_property(version).into()));
        ids.push(id);
    }
    let mut seen = HashSet::new();
    if let Some(dup) = ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(XapiError::new(
            "statements",
            format!("the batch holds statement {dup} twice"),
        ));
    }
    // Voiding statements: a voiding statement cannot itself be voided.
    let targets = statements
        .iter()
        .filter_map(voided_statement_id)
        .map(|t| t.to_ascii_lowercase())
        .collect();
    Ok(Batch {
        statements,
        sent,
        ids,
        targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "6A5E6BD1-0000-4000-8000-000000000001";

    fn statement(id: Option<&str>) -> Value {
        let mut s = json!({
            "actor": { "mbox": "mailto:ada@example.com" },
            "verb": { "id": "http://adlnet.gov/expapi/verbs/attempted" },
            "object": { "id": "https://lms.example.com/course/42" }
        });
        if let Some(id) = id {
            s["id"] = json!(id);
        }
        s
    }

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn authority() -> Value {
        json!({ "objectType": "Agent", "account": { "homePage": "urn:x", "name": "client:k" } })
    }

    #[test]
    fn statements_are_completed_as_stored() {
        let batch = complete_batch(
            json!([statement(Some(ID)), statement(None)]),
            XapiVersion::V1_0_3,
            None,
            &authority(),
            at(),
            || "new-id".to_owned(),
        )
        .unwrap();
        assert_eq!(batch.ids, [ID.to_ascii_lowercase(), "new-id".to_owned()]);
        let first = &batch.statements[0];
        assert_eq!(first["stored"], "2026-12-01T10:00:00.000000Z");
        assert_eq!(first["timestamp"], first["stored"]);
        assert_eq!(first["authority"], authority());
        assert_eq!(first["version"], "1.0.0");
        assert_eq!(batch.sent[1], statement(None), "as sent");
    }

    #[test]
    fn a_put_takes_one_statement_with_its_own_id() {
        let put = |body: Value| {
            complete_batch(
                body,
                XapiVersion::V2_0_0,
                Some(ID),
                &authority(),
                at(),
                || unreachable!(),
            )
        };
        let batch = put(statement(None)).unwrap();
        assert_eq!(batch.ids, [ID.to_ascii_lowercase()]);
        assert_eq!(batch.statements[0]["version"], "2.0.0");
        let other = "6a5e6bd1-0000-4000-8000-000000000002";
        assert_eq!(put(statement(Some(other))).unwrap_err().path, "statementId");
        assert_eq!(put(json!([statement(None)])).unwrap_err().path, "statement");
    }

    #[test]
    fn a_batch_is_refused_empty_with_an_id_twice_or_naming_the_bad_statement() {
        let post = |body: Value| {
            complete_batch(body, XapiVersion::V1_0_3, None, &authority(), at(), || {
                "x".to_owned()
            })
            .unwrap_err()
        };
        assert_eq!(post(json!([])).path, "statements");
        assert!(post(json!([statement(Some(ID)), statement(Some(ID))]))
            .reason
            .contains("twice"));
        let mut bad = statement(None);
        bad["verb"] = json!({});
        assert!(post(json!([statement(None), bad]))
            .path
            .starts_with("statements[1]."));
        assert_eq!(post(json!(3)).path, "statement");
    }
}
