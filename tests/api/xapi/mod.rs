//! End-to-end tests of the LRS (`/xapi`) and its LRS-client admin endpoints, one module per
//! resource; the shared client, request, enrolment and list helpers are here.
//! `xapi_conformance.rs` uses them too.

mod alternate_syntax;
mod attachments;
mod clients;
mod documents;
mod projection;
mod signatures;
mod statements;

use crate::helpers::{body, TestApp};
use base64::Engine;
use reqwest::{Method, Response};
use serde_json::{json, Value};

pub(crate) fn ld(app: &TestApp) -> String {
    app.token_for("ld-admin", &["ld_admin"], &[], None)
}

/// An LRS client's `Authorization` header and the xAPI version its requests say.
pub(crate) struct Lrs {
    pub(crate) basic: String,
    pub(crate) version: &'static str,
}

impl Lrs {
    /// The credentials of a client as created (`POST /api/v1/lrs-clients`), speaking 1.0.3.
    pub(crate) fn of(created: &Value) -> Self {
        let pair = format!(
            "{}:{}",
            created["key"].as_str().expect("key"),
            created["secret"].as_str().expect("secret")
        );
        Self {
            basic: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
            version: "1.0.3",
        }
    }

    pub(crate) fn with_version(&self, version: &'static str) -> Self {
        Self {
            basic: self.basic.clone(),
            version,
        }
    }
}

/// `POST /api/v1/lrs-clients` as the L&D admin.
pub(crate) async fn create_client(app: &TestApp, input: Value) -> Response {
    app.post("/api/v1/lrs-clients", &ld(app), input).await
}

/// A new LRS client with these scopes: its credentials and the created answer.
async fn client(app: &TestApp, scopes: &[&str]) -> (Lrs, Value) {
    let res = create_client(
        app,
        json!({ "name": "Moodle", "scopes": scopes, "account_home_page": "https://lms.example.com" }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    (Lrs::of(&created), created)
}

/// An xAPI request with the client's credentials and version, and more headers.
pub(crate) async fn send(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Response {
    let mut req = app
        .client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", lrs.version);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("send")
}

async fn xapi(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    send(app, lrs, method, path, &[], body).await
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

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A person, a course with an xAPI activity, and the person's enrolment in it (status moved to
/// `status` unless `enrolled`). Returns the person's token, the enrolment id and the person's id.
pub(crate) async fn enrolled(
    app: &TestApp,
    activity_id: &str,
    status: &str,
) -> (String, String, String) {
    let p = crate::helpers::ids(&app.sync(json!([crate::helpers::person("A1", None)])).await);
    let course = body(
        app.post(
            "/api/v1/courses",
            &ld(app),
            json!({ "code": "SAFE", "title": "Safety basics", "estimated_minutes": 30,
                    "xapi_activity_id": activity_id }),
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
    let id = body(res).await["id"].as_str().expect("id").to_owned();
    if status != "enrolled" {
        let res = app
            .client
            .patch(format!("{}/api/v1/enrollments/{id}", app.base))
            .bearer_auth(&a1)
            .header("if-match", "\"1\"")
            .json(&json!({ "status": status }))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 200);
    }
    (a1, id, p["A1"].clone())
}

/// The `items` of a list answer.
pub(crate) async fn items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    body(app.get(path, token).await).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// The JSON body of an answer, whatever its content type says (problem bodies too).
async fn body_of(res: Response) -> Value {
    serde_json::from_slice(&res.bytes().await.expect("body")).expect("json problem")
}

// Multipart bodies (attachments and signatures).

fn sha256_hex(content: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn attachment_object(content: &[u8], content_type: &str, usage: &str) -> Value {
    json!({
        "usageType": usage,
        "display": { "en-US": "An attachment" },
        "contentType": content_type,
        "length": content.len(),
        "sha2": sha256_hex(content)
    })
}

/// An attachment part of a request: its header fields and its content.
type RequestPart<'a> = (Vec<(&'a str, String)>, Vec<u8>);

/// A multipart/mixed body: the statements, then each (headers, content) part, CRLF throughout.
fn multipart_body(boundary: &str, statements: &Value, parts: &[RequestPart<'_>]) -> Vec<u8> {
    let mut out = format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n{statements}\r\n")
        .into_bytes();
    for (headers, content) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for (name, value) in headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The usual headers of an attachment part.
fn part_headers(content: &[u8], content_type: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", content_type.to_owned()),
        ("Content-Transfer-Encoding", "binary".to_owned()),
        ("X-Experience-API-Hash", sha256_hex(content)),
    ]
}

const BOUNDARY: &str = "-------314159265358979323846";

async fn send_multipart(
    app: &TestApp,
    lrs: &Lrs,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> Response {
    app.client
        .request(method, format!("{}/xapi{path}", app.base))
        .header("authorization", &lrs.basic)
        .header("x-experience-api-version", "1.0.3")
        .header(
            "content-type",
            format!("multipart/mixed; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("send")
}

/// Split a multipart answer with the protocol crate's reader.
async fn multipart_answer(res: Response) -> Vec<learnwell_xapi::multipart::Part> {
    let content_type = res.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_owned();
    assert!(
        content_type.starts_with("multipart/mixed"),
        "{content_type}"
    );
    let boundary = learnwell_xapi::multipart::boundary_of(&content_type).expect("boundary");
    let bytes = res.bytes().await.expect("body");
    learnwell_xapi::multipart::parse(&bytes, &boundary).expect("multipart")
}
