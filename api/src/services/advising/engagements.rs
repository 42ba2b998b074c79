//! Engagements: open, read, list, change the plan or the people, acknowledge, activate,
//! extend, close, and the history of changes.

use super::{allowed, audit_read, history_entry, save, view, visible, EngagementView};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use learnwell_domain::access::advising::{may_open, sees_all_engagements, Action};
use learnwell_domain::advising::{
    check_people, Change, Engagement, HistoryEntry, Origin, Outcome, PlanFields,
};
use learnwell_domain::ids::{EmployeeId, EngagementId, FocusAreaId};
use learnwell_domain::org::{Employee, EmployeeStatus};
use learnwell_domain::{FieldError, Rule};
use learnwell_persistence::advising as store;
use learnwell_persistence::audit::append;

/// A new engagement: for whom (`None`: the caller), how it came about, the people and the plan.
#[derive(Debug, Clone, Default)]
pub struct OpenEngagement {
    pub client_id: Option<EmployeeId>,
    pub origin: Option<String>,
    pub advisor_id: Option<EmployeeId>,
    /// Pins the supervisor; without it the supervisor is the client's manager.
    pub supervisor_id: Option<EmployeeId>,
    pub plan: PlanFields,
}

/// A change: plan fields (absent: kept), the advisor (`Some(None)` removes), the pinned
/// supervisor (`Some(None)` follows the client's manager again), and the reason (required once
/// the plan is in force).
#[derive(Debug, Clone, Default)]
pub struct EngagementPatch {
    pub plan: PlanFields,
    pub advisor_id: Option<Option<EmployeeId>>,
    pub supervisor_id: Option<Option<EmployeeId>>,
    pub reason: Option<String>,
}

impl EngagementPatch {
    fn changes_plan(&self) -> bool {
        let p = &self.plan;
        p.focus_areas.is_some()
            || p.cadence.is_some()
            || p.cadence_days.is_some()
            || p.start_date.is_some()
            || p.planned_end.is_some()
    }
}

fn fresh_focus_area() -> FocusAreaId {
    FocusAreaId::from_uuid(uuid::Uuid::now_v7())
}

/// A person named in `field`: an employee who has not left.
async fn colleague(ctx: &Ctx, id: EmployeeId, field: &str) -> ApiResult<Employee> {
    let not_one = || FieldError::new(field, "is not a current employee");
    match ctx.directory.relation(&ctx.principal, id).await {
        Ok((e, _)) if e.data.status != EmployeeStatus::Terminated => Ok(e),
        Ok(_) | Err(ApiError::NotFound(_)) => Err(not_one().into()),
        Err(other) => Err(other),
    }
}

/// Open an engagement (in draft): `hr_admin` for anyone, a manager for a report (a PIP or a
/// referral), a person for themselves (a self-referral).
#[tracing::instrument(skip_all)]
pub async fn open(ctx: &Ctx, cmd: OpenEngagement) -> ApiResult<EngagementView> {
    let p = &ctx.principal;
    let client_id = cmd
        .client_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::validation(FieldError::new("client_id", "is required")))?;
    let origin = Origin::parse(cmd.origin.as_deref().unwrap_or_default())?;
    let (client, relation) = ctx.directory.relation(p, client_id).await?;
    ensure(may_open(p, relation, origin))?;
    if client.data.status == EmployeeStatus::Terminated {
        return Err(Rule::EmployeeTerminated { action: "advised" }.into());
    }
    if let Some(a) = cmd.advisor_id {
        colleague(ctx, a, "advisor_id").await?;
    }
    if let Some(s) = cmd.supervisor_id {
        colleague(ctx, s, "supervisor_id").await?;
    }
    let supervisor = cmd.supervisor_id.or(client.data.manager_id);
    let mut errors = check_people(client_id, cmd.advisor_id, supervisor);
    let plan = cmd.plan.parse(None, &mut fresh_focus_area);
    if let Err(learnwell_domain::DomainError::Invalid(e)) = &plan {
        errors.extend(e.iter().cloned());
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let id = EngagementId::from_uuid(uuid::Uuid::now_v7());
    let pinned = (supervisor, cmd.supervisor_id.is_some());
    let engagement = Engagement::new(
        id,
        client_id,
        origin,
        cmd.advisor_id,
        pinned,
        plan?,
        ctx.now,
    );
    let created = Change {
        action: "advising.engagement.create",
        reason: None,
        detail: Some(origin.code().to_owned()),
    };
    let tx = ctx.db.begin().await?;
    store::insert_engagement(&tx, &engagement).await?;
    store::append_history(&tx, id, &history_entry(ctx, created)).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "advising.engagement.create",
            "advising_engagement",
            id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(view(ctx, engagement))
}

/// One engagement (its parties and `hr_admin`; 404 for anyone else). The read is audited.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn get_engagement(ctx: &Ctx, id: EngagementId) -> ApiResult<EngagementView> {
    let (engagement, _) = visible(ctx, id).await?;
    audit_read(ctx, "advising.engagement.read", id).await?;
    Ok(view(ctx, engagement))
}

/// The engagements the caller takes part in (every one for `hr_admin`), in creation order.
#[tracing::instrument(skip_all)]
pub async fn list_engagements(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<String>,
) -> ApiResult<Page<EngagementView>> {
    let limit = page_size(first)?;
    let after = decode_cursor::<EngagementId>(after.as_deref())?;
    let involving = if sees_all_engagements(&ctx.principal) {
        None
    } else {
        match ctx.principal.employee_id {
            Some(me) if !ctx.principal.leaver => Some(me),
            _ => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                })
            }
        }
    };
    let rows = store::list_engagements(&ctx.db, involving, after, limit + 1).await?;
    let page = paginate(rows, limit, |e| e.id.to_string());
    let items = page
        .items
        .into_iter()
        .map(|e| view(ctx, e))
        .filter(|v| v.parties.sees())
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// The supervisor that `patch` leaves in effect, as (who, pinned).
async fn supervisor_after(
    ctx: &Ctx,
    current: &Engagement,
    patch: &EngagementPatch,
) -> ApiResult<(Option<EmployeeId>, bool)> {
    match patch.supervisor_id {
        None => Ok((current.supervisor_id, current.supervisor_pinned)),
        Some(Some(s)) => {
            colleague(ctx, s, "supervisor_id").await?;
            Ok((Some(s), true))
        }
        Some(None) => {
            let (client, _) = ctx
                .directory
                .relation(&ctx.principal, current.client_id)
                .await?;
            Ok((client.data.manager_id, false))
        }
    }
}

/// Change the plan (freely in draft; once in force an amendment with a reason: the advisor, the
/// supervisor and `hr_admin`) and the people (`hr_admin`), over version `if_match`.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn change(
    ctx: &Ctx,
    id: EngagementId,
    if_match: Option<i64>,
    patch: EngagementPatch,
) -> ApiResult<EngagementView> {
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let (current, parties) = allowed(ctx, id, Action::Manage).await?;
    let changes_people = patch.advisor_id.is_some() || patch.supervisor_id.is_some();
    // Who advises and who judges progress is HR's choice, not the advisor's or the supervisor's.
    ensure(parties.hr || !changes_people)?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut next = current.clone();
    let mut changes = Vec::new();
    if patch.changes_plan() {
        let plan = patch
            .plan
            .parse(Some(&current.plan), &mut fresh_focus_area)?;
        let (revised, change) = next.revise(plan, patch.reason.as_deref(), ctx.now)?;
        (next, changes) = (revised, vec![change]);
    }
    if changes_people {
        let advisor = patch.advisor_id.unwrap_or(current.advisor_id);
        if let Some(a) = advisor.filter(|a| Some(*a) != current.advisor_id) {
            colleague(ctx, a, "advisor_id").await?;
        }
        let supervisor = supervisor_after(ctx, &current, &patch).await?;
        let (assigned, change) = next.assign(advisor, supervisor, ctx.now)?;
        next = assigned;
        changes.push(change);
    }
    if changes.is_empty() {
        return Ok(super::view(ctx, current));
    }
    save(ctx, &next, expected, changes).await?;
    Ok(super::view(ctx, next))
}

/// Run one state change on an engagement the caller may `action`, and save it.
async fn transition(
    ctx: &Ctx,
    id: EngagementId,
    action: Action,
    decide: impl FnOnce(&Engagement) -> Result<(Engagement, Change), learnwell_domain::DomainError>,
) -> ApiResult<EngagementView> {
    let (current, _) = allowed(ctx, id, action).await?;
    let (next, change) = decide(&current)?;
    save(ctx, &next, current.version, vec![change]).await?;
    Ok(super::view(ctx, next))
}

/// The client acknowledges their PIP (date recorded, optional comment).
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn acknowledge(
    ctx: &Ctx,
    id: EngagementId,
    comment: Option<String>,
) -> ApiResult<EngagementView> {
    let now = ctx.now;
    transition(ctx, id, Action::Acknowledge, |e| {
        e.acknowledge(comment.as_deref(), now)
    })
    .await
}

/// Put the plan in force (its expectations lock).
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn activate(ctx: &Ctx, id: EngagementId) -> ApiResult<EngagementView> {
    let now = ctx.now;
    transition(ctx, id, Action::Manage, |e| e.activate(now)).await
}

/// Move the planned end later, with a reason.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn extend(
    ctx: &Ctx,
    id: EngagementId,
    planned_end: Option<chrono::NaiveDate>,
    reason: Option<String>,
) -> ApiResult<EngagementView> {
    let new_end = planned_end
        .ok_or_else(|| ApiError::validation(FieldError::new("planned_end", "is required")))?;
    let now = ctx.now;
    transition(ctx, id, Action::Manage, |e| {
        e.extend(new_end, reason.as_deref(), now)
    })
    .await
}

/// End the engagement with its outcome and a closing summary. Withdrawing is also open to the
/// client of a self-referral.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn close(
    ctx: &Ctx,
    id: EngagementId,
    outcome: Option<String>,
    summary: Option<String>,
) -> ApiResult<EngagementView> {
    let outcome = Outcome::parse(outcome.as_deref().unwrap_or_default())?;
    let action = match outcome {
        Outcome::Withdrawn => Action::Withdraw,
        _ => Action::Manage,
    };
    let now = ctx.now;
    transition(ctx, id, action, |e| {
        e.close(outcome, summary.as_deref(), now)
    })
    .await
}

/// Every change of the engagement with its reason, oldest first (never an advisor note).
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn history(ctx: &Ctx, id: EngagementId) -> ApiResult<Vec<HistoryEntry>> {
    allowed(ctx, id, Action::ReadHistory).await?;
    Ok(store::list_history(&ctx.db, id).await?)
}
