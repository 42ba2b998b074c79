//! The projection of learning statements to learning records and time entries.

use super::{client, enrolled, items, ld, statement, xapi, S1, S2, S3};
use crate::helpers::{body, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn learning_statements_become_records_and_time_and_voiding_removes_them() {
    let app = TestApp::spawn().await;
    let (a1, _, a1_id) = enrolled(&app, "https://lms.example.com/course/42", "enrolled").await;
    let records_path = format!("/api/v1/learning-records?employee_id={a1_id}");
    let march = "/api/v1/time-entries?from=2026-03-01&to=2026-03-31";
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;

    let mut done = statement(S1, "a1@example.com", "completed");
    done["timestamp"] = json!("2026-03-02T10:00:00Z");
    done["result"]["score"] = json!({ "scaled": 0.9 });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(done)).await;
    assert_eq!(res.status(), 200);
    // The projection applies it in the background, soon after the answer.
    let mut waited = 0;
    while items(&app, &records_path, &a1).await.is_empty() {
        assert!(
            waited < 100,
            "the projection did not apply the statement in 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    // Experienced, by an employee named by the client's account home page and external id.
    let by_account = json!({
        "id": S2,
        "actor": { "account": { "homePage": "https://lms.example.com", "name": "A1" } },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/experienced" },
        "object": { "id": "https://lms.example.com/video/7", "definition": { "name": { "en-US": "Ladder video" } } },
        "result": { "duration": "PT10M" },
        "timestamp": "2026-03-03T09:00:00Z"
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(by_account)).await;
    assert_eq!(res.status(), 200);
    // Attended, by the SHA-1 of the employee's mailto: address.
    let by_hash = json!({
        "id": S3,
        "actor": { "mbox_sha1sum": "48f8420eccdd1703b4f43ce8da8f9602ec81580c" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/attended" },
        "object": { "id": "https://lms.example.com/webinar/3", "definition": { "name": { "en-US": "Webinar" } } },
        "result": { "duration": "PT1H" },
        "timestamp": "2026-03-04T09:00:00Z"
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(by_hash)).await;
    assert_eq!(res.status(), 200);
    app.projected().await;

    let mut got: Vec<(String, u64, String)> = items(&app, &records_path, &a1)
        .await
        .iter()
        .map(|r| {
            (
                r["title"].as_str().expect("title").to_owned(),
                r["minutes"].as_u64().expect("minutes"),
                r["source"].as_str().expect("source").to_owned(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Ladder video".to_owned(), 10, "xapi".to_owned()),
            ("Safety basics".to_owned(), 45, "xapi".to_owned()),
            ("Webinar".to_owned(), 60, "xapi".to_owned())
        ]
    );
    let enrolments = items(
        &app,
        &format!("/api/v1/enrollments?employee_id={a1_id}"),
        &a1,
    )
    .await;
    assert_eq!(enrolments[0]["status"], "completed");
    let entries = items(&app, march, &a1).await;
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e["learning_record_id"].is_string()));

    // Voiding the completion removes its record and its time.
    let void = json!({
        "actor": { "mbox": "mailto:admin@example.com" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
        "object": { "objectType": "StatementRef", "id": S1 }
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(void)).await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    let records = items(&app, &records_path, &a1).await;
    assert_eq!(records.len(), 2);
    assert_eq!(items(&app, march, &a1).await.len(), 2);

    // People link their own time to their own records, and only to those.
    let record = records[0]["id"].as_str().expect("id").to_owned();
    let log = |record: String| {
        json!({ "date": "2026-03-05", "minutes": 20, "category": "role_related",
                "learning_record_id": record })
    };
    let res = app
        .post("/api/v1/time-entries", &a1, log(record.clone()))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(body(res).await["learning_record_id"], record.as_str());
    let res = app
        .post(
            "/api/v1/time-entries",
            &a1,
            log("01a20000-0000-7000-8000-000000000000".to_owned()),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "learning_record_id");
}

#[tokio::test]
async fn a_batch_keeps_the_rules_of_time_entries_and_the_sums() {
    let app = TestApp::spawn().await;
    let p = crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let a1 = app.employee_token(&p["A1"]);
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    // Three statements of 10 hours each on one day, and one in the next quarter.
    let batch: Vec<Value> = [
        ("2026-03-10T09:00:00Z", "PT10H"),
        ("2026-03-10T12:00:00Z", "PT10H"),
        ("2026-03-10T15:00:00Z", "PT10H"),
        ("2026-04-01T09:00:00Z", "PT30M"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (at, duration))| {
        let mut s = statement(
            &format!("6a5e6bd1-0000-4000-8000-00000000010{i}"),
            "a1@example.com",
            "experienced",
        );
        s["timestamp"] = json!(at);
        s["result"]["duration"] = json!(duration);
        s
    })
    .collect();
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(json!(batch))).await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    let records = items(
        &app,
        &format!("/api/v1/learning-records?employee_id={}", p["A1"]),
        &a1,
    )
    .await;
    assert_eq!(records.len(), 4);
    // A day holds 24 hours: the third statement's record stays, its time does not.
    let minutes: Vec<u64> = items(
        &app,
        "/api/v1/time-entries?from=2026-03-01&to=2026-04-30",
        &a1,
    )
    .await
    .iter()
    .map(|e| e["minutes"].as_u64().expect("minutes"))
    .collect();
    assert_eq!(minutes, [600, 600, 30]);
    for (period, used) in [("2026-03", 1200), ("2026-Q1", 1200), ("2026-Q2", 30)] {
        let summary = body(
            app.get(
                &format!(
                    "/api/v1/learning-time/summary?period={period}&employee_id={}",
                    p["A1"]
                ),
                &a1,
            )
            .await,
        )
        .await;
        assert_eq!(
            summary["totals"]["used_in_work_minutes"], used,
            "{period}: {summary}"
        );
    }
}

#[tokio::test]
async fn unmatched_actors_are_reported_and_reapplied_once_the_mapping_is_fixed() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    let res = xapi(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        Some(statement(S1, "newcomer@example.com", "completed")),
    )
    .await;
    assert_eq!(res.status(), 200, "unmatched statements are still stored");
    app.projected().await;
    let res = app.get("/api/v1/lrs/unmatched-actors", &app.hr()).await;
    assert_eq!(res.status(), 403);
    let res = app
        .post("/api/v1/lrs/unmatched-actors:reapply", &app.hr(), json!({}))
        .await;
    assert_eq!(res.status(), 403);
    let report = body(app.get("/api/v1/lrs/unmatched-actors", &ld(&app)).await).await;
    assert_eq!(
        report["items"][0]["actor"],
        "mbox:mailto:newcomer@example.com"
    );
    assert_eq!(report["items"][0]["statements"], 1);

    let p = crate::helpers::ids(
        &app.sync(json!([crate::helpers::person("NEWCOMER", None)]))
            .await,
    );
    let res = app
        .post("/api/v1/lrs/unmatched-actors:reapply", &ld(&app), json!({}))
        .await;
    assert_eq!(body(res).await["applied"], 1);
    let report = body(app.get("/api/v1/lrs/unmatched-actors", &ld(&app)).await).await;
    assert_eq!(report, json!({ "items": [] }));
    let newcomer = app.employee_token(&p["NEWCOMER"]);
    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={}", p["NEWCOMER"]),
            &newcomer,
        )
        .await,
    )
    .await;
    assert_eq!(records["items"][0]["minutes"], 45);
}

fn void_of(id: &str) -> Value {
    json!({
        "actor": { "mbox": "mailto:lms@example.com" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
        "object": { "objectType": "StatementRef", "id": id }
    })
}

#[tokio::test]
async fn only_the_client_that_stored_a_statement_voids_it_and_a_void_of_nothing_changes_nothing() {
    let app = TestApp::spawn().await;
    let (a1, enrolment, a1_id) =
        enrolled(&app, "https://lms.example.com/course/42", "enrolled").await;
    let records_path = format!("/api/v1/learning-records?employee_id={a1_id}");
    let (owner, _) = client(&app, &["xapi:write", "xapi:read:mine"]).await;
    let (other, _) = client(&app, &["xapi:write", "xapi:read:mine"]).await;
    let res = xapi(
        &app,
        &owner,
        Method::POST,
        "/statements",
        Some(statement(S1, "a1@example.com", "completed")),
    )
    .await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    assert_eq!(items(&app, &records_path, &a1).await.len(), 1);

    let refused = xapi(&app, &other, Method::POST, "/statements", Some(void_of(S1))).await;
    assert_eq!(refused.status(), 403, "another client may not void it");
    app.projected().await;
    assert_eq!(
        items(&app, &records_path, &a1).await.len(),
        1,
        "the record stays"
    );
    let enrolment_now = body(
        app.get(&format!("/api/v1/enrollments/{enrolment}"), &a1)
            .await,
    )
    .await;
    assert_eq!(
        enrolment_now["status"], "completed",
        "and the enrolment stays completed"
    );

    let nothing = xapi(&app, &other, Method::POST, "/statements", Some(void_of(S2))).await;
    assert_eq!(
        nothing.status(),
        200,
        "voiding an unknown statement is not refused (Data 2.3.2)"
    );
    app.projected().await;
    assert_eq!(
        items(&app, &records_path, &a1).await.len(),
        1,
        "and it voids nothing"
    );

    let own = xapi(&app, &owner, Method::POST, "/statements", Some(void_of(S1))).await;
    assert_eq!(own.status(), 200);
    app.projected().await;
    assert!(
        items(&app, &records_path, &a1).await.is_empty(),
        "its own client voids it"
    );
}

#[tokio::test]
async fn statements_that_make_no_record_are_listed_with_why_and_applied_again_after_a_fix() {
    let app = TestApp::spawn().await;
    let (a1, _, a1_id) = enrolled(&app, "https://lms.example.com/course/42", "enrolled").await;
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    let long = |id: &str, duration: &str| {
        let mut s = statement(id, "a1@example.com", "completed");
        s["result"]["duration"] = json!(duration);
        s
    };
    let mut no_duration = statement(
        "6a5e6bd1-0000-4000-8000-000000000014",
        "a1@example.com",
        "completed",
    );
    no_duration["object"]["id"] = json!("https://lms.example.com/course/99");
    no_duration["result"] = json!({ "completion": true });
    let batch = json!([
        long("6a5e6bd1-0000-4000-8000-000000000011", "PT25H"),
        long("6a5e6bd1-0000-4000-8000-000000000012", "P2D"),
        long("6a5e6bd1-0000-4000-8000-000000000013", "P9999Y"),
        no_duration
    ]);
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(batch)).await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    let records = format!("/api/v1/learning-records?employee_id={a1_id}");
    assert!(items(&app, &records, &a1).await.is_empty());

    let listed = app
        .all_pages("/api/v1/lrs/unapplied-statements", &ld(&app), 3)
        .await;
    let reasons: Vec<(String, String)> = listed
        .iter()
        .map(|u| {
            (
                u["statement_id"].as_str().expect("id").to_owned(),
                u["reason"].as_str().expect("reason").to_owned(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 4, "every one is reported: {listed:?}");
    assert_eq!(reasons[0].1, "duration_over_a_day");
    assert_eq!(reasons[1].1, "duration_over_a_day");
    assert!(reasons[2].1.starts_with("duration_"), "{:?}", reasons[2]);
    assert_eq!(reasons[3].1, "no_duration");
    assert_eq!(
        app.get("/api/v1/lrs/unapplied-statements", &a1)
            .await
            .status(),
        403
    );

    // The fix for the last one: the catalog gets the course, with its estimate.
    let res = app
        .post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "C99", "title": "Ladders", "estimated_minutes": 20,
                    "xapi_activity_id": "https://lms.example.com/course/99" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let again = body(
        app.post(
            "/api/v1/lrs/unapplied-statements:reapply",
            &ld(&app),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(again["applied"], 1);
    let made = items(&app, &records, &a1).await;
    assert_eq!((made.len(), made[0]["minutes"].clone()), (1, json!(20)));
    let left = body(app.get("/api/v1/lrs/unapplied-statements", &ld(&app)).await).await;
    assert_eq!(
        left["items"].as_array().expect("list").len(),
        3,
        "the long ones stay listed"
    );
}

#[tokio::test]
async fn unmatched_actors_come_a_page_at_a_time_by_key() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    let batch = json!([
        statement(S1, "carol@example.com", "completed"),
        statement(S2, "alice@example.com", "completed"),
        statement(S3, "bob@example.com", "completed"),
    ]);
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(batch)).await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    let actors: Vec<Value> = app
        .all_pages("/api/v1/lrs/unmatched-actors", &ld(&app), 2)
        .await
        .into_iter()
        .map(|a| a["actor"].clone())
        .collect();
    assert_eq!(
        actors,
        ["alice", "bob", "carol"].map(|n| json!(format!("mbox:mailto:{n}@example.com")))
    );
}
