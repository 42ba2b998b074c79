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

#[tokio::test]
async fn a_batch_creates_people_whose_manager_comes_later_and_a_replay_changes_nothing() {
    let app = TestApp::spawn().await;
    let batch = json!([
        person("E-3", Some("E-2")),
        person("E-2", Some("E-1")),
        person("E-1", None)
    ]);
    let first = app.sync(batch.clone()).await;
    assert_eq!(first["counts"]["created"], 3);
    assert_eq!(first["counts"]["failed"], 0);
    let people = ids(&first);
    let e3 = body(
        app.get(&format!("/api/v1/employees/{}", people["E-3"]), &app.hr())
            .await,
    )
    .await;
    assert_eq!(e3["manager_id"], people["E-2"].as_str());
    assert_eq!(e3["details"]["version"], 1);

    let replay = app.sync(batch).await;
    assert_eq!(outcomes(&replay), ["unchanged", "unchanged", "unchanged"]);
    assert_eq!(ids(&replay), people, "a replay keeps every id");
    let e3 = body(
        app.get(&format!("/api/v1/employees/{}", people["E-3"]), &app.hr())
            .await,
    )
    .await;
    assert_eq!(e3["details"]["version"], 1, "a replay bumps no version");
}

#[tokio::test]
async fn changed_records_are_updated_and_a_cycle_is_refused_for_that_record_only() {
    let app = TestApp::spawn().await;
    let people = ids(&app
        .sync(json!([
            person("A", None),
            person("B", Some("A")),
            person("C", Some("B"))
        ]))
        .await);
    let mut a = person("A", Some("C"));
    let mut d = person("D", Some("A"));
    d["job_title"] = json!("Analyst");
    a["job_title"] = json!("Director");
    let mut b = person("B", Some("A"));
    b["job_level"] = json!(5);
    let sync = app.sync(json!([a, b, d])).await;
    assert_eq!(outcomes(&sync), ["error", "updated", "created"]);
    assert_eq!(sync["results"][0]["error"]["code"], "manager_cycle");
    assert_eq!(sync["results"][0]["error"]["field"], "manager_external_id");
    let a_now = body(
        app.get(&format!("/api/v1/employees/{}", people["A"]), &app.hr())
            .await,
    )
    .await;
    assert!(
        a_now["manager_id"].is_null(),
        "the refused record is left as it was"
    );
    assert!(a_now["job_title"].is_null());
    let b_now = body(
        app.get(&format!("/api/v1/employees/{}", people["B"]), &app.hr())
            .await,
    )
    .await;
    assert_eq!(
        (
            b_now["details"]["job_level"].clone(),
            b_now["details"]["version"].clone()
        ),
        (json!(5), json!(2))
    );
}

#[tokio::test]
async fn invalid_records_fail_alone_with_their_field() {
    let app = TestApp::spawn().await;
    let mut bad = person("BAD", None);
    bad["email"] = json!("not-an-email");
    let mut dup = person("DUP", None);
    dup["email"] = json!("ok@example.com");
    let mut dup2 = person("DUP2", None);
    dup2["email"] = json!("OK@example.com");
    let sync = app
        .sync(
            json!([bad, person("GOOD", Some("MISSING")), dup, dup2, { "email": "x@example.com" }]),
        )
        .await;
    assert_eq!(
        outcomes(&sync),
        ["error", "error", "created", "error", "error"]
    );
    assert_eq!(sync["results"][0]["error"]["field"], "email");
    assert_eq!(sync["results"][1]["error"]["code"], "unknown_manager");
    assert_eq!(sync["results"][3]["error"]["code"], "duplicate_email");
    assert_eq!(sync["results"][4]["error"]["field"], "external_id");
    assert_eq!(sync["counts"]["failed"], 4);
}

#[tokio::test]
async fn csv_uploads_are_synced_like_json() {
    let app = TestApp::spawn().await;
    let csv = "external_id,email,given_name,family_name,job_level,manager_external_id,contracted_hours_per_week\n\
               M1,m1@example.com,Mara,One,6,,40\n\
               P1,p1@example.com,Pia,Two,2,M1,20\n";
    let res = app
        .client
        .post(format!("{}/api/v1/hris/employees:sync", app.base))
        .bearer_auth(app.hr())
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    let sync = body(res).await;
    assert_eq!(sync["counts"]["created"], 2);
    let people = ids(&sync);
    let p1 = body(
        app.get(&format!("/api/v1/employees/{}", people["P1"]), &app.hr())
            .await,
    )
    .await;
    assert_eq!(p1["manager_id"], people["M1"].as_str());
    assert_eq!(p1["details"]["contracted_hours_per_week"], 20.0);

    let res = app
        .client
        .post(format!("{}/api/v1/hris/employees:sync", app.base))
        .bearer_auth(app.hr())
        .header("content-type", "text/csv")
        .body("external_id,job_level\nX,high\n")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);
    let problem = body(res).await;
    assert_eq!(problem["code"], "invalid_csv");
    assert_eq!(problem["errors"][0]["field"], "records[0]");
}

async fn sync_with_key(app: &TestApp, key: &str, records: Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/hris/employees:sync", app.base))
        .bearer_auth(app.hr())
        .header("idempotency-key", key)
        .json(&json!({ "records": records }))
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_a_different_body() {
    let app = TestApp::spawn().await;
    let first = sync_with_key(&app, "batch-42", json!([person("K1", None)])).await;
    assert_eq!(first.status(), 200);
    let first = body(first).await;
    let again = sync_with_key(&app, "batch-42", json!([person("K1", None)])).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again = body(again).await;
    assert_eq!(again["run_id"], first["run_id"]);
    assert_eq!(
        again["results"][0]["outcome"], "created",
        "the first answer, not a new run"
    );
    let runs = body(app.get("/api/v1/hris/sync-runs", &app.hr()).await).await;
    assert_eq!(runs["items"].as_array().expect("items").len(), 1);

    let other = sync_with_key(&app, "batch-42", json!([person("K2", None)])).await;
    assert_eq!(other.status(), 422);
    assert_eq!(body(other).await["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn a_full_reconcile_terminates_the_absent_but_refuses_a_mass_termination_unless_forced() {
    let app = TestApp::spawn().await;
    let all: Vec<Value> = (0..10).map(|i| person(&format!("R{i}"), None)).collect();
    let people = ids(&app.sync(json!(all)).await);
    let url = "/api/v1/hris/employees:sync?deactivate_missing=true";

    let nine = json!({ "records": all[..9] });
    let sync = body(app.post(url, &app.hr(), nine).await).await;
    assert_eq!(sync["counts"]["deactivated"], 1);
    let gone = body(
        app.get(&format!("/api/v1/employees/{}", people["R9"]), &app.hr())
            .await,
    )
    .await;
    assert_eq!(gone["details"]["status"], "terminated");
    assert!(gone["details"]["termination_date"].is_string());

    let five = json!({ "records": all[..5] });
    let res = app.post(url, &app.hr(), five.clone()).await;
    assert_eq!(res.status(), 422);
    let refused = body(res).await;
    assert_eq!(refused["code"], "deactivation_limit_exceeded");
    assert_eq!(
        refused["detail"],
        "this reconcile would terminate 4 of 9 active people, more than the allowed 20%; check the batch or send force=true",
        "the message carries the figures"
    );
    let kept = body(
        app.get(&format!("/api/v1/employees/{}", people["R8"]), &app.hr())
            .await,
    )
    .await;
    assert_eq!(
        kept["details"]["status"], "active",
        "a refused reconcile changes nothing"
    );

    let res = app
        .post(&format!("{url}&force=true"), &app.hr(), five)
        .await;
    assert_eq!(body(res).await["counts"]["deactivated"], 4);
}

#[tokio::test]
async fn sync_runs_are_recorded_and_only_hr_may_sync_or_read_them() {
    let app = TestApp::spawn().await;
    let people = ids(&app
        .sync(json!([person("S1", None), { "external_id": "S2" }]))
        .await);
    let runs = body(app.get("/api/v1/hris/sync-runs", &app.hr()).await).await;
    let run = &runs["items"][0];
    assert_eq!(run["counts"]["created"], 1);
    assert_eq!(run["counts"]["failed"], 1);
    assert_eq!(run["errors"][0]["external_id"], "S2");
    let one = app
        .get(
            &format!("/api/v1/hris/sync-runs/{}", run["id"].as_str().expect("id")),
            &app.hr(),
        )
        .await;
    assert_eq!(body(one).await["id"], run["id"]);

    let me = app.employee_token(&people["S1"]);
    let res = app
        .post(
            "/api/v1/hris/employees:sync",
            &me,
            json!({ "records": [person("S3", None)] }),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.get("/api/v1/hris/sync-runs", &me).await.status(), 403);
    let audit = body(app.get("/api/v1/audit-events", &app.hr()).await).await;
    assert!(audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["action"] == "employee.create"));
}

#[tokio::test]
async fn an_oversized_batch_is_refused_whole() {
    let app = TestApp::spawn_with(|s| s.hris.max_batch = 3).await;
    let records: Vec<Value> = (0..4).map(|i| person(&format!("O{i}"), None)).collect();
    let res = app
        .post(
            "/api/v1/hris/employees:sync",
            &app.hr(),
            json!({ "records": records }),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["code"], "batch_too_large");
    let list = body(app.get("/api/v1/employees", &app.hr()).await).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 0);
}

async fn read(on: &TestApp, url: &str) -> Value {
    body(on.request(Method::GET, url, Some(&on.hr()), None).await).await
}

#[tokio::test]
async fn two_instances_on_one_database_see_each_others_writes_at_once() {
    let app = TestApp::spawn().await;
    let other = app.sibling().await;
    let people = ids(&app.sync(json!([person("T1", None)])).await);
    let url = format!("/api/v1/employees/{}", people["T1"]);
    assert_eq!(
        read(&other, &url).await["details"]["version"],
        1,
        "the other instance caches version 1"
    );
    let again = other.sync(json!([person("T1", None)])).await;
    assert_eq!(outcomes(&again), ["unchanged"]);

    let mut changed = person("T1", None);
    changed["job_title"] = json!("Lead");
    app.sync(json!([changed])).await;
    let seen = read(&other, &url).await;
    assert_eq!(
        (
            seen["job_title"].clone(),
            seen["details"]["version"].clone()
        ),
        (json!("Lead"), json!(2))
    );
    let res = app
        .client
        .patch(format!("{}{url}", other.base))
        .bearer_auth(other.hr())
        .header("if-match", "\"2\"")
        .json(&json!({ "job_title": "Principal" }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    assert_eq!(read(&app, &url).await["job_title"], "Principal");
}

#[tokio::test]
async fn new_people_who_would_manage_each_other_are_refused_once() {
    let app = TestApp::spawn().await;
    let sync = app
        .sync(json!([
            person("C1", Some("C2")),
            person("C2", Some("C1")),
            person("C3", Some("C3"))
        ]))
        .await;
    assert_eq!(outcomes(&sync), ["error", "error", "error"]);
    assert_eq!(sync["results"][1]["error"]["code"], "manager_cycle");
    assert_eq!(
        sync["results"][0]["error"]["code"], "manager_rejected",
        "C2 was refused, so C1 has no manager to link to"
    );
    assert_eq!(sync["results"][2]["error"]["code"], "manager_cycle");
}

#[tokio::test]
async fn an_empty_reconcile_is_refused_whatever_force_says_and_terminates_nobody() {
    let app = TestApp::spawn().await;
    let all: Vec<Value> = (0..3).map(|i| person(&format!("E{i}"), None)).collect();
    let people = ids(&app.sync(json!(all)).await);
    for url in [
        "/api/v1/hris/employees:sync?deactivate_missing=true",
        "/api/v1/hris/employees:sync?deactivate_missing=true&force=true",
    ] {
        let res = app.post(url, &app.hr(), json!({ "records": [] })).await;
        assert_eq!(res.status(), 422, "{url}");
        let refused = body(res).await;
        assert_eq!(refused["code"], "deactivation_limit_exceeded");
        assert!(
            refused["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("no records"),
            "{refused}"
        );
    }
    for id in people.values() {
        let kept = body(app.get(&format!("/api/v1/employees/{id}"), &app.hr()).await).await;
        assert_eq!(kept["details"]["status"], "active");
    }
    let upsert = app
        .post(
            "/api/v1/hris/employees:sync",
            &app.hr(),
            json!({ "records": [] }),
        )
        .await;
    assert_eq!(
        upsert.status(),
        200,
        "an empty upsert changes nothing and is fine"
    );
}

#[tokio::test]
async fn concurrent_syncs_of_the_same_new_people_create_each_once() {
    let app = TestApp::spawn().await;
    let records: Vec<Value> = (0..100).map(|i| person(&format!("C{i}"), None)).collect();
    let hr = app.hr();
    let batch = json!({ "records": records });
    let one = || app.post("/api/v1/hris/employees:sync", &hr, batch.clone());
    let (a, b, c, d, e) = tokio::join!(one(), one(), one(), one(), one());
    let answers = [a, b, c, d, e];
    let mut created = vec![0; 100];
    for res in answers {
        assert_eq!(res.status(), 200);
        let sync = body(res).await;
        for (i, outcome) in outcomes(&sync).iter().enumerate() {
            match outcome.as_str() {
                "created" => created[i] += 1,
                "unchanged" => {}
                other => panic!("record {i}: {other} in {sync}"),
            }
        }
    }
    assert!(created.iter().all(|c| *c == 1), "{created:?}");
    let list = body(app.get("/api/v1/employees?first=200", &hr).await).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(100));
}

#[tokio::test]
async fn concurrent_syncs_through_two_instances_create_each_person_once() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        // Two instances on one SQLite file are not supported (docs/OPERATIONS.md).
        return;
    }
    let app = TestApp::spawn().await;
    let other = app.sibling().await;
    let records: Vec<Value> = (0..100).map(|i| person(&format!("T{i}"), None)).collect();
    let hr = app.hr();
    let batch = json!({ "records": records });
    let path = "/api/v1/hris/employees:sync";
    let (a, b, c, d) = tokio::join!(
        app.post(path, &hr, batch.clone()),
        other.post(path, &hr, batch.clone()),
        app.post(path, &hr, batch.clone()),
        other.post(path, &hr, batch.clone())
    );
    let mut created = vec![0; 100];
    for res in [a, b, c, d] {
        assert_eq!(res.status(), 200);
        let sync = body(res).await;
        for (i, outcome) in outcomes(&sync).iter().enumerate() {
            match outcome.as_str() {
                "created" => created[i] += 1,
                "unchanged" => {}
                other => panic!("record {i}: {other} in {sync}"),
            }
        }
    }
    assert!(created.iter().all(|c| *c == 1), "{created:?}");
}
