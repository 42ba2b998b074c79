use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};
use std::collections::HashMap;

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// BOSS <- LEAD <- DEV1, DEV2 in Engineering (with a Platform sub-unit); PEER elsewhere; GONE left.
async fn org(app: &TestApp) -> (HashMap<String, String>, String, String) {
    let eng = app.unit("Engineering", "U-ENG", None).await;
    app.unit("Platform", "U-PLAT", Some(&eng)).await;
    let with = |ext: &str, manager: Option<&str>, unit: &str, level: i64| {
        let mut p = person(ext, manager);
        p["org_unit_external_id"] = json!(unit);
        p["job_level"] = json!(level);
        p
    };
    let mut gone = with("GONE", None, "U-PLAT", 2);
    gone["status"] = json!("terminated");
    gone["termination_date"] = json!("2024-01-31");
    let sync = app
        .sync(json!([
            with("BOSS", None, "U-ENG", 7),
            with("LEAD", Some("BOSS"), "U-ENG", 5),
            with("DEV1", Some("LEAD"), "U-PLAT", 3),
            with("DEV2", Some("LEAD"), "U-PLAT", 2),
            person("PEER", None),
            gone,
        ]))
        .await;
    let res = app
        .post(
            "/api/v1/courses",
            &ld(app),
            json!({ "code": "RUST-1", "title": "Rust", "estimated_minutes": 240 }),
        )
        .await;
    assert_eq!(res.status(), 201);
    (
        ids(&sync),
        body(res).await["id"].as_str().expect("id").to_owned(),
        eng,
    )
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    version: i64,
    change: Value,
) -> reqwest::Response {
    app.client
        .patch(format!("{}/api/v1/enrollments/{id}", app.base))
        .bearer_auth(token)
        .header("if-match", format!("\"{version}\""))
        .json(&change)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn people_enrol_themselves_managers_assign_reports_and_nobody_else_is_assigned() {
    let app = TestApp::spawn().await;
    let (p, course, _) = org(&app).await;
    let dev1 = app.employee_token(&p["DEV1"]);
    let res = app
        .post("/api/v1/enrollments", &dev1, json!({ "course_id": course }))
        .await;
    assert_eq!(res.status(), 201);
    let mine = body(res).await;
    assert_eq!(mine["origin"], "self_enrolled");
    let again = app
        .post("/api/v1/enrollments", &dev1, json!({ "course_id": course }))
        .await;
    assert_eq!(again.status(), 200, "enrolling twice returns the enrolment");
    assert_eq!(body(again).await["id"], mine["id"]);

    let res = app
        .post(
            "/api/v1/enrollments",
            &dev1,
            json!({ "course_id": course, "employee_id": p["PEER"] }),
        )
        .await;
    assert_eq!(res.status(), 403);
    let boss = app.employee_token(&p["BOSS"]);
    let res = app
        .post(
            "/api/v1/enrollments",
            &boss,
            json!({ "course_id": course, "employee_id": p["DEV2"], "due_date": "2030-01-31" }),
        )
        .await;
    assert_eq!(res.status(), 201, "a transitive report");
    let assigned = body(res).await;
    assert_eq!(
        (assigned["origin"].clone(), assigned["assigned_by"].clone()),
        (json!("assigned"), json!(format!("user-{}", p["BOSS"])))
    );
    let res = app
        .post(
            "/api/v1/enrollments",
            &ld(&app),
            json!({ "course_id": course, "employee_id": p["PEER"] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            "/api/v1/enrollments",
            &ld(&app),
            json!({ "course_id": course, "employee_id": p["GONE"] }),
        )
        .await;
    assert_eq!(body(res).await["code"], "employee_terminated");

    let url = format!("{}/api/v1/courses/{course}", app.base);
    app.client
        .patch(&url)
        .bearer_auth(ld(&app))
        .header("if-match", "\"1\"")
        .json(&json!({ "archived": true }))
        .send()
        .await
        .expect("send");
    let res = app
        .post("/api/v1/enrollments", &boss, json!({ "course_id": course }))
        .await;
    assert_eq!(body(res).await["code"], "course_archived");
}

#[tokio::test]
async fn an_enrolment_moves_through_valid_states_and_completion_is_final() {
    let app = TestApp::spawn().await;
    let (p, course, _) = org(&app).await;
    let dev1 = app.employee_token(&p["DEV1"]);
    let e = body(
        app.post("/api/v1/enrollments", &dev1, json!({ "course_id": course }))
            .await,
    )
    .await;
    let id = e["id"].as_str().expect("id");

    let res = patch(&app, &dev1, id, 1, json!({ "due_date": "2031-01-01" })).await;
    assert_eq!(
        res.status(),
        403,
        "learners do not move their own due dates"
    );
    let res = patch(&app, &dev1, id, 1, json!({ "status": "in_progress" })).await;
    assert_eq!(res.status(), 200);
    let res = patch(&app, &dev1, id, 1, json!({ "status": "completed" })).await;
    assert_eq!(res.status(), 412);
    let res = patch(
        &app,
        &dev1,
        id,
        2,
        json!({ "status": "completed", "completed_on": "2099-01-01" }),
    )
    .await;
    assert_eq!(body(res).await["errors"][0]["field"], "completed_on");
    let res = patch(
        &app,
        &dev1,
        id,
        2,
        json!({ "status": "completed", "score": 87.5 }),
    )
    .await;
    let done = body(res).await;
    assert_eq!(
        (done["status"].clone(), done["score"].clone()),
        (json!("completed"), json!(87.5))
    );
    assert!(done["completed_on"].is_string());
    let res = patch(&app, &ld(&app), id, 3, json!({ "status": "in_progress" })).await;
    assert_eq!(res.status(), 422);
    let problem = body(res).await;
    assert_eq!(problem["errors"][0]["field"], "status");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("not reopened"));
    let res = patch(&app, &dev1, id, 3, json!({ "status": "bogus" })).await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn enrolments_are_seen_by_the_learner_their_managers_and_admins_only() {
    let app = TestApp::spawn().await;
    let (p, course, eng) = org(&app).await;
    let e = body(
        app.post(
            "/api/v1/enrollments",
            &ld(&app),
            json!({ "course_id": course, "employee_id": p["DEV1"], "due_date": "2020-01-31" }),
        )
        .await,
    )
    .await;
    app.post(
        "/api/v1/enrollments",
        &ld(&app),
        json!({ "course_id": course, "employee_id": p["PEER"], "due_date": "2999-01-31" }),
    )
    .await;
    let id = e["id"].as_str().expect("id");
    let one = |token: String| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/enrollments/{id}"), &token)
                .await
                .status()
        }
    };
    assert_eq!(one(app.employee_token(&p["DEV1"])).await, 200);
    assert_eq!(one(app.employee_token(&p["BOSS"])).await, 200);
    assert_eq!(one(app.hr()).await, 200);
    assert_eq!(
        one(app.employee_token(&p["DEV2"])).await,
        404,
        "a colleague learns nothing"
    );
    assert_eq!(one(app.employee_token(&p["PEER"])).await, 404);

    let count = |token: String, q: String| {
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/enrollments?{q}"), &token).await;
            if res.status() != 200 {
                return Err(res.status().as_u16());
            }
            Ok(body(res).await["items"].as_array().expect("items").len())
        }
    };
    assert_eq!(
        count(app.employee_token(&p["DEV1"]), String::new()).await,
        Ok(1)
    );
    assert_eq!(
        count(
            app.employee_token(&p["BOSS"]),
            format!("manager_id={}", p["BOSS"])
        )
        .await,
        Ok(1)
    );
    assert_eq!(
        count(
            app.employee_token(&p["BOSS"]),
            format!("manager_id={}&overdue=true", p["BOSS"])
        )
        .await,
        Ok(1)
    );
    assert_eq!(
        count(
            app.employee_token(&p["DEV2"]),
            format!("manager_id={}", p["BOSS"])
        )
        .await,
        Err(403)
    );
    assert_eq!(
        count(
            app.employee_token(&p["DEV2"]),
            format!("employee_id={}", p["DEV1"])
        )
        .await,
        Err(403)
    );
    assert_eq!(
        count(app.employee_token(&p["BOSS"]), format!("org_unit_id={eng}")).await,
        Err(403),
        "units are for admins"
    );
    assert_eq!(count(ld(&app), format!("org_unit_id={eng}")).await, Ok(1));
    assert_eq!(
        count(ld(&app), "org_unit_id=x".into()).await,
        Err(400),
        "not an id"
    );
    assert_eq!(count(ld(&app), "overdue=true".into()).await, Ok(1));
    assert_eq!(count(ld(&app), String::new()).await, Ok(2));
}

#[tokio::test]
async fn bulk_assignment_covers_a_unit_tree_or_a_level_band_and_is_idempotent() {
    let app = TestApp::spawn().await;
    let (p, course, eng) = org(&app).await;
    let bulk = json!({ "course_id": course, "org_unit_id": eng, "due_date": "2030-06-30" });
    let first = body(
        app.post("/api/v1/enrollments:bulk", &ld(&app), bulk.clone())
            .await,
    )
    .await;
    assert_eq!(
        (first["created"].clone(), first["failed"].clone()),
        (json!(4), json!(1)),
        "{first}"
    );
    let gone = first["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["employee_id"] == p["GONE"].as_str())
        .expect("gone");
    assert_eq!(gone["error"]["code"], "employee_terminated");
    let again = body(app.post("/api/v1/enrollments:bulk", &ld(&app), bulk).await).await;
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (json!(0), json!(4))
    );

    let band = body(
        app.post(
            "/api/v1/enrollments:bulk",
            &ld(&app),
            json!({ "course_id": course, "job_levels": { "min": 3, "max": 3 } }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (band["created"].clone(), band["unchanged"].clone()),
        (json!(1), json!(1)),
        "DEV1 (enrolled) and PEER are level 3: {band}"
    );

    let lead = app.employee_token(&p["LEAD"]);
    let res = app
        .post(
            "/api/v1/enrollments:bulk",
            &lead,
            json!({ "course_id": course, "org_unit_id": eng }),
        )
        .await;
    assert_eq!(res.status(), 403, "whole units are ld_admin's");
    let res = app
        .post(
            "/api/v1/enrollments:bulk",
            &ld(&app),
            json!({ "course_id": course, "org_unit_id": eng, "employee_ids": [] }),
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_manager_bulk_assigns_only_their_reports() {
    let app = TestApp::spawn().await;
    let (p, _, _) = org(&app).await;
    let res = app
        .post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "SAFE-1", "title": "Safety", "estimated_minutes": 30 }),
        )
        .await;
    let course = body(res).await["id"].clone();
    let lead = app.employee_token(&p["LEAD"]);
    let out = body(
        app.post("/api/v1/enrollments:bulk", &lead, json!({ "course_id": course, "employee_ids": [p["DEV1"], p["DEV2"], p["PEER"], p["BOSS"], "0192f1c0-0000-7000-8000-00000000abcd"] }))
            .await,
    )
    .await;
    let outcome: Vec<(String, String)> = out["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().expect("o").to_owned(),
                r["error"]["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outcome,
        [
            ("created", ""),
            ("created", ""),
            ("error", "forbidden"),
            ("error", "forbidden"),
            ("error", "not_found")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

#[tokio::test]
async fn a_bulk_assignment_with_an_idempotency_key_is_answered_once_and_replayed() {
    let app = TestApp::spawn().await;
    let (_, course, eng) = org(&app).await;
    let send = |bulk: Value| {
        app.client
            .post(format!("{}/api/v1/enrollments:bulk", app.base))
            .bearer_auth(ld(&app))
            .header("idempotency-key", "assign-eng-1")
            .json(&bulk)
            .send()
    };
    let bulk = json!({ "course_id": course, "org_unit_id": eng });
    let first = send(bulk.clone()).await.expect("send");
    assert_eq!(first.status(), 200);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = body(first).await;
    assert_eq!(first["created"], 4);

    let again = send(bulk).await.expect("send");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(
        body(again).await,
        first,
        "the first answer, not a second run"
    );

    let other = send(json!({ "course_id": course, "job_levels": { "min": 3, "max": 3 } }))
        .await
        .expect("send");
    assert_eq!(other.status(), 422);
    assert_eq!(body(other).await["code"], "idempotency_key_reused");
}
