//! Prometheus text metrics: requests and latency by route and status, database pool and
//! statements, the xAPI projection's queue.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request metrics, kept per instance (Prometheus scrapes each instance).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<HashMap<(String, String, u16), Series>>,
}

/// Gauges read at scrape time.
pub struct Gauges {
    pub db_pool_size: u32,
    pub db_pool_idle: u32,
    pub db_statements: u64,
    /// xAPI statements stored but not yet projected into learning (all instances).
    pub xapi_projection_queue: i64,
    /// LRS client secrets checked with argon2 (this instance).
    pub credential_checks: u64,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Ok(mut map) = self.series.lock() {
            let s = map
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default();
            s.count += 1;
            s.sum += secs;
            for (i, le) in BUCKETS.iter().enumerate() {
                if secs <= *le {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::new();
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = writeln!(
            out,
            "# HELP learnwell_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE learnwell_http_requests_total counter");
        let map = match self.series.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let mut keys: Vec<_> = map.keys().collect();
        keys.sort();
        for k in &keys {
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{}\"",
                esc(&k.0),
                esc(&k.1),
                k.2
            );
            let _ = writeln!(
                out,
                "learnwell_http_requests_total{{{labels}}} {}",
                map[*k].count
            );
        }
        let _ = writeln!(
            out,
            "# HELP learnwell_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(
            out,
            "# TYPE learnwell_http_request_duration_seconds histogram"
        );
        for k in &keys {
            let s = &map[*k];
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{}\"",
                esc(&k.0),
                esc(&k.1),
                k.2
            );
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "learnwell_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "learnwell_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "learnwell_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "learnwell_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP learnwell_db_pool_connections Database pool connections by state."
        );
        let _ = writeln!(out, "# TYPE learnwell_db_pool_connections gauge");
        let _ = writeln!(
            out,
            "learnwell_db_pool_connections{{state=\"idle\"}} {}",
            g.db_pool_idle
        );
        let _ = writeln!(
            out,
            "learnwell_db_pool_connections{{state=\"in_use\"}} {}",
            g.db_pool_size.saturating_sub(g.db_pool_idle)
        );
        one(
            &mut out,
            "learnwell_db_statements_total",
            "counter",
            "SQL statements executed.",
            g.db_statements,
        );
        one(
            &mut out,
            "learnwell_xapi_projection_queue",
            "gauge",
            "xAPI statements waiting for the learning projection.",
            g.xapi_projection_queue,
        );
        one(
            &mut out,
            "learnwell_credential_checks_total",
            "counter",
            "LRS client secrets checked with argon2, for known and unknown keys alike.",
            g.credential_checks,
        );
        out
    }
}

/// A metric without labels: its help, its type and its one value.
fn one(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    let _ = writeln!(out, "{name} {value}");
}
