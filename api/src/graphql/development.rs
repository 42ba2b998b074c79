//! PD budgets on the dashboard graph: `pdBudgetPolicies`, `pdBudget(employeeId, fiscalYear)` and
//! `pdSpendRequests(employeeId)`. They call the same services as REST; money is integer minor
//! units with its currency.

use super::{parse_id, service_ctx};
use crate::error::Gql;
use crate::services::development::{self as svc, BudgetView, SpendList};
use crate::services::encode_cursor;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::NaiveDate;
use learnwell_domain::development::{BudgetPolicy, SpendRequest};

/// One job level's PD budget for one fiscal year.
#[derive(SimpleObject)]
pub struct PdBudgetPolicy {
    id: ID,
    fiscal_year: i32,
    job_level: u8,
    amount_minor: i64,
    currency: String,
    carry_over_cap_minor: i64,
}

impl From<&BudgetPolicy> for PdBudgetPolicy {
    fn from(p: &BudgetPolicy) -> Self {
        Self {
            id: ID(p.id.to_string()),
            fiscal_year: p.fiscal_year,
            job_level: p.job_level.get(),
            amount_minor: p.amount.minor(),
            currency: p.amount.currency().to_string(),
            carry_over_cap_minor: p.carry_over_cap_minor,
        }
    }
}

/// A person's PD budget for one fiscal year (see the REST resource for the figures).
#[derive(SimpleObject)]
pub struct PdBudget {
    employee_id: ID,
    fiscal_year: i32,
    period_start: NaiveDate,
    period_end: NaiveDate,
    currency: String,
    allocated_minor: i64,
    carried_in_minor: i64,
    reserved_minor: i64,
    spent_minor: i64,
    available_minor: i64,
    opened: bool,
}

impl From<&BudgetView> for PdBudget {
    fn from(v: &BudgetView) -> Self {
        let b = &v.budget;
        Self {
            employee_id: ID(b.employee_id.to_string()),
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

/// A request to spend from a PD budget.
#[derive(SimpleObject)]
pub struct PdSpendRequest {
    id: ID,
    employee_id: ID,
    fiscal_year: i32,
    /// `course`, `conference`, `external_coaching`, `external_mentoring`, `books`, `other`.
    category: String,
    amount_minor: i64,
    currency: String,
    description: String,
    /// `requested`, `approved`, `rejected`, `spent` or `cancelled`.
    state: String,
    approvals_needed: u8,
    #[graphql(complexity = "super::limits::list(2, child_complexity)")]
    approved_by: Vec<String>,
    decided_by: Option<String>,
    actual_amount_minor: Option<i64>,
}

impl From<&SpendRequest> for PdSpendRequest {
    fn from(r: &SpendRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            employee_id: ID(r.employee_id.to_string()),
            fiscal_year: r.fiscal_year,
            category: r.category.to_string(),
            amount_minor: r.amount.minor(),
            currency: r.amount.currency().to_string(),
            description: r.description.to_string(),
            state: r.state.to_string(),
            approvals_needed: r.approvals_needed,
            approved_by: r.approved_by.clone(),
            decided_by: r.decided_by.clone(),
            actual_amount_minor: r.actual_minor,
        }
    }
}

#[derive(Default)]
pub struct DevelopmentQuery;

#[Object]
impl DevelopmentQuery {
    /// The PD budget policies (of one fiscal year, or all).
    #[graphql(complexity = "super::limits::list(super::limits::PD_POLICIES, child_complexity)")]
    async fn pd_budget_policies(
        &self,
        ctx: &Context<'_>,
        fiscal_year: Option<i32>,
    ) -> Result<Vec<PdBudgetPolicy>> {
        let all = svc::list_policies(service_ctx(ctx)?, fiscal_year)
            .await
            .gql()?;
        Ok(all.iter().map(PdBudgetPolicy::from).collect())
    }

    /// A person's PD budget (yours without `employeeId`; default the current fiscal year):
    /// themselves, their managers, hr_admin and ld_admin.
    async fn pd_budget(
        &self,
        ctx: &Context<'_>,
        employee_id: Option<ID>,
        fiscal_year: Option<i32>,
    ) -> Result<PdBudget> {
        let who = employee_id
            .as_ref()
            .map(|i| parse_id(i, "employee"))
            .transpose()?;
        let view = svc::get_budget(service_ctx(ctx)?, who, fiscal_year)
            .await
            .gql()?;
        Ok(PdBudget::from(&view))
    }

    /// A person's spend requests (yours without `employeeId`), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pd_spend_requests(
        &self,
        ctx: &Context<'_>,
        employee_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, PdSpendRequest>> {
        let q = SpendList {
            employee_id: employee_id
                .as_ref()
                .map(|i| parse_id(i, "employee"))
                .transpose()?,
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after: after.clone(),
        };
        let page = svc::list_requests(service_ctx(ctx)?, q).await.gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|r| Edge::new(encode_cursor(r.id), PdSpendRequest::from(r))),
        );
        Ok(conn)
    }
}
