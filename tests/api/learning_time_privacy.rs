//! Learning-time aggregates never expose a person: an employee who may not see the people one by
//! one gets figures only for groups the privacy engine releases, across every request they can
//! make; managers and admins who may see each person get exact figures.

use crate::helpers::{body, ids, person, TestApp};
use learnwell_domain::learning_time::LevelBands;
use serde_json::{json, Value};
use std::collections::HashMap;

struct Org {
    people: HashMap<String, String>,
    dept: String,
    team_a: String,
    team_b: String,
    team_c: String,
    other: String,
}

/// Dept: DIR (level 8) alone, above team A (LA, level 5, and A1..A5 at level 3, reporting to LA),
/// team B (B1..B6, level 3, reporting to DIR) and team C (LC, level 4, with C1 and C2). Another
/// unit: X1..X5 (level 2). Everyone logs 30 minutes in March, DIR 200.
async fn org(app: &TestApp) -> Org {
    let dept = app.unit("Dept", "U-D", None).await;
    let team_a = app.unit("Team A", "U-A", Some(&dept)).await;
    let team_b = app.unit("Team B", "U-B", Some(&dept)).await;
    let team_c = app.unit("Team C", "U-C", Some(&dept)).await;
    let other = app.unit("Other", "U-X", None).await;
    let mut records = Vec::new();
    let mut add = |ext: String, manager: Option<&str>, unit: &str, level: u8| {
        let mut p = person(&ext, manager);
        p["org_unit_id"] = json!(unit);
        p["job_level"] = json!(level);
        records.push(p);
    };
    add("DIR".into(), None, &dept, 8);
    add("LA".into(), Some("DIR"), &team_a, 5);
    add("LC".into(), Some("DIR"), &team_c, 4);
    for i in 1..=5 {
        add(format!("A{i}"), Some("LA"), &team_a, 3);
        add(format!("X{i}"), None, &other, 2);
    }
    for i in 1..=6 {
        add(format!("B{i}"), Some("DIR"), &team_b, 3);
    }
    for i in 1..=2 {
        add(format!("C{i}"), Some("LC"), &team_c, 3);
    }
    let people = ids(&app.sync(json!(records)).await);
    for (ext, id) in &people {
        let minutes = if ext == "DIR" { 100 } else { 30 };
        for day in ["2026-03-03", "2026-03-04"] {
            let res = app
                .post(
                    "/api/v1/time-entries",
                    &app.employee_token(id),
                    json!({ "date": day, "minutes": minutes, "category": "exploratory" }),
                )
                .await;
            assert_eq!(res.status(), 201, "{ext}");
        }
    }
    Org {
        people,
        dept,
        team_a,
        team_b,
        team_c,
        other,
    }
}

/// An instance offering, in aggregate, every band the attacks below use (the default offers only
/// 1-3, 4-5 and 6-8): the engine must hold against overlapping bands too.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|s| {
        s.privacy.level_bands = LevelBands::new(&[
            [8, 8],
            [1, 7],
            [3, 8],
            [3, 5],
            [1, 5],
            [3, 3],
            [1, 3],
            [4, 5],
            [6, 8],
        ])
        .expect("bands");
    })
    .await
}

fn admin(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

async fn totals(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app
        .get(
            &format!("/api/v1/learning-time/summary?period=2026-03{query}"),
            token,
        )
        .await;
    assert_eq!(res.status(), 200, "{query}");
    body(res).await["totals"].clone()
}

/// The minutes used in work, when released; a suppressed figure says so and why, never 0.
fn minutes(t: &Value) -> Option<i64> {
    if t["suppressed"] == json!(true) {
        assert!(
            t["used_in_work_minutes"].is_null() && t["people"].is_null(),
            "{t}"
        );
        assert!(
            ["below_minimum", "complementary"]
                .contains(&t["suppression_reason"].as_str().unwrap_or("")),
            "{t}"
        );
        return None;
    }
    assert_eq!(t["suppressed"], json!(false), "{t}");
    assert!(t["suppression_reason"].is_null(), "{t}");
    Some(t["used_in_work_minutes"].as_i64().expect("minutes"))
}

#[tokio::test]
async fn a_band_of_one_is_suppressed_for_an_employee_and_exact_for_an_admin() {
    let app = spawn().await;
    let o = org(&app).await;
    let employee = app.employee_token(&o.people["X1"]);
    let t = totals(&app, &employee, "&job_level_min=8&job_level_max=8").await;
    assert_eq!(
        (
            t["suppressed"].clone(),
            t["suppression_reason"].clone(),
            t["people"].clone()
        ),
        (json!(true), json!("below_minimum"), Value::Null),
        "{t}"
    );
    assert_eq!(minutes(&t), None);
    let t = totals(&app, &admin(&app), "&job_level_min=8&job_level_max=8").await;
    assert_eq!((t["people"].clone(), minutes(&t)), (json!(1), Some(200)));
}

#[tokio::test]
async fn differencing_across_requests_never_yields_the_director() {
    let app = spawn().await;
    let o = org(&app).await;
    let employee = app.employee_token(&o.people["X1"]);
    let unit = |u: &str, rest: &str| format!("&org_unit_id={u}{rest}");
    let mut got: HashMap<&str, Option<i64>> = HashMap::new();
    for (name, q) in [
        ("org", String::new()),
        ("org 1-7", "&job_level_min=1&job_level_max=7".to_owned()),
        ("org 3-8", "&job_level_min=3&job_level_max=8".to_owned()),
        ("org 3-5", "&job_level_min=3&job_level_max=5".to_owned()),
        ("org 1-5", "&job_level_min=1&job_level_max=5".to_owned()),
        ("dept", unit(&o.dept, "")),
        ("dept own", unit(&o.dept, "&include_descendants=false")),
        (
            "dept 1-7",
            unit(&o.dept, "&job_level_min=1&job_level_max=7"),
        ),
        ("a", unit(&o.team_a, "")),
        ("a 3-3", unit(&o.team_a, "&job_level_min=3&job_level_max=3")),
        ("b", unit(&o.team_b, "")),
        ("c", unit(&o.team_c, "")),
        ("x", unit(&o.other, "")),
    ] {
        got.insert(name, minutes(&totals(&app, &employee, &q).await));
    }
    let both = |a: &str, b: &str| got[a].is_some() && got[b].is_some();
    assert_eq!(got["dept own"], None, "the director's own unit: {got:?}");
    assert!(
        !(got["dept"].is_some() && got["a"].is_some() && got["b"].is_some() && got["c"].is_some()),
        "department minus its teams is the director: {got:?}"
    );
    assert!(
        !(got["org"].is_some()
            && got["x"].is_some()
            && got["a"].is_some()
            && got["b"].is_some()
            && got["c"].is_some()),
        "organisation minus every team is the director: {got:?}"
    );
    assert!(
        !both("org", "org 1-7"),
        "two summaries differing by one person: {got:?}"
    );
    assert!(
        !both("dept", "dept 1-7"),
        "the department with and without its director: {got:?}"
    );
    assert!(
        !both("org 3-8", "org 3-5"),
        "a band minus its sub-band: {got:?}"
    );
    assert!(
        !both("a", "a 3-3"),
        "team A with and without its lead: {got:?}"
    );
    assert!(
        !(got["org 1-5"].is_some() && got["org 1-7"].is_some() && got["c"].is_some()),
        "overlapping bands: {got:?}"
    );
    assert_eq!(
        got["c"], None,
        "three people are below the minimum: {got:?}"
    );
    assert!(
        got.values().filter(|m| m.is_some()).count() >= 3,
        "groups that hide nobody are still shown: {got:?}"
    );
    // The same requests give the same pattern.
    assert_eq!(minutes(&totals(&app, &employee, "").await), got["org"]);
    // The admin sees every figure.
    let t = totals(&app, &admin(&app), &unit(&o.dept, "")).await;
    assert_eq!(
        (t["people"].clone(), minutes(&t)),
        (json!(16), Some(200 + 15 * 60))
    );
}

#[tokio::test]
async fn include_descendants_false_is_the_units_own_members() {
    let app = spawn().await;
    let o = org(&app).await;
    let t = totals(
        &app,
        &admin(&app),
        &format!("&org_unit_id={}&include_descendants=false", o.dept),
    )
    .await;
    assert_eq!((t["people"].clone(), minutes(&t)), (json!(1), Some(200)));
    let t = totals(&app, &admin(&app), &format!("&org_unit_id={}", o.dept)).await;
    assert_eq!(t["people"], 16);
    let q = "query($id: ID!) { orgUnit(id: $id) { own: learningTimeSummary(period: { label: \"2026-03\" }, includeDescendants: false) { totals { people usedInWorkMinutes suppressed suppressionReason } }
               all: learningTimeSummary(period: { label: \"2026-03\" }) { totals { people suppressed } } } }";
    let res = app
        .post(
            "/graphql",
            &admin(&app),
            json!({ "query": q, "variables": { "id": o.dept } }),
        )
        .await;
    let out = body(res).await;
    let unit = &out["data"]["orgUnit"];
    assert_eq!(
        unit["own"]["totals"],
        json!({ "people": 1, "usedInWorkMinutes": 200, "suppressed": false, "suppressionReason": null }),
        "{out}"
    );
    assert_eq!(unit["all"]["totals"]["people"], 16, "{out}");
    let employee = app.employee_token(&o.people["X1"]);
    let res = app
        .post(
            "/graphql",
            &employee,
            json!({ "query": q, "variables": { "id": o.dept } }),
        )
        .await;
    let out = body(res).await;
    assert_eq!(
        out["data"]["orgUnit"]["own"]["totals"],
        json!({ "people": null, "usedInWorkMinutes": null, "suppressed": true, "suppressionReason": "BELOW_MINIMUM" }),
        "{out}"
    );
}

#[tokio::test]
async fn managers_see_their_own_teams_exactly() {
    let app = spawn().await;
    let o = org(&app).await;
    let lc = app.employee_token(&o.people["LC"]);
    let t = totals(&app, &lc, &format!("&org_unit_id={}", o.team_c)).await;
    assert_eq!((t["people"].clone(), minutes(&t)), (json!(3), Some(180)));
    let t = totals(&app, &lc, &format!("&manager_id={}", o.people["LC"])).await;
    assert_eq!((t["people"].clone(), minutes(&t)), (json!(2), Some(120)));
    // The director sees the whole department one by one.
    let dir = app.employee_token(&o.people["DIR"]);
    let t = totals(&app, &dir, &format!("&org_unit_id={}", o.dept)).await;
    assert_eq!(
        (t["people"].clone(), minutes(&t)),
        (json!(16), Some(200 + 15 * 60))
    );
    // A colleague of team C gets it through the engine.
    let t = totals(
        &app,
        &app.employee_token(&o.people["B1"]),
        &format!("&org_unit_id={}", o.team_c),
    )
    .await;
    assert_eq!(
        (t["suppressed"].clone(), t["suppression_reason"].clone()),
        (json!(true), json!("below_minimum"))
    );
}

#[tokio::test]
async fn decisions_follow_changes_to_people_and_units() {
    let app = spawn().await;
    let o = org(&app).await;
    let employee = app.employee_token(&o.people["X1"]);
    let band = "&job_level_min=8&job_level_max=8";
    let t = totals(&app, &employee, band).await;
    assert_eq!(t["suppression_reason"], "below_minimum", "{t}");
    // Four more people at level 8: the band has five, so it is no longer below the minimum.
    let mut records = Vec::new();
    for i in 1..=4 {
        let mut p = person(&format!("E{i}"), None);
        p["org_unit_id"] = json!(o.other);
        p["job_level"] = json!(8);
        records.push(p);
    }
    app.sync(json!(records)).await;
    let t = totals(&app, &employee, band).await;
    assert_ne!(t["suppression_reason"], "below_minimum", "{t}");
    // A new, empty unit is part of the table at once: empty groups are shown.
    let empty = app.unit("Empty", "U-E", Some(&o.other)).await;
    let t = totals(&app, &employee, &format!("&org_unit_id={empty}")).await;
    assert_eq!(
        (t["suppressed"].clone(), t["people"].clone()),
        (json!(false), json!(0)),
        "{t}"
    );
}

#[tokio::test]
async fn a_band_not_offered_in_aggregate_is_refused_but_exact_for_who_sees_everyone() {
    let app = TestApp::spawn().await;
    let o = org(&app).await;
    let employee = app.employee_token(&o.people["X1"]);
    let res = app
        .get(
            "/api/v1/learning-time/summary?period=2026-03&job_level_min=8&job_level_max=8",
            &employee,
        )
        .await;
    assert_eq!(res.status(), 400);
    let problem = body(res).await;
    assert_eq!(problem["code"], "invalid_query", "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("8-8") && d.contains("1-3, 4-5, 6-8")),
        "{problem}"
    );
    let t = totals(&app, &admin(&app), "&job_level_min=8&job_level_max=8").await;
    assert_eq!((t["people"].clone(), minutes(&t)), (json!(1), Some(200)));
    // An offered band goes through the engine.
    let t = totals(&app, &employee, "&job_level_min=1&job_level_max=3").await;
    assert!(t["suppressed"].is_boolean(), "{t}");
}

#[tokio::test]
async fn a_member_cannot_subtract_themself_from_a_unit_of_exactly_k() {
    let app = spawn().await;
    let o = org(&app).await;
    // Other holds X1..X5: released to someone outside it.
    let outsider = app.employee_token(&o.people["B1"]);
    let q = format!("&org_unit_id={}", o.other);
    assert_eq!(minutes(&totals(&app, &outsider, &q).await), Some(5 * 60));
    // X1 knows their own minutes: the unit minus them would be four people.
    let x1 = app.employee_token(&o.people["X1"]);
    let t = totals(&app, &x1, &q).await;
    assert_eq!(
        (t["suppressed"].clone(), t["suppression_reason"].clone()),
        (json!(true), json!("below_minimum")),
        "{t}"
    );
    let own = totals(&app, &x1, &format!("&employee_id={}", o.people["X1"])).await;
    assert_eq!(minutes(&own), Some(60));
}

#[tokio::test]
async fn a_manager_cannot_subtract_their_team_from_their_unit() {
    let app = TestApp::spawn().await;
    let ops = app.unit("Operations", "U-OPS", None).await;
    let rest = app.unit("Rest", "U-REST", None).await;
    // Operations: M (level 4) with reports R1..R4, and O1, O2 who report to nobody there.
    let mut records = vec![person("M", None)];
    records[0]["org_unit_id"] = json!(ops);
    records[0]["job_level"] = json!(4);
    for i in 1..=4 {
        let mut p = person(&format!("R{i}"), Some("M"));
        p["org_unit_id"] = json!(ops);
        p["job_level"] = json!(2);
        records.push(p);
    }
    for i in 1..=2 {
        let mut p = person(&format!("O{i}"), None);
        p["org_unit_id"] = json!(ops);
        p["job_level"] = json!(2);
        records.push(p);
    }
    for i in 1..=8 {
        let mut p = person(&format!("P{i}"), None);
        p["org_unit_id"] = json!(rest);
        p["job_level"] = json!(2);
        records.push(p);
    }
    let people = ids(&app.sync(json!(records)).await);
    for (ext, id) in &people {
        let minutes = if ext.starts_with('O') { 90 } else { 30 };
        let res = app
            .post(
                "/api/v1/time-entries",
                &app.employee_token(id),
                json!({ "date": "2026-03-03", "minutes": minutes, "category": "exploratory" }),
            )
            .await;
        assert_eq!(res.status(), 201, "{ext}");
    }
    let q = format!("&org_unit_id={ops}");
    // Seven people: shown to someone in Rest, and to R1 (six of them unknown to R1).
    let outsider = app.employee_token(&people["P1"]);
    assert_eq!(
        minutes(&totals(&app, &outsider, &q).await),
        Some(5 * 30 + 2 * 90)
    );
    let r1 = app.employee_token(&people["R1"]);
    assert_eq!(minutes(&totals(&app, &r1, &q).await), Some(5 * 30 + 2 * 90));
    // M sees themself and R1..R4 exactly: the unit minus those would be O1 and O2.
    let m = app.employee_token(&people["M"]);
    let team = totals(&app, &m, &format!("&manager_id={}", people["M"])).await;
    assert_eq!(minutes(&team), Some(4 * 30));
    let t = totals(&app, &m, &q).await;
    assert_eq!(minutes(&t), None, "{t}");
    // Nor through the organisation minus Rest.
    let org = minutes(&totals(&app, &m, "").await);
    let rest_total = minutes(&totals(&app, &m, &format!("&org_unit_id={rest}")).await);
    assert!(
        org.is_none() || rest_total.is_none(),
        "{org:?} {rest_total:?}"
    );
}

/// `orgUnits { nodes { learningTimeSummary } }` sums every unit of the page in one batch: each unit's figures (with and
/// without the units below it, released or suppressed) are exactly what REST answers for that
/// unit alone, for an admin, a lead who knows their team and an employee.
#[tokio::test]
async fn a_list_of_units_answers_what_each_unit_answers_alone() {
    let app = spawn().await;
    let o = org(&app).await;
    let q = "{ orgUnits(first: 10) { nodes { id own: learningTimeSummary(period: { label: \"2026-03\" }, includeDescendants: false) {
                 totals { people usedInWorkMinutes exploratoryShare suppressed suppressionReason } }
               all: learningTimeSummary(period: { label: \"2026-03\" }) {
                 totals { people usedInWorkMinutes exploratoryShare suppressed suppressionReason } } } } }";
    let callers = [
        admin(&app),
        app.employee_token(&o.people["LA"]),
        app.employee_token(&o.people["X1"]),
    ];
    let wire = |t: &Value| {
        json!({
            "people": t["people"], "usedInWorkMinutes": t["used_in_work_minutes"],
            "exploratoryShare": t["exploratory_share"], "suppressed": t["suppressed"],
            "suppressionReason": t["suppression_reason"].as_str().map(str::to_uppercase),
        })
    };
    let mut suppressed = [0; 3];
    for (caller, token) in callers.iter().enumerate() {
        let res = app.post("/graphql", token, json!({ "query": q })).await;
        let out = body(res).await;
        assert!(out["errors"].is_null(), "{out}");
        let units = out["data"]["orgUnits"]["nodes"].as_array().expect("units");
        assert_eq!(units.len(), 5, "{out}");
        for u in units {
            let id = u["id"].as_str().expect("id");
            for (field, descendants) in [("own", "false"), ("all", "true")] {
                let rest = totals(
                    &app,
                    token,
                    &format!("&org_unit_id={id}&include_descendants={descendants}"),
                )
                .await;
                assert_eq!(u[field]["totals"], wire(&rest), "{field} of {id}: {out}");
                suppressed[caller] += usize::from(rest["suppressed"] == json!(true));
            }
        }
    }
    // Not vacuous: the admin sees every figure, the employee's list withholds some and shows
    // others (ten figures in all).
    assert_eq!(suppressed[0], 0);
    assert!((1..10).contains(&suppressed[2]), "{suppressed:?}");
}
