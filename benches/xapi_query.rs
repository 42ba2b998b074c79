//! Statement queries against a large LRS, through the real `learnwell` binary over HTTP.
//!
//! ```sh
//! cargo bench --bench xapi_query                               # SQLite
//! cargo bench --bench xapi_query -- --database-url postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! 10,000,000 statements (about 900 bytes each, like those of the ingestion benchmark) by 1,000
//! actors over one year are written by SQL straight into the tables the LRS keeps, with their
//! agent and activity index rows: 10,000,000 POSTs would take hours. Then `GET
//! /xapi/statements?agent=...&since=...` is timed for random actors and random `since` points,
//! with the default page size and with `limit=10`.
//!
//! Generating the data takes a long while, so `--keep DIR` keeps it: the SQLite file (or the
//! name of the PostgreSQL database) is remembered in DIR and used again by the next run.
//! `--statements N` changes the size. Figures go to `docs/BENCHMARKS.md`.
#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]

#[path = "common/mod.rs"]
#[expect(dead_code, reason = "each benchmark uses part of the shared harness")]
mod common;

use base64::Engine;
use common::{fresh_database, post, rows, Server};
use rand::Rng;
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::time::{Duration, Instant};

const ACTORS: i64 = 1_000;
/// The statements are spread over this year, oldest first.
const START_US: i64 = 1_735_689_600_000_000; // 2025-01-01T00:00:00Z
const YEAR_US: i64 = 365 * 24 * 3_600 * 1_000_000;
/// Statements written per SQL statement while generating.
const CHUNK: i64 = 250_000;

struct Options {
    database_url: Option<String>,
    keep: Option<String>,
    statements: i64,
    runs: usize,
}

fn options() -> Options {
    let mut o = Options {
        database_url: None,
        keep: None,
        statements: 10_000_000,
        runs: 400,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--database-url" => o.database_url = Some(value()),
            "--keep" => o.keep = Some(value()),
            "--statements" => o.statements = value().parse().expect("--statements N"),
            "--runs" => o.runs = value().parse().expect("--runs N"),
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

/// The SQL that writes statements `from..to` (numbered from 0), for one backend: the same
/// columns and JSON the LRS itself writes.
fn statements_sql(postgres: bool, from: i64, to: i64, total: i64) -> Vec<String> {
    let step = YEAR_US / total;
    let (numbers, id, stored) = if postgres {
        (
            format!("generate_series(CAST({from} AS bigint), {}) AS n", to - 1),
            "'00000000-0000-4000-8000-' || lpad(n::text, 12, '0')".to_owned(),
            "to_char(to_timestamp(stored_us / 1000000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')".to_owned(),
        )
    } else {
        (
            format!(
                "(WITH RECURSIVE g(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM g WHERE n < {}) SELECT n FROM g) AS numbers",
                to - 1
            ),
            "printf('00000000-0000-4000-8000-%012d', n)".to_owned(),
            "strftime('%Y-%m-%dT%H:%M:%fZ', stored_us / 1000000.0, 'unixepoch')".to_owned(),
        )
    };
    let json = format!(
        "'{{\"id\":\"' || id || '\",\"actor\":{{\"objectType\":\"Agent\",\"mbox\":\"mailto:person.' || (n % {ACTORS}) || '@bench.example\"}},\
         \"verb\":{{\"id\":\"http://adlnet.gov/expapi/verbs/completed\",\"display\":{{\"en-US\":\"completed\"}}}},\
         \"object\":{{\"objectType\":\"Activity\",\"id\":\"https://lms.example.com/module/' || (n % 500) || '\",\
         \"definition\":{{\"name\":{{\"en-US\":\"Module ' || (n % 500) || '\"}},\"description\":{{\"en-US\":\"A module of the compliance curriculum, with a quiz at the end.\"}},\
         \"type\":\"http://adlnet.gov/expapi/activities/module\"}}}},\
         \"result\":{{\"duration\":\"PT12M30S\",\"completion\":true,\"success\":true,\"score\":{{\"scaled\":0.82,\"raw\":82,\"min\":0,\"max\":100}}}},\
         \"context\":{{\"registration\":\"' || id || '\",\"platform\":\"Moodle 4.3\",\"language\":\"en-US\",\
         \"contextActivities\":{{\"parent\":[{{\"id\":\"https://lms.example.com/course/compliance\"}}]}}}},\
         \"timestamp\":\"' || stored || '\",\"stored\":\"' || stored || '\",\
         \"authority\":{{\"objectType\":\"Agent\",\"name\":\"bench\",\"account\":{{\"homePage\":\"urn:learnwell:lrs\",\"name\":\"client:bench\"}}}},\
         \"version\":\"1.0.0\"}}'"
    );
    let range = format!("seq > {from} AND seq <= {to}");
    vec![
        format!(
            "INSERT INTO xapi_statements (statement_id, stored_us, verb_id, voided, registration, \
             actor_key, mapping, statement) \
             SELECT id, stored_us, 'http://adlnet.gov/expapi/verbs/completed', false, id, \
             'mbox:mailto:person.' || (n % {ACTORS}) || '@bench.example', 'none', {json} \
             FROM (SELECT n, {id} AS id, stored_us, {stored} AS stored \
                   FROM (SELECT n, {START_US} + n * {step} AS stored_us FROM {numbers}) t) g \
             ORDER BY n"
        ),
        format!(
            "INSERT INTO xapi_statement_agents (agent_key, related_only, seq, stored_us) \
             SELECT actor_key, false, seq, stored_us FROM xapi_statements WHERE {range} \
             UNION ALL SELECT 'account:urn:learnwell:lrs|client:bench', true, seq, stored_us \
             FROM xapi_statements WHERE {range}"
        ),
        format!(
            "INSERT INTO xapi_statement_activities (activity_id, related_only, seq, stored_us) \
             SELECT 'https://lms.example.com/module/' || ((seq - 1) % 500), false, seq, stored_us \
             FROM xapi_statements WHERE {range} \
             UNION ALL SELECT 'https://lms.example.com/course/compliance', true, seq, stored_us \
             FROM xapi_statements WHERE {range}"
        ),
    ]
}

async fn generate(url: &str, from: i64, to: i64) {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let postgres = url.starts_with("postgres");
    let started = Instant::now();
    let mut at = from;
    while at < to {
        let end = (at + CHUNK).min(to);
        for sql in statements_sql(postgres, at, end, to) {
            db.execute_unprepared(&sql).await.expect("generate");
        }
        at = end;
        eprintln!(
            "  {at} statements ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    // What autovacuum would do after such a load: statistics, and the visibility map that lets
    // PostgreSQL answer from an index alone.
    let vacuum = if postgres {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    db.execute_unprepared(vacuum).await.expect("vacuum");
}

/// The database to use: the kept one if `--keep` names one, else a fresh one.
async fn database(o: &Options) -> String {
    let remembered = o.keep.as_ref().map(|dir| {
        std::fs::create_dir_all(dir).expect("keep dir");
        std::path::Path::new(dir).join(if o.database_url.is_some() {
            "postgres-url"
        } else {
            "sqlite-url"
        })
    });
    if let Some(url) = remembered
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
    {
        return url.trim().to_owned();
    }
    let url = match (&o.database_url, &o.keep) {
        (None, Some(dir)) => format!("sqlite://{dir}/xapi-query.db?mode=rwc"),
        _ => fresh_database(o.database_url.as_deref()).await,
    };
    if let Some(f) = remembered {
        std::fs::write(f, &url).expect("remember the database");
    }
    url
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let o = options();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let url = database(&o).await;
        // The server creates the tables (migrations) before anything is generated into them.
        let server = Server::start(&url).await;
        let have = rows(&url, "xapi_statements").await;
        if have < o.statements {
            eprintln!("generating statements {have}..{}", o.statements);
            generate(&url, have, o.statements).await;
        }
        let ld = server.token(&["--sub", "bench-ld", "--role", "ld_admin"]);
        let client = reqwest::Client::new();
        let (lrs, _) = post(
            &client,
            &server,
            &ld,
            "/api/v1/lrs-clients",
            json!({ "name": "bench-reader", "scopes": ["xapi:read"] }),
        )
        .await;
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                lrs["key"].as_str().expect("key"),
                lrs["secret"].as_str().expect("secret")
            ))
        );
        println!(
            "backend: {}; {} statements stored",
            if url.starts_with("postgres") {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            rows(&url, "xapi_statements").await
        );
        for limit in [None, Some(100), Some(10)] {
            let mut rng = rand::thread_rng();
            let mut times = Vec::with_capacity(o.runs);
            let mut returned = 0;
            for run in 0..=o.runs {
                let agent = json!({ "mbox": format!("mailto:person.{}@bench.example", rng.gen_range(0..ACTORS)) });
                let since_us = START_US + rng.gen_range(0..YEAR_US);
                let since = chrono::DateTime::from_timestamp_micros(since_us)
                    .expect("since")
                    .to_rfc3339();
                let mut url = reqwest::Url::parse(&format!("{}/xapi/statements", server.base))
                    .expect("url");
                url.query_pairs_mut()
                    .append_pair("agent", &agent.to_string())
                    .append_pair("since", &since);
                if let Some(l) = limit {
                    url.query_pairs_mut().append_pair("limit", &l.to_string());
                }
                let started = Instant::now();
                let res = client
                    .get(url)
                    .header("authorization", &basic)
                    .header("x-experience-api-version", "1.0.3")
                    .send()
                    .await
                    .expect("get");
                assert!(res.status().is_success(), "answered {}", res.status());
                let bytes = res.bytes().await.expect("body");
                let elapsed = started.elapsed();
                let body: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
                // The first request warms the credential cache (argon2): not counted.
                if run > 0 {
                    times.push(elapsed);
                    returned += body["statements"].as_array().expect("statements").len();
                }
            }
            times.sort();
            println!(
                "GET /xapi/statements?agent&since{}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} requests ({:.0} statements per answer)",
                limit.map_or(String::from(" (default page size)"), |l| format!("&limit={l}")),
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                percentile(&times, 1.0),
                times.len(),
                returned as f64 / times.len() as f64
            );
        }
        println!("server RSS: peak {:.0} MiB", server.rss_mib("VmHWM:"));
    });
}
