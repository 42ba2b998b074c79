//! The development equity report: per job-level band, access to coaching, PD budget used and
//! learning hours, and the junior-senior gap, through the privacy engine.

use crate::helpers::{body, ids, person, TestApp};
use chrono::Datelike;
use serde_json::{json, Value};

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// `n` people of `level` named `{prefix}{i}` in `unit`.
fn people(prefix: &str, n: usize, level: i64, unit: &str) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut p = person(&format!("{prefix}{i}"), None);
            p["job_level"] = json!(level);
            p["org_unit_id"] = json!(unit);
            p
        })
        .collect()
}

async fn ok(res: reqwest::Response) -> Value {
    let status = res.status();
    let b = body(res).await;
    assert!(status.is_success(), "{status}: {b}");
    b
}

/// Coaching for `who` from an external coach, accepted on the coach's behalf.
async fn coached(app: &TestApp, coach: &Value, who: &str) {
    let token = app.employee_token(who);
    let r = ok(app
        .post(
            "/api/v1/mentoring-requests",
            &token,
            json!({ "kind": "coach", "goals": "Grow" }),
        )
        .await)
    .await;
    let url = format!(
        "/api/v1/mentoring-requests/{}:choose",
        r["id"].as_str().expect("id")
    );
    let e = ok(app
        .post(&url, &token, json!({ "profile_id": coach["id"] }))
        .await)
    .await;
    let url = format!(
        "/api/v1/engagements/{}:accept",
        e["id"].as_str().expect("id")
    );
    ok(app.post(&url, &ld(app), json!({})).await).await;
}

/// `who` spends `amount` (approved by hr_admin) and logs `minutes` of learning today.
async fn develops(app: &TestApp, who: &str, amount: i64, minutes: i64) {
    let token = app.employee_token(who);
    if amount > 0 {
        let r = ok(app
            .post(
                "/api/v1/pd-spend-requests",
                &token,
                json!({ "category": "course", "amount_minor": amount, "description": "A course" }),
            )
            .await)
        .await;
        let url = format!(
            "/api/v1/pd-spend-requests/{}:approve",
            r["id"].as_str().expect("id")
        );
        ok(app.post(&url, &app.hr(), json!({})).await).await;
    }
    let today = chrono::Utc::now().date_naive().to_string();
    ok(app
        .post(
            "/api/v1/time-entries",
            &token,
            json!({ "date": today, "minutes": minutes, "category": "exploratory" }),
        )
        .await)
    .await;
}

#[tokio::test]
async fn the_report_shows_a_junior_senior_gap_to_everyone_when_the_groups_are_large_enough() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Engineering", "ENG", None).await;
    let mut records = people("J", 6, 1, &unit);
    records.extend(people("S", 6, 7, &unit));
    let p = ids(&app.sync(Value::Array(records)).await);
    let year = chrono::Utc::now().year();
    for (level, amount) in [(1, 50_000), (7, 200_000)] {
        let res = app
            .post(
                "/api/v1/pd-budget-policies",
                &app.hr(),
                json!({ "fiscal_year": year, "job_level": level, "amount_minor": amount }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let coach = ok(app
        .post(
            "/api/v1/mentor-profiles",
            &app.hr(),
            json!({ "kind": "coach", "external_name": "Acme", "capacity": 10 }),
        )
        .await)
    .await;
    coached(&app, &coach, &p["J0"]).await;
    for s in ["S0", "S1", "S2"] {
        coached(&app, &coach, &p[s]).await;
    }
    develops(&app, &p["J0"], 10_000, 30).await;
    for j in ["J1", "J2", "J3", "J4", "J5"] {
        develops(&app, &p[j], 0, 30).await;
    }
    for s in ["S0", "S1"] {
        develops(&app, &p[s], 100_000, 120).await;
    }
    for s in ["S2", "S3", "S4", "S5"] {
        develops(&app, &p[s], 0, 120).await;
    }

    let junior = app.employee_token(&p["J1"]);
    let r = ok(app
        .get(
            &format!("/api/v1/development/equity?org_unit_id={unit}"),
            &junior,
        )
        .await)
    .await;
    let band = |name: &str| {
        r["bands"]
            .as_array()
            .expect("bands")
            .iter()
            .find(|b| b["band"] == name)
            .cloned()
            .expect("band")
    };
    let (j, s) = (band("junior"), band("senior"));
    assert_eq!(
        (
            j["suppressed"].clone(),
            j["people"].clone(),
            j["with_engagement"].clone()
        ),
        (json!(false), json!(6), json!(1)),
        "{r}"
    );
    assert_eq!(
        (
            s["people"].clone(),
            s["with_engagement"].clone(),
            s["pd_used_minor"].clone()
        ),
        (json!(6), json!(3), json!(200_000))
    );
    assert_eq!(
        (
            j["pd_budget_minor"].clone(),
            j["pd_used_per_person_minor"].clone()
        ),
        (json!(300_000), json!(1_666))
    );
    assert_eq!(
        (
            j["learning_hours_per_person"].clone(),
            s["learning_hours_per_person"].clone()
        ),
        (json!(0.5), json!(2.0))
    );
    assert_eq!(band("mid")["people"], 0, "an empty group reveals nobody");
    let gap = &r["gap"];
    assert_eq!(gap["learning_hours_per_person"], -1.5);
    assert_eq!(gap["pd_used_per_person_minor"], 1_666 - 33_333);
    let access = gap["access_share"].as_f64().expect("share");
    assert!((access - (1.0 / 6.0 - 0.5)).abs() < 1e-9, "{gap}");
    assert_eq!(r["currency"], "EUR");
    // GraphQL maps the same report; reports:read gets it in aggregate; nobody else.
    let q = "{ developmentEquity { all { people withEngagement } bands { band figures { suppressed people } } gap { learningHoursPerPerson } } }";
    let out = ok(app.post("/graphql", &junior, json!({ "query": q })).await).await;
    assert_eq!(
        out["data"]["developmentEquity"]["all"],
        json!({ "people": 12, "withEngagement": 4 }),
        "{out}"
    );
    assert_eq!(
        out["data"]["developmentEquity"]["gap"]["learningHoursPerPerson"],
        -1.5
    );
    let reports = app.token_for("bi", &[], &["reports:read"], None);
    assert_eq!(
        app.get("/api/v1/development/equity", &reports)
            .await
            .status(),
        200
    );
    let hris = app.token_for("hris", &[], &["hris:write"], None);
    assert_eq!(
        app.get("/api/v1/development/equity", &hris).await.status(),
        403
    );
    let out = ok(app.post("/graphql", &hris, json!({ "query": q })).await).await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden", "{out}");
}

#[tokio::test]
async fn groups_below_the_minimum_are_withheld_except_for_admins() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Tiny", "TINY", None).await;
    let mut records = people("J", 2, 1, &unit);
    records.extend(people("S", 3, 7, &unit));
    let p = ids(&app.sync(Value::Array(records)).await);
    let token = app.employee_token(&p["J0"]);
    let r = ok(app.get("/api/v1/development/equity", &token).await).await;
    let junior = &r["bands"][0];
    assert_eq!(
        (
            junior["suppressed"].clone(),
            junior["suppression_reason"].clone(),
            junior["people"].clone()
        ),
        (json!(true), json!("below_minimum"), Value::Null),
        "{r}"
    );
    assert_eq!(r["gap"], Value::Null, "no gap from withheld bands");
    // Five people are a group, but not to one of them: minus themself it would be four.
    assert_eq!(r["all"]["suppression_reason"], "below_minimum", "{r}");
    let reports = app.token_for("bi", &[], &["reports:read"], None);
    let r = ok(app.get("/api/v1/development/equity", &reports).await).await;
    assert_eq!(r["all"]["people"], 5, "five people are a group: {r}");
    let exact = ok(app.get("/api/v1/development/equity", &ld(&app)).await).await;
    assert_eq!(
        (
            exact["bands"][0]["people"].clone(),
            exact["bands"][2]["people"].clone()
        ),
        (json!(2), json!(3))
    );
    assert!(exact["gap"].is_object());
    let bad = app
        .get("/api/v1/development/equity?fiscal_year=1800", &token)
        .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_demo_organisation_shows_a_junior_senior_gap_on_first_run() {
    // The demo seeds advisor notes too, which need a key (`serve --demo` makes one).
    let app = TestApp::spawn_with(|s| {
        s.advising.note_keys = learnwell_api::services::advising::NoteKeys::try_from(vec![
            "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned(),
        ])
        .expect("key");
    })
    .await;
    let today = chrono::Utc::now().date_naive();
    learnwell_api::demo::seed(
        &app.state.services,
        today,
        learnwell_api::demo::DEFAULT_SEED,
    )
    .await
    .expect("demo seed");
    let r = ok(app.get("/api/v1/development/equity", &ld(&app)).await).await;
    let gap = &r["gap"];
    assert!(gap["access_share"].as_f64().expect("access") < 0.0, "{r}");
    assert!(
        gap["pd_used_per_person_minor"].as_i64().expect("spend") < 0,
        "{r}"
    );
    let seniors = &r["bands"][2];
    assert!(seniors["with_engagement"].as_u64().expect("engaged") > 0);
    assert!(seniors["pd_used_minor"].as_i64().expect("used") > 0);
    let profiles = ok(app.get("/api/v1/mentor-profiles", &ld(&app)).await).await;
    assert_eq!(
        profiles["items"].as_array().map(Vec::len),
        Some(8),
        "2 coaches and 6 mentors"
    );
    let policies = ok(app.get("/api/v1/pd-budget-policies", &ld(&app)).await).await;
    assert_eq!(
        policies["items"].as_array().map(Vec::len),
        Some(8),
        "a budget for every level"
    );
}
