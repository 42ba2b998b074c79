//! The document resources.

use super::{client, send, urlencode, Lrs};
use crate::helpers::{body, TestApp};
use reqwest::{Method, Response};
use serde_json::json;

#[tokio::test]
async fn under_2_0_a_state_document_is_not_replaced_without_a_precondition() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let agent = urlencode(
        r#"{"objectType":"Agent","account":{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}}"#,
    );
    let state = format!(
        "/activities/state?activityId={}&agent={agent}&stateId=s1",
        urlencode("http://www.example.com/activityId/hashset")
    );
    let v2 = lrs.with_version("2.0.0");
    let res = send(&app, &v2, Method::POST, &state, &[], Some(json!({"a": 1}))).await;
    assert_eq!(res.status(), 204);
    let res = send(&app, &v2, Method::PUT, &state, &[], Some(json!({"b": 2}))).await;
    assert_eq!(res.status(), 409);
    assert!(!res.text().await.expect("text").is_empty());
    let got = send(&app, &v2, Method::GET, &state, &[], None).await;
    let etag = got.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(body(got).await, json!({"a": 1}), "not modified");
    let res = send(
        &app,
        &v2,
        Method::PUT,
        &state,
        &[("if-match", "\"1234\"")],
        Some(json!({"b": 2})),
    )
    .await;
    assert_eq!(res.status(), 412);
    let res = send(
        &app,
        &v2,
        Method::PUT,
        &state,
        &[("if-match", &etag)],
        Some(json!({"b": 2})),
    )
    .await;
    assert_eq!(res.status(), 204);
    // 1.0.3 lets the State resource be replaced without one.
    let res = send(&app, &lrs, Method::PUT, &state, &[], Some(json!({"c": 3}))).await;
    assert_eq!(res.status(), 204);
    let got = send(&app, &lrs, Method::GET, &state, &[], None).await;
    assert_eq!(body(got).await, json!({"c": 3}));
}

/// A document request with a raw body of the given type (or none), as the suite's `sendRequest`
/// makes them.
async fn document_request(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Option<(&str, &str)>,
) -> Response {
    let mut req = app
        .client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", lrs.version);
    if let Some((content_type, content)) = body {
        req = req
            .header("content-type", content_type)
            .body(content.to_owned());
    }
    req.send().await.expect("send")
}

#[tokio::test]
async fn a_post_for_a_new_document_stores_it_as_a_put_would() {
    let app = TestApp::spawn().await;
    for version in ["1.0.3", "2.0.0"] {
        let lrs = client(&app).await.with_version(version);
        let agent = urlencode(
            r#"{"objectType":"Agent","account":{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}}"#,
        );
        let activity = urlencode("http://www.example.com/activityId/hashset");
        let state =
            format!("/activities/state?activityId={activity}&agent={agent}&stateId=s-{version}");
        // superagent sends a string body as a form: the suite posts '1' and 'true' so.
        let form = "application/x-www-form-urlencoded";
        let res = document_request(&app, &lrs, Method::POST, &state, Some((form, "1"))).await;
        assert_eq!(res.status(), 204, "{version}");
        let got = document_request(&app, &lrs, Method::GET, &state, None).await;
        assert_eq!(got.status(), 200);
        assert_eq!(got.text().await.expect("text"), "1");
        // Once stored, only JSON objects merge into it.
        let res = document_request(
            &app,
            &lrs,
            Method::POST,
            &state,
            Some(("application/json", r#"{"a":1}"#)),
        )
        .await;
        assert_eq!(res.status(), 400);

        let profile = format!("/agents/profile?agent={agent}&profileId=p-{version}");
        let res = document_request(&app, &lrs, Method::POST, &profile, Some((form, "true"))).await;
        assert_eq!(res.status(), 204);
        let activity_profile =
            format!("/activities/profile?activityId={activity}&profileId=a-{version}");
        // No document at all, or JSON that is not an object, is still refused.
        let res = document_request(&app, &lrs, Method::POST, &activity_profile, None).await;
        assert_eq!(res.status(), 400);
        let res = document_request(
            &app,
            &lrs,
            Method::POST,
            &activity_profile,
            Some(("application/json", "{\"a\":1}{")),
        )
        .await;
        assert_eq!(res.status(), 400);
        let res = document_request(&app, &lrs, Method::GET, &activity_profile, None).await;
        assert_eq!(res.status(), 404, "refused requests store nothing");
    }
}

#[tokio::test]
async fn a_bad_since_is_refused_beside_a_document_id_too() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let agent = urlencode(r#"{"mbox":"mailto:ada@example.com"}"#);
    let activity = urlencode("http://www.example.com/activityId/hashset");
    for path in [
        format!("/activities/state?activityId={activity}&agent={agent}&stateId=x&since=not%20a%20timestamp"),
        format!("/activities/profile?activityId={activity}&profileId=x&since=1"),
        format!("/agents/profile?agent={agent}&profileId=x&since=true"),
    ] {
        let res = document_request(&app, &lrs, Method::GET, &path, None).await;
        assert_eq!(res.status(), 400, "{path}");
    }
}

/// xAPI 1.0.3 writes profile documents with a precondition even when new (400 without one,
/// XAPI-00273); 2.0.0 asks one only to replace a document.
#[tokio::test]
async fn under_1_0_3_a_profile_document_is_put_with_a_precondition_even_when_new() {
    let app = TestApp::spawn().await;
    let lrs = client(&app).await;
    let agent = urlencode(r#"{"objectType":"Agent","mbox":"mailto:ada@example.com"}"#);
    let activity = urlencode("http://www.example.com/activityId/hashset");
    for (i, resource) in [
        format!("/agents/profile?agent={agent}"),
        format!("/activities/profile?activityId={activity}"),
    ]
    .into_iter()
    .enumerate()
    {
        let path = format!("{resource}&profileId=p{i}");
        let res = send(&app, &lrs, Method::PUT, &path, &[], Some(json!({"a": 1}))).await;
        assert_eq!(res.status(), 400, "{path}");
        assert!(
            body(res).await.to_string().contains("If-None-Match"),
            "{path}"
        );
        let create = [("if-none-match", "*")];
        let res = send(
            &app,
            &lrs,
            Method::PUT,
            &path,
            &create,
            Some(json!({"a": 1})),
        )
        .await;
        assert_eq!(res.status(), 204, "{path}");
        let v2 = lrs.with_version("2.0.0");
        let fresh = format!("{resource}&profileId=q{i}");
        let res = send(&app, &v2, Method::PUT, &fresh, &[], Some(json!({"b": 1}))).await;
        assert_eq!(res.status(), 204, "2.0.0 creates without one: {fresh}");
        let res = send(&app, &v2, Method::PUT, &fresh, &[], Some(json!({"b": 2}))).await;
        assert_eq!(
            res.status(),
            409,
            "but does not replace without one: {fresh}"
        );
    }
}
