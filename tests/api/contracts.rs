//! The committed contracts match the code. Regenerate with `cargo run -- export-contracts`.

#[test]
fn schema_graphql_is_up_to_date() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql");
    assert!(
        committed == learnwell_api::graphql::sdl(),
        "schema.graphql drifted from the code: run `cargo run -- export-contracts` and commit"
    );
}

#[test]
fn openapi_json_is_up_to_date() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi.json");
    let generated = learnwell_api::rest::openapi_json().expect("openapi");
    assert!(committed == generated, "openapi/openapi.json drifted from the code: run `cargo run -- export-contracts` and commit");
}

/// A client generated from the document names one method per operation: every operationId is
/// there and no two operations share one (`docs/API-DESIGN.md`, "Operation ids").
#[test]
fn every_operation_has_its_own_operation_id() {
    let api = learnwell_api::rest::openapi();
    let mut seen = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for (path, item) in &api.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
            ("HEAD", &item.head),
            ("OPTIONS", &item.options),
            ("TRACE", &item.trace),
        ] {
            let Some(op) = op else { continue };
            let at = format!("{method} {path}");
            match op.operation_id.as_deref() {
                None | Some("") => problems.push(format!("{at} has no operationId")),
                Some(id) => {
                    if let Some(first) = seen.insert(id.to_owned(), at.clone()) {
                        problems.push(format!("{at} and {first} share the operationId {id}"));
                    }
                }
            }
        }
    }
    assert!(
        seen.len() > 100,
        "the document lists {} operations",
        seen.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}
