use crate::helpers::{body, TestApp};
use base64::Engine;
use reqwest::{Method, Response};
use serde_json::{json, Value};

pub(crate) fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// An LRS client's `Authorization` header and the xAPI version its requests say.
pub(crate) struct Lrs {
    pub(crate) basic: String,
    pub(crate) version: &'static str,
}

impl Lrs {
    /// The credentials of a client as created (`POST /api/v1/lrs-clients`), speaking 1.0.3.
    pub(crate) fn of(created: &Value) -> Self {
        let pair = format!(
            "{}:{}",
            created["key"].as_str().expect("key"),
            created["secret"].as_str().expect("secret")
        );
        Self {
            basic: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
            version: "1.0.3",
        }
    }

    pub(crate) fn with_version(&self, version: &'static str) -> Self {
        Self {
            basic: self.basic.clone(),
            version,
        }
    }
}

async fn client(app: &TestApp, scopes: &[&str]) -> (Lrs, Value) {
    let res = app
        .post(
            "/api/v1/lrs-clients",
            &ld(app),
            json!({ "name": "Moodle", "scopes": scopes, "account_home_page": "https://lms.example.com" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    (Lrs::of(&created), created)
}

/// An xAPI request with the client's credentials and version, and more headers.
pub(crate) async fn send(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Response {
    let mut req = app
        .client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", lrs.version);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("send")
}

async fn xapi(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    send(app, lrs, method, path, &[], body).await
}

fn statement(id: &str, email: &str, verb: &str) -> Value {
    json!({
        "id": id,
        "actor": { "objectType": "Agent", "mbox": format!("mailto:{email}") },
        "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": { "en-US": verb } },
        "object": { "objectType": "Activity", "id": "https://lms.example.com/course/42",
                    "definition": { "name": { "en-US": "Safety basics" } } },
        "result": { "duration": "PT45M", "completion": true }
    })
}

const S1: &str = "6a5e6bd1-0000-4000-8000-000000000001";
const S2: &str = "6a5e6bd1-0000-4000-8000-000000000002";
const S3: &str = "6a5e6bd1-0000-4000-8000-000000000003";

#[tokio::test]
async fn only_ld_admin_manages_lrs_clients_and_the_secret_is_shown_once() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/lrs-clients",
            &app.hr(),
            json!({ "name": "LMS", "scopes": ["xapi:write"] }),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post(
            "/api/v1/lrs-clients",
            &ld(&app),
            json!({ "name": "LMS", "scopes": ["xapi:everything"] }),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "scopes");

    let (lrs, created) = client(&app, &["xapi:write", "xapi:read"]).await;
    let res = app.get("/api/v1/lrs-clients", &app.hr()).await;
    assert_eq!(res.status(), 403);
    let res = app
        .post(
            &format!(
                "/api/v1/lrs-clients/{}:revoke",
                created["id"].as_str().expect("id")
            ),
            &app.hr(),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let listed = body(app.get("/api/v1/lrs-clients", &ld(&app)).await).await;
    assert_eq!(listed.as_array().expect("list").len(), 1);
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is never listed"
    );
    let about = xapi(&app, &lrs, Method::GET, "/about", None).await;
    assert_eq!(about.status(), 200);
    assert!(body(about).await["version"]
        .as_array()
        .expect("versions")
        .contains(&json!("1.0.3")));

    // Revoked credentials stop working at once.
    let ok = xapi(&app, &lrs, Method::GET, "/statements", None).await;
    assert_eq!(ok.status(), 200);
    let res = app
        .post(
            &format!(
                "/api/v1/lrs-clients/{}:revoke",
                created["id"].as_str().expect("id")
            ),
            &ld(&app),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let refused = xapi(&app, &lrs, Method::GET, "/statements", None).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["x-experience-api-version"], "1.0.3");
}

#[tokio::test]
async fn statements_are_stored_once_fetched_queried_and_voided() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;

    // The version header is required.
    let res = app
        .client
        .get(format!("{}/xapi/statements", app.base))
        .header("authorization", &lrs.basic)
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);

    let put = xapi(
        &app,
        &lrs,
        Method::PUT,
        &format!("/statements?statementId={S1}"),
        Some(statement(S1, "ada@example.com", "completed")),
    )
    .await;
    assert_eq!(put.status(), 204);
    // The same statement again: accepted, not duplicated. Different content: 409.
    let again = xapi(
        &app,
        &lrs,
        Method::PUT,
        &format!("/statements?statementId={S1}"),
        Some(statement(S1, "ada@example.com", "completed")),
    )
    .await;
    let status = again.status();
    assert_eq!(status, 204, "{}", again.text().await.unwrap_or_default());
    let changed = xapi(
        &app,
        &lrs,
        Method::PUT,
        &format!("/statements?statementId={S1}"),
        Some(statement(S1, "ada@example.com", "passed")),
    )
    .await;
    assert_eq!(changed.status(), 409);

    // A batch is all or nothing: one invalid statement stores none.
    let mut bad = statement(S3, "bob@example.com", "completed");
    bad["actor"]["mbox"] = json!("bob@example.com");
    let res = xapi(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        Some(json!([statement(S2, "bob@example.com", "completed"), bad])),
    )
    .await;
    assert_eq!(res.status(), 400);
    let problem = body(res).await;
    assert!(
        problem["errors"][0]["field"]
            .as_str()
            .expect("field")
            .contains("actor.mbox"),
        "{problem}"
    );
    let posted = xapi(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        Some(json!([
            statement(S2, "bob@example.com", "completed"),
            statement(S3, "ada@example.com", "attempted")
        ])),
    )
    .await;
    assert_eq!(posted.status(), 200);
    assert_eq!(body(posted).await, json!([S2, S3]));

    let one = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S1}"),
        None,
    )
    .await;
    assert_eq!(one.status(), 200);
    assert!(one
        .headers()
        .contains_key("x-experience-api-consistent-through"));
    assert!(one.headers().contains_key("last-modified"));
    let one = body(one).await;
    assert_eq!(one["id"], S1);
    assert!(one["stored"].is_string() && one["authority"]["account"].is_object());

    let ada = serde_json::to_string(&json!({ "mbox": "mailto:ada@example.com" })).expect("json");
    let by_agent = body(
        xapi(
            &app,
            &lrs,
            Method::GET,
            &format!("/statements?agent={}", urlencode(&ada)),
            None,
        )
        .await,
    )
    .await;
    let ids: Vec<&str> = by_agent["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [S3, S1], "newest first, only Ada's");

    // Paging with `more` walks every statement once.
    let first = body(xapi(&app, &lrs, Method::GET, "/statements?limit=2", None).await).await;
    assert_eq!(first["statements"].as_array().expect("page").len(), 2);
    let more = first["more"].as_str().expect("more");
    let rest = body(
        xapi(
            &app,
            &lrs,
            Method::GET,
            more.trim_start_matches("/xapi"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(rest["statements"].as_array().expect("page").len(), 1);
    assert_eq!(rest["more"], "");

    // Voiding hides the statement from queries; it stays fetchable as voided.
    let void = json!({
        "actor": { "mbox": "mailto:admin@example.com" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided", "display": { "en-US": "voided" } },
        "object": { "objectType": "StatementRef", "id": S1 }
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(void)).await;
    assert_eq!(res.status(), 200);
    let gone = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S1}"),
        None,
    )
    .await;
    assert_eq!(gone.status(), 404);
    let voided = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?voidedStatementId={S1}"),
        None,
    )
    .await;
    assert_eq!(voided.status(), 200);

    // Unknown parameters and bad filters are refused with the parameter named.
    let res = xapi(&app, &lrs, Method::GET, "/statements?colour=blue", None).await;
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["errors"][0]["field"], "colour");
    let res = xapi(&app, &lrs, Method::GET, "/statements?verb=completed", None).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn scopes_decide_who_writes_and_who_reads_what() {
    let app = TestApp::spawn().await;
    let (writer, _) = client(&app, &["xapi:write", "xapi:read:mine"]).await;
    let (other, _) = client(&app, &["xapi:write", "xapi:read:mine"]).await;
    let (reader, _) = client(&app, &["xapi:read"]).await;
    let res = xapi(
        &app,
        &reader,
        Method::POST,
        "/statements",
        Some(statement(S1, "ada@example.com", "completed")),
    )
    .await;
    assert_eq!(res.status(), 403, "read-only clients cannot write");
    let res = xapi(
        &app,
        &writer,
        Method::POST,
        "/statements",
        Some(statement(S1, "ada@example.com", "completed")),
    )
    .await;
    assert_eq!(res.status(), 200);
    let theirs = body(xapi(&app, &other, Method::GET, "/statements", None).await).await;
    assert_eq!(
        theirs["statements"],
        json!([]),
        "read:mine sees only its own"
    );
    let res = xapi(
        &app,
        &other,
        Method::GET,
        &format!("/statements?statementId={S1}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 404);
    let mine = body(xapi(&app, &writer, Method::GET, "/statements", None).await).await;
    assert_eq!(mine["statements"].as_array().expect("list").len(), 1);
    let all = body(xapi(&app, &reader, Method::GET, "/statements", None).await).await;
    assert_eq!(all["statements"].as_array().expect("list").len(), 1);

    // A Learnwell token needs an xAPI scope; a plain employee token is refused.
    let plain = app.token_for("someone", &["employee"], &[], None);
    let res = app
        .client
        .get(format!("{}/xapi/statements", app.base))
        .bearer_auth(plain)
        .header("x-experience-api-version", "1.0.3")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 403);
    let scoped = app.token_for("dashboard", &[], &["xapi:read"], None);
    let res = app
        .client
        .get(format!("{}/xapi/statements", app.base))
        .bearer_auth(scoped)
        .header("x-experience-api-version", "2.0.0")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-experience-api-version"], "2.0.0");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A person, a course with an xAPI activity, and the person's enrolment in it (status moved to
/// `status` unless `enrolled`). Returns the person's token, the enrolment id and the person's id.
pub(crate) async fn enrolled(
    app: &TestApp,
    activity_id: &str,
    status: &str,
) -> (String, String, String) {
    let p = crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(app),
            json!({ "code": "SAFE", "title": "Safety basics", "estimated_minutes": 30,
                    "xapi_activity_id": activity_id }),
        )
        .await,
    )
    .await;
    let a1 = app.employee_token(&p["A1"]);
    let res = app
        .post(
            "/api/v1/enrollments",
            &a1,
            json!({ "course_id": course["id"] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let id = body(res).await["id"].as_str().expect("id").to_owned();
    if status != "enrolled" {
        let res = app
            .client
            .patch(format!("{}/api/v1/enrollments/{id}", app.base))
            .bearer_auth(&a1)
            .header("if-match", "\"1\"")
            .json(&json!({ "status": status }))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 200);
    }
    (a1, id, p["A1"].clone())
}

/// The `items` of a list answer.
pub(crate) async fn items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    body(app.get(path, token).await).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

#[tokio::test]
async fn learning_statements_become_records_and_time_and_voiding_removes_them() {
    let app = TestApp::spawn().await;
    let (a1, _, a1_id) = enrolled(&app, "https://lms.example.com/course/42", "enrolled").await;
    let records_path = format!("/api/v1/learning-records?employee_id={a1_id}");
    let march = "/api/v1/time-entries?from=2026-03-01&to=2026-03-31";
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;

    let mut done = statement(S1, "a1@example.com", "completed");
    done["timestamp"] = json!("2026-03-02T10:00:00Z");
    done["result"]["score"] = json!({ "scaled": 0.9 });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(done)).await;
    assert_eq!(res.status(), 200);
    // The projection applies it in the background, soon after the answer.
    let mut waited = 0;
    while items(&app, &records_path, &a1).await.is_empty() {
        assert!(
            waited < 100,
            "the projection did not apply the statement in 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    // Experienced, by an employee named by the client's account home page and external id.
    let by_account = json!({
        "id": S2,
        "actor": { "account": { "homePage": "https://lms.example.com", "name": "A1" } },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/experienced" },
        "object": { "id": "https://lms.example.com/video/7", "definition": { "name": { "en-US": "Ladder video" } } },
        "result": { "duration": "PT10M" },
        "timestamp": "2026-03-03T09:00:00Z"
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(by_account)).await;
    assert_eq!(res.status(), 200);
    // Attended, by the SHA-1 of the employee's mailto: address.
    let by_hash = json!({
        "id": S3,
        "actor": { "mbox_sha1sum": "48f8420eccdd1703b4f43ce8da8f9602ec81580c" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/attended" },
        "object": { "id": "https://lms.example.com/webinar/3", "definition": { "name": { "en-US": "Webinar" } } },
        "result": { "duration": "PT1H" },
        "timestamp": "2026-03-04T09:00:00Z"
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(by_hash)).await;
    assert_eq!(res.status(), 200);
    app.projected().await;

    let mut got: Vec<(String, u64, String)> = items(&app, &records_path, &a1)
        .await
        .iter()
        .map(|r| {
            (
                r["title"].as_str().expect("title").to_owned(),
                r["minutes"].as_u64().expect("minutes"),
                r["source"].as_str().expect("source").to_owned(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Ladder video".to_owned(), 10, "xapi".to_owned()),
            ("Safety basics".to_owned(), 45, "xapi".to_owned()),
            ("Webinar".to_owned(), 60, "xapi".to_owned())
        ]
    );
    let enrolments = items(
        &app,
        &format!("/api/v1/enrollments?employee_id={a1_id}"),
        &a1,
    )
    .await;
    assert_eq!(enrolments[0]["status"], "completed");
    let entries = items(&app, march, &a1).await;
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e["learning_record_id"].is_string()));

    // Voiding the completion removes its record and its time.
    let void = json!({
        "actor": { "mbox": "mailto:admin@example.com" },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/voided" },
        "object": { "objectType": "StatementRef", "id": S1 }
    });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(void)).await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    let records = items(&app, &records_path, &a1).await;
    assert_eq!(records.len(), 2);
    assert_eq!(items(&app, march, &a1).await.len(), 2);

    // People link their own time to their own records, and only to those.
    let record = records[0]["id"].as_str().expect("id").to_owned();
    let log = |record: String| {
        json!({ "date": "2026-03-05", "minutes": 20, "category": "role_related",
                "learning_record_id": record })
    };
    let res = app
        .post("/api/v1/time-entries", &a1, log(record.clone()))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(body(res).await["learning_record_id"], record.as_str());
    let res = app
        .post(
            "/api/v1/time-entries",
            &a1,
            log("01a20000-0000-7000-8000-000000000000".to_owned()),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "learning_record_id");
}

#[tokio::test]
async fn a_batch_keeps_the_rules_of_time_entries_and_the_sums() {
    let app = TestApp::spawn().await;
    let p = crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let a1 = app.employee_token(&p["A1"]);
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    // Three statements of 10 hours each on one day, and one in the next quarter.
    let batch: Vec<Value> = [
        ("2026-03-10T09:00:00Z", "PT10H"),
        ("2026-03-10T12:00:00Z", "PT10H"),
        ("2026-03-10T15:00:00Z", "PT10H"),
        ("2026-04-01T09:00:00Z", "PT30M"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (at, duration))| {
        let mut s = statement(
            &format!("6a5e6bd1-0000-4000-8000-00000000010{i}"),
            "a1@example.com",
            "experienced",
        );
        s["timestamp"] = json!(at);
        s["result"]["duration"] = json!(duration);
        s
    })
    .collect();
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(json!(batch))).await;
    assert_eq!(res.status(), 200);
    app.projected().await;
    let records = items(
        &app,
        &format!("/api/v1/learning-records?employee_id={}", p["A1"]),
        &a1,
    )
    .await;
    assert_eq!(records.len(), 4);
    // A day holds 24 hours: the third statement's record stays, its time does not.
    let minutes: Vec<u64> = items(
        &app,
        "/api/v1/time-entries?from=2026-03-01&to=2026-04-30",
        &a1,
    )
    .await
    .iter()
    .map(|e| e["minutes"].as_u64().expect("minutes"))
    .collect();
    assert_eq!(minutes, [600, 600, 30]);
    for (period, used) in [("2026-03", 1200), ("2026-Q1", 1200), ("2026-Q2", 30)] {
        let summary = body(
            app.get(
                &format!(
                    "/api/v1/learning-time/summary?period={period}&employee_id={}",
                    p["A1"]
                ),
                &a1,
            )
            .await,
        )
        .await;
        assert_eq!(
            summary["totals"]["used_in_work_minutes"], used,
            "{period}: {summary}"
        );
    }
}

#[tokio::test]
async fn unmatched_actors_are_reported_and_reapplied_once_the_mapping_is_fixed() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    let res = xapi(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        Some(statement(S1, "newcomer@example.com", "completed")),
    )
    .await;
    assert_eq!(res.status(), 200, "unmatched statements are still stored");
    app.projected().await;
    let res = app.get("/api/v1/lrs/unmatched-actors", &app.hr()).await;
    assert_eq!(res.status(), 403);
    let res = app
        .post("/api/v1/lrs/unmatched-actors:reapply", &app.hr(), json!({}))
        .await;
    assert_eq!(res.status(), 403);
    let report = body(app.get("/api/v1/lrs/unmatched-actors", &ld(&app)).await).await;
    assert_eq!(report[0]["actor"], "mbox:mailto:newcomer@example.com");
    assert_eq!(report[0]["statements"], 1);

    let p = crate::helpers::ids(
        &app.sync(json!([crate::helpers::person("NEWCOMER", None)]))
            .await,
    );
    let res = app
        .post("/api/v1/lrs/unmatched-actors:reapply", &ld(&app), json!({}))
        .await;
    assert_eq!(body(res).await["applied"], 1);
    let report = body(app.get("/api/v1/lrs/unmatched-actors", &ld(&app)).await).await;
    assert_eq!(report, json!([]));
    let newcomer = app.employee_token(&p["NEWCOMER"]);
    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={}", p["NEWCOMER"]),
            &newcomer,
        )
        .await,
    )
    .await;
    assert_eq!(records["items"][0]["minutes"], 45);
}

async fn doc(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Response {
    let mut req = app
        .client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_owned());
    }
    req.send().await.expect("send")
}

#[tokio::test]
async fn documents_keep_state_and_profiles_with_etags_and_merges() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let agent = urlencode(r#"{"mbox":"mailto:ada@example.com"}"#);
    let activity = urlencode("https://lms.example.com/course/42");
    let state = format!("/activities/state?activityId={activity}&agent={agent}");

    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &format!("{state}&stateId=bookmark"),
        &[],
        Some(r#"{"page":3}"#),
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = doc(
        &app,
        &lrs,
        Method::POST,
        &format!("{state}&stateId=bookmark"),
        &[],
        Some(r#"{"slide":7}"#),
    )
    .await;
    assert_eq!(res.status(), 204);
    let got = doc(
        &app,
        &lrs,
        Method::GET,
        &format!("{state}&stateId=bookmark"),
        &[],
        None,
    )
    .await;
    assert_eq!(got.status(), 200);
    assert!(got.headers().contains_key("etag"));
    assert_eq!(
        body(got).await,
        json!({ "page": 3, "slide": 7 }),
        "POST merges"
    );
    let ids = body(doc(&app, &lrs, Method::GET, &state, &[], None).await).await;
    assert_eq!(ids, json!(["bookmark"]));
    let res = doc(
        &app,
        &lrs,
        Method::POST,
        &format!("{state}&stateId=bookmark"),
        &[],
        Some("[1]"),
    )
    .await;
    assert_eq!(res.status(), 400, "only objects merge");
    let res = doc(&app, &lrs, Method::DELETE, &state, &[], None).await;
    assert_eq!(res.status(), 204);
    let gone = doc(
        &app,
        &lrs,
        Method::GET,
        &format!("{state}&stateId=bookmark"),
        &[],
        None,
    )
    .await;
    assert_eq!(gone.status(), 404);

    // A profile is replaced only by someone who says which version they replace.
    let profile = format!("/activities/profile?activityId={activity}&profileId=settings");
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &profile,
        &[],
        Some(r#"{"theme":"dark"}"#),
    )
    .await;
    assert_eq!(res.status(), 204);
    let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &profile,
        &[],
        Some(r#"{"theme":"light"}"#),
    )
    .await;
    assert_eq!(res.status(), 409);
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &profile,
        &[("if-match", "\"0000\"")],
        Some(r#"{"theme":"light"}"#),
    )
    .await;
    assert_eq!(res.status(), 412);
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &profile,
        &[("if-none-match", "*")],
        Some(r#"{"theme":"light"}"#),
    )
    .await;
    assert_eq!(res.status(), 412);
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &profile,
        &[("if-match", &etag)],
        Some(r#"{"theme":"light"}"#),
    )
    .await;
    assert_eq!(res.status(), 204);
    let got = body(doc(&app, &lrs, Method::GET, &profile, &[], None).await).await;
    assert_eq!(got, json!({ "theme": "light" }));

    let agent_profile = format!("/agents/profile?agent={agent}&profileId=prefs");
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &agent_profile,
        &[],
        Some(r#"{"lang":"de"}"#),
    )
    .await;
    assert_eq!(res.status(), 204);
    let person = body(
        doc(
            &app,
            &lrs,
            Method::GET,
            &format!("/agents?agent={agent}"),
            &[],
            None,
        )
        .await,
    )
    .await;
    assert_eq!(person["mbox"], json!(["mailto:ada@example.com"]));

    // The Activities resource knows the definition from the statements.
    let res = xapi(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        Some(statement(S1, "ada@example.com", "attempted")),
    )
    .await;
    assert_eq!(res.status(), 200);
    let known = body(
        doc(
            &app,
            &lrs,
            Method::GET,
            &format!("/activities?activityId={activity}"),
            &[],
            None,
        )
        .await,
    )
    .await;
    assert_eq!(known["definition"]["name"]["en-US"], "Safety basics");

    // Missing and unknown parameters are named.
    let res = doc(
        &app,
        &lrs,
        Method::GET,
        &format!("/activities/state?activityId={activity}"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["errors"][0]["field"], "agent");

    // A read-only client reads documents but cannot write them.
    let (reader, _) = client(&app, &["xapi:read"]).await;
    let res = doc(
        &app,
        &reader,
        Method::PUT,
        &format!("{state}&stateId=x"),
        &[],
        Some("{}"),
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = doc(&app, &reader, Method::GET, &profile, &[], None).await;
    assert_eq!(res.status(), 200);
    // A write-only client stores but reads nothing back.
    let (writer, _) = client(&app, &["xapi:write"]).await;
    for path in [
        profile.clone(),
        format!("/agents?agent={agent}"),
        format!("/activities?activityId={activity}"),
    ] {
        let res = doc(&app, &writer, Method::GET, &path, &[], None).await;
        assert_eq!(res.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_the_limit_named() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write"]).await;
    let huge = format!("[{}]", "0,".repeat(4_500_000) + "0");
    let res = app
        .client
        .post(format!("{}/xapi/statements", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3")
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["x-experience-api-version"], "1.0.3");
    assert_eq!(body(res).await["code"], "payload_too_large");
}

#[tokio::test]
async fn concurrent_overlapping_batches_store_each_statement_once() {
    let app = TestApp::spawn().await;
    crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let id = |n: usize| format!("6a5e6bd1-0000-4000-8000-{n:012}");
    // Eight clients post batches of ten that overlap by half, all at once; on PostgreSQL to two
    // instances, each with its own projector (SQLite is for one instance: docs/OPERATIONS.md).
    let sibling = match app.state.services.db.backend() {
        learnwell_persistence::Backend::Postgres => Some(app.sibling().await),
        learnwell_persistence::Backend::Sqlite => None,
    };
    let bases = [
        app.base.clone(),
        sibling.map_or_else(|| app.base.clone(), |s| s.base),
    ];
    let tasks: Vec<_> = (0..8)
        .map(|k| {
            let batch: Vec<Value> = (k * 5..k * 5 + 10)
                .map(|n| statement(&id(n), "a1@example.com", "completed"))
                .collect();
            let base = &bases[k % 2];
            let req = app
                .client
                .post(format!("{base}/xapi/statements"))
                .header("authorization", &lrs.basic)
                .header("x-experience-api-version", "1.0.3")
                .json(&batch);
            tokio::spawn(async move { req.send().await.expect("send") })
        })
        .collect();
    for task in tasks {
        let res = task.await.expect("task");
        assert_eq!(
            res.status(),
            200,
            "{}",
            res.text().await.unwrap_or_default()
        );
    }
    let all = body(xapi(&app, &lrs, Method::GET, "/statements?limit=100", None).await).await;
    assert_eq!(all["statements"].as_array().expect("statements").len(), 45);
    app.projected().await;
    let ld = ld(&app);
    let records = body(app.get("/api/v1/learning-records?first=200", &ld).await).await;
    assert_eq!(
        records["items"].as_array().expect("items").len(),
        45,
        "one learning record per statement, whichever projector applied it"
    );
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A request in the Alternate Request Syntax: POST `path?method=<method>` with a form body.
async fn alternate(
    app: &TestApp,
    path: &str,
    method: &str,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> Response {
    let mut req = app
        .client
        .post(format!("{}/xapi{path}?method={method}", app.base))
        .header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(form(fields)).send().await.expect("send")
}

#[tokio::test]
async fn the_alternate_request_syntax_reaches_every_resource_with_headers_in_the_form() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let auth = lrs.basic.as_str();
    let content = statement(S1, "ada@example.com", "attempted").to_string();
    // Headers, parameters and content all in the form: nothing but the method in the URL.
    let res = alternate(
        &app,
        "/statements",
        "PUT",
        &[],
        &[
            ("Authorization", auth),
            ("X-Experience-API-Version", "1.0.3"),
            ("Content-Type", "application/json"),
            ("statementId", S1),
            ("content", &content),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        204,
        "{}",
        res.text().await.unwrap_or_default()
    );
    // Headers sent as headers work as well; content without a Content-Type is JSON.
    let real = [
        ("authorization", auth),
        ("x-experience-api-version", "1.0.3"),
    ];
    let batch = json!([statement(S2, "bob@example.com", "attempted")]).to_string();
    let res = alternate(&app, "/statements", "POST", &real, &[("content", &batch)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await, json!([S2]));
    let res = alternate(&app, "/statements", "GET", &real, &[("statementId", S1)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["id"], S1);
    let res = alternate(&app, "/statements", "GET", &real, &[("limit", "1")]).await;
    let page = body(res).await;
    assert_eq!(page["statements"].as_array().expect("page").len(), 1);
    assert!(page["more"].is_string());
    let res = alternate(&app, "/statements", "HEAD", &real, &[("statementId", S1)]).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.bytes().await.expect("body").is_empty(),
        "HEAD has no body"
    );

    // Documents: If-Match and If-None-Match come from the form too.
    let agent = r#"{"mbox":"mailto:ada@example.com"}"#;
    let activity = "https://lms.example.com/course/42";
    let state = [
        ("activityId", activity),
        ("agent", agent),
        ("stateId", "bookmark"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut fields = state.to_vec();
        fields.extend_from_slice(extra);
        fields
    };
    let res = alternate(
        &app,
        "/activities/state",
        "PUT",
        &real,
        &with(&[("content", r#"{"page":3}"#), ("If-None-Match", "*")]),
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = alternate(
        &app,
        "/activities/state",
        "PUT",
        &real,
        &with(&[("content", r#"{"page":4}"#), ("If-None-Match", "*")]),
    )
    .await;
    assert_eq!(res.status(), 412, "If-None-Match from the form applies");
    let res = alternate(&app, "/activities/state", "GET", &real, &state).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await, json!({ "page": 3 }));
    let res = alternate(&app, "/activities/state", "DELETE", &real, &state).await;
    assert_eq!(res.status(), 204);
    let res = alternate(
        &app,
        "/agents/profile",
        "PUT",
        &real,
        &[("agent", agent), ("profileId", "prefs"), ("content", "{}")],
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = alternate(
        &app,
        "/activities/profile",
        "GET",
        &real,
        &[("activityId", activity)],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = alternate(
        &app,
        "/activities",
        "GET",
        &real,
        &[("activityId", activity)],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = alternate(&app, "/agents", "GET", &real, &[("agent", agent)]).await;
    assert_eq!(body(res).await["mbox"], json!(["mailto:ada@example.com"]));
    let res = alternate(&app, "/about", "GET", &[], &[]).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_alternate_request_syntax_refuses_what_the_specification_forbids() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let real = [
        ("authorization", lrs.basic.as_str()),
        ("x-experience-api-version", "1.0.3"),
    ];
    let content = statement(S1, "ada@example.com", "attempted").to_string();
    let problem_field = |v: Value| {
        v["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };

    // Any query parameter besides method.
    let res = app
        .client
        .post(format!(
            "{}/xapi/statements?method=PUT&statementId={S1}",
            app.base
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3")
        .body(form(&[("statementId", S1), ("content", &content)]))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);
    assert_eq!(problem_field(body(res).await), "statementId");
    // Not sent as a POST.
    let res = app
        .client
        .get(format!("{}/xapi/statements?method=POST", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);
    assert_eq!(problem_field(body(res).await), "method");
    // Not a form.
    let res = app
        .client
        .post(format!("{}/xapi/statements?method=PUT", app.base))
        .header("content-type", "application/json")
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3")
        .body(json!({ "statementId": S1, "content": content }).to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 400);
    assert_eq!(body(res).await["code"], "invalid_alternate_request");
    // A form parameter that is no parameter of the resource, an unknown method, no content.
    let res = alternate(
        &app,
        "/statements",
        "PUT",
        &real,
        &[
            ("statementId", S1),
            ("colour", "blue"),
            ("content", &content),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(problem_field(body(res).await), "colour");
    let res = alternate(&app, "/statements", "PATCH", &real, &[]).await;
    assert_eq!(res.status(), 400);
    let res = alternate(&app, "/statements", "PUT", &real, &[("statementId", S1)]).await;
    assert_eq!(res.status(), 400);
    // Credentials are still required, from the form or the headers.
    let res = alternate(
        &app,
        "/statements",
        "GET",
        &[("x-experience-api-version", "1.0.3")],
        &[],
    )
    .await;
    assert_eq!(res.status(), 401);
    // xAPI 2.0 removed the syntax, whether the version comes as a header or in the form.
    let res = alternate(
        &app,
        "/statements",
        "GET",
        &[
            ("authorization", lrs.basic.as_str()),
            ("x-experience-api-version", "2.0.0"),
        ],
        &[],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["x-experience-api-version"], "2.0.0");
    let res = alternate(
        &app,
        "/statements",
        "PUT",
        &[("authorization", lrs.basic.as_str())],
        &[
            ("X-Experience-API-Version", "2.0.0"),
            ("statementId", S1),
            ("content", &content),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(problem_field(body(res).await), "method");
    // A method the resource does not have.
    let res = xapi(&app, &lrs, Method::DELETE, "/statements", None).await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD, PUT, POST");
    let res = alternate(&app, "/statements", "DELETE", &real, &[]).await;
    assert_eq!(res.status(), 405);
}

/// A test signer: an RSA key, its self-signed certificate (base64 DER), and a stranger's key.
const SIGNER_KEY: &str = r"-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAsbZZ7fB3TFT7TdNPfRrmLIVcrMmiK/yqNDLImXLiwd75I0cg
FELqMz3WKtcrDhCckFibcNIPWSt8aPZPfrt7zSbosomRbUTupJ7rvEdEb0dMKk9b
HuCvAinDHBxasD3y4ww73AliIzwoVqrZHrG3lVXdiXaBkX/B5uFe2g4azoYduRGU
lGC/B9GBL/Z9WDHixnZ1lzQMkqFvZPdWGNiCqHxmlK75g8Kog2vI5egiQO34Q2Gt
RhfGAGP4H4f3qKMYB6psD/racAbCM1dD++iEQv98J7AOma2PIoGcXO/DAdXW2iDD
v0OT+nXoxDFha+4/c93rcugCXAswXI6LyyppBwIDAQABAoIBAFgNWhGjC/kuQjYV
dVUvdsyoZ3rVjRzuXAbxAqPFYMVejWMFYsenQBOTmAIyCos1f92liZ8k9aXg/guj
v0+z5WuI09NihkP126iFdZgcV7QrR3nPR/7MpOoVdy7+fZDFoQsOjLpBi/aZYANR
M7MZqzS7DsGFjj1hZ9nV4QF5655X0dDUejAG+6M3++P0bv4WcX8ptD/9qyexBnuv
qa34ABRP6fHSuALxkb6U0dJYtKkE+K+EpJqA3y+c+wfqZUF3fQwDBqm9kMr8Vw3+
g/iiqOfyMGK/UhwRedzYPOGVrv3FbmqvVaJ4vG7E8euH24KEdbHxSTbQKakIPniB
IutIjEECgYEA4DdHzrFTE3Dc58rJkxqDxZouCcbwhZrbnPg4WfKwWD3GO8sjyJse
SPaSj0hmXAayF3DaZspdSAL5loJiYo5nKEDE+3GC8JC+rpU+jUU6Bi1mOQ6EdMHp
hq+a45iSyFxHBtw9of7B+StYXx6XqUK2D8C3sGTzcSNnCmp6bNM0fSMCgYEAyud4
U4GJ016K5sAuuIWps81mmsmADKInd+HxtrpbhRO9DjP3+MuN8k/vO7QAvdNatLOE
6MS4VZ8X7acx92XRPAApuSy4afZjPlxFWgH/Zhjqvt2COG+8Sq9uf0vRFf3iOH9S
87JkOQ4MUHBbCR+yOXz7AMb9tWnyW80fck/aPM0CgYEAxx8Q/HTqjIddB9VGMwgH
IoQMgs5UaLLgeoTOtsMa7SLfW9bKTqvDt5STEACCNxQTMVIeA8+QDBXoRkxAx7oj
ztHGnm9uk+pYDX+pb5idMUM8V0uXQoG7vMtTSPEE2j9pLKSHb8hpx7lA4CixE7aV
LWQ/Pb5JnJ6OMefiFad0I/UCgYAoGLvvjJ7G9VzvorTY5BkYHhQTrJQwau7vwue4
W3Vwg+kNYHm1YcxoQSGeo8CtwpGfOgae1Rk0Wl8pKKw4HpfNip60KEE9N2J/VU6j
LdfhvjTNiQqNyo7kF2z3nOzxsp082vRykiM6HyuRzdI/qFLZB3i2u5wxeIFbYNrB
BUS0VQKBgQDOuTHQHgGosVruSl82zWr0fn1vf7x/4PFfQ/5T4orcHQu+cSv9i/pr
pXl0mvpQCCbXgP7L7DrwAWsYUwFK/CLjiQiP2L0uwv4YQIWFOF9P+HaBoLeouAmw
p90AevLYdZNXxijiAgr93vRtNYj5dTvtpe2vtVPxXFqnnsrg0cdlWQ==
-----END RSA PRIVATE KEY-----
";
const SIGNER_CERTIFICATE: &str = "MIIDIzCCAgugAwIBAgIUNX2RGN5Mr3xg0JCzncsR3kG8QYQwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UEAwwVTGVhcm53ZWxsIHRlc3Qgc2lnbmVyMCAXDTI2MTEyMzE1MjIzMloYDzIxMjYxMDMwMTUyMjMyWjAgMR4wHAYDVQQDDBVMZWFybndlbGwgdGVzdCBzaWduZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCxtlnt8HdMVPtN0099GuYshVysyaIr/Ko0MsiZcuLB3vkjRyAUQuozPdYq1ysOEJyQWJtw0g9ZK3xo9k9+u3vNJuiyiZFtRO6knuu8R0RvR0wqT1se4K8CKcMcHFqwPfLjDDvcCWIjPChWqtkesbeVVd2JdoGRf8Hm4V7aDhrOhh25EZSUYL8H0YEv9n1YMeLGdnWXNAySoW9k91YY2IKofGaUrvmDwqiDa8jl6CJA7fhDYa1GF8YAY/gfh/eooxgHqmwP+tpwBsIzV0P76IRC/3wnsA6ZrY8igZxc78MB1dbaIMO/Q5P6dejEMWFr7j9z3ety6AJcCzBcjovLKmkHAgMBAAGjUzBRMB0GA1UdDgQWBBSupZHp3pUIyXo1Zh6yk+3rndKr3DAfBgNVHSMEGDAWgBSupZHp3pUIyXo1Zh6yk+3rndKr3DAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQA8ZpBH6iSlHH1dd9y6honwGU5KzTeMoCuIJ6XBIMoaaba2+TpTt09gSD7by0phNJA4CCQEJFmeMLyCFQssiTkWvBqbLQa8woYVZE/hybNsguGqtqPlizfeJU3vq6boXJ9bmbsK4dFZFX+Q+3gNIWM4n9/ZzbtBf/75vjEuMpekajYjBamsFMGbgQQ382eEtHB6EmLw0R9NYj7FDtv5NHHvOCn1j5e7XJWlZN/nEyqzmUdxwKhW5NE8XFix8xC6lBeOPLv1KLd5R28GtXPmK8cQfSwaz9pb8QCM1Dc6irYmn5lkkiGy3Hntd8IOdPF6ZICJkRzwLHP5cda1IB2ZkYWK";
const STRANGER_KEY: &str = r"-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEAuRwTHBmHY05tXgtfCGO8xW8xRmETSayRG5d9SGqqPx0sVWWz
uCPCt9T2skyUcN8COcKHDIO/5s14KvPX7s4UovzrSrUvXS36SLk6hl2wYsdZTami
pFrFnvZJWugXK0Lu8Nvnszg96bF6myhcDsj0BUva3ngtY7Ll7iy3KzgarPsDW+UY
GS90j61VAw9PrfUnmkL328SmCyV1igB/D+1Ogjhb5ou1fo06tM58icwTA4Fty/zt
AQ5SAPui+kAAxq3MFs4MLamtICh0+FBQynMT9UbetvCEfGt5DTMDFCbDI0k0rlH9
5jGNas1zm7qJwzIsdw6sZdifCkCLKoZu7WlQbQIDAQABAoIBAAKmHk2LFejtcI3n
ucCFFfXe1etMWwQhd4gM5Ijt5LkG+JHRyoNiPAj9e0gx1ACW3ivfJk9hS2hwj2DM
mCZHeqyajVERkuOykS9SIFjb9Olrkt9E19xkO92XMsptKqOSkZiOw6kuX5QpZIeo
Ww6uRzaPozjAQNDI3kdRdGxSj4T0s+S71URXNsrVEkIi6efiA293atg6wK8f+U1q
Ozfo67JY03Rkgfc2v4CHVBO2vFReCX2+Xl6TmPMAnHZZNiVs1ezrZyzHJ9JfevhF
HDzV2HxTHDcmU4nSC74glmAfvpWHmsgv0cy61W1GD38+lj06gAWfrn0ycb5f/4yC
5qGi1n0CgYEA+4/ztYTSNpDxmzA6vERNAZx3W3ik+ufN/bXcIxsNmaVRVCqIlT/X
lkhDFVyp/C75D4vJRRCI4XwWbwkoxBtl5V7B8RaGoiWB86YCbi3B0qzvXvAiepJP
fJTChUWi3BmihzJBhgaBY9r4oGm16qaW3KrTgrmxTt4mvh18hWSJBksCgYEAvGAG
QzJn2gvyzb2m09eod12oaox2Mh0IyszJP81NV14l7wNhhfXd3/WynIkNofrT0nlb
YBtIghRmiiyORwc4faxJJno/ionP3ZaLRMsEr+vW7GUv+E9kQSyfkZ1d0ppb67th
TLd7iierAo/jSmGKu7grKvnwucbaEaATYVXfMScCgYEAj2+tDjsFgYdzu4DsfJyV
K+4DQGyx5T52/crMElhCkPDqRotaBX+5dT8OwQdtBRXjfTG/OVoMMkWGpRkb3XWh
y/8TplupuJqaVkq56Ai/E1j3w7I4dpsmJ2rK3yKtkcIsIdpN8hWTgVRBn3Wm/Hyw
WHIu18L5jnassIovjf+dAbECgYEAvA5Y8iiWCNY41TBqJb58Dn5Prd7/+FOH/X2n
w6wfdAMnd482gtfLYtQUNbWVCIoxgUNp924FWucm3vZQK5SHzt56QJF2ccXW4G50
Jn9O9JlK/MCfvRL1ESONQX+KtL8o2RM9tarPCENFs88Vp6HtMC5R2hufOLfN6B6Y
emmR4a0CgYEAzLA4vVqC7g7czoeqSfz+gkvaI3XyVOp/x8Y9Lmntfck3hLPJ0dwJ
YdmtwJs5HXcmykb7+TgB9fqhRvv8SRe5X/eeeuTf+/RXscL8kD7ieb4SJVNZkECk
0iI4J/5XV5zQ8rT79ByFibDXUCY7rJ5c2SyQxdB723Za/7/IgaPHy2I=
-----END RSA PRIVATE KEY-----
";

fn sha256_hex(content: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn attachment_object(content: &[u8], content_type: &str, usage: &str) -> Value {
    json!({
        "usageType": usage,
        "display": { "en-US": "An attachment" },
        "contentType": content_type,
        "length": content.len(),
        "sha2": sha256_hex(content)
    })
}

/// An attachment part of a request: its header fields and its content.
type RequestPart<'a> = (Vec<(&'a str, String)>, Vec<u8>);

/// A multipart/mixed body: the statements, then each (headers, content) part, CRLF throughout.
fn multipart_body(boundary: &str, statements: &Value, parts: &[RequestPart<'_>]) -> Vec<u8> {
    let mut out = format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n{statements}\r\n")
        .into_bytes();
    for (headers, content) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for (name, value) in headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The usual headers of an attachment part.
fn part_headers(content: &[u8], content_type: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", content_type.to_owned()),
        ("Content-Transfer-Encoding", "binary".to_owned()),
        ("X-Experience-API-Hash", sha256_hex(content)),
    ]
}

const BOUNDARY: &str = "-------314159265358979323846";

async fn send_multipart(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> Response {
    app.client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3")
        .header(
            "content-type",
            format!("multipart/mixed; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("send")
}

/// Split a multipart answer with the domain's reader.
async fn multipart_answer(res: Response) -> Vec<learnwell_xapi::multipart::Part> {
    let content_type = res.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_owned();
    assert!(
        content_type.starts_with("multipart/mixed"),
        "{content_type}"
    );
    let boundary = learnwell_xapi::multipart::boundary_of(&content_type).expect("boundary");
    let bytes = res.bytes().await.expect("body");
    learnwell_xapi::multipart::parse(&bytes, &boundary).expect("multipart")
}

#[tokio::test]
async fn attachments_are_stored_once_and_come_back_byte_for_byte() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    // Every byte value, line breaks and something that looks like a boundary line.
    let mut content: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    content.extend_from_slice(b"\r\n--not-the-boundary\r\n\r\n\n\r");
    let usage = "http://example.com/attachment-usage/test";
    let mut first = statement(S1, "ada@example.com", "attempted");
    first["attachments"] = json!([attachment_object(&content, "image/png", usage)]);
    let mut second = statement(S2, "bob@example.com", "attempted");
    second["attachments"] = first["attachments"].clone();
    let body = multipart_body(
        BOUNDARY,
        &json!([first, second]),
        &[(part_headers(&content, "image/png"), content.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );

    // One statement with its attachment: the statement first, then the raw data.
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S1}&attachments=true"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(res
        .headers()
        .contains_key("x-experience-api-consistent-through"));
    let parts = multipart_answer(res).await;
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].media_type(), "application/json");
    let got: Value = serde_json::from_slice(&parts[0].body).expect("json");
    assert_eq!(got["id"], S1);
    assert_eq!(
        parts[1].header("X-Experience-API-Hash"),
        Some(sha256_hex(&content).as_str())
    );
    assert_eq!(parts[1].header("Content-Type"), Some("image/png"));
    assert_eq!(parts[1].header("Content-Transfer-Encoding"), Some("binary"));
    assert_eq!(
        parts[1].body, content,
        "the content round-trips byte for byte"
    );

    // A query: both statements, the shared attachment once; `more` keeps asking for attachments.
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        "/statements?attachments=true",
        None,
    )
    .await;
    let parts = multipart_answer(res).await;
    assert_eq!(parts.len(), 2);
    let result: Value = serde_json::from_slice(&parts[0].body).expect("json");
    assert_eq!(result["statements"].as_array().expect("list").len(), 2);
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        "/statements?attachments=true&limit=1",
        None,
    )
    .await;
    let parts = multipart_answer(res).await;
    let result: Value = serde_json::from_slice(&parts[0].body).expect("json");
    let more = result["more"]
        .as_str()
        .expect("more")
        .trim_start_matches("/xapi")
        .to_owned();
    let parts = multipart_answer(xapi(&app, &lrs, Method::GET, &more, None).await).await;
    assert_eq!(parts[1].body, content);
    // Without attachments=true the answer stays JSON.
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        "/statements?attachments=false",
        None,
    )
    .await;
    assert_eq!(res.headers()["content-type"], "application/json");

    // PUT takes multipart too; attachments with a fileUrl may come as plain JSON.
    let text = b"here is a simple attachment".to_vec();
    let mut third = statement(S3, "ada@example.com", "attempted");
    third["attachments"] = json!([attachment_object(&text, "text/plain", usage)]);
    let body = multipart_body(
        BOUNDARY,
        &third,
        &[(part_headers(&text, "text/plain"), text.clone())],
    );
    let res = send_multipart(
        &app,
        &lrs,
        Method::PUT,
        &format!("/statements?statementId={S3}"),
        body,
    )
    .await;
    assert_eq!(
        res.status(),
        204,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let mut linked = statement(
        "6a5e6bd1-0000-4000-8000-000000000004",
        "ada@example.com",
        "attempted",
    );
    let mut object = attachment_object(&text, "text/plain", usage);
    object["fileUrl"] = json!("https://files.example.com/simple.txt");
    linked["attachments"] = json!([object]);
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(linked)).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn attachment_requests_breaking_the_rules_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let text = b"here is a simple attachment".to_vec();
    let usage = "http://example.com/attachment-usage/test";
    let mut s = statement(S1, "ada@example.com", "attempted");
    s["attachments"] = json!([attachment_object(&text, "text/plain", usage)]);
    let refused = |code: &'static str, field: &'static str| {
        move |problem: Value| {
            assert_eq!(problem["code"], code, "{problem}");
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    };

    // The content does not match its hash.
    let body = multipart_body(
        BOUNDARY,
        &s,
        &[(
            part_headers(&text, "text/plain"),
            b"here is a changed attachment".to_vec(),
        )],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 400);
    refused("invalid_attachment", "parts[1].X-Experience-API-Hash")(body_of(res).await);
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S1}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 404, "nothing was stored");
    // No hash header; not binary; a part no attachment declares.
    let mut headers = part_headers(&text, "text/plain");
    headers.remove(2);
    let body = multipart_body(BOUNDARY, &s, &[(headers, text.clone())]);
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    refused("invalid_attachment", "parts[1].X-Experience-API-Hash")(body_of(res).await);
    let mut headers = part_headers(&text, "text/plain");
    headers[1].1 = "base64".to_owned();
    let body = multipart_body(BOUNDARY, &s, &[(headers, text.clone())]);
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    refused("invalid_attachment", "parts[1].Content-Transfer-Encoding")(body_of(res).await);
    let extra = b"not declared".to_vec();
    let body = multipart_body(
        BOUNDARY,
        &s,
        &[
            (part_headers(&text, "text/plain"), text.clone()),
            (part_headers(&extra, "text/plain"), extra.clone()),
        ],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    refused("invalid_attachment", "parts[2].X-Experience-API-Hash")(body_of(res).await);
    // The raw data is missing: as JSON, or as multipart without its part.
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(s.clone())).await;
    assert_eq!(res.status(), 400);
    refused(
        "invalid_attachment",
        "statements[0].statement.attachments[0].sha2",
    )(body_of(res).await);
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        multipart_body(BOUNDARY, &s, &[]),
    )
    .await;
    assert_eq!(res.status(), 400);
    // The statements are not the first part, as JSON; no boundary; another multipart type.
    let body = multipart_body(
        BOUNDARY,
        &s,
        &[(part_headers(&text, "text/plain"), text.clone())],
    );
    let wrong_first = String::from_utf8_lossy(&body)
        .replacen("application/json", "text/plain", 1)
        .into_bytes();
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", wrong_first).await;
    refused("invalid_multipart", "parts[0].Content-Type")(body_of(res).await);
    for content_type in [
        "multipart/mixed;",
        "multipart/form-data; boundary=-------314159265358979323846",
    ] {
        let res = app
            .client
            .post(format!("{}/xapi/statements", app.base))
            .header("authorization", &lrs.basic)
            .header("x-experience-api-version", "1.0.3")
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 400, "{content_type}");
    }
    // Statements are still all or nothing: a valid multipart batch with a second, bad statement.
    let mut bad = statement(S2, "bob@example.com", "attempted");
    bad["actor"]["mbox"] = json!("bob@example.com");
    let body = multipart_body(
        BOUNDARY,
        &json!([s.clone(), bad]),
        &[(part_headers(&text, "text/plain"), text.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 400);
    // A read-only client cannot store attachments; past 8 MiB the body is refused.
    let (reader, _) = client(&app, &["xapi:read"]).await;
    let body = multipart_body(
        BOUNDARY,
        &s,
        &[(part_headers(&text, "text/plain"), text.clone())],
    );
    let res = send_multipart(&app, &reader, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 403);
    let huge = vec![b'x'; 9 * 1024 * 1024];
    let mut big = statement(S3, "ada@example.com", "attempted");
    big["attachments"] = json!([attachment_object(&huge, "text/plain", usage)]);
    let body = multipart_body(
        BOUNDARY,
        &big,
        &[(part_headers(&huge, "text/plain"), huge.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 413);
    assert_eq!(body_of(res).await["code"], "payload_too_large");
}

async fn body_of(res: Response) -> Value {
    serde_json::from_slice(&res.bytes().await.expect("body")).expect("json problem")
}

/// A statement signed with a JWS attachment, as a multipart body.
fn signed_statement(statement: &Value, key_pem: &str, header: jsonwebtoken::Header) -> Vec<u8> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(key_pem.as_bytes()).expect("key");
    let jws = jsonwebtoken::encode(&header, statement, &key)
        .expect("sign")
        .into_bytes();
    let mut signed = statement.clone();
    signed["attachments"] = json!([attachment_object(
        &jws,
        "application/octet-stream",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    multipart_body(
        BOUNDARY,
        &signed,
        &[(part_headers(&jws, "application/octet-stream"), jws)],
    )
}

fn rs256_with_certificate() -> jsonwebtoken::Header {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.x5c = Some(vec![SIGNER_CERTIFICATE.to_owned()]);
    header
}

#[tokio::test]
async fn signed_statements_are_checked_and_verified_against_their_certificate() {
    let app = TestApp::spawn().await;
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;
    let s = statement(S1, "ada@example.com", "attempted");
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        signed_statement(&s, SIGNER_KEY, rs256_with_certificate()),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    // Without x5c only the structure can be checked; RS512 is allowed.
    let other = statement(S2, "ada@example.com", "attempted");
    let plain = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS512);
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        signed_statement(&other, STRANGER_KEY, plain),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    // The signature comes back with the statement.
    let parts = multipart_answer(
        xapi(
            &app,
            &lrs,
            Method::GET,
            &format!("/statements?statementId={S1}&attachments=true"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[1].header("Content-Type"),
        Some("application/octet-stream")
    );

    let refused = |field: &'static str| {
        move |problem: Value| {
            assert_eq!(problem["code"], "invalid_signature", "{problem}");
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    };
    let s3 = statement(S3, "ada@example.com", "attempted");
    // Signed by another key than the certificate's.
    let res = send_multipart(
        &app,
        &lrs,
        Method::POST,
        "/statements",
        signed_statement(&s3, STRANGER_KEY, rs256_with_certificate()),
    )
    .await;
    assert_eq!(res.status(), 400);
    refused("statements[0].statement.attachments[0]")(body_of(res).await);
    // A symmetric algorithm.
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &s3,
        &jsonwebtoken::EncodingKey::from_secret(b"secret"),
    )
    .expect("sign")
    .into_bytes();
    let mut signed = s3.clone();
    signed["attachments"] = json!([attachment_object(
        &hs,
        "application/octet-stream",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    let body = multipart_body(
        BOUNDARY,
        &signed,
        &[(part_headers(&hs, "application/octet-stream"), hs.clone())],
    );
    let res = send_multipart(
        &app,
        &lrs,
        Method::PUT,
        &format!("/statements?statementId={S3}"),
        body,
    )
    .await;
    assert_eq!(res.status(), 400);
    refused("statement.attachments[0]")(body_of(res).await);
    // The payload is another statement.
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(SIGNER_KEY.as_bytes()).expect("key");
    let jws = jsonwebtoken::encode(
        &rs256_with_certificate(),
        &statement(S3, "bob@example.com", "attempted"),
        &key,
    )
    .expect("sign")
    .into_bytes();
    let mut signed = s3.clone();
    signed["attachments"] = json!([attachment_object(
        &jws,
        "application/octet-stream",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    let body = multipart_body(
        BOUNDARY,
        &signed,
        &[(part_headers(&jws, "application/octet-stream"), jws.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 400);
    let problem = body_of(res).await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not the statement"),
        "{problem}"
    );
    // A signature attachment that is not application/octet-stream.
    let mut wrong_type = s3.clone();
    wrong_type["attachments"] = json!([attachment_object(
        &jws,
        "text/plain",
        "http://adlnet.gov/expapi/attachments/signature"
    )]);
    let body = multipart_body(
        BOUNDARY,
        &wrong_type,
        &[(part_headers(&jws, "text/plain"), jws.clone())],
    );
    let res = send_multipart(&app, &lrs, Method::POST, "/statements", body).await;
    assert_eq!(res.status(), 400);
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?statementId={S3}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 404, "no refused statement was stored");
}
