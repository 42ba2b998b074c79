//! HRIS integrations on day one: deltas (merge mode), dry runs, the org-unit tree in bulk,
//! reconciles over several requests, and lookups and a change feed by HRIS id.

use crate::helpers::{body, ids, person, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn outcomes(sync: &Value) -> Vec<String> {
    sync["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["outcome"].as_str().expect("outcome").to_owned())
        .collect()
}

async fn hr_get(app: &TestApp, path: &str) -> Value {
    let res = app.get(path, &app.hr()).await;
    assert_eq!(res.status(), 200, "{path}");
    body(res).await
}

async fn put(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, path, Some(&app.hr()), Some(body))
        .await
}

#[tokio::test]
async fn a_delta_with_just_status_and_termination_date_terminates_and_keeps_the_rest() {
    let app = TestApp::spawn().await;
    let mut ada = person("E-1", Some("M-1"));
    ada["job_title"] = json!("Engineer");
    let people = ids(&app.sync(json!([person("M-1", None), ada])).await);
    let url = "/api/v1/hris/employees:sync?mode=merge";
    let delta = json!({ "records": [
        { "external_id": "E-1", "status": "terminated", "termination_date": "2026-11-30" }
    ]});
    let sync = body(app.post(url, &app.hr(), delta).await).await;
    assert_eq!(outcomes(&sync), ["updated"], "{sync}");
    let e1 = hr_get(&app, &format!("/api/v1/employees/{}", people["E-1"])).await;
    assert_eq!(e1["details"]["status"], "terminated");
    assert_eq!(e1["details"]["termination_date"], "2026-11-30");
    assert_eq!(
        e1["manager_id"],
        people["M-1"].as_str(),
        "the manager link is kept"
    );
    assert_eq!(e1["job_title"], "Engineer");
    assert_eq!(e1["details"]["hire_date"], "2020-01-01");

    let clear = json!({ "records": [{ "external_id": "E-1", "job_title": null, "manager_external_id": null }] });
    let sync = body(app.post(url, &app.hr(), clear.clone()).await).await;
    assert_eq!(outcomes(&sync), ["updated"]);
    let e1 = hr_get(&app, &format!("/api/v1/employees/{}", people["E-1"])).await;
    assert!(
        e1["job_title"].is_null() && e1["manager_id"].is_null(),
        "{e1}"
    );
    assert_eq!(e1["details"]["status"], "terminated");
    let again = body(app.post(url, &app.hr(), clear).await).await;
    assert_eq!(
        outcomes(&again),
        ["unchanged"],
        "a replayed delta changes nothing"
    );

    let newcomer = json!({ "records": [{ "external_id": "N-1", "status": "active" }] });
    let sync = body(app.post(url, &app.hr(), newcomer).await).await;
    assert_eq!(sync["results"][0]["error"]["code"], "validation_failed");
    assert_eq!(
        sync["results"][0]["error"]["field"], "email",
        "a new person must be complete"
    );

    let bad = app
        .post(
            "/api/v1/hris/employees:sync?mode=patch",
            &app.hr(),
            json!({ "records": [] }),
        )
        .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(body(bad).await["code"], "invalid_query");
}

#[tokio::test]
async fn a_dry_run_answers_what_the_sync_would_do_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let all: Vec<Value> = (0..10).map(|i| person(&format!("D{i}"), None)).collect();
    let batch = json!({ "records": [person("D0", None), person("D1", Some("D0")), { "external_id": "D2" }] });
    let dry = app
        .post(
            "/api/v1/hris/employees:sync?dry_run=true",
            &app.hr(),
            batch.clone(),
        )
        .await;
    assert_eq!(dry.status(), 200);
    let dry = body(dry).await;
    assert_eq!(dry["dry_run"], true);
    assert!(dry["run_id"].is_null());
    assert_eq!(outcomes(&dry), ["created", "created", "error"]);
    let list = hr_get(&app, "/api/v1/employees").await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nobody was created"
    );
    let runs = hr_get(&app, "/api/v1/hris/sync-runs").await;
    assert_eq!(
        runs["items"].as_array().map(Vec::len),
        Some(0),
        "no run was recorded"
    );
    let audit = hr_get(&app, "/api/v1/audit-events").await;
    assert!(!audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["action"] == "employee.create" || e["action"] == "hris.sync"));

    let real = body(
        app.post("/api/v1/hris/employees:sync", &app.hr(), batch)
            .await,
    )
    .await;
    assert_eq!(real["dry_run"], false);
    assert_eq!(outcomes(&real), outcomes(&dry));
    assert_eq!(real["counts"], dry["counts"]);
    assert!(real["run_id"].is_string());

    app.sync(json!(all)).await;
    let url = "/api/v1/hris/employees:sync?deactivate_missing=true&dry_run=true";
    let nine = json!({ "records": all[..9] });
    let dry = body(app.post(url, &app.hr(), nine).await).await;
    assert_eq!(dry["counts"]["deactivated"], 1);
    assert_eq!(dry["deactivated_ids"].as_array().map(Vec::len), Some(1));
    let gone = dry["deactivated_ids"][0].as_str().expect("id").to_owned();
    let kept = hr_get(&app, &format!("/api/v1/employees/{gone}")).await;
    assert_eq!(
        kept["details"]["status"], "active",
        "a dry reconcile terminates nobody"
    );
    let five = json!({ "records": all[..5] });
    let refused = app.post(url, &app.hr(), five).await;
    assert_eq!(
        refused.status(),
        422,
        "the guard answers a dry run as it answers a sync"
    );
    assert_eq!(body(refused).await["code"], "deactivation_limit_exceeded");
}

#[tokio::test]
async fn the_org_unit_tree_syncs_in_bulk_with_parents_resolved_in_a_second_pass() {
    let app = TestApp::spawn().await;
    app.sync(json!([person("H-1", None)])).await;
    let tree = json!({ "records": [
        { "external_id": "U-TEAM", "name": "Payments", "kind": "team", "parent_external_id": "U-DEPT" },
        { "external_id": "U-DEPT", "name": "Engineering", "kind": "department",
          "parent_external_id": "U-ROOT", "manager_external_id": "H-1" },
        { "external_id": "U-ROOT", "name": "Acme", "kind": "company" },
        { "external_id": "U-BAD", "name": "Nowhere", "parent_external_id": "U-404" },
        { "external_id": "U-HEAD", "name": "Ghost", "manager_external_id": "H-404" }
    ]});
    let url = "/api/v1/hris/org-units:sync";
    let dry = body(
        app.post(&format!("{url}?dry_run=true"), &app.hr(), tree.clone())
            .await,
    )
    .await;
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        outcomes(&dry),
        ["created", "created", "created", "error", "error"]
    );
    let units = hr_get(&app, "/api/v1/org-units").await;
    assert_eq!(
        units["items"].as_array().map(Vec::len),
        Some(0),
        "a dry run writes nothing"
    );

    let sync = body(app.post(url, &app.hr(), tree.clone()).await).await;
    assert_eq!(outcomes(&sync), outcomes(&dry));
    assert_eq!(sync["results"][3]["error"]["code"], "unknown_org_unit");
    assert_eq!(sync["results"][3]["error"]["field"], "parent_external_id");
    assert_eq!(sync["results"][4]["error"]["code"], "unknown_manager");
    let id = |i: usize| {
        sync["results"][i]["org_unit_id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let team = hr_get(&app, &format!("/api/v1/org-units/{}", id(0))).await;
    assert_eq!(team["parent_id"], id(1).as_str());
    let dept = hr_get(&app, &format!("/api/v1/org-units/{}", id(1))).await;
    assert_eq!(
        (dept["parent_id"].as_str(), dept["kind"].as_str()),
        (Some(id(2).as_str()), Some("department"))
    );
    assert!(dept["manager_id"].is_string());

    let replay = body(app.post(url, &app.hr(), tree).await).await;
    assert_eq!(
        outcomes(&replay)[..3],
        ["unchanged", "unchanged", "unchanged"]
    );

    let moves = json!({ "records": [
        { "external_id": "U-ROOT", "name": "Acme", "kind": "company", "parent_external_id": "U-TEAM" },
        { "external_id": "U-TEAM", "name": "Payments & Billing", "kind": "team", "parent_external_id": "U-ROOT" }
    ]});
    let sync = body(app.post(url, &app.hr(), moves).await).await;
    assert_eq!(outcomes(&sync), ["error", "updated"]);
    assert_eq!(sync["results"][0]["error"]["code"], "validation_failed");
    let team = hr_get(&app, &format!("/api/v1/org-units/{}", id(0))).await;
    assert_eq!(
        (team["name"].as_str(), team["version"].as_i64()),
        (Some("Payments & Billing"), Some(2))
    );
    assert_eq!(team["parent_id"], id(2).as_str(), "moved under the root");

    let mut joiner = person("P-1", None);
    joiner["org_unit_external_id"] = json!("U-TEAM");
    let people = ids(&app.sync(json!([joiner])).await);
    let p1 = hr_get(&app, &format!("/api/v1/employees/{}", people["P-1"])).await;
    assert_eq!(
        p1["org_unit_id"],
        id(0).as_str(),
        "people then find the synced units"
    );
    let found = hr_get(&app, "/api/v1/org-units?external_id=U-DEPT").await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(found["items"][0]["id"], id(1).as_str());

    let me = app.employee_token(&people["P-1"]);
    let res = app.post(url, &me, json!({ "records": [] })).await;
    assert_eq!(res.status(), 403);
}

async fn open_run(app: &TestApp, mode: &str) -> String {
    let res = app
        .post(
            "/api/v1/hris/reconcile-runs",
            &app.hr(),
            json!({ "mode": mode }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let run = body(res).await;
    assert_eq!(run["state"], "open");
    run["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn a_reconcile_spans_pages_and_applies_them_only_at_commit() {
    let app = TestApp::spawn().await;
    let all: Vec<Value> = (0..10).map(|i| person(&format!("R{i}"), None)).collect();
    let people = ids(&app.sync(json!(all)).await);
    let run = open_run(&app, "replace").await;
    let pages = format!("/api/v1/hris/reconcile-runs/{run}/pages");
    let mut r0 = all[0].clone();
    r0["job_title"] = json!("Lead");
    assert_eq!(
        put(
            &app,
            &format!("{pages}/1"),
            json!({ "records": [r0, all[1], all[2]] })
        )
        .await
        .status(),
        200
    );
    let again = put(
        &app,
        &format!("{pages}/1"),
        json!({ "records": [r0, all[1], all[2]] }),
    )
    .await;
    let again = body(again).await;
    assert_eq!(
        (again["pages"].as_u64(), again["records"].as_u64()),
        (Some(1), Some(3)),
        "a resent page counts once"
    );
    let res = put(&app, &format!("{pages}/2"), json!({ "records": all[3..9] })).await;
    assert_eq!(body(res).await["records"], 9);
    let r0_now = hr_get(&app, &format!("/api/v1/employees/{}", people["R0"])).await;
    assert!(
        r0_now["job_title"].is_null(),
        "nothing changes before the commit"
    );

    let commit = format!("/api/v1/hris/reconcile-runs/{run}:commit");
    let dry = body(
        app.post(&format!("{commit}?dry_run=true"), &app.hr(), json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (
            dry["dry_run"].as_bool(),
            dry["counts"]["deactivated"].as_u64()
        ),
        (Some(true), Some(1))
    );
    let done = app.post(&commit, &app.hr(), json!({})).await;
    assert_eq!(done.status(), 200);
    let done = body(done).await;
    assert_eq!(done["counts"]["total"], 9);
    assert_eq!(done["counts"]["updated"], 1);
    assert_eq!(done["counts"]["deactivated"], 1);
    assert_eq!(done["deactivated_ids"][0], people["R9"].as_str());
    let r9 = hr_get(&app, &format!("/api/v1/employees/{}", people["R9"])).await;
    assert_eq!(r9["details"]["status"], "terminated");
    let state = hr_get(&app, &format!("/api/v1/hris/reconcile-runs/{run}")).await;
    assert_eq!(state["state"], "committed");
    assert_eq!(state["sync_run_id"], done["run_id"]);

    let again = open_run(&app, "replace").await;
    let res = put(
        &app,
        &format!("/api/v1/hris/reconcile-runs/{again}/pages/1"),
        json!({ "records": all[..9] }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let commit_again = format!("/api/v1/hris/reconcile-runs/{again}:commit");
    let hr = app.hr();
    let (a, b) = tokio::join!(
        app.post(&commit_again, &hr, json!({})),
        app.post(&commit_again, &hr, json!({}))
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 409],
        "two commits of one run: one applies it"
    );

    let late = put(&app, &format!("{pages}/3"), json!({ "records": [all[9]] })).await;
    assert_eq!(late.status(), 409);
    assert_eq!(body(late).await["code"], "conflict");
    let twice = app.post(&commit, &app.hr(), json!({})).await;
    assert_eq!(twice.status(), 409);
}

#[tokio::test]
async fn the_deactivation_guard_applies_at_commit_and_a_refused_commit_leaves_the_run_open() {
    let app = TestApp::spawn().await;
    let all: Vec<Value> = (0..10).map(|i| person(&format!("G{i}"), None)).collect();
    app.sync(json!(all)).await;
    let run = open_run(&app, "merge").await;
    let delta: Vec<Value> = (0..5)
        .map(|i| json!({ "external_id": format!("G{i}") }))
        .collect();
    let res = put(
        &app,
        &format!("/api/v1/hris/reconcile-runs/{run}/pages/1"),
        json!({ "records": delta }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let commit = format!("/api/v1/hris/reconcile-runs/{run}:commit");
    let refused = app.post(&commit, &app.hr(), json!({})).await;
    assert_eq!(refused.status(), 422);
    let refused = body(refused).await;
    assert_eq!(refused["code"], "deactivation_limit_exceeded");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("5 of 10"),
        "{refused}"
    );
    let state = hr_get(&app, &format!("/api/v1/hris/reconcile-runs/{run}")).await;
    assert_eq!(state["state"], "open");
    let forced = body(
        app.post(&format!("{commit}?force=true"), &app.hr(), json!({}))
            .await,
    )
    .await;
    assert_eq!(forced["counts"]["deactivated"], 5);
    assert_eq!(
        forced["counts"]["unchanged"], 5,
        "merge deltas of nothing keep each person"
    );

    let bad = put(
        &app,
        &format!("/api/v1/hris/reconcile-runs/{run}/pages/0"),
        json!({ "records": [] }),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let missing = app
        .get(
            "/api/v1/hris/reconcile-runs/0190a0a0-0000-7000-8000-000000000001",
            &app.hr(),
        )
        .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn an_abandoned_reconcile_run_expires_and_changes_nothing() {
    let app = TestApp::spawn_with(|s| s.hris.reconcile_run_ttl_seconds = 1).await;
    let all: Vec<Value> = (0..3).map(|i| person(&format!("X{i}"), None)).collect();
    let people = ids(&app.sync(json!(all)).await);
    let run = open_run(&app, "replace").await;
    let page = format!("/api/v1/hris/reconcile-runs/{run}/pages/1");
    assert_eq!(
        put(&app, &page, json!({ "records": [all[0]] }))
            .await
            .status(),
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let commit = app
        .post(
            &format!("/api/v1/hris/reconcile-runs/{run}:commit?force=true"),
            &app.hr(),
            json!({}),
        )
        .await;
    assert_eq!(commit.status(), 409);
    assert!(body(commit).await["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("expired"));
    assert_eq!(
        put(&app, &page, json!({ "records": [all[0]] }))
            .await
            .status(),
        409
    );
    let state = hr_get(&app, &format!("/api/v1/hris/reconcile-runs/{run}")).await;
    assert_eq!(state["state"], "expired");
    for id in people.values() {
        let kept = hr_get(&app, &format!("/api/v1/employees/{id}")).await;
        assert_eq!(kept["details"]["status"], "active");
    }
    let next = open_run(&app, "replace").await;
    assert_ne!(next, run, "opening a run sweeps the expired ones");
}

#[tokio::test]
async fn people_are_found_by_hris_id_and_changes_are_read_from_a_resumable_cursor() {
    let app = TestApp::spawn().await;
    let all: Vec<Value> = (1..=6)
        .map(|i| {
            let mut p = person(&format!("E-000{i}"), None);
            p["family_name"] = json!(format!("Person{i}"));
            p
        })
        .collect();
    let people = ids(&app.sync(json!(all)).await);
    let by_id = hr_get(&app, "/api/v1/employees?external_id=E-0005").await;
    assert_eq!(by_id["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(by_id["items"][0]["id"], people["E-0005"].as_str());
    let gql = app
        .post(
            "/graphql",
            &app.hr(),
            json!({ "query": "{ employees(filter: { externalId: \"E-0005\" }) { nodes { id } } }" }),
        )
        .await;
    let gql = body(gql).await;
    assert_eq!(
        gql["data"]["employees"]["nodes"][0]["id"],
        people["E-0005"].as_str(),
        "{gql}"
    );
    let by_q = hr_get(&app, "/api/v1/employees?q=e-0005").await;
    assert_eq!(by_q["items"][0]["id"], people["E-0005"].as_str());
    let me = app.employee_token(&people["E-0001"]);
    for q in ["external_id=E-0005", "updated_since=2026-01-01T00:00:00Z"] {
        let res = app.get(&format!("/api/v1/employees?{q}"), &me).await;
        assert_eq!(res.status(), 400, "{q}");
        assert_eq!(body(res).await["code"], "invalid_query");
    }
    let peer = body(app.get("/api/v1/employees?q=E-0005", &me).await).await;
    assert_eq!(
        peer["items"].as_array().map(Vec::len),
        Some(0),
        "no oracle for HRIS ids"
    );

    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let since = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut seen = Vec::new();
    let mut url = format!("/api/v1/employees?updated_since={since}&first=4");
    let cursor = loop {
        let page = hr_get(&app, &url).await;
        let items = page["items"].as_array().expect("items");
        seen.extend(
            items
                .iter()
                .map(|e| e["id"].as_str().expect("id").to_owned()),
        );
        let next = page["next_cursor"]
            .as_str()
            .expect("a feed page with changes has a cursor")
            .to_owned();
        if items.len() < 4 {
            break next;
        }
        url = format!("/api/v1/employees?updated_since={since}&first=4&after={next}");
    };
    assert_eq!(seen.len(), 6, "every change once: {seen:?}");

    let mut changed = all[2].clone();
    changed["job_title"] = json!("Staff");
    app.sync(json!([changed])).await;
    let later = hr_get(
        &app,
        &format!("/api/v1/employees?updated_since={since}&after={cursor}"),
    )
    .await;
    let items = later["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{later}");
    assert_eq!(items[0]["id"], people["E-0003"].as_str());
    let resume = later["next_cursor"].as_str().expect("cursor");
    let nothing = hr_get(
        &app,
        &format!("/api/v1/employees?updated_since={since}&after={resume}"),
    )
    .await;
    assert_eq!(nothing["items"].as_array().map(Vec::len), Some(0));
    assert!(nothing["next_cursor"].is_null());
    let bad = app
        .get(
            &format!("/api/v1/employees?updated_since={since}&after=djE6eA"),
            &app.hr(),
        )
        .await;
    assert_eq!(bad.status(), 400);
    let future = hr_get(&app, "/api/v1/employees?updated_since=2999-01-01T00:00:00Z").await;
    assert_eq!(future["items"].as_array().map(Vec::len), Some(0));
}
