//! LMS imports on day one: learning time as xAPI makes it, re-imports that answer their record,
//! CSV as LMSs export it, and overdue lists without leavers.

use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

async fn course(app: &TestApp, code: &str, minutes: i64) -> String {
    let res = app
        .post(
            "/api/v1/courses",
            &ld(app),
            json!({ "code": code, "title": format!("Course {code}"), "estimated_minutes": minutes }),
        )
        .await;
    assert_eq!(res.status(), 201);
    body(res).await["id"].as_str().expect("id").to_owned()
}

async fn import(app: &TestApp, query: &str, rows: Value) -> Value {
    let res = app
        .post(
            &format!("/api/v1/learning-records:import{query}"),
            &ld(app),
            json!({ "rows": rows }),
        )
        .await;
    assert_eq!(res.status(), 200);
    body(res).await
}

async fn csv(app: &TestApp, query: &str, file: &str) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/learning-records:import{query}",
            app.base
        ))
        .bearer_auth(ld(app))
        .header("content-type", "text/csv")
        .body(file.to_owned())
        .send()
        .await
        .expect("send")
}

async fn entries(app: &TestApp, employee: &str) -> Vec<Value> {
    let res = app
        .get(
            &format!("/api/v1/time-entries?employee_id={employee}&from=2026-01-01&to=2026-12-31"),
            &ld(app),
        )
        .await;
    assert_eq!(res.status(), 200);
    body(res).await["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn an_imported_completion_makes_its_learning_time_and_says_where_the_minutes_came_from() {
    let app = TestApp::spawn().await;
    let p = ids(&app
        .sync(json!([person("L1", None), person("L2", None)]))
        .await);
    let gdpr = course(&app, "GDPR", 45).await;
    let rows = json!([
        { "employee_external_id": "L1", "course_code": "GDPR", "completed_on": "2026-03-02" },
        { "employee_external_id": "L1", "title": "Conference talk", "minutes": 50, "completed_on": "2026-03-03" },
        { "employee_external_id": "L1", "title": "Too long", "minutes": 1500, "completed_on": "2026-03-04" },
    ]);
    let first = import(&app, "", rows.clone()).await;
    assert_eq!(first["created"], 3, "{first}");
    assert_eq!(
        (
            first["minutes_from_row"].as_u64(),
            first["minutes_from_course_estimate"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(first["results"][0]["minutes_from"], "course_estimate");
    assert_eq!(first["results"][1]["minutes_from"], "row");
    assert_eq!(
        first["time_entries_created"], 2,
        "a day holds at most 24 hours: {first}"
    );
    assert!(first["results"][2].get("time_entry_id").is_none());
    let logged = entries(&app, &p["L1"]).await;
    assert_eq!(logged.len(), 2);
    let gdpr_entry = logged
        .iter()
        .find(|e| e["course_id"] == gdpr.as_str())
        .expect("the course's entry");
    assert_eq!(
        (
            gdpr_entry["minutes"].as_i64(),
            gdpr_entry["date"].as_str(),
            gdpr_entry["in_work_time"].as_bool(),
            gdpr_entry["category"].as_str(),
            gdpr_entry["approval"].as_str(),
        ),
        (
            Some(45),
            Some("2026-03-02"),
            Some(true),
            Some("assigned"),
            Some("approved")
        )
    );
    assert_eq!(
        gdpr_entry["learning_record_id"],
        first["results"][0]["record_id"]
    );
    let talk = logged
        .iter()
        .find(|e| e["course_id"].is_null())
        .expect("the talk's entry");
    assert_eq!(
        (talk["minutes"].as_i64(), talk["category"].as_str()),
        (Some(50), Some("role_related"))
    );

    let again = import(&app, "", rows).await;
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3))
    );
    for i in 0..3 {
        assert_eq!(
            again["results"][i]["record_id"], first["results"][i]["record_id"],
            "a re-imported row answers the record it is"
        );
    }
    assert_eq!(
        entries(&app, &p["L1"]).await.len(),
        2,
        "and logs no time twice"
    );

    let quiet = import(
        &app,
        "?learning_time=false",
        json!([{ "employee_external_id": "L2", "course_code": "GDPR", "completed_on": "2026-03-02" }]),
    )
    .await;
    assert_eq!(
        (
            quiet["created"].as_u64(),
            quiet["time_entries_created"].as_u64()
        ),
        (Some(1), Some(0))
    );
    assert!(
        entries(&app, &p["L2"]).await.is_empty(),
        "learning_time=false records the learning only"
    );
}

#[tokio::test]
async fn a_semicolon_separated_export_with_its_own_headers_is_imported_through_a_column_mapping() {
    let app = TestApp::spawn().await;
    let p = ids(&app.sync(json!([person("S1", None)])).await);
    course(&app, "SEC-1", 30).await;
    let file = "\u{feff}User ID;Kurs;Abschluss;Dauer;Punkte;Abteilung\n\
                S1;SEC-1;2026-02-01;;87,5;IT\n\
                S1;;2026-02-02;40;;IT\n";
    let query = "?employee_external_id_column=user%20id&course_code_column=KURS\
                 &completed_on_column=Abschluss&minutes_column=Dauer&score_column=Punkte";
    let refused = csv(&app, query, file).await;
    assert_eq!(
        refused.status(),
        400,
        "an unmapped column is refused unless ignored"
    );
    let refused = body(refused).await;
    assert_eq!(refused["code"], "invalid_csv");
    let ok = csv(
        &app,
        &format!("{query}&other_columns=ignore&delimiter=semicolon"),
        file,
    )
    .await;
    assert_eq!(ok.status(), 200);
    let ok = body(ok).await;
    assert_eq!(
        (ok["created"].as_u64(), ok["failed"].as_u64()),
        (Some(1), Some(1)),
        "{ok}"
    );
    assert_eq!(
        ok["results"][1]["error"]["field"], "title",
        "row 2 has neither course nor title"
    );
    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={}", p["S1"]),
            &ld(&app),
        )
        .await,
    )
    .await;
    let r = &records["items"][0];
    assert_eq!(
        (r["score"].as_f64(), r["minutes"].as_i64()),
        (Some(87.5), Some(30))
    );

    let auto = "EMPLOYEE_EXTERNAL_ID;Title;Minutes;Completed_On\nS1;Workshop;90;2026-02-03\n";
    let res = csv(&app, "", auto).await;
    assert_eq!(
        res.status(),
        200,
        "the separator is detected and headers match in any case"
    );
    assert_eq!(body(res).await["created"], 1);

    let missing = csv(&app, "?minutes_column=Duration", auto).await;
    assert_eq!(missing.status(), 400);
    assert_eq!(body(missing).await["errors"][0]["field"], "header");
    let bad = csv(
        &app,
        "",
        "employee_external_id;title;minutes;completed_on\nS1;X;lots;2026-02-03\n",
    )
    .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(body(bad).await["errors"][0]["field"], "records[0]");
}

#[tokio::test]
async fn the_overdue_list_leaves_out_people_who_have_left() {
    let app = TestApp::spawn().await;
    let p = ids(&app
        .sync(json!([person("O1", None), person("O2", None)]))
        .await);
    let rust = course(&app, "RUST-1", 240).await;
    for who in ["O1", "O2"] {
        let res = app
            .post(
                "/api/v1/enrollments",
                &ld(&app),
                json!({ "course_id": rust, "employee_id": p[who], "due_date": "2026-01-31" }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let overdue = || async {
        let res = app.get("/api/v1/enrollments?overdue=true", &ld(&app)).await;
        assert_eq!(res.status(), 200);
        body(res).await["items"].as_array().expect("items").clone()
    };
    assert_eq!(overdue().await.len(), 2);
    let leave = json!({ "records": [{ "external_id": "O2", "status": "terminated", "termination_date": "2026-02-15" }] });
    let res = app
        .post("/api/v1/hris/employees:sync?mode=merge", &app.hr(), leave)
        .await;
    assert_eq!(res.status(), 200);
    let left = overdue().await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["employee_id"], p["O1"].as_str());
    let all = body(app.get("/api/v1/enrollments", &ld(&app)).await).await;
    assert_eq!(
        all["items"].as_array().map(Vec::len),
        Some(2),
        "the enrolment itself is kept"
    );
}

#[tokio::test]
async fn the_same_completion_makes_the_same_learning_time_over_xapi_and_by_import() {
    let app = TestApp::spawn().await;
    let p = ids(&app
        .sync(json!([person("X1", None), person("X2", None)]))
        .await);
    let res = app
        .post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "SAFE-1", "title": "Safety basics", "estimated_minutes": 45,
                    "xapi_activity_id": "https://lms.example.com/course/safe-1" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    import(
        &app,
        "",
        json!([{ "employee_external_id": "X1", "course_code": "SAFE-1", "minutes": 50, "completed_on": "2026-03-02" }]),
    )
    .await;
    let lms = app.token_for("lms", &[], &["xapi:write"], None);
    let statement = json!({
        "actor": { "objectType": "Agent", "mbox": "mailto:x2@example.com" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/completed" },
        "object": { "id": "https://lms.example.com/course/safe-1" },
        "result": { "duration": "PT50M" },
        "timestamp": "2026-03-02T09:00:00Z"
    });
    let res = app
        .client
        .post(format!("{}/xapi/statements", app.base))
        .bearer_auth(lms)
        .header("X-Experience-API-Version", "1.0.3")
        .json(&statement)
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    app.projected().await;
    let shape = |e: &Value| {
        (
            e["minutes"].clone(),
            e["date"].clone(),
            e["in_work_time"].clone(),
            e["category"].clone(),
            e["approval"].clone(),
            e["course_id"].clone(),
            e["learning_record_id"].is_string(),
        )
    };
    let by_import = entries(&app, &p["X1"]).await;
    let by_xapi = entries(&app, &p["X2"]).await;
    assert_eq!(
        (by_import.len(), by_xapi.len()),
        (1, 1),
        "{by_import:?} {by_xapi:?}"
    );
    assert_eq!(
        shape(&by_import[0]),
        shape(&by_xapi[0]),
        "one rule for both paths"
    );
    assert_eq!(
        (
            by_import[0]["decided_by"].as_str(),
            by_xapi[0]["decided_by"].as_str()
        ),
        (Some("import"), Some("xapi")),
        "each says who attested it"
    );
}
