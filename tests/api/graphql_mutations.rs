//! Writes over GraphQL: each mutation calls the service REST calls, so the same people may do the
//! same things, and answers a payload with the changed object and `userErrors`.

use crate::helpers::{body, ids, payload, person, TestApp};
use serde_json::json;

const LOG: &str = "mutation($input: LogTimeInput!) { logTime(input: $input) {
    timeEntry { id employeeId date minutes category approval version }
    userErrors { code field message } } }";

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

#[tokio::test]
async fn the_catalog_and_enrolments_are_written_over_graphql() {
    let app = TestApp::spawn().await;
    let people = ids(&app
        .sync(json!([
            person("BOSS", None),
            person("ANA", Some("BOSS")),
            person("OTHER", None)
        ]))
        .await);
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let ana = app.employee_token(&people["ANA"]);
    let boss = app.employee_token(&people["BOSS"]);

    let skill = "mutation($input: CreateSkillInput!) { createSkill(input: $input) {
        skill { id name } userErrors { code field } } }";
    let refused = app
        .gql(&ana, skill, json!({ "input": { "name": "Rust" } }))
        .await;
    assert_eq!(
        payload(&refused, "createSkill")["userErrors"][0]["code"],
        "forbidden"
    );
    let out = app
        .gql(&ld, skill, json!({ "input": { "name": "Rust" } }))
        .await;
    let skill_id = payload(&out, "createSkill")["skill"]["id"].clone();

    let create = "mutation($input: CreateCourseInput!) { createCourse(input: $input) {
        course { id code provider modality level version skills { name } } userErrors { code field message } } }";
    let input = json!({ "code": "rust-101", "title": "Rust basics", "modality": "SELF_PACED",
        "level": "BEGINNER", "estimatedMinutes": 90, "skillIds": [skill_id] });
    let refused = app.gql(&ana, create, json!({ "input": input })).await;
    assert_eq!(
        payload(&refused, "createCourse")["userErrors"][0]["code"],
        "forbidden"
    );
    let bad = app
        .gql(
            &ld,
            create,
            json!({ "input": { "code": "x", "title": "X", "estimatedMinutes": -5 } }),
        )
        .await;
    let bad = payload(&bad, "createCourse");
    assert_eq!(bad["userErrors"][0]["code"], "validation_failed");
    assert_eq!(
        bad["userErrors"][0]["field"],
        json!(["input", "estimatedMinutes"])
    );
    let out = app.gql(&ld, create, json!({ "input": input })).await;
    let course = payload(&out, "createCourse")["course"].clone();
    assert_eq!(course["code"], "RUST-101");
    assert_eq!(course["provider"], "INTERNAL");
    assert_eq!(course["modality"], "SELF_PACED");
    assert_eq!(course["skills"][0]["name"], "Rust");

    // `null` clears an optional field, an absent one stays, a stale version is refused.
    let update = "mutation($id: ID!, $version: Int!, $input: UpdateCourseInput!) {
        updateCourse(id: $id, version: $version, input: $input) {
        course { title level version } userErrors { code } } }";
    let out = app
        .gql(
            &ld,
            update,
            json!({ "id": course["id"], "version": 1, "input": { "level": null } }),
        )
        .await;
    let updated = &payload(&out, "updateCourse")["course"];
    assert!(updated["level"].is_null());
    assert_eq!(updated["title"], "Rust basics");
    assert_eq!(updated["version"], 2);
    let stale = app
        .gql(
            &ld,
            update,
            json!({ "id": course["id"], "version": 1, "input": { "title": "Y" } }),
        )
        .await;
    assert_eq!(
        payload(&stale, "updateCourse")["userErrors"][0]["code"],
        "version_mismatch"
    );

    // Enrolment: yourself; a manager assigns a report but not a stranger.
    let enroll = "mutation($input: EnrollInput!) { enroll(input: $input) {
        enrollment { id status origin employeeId version } userErrors { code field } } }";
    let out = app
        .gql(
            &ana,
            enroll,
            json!({ "input": { "courseId": course["id"] } }),
        )
        .await;
    let mine = payload(&out, "enroll")["enrollment"].clone();
    assert_eq!(mine["status"], "ENROLLED");
    assert_eq!(mine["employeeId"], people["ANA"]);
    let stranger = app
        .gql(
            &boss,
            enroll,
            json!({ "input": { "courseId": course["id"], "employeeId": people["OTHER"] } }),
        )
        .await;
    assert_eq!(
        payload(&stranger, "enroll")["userErrors"][0]["code"],
        "forbidden"
    );
    let unknown = app
        .gql(&ana, enroll, json!({ "input": { "courseId": "nope" } }))
        .await;
    let unknown = payload(&unknown, "enroll");
    assert_eq!(
        unknown["userErrors"][0]["field"],
        json!(["input", "courseId"])
    );

    let update = "mutation($id: ID!, $version: Int!, $input: UpdateEnrollmentInput!) {
        updateEnrollment(id: $id, version: $version, input: $input) {
        enrollment { status completedOn score version } userErrors { code } } }";
    let out = app
        .gql(
            &ana,
            update,
            json!({ "id": mine["id"], "version": mine["version"],
            "input": { "status": "COMPLETED", "completedOn": "2026-03-04", "score": 0.9 } }),
        )
        .await;
    let done = &payload(&out, "updateEnrollment")["enrollment"];
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["completedOn"], "2026-03-04");
    let stale = app
        .gql(&ana, update, json!({ "id": mine["id"], "version": mine["version"], "input": { "status": "WITHDRAWN" } }))
        .await;
    assert_eq!(
        payload(&stale, "updateEnrollment")["userErrors"][0]["code"],
        "version_mismatch"
    );

    // Bulk assignment answers per person, and a retry creates nothing new.
    let assign = "mutation($input: AssignCourseInput!) { assignCourse(input: $input) {
        created unchanged failed results { employeeId outcome enrollmentId error { code message } } userErrors { code } } }";
    let input = json!({ "input": { "courseId": course["id"], "employeeIds": [people["BOSS"], people["OTHER"]], "dueDate": "2026-12-31" } });
    // Someone who may assign nobody gets a refusal per person, and nothing is created.
    let refused = app.gql(&ana, assign, input.clone()).await;
    let refused = payload(&refused, "assignCourse");
    assert_eq!(refused["failed"], 2, "{refused}");
    assert_eq!(refused["results"][0]["outcome"], "ERROR");
    assert_eq!(refused["results"][0]["error"]["code"], "forbidden");
    let out = app.gql(&ld, assign, input.clone()).await;
    assert_eq!(payload(&out, "assignCourse")["created"], 2, "{out}");
    let again = app.gql(&ld, assign, input).await;
    let again = payload(&again, "assignCourse");
    assert_eq!(again["created"], 0);
    assert_eq!(again["unchanged"], 2);
    assert_eq!(again["results"][0]["outcome"], "UNCHANGED");
}

#[tokio::test]
async fn people_units_and_integration_clients_are_written_over_graphql() {
    let app = TestApp::spawn().await;
    let hr = app.hr();
    let people = ids(&app.sync(json!([person("ANA", None)])).await);
    let ana = app.employee_token(&people["ANA"]);

    let unit = "mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) {
        orgUnit { id name kind version } userErrors { code field } } }";
    let refused = app
        .gql(&ana, unit, json!({ "input": { "name": "Sales" } }))
        .await;
    assert_eq!(
        payload(&refused, "createOrgUnit")["userErrors"][0]["code"],
        "forbidden"
    );
    let out = app
        .gql(
            &hr,
            unit,
            json!({ "input": { "name": "Sales", "kind": "department" } }),
        )
        .await;
    let sales = payload(&out, "createOrgUnit")["orgUnit"].clone();
    assert_eq!(sales["version"], 1);

    let create = "mutation($input: CreateEmployeeInput!) { createEmployee(input: $input) {
        employee { id displayName details { status employmentType hireDate version } orgUnit { name } }
        userErrors { code field message } } }";
    let input = json!({ "email": "bo@example.com", "givenName": "Bo", "familyName": "Berg",
        "jobLevel": 2, "orgUnitId": sales["id"], "employmentType": "PART_TIME", "hireDate": "2026-02-01" });
    let refused = app.gql(&ana, create, json!({ "input": input })).await;
    assert_eq!(
        payload(&refused, "createEmployee")["userErrors"][0]["code"],
        "forbidden"
    );
    let bad = app
        .gql(&hr, create, json!({ "input": { "email": "x@example.com", "givenName": "X", "familyName": "Y", "jobLevel": 12 } }))
        .await;
    assert_eq!(
        payload(&bad, "createEmployee")["userErrors"][0]["field"],
        json!(["input", "jobLevel"])
    );
    let out = app.gql(&hr, create, json!({ "input": input })).await;
    let bo = payload(&out, "createEmployee")["employee"].clone();
    assert_eq!(bo["details"]["employmentType"], "PART_TIME");
    assert_eq!(bo["details"]["hireDate"], "2026-02-01");
    assert_eq!(bo["orgUnit"]["name"], "Sales");

    let update = "mutation($id: ID!, $version: Int!, $input: UpdateEmployeeInput!) {
        updateEmployee(id: $id, version: $version, input: $input) {
        employee { jobTitle details { hireDate version } } userErrors { code } } }";
    let out = app
        .gql(&hr, update, json!({ "id": bo["id"], "version": 1, "input": { "hireDate": null, "jobTitle": "Analyst" } }))
        .await;
    let updated = &payload(&out, "updateEmployee")["employee"];
    assert_eq!(updated["jobTitle"], "Analyst", "{out}");
    assert!(updated["details"]["hireDate"].is_null());
    assert_eq!(updated["details"]["version"], 2);
    let stale = app
        .gql(
            &hr,
            update,
            json!({ "id": bo["id"], "version": 1, "input": { "status": "ACTIVE" } }),
        )
        .await;
    assert_eq!(
        payload(&stale, "updateEmployee")["userErrors"][0]["code"],
        "version_mismatch"
    );

    // A unit with people is not deleted; an empty one is.
    let delete = "mutation($id: ID!) { deleteOrgUnit(id: $id) { deletedId userErrors { code } } }";
    let busy = app.gql(&hr, delete, json!({ "id": sales["id"] })).await;
    let busy = payload(&busy, "deleteOrgUnit");
    assert!(busy["deletedId"].is_null());
    assert_eq!(busy["userErrors"][0]["code"], "conflict");
    let out = app
        .gql(&hr, unit, json!({ "input": { "name": "Empty" } }))
        .await;
    let empty = payload(&out, "createOrgUnit")["orgUnit"]["id"].clone();
    let rename = "mutation($id: ID!, $version: Int!, $input: UpdateOrgUnitInput!) {
        updateOrgUnit(id: $id, version: $version, input: $input) { orgUnit { name version } userErrors { code } } }";
    let out = app
        .gql(
            &hr,
            rename,
            json!({ "id": empty, "version": 1, "input": { "name": "Void" } }),
        )
        .await;
    assert_eq!(payload(&out, "updateOrgUnit")["orgUnit"]["name"], "Void");
    let out = app.gql(&hr, delete, json!({ "id": empty })).await;
    assert_eq!(payload(&out, "deleteOrgUnit")["deletedId"], empty);

    // An integration client: hr_admin only, its secret in the creating answer and never again.
    let issue =
        "mutation($input: CreateIntegrationClientInput!) { createIntegrationClient(input: $input) {
        client { id kind clientId clientSecret scopes } userErrors { code field message } } }";
    let refused = app
        .gql(
            &ana,
            issue,
            json!({ "input": { "name": "Workday", "scopes": ["hris:write"] } }),
        )
        .await;
    assert_eq!(
        payload(&refused, "createIntegrationClient")["userErrors"][0]["code"],
        "forbidden"
    );
    let bad = app
        .gql(
            &hr,
            issue,
            json!({ "input": { "name": "Workday", "scopes": ["root"] } }),
        )
        .await;
    assert_eq!(
        payload(&bad, "createIntegrationClient")["userErrors"][0]["code"],
        "validation_failed"
    );
    let out = app
        .gql(
            &hr,
            issue,
            json!({ "input": { "name": "Workday", "scopes": ["hris:write"] } }),
        )
        .await;
    let client = payload(&out, "createIntegrationClient")["client"].clone();
    assert_eq!(client["kind"], "INTEGRATION");
    let secret = client["clientSecret"]
        .as_str()
        .expect("secret once")
        .to_owned();
    let form = app
        .client
        .post(format!("{}/oauth/token", app.base))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client["clientId"].as_str().unwrap()),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(form.status(), 200);
    let revoke = "mutation($id: ID!) { revokeIntegrationClient(id: $id) { client { clientSecret revokedAt } userErrors { code } } }";
    let out = app.gql(&hr, revoke, json!({ "id": client["id"] })).await;
    let revoked = &payload(&out, "revokeIntegrationClient")["client"];
    assert!(revoked["clientSecret"].is_null());
    assert!(revoked["revokedAt"].is_string());

    // LRS clients belong to ld_admin.
    let lrs = "mutation($input: CreateLrsClientInput!) { createLrsClient(input: $input) {
        client { kind clientSecret defaultVersion } userErrors { code } } }";
    let refused = app
        .gql(
            &hr,
            lrs,
            json!({ "input": { "name": "Moodle", "scopes": ["xapi:write"] } }),
        )
        .await;
    assert_eq!(
        payload(&refused, "createLrsClient")["userErrors"][0]["code"],
        "forbidden"
    );
    let ld = app.token_for("ld", &["ld_admin"], &[], None);
    let out = app
        .gql(
            &ld,
            lrs,
            json!({ "input": { "name": "Moodle", "scopes": ["xapi:write"] } }),
        )
        .await;
    let moodle = &payload(&out, "createLrsClient")["client"];
    assert_eq!(moodle["kind"], "LRS");
    assert!(moodle["clientSecret"].is_string());
}
