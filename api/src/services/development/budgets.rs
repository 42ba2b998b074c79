//! PD budget policies and budgets.

use crate::error::{ApiError, ApiResult};
use crate::services::{
    audit, decode_cursor, ensure, page_size, paginate, Ctx, Page, Position, Services,
};
use learnwell_domain::access;
use learnwell_domain::development::{
    fiscal_year_of, fiscal_year_period, prorated, Budget, BudgetPolicy, BudgetPolicyFields, Opening,
};
use learnwell_domain::ids::{BudgetId, BudgetPolicyId, EmployeeId};
use learnwell_domain::org::{Employee, Period};
use learnwell_domain::FieldError;
use learnwell_persistence::development as store;

/// A person's budget for a fiscal year, with the year's days; `opened` is false while no
/// spend request has opened it (the figures are those it would open with).
#[derive(Debug, Clone)]
pub struct BudgetView {
    pub budget: Budget,
    pub period: Period,
    pub opened: bool,
}

/// A page of the policies (of one fiscal year, or all), by fiscal year and job level: every
/// person in the directory reads them.
#[tracing::instrument(skip_all)]
pub async fn list_policies(
    ctx: &Ctx,
    year: Option<i32>,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<BudgetPolicy>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<Position<i32, u8>>(after)?.map(|p| (p.0, p.1));
    let rows = store::list_policies_after(&ctx.db, year, after, limit + 1).await?;
    Ok(paginate(rows, limit, |p| policy_cursor(p).to_string()))
}

/// What a policy's cursor names: its place in the list, by fiscal year and job level.
pub fn policy_cursor(p: &BudgetPolicy) -> Position<i32, u8> {
    Position(p.fiscal_year, p.job_level.get())
}

/// Set the budget of one job level for one fiscal year (hr_admin, ld_admin); one policy per
/// year and level.
#[tracing::instrument(skip_all)]
pub async fn create_policy(ctx: &Ctx, fields: BudgetPolicyFields) -> ApiResult<BudgetPolicy> {
    ensure(access::can_manage_development(&ctx.principal))?;
    let id = BudgetPolicyId::from_uuid(uuid::Uuid::now_v7());
    let currencies = ctx.settings.development.currencies();
    let policy = fields
        .parse(id, &currencies, ctx.now)
        .map_err(ApiError::Validation)?;
    let tx = ctx.db.begin().await?;
    store::insert_policy(&tx, &policy).await?;
    let event = audit::event(ctx, "pd_budget_policy.create", "pd_budget_policy", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(policy)
}

/// The fiscal year containing today.
pub(super) fn current_year(svc: &Services, today: chrono::NaiveDate) -> i32 {
    fiscal_year_of(today, svc.settings.development.fiscal_year_start_month)
}

/// What `employee`'s budget for `year` opens with: the policy of their job level prorated for
/// their dates, and last year's unused amount (its stored budget, or else what its policy
/// granted them) up to the cap.
pub(super) async fn opening(svc: &Services, employee: &Employee, year: i32) -> ApiResult<Opening> {
    let start = svc.settings.development.fiscal_year_start_month;
    let level = employee.data.job_level;
    let dates = &employee.data.dates;
    let policy = store::policy_for(&svc.db, year, level).await?;
    let previous_unused = match store::get_budget(&svc.db, employee.id, year - 1).await? {
        Some(b) => b.available_minor(),
        None => store::policy_for(&svc.db, year - 1, level)
            .await?
            .map_or(0, |p| {
                prorated(
                    p.amount.minor(),
                    &fiscal_year_period(year - 1, start),
                    dates,
                )
            }),
    };
    let period = fiscal_year_period(year, start);
    Ok(Opening::new(
        policy.as_ref(),
        svc.settings.development.currency,
        &period,
        dates,
        previous_unused,
    ))
}

/// The person's budget for `year`: the stored one with its allocation as of now, or the one it
/// would open with.
pub(super) async fn budget_of(
    ctx: &Ctx,
    employee: &Employee,
    year: i32,
) -> ApiResult<(Budget, bool)> {
    let opening = opening(ctx, employee, year).await?;
    Ok(match store::get_budget(&ctx.db, employee.id, year).await? {
        Some(b) => (b.with_allocation(opening.allocated_minor), true),
        None => {
            let id = BudgetId::from_uuid(uuid::Uuid::now_v7());
            (Budget::open(id, employee.id, year, opening, ctx.now), false)
        }
    })
}

/// A person's budget (the caller's without `employee`) for a fiscal year (default: the
/// current one): themselves, their managers, hr_admin and ld_admin.
#[tracing::instrument(skip_all)]
pub async fn get_budget(
    ctx: &Ctx,
    employee: Option<EmployeeId>,
    year: Option<i32>,
) -> ApiResult<BudgetView> {
    let who = employee
        .or(ctx.principal.employee_id)
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("employee_id", "is required")))?;
    let (person, relation) = ctx.directory.relation(&ctx.principal, who).await?;
    ensure(access::can_see_budget(&ctx.principal, relation))?;
    let year = year.unwrap_or_else(|| current_year(ctx, ctx.now.date_naive()));
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::InvalidQuery(FieldError::new(
            "fiscal_year",
            "must be between 2000 and 2100",
        )));
    }
    let (budget, opened) = budget_of(ctx, &person, year).await?;
    let start = ctx.settings.development.fiscal_year_start_month;
    Ok(BudgetView {
        budget,
        period: fiscal_year_period(year, start),
        opened,
    })
}
