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
