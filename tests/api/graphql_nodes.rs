//! Relay's object identification and connection sizes: `node(id:)` and `nodes(ids:)` fetch any
//! object by the id REST uses, each through its own lookup and authorization; `totalCount`
//! counts a connection's whole list with the list's own filter.

use crate::helpers::{data, ids, payload, person, TestApp};
use serde_json::{json, Value};
use std::collections::HashMap;

/// LEAD with three reports R1..R3, and OTHER outside the team.
async fn team(app: &TestApp) -> HashMap<String, String> {
    let mut records = vec![person("LEAD", None), person("OTHER", None)];
    records.extend((1..=3).map(|i| person(&format!("R{i}"), Some("LEAD"))));
    ids(&app.sync(json!(records)).await)
}

async fn course(app: &TestApp, ld: &str, code: &str) -> String {
    let out = app
        .gql(
            ld,
            "mutation($code: String!) { createCourse(input: { code: $code, title: \"Negotiation\", estimatedMinutes: 60 }) { course { id } } }",
            json!({ "code": code }),
        )
        .await;
    payload(&out, "createCourse")["course"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn node_fetches_any_object_by_its_rest_id_as_its_own_lookup_would() {
    let app = TestApp::spawn().await;
    let people = team(&app).await;
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let course = course(&app, &ld, "NEG-1").await;
    let r1 = app.employee_token(&people["R1"]);
    let log = "mutation { logTime(input: { date: \"2026-01-05\", minutes: 30, category: EXPLORATORY, inWorkTime: true }) { timeEntry { id } userErrors { code } } }";
    let out = app.gql(&r1, log, json!({})).await;
    let entry = payload(&out, "logTime")["timeEntry"]["id"]
        .as_str()
        .expect("entry")
        .to_owned();

    let query = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
        ... on Employee { displayName } ... on Course { title } ... on TimeEntry { minutes } } }";
    let unknown = "0190c6f2-0000-7000-8000-000000000000";
    let asked = json!([people["R1"], course, entry, unknown, "not-an-id"]);

    // Each object as its own type, in the order asked; ids that name nothing are null.
    let out = app.gql(&app.hr(), query, json!({ "ids": asked })).await;
    let nodes = &data(&out)["nodes"];
    assert_eq!(nodes[0]["__typename"], "Employee");
    assert_eq!(nodes[0]["id"], people["R1"]);
    assert_eq!(nodes[1]["__typename"], "Course");
    assert_eq!(nodes[1]["title"], "Negotiation");
    assert_eq!(nodes[2]["__typename"], "TimeEntry");
    assert_eq!(nodes[2]["minutes"], 30);
    assert_eq!(nodes[3], Value::Null);
    assert_eq!(nodes[4], Value::Null);

    // The same id through `node` and through the type's own lookup: the same object.
    let one = "query($id: ID!) { node(id: $id) { id ... on Course { code } } course(id: $id) { id code } }";
    let out = app.gql(&ld, one, json!({ "id": course })).await;
    assert_eq!(data(&out)["node"], data(&out)["course"]);

    // A colleague's time entry is not the caller's, and its lookup does not say it exists: null,
    // as for an id that names nothing, and the rest of the list stays.
    let other = app.employee_token(&people["OTHER"]);
    let out = app
        .gql(&other, query, json!({ "ids": [people["OTHER"], entry] }))
        .await;
    assert_eq!(data(&out)["nodes"][0]["id"], people["OTHER"]);
    assert_eq!(data(&out)["nodes"][1], Value::Null);
    // The entry's owner and her manager see it.
    let lead = app.employee_token(&people["LEAD"]);
    for token in [&r1, &lead] {
        let out = app.gql(token, query, json!({ "ids": [entry] })).await;
        assert_eq!(data(&out)["nodes"][0]["minutes"], 30);
    }
    // A single miss is null without an error.
    let out = app
        .gql(
            &other,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_eq!(data(&out)["node"], Value::Null);

    // At most 100 ids at once.
    let many: Vec<String> = (0..101).map(|_| unknown.to_owned()).collect();
    let out = app.gql(&app.hr(), query, json!({ "ids": many })).await;
    assert_eq!(
        out["errors"][0]["extensions"]["code"], "invalid_query",
        "{out}"
    );
}

#[tokio::test]
async fn the_schema_declares_node_and_every_type_that_implements_it() {
    let app = TestApp::spawn().await;
    let out = app
        .gql(
            &app.hr(),
            "{ __type(name: \"Node\") { kind fields { name } possibleTypes { name } } }",
            json!({}),
        )
        .await;
    let node = &data(&out)["__type"];
    assert_eq!(node["kind"], "INTERFACE");
    assert_eq!(node["fields"], json!([{ "name": "id" }]));
    let mut types: Vec<&str> = node["possibleTypes"]
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    types.sort_unstable();
    for t in [
        "Course",
        "Employee",
        "Enrollment",
        "OrgUnit",
        "PipelineMembership",
        "TimeEntry",
    ] {
        assert!(types.contains(&t), "{t} is a Node: {types:?}");
    }
}

#[tokio::test]
async fn total_count_counts_the_whole_filtered_list_not_the_page() {
    let app = TestApp::spawn().await;
    let people = team(&app).await;
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let first = course(&app, &ld, "NEG-1").await;
    course(&app, &ld, "NEG-2").await;
    course(&app, &ld, "PY-1").await;

    let out = app
        .gql(
            &app.hr(),
            "query($lead: ID!) { team: employees(filter: { managerId: $lead }, first: 2) { totalCount
                 edges { node { id } } pageInfo { hasNextPage } }
               all: employees(first: 1) { totalCount } }",
            json!({ "lead": people["LEAD"] }),
        )
        .await;
    let d = data(&out);
    assert_eq!(d["team"]["totalCount"], 3);
    assert_eq!(d["team"]["edges"].as_array().expect("edges").len(), 2);
    assert_eq!(d["team"]["pageInfo"]["hasNextPage"], true);
    assert!(d["all"]["totalCount"].as_i64().expect("count") >= 5);

    let out = app
        .gql(&ld, "{ neg: courses(filter: { q: \"neg-\" }, first: 1) { totalCount } all: courses { totalCount } }", json!({}))
        .await;
    assert_eq!(data(&out)["neg"]["totalCount"], 2);
    assert_eq!(data(&out)["all"]["totalCount"], 3);

    // Enrolments: the manager's team counts only her reports' enrolments.
    let assign = "mutation($c: ID!, $e: ID!) { enroll(input: { courseId: $c, employeeId: $e }) { userErrors { code } } }";
    for who in ["R1", "R2", "OTHER"] {
        let out = app
            .gql(&ld, assign, json!({ "c": first, "e": people[who] }))
            .await;
        assert_eq!(payload(&out, "enroll")["userErrors"], json!([]), "{out}");
    }
    let lead = app.employee_token(&people["LEAD"]);
    let counted =
        "query($f: EnrollmentFilterInput) { enrollments(filter: $f, first: 1) { totalCount } }";
    let out = app
        .gql(
            &lead,
            counted,
            json!({ "f": { "managerId": people["LEAD"] } }),
        )
        .await;
    assert_eq!(data(&out)["enrollments"]["totalCount"], 2);
    let out = app
        .gql(&ld, counted, json!({ "f": { "courseId": first } }))
        .await;
    assert_eq!(data(&out)["enrollments"]["totalCount"], 3);
    // Someone else's team is refused, count or not.
    let other = app.employee_token(&people["OTHER"]);
    let out = app
        .gql(
            &other,
            counted,
            json!({ "f": { "managerId": people["LEAD"] } }),
        )
        .await;
    assert_eq!(out["errors"][0]["extensions"]["code"], "forbidden", "{out}");
}

#[tokio::test]
async fn a_units_employees_refuse_another_unit_in_their_filter() {
    let app = TestApp::spawn().await;
    let a = app.unit("A", "UA", None).await;
    let b = app.unit("B", "UB", None).await;
    let q = "query($a: ID!, $f: EmployeeFilterInput) { orgUnit(id: $a) { employees(filter: $f) { totalCount } } }";
    let out = app
        .gql(&app.hr(), q, json!({ "a": a, "f": { "orgUnitId": b } }))
        .await;
    assert_eq!(
        out["errors"][0]["extensions"]["code"], "invalid_query",
        "{out}"
    );
    let out = app
        .gql(&app.hr(), q, json!({ "a": a, "f": { "orgUnitId": a } }))
        .await;
    assert_eq!(data(&out)["orgUnit"]["employees"]["totalCount"], 0);
}
