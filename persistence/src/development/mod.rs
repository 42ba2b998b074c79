//! Stores of the development context: PD budget policies, budgets and spend requests. A
//! budget's `reserved` and `spent` change only by conditional updates, so its available amount
//! never goes below zero whatever runs concurrently (PostgreSQL re-checks the condition on the
//! row it waited for; SQLite has one writer).

mod entities;
pub mod equity;
pub mod mentoring;

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult, Tx};
use entities::{budget, policy, spend};
use learnwell_domain::catalog::Description;
use learnwell_domain::development::{
    Budget, BudgetPolicy, Currency, Money, SpendCategory, SpendRequest, SpendState,
};
use learnwell_domain::ids::{BudgetId, EmployeeId, SpendRequestId};
use learnwell_domain::org::JobLevel;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};

fn currency(s: &str) -> StoreResult<Currency> {
    Currency::parse(s, "currency").map_err(StoreError::corrupt)
}

// ---- policies ----

fn to_policy(m: policy::Model) -> StoreResult<BudgetPolicy> {
    let c = StoreError::corrupt;
    Ok(BudgetPolicy {
        id: parse_id(&m.id)?,
        fiscal_year: m.fiscal_year,
        job_level: JobLevel::new(m.job_level.into()).map_err(c)?,
        amount: Money::new(m.amount_minor, currency(&m.currency)?, "amount").map_err(c)?,
        carry_over_cap_minor: m.carry_over_cap_minor,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Insert a policy; another for the same fiscal year and job level is `Duplicate`.
pub async fn insert_policy(tx: &Tx, p: &BudgetPolicy) -> StoreResult<()> {
    let m = policy::Model {
        id: p.id.to_string(),
        fiscal_year: p.fiscal_year,
        job_level: i16::from(p.job_level.get()),
        amount_minor: p.amount.minor(),
        currency: p.amount.currency().to_string(),
        carry_over_cap_minor: p.carry_over_cap_minor,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    };
    policy::Entity::insert(m.into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await
        .map_err(|e| match StoreError::from_write(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("fiscal_year and job_level".into()),
            other => other,
        })?;
    Ok(())
}

/// Every policy, by fiscal year then job level (optionally of one fiscal year).
pub async fn list_policies(c: &impl Conn, year: Option<i32>) -> StoreResult<Vec<BudgetPolicy>> {
    let mut find = policy::Entity::find();
    if let Some(y) = year {
        find = find.filter(policy::Column::FiscalYear.eq(y));
    }
    find.order_by_asc(policy::Column::FiscalYear)
        .order_by_asc(policy::Column::JobLevel)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_policy)
        .collect()
}

/// A page of the policies (of one fiscal year, or all) by fiscal year and job level, after the
/// policy of `after`'s year and job level.
pub async fn list_policies_after(
    c: &impl Conn,
    year: Option<i32>,
    after: Option<(i32, u8)>,
    limit: u64,
) -> StoreResult<Vec<BudgetPolicy>> {
    let mut find = policy::Entity::find();
    if let Some(y) = year {
        find = find.filter(policy::Column::FiscalYear.eq(y));
    }
    let after = after.map(|(y, l)| (y, i16::from(l)));
    crate::paging::after_pair(
        find,
        policy::Column::FiscalYear,
        policy::Column::JobLevel,
        after,
        limit,
    )
    .all(c.conn())
    .await?
    .into_iter()
    .map(to_policy)
    .collect()
}

/// The policy of one fiscal year and job level.
pub async fn policy_for(
    c: &impl Conn,
    year: i32,
    level: JobLevel,
) -> StoreResult<Option<BudgetPolicy>> {
    policy::Entity::find()
        .filter(policy::Column::FiscalYear.eq(year))
        .filter(policy::Column::JobLevel.eq(i16::from(level.get())))
        .one(c.conn())
        .await?
        .map(to_policy)
        .transpose()
}

// ---- budgets ----

fn to_budget(m: budget::Model) -> StoreResult<Budget> {
    Ok(Budget {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        fiscal_year: m.fiscal_year,
        currency: currency(&m.currency)?,
        allocated_minor: m.allocated_minor,
        carried_in_minor: m.carried_in_minor,
        reserved_minor: m.reserved_minor,
        spent_minor: m.spent_minor,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// A person's budget for one fiscal year, if it has been opened.
pub async fn get_budget(
    c: &impl Conn,
    employee: EmployeeId,
    year: i32,
) -> StoreResult<Option<Budget>> {
    budget::Entity::find()
        .filter(budget::Column::EmployeeId.eq(employee.to_string()))
        .filter(budget::Column::FiscalYear.eq(year))
        .one(c.conn())
        .await?
        .map(to_budget)
        .transpose()
}

pub async fn get_budget_by_id(c: &impl Conn, id: BudgetId) -> StoreResult<Option<Budget>> {
    budget::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_budget)
        .transpose()
}

/// Open `b` unless the person's budget for that year is open already (concurrent openings
/// keep the first); returns the stored one.
pub async fn open_budget(tx: &Tx, b: &Budget) -> StoreResult<Budget> {
    let m = budget::Model {
        id: b.id.to_string(),
        employee_id: b.employee_id.to_string(),
        fiscal_year: b.fiscal_year,
        currency: b.currency.to_string(),
        allocated_minor: b.allocated_minor,
        carried_in_minor: b.carried_in_minor,
        reserved_minor: b.reserved_minor,
        spent_minor: b.spent_minor,
        version: b.version,
        created_at: b.created_at,
        updated_at: b.updated_at,
    };
    budget::Entity::insert(m.into_active_model().reset_all())
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                budget::Column::EmployeeId,
                budget::Column::FiscalYear,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(tx.conn())
        .await?;
    get_budget(tx, b.employee_id, b.fiscal_year)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn change(tx: &Tx, sql: &str, values: Vec<sea_orm::Value>) -> StoreResult<bool> {
    let r = tx
        .conn()
        .execute(statement(tx.backend(), sql, values))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Reserve `amount` on a budget whose allocation is now `allocated` (refreshed from the
/// policy and the person's dates) if that leaves it at or above zero: one conditional update.
/// False when it would not (nothing changed).
pub async fn reserve(
    tx: &Tx,
    id: BudgetId,
    allocated: i64,
    amount: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<bool> {
    change(
        tx,
        "UPDATE pd_budgets SET reserved_minor = reserved_minor + ?, allocated_minor = ?, \
         version = version + 1, updated_at = ? \
         WHERE id = ? AND ? + carried_in_minor - reserved_minor - spent_minor >= ?",
        vec![
            amount.into(),
            allocated.into(),
            now.into(),
            id.to_string().into(),
            allocated.into(),
            amount.into(),
        ],
    )
    .await
}

/// Take a reservation of `reserved` off a budget and count `spent` of it as spent (settling,
/// `spent` <= `reserved`; releasing, `spent` = 0). Never raises what is used.
pub async fn settle(
    tx: &Tx,
    id: BudgetId,
    reserved: i64,
    spent: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    let done = change(
        tx,
        "UPDATE pd_budgets SET reserved_minor = reserved_minor - ?, spent_minor = spent_minor + ?, \
         version = version + 1, updated_at = ? WHERE id = ? AND reserved_minor >= ? AND ? <= ?",
        vec![
            reserved.into(),
            spent.into(),
            now.into(),
            id.to_string().into(),
            reserved.into(),
            spent.into(),
            reserved.into(),
        ],
    )
    .await?;
    if done {
        Ok(())
    } else {
        Err(StoreError::corrupt(format!(
            "budget {id} holds less than the {reserved} reserved"
        )))
    }
}

// ---- spend requests ----

fn to_request(m: spend::Model) -> StoreResult<SpendRequest> {
    let c = StoreError::corrupt;
    let cur = currency(&m.currency)?;
    Ok(SpendRequest {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        budget_id: parse_id(&m.budget_id)?,
        fiscal_year: m.fiscal_year,
        category: SpendCategory::parse(&m.category).map_err(c)?,
        amount: Money::new(m.amount_minor, cur, "amount").map_err(c)?,
        description: Description::parse(&m.description).map_err(c)?,
        course_id: m.course_id.as_deref().map(parse_id).transpose()?,
        engagement_id: m.engagement_id.as_deref().map(parse_id).transpose()?,
        state: SpendState::parse(&m.state).map_err(c)?,
        approvals_needed: u8::try_from(m.approvals_needed).map_err(StoreError::corrupt)?,
        approved_by: [m.first_approved_by, m.second_approved_by]
            .into_iter()
            .flatten()
            .collect(),
        decided_by: m.decided_by,
        actual_minor: m.actual_minor,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_request_model(r: &SpendRequest) -> spend::Model {
    spend::Model {
        id: r.id.to_string(),
        employee_id: r.employee_id.to_string(),
        budget_id: r.budget_id.to_string(),
        fiscal_year: r.fiscal_year,
        category: r.category.code().to_owned(),
        amount_minor: r.amount.minor(),
        currency: r.amount.currency().to_string(),
        description: r.description.to_string(),
        course_id: r.course_id.map(|x| x.to_string()),
        engagement_id: r.engagement_id.map(|x| x.to_string()),
        state: r.state.code().to_owned(),
        approvals_needed: i16::from(r.approvals_needed),
        first_approved_by: r.approved_by.first().cloned(),
        second_approved_by: r.approved_by.get(1).cloned(),
        decided_by: r.decided_by.clone(),
        actual_minor: r.actual_minor,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub async fn insert_request(tx: &Tx, r: &SpendRequest) -> StoreResult<()> {
    spend::Entity::insert(to_request_model(r).into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

pub async fn get_request(c: &impl Conn, id: SpendRequestId) -> StoreResult<Option<SpendRequest>> {
    spend::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_request)
        .transpose()
}

/// Write `r` (whose `version` is already the new one) if the stored row still has the one
/// before: of two concurrent decisions on one request, one wins.
pub async fn update_request(tx: &Tx, r: &SpendRequest) -> StoreResult<()> {
    let res = spend::Entity::update_many()
        .set(to_request_model(r).into_active_model().reset_all())
        .filter(spend::Column::Id.eq(r.id.to_string()))
        .filter(spend::Column::Version.eq(r.version - 1))
        .exec(tx.conn())
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// One page of a person's spend requests, in id order.
pub async fn list_requests(
    c: &impl Conn,
    employee: EmployeeId,
    after: Option<SpendRequestId>,
    limit: u64,
) -> StoreResult<Vec<SpendRequest>> {
    let mut find = spend::Entity::find().filter(spend::Column::EmployeeId.eq(employee.to_string()));
    if let Some(a) = after {
        find = find.filter(spend::Column::Id.gt(a.to_string()));
    }
    find.order_by_asc(spend::Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_request)
        .collect()
}
