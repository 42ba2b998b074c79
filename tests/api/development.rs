//! PD budgets end to end: policies, prorated budgets with carry-over, spend requests through
//! their states, who may do what (REST and GraphQL), and 50 concurrent approvals at one budget.

use crate::helpers::{body, ids, person, TestApp};
use chrono::Datelike;
use serde_json::{json, Value};
use std::collections::HashMap;

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

fn this_year() -> i32 {
    chrono::Utc::now().year()
}

/// BOSS <- LEAD <- DEV (level 3); PEER elsewhere (level 3); JUNIOR (level 1) under LEAD, hired
/// on 1 July this year.
async fn setup(app: &TestApp) -> HashMap<String, String> {
    let mut junior = person("JUNIOR", Some("LEAD"));
    junior["job_level"] = json!(1);
    junior["hire_date"] = json!(format!("{}-07-01", this_year()));
    let mut boss = person("BOSS", None);
    boss["job_level"] = json!(6);
    ids(&app
        .sync(json!([
            boss,
            person("LEAD", Some("BOSS")),
            person("DEV", Some("LEAD")),
            person("PEER", None),
            junior,
        ]))
        .await)
}

async fn policy(app: &TestApp, level: i64, year: i32, amount: i64, cap: i64) -> reqwest::Response {
    app.post(
        "/api/v1/pd-budget-policies",
        &app.hr(),
        json!({ "fiscal_year": year, "job_level": level, "amount_minor": amount, "carry_over_cap_minor": cap }),
    )
    .await
}

async fn ask(app: &TestApp, token: &str, amount: i64) -> Value {
    let res = app
        .post(
            "/api/v1/pd-spend-requests",
            token,
            json!({ "category": "conference", "amount_minor": amount, "currency": "EUR", "description": "RustConf" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    body(res).await
}

async fn act(app: &TestApp, token: &str, id: &Value, action: &str) -> reqwest::Response {
    let id = id.as_str().expect("id");
    let body = if action == "spend" {
        json!({ "actual_amount_minor": 25_000 })
    } else {
        json!({})
    };
    app.post(
        &format!("/api/v1/pd-spend-requests/{id}:{action}"),
        token,
        body,
    )
    .await
}

async fn budget(app: &TestApp, token: &str, who: &str) -> reqwest::Response {
    app.get(
        &format!("/api/v1/employees/{who}/pd-budgets/{}", this_year()),
        token,
    )
    .await
}

async fn graphql(app: &TestApp, token: &str, query: &str, who: &str) -> Value {
    let res = app
        .post(
            "/graphql",
            token,
            json!({ "query": query, "variables": { "id": who } }),
        )
        .await;
    body(res).await
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn policies_are_set_by_hr_and_ld_admins_one_per_year_and_level() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    let bad = app
        .post(
            "/api/v1/pd-budget-policies",
            &ld(&app),
            json!({ "fiscal_year": 1999, "job_level": 0, "amount_minor": -1, "currency": "usd" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let fields: Vec<String> = body(bad).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect();
    assert_eq!(
        fields,
        ["fiscal_year", "job_level", "currency", "amount_minor"]
    );
    let other = app
        .post(
            "/api/v1/pd-budget-policies",
            &ld(&app),
            json!({ "fiscal_year": 2026, "job_level": 1, "amount_minor": 5, "currency": "USD" }),
        )
        .await;
    assert_eq!(other.status(), 422, "only the organisation's currencies");
    let res = app
        .post(
            "/api/v1/pd-budget-policies",
            &ld(&app),
            json!({ "fiscal_year": 2026, "job_level": 1, "amount_minor": 150_000 }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    assert_eq!(
        (created["currency"].clone(), created["amount_minor"].clone()),
        (json!("EUR"), json!(150_000))
    );
    assert_eq!(policy(&app, 1, 2026, 1, 0).await.status(), 409);
    let dev = app.employee_token(&p["DEV"]);
    let res = app
        .post(
            "/api/v1/pd-budget-policies",
            &dev,
            json!({ "fiscal_year": 2027, "job_level": 1, "amount_minor": 1 }),
        )
        .await;
    assert_eq!(res.status(), 403, "employees read policies, never set them");
    let listed = body(
        app.get("/api/v1/pd-budget-policies?fiscal_year=2026", &dev)
            .await,
    )
    .await;
    assert_eq!(listed["items"].as_array().expect("list").len(), 1);
    let out = graphql(
        &app,
        &dev,
        "query { pdBudgetPolicies(fiscalYear: 2026) { nodes { jobLevel amountMinor currency } } }",
        "",
    )
    .await;
    assert_eq!(
        out["data"]["pdBudgetPolicies"]["nodes"],
        json!([{ "jobLevel": 1, "amountMinor": 150_000, "currency": "EUR" }])
    );
    let client = app.token_for("hris", &[], &["hris:write"], None);
    assert_eq!(
        app.get("/api/v1/pd-budget-policies", &client)
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn budgets_are_prorated_for_hire_dates_and_carry_over_up_to_the_cap() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    let year = this_year();
    assert_eq!(policy(&app, 1, year - 1, 40_000, 0).await.status(), 201);
    assert_eq!(policy(&app, 1, year, 100_000, 0).await.status(), 201);
    assert_eq!(policy(&app, 3, year - 1, 40_000, 0).await.status(), 201);
    assert_eq!(policy(&app, 3, year, 100_000, 25_000).await.status(), 201);
    // JUNIOR, hired on 1 July: the days from July to December of the year's days, rounded down.
    let days = if chrono::NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    };
    let b = body(budget(&app, &app.hr(), &p["JUNIOR"]).await).await;
    assert_eq!(b["allocated_minor"], json!(100_000 * 184 / days), "{b}");
    assert_eq!(
        (b["carried_in_minor"].clone(), b["opened"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(b["period_start"], json!(format!("{year}-01-01")));
    // DEV, employed all of last year: its 40000 went unused, 25000 of it carries in.
    let b = body(budget(&app, &app.hr(), &p["DEV"]).await).await;
    assert_eq!(
        (
            b["allocated_minor"].clone(),
            b["carried_in_minor"].clone(),
            b["available_minor"].clone()
        ),
        (json!(100_000), json!(25_000), json!(125_000))
    );
    // A level without a policy has nothing to spend, and says so.
    let boss = app.employee_token(&p["BOSS"]);
    let b = body(budget(&app, &boss, &p["BOSS"]).await).await;
    assert_eq!(b["available_minor"], 0);
    let res = app
        .post(
            "/api/v1/pd-spend-requests",
            &boss,
            json!({ "category": "books", "amount_minor": 1, "description": "A book" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(code(&body(res).await), "budget_exceeded");
}

#[tokio::test]
async fn a_request_is_approved_by_the_manager_reserved_spent_for_less_and_released_on_cancel() {
    let app = TestApp::spawn_with(|s| s.development.second_approval_above_minor = 50_000).await;
    let p = setup(&app).await;
    assert_eq!(policy(&app, 3, this_year(), 100_000, 0).await.status(), 201);
    let (dev, lead, peer) = (
        app.employee_token(&p["DEV"]),
        app.employee_token(&p["LEAD"]),
        app.employee_token(&p["PEER"]),
    );
    let bad = app
        .post(
            "/api/v1/pd-spend-requests",
            &dev,
            json!({ "category": "yacht", "amount_minor": 0, "currency": "USD", "description": " " }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        body(bad).await["errors"].as_array().expect("errors").len(),
        4
    );
    let r = ask(&app, &dev, 30_000).await;
    assert_eq!(
        (r["state"].clone(), r["approvals_needed"].clone()),
        (json!("requested"), json!(1))
    );
    assert_eq!(
        act(&app, &dev, &r["id"], "approve").await.status(),
        403,
        "never your own"
    );
    assert_eq!(
        act(&app, &peer, &r["id"], "approve").await.status(),
        404,
        "a peer does not see it"
    );
    assert_eq!(
        act(&app, &ld(&app), &r["id"], "approve").await.status(),
        403,
        "ld_admin sees, does not approve"
    );
    assert_eq!(
        act(&app, &lead, &r["id"], "spend").await.status(),
        403,
        "the person records spending"
    );
    let res = act(&app, &lead, &r["id"], "approve").await;
    assert_eq!(res.status(), 200);
    let approved = body(res).await;
    assert_eq!(approved["state"], "approved");
    assert_eq!(
        approved["approved_by"],
        json!([format!("user-{}", p["LEAD"])])
    );
    let b = body(budget(&app, &dev, &p["DEV"]).await).await;
    assert_eq!(
        (
            b["reserved_minor"].clone(),
            b["available_minor"].clone(),
            b["opened"].clone()
        ),
        (json!(30_000), json!(70_000), json!(true))
    );
    let res = act(&app, &lead, &r["id"], "approve").await;
    assert_eq!(
        (res.status().as_u16(), code(&body(res).await).to_owned()),
        (409, "conflict".to_owned())
    );
    let spent = body(act(&app, &dev, &r["id"], "spend").await).await;
    assert_eq!(
        (spent["state"].clone(), spent["actual_amount_minor"].clone()),
        (json!("spent"), json!(25_000))
    );
    let b = body(budget(&app, &lead, &p["DEV"]).await).await;
    assert_eq!(
        (
            b["reserved_minor"].clone(),
            b["spent_minor"].clone(),
            b["available_minor"].clone()
        ),
        (json!(0), json!(25_000), json!(75_000))
    );
    assert_eq!(
        act(&app, &dev, &r["id"], "cancel").await.status(),
        409,
        "spent stays spent"
    );

    // Above 50000: two approvers, two different people; cancelling releases the reservation.
    let big = ask(&app, &dev, 60_000).await;
    assert_eq!(big["approvals_needed"], 2);
    let first = body(act(&app, &lead, &big["id"], "approve").await).await;
    assert_eq!(first["state"], "requested");
    let res = act(&app, &lead, &big["id"], "approve").await;
    assert_eq!(res.status(), 403, "the second approver is someone else");
    let second = body(act(&app, &app.hr(), &big["id"], "approve").await).await;
    assert_eq!(
        (
            second["state"].clone(),
            second["approved_by"].as_array().map(Vec::len)
        ),
        (json!("approved"), Some(2))
    );
    assert_eq!(
        body(budget(&app, &dev, &p["DEV"]).await).await["available_minor"],
        15_000
    );
    let res = app
        .post(
            "/api/v1/pd-spend-requests",
            &dev,
            json!({ "category": "books", "amount_minor": 15_001, "description": "Too many books" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem = body(res).await;
    assert_eq!(code(&problem), "budget_exceeded");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("15000 EUR"),
        "{problem}"
    );
    assert_eq!(act(&app, &lead, &big["id"], "cancel").await.status(), 403);
    let cancelled = body(act(&app, &dev, &big["id"], "cancel").await).await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(
        body(budget(&app, &dev, &p["DEV"]).await).await["available_minor"],
        75_000
    );

    let small = ask(&app, &dev, 10).await;
    assert_eq!(
        body(act(&app, &lead, &small["id"], "reject").await).await["state"],
        "rejected"
    );
    assert_eq!(
        act(&app, &lead, &small["id"], "approve").await.status(),
        409
    );
    let list = body(
        app.get(
            &format!("/api/v1/pd-spend-requests?employee_id={}&first=2", p["DEV"]),
            &lead,
        )
        .await,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    assert!(list["next_cursor"].is_string());
}

#[tokio::test]
async fn only_the_person_their_managers_and_admins_see_a_budget_over_rest_and_graphql() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    assert_eq!(policy(&app, 3, this_year(), 100_000, 0).await.status(), 201);
    let dev = app.employee_token(&p["DEV"]);
    let r = ask(&app, &dev, 1_000).await;
    let q = "query($id: ID) { pdBudget(employeeId: $id) { availableMinor } pdSpendRequests(employeeId: $id) { nodes { amountMinor state } } }";
    for (who, token) in [
        ("self", dev.clone()),
        ("manager", app.employee_token(&p["LEAD"])),
        ("manager's manager", app.employee_token(&p["BOSS"])),
        ("hr_admin", app.hr()),
        ("ld_admin", ld(&app)),
    ] {
        assert_eq!(budget(&app, &token, &p["DEV"]).await.status(), 200, "{who}");
        let out = graphql(&app, &token, q, &p["DEV"]).await;
        assert_eq!(
            out["data"]["pdBudget"]["availableMinor"], 100_000,
            "{who}: {out}"
        );
        assert_eq!(
            out["data"]["pdSpendRequests"]["nodes"][0]["state"], "REQUESTED",
            "{who}"
        );
    }
    for (who, token) in [
        ("peer", app.employee_token(&p["PEER"])),
        ("a report", app.employee_token(&p["JUNIOR"])),
        (
            "integration",
            app.token_for("hris", &[], &["hris:write", "reports:read"], None),
        ),
    ] {
        let res = budget(&app, &token, &p["DEV"]).await;
        assert_eq!(res.status(), 403, "{who}");
        assert_eq!(code(&body(res).await), "forbidden");
        let res = app
            .get(
                &format!("/api/v1/pd-spend-requests?employee_id={}", p["DEV"]),
                &token,
            )
            .await;
        assert_eq!(res.status(), 403, "{who}");
        let id = r["id"].as_str().expect("id");
        assert_eq!(
            app.get(&format!("/api/v1/pd-spend-requests/{id}"), &token)
                .await
                .status(),
            404,
            "{who}"
        );
        let out = graphql(&app, &token, q, &p["DEV"]).await;
        assert!(
            out["data"].is_null() || out["data"]["pdBudget"].is_null(),
            "{who}: {out}"
        );
        let codes: Vec<&str> = out["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["extensions"]["code"].as_str())
            .collect();
        assert!(
            codes.iter().all(|c| *c == "forbidden") && !codes.is_empty(),
            "{who}: {out}"
        );
    }
    // A leaver loses their budget with everything else.
    let res = app
        .sync(
            json!([{ "external_id": "DEV", "email": "dev@example.com", "given_name": "Given",
            "family_name": "FamilyDEV", "job_level": 3, "manager_external_id": "LEAD",
            "hire_date": "2020-01-01", "termination_date": "2021-01-01", "status": "terminated" }]),
        )
        .await;
    assert_eq!(res["results"][0]["error"], Value::Null, "{res}");
    assert_eq!(budget(&app, &dev, &p["DEV"]).await.status(), 403);
}

/// Approve every request at once, each on its own task: the statuses and bodies.
async fn at_once(app: &TestApp, token: &str, requests: &[Value]) -> Vec<(u16, Value)> {
    let mut tasks = tokio::task::JoinSet::new();
    for id in requests {
        let url = format!(
            "{}/api/v1/pd-spend-requests/{}:approve",
            app.base,
            id.as_str().expect("id")
        );
        let (client, token) = (app.client.clone(), token.to_owned());
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
    tasks.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_approvals_never_take_a_budget_below_zero() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    assert_eq!(policy(&app, 3, this_year(), 100_000, 0).await.status(), 201);
    let (dev, lead) = (
        app.employee_token(&p["DEV"]),
        app.employee_token(&p["LEAD"]),
    );
    let mut requests = Vec::new();
    for _ in 0..50 {
        requests.push(ask(&app, &dev, 7_000).await["id"].clone());
    }
    let answers = at_once(&app, &lead, &requests).await;
    let mut approved = 0;
    for (status, problem) in answers {
        match status {
            200 => approved += 1,
            422 => assert_eq!(code(&problem), "budget_exceeded"),
            other => panic!("unexpected {other}: {problem}"),
        }
    }
    // 14 x 7000 = 98000 fits in 100000; a fifteenth would not.
    assert_eq!(approved, 14);
    let b = body(budget(&app, &dev, &p["DEV"]).await).await;
    assert_eq!(
        (b["reserved_minor"].clone(), b["available_minor"].clone()),
        (json!(98_000), json!(2_000))
    );
    // Concurrent decisions on one request: one wins, the others are told it changed.
    let last = ask(&app, &dev, 1_000).await["id"].clone();
    let answers = at_once(&app, &lead, &vec![last; 10]).await;
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(ok, 1, "{answers:?}");
    assert!(
        answers.iter().all(|(s, _)| [200, 409].contains(s)),
        "{answers:?}"
    );
    let b = body(budget(&app, &dev, &p["DEV"]).await).await;
    assert_eq!(b["available_minor"], 1_000);
}

#[tokio::test]
async fn budget_policies_come_a_page_at_a_time_by_year_and_level() {
    let app = TestApp::spawn().await;
    let p = setup(&app).await;
    for (level, year) in [(3, 2026), (1, 2027), (2, 2026), (1, 2026)] {
        assert_eq!(policy(&app, level, year, 100_000, 0).await.status(), 201);
    }
    let dev = app.employee_token(&p["DEV"]);
    let order: Vec<(Value, Value)> = app
        .all_pages("/api/v1/pd-budget-policies", &dev, 3)
        .await
        .iter()
        .map(|p| (p["fiscal_year"].clone(), p["job_level"].clone()))
        .collect();
    assert_eq!(
        order,
        [(2026, 1), (2026, 2), (2026, 3), (2027, 1)].map(|(y, l)| (json!(y), json!(l)))
    );
    let year = app
        .all_pages("/api/v1/pd-budget-policies?fiscal_year=2026", &dev, 2)
        .await;
    assert_eq!(year.len(), 3);

    let q = "query($after: String) { pdBudgetPolicies(first: 3, after: $after) { nodes { fiscalYear jobLevel } pageInfo { hasNextPage endCursor } } }";
    let first = app.gql(&dev, q, json!({})).await;
    let info = &first["data"]["pdBudgetPolicies"]["pageInfo"];
    assert_eq!(info["hasNextPage"], true, "{first}");
    let rest = app
        .gql(&dev, q, json!({ "after": info["endCursor"] }))
        .await;
    assert_eq!(
        rest["data"]["pdBudgetPolicies"]["nodes"],
        json!([{ "fiscalYear": 2027, "jobLevel": 1 }]),
        "{rest}"
    );
}
