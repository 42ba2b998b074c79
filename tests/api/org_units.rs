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
    assert_eq!(all["items"].as_array().expect("list").len(), 3);
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

#[tokio::test]
async fn the_tree_comes_a_page_at_a_time_and_its_changes_as_a_feed() {
    let app = TestApp::spawn().await;
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let since = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let root = app.unit("Company", "U-0", None).await;
    let mut made = vec![root.clone()];
    for i in 1..5 {
        made.push(
            app.unit(&format!("Unit {i}"), &format!("U-{i}"), Some(&root))
                .await,
        );
    }
    made.sort();
    let hr = app.hr();
    let ids = |items: &[serde_json::Value]| -> Vec<String> {
        items
            .iter()
            .map(|u| u["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let pages = app.all_pages("/api/v1/org-units", &hr, 2).await;
    assert_eq!(ids(&pages), made, "every unit once, in creation (id) order");
    let one = body(app.get("/api/v1/org-units?external_id=U-3", &hr).await).await;
    assert_eq!(one["items"].as_array().map(Vec::len), Some(1), "{one}");

    let mut feed = Vec::new();
    let mut url = format!("/api/v1/org-units?updated_since={since}&first=2");
    let cursor = loop {
        let page = body(app.get(&url, &hr).await).await;
        let items = page["items"].as_array().expect("items");
        feed.extend(ids(items));
        let next = page["next_cursor"]
            .as_str()
            .expect("a feed page has a cursor");
        if items.len() < 2 {
            break next.to_owned();
        }
        url = format!("/api/v1/org-units?updated_since={since}&first=2&after={next}");
    };
    assert_eq!(feed.len(), 5, "every change once: {feed:?}");
    let res = app
        .client
        .patch(format!("{}/api/v1/org-units/{}", app.base, made[0]))
        .bearer_auth(&hr)
        .header("if-match", "\"1\"")
        .json(&json!({ "name": "Renamed" }))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    let feed_url = |after: &str| format!("/api/v1/org-units?updated_since={since}&after={after}");
    let later = body(app.get(&feed_url(&cursor), &hr).await).await;
    assert_eq!(
        ids(later["items"].as_array().expect("items")),
        [made[0].clone()]
    );
    let resume = later["next_cursor"].as_str().expect("cursor");
    let nothing = body(app.get(&feed_url(resume), &hr).await).await;
    assert_eq!(nothing["items"].as_array().map(Vec::len), Some(0));
    assert!(nothing.get("next_cursor").is_none(), "{nothing}");
    let res = app.get(&feed_url(&made[1]), &hr).await;
    assert_eq!(res.status(), 400, "an id is no feed cursor");

    let q = "query($after: String) { orgUnits(first: 3, after: $after) { nodes { id children { id } } pageInfo { hasNextPage endCursor } } }";
    let first = app.gql(&hr, q, json!({})).await;
    let conn = &first["data"]["orgUnits"];
    assert_eq!(conn["pageInfo"]["hasNextPage"], true, "{first}");
    assert_eq!(
        conn["nodes"][0]["children"].as_array().map(Vec::len),
        Some(4)
    );
    let second = app
        .gql(&hr, q, json!({ "after": conn["pageInfo"]["endCursor"] }))
        .await;
    let conn2 = &second["data"]["orgUnits"];
    assert_eq!(conn2["pageInfo"]["hasNextPage"], false, "{second}");
    let graph: Vec<String> = [conn, conn2]
        .iter()
        .flat_map(|c| c["nodes"].as_array().expect("nodes"))
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(graph, made, "GraphQL pages as REST does");
}
