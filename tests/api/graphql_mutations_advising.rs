//! Performance advising written over GraphQL: every mutation calls the service REST calls, so
//! the same parties may do the same things, and a payload shows each reader only their part
//! (a note to its author, a reflection to the client, advisor and supervisor). Refusals and
//! field errors never echo a note or a reflection.

use crate::helpers::{body, first_error, ids, payload, person, TestApp};
use learnwell_api::services::advising::NoteKeys;
use serde_json::{json, Value};
use std::collections::HashMap;

const KEY: &str = "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

const ENGAGEMENT: &str =
    "advisingEngagement { id state origin cadence cadenceDays startDate plannedEnd
    acknowledgedAt version focusAreas { id kind title } } userErrors { code field message }";

async fn app() -> TestApp {
    let keys = NoteKeys::try_from(vec![KEY.to_owned()]).expect("test key");
    TestApp::spawn_with(|s| s.advising.note_keys = keys).await
}

/// MGR manages CLIENT and PEER; ADV is a performance advisor.
struct World {
    p: HashMap<String, String>,
    client: String,
    advisor: String,
    supervisor: String,
    peer: String,
    hr: String,
}

async fn world(app: &TestApp) -> World {
    let p = ids(&app
        .sync(json!([
            person("MGR", None),
            person("CLIENT", Some("MGR")),
            person("PEER", Some("MGR")),
            person("ADV", None),
        ]))
        .await);
    World {
        client: app.employee_token(&p["CLIENT"]),
        advisor: app.token_for(
            "adv",
            &["employee", "performance_advisor"],
            &[],
            Some(&p["ADV"]),
        ),
        supervisor: app.employee_token(&p["MGR"]),
        peer: app.employee_token(&p["PEER"]),
        hr: app.hr(),
        p,
    }
}

fn pip(w: &World) -> Value {
    json!({
        "clientId": w.p["CLIENT"], "origin": "PIP", "advisorId": w.p["ADV"],
        "focusAreas": [
            { "kind": "TIME_MANAGEMENT", "expectations": "every customer answer within two working days" },
            { "kind": "CUSTOM", "title": "Handover notes", "expectations": "a note for every ticket passed on" }
        ],
        "startDate": "2026-01-05", "plannedEnd": "2026-03-31"
    })
}

async fn open(app: &TestApp, token: &str, input: Value) -> Value {
    let q = format!(
        "mutation($input: OpenAdvisingEngagementInput!) {{ openAdvisingEngagement(input: $input) {{ {ENGAGEMENT} }} }}"
    );
    let out = app.gql(token, &q, json!({ "input": input })).await;
    payload(&out, "openAdvisingEngagement").clone()
}

/// A mutation on an engagement by id, with its payload.
async fn on_engagement(app: &TestApp, token: &str, name: &str, args: &str, vars: Value) -> Value {
    let q = format!(
        "mutation($id: ID!{args}) {{ {name}(id: $id{}) {{ {ENGAGEMENT} }} }}",
        uses(args)
    );
    let out = app.gql(token, &q, vars).await;
    payload(&out, name).clone()
}

/// `, $input: X!` -> `, input: $input`.
fn uses(args: &str) -> String {
    args.split(',')
        .filter_map(|a| a.trim().split(':').next())
        .filter(|a| !a.is_empty())
        .map(|a| format!(", {}: {a}", a.trim_start_matches('$')))
        .collect()
}

/// A PIP opened by the supervisor, acknowledged by the client and activated by the advisor:
/// its id and focus-area ids.
async fn running(app: &TestApp, w: &World) -> (String, Vec<String>) {
    let e = open(app, &w.supervisor, pip(w)).await;
    let id = e["advisingEngagement"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let areas = e["advisingEngagement"]["focusAreas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect();
    let ack = on_engagement(
        app,
        &w.client,
        "acknowledgeAdvisingEngagement",
        "",
        json!({ "id": id }),
    )
    .await;
    assert!(
        ack["userErrors"].as_array().expect("errors").is_empty(),
        "{ack}"
    );
    let on = on_engagement(
        app,
        &w.advisor,
        "activateAdvisingEngagement",
        "",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(on["advisingEngagement"]["state"], "ACTIVE", "{on}");
    (id, areas)
}

#[tokio::test]
async fn an_engagement_is_opened_changed_at_a_version_acknowledged_run_extended_and_closed() {
    let app = app().await;
    let w = world(&app).await;

    // Only the client's manager (or hr_admin) opens a PIP; a peer is refused.
    let refused = open(&app, &w.peer, pip(&w)).await;
    assert!(refused["advisingEngagement"].is_null());
    assert_eq!(first_error(&refused).0, "forbidden", "{refused}");

    // Field errors name the input field, camel-cased, under `input`.
    let mut bad = pip(&w);
    bad["clientId"] = json!("not-an-id");
    let bad = open(&app, &w.supervisor, bad).await;
    assert_eq!(
        first_error(&bad),
        ("validation_failed", &json!(["input", "clientId"]))
    );
    let mut bad = pip(&w);
    bad["plannedEnd"] = json!("2025-12-01");
    let bad = open(&app, &w.supervisor, bad).await;
    assert_eq!(
        first_error(&bad),
        ("validation_failed", &json!(["input", "plannedEnd"])),
        "{bad}"
    );
    let mut bad = pip(&w);
    bad["focusAreas"][1]["expectations"] = json!("   ");
    let bad = open(&app, &w.supervisor, bad).await;
    assert_eq!(
        first_error(&bad).1,
        &json!(["input", "focusAreas", "1", "expectations"]),
        "{bad}"
    );

    let opened = open(&app, &w.supervisor, pip(&w)).await;
    let e = &opened["advisingEngagement"];
    assert_eq!(e["state"], "DRAFT", "{opened}");
    assert_eq!(e["origin"], "PIP");
    assert_eq!(e["cadence"], "WEEKLY");
    assert_eq!(e["cadenceDays"], 7);
    assert_eq!(e["startDate"], "2026-01-05");
    assert_eq!(e["focusAreas"][1]["kind"], "CUSTOM");
    let id = e["id"].as_str().expect("id").to_owned();
    let version = e["version"].as_i64().expect("version");

    // A change at the version read; the same version again is stale.
    let args = ", $version: Int!, $input: UpdateAdvisingEngagementInput!";
    let changed = on_engagement(
        &app,
        &w.advisor,
        "updateAdvisingEngagement",
        args,
        json!({ "id": id, "version": version, "input": { "cadence": "FORTNIGHTLY" } }),
    )
    .await;
    assert_eq!(
        changed["advisingEngagement"]["cadence"], "FORTNIGHTLY",
        "{changed}"
    );
    assert_eq!(changed["advisingEngagement"]["version"], version + 1);
    let stale = on_engagement(
        &app,
        &w.advisor,
        "updateAdvisingEngagement",
        args,
        json!({ "id": id, "version": version, "input": { "cadence": "WEEKLY" } }),
    )
    .await;
    assert!(stale["advisingEngagement"].is_null());
    assert_eq!(
        first_error(&stale),
        ("version_mismatch", &Value::Null),
        "{stale}"
    );
    // Who advises is HR's choice, not the advisor's.
    let people = on_engagement(
        &app,
        &w.advisor,
        "updateAdvisingEngagement",
        args,
        json!({ "id": id, "version": version + 1, "input": { "advisorId": null } }),
    )
    .await;
    assert_eq!(first_error(&people).0, "forbidden", "{people}");
    // Someone who takes no part does not learn that it exists.
    let hidden = on_engagement(
        &app,
        &w.peer,
        "activateAdvisingEngagement",
        "",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(first_error(&hidden).0, "not_found", "{hidden}");

    // A PIP runs only once acknowledged by its client.
    let early = on_engagement(
        &app,
        &w.advisor,
        "activateAdvisingEngagement",
        "",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(first_error(&early).0, "conflict", "{early}");
    let ack = on_engagement(
        &app,
        &w.advisor,
        "acknowledgeAdvisingEngagement",
        ", $input: AcknowledgeAdvisingEngagementInput!",
        json!({ "id": id, "input": { "comment": "understood" } }),
    )
    .await;
    assert_eq!(
        first_error(&ack).0,
        "forbidden",
        "only the client acknowledges"
    );
    let ack = on_engagement(
        &app,
        &w.client,
        "acknowledgeAdvisingEngagement",
        ", $input: AcknowledgeAdvisingEngagementInput!",
        json!({ "id": id, "input": { "comment": "understood" } }),
    )
    .await;
    assert!(
        ack["advisingEngagement"]["acknowledgedAt"].is_string(),
        "{ack}"
    );
    let on = on_engagement(
        &app,
        &w.supervisor,
        "activateAdvisingEngagement",
        "",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(on["advisingEngagement"]["state"], "ACTIVE", "{on}");

    // Extended with a reason; the client may not.
    let extend = ", $input: ExtendAdvisingEngagementInput!";
    let input = json!({ "plannedEnd": "2026-04-30", "reason": "two more weeks of handovers" });
    let refused = on_engagement(
        &app,
        &w.client,
        "extendAdvisingEngagement",
        extend,
        json!({ "id": id, "input": input }),
    )
    .await;
    assert_eq!(first_error(&refused).0, "forbidden", "{refused}");
    let longer = on_engagement(
        &app,
        &w.advisor,
        "extendAdvisingEngagement",
        extend,
        json!({ "id": id, "input": input }),
    )
    .await;
    assert_eq!(
        longer["advisingEngagement"]["state"], "EXTENDED",
        "{longer}"
    );
    assert_eq!(longer["advisingEngagement"]["plannedEnd"], "2026-04-30");

    // Closed with its outcome; the same engagement over REST.
    let closed = on_engagement(
        &app,
        &w.advisor,
        "closeAdvisingEngagement",
        ", $input: CloseAdvisingEngagementInput!",
        json!({ "id": id, "input": { "outcome": "COMPLETED_SUCCESSFUL", "summary": "met every expectation" } }),
    )
    .await;
    assert_eq!(
        closed["advisingEngagement"]["state"], "COMPLETED_SUCCESSFUL",
        "{closed}"
    );
    let rest = body(
        app.get(&format!("/api/v1/advising/engagements/{id}"), &w.hr)
            .await,
    )
    .await;
    assert_eq!(rest["state"], "completed_successful");
    assert_eq!(rest["closing_summary"], "met every expectation");
}

#[tokio::test]
async fn check_ins_ratings_reflections_notes_and_referrals_show_each_party_only_their_part() {
    let app = app().await;
    let w = world(&app).await;
    let (id, areas) = running(&app, &w).await;

    // Check-ins: the advisor or the supervisor, never the client; a day before the plan is a
    // field error.
    let hold = "mutation($id: ID!, $input: HoldAdvisingCheckInInput!) { holdAdvisingCheckIn(engagementId: $id, input: $input) {
        checkIn { id engagementId heldOn reflection ratings { rating } } userErrors { code field message } } }";
    let out = app
        .gql(
            &w.client,
            hold,
            json!({ "id": id, "input": { "heldOn": "2026-01-12" } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "holdAdvisingCheckIn")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &w.advisor,
            hold,
            json!({ "id": id, "input": { "heldOn": "2025-12-01" } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "holdAdvisingCheckIn")),
        ("validation_failed", &json!(["input", "heldOn"]))
    );
    let out = app
        .gql(
            &w.advisor,
            hold,
            json!({ "id": id, "input": { "heldOn": "2026-01-12", "sessionMinutes": 45 } }),
        )
        .await;
    let check_in = payload(&out, "holdAdvisingCheckIn")["checkIn"].clone();
    assert_eq!(check_in["heldOn"], "2026-01-12", "{out}");
    assert_eq!(check_in["engagementId"], id.as_str());
    let check_in = check_in["id"].as_str().expect("id").to_owned();

    // Ratings: the supervisor only.
    let rate = "mutation($id: ID!, $input: RateAdvisingCheckInInput!) { rateAdvisingCheckIn(checkInId: $id, input: $input) {
        checkIn { ratings { focusAreaId rating } } userErrors { code field message } } }";
    let ratings = json!({ "ratings": [ { "focusAreaId": areas[0], "rating": "PARTLY_MET" } ] });
    let out = app
        .gql(
            &w.advisor,
            rate,
            json!({ "id": check_in, "input": ratings }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "rateAdvisingCheckIn")).0,
        "forbidden"
    );
    let wrong = json!({ "ratings": [ { "focusAreaId": id, "rating": "MET" } ] });
    let out = app
        .gql(
            &w.supervisor,
            rate,
            json!({ "id": check_in, "input": wrong }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "rateAdvisingCheckIn")),
        (
            "validation_failed",
            &json!(["input", "ratings", "0", "focusAreaId"])
        )
    );
    let out = app
        .gql(
            &w.supervisor,
            rate,
            json!({ "id": check_in, "input": ratings }),
        )
        .await;
    assert_eq!(
        payload(&out, "rateAdvisingCheckIn")["checkIn"]["ratings"],
        json!([{ "focusAreaId": areas[0], "rating": "PARTLY_MET" }])
    );

    // The reflection: written by the client only; a refusal does not echo it.
    let reflection = format!("REFLECTION-SECRET-{}", uuid::Uuid::new_v4().simple());
    let reflect = "mutation($id: ID!, $input: AdvisingTextInput!) { writeAdvisingReflection(checkInId: $id, input: $input) {
        checkIn { reflection } userErrors { code field message } } }";
    for token in [&w.supervisor, &w.advisor, &w.hr, &w.peer] {
        let out = app
            .gql(
                token,
                reflect,
                json!({ "id": check_in, "input": { "text": reflection } }),
            )
            .await;
        let code = first_error(payload(&out, "writeAdvisingReflection")).0;
        assert!(code == "forbidden" || code == "not_found", "{out}");
        assert!(!out.to_string().contains(&reflection), "{out}");
    }
    let out = app
        .gql(
            &w.client,
            reflect,
            json!({ "id": check_in, "input": { "text": reflection } }),
        )
        .await;
    assert_eq!(
        payload(&out, "writeAdvisingReflection")["checkIn"]["reflection"],
        reflection.as_str()
    );

    // The advisor's note: written and answered to its author only; a refusal or a field
    // error never echoes it.
    let note = format!("NOTE-SECRET-{}", uuid::Uuid::new_v4().simple());
    let add = "mutation($id: ID!, $input: AdvisingTextInput!) { addAdvisorNote(checkInId: $id, input: $input) {
        note { id checkInId text } userErrors { code field message } } }";
    for token in [&w.client, &w.supervisor, &w.hr, &w.peer] {
        let out = app
            .gql(
                token,
                add,
                json!({ "id": check_in, "input": { "text": note } }),
            )
            .await;
        let p = payload(&out, "addAdvisorNote");
        assert!(p["note"].is_null());
        let code = first_error(p).0;
        assert!(code == "forbidden" || code == "not_found", "{out}");
        assert!(!out.to_string().contains(&note), "{out}");
    }
    let too_long = format!("{note}{}", "x".repeat(10_000));
    let out = app
        .gql(
            &w.advisor,
            add,
            json!({ "id": check_in, "input": { "text": too_long } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "addAdvisorNote")),
        ("validation_failed", &json!(["input", "text"]))
    );
    assert!(!out.to_string().contains(&note), "{out}");
    let out = app
        .gql(
            &w.advisor,
            add,
            json!({ "id": check_in, "input": { "text": format!("{note} seems overwhelmed") } }),
        )
        .await;
    let written = &payload(&out, "addAdvisorNote")["note"];
    assert_eq!(written["checkInId"], check_in.as_str());
    assert!(written["text"].as_str().expect("text").starts_with(&note));

    // A payload is cut like a query: hr_admin's change of the engagement shows no reflection
    // and no note, the supervisor's no note and no referral.
    let reader = "mutation($id: ID!, $input: ExtendAdvisingEngagementInput!) { extendAdvisingEngagement(id: $id, input: $input) {
        advisingEngagement { state checkIns { reflection } advisorNotes { text } referrals { target } }
        userErrors { code message } } }";
    let out = app
        .gql(
            &w.hr,
            reader,
            json!({ "id": id, "input": { "plannedEnd": "2026-04-15", "reason": "holidays" } }),
        )
        .await;
    let text = out.to_string();
    assert!(
        !text.contains(&note) && !text.contains(&reflection),
        "{out}"
    );
    assert_eq!(
        out["data"]["extendAdvisingEngagement"]["advisingEngagement"]["checkIns"][0]["reflection"],
        Value::Null,
        "{out}"
    );
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden", "{out}");
    assert_eq!(out["errors"][0]["path"][2], "advisorNotes", "{out}");
    let out = app
        .gql(
            &w.supervisor,
            reader,
            json!({ "id": id, "input": { "plannedEnd": "2026-04-30", "reason": "one more sprint" } }),
        )
        .await;
    assert!(!out.to_string().contains(&note), "{out}");
    let mut refused: Vec<&str> = out["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"][2].as_str())
        .collect();
    refused.sort_unstable();
    assert_eq!(refused, ["advisorNotes", "referrals"], "{out}");
    // The supervisor reads the reflection, as in a query.
    assert_eq!(
        out["data"]["extendAdvisingEngagement"]["advisingEngagement"]["checkIns"][0]["reflection"],
        reflection.as_str()
    );

    // Referrals: the advisor or hr_admin; the EAP gets no note.
    let refer = "mutation($id: ID!, $input: ReferAdvisingClientInput!) { referAdvisingClient(engagementId: $id, input: $input) {
        referral { target referredOn note } userErrors { code field message } } }";
    let out = app
        .gql(
            &w.supervisor,
            refer,
            json!({ "id": id, "input": { "target": "COACH" } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "referAdvisingClient")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &w.advisor,
            refer,
            json!({ "id": id, "input": { "target": "EAP", "note": "anything" } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "referAdvisingClient")),
        ("validation_failed", &json!(["input", "note"]))
    );
    let out = app
        .gql(
            &w.advisor,
            refer,
            json!({ "id": id, "input": { "target": "COACH", "referredOn": "2026-01-20", "note": "communication" } }),
        )
        .await;
    assert_eq!(
        payload(&out, "referAdvisingClient")["referral"],
        json!({ "target": "COACH", "referredOn": "2026-01-20", "note": "communication" })
    );
}
