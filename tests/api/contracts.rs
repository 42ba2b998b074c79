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
