//! Performance advising end to end: the life of an engagement, who may do what (every role over
//! every route and GraphQL field), advisor notes sealed at rest and never shown to anyone but
//! their author, key rotation, referrals, export, caseload and `support/fit`.

use crate::helpers::{body, ids, person, TestApp};
use learnwell_api::services::advising::NoteKeys;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashMap;

const K1: &str = "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const K2: &str = "t2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

fn keys(entries: &[&str]) -> NoteKeys {
    NoteKeys::try_from(entries.iter().map(|e| (*e).to_owned()).collect::<Vec<_>>())
        .expect("test keys")
}

async fn app() -> TestApp {
    TestApp::spawn_with(|s| s.advising.note_keys = keys(&[K1])).await
}

/// The people of an engagement and the callers who are no part of it, with their tokens.
struct World {
    p: HashMap<String, String>,
    tokens: Vec<(&'static str, String)>,
}

impl World {
    fn token(&self, role: &str) -> &str {
        &self
            .tokens
            .iter()
            .find(|(r, _)| *r == role)
            .expect("role")
            .1
    }
    fn id(&self, ext: &str) -> &str {
        &self.p[ext]
    }
}

/// MGR manages CLIENT and PEER; OTHERMGR manages OTHER; ADV is a performance advisor.
async fn world(app: &TestApp) -> World {
    let p = ids(&app
        .sync(json!([
            person("MGR", None),
            person("CLIENT", Some("MGR")),
            person("PEER", Some("MGR")),
            person("ADV", None),
            person("OTHERMGR", None),
            person("OTHER", Some("OTHERMGR")),
        ]))
        .await);
    let advisor = app.token_for(
        "adv",
        &["employee", "performance_advisor"],
        &[],
        Some(&p["ADV"]),
    );
    let tokens = vec![
        ("client", app.employee_token(&p["CLIENT"])),
        ("advisor", advisor),
        ("supervisor", app.employee_token(&p["MGR"])),
        ("hr", app.hr()),
        ("other_manager", app.employee_token(&p["OTHERMGR"])),
        ("peer", app.employee_token(&p["PEER"])),
        ("ld", app.token_for("ld", &["ld_admin"], &[], None)),
        (
            "integration",
            app.token_for("int", &[], &["hris:write", "reports:read", "scim"], None),
        ),
    ];
    World { p, tokens }
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    app.request(method, &format!("/api/v1{path}"), Some(token), body)
        .await
}

async fn patch(
    app: &TestApp,
    path: &str,
    token: &str,
    version: i64,
    body: Value,
) -> reqwest::Response {
    app.client
        .patch(format!("{}/api/v1{path}", app.base))
        .bearer_auth(token)
        .header("If-Match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .expect("request")
}

fn pip(w: &World) -> Value {
    json!({
        "client_id": w.id("CLIENT"), "origin": "pip", "advisor_id": w.id("ADV"),
        "focus_areas": [
            { "kind": "time_management", "expectations": "every customer answer within two working days", "support": "weekly planning with the advisor" },
            { "kind": "custom", "title": "Handover notes", "expectations": "a handover note for every ticket passed on" }
        ],
        "cadence": "weekly", "start_date": "2026-01-05", "planned_end": "2026-03-31"
    })
}

/// A running PIP with one check-in (rated, reflected, with an advisor note) and a referral.
/// Returns (engagement id, check-in id, the note's text).
async fn running_pip(app: &TestApp, w: &World) -> (String, String, String) {
    let res = send(
        app,
        Method::POST,
        "/advising/engagements",
        w.token("supervisor"),
        Some(pip(w)),
    )
    .await;
    assert_eq!(res.status(), 201);
    let e = body(res).await;
    let id = e["id"].as_str().expect("id").to_owned();
    let res = send(
        app,
        Method::POST,
        &format!("/advising/engagements/{id}:acknowledge"),
        w.token("client"),
        Some(json!({ "comment": "understood" })),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = send(
        app,
        Method::POST,
        &format!("/advising/engagements/{id}:activate"),
        w.token("advisor"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = send(
        app,
        Method::POST,
        &format!("/advising/engagements/{id}/check-ins"),
        w.token("advisor"),
        Some(json!({ "held_on": "2026-01-12", "session_minutes": 45 })),
    )
    .await;
    assert_eq!(res.status(), 201);
    let check_in = body(res).await["id"].as_str().expect("id").to_owned();
    let areas: Vec<String> = e["focus_areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect();
    let res = send(app, Method::PUT, &format!("/advising/check-ins/{check_in}/ratings"), w.token("supervisor"),
        Some(json!({ "ratings": [ { "focus_area_id": areas[0], "rating": "partly_met" }, { "focus_area_id": areas[1], "rating": "met" } ] }))).await;
    assert_eq!(res.status(), 200);
    let res = send(
        app,
        Method::PUT,
        &format!("/advising/check-ins/{check_in}/reflection"),
        w.token("client"),
        Some(json!({ "text": "Planning helps" })),
    )
    .await;
    assert_eq!(res.status(), 200);
    let secret = format!("NOTE-SECRET-{}", uuid::Uuid::new_v4().simple());
    let res = send(
        app,
        Method::POST,
        &format!("/advising/check-ins/{check_in}/notes"),
        w.token("advisor"),
        Some(json!({ "text": format!("{secret} seems overwhelmed") })),
    )
    .await;
    assert_eq!(res.status(), 201);
    let res = send(
        app,
        Method::POST,
        &format!("/advising/engagements/{id}/referrals"),
        w.token("advisor"),
        Some(json!({ "target": "eap" })),
    )
    .await;
    assert_eq!(res.status(), 201);
    (id, check_in, secret)
}

#[tokio::test]
async fn a_pip_is_drafted_acknowledged_run_amended_extended_and_closed_with_its_history() {
    let app = app().await;
    let w = world(&app).await;
    let res = send(&app, Method::POST, "/advising/engagements", w.token("supervisor"),
        Some(json!({ "client_id": w.id("CLIENT"), "origin": "pip", "advisor_id": w.id("MGR"), "focus_areas": [ { "kind": "custom" } ], "cadence": "custom", "start_date": "2026-01-05", "planned_end": "2025-12-01" }))).await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = body(res).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect();
    for f in [
        "supervisor_id",
        "focus_areas[0].title",
        "focus_areas[0].expectations",
        "cadence_days",
        "planned_end",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
    // A peer may not open one for a colleague; the client may only refer themselves.
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("peer"),
        Some(pip(&w)),
    )
    .await;
    assert_eq!(res.status(), 403);
    let mut own = pip(&w);
    own["client_id"] = json!(null);
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("client"),
        Some(own.clone()),
    )
    .await;
    assert_eq!(res.status(), 403);
    own["origin"] = json!("self_referral");
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("client"),
        Some(own),
    )
    .await;
    assert_eq!(res.status(), 201);
    let self_referral = body(res).await;
    assert_eq!(
        (
            self_referral["supervisor_id"].as_str(),
            self_referral["state"].as_str()
        ),
        (Some(w.id("MGR")), Some("draft"))
    );

    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("supervisor"),
        Some(pip(&w)),
    )
    .await;
    assert_eq!(res.status(), 201);
    let e = body(res).await;
    let id = e["id"].as_str().expect("id");
    let at = |suffix: &str| format!("/advising/engagements/{id}{suffix}");
    // A PIP starts only once its client has acknowledged it.
    let res = send(
        &app,
        Method::POST,
        &at(":activate"),
        w.token("advisor"),
        None,
    )
    .await;
    assert_eq!(res.status(), 409);
    assert!(body(res).await["detail"]
        .as_str()
        .expect("detail")
        .contains("acknowledged"));
    let res = send(
        &app,
        Method::POST,
        &at(":acknowledge"),
        w.token("client"),
        Some(json!({ "comment": "I will work on it" })),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = send(
        &app,
        Method::POST,
        &at(":activate"),
        w.token("advisor"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let active = body(res).await;
    assert_eq!(active["state"], "active");
    assert!(active["acknowledged_at"].is_string());
    // Expectations lock: a change is an amendment with a reason, kept in the history.
    let version = active["version"].as_i64().expect("version");
    let mut areas = active["focus_areas"].clone();
    areas[0]["expectations"] = json!("every customer answer within three working days");
    let res = patch(
        &app,
        &at(""),
        w.token("supervisor"),
        version,
        json!({ "focus_areas": areas }),
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = patch(
        &app,
        &at(""),
        w.token("supervisor"),
        version - 1,
        json!({ "focus_areas": areas, "reason": "x" }),
    )
    .await;
    assert_eq!(res.status(), 412);
    let res = patch(
        &app,
        &at(""),
        w.token("supervisor"),
        version,
        json!({ "focus_areas": areas, "reason": "the team moved to a new ticket system" }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let amended = body(res).await;
    assert_eq!(
        amended["focus_areas"][0]["id"], active["focus_areas"][0]["id"],
        "a kept focus area keeps its id"
    );
    let res = send(
        &app,
        Method::POST,
        &at(":extend"),
        w.token("supervisor"),
        Some(json!({ "planned_end": "2026-04-30" })),
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = send(
        &app,
        Method::POST,
        &at(":extend"),
        w.token("supervisor"),
        Some(json!({ "planned_end": "2026-04-30", "reason": "two weeks of leave" })),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["state"], "extended");
    let res = send(
        &app,
        Method::POST,
        &at(":close"),
        w.token("client"),
        Some(json!({ "outcome": "withdrawn", "summary": "x" })),
    )
    .await;
    assert_eq!(
        res.status(),
        403,
        "the client of a PIP does not withdraw it"
    );
    let res = send(&app, Method::POST, &at(":close"), w.token("supervisor"), Some(json!({ "outcome": "completed_successful", "summary": "every expectation met for six weeks" }))).await;
    assert_eq!(res.status(), 200);
    let closed = body(res).await;
    assert_eq!(
        (
            closed["state"].as_str(),
            closed["next_check_in_due"].is_null()
        ),
        (Some("completed_successful"), true)
    );
    let res = send(
        &app,
        Method::POST,
        &at(":extend"),
        w.token("supervisor"),
        Some(json!({ "planned_end": "2026-06-30", "reason": "x" })),
    )
    .await;
    assert_eq!(res.status(), 409);

    let history =
        body(send(&app, Method::GET, &at("/history"), w.token("client"), None).await).await;
    let actions: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "advising.engagement.create",
            "advising.plan.acknowledge",
            "advising.engagement.activate",
            "advising.plan.amend",
            "advising.engagement.extend",
            "advising.engagement.close"
        ]
    );
    assert_eq!(
        history[3]["reason"],
        "the team moved to a new ticket system"
    );
    assert_eq!(history[4]["detail"], "planned end 2026-03-31 -> 2026-04-30");
    // Every change is in the audit log.
    let audit = body(
        app.get(
            &format!("/api/v1/audit-events?resource_id={id}&first=50"),
            &app.hr(),
        )
        .await,
    )
    .await;
    let logged: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["action"].as_str().expect("action"))
        .collect();
    for a in &actions {
        assert!(logged.contains(a), "{a} not audited: {logged:?}");
    }
}

#[tokio::test]
async fn check_ins_are_rated_by_the_supervisor_only_and_flagged_when_overdue() {
    let app = app().await;
    let w = world(&app).await;
    let (id, check_in, _) = running_pip(&app, &w).await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/advising/check-ins/{check_in}/ratings"),
        w.token("advisor"),
        Some(json!({ "ratings": [] })),
    )
    .await;
    assert_eq!(res.status(), 403, "the advisor never rates");
    let res = send(&app, Method::PUT, &format!("/advising/check-ins/{check_in}/ratings"), w.token("supervisor"), Some(json!({ "ratings": [ { "focus_area_id": uuid::Uuid::now_v7().to_string(), "rating": "great" } ] }))).await;
    assert_eq!(res.status(), 422);
    let fields: Vec<String> = body(res).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("f").to_owned())
        .collect();
    assert_eq!(fields, ["ratings[0].focus_area_id", "ratings[0].rating"]);
    let progress = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}/progress"),
            w.token("client"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        progress[0]["ratings"],
        json!([{ "held_on": "2026-01-12", "rating": "partly_met" }])
    );
    assert_eq!(progress[1]["focus_area"]["title"], "Handover notes");
    // The last check-in was on 12 January and the cadence is weekly: overdue since the 20th.
    let e = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}"),
            w.token("advisor"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            e["next_check_in_due"].as_str(),
            e["check_in_overdue"].as_bool()
        ),
        (Some("2026-01-19"), Some(true))
    );
    for (role, listed) in [
        ("advisor", true),
        ("supervisor", true),
        ("hr", true),
        ("client", false),
        ("peer", false),
    ] {
        let all = body(
            send(
                &app,
                Method::GET,
                "/advising/overdue-check-ins",
                w.token(role),
                None,
            )
            .await,
        )
        .await;
        let found = all["items"]
            .as_array()
            .expect("list")
            .iter()
            .any(|x| x["id"] == id.as_str());
        assert_eq!(found, listed, "{role}");
    }
    let res = send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}/check-ins"),
        w.token("supervisor"),
        Some(json!({ "held_on": "2099-01-01" })),
    )
    .await;
    assert_eq!(res.status(), 422);
    // A supervisor who takes over sees the ratings they gave, not their predecessor's.
    let version = e["version"].as_i64().expect("version");
    let res = patch(
        &app,
        &format!("/advising/engagements/{id}"),
        w.token("hr"),
        version,
        json!({ "supervisor_id": w.id("OTHERMGR") }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let seen = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}/check-ins"),
            w.token("other_manager"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(seen[0]["ratings"], json!([]));
    assert_eq!(seen[0]["reflection"], "Planning helps");
    let res = send(
        &app,
        Method::GET,
        &format!("/advising/engagements/{id}"),
        w.token("supervisor"),
        None,
    )
    .await;
    assert_eq!(
        res.status(),
        404,
        "the former supervisor (now just the client's manager) no longer sees it"
    );
    let by_hr = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}/check-ins"),
            w.token("hr"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(by_hr[0]["ratings"].as_array().map(Vec::len), Some(2));
    assert!(
        by_hr[0].get("reflection").is_none(),
        "hr_admin reads ratings, not reflections"
    );
}

#[tokio::test]
async fn the_supervisor_follows_the_clients_manager_unless_pinned() {
    let app = app().await;
    let w = world(&app).await;
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("supervisor"),
        Some(pip(&w)),
    )
    .await;
    let id = body(res).await["id"].as_str().expect("id").to_owned();
    let mut moved = person("CLIENT", Some("OTHERMGR"));
    moved["family_name"] = json!("FamilyCLIENT");
    app.sync(json!([moved])).await;
    let e = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}"),
            w.token("other_manager"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            e["supervisor_id"].as_str(),
            e["supervisor_pinned"].as_bool()
        ),
        (Some(w.id("OTHERMGR")), Some(false))
    );
    let res = send(
        &app,
        Method::GET,
        &format!("/advising/engagements/{id}"),
        w.token("supervisor"),
        None,
    )
    .await;
    assert_eq!(res.status(), 404);
}

/// Expected status per role, in `ROLES` order.
const ROLES: [&str; 8] = [
    "client",
    "advisor",
    "supervisor",
    "hr",
    "other_manager",
    "peer",
    "ld",
    "integration",
];

#[tokio::test]
async fn every_role_over_every_route_gets_exactly_what_it_may() {
    let app = app().await;
    let w = world(&app).await;
    let (id, c, _) = running_pip(&app, &w).await;
    let e = format!("/advising/engagements/{id}");
    let ci = format!("/advising/check-ins/{c}");
    let hidden = [404, 404, 404, 404];
    let routes: Vec<(Method, String, Option<Value>, [u16; 4])> = vec![
        (Method::GET, e.clone(), None, [200, 200, 200, 200]),
        (
            Method::PATCH,
            e.clone(),
            Some(json!({})),
            [403, 200, 200, 200],
        ),
        (
            Method::POST,
            format!("{e}:acknowledge"),
            Some(json!({})),
            [409, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("{e}:activate"),
            None,
            [403, 409, 409, 409],
        ),
        (
            Method::POST,
            format!("{e}:extend"),
            Some(json!({ "planned_end": "2026-01-01", "reason": "x" })),
            [403, 422, 422, 422],
        ),
        (
            Method::POST,
            format!("{e}:close"),
            Some(json!({ "outcome": "completed_successful" })),
            [403, 422, 422, 422],
        ),
        (
            Method::GET,
            format!("{e}/history"),
            None,
            [200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("{e}/check-ins"),
            None,
            [200, 200, 200, 200],
        ),
        (
            Method::POST,
            format!("{e}/check-ins"),
            Some(json!({ "held_on": "2026-01-13" })),
            [403, 201, 201, 403],
        ),
        (
            Method::GET,
            format!("{e}/progress"),
            None,
            [200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("{e}/notes"),
            None,
            [403, 200, 403, 403],
        ),
        (
            Method::GET,
            format!("{e}/referrals"),
            None,
            [200, 200, 403, 200],
        ),
        (
            Method::POST,
            format!("{e}/referrals"),
            Some(json!({ "target": "mentor", "note": "data engineering" })),
            [403, 201, 403, 201],
        ),
        (
            Method::GET,
            format!("{e}/export"),
            None,
            [403, 403, 403, 200],
        ),
        (
            Method::PUT,
            format!("{ci}/ratings"),
            Some(json!({ "ratings": [] })),
            [403, 403, 422, 403],
        ),
        (
            Method::PUT,
            format!("{ci}/reflection"),
            Some(json!({ "text": "again" })),
            [200, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("{ci}/notes"),
            Some(json!({ "text": "walk" })),
            [403, 201, 403, 403],
        ),
    ];
    for (method, path, payload, parties) in routes {
        for (i, role) in ROLES.iter().enumerate() {
            let expected = if i < 4 { parties[i] } else { hidden[i - 4] };
            let version = body(send(&app, Method::GET, &e, w.token("hr"), None).await).await
                ["version"]
                .as_i64()
                .expect("v");
            let res = if method == Method::PATCH {
                patch(
                    &app,
                    &path,
                    w.token(role),
                    version,
                    payload.clone().unwrap_or_default(),
                )
                .await
            } else {
                send(&app, method.clone(), &path, w.token(role), payload.clone()).await
            };
            let status = res.status().as_u16();
            let text = res.text().await.expect("text");
            assert_eq!(status, expected, "{role} {method} {path}: {text}");
            if status == 404 {
                assert!(
                    !text.contains(&id),
                    "{role} {method} {path} names the engagement: {text}"
                );
            }
        }
    }
    // Lists name the engagement to its parties only.
    for (i, role) in ROLES.iter().enumerate() {
        let all = body(
            send(
                &app,
                Method::GET,
                "/advising/engagements",
                w.token(role),
                None,
            )
            .await,
        )
        .await;
        let listed = all["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|x| x["id"] == id.as_str());
        assert_eq!(listed, i < 4, "{role}");
    }
    for (role, expected) in ROLES.iter().zip([403, 200, 403, 200, 403, 403, 403, 403]) {
        let res = send(&app, Method::GET, "/advising/caseload", w.token(role), None).await;
        assert_eq!(res.status(), expected, "caseload for {role}");
    }
    for (role, expected) in ROLES.iter().zip([403, 403, 403, 200, 403, 403, 403, 403]) {
        let res = send(
            &app,
            Method::GET,
            "/advising/outcomes-by-unit",
            w.token(role),
            None,
        )
        .await;
        assert_eq!(res.status(), expected, "outcomes by unit for {role}");
        let res = send(&app, Method::GET, "/advising/events", w.token(role), None).await;
        assert_eq!(res.status(), expected, "events for {role}");
    }
    for (role, expected) in ROLES.iter().zip([200, 200, 200, 200, 200, 200, 200, 403]) {
        let res = send(
            &app,
            Method::GET,
            "/support/fit?need=time%20management",
            w.token(role),
            None,
        )
        .await;
        assert_eq!(res.status(), expected, "support/fit for {role}");
    }
}

const ENGAGEMENT_QUERY: &str = "query($id: ID!) { advisingEngagement(id: $id) { id state checkIns { reflection ratings { rating } } advisorNotes { text } referrals { target } history { action } } }";

async fn graphql(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let res = app
        .post(
            "/graphql",
            token,
            json!({ "query": query, "variables": variables }),
        )
        .await;
    assert_eq!(res.status(), 200);
    body(res).await
}

fn error_codes(answer: &Value) -> Vec<(String, String)> {
    answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["path"]
                            .as_array()
                            .and_then(|p| p.last())
                            .and_then(Value::as_str)
                            .unwrap_or("-")
                            .to_owned(),
                        e["extensions"]["code"].as_str().unwrap_or("-").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_role_over_every_graphql_field_gets_exactly_what_it_may() {
    let app = app().await;
    let w = world(&app).await;
    let (id, _, secret) = running_pip(&app, &w).await;
    let forbidden = |field: &str| (field.to_owned(), "forbidden".to_owned());
    for role in ROLES {
        let answer = graphql(&app, w.token(role), ENGAGEMENT_QUERY, json!({ "id": id })).await;
        let codes = error_codes(&answer);
        let expected: Vec<(String, String)> = match role {
            "client" => vec![forbidden("advisorNotes")],
            "advisor" => vec![],
            "supervisor" => vec![forbidden("advisorNotes"), forbidden("referrals")],
            "hr" => vec![forbidden("advisorNotes")],
            // Outsiders learn nothing, not even that it exists: null, as for a miss.
            _ => vec![],
        };
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "{role}: {answer}");
        assert_eq!(
            answer.to_string().contains(&secret),
            role == "advisor",
            "{role}: {answer}"
        );
        if !["client", "advisor", "supervisor", "hr"].contains(&role) {
            assert!(
                answer["data"]["advisingEngagement"].is_null(),
                "{role}: {answer}"
            );
        }
        let list = graphql(
            &app,
            w.token(role),
            "{ advisingEngagements(first: 10) { nodes { id } } overdueCheckIns { nodes { id } } }",
            json!({}),
        )
        .await;
        let listed = list["data"]["advisingEngagements"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == id.as_str());
        assert_eq!(
            listed,
            ROLES.iter().position(|r| *r == role) < Some(4),
            "{role}: {list}"
        );
        let fit = graphql(&app, w.token(role), "{ supportFit(need: \"my manager put me on a PIP\") { role reason table { role whoJudgesProgress } } }", json!({})).await;
        if role == "integration" {
            assert_eq!(
                error_codes(&fit),
                vec![("supportFit".to_owned(), "forbidden".to_owned())]
            );
        } else {
            assert_eq!(
                fit["data"]["supportFit"]["role"], "PERFORMANCE_ADVISOR",
                "{role}: {fit}"
            );
            assert_eq!(
                fit["data"]["supportFit"]["table"][1]["whoJudgesProgress"],
                "the supervisor"
            );
        }
    }
}

/// Every answer any role can get about the engagement, as text.
async fn every_answer(app: &TestApp, w: &World, id: &str, check_in: &str) -> Vec<(String, String)> {
    let e = format!("/advising/engagements/{id}");
    let mut out = Vec::new();
    for role in ROLES {
        let gets = [
            e.clone(),
            format!("{e}/history"),
            format!("{e}/check-ins"),
            format!("{e}/progress"),
            format!("{e}/notes"),
            format!("{e}/referrals"),
            format!("{e}/export"),
            format!("{e}/export?format=markdown"),
            "/advising/engagements".to_owned(),
            "/advising/overdue-check-ins".to_owned(),
            "/advising/caseload".to_owned(),
        ];
        for path in gets {
            let res = send(app, Method::GET, &path, w.token(role), None).await;
            out.push((
                format!("{role} GET {path}"),
                res.text().await.expect("text"),
            ));
        }
        // Refused writes echo nothing of a note either.
        let res = send(
            app,
            Method::POST,
            &format!("/advising/check-ins/{check_in}/notes"),
            w.token(role),
            Some(json!({ "text": "x".repeat(10_001) })),
        )
        .await;
        out.push((
            format!("{role} POST a note too long"),
            res.text().await.expect("text"),
        ));
        let answer = graphql(app, w.token(role), ENGAGEMENT_QUERY, json!({ "id": id })).await;
        out.push((format!("{role} GraphQL"), answer.to_string()));
    }
    let audit = app.get("/api/v1/audit-events?first=200", &app.hr()).await;
    out.push(("hr audit log".to_owned(), audit.text().await.expect("text")));
    out
}

#[tokio::test]
async fn an_advisor_note_reaches_its_author_only_and_is_never_stored_in_plaintext() {
    let app = app().await;
    let w = world(&app).await;
    let (id, check_in, secret) = running_pip(&app, &w).await;
    for (what, text) in every_answer(&app, &w, &id, &check_in).await {
        let author_reads_own = what == format!("advisor GET /advising/engagements/{id}/notes")
            || what == "advisor GraphQL";
        assert_eq!(text.contains(&secret), author_reads_own, "{what}: {text}");
    }
    let notes = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}/notes"),
            w.token("advisor"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        notes[0]["text"].as_str().map(|t| t.starts_with(&secret)),
        Some(true)
    );
    // The database holds ciphertext with its key id, and no table holds the note.
    let dump = dump(&app).await;
    assert!(
        !dump.contains(&secret),
        "a note in plaintext in the database"
    );
    let sealed = column(
        &app,
        "SELECT key_id || ' ' || ciphertext AS v FROM advising_notes",
    )
    .await;
    assert_eq!(sealed.len(), 1);
    assert!(sealed[0].starts_with("t1 "), "{sealed:?}");
}

/// Every text column of every advising table, and the audit log, as one string.
async fn dump(app: &TestApp) -> String {
    let mut all = String::new();
    for (table, columns) in [
        (
            "advising_engagements",
            "focus_areas || coalesce(closing_summary, '') || coalesce(acknowledgement_comment, '')",
        ),
        (
            "advising_history",
            "action || coalesce(reason, '') || coalesce(detail, '')",
        ),
        ("advising_check_ins", "coalesce(reflection, '')"),
        ("advising_notes", "key_id || ciphertext"),
        ("advising_referrals", "target || coalesce(note, '')"),
        ("audit_events", "action || resource_type || resource_id"),
    ] {
        for v in column(app, &format!("SELECT {columns} AS v FROM {table}")).await {
            all.push_str(&v);
            all.push('\n');
        }
    }
    all
}

async fn column(app: &TestApp, sql: &str) -> Vec<String> {
    use learnwell_persistence::Conn;
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.services.db;
    let backend = match db.backend() {
        learnwell_persistence::Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        learnwell_persistence::Backend::Postgres => sea_orm::DbBackend::Postgres,
    };
    db.conn()
        .query_all(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("query")
        .iter()
        .map(|row| row.try_get::<String>("", "v").expect("v"))
        .collect()
}

#[tokio::test]
async fn rotate_keys_reseals_every_note_under_the_new_key_and_old_keys_read_until_then() {
    let app = app().await;
    let w = world(&app).await;
    let (id, _, secret) = running_pip(&app, &w).await;
    let before = column(&app, "SELECT ciphertext AS v FROM advising_notes").await;
    // The new key first, the old one still configured: old notes read, new notes seal with t2.
    let mut settings = learnwell_api::config::Settings::clone(&app.state.services.settings);
    settings.advising.note_keys = keys(&[K2, K1]);
    let services = learnwell_api::services::Services::new(
        settings,
        app.state.services.db.clone(),
        app.state.services.kv.clone(),
    );
    let resealed = learnwell_api::services::advising::rotate_keys(&services)
        .await
        .expect("rotate");
    assert_eq!(resealed, 1);
    assert_eq!(
        learnwell_api::services::advising::rotate_keys(&services)
            .await
            .expect("again"),
        0
    );
    let after = column(
        &app,
        "SELECT key_id || ' ' || ciphertext AS v FROM advising_notes",
    )
    .await;
    assert!(
        after[0].starts_with("t2 ") && !after[0].ends_with(&before[0]),
        "{after:?}"
    );
    // Only the new key is needed now.
    let mut only_new = learnwell_api::config::Settings::clone(&services.settings);
    only_new.advising.note_keys = keys(&[K2]);
    let services = learnwell_api::services::Services::new(
        only_new,
        app.state.services.db.clone(),
        app.state.services.kv.clone(),
    );
    let advisor = learnwell_domain::access::Principal {
        subject: "adv".into(),
        roles: [learnwell_domain::access::Role::PerformanceAdvisor]
            .into_iter()
            .collect(),
        scopes: Default::default(),
        employee_id: Some(w.id("ADV").parse().expect("id")),
        leaver: false,
    };
    let ctx = learnwell_api::services::Ctx::system(
        &services,
        advisor,
        "rotation-test",
        chrono::Utc::now(),
    );
    let notes = learnwell_api::services::advising::list_notes(&ctx, id.parse().expect("id"))
        .await
        .expect("notes");
    assert!(notes[0].note.text.expose().starts_with(&secret));
}

#[tokio::test]
async fn without_a_note_key_notes_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("supervisor"),
        Some(pip(&w)),
    )
    .await;
    let id = body(res).await["id"].as_str().expect("id").to_owned();
    send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}:acknowledge"),
        w.token("client"),
        Some(json!({})),
    )
    .await;
    send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}:activate"),
        w.token("advisor"),
        None,
    )
    .await;
    let res = send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}/check-ins"),
        w.token("advisor"),
        Some(json!({ "held_on": "2026-01-12" })),
    )
    .await;
    let check_in = body(res).await["id"].as_str().expect("id").to_owned();
    let res = send(
        &app,
        Method::POST,
        &format!("/advising/check-ins/{check_in}/notes"),
        w.token("advisor"),
        Some(json!({ "text": "private" })),
    )
    .await;
    assert_eq!(res.status(), 503);
    assert!(column(&app, "SELECT id AS v FROM advising_notes")
        .await
        .is_empty());
}

#[tokio::test]
async fn referrals_keep_nothing_clinical_and_the_export_holds_the_hr_file_without_notes() {
    let app = app().await;
    let w = world(&app).await;
    let (id, _, secret) = running_pip(&app, &w).await;
    let e = format!("/advising/engagements/{id}");
    let res = send(
        &app,
        Method::POST,
        &format!("{e}/referrals"),
        w.token("advisor"),
        Some(json!({ "target": "eap", "note": "panic attacks" })),
    )
    .await;
    assert_eq!(res.status(), 422);
    let referrals = body(
        send(
            &app,
            Method::GET,
            &format!("{e}/referrals"),
            w.token("client"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(referrals[0]["target"], "eap");
    assert!(referrals[0]["note"].is_null());
    let history = body(
        send(
            &app,
            Method::GET,
            &format!("{e}/history"),
            w.token("supervisor"),
            None,
        )
        .await,
    )
    .await;
    assert!(
        !history.to_string().contains("eap"),
        "the supervisor learns of no referral: {history}"
    );
    let export = body(
        send(
            &app,
            Method::GET,
            &format!("{e}/export"),
            w.token("hr"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(export["engagement"]["id"], id.as_str());
    assert_eq!(
        export["check_ins"][0]["ratings"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(export["referrals"][0]["target"], "eap");
    assert!(!export.to_string().contains(&secret));
    let res = send(
        &app,
        Method::GET,
        &format!("{e}/export?format=markdown"),
        w.token("hr"),
        None,
    )
    .await;
    assert_eq!(
        res.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let md = res.text().await.expect("md");
    assert!(
        md.contains("# Advising engagement")
            && md.contains("Handover notes")
            && md.contains("partly_met"),
        "{md}"
    );
    let res = send(
        &app,
        Method::GET,
        &format!("{e}/export?format=pdf"),
        w.token("hr"),
        None,
    )
    .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn caseload_counts_outcomes_and_overdue_check_ins_per_advisor() {
    let app = app().await;
    let w = world(&app).await;
    let (id, _, _) = running_pip(&app, &w).await;
    let rows = body(
        send(
            &app,
            Method::GET,
            "/advising/caseload",
            w.token("advisor"),
            None,
        )
        .await,
    )
    .await;
    let rows = &rows["items"];
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(
        (
            rows[0]["running"].as_u64(),
            rows[0]["overdue_check_ins"].as_u64()
        ),
        (Some(1), Some(1))
    );
    send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}:close"),
        w.token("supervisor"),
        Some(json!({ "outcome": "completed_unsuccessful", "summary": "expectations not met" })),
    )
    .await;
    let rows = body(send(&app, Method::GET, "/advising/caseload", w.token("hr"), None).await).await;
    let rows = &rows["items"];
    assert_eq!(
        (
            rows[0]["completed_unsuccessful"].as_u64(),
            rows[0]["share_successful"].as_f64(),
            rows[0]["median_days_to_outcome"].as_i64()
        ),
        (Some(1), Some(0.0), Some(0))
    );
}

#[tokio::test]
async fn support_fit_names_the_role_with_its_reason_and_the_table() {
    let app = app().await;
    let w = world(&app).await;
    let fit = body(
        send(
            &app,
            Method::GET,
            "/support/fit?need=I%20was%20told%20to%20improve%20my%20communication%20style",
            w.token("peer"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(fit["role"], "performance_advisor");
    assert!(fit["reason"]
        .as_str()
        .expect("reason")
        .contains("the supervisor"));
    assert_eq!(fit["table"].as_array().map(Vec::len), Some(4));
    let fit = body(
        send(
            &app,
            Method::GET,
            "/support/fit?need=I%20feel%20burned%20out",
            w.token("peer"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(fit["role"], "eap");
    let res = send(&app, Method::GET, "/support/fit", w.token("peer"), None).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_session_with_the_advisor_is_the_clients_learning_time_in_work_time() {
    let app = app().await;
    let w = world(&app).await;
    let (id, _, _) = running_pip(&app, &w).await;
    let entries = body(
        app.get(
            &format!(
                "/api/v1/time-entries?from=2026-01-01&to=2026-01-31&employee_id={}",
                w.id("CLIENT")
            ),
            w.token("client"),
        )
        .await,
    )
    .await;
    let entry = &entries["items"][0];
    assert_eq!(
        (
            entry["category"].as_str(),
            entry["minutes"].as_u64(),
            entry["in_work_time"].as_bool(),
            entry["date"].as_str()
        ),
        (Some("advising"), Some(45), Some(true), Some("2026-01-12"))
    );
    let summary = body(
        app.get(
            &format!(
                "/api/v1/learning-time/summary?period=2026-01&employee_id={}",
                w.id("CLIENT")
            ),
            w.token("client"),
        )
        .await,
    )
    .await;
    assert_eq!(
        summary["totals"]["by_category_minutes"]["advising"], 45,
        "{summary}"
    );
    let res = send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}/check-ins"),
        w.token("advisor"),
        Some(json!({ "held_on": "2026-01-12", "session_minutes": 1400 })),
    )
    .await;
    assert_eq!(res.status(), 422, "a day holds at most 24 hours");
    let check_ins = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}/check-ins"),
            w.token("advisor"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        check_ins.as_array().map(Vec::len),
        Some(1),
        "the refused check-in was not written"
    );
}

#[tokio::test]
async fn outcomes_by_org_unit_go_through_the_privacy_engine() {
    let app = TestApp::spawn_with(|s| {
        s.advising.note_keys = keys(&[K1]);
        s.privacy.min_group_size = learnwell_domain::privacy::MinGroupSize::new(3).expect("k");
    })
    .await;
    let root = app.unit("Operations", "OPS", None).await;
    let small = app.unit("Finance", "FIN", Some(&root)).await;
    let large = app.unit("Support", "SUP", Some(&root)).await;
    let mut people = vec![person("LEAD", None)];
    for (n, unit) in [&small, &small, &large, &large, &large, &large]
        .iter()
        .enumerate()
    {
        let mut p = person(&format!("C{n}"), Some("LEAD"));
        p["org_unit_id"] = json!(unit);
        people.push(p);
    }
    let p = ids(&app.sync(json!(people)).await);
    for n in 0..6 {
        let mut e = json!({ "client_id": p[&format!("C{n}")], "origin": "manager_referral", "start_date": "2026-01-05", "planned_end": "2026-03-31" });
        e["focus_areas"] = json!([{ "kind": "quality", "expectations": "no reopened tickets" }]);
        let res = send(
            &app,
            Method::POST,
            "/advising/engagements",
            &app.hr(),
            Some(e),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    let rows = body(
        send(
            &app,
            Method::GET,
            "/advising/outcomes-by-unit",
            &app.hr(),
            None,
        )
        .await,
    )
    .await;
    let row = |unit: Option<&str>| match unit {
        None => rows["organisation"].clone(),
        Some(unit) => rows["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|r| r["org_unit_id"] == unit)
            .expect("row")
            .clone(),
    };
    let finance = row(Some(&small));
    assert_eq!(
        (
            finance["suppressed"].as_bool(),
            finance["suppression_reason"].as_str(),
            finance["draft"].is_null()
        ),
        (Some(true), Some("below_minimum"), true)
    );
    let shown = |r: &Value| !r["suppressed"].as_bool().expect("suppressed");
    let (ops, support, org) = (row(Some(&root)), row(Some(&large)), row(None));
    assert!(
        !(shown(&ops) && shown(&support)),
        "Operations minus Support would be Finance's two"
    );
    assert!(
        !(shown(&org) && shown(&support)),
        "the organisation minus Support too"
    );
    assert_eq!(
        support["suppression_reason"]
            .as_str()
            .unwrap_or("complementary"),
        "complementary"
    );
    if shown(&org) {
        assert_eq!(org["draft"], 6);
    } else {
        assert_eq!(support["draft"], 4);
    }
    let res = send(
        &app,
        Method::GET,
        "/advising/outcomes-by-unit",
        &app.token_for("ld", &["ld_admin"], &[], None),
        None,
    )
    .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_demo_answers_caseload_overdue_and_support_fit_on_first_run() {
    let app = app().await;
    let today = chrono::Utc::now().date_naive();
    learnwell_api::demo::seed(
        &app.state.services,
        today,
        learnwell_api::demo::DEFAULT_SEED,
    )
    .await
    .expect("demo");
    let rows = body(send(&app, Method::GET, "/advising/caseload", &app.hr(), None).await).await;
    assert_eq!(rows["items"].as_array().map(Vec::len), Some(1), "{rows}");
    let r = &rows["items"][0];
    assert_eq!(
        (
            r["running"].as_u64(),
            r["completed_successful"].as_u64(),
            r["overdue_check_ins"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{r}"
    );
    let advisor = learnwell_api::demo::advising::advisor(&app.state.services)
        .await
        .expect("advisor")
        .expect("an advisor");
    let token = app.token_for(
        "demo-advisor",
        &["employee", "performance_advisor"],
        &[],
        Some(&advisor.to_string()),
    );
    let mine = body(send(&app, Method::GET, "/advising/engagements", &token, None).await).await;
    let engagements = mine["items"].as_array().expect("items");
    assert_eq!(engagements.len(), 3);
    let origins: Vec<&str> = engagements
        .iter()
        .map(|e| e["origin"].as_str().expect("origin"))
        .collect();
    assert_eq!(origins, ["pip", "manager_referral", "self_referral"]);
    assert_eq!(engagements[0]["check_in_overdue"], true);
    let notes = body(
        send(
            &app,
            Method::GET,
            &format!(
                "/advising/engagements/{}/notes",
                engagements[0]["id"].as_str().expect("id")
            ),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert!(notes[0]["text"].as_str().expect("note").contains("ad-hoc"));
    let fit = body(
        send(
            &app,
            Method::GET,
            "/support/fit?need=on%20a%20PIP",
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(fit["role"], "performance_advisor");
}

#[tokio::test]
async fn an_overdue_check_in_becomes_one_event_per_due_date_for_the_coming_webhooks() {
    let app = app().await;
    let w = world(&app).await;
    let (id, _, _) = running_pip(&app, &w).await;
    let today = chrono::Utc::now().date_naive();
    let svc = &app.state.services;
    use learnwell_api::services::advising::flag_overdue;
    assert_eq!(flag_overdue(svc, today).await.expect("sweep"), 1);
    assert_eq!(
        flag_overdue(svc, today).await.expect("again"),
        0,
        "once per due date"
    );
    let events = body(send(&app, Method::GET, "/advising/events", &app.hr(), None).await).await;
    let items = events["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(
        (
            items[0]["kind"].as_str(),
            items[0]["engagement_id"].as_str(),
            items[0]["due_on"].as_str()
        ),
        (
            Some("check_in.overdue"),
            Some(id.as_str()),
            Some("2026-01-19")
        )
    );
}

#[tokio::test]
async fn concurrent_changes_of_one_engagement_take_effect_once() {
    let app = app().await;
    let w = world(&app).await;
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("supervisor"),
        Some(pip(&w)),
    )
    .await;
    let e = body(res).await;
    let id = e["id"].as_str().expect("id").to_owned();
    send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}:acknowledge"),
        w.token("client"),
        Some(json!({})),
    )
    .await;
    let path = format!("/advising/engagements/{id}:activate");
    let one = || async {
        send(&app, Method::POST, &path, w.token("advisor"), None)
            .await
            .status()
            .as_u16()
    };
    let (a, b, c, d) = tokio::join!(one(), one(), one(), one());
    let statuses = [a, b, c, d];
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409, 412].contains(s)),
        "{statuses:?}"
    );
    let history = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}/history"),
            w.token("hr"),
            None,
        )
        .await,
    )
    .await;
    let activations = history
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["action"] == "advising.engagement.activate")
        .count();
    assert_eq!(activations, 1);
    // Concurrent ratings of one focus area leave one rating.
    let res = send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{id}/check-ins"),
        w.token("advisor"),
        Some(json!({ "held_on": "2026-01-12" })),
    )
    .await;
    let check_in = body(res).await["id"].as_str().expect("id").to_owned();
    let area = e["focus_areas"][0]["id"].as_str().expect("area").to_owned();
    let rate = format!("/advising/check-ins/{check_in}/ratings");
    let one = |r: &'static str| {
        let body = json!({ "ratings": [ { "focus_area_id": area, "rating": r } ] });
        let rate = &rate;
        let w = &w;
        let app = &app;
        async move {
            send(app, Method::PUT, rate, w.token("supervisor"), Some(body))
                .await
                .status()
                .as_u16()
        }
    };
    let (a, b, c) = tokio::join!(one("not_met"), one("met"), one("exceeded"));
    let statuses = [a, b, c];
    assert_eq!(statuses, [200, 200, 200]);
    let rows = column(&app, "SELECT rating AS v FROM advising_ratings").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    // The people are HR's to change.
    let version = body(
        send(
            &app,
            Method::GET,
            &format!("/advising/engagements/{id}"),
            w.token("hr"),
            None,
        )
        .await,
    )
    .await["version"]
        .as_i64()
        .expect("v");
    let res = patch(
        &app,
        &format!("/advising/engagements/{id}"),
        w.token("advisor"),
        version,
        json!({ "supervisor_id": w.id("OTHERMGR") }),
    )
    .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn no_log_line_holds_an_advisor_note_even_at_trace_level() {
    let Some(captured) = crate::helpers::Captured::install() else {
        return;
    };
    let app = app().await;
    let w = world(&app).await;
    let (id, check_in, secret) = running_pip(&app, &w).await;
    every_answer(&app, &w, &id, &check_in).await;
    send(
        &app,
        Method::GET,
        &format!("/advising/engagements/{id}/notes"),
        w.token("advisor"),
        None,
    )
    .await;
    let logs = captured.text();
    assert!(
        logs.contains("advising"),
        "the capture saw the requests: {}",
        logs.len()
    );
    assert!(!logs.contains(&secret), "a note reached a log line");
}

#[tokio::test]
async fn engagements_are_opened_by_hr_a_manager_for_their_report_or_a_person_for_themselves_only() {
    let app = app().await;
    let w = world(&app).await;
    for (role, expected) in ROLES.iter().zip([403, 403, 201, 201, 403, 403, 403, 403]) {
        let mut referral = pip(&w);
        referral["origin"] = json!("manager_referral");
        let res = send(
            &app,
            Method::POST,
            "/advising/engagements",
            w.token(role),
            Some(referral),
        )
        .await;
        assert_eq!(
            res.status(),
            expected,
            "{role} opening a referral for CLIENT"
        );
    }
    let mut own = pip(&w);
    own["client_id"] = json!(w.id("PEER"));
    own["origin"] = json!("self_referral");
    own["advisor_id"] = json!(null);
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("peer"),
        Some(own),
    )
    .await;
    assert_eq!(res.status(), 201, "a self-referral needs no advisor yet");
    let draft = body(res).await;
    let res = send(
        &app,
        Method::POST,
        &format!(
            "/advising/engagements/{}:activate",
            draft["id"].as_str().expect("id")
        ),
        w.token("hr"),
        None,
    )
    .await;
    assert_eq!(res.status(), 422, "an engagement starts with an advisor");
    let mut terminated = person("CLIENT", Some("MGR"));
    terminated["family_name"] = json!("FamilyCLIENT");
    terminated["status"] = json!("terminated");
    terminated["termination_date"] = json!("2026-01-01");
    app.sync(json!([terminated])).await;
    let res = send(
        &app,
        Method::POST,
        "/advising/engagements",
        w.token("hr"),
        Some(pip(&w)),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["code"], "employee_terminated");
}

/// Open an engagement as hr_admin (`advisor`: an employee id or none) and, when `run`, activate
/// it as hr_admin; returns its id.
async fn engagement(
    app: &TestApp,
    client: &str,
    advisor: Option<&str>,
    plan: Value,
    run: bool,
) -> String {
    let mut e = json!({ "client_id": client, "origin": "manager_referral", "advisor_id": advisor,
        "focus_areas": [{ "kind": "quality", "expectations": "no reopened tickets" }] });
    for (k, v) in plan.as_object().expect("plan") {
        e[k] = v.clone();
    }
    let res = send(
        app,
        Method::POST,
        "/advising/engagements",
        &app.hr(),
        Some(e),
    )
    .await;
    let status = res.status();
    let e = body(res).await;
    assert_eq!(status, 201, "{e}");
    let id = e["id"].as_str().expect("id").to_owned();
    if run {
        let path = format!("/advising/engagements/{id}:activate");
        let res = send(app, Method::POST, &path, &app.hr(), None).await;
        assert_eq!(res.status(), 200);
    }
    id
}

#[tokio::test]
async fn overdue_check_ins_and_caseloads_come_a_page_at_a_time() {
    let app = app().await;
    let w = world(&app).await;
    let today = chrono::Utc::now().date_naive();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let plan = |start: i64, cadence: Value| {
        let mut p = json!({ "start_date": day(start), "planned_end": day(200) });
        for (k, v) in cadence.as_object().expect("cadence") {
            p[k] = v.clone();
        }
        p
    };
    let weekly = || json!({ "cadence": "weekly" });
    let (client, peer, other, adv) = (w.id("CLIENT"), w.id("PEER"), w.id("OTHER"), w.id("ADV"));
    let mine = [
        engagement(&app, client, Some(adv), plan(-30, weekly()), true).await,
        engagement(&app, peer, Some(adv), plan(-30, weekly()), true).await,
    ];
    let fortnightly = json!({ "cadence": "fortnightly" });
    let others = engagement(&app, other, Some(adv), plan(-30, fortnightly), true).await;
    let mut overdue = vec![mine[0].clone(), mine[1].clone(), others.clone()];
    overdue.sort();
    // Not overdue: due in four days; a check-in yesterday; a custom cadence of 90 days; a draft.
    engagement(&app, client, Some(adv), plan(-3, weekly()), true).await;
    let checked = engagement(&app, peer, Some(adv), plan(-30, weekly()), true).await;
    let res = send(
        &app,
        Method::POST,
        &format!("/advising/engagements/{checked}/check-ins"),
        w.token("advisor"),
        Some(json!({ "held_on": day(-1) })),
    )
    .await;
    assert_eq!(res.status(), 201);
    let custom = json!({ "cadence": "custom", "cadence_days": 90 });
    engagement(&app, other, Some(adv), plan(-60, custom), true).await;
    engagement(&app, client, Some(adv), plan(-30, weekly()), false).await;

    let ids = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let path = "/api/v1/advising/overdue-check-ins";
    assert_eq!(ids(app.all_pages(path, &app.hr(), 2).await), overdue);
    assert_eq!(
        ids(app.all_pages(path, w.token("advisor"), 2).await),
        overdue
    );
    assert_eq!(
        ids(app.all_pages(path, w.token("supervisor"), 1).await),
        mine,
        "the supervisor's own"
    );
    let theirs = body(
        send(
            &app,
            Method::GET,
            "/advising/overdue-check-ins",
            w.token("other_manager"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(theirs["items"][0]["id"], others.as_str(), "{theirs}");
    assert_eq!(
        theirs["items"].as_array().map(Vec::len),
        Some(1),
        "{theirs}"
    );
    let none = body(
        send(
            &app,
            Method::GET,
            "/advising/overdue-check-ins",
            w.token("client"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(none, json!({ "items": [] }), "a client oversees nothing");

    engagement(
        &app,
        client,
        Some(w.id("OTHERMGR")),
        plan(-30, weekly()),
        false,
    )
    .await;
    engagement(&app, peer, None, plan(-30, weekly()), false).await;
    let rows = app
        .all_pages("/api/v1/advising/caseload", &app.hr(), 2)
        .await;
    let mut advisors = [adv.to_owned(), w.id("OTHERMGR").to_owned()];
    advisors.sort();
    let listed: Vec<Value> = rows.iter().map(|r| r["advisor_id"].clone()).collect();
    assert_eq!(
        listed,
        [Value::Null, json!(advisors[0]), json!(advisors[1])],
        "without an advisor first, then by advisor"
    );
    let of_adv = rows.iter().find(|r| r["advisor_id"] == adv).expect("ADV");
    assert_eq!(
        (
            of_adv["draft"].clone(),
            of_adv["running"].clone(),
            of_adv["overdue_check_ins"].clone()
        ),
        (json!(1), json!(6), json!(3)),
        "{of_adv}"
    );
}
