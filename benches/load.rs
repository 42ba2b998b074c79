//! Load benchmark of the real `learnwell` binary, driven from this separate process over HTTP.
//!
//! ```sh
//! cargo bench --bench load                                   # SQLite
//! cargo bench --bench load -- --database-url postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! 1. HRIS sync of `--employees` people in batches of `--batch` (managers, org units, part-timers),
//!    then the same batches replayed (every record `unchanged`).
//! 2. `GET /api/v1/employees/{id}` from `--connections` keep-alive connections for `--seconds`:
//!    requests/s, p50/p99/max latency.
//! 3. Peak RSS of the server process (VmHWM).
//!
//! Figures go to `docs/BENCHMARKS.md`.
#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]

#[path = "common/mod.rs"]
#[expect(dead_code, reason = "each benchmark uses part of the shared harness")]
mod common;

use common::{fresh_database, record, Server};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Options {
    database_url: Option<String>,
    employees: usize,
    batch: usize,
    connections: usize,
    seconds: u64,
    /// `employee` (a manager reading colleagues: the access check walks the org chart) or `hr`.
    reader: String,
}

fn options() -> Options {
    let mut o = Options {
        database_url: None,
        employees: 100_000,
        batch: 10_000,
        connections: 64,
        seconds: 10,
        reader: "employee".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--database-url" => o.database_url = Some(value()),
            "--employees" => o.employees = value().parse().expect("--employees N"),
            "--batch" => o.batch = value().parse().expect("--batch N"),
            "--connections" => o.connections = value().parse().expect("--connections N"),
            "--seconds" => o.seconds = value().parse().expect("--seconds N"),
            "--reader" => o.reader = value(),
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

async fn sync_all(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    o: &Options,
    expect: &str,
) -> (Duration, Vec<String>) {
    let mut ids = Vec::with_capacity(o.employees);
    let started = Instant::now();
    for start in (0..o.employees).step_by(o.batch) {
        let records: Vec<Value> = (start..(start + o.batch).min(o.employees))
            .map(record)
            .collect();
        let res = client
            .post(format!("{}/api/v1/hris/employees:sync", server.base))
            .bearer_auth(token)
            .json(&json!({ "records": records }))
            .send()
            .await
            .expect("sync request");
        assert!(res.status().is_success(), "sync answered {}", res.status());
        let body: Value = res.json().await.expect("sync answer");
        let n = records.len() as u64;
        assert_eq!(
            body["counts"][expect].as_u64(),
            Some(n),
            "every record {expect}: {}",
            body["counts"]
        );
        ids.extend(
            body["results"]
                .as_array()
                .expect("results")
                .iter()
                .filter_map(|r| r["employee_id"].as_str().map(str::to_owned)),
        );
    }
    (started.elapsed(), ids)
}

/// One keep-alive connection sending GETs until `deadline`, recording latencies in microseconds.
async fn connection(
    port: u16,
    token: String,
    ids: Vec<String>,
    warmup_until: Instant,
    deadline: Instant,
) -> Vec<u32> {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut latencies = Vec::new();
    let mut line = String::new();
    let mut body = Vec::new();
    let mut n = 0usize;
    loop {
        let now = Instant::now();
        if now >= deadline {
            return latencies;
        }
        let id = &ids[n % ids.len()];
        n += 1;
        let req = format!("GET /api/v1/employees/{id} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n");
        write.write_all(req.as_bytes()).await.expect("write");
        let mut length = 0usize;
        let mut status_ok = false;
        loop {
            line.clear();
            read.read_line(&mut line).await.expect("read");
            if line == "\r\n" {
                break;
            }
            if line.starts_with("HTTP/1.1 ") {
                status_ok = line.starts_with("HTTP/1.1 200");
            } else if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().expect("content-length");
            }
        }
        body.resize(length, 0);
        read.read_exact(&mut body).await.expect("body");
        assert!(
            status_ok,
            "GET answered: {}",
            String::from_utf8_lossy(&body)
        );
        if now >= warmup_until {
            latencies.push(u32::try_from(now.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn main() {
    let o = options();
    // The load generator gets one thread; the server, a separate process, its own workers.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(o));
}

async fn run(o: Options) {
    let db = fresh_database(o.database_url.as_deref()).await;
    let backend = if db.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let server = Server::start(&db).await;
    let hr = server.token(&["--sub", "bench", "--role", "hr_admin"]);
    let client = reqwest::Client::new();
    for u in 0..60 {
        let res = client
            .post(format!("{}/api/v1/org-units", server.base))
            .bearer_auth(&hr)
            .json(&json!({ "name": format!("Unit {u}"), "external_id": format!("U{u:02}") }))
            .send()
            .await
            .expect("create unit");
        assert!(res.status().is_success(), "unit: {}", res.status());
    }

    let (created, ids) = sync_all(&client, &server, &hr, &o, "created").await;
    let (replayed, _) = sync_all(&client, &server, &hr, &o, "unchanged").await;
    println!("backend: {backend}");
    println!(
        "hris sync, {} employees in batches of {}: {:.2} s ({:.0} records/s)",
        o.employees,
        o.batch,
        created.as_secs_f64(),
        o.employees as f64 / created.as_secs_f64()
    );
    println!(
        "hris replay, all unchanged: {:.2} s ({:.0} records/s)",
        replayed.as_secs_f64(),
        o.employees as f64 / replayed.as_secs_f64()
    );

    // A manager in the middle of the tree reads people: the access check walks the org chart.
    let reader = if o.reader == "hr" {
        hr.clone()
    } else {
        server.token(&[
            "--sub",
            "bench-reader",
            "--role",
            "employee",
            "--employee-id",
            &ids[1],
        ])
    };
    let sample: Vec<String> = ids
        .iter()
        .step_by((ids.len() / 1000).max(1))
        .cloned()
        .collect();
    let warmup = Instant::now() + Duration::from_secs(2);
    let deadline = warmup + Duration::from_secs(o.seconds);
    let tasks: Vec<_> = (0..o.connections)
        .map(|c| {
            let mut mine = sample.clone();
            mine.rotate_left(c * 7 % sample.len());
            tokio::spawn(connection(
                server.port,
                reader.clone(),
                mine,
                warmup,
                deadline,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("connection task"));
    }
    latencies.sort_unstable();
    println!(
        "GET /api/v1/employees/{{id}} as {}, {} connections, {} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        o.reader,
        o.connections,
        o.seconds,
        latencies.len() as f64 / o.seconds as f64,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    println!(
        "server RSS: peak {:.0} MiB (during the sync), {:.0} MiB after the read load",
        server.rss_mib("VmHWM:"),
        server.rss_mib("VmRSS:")
    );
}
