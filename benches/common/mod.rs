//! What the benchmarks share: the real server as a child process, a fresh database, and
//! realistic HRIS records.

use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";
/// The token the benches scrape `/metrics` with.
const METRICS_TOKEN: &str = "bench-metrics-token";

pub struct Server {
    pub child: Child,
    pub base: String,
    pub port: u16,
    env: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub async fn start(database_url: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let env = vec![
            (
                "LEARNWELL__DATABASE__URL".to_owned(),
                database_url.to_owned(),
            ),
            ("LEARNWELL__AUTH__SECRET".to_owned(), SECRET.to_owned()),
            ("LEARNWELL__SERVER__PORT".to_owned(), port.to_string()),
            ("LEARNWELL__LOG__LEVEL".to_owned(), "warn".to_owned()),
            (
                "LEARNWELL__METRICS__TOKEN".to_owned(),
                METRICS_TOKEN.to_owned(),
            ),
        ];
        let child = Command::new(env!("CARGO_BIN_EXE_learnwell"))
            .arg("serve")
            .envs(env.iter().cloned())
            .stdout(Stdio::null())
            .spawn()
            .expect("start learnwell serve");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
            env,
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await {
                if r.status().is_success() {
                    return server;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not become ready");
    }

    pub fn token(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_learnwell"))
            .arg("token")
            .args(args)
            .envs(self.env.iter().cloned())
            .output()
            .expect("learnwell token");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    /// CPU time the server process has used (user and system), in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // The fields after the command name (which is in parentheses): utime and stime are the
        // 12th and 13th of them, in clock ticks of 1/100 s.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
        match (ticks(11), ticks(12)) {
            (Some(user), Some(system)) => (user + system) / 100.0,
            _ => f64::NAN,
        }
    }

    /// Database statements the server has run (from its metrics).
    pub async fn db_statements(&self, client: &reqwest::Client) -> f64 {
        self.metric(client, "learnwell_db_statements_total").await
    }

    /// The value of an unlabelled metric on `/metrics`.
    pub async fn metric(&self, client: &reqwest::Client, name: &str) -> f64 {
        let text = client
            .get(format!("{}/metrics", self.base))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(f64::NAN)
    }

    /// `VmHWM` (peak) or `VmRSS` (now) of the server, in MiB.
    pub fn rss_mib(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

pub async fn fresh_database(url: Option<&str>) -> String {
    match url {
        Some(admin_url) => {
            use sea_orm::ConnectionTrait;
            let name = format!("lw_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(admin_url)
                .await
                .expect("connect");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create database");
            let (prefix, _) = admin_url
                .rsplit_once('/')
                .expect("a database name in the URL");
            format!("{prefix}/{name}")
        }
        None => {
            let path =
                std::env::temp_dir().join(format!("learnwell-bench-{}.db", uuid::Uuid::new_v4()));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    }
}

/// How many rows `table` holds, read straight from the database at `url`.
pub async fn rows(url: &str, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let row = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// Person `i`: managed by person `(i - 1) / 8` (a tree 6 levels deep), in one of 60 units.
pub fn record(i: usize) -> Value {
    json!({
        "external_id": format!("E{i:06}"),
        "email": format!("person.{i}@bench.example"),
        "given_name": format!("Given{}", i % 997),
        "family_name": format!("Family{i}"),
        "job_title": "Specialist",
        "job_level": 1 + (i % 8),
        "org_unit_external_id": format!("U{:02}", i % 60),
        "manager_external_id": (i > 0).then(|| format!("E{:06}", (i - 1) / 8)),
        "employment_type": if i % 7 == 0 { "part_time" } else { "full_time" },
        "contracted_hours_per_week": if i % 7 == 0 { 20.0 } else { 40.0 },
        "hire_date": "2021-03-01",
        "location": "Remote",
    })
}

/// POST `body` as JSON with a bearer token; the answer and how long it took. Panics on failure.
pub async fn post(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    path: &str,
    body: Value,
) -> (Value, Duration) {
    let started = Instant::now();
    let res = client
        .post(format!("{}{path}", server.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert!(status.is_success(), "{path} answered {status}: {body}");
    (body, started.elapsed())
}

/// A root unit with 60 units below it (`U00`..`U59`) and `people` employees synced into them
/// ([`record`], 10,000 a request); returns the root unit.
pub async fn populate(client: &reqwest::Client, server: &Server, hr: &str, people: usize) -> Value {
    let (root, _) = post(
        client,
        server,
        hr,
        "/api/v1/org-units",
        json!({ "name": "Company", "external_id": "ROOT" }),
    )
    .await;
    for u in 0..60 {
        let unit = json!({ "name": format!("Unit {u}"), "external_id": format!("U{u:02}"), "parent_id": root["id"] });
        post(client, server, hr, "/api/v1/org-units", unit).await;
    }
    for first in (0..people).step_by(10_000) {
        let records: Vec<Value> = (first..(first + 10_000).min(people)).map(record).collect();
        post(
            client,
            server,
            hr,
            "/api/v1/hris/employees:sync",
            json!({ "records": records }),
        )
        .await;
    }
    root
}
