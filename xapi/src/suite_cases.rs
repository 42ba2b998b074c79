//! The statement-structure cases of the ADL LRS conformance test suite (adlnet/
//! lrs-conformance-test-suite, `test/v1_0_3/configs/*.js` and `test/v2_0/configs/*.js`), run
//! through [`validate_statement`] the way the LRS runs a POSTed statement.
//!
//! The suite builds each statement from a list of one-key objects: the first names a statement
//! template, and each following object is deep-merged (jQuery `extend(true, …)`: objects and
//! arrays key by key, other values replaced) into the value of the object before it, from the
//! last to the first (`test/helper.js`, `createTestObject`). A value `"{{folder.file}}"` is the
//! template `templates/folder/file.json`. [`build`] does the same with the templates below, so
//! each case is the suite's own list, copied with its constants inlined; the expectation is the
//! suite's (`ok` for its 200, `bad` for its 400).
//!
//! The cases the suite repeats for every place an Agent or Group may stand (actor, authority,
//! context instructor, object, the SubStatement's actor and instructor) are written once with
//! `@` for that place ([`PLACES`]).

use super::{validate_statement, without_null_timestamp, XapiVersion};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The suite's templates (`templates/<folder>/<file>.json`) that the cases below use, minified.
/// Most are copied; the few the stored copy of the suite lacked (`agents.default`,
/// `agents.account_no_homepage`, the `groups.identified_*` variants, `contexts.grouping`/
/// `category`/`other`/`no_*`, the interaction `activities.*`, `substatements.*_default`) are
/// written after their copied siblings, with the same shape.
#[rustfmt::skip]
const TEMPLATES: &[(&str, &str)] = &[
    ("statements.default", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.actor", r#"{"actor":{"objectType":"Agent"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.authority", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"authority":{"objectType":"Agent"},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.context", r#"{"actor":{"objectType":"Agent","name":"xAPI account","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"context":{},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.result", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"result":{},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.object_actor", r#"{"actor":{"objectType":"Agent","name":"xAPI account","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Agent"}}"#),
    ("statements.object_activity", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Activity"}}"#),
    ("statements.object_substatement", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"SubStatement"}}"#),
    ("statements.object_agent_default", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}}"#),
    ("statements.object_group_default", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Group","name":"Group Anonymous","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}}"#),
    ("statements.object_statementref", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"StatementRef","id":"9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}}"#),
    ("statements.object_substatement_default", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}}"#),
    ("statements.attachment", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.no_actor", r#"{"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.no_verb", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.no_object", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}}}"#),
    ("substatements.actor", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("substatements.context", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI account","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"context":{},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("substatements.result", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"result":{},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("substatements.agent_default", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}}"#),
    ("substatements.group_default", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Group","name":"Group Anonymous","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}}"#),
    ("substatements.statementref", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"StatementRef","id":"9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}}"#),
    ("agents.default", r#"{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}"#),
    ("agents.mbox", r#"{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}"#),
    ("agents.mbox_sha1sum", r#"{"objectType":"Agent","name":"xAPI mbox_sha1sum","mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975"}"#),
    ("agents.openid", r#"{"objectType":"Agent","name":"xAPI openid","openid":"http://openid.example.org/12345"}"#),
    ("agents.account", r#"{"account":{"homePage":"http://www.example.com","name":"xAPI account name"},"name":"xAPI account","objectType":"Agent"}"#),
    ("agents.account_no_homepage", r#"{"account":{"name":"xAPI account name"},"name":"xAPI account","objectType":"Agent"}"#),
    ("agents.account_no_name", r#"{"account":{"homePage":"http://www.example.com"},"name":"xAPI account","objectType":"Agent"}"#),
    ("groups.identified_mbox", r#"{"objectType":"Group","name":"Group Anonymous","mbox":"mailto:xapi@adlnet.gov","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.identified_mbox_sha1sum", r#"{"objectType":"Group","name":"Group Anonymous","mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.identified_openid", r#"{"objectType":"Group","name":"Group Anonymous","openid":"http://openid.example.org/12345","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.identified_account", r#"{"objectType":"Group","name":"Group Anonymous","account":{"homePage":"http://www.example.com","name":"xAPI account name"},"member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.identified_account_no_homepage", r#"{"objectType":"Group","name":"Group Anonymous","account":{"name":"xAPI account name"},"member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.identified_account_no_name", r#"{"objectType":"Group","name":"Group Anonymous","account":{"homePage":"http://www.example.com"},"member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.authority_group", r#"{"objectType":"Group","member":[{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}},{"mbox":"mailto:bob_authority@example.com"}]}"#),
    ("verbs.default", r#"{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}}"#),
    ("results.default", r#"{"score":{"scaled":0.95,"raw":95,"min":0,"max":100},"extensions":{"http://example.com/profiles/meetings/resultextensions/minuteslocation":"X:\\meetings\\minutes\\examplemeeting.one","http://example.com/profiles/meetings/resultextensions/reporter":{"name":"Thomas","id":"http://openid.com/342"}},"success":true,"completion":true,"response":"We agreed on some example actions.","duration":"PT1H0M0S"}"#),
    ("results.no_extensions", r#"{"score":{"scaled":0.95,"raw":95,"min":0,"max":100},"success":true,"completion":true,"response":"We agreed on some example actions.","duration":"PT1H0M0S"}"#),
    ("contexts.default", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","revision":"rev_10_3_2","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"extensions":{"http://example.com/profiles/meetings/contextextensions/airspeed":"600mph","http://example.com/profiles/meetings/contextextensions/pilot":{"name":"Thomas","id":"http://openid.com/342"}}}"#),
    ("contexts.no_extensions", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","revision":"rev_10_3_2","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}"#),
    ("contexts.no_platform", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","revision":"rev_10_3_2","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}"#),
    ("contexts.no_revision", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}"#),
    ("contexts.instructor", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","instructor":{"objectType":"Agent"},"platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}"#),
    ("contexts.team", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","team":{"objectType":"Group"},"platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}"#),
    ("contexts.parent", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"contextActivities":{"parent":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"name":{"en-GB":"example meeting","en-US":"example meeting"},"moreInfo":"http://virtualmeeting.example.com/345256"}}}}"#),
    ("contexts.grouping", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"contextActivities":{"grouping":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}}"#),
    ("contexts.category", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"contextActivities":{"category":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}}"#),
    ("contexts.other", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"contextActivities":{"other":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}}"#),
    ("activities.default", r#"{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"name":{"en-GB":"example meeting","en-US":"example meeting"},"description":{"en-GB":"An example meeting.","en-US":"An example meeting."},"type":"http://adlnet.gov/expapi/activities/meeting","moreInfo":"http://virtualmeeting.example.com/345256","extensions":{"http://example.com/profiles/meetings/extension/location":"X:\\meetings\\minutes\\examplemeeting.one"}}}"#),
    ("activities.no_extensions", r#"{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"name":{"en-GB":"example meeting","en-US":"example meeting"},"type":"http://adlnet.gov/expapi/activities/meeting","moreInfo":"http://virtualmeeting.example.com/345256"}}"#),
    ("activities.true_false", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.true-false","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"true-false","correctResponsesPattern":["true"]}}"#),
    ("activities.choice", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.choice","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"choice","correctResponsesPattern":["golf[,]tetris"],"choices":[{"id":"golf","description":{"en-US":"Golf Example"}},{"id":"tetris","description":{"en-US":"Tetris Example"}}]}}"#),
    ("activities.fill_in", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.fill-in","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"fill-in","correctResponsesPattern":["Bob's your uncle"]}}"#),
    ("activities.long_fill_in", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.long-fill-in","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"long-fill-in","correctResponsesPattern":["{case_matters=false}{lang=en}To store and provide access to learning experiences."]}}"#),
    ("activities.matching", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.matching","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"matching","correctResponsesPattern":["ben[.]3"],"source":[{"id":"ben","description":{"en-US":"Ben Franklin"}}],"target":[{"id":"3","description":{"en-US":"Fire Department"}}]}}"#),
    ("activities.performance", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.performance","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"performance","correctResponsesPattern":["pong[.]1:[,]dg[.]:10"],"steps":[{"id":"pong","description":{"en-US":"Net pong matches won"}},{"id":"dg","description":{"en-US":"Strokes over par in disc golf"}}]}}"#),
    ("activities.sequencing", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.sequencing","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"sequencing","correctResponsesPattern":["tim[,]mike"],"choices":[{"id":"tim","description":{"en-US":"Tim"}},{"id":"mike","description":{"en-US":"Mike"}}]}}"#),
    ("activities.likert", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.likert","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"likert","correctResponsesPattern":["likert_3"],"scale":[{"id":"likert_0","description":{"en-US":"It's OK"}},{"id":"likert_3","description":{"en-US":"It's Gonna Change the World"}}]}}"#),
    ("activities.numeric", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.numeric","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"numeric","correctResponsesPattern":["4[:]"]}}"#),
    ("activities.other", r#"{"objectType":"Activity","id":"http://www.example.com/tincan/activities/cmi.interaction.other","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"other","correctResponsesPattern":["(35.937432,-86.868896)"]}}"#),
    ("activities.language_maps_valid", r#"{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"name":{"en-GB":"example meeting","de":"Beispieltreffen"},"description":{"en-GB":"An example meeting.","de":"Ein Beispieltreffen."}}}"#),
    ("activities.name_invalid", r#"{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"name":{"en-GB":"example meeting","de-419-DE":"Beispieltreffen"}}}"#),
    ("activities.description_invalid", r#"{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"description":{"en-GB":"An example meeting.","de-419-DE":"Ein Beispieltreffen."}}}"#),
    ("contexts.invalid_activity", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"contextActivities":{"consequences":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"name":{"en-GB":"example meeting","en-US":"example meeting"},"moreInfo":"http://virtualmeeting.example.com/345256"}}}}"#),
    ("contexts.all_activities", r#"{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Example virtual meeting software","language":"tlh","contextActivities":{"parent":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}],"grouping":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34535"}],"category":[{"objectType":"Activity","id":"http://www.example.com/meetings/categories/teammeeting"}],"other":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34536"}]}}"#),
    ("contexts.context_agents", r#"{"contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Agent","mbox":"mailto:player-1@example.com"},"relevantTypes":["https://example.com/xapi/american-footbal/activity-types/personnel/player","https://example.com/xapi/american-footbal/activity-types/position/quarterback"]}]}"#),
    ("contexts.context_groups", r#"{"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:team-1@example.com","member":[{"objectType":"Agent","mbox":"mailto:player-1@example.com"},{"objectType":"Agent","mbox":"mailto:player-2@example.com"}]},"relevantTypes":["https://example.com/xapi/american-footbal/activity-types/team/a"]},{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:team-2@example.com","member":[{"objectType":"Agent","mbox":"mailto:player-3@example.com"}]},"relevantTypes":["https://example.com/xapi/american-footbal/activity-types/team/b"]}]}"#),
    ("statements.verb", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("verbs.no_id", r#"{"display":{"en-GB":"attended","en-US":"attended"}}"#),
    ("substatements.verb", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("statements.object_statementref_no_id", r#"{"actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}},"object":{"objectType":"StatementRef"}}"#),
    ("substatements.statementref_no_id", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"StatementRef"}}"#),
    ("groups.default", r#"{"objectType":"Group","name":"Group Anonymous","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]}"#),
    ("groups.anonymous_no_member", r#"{"objectType":"Group","name":"Group Anonymous"}"#),
    ("substatements.default", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("substatements.activity", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Activity"}}"#),
    ("substatements.agent", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Agent"}}"#),
    ("substatements.group", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},"object":{"objectType":"Group"}}"#),
    ("substatements.no_actor", r#"{"objectType":"SubStatement","verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-US":"reported"}},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("substatements.no_verb", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","mbox":"mailto:xapi@adlnet.gov"},"object":{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}}"#),
    ("substatements.no_object", r#"{"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"},"verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}}}"#),
    ("verbs.no_display", r#"{"id":"http://adlnet.gov/expapi/verbs/attended"}"#),
    ("activities.no_languages", r#"{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534","definition":{"type":"http://adlnet.gov/expapi/activities/meeting","moreInfo":"http://virtualmeeting.example.com/345256"}}"#),
    ("groups.anonymous_two_member", r#"{"objectType":"Group","member":[{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}},{"mbox":"mailto:bob@example.com"}]}"#),
];

/// Where the suite puts an Agent or Group (`@` in a case): actor, authority, context
/// instructor, object, and the SubStatement's actor and context instructor.
#[rustfmt::skip]
const PLACES: &[&str] = &[
    r#"{"statement":"{{statements.actor}}"},{"actor":@}"#,
    r#"{"statement":"{{statements.authority}}"},{"authority":@}"#,
    r#"{"statement":"{{statements.context}}"},{"context":"{{contexts.instructor}}"},{"instructor":@}"#,
    r#"{"statement":"{{statements.object_actor}}"},{"object":@}"#,
    r#"{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.actor}}"},{"actor":@}"#,
    r#"{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.instructor}}"},{"instructor":@}"#,
];

/// `actors.js`, `agents.js`, `groups.js` (1.0.3): the Agent or Group, then what is merged into
/// it, at every place of [`PLACES`].
#[rustfmt::skip]
const IN_EVERY_PLACE: &[(&str, &str, &str)] = &[
    ("ok", r#""{{agents.mbox}}""#, ""),
    ("ok", r#""{{agents.mbox_sha1sum}}""#, ""),
    ("ok", r#""{{agents.openid}}""#, ""),
    ("ok", r#""{{agents.account}}""#, ""),
    ("bad", r#""{{agents.mbox}}""#, r#"{"objectType":123}"#),
    ("bad", r#""{{agents.mbox}}""#, r#"{"objectType":{"key":"value"}}"#),
    ("bad", r#""{{agents.mbox}}""#, r#"{"name":123}"#),
    ("bad", r#""{{agents.mbox}}""#, r#"{"name":{"key":"value"}}"#),
    ("bad", r#""{{agents.mbox}}""#, r#"{"mbox":"http://should.fail.com"}"#),
    ("bad", r#""{{agents.mbox}}""#, r#"{"mbox":"mailto:should.fail.com"}"#),
    ("bad", r#""{{groups.identified_mbox}}""#, r#"{"mbox":"http://should.fail.com"}"#),
    ("bad", r#""{{groups.identified_mbox}}""#, r#"{"mbox":"mailto:should.fail.com"}"#),
    ("bad", r#""{{agents.mbox_sha1sum}}""#, r#"{"mbox_sha1sum":{"key":"value"}}"#),
    ("bad", r#""{{groups.identified_mbox_sha1sum}}""#, r#"{"mbox_sha1sum":{"key":"value"}}"#),
    ("bad", r#""{{agents.openid}}""#, r#"{"openid":"ab=c://should.fail.com"}"#),
    ("bad", r#""{{groups.identified_openid}}""#, r#"{"openid":"ab=c://should.fail.com"}"#),
    ("bad", r#""{{agents.account_no_homepage}}""#, ""),
    ("bad", r#""{{groups.identified_account_no_homepage}}""#, ""),
    ("bad", r#""{{agents.account_no_homepage}}""#, r#"{"account":{"homePage":"ab=c://should.fail.com"}}"#),
    ("bad", r#""{{groups.identified_account_no_homepage}}""#, r#"{"account":{"homePage":"ab=c://should.fail.com"}}"#),
    ("bad", r#""{{agents.account_no_name}}""#, ""),
    ("bad", r#""{{groups.identified_account_no_name}}""#, ""),
    ("bad", r#""{{agents.account_no_name}}""#, r#"{"account":{"name":{"key":"value"}}}"#),
    ("bad", r#""{{groups.identified_account_no_name}}""#, r#"{"account":{"name":{"key":"value"}}}"#),
];

/// The other cases, one per line: the suite's expectation, the versions (`1.0.3`, `2.0`, or
/// `both`) and its template list.
#[rustfmt::skip]
const CASES: &[(&str, &str, &str)] = &[
    // actors.js: a place without an identifier; groups where the suite allows them.
    ("bad", "both", r#"[{"statement":"{{statements.actor}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.instructor}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_actor}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.actor}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.actor}}"},{"actor":"{{groups.identified_account}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.authority_group}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.instructor}}"},{"instructor":"{{groups.identified_account}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_actor}}"},{"object":"{{groups.identified_account}}"}]"#),
    // results.js and durations.js
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":12345}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"scaled":0.6767676}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"scaled":1.0}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":{"scaled":-1.0000}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"scaled":1.01}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":{"scaled":-1.00001}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"raw":0.6767676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"raw":0.6767676,"max":0.6567676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":{"raw":0.6767676,"max":-1.3232324}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"raw":0.6767676,"min":1.4067676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":{"raw":0.6767676,"min":7.6767676}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"min":0.6767676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"min":0.6767676,"max":0.6767355,"raw":0.6767643}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":{"min":0.6767676,"max":-3.3232324,"raw":-0.3232324}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"max":100.6767676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"max":100.6767676,"min":104.6767676,"raw":101.6767676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"score":{"max":100.6767676,"raw":110.6767676,"min":200.6767676}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"success":"true"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"success":"false"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"completion":"true"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"completion":"false"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"response":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"response":{"key":"invalid"}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":"PT1H0M0.1S"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":"PT4H35M59.14S"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"duration":"PT16559.14S"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":"P3Y1M29DT4H35M59.14S"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"duration":"P3Y"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":"P4W"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"duration":{"key":"invalid"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.default}}"},{"duration":"PA1H0M0S"}]"#),
    // timestamps.js
    ("ok", "both", r#"[{"statement":"{{statements.default}}"},{"timestamp":"2013-05-18T05:32:34.804Z"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"timestamp":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"timestamp":"01/011/2015"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"timestamp":"2008-09-15T15:53:00.601-00"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"timestamp":"2008-09-15T15:53:00.601-0000"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"timestamp":"2008-09-15T15:53:00.601-00:00"}]"#),
    // formatting.js / statements.js: required properties, null, wrong types, formats, case.
    ("bad", "both", r#"[{"statement":"{{statements.no_actor}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.no_verb}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.no_object}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.actor}}"},{"actor":"{{agents.mbox}}"},{"name":null}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"verb":"{{verbs.default}}"},{"display":{"en-US":null}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"registration":null}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.default}}"},{"definition":{"moreInfo":null}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_extensions}}"},{"definition":{"extensions":{"http://example.com/null":null}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.no_extensions}}"},{"extensions":{"http://example.com/null":null}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.no_extensions}}"},{"extensions":{"http://example.com/null":null}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.result}}"},{"result":"{{results.no_extensions}}"},{"extensions":{"http://example.com/null":null}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.no_extensions}}"},{"extensions":{"http://example.com/null":null}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"max":"one hundred"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"score":{"max":"100"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"success":"We regret to inform you that your effort was unsuccessful."}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"id":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"id":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"id":"AA97B177-9383-4934-8543-0F91A7A028368"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"id":"MA97B177-9383-4934-8543-0F91A7A02836"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"iD":"ec531277-b57b-4c15-8d91-d292c5b2b8f7"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"Actor":"{{agents.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"veRb":"{{verbs.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"oBject":"{{activities.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"RESULT":"{{results.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"conText":"{{contexts.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"timeStamp":"1776-07-04T16:00:45.123Z"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"STOred":"1787-09-17T09:33:32.111Z"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"auTHORity":"{{agents.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"Version":"1.0.3"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachmentS":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment","de":"Eine Testbefestigung"},"description":{"en-US":"A test attachment (description)","de":"Ein Testansatz (Beschreibung)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.true_false}}"},{"definition":{"interactionType":"true-faLse"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.choice}}"},{"definition":{"interactionType":"choiCe"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.fill_in}}"},{"definition":{"interactionType":"fill-iN"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.long_fill_in}}"},{"definition":{"interactionType":"long-fiLl-in"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.matching}}"},{"definition":{"interactionType":"matchIng"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.performance}}"},{"definition":{"interactionType":"perfOrmance"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.sequencing}}"},{"definition":{"interactionType":"seqUencing"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.likert}}"},{"definition":{"interactionType":"liKert"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.numeric}}"},{"definition":{"interactionType":"nUmeric"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.other}}"},{"definition":{"interactionType":"Other"}}]"#),
    // formatting.js: language tags (RFC 5646).
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"language":"de"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"language":"cmn"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"language":"something"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.default}}"},{"verb":"{{verbs.default}}"},{"display":{"de":"besucht"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"verb":"{{verbs.default}}"},{"display":{"de-419-DE":"besucht"}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.default}}"},{"verb":"{{verbs.default}}"},{"display":{"i-enochian":"a","ine":"b","zh-Hant":"c","sr-Latn":"d","zh-cmn-Hans-CN":"e","sr-Latn-RS":"f","sl-rozaj-biske":"g","de-CH-1901":"h","hy-Latn-IT-arevela":"i","de-DE":"j","az-Arab-x-AZE-derbend":"k","x-whatever":"l"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"verb":"{{verbs.default}}"},{"display":{"a-DE":"besucht"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"verb":"{{verbs.default}}"},{"display":{"ar-a-aaa-b-bbb-a-ccc":"besucht"}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment","de":"Eine Testbefestigung"},"description":{"en-US":"A test attachment (description)","de":"Ein Testansatz (Beschreibung)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment","de-419-DE":"Ein Testbefestigung"},"description":{"en-US":"A test attachment (description)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment"},"description":{"en-US":"A test attachment (description)","de-419-DE":"Ein Testansatz (Beschreibung)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.language_maps_valid}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.name_invalid}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.description_invalid}}"}]"#),
    // contexts.js
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"registration":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"registration":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.default}}"},{"registration":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.instructor}}"},{"instructor":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.instructor}}"},{"instructor":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.instructor}}"},{"instructor":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{agents.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{agents.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"contextActivities":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"contextActivities":{}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.default}}"},{"contextActivities":{}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.parent}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.grouping}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.category}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.other}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.parent}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.parent}}"},{"contextActivities":{"parent":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}]}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.grouping}}"},{"contextActivities":{"grouping":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}]}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.other}}"},{"contextActivities":{"other":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"revision":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"revision":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.default}}"},{"revision":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"platform":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"platform":{"key":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_agent_default}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_group_default}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement_default}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.agent_default}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.group_default}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref}}"},{"context":"{{contexts.no_platform}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_agent_default}}"},{"context":"{{contexts.no_revision}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_group_default}}"},{"context":"{{contexts.no_revision}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"context":"{{contexts.no_revision}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement_default}}"},{"context":"{{contexts.no_revision}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.agent_default}}"},{"context":"{{contexts.no_revision}}"}]"#),
    // 2.0 contextactivities.js
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.all_activities}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.all_activities}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.invalid_activity}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.invalid_activity}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.other}}"},{"contextActivities":{"other":[{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"},{"key":"should fail"}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.other}}"},{"contextActivities":{"other":[{"key":"should fail"},{"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"}]}}]"#),
    // 2.0 contextagents.js and contextgroups.js (properties 2.0 added: refused in 1.0.3)
    ("ok", "2.0", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.context_agents}}"}]"#),
    ("ok", "2.0", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.context_agents}}"}]"#),
    ("bad", "1.0.3", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.context_agents}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":{"contextAgents":[{"objectType":"Should fail","agent":{"objectType":"Agent","mbox":"mailto:player-1@example.com"}}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":{"contextAgents":[{"objectType":"contextAgent","agent":{"key":"Should fail"}}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":{"contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Agent","mbox":"mailto:player-1@example.com"},"relevantTypes":[]}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":{"contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Agent","mbox":"mailto:player-1@example.com"},"relevantTypes":["abc"]}]}}]"#),
    ("ok", "2.0", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.context_groups}}"}]"#),
    ("ok", "2.0", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.context_groups}}"}]"#),
    ("bad", "1.0.3", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.context_groups}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":{"contextGroups":[{"objectType":"Should fail","group":{"objectType":"Group","mbox":"mailto:team-1@example.com"},"member":[{"objectType":"Agent","mbox":"mailto:player-1@example.com"}]}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":{"contextGroups":[{"objectType":"contextGroup","group":{"key":"Should fail"}}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":{"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:player-1@example.com"},"relevantTypes":[]}]}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":{"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:player-1@example.com"},"relevantTypes":["abc"]}]}}]"#),
    // 2.0 groups.js
    ("bad", "both", r#"[{"statement":"{{statements.actor}}"},{"actor":"{{groups.anonymous_no_member}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.default}}"},{"member":"{{groups.anonymous_no_member}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.default}}"},{"member":"{{groups.anonymous_no_member}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.default}}"},{"member":"{{groups.anonymous_no_member}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.actor}}"},{"actor":"{{groups.default}}"},{"member":"{{agents.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.default}}"},{"member":"{{agents.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_actor}}"},{"object":"{{groups.default}}"},{"member":"{{agents.default}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.identified_mbox}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.identified_mbox_sha1sum}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.identified_openid}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.team}}"},{"team":"{{groups.identified_account}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.actor}}"},{"actor":"{{groups.default}}"}]"#),
    // 2.0 timestamps.js: an RFC 3339 date with a space is a 2.0 timestamp.
    ("ok", "2.0", r#"[{"statement":"{{statements.default}}"},{"timestamp":"2008-09-15 15:53:00.601+00:00"}]"#),
    // 2.0 statementrefs.js
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"object":{"objectType":"statementref"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref}}"},{"object":{"objectType":"statementref"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref_no_id}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref_no_id}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"object":{"id":"should fail"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref}}"},{"object":{"id":"should fail"}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_statementref}}"}]"#),
    // 2.0 verbs.js
    ("bad", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.no_id}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.verb}}"},{"verb":"{{verbs.no_id}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.default}}"},{"id":"ab=c://should.fail.com"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.verb}}"},{"verb":"ab=c://should.fail.com"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.default}}"},{"display":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.verb}}"},{"verb":"{{verbs.default}}"},{"display":"a12345 attended"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.default}}"}]"#),
    // objects.js
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.default}}"},{"objectType":"activity"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.activity}}"},{"object":"{{activities.default}}"},{"objectType":"activity"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_actor}}"},{"object":"{{agents.default}}"},{"objectType":"agent"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.agent}}"},{"object":"{{agents.default}}"},{"objectType":"agent"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_actor}}"},{"object":"{{groups.default}}"},{"objectType":"group"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.group}}"},{"object":"{{groups.default}}"},{"objectType":"group"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"objectType":"statementref"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.default}}"},{"objectType":"substatement"}]"#),
    // substatements.js
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.no_actor}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.no_object}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.no_verb}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.agent}}"},{"object":"{{agents.default}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.group}}"},{"object":"{{groups.default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{statements.object_substatement}}"},{"object":"{{statements.object_substatement_default}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.default}}"},{"id":"fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.default}}"},{"stored":"2013-05-18T05:32:34.804Z"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.default}}"},{"version":"1.0.0"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{statements.authority}}"},{"authority":"{{agents.default}}"}]"#),
    // extensions.js: any value, keys IRIs.
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.default}}"},{"definition":{"extensions":{"http://example.com/ex":true}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.default}}"},{"definition":{"extensions":{"http://example.com/ex":12345}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"extensions":{"http://example.com/ex":{"key":"valid"}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"extensions":{"http://example.com/ex":"valid"}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.activity}}"},{"object":"{{activities.default}}"},{"definition":{"extensions":{"http://example.com/ex":true}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_extensions}}"},{"definition":{"extensions":{}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_extensions}}"},{"definition":{"extensions":{"http://example.com/ex":""}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_extensions}}"},{"definition":{"extensions":{"http://example.com/ex":{}}}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.no_extensions}}"},{"extensions":{}}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.no_extensions}}"},{"extensions":{"http://example.com/ex":{}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.default}}"},{"definition":{"extensions":{"should fail":true}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.result}}"},{"result":"{{results.default}}"},{"extensions":{"should fail":true}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.context}}"},{"context":"{{contexts.default}}"},{"extensions":{"should fail":true}}]"#),
    // 2.0 formatting.js: attachment language maps.
    ("ok", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment","es":"Un accesorio de prueba"},"description":{"en-US":"A test attachment (description)","es-MX":"Un accesorio de prueba (descripción)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment","something":"Un accesorio de prueba"},"description":{"en-US":"A test attachment (description)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment"},"description":{"en-US":"A test attachment (description)","something":"Un accesorio de prueba (descripción)"},"contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"}]}]"#),
    // version.js (1.0.3; 2.0 takes 2.0.x, see validate.rs)
    ("ok", "1.0.3", r#"[{"statement":"{{statements.default}}"},{"version":"1.0"}]"#),
    ("ok", "1.0.3", r#"[{"statement":"{{statements.default}}"},{"version":"1.0.9"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"version":"should fail"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"version":"0.9.9"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.default}}"},{"version":"1.1.0"}]"#),
    // uuids.js
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"object":{"id":"AA97B177-9383-4934-8543-0F91A7A028368"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref}}"},{"object":{"id":"MA97B177-9383-4934-8543-0F91A7A02836"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"registration":"AA97B177-9383-4934-8543-0F91A7A028368"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.context}}"},{"context":"{{contexts.default}}"},{"registration":12345}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"context":"{{contexts.default}}"},{"statement":{"id":"AA97B177-9383-4934-8543-0F91A7A028368"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"context":"{{contexts.default}}"},{"statement":{"id":12345}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.statementref}}"},{"context":"{{contexts.default}}"},{"statement":{"id":{"key":"should fail"}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_statementref}}"},{"object":{"id":12345}}]"#),
    // authorities.js
    ("ok", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{agents.default}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_two_member}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_two_member}}"},{"mbox":"mailto:bob@example.com"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_two_member}}"},{"mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_two_member}}"},{"openid":"http://openid.example.org/12345"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_two_member}}"},{"account":{"homePage":"http://www.example.com","name":"xAPI account name"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_no_member}}"},{"member":[{"mbox":"mailto:bob@example.com"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_no_member}}"},{"member":[{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}},{"mbox":"mailto:bob@example.com"},{"mbox":"mailto:james@example.com"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.identified_openid}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.authority}}"},{"authority":"{{groups.anonymous_no_member}}"}]"#),
    // languages.js
    ("ok", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.no_display}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_languages}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.verb}}"},{"verb":"{{verbs.no_display}}"}]"#),
    ("ok", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.activity}}"},{"object":"{{activities.no_languages}}"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.no_display}}"},{"display":{}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.no_display}}"},{"display":"should error"}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.verb}}"},{"verb":"{{verbs.no_display}}"},{"display":{"a12345":"should error"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_languages}}"},{"definition":{"name":{}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_languages}}"},{"definition":{"name":"should error"}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_languages}}"},{"definition":{"description":{}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_activity}}"},{"object":"{{activities.no_languages}}"},{"definition":{"description":{"a12345":"should error"}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.verb}}"},{"verb":"{{verbs.no_display}}"},{"display":{}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.object_substatement}}"},{"object":"{{substatements.activity}}"},{"object":"{{activities.no_languages}}"},{"definition":{"name":{"a12345":"should error"}}}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt","display":{}}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt","display":"should error"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt","display":{"en-US":"A test attachment"},"description":{}}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt","display":{"en-US":"A test attachment"},"description":"should error"}]}]"#),
    ("bad", "both", r#"[{"statement":"{{statements.attachment}}"},{"attachments":[{"usageType":"http://example.com/attachment-usage/test","contentType":"text/plain; charset=ascii","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt","display":{"a12345":"should error"}}]}]"#),
];

/// The template a `"{{folder.file}}"` string names, or the value itself.
fn resolve(value: Value, templates: &HashMap<&str, Value>) -> Value {
    match value {
        Value::String(s) if s.starts_with("{{") && s.ends_with("}}") => {
            let name = &s[2..s.len() - 2];
            match templates.get(name) {
                Some(t) => t.clone(),
                None => panic!("no template {name}"),
            }
        }
        other => other,
    }
}

/// jQuery's `extend(true, target, source)`: objects and arrays merged key by key (index by
/// index), any other value of `source` (`null` included) replacing the target's.
fn extend(target: &mut Value, source: &Value) {
    match source {
        Value::Object(src) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in src {
                    extend(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        Value::Array(src) => {
            if !target.is_array() {
                *target = Value::Array(Vec::new());
            }
            if let Value::Array(t) = target {
                for (i, v) in src.iter().enumerate() {
                    if i == t.len() {
                        t.push(Value::Null);
                    }
                    extend(&mut t[i], v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The statement the suite builds from a template list (`createTestObject`).
fn build(layers: &str, templates: &HashMap<&str, Value>) -> Value {
    let list: Vec<Value> = match serde_json::from_str(layers) {
        Ok(Value::Array(list)) => list,
        other => panic!("not a template list: {layers} ({other:?})"),
    };
    let resolved: Vec<Value> = list
        .into_iter()
        .map(|layer| match layer {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, resolve(v, templates)))
                    .collect(),
            ),
            other => other,
        })
        .collect();
    let mut from: Option<Value> = None;
    for mut to in resolved.into_iter().rev() {
        if let Some(source) = from.take() {
            if let Some(value) = to.as_object_mut().and_then(|m| m.values_mut().next()) {
                extend(value, &source);
            }
        }
        from = Some(to);
    }
    match from {
        Some(Value::Object(map)) => map.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
        other => panic!("empty template list {other:?}"),
    }
}

fn versions(which: &str) -> Vec<XapiVersion> {
    match which {
        "1.0.3" => vec![XapiVersion::V1_0_3],
        "2.0" => vec![XapiVersion::V2_0_0],
        "both" => vec![XapiVersion::V1_0_3, XapiVersion::V2_0_0],
        other => panic!("unknown versions {other}"),
    }
}

/// Every case, with its expectation, as the suite would POST it.
fn cases() -> Vec<(&'static str, Vec<XapiVersion>, String)> {
    let mut all = Vec::new();
    for (expect, agent, merged) in IN_EVERY_PLACE {
        for place in PLACES {
            // Every place ends with the layer `{"<key>":@}`; what is merged into the Agent or
            // Group is the layer after it.
            let mut layers = place.replace('@', agent);
            if !merged.is_empty() {
                layers = format!("{layers},{merged}");
            }
            all.push((*expect, versions("both"), format!("[{layers}]")));
        }
    }
    for (expect, which, layers) in CASES {
        all.push((*expect, versions(which), (*layers).to_string()));
    }
    all
}

#[test]
fn xapi_conformance_suite_statement_cases() {
    let templates: HashMap<&str, Value> = TEMPLATES
        .iter()
        .map(|(name, json)| match serde_json::from_str(json) {
            Ok(v) => (*name, v),
            Err(e) => panic!("template {name}: {e}"),
        })
        .collect();
    let mut failures = Vec::new();
    let all = cases();
    for (expect, versions, layers) in &all {
        for version in versions {
            let mut statement = build(layers, &templates);
            without_null_timestamp(&mut statement, *version);
            let outcome = validate_statement(&statement, *version);
            let passed = match (*expect, &outcome) {
                ("ok", Ok(())) | ("bad", Err(_)) => true,
                ("ok", Err(_)) | ("bad", Ok(())) => false,
                (other, _) => panic!("unknown expectation {other}"),
            };
            if !passed {
                failures.push(format!(
                    "{version:?} expected {expect}, got {outcome:?}: {layers}\n  {statement}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} suite cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
