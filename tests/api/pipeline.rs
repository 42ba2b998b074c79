//! The leadership pipeline end to end: programmes, cohorts, memberships through their states,
//! capacity under concurrent admissions, reflections (member and lead only, audited), readiness
//! and 9-box on every path (REST and GraphQL), positions and placements in one transaction,
//! lost graduates from HRIS terminations, the bottleneck with its findings for each scope and
//! caller, and the projection.

use crate::helpers::{body, ids, person, TestApp};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or_default()
}

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

/// OPS (managed by BOSS): MGR under BOSS, G1..G6 under MGR (level 3), R1 under G1, INC1..INC3
/// under BOSS (level 5). TINY (managed by TM): TM and T1. PEER and LEAD elsewhere.
struct World {
    p: HashMap<String, String>,
    ops: String,
    tiny: String,
}

async fn world(app: &TestApp) -> World {
    let ops = app.unit("Operations", "OPS", None).await;
    let tiny = app.unit("Tiny", "TINY", None).await;
    let mut records = Vec::new();
    let mut add = |ext: &str, manager: Option<&str>, unit: &str, level: i64| {
        let mut r = person(ext, manager);
        r["org_unit_id"] = json!(unit);
        r["job_level"] = json!(level);
        records.push(r);
    };
    add("BOSS", None, &ops, 7);
    add("MGR", Some("BOSS"), &ops, 4);
    for g in ["G1", "G2", "G3", "G4", "G5", "G6"] {
        add(g, Some("MGR"), &ops, 3);
    }
    add("R1", Some("G1"), &ops, 2);
    for i in ["INC1", "INC2", "INC3"] {
        add(i, Some("BOSS"), &ops, 5);
    }
    add("TM", None, &tiny, 5);
    add("T1", Some("TM"), &tiny, 3);
    add("PEER", None, &tiny, 3);
    add("LEAD", None, &tiny, 6);
    let p = ids(&app.sync(json!(records)).await);
    for (unit, manager) in [(&ops, "BOSS"), (&tiny, "TM")] {
        let res = app
            .client
            .patch(format!("{}/api/v1/org-units/{unit}", app.base))
            .bearer_auth(app.hr())
            .header("if-match", "\"1\"")
            .json(&json!({ "manager_id": p[manager] }))
            .send()
            .await
            .expect("send");
        assert!(res.status().is_success(), "{}", res.status());
    }
    World { p, ops, tiny }
}

impl World {
    fn token(&self, app: &TestApp, who: &str) -> String {
        app.employee_token(&self.p[who])
    }
}

/// A programme led by LEAD (target levels 4-6) and a running cohort of `capacity`.
async fn cohort(app: &TestApp, w: &World, capacity: i64) -> (String, String) {
    let res = app
        .post(
            "/api/v1/pipeline/programmes",
            &ld(app),
            json!({ "name": format!("Emerging Leaders {capacity}"), "lead_id": w.p["LEAD"],
                    "target_level_min": 4, "target_level_max": 6 }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let programme = body(res).await["id"].as_str().expect("id").to_owned();
    let res = app
        .post(
            &format!("/api/v1/pipeline/programmes/{programme}/cohorts"),
            &ld(app),
            json!({ "name": "2026", "starts_on": day(-30), "ends_on": day(30), "capacity": capacity }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let c = body(res).await;
    assert_eq!(c["state"], "running");
    (programme, c["id"].as_str().expect("id").to_owned())
}

async fn nominate(
    app: &TestApp,
    token: &str,
    cohort: &str,
    who: Option<&str>,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/pipeline/cohorts/{cohort}/memberships"),
        token,
        json!({ "employee_id": who }),
    )
    .await
}

async fn act(app: &TestApp, token: &str, membership: &str, action: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/pipeline/memberships/{membership}:{action}"),
        token,
        json!({}),
    )
    .await
}

/// Nominated by MGR, admitted, started and graduated by LEAD: the membership id.
async fn graduate(app: &TestApp, w: &World, cohort: &str, who: &str) -> String {
    let res = nominate(app, &w.token(app, "MGR"), cohort, Some(&w.p[who])).await;
    assert_eq!(res.status(), 201, "{who}");
    let id = body(res).await["id"].as_str().expect("id").to_owned();
    let lead = w.token(app, "LEAD");
    for action in ["admit", "start", "graduate"] {
        let res = act(app, &lead, &id, action).await;
        assert_eq!(res.status(), 200, "{action}");
    }
    id
}

async fn place(app: &TestApp, m: &str, p: &str, token: &str) -> reqwest::Response {
    let body = json!({ "membership_id": m, "position_id": p });
    app.post("/api/v1/pipeline/placements", token, body).await
}

async fn graphql(app: &TestApp, token: &str, query: &str) -> Value {
    body(app.post("/graphql", token, json!({ "query": query })).await).await
}

fn gql_codes(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn memberships_walk_their_states_with_one_open_membership_per_programme() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let bad = app
        .post(
            "/api/v1/pipeline/programmes",
            &ld(&app),
            json!({ "target_level_min": 6, "target_level_max": 2 }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let hr_made = app
        .post(
            "/api/v1/pipeline/programmes",
            &app.hr(),
            json!({ "name": "x" }),
        )
        .await;
    assert_eq!(hr_made.status(), 403);
    let (_, c) = cohort(&app, &w, 10).await;
    // A peer cannot nominate someone who is not their report; a manager can, a person themselves.
    let peer = nominate(&app, &w.token(&app, "PEER"), &c, Some(&w.p["G1"])).await;
    assert_eq!(peer.status(), 403);
    let m = body(nominate(&app, &w.token(&app, "MGR"), &c, Some(&w.p["G1"])).await).await;
    assert_eq!(
        (m["state"].as_str(), m["self_nominated"].as_bool()),
        (Some("nominated"), Some(false))
    );
    let again = nominate(&app, &w.token(&app, "G1"), &c, None).await;
    assert_eq!(again.status(), 409);
    assert_eq!(code(&body(again).await), "duplicate");
    let own = body(nominate(&app, &w.token(&app, "G2"), &c, None).await).await;
    assert_eq!(own["self_nominated"], true);
    let id = m["id"].as_str().expect("id");
    // Only the lead admits; ld_admin may start and graduate; states are never skipped.
    assert_eq!(act(&app, &ld(&app), id, "admit").await.status(), 403);
    assert_eq!(
        act(&app, &w.token(&app, "MGR"), id, "admit").await.status(),
        403
    );
    let skipped = act(&app, &ld(&app), id, "graduate").await;
    assert_eq!(skipped.status(), 409);
    assert_eq!(
        body(skipped).await["detail"],
        "a membership that is nominated cannot be graduated"
    );
    let lead = w.token(&app, "LEAD");
    assert_eq!(act(&app, &lead, id, "admit").await.status(), 200);
    // A retry answers the membership as it is, without a second seat.
    let retry = body(act(&app, &lead, id, "admit").await).await;
    assert_eq!(retry["state"], "admitted");
    let seats = body(
        app.get(&format!("/api/v1/pipeline/cohorts/{c}"), &lead)
            .await,
    )
    .await;
    assert_eq!(seats["seats_taken"], 1);
    assert_eq!(act(&app, &ld(&app), id, "start").await.status(), 200);
    let done = body(act(&app, &lead, id, "graduate").await).await;
    assert_eq!(done["state"], "graduated");
    assert_eq!(done["graduated_on"], day(0));
    assert_eq!(
        act(&app, &w.token(&app, "G1"), id, "withdraw")
            .await
            .status(),
        409
    );
    // Graduated, the person may be nominated again; withdrawing frees the seat.
    let second = body(nominate(&app, &w.token(&app, "G1"), &c, None).await).await;
    let sid = second["id"].as_str().expect("id");
    assert_eq!(act(&app, &lead, sid, "admit").await.status(), 200);
    let gone = body(act(&app, &w.token(&app, "G1"), sid, "withdraw").await).await;
    assert_eq!(gone["state"], "withdrawn");
    let seats = body(
        app.get(&format!("/api/v1/pipeline/cohorts/{c}"), &lead)
            .await,
    )
    .await;
    assert_eq!(seats["seats_taken"], 1);
    // Who sees a membership: the member, their managers, the lead, the admins; not a peer.
    for (who, status) in [
        ("G1", 200),
        ("MGR", 200),
        ("BOSS", 200),
        ("LEAD", 200),
        ("PEER", 404),
        ("R1", 404),
    ] {
        let res = app
            .get(
                &format!("/api/v1/pipeline/memberships/{id}"),
                &w.token(&app, who),
            )
            .await;
        assert_eq!(res.status(), status, "{who}");
    }
    let list = app
        .get(
            &format!("/api/v1/pipeline/cohorts/{c}/memberships"),
            &w.token(&app, "MGR"),
        )
        .await;
    assert_eq!(list.status(), 403);
    let list = body(
        app.get(&format!("/api/v1/pipeline/cohorts/{c}/memberships"), &lead)
            .await,
    )
    .await;
    assert_eq!(list["items"].as_array().expect("items").len(), 3);
    let mine = app
        .all_pages("/api/v1/pipeline/memberships", &w.token(&app, "G1"), 1)
        .await;
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(
        mine[0]["id"].as_str() < mine[1]["id"].as_str(),
        "oldest first"
    );
    let q = format!(
        "{{ pipelineMemberships(employeeId: \"{}\") {{ nodes {{ state member {{ displayName }} }} }} }}",
        w.p["G1"]
    );
    let peer = graphql(&app, &w.token(&app, "PEER"), &q).await;
    assert_eq!(gql_codes(&peer), ["forbidden"]);
    let boss = graphql(&app, &w.token(&app, "BOSS"), &q).await;
    assert_eq!(
        boss["data"]["pipelineMemberships"]["nodes"][0]["state"],
        "GRADUATED"
    );
}

#[tokio::test]
async fn a_cohort_never_admits_beyond_its_capacity_under_concurrent_admissions() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (_, c) = cohort(&app, &w, 3).await;
    let mut members = Vec::new();
    for g in [
        "G1", "G2", "G3", "G4", "G5", "G6", "INC1", "INC2", "INC3", "R1",
    ] {
        let res = nominate(&app, &w.token(&app, g), &c, None).await;
        members.push(body(res).await["id"].as_str().expect("id").to_owned());
    }
    let lead = w.token(&app, "LEAD");
    let mut tasks = tokio::task::JoinSet::new();
    for m in &members {
        let url = format!("{}/api/v1/pipeline/memberships/{m}:admit", app.base);
        let (client, token) = (app.client.clone(), lead.clone());
        tasks.spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .expect("send");
            (
                res.status().as_u16(),
                res.json::<Value>().await.unwrap_or(Value::Null),
            )
        });
    }
    let answers = tasks.join_all().await;
    let mut statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 422, 422, 422, 422, 422, 422, 422]);
    let (_, refused) = answers.iter().find(|(s, _)| *s == 422).expect("a refusal");
    assert_eq!(code(refused), "capacity_reached");
    assert_eq!(
        refused["detail"],
        "this cohort has no free seat: 3 of a capacity of 3 are taken"
    );
    let seats = body(
        app.get(&format!("/api/v1/pipeline/cohorts/{c}"), &lead)
            .await,
    )
    .await;
    assert_eq!(seats["seats_taken"], 3);
}

#[tokio::test]
async fn a_reflection_is_read_by_the_member_and_the_lead_only_and_every_read_is_audited() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (_, c) = cohort(&app, &w, 5).await;
    let m = body(nominate(&app, &w.token(&app, "G1"), &c, None).await).await;
    let id = m["id"].as_str().expect("id");
    let secret = "I want to lead because my last manager\nshowed me what good looks like";
    let path = format!("/api/v1/pipeline/memberships/{id}/reflection");
    let by_manager = app
        .request(
            reqwest::Method::PUT,
            &path,
            Some(&w.token(&app, "MGR")),
            Some(json!({ "text": "x" })),
        )
        .await;
    assert_eq!(by_manager.status(), 403);
    let written = app
        .request(
            reqwest::Method::PUT,
            &path,
            Some(&w.token(&app, "G1")),
            Some(json!({ "text": secret })),
        )
        .await;
    assert_eq!(written.status(), 200);
    let lead = w.token(&app, "LEAD");
    let read = body(app.get(&path, &lead).await).await;
    assert_eq!(read["text"], secret);
    assert_eq!(
        body(app.get(&path, &w.token(&app, "G1")).await).await["text"],
        secret
    );
    // The admins see the membership but never the reflection; a peer not even the membership.
    let hr_ld = app.token_for("both", &["hr_admin", "ld_admin"], &[], None);
    for (token, status) in [
        (hr_ld, 403),
        (ld(&app), 403),
        (w.token(&app, "MGR"), 403),
        (w.token(&app, "PEER"), 404),
    ] {
        let res = app.get(&path, &token).await;
        assert_eq!(res.status(), status);
        assert!(!res.text().await.expect("text").contains("good looks like"));
    }
    assert_eq!(
        app.post(
            &format!("{path}:discussed"),
            &w.token(&app, "G1"),
            json!({})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(&format!("{path}:discussed"), &lead, json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        body(app.get(&path, &lead).await).await["discussed_on"],
        day(0)
    );
    let audit = app
        .get(
            &format!("/api/v1/audit-events?resource_id={id}&first=50"),
            &app.hr(),
        )
        .await
        .text()
        .await
        .expect("text");
    assert!(!audit.contains("good looks like"));
    let audit: Value = serde_json::from_str(&audit).expect("json");
    let reads = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "pipeline_reflection.read")
        .count();
    assert_eq!(reads, 3, "the lead twice and the member once");
    // Never on the graph: the membership node has no reflection field.
    let q = "{ pipelineMemberships { nodes { state reflection } } }";
    let res = graphql(&app, &w.token(&app, "G1"), q).await;
    assert!(res["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("reflection"));
}

/// Readiness of G1 by their manager MGR (with a rationale), and a 9-box by hr_admin naming
/// INC1 as assessor.
async fn talent(app: &TestApp, w: &World) {
    let res = app
        .post(
            &format!("/api/v1/employees/{}/readiness-assessments", w.p["G1"]),
            &w.token(app, "MGR"),
            json!({ "readiness": "ready_now", "rationale": "CONFIDENTIAL-RATIONALE" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/employees/{}/talent-reviews", w.p["G1"]),
            &app.hr(),
            json!({ "performance": 3, "potential": 2, "assessor_id": w.p["INC1"], "calibrated_by": w.p["BOSS"] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(body(res).await["nine_box"], 6);
}

#[tokio::test]
async fn readiness_and_nine_box_reach_admins_and_assessors_only_on_every_path() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    talent(&app, &w).await;
    let g1 = &w.p["G1"];
    let (_, c) = cohort(&app, &w, 5).await;
    assert_eq!(
        nominate(&app, &w.token(&app, "G1"), &c, None)
            .await
            .status(),
        201
    );
    // Who may record: a peer may not assess, nobody assesses themselves, only hr records 9-box.
    let peer = app
        .post(
            &format!("/api/v1/employees/{g1}/readiness-assessments"),
            &w.token(&app, "PEER"),
            json!({ "readiness": "ready_now" }),
        )
        .await;
    assert_eq!(peer.status(), 403);
    let selfie = app
        .post(
            &format!("/api/v1/employees/{g1}/readiness-assessments"),
            &w.token(&app, "G1"),
            json!({ "readiness": "ready_now" }),
        )
        .await;
    assert_eq!(selfie.status(), 403);
    let ld_box = app
        .post(
            &format!("/api/v1/employees/{g1}/talent-reviews"),
            &ld(&app),
            json!({ "performance": 1, "potential": 1, "assessor_id": g1 }),
        )
        .await;
    assert_eq!(ld_box.status(), 403);
    let readiness = format!("/api/v1/employees/{g1}/readiness-assessments");
    let reviews = format!("/api/v1/employees/{g1}/talent-reviews");
    // (caller, readiness status and count, 9-box status and count)
    let cases = [
        ("HR", 200, 1, 200, 1),
        ("LD", 200, 1, 200, 1),
        ("MGR", 200, 1, 403, 0),
        ("INC1", 403, 0, 200, 1),
        ("BOSS", 403, 0, 403, 0),
        ("G1", 403, 0, 403, 0),
        ("R1", 403, 0, 403, 0),
        ("G2", 403, 0, 403, 0),
        ("PEER", 403, 0, 403, 0),
    ];
    for (who, rs, rn, bs, bn) in cases {
        let token = match who {
            "HR" => app.hr(),
            "LD" => ld(&app),
            _ => w.token(&app, who),
        };
        for (path, status, n) in [(&readiness, rs, rn), (&reviews, bs, bn)] {
            let res = app.get(path, &token).await;
            assert_eq!(res.status(), status, "{who} {path}");
            let text = res.text().await.expect("text");
            if status == 200 {
                let v: Value = serde_json::from_str(&text).expect("json");
                assert_eq!(v.as_array().expect("list").len(), n, "{who} {path}");
            } else {
                assert!(
                    !text.contains("CONFIDENTIAL") && !text.contains("ready_now"),
                    "{who}"
                );
            }
        }
    }
    // GraphQL: every path to G1 asks the same rule.
    let fields = "readinessAssessments { readiness rationale } talentReviews { nineBox }";
    let paths = [
        format!("{{ me {{ {fields} }} }}"),
        format!("{{ employee(id: \"{g1}\") {{ {fields} }} }}"),
        format!("{{ employee(id: \"{}\") {{ manager {{ {fields} }} }} }}", w.p["R1"]),
        format!("{{ orgUnit(id: \"{}\") {{ employees(first: 50) {{ edges {{ node {{ {fields} }} }} }} }} }}", w.ops),
        format!("{{ pipelineMemberships(employeeId: \"{g1}\") {{ nodes {{ member {{ {fields} }} }} }} }}"),
    ];
    for who in ["G1", "R1", "G2", "BOSS"] {
        for q in &paths {
            let res = graphql(&app, &w.token(&app, who), q).await;
            let text = res.to_string();
            assert!(
                !text.contains("CONFIDENTIAL") && !text.contains("ready_now"),
                "{who}: {q}: {text}"
            );
            let codes = gql_codes(&res);
            assert!(
                codes.iter().all(|c| c == "forbidden") && !codes.is_empty(),
                "{who}: {q}: {text}"
            );
        }
    }
    let hr = graphql(&app, &app.hr(), &paths[1]).await;
    assert_eq!(
        hr["data"]["employee"]["readinessAssessments"][0]["rationale"],
        "CONFIDENTIAL-RATIONALE"
    );
    assert_eq!(hr["data"]["employee"]["talentReviews"][0]["nineBox"], 6);
    let mgr = graphql(&app, &w.token(&app, "MGR"), &paths[1]).await;
    assert_eq!(
        mgr["data"]["employee"]["readinessAssessments"][0]["readiness"],
        "READY_NOW"
    );
    assert_eq!(
        gql_codes(&mgr),
        ["forbidden"],
        "MGR did not review the 9-box"
    );
    // The person sees their own readiness when the organisation allows it, never their 9-box.
    let open = TestApp::spawn_with(|s| s.pipeline.self_readiness_visible = true).await;
    let w2 = world(&open).await;
    talent(&open, &w2).await;
    let own = w2.token(&open, "G1");
    let path = format!("/api/v1/employees/{}/readiness-assessments", w2.p["G1"]);
    assert_eq!(
        body(open.get(&path, &own).await).await[0]["readiness"],
        "ready_now"
    );
    let path = format!("/api/v1/employees/{}/talent-reviews", w2.p["G1"]);
    assert_eq!(open.get(&path, &own).await.status(), 403);
    let path = format!("/api/v1/employees/{}/readiness-assessments", w2.p["G1"]);
    assert_eq!(open.get(&path, &w2.token(&open, "R1")).await.status(), 403);
}

async fn position(app: &TestApp, unit: &str, incumbent: Option<&str>, growth: bool) -> String {
    let res = app
        .post(
            "/api/v1/pipeline/positions",
            &app.hr(),
            json!({ "title": "Team lead", "org_unit_id": unit, "level": 5, "incumbent_id": incumbent,
                    "incumbent_since": incumbent.map(|_| day(-3000)), "created_for_growth": growth }),
        )
        .await;
    assert_eq!(res.status(), 201);
    body(res).await["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn a_placement_moves_the_incumbent_and_the_history_in_one_transaction() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (_, c) = cohort(&app, &w, 10).await;
    let m1 = graduate(&app, &w, &c, "G1").await;
    let m2 = graduate(&app, &w, &c, "G2").await;
    let filled = position(&app, &w.ops, Some(&w.p["INC1"]), false).await;
    let grown = position(&app, &w.ops, None, true).await;
    let by_ld = app
        .post(
            "/api/v1/pipeline/positions",
            &ld(&app),
            json!({ "title": "x", "org_unit_id": w.ops, "level": 5 }),
        )
        .await;
    assert_eq!(by_ld.status(), 403);
    assert_eq!(place(&app, &m1, &filled, &ld(&app)).await.status(), 403);
    let placed = place(&app, &m1, &filled, &app.hr()).await;
    assert_eq!(placed.status(), 201);
    let placed = body(placed).await;
    assert_eq!(placed["previous_incumbent_id"], w.p["INC1"].as_str());
    assert_eq!(placed["role_grown"], false);
    let again = body(place(&app, &m1, &filled, &app.hr()).await).await;
    assert_eq!(
        again["id"], placed["id"],
        "a retry answers the same placement"
    );
    let elsewhere = place(&app, &m1, &grown, &app.hr()).await;
    assert_eq!(elsewhere.status(), 409);
    assert_eq!(
        body(elsewhere).await["detail"],
        "a membership that is placed cannot be placed"
    );
    let pos = body(
        app.get(
            &format!("/api/v1/pipeline/positions/{filled}"),
            &w.token(&app, "PEER"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (pos["incumbent_id"].as_str(), pos["status"].as_str()),
        (Some(w.p["G1"].as_str()), Some("filled"))
    );
    let history = body(
        app.get(
            &format!("/api/v1/pipeline/positions/{filled}/history"),
            &app.hr(),
        )
        .await,
    )
    .await;
    assert_eq!(history[0]["employee_id"], w.p["INC1"].as_str());
    assert_eq!(history[0]["ended_on"], day(0));
    assert_eq!(
        (history[1]["employee_id"].as_str(), &history[1]["ended_on"]),
        (Some(w.p["G1"].as_str()), &Value::Null)
    );
    let grew = body(place(&app, &m2, &grown, &app.hr()).await).await;
    assert_eq!(grew["role_grown"], true);
    let m2 = body(
        app.get(&format!("/api/v1/pipeline/memberships/{m2}"), &app.hr())
            .await,
    )
    .await;
    assert_eq!(m2["outcome"], "role_grown");
    let m1 = body(
        app.get(&format!("/api/v1/pipeline/memberships/{m1}"), &app.hr())
            .await,
    )
    .await;
    assert_eq!(
        (m1["outcome"].as_str(), m1["outcome_on"].as_str()),
        (Some("placed"), Some(day(0).as_str()))
    );
    let list = body(app.get("/api/v1/pipeline/placements", &ld(&app)).await).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 2);
    assert_eq!(
        app.get("/api/v1/pipeline/placements", &w.token(&app, "BOSS"))
            .await
            .status(),
        403
    );
    // Slates: hr_admin sets them, only the admins read them (with readiness), on every path.
    talent(&app, &w).await;
    let slate = format!("/api/v1/pipeline/positions/{grown}/slate");
    let bad = app
        .request(
            reqwest::Method::PUT,
            &slate,
            Some(&app.hr()),
            Some(json!({ "candidates": [w.p["G2"], w.p["G2"]] })),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let set = app
        .request(
            reqwest::Method::PUT,
            &slate,
            Some(&app.hr()),
            Some(json!({ "candidates": [w.p["G1"], w.p["G3"]] })),
        )
        .await;
    assert_eq!(set.status(), 200);
    let read = body(app.get(&slate, &ld(&app)).await).await;
    assert_eq!(
        (read[0]["rank"].as_u64(), read[0]["readiness"].as_str()),
        (Some(1), Some("ready_now"))
    );
    assert_eq!(read[1]["readiness"], Value::Null);
    assert_eq!(app.get(&slate, &w.token(&app, "BOSS")).await.status(), 403);
    let q = "{ pipelinePositions(first: 10) { edges { node { status incumbent { displayName readinessAssessments { readiness } } slate { rank readiness candidate { talentReviews { nineBox } } } } } } }";
    let boss = graphql(&app, &w.token(&app, "BOSS"), q).await;
    assert!(!boss.to_string().to_lowercase().contains("ready_now"));
    let codes = gql_codes(&boss);
    assert!(
        codes.iter().all(|c| c == "forbidden") && !codes.is_empty(),
        "{boss}"
    );
    let hr = graphql(&app, &app.hr(), q).await;
    assert!(hr["errors"].is_null(), "{hr}");
    let grown_node = hr["data"]["pipelinePositions"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| !e["node"]["slate"].as_array().expect("slate").is_empty())
        .expect("the grown position")
        .clone();
    assert_eq!(
        grown_node["node"]["slate"][0]["candidate"]["talentReviews"][0]["nineBox"],
        6
    );
}

#[tokio::test]
async fn an_hris_termination_of_a_waiting_graduate_records_a_lost_graduate() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (_, c) = cohort(&app, &w, 10).await;
    let waiting = graduate(&app, &w, &c, "G1").await;
    let helped = graduate(&app, &w, &c, "G2").await;
    let placed = graduate(&app, &w, &c, "G3").await;
    let open = position(&app, &w.ops, None, false).await;
    let res = app
        .post(
            "/api/v1/pipeline/placements",
            &app.hr(),
            json!({ "membership_id": placed, "position_id": open }),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(act(&app, &ld(&app), &helped, "alumni").await.status(), 403);
    let res = app
        .post(
            &format!("/api/v1/pipeline/memberships/{helped}:alumni"),
            &app.hr(),
            json!({ "ambassador": true }),
        )
        .await;
    assert_eq!(body(res).await["outcome"], "alumni");
    // Lost is never entered by hand: there is no such action.
    let lose = act(&app, &app.hr(), &waiting, "lose")
        .await
        .status()
        .as_u16();
    assert!(matches!(lose, 404 | 405), "{lose}");
    let mut leavers = Vec::new();
    for g in ["G1", "G2", "G3"] {
        let mut r = person(g, Some("MGR"));
        r["org_unit_id"] = json!(w.ops);
        r["status"] = json!("terminated");
        r["termination_date"] = json!(day(-1));
        leavers.push(r);
    }
    app.sync(json!(leavers)).await;
    let app = &app;
    let outcome = |m: &str| {
        let path = format!("/api/v1/pipeline/memberships/{m}");
        async move { body(app.get(&path, &app.hr()).await).await }
    };
    let lost = outcome(&waiting).await;
    assert_eq!(
        (lost["outcome"].as_str(), lost["outcome_on"].as_str()),
        (Some("lost"), Some(day(-1).as_str()))
    );
    assert_eq!(outcome(&helped).await["outcome"], "alumni");
    assert_eq!(outcome(&placed).await["outcome"], "placed");
    let audit = body(
        app.get(
            &format!("/api/v1/audit-events?resource_id={waiting}&first=50"),
            &app.hr(),
        )
        .await,
    )
    .await;
    assert!(audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["action"] == "pipeline_membership.lost"));
    let report = body(app.get("/api/v1/pipeline/bottleneck", &app.hr()).await).await;
    let funnel = &report["figures"]["funnel"];
    assert_eq!(
        (
            funnel["lost"].as_u64(),
            funnel["alumni"].as_u64(),
            funnel["placed"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(report["figures"]["graduate_attrition"]["left"], 3);
}

/// A bottleneck in Operations: G1..G5 graduated and waiting, G1 and G2 ready now, one open
/// position of three; INC1..INC3 in role since long ago, INC1 and INC2 with overdue assigned
/// development, INC3 with a recent learning record.
async fn bottleneck_world(app: &TestApp) -> (World, String, String) {
    let w = world(app).await;
    let (programme, c) = cohort(app, &w, 10).await;
    for g in ["G1", "G2", "G3", "G4", "G5"] {
        graduate(app, &w, &c, g).await;
    }
    for g in ["G1", "G2", "G6"] {
        let res = app
            .post(
                &format!("/api/v1/employees/{}/readiness-assessments", w.p[g]),
                &app.hr(),
                json!({ "readiness": "ready_now", "assessor_id": w.p["MGR"] }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let mut slated = String::new();
    for i in ["INC1", "INC2", "INC3"] {
        slated = position(app, &w.ops, Some(&w.p[i]), false).await;
    }
    position(app, &w.ops, None, false).await;
    let res = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/pipeline/positions/{slated}/slate"),
            Some(&app.hr()),
            Some(json!({ "candidates": [w.p["G6"]] })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(app),
            json!({ "code": "LEAD1", "title": "Leading", "estimated_minutes": 60 }),
        )
        .await,
    )
    .await;
    for i in ["INC1", "INC2"] {
        let res = app
            .post(
                "/api/v1/enrollments",
                &ld(app),
                json!({ "employee_id": w.p[i], "course_id": course["id"], "due_date": day(-10) }),
            )
            .await;
        assert_eq!(
            res.status(),
            201,
            "{}",
            res.text().await.unwrap_or_default()
        );
    }
    let rows = json!([{ "employee_external_id": "INC3", "title": "Coaching skills", "minutes": 60, "completed_on": day(-20) }]);
    let res = app
        .post(
            "/api/v1/learning-records:import",
            &ld(app),
            json!({ "rows": rows }),
        )
        .await;
    assert_eq!(res.status(), 200);
    (w, programme, c)
}

#[tokio::test]
async fn the_bottleneck_says_what_to_do_to_each_caller_it_may_tell() {
    let app = TestApp::spawn().await;
    let (w, programme, c) = bottleneck_world(&app).await;
    let unit = format!("/api/v1/pipeline/bottleneck?org_unit_id={}", w.ops);
    let hr = body(app.get(&unit, &app.hr()).await).await;
    let f = &hr["figures"];
    assert_eq!(
        (
            f["positions"].as_u64(),
            f["open_positions"].as_u64(),
            f["graduates_waiting"].as_u64()
        ),
        (Some(4), Some(1), Some(5))
    );
    assert_eq!(f["waiting_per_open_position"], 5.0);
    assert_eq!(f["ready_now_without_role"], 3);
    assert_eq!(f["stagnant_leaders"]["incumbents"], 3);
    assert_eq!(f["stagnant_leaders"]["without_learning"], 2);
    assert_eq!(f["stagnant_leaders"]["without_learning_and_overdue"], 2);
    assert_eq!(f["incumbent_days_in_role"]["median"], 3000);
    assert_eq!(f["bench_strength"], 0.25);
    assert_eq!(f["funnel"]["graduated"], 5);
    let rules: Vec<&str> = hr["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|x| x["rule_id"].as_str())
        .collect();
    assert_eq!(
        rules,
        [
            "graduates_outnumber_openings",
            "stagnant_incumbents",
            "ready_now_without_role"
        ]
    );
    assert_eq!(
        hr["findings"][0]["message"],
        "5 graduates wait for 1 open position in Operations; median wait 0 days"
    );
    assert_eq!(
        hr["findings"][0]["actions"],
        json!(["place_or_grow", "help_move_on"])
    );
    let stagnant = &hr["findings"][1];
    assert_eq!(
        stagnant["message"],
        "2 of 3 incumbents in Operations have had no learning in 12 months; 2 of them have overdue assigned development"
    );
    assert_eq!(stagnant["actions"], json!(["help_move_on"]));
    assert_eq!(
        hr["findings"][2]["message"],
        "3 people assessed ready now have no leadership role in Operations; the longest has been ready for 0 days"
    );
    // The unit's manager sees it in aggregate: no stagnant-leader signal, spreads of fewer than
    // 5 values reduced to their count.
    let boss = body(app.get(&unit, &w.token(&app, "BOSS")).await).await;
    assert_eq!(boss["suppressed"], false, "{boss}");
    assert_eq!(boss["figures"]["stagnant_leaders"], Value::Null);
    assert_eq!(boss["figures"]["graduates_waiting"], 5);
    assert_eq!(
        boss["figures"]["waiting_days"],
        json!({ "count": 5, "median": 0, "p90": 0, "max": 0 })
    );
    assert_eq!(
        boss["figures"]["incumbent_days_in_role"],
        json!({ "count": 3, "median": null, "p90": null, "max": null })
    );
    assert!(!boss.to_string().contains("stagnant_incumbents"));
    // A peer, a report, someone who manages no unit above: refused.
    for who in ["PEER", "G1", "TM"] {
        assert_eq!(
            app.get(&unit, &w.token(&app, who)).await.status(),
            403,
            "{who}"
        );
    }
    // A unit below the minimum group size is withheld even from its manager.
    let tiny = body(
        app.get(
            &format!("/api/v1/pipeline/bottleneck?org_unit_id={}", w.tiny),
            &w.token(&app, "TM"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            tiny["suppressed"].as_bool(),
            tiny["suppression_reason"].as_str()
        ),
        (Some(true), Some("below_minimum"))
    );
    assert_eq!(
        (tiny["figures"].clone(), tiny["findings"].clone()),
        (Value::Null, json!([]))
    );
    // The organisation: the admins only.
    assert_eq!(
        app.get("/api/v1/pipeline/bottleneck", &w.token(&app, "BOSS"))
            .await
            .status(),
        403
    );
    let org = body(app.get("/api/v1/pipeline/bottleneck", &ld(&app)).await).await;
    assert_eq!(org["place"], "the organisation");
    // A programme and a cohort: the admins and the lead (positions at the target levels 4-6).
    for path in [
        format!("programme_id={programme}"),
        format!("cohort_id={c}"),
    ] {
        let path = format!("/api/v1/pipeline/bottleneck?{path}");
        assert_eq!(app.get(&path, &w.token(&app, "BOSS")).await.status(), 403);
        let lead = body(app.get(&path, &w.token(&app, "LEAD")).await).await;
        assert_eq!(lead["figures"]["graduates_waiting"], 5);
        assert_eq!(lead["figures"]["positions"], 4);
        assert_eq!(lead["figures"]["stagnant_leaders"], Value::Null);
    }
    let both = app
        .get(
            &format!("/api/v1/pipeline/bottleneck?programme_id={programme}&cohort_id={c}"),
            &app.hr(),
        )
        .await;
    assert_eq!(both.status(), 400);
    // GraphQL: the same report and the same refusals.
    let q = format!("{{ pipelineBottleneck(orgUnitId: \"{}\") {{ place suppressed figures {{ graduatesWaiting stagnantLeaders {{ withoutLearning }} }} findings {{ ruleId message actions }} }} }}", w.ops);
    let g = graphql(&app, &app.hr(), &q).await;
    assert_eq!(
        g["data"]["pipelineBottleneck"]["figures"]["stagnantLeaders"]["withoutLearning"],
        2
    );
    assert_eq!(
        g["data"]["pipelineBottleneck"]["findings"][0]["ruleId"],
        "graduates_outnumber_openings"
    );
    let g = graphql(&app, &w.token(&app, "BOSS"), &q).await;
    assert_eq!(
        g["data"]["pipelineBottleneck"]["figures"]["stagnantLeaders"],
        Value::Null
    );
    let g = graphql(&app, &w.token(&app, "PEER"), &q).await;
    assert_eq!(gql_codes(&g), ["forbidden"]);
}

#[tokio::test]
async fn configured_thresholds_change_which_rules_fire() {
    let app = TestApp::spawn_with(|s| {
        s.pipeline.findings.stagnant_share = 0.7;
        s.pipeline.findings.min_ready_now_without_role = 4;
        s.pipeline.findings.min_positions = 4;
    })
    .await;
    let (w, _, _) = bottleneck_world(&app).await;
    let unit = format!("/api/v1/pipeline/bottleneck?org_unit_id={}", w.ops);
    let hr = body(app.get(&unit, &app.hr()).await).await;
    let rules: Vec<&str> = hr["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|x| x["rule_id"].as_str())
        .collect();
    assert_eq!(rules, ["graduates_outnumber_openings", "weak_bench"]);
    assert_eq!(
        hr["findings"][1]["message"],
        "only 1 of 4 leadership positions in Operations have a ready-now successor"
    );
    assert_eq!(
        hr["findings"][1]["figures"][2],
        json!({ "name": "bench_strength", "value": 0.25 })
    );
}

#[tokio::test]
async fn the_projection_starts_from_the_organisations_history() {
    let app = TestApp::spawn().await;
    let (w, _, _) = bottleneck_world(&app).await;
    let res = app
        .post("/api/v1/pipeline/projections", &ld(&app), json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let p = body(res).await;
    let d = &p["defaults"];
    assert_eq!(
        (
            d["waiting_now"].as_f64(),
            d["positions_now"].as_f64(),
            d["open_now"].as_f64()
        ),
        (Some(5.0), Some(4.0), Some(1.0))
    );
    assert!((d["graduates_per_year"].as_f64().expect("g") - 5.0 / 3.0).abs() < 1e-9);
    assert_eq!(p["years"].as_array().expect("years").len(), 5);
    let res = app
        .post("/api/v1/pipeline/projections", &app.hr(), json!({ "graduates_per_year": 0, "positions_created_per_year": 5, "horizon_years": 10 }))
        .await;
    let p = body(res).await;
    assert_eq!(p["years"].as_array().expect("years").len(), 10);
    assert_eq!(p["years"][0]["queue"], 0.0, "5 waiting, 1 open + 5 created");
    let bad = app
        .post(
            "/api/v1/pipeline/projections",
            &app.hr(),
            json!({ "incumbent_turnover": 2, "horizon_years": 0 }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let fields: Vec<String> = body(bad).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect();
    assert_eq!(fields, ["incumbent_turnover", "horizon_years"]);
    assert_eq!(
        app.post(
            "/api/v1/pipeline/projections",
            &w.token(&app, "BOSS"),
            json!({})
        )
        .await
        .status(),
        403
    );
    let q = "{ pipelineProjection(assumptions: { horizonYears: 10, graduatesPerYear: 20 }) { assumptions { horizonYears } years { year queue expectedWaitDays } } }";
    let g = graphql(&app, &app.hr(), q).await;
    assert_eq!(
        g["data"]["pipelineProjection"]["years"]
            .as_array()
            .expect("years")
            .len(),
        10
    );
    let g = graphql(&app, &w.token(&app, "BOSS"), q).await;
    assert_eq!(gql_codes(&g), ["forbidden"]);
}

#[tokio::test]
async fn the_demo_pipeline_shows_a_bottleneck_on_first_run() {
    // The demo seeds advisor notes too, which need a key (`serve --demo` makes one).
    let app = TestApp::spawn_with(|s| {
        s.advising.note_keys = learnwell_api::services::advising::NoteKeys::try_from(vec![
            "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned(),
        ])
        .expect("key");
    })
    .await;
    learnwell_api::demo::seed(
        &app.state.services,
        Utc::now().date_naive(),
        learnwell_api::demo::DEFAULT_SEED,
    )
    .await
    .expect("demo seed");
    let r = body(app.get("/api/v1/pipeline/bottleneck", &app.hr()).await).await;
    let f = &r["figures"];
    let funnel = &f["funnel"];
    assert!(
        f["graduates_waiting"].as_u64().expect("waiting") >= 15,
        "{r}"
    );
    assert_eq!(f["open_positions"], 2, "{r}");
    assert_eq!(
        (funnel["placed"].as_u64(), funnel["role_grown"].as_u64()),
        (Some(1), Some(2)),
        "{r}"
    );
    assert_eq!(
        (funnel["alumni"].as_u64(), funnel["lost"].as_u64()),
        (Some(2), Some(2)),
        "{r}"
    );
    assert!(
        f["waiting_days"]["median"].as_u64().expect("median") > 365,
        "{r}"
    );
    assert!(
        f["stagnant_leaders"]["without_learning"]
            .as_u64()
            .expect("stagnant")
            > 10,
        "{r}"
    );
    let rules: Vec<&str> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|x| x["rule_id"].as_str())
        .collect();
    for rule in [
        "graduates_outnumber_openings",
        "long_wait",
        "stagnant_incumbents",
        "ready_now_without_role",
    ] {
        assert!(rules.contains(&rule), "{rule}: {r}");
    }
    let programmes = body(app.get("/api/v1/pipeline/programmes", &app.hr()).await).await;
    assert_eq!(programmes["items"].as_array().map(Vec::len), Some(2));
    let p = body(
        app.post("/api/v1/pipeline/projections", &app.hr(), json!({}))
            .await,
    )
    .await;
    assert!(
        p["defaults"]["graduates_per_year"].as_f64().expect("g") > 3.0,
        "{p}"
    );
    let (last, now) = (&p["years"][4]["queue"], &p["defaults"]["waiting_now"]);
    assert!(
        last.as_f64().expect("queue") > now.as_f64().expect("now"),
        "the queue grows: {p}"
    );
}

#[tokio::test]
async fn no_log_line_holds_a_reflection_or_a_rationale_even_at_trace_level() {
    let Some(captured) = crate::helpers::Captured::install() else {
        return;
    };
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    talent(&app, &w).await;
    let (_, c) = cohort(&app, &w, 5).await;
    let m = body(nominate(&app, &w.token(&app, "G1"), &c, None).await).await;
    let path = format!(
        "/api/v1/pipeline/memberships/{}/reflection",
        m["id"].as_str().expect("id")
    );
    let secret = "SECRET-MOTIVATION because I care";
    let put = app
        .request(
            reqwest::Method::PUT,
            &path,
            Some(&w.token(&app, "G1")),
            Some(json!({ "text": secret })),
        )
        .await;
    assert_eq!(put.status(), 200);
    for token in [w.token(&app, "LEAD"), app.hr(), w.token(&app, "PEER")] {
        app.get(&path, &token).await;
    }
    for who in ["MGR", "PEER"] {
        let path = format!("/api/v1/employees/{}/readiness-assessments", w.p["G1"]);
        app.get(&path, &w.token(&app, who)).await;
    }
    let logs = captured.text();
    assert!(
        logs.contains("pipeline"),
        "the capture saw the requests: {}",
        logs.len()
    );
    assert!(
        !logs.contains("SECRET-MOTIVATION"),
        "a reflection reached a log line"
    );
    assert!(
        !logs.contains("CONFIDENTIAL-RATIONALE"),
        "a rationale reached a log line"
    );
}

#[tokio::test]
async fn programmes_come_a_page_at_a_time_by_name_and_their_cohorts_by_start() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mut programme = String::new();
    for name in ["Senior Leaders", "Emerging Leaders", "Future Heads"] {
        let res = app
            .post(
                "/api/v1/pipeline/programmes",
                &ld(&app),
                json!({ "name": name, "lead_id": w.p["LEAD"], "target_level_min": 4, "target_level_max": 6 }),
            )
            .await;
        assert_eq!(res.status(), 201);
        programme = body(res).await["id"].as_str().expect("id").to_owned();
    }
    let reader = w.token(&app, "PEER");
    let names: Vec<String> = app
        .all_pages("/api/v1/pipeline/programmes", &reader, 2)
        .await
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(
        names,
        ["Emerging Leaders", "Future Heads", "Senior Leaders"]
    );

    for (name, starts) in [("Autumn", 60), ("Spring", -30), ("Summer", 10)] {
        let res = app
            .post(
                &format!("/api/v1/pipeline/programmes/{programme}/cohorts"),
                &ld(&app),
                json!({ "name": name, "starts_on": day(starts), "ends_on": day(starts + 90), "capacity": 5 }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let path = format!("/api/v1/pipeline/programmes/{programme}/cohorts");
    let cohorts: Vec<String> = app
        .all_pages(&path, &reader, 2)
        .await
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(cohorts, ["Spring", "Summer", "Autumn"], "by start date");
    let missing = "/api/v1/pipeline/programmes/0192f1c0-0000-7000-8000-000000000009/cohorts";
    assert_eq!(app.get(missing, &reader).await.status(), 404);

    let q = "query($after: String) { pipelineProgrammes(first: 2, after: $after) { nodes { name cohorts(first: 2) { nodes { name } pageInfo { hasNextPage } } } pageInfo { hasNextPage endCursor } } }";
    let first = app.gql(&reader, q, json!({})).await;
    let conn = &first["data"]["pipelineProgrammes"];
    assert_eq!(conn["pageInfo"]["hasNextPage"], true, "{first}");
    let heads = &conn["nodes"][1];
    assert_eq!(heads["name"], "Future Heads", "{first}");
    assert_eq!(
        heads["cohorts"],
        json!({ "nodes": [{ "name": "Spring" }, { "name": "Summer" }], "pageInfo": { "hasNextPage": true } })
    );
    let rest = app
        .gql(
            &reader,
            q,
            json!({ "after": conn["pageInfo"]["endCursor"] }),
        )
        .await;
    let conn = &rest["data"]["pipelineProgrammes"];
    assert_eq!(conn["nodes"][0]["name"], "Senior Leaders", "{rest}");
    assert_eq!(conn["pageInfo"]["hasNextPage"], false, "{rest}");
}
