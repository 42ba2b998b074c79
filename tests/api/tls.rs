//! TLS to PostgreSQL and Redis (docs/OPERATIONS.md, "Managed databases"). The servers come from
//! TEST_DATABASE_TLS_URL (`sslmode=verify-full&sslrootcert=CA`), TEST_REDIS_TLS_URL (`rediss://`,
//! a server that speaks nothing but TLS) and TEST_REDIS_TLS_CA, which `.ci/run` sets up with a
//! throwaway CA. Without them those tests are skipped, except in CI's PostgreSQL pass (`CI=true`
//! with TEST_DATABASE_URL), where their absence fails. The refusals that need no server always
//! run.

use crate::helpers::{body, ids, person, settings, TestApp};
use learnwell_api::startup;
use learnwell_persistence::Conn;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Servers {
    database_url: String,
    redis_url: String,
    redis_ca: String,
}

fn servers() -> Option<Servers> {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    let found = (
        var("TEST_DATABASE_TLS_URL"),
        var("TEST_REDIS_TLS_URL"),
        var("TEST_REDIS_TLS_CA"),
    );
    if let (Some(database_url), Some(redis_url), Some(redis_ca)) = found {
        return Some(Servers {
            database_url,
            redis_url,
            redis_ca,
        });
    }
    let ci_postgres_pass =
        var("CI").as_deref() == Some("true") && var("TEST_DATABASE_URL").is_some();
    assert!(
        !ci_postgres_pass,
        "CI must run the TLS tests: set TEST_DATABASE_TLS_URL, TEST_REDIS_TLS_URL and TEST_REDIS_TLS_CA (.ci/run does)"
    );
    eprintln!("skipped: TEST_DATABASE_TLS_URL, TEST_REDIS_TLS_URL or TEST_REDIS_TLS_CA is not set");
    None
}

/// A CA that signed no server's certificate.
fn unrelated_ca() -> String {
    format!(
        "{}/tests/fixtures/unrelated-ca.pem",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `url` with its `key` parameter set to `value` (the others kept).
fn with_param(url: &str, key: &str, value: &str) -> String {
    let mut url = reqwest::Url::parse(url).expect("a URL");
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != key)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair(key, value);
    url.into()
}

/// Whether the connection a statement runs on is encrypted, as the server sees it.
async fn server_says_ssl(conn: &impl ConnectionTrait) -> bool {
    let row = conn
        .query_one(Statement::from_string(
            DbBackend::Postgres,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .expect("pg_stat_ssl")
        .expect("a row for this backend");
    row.try_get("", "ssl").expect("ssl")
}

/// Why the service refuses to start with `settings`.
async fn startup_error(settings: learnwell_api::config::Settings) -> String {
    startup::state(settings)
        .await
        .err()
        .expect("the service refuses to start")
        .to_string()
}

#[tokio::test]
async fn the_service_runs_on_postgresql_and_redis_over_verified_tls() {
    let Some(tls) = servers() else { return };
    let app = TestApp::spawn_on(Some(&tls.database_url), |s| {
        s.redis.url = SecretString::from(tls.redis_url.clone());
        s.redis.ca_file = tls.redis_ca.clone();
        s.redis.key_prefix = format!("lwtest:{}:", uuid::Uuid::new_v4().simple());
        s.rate_limit.per_minute = 3;
    })
    .await;

    // The pool's connections are encrypted, as PostgreSQL sees them; the same URL with
    // sslmode=disable is not (so the question tells the two apart).
    assert!(server_says_ssl(app.state.services.db.conn()).await);
    let plain = sea_orm::Database::connect(with_param(&tls.database_url, "sslmode", "disable"))
        .await
        .expect("a plain connection");
    assert!(!server_says_ssl(&plain).await);
    plain.close().await.expect("close");

    let ready = body(app.request(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["kv_store"], "redis");

    // An authenticated write and a read of it, on the TLS database.
    let hr = app.hr();
    let synced = app.sync(serde_json::json!([person("TLS1", None)])).await;
    let id = ids(&synced)["TLS1"].clone();
    let res = app.get(&format!("/api/v1/employees/{id}"), &hr).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["details"]["external_id"], "TLS1");

    // A second instance shares the caller's rate limit (3 a minute) through the TLS-only Redis:
    // after two requests on the first instance, it answers one and refuses the next.
    let sibling = app.sibling().await;
    let res = sibling.get(&format!("/api/v1/employees/{id}"), &hr).await;
    assert_eq!(res.status(), 200);
    let res = sibling.get(&format!("/api/v1/employees/{id}"), &hr).await;
    assert_eq!(res.status(), 429);
    assert_eq!(body(res).await["code"], "rate_limited");
}

#[tokio::test]
async fn postgresql_verified_against_another_ca_refuses_to_start() {
    let Some(tls) = servers() else { return };
    let mut s = settings();
    s.database.url = SecretString::from(with_param(
        &tls.database_url,
        "sslrootcert",
        &unrelated_ca(),
    ));
    let err = startup_error(s).await;
    assert!(err.starts_with("database: "), "{err}");
    assert!(
        err.contains("invalid peer certificate: UnknownIssuer"),
        "{err}"
    );
}

#[tokio::test]
async fn redis_verified_against_another_ca_refuses_to_start() {
    let Some(tls) = servers() else { return };
    let mut s = settings();
    s.database.url = SecretString::from("sqlite::memory:");
    s.redis.url = SecretString::from(tls.redis_url);
    s.redis.ca_file = unrelated_ca();
    let err = startup_error(s).await;
    assert!(err.starts_with("redis: "), "{err}");
    assert!(
        err.contains("invalid peer certificate: UnknownIssuer"),
        "{err}"
    );
}

/// A PostgreSQL server without TLS answers the client's request for TLS with `N`.
async fn server_without_tls() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut ssl_request = [0u8; 8];
            if socket.read_exact(&mut ssl_request).await.is_ok() {
                let _ = socket.write_all(b"N").await;
            }
        }
    });
    port
}

#[tokio::test]
async fn sslmode_require_refuses_a_server_without_tls() {
    let port = server_without_tls().await;
    let mut s = settings();
    s.database.url = SecretString::from(format!(
        "postgres://postgres@127.0.0.1:{port}/postgres?sslmode=require"
    ));
    let err = startup_error(s).await;
    assert!(err.starts_with("database: "), "{err}");
    assert!(err.contains("server does not support TLS"), "{err}");
}

#[tokio::test]
async fn certificate_settings_that_cannot_work_are_named_at_start() {
    let mut s = settings();
    s.database.url = SecretString::from(
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    );
    let err = startup_error(s).await;
    assert!(
        err.starts_with("database: database.url: sslrootcert /nonexistent/ca.pem: "),
        "{err}"
    );

    let mut s = settings();
    s.database.url = SecretString::from("sqlite::memory:");
    s.redis.url = SecretString::from("rediss://127.0.0.1:6380");
    s.redis.ca_file = "/nonexistent/ca.pem".into();
    let err = startup_error(s).await;
    assert!(
        err.starts_with("redis: redis.ca_file /nonexistent/ca.pem: "),
        "{err}"
    );

    // A CA is for TLS: with a redis:// URL it is refused rather than ignored.
    let mut s = settings();
    s.database.url = SecretString::from("sqlite::memory:");
    s.redis.url = SecretString::from("redis://127.0.0.1:6379");
    s.redis.ca_file = unrelated_ca();
    let err = startup_error(s).await;
    assert!(err.contains("rediss://"), "{err}");
}
