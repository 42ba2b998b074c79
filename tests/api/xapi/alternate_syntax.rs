//! The Alternate Request Syntax (`POST ...?method=`, headers and content in a form).

use super::{client, statement, urlencode, xapi, S1, S2};
use crate::helpers::{body, TestApp};
use reqwest::{Method, Response};
use serde_json::{json, Value};

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
        &[
            ("agent", agent),
            ("profileId", "prefs"),
            ("If-None-Match", "*"),
            ("content", "{}"),
        ],
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
    // The form's version is a header too (Communication 1.3.s3.b7): checked, and it must agree
    // with the request's own.
    for stale in ["0.8", "2.0.0"] {
        let res = alternate(
            &app,
            "/statements",
            "PUT",
            &real,
            &[
                ("statementId", S1),
                ("X-Experience-API-Version", stale),
                ("content", &content),
            ],
        )
        .await;
        assert_eq!(res.status(), 400, "{stale}");
        assert_eq!(
            problem_field(body(res).await),
            "X-Experience-API-Version",
            "{stale}"
        );
    }
    // A method the resource does not have.
    let res = xapi(&app, &lrs, Method::DELETE, "/statements", None).await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD, PUT, POST");
    let res = alternate(&app, "/statements", "DELETE", &real, &[]).await;
    assert_eq!(res.status(), 405);
}
