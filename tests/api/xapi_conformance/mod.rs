//! The LRS against the ADL conformance test suite (1.0.3 and 2.0.0): the behaviours the suite
//! checks that `xapi/` does not, one test per behaviour, with the suite's request shapes; the
//! shared helpers are here, the tests by resource beside.

mod documents;
mod learning;
mod statements;

use crate::helpers::{body, TestApp};
use crate::xapi::{create_client, enrolled, ld, send, urlencode, Lrs};
use reqwest::Method;
use serde_json::{json, Value};

async fn client_with(app: &TestApp, learning_verbs: &[&str]) -> Lrs {
    let res = create_client(
        app,
        json!({ "name": "LMS", "scopes": ["xapi:write", "xapi:read"],
                "account_home_page": "https://lms.example.com",
                "learning_verbs": learning_verbs }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created = body(res).await;
    assert_eq!(created["learning_verbs"], json!(learning_verbs));
    Lrs::of(&created)
}

async fn client(app: &TestApp) -> Lrs {
    client_with(app, &[]).await
}

async fn post(app: &TestApp, lrs: &Lrs, statement: Value) -> Value {
    let res = send(app, lrs, Method::POST, "/statements", &[], Some(statement)).await;
    let status = res.status();
    let answer = body(res).await;
    assert_eq!(status, 200, "{answer}");
    app.projected().await;
    answer
}

async fn ids_of(app: &TestApp, lrs: &Lrs, query: &str) -> Vec<String> {
    let res = send(
        app,
        lrs,
        Method::GET,
        &format!("/statements?{query}"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    body(res).await["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

fn statement(id: &str, email: &str, verb: &str, object: Value) -> Value {
    json!({
        "id": id,
        "actor": { "objectType": "Agent", "mbox": format!("mailto:{email}") },
        "verb": { "id": verb, "display": { "en-US": "did" } },
        "object": object
    })
}

fn activity(id: &str) -> Value {
    json!({ "objectType": "Activity", "id": id })
}

fn statement_ref(id: &str) -> Value {
    json!({ "objectType": "StatementRef", "id": id })
}

const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
const S1: &str = "c0f0e000-0000-4000-8000-000000000001";
const S2: &str = "c0f0e000-0000-4000-8000-000000000002";
const S3: &str = "c0f0e000-0000-4000-8000-000000000003";
const S4: &str = "c0f0e000-0000-4000-8000-000000000004";
const S5: &str = "c0f0e000-0000-4000-8000-000000000005";
const S6: &str = "c0f0e000-0000-4000-8000-000000000006";
const S7: &str = "c0f0e000-0000-4000-8000-000000000007";
const S8: &str = "c0f0e000-0000-4000-8000-000000000008";
