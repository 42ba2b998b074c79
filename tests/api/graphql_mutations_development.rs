//! PD budgets, spend requests and mentoring written over GraphQL: each mutation calls the
//! service REST calls, refuses whom REST refuses (with the same code), and answers with the
//! engagement as the caller may see it (a manager approving sees no goals).

use crate::helpers::{first_error, ids, payload, person, TestApp};
use chrono::Datelike;
use learnwell_domain::development::ProfileKind;
use serde_json::{json, Value};
use std::collections::HashMap;

const SPEND: &str = "spendRequest { id category amountMinor currency state approvalsNeeded approvedBy actualAmountMinor } userErrors { code field message }";
const ENGAGEMENT: &str = "engagement { id kind state goals menteeFeedback sessions { minutes notes } } userErrors { code field message }";

/// The code a REST status stands for, for the refusals these tests meet.
fn code_of(status: u16) -> &'static str {
    match status {
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        _ => "unexpected",
    }
}

/// BOSS <- LEAD <- DEV (level 3); MENTOR, MENTOR2 and PEER elsewhere.
async fn people(app: &TestApp) -> HashMap<String, String> {
    ids(&app
        .sync(json!([
            person("BOSS", None),
            person("LEAD", Some("BOSS")),
            person("DEV", Some("LEAD")),
            person("MENTOR", None),
            person("MENTOR2", None),
            person("PEER", None),
        ]))
        .await)
}

async fn spend_action(app: &TestApp, token: &str, name: &str, id: &Value) -> Value {
    let q = format!("mutation($id: ID!) {{ {name}(id: $id) {{ {SPEND} }} }}");
    let out = app.gql(token, &q, json!({ "id": id })).await;
    payload(&out, name).clone()
}

#[tokio::test]
async fn pd_policies_and_spend_requests_are_written_over_graphql_by_whom_rest_allows() {
    let app = TestApp::spawn().await;
    let p = people(&app).await;
    let dev = app.employee_token(&p["DEV"]);
    let lead = app.employee_token(&p["LEAD"]);
    let peer = app.employee_token(&p["PEER"]);
    let year = chrono::Utc::now().year();

    let create = "mutation($input: CreatePdBudgetPolicyInput!) { createPdBudgetPolicy(input: $input) {
        policy { fiscalYear jobLevel amountMinor currency carryOverCapMinor } userErrors { code field message } } }";
    let input = json!({ "fiscalYear": year, "jobLevel": 3, "amountMinor": 100_000, "carryOverCapMinor": 20_000 });
    let out = app.gql(&dev, create, json!({ "input": input })).await;
    assert_eq!(
        first_error(payload(&out, "createPdBudgetPolicy")).0,
        "forbidden"
    );
    let bad = json!({ "fiscalYear": year, "jobLevel": 9, "amountMinor": 100_000 });
    let out = app.gql(&app.hr(), create, json!({ "input": bad })).await;
    assert_eq!(
        first_error(payload(&out, "createPdBudgetPolicy")),
        ("validation_failed", &json!(["input", "jobLevel"]))
    );
    let out = app.gql(&app.hr(), create, json!({ "input": input })).await;
    assert_eq!(
        payload(&out, "createPdBudgetPolicy")["policy"],
        json!({ "fiscalYear": year, "jobLevel": 3, "amountMinor": 100_000, "currency": "EUR", "carryOverCapMinor": 20_000 })
    );
    let out = app.gql(&app.hr(), create, json!({ "input": input })).await;
    assert_eq!(
        first_error(payload(&out, "createPdBudgetPolicy")).0,
        "duplicate"
    );

    // Asking: your own budget, at least 1, never more than is available.
    let ask = format!(
        "mutation($input: RequestPdSpendInput!) {{ requestPdSpend(input: $input) {{ {SPEND} }} }}"
    );
    let conference = |amount: i64| json!({ "input": { "category": "CONFERENCE", "amountMinor": amount, "description": "RustConf" } });
    let out = app.gql(&dev, &ask, conference(0)).await;
    assert_eq!(
        first_error(payload(&out, "requestPdSpend")),
        ("validation_failed", &json!(["input", "amountMinor"]))
    );
    let out = app.gql(&dev, &ask, conference(1_000_000)).await;
    assert_eq!(
        first_error(payload(&out, "requestPdSpend")).0,
        "budget_exceeded"
    );
    let out = app.gql(&dev, &ask, conference(30_000)).await;
    let request = payload(&out, "requestPdSpend")["spendRequest"].clone();
    assert_eq!(request["state"], "REQUESTED", "{out}");
    assert_eq!(request["category"], "CONFERENCE");
    assert_eq!(request["currency"], "EUR");
    let id = request["id"].clone();

    // Never approved by the person themselves; a stranger gets what REST answers.
    let own = spend_action(&app, &dev, "approvePdSpendRequest", &id).await;
    assert_eq!(first_error(&own).0, "forbidden", "{own}");
    let rest = app
        .post(
            &format!(
                "/api/v1/pd-spend-requests/{}:approve",
                id.as_str().expect("id")
            ),
            &peer,
            json!({}),
        )
        .await
        .status()
        .as_u16();
    let stranger = spend_action(&app, &peer, "approvePdSpendRequest", &id).await;
    assert_eq!(first_error(&stranger).0, code_of(rest), "{stranger}");
    let approved = spend_action(&app, &lead, "approvePdSpendRequest", &id).await;
    assert_eq!(approved["spendRequest"]["state"], "APPROVED", "{approved}");
    assert_eq!(
        approved["spendRequest"]["approvedBy"][0],
        format!("user-{}", p["LEAD"])
    );
    let again = spend_action(&app, &lead, "rejectPdSpendRequest", &id).await;
    assert_eq!(first_error(&again).0, "conflict", "{again}");

    // Spending settles the reservation: at most the amount.
    let settle = format!("mutation($id: ID!, $input: SettlePdSpendRequestInput!) {{ settlePdSpendRequest(id: $id, input: $input) {{ {SPEND} }} }}");
    let out = app
        .gql(
            &lead,
            &settle,
            json!({ "id": id, "input": { "actualAmountMinor": 25_000 } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "settlePdSpendRequest")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &dev,
            &settle,
            json!({ "id": id, "input": { "actualAmountMinor": 40_000 } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "settlePdSpendRequest")).1,
        &json!(["input", "actualAmountMinor"]),
        "{out}"
    );
    let out = app
        .gql(
            &dev,
            &settle,
            json!({ "id": id, "input": { "actualAmountMinor": 25_000 } }),
        )
        .await;
    let spent = &payload(&out, "settlePdSpendRequest")["spendRequest"];
    assert_eq!(spent["state"], "SPENT");
    assert_eq!(spent["actualAmountMinor"], 25_000);

    // Cancelled by the person; rejected by the manager.
    let out = app.gql(&dev, &ask, conference(10_000)).await;
    let second = payload(&out, "requestPdSpend")["spendRequest"]["id"].clone();
    let cancelled = spend_action(&app, &dev, "cancelPdSpendRequest", &second).await;
    assert_eq!(
        cancelled["spendRequest"]["state"], "CANCELLED",
        "{cancelled}"
    );
    let out = app.gql(&dev, &ask, conference(10_000)).await;
    let third = payload(&out, "requestPdSpend")["spendRequest"]["id"].clone();
    let rejected = spend_action(&app, &lead, "rejectPdSpendRequest", &third).await;
    assert_eq!(rejected["spendRequest"]["state"], "REJECTED", "{rejected}");
    let unknown = spend_action(&app, &lead, "cancelPdSpendRequest", &json!("nope")).await;
    assert_eq!(first_error(&unknown).0, "not_found");
}

async fn profile(app: &TestApp, token: &str, input: Value) -> Value {
    let q = "mutation($input: CreateMentorProfileInput!) { createMentorProfile(input: $input) {
        profile { id kind employeeId capacity freePlaces } userErrors { code field message } } }";
    let out = app.gql(token, q, json!({ "input": input })).await;
    payload(&out, "createMentorProfile").clone()
}

async fn request(app: &TestApp, token: &str) -> String {
    let q = "mutation($input: CreateMentoringRequestInput!) { createMentoringRequest(input: $input) {
        mentoringRequest { id kind goals preferredFormat state } userErrors { code field message } } }";
    let out = app
        .gql(
            token,
            q,
            json!({ "input": { "goals": "Write my first service in Rust", "preferredFormat": "REMOTE" } }),
        )
        .await;
    let r = &payload(&out, "createMentoringRequest")["mentoringRequest"];
    assert_eq!(r["kind"], "MENTOR", "{out}");
    assert_eq!(r["preferredFormat"], "REMOTE");
    assert_eq!(r["state"], "OPEN");
    r["id"].as_str().expect("id").to_owned()
}

async fn choose(app: &TestApp, token: &str, request: &str, profile: &Value) -> Value {
    let q = format!("mutation($id: ID!, $input: ChooseMentorInput!) {{ chooseMentor(requestId: $id, input: $input) {{ {ENGAGEMENT} }} }}");
    let out = app
        .gql(
            token,
            &q,
            json!({ "id": request, "input": { "profileId": profile } }),
        )
        .await;
    payload(&out, "chooseMentor").clone()
}

async fn on_engagement(app: &TestApp, token: &str, name: &str, id: &Value) -> Value {
    let q = format!("mutation($id: ID!) {{ {name}(id: $id) {{ {ENGAGEMENT} }} }}");
    let out = app.gql(token, &q, json!({ "id": id })).await;
    payload(&out, name).clone()
}

#[tokio::test]
async fn a_mentee_asks_chooses_and_meets_a_mentor_over_graphql() {
    let app = TestApp::spawn().await;
    let p = people(&app).await;
    let dev = app.employee_token(&p["DEV"]);
    let mentor = app.employee_token(&p["MENTOR"]);
    let lead = app.employee_token(&p["LEAD"]);
    let peer = app.employee_token(&p["PEER"]);

    // A profile: your own (or any as hr_admin / ld_admin).
    let own = json!({ "kind": "MENTOR", "employeeId": p["MENTOR"], "capacity": 2 });
    let out = profile(&app, &peer, own.clone()).await;
    assert_eq!(first_error(&out).0, "forbidden", "{out}");
    let mut bad = own.clone();
    bad["capacity"] = json!(0);
    let out = profile(&app, &mentor, bad).await;
    assert_eq!(
        first_error(&out),
        ("validation_failed", &json!(["input", "capacity"]))
    );
    let out = profile(&app, &mentor, own).await;
    assert_eq!(out["profile"]["kind"], "MENTOR", "{out}");
    assert_eq!(out["profile"]["freePlaces"], 2);
    let profile_id = out["profile"]["id"].clone();

    // A request for yourself; a skill that is no id is a field error.
    let q =
        "mutation($input: CreateMentoringRequestInput!) { createMentoringRequest(input: $input) {
        mentoringRequest { id } userErrors { code field message } } }";
    let input = json!({ "input": { "goals": "Rust", "skills": ["nope"] } });
    let out = app.gql(&dev, q, input).await;
    assert_eq!(
        first_error(payload(&out, "createMentoringRequest")),
        ("validation_failed", &json!(["input", "skills", "0"]))
    );
    let req = request(&app, &dev).await;

    // Only the mentee picks; a profile id that is no id is a field error.
    let out = choose(&app, &lead, &req, &profile_id).await;
    assert!(out["engagement"].is_null());
    let rest = app
        .post(
            &format!("/api/v1/mentoring-requests/{req}:choose"),
            &lead,
            json!({ "profile_id": profile_id }),
        )
        .await
        .status()
        .as_u16();
    assert_eq!(first_error(&out).0, code_of(rest), "{out}");
    let out = choose(&app, &dev, &req, &json!("nope")).await;
    assert_eq!(
        first_error(&out),
        ("validation_failed", &json!(["input", "profileId"]))
    );
    let out = choose(&app, &dev, &req, &profile_id).await;
    let e = &out["engagement"];
    assert_eq!(e["state"], "PROPOSED", "{out}");
    assert_eq!(e["kind"], "MENTOR");
    assert_eq!(e["goals"], "Write my first service in Rust");
    let id = e["id"].clone();

    // The mentor answers, never the mentee.
    let out = on_engagement(&app, &dev, "acceptMentoringEngagement", &id).await;
    assert_eq!(first_error(&out).0, "forbidden", "{out}");
    let out = on_engagement(&app, &mentor, "acceptMentoringEngagement", &id).await;
    assert_eq!(out["engagement"]["state"], "ACTIVE", "{out}");

    // Sessions: the participants; private notes for them only.
    let session = "mutation($id: ID!, $input: LogMentoringSessionInput!) { logMentoringSession(engagementId: $id, input: $input) {
        session { date minutes inWorkTime notes timeEntryId } userErrors { code field message } } }";
    let today = chrono::Utc::now().date_naive().to_string();
    let notes = format!("SESSION-SECRET-{}", uuid::Uuid::new_v4().simple());
    let input = json!({ "date": today, "minutes": 45, "notes": notes });
    let out = app
        .gql(&lead, session, json!({ "id": id, "input": input }))
        .await;
    assert_eq!(
        first_error(payload(&out, "logMentoringSession")).0,
        "forbidden"
    );
    assert!(!out.to_string().contains(&notes), "{out}");
    let out = app
        .gql(
            &mentor,
            session,
            json!({ "id": id, "input": { "date": today, "minutes": 0 } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "logMentoringSession")),
        ("validation_failed", &json!(["input", "minutes"]))
    );
    let out = app
        .gql(&mentor, session, json!({ "id": id, "input": input }))
        .await;
    let s = &payload(&out, "logMentoringSession")["session"];
    assert_eq!(s["minutes"], 45, "{out}");
    assert_eq!(s["inWorkTime"], true);
    assert_eq!(s["notes"], notes.as_str());
    assert!(s["timeEntryId"].is_string());

    // Closing with feedback frees the place.
    let close = format!("mutation($id: ID!, $input: CloseMentoringEngagementInput!) {{ closeMentoringEngagement(id: $id, input: $input) {{ {ENGAGEMENT} }} }}");
    let out = app
        .gql(
            &lead,
            &close,
            json!({ "id": id, "input": { "feedback": "done" } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "closeMentoringEngagement")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &dev,
            &close,
            json!({ "id": id, "input": { "feedback": "I shipped it" } }),
        )
        .await;
    let closed = &payload(&out, "closeMentoringEngagement")["engagement"];
    assert_eq!(closed["state"], "CLOSED", "{out}");
    assert_eq!(closed["menteeFeedback"], "I shipped it");
    assert_eq!(closed["sessions"][0]["notes"], notes.as_str());
}

/// `development.manager_approves = ["mentor"]`: the manager approves or rejects first, and
/// sees the engagement as managers do (no goals, no notes).
#[tokio::test]
async fn a_manager_approves_or_rejects_over_graphql_and_sees_no_goals() {
    let app =
        TestApp::spawn_with(|s| s.development.manager_approves = vec![ProfileKind::Mentor]).await;
    let p = people(&app).await;
    let dev = app.employee_token(&p["DEV"]);
    let lead = app.employee_token(&p["LEAD"]);
    let mentor = app.employee_token(&p["MENTOR"]);
    let first = profile(
        &app,
        &mentor,
        json!({ "kind": "MENTOR", "employeeId": p["MENTOR"] }),
    )
    .await;
    let first = first["profile"]["id"].clone();
    let second = profile(
        &app,
        &app.employee_token(&p["MENTOR2"]),
        json!({ "kind": "MENTOR", "employeeId": p["MENTOR2"] }),
    )
    .await;
    let second = second["profile"]["id"].clone();
    let req = request(&app, &dev).await;
    let one = choose(&app, &dev, &req, &first).await;
    assert_eq!(one["engagement"]["state"], "PENDING_APPROVAL", "{one}");
    let one = one["engagement"]["id"].clone();
    let two = choose(&app, &dev, &req, &second).await["engagement"]["id"].clone();

    let out = on_engagement(&app, &mentor, "acceptMentoringEngagement", &one).await;
    assert_eq!(first_error(&out).0, "conflict", "not yet approved: {out}");
    let out = on_engagement(&app, &dev, "approveMentoringEngagement", &one).await;
    assert_eq!(first_error(&out).0, "forbidden", "never the mentee: {out}");
    let out = on_engagement(&app, &lead, "approveMentoringEngagement", &one).await;
    assert_eq!(out["engagement"]["state"], "PROPOSED", "{out}");
    assert_eq!(out["engagement"]["goals"], Value::Null, "{out}");
    assert!(!out.to_string().contains("Write my first service"), "{out}");
    let out = on_engagement(&app, &app.hr(), "rejectMentoringEngagement", &two).await;
    assert_eq!(out["engagement"]["state"], "REJECTED", "{out}");
    let out = on_engagement(&app, &mentor, "declineMentoringEngagement", &one).await;
    assert_eq!(out["engagement"]["state"], "DECLINED", "{out}");
    assert_eq!(out["engagement"]["goals"], "Write my first service in Rust");
}
