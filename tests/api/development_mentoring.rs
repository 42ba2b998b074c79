//! Mentoring and coaching end to end: profiles, requests, scored matches, engagements accepted
//! within capacity (20 concurrent acceptances for 2 places), sessions that become the mentee's
//! learning time, closing feedback, and who sees what over REST and GraphQL.

use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};
use std::collections::HashMap;

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// LEAD <- MENTEE (level 1, unit A); MENTOR (level 3, unit B); PEER (level 2, unit A); a skill.
async fn setup(app: &TestApp) -> (HashMap<String, String>, String) {
    let (a, b) = (
        app.unit("A", "UA", None).await,
        app.unit("B", "UB", None).await,
    );
    let mut records = Vec::new();
    for (ext, manager, level, unit) in [
        ("LEAD", None, 4, &a),
        ("MENTEE", Some("LEAD"), 1, &a),
        ("MENTOR", None, 3, &b),
        ("PEER", None, 2, &a),
    ] {
        let mut p = person(ext, manager);
        p["job_level"] = json!(level);
        p["org_unit_id"] = json!(unit);
        records.push(p);
    }
    let p = ids(&app.sync(Value::Array(records)).await);
    let res = app
        .post("/api/v1/skills", &ld(app), json!({ "name": "Rust" }))
        .await;
    assert_eq!(res.status(), 201);
    let skill = body(res).await["id"].as_str().expect("id").to_owned();
    (p, skill)
}

async fn created(res: reqwest::Response) -> Value {
    let status = res.status();
    let b = body(res).await;
    assert_eq!(status, 201, "{b}");
    b
}

async fn act(app: &TestApp, token: &str, id: &Value, action: &str) -> reqwest::Response {
    let id = id.as_str().expect("id");
    app.post(
        &format!("/api/v1/engagements/{id}:{action}"),
        token,
        json!({}),
    )
    .await
}

async fn pay(app: &TestApp, token: &str, engagement: &Value) -> reqwest::Response {
    app.post(
        "/api/v1/pd-spend-requests",
        token,
        json!({ "category": "external_coaching", "amount_minor": 30_000,
                "description": "Acme, 6 sessions", "engagement_id": engagement }),
    )
    .await
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

#[tokio::test]
async fn a_mentee_is_matched_accepted_mentored_in_working_time_and_both_sides_close() {
    let app = TestApp::spawn().await;
    let (p, rust) = setup(&app).await;
    let (mentee, mentor, peer, lead) = (
        app.employee_token(&p["MENTEE"]),
        app.employee_token(&p["MENTOR"]),
        app.employee_token(&p["PEER"]),
        app.employee_token(&p["LEAD"]),
    );
    let res = app
        .post(
            "/api/v1/mentor-profiles",
            &peer,
            json!({ "kind": "mentor", "employee_id": p["MENTOR"] }),
        )
        .await;
    assert_eq!(
        res.status(),
        403,
        "a profile for someone else is for the admins"
    );
    let bad = app
        .post(
            "/api/v1/mentor-profiles",
            &ld(&app),
            json!({ "kind": "guru", "skills": ["nope"], "capacity": 0 }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let own = created(
        app.post(
            "/api/v1/mentor-profiles",
            &mentor,
            json!({ "kind": "mentor", "employee_id": p["MENTOR"], "skills": [rust], "languages": ["de", "en"],
                    "level_max": 2, "capacity": 2, "bio": "Ten years of systems work" }),
        )
        .await,
    )
    .await;
    let other = created(
        app.post(
            "/api/v1/mentor-profiles",
            &ld(&app),
            json!({ "kind": "mentor", "employee_id": p["PEER"], "languages": ["en"], "capacity": 5 }),
        )
        .await,
    )
    .await;
    // Peers see profiles.
    let listed = body(app.get("/api/v1/mentor-profiles", &peer).await).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));

    let request = created(
        app.post(
            "/api/v1/mentoring-requests",
            &mentee,
            json!({ "goals": "Write my first service in Rust", "skills": [rust], "languages": ["de"] }),
        )
        .await,
    )
    .await;
    let rid = request["id"].as_str().expect("id");
    let res = app
        .get(
            &format!("/api/v1/mentoring-requests/{rid}/matches"),
            &mentee,
        )
        .await;
    assert_eq!(res.status(), 200);
    let found = body(res).await;
    assert_eq!(found[0]["profile"]["id"], own["id"], "{found}");
    // 1 skill (10) + 2 levels above (20) + another unit (10) + 2 free places (4) + German (15).
    assert_eq!(found[0]["score"], 59, "{found}");
    let codes: Vec<&str> = found[0]["reasons"]
        .as_array()
        .expect("r")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "skill_overlap",
            "level_gap",
            "another_department",
            "free_capacity",
            "shared_language"
        ]
    );
    assert_eq!(found[1]["profile"]["id"], other["id"]);
    assert_eq!(
        found[1]["score"], 30,
        "1 level above (20), same unit, 5 places (10): {found}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/mentoring-requests/{rid}/matches"), &peer)
            .await
            .status(),
        404
    );

    let res = app
        .post(
            &format!("/api/v1/mentoring-requests/{rid}:choose"),
            &mentee,
            json!({ "profile_id": own["id"] }),
        )
        .await;
    let engagement = created(res).await;
    assert_eq!(engagement["state"], "proposed");
    let eid = engagement["id"].clone();
    assert_eq!(act(&app, &peer, &eid, "accept").await.status(), 404);
    assert_eq!(
        act(&app, &mentee, &eid, "accept").await.status(),
        403,
        "the mentor accepts"
    );
    let session = json!({ "date": today(), "minutes": 45, "notes": "Talked about ownership" });
    let path = format!("/api/v1/engagements/{}/sessions", eid.as_str().expect("id"));
    assert_eq!(
        app.post(&path, &mentee, session.clone()).await.status(),
        409,
        "not accepted yet"
    );
    // The mentee also asked another mentor; once one accepts, the other cannot.
    let second = created(
        app.post(
            &format!("/api/v1/mentoring-requests/{rid}:choose"),
            &mentee,
            json!({ "profile_id": other["id"] }),
        )
        .await,
    )
    .await;
    let active = body(act(&app, &mentor, &eid, "accept").await).await;
    assert_eq!(active["state"], "active");
    assert_eq!(
        act(&app, &peer, &second["id"], "accept").await.status(),
        409
    );
    assert_eq!(
        body(act(&app, &peer, &second["id"], "decline").await).await["state"],
        "declined"
    );
    let res = app
        .post(
            &format!("/api/v1/mentoring-requests/{rid}:choose"),
            &mentee,
            json!({ "profile_id": other["id"] }),
        )
        .await;
    assert_eq!(
        res.status(),
        409,
        "a matched request takes no more proposals"
    );
    assert_eq!(
        body(
            app.get(&format!("/api/v1/mentoring-requests/{rid}"), &mentee)
                .await
        )
        .await["state"],
        "matched"
    );

    let s = created(app.post(&path, &mentee, session).await).await;
    created(
        app.post(
            &path,
            &mentor,
            json!({ "date": today(), "minutes": 30, "in_work_time": false }),
        )
        .await,
    )
    .await;
    assert_eq!(
        app.post(&path, &peer, json!({ "date": today(), "minutes": 30 }))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(&path, &lead, json!({ "date": today(), "minutes": 30 }))
            .await
            .status(),
        403
    );
    let bad = app
        .post(
            &path,
            &mentee,
            json!({ "date": "2999-01-01", "minutes": 30 }),
        )
        .await;
    assert_eq!(bad.status(), 422, "checked like any learning time");
    // The sessions are the mentee's learning time, in working time by default.
    let entries = body(
        app.get(
            &format!("/api/v1/time-entries?employee_id={}", p["MENTEE"]),
            &mentee,
        )
        .await,
    )
    .await;
    let items = entries["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{entries}");
    assert_eq!(
        (
            items[0]["id"].clone(),
            items[0]["category"].clone(),
            items[0]["in_work_time"].clone(),
            items[0]["minutes"].clone()
        ),
        (
            s["time_entry_id"].clone(),
            json!("mentoring"),
            json!(true),
            json!(45)
        )
    );
    assert_eq!(
        items[0]["note"],
        Value::Null,
        "session notes stay in the engagement"
    );
    assert_eq!(items[1]["in_work_time"], false);

    // The participants see notes; the manager sees that there is an engagement, not its notes.
    let mine = body(
        app.get(
            &format!("/api/v1/engagements/{}", eid.as_str().expect("id")),
            &mentor,
        )
        .await,
    )
    .await;
    assert_eq!(
        (mine["view"].clone(), mine["sessions"][0]["notes"].clone()),
        (json!("full"), json!("Talked about ownership"))
    );
    let seen = body(
        app.get(
            &format!("/api/v1/engagements?employee_id={}", p["MENTEE"]),
            &lead,
        )
        .await,
    )
    .await;
    let seen = &seen["items"];
    assert_eq!(
        (
            seen[0]["view"].clone(),
            seen[0]["goals"].clone(),
            seen[0]["sessions"][0]["notes"].clone()
        ),
        (json!("summary"), Value::Null, Value::Null)
    );
    assert_eq!(seen[0]["sessions"][0]["minutes"], 45);
    let res = app
        .get(
            &format!("/api/v1/engagements?employee_id={}", p["MENTEE"]),
            &peer,
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.get(
            &format!("/api/v1/engagements/{}", eid.as_str().expect("id")),
            &peer
        )
        .await
        .status(),
        404
    );
    let q = "query($id: ID) { engagements(employeeId: $id) { nodes { state goals sessions { minutes notes } } } }";
    let out = body(
        app.post(
            "/graphql",
            &lead,
            json!({ "query": q, "variables": { "id": p["MENTEE"] } }),
        )
        .await,
    )
    .await;
    assert_eq!(
        out["data"]["engagements"]["nodes"],
        json!([
            { "state": "ACTIVE", "goals": null, "sessions": [{ "minutes": 45, "notes": null }, { "minutes": 30, "notes": null }] },
            { "state": "DECLINED", "goals": null, "sessions": [] }
        ]),
        "{out}"
    );
    let out = body(app.post("/graphql", &mentee, json!({ "query": q })).await).await;
    assert_eq!(
        out["data"]["engagements"]["nodes"][0]["goals"],
        "Write my first service in Rust"
    );
    let out = body(
        app.post(
            "/graphql",
            &peer,
            json!({ "query": q, "variables": { "id": p["MENTEE"] } }),
        )
        .await,
    )
    .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden", "{out}");
    let out = body(
        app.post(
            "/graphql",
            &peer,
            json!({ "query": "{ mentorProfiles { nodes { kind freePlaces } } }" }),
        )
        .await,
    )
    .await;
    assert_eq!(
        out["data"]["mentorProfiles"]["nodes"][0],
        json!({ "kind": "MENTOR", "freePlaces": 1 }),
        "{out}"
    );

    // Both sides close with feedback; the place is free again.
    let url = format!("/api/v1/engagements/{}:close", eid.as_str().expect("id"));
    assert_eq!(
        app.post(&url, &lead, json!({ "feedback": "x" }))
            .await
            .status(),
        403
    );
    let closed = body(
        app.post(&url, &mentee, json!({ "feedback": "Thank you!" }))
            .await,
    )
    .await;
    assert_eq!(
        (closed["state"].clone(), closed["mentee_feedback"].clone()),
        (json!("closed"), json!("Thank you!"))
    );
    let both = body(
        app.post(&url, &mentor, json!({ "feedback": "A pleasure" }))
            .await,
    )
    .await;
    assert_eq!(both["mentor_feedback"], "A pleasure");
    let profile = body(
        app.get(
            &format!(
                "/api/v1/mentor-profiles/{}",
                own["id"].as_str().expect("id")
            ),
            &peer,
        )
        .await,
    )
    .await;
    assert_eq!(profile["free_places"], 2);
    assert_eq!(
        app.post(&path, &mentee, json!({ "date": today(), "minutes": 30 }))
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn an_external_coach_is_accepted_on_their_behalf_and_sessions_count_as_coaching() {
    let app = TestApp::spawn().await;
    let (p, _) = setup(&app).await;
    let mentee = app.employee_token(&p["MENTEE"]);
    let coach = created(
        app.post(
            "/api/v1/mentor-profiles",
            &app.hr(),
            json!({ "kind": "coach", "external_name": "Acme Coaching", "capacity": 3 }),
        )
        .await,
    )
    .await;
    assert_eq!(coach["employee_id"], Value::Null);
    let request = created(
        app.post(
            "/api/v1/mentoring-requests",
            &mentee,
            json!({ "kind": "coach", "goals": "Find my feet" }),
        )
        .await,
    )
    .await;
    let rid = request["id"].as_str().expect("id");
    let found = body(
        app.get(
            &format!("/api/v1/mentoring-requests/{rid}/matches"),
            &mentee,
        )
        .await,
    )
    .await;
    assert_eq!(
        found.as_array().map(Vec::len),
        Some(1),
        "coaching requests match coaches: {found}"
    );
    let e = created(
        app.post(
            &format!("/api/v1/mentoring-requests/{rid}:choose"),
            &mentee,
            json!({ "profile_id": coach["id"] }),
        )
        .await,
    )
    .await;
    assert_eq!(
        act(&app, &app.employee_token(&p["PEER"]), &e["id"], "accept")
            .await
            .status(),
        404
    );
    assert_eq!(
        body(act(&app, &ld(&app), &e["id"], "accept").await).await["state"],
        "active"
    );
    let path = format!(
        "/api/v1/engagements/{}/sessions",
        e["id"].as_str().expect("id")
    );
    created(
        app.post(&path, &mentee, json!({ "date": today(), "minutes": 60 }))
            .await,
    )
    .await;
    let entries = body(app.get("/api/v1/time-entries", &mentee).await).await;
    assert_eq!(entries["items"][0]["category"], "coaching");
    // Juniors' external coaching is paid from their PD budget, linked to the engagement.
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let res = app
        .post(
            "/api/v1/pd-budget-policies",
            &app.hr(),
            json!({ "fiscal_year": year, "job_level": 1, "amount_minor": 80_000 }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let paid = created(pay(&app, &mentee, &e["id"]).await).await;
    assert_eq!(paid["engagement_id"], e["id"]);
    let peer = app.employee_token(&p["PEER"]);
    assert_eq!(
        pay(&app, &peer, &e["id"]).await.status(),
        422,
        "not the peer's engagement"
    );
}

#[tokio::test]
async fn an_organisation_may_offer_coaching_from_a_job_level_only() {
    let app = TestApp::spawn_with(|s| s.development.coaching_from_level = 3).await;
    let (p, _) = setup(&app).await;
    let mentee = app.employee_token(&p["MENTEE"]);
    let res = app
        .post(
            "/api/v1/mentoring-requests",
            &mentee,
            json!({ "kind": "coach", "goals": "Find my feet" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "kind");
    let res = app
        .post(
            "/api/v1/mentoring-requests",
            &mentee,
            json!({ "kind": "mentor", "goals": "Find my feet" }),
        )
        .await;
    assert_eq!(res.status(), 201, "mentoring stays open to every level");
    let mentor = app.employee_token(&p["MENTOR"]);
    let res = app
        .post(
            "/api/v1/mentoring-requests",
            &mentor,
            json!({ "kind": "coach", "goals": "Lead a team" }),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_acceptances_never_exceed_a_mentors_two_free_places() {
    let app = TestApp::spawn().await;
    let (p, _) = setup(&app).await;
    let mentor = app.employee_token(&p["MENTOR"]);
    let profile = created(
        app.post(
            "/api/v1/mentor-profiles",
            &mentor,
            json!({ "kind": "mentor", "employee_id": p["MENTOR"], "capacity": 2 }),
        )
        .await,
    )
    .await;
    let records: Vec<Value> = (0..20)
        .map(|i| {
            let mut r = person(&format!("M{i}"), None);
            r["job_level"] = json!(1);
            r
        })
        .collect();
    let mentees = ids(&app.sync(Value::Array(records)).await);
    let mut engagements = Vec::new();
    for i in 0..20 {
        let token = app.employee_token(&mentees[&format!("M{i}")]);
        let r = created(
            app.post(
                "/api/v1/mentoring-requests",
                &token,
                json!({ "goals": "Grow" }),
            )
            .await,
        )
        .await;
        let url = format!(
            "/api/v1/mentoring-requests/{}:choose",
            r["id"].as_str().expect("id")
        );
        let e = created(
            app.post(&url, &token, json!({ "profile_id": profile["id"] }))
                .await,
        )
        .await;
        engagements.push(e["id"].as_str().expect("id").to_owned());
    }
    let mut tasks = tokio::task::JoinSet::new();
    for id in engagements {
        let url = format!("{}/api/v1/engagements/{id}:accept", app.base);
        let (client, token) = (app.client.clone(), mentor.clone());
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
    let accepted = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(accepted, 2, "{answers:?}");
    for (status, problem) in &answers {
        assert!(
            *status == 200 || (*status == 422 && problem["code"] == "capacity_reached"),
            "{status} {problem}"
        );
    }
    let now = body(
        app.get(
            &format!(
                "/api/v1/mentor-profiles/{}",
                profile["id"].as_str().expect("id")
            ),
            &mentor,
        )
        .await,
    )
    .await;
    assert_eq!(
        (now["active_mentees"].clone(), now["free_places"].clone()),
        (json!(2), json!(0))
    );
}

async fn proposed(app: &TestApp, token: &str, request: &Value) -> Vec<Value> {
    let rid = request["id"].as_str().expect("id");
    let res = app
        .get(&format!("/api/v1/mentoring-requests/{rid}/matches"), token)
        .await;
    assert_eq!(res.status(), 200);
    let found = body(res).await;
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| m["profile"]["id"].clone())
        .collect()
}

/// Matching reads its candidates from a cache; a place taken and a mentor who leaves reach it.
#[tokio::test]
async fn matching_proposes_only_mentors_with_a_free_place_who_have_not_left() {
    let app = TestApp::spawn().await;
    let (p, _) = setup(&app).await;
    let (mentee, mentor, peer) = (
        app.employee_token(&p["MENTEE"]),
        app.employee_token(&p["MENTOR"]),
        app.employee_token(&p["PEER"]),
    );
    let profile = |who: &str, capacity: u32| json!({ "kind": "mentor", "employee_id": p[who], "capacity": capacity });
    let one_place = created(
        app.post("/api/v1/mentor-profiles", &ld(&app), profile("MENTOR", 1))
            .await,
    )
    .await;
    let leaving = created(
        app.post("/api/v1/mentor-profiles", &ld(&app), profile("LEAD", 3))
            .await,
    )
    .await;
    let asks = json!({ "goals": "Find my feet" });
    let peers = created(
        app.post("/api/v1/mentoring-requests", &peer, asks.clone())
            .await,
    )
    .await;
    assert!(proposed(&app, &peer, &peers)
        .await
        .contains(&one_place["id"]));
    let rid = peers["id"].as_str().expect("id");
    let engagement = created(
        app.post(
            &format!("/api/v1/mentoring-requests/{rid}:choose"),
            &peer,
            json!({ "profile_id": one_place["id"] }),
        )
        .await,
    )
    .await;
    let accepted = body(act(&app, &mentor, &engagement["id"], "accept").await).await;
    assert_eq!(accepted["state"], "active", "{accepted}");

    let mine = created(app.post("/api/v1/mentoring-requests", &mentee, asks).await).await;
    assert_eq!(
        proposed(&app, &mentee, &mine).await,
        [leaving["id"].clone()],
        "a mentor without a free place is not proposed"
    );
    let mut left = person("LEAD", None);
    left["job_level"] = json!(4);
    left["status"] = json!("terminated");
    left["termination_date"] = json!("2026-01-01");
    app.sync(json!([left])).await;
    assert!(
        proposed(&app, &mentee, &mine).await.is_empty(),
        "a mentor who left is not proposed"
    );
}

/// `development.manager_approves = ["mentor"]`: the mentee's manager (or hr_admin), never the
/// mentee or the mentor, approves before the mentor is asked; a rejection ends it.
#[tokio::test]
async fn where_the_policy_asks_the_mentees_manager_approves_before_the_mentor_is_asked() {
    use learnwell_domain::development::ProfileKind;
    let app =
        TestApp::spawn_with(|s| s.development.manager_approves = vec![ProfileKind::Mentor]).await;
    let (p, _) = setup(&app).await;
    let (mentee, mentor, peer, lead) = (
        app.employee_token(&p["MENTEE"]),
        app.employee_token(&p["MENTOR"]),
        app.employee_token(&p["PEER"]),
        app.employee_token(&p["LEAD"]),
    );
    let profile = created(
        app.post(
            "/api/v1/mentor-profiles",
            &ld(&app),
            json!({ "kind": "mentor", "employee_id": p["MENTOR"], "capacity": 3 }),
        )
        .await,
    )
    .await;
    let choose = |request: Value| {
        let rid = request["id"].as_str().expect("id").to_owned();
        let app = &app;
        let mentee = &mentee;
        let profile = profile["id"].clone();
        async move {
            created(
                app.post(
                    &format!("/api/v1/mentoring-requests/{rid}:choose"),
                    mentee,
                    json!({ "profile_id": profile }),
                )
                .await,
            )
            .await
        }
    };
    let asks = json!({ "goals": "Find my feet" });
    let first = created(
        app.post("/api/v1/mentoring-requests", &mentee, asks.clone())
            .await,
    )
    .await;
    let e = choose(first).await;
    assert_eq!(e["state"], "pending_approval");
    let res = act(&app, &mentor, &e["id"], "accept").await;
    assert_eq!(res.status(), 409, "the mentor is asked once it is approved");
    assert_eq!(body(res).await["code"], "conflict");
    for (who, token) in [("the mentee", &mentee), ("the mentor", &mentor)] {
        let res = act(&app, token, &e["id"], "approve").await;
        assert_eq!(res.status(), 403, "{who} does not approve");
    }
    assert_eq!(
        act(&app, &peer, &e["id"], "approve").await.status(),
        404,
        "a peer does not see it"
    );
    let approved = body(act(&app, &lead, &e["id"], "approve").await).await;
    assert_eq!(approved["state"], "proposed", "{approved}");
    assert_eq!(approved["view"], "summary", "the manager sees no goals");
    assert_eq!(act(&app, &lead, &e["id"], "reject").await.status(), 409);
    let active = body(act(&app, &mentor, &e["id"], "accept").await).await;
    assert_eq!(active["state"], "active");

    let second = created(app.post("/api/v1/mentoring-requests", &mentee, asks).await).await;
    let e = choose(second).await;
    let hr = app.hr();
    let rejected = body(act(&app, &hr, &e["id"], "reject").await).await;
    assert_eq!(rejected["state"], "rejected", "{rejected}");
    assert_eq!(act(&app, &mentor, &e["id"], "accept").await.status(), 409);
    let events = body(
        app.get("/api/v1/audit-events?action=engagement.approve", &hr)
            .await,
    )
    .await;
    assert_eq!(
        events["items"].as_array().map(Vec::len),
        Some(1),
        "{events}"
    );
}

#[tokio::test]
async fn a_persons_engagements_come_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let (p, _) = setup(&app).await;
    let (mentee, lead) = (
        app.employee_token(&p["MENTEE"]),
        app.employee_token(&p["LEAD"]),
    );
    let request = created(
        app.post(
            "/api/v1/mentoring-requests",
            &mentee,
            json!({ "goals": "Grow" }),
        )
        .await,
    )
    .await;
    let rid = request["id"].as_str().expect("id");
    let mut made = Vec::new();
    for i in 0..5 {
        let profile = created(
            app.post(
                "/api/v1/mentor-profiles",
                &ld(&app),
                json!({ "kind": "mentor", "external_name": format!("Provider {i}"), "capacity": 3 }),
            )
            .await,
        )
        .await;
        let e = created(
            app.post(
                &format!("/api/v1/mentoring-requests/{rid}:choose"),
                &mentee,
                json!({ "profile_id": profile["id"] }),
            )
            .await,
        )
        .await;
        made.push(e["id"].as_str().expect("id").to_owned());
    }
    made.sort();
    let path = format!("/api/v1/engagements?employee_id={}", p["MENTEE"]);
    for token in [&mentee, &lead] {
        let pages = app.all_pages(&path, token, 2).await;
        let got: Vec<&str> = pages
            .iter()
            .map(|e| e["id"].as_str().expect("id"))
            .collect();
        assert_eq!(got, made, "every engagement once, in creation order");
    }

    let q = "query($id: ID, $after: String) { engagements(employeeId: $id, first: 3, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }";
    let first = app.gql(&lead, q, json!({ "id": p["MENTEE"] })).await;
    let info = &first["data"]["engagements"]["pageInfo"];
    assert_eq!(info["hasNextPage"], true, "{first}");
    let rest = app
        .gql(
            &lead,
            q,
            json!({ "id": p["MENTEE"], "after": info["endCursor"] }),
        )
        .await;
    let conn = &rest["data"]["engagements"];
    assert_eq!(conn["pageInfo"]["hasNextPage"], false, "{rest}");
    assert_eq!(conn["nodes"], json!([{ "id": made[3] }, { "id": made[4] }]));
}
