use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};
use std::collections::HashMap;

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// BOSS <- LEAD <- DEV (20 h part-timer); PEER elsewhere. A 10% monthly policy with approval above 2 h.
async fn setup(app: &TestApp) -> HashMap<String, String> {
    let mut dev = person("DEV", Some("LEAD"));
    dev["contracted_hours_per_week"] = json!(20);
    dev["employment_type"] = json!("part_time");
    let p = ids(&app
        .sync(json!([
            person("BOSS", None),
            person("LEAD", Some("BOSS")),
            dev,
            person("PEER", None)
        ]))
        .await);
    let res = app
        .post("/api/v1/learning-time/policies", &ld(app), json!({ "name": "A day a fortnight", "share_percent": 10, "period": "month",
              "approval_threshold_minutes": 120, "carry_over_cap_hours": 4, "effective_from": "2026-01-01",
              "protected_slot": { "weekday": "thu", "start": "13:00", "end": "17:00" } }))
        .await;
    assert_eq!(res.status(), 201);
    p
}

async fn log(app: &TestApp, token: &str, entry: Value) -> reqwest::Response {
    app.post("/api/v1/time-entries", token, entry).await
}

#[tokio::test]
async fn policies_are_created_by_ld_admin_validated_and_only_ended() {
    let app = TestApp::spawn().await;
    let res = app
        .post("/api/v1/learning-time/policies", &ld(&app), json!({ "share_percent": 5, "fixed_hours_per_period": 8, "scope": "galaxy", "period": "year", "protected_slot": { "weekday": "someday", "start": "9", "end": "10:00" } }))
        .await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = body(res).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("f").to_owned())
        .collect();
    for f in [
        "name",
        "scope",
        "share_percent",
        "period",
        "protected_slot.weekday",
        "protected_slot.start",
        "effective_from",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
    let res = app
        .post(
            "/api/v1/learning-time/policies",
            &app.hr(),
            json!({ "name": "x", "share_percent": 5, "effective_from": "2026-01-01" }),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app.post("/api/v1/learning-time/policies", &ld(&app), json!({ "name": "Level 1", "scope": "job_level", "job_level": 1, "fixed_hours_per_period": 16, "period": "quarter", "effective_from": "2026-01-01" })).await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    assert_eq!(
        (
            created["fixed_hours_per_period"].clone(),
            created["job_level"].clone()
        ),
        (json!(16.0), json!(1))
    );
    let url = format!(
        "{}/api/v1/learning-time/policies/{}",
        app.base,
        created["id"].as_str().expect("id")
    );
    let end = |day: String| {
        app.client
            .patch(&url)
            .bearer_auth(ld(&app))
            .header("if-match", "\"1\"")
            .json(&json!({ "effective_to": day }))
            .send()
    };
    let res = end("2026-02-01".into()).await.expect("send");
    assert_eq!(res.status(), 422, "past periods are never rewritten");
    let today = chrono::Utc::now().date_naive().to_string();
    let res = end(today.clone()).await.expect("send");
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["effective_to"], today);
    let res = app
        .client
        .patch(&url)
        .bearer_auth(ld(&app))
        .header("if-match", "\"1\"")
        .json(&json!({ "name": "renamed" }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400, "nothing but the end date changes");
}

#[tokio::test]
async fn entries_are_checked_and_long_ones_wait_for_the_manager() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    let dev = app.employee_token(&p["DEV"]);
    let res = log(
        &app,
        &dev,
        json!({ "date": "2026-03-05", "minutes": 60, "category": "exploratory" }),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(body(res).await["approval"], "not_required");
    let long = body(log(&app, &dev, json!({ "date": "2026-03-06", "minutes": 180, "category": "role_related", "note": "Rust book" })).await).await;
    assert_eq!(long["approval"], "pending");

    let res = log(
        &app,
        &dev,
        json!({ "date": "2999-01-01", "minutes": 0, "category": "reading" }),
    )
    .await;
    let fields: Vec<String> = body(res).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("f").to_owned())
        .collect();
    assert_eq!(fields, ["minutes", "category"]);
    let res = log(
        &app,
        &dev,
        json!({ "date": "2999-01-01", "minutes": 10, "category": "assigned" }),
    )
    .await;
    assert_eq!(body(res).await["errors"][0]["field"], "date");
    let res = log(
        &app,
        &dev,
        json!({ "date": "2019-12-31", "minutes": 10, "category": "assigned" }),
    )
    .await;
    assert!(body(res).await["errors"][0]["message"]
        .as_str()
        .expect("m")
        .contains("hire date"));
    let res = log(
        &app,
        &dev,
        json!({ "date": "2026-03-05", "minutes": 1400, "category": "assigned" }),
    )
    .await;
    let problem = body(res).await;
    assert_eq!(problem["errors"][0]["field"], "minutes");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .expect("m")
        .contains("1380 minutes are left"));

    let peer = app.employee_token(&p["PEER"]);
    assert_eq!(log(&app, &peer, json!({ "employee_id": p["DEV"], "date": "2026-03-05", "minutes": 10, "category": "assigned" })).await.status(), 403);
    let boss = app.employee_token(&p["BOSS"]);
    assert_eq!(log(&app, &boss, json!({ "employee_id": p["DEV"], "date": "2026-03-09", "minutes": 30, "category": "assigned" })).await.status(), 201);

    let id = long["id"].as_str().expect("id");
    assert_eq!(
        app.get(&format!("/api/v1/time-entries/{id}"), &peer)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/time-entries/{id}:approve"),
            &dev,
            json!({})
        )
        .await
        .status(),
        403,
        "nobody approves their own"
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/time-entries/{id}:approve"),
            &peer,
            json!({})
        )
        .await
        .status(),
        404
    );
    let lead = app.employee_token(&p["LEAD"]);
    let res = app
        .post(
            &format!("/api/v1/time-entries/{id}:approve"),
            &lead,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["approval"], "approved");
    let res = app
        .post(
            &format!("/api/v1/time-entries/{id}:reject"),
            &lead,
            json!({}),
        )
        .await;
    assert_eq!(body(res).await["code"], "not_pending");

    let res = app
        .client
        .patch(format!("{}/api/v1/time-entries/{id}", app.base))
        .bearer_auth(&dev)
        .header("if-match", "\"2\"")
        .json(&json!({ "minutes": 200 }))
        .send()
        .await
        .expect("send");
    let edited = body(res).await;
    assert_eq!(
        (edited["approval"].clone(), edited["minutes"].clone()),
        (json!("pending"), json!(200)),
        "an edited approved entry goes back for approval"
    );
    let mine = body(
        app.get("/api/v1/time-entries?from=2026-03-01&to=2026-03-31", &dev)
            .await,
    )
    .await;
    assert_eq!(mine["items"].as_array().expect("items").len(), 3);
}

#[tokio::test]
async fn summaries_add_allocation_use_and_on_top_learning_and_list_people_only_to_those_allowed() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    let dev = app.employee_token(&p["DEV"]);
    let lead = app.employee_token(&p["LEAD"]);
    for (token, who, day, minutes, in_work, category) in [
        (&dev, &p["DEV"], "2026-03-03", 90, true, "exploratory"),
        (&dev, &p["DEV"], "2026-03-04", 30, false, "role_related"),
        (&lead, &p["LEAD"], "2026-03-04", 60, true, "assigned"),
        (&lead, &p["LEAD"], "2026-02-10", 120, true, "assigned"),
    ] {
        let res = log(&app, token, json!({ "employee_id": who, "date": day, "minutes": minutes, "in_work_time": in_work, "category": category })).await;
        assert_eq!(res.status(), 201);
    }
    // 10% of 20 h a week over March's 31 days: 20 * 60 * 0.1 * 31 / 7 = 531.4 minutes.
    let mine = body(
        app.get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-03&employee_id={}",
                p["DEV"]
            ),
            &dev,
        )
        .await,
    )
    .await;
    let t = &mine["totals"];
    assert_eq!(
        (mine["period_start"].clone(), mine["period_end"].clone()),
        (json!("2026-03-01"), json!("2026-03-31"))
    );
    assert_eq!(t["allocated_minutes"], 531);
    assert_eq!(
        (
            t["used_in_work_minutes"].clone(),
            t["used_outside_work_minutes"].clone()
        ),
        (json!(90), json!(30))
    );
    assert_eq!(t["on_top_share"], 0.25);
    assert_eq!(t["exploratory_share"], 0.75);
    assert_eq!(t["by_category_minutes"]["exploratory"], 90);
    // GraphQL shows the same totals from the same view, by category too.
    let q = "query($id: ID!) { employee(id: $id) { learningTime(period: { label: \"2026-03\" }) { totals { allocatedMinutes byCategory { category minutes } } } } }";
    let out = body(
        app.post(
            "/graphql",
            &dev,
            json!({ "query": q, "variables": { "id": p["DEV"] } }),
        )
        .await,
    )
    .await;
    let g = &out["data"]["employee"]["learningTime"]["totals"];
    assert_eq!(g["allocatedMinutes"], t["allocated_minutes"], "{out}");
    assert_eq!(
        g["byCategory"],
        json!([
            { "category": "ROLE_RELATED", "minutes": 30 },
            { "category": "EXPLORATORY", "minutes": 90 }
        ])
    );
    // February: 40 h * 0.1 * 28 / 7 = 960 allocated, 120 used: 840 unused, capped at 4 h.
    let lead_march = body(
        app.get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-03&employee_id={}",
                p["LEAD"]
            ),
            &lead,
        )
        .await,
    )
    .await;
    assert_eq!(lead_march["totals"]["carried_in_minutes"], 240);
    // A quarter is read from the quarterly sums: February's and March's entries together.
    let lead_q1 = body(
        app.get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-Q1&employee_id={}",
                p["LEAD"]
            ),
            &lead,
        )
        .await,
    )
    .await;
    assert_eq!(lead_q1["totals"]["used_in_work_minutes"], 180);
    // A week is read from the entries themselves: ISO week 10 holds DEV's 3 and 4 March.
    let week = body(
        app.get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-W10&employee_id={}",
                p["DEV"]
            ),
            &dev,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            week["period_start"].clone(),
            week["totals"]["used_in_work_minutes"].clone(),
            week["totals"]["used_outside_work_minutes"].clone(),
            week["totals"]["by_category_minutes"]["role_related"].clone(),
        ),
        (json!("2026-03-02"), json!(90), json!(30), json!(30))
    );

    let team = body(
        app.get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-Q1&manager_id={}&include_people=true",
                p["LEAD"]
            ),
            &lead,
        )
        .await,
    )
    .await;
    assert_eq!(team["totals"]["people"], 1);
    assert_eq!(team["people"][0]["employee_id"], p["DEV"].as_str());
    let res = app
        .get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-Q1&manager_id={}",
                p["LEAD"]
            ),
            &dev,
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-03&employee_id={}",
                p["DEV"]
            ),
            &app.employee_token(&p["PEER"]),
        )
        .await;
    assert_eq!(res.status(), 403);

    let org = body(
        app.get(
            "/api/v1/learning-time/summary?period=2026-03&include_people=true",
            &dev,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            org["totals"]["suppressed"].clone(),
            org["totals"]["suppression_reason"].clone(),
            org["totals"]["people"].clone()
        ),
        (json!(true), json!("below_minimum"), Value::Null),
        "four people are below the minimum group size for a colleague: {org}"
    );
    assert!(
        org.get("people").is_none(),
        "colleagues appear only in aggregate: {org}"
    );
    let org = body(
        app.get("/api/v1/learning-time/summary?period=2026-03", &ld(&app))
            .await,
    )
    .await;
    assert!(org.get("people").is_none(), "people only when asked for");
    let org = body(
        app.get(
            "/api/v1/learning-time/summary?period=2026-03&include_people=true",
            &ld(&app),
        )
        .await,
    )
    .await;
    assert_eq!(org["totals"]["people"], 4);
    assert_eq!(org["people"].as_array().expect("people").len(), 4);
    let res = app
        .get("/api/v1/learning-time/summary?period=2026-13", &ld(&app))
        .await;
    assert_eq!(body(res).await["errors"][0]["field"], "period");
}

#[tokio::test]
async fn policies_come_a_page_at_a_time_in_creation_order() {
    let app = TestApp::spawn().await;
    let mut made = Vec::new();
    for share in [5, 10, 15] {
        let res = app
            .post(
                "/api/v1/learning-time/policies",
                &ld(&app),
                json!({ "name": format!("{share}%"), "share_percent": share, "effective_from": "2026-01-01" }),
            )
            .await;
        assert_eq!(res.status(), 201);
        made.push(body(res).await["id"].clone());
    }
    let got: Vec<_> = app
        .all_pages("/api/v1/learning-time/policies", &app.hr(), 2)
        .await
        .into_iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(got, made);
}
