//! Statements with attachments (`multipart/mixed`).

use super::{
    attachment_object, body_of, client, multipart_answer, multipart_body, part_headers,
    send_multipart, sha256_hex, statement, xapi, BOUNDARY, S1, S2, S3,
};
use crate::helpers::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

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
