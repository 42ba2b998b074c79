//! Statement comparison (Data 2.3.1, "Statement Comparison Requirements"): is a statement sent
//! again with a known id the same statement (answer 204/200) or a different one (409 Conflict)?

use super::agents::agent_key;
use super::duration::truncate_duration;
use super::timestamp::parse_timestamp;
use super::XapiVersion;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Number, Value};

/// Are `a` and `b` the same statement?
///
/// Differences that the exceptions to statement immutability (Data 2.3.1) could have caused are
/// ignored; every other difference counts. Ignored:
/// - `authority`, `stored` and `version`: assigned or overwritten by the LRS;
/// - `id` and `timestamp` when only one side has them (the LRS assigns them); when both do,
///   ids compare case-insensitively and timestamps as points in time, so a timestamp returned in
///   another time zone or precision serialisation is still the same;
/// - Activity `definition`s and the verb's `display`: not part of the statement;
/// - the order of a Group's `member` list (unordered);
/// - case where it carries no meaning: the domain of an `mbox`, `mbox_sha1sum` hex, UUIDs
///   (`registration`, StatementRef ids), attachment language tags;
/// - forms the LRS must or may rewrite: a single context activity versus an array of one
///   (Data 2.4.6.2.s4.b3), a missing `objectType` versus its default (`Agent` for actors,
///   `Activity` for objects), numbers written differently (`1` / `1.0`), and duration precision
///   beyond 0.01 s ([`truncate_duration`](super::truncate_duration); otherwise a duration is
///   compared as a string, Data 2.3.1.b8).
///
/// Attachments (their metadata; payloads are not part of statements) and extensions compare in
/// full, as does everything else.
pub fn same_statement(a: &Value, b: &Value) -> bool {
    let ids_match = match (uuid_of(a.get("id")), uuid_of(b.get("id"))) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let timestamps_match = match (a.get("timestamp"), b.get("timestamp")) {
        (Some(a), Some(b)) => moment(a) == moment(b),
        _ => true,
    };
    ids_match && timestamps_match && comparable(a) == comparable(b)
}

/// The statement with what the comparison ignores removed and the rest in one canonical form.
fn comparable(statement: &Value) -> Value {
    let mut statement = statement.clone();
    if let Some(map) = statement.as_object_mut() {
        for key in ["id", "timestamp", "stored", "authority", "version"] {
            map.remove(key);
        }
    }
    normalise_numbers(&mut statement);
    normalise_statement(&mut statement);
    statement
}

/// Normalise the parts statements and SubStatements share.
fn normalise_statement(statement: &mut Value) {
    let Some(map) = statement.as_object_mut() else {
        return;
    };
    if let Some(actor) = map.get_mut("actor") {
        normalise_agent(actor);
    }
    if let Some(verb) = map.get_mut("verb").and_then(Value::as_object_mut) {
        verb.remove("display");
    }
    if let Some(object) = map.get_mut("object") {
        normalise_object(object);
    }
    if let Some(duration) = map
        .get_mut("result")
        .and_then(|result| result.get_mut("duration"))
    {
        if let Some(truncated) = duration.as_str().map(truncate_duration) {
            *duration = Value::String(truncated);
        }
    }
    if let Some(context) = map.get_mut("context").and_then(Value::as_object_mut) {
        normalise_context(context);
    }
    // Only a SubStatement still has its timestamp here.
    if let Some(timestamp) = map.get_mut("timestamp") {
        *timestamp = moment(timestamp);
    }
    for attachment in map
        .get_mut("attachments")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        for key in ["display", "description"] {
            if let Some(Value::Object(language_map)) = attachment.get_mut(key) {
                *language_map = std::mem::take(language_map)
                    .into_iter()
                    .map(|(tag, text)| (tag.to_ascii_lowercase(), text))
                    .collect();
            }
        }
    }
}

fn normalise_object(object: &mut Value) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    let kind = map
        .entry("objectType")
        .or_insert_with(|| Value::from("Activity"))
        .as_str()
        .unwrap_or_default()
        .to_owned();
    match kind.as_str() {
        "Activity" => {
            map.remove("definition");
        }
        "Agent" | "Group" => normalise_agent(object),
        "StatementRef" => lowercase(map.get_mut("id")),
        "SubStatement" => normalise_statement(object),
        _ => {}
    }
}

fn normalise_context(context: &mut Map<String, Value>) {
    lowercase(context.get_mut("registration"));
    if let Some(statement) = context.get_mut("statement") {
        lowercase(statement.get_mut("id"));
    }
    for role in ["instructor", "team"] {
        if let Some(agent) = context.get_mut(role) {
            normalise_agent(agent);
        }
    }
    for (list, role) in [("contextAgents", "agent"), ("contextGroups", "group")] {
        for relation in context
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(agent) = relation.get_mut(role) {
                normalise_agent(agent);
            }
        }
    }
    if let Some(kinds) = context
        .get_mut("contextActivities")
        .and_then(Value::as_object_mut)
    {
        for activities in kinds.values_mut() {
            if !activities.is_array() {
                *activities = Value::Array(vec![activities.take()]);
            }
            for activity in activities.as_array_mut().into_iter().flatten() {
                normalise_object(activity);
            }
        }
    }
}

/// An Agent or Group: default `objectType`, case-insensitive identifiers, members in a fixed
/// order.
fn normalise_agent(agent: &mut Value) {
    let Some(map) = agent.as_object_mut() else {
        return;
    };
    map.entry("objectType")
        .or_insert_with(|| Value::from("Agent"));
    if let Some(Value::String(mbox)) = map.get_mut("mbox") {
        if let Some((local, domain)) = mbox.rsplit_once('@') {
            *mbox = format!("{local}@{}", domain.to_lowercase());
        }
    }
    lowercase(map.get_mut("mbox_sha1sum"));
    if let Some(members) = map.get_mut("member").and_then(Value::as_array_mut) {
        for member in members.iter_mut() {
            normalise_agent(member);
        }
        members.sort_by_cached_key(|member| (agent_key(member), member.to_string()));
    }
}

/// Numbers as `f64`, so `1`, `1.0` and `1e0` compare equal.
fn normalise_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().and_then(Number::from_f64) {
                *number = float;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_numbers),
        Value::Object(map) => map.values_mut().for_each(normalise_numbers),
        _ => {}
    }
}

fn lowercase(value: Option<&mut Value>) {
    if let Some(Value::String(text)) = value {
        *text = text.to_ascii_lowercase();
    }
}

fn uuid_of(value: Option<&Value>) -> Option<String> {
    value?.as_str().map(str::to_ascii_lowercase)
}

/// A timestamp as the instant it names, in one serialisation (the text itself when it does not
/// parse, so that two equal malformed values still compare equal).
fn moment(timestamp: &Value) -> Value {
    let instant: Option<DateTime<Utc>> = timestamp
        .as_str()
        .and_then(|text| parse_timestamp(text, XapiVersion::V1_0_3).ok());
    match instant {
        Some(instant) => Value::from(instant.to_rfc3339_opts(SecondsFormat::Nanos, true)),
        None => timestamp.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent() -> Value {
        json!({
            "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "actor": {"objectType": "Group", "name": "Team PB", "mbox": "mailto:teampb@example.com",
                      "member": [{"name": "Andrew", "mbox": "mailto:andrew@example.com"},
                                 {"name": "Toby", "openid": "http://toby.openid.example.org/"}]},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
            "object": {"id": "http://www.example.com/meetings/occurances/34534",
                       "definition": {"name": {"en-US": "example meeting"}}},
            "result": {"score": {"scaled": 1}, "success": true, "duration": "PT1H0M0.1234S"},
            "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                        "contextActivities": {"parent": {"id": "http://www.example.com/meetings/series/267"}}},
            "timestamp": "2013-05-18T05:32:34.804+00:00"
        })
    }

    /// The same statement as an LRS returns it.
    fn stored() -> Value {
        json!({
            "id": "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE",
            "actor": {"objectType": "Group", "name": "Team PB", "mbox": "mailto:teampb@EXAMPLE.com",
                      "member": [{"objectType": "Agent", "name": "Toby", "openid": "http://toby.openid.example.org/"},
                                 {"objectType": "Agent", "name": "Andrew", "mbox": "mailto:andrew@example.com"}]},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended"}},
            "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534",
                       "definition": {"name": {"en-US": "an updated name"}}},
            "result": {"score": {"scaled": 1.0}, "success": true, "duration": "PT1H0M0.12S"},
            "context": {"registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7",
                        "contextActivities": {"parent": [{"objectType": "Activity",
                                                          "id": "http://www.example.com/meetings/series/267"}]}},
            "timestamp": "2013-05-18T07:32:34.80400+02:00",
            "stored": "2013-05-18T05:32:35Z",
            "authority": {"objectType": "Agent", "account": {"homePage": "http://lrs.example", "name": "client"}},
            "version": "1.0.0"
        })
    }

    #[test]
    fn a_statement_equals_itself_as_the_lrs_returns_it() {
        assert!(same_statement(&sent(), &sent()));
        assert!(same_statement(&sent(), &stored()));
        assert!(same_statement(&stored(), &sent()));
    }

    #[test]
    fn properties_the_lrs_assigns_are_ignored_when_one_side_lacks_them() {
        let mut without = sent();
        let map = without.as_object_mut().unwrap();
        map.remove("id");
        map.remove("timestamp");
        assert!(same_statement(&without, &stored()));
    }

    #[test]
    fn a_different_timestamp_is_a_different_statement() {
        let mut other = sent();
        other["timestamp"] = json!("2013-05-18T05:32:35.804Z");
        assert!(!same_statement(&other, &stored()));
    }

    #[test]
    fn a_different_id_is_a_different_statement() {
        let mut other = sent();
        other["id"] = json!("7690e6c9-3ef0-4ed3-8b37-7f3964730bee");
        assert!(!same_statement(&other, &stored()));
    }

    #[test]
    fn content_differences_count() {
        let changes: [(&str, Value); 7] = [
            ("/result/success", json!(false)),
            ("/result/duration", json!("PT1H0M0.13S")),
            ("/result/score/scaled", json!(0.9)),
            (
                "/verb/id",
                json!("http://adlnet.gov/expapi/verbs/completed"),
            ),
            ("/actor/member/0/name", json!("Andy")),
            (
                "/object/id",
                json!("http://www.example.com/meetings/occurances/1"),
            ),
            (
                "/context/registration",
                json!("fc531277-b57b-4c15-8d91-d292c5b2b8f7"),
            ),
        ];
        for (pointer, value) in changes {
            let mut other = sent();
            *other.pointer_mut(pointer).unwrap() = value;
            assert!(!same_statement(&other, &stored()), "{pointer}");
        }
    }

    #[test]
    fn a_duration_is_compared_as_a_string_not_converted() {
        let mut minutes = sent();
        minutes["result"]["duration"] = json!("PT60M0.12S");
        assert!(!same_statement(&minutes, &stored()));
    }

    #[test]
    fn the_local_part_of_an_mbox_is_case_sensitive() {
        let mut other = sent();
        other["actor"]["mbox"] = json!("mailto:TeamPB@example.com");
        assert!(!same_statement(&other, &stored()));
    }

    #[test]
    fn sub_statements_compare_by_the_same_rules() {
        let sub = |timestamp: &str, display: &str| {
            json!({
                "actor": {"mbox": "mailto:test@example.com"},
                "verb": {"id": "http://example.com/planned"},
                "object": {"objectType": "SubStatement",
                           "actor": {"mbox": "mailto:test@example.com"},
                           "verb": {"id": "http://example.com/visited", "display": {"en-US": display}},
                           "object": {"id": "http://example.com/website"},
                           "timestamp": timestamp}
            })
        };
        assert!(same_statement(
            &sub("2030-01-01T00:00:00Z", "will visit"),
            &sub("2030-01-01T01:00:00+01:00", "visits")
        ));
        assert!(!same_statement(
            &sub("2030-01-01T00:00:00Z", "will visit"),
            &sub("2030-01-02T00:00:00Z", "will visit")
        ));
    }

    #[test]
    fn attachments_and_extensions_compare_in_full() {
        let with = |sha2: &str, extension: Value| {
            let mut statement = sent();
            statement["attachments"] = json!([{
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "A test attachment"},
                "contentType": "text/plain", "length": 27, "sha2": sha2
            }]);
            statement["result"]["extensions"] = json!({"http://example.com/ext": extension});
            statement
        };
        let sha = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";
        let other_sha = "595395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";
        assert!(same_statement(
            &with(sha, json!({"a": 1})),
            &with(sha, json!({"a": 1.0}))
        ));
        assert!(!same_statement(
            &with(sha, json!({"a": 1})),
            &with(other_sha, json!({"a": 1}))
        ));
        assert!(!same_statement(
            &with(sha, json!({"a": 1})),
            &with(sha, json!({"a": 2}))
        ));
    }
}
