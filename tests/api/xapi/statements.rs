//! The statements resource: store, fetch, query, void, size limits, concurrent batches.

use super::{client, ld, statement, urlencode, xapi, S1, S2, S3};
use crate::helpers::{body, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

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

/// The `more` token of a `more` link (`/xapi/statements?more=<token>`).
fn more_token(page: &Value) -> String {
    page["more"]
        .as_str()
        .and_then(|m| m.strip_prefix("/xapi/statements?more="))
        .expect("a more link")
        .to_owned()
}

/// Three statements, and the first page of a query for them one at a time.
async fn paged(app: &TestApp) -> (super::Lrs, Value) {
    let (lrs, _) = client(app, &["xapi:write", "xapi:read"]).await;
    for id in [S1, S2, S3] {
        let res = xapi(
            app,
            &lrs,
            Method::POST,
            "/statements",
            Some(statement(id, "ada@example.com", "attempted")),
        )
        .await;
        assert_eq!(res.status(), 200);
    }
    let first = body(xapi(app, &lrs, Method::GET, "/statements?limit=1", None).await).await;
    assert_eq!(first["statements"][0]["id"], S3);
    (lrs, first)
}

#[tokio::test]
async fn an_untouched_more_link_pages_on_every_instance() {
    let app = TestApp::spawn().await;
    let (lrs, first) = paged(&app).await;
    // On PostgreSQL another instance follows the link too (SQLite is for one instance).
    let sibling = match app.state.services.db.backend() {
        learnwell_persistence::Backend::Postgres => Some(app.sibling().await),
        learnwell_persistence::Backend::Sqlite => None,
    };
    let next = |page: &Value| format!("/statements?more={}", more_token(page));
    let second = body(xapi(&app, &lrs, Method::GET, &next(&first), None).await).await;
    assert_eq!(second["statements"][0]["id"], S2);
    let third = body(
        xapi(
            sibling.as_ref().unwrap_or(&app),
            &lrs,
            Method::GET,
            &next(&second),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(third["statements"][0]["id"], S1);
    assert_eq!(third["more"], "");
}

#[tokio::test]
async fn a_more_token_edited_truncated_or_from_another_lrs_is_refused() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let app = TestApp::spawn().await;
    let (lrs, first) = paged(&app).await;
    let token = more_token(&first);
    let bytes = b64.decode(&token).expect("base64url");

    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    // The same token with its query edited to ask for more statements a page.
    let text = String::from_utf8_lossy(&bytes[32..]).into_owned();
    assert!(text.contains("\"limit\":1"), "{text}");
    let mut edited = bytes[..32].to_vec();
    edited.extend(text.replace("\"limit\":1", "\"limit\":100").into_bytes());
    // What a more link held before it was signed: the query itself.
    let unsigned = b64.encode(text.as_bytes());
    let other = TestApp::spawn().await;
    let (_, elsewhere) = paged(&other).await;

    for (what, bad) in [
        ("a flipped byte", b64.encode(&flipped)),
        ("an edited query", b64.encode(&edited)),
        ("a truncated token", token[..token.len() - 6].to_owned()),
        ("an unsigned query", unsigned),
        ("another LRS's token", more_token(&elsewhere)),
        ("not base64", "!!".to_owned()),
    ] {
        let res = xapi(
            &app,
            &lrs,
            Method::GET,
            &format!("/statements?more={}", urlencode(&bad)),
            None,
        )
        .await;
        assert_eq!(res.status(), 400, "{what}");
        assert_eq!(res.headers()["x-experience-api-version"], "1.0.3", "{what}");
        assert_eq!(body(res).await["errors"][0]["field"], "more", "{what}");
    }
    // The token itself still works.
    let res = xapi(
        &app,
        &lrs,
        Method::GET,
        &format!("/statements?more={token}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["statements"][0]["id"], S2);
}
