//! The leadership pipeline written over GraphQL: programmes, cohorts, memberships through their
//! steps, reflections (whose text no payload carries), readiness and 9-box reviews, positions,
//! slates and placements. Each mutation calls the service REST calls and refuses whom it
//! refuses; refusals never echo a reflection or a rationale.

use crate::helpers::{body, first_error, ids, payload, person, TestApp};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;

const MEMBERSHIP: &str =
    "membership { id state selfNominated admittedOn graduatedOn outcome ambassador }
    userErrors { code field message }";

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

/// BOSS <- MGR <- G1, G2, G3 (level 3); LEAD leads the programme; PEER elsewhere; all in OPS.
struct World {
    p: HashMap<String, String>,
    ops: String,
    ld: String,
    hr: String,
}

impl World {
    fn token(&self, app: &TestApp, who: &str) -> String {
        app.employee_token(&self.p[who])
    }
}

async fn world(app: &TestApp) -> World {
    let ops = app.unit("Operations", "OPS", None).await;
    let mut records = Vec::new();
    for (ext, manager) in [
        ("BOSS", None),
        ("MGR", Some("BOSS")),
        ("G1", Some("MGR")),
        ("G2", Some("MGR")),
        ("G3", Some("MGR")),
        ("LEAD", None),
        ("PEER", None),
    ] {
        let mut r = person(ext, manager);
        r["org_unit_id"] = json!(ops);
        records.push(r);
    }
    let p = ids(&app.sync(json!(records)).await);
    World {
        p,
        ops,
        ld: app.token_for("ld-admin", &["ld_admin"], &[], None),
        hr: app.hr(),
    }
}

async fn programme(app: &TestApp, token: &str, input: Value) -> Value {
    let q = "mutation($input: CreatePipelineProgrammeInput!) { createPipelineProgramme(input: $input) {
        programme { id name leadId targetLevelMin targetLevelMax } userErrors { code field message } } }";
    let out = app.gql(token, q, json!({ "input": input })).await;
    payload(&out, "createPipelineProgramme").clone()
}

async fn cohort(app: &TestApp, token: &str, programme: &str, capacity: i64) -> Value {
    let q = "mutation($id: ID!, $input: CreatePipelineCohortInput!) { createPipelineCohort(programmeId: $id, input: $input) {
        cohort { id programmeId state startsOn endsOn capacity seatsTaken } userErrors { code field message } } }";
    let input =
        json!({ "name": "2026", "startsOn": day(-30), "endsOn": day(30), "capacity": capacity });
    let out = app
        .gql(token, q, json!({ "id": programme, "input": input }))
        .await;
    payload(&out, "createPipelineCohort").clone()
}

/// A programme led by LEAD and a running cohort: the cohort's id.
async fn running_cohort(app: &TestApp, w: &World) -> String {
    let input = json!({ "name": "Emerging Leaders", "leadId": w.p["LEAD"], "targetLevelMin": 4, "targetLevelMax": 6 });
    let p = programme(app, &w.ld, input).await;
    let id = p["programme"]["id"].as_str().expect("id").to_owned();
    let c = cohort(app, &w.ld, &id, 10).await;
    c["cohort"]["id"].as_str().expect("id").to_owned()
}

async fn nominate(app: &TestApp, token: &str, cohort: &str, who: Option<&str>) -> Value {
    let q = format!("mutation($id: ID!, $input: NominateForPipelineCohortInput!) {{ nominateForPipelineCohort(cohortId: $id, input: $input) {{ {MEMBERSHIP} }} }}");
    let out = app
        .gql(
            token,
            &q,
            json!({ "id": cohort, "input": { "employeeId": who } }),
        )
        .await;
    payload(&out, "nominateForPipelineCohort").clone()
}

async fn step(app: &TestApp, token: &str, name: &str, id: &Value, input: Option<Value>) -> Value {
    let q = match input {
        Some(_) => format!("mutation($id: ID!, $input: {}!) {{ {name}(id: $id, input: $input) {{ {MEMBERSHIP} }} }}",
            if name == "markPipelineAlumni" { "MarkPipelineAlumniInput" } else { "PipelineDateInput" }),
        None => format!("mutation($id: ID!) {{ {name}(id: $id) {{ {MEMBERSHIP} }} }}"),
    };
    let out = app
        .gql(token, &q, json!({ "id": id, "input": input }))
        .await;
    payload(&out, name).clone()
}

/// `who` nominated by MGR, admitted, started and graduated: the membership id.
async fn graduate(app: &TestApp, w: &World, cohort: &str, who: &str) -> Value {
    let m = nominate(app, &w.token(app, "MGR"), cohort, Some(&w.p[who])).await;
    let id = m["membership"]["id"].clone();
    let lead = w.token(app, "LEAD");
    for name in ["admitPipelineMembership", "startPipelineMembership"] {
        let out = step(app, &lead, name, &id, None).await;
        assert!(
            out["userErrors"].as_array().expect("errors").is_empty(),
            "{out}"
        );
    }
    let out = step(app, &lead, "graduatePipelineMembership", &id, None).await;
    assert_eq!(out["membership"]["state"], "GRADUATED", "{out}");
    id
}

#[tokio::test]
async fn programmes_cohorts_and_memberships_move_through_their_steps_over_graphql() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let peer = w.token(&app, "PEER");
    let lead = w.token(&app, "LEAD");
    let g1 = w.token(&app, "G1");

    // Programmes and cohorts: ld_admin.
    let input = json!({ "name": "Emerging Leaders", "leadId": w.p["LEAD"], "targetLevelMin": 4, "targetLevelMax": 6 });
    let out = programme(&app, &peer, input.clone()).await;
    assert_eq!(first_error(&out).0, "forbidden", "{out}");
    let mut bad = input.clone();
    bad["leadId"] = json!("nobody");
    let out = programme(&app, &w.ld, bad).await;
    assert_eq!(
        first_error(&out),
        ("validation_failed", &json!(["input", "leadId"]))
    );
    let out = programme(&app, &w.ld, input).await;
    assert_eq!(out["programme"]["leadId"], w.p["LEAD"].as_str(), "{out}");
    let programme_id = out["programme"]["id"].as_str().expect("id").to_owned();
    let out = cohort(&app, &peer, &programme_id, 10).await;
    assert_eq!(first_error(&out).0, "forbidden");
    let out = cohort(&app, &w.ld, &programme_id, 0).await;
    assert_eq!(
        first_error(&out),
        ("validation_failed", &json!(["input", "capacity"]))
    );
    let out = cohort(&app, &w.ld, &programme_id, 10).await;
    let c = &out["cohort"];
    assert_eq!(c["state"], "RUNNING", "{out}");
    assert_eq!(c["startsOn"], day(-30));
    let cohort_id = c["id"].as_str().expect("id").to_owned();

    // Nominations: yourself or a report.
    let out = nominate(&app, &g1, &cohort_id, None).await;
    assert_eq!(out["membership"]["state"], "NOMINATED", "{out}");
    assert_eq!(out["membership"]["selfNominated"], true);
    let id = out["membership"]["id"].clone();
    let out = nominate(&app, &g1, &cohort_id, None).await;
    assert_eq!(first_error(&out).0, "duplicate", "{out}");
    let out = nominate(&app, &peer, &cohort_id, Some(&w.p["G2"])).await;
    assert_eq!(first_error(&out).0, "forbidden", "{out}");
    let out = nominate(&app, &g1, &cohort_id, Some("nope")).await;
    assert_eq!(
        first_error(&out),
        ("validation_failed", &json!(["input", "employeeId"]))
    );
    let out = nominate(&app, &w.token(&app, "MGR"), &cohort_id, Some(&w.p["G2"])).await;
    assert_eq!(out["membership"]["selfNominated"], false, "{out}");
    let second = out["membership"]["id"].clone();

    // The lead admits and starts; the member may not admit themselves.
    let out = step(&app, &g1, "admitPipelineMembership", &id, None).await;
    assert_eq!(first_error(&out).0, "forbidden", "{out}");
    let out = step(&app, &lead, "admitPipelineMembership", &id, None).await;
    assert_eq!(out["membership"]["state"], "ADMITTED", "{out}");
    assert_eq!(out["membership"]["admittedOn"], day(0));
    let out = step(&app, &lead, "startPipelineMembership", &id, None).await;
    assert_eq!(out["membership"]["state"], "ACTIVE", "{out}");

    // The reflection: the member writes it; no payload and no refusal carries its text.
    let text = format!("REFLECTION-SECRET-{}", uuid::Uuid::new_v4().simple());
    let write = "mutation($id: ID!, $input: WritePipelineReflectionInput!) { writePipelineReflection(membershipId: $id, input: $input) {
        reflection { membershipId discussedOn updatedAt } userErrors { code field message } } }";
    for token in [&lead, &peer, &w.hr, &w.ld] {
        let out = app
            .gql(token, write, json!({ "id": id, "input": { "text": text } }))
            .await;
        let code = first_error(payload(&out, "writePipelineReflection")).0;
        assert!(code == "forbidden" || code == "not_found", "{out}");
        assert!(!out.to_string().contains(&text), "{out}");
    }
    let out = app
        .gql(&g1, write, json!({ "id": id, "input": { "text": " " } }))
        .await;
    assert_eq!(
        first_error(payload(&out, "writePipelineReflection")),
        ("validation_failed", &json!(["input", "text"]))
    );
    let out = app
        .gql(&g1, write, json!({ "id": id, "input": { "text": text } }))
        .await;
    let saved = &payload(&out, "writePipelineReflection")["reflection"];
    assert_eq!(saved["membershipId"], id, "{out}");
    assert_eq!(saved["discussedOn"], Value::Null);
    assert!(!out.to_string().contains(&text), "{out}");
    // The lead records the discussion; the member may not.
    let discussed = "mutation($id: ID!) { markPipelineReflectionDiscussed(membershipId: $id) { membershipId userErrors { code message } } }";
    let out = app.gql(&g1, discussed, json!({ "id": id })).await;
    assert_eq!(
        first_error(payload(&out, "markPipelineReflectionDiscussed")).0,
        "forbidden"
    );
    let out = app.gql(&lead, discussed, json!({ "id": id })).await;
    assert_eq!(
        payload(&out, "markPipelineReflectionDiscussed")["membershipId"],
        id
    );
    let rest = body(
        app.get(
            &format!(
                "/api/v1/pipeline/memberships/{}/reflection",
                id.as_str().expect("id")
            ),
            &lead,
        )
        .await,
    )
    .await;
    assert_eq!(rest["text"], text.as_str());
    assert_eq!(rest["discussed_on"], day(0));

    // Graduating: never in the future; the member may withdraw before.
    let out = step(
        &app,
        &lead,
        "graduatePipelineMembership",
        &id,
        Some(json!({ "on": day(3) })),
    )
    .await;
    assert!(out["membership"].is_null(), "{out}");
    assert_eq!(
        first_error(&out),
        ("validation_failed", &json!(["input", "on"])),
        "{out}"
    );
    let out = step(
        &app,
        &lead,
        "graduatePipelineMembership",
        &id,
        Some(json!({})),
    )
    .await;
    assert_eq!(out["membership"]["state"], "GRADUATED", "{out}");
    let out = step(
        &app,
        &w.token(&app, "G2"),
        "withdrawPipelineMembership",
        &second,
        None,
    )
    .await;
    assert_eq!(out["membership"]["state"], "WITHDRAWN", "{out}");

    // A waiting graduate moves on with help: hr_admin only.
    let out = step(
        &app,
        &lead,
        "markPipelineAlumni",
        &id,
        Some(json!({ "ambassador": true })),
    )
    .await;
    assert_eq!(first_error(&out).0, "forbidden", "{out}");
    let out = step(
        &app,
        &w.hr,
        "markPipelineAlumni",
        &id,
        Some(json!({ "ambassador": true })),
    )
    .await;
    assert_eq!(out["membership"]["outcome"], "ALUMNI", "{out}");
    assert_eq!(out["membership"]["ambassador"], true);
}

#[tokio::test]
async fn readiness_reviews_positions_slates_and_placements_are_written_over_graphql() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let peer = w.token(&app, "PEER");
    let mgr = w.token(&app, "MGR");
    let g1 = &w.p["G1"];

    // Readiness: hr_admin, ld_admin or a manager; a refusal never echoes the rationale.
    let assess = "mutation($id: ID!, $input: RecordReadinessAssessmentInput!) { recordReadinessAssessment(employeeId: $id, input: $input) {
        readinessAssessment { employeeId readiness assessorId assessedOn rationale } userErrors { code field message } } }";
    let rationale = format!("RATIONALE-SECRET-{}", uuid::Uuid::new_v4().simple());
    let input = json!({ "readiness": "READY_NOW", "rationale": rationale });
    for token in [&peer, &w.token(&app, "G2"), &w.token(&app, "G1")] {
        let out = app
            .gql(token, assess, json!({ "id": g1, "input": input }))
            .await;
        let code = first_error(payload(&out, "recordReadinessAssessment")).0;
        assert!(code == "forbidden" || code == "not_found", "{out}");
        assert!(!out.to_string().contains(&rationale), "{out}");
    }
    let future = json!({ "readiness": "READY_NOW", "assessedOn": day(2), "rationale": rationale });
    let out = app
        .gql(&mgr, assess, json!({ "id": g1, "input": future }))
        .await;
    assert_eq!(
        first_error(payload(&out, "recordReadinessAssessment")),
        ("validation_failed", &json!(["input", "assessedOn"]))
    );
    assert!(!out.to_string().contains(&rationale), "{out}");
    let out = app
        .gql(&mgr, assess, json!({ "id": g1, "input": input }))
        .await;
    let a = &payload(&out, "recordReadinessAssessment")["readinessAssessment"];
    assert_eq!(a["readiness"], "READY_NOW", "{out}");
    assert_eq!(a["assessorId"], w.p["MGR"].as_str());
    assert_eq!(a["assessedOn"], day(0));
    assert_eq!(a["rationale"], rationale.as_str(), "its assessor reads it");

    // 9-box reviews: hr_admin only.
    let review = "mutation($id: ID!, $input: RecordTalentReviewInput!) { recordTalentReview(employeeId: $id, input: $input) {
        talentReview { employeeId performance potential nineBox reviewedOn } userErrors { code field message } } }";
    for token in [&mgr, &peer, &w.ld] {
        let out = app
            .gql(
                token,
                review,
                json!({ "id": g1, "input": { "performance": 3, "potential": 2 } }),
            )
            .await;
        let p = payload(&out, "recordTalentReview");
        assert!(p["talentReview"].is_null(), "{out}");
        let code = first_error(p).0;
        assert!(code == "forbidden" || code == "not_found", "{out}");
    }
    let out = app
        .gql(
            &w.hr,
            review,
            json!({ "id": g1, "input": { "performance": 4, "potential": 2, "assessorId": w.p["BOSS"] } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "recordTalentReview")),
        ("validation_failed", &json!(["input", "performance"]))
    );
    let out = app
        .gql(
            &w.hr,
            review,
            json!({ "id": g1, "input": { "performance": 3, "potential": 2, "assessorId": w.p["BOSS"] } }),
        )
        .await;
    let r = &payload(&out, "recordTalentReview")["talentReview"];
    assert_eq!(
        (r["performance"].clone(), r["potential"].clone()),
        (json!(3), json!(2)),
        "{out}"
    );
    assert_eq!(r["reviewedOn"], day(0));

    // Positions and slates: hr_admin.
    let create =
        "mutation($input: CreatePipelinePositionInput!) { createPipelinePosition(input: $input) {
        position { id title level status incumbentSince } userErrors { code field message } } }";
    let input = json!({ "title": "Head of Support", "orgUnitId": w.ops, "level": 5 });
    let out = app.gql(&w.ld, create, json!({ "input": input })).await;
    assert_eq!(
        first_error(payload(&out, "createPipelinePosition")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &w.hr,
            create,
            json!({ "input": { "title": "Head of Support", "orgUnitId": w.ops, "level": 0 } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "createPipelinePosition")),
        ("validation_failed", &json!(["input", "level"]))
    );
    let out = app.gql(&w.hr, create, json!({ "input": input })).await;
    let position = &payload(&out, "createPipelinePosition")["position"];
    assert_eq!(position["status"], "OPEN", "{out}");
    let position = position["id"].as_str().expect("id").to_owned();
    let slate = "mutation($id: ID!, $input: SetPipelineSlateInput!) { setPipelineSlate(positionId: $id, input: $input) {
        slate { rank readiness assessedOn candidate { id } } userErrors { code field message } } }";
    let out = app
        .gql(
            &w.ld,
            slate,
            json!({ "id": position, "input": { "candidates": [g1] } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "setPipelineSlate")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &w.hr,
            slate,
            json!({ "id": position, "input": { "candidates": [g1, "nope"] } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "setPipelineSlate")),
        ("validation_failed", &json!(["input", "candidates", "1"]))
    );
    let out = app
        .gql(
            &w.hr,
            slate,
            json!({ "id": position, "input": { "candidates": [g1] } }),
        )
        .await;
    assert_eq!(
        payload(&out, "setPipelineSlate")["slate"],
        json!([{ "rank": 1, "readiness": "READY_NOW", "assessedOn": day(0), "candidate": { "id": g1 } }])
    );

    // A waiting graduate placed into the open position: hr_admin.
    let c = running_cohort(&app, &w).await;
    let membership = graduate(&app, &w, &c, "G1").await;
    let place = "mutation($input: PlacePipelineGraduateInput!) { placePipelineGraduate(input: $input) {
        placement { membershipId employeeId positionId placedOn roleGrown } userErrors { code field message } } }";
    let input = json!({ "membershipId": membership, "positionId": position });
    let out = app.gql(&w.ld, place, json!({ "input": input })).await;
    assert_eq!(
        first_error(payload(&out, "placePipelineGraduate")).0,
        "forbidden"
    );
    let out = app
        .gql(
            &w.hr,
            place,
            json!({ "input": { "membershipId": "nope", "positionId": position } }),
        )
        .await;
    assert_eq!(
        first_error(payload(&out, "placePipelineGraduate")),
        ("validation_failed", &json!(["input", "membershipId"]))
    );
    let out = app.gql(&w.hr, place, json!({ "input": input })).await;
    let placed = &payload(&out, "placePipelineGraduate")["placement"];
    assert_eq!(placed["employeeId"], g1.as_str(), "{out}");
    assert_eq!(placed["placedOn"], day(0));
    assert_eq!(placed["roleGrown"], false);
    let rest = body(
        app.get(
            &format!(
                "/api/v1/pipeline/memberships/{}",
                membership.as_str().expect("id")
            ),
            &w.hr,
        )
        .await,
    )
    .await;
    assert_eq!(rest["outcome"], "placed");
    let rest = body(
        app.get(&format!("/api/v1/pipeline/positions/{position}"), &w.hr)
            .await,
    )
    .await;
    assert_eq!(rest["incumbent_id"], g1.as_str());
}
