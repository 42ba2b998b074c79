//! A real app per test: port 0, a fresh database (SQLite file, or a new PostgreSQL database when
//! TEST_DATABASE_URL is set), Redis with its own key prefix when TEST_REDIS_URL is set. The
//! database is removed when the test's app is dropped. `TEST_LOG=1` prints the server's logs.

use learnwell_api::auth::TokenSpec;
use learnwell_api::config::Settings;
use learnwell_api::services::Services;
use learnwell_api::startup;
use learnwell_api::state::AppState;
use reqwest::{Method, Response};
use sea_orm::ConnectionTrait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    settings: Settings,
    /// The database this app created and removes when dropped (None for a sibling).
    _database: Option<TestDatabase>,
}

/// A database made for one test.
enum TestDatabase {
    Postgres { admin_url: String, name: String },
    Sqlite(std::path::PathBuf),
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            TestDatabase::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            TestDatabase::Postgres { admin_url, name } => {
                // Drop runs inside the test's runtime: the DROP gets a thread and a runtime of
                // its own. FORCE ends the connections the app's pool still holds.
                let (admin_url, sql) = (
                    admin_url.clone(),
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                );
                let dropped = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        let admin = sea_orm::Database::connect(&admin_url).await?;
                        admin.execute_unprepared(&sql).await?;
                        admin.close().await
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("could not drop the test database {name}: {dropped:?}");
                }
            }
        }
    }
}

/// A new database on the PostgreSQL server of `admin_url` (its URL keeps the query: `sslmode`,
/// `sslrootcert`), or a new SQLite file.
async fn fresh_database(admin_url: Option<&str>) -> (String, TestDatabase) {
    match admin_url {
        Some(admin_url) => {
            let name = format!("lw_test_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(admin_url)
                .await
                .expect("connect to the test PostgreSQL server");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            admin.close().await.expect("close admin connection");
            let mut url = reqwest::Url::parse(admin_url).expect("a PostgreSQL URL");
            url.set_path(&name);
            let admin_url = admin_url.to_owned();
            (url.into(), TestDatabase::Postgres { admin_url, name })
        }
        None => {
            let path =
                std::env::temp_dir().join(format!("learnwell-test-{}.db", uuid::Uuid::new_v4()));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (url, TestDatabase::Sqlite(path))
        }
    }
}

/// The settings of every test app before its database and Redis: the test key, one worker, a
/// small pool, quiet logs.
pub fn settings() -> Settings {
    let mut settings = Settings::load(None).expect("default settings");
    settings.database.max_connections = 5;
    settings.auth.secret = SecretString::from(SECRET);
    settings.server.workers = 1;
    settings.log.level = "warn".into();
    settings
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let admin_url = std::env::var("TEST_DATABASE_URL").ok();
        Self::spawn_on(admin_url.as_deref().filter(|u| !u.is_empty()), configure).await
    }

    /// An app on a fresh database of the PostgreSQL server `admin_url` connects to (SQLite when
    /// `None`), whatever TEST_DATABASE_URL says.
    pub async fn spawn_on(admin_url: Option<&str>, configure: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = settings();
        let (url, database) = fresh_database(admin_url).await;
        settings.database.url = SecretString::from(url);
        if std::env::var_os("TEST_LOG").is_some_and(|v| !v.is_empty() && v != "0") {
            settings.log.level = "info".into();
            learnwell_api::telemetry::init(&settings.log);
        }
        if let Ok(url) = std::env::var("TEST_REDIS_URL") {
            settings.redis.url = SecretString::from(url);
            settings.redis.key_prefix = format!("lwtest:{}:", uuid::Uuid::new_v4().simple());
        }
        configure(&mut settings);
        Self::start(settings, database).await
    }

    /// A second instance on the same database and the same key-value store: the same Redis when
    /// configured, else this instance's in-process store (standing in for a shared one).
    pub async fn sibling(&self) -> Self {
        let mut state = startup::state(self.settings.clone())
            .await
            .expect("app state");
        if self.settings.redis.url.expose_secret().is_empty() {
            let own = &state.services;
            state.services = Services::new(
                Settings::clone(&own.settings),
                own.db.clone(),
                self.state.services.kv.clone(),
            );
        }
        Self::serve(state, self.settings.clone(), None)
    }

    async fn start(settings: Settings, database: TestDatabase) -> Self {
        let state = startup::state(settings.clone()).await.expect("app state");
        state.services.db.migrate().await.expect("migrations");
        Self::serve(state, settings, Some(database))
    }

    fn serve(state: AppState, settings: Settings, owned: Option<TestDatabase>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let server = startup::serve(state.clone(), listener).expect("server");
        tokio::spawn(server);
        Self {
            base,
            client: reqwest::Client::new(),
            state,
            settings,
            _database: owned,
        }
    }

    /// Database statements that `f` causes, counted once the app's start-up work (the
    /// projector's first look at its queue) is done, so that only the request is measured.
    pub async fn statements_of<F: std::future::Future>(&self, f: F) -> (F::Output, u64) {
        self.projected().await;
        let before = self.state.services.db.statements_executed();
        let out = f.await;
        (out, self.state.services.db.statements_executed() - before)
    }

    /// Wait until the xAPI learning projection has applied every statement stored so far: it
    /// runs in the background; this applies what is still queued, taking turns with it.
    pub async fn projected(&self) {
        learnwell_api::services::xapi::projection::drain(&self.state.services)
            .await
            .expect("projection");
    }

    pub fn token_for(
        &self,
        sub: &str,
        roles: &[&str],
        scopes: &[&str],
        employee_id: Option<&str>,
    ) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let spec = TokenSpec {
            subject: sub.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            employee_id: employee_id.map(str::to_owned),
            ttl: Duration::from_secs(600),
        };
        self.state.auth.mint(&spec, now).expect("mint")
    }

    pub fn hr(&self) -> String {
        self.token_for("hr-admin", &["hr_admin"], &[], None)
    }

    pub fn employee_token(&self, employee_id: &str) -> String {
        self.token_for(
            &format!("user-{employee_id}"),
            &["employee"],
            &[],
            Some(employee_id),
        )
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    /// A GraphQL request (asserting 200, as every GraphQL answer is) and its JSON answer.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let res = self
            .post(
                "/graphql",
                token,
                serde_json::json!({ "query": query, "variables": variables }),
            )
            .await;
        assert_eq!(res.status(), 200);
        body(res).await
    }

    /// Every item of the paged list at `path`, walked `first` at a time (asserting at least
    /// two pages, each full but the last, and each item once), after checking the page's
    /// refusals: a cursor from elsewhere and a `first` out of 1-200 are 400 problem documents
    /// naming the parameter (`invalid_query`).
    pub async fn all_pages(&self, path: &str, token: &str, first: usize) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        for (q, field) in [
            ("after=garbage", "after"),
            ("first=0", "first"),
            ("first=201", "first"),
        ] {
            let res = self.get(&format!("{path}{sep}{q}"), token).await;
            assert_eq!(res.status(), 400, "{path} {q}");
            assert_eq!(res.headers()["content-type"], "application/problem+json");
            let problem = body(res).await;
            assert_eq!(problem["code"], "invalid_query", "{path} {q}: {problem}");
            assert_eq!(
                problem["errors"][0]["field"], field,
                "{path} {q}: {problem}"
            );
        }
        let (mut items, mut pages, mut after) = (Vec::<Value>::new(), 0, None::<String>);
        loop {
            let url = match &after {
                None => format!("{path}{sep}first={first}"),
                Some(c) => format!("{path}{sep}first={first}&after={c}"),
            };
            let res = self.get(&url, token).await;
            assert_eq!(res.status(), 200, "{url}");
            let page = body(res).await;
            let got = page["items"].as_array().expect("items");
            pages += 1;
            items.extend(got.iter().cloned());
            match page.get("next_cursor").and_then(Value::as_str) {
                Some(c) => {
                    assert_eq!(got.len(), first, "only the last page is short: {url}");
                    after = Some(c.to_owned());
                }
                None => break,
            }
        }
        assert!(pages >= 2, "{path}: {} items on one page", items.len());
        let mut ids: Vec<String> = items.iter().map(|i| i.to_string()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), items.len(), "{path}: an item on two pages");
        items
    }

    /// Sync records as hr_admin and return the JSON answer (asserting 200).
    pub async fn sync(&self, records: Value) -> Value {
        let res = self
            .post(
                "/api/v1/hris/employees:sync",
                &self.hr(),
                json!({ "records": records }),
            )
            .await;
        assert_eq!(res.status(), 200, "sync failed");
        res.json().await.expect("json")
    }

    /// Create an org unit as hr_admin, returning its id.
    pub async fn unit(&self, name: &str, external_id: &str, parent: Option<&str>) -> String {
        let res = self
            .post(
                "/api/v1/org-units",
                &self.hr(),
                json!({ "name": name, "external_id": external_id, "parent_id": parent }),
            )
            .await;
        assert_eq!(res.status(), 201);
        body(res).await["id"].as_str().expect("id").to_owned()
    }
}

pub async fn body(res: Response) -> Value {
    res.json().await.expect("json body")
}

/// A minimal valid HRIS record.
pub fn person(ext: &str, manager: Option<&str>) -> Value {
    json!({
        "external_id": ext,
        "email": format!("{}@example.com", ext.to_lowercase()),
        "given_name": "Given",
        "family_name": format!("Family{ext}"),
        "job_level": 3,
        "manager_external_id": manager,
        "hire_date": "2020-01-01",
    })
}

/// Ids of a sync answer by external id.
pub fn ids(sync: &Value) -> std::collections::HashMap<String, String> {
    sync["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| {
            Some((
                r["external_id"].as_str()?.to_owned(),
                r["employee_id"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Log lines, captured in memory (every level, span fields included).
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Capture every log line of this process at trace level (SQL statements included), as
    /// its first subscriber, installed once per process and shared by the tests that read it
    /// (under `cargo test` they run in one process; nextest gives each its own); `None` when
    /// another subscriber took the logs first (only under `cargo test` with `TEST_LOG`).
    pub fn install() -> Option<Self> {
        static INSTALLED: std::sync::OnceLock<Option<Captured>> = std::sync::OnceLock::new();
        INSTALLED.get_or_init(Self::first_subscriber).clone()
    }

    fn first_subscriber() -> Option<Self> {
        let captured = Self::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "learnwell_api=trace,learnwell_persistence=trace,learnwell_domain=trace,sqlx=debug,actix_web=debug,warn",
            ))
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(move || writer.clone())
            .finish();
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            assert!(
                std::env::var_os("TEST_LOG").is_some(),
                "another subscriber took the logs"
            );
            return None;
        }
        Some(captured)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

/// A mutation's payload `name` from a GraphQL answer that has no top-level error.
/// A GraphQL answer's `data`, asserting it has no errors.
pub fn data(out: &Value) -> &Value {
    assert!(out.get("errors").is_none(), "{out}");
    &out["data"]
}

pub fn payload<'a>(out: &'a Value, name: &str) -> &'a Value {
    assert!(out.get("errors").is_none(), "{out}");
    &out["data"][name]
}

/// A payload's first user error: its code (`-` when none) and field path.
pub fn first_error(p: &Value) -> (&str, &Value) {
    (
        p["userErrors"][0]["code"].as_str().unwrap_or("-"),
        &p["userErrors"][0]["field"],
    )
}
