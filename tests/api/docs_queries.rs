//! The dashboard queries of `docs/GRAPHQL.md` run against the demo, so the examples never rot:
//! each block of its "Dashboard queries" section answers data and no error.

use serde_json::json;

/// The `graphql` blocks of the section that starts at `heading`.
fn blocks(doc: &str, heading: &str) -> Vec<String> {
    let section = doc.split(heading).nth(1).expect("section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .split("```graphql\n")
        .skip(1)
        .map(|b| b.split("```").next().expect("closed block").to_owned())
        .collect()
}

#[tokio::test]
async fn every_documented_dashboard_query_answers_on_the_demo() {
    let (app, director) = crate::demo::demo(7).await;
    let ld = app.token_for("ld-admin", &["ld_admin"], &[], None);
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/GRAPHQL.md"))
        .expect("docs/GRAPHQL.md");
    let queries = blocks(&doc, "## Dashboard queries");
    assert_eq!(queries.len(), 6, "the section lists six questions");
    for q in queries {
        let out = app
            .gql(&ld, &q, json!({ "managerId": director.to_string() }))
            .await;
        assert!(out.get("errors").is_none(), "{q}\n{out}");
        let data = out["data"].as_object().expect("data");
        assert!(
            data.values().all(|v| !v.is_null() && v != &json!([])),
            "every question has an answer on the demo: {q}\n{out}"
        );
    }
}
