//! Statements: StatementRef targets in queries, consistency, null timestamps, activities,
//! context activities.

use super::{
    activity, client, ids_of, post, send, statement, statement_ref, urlencode, S1, S2, S3, S4, S5,
    VOIDED,
};
use crate::helpers::{body, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn queries_also_return_statements_that_target_a_match_through_a_statement_ref() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let verb = "http://adlnet.gov/expapi/test/voided/target/1";
    let course = "https://lms.example.com/course/7";
    // The suite's shape: a statement with the verb, voided; then another statement with the verb
    // that refers to the voided one.
    post(
        &app,
        &lrs,
        statement(S1, "ada@example.com", verb, activity(course)),
    )
    .await;
    post(
        &app,
        &lrs,
        statement(S2, "admin@example.com", VOIDED, statement_ref(S1)),
    )
    .await;
    post(
        &app,
        &lrs,
        statement(S3, "bob@example.com", verb, statement_ref(S1)),
    )
    .await;
    // A statement about the reference (a chain) and one about something else.
    post(
        &app,
        &lrs,
        statement(
            S4,
            "cy@example.com",
            "http://example.com/verbs/liked",
            statement_ref(S3),
        ),
    )
    .await;
    post(
        &app,
        &lrs,
        statement(
            S5,
            "cy@example.com",
            "http://example.com/verbs/liked",
            activity("https://lms.example.com/course/8"),
        ),
    )
    .await;

    let by_verb = format!("verb={}", urlencode(verb));
    // The voided statement itself never; the voiding statement, the reference and the chain on
    // it because what they target matches.
    assert_eq!(ids_of(&app, &lrs, &by_verb).await, [S4, S3, S2]);
    assert_eq!(
        ids_of(&app, &lrs, &format!("{by_verb}&limit=1")).await,
        [S4]
    );
    assert_eq!(
        ids_of(&app, &lrs, &format!("{by_verb}&ascending=true")).await,
        [S2, S3, S4]
    );
    // The agent, activity and registration filters follow references too.
    let ada = urlencode(r#"{"mbox":"mailto:ada@example.com"}"#);
    assert_eq!(
        ids_of(&app, &lrs, &format!("agent={ada}")).await,
        [S4, S3, S2]
    );
    assert_eq!(
        ids_of(&app, &lrs, &format!("activity={}", urlencode(course))).await,
        [S4, S3, S2]
    );
    // Time conditions apply to the returned statements, not to what they target.
    let res = send(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S3}"),
        &[],
        None,
    )
    .await;
    let stored = body(res).await["stored"]
        .as_str()
        .expect("stored")
        .to_owned();
    assert_eq!(
        ids_of(
            &app,
            &lrs,
            &format!("{by_verb}&since={}", urlencode(&stored))
        )
        .await,
        [S4]
    );
    // Without a filter on content, nothing changes: every statement not voided.
    assert_eq!(ids_of(&app, &lrs, "").await, [S5, S4, S3, S2]);
}

#[tokio::test]
async fn every_statements_get_answer_says_how_far_the_lrs_is_consistent() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    // 2.0 suite: a parameter in the wrong case is a 400, with the header.
    let res = send(
        &app,
        &lrs.with_version("2.0.0"),
        Method::GET,
        "/statements?LIMIT=1",
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(res
        .headers()
        .contains_key("x-experience-api-consistent-through"));
    // 1.0.3 suite: no version header is a 400, with the header.
    let res = app
        .client
        .get(format!("{}/xapi/statements", app.base))
        .header("authorization", &lrs.basic)
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);
    assert!(res
        .headers()
        .contains_key("x-experience-api-consistent-through"));
    // An unknown statement is a 404, with the header.
    let res = send(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S1}"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 404);
    assert!(res
        .headers()
        .contains_key("x-experience-api-consistent-through"));
}

#[tokio::test]
async fn a_2_0_statement_with_a_null_timestamp_gets_its_stored_time() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let mut s = statement(
        S1,
        "ada@example.com",
        "http://example.com/verbs/read",
        activity("https://lms.example.com/book/1"),
    );
    s["timestamp"] = Value::Null;
    let res = send(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        &[],
        Some(s.clone()),
    )
    .await;
    assert_eq!(res.status(), 400, "1.0.3 refuses null");
    let v2 = lrs.with_version("2.0.0");
    post(&app, &v2, s).await;
    let got = body(
        send(
            &app,
            &v2,
            Method::GET,
            &format!("/statements?statementId={S1}"),
            &[],
            None,
        )
        .await,
    )
    .await;
    assert_eq!(got["timestamp"], got["stored"]);
}

#[tokio::test]
async fn the_activities_resource_merges_what_every_statement_says_of_an_activity() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let id = "http://www.example.com/verify/complete/34534100123";
    let meeting = |statement_id: &str, name: Value| {
        statement(
            statement_id,
            "ada@example.com",
            "http://adlnet.gov/expapi/verbs/attended",
            json!({ "objectType": "Activity", "id": id,
                    "definition": { "name": name, "type": "http://adlnet.gov/expapi/activities/meeting" } }),
        )
    };
    post(
        &app,
        &lrs,
        json!([
            meeting(S1, json!({ "en-US": "example meeting" })),
            meeting(S2, json!({ "fr-FR": "réunion" }))
        ]),
    )
    .await;
    let res = send(
        &app,
        &lrs,
        Method::GET,
        &format!("/activities?activityId={}", urlencode(id)),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        body(res).await,
        json!({ "objectType": "Activity", "id": id,
                "definition": { "name": { "en-US": "example meeting", "fr-FR": "réunion" },
                                "type": "http://adlnet.gov/expapi/activities/meeting" } })
    );
    // Never seen: still an Activity.
    let unseen = "http://www.example.com/never-before-seen-activityId/1";
    let res = send(
        &app,
        &lrs,
        Method::GET,
        &format!("/activities?activityId={}", urlencode(unseen)),
        &[],
        None,
    )
    .await;
    assert_eq!(
        body(res).await,
        json!({ "objectType": "Activity", "id": unseen })
    );
}

#[tokio::test]
async fn an_empty_context_activities_object_is_refused_in_both_versions() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let mut s = statement(
        S1,
        "ada@example.com",
        "http://example.com/verbs/read",
        activity("https://lms.example.com/book/1"),
    );
    s["context"] = json!({ "contextActivities": {} });
    for version in ["1.0.3", "2.0.0"] {
        let res = send(
            &app,
            &lrs.with_version(version),
            Method::POST,
            "/statements",
            &[],
            Some(s.clone()),
        )
        .await;
        assert_eq!(res.status(), 400, "{version}");
        let problem = body(res).await;
        assert!(
            problem.to_string().contains("context.contextActivities"),
            "{problem}"
        );
    }
    s["context"] = json!({ "contextActivities": { "parent": [] } });
    post(&app, &lrs, s).await;
}

#[tokio::test]
async fn a_context_language_must_be_an_rfc_5646_tag_in_both_versions() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let mut s = statement(
        S1,
        "ada@example.com",
        "http://example.com/verbs/read",
        activity("https://lms.example.com/book/1"),
    );
    s["context"] = json!({ "language": "something" });
    for version in ["1.0.3", "2.0.0"] {
        let res = send(
            &app,
            &lrs.with_version(version),
            Method::POST,
            "/statements",
            &[],
            Some(s.clone()),
        )
        .await;
        assert_eq!(res.status(), 400, "{version}");
        let problem = body(res).await.to_string();
        assert!(problem.contains("statement.context.language"), "{problem}");
    }
    s["context"] = json!({ "language": "zh-cmn-Hans-CN" });
    post(&app, &lrs, s).await;
}

/// `format=ids` (Communication 2.1.3): an Agent's identifier only (its `objectType` where it is
/// the object), a Group's `objectType` and identifier, an Activity's `id`, a Verb's `id`.
#[tokio::test]
async fn format_ids_keeps_exactly_what_identifies() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let sub = json!({
        "id": S1,
        "actor": { "objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com" },
        "verb": { "id": "http://example.com/verbs/planned", "display": { "en-US": "planned" } },
        "object": {
            "objectType": "SubStatement",
            "actor": { "objectType": "Group", "name": "Team", "mbox": "mailto:team@example.com" },
            "verb": { "id": "http://example.com/verbs/read", "display": { "en-US": "read" } },
            "object": { "objectType": "Activity", "id": "https://lms.example.com/book/1",
                        "definition": { "name": { "en-US": "Book" } } }
        }
    });
    post(&app, &lrs, sub).await;
    let res = send(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S1}&format=ids"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let got = body(res).await;
    assert_eq!(got["actor"], json!({ "mbox": "mailto:ada@example.com" }));
    assert_eq!(
        got["verb"],
        json!({ "id": "http://example.com/verbs/planned" })
    );
    assert_eq!(
        got["object"]["actor"],
        json!({ "objectType": "Group", "mbox": "mailto:team@example.com" })
    );
    assert_eq!(
        got["object"]["object"],
        json!({ "id": "https://lms.example.com/book/1" })
    );
}

/// A request without `X-Experience-API-Version` is refused, answered in the client's default
/// version (`default_version`), and credentials come first.
#[tokio::test]
async fn a_request_without_a_version_is_answered_in_the_clients_default_version() {
    let app = TestApp::spawn().await;
    let res = crate::xapi::create_client(
        &app,
        json!({ "name": "LMS 2", "scopes": ["xapi:read"], "default_version": "2.0.0" }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    assert_eq!(created["default_version"], "2.0.0");
    let v2 = crate::xapi::Lrs::of(&created);
    let v1 = client(&app).await;
    for (lrs, expected) in [(&v2, "2.0.0"), (&v1, "1.0.3")] {
        let res = app
            .client
            .get(format!("{}/xapi/statements", app.base))
            .header("authorization", &lrs.basic)
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers()["x-experience-api-version"], expected);
    }
    let res = app
        .client
        .get(format!("{}/xapi/statements", app.base))
        .header("authorization", "Basic bm9ib2R5Om5vdGhpbmc=")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 401, "credentials are checked first");
    let bad = crate::xapi::create_client(
        &app,
        json!({ "name": "LMS 3", "scopes": ["xapi:read"], "default_version": "1.0" }),
    )
    .await;
    assert_eq!(bad.status(), 422);
}
