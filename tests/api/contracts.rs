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

/// OpenAPI wants every operationId unique, and client generators name their functions and types
/// after it (openapi-typescript's `operations`: a duplicate is a type error in the generated
/// client). utoipa takes it from the handler's name: give one of two handlers of the same name
/// its own `operation_id = "..."`.
#[test]
fn openapi_operation_ids_are_unique() {
    let api = learnwell_api::rest::openapi();
    let mut operations: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (path, item) in &api.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, op) in methods {
            if let Some(id) = op.as_ref().and_then(|op| op.operation_id.clone()) {
                operations
                    .entry(id)
                    .or_default()
                    .push(format!("{method} {path}"));
            }
        }
    }
    let duplicates: Vec<_> = operations
        .into_iter()
        .filter(|(_, ops)| ops.len() > 1)
        .collect();
    assert!(
        duplicates.is_empty(),
        "operationIds used by more than one operation: {duplicates:?}"
    );
}
