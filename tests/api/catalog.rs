use crate::helpers::{body, TestApp};
use serde_json::{json, Value};

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

async fn skill(app: &TestApp, name: &str, parent: Option<&str>) -> String {
    let res = app
        .post(
            "/api/v1/skills",
            &ld(app),
            json!({ "name": name, "parent_id": parent }),
        )
        .await;
    assert_eq!(res.status(), 201);
    body(res).await["id"].as_str().expect("id").to_owned()
}

async fn course(app: &TestApp, input: Value) -> Value {
    let res = app.post("/api/v1/courses", &ld(app), input).await;
    assert_eq!(res.status(), 201);
    body(res).await
}

#[tokio::test]
async fn ld_admin_builds_the_catalog_and_everyone_reads_it() {
    let app = TestApp::spawn().await;
    let data = skill(&app, "Data", None).await;
    let sql = skill(&app, "SQL", Some(&data)).await;
    let c = course(
        &app,
        json!({ "code": "sql-101", "title": "SQL basics", "estimated_minutes": 90, "modality": "self_paced",
                "skill_ids": [sql, data], "xapi_activity_id": "https://lms.example.com/courses/sql-101" }),
    )
    .await;
    assert_eq!(c["code"], "SQL-101");
    assert_eq!(c["provider"], "internal");
    assert_eq!(c["skill_ids"].as_array().expect("skills").len(), 2);

    let reader = app.token_for(
        "someone",
        &["employee"],
        &[],
        Some("0192f1c0-0000-7000-8000-000000000001"),
    );
    let res = app
        .get(
            &format!("/api/v1/courses/{}", c["id"].as_str().expect("id")),
            &reader,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let skills = body(app.get("/api/v1/skills", &reader).await).await;
    assert_eq!(skills["items"].as_array().expect("skills").len(), 2);

    for token in [reader, app.hr()] {
        let res = app
            .post(
                "/api/v1/courses",
                &token,
                json!({ "code": "X", "title": "X", "estimated_minutes": 1 }),
            )
            .await;
        assert_eq!(res.status(), 403);
        assert_eq!(
            app.post("/api/v1/skills", &token, json!({ "name": "Y" }))
                .await
                .status(),
            403
        );
    }
    let lms = app.token_for("lms", &[], &["xapi:write"], None);
    assert_eq!(app.get("/api/v1/courses", &lms).await.status(), 403);
}

#[tokio::test]
async fn bad_courses_get_every_field_error_and_duplicates_a_conflict() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "no spaces", "modality": "telepathy", "estimated_minutes": 0,
              "xapi_activity_id": "not an iri", "skill_ids": ["nope"] }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem = body(res).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for f in [
        "code",
        "title",
        "modality",
        "estimated_minutes",
        "xapi_activity_id",
        "skill_ids[0]",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    course(
        &app,
        json!({ "code": "A-1", "title": "A", "estimated_minutes": 10 }),
    )
    .await;
    let res = app
        .post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "a-1", "title": "Again", "estimated_minutes": 10 }),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "duplicate");
    let res = app
        .post(
            "/api/v1/skills",
            &ld(&app),
            json!({ "name": "Orphan", "parent_id": "0192f1c0-0000-7000-8000-000000000009" }),
        )
        .await;
    assert_eq!(body(res).await["errors"][0]["field"], "parent_id");
}

#[tokio::test]
async fn the_catalog_is_searched_filtered_and_paged_and_archived_courses_are_hidden() {
    let app = TestApp::spawn().await;
    let lead = skill(&app, "Leadership", None).await;
    course(&app, json!({ "code": "LEAD-1", "title": "Leading teams", "estimated_minutes": 120, "skill_ids": [lead], "level": "beginner" })).await;
    course(&app, json!({ "code": "LEAD-2", "title": "Coaching conversations", "description": "For new managers", "estimated_minutes": 60, "skill_ids": [lead], "modality": "classroom" })).await;
    let old = course(
        &app,
        json!({ "code": "OLD", "title": "Fax machines", "estimated_minutes": 30 }),
    )
    .await;
    for i in 0..4 {
        course(&app, json!({ "code": format!("GEN-{i}"), "title": format!("General {i}"), "estimated_minutes": 15 })).await;
    }
    let url = format!(
        "{}/api/v1/courses/{}",
        app.base,
        old["id"].as_str().expect("id")
    );
    let res = app
        .client
        .patch(&url)
        .bearer_auth(ld(&app))
        .header("if-match", "\"1\"")
        .json(&json!({ "archived": true }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);

    let count = |q: &str| {
        let (app, q) = (&app, q.to_owned());
        async move {
            body(app.get(&format!("/api/v1/courses?{q}"), &app.hr()).await).await["items"]
                .as_array()
                .expect("items")
                .len()
        }
    };
    assert_eq!(count("q=MANAGERS").await, 1, "description text");
    assert_eq!(count(&format!("skill_id={lead}")).await, 2);
    assert_eq!(count("modality=classroom").await, 1);
    assert_eq!(count("level=beginner").await, 1);
    assert_eq!(count("first=200").await, 6, "archived hidden");
    assert_eq!(count("include_archived=true").await, 7);
    let res = app
        .get("/api/v1/courses?modality=telepathy", &app.hr())
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["errors"][0]["field"], "modality");

    let page = body(app.get("/api/v1/courses?first=4", &app.hr()).await).await;
    let next = page["next_cursor"].as_str().expect("cursor");
    let rest = body(
        app.get(&format!("/api/v1/courses?first=4&after={next}"), &app.hr())
            .await,
    )
    .await;
    assert_eq!(rest["items"].as_array().expect("items").len(), 2);
    assert!(rest.get("next_cursor").is_none());
}

#[tokio::test]
async fn courses_change_only_with_the_current_version() {
    let app = TestApp::spawn().await;
    let c = course(&app, json!({ "code": "V", "title": "Versioned", "description": "Old text", "estimated_minutes": 10 })).await;
    let url = format!(
        "{}/api/v1/courses/{}",
        app.base,
        c["id"].as_str().expect("id")
    );
    let patch = |etag: Option<&'static str>, body: Value| {
        let mut req = app.client.patch(&url).bearer_auth(ld(&app)).json(&body);
        if let Some(e) = etag {
            req = req.header("if-match", e);
        }
        req.send()
    };
    assert_eq!(
        patch(None, json!({ "title": "New" }))
            .await
            .expect("send")
            .status(),
        428
    );
    let res = patch(
        Some("\"1\""),
        json!({ "title": "New", "description": null }),
    )
    .await
    .expect("send");
    assert_eq!(res.headers()["etag"], "\"2\"");
    let updated = body(res).await;
    assert_eq!(updated["title"], "New");
    assert!(updated["description"].is_null());
    let res = patch(Some("\"1\""), json!({ "title": "Lost update" }))
        .await
        .expect("send");
    assert_eq!(res.status(), 412);
    assert_eq!(body(res).await["code"], "version_mismatch");
}

#[tokio::test]
async fn graphql_lists_courses_with_their_skills() {
    let app = TestApp::spawn().await;
    let s = skill(&app, "Negotiation", None).await;
    for i in 0..3 {
        course(&app, json!({ "code": format!("N-{i}"), "title": format!("Negotiation {i}"), "estimated_minutes": 45, "skill_ids": [s] })).await;
    }
    let q = "{ courses(first: 2, filter: { q: \"negotiation\" }) { nodes { code skills { name } } pageInfo { hasNextPage } } skills { nodes { name } } }";
    // The fewer of two runs: a background task (the projector's periodic look at its queue) may
    // add statements to one of them, never remove any.
    let (_, first) = app
        .statements_of(app.post("/graphql", &app.hr(), json!({ "query": q })))
        .await;
    let (res, second) = app
        .statements_of(app.post("/graphql", &app.hr(), json!({ "query": q })))
        .await;
    let used = first.min(second);
    let out = body(res).await;
    assert!(out.get("errors").is_none(), "{out}");
    let nodes = out["data"]["courses"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0]["skills"][0]["name"], "Negotiation");
    assert_eq!(out["data"]["courses"]["pageInfo"]["hasNextPage"], true);
    assert!(used <= 5, "{used} statements");
}

#[tokio::test]
async fn the_taxonomy_comes_a_page_at_a_time_by_name() {
    let app = TestApp::spawn().await;
    let data = skill(&app, "Data", None).await;
    for name in ["SQL", "Python", "Statistics"] {
        skill(&app, name, Some(&data)).await;
    }
    skill(&app, "Negotiation", None).await;
    let reader = app.employee_token("0192f1c0-0000-7000-8000-000000000001");
    let pages = app.all_pages("/api/v1/skills", &reader, 2).await;
    let names: Vec<&str> = pages
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Data", "Negotiation", "Python", "SQL", "Statistics"]
    );
    assert_eq!(pages[3]["parent_id"], data.as_str());

    let q = "query($after: String) { skills(first: 4, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }";
    let first = app.gql(&reader, q, json!({})).await;
    let info = &first["data"]["skills"]["pageInfo"];
    assert_eq!(info["hasNextPage"], true, "{first}");
    let rest = app
        .gql(&reader, q, json!({ "after": info["endCursor"] }))
        .await;
    assert_eq!(
        rest["data"]["skills"]["nodes"],
        json!([{ "name": "Statistics" }]),
        "{rest}"
    );
}
