//! The HTTP policy every answer follows: security headers, no TRACE, CORS for configured origins.

use crate::helpers::TestApp;
use reqwest::Method;

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_html_pages_a_content_security_policy() {
    let app = TestApp::spawn().await;
    let api = app.get("/api/v1/employees", &app.hr()).await;
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert_eq!(api.headers()["referrer-policy"], "no-referrer");
    assert_eq!(
        api.headers()["cache-control"],
        "no-store",
        "authenticated answers are not cached"
    );
    assert!(api.headers().get("content-security-policy").is_none());
    assert!(
        api.headers().get("strict-transport-security").is_none(),
        "not configured"
    );
    let refused = app
        .request(Method::GET, "/api/v1/employees", None, None)
        .await;
    assert_eq!(refused.headers()["x-content-type-options"], "nosniff");

    for page in ["/", "/docs", "/graphql"] {
        let res = app.request(Method::GET, page, None, None).await;
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_owned();
        assert!(
            csp.split(';').any(|d| d.trim() == "script-src 'self'"),
            "{page}: only this origin's scripts, none inline: {csp}"
        );
        assert_eq!(res.headers()["x-frame-options"], "DENY");
        let html = res.text().await.expect("html");
        assert!(
            !html.contains("<script>"),
            "{page} has no inline script the policy would block"
        );
    }
    let asset = app
        .request(Method::GET, "/assets/graphiql-init.js", None, None)
        .await;
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.headers()["cache-control"], "public, max-age=86400");
}

#[tokio::test]
async fn hsts_is_sent_when_configured_and_trace_is_refused() {
    let app = TestApp::spawn_with(|s| s.server.hsts_max_age_seconds = 31_536_000).await;
    let res = app.request(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    for path in ["/api/v1/employees", "/xapi/statements", "/graphql", "/"] {
        let res = app
            .request(Method::TRACE, path, Some(&app.hr()), None)
            .await;
        assert_eq!(res.status(), 405, "{path}");
        assert!(res.headers()["allow"]
            .to_str()
            .expect("allow")
            .contains("GET"));
    }
}

#[tokio::test]
async fn browsers_on_configured_origins_pass_preflights_and_others_get_no_cors_grant() {
    let dashboard = "https://dash.example.com";
    let app = TestApp::spawn_with(|s| s.server.cors_origins = vec![dashboard.to_owned()]).await;
    let preflight = |path: &'static str, origin: &'static str, headers: &'static str| {
        app.client
            .request(Method::OPTIONS, format!("{}{path}", app.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", headers)
            .send()
    };
    for (path, headers) in [
        ("/graphql", "authorization, content-type"),
        (
            "/api/v1/enrollments:bulk",
            "authorization, content-type, idempotency-key",
        ),
        (
            "/xapi/statements",
            "authorization, content-type, x-experience-api-version",
        ),
    ] {
        let res = preflight(path, dashboard, headers).await.expect("send");
        assert!(res.status().is_success(), "{path}: {}", res.status());
        assert_eq!(
            res.headers()["access-control-allow-origin"],
            dashboard,
            "{path}"
        );
        let allowed = res.headers()["access-control-allow-headers"]
            .to_str()
            .expect("h")
            .to_ascii_lowercase();
        for h in headers.split(", ") {
            assert!(allowed.contains(h), "{path} allows {h}: {allowed}");
        }
    }
    let evil = preflight("/graphql", "https://evil.example.com", "authorization")
        .await
        .expect("send");
    assert!(evil.headers().get("access-control-allow-origin").is_none());

    let answer = app
        .client
        .get(format!("{}/xapi/about", app.base))
        .header("origin", dashboard)
        .send()
        .await
        .expect("send");
    assert_eq!(answer.headers()["access-control-allow-origin"], dashboard);
    let exposed = answer.headers()["access-control-expose-headers"]
        .to_str()
        .expect("e")
        .to_ascii_lowercase();
    assert!(
        exposed.contains("x-experience-api-version") && exposed.contains("etag"),
        "{exposed}"
    );

    let same_origin = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(app.hr())
        .header("origin", app.base.clone())
        .json(&serde_json::json!({ "query": "{ me { id } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(
        same_origin.status(),
        200,
        "GraphiQL on this server is the same origin"
    );
}
