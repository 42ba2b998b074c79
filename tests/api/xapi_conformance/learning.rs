//! What statements do on the learning side: voided completions, a client's own verbs.

use super::{
    activity, client, client_with, create_client, enrolled, ld, post, statement, statement_ref, S1,
    S2, S3, S4, S5, S6, S7, S8, VOIDED,
};
use crate::helpers::{body, TestApp};
use serde_json::{json, Value};

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
    assert_eq!(listed["items"][0]["learning_verbs"], json!([read]));
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
