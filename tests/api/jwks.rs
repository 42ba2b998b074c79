//! Keys from the identity provider's JWKS endpoint (`auth.jwks_url`), served here by a tiny HTTP
//! server on 127.0.0.1 that counts its fetches.

use crate::helpers::{body, TestApp};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn jwk(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("jwk")
}

/// A token for an HR admin, signed with a fixture's private key and naming `kid`.
fn token(alg: Algorithm, private: &str, kid: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let claims = json!({ "sub": "idp-user", "roles": ["hr_admin"], "exp": now + 600,
                         "iss": "learnwell", "aud": "learnwell-api" });
    let key = if alg == Algorithm::RS256 {
        EncodingKey::from_rsa_pem(&fixture(private))
    } else {
        EncodingKey::from_ec_pem(&fixture(private))
    }
    .expect("key");
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    encode(&header, &claims, &key).expect("encode")
}

/// The identity provider's JWKS endpoint: the keys it publishes now, and how often it was asked.
struct Idp {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
}

impl Idp {
    async fn start(keys: Vec<Value>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().expect("addr")
        );
        let keys = Arc::new(Mutex::new(keys));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (keys.clone(), fetches.clone());
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let (served, counted) = (served.clone(), counted.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match conn.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                    let doc = json!({ "keys": *served.lock().expect("keys") }).to_string();
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{doc}",
                        doc.len()
                    );
                    let _ = conn.write_all(reply.as_bytes()).await;
                });
            }
        });
        Self { url, keys, fetches }
    }

    fn publish(&self, keys: Vec<Value>) {
        *self.keys.lock().expect("keys") = keys;
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

async fn app_for(idp: &Idp, alg: &str, refetch_seconds: u64, max_age_seconds: u64) -> TestApp {
    let url = idp.url.clone();
    let alg: learnwell_api::config::JwtAlgorithm =
        serde_json::from_value(json!(alg)).expect("algorithm");
    TestApp::spawn_with(move |s| {
        s.auth.algorithm = alg;
        s.auth.jwks_url = url;
        s.auth.jwks_refetch_seconds = refetch_seconds;
        s.auth.jwks_max_age_seconds = max_age_seconds;
        // The JWKS bound on its own, without the per-address limit on failures.
        s.rate_limit.failed_auth_per_minute = 0;
    })
    .await
}

async fn status(app: &TestApp, token: &str) -> (u16, Value) {
    let res = app.get("/api/v1/employees", token).await;
    (res.status().as_u16(), body(res).await)
}

#[tokio::test]
async fn keys_come_from_the_jwks_and_a_rotated_key_is_fetched_once() {
    let idp = Idp::start(vec![jwk("rs256-public.jwk.json")]).await;
    let app = app_for(&idp, "RS256", 60, 3600).await;
    assert_eq!(idp.fetches(), 0, "the set is fetched on first use");

    let first = token(Algorithm::RS256, "rs256-private.pem", "rsa-1");
    assert_eq!(status(&app, &first).await.0, 200);
    assert_eq!(status(&app, &first).await.0, 200);
    assert_eq!(idp.fetches(), 1, "a cached kid needs no fetch");

    // The provider rotates: a new key with a new kid, the old one still published.
    idp.publish(vec![
        jwk("rs256-public.jwk.json"),
        jwk("rs256-rotated-public.jwk.json"),
    ]);
    let rotated = token(Algorithm::RS256, "rs256-rotated-private.pem", "rsa-2");
    assert_eq!(status(&app, &rotated).await.0, 200);
    assert_eq!(status(&app, &rotated).await.0, 200);
    assert_eq!(status(&app, &first).await.0, 200);
    assert_eq!(idp.fetches(), 2, "the new kid is fetched once");

    // A wrong signature under a known kid, and a token of another algorithm, are 401 and
    // cost no fetch.
    let forged = token(Algorithm::RS256, "rs256-rotated-private.pem", "rsa-1");
    let (code, body) = status(&app, &forged).await;
    assert_eq!(code, 401);
    assert_eq!(body["code"], "unauthenticated");
    assert_eq!(
        status(&app, &token(Algorithm::ES256, "es256-private.pem", "rsa-1"))
            .await
            .0,
        401
    );
    assert_eq!(idp.fetches(), 2);
}

#[tokio::test]
async fn a_flood_of_unknown_kids_costs_the_provider_one_refetch_per_interval() {
    let idp = Idp::start(vec![jwk("rs256-public.jwk.json")]).await;
    let app = app_for(&idp, "RS256", 3, 3600).await;
    // Concurrently and one after the other: the first load, then one refetch for the misses.
    let flood: Vec<String> = (0..30)
        .map(|i| {
            token(
                Algorithm::RS256,
                "rs256-private.pem",
                &format!("made-up-{i}"),
            )
        })
        .collect();
    let answers = futures_util::future::join_all(flood[..10].iter().map(|t| status(&app, t))).await;
    for t in &flood[10..] {
        assert_eq!(status(&app, t).await.0, 401);
    }
    assert!(answers.iter().all(|(code, _)| *code == 401));
    let detail = answers[0].1["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        detail.ends_with("the token's key (kid) is not one of the identity provider's"),
        "{detail}"
    );
    assert_eq!(idp.fetches(), 2, "first load and one refetch");
    // The known key still works without a fetch.
    let known = token(Algorithm::RS256, "rs256-private.pem", "rsa-1");
    assert_eq!(status(&app, &known).await.0, 200);
    assert_eq!(idp.fetches(), 2);
    // After the interval, one more miss may refetch again, once.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    for t in &flood[..5] {
        assert_eq!(status(&app, t).await.0, 401);
    }
    assert_eq!(idp.fetches(), 3);
}

#[tokio::test]
async fn a_key_the_provider_withdraws_stops_working_once_the_set_is_refetched() {
    let idp = Idp::start(vec![
        jwk("rs256-public.jwk.json"),
        jwk("rs256-rotated-public.jwk.json"),
    ])
    .await;
    // A set older than 0 s is always stale; refetches may follow each other at once.
    let app = app_for(&idp, "RS256", 0, 0).await;
    let old = token(Algorithm::RS256, "rs256-private.pem", "rsa-1");
    assert_eq!(status(&app, &old).await.0, 200);
    idp.publish(vec![jwk("rs256-rotated-public.jwk.json")]);
    assert_eq!(status(&app, &old).await.0, 401);
    let new = token(Algorithm::RS256, "rs256-rotated-private.pem", "rsa-2");
    assert_eq!(status(&app, &new).await.0, 200);
}

#[tokio::test]
async fn es256_keys_come_from_the_jwks_and_keys_of_other_kinds_are_skipped() {
    let mut rsa_as_ec = jwk("rs256-public.jwk.json");
    rsa_as_ec["kid"] = json!("ec-1-rsa");
    let idp = Idp::start(vec![
        rsa_as_ec,
        json!({ "kty": "RSA", "kid": "enc", "use": "enc", "alg": "RSA-OAEP", "n": "AQAB", "e": "AQAB" }),
        json!({ "kty": "unknown" }),
        jwk("es256-public.jwk.json"),
    ])
    .await;
    let app = app_for(&idp, "ES256", 60, 3600).await;
    let good = token(Algorithm::ES256, "es256-private.pem", "ec-1");
    assert_eq!(status(&app, &good).await.0, 200);
    // An RSA key in the set is not an ES256 key.
    let rsa = token(Algorithm::ES256, "es256-private.pem", "ec-1-rsa");
    assert_eq!(status(&app, &rsa).await.0, 401);
}

#[tokio::test]
async fn an_unreachable_provider_is_503_and_a_token_without_kid_is_401() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/jwks", closed.local_addr().expect("addr"));
    drop(closed);
    let app = TestApp::spawn_with(move |s| {
        s.auth.algorithm = learnwell_api::config::JwtAlgorithm::RS256;
        s.auth.jwks_url = url;
    })
    .await;
    let (code, body) = status(&app, &token(Algorithm::RS256, "rs256-private.pem", "rsa-1")).await;
    assert_eq!(code, 503, "{body}");
    assert_eq!(body["code"], "unavailable");

    let mut no_kid = token(Algorithm::RS256, "rs256-private.pem", "rsa-1");
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#);
    no_kid = format!("{header}.{}", no_kid.split_once('.').expect("jwt").1);
    let (code, body) = status(&app, &no_kid).await;
    assert_eq!(code, 401);
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.ends_with("the token names no key (kid) of the identity provider"),
        "{detail}"
    );
}

#[test]
fn a_jwks_url_needs_a_public_key_algorithm_and_an_http_address() {
    let mut s = learnwell_api::config::Settings::load(None).expect("settings");
    s.auth.secret = secrecy::SecretString::from("x".repeat(40));
    s.auth.jwks_url = "https://idp.example/jwks".into();
    let err = learnwell_api::auth::Authenticator::from_settings(&s.auth)
        .err()
        .expect("HS256 with a JWKS is refused");
    assert!(err.to_string().contains("RS256 or ES256"), "{err}");
    s.auth.algorithm = learnwell_api::config::JwtAlgorithm::RS256;
    s.auth.jwks_url = "file:///etc/jwks.json".into();
    let err = learnwell_api::auth::Authenticator::from_settings(&s.auth)
        .err()
        .expect("a file address is refused");
    assert!(err.to_string().contains("https://"), "{err}");
}
