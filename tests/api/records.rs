use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

async fn import(app: &TestApp, rows: Value) -> Value {
    let res = app
        .post(
            "/api/v1/learning-records:import",
            &ld(app),
            json!({ "rows": rows }),
        )
        .await;
    assert_eq!(res.status(), 200);
    body(res).await
}

async fn records(app: &TestApp, token: &str, query: &str) -> Result<Vec<Value>, u16> {
    let res = app
        .get(&format!("/api/v1/learning-records?{query}"), token)
        .await;
    if res.status() != 200 {
        return Err(res.status().as_u16());
    }
    Ok(body(res).await["items"].as_array().expect("items").clone())
}

#[tokio::test]
async fn an_lms_export_is_imported_once_and_completes_open_enrolments() {
    let app = TestApp::spawn().await;
    let p = ids(&app
        .sync(json!([person("A1", None), person("A2", Some("A1"))]))
        .await);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "GDPR", "title": "Data protection", "estimated_minutes": 45 }),
        )
        .await,
    )
    .await;
    let a2 = app.employee_token(&p["A2"]);
    let enrolment = body(
        app.post(
            "/api/v1/enrollments",
            &a2,
            json!({ "course_id": course["id"] }),
        )
        .await,
    )
    .await;

    let rows = json!([
        { "employee_external_id": "A2", "course_code": "gdpr", "completed_on": "2026-03-02", "score": 91 },
        { "employee_email": "A1@example.com", "title": "Conference talk", "minutes": 50, "completed_on": "2026-03-03" },
        { "employee_external_id": "NOBODY", "course_code": "GDPR", "completed_on": "2026-03-02" },
        { "employee_external_id": "A1", "course_code": "NOPE", "completed_on": "2026-03-02" },
        { "employee_external_id": "A1", "title": "Future", "minutes": 10, "completed_on": "2999-01-01" },
        { "employee_external_id": "A1", "title": "No length", "completed_on": "2026-03-02" },
    ]);
    let first = import(&app, rows.clone()).await;
    assert_eq!(
        (first["created"].clone(), first["failed"].clone()),
        (json!(2), json!(4)),
        "{first}"
    );
    assert_eq!(first["enrollments_completed"], 1);
    let codes: Vec<&str> = first["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["error"]["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "unknown_employee",
            "unknown_course",
            "validation_failed",
            "validation_failed"
        ]
    );
    assert_eq!(first["results"][4]["error"]["field"], "completed_on");
    assert_eq!(first["results"][5]["error"]["field"], "minutes");

    let again = import(&app, rows).await;
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (json!(0), json!(2)),
        "a replay writes nothing"
    );
    let mine = records(&app, &a2, "").await.expect("own records");
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (
            mine[0]["title"].clone(),
            mine[0]["minutes"].clone(),
            mine[0]["source"].clone()
        ),
        (json!("Data protection"), json!(45), json!("import"))
    );
    let done = body(
        app.get(
            &format!(
                "/api/v1/enrollments/{}",
                enrolment["id"].as_str().expect("id")
            ),
            &a2,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            done["status"].clone(),
            done["completed_on"].clone(),
            done["score"].clone()
        ),
        (json!("completed"), json!("2026-03-02"), json!(91.0))
    );
}

#[tokio::test]
async fn a_csv_export_imports_like_json_and_bad_rows_are_named() {
    let app = TestApp::spawn().await;
    ids(&app.sync(json!([person("C1", None)])).await);
    let send = |csv: &'static str| {
        app.client
            .post(format!("{}/api/v1/learning-records:import", app.base))
            .bearer_auth(ld(&app))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let res = send("employee_external_id,title,minutes,completed_on,source_id\nC1,Workshop,90,2026-02-01,lms-77\n").await.expect("send");
    assert_eq!(body(res).await["created"], 1);
    let res =
        send("employee_external_id,title,minutes,completed_on\nC1,Workshop,ninety,2026-02-01\n")
            .await
            .expect("send");
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["errors"][0]["field"], "records[0]");
}

#[tokio::test]
async fn records_are_seen_by_their_person_and_managers_and_only_ld_admin_imports() {
    let app = TestApp::spawn().await;
    let p = ids(&app
        .sync(json!([
            person("M", None),
            person("R", Some("M")),
            person("X", None)
        ]))
        .await);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "C", "title": "Course", "estimated_minutes": 30 }),
        )
        .await,
    )
    .await;
    let r = app.employee_token(&p["R"]);
    let e = body(
        app.post(
            "/api/v1/enrollments",
            &r,
            json!({ "course_id": course["id"] }),
        )
        .await,
    )
    .await;
    let res = app
        .client
        .patch(format!(
            "{}/api/v1/enrollments/{}",
            app.base,
            e["id"].as_str().expect("id")
        ))
        .bearer_auth(&r)
        .header("if-match", "\"1\"")
        .json(&json!({ "status": "completed" }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    let own = records(&app, &r, "").await.expect("own");
    assert_eq!(
        (
            own.len(),
            own[0]["minutes"].clone(),
            own[0]["source"].clone()
        ),
        (1, json!(30), json!("manual")),
        "completing records the learning"
    );

    let of_r = format!("employee_id={}", p["R"]);
    assert_eq!(
        records(&app, &app.employee_token(&p["M"]), &of_r)
            .await
            .map(|v| v.len()),
        Ok(1)
    );
    assert_eq!(
        records(&app, &app.employee_token(&p["X"]), &of_r).await,
        Err(403)
    );
    assert_eq!(records(&app, &app.hr(), "").await.map(|v| v.len()), Ok(1));
    let res = app
        .post("/api/v1/learning-records:import", &r, json!({ "rows": [] }))
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn an_import_with_an_idempotency_key_is_replayed_and_the_key_is_refused_for_another_file() {
    let app = TestApp::spawn().await;
    ids(&app.sync(json!([person("I1", None)])).await);
    let send = |csv: &'static str| {
        app.client
            .post(format!("{}/api/v1/learning-records:import", app.base))
            .bearer_auth(ld(&app))
            .header("content-type", "text/csv")
            .header("idempotency-key", "lms-export-2026-02")
            .body(csv)
            .send()
    };
    let file = "employee_external_id,title,minutes,completed_on,source_id\nI1,Workshop,90,2026-02-01,lms-1\n";
    let first = body(send(file).await.expect("send")).await;
    assert_eq!(first["created"], 1);
    let again = send(file).await.expect("send");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(body(again).await, first);
    let other = send(
        "employee_external_id,title,minutes,completed_on,source_id\nI1,Other,30,2026-02-02,lms-2\n",
    )
    .await
    .expect("send");
    assert_eq!(other.status(), 422);
    assert_eq!(body(other).await["code"], "idempotency_key_reused");
}
