//! Lost graduates: never entered by hand. When the HRIS (or an employee write) terminates
//! people, the graduates among them who have no outcome yet (not placed, not alumni) are
//! recorded as lost, as of their termination date, in the termination's own transaction.

use super::memberships::write;
use crate::error::ApiResult;
use crate::services::Ctx;
use chrono::NaiveDate;
use learnwell_domain::ids::EmployeeId;
use learnwell_domain::org::{Employee, EmployeeStatus};
use learnwell_persistence::pipeline as store;
use learnwell_persistence::Tx;
use std::collections::HashMap;
use std::future::Future;

/// Of `written` (employees just written in `tx`), record the terminated ones' waiting
/// graduate memberships as lost: one query when none is a graduate, none when nobody is
/// terminated.
pub fn graduates_terminated<'a>(
    ctx: &'a Ctx,
    tx: &'a Tx,
    written: impl IntoIterator<Item = &'a Employee>,
) -> impl Future<Output = ApiResult<()>> + 'a {
    let leavers: HashMap<EmployeeId, NaiveDate> = written
        .into_iter()
        .filter(|e| e.data.status == EmployeeStatus::Terminated)
        .map(|e| {
            (
                e.id,
                e.data
                    .dates
                    .termination_date
                    .unwrap_or(ctx.now.date_naive()),
            )
        })
        .collect();
    record_lost(ctx, tx, leavers)
}

async fn record_lost(ctx: &Ctx, tx: &Tx, leavers: HashMap<EmployeeId, NaiveDate>) -> ApiResult<()> {
    if leavers.is_empty() {
        return Ok(());
    }
    let ids: Vec<EmployeeId> = leavers.keys().copied().collect();
    // A reconcile may terminate thousands: ask in chunks well below any bind-parameter limit.
    for chunk in ids.chunks(500) {
        for m in store::waiting_graduates_among(tx, chunk).await? {
            let on = leavers
                .get(&m.employee_id)
                .copied()
                .unwrap_or(ctx.now.date_naive());
            if let Some(lost) = m.lost(on, ctx.now) {
                write(tx, ctx, &lost, "pipeline_membership.lost").await?;
            }
        }
    }
    Ok(())
}
