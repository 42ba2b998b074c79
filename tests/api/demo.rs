//! The demo's year of learning: every dashboard has something to show on first run, and the
//! same seed makes the same learning.

use crate::helpers::{body, TestApp};
use serde_json::Value;
use std::collections::BTreeMap;

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

async fn seeded(seed: u64) -> TestApp {
    demo(seed).await.0
}

/// The demo seeded on a new app, and its HR director (the admin token's person).
pub async fn demo(seed: u64) -> (TestApp, learnwell_domain::ids::EmployeeId) {
    let app = TestApp::spawn_with(|s| {
        s.advising.note_keys = learnwell_api::services::advising::NoteKeys::try_from(vec![
            "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned(),
        ])
        .expect("key");
    })
    .await;
    let today = chrono::Utc::now().date_naive();
    let director = learnwell_api::demo::seed(&app.state.services, today, seed)
        .await
        .expect("demo seed");
    (app, director)
}

/// Every item of a paged list.
async fn all(app: &TestApp, path: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let url = match &after {
            None => format!("{path}{sep}first=200"),
            Some(c) => format!("{path}{sep}first=200&after={c}"),
        };
        let res = app.get(&url, &ld(app)).await;
        assert_eq!(res.status(), 200, "{url}");
        let page = body(res).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_owned()),
            None => return items,
        }
    }
}

fn tally<'a>(items: impl Iterator<Item = &'a Value>, key: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for i in items {
        *out.entry(i[key].to_string()).or_default() += 1;
    }
    out
}

/// What the demo's learning looks like, without ids or times of day.
async fn picture(app: &TestApp) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    let enrolments = all(app, "/api/v1/enrollments").await;
    let records = all(app, "/api/v1/learning-records").await;
    let mut entries = Vec::new();
    for e in all(app, "/api/v1/employees").await {
        let id = e["id"].as_str().expect("id");
        let today = chrono::Utc::now().date_naive();
        let from = today - chrono::Days::new(400);
        entries.extend(
            all(
                app,
                &format!("/api/v1/time-entries?employee_id={id}&from={from}&to={today}"),
            )
            .await,
        );
    }
    let overdue = all(app, "/api/v1/enrollments?overdue=true").await;
    let mut p = BTreeMap::new();
    p.insert("enrolment status", tally(enrolments.iter(), "status"));
    p.insert(
        "overdue",
        BTreeMap::from([("open".to_owned(), overdue.len())]),
    );
    p.insert("record source", tally(records.iter(), "source"));
    p.insert("record minutes", tally(records.iter(), "minutes"));
    p.insert("entry approval", tally(entries.iter(), "approval"));
    p.insert("entry in work time", tally(entries.iter(), "in_work_time"));
    p.insert("entry category", tally(entries.iter(), "category"));
    p.insert("entry minutes", tally(entries.iter(), "minutes"));
    p
}

#[tokio::test]
async fn the_demo_seeds_a_year_of_learning_the_same_for_the_same_seed() {
    let (app, twin) = tokio::join!(seeded(7), seeded(7));
    let skills = all(&app, "/api/v1/skills").await;
    assert!(skills.len() >= 12, "{skills:?}");
    let courses = all(&app, "/api/v1/courses").await;
    assert!(courses.len() >= 10);
    assert!(courses
        .iter()
        .all(|c| !c["skill_ids"].as_array().expect("skills").is_empty()));
    let policies = all(&app, "/api/v1/learning-time/policies").await;
    let scopes = tally(policies.iter(), "scope");
    assert!(
        scopes.contains_key("\"organisation\"") && scopes.contains_key("\"org_unit\""),
        "{scopes:?}"
    );

    let (p, twin_picture) = tokio::join!(picture(&app), picture(&twin));
    for status in ["enrolled", "in_progress", "completed", "withdrawn"] {
        assert!(
            p["enrolment status"].contains_key(&format!("\"{status}\"")),
            "{p:?}"
        );
    }
    assert!(p["overdue"]["open"] > 0, "some enrolments are overdue");
    for source in ["manual", "import", "xapi"] {
        assert!(
            p["record source"].contains_key(&format!("\"{source}\"")),
            "{p:?}"
        );
    }
    assert!(
        p["entry in work time"].contains_key("true")
            && p["entry in work time"].contains_key("false")
    );
    assert!(
        p["entry approval"].contains_key("\"pending\""),
        "approvals are waiting: {p:?}"
    );

    assert_eq!(twin_picture, p, "the same seed makes the same learning");
}
