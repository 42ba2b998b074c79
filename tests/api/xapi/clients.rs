//! LRS clients: who manages them, their secret, and what their scopes let them do.

use super::{client, ld, statement, xapi, S1};
use crate::helpers::{body, TestApp};
use reqwest::Method;
use serde_json::json;

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
    let listed = listed["items"].as_array().expect("list");
    assert_eq!(listed.len(), 1);
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

async fn about_with(app: &TestApp, basic: &str, from: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/xapi/statements?limit=1", app.base))
        .header("authorization", basic)
        .header("x-experience-api-version", "1.0.3")
        .header("x-forwarded-for", from)
        .send()
        .await
        .expect("send")
}

fn basic(key: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

#[tokio::test]
async fn wrong_lrs_secrets_are_limited_per_key_and_an_unknown_key_looks_like_a_wrong_secret() {
    let app = TestApp::spawn_with(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
        s.rate_limit.failed_auth_per_minute = 3;
    })
    .await;
    let (lrs, created) = client(&app, &["xapi:read"]).await;
    let key = created["key"].as_str().expect("key");

    let wrong = about_with(&app, &basic(key, "not-the-secret"), "198.51.100.1").await;
    assert_eq!(wrong.status(), 401);
    let wrong_body = body(wrong).await;
    let unknown = about_with(
        &app,
        &basic("no-such-key", "not-the-secret"),
        "198.51.100.2",
    )
    .await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(
        body(unknown).await["detail"],
        wrong_body["detail"],
        "an unknown key and a wrong secret answer alike"
    );

    // Two more wrong secrets for the key, each from another address: the key's budget is spent.
    for from in ["198.51.100.3", "198.51.100.4"] {
        assert_eq!(
            about_with(&app, &basic(key, "guess"), from).await.status(),
            401
        );
    }
    let blocked = about_with(&app, &lrs.basic, "198.51.100.5").await;
    assert_eq!(
        blocked.status(),
        429,
        "the key waits for the next minute, even with its secret"
    );
    assert!(blocked.headers().get("retry-after").is_some());

    let (other, _) = client(&app, &["xapi:read"]).await;
    assert_eq!(
        about_with(&app, &other.basic, "198.51.100.6")
            .await
            .status(),
        200,
        "another client's key is not affected"
    );
}

/// `learnwell_credential_checks_total` from `/metrics`.
async fn credential_checks(app: &TestApp) -> u64 {
    let res = app
        .request(Method::GET, "/metrics", Some(&app.hr()), None)
        .await;
    let text = res.text().await.expect("metrics");
    text.lines()
        .find_map(|l| l.strip_prefix("learnwell_credential_checks_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("the credential checks counter")
}

#[tokio::test]
async fn an_unknown_key_costs_the_same_argon2_check_as_a_wrong_secret() {
    let app = TestApp::spawn().await;
    let (lrs, created) = client(&app, &["xapi:read"]).await;
    let key = created["key"].as_str().expect("key");
    let before = credential_checks(&app).await;
    let wrong = about_with(&app, &basic(key, "not-the-secret"), "198.51.100.1").await;
    assert_eq!(wrong.status(), 401);
    let after_wrong = credential_checks(&app).await;
    assert_eq!(
        after_wrong,
        before + 1,
        "a wrong secret is one argon2 check"
    );
    let unknown = about_with(&app, &basic("no-such-key", "x"), "198.51.100.2").await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(
        credential_checks(&app).await,
        after_wrong + 1,
        "an unknown key is checked against a hash too, so it costs the same"
    );
    // The right secret is checked once, then remembered.
    for _ in 0..3 {
        assert_eq!(
            about_with(&app, &lrs.basic, "198.51.100.3").await.status(),
            200
        );
    }
    assert_eq!(credential_checks(&app).await, after_wrong + 2);
}
