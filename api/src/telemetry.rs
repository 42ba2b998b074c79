//! Structured logs: text for people, JSON for machines (`LEARNWELL__LOG__FORMAT=json`).

use crate::config::{LogFormat, LogSettings};
use tracing_subscriber::EnvFilter;

/// Install the global subscriber once (later calls, e.g. from tests, do nothing).
pub fn init(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if settings.format == LogFormat::Json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.compact().try_init()
    };
}
