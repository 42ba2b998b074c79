//! Storage: sea-orm entities and stores that return domain types, the key-value store (cache,
//! rate limits, idempotency keys) and the database connection. No other crate sees sea-orm.

pub mod advising;
pub mod audit;
pub mod catalog;
mod db;
pub mod development;
pub mod keys;
pub mod kv;
pub mod learning;
pub mod learning_time;
pub mod nodes;
pub mod org;
mod paging;
pub mod pipeline;
pub mod xapi;

pub use db::{Backend, Conn, Db, PoolStats, Tx};
pub use paging::ListOrder;

/// A storage failure. `Conflict` and `NotFound` are expected outcomes the caller maps to 409/404;
/// everything else is an internal error whose cause is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Optimistic concurrency: the row changed since it was read.
    #[error("the record was changed by someone else")]
    StaleVersion,
    /// A unique key is taken (the constraint's column, if known).
    #[error("duplicate value for {0}")]
    Duplicate(String),
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("key-value store error: {0}")]
    Kv(String),
    /// A setting that cannot work (a URL of another scheme, a certificate file that is missing).
    #[error("{0}")]
    Config(String),
}

impl StoreError {
    /// The database could not be reached or had no free connection in time: worth a retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Kv(_)
                | StoreError::Database(
                    sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_)
                )
        )
    }

    fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }

    /// Map a unique-violation from either backend to `Duplicate`.
    fn from_write(err: sea_orm::DbErr) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(msg)) => {
                let column = ["external_id", "email", "xapi_activity_id", "code", "name"]
                    .into_iter()
                    .find(|c| msg.contains(c))
                    .unwrap_or("a unique field");
                Self::Duplicate(column.to_owned())
            }
            _ => Self::Database(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Minutes read back from an `INTEGER` column.
fn to_u32(v: i32) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt(format!("negative minutes {v}")))
}

/// Minutes for an `INTEGER` column.
fn from_u32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Parse an id read back from the database.
fn parse_id<T: std::str::FromStr>(s: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::corrupt(format!("bad id {s}")))
}

/// A case-insensitive `LIKE` pattern for "contains `text`", escaped with `!`.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('!', "!!")
        .replace('%', "!%")
        .replace('_', "!_");
    format!("%{escaped}%")
}

/// Keys per `IN (...)` lookup: small enough that PostgreSQL's planner picks the index over a
/// sequential scan of a large table (at 500 keys it scans 100,000 employees for every chunk).
const LOOKUP_CHUNK: usize = 100;
/// Rows per multi-row INSERT: well inside both engines' parameter limits.
const INSERT_CHUNK: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_timeout_or_a_lost_connection_is_unavailable_not_a_bug() {
        let timeout = StoreError::Database(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::error::ConnAcquireErr::Timeout,
        ));
        assert!(timeout.is_unavailable());
        assert!(StoreError::Kv("refused".into()).is_unavailable());
        assert!(!StoreError::Corrupt("bad row".into()).is_unavailable());
        assert!(!StoreError::NotFound.is_unavailable());
    }
}
