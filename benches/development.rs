//! Development benchmark of the real `learnwell` binary, driven over HTTP.
//!
//! ```sh
//! cargo bench --bench development                                # SQLite
//! cargo bench --bench development -- --database-url postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! 1. `--people` employees (default 100,000) in one org-unit tree (HRIS sync, 10,000 a request).
//! 2. 10,000 mentor profiles, and a year of development (written by SQL straight into the
//!    database): a tenth of the people hired during the year and one in a hundred gone before its
//!    end (their budgets prorated), a fifth with an opened budget, everyone's learning minutes
//!    for every month.
//! 3. Matching for one request among them, `--runs` times (target p95 < 50 ms).
//! 4. The development equity report of the organisation, `--runs` times, exact (ld_admin) and
//!    through the privacy engine (an employee) (target p95 < 200 ms on PostgreSQL).
#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]

#[path = "common/mod.rs"]
#[expect(dead_code, reason = "each benchmark uses part of the shared harness")]
mod common;

use common::{fresh_database, populate, post, Server};
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::time::Instant;

const PROFILES: usize = 10_000;

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

async fn write_profiles(url: &str) {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let (id, yes, now) = if url.starts_with("postgres") {
        ("md5(e.id)", "true", "now()")
    } else {
        (
            "lower(hex(randomblob(16)))",
            "1",
            "'2026-01-01 00:00:00+00:00'",
        )
    };
    let sql = format!(
        "INSERT INTO mentor_profiles (id, kind, employee_id, external_name, bio, skills, level_min, \
         level_max, languages, availability, capacity, active_count, active, version, created_at, \
         updated_at) SELECT {id}, 'mentor', e.id, NULL, NULL, '[]', 1, 8, '[\"en\"]', NULL, 3, 0, \
         {yes}, 1, {now}, {now} FROM employees e ORDER BY e.id LIMIT {PROFILES}"
    );
    db.execute_unprepared(&sql).await.expect("profiles");
    if url.starts_with("postgres") {
        db.execute_unprepared("ANALYZE mentor_profiles")
            .await
            .expect("analyze");
    }
}

/// The fiscal `year` (January to December) of development: hires and leavers during the year,
/// opened budgets and monthly learning minutes.
async fn write_year(url: &str, year: i32) {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let pg = url.starts_with("postgres");
    let (id, now, date) = if pg {
        ("md5(e.id)", "now()", "DATE ")
    } else {
        (
            "lower(hex(randomblob(16)))",
            "'2026-01-01 00:00:00+00:00'",
            "",
        )
    };
    let months: Vec<String> = (1..=12)
        .map(|m| format!("SELECT {date}'{year}-{m:02}-01' AS month"))
        .collect();
    for sql in [
        format!(
            "UPDATE employees SET hire_date = {date}'{year}-06-15' WHERE external_id LIKE '%7'"
        ),
        format!(
            "UPDATE employees SET status = 'terminated', termination_date = {date}'{year}-09-30' \
             WHERE external_id LIKE '%19'"
        ),
        format!(
            "INSERT INTO pd_budgets (id, employee_id, fiscal_year, currency, allocated_minor, \
             carried_in_minor, reserved_minor, spent_minor, version, created_at, updated_at) \
             SELECT {id}, e.id, {year}, 'EUR', 50000 * e.job_level, 0, 10000, 5000, 1, {now}, \
             {now} FROM employees e WHERE e.external_id LIKE '%3' OR e.external_id LIKE '%6'"
        ),
        format!(
            "INSERT INTO time_rollups (employee_id, month, in_work, outside_work, assigned, \
             role_related, exploratory, mentoring, coaching) SELECT e.id, m.month, 240, 60, 120, \
             120, 60, 0, 0 FROM employees e CROSS JOIN ({}) m",
            months.join(" UNION ALL ")
        ),
        // The quarterly rollups the server keeps beside the monthly ones.
        format!(
            "INSERT INTO time_rollups_quarterly (quarter, employee_id, in_work, outside_work, \
             assigned, role_related, exploratory, mentoring, coaching) SELECT q.quarter, e.id, \
             720, 180, 360, 360, 180, 0, 0 FROM employees e CROSS JOIN ({}) q",
            [1, 4, 7, 10]
                .map(|m| format!("SELECT {date}'{year}-{m:02}-01' AS quarter"))
                .join(" UNION ALL ")
        ),
    ] {
        db.execute_unprepared(&sql)
            .await
            .expect("a year of development");
    }
    if pg {
        db.execute_unprepared(
            "ANALYZE employees; ANALYZE pd_budgets; ANALYZE time_rollups; \
             ANALYZE time_rollups_quarterly",
        )
        .await
        .expect("analyze");
    }
}

async fn employee_id(url: &str, external_id: &str) -> String {
    let db = sea_orm::Database::connect(url).await.expect("connect");
    let backend = db.get_database_backend();
    let row = db
        .query_one(sea_orm::Statement::from_string(
            backend,
            format!("SELECT id FROM employees WHERE external_id = '{external_id}'"),
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get::<String>("", "id").expect("id")
}

/// GET `url` `runs` times: p50 and p95 in milliseconds.
async fn timed(client: &reqwest::Client, url: &str, token: &str, runs: usize) -> (f64, f64) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let res = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        let status = res.status();
        let bytes = res.bytes().await.expect("body");
        times.push(started.elapsed());
        assert!(
            status.is_success(),
            "{url} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    times.sort_unstable();
    let pick = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    (pick(0.5), pick(0.95))
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
    write_profiles(&db).await;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    write_year(&db, year).await;
    for level in 1..=8 {
        let policy =
            json!({ "fiscal_year": year, "job_level": level, "amount_minor": 50_000 * level });
        post(&client, &server, &hr, "/api/v1/pd-budget-policies", policy).await;
    }

    // A level-1 mentee (person 8 of the tree) asks for a mentor.
    let mentee = employee_id(&db, "E000008").await;
    let token = server.token(&[
        "--sub",
        "bench-mentee",
        "--role",
        "employee",
        "--employee-id",
        &mentee,
    ]);
    let (request, _) = post(
        &client,
        &server,
        &token,
        "/api/v1/mentoring-requests",
        json!({ "goals": "Grow", "languages": ["en"] }),
    )
    .await;
    let url = format!(
        "{}/api/v1/mentoring-requests/{}/matches",
        server.base,
        request["id"].as_str().expect("id")
    );
    let (p50, p95) = timed(&client, &url, &token, o.runs).await;
    println!("matching one request among {PROFILES} mentor profiles, {} runs: p50 {p50:.0} ms, p95 {p95:.0} ms", o.runs);

    let url = format!("{}/api/v1/development/equity", server.base);
    for (label, who) in [
        ("exact (ld_admin)", &ld),
        ("through the privacy engine (employee)", &token),
    ] {
        let (p50, p95) = timed(&client, &url, who, o.runs).await;
        println!(
            "equity report of {} employees, {label}, {} runs: p50 {p50:.0} ms, p95 {p95:.0} ms",
            o.people, o.runs
        );
    }
}
