//! Writes over GraphQL: each mutation calls the service REST calls, so the same people may do the
//! same things, and answers a payload with the changed object and `userErrors`.

use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};

const LOG: &str = "mutation($input: LogTimeInput!) { logTime(input: $input) {
    timeEntry { id employeeId date minutes category approval version }
    userErrors { code field message } } }";

fn payload<'a>(out: &'a Value, name: &str) -> &'a Value {
    assert!(out.get("errors").is_none(), "{out}");
    &out["data"][name]
}

#[tokio::test]
async fn time_entries_are_logged_changed_and_approved_over_graphql_with_user_errors() {
    let app = TestApp::spawn().await;
    let people = ids(&app
        .sync(json!([person("LEAD", None), person("REP", Some("LEAD"))]))
        .await);
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let rep = app.employee_token(&people["REP"]);
    let lead = app.employee_token(&people["LEAD"]);

    // A policy over GraphQL (ld_admin only), with approval above two hours.
    let create = "mutation($input: CreateLearningTimePolicyInput!) { createLearningTimePolicy(input: $input) {
        policy { id scope period sharePercent effectiveFrom version protectedSlot { weekday start end } }
        userErrors { code field message } } }";
    let input = json!({ "name": "A day a fortnight", "sharePercent": 10, "period": "MONTH",
        "approvalThresholdMinutes": 120, "effectiveFrom": "2026-01-01",
        "protectedSlot": { "weekday": "THU", "start": "13:00", "end": "17:00" } });
    let refused = app.gql(&rep, create, json!({ "input": input })).await;
    let refused = payload(&refused, "createLearningTimePolicy");
    assert!(refused["policy"].is_null());
    assert_eq!(refused["userErrors"][0]["code"], "forbidden");
    let out = app.gql(&ld, create, json!({ "input": input })).await;
    let policy = &payload(&out, "createLearningTimePolicy")["policy"];
    assert_eq!(policy["scope"], "ORGANISATION");
    assert_eq!(policy["period"], "MONTH");
    assert_eq!(policy["protectedSlot"]["weekday"], "THU");
    assert_eq!(policy["effectiveFrom"], "2026-01-01");

    // Field errors name the input field, camel-cased, under `input`.
    let bad = app
        .gql(
            &rep,
            LOG,
            json!({ "input": { "date": "2026-03-02", "minutes": 0, "category": "ASSIGNED" } }),
        )
        .await;
    let bad = payload(&bad, "logTime");
    assert!(bad["timeEntry"].is_null());
    assert_eq!(bad["userErrors"][0]["code"], "validation_failed");
    assert_eq!(bad["userErrors"][0]["field"], json!(["input", "minutes"]));
    // An enum value that does not exist is refused by the schema before anything runs.
    let unknown = app
        .gql(
            &rep,
            LOG,
            json!({ "input": { "date": "2026-03-02", "minutes": 30, "category": "NAPPING" } }),
        )
        .await;
    assert!(
        unknown["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("NAPPING"),
        "{unknown}"
    );

    // Three hours need the manager's approval.
    let out = app
        .gql(&rep, LOG, json!({ "input": { "date": "2026-03-02", "minutes": 180, "category": "EXPLORATORY", "inWorkTime": true } }))
        .await;
    let entry = payload(&out, "logTime")["timeEntry"].clone();
    assert_eq!(entry["approval"], "PENDING");
    assert_eq!(entry["category"], "EXPLORATORY");
    assert_eq!(entry["employeeId"], people["REP"]);
    // The same entry over REST: one service behind both.
    let rest = body(
        app.get(
            &format!("/api/v1/time-entries/{}", entry["id"].as_str().unwrap()),
            &rep,
        )
        .await,
    )
    .await;
    assert_eq!(rest["minutes"], 180);

    // Optimistic concurrency: a stale version is `version_mismatch`.
    let edit = "mutation($id: ID!, $version: Int!, $input: EditTimeEntryInput!) { editTimeEntry(id: $id, version: $version, input: $input) {
        timeEntry { minutes version } userErrors { code field message } } }";
    let out = app
        .gql(
            &rep,
            edit,
            json!({ "id": entry["id"], "version": 1, "input": { "minutes": 150 } }),
        )
        .await;
    let edited = payload(&out, "editTimeEntry");
    assert_eq!(edited["timeEntry"]["version"], 2, "{out}");
    let stale = app
        .gql(
            &rep,
            edit,
            json!({ "id": entry["id"], "version": 1, "input": { "minutes": 140 } }),
        )
        .await;
    let stale = payload(&stale, "editTimeEntry");
    assert_eq!(stale["userErrors"][0]["code"], "version_mismatch");
    assert!(stale["userErrors"][0]["field"].is_null());

    // The person never approves their own time; their manager does.
    let approve = "mutation($id: ID!) { approveTimeEntry(id: $id) { timeEntry { approval } userErrors { code message } } }";
    let own = app.gql(&rep, approve, json!({ "id": entry["id"] })).await;
    assert_eq!(
        payload(&own, "approveTimeEntry")["userErrors"][0]["code"],
        "forbidden"
    );
    let out = app.gql(&lead, approve, json!({ "id": entry["id"] })).await;
    assert_eq!(
        payload(&out, "approveTimeEntry")["timeEntry"]["approval"],
        "APPROVED"
    );
    // An id that names nothing is `not_found`, not a crash.
    let missing = app.gql(&lead, approve, json!({ "id": "nope" })).await;
    assert_eq!(
        payload(&missing, "approveTimeEntry")["userErrors"][0]["code"],
        "not_found"
    );

    // Ending the policy takes the version read.
    let end = "mutation($id: ID!, $version: Int!, $to: Date!) { endLearningTimePolicy(id: $id, version: $version, effectiveTo: $to) {
        policy { effectiveTo version } userErrors { code } } }";
    let out = app
        .gql(
            &ld,
            end,
            json!({ "id": policy["id"], "version": 1, "to": "2099-12-31" }),
        )
        .await;
    assert_eq!(
        payload(&out, "endLearningTimePolicy")["policy"]["effectiveTo"],
        "2099-12-31"
    );
    let bad_date = app
        .gql(
            &ld,
            end,
            json!({ "id": policy["id"], "version": 2, "to": "31/12/2099" }),
        )
        .await;
    assert!(
        bad_date["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD"),
        "{bad_date}"
    );
}

#[tokio::test]
async fn a_mutation_without_a_token_is_a_top_level_unauthenticated_error() {
    let app = TestApp::spawn().await;
    let res = app
        .request(
            reqwest::Method::POST,
            "/graphql",
            None,
            Some(json!({ "query": "mutation { approveTimeEntry(id: \"x\") { userErrors { code } } }" })),
        )
        .await;
    assert_eq!(res.status(), 401);
}
