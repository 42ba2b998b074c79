//! Learning benchmark of the real `learnwell` binary, driven from this separate process over HTTP.
//!
//! ```sh
//! cargo bench --bench learning                                # SQLite
//! cargo bench --bench learning -- --database-url postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! 1. 10,000 employees in one org-unit tree (HRIS sync), one course, one learning-time policy.
//! 2. Bulk assignment of the course to the whole tree, then the same assignment again.
//! 3. Import of 100,000 learning-record rows in 10 requests, then the same rows again.
//! 4. 5,000,000 time entries (500 days x 10,000 people up to today, written by SQL straight
//!    into the database), then the quarter's learning-time summary of the whole tree, `--runs`
//!    times.
//! 5. The dashboard's GraphQL queries, as `docs/GRAPHQL.md` documents them ("Dashboard
//!    queries"), each `--runs` times, and a page of 50 employees with their managers, units and
//!    learning-time totals.
//!
//! `--entry-days 0` stops after step 3. Figures go to `docs/BENCHMARKS.md`.
#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]

#[path = "common/mod.rs"]
#[expect(dead_code, reason = "each benchmark uses part of the shared harness")]
mod common;

use chrono::Datelike;
use common::{fresh_database, populate, post, Server};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const PEOPLE: usize = 10_000;

struct Options {
    database_url: Option<String>,
    runs: usize,
    entry_days: u32,
}

fn options() -> Options {
    let mut o = Options {
        database_url: None,
        runs: 20,
        entry_days: 500,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--database-url" => o.database_url = Some(value()),
            "--runs" => o.runs = value().parse().expect("--runs N"),
            "--entry-days" => o.entry_days = value().parse().expect("--entry-days N"),
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

/// 5,000,000 entries need SQL, not 5,000,000 requests: one statement per backend.
const ENTRY_COLUMNS: &str = "id, employee_id, entry_date, minutes, in_work_time, category, \
     course_id, skill_id, note, approval, decided_by, version, created_at, updated_at";

/// `days` of entries per person, the last one today (so "this quarter" has data).
async fn write_entries(url: &str, days: u32) -> Duration {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let start = chrono::Utc::now().date_naive() - chrono::Days::new(u64::from(days) - 1);
    let started = Instant::now();
    let sql = if url.starts_with("postgres") {
        format!(
            "INSERT INTO time_entries ({ENTRY_COLUMNS}) SELECT md5(e.id || d::text), e.id, d::date, 15 + (random() * 90)::int, \
             random() < 0.8, (ARRAY['assigned','role_related','exploratory','mentoring','coaching'])[1 + (random() * 4)::int], \
             NULL, NULL, NULL, 'not_required', NULL, 1, now(), now() \
             FROM employees e CROSS JOIN generate_series(date '{start}', date '{start}' + {}, interval '1 day') d",
            days - 1
        )
    } else {
        format!(
            "WITH RECURSIVE d(day, n) AS (SELECT '{start}', 0 UNION ALL SELECT date(day, '+1 day'), n + 1 FROM d WHERE n < {}) \
             INSERT INTO time_entries ({ENTRY_COLUMNS}) SELECT lower(hex(randomblob(16))), e.id, d.day, 15 + abs(random() % 90), \
             abs(random() % 5) < 4, CASE abs(random() % 5) WHEN 0 THEN 'assigned' WHEN 1 THEN 'role_related' \
             WHEN 2 THEN 'exploratory' WHEN 3 THEN 'mentoring' ELSE 'coaching' END, \
             NULL, NULL, NULL, 'not_required', NULL, 1, '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00' \
             FROM employees e CROSS JOIN d",
            days - 1
        )
    };
    db.execute_unprepared(&sql).await.expect("entries");
    // The monthly and quarterly rollups the service keeps with every entry write, filled the
    // same way (the quarters from the months, as the migration does), over every entry: those
    // the record import wrote keep theirs.
    for table in ["time_rollups", "time_rollups_quarterly"] {
        db.execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .expect("clear rollups");
    }
    let month = if url.starts_with("postgres") {
        "date_trunc('month', entry_date)::date"
    } else {
        "date(entry_date, 'start of month')"
    };
    let per = |c: &str| format!("SUM(CASE WHEN category = '{c}' THEN minutes ELSE 0 END)");
    let rollup = format!(
        "INSERT INTO time_rollups SELECT employee_id, {month}, \
         SUM(CASE WHEN in_work_time THEN minutes ELSE 0 END), \
         SUM(CASE WHEN in_work_time THEN 0 ELSE minutes END), {}, {}, {}, {}, {}, {} \
         FROM time_entries WHERE approval <> 'rejected' GROUP BY employee_id, {month}",
        per("assigned"),
        per("role_related"),
        per("exploratory"),
        per("mentoring"),
        per("coaching"),
        per("advising")
    );
    db.execute_unprepared(&rollup).await.expect("rollups");
    let quarter = if url.starts_with("postgres") {
        "CAST(date_trunc('quarter', month) AS DATE)"
    } else {
        "date(month, '-' || ((CAST(strftime('%m', month) AS INTEGER) - 1) % 3) || ' months')"
    };
    let columns =
        "in_work, outside_work, assigned, role_related, exploratory, mentoring, coaching, advising";
    let sums = columns
        .split(", ")
        .map(|c| format!("SUM({c})"))
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "INSERT INTO time_rollups_quarterly (quarter, employee_id, {columns}) \
         SELECT {quarter}, employee_id, {sums} FROM time_rollups GROUP BY {quarter}, employee_id"
    ))
    .await
    .expect("quarterly rollups");
    if url.starts_with("postgres") {
        for table in ["time_entries", "time_rollups", "time_rollups_quarterly"] {
            db.execute_unprepared(&format!("ANALYZE {table}"))
                .await
                .expect("analyze");
        }
    }
    started.elapsed()
}

fn main() {
    let o = options();
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
    let ld = server.token(&["--sub", "bench-ld", "--role", "ld_admin"]);
    let client = reqwest::Client::new();

    let root = populate(&client, &server, &hr, PEOPLE).await;
    let (course, _) = post(
        &client,
        &server,
        &ld,
        "/api/v1/courses",
        json!({ "code": "BENCH-1", "title": "Benchmarking", "estimated_minutes": 90 }),
    )
    .await;
    post(&client, &server, &ld, "/api/v1/learning-time/policies", json!({ "name": "A day a fortnight", "share_percent": 10, "period": "month", "carry_over_cap_hours": 8, "effective_from": "2024-01-01" })).await;
    println!("backend: {backend}");

    let bulk =
        json!({ "course_id": course["id"], "org_unit_id": root["id"], "due_date": "2026-12-31" });
    let (first, took) = post(
        &client,
        &server,
        &ld,
        "/api/v1/enrollments:bulk",
        bulk.clone(),
    )
    .await;
    assert_eq!(first["created"], PEOPLE);
    println!(
        "bulk assignment to {PEOPLE} people: {:.2} s",
        took.as_secs_f64()
    );
    let (again, took) = post(&client, &server, &ld, "/api/v1/enrollments:bulk", bulk).await;
    assert_eq!(again["unchanged"], PEOPLE);
    println!(
        "the same assignment again (all unchanged): {:.2} s",
        took.as_secs_f64()
    );

    let batch = |k: usize| -> Value {
        let rows: Vec<Value> = (k * 10_000..(k + 1) * 10_000)
            .map(|n| json!({ "employee_external_id": format!("E{:06}", n % PEOPLE), "title": format!("Module {}", n % 40),
                             "minutes": 20 + n % 60, "completed_on": "2026-02-10", "source_id": format!("lms-{n}") }))
            .collect();
        json!({ "rows": rows })
    };
    for (label, expect) in [("import", "created"), ("the same rows again", "unchanged")] {
        let mut total = Duration::ZERO;
        for k in 0..10 {
            let (out, took) = post(
                &client,
                &server,
                &ld,
                "/api/v1/learning-records:import",
                batch(k),
            )
            .await;
            assert_eq!(out[expect], 10_000, "{label}: {}", out["failed"]);
            total += took;
        }
        println!(
            "{label} of 100,000 record rows in 10 requests: {:.2} s",
            total.as_secs_f64()
        );
    }

    if o.entry_days == 0 {
        return;
    }
    let took = write_entries(&db, o.entry_days).await;
    println!(
        "{} time entries (and their rollups) written by SQL: {:.1} s",
        PEOPLE * o.entry_days as usize,
        took.as_secs_f64()
    );
    for (label, listed) in [
        ("the aggregate", ""),
        ("with every person listed", "&include_people=true"),
    ] {
        let url = format!(
            "{}/api/v1/learning-time/summary?period=2026-Q1&org_unit_id={}{listed}",
            server.base,
            root["id"].as_str().expect("id")
        );
        let mut times = Vec::with_capacity(o.runs);
        for _ in 0..o.runs {
            // Response time: from sending the request to the last byte of the answer.
            let started = Instant::now();
            let res = client
                .get(&url)
                .bearer_auth(&ld)
                .send()
                .await
                .expect("summary");
            let status = res.status();
            let bytes = res.bytes().await.expect("body");
            times.push(started.elapsed());
            assert!(status.is_success(), "summary answered {status}");
            let body: Value = serde_json::from_slice(&bytes).expect("json");
            assert_eq!(body["totals"]["people"], PEOPLE);
        }
        times.sort_unstable();
        let pick = |p: f64| {
            times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
        };
        println!(
            "learning-time summary of {PEOPLE} people for a quarter, {label}, {} runs: p50 {:.0} ms, p95 {:.0} ms",
            o.runs,
            pick(0.5),
            pick(0.95)
        );
    }
    dashboard(&client, &server, (&hr, &ld), &root, &db, o.runs).await;
    println!("server RSS: peak {:.0} MiB", server.rss_mib("VmHWM:"));
}

/// p50 and p95 of `times`, in milliseconds.
fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort_unstable();
    let pick =
        |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    (pick(0.5), pick(0.95))
}

/// The `graphql` blocks of `docs/GRAPHQL.md`'s "Dashboard queries", with their headings.
fn documented_queries() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/GRAPHQL.md"))
        .expect("docs/GRAPHQL.md");
    let section = doc.split("## Dashboard queries").nth(1).expect("section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .split("\n### ")
        .skip(1)
        .filter_map(|part| {
            let (heading, rest) = part.split_once('\n')?;
            let query = rest.split("```graphql\n").nth(1)?.split("```").next()?;
            Some((heading.to_owned(), query.to_owned()))
        })
        .collect()
}

/// Step 5: the dashboard's questions over GraphQL, from this separate process. A second course
/// (with a skill) is assigned to everyone with a due date a month ago (10,000 overdue
/// enrolments), and half of the first course's enrolments are completed this month and an
/// eighth started, so every question has figures to count.
async fn dashboard(
    client: &reqwest::Client,
    server: &Server,
    (hr, ld): (&str, &str),
    root: &Value,
    url: &str,
    runs: usize,
) {
    let (skill, _) = post(
        client,
        server,
        ld,
        "/api/v1/skills",
        json!({ "name": "Negotiation" }),
    )
    .await;
    let (course, _) = post(client, server, ld, "/api/v1/courses",
        json!({ "code": "BENCH-2", "title": "Negotiating", "estimated_minutes": 60, "skill_ids": [skill["id"]] })).await;
    let today = chrono::Utc::now().date_naive();
    let due = (today - chrono::Days::new(30)).to_string();
    let (out, _) = post(
        client,
        server,
        ld,
        "/api/v1/enrollments:bulk",
        json!({ "course_id": course["id"], "org_unit_id": root["id"], "due_date": due }),
    )
    .await;
    assert_eq!(out["created"], PEOPLE);
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let done_on = (today - chrono::Days::new(u64::from(today.day0().min(9)))).to_string();
    let done_on = if url.starts_with("postgres") {
        format!("DATE '{done_on}'")
    } else {
        format!("'{done_on}'")
    };
    db.execute_unprepared(&format!(
        "UPDATE enrollments SET status = CASE WHEN employee_id < '8' THEN 'in_progress' ELSE 'completed' END, \
         completed_on = CASE WHEN employee_id < '8' THEN NULL ELSE {done_on} END \
         WHERE course_id = (SELECT id FROM courses WHERE code = 'BENCH-1') AND employee_id > '5'"
    ))
    .await
    .expect("progress");
    let res = client
        .get(format!(
            "{}/api/v1/employees?external_id=E000001",
            server.base
        ))
        .bearer_auth(hr)
        .send()
        .await
        .expect("manager");
    let found: Value = res.json().await.expect("json");
    let manager = found["items"][0]["id"]
        .as_str()
        .expect("E000001")
        .to_owned();

    let mut queries = documented_queries();
    assert_eq!(queries.len(), 6, "the six documented questions");
    queries.push((
        "A page of 50 employees with managers, units and learning-time totals".to_owned(),
        "query { employees(first: 50) { nodes { displayName manager { displayName } orgUnit { name } \
         learningTime(period: { current: QUARTER }) { totals { allocatedMinutes usedInWorkMinutes } } } } }".to_owned(),
    ));
    for (heading, query) in queries {
        let body = json!({ "query": query, "variables": { "managerId": manager } });
        let mut times = Vec::with_capacity(runs);
        for run in 0..=runs {
            let started = Instant::now();
            let res = client
                .post(format!("{}/graphql", server.base))
                .bearer_auth(ld)
                .json(&body)
                .send()
                .await
                .expect("graphql");
            let bytes = res.bytes().await.expect("body");
            let took = started.elapsed();
            let answer: Value = serde_json::from_slice(&bytes).expect("json");
            assert!(answer.get("errors").is_none(), "{heading}: {answer}");
            if run > 0 {
                times.push(took); // the first run warms the caches and is not counted
            }
        }
        let (p50, p95) = percentiles(times);
        println!("graphql: {heading}, {runs} runs: p50 {p50:.0} ms, p95 {p95:.0} ms");
    }
}
