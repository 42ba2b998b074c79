//! What a statement says about learning: whether it records learning done on an activity, what
//! the activity is called, and how long the learning took.

use super::{is_learning_verb, parse_duration};
use serde_json::Value;

/// The activity id of a statement whose verb means learning happened and whose object is an
/// Activity; `None` for every other statement.
pub fn learning_activity(statement: &Value) -> Option<&str> {
    let verb = statement["verb"]["id"].as_str()?;
    let object = &statement["object"];
    let is_activity = object
        .get("objectType")
        .is_none_or(|t| t.as_str() == Some("Activity"));
    (is_learning_verb(verb) && is_activity)
        .then(|| object["id"].as_str())
        .flatten()
}

/// The name of a statement's activity, in English if it has one, else in any language.
pub fn activity_name(statement: &Value) -> Option<String> {
    let names = statement["object"]["definition"]["name"].as_object()?;
    names
        .iter()
        .find(|(k, _)| k.to_ascii_lowercase().starts_with("en"))
        .or_else(|| names.iter().next())
        .and_then(|(_, v)| v.as_str())
        .map(str::to_owned)
}

/// `result.duration` in whole minutes (rounded; `None` without a duration or under half a
/// minute).
pub fn duration_minutes(statement: &Value) -> Option<u64> {
    statement["result"]["duration"]
        .as_str()
        .and_then(parse_duration)
        .map(|ms| (ms + 30_000) / 60_000)
        .filter(|m| *m > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn statement(verb: &str, object: Value, result: Value) -> Value {
        json!({ "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
                "object": object, "result": result })
    }

    #[test]
    fn only_learning_verbs_on_activities_record_learning() {
        let course = json!({ "id": "https://lms.example.com/c/1" });
        assert_eq!(
            learning_activity(&statement("completed", course.clone(), json!({}))),
            Some("https://lms.example.com/c/1")
        );
        assert_eq!(
            learning_activity(&statement("attempted", course, json!({}))),
            None
        );
        let agent = json!({ "objectType": "Agent", "mbox": "mailto:a@b.c" });
        assert_eq!(
            learning_activity(&statement("completed", agent, json!({}))),
            None
        );
    }

    #[test]
    fn the_english_name_is_preferred() {
        let object =
            json!({ "id": "x:1", "definition": { "name": { "de": "Kurs", "en-GB": "Course" } } });
        let s = statement("completed", object, json!({}));
        assert_eq!(activity_name(&s).as_deref(), Some("Course"));
        let only_german = statement(
            "completed",
            json!({ "id": "x:1", "definition": { "name": { "de": "Kurs" } } }),
            json!({}),
        );
        assert_eq!(activity_name(&only_german).as_deref(), Some("Kurs"));
    }

    #[test]
    fn durations_round_to_minutes() {
        let minutes = |d: &str| {
            duration_minutes(&statement("completed", json!({}), json!({ "duration": d })))
        };
        assert_eq!(minutes("PT45M"), Some(45));
        assert_eq!(minutes("PT12M30S"), Some(13));
        assert_eq!(minutes("PT1H"), Some(60));
        assert_eq!(minutes("PT20S"), None);
        assert_eq!(
            duration_minutes(&statement("completed", json!({}), json!({}))),
            None
        );
    }
}
