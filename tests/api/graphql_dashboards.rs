//! The dashboard's questions, one query each, counted in the database: learning-time summaries
//! for a person, a team, a unit, a level band and the organisation (current or previous period),
//! the people who used none of their protected time, enrolment states per course, overdue
//! enrolments and skills by the people learning them. Exact for those who see each person; for
//! others, through the privacy engine.

use crate::helpers::{data, ids, person, TestApp};
use serde_json::json;
use std::collections::HashMap;

/// LEAD with six reports R1..R6, and OTHER outside the team; everyone at level 3.
async fn team(app: &TestApp) -> HashMap<String, String> {
    let mut records = vec![person("LEAD", None), person("OTHER", None)];
    records.extend((1..=6).map(|i| person(&format!("R{i}"), Some("LEAD"))));
    ids(&app.sync(json!(records)).await)
}

#[tokio::test]
async fn learning_time_is_summarised_for_every_scope_and_relative_period() {
    let app = TestApp::spawn().await;
    let people = team(&app).await;
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let policy =
        "mutation { createLearningTimePolicy(input: { name: \"Ten per cent\", sharePercent: 10,
        period: MONTH, effectiveFrom: \"2020-01-01\" }) { policy { id } userErrors { code } } }";
    data(&app.gql(&ld, policy, json!({})).await);
    let today = chrono::Utc::now().date_naive().to_string();
    let log = "mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } userErrors { code message } } }";
    for (who, minutes, category) in [("R1", 60, "EXPLORATORY"), ("R2", 30, "ASSIGNED")] {
        let token = app.employee_token(&people[who]);
        let out = app
            .gql(&token, log, json!({ "input": { "date": today, "minutes": minutes, "category": category, "inWorkTime": true } }))
            .await;
        assert_eq!(data(&out)["logTime"]["userErrors"], json!([]), "{out}");
    }
    let lead = app.employee_token(&people["LEAD"]);
    let summary = "query($scope: LearningTimeScopeInput!, $period: PeriodInput!) {
        learningTimeSummary(scope: $scope, period: $period) { periodStart periodEnd
          totals { people usedInWorkMinutes suppressed byCategory { category minutes } }
          people { employee { displayName } totals { usedInWorkMinutes } } } }";

    // The manager's team, this month, person by person.
    let out = app
        .gql(
            &lead,
            summary,
            json!({ "scope": { "team": people["LEAD"] }, "period": { "current": "MONTH" } }),
        )
        .await;
    let s = &data(&out)["learningTimeSummary"];
    assert_eq!(s["totals"]["people"], 6);
    assert_eq!(s["totals"]["usedInWorkMinutes"], 90);
    assert_eq!(
        s["totals"]["byCategory"],
        json!([{ "category": "ASSIGNED", "minutes": 30 }, { "category": "EXPLORATORY", "minutes": 60 }])
    );
    assert_eq!(s["people"].as_array().expect("listed").len(), 6);
    assert!(s["people"][0]["employee"]["displayName"].is_string());
    let month_start = format!("{}-01", &today[..7]);
    assert_eq!(s["periodStart"], month_start);

    // The previous month had nothing logged.
    let out = app
        .gql(
            &lead,
            summary,
            json!({ "scope": { "team": people["LEAD"] }, "period": { "previous": "MONTH" } }),
        )
        .await;
    let s = &data(&out)["learningTimeSummary"];
    assert_eq!(s["totals"]["usedInWorkMinutes"], 0);
    assert!(s["periodEnd"].as_str().expect("present") < month_start.as_str());

    // A colleague's team is not the caller's to read: null, with the error at the field.
    let other = app.employee_token(&people["OTHER"]);
    let out = app
        .gql(
            &other,
            summary,
            json!({ "scope": { "team": people["LEAD"] }, "period": { "current": "QUARTER" } }),
        )
        .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden", "{out}");
    assert_eq!(out["errors"][0]["path"], json!(["learningTimeSummary"]));

    // The organisation and a level band: aggregates anyone in the directory may read, never
    // person by person for them.
    let out = app
        .gql(&other, summary, json!({ "scope": { "organisation": { "levels": { "min": 1, "max": 3 } } }, "period": { "label": &today[..7] } }))
        .await;
    let s = &data(&out)["learningTimeSummary"];
    assert_eq!(s["totals"]["people"], 8);
    assert_eq!(s["totals"]["usedInWorkMinutes"], 90);
    assert!(s["people"].is_null());
    let out = app
        .gql(
            &other,
            summary,
            json!({ "scope": { "person": people["R1"] }, "period": { "current": "WEEK" } }),
        )
        .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden");
    let bad = app
        .gql(
            &lead,
            summary,
            json!({ "scope": { "team": people["LEAD"] }, "period": { "label": "2026-13" } }),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "invalid_query");

    // Who has protected time this month and used none of it: the four reports without entries.
    let unused = "query($scope: LearningTimeScopeInput!) {
        peopleWithoutLearningTime(scope: $scope, period: { current: MONTH }) {
          employeeId employee { displayName } totals { allocatedMinutes usedInWorkMinutes } } }";
    let out = app
        .gql(
            &lead,
            unused,
            json!({ "scope": { "team": people["LEAD"] } }),
        )
        .await;
    let rows = data(&out)["peopleWithoutLearningTime"]
        .as_array()
        .expect("rows")
        .clone();
    let mut who: Vec<&str> = rows
        .iter()
        .map(|r| r["employeeId"].as_str().expect("present"))
        .collect();
    who.sort_unstable();
    let mut expected: Vec<&str> = ["R3", "R4", "R5", "R6"]
        .iter()
        .map(|r| people[*r].as_str())
        .collect();
    expected.sort_unstable();
    assert_eq!(who, expected);
    assert!(rows.iter().all(|r| r["totals"]["usedInWorkMinutes"] == 0
        && r["totals"]["allocatedMinutes"].as_u64().expect("present") > 0));
    // Naming people is only for those who see each of them.
    let out = app
        .gql(&other, unused, json!({ "scope": { "organisation": {} } }))
        .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden", "{out}");
    let out = app
        .gql(&ld, unused, json!({ "scope": { "organisation": {} } }))
        .await;
    assert_eq!(
        data(&out)["peopleWithoutLearningTime"]
            .as_array()
            .expect("present")
            .len(),
        6
    );
}

/// A course with seven completions and two overdue enrolments among LEAD's reports and others.
async fn course_with_learners(app: &TestApp, people: &HashMap<String, String>) -> String {
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let out = app
        .gql(
            &ld,
            "mutation { createSkill(input: { name: \"Negotiation\" }) { skill { id } } }",
            json!({}),
        )
        .await;
    let skill = data(&out)["createSkill"]["skill"]["id"].clone();
    let out = app
        .gql(&ld, "mutation($s: ID!) { createCourse(input: { code: \"NEG-1\", title: \"Negotiation\", estimatedMinutes: 60, skillIds: [$s] }) { course { id } } }", json!({ "s": skill }))
        .await;
    let course = data(&out)["createCourse"]["course"]["id"]
        .as_str()
        .expect("present")
        .to_owned();
    let mut extra = Vec::new();
    for i in 1..=3 {
        extra.push(person(&format!("X{i}"), None));
    }
    let more = ids(&app.sync(json!(extra)).await);
    let everyone: Vec<&String> = people
        .values()
        .chain(more.values())
        .filter(|id| **id != people["LEAD"])
        .collect();
    assert_eq!(everyone.len(), 10);
    let out = app
        .gql(&ld, "mutation($c: ID!, $p: [ID!]) { assignCourse(input: { courseId: $c, employeeIds: $p, dueDate: \"2026-01-31\" }) { created results { employeeId enrollmentId } userErrors { code message } } }", json!({ "c": course, "p": everyone }))
        .await;
    let results = data(&out)["assignCourse"]["results"]
        .as_array()
        .expect("results")
        .clone();
    assert_eq!(results.len(), 10, "{out}");
    // Seven complete (OTHER, X1-X3, R1-R3), two start (R4, R5: overdue), R6 withdraws.
    let update = "mutation($id: ID!, $input: UpdateEnrollmentInput!) { updateEnrollment(id: $id, version: 1, input: $input) { userErrors { code message } } }";
    for r in &results {
        let who = r["employeeId"].as_str().expect("present");
        let input = if who == people["R4"] || who == people["R5"] {
            json!({ "status": "IN_PROGRESS" })
        } else if who == people["R6"] {
            json!({ "status": "WITHDRAWN" })
        } else {
            json!({ "status": "COMPLETED", "completedOn": "2026-02-10" })
        };
        let out = app
            .gql(
                &ld,
                update,
                json!({ "id": r["enrollmentId"], "input": input }),
            )
            .await;
        assert_eq!(
            data(&out)["updateEnrollment"]["userErrors"],
            json!([]),
            "{out}"
        );
    }
    course
}

const STATS: &str = "query($team: ID, $in: PeriodInput) { courseEnrollmentStats(teamOf: $team, completedIn: $in) {
    course { code } total { value suppressed suppressionReason } enrolled { value } inProgress { value suppressed suppressionReason }
    completed { value suppressed } withdrawn { value suppressed } overdue { value suppressed suppressionReason }
    completedInPeriod { value } } }";

#[tokio::test]
async fn enrolment_states_per_course_are_exact_for_those_who_see_each_learner_and_private_for_others(
) {
    let app = TestApp::spawn().await;
    let people = team(&app).await;
    course_with_learners(&app, &people).await;
    let ld = app.token_for("ld", &["ld_admin"], &[], None);

    let out = app
        .gql(&ld, STATS, json!({ "in": { "label": "2026-Q1" } }))
        .await;
    let c = &data(&out)["courseEnrollmentStats"][0];
    assert_eq!(c["course"]["code"], "NEG-1");
    assert_eq!(c["total"]["value"], 10);
    assert_eq!(c["completed"]["value"], 7);
    assert_eq!(c["inProgress"]["value"], 2);
    assert_eq!(c["withdrawn"]["value"], 1);
    assert_eq!(c["overdue"]["value"], 2);
    assert_eq!(c["completedInPeriod"]["value"], 7);

    // The manager, for their team: exact, their six reports only.
    let lead = app.employee_token(&people["LEAD"]);
    let out = app
        .gql(&lead, STATS, json!({ "team": people["LEAD"] }))
        .await;
    let c = &data(&out)["courseEnrollmentStats"][0];
    assert_eq!(c["total"]["value"], 6);
    assert_eq!(c["completed"]["value"], 3);
    assert!(c["completedInPeriod"].is_null());

    // Someone who sees no learner one by one gets the organisation through the privacy engine:
    // the two in progress (and overdue) are withheld, one withdrawal too, and so is whatever
    // would give them back (the total beside the completions).
    let other = app.employee_token(&people["OTHER"]);
    let out = app.gql(&other, STATS, json!({})).await;
    let c = &data(&out)["courseEnrollmentStats"][0];
    assert_eq!(
        c["inProgress"]["suppressionReason"], "BELOW_MINIMUM",
        "{out}"
    );
    assert_eq!(c["overdue"]["suppressed"], true);
    assert_eq!(c["withdrawn"]["suppressed"], true);
    assert!(c["inProgress"]["value"].is_null());
    assert!(
        c["total"]["value"].is_null() || c["completed"]["value"].is_null(),
        "total and completions together give back the small states: {out}"
    );
    // Periods of completions are for those who see each learner.
    let out = app
        .gql(&other, STATS, json!({ "in": { "current": "QUARTER" } }))
        .await;
    assert_eq!(
        out["errors"][0]["extensions"]["code"], "invalid_query",
        "{out}"
    );
    // Another manager's team is refused.
    let out = app
        .gql(&other, STATS, json!({ "team": people["LEAD"] }))
        .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden");
}

#[tokio::test]
async fn overdue_enrolments_and_skills_being_learnt_answer_in_one_query_each() {
    let app = TestApp::spawn().await;
    let people = team(&app).await;
    course_with_learners(&app, &people).await;
    let lead = app.employee_token(&people["LEAD"]);

    let overdue = "query($m: ID) { enrollments(filter: { managerId: $m, overdue: true }) {
        nodes { status dueDate employee { displayName } course { code } } } }";
    let out = app
        .gql(&lead, overdue, json!({ "m": people["LEAD"] }))
        .await;
    let nodes = data(&out)["enrollments"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    assert_eq!(nodes.len(), 2, "{out}");
    assert!(nodes
        .iter()
        .all(|n| n["status"] == "IN_PROGRESS" && n["course"]["code"] == "NEG-1"));
    // Someone else's team is not theirs to list.
    let other = app.employee_token(&people["OTHER"]);
    let out = app
        .gql(&other, overdue, json!({ "m": people["LEAD"] }))
        .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden");
    // Without a filter an employee lists their own only.
    let out = app
        .gql(&other, "{ enrollments { nodes { status } } }", json!({}))
        .await;
    assert_eq!(
        data(&out)["enrollments"]["nodes"],
        json!([{ "status": "COMPLETED" }])
    );

    let skills = "query($team: ID) { skillsBeingLearnt(teamOf: $team) { skill { name }
        learners { value suppressed suppressionReason } completedBy { value suppressed } } }";
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let out = app.gql(&ld, skills, json!({})).await;
    let s = &data(&out)["skillsBeingLearnt"][0];
    assert_eq!(s["skill"]["name"], "Negotiation");
    assert_eq!(s["learners"]["value"], 2);
    assert_eq!(s["completedBy"]["value"], 7);
    // In aggregate two learners are too few to show; seven completions are not.
    let out = app.gql(&other, skills, json!({})).await;
    let s = &data(&out)["skillsBeingLearnt"][0];
    assert_eq!(s["learners"]["suppressionReason"], "BELOW_MINIMUM", "{out}");
    assert_eq!(s["completedBy"]["value"], 7);
    let out = app
        .gql(&lead, skills, json!({ "team": people["LEAD"] }))
        .await;
    let s = &data(&out)["skillsBeingLearnt"][0];
    assert_eq!(
        (
            s["learners"]["value"].clone(),
            s["completedBy"]["value"].clone()
        ),
        (json!(2), json!(3))
    );
}
