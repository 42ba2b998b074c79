//! Use cases. Each function authorizes (with `domain::access`), validates, writes in one
//! transaction with its audit record, and invalidates the cache. REST and GraphQL call these.

pub mod advising;
pub mod audit;
pub mod catalog;
pub mod development;
pub mod directory;
pub mod integration_clients;
pub mod learning;
pub mod learning_time;
pub mod nodes;
pub mod org;
pub mod pipeline;
pub mod xapi;

use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use base64::Engine;
use chrono::{DateTime, Utc};
use directory::Directory;
use learnwell_domain::access::Principal;
use learnwell_domain::FieldError;
use learnwell_persistence::kv::KvStore;
use learnwell_persistence::{Db, ListOrder};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// What the use cases work with: the database, the key-value store, the settings, the directory
/// service and the caches each context owns. Cheap to clone (shared handles).
#[derive(Clone)]
pub struct Services {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub kv: Arc<dyn KvStore>,
    pub directory: Arc<Directory>,
    /// LRS client secrets verified since start (argon2 runs once per client and secret).
    pub lrs_credentials: Arc<xapi::CredentialCache>,
    pub projector: Arc<xapi::projection::Projector>,
    /// The key of the xAPI `more` tokens, shared by every instance through the database.
    pub more_links: Arc<xapi::more::MoreLinks>,
    /// The privacy engine's decisions for learning-time summaries (per period and directory
    /// version).
    pub summary_groups: Arc<learning_time::summaries::GroupDecisions>,
    /// Matching's candidates (per profiles version and directory version).
    pub mentoring_candidates: Arc<development::mentoring::CandidateCache>,
    /// The pipeline bottleneck's headcount per unit and level (per directory version and day).
    pub pipeline_headcount: Arc<pipeline::bottleneck::HeadcountCache>,
}

impl Services {
    pub fn new(settings: Settings, db: Db, kv: Arc<dyn KvStore>) -> Self {
        Self {
            settings: Arc::new(settings),
            directory: Arc::new(Directory::new(db.clone(), Arc::clone(&kv))),
            db,
            kv,
            lrs_credentials: Arc::default(),
            projector: Arc::default(),
            more_links: Arc::default(),
            summary_groups: Arc::default(),
            mentoring_candidates: Arc::default(),
            pipeline_headcount: Arc::default(),
        }
    }

    /// Charge one request to `subject`'s per-minute budget (shared via the KV
    /// store).
    pub async fn rate_limit(&self, subject: &str) -> ApiResult<()> {
        let limit = self.settings.rate_limit.per_minute;
        self.charge(&format!("rl:{subject}"), limit).await
    }

    /// Charge one request to a client address's per-minute budget.
    pub async fn rate_limit_address(&self, address: IpAddr) -> ApiResult<()> {
        let limit = self.settings.rate_limit.per_address_per_minute;
        self.charge(&format!("rla:{address}"), limit).await
    }

    /// Refuse (429) while `who` (a client address, an LRS key) has used up its failed
    /// authentications of this minute; checked before any credential is verified.
    pub async fn refuse_while_failing(&self, who: &str) -> ApiResult<()> {
        let limit = self.settings.rate_limit.failed_auth_per_minute;
        if limit > 0 && self.kv.counter(&format!("af:{who}")).await? >= limit {
            return Err(ApiError::RateLimited {
                retry_after_secs: WINDOW.as_secs(),
            });
        }
        Ok(())
    }

    /// Count a failed authentication against `who`.
    pub async fn authentication_failed(&self, who: &str) -> ApiResult<()> {
        if self.settings.rate_limit.failed_auth_per_minute > 0 {
            self.kv.increment(&format!("af:{who}"), WINDOW).await?;
        }
        Ok(())
    }

    /// One more request on `key`'s budget of `limit` per window (0: unlimited). The window
    /// starts with the key's first request and lasts a minute (the counter expires then), so a
    /// burst is never split across two windows.
    async fn charge(&self, key: &str, limit: u64) -> ApiResult<()> {
        if limit == 0 {
            return Ok(());
        }
        if self.kv.increment(key, WINDOW).await? > limit {
            return Err(ApiError::RateLimited {
                retry_after_secs: WINDOW.as_secs(),
            });
        }
        Ok(())
    }
}

/// How long a rate limit's window lasts, from its first request.
const WINDOW: Duration = Duration::from_secs(60);

/// One use case's context: who is asking, in which request, at what time, and the services.
/// REST handlers get it as an extractor, GraphQL resolvers from the request's data; it derefs
/// to [`Services`] (`ctx.db`, `ctx.directory`, ...).
#[derive(Clone)]
pub struct Ctx {
    services: Services,
    pub principal: Principal,
    pub request_id: String,
    pub now: DateTime<Utc>,
}

impl Ctx {
    pub fn new(services: &Services, principal: Principal) -> Self {
        Self {
            services: services.clone(),
            principal,
            request_id: crate::request_id::current_request_id(),
            now: Utc::now(),
        }
    }

    /// A context for work nobody requested directly (the xAPI projection acts for an LRS client).
    pub fn system(
        services: &Services,
        principal: Principal,
        request_id: &str,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            services: services.clone(),
            principal,
            request_id: request_id.to_owned(),
            now,
        }
    }

    pub fn services(&self) -> &Services {
        &self.services
    }
}

impl std::ops::Deref for Ctx {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.services
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

/// A row's place in a list ordered by two keys (`first`, then `second`): what its cursor names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<A, B>(pub A, pub B);

impl<A: std::fmt::Display, B: std::fmt::Display> std::fmt::Display for Position<A, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}|{}", self.0, self.1)
    }
}

impl<A: std::str::FromStr, B: std::str::FromStr> std::str::FromStr for Position<A, B> {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (a, b) = s.rsplit_once('|').ok_or(())?;
        Ok(Self(a.parse().map_err(|_| ())?, b.parse().map_err(|_| ())?))
    }
}

/// A position in a change feed: the last change read (its time and the row's id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ChangeCursor<I>(DateTime<Utc>, I);

impl<I: std::fmt::Display> std::fmt::Display for ChangeCursor<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.0.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        write!(f, "changed:{at}|{}", self.1)
    }
}

impl<I: std::str::FromStr> std::str::FromStr for ChangeCursor<I> {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (at, id) = s
            .strip_prefix("changed:")
            .ok_or(())?
            .split_once('|')
            .ok_or(())?;
        let at = DateTime::parse_from_rfc3339(at).map_err(|_| ())?;
        Ok(Self(at.with_timezone(&Utc), id.parse().map_err(|_| ())?))
    }
}

/// Where a page of a list with a change feed starts: in creation order after the cursor's id,
/// or, with `since`, in the order of changes after the change the cursor names.
pub fn list_order<I: std::str::FromStr>(
    since: Option<DateTime<Utc>>,
    after: Option<&str>,
) -> ApiResult<ListOrder<I>> {
    Ok(match since {
        None => ListOrder::Created {
            after: decode_cursor(after)?,
        },
        Some(since) => ListOrder::Changed {
            since,
            after: decode_cursor::<ChangeCursor<I>>(after)?.map(|c| (c.0, c.1)),
        },
    })
}

/// A page in `order` from `limit + 1` rows; `changed` gives a row's last change (its time and
/// id). A change feed's cursor is where the reader is: it follows every page that has changes,
/// the last one too, so the reader comes back later for what changed since.
pub fn page_in_order<T, I: std::fmt::Display>(
    order: &ListOrder<I>,
    rows: Vec<T>,
    limit: u64,
    changed: impl Fn(&T) -> (DateTime<Utc>, I),
) -> Page<T> {
    match order {
        ListOrder::Created { .. } => paginate(rows, limit, |r| changed(r).1.to_string()),
        ListOrder::Changed { .. } => {
            let mut page = paginate(rows, limit, |_| String::new());
            page.next_cursor = page.items.last().map(|r| {
                let (at, id) = changed(r);
                encode_cursor(ChangeCursor(at, id))
            });
            page
        }
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
