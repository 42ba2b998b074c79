//! Approving and rejecting pending time entries: only the person's manager, never the person.

use super::entries::visible_entry;
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, Ctx};
use learnwell_domain::access::Relation;
use learnwell_domain::ids::TimeEntryId;
use learnwell_domain::learning_time::{may_approve, TimeEntry};
use learnwell_persistence::learning_time as store;

/// Approve (`approve`) or reject a pending entry. A rejected entry stops counting.
#[tracing::instrument(skip_all, fields(time_entry_id = %id, approve))]
pub async fn decide(ctx: &Ctx, id: TimeEntryId, approve: bool) -> ApiResult<TimeEntry> {
    let p = &ctx.principal;
    let (current, _, relation) = visible_entry(ctx, id).await?;
    let me = p.employee_id.ok_or(ApiError::Forbidden)?;
    may_approve(me, current.employee_id, relation == Relation::Report)
        .map_err(|_| ApiError::Forbidden)?;
    let decided = current.decided(approve, &p.subject, ctx.now)?;
    let tx = ctx.db.begin().await?;
    store::update_entry(&tx, &decided).await?;
    if !approve {
        store::roll(&tx, &[(&current, -1)]).await?;
    }
    let action = if approve {
        "time_entry.approve"
    } else {
        "time_entry.reject"
    };
    let event = audit::event(ctx, action, "time_entry", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(decided)
}
