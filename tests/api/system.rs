use crate::helpers::{body, TestApp};
use reqwest::Method;

#[tokio::test]
async fn health_and_readiness_report_the_database_and_the_kv_store() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/healthz", None, None).await;
    assert_eq!(res.status(), 200);
    let res = app.request(Method::GET, "/readyz", None, None).await;
    assert_eq!(res.status(), 200);
    let ready = body(res).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["pending_migrations"], 0);
    let expected_kv = if std::env::var("TEST_REDIS_URL").is_ok() {
        "redis"
    } else {
        "in_process"
    };
    assert_eq!(ready["kv_store"], expected_kv);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_plain_client_id_is_echoed() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("send");
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .expect("send");
    assert_ne!(res.headers()["x-request-id"], "bad id with spaces");
    let res = app
        .request(Method::GET, "/api/v1/employees", None, None)
        .await;
    let id = res.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        body(res).await["request_id"],
        id.as_str(),
        "problem bodies quote the request id"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_pool() {
    let app = TestApp::spawn().await;
    app.request(Method::GET, "/api/v1/employees", None, None)
        .await;
    let text = app
        .request(Method::GET, "/metrics", Some(&app.hr()), None)
        .await
        .text()
        .await
        .expect("text");
    assert!(text.contains(r#"learnwell_http_requests_total{method="GET",route="/api/v1/employees",status="401"} 1"#), "{text}");
    assert!(text.contains("learnwell_http_request_duration_seconds_bucket"));
    assert!(text.contains("learnwell_db_pool_connections{state=\"idle\"}"));
    assert!(text.contains("learnwell_db_statements_total"));
    assert!(text.contains("learnwell_xapi_projection_queue 0"), "{text}");
}

#[tokio::test]
async fn the_landing_page_docs_and_graphiql_work_offline() {
    let app = TestApp::spawn().await;
    for page in ["/", "/docs", "/graphql"] {
        let res = app.request(Method::GET, page, None, None).await;
        assert_eq!(res.status(), 200, "{page}");
        let html = res.text().await.expect("html");
        assert!(
            !html.contains("https://") && !html.contains("http://"),
            "{page} must not load anything from the internet"
        );
    }
    for asset in [
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
        "graphiql/graphiql.min.js",
        "graphiql/react.production.min.js",
    ] {
        let res = app
            .request(Method::GET, &format!("/assets/{asset}"), None, None)
            .await;
        assert_eq!(res.status(), 200, "{asset}");
    }
    let spec = body(app.request(Method::GET, "/openapi.json", None, None).await).await;
    assert!(spec["paths"]["/api/v1/employees/{id}"].is_object());
}

#[tokio::test]
async fn unknown_routes_and_malformed_ids_get_a_problem_404() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/nope", None, None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = app.get("/api/v1/employees/not-a-uuid", &app.hr()).await;
    assert_eq!(res.status(), 404);
    assert_eq!(body(res).await["code"], "not_found");
}

#[tokio::test]
async fn the_audit_log_records_writes_and_only_hr_reads_it() {
    let app = TestApp::spawn().await;
    let unit = app.unit("Sales", "U-S", None).await;
    let res = app
        .get("/api/v1/audit-events?resource_type=org_unit", &app.hr())
        .await;
    assert_eq!(res.status(), 200);
    let events = body(res).await;
    let items = events["items"].as_array().expect("items");
    assert!(items.iter().any(|e| e["action"] == "org_unit.create"
        && e["resource_id"] == unit.as_str()
        && e["actor"] == "hr-admin"));
    assert!(items.iter().all(|e| e["request_id"].is_string()));
    for token in [
        app.token_for("ld", &["ld_admin"], &[], None),
        app.token_for("hris", &[], &["hris:write"], None),
    ] {
        let res = app.get("/api/v1/audit-events", &token).await;
        assert_eq!(res.status(), 403);
    }
    // Reading the log is itself audited.
    let again = body(
        app.get("/api/v1/audit-events?action=audit.read", &app.hr())
            .await,
    )
    .await;
    assert!(!again["items"].as_array().expect("items").is_empty());
}

#[tokio::test]
async fn metrics_need_the_scrape_token_or_an_hr_admin() {
    let app = TestApp::spawn_with(|s| {
        s.metrics.token = secrecy::SecretString::from("scrape-token-0123456789");
    })
    .await;
    let status = |token: Option<String>| {
        let app = &app;
        async move {
            app.request(Method::GET, "/metrics", token.as_deref(), None)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(None).await, 401);
    assert_eq!(status(Some("wrong-token".into())).await, 401);
    let employee = app.token_for("e", &["employee"], &[], None);
    assert_eq!(status(Some(employee)).await, 403);
    assert_eq!(status(Some("scrape-token-0123456789".into())).await, 200);
    assert_eq!(status(Some(app.hr())).await, 200);
}
