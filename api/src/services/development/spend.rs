//! Spend requests: asked by their person, approved or rejected by the person's manager or
//! hr_admin (never the person), spent or cancelled by the person or hr_admin.

use super::budgets::{budget_of, current_year};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::development::{Budget, Decision, SpendFields, SpendRequest};
use learnwell_domain::ids::{EmployeeId, SpendRequestId};
use learnwell_domain::org::Employee;
use learnwell_domain::{FieldError, Rule};
use learnwell_persistence::development as store;
use learnwell_persistence::{StoreError, Tx};

/// A person's spend requests (`None`: the caller's), a page of `first` after `after`.
#[derive(Debug, Clone, Default)]
pub struct SpendList {
    pub employee_id: Option<EmployeeId>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

fn exceeded(budget: &Budget, requested: i64) -> ApiError {
    Rule::BudgetExceeded {
        available_minor: budget.available_minor().max(0),
        requested_minor: requested,
        currency: budget.currency.to_string(),
    }
    .into()
}

/// Ask to spend from your budget of the current fiscal year (opening it if needed). A request
/// larger than what is available now is refused at once; approval checks again.
#[tracing::instrument(skip_all)]
pub async fn request_spend(ctx: &Ctx, fields: SpendFields) -> ApiResult<SpendRequest> {
    let p = &ctx.principal;
    let who = p.employee_id.ok_or(ApiError::Forbidden)?;
    let (employee, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_request_spend(p, relation))?;
    let year = current_year(ctx, ctx.now.date_naive());
    let (fresh, _) = budget_of(ctx, &employee, year).await?;
    let new = fields.parse(fresh.currency).map_err(ApiError::Validation)?;
    if let Some(course) = new.course_id {
        if learnwell_persistence::catalog::get_course(&ctx.db, course)
            .await?
            .is_none()
        {
            return Err(FieldError::new("course_id", "no such course").into());
        }
    }
    if let Some(e) = new.engagement_id {
        let found = store::mentoring::get_engagement(&ctx.db, e).await?;
        if found.is_none_or(|e| e.mentee_id != who) {
            return Err(FieldError::new("engagement_id", "is not an engagement of yours").into());
        }
    }
    let tx = ctx.db.begin().await?;
    let budget = store::open_budget(&tx, &fresh)
        .await?
        .with_allocation(fresh.allocated_minor);
    if budget.available_minor() < new.amount.minor() {
        return Err(exceeded(&budget, new.amount.minor()));
    }
    let id = SpendRequestId::from_uuid(uuid::Uuid::now_v7());
    let second = ctx.settings.development.second_approval_above_minor;
    let request = SpendRequest::new(id, &budget, new, second, ctx.now);
    store::insert_request(&tx, &request).await?;
    let event = audit::event(ctx, "pd_spend_request.create", "pd_spend_request", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(request)
}

/// The request with its person and how the caller relates to them; not found unless the
/// caller may see the person's budget.
async fn visible(ctx: &Ctx, id: SpendRequestId) -> ApiResult<(SpendRequest, Employee, Relation)> {
    let request = store::get_request(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("spend request"))?;
    let (employee, relation) = ctx
        .directory
        .relation(&ctx.principal, request.employee_id)
        .await?;
    if !access::can_see_budget(&ctx.principal, relation) {
        return Err(ApiError::NotFound("spend request"));
    }
    Ok((request, employee, relation))
}

#[tracing::instrument(skip_all, fields(spend_request_id = %id))]
pub async fn get_request(ctx: &Ctx, id: SpendRequestId) -> ApiResult<SpendRequest> {
    Ok(visible(ctx, id).await?.0)
}

#[tracing::instrument(skip_all)]
pub async fn list_requests(ctx: &Ctx, q: SpendList) -> ApiResult<Page<SpendRequest>> {
    let p = &ctx.principal;
    let who = q
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("employee_id", "is required")))?;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_see_budget(p, relation))?;
    let limit = page_size(q.first)?;
    let after = decode_cursor::<SpendRequestId>(q.after.as_deref())?;
    let rows = store::list_requests(&ctx.db, who, after, limit + 1).await?;
    Ok(paginate(rows, limit, |r| r.id.to_string()))
}

/// Write the request's next state over the one read: of concurrent decisions one wins, the
/// others are told to read it again.
async fn write_request(tx: &Tx, ctx: &Ctx, next: &SpendRequest, action: &str) -> ApiResult<()> {
    store::update_request(tx, next).await.map_err(|e| match e {
        StoreError::StaleVersion => ApiError::Conflict(
            "the spend request changed while this was decided; read it again".into(),
        ),
        other => other.into(),
    })?;
    let event = audit::event(ctx, action, "pd_spend_request", next.id);
    learnwell_persistence::audit::append(tx, &[event]).await?;
    Ok(())
}

/// Approve (the person's manager or hr_admin, never the person). The last approval needed
/// reserves the amount on the budget, only if it stays at or above zero; a request above the
/// second-approval amount waits for a second, different approver.
#[tracing::instrument(skip_all, fields(spend_request_id = %id))]
pub async fn approve(ctx: &Ctx, id: SpendRequestId) -> ApiResult<SpendRequest> {
    let (request, employee, relation) = visible(ctx, id).await?;
    ensure(access::may_approve_for(&ctx.principal, relation))?;
    if current_year(ctx, ctx.now.date_naive()) != request.fiscal_year {
        return Err(Rule::FiscalYearClosed {
            fiscal_year: request.fiscal_year,
        }
        .into());
    }
    let (next, decision) = request.approve(&ctx.principal.subject, ctx.now)?;
    let (current, _) = budget_of(ctx, &employee, request.fiscal_year).await?;
    let tx = ctx.db.begin().await?;
    write_request(&tx, ctx, &next, "pd_spend_request.approve").await?;
    if decision == Decision::Approved {
        let (allocated, amount) = (current.allocated_minor, request.amount.minor());
        if !store::reserve(&tx, request.budget_id, allocated, amount, ctx.now).await? {
            let stored = store::get_budget_by_id(&tx, request.budget_id)
                .await?
                .ok_or(ApiError::NotFound("budget"))?;
            return Err(exceeded(&stored, amount));
        }
    }
    tx.commit().await?;
    Ok(next)
}

/// Reject (the person's manager or hr_admin, never the person).
#[tracing::instrument(skip_all, fields(spend_request_id = %id))]
pub async fn reject(ctx: &Ctx, id: SpendRequestId) -> ApiResult<SpendRequest> {
    let (request, _, relation) = visible(ctx, id).await?;
    ensure(access::may_approve_for(&ctx.principal, relation))?;
    let next = request.reject(&ctx.principal.subject, ctx.now)?;
    let tx = ctx.db.begin().await?;
    write_request(&tx, ctx, &next, "pd_spend_request.reject").await?;
    tx.commit().await?;
    Ok(next)
}

/// Record what an approved request cost (the person or hr_admin): the reservation is settled,
/// and what was not spent returns to the budget.
#[tracing::instrument(skip_all, fields(spend_request_id = %id))]
pub async fn settle(ctx: &Ctx, id: SpendRequestId, actual_minor: i64) -> ApiResult<SpendRequest> {
    let (request, _, relation) = visible(ctx, id).await?;
    ensure(access::may_settle_spend(&ctx.principal, relation))?;
    let next = request.settle(actual_minor, &ctx.principal.subject, ctx.now)?;
    let tx = ctx.db.begin().await?;
    write_request(&tx, ctx, &next, "pd_spend_request.spend").await?;
    let reserved = request.amount.minor();
    store::settle(&tx, request.budget_id, reserved, actual_minor, ctx.now).await?;
    tx.commit().await?;
    Ok(next)
}

/// Cancel a request not yet spent (the person or hr_admin); an approved one releases its
/// reservation.
#[tracing::instrument(skip_all, fields(spend_request_id = %id))]
pub async fn cancel(ctx: &Ctx, id: SpendRequestId) -> ApiResult<SpendRequest> {
    let (request, _, relation) = visible(ctx, id).await?;
    ensure(access::may_settle_spend(&ctx.principal, relation))?;
    let (next, release) = request.cancel(&ctx.principal.subject, ctx.now)?;
    let tx = ctx.db.begin().await?;
    write_request(&tx, ctx, &next, "pd_spend_request.cancel").await?;
    if release {
        store::settle(&tx, request.budget_id, request.amount.minor(), 0, ctx.now).await?;
    }
    tx.commit().await?;
    Ok(next)
}
