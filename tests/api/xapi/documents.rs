//! The state, activity profile and agent profile documents.

use super::{client, statement, urlencode, xapi, Lrs, S1};
use crate::helpers::{body, TestApp};
use reqwest::{Method, Response};
use serde_json::json;

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

    // A profile is replaced only by someone who says which version they replace (and under
    // 1.0.3 created only with If-None-Match: *).
    let profile = format!("/activities/profile?activityId={activity}&profileId=settings");
    let res = doc(
        &app,
        &lrs,
        Method::PUT,
        &profile,
        &[("if-none-match", "*")],
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
        &[("if-none-match", "*")],
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
