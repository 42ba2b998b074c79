//! Leadership-pipeline benchmark of the real `learnwell` binary, driven over HTTP.
//!
//! ```sh
//! cargo bench --bench pipeline                                # SQLite
//! cargo bench --bench pipeline -- --database-url postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! 1. `--people` employees (default 100,000) in 60 org units (HRIS sync, 10,000 a request).
//! 2. Written by SQL straight into the database: 5 programmes of 10 cohorts (50 cohorts, 25
//!    members each, most graduated, some placed, alumni or lost), 2,000 leadership positions
//!    (10% open, 5% created for growth), 3 slate candidates per position, 3,000 readiness
//!    assessments, one learning record for every other employee and overdue assigned
//!    development for a third of the incumbents.
//! 3. The bottleneck report with its findings, `--runs` times, for the organisation, an org unit
//!    (hr_admin, and its manager through the privacy engine), a programme and a cohort (target
//!    p95 < 200 ms), and the projection over HTTP and in process for a 10-year horizon (target
//!    < 10 ms).
#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]

#[path = "common/mod.rs"]
#[expect(dead_code, reason = "each benchmark uses part of the shared harness")]
mod common;

use chrono::{Days, Utc};
use common::{fresh_database, populate, post, Server};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{json, Value};
use std::time::Instant;

struct Options {
    database_url: Option<String>,
    runs: usize,
    people: usize,
}

fn options() -> Options {
    let mut o = Options {
        database_url: None,
        runs: 50,
        people: 100_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--database-url" => o.database_url = Some(value()),
            "--runs" => o.runs = value().parse().expect("--runs N"),
            "--people" => o.people = value().parse().expect("--people N"),
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

/// Insert `rows` (each a parenthesised tuple) 500 a statement.
async fn insert(db: &DatabaseConnection, head: &str, rows: &[String]) {
    for chunk in rows.chunks(500) {
        let sql = format!("INSERT INTO {head} VALUES {}", chunk.join(", "));
        db.execute_unprepared(&sql).await.expect(head);
    }
}

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

struct Seeded {
    unit: String,
    manager: String,
    programme: String,
    cohort: String,
}

/// Write the pipeline's records (see the module's step 2); `people` are (id, org unit) in id
/// order.
async fn write_pipeline(url: &str, people: &[(String, String)], course: &str) -> Seeded {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let pg = url.starts_with("postgres");
    let (yes, no) = if pg { ("true", "false") } else { ("1", "0") };
    let now = "'2026-01-01 00:00:00+00:00'";
    let today = Utc::now().date_naive();
    let day = |days: u64| {
        format!(
            "'{}'",
            today.checked_sub_days(Days::new(days)).unwrap_or(today)
        )
    };
    let stamps = format!("1, {now}, {now}");
    let mut programmes = Vec::new();
    let mut cohorts = Vec::new();
    let mut members = Vec::new();
    let mut next = 0usize;
    let mut first_cohort = String::new();
    for p in 0..5 {
        let pid = uuid();
        let lead = &people[p].0;
        programmes.push(format!(
            "('{pid}', 'Programme {p}', NULL, '{lead}', 5, 6, {stamps})"
        ));
        for c in 0..10u64 {
            let cid = uuid();
            if first_cohort.is_empty() {
                first_cohort.clone_from(&cid);
            }
            let start = 1800 - 170 * c;
            cohorts.push(format!(
                "('{cid}', '{pid}', 'Cohort {c}', {}, {}, 25, 25, {stamps})",
                day(start),
                day(start.saturating_sub(150))
            ));
            for m in 0..25u64 {
                next += 1;
                let who = &people[1000 + next].0;
                let (state, outcome, on) = match (c, m % 10) {
                    (9, _) => ("active", "NULL", "NULL".to_owned()),
                    (_, 0) => ("withdrawn", "NULL", "NULL".to_owned()),
                    (_, 1) => ("graduated", "'placed'", day(start.saturating_sub(300))),
                    (_, 2) => ("graduated", "'alumni'", day(start.saturating_sub(400))),
                    (_, 3) => ("graduated", "'lost'", day(start.saturating_sub(500))),
                    _ => ("graduated", "NULL", "NULL".to_owned()),
                };
                let graduated = if state == "graduated" {
                    day(start.saturating_sub(150))
                } else {
                    "NULL".into()
                };
                let open = if state == "active" {
                    format!("'{pid}'")
                } else {
                    "NULL".into()
                };
                members.push(format!(
                    "('{}', '{cid}', '{pid}', '{who}', '{state}', {open}, 'bench', {no}, {}, {graduated}, NULL, {outcome}, {on}, {no}, {stamps})",
                    uuid(),
                    day(start + 14)
                ));
            }
        }
    }
    insert(&db, "pipeline_programmes", &programmes).await;
    insert(&db, "pipeline_cohorts", &cohorts).await;
    insert(&db, "pipeline_memberships", &members).await;
    // 2,000 positions held by people 10,000.. (every tenth open, every twentieth grown).
    let mut positions = Vec::new();
    let mut slates = Vec::new();
    let mut overdue = Vec::new();
    for i in 0..2000usize {
        let id = uuid();
        let (holder, unit) = &people[10_000 + i];
        let (incumbent, since) = if i % 10 == 0 {
            ("NULL".to_owned(), "NULL".to_owned())
        } else {
            (format!("'{holder}'"), day(200 + (i as u64 * 37) % 4000))
        };
        let growth = if i % 20 == 5 { yes } else { no };
        positions.push(format!(
            "('{id}', 'Lead {i}', '{unit}', {}, {incumbent}, {since}, {growth}, {stamps})",
            5 + i % 4
        ));
        for r in 0..3 {
            let candidate = &people[1000 + (i * 3 + r) % 1250].0;
            slates.push(format!(
                "('{}', '{id}', '{candidate}', {}, {stamps})",
                uuid(),
                r + 1
            ));
        }
        if i % 3 == 1 {
            overdue.push(format!(
                "('{}', '{holder}', '{course}', 'assigned', 'bench', 'enrolled', {}, NULL, NULL, {stamps})",
                uuid(),
                day(30)
            ));
        }
    }
    insert(&db, "pipeline_positions", &positions).await;
    insert(&db, "pipeline_slate_entries", &slates).await;
    insert(&db, "enrollments", &overdue).await;
    let readiness: Vec<String> = (0..3000usize)
        .map(|i| {
            let code = ["ready_now", "ready_1_2_years", "ready_3_5_years"][i % 3];
            format!(
                "('{}', '{}', '{code}', '{}', {}, NULL, {stamps})",
                uuid(),
                people[1000 + i % 2500].0,
                people[0].0,
                day(10 + i as u64 % 700)
            )
        })
        .collect();
    insert(&db, "pipeline_readiness", &readiness).await;
    let records = format!(
        "INSERT INTO learning_records (id, employee_id, course_id, title, completed_on, minutes, \
         score, source, source_id, created_at) SELECT {}, e.id, NULL, 'Reading', {}, 30, NULL, \
         'import', e.id, {now} FROM employees e WHERE e.external_id LIKE '%0' OR e.external_id LIKE '%2' \
         OR e.external_id LIKE '%4' OR e.external_id LIKE '%6' OR e.external_id LIKE '%8'",
        if pg { "md5(e.id)" } else { "lower(hex(randomblob(16)))" },
        day(100)
    );
    db.execute_unprepared(&records)
        .await
        .expect("learning records");
    if pg {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    let manager = people[2].0.clone();
    let unit = people[10_001].1.clone();
    db.execute_unprepared(&format!(
        "UPDATE org_units SET manager_id = '{manager}' WHERE id = '{unit}'"
    ))
    .await
    .expect("manager");
    Seeded {
        unit,
        manager,
        programme: cohorts_programme(&cohorts),
        cohort: first_cohort,
    }
}

fn cohorts_programme(cohorts: &[String]) -> String {
    cohorts[0]
        .split('\'')
        .nth(3)
        .expect("programme id")
        .to_owned()
}

async fn people(url: &str) -> Vec<(String, String)> {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let backend = db.get_database_backend();
    db.query_all(sea_orm::Statement::from_string(
        backend,
        "SELECT id, org_unit_id FROM employees ORDER BY external_id".to_owned(),
    ))
    .await
    .expect("people")
    .into_iter()
    .map(|r| {
        (
            r.try_get::<String>("", "id").expect("id"),
            r.try_get::<String>("", "org_unit_id").expect("unit"),
        )
    })
    .collect()
}

/// Send `req` `runs` times: p50 and p95 in milliseconds, and the last answer.
async fn timed(runs: usize, mut req: impl FnMut() -> reqwest::RequestBuilder) -> (f64, f64, Value) {
    let mut times = Vec::with_capacity(runs);
    let mut last = Value::Null;
    for _ in 0..runs {
        let started = Instant::now();
        let res = req().send().await.expect("send");
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        times.push(started.elapsed());
        assert!(status.is_success(), "answered {status}: {body}");
        last = body;
    }
    times.sort_unstable();
    let pick = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    (pick(0.5), pick(0.95), last)
}

fn projection_in_process() -> (f64, f64) {
    use learnwell_domain::pipeline::{project, Assumptions};
    let a = Assumptions {
        graduates_per_year: 250.0,
        incumbent_turnover: 0.08,
        positions_created_per_year: 20.0,
        helped_to_move_on: 0.1,
        horizon_years: 10,
        waiting_now: 600.0,
        positions_now: 2000.0,
        open_now: 200.0,
    };
    let mut times = Vec::new();
    for _ in 0..10_000 {
        let started = Instant::now();
        let years = std::hint::black_box(project(std::hint::black_box(&a)));
        times.push(started.elapsed());
        assert_eq!(years.len(), 10);
    }
    times.sort_unstable();
    let us = |i: usize| times[i].as_secs_f64() * 1e6;
    (us(times.len() / 2), us(times.len() * 95 / 100))
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
    println!("backend: {backend}");
    let started = Instant::now();
    populate(&client, &server, &hr, o.people).await;
    println!(
        "{} employees synced: {:.1} s",
        o.people,
        started.elapsed().as_secs_f64()
    );
    let (course, _) = post(
        &client,
        &server,
        &ld,
        "/api/v1/courses",
        json!({ "code": "LEAD", "title": "Leading", "estimated_minutes": 60 }),
    )
    .await;
    let everyone = people(&db).await;
    assert!(everyone.len() >= 12_000, "--people must be at least 12,000");
    let s = write_pipeline(&db, &everyone, course["id"].as_str().expect("course")).await;
    let manager = server.token(&[
        "--sub",
        "bench-manager",
        "--role",
        "employee",
        "--employee-id",
        &s.manager,
    ]);
    let base = format!("{}/api/v1/pipeline/bottleneck", server.base);
    let cases = [
        ("the organisation (hr_admin)", base.clone(), &hr),
        (
            "an org unit (hr_admin)",
            format!("{base}?org_unit_id={}", s.unit),
            &hr,
        ),
        (
            "the same org unit, its manager (privacy engine)",
            format!("{base}?org_unit_id={}", s.unit),
            &manager,
        ),
        (
            "a programme (ld_admin)",
            format!("{base}?programme_id={}", s.programme),
            &ld,
        ),
        (
            "a cohort (ld_admin)",
            format!("{base}?cohort_id={}", s.cohort),
            &ld,
        ),
    ];
    for (label, url, token) in cases {
        let (p50, p95, last) = timed(o.runs, || client.get(&url).bearer_auth(token)).await;
        let findings = last["findings"].as_array().map_or(0, Vec::len);
        println!(
            "bottleneck of {label}, {} runs: p50 {p50:.0} ms, p95 {p95:.0} ms ({} positions, {} waiting, {findings} findings, suppressed: {})",
            o.runs, last["figures"]["positions"], last["figures"]["graduates_waiting"], last["suppressed"]
        );
    }
    let url = format!("{}/api/v1/pipeline/projections", server.base);
    let (p50, p95, last) = timed(o.runs, || {
        client
            .post(&url)
            .bearer_auth(&hr)
            .json(&json!({ "horizon_years": 10 }))
    })
    .await;
    println!(
        "projection over HTTP (10 years, defaults from the history), {} runs: p50 {p50:.0} ms, p95 {p95:.0} ms (year 10 queue {:.0})",
        o.runs, last["years"][9]["queue"].as_f64().unwrap_or_default()
    );
    let (p50, p95) = projection_in_process();
    println!("projection in process (10 years), 10,000 runs: p50 {p50:.1} µs, p95 {p95:.1} µs");
}
