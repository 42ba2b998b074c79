//! The advising context's use cases: performance-advising engagements, their check-ins (the
//! supervisor's ratings, the client's reflections, the advisor's sealed notes), referrals, the
//! export for the HR file, caseload reports, and which support role fits a need.
//!
//! Every use case finds the caller's parts in the engagement (`access::advising::Parties`) and
//! asks `access::advising::may`; a caller with no part (and not `hr_admin`) gets 404, never
//! 403, so nobody learns that an engagement exists. Each view is cut to what the caller may
//! read before it leaves the service, so no adapter can show an advisor note by mistake.

pub mod check_ins;
pub mod cipher;
pub mod engagements;
pub mod reports;

pub use check_ins::{
    add_note, flag_overdue, hold_check_in, list_check_ins, list_events, list_notes,
    overdue_check_ins, progress, rate, reflect, run_overdue_sweep, CheckInView, FocusProgress,
    NoteView, RatingsCommand,
};
pub use cipher::NoteKeys;
pub use engagements::{
    acknowledge, activate, change, close, extend, get_engagement, history, list_engagements, open,
    EngagementPatch, OpenEngagement,
};
pub use reports::{
    caseload, export, list_referrals, outcomes_by_unit, refer, rotate_keys, support_fit,
    EngagementExport, ReferralCommand, UnitOutcomes,
};

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, Ctx};
use chrono::NaiveDate;
use learnwell_domain::access::advising::{may, Action, Parties};
use learnwell_domain::advising::{Change, Engagement, HistoryEntry};
use learnwell_domain::ids::{EmployeeId, EngagementId};
use learnwell_persistence::advising as store;
use learnwell_persistence::audit::append;

/// An engagement as its reader sees it: the record, the reader's parts in it, and when the next
/// check-in is due.
#[derive(Debug, Clone)]
pub struct EngagementView {
    pub engagement: Engagement,
    pub parties: Parties,
    pub next_check_in_due: Option<NaiveDate>,
    pub check_in_overdue: bool,
}

fn parties(ctx: &Ctx, e: &Engagement) -> Parties {
    Parties::of(&ctx.principal, e.client_id, e.advisor_id, e.supervisor_id)
}

fn view(ctx: &Ctx, engagement: Engagement) -> EngagementView {
    let today = ctx.now.date_naive();
    EngagementView {
        parties: parties(ctx, &engagement),
        next_check_in_due: engagement.next_check_in_due(),
        check_in_overdue: engagement.check_in_overdue(today),
        engagement,
    }
}

/// The engagement, if the caller takes part in it (or is `hr_admin`); 404 otherwise.
async fn visible(ctx: &Ctx, id: EngagementId) -> ApiResult<(Engagement, Parties)> {
    let engagement = store::get_engagement(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("engagement"))?;
    let parties = parties(ctx, &engagement);
    if !parties.sees() {
        return Err(ApiError::NotFound("engagement"));
    }
    Ok((engagement, parties))
}

/// The engagement, when the caller may do `action` on it: 404 without a part, 403 with a part
/// that does not allow it.
async fn allowed(ctx: &Ctx, id: EngagementId, action: Action) -> ApiResult<(Engagement, Parties)> {
    let (engagement, parties) = visible(ctx, id).await?;
    if !may(parties, action, engagement.origin) {
        return Err(ApiError::Forbidden);
    }
    Ok((engagement, parties))
}

fn history_entry(ctx: &Ctx, change: Change) -> HistoryEntry {
    HistoryEntry {
        at: ctx.now,
        actor: ctx.principal.subject.clone(),
        action: change.action.to_owned(),
        reason: change.reason,
        detail: change.detail,
    }
}

/// Write `next` over version `expected`, with its history entries and audit events, in one
/// transaction.
async fn save(ctx: &Ctx, next: &Engagement, expected: i64, changes: Vec<Change>) -> ApiResult<()> {
    let tx = ctx.db.begin().await?;
    store::update_engagement(&tx, next, expected).await?;
    let mut events = Vec::new();
    for change in changes {
        events.push(audit::event(
            ctx,
            change.action,
            "advising_engagement",
            next.id,
        ));
        store::append_history(&tx, next.id, &history_entry(ctx, change)).await?;
    }
    append(&tx, &events).await?;
    tx.commit().await?;
    Ok(())
}

/// Audit a read of sensitive advising data.
async fn audit_read(ctx: &Ctx, action: &str, id: EngagementId) -> ApiResult<()> {
    let tx = ctx.db.begin().await?;
    append(&tx, &[audit::event(ctx, action, "advising_engagement", id)]).await?;
    tx.commit().await?;
    Ok(())
}

/// The caller's own employee id, or forbidden (an integration client is no party).
fn me(ctx: &Ctx) -> ApiResult<EmployeeId> {
    ctx.principal.employee_id.ok_or(ApiError::Forbidden)
}
