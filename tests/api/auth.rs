use crate::helpers::{body, TestApp, SECRET};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn claims() -> Value {
    json!({ "sub": "someone", "roles": ["hr_admin"], "exp": now() + 600, "iss": "learnwell", "aud": "learnwell-api" })
}

fn hs256(claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("encode")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

async fn status_with(app: &TestApp, token: &str) -> (u16, Value) {
    let res = app.get("/api/v1/employees", token).await;
    let status = res.status().as_u16();
    if status == 401 {
        assert!(
            res.headers().get("www-authenticate").is_some(),
            "401 must say how to authenticate"
        );
    }
    (status, body(res).await)
}

#[tokio::test]
async fn requests_without_a_valid_bearer_token_get_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    let res = app
        .request(Method::GET, "/api/v1/employees", None, None)
        .await;
    assert_eq!(res.status(), 401);
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .expect("ascii")
        .starts_with("Bearer"));
    assert_eq!(body(res).await["code"], "unauthenticated");
    let res = app
        .client
        .get(format!("{}/api/v1/employees", app.base))
        .header("authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn expired_foreign_and_tampered_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let ok = hs256(&claims(), SECRET);
    assert_eq!(status_with(&app, &ok).await.0, 200);

    let mut expired = claims();
    expired["exp"] = json!(now() - 3600);
    let mut early = claims();
    early["nbf"] = json!(now() + 3600);
    let mut issuer = claims();
    issuer["iss"] = json!("someone-else");
    let mut audience = claims();
    audience["aud"] = json!("another-api");
    for (token, why) in [
        (hs256(&expired, SECRET), "expired"),
        (hs256(&early, SECRET), "not valid yet"),
        (hs256(&issuer, SECRET), "issuer"),
        (hs256(&audience, SECRET), "audience"),
        (
            hs256(&claims(), "another-secret-another-secret-another-secret"),
            "signature",
        ),
    ] {
        let (status, problem) = status_with(&app, &token).await;
        assert_eq!(status, 401, "{why}");
        assert!(
            problem["detail"].as_str().expect("detail").contains(why),
            "{why}: {problem}"
        );
    }
}

#[tokio::test]
async fn alg_none_and_algorithms_other_than_the_configured_one_are_refused() {
    let app = TestApp::spawn().await;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT" })),
        b64(&claims())
    );
    assert_eq!(status_with(&app, &none).await.0, 401);
    let rs = encode(
        &Header::new(Algorithm::RS256),
        &claims(),
        &EncodingKey::from_rsa_pem(&fixture("rs256-private.pem")).expect("key"),
    )
    .expect("encode");
    assert_eq!(status_with(&app, &rs).await.0, 401);
}

#[tokio::test]
async fn tokens_from_an_identity_provider_are_checked_with_its_public_key() {
    for (alg, algorithm, private, public) in [
        (
            "RS256",
            Algorithm::RS256,
            "rs256-private.pem",
            "rs256-public.pem",
        ),
        (
            "ES256",
            Algorithm::ES256,
            "es256-private.pem",
            "es256-public.pem",
        ),
    ] {
        let app = TestApp::spawn_with(|s| {
            s.auth.algorithm = alg.parse().expect("algorithm");
            s.auth.public_key_pem = String::from_utf8(fixture(public)).expect("pem");
        })
        .await;
        let key = if alg == "RS256" {
            EncodingKey::from_rsa_pem(&fixture(private))
        } else {
            EncodingKey::from_ec_pem(&fixture(private))
        };
        let token = encode(&Header::new(algorithm), &claims(), &key.expect("key")).expect("encode");
        assert_eq!(status_with(&app, &token).await.0, 200, "{alg}");
        assert_eq!(
            status_with(&app, &hs256(&claims(), SECRET)).await.0,
            401,
            "{alg} app refuses HS256"
        );
    }
}

#[tokio::test]
async fn callers_over_their_rate_limit_get_429_with_retry_after() {
    let app = TestApp::spawn_with(|s| s.rate_limit.per_minute = 3).await;
    let token = app.hr();
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/org-units", &token).await.status(), 200);
    }
    let res = app.get("/api/v1/org-units", &token).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    assert_eq!(body(res).await["code"], "rate_limited");
    // Another caller has their own budget.
    assert_eq!(
        app.get(
            "/api/v1/org-units",
            &app.token_for("other", &["hr_admin"], &[], None)
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn integration_clients_without_the_right_scope_are_refused() {
    let app = TestApp::spawn().await;
    let xapi = app.token_for("lms", &[], &["xapi:write"], None);
    assert_eq!(app.get("/api/v1/employees", &xapi).await.status(), 403);
    let res = app
        .post(
            "/api/v1/hris/employees:sync",
            &xapi,
            json!({ "records": [] }),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(body(res).await["code"], "forbidden");
}

async fn get_from(app: &TestApp, client: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/api/v1/org-units", app.base))
        .bearer_auth(token)
        .header("x-forwarded-for", client)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn failed_logins_are_limited_per_client_address_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
        s.rate_limit.failed_auth_per_minute = 5;
    })
    .await;
    let attacker = "198.51.100.7";
    for _ in 0..5 {
        assert_eq!(get_from(&app, attacker, "not-a-token").await.status(), 401);
    }
    let blocked = get_from(&app, attacker, "not-a-token").await;
    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().get("retry-after").is_some());
    assert_eq!(
        get_from(&app, attacker, &app.hr()).await.status(),
        429,
        "the address waits for the next minute, whatever it sends"
    );
    assert_eq!(
        get_from(&app, "198.51.100.8", &app.hr()).await.status(),
        200,
        "another client is not affected"
    );
    assert_eq!(
        get_from(&app, &format!("198.51.100.9, {attacker}"), &app.hr())
            .await
            .status(),
        429,
        "the proxy's own entry (rightmost) names the client, not what the client prepended"
    );
}

#[tokio::test]
async fn without_trusted_proxies_a_forged_forwarded_for_changes_nothing() {
    let app = TestApp::spawn_with(|s| {
        s.rate_limit.failed_auth_per_minute = 3;
        s.rate_limit.per_address_per_minute = 10;
    })
    .await;
    for i in 0..3 {
        let status = get_from(&app, &format!("203.0.113.{i}"), "nope")
            .await
            .status();
        assert_eq!(status, 401);
    }
    assert_eq!(
        get_from(&app, "203.0.113.99", &app.hr()).await.status(),
        429,
        "every attempt came from the peer address"
    );
    let app = TestApp::spawn_with(|s| s.rate_limit.per_address_per_minute = 4).await;
    let tokens: Vec<String> = (0..5)
        .map(|i| app.token_for(&format!("caller-{i}"), &["hr_admin"], &[], None))
        .collect();
    for t in &tokens[..4] {
        assert_eq!(app.get("/api/v1/org-units", t).await.status(), 200);
    }
    assert_eq!(
        app.get("/api/v1/org-units", &tokens[4]).await.status(),
        429,
        "the address's budget is shared by every token it sends"
    );
}

/// Log 30 minutes as the caller; the created entry's `employee_id`.
async fn log_own_time(app: &TestApp, token: &str) -> (u16, Value) {
    let res = app
        .post(
            "/api/v1/time-entries",
            token,
            json!({ "date": "2026-03-03", "minutes": 30, "category": "exploratory" }),
        )
        .await;
    let status = res.status().as_u16();
    (status, body(res).await)
}

#[tokio::test]
async fn an_audience_list_that_holds_ours_is_accepted() {
    let app = TestApp::spawn().await;
    let mut c = claims();
    c["aud"] = json!(["https://graph.example.com", "learnwell-api"]);
    assert_eq!(status_with(&app, &hs256(&c, SECRET)).await.0, 200);
    c["aud"] = json!(["https://graph.example.com"]);
    let (status, problem) = status_with(&app, &hs256(&c, SECRET)).await;
    assert_eq!(status, 401);
    assert_eq!(
        problem["detail"],
        "authentication required: the token's audience is not accepted"
    );
}

#[tokio::test]
async fn the_person_is_found_by_the_configured_claim_email_or_hris_id() {
    for (claim, matched, value) in [
        ("email", "email", "E-0042@Example.com"),
        ("employee_number", "external_id", "E-0042"),
    ] {
        let app = TestApp::spawn_with(|s| {
            s.auth.person_claim = claim.into();
            s.auth.person_match = serde_json::from_value(json!(matched)).expect("match");
        })
        .await;
        let mut p = crate::helpers::person("E-0042", None);
        p["email"] = json!("e-0042@example.com");
        let id = crate::helpers::ids(&app.sync(json!([p])).await)["E-0042"].clone();
        let token = hs256(
            &json!({ "sub": "idp|8f2c", claim: value, "exp": now() + 600, "iss": "learnwell", "aud": "learnwell-api" }),
            SECRET,
        );
        let (status, entry) = log_own_time(&app, &token).await;
        assert_eq!(status, 201, "{claim}: {entry}");
        assert_eq!(entry["employee_id"], json!(id), "{claim}");
        // Someone the directory does not know is nobody in particular: no learning of their own.
        let stranger = hs256(
            &json!({ "sub": "idp|0000", claim: "nobody@example.com", "exp": now() + 600, "iss": "learnwell", "aud": "learnwell-api" }),
            SECRET,
        );
        assert_ne!(log_own_time(&app, &stranger).await.0, 201, "{claim}");
    }
}

#[tokio::test]
async fn roles_come_from_the_configured_claim_through_the_role_map() {
    let app = TestApp::spawn_with(|s| {
        s.auth.roles_claim = "groups".into();
        s.auth.role_map = [("LW-HR".to_owned(), "hr_admin".to_owned())].into();
    })
    .await;
    let token = |groups: Value| {
        hs256(
            &json!({ "sub": "idp|hr", "groups": groups, "exp": now() + 600, "iss": "learnwell", "aud": "learnwell-api" }),
            SECRET,
        )
    };
    let audit = |t: String| {
        let app = &app;
        async move { app.get("/api/v1/audit-events", &t).await.status().as_u16() }
    };
    assert_eq!(audit(token(json!(["Everyone", "LW-HR"]))).await, 200);
    assert_eq!(
        audit(token(json!("LW-HR"))).await,
        200,
        "a single group as a string"
    );
    assert_eq!(audit(token(json!(["Everyone"]))).await, 403);
    // The `roles` claim means nothing once another claim is configured.
    let roles_only = hs256(
        &json!({ "sub": "idp|x", "roles": ["hr_admin"], "exp": now() + 600, "iss": "learnwell", "aud": "learnwell-api" }),
        SECRET,
    );
    assert_eq!(audit(roles_only).await, 403);
}

#[test]
fn a_role_map_to_an_unknown_role_stops_the_start() {
    let mut s = learnwell_api::config::Settings::load(None).expect("settings");
    s.auth.secret = secrecy::SecretString::from(SECRET);
    s.auth.role_map = [("LW-HR".to_owned(), "admin".to_owned())].into();
    let err = learnwell_api::auth::Authenticator::from_settings(&s.auth)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("LW-HR") && err.contains("hr_admin"), "{err}");
}
