//! The views of a stored statement that GET statements returns (Communication 2.1.3): `exact`
//! (the statement as stored), `ids` and `canonical`.

use super::validate::{COMPONENT_LISTS, IFI_KEYS};
use serde_json::{Map, Value};

/// The views a GET of statements may ask for (`format`, Communication 2.1.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatementFormat {
    /// The statements as stored.
    #[default]
    Exact,
    /// Agents, activities and groups reduced to what identifies them.
    Ids,
    /// Language maps reduced to the best language for the request.
    Canonical,
}

impl StatementFormat {
    /// Parse the `format` parameter: `exact`, `ids` or `canonical`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "exact" => Some(Self::Exact),
            "ids" => Some(Self::Ids),
            "canonical" => Some(Self::Canonical),
            _ => None,
        }
    }

    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Ids => "ids",
            Self::Canonical => "canonical",
        }
    }

    /// A stored statement in this view (with `contextActivities` as arrays, as every view has
    /// them), `languages` the request's `Accept-Language` for the canonical one.
    pub fn apply(self, statement: &Value, languages: &[String]) -> Value {
        let statement = with_context_activity_arrays(statement);
        match self {
            Self::Exact => statement,
            Self::Ids => format_ids(&statement),
            Self::Canonical => format_canonical(&statement, languages),
        }
    }
}

/// The statement with its context activities as arrays, as the LRS must return them in every
/// format (Data 2.4.6.2.s4.b3): a single Activity object becomes an array of one. Also inside a
/// SubStatement. Everything else is unchanged.
pub fn with_context_activity_arrays(statement: &Value) -> Value {
    let mut statement = statement.clone();
    if let Some(context) = statement.get_mut("context") {
        context_activity_arrays(context);
    }
    if let Some(context) = statement
        .get_mut("object")
        .filter(|object| object_type(object) == Some("SubStatement"))
        .and_then(|object| object.get_mut("context"))
    {
        context_activity_arrays(context);
    }
    statement
}

fn context_activity_arrays(context: &mut Value) {
    if let Some(kinds) = context
        .get_mut("contextActivities")
        .and_then(Value::as_object_mut)
    {
        for activities in kinds.values_mut() {
            if !activities.is_array() {
                *activities = Value::Array(vec![activities.take()]);
            }
        }
    }
}

/// The `format=ids` view: only what identifies each Agent, Group, Activity and Verb.
///
/// Exactly the keys the specification needs to identify each (Communication 2.1.3.s1,
/// Data 2.4.2): an Agent becomes its inverse functional identifier, with `objectType` only where
/// it is required (an Agent as a statement's object); an Identified Group its `objectType` (always
/// required for a Group) and identifier (members dropped); an Anonymous Group its `objectType`
/// and its members, each so reduced; an Activity its `id` (`objectType` defaults to Activity);
/// a Verb its `id` (no `display`, Data 2.4.3.s6.b2). This
/// applies to the actor, object, authority, context instructor and team, context activities,
/// 2.0.0 `contextAgents`/`contextGroups`, and inside a SubStatement. Other properties (ids,
/// result, timestamps, attachments, ...) are kept.
pub fn format_ids(statement: &Value) -> Value {
    let mut statement = statement.clone();
    ids_statement(&mut statement);
    statement
}

fn ids_statement(statement: &mut Value) {
    let Some(map) = statement.as_object_mut() else {
        return;
    };
    for role in ["actor", "authority"] {
        if let Some(agent) = map.get_mut(role) {
            *agent = ids_agent(agent, false);
        }
    }
    if let Some(verb) = map.get_mut("verb").and_then(Value::as_object_mut) {
        verb.retain(|key, _| key == "id");
    }
    if let Some(object) = map.get_mut("object") {
        match object_type(object) {
            None | Some("Activity") => *object = ids_activity(object),
            Some("Agent" | "Group") => *object = ids_agent(object, true),
            Some("SubStatement") => ids_statement(object),
            Some(_) => {}
        }
    }
    if let Some(context) = map.get_mut("context").and_then(Value::as_object_mut) {
        for role in ["instructor", "team"] {
            if let Some(agent) = context.get_mut(role) {
                *agent = ids_agent(agent, false);
            }
        }
        for (list, role) in [("contextAgents", "agent"), ("contextGroups", "group")] {
            for relation in array_mut(context.get_mut(list)) {
                if let Some(agent) = relation.get_mut(role) {
                    *agent = ids_agent(agent, false);
                }
            }
        }
        for activities in context
            .get_mut("contextActivities")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|kinds| kinds.values_mut())
        {
            match activities {
                Value::Array(activities) => {
                    for activity in activities {
                        *activity = ids_activity(activity);
                    }
                }
                activity => *activity = ids_activity(activity),
            }
        }
    }
}

/// `as_object`: the agent is a statement's object, where an Agent's `objectType` is required.
fn ids_agent(agent: &Value, as_object: bool) -> Value {
    let mut ids = Map::new();
    let kind = object_type(agent).unwrap_or("Agent");
    if kind == "Group" || as_object {
        ids.insert("objectType".to_owned(), Value::from(kind));
    }
    match IFI_KEYS
        .into_iter()
        .find_map(|key| Some((key, agent.get(key)?)))
    {
        Some((key, value)) => {
            ids.insert(key.to_owned(), value.clone());
        }
        None => {
            let members = agent
                .get("member")
                .and_then(Value::as_array)
                .map(|members| members.iter().map(|m| ids_agent(m, false)).collect())
                .unwrap_or_default();
            ids.insert("member".to_owned(), Value::Array(members));
        }
    }
    Value::Object(ids)
}

fn ids_activity(activity: &Value) -> Value {
    let mut ids = Map::new();
    if let Some(id) = activity.get("id") {
        ids.insert("id".to_owned(), id.clone());
    }
    Value::Object(ids)
}

/// The `format=canonical` view: every language map reduced to the one language that best
/// matches `accept_languages` (language ranges, most preferred first, as
/// [`parse_accept_language`] returns them), chosen per map (Communication 2.1.3.s4).
///
/// Language maps are the verb's `display`, Activity definitions' `name` and `description` and
/// their interaction components' `description` (object and context activities), and attachments'
/// `display` and `description`, also inside a SubStatement; extensions are left alone. An LRS
/// that keeps canonical Activity definitions or verb displays substitutes them before calling
/// this.
pub fn format_canonical(statement: &Value, accept_languages: &[String]) -> Value {
    let mut statement = statement.clone();
    canonical_statement(&mut statement, accept_languages);
    statement
}

fn canonical_statement(statement: &mut Value, languages: &[String]) {
    let Some(map) = statement.as_object_mut() else {
        return;
    };
    if let Some(display) = map.get_mut("verb").and_then(|verb| verb.get_mut("display")) {
        one_language(display, languages);
    }
    if let Some(object) = map.get_mut("object") {
        match object_type(object) {
            None | Some("Activity") => canonical_activity(object, languages),
            Some("SubStatement") => canonical_statement(object, languages),
            Some(_) => {}
        }
    }
    if let Some(kinds) = map
        .get_mut("context")
        .and_then(|context| context.get_mut("contextActivities"))
        .and_then(Value::as_object_mut)
    {
        for activities in kinds.values_mut() {
            match activities {
                Value::Array(activities) => {
                    for activity in activities {
                        canonical_activity(activity, languages);
                    }
                }
                activity => canonical_activity(activity, languages),
            }
        }
    }
    for attachment in array_mut(map.get_mut("attachments")) {
        for key in ["display", "description"] {
            if let Some(language_map) = attachment.get_mut(key) {
                one_language(language_map, languages);
            }
        }
    }
}

fn canonical_activity(activity: &mut Value, languages: &[String]) {
    let Some(definition) = activity.get_mut("definition") else {
        return;
    };
    for key in ["name", "description"] {
        if let Some(language_map) = definition.get_mut(key) {
            one_language(language_map, languages);
        }
    }
    for list in COMPONENT_LISTS {
        for component in array_mut(definition.get_mut(list)) {
            if let Some(language_map) = component.get_mut("description") {
                one_language(language_map, languages);
            }
        }
    }
}

/// Keep only the best-matching entry of a language map.
fn one_language(language_map: &mut Value, languages: &[String]) {
    let Some(map) = language_map.as_object_mut() else {
        return;
    };
    let Some(best) = best_language(map.keys().map(String::as_str), languages).map(str::to_owned)
    else {
        return;
    };
    map.retain(|tag, _| *tag == best);
}

/// The tag among `tags` that best matches the language ranges `accept_languages` (most preferred
/// first); `None` only when there are no tags.
///
/// For each range in order, as RFC 2616 14.4 matches: `*` matches any tag; a range matches a tag
/// equal to it or starting with it followed by `-` (`en` matches `en-US`), case-insensitively.
/// When no range matches, each range is shortened subtag by subtag (`zh-Hant-CN`, `zh-Hant`,
/// `zh`, the RFC 4647 lookup) looking for an equal tag. Failing that, or among several matches,
/// the alphabetically first tag is taken, so the choice never depends on map order.
pub fn best_language<'a>(
    tags: impl IntoIterator<Item = &'a str>,
    accept_languages: &[String],
) -> Option<&'a str> {
    let mut tags: Vec<&str> = tags.into_iter().collect();
    tags.sort_unstable();
    let matches = |range: &str, tag: &str| {
        range == "*"
            || tag.eq_ignore_ascii_case(range)
            || (tag.len() > range.len()
                && tag.as_bytes()[range.len()] == b'-'
                && tag[..range.len()].eq_ignore_ascii_case(range))
    };
    let by_range = accept_languages
        .iter()
        .find_map(|range| tags.iter().find(|tag| matches(range, tag)));
    let by_lookup = || {
        accept_languages.iter().find_map(|range| {
            let mut prefix = range.as_str();
            while let Some((shorter, _)) = prefix.rsplit_once('-') {
                prefix = shorter;
                if let Some(tag) = tags.iter().find(|tag| tag.eq_ignore_ascii_case(prefix)) {
                    return Some(tag);
                }
            }
            None
        })
    };
    by_range.or_else(by_lookup).or(tags.first()).copied()
}

/// The language ranges of an `Accept-Language` header, most preferred first: ordered by quality
/// (`q`, default 1; equal qualities keep their order), ranges with `q=0` and malformed entries
/// dropped.
pub fn parse_accept_language(header: &str) -> Vec<String> {
    let mut ranges: Vec<(String, f64)> = header
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';').map(str::trim);
            let range = parts.next().filter(|range| {
                !range.is_empty()
                    && range
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
            })?;
            let quality = parts
                .find_map(|parameter| {
                    let (name, value) = parameter.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| value.trim().parse::<f64>().ok())
                        .flatten()
                })
                .unwrap_or(1.0);
            (quality > 0.0).then(|| (range.to_owned(), quality))
        })
        .collect();
    ranges.sort_by(|(_, a), (_, b)| b.total_cmp(a));
    ranges.into_iter().map(|(range, _)| range).collect()
}

/// The definition of an activity from the definitions statements gave it, oldest first (the
/// Activities resource, Communication 2.5: "all available information"): a later statement's
/// property replaces an earlier one, except that language maps (`name`, `description`) and
/// `extensions` are merged key by key. `None` when no statement defined it.
pub fn merge_activity_definitions<'a>(
    oldest_first: impl IntoIterator<Item = &'a Value>,
) -> Option<Value> {
    let mut merged: Option<Map<String, Value>> = None;
    for definition in oldest_first {
        let Some(definition) = definition.as_object() else {
            continue;
        };
        let into = merged.get_or_insert_with(Map::new);
        for (key, value) in definition {
            match (into.get_mut(key), value) {
                (Some(Value::Object(old)), Value::Object(new))
                    if matches!(key.as_str(), "name" | "description" | "extensions") =>
                {
                    old.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                _ => {
                    into.insert(key.clone(), value.clone());
                }
            }
        }
    }
    merged.map(Value::Object)
}

fn object_type(object: &Value) -> Option<&str> {
    object.get("objectType")?.as_str()
}

/// The elements of an optional JSON array, mutably (none when absent or not an array).
fn array_mut(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    value.and_then(Value::as_array_mut).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_from_their_parameter_and_back() {
        for format in [
            StatementFormat::Exact,
            StatementFormat::Ids,
            StatementFormat::Canonical,
        ] {
            assert_eq!(StatementFormat::parse(format.as_str()), Some(format));
        }
        assert_eq!(StatementFormat::parse("EXACT"), None);
        assert_eq!(StatementFormat::default(), StatementFormat::Exact);
    }
    use serde_json::json;

    fn statement() -> Value {
        json!({
            "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "actor": {"objectType": "Group", "name": "Team PB", "mbox": "mailto:teampb@example.com",
                      "member": [{"name": "Andrew", "mbox": "mailto:andrew@example.com"}]},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
                     "display": {"en-GB": "attended", "en-US": "attended", "de": "besucht"}},
            "object": {"id": "http://www.example.com/meetings/occurances/34534",
                       "definition": {"name": {"en-GB": "example meeting", "de": "Beispieltreffen"},
                                      "description": {"en-US": "An example meeting"},
                                      "interactionType": "choice",
                                      "choices": [{"id": "a", "description": {"en-US": "A", "de": "A (de)"}}]}},
            "result": {"success": true},
            "context": {
                "instructor": {"name": "Andrew", "account": {"homePage": "http://www.example.com", "name": "13936749"}},
                "team": {"objectType": "Group", "name": "Anon", "member": [{"name": "Ena", "openid": "http://ena.example/"}]},
                "contextActivities": {"parent": {"id": "http://www.example.com/meetings/series/267",
                                                 "definition": {"name": {"en": "series", "fr": "série"}}}},
                "platform": "Example virtual meeting software"
            },
            "timestamp": "2013-05-18T05:32:34.804+00:00",
            "authority": {"name": "LRS client", "account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}},
            "attachments": [{"usageType": "http://example.com/usage", "display": {"en-US": "Cert", "de": "Zertifikat"},
                             "contentType": "application/pdf", "length": 1, "sha2": "ab"}]
        })
    }

    #[test]
    fn ids_keep_only_what_identifies() {
        let ids = format_ids(&statement());
        assert_eq!(
            ids["actor"],
            json!({"objectType": "Group", "mbox": "mailto:teampb@example.com"})
        );
        assert_eq!(
            ids["verb"],
            json!({"id": "http://adlnet.gov/expapi/verbs/attended"})
        );
        assert_eq!(
            ids["object"],
            json!({"id": "http://www.example.com/meetings/occurances/34534"})
        );
        assert_eq!(
            ids["context"]["instructor"],
            json!({"account": {"homePage": "http://www.example.com", "name": "13936749"}})
        );
        assert_eq!(
            ids["context"]["team"],
            json!({"objectType": "Group", "member": [{"openid": "http://ena.example/"}]})
        );
        assert_eq!(
            ids["context"]["contextActivities"]["parent"],
            json!({"id": "http://www.example.com/meetings/series/267"})
        );
        assert_eq!(
            ids["context"]["platform"],
            statement()["context"]["platform"]
        );
        assert_eq!(
            ids["authority"],
            json!({"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}})
        );
        assert_eq!(ids["result"], statement()["result"]);
        assert_eq!(ids["timestamp"], statement()["timestamp"]);
        assert_eq!(ids["attachments"], statement()["attachments"]);
    }

    #[test]
    fn an_agent_as_object_keeps_its_required_object_type() {
        let statement = json!({
            "actor": {"mbox": "mailto:a@example.com", "name": "A"},
            "verb": {"id": "http://example.com/met"},
            "object": {"objectType": "Agent", "name": "B", "mbox": "mailto:b@example.com"}
        });
        assert_eq!(
            format_ids(&statement)["object"],
            json!({"objectType": "Agent", "mbox": "mailto:b@example.com"})
        );
    }

    #[test]
    fn ids_reach_into_sub_statements_and_leave_statement_refs() {
        let sub = json!({
            "actor": {"mbox": "mailto:a@example.com", "name": "A"},
            "verb": {"id": "http://example.com/planned", "display": {"en-US": "planned"}},
            "object": {"objectType": "SubStatement",
                       "actor": {"objectType": "Agent", "name": "B", "mbox": "mailto:b@example.com"},
                       "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
                       "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}}
        });
        assert_eq!(
            format_ids(&sub),
            json!({
                "actor": {"mbox": "mailto:a@example.com"},
                "verb": {"id": "http://example.com/planned"},
                "object": {"objectType": "SubStatement",
                           "actor": {"mbox": "mailto:b@example.com"},
                           "verb": {"id": "http://example.com/visited"},
                           "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}}
            })
        );
    }

    #[test]
    fn canonical_keeps_one_language_per_map() {
        let canonical = format_canonical(&statement(), &["de".to_owned(), "en".to_owned()]);
        assert_eq!(canonical["verb"]["display"], json!({"de": "besucht"}));
        let definition = &canonical["object"]["definition"];
        assert_eq!(definition["name"], json!({"de": "Beispieltreffen"}));
        assert_eq!(
            definition["description"],
            json!({"en-US": "An example meeting"})
        );
        assert_eq!(
            definition["choices"][0]["description"],
            json!({"de": "A (de)"})
        );
        assert_eq!(
            canonical["context"]["contextActivities"]["parent"]["definition"]["name"],
            json!({"en": "series"})
        );
        assert_eq!(
            canonical["attachments"][0]["display"],
            json!({"de": "Zertifikat"})
        );
        assert_eq!(canonical["actor"], statement()["actor"]);
    }

    #[test]
    fn the_best_language_follows_the_ranges_in_order() {
        let tags = ["en-GB", "en-US", "de", "zh-Hant"];
        let pick = |ranges: &[&str]| {
            let ranges: Vec<String> = ranges.iter().map(|r| (*r).to_owned()).collect();
            best_language(tags, &ranges)
        };
        assert_eq!(pick(&["en-US"]), Some("en-US"));
        assert_eq!(pick(&["EN-us"]), Some("en-US"));
        assert_eq!(pick(&["en"]), Some("en-GB"));
        assert_eq!(pick(&["fr", "de"]), Some("de"));
        assert_eq!(pick(&["de-CH"]), Some("de"));
        assert_eq!(pick(&["zh-Hant-TW"]), Some("zh-Hant"));
        assert_eq!(pick(&["*"]), Some("de"));
        assert_eq!(pick(&["fr"]), Some("de"));
        assert_eq!(pick(&[]), Some("de"));
        assert_eq!(best_language([], &["en".to_owned()]), None);
    }

    #[test]
    fn accept_language_headers_are_ordered_by_quality() {
        assert_eq!(
            parse_accept_language("da, en-gb;q=0.8, en;q=0.7"),
            ["da", "en-gb", "en"]
        );
        assert_eq!(
            parse_accept_language("en;q=0.5, fr, de;q=0.9, *;q=0.1, it;q=0"),
            ["fr", "de", "en", "*"]
        );
        assert!(parse_accept_language("").is_empty());
        assert_eq!(parse_accept_language("en;q=abc, de"), ["en", "de"]);
    }

    #[test]
    fn context_activities_are_returned_as_arrays() {
        let returned = with_context_activity_arrays(&statement());
        assert_eq!(
            returned["context"]["contextActivities"]["parent"],
            json!([statement()["context"]["contextActivities"]["parent"]])
        );
        let sub = json!({"object": {"objectType": "SubStatement",
                                    "context": {"contextActivities": {"other": {"id": "http://example.com/a"},
                                                                      "category": [{"id": "http://example.com/b"}]}}}});
        let returned = with_context_activity_arrays(&sub);
        assert_eq!(
            returned["object"]["context"]["contextActivities"],
            json!({"other": [{"id": "http://example.com/a"}], "category": [{"id": "http://example.com/b"}]})
        );
    }

    #[test]
    fn activity_definitions_merge_language_maps_and_let_later_ones_win() {
        let first = json!({ "name": { "en-US": "example meeting" }, "type": "http://a.example/t1",
                            "extensions": { "http://a.example/x": 1 } });
        let second = json!({ "name": { "fr-FR": "réunion" }, "type": "http://a.example/t2",
                             "extensions": { "http://a.example/y": 2 } });
        assert_eq!(
            merge_activity_definitions([&first, &second]),
            Some(
                json!({ "name": { "en-US": "example meeting", "fr-FR": "réunion" },
                         "type": "http://a.example/t2",
                         "extensions": { "http://a.example/x": 1, "http://a.example/y": 2 } })
            )
        );
        assert_eq!(merge_activity_definitions([]), None);
    }
}
