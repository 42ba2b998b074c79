use crate::helpers::{body, ids, person, TestApp};
use reqwest::Method;
use serde_json::json;

/// boss <- mid <- junior, and a colleague elsewhere.
async fn team(app: &TestApp) -> std::collections::HashMap<String, String> {
    let sync = app
        .sync(json!([
            person("BOSS", None),
            person("MID", Some("BOSS")),
            person("JUNIOR", Some("MID")),
            person("PEER", None)
        ]))
        .await;
    ids(&sync)
}

#[tokio::test]
async fn hr_creates_an_employee_and_reads_the_full_record_with_an_etag() {
    let app = TestApp::spawn().await;
    let res = app
        .post("/api/v1/employees", &app.hr(), json!({ "email": "Ada@Example.com", "given_name": "Ada", "family_name": "Lovelace", "job_level": 4, "contracted_hours_per_week": 30 }))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let created = body(res).await;
    assert_eq!(created["details"]["email"], "ada@example.com");
    assert_eq!(created["details"]["status"], "active");
    let res = app
        .get(
            &format!("/api/v1/employees/{}", created["id"].as_str().expect("id")),
            &app.hr(),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        body(res).await["details"]["contracted_hours_per_week"],
        30.0
    );
}

#[tokio::test]
async fn invalid_employee_input_gets_every_field_error() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/employees",
            &app.hr(),
            json!({ "email": "nope", "job_level": 9, "hire_date": "2024-13-01" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem = body(res).await;
    assert_eq!(problem["code"], "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for f in [
        "email",
        "given_name",
        "family_name",
        "job_level",
        "hire_date",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

#[tokio::test]
async fn malformed_unknown_mistyped_and_oversized_bodies_get_precise_errors() {
    let app = TestApp::spawn_with(|s| s.server.json_limit_bytes = 2048).await;
    let url = format!("{}/api/v1/employees", app.base);
    let send = |body: String, ct: &'static str| {
        app.client
            .post(&url)
            .bearer_auth(app.hr())
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let res = send("{\"email\": ".into(), "application/json")
        .await
        .expect("send");
    assert_eq!(
        (res.status().as_u16(), body(res).await["code"].clone()),
        (400, json!("malformed_json"))
    );
    let res = send(
        json!({ "emial": "x@y.com" }).to_string(),
        "application/json",
    )
    .await
    .expect("send");
    let p = body(res).await;
    assert_eq!(p["code"], "unknown_field");
    assert_eq!(p["errors"][0]["field"], "emial");
    let res = send(
        json!({ "job_level": "three" }).to_string(),
        "application/json",
    )
    .await
    .expect("send");
    let p = body(res).await;
    assert_eq!(p["code"], "invalid_type");
    assert_eq!(p["errors"][0]["field"], "job_level");
    let res = send("x".repeat(5000), "application/json")
        .await
        .expect("send");
    assert_eq!(res.status(), 413);
    assert_eq!(body(res).await["code"], "payload_too_large");
    let res = send("email=x".into(), "application/x-www-form-urlencoded")
        .await
        .expect("send");
    assert_eq!(res.status(), 415);
    let valid =
        json!({ "email": "t@example.com", "given_name": "T", "family_name": "G", "job_level": 2 });
    let res = send(format!("{valid}garbage{{{{{{"), "application/json")
        .await
        .expect("send");
    let p = body(res).await;
    assert_eq!(
        p["code"], "malformed_json",
        "trailing garbage after the value: {p}"
    );
    let res = send(format!("{valid} {valid}"), "application/json")
        .await
        .expect("send");
    assert_eq!(res.status(), 400, "two values are not one body");
    let res = send(format!("{valid}\n  "), "application/json")
        .await
        .expect("send");
    assert_eq!(res.status(), 201, "trailing whitespace is fine");
}

#[tokio::test]
async fn an_employee_sees_their_own_record_and_only_directory_fields_of_colleagues() {
    let app = TestApp::spawn().await;
    let ids = team(&app).await;
    let me = app.employee_token(&ids["JUNIOR"]);
    let own = body(
        app.get(&format!("/api/v1/employees/{}", ids["JUNIOR"]), &me)
            .await,
    )
    .await;
    assert_eq!(own["view"], "full");
    assert!(own["details"]["email"].is_string());
    let res = app
        .get(&format!("/api/v1/employees/{}", ids["PEER"]), &me)
        .await;
    assert!(res.headers().get("etag").is_none());
    let peer = body(res).await;
    assert_eq!(peer["view"], "directory");
    assert!(
        peer.get("details").is_none(),
        "no email, level or dates of colleagues: {peer}"
    );
    assert!(peer["family_name"].is_string());
    let list = body(app.get("/api/v1/employees", &me).await).await;
    for e in list["items"].as_array().expect("items") {
        assert_eq!(e["view"] == "full", e["id"] == ids["JUNIOR"].as_str());
    }
}

#[tokio::test]
async fn a_manager_sees_full_records_of_transitive_reports_only() {
    let app = TestApp::spawn().await;
    let ids = team(&app).await;
    let boss = app.employee_token(&ids["BOSS"]);
    for who in ["MID", "JUNIOR"] {
        let e = body(
            app.get(&format!("/api/v1/employees/{}", ids[who]), &boss)
                .await,
        )
        .await;
        assert_eq!(e["view"], "full", "{who}");
    }
    assert_eq!(
        body(
            app.get(&format!("/api/v1/employees/{}", ids["PEER"]), &boss)
                .await
        )
        .await["view"],
        "directory"
    );
    let mid = app.employee_token(&ids["MID"]);
    assert_eq!(
        body(
            app.get(&format!("/api/v1/employees/{}", ids["BOSS"]), &mid)
                .await
        )
        .await["view"],
        "directory"
    );
    let reports = body(
        app.get(
            &format!("/api/v1/employees/{}/reports?depth=all", ids["BOSS"]),
            &boss,
        )
        .await,
    )
    .await;
    let names: Vec<_> = reports["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["details"]["external_id"].clone())
        .collect();
    assert_eq!(names, vec![json!("MID"), json!("JUNIOR")]);
    let direct = body(
        app.get(&format!("/api/v1/employees/{}/reports", ids["BOSS"]), &boss)
            .await,
    )
    .await;
    assert_eq!(direct["items"].as_array().expect("items").len(), 1);
}

#[tokio::test]
async fn only_hr_and_hris_clients_change_people() {
    let app = TestApp::spawn().await;
    let ids = team(&app).await;
    let new =
        json!({ "email": "x@example.com", "given_name": "X", "family_name": "Y", "job_level": 1 });
    for token in [
        app.token_for("ld", &["ld_admin"], &[], None),
        app.employee_token(&ids["BOSS"]),
        app.token_for(
            "adv",
            &["performance_advisor", "coach", "mentor"],
            &[],
            None,
        ),
    ] {
        assert_eq!(
            app.post("/api/v1/employees", &token, new.clone())
                .await
                .status(),
            403
        );
        let res = app
            .client
            .patch(format!("{}/api/v1/employees/{}", app.base, ids["JUNIOR"]))
            .bearer_auth(token)
            .header("if-match", "\"1\"")
            .json(&json!({ "job_title": "Hacker" }))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 403);
    }
    let hris = app.token_for("hris", &[], &["hris:write"], None);
    assert_eq!(
        app.post("/api/v1/employees", &hris, new).await.status(),
        201
    );
}

#[tokio::test]
async fn patch_needs_the_current_etag_and_refuses_a_stale_one() {
    let app = TestApp::spawn().await;
    let ids = team(&app).await;
    let url = format!("{}/api/v1/employees/{}", app.base, ids["JUNIOR"]);
    let patch = |etag: Option<&'static str>, body: serde_json::Value| {
        let mut r = app.client.patch(&url).bearer_auth(app.hr()).json(&body);
        if let Some(e) = etag {
            r = r.header("if-match", e);
        }
        r.send()
    };
    let res = patch(None, json!({ "job_title": "Analyst" }))
        .await
        .expect("send");
    assert_eq!(res.status(), 428);
    let res = patch(
        Some("\"1\""),
        json!({ "job_title": "Analyst", "location": null }),
    )
    .await
    .expect("send");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    assert_eq!(body(res).await["job_title"], "Analyst");
    let res = patch(Some("\"1\""), json!({ "job_title": "Lost update" }))
        .await
        .expect("send");
    assert_eq!(res.status(), 412);
    assert_eq!(body(res).await["code"], "version_mismatch");
    // Making BOSS report to JUNIOR would close a cycle.
    let boss_url = format!("{}/api/v1/employees/{}", app.base, ids["BOSS"]);
    let res = app
        .client
        .patch(&boss_url)
        .bearer_auth(app.hr())
        .header("if-match", "\"1\"")
        .json(&json!({ "manager_id": ids["JUNIOR"] }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["code"], "manager_cycle");
}

#[tokio::test]
async fn the_list_filters_by_unit_subtree_status_level_and_text_with_stable_cursors() {
    let app = TestApp::spawn().await;
    let dept = app.unit("Engineering", "U-ENG", None).await;
    let team_unit = app.unit("Platform", "U-PLAT", Some(&dept)).await;
    app.unit("Sales", "U-SALES", None).await;
    let mut records = Vec::new();
    for i in 0..7 {
        let mut p = person(&format!("P{i}"), None);
        p["org_unit_external_id"] = json!(if i < 2 {
            "U-ENG"
        } else if i < 5 {
            "U-PLAT"
        } else {
            "U-SALES"
        });
        p["job_level"] = json!(if i % 2 == 0 { 2 } else { 5 });
        if i == 3 {
            p["status"] = json!("terminated");
            p["termination_date"] = json!("2024-06-30");
        }
        p["given_name"] = json!(if i == 6 { "Zelda" } else { "Given" });
        records.push(p);
    }
    app.sync(json!(records)).await;
    let hr = app.hr();
    let count = |q: String| {
        let app = &app;
        let hr = hr.clone();
        async move {
            let b = body(app.get(&format!("/api/v1/employees?{q}"), &hr).await).await;
            b["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{q}: {b}"))
                .len()
        }
    };
    assert_eq!(
        count(format!("org_unit_id={dept}")).await,
        5,
        "unit and descendants"
    );
    assert_eq!(count(format!("org_unit_id={team_unit}")).await, 3);
    assert_eq!(count("status=terminated".into()).await, 1);
    assert_eq!(count("job_level=5".into()).await, 3);
    assert_eq!(count("q=zel".into()).await, 1);
    assert_eq!(count("q=p6%40example".into()).await, 1, "email text");
    let res = app.get("/api/v1/employees?status=gone", &hr).await;
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["errors"][0]["field"], "status");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map_or(String::from("first=3"), |c| format!("first=3&after={c}"));
        let page = body(app.get(&format!("/api/v1/employees?{q}"), &hr).await).await;
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|e| e["id"].as_str().expect("id").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.dedup();
    assert_eq!(seen.len(), 7);
    assert_eq!(sorted.len(), 7, "no duplicates across pages");
    assert_eq!(
        app.get("/api/v1/employees?after=garbage", &hr)
            .await
            .status(),
        400
    );
    assert_eq!(
        app.get("/api/v1/employees?first=500", &hr).await.status(),
        400
    );
}

#[tokio::test]
async fn unknown_query_parameters_are_refused() {
    let app = TestApp::spawn().await;
    let res = app
        .request(
            Method::GET,
            "/api/v1/employees?colour=blue",
            Some(&app.hr()),
            None,
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["code"], "invalid_query");
}

#[tokio::test]
async fn an_employee_filters_and_searches_only_on_what_they_may_read_of_everyone() {
    let app = TestApp::spawn().await;
    let mut away = person("AWAY", None);
    away["status"] = json!("leave");
    away["leave_start_date"] = json!("2026-01-05");
    away["given_name"] = json!("Quentin");
    away["email"] = json!("secret.address@example.com");
    let synced = app.sync(json!([person("ME", None), away])).await;
    assert_eq!(synced["counts"]["created"], 2, "{synced}");
    let p = ids(&synced);
    let me = app.employee_token(&p["ME"]);
    for (query, field) in [
        ("status=leave", "status"),
        ("status=terminated", "status"),
        ("job_level=3", "job_level"),
    ] {
        let res = app.get(&format!("/api/v1/employees?{query}"), &me).await;
        assert_eq!(res.status(), 400, "{query}");
        let b = body(res).await;
        assert_eq!(b["code"], "invalid_query", "{query}");
        assert_eq!(b["errors"][0]["field"], field, "{query}");
    }
    let found = |b: serde_json::Value| b["items"].as_array().map_or(0, Vec::len);
    let by_email = body(app.get("/api/v1/employees?q=secret.address", &me).await).await;
    assert_eq!(found(by_email), 0, "q is no oracle for email addresses");
    let by_name = body(app.get("/api/v1/employees?q=quent", &me).await).await;
    assert_eq!(found(by_name), 1, "names are searchable");
    let hr = app.hr();
    assert_eq!(
        found(body(app.get("/api/v1/employees?status=leave", &hr).await).await),
        1
    );
    assert_eq!(
        found(body(app.get("/api/v1/employees?q=secret.address", &hr).await).await),
        1
    );

    let gql = |token: String, filter: &'static str| {
        let app = &app;
        async move {
            let query = format!("{{ employees(filter: {filter}) {{ nodes {{ id }} }} }}");
            body(
                app.post("/graphql", &token, json!({ "query": query }))
                    .await,
            )
            .await
        }
    };
    for filter in ["{ status: LEAVE }", "{ jobLevel: 3 }"] {
        let answer = gql(me.clone(), filter).await;
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "invalid_query",
            "{filter}: {answer}"
        );
        assert!(answer["data"].is_null(), "{answer}");
    }
    let answer = gql(me.clone(), r#"{ q: "secret.address" }"#).await;
    assert_eq!(answer["data"]["employees"]["nodes"], json!([]), "{answer}");
    let answer = gql(hr, "{ status: LEAVE }").await;
    assert_eq!(
        answer["data"]["employees"]["nodes"][0]["id"],
        json!(p["AWAY"]),
        "{answer}"
    );
}
