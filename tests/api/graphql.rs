use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};

async fn gql(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.gql(token, query, variables).await
}

#[tokio::test]
async fn me_and_a_colleague_show_details_only_where_the_caller_may_see_them() {
    let app = TestApp::spawn().await;
    let people = ids(&app
        .sync(json!([
            person("G1", None),
            person("G2", Some("G1")),
            person("G3", None)
        ]))
        .await);
    let me = app.employee_token(&people["G2"]);
    let q = "query($id: ID!) { me { id details { email } manager { id details { email } } }
                               employee(id: $id) { familyName details { email } } }";
    let out = gql(&app, &me, q, json!({ "id": people["G3"] })).await;
    assert!(out.get("errors").is_none(), "{out}");
    let data = &out["data"];
    assert_eq!(data["me"]["id"], people["G2"].as_str());
    assert_eq!(data["me"]["details"]["email"], "g2@example.com");
    assert!(
        data["me"]["manager"]["details"].is_null(),
        "an employee sees only directory fields of their manager"
    );
    assert_eq!(data["employee"]["familyName"], "FamilyG3");
    assert!(
        data["employee"]["details"].is_null(),
        "a colleague's email never leaks: {out}"
    );

    let boss = app.employee_token(&people["G1"]);
    let out = gql(
        &app,
        &boss,
        "query($id: ID!) { employee(id: $id) { details { email } } }",
        json!({ "id": people["G2"] }),
    )
    .await;
    assert_eq!(
        out["data"]["employee"]["details"]["email"], "g2@example.com",
        "a manager sees their report"
    );
}

#[tokio::test]
async fn the_employee_connection_pages_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let records: Vec<Value> = (0..7).map(|i| person(&format!("P{i}"), None)).collect();
    app.sync(json!(records)).await;
    let q = "query($after: String) { employees(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let out = gql(&app, &app.hr(), q, json!({ "after": after })).await;
        let page = &out["data"]["employees"];
        seen.extend(
            page["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n["id"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 7);
    seen.dedup();
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn fifty_employees_with_manager_unit_and_learning_time_take_a_bounded_number_of_statements() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Engineering", "ENG", None).await;
    let mut records = vec![person("BOSS", None)];
    for i in 0..50 {
        let mut p = person(
            &format!("N{i:02}"),
            Some(if i % 2 == 0 { "BOSS" } else { "N00" }),
        );
        p["org_unit_id"] = json!(unit);
        records.push(p);
    }
    app.sync(json!(records)).await;
    // With each one's learning time too: one batch for the page, whatever its size.
    let q = |first: u32| {
        format!("{{ employees(first: {first}) {{ nodes {{ id manager {{ displayName orgUnit {{ name }} }} orgUnit {{ name manager {{ id }} }}
            learningTime(period: {{ label: \"2026-03\" }}) {{ totals {{ usedInWorkMinutes allocatedMinutes byCategory {{ category minutes }} }} }} }} }} }}")
    };
    let (small, few) = app
        .statements_of(gql(&app, &app.hr(), &q(5), json!({})))
        .await;
    assert!(small.get("errors").is_none(), "{small}");
    let (out, used) = app
        .statements_of(gql(&app, &app.hr(), &q(50), json!({})))
        .await;
    assert!(out.get("errors").is_none(), "{out}");
    assert_eq!(
        out["data"]["employees"]["nodes"]
            .as_array()
            .expect("nodes")
            .len(),
        50
    );
    assert!(
        out["data"]["employees"]["nodes"][0]["learningTime"]["totals"]["allocatedMinutes"].is_u64(),
        "{out}"
    );
    assert!(
        few <= 12 && used <= 12,
        "{used} statements for 50 employees, {few} for 5: the loaders are not batching"
    );
}

#[tokio::test]
async fn errors_carry_a_code_and_deep_queries_are_refused() {
    let app = TestApp::spawn().await;
    let out = gql(
        &app,
        &app.hr(),
        "query($id: ID!) { employee(id: $id) { id } }",
        json!({ "id": "0192f1c0-0000-7000-8000-000000000000" }),
    )
    .await;
    // A single lookup that finds nothing is null, not an error (an id that names nothing too).
    assert_eq!(out, json!({ "data": { "employee": null } }));
    let out = gql(
        &app,
        &app.hr(),
        "query($id: ID!) { employee(id: $id) { id } }",
        json!({ "id": "nope" }),
    )
    .await;
    assert_eq!(out, json!({ "data": { "employee": null } }));

    let deep = format!(
        "{{ me {{ {} id {} }} }}",
        "manager { ".repeat(20),
        "} ".repeat(20)
    );
    let out = gql(&app, &app.hr(), &deep, json!({})).await;
    let message = out["errors"][0]["message"]
        .as_str()
        .expect("message")
        .to_lowercase();
    assert!(message.contains("deep"), "{out}");
    assert_eq!(out["errors"][0]["extensions"]["code"], "invalid_query");

    let res = app
        .request(
            reqwest::Method::POST,
            "/graphql",
            None,
            Some(json!({ "query": "{ me { id } }" })),
        )
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn dashboards_read_enrolments_and_learning_time_and_never_a_colleagues() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Sales", "U-S", None).await;
    let mut records = vec![];
    for (ext, manager) in [
        ("LEAD", None),
        ("REP1", Some("LEAD")),
        ("REP2", Some("LEAD")),
    ] {
        let mut p = person(ext, manager);
        p["org_unit_id"] = json!(unit);
        records.push(p);
    }
    let people = ids(&app.sync(json!(records)).await);
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld,
            json!({ "code": "NEG", "title": "Negotiation", "estimated_minutes": 60 }),
        )
        .await,
    )
    .await;
    app.post(
        "/api/v1/learning-time/policies",
        &ld,
        json!({ "name": "5%", "share_percent": 5, "effective_from": "2026-01-01" }),
    )
    .await;
    for who in ["REP1", "REP2"] {
        let token = app.employee_token(&people[who]);
        app.post(
            "/api/v1/enrollments",
            &token,
            json!({ "course_id": course["id"] }),
        )
        .await;
        app.post(
            "/api/v1/time-entries",
            &token,
            json!({ "date": "2026-03-02", "minutes": 45, "category": "assigned" }),
        )
        .await;
    }
    let rep1 = app.employee_token(&people["REP1"]);
    let q = "{ me { enrollments { status course { code } } learningTime(period: { label: \"2026-03\" }) { totals { usedInWorkMinutes allocatedMinutes } } }
               employees(first: 10) { nodes { id enrollments { status } } } }";
    let out = gql(&app, &rep1, q, json!({})).await;
    assert!(out.get("errors").is_none(), "{out}");
    assert_eq!(out["data"]["me"]["enrollments"][0]["course"]["code"], "NEG");
    assert_eq!(
        out["data"]["me"]["learningTime"]["totals"]["usedInWorkMinutes"],
        45
    );
    for node in out["data"]["employees"]["nodes"].as_array().expect("nodes") {
        let expected = usize::from(node["id"] == people["REP1"].as_str());
        assert_eq!(
            node["enrollments"].as_array().expect("list").len(),
            expected,
            "only my own: {node}"
        );
    }
    let colleague = gql(&app, &rep1, "query($id: ID!) { employee(id: $id) { learningTime(period: { label: \"2026-03\" }) { totals { usedInWorkMinutes } } } }", json!({ "id": people["REP2"] })).await;
    // The field the caller may not read is null with an error naming it; the rest stays.
    assert_eq!(colleague["errors"][0]["extensions"]["code"], "forbidden");
    assert_eq!(
        colleague["errors"][0]["path"],
        json!(["employee", "learningTime"])
    );
    assert!(colleague["data"]["employee"].is_object(), "{colleague}");
    assert!(colleague["data"]["employee"]["learningTime"].is_null());

    let lead = app.employee_token(&people["LEAD"]);
    let q = "query($id: ID!) { orgUnit(id: $id) { learningTimeSummary(period: { label: \"2026-Q1\" }) { totals { people usedInWorkMinutes } people { employeeId } } } }";
    let out = gql(&app, &lead, q, json!({ "id": unit })).await;
    let summary = &out["data"]["orgUnit"]["learningTimeSummary"];
    assert_eq!(
        (
            summary["totals"]["people"].clone(),
            summary["totals"]["usedInWorkMinutes"].clone()
        ),
        (json!(3), json!(90))
    );
    assert!(
        summary["people"].is_null(),
        "a manager sees the unit in aggregate only: {out}"
    );
    let out = gql(&app, &ld, q, json!({ "id": unit })).await;
    assert_eq!(
        out["data"]["orgUnit"]["learningTimeSummary"]["people"]
            .as_array()
            .expect("people")
            .len(),
        3
    );
}

/// The query: three nested pages of 200 under every unit. Its cost multiplies by the
/// pages (50 units estimated x 200 x 200 x 200 x what each selects): refused before it runs.
#[tokio::test]
async fn nested_pages_are_priced_by_their_size_and_refused_before_running() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Engineering", "ENG", None).await;
    let mut p = person("E1", None);
    p["org_unit_id"] = json!(unit);
    let people = ids(&app.sync(json!([p])).await);
    let me = app.employee_token(&people["E1"]);
    let q = "{orgUnits{nodes{employees(first:200){nodes{orgUnit{employees(first:200){nodes{orgUnit{employees(first:200){nodes{id}}}}}}}}}}}";
    let (out, used) = app.statements_of(gql(&app, &me, q, json!({}))).await;
    assert!(out.get("data").is_none_or(Value::is_null), "{out}");
    let errors = out["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0]["extensions"]["code"], "invalid_query");
    assert_eq!(errors[0]["extensions"]["cost"], 806_030_101, "{out}");
    assert_eq!(errors[0]["extensions"]["limit"], 10_000);
    let message = errors[0]["message"].as_str().expect("message");
    assert!(
        message.contains("806030101") && message.contains("10000"),
        "the message names the cost and the limit: {message}"
    );
    assert!(
        used <= 3,
        "{used} statements: the query ran (only authentication may read)"
    );
}

/// A dashboard page: 50 employees with manager, unit and learning-time totals costs
/// 50 x 20 + 1 = 1001, well within the default 10,000.
#[tokio::test]
async fn a_dashboard_page_with_learning_time_is_within_the_limits() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Sales", "U-S", None).await;
    let mut records = vec![person("LEAD", None)];
    for i in 0..5 {
        let mut p = person(&format!("R{i}"), Some("LEAD"));
        p["org_unit_id"] = json!(unit);
        records.push(p);
    }
    app.sync(json!(records)).await;
    let q =
        "{ employees(first: 50) { nodes { id displayName manager { displayName } orgUnit { name }
               learningTime(period: { label: \"2026-03\" }) { totals { usedInWorkMinutes allocatedMinutes } } }
               pageInfo { hasNextPage endCursor } } }";
    let out = gql(&app, &app.hr(), q, json!({})).await;
    assert!(out.get("errors").is_none(), "{out}");
    assert_eq!(
        out["data"]["employees"]["nodes"]
            .as_array()
            .expect("nodes")
            .len(),
        6
    );
}

/// graphql-js's `getIntrospectionQuery()` (descriptions, `ofType` seven deep), as GraphiQL,
/// Apollo and code generators send it, at the default limits; nesting `fields` through types
/// without end is still refused.
#[tokio::test]
async fn the_standard_introspection_query_works_at_the_default_limits() {
    let app = TestApp::spawn().await;
    let q = include_str!("../fixtures/introspection-query.graphql");
    let out = gql(&app, &app.hr(), q, json!({})).await;
    assert!(out.get("errors").is_none(), "{out}");
    let types = out["data"]["__schema"]["types"].as_array().expect("types");
    assert!(
        types.iter().any(|t| t["name"] == "Employee"),
        "the schema is described"
    );

    let cycle = "{ __type(name: \"Employee\") { fields { type { fields { type { fields { name } } } } } } }";
    let out = gql(&app, &app.hr(), cycle, json!({})).await;
    assert_eq!(
        out["errors"][0]["extensions"]["code"], "invalid_query",
        "{out}"
    );
}

/// The scalars every GraphQL schema has, described by the GraphQL spec rather than by us.
const BUILT_IN_SCALARS: &[&str] = &["Boolean", "Float", "ID", "Int", "String"];

/// The schema documents itself: every type, field, argument, input field and enum value the
/// server's introspection answers has a description (the `__` types and the built-in scalars
/// are the spec's). A failure names each one that has none, or an empty one.
#[tokio::test]
async fn every_type_field_argument_input_field_and_enum_value_has_a_description() {
    let app = TestApp::spawn().await;
    let q = include_str!("../fixtures/introspection-query.graphql");
    let out = gql(&app, &app.hr(), q, json!({})).await;
    assert!(out.get("errors").is_none(), "{out}");
    let undescribed = |v: &Value| {
        v["description"]
            .as_str()
            .is_none_or(|d| d.trim().is_empty())
    };
    let name = |v: &Value| v["name"].as_str().expect("name").to_owned();
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let mut missing = Vec::new();
    for t in list(&out["data"]["__schema"]["types"]) {
        let ty = name(&t);
        if ty.starts_with("__") || BUILT_IN_SCALARS.contains(&ty.as_str()) {
            continue;
        }
        if undescribed(&t) {
            missing.push(format!("type {ty}"));
        }
        for f in list(&t["fields"]) {
            let field = name(&f);
            if undescribed(&f) {
                missing.push(format!("field {ty}.{field}"));
            }
            for a in list(&f["args"]).iter().filter(|a| undescribed(a)) {
                missing.push(format!("argument {ty}.{field}({})", name(a)));
            }
        }
        for f in list(&t["inputFields"]).iter().filter(|f| undescribed(f)) {
            missing.push(format!("input field {ty}.{}", name(f)));
        }
        for v in list(&t["enumValues"]).iter().filter(|v| undescribed(v)) {
            missing.push(format!("enum value {ty}.{}", name(v)));
        }
    }
    assert!(
        missing.is_empty(),
        "{} without a description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// Every execution is bounded in time: over `graphql.timeout_ms` it is stopped and answers one
/// `timeout` error.
#[tokio::test]
async fn a_query_over_the_timeout_is_stopped_with_one_timeout_error() {
    let app = TestApp::spawn_with(|s| s.graphql.timeout_ms = 1).await;
    let records: Vec<Value> = (0..30)
        .map(|i| person(&format!("T{i}"), (i > 0).then_some("T0")))
        .collect();
    app.sync(json!(records)).await;
    let q = "{ employees(first: 50) { nodes { id manager { displayName } learningTime(period: { label: \"2026-03\" }) { totals { usedInWorkMinutes } } } } }";
    let out = gql(&app, &app.hr(), q, json!({})).await;
    assert!(out.get("data").is_none_or(Value::is_null), "{out}");
    let errors = out["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0]["extensions"]["code"], "timeout");
    assert!(errors[0].get("locations").is_none(), "{out}");
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 ms")),
        "{out}"
    );
}

/// A small document whose fragments spread each other twice selects 2^25 fields: refused on the
/// document, before validation or the cost walk expand it.
#[tokio::test]
async fn fragments_that_multiply_are_refused_on_the_document() {
    let app = TestApp::spawn().await;
    let mut q = String::from("{ me { ...F0 } }");
    for i in 0..25 {
        q.push_str(&format!(
            " fragment F{i} on Employee {{ ...F{} ...F{} }}",
            i + 1,
            i + 1
        ));
    }
    q.push_str(" fragment F25 on Employee { id }");
    let out = gql(&app, &app.hr(), &q, json!({})).await;
    assert_eq!(
        out["errors"][0]["extensions"]["code"], "invalid_query",
        "{out}"
    );
    assert!(
        out["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("fragments are expanded")),
        "{out}"
    );
}
