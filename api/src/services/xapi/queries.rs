//! Reading statements: one by id, or a query in pages, each linked to the next by a signed
//! `more` token ([`super::more`]); and the raw data of their attachments.

use super::more::Continuation;
use super::XapiCaller;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use learnwell_persistence::xapi::{self as store, StatementQuery};
use learnwell_xapi::{agent_key, statement_hashes, AttachmentContent, StatementFormat};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The page size when a query gives no `limit` (or 0), and the most it may ask for: about
/// 100 KB of statements. Larger pages cost more than they save: at 10,000,000 statements a page
/// of 500 took 59 ms (p50) against 12 ms for 100 (docs/BENCHMARKS.md); clients follow `more`.
pub const MAX_STATEMENTS: u64 = 100;

/// The filters of a statement query (Communication 2.1.3), as the adapter parsed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementFilter {
    /// The key of the agent (`AgentIfi::key`).
    pub agent: Option<String>,
    pub related_agents: bool,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub related_activities: bool,
    /// Lower case.
    pub registration: Option<String>,
    pub since_us: Option<i64>,
    pub until_us: Option<i64>,
    pub ascending: bool,
    /// The page size asked for; 0 for [`MAX_STATEMENTS`].
    pub limit: u64,
}

/// How a GET wants its statements: the format, and whether with their attachments' data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatementView {
    pub format: StatementFormat,
    pub attachments: bool,
}

/// One page of statements, the view it was asked in, and the `more` token of the next page if
/// more match.
pub struct StatementPage {
    pub statements: Vec<Value>,
    pub view: StatementView,
    pub more: Option<String>,
    pub last_stored: Option<DateTime<Utc>>,
}

/// GET by `statementId` (not voided) or `voidedStatementId` (voided only).
#[tracing::instrument(skip_all, fields(voided))]
pub async fn get_statement(
    caller: &XapiCaller,
    id: &str,
    voided: bool,
) -> ApiResult<(Value, DateTime<Utc>)> {
    let mine = caller.read_filter()?;
    let found = store::statements_by_ids(&caller.db, &[id.to_ascii_lowercase()])
        .await?
        .into_iter()
        .find(|s| s.voided == voided)
        .ok_or(ApiError::NotFound("statement"))?;
    let value = parse_stored(&found)?;
    if let Some(mine) = mine {
        if agent_key(&value["authority"]).as_deref() != Some(mine.as_str()) {
            return Err(ApiError::NotFound("statement"));
        }
    }
    Ok((value, stored_at(&found)))
}

pub(super) fn parse_stored(s: &store::StoredStatement) -> ApiResult<Value> {
    serde_json::from_str(&s.statement)
        .map_err(|e| ApiError::Internal(format!("stored statement is not JSON: {e}")))
}

fn stored_at(s: &store::StoredStatement) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(s.stored_us).unwrap_or_default()
}

/// The first page of a query: the statements stored until now (the snapshot every later page
/// keeps to), newest first unless `ascending`.
#[tracing::instrument(skip_all, fields(limit = filter.limit, statements))]
pub async fn query_statements(
    caller: &XapiCaller,
    filter: StatementFilter,
    view: StatementView,
) -> ApiResult<StatementPage> {
    let limit = match filter.limit {
        0 => MAX_STATEMENTS,
        n => n.min(MAX_STATEMENTS),
    };
    let up_to_seq = store::last_seq(&caller.db).await?;
    let first = Continuation {
        filter,
        view,
        after_seq: None,
        up_to_seq,
        limit,
    };
    page(caller, first).await
}

/// The page a `more` token continues with; a token this LRS did not sign, or one edited, is a
/// 400 naming `more`.
#[tracing::instrument(skip_all, fields(statements))]
pub async fn more_statements(caller: &XapiCaller, token: &str) -> ApiResult<StatementPage> {
    let next = caller.more_links.open(&caller.db, token).await?;
    page(caller, next).await
}

async fn page(caller: &XapiCaller, at: Continuation) -> ApiResult<StatementPage> {
    let mine = caller.read_filter()?;
    let limit = at.limit;
    let f = &at.filter;
    let query = StatementQuery {
        agent: f.agent.clone(),
        related_agents: f.related_agents,
        verb: f.verb.clone(),
        activity: f.activity.clone(),
        related_activities: f.related_activities,
        registration: f.registration.clone(),
        authority: mine,
        since_us: f.since_us,
        until_us: f.until_us,
        ascending: f.ascending,
        after_seq: at.after_seq,
        up_to_seq: Some(at.up_to_seq),
        limit: limit + 1,
    };
    let rows = store::query(&caller.db, &query).await?;
    let has_more = rows.len() as u64 > limit;
    let rows = &rows[..rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
    tracing::Span::current().record("statements", rows.len());
    let more = match rows.last() {
        Some(last) if has_more => {
            let next = Continuation {
                after_seq: Some(last.seq),
                ..at.clone()
            };
            Some(caller.more_links.sign(&caller.db, &next).await?)
        }
        _ => None,
    };
    Ok(StatementPage {
        statements: rows.iter().map(parse_stored).collect::<ApiResult<_>>()?,
        view: at.view,
        last_stored: rows.iter().map(stored_at).max(),
        more,
    })
}

/// The stored raw data of the attachments of `statements`, one per hash (attachments sent only
/// by `fileUrl` have none).
#[tracing::instrument(skip_all, fields(statements = statements.len()))]
pub async fn attachment_contents(
    caller: &XapiCaller,
    statements: &[Value],
) -> ApiResult<Vec<AttachmentContent>> {
    let mut hashes: Vec<String> = statements.iter().flat_map(statement_hashes).collect();
    hashes.sort_unstable();
    hashes.dedup();
    Ok(store::attachments_by_hashes(&caller.db, &hashes).await?)
}
