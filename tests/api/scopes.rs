//! The scope table of `docs/API-DESIGN.md` ("Integration scopes"), walked: every integration
//! scope reaches what it names and is refused everything else, over REST and GraphQL.

use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};

const SCOPES: [&str; 6] = [
    "hris:write",
    "scim",
    "xapi:write",
    "xapi:read",
    "xapi:read:mine",
    "reports:read",
];

/// BOSS <- DEV; DEV is enrolled on a course and logged time with a private note.
async fn setup(app: &TestApp) -> (String, String, String) {
    let p = ids(&app
        .sync(json!([person("BOSS", None), person("DEV", Some("BOSS"))]))
        .await);
    let ld = app.token_for("ld-admin", &["ld_admin"], &[], None);
    let course = app
        .post(
            "/api/v1/courses",
            &ld,
            json!({ "code": "RUST-1", "title": "Rust", "estimated_minutes": 240 }),
        )
        .await;
    assert_eq!(course.status(), 201);
    let course = body(course).await["id"].as_str().expect("id").to_owned();
    let dev = app.employee_token(&p["DEV"]);
    let enrolment = app
        .post("/api/v1/enrollments", &dev, json!({ "course_id": course }))
        .await;
    assert_eq!(enrolment.status(), 201);
    let enrolment = body(enrolment).await["id"].as_str().expect("id").to_owned();
    let entry = app
        .post(
            "/api/v1/time-entries",
            &dev,
            json!({ "date": "2026-03-05", "minutes": 30, "category": "role_related", "note": "private" }),
        )
        .await;
    assert_eq!(entry.status(), 201);
    let entry = body(entry).await["id"].as_str().expect("id").to_owned();
    (p["DEV"].clone(), enrolment, entry)
}

async fn gql(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.post("/graphql", token, json!({ "query": query })).await;
    assert_eq!(res.status(), 200, "{query}");
    body(res).await
}

fn refused_codes(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn each_integration_scope_reaches_exactly_what_it_names() {
    let app = TestApp::spawn().await;
    let (dev, enrolment, entry) = setup(&app).await;
    let learning = [
        format!("/api/v1/time-entries?employee_id={dev}"),
        format!("/api/v1/time-entries/{entry}"),
        format!("/api/v1/enrollments?employee_id={dev}"),
        format!("/api/v1/enrollments/{enrolment}"),
        format!("/api/v1/learning-records?employee_id={dev}"),
        format!("/api/v1/learning-time/summary?period=2026-03&employee_id={dev}"),
        "/api/v1/courses".to_owned(),
        "/api/v1/skills".to_owned(),
        "/api/v1/learning-time/policies".to_owned(),
        "/api/v1/audit-events".to_owned(),
        "/api/v1/lrs-clients".to_owned(),
        "/api/v1/lrs/unmatched-actors".to_owned(),
    ];
    let directory = [
        "/api/v1/employees".to_owned(),
        format!("/api/v1/employees/{dev}"),
        "/api/v1/org-units".to_owned(),
    ];
    let aggregates = "/api/v1/learning-time/summary?period=2026-03";
    for scope in SCOPES {
        let token = app.token_for(&format!("client-{scope}"), &[], &[scope], None);
        for url in &learning {
            let status = app.get(url, &token).await.status().as_u16();
            assert!(matches!(status, 403 | 404), "{scope} {url}: {status}");
        }
        let people = matches!(scope, "hris:write" | "scim");
        for url in &directory {
            let status = app.get(url, &token).await.status().as_u16();
            if people {
                assert_eq!(status, 200, "{scope} {url}");
            } else {
                assert!(matches!(status, 403 | 404), "{scope} {url}: {status}");
            }
        }
        let runs = app.get("/api/v1/hris/sync-runs", &token).await.status();
        assert_eq!(
            runs == 200,
            scope == "hris:write",
            "{scope} sync runs: {runs}"
        );
        let summary = app.get(aggregates, &token).await.status();
        assert_eq!(
            summary == 200,
            scope == "reports:read",
            "{scope} aggregates: {summary}"
        );
        if scope != "reports:read" {
            assert_eq!(summary, 403, "{scope}");
        }

        let one = gql(
            &app,
            &token,
            &format!(r#"{{ employee(id: "{dev}") {{ id learningTime(period: {{ label: "2026-03" }}) {{ totals {{ allocatedMinutes }} }} }} }}"#),
        )
        .await;
        let codes = refused_codes(&one);
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == "forbidden" || c == "not_found"),
            "{scope} learningTime: {one}"
        );
        assert!(
            one["data"]["employee"]["learningTime"].is_null(),
            "{scope}: {one}"
        );
        let enrolments = gql(
            &app,
            &token,
            &format!(r#"{{ employee(id: "{dev}") {{ id enrollments {{ id }} }} }}"#),
        )
        .await;
        if people {
            assert_eq!(
                enrolments["data"]["employee"]["id"],
                json!(dev),
                "{enrolments}"
            );
            assert_eq!(
                enrolments["data"]["employee"]["enrollments"],
                json!([]),
                "{scope}"
            );
        } else {
            assert!(
                !refused_codes(&enrolments).is_empty(),
                "{scope}: {enrolments}"
            );
        }
        for query in [
            "{ skills { nodes { id } } }",
            "{ courses { nodes { id } } }",
        ] {
            let answer = gql(&app, &token, query).await;
            assert_eq!(
                refused_codes(&answer),
                ["forbidden"],
                "{scope} {query}: {answer}"
            );
        }
        let units = gql(&app, &token, "{ orgUnits { nodes { id } } }").await;
        assert_eq!(refused_codes(&units).is_empty(), people, "{scope}: {units}");
    }
}

#[tokio::test]
async fn a_leaver_reads_their_own_learning_history_and_nothing_else() {
    let app = TestApp::spawn().await;
    let (dev, enrolment, entry) = setup(&app).await;
    let mut gone = person("DEV", Some("BOSS"));
    gone["status"] = json!("terminated");
    gone["termination_date"] = json!("2026-03-31");
    let synced = app.sync(json!([person("BOSS", None), gone])).await;
    assert_eq!(synced["counts"]["updated"], 1, "{synced}");
    let token = app.token_for(
        &format!("user-{dev}"),
        &["employee", "hr_admin"],
        &[],
        Some(&dev),
    );
    for url in [
        format!("/api/v1/enrollments?employee_id={dev}"),
        format!("/api/v1/enrollments/{enrolment}"),
        format!("/api/v1/learning-records?employee_id={dev}"),
        format!("/api/v1/time-entries?employee_id={dev}"),
        format!("/api/v1/time-entries/{entry}"),
    ] {
        assert_eq!(app.get(&url, &token).await.status(), 200, "{url}");
    }
    for url in [
        "/api/v1/employees".to_owned(),
        format!("/api/v1/employees/{dev}"),
        "/api/v1/org-units".to_owned(),
        "/api/v1/courses".to_owned(),
        "/api/v1/skills".to_owned(),
        "/api/v1/learning-time/policies".to_owned(),
        "/api/v1/learning-time/summary?period=2026-03".to_owned(),
        "/api/v1/audit-events".to_owned(),
        "/api/v1/hris/sync-runs".to_owned(),
    ] {
        let status = app.get(&url, &token).await.status().as_u16();
        assert!(matches!(status, 403 | 404), "{url}: {status}");
    }
    let write = app
        .post(
            "/api/v1/time-entries",
            &token,
            json!({ "date": "2026-03-06", "minutes": 30, "category": "role_related" }),
        )
        .await;
    assert!(
        matches!(write.status().as_u16(), 403 | 404),
        "{}",
        write.status()
    );
    for query in [
        "{ employees { nodes { id } } }",
        "{ orgUnits { nodes { id } } }",
        "{ skills { nodes { id } } }",
        "{ me { id } }",
    ] {
        let answer = gql(&app, &token, query).await;
        let codes = refused_codes(&answer);
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == "forbidden" || c == "not_found"),
            "{query}: {answer}"
        );
    }
}
