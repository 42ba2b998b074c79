//! Persisted queries over HTTP: a dashboard sends an operation's hash alone, and with
//! `graphql.only_persisted` nothing outside the manifest runs.

use crate::helpers::{body, ids, person, TestApp};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ME: &str = "query Me { me { id displayName } }";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An Apollo persisted-query manifest with `ME`, written where the server reads it.
fn manifest() -> String {
    let path = std::env::temp_dir().join(format!(
        "learnwell-pq-{}.json",
        uuid::Uuid::new_v4().simple()
    ));
    let json = json!({ "format": "apollo-persisted-query-manifest", "version": 1,
        "operations": [{ "id": sha256(ME), "name": "Me", "type": "query", "body": ME }] });
    std::fs::write(&path, json.to_string()).expect("manifest");
    path.to_string_lossy().into_owned()
}

async fn send(app: &TestApp, token: &str, request: Value) -> Value {
    let res = app.post("/graphql", token, request).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

fn by_hash(hash: &str) -> Value {
    json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } })
}

fn code(out: &Value) -> &str {
    out["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn only_the_manifests_operations_run_when_only_persisted_is_on() {
    let path = manifest();
    let app = TestApp::spawn_with(|s| {
        s.graphql.persisted_queries = path.clone();
        s.graphql.only_persisted = true;
    })
    .await;
    let hr = app.hr();
    let a = ids(&app.sync(json!([person("A", None)])).await)["A"].clone();
    let token = app.employee_token(&a);

    // By hash alone, and by its text: the same operation runs.
    let out = send(&app, &token, by_hash(&sha256(ME))).await;
    assert_eq!(out["data"]["me"]["id"], a, "{out}");
    let out = send(&app, &token, json!({ "query": ME })).await;
    assert_eq!(out["data"]["me"]["id"], a, "{out}");

    // Anything else is refused before it runs, with the hash it would need.
    let out = send(
        &app,
        &hr,
        json!({ "query": "{ employees { totalCount } }" }),
    )
    .await;
    assert_eq!(code(&out), "query_not_allowed", "{out}");
    assert!(out.get("data").is_none_or(Value::is_null), "{out}");
    let out = send(
        &app,
        &hr,
        json!({ "query": "{ __schema { types { name } } }" }),
    )
    .await;
    assert_eq!(code(&out), "query_not_allowed", "{out}");
    let out = send(&app, &hr, by_hash(&"0".repeat(64))).await;
    assert_eq!(code(&out), "persisted_query_not_found", "{out}");
    // A hash that is not the text's own.
    let mut wrong = by_hash(&"0".repeat(64));
    wrong["query"] = json!(ME);
    let out = send(&app, &token, wrong).await;
    assert_eq!(code(&out), "invalid_query", "{out}");
    // Authentication still comes first.
    let res = app
        .request(
            reqwest::Method::POST,
            "/graphql",
            None,
            Some(by_hash(&sha256(ME))),
        )
        .await;
    assert_eq!(res.status(), 401);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_manifest_without_only_persisted_adds_hashes_and_refuses_nothing() {
    let path = manifest();
    let app = TestApp::spawn_with(|s| s.graphql.persisted_queries = path.clone()).await;
    let hr = app.hr();
    let out = send(
        &app,
        &hr,
        json!({ "query": "{ employees { totalCount } }" }),
    )
    .await;
    assert!(out["data"]["employees"]["totalCount"].is_number(), "{out}");
    let a = ids(&app.sync(json!([person("A", None)])).await)["A"].clone();
    let out = send(&app, &app.employee_token(&a), by_hash(&sha256(ME))).await;
    assert_eq!(out["data"]["me"]["id"], a, "{out}");
    let _ = std::fs::remove_file(path);
}
