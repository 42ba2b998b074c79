//! What the equity report reads: every employee (the people the learning-time summaries and the
//! privacy engine count) with their development in one fiscal year, in one statement.

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult};
use chrono::NaiveDate;
use learnwell_domain::development::Currency;
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::org::{EmploymentDates, JobLevel, Period};
use sea_orm::FromQueryResult;

/// One employee's row: where they sit, their dates, and their year.
#[derive(Debug, Clone)]
pub struct DevelopmentRow {
    pub org_unit: Option<OrgUnitId>,
    pub level: JobLevel,
    pub dates: EmploymentDates,
    pub has_engagement: bool,
    /// Allocated plus carried in, of the opened budget in the currency (`None`: not opened).
    pub budget_minor: Option<i64>,
    pub used_minor: i64,
    pub learning_minutes: u64,
}

struct Raw {
    unit: String,
    level: i16,
    hire: String,
    termination: String,
    engaged: i64,
    budget: i64,
    used: i64,
    minutes: i64,
}

impl FromQueryResult for Raw {
    fn from_query_result(res: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            unit: res.try_get_by_index(0)?,
            level: res.try_get_by_index(1)?,
            hire: res.try_get_by_index(2)?,
            termination: res.try_get_by_index(3)?,
            engaged: res.try_get_by_index(4)?,
            budget: res.try_get_by_index(5)?,
            used: res.try_get_by_index(6)?,
            minutes: res.try_get_by_index(7)?,
        })
    }
}

fn day(s: &str) -> StoreResult<Option<NaiveDate>> {
    (!s.is_empty())
        .then(|| {
            s.get(..10)
                .unwrap_or(s)
                .parse()
                .map_err(StoreError::corrupt)
        })
        .transpose()
}

/// Every employee with: an active engagement as mentee, their budget of `year` in `currency`,
/// and their learning minutes in the months of `period`.
pub async fn development_rows(
    c: &impl Conn,
    year: i32,
    currency: Currency,
    period: &Period,
) -> StoreResult<Vec<DevelopmentRow>> {
    let sql = "SELECT COALESCE(e.org_unit_id, ''), e.job_level, \
         COALESCE(CAST(e.hire_date AS TEXT), ''), COALESCE(CAST(e.termination_date AS TEXT), ''), \
         CAST(CASE WHEN g.mentee_id IS NULL THEN 0 ELSE 1 END AS BIGINT), \
         CAST(COALESCE(b.allocated_minor + b.carried_in_minor, -1) AS BIGINT), \
         CAST(COALESCE(b.reserved_minor + b.spent_minor, 0) AS BIGINT), \
         CAST(COALESCE(t.minutes, 0) AS BIGINT) \
         FROM employees e \
         LEFT JOIN (SELECT DISTINCT mentee_id FROM engagements WHERE state = 'active') g \
           ON g.mentee_id = e.id \
         LEFT JOIN pd_budgets b ON b.employee_id = e.id AND b.fiscal_year = ? AND b.currency = ? \
         LEFT JOIN (SELECT employee_id, SUM(in_work + outside_work) AS minutes FROM time_rollups \
           WHERE month >= ? AND month <= ? GROUP BY employee_id) t ON t.employee_id = e.id";
    let values = vec![
        year.into(),
        currency.to_string().into(),
        period.start().into(),
        period.end().into(),
    ];
    let rows = Raw::find_by_statement(statement(c.backend(), sql, values))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DevelopmentRow {
                org_unit: (!r.unit.is_empty())
                    .then(|| parse_id(&r.unit))
                    .transpose()?,
                level: JobLevel::new(r.level.into()).map_err(StoreError::corrupt)?,
                dates: EmploymentDates {
                    hire_date: day(&r.hire)?,
                    termination_date: day(&r.termination)?,
                    ..EmploymentDates::default()
                },
                has_engagement: r.engaged == 1,
                budget_minor: (r.budget >= 0).then_some(r.budget),
                used_minor: r.used,
                learning_minutes: u64::try_from(r.minutes).unwrap_or(0),
            })
        })
        .collect()
}
