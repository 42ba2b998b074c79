//! Integration clients (issued by `hr_admin`) and the OAuth 2.0 client-credentials grant
//! (`POST /oauth/token`, RFC 6749 section 4.4).

use crate::helpers::{body, person, TestApp};
use base64::Engine;
use reqwest::Response;
use serde_json::{json, Value};

/// Issue an integration client as hr_admin: (client_id, client_secret, the created resource).
async fn issue(app: &TestApp, scopes: &[&str]) -> (String, String, Value) {
    let res = app
        .post(
            "/api/v1/integration-clients",
            &app.hr(),
            json!({ "name": "HRIS connector", "scopes": scopes }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    (
        created["client_id"].as_str().expect("client_id").to_owned(),
        created["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
        created,
    )
}

/// `POST /oauth/token` with a form, and HTTP Basic credentials if given.
async fn token_request(
    app: &TestApp,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> Response {
    let encoded: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "+").replace(':', "%3A")))
        .collect();
    let mut req = app
        .client
        .post(format!("{}/oauth/token", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encoded.join("&"));
    if let Some((id, secret)) = basic {
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        req = req.header("authorization", format!("Basic {credentials}"));
    }
    req.send().await.expect("token request")
}

async fn oauth_error(res: Response, status: u16, error: &str) {
    assert_eq!(res.status(), status);
    let answer = body(res).await;
    assert_eq!(answer["error"], error, "{answer}");
    assert!(answer["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn only_hr_admin_issues_integration_clients_and_the_secret_is_shown_once() {
    let app = TestApp::spawn().await;
    let ld = app.token_for("ld-admin", &["ld_admin"], &[], None);
    let employee = app.employee_token(&uuid::Uuid::now_v7().to_string());
    for token in [&ld, &employee] {
        let res = app
            .post(
                "/api/v1/integration-clients",
                token,
                json!({ "name": "HRIS", "scopes": ["hris:write"] }),
            )
            .await;
        assert_eq!(res.status(), 403);
        assert_eq!(
            app.get("/api/v1/integration-clients", token).await.status(),
            403
        );
    }
    let res = app
        .post(
            "/api/v1/integration-clients",
            &app.hr(),
            json!({ "name": "HRIS", "scopes": ["hris:write", "admin"] }),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "scopes");

    let (client_id, secret, created) = issue(&app, &["hris:write", "reports:read"]).await;
    assert_eq!(created["scopes"], json!(["hris:write", "reports:read"]));
    assert!(secret.len() >= 32);
    let listed = body(app.get("/api/v1/integration-clients", &app.hr()).await).await;
    let listed = listed["items"].as_array().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["client_id"], client_id.as_str());
    assert!(
        listed[0].get("client_secret").is_none(),
        "the secret is never listed"
    );
    assert_eq!(listed[0]["last_used_at"], Value::Null);
    // An integration client is not an LRS client of the learning admin's list.
    let lrs = body(app.get("/api/v1/lrs-clients", &ld).await).await;
    assert_eq!(lrs, json!({ "items": [] }));
    let revoke = format!(
        "/api/v1/integration-clients/{}:revoke",
        created["id"].as_str().expect("id")
    );
    assert_eq!(app.post(&revoke, &ld, json!({})).await.status(), 403);
    // Nor does the learning admin's revocation reach it.
    let lrs_revoke = format!(
        "/api/v1/lrs-clients/{}:revoke",
        created["id"].as_str().expect("id")
    );
    assert_eq!(app.post(&lrs_revoke, &ld, json!({})).await.status(), 404);
}

#[tokio::test]
async fn oauth_token_by_basic_or_form_works_within_its_scopes_and_stops_at_revocation() {
    let app = TestApp::spawn().await;
    let (client_id, secret, created) = issue(&app, &["hris:write", "reports:read"]).await;

    // By HTTP Basic, all the client's scopes by default.
    let res = token_request(
        &app,
        Some((&client_id, &secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let granted = body(res).await;
    assert_eq!(granted["token_type"], "Bearer");
    assert_eq!(granted["expires_in"], 600);
    assert_eq!(granted["scope"], "hris:write reports:read");
    let by_basic = granted["access_token"].as_str().expect("token").to_owned();

    // By the form fields, a narrower scope.
    let res = token_request(
        &app,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "hris:write"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let granted = body(res).await;
    assert_eq!(granted["scope"], "hris:write");
    let by_form = granted["access_token"].as_str().expect("token").to_owned();

    // The token works where hris:write reaches and nowhere else.
    for token in [&by_basic, &by_form] {
        let res = app
            .post(
                "/api/v1/hris/employees:sync",
                token,
                json!({ "records": [person("E1", None)] }),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(app.get("/api/v1/lrs-clients", token).await.status(), 403);
    }

    let listed = body(app.get("/api/v1/integration-clients", &app.hr()).await).await;
    assert!(listed["items"][0]["last_used_at"].is_string(), "{listed}");

    // Revocation stops new tokens and the tokens already given.
    let revoke = format!(
        "/api/v1/integration-clients/{}:revoke",
        created["id"].as_str().expect("id")
    );
    let res = app.post(&revoke, &app.hr(), json!({})).await;
    assert_eq!(res.status(), 200);
    assert!(body(res).await["revoked_at"].is_string());
    let res = token_request(
        &app,
        Some((&client_id, &secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    oauth_error(res, 401, "invalid_client").await;
    let res = app
        .post(
            "/api/v1/hris/employees:sync",
            &by_form,
            json!({ "records": [person("E2", None)] }),
        )
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn oauth_token_refusals_are_rfc_6749_errors() {
    let app = TestApp::spawn().await;
    let (client_id, secret, _) = issue(&app, &["hris:write"]).await;

    let res = token_request(
        &app,
        Some((&client_id, "wrong")),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(
        res.headers()["www-authenticate"],
        "Basic realm=\"learnwell\""
    );
    oauth_error(res, 401, "invalid_client").await;
    let res = token_request(&app, None, &[("grant_type", "client_credentials")]).await;
    oauth_error(res, 401, "invalid_client").await;
    let res = token_request(
        &app,
        Some((&client_id, &secret)),
        &[("grant_type", "password")],
    )
    .await;
    oauth_error(res, 400, "unsupported_grant_type").await;
    let res = token_request(&app, Some((&client_id, &secret)), &[]).await;
    oauth_error(res, 400, "invalid_request").await;
    let res = token_request(
        &app,
        Some((&client_id, &secret)),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "hris:write reports:read"),
        ],
    )
    .await;
    oauth_error(res, 400, "invalid_scope").await;
    let res = app
        .client
        .post(format!("{}/oauth/token", app.base))
        .json(&json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .expect("request");
    oauth_error(res, 400, "invalid_request").await;
    let listed = body(app.get("/api/v1/integration-clients", &app.hr()).await).await;
    assert_eq!(
        listed["items"][0]["last_used_at"],
        Value::Null,
        "no token was granted"
    );
}

#[tokio::test]
async fn each_list_of_clients_comes_a_page_at_a_time_and_holds_only_its_kind() {
    let app = TestApp::spawn().await;
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(issue(&app, &["reports:read"]).await.2["id"].clone());
    }
    let ld = app.token_for("ld-admin", &["ld_admin"], &[], None);
    let mut lrs = Vec::new();
    for name in ["LMS A", "LMS B", "LMS C"] {
        let res = app
            .post(
                "/api/v1/lrs-clients",
                &ld,
                json!({ "name": name, "scopes": ["xapi:write"] }),
            )
            .await;
        assert_eq!(res.status(), 201);
        lrs.push(body(res).await["id"].clone());
    }
    let ids = |items: Vec<Value>| {
        items
            .into_iter()
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app
            .all_pages("/api/v1/integration-clients", &app.hr(), 2)
            .await),
        made,
        "creation order"
    );
    assert_eq!(ids(app.all_pages("/api/v1/lrs-clients", &ld, 2).await), lrs);
}
