//! What a statement is about: the agents and activities an LRS indexes it by, for the `agent`,
//! `activity`, `related_agents` and `related_activities` filters of GET statements
//! (Communication 2.1.3).

use super::validate::IFI_KEYS;
use super::VOIDED_VERB;
use serde_json::Value;
use std::collections::BTreeSet;

/// An Inverse Functional Identifier: the one property that identifies an Agent or an
/// Identified Group (Data 2.4.2.3). Agents and Identified Groups are the same when their IFIs
/// are equal; names and members do not count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgentIfi {
    /// A `mailto:` IRI, with the domain in lower case (domains are case-insensitive, Data
    /// 2.4.2.3.s4.b1); the local part is kept as sent.
    Mbox(String),
    /// A hex SHA-1 of a `mailto:` IRI, in lower case.
    MboxSha1sum(String),
    Openid(String),
    Account {
        home_page: String,
        name: String,
    },
}

impl AgentIfi {
    /// The identifier of an Agent or Group object; `None` for an Anonymous Group, or when the
    /// object does not carry exactly one well-typed identifier.
    pub fn of(agent: &Value) -> Option<Self> {
        let mut present = IFI_KEYS.into_iter().filter(|key| agent.get(key).is_some());
        let key = present.next()?;
        if present.next().is_some() {
            return None;
        }
        let value = &agent[key];
        Some(match key {
            "mbox" => {
                let mbox = value.as_str()?;
                Self::Mbox(match mbox.rsplit_once('@') {
                    Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
                    None => mbox.to_owned(),
                })
            }
            "mbox_sha1sum" => Self::MboxSha1sum(value.as_str()?.to_ascii_lowercase()),
            "openid" => Self::Openid(value.as_str()?.to_owned()),
            _ => Self::Account {
                home_page: value.get("homePage")?.as_str()?.to_owned(),
                name: value.get("name")?.as_str()?.to_owned(),
            },
        })
    }

    /// The canonical key an LRS indexes by: `mbox:mailto:a@b.c`, `mbox_sha1sum:<hex>`,
    /// `openid:<iri>` or `account:<homePage>|<name>` (`|` cannot occur in an IRI).
    pub fn key(&self) -> String {
        match self {
            Self::Mbox(mbox) => format!("mbox:{mbox}"),
            Self::MboxSha1sum(hash) => format!("mbox_sha1sum:{hash}"),
            Self::Openid(openid) => format!("openid:{openid}"),
            Self::Account { home_page, name } => format!("account:{home_page}|{name}"),
        }
    }
}

/// The canonical key of an Agent or Identified Group object ([`AgentIfi::key`]); `None` for an
/// Anonymous Group.
pub fn agent_key(agent: &Value) -> Option<String> {
    AgentIfi::of(agent).map(|ifi| ifi.key())
}

/// The agents the `agent` filter matches a statement by: its actor and, when it is an Agent or
/// Group, its object; for a Group, the Group itself (when identified) and each member, since a
/// Group whose member matches the filter is a match. Keys as [`agent_key`], sorted, unique.
pub fn statement_agents(statement: &Value) -> Vec<String> {
    let mut keys = BTreeSet::new();
    actor_and_object(statement, &mut keys);
    keys.into_iter().collect()
}

/// The agents the `agent` filter matches with `related_agents=true`: [`statement_agents`], plus
/// the authority, the context's instructor and team, the 2.0.0 `contextAgents` and
/// `contextGroups`, and all of these in a SubStatement object. Sorted, unique.
pub fn related_agents(statement: &Value) -> Vec<String> {
    let mut keys = BTreeSet::new();
    related(statement, &mut keys);
    keys.into_iter().collect()
}

fn related(statement: &Value, keys: &mut BTreeSet<String>) {
    actor_and_object(statement, keys);
    if let Some(authority) = statement.get("authority") {
        agent_and_members(authority, keys);
    }
    if let Some(context) = statement.get("context") {
        for role in ["instructor", "team"] {
            if let Some(agent) = context.get(role) {
                agent_and_members(agent, keys);
            }
        }
        for (list, role) in [("contextAgents", "agent"), ("contextGroups", "group")] {
            for relation in array(context.get(list)) {
                if let Some(agent) = relation.get(role) {
                    agent_and_members(agent, keys);
                }
            }
        }
    }
    if let Some(sub_statement) = statement
        .get("object")
        .filter(|object| object_type(object) == Some("SubStatement"))
    {
        related(sub_statement, keys);
    }
}

fn actor_and_object(statement: &Value, keys: &mut BTreeSet<String>) {
    if let Some(actor) = statement.get("actor") {
        agent_and_members(actor, keys);
    }
    if let Some(object) = statement
        .get("object")
        .filter(|object| matches!(object_type(object), Some("Agent" | "Group")))
    {
        agent_and_members(object, keys);
    }
}

fn agent_and_members(agent: &Value, keys: &mut BTreeSet<String>) {
    keys.extend(agent_key(agent));
    keys.extend(array(agent.get("member")).filter_map(agent_key));
}

/// The activity the `activity` filter matches a statement by: its object, when an Activity.
pub fn statement_activities(statement: &Value) -> Vec<String> {
    statement
        .get("object")
        .and_then(activity_id)
        .map(str::to_owned)
        .into_iter()
        .collect()
}

/// The activities the `activity` filter matches with `related_activities=true`: the object, every
/// context activity (`parent`, `grouping`, `category`, `other`), and the same in a SubStatement
/// object. Sorted, unique.
pub fn related_activities(statement: &Value) -> Vec<String> {
    let mut ids = BTreeSet::new();
    collect_activities(statement, &mut ids);
    ids.into_iter().collect()
}

fn collect_activities(statement: &Value, ids: &mut BTreeSet<String>) {
    let object = statement.get("object");
    ids.extend(object.and_then(activity_id).map(str::to_owned));
    if let Some(kinds) = statement
        .get("context")
        .and_then(|context| context.get("contextActivities"))
        .and_then(Value::as_object)
    {
        for activities in kinds.values() {
            let activities = match activities {
                Value::Array(activities) => activities.iter().collect(),
                activity => vec![activity],
            };
            ids.extend(
                activities
                    .into_iter()
                    .filter_map(activity_id)
                    .map(str::to_owned),
            );
        }
    }
    if let Some(sub_statement) = object.filter(|object| object_type(object) == Some("SubStatement"))
    {
        collect_activities(sub_statement, ids);
    }
}

/// The id of the statement a voiding statement voids, in lower case; `None` when the statement
/// does not void one (its verb is not [`VOIDED_VERB`] or its object is not a StatementRef).
pub fn voided_statement_id(statement: &Value) -> Option<String> {
    let verb = statement.get("verb")?.get("id")?.as_str()?;
    let object = statement.get("object")?;
    (verb == VOIDED_VERB && object_type(object) == Some("StatementRef"))
        .then(|| object.get("id")?.as_str().map(str::to_ascii_lowercase))
        .flatten()
}

/// The id of the statement a statement's object refers to (a StatementRef, whatever the verb), in
/// lower case: a query matching the referred statement also returns this one (Communication
/// 2.1.3, "Filter Conditions for StatementRefs").
pub fn referenced_statement_id(statement: &Value) -> Option<String> {
    let object = statement.get("object")?;
    (object_type(object) == Some("StatementRef"))
        .then(|| object.get("id")?.as_str().map(str::to_ascii_lowercase))
        .flatten()
}

/// The id of an Activity object (one without `objectType`, or with `"Activity"`).
fn activity_id(object: &Value) -> Option<&str> {
    match object_type(object) {
        None | Some("Activity") => object.get("id")?.as_str(),
        Some(_) => None,
    }
}

fn object_type(object: &Value) -> Option<&str> {
    object.get("objectType")?.as_str()
}

/// The elements of an optional JSON array (none when absent or not an array).
fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_identifier_has_its_canonical_key() {
        let cases = [
            (
                json!({"mbox": "mailto:Ann.Lee@Example.COM"}),
                "mbox:mailto:Ann.Lee@example.com",
            ),
            (
                json!({"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}),
                "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
            ),
            (
                json!({"openid": "http://toby.openid.example.org/"}),
                "openid:http://toby.openid.example.org/",
            ),
            (
                json!({"objectType": "Group", "name": "Team",
                       "account": {"homePage": "http://www.example.com", "name": "13936749"}}),
                "account:http://www.example.com|13936749",
            ),
        ];
        for (agent, key) in cases {
            assert_eq!(agent_key(&agent).as_deref(), Some(key), "{agent}");
        }
    }

    #[test]
    fn anonymous_groups_and_ambiguous_agents_have_no_key() {
        let anonymous = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]});
        assert_eq!(agent_key(&anonymous), None);
        let two = json!({"mbox": "mailto:a@b.c", "openid": "http://a.example/"});
        assert_eq!(AgentIfi::of(&two), None);
        let broken = json!({"account": {"homePage": "http://a.example/"}});
        assert_eq!(AgentIfi::of(&broken), None);
    }

    fn rich_statement() -> Value {
        json!({
            "actor": {"objectType": "Group", "mbox": "mailto:team@example.com",
                      "member": [{"mbox": "mailto:ann@example.com"}, {"openid": "http://bob.example/"}]},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:sub@example.com"},
                "verb": {"id": "http://example.com/visited"},
                "object": {"id": "http://example.com/sub-activity"},
                "context": {
                    "instructor": {"mbox": "mailto:sub-instructor@example.com"},
                    "contextActivities": {"parent": {"id": "http://example.com/sub-parent"}}
                }
            },
            "authority": {"account": {"homePage": "http://lrs.example", "name": "client"}},
            "context": {
                "instructor": {"mbox": "mailto:instructor@example.com"},
                "team": {"objectType": "Group", "member": [{"mbox": "mailto:mate@example.com"}]},
                "contextActivities": {
                    "parent": [{"id": "http://example.com/course"}],
                    "grouping": {"id": "http://example.com/programme"},
                    "category": [{"id": "http://example.com/profile"}],
                    "other": [{"id": "http://example.com/course"}]
                },
                "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:coach@example.com"}}],
                "contextGroups": [{"objectType": "contextGroup",
                                   "group": {"objectType": "Group", "openid": "http://cohort.example/"}}]
            }
        })
    }

    #[test]
    fn the_agent_filter_matches_actor_object_and_group_members() {
        assert_eq!(
            statement_agents(&rich_statement()),
            [
                "mbox:mailto:ann@example.com",
                "mbox:mailto:team@example.com",
                "openid:http://bob.example/",
            ]
        );
        let object_agent = json!({
            "actor": {"mbox": "mailto:a@example.com"},
            "verb": {"id": "http://example.com/interviewed"},
            "object": {"objectType": "Agent", "mbox": "mailto:b@example.com"}
        });
        assert_eq!(
            statement_agents(&object_agent),
            ["mbox:mailto:a@example.com", "mbox:mailto:b@example.com"]
        );
    }

    #[test]
    fn related_agents_reach_authority_context_and_sub_statement() {
        let related = related_agents(&rich_statement());
        for key in [
            "mbox:mailto:team@example.com",
            "mbox:mailto:ann@example.com",
            "openid:http://bob.example/",
            "account:http://lrs.example|client",
            "mbox:mailto:instructor@example.com",
            "mbox:mailto:mate@example.com",
            "mbox:mailto:coach@example.com",
            "openid:http://cohort.example/",
            "mbox:mailto:sub@example.com",
            "mbox:mailto:sub-instructor@example.com",
        ] {
            assert!(
                related.contains(&key.to_owned()),
                "{key} missing from {related:?}"
            );
        }
        assert_eq!(related.len(), 10);
    }

    #[test]
    fn the_activity_filter_matches_the_object_activity_only() {
        let statement = json!({"object": {"id": "http://example.com/a"}});
        assert_eq!(statement_activities(&statement), ["http://example.com/a"]);
        let typed = json!({"object": {"objectType": "Activity", "id": "http://example.com/a"}});
        assert_eq!(statement_activities(&typed), ["http://example.com/a"]);
        let reference = json!({"object": {"objectType": "StatementRef",
                                          "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}});
        assert!(statement_activities(&reference).is_empty());
        assert!(statement_activities(&rich_statement()).is_empty());
    }

    #[test]
    fn related_activities_reach_context_activities_and_sub_statement() {
        assert_eq!(
            related_activities(&rich_statement()),
            [
                "http://example.com/course",
                "http://example.com/profile",
                "http://example.com/programme",
                "http://example.com/sub-activity",
                "http://example.com/sub-parent",
            ]
        );
    }

    #[test]
    fn a_voiding_statement_names_its_target() {
        let voiding = json!({
            "actor": {"mbox": "mailto:admin@example.adlnet.gov"},
            "verb": {"id": VOIDED_VERB, "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": "E05AA883-ACAF-40AD-BF54-02C8CE485FB0"}
        });
        assert_eq!(
            voided_statement_id(&voiding).as_deref(),
            Some("e05aa883-acaf-40ad-bf54-02c8ce485fb0")
        );
        let comment = json!({
            "verb": {"id": "http://example.com/commented"},
            "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}
        });
        assert_eq!(voided_statement_id(&comment), None);
        assert_eq!(
            referenced_statement_id(&comment).as_deref(),
            Some("e05aa883-acaf-40ad-bf54-02c8ce485fb0")
        );
        assert_eq!(
            referenced_statement_id(&voiding).as_deref(),
            Some("e05aa883-acaf-40ad-bf54-02c8ce485fb0")
        );
        let activity = json!({ "object": { "id": "http://example.com/a" } });
        assert_eq!(referenced_statement_id(&activity), None);
    }
}
