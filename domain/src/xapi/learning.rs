//! What a statement says about learning: whether it records learning done on an activity, what
//! the activity is called, and how long the learning took.

use learnwell_xapi::{is_iri, parse_duration, XapiError};
use serde_json::Value;

/// The ADL verbs that mean learning happened: completed, passed, attended, experienced.
pub const LEARNING_VERBS: [&str; 4] = [
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/attended",
    "http://adlnet.gov/expapi/verbs/experienced",
];

/// Does the verb IRI mean learning happened (one of [`LEARNING_VERBS`], compared exactly)?
pub fn is_learning_verb(verb_id: &str) -> bool {
    LEARNING_VERBS.contains(&verb_id)
}

/// The most verbs of its own an LRS client may name.
pub const MAX_CLIENT_VERBS: usize = 50;

/// The verbs that mean learning happened for one LRS client: the four ADL verbs
/// ([`LEARNING_VERBS`]) and the client's own (absolute IRIs, compared exactly).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearningVerbs {
    own: Vec<String>,
}

impl LearningVerbs {
    /// Parse a client's own verbs: each an IRI, at most [`MAX_CLIENT_VERBS`]; repeats and the
    /// ADL verbs (counted anyway) are dropped. The error names the offending entry
    /// (`learning_verbs[2]`).
    pub fn parse(own: &[String]) -> Result<Self, XapiError> {
        if own.len() > MAX_CLIENT_VERBS {
            return Err(XapiError::new(
                "learning_verbs",
                format!("name at most {MAX_CLIENT_VERBS} verbs"),
            ));
        }
        let mut verbs: Vec<String> = Vec::with_capacity(own.len());
        for (i, verb) in own.iter().enumerate() {
            let verb = verb.trim();
            if !is_iri(verb) {
                return Err(XapiError::new(
                    format!("learning_verbs[{i}]"),
                    "must be a verb IRI such as https://example.com/verbs/read",
                ));
            }
            if !is_learning_verb(verb) && !verbs.iter().any(|v| v == verb) {
                verbs.push(verb.to_owned());
            }
        }
        Ok(Self { own: verbs })
    }

    /// The client's own verbs (without the ADL ones), as stored.
    pub fn own(&self) -> &[String] {
        &self.own
    }

    /// Does the verb IRI mean learning happened for this client?
    pub fn contains(&self, verb_id: &str) -> bool {
        is_learning_verb(verb_id) || self.own.iter().any(|v| v == verb_id)
    }
}

/// The activity id of a statement whose verb means learning happened (for the client that sent
/// it) and whose object is an Activity; `None` for every other statement.
pub fn learning_activity<'a>(statement: &'a Value, verbs: &LearningVerbs) -> Option<&'a str> {
    let verb = statement["verb"]["id"].as_str()?;
    let object = &statement["object"];
    let is_activity = object
        .get("objectType")
        .is_none_or(|t| t.as_str() == Some("Activity"));
    (verbs.contains(verb) && is_activity)
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

code_enum!(
    /// Why a statement about an employee's learning produced no learning record:
    /// `no_duration` (no `result.duration`, and no catalog course with the activity's id and an
    /// estimate), `duration_over_a_day` (longer than one day's learning time: send the real
    /// duration), `duration_out_of_range` (no record can hold it), `invalid_title` (the
    /// activity's name does not fit a record's title).
    NotApplicable, "reason" {
        /// No `result.duration`, and no catalog course with the activity's id and an
        /// estimate.
        NoDuration = "no_duration",
        /// Longer than one day's learning time (1440 minutes): send the real duration.
        DurationOverADay = "duration_over_a_day",
        /// A duration too long to count at all: no record can hold it.
        DurationOutOfRange = "duration_out_of_range",
        /// The activity's name does not fit a record's title.
        InvalidTitle = "invalid_title",
    }
);

/// `result.duration` in whole minutes (rounded; `None` without a duration or under half a
/// minute).
pub fn duration_minutes(statement: &Value) -> Option<u64> {
    statement["result"]["duration"]
        .as_str()
        .and_then(parse_duration)
        .map(|ms| (ms + 30_000) / 60_000)
        .filter(|m| *m > 0)
}

/// The most minutes one statement's learning may hold: one day (a time entry's limit).
pub const MAX_STATEMENT_MINUTES: u64 = 24 * 60;

/// The minutes a statement about learning records: its `result.duration` (rounded to whole
/// minutes), else the course's `estimate`; refused when there is neither, when the duration is
/// longer than a day, or when it is too long to count at all.
pub fn learning_minutes(statement: &Value, estimate: Option<u32>) -> Result<u32, NotApplicable> {
    let from_duration = match statement["result"]["duration"].as_str() {
        Some(d) => {
            let ms = parse_duration(d).ok_or(NotApplicable::DurationOutOfRange)?;
            ms.saturating_add(30_000) / 60_000
        }
        None => 0,
    };
    let minutes = if from_duration > 0 {
        from_duration
    } else {
        estimate
            .map(u64::from)
            .filter(|m| *m > 0)
            .ok_or(NotApplicable::NoDuration)?
    };
    if minutes > MAX_STATEMENT_MINUTES {
        return Err(NotApplicable::DurationOverADay);
    }
    u32::try_from(minutes).map_err(|_| NotApplicable::DurationOutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_or_missing_durations_are_named_not_dropped() {
        let with = |d: &str| json!({ "result": { "duration": d } });
        assert_eq!(learning_minutes(&with("PT45M"), None), Ok(45));
        assert_eq!(learning_minutes(&with("PT24H"), None), Ok(1440));
        assert_eq!(
            learning_minutes(&with("PT25H"), None),
            Err(NotApplicable::DurationOverADay)
        );
        assert_eq!(
            learning_minutes(&with("P2D"), None),
            Err(NotApplicable::DurationOverADay)
        );
        assert!(learning_minutes(&with("P9999Y"), None).is_err());
        assert_eq!(
            learning_minutes(&json!({}), None),
            Err(NotApplicable::NoDuration)
        );
        assert_eq!(learning_minutes(&json!({}), Some(30)), Ok(30));
        assert_eq!(
            learning_minutes(&with("PT10S"), Some(30)),
            Ok(30),
            "under half a minute: the estimate"
        );
    }

    fn statement(verb: &str, object: Value, result: Value) -> Value {
        json!({ "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
                "object": object, "result": result })
    }

    #[test]
    fn only_learning_verbs_on_activities_record_learning() {
        let adl = LearningVerbs::default();
        let course = json!({ "id": "https://lms.example.com/c/1" });
        assert_eq!(
            learning_activity(&statement("completed", course.clone(), json!({})), &adl),
            Some("https://lms.example.com/c/1")
        );
        assert_eq!(
            learning_activity(&statement("attempted", course, json!({})), &adl),
            None
        );
        let agent = json!({ "objectType": "Agent", "mbox": "mailto:a@b.c" });
        assert_eq!(
            learning_activity(&statement("completed", agent, json!({})), &adl),
            None
        );
    }

    #[test]
    fn a_client_adds_its_own_verbs_to_the_adl_ones() {
        let verbs = LearningVerbs::parse(&[
            " https://lms.example.com/verbs/read ".to_owned(),
            "https://lms.example.com/verbs/read".to_owned(),
            "http://adlnet.gov/expapi/verbs/passed".to_owned(),
        ])
        .unwrap();
        assert_eq!(verbs.own(), ["https://lms.example.com/verbs/read"]);
        assert!(verbs.contains("https://lms.example.com/verbs/read"));
        assert!(verbs.contains("http://adlnet.gov/expapi/verbs/passed"));
        assert!(!verbs.contains("https://lms.example.com/verbs/READ"));
        let read = json!({ "verb": { "id": "https://lms.example.com/verbs/read" },
                           "object": { "id": "https://lms.example.com/book/1" } });
        assert_eq!(
            learning_activity(&read, &verbs),
            Some("https://lms.example.com/book/1")
        );
        assert_eq!(learning_activity(&read, &LearningVerbs::default()), None);
    }

    #[test]
    fn client_verbs_must_be_iris_and_few() {
        let error = LearningVerbs::parse(&["read".to_owned()]).unwrap_err();
        assert_eq!(error.path, "learning_verbs[0]");
        let many: Vec<String> = (0..=MAX_CLIENT_VERBS)
            .map(|i| format!("https://lms.example.com/verbs/{i}"))
            .collect();
        assert_eq!(
            LearningVerbs::parse(&many).unwrap_err().path,
            "learning_verbs"
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
    fn learning_verbs_are_the_four_adl_verbs() {
        assert!(is_learning_verb("http://adlnet.gov/expapi/verbs/completed"));
        assert!(is_learning_verb(
            "http://adlnet.gov/expapi/verbs/experienced"
        ));
        assert!(!is_learning_verb(
            "http://adlnet.gov/expapi/verbs/attempted"
        ));
        assert!(!is_learning_verb(
            "http://adlnet.gov/expapi/verbs/Completed"
        ));
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
