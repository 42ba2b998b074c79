//! Statement validation (Data 2.2 to 2.4 and 4.0 of 1.0.3; 4.2 of 2.0.0), as the conformance test
//! suite checks it. The first rule broken is reported, with the path of the property breaking it.

use super::duration::parse_duration;
use super::signature::SIGNATURE_USAGE;
use super::syntax::{
    is_iri, is_language_tag, is_mailto_iri, is_media_type, is_sha1_hex, is_sha2_hex, is_uuid,
    media_type_essence,
};
use super::timestamp::parse_timestamp;
use super::{is_version_of, AgentIfi, XapiError, XapiVersion, VOIDED_VERB};
use serde_json::{Map, Value};
use std::collections::HashSet;

type Object = Map<String, Value>;
type Checked<T = ()> = Result<T, XapiError>;

/// The properties that identify an Agent or Identified Group (Data 2.4.2.3).
pub(crate) const IFI_KEYS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

const STATEMENT_KEYS: &[&str] = &[
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
];
/// What only a top-level statement may carry (Data 2.4.4.3.s8.b3).
const NOT_IN_SUB_STATEMENT: [&str; 4] = ["id", "stored", "version", "authority"];
const SUB_STATEMENT_KEYS: &[&str] = &[
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
];
const AGENT_KEYS: &[&str] = &[
    "objectType",
    "name",
    "mbox",
    "mbox_sha1sum",
    "openid",
    "account",
];
const GROUP_KEYS: &[&str] = &[
    "objectType",
    "name",
    "member",
    "mbox",
    "mbox_sha1sum",
    "openid",
    "account",
];
const DEFINITION_KEYS: &[&str] = &[
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
];
pub(crate) const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];
const INTERACTION_TYPES: [&str; 10] = [
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];
const CONTEXT_KEYS: &[&str] = &[
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
    "contextAgents",
    "contextGroups",
];
/// Context properties that xAPI 2.0.0 added.
const CONTEXT_KEYS_2_0: [&str; 2] = ["contextAgents", "contextGroups"];
const CONTEXT_ACTIVITY_KINDS: &[&str] = &["parent", "grouping", "category", "other"];
const ATTACHMENT_KEYS: &[&str] = &[
    "usageType",
    "display",
    "description",
    "contentType",
    "length",
    "sha2",
    "fileUrl",
];

/// Check a statement as received by the LRS (POST or PUT), for the request's xAPI version.
///
/// Enforced, at every level:
/// - only the properties the specification defines, spelled with its case, never `null`
///   (except inside extensions), with the JSON types it gives (Data 2.2.s4);
/// - `actor`, `verb`, `object` present; `id`, `registration` and StatementRef ids UUIDs;
/// - Agents with exactly one inverse functional identifier (`mbox` a `mailto:` IRI,
///   `mbox_sha1sum` 40 hex digits, `openid` an IRI, `account` with `homePage` IRL and non-empty
///   `name`); Groups with `objectType` `"Group"`, at most one identifier, and (when anonymous) a
///   non-empty `member` list; members are Agents only; `team` is a Group; an `authority` Group
///   is an anonymous Group of exactly two Agents (3-legged OAuth, Data 2.4.9.s3.b1);
/// - `objectType` values exactly as written in the specification; an Agent or Group `object`
///   states its `objectType`;
/// - Activities with an IRI `id`; definitions with language maps, IRI `type`, IRL `moreInfo`,
///   a known `interactionType`, `correctResponsesPattern` and component lists only with an
///   `interactionType` and only the lists that type supports, distinct component ids;
/// - SubStatements without `id`, `stored`, `version`, `authority` and without a nested
///   SubStatement; a voiding statement (verb [`VOIDED_VERB`]) has a StatementRef object;
/// - `result.score`: `scaled` in -1..=1, `min` < `max`, `raw` within them; `duration` ISO 8601;
/// - `context`: `revision` and `platform` only when the object is an Activity;
///   `contextActivities` with one or more of the keys `parent`/`grouping`/`category`/`other`,
///   each holding an Activity or an array of them; `statement` a StatementRef; in 2.0.0 `contextAgents`/`contextGroups`
///   (`objectType` `contextAgent`/`contextGroup`, an Agent/Group, non-empty IRI `relevantTypes`);
/// - language-map keys RFC 5646 tags and maps non-empty; extension keys IRIs; IRIs with a scheme;
/// - `timestamp` and `stored` per [`parse_timestamp`](super::parse_timestamp);
/// - `version`: 1.0.3 takes `1.0` and `1.0.x` (Data 2.4.10.s3); 2.0.0 also takes `2.0` and
///   `2.0.x`;
/// - attachments: `usageType` IRI, `display` language map, `contentType` media type (a
///   signature attachment's is `application/octet-stream`), `length` a non-negative integer,
///   `sha2` a hex SHA-2 hash, `fileUrl` an IRL.
///
/// `context.language` is an RFC 5646 tag too (Data 2.4.6.s3.table1.row7). Duplicate JSON keys
/// (Data 2.2.s2.b2) cannot be seen in a parsed `Value`; the JSON parser decides those.
pub fn validate_statement(value: &Value, version: XapiVersion) -> Result<(), XapiError> {
    Validator { version }.statement(value, "statement")
}

/// Under xAPI 2.0.0 a statement whose `timestamp` is `null` has none: the LRS sets it to `stored`
/// (the 2.0 conformance suite sends exactly that, while every other `null` stays refused by
/// [`validate_statement`]). Call before validating; 1.0.3 statements are left as they are.
pub fn without_null_timestamp(statement: &mut Value, version: XapiVersion) {
    if version == XapiVersion::V2_0_0 {
        if let Some(map) = statement.as_object_mut() {
            if map.get("timestamp").is_some_and(Value::is_null) {
                map.remove("timestamp");
            }
        }
    }
}

/// Check the `agent` parameter of GET statements (an Agent or Identified Group, Communication
/// 2.1.3) by the same rules as in statements (Data 2.2.s4.b4), and return its identifier. Errors
/// name the path `agent`.
pub fn validate_agent_parameter(
    value: &Value,
    version: XapiVersion,
) -> Result<AgentIfi, XapiError> {
    Validator { version }.actor(value, "agent")?;
    AgentIfi::of(value).ok_or_else(|| {
        err(
            "agent",
            "must be an Agent or an Identified Group (an anonymous Group cannot be searched for)",
        )
    })
}

/// What a statement's `object` turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ObjectKind {
    Activity,
    Agent,
    Group,
    StatementRef,
    SubStatement,
}

struct Validator {
    version: XapiVersion,
}

impl Validator {
    fn statement(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, STATEMENT_KEYS)?;
        if let Some(id) = map.get("id") {
            uuid(id, &child(path, "id"))?;
        }
        self.statement_body(map, path, false)?;
        if let Some(stored) = map.get("stored") {
            self.timestamp(stored, &child(path, "stored"))?;
        }
        if let Some(authority) = map.get("authority") {
            self.authority(authority, &child(path, "authority"))?;
        }
        if let Some(version) = map.get("version") {
            self.statement_version(version, &child(path, "version"))?;
        }
        Ok(())
    }

    fn sub_statement(&self, value: &Value, path: &str) -> Checked {
        if let Some(key) = NOT_IN_SUB_STATEMENT
            .into_iter()
            .find(|key| value.get(key).is_some())
        {
            return Err(err(&child(path, key), "must not be used in a SubStatement"));
        }
        let map = object(value, path, SUB_STATEMENT_KEYS)?;
        self.statement_body(map, path, true)
    }

    /// What statements and SubStatements share.
    fn statement_body(&self, map: &Object, path: &str, in_sub_statement: bool) -> Checked {
        self.actor(required(map, path, "actor")?, &child(path, "actor"))?;
        let verb_id = self.verb(required(map, path, "verb")?, &child(path, "verb"))?;
        let object_path = child(path, "object");
        let kind = self.object(
            required(map, path, "object")?,
            &object_path,
            in_sub_statement,
        )?;
        if verb_id == VOIDED_VERB && kind != ObjectKind::StatementRef {
            return Err(err(
                &child(&object_path, "objectType"),
                format!("must be \"StatementRef\" in a voiding statement (verb {VOIDED_VERB})"),
            ));
        }
        if let Some(result) = map.get("result") {
            self.result(result, &child(path, "result"))?;
        }
        if let Some(context) = map.get("context") {
            self.context(context, &child(path, "context"), kind)?;
        }
        if let Some(timestamp) = map.get("timestamp") {
            self.timestamp(timestamp, &child(path, "timestamp"))?;
        }
        if let Some(attachments) = map.get("attachments") {
            self.attachments(attachments, &child(path, "attachments"))?;
        }
        Ok(())
    }

    /// An Agent or a Group, as `actor`, `instructor` or `authority` (Data 2.4.2).
    fn actor(&self, value: &Value, path: &str) -> Checked {
        match object_type(value, path)? {
            None | Some("Agent") => self.agent(value, path),
            Some("Group") => self.group(value, path),
            Some(_) => Err(err(
                &child(path, "objectType"),
                "must be \"Agent\" or \"Group\" (case sensitive)",
            )),
        }
    }

    fn agent(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, AGENT_KEYS)?;
        if let Some(kind) = map.get("objectType") {
            expect_literal(kind, &child(path, "objectType"), "Agent")?;
        }
        if let Some(name) = map.get("name") {
            string(name, &child(path, "name"))?;
        }
        if self.identifiers(map, path)? == 0 {
            return Err(err(
                path,
                "an Agent must have exactly one of mbox, mbox_sha1sum, openid or account",
            ));
        }
        Ok(())
    }

    fn group(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, GROUP_KEYS)?;
        expect_literal(
            required(map, path, "objectType")?,
            &child(path, "objectType"),
            "Group",
        )?;
        if let Some(name) = map.get("name") {
            string(name, &child(path, "name"))?;
        }
        let identified = self.identifiers(map, path)? == 1;
        let member_path = child(path, "member");
        let Some(members) = map.get("member") else {
            return if identified {
                Ok(())
            } else {
                Err(err(
                    &member_path,
                    "is required in an anonymous Group (one without mbox, mbox_sha1sum, openid \
                     or account)",
                ))
            };
        };
        let members = array(members, &member_path)?;
        if members.is_empty() && !identified {
            return Err(err(
                &member_path,
                "must list at least one Agent in an anonymous Group",
            ));
        }
        for (at, member) in members.iter().enumerate() {
            let path = index(&member_path, at);
            if member.get("objectType").and_then(Value::as_str) == Some("Group") {
                return Err(err(
                    &child(&path, "objectType"),
                    "a Group's members must be Agents, not Groups",
                ));
            }
            self.agent(member, &path)?;
        }
        Ok(())
    }

    /// Check the inverse functional identifiers present (at most one) and count them.
    fn identifiers(&self, map: &Object, path: &str) -> Checked<usize> {
        let present: Vec<&str> = IFI_KEYS
            .into_iter()
            .filter(|key| map.contains_key(*key))
            .collect();
        if present.len() > 1 {
            return Err(err(
                path,
                format!(
                    "must have only one inverse functional identifier, not {}",
                    present.join(" and ")
                ),
            ));
        }
        for key in &present {
            let (value, path) = (&map[*key], child(path, key));
            match *key {
                "mbox" => {
                    formatted(value, &path, is_mailto_iri, "a mailto: IRI")?;
                }
                "mbox_sha1sum" => {
                    formatted(
                        value,
                        &path,
                        is_sha1_hex,
                        "the hex-encoded SHA-1 hash of a mailto: IRI (40 hex digits)",
                    )?;
                }
                "openid" => {
                    iri(value, &path)?;
                }
                _ => account(value, &path)?,
            }
        }
        Ok(present.len())
    }

    /// `context.team`: a Group.
    fn team(&self, value: &Value, path: &str) -> Checked {
        if object_type(value, path)? != Some("Group") {
            return Err(err(path, "must be a Group (objectType \"Group\")"));
        }
        self.group(value, path)
    }

    /// An authority is an Agent, or a 3-legged OAuth Group of two Agents (Data 2.4.9.s3.b1).
    fn authority(&self, value: &Value, path: &str) -> Checked {
        self.actor(value, path)?;
        if object_type(value, path)? == Some("Group") {
            let identified = IFI_KEYS.into_iter().any(|key| value.get(key).is_some());
            let members = value
                .get("member")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if identified || members != 2 {
                return Err(err(
                    path,
                    "a Group authority must be an anonymous Group of exactly two Agents (the \
                     OAuth application and the user)",
                ));
            }
        }
        Ok(())
    }

    /// A verb; its id is returned for the voiding rule.
    fn verb<'a>(&self, value: &'a Value, path: &str) -> Checked<&'a str> {
        let map = object(value, path, &["id", "display"])?;
        let id = iri(required(map, path, "id")?, &child(path, "id"))?;
        if let Some(display) = map.get("display") {
            language_map(display, &child(path, "display"))?;
        }
        Ok(id)
    }

    fn object(&self, value: &Value, path: &str, in_sub_statement: bool) -> Checked<ObjectKind> {
        let kind = match object_type(value, path)? {
            None if IFI_KEYS
                .into_iter()
                .chain(["member"])
                .any(|key| value.get(key).is_some()) =>
            {
                return Err(err(
                    &child(path, "objectType"),
                    "is required when the object is an Agent or Group",
                ))
            }
            None | Some("Activity") => ObjectKind::Activity,
            Some("Agent") => ObjectKind::Agent,
            Some("Group") => ObjectKind::Group,
            Some("StatementRef") => ObjectKind::StatementRef,
            Some("SubStatement") if in_sub_statement => {
                return Err(err(
                    &child(path, "objectType"),
                    "a SubStatement must not contain another SubStatement",
                ))
            }
            Some("SubStatement") => ObjectKind::SubStatement,
            Some(_) => {
                return Err(err(
                    &child(path, "objectType"),
                    "must be \"Activity\", \"Agent\", \"Group\", \"StatementRef\" or \
                     \"SubStatement\" (case sensitive)",
                ))
            }
        };
        match kind {
            ObjectKind::Activity => self.activity(value, path)?,
            ObjectKind::Agent => self.agent(value, path)?,
            ObjectKind::Group => self.group(value, path)?,
            ObjectKind::StatementRef => self.statement_ref(value, path)?,
            ObjectKind::SubStatement => self.sub_statement(value, path)?,
        }
        Ok(kind)
    }

    fn activity(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, &["objectType", "id", "definition"])?;
        if let Some(kind) = map.get("objectType") {
            expect_literal(kind, &child(path, "objectType"), "Activity")?;
        }
        iri(required(map, path, "id")?, &child(path, "id"))?;
        if let Some(definition) = map.get("definition") {
            self.definition(definition, &child(path, "definition"))?;
        }
        Ok(())
    }

    fn definition(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, DEFINITION_KEYS)?;
        for key in ["name", "description"] {
            if let Some(map) = map.get(key) {
                language_map(map, &child(path, key))?;
            }
        }
        if let Some(kind) = map.get("type") {
            iri(kind, &child(path, "type"))?;
        }
        if let Some(more_info) = map.get("moreInfo") {
            irl(more_info, &child(path, "moreInfo"))?;
        }
        if let Some(map) = map.get("extensions") {
            extensions(map, &child(path, "extensions"))?;
        }
        let interaction_type = match map.get("interactionType") {
            None => None,
            Some(kind) => {
                let path = child(path, "interactionType");
                let kind = string(kind, &path)?;
                if !INTERACTION_TYPES.contains(&kind) {
                    return Err(err(
                        &path,
                        format!(
                            "must be one of {} (case sensitive)",
                            INTERACTION_TYPES.join(", ")
                        ),
                    ));
                }
                Some(kind)
            }
        };
        let needs_interaction_type =
            |path: &str| err(path, "may only be used together with interactionType");
        if let Some(patterns) = map.get("correctResponsesPattern") {
            let path = child(path, "correctResponsesPattern");
            if interaction_type.is_none() {
                return Err(needs_interaction_type(&path));
            }
            for (at, pattern) in array(patterns, &path)?.iter().enumerate() {
                string(pattern, &index(&path, at))?;
            }
        }
        for list in COMPONENT_LISTS {
            let Some(components) = map.get(list) else {
                continue;
            };
            let path = child(path, list);
            let Some(kind) = interaction_type else {
                return Err(needs_interaction_type(&path));
            };
            if !supported_component_lists(kind).contains(&list) {
                return Err(err(
                    &path,
                    format!("is not supported for interactionType {kind:?}"),
                ));
            }
            interaction_components(components, &path)?;
        }
        Ok(())
    }

    fn statement_ref(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, &["objectType", "id"])?;
        expect_literal(
            required(map, path, "objectType")?,
            &child(path, "objectType"),
            "StatementRef",
        )?;
        uuid(required(map, path, "id")?, &child(path, "id"))?;
        Ok(())
    }

    fn result(&self, value: &Value, path: &str) -> Checked {
        let keys = &[
            "score",
            "success",
            "completion",
            "response",
            "duration",
            "extensions",
        ];
        let map = object(value, path, keys)?;
        if let Some(score) = map.get("score") {
            self.score(score, &child(path, "score"))?;
        }
        for key in ["success", "completion"] {
            if let Some(flag) = map.get(key) {
                if !flag.is_boolean() {
                    return Err(err(&child(path, key), "must be true or false"));
                }
            }
        }
        if let Some(response) = map.get("response") {
            string(response, &child(path, "response"))?;
        }
        if let Some(duration) = map.get("duration") {
            formatted(
                duration,
                &child(path, "duration"),
                |d| parse_duration(d).is_some(),
                "an ISO 8601 duration such as PT1H30M or P4W",
            )?;
        }
        if let Some(map) = map.get("extensions") {
            extensions(map, &child(path, "extensions"))?;
        }
        Ok(())
    }

    fn score(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, &["scaled", "raw", "min", "max"])?;
        let read = |key: &str| {
            map.get(key)
                .map(|value| number(value, &child(path, key)))
                .transpose()
        };
        let (scaled, raw, min, max) = (read("scaled")?, read("raw")?, read("min")?, read("max")?);
        if scaled.is_some_and(|scaled| !(-1.0..=1.0).contains(&scaled)) {
            return Err(err(&child(path, "scaled"), "must be between -1 and 1"));
        }
        if let (Some(min), Some(max)) = (min, max) {
            if min >= max {
                return Err(err(&child(path, "min"), "must be less than max"));
            }
        }
        if let (Some(raw), Some(min)) = (raw, min) {
            if raw < min {
                return Err(err(&child(path, "raw"), "must not be less than min"));
            }
        }
        if let (Some(raw), Some(max)) = (raw, max) {
            if raw > max {
                return Err(err(&child(path, "raw"), "must not be greater than max"));
            }
        }
        Ok(())
    }

    fn context(&self, value: &Value, path: &str, object_kind: ObjectKind) -> Checked {
        if self.version == XapiVersion::V1_0_3 {
            if let Some(key) = CONTEXT_KEYS_2_0
                .into_iter()
                .find(|key| value.get(key).is_some())
            {
                return Err(err(&child(path, key), "is only allowed in xAPI 2.0.0"));
            }
        }
        let map = object(value, path, CONTEXT_KEYS)?;
        if let Some(registration) = map.get("registration") {
            uuid(registration, &child(path, "registration"))?;
        }
        if let Some(instructor) = map.get("instructor") {
            self.actor(instructor, &child(path, "instructor"))?;
        }
        if let Some(team) = map.get("team") {
            self.team(team, &child(path, "team"))?;
        }
        if let Some(activities) = map.get("contextActivities") {
            self.context_activities(activities, &child(path, "contextActivities"))?;
        }
        for key in ["revision", "platform"] {
            if let Some(text) = map.get(key) {
                let path = child(path, key);
                string(text, &path)?;
                if object_kind != ObjectKind::Activity {
                    return Err(err(
                        &path,
                        "may only be used when the statement's object is an Activity",
                    ));
                }
            }
        }
        if let Some(language) = map.get("language") {
            let path = child(path, "language");
            non_empty_string(language, &path)?;
            if !language.as_str().is_some_and(is_language_tag) {
                return Err(err(&path, "is not an RFC 5646 language tag"));
            }
        }
        if let Some(statement) = map.get("statement") {
            self.statement_ref(statement, &child(path, "statement"))?;
        }
        if let Some(map) = map.get("extensions") {
            extensions(map, &child(path, "extensions"))?;
        }
        if let Some(agents) = map.get("contextAgents") {
            let path = child(path, "contextAgents");
            self.context_relations(agents, &path, "contextAgent", "agent", Self::agent)?;
        }
        if let Some(groups) = map.get("contextGroups") {
            let path = child(path, "contextGroups");
            self.context_relations(groups, &path, "contextGroup", "group", Self::team)?;
        }
        Ok(())
    }

    fn context_activities(&self, value: &Value, path: &str) -> Checked {
        let map = object(value, path, CONTEXT_ACTIVITY_KINDS)?;
        if map.is_empty() {
            return Err(err(
                path,
                "must hold at least one of parent, grouping, category or other",
            ));
        }
        for (kind, activities) in map {
            let path = child(path, kind);
            match activities {
                Value::Array(activities) => {
                    for (at, activity) in activities.iter().enumerate() {
                        self.activity(activity, &index(&path, at))?;
                    }
                }
                activity => self.activity(activity, &path)?,
            }
        }
        Ok(())
    }

    /// xAPI 2.0.0 `contextAgents` / `contextGroups`: arrays of `{objectType, agent|group,
    /// relevantTypes}` objects.
    fn context_relations(
        &self,
        value: &Value,
        path: &str,
        kind: &str,
        member: &str,
        check_member: fn(&Self, &Value, &str) -> Checked,
    ) -> Checked {
        for (at, relation) in array(value, path)?.iter().enumerate() {
            let path = index(path, at);
            let map = object(relation, &path, &["objectType", member, "relevantTypes"])?;
            expect_literal(
                required(map, &path, "objectType")?,
                &child(&path, "objectType"),
                kind,
            )?;
            check_member(self, required(map, &path, member)?, &child(&path, member))?;
            if let Some(types) = map.get("relevantTypes") {
                let path = child(&path, "relevantTypes");
                let types = array(types, &path)?;
                if types.is_empty() {
                    return Err(err(&path, "must list at least one Activity type IRI"));
                }
                for (at, kind) in types.iter().enumerate() {
                    iri(kind, &index(&path, at))?;
                }
            }
        }
        Ok(())
    }

    fn timestamp(&self, value: &Value, path: &str) -> Checked {
        let text = string(value, path)?;
        parse_timestamp(text, self.version)
            .map(|_| ())
            .map_err(|reason| err(path, reason))
    }

    fn statement_version(&self, value: &Value, path: &str) -> Checked {
        let text = string(value, path)?;
        let accepted = is_version_of(text, "1.0", true)
            || (self.version == XapiVersion::V2_0_0 && is_version_of(text, "2.0", true));
        if !accepted {
            return Err(err(
                path,
                match self.version {
                    XapiVersion::V1_0_3 => "must be 1.0 or start with 1.0. (xAPI 1.0.x)",
                    XapiVersion::V2_0_0 => "must be 1.0.x or 2.0.x",
                },
            ));
        }
        Ok(())
    }

    fn attachments(&self, value: &Value, path: &str) -> Checked {
        for (at, attachment) in array(value, path)?.iter().enumerate() {
            let path = index(path, at);
            let map = object(attachment, &path, ATTACHMENT_KEYS)?;
            let usage = iri(
                required(map, &path, "usageType")?,
                &child(&path, "usageType"),
            )?;
            language_map(required(map, &path, "display")?, &child(&path, "display"))?;
            if let Some(description) = map.get("description") {
                language_map(description, &child(&path, "description"))?;
            }
            let content_type_path = child(&path, "contentType");
            let content_type = formatted(
                required(map, &path, "contentType")?,
                &content_type_path,
                is_media_type,
                "an Internet media type such as text/plain",
            )?;
            if usage == SIGNATURE_USAGE
                && !media_type_essence(content_type)
                    .eq_ignore_ascii_case("application/octet-stream")
            {
                return Err(err(
                    &content_type_path,
                    "must be application/octet-stream for a signature attachment",
                ));
            }
            if required(map, &path, "length")?.as_u64().is_none() {
                return Err(err(
                    &child(&path, "length"),
                    "must be a non-negative integer",
                ));
            }
            formatted(
                required(map, &path, "sha2")?,
                &child(&path, "sha2"),
                is_sha2_hex,
                "a hex-encoded SHA-2 hash",
            )?;
            if let Some(url) = map.get("fileUrl") {
                irl(url, &child(&path, "fileUrl"))?;
            }
        }
        Ok(())
    }
}

fn account(value: &Value, path: &str) -> Checked {
    let map = object(value, path, &["homePage", "name"])?;
    irl(required(map, path, "homePage")?, &child(path, "homePage"))?;
    non_empty_string(required(map, path, "name")?, &child(path, "name"))?;
    Ok(())
}

/// The component lists an interaction type supports (Data 2.4.4.1.s15).
fn supported_component_lists(interaction_type: &str) -> &'static [&'static str] {
    match interaction_type {
        "choice" | "sequencing" => &["choices"],
        "likert" => &["scale"],
        "matching" => &["source", "target"],
        "performance" => &["steps"],
        _ => &[],
    }
}

fn interaction_components(value: &Value, path: &str) -> Checked {
    let mut ids = HashSet::new();
    for (at, component) in array(value, path)?.iter().enumerate() {
        let path = index(path, at);
        let map = object(component, &path, &["id", "description"])?;
        let id_path = child(&path, "id");
        let id = non_empty_string(required(map, &path, "id")?, &id_path)?;
        if !ids.insert(id) {
            return Err(err(
                &id_path,
                format!("repeats the id {id:?}; ids within a component list must be distinct"),
            ));
        }
        if let Some(description) = map.get("description") {
            language_map(description, &child(&path, "description"))?;
        }
    }
    Ok(())
}

fn err(path: &str, reason: impl Into<String>) -> XapiError {
    XapiError::new(path, reason)
}

fn child(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

fn index(path: &str, at: usize) -> String {
    format!("{path}[{at}]")
}

/// The path of a key of a map whose keys are data (language tags, extension IRIs).
fn entry(path: &str, key: &str) -> String {
    format!("{path}[{key:?}]")
}

/// The value as a JSON object whose properties are all in `allowed` (spelled exactly so) and
/// none of which is `null`.
fn object<'a>(value: &'a Value, path: &str, allowed: &[&str]) -> Checked<&'a Object> {
    let map = value
        .as_object()
        .ok_or_else(|| err(path, "must be a JSON object"))?;
    for (key, value) in map {
        if !allowed.contains(&key.as_str()) {
            let known = allowed.iter().find(|known| known.eq_ignore_ascii_case(key));
            return Err(err(
                &child(path, key),
                match known {
                    Some(known) => {
                        format!("is not allowed; property names are case sensitive ({known:?})")
                    }
                    None => "is not an allowed property here".to_owned(),
                },
            ));
        }
        if value.is_null() {
            return Err(err(&child(path, key), "must not be null"));
        }
    }
    Ok(map)
}

fn required<'a>(map: &'a Object, path: &str, key: &str) -> Checked<&'a Value> {
    map.get(key)
        .ok_or_else(|| err(&child(path, key), "is required"))
}

/// The `objectType` of an object, if it has one (it must be a string).
fn object_type<'a>(value: &'a Value, path: &str) -> Checked<Option<&'a str>> {
    let map = value
        .as_object()
        .ok_or_else(|| err(path, "must be a JSON object"))?;
    map.get("objectType")
        .map(|kind| string(kind, &child(path, "objectType")))
        .transpose()
}

fn expect_literal(value: &Value, path: &str, literal: &str) -> Checked {
    if value.as_str() == Some(literal) {
        Ok(())
    } else {
        Err(err(path, format!("must be {literal:?} (case sensitive)")))
    }
}

fn string<'a>(value: &'a Value, path: &str) -> Checked<&'a str> {
    value.as_str().ok_or_else(|| err(path, "must be a string"))
}

fn non_empty_string<'a>(value: &'a Value, path: &str) -> Checked<&'a str> {
    match string(value, path)? {
        "" => Err(err(path, "must not be empty")),
        text => Ok(text),
    }
}

fn number(value: &Value, path: &str) -> Checked<f64> {
    value
        .as_f64()
        .ok_or_else(|| err(path, "must be a number (not a string)"))
}

fn array<'a>(value: &'a Value, path: &str) -> Checked<&'a Vec<Value>> {
    value
        .as_array()
        .ok_or_else(|| err(path, "must be an array"))
}

/// A string passing `test`; `what` completes "must be ...".
fn formatted<'a>(
    value: &'a Value,
    path: &str,
    test: impl Fn(&str) -> bool,
    what: &str,
) -> Checked<&'a str> {
    let text = string(value, path)?;
    if test(text) {
        Ok(text)
    } else {
        Err(err(path, format!("must be {what}")))
    }
}

fn iri<'a>(value: &'a Value, path: &str) -> Checked<&'a str> {
    formatted(
        value,
        path,
        is_iri,
        "an absolute IRI, with a scheme (such as http://...)",
    )
}

/// An IRL is an IRI meant to be resolvable; its syntax is checked the same way.
fn irl<'a>(value: &'a Value, path: &str) -> Checked<&'a str> {
    formatted(
        value,
        path,
        is_iri,
        "an absolute IRL, with a scheme (such as https://...)",
    )
}

fn uuid<'a>(value: &'a Value, path: &str) -> Checked<&'a str> {
    formatted(
        value,
        path,
        is_uuid,
        "a UUID in standard form (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
    )
}

/// A language map: a non-empty object from RFC 5646 language tags to strings (Data 4.2).
fn language_map(value: &Value, path: &str) -> Checked {
    let map = value.as_object().ok_or_else(|| {
        err(
            path,
            "must be a language map (an object of language tag to text)",
        )
    })?;
    if map.is_empty() {
        return Err(err(path, "must contain at least one language"));
    }
    for (tag, text) in map {
        let path = entry(path, tag);
        if !is_language_tag(tag) {
            return Err(err(&path, "is not an RFC 5646 language tag"));
        }
        string(text, &path)?;
    }
    Ok(())
}

/// Extensions: IRI keys, any JSON values, `null` included (Data 4.1).
fn extensions(value: &Value, path: &str) -> Checked {
    let map = value
        .as_object()
        .ok_or_else(|| err(path, "must be an object of IRI keys"))?;
    match map.keys().find(|key| !is_iri(key)) {
        Some(key) => Err(err(
            &entry(path, key),
            "extension keys must be absolute IRIs",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use XapiVersion::{V1_0_3, V2_0_0};

    const BOTH: [XapiVersion; 2] = [V1_0_3, V2_0_0];

    /// The simplest statement of the specification (Data 2.4.s2).
    fn simplest() -> Value {
        json!({
            "id": "12345678-1234-5678-1234-567812345678",
            "actor": {"mbox": "mailto:xapi@adlnet.gov"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
            "object": {"id": "http://example.adlnet.gov/xapi/example/activity"}
        })
    }

    /// The long example of Appendix A, as returned by an LRS.
    fn long_example() -> Value {
        json!({
            "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "actor": {
                "name": "Team PB",
                "mbox": "mailto:teampb@example.com",
                "member": [
                    {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}, "objectType": "Agent"},
                    {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
                    {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "objectType": "Agent"}
                ],
                "objectType": "Group"
            },
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
            "result": {
                "extensions": {"http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\meetings\\minutes\\examplemeeting.one"},
                "success": true,
                "completion": true,
                "response": "We agreed on some example actions.",
                "duration": "PT1H0M0S"
            },
            "context": {
                "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                "contextActivities": {
                    "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
                    "category": [{
                        "id": "http://www.example.com/meetings/categories/teammeeting",
                        "objectType": "Activity",
                        "definition": {
                            "name": {"en": "team meeting"},
                            "description": {"en": "A category of meeting used for regular team meetings."},
                            "type": "http://example.com/expapi/activities/meetingcategory"
                        }
                    }],
                    "other": [
                        {"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
                        {"id": "http://www.example.com/meetings/occurances/3425567", "objectType": "Activity"}
                    ]
                },
                "instructor": {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}, "objectType": "Agent"},
                "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
                "platform": "Example virtual meeting software",
                "language": "tlh",
                "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}
            },
            "timestamp": "2013-05-18T05:32:34.804+00:00",
            "stored": "2013-05-18T05:32:34.804+00:00",
            "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}, "objectType": "Agent"},
            "version": "1.0.0",
            "object": {
                "id": "http://www.example.com/meetings/occurances/34534",
                "definition": {
                    "extensions": {"http://example.com/profiles/meetings/activitydefinitionextensions/room": {"name": "Kilby", "id": "http://example.com/rooms/342"}},
                    "name": {"en-GB": "example meeting", "en-US": "example meeting"},
                    "description": {"en-GB": "An example meeting.", "en-US": "An example meeting."},
                    "type": "http://adlnet.gov/expapi/activities/meeting",
                    "moreInfo": "http://virtualmeeting.example.com/345256"
                },
                "objectType": "Activity"
            }
        })
    }

    fn attachment() -> Value {
        json!({
            "usageType": "http://example.com/attachment-usage/test",
            "display": {"en-US": "A test attachment", "de": "Eine Testbefestigung"},
            "description": {"en-US": "A test attachment (description)"},
            "contentType": "text/plain; charset=ascii",
            "length": 27,
            "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
            "fileUrl": "http://over.there.com/file.txt"
        })
    }

    /// `statement` with the value at a JSON pointer set (the parent must exist).
    fn set(mut statement: Value, pointer: &str, value: Value) -> Value {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        match statement.pointer_mut(parent).unwrap() {
            Value::Object(map) => {
                map.insert(key.to_owned(), value);
            }
            Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
            other => panic!("cannot set {pointer} in {other}"),
        }
        statement
    }

    fn remove(mut statement: Value, pointer: &str) -> Value {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        statement
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap()
            .remove(key);
        statement
    }

    /// A statement whose object is the given SubStatement.
    fn with_sub_statement(sub_statement: Value) -> Value {
        set(simplest(), "/object", sub_statement)
    }

    fn sub_statement() -> Value {
        json!({
            "objectType": "SubStatement",
            "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
            "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
            "object": {"objectType": "Activity", "id": "http://example.com/website",
                       "definition": {"name": {"en-US": "Some Awesome Website"}}}
        })
    }

    #[track_caller]
    fn accepted(statement: &Value, version: XapiVersion) {
        if let Err(error) = validate_statement(statement, version) {
            panic!("{version} refused {statement}: {error}");
        }
    }

    /// The statement is refused, naming `path`.
    #[track_caller]
    fn refused(statement: &Value, version: XapiVersion, path: &str) -> XapiError {
        match validate_statement(statement, version) {
            Ok(()) => panic!("{version} accepted {statement}"),
            Err(error) => {
                assert_eq!(error.path, path, "{version}: {error} for {statement}");
                error
            }
        }
    }

    #[track_caller]
    fn refused_in_both(statement: &Value, path: &str) {
        for version in BOTH {
            refused(statement, version, path);
        }
    }

    #[test]
    fn the_specification_examples_are_valid_in_both_versions() {
        let examples = [
            simplest(),
            long_example(),
            json!({
                "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
                "timestamp": "2015-11-18T12:17:00+00:00",
                "actor": {"objectType": "Agent", "name": "Project Tin Can API", "mbox": "mailto:user@example.com"},
                "verb": {"id": "http://example.com/xapi/verbs#sent-a-statement", "display": {"en-US": "sent"}},
                "object": {"id": "http://example.com/xapi/activity/simplestatement",
                           "definition": {"name": {"en-US": "simple statement"},
                                          "description": {"en-US": "A simple Experience API statement."}}}
            }),
            json!({
                "id": "7ccd3322-e1a5-411a-a67d-6a735c76f119",
                "timestamp": "2015-12-18T12:17:00+00:00",
                "actor": {"objectType": "Agent", "name": "Example Learner", "mbox": "mailto:example.learner@adlnet.gov"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
                "object": {"id": "http://example.adlnet.gov/xapi/example/simpleCBT"},
                "result": {"score": {"scaled": 0.95}, "success": true, "completion": true, "duration": "PT1234S"}
            }),
            json!({
                "actor": {"objectType": "Agent", "name": "Example Admin", "mbox": "mailto:admin@example.adlnet.gov"},
                "verb": {"id": VOIDED_VERB, "display": {"en-US": "voided"}},
                "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}
            }),
            json!({
                "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
                "verb": {"id": "http://example.com/commented", "display": {"en-US": "commented"}},
                "object": {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"},
                "result": {"response": "Wow, nice work!"}
            }),
            with_sub_statement(sub_statement()),
            with_sub_statement(json!({
                "objectType": "SubStatement",
                "actor": {"objectType": "Agent", "mbox": "mailto:agent@example.com"},
                "verb": {"id": "http://example.com/confirmed", "display": {"en": "confirmed"}},
                "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}
            })),
            set(
                simplest(),
                "/object",
                json!({"name": "Andrew Downes", "mbox": "mailto:andrew@example.co.uk", "objectType": "Agent"}),
            ),
            set(
                simplest(),
                "/object",
                json!({
                    "name": "Example Group",
                    "account": {"homePage": "http://example.com/homePage", "name": "GroupAccount"},
                    "objectType": "Group",
                    "member": [
                        {"name": "Andrew Downes", "mbox": "mailto:andrew@example.com", "objectType": "Agent"},
                        {"name": "Aaron Silvers", "openid": "http://aaron.openid.example.org", "objectType": "Agent"}
                    ]
                }),
            ),
            json!({
                "version": "1.0.0",
                "id": "33cff416-e331-4c9d-969e-5373a1756120",
                "actor": {"mbox": "mailto:example@example.com", "name": "Example Learner", "objectType": "Agent"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
                "object": {"id": "https://www.youtube.com/watch?v=xh4kIiH3Sm8", "objectType": "Activity",
                           "definition": {"name": {"en-US": "Tax Tips & Information : How to File a Tax Return "}}},
                "timestamp": "2013-04-01T12:00:00Z",
                "attachments": [{
                    "usageType": "http://adlnet.gov/expapi/attachments/signature",
                    "display": {"en-US": "Signature"},
                    "description": {"en-US": "A test signature"},
                    "contentType": "application/octet-stream",
                    "length": 4235,
                    "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"
                }]
            }),
        ];
        for example in &examples {
            for version in BOTH {
                accepted(example, version);
            }
        }
    }

    #[test]
    fn every_interaction_type_of_appendix_c_is_valid() {
        let definitions = [
            json!({"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "true-false",
                   "correctResponsesPattern": ["true"]}),
            json!({"interactionType": "choice", "correctResponsesPattern": ["golf[,]tetris"],
                   "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}},
                               {"id": "tetris", "description": {"en-US": "Tetris Example"}}]}),
            json!({"interactionType": "fill-in", "correctResponsesPattern": ["Bob's your uncle"]}),
            json!({"interactionType": "long-fill-in",
                   "correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access to learning experiences."]}),
            json!({"interactionType": "likert", "correctResponsesPattern": ["likert_3"],
                   "scale": [{"id": "likert_0", "description": {"en-US": "It's OK"}}, {"id": "likert_3"}]}),
            json!({"interactionType": "matching", "correctResponsesPattern": ["ben[.]3[,]chris[.]2"],
                   "source": [{"id": "ben"}, {"id": "chris"}], "target": [{"id": "2"}, {"id": "3"}]}),
            json!({"interactionType": "performance", "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10[,]lunch[.]"],
                   "steps": [{"id": "pong"}, {"id": "dg"}, {"id": "lunch"}]}),
            json!({"interactionType": "sequencing", "correctResponsesPattern": ["tim[,]mike"],
                   "choices": [{"id": "tim"}, {"id": "mike"}]}),
            json!({"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]}),
            json!({"interactionType": "other", "correctResponsesPattern": ["(35.937432,-86.868896)"]}),
            json!({"interactionType": "choice", "correctResponsesPattern": []}),
            json!({"interactionType": "likert"}),
        ];
        for definition in definitions {
            for version in BOTH {
                accepted(
                    &set(simplest(), "/object/definition", definition.clone()),
                    version,
                );
            }
        }
    }

    #[test]
    fn actor_verb_and_object_are_required() {
        for key in ["actor", "verb", "object"] {
            let error = refused(
                &remove(simplest(), &format!("/{key}")),
                V1_0_3,
                &format!("statement.{key}"),
            );
            assert_eq!(error.reason, "is required");
        }
    }

    #[test]
    fn unknown_properties_are_refused_at_every_level() {
        let cases = [
            ("/foo", "statement.foo"),
            ("/actor/foo", "statement.actor.foo"),
            ("/verb/foo", "statement.verb.foo"),
            ("/object/foo", "statement.object.foo"),
            ("/object/definition", "statement.object.definition.foo"),
        ];
        for (pointer, path) in cases {
            let statement = if pointer == "/object/definition" {
                set(simplest(), pointer, json!({"foo": 1}))
            } else {
                set(simplest(), pointer, json!("x"))
            };
            refused_in_both(&statement, path);
        }
        refused_in_both(
            &set(simplest(), "/result", json!({"foo": true})),
            "statement.result.foo",
        );
        refused_in_both(
            &set(simplest(), "/context", json!({"foo": true})),
            "statement.context.foo",
        );
        refused_in_both(
            &set(
                simplest(),
                "/actor",
                json!({"account": {"homePage": "http://a.example", "name": "n", "id": 1}}),
            ),
            "statement.actor.account.id",
        );
    }

    #[test]
    fn property_names_are_case_sensitive() {
        let error = refused(
            &set(
                remove(simplest(), "/actor"),
                "/Actor",
                json!({"mbox": "mailto:a@b.c"}),
            ),
            V1_0_3,
            "statement.Actor",
        );
        assert!(error.reason.contains("case sensitive"), "{error}");
        for key in ["iD", "timeStamp", "Version", "attachmentS", "RESULT"] {
            refused(
                &set(simplest(), &format!("/{key}"), json!("x")),
                V1_0_3,
                &format!("statement.{key}"),
            );
        }
    }

    #[test]
    fn a_null_timestamp_is_no_timestamp_only_in_2_0() {
        let mut two = set(simplest(), "/timestamp", Value::Null);
        without_null_timestamp(&mut two, XapiVersion::V2_0_0);
        assert!(two.get("timestamp").is_none());
        assert!(validate_statement(&two, XapiVersion::V2_0_0).is_ok());
        let mut one = set(simplest(), "/timestamp", Value::Null);
        without_null_timestamp(&mut one, XapiVersion::V1_0_3);
        assert!(validate_statement(&one, XapiVersion::V1_0_3).is_err());
    }

    #[test]
    fn null_is_refused_except_inside_extensions() {
        refused_in_both(
            &set(simplest(), "/actor/name", Value::Null),
            "statement.actor.name",
        );
        refused_in_both(
            &set(simplest(), "/verb/display", json!({"en-US": null})),
            "statement.verb.display[\"en-US\"]",
        );
        refused_in_both(
            &set(simplest(), "/context", json!({"registration": null})),
            "statement.context.registration",
        );
        refused_in_both(
            &set(simplest(), "/object/definition", json!({"moreInfo": null})),
            "statement.object.definition.moreInfo",
        );
        for version in BOTH {
            accepted(
                &set(
                    simplest(),
                    "/result",
                    json!({"extensions": {"http://example.com/null": null}}),
                ),
                version,
            );
            accepted(
                &set(
                    simplest(),
                    "/object/definition",
                    json!({"extensions": {"http://example.com/null": null}}),
                ),
                version,
            );
            accepted(
                &set(
                    simplest(),
                    "/context",
                    json!({"extensions": {"http://example.com/null": null}}),
                ),
                version,
            );
        }
    }

    #[test]
    fn ids_are_uuids_in_standard_form() {
        for id in [
            json!("AA97B177-9383-4934-8543-0F91A7A028368"),
            json!("MA97B177-9383-4934-8543-0F91A7A02836"),
            json!(12345),
            json!({"key": "should fail"}),
            json!(""),
        ] {
            refused_in_both(&set(simplest(), "/id", id), "statement.id");
        }
        accepted(
            &set(
                simplest(),
                "/id",
                json!("FD41C918-B88B-4B20-A0A5-A4C32391AAA0"),
            ),
            V1_0_3,
        );
    }

    #[test]
    fn the_actor_is_an_agent_or_a_group_by_exact_object_type() {
        for kind in ["agent", "group", "Person", "Activity"] {
            refused_in_both(
                &set(simplest(), "/actor/objectType", json!(kind)),
                "statement.actor.objectType",
            );
        }
        refused_in_both(
            &set(simplest(), "/actor/objectType", json!(1)),
            "statement.actor.objectType",
        );
        refused_in_both(
            &set(simplest(), "/actor", json!("mailto:a@b.c")),
            "statement.actor",
        );
    }

    #[test]
    fn an_agent_has_exactly_one_inverse_functional_identifier() {
        let error = refused(
            &set(simplest(), "/actor", json!({"name": "Nobody"})),
            V1_0_3,
            "statement.actor",
        );
        assert!(error.reason.contains("exactly one"), "{error}");
        let error = refused(
            &set(
                simplest(),
                "/actor/openid",
                json!("http://openid.example.org/12345"),
            ),
            V1_0_3,
            "statement.actor",
        );
        assert!(error.reason.contains("mbox and openid"), "{error}");
    }

    #[test]
    fn each_identifier_has_its_format() {
        let cases = [
            (
                json!({"mbox": "http://should.fail.com"}),
                "statement.actor.mbox",
            ),
            (
                json!({"mbox": "mailto:should.fail.com"}),
                "statement.actor.mbox",
            ),
            (json!({"mbox": ""}), "statement.actor.mbox"),
            (
                json!({"mbox_sha1sum": {"key": "value"}}),
                "statement.actor.mbox_sha1sum",
            ),
            (
                json!({"mbox_sha1sum": "not-a-hash"}),
                "statement.actor.mbox_sha1sum",
            ),
            (json!({"openid": "not a uri"}), "statement.actor.openid"),
            (
                json!({"account": {"name": "xAPI account name"}}),
                "statement.actor.account.homePage",
            ),
            (
                json!({"account": {"homePage": "ab=c://should.fail.com", "name": "n"}}),
                "statement.actor.account.homePage",
            ),
            (
                json!({"account": {"homePage": "http://www.example.com"}}),
                "statement.actor.account.name",
            ),
            (
                json!({"account": {"homePage": "http://www.example.com", "name": {"key": "value"}}}),
                "statement.actor.account.name",
            ),
            (
                json!({"account": {"homePage": "http://www.example.com", "name": ""}}),
                "statement.actor.account.name",
            ),
            (
                json!({"account": "http://www.example.com"}),
                "statement.actor.account",
            ),
            (
                json!({"mbox": "mailto:a@b.c", "name": 123}),
                "statement.actor.name",
            ),
        ];
        for (actor, path) in cases {
            refused_in_both(&set(simplest(), "/actor", actor), path);
        }
        let error = refused(
            &set(simplest(), "/actor/mbox", json!("xapi@adlnet.gov")),
            V1_0_3,
            "statement.actor.mbox",
        );
        assert_eq!(
            error.to_string(),
            "statement.actor.mbox: must be a mailto: IRI"
        );
    }

    #[test]
    fn groups_follow_the_anonymous_and_identified_rules() {
        let anonymous =
            json!({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]});
        let identified =
            json!({"objectType": "Group", "openid": "http://openid.example.org/12345"});
        for version in BOTH {
            accepted(&set(simplest(), "/actor", anonymous.clone()), version);
            accepted(&set(simplest(), "/actor", identified.clone()), version);
            accepted(
                &set(
                    simplest(),
                    "/actor",
                    set(identified.clone(), "/member", json!([])),
                ),
                version,
            );
        }
        let cases = [
            (json!({"objectType": "Group"}), "statement.actor.member"),
            (
                json!({"objectType": "Group", "name": "n"}),
                "statement.actor.member",
            ),
            (
                json!({"objectType": "Group", "member": []}),
                "statement.actor.member",
            ),
            (
                json!({"objectType": "Group", "member": {"mbox": "mailto:a@b.c"}}),
                "statement.actor.member",
            ),
            (
                json!({"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@b.c"}]}),
                "statement.actor.member[0].objectType",
            ),
            (
                json!({"objectType": "Group", "member": [{"name": "no identifier"}]}),
                "statement.actor.member[0]",
            ),
            (
                json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}, {"mbox": "mailto:bad"}]}),
                "statement.actor.member[1].mbox",
            ),
            (
                json!({"objectType": "Group", "mbox": "mailto:g@b.c", "openid": "http://g.example/"}),
                "statement.actor",
            ),
            (
                json!({"objectType": "Group", "mbox": "mailto:g@b.c", "extra": 1}),
                "statement.actor.extra",
            ),
        ];
        for (group, path) in cases {
            refused_in_both(&set(simplest(), "/actor", group), path);
        }
        // Without objectType an actor is an Agent, which has no members.
        refused_in_both(
            &set(simplest(), "/actor/member", json!([])),
            "statement.actor.member",
        );
    }

    #[test]
    fn the_verb_has_an_iri_and_a_language_map() {
        let cases = [
            (
                json!({"display": {"en-US": "created"}}),
                "statement.verb.id",
            ),
            (json!({"id": "created"}), "statement.verb.id"),
            (
                json!({"id": "http://example.com/v", "display": {}}),
                "statement.verb.display",
            ),
            (
                json!({"id": "http://example.com/v", "display": "should error"}),
                "statement.verb.display",
            ),
            (
                json!({"id": "http://example.com/v", "display": {"de-419-DE": "besucht"}}),
                "statement.verb.display[\"de-419-DE\"]",
            ),
            (
                json!({"id": "http://example.com/v", "display": {"a12345": "x"}}),
                "statement.verb.display[\"a12345\"]",
            ),
            (
                json!({"id": "http://example.com/v", "display": {"en": 1}}),
                "statement.verb.display[\"en\"]",
            ),
        ];
        for (verb, path) in cases {
            refused_in_both(&set(simplest(), "/verb", verb), path);
        }
        for tag in [
            "i-enochian",
            "zh-cmn-Hans-CN",
            "sl-rozaj-biske",
            "az-Arab-x-AZE-derbend",
            "x-whatever",
        ] {
            accepted(&set(simplest(), "/verb/display", json!({tag: "x"})), V1_0_3);
        }
        accepted(&remove(simplest(), "/verb/display"), V2_0_0);
    }

    #[test]
    fn the_object_type_names_one_of_five_kinds_exactly() {
        for kind in [
            "activity",
            "agent",
            "statementref",
            "substatement",
            "Statement",
        ] {
            refused_in_both(
                &set(simplest(), "/object/objectType", json!(kind)),
                "statement.object.objectType",
            );
        }
        let error = refused(
            &set(simplest(), "/object", json!({"mbox": "mailto:a@b.c"})),
            V1_0_3,
            "statement.object.objectType",
        );
        assert!(error.reason.contains("Agent or Group"), "{error}");
        refused_in_both(
            &set(simplest(), "/object", json!({"member": []})),
            "statement.object.objectType",
        );
    }

    #[test]
    fn activities_have_an_iri_id_and_a_valid_definition() {
        let cases = [
            (json!({"objectType": "Activity"}), "statement.object.id"),
            (
                json!({"id": "ab=c://should.fail.com"}),
                "statement.object.id",
            ),
            (json!({"id": "not an iri"}), "statement.object.id"),
            (
                json!({"id": "http://a.example", "definition": "should error"}),
                "statement.object.definition",
            ),
            (
                json!({"id": "http://a.example", "definition": {"name": "should error"}}),
                "statement.object.definition.name",
            ),
            (
                json!({"id": "http://a.example", "definition": {"name": {}}}),
                "statement.object.definition.name",
            ),
            (
                json!({"id": "http://a.example", "definition": {"description": {"de-419-DE": "x"}}}),
                "statement.object.definition.description[\"de-419-DE\"]",
            ),
            (
                json!({"id": "http://a.example", "definition": {"type": "should error"}}),
                "statement.object.definition.type",
            ),
            (
                json!({"id": "http://a.example", "definition": {"moreInfo": "should error"}}),
                "statement.object.definition.moreInfo",
            ),
            (
                json!({"id": "http://a.example", "definition": {"extensions": "should error"}}),
                "statement.object.definition.extensions",
            ),
            (
                json!({"id": "http://a.example", "definition": {"extensions": {"valid": 1}}}),
                "statement.object.definition.extensions[\"valid\"]",
            ),
        ];
        for (activity, path) in cases {
            refused_in_both(&set(simplest(), "/object", activity), path);
        }
    }

    #[test]
    fn interaction_properties_need_a_matching_interaction_type() {
        let definition = |value: Value| set(simplest(), "/object/definition", value);
        let cases = [
            (
                json!({"interactionType": "true-faLse"}),
                "statement.object.definition.interactionType",
            ),
            (
                json!({"interactionType": "Other"}),
                "statement.object.definition.interactionType",
            ),
            (
                json!({"interactionType": 7}),
                "statement.object.definition.interactionType",
            ),
            (
                json!({"interactionType": "http://example.com/choice"}),
                "statement.object.definition.interactionType",
            ),
            (
                json!({"correctResponsesPattern": ["x"]}),
                "statement.object.definition.correctResponsesPattern",
            ),
            (
                json!({"choices": [{"id": "a"}]}),
                "statement.object.definition.choices",
            ),
            (
                json!({"scale": [{"id": "a"}]}),
                "statement.object.definition.scale",
            ),
            (
                json!({"source": [{"id": "a"}], "target": [{"id": "b"}]}),
                "statement.object.definition.source",
            ),
            (
                json!({"steps": [{"id": "a"}]}),
                "statement.object.definition.steps",
            ),
            (
                json!({"interactionType": "choice", "scale": [{"id": "a"}]}),
                "statement.object.definition.scale",
            ),
            (
                json!({"interactionType": "true-false", "choices": [{"id": "a"}]}),
                "statement.object.definition.choices",
            ),
            (
                json!({"interactionType": "numeric", "correctResponsesPattern": {"key": "x"}}),
                "statement.object.definition.correctResponsesPattern",
            ),
            (
                json!({"interactionType": "numeric", "correctResponsesPattern": [12345]}),
                "statement.object.definition.correctResponsesPattern[0]",
            ),
            (
                json!({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}),
                "statement.object.definition.choices[1].id",
            ),
            (
                json!({"interactionType": "choice", "choices": [{"description": {"en": "no id"}}]}),
                "statement.object.definition.choices[0].id",
            ),
            (
                json!({"interactionType": "choice", "choices": [{"id": ""}]}),
                "statement.object.definition.choices[0].id",
            ),
            (
                json!({"interactionType": "choice", "choices": ["a"]}),
                "statement.object.definition.choices[0]",
            ),
            (
                json!({"interactionType": "choice", "choices": [{"id": "a", "name": "x"}]}),
                "statement.object.definition.choices[0].name",
            ),
            (
                json!({"interactionType": "likert", "scale": [{"id": "a", "description": {"de-419-DE": "x"}}]}),
                "statement.object.definition.scale[0].description[\"de-419-DE\"]",
            ),
        ];
        for (value, path) in cases {
            refused_in_both(&definition(value), path);
        }
    }

    #[test]
    fn statement_references_hold_a_uuid() {
        let reference = |value: Value| set(simplest(), "/object", value);
        refused_in_both(
            &reference(json!({"objectType": "StatementRef"})),
            "statement.object.id",
        );
        refused_in_both(
            &reference(json!({"objectType": "StatementRef", "id": "should fail"})),
            "statement.object.id",
        );
        refused_in_both(
            &reference(json!({"objectType": "StatementRef", "id": 12345})),
            "statement.object.id",
        );
        refused_in_both(
            &reference(
                json!({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0", "definition": {}}),
            ),
            "statement.object.definition",
        );
    }

    #[test]
    fn sub_statements_are_statements_without_lrs_properties_or_nesting() {
        for key in ["id", "stored", "version", "authority"] {
            let value = match key {
                "id" => json!("fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
                "stored" => json!("2013-05-18T05:32:34.804Z"),
                "version" => json!("1.0.0"),
                _ => json!({"mbox": "mailto:a@b.c"}),
            };
            let error = refused(
                &with_sub_statement(set(sub_statement(), &format!("/{key}"), value)),
                V1_0_3,
                &format!("statement.object.{key}"),
            );
            assert_eq!(error.reason, "must not be used in a SubStatement");
        }
        let nested = set(sub_statement(), "/object", sub_statement());
        refused_in_both(
            &with_sub_statement(nested),
            "statement.object.object.objectType",
        );
        refused_in_both(
            &with_sub_statement(remove(sub_statement(), "/verb")),
            "statement.object.verb",
        );
        refused_in_both(
            &with_sub_statement(remove(sub_statement(), "/actor")),
            "statement.object.actor",
        );
        refused_in_both(
            &with_sub_statement(set(sub_statement(), "/actor/mbox", json!("bad"))),
            "statement.object.actor.mbox",
        );
        refused_in_both(
            &with_sub_statement(set(sub_statement(), "/timestamp", json!("should fail"))),
            "statement.object.timestamp",
        );
        // A SubStatement may describe the future.
        accepted(
            &with_sub_statement(set(
                sub_statement(),
                "/timestamp",
                json!("2999-01-01T00:00:00Z"),
            )),
            V2_0_0,
        );
        accepted(
            &with_sub_statement(set(
                sub_statement(),
                "/object",
                json!({"objectType": "Agent", "mbox": "mailto:a@b.c"}),
            )),
            V1_0_3,
        );
    }

    #[test]
    fn a_voiding_statement_targets_a_statement_reference() {
        let voiding = set(simplest(), "/verb/id", json!(VOIDED_VERB));
        let error = refused(&voiding, V1_0_3, "statement.object.objectType");
        assert!(error.reason.contains("StatementRef"), "{error}");
        let agent = set(
            voiding.clone(),
            "/object",
            json!({"objectType": "Agent", "mbox": "mailto:a@b.c"}),
        );
        refused_in_both(&agent, "statement.object.objectType");
        let reference = set(
            voiding,
            "/object",
            json!({"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}),
        );
        accepted(&reference, V2_0_0);
    }

    #[test]
    fn scores_respect_their_ranges() {
        let score = |value: Value| set(simplest(), "/result", json!({"score": value}));
        for good in [
            json!({"scaled": 0.6767676}),
            json!({"scaled": 1.0}),
            json!({"scaled": -1}),
            json!({"raw": 0.6767676}),
            json!({"min": 0, "max": 100, "raw": 100}),
            json!({"min": 0, "max": 100, "raw": 0}),
            json!({"max": 100.6767676}),
            json!({}),
        ] {
            for version in BOTH {
                accepted(&score(good.clone()), version);
            }
        }
        let cases = [
            (json!(12345), "statement.result.score"),
            (json!("should fail"), "statement.result.score"),
            (json!({"scaled": 1.01}), "statement.result.score.scaled"),
            (json!({"scaled": -1.00001}), "statement.result.score.scaled"),
            (
                json!({"raw": 0.68, "max": 0.66}),
                "statement.result.score.raw",
            ),
            (
                json!({"raw": 0.68, "min": 1.4}),
                "statement.result.score.raw",
            ),
            (
                json!({"min": 0.68, "max": 0.67}),
                "statement.result.score.min",
            ),
            (json!({"min": 5, "max": 5}), "statement.result.score.min"),
            (json!({"max": "100"}), "statement.result.score.max"),
            (json!({"max": "one hundred"}), "statement.result.score.max"),
            (json!({"percent": 5}), "statement.result.score.percent"),
        ];
        for (value, path) in cases {
            refused_in_both(&score(value), path);
        }
    }

    #[test]
    fn result_properties_have_their_types() {
        let result = |value: Value| set(simplest(), "/result", value);
        for good in [
            "PT1H0M0.1S",
            "PT4H35M59.14S",
            "PT16559.14S",
            "P3Y1M29DT4H35M59.14S",
            "P3Y",
            "P4W",
        ] {
            for version in BOTH {
                accepted(&result(json!({"duration": good})), version);
            }
        }
        let cases = [
            (
                json!({"success": "We regret to inform you that your effort was unsuccessful."}),
                "statement.result.success",
            ),
            (
                json!({"completion": "false"}),
                "statement.result.completion",
            ),
            (json!({"response": 5}), "statement.result.response"),
            (json!({"duration": "PA1H0M0S"}), "statement.result.duration"),
            (
                json!({"duration": "should fail"}),
                "statement.result.duration",
            ),
            (json!({"duration": 12345}), "statement.result.duration"),
            (
                json!({"duration": {"key": "invalid"}}),
                "statement.result.duration",
            ),
            (json!({"duration": "P4W1D"}), "statement.result.duration"),
            (
                json!({"extensions": {"not an iri": 1}}),
                "statement.result.extensions[\"not an iri\"]",
            ),
            (json!("done"), "statement.result"),
        ];
        for (value, path) in cases {
            refused_in_both(&result(value), path);
        }
    }

    #[test]
    fn context_properties_have_their_types() {
        let context = |value: Value| set(simplest(), "/context", value);
        let cases = [
            (
                json!({"registration": "should fail"}),
                "statement.context.registration",
            ),
            (
                json!({"registration": {"key": "should fail"}}),
                "statement.context.registration",
            ),
            (
                json!({"instructor": {"key": "should fail"}}),
                "statement.context.instructor.key",
            ),
            (
                json!({"instructor": "should fail"}),
                "statement.context.instructor",
            ),
            (
                json!({"team": {"mbox": "mailto:a@b.c"}}),
                "statement.context.team",
            ),
            (
                json!({"team": {"objectType": "Agent", "mbox": "mailto:a@b.c"}}),
                "statement.context.team",
            ),
            (json!({"team": "should fail"}), "statement.context.team"),
            (
                json!({"team": {"objectType": "Group"}}),
                "statement.context.team.member",
            ),
            (
                json!({"contextActivities": "should fail"}),
                "statement.context.contextActivities",
            ),
            (
                json!({"contextActivities": {"invalid": [{"id": "http://a.example"}]}}),
                "statement.context.contextActivities.invalid",
            ),
            (
                json!({"contextActivities": {"Parent": [{"id": "http://a.example"}]}}),
                "statement.context.contextActivities.Parent",
            ),
            (
                json!({"contextActivities": {"other": [{"id": "http://a.example"}, {"key": "should fail"}]}}),
                "statement.context.contextActivities.other[1].key",
            ),
            (
                json!({"contextActivities": {"parent": {"id": "not an iri"}}}),
                "statement.context.contextActivities.parent.id",
            ),
            (
                json!({"contextActivities": {"grouping": [{"objectType": "Agent", "mbox": "mailto:a@b.c"}]}}),
                "statement.context.contextActivities.grouping[0].mbox",
            ),
            (json!({"revision": 12345}), "statement.context.revision"),
            (
                json!({"platform": {"key": "should fail"}}),
                "statement.context.platform",
            ),
            (json!({"language": 12345}), "statement.context.language"),
            (
                json!({"language": {"a12345": "should fail"}}),
                "statement.context.language",
            ),
            (json!({"language": ""}), "statement.context.language"),
            (
                json!({"language": "something"}),
                "statement.context.language",
            ),
            (
                json!({"statement": {"objectType": "statementref", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}),
                "statement.context.statement.objectType",
            ),
            (
                json!({"statement": {"id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}),
                "statement.context.statement.objectType",
            ),
            (
                json!({"statement": {"objectType": "StatementRef", "id": "should fail"}}),
                "statement.context.statement.id",
            ),
            (
                json!({"extensions": {"not an iri": 1}}),
                "statement.context.extensions[\"not an iri\"]",
            ),
        ];
        for (value, path) in cases {
            refused_in_both(&context(value), path);
        }
        for good in [
            json!({"contextActivities": {"parent": {"id": "http://a.example"}, "grouping": [], "category": [{"id": "http://b.example"}]}}),
            json!({"instructor": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}}),
            json!({"team": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}}),
            json!({"language": "de"}),
            json!({"language": "zh-cmn-Hans-CN"}),
        ] {
            for version in BOTH {
                accepted(&context(good.clone()), version);
            }
        }
    }

    #[test]
    fn revision_and_platform_need_an_activity_object() {
        let objects = [
            json!({"objectType": "Agent", "mbox": "mailto:a@b.c"}),
            json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}),
            json!({"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}),
            sub_statement(),
        ];
        for key in ["revision", "platform"] {
            for object in &objects {
                let statement = set(
                    set(simplest(), "/object", object.clone()),
                    "/context",
                    json!({key: "x"}),
                );
                let error = refused(&statement, V1_0_3, &format!("statement.context.{key}"));
                assert!(error.reason.contains("Activity"), "{error}");
            }
            accepted(&set(simplest(), "/context", json!({key: "x"})), V2_0_0);
            let typed = set(
                set(simplest(), "/object/objectType", json!("Activity")),
                "/context",
                json!({key: "x"}),
            );
            accepted(&typed, V1_0_3);
            // The rule holds inside a SubStatement, for the SubStatement's own object.
            let inner = set(
                set(sub_statement(), "/object", objects[0].clone()),
                "/context",
                json!({key: "x"}),
            );
            refused_in_both(
                &with_sub_statement(inner),
                &format!("statement.object.context.{key}"),
            );
        }
    }

    #[test]
    fn context_agents_and_groups_exist_only_in_2_0() {
        let agents = json!({"contextAgents": [{
            "objectType": "contextAgent",
            "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
            "relevantTypes": ["http://example.com/types/coach"]
        }]});
        let groups = json!({"contextGroups": [{
            "objectType": "contextGroup",
            "group": {"objectType": "Group", "mbox": "mailto:team-1@example.com"},
            "relevantTypes": ["http://example.com/types/team"]
        }]});
        for context in [&agents, &groups] {
            accepted(&set(simplest(), "/context", context.clone()), V2_0_0);
            accepted(
                &with_sub_statement(set(sub_statement(), "/context", context.clone())),
                V2_0_0,
            );
        }
        let error = refused(
            &set(simplest(), "/context", agents),
            V1_0_3,
            "statement.context.contextAgents",
        );
        assert!(error.reason.contains("2.0.0"), "{error}");
        refused(
            &set(simplest(), "/context", groups),
            V1_0_3,
            "statement.context.contextGroups",
        );
    }

    #[test]
    fn context_agents_and_groups_follow_their_rules() {
        let agent =
            |relation: Value| set(simplest(), "/context", json!({"contextAgents": [relation]}));
        let group =
            |relation: Value| set(simplest(), "/context", json!({"contextGroups": [relation]}));
        let valid_agent = json!({"objectType": "Agent", "mbox": "mailto:player-1@example.com"});
        let valid_group = json!({"objectType": "Group", "mbox": "mailto:team-1@example.com"});
        let cases = [
            (
                agent(json!({"objectType": "Should fail", "agent": valid_agent})),
                "statement.context.contextAgents[0].objectType",
            ),
            (
                agent(json!({"agent": valid_agent})),
                "statement.context.contextAgents[0].objectType",
            ),
            (
                agent(json!({"objectType": "contextAgent"})),
                "statement.context.contextAgents[0].agent",
            ),
            (
                agent(json!({"objectType": "contextAgent", "agent": {"key": "Should fail"}})),
                "statement.context.contextAgents[0].agent.key",
            ),
            (
                agent(json!({"objectType": "contextAgent", "agent": valid_group})),
                "statement.context.contextAgents[0].agent.objectType",
            ),
            (
                agent(
                    json!({"objectType": "contextAgent", "agent": valid_agent, "relevantTypes": []}),
                ),
                "statement.context.contextAgents[0].relevantTypes",
            ),
            (
                agent(
                    json!({"objectType": "contextAgent", "agent": valid_agent, "relevantTypes": ["abc"]}),
                ),
                "statement.context.contextAgents[0].relevantTypes[0]",
            ),
            (
                agent(json!({"objectType": "contextAgent", "agent": valid_agent, "extra": 1})),
                "statement.context.contextAgents[0].extra",
            ),
            (
                group(json!({"objectType": "Should fail", "group": valid_group})),
                "statement.context.contextGroups[0].objectType",
            ),
            (
                group(json!({"objectType": "contextGroup", "group": {"key": "Should fail"}})),
                "statement.context.contextGroups[0].group",
            ),
            (
                group(json!({"objectType": "contextGroup", "group": valid_agent})),
                "statement.context.contextGroups[0].group",
            ),
            (
                group(
                    json!({"objectType": "contextGroup", "group": valid_group, "relevantTypes": []}),
                ),
                "statement.context.contextGroups[0].relevantTypes",
            ),
            (
                group(
                    json!({"objectType": "contextGroup", "group": valid_group, "relevantTypes": ["abc"]}),
                ),
                "statement.context.contextGroups[0].relevantTypes[0]",
            ),
            (
                set(
                    simplest(),
                    "/context",
                    json!({"contextAgents": {"objectType": "contextAgent"}}),
                ),
                "statement.context.contextAgents",
            ),
        ];
        for (statement, path) in cases {
            refused(&statement, V2_0_0, path);
        }
        accepted(
            &agent(json!({"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.c"}})),
            V2_0_0,
        );
    }

    #[test]
    fn timestamps_are_iso_8601_without_a_negative_zero_offset() {
        for bad in [
            "should fail",
            "01/011/2015",
            "2008-09-15T15:53:00.601-00",
            "2008-09-15T15:53:00.601-0000",
            "2008-09-15T15:53:00.601-00:00",
        ] {
            refused_in_both(
                &set(simplest(), "/timestamp", json!(bad)),
                "statement.timestamp",
            );
            refused_in_both(&set(simplest(), "/stored", json!(bad)), "statement.stored");
        }
        refused_in_both(
            &set(simplest(), "/timestamp", json!(1_368_855_154)),
            "statement.timestamp",
        );
        for version in BOTH {
            accepted(
                &set(
                    simplest(),
                    "/timestamp",
                    json!("2008-09-15 15:53:00.601+00:00"),
                ),
                version,
            );
            accepted(
                &set(simplest(), "/timestamp", json!("2013-05-18T05:32:34.804Z")),
                version,
            );
        }
        let local = set(simplest(), "/timestamp", json!("2013-05-18T05:32:34.804"));
        accepted(&local, V1_0_3);
        let error = refused(&local, V2_0_0, "statement.timestamp");
        assert!(error.reason.contains("time zone"), "{error}");
    }

    #[test]
    fn the_authority_is_an_agent_or_a_two_agent_oauth_group() {
        let authority = |value: Value| set(simplest(), "/authority", value);
        let oauth = json!({"objectType": "Group", "member": [
            {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
            {"mbox": "mailto:bob@example.com"}
        ]});
        for version in BOTH {
            accepted(
                &authority(json!({"objectType": "Agent", "mbox": "mailto:a@b.c"})),
                version,
            );
            accepted(&authority(oauth.clone()), version);
        }
        let members = |members: Value| authority(json!({"objectType": "Group", "member": members}));
        refused_in_both(
            &members(json!([{"mbox": "mailto:bob@example.com"}])),
            "statement.authority",
        );
        refused_in_both(
            &members(
                json!([{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}, {"mbox": "mailto:c@example.com"}]),
            ),
            "statement.authority",
        );
        refused_in_both(
            &authority(set(oauth, "/mbox", json!("mailto:bob@example.com"))),
            "statement.authority",
        );
        refused_in_both(
            &authority(json!({"objectType": "Group", "openid": "http://openid.example.org/12345"})),
            "statement.authority",
        );
        refused_in_both(
            &authority(json!({"objectType": "Group"})),
            "statement.authority.member",
        );
        refused_in_both(
            &authority(json!({"mbox": "bob@example.com"})),
            "statement.authority.mbox",
        );
    }

    #[test]
    fn the_statement_version_matches_the_request_version() {
        for good in ["1.0", "1.0.0", "1.0.3", "1.0.9"] {
            for version in BOTH {
                accepted(&set(simplest(), "/version", json!(good)), version);
            }
        }
        for bad in ["should fail", "0.9.9", "1.1.0", "2.0.0", "1", "1.0.", ""] {
            refused(
                &set(simplest(), "/version", json!(bad)),
                V1_0_3,
                "statement.version",
            );
        }
        accepted(&set(simplest(), "/version", json!("2.0.0")), V2_0_0);
        for bad in ["3.0.0", "2.1.0", "0.95"] {
            refused(
                &set(simplest(), "/version", json!(bad)),
                V2_0_0,
                "statement.version",
            );
        }
        refused_in_both(
            &set(simplest(), "/version", json!(1.0)),
            "statement.version",
        );
    }

    #[test]
    fn attachments_carry_valid_metadata() {
        let attachments = |attachment: Value| set(simplest(), "/attachments", json!([attachment]));
        for version in BOTH {
            accepted(&attachments(attachment()), version);
            accepted(&attachments(remove(attachment(), "/fileUrl")), version);
        }
        let cases = [
            (
                remove(attachment(), "/usageType"),
                "statement.attachments[0].usageType",
            ),
            (
                set(attachment(), "/usageType", json!("not an iri")),
                "statement.attachments[0].usageType",
            ),
            (
                remove(attachment(), "/display"),
                "statement.attachments[0].display",
            ),
            (
                set(attachment(), "/display", json!({})),
                "statement.attachments[0].display",
            ),
            (
                set(attachment(), "/display", json!("should error")),
                "statement.attachments[0].display",
            ),
            (
                set(attachment(), "/display", json!({"de-419-DE": "x"})),
                "statement.attachments[0].display[\"de-419-DE\"]",
            ),
            (
                set(attachment(), "/description", json!({})),
                "statement.attachments[0].description",
            ),
            (
                remove(attachment(), "/contentType"),
                "statement.attachments[0].contentType",
            ),
            (
                set(attachment(), "/contentType", json!("plain text")),
                "statement.attachments[0].contentType",
            ),
            (
                remove(attachment(), "/length"),
                "statement.attachments[0].length",
            ),
            (
                set(attachment(), "/length", json!("27")),
                "statement.attachments[0].length",
            ),
            (
                set(attachment(), "/length", json!(-1)),
                "statement.attachments[0].length",
            ),
            (
                set(attachment(), "/length", json!(27.5)),
                "statement.attachments[0].length",
            ),
            (
                remove(attachment(), "/sha2"),
                "statement.attachments[0].sha2",
            ),
            (
                set(attachment(), "/sha2", json!("not a hash")),
                "statement.attachments[0].sha2",
            ),
            (
                set(attachment(), "/fileUrl", json!("file.txt")),
                "statement.attachments[0].fileUrl",
            ),
            (
                set(
                    attachment(),
                    "/fileURL",
                    json!("http://over.there.com/file.txt"),
                ),
                "statement.attachments[0].fileURL",
            ),
            (
                set(
                    attachment(),
                    "/usageType",
                    json!("http://adlnet.gov/expapi/attachments/signature"),
                ),
                "statement.attachments[0].contentType",
            ),
        ];
        for (value, path) in cases {
            refused_in_both(&attachments(value), path);
        }
        refused_in_both(
            &set(simplest(), "/attachments", attachment()),
            "statement.attachments",
        );
    }

    #[test]
    fn iris_without_a_scheme_are_refused_everywhere() {
        let cases = [
            ("/verb/id", "statement.verb.id"),
            ("/object/id", "statement.object.id"),
            ("/actor", "statement.actor.openid"),
        ];
        for (pointer, path) in cases {
            let value = if pointer == "/actor" {
                json!({"openid": "//openid.example.org/12345"})
            } else {
                json!("//example.com/relative")
            };
            refused_in_both(&set(simplest(), pointer, value), path);
        }
    }

    #[test]
    fn the_agent_parameter_is_an_agent_or_identified_group() {
        assert_eq!(
            validate_agent_parameter(&json!({"mbox": "mailto:Ann@Example.com"}), V1_0_3),
            Ok(AgentIfi::Mbox("mailto:Ann@example.com".to_owned()))
        );
        assert_eq!(
            validate_agent_parameter(
                &json!({"objectType": "Group", "openid": "http://g.example/"}),
                V2_0_0
            ),
            Ok(AgentIfi::Openid("http://g.example/".to_owned()))
        );
        let anonymous = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]});
        assert_eq!(
            validate_agent_parameter(&anonymous, V1_0_3)
                .unwrap_err()
                .path,
            "agent"
        );
        let bad = validate_agent_parameter(&json!({"mbox": "a@b.c"}), V1_0_3).unwrap_err();
        assert_eq!(bad.path, "agent.mbox");
    }

    #[test]
    fn a_statement_must_be_a_json_object() {
        for value in [json!([]), json!("statement"), Value::Null, json!(1)] {
            refused_in_both(&value, "statement");
        }
    }
}
