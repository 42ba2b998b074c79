//! The LRS against the ADL conformance test suite (1.0.3 and 2.0.0): the behaviours the suite
//! checks that `xapi/` does not, one test per behaviour, with the suite's request shapes.
use crate::helpers::{body, TestApp};
use crate::xapi::{create_client, enrolled, ld, send, urlencode, Lrs};
use reqwest::{Method, Response};
use serde_json::{json, Value};

async fn client_with(app: &TestApp, learning_verbs: &[&str]) -> Lrs {
    let res = create_client(
        app,
        json!({ "name": "LMS", "scopes": ["xapi:write", "xapi:read"],
                "account_home_page": "https://lms.example.com",
                "learning_verbs": learning_verbs }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    assert_eq!(created["learning_verbs"], json!(learning_verbs));
    Lrs::of(&created)
}

async fn client(app: &TestApp) -> Lrs {
    client_with(app, &[]).await
}

async fn post(app: &TestApp, lrs: &Lrs, statement: Value) -> Value {
    let res = send(app, lrs, Method::POST, "/statements", &[], Some(statement)).await;
    let status = res.status();
    let answer = body(res).await;
    assert_eq!(status, 200, "{answer}");
    app.projected().await;
    answer
}

async fn ids_of(app: &TestApp, lrs: &Lrs, query: &str) -> Vec<String> {
    let res = send(
        app,
        lrs,
        Method::GET,
        &format!("/statements?{query}"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    body(res).await["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

fn statement(id: &str, email: &str, verb: &str, object: Value) -> Value {
    json!({
        "id": id,
        "actor": { "objectType": "Agent", "mbox": format!("mailto:{email}") },
        "verb": { "id": verb, "display": { "en-US": "did" } },
        "object": object
    })
}

fn activity(id: &str) -> Value {
    json!({ "objectType": "Activity", "id": id })
}

fn statement_ref(id: &str) -> Value {
    json!({ "objectType": "StatementRef", "id": id })
}

const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
const S1: &str = "c0f0e000-0000-4000-8000-000000000001";
const S2: &str = "c0f0e000-0000-4000-8000-000000000002";
const S3: &str = "c0f0e000-0000-4000-8000-000000000003";
const S4: &str = "c0f0e000-0000-4000-8000-000000000004";
const S5: &str = "c0f0e000-0000-4000-8000-000000000005";
const S6: &str = "c0f0e000-0000-4000-8000-000000000006";
const S7: &str = "c0f0e000-0000-4000-8000-000000000007";
const S8: &str = "c0f0e000-0000-4000-8000-000000000008";

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
async fn under_2_0_a_state_document_is_not_replaced_without_a_precondition() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let agent = urlencode(
        r#"{"objectType":"Agent","account":{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}}"#,
    );
    let state = format!(
        "/activities/state?activityId={}&agent={agent}&stateId=s1",
        urlencode("http://www.example.com/activityId/hashset")
    );
    let v2 = lrs.with_version("2.0.0");
    let res = send(&app, &v2, Method::POST, &state, &[], Some(json!({"a": 1}))).await;
    assert_eq!(res.status(), 204);
    let res = send(&app, &v2, Method::PUT, &state, &[], Some(json!({"b": 2}))).await;
    assert_eq!(res.status(), 409);
    assert!(!res.text().await.expect("text").is_empty());
    let got = send(&app, &v2, Method::GET, &state, &[], None).await;
    let etag = got.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(body(got).await, json!({"a": 1}), "not modified");
    let res = send(
        &app,
        &v2,
        Method::PUT,
        &state,
        &[("if-match", "\"1234\"")],
        Some(json!({"b": 2})),
    )
    .await;
    assert_eq!(res.status(), 412);
    let res = send(
        &app,
        &v2,
        Method::PUT,
        &state,
        &[("if-match", &etag)],
        Some(json!({"b": 2})),
    )
    .await;
    assert_eq!(res.status(), 204);
    // 1.0.3 lets the State resource be replaced without one.
    let res = send(&app, &lrs, Method::PUT, &state, &[], Some(json!({"c": 3}))).await;
    assert_eq!(res.status(), 204);
    let got = send(&app, &lrs, Method::GET, &state, &[], None).await;
    assert_eq!(body(got).await, json!({"c": 3}));
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

async fn enrolment(app: &TestApp, token: &str, employee: &str) -> Value {
    let list = body(
        app.get(
            &format!("/api/v1/enrollments?employee_id={employee}"),
            token,
        )
        .await,
    )
    .await;
    list["items"][0].clone()
}

#[tokio::test]
async fn voiding_the_statement_that_completed_an_enrolment_reopens_it() {
    let app = TestApp::spawn().await;
    let course = "https://lms.example.com/course/42";
    let (a1, _, employee) = enrolled(&app, course, "in_progress").await;
    let lrs = client(&app).await;
    let mut done = statement(
        S1,
        "a1@example.com",
        "http://adlnet.gov/expapi/verbs/completed",
        activity(course),
    );
    done["result"] = json!({ "duration": "PT45M", "score": { "scaled": 0.9 } });
    post(&app, &lrs, done).await;
    let completed = enrolment(&app, &a1, &employee).await;
    assert_eq!(completed["status"], "completed");
    assert!(completed["completed_on"].is_string());

    post(
        &app,
        &lrs,
        statement(S2, "admin@example.com", VOIDED, statement_ref(S1)),
    )
    .await;
    let reopened = enrolment(&app, &a1, &employee).await;
    assert_eq!(reopened["status"], "in_progress", "{reopened}");
    assert!(reopened["completed_on"].is_null());
    assert!(reopened["score"].is_null());
    assert_eq!(
        reopened["version"].as_i64(),
        completed["version"].as_i64().map(|v| v + 1)
    );
    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={employee}"),
            &a1,
        )
        .await,
    )
    .await;
    assert_eq!(records["items"].as_array().expect("items").len(), 0);

    // A new completion completes it again, and its voiding reopens it again.
    post(
        &app,
        &lrs,
        statement(
            S3,
            "a1@example.com",
            "http://adlnet.gov/expapi/verbs/passed",
            activity(course),
        ),
    )
    .await;
    assert_eq!(enrolment(&app, &a1, &employee).await["status"], "completed");
    post(
        &app,
        &lrs,
        statement(S4, "admin@example.com", VOIDED, statement_ref(S3)),
    )
    .await;
    assert_eq!(
        enrolment(&app, &a1, &employee).await["status"],
        "in_progress"
    );

    // Two completions: voiding the one that completed it leaves it completed by the other.
    let completion = |id: &str, day: &str| {
        let mut s = statement(
            id,
            "a1@example.com",
            "http://adlnet.gov/expapi/verbs/completed",
            activity(course),
        );
        s["timestamp"] = json!(format!("{day}T10:00:00Z"));
        s
    };
    post(&app, &lrs, completion(S5, "2026-03-02")).await;
    post(&app, &lrs, completion(S6, "2026-03-05")).await;
    let first = enrolment(&app, &a1, &employee).await;
    assert_eq!(first["completed_on"], "2026-03-02", "{first}");
    post(
        &app,
        &lrs,
        statement(S7, "admin@example.com", VOIDED, statement_ref(S5)),
    )
    .await;
    let kept = enrolment(&app, &a1, &employee).await;
    assert_eq!(kept["status"], "completed", "{kept}");
    assert_eq!(kept["completed_on"], "2026-03-05");
    post(
        &app,
        &lrs,
        statement(S8, "admin@example.com", VOIDED, statement_ref(S6)),
    )
    .await;
    let reopened = enrolment(&app, &a1, &employee).await;
    assert_eq!(reopened["status"], "in_progress", "{reopened}");
    assert!(reopened["completed_on"].is_null());
}

#[tokio::test]
async fn a_voided_completion_of_an_enrolled_person_goes_back_to_enrolled() {
    let app = TestApp::spawn().await;
    let course = "https://lms.example.com/course/42";
    let (a1, _, employee) = enrolled(&app, course, "enrolled").await;
    let lrs = client(&app).await;
    // Completed and voided in one batch.
    post(
        &app,
        &lrs,
        json!([
            statement(
                S1,
                "a1@example.com",
                "http://adlnet.gov/expapi/verbs/completed",
                activity(course)
            ),
            statement(S2, "admin@example.com", VOIDED, statement_ref(S1))
        ]),
    )
    .await;
    let e = enrolment(&app, &a1, &employee).await;
    assert_eq!(e["status"], "enrolled", "{e}");
    assert!(e["completed_on"].is_null());
}

#[tokio::test]
async fn lrs_clients_name_their_own_learning_verbs() {
    let app = TestApp::spawn().await;
    let res = create_client(
        &app,
        json!({ "name": "LMS", "scopes": ["xapi:write"], "learning_verbs": ["read"] }),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "learning_verbs[0]");
    let read = "https://lms.example.com/verbs/read";
    let library = client_with(&app, &[read]).await;
    let listed = body(app.get("/api/v1/lrs-clients", &ld(&app)).await).await;
    assert_eq!(listed[0]["learning_verbs"], json!([read]));
    let other = client(&app).await;

    let p = crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let a1 = app.employee_token(&p["A1"]);
    let mut book = statement(
        S1,
        "a1@example.com",
        read,
        json!({ "id": "https://lms.example.com/book/1",
                "definition": { "name": { "en-US": "Field guide" } } }),
    );
    book["result"] = json!({ "duration": "PT30M" });
    post(&app, &library, book.clone()).await;
    // The same verb from a client that did not name it is not about learning.
    book["id"] = json!(S2);
    post(&app, &other, book).await;

    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={}", p["A1"]),
            &a1,
        )
        .await,
    )
    .await;
    let items = records["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{records}");
    assert_eq!(items[0]["title"], "Field guide");
    assert_eq!(items[0]["minutes"], 30);
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

/// A document request with a raw body of the given type (or none), as the suite's `sendRequest`
/// makes them.
async fn document_request(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Option<(&str, &str)>,
) -> Response {
    let mut req = app
        .client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", lrs.version);
    if let Some((content_type, content)) = body {
        req = req
            .header("content-type", content_type)
            .body(content.to_owned());
    }
    req.send().await.expect("send")
}

#[tokio::test]
async fn a_post_for_a_new_document_stores_it_as_a_put_would() {
    let app = TestApp::spawn().await;
    for version in ["1.0.3", "2.0.0"] {
        let lrs = client(&app).await.with_version(version);
        let agent = urlencode(
            r#"{"objectType":"Agent","account":{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}}"#,
        );
        let activity = urlencode("http://www.example.com/activityId/hashset");
        let state =
            format!("/activities/state?activityId={activity}&agent={agent}&stateId=s-{version}");
        // superagent sends a string body as a form: the suite posts '1' and 'true' so.
        let form = "application/x-www-form-urlencoded";
        let res = document_request(&app, &lrs, Method::POST, &state, Some((form, "1"))).await;
        assert_eq!(res.status(), 204, "{version}");
        let got = document_request(&app, &lrs, Method::GET, &state, None).await;
        assert_eq!(got.status(), 200);
        assert_eq!(got.text().await.expect("text"), "1");
        // Once stored, only JSON objects merge into it.
        let res = document_request(
            &app,
            &lrs,
            Method::POST,
            &state,
            Some(("application/json", r#"{"a":1}"#)),
        )
        .await;
        assert_eq!(res.status(), 400);

        let profile = format!("/agents/profile?agent={agent}&profileId=p-{version}");
        let res = document_request(&app, &lrs, Method::POST, &profile, Some((form, "true"))).await;
        assert_eq!(res.status(), 204);
        let activity_profile =
            format!("/activities/profile?activityId={activity}&profileId=a-{version}");
        // No document at all, or JSON that is not an object, is still refused.
        let res = document_request(&app, &lrs, Method::POST, &activity_profile, None).await;
        assert_eq!(res.status(), 400);
        let res = document_request(
            &app,
            &lrs,
            Method::POST,
            &activity_profile,
            Some(("application/json", "{\"a\":1}{")),
        )
        .await;
        assert_eq!(res.status(), 400);
        let res = document_request(&app, &lrs, Method::GET, &activity_profile, None).await;
        assert_eq!(res.status(), 404, "refused requests store nothing");
    }
}

#[tokio::test]
async fn a_bad_since_is_refused_beside_a_document_id_too() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let agent = urlencode(r#"{"mbox":"mailto:ada@example.com"}"#);
    let activity = urlencode("http://www.example.com/activityId/hashset");
    for path in [
        format!("/activities/state?activityId={activity}&agent={agent}&stateId=x&since=not%20a%20timestamp"),
        format!("/activities/profile?activityId={activity}&profileId=x&since=1"),
        format!("/agents/profile?agent={agent}&profileId=x&since=true"),
    ] {
        let res = document_request(&app, &lrs, Method::GET, &path, None).await;
        assert_eq!(res.status(), 400, "{path}");
    }
}
