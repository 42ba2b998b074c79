use crate::helpers::{body, TestApp};
use base64::Engine;
use reqwest::{Method, Response};
use serde_json::{json, Value};

fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// An LRS client's `Authorization` header.
struct Lrs {
    basic: String,
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
    let pair = format!(
        "{}:{}",
        created["key"].as_str().expect("key"),
        created["secret"].as_str().expect("secret")
    );
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    );
    (Lrs { basic }, created)
}

async fn xapi(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut req = app
        .client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3");
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("send")
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

#[tokio::test]
async fn learning_statements_become_records_and_time_and_voiding_removes_them() {
    let app = TestApp::spawn().await;
    let p = crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(&app),
            json!({ "code": "SAFE", "title": "Safety basics", "estimated_minutes": 30,
                    "xapi_activity_id": "https://lms.example.com/course/42" }),
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
    let (lrs, _) = client(&app, &["xapi:write", "xapi:read"]).await;

    let mut done = statement(S1, "a1@example.com", "completed");
    done["timestamp"] = json!("2026-03-02T10:00:00Z");
    done["result"]["score"] = json!({ "scaled": 0.9 });
    let res = xapi(&app, &lrs, Method::POST, "/statements", Some(done)).await;
    assert_eq!(res.status(), 200);
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

    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={}", p["A1"]),
            &a1,
        )
        .await,
    )
    .await;
    let mut got: Vec<(String, u64, String)> = records["items"]
        .as_array()
        .expect("items")
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
    let enrolments = body(
        app.get(&format!("/api/v1/enrollments?employee_id={}", p["A1"]), &a1)
            .await,
    )
    .await;
    assert_eq!(enrolments["items"][0]["status"], "completed");
    let entries = body(
        app.get("/api/v1/time-entries?from=2026-03-01&to=2026-03-31", &a1)
            .await,
    )
    .await;
    let entries = entries["items"].as_array().expect("items");
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
    let records = body(
        app.get(
            &format!("/api/v1/learning-records?employee_id={}", p["A1"]),
            &a1,
        )
        .await,
    )
    .await;
    assert_eq!(records["items"].as_array().expect("items").len(), 2);
    let entries = body(
        app.get("/api/v1/time-entries?from=2026-03-01&to=2026-03-31", &a1)
            .await,
    )
    .await;
    assert_eq!(entries["items"].as_array().expect("items").len(), 2);

    // People link their own time to their own records, and only to those.
    let record = records["items"][0]["id"].as_str().expect("id").to_owned();
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
    // Eight clients post batches of ten that overlap by half, all at once.
    let tasks: Vec<_> = (0..8)
        .map(|k| {
            let batch: Vec<Value> = (k * 5..k * 5 + 10)
                .map(|n| statement(&id(n), "a1@example.com", "completed"))
                .collect();
            let req = app
                .client
                .post(format!("{}/xapi/statements", app.base))
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
    let ld = ld(&app);
    let records = body(app.get("/api/v1/learning-records?first=200", &ld).await).await;
    assert_eq!(
        records["items"].as_array().expect("items").len(),
        45,
        "one learning record per statement"
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
