//! xAPI ingestion benchmark of the real `learnwell` binary, driven from this separate process.
//!
//! ```sh
//! cargo bench --bench xapi                                # SQLite
//! cargo bench --bench xapi -- --database-url postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! 1,000 employees are synced and an LRS client created; then statements of about 1 KB (a
//! learning verb, a duration, an actor who is an employee: every one becomes a learning record
//! and a time entry) are POSTed in batches of 1, 10 and 100 by 4 concurrent senders, and each
//! rate runs until the learning projection has applied the last statement (the queue on
//! `/metrics` is empty); the bench checks that every statement became a record. The same rows
//! are also written with plain multi-row INSERTs into a scratch table, for the ratio.
//! Figures go to `docs/BENCHMARKS.md`.
#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]

#[path = "common/mod.rs"]
#[expect(dead_code, reason = "each benchmark uses part of the shared harness")]
mod common;

use base64::Engine;
use common::{fresh_database, populate, post, rows, Server};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use std::time::Instant;

const PEOPLE: usize = 1_000;
const SENDERS: usize = 4;

fn statement(n: usize) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "actor": { "objectType": "Agent", "mbox": format!("mailto:person.{}@bench.example", n % PEOPLE) },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/completed", "display": { "en-US": "completed" } },
        "object": { "objectType": "Activity", "id": format!("https://lms.example.com/module/{}", n % 500),
                    "definition": { "name": { "en-US": format!("Module {}", n % 500) },
                                    "description": { "en-US": "A module of the compliance curriculum, with a quiz at the end." },
                                    "type": "http://adlnet.gov/expapi/activities/module" } },
        "result": { "duration": "PT12M30S", "completion": true, "success": true,
                    "score": { "scaled": 0.82, "raw": 82, "min": 0, "max": 100 } },
        "context": { "registration": uuid::Uuid::new_v4().to_string(), "platform": "Moodle 4.3", "language": "en-US",
                     "contextActivities": { "parent": [{ "id": "https://lms.example.com/course/compliance" }] },
                     "extensions": { "https://lms.example.com/xapi/session": format!("session-{n:08}") } },
        "timestamp": timestamp(n)
    })
}

/// Each person learns once a day, going back a day per round through the people.
fn timestamp(n: usize) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")
        - chrono::Days::new((n / PEOPLE % 300) as u64);
    format!("{day}T10:15:00Z")
}

/// POST `total` statements in batches of `batch` from the concurrent senders (their bodies
/// serialised before the clock starts), then wait until the learning projection has applied
/// them all. Returns the rate at which the answers came and the rate to the end of the projection.
async fn ingest(
    server: &Server,
    basic: &str,
    batch: usize,
    total: usize,
    first: usize,
) -> (f64, f64) {
    let client = reqwest::Client::new();
    assert_eq!(
        total % (SENDERS * batch),
        0,
        "whole batches for every sender"
    );
    let per_sender = total / SENDERS;
    let bodies: Vec<Vec<Vec<u8>>> = (0..SENDERS)
        .map(|sender| {
            let start = first + sender * per_sender;
            (start..start + per_sender)
                .step_by(batch)
                .map(|n| {
                    let body: Vec<Value> = (n..n + batch).map(statement).collect();
                    serde_json::to_vec(&body).expect("body")
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for bodies in bodies {
        let client = client.clone();
        let url = format!("{}/xapi/statements", server.base);
        let basic = basic.to_owned();
        tasks.push(tokio::spawn(async move {
            for body in bodies {
                let res = client
                    .post(&url)
                    .header("authorization", &basic)
                    .header("x-experience-api-version", "1.0.3")
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("post");
                assert!(res.status().is_success(), "answered {}", res.status());
            }
        }));
    }
    for t in tasks {
        t.await.expect("sender");
    }
    let answered = started.elapsed().as_secs_f64();
    while server
        .metric(&client, "learnwell_xapi_projection_queue")
        .await
        != 0.0
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let projected = started.elapsed().as_secs_f64();
    (total as f64 / answered, total as f64 / projected)
}

/// The same statements as plain multi-row INSERTs of 100 rows (one row per statement, no
/// indexes, no validation, no learning records) into a scratch table.
async fn plain_insert(url: &str, total: usize) -> f64 {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    db.execute_unprepared(
        "CREATE TABLE plain_statements (id VARCHAR(36) PRIMARY KEY, stored_us BIGINT, statement TEXT)",
    )
    .await
    .expect("table");
    let started = Instant::now();
    for chunk in (0..total).collect::<Vec<_>>().chunks(100) {
        let values: Vec<String> = chunk
            .iter()
            .map(|n| {
                let s = statement(*n);
                format!(
                    "('{}', {n}, '{}')",
                    s["id"].as_str().expect("id"),
                    s.to_string().replace('\'', "''")
                )
            })
            .collect();
        db.execute_unprepared(&format!(
            "INSERT INTO plain_statements VALUES {}",
            values.join(", ")
        ))
        .await
        .expect("insert");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let mut database_url = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--database-url" {
            database_url = args.next();
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let db = fresh_database(database_url.as_deref()).await;
        let server = Server::start(&db).await;
        let hr = server.token(&["--sub", "bench", "--role", "hr_admin"]);
        let ld = server.token(&["--sub", "bench-ld", "--role", "ld_admin"]);
        let client = reqwest::Client::new();
        populate(&client, &server, &hr, PEOPLE).await;
        let (lrs, _) = post(
            &client,
            &server,
            &ld,
            "/api/v1/lrs-clients",
            json!({ "name": "bench", "scopes": ["xapi:write", "xapi:read"] }),
        )
        .await;
        let pair = format!(
            "{}:{}",
            lrs["key"].as_str().expect("key"),
            lrs["secret"].as_str().expect("secret")
        );
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        );
        println!(
            "backend: {}",
            if db.starts_with("postgres") {
                "PostgreSQL"
            } else {
                "SQLite"
            }
        );
        println!(
            "statement size: {} bytes",
            statement(0).to_string().len()
        );
        let plain = plain_insert(&db, 20_000).await;
        println!("plain multi-row INSERT (100 rows each): {plain:.0} statements/s");
        let mut first = 0;
        for (batch, total) in [(1, 2_000), (10, 10_000), (100, 50_000)] {
            let (cpu, queries) = (server.cpu_seconds(), server.db_statements(&client).await);
            let (answered, projected) = ingest(&server, &basic, batch, total, first).await;
            first += total;
            let cpu_us = (server.cpu_seconds() - cpu) * 1e6 / total as f64;
            let per_batch =
                (server.db_statements(&client).await - queries) * batch as f64 / total as f64;
            println!(
                "POST batches of {batch:>3} ({SENDERS} senders, {total} statements): {projected:.0} statements/s projected ({:.2}x the plain INSERT), answered at {answered:.0}/s; server CPU {cpu_us:.0} µs per statement; {per_batch:.1} database statements per request (projection included)",
                projected / plain
            );
        }
        assert_eq!(
            rows(&db, "learning_records").await,
            first as i64,
            "every statement became a learning record"
        );
        println!("server RSS: peak {:.0} MiB", server.rss_mib("VmHWM:"));
    });
}
