use crate::helpers::{body, person, TestApp};
use serde_json::json;

#[tokio::test]
async fn units_form_a_tree_that_cannot_loop() {
    let app = TestApp::spawn().await;
    let root = app.unit("Company", "U-ROOT", None).await;
    let dept = app.unit("Dept", "U-DEPT", Some(&root)).await;
    let team = app.unit("Team", "U-TEAM", Some(&dept)).await;
    let res = app
        .client
        .patch(format!("{}/api/v1/org-units/{root}", app.base))
        .bearer_auth(app.hr())
        .header("if-match", "\"1\"")
        .json(&json!({ "parent_id": team }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "parent_id");
    let res = app
        .client
        .patch(format!("{}/api/v1/org-units/{team}", app.base))
        .bearer_auth(app.hr())
        .header("if-match", "\"1\"")
        .json(&json!({ "parent_id": root, "name": "Platform" }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    let moved = body(res).await;
    assert_eq!(
        (
            moved["parent_id"].as_str(),
            moved["name"].as_str(),
            moved["version"].as_i64()
        ),
        (Some(root.as_str()), Some("Platform"), Some(2))
    );
    let all = body(app.get("/api/v1/org-units", &app.hr()).await).await;
    assert_eq!(all.as_array().expect("list").len(), 3);
}

#[tokio::test]
async fn a_unit_with_people_or_children_is_not_deleted() {
    let app = TestApp::spawn().await;
    let root = app.unit("Company", "U-ROOT", None).await;
    let empty = app.unit("Empty", "U-EMPTY", Some(&root)).await;
    let staffed = app.unit("Staffed", "U-STAFF", Some(&root)).await;
    let mut p = person("P1", None);
    p["org_unit_external_id"] = json!("U-STAFF");
    app.sync(json!([p])).await;
    let del = |id: String| {
        app.client
            .delete(format!("{}/api/v1/org-units/{id}", app.base))
            .bearer_auth(app.hr())
            .send()
    };
    assert_eq!(del(root.clone()).await.expect("send").status(), 409);
    assert_eq!(del(staffed).await.expect("send").status(), 409);
    assert_eq!(del(empty.clone()).await.expect("send").status(), 204);
    assert_eq!(
        app.get(&format!("/api/v1/org-units/{empty}"), &app.hr())
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn employees_and_ld_admins_cannot_change_the_tree() {
    let app = TestApp::spawn().await;
    for token in [
        app.token_for(
            "e",
            &["employee"],
            &[],
            Some("01a20000-0000-7000-8000-000000000000"),
        ),
        app.token_for("ld", &["ld_admin"], &[], None),
    ] {
        assert_eq!(
            app.post("/api/v1/org-units", &token, json!({ "name": "Mine" }))
                .await
                .status(),
            403
        );
    }
}
