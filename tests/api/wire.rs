//! Wire formats, snapshot-tested: the JSON a client receives for the main resources and for
//! errors. Ids, request ids and instants are redacted (they differ every run); everything else
//! is compared byte for byte with `tests/api/snapshots/`. After an intended change:
//! `INSTA_UPDATE=always cargo test --test api wire` and review the diff.

use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};

/// UUIDs (also inside strings, e.g. token subjects) become `[id]` and RFC 3339 instants
/// `[instant]`; dates and everything else stay.
fn redact(v: Value) -> Value {
    match v {
        Value::String(s) if chrono::DateTime::parse_from_rfc3339(&s).is_ok() => json!("[instant]"),
        Value::String(s) => Value::String(without_uuids(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, redact(v))).collect()),
        other => other,
    }
}

fn without_uuids(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        match rest.get(..36).filter(|c| uuid::Uuid::parse_str(c).is_ok()) {
            Some(_) => {
                out.push_str("[id]");
                rest = &rest[36..];
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

#[tokio::test]
async fn the_wire_formats_of_people_learning_and_errors_hold_still() {
    let app = TestApp::spawn().await;
    let sync = app
        .sync(json!([
            person("W1", None),
            person("W2", Some("W1")),
            person("W3", Some("NOBODY")),
            person("W4", None)
        ]))
        .await;
    insta::assert_json_snapshot!("hris_sync_result", redact(sync.clone()));
    let people = ids(&sync);

    let employee = body(
        app.get(&format!("/api/v1/employees/{}", people["W2"]), &app.hr())
            .await,
    )
    .await;
    insta::assert_json_snapshot!("employee_full", redact(employee));
    let colleague = app.employee_token(&people["W1"]);
    let peer = app.employee_token(&people["W4"]);
    let directory_entry = body(
        app.get(&format!("/api/v1/employees/{}", people["W2"]), &peer)
            .await,
    )
    .await;
    insta::assert_json_snapshot!("employee_directory_entry", redact(directory_entry));
    let refused = body(
        app.get(
            &format!("/api/v1/employees/{}", people["W2"]),
            &app.token_for("no-person", &[], &["xapi:write"], None),
        )
        .await,
    )
    .await;
    insta::assert_json_snapshot!("problem_forbidden", redact(refused));

    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "WIRE-1", "title": "Wire formats", "estimated_minutes": 60 }),
        )
        .await,
    )
    .await;
    insta::assert_json_snapshot!("course", redact(course.clone()));
    let enrollment = body(
        app.post(
            "/api/v1/enrollments",
            &colleague,
            json!({ "course_id": course["id"], "employee_id": people["W2"], "due_date": "2030-01-31" }),
        )
        .await,
    )
    .await;
    insta::assert_json_snapshot!("enrollment_assigned", redact(enrollment));

    let invalid = body(
        app.post(
            "/api/v1/employees",
            &app.hr(),
            json!({ "email": "nope", "job_level": 9 }),
        )
        .await,
    )
    .await;
    insta::assert_json_snapshot!("problem_validation_failed", redact(invalid));
    let unknown = body(
        app.post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "X", "title": "X", "colour": "red" }),
        )
        .await,
    )
    .await;
    insta::assert_json_snapshot!("problem_unknown_field", redact(unknown));
}

/// The current fiscal year (calendar years here) in a body becomes `[this year]`, so the
/// snapshots of this year's budgets and requests hold from one year to the next.
fn this_year(v: Value) -> Value {
    let year = chrono::Datelike::year(&chrono::Utc::now());
    match v {
        Value::Number(n) if n.as_i64() == Some(i64::from(year)) => json!("[this year]"),
        Value::String(s) if s.starts_with(&format!("{year}-")) => {
            Value::String(format!("[this year]{}", &s[4..]))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(this_year).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, this_year(v))).collect())
        }
        other => other,
    }
}

async fn ok(res: reqwest::Response) -> Value {
    let status = res.status();
    let b = body(res).await;
    assert!(status.is_success(), "{status}: {b}");
    this_year(redact(b))
}

#[tokio::test]
async fn the_wire_formats_of_budgets_mentoring_and_equity_hold_still() {
    let app = TestApp::spawn().await;
    let mut mentor = person("M1", None);
    mentor["job_level"] = json!(4);
    let mut mentee = person("M2", Some("M1"));
    mentee["job_level"] = json!(1);
    let people = ids(&app.sync(json!([mentor, mentee])).await);
    let (hr, ld) = (app.hr(), ld(&app));
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let policy = json!({ "fiscal_year": year, "job_level": 1, "amount_minor": 120_000,
                         "carry_over_cap_minor": 20_000 });
    let policy = ok(app.post("/api/v1/pd-budget-policies", &hr, policy).await).await;
    insta::assert_json_snapshot!("pd_budget_policy", policy);
    let mentee_token = app.employee_token(&people["M2"]);
    let spend = json!({ "category": "books", "amount_minor": 4_500,
                        "description": "Two books on feedback" });
    let spend = ok(app
        .post("/api/v1/pd-spend-requests", &mentee_token, spend)
        .await)
    .await;
    insta::assert_json_snapshot!("pd_spend_request", spend);
    let budget = app
        .get(
            &format!("/api/v1/employees/{}/pd-budgets/{year}", people["M2"]),
            &hr,
        )
        .await;
    insta::assert_json_snapshot!("pd_budget", ok(budget).await);

    let profile = json!({ "kind": "mentor", "employee_id": people["M1"], "languages": ["en"],
                          "level_max": 3, "capacity": 2, "bio": "Twelve years in operations" });
    let profile = body(app.post("/api/v1/mentor-profiles", &ld, profile).await).await;
    insta::assert_json_snapshot!("mentor_profile", redact(profile.clone()));
    let request = json!({ "goals": "Run my first project", "languages": ["en"] });
    let request = body(
        app.post("/api/v1/mentoring-requests", &mentee_token, request)
            .await,
    )
    .await;
    insta::assert_json_snapshot!("mentoring_request", redact(request.clone()));
    let rid = request["id"].as_str().expect("id");
    let matches = app
        .get(
            &format!("/api/v1/mentoring-requests/{rid}/matches"),
            &mentee_token,
        )
        .await;
    insta::assert_json_snapshot!("mentoring_matches", ok(matches).await);
    let engagement = body(
        app.post(
            &format!("/api/v1/mentoring-requests/{rid}:choose"),
            &mentee_token,
            json!({ "profile_id": profile["id"] }),
        )
        .await,
    )
    .await;
    let eid = engagement["id"].as_str().expect("id");
    let mentor_token = app.employee_token(&people["M1"]);
    let accepted = app
        .post(
            &format!("/api/v1/engagements/{eid}:accept"),
            &mentor_token,
            json!({}),
        )
        .await;
    ok(accepted).await;
    let session = json!({ "date": "2025-11-03", "minutes": 50, "notes": "Scoped the project" });
    let sessions = format!("/api/v1/engagements/{eid}/sessions");
    ok(app.post(&sessions, &mentee_token, session).await).await;
    let full = app
        .get(&format!("/api/v1/engagements/{eid}"), &mentee_token)
        .await;
    insta::assert_json_snapshot!("engagement_full", ok(full).await);
    let summary = app.get(&format!("/api/v1/engagements/{eid}"), &hr).await;
    insta::assert_json_snapshot!("engagement_summary", ok(summary).await);

    let equity = app
        .get("/api/v1/development/equity?fiscal_year=2025", &ld)
        .await;
    insta::assert_json_snapshot!("development_equity", ok(equity).await);
}
