//! Use cases. Each function authorizes (with `domain::access`), validates, writes in one
//! transaction with its audit record, and invalidates the cache. REST and GraphQL call these.

pub mod audit;
pub mod catalog;
pub mod learning;
pub mod learning_time;
pub mod org;
pub mod xapi;

use crate::error::{ApiError, ApiResult};
use base64::Engine;
use chrono::{DateTime, Utc};
use learnwell_domain::access::Principal;
use learnwell_domain::FieldError;

/// Who is asking, in which request, at what time.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Principal,
    pub request_id: String,
    pub now: DateTime<Utc>,
}

impl Ctx {
    pub fn new(principal: Principal) -> Self {
        Self {
            principal,
            request_id: crate::observe::current_request_id(),
            now: Utc::now(),
        }
    }
}

/// Page size: default 50, at most 200.
pub const DEFAULT_PAGE: u64 = 50;
pub const MAX_PAGE: u64 = 200;

/// A page of a list, with the opaque cursor of the next page when there is one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Clamp a requested page size.
pub fn page_size(first: Option<u64>) -> ApiResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(0) => Err(ApiError::InvalidQuery(FieldError::new(
            "first",
            "must be at least 1",
        ))),
        Some(n) if n > MAX_PAGE => Err(ApiError::InvalidQuery(FieldError::new(
            "first",
            format!("must be at most {MAX_PAGE}"),
        ))),
        Some(n) => Ok(n),
    }
}

/// Opaque cursors: base64url of the last id seen.
pub fn encode_cursor(id: impl std::fmt::Display) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("v1:{id}"))
}

pub fn decode_cursor<T: std::str::FromStr>(cursor: Option<&str>) -> ApiResult<Option<T>> {
    let Some(c) = cursor else { return Ok(None) };
    let bad = || ApiError::InvalidQuery(FieldError::new("after", "is not a cursor from this API"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let id = text.strip_prefix("v1:").ok_or_else(bad)?;
    id.parse().map(Some).map_err(|_| bad())
}

/// Build a page from `limit + 1` fetched rows.
pub fn paginate<T>(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> String) -> Page<T> {
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if has_more {
        rows.last().map(|r| encode_cursor(id(r)))
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

/// Turn a list of field errors into one validation error (or Ok when empty).
pub fn check_fields(errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// A calendar date `YYYY-MM-DD` given in `field`.
pub fn parse_day(field: &str, v: &str) -> Result<chrono::NaiveDate, FieldError> {
    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "must be a date YYYY-MM-DD"))
}

/// `Forbidden` unless `allowed`.
pub fn ensure(allowed: bool) -> ApiResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// For PATCH bodies: `absent` -> None, `null` -> Some(None), value -> Some(Some(v)).
pub fn nullable<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}
