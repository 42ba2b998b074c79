//! PD budgets over REST: policies, a person's budget per fiscal year, spend requests and their
//! decisions. Money is integer minor units with its ISO 4217 currency.

use super::PageOf;
use crate::body::JsonBody;
use crate::error::{ApiResult, Problem};
use crate::services::development::{self as svc, BudgetView, SpendList};
use crate::services::Ctx;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::development::{BudgetPolicy, BudgetPolicyFields, SpendFields, SpendRequest};
use learnwell_domain::ids::{EmployeeId, SpendRequestId};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

mod equity;
mod mentoring;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(mentoring::routes).configure(equity::routes);
    cfg.service(list_pd_budget_policies)
        .service(create_pd_budget_policy)
        .service(get_pd_budget)
        .service(list_pd_spend_requests)
        .service(request_pd_spend)
        .service(get_pd_spend_request)
        .service(approve_pd_spend_request)
        .service(reject_pd_spend_request)
        .service(settle_pd_spend_request)
        .service(cancel_pd_spend_request);
}

/// The budget of one job level for one fiscal year (one per year and level).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetPolicyInput {
    /// The calendar year the fiscal year starts in (`development.fiscal_year_start_month`).
    pub fiscal_year: Option<i64>,
    /// 1 (junior) .. 8.
    pub job_level: Option<i64>,
    /// A full year's budget, in minor units (150000 = 1500.00 EUR).
    pub amount_minor: Option<i64>,
    /// ISO 4217; default the organisation's (`development.currency`).
    pub currency: Option<String>,
    /// How much of last year's unused budget this year takes in (default 0).
    pub carry_over_cap_minor: Option<i64>,
}

impl From<BudgetPolicyInput> for BudgetPolicyFields {
    fn from(i: BudgetPolicyInput) -> Self {
        Self {
            fiscal_year: i.fiscal_year,
            job_level: i.job_level,
            amount_minor: i.amount_minor,
            currency: i.currency,
            carry_over_cap_minor: i.carry_over_cap_minor,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetPolicyResource {
    pub id: String,
    pub fiscal_year: i32,
    pub job_level: u8,
    pub amount_minor: i64,
    pub currency: String,
    pub carry_over_cap_minor: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&BudgetPolicy> for BudgetPolicyResource {
    fn from(p: &BudgetPolicy) -> Self {
        Self {
            id: p.id.to_string(),
            fiscal_year: p.fiscal_year,
            job_level: p.job_level.get(),
            amount_minor: p.amount.minor(),
            currency: p.amount.currency().to_string(),
            carry_over_cap_minor: p.carry_over_cap_minor,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PolicyFilter {
    pub fiscal_year: Option<i32>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

/// The budget policies (of one fiscal year, or all), a page at a time by fiscal year and job
/// level.
#[utoipa::path(tag = "development", params(PolicyFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<BudgetPolicyResource>), (status = 403, body = Problem)))]
#[get("/pd-budget-policies")]
async fn list_pd_budget_policies(ctx: Ctx, q: web::Query<PolicyFilter>) -> ApiResult<HttpResponse> {
    let page = svc::list_policies(&ctx, q.fiscal_year, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |p| BudgetPolicyResource::from(&p))))
}

/// Set one job level's budget for one fiscal year (hr_admin, ld_admin).
#[utoipa::path(tag = "development", request_body = BudgetPolicyInput, security(("bearer" = [])),
    responses((status = 201, body = BudgetPolicyResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pd-budget-policies")]
async fn create_pd_budget_policy(
    ctx: Ctx,
    body: JsonBody<BudgetPolicyInput>,
) -> ApiResult<HttpResponse> {
    let p = svc::create_policy(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Created().json(BudgetPolicyResource::from(&p)))
}

/// A person's PD budget for one fiscal year. `available_minor` = allocated + carried in -
/// reserved (approved, not yet spent) - spent; never below zero.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetResource {
    pub employee_id: String,
    pub fiscal_year: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub currency: String,
    /// The policy's amount prorated for the days employed in the fiscal year, rounded down.
    pub allocated_minor: i64,
    pub carried_in_minor: i64,
    pub reserved_minor: i64,
    pub spent_minor: i64,
    pub available_minor: i64,
    /// False until the first spend request opens it (the figures are what it would open with).
    pub opened: bool,
}

impl From<&BudgetView> for BudgetResource {
    fn from(v: &BudgetView) -> Self {
        let b = &v.budget;
        Self {
            employee_id: b.employee_id.to_string(),
            fiscal_year: b.fiscal_year,
            period_start: v.period.start(),
            period_end: v.period.end(),
            currency: b.currency.to_string(),
            allocated_minor: b.allocated_minor,
            carried_in_minor: b.carried_in_minor,
            reserved_minor: b.reserved_minor,
            spent_minor: b.spent_minor,
            available_minor: b.available_minor(),
            opened: v.opened,
        }
    }
}

/// A person's budget for a fiscal year (themselves, their managers, hr_admin, ld_admin).
#[utoipa::path(tag = "development", params(("id" = String, Path),
        ("fiscal_year" = i32, Path, minimum = 2000, maximum = 2100, description = "The fiscal year (2000-2100).")),
    security(("bearer" = [])),
    responses((status = 200, body = BudgetResource), (status = 400, description = "A fiscal year outside 2000-2100.", body = Problem),
        (status = 403, body = Problem)))]
#[get("/employees/{id}/pd-budgets/{fiscal_year}")]
async fn get_pd_budget(ctx: Ctx, path: web::Path<(EmployeeId, i32)>) -> ApiResult<HttpResponse> {
    let (id, year) = path.into_inner();
    let b = svc::get_budget(&ctx, Some(id), Some(year)).await?;
    Ok(HttpResponse::Ok().json(BudgetResource::from(&b)))
}

/// A request to spend from your budget of the current fiscal year.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendInput {
    /// `course`, `conference`, `external_coaching`, `external_mentoring`, `books` or `other`.
    pub category: Option<String>,
    /// In minor units of the budget's currency, at least 1.
    pub amount_minor: Option<i64>,
    /// ISO 4217; must be the budget's (default).
    pub currency: Option<String>,
    pub description: Option<String>,
    /// A course of the catalog this pays for.
    pub course_id: Option<String>,
    /// One of your mentoring or coaching engagements this pays for (an external coach, say).
    pub engagement_id: Option<String>,
}

impl From<SpendInput> for SpendFields {
    fn from(i: SpendInput) -> Self {
        Self {
            category: i.category,
            amount_minor: i.amount_minor,
            currency: i.currency,
            description: i.description,
            course_id: i.course_id,
            engagement_id: i.engagement_id,
        }
    }
}

/// What an approved request actually cost: at most its amount; the rest returns to the budget.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpentInput {
    pub actual_amount_minor: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpendRequestResource {
    pub id: String,
    pub employee_id: String,
    pub fiscal_year: i32,
    pub category: String,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    pub course_id: Option<String>,
    pub engagement_id: Option<String>,
    /// `requested`, `approved`, `rejected`, `spent` or `cancelled`.
    pub state: String,
    /// 2 when the amount is above `development.second_approval_above_minor`.
    pub approvals_needed: u8,
    /// Who approved so far (token subjects), in order.
    pub approved_by: Vec<String>,
    /// Who rejected, recorded the spending or cancelled.
    pub decided_by: Option<String>,
    pub actual_amount_minor: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&SpendRequest> for SpendRequestResource {
    fn from(r: &SpendRequest) -> Self {
        Self {
            id: r.id.to_string(),
            employee_id: r.employee_id.to_string(),
            fiscal_year: r.fiscal_year,
            category: r.category.to_string(),
            amount_minor: r.amount.minor(),
            currency: r.amount.currency().to_string(),
            description: r.description.to_string(),
            course_id: r.course_id.map(|c| c.to_string()),
            engagement_id: r.engagement_id.map(|e| e.to_string()),
            state: r.state.to_string(),
            approvals_needed: r.approvals_needed,
            approved_by: r.approved_by.clone(),
            decided_by: r.decided_by.clone(),
            actual_amount_minor: r.actual_minor,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn ok(r: &SpendRequest) -> HttpResponse {
    HttpResponse::Ok().json(SpendRequestResource::from(r))
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SpendFilter {
    /// Default: yourself.
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// A person's spend requests (themselves, their managers, hr_admin, ld_admin).
#[utoipa::path(tag = "development", params(SpendFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<SpendRequestResource>), (status = 403, body = Problem)))]
#[get("/pd-spend-requests")]
async fn list_pd_spend_requests(ctx: Ctx, q: web::Query<SpendFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let list = SpendList {
        employee_id: q.employee_id,
        first: q.first,
        after: q.after,
    };
    let page = svc::list_requests(&ctx, list).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |r| SpendRequestResource::from(&r))))
}

/// Ask to spend from your budget (refused at once when more than is available).
#[utoipa::path(tag = "development", request_body = SpendInput, security(("bearer" = [])),
    responses((status = 201, body = SpendRequestResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/pd-spend-requests")]
async fn request_pd_spend(ctx: Ctx, body: JsonBody<SpendInput>) -> ApiResult<HttpResponse> {
    let r = svc::request_spend(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Created().json(SpendRequestResource::from(&r)))
}

/// One spend request (404 when it is not yours to see).
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = SpendRequestResource)))]
#[get("/pd-spend-requests/{id}")]
async fn get_pd_spend_request(ctx: Ctx, id: web::Path<SpendRequestId>) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::get_request(&ctx, id.into_inner()).await?))
}

/// Approve (the person's manager or hr_admin, never the person): the last approval needed
/// reserves the amount, only if the budget stays at or above zero (`budget_exceeded`).
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = SpendRequestResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pd-spend-requests/{id}:approve")]
async fn approve_pd_spend_request(
    ctx: Ctx,
    id: web::Path<SpendRequestId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::approve(&ctx, id.into_inner()).await?))
}

/// Reject (the person's manager or hr_admin, never the person).
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = SpendRequestResource), (status = 409, body = Problem)))]
#[post("/pd-spend-requests/{id}:reject")]
async fn reject_pd_spend_request(
    ctx: Ctx,
    id: web::Path<SpendRequestId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::reject(&ctx, id.into_inner()).await?))
}

/// Record what an approved request cost (the person or hr_admin).
#[utoipa::path(tag = "development", params(("id" = String, Path)), request_body = SpentInput, security(("bearer" = [])),
    responses((status = 200, body = SpendRequestResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pd-spend-requests/{id}:spend")]
async fn settle_pd_spend_request(
    ctx: Ctx,
    id: web::Path<SpendRequestId>,
    body: JsonBody<SpentInput>,
) -> ApiResult<HttpResponse> {
    let r = svc::settle(&ctx, id.into_inner(), body.0.actual_amount_minor).await?;
    Ok(ok(&r))
}

/// Cancel a request not yet spent (the person or hr_admin); an approved one's reservation is
/// released.
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = SpendRequestResource), (status = 409, body = Problem)))]
#[post("/pd-spend-requests/{id}:cancel")]
async fn cancel_pd_spend_request(
    ctx: Ctx,
    id: web::Path<SpendRequestId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::cancel(&ctx, id.into_inner()).await?))
}
